/* The assessment pipeline shared by the commands: spec -> data -> targets resolved against
 * the data's attributes -> population size -> figures for a transformation. */
#ifndef EDRA_PIPELINE_H
#define EDRA_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/assessment.h"
#include "dataset.h"
#include "poptable.h"
#include "spec.h"

typedef struct {
    edra_spec *spec;
    edra_dataset *data;
    const edra_microdata *md;   /* borrowed from data */
    edra_targets targets;       /* the spec's, with SA indexes resolved */
    double population;          /* N, 0 when the spec gives no population */
    uint8_t *spec_levels;       /* [n_qi] the spec's transformation (zeros if none) */
    edra_poptable *pop_table;   /* the spec's population table, or NULL */
} edra_pipeline;

/* Loads the spec at spec_path and its data, and resolves the targets. Returns 0 or the
 * first error's code (bad input: EDRA_EPARSE/ESPEC/EDATA/EIO/ERANGE). */
int edra_pipeline_open(edra_pipeline **out, const char *spec_path, edra_error *err);

/* The same for a spec already parsed (`edra rerun` parses a recorded spec's text against its
 * original folder); takes ownership of spec, also on failure. */
int edra_pipeline_open_spec(edra_pipeline **out, edra_spec *spec, edra_error *err);

void edra_pipeline_free(edra_pipeline *p);

/* Parses "age=2,zip=3" into levels (QIs not named keep their value in levels). Checks
 * names and ranges; returns 0 or EDRA_EUSAGE. */
int edra_pipeline_parse_levels(const edra_pipeline *p, const char *text, uint8_t *levels,
                               edra_error *err);

/* Classes and every figure for the transformation levels (n_qi entries). With
 * apply_suppression, classes violating a class-level target are suppressed within the
 * spec's limit. */
int edra_pipeline_assess(const edra_pipeline *p, const uint8_t *levels, int apply_suppression,
                         edra_figures *out, edra_error *err);

/* The same for classes already computed on p->md: the one place that sets the assessment's
 * options (targets, N, and the population table's class sizes when the spec gives one). */
int edra_pipeline_assess_classes(const edra_pipeline *p, const edra_classes *classes,
                                 int apply_suppression, edra_figures *out, edra_error *err);

#endif
