/* What changed between two recorded runs: the spec as a unified diff (Myers 1986, "An O(ND)
 * difference algorithm and its variations"), the data (hash, rows), each target, each headline
 * figure before/after with its direction, the transformation per quasi-identifier and the
 * verdict; and the exact comparison of two figures documents that `edra rerun` relies on. */
#ifndef EDRA_RUNDIFF_H
#define EDRA_RUNDIFF_H

#include <jansson.h>
#include <stddef.h>

#include "../metrics/error.h"
#include "history.h"

/* A unified diff of text a against text b ("--- a_label", "+++ b_label", hunks with 3 lines of
 * context, "\ No newline at end of file" as GNU diff writes it); "" when the texts are equal.
 * *out is the caller's (free()). Returns 0 or EDRA_ENOMEM. */
int edra_rundiff_text(char **out, const char *a, const char *b, const char *a_label,
                      const char *b_label, edra_error *err);

/* The changes from run a to run b (both loaded with their spec text and figures) as a JSON
 * object: "a" and "b" (identity), "spec" {same, unified_diff}, "data" {same, sha256_a/b,
 * rows_a/b, rows_change}, "targets" [{name, status: same|changed|added|removed (the target's
 * value), target_a/b, achieved_a/b, met_a/b, met_changed}],
 * "figures" [{name, a, b, direction: up|down|same|added|removed, judgement: better|worse|""}],
 * "transformation" [{qi, a, b, direction}], "verdict" {a, b, same}, "identical_figures".
 * *out is the caller's. Returns 0 or EDRA_ENOMEM. */
int edra_rundiff_runs(json_t **out, const edra_history_run *a, const edra_history_run *b,
                      edra_error *err);

/* The report's history paragraph: the previous run and what changed since, from a document of
 * edra_rundiff_runs (previous as a). Plain text, one statement per line. *out is the caller's
 * (free()). Returns 0 or EDRA_ENOMEM. */
int edra_rundiff_summary(char **out, const json_t *diff, edra_error *err);

/* The headline figures of one figures document, [{name, value}] in the order edra_rundiff_runs
 * lists them (those that do not apply left out). NULL when out of memory. The caller's. */
json_t *edra_rundiff_headlines(const json_t *doc);

/* A figure for people: integers as they are, reals to 6 significant digits, booleans as
 * "met" / "not met", null or absent as "n/a". Returns buf. */
const char *edra_rundiff_format(char *buf, size_t size, const json_t *x);

/* The canonical text of a figures document (sorted keys, compact, reals to 17 digits): two
 * runs reproduce each other exactly when these are equal. *out is the caller's (free()). */
int edra_rundiff_canonical(char **out, const json_t *doc, edra_error *err);

/* Appends to differences (an array) one string "path: a -> b" for each leaf at which docs a
 * and b differ, at most max of them; returns the number of differing leaves found. */
size_t edra_rundiff_documents(json_t *differences, const json_t *a, const json_t *b, size_t max);

#endif
