/* SUDA2 (Manning, Haglin & Keane, "A recursive search algorithm for statistical disclosure
 * assessment", Data Min Knowl Disc 16:165-196, 2008). Items are (QI, value) pairs ranked by
 * ascending frequency. An MSU whose lowest-ranked item is i is {i} + S, where S is an MSU of
 * the sub-table T_i (the rows holding i, over the items ranked above i) that is not unique in
 * the whole table: some row outside T_i holds S (the "special row"). Recursing on T_i with
 * one size less finds every MSU exactly once, without visiting the power set of the QIs.
 * Each sub-table is built as a projected table (each row's items, by rank), so building it
 * is a pass over its rows. The special-row test mostly needs no scan: S is unique in the
 * table iff it contains an MSU of the table, whose items all rank above i, so taking i from
 * the highest rank down those MSUs are already known. Counts are capped at 2, since only
 * "1" versus "more" matters. Scores as sdcMicro's suda2 with original_scores = TRUE (Elliot
 * et al.): an MSU of size k among M QIs scores prod_{i=k}^{M-1}(M - i); DIS-SUDA spreads
 * the file-level DIS probability over the uniques in proportion to score^Q,
 * Q = 1 + (8 - M)/20. */
#define _POSIX_C_SOURCE 199309L
#include "suda.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"

#define NONE UINT32_MAX

typedef struct {
    uint32_t row;             /* row of the table the MSU was found in */
    uint64_t qis;             /* bit d: QI d is in the MSU (its value is the row's) */
} msu;

typedef struct {
    msu *v;
    size_t n, cap;
} msu_list;

typedef struct {
    uint32_t row;
    uint32_t base, level;
} undo;

/* The MSUs of one row of the whole table found at the levels under way, as a stack: each
 * level's are the entries from its base up, so they are contiguous for the covering test. */
typedef struct {
    uint64_t *qis;
    uint32_t n, cap;
    uint32_t base;            /* first entry of the level below */
    uint32_t level;           /* that level */
} row_stack;

typedef struct {
    undo *v;
    size_t n, cap;
} undo_list;

typedef struct {
    uint32_t attr, value;
    uint32_t count;           /* records holding the item, counts capped at 2 */
    uint32_t origin;          /* rank of the item in the enclosing table (while building) */
    uint32_t n_rows;
    uint32_t *rows;           /* rows of the table holding the item, ascending */
} item;

/* One (sub-)table: its items by rank (count, then QI, then value) and its rows, each the
 * list of its items' ranks, ascending. */
typedef struct {
    size_t n_items;
    item *items;
    size_t n_rows;
    const uint32_t *global;   /* [n_rows] the row of the whole table */
    const uint32_t *offsets;  /* [n_rows + 1] */
    const uint32_t *ranks;    /* row r's items: ranks[offsets[r] .. offsets[r+1]) */
} table;

/* Scratch of one depth of the recursion, grown to its largest sub-table and reused. */
typedef struct {
    size_t items_cap, rows_cap;
    uint32_t *sub_count, *sub_rows, *touched, *new_rank;   /* [items_cap] */
    item *child_items;                                      /* [items_cap] */
    uint32_t *global, *offsets;                             /* [rows_cap + 1] */
    uint32_t *ranks, *item_rows;                            /* [rows_cap * (n_qi - 1)] */
    msu_list child_out;       /* MSUs of the sub-table being examined */
    undo_list saved;          /* chains of the enclosing level the level replaced */
} scratch;

typedef struct {
    size_t n_qi;
    const uint32_t *codes;    /* [rows][n_qi] of the whole table */
    const uint8_t *weight;    /* [rows] counts capped at 2 */
    row_stack *found;         /* [rows] */
    uint32_t levels;          /* levels entered so far: each gets its own id */
    scratch depth[65];        /* one per depth (sizes 1..64 plus the top) */
} search;

/* Adds an MSU of level id to out and to its row's stack, remembering where the enclosing
 * level's entries end the first time the row gets an MSU at this level. */
static int emit(search *s, uint32_t id, msu_list *out, undo_list *saved, uint32_t row,
                uint32_t global, uint64_t qis)
{
    row_stack *rs = &s->found[global];
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        msu *v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return EDRA_ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    if (rs->level != id) {
        if (saved->n == saved->cap) {
            size_t cap = saved->cap ? 2 * saved->cap : 64;
            undo *v = realloc(saved->v, cap * sizeof *v);
            if (!v)
                return EDRA_ENOMEM;
            saved->v = v;
            saved->cap = cap;
        }
        saved->v[saved->n++] = (undo){global, rs->base, rs->level};
        rs->level = id;
        rs->base = rs->n;
    }
    if (rs->n == rs->cap) {
        uint32_t cap = rs->cap ? 2 * rs->cap : 8;
        uint64_t *v = realloc(rs->qis, cap * sizeof *v);
        if (!v)
            return EDRA_ENOMEM;
        rs->qis = v;
        rs->cap = cap;
    }
    rs->qis[rs->n++] = qis;
    out->v[out->n++] = (msu){row, qis};
    return 0;
}

/* Whether the items of qis in row (global row g) of table t, unique in T_i, are unique in t.
 * Either an MSU of t already found for the row lies within qis, or no row outside T_i
 * holds them: the shorter of the row's MSU chain and the rarest item's rows is walked. */
static int unique_in_table(const search *s, uint32_t id, const table *t, uint32_t row,
                           uint32_t g, uint64_t qis, const item *i)
{
    /* A single item of T_i: the items unique in t were kept out of T_i. */
    if (!(qis & (qis - 1)))
        return 0;
    const item *rarest = NULL;
    for (uint32_t e = t->offsets[row]; e < t->offsets[row + 1]; e++) {
        const item *it = &t->items[t->ranks[e]];
        if ((qis >> it->attr & 1) && (!rarest || it->n_rows < rarest->n_rows))
            rarest = it;
    }
    const row_stack *rs = &s->found[g];
    uint32_t first = rs->level == id ? rs->base : rs->n;
    if (rs->n - first <= 4 * rarest->n_rows) {
        for (uint32_t k = first; k < rs->n; k++)
            if (!(rs->qis[k] & ~qis))
                return 1;
        return 0;
    }
    const uint32_t *r = s->codes + (size_t)g * s->n_qi;
    for (uint32_t k = 0; k < rarest->n_rows; k++) {
        const uint32_t *o = s->codes + (size_t)t->global[rarest->rows[k]] * s->n_qi;
        if (o[i->attr] == i->value)
            continue;
        uint64_t m = qis;
        for (; m; m &= m - 1) {
            int d = __builtin_ctzll(m);
            if (o[d] != r[d])
                break;
        }
        if (!m)
            return 0;
    }
    return 1;
}

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    if (x->attr != y->attr)
        return x->attr < y->attr ? -1 : 1;
    return (x->value > y->value) - (x->value < y->value);
}

static void sort_ranks(uint32_t *v, size_t n)
{
    for (size_t a = 1; a < n; a++) {
        uint32_t x = v[a];
        size_t b = a;
        for (; b > 0 && v[b - 1] > x; b--)
            v[b] = v[b - 1];
        v[b] = x;
    }
}

static void scratch_free(scratch *w)
{
    free(w->sub_count);
    free(w->sub_rows);
    free(w->touched);
    free(w->new_rank);
    free(w->child_items);
    free(w->global);
    free(w->offsets);
    free(w->ranks);
    free(w->item_rows);
    free(w->child_out.v);
    free(w->saved.v);
    memset(w, 0, sizeof *w);
}

/* Reallocates the array ptr to n elements; 0, or -1 (ptr unchanged) when out of memory. */
#define GROW(ptr, n) \
    ((spare = realloc((ptr), ((n) ? (n) : 1) * sizeof *(ptr))) ? ((ptr) = spare, 0) : -1)

/* Makes w hold a level of n_items items whose sub-tables have at most rows rows. */
static int scratch_reserve(scratch *w, size_t n_items, size_t rows, size_t n_qi)
{
    void *spare;
    if (n_items > w->items_cap) {
        size_t cap = n_items > 2 * w->items_cap ? n_items : 2 * w->items_cap;
        if (GROW(w->sub_count, cap) || GROW(w->sub_rows, cap) || GROW(w->touched, cap) ||
            GROW(w->new_rank, cap) || GROW(w->child_items, cap))
            return EDRA_ENOMEM;
        /* Entries of the sub-table arrays are cleared after each use: only new ones here. */
        for (size_t k = w->items_cap; k < cap; k++) {
            w->sub_count[k] = w->sub_rows[k] = 0;
            w->new_rank[k] = NONE;
        }
        w->items_cap = cap;
    }
    if (rows > w->rows_cap) {
        size_t cap = rows > 2 * w->rows_cap ? rows : 2 * w->rows_cap;
        size_t entries = cap * (n_qi > 1 ? n_qi - 1 : 1);
        if (GROW(w->global, cap) || GROW(w->offsets, cap + 1) || GROW(w->ranks, entries) ||
            GROW(w->item_rows, entries))
            return EDRA_ENOMEM;
        w->rows_cap = cap;
    }
    return 0;
}

/* Builds T_i of t in w: the rows holding item i, over the items ranked above i that are
 * in some but not all of those rows and not unique in t (an item in every row of T_i is in
 * no MSU of T_i; an item unique in t makes every set holding it unique in t, so no MSU of
 * T_i holding it passes the special-row test). Returns the sub-table's item count. */
static size_t build_subtable(table *sub, scratch *w, const search *s, const table *t, uint32_t i)
{
    const item *it = &t->items[i];
    size_t n_touched = 0, n_child = 0, used = 0, entries = 0;
    for (uint32_t k = 0; k < it->n_rows; k++) {
        uint32_t row = it->rows[k];
        uint8_t weight = s->weight[t->global[row]];
        for (uint32_t e = t->offsets[row + 1]; e-- > t->offsets[row];) {
            uint32_t j = t->ranks[e];
            if (j <= i)
                break;
            if (!w->sub_rows[j])
                w->touched[n_touched++] = j;
            w->sub_rows[j]++;
            w->sub_count[j] += weight;
        }
    }
    for (size_t k = 0; k < n_touched; k++) {
        uint32_t j = w->touched[k];
        if (w->sub_count[j] < it->count && t->items[j].count >= 2) {
            item *c = &w->child_items[n_child++];
            *c = t->items[j];
            c->count = w->sub_count[j];
            c->origin = j;
        }
    }
    if (n_child) {
        if (n_child > 16) {
            qsort(w->child_items, n_child, sizeof *w->child_items, cmp_item);
        } else {
            for (size_t a = 1; a < n_child; a++) {
                item x = w->child_items[a];
                size_t b = a;
                for (; b > 0 && cmp_item(&w->child_items[b - 1], &x) > 0; b--)
                    w->child_items[b] = w->child_items[b - 1];
                w->child_items[b] = x;
            }
        }
        for (size_t k = 0; k < n_child; k++) {
            item *c = &w->child_items[k];
            w->new_rank[c->origin] = (uint32_t)k;
            c->n_rows = 0;
            c->rows = w->item_rows + used;
            used += w->sub_rows[c->origin];
        }
        w->offsets[0] = 0;
        for (uint32_t k = 0; k < it->n_rows; k++) {
            uint32_t row = it->rows[k];
            size_t start = entries;
            w->global[k] = t->global[row];
            for (uint32_t e = t->offsets[row + 1]; e-- > t->offsets[row];) {
                uint32_t j = t->ranks[e];
                if (j <= i)
                    break;
                uint32_t rank = w->new_rank[j];
                if (rank == NONE)
                    continue;
                w->ranks[entries++] = rank;
                item *c = &w->child_items[rank];
                c->rows[c->n_rows++] = k;
            }
            sort_ranks(w->ranks + start, entries - start);
            w->offsets[k + 1] = (uint32_t)entries;
        }
    }
    for (size_t k = 0; k < n_touched; k++) {
        uint32_t j = w->touched[k];
        w->sub_rows[j] = w->sub_count[j] = 0;
        w->new_rank[j] = NONE;
    }
    sub->n_items = n_child;
    sub->items = w->child_items;
    sub->n_rows = it->n_rows;
    sub->global = w->global;
    sub->offsets = w->offsets;
    sub->ranks = w->ranks;
    return n_child;
}

/* Appends to out the MSUs of size <= budget of table t (rows numbered as t's); depth
 * selects the scratch. */
static int find_msus(search *s, const table *t, size_t budget, size_t depth, msu_list *out)
{
    uint32_t id = ++s->levels;
    size_t cap_rows = 0;
    scratch *w = &s->depth[depth];
    int rc = 0;

    w->saved.n = 0;
    for (size_t k = 0; k < t->n_items; k++) {
        const item *it = &t->items[k];
        if (it->count == 1 &&
            (rc = emit(s, id, out, &w->saved, it->rows[0], t->global[it->rows[0]], 1ULL << it->attr)) < 0)
            goto done;
        if (it->count >= 2 && it->n_rows > cap_rows)
            cap_rows = it->n_rows;
    }
    if (budget < 2 || cap_rows == 0)
        goto done;
    if ((rc = scratch_reserve(w, t->n_items, cap_rows, s->n_qi)) < 0)
        goto done;
    /* From the highest rank down, so the MSUs that decide the special-row test are known. */
    for (size_t i = t->n_items; i-- > 0;) {
        const item *it = &t->items[i];
        table sub;
        if (it->count < 2 || !build_subtable(&sub, w, s, t, (uint32_t)i))
            continue;
        w->child_out.n = 0;
        if ((rc = find_msus(s, &sub, budget - 1, depth + 1, &w->child_out)) < 0)
            goto done;
        for (size_t m = 0; m < w->child_out.n; m++) {
            uint32_t row = it->rows[w->child_out.v[m].row], g = t->global[row];
            uint64_t qis = w->child_out.v[m].qis;
            if (!unique_in_table(s, id, t, row, g, qis, it) &&
                (rc = emit(s, id, out, &w->saved, row, g, qis | (1ULL << it->attr))) < 0)
                goto done;
        }
    }
done:
    /* The enclosing level's MSU chains, as they were. */
    for (size_t k = w->saved.n; k-- > 0;) {
        const undo *u = &w->saved.v[k];
        row_stack *rs = &s->found[u->row];
        rs->n = rs->base;
        rs->base = u->base;
        rs->level = u->level;
    }
    return rc;
}

/* ---- merging equal rows ---- */

/* Distinct rows of the table: their first index, their summed counts, and each row's
 * distinct row. */
static int merge_rows(uint32_t **first_out, uint64_t **counts_out, uint32_t *of_row,
                      size_t *n_out, const uint32_t *codes, const uint64_t *counts,
                      size_t n_rows, size_t n_qi)
{
    size_t cap = 16;
    while (cap < 2 * n_rows)
        cap *= 2;
    uint32_t *slots = calloc(cap, sizeof *slots);
    uint32_t *first = malloc((n_rows ? n_rows : 1) * sizeof *first);
    uint64_t *merged = calloc(n_rows ? n_rows : 1, sizeof *merged);
    size_t n = 0;
    if (!slots || !first || !merged) {
        free(slots);
        free(first);
        free(merged);
        return EDRA_ENOMEM;
    }
    for (size_t r = 0; r < n_rows; r++) {
        const uint32_t *row = codes + r * n_qi;
        size_t pos = edra_hash_codes(row, n_qi) & (cap - 1);
        for (;; pos = (pos + 1) & (cap - 1)) {
            uint32_t slot = slots[pos];
            if (!slot) {
                slots[pos] = (uint32_t)n + 1;
                first[n] = (uint32_t)r;
                of_row[r] = (uint32_t)n++;
                break;
            }
            if (memcmp(codes + (size_t)first[slot - 1] * n_qi, row, n_qi * sizeof *row) == 0) {
                of_row[r] = slot - 1;
                break;
            }
        }
        merged[of_row[r]] += counts[r];
    }
    free(slots);
    *first_out = first;
    *counts_out = merged;
    *n_out = n;
    return 0;
}

/* ---- scoring ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dis_bucket(double dis_score)
{
    if (!(dis_score > 0))
        return 0;
    if (dis_score > 0.7)
        return EDRA_SUDA_DIS_BUCKETS - 1;
    int b = (int)ceil(dis_score * 10.0 - 1e-9);
    return b < 1 ? 1 : b;
}

/* Scores of the distinct rows from their MSUs (Elliot's SUDA and DIS-SUDA). */
static void score_rows(edra_suda_figures *f, const msu_list *found, const uint64_t *counts,
                       size_t n_rows, double *score, double *dis_score, uint32_t *row_msus)
{
    size_t m_qi = f->n_qi;
    for (size_t k = 1; k <= m_qi; k++) {
        double w = 1.0;
        for (size_t i = k; i < m_qi; i++)
            w *= (double)(m_qi - i);
        f->size_score[k] = w;
    }
    for (size_t m = 0; m < found->n; m++) {
        const msu *u = &found->v[m];
        size_t size = (size_t)__builtin_popcountll(u->qis);
        double w = f->size_score[size];
        f->msus++;
        f->msus_by_size[size]++;
        row_msus[u->row]++;
        score[u->row] += w;
        for (uint64_t q = u->qis; q; q &= q - 1)
            f->contribution[__builtin_ctzll(q)] += w;
    }
    for (size_t r = 0; r < n_rows; r++) {
        f->records += counts[r];
        if (counts[r] == 1)
            f->uniques++;
        else if (counts[r] == 2)
            f->pair_records += 2;
        if (row_msus[r])
            f->records_with_msu += counts[r];
        f->total_score += score[r] * (double)counts[r];
    }
    for (size_t d = 0; d < m_qi; d++)
        f->contribution[d] = f->total_score > 0 ? 100.0 * f->contribution[d] / f->total_score : 0.0;
    double frac = f->dis_fraction, u = (double)f->uniques, p = (double)f->pair_records;
    f->dis = f->uniques ? u * frac / (u * frac + p * (1.0 - frac)) : 0.0;
    double q = 1.0 + (8.0 - (double)m_qi) / 20.0, adjust = 0.0;
    for (size_t r = 0; r < n_rows; r++)
        if (score[r] > 0)
            adjust += (double)counts[r] / pow(score[r], q);
    /* U/DIS - U, written as P(1 - f)/f, which stays finite when there are no pairs. */
    double spread = p * (1.0 - frac) / frac;
    for (size_t r = 0; r < n_rows; r++) {
        dis_score[r] = score[r] > 0 ? 1.0 / (1.0 + spread / (pow(score[r], q) * adjust)) : 0.0;
        if (dis_score[r] > f->dis_highest)
            f->dis_highest = dis_score[r];
        f->dis_buckets[dis_bucket(dis_score[r])] += counts[r];
    }
}

int edra_suda_table(edra_suda_figures *out, const uint32_t *codes, const uint64_t *counts,
                    size_t n_rows, size_t n_qi, const edra_suda_opts *opts, edra_error *err)
{
    double start = now_seconds();
    search s = {0};
    table top = {0};
    uint32_t *first = NULL, *of_row = NULL, *dcodes = NULL, *domain = NULL, *base = NULL;
    uint32_t *slot_count = NULL, *slot_rows = NULL, *rank_of_slot = NULL, *row_msus = NULL;
    uint32_t *global = NULL, *offsets = NULL, *ranks = NULL, *item_rows = NULL;
    uint64_t *dcounts = NULL;
    uint8_t *weight = NULL;
    double *score = NULL, *dis_score = NULL;
    item *items = NULL;
    msu_list found = {0};
    size_t n = 0, n_items = 0, n_slots = 0;
    int rc = 0;

    memset(out, 0, sizeof *out);
    if (n_qi == 0 || n_qi > 64)
        return edra_error_set(err, EDRA_ERANGE, "SUDA needs 1 to 64 quasi-identifiers, not %zu", n_qi);
    if (opts->max_size > n_qi)
        return edra_error_set(err, EDRA_ERANGE, "MSU size limit %zu exceeds the %zu quasi-identifiers",
                              opts->max_size, n_qi);
    if (!(opts->dis_fraction > 0 && opts->dis_fraction < 1))
        return edra_error_set(err, EDRA_ERANGE, "DIS fraction %g is not in (0, 1)", opts->dis_fraction);
    out->n_qi = n_qi;
    out->max_size = opts->max_size ? opts->max_size : n_qi;
    out->dis_fraction = opts->dis_fraction;
    out->n_rows = n_rows;
    out->msus_by_size = calloc(n_qi + 1, sizeof *out->msus_by_size);
    out->size_score = calloc(n_qi + 1, sizeof *out->size_score);
    out->contribution = calloc(n_qi, sizeof *out->contribution);
    out->row_msus = calloc(n_rows ? n_rows : 1, sizeof *out->row_msus);
    out->score = calloc(n_rows ? n_rows : 1, sizeof *out->score);
    out->dis_score = calloc(n_rows ? n_rows : 1, sizeof *out->dis_score);
    of_row = malloc((n_rows ? n_rows : 1) * sizeof *of_row);
    if (!out->msus_by_size || !out->size_score || !out->contribution || !out->row_msus ||
        !out->score || !out->dis_score || !of_row ||
        merge_rows(&first, &dcounts, of_row, &n, codes, counts, n_rows, n_qi) < 0)
        goto oom;

    /* The distinct rows with their counts capped at 2, and each QI's range of codes. */
    size_t n_alloc = n ? n : 1;
    dcodes = malloc(n_alloc * n_qi * sizeof *dcodes);
    weight = malloc(n_alloc);
    domain = calloc(n_qi, sizeof *domain);
    base = calloc(n_qi + 1, sizeof *base);
    s.found = calloc(n_alloc, sizeof *s.found);
    global = malloc(n_alloc * sizeof *global);
    offsets = malloc((n_alloc + 1) * sizeof *offsets);
    ranks = malloc(n_alloc * n_qi * sizeof *ranks);
    item_rows = malloc(n_alloc * n_qi * sizeof *item_rows);
    if (!dcodes || !weight || !domain || !base || !s.found ||
        !global || !offsets || !ranks || !item_rows)
        goto oom;
    uint32_t total = 0;
    for (size_t r = 0; r < n; r++) {
        memcpy(dcodes + r * n_qi, codes + (size_t)first[r] * n_qi, n_qi * sizeof *dcodes);
        weight[r] = dcounts[r] >= 2 ? 2 : 1;
        total += weight[r];
        global[r] = (uint32_t)r;
        for (size_t d = 0; d < n_qi; d++)
            if (dcodes[r * n_qi + d] >= domain[d])
                domain[d] = dcodes[r * n_qi + d] + 1;
    }
    for (size_t d = 0; d < n_qi; d++)
        base[d + 1] = base[d] + domain[d];
    n_slots = base[n_qi] ? base[n_qi] : 1;
    s.n_qi = n_qi;
    s.codes = dcodes;
    s.weight = weight;

    /* The items: one per (QI, value) held, counted, ranked, with their rows. */
    slot_count = calloc(n_slots, sizeof *slot_count);
    slot_rows = calloc(n_slots, sizeof *slot_rows);
    rank_of_slot = malloc(n_slots * sizeof *rank_of_slot);
    items = malloc(n_slots * sizeof *items);
    if (!slot_count || !slot_rows || !rank_of_slot || !items)
        goto oom;
    for (size_t r = 0; r < n; r++)
        for (size_t d = 0; d < n_qi; d++) {
            uint32_t slot = base[d] + dcodes[r * n_qi + d];
            slot_count[slot] += weight[r];
            slot_rows[slot]++;
        }
    for (size_t d = 0; d < n_qi; d++)
        for (uint32_t v = 0; v < domain[d]; v++) {
            uint32_t slot = base[d] + v;
            rank_of_slot[slot] = NONE;
            /* A value every row holds is in no MSU, unless the table is one record. */
            if (!slot_rows[slot] || (slot_count[slot] >= total && total > 1))
                continue;
            items[n_items++] = (item){(uint32_t)d, v, slot_count[slot], slot, slot_rows[slot], NULL};
        }
    qsort(items, n_items, sizeof *items, cmp_item);
    size_t used = 0;
    for (size_t k = 0; k < n_items; k++) {
        rank_of_slot[items[k].origin] = (uint32_t)k;
        items[k].rows = item_rows + used;
        used += items[k].n_rows;
        items[k].n_rows = 0;
    }
    offsets[0] = 0;
    for (size_t r = 0, e = 0; r < n; r++) {
        size_t start_e = e;
        for (size_t d = 0; d < n_qi; d++) {
            uint32_t rank = rank_of_slot[base[d] + dcodes[r * n_qi + d]];
            if (rank == NONE)
                continue;
            ranks[e++] = rank;
            items[rank].rows[items[rank].n_rows++] = (uint32_t)r;
        }
        sort_ranks(ranks + start_e, e - start_e);
        offsets[r + 1] = (uint32_t)e;
    }
    top = (table){n_items, items, n, global, offsets, ranks};

    rc = find_msus(&s, &top, out->max_size, 0, &found);
    if (rc < 0)
        goto oom;
    score = calloc(n_alloc, sizeof *score);
    dis_score = calloc(n_alloc, sizeof *dis_score);
    row_msus = calloc(n_alloc, sizeof *row_msus);
    if (!score || !dis_score || !row_msus)
        goto oom;
    score_rows(out, &found, dcounts, n, score, dis_score, row_msus);
    for (size_t r = 0; r < n_rows; r++) {
        out->score[r] = score[of_row[r]];
        out->dis_score[r] = dis_score[of_row[r]];
        out->row_msus[r] = row_msus[of_row[r]];
    }
    out->seconds = now_seconds() - start;
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory searching minimal sample uniques");
    edra_suda_clear(out);
done:
    for (size_t d = 0; d < sizeof s.depth / sizeof s.depth[0]; d++)
        scratch_free(&s.depth[d]);
    for (size_t r = 0; s.found && r < n; r++)
        free(s.found[r].qis);
    free(s.found);
    free(first);
    free(of_row);
    free(dcodes);
    free(dcounts);
    free(weight);
    free(domain);
    free(base);
    free(slot_count);
    free(slot_rows);
    free(rank_of_slot);
    free(items);
    free(global);
    free(offsets);
    free(ranks);
    free(item_rows);
    free(score);
    free(dis_score);
    free(row_msus);
    free(found.v);
    return rc;
}

int edra_suda_compute(edra_suda_figures *out, const edra_classes *classes,
                      const edra_suda_opts *opts, edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    size_t n_classes = edra_classes_count(classes), n_qi = md->n_qi;
    uint32_t *codes = NULL;
    uint64_t *sizes = NULL;
    if (edra_classes_codes(&codes, classes) < 0 || edra_classes_sizes_u64(&sizes, classes) < 0) {
        free(codes);
        memset(out, 0, sizeof *out);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory searching minimal sample uniques");
    }
    int rc = edra_suda_table(out, codes, sizes, n_classes, n_qi, opts, err);
    free(codes);
    free(sizes);
    return rc;
}

void edra_suda_clear(edra_suda_figures *f)
{
    if (!f)
        return;
    free(f->msus_by_size);
    free(f->size_score);
    free(f->contribution);
    free(f->row_msus);
    free(f->score);
    free(f->dis_score);
    memset(f, 0, sizeof *f);
}
