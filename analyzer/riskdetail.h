/* The risk detail the commands add to an assessment: the special uniques of the
 * transformation (SUDA2), the distinction and separation of its QI subsets, with the
 * command-line options that bound them, and the identifier-kind warnings of the spec. */
#ifndef EDRA_RISKDETAIL_H
#define EDRA_RISKDETAIL_H

#include <jansson.h>
#include <stdio.h>

#include "../metrics/contrib.h"
#include "../metrics/suda.h"
#include "spec.h"

#define EDRA_RISKDETAIL_OPTION_ROWS                                                              \
    {"msu-max", 0, "N", "largest minimal sample unique searched by SUDA2 (default: all QIs, "    \
                        "none above 2M classes; 0 = no SUDA2)"},                                 \
    {"subsets-max", 0, "N", "largest QI subset given distinction and separation (default: all " \
                            "subsets up to 12 QIs, else 3, less on large data; 0 = none)"}

typedef struct {
    int msu_set, subsets_set;          /* given on the command line */
    size_t msu_max, subsets_max;
    size_t suda_default_classes;       /* without --msu-max, SUDA2 runs up to this many
                                          classes; 0 = EDRA_SUDA_DEFAULT_CLASSES */
} edra_riskdetail_opts;

/* SUDA2's default bound: on near-unique data its search costs about 10 s and 1 GB per 10M
 * classes, more than the rest of an assessment together; above it, only on request. */
#define EDRA_SUDA_DEFAULT_CLASSES 2000000

typedef struct {
    int has_suda;
    size_t suda_skipped_classes;       /* > 0: SUDA2 left out by default at this many classes, */
    size_t suda_skipped_bound;         /* more than this bound */
    edra_suda_figures suda;
    int has_contrib;
    edra_contrib_figures contrib;
} edra_riskdetail;

/* Takes the option name/arg when it is one of EDRA_RISKDETAIL_OPTION_ROWS: returns 1 when
 * taken, 0 when not one of them, -1 after printing "edra CMD: ..." for a bad value. */
int edra_riskdetail_option(edra_riskdetail_opts *o, const char *command, const char *name,
                           const char *arg);

/* The special uniques and subset figures of md at levels, as the options ask; each bounded
 * by the QIs (a limit above them is taken as all). Returns 0 or the first error's code
 * (EDRA_ERANGE, EDRA_ENOMEM). */
int edra_riskdetail_compute(edra_riskdetail *out, const edra_microdata *md, const uint8_t *levels,
                            const edra_riskdetail_opts *o, edra_error *err);

/* As edra_riskdetail_compute, on classes already computed (the caller's, only read). */
int edra_riskdetail_compute_classes(edra_riskdetail *out, const edra_classes *classes,
                                    const edra_riskdetail_opts *o, edra_error *err);

void edra_riskdetail_clear(edra_riskdetail *d);

/* Prints an "edra: note:" line on stderr when SUDA2 was left out by default. */
void edra_riskdetail_note_skipped(const edra_riskdetail *d);

/* Prints the summary lines of the figures computed. */
void edra_riskdetail_print(FILE *out, const edra_riskdetail *d, const edra_microdata *md);

/* Adds "special_uniques" and "subsets" (null when not computed) to the JSON object figures.
 * Returns 0 or EDRA_ENOMEM. */
int edra_riskdetail_json(json_t *figures, const edra_riskdetail *d, const edra_microdata *md);

/* Prints "edra: warning: column 'x' looks like <kind> (by name|by values) but is not marked
 * identifier" on stderr for each column of the spec's source that looks like a Safe Harbor
 * identifier kind; a scan that fails prints one warning saying so. Never prints a value. */
void edra_riskdetail_warn_identifiers(const edra_spec *spec);

#endif
