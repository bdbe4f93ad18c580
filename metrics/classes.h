/* Equivalence classes of a transformation (one level per QI): records whose generalized
 * QI values are all equal. Computed from the encoded tuples through the hierarchies'
 * lookup tables; classes can also be rolled up from a finer transformation's classes. */
#ifndef EDRA_CLASSES_H
#define EDRA_CLASSES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "microdata.h"

typedef struct edra_classes edra_classes;

/* Groups md's tuples by their QI values generalized to levels[d] (levels has md->n_qi
 * entries). Lean on memory for an assessment: millions of tuples are grouped in two
 * passes, each holding half the hash table. Returns 0, EDRA_ENOMEM. */
int edra_classes_compute(edra_classes **out, const edra_microdata *md, const uint8_t *levels,
                         edra_error *err);

/* Same result as edra_classes_compute for levels, computed by merging the classes of
 * finer (levels of finer <= levels on every QI) instead of rescanning the tuples. */
int edra_classes_rollup(edra_classes **out, const edra_classes *finer, const uint8_t *levels,
                        edra_error *err);

/* edra_classes_compute with up to threads threads (2 are used, on large hashed groupings),
 * in one pass (for the search, which checks node after node): the same classes, numbered
 * by first appearance within each of two key partitions instead of overall. */
int edra_classes_compute_threads(edra_classes **out, const edra_microdata *md,
                                 const uint8_t *levels, int threads, edra_error *err);

void edra_classes_free(edra_classes *c);

/* Number of classes. */
size_t edra_classes_count(const edra_classes *c);

/* Records per class (borrowed, length count): 4 bytes a class, 8 when the input has more
 * than 2^32 - 1 records. Read with edra_count_at. */
edra_count_col edra_classes_sizes(const edra_classes *c);

/* The sizes as a plain array of 8-byte counts (*out the caller's), for the computations
 * on tables of classes (SUDA2, QI subsets). Returns 0 or EDRA_ENOMEM. */
int edra_classes_sizes_u64(uint64_t **out, const edra_classes *c);

/* Class index of each tuple of the microdata (borrowed, length md->n_tuples). */
const uint32_t *edra_classes_of_tuple(const edra_classes *c);

/* One tuple index per class, whose generalized QI values are the class's (borrowed). */
const uint32_t *edra_classes_representatives(const edra_classes *c);

/* The levels the classes were computed for (borrowed, length md->n_qi). */
const uint8_t *edra_classes_levels(const edra_classes *c);

/* The microdata the classes were computed on (borrowed). */
const edra_microdata *edra_classes_microdata(const edra_classes *c);

/* The generalized QI codes of every class, row-major: (*out)[c * n_qi + d] is class c's code
 * at its level of QI d. *out is the caller's (free). Returns 0 or EDRA_ENOMEM. */
int edra_classes_codes(uint32_t **out, const edra_classes *c);

/* The sensitive values of each class as a sparse class x value count matrix in CSR form.
 * Plain struct filled by edra_sadist_build, released with edra_sadist_clear. Each column
 * takes as few bytes as its largest element allows (millions of classes on near-unique
 * data): read an entry with edra_code_at(values, i) and edra_count_at(counts, i). */
typedef struct {
    size_t n_classes;
    uint32_t n_values;      /* SA domain size */
    uint32_t *offsets;      /* [n_classes+1]: entries of class c are [offsets[c], offsets[c+1]).
                               32 bits suffice: a class's distinct values are at most its
                               tuples, and tuples are indexed by uint32_t (of_tuple,
                               representatives; the loader stops below UINT32_MAX - 1) */
    edra_code_col values;   /* SA code of each entry, ascending within a class; width
                               edra_code_width(n_values) */
    edra_count_col counts;  /* records with that value in that class (> 0); width
                               edra_count_width(largest entry) */
    uint64_t *totals;       /* [n_values] records per value over all records of the input:
                               the reference distribution of t-closeness */
    uint64_t n_records;     /* all records of the input (sum of totals) */
} edra_sadist;

/* Builds the distribution of sensitive attribute sa over the classes. */
int edra_sadist_build(edra_sadist *out, const edra_classes *c, size_t sa, edra_error *err);

/* As edra_sadist_build, but classes of fewer than min_size records are left empty (the
 * totals still cover every record): they break k whatever their values, so a check of the
 * class-level targets never reads them, and on near-unique data most tuples are in them. */
int edra_sadist_build_min(edra_sadist *out, const edra_classes *c, size_t sa, uint64_t min_size,
                          edra_error *err);

void edra_sadist_clear(edra_sadist *d);

#endif
