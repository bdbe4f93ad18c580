/* Sections 6-8 of the PDF report: the methods (models and formulas as applied to this run),
 * the results with their charts, and the appendix (hierarchies, history). Formulas as in
 * El Emam (2013) for risk, Machanavajjhala et al. (2007) for l, Li et al. (2007) for t;
 * population models after Hoshino (2001), Zayatz (1991), Chen & Keller-McNulty (1998),
 * Dankar et al. (2012). */
#include "pdf_technical.h"

#include <string.h>

#include "../metrics/hierarchy.h"
#include "charts.h"

static const edra_target_result *find_result(const edra_figures *f, edra_target_kind kind)
{
    for (size_t i = 0; i < f->n_results; i++)
        if (f->results[i].kind == kind)
            return &f->results[i];
    return NULL;
}

/* ---- 6 methods --------------------------------------------------------------------------- */

static const char *metric_description(edra_pdf_report *r, const char *metric)
{
    if (!metric)
        return NULL;
    if (strcmp(metric, "loss") == 0)
        return "<b>loss</b>, ARX's normalized information loss after Iyengar (2002): for each "
               "quasi-identifier the share of its domain that a generalized value stands for, "
               "averaged over the records (a suppressed record counts as fully generalized), from "
               "0 (values as recorded) to 1 (every value at the top of its hierarchy); the "
               "quasi-identifiers' figures are combined as ARX does.";
    if (strcmp(metric, "precision") == 0)
        return "<b>precision</b> (Sweeney 2002): the mean over quasi-identifiers and records of "
               "level / top level of the hierarchy.";
    if (strcmp(metric, "discernibility") == 0)
        return "<b>discernibility</b> (Bayardo &amp; Agrawal 2005): \u03a3<sub>j</sub> "
               "f<sub>j</sub>\u00b2 over the classes released, plus the records suppressed times "
               "the number of records.";
    if (strcmp(metric, "aecs") == 0)
        return "<b>average equivalence class size</b> (LeFevre et al. 2006): records divided by "
               "classes, the suppressed records counting as one class.";
    if (strcmp(metric, "entropy") == 0)
        return "<b>non-uniform entropy</b> (de Waal &amp; Willenborg 1999): in bits, "
               "\u03a3 \u2212log<sub>2</sub> P(original value | generalized value) over the records "
               "and quasi-identifiers.";
    if (strcmp(metric, "height") == 0)
        return "<b>height</b>: the sum of the generalization levels.";
    return edra_pdf_str(r, "<b>%s</b>.", edra_pdf_esc(r, metric));
}

void edra_pdf_methods(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_figures *fin = r->fin;
    edra_layout *l = r->l;
    const edra_target_result *supp = find_result(fin, EDRA_TARGET_SUPPRESSION);
    int has_sa = fin->n_sa > 0, has_pop = run->before->has_population || fin->has_population;

    edra_layout_heading(l, 2, "Equivalence classes and k-anonymity", 40);
    edra_layout_para(
        l, EDRA_TEXT_BODY, 0,
        "Each quasi-identifier is generalized to one level of its hierarchy (a full-domain "
        "generalization). Records whose generalized quasi-identifiers are equal form an "
        "<i>equivalence class</i>; f<sub>j</sub> is the number of records in class j, J the "
        "number of classes and n = \u03a3<sub>j</sub> f<sub>j</sub> the records released. The "
        "data are k-anonymous for k = min<sub>j</sub> f<sub>j</sub> (Sweeney 2002).");
    if (supp)
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "Suppression follows ARX: the records of the classes that break a "
                            "class-level target (k, the prosecutor threshold, l or t) are removed "
                            "when they are no more than %s of the records; otherwise nothing is "
                            "suppressed and the transformation does not meet the targets.",
                         edra_pdf_pct(r, supp->target)));

    edra_layout_heading(l, 2, "Re-identification risk", 40);
    edra_layout_para(
        l, EDRA_TEXT_BODY, 0,
        "<b>Prosecutor risk</b> (El Emam 2013): a record of class j is re-identified with "
        "probability 1/f<sub>j</sub>. The highest risk is 1/min<sub>j</sub> f<sub>j</sub>, the "
        "average J/n, and the records at risk are the share of records with 1/f<sub>j</sub> &gt; "
        "\u03c4. <b>Journalist risk</b>: as prosecutor risk with F<sub>j</sub>, the size of class "
        "j in the population, in place of f<sub>j</sub>. <b>Marketer risk</b>: the expected share "
        "of records re-identified, (1/n) \u03a3<sub>j</sub> f<sub>j</sub> / F<sub>j</sub>. The "
        "distribution of records over 22 risk buckets (as in ARX) is shown in section 7.");

    if (has_sa) {
        edra_layout_heading(l, 2, "l-diversity", 40);
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            "For the values of a sensitive attribute within a class, with counts r<sub>1</sub> "
            "\u2265 r<sub>2</sub> \u2265 \u2026 \u2265 r<sub>m</sub> and shares p<sub>i</sub> "
            "(Machanavajjhala et al. 2007): <b>distinct l</b> = m; <b>entropy l</b> = "
            "exp(\u2212\u03a3<sub>i</sub> p<sub>i</sub> ln p<sub>i</sub>); <b>recursive (c, l)</b> "
            "holds when r<sub>1</sub> &lt; c (r<sub>l</sub> + r<sub>l+1</sub> + \u2026 + "
            "r<sub>m</sub>). Each figure reported is the smallest over the classes released (for "
            "recursive l, the largest l every class satisfies).");
        edra_layout_heading(l, 2, "t-closeness", 40);
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            "The Earth Mover's Distance between a class's distribution P of a sensitive attribute "
            "and its distribution Q over all records (Li et al. 2007), with m values: <b>equal "
            "distance</b> \u00bd \u03a3<sub>i</sub> |p<sub>i</sub> \u2212 q<sub>i</sub>|; "
            "<b>ordered distance</b> (1/(m\u22121)) \u03a3<sub>i</sub> |\u03a3<sub>j\u2264i</sub> "
            "(p<sub>j</sub> \u2212 q<sub>j</sub>)| for an attribute with an order; "
            "<b>hierarchical distance</b> over the attribute's hierarchy. t is the largest "
            "distance over the classes released.");
    }
    if (has_pop) {
        edra_layout_heading(l, 2, "Population uniqueness", 40);
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            "From the sample's frequencies of frequencies (how many classes there are of each "
            "size) and the population size N, three models estimate how many individuals of the "
            "population are unique on the quasi-identifiers: <b>Pitman</b>'s sampling formula "
            "(Hoshino 2001), <b>Zayatz</b>'s estimate from the sample uniques (Zayatz 1991) and "
            "the <b>SNB</b> (slide negative binomial) model (Chen &amp; Keller-McNulty 1998). The "
            "rule of Dankar et al. (2012), validated on clinical data sets, chooses among them by "
            "the sampling fraction; its choice is the figure the targets are judged by. An "
            "estimator that does not converge gives no figure and is reported as such.");
    }
    if (run->metric_name) {
        edra_layout_heading(l, 2, "Information loss", 40);
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "The transformation is chosen for the least information "
                                         "loss under the metric %s",
                                      metric_description(r, run->metric_name)));
    }
    edra_layout_heading(l, 2, "Search", 40);
    if (run->searched)
        edra_layout_para(
            l, EDRA_TEXT_BODY, 0,
            edra_pdf_str(r, "The generalization lattice has one node per combination of levels, "
                            "%s in all. %s It checked %s of them in %s s%s; %s",
                         edra_pdf_num(r, run->lattice_size),
                         run->exhaustive
                             ? "The search is exact: Flash (Kohlmayer et al. 2012) with the "
                               "predictive tagging of OLA (El Emam et al. 2009) \u2014 once a node "
                               "is known to meet the monotone targets, so do its generalizations, "
                               "and once it fails, so do its specializations \u2014 and a lower "
                               "bound of the loss that excludes nodes unable to improve on the best "
                               "found."
                             : "The lattice was too large for the exact search; a best-effort greedy "
                               "search ran.",
                         edra_pdf_count(r, run->n_nodes), edra_pdf_num(r, run->search_seconds),
                         run->coverage > 0 ? edra_pdf_str(r, ", resolving %s of the lattice",
                                                          edra_pdf_pct(r, run->coverage))
                                           : "",
                         run->proven_optimal
                             ? "no other node that meets the targets has less loss (ties go to "
                               "the lower node, then to the smaller levels)."
                             : "the result is the best found, not proven optimal."));
    else
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         run->after ? "No search ran: the figures are for the transformation the "
                                      "spec gives."
                                    : "No search ran: the figures are for the data as they stand.");

    edra_layout_heading(l, 2, "References", 60);
    const char *refs[16];
    size_t n = 0;
    refs[n++] = "US Department of Health and Human Services. 45 CFR 164.514(b)(1), the expert "
                "determination method of de-identification.";
    refs[n++] = "El Emam K. <i>Guide to the De-Identification of Personal Health Information.</i> "
                "CRC Press, 2013.";
    refs[n++] = "Sweeney L. k-anonymity: a model for protecting privacy. <i>International Journal "
                "of Uncertainty, Fuzziness and Knowledge-Based Systems</i> 10(5):557\u2013570, 2002.";
    if (has_sa) {
        refs[n++] = "Machanavajjhala A, Kifer D, Gehrke J, Venkitasubramaniam M. l-diversity: "
                    "privacy beyond k-anonymity. <i>ACM Transactions on Knowledge Discovery from "
                    "Data</i> 1(1), 2007.";
        refs[n++] = "Li N, Li T, Venkatasubramanian S. t-closeness: privacy beyond k-anonymity and "
                    "l-diversity. <i>Proc. IEEE ICDE</i>, 2007.";
    }
    if (has_pop) {
        refs[n++] = "Hoshino N. Applying Pitman's sampling formula to microdata disclosure risk "
                    "assessment. <i>Journal of Official Statistics</i> 17(4):499\u2013520, 2001.";
        refs[n++] = "Zayatz L. Estimation of the percent of unique population elements on a "
                    "microdata file using the sample. US Bureau of the Census, Statistical Research "
                    "Division report RR-91/08, 1991.";
        refs[n++] = "Chen G, Keller-McNulty S. Estimation of identification disclosure risk in "
                    "microdata. <i>Journal of Official Statistics</i> 14(1):79\u201395, 1998.";
        refs[n++] = "Dankar FK, El Emam K, Neisa A, Roffey T. Estimating the re-identification risk "
                    "of clinical data sets. <i>BMC Medical Informatics and Decision Making</i> "
                    "12:66, 2012.";
    }
    if (run->metric_name) {
        if (strcmp(run->metric_name, "loss") == 0)
            refs[n++] = "Iyengar VS. Transforming data to satisfy privacy constraints. <i>Proc. ACM "
                        "SIGKDD</i>, 2002.";
        else if (strcmp(run->metric_name, "discernibility") == 0)
            refs[n++] = "Bayardo RJ, Agrawal R. Data privacy through optimal k-anonymization. "
                        "<i>Proc. IEEE ICDE</i>, 2005.";
        else if (strcmp(run->metric_name, "aecs") == 0)
            refs[n++] = "LeFevre K, DeWitt DJ, Ramakrishnan R. Mondrian multidimensional "
                        "k-anonymity. <i>Proc. IEEE ICDE</i>, 2006.";
        else if (strcmp(run->metric_name, "entropy") == 0)
            refs[n++] = "de Waal AG, Willenborg LCRJ. Information loss through global recoding and "
                        "local suppression. <i>Netherlands Official Statistics</i> 14:17\u201320, 1999.";
    }
    if (run->searched) {
        refs[n++] = "Kohlmayer F, Prasser F, Eckert C, Kemper A, Kuhn KA. Flash: efficient, stable "
                    "and optimal k-anonymity. <i>Proc. IEEE PASSAT/SocialCom</i>, 2012.";
        refs[n++] = "El Emam K, Dankar FK, Issa R, et al. A globally optimal k-anonymity method for "
                    "the de-identification of health data. <i>Journal of the American Medical "
                    "Informatics Association</i> 16(5):670\u2013682, 2009.";
    }
    edra_layout_bullets(l, n, refs);
}

/* ---- 7 results --------------------------------------------------------------------------- */

typedef struct {
    edra_chart_kind kind;
    const edra_report_run *run;
    edra_error *err;
} chart_job;

static int draw_chart(cairo_t *cr, double width, double height, void *user)
{
    chart_job *job = user;
    return edra_chart_draw(cr, width, height, job->kind, job->run, job->err);
}

static void chart(edra_pdf_report *r, edra_chart_kind kind, const char *text)
{
    edra_layout *l = r->l;
    double w = edra_layout_width(l), h = w * 0.55;
    chart_job job = {kind, r->run, r->err};
    double text_h = text ? edra_layout_measure(l, EDRA_TEXT_BODY, 0, text) + 6 : 0;
    edra_layout_heading(l, 2, edra_chart_title(kind), text_h + h + 4);
    if (text)
        edra_layout_para(l, EDRA_TEXT_BODY, 0, text);
    int rc = edra_layout_figure(l, w, h, draw_chart, &job);
    if (rc && !r->rc)
        r->rc = rc;
}

void edra_pdf_results(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_figures *b = run->before, *a = run->after, *fin = r->fin;
    edra_layout *l = r->l;

    chart(r, EDRA_CHART_CLASS_SIZES,
          a ? edra_pdf_str(r, "Generalization merges the %s classes of the data into %s; no class "
                              "of the release is smaller than %s records.",
                           edra_pdf_count(r, b->prosecutor.classes), edra_pdf_count(r, a->prosecutor.classes),
                           edra_pdf_count(r, a->prosecutor.k_min))
            : NULL);
    chart(r, EDRA_CHART_RISK,
          edra_pdf_str(r, "The share of records at risk (probability above %s) is %s as the data "
                          "stand%s.",
                       edra_pdf_num(r, b->prosecutor.threshold), edra_pdf_pct(r, b->prosecutor.records_at_risk),
                       a ? edra_pdf_str(r, " and %s after the transformation",
                                        edra_pdf_pct(r, a->prosecutor.records_at_risk))
                         : ""));
    if (edra_chart_available(EDRA_CHART_MODELS, run)) {
        chart(r, EDRA_CHART_MODELS, NULL);
        static const double wl[5] = {0.28, 0.14, 0.18, 0.18, 0.22};
        const char *hl[5] = {"Sensitive attribute", "Values", "Distinct l", "Entropy l",
                             "Recursive l (c)"};
        edra_layout_table_begin(l, 5, wl, "lrrrr", hl);
        for (size_t s = 0; s < fin->n_sa; s++) {
            const edra_sa_figures *sa = &fin->sa[s];
            const char *cells[5] = {edra_pdf_esc(r, sa->name), edra_pdf_count(r, sa->distinct_values),
                                    edra_pdf_num(r, sa->l_distinct), edra_pdf_num(r, sa->l_entropy),
                                    edra_pdf_str(r, "%s (%s)", edra_pdf_num(r, sa->l_recursive),
                                                 edra_pdf_num(r, sa->recursive_c))};
            edra_layout_table_row(l, cells);
        }
        edra_layout_table_end(l);
        static const double wt[4] = {0.28, 0.24, 0.24, 0.24};
        const char *ht[4] = {"Sensitive attribute", "t, equal distance", "t, ordered distance",
                             "t, hierarchical distance"};
        edra_layout_table_begin(l, 4, wt, "lrrr", ht);
        for (size_t s = 0; s < fin->n_sa; s++) {
            const edra_sa_figures *sa = &fin->sa[s];
            const char *cells[4] = {edra_pdf_esc(r, sa->name), edra_pdf_num(r, sa->t_equal),
                                    edra_pdf_num(r, sa->t_ordered), edra_pdf_num(r, sa->t_hierarchical)};
            edra_layout_table_row(l, cells);
        }
        edra_layout_table_end(l);
    }
    if (edra_chart_available(EDRA_CHART_POPULATION, run)) {
        chart(r, EDRA_CHART_POPULATION, NULL);
        static const double w[4] = {0.25, 0.25, 0.25, 0.25};
        const char *head[4] = {"Estimator", "As they stand", a ? "Chosen" : "", "Dankar et al. rule"};
        edra_layout_table_begin(l, 4, w, "lrrl", head);
        static const char *names[3] = {"Pitman", "Zayatz", "SNB"};
        for (size_t i = 0; i < 3; i++) {
            const edra_popest *eb[3] = {&b->population.pitman, &b->population.zayatz, &b->population.snb};
            const edra_popest *ea[3] = {NULL, NULL, NULL};
            if (a && a->has_population) {
                ea[0] = &a->population.pitman;
                ea[1] = &a->population.zayatz;
                ea[2] = &a->population.snb;
            }
            int chosen = fin->population.dankar_choice == (edra_popmodel)(EDRA_POPMODEL_PITMAN + (int)i);
            const char *cells[4] = {
                names[i],
                b->has_population ? (eb[i]->ok ? edra_pdf_pct(r, eb[i]->fraction)
                                               : edra_pdf_str(r, "none: %s", edra_pdf_esc(r, eb[i]->why ? eb[i]->why : "undefined")))
                                  : "\u2014",
                ea[i] ? (ea[i]->ok ? edra_pdf_pct(r, ea[i]->fraction)
                                   : edra_pdf_str(r, "none: %s", edra_pdf_esc(r, ea[i]->why ? ea[i]->why : "undefined")))
                      : "",
                chosen ? "<b>chosen</b>" : ""};
            if (chosen)
                edra_layout_table_row_marked(l, cells);
            else
                edra_layout_table_row(l, cells);
        }
        edra_layout_table_end(l);
    }
    if (edra_chart_available(EDRA_CHART_LATTICE, run)) {
        size_t meets = 0;
        for (size_t i = 0; i < run->n_nodes; i++)
            meets += run->nodes[i].meets == 1;
        chart(r, EDRA_CHART_LATTICE,
              edra_pdf_str(r, "%s of the %s transformations checked meet every target. The workbook "
                              "(report.xlsx, sheet Lattice) lists each with its levels, loss and "
                              "records suppressed.",
                           edra_pdf_count(r, meets), edra_pdf_count(r, run->n_nodes)));
    }
    if (edra_chart_available(EDRA_CHART_LOSS, run))
        chart(r, EDRA_CHART_LOSS, NULL);
}

/* ---- 8 appendix -------------------------------------------------------------------------- */

/* A sample of the mapping at level, in labels no finer than applied (the level released,
 * edra_report_shown_level): at that level up to three groups with the number of values in
 * each, above it up to three of its groups and where they go. Below it nothing is shown:
 * those values are finer than the release and would disclose values of the data. */
static const char *mapping_sample(edra_pdf_report *r, const edra_hierarchy *h, size_t level,
                                  size_t applied)
{
    if (level < applied)
        return "<i>finer than the release: not shown</i>";
    size_t leaves = edra_hierarchy_leaves(h), shown = 0;
    uint32_t seen[3];
    GString *s = g_string_new(NULL);
    for (size_t leaf = 0; leaf < leaves && shown < 3; leaf++) {
        uint32_t to = edra_hierarchy_code(h, level, leaf);
        int dup = 0;
        for (size_t k = 0; k < shown; k++)
            dup |= seen[k] == to;
        if (dup)
            continue;
        seen[shown++] = to;
        char *target = g_markup_escape_text(edra_hierarchy_label(h, level, to), -1);
        if (level == applied) {
            char c[32];
            uint32_t n = edra_hierarchy_leaf_count(h, level, to);
            g_string_append_printf(s, "%s%s (%s value%s)", shown > 1 ? "; " : "", target,
                                   edra_report_fmt_count(c, sizeof c, n), n == 1 ? "" : "s");
        } else {
            uint32_t from = edra_hierarchy_code(h, applied, leaf);
            char *source = g_markup_escape_text(edra_hierarchy_label(h, applied, from), -1);
            g_string_append_printf(s, "%s%s \u2192 %s", shown > 1 ? "; " : "", source, target);
            g_free(source);
        }
        g_free(target);
    }
    if (edra_hierarchy_width(h, level) > shown)
        g_string_append(s, "; \u2026");
    char *out = g_string_free(s, FALSE);
    g_ptr_array_add(r->pool, out);
    return out;
}

void edra_pdf_appendix(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    const edra_report_context *ctx = r->ctx;
    const edra_microdata *md = r->md;
    const edra_figures *fin = r->fin;
    edra_layout *l = r->l;

    edra_layout_heading(l, 2, "Hierarchies as applied", 50);
    edra_layout_para(l, EDRA_TEXT_BODY, 0,
                     "Each hierarchy maps the values of a quasi-identifier (its domain, not the "
                     "records) to coarser groups, one level at a time. The highlighted row is the "
                     "level applied; samples are given in its groups or coarser ones, since finer "
                     "values would disclose what the release generalizes.");
    static const double w[3] = {0.10, 0.18, 0.72};
    const char *head[3] = {"Level", "Distinct values", "Sample of the mapping"};
    for (size_t d = 0; d < md->n_qi; d++) {
        const edra_hierarchy *h = md->qi_hier[d];
        edra_layout_keep(l, 90); /* the name, the header row and two levels */
        edra_layout_para(l, EDRA_TEXT_BODY, 0,
                         edra_pdf_str(r, "<b>%s</b>%s \u2014 level %u applied", edra_pdf_esc(r, md->qi_names[d]),
                                      run->qi_hierarchy_sources
                                          ? edra_pdf_str(r, " (%s)", edra_pdf_esc(r, run->qi_hierarchy_sources[d]))
                                          : "",
                                      (unsigned)fin->levels[d]));
        edra_layout_table_begin(l, 3, w, "rrl", head);
        for (size_t level = 0; level < edra_hierarchy_levels(h); level++) {
            const char *cells[3] = {edra_pdf_str(r, "%zu", level),
                                    edra_pdf_count(r, edra_hierarchy_width(h, level)),
                                    mapping_sample(r, h, level, edra_report_shown_level(run, d))};
            if (level == fin->levels[d])
                edra_layout_table_row_marked(l, cells);
            else
                edra_layout_table_row(l, cells);
        }
        edra_layout_table_end(l);
    }

    edra_layout_heading(l, 2, "Run identifiers and hashes", 60);
    edra_layout_table_begin(l, 2, edra_pdf_kv_widths, "ll", NULL);
    edra_pdf_kv(r, "Determination ID", run->run_id ? edra_pdf_esc(r, run->run_id) : "<i>none</i>");
    edra_pdf_kv(r, "Created", edra_pdf_esc(r, run->created_iso));
    edra_pdf_kv(r, "Software", edra_pdf_str(r, "edra %s (command %s)", edra_pdf_esc(r, ctx->version),
                                            edra_pdf_esc(r, ctx->command ? ctx->command : "run")));
    edra_pdf_kv(r, "Data SHA-256", edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->data_sha256 ? ctx->data_sha256 : "not computed")));
    edra_pdf_kv(r, "Spec SHA-256", edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, ctx->spec_sha256 ? ctx->spec_sha256 : "not computed")));
    edra_pdf_kv(r, "Signing key",
                run->signer_fingerprint ? edra_pdf_str(r, "<tt>%s</tt>", edra_pdf_esc(r, run->signer_fingerprint))
                                        : "UNSIGNED");
    edra_layout_table_end(l);
    edra_pdf_history(r);

    edra_layout_heading(l, 2, "The spec", 40);
    if (run->spec_text) {
        edra_layout_para(l, EDRA_TEXT_SMALL, 0,
                         edra_pdf_str(r, "The spec as read (%s), verbatim.", edra_pdf_esc(r, ctx->spec_path)));
        edra_layout_para(l, EDRA_TEXT_MONO, 0, run->spec_text);
    } else {
        edra_layout_para(l, EDRA_TEXT_BODY, 0, "The spec text was not given to the report.");
    }
}

void edra_pdf_history(edra_pdf_report *r)
{
    const char *text = r->run->history_text;
    if (!text)
        return;
    edra_layout_heading(r->l, 2, "History", 40);
    /* one paragraph a statement: the text is the analyzer's, plain, so escape it */
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *one = g_strndup(line, len);
        if (len)
            edra_layout_para(r->l, EDRA_TEXT_BODY, 0, edra_pdf_esc(r, one));
        g_free(one);
        line += len + (nl != NULL);
    }
}
