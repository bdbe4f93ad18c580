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

/* Leaf code of an original value, or -1 when the value is not a leaf. */
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
