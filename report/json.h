/* The machine-readable result (jansson): figures of one or two transformations (the data
 * as they stand and the result), targets and verdicts, with the run's context. */
#ifndef EDRA_JSON_H
#define EDRA_JSON_H

#include <jansson.h>

#include "../metrics/assessment.h"
#include "../metrics/error.h"
#include "context.h"

/* A JSON object holding every figure of f; levels are given per QI name with their labels
 * taken from ctx->md. Returns NULL when out of memory. The object is the caller's. */
json_t *edra_json_figures(const edra_figures *f, const edra_report_context *ctx);

/* The context as a JSON object (source, hashes, attributes). */
json_t *edra_json_context(const edra_report_context *ctx);

/* Writes root to path ("-" = stdout) deterministically (sorted keys, 2-space indent),
 * atomically for a file. Returns 0 or EDRA_EIO / EDRA_ENOMEM. */
int edra_json_write(const char *path, const json_t *root, edra_error *err);

#endif
