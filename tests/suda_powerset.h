/* The reference SUDA2 is checked against, and timed against in the benchmark: minimal sample
 * uniques by enumerating the power set of the QIs. For each subset (by size) the rows are
 * grouped on it; a row of one record alone in its group is unique there, and minimally so
 * when it is unique on none of the subsets one QI smaller. Memory: a bit per row and
 * subset, so small tables only. Equal rows group together, so they need not be merged. */
#ifndef SUDA_POWERSET_H
#define SUDA_POWERSET_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t n_rows, n_qi, max_size;
    uint32_t *row_msus;        /* [n_rows] */
    uint64_t *msus_by_size;    /* [n_qi + 1] */
    uint64_t *row_by_size;     /* [n_rows][n_qi + 1] MSUs of each size per row */
} powerset_result;

static inline void powerset_free(powerset_result *p)
{
    free(p->row_msus);
    free(p->msus_by_size);
    free(p->row_by_size);
}

static inline uint64_t powerset_hash(const uint32_t *row, uint64_t mask)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int d = 0; mask; d++, mask >>= 1)
        if (mask & 1) {
            h ^= row[d] + 0x100000000ULL * (uint64_t)d;
            h *= 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }
    return h;
}

static inline int powerset_same(const uint32_t *a, const uint32_t *b, uint64_t mask)
{
    for (int d = 0; mask; d++, mask >>= 1)
        if ((mask & 1) && a[d] != b[d])
            return 0;
    return 1;
}

/* Returns 0, or -1 when out of memory. */
static inline int powerset_msus(powerset_result *out, const uint32_t *codes,
                                const uint64_t *counts, size_t n_rows, size_t n_qi,
                                size_t max_size)
{
    size_t n_masks = (size_t)1 << n_qi, words = (n_rows + 63) / 64, cap = 16;
    while (cap < 2 * n_rows)
        cap *= 2;
    uint64_t *unique = calloc(n_masks * (words ? words : 1), sizeof *unique);
    uint32_t *slot_row = malloc(cap * sizeof *slot_row);
    uint64_t *slot_count = malloc(cap * sizeof *slot_count);
    uint32_t *group_of = malloc((n_rows ? n_rows : 1) * sizeof *group_of);
    memset(out, 0, sizeof *out);
    out->n_rows = n_rows;
    out->n_qi = n_qi;
    out->max_size = max_size ? max_size : n_qi;
    out->row_msus = calloc(n_rows ? n_rows : 1, sizeof *out->row_msus);
    out->msus_by_size = calloc(n_qi + 1, sizeof *out->msus_by_size);
    out->row_by_size = calloc((n_rows ? n_rows : 1) * (n_qi + 1), sizeof *out->row_by_size);
    if (!unique || !slot_row || !slot_count || !group_of || !out->row_msus ||
        !out->msus_by_size || !out->row_by_size) {
        free(unique);
        free(slot_row);
        free(slot_count);
        free(group_of);
        powerset_free(out);
        return -1;
    }
    for (size_t size = 1; size <= out->max_size; size++)
        for (uint64_t mask = 1; mask < n_masks; mask++) {
            if ((size_t)__builtin_popcountll(mask) != size)
                continue;
            for (size_t i = 0; i < cap; i++)
                slot_row[i] = UINT32_MAX;
            for (size_t r = 0; r < n_rows; r++) {
                const uint32_t *row = codes + r * n_qi;
                size_t pos = powerset_hash(row, mask) & (cap - 1);
                while (slot_row[pos] != UINT32_MAX &&
                       !powerset_same(codes + (size_t)slot_row[pos] * n_qi, row, mask))
                    pos = (pos + 1) & (cap - 1);
                if (slot_row[pos] == UINT32_MAX) {
                    slot_row[pos] = (uint32_t)r;
                    slot_count[pos] = 0;
                }
                slot_count[pos] += counts[r];
                group_of[r] = (uint32_t)pos;
            }
            uint64_t *u = unique + mask * words;
            for (size_t r = 0; r < n_rows; r++) {
                if (slot_count[group_of[r]] != 1)
                    continue;
                u[r / 64] |= 1ULL << (r % 64);
                int minimal = 1;
                for (uint64_t m = mask; m && minimal && size > 1; m &= m - 1) {
                    uint64_t sub = mask & ~(m & -m);
                    if (unique[sub * words + r / 64] & (1ULL << (r % 64)))
                        minimal = 0;
                }
                if (minimal) {
                    out->row_msus[r]++;
                    out->msus_by_size[size]++;
                    out->row_by_size[r * (n_qi + 1) + size]++;
                }
            }
        }
    free(unique);
    free(slot_row);
    free(slot_count);
    free(group_of);
    return 0;
}

#endif
