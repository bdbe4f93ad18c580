/* Equivalence classes of a full-domain generalization. Each tuple's generalized QI values are
 * packed into a 64-bit mixed-radix key when the product of the level widths fits, else into
 * a 64-bit hash whose collisions are settled by comparing the generalized codes. Groups are
 * found with an open-addressing table (8-byte slots when key and group number fit together),
 * or a direct array when the key space is small. */
#include "classes.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "hugepages.h"

struct edra_classes {
    const edra_microdata *md;
    uint8_t *levels;
    size_t n_classes;
    void *sizes;           /* records per class, size_width bytes each */
    uint8_t size_width;
    uint32_t *of_tuple;
    uint32_t *representative;
};

/* Store (or add to) an entry's code or count at index i of an array of the given width. In
 * the loops below the width never changes, so the switch costs a predicted branch. */
static inline void code_put(void *data, uint8_t width, size_t i, uint32_t v)
{
    switch (width) {
    case 1:
        ((uint8_t *)data)[i] = (uint8_t)v;
        break;
    case 2:
        ((uint16_t *)data)[i] = (uint16_t)v;
        break;
    default:
        ((uint32_t *)data)[i] = v;
    }
}

static inline void count_put(void *data, uint8_t width, size_t i, uint64_t n)
{
    switch (width) {
    case 1:
        ((uint8_t *)data)[i] = (uint8_t)n;
        break;
    case 2:
        ((uint16_t *)data)[i] = (uint16_t)n;
        break;
    case 4:
        ((uint32_t *)data)[i] = (uint32_t)n;
        break;
    default:
        ((uint64_t *)data)[i] = n;
    }
}

static inline void count_add(void *data, uint8_t width, size_t i, uint64_t n)
{
    switch (width) {
    case 1:
        ((uint8_t *)data)[i] += (uint8_t)n;
        break;
    case 2:
        ((uint16_t *)data)[i] += (uint16_t)n;
        break;
    case 4:
        ((uint32_t *)data)[i] += (uint32_t)n;
        break;
    default:
        ((uint64_t *)data)[i] += n;
    }
}

/* A class's size. */
static inline uint64_t size_at(const edra_classes *c, size_t g)
{
    return c->size_width == 4 ? ((const uint32_t *)c->sizes)[g] : ((const uint64_t *)c->sizes)[g];
}

/* Items whose keys are computed ahead of their probe (see group_items), and whose random
 * accesses elsewhere are fetched ahead of their use. */
#define AHEAD 16
/* Key spaces up to this size use the direct array whatever the number of items. */
#define DIRECT_SMALL (1u << 16)
/* Largest class x value matrix counted densely by edra_sadist_build (up to 8 bytes a
 * cell). */
#define DENSE_SADIST_CELLS (1u << 24)

/* Per-QI lookup tables for one transformation and how keys are formed from them. */
typedef struct {
    size_t n_qi;
    const edra_code_col *qi_codes;
    edra_level_map *gmap;    /* [n_qi] leaf -> generalized code */
    uint64_t *stride;        /* [n_qi] mixed-radix place values (exact mode) */
    int exact;               /* keys are exact (product of widths fits in 64 bits) */
    uint64_t key_space;      /* product of widths when exact */
    size_t *big, n_big;      /* the QIs whose map is beyond the caches (near-unique
                                columns), which keyer_prefetch fetches ahead */
    uint64_t constant;       /* bit d: QI d has a single code at its level (its top, most
                                often), so it adds nothing to an exact key */
} keyer;

/* Leaves from which a QI's map is fetched ahead of its use. */
#define BIG_MAP_LEAVES ((size_t)1 << 16)

static void keyer_free(keyer *kr)
{
    free(kr->gmap);
    free(kr->stride);
    free(kr->big);
}

static int keyer_init(keyer *kr, const edra_microdata *md, const uint8_t *levels)
{
    uint64_t product = 1;
    kr->n_qi = md->n_qi;
    kr->qi_codes = md->qi_codes;
    kr->gmap = calloc(md->n_qi ? md->n_qi : 1, sizeof *kr->gmap);
    kr->stride = calloc(md->n_qi ? md->n_qi : 1, sizeof *kr->stride);
    kr->big = calloc(md->n_qi ? md->n_qi : 1, sizeof *kr->big);
    if (!kr->gmap || !kr->stride || !kr->big) {
        keyer_free(kr);
        return EDRA_ENOMEM;
    }
    kr->exact = 1;
    kr->constant = 0;
    for (size_t d = 0; d < md->n_qi; d++) {
        uint64_t width = edra_hierarchy_width(md->qi_hier[d], levels[d]);
        assert(levels[d] < edra_hierarchy_levels(md->qi_hier[d]));
        kr->gmap[d] = edra_hierarchy_level_map(md->qi_hier[d], levels[d]);
        if (edra_hierarchy_leaves(md->qi_hier[d]) >= BIG_MAP_LEAVES && kr->gmap[d].width)
            kr->big[kr->n_big++] = d;
        kr->stride[d] = product;
        if (width <= 1 && d < 64)
            kr->constant |= UINT64_C(1) << d;
        if (width && product > UINT64_MAX / width)
            kr->exact = 0;
        else
            product *= width ? width : 1;
    }
    kr->key_space = kr->exact ? product : UINT64_MAX;
    return 0;
}

static inline uint64_t tuple_key(const keyer *kr, size_t t)
{
    uint64_t key = 0;
    if (kr->exact) {
        for (size_t d = 0; d < kr->n_qi; d++)
            key += (uint64_t)edra_level_map_at(kr->gmap[d], edra_code_at(kr->qi_codes[d], t)) *
                   kr->stride[d];
        return key;
    }
    for (size_t d = 0; d < kr->n_qi; d++)
        key = edra_mix64(key ^ (edra_level_map_at(kr->gmap[d], edra_code_at(kr->qi_codes[d], t)) +
                           0x9e3779b97f4a7c15ULL * (d + 1)));
    return key;
}

/* Starts fetching the map entries of tuple t's codes in the big maps: with millions of
 * leaves (a near-unique column) each is a miss that would stall the key. */
static inline void keyer_prefetch(const keyer *kr, size_t t)
{
    for (size_t b = 0; b < kr->n_big; b++) {
        size_t d = kr->big[b];
        __builtin_prefetch((const char *)kr->gmap[d].codes +
                           (size_t)edra_code_at(kr->qi_codes[d], t) * kr->gmap[d].width);
    }
}

static inline int same_generalized(const keyer *kr, size_t a, size_t b)
{
    for (size_t d = 0; d < kr->n_qi; d++)
        if (edra_level_map_at(kr->gmap[d], edra_code_at(kr->qi_codes[d], a)) !=
            edra_level_map_at(kr->gmap[d], edra_code_at(kr->qi_codes[d], b)))
            return 0;
    return 1;
}

static edra_classes *classes_alloc(const edra_microdata *md, const uint8_t *levels, size_t cap)
{
    edra_classes *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->md = md;
    c->levels = malloc(md->n_qi ? md->n_qi : 1);
    /* A class holds at most every record: 4 bytes a class unless aggregated counts pass
     * 2^32 records. Half the memory of the classes' sizes, which grouping adds to at random. */
    c->size_width = md->n_records <= UINT32_MAX ? 4 : 8;
    c->sizes = malloc((cap ? cap : 1) * c->size_width);
    c->of_tuple = malloc((md->n_tuples ? md->n_tuples : 1) * sizeof *c->of_tuple);
    c->representative = malloc((cap ? cap : 1) * sizeof *c->representative);
    if (!c->levels || !c->sizes || !c->of_tuple || !c->representative) {
        edra_classes_free(c);
        return NULL;
    }
    /* A class's size is added to at random, item after item. */
    edra_hugepages_advise(c->sizes, cap * c->size_width);
    if (md->n_qi)
        memcpy(c->levels, levels, md->n_qi);
    return c;
}

/* One slot of the wide grouping table: a key and its group, side by side so a probe
 * touches one cache line. */
typedef struct {
    uint64_t key;
    uint32_t group;      /* UINT32_MAX = free */
} group_slot;

/* The grouping table. When the exact keys and the group numbers fit in 64 bits together
 * (as they do for all but the widest lattices), a slot is key << group_bits | group + 1 in
 * 8 bytes, 0 = free: half the memory of the wide slots, for millions of classes. */
typedef struct {
    uint64_t *packed;    /* NULL: wide */
    group_slot *wide;
    size_t cap;          /* a power of two */
    unsigned group_bits;
} group_table;

static unsigned bits_for(uint64_t max_value)
{
    unsigned bits = 0;
    while (bits < 64 && max_value >> bits)
        bits++;
    return bits;
}

static int table_alloc(group_table *tb, size_t cap)
{
    tb->cap = cap;
    if (tb->group_bits) {
        tb->packed = calloc(cap, sizeof *tb->packed);
        edra_hugepages_advise(tb->packed, cap * sizeof *tb->packed);
        return tb->packed ? 0 : EDRA_ENOMEM;
    }
    tb->wide = malloc(cap * sizeof *tb->wide);
    if (!tb->wide)
        return EDRA_ENOMEM;
    edra_hugepages_advise(tb->wide, cap * sizeof *tb->wide);
    for (size_t i = 0; i < cap; i++)
        tb->wide[i].group = UINT32_MAX;
    return 0;
}

static void table_free(group_table *tb)
{
    free(tb->packed);
    free(tb->wide);
}

static inline int slot_free(const group_table *tb, size_t i)
{
    return tb->packed ? !tb->packed[i] : tb->wide[i].group == UINT32_MAX;
}

static inline uint64_t slot_key(const group_table *tb, size_t i)
{
    return tb->packed ? tb->packed[i] >> tb->group_bits : tb->wide[i].key;
}

static inline void slot_move(group_table *tb, size_t to, size_t from)
{
    if (tb->packed) {
        tb->packed[to] = tb->packed[from];
        tb->packed[from] = 0;
    } else {
        tb->wide[to] = tb->wide[from];
        tb->wide[from].group = UINT32_MAX;
    }
}

/* Re-places the group in slot i by its key in the doubled table (slots [0, 2 * cap)), or
 * returns 0, the group left in i, when its probe would wrap from the top onto the old
 * slots. Returns 1 once placed. */
static int replace_slot(group_table *tb, size_t i, size_t cap)
{
    size_t mask = 2 * cap - 1, pos = edra_mix64(slot_key(tb, i)) & mask;
    while (pos != i && !slot_free(tb, pos)) {
        if (pos == mask)
            return 0;
        pos = (pos + 1) & mask;
    }
    if (pos != i)
        slot_move(tb, pos, i);
    return 1;
}

/* Puts the group of slot `from` of src (any table, slots in any state) into tb by probing
 * from its home, wrapping as needed. */
static void place_from(group_table *tb, const group_table *src, size_t from)
{
    size_t mask = tb->cap - 1, pos = edra_mix64(slot_key(src, from)) & mask;
    while (!slot_free(tb, pos))
        pos = (pos + 1) & mask;
    if (tb->packed)
        tb->packed[pos] = src->packed[from];
    else
        tb->wide[pos] = src->wide[from];
}

/* Groups set aside while a table doubles in place: those whose probe would wrap past the
 * top onto old slots not yet re-placed (the top cluster: one or two). */
#define GROW_ASIDE 64

/* Doubles tb, whose slots [0, tb->cap) are re-placed as far as the caller got, into a new
 * table (the rare case of more than GROW_ASIDE groups set aside): every group placed anew,
 * those of aside too. */
static int grow_by_copy(group_table *tb, const group_table *aside, size_t n_aside)
{
    group_table old = *tb;
    if (table_alloc(tb, old.cap) < 0) {
        *tb = old;
        return EDRA_ENOMEM;
    }
    for (size_t i = 0; i < old.cap; i++)
        if (!slot_free(&old, i))
            place_from(tb, &old, i);
    for (size_t i = 0; i < n_aside; i++)
        place_from(tb, aside, i);
    table_free(&old);
    return 0;
}

/* Doubles the table in place (realloc: a table of millions of slots is remapped, not
 * copied, so the growth never holds two tables). Each group goes back to its home in the
 * doubled table, old slots taken in cluster order from an empty one: a group's probe then
 * passes only over slots already re-placed, never over one that a later move empties. A
 * group whose probe would wrap from the top onto old slots is set aside and placed last. */
static int table_grow(group_table *tb)
{
    size_t cap = tb->cap, slot_bytes = tb->packed ? sizeof *tb->packed : sizeof *tb->wide;
    void *grown = realloc(tb->packed ? (void *)tb->packed : (void *)tb->wide, 2 * cap * slot_bytes);
    if (!grown)
        return EDRA_ENOMEM;
    tb->cap = 2 * cap;
    if (tb->packed) {
        tb->packed = grown;
        memset(tb->packed + cap, 0, cap * slot_bytes);
    } else {
        tb->wide = grown;
        for (size_t i = cap; i < 2 * cap; i++)
            tb->wide[i].group = UINT32_MAX;
    }
    edra_hugepages_advise(grown, 2 * cap * slot_bytes);
    uint64_t aside_packed[GROW_ASIDE];
    group_slot aside_wide[GROW_ASIDE];
    group_table aside = {.packed = tb->packed ? aside_packed : NULL,
                         .wide = tb->packed ? NULL : aside_wide,
                         .cap = GROW_ASIDE, .group_bits = tb->group_bits};
    size_t n_aside = 0, start = 0;
    while (!slot_free(tb, start)) /* the load is at most 1/2: an old slot is free */
        start++;
    for (size_t step = 1; step <= cap; step++) {
        size_t i = (start + step) & (cap - 1);
        if (slot_free(tb, i) || replace_slot(tb, i, cap))
            continue;
        if (n_aside == GROW_ASIDE)
            return grow_by_copy(tb, &aside, n_aside);
        /* No group re-placed so far probed over slot i (they come before it in its
         * cluster), so it can be emptied. */
        if (tb->packed) {
            aside_packed[n_aside++] = tb->packed[i];
            tb->packed[i] = 0;
        } else {
            aside_wide[n_aside++] = tb->wide[i];
            tb->wide[i].group = UINT32_MAX;
        }
    }
    for (size_t i = 0; i < n_aside; i++)
        place_from(tb, &aside, i);
    return 0;
}

/* Items from which a one-thread hashed grouping goes in two passes, one key partition each. */
#define PARTITION_MIN_ITEMS ((size_t)1 << 22)

/* Tuples whose exact keys are summed one QI at a time: the block's keys stay in the L1
 * cache while each column's codes stream in. */
#define KEY_BLOCK 2048

/* keys[0..n) += map(codes[first + i]) x stride, for one combination of widths: the compiler
 * makes a loop without branches of each. */
static inline __attribute__((always_inline)) void add_column(uint64_t *keys, size_t n,
                                                             const void *codes, size_t first,
                                                             const uint32_t *rows,
                                                             unsigned code_width, const void *map,
                                                             unsigned map_width, uint64_t stride)
{
    edra_code_col col = {(void *)codes, (uint8_t)code_width};
    edra_level_map m = {map, map_width};
    if (rows)
        for (size_t i = 0; i < n; i++)
            keys[i] += (uint64_t)edra_level_map_at(m, edra_code_at(col, rows[first + i])) * stride;
    else
        for (size_t i = 0; i < n; i++)
            keys[i] += (uint64_t)edra_level_map_at(m, edra_code_at(col, first + i)) * stride;
}

static void add_column_any(uint64_t *keys, size_t n, edra_code_col col, size_t first,
                           const uint32_t *rows, edra_level_map map, uint64_t stride)
{
#define ADD_MAP(cw)                                                                            \
    switch (map.width) {                                                                       \
    case 0:                                                                                    \
        add_column(keys, n, col.data, first, rows, cw, map.codes, 0, stride);                        \
        break;                                                                                 \
    case 1:                                                                                    \
        add_column(keys, n, col.data, first, rows, cw, map.codes, 1, stride);                        \
        break;                                                                                 \
    case 2:                                                                                    \
        add_column(keys, n, col.data, first, rows, cw, map.codes, 2, stride);                        \
        break;                                                                                 \
    default:                                                                                   \
        add_column(keys, n, col.data, first, rows, cw, map.codes, 4, stride);                        \
        break;                                                                                 \
    }
    switch (col.width) {
    case 1:
        ADD_MAP(1)
        break;
    case 2:
        ADD_MAP(2)
        break;
    default:
        ADD_MAP(4)
        break;
    }
#undef ADD_MAP
}

/* The exact keys of items [first, end) (tuples, or the tuples rows[i] when rows is not
 * NULL) into out[0..end - first), column by column in blocks. */
static void keys_by_column(const keyer *kr, uint64_t *out, size_t first, size_t end,
                           const uint32_t *rows)
{
    for (size_t at = first; at < end; at += KEY_BLOCK) {
        size_t n = end - at < KEY_BLOCK ? end - at : KEY_BLOCK;
        uint64_t *keys = out + (at - first);
        memset(keys, 0, n * sizeof *keys);
        for (size_t d = 0; d < kr->n_qi; d++)
            if (d >= 64 || !(kr->constant >> d & 1))
                add_column_any(keys, n, kr->qi_codes[d], at, rows, kr->gmap[d], kr->stride[d]);
    }
}

/* The keys of a grouping's items, asked for in increasing item order (the probe's AHEAD
 * items): exact ones computed a block at a time (keys_by_column, several times faster than
 * one item's key after another), without an array of every item's key; others, or all of a
 * grouping too small for a block or without memory for one, one by one (win NULL). */
typedef struct {
    uint64_t buf[KEY_BLOCK];
    size_t lo, hi;       /* buf holds the keys of items [lo, hi) */
} key_window;

static key_window *window_new(const keyer *kr, size_t n_items)
{
    key_window *w = kr->exact && n_items >= KEY_BLOCK ? malloc(sizeof *w) : NULL;
    if (w)
        w->lo = w->hi = 0;
    return w;
}

static inline uint64_t item_key(key_window *w, const keyer *kr, size_t i, size_t n_items,
                                const uint32_t *rows)
{
    if (!w)
        return tuple_key(kr, rows ? rows[i] : i);
    if (i >= w->hi) {
        w->lo = i;
        w->hi = n_items - i < KEY_BLOCK ? n_items : i + KEY_BLOCK;
        keys_by_column(kr, w->buf, w->lo, w->hi, rows);
    }
    return w->buf[i - w->lo];
}

/* Marks an item left to the second partition's pass in group_of. */
#define DEFERRED UINT32_MAX

/* The hashed grouping of the items (pass 0 of 1: all; of 2: those whose key's mix has its
 * top bit clear, the others marked DEFERRED; pass 1: the DEFERRED ones, whose keys alone
 * are computed again), groups numbered on from *n_groups_io. */
static int group_hashed(edra_classes *c, const keyer *kr, size_t n_items, const uint32_t *item_tuple,
                        uint32_t *group_of, unsigned group_bits, unsigned pass, unsigned n_passes,
                        size_t *n_groups_io)
{
    group_table tb = {.group_bits = group_bits};
    size_t n_groups = *n_groups_io, n_part = 0;
    size_t cap = 1024;
    while (cap < 2 * n_items && cap < 4096)
        cap <<= 1;
    if (table_alloc(&tb, cap) < 0)
        return EDRA_ENOMEM;
    const uint64_t group_mask = (UINT64_C(1) << tb.group_bits) - 1;
    key_window *win = window_new(kr, n_items);
    /* Keys are computed AHEAD items early and their slots prefetched: with millions of
     * classes the table is far larger than the cache, and each probe would otherwise wait
     * for memory in turn. */
    uint64_t ahead[AHEAD];
    for (size_t i = 0; i < n_items && i < AHEAD; i++) {
        if (pass && group_of[i] != DEFERRED)
            continue;
        ahead[i] = item_key(win, kr, i, n_items, item_tuple);
        size_t pos = edra_mix64(ahead[i]) & (tb.cap - 1);
        __builtin_prefetch(tb.packed ? (const void *)&tb.packed[pos] : (const void *)&tb.wide[pos]);
    }
    for (size_t i = 0; i < n_items; i++) {
        size_t t = item_tuple ? item_tuple[i] : i;
        uint64_t key = ahead[i % AHEAD];
        if (i + AHEAD < n_items && (!pass || group_of[i + AHEAD] == DEFERRED)) {
            uint64_t next = item_key(win, kr, i + AHEAD, n_items, item_tuple);
            size_t next_pos = edra_mix64(next) & (tb.cap - 1);
            ahead[i % AHEAD] = next;
            __builtin_prefetch(tb.packed ? (const void *)&tb.packed[next_pos]
                                         : (const void *)&tb.wide[next_pos]);
        }
        if (!win && kr->n_big && i + 2 * AHEAD < n_items &&
            (!pass || group_of[i + 2 * AHEAD] == DEFERRED))
            keyer_prefetch(kr, item_tuple ? item_tuple[i + 2 * AHEAD] : i + 2 * AHEAD);
        if (pass && group_of[i] != DEFERRED)
            continue;
        uint64_t mixed = edra_mix64(key);
        if (n_passes > 1 && !pass && mixed >> 63) {
            group_of[i] = DEFERRED;
            continue;
        }
        size_t pos = mixed & (tb.cap - 1);
        for (;;) {
            uint32_t g;
            if (tb.packed) {
                uint64_t slot = tb.packed[pos];
                if (slot && slot >> tb.group_bits != key) {
                    pos = (pos + 1) & (tb.cap - 1);
                    continue;
                }
                g = slot ? (uint32_t)(slot & group_mask) - 1 : UINT32_MAX;
            } else {
                g = tb.wide[pos].group;
                if (g != UINT32_MAX &&
                    (tb.wide[pos].key != key ||
                     (!kr->exact && !same_generalized(kr, t, c->representative[g])))) {
                    pos = (pos + 1) & (tb.cap - 1);
                    continue;
                }
            }
            if (g == UINT32_MAX) {
                g = (uint32_t)n_groups++;
                n_part++;
                if (tb.packed) {
                    tb.packed[pos] = key << tb.group_bits | ((uint64_t)g + 1);
                } else {
                    tb.wide[pos].group = g;
                    tb.wide[pos].key = key;
                }
                c->representative[g] = (uint32_t)t;
                group_of[i] = g;
                /* Load at most 1/2: probes stay short. */
                if (2 * n_part > tb.cap && table_grow(&tb) < 0) {
                    table_free(&tb);
                    free(win);
                    return EDRA_ENOMEM;
                }
                break;
            }
            group_of[i] = g;
            break;
        }
    }
    table_free(&tb);
    free(win);
    *n_groups_io = n_groups;
    return 0;
}

/* The records of each of the n_groups groups, summed after a hashed grouping in a pass of
 * their own: there each group's size is known AHEAD items early and fetched meanwhile,
 * where the probe loop waited for it behind its probe (at 10M tuples and 7M classes, a
 * third of that loop's samples stood on the size's update). */
static void sum_sizes(edra_classes *c, size_t n_items, const uint32_t *group_of,
                      edra_count_col item_weight, size_t n_groups)
{
    memset(c->sizes, 0, n_groups * c->size_width);
    for (size_t i = 0; i < n_items; i++) {
        if (i + AHEAD < n_items)
            __builtin_prefetch((char *)c->sizes + (size_t)group_of[i + AHEAD] * c->size_width, 1);
        count_add(c->sizes, c->size_width, group_of[i], edra_count_at(item_weight, i));
    }
}

/* Groups n_items items (tuples, or classes of a finer transformation) by key. item_tuple
 * maps an item to a tuple that carries its QI values (NULL = the item is a tuple);
 * item_weight gives its records. group_of[i] receives the group of each item. Key spaces
 * up to twice the items are a direct array, calloc'd so that only the pages of keys that
 * occur are ever touched; otherwise the hash table starts small and doubles with the
 * groups, so its size follows the classes, not the items: coarse transformations of
 * millions of tuples stay in cache. */
static int group_items(edra_classes *c, const keyer *kr, size_t n_items, const uint32_t *item_tuple,
                       edra_count_col item_weight, uint32_t *group_of, int lean)
{
    size_t n_groups = 0;
    if (kr->exact && (kr->key_space <= DIRECT_SMALL || kr->key_space <= 2 * (uint64_t)n_items)) {
        uint32_t *slot = calloc(kr->key_space, sizeof *slot); /* group + 1, 0 = none */
        key_window *win = window_new(kr, n_items);
        if (!slot) {
            free(win);
            return EDRA_ENOMEM;
        }
        /* Keys ahead and their slots prefetched, as below: a table of millions of slots
         * is beyond the cache too. */
        uint64_t ahead[AHEAD];
        for (size_t i = 0; i < n_items && i < AHEAD; i++) {
            ahead[i] = item_key(win, kr, i, n_items, item_tuple);
            __builtin_prefetch(&slot[ahead[i]]);
        }
        for (size_t i = 0; i < n_items; i++) {
            size_t t = item_tuple ? item_tuple[i] : i;
            uint64_t key = ahead[i % AHEAD];
            if (i + AHEAD < n_items) {
                ahead[i % AHEAD] = item_key(win, kr, i + AHEAD, n_items, item_tuple);
                __builtin_prefetch(&slot[ahead[i % AHEAD]]);
            }
            uint32_t g = slot[key];
            if (g == 0) {
                g = (uint32_t)++n_groups;
                slot[key] = g;
                count_put(c->sizes, c->size_width, g - 1, 0);
                c->representative[g - 1] = (uint32_t)t;
            }
            count_add(c->sizes, c->size_width, g - 1, edra_count_at(item_weight, i));
            group_of[i] = g - 1;
        }
        free(slot);
        free(win);
        c->n_classes = n_groups;
        return 0;
    }
    unsigned group_bits = bits_for(n_items);
    if (!kr->exact || bits_for(kr->key_space - 1) + group_bits > 64)
        group_bits = 0;
    /* Lean, millions of items: the keys are grouped in two partitions, each in a table of
     * its own freed before the next, so the peak holds half the table (at 10M tuples and
     * 7M classes, 67 MB instead of 134) for the keys of half the items computed again.
     * The search, which keeps several nodes' classes anyway and checks node after node,
     * groups in one pass. */
    unsigned n_passes = lean && n_items >= PARTITION_MIN_ITEMS ? 2 : 1;
    for (unsigned pass = 0; pass < n_passes; pass++) {
        int rc = group_hashed(c, kr, n_items, item_tuple, group_of, group_bits, pass, n_passes,
                              &n_groups);
        if (rc < 0)
            return rc;
    }
    sum_sizes(c, n_items, group_of, item_weight, n_groups);
    c->n_classes = n_groups;
    return 0;
}

/* ---- grouping on two threads ---- */

/* Items from which a grouping is split between two threads, and the partition of a key:
 * the top bit of its mix (the table position takes the low bits). */
#define PARALLEL_MIN_ITEMS ((size_t)1 << 17)
#define PART_FLAG 0x80000000u


/* A HyperLogLog sketch of each partition's keys (Flajolet, Fusy, Gandouet & Meunier 2007),
 * so a grouping's table starts at the size its groups will need instead of doubling from a
 * few thousand slots (1M x 8 QIs search: 9.8-9.9 -> 9.5 s with tables sized up front).
 * 1,024 registers: standard error 3.3 %. */
#define SKETCH_BITS 10
#define SKETCH_REGS (1u << SKETCH_BITS)

/* Adds a key by its mix: bit 63 is the partition, the next SKETCH_BITS pick the register,
 * the leading zeros of the rest give the rank. */
static inline void sketch_add(uint8_t *regs, uint64_t mixed)
{
    size_t at = (size_t)(mixed >> (63 - SKETCH_BITS)) & (SKETCH_REGS - 1);
    uint64_t rest = mixed << (1 + SKETCH_BITS);
    uint8_t rank = rest ? (uint8_t)(__builtin_clzll(rest) + 1) : (uint8_t)(64 - SKETCH_BITS);
    if (rank > regs[at])
        regs[at] = rank;
}

/* Distinct keys of the union of two sketches (with the small-range correction). */
static double sketch_estimate(const uint8_t *a, const uint8_t *b)
{
    double m = SKETCH_REGS, sum = 0.0;
    size_t zeros = 0;
    for (size_t j = 0; j < SKETCH_REGS; j++) {
        uint8_t r = a[j] > b[j] ? a[j] : b[j];
        sum += ldexp(1.0, -(int)r);
        zeros += r == 0;
    }
    double estimate = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
    return estimate <= 2.5 * m && zeros ? m * log(m / (double)zeros) : estimate;
}

/* One thread's share: first the keys of items [first, end), then the groups of the keys of
 * its partition, numbered from 0 in its own arrays. */
typedef struct part_share {
    const keyer *kr;
    uint64_t *keys;             /* [n_items] shared: each share's range [first, end) holds
                                   the keys of its items of partition 0 from first on and
                                   those of partition 1 from end down, meeting at mid */
    uint32_t *items;            /* [n_items] shared, beside keys: the item of each key */
    const struct part_share *all; /* both shares, whose ranges a grouping reads */
    size_t n_items, first, end, mid;
    const uint32_t *item_tuple;
    edra_count_col item_weight;
    uint32_t *group_of;         /* partition 1 marks its numbers with PART_FLAG */
    uint32_t *direct;           /* shared direct array (group + 1 per key), or NULL: hashed */
    uint64_t split;             /* direct: partition 1 holds the keys from split on */
    unsigned part, group_bits;
    void *sizes;                /* [n_items] of size_width bytes */
    uint8_t size_width;
    uint32_t *reps;             /* [n_items] */
    size_t n_groups;
    uint8_t sketch[2][SKETCH_REGS]; /* hashed: the keys of each partition among its items */
    int rc;
} part_share;

/* The partition of a key: its half of the key range (direct) or the top bit of its mix
 * (hashed; the table position takes the low bits, and the key goes into the sketch). */
static inline unsigned partition_of(part_share *ps, uint64_t key)
{
    if (ps->direct)
        return key >= ps->split;
    uint64_t mixed = edra_mix64(key);
    unsigned part = (unsigned)(mixed >> 63);
    sketch_add(ps->sketch[part], mixed);
    return part;
}

/* The keys of items [first, end), a block at a time, each put with its item at the front of
 * the range (partition 0, in item order) or at its back (partition 1, in item order from the
 * end down): each grouping then reads only its own keys. */
static void *part_keys(void *arg)
{
    part_share *ps = arg;
    const keyer *kr = ps->kr;
    uint64_t block[KEY_BLOCK];
    size_t lo = ps->first, hi = ps->end;
    memset(ps->sketch, 0, sizeof ps->sketch);
    for (size_t at = ps->first; at < ps->end; at += KEY_BLOCK) {
        size_t n = ps->end - at < KEY_BLOCK ? ps->end - at : KEY_BLOCK;
        if (kr->exact) {
            keys_by_column(kr, block, at, at + n, ps->item_tuple);
        } else {
            for (size_t j = 0; j < n; j++) {
                if (kr->n_big && j + AHEAD < n)
                    keyer_prefetch(kr, ps->item_tuple ? ps->item_tuple[at + j + AHEAD] : at + j + AHEAD);
                block[j] = tuple_key(kr, ps->item_tuple ? ps->item_tuple[at + j] : at + j);
            }
        }
        /* Front or back without a branch (conditional moves): the partition is a coin toss
         * per key, and the branch's mispredictions were most of this loop's time. */
        for (size_t j = 0; j < n; j++) {
            size_t part = partition_of(ps, block[j]), to = part ? hi - 1 : lo;
            hi -= part;
            lo += part ^ 1;
            ps->keys[to] = block[j];
            ps->items[to] = (uint32_t)(at + j);
        }
    }
    ps->mid = lo;
    return NULL;
}

/* Where the q-th key of partition part lies: in share 0's range, then share 1's, each read
 * in item order. */
static inline size_t part_pos(const part_share *ps, size_t q)
{
    const part_share *a = &ps->all[0], *b = &ps->all[1];
    if (!ps->part) {
        size_t in_a = a->mid - a->first;
        return q < in_a ? a->first + q : b->first + (q - in_a);
    }
    size_t in_a = a->end - a->mid;
    return q < in_a ? a->end - 1 - q : b->end - 1 - (q - in_a);
}

/* Keys of partition part in all. */
static inline size_t part_count(const part_share *ps)
{
    const part_share *a = &ps->all[0], *b = &ps->all[1];
    return ps->part ? (a->end - a->mid) + (b->end - b->mid) : (a->mid - a->first) + (b->mid - b->first);
}

/* The slot of key in tb (packed, or wide: then a key is a hash, and an equal one counts only
 * when the item's generalized codes equal those of the group's first tuple): its group, or
 * UINT32_MAX with *pos at the free slot. */
static inline uint32_t part_find(const group_table *tb, const part_share *ps, uint64_t key,
                                 uint64_t mixed, size_t tuple, size_t *pos)
{
    size_t at = mixed & (tb->cap - 1);
    if (tb->packed) {
        const uint64_t group_mask = (UINT64_C(1) << tb->group_bits) - 1;
        uint64_t slot;
        while ((slot = tb->packed[at]) && slot >> tb->group_bits != key)
            at = (at + 1) & (tb->cap - 1);
        *pos = at;
        return slot ? (uint32_t)(slot & group_mask) - 1 : UINT32_MAX;
    }
    for (;; at = (at + 1) & (tb->cap - 1)) {
        uint32_t g = tb->wide[at].group;
        if (g == UINT32_MAX || (tb->wide[at].key == key &&
                                (ps->kr->exact || same_generalized(ps->kr, tuple, ps->reps[g])))) {
            *pos = at;
            return g;
        }
    }
}

/* part_group over a direct array: each partition owns a half of the key space, so the two
 * threads write disjoint slots of the one array. */
static void part_group_direct(part_share *ps)
{
    const uint32_t flag = ps->part ? PART_FLAG : 0;
    size_t n_groups = 0, n_keys = part_count(ps);
    for (size_t q = 0; q < n_keys; q++) {
        size_t at = part_pos(ps, q), i = ps->items[at];
        uint64_t key = ps->keys[at];
        if (q + AHEAD < n_keys)
            __builtin_prefetch(&ps->direct[ps->keys[part_pos(ps, q + AHEAD)]]);
        uint32_t g = ps->direct[key];
        if (g == 0) {
            g = (uint32_t)++n_groups;
            ps->direct[key] = g;
            count_put(ps->sizes, ps->size_width, g - 1, 0);
            ps->reps[g - 1] = (uint32_t)(ps->item_tuple ? ps->item_tuple[i] : i);
        }
        count_add(ps->sizes, ps->size_width, g - 1, edra_count_at(ps->item_weight, i));
        ps->group_of[i] = (g - 1) | flag;
    }
    ps->n_groups = n_groups;
}

static void *part_group(void *arg)
{
    part_share *ps = arg;
    if (ps->direct) {
        part_group_direct(ps);
        return NULL;
    }
    group_table tb = {.group_bits = ps->group_bits};
    const uint32_t flag = ps->part ? PART_FLAG : 0;
    size_t n_groups = 0;
    /* Room for the sketch's estimate + 10 % at a load of 1/2; growth covers the rest. */
    size_t n_keys = part_count(ps), cap = 4096;
    double estimate = sketch_estimate(ps->all[0].sketch[ps->part], ps->all[1].sketch[ps->part]);
    while ((double)cap < 2.2 * estimate && cap < 2 * n_keys)
        cap *= 2;
    if (table_alloc(&tb, cap) < 0) {
        ps->rc = EDRA_ENOMEM;
        return NULL;
    }
    for (size_t q = 0; q < n_keys; q++) {
        size_t at = part_pos(ps, q), i = ps->items[at];
        uint64_t key = ps->keys[at];
        if (q + AHEAD < n_keys) {
            uint64_t ahead = edra_mix64(ps->keys[part_pos(ps, q + AHEAD)]);
            __builtin_prefetch(tb.packed ? (const void *)&tb.packed[ahead & (tb.cap - 1)]
                                         : (const void *)&tb.wide[ahead & (tb.cap - 1)]);
        }
        uint64_t mixed = edra_mix64(key);
        size_t tuple = ps->item_tuple ? ps->item_tuple[i] : i, pos = 0;
        uint32_t g = part_find(&tb, ps, key, mixed, tuple, &pos);
        if (g == UINT32_MAX) {
            g = (uint32_t)n_groups++;
            if (tb.packed) {
                tb.packed[pos] = key << tb.group_bits | ((uint64_t)g + 1);
            } else {
                tb.wide[pos].group = g;
                tb.wide[pos].key = key;
            }
            count_put(ps->sizes, ps->size_width, g, 0);
            ps->reps[g] = (uint32_t)tuple;
            if (2 * n_groups > tb.cap && table_grow(&tb) < 0) {
                table_free(&tb);
                ps->rc = EDRA_ENOMEM;
                return NULL;
            }
        }
        count_add(ps->sizes, ps->size_width, g, edra_count_at(ps->item_weight, i));
        ps->group_of[i] = g | flag;
    }
    table_free(&tb);
    ps->n_groups = n_groups;
    return NULL;
}

/* Runs fn on share 1 in a new thread and on share 0 here; fn on share 1 here too when the
 * thread cannot be started. */
static void run_pair(void *(*fn)(void *), part_share *shares)
{
    pthread_t tid;
    int started = pthread_create(&tid, NULL, fn, &shares[1]) == 0;
    fn(&shares[0]);
    if (started)
        pthread_join(tid, NULL);
    else
        fn(&shares[1]);
}

/* As group_items, on two threads: the keys are computed in halves, then each thread groups
 * the keys of one partition in a table of its own (half the random accesses each), and
 * partition 1's groups are numbered after partition 0's. Classes are numbered by first
 * appearance within each partition. group_bits 0 = wide slots. */
static int group_items_two(edra_classes *c, const keyer *kr, size_t n_items,
                           const uint32_t *item_tuple, edra_count_col item_weight,
                           uint32_t *group_of, unsigned group_bits, int direct)
{
    part_share shares[2];
    uint64_t *keys = malloc(n_items * sizeof *keys);
    uint32_t *items = malloc(n_items * sizeof *items);
    void *sizes1 = malloc(n_items * c->size_width);
    uint32_t *reps1 = malloc(n_items * sizeof *reps1);
    /* calloc'd, as group_items's: only the pages of keys that occur are touched. */
    uint32_t *slots = direct ? calloc(kr->key_space, sizeof *slots) : NULL;
    int rc = 0;
    if (!keys || !items || !sizes1 || !reps1 || (direct && !slots)) {
        rc = EDRA_ENOMEM;
        goto done;
    }
    for (unsigned p = 0; p < 2; p++)
        shares[p] = (part_share){.kr = kr, .keys = keys, .items = items, .all = shares,
                                 .n_items = n_items,
                                 .first = p ? n_items / 2 : 0, .end = p ? n_items : n_items / 2,
                                 .item_tuple = item_tuple, .item_weight = item_weight,
                                 .group_of = group_of, .part = p, .group_bits = group_bits,
                                 .sizes = p ? sizes1 : c->sizes, .size_width = c->size_width,
                                 .reps = p ? reps1 : c->representative, .direct = slots,
                                 .split = kr->key_space / 2};
    run_pair(part_keys, shares);
    run_pair(part_group, shares);
    if (shares[0].rc < 0 || shares[1].rc < 0) {
        rc = EDRA_ENOMEM;
        goto done;
    }
    size_t n0 = shares[0].n_groups, n1 = shares[1].n_groups;
    memcpy((char *)c->sizes + n0 * c->size_width, sizes1, n1 * c->size_width);
    memcpy(c->representative + n0, reps1, n1 * sizeof *reps1);
    /* Without a branch: whether an item is partition 1's is a coin toss, and the branch's
     * mispredictions made this loop 7 % of a search. (g & ~PART_FLAG) + n0 is
     * g + (n0 - PART_FLAG) modulo 2^32, and g / PART_FLAG is 1 in partition 1, else 0. */
    const uint32_t to_part1 = (uint32_t)n0 - PART_FLAG;
    for (size_t i = 0; i < n_items; i++)
        group_of[i] += group_of[i] / PART_FLAG * to_part1;
    c->n_classes = n0 + n1;
done:
    free(keys);
    free(items);
    free(sizes1);
    free(reps1);
    free(slots);
    return rc;
}

/* group_items, on two threads when threads > 1 and the grouping is large (direct arrays split
 * by key range, hash tables by key partition).
 * Measured on 1M near-unique tuples: the grouping of the tuples 100 -> 51 ms (8 QIs) and
 * 64 -> 42 ms (7) hashed, 21 -> 17 ms direct; the search on 8 QIs 26 -> 22.6 s. Roll-ups
 * stay on one thread: in the search they gained nothing measurable. */
static int group_items_threads(edra_classes *c, const keyer *kr, size_t n_items,
                               const uint32_t *item_tuple, edra_count_col item_weight,
                               uint32_t *group_of, int threads, int lean)
{
    unsigned group_bits = bits_for(n_items);
    int direct = kr->exact && (kr->key_space <= DIRECT_SMALL || kr->key_space <= 2 * (uint64_t)n_items);
    if (threads > 1 && n_items >= PARALLEL_MIN_ITEMS && n_items < PART_FLAG) {
        if (!kr->exact || bits_for(kr->key_space - 1) + group_bits > 64)
            group_bits = 0;
        return group_items_two(c, kr, n_items, item_tuple, item_weight, group_of, group_bits,
                               direct);
    }
    return group_items(c, kr, n_items, item_tuple, item_weight, group_of, lean);
}

static int shrink(edra_classes *c)
{
    size_t n = c->n_classes ? c->n_classes : 1;
    void *sizes = realloc(c->sizes, n * c->size_width);
    uint32_t *reps = realloc(c->representative, n * sizeof *reps);
    if (sizes)
        c->sizes = sizes;
    if (reps)
        c->representative = reps;
    return 0;
}

static int compute_classes(edra_classes **out, const edra_microdata *md, const uint8_t *levels,
                           int threads, int lean, edra_error *err)
{
    keyer kr = {0};
    edra_classes *c = NULL;
    int rc;
    *out = NULL;
    if (keyer_init(&kr, md, levels) < 0)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory computing classes");
    c = classes_alloc(md, levels, md->n_tuples);
    if (!c) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing classes");
        goto done;
    }
    rc = group_items_threads(c, &kr, md->n_tuples, NULL, md->counts, c->of_tuple, threads, lean);
    if (rc < 0) {
        edra_error_set(err, rc, "out of memory computing classes");
        goto done;
    }
    shrink(c);
    *out = c;
    c = NULL;
done:
    keyer_free(&kr);
    edra_classes_free(c);
    return rc;
}

int edra_classes_compute(edra_classes **out, const edra_microdata *md, const uint8_t *levels,
                         edra_error *err)
{
    return compute_classes(out, md, levels, 1, 1, err);
}

int edra_classes_compute_threads(edra_classes **out, const edra_microdata *md,
                                 const uint8_t *levels, int threads, edra_error *err)
{
    return compute_classes(out, md, levels, threads, 0, err);
}

int edra_classes_rollup(edra_classes **out, const edra_classes *finer, const uint8_t *levels,
                        edra_error *err)
{
    const edra_microdata *md = finer->md;
    keyer kr = {0};
    edra_classes *c = NULL;
    uint32_t *coarse_of_fine = NULL;
    int rc;
    *out = NULL;
    for (size_t d = 0; d < md->n_qi; d++)
        assert(finer->levels[d] <= levels[d]);
    if (keyer_init(&kr, md, levels) < 0)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory computing classes");
    c = classes_alloc(md, levels, finer->n_classes);
    coarse_of_fine = malloc((finer->n_classes ? finer->n_classes : 1) * sizeof *coarse_of_fine);
    if (!c || !coarse_of_fine) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing classes");
        goto done;
    }
    rc = group_items(c, &kr, finer->n_classes, finer->representative,
                     edra_classes_sizes(finer), coarse_of_fine, 0);
    if (rc < 0) {
        edra_error_set(err, rc, "out of memory computing classes");
        goto done;
    }
    for (size_t t = 0; t < md->n_tuples; t++)
        c->of_tuple[t] = coarse_of_fine[finer->of_tuple[t]];
    shrink(c);
    *out = c;
    c = NULL;
done:
    keyer_free(&kr);
    free(coarse_of_fine);
    edra_classes_free(c);
    return rc;
}

void edra_classes_free(edra_classes *c)
{
    if (!c)
        return;
    free(c->levels);
    free(c->sizes);
    free(c->of_tuple);
    free(c->representative);
    free(c);
}

size_t edra_classes_count(const edra_classes *c) { return c->n_classes; }
edra_count_col edra_classes_sizes(const edra_classes *c)
{
    return (edra_count_col){.data = c->sizes, .width = c->size_width};
}

int edra_classes_sizes_u64(uint64_t **out, const edra_classes *c)
{
    uint64_t *sizes = malloc((c->n_classes ? c->n_classes : 1) * sizeof *sizes);
    *out = sizes;
    if (!sizes)
        return EDRA_ENOMEM;
    for (size_t k = 0; k < c->n_classes; k++)
        sizes[k] = size_at(c, k);
    return 0;
}
const uint32_t *edra_classes_of_tuple(const edra_classes *c) { return c->of_tuple; }
const uint32_t *edra_classes_representatives(const edra_classes *c) { return c->representative; }
const uint8_t *edra_classes_levels(const edra_classes *c) { return c->levels; }
const edra_microdata *edra_classes_microdata(const edra_classes *c) { return c->md; }

int edra_classes_codes(uint32_t **out, const edra_classes *c)
{
    const edra_microdata *md = c->md;
    size_t n_qi = md->n_qi;
    uint32_t *codes = malloc((c->n_classes ? c->n_classes : 1) * (n_qi ? n_qi : 1) * sizeof *codes);
    *out = NULL;
    if (!codes)
        return EDRA_ENOMEM;
    for (size_t d = 0; d < n_qi; d++) {
        edra_level_map map = edra_hierarchy_level_map(md->qi_hier[d], c->levels[d]);
        for (size_t k = 0; k < c->n_classes; k++)
            codes[k * n_qi + d] =
                edra_level_map_at(map, edra_code_at(md->qi_codes[d], c->representative[k]));
    }
    *out = codes;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Ascending order; a class touches few values, for which insertion beats qsort's calls. */
static void sort_codes(uint32_t *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}


/* An entry's count is at most its class's size, so counts are first stored in the width of
 * the largest class kept, then narrowed to the largest entry's (one pass, in place: entry i
 * moves down to i * narrower width, past every byte still to be read). */
static void narrow_counts(edra_sadist *out, void *counts, size_t n_entries, uint64_t largest)
{
    uint8_t width = edra_count_width(largest);
    edra_count_col wide = {counts, out->counts.width};
    if (width < wide.width)
        for (size_t i = 0; i < n_entries; i++)
            count_put(counts, width, i, edra_count_at(wide, i));
    out->counts.width = width;
}

/* The class x value matrix counted densely, one pass over the tuples in order, then read
 * row by row into out's entries: when classes x values is at most twice the tuples, one
 * add per tuple into the matrix beats sorting the pairs by class. A cell is at most its
 * class's size, so cells take the counts' width: the adds land at random in the matrix,
 * and a narrower one misses the cache less. Returns the largest entry (1 when there is
 * none), or 0 when there is no room for the matrix (out's entry arrays are allocated by the
 * caller for n_tuples entries, its totals zero). */
static uint64_t sadist_dense(edra_sadist *out, void *values, void *counts,
                             const edra_classes *c, edra_code_col codes)
{
    const edra_microdata *md = c->md;
    size_t n_values = out->n_values, n_entries = 0;
    size_t n_cells = c->n_classes * n_values;
    uint8_t vw = out->values.width, cw = out->counts.width;
    uint64_t largest = 0;
    void *cell = calloc(n_cells ? n_cells : 1, cw);
    if (!cell)
        return 0;
    /* A tuple's cell is a random one among up to 16M: fetched AHEAD tuples early. */
    for (size_t t = 0; t < md->n_tuples; t++) {
        if (t + AHEAD < md->n_tuples)
            __builtin_prefetch((char *)cell + ((size_t)c->of_tuple[t + AHEAD] * n_values +
                                               edra_code_at(codes, t + AHEAD)) * cw, 1);
        uint32_t v = edra_code_at(codes, t);
        uint64_t n = edra_count_at(md->counts, t);
        count_add(cell, cw, (size_t)c->of_tuple[t] * n_values + v, n);
        out->totals[v] += n;
    }
    /* Every cell is written at the next entry, which only a nonzero one takes: whether a
     * cell is zero is as unpredictable as the data, and a branch on it mispredicted often
     * (values and counts have room for one entry past the last). */
    edra_count_col matrix = {cell, cw};
    for (size_t k = 0; k < c->n_classes; k++) {
        out->offsets[k] = (uint32_t)n_entries;
        for (size_t v = 0; v < n_values; v++) {
            uint64_t n = edra_count_at(matrix, k * n_values + v);
            code_put(values, vw, n_entries, (uint32_t)v);
            count_put(counts, cw, n_entries, n);
            n_entries += n != 0;
            largest = n > largest ? n : largest;
        }
    }
    out->offsets[c->n_classes] = (uint32_t)n_entries;
    free(cell);
    return largest ? largest : 1;
}

/* Without room for the dense matrix, the tuples' (value, count) pairs are scattered into
 * the entry arrays grouped by class (a counting sort on the class, offsets serving as the
 * cursors), then each class's pairs are merged in place into its distinct values: a class's
 * merged entries never pass the start of the next class's pairs, so the entry arrays are
 * the only per-tuple memory. Classes below min_size are left out of the scatter. */
int edra_sadist_build_min(edra_sadist *out, const edra_classes *c, size_t sa, uint64_t min_size,
                          edra_error *err)
{
    const edra_microdata *md = c->md;
    const edra_code_col codes = md->sa_codes[sa];
    uint32_t n_values = md->sa_domain[sa];
    size_t n_classes = c->n_classes, n_tuples = md->n_tuples;
    uint64_t *acc = NULL;
    uint32_t *touched = NULL;
    void *values = NULL, *counts = NULL;
    size_t n_entries = 0, begin = 0;
    uint64_t largest = 0, biggest = 0;
    uint8_t vw = edra_code_width(n_values), cw = 8;
    edra_code_col vcol;
    edra_count_col ccol;
    int rc = 0;

    assert(n_tuples < UINT32_MAX); /* entries <= tuples fit the 32-bit offsets */
    memset(out, 0, sizeof *out);
    out->n_classes = n_classes;
    out->n_values = n_values;
    out->n_records = md->n_records;
    out->values.width = vw;
    out->offsets = calloc(n_classes + 1, sizeof *out->offsets);
    out->totals = calloc(n_values ? n_values : 1, sizeof *out->totals);
    /* Written at random by the scatter below, and touched throughout. */
    edra_hugepages_advise(out->offsets, (n_classes + 1) * sizeof *out->offsets);
    if (!out->offsets || !out->totals)
        goto nomem;
    if ((uint64_t)n_classes * n_values <= 2 * (uint64_t)n_tuples &&
        (uint64_t)n_classes * n_values <= DENSE_SADIST_CELLS) {
        for (size_t k = 0; k < n_classes; k++)
            if (size_at(c, k) > biggest)
                biggest = size_at(c, k);
        cw = out->counts.width = edra_count_width(biggest);
        values = malloc((n_tuples + 1) * vw);
        counts = malloc((n_tuples + 1) * cw);
        if (!values || !counts)
            goto nomem;
        largest = sadist_dense(out, values, counts, c, codes);
        if (largest)
            goto done;
        /* no room for the matrix: the sparse way below needs none */
        free(values);
        free(counts);
        values = counts = NULL;
    }
    acc = calloc(n_values ? n_values : 1, sizeof *acc);
    touched = malloc((n_values ? n_values : 1) * sizeof *touched);
    if (!acc || !touched)
        goto nomem;
    /* Both passes touch a class's counter at random among millions: it is fetched AHEAD
     * tuples early. The first also finds the largest class kept, which bounds the counts. */
    biggest = 0;
    for (size_t t = 0; t < n_tuples; t++) {
        if (t + AHEAD < n_tuples)
            __builtin_prefetch(&out->offsets[c->of_tuple[t + AHEAD] + 1]);
        uint64_t size = size_at(c, c->of_tuple[t]);
        if (size >= min_size) {
            out->offsets[c->of_tuple[t] + 1]++;
            if (size > biggest)
                biggest = size;
        }
        out->totals[edra_code_at(codes, t)] += edra_count_at(md->counts, t);
    }
    for (size_t k = 0; k < n_classes; k++)
        out->offsets[k + 1] += out->offsets[k];
    n_entries = out->offsets[n_classes]; /* pairs before the merge */
    cw = out->counts.width = edra_count_width(biggest);
    values = malloc((n_entries ? n_entries : 1) * vw);
    counts = malloc((n_entries ? n_entries : 1) * cw);
    if (!values || !counts)
        goto nomem;
    edra_hugepages_advise(values, n_entries * vw);
    edra_hugepages_advise(counts, n_entries * cw);
    /* offsets[k] is class k's start and serves as its cursor, so afterwards offsets[k]
     * holds class k's end. */
    for (size_t t = 0; t < n_tuples; t++) {
        if (t + AHEAD < n_tuples)
            __builtin_prefetch(&out->offsets[c->of_tuple[t + AHEAD]]);
        uint32_t k = c->of_tuple[t];
        if (size_at(c, k) < min_size)
            continue;
        size_t at = out->offsets[k]++;
        code_put(values, vw, at, edra_code_at(codes, t));
        count_put(counts, cw, at, edra_count_at(md->counts, t));
    }
    vcol = (edra_code_col){values, vw};
    ccol = (edra_count_col){counts, cw};
    n_entries = 0;
    for (size_t k = 0; k < n_classes; k++) {
        size_t end = out->offsets[k], n_touched = 0;
        out->offsets[k] = (uint32_t)n_entries;
        if (end - begin == 1) {
            uint64_t n = edra_count_at(ccol, begin);
            code_put(values, vw, n_entries, edra_code_at(vcol, begin));
            count_put(counts, cw, n_entries++, n);
            if (n > largest)
                largest = n;
            begin = end;
            continue;
        }
        for (size_t i = begin; i < end; i++) {
            uint32_t code = edra_code_at(vcol, i);
            if (acc[code] == 0)
                touched[n_touched++] = code;
            acc[code] += edra_count_at(ccol, i);
        }
        sort_codes(touched, n_touched);
        for (size_t j = 0; j < n_touched; j++) {
            uint64_t n = acc[touched[j]];
            code_put(values, vw, n_entries, touched[j]);
            count_put(counts, cw, n_entries, n);
            if (n > largest)
                largest = n;
            acc[touched[j]] = 0;
            n_entries++;
        }
        begin = end;
    }
    out->offsets[n_classes] = (uint32_t)n_entries;
    goto done;
nomem:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory building sensitive distributions");
done:
    if (rc == 0) {
        /* Narrow the counts to the largest entry and give back the unused tail. */
        n_entries = out->offsets[n_classes];
        narrow_counts(out, counts, n_entries, largest);
        void *v = realloc(values, (n_entries ? n_entries : 1) * out->values.width);
        void *n = realloc(counts, (n_entries ? n_entries : 1) * out->counts.width);
        if (v)
            values = v;
        if (n)
            counts = n;
    }
    out->values.data = values;
    out->counts.data = counts;
    free(acc);
    free(touched);
    if (rc < 0)
        edra_sadist_clear(out);
    return rc;
}

int edra_sadist_build(edra_sadist *out, const edra_classes *c, size_t sa, edra_error *err)
{
    return edra_sadist_build_min(out, c, sa, 0, err);
}

void edra_sadist_clear(edra_sadist *d)
{
    if (!d)
        return;
    /* The entry arrays are the sadist's own; the columns only read them. */
    free(d->offsets);
    free((void *)d->values.data);
    free((void *)d->counts.data);
    free(d->totals);
    memset(d, 0, sizeof *d);
}
