/* The encoded dataset every computation works on: distinct combinations of the
 * quasi-identifiers and sensitive attributes ("tuples"), each with the number of records
 * that carry it. Record-level data and pre-aggregated counts both end up in this form,
 * so memory grows with distinct combinations, not rows; each column of codes or counts
 * takes as few bytes a tuple as its largest value allows. Plain struct; no ownership. */
#ifndef EDRA_MICRODATA_H
#define EDRA_MICRODATA_H

#include <stddef.h>
#include <stdint.h>

#include "hierarchy.h"

/* A column of codes, one per tuple, each stored in width bytes. */
typedef struct {
    const void *data;                /* [n_tuples] uint8_t, uint16_t or uint32_t codes */
    uint8_t width;                   /* 1, 2 or 4 */
} edra_code_col;

/* The code of tuple t in col. */
static inline uint32_t edra_code_at(edra_code_col col, size_t t)
{
    switch (col.width) {
    case 1:
        return ((const uint8_t *)col.data)[t];
    case 2:
        return ((const uint16_t *)col.data)[t];
    default:
        return ((const uint32_t *)col.data)[t];
    }
}

/* The bytes a code needs when a column has n_codes distinct codes 0..n_codes-1: 1, 2 or 4. */
static inline uint8_t edra_code_width(uint64_t n_codes)
{
    return n_codes <= UINT64_C(1) << 8 ? 1 : n_codes <= UINT64_C(1) << 16 ? 2 : 4;
}

/* Records per tuple, each count stored in width bytes. */
typedef struct {
    const void *data;                /* [n_tuples] uint8_t, uint16_t, uint32_t or uint64_t */
    uint8_t width;                   /* 1, 2, 4 or 8 */
} edra_count_col;

/* The count of tuple t in col. */
static inline uint64_t edra_count_at(edra_count_col col, size_t t)
{
    switch (col.width) {
    case 1:
        return ((const uint8_t *)col.data)[t];
    case 2:
        return ((const uint16_t *)col.data)[t];
    case 4:
        return ((const uint32_t *)col.data)[t];
    default:
        return ((const uint64_t *)col.data)[t];
    }
}

/* The bytes a count needs when the largest is max_count: 1, 2, 4 or 8. */
static inline uint8_t edra_count_width(uint64_t max_count)
{
    return max_count <= UINT8_MAX    ? 1
           : max_count <= UINT16_MAX ? 2
           : max_count <= UINT32_MAX ? 4
                                     : 8;
}

typedef struct {
    size_t n_tuples;                 /* distinct combinations */
    uint64_t n_records;              /* sum of counts */
    size_t n_qi;                     /* quasi-identifiers */
    const char *const *qi_names;     /* [n_qi] */
    const edra_code_col *qi_codes;   /* [n_qi], each [n_tuples]: leaf codes of qi_hier[d] */
    const edra_hierarchy *const *qi_hier; /* [n_qi] */
    size_t n_sa;                     /* sensitive attributes */
    const char *const *sa_names;     /* [n_sa] */
    const edra_code_col *sa_codes;   /* [n_sa], each [n_tuples]: codes 0..sa_domain[s]-1 */
    const uint32_t *sa_domain;       /* [n_sa] distinct values of each SA */
    const uint32_t *const *sa_rank;  /* [n_sa] code -> position in the SA's order (for
                                        ordered t-closeness); an entry may be NULL */
    const edra_hierarchy *const *sa_hier; /* [n_sa] leaf code == SA code; entry may be NULL */
    edra_count_col counts;           /* [n_tuples] records per tuple */
    const double *weights;           /* [n_tuples] sum of the sampling weights of the tuple's
                                        records, or NULL when the data carry none */
    edra_code_col households;        /* [n_tuples] household code (0..n_households-1) of the
                                        tuple's records; data NULL when none is named.
                                        Tuples never mix households */
    uint32_t n_households;
} edra_microdata;

#endif
