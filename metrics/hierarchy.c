/* Generalization hierarchies as ARX reads them (one row per leaf, one column per level):
 * each level's strings are interned by an open-addressing hash table into dense codes
 * numbered in order of first appearance by row, so leaf code == row, and a generalization
 * is the lookup table map[level][leaf]. The tree property (rows that agree at a level agree
 * at every level above) is checked between adjacent levels, which implies it for all. */
#include "hierarchy.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t width;
    uint32_t *map;          /* [n_leaves] leaf -> code at this level */
    uint32_t *leaf_counts;  /* [width] */
    const char **labels;    /* [width] into the arena */
    uint32_t *slots;        /* [n_slots] code + 1 of an interned label, 0 = free */
} level_table;

struct edra_hierarchy {
    size_t n_levels;
    size_t n_leaves;
    size_t n_slots;         /* a power of two, at least twice the leaves: load <= 1/2 */
    int top_single;         /* the top level is one value; ARX allows several */
    char *origin;
    char *arena;            /* every distinct label of every level, NUL-terminated */
    level_table *levels;
};

/* FNV-1a: short labels, no adversarial keys worth a keyed hash. */
static uint64_t hash_label(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The code of s at lv, or the slot where it would go (*slot_out) and -1. */
static int64_t lookup(const level_table *lv, size_t n_slots, const char *s, size_t *slot_out)
{
    size_t mask = n_slots - 1;
    size_t i = (size_t)hash_label(s) & mask;
    while (lv->slots[i]) {
        uint32_t code = lv->slots[i] - 1;
        if (strcmp(lv->labels[code], s) == 0)
            return code;
        i = (i + 1) & mask;
    }
    if (slot_out)
        *slot_out = i;
    return -1;
}

static void release(edra_hierarchy *h)
{
    if (h->levels)
        for (size_t l = 0; l < h->n_levels; l++) {
            free(h->levels[l].map);
            free(h->levels[l].leaf_counts);
            free(h->levels[l].labels);
            free(h->levels[l].slots);
        }
    free(h->levels);
    free(h->arena);
    free(h->origin);
}

void edra_hierarchy_free(edra_hierarchy *h)
{
    if (!h)
        return;
    release(h);
    free(h);
}

static int oom(edra_error *err, const char *origin)
{
    return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", origin);
}

/* Rows that agree at level l must agree at l+1; first_row and parent are scratch of
 * n_leaves entries. */
static int check_tree(const edra_hierarchy *h, size_t l, uint32_t *first_row, uint32_t *parent,
                      edra_error *err)
{
    const level_table *lo = &h->levels[l], *hi = &h->levels[l + 1];
    for (uint32_t c = 0; c < lo->width; c++)
        parent[c] = UINT32_MAX;
    for (size_t r = 0; r < h->n_leaves; r++) {
        uint32_t c = lo->map[r];
        if (parent[c] == UINT32_MAX) {
            parent[c] = hi->map[r];
            first_row[c] = (uint32_t)r;
        } else if (parent[c] != hi->map[r]) {
            return edra_error_set(err, EDRA_EDATA,
                                  "%s:%zu: not a tree: agrees with row %zu at level %zu but not "
                                  "at level %zu",
                                  h->origin, r + 1, (size_t)first_row[c] + 1, l, l + 1);
        }
    }
    return 0;
}

/* Builds and validates; empty cells are refused only when check_empty (a hierarchy file),
 * since a missing-value marker is often the empty string and is a legitimate leaf. */
static int build(edra_hierarchy **out, const char *const *cells, size_t n_rows, size_t n_levels,
                 const char *origin, int check_empty, edra_error *err)
{
    edra_hierarchy *h = NULL;
    uint32_t *first_row = NULL, *parent = NULL;
    size_t arena_size = 0, arena_used = 0;
    int rc = 0;

    *out = NULL;
    if (!origin)
        origin = "hierarchy";
    if (n_levels == 0)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has no levels", origin);
    if (n_rows == 0)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has no rows", origin);
    if (n_rows >= UINT32_MAX / 2 || n_rows > SIZE_MAX / n_levels)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has too many rows (%zu)", origin,
                              n_rows);
    for (size_t r = 0; r < n_rows; r++)
        for (size_t l = 0; l < n_levels; l++) {
            const char *cell = cells[r * n_levels + l];
            assert(cell);
            if (check_empty && cell[0] == '\0')
                return edra_error_set(err, EDRA_EDATA, "%s:%zu: empty value at level %zu", origin,
                                      r + 1, l);
            /* The very string of the row above is interned already (see below). */
            if (r > 0 && l > 0 && cell == cells[(r - 1) * n_levels + l])
                continue;
            arena_size += strlen(cell) + 1;
        }

    h = calloc(1, sizeof *h);
    if (!h)
        return oom(err, origin);
    h->n_levels = n_levels;
    h->n_leaves = n_rows;
    h->n_slots = 16;
    while (h->n_slots < 2 * n_rows)
        h->n_slots *= 2;
    h->origin = malloc(strlen(origin) + 1);
    h->arena = malloc(arena_size);
    h->levels = calloc(n_levels, sizeof *h->levels);
    first_row = malloc(n_rows * sizeof *first_row);
    parent = malloc(n_rows * sizeof *parent);
    if (!h->origin || !h->arena || !h->levels || !first_row || !parent) {
        rc = oom(err, origin);
        goto done;
    }
    memcpy(h->origin, origin, strlen(origin) + 1);

    for (size_t l = 0; l < n_levels; l++) {
        level_table *lv = &h->levels[l];
        lv->map = malloc(n_rows * sizeof *lv->map);
        lv->labels = malloc(n_rows * sizeof *lv->labels);
        lv->slots = calloc(h->n_slots, sizeof *lv->slots);
        if (!lv->map || !lv->labels || !lv->slots) {
            rc = oom(err, origin);
            goto done;
        }
        for (size_t r = 0; r < n_rows; r++) {
            const char *cell = cells[r * n_levels + l];
            size_t slot = 0;
            /* Builders hand the same string to rows that share a label, and sorted rows
             * share them in runs: one pointer comparison instead of a hash lookup. */
            if (r > 0 && l > 0 && cell == cells[(r - 1) * n_levels + l]) {
                lv->map[r] = lv->map[r - 1];
                continue;
            }
            int64_t code = lookup(lv, h->n_slots, cell, &slot);
            if (code >= 0 && l == 0) {
                /* Leaf codes are rows so far, hence the earlier row is the code itself.
                 * The value is not quoted: a sensitive attribute's leaves are protected. */
                rc = edra_error_set(err, EDRA_EDATA, "%s:%zu: value at level 0 repeats row %zu",
                                    origin, r + 1, (size_t)code + 1);
                goto done;
            }
            if (code < 0) {
                size_t len = strlen(cell) + 1;
                char *copy = h->arena + arena_used;
                memcpy(copy, cell, len);
                arena_used += len;
                code = lv->width++;
                lv->labels[code] = copy;
                lv->slots[slot] = (uint32_t)code + 1;
            }
            lv->map[r] = (uint32_t)code;
        }
        lv->leaf_counts = calloc(lv->width, sizeof *lv->leaf_counts);
        if (!lv->leaf_counts) {
            rc = oom(err, origin);
            goto done;
        }
        for (size_t r = 0; r < n_rows; r++)
            lv->leaf_counts[lv->map[r]]++;
    }
    for (size_t l = 0; l + 1 < n_levels; l++) {
        rc = check_tree(h, l, first_row, parent, err);
        if (rc < 0)
            goto done;
    }
    h->top_single = h->levels[n_levels - 1].width == 1;
    *out = h;
    h = NULL;
done:
    edra_hierarchy_free(h);
    free(first_row);
    free(parent);
    return rc;
}

int edra_hierarchy_new(edra_hierarchy **out, const char *const *cells, size_t n_rows,
                       size_t n_levels, const char *origin, edra_error *err)
{
    return build(out, cells, n_rows, n_levels, origin, 1, err);
}

int edra_hierarchy_new_flat(edra_hierarchy **out, const char *const *values, size_t n_values,
                            edra_error *err)
{
    const char **cells = NULL;
    int rc;
    *out = NULL;
    if (n_values > SIZE_MAX / 2 / sizeof *cells)
        return edra_error_set(err, EDRA_EDATA, "flat hierarchy: too many values (%zu)", n_values);
    cells = malloc((n_values ? 2 * n_values : 1) * sizeof *cells);
    if (!cells)
        return oom(err, "flat hierarchy");
    for (size_t i = 0; i < n_values; i++) {
        cells[2 * i] = values[i];
        cells[2 * i + 1] = "*";
    }
    rc = build(out, cells, n_values, 2, "flat hierarchy", 0, err);
    free(cells);
    return rc;
}

int edra_hierarchy_add_leaf(edra_hierarchy *h, const char *value, uint32_t *leaf_out,
                            edra_error *err)
{
    size_t n_levels = h->n_levels, n_rows = h->n_leaves + 1, top = n_levels - 1;
    const char **cells = NULL;
    edra_hierarchy *rebuilt = NULL;
    int rc;

    assert(value);
    cells = malloc(n_rows * n_levels * sizeof *cells);
    if (!cells)
        return oom(err, h->origin);
    for (size_t r = 0; r + 1 < n_rows; r++)
        for (size_t l = 0; l < n_levels; l++)
            cells[r * n_levels + l] = h->levels[l].labels[h->levels[l].map[r]];
    for (size_t l = 0; l < n_levels; l++)
        cells[(n_rows - 1) * n_levels + l] = value;
    /* A one-level hierarchy has no top to join: there the leaf is only its own value. */
    if (n_levels > 1)
        cells[(n_rows - 1) * n_levels + top] = h->top_single ? h->levels[top].labels[0] : "*";
    /* Rebuilt from scratch so every table keeps the construction invariants; a new leaf
     * is rare (a missing-value marker), so the O(rows x levels) cost does not matter. */
    rc = build(&rebuilt, cells, n_rows, n_levels, h->origin, 0, err);
    free(cells);
    if (rc < 0)
        return rc;
    release(h);
    *h = *rebuilt;
    free(rebuilt);
    *leaf_out = (uint32_t)(n_rows - 1);
    return 0;
}

size_t edra_hierarchy_levels(const edra_hierarchy *h)
{
    return h->n_levels;
}

size_t edra_hierarchy_leaves(const edra_hierarchy *h)
{
    return h->n_leaves;
}

int64_t edra_hierarchy_find(const edra_hierarchy *h, const char *value)
{
    return lookup(&h->levels[0], h->n_slots, value, NULL);
}

const uint32_t *edra_hierarchy_map(const edra_hierarchy *h, size_t level)
{
    assert(level < h->n_levels);
    return h->levels[level].map;
}

uint32_t edra_hierarchy_width(const edra_hierarchy *h, size_t level)
{
    assert(level < h->n_levels);
    return h->levels[level].width;
}

const uint32_t *edra_hierarchy_leaf_counts(const edra_hierarchy *h, size_t level)
{
    assert(level < h->n_levels);
    return h->levels[level].leaf_counts;
}

const char *edra_hierarchy_label(const edra_hierarchy *h, size_t level, uint32_t code)
{
    assert(level < h->n_levels && code < h->levels[level].width);
    return h->levels[level].labels[code];
}
