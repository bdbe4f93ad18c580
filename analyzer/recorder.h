/* What assess, anonymize and run share to keep the run history: the --history / --no-history
 * options, the run's id and clocks, the figures document recorded for a run (and recomputed by
 * `edra rerun`), the previous-run paragraph of the report, and the recording itself. */
#ifndef EDRA_RECORDER_H
#define EDRA_RECORDER_H

#include <jansson.h>

#include "../metrics/assessment.h"
#include "../report/context.h"
#include "history.h"
#include "job.h"
#include "spec.h"

/* The two option-table rows every recording command carries. */
#define EDRA_RECORDER_OPTION_ROWS                                                                \
    {"history", 0, "FILE", "record the run in FILE (default $EDRA_HISTORY, else "               \
                           "SPECDIR/.edra/history.sqlite)"},                                    \
    {"no-history", 0, NULL, "do not record the run in the history"}

typedef struct {
    const char *path;   /* --history */
    int disabled;       /* --no-history */
} edra_recorder_opts;

typedef struct {
    edra_history *history;               /* NULL with --no-history */
    char id[EDRA_HISTORY_ID_MAX];        /* the run id (also the report's determination ID) */
    char created[EDRA_HISTORY_TIME_MAX]; /* the outputs' date (SOURCE_DATE_EPOCH) */
    char started[EDRA_HISTORY_TIME_MAX], ended[EDRA_HISTORY_TIME_MAX];
    char user[128];
    char *spec_dir;                      /* absolute */
    json_t *context;                     /* of the run described, timing removed */
    edra_history_artifact *artifacts;    /* [n_artifacts], strings owned here */
    size_t n_artifacts;
} edra_recorder;

/* Takes the history options from a command's on_option; returns 1 when name was one. */
int edra_recorder_option(edra_recorder_opts *opts, const char *name, const char *arg);

/* Starts a run of the spec at spec_path: its id and clocks, and (unless opts->disabled) the
 * history opened for writing, so an unusable history fails the command before any work. The
 * recorder must be zeroed before and released with edra_recorder_clear. Returns 0,
 * EDRA_EUSAGE (SOURCE_DATE_EPOCH), EDRA_EIO or EDRA_EDB. */
int edra_recorder_begin(edra_recorder *r, const edra_recorder_opts *opts, const char *spec_path,
                        edra_error *err);

void edra_recorder_clear(edra_recorder *r);

/* The document recorded for an assessment ({"figures", "targets_met"}) and for a search
 * ({"before", "figures", "search" without the node list, "targets_met"}), every duration
 * ("seconds", "*_seconds") removed. NULL when out of memory. The caller's. */
json_t *edra_recorder_assess_doc(const edra_figures *f, const edra_report_context *ctx);
json_t *edra_recorder_job_doc(const edra_job *job);

/* Fills run (borrowing from r, spec, ctx, options and doc) to describe the current run; the
 * exit code, output folder, signer and artifacts are the caller's to set. Returns 0,
 * EDRA_ENOMEM or EDRA_EIO (the spec's folder cannot be resolved). */
int edra_recorder_describe(edra_history_run *run, edra_recorder *r, const char *command,
                           const edra_spec *spec, const edra_report_context *ctx, json_t *options,
                           json_t *doc, edra_error *err);

/* The report's history paragraph for run: the previous run on the same spec or data and what
 * changed since, or that there is none, or that the run is not recorded. *out is the caller's
 * (free()). Returns 0 or the history's error. */
int edra_recorder_history_text(char **out, edra_recorder *r, const edra_history_run *run,
                               edra_error *err);

/* Adds a file written by the run (outside a report folder: --json, --out) as an artifact,
 * hashing it now. Returns 0, EDRA_EIO or EDRA_ENOMEM. */
int edra_recorder_add_file(edra_recorder *r, const char *path, const char *role, edra_error *err);

/* Adds the artifacts of the report folder dir: every file its MANIFEST.json lists, the
 * manifest itself and its signature when there is one. Returns 0, EDRA_EIO, EDRA_EPARSE or
 * EDRA_ENOMEM. */
int edra_recorder_add_folder(edra_recorder *r, const char *dir, edra_error *err);

/* Records run (with r's artifacts) and its end time; nothing with --no-history. Returns 0 or
 * the history's error. */
int edra_recorder_record(edra_recorder *r, edra_history_run *run, edra_error *err);

/* edra_recorder_describe and edra_recorder_record in one step, for the commands that write no
 * report; takes over options and doc (either may be NULL after an allocation failure). */
int edra_recorder_finish(edra_recorder *r, const char *command, const edra_spec *spec,
                         const edra_report_context *ctx, json_t *options, json_t *doc,
                         int exit_code, edra_error *err);

/* Opens an existing history for the commands that read it (history, diff, rerun): at
 * history_opt (--history) when given, else beside spec_path (--spec) when given, else
 * $EDRA_HISTORY, else ./.edra/history.sqlite. Returns 0 or edra_history_open's codes. */
int edra_recorder_open_read(edra_history **out, const char *history_opt, const char *spec_path,
                            edra_error *err);

/* Prints "edra: message" for a history failure and returns the exit code: 1 (the environment:
 * the history cannot be opened or written), or 2 for a bad SOURCE_DATE_EPOCH. */
int edra_recorder_fail(int code, const edra_error *err);

#endif
