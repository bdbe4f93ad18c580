/* The encoded dataset every computation works on: distinct combinations of the
 * quasi-identifiers and sensitive attributes ("tuples"), each with the number of records
 * that carry it. Record-level data and pre-aggregated counts both end up in this form,
 * so memory grows with distinct combinations, not rows. Plain struct; no ownership. */
#ifndef EDRA_MICRODATA_H
#define EDRA_MICRODATA_H

#include <stddef.h>
#include <stdint.h>

#include "hierarchy.h"

typedef struct {
    size_t n_tuples;                 /* distinct combinations */
    uint64_t n_records;              /* sum of counts */
    size_t n_qi;                     /* quasi-identifiers */
    const char *const *qi_names;     /* [n_qi] */
    const uint32_t *const *qi_codes; /* [n_qi][n_tuples]: leaf codes of qi_hier[d] */
    const edra_hierarchy *const *qi_hier; /* [n_qi] */
    size_t n_sa;                     /* sensitive attributes */
    const char *const *sa_names;     /* [n_sa] */
    const uint32_t *const *sa_codes; /* [n_sa][n_tuples]: codes 0..sa_domain[s]-1 */
    const uint32_t *sa_domain;       /* [n_sa] distinct values of each SA */
    const uint32_t *const *sa_rank;  /* [n_sa] code -> position in the SA's order (for
                                        ordered t-closeness); an entry may be NULL */
    const edra_hierarchy *const *sa_hier; /* [n_sa] leaf code == SA code; entry may be NULL */
    const uint64_t *counts;          /* [n_tuples] records per tuple */
    const double *weights;           /* [n_tuples] sum of the sampling weights of the tuple's
                                        records, or NULL when the data carry none */
    const uint32_t *households;      /* [n_tuples] household code (0..n_households-1) of the
                                        tuple's records, or NULL when none is named; tuples
                                        never mix households */
    uint32_t n_households;
} edra_microdata;

#endif
