/* Information-loss metrics of a full-domain generalization with suppression. ARX's "loss"
 * (Prasser et al., ARX's default utility model): per QI the records' shares of the domain
 * covered by their generalized value (1 when suppressed), normalized to 0..1, combined by a
 * geometric mean. Precision: Sweeney (2002). Discernibility: Bayardo & Agrawal (2005). AECS:
 * LeFevre et al. (2006). Non-uniform entropy: de Waal & Willenborg (1999), as in ARX. */
#include "loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct edra_loss {
    const edra_microdata *md;
    size_t n_qi;
    uint64_t records;
    size_t *n_levels;      /* [n_qi] levels, level 0 included */
    uint64_t *leaves;      /* [n_qi] |D_d| */
    uint64_t **units;      /* [n_qi][level]: sum over records of leaves under the value */
    double **arx;          /* [n_qi][level]: L_d without suppression */
    double **cost;         /* [n_qi][level * leaves + leaf]: -log2 P(leaf | its value) */
    double **cost_top;     /* [n_qi][leaf]: -log2 P(leaf) = cost of a suppressed record */
    double **entropy;      /* [n_qi][level]: bits without suppression */
    double **present;      /* [n_qi][level]: distinct generalized values in the data */
    double tuples;         /* tuples with records: an upper bound on classes */
};

/* L_d from the integer sum of leaf counts: with S_d = units / |D|,
 * (S_d - n/|D|) / (n - n/|D|) = (units - n) / (n (|D| - 1)). Exact inputs keep the result
 * independent of the order the records were summed in. */
static double arx_qi(uint64_t units, uint64_t n, uint64_t leaves)
{
    if (leaves <= 1 || n == 0)
        return 0.0;
    return (double)(units - n) / ((double)n * (double)(leaves - 1));
}

/* A record at level/top; a suppressed record counts 1. A QI with one level cannot be
 * generalized, so its released records lose nothing. */
static double precision_qi(size_t level, size_t top, uint64_t n, uint64_t suppressed)
{
    if (n == 0)
        return 0.0;
    double share = top ? (double)level / (double)top : 0.0;
    return ((double)(n - suppressed) * share + (double)suppressed) / (double)n;
}

static double precision_value(const edra_loss *l, const uint8_t *levels, uint64_t suppressed,
                              double *per_qi)
{
    double sum = 0.0;
    for (size_t d = 0; d < l->n_qi; d++) {
        double x = precision_qi(levels[d], l->n_levels[d] - 1, l->records, suppressed);
        if (per_qi)
            per_qi[d] = x;
        sum += x;
    }
    return l->n_qi ? sum / (double)l->n_qi : 0.0;
}

void edra_loss_free(edra_loss *l)
{
    if (!l)
        return;
    for (size_t d = 0; d < l->n_qi; d++) {
        if (l->units)
            free(l->units[d]);
        if (l->arx)
            free(l->arx[d]);
        if (l->cost)
            free(l->cost[d]);
        if (l->cost_top)
            free(l->cost_top[d]);
        if (l->entropy)
            free(l->entropy[d]);
        if (l->present)
            free(l->present[d]);
    }
    free(l->n_levels);
    free(l->leaves);
    free(l->units);
    free(l->arx);
    free(l->cost);
    free(l->cost_top);
    free(l->entropy);
    free(l->present);
    free(l);
}

/* Tables of one QI. freq0 counts records per leaf; freq the records per value of a level. */
static int build_qi(edra_loss *l, size_t d)
{
    const edra_microdata *md = l->md;
    const edra_hierarchy *h = md->qi_hier[d];
    const edra_code_col codes = md->qi_codes[d];
    size_t n_levels = edra_hierarchy_levels(h), leaves = edra_hierarchy_leaves(h);
    uint64_t *freq0 = NULL, *freq = NULL;
    int rc = EDRA_ENOMEM;

    l->n_levels[d] = n_levels;
    l->leaves[d] = leaves;
    l->units[d] = calloc(n_levels, sizeof *l->units[d]);
    l->arx[d] = calloc(n_levels, sizeof *l->arx[d]);
    l->cost[d] = calloc(n_levels * (leaves ? leaves : 1), sizeof *l->cost[d]);
    l->cost_top[d] = calloc(leaves ? leaves : 1, sizeof *l->cost_top[d]);
    l->entropy[d] = calloc(n_levels, sizeof *l->entropy[d]);
    l->present[d] = calloc(n_levels, sizeof *l->present[d]);
    freq0 = calloc(leaves ? leaves : 1, sizeof *freq0);
    freq = calloc(leaves ? leaves : 1, sizeof *freq);
    if (!l->units[d] || !l->arx[d] || !l->cost[d] || !l->cost_top[d] || !l->entropy[d] ||
        !l->present[d] || !freq0 || !freq)
        goto done;
    for (size_t t = 0; t < md->n_tuples; t++)
        freq0[edra_code_at(codes, t)] += edra_count_at(md->counts, t);
    for (size_t x = 0; x < leaves; x++)
        if (freq0[x])
            l->cost_top[d][x] = log2((double)l->records / (double)freq0[x]);
    for (size_t lev = 0; lev < n_levels; lev++) {
        edra_level_map map = edra_hierarchy_level_map(h, lev);
        uint32_t width = edra_hierarchy_width(h, lev);
        double *cost = l->cost[d] + lev * leaves;
        memset(freq, 0, (width ? width : 1) * sizeof *freq);
        for (size_t x = 0; x < leaves; x++)
            freq[edra_level_map_at(map, x)] += freq0[x];
        for (uint32_t g = 0; g < width; g++)
            if (freq[g])
                l->present[d][lev] += 1.0;
        for (size_t x = 0; x < leaves; x++)
            if (freq0[x])
                cost[x] = log2((double)freq[edra_level_map_at(map, x)] / (double)freq0[x]);
        /* A record's units are the leaves under its value: the leaves' sum, exact. */
        uint64_t units = 0;
        double bits = 0.0;
        for (size_t x = 0; x < leaves; x++)
            if (freq0[x])
                units += freq0[x] * edra_hierarchy_leaf_count(h, lev, edra_level_map_at(map, x));
        for (size_t t = 0; t < md->n_tuples; t++)
            bits += (double)edra_count_at(md->counts, t) * cost[edra_code_at(codes, t)];
        l->units[d][lev] = units;
        l->arx[d][lev] = arx_qi(units, l->records, leaves);
        l->entropy[d][lev] = bits;
    }
    rc = 0;
done:
    free(freq0);
    free(freq);
    return rc;
}

int edra_loss_new(edra_loss **out, const edra_microdata *md, edra_error *err)
{
    size_t n = md->n_qi ? md->n_qi : 1;
    edra_loss *l = calloc(1, sizeof *l);
    int rc = 0;
    *out = NULL;
    if (!l)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory preparing the loss metrics");
    l->md = md;
    l->records = md->n_records;
    l->n_levels = calloc(n, sizeof *l->n_levels);
    l->leaves = calloc(n, sizeof *l->leaves);
    l->units = calloc(n, sizeof *l->units);
    l->arx = calloc(n, sizeof *l->arx);
    l->cost = calloc(n, sizeof *l->cost);
    l->cost_top = calloc(n, sizeof *l->cost_top);
    l->entropy = calloc(n, sizeof *l->entropy);
    l->present = calloc(n, sizeof *l->present);
    if (!l->n_levels || !l->leaves || !l->units || !l->arx || !l->cost || !l->cost_top ||
        !l->entropy || !l->present) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory preparing the loss metrics");
        goto done;
    }
    /* n_qi is set as tables are filled, so a partial build frees what exists. */
    for (size_t d = 0; d < md->n_qi; d++) {
        l->n_qi = d + 1;
        if (build_qi(l, d) < 0) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory preparing the loss metrics");
            goto done;
        }
    }
    for (size_t t = 0; t < md->n_tuples; t++)
        if (edra_count_at(md->counts, t))
            l->tuples += 1.0;
    *out = l;
    l = NULL;
done:
    edra_loss_free(l);
    return rc;
}

int edra_loss_bound_exact(edra_loss_metric metric)
{
    return metric == EDRA_LOSS_ARX || metric == EDRA_LOSS_PRECISION ||
           metric == EDRA_LOSS_ENTROPY || metric == EDRA_LOSS_HEIGHT;
}

/* Most classes the node can have: each holds at least one tuple and one combination of
 * generalized values present in the data. Non-increasing upward. */
static double most_classes(const edra_loss *l, const uint8_t *levels)
{
    double combinations = 1.0;
    for (size_t d = 0; d < l->n_qi; d++)
        combinations *= l->present[d][levels[d]];
    return fmax(1.0, fmin(l->tuples, combinations));
}

double edra_loss_bound(const edra_loss *l, edra_loss_metric metric, const uint8_t *levels)
{
    double n = (double)l->records, sum = 0.0;
    switch (metric) {
    case EDRA_LOSS_ARX: {
        /* The same operations in the same order as arx_value with nothing suppressed, so
         * bound and value agree to the last bit there. */
        double product = 1.0;
        for (size_t d = 0; d < l->n_qi; d++)
            product *= 1.0 + l->arx[d][levels[d]];
        return l->n_qi ? pow(product, 1.0 / (double)l->n_qi) - 1.0 : 0.0;
    }
    case EDRA_LOSS_PRECISION:
        return precision_value(l, levels, 0, NULL);
    case EDRA_LOSS_ENTROPY:
        for (size_t d = 0; d < l->n_qi; d++)
            sum += l->entropy[d][levels[d]];
        return sum;
    case EDRA_LOSS_HEIGHT:
        for (size_t d = 0; d < l->n_qi; d++)
            sum += levels[d];
        return sum;
    /* With C classes at most, sum of squared sizes >= n^2 / C (Cauchy-Schwarz), and a
     * suppressed record costs n >= its class's size: see edra_loss_compute. */
    case EDRA_LOSS_DISCERNIBILITY:
        return n * n / most_classes(l, levels);
    case EDRA_LOSS_AECS:
        return n / most_classes(l, levels);
    }
    return NAN;
}

static uint64_t suppressed_records(const edra_classes *c, const uint8_t *suppressed)
{
    const edra_count_col sizes = edra_classes_sizes(c);
    size_t n_classes = edra_classes_count(c);
    uint64_t s = 0;
    if (!suppressed)
        return 0;
    for (size_t k = 0; k < n_classes; k++)
        if (suppressed[k])
            s += edra_count_at(sizes, k);
    return s;
}

static double arx_value(const edra_loss *l, const edra_classes *c, const uint8_t *suppressed,
                        uint64_t s, double *per_qi)
{
    const edra_microdata *md = l->md;
    const uint8_t *levels = edra_classes_levels(c);
    const edra_count_col sizes = edra_classes_sizes(c);
    const uint32_t *reps = edra_classes_representatives(c);
    size_t n_classes = edra_classes_count(c);
    double product = 1.0;
    for (size_t d = 0; d < l->n_qi; d++) {
        uint64_t units = l->units[d][levels[d]];
        if (s) {
            const edra_hierarchy *h = md->qi_hier[d];
            edra_level_map map = edra_hierarchy_level_map(h, levels[d]);
            uint64_t removed = 0;
            for (size_t k = 0; k < n_classes; k++)
                if (suppressed[k])
                    removed += edra_count_at(sizes, k) *
                               edra_hierarchy_leaf_count(
                                   h, levels[d],
                                   edra_level_map_at(map, edra_code_at(md->qi_codes[d], reps[k])));
            /* A suppressed record covers the whole domain: |D| units. */
            units = units - removed + s * l->leaves[d];
        }
        double x = s ? arx_qi(units, l->records, l->leaves[d]) : l->arx[d][levels[d]];
        if (per_qi)
            per_qi[d] = x;
        product *= 1.0 + x;
    }
    return l->n_qi ? pow(product, 1.0 / (double)l->n_qi) - 1.0 : 0.0;
}

/* A suppressed record counts as generalized to "*": -log2 of its value's share of all
 * records. Summed in tuple order so the class numbering cannot change the rounding. */
static double entropy_value(const edra_loss *l, const edra_classes *c, const uint8_t *suppressed,
                            uint64_t s, double *per_qi)
{
    const edra_microdata *md = l->md;
    const uint8_t *levels = edra_classes_levels(c);
    const uint32_t *of_tuple = edra_classes_of_tuple(c);
    double sum = 0.0;
    for (size_t d = 0; d < l->n_qi; d++) {
        double adjust = 0.0;
        if (s) {
            const double *cost = l->cost[d] + (size_t)levels[d] * l->leaves[d];
            const edra_code_col codes = md->qi_codes[d];
            for (size_t t = 0; t < md->n_tuples; t++) {
                if (!suppressed[of_tuple[t]])
                    continue;
                uint32_t leaf = edra_code_at(codes, t);
                double records = (double)edra_count_at(md->counts, t);
                adjust += records * (l->cost_top[d][leaf] - cost[leaf]);
            }
        }
        double x = l->entropy[d][levels[d]] + adjust;
        if (per_qi)
            per_qi[d] = x;
        sum += x;
    }
    return sum;
}

double edra_loss_compute(const edra_loss *l, edra_loss_metric metric, const edra_classes *c,
                         const uint8_t *suppressed, double *per_qi)
{
    const uint8_t *levels = edra_classes_levels(c);
    const edra_count_col sizes = edra_classes_sizes(c);
    size_t n_classes = edra_classes_count(c);
    uint64_t s = suppressed_records(c, suppressed);
    uint64_t n = l->records;
    double value = NAN;

    if (per_qi && (metric == EDRA_LOSS_DISCERNIBILITY || metric == EDRA_LOSS_AECS))
        for (size_t d = 0; d < l->n_qi; d++)
            per_qi[d] = NAN;
    switch (metric) {
    case EDRA_LOSS_ARX:
        return arx_value(l, c, suppressed, s, per_qi);
    case EDRA_LOSS_PRECISION:
        return precision_value(l, levels, s, per_qi);
    case EDRA_LOSS_ENTROPY:
        return entropy_value(l, c, suppressed, s, per_qi);
    case EDRA_LOSS_HEIGHT:
        value = 0.0;
        for (size_t d = 0; d < l->n_qi; d++) {
            if (per_qi)
                per_qi[d] = levels[d];
            value += levels[d];
        }
        return value;
    case EDRA_LOSS_DISCERNIBILITY: {
        /* Integer sums are exact while n < 2^32 (each term <= n^2); beyond, doubles. */
        if (n < ((uint64_t)1 << 32)) {
            uint64_t sum = s * n;
            for (size_t k = 0; k < n_classes; k++) {
                uint64_t size = edra_count_at(sizes, k);
                if (!suppressed || !suppressed[k])
                    sum += size * size;
            }
            return (double)sum;
        }
        value = (double)s * (double)n;
        for (size_t k = 0; k < n_classes; k++) {
            double size = (double)edra_count_at(sizes, k);
            if (!suppressed || !suppressed[k])
                value += size * size;
        }
        return value;
    }
    case EDRA_LOSS_AECS: {
        uint64_t classes = s ? 1 : 0;
        for (size_t k = 0; k < n_classes; k++)
            if (!suppressed || !suppressed[k])
                classes++;
        return classes ? (double)n / (double)classes : 0.0;
    }
    }
    return value;
}

const char *edra_loss_metric_name(edra_loss_metric metric)
{
    switch (metric) {
    case EDRA_LOSS_ARX:
        return "loss";
    case EDRA_LOSS_PRECISION:
        return "precision";
    case EDRA_LOSS_DISCERNIBILITY:
        return "discernibility";
    case EDRA_LOSS_AECS:
        return "aecs";
    case EDRA_LOSS_ENTROPY:
        return "entropy";
    case EDRA_LOSS_HEIGHT:
        return "height";
    }
    return "?";
}
