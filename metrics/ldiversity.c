/* l-diversity of one equivalence class (Machanavajjhala, Kifer, Gehrke & Venkitasubramaniam,
 * "l-Diversity: Privacy Beyond k-Anonymity", TKDD 2007): distinct l-diversity, entropy
 * l-diversity (Definition 4.1: exp of the entropy, natural log, so the figure is comparable
 * to a count of values) and recursive (c,l)-diversity (Definition 4.2). */
#include "ldiversity.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* Classes this small are sorted on the stack: no allocation in the common case. */
#define SMALL_CLASS 256

/* Entropy l passes at l up to this relative slack: a class spread evenly over exactly l
 * values has exp(H) = l, which rounding can put one ulp below l. */
#define ENTROPY_SLACK 1e-9

double edra_ldiversity_distinct(const edra_sadist *d, size_t cls)
{
    assert(cls < d->n_classes);
    return (double)(d->offsets[cls + 1] - d->offsets[cls]);
}

double edra_ldiversity_entropy(const edra_sadist *d, size_t cls)
{
    size_t begin, end;
    uint64_t n = 0;
    double h = 0.0;
    assert(cls < d->n_classes);
    begin = d->offsets[cls];
    end = d->offsets[cls + 1];
    for (size_t i = begin; i < end; i++)
        n += edra_count_at(d->counts, i);
    if (n == 0)
        return 0.0;
    for (size_t i = begin; i < end; i++) {
        double p = (double)edra_count_at(d->counts, i) / (double)n;
        h -= p * log(p);
    }
    return exp(h);
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

double edra_ldiversity_recursive(const edra_sadist *d, size_t cls, double c)
{
    uint64_t small[SMALL_CLASS];
    uint64_t *sorted = small;
    size_t begin, m;
    uint64_t suffix = 0;
    double l = 0.0;
    assert(cls < d->n_classes);
    begin = d->offsets[cls];
    m = d->offsets[cls + 1] - begin;
    if (m == 0)
        return 0.0;
    if (m > SMALL_CLASS) {
        sorted = malloc(m * sizeof *sorted);
        if (!sorted)
            return NAN;
    }
    for (size_t i = 0; i < m; i++)
        sorted[i] = edra_count_at(d->counts, begin + i);
    qsort(sorted, m, sizeof *sorted, cmp_desc);
    for (size_t i = 0; i < m; i++)
        suffix += sorted[i];
    /* suffix = r_l + ... + r_m shrinks as l grows, so the condition holds for l = 1..L and
     * fails beyond: the answer is the last l that passes. */
    for (size_t i = 0; i < m; i++) {
        if (!((double)sorted[0] < c * (double)suffix))
            break;
        l = (double)(i + 1);
        suffix -= sorted[i];
    }
    if (sorted != small)
        free(sorted);
    return l;
}

int edra_ldiversity_holds(const edra_sadist *d, size_t cls, edra_ldiv_model m, double l, double c)
{
    switch (m) {
    case EDRA_LDIV_DISTINCT:
        return edra_ldiversity_distinct(d, cls) >= l;
    case EDRA_LDIV_ENTROPY:
        return edra_ldiversity_entropy(d, cls) >= l * (1.0 - ENTROPY_SLACK);
    case EDRA_LDIV_RECURSIVE:
        /* recursive() is the largest integer l that holds; any l at or below it holds too. */
        return edra_ldiversity_recursive(d, cls, c) >= l;
    }
    assert(!"unknown l-diversity model");
    return 0;
}

const char *edra_ldiv_model_name(edra_ldiv_model m)
{
    switch (m) {
    case EDRA_LDIV_DISTINCT:
        return "distinct";
    case EDRA_LDIV_ENTROPY:
        return "entropy";
    case EDRA_LDIV_RECURSIVE:
        return "recursive";
    }
    return "unknown";
}
