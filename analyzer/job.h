/* The anonymization job shared by `edra anonymize` and `edra run`: open the pipeline, assess
 * the data as they stand, search the lattice, evaluate the chosen (or closest) node, and
 * describe it for people (text) and machines (JSON). */
#ifndef EDRA_JOB_H
#define EDRA_JOB_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../metrics/loss.h"
#include "../report/context.h"
#include "../report/digest.h"
#include "lattice.h"
#include "pipeline.h"

/* Everything computed for the chosen (or closest) node. */
typedef struct {
    edra_classes *classes;
    uint8_t *suppress;        /* [classes] suppressed */
    edra_figures figures;
    double *per_qi;           /* [n_qi] the metric per QI */
    double *arx_per_qi;       /* [n_qi] ARX's L_d */
} edra_job_node;

typedef struct {
    edra_pipeline *p;
    edra_figures before;          /* the data as they stand (spec's transformation or 0) */
    edra_search_result result;
    edra_loss_metric metric;
    edra_job_node node;
    edra_report_context ctx;
    uint64_t *qi_missing, *sa_missing;
    char spec_sha[EDRA_SHA256_HEX];
    double search_seconds;
} edra_job;

/* Runs the job for the spec at spec_path with threads checking nodes in parallel and,
 * when progress is set, a progress line on stderr. command names the caller in the context.
 * Returns 0 or the first error's code; job must be released with edra_job_clear either way. */
int edra_job_run(edra_job *job, const char *spec_path, const char *command, int threads,
                 int progress, edra_error *err);

/* The same on a pipeline already open, which the job takes over (`edra rerun`). */
int edra_job_run_pipeline(edra_job *job, edra_pipeline *p, const char *command, int threads,
                          int progress, edra_error *err);

void edra_job_clear(edra_job *job);

/* Parses a --threads value (1..256). */
int edra_job_parse_threads(const char *text, int *out, edra_error *err);

/* The search block of the text summary. */
void edra_job_print_search(FILE *out, const edra_job *job);

/* The search as JSON (levels, loss, nodes checked, every checked node). */
json_t *edra_job_search_json(const edra_job *job);

#endif
