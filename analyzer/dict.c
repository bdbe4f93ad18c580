/* Open-addressing string dictionary (linear probing) with values stored in arena blocks, so
 * a column of millions of rows costs one copy per distinct value. A slot of 16 bytes holds
 * a value of up to 11 bytes whole (dates, ZIP codes, amounts, categories: nearly every
 * quasi-identifier), so finding such a value reads the slot and nothing else; a longer
 * value's slot holds its hash, and only a matching hash leads to its bytes. */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

#include "../metrics/hash.h"
#include "../metrics/hugepages.h"

/* Blocks double from 4 KiB up to 1 MiB: a column of a handful of values (sex, a status)
 * keeps a page, not a megabyte. A value longer than a block gets a block of its own. */
#define ARENA_FIRST ((size_t)1 << 12)
#define ARENA_BLOCK ((size_t)1 << 20)
/* Values up to SHORT_MAX bytes live in their slot; the length byte of a longer one is
 * LONG_MARK. */
#define SHORT_MAX 11
#define LONG_MARK 0xffu

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char bytes[];
} arena_block;

/* A slot: key = bytes 0-7 of a short value (zero-padded), or a long value's hash; tag =
 * bytes 8-10 of a short value | its length (or LONG_MARK) << 24 | code + 1 << 32, where
 * code + 1 = 0 marks an empty slot. */
typedef struct {
    uint64_t key, tag;
} dict_slot;

struct edra_dict {
    size_t n, cap;          /* entries; slots (a power of two), 0 once sealed */
    dict_slot *slots;
    uint32_t *dates;        /* [DATE_CELLS] code + 1 of each YYYY-MM-DD value seen since the
                               dictionary grew past DATE_CACHE_FROM values, 0 = unknown */
    arena_block *arena;
    const char **values;    /* per code, NUL-terminated, the length in the 4 bytes before */
    size_t *first_lines;
    size_t codes_cap;
};

/* A large dictionary of dates (birth dates: 38,000 values, a 2 MB table a miss per row) is
 * looked up through a direct array first, indexed by the date's digits: the years in use
 * touch some hundred kB of it, which the cache keeps. The table stays what defines a code;
 * the array only remembers codes the table gave. 10M rows x 8 QIs: see the commit. */
#define DATE_CACHE_FROM 8192
#define DATE_YEAR0 1800
#define DATE_YEARS 400
#define DATE_CELLS ((size_t)DATE_YEARS * 12 * 31)

/* The cell of a value of the form YYYY-MM-DD (year DATE_YEAR0.., month 1-12, day 1-31), or
 * -1: one cell per such string, whether or not it names a real day. */
static long date_cell(const char *v, size_t len)
{
    static const unsigned char digit_at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (len != 10 || v[4] != '-' || v[7] != '-')
        return -1;
    for (size_t i = 0; i < 8; i++)
        if ((unsigned char)(v[digit_at[i]] - '0') > 9)
            return -1;
    long year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    long month = (v[5] - '0') * 10 + (v[6] - '0'), day = (v[8] - '0') * 10 + (v[9] - '0');
    if (year < DATE_YEAR0 || year >= DATE_YEAR0 + DATE_YEARS || month < 1 || month > 12 ||
        day < 1 || day > 31)
        return -1;
    return ((year - DATE_YEAR0) * 12 + (month - 1)) * 31 + (day - 1);
}

/* A value as its slot would hold it, and its hash. */
typedef struct {
    uint64_t key;
    uint32_t tag;           /* the low half of the slot's tag */
    uint64_t hash;
} probe_key;

static inline uint64_t hash_short(uint64_t key, uint32_t tag)
{
    return edra_mix64(key ^ ((uint64_t)tag * 0x9e3779b97f4a7c15ULL));
}

/* 64-bit hash of a long value, eight bytes at a time; the tail is the last eight bytes,
 * overlapping, as wyhash reads it. */
static uint64_t hash_long(const char *s, size_t len)
{
    const uint64_t k = 0xff51afd7ed558ccdULL;
    const char *last = s + len - 8;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xc2b2ae3d27d4eb4fULL), w;
    for (; s < last; s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    memcpy(&w, last, 8);
    return edra_mix64((h ^ w) * k);
}

/* Byte i of a short value goes to bit 8 * i, whatever the machine's byte order: shifts in
 * a register, with no store to memory that a wide load would then wait on. */
static inline probe_key make_key(const char *s, size_t len)
{
    probe_key k;
    if (len > SHORT_MAX) {
        k.hash = k.key = hash_long(s, len);
        k.tag = LONG_MARK << 24;
        return k;
    }
    uint64_t lo = 0, hi = 0;
    size_t i = 0;
    for (; i < len && i < 8; i++)
        lo |= (uint64_t)(unsigned char)s[i] << (8 * i);
    for (; i < len; i++)
        hi |= (uint64_t)(unsigned char)s[i] << (8 * (i - 8));
    k.key = lo;
    k.tag = (uint32_t)(hi | (uint64_t)len << 24);
    k.hash = hash_short(k.key, k.tag);
    return k;
}

static inline size_t value_length(const char *value)
{
    uint32_t len;
    memcpy(&len, value - sizeof len, sizeof len);
    return len;
}

int edra_dict_new(edra_dict **out, edra_error *err)
{
    edra_dict *d = calloc(1, sizeof *d);
    if (!d)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    d->cap = 32;
    d->slots = calloc(d->cap, sizeof *d->slots);
    if (!d->slots) {
        free(d);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    *out = d;
    return 0;
}

void edra_dict_free(edra_dict *d)
{
    if (!d)
        return;
    while (d->arena) {
        arena_block *next = d->arena->next;
        free(d->arena);
        d->arena = next;
    }
    free(d->slots);
    free(d->dates);
    free((void *)d->values);
    free(d->first_lines);
    free(d);
}

void edra_dict_seal(edra_dict *d)
{
    free(d->slots);
    d->slots = NULL;
    d->cap = 0;
    free(d->dates);
    d->dates = NULL;
}

/* Copies value into the arena behind its 4-byte length, NUL-terminated. */
static const char *arena_copy(edra_dict *d, const char *s, size_t len)
{
    uint32_t len32 = (uint32_t)len;
    size_t need = sizeof len32 + len + 1;
    arena_block *b = d->arena;
    if (!b || b->cap - b->used < need) {
        size_t cap = b ? (b->cap < ARENA_BLOCK ? 2 * b->cap : ARENA_BLOCK) : ARENA_FIRST;
        if (cap < need)
            cap = need;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = d->arena;
        b->used = 0;
        b->cap = cap;
        d->arena = b;
    }
    char *p = b->bytes + b->used;
    memcpy(p, &len32, sizeof len32);
    p += sizeof len32;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += need;
    return p;
}

/* Doubles the slots, re-placing each by a hash taken from the slot alone. */
static int grow_slots(edra_dict *d)
{
    size_t cap = d->cap * 2;
    dict_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return EDRA_ENOMEM;
    edra_hugepages_advise(slots, cap * sizeof *slots);
    for (size_t i = 0; i < d->cap; i++) {
        dict_slot slot = d->slots[i];
        if (!(slot.tag >> 32))
            continue;
        uint32_t tag = (uint32_t)slot.tag;
        uint64_t h = tag >> 24 == LONG_MARK ? slot.key : hash_short(slot.key, tag);
        size_t pos = h & (cap - 1);
        while (slots[pos].tag >> 32)
            pos = (pos + 1) & (cap - 1);
        slots[pos] = slot;
    }
    free(d->slots);
    d->slots = slots;
    d->cap = cap;
    return 0;
}

static int grow_codes(edra_dict *d)
{
    size_t cap = d->codes_cap ? d->codes_cap * 2 : 64;
    const char **values = realloc((void *)d->values, cap * sizeof *values);
    if (values)
        d->values = values;
    size_t *lines = realloc(d->first_lines, cap * sizeof *lines);
    if (lines)
        d->first_lines = lines;
    if (!values || !lines)
        return EDRA_ENOMEM;
    d->codes_cap = cap;
    return 0;
}

/* The slot holding value, or the empty slot where it would go. */
static size_t probe(const edra_dict *d, const char *value, size_t len, const probe_key *k)
{
    size_t mask = d->cap - 1, pos = k->hash & mask;
    for (;;) {
        const dict_slot *slot = &d->slots[pos];
        if (!(slot->tag >> 32))
            return pos;
        if (slot->key == k->key && (uint32_t)slot->tag == k->tag) {
            if (len <= SHORT_MAX)
                return pos;
            const char *v = d->values[(slot->tag >> 32) - 1];
            if (value_length(v) == len && memcmp(v, value, len) == 0)
                return pos;
        }
        pos = (pos + 1) & mask;
    }
}

void edra_dict_prefetch(const edra_dict *d, const char *value, size_t len)
{
    __builtin_prefetch(&d->slots[make_key(value, len).hash & (d->cap - 1)]);
}

/* Gives value the next code. */
static int append_value(edra_dict *d, const char *value, size_t len, size_t first_line)
{
    if (d->n >= UINT32_MAX - 1 || len > UINT32_MAX)
        return EDRA_ERANGE;
    if (d->n == d->codes_cap && grow_codes(d) < 0)
        return EDRA_ENOMEM;
    const char *copy = arena_copy(d, value, len);
    if (!copy)
        return EDRA_ENOMEM;
    d->values[d->n] = copy;
    d->first_lines[d->n++] = first_line;
    return 0;
}

int64_t edra_dict_intern(edra_dict *d, const char *value, size_t len, size_t first_line)
{
    /* Past DATE_CACHE_FROM values, dates go through the direct array (allocated then; a
     * dictionary without dates never asks for it, and one that cannot have it does
     * without). */
    long cell = d->n >= DATE_CACHE_FROM ? date_cell(value, len) : -1;
    if (cell >= 0 && !d->dates && !(d->dates = calloc(DATE_CELLS, sizeof *d->dates)))
        cell = -1;
    if (cell >= 0 && d->dates[cell])
        return (int64_t)d->dates[cell] - 1;
    probe_key k = make_key(value, len);
    size_t pos = probe(d, value, len, &k);
    if (d->slots[pos].tag >> 32) {
        if (cell >= 0)
            d->dates[cell] = (uint32_t)(d->slots[pos].tag >> 32);
        return (int64_t)(d->slots[pos].tag >> 32) - 1;
    }
    size_t code = d->n;
    int rc = append_value(d, value, len, first_line);
    if (rc < 0)
        return rc;
    d->slots[pos].key = k.key;
    d->slots[pos].tag = k.tag | ((uint64_t)code + 1) << 32;
    if (cell >= 0)
        d->dates[cell] = (uint32_t)code + 1;
    /* Load at most 1/2: the table is small beside the column it encodes. */
    if (2 * d->n > d->cap && grow_slots(d) < 0)
        return EDRA_ENOMEM;
    return (int64_t)code;
}

int edra_dict_append_sealed(edra_dict *d, const char *value, size_t len, size_t first_line)
{
    return append_value(d, value, len, first_line);
}

int64_t edra_dict_find(const edra_dict *d, const char *value, size_t len)
{
    probe_key k = make_key(value, len);
    size_t pos = probe(d, value, len, &k);
    return d->slots[pos].tag >> 32 ? (int64_t)(d->slots[pos].tag >> 32) - 1 : -1;
}

size_t edra_dict_size(const edra_dict *d) { return d->n; }
const char *edra_dict_value(const edra_dict *d, uint32_t code) { return d->values[code]; }
size_t edra_dict_first_line(const edra_dict *d, uint32_t code) { return d->first_lines[code]; }
const char *const *edra_dict_values(edra_dict *d) { return d->values; }
