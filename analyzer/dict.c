/* Open-addressing string dictionary (FNV-1a hashes, linear probing) with values stored in
 * large arena blocks, so a column of millions of rows costs one copy per distinct value. */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (1u << 20)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char bytes[];
} arena_block;

struct edra_dict {
    size_t n, cap;          /* entries, slots (power of two) */
    uint32_t *slots;        /* code + 1, 0 = empty */
    uint64_t *hashes;       /* per code */
    char **values;          /* per code */
    size_t *lengths;
    size_t *first_lines;
    size_t codes_cap;
    arena_block *arena;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

int edra_dict_new(edra_dict **out, edra_error *err)
{
    edra_dict *d = calloc(1, sizeof *d);
    if (!d)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    d->cap = 64;
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
    free(d->hashes);
    free(d->values);
    free(d->lengths);
    free(d->first_lines);
    free(d);
}

static char *arena_copy(edra_dict *d, const char *s, size_t len)
{
    arena_block *b = d->arena;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = d->arena;
        b->used = 0;
        b->cap = cap;
        d->arena = b;
    }
    char *p = b->bytes + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

static int grow_slots(edra_dict *d)
{
    size_t cap = d->cap * 2;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return EDRA_ENOMEM;
    for (size_t code = 0; code < d->n; code++) {
        size_t pos = d->hashes[code] & (cap - 1);
        while (slots[pos])
            pos = (pos + 1) & (cap - 1);
        slots[pos] = (uint32_t)code + 1;
    }
    free(d->slots);
    d->slots = slots;
    d->cap = cap;
    return 0;
}

static int grow_codes(edra_dict *d)
{
    size_t cap = d->codes_cap ? d->codes_cap * 2 : 64;
    uint64_t *hashes = realloc(d->hashes, cap * sizeof *hashes);
    if (hashes)
        d->hashes = hashes;
    char **values = realloc(d->values, cap * sizeof *values);
    if (values)
        d->values = values;
    size_t *lengths = realloc(d->lengths, cap * sizeof *lengths);
    if (lengths)
        d->lengths = lengths;
    size_t *lines = realloc(d->first_lines, cap * sizeof *lines);
    if (lines)
        d->first_lines = lines;
    if (!hashes || !values || !lengths || !lines)
        return EDRA_ENOMEM;
    d->codes_cap = cap;
    return 0;
}

static size_t probe(const edra_dict *d, const char *value, size_t len, uint64_t h)
{
    size_t pos = h & (d->cap - 1);
    for (;;) {
        uint32_t slot = d->slots[pos];
        if (!slot)
            return pos;
        uint32_t code = slot - 1;
        if (d->hashes[code] == h && d->lengths[code] == len &&
            memcmp(d->values[code], value, len) == 0)
            return pos;
        pos = (pos + 1) & (d->cap - 1);
    }
}

int64_t edra_dict_intern(edra_dict *d, const char *value, size_t len, size_t first_line)
{
    uint64_t h = hash_bytes(value, len);
    size_t pos = probe(d, value, len, h);
    if (d->slots[pos])
        return d->slots[pos] - 1;
    if (d->n >= UINT32_MAX - 1)
        return EDRA_ERANGE;
    if (d->n == d->codes_cap && grow_codes(d) < 0)
        return EDRA_ENOMEM;
    char *copy = arena_copy(d, value, len);
    if (!copy)
        return EDRA_ENOMEM;
    size_t code = d->n++;
    d->hashes[code] = h;
    d->values[code] = copy;
    d->lengths[code] = len;
    d->first_lines[code] = first_line;
    d->slots[pos] = (uint32_t)code + 1;
    if (2 * d->n > d->cap && grow_slots(d) < 0)
        return EDRA_ENOMEM;
    return (int64_t)code;
}

int64_t edra_dict_find(const edra_dict *d, const char *value, size_t len)
{
    size_t pos = probe(d, value, len, hash_bytes(value, len));
    return d->slots[pos] ? (int64_t)d->slots[pos] - 1 : -1;
}

size_t edra_dict_size(const edra_dict *d) { return d->n; }
const char *edra_dict_value(const edra_dict *d, uint32_t code) { return d->values[code]; }
size_t edra_dict_first_line(const edra_dict *d, uint32_t code) { return d->first_lines[code]; }
const char *const *edra_dict_values(edra_dict *d) { return (const char *const *)d->values; }
