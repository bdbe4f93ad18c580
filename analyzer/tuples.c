/* The loader's tuple table: codes and counts in 1, 2, 4 or 8 bytes, widened in place as
 * they grow, and an open-addressing index (linear probing, 8-byte slots holding a hash
 * fingerprint beside the tuple's index) that merges identical rows. Rows are added one
 * call late, so the probe of one overlaps the parsing of the next. */
#include "tuples.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/error.h"
#include "../metrics/hash.h"
#include "../metrics/hugepages.h"

/* A column of codes or counts being filled, width (1, 2, 4 or 8) bytes a value: the
 * microdata's edra_code_col or edra_count_col, writable. It starts at one byte and widens
 * in place when its codes, or its largest count, outgrow that. */
typedef struct {
    void *data;
    uint8_t width;
} code_buf;

struct edra_tuples {
    size_t width;                  /* codes per tuple */
    code_buf *cols;                /* [width], each [tuples_cap]: the tuples' codes, column by
                                      column: the microdata's columns once taken, never
                                      copied */
    code_buf counts;
    int weighted;
    double *weights;               /* [tuples_cap] sums of sampling weights, when weighted */
    size_t n_tuples, tuples_cap;
    uint64_t *slots;               /* hash >> 32 << 32 | tuple index + 1, 0 = empty */
    size_t slots_cap;
    uint32_t *pending_codes;       /* [width] the row whose slot is being prefetched */
    int pending;                   /* pending_codes wait to be added */
    uint64_t pending_hash, pending_count;
    double pending_weight;
};

int edra_tuples_new(edra_tuples **out, size_t width, int weighted)
{
    edra_tuples *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return EDRA_ENOMEM;
    t->width = width;
    t->weighted = weighted;
    t->cols = calloc(width ? width : 1, sizeof *t->cols);
    t->pending_codes = calloc(width ? width : 1, sizeof *t->pending_codes);
    t->slots_cap = 1024;
    t->slots = calloc(t->slots_cap, sizeof *t->slots);
    if (!t->cols || !t->pending_codes || !t->slots) {
        edra_tuples_free(t);
        return EDRA_ENOMEM;
    }
    for (size_t c = 0; c < width; c++)
        t->cols[c].width = 1;
    t->counts.width = 1;
    *out = t;
    return 0;
}

void edra_tuples_free(edra_tuples *t)
{
    if (!t)
        return;
    for (size_t c = 0; t->cols && c < t->width; c++)
        free(t->cols[c].data);
    free(t->cols);
    free(t->counts.data);
    free(t->weights);
    free(t->slots);
    free(t->pending_codes);
    free(t);
}

static inline uint64_t buf_get(const code_buf *col, size_t i)
{
    return edra_count_at((edra_count_col){.data = col->data, .width = col->width}, i);
}

static inline void buf_put(code_buf *col, size_t i, uint64_t value)
{
    switch (col->width) {
    case 1:
        ((uint8_t *)col->data)[i] = (uint8_t)value;
        break;
    case 2:
        ((uint16_t *)col->data)[i] = (uint16_t)value;
        break;
    case 4:
        ((uint32_t *)col->data)[i] = (uint32_t)value;
        break;
    default:
        ((uint64_t *)col->data)[i] = value;
    }
}

/* Rewrites the first n values of col at width bytes each, codes through remap (NULL =
 * unchanged), in place: values that widen are rewritten from the last, values that narrow
 * from the first, so none is overwritten before it is read. col->data must hold n values
 * of the wider of the two widths. */
static void recode(code_buf *col, size_t n, uint8_t width, const uint32_t *remap)
{
    code_buf from = *col, to = {.data = col->data, .width = width};
    if (width > from.width) {
        for (size_t i = n; i-- > 0;) {
            uint64_t v = buf_get(&from, i);
            buf_put(&to, i, remap ? remap[v] : v);
        }
    } else if (remap || width < from.width) {
        for (size_t i = 0; i < n; i++) {
            uint64_t v = buf_get(&from, i);
            buf_put(&to, i, remap ? remap[v] : v);
        }
    }
    col->width = width;
}

/* Widens col (of t->tuples_cap values) in place to width bytes a value. */
static int widen(edra_tuples *t, code_buf *col, uint8_t width)
{
    if (width <= col->width)
        return 0;
    if (t->tuples_cap) {
        void *wider = realloc(col->data, t->tuples_cap * width);
        if (!wider)
            return EDRA_ENOMEM;
        col->data = wider;
    }
    recode(col, t->n_tuples, width, NULL);
    return 0;
}

/* Stores count as tuple i's records, widening the counts first if it needs more bytes. */
static int put_count(edra_tuples *t, size_t i, uint64_t count)
{
    if (widen(t, &t->counts, edra_count_width(count)) < 0)
        return EDRA_ENOMEM;
    buf_put(&t->counts, i, count);
    return 0;
}

/* A slot of the tuple table holds the upper half of the tuple's hash beside its index, so a
 * probe passes over other tuples without reading their codes (one cache miss per column),
 * and the slot's position, taken from those same bits, lets the table grow without
 * touching the columns. */
#define SLOT_FINGERPRINT 0xffffffff00000000ULL

static inline size_t slot_home(uint64_t slot_or_hash, size_t cap)
{
    return (size_t)(slot_or_hash >> 32) & (cap - 1);
}

static int grow_tuple_slots(edra_tuples *t)
{
    size_t cap = t->slots_cap * 2;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return EDRA_ENOMEM;
    edra_hugepages_advise(slots, cap * sizeof *slots);
    for (size_t i = 0; i < t->slots_cap; i++) {
        uint64_t slot = t->slots[i];
        if (!slot)
            continue;
        size_t pos = slot_home(slot, cap);
        while (slots[pos])
            pos = (pos + 1) & (cap - 1);
        slots[pos] = slot;
    }
    free(t->slots);
    t->slots = slots;
    t->slots_cap = cap;
    return 0;
}

static int same_tuple(const edra_tuples *t, size_t i, const uint32_t *codes)
{
    for (size_t c = 0; c < t->width; c++)
        if (buf_get(&t->cols[c], i) != codes[c])
            return 0;
    return 1;
}

/* Room for one more tuple in every column, the counts and the weights. */
static int grow_tuples(edra_tuples *t)
{
    size_t cap = t->tuples_cap ? t->tuples_cap * 2 : 1024;
    for (size_t c = 0; c < t->width; c++) {
        void *col = realloc(t->cols[c].data, cap * t->cols[c].width);
        if (!col)
            return EDRA_ENOMEM;
        t->cols[c].data = col;
    }
    void *counts = realloc(t->counts.data, cap * t->counts.width);
    if (!counts)
        return EDRA_ENOMEM;
    t->counts.data = counts;
    if (t->weighted) {
        double *weights = realloc(t->weights, cap * sizeof *weights);
        if (!weights)
            return EDRA_ENOMEM;
        t->weights = weights;
    }
    t->tuples_cap = cap;
    return 0;
}

/* Adds count records carrying codes, whose hash is h and whose sampling weights sum to
 * weight (ignored unless weighted). */
static int add_tuple(edra_tuples *t, const uint32_t *codes, uint64_t h, uint64_t count,
                     double weight)
{
    size_t width = t->width, mask = t->slots_cap - 1;
    uint64_t fingerprint = h & SLOT_FINGERPRINT;
    size_t pos = slot_home(h, t->slots_cap);
    for (;;) {
        uint64_t slot = t->slots[pos];
        if (!slot)
            break;
        size_t i = (uint32_t)slot - 1;
        if ((slot & SLOT_FINGERPRINT) == fingerprint && same_tuple(t, i, codes)) {
            if (put_count(t, i, buf_get(&t->counts, i) + count) < 0)
                return EDRA_ENOMEM;
            if (t->weights)
                t->weights[i] += weight;
            return 0;
        }
        pos = (pos + 1) & mask;
    }
    if (t->n_tuples >= UINT32_MAX - 1)
        return EDRA_ERANGE;
    if (t->n_tuples == t->tuples_cap && grow_tuples(t) < 0)
        return EDRA_ENOMEM;
    /* A column starts at one byte a code and widens when a code outgrows that: codes come
     * from dictionaries, so only a new tuple can carry a larger one. */
    for (size_t c = 0; c < width; c++) {
        if ((uint64_t)codes[c] >> (8 * t->cols[c].width) &&
            widen(t, &t->cols[c], edra_code_width((uint64_t)codes[c] + 1)) < 0)
            return EDRA_ENOMEM;
        buf_put(&t->cols[c], t->n_tuples, codes[c]);
    }
    if (put_count(t, t->n_tuples, count) < 0)
        return EDRA_ENOMEM;
    if (t->weights)
        t->weights[t->n_tuples] = weight;
    t->slots[pos] = fingerprint | ((uint64_t)t->n_tuples + 1);
    t->n_tuples++;
    /* Load at most 0.7: the 8-byte slots hold a probe's run in one or two cache lines. The
     * positions come from 32 hash bits, so the table stops at 2^32 slots. */
    if (10 * t->n_tuples > 7 * t->slots_cap && (uint64_t)t->slots_cap < (UINT64_C(1) << 32) &&
        t->slots_cap <= SIZE_MAX / 2)
        return grow_tuple_slots(t);
    return 0;
}

int edra_tuples_flush(edra_tuples *t)
{
    if (!t->pending)
        return 0;
    t->pending = 0;
    return add_tuple(t, t->pending_codes, t->pending_hash, t->pending_count, t->pending_weight);
}

/* With millions of tuples nearly every probe is a miss to memory: the row's slot is
 * prefetched now and read on the next call, while the caller parses the next row. */
int edra_tuples_add(edra_tuples *t, const uint32_t *codes, uint64_t count, double weight)
{
    assert(t->slots);
    uint64_t h = edra_hash_codes(codes, t->width);
    __builtin_prefetch(&t->slots[slot_home(h, t->slots_cap)]);
    int rc = edra_tuples_flush(t);
    if (rc < 0)
        return rc;
    memcpy(t->pending_codes, codes, t->width * sizeof *codes);
    t->pending = 1;
    t->pending_hash = h;
    t->pending_count = count;
    t->pending_weight = weight;
    return 0;
}

size_t edra_tuples_size(const edra_tuples *t) { return t->n_tuples; }

uint32_t edra_tuples_code(const edra_tuples *t, size_t i, size_t col)
{
    assert(col < t->width && i < t->n_tuples && t->cols[col].data);
    return (uint32_t)buf_get(&t->cols[col], i);
}

uint8_t edra_tuples_code_width(const edra_tuples *t, size_t col) { return t->cols[col].width; }

edra_count_col edra_tuples_counts(const edra_tuples *t)
{
    return (edra_count_col){.data = t->counts.data, .width = t->counts.width};
}

const double *edra_tuples_weights(const edra_tuples *t) { return t->weights; }

void edra_tuples_map_column(edra_tuples *t, size_t col, uint32_t (*map)(const void *ctx, uint32_t code),
                            const void *ctx)
{
    code_buf *codes = &t->cols[col];
    for (size_t i = 0; i < t->n_tuples; i++)
        buf_put(codes, i, map(ctx, (uint32_t)buf_get(codes, i)));
}

void edra_tuples_seal(edra_tuples *t)
{
    free(t->slots);
    t->slots = NULL;
    if (t->n_tuples < t->tuples_cap) {
        void *counts = realloc(t->counts.data, t->n_tuples * t->counts.width);
        if (counts)
            t->counts.data = counts;
        if (t->weights) {
            double *weights = realloc(t->weights, t->n_tuples * sizeof *weights);
            if (weights)
                t->weights = weights;
        }
    }
}

int edra_tuples_take_column(edra_code_col *out, edra_tuples *t, size_t col,
                            const uint32_t *remap, uint64_t n_codes)
{
    code_buf *codes = &t->cols[col];
    uint8_t width = edra_code_width(n_codes), before = codes->width;
    size_t bytes = (t->n_tuples ? t->n_tuples : 1) * width;
    if (width > before) {
        void *wider = realloc(codes->data, bytes);
        if (!wider)
            return EDRA_ENOMEM;
        codes->data = wider;
    }
    recode(codes, t->n_tuples, width, remap);
    if (width <= before) {
        void *fit = realloc(codes->data, bytes);
        if (fit)
            codes->data = fit;
    }
    out->data = codes->data;
    out->width = width;
    codes->data = NULL;
    return 0;
}
