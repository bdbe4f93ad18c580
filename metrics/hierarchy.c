/* Generalization hierarchies as ARX reads them (one row per leaf, one column per level):
 * each level's strings are interned by an open-addressing hash table into dense codes
 * numbered in order of first appearance by row, so leaf code == row, and a generalization
 * is the lookup table map[level][leaf]. The tree property (rows that agree at a level agree
 * at every level above) is checked between adjacent levels, which implies it for all.
 * Builders that number the codes themselves hand the maps over as they are (new_coded). */
#include "hierarchy.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

typedef struct {
    uint32_t width;
    void *map;              /* [n_leaves] leaf -> code at this level, map_width bytes each
                               (4 while a constructor builds it); level 0: NULL, the
                               identity */
    unsigned map_width;
    uint32_t *leaf_counts;  /* [width]; level 0: NULL, one leaf each */
    const char **labels;    /* [width] into the arena; level 0: NULL (see leaf_off) */
} level_table;

static inline uint32_t code_of(const level_table *lv, size_t leaf)
{
    return edra_level_map_at((edra_level_map){lv->map, lv->map_width}, leaf);
}

/* The bytes a code of a level with n_codes codes takes. */
static unsigned width_for(uint32_t n_codes)
{
    return n_codes <= 256u ? 1 : n_codes <= 65536u ? 2 : 4;
}

static void put_code(void *map, unsigned width, size_t leaf, uint32_t code)
{
    if (width == 1) {
        uint8_t c = (uint8_t)code;
        memcpy((char *)map + leaf, &c, 1);
    } else if (width == 2) {
        uint16_t c = (uint16_t)code;
        memcpy((char *)map + 2 * leaf, &c, 2);
    } else {
        memcpy((char *)map + 4 * leaf, &code, 4);
    }
}

/* Rewrites lv's map of n_leaves leaves in width bytes a code, with room for room leaves
 * (>= n_leaves). Narrowing works in place; -1 when out of memory, lv unchanged. */
static int recode_map(level_table *lv, size_t n_leaves, size_t room, unsigned width)
{
    size_t bytes = (room ? room : 1) * width;
    if (width <= lv->map_width) {
        /* Entry i moves to a lower address than any later entry's: a forward pass. */
        for (size_t r = 0; width < lv->map_width && r < n_leaves; r++)
            put_code(lv->map, width, r, code_of(lv, r));
        void *fit = realloc(lv->map, bytes);
        if (!fit && width == lv->map_width)
            return -1;
        if (fit)
            lv->map = fit;
        lv->map_width = width;
        return 0;
    }
    void *wider = malloc(bytes);
    if (!wider)
        return -1;
    for (size_t r = 0; r < n_leaves; r++)
        put_code(wider, width, r, code_of(lv, r));
    free(lv->map);
    lv->map = wider;
    lv->map_width = width;
    return 0;
}

/* Label storage: blocks that never move, so labels are plain pointers (the leaves': offsets
 * into the constructor's block). */
typedef struct text_block {
    struct text_block *next;
    size_t used, cap;
    char text[];
} text_block;

struct edra_hierarchy {
    size_t n_levels;
    size_t n_leaves;
    /* The level-0 lookup: leaf + 1 per slot, 0 = free; n_slots a power of two, at least
     * twice the leaves (load <= 1/2). NULL until the first find when the constructor's
     * caller vouched for distinct leaves, so a builder's hierarchy never hashes them. */
    uint32_t *slots;
    size_t n_slots;
    int top_single;         /* the top level is one value; ARX allows several */
    char *origin;
    text_block *arena;
    level_table *levels;
    /* The leaves' labels, one per leaf, in 4 bytes instead of a pointer's 8 (a column of
     * millions of distinct values): the constructor's leaves by their offset into the one
     * block it reserves, those add_leaf appends after them by pointer. */
    const char *leaf_text;
    uint32_t *leaf_off;     /* [n_base] */
    size_t n_base;
    const char **added;     /* [n_leaves - n_base] */
};

/* Offsets of leaf labels a constructor has not set yet. */
#define NO_LABEL UINT32_MAX

static const char *label_at(const edra_hierarchy *h, size_t level, uint32_t code)
{
    if (level)
        return h->levels[level].labels[code];
    return code < h->n_base ? h->leaf_text + h->leaf_off[code] : h->added[code - h->n_base];
}

/* The code of s among the labels of level (slots hold code + 1), or the slot where it
 * would go (*slot_out) and -1. */
static int64_t lookup(const edra_hierarchy *h, size_t level, const uint32_t *slots,
                      size_t n_slots, const char *s, size_t *slot_out)
{
    size_t mask = n_slots - 1;
    size_t i = (size_t)edra_hash_string(s) & mask;
    while (slots[i]) {
        uint32_t code = slots[i] - 1;
        if (strcmp(label_at(h, level, code), s) == 0)
            return code;
        i = (i + 1) & mask;
    }
    if (slot_out)
        *slot_out = i;
    return -1;
}

static size_t slots_for(size_t n)
{
    size_t n_slots = 16;
    while (n_slots < 2 * n)
        n_slots *= 2;
    return n_slots;
}

/* Fresh slots for the first n labels, which are distinct. NULL when out of memory. */
static uint32_t *index_labels(const edra_hierarchy *h, size_t level, size_t n, size_t n_slots)
{
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return NULL;
    for (size_t c = 0; c < n; c++) {
        size_t i = (size_t)edra_hash_string(label_at(h, level, (uint32_t)c)) & (n_slots - 1);
        while (slots[i])
            i = (i + 1) & (n_slots - 1);
        slots[i] = (uint32_t)c + 1;
    }
    return slots;
}

/* Starts a block of cap bytes; -1 when out of memory. The constructors reserve one for
 * all their labels, add_leaf a small one. */
static int arena_reserve(edra_hierarchy *h, size_t cap)
{
    text_block *b = malloc(sizeof *b + cap);
    if (!b)
        return -1;
    b->next = h->arena;
    b->used = 0;
    b->cap = cap;
    h->arena = b;
    return 0;
}

/* A copy of s in the reserved block, which must have room. */
static const char *arena_copy(edra_hierarchy *h, const char *s)
{
    size_t n = strlen(s) + 1;
    text_block *b = h->arena;
    assert(b && b->cap - b->used >= n);
    char *copy = b->text + b->used;
    memcpy(copy, s, n);
    b->used += n;
    return copy;
}

/* The constructors' arena: one block of size bytes, which also holds the n leaves'
 * labels, addressed by 4-byte offsets. -1 when out of memory or past 4 GB of labels. */
static int reserve_labels(edra_hierarchy *h, size_t size, size_t n)
{
    if (size >= NO_LABEL || arena_reserve(h, size) < 0)
        return -1;
    h->leaf_text = h->arena->text;
    h->leaf_off = malloc((n ? n : 1) * sizeof *h->leaf_off);
    if (!h->leaf_off)
        return -1;
    for (size_t r = 0; r < n; r++)
        h->leaf_off[r] = NO_LABEL;
    h->n_base = n;
    return 0;
}

/* Copies s into the arena as the label of leaf (a constructor's: leaf < n_base). */
static void set_leaf_label(edra_hierarchy *h, uint32_t leaf, const char *s)
{
    assert(leaf < h->n_base);
    h->leaf_off[leaf] = (uint32_t)(arena_copy(h, s) - h->leaf_text);
}

static void release(edra_hierarchy *h)
{
    if (h->levels)
        for (size_t l = 0; l < h->n_levels; l++) {
            free(h->levels[l].map);
            free(h->levels[l].leaf_counts);
            free(h->levels[l].labels);
        }
    free(h->levels);
    free(h->leaf_off);
    free(h->added);
    free(h->slots);
    while (h->arena) {
        text_block *next = h->arena->next;
        free(h->arena);
        h->arena = next;
    }
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

/* Rows that agree at level l must agree at l+1. */
static int check_tree(const edra_hierarchy *h, size_t l, edra_error *err)
{
    const level_table *lo = &h->levels[l], *hi = &h->levels[l + 1];
    uint32_t *first_row = malloc(lo->width * sizeof *first_row);
    uint32_t *parent = malloc(lo->width * sizeof *parent);
    int rc = 0;
    if (!first_row || !parent) {
        rc = oom(err, h->origin);
        goto done;
    }
    for (uint32_t c = 0; c < lo->width; c++)
        parent[c] = UINT32_MAX;
    for (size_t r = 0; r < h->n_leaves; r++) {
        uint32_t c = code_of(lo, r);
        if (parent[c] == UINT32_MAX) {
            parent[c] = code_of(hi, r);
            first_row[c] = (uint32_t)r;
        } else if (parent[c] != code_of(hi, r)) {
            rc = edra_error_set(err, EDRA_EDATA,
                                "%s:%zu: not a tree: agrees with row %zu at level %zu but not "
                                "at level %zu",
                                h->origin, r + 1, (size_t)first_row[c] + 1, l, l + 1);
            goto done;
        }
    }
done:
    free(first_row);
    free(parent);
    return rc;
}

/* The common part of the constructors: the struct, its origin and level array. */
static int start(edra_hierarchy **out, size_t n_rows, size_t n_levels, const char *origin,
                 edra_error *err)
{
    edra_hierarchy *h = NULL;
    *out = NULL;
    if (n_levels == 0)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has no levels", origin);
    if (n_rows == 0)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has no rows", origin);
    if (n_rows >= UINT32_MAX / 2 || n_rows > SIZE_MAX / n_levels)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has too many rows (%zu)", origin,
                              n_rows);
    h = calloc(1, sizeof *h);
    if (!h)
        return oom(err, origin);
    h->n_levels = n_levels;
    h->n_leaves = n_rows;
    h->origin = malloc(strlen(origin) + 1);
    h->levels = calloc(n_levels, sizeof *h->levels);
    if (!h->origin || !h->levels) {
        edra_hierarchy_free(h);
        return oom(err, origin);
    }
    memcpy(h->origin, origin, strlen(origin) + 1);
    *out = h;
    return 0;
}

/* Leaf counts of every level, the tree checks, the top's shape, and the maps in their
 * final widths. Level 0's codes are the leaves (the constructors number them so): its map
 * and leaf counts are implied. */
static int finish(edra_hierarchy *h, edra_error *err)
{
    free(h->levels[0].map);
    h->levels[0].map = NULL;
    h->levels[0].map_width = 0;
    for (size_t l = 1; l < h->n_levels; l++) {
        level_table *lv = &h->levels[l];
        lv->leaf_counts = calloc(lv->width ? lv->width : 1, sizeof *lv->leaf_counts);
        if (!lv->leaf_counts)
            return oom(err, h->origin);
        for (size_t r = 0; r < h->n_leaves; r++)
            lv->leaf_counts[code_of(lv, r)]++;
    }
    /* Level 0 gives every leaf a node of its own, which cannot disagree with itself. */
    for (size_t l = 1; l + 1 < h->n_levels; l++) {
        int rc = check_tree(h, l, err);
        if (rc < 0)
            return rc;
    }
    for (size_t l = 1; l < h->n_levels; l++)
        recode_map(&h->levels[l], h->n_leaves, h->n_leaves, width_for(h->levels[l].width));
    h->top_single = h->levels[h->n_levels - 1].width == 1;
    return 0;
}

/* Builds and validates; empty cells are refused only when check_empty (a hierarchy file),
 * since a missing-value marker is often the empty string and is a legitimate leaf. */
static int build(edra_hierarchy **out, const char *const *cells, size_t n_rows, size_t n_levels,
                 const char *origin, int check_empty, edra_error *err)
{
    edra_hierarchy *h = NULL;
    uint32_t *slots = NULL;
    size_t arena_size = 0, n_slots = 0;
    int rc = 0;

    *out = NULL;
    if (!origin)
        origin = "hierarchy";
    rc = start(&h, n_rows, n_levels, origin, err);
    if (rc < 0)
        return rc;
    for (size_t r = 0; r < n_rows; r++)
        for (size_t l = 0; l < n_levels; l++) {
            const char *cell = cells[r * n_levels + l];
            assert(cell);
            if (check_empty && cell[0] == '\0') {
                rc = edra_error_set(err, EDRA_EDATA, "%s:%zu: empty value at level %zu", origin,
                                    r + 1, l);
                goto done;
            }
            /* The very string of the row above is interned already (see below). */
            if (r > 0 && l > 0 && cell == cells[(r - 1) * n_levels + l])
                continue;
            arena_size += strlen(cell) + 1;
        }
    /* Enough for every label: no copy below can fail. */
    if (reserve_labels(h, arena_size, n_rows) < 0) {
        rc = oom(err, origin);
        goto done;
    }

    for (size_t l = 0; l < n_levels; l++) {
        level_table *lv = &h->levels[l];
        /* Level 0 has a label per row; the upper ones grow with their width, usually a
         * small fraction of the rows. */
        size_t cap = l == 0 ? n_rows : 16;
        uint32_t *map = malloc(n_rows * sizeof *map);
        n_slots = slots_for(cap);
        lv->map = map;
        lv->map_width = 4;
        lv->labels = l ? malloc(cap * sizeof *lv->labels) : NULL;
        slots = calloc(n_slots, sizeof *slots);
        if (!map || (l && !lv->labels) || !slots) {
            rc = oom(err, origin);
            goto done;
        }
        for (size_t r = 0; r < n_rows; r++) {
            const char *cell = cells[r * n_levels + l];
            size_t slot = 0;
            /* Builders hand the same string to rows that share a label, and sorted rows
             * share them in runs: one pointer comparison instead of a hash lookup. */
            if (r > 0 && l > 0 && cell == cells[(r - 1) * n_levels + l]) {
                map[r] = map[r - 1];
                continue;
            }
            int64_t code = lookup(h, l, slots, n_slots, cell, &slot);
            if (code >= 0 && l == 0) {
                /* Leaf codes are rows so far, hence the earlier row is the code itself.
                 * The value is not quoted: a sensitive attribute's leaves are protected. */
                rc = edra_error_set(err, EDRA_EDATA, "%s:%zu: value at level 0 repeats row %zu",
                                    origin, r + 1, (size_t)code + 1);
                goto done;
            }
            if (code < 0) {
                if (lv->width == cap) {
                    const char **wider = realloc(lv->labels, 2 * cap * sizeof *wider);
                    uint32_t *more = NULL;
                    if (wider) {
                        lv->labels = wider;
                        more = index_labels(h, l, lv->width, slots_for(2 * cap));
                    }
                    if (!more) {
                        rc = oom(err, origin);
                        goto done;
                    }
                    free(slots);
                    slots = more;
                    cap *= 2;
                    n_slots = slots_for(cap);
                    lookup(h, l, slots, n_slots, cell, &slot);
                }
                code = lv->width++;
                if (l)
                    lv->labels[code] = arena_copy(h, cell);
                else
                    set_leaf_label(h, (uint32_t)code, cell);
                slots[slot] = (uint32_t)code + 1;
            }
            map[r] = (uint32_t)code;
        }
        if (l == 0) {
            /* The leaves' table is the lookup of edra_hierarchy_find: kept. */
            h->slots = slots;
            h->n_slots = n_slots;
        } else {
            free(slots);
            const char **fit = realloc(lv->labels, lv->width * sizeof *fit);
            if (fit)
                lv->labels = fit;
        }
        slots = NULL;
    }
    rc = finish(h, err);
    if (rc < 0)
        goto done;
    *out = h;
    h = NULL;
done:
    edra_hierarchy_free(h);
    free(slots);
    return rc;
}

int edra_hierarchy_new(edra_hierarchy **out, const char *const *cells, size_t n_rows,
                       size_t n_levels, const char *origin, edra_error *err)
{
    return build(out, cells, n_rows, n_levels, origin, 1, err);
}

/* Codes of one level numbered by first appearance and each used: code c first shows up
 * after codes 0..c-1 have. */
static int check_codes(const edra_hierarchy *h, size_t l, edra_error *err)
{
    const level_table *lv = &h->levels[l];
    uint32_t next = 0;
    for (size_t r = 0; r < h->n_leaves; r++) {
        uint32_t c = code_of(lv, r);
        if (c > next || c >= lv->width)
            return edra_error_set(err, EDRA_EINTERNAL,
                                  "%s:%zu: code %u at level %zu is not numbered by first "
                                  "appearance within width %u",
                                  h->origin, r + 1, (unsigned)c, l, (unsigned)lv->width);
        next += c == next;
    }
    if (next != lv->width)
        return edra_error_set(err, EDRA_EINTERNAL, "%s: level %zu has %u codes, %u used",
                              h->origin, l, (unsigned)lv->width, (unsigned)next);
    return 0;
}

int edra_hierarchy_new_coded(edra_hierarchy **out, const edra_hierarchy_coded *in,
                             const char *origin, edra_error *err)
{
    edra_hierarchy *h = NULL;
    size_t n = in->n_leaves, arena_size = 0;
    int rc = 0;

    if (!origin)
        origin = "hierarchy";
    rc = start(&h, n, in->n_levels, origin, err);
    if (rc < 0)
        goto done;
    /* The values are read in their own order: sequential, where the leaves' order would
     * jump about memory. */
    for (size_t i = 0; i < in->n_values; i++)
        if (!in->leaf_of || in->leaf_of[i] != UINT32_MAX)
            arena_size += strlen(in->values[i]) + 1;
    for (size_t l = 1; l < in->n_levels; l++) {
        level_table *lv = &h->levels[l];
        lv->map = in->maps[l - 1];
        lv->map_width = 4;
        in->maps[l - 1] = NULL;
        lv->width = in->widths[l - 1];
        for (uint32_t c = 0; c < lv->width; c++)
            arena_size += strlen(in->labels[l - 1][c]) + 1;
    }
    /* Enough for every label: no copy below can fail. */
    if (reserve_labels(h, arena_size, n) < 0) {
        rc = oom(err, origin);
        goto done;
    }
    for (size_t l = 1; l < in->n_levels; l++) {
        level_table *lv = &h->levels[l];
        lv->labels = malloc((lv->width ? lv->width : 1) * sizeof *lv->labels);
        if (!lv->labels || !lv->map) {
            rc = oom(err, origin);
            goto done;
        }
        rc = check_codes(h, l, err);
        if (rc < 0)
            goto done;
        for (uint32_t c = 0; c < lv->width; c++)
            lv->labels[c] = arena_copy(h, in->labels[l - 1][c]);
    }
    h->levels[0].width = (uint32_t)n;
    /* Every leaf exactly one value: a label set twice or never is the caller's bug. */
    if (!in->leaf_of && in->n_values != n) {
        rc = edra_error_set(err, EDRA_EINTERNAL, "%s: %zu values for %zu leaves", origin,
                            in->n_values, n);
        goto done;
    }
    for (size_t i = 0; i < in->n_values; i++) {
        uint32_t leaf = in->leaf_of ? in->leaf_of[i] : (uint32_t)i;
        if (leaf == UINT32_MAX)
            continue;
        if (leaf >= n || h->leaf_off[leaf] != NO_LABEL) {
            rc = edra_error_set(err, EDRA_EINTERNAL, "%s: value %zu goes to leaf %u, %s", origin,
                                i, (unsigned)leaf, leaf >= n ? "past the leaves" : "taken");
            goto done;
        }
        set_leaf_label(h, leaf, in->values[i]);
    }
    for (size_t r = 0; r < n; r++)
        if (h->leaf_off[r] == NO_LABEL) {
            rc = edra_error_set(err, EDRA_EINTERNAL, "%s: leaf %zu has no value", origin, r);
            goto done;
        }
    rc = finish(h, err);
    if (rc < 0)
        goto done;
    *out = h;
    h = NULL;
done:
    for (size_t l = 1; l < in->n_levels; l++) {
        free(in->maps[l - 1]);
        in->maps[l - 1] = NULL;
    }
    edra_hierarchy_free(h);
    return rc;
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

/* Builds the leaves' lookup if the constructor left it out; 0 or EDRA_ENOMEM. The
 * hierarchy is logically unchanged, hence callable from the const find. */
static int ensure_index(edra_hierarchy *h)
{
    if (h->slots)
        return 0;
    size_t n_slots = slots_for(h->n_leaves);
    h->slots = index_labels(h, 0, h->n_leaves, n_slots);
    if (!h->slots)
        return EDRA_ENOMEM;
    h->n_slots = n_slots;
    return 0;
}

/* The code of s at level l by a scan of its labels, or -1: only for the rare new leaf. */
static int64_t scan_labels(const edra_hierarchy *h, size_t level, const char *s)
{
    for (uint32_t c = 0; c < h->levels[level].width; c++)
        if (strcmp(label_at(h, level, c), s) == 0)
            return c;
    return -1;
}

static int grow_u32(uint32_t **a, size_t n)
{
    uint32_t *wider = realloc(*a, n * sizeof *wider);
    if (!wider)
        return -1;
    *a = wider;
    return 0;
}

int edra_hierarchy_add_leaf(edra_hierarchy *h, const char *value, uint32_t *leaf_out,
                            edra_error *err)
{
    size_t n_levels = h->n_levels, n = h->n_leaves, top = n_levels - 1, new_bytes = 0;
    int64_t *code = NULL;
    const char **label = NULL;
    int rc = 0;

    assert(value);
    if (n + 1 >= UINT32_MAX / 2)
        return edra_error_set(err, EDRA_EDATA, "%s: hierarchy has too many rows (%zu)", h->origin,
                              n + 1);
    /* Without the lookup, one scan is cheaper than building it for a rare new leaf. */
    int64_t dup = h->slots ? lookup(h, 0, h->slots, h->n_slots, value, NULL)
                           : scan_labels(h, 0, value);
    if (dup >= 0)
        return edra_error_set(err, EDRA_EDATA, "%s:%zu: value at level 0 repeats row %zu",
                              h->origin, n + 1, (size_t)dup + 1);
    code = malloc(n_levels * sizeof *code);
    label = malloc(n_levels * sizeof *label);
    if (!code || !label) {
        rc = oom(err, h->origin);
        goto done;
    }
    /* The new row keeps its value at every level but the top, where it joins the single
     * top or a "*"; at each level it is an existing node when that label exists there.
     * A one-level hierarchy has no top to join: there the leaf is only its own value. */
    for (size_t l = 0; l < n_levels; l++) {
        label[l] = value;
        if (l == top && n_levels > 1)
            label[l] = h->top_single ? h->levels[top].labels[0] : "*";
        code[l] = l == 0 ? -1 : scan_labels(h, l, label[l]);
    }
    /* Only the new row can break the tree: where it joins a node, the node's first row
     * must agree with it on the level above (the message of a rebuild's check). */
    for (size_t l = 1; l + 1 < n_levels; l++) {
        if (code[l] < 0)
            continue;
        const level_table *lv = &h->levels[l];
        size_t first = 0;
        while (code_of(lv, first) != (uint32_t)code[l])
            first++;
        if (code[l + 1] < 0 || code_of(&h->levels[l + 1], first) != (uint32_t)code[l + 1]) {
            rc = edra_error_set(err, EDRA_EDATA,
                                "%s:%zu: not a tree: agrees with row %zu at level %zu but not "
                                "at level %zu",
                                h->origin, n + 1, first + 1, l, l + 1);
            goto done;
        }
    }
    /* Everything that can fail comes before the first change, so a failure leaves the
     * hierarchy as it was (some arrays merely larger). */
    if (h->slots && 2 * (n + 1) > h->n_slots) {
        uint32_t *more = index_labels(h, 0, n, 2 * h->n_slots);
        if (!more) {
            rc = oom(err, h->origin);
            goto done;
        }
        free(h->slots);
        h->slots = more;
        h->n_slots *= 2;
    }
    for (size_t l = 0; l < n_levels; l++) {
        level_table *lv = &h->levels[l];
        size_t width = lv->width + (code[l] < 0);
        const char **labels = NULL;
        /* Level 0 stays the identity, its new label in added; above, a new code may need
         * wider codes. */
        if (l == 0) {
            labels = realloc(h->added, (n + 1 - h->n_base) * sizeof *labels);
            if (!labels) {
                rc = oom(err, h->origin);
                goto done;
            }
            h->added = labels;
        } else if (recode_map(lv, n, n + 1, width_for((uint32_t)width)) < 0 ||
                   grow_u32(&lv->leaf_counts, width) < 0 ||
                   !(labels = realloc(lv->labels, width * sizeof *labels))) {
            rc = oom(err, h->origin);
            goto done;
        } else {
            lv->labels = labels;
        }
        if (code[l] < 0)
            new_bytes += strlen(label[l]) + 1;
    }
    if (arena_reserve(h, new_bytes) < 0) {
        rc = oom(err, h->origin);
        goto done;
    }
    for (size_t l = 0; l < n_levels; l++) {
        level_table *lv = &h->levels[l];
        if (code[l] < 0) {
            code[l] = lv->width++;
            if (l > 0) {
                lv->labels[code[l]] = arena_copy(h, label[l]);
                lv->leaf_counts[code[l]] = 0;
            } else {
                h->added[n - h->n_base] = arena_copy(h, label[l]);
            }
        }
        if (l > 0) {
            put_code(lv->map, lv->map_width, n, (uint32_t)code[l]);
            lv->leaf_counts[code[l]]++;
        }
    }
    if (h->slots) {
        size_t slot = 0;
        lookup(h, 0, h->slots, h->n_slots, value, &slot);
        h->slots[slot] = (uint32_t)n + 1;
    }
    h->n_leaves = n + 1;
    h->top_single = h->levels[top].width == 1;
    *leaf_out = (uint32_t)n;
done:
    free(code);
    free(label);
    return rc;
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
    /* The lookup is built on first use; h is heap memory, so writing through the cast is
     * defined. Without memory for it, a scan still answers. */
    if (!h->slots && ensure_index((edra_hierarchy *)h) < 0)
        return scan_labels(h, 0, value);
    return lookup(h, 0, h->slots, h->n_slots, value, NULL);
}

edra_level_map edra_hierarchy_level_map(const edra_hierarchy *h, size_t level)
{
    assert(level < h->n_levels);
    return (edra_level_map){h->levels[level].map, h->levels[level].map_width};
}

uint32_t edra_hierarchy_code(const edra_hierarchy *h, size_t level, size_t leaf)
{
    assert(level < h->n_levels && leaf < h->n_leaves);
    return code_of(&h->levels[level], leaf);
}

uint32_t edra_hierarchy_width(const edra_hierarchy *h, size_t level)
{
    assert(level < h->n_levels);
    return h->levels[level].width;
}

uint32_t edra_hierarchy_leaf_count(const edra_hierarchy *h, size_t level, uint32_t code)
{
    assert(level < h->n_levels && code < h->levels[level].width);
    return level ? h->levels[level].leaf_counts[code] : 1;
}

const char *edra_hierarchy_label(const edra_hierarchy *h, size_t level, uint32_t code)
{
    assert(level < h->n_levels && code < h->levels[level].width);
    return label_at(h, level, code);
}
