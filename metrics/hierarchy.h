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

/* A level's lookup table leaf code -> code as stored, in the fewest bytes that hold the
 * level's codes (1, 2 or 4): a column of millions of distinct values generalized into a
 * few dozen intervals costs one byte per leaf there. Width 0: the identity (level 0,
 * whose codes are the leaves). Borrowed; valid until the hierarchy changes. */
typedef struct {
    const void *codes;
    unsigned width;
} edra_level_map;

/* The code of leaf in m. */
static inline uint32_t edra_level_map_at(edra_level_map m, size_t leaf)
{
    switch (m.width) {
    case 0:
        return (uint32_t)leaf;
    case 1:
        return ((const uint8_t *)m.codes)[leaf];
    case 2:
        return ((const uint16_t *)m.codes)[leaf];
    default:
        return ((const uint32_t *)m.codes)[leaf];
    }
}

/* The map of level, for loops over many leaves. */
edra_level_map edra_hierarchy_level_map(const edra_hierarchy *h, size_t level);

/* The code at level of leaf. */
uint32_t edra_hierarchy_code(const edra_hierarchy *h, size_t level, size_t leaf);

/* Number of distinct values at level. */
uint32_t edra_hierarchy_width(const edra_hierarchy *h, size_t level);

/* Number of leaves under code at level (1 at level 0). */
uint32_t edra_hierarchy_leaf_count(const edra_hierarchy *h, size_t level, uint32_t code);

/* The label of code at level (borrowed). */
const char *edra_hierarchy_label(const edra_hierarchy *h, size_t level, uint32_t code);

#endif
