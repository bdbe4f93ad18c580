/* t-closeness distances (Li, Li & Venkatasubramanian, "t-Closeness: Privacy Beyond
 * k-Anonymity and l-Diversity", ICDE 2007, Section 4): the Earth Mover's Distance between a
 * class's distribution P and the input's Q under the equal, ordered and hierarchical ground
 * distances. Shares are ratios of integer counts, so sums of Q over a value range are exact
 * integers divided once. Scratch space is on the stack for small domains, else malloc'd per
 * call (NaN if that fails): no state, so callers may run classes on several threads. */
#include "tcloseness.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Domains (or hierarchy levels) up to this size use stack scratch of 16 bytes a value. */
#define SMALL_DOMAIN 256

static uint64_t class_total(const edra_sadist *d, size_t cls)
{
    uint64_t n = 0;
    for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++)
        n += edra_count_at(d->counts, i);
    return n;
}

/* sum_i |p_i - q_i| over every value: values absent from the class contribute q_i, summed as
 * (records outside the class's values) / n_records in one exact integer. */
static double l1_distance(const edra_sadist *d, size_t cls, uint64_t n)
{
    double sum = 0.0, big_n = (double)d->n_records;
    uint64_t covered = 0;
    for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++) {
        uint64_t total = d->totals[edra_code_at(d->values, i)];
        sum += fabs((double)edra_count_at(d->counts, i) / (double)n - (double)total / big_n);
        covered += total;
    }
    assert(covered <= d->n_records);
    return sum + (double)(d->n_records - covered) / big_n;
}

double edra_tcloseness_equal(const edra_sadist *d, size_t cls)
{
    uint64_t n;
    assert(cls < d->n_classes);
    n = class_total(d, cls);
    if (n == 0 || d->n_records == 0)
        return 0.0;
    return 0.5 * l1_distance(d, cls, n);
}

double edra_tcloseness_ordered(const edra_sadist *d, size_t cls, const uint32_t *rank)
{
    uint64_t small[2 * SMALL_DOMAIN];
    uint64_t *scratch = small, *total_at, *count_at;
    uint32_t m = d->n_values;
    uint64_t n, cum_total = 0, cum_count = 0;
    double sum = 0.0, big_n = (double)d->n_records;
    assert(cls < d->n_classes);
    n = class_total(d, cls);
    if (m <= 1 || n == 0 || d->n_records == 0)
        return 0.0;
    if (m > SMALL_DOMAIN) {
        scratch = malloc(2 * (size_t)m * sizeof *scratch);
        if (!scratch)
            return NAN;
    }
    total_at = scratch;
    count_at = scratch + m;
    memset(count_at, 0, m * sizeof *count_at);
    for (uint32_t v = 0; v < m; v++) {
        assert(rank[v] < m);
        total_at[rank[v]] = d->totals[v];
    }
    for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++)
        count_at[rank[edra_code_at(d->values, i)]] = edra_count_at(d->counts, i);
    /* Cumulative counts stay integers, so each term |P(<=i) - Q(<=i)| is rounded once and
     * the last one is exactly 0. */
    for (uint32_t i = 0; i < m; i++) {
        cum_total += total_at[i];
        cum_count += count_at[i];
        sum += fabs((double)cum_count / (double)n - (double)cum_total / big_n);
    }
    if (scratch != small)
        free(scratch);
    return sum / (double)(m - 1);
}

/* The EMD under a tree's ground distance level(lca)/H is the flow over each edge times its
 * length. A leaf-to-ancestor path at level k has length k/H, so an edge from a level-l node
 * to its parent has length 1/(2H) and carries |extra(N)| = |P(N) - Q(N)|; hence
 *   D = (1 / 2H) * sum_{l=0..H-1} A_l,   A_l = sum over nodes N at level l of |extra(N)|.
 * It equals the paper's sum over internal nodes of (h(N)/H) * min(pos_extra, |neg_extra|),
 * since min(pos, |neg|) = (sum_children |extra| - |extra(N)|) / 2 and sums by parts.
 * A top level of several values (ARX allows it) is joined at distance 1, the largest. */
double edra_tcloseness_hierarchical(const edra_sadist *d, size_t cls, const edra_hierarchy *h)
{
    uint64_t small[2 * SMALL_DOMAIN];
    uint64_t *scratch = small, *total_at, *count_at;
    size_t n_levels = edra_hierarchy_levels(h), leaves = edra_hierarchy_leaves(h);
    size_t height = n_levels - 1, widest = 0;
    uint64_t n;
    double sum, big_n = (double)d->n_records;
    assert(cls < d->n_classes);
    assert(d->n_values <= leaves);
    n = class_total(d, cls);
    if (n == 0 || d->n_records == 0)
        return 0.0;
    /* Level 0 needs no table: its A_0 is the L1 distance over the leaves. */
    sum = l1_distance(d, cls, n);
    if (height == 0)
        return 0.5 * sum; /* no internal node: every pair of leaves is at distance 1 */
    for (size_t l = 1; l < height; l++)
        if (edra_hierarchy_width(h, l) > widest)
            widest = edra_hierarchy_width(h, l);
    if (widest > SMALL_DOMAIN) {
        scratch = malloc(2 * widest * sizeof *scratch);
        if (!scratch)
            return NAN;
    }
    total_at = scratch;
    count_at = scratch + widest;
    for (size_t l = 1; l < height; l++) {
        edra_level_map map = edra_hierarchy_level_map(h, l);
        uint32_t width = edra_hierarchy_width(h, l);
        /* Node sums stay integers so a node whose share matches Q's gives exactly 0. */
        memset(total_at, 0, width * sizeof *total_at);
        memset(count_at, 0, width * sizeof *count_at);
        for (uint32_t v = 0; v < d->n_values; v++)
            total_at[edra_level_map_at(map, v)] += d->totals[v];
        for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++)
            count_at[edra_level_map_at(map, edra_code_at(d->values, i))] +=
                edra_count_at(d->counts, i);
        for (uint32_t g = 0; g < width; g++)
            sum += fabs((double)count_at[g] / (double)n - (double)total_at[g] / big_n);
    }
    if (scratch != small)
        free(scratch);
    return sum / (2.0 * (double)height);
}

const char *edra_tclose_model_name(edra_tclose_model m)
{
    switch (m) {
    case EDRA_TCLOSE_EQUAL:
        return "equal";
    case EDRA_TCLOSE_ORDERED:
        return "ordered";
    case EDRA_TCLOSE_HIERARCHICAL:
        return "hierarchical";
    }
    return "unknown";
}

/* ---- the least size a t-close class can have ---- */

/* Cells of the dynamic programmes after which edra_tcloseness_min_size stops where it is:
 * every size below it has been shown to break t, so the answer stays a valid bound. */
#define MIN_SIZE_WORK 4e7
/* A class's least distance must exceed t by this much to count as breaking it, so the
 * programme's rounding (summed in another order than the class check) cannot decide. */
#define MIN_SIZE_MARGIN 1e-9

typedef struct {
    double frac;
    double base;
} share_part;

static int cmp_frac_desc(const void *a, const void *b)
{
    double x = ((const share_part *)a)->frac, y = ((const share_part *)b)->frac;
    return (x < y) - (x > y);
}

/* min over integer x >= 0 with sum x = n of sum_v |x_v / n - p_v|. The objective is
 * separable and convex, so each x_v is floor(n p_v) or one more, the extra units going to
 * the largest fractional parts. */
static double least_l1(const double *p, uint32_t m, uint64_t n, share_part *parts)
{
    double floors = 0.0, sum = 0.0;
    for (uint32_t v = 0; v < m; v++) {
        double scaled = p[v] * (double)n, base = floor(scaled);
        parts[v] = (share_part){scaled - base, base};
        floors += base;
    }
    qsort(parts, m, sizeof *parts, cmp_frac_desc);
    uint64_t extra = (double)n > floors ? (uint64_t)((double)n - floors + 0.5) : 0;
    for (uint32_t v = 0; v < m; v++) {
        double x = parts[v].base + (v < extra ? 1.0 : 0.0);
        sum += fabs(x - (parts[v].base + parts[v].frac));
    }
    return sum / (double)n;
}

/* Ordered distance: f_i(c) = |c/n - P(<= i)| + min_{c' <= c} f_{i-1}(c'), c the class's
 * records at ranks <= i; the least distance is f_{m-1}(n) / (m - 1). */
static double least_ordered(const double *cum, uint32_t m, uint64_t n, double *f)
{
    for (uint64_t c = 0; c <= n; c++)
        f[c] = fabs((double)c / (double)n - cum[0]);
    for (uint32_t i = 1; i < m; i++) {
        double best = INFINITY;
        for (uint64_t c = 0; c <= n; c++) {
            if (f[c] < best)
                best = f[c];
            f[c] = best + fabs((double)c / (double)n - cum[i]);
        }
    }
    return f[n] / (double)(m - 1);
}

/* acc = acc (+) g as a min-plus convolution over sizes 0..n; tmp has n + 1 cells. */
static void min_plus(double *acc, const double *g, uint64_t n, double *tmp)
{
    for (uint64_t s = 0; s <= n; s++) {
        double best = INFINITY;
        for (uint64_t a = 0; a <= s; a++)
            if (acc[a] + g[s - a] < best)
                best = acc[a] + g[s - a];
        tmp[s] = best;
    }
    memcpy(acc, tmp, (n + 1) * sizeof *acc);
}

/* Hierarchical distance, the same sum as edra_tcloseness_hierarchical: a node N at level
 * l < H that holds s of the n records costs |s/n - P(N)|, and g_N(s), the least cost of
 * N's subtree, is that plus the min-plus convolution of its children's g (a leaf's children
 * are none: g is its own cost). The least distance is the convolution of the level H-1
 * nodes at n records, over 2H. share[l] holds P of each node at level l, parent[l] the
 * code at level l + 1 of each node at level l. Scratch: g and next hold the widest level's
 * nodes x (n + 1) cells, tmp n + 1. */
static double least_hierarchical(const double *const *share, const uint32_t *const *parent,
                                 const uint32_t *width, size_t height, uint64_t n, double *g,
                                 double *next, double *tmp)
{
    size_t row = n + 1;
    for (uint32_t v = 0; v < width[0]; v++)
        for (uint64_t s = 0; s <= n; s++)
            g[v * row + s] = fabs((double)s / (double)n - share[0][v]);
    for (size_t l = 1; l <= height; l++) {
        /* At l = H the single accumulator is the whole class: only its size n counts. */
        uint32_t nodes = l < height ? width[l] : 1;
        for (uint32_t u = 0; u < nodes; u++) {
            next[u * row] = 0.0;
            for (uint64_t s = 1; s <= n; s++)
                next[u * row + s] = INFINITY;
        }
        for (uint32_t v = 0; v < width[l - 1]; v++) {
            uint32_t u = l < height ? parent[l - 1][v] : 0;
            min_plus(next + u * row, g + v * row, n, tmp);
        }
        if (l == height)
            return next[n] / (2.0 * (double)height);
        for (uint32_t u = 0; u < nodes; u++)
            for (uint64_t s = 0; s <= n; s++)
                next[u * row + s] += fabs((double)s / (double)n - share[l][u]);
        double *swap = g;
        g = next;
        next = swap;
    }
    return INFINITY; /* not reached: height >= 1 */
}

/* The tree of h below its top level: node shares and parents per level (free_tree frees). */
typedef struct {
    size_t height;
    uint32_t *width;   /* [height] */
    double **share;    /* [height][width] */
    uint32_t **parent; /* [height - 1][width]: code at the level above */
} share_tree;

static void free_tree(share_tree *tr)
{
    for (size_t l = 0; tr->share && l < tr->height; l++)
        free(tr->share[l]);
    for (size_t l = 0; tr->parent && l + 1 < tr->height; l++)
        free(tr->parent[l]);
    free(tr->share);
    free(tr->parent);
    free(tr->width);
}

static int make_tree(share_tree *tr, const double *p, uint32_t m, const edra_hierarchy *h)
{
    size_t leaves = edra_hierarchy_leaves(h);
    memset(tr, 0, sizeof *tr);
    tr->height = edra_hierarchy_levels(h) - 1;
    tr->width = calloc(tr->height, sizeof *tr->width);
    tr->share = calloc(tr->height, sizeof *tr->share);
    tr->parent = calloc(tr->height, sizeof *tr->parent);
    if (!tr->width || !tr->share || !tr->parent)
        return -1;
    for (size_t l = 0; l < tr->height; l++) {
        edra_level_map map = edra_hierarchy_level_map(h, l), up = edra_hierarchy_level_map(h, l + 1);
        tr->width[l] = edra_hierarchy_width(h, l);
        tr->share[l] = calloc(tr->width[l], sizeof *tr->share[l]);
        if (l + 1 < tr->height)
            tr->parent[l] = calloc(tr->width[l], sizeof *tr->parent[l]);
        if (!tr->share[l] || (l + 1 < tr->height && !tr->parent[l]))
            return -1;
        for (size_t v = 0; v < leaves; v++) {
            tr->share[l][edra_level_map_at(map, v)] += v < m ? p[v] : 0.0;
            if (l + 1 < tr->height)
                tr->parent[l][edra_level_map_at(map, v)] = edra_level_map_at(up, v);
        }
    }
    return 0;
}

uint64_t edra_tcloseness_min_size(const uint64_t *totals, uint32_t m, edra_tclose_model model,
                                  double t, const uint32_t *rank, const edra_hierarchy *h,
                                  uint64_t cap)
{
    uint64_t all = 0, n = 1;
    double *p = NULL, *cells = NULL, work = 0.0;
    share_part *parts = NULL;
    share_tree tree = {0};
    size_t widest = m;
    for (uint32_t v = 0; v < m; v++)
        all += totals[v];
    if (m <= 1 || all == 0 || cap <= 1)
        return 1;
    if (model == EDRA_TCLOSE_ORDERED && !rank)
        model = EDRA_TCLOSE_EQUAL;
    if (model == EDRA_TCLOSE_HIERARCHICAL && (!h || edra_hierarchy_levels(h) < 2 ||
                                              edra_hierarchy_leaves(h) < m))
        model = EDRA_TCLOSE_EQUAL;
    p = malloc(m * sizeof *p);
    parts = malloc(m * sizeof *parts);
    if (!p || !parts)
        goto done;
    /* Ordered: p holds the cumulative shares by rank; the others: each value's share. */
    for (uint32_t v = 0; v < m; v++)
        p[model == EDRA_TCLOSE_ORDERED ? rank[v] : v] = (double)totals[v] / (double)all;
    if (model == EDRA_TCLOSE_ORDERED)
        for (uint32_t i = 1; i < m; i++)
            p[i] += p[i - 1];
    if (model == EDRA_TCLOSE_HIERARCHICAL) {
        if (make_tree(&tree, p, m, h) < 0)
            goto done;
        for (size_t l = 0; l < tree.height; l++)
            if (tree.width[l] > widest)
                widest = tree.width[l];
    }
    for (n = 1; n < cap; n++) {
        double least;
        if (model == EDRA_TCLOSE_EQUAL) {
            least = 0.5 * least_l1(p, m, n, parts);
            work += (double)m * 20.0;
        } else {
            double *grown = realloc(cells, (2 * widest + 1) * (n + 1) * sizeof *cells);
            if (!grown)
                break;
            cells = grown;
            if (model == EDRA_TCLOSE_ORDERED) {
                least = least_ordered(p, m, n, cells);
                work += (double)m * (double)(n + 1);
            } else {
                size_t row = n + 1;
                least = least_hierarchical((const double *const *)tree.share,
                                           (const uint32_t *const *)tree.parent, tree.width,
                                           tree.height, n, cells, cells + widest * row,
                                           cells + 2 * widest * row);
                for (size_t l = 0; l < tree.height; l++)
                    work += (double)tree.width[l] * (double)row * (double)row;
            }
        }
        if (!(least > t + MIN_SIZE_MARGIN) || work > MIN_SIZE_WORK)
            break;
    }
done:
    free_tree(&tree);
    free(p);
    free(parts);
    free(cells);
    return n;
}
