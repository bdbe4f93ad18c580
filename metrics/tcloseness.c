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
        n += d->counts[i];
    return n;
}

/* sum_i |p_i - q_i| over every value: values absent from the class contribute q_i, summed as
 * (records outside the class's values) / n_records in one exact integer. */
static double l1_distance(const edra_sadist *d, size_t cls, uint64_t n)
{
    double sum = 0.0, big_n = (double)d->n_records;
    uint64_t covered = 0;
    for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++) {
        uint64_t total = d->totals[d->values[i]];
        sum += fabs((double)d->counts[i] / (double)n - (double)total / big_n);
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
        count_at[rank[d->values[i]]] = d->counts[i];
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
        const uint32_t *map = edra_hierarchy_map(h, l);
        uint32_t width = edra_hierarchy_width(h, l);
        /* Node sums stay integers so a node whose share matches Q's gives exactly 0. */
        memset(total_at, 0, width * sizeof *total_at);
        memset(count_at, 0, width * sizeof *count_at);
        for (uint32_t v = 0; v < d->n_values; v++)
            total_at[map[v]] += d->totals[v];
        for (size_t i = d->offsets[cls]; i < d->offsets[cls + 1]; i++)
            count_at[map[d->values[i]]] += d->counts[i];
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
