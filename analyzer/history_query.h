/* Reading the run history back: one run in full (by id, unique id prefix or "last"), the
 * newest comparable run and the newest-first list of summaries. The history is opened,
 * written and counted through history.h. */
#ifndef EDRA_HISTORY_QUERY_H
#define EDRA_HISTORY_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/error.h"
#include "history.h"

/* The run whose id is id, or the one run whose id starts with id (at least 4 characters), or
 * "last" for the newest. *out is the caller's (edra_history_run_free). Returns 0, EDRA_EUSAGE
 * (none, or a prefix that is ambiguous) or EDRA_EDB. */
int edra_history_get(edra_history_run **out, edra_history *h, const char *id, edra_error *err);

/* Up to limit runs (0 = all), newest first, with the summary columns only (no spec text,
 * context, figures or artifacts). *out is the caller's (edra_history_runs_free). */
int edra_history_list(edra_history_run **out, size_t *n, edra_history *h, size_t limit,
                      edra_error *err);

/* The newest run, other than exclude_id (may be NULL), on the same spec file (spec_dir and the
 * spec's file name), the same spec text or the same data; *out NULL when there is none.
 * Loaded fully like edra_history_get. Returns 0 or EDRA_EDB. */
int edra_history_previous(edra_history_run **out, edra_history *h, const edra_history_run *run,
                          edra_error *err);

void edra_history_run_free(edra_history_run *run);
void edra_history_runs_free(edra_history_run *runs, size_t n);

#endif
