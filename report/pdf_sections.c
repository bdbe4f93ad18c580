/* Sections 2-5 of the PDF report: the determination statement and its conditions, the
 * executive summary, the data and the threat model (sections 6-8 are pdf_technical.c). Each
 * paragraph is composed from the figures: what holds for this run is stated, what does not
 * apply is left out. Risk as in El Emam (2013); population models after Hoshino (2001),
 * Zayatz (1991) and the Dankar et al. (2012) rule. */
#include "pdf_sections.h"

#include <math.h>

#include "../metrics/hierarchy.h"

#define RED "#b3261e"
#define GREEN "#1e6b34"

static int at_least(edra_target_kind kind)
{
    return kind == EDRA_TARGET_K || kind == EDRA_TARGET_LDIV;
}

void edra_pdf_kv(edra_pdf_report *r, const char *key, const char *value_markup)
{
    const char *cells[2] = {edra_pdf_str(r, "<b>%s</b>", key), value_markup};
    edra_layout_table_row(r->l, cells);
}

const double edra_pdf_kv_widths[2] = {0.27, 0.73};

/* "a, b and c" of the escaped names. */
static const char *name_list(edra_pdf_report *r, size_t n, const char *const *names)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        char *e = g_markup_escape_text(names[i], -1);
        g_string_append_printf(s, "%s<i>%s</i>", i == 0 ? "" : i + 1 == n ? " and " : ", ", e);
        g_free(e);
    }
    char *out = g_string_free(s, FALSE);
    g_ptr_array_add(r->pool, out);
    return out;
}

static const char *recipient(edra_pdf_report *r)
{
    return r->run->recipient ? edra_pdf_str(r, "<b>%s</b>", edra_pdf_esc(r, r->run->recipient))
                             : "the intended recipient";
}

static uint64_t released(const edra_figures *f)
{
    return f->records - f->suppressed;
}

/* ---- 2 determination statement and conditions ----------------------------------------- */

void edra_pdf_statement(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_figures *fin = r->fin;
    edra_layout *l = r->l;
    const char *expert = run->expert ? edra_pdf_esc(r, run->expert) : "the expert";
    const edra_risk_figures *p = &fin->prosecutor;

    edra_layout_heading(l, 2, "Statement", 40);
    if (fin->targets_met) {
        const char *method;
        if (run->after && fin->suppressed)
            method = edra_pdf_str(r, "generalizing the quasi-identifiers to %s and suppressing the "
                                     "%s records (%s) of the equivalence classes that would otherwise "
                                     "break a target",
                                  edra_pdf_levels(r, fin->levels), edra_pdf_count(r, fin->suppressed),
                                  edra_pdf_pct(r, (double)fin->suppressed / (double)fin->records));
        else if (run->after)
            method = edra_pdf_str(r, "generalizing the quasi-identifiers to %s",
                                  edra_pdf_levels(r, fin->levels));
        else
            method = "to the data as they stand, without generalization or suppression";
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "Applying the method documented in this report \u2014 %s \u2014 %s "
                            "determines that the risk is very small that the information released "
                            "to %s could be used, alone or in combination with other reasonably "
                            "available information, by an anticipated recipient to identify an "
                            "individual who is a subject of the information (45 CFR "
                            "164.514(b)(1)).",
                         method, expert, recipient(r)));
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "All %zu targets of section 3 are met. The smallest equivalence class "
                            "holds %s records; the highest prosecutor re-identification risk is %s "
                            "and the average %s; %s of the records released have a risk above the "
                            "threshold %s.",
                         fin->n_results, edra_pdf_count(r, p->k_min), edra_pdf_num(r, p->highest),
                         edra_pdf_num(r, p->average), edra_pdf_pct(r, p->records_at_risk),
                         edra_pdf_num(r, p->threshold)));
    } else {
        GString *unmet = g_string_new(NULL);
        size_t n_unmet = 0;
        for (size_t i = 0; i < fin->n_results; i++)
            if (!fin->results[i].met) {
                char *e = g_markup_escape_text(fin->results[i].name, -1);
                g_string_append_printf(unmet, "%s<i>%s</i>", n_unmet ? ", " : "", e);
                g_free(e);
                n_unmet++;
            }
        char *list = g_string_free(unmet, FALSE);
        g_ptr_array_add(r->pool, list);
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "<b><span foreground=\"" RED "\">This report does not support a "
                            "determination.</span></b> %zu of the %zu targets of section 3 %s not "
                            "met by %s: %s. The data must not be released under an expert "
                            "determination on the basis of this report.",
                         n_unmet, fin->n_results, n_unmet == 1 ? "is" : "are",
                         run->after ? edra_pdf_str(r, "the best transformation found (%s)",
                                                   edra_pdf_levels(r, fin->levels))
                                    : "the data as they stand",
                         list));
    }

    edra_layout_heading(l, 2, "Conditions", 40);
    if (run->recipient)
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "The determination is made for release to %s only, and "
                                         "holds only while the recipient maintains the controls "
                                         "below.",
                                      recipient(r)));
    else
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         "The spec names no intended recipient. The determination depends on who "
                         "receives the data: name the recipient before signing.");
    if (run->n_controls) {
        const char **items = g_new0(const char *, run->n_controls);
        for (size_t i = 0; i < run->n_controls; i++)
            items[i] = edra_pdf_esc(r, run->controls[i]);
        edra_layout_para(l, EDRA_TEXT_BODY, 0, "<b>Controls the recipient maintains</b>");
        edra_layout_bullets(l, run->n_controls, items);
        g_free(items);
    } else {
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         "The spec lists no controls: the determination rests on the figures "
                         "alone.");
    }
    if (run->n_triggers) {
        const char **items = g_new0(const char *, run->n_triggers);
        for (size_t i = 0; i < run->n_triggers; i++)
            items[i] = edra_pdf_esc(r, run->triggers[i]);
        edra_layout_para(l, EDRA_TEXT_BODY, 0, "<b>Re-assess the determination when</b>");
        edra_layout_bullets(l, run->n_triggers, items);
        g_free(items);
    } else {
        edra_layout_para(l, EDRA_TEXT_BODY, 0, "The spec lists no re-assessment triggers.");
    }
    edra_layout_para(l, EDRA_TEXT_BODY, 0,
                     run->validity
                         ? edra_pdf_str(r, "<b>Validity.</b> %s from %.10s.",
                                        edra_pdf_esc(r, run->validity), run->created_iso)
                         : "<b>Validity.</b> The spec gives no validity period.");

    /* limitations that hold for this run */
    const char *items[16];
    size_t n = 0;
    edra_layout_heading(l, 2, "Limitations", 40);
    if (fin->journalist_from_sample)
        items[n++] = "No population table was given, so the sample stands in for the population: "
                     "journalist risk equals prosecutor risk and marketer risk is the number of "
                     "classes divided by the records. Class sizes in the population would give "
                     "lower journalist and marketer risk; these figures are an upper bound.";
    if (!fin->has_population)
        items[n++] = "No population size was given, so population uniqueness was not estimated.";
    else {
        const edra_population_figures *pf = &fin->population;
        const struct {
            const char *name;
            const edra_popest *e;
        } est[3] = {{"Pitman", &pf->pitman}, {"Zayatz", &pf->zayatz}, {"SNB", &pf->snb}};
        for (size_t i = 0; i < 3; i++)
            if (!est[i].e->ok)
                items[n++] = edra_pdf_str(r, "The %s estimator of population uniqueness gave no "
                                             "estimate (%s); the figures of the other estimators "
                                             "stand.",
                                          est[i].name, edra_pdf_esc(r, est[i].e->why ? est[i].e->why : "undefined"));
        if (pf->dankar_choice == EDRA_POPMODEL_NONE)
            items[n++] = "No population-uniqueness estimator gave an estimate, so the Dankar et al. "
                         "rule chose none.";
    }
    if (run->searched && !run->proven_optimal) {
        const char *why = run->timed_out
                              ? edra_pdf_str(r, "it stopped at the time limit after checking %s "
                                                "transformations, with %s of the lattice resolved",
                                             edra_pdf_count(r, run->n_nodes), edra_pdf_pct(r, run->coverage))
                          : !run->exhaustive
                              ? edra_pdf_str(r, "the lattice of %s transformations was too large for "
                                                "the exhaustive search, so a best-effort search ran",
                                             edra_pdf_num(r, run->lattice_size))
                              : "the search ended before it could exclude every alternative";
        items[n++] = edra_pdf_str(r, "The transformation is not proven optimal: %s. A transformation "
                                     "with less information loss may exist; the figures reported hold "
                                     "for the transformation reported.",
                                  why);
    }
    if (run->searched && !run->found)
        items[n++] = "No transformation in the lattice meets every target within the suppression "
                     "limit; the closest one found is reported.";
    if (r->ctx->qi_missing) {
        GString *s = g_string_new(NULL);
        size_t k = 0;
        for (size_t d = 0; d < r->md->n_qi; d++)
            if (r->ctx->qi_missing[d]) {
                char c[48], *e = g_markup_escape_text(r->md->qi_names[d], -1);
                g_string_append_printf(s, "%s<i>%s</i> (%s records)", k++ ? ", " : "", e,
                                       edra_report_fmt_count(c, sizeof c, r->ctx->qi_missing[d]));
                g_free(e);
            }
        char *list = g_string_free(s, FALSE);
        g_ptr_array_add(r->pool, list);
        if (k)
            items[n++] = edra_pdf_str(r, "Missing values in %s count as a value of their own: a "
                                         "missing value is treated as identifying as any other.",
                                      list);
    }
    items[n++] = edra_pdf_str(r, "The attacker is assumed to know at most the quasi-identifiers %s. "
                                 "An attacker who knows other attributes of the subjects is outside "
                                 "this assessment.",
                              name_list(r, r->md->n_qi, r->md->qi_names));
    items[n++] = edra_pdf_str(r, "The figures hold for the data file whose SHA-256 begins "
                                 "<tt>%.16s</tt> (section 4); another extract, even of the same "
                                 "source, needs its own assessment.",
                              r->ctx->data_sha256 ? r->ctx->data_sha256 : "(none)");
    edra_layout_bullets(l, n, items);
}

/* ---- 3 executive summary ---------------------------------------------------------------- */

static const char *required_text(edra_pdf_report *r, const edra_target_result *t)
{
    return edra_pdf_str(r, "%s %s", at_least(t->kind) ? "\u2265" : "\u2264", edra_pdf_num(r, t->target));
}

static const char *verdict_text(edra_pdf_report *r, const edra_target_result *t)
{
    if (t->met)
        return "<span foreground=\"" GREEN "\">met</span>";
    if (t->violating_classes)
        return edra_pdf_str(r, "<b><span foreground=\"" RED "\">NOT MET</span></b> (%s classes, %s "
                               "records)",
                            edra_pdf_count(r, t->violating_classes), edra_pdf_count(r, t->violating_records));
    return "<b><span foreground=\"" RED "\">NOT MET</span></b>";
}

static void figure_row(edra_pdf_report *r, const char *name, const char *before, const char *after)
{
    const char *cells[3] = {name, before, after};
    edra_layout_table_row(r->l, cells);
}

void edra_pdf_summary(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_figures *b = run->before, *a = run->after;
    edra_layout *l = r->l;

    edra_layout_para(
        l, EDRA_TEXT_BODY, 0,
        edra_pdf_str(r, "The data hold %s records in %s equivalence classes over %zu "
                        "quasi-identifiers (%s); the smallest class holds %s record%s and %s records "
                        "are unique in the sample.",
                     edra_pdf_count(r, b->prosecutor.records), edra_pdf_count(r, b->prosecutor.classes),
                     r->md->n_qi, name_list(r, r->md->n_qi, r->md->qi_names),
                     edra_pdf_count(r, b->prosecutor.k_min), b->prosecutor.k_min == 1 ? "" : "s",
                     edra_pdf_count(r, b->prosecutor.sample_uniques)));
    if (a)
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "The chosen transformation %s leaves %s equivalence classes, the smallest "
                            "of %s records, and suppresses %s records (%s)%s.",
                         edra_pdf_levels(r, a->levels), edra_pdf_count(r, a->prosecutor.classes),
                         edra_pdf_count(r, a->prosecutor.k_min), edra_pdf_count(r, a->suppressed),
                         edra_pdf_pct(r, a->records ? (double)a->suppressed / (double)a->records : 0),
                         run->metric_name
                             ? edra_pdf_str(r, ", at an information loss of %s (%s)",
                                            edra_pdf_num(r, run->loss), edra_pdf_esc(r, run->metric_name))
                             : ""));

    edra_layout_heading(l, 2, "Targets", 40);
    if (a) {
        static const double w[5] = {0.30, 0.12, 0.16, 0.12, 0.30};
        const char *head[5] = {"Target", "Required", "As they stand", "Chosen", "Verdict (chosen)"};
        edra_layout_table_begin(l, 5, w, "lrrrl", head);
        for (size_t i = 0; i < a->n_results; i++) {
            const edra_target_result *t = &a->results[i];
            const edra_target_result *tb = i < b->n_results && b->results[i].kind == t->kind
                                               ? &b->results[i]
                                               : NULL;
            const char *cells[5] = {edra_pdf_esc(r, t->name), required_text(r, t),
                                    tb ? edra_pdf_num(r, tb->achieved) : "\u2014",
                                    edra_pdf_num(r, t->achieved), verdict_text(r, t)};
            edra_layout_table_row(l, cells);
        }
    } else {
        static const double w[4] = {0.36, 0.16, 0.16, 0.32};
        const char *head[4] = {"Target", "Required", "Achieved", "Verdict"};
        edra_layout_table_begin(l, 4, w, "lrrl", head);
        for (size_t i = 0; i < b->n_results; i++) {
            const edra_target_result *t = &b->results[i];
            const char *cells[4] = {edra_pdf_esc(r, t->name), required_text(r, t),
                                    edra_pdf_num(r, t->achieved), verdict_text(r, t)};
            edra_layout_table_row(l, cells);
        }
    }
    edra_layout_table_end(l);

    edra_layout_heading(l, 2, "Key figures", 40);
    const edra_figures *f2 = a ? a : b;
    static const double w[3] = {0.46, 0.27, 0.27};
    const char *head[3] = {"Figure", a ? "As they stand" : "Data", a ? "Chosen" : ""};
    edra_layout_table_begin(l, 3, w, "lrr", head);
    figure_row(r, "Transformation", edra_pdf_levels(r, b->levels), a ? edra_pdf_levels(r, a->levels) : "");
    figure_row(r, "Records released", edra_pdf_count(r, released(b)), a ? edra_pdf_count(r, released(a)) : "");
    figure_row(r, "Records suppressed",
               edra_pdf_str(r, "%s (%s)", edra_pdf_count(r, b->suppressed),
                            edra_pdf_pct(r, b->records ? (double)b->suppressed / (double)b->records : 0)),
               a ? edra_pdf_str(r, "%s (%s)", edra_pdf_count(r, a->suppressed),
                                edra_pdf_pct(r, a->records ? (double)a->suppressed / (double)a->records : 0))
                 : "");
    figure_row(r, "Equivalence classes", edra_pdf_count(r, b->prosecutor.classes),
               a ? edra_pdf_count(r, a->prosecutor.classes) : "");
    figure_row(r, "Smallest class (k)", edra_pdf_count(r, b->prosecutor.k_min),
               a ? edra_pdf_count(r, a->prosecutor.k_min) : "");
    figure_row(r, "Sample uniques", edra_pdf_count(r, b->prosecutor.sample_uniques),
               a ? edra_pdf_count(r, a->prosecutor.sample_uniques) : "");
    figure_row(r, "Highest prosecutor risk", edra_pdf_num(r, b->prosecutor.highest),
               a ? edra_pdf_num(r, a->prosecutor.highest) : "");
    figure_row(r, "Average prosecutor risk", edra_pdf_num(r, b->prosecutor.average),
               a ? edra_pdf_num(r, a->prosecutor.average) : "");
    figure_row(r, edra_pdf_str(r, "Records at risk (risk &gt; %s)", edra_pdf_num(r, f2->prosecutor.threshold)),
               edra_pdf_pct(r, b->prosecutor.records_at_risk), a ? edra_pdf_pct(r, a->prosecutor.records_at_risk) : "");
    figure_row(r, "Highest journalist risk", edra_pdf_num(r, b->journalist.highest),
               a ? edra_pdf_num(r, a->journalist.highest) : "");
    figure_row(r, "Marketer risk", edra_pdf_num(r, b->marketer), a ? edra_pdf_num(r, a->marketer) : "");
    if (b->has_population || (a && a->has_population))
        figure_row(r, "Population uniques (Dankar et al. rule)",
                   b->has_population ? edra_pdf_pct(r, b->population.dankar_fraction) : "\u2014",
                   a ? (a->has_population ? edra_pdf_pct(r, a->population.dankar_fraction) : "\u2014") : "");
    if (a && run->metric_name)
        figure_row(r, edra_pdf_str(r, "Information loss (%s)", edra_pdf_esc(r, run->metric_name)),
                   "\u2014", edra_pdf_num(r, run->loss));
    edra_layout_table_end(l);
}

/* ---- 4 data ------------------------------------------------------------------------------ */

void edra_pdf_data(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_report_context *ctx = r->ctx;
    const edra_microdata *md = r->md;
    edra_layout *l = r->l;

    edra_layout_table_begin(l, 2, edra_pdf_kv_widths, "ll", NULL);
    edra_pdf_kv(r, "Source", edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->data_path)));
    edra_pdf_kv(r, "SHA-256 of the source",
                edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->data_sha256 ? ctx->data_sha256 : "not computed")));
    edra_pdf_kv(r, "Spec", edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->spec_path)));
    edra_pdf_kv(r, "SHA-256 of the spec",
                edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->spec_sha256 ? ctx->spec_sha256 : "not computed")));
    edra_pdf_kv(r, "Rows and columns",
                edra_pdf_str(r, "%s rows, %zu columns", edra_pdf_count(r, ctx->source_rows), ctx->source_columns));
    edra_pdf_kv(r, "Records analysed",
                edra_pdf_str(r, "%s%s", edra_pdf_count(r, md->n_records),
                             md->n_records != ctx->source_rows
                                 ? " (rows carry counts or weights, so records differ from rows)"
                                 : ""));
    edra_pdf_kv(r, "Distinct combinations",
                edra_pdf_str(r, "%s of the quasi-identifiers and sensitive attributes",
                             edra_pdf_count(r, md->n_tuples)));
    if (run->n_dropped)
        edra_pdf_kv(r, "Identifiers removed", name_list(r, run->n_dropped, run->dropped));
    edra_pdf_kv(r, "Population",
                ctx->population > 0
                    ? edra_pdf_str(r, "N = %s%s; sampling fraction %s",
                                   edra_pdf_count(r, (uint64_t)llround(ctx->population)),
                                   run->population_source
                                       ? edra_pdf_str(r, " (%s)", edra_pdf_esc(r, run->population_source))
                                       : "",
                                   edra_pdf_num(r, (double)md->n_records / ctx->population))
                    : "not given: the sample stands in for the population");
    edra_layout_table_end(l);

    edra_layout_heading(l, 2, "Attributes", 50);
    static const double w[7] = {0.19, 0.15, 0.11, 0.22, 0.09, 0.11, 0.13};
    const char *head[7] = {"Attribute", "Role", "Type", "Hierarchy", "Levels", "Distinct values", "Missing"};
    edra_layout_table_begin(l, 7, w, "lllllrr", head);
    for (size_t d = 0; d < md->n_qi; d++) {
        size_t levels = edra_hierarchy_levels(md->qi_hier[d]);
        const char *cells[7] = {
            edra_pdf_str(r, "<b>%s</b>", edra_pdf_esc(r, md->qi_names[d])), "quasi-identifier",
            run->qi_types ? edra_pdf_esc(r, run->qi_types[d]) : "\u2014",
            run->qi_hierarchy_sources ? edra_pdf_esc(r, run->qi_hierarchy_sources[d]) : "given",
            edra_pdf_str(r, "%zu (0\u2013%zu)", levels, levels - 1),
            edra_pdf_count(r, edra_hierarchy_leaves(md->qi_hier[d])),
            ctx->qi_missing ? edra_pdf_count(r, ctx->qi_missing[d]) : "\u2014"};
        edra_layout_table_row(l, cells);
    }
    for (size_t s = 0; s < md->n_sa; s++) {
        const edra_hierarchy *h = md->sa_hier ? md->sa_hier[s] : NULL;
        const char *cells[7] = {
            edra_pdf_str(r, "<b>%s</b>", edra_pdf_esc(r, md->sa_names[s])), "sensitive",
            run->sa_types ? edra_pdf_esc(r, run->sa_types[s]) : "\u2014",
            h ? "given (for hierarchical t)" : md->sa_rank && md->sa_rank[s] ? "order (for ordered t)" : "\u2014",
            h ? edra_pdf_str(r, "%zu", edra_hierarchy_levels(h)) : "\u2014",
            edra_pdf_count(r, md->sa_domain[s]),
            ctx->sa_missing ? edra_pdf_count(r, ctx->sa_missing[s]) : "\u2014"};
        edra_layout_table_row(l, cells);
    }
    edra_layout_table_end(l);
    edra_layout_para(l, EDRA_TEXT_SMALL, 0,
                     "Levels: the generalization levels of the hierarchy, level 0 holding the "
                     "values as recorded. Distinct values: the domain size (leaves of the "
                     "hierarchy). Missing: records carrying a missing-value marker.");

    edra_layout_heading(l, 2, "Missing values", 30);
    if (ctx->n_missing_markers) {
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < ctx->n_missing_markers; i++) {
            const char *m = ctx->missing_markers[i];
            char *e = g_markup_escape_text(m, -1);
            g_string_append_printf(s, "%s%s", i ? ", " : "",
                                   *m ? "" : "<i>the empty cell</i>");
            if (*m)
                g_string_append_printf(s, "<tt>\u201c%s\u201d</tt>", e);
            g_free(e);
        }
        char *list = g_string_free(s, FALSE);
        g_ptr_array_add(r->pool, list);
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "A cell holding %s is missing. A missing value is kept as a "
                                         "value of its own: it generalizes to the top of the hierarchy "
                                         "only with the other values, so records with a missing value "
                                         "form classes of their own and count in every figure.",
                                      list));
    } else {
        edra_layout_para(l, EDRA_TEXT_BODY, 0, "The spec declares no missing-value marker.");
    }
}

/* ---- 5 threat model ---------------------------------------------------------------------- */

void edra_pdf_threat(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_figures *b = run->before, *a = run->after, *fin = r->fin;
    edra_layout *l = r->l;
    double thr = fin->prosecutor.threshold;

    if (run->threat_model_note)
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "<b>Setting.</b> %s", edra_pdf_esc(r, run->threat_model_note)));
    edra_layout_heading(l, 2, "Attackers", 50);
    edra_layout_para(
        l, EDRA_TEXT_BODY, 0,
        "Three attackers are considered (El Emam 2013). The <b>prosecutor</b> knows that the "
        "target is in the released data and matches on the quasi-identifiers; the "
        "<b>journalist</b> does not know, and matches a record against the population; the "
        "<b>marketer</b> tries to re-identify as many records as possible and succeeds on the "
        "expected share given.");
    static const double w[6] = {0.16, 0.32, 0.13, 0.13, 0.13, 0.13};
    const char *head[6] = {"Attacker", "Knows", "Highest, as they stand", "Highest, chosen",
                           "Average, as they stand", "Average, chosen"};
    const char *dash = "\u2014";
    edra_layout_table_begin(l, 6, w, "llrrrr", head);
    const char *pros[6] = {"<b>Prosecutor</b>", "the target is in the data",
                           edra_pdf_num(r, b->prosecutor.highest), a ? edra_pdf_num(r, a->prosecutor.highest) : dash,
                           edra_pdf_num(r, b->prosecutor.average), a ? edra_pdf_num(r, a->prosecutor.average) : dash};
    edra_layout_table_row(l, pros);
    const char *jour[6] = {"<b>Journalist</b>",
                           fin->journalist_from_sample ? "the population (the sample stands in for it)"
                                                       : "the population",
                           edra_pdf_num(r, b->journalist.highest), a ? edra_pdf_num(r, a->journalist.highest) : dash,
                           edra_pdf_num(r, b->journalist.average), a ? edra_pdf_num(r, a->journalist.average) : dash};
    edra_layout_table_row(l, jour);
    const char *mark[6] = {"<b>Marketer</b>", "any record will do", dash, dash,
                           edra_pdf_num(r, b->marketer), a ? edra_pdf_num(r, a->marketer) : dash};
    edra_layout_table_row(l, mark);
    edra_layout_table_end(l);

    edra_layout_heading(l, 2, "Population", 40);
    if (r->ctx->population > 0)
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "The data are a sample of a population of N = %s individuals%s, a "
                            "sampling fraction of %s. %s",
                         edra_pdf_count(r, (uint64_t)llround(r->ctx->population)),
                         run->population_source
                             ? edra_pdf_str(r, " (%s)", edra_pdf_esc(r, run->population_source))
                             : "",
                         edra_pdf_num(r, (double)r->md->n_records / r->ctx->population),
                         fin->journalist_from_sample
                             ? "No population table gives the class sizes in the population, so "
                               "journalist and marketer risk use the sample's class sizes, an upper "
                               "bound of the population's."
                             : "The class sizes in the population come from the population table."));
    else
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         "The spec gives no population: the data are treated as the whole "
                         "population, so journalist risk equals prosecutor risk and population "
                         "uniqueness is not estimated.");

    edra_layout_heading(l, 2, "Risk threshold", 60);
    unsigned smallest = thr > 0 ? (unsigned)ceil(1.0 / thr - 1e-9) : 0;
    edra_layout_para(
        l, EDRA_TEXT_BODY, 0,
        edra_pdf_str(r, "A record is at risk when its prosecutor re-identification probability, one "
                        "over the size of its equivalence class, exceeds the threshold \u03c4 = %s: "
                        "a record in a class of fewer than %u records is at risk. El Emam (2013) "
                        "relates thresholds to the smallest cell sizes used as precedents in "
                        "disclosure control:",
                     edra_pdf_num(r, thr), smallest));
    static const struct {
        double threshold;
        unsigned cell;
        const char *precedent;
    } precedents[4] = {
        {0.33, 3, "least strict found in practice; data shared with trusted recipients under strong controls"},
        {0.2, 5, "the most common minimum cell size in disclosure-control practice"},
        {0.09, 11, "minimum cell size of the US Centers for Medicare &amp; Medicaid Services for released data"},
        {0.05, 20, "strictest found in practice; public or weakly controlled releases"}};
    static const double pw[4] = {0.14, 0.16, 0.52, 0.18};
    const char *ph[4] = {"Threshold", "Smallest cell", "Precedent", "This determination"};
    int matched = 0;
    edra_layout_table_begin(l, 4, pw, "rrll", ph);
    for (size_t i = 0; i < 4; i++) {
        int used = fabs(precedents[i].threshold - thr) < 0.005;
        const char *cells[4] = {edra_pdf_num(r, precedents[i].threshold),
                                edra_pdf_str(r, "%u", precedents[i].cell), precedents[i].precedent,
                                used ? "<b>threshold used</b>" : ""};
        matched |= used;
        if (used)
            edra_layout_table_row_marked(l, cells);
        else
            edra_layout_table_row(l, cells);
    }
    edra_layout_table_end(l);
    if (!matched)
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "The threshold used, %s, is not one of these precedents; the "
                                         "expert's reasons for it belong in the conditions above.",
                                      edra_pdf_num(r, thr)));
}
