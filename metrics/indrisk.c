/* Benedetti-Franconi individual risk (Benedetti & Franconi 1998; Franconi & Polettini 2004)
 * with sdcMicro's default approximation (indivRisk(method = "approx")), the global risk as
 * the expected number of re-identifications (sdcMicro's measure_risk: global_risk_ER and
 * global_risk = ER / n) and the household risk 1 - prod(1 - r_i) over each household. */
#include "indrisk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double edra_indrisk_record(uint64_t f, double population_f)
{
    double fk = (double)f;
    if (f == 0)
        return 0.0;
    if (!(population_f > fk))
        return 1.0 / fk;
    /* q = 1 - p from the difference, so p close to 1 keeps its digits. */
    double p = fk / population_f, q = (population_f - fk) / population_f;
    if (f >= 3)
        return p / (fk - q);
    double log_inv_p = -log1p(-q);   /* ln(1/p) */
    if (f == 1)
        return p * log_inv_p / q;
    if (q < 0.05) {
        /* p/q - (p/q)^2 ln(1/p) = p - p^2 (1/2 + q/3 + q^2/4 + ...): the two terms of the
         * closed form are each ~1/q and cancel, so for small q the series is used. */
        double sum = 0.0, term = 1.0;
        for (int j = 2; j < 60 && term > 1e-18; j++) {
            sum += term / j;
            term *= q;
        }
        return p - p * p * sum;
    }
    double ratio = p / q;
    return ratio - ratio * ratio * log_inv_p;
}

/* Sizes below this get their unweighted risk from a table built once per call. */
#define SIZE_TABLE 1024

/* Risk of the records of class c. Without weights F_k = f_k, so it depends on the class's
 * size only: small sizes read the table, computed once per size; larger ones are rare and
 * computed again. With weights, risk[c] holds the class's risk (see edra_indrisk_compute). */
static double risk_of(edra_count_col sizes, const double *risk, const double *by_size, size_t c)
{
    if (risk)
        return risk[c];
    uint64_t size = edra_count_at(sizes, c);
    if (size < SIZE_TABLE)
        return by_size[size];
    return edra_indrisk_record(size, (double)size);
}

int edra_indrisk_compute(edra_indrisk_figures *out, const edra_classes *classes,
                         const uint8_t *keep, double threshold, edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const edra_count_col sizes = edra_classes_sizes(classes);
    const uint32_t *of_tuple = edra_classes_of_tuple(classes);
    size_t n_classes = edra_classes_count(classes);
    double by_size[SIZE_TABLE];
    double *class_risk = NULL, *log_safe = NULL;
    uint64_t *hh_records = NULL;
    uint8_t *hh_certain = NULL;
    int rc = 0;

    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    out->weighted = md->weights != NULL;
    for (uint64_t f = 0; f < SIZE_TABLE; f++)
        by_size[f] = edra_indrisk_record(f, (double)f);
    if (md->weights) {
        /* One double per class: the class's weight, then its risk in the same slot. */
        class_risk = calloc(n_classes ? n_classes : 1, sizeof *class_risk);
        if (!class_risk) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing individual risk");
            goto done;
        }
        for (size_t t = 0; t < md->n_tuples; t++)
            class_risk[of_tuple[t]] += md->weights[t];
        for (size_t c = 0; c < n_classes; c++)
            class_risk[c] = keep && !keep[c] ? 0.0
                                             : edra_indrisk_record(edra_count_at(sizes, c), class_risk[c]);
    }
    for (size_t c = 0; c < n_classes; c++) {
        if (keep && !keep[c])
            continue;
        double r = risk_of(sizes, class_risk, by_size, c);
        out->records += edra_count_at(sizes, c);
        out->expected += (double)edra_count_at(sizes, c) * r;
        if (r > out->highest)
            out->highest = r;
        if (r > threshold)
            out->records_above += edra_count_at(sizes, c);
    }
    if (out->records) {
        out->global = out->expected / (double)out->records;
        out->share_above = (double)out->records_above / (double)out->records;
    }
    if (!md->households.data)
        goto done;

    /* 1 - prod(1 - r_i) is taken through sum(log(1 - r_i)) so a household of many members
     * keeps its precision; a member with r = 1 makes the household certain. */
    size_t n_hh = md->n_households ? md->n_households : 1;
    log_safe = calloc(n_hh, sizeof *log_safe);
    hh_records = calloc(n_hh, sizeof *hh_records);
    hh_certain = calloc(n_hh, sizeof *hh_certain);
    if (!log_safe || !hh_records || !hh_certain) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing household risk");
        goto done;
    }
    out->has_households = 1;
    for (size_t t = 0; t < md->n_tuples; t++) {
        uint32_t c = of_tuple[t], h = edra_code_at(md->households, t);
        if (keep && !keep[c])
            continue;
        double r = risk_of(sizes, class_risk, by_size, c);
        hh_records[h] += edra_count_at(md->counts, t);
        if (r >= 1.0)
            hh_certain[h] = 1;
        else
            log_safe[h] += (double)edra_count_at(md->counts, t) * log1p(-r);
    }
    for (size_t h = 0; h < md->n_households; h++) {
        if (!hh_records[h])
            continue;
        double risk = hh_certain[h] ? 1.0 : -expm1(log_safe[h]);
        out->households++;
        out->household_expected += (double)hh_records[h] * risk;
        if (risk > out->household_highest)
            out->household_highest = risk;
    }
    if (out->records)
        out->household_global = out->household_expected / (double)out->records;
done:
    free(class_risk);
    free(log_safe);
    free(hh_records);
    free(hh_certain);
    return rc;
}
