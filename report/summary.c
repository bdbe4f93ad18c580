/* Plain-text summary for the terminal. */
#include "summary.h"

#include <math.h>

#include "../metrics/hierarchy.h"

static void print_value(FILE *out, double x)
{
    if (isnan(x))
        fprintf(out, "%-12s", "n/a");
    else if (isinf(x))
        fprintf(out, "%-12s", "inf");
    else
        fprintf(out, "%-12.6g", x);
}

void edra_summary_print_source(FILE *out, const edra_report_context *ctx)
{
    const edra_microdata *md = ctx->md;
    fprintf(out, "Data      %s\n", ctx->data_path);
    fprintf(out, "SHA-256   %s\n", ctx->data_sha256);
    fprintf(out, "Records   %llu (%llu source rows, %zu columns, %zu distinct QI/SA combinations)\n",
            (unsigned long long)md->n_records, (unsigned long long)ctx->source_rows,
            ctx->source_columns, md->n_tuples);
    fprintf(out, "QIs       ");
    for (size_t d = 0; d < md->n_qi; d++)
        fprintf(out, "%s%s (%zu levels)", d ? ", " : "", md->qi_names[d],
                edra_hierarchy_levels(md->qi_hier[d]));
    fprintf(out, "\n");
    if (md->n_sa) {
        fprintf(out, "Sensitive ");
        for (size_t s = 0; s < md->n_sa; s++)
            fprintf(out, "%s%s (%u values)", s ? ", " : "", md->sa_names[s], md->sa_domain[s]);
        fprintf(out, "\n");
    }
    for (size_t d = 0; d < md->n_qi; d++)
        if (ctx->qi_missing && ctx->qi_missing[d])
            fprintf(out, "Missing   %s: %llu records carry a missing-value marker; it counts as a value of its own\n",
                    md->qi_names[d], (unsigned long long)ctx->qi_missing[d]);
    if (ctx->population > 0)
        fprintf(out, "Population %.0f (sampling fraction %.3g)\n", ctx->population,
                (double)md->n_records / ctx->population);
    else
        fprintf(out, "Population not given: the sample stands in for the population\n");
}

static void print_targets(FILE *out, const edra_figures *f)
{
    fprintf(out, "  %-44s %-12s %-12s %s\n", "Target", "required", "achieved", "verdict");
    for (size_t i = 0; i < f->n_results; i++) {
        const edra_target_result *r = &f->results[i];
        fprintf(out, "  %-44s ", r->name);
        print_value(out, r->target);
        fprintf(out, " ");
        print_value(out, r->achieved);
        fprintf(out, " %s", r->met ? "met" : "NOT MET");
        if (!r->met && r->violating_classes)
            fprintf(out, " (%llu classes, %llu records)", (unsigned long long)r->violating_classes,
                    (unsigned long long)r->violating_records);
        fprintf(out, "\n");
    }
}

static void print_individual(FILE *out, const edra_indrisk_figures *r)
{
    if (r->weighted)
        fprintf(out, "Individual risk (Benedetti-Franconi, from the sampling weights): ");
    else
        fprintf(out, "Individual risk (no sampling weights: the sample is taken as the population, "
                     "r = 1/f_k): ");
    fprintf(out, "expected re-identifications %.6g, global risk %.6g, highest %.6g, "
                 "records above %g: %.6g\n",
            r->expected, r->global, r->highest, r->threshold, r->share_above);
    if (r->has_households)
        fprintf(out, "Household risk over %llu households: expected re-identifications %.6g, "
                     "global risk %.6g, highest %.6g\n",
                (unsigned long long)r->households, r->household_expected, r->household_global,
                r->household_highest);
}

static void print_population(FILE *out, const edra_population_figures *p)
{
    const struct {
        const char *name;
        const edra_popest *e;
    } models[] = {{"Pitman", &p->pitman}, {"Zayatz", &p->zayatz}, {"SNB", &p->snb}};
    fprintf(out, "Population uniqueness (N = %.0f, sampling fraction %.3g)\n", p->population,
            p->sampling_fraction);
    for (size_t i = 0; i < 3; i++) {
        if (models[i].e->ok)
            fprintf(out, "  %-8s %.10g of the population unique (%.0f individuals)\n", models[i].name,
                    models[i].e->fraction, models[i].e->uniques);
        else
            fprintf(out, "  %-8s did not give an estimate: %s\n", models[i].name,
                    models[i].e->why ? models[i].e->why : "undefined");
    }
    if (p->dankar_choice != EDRA_POPMODEL_NONE)
        fprintf(out, "  Dankar et al. rule chooses %s: %.10g\n", edra_popmodel_name(p->dankar_choice),
                p->dankar_fraction);
    else
        fprintf(out, "  Dankar et al. rule: no model gave an estimate\n");
}

void edra_summary_print(FILE *out, const char *title, const edra_figures *f,
                        const edra_report_context *ctx)
{
    const edra_microdata *md = ctx->md;
    const edra_risk_figures *r = &f->prosecutor;
    fprintf(out, "\n%s\n", title);
    fprintf(out, "Transformation ");
    for (size_t d = 0; d < f->n_qi; d++)
        fprintf(out, "%s%s=%u", d ? "," : "", md->qi_names[d], f->levels[d]);
    fprintf(out, "\n");
    if (f->suppression_applied)
        fprintf(out, "Suppressed %llu records (%.4g%%)\n", (unsigned long long)f->suppressed,
                f->records ? 100.0 * (double)f->suppressed / (double)f->records : 0.0);
    if (f->suppression_exceeded)
        fprintf(out, "Suppression would exceed the limit: nothing suppressed\n");
    fprintf(out, "Records %llu in %llu equivalence classes; smallest %llu, largest %llu\n",
            (unsigned long long)r->records, (unsigned long long)r->classes,
            (unsigned long long)r->k_min, (unsigned long long)r->k_max);
    fprintf(out, "Sample uniques %llu (%.6g of records)\n", (unsigned long long)r->sample_uniques,
            r->records ? (double)r->sample_uniques / (double)r->records : 0.0);
    fprintf(out, "Prosecutor risk: highest %.10g, average %.10g, lowest %.10g\n", r->highest,
            r->average, r->lowest);
    fprintf(out, "Records at risk (risk > %g): %.10g\n", r->threshold, r->records_at_risk);
    if (f->journalist_from_sample)
        fprintf(out, "Journalist risk equals prosecutor risk and marketer risk is classes/records = %.10g:\n"
                     "  no population table was given, so the sample stands in for the population\n",
                f->marketer);
    else
        fprintf(out, "Journalist risk: highest %.10g, average %.10g; marketer risk %.10g\n",
                f->journalist.highest, f->journalist.average, f->marketer);
    for (size_t s = 0; s < f->n_sa; s++) {
        const edra_sa_figures *sa = &f->sa[s];
        fprintf(out, "Sensitive %s: distinct-l %g, entropy-l %.6g, recursive (c=%g) l %g; t equal %.6g",
                sa->name, sa->l_distinct, sa->l_entropy, sa->recursive_c, sa->l_recursive, sa->t_equal);
        if (!isnan(sa->t_ordered))
            fprintf(out, ", ordered %.6g", sa->t_ordered);
        if (!isnan(sa->t_hierarchical))
            fprintf(out, ", hierarchical %.6g", sa->t_hierarchical);
        fprintf(out, "\n");
    }
    print_individual(out, &f->individual);
    if (f->has_population)
        print_population(out, &f->population);
    print_targets(out, f);
    fprintf(out, "Verdict: %s\n", f->targets_met ? "every target met" : "a target is NOT met");
}

void edra_summary_print_suda(FILE *out, const edra_suda_figures *sf, const edra_microdata *md)
{
    fprintf(out, "Special uniques (SUDA2, MSUs up to %zu of %zu QIs, %.3g s): %llu MSUs; %llu records "
                 "have at least one (%llu sample uniques)\n",
            sf->max_size, sf->n_qi, sf->seconds, (unsigned long long)sf->msus,
            (unsigned long long)sf->records_with_msu, (unsigned long long)sf->uniques);
    fprintf(out, "  MSUs by size:");
    for (size_t k = 1; k <= sf->n_qi; k++)
        if (sf->msus_by_size[k])
            fprintf(out, " %zu: %llu", k, (unsigned long long)sf->msus_by_size[k]);
    fprintf(out, "\n  DIS %.4g (fraction %g); DIS-SUDA highest %.4g, records above 0.1: %llu\n",
            sf->dis, sf->dis_fraction, sf->dis_highest,
            (unsigned long long)(sf->records - sf->dis_buckets[0] - sf->dis_buckets[1]));
    fprintf(out, "  Share of the SUDA score by QI:");
    for (size_t d = 0; d < sf->n_qi; d++)
        fprintf(out, "%s %s %.1f%%", d ? "," : "", md->qi_names[d], sf->contribution[d]);
    fprintf(out, "\n");
}

void edra_summary_print_contrib(FILE *out, const edra_contrib_figures *c, const edra_microdata *md)
{
    fprintf(out, "QI subsets up to %zu QIs (%zu): all QIs distinction %.6g, separation %.6g\n",
            c->max_size, c->n_subsets, c->all.distinction, c->all.separation);
    fprintf(out, "  Dropping one QI (most risk-lowering first): ");
    for (size_t i = 0; i < c->n_qi; i++) {
        size_t d = c->removal_order[i];
        fprintf(out, "%s%s -> distinction %.4g, %llu uniques", i ? "; " : "", md->qi_names[d],
                c->without[d].distinction, (unsigned long long)c->without[d].uniques);
    }
    fprintf(out, "\n");
    /* Per size, the subset that tells records apart best: where the risk concentrates. */
    for (size_t size = 1; size <= c->max_size; size++) {
        const edra_contrib_subset *best = NULL;
        for (size_t i = 0; i < c->n_subsets; i++)
            if (c->subsets[i].size == size && (!best || c->subsets[i].distinction > best->distinction))
                best = &c->subsets[i];
        if (!best)
            continue;
        fprintf(out, "  Most distinguishing %zu:", size);
        for (size_t d = 0; d < md->n_qi; d++)
            if (best->qis >> d & 1)
                fprintf(out, " %s", md->qi_names[d]);
        fprintf(out, " (distinction %.4g, separation %.6g, %llu uniques)\n", best->distinction,
                best->separation, (unsigned long long)best->uniques);
    }
}
