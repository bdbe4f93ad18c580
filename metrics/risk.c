/* Prosecutor, journalist and marketer risk as El Emam (Guide to the De-Identification of
 * Personal Health Information, 2013) and ARX define them, from equivalence-class sizes. */
#include "risk.h"

#include <string.h>

const double edra_risk_bucket_edges[EDRA_RISK_BUCKETS] = {
    1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07,
    0.08, 0.09, 0.1,  0.12, 0.14, 0.16, 0.2,  0.25, 0.334, 0.5, 1.0,
};

static size_t bucket_of(double p)
{
    for (size_t i = 0; i < EDRA_RISK_BUCKETS; i++)
        if (p <= edra_risk_bucket_edges[i])
            return i;
    return EDRA_RISK_BUCKETS - 1;
}

/* risk_sizes NULL: each class's risk is 1 / its size. */
static void summarise(edra_risk_figures *out, edra_count_col sizes, const uint64_t *risk_sizes,
                      size_t n_classes, const uint8_t *keep, double threshold)
{
    uint64_t risk_min = UINT64_MAX, risk_max = 0, at_risk = 0;
    double expected = 0.0;
    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    out->k_min = UINT64_MAX;
    for (size_t c = 0; c < n_classes; c++) {
        if (keep && !keep[c])
            continue;
        uint64_t size = edra_count_at(sizes, c), rsize = risk_sizes ? risk_sizes[c] : size;
        double p = 1.0 / (double)rsize;
        out->records += size;
        out->classes++;
        if (size < out->k_min)
            out->k_min = size;
        if (size > out->k_max)
            out->k_max = size;
        if (size == 1)
            out->sample_uniques++;
        if (rsize < risk_min)
            risk_min = rsize;
        if (rsize > risk_max)
            risk_max = rsize;
        if (p > threshold)
            at_risk += size;
        expected += (double)size * p;
        out->bucket_records[bucket_of(p)] += size;
    }
    if (out->records == 0) {
        out->k_min = 0;
        return;
    }
    out->highest = 1.0 / (double)risk_min;
    out->lowest = 1.0 / (double)risk_max;
    /* Average risk is the expected share re-identified: classes/records for the prosecutor. */
    out->average = expected / (double)out->records;
    out->records_at_risk = (double)at_risk / (double)out->records;
}

void edra_risk_prosecutor(edra_risk_figures *out, edra_count_col sizes, size_t n_classes,
                          const uint8_t *keep, double threshold)
{
    summarise(out, sizes, NULL, n_classes, keep, threshold);
}

void edra_risk_journalist(edra_risk_figures *out, edra_count_col sizes,
                          const uint64_t *population_sizes, size_t n_classes,
                          const uint8_t *keep, double threshold)
{
    summarise(out, sizes, population_sizes, n_classes, keep, threshold);
}

double edra_risk_marketer(edra_count_col sizes, const uint64_t *population_sizes,
                          size_t n_classes, const uint8_t *keep)
{
    double expected = 0.0;
    uint64_t records = 0;
    for (size_t c = 0; c < n_classes; c++) {
        if (keep && !keep[c])
            continue;
        uint64_t size = edra_count_at(sizes, c);
        uint64_t rsize = population_sizes ? population_sizes[c] : size;
        expected += (double)size / (double)rsize;
        records += size;
    }
    return records ? expected / (double)records : 0.0;
}
