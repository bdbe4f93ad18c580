/* Which quasi-identifiers drive the risk: for every subset of QIs up to a size limit, its
 * distinction (distinct combinations / records) and separation (share of record pairs the
 * subset tells apart), after Motwani & Xu (2007) and ARX's attribute-risk view; and for each
 * QI, the figures of all QIs but that one, ranking the QIs by how much dropping (or fully
 * generalizing) them lowers the average risk. */
#ifndef EDRA_CONTRIB_H
#define EDRA_CONTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "error.h"

/* Bytes of the hash table counting one subset's combinations: a subset with more
 * combinations (16 bytes each when they fit one word, at a load of two thirds) is counted in
 * several passes. */
#define EDRA_CONTRIB_TABLE_BYTES ((size_t)16 << 20)

/* At most this many subsets are examined (the limit on QIs and size follows from it). */
#define EDRA_CONTRIB_MAX_SUBSETS 1048576

typedef struct {
    uint64_t qis;          /* bit d: QI d is in the subset */
    uint32_t size;         /* QIs in the subset */
    uint64_t classes;      /* distinct combinations of the subset's values */
    uint64_t uniques;      /* records alone in their combination */
    double distinction;    /* classes / records: the average prosecutor risk on the subset */
    double separation;     /* 1 - (pairs sharing a combination) / (all pairs); NaN under 2 records */
} edra_contrib_subset;

typedef struct {
    size_t n_qi;
    size_t max_size;               /* largest subset examined */
    uint64_t records;
    size_t n_subsets;
    edra_contrib_subset *subsets;  /* [n_subsets] by size, then in lexicographic QI order */
    edra_contrib_subset all;       /* every QI */
    edra_contrib_subset *without;  /* [n_qi]: every QI but d */
    size_t *removal_order;         /* [n_qi] QIs by the distinction left without them,
                                      lowest first (ties: fewer uniques, then QI order) */
} edra_contrib_figures;

/* Figures over a table of n_rows rows of n_qi codes (row-major), counts[r] records each;
 * subsets of at most max_size QIs (0 = all). Returns 0, EDRA_ERANGE (no QI, more than 64,
 * max_size above n_qi, or more than EDRA_CONTRIB_MAX_SUBSETS subsets) or EDRA_ENOMEM. The
 * figures are the caller's: edra_contrib_clear releases them. */
int edra_contrib_table(edra_contrib_figures *out, const uint32_t *codes, edra_count_col counts,
                       size_t n_rows, size_t n_qi, size_t max_size, edra_error *err);

/* Same over the classes of a transformation (QIs generalized to its levels). */
int edra_contrib_compute(edra_contrib_figures *out, const edra_classes *classes, size_t max_size,
                         edra_error *err);

/* Number of subsets of at most max_size of n_qi QIs, saturating at SIZE_MAX. */
size_t edra_contrib_subsets(size_t n_qi, size_t max_size);

void edra_contrib_clear(edra_contrib_figures *f);

#endif
