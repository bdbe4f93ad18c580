/* The machine-readable result (jansson): figures of one or two transformations (the data
 * as they stand and the result), targets and verdicts, with the run's context. */
#ifndef EDRA_JSON_H
#define EDRA_JSON_H

#include <jansson.h>

#include "../metrics/assessment.h"
#include "../metrics/contrib.h"
#include "../metrics/suda.h"
#include "../metrics/error.h"
#include "context.h"

/* A JSON object holding every figure of f; levels are given per QI name with their labels
 * taken from ctx->md. Returns NULL when out of memory. The object is the caller's. */
json_t *edra_json_figures(const edra_figures *f, const edra_report_context *ctx);

/* The special uniques of a transformation: MSUs by size, scores, each QI's share of the
 * total score by name, the DIS-SUDA distribution. No record-level value. NULL when out of
 * memory; the object is the caller's. */
json_t *edra_json_suda(const edra_suda_figures *sf, const edra_microdata *md);

/* Distinction and separation of each QI subset (QIs by name), every QI, and each QI's
 * removal, most risk-lowering first. NULL when out of memory; the caller's. */
json_t *edra_json_contrib(const edra_contrib_figures *c, const edra_microdata *md);

/* The context as a JSON object (source, hashes, attributes). */
json_t *edra_json_context(const edra_report_context *ctx);

/* Writes root to path ("-" = stdout) deterministically (sorted keys, 2-space indent),
 * atomically for a file. Returns 0 or EDRA_EIO / EDRA_ENOMEM. */
int edra_json_write(const char *path, const json_t *root, edra_error *err);

#endif
