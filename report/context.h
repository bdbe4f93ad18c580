/* What a report needs to know about a run besides the figures: where the data came from,
 * the attributes and their hierarchies, the software, the times. Plain struct filled by
 * the analyzer; report/ reads it and never reaches back into analyzer/. */
#ifndef EDRA_CONTEXT_H
#define EDRA_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/microdata.h"

typedef struct {
    const char *version;          /* software version */
    const char *command;          /* "assess", "anonymize", "run" */
    const char *spec_path;
    const char *spec_sha256;      /* hex */
    const char *data_path;
    const char *data_sha256;      /* hex */
    uint64_t source_rows;         /* rows of the source */
    size_t source_columns;
    const edra_microdata *md;     /* attribute names, hierarchies, counts */
    const uint64_t *qi_missing;   /* [n_qi] records with a missing-value marker, or NULL */
    const uint64_t *sa_missing;   /* [n_sa] */
    size_t n_missing_markers;
    const char *const *missing_markers;
    double population;            /* N, 0 = none */
    double load_seconds;
    double assess_seconds;
} edra_report_context;

#endif
