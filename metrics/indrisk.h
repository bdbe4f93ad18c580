/* Individual and global re-identification risk of survey samples, as sdcMicro's
 * measure_risk computes them: the Benedetti-Franconi individual risk of each record from its
 * class's sample frequency f_k and estimated population frequency F_k (the sum of the class's
 * sampling weights), their sum (expected re-identifications) and, over a household column,
 * the household risk 1 - prod(1 - r_i). */
#ifndef EDRA_INDRISK_H
#define EDRA_INDRISK_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "error.h"

typedef struct {
    int weighted;                /* 0: no weights, the sample is taken as the population and
                                    r = 1/f_k */
    uint64_t records;            /* records in the classes considered */
    double threshold;            /* a record is above it when r > threshold */
    double expected;             /* sum of r over the records: expected re-identifications */
    double global;               /* expected / records */
    double highest;              /* largest r */
    uint64_t records_above;      /* records with r > threshold */
    double share_above;          /* records_above / records */
    int has_households;
    uint64_t households;         /* households with a record considered */
    double household_expected;   /* sum over records of their household's risk */
    double household_global;     /* household_expected / records */
    double household_highest;
} edra_indrisk_figures;

/* The Benedetti-Franconi risk of a record of a class with f >= 1 records in the sample whose
 * weights sum to population_f, by sdcMicro's default approximation with p = f/population_f:
 * f = 1: p/(1-p) ln(1/p); f = 2: p/(1-p) - (p/(1-p))^2 ln(1/p); f >= 3: p/(f - (1-p)).
 * p >= 1 (weights summing to f or less) gives the limit 1/f, as without weights. */
double edra_indrisk_record(uint64_t f, double population_f);

/* Individual, global and (when the microdata name households) household risk over the
 * classes with keep[c] != 0 (keep NULL = all); records of other classes (suppressed) are
 * left out, as from every other figure. Uses the microdata's weights, or r = 1/f_k without
 * them. Returns 0 or EDRA_ENOMEM. */
int edra_indrisk_compute(edra_indrisk_figures *out, const edra_classes *classes,
                         const uint8_t *keep, double threshold, edra_error *err);

#endif
