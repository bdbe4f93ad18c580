/* Distinction and separation of QI subsets (Motwani & Xu, "Efficient algorithms for masking
 * and finding quasi-identifiers", 2007). Every row's codes are packed once, each QI a bit
 * field as wide as its largest code needs (in as few bytes as the fields take when they fit
 * in 64 bits); a subset's combination is then the packed row under a mask, counted in a hash
 * table. A subset costs a pass over the packed rows whatever its size, and memory is the
 * packed rows plus one table of at most TABLE_BYTES: a subset with more combinations is
 * counted in several passes, each taking the combinations whose hash falls in its share. */
#include "contrib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "hierarchy.h"

/* A pass's table holds about this many bytes, so it stays in the last-level cache: at 7M
 * classes a subset of every QI but one takes eleven passes over 35 MB of packed rows (each
 * row tagged with its pass first) instead of a 170 MB table. */
#define TABLE_BYTES EDRA_CONTRIB_TABLE_BYTES
/* Rows hashed ahead of their insert, so the slots' cache lines are on their way. */
#define BLOCK 16
/* Passes a subset takes at most (a row's pass is a byte); beyond, each pass's table is larger. */
#define MAX_PASSES 256

typedef struct {
    size_t n_rows, n_qi;
    int rows_are_classes;     /* each row a distinct combination of every QI */
    edra_count_col counts;    /* [n_rows] */
    uint64_t records;
    size_t n_words;           /* 64-bit words of a key */
    size_t stride;            /* bytes of a packed row */
    unsigned char *packed;    /* [n_rows][stride] (+ 8 bytes so any row reads as whole words) */
    uint32_t *word_of;        /* [n_qi] the word holding QI d's field */
    uint32_t *shift_of;       /* [n_qi] its lowest bit */
    uint64_t *field;          /* [n_qi] its mask (0 for a QI with one code) */
    uint64_t *bound_of;       /* [n_qi] codes QI d can take */
    uint64_t mask[64];        /* the current subset's mask, word by word (n_words <= n_qi) */
    uint8_t *share;           /* [n_rows] the pass of each row's combination, when passes > 1 */
    /* The table: open addressing, linear probing, slot s at table[s * (n_words + 1)]: the
     * records of its combination + 1 (0 = free), then the combination's words. */
    uint64_t *table;
    size_t cap, alloc;
    edra_contrib_subset *subsets;
    size_t n_subsets, max_size;
} walk;

static unsigned bits_for(uint64_t n_codes)
{
    return n_codes <= 1 ? 0 : 64 - (unsigned)__builtin_clzll(n_codes - 1);
}

/* Fields in QI order, a new word when the next field would not fit; sets n_words and the
 * row stride (a single word's rows take only the bytes their fields fill). */
static void lay_out_fields(walk *w)
{
    size_t word = 0;
    unsigned used_bits = 0;
    for (size_t d = 0; d < w->n_qi; d++) {
        unsigned bits = bits_for(w->bound_of[d]);
        if (used_bits + bits > 64) {
            word++;
            used_bits = 0;
        }
        w->word_of[d] = (uint32_t)word;
        w->shift_of[d] = used_bits;
        w->field[d] = bits ? ((1ULL << bits) - 1) << used_bits : 0;
        used_bits += bits;
    }
    w->n_words = word + 1;
    w->stride = word ? 8 * w->n_words : (used_bits + 7) / 8;
    if (!w->stride)
        w->stride = 1;
}

static uint64_t row_word(const walk *w, size_t r, size_t i)
{
    uint64_t v;
    memcpy(&v, w->packed + r * w->stride + 8 * i, sizeof v);
    return v;
}

/* ORs code into row r's field of QI d: the bytes past the row's own are ORed with zero. */
static void pack_code(walk *w, size_t r, size_t d, uint32_t code)
{
    unsigned char *p = w->packed + r * w->stride + 8 * w->word_of[d];
    uint64_t v;
    memcpy(&v, p, sizeof v);
    v |= (uint64_t)code << w->shift_of[d];
    memcpy(p, &v, sizeof v);
}

/* The table's rows: bound_of from the largest code of each column. */
static void bounds_of_table(walk *w, const uint32_t *codes)
{
    for (size_t d = 0; d < w->n_qi; d++)
        w->bound_of[d] = 0;
    for (size_t r = 0; r < w->n_rows; r++)
        for (size_t d = 0; d < w->n_qi; d++)
            if (codes[r * w->n_qi + d] + 1ULL > w->bound_of[d])
                w->bound_of[d] = codes[r * w->n_qi + d] + 1ULL;
}

static void pack_table(walk *w, const uint32_t *codes)
{
    for (size_t r = 0; r < w->n_rows; r++)
        for (size_t d = 0; d < w->n_qi; d++)
            pack_code(w, r, d, codes[r * w->n_qi + d]);
}

/* Each class's generalized codes, read through its first tuple (no classes x QIs matrix of
 * 32-bit codes: at 7M classes x 8 QIs it would hold 224 MB). */
static void pack_classes(walk *w, const edra_classes *classes)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const uint32_t *reps = edra_classes_representatives(classes);
    const uint8_t *levels = edra_classes_levels(classes);
    for (size_t d = 0; d < w->n_qi; d++) {
        edra_level_map map = edra_hierarchy_level_map(md->qi_hier[d], levels[d]);
        if (!w->field[d])
            continue;
        for (size_t r = 0; r < w->n_rows; r++)
            pack_code(w, r, d, edra_level_map_at(map, edra_code_at(md->qi_codes[d], reps[r])));
    }
}

/* Combinations of qis there can be: the product of the QIs' codes, at most one a row. */
static uint64_t combinations_bound(const walk *w, uint64_t qis)
{
    uint64_t bound = 1;
    for (size_t d = 0; d < w->n_qi; d++) {
        if (!(qis >> d & 1))
            continue;
        if (w->bound_of[d] && bound > w->n_rows / w->bound_of[d])
            return w->n_rows;
        bound *= w->bound_of[d];
    }
    return bound < w->n_rows ? bound : w->n_rows;
}

/* The hash of a combination: its low half picks its pass, its high half its slot. */
static uint64_t words_hash(const uint64_t *k, size_t n_words)
{
    uint64_t h = edra_mix64(k[0]);
    for (size_t i = 1; i < n_words; i++)
        h = edra_mix64(h ^ k[i]);
    return h;
}

static size_t share_of(uint64_t h, size_t n)
{
    return (size_t)(((h & 0xffffffffu) * (uint64_t)n) >> 32);
}

static size_t slot_of(const walk *w, uint64_t h)
{
    return share_of(h >> 32, w->cap);
}

/* Adds count records to combination key (hash h). Inlined with n_words a constant where
 * the key is one word, so its compare is one instruction. */
static inline __attribute__((always_inline)) void table_add(walk *w, uint64_t h, const uint64_t *key,
                                                            uint64_t count, size_t n_words)
{
    size_t slot = slot_of(w, h);
    uint64_t *s = w->table + slot * (n_words + 1);
    while (s[0] && memcmp(s + 1, key, n_words * sizeof *key) != 0) {
        slot = slot + 1 == w->cap ? 0 : slot + 1;
        s = w->table + slot * (n_words + 1);
    }
    if (!s[0]) {
        memcpy(s + 1, key, n_words * sizeof *key);
        s[0] = 1;
    }
    s[0] += count;
}

/* An empty table of cap slots (allocation kept from pass to pass). */
static int table_reset(walk *w, size_t cap)
{
    size_t width = w->n_words + 1;
    if (cap > w->alloc) {
        free(w->table);
        if (!(w->table = malloc(cap * width * sizeof *w->table))) {
            w->alloc = 0;
            return EDRA_ENOMEM;
        }
        w->alloc = cap;
    }
    w->cap = cap;
    for (size_t s = 0; s < cap; s++)
        w->table[s * width] = 0;
    return 0;
}

/* The first row from r on whose combination is in share pass (n_rows if none), eight
 * shares a step: a byte of share ^ pass is zero exactly where the top bit survives. */
static size_t next_in_share(const walk *w, size_t r, uint8_t pass)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, wanted = 0x0101010101010101ULL * pass;
    for (; r < w->n_rows && (r & 7); r++)
        if (w->share[r] == pass)
            return r;
    for (; r + 8 <= w->n_rows; r += 8) {
        uint64_t v;
        memcpy(&v, w->share + r, sizeof v);
        v ^= wanted;
        uint64_t zero_bytes = ~(((v & low7) + low7) | v | low7);
        if (zero_bytes)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return r + (size_t)__builtin_clzll(zero_bytes) / 8;
#else
            return r + (size_t)__builtin_ctzll(zero_bytes) / 8;
#endif
    }
    for (; r < w->n_rows; r++)
        if (w->share[r] == pass)
            return r;
    return w->n_rows;
}

/* Row r's combination under the mask into key, and its hash. */
static inline __attribute__((always_inline)) uint64_t row_key(const walk *w, size_t r, uint64_t *key,
                                                              size_t n_words)
{
    for (size_t i = 0; i < n_words; i++)
        key[i] = row_word(w, r, i) & w->mask[i];
    return words_hash(key, n_words);
}

/* Tags every row with the pass its combination falls in, and counts each pass's rows. */
static inline __attribute__((always_inline)) void tag_shares(walk *w, size_t passes, size_t *rows_in,
                                                             size_t n_words)
{
    uint64_t key[64];
    for (size_t p = 0; p < passes; p++)
        rows_in[p] = 0;
    for (size_t r = 0; r < w->n_rows; r++) {
        w->share[r] = (uint8_t)share_of(row_key(w, r, key, n_words), passes);
        rows_in[w->share[r]]++;
    }
}

/* Counts the combinations of the rows tagged pass (every row when passes is 1) into the
 * table, hashing BLOCK rows ahead of their inserts. */
static inline __attribute__((always_inline)) void count_pass(walk *w, size_t pass, size_t passes,
                                                             size_t n_words)
{
    uint64_t hashes[BLOCK], keys[BLOCK * 64];
    size_t rows[BLOCK];
    for (size_t r = 0; r < w->n_rows;) {
        size_t n = 0;
        for (; n < BLOCK; r++) {
            if (passes > 1)
                r = next_in_share(w, r, (uint8_t)pass);
            if (r >= w->n_rows)
                break;
            hashes[n] = row_key(w, r, keys + n * n_words, n_words);
            __builtin_prefetch(&w->table[slot_of(w, hashes[n]) * (n_words + 1)], 1);
            rows[n++] = r;
        }
        for (size_t i = 0; i < n; i++)
            table_add(w, hashes[i], keys + i * n_words, edra_count_at(w->counts, rows[i]), n_words);
    }
}

/* Adds a combination of size records to out's figures. */
static void add_combination(edra_contrib_subset *out, double *same_pairs, uint64_t size)
{
    out->classes++;
    out->uniques += size == 1;
    *same_pairs += (double)size * ((double)size - 1.0) / 2.0;
}

/* Whether qis tells every row apart without counting: the rows are classes and qis holds
 * every QI that has more than one code. */
static int separates_rows(const walk *w, uint64_t qis)
{
    if (!w->rows_are_classes)
        return 0;
    for (size_t d = 0; d < w->n_qi; d++)
        if (!(qis >> d & 1) && w->field[d])
            return 0;
    return 1;
}

/* Counts the combinations of the current mask in passes of at most TABLE_BYTES (at a load
 * of two thirds at the bound). A pass's table has room for as many combinations as it has
 * rows, so it never fills, whatever the hash does. */
static int count_combinations(walk *w, uint64_t qis, edra_contrib_subset *out, double *same_pairs)
{
    size_t width = w->n_words + 1, rows_in[MAX_PASSES];
    uint64_t bound = combinations_bound(w, qis);
    size_t passes = (size_t)(((3 * bound / 2 + 16) * width * sizeof(uint64_t) + TABLE_BYTES - 1) / TABLE_BYTES);
    if (passes > MAX_PASSES)
        passes = MAX_PASSES;
    if (passes > 1) {
        if (!w->share && !(w->share = malloc(w->n_rows)))
            return EDRA_ENOMEM;
        if (w->n_words == 1)
            tag_shares(w, passes, rows_in, 1);
        else
            tag_shares(w, passes, rows_in, w->n_words);
    }
    for (size_t p = 0; p < passes; p++) {
        uint64_t most = passes > 1 && rows_in[p] < bound ? rows_in[p] : bound;
        if (table_reset(w, (size_t)(3 * most / 2 + 16)) < 0)
            return EDRA_ENOMEM;
        if (w->n_words == 1)
            count_pass(w, p, passes, 1);
        else
            count_pass(w, p, passes, w->n_words);
        for (size_t s = 0; s < w->cap; s++)
            if (w->table[s * width])
                add_combination(out, same_pairs, w->table[s * width] - 1);
    }
    return 0;
}

/* The figures of subset qis. */
static int measure(walk *w, uint64_t qis, edra_contrib_subset *out)
{
    double same_pairs = 0.0, records = (double)w->records;
    memset(out, 0, sizeof *out);
    out->qis = qis;
    out->size = (uint32_t)__builtin_popcountll(qis);
    if (separates_rows(w, qis)) {
        for (size_t r = 0; r < w->n_rows; r++)
            add_combination(out, &same_pairs, edra_count_at(w->counts, r));
    } else {
        for (size_t i = 0; i < w->n_words; i++)
            w->mask[i] = 0;
        for (size_t d = 0; d < w->n_qi; d++)
            if (qis >> d & 1)
                w->mask[w->word_of[d]] |= w->field[d];
        int rc = count_combinations(w, qis, out, &same_pairs);
        if (rc < 0)
            return rc;
    }
    out->distinction = w->records ? (double)out->classes / records : NAN;
    out->separation = w->records >= 2 ? 1.0 - same_pairs / (records * (records - 1.0) / 2.0) : NAN;
    return 0;
}

/* Every subset extending qis by QIs from first on, up to max_size QIs. */
static int visit(walk *w, uint64_t qis, size_t size, size_t first)
{
    for (size_t d = first; d < w->n_qi; d++) {
        uint64_t ext = qis | (1ULL << d);
        int rc = measure(w, ext, &w->subsets[w->n_subsets++]);
        if (rc == 0 && size + 1 < w->max_size)
            rc = visit(w, ext, size + 1, d + 1);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Subsets by size, then lexicographically: of two equal-size sets the one holding the
 * lowest QI where they differ comes first. */
static int cmp_subset(const void *a, const void *b)
{
    const edra_contrib_subset *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    uint64_t diff = x->qis ^ y->qis;
    if (!diff)
        return 0;
    return (x->qis & diff & -diff) ? -1 : 1;
}

typedef struct {
    double distinction;
    uint64_t uniques;
    size_t qi;
} removal;

static int cmp_removal(const void *a, const void *b)
{
    const removal *x = a, *y = b;
    if (x->distinction != y->distinction)
        return x->distinction < y->distinction ? -1 : 1;
    if (x->uniques != y->uniques)
        return x->uniques < y->uniques ? -1 : 1;
    return (x->qi > y->qi) - (x->qi < y->qi);
}

size_t edra_contrib_subsets(size_t n_qi, size_t max_size)
{
    size_t total = 0, binom = 1;
    if (max_size == 0 || max_size > n_qi)
        max_size = n_qi;
    for (size_t k = 1; k <= max_size; k++) {
        /* C(n, k) = C(n, k-1) (n - k + 1) / k, exact in this order. */
        if (binom > SIZE_MAX / (n_qi - k + 1))
            return SIZE_MAX;
        binom = binom * (n_qi - k + 1) / k;
        if (total > SIZE_MAX - binom)
            return SIZE_MAX;
        total += binom;
    }
    return total;
}

/* The subsets, every QI, every QI but one, and the order of removal. */
static int measure_all(walk *w, edra_contrib_figures *out, removal *order)
{
    int rc = visit(w, 0, 0, 0);
    if (rc < 0)
        return rc;
    qsort(w->subsets, w->n_subsets, sizeof *w->subsets, cmp_subset);
    uint64_t every = w->n_qi == 64 ? UINT64_MAX : (1ULL << w->n_qi) - 1;
    if ((rc = measure(w, every, &out->all)) < 0)
        return rc;
    for (size_t d = 0; d < w->n_qi; d++) {
        if ((rc = measure(w, every & ~(1ULL << d), &out->without[d])) < 0)
            return rc;
        order[d] = (removal){out->without[d].distinction, out->without[d].uniques, d};
    }
    qsort(order, w->n_qi, sizeof *order, cmp_removal);
    for (size_t d = 0; d < w->n_qi; d++)
        out->removal_order[d] = order[d].qi;
    return 0;
}

static void walk_free(walk *w)
{
    free(w->packed);
    free(w->word_of);
    free(w->shift_of);
    free(w->field);
    free(w->bound_of);
    free(w->table);
    free(w->share);
    free(w->subsets);
}

/* edra_contrib_table over a table of codes, or (codes NULL) over the classes. */
static int contrib_run(edra_contrib_figures *out, const uint32_t *codes,
                       const edra_classes *classes, edra_count_col counts, size_t n_rows,
                       size_t n_qi, size_t max_size, edra_error *err)
{
    walk w = {0};
    removal *order = NULL;
    int rc = 0;

    memset(out, 0, sizeof *out);
    if (n_qi == 0 || n_qi > 64)
        return edra_error_set(err, EDRA_ERANGE, "subset figures need 1 to 64 quasi-identifiers, not %zu",
                              n_qi);
    if (max_size > n_qi)
        return edra_error_set(err, EDRA_ERANGE, "subset size limit %zu exceeds the %zu quasi-identifiers",
                              max_size, n_qi);
    if (max_size == 0)
        max_size = n_qi;
    size_t n_subsets = edra_contrib_subsets(n_qi, max_size);
    if (n_subsets > EDRA_CONTRIB_MAX_SUBSETS)
        return edra_error_set(err, EDRA_ERANGE,
                              "%zu quasi-identifiers have more than %d subsets of up to %zu; lower the limit",
                              n_qi, EDRA_CONTRIB_MAX_SUBSETS, max_size);
    w.n_rows = n_rows;
    w.n_qi = n_qi;
    w.rows_are_classes = codes == NULL;
    w.counts = counts;
    w.max_size = max_size;
    for (size_t r = 0; r < n_rows; r++)
        w.records += edra_count_at(counts, r);
    w.word_of = malloc(n_qi * sizeof *w.word_of);
    w.shift_of = malloc(n_qi * sizeof *w.shift_of);
    w.field = malloc(n_qi * sizeof *w.field);
    w.bound_of = malloc(n_qi * sizeof *w.bound_of);
    w.subsets = calloc(n_subsets ? n_subsets : 1, sizeof *w.subsets);
    out->without = calloc(n_qi, sizeof *out->without);
    out->removal_order = malloc(n_qi * sizeof *out->removal_order);
    order = malloc(n_qi * sizeof *order);
    if (!w.word_of || !w.shift_of || !w.field || !w.bound_of || !w.subsets || !out->without ||
        !out->removal_order || !order)
        goto oom;
    if (codes)
        bounds_of_table(&w, codes);
    else
        for (size_t d = 0; d < n_qi; d++)
            w.bound_of[d] = edra_hierarchy_width(edra_classes_microdata(classes)->qi_hier[d],
                                                 edra_classes_levels(classes)[d]);
    lay_out_fields(&w);
    if (!(w.packed = calloc(n_rows * w.stride + 8, 1)))
        goto oom;
    if (codes)
        pack_table(&w, codes);
    else
        pack_classes(&w, classes);
    if ((rc = measure_all(&w, out, order)) < 0)
        goto oom;
    out->n_qi = n_qi;
    out->max_size = max_size;
    out->records = w.records;
    out->n_subsets = w.n_subsets;
    out->subsets = w.subsets;
    w.subsets = NULL;
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing subset figures");
    edra_contrib_clear(out);
done:
    walk_free(&w);
    free(order);
    return rc;
}

int edra_contrib_table(edra_contrib_figures *out, const uint32_t *codes, edra_count_col counts,
                       size_t n_rows, size_t n_qi, size_t max_size, edra_error *err)
{
    return contrib_run(out, codes, NULL, counts, n_rows, n_qi, max_size, err);
}

int edra_contrib_compute(edra_contrib_figures *out, const edra_classes *classes, size_t max_size,
                         edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    return contrib_run(out, NULL, classes, edra_classes_sizes(classes),
                       edra_classes_count(classes), md->n_qi, max_size, err);
}

void edra_contrib_clear(edra_contrib_figures *f)
{
    if (!f)
        return;
    free(f->subsets);
    free(f->without);
    free(f->removal_order);
    memset(f, 0, sizeof *f);
}
