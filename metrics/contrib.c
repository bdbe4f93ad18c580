/* Distinction and separation of QI subsets (Motwani & Xu, "Efficient algorithms for masking
 * and finding quasi-identifiers", 2007). Subsets are visited depth first, each refining the
 * partition of the rows of its parent (the subset without its last QI) by one more column:
 * a pass over the rows with a hash on (parent group, code), so a subset costs O(rows)
 * whatever its size. */
#include "contrib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hierarchy.h"

#define EMPTY UINT32_MAX

typedef struct {
    size_t n_rows, n_qi;
    const uint32_t *codes;    /* [n_rows][n_qi], or NULL: the rows are classes' */
    const edra_classes *classes;
    uint32_t *column;         /* [n_rows] the codes of the column a refine splits by */
    edra_count_col counts;    /* [n_rows] */
    uint64_t records;
    size_t cap;               /* hash slots, a power of two >= 2 n_rows */
    uint64_t *keys;           /* [cap] (parent group << 32) | code */
    uint32_t *ids;            /* [cap] group id, EMPTY = free */
    uint64_t *group_size;     /* [n_rows] records per group */
    uint32_t **gid;           /* [max_size + 1][n_rows]: groups of the subsets on the path */
    edra_contrib_subset *subsets;
    size_t n_subsets, max_size;
} walk;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

/* Column d's codes into w->column: from the table, or each class's generalized code read
 * through its first tuple (no matrix of every class's codes: at 7M classes x 8 QIs it
 * would hold 224 MB). */
static void fill_column(walk *w, size_t d)
{
    if (w->codes) {
        for (size_t r = 0; r < w->n_rows; r++)
            w->column[r] = w->codes[r * w->n_qi + d];
        return;
    }
    const edra_microdata *md = edra_classes_microdata(w->classes);
    const uint32_t *reps = edra_classes_representatives(w->classes);
    edra_level_map map = edra_hierarchy_level_map(md->qi_hier[d], edra_classes_levels(w->classes)[d]);
    for (size_t r = 0; r < w->n_rows; r++)
        w->column[r] = edra_level_map_at(map, edra_code_at(md->qi_codes[d], reps[r]));
}

/* Splits the groups gid_in by column d into gid_out; returns the number of groups. */
static uint32_t refine(walk *w, const uint32_t *gid_in, size_t d, uint32_t *gid_out)
{
    uint32_t n_groups = 0;
    fill_column(w, d);
    for (size_t i = 0; i < w->cap; i++)
        w->ids[i] = EMPTY;
    for (size_t r = 0; r < w->n_rows; r++) {
        uint64_t key = (uint64_t)gid_in[r] << 32 | w->column[r];
        size_t pos = mix(key) & (w->cap - 1);
        while (w->ids[pos] != EMPTY && w->keys[pos] != key)
            pos = (pos + 1) & (w->cap - 1);
        if (w->ids[pos] == EMPTY) {
            w->keys[pos] = key;
            w->ids[pos] = n_groups++;
        }
        gid_out[r] = w->ids[pos];
    }
    return n_groups;
}

/* The figures of the partition gid (n_groups groups) of subset qis. */
static void measure(walk *w, const uint32_t *gid, uint32_t n_groups, uint64_t qis,
                    edra_contrib_subset *out)
{
    double same_pairs = 0.0, records = (double)w->records;
    memset(w->group_size, 0, (n_groups ? n_groups : 1) * sizeof *w->group_size);
    for (size_t r = 0; r < w->n_rows; r++)
        w->group_size[gid[r]] += edra_count_at(w->counts, r);
    out->qis = qis;
    out->size = (uint32_t)__builtin_popcountll(qis);
    out->classes = n_groups;
    out->uniques = 0;
    for (uint32_t g = 0; g < n_groups; g++) {
        double s = (double)w->group_size[g];
        out->uniques += w->group_size[g] == 1;
        same_pairs += s * (s - 1.0) / 2.0;
    }
    out->distinction = w->records ? (double)n_groups / records : NAN;
    out->separation = w->records >= 2 ? 1.0 - same_pairs / (records * (records - 1.0) / 2.0) : NAN;
}

/* Every subset extending qis (whose groups are w->gid[depth]) by QIs after last. */
static void visit(walk *w, size_t depth, uint64_t qis, size_t first)
{
    for (size_t d = first; d < w->n_qi; d++) {
        uint64_t ext = qis | (1ULL << d);
        uint32_t n_groups = refine(w, w->gid[depth], d, w->gid[depth + 1]);
        measure(w, w->gid[depth + 1], n_groups, ext, &w->subsets[w->n_subsets++]);
        if (depth + 1 < w->max_size)
            visit(w, depth + 1, ext, d + 1);
    }
}

/* The partition by every QI of qis, from scratch, into buf[0] (buf[1] is scratch). */
static void partition_of(walk *w, uint64_t qis, uint32_t **buf, edra_contrib_subset *out)
{
    uint32_t n_groups = w->n_rows ? 1 : 0;
    memset(buf[0], 0, (w->n_rows ? w->n_rows : 1) * sizeof *buf[0]);
    for (size_t d = 0; d < w->n_qi; d++) {
        if (!(qis >> d & 1))
            continue;
        n_groups = refine(w, buf[0], d, buf[1]);
        uint32_t *t = buf[0];
        buf[0] = buf[1];
        buf[1] = t;
    }
    measure(w, buf[0], n_groups, qis, out);
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

/* edra_contrib_table over a table of codes, or (codes NULL) over the classes. */
static int contrib_run(edra_contrib_figures *out, const uint32_t *codes,
                       const edra_classes *classes, edra_count_col counts, size_t n_rows,
                       size_t n_qi, size_t max_size, edra_error *err)
{
    walk w = {0};
    uint32_t *buf[2] = {NULL, NULL};
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
    w.codes = codes;
    w.classes = classes;
    w.counts = counts;
    w.max_size = max_size;
    for (size_t r = 0; r < n_rows; r++)
        w.records += edra_count_at(counts, r);
    w.cap = 16;
    while (w.cap < 2 * n_rows)
        w.cap *= 2;
    size_t rows = n_rows ? n_rows : 1;
    w.keys = malloc(w.cap * sizeof *w.keys);
    w.ids = malloc(w.cap * sizeof *w.ids);
    w.group_size = malloc(rows * sizeof *w.group_size);
    w.column = malloc(rows * sizeof *w.column);
    w.gid = calloc(max_size + 1, sizeof *w.gid);
    w.subsets = calloc(n_subsets ? n_subsets : 1, sizeof *w.subsets);
    buf[0] = malloc(rows * sizeof *buf[0]);
    buf[1] = malloc(rows * sizeof *buf[1]);
    out->without = calloc(n_qi, sizeof *out->without);
    out->removal_order = malloc(n_qi * sizeof *out->removal_order);
    order = malloc(n_qi * sizeof *order);
    if (!w.keys || !w.ids || !w.group_size || !w.column || !w.gid || !w.subsets || !buf[0] || !buf[1] ||
        !out->without || !out->removal_order || !order)
        goto oom;
    for (size_t k = 0; k <= max_size; k++)
        if (!(w.gid[k] = calloc(rows, sizeof *w.gid[k])))
            goto oom;

    visit(&w, 0, 0, 0);
    qsort(w.subsets, w.n_subsets, sizeof *w.subsets, cmp_subset);
    uint64_t every = n_qi == 64 ? UINT64_MAX : (1ULL << n_qi) - 1;
    partition_of(&w, every, buf, &out->all);
    for (size_t d = 0; d < n_qi; d++) {
        partition_of(&w, every & ~(1ULL << d), buf, &out->without[d]);
        order[d] = (removal){out->without[d].distinction, out->without[d].uniques, d};
    }
    qsort(order, n_qi, sizeof *order, cmp_removal);
    for (size_t d = 0; d < n_qi; d++)
        out->removal_order[d] = order[d].qi;
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
    for (size_t k = 0; w.gid && k <= max_size; k++)
        free(w.gid[k]);
    free(w.gid);
    free(w.keys);
    free(w.ids);
    free(w.group_size);
    free(w.column);
    free(w.subsets);
    free(buf[0]);
    free(buf[1]);
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
