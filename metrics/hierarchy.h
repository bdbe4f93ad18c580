/* Generalization hierarchies in memory: one row per original (leaf) value, one column per
 * level, as in ARX's hierarchy files. Values are interned per level into dense codes so a
 * generalization is a lookup table leaf code -> code at level, never a string operation. */
#ifndef EDRA_HIERARCHY_H
#define EDRA_HIERARCHY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct edra_hierarchy edra_hierarchy;

/* Builds a hierarchy from n_rows x n_levels cells, row-major (cells[r*n_levels+l]).
 * Checks: no empty cell, no duplicate leaf, and the tree property (two rows that agree at
 * level i agree at every level above). origin names the source in messages
 * ("adult_hierarchy_age.csv" or "builder for age"); row numbers in messages are 1-based.
 * Returns 0, EDRA_EDATA or EDRA_ENOMEM. The cells are copied. */
int edra_hierarchy_new(edra_hierarchy **out, const char *const *cells, size_t n_rows,
                       size_t n_levels, const char *origin, edra_error *err);

/* A hierarchy whose codes the caller numbered already (a builder that sorted the values):
 * values[i] is the label of leaf leaf_of[i] (UINT32_MAX: of none; leaf_of NULL: of leaf i),
 * each leaf exactly one value's; for each level l >= 1, maps[l - 1] gives every leaf's
 * code (numbered in order of first appearance by leaf, each of the widths[l - 1] codes
 * used) and labels[l - 1] the labels of those codes. */
typedef struct {
    size_t n_leaves, n_levels;
    const char *const *values;              /* [n_values] */
    size_t n_values;
    const uint32_t *leaf_of;                /* [n_values] or NULL */
    uint32_t **maps;                        /* [n_levels - 1], each malloc'd, [n_leaves] */
    const uint32_t *widths;                 /* [n_levels - 1] */
    const char *const *const *labels;       /* [n_levels - 1][widths[l - 1]] */
} edra_hierarchy_coded;

/* Builds a hierarchy from in without hashing its leaves, which the caller guarantees are
 * distinct (edra_hierarchy_find builds its lookup on first use). Takes over in->maps, set
 * to NULL, success or not. Checks the codes (EDRA_EINTERNAL: a caller's bug) and the tree
 * property, with edra_hierarchy_new's message. Labels and leaves are copied; empty ones
 * are allowed. Returns 0, EDRA_EDATA, EDRA_EINTERNAL or EDRA_ENOMEM. */
int edra_hierarchy_new_coded(edra_hierarchy **out, const edra_hierarchy_coded *in,
                             const char *origin, edra_error *err);

/* A two-level hierarchy (value, "*") over the given distinct values: for a QI with no
 * hierarchy in the spec. */
int edra_hierarchy_new_flat(edra_hierarchy **out, const char *const *values, size_t n_values,
                            edra_error *err);

void edra_hierarchy_free(edra_hierarchy *h);

/* Appends a leaf that keeps its own value at every level but the top, where it joins the
 * top value (for a missing-value marker absent from the file). Returns its leaf code. */
int edra_hierarchy_add_leaf(edra_hierarchy *h, const char *value, uint32_t *leaf_out,
                            edra_error *err);

/* Number of levels, level 0 (the original values) included. */
size_t edra_hierarchy_levels(const edra_hierarchy *h);

/* Number of leaves (rows of the hierarchy): |D| of the information-loss metrics. */
size_t edra_hierarchy_leaves(const edra_hierarchy *h);

/* Leaf code of an original value, or -1 when the value is not a leaf. The first call on a
 * hierarchy from edra_hierarchy_new_coded builds the lookup, so it must not race with
 * another call on the same hierarchy. */
int64_t edra_hierarchy_find(const edra_hierarchy *h, const char *value);

/* Lookup table leaf code -> code at level (borrowed, length = leaves). */
const uint32_t *edra_hierarchy_map(const edra_hierarchy *h, size_t level);

/* Number of distinct values at level. */
uint32_t edra_hierarchy_width(const edra_hierarchy *h, size_t level);

/* Number of leaves under each code at level (borrowed, length = width(level)). */
const uint32_t *edra_hierarchy_leaf_counts(const edra_hierarchy *h, size_t level);

/* The label of code at level (borrowed). */
const char *edra_hierarchy_label(const edra_hierarchy *h, size_t level, uint32_t code);

#endif
