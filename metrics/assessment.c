/* One assessment: classes -> suppression of violating classes (ARX semantics: a node is
 * acceptable with suppression when the records of violating classes are at most
 * limit x n, and those records are then left out of every figure) -> prosecutor,
 * journalist and marketer risk, l-diversity and t-closeness per sensitive attribute,
 * population uniqueness, and a verdict per target. */
#include "assessment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldiversity.h"
#include "tcloseness.h"

static double class_distance(const edra_sadist *d, size_t cls, edra_tclose_model m,
                             const edra_microdata *md, size_t sa)
{
    switch (m) {
    case EDRA_TCLOSE_EQUAL:
        return edra_tcloseness_equal(d, cls);
    case EDRA_TCLOSE_ORDERED:
        return md->sa_rank && md->sa_rank[sa] ? edra_tcloseness_ordered(d, cls, md->sa_rank[sa])
                                              : edra_tcloseness_equal(d, cls);
    case EDRA_TCLOSE_HIERARCHICAL:
        return md->sa_hier && md->sa_hier[sa]
                   ? edra_tcloseness_hierarchical(d, cls, md->sa_hier[sa])
                   : edra_tcloseness_equal(d, cls);
    }
    return NAN;
}

/* class_distance with the distances of one-value classes kept by value in by_value (NAN:
 * not yet; NULL: no memo): such a class's distribution is the one point mass whatever its
 * size, so its distance depends on the value alone, and on near-unique data nearly every
 * class is one. */
static double memo_distance(double *by_value, const edra_sadist *d, size_t cls,
                            edra_tclose_model m, const edra_microdata *md, size_t sa)
{
    if (!by_value || d->offsets[cls + 1] - d->offsets[cls] != 1)
        return class_distance(d, cls, m, md, sa);
    uint32_t v = edra_code_at(d->values, d->offsets[cls]);
    if (isnan(by_value[v]))
        by_value[v] = class_distance(d, cls, m, md, sa);
    return by_value[v];
}

/* The prosecutor threshold acts per class: a class with 1/size above it is as risky as one
 * below k, so both are suppressible. */
uint64_t edra_assess_effective_k(const edra_targets *t)
{
    uint64_t k = t->k;
    if (t->prosecutor_risk > 0.0) {
        uint64_t kp = (uint64_t)ceil(1.0 / t->prosecutor_risk - 1e-12);
        if (kp > k)
            k = kp;
    }
    return k;
}

/* Classes of fewer records than l hold fewer than l values: no l-diversity model can hold
 * (exp of the entropy is at most the number of values, recursive (c,l) needs l of them).
 * The slack keeps the size at or below the exact one whatever the rounding of l. */
static uint64_t ldiversity_min_size(double l)
{
    double size = ceil(l * (1.0 - 1e-6));
    return size > 1.0 ? (uint64_t)size : 1;
}

/* Records per value of sensitive attribute sa over all records. */
static uint64_t *sa_totals(const edra_microdata *md, size_t sa)
{
    uint64_t *totals = calloc(md->sa_domain[sa] ? md->sa_domain[sa] : 1, sizeof *totals);
    if (!totals)
        return NULL;
    for (size_t t = 0; t < md->n_tuples; t++)
        totals[edra_code_at(md->sa_codes[sa], t)] += edra_count_at(md->counts, t);
    return totals;
}

/* Sizes up to this are searched for the least t-close size; beyond it t is as good as met. */
#define TCLOSE_SIZE_CAP 4096

uint64_t edra_assess_min_class_size(const edra_targets *t, const edra_microdata *md)
{
    uint64_t size = edra_assess_effective_k(t);
    if (size < 1)
        size = 1;
    for (size_t i = 0; i < t->n_ldiv; i++) {
        uint64_t l_size = ldiversity_min_size(t->ldiv[i].l);
        if (l_size > size)
            size = l_size;
    }
    for (size_t i = 0; i < t->n_tclose; i++) {
        const edra_tclose_target *tt = &t->tclose[i];
        uint64_t *totals = sa_totals(md, tt->sa);
        if (!totals)
            continue; /* out of memory: no bound from this target, which is still sound */
        const uint32_t *rank = md->sa_rank ? md->sa_rank[tt->sa] : NULL;
        const edra_hierarchy *h = md->sa_hier ? md->sa_hier[tt->sa] : NULL;
        uint64_t t_size = edra_tcloseness_min_size(totals, md->sa_domain[tt->sa], tt->model, tt->t,
                                                   rank, h, TCLOSE_SIZE_CAP);
        free(totals);
        if (t_size > size)
            size = t_size;
    }
    return size;
}

int edra_assess_violations_split(uint8_t *violates, uint64_t *violating_records,
                                 uint64_t *monotone_records, const edra_classes *classes,
                                 const edra_targets *targets, uint64_t min_size,
                                 const edra_sadist *const *sadists, edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const edra_count_col sizes = edra_classes_sizes(classes);
    size_t n_classes = edra_classes_count(classes);
    uint64_t k = min_size;
    uint64_t records = 0, monotone = 0;
    (void)err;
    for (size_t c = 0; c < n_classes; c++) {
        int bad = edra_count_at(sizes, c) < k;
        /* Distinct l first: with k it makes the part that only grows down the lattice. */
        for (size_t i = 0; !bad && i < targets->n_ldiv; i++) {
            const edra_ldiv_target *lt = &targets->ldiv[i];
            if (lt->model == EDRA_LDIV_DISTINCT)
                bad = !edra_ldiversity_holds(sadists[lt->sa], c, lt->model, lt->l, lt->c);
        }
        if (bad)
            monotone += edra_count_at(sizes, c);
        for (size_t i = 0; !bad && i < targets->n_ldiv; i++) {
            const edra_ldiv_target *lt = &targets->ldiv[i];
            if (lt->model != EDRA_LDIV_DISTINCT)
                bad = !edra_ldiversity_holds(sadists[lt->sa], c, lt->model, lt->l, lt->c);
        }
        for (size_t i = 0; !bad && i < targets->n_tclose; i++) {
            const edra_tclose_target *tt = &targets->tclose[i];
            bad = class_distance(sadists[tt->sa], c, tt->model, md, tt->sa) > tt->t + 1e-12;
        }
        violates[c] = (uint8_t)bad;
        if (bad)
            records += edra_count_at(sizes, c);
    }
    *violating_records = records;
    if (monotone_records)
        *monotone_records = monotone;
    return 0;
}

int edra_assess_violations(uint8_t *violates, uint64_t *violating_records,
                           const edra_classes *classes, const edra_targets *targets,
                           const edra_sadist *const *sadists, edra_error *err)
{
    return edra_assess_violations_split(violates, violating_records, NULL, classes, targets,
                                        edra_assess_effective_k(targets), sadists, err);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Class-size histogram of the kept classes: sizes up to DENSE_SIZES are counted in an
 * array (on near-unique data millions of classes share a handful of sizes, and sorting
 * them all was a tenth of the assessment), larger ones sorted, then run lengths. */
#define DENSE_SIZES 4096
static int size_histogram(edra_figures *f, edra_count_col sizes, size_t n_classes,
                          const uint8_t *keep)
{
    uint64_t *dense = calloc(DENSE_SIZES + 1, sizeof *dense);
    uint64_t *big = NULL;
    size_t n_big = 0, runs = 0, cap = 0;
    int rc = EDRA_ENOMEM;
    if (!dense)
        return EDRA_ENOMEM;
    for (size_t c = 0; c < n_classes; c++)
        if (keep[c] && edra_count_at(sizes, c) > DENSE_SIZES)
            n_big++;
    big = malloc((n_big ? n_big : 1) * sizeof *big);
    if (!big)
        goto done;
    n_big = 0;
    for (size_t c = 0; c < n_classes; c++) {
        if (!keep[c])
            continue;
        uint64_t size = edra_count_at(sizes, c);
        if (size <= DENSE_SIZES)
            dense[size]++;
        else
            big[n_big++] = size;
    }
    qsort(big, n_big, sizeof *big, cmp_u64);
    for (size_t i = 0; i <= DENSE_SIZES; i++)
        cap += dense[i] > 0;
    cap += n_big;
    f->hist_size = malloc((cap ? cap : 1) * sizeof *f->hist_size);
    f->hist_classes = malloc((cap ? cap : 1) * sizeof *f->hist_classes);
    if (!f->hist_size || !f->hist_classes)
        goto done;
    for (size_t i = 0; i <= DENSE_SIZES; i++)
        if (dense[i]) {
            f->hist_size[runs] = i;
            f->hist_classes[runs++] = dense[i];
        }
    for (size_t i = 0; i < n_big; i++) {
        if (i && big[i - 1] == big[i]) {
            f->hist_classes[runs - 1]++;
        } else {
            f->hist_size[runs] = big[i];
            f->hist_classes[runs++] = 1;
        }
    }
    f->n_sizes = runs;
    rc = 0;
done:
    free(dense);
    free(big);
    return rc;
}

static void sa_figures(edra_sa_figures *s, const edra_sadist *d, const edra_microdata *md,
                       size_t sa, const uint8_t *keep, double recursive_c)
{
    int any = 0;
    s->name = md->sa_names ? md->sa_names[sa] : NULL;
    s->distinct_values = md->sa_domain[sa];
    s->recursive_c = recursive_c;
    s->l_distinct = s->l_entropy = s->l_recursive = INFINITY;
    s->t_equal = s->t_ordered = s->t_hierarchical = 0.0;
    int has_rank = md->sa_rank && md->sa_rank[sa];
    int has_hier = md->sa_hier && md->sa_hier[sa];
    /* A class with one sensitive value is 1-diverse and its distances depend on the value
     * alone: on near-unique data nearly every class is one, so each value is done once. */
    uint8_t *single_done = calloc(d->n_values ? d->n_values : 1, 1);
    for (size_t c = 0; c < d->n_classes; c++) {
        if (!keep[c])
            continue;
        any = 1;
        if (single_done && d->offsets[c + 1] - d->offsets[c] == 1) {
            uint32_t v = edra_code_at(d->values, d->offsets[c]);
            if (single_done[v])
                continue;
            single_done[v] = 1;
        }
        s->l_distinct = fmin(s->l_distinct, edra_ldiversity_distinct(d, c));
        s->l_entropy = fmin(s->l_entropy, edra_ldiversity_entropy(d, c));
        s->l_recursive = fmin(s->l_recursive, edra_ldiversity_recursive(d, c, recursive_c));
        s->t_equal = fmax(s->t_equal, edra_tcloseness_equal(d, c));
        if (has_rank)
            s->t_ordered = fmax(s->t_ordered, edra_tcloseness_ordered(d, c, md->sa_rank[sa]));
        if (has_hier)
            s->t_hierarchical =
                fmax(s->t_hierarchical, edra_tcloseness_hierarchical(d, c, md->sa_hier[sa]));
    }
    free(single_done);
    if (!any)
        s->l_distinct = s->l_entropy = s->l_recursive = NAN;
    if (!has_rank)
        s->t_ordered = NAN;
    if (!has_hier)
        s->t_hierarchical = NAN;
}

static edra_target_result *add_result(edra_figures *f, edra_target_kind kind, double target,
                                      double achieved, int higher_is_better)
{
    edra_target_result *r = &f->results[f->n_results++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->target = target;
    r->achieved = achieved;
    if (isnan(achieved))
        r->met = 0;
    else
        r->met = higher_is_better ? achieved >= target - 1e-12 : achieved <= target + 1e-12;
    return r;
}

static int population_figures(edra_figures *f, const edra_classes *classes, const uint8_t *keep,
                              double population, edra_error *err)
{
    /* Frequencies of frequencies are the class-size histogram already computed. */
    edra_freqfreq ff = {f->n_sizes, f->hist_size, f->hist_classes};
    (void)classes;
    (void)keep;
    if (f->prosecutor.records == 0)
        return 0;
    int rc = edra_population_estimate(&f->population, &ff, population, err);
    if (rc < 0)
        return rc;
    f->has_population = 1;
    return 0;
}

static void judge_targets(edra_figures *f, const edra_targets *t, const edra_sadist *const *sd,
                          const edra_classes *classes, const uint8_t *keep)
{
    const edra_count_col sizes = edra_classes_sizes(classes);
    size_t n_classes = edra_classes_count(classes);
    const edra_microdata *md = edra_classes_microdata(classes);
    edra_target_result *r;
    if (t->k > 0) {
        r = add_result(f, EDRA_TARGET_K, (double)t->k, (double)f->prosecutor.k_min, 1);
        snprintf(r->name, sizeof r->name, "k-anonymity");
        for (size_t c = 0; c < n_classes; c++)
            if (keep[c] && edra_count_at(sizes, c) < t->k) {
                r->violating_classes++;
                r->violating_records += edra_count_at(sizes, c);
            }
    }
    if (t->prosecutor_risk >= 0) {
        r = add_result(f, EDRA_TARGET_PROSECUTOR, t->prosecutor_risk, f->prosecutor.highest, 0);
        snprintf(r->name, sizeof r->name, "highest prosecutor risk");
    }
    if (t->average_risk >= 0) {
        r = add_result(f, EDRA_TARGET_AVERAGE, t->average_risk, f->prosecutor.average, 0);
        snprintf(r->name, sizeof r->name, "average prosecutor risk");
    }
    if (t->records_at_risk >= 0) {
        r = add_result(f, EDRA_TARGET_AT_RISK, t->records_at_risk, f->prosecutor.records_at_risk, 0);
        snprintf(r->name, sizeof r->name, "records at risk (threshold %g)", t->risk_threshold);
    }
    if (t->journalist_risk >= 0) {
        r = add_result(f, EDRA_TARGET_JOURNALIST, t->journalist_risk, f->journalist.highest, 0);
        snprintf(r->name, sizeof r->name, "highest journalist risk");
    }
    if (t->marketer_risk >= 0) {
        r = add_result(f, EDRA_TARGET_MARKETER, t->marketer_risk, f->marketer, 0);
        snprintf(r->name, sizeof r->name, "marketer risk");
    }
    if (t->population_uniqueness >= 0) {
        double achieved = f->has_population ? f->population.dankar_fraction : NAN;
        r = add_result(f, EDRA_TARGET_POPULATION, t->population_uniqueness, achieved, 0);
        snprintf(r->name, sizeof r->name, "population uniqueness (Dankar rule)");
    }
    for (size_t i = 0; i < t->n_ldiv; i++) {
        const edra_ldiv_target *lt = &t->ldiv[i];
        const edra_sa_figures *s = &f->sa[lt->sa];
        double achieved = lt->model == EDRA_LDIV_DISTINCT  ? s->l_distinct
                          : lt->model == EDRA_LDIV_ENTROPY ? s->l_entropy
                                                           : NAN;
        if (lt->model == EDRA_LDIV_RECURSIVE) {
            achieved = INFINITY;
            for (size_t c = 0; c < n_classes; c++)
                if (keep[c])
                    achieved = fmin(achieved, edra_ldiversity_recursive(sd[lt->sa], c, lt->c));
        }
        r = add_result(f, EDRA_TARGET_LDIV, lt->l, achieved, 1);
        if (lt->model == EDRA_LDIV_RECURSIVE)
            snprintf(r->name, sizeof r->name, "l-diversity (recursive, c=%g) on %s", lt->c,
                     md->sa_names[lt->sa]);
        else
            snprintf(r->name, sizeof r->name, "l-diversity (%s) on %s",
                     edra_ldiv_model_name(lt->model), md->sa_names[lt->sa]);
        for (size_t c = 0; c < n_classes; c++)
            if (keep[c] && !edra_ldiversity_holds(sd[lt->sa], c, lt->model, lt->l, lt->c)) {
                r->violating_classes++;
                r->violating_records += edra_count_at(sizes, c);
            }
        r->met = r->violating_classes == 0 && !isnan(achieved);
    }
    for (size_t i = 0; i < t->n_tclose; i++) {
        const edra_tclose_target *tt = &t->tclose[i];
        double achieved = 0.0;
        uint64_t violating_classes = 0, violating_records = 0;
        size_t n_values = sd[tt->sa]->n_values;
        double *by_value = malloc((n_values ? n_values : 1) * sizeof *by_value);
        for (size_t v = 0; by_value && v < n_values; v++)
            by_value[v] = NAN;
        /* One distance a class serves both the figure and the count of violations. */
        for (size_t c = 0; c < n_classes; c++) {
            if (!keep[c])
                continue;
            double dist = memo_distance(by_value, sd[tt->sa], c, tt->model, md, tt->sa);
            achieved = fmax(achieved, dist);
            if (dist > tt->t + 1e-12) {
                violating_classes++;
                violating_records += edra_count_at(sizes, c);
            }
        }
        free(by_value);
        r = add_result(f, EDRA_TARGET_TCLOSE, tt->t, achieved, 0);
        snprintf(r->name, sizeof r->name, "t-closeness (%s) on %s",
                 edra_tclose_model_name(tt->model), md->sa_names[tt->sa]);
        r->violating_classes += violating_classes;
        r->violating_records += violating_records;
    }
    if (t->individual_risk >= 0) {
        r = add_result(f, EDRA_TARGET_INDIVIDUAL, t->individual_risk, f->individual.share_above, 0);
        snprintf(r->name, sizeof r->name, "individual risk above %g (%s)", t->risk_threshold,
                 f->individual.weighted ? "weighted" : "sample as population");
    }
    if (t->global_risk >= 0) {
        r = add_result(f, EDRA_TARGET_GLOBAL, t->global_risk, f->individual.global, 0);
        snprintf(r->name, sizeof r->name, "global risk (%s)",
                 f->individual.weighted ? "weighted" : "sample as population");
    }
    r = add_result(f, EDRA_TARGET_SUPPRESSION, t->suppression,
                   f->records ? (double)f->suppressed / (double)f->records : 0.0, 0);
    snprintf(r->name, sizeof r->name, "records suppressed");
    f->targets_met = 1;
    for (size_t i = 0; i < f->n_results; i++)
        if (!f->results[i].met)
            f->targets_met = 0;
}

static double recursive_c_of(const edra_targets *t, size_t sa)
{
    for (size_t i = 0; i < t->n_ldiv; i++)
        if (t->ldiv[i].sa == sa && t->ldiv[i].model == EDRA_LDIV_RECURSIVE)
            return t->ldiv[i].c;
    return 2.0;
}

int edra_assess(edra_figures *out, const edra_classes *classes, const edra_assess_opts *opts,
                edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const edra_targets *t = opts->targets;
    const edra_count_col sizes = edra_classes_sizes(classes);
    size_t n_classes = edra_classes_count(classes);
    edra_sadist *sd = NULL;
    const edra_sadist **sd_ptr = NULL;
    uint8_t *keep = NULL;
    int rc = 0;

    memset(out, 0, sizeof *out);
    out->n_qi = md->n_qi;
    out->records = md->n_records;
    out->levels = malloc(md->n_qi ? md->n_qi : 1);
    keep = malloc(n_classes ? n_classes : 1);
    sd = calloc(md->n_sa ? md->n_sa : 1, sizeof *sd);
    sd_ptr = calloc(md->n_sa ? md->n_sa : 1, sizeof *sd_ptr);
    out->sa = calloc(md->n_sa ? md->n_sa : 1, sizeof *out->sa);
    out->results = calloc(16 + 2 * EDRA_MAX_SA_TARGETS, sizeof *out->results);
    if (!out->levels || !keep || !sd || !sd_ptr || !out->sa || !out->results) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory assessing");
        goto done;
    }
    if (md->n_qi)
        memcpy(out->levels, edra_classes_levels(classes), md->n_qi);
    out->n_sa = md->n_sa;
    for (size_t s = 0; s < md->n_sa; s++) {
        rc = edra_sadist_build(&sd[s], classes, s, err);
        if (rc < 0)
            goto done;
        sd_ptr[s] = &sd[s];
    }

    memset(keep, 1, n_classes);
    if (opts->apply_suppression) {
        uint64_t violating = 0;
        rc = edra_assess_violations(keep, &violating, classes, t, sd_ptr, err);
        if (rc < 0)
            goto done;
        /* keep currently holds "violates"; invert it when suppression is allowed. */
        if ((double)violating <= t->suppression * (double)md->n_records + 1e-9) {
            for (size_t c = 0; c < n_classes; c++)
                keep[c] = !keep[c];
            out->suppressed = violating;
            out->suppression_applied = 1;
        } else {
            memset(keep, 1, n_classes);
            out->suppression_exceeded = 1;
        }
    }

    edra_risk_prosecutor(&out->prosecutor, sizes, n_classes, keep, t->risk_threshold);
    if (opts->population_sizes) {
        edra_risk_journalist(&out->journalist, sizes, opts->population_sizes, n_classes, keep,
                             t->risk_threshold);
        out->marketer = edra_risk_marketer(sizes, opts->population_sizes, n_classes, keep);
    } else {
        out->journalist = out->prosecutor;
        out->journalist_from_sample = 1;
        out->marketer = edra_risk_marketer(sizes, NULL, n_classes, keep);
    }
    rc = edra_indrisk_compute(&out->individual, classes, keep, t->risk_threshold, err);
    if (rc < 0)
        goto done;
    rc = size_histogram(out, sizes, n_classes, keep);
    if (rc < 0) {
        edra_error_set(err, rc, "out of memory assessing");
        goto done;
    }
    if (opts->population > 0) {
        rc = population_figures(out, classes, keep, opts->population, err);
        if (rc < 0)
            goto done;
    }
    for (size_t s = 0; s < md->n_sa; s++)
        sa_figures(&out->sa[s], &sd[s], md, s, keep, recursive_c_of(t, s));
    judge_targets(out, t, sd_ptr, classes, keep);
done:
    if (sd)
        for (size_t s = 0; s < md->n_sa; s++)
            edra_sadist_clear(&sd[s]);
    free(sd);
    free(sd_ptr);
    free(keep);
    if (rc < 0)
        edra_figures_clear(out);
    return rc;
}

void edra_figures_clear(edra_figures *f)
{
    if (!f)
        return;
    free(f->levels);
    free(f->hist_size);
    free(f->hist_classes);
    free(f->sa);
    free(f->results);
    memset(f, 0, sizeof *f);
}
