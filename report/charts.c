/* Charts with cairo and pangocairo (report/plot draws). Every chart is drawn on a logical
 * canvas LOGICAL_WIDTH units wide (height in proportion) scaled to the target, so a
 * 1200-pixel PNG and a chart embedded in the PDF look alike. Risk buckets are
 * metrics/risk.h's (ARX's risk view); class sizes are binned 1, 2, 3-4, 5-9, 10-19, 20-49,
 * ... on a log scale. */
#include "charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>

#include "../metrics/hierarchy.h"
#include "atomic.h"
#include "plot.h"

#define LOGICAL_WIDTH 850.0

static const edra_plot_rgb BEFORE = {0.64, 0.71, 0.80};
static const edra_plot_rgb AFTER = {0.13, 0.36, 0.62};
static const edra_plot_rgb SERIES3 = {0.87, 0.52, 0.15};
static const edra_plot_rgb MEETS = {0.18, 0.55, 0.31};
static const edra_plot_rgb FAILS = {0.78, 0.29, 0.25};
static const edra_plot_rgb PARTIAL = {0.62, 0.62, 0.64};
static const edra_plot_rgb CHOSEN = {0.93, 0.55, 0.05};

/* ---- the charts ---------------------------------------------------------------------- */

#define BEFORE_NAME "data as they stand"
#define AFTER_NAME "chosen transformation"

/* Class-size bins 1, 2, 3-4, 5-9, 10-19, 20-49, 50-99, 100-199, ...: fills the lower bounds
 * of the bins up to the one holding largest, plus one more (so bin g ends at lo[g+1] - 1),
 * and returns the number of bins; lo has room for max_lo entries. */
static size_t size_bins(uint64_t *lo, size_t max_lo, uint64_t largest)
{
    static const uint64_t first[] = {1, 2, 3, 5};
    static const uint64_t steps[] = {1, 2, 5};
    size_t n = 0;
    uint64_t decade = 10;
    for (size_t i = 0; i < 4; i++)
        lo[n++] = first[i];
    while (lo[n - 1] <= largest && n < max_lo) {
        lo[n] = decade * steps[(n - 4) % 3];
        n++;
        if ((n - 4) % 3 == 0) {
            if (decade > UINT64_MAX / 100)
                break; /* more records than anyone will hold; the last bin stays open */
            decade *= 10;
        }
    }
    size_t bins = 1;
    while (bins + 1 < n && lo[bins] <= largest)
        bins++;
    return bins;
}

static uint64_t largest_class(const edra_figures *f)
{
    return f && f->n_sizes ? f->hist_size[f->n_sizes - 1] : 1;
}

static void histogram_into(double *out, size_t stride, const uint64_t *lo, size_t n_bins,
                           const edra_figures *f)
{
    for (size_t b = 0; b < n_bins; b++)
        out[b * stride] = 0;
    for (size_t i = 0; i < f->n_sizes; i++) {
        size_t b = n_bins - 1;
        while (b > 0 && f->hist_size[i] < lo[b])
            b--;
        out[b * stride] += (double)f->hist_classes[i];
    }
}

static void chart_class_sizes(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    char labels[EDRA_PLOT_MAX_GROUPS][72];
    edra_plot_bars_spec p;
    uint64_t lo[EDRA_PLOT_MAX_GROUPS + 1];
    char sub[256], a[32], b[32];
    memset(&p, 0, sizeof p);
    uint64_t largest = largest_class(run->before);
    if (run->after && largest_class(run->after) > largest)
        largest = largest_class(run->after);
    p.n_groups = size_bins(lo, EDRA_PLOT_MAX_GROUPS + 1, largest);
    p.n_series = run->after ? 2 : 1;
    for (size_t g = 0; g < p.n_groups; g++) {
        uint64_t hi = lo[g + 1] - 1;
        edra_report_fmt_count(a, sizeof a, lo[g]);
        edra_report_fmt_count(b, sizeof b, hi);
        if (hi == lo[g])
            snprintf(labels[g], sizeof labels[g], "%s", a);
        else
            snprintf(labels[g], sizeof labels[g], "%s\u2013%s", a, b);
        p.group_labels[g] = labels[g];
    }
    histogram_into(&p.values[0][0], EDRA_PLOT_MAX_SERIES, lo, p.n_groups, run->before);
    p.colors[0] = run->after ? BEFORE : AFTER;
    if (run->after) {
        histogram_into(&p.values[0][1], EDRA_PLOT_MAX_SERIES, lo, p.n_groups, run->after);
        p.colors[1] = AFTER;
    }
    p.log_y = 1;
    p.value_labels = 1;
    p.threshold_after = -1;
    p.x_title = "class size (records in the equivalence class)";
    p.y_title = "equivalence classes (log scale)";
    edra_report_fmt_count(a, sizeof a, run->before->prosecutor.classes);
    if (run->after) {
        edra_report_fmt_count(b, sizeof b, run->after->prosecutor.classes);
        snprintf(sub, sizeof sub,
                 "Equivalence classes by size: %s classes as the data stand, %s after the chosen "
                 "transformation (smallest class %llu).",
                 a, b, (unsigned long long)run->after->prosecutor.k_min);
    } else {
        snprintf(sub, sizeof sub, "Equivalence classes by size: %s classes (smallest class %llu).",
                 a, (unsigned long long)run->before->prosecutor.k_min);
    }
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_CLASS_SIZES), sub);
    edra_plot_legend_item items[2] = {{p.colors[0], BEFORE_NAME, 0}, {AFTER, AFTER_NAME, 0}};
    y += edra_plot_legend(cr, 24, y, W - 24, items, run->after ? 2 : 1) + 6;
    edra_plot_bars(cr, 16, y, W - 32, H - y - 10, &p);
}

static void chart_risk(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    char labels[EDRA_RISK_BUCKETS][32];
    edra_plot_bars_spec p;
    char sub[320], thr_label[48], num[32];
    const edra_figures *figs[2] = {run->before, run->after};
    memset(&p, 0, sizeof p);
    p.n_groups = EDRA_RISK_BUCKETS;
    p.n_series = run->after ? 2 : 1;
    for (size_t g = 0; g < EDRA_RISK_BUCKETS; g++) {
        snprintf(labels[g], sizeof labels[g], "%g%%", edra_risk_bucket_edges[g] * 100);
        p.group_labels[g] = labels[g];
    }
    for (size_t s = 0; s < p.n_series; s++) {
        const edra_risk_figures *r = &figs[s]->prosecutor;
        for (size_t g = 0; g < EDRA_RISK_BUCKETS; g++)
            p.values[g][s] =
                r->records ? 100.0 * (double)r->bucket_records[g] / (double)r->records : 0.0;
    }
    p.colors[0] = run->after ? BEFORE : AFTER;
    p.colors[1] = AFTER;
    p.percent = 1;
    p.threshold_after = -1;
    double thr = run->before->prosecutor.threshold;
    if (thr > 0 && thr < 1) {
        /* the bucket edge the threshold falls on (0.33 sits on the 0.334 edge) */
        for (size_t g = 0; g < EDRA_RISK_BUCKETS; g++)
            if (edra_risk_bucket_edges[g] <= thr + 0.0051)
                p.threshold_after = (double)g;
        snprintf(thr_label, sizeof thr_label, "threshold %s",
                 edra_report_fmt_num(num, sizeof num, thr, 3));
        p.threshold_label = thr_label;
    }
    p.x_title = "re-identification probability 1/class size (upper edge of the bucket)";
    p.y_title = "records (% of records released)";
    char after_text[96] = "";
    if (run->after)
        snprintf(
            after_text, sizeof after_text, ", %s%% after the chosen transformation",
            edra_report_fmt_num(num, sizeof num, 100 * run->after->prosecutor.records_at_risk, 3));
    snprintf(sub, sizeof sub,
             "Records by prosecutor re-identification probability. Records right of the dashed "
             "line are at risk: %s%% as the data stand%s.",
             edra_report_fmt_num(num, sizeof num, 100 * run->before->prosecutor.records_at_risk, 3),
             after_text);
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_RISK), sub);
    edra_plot_legend_item items[2] = {{p.colors[0], BEFORE_NAME, 0}, {AFTER, AFTER_NAME, 0}};
    y += edra_plot_legend(cr, 24, y, W - 24, items, run->after ? 2 : 1) + 6;
    edra_plot_bars(cr, 16, y, W - 32, H - y - 10, &p);
}

static void chart_models(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    const edra_figures *f = edra_report_final(run);
    edra_plot_bars_spec l, t;
    char sub[256], c_label[48], num[32];
    memset(&l, 0, sizeof l);
    memset(&t, 0, sizeof t);
    size_t n = f->n_sa < EDRA_PLOT_MAX_GROUPS ? f->n_sa : EDRA_PLOT_MAX_GROUPS;
    l.n_groups = t.n_groups = n;
    l.n_series = t.n_series = 3;
    l.colors[0] = t.colors[0] = AFTER;
    l.colors[1] = t.colors[1] = BEFORE;
    l.colors[2] = t.colors[2] = SERIES3;
    double c = n ? f->sa[0].recursive_c : 2;
    for (size_t s = 0; s < n; s++) {
        l.group_labels[s] = t.group_labels[s] = f->sa[s].name;
        l.values[s][0] = f->sa[s].l_distinct;
        l.values[s][1] = f->sa[s].l_entropy;
        l.values[s][2] = f->sa[s].l_recursive;
        t.values[s][0] = f->sa[s].t_equal;
        t.values[s][1] = f->sa[s].t_ordered;
        t.values[s][2] = f->sa[s].t_hierarchical;
    }
    l.value_labels = t.value_labels = 1;
    l.threshold_after = t.threshold_after = -1;
    l.title = "l-diversity (smallest over the classes)";
    t.title = "t-closeness (largest over the classes)";
    l.x_title = t.x_title = "sensitive attribute";
    l.y_title = "l (higher is more diverse)";
    t.y_title = "t (lower is closer)";
    snprintf(sub, sizeof sub,
             "Privacy models per sensitive attribute, %s. n/a: the model does not "
             "apply (no order or no hierarchy for the attribute).",
             run->after ? "after the chosen transformation" : "data as they stand");
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_MODELS), sub);
    snprintf(c_label, sizeof c_label, "recursive (c = %s)",
             edra_report_fmt_num(num, sizeof num, c, 3));
    edra_plot_legend_item items[3] = {{AFTER, "distinct l / equal distance", 0},
                                      {BEFORE, "entropy l / ordered distance", 0},
                                      {SERIES3, c_label, 0}};
    y += edra_plot_legend(cr, 24, y, W - 24, items, 3) + 8;
    edra_plot_bars(cr, 16, y, W / 2 - 24, H - y - 10, &l);
    edra_plot_bars(cr, W / 2 + 8, y, W / 2 - 24, H - y - 10, &t);
}

static void chart_population(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    static const char *models[3] = {"Pitman", "Zayatz", "SNB"};
    edra_plot_bars_spec p;
    char sub[320], n_text[40], num[32];
    const edra_figures *figs[2];
    size_t n_figs = 0;
    memset(&p, 0, sizeof p);
    if (run->before->has_population)
        figs[n_figs++] = run->before;
    if (run->after && run->after->has_population)
        figs[n_figs++] = run->after;
    p.n_groups = 3;
    p.n_series = n_figs;
    for (size_t g = 0; g < 3; g++)
        p.group_labels[g] = models[g];
    for (size_t s = 0; s < n_figs; s++) {
        const edra_population_figures *pf = &figs[s]->population;
        const edra_popest *e[3] = {&pf->pitman, &pf->zayatz, &pf->snb};
        for (size_t g = 0; g < 3; g++) {
            p.values[g][s] = e[g]->ok ? 100.0 * e[g]->fraction : NAN;
            p.marked[g][s] = pf->dankar_choice == (edra_popmodel)(EDRA_POPMODEL_PITMAN + (int)g);
        }
        p.colors[s] = figs[s] == run->after || n_figs == 1 ? AFTER : BEFORE;
    }
    p.value_labels = 1;
    p.percent = 1;
    p.threshold_after = -1;
    p.x_title = "estimator";
    p.y_title = "population estimated unique (%)";
    const edra_population_figures *pf = &figs[0]->population;
    edra_report_fmt_count(n_text, sizeof n_text, (uint64_t)llround(pf->population));
    snprintf(sub, sizeof sub,
             "Share of the population (N = %s, sampling fraction %s) estimated to be unique on the "
             "quasi-identifiers. Outlined: the estimator the Dankar et al. (2012) rule chose.",
             n_text, edra_report_fmt_num(num, sizeof num, pf->sampling_fraction, 3));
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_POPULATION), sub);
    edra_plot_legend_item items[3];
    size_t n_items = 0;
    for (size_t s = 0; s < n_figs; s++)
        items[n_items++] = (edra_plot_legend_item){
            p.colors[s], figs[s] == run->after ? AFTER_NAME : BEFORE_NAME, 0};
    items[n_items++] = (edra_plot_legend_item){PARTIAL, "chosen by the Dankar et al. rule", 2};
    y += edra_plot_legend(cr, 24, y, W - 24, items, n_items) + 6;
    edra_plot_bars(cr, 16, y, W - 32, H - y - 10, &p);
}

static int same_levels(const uint8_t *a, const uint8_t *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}

static unsigned height_of(const uint8_t *levels, size_t n_qi)
{
    unsigned h = 0;
    for (size_t d = 0; d < n_qi; d++)
        h += levels[d];
    return h;
}

/* Loss (x) against height, the sum of the levels (y): the lattice's own geometry, in which
 * the nodes meeting the targets sit above a frontier and the chosen one is ringed. */
static void chart_lattice(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    edra_plot_axis ax, ay;
    double ticks[16], tw, th, max_loss = 0, left = 0;
    unsigned max_height = 0;
    char buf[160], sub[512], c1[32], c2[32], c3[32], l1[64], l2[64], l3[64], levels[256];
    size_t n_qi = run->ctx->md->n_qi, counts[3] = {0, 0, 0};
    for (size_t i = 0; i < run->n_nodes; i++) {
        const edra_report_node *nd = &run->nodes[i];
        unsigned h = height_of(nd->levels, n_qi);
        if (isfinite(nd->loss) && nd->loss > max_loss)
            max_loss = nd->loss;
        if (h > max_height)
            max_height = h;
        counts[nd->meets == 1 ? 0 : nd->meets == 0 ? 1 : 2]++;
    }
    edra_plot_axis_linear(&ax, max_loss, 0);
    edra_plot_axis_linear(&ay, max_height ? max_height : 1, 0);
    if (ay.step < 1) { /* heights are whole numbers */
        ay.step = 1;
        ay.max = max_height ? max_height : 1;
    }

    edra_report_fmt_count(c1, sizeof c1, (uint64_t)run->n_nodes);
    if (run->lattice_size >= 1 && run->lattice_size < 1e15 &&
        run->lattice_size == floor(run->lattice_size))
        edra_report_fmt_count(c2, sizeof c2, (uint64_t)run->lattice_size);
    else
        edra_report_fmt_num(c2, sizeof c2, run->lattice_size, 3);
    if (run->after)
        snprintf(levels, sizeof levels, " Ringed: the chosen transformation, %s.",
                 edra_report_fmt_levels(buf, sizeof buf, run->ctx, run->after->levels));
    else
        levels[0] = '\0';
    snprintf(sub, sizeof sub,
             "The %s transformations the search checked, of %s in the lattice, by information "
             "loss (%s) and height (the sum of their generalization levels).%s",
             c1, c2, run->metric_name ? run->metric_name : "loss", levels);
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_LATTICE), sub);
    snprintf(l1, sizeof l1, "meets every target (%s)",
             edra_report_fmt_count(c1, sizeof c1, counts[0]));
    snprintf(l2, sizeof l2, "does not meet (%s)", edra_report_fmt_count(c2, sizeof c2, counts[1]));
    snprintf(l3, sizeof l3, "not fully evaluated (%s)",
             edra_report_fmt_count(c3, sizeof c3, counts[2]));
    edra_plot_legend_item items[4];
    size_t n_items = 0;
    items[n_items++] = (edra_plot_legend_item){MEETS, l1, 1};
    items[n_items++] = (edra_plot_legend_item){FAILS, l2, 1};
    if (counts[2])
        items[n_items++] = (edra_plot_legend_item){PARTIAL, l3, 1};
    if (run->after)
        items[n_items++] = (edra_plot_legend_item){CHOSEN, "chosen", 3};
    y += edra_plot_legend(cr, 24, y, W - 24, items, n_items) + 8;

    size_t n_ticks = edra_plot_axis_ticks(&ay, ticks, 16);
    for (size_t i = 0; i < n_ticks; i++) {
        edra_plot_tick_label(buf, sizeof buf, &ay, ticks[i]);
        edra_plot_text_size(cr, buf, 13.5, 0, &tw, &th);
        if (tw > left)
            left = tw;
    }
    const char *y_title = "height (sum of the levels)";
    edra_plot_text_size(cr, y_title, 14, 0, &tw, &th);
    double px = 16 + th + 16 + left, py = y + 8, pw = W - px - 28;
    double ph = H - py - 10 - 2 * th - 16;
    double base = py + ph;
    cairo_set_line_width(cr, 1);
    for (size_t i = 0; i < n_ticks; i++) {
        double ty = base - edra_plot_axis_frac(&ay, ticks[i]) * ph;
        cairo_move_to(cr, px, ty);
        cairo_line_to(cr, px + pw, ty);
        edra_plot_set_rgb(cr, EDRA_PLOT_GRID);
        cairo_stroke(cr);
        edra_plot_tick_label(buf, sizeof buf, &ay, ticks[i]);
        edra_plot_text(cr, buf, 13.5, 0, EDRA_PLOT_MUTED, px - 6, ty, 1.0, 0.5, 0);
    }
    n_ticks = edra_plot_axis_ticks(&ax, ticks, 16);
    for (size_t i = 0; i < n_ticks; i++) {
        double tx = px + edra_plot_axis_frac(&ax, ticks[i]) * pw;
        cairo_move_to(cr, tx, py);
        cairo_line_to(cr, tx, base);
        edra_plot_set_rgb(cr, EDRA_PLOT_GRID);
        cairo_stroke(cr);
        edra_plot_tick_label(buf, sizeof buf, &ax, ticks[i]);
        edra_plot_text(cr, buf, 13.5, 0, EDRA_PLOT_MUTED, tx, base + 4, 0.5, 0, 0);
    }
    edra_plot_text(cr, y_title, 14, 0, EDRA_PLOT_INK, 16 + th / 2, py + ph / 2, 0.5, 0.5,
                   -EDRA_PLOT_PI / 2);
    snprintf(buf, sizeof buf, "information loss (%s)",
             run->metric_name ? run->metric_name : "loss");
    edra_plot_text(cr, buf, 14, 0, EDRA_PLOT_INK, px + pw / 2, base + th + 8, 0.5, 0, 0);

    /* nodes that fail first, so the ones meeting the targets stay visible */
    static const int order[3] = {0, -1, 1};
    const edra_plot_rgb colors[3] = {FAILS, PARTIAL, MEETS};
    cairo_save(cr);
    cairo_rectangle(cr, px - 8, py - 8, pw + 16, ph + 16);
    cairo_clip(cr);
    for (size_t pass = 0; pass < 3; pass++) {
        edra_plot_set_rgb(cr, colors[pass]);
        cairo_new_path(cr);
        for (size_t i = 0; i < run->n_nodes; i++) {
            const edra_report_node *nd = &run->nodes[i];
            int m = nd->meets == 1 ? 1 : nd->meets == 0 ? 0 : -1;
            if (m != order[pass] || !isfinite(nd->loss))
                continue;
            double nx = px + edra_plot_axis_frac(&ax, nd->loss) * pw;
            double ny = base - edra_plot_axis_frac(&ay, height_of(nd->levels, n_qi)) * ph;
            cairo_new_sub_path(cr);
            cairo_arc(cr, nx, ny, 3.6, 0, 2 * EDRA_PLOT_PI);
        }
        cairo_fill(cr);
    }
    if (run->after) {
        double cl = run->loss;
        for (size_t i = 0; i < run->n_nodes; i++)
            if (same_levels(run->nodes[i].levels, run->after->levels, n_qi)) {
                cl = run->nodes[i].loss;
                break;
            }
        double nx = px + edra_plot_axis_frac(&ax, cl) * pw;
        double ny = base - edra_plot_axis_frac(&ay, height_of(run->after->levels, n_qi)) * ph;
        cairo_new_path(cr);
        cairo_arc(cr, nx, ny, 8.5, 0, 2 * EDRA_PLOT_PI);
        edra_plot_set_rgb(cr, CHOSEN);
        cairo_set_line_width(cr, 2.8);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    cairo_move_to(cr, px, base);
    cairo_line_to(cr, px + pw, base);
    cairo_move_to(cr, px, base);
    cairo_line_to(cr, px, py);
    edra_plot_set_rgb(cr, EDRA_PLOT_INK);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
}

static void chart_loss(cairo_t *cr, double W, double H, const edra_report_run *run)
{
    char labels[EDRA_PLOT_MAX_GROUPS][160];
    const edra_microdata *md = run->ctx->md;
    edra_plot_bars_spec p;
    char sub[256], num[32], y_title[96];
    memset(&p, 0, sizeof p);
    p.n_groups = md->n_qi < EDRA_PLOT_MAX_GROUPS ? md->n_qi : EDRA_PLOT_MAX_GROUPS;
    p.n_series = 1;
    for (size_t d = 0; d < p.n_groups; d++) {
        snprintf(labels[d], sizeof labels[d], "%s\nlevel %u of %zu", md->qi_names[d],
                 (unsigned)run->after->levels[d], edra_hierarchy_levels(md->qi_hier[d]) - 1);
        p.group_labels[d] = labels[d];
        p.values[d][0] = run->loss_per_qi[d];
    }
    p.colors[0] = AFTER;
    p.value_labels = 1;
    p.threshold_after = -1;
    p.x_title = "quasi-identifier and the generalization level chosen";
    snprintf(y_title, sizeof y_title, "information loss (%s)",
             run->metric_name ? run->metric_name : "loss");
    p.y_title = y_title;
    snprintf(sub, sizeof sub,
             "Each quasi-identifier's share of the information loss of the chosen "
             "transformation (total %s = %s).",
             run->metric_name ? run->metric_name : "loss",
             edra_report_fmt_num(num, sizeof num, run->loss, 4));
    double y = edra_plot_header(cr, W, H, edra_chart_title(EDRA_CHART_LOSS), sub);
    edra_plot_bars(cr, 16, y + 4, W - 32, H - y - 14, &p);
}

/* ---- public -------------------------------------------------------------------------- */

int edra_chart_available(edra_chart_kind kind, const edra_report_run *run)
{
    const edra_figures *f = edra_report_final(run);
    switch (kind) {
    case EDRA_CHART_CLASS_SIZES:
    case EDRA_CHART_RISK:
        return 1;
    case EDRA_CHART_MODELS:
        return f->n_sa > 0;
    case EDRA_CHART_POPULATION:
        return run->before->has_population || (run->after && run->after->has_population);
    case EDRA_CHART_LATTICE:
        return run->n_nodes > 0;
    case EDRA_CHART_LOSS:
        if (!run->after || !run->loss_per_qi)
            return 0;
        for (size_t d = 0; d < run->ctx->md->n_qi; d++)
            if (isfinite(run->loss_per_qi[d]))
                return 1;
        return 0;
    }
    return 0;
}

const char *edra_chart_name(edra_chart_kind kind)
{
    static const char *names[EDRA_CHARTS] = {"class_sizes", "risk",    "models",
                                             "population",  "lattice", "loss"};
    return (unsigned)kind < EDRA_CHARTS ? names[kind] : "unknown";
}

const char *edra_chart_title(edra_chart_kind kind)
{
    static const char *titles[EDRA_CHARTS] = {"Class-size distribution",
                                              "Records by re-identification probability",
                                              "l-diversity and t-closeness per sensitive attribute",
                                              "Population-uniqueness estimates",
                                              "Transformations checked by the search",
                                              "Information loss per quasi-identifier"};
    return (unsigned)kind < EDRA_CHARTS ? titles[kind] : "unknown";
}

int edra_chart_draw(cairo_t *cr, double width, double height, edra_chart_kind kind,
                    const edra_report_run *run, edra_error *err)
{
    if (!edra_chart_available(kind, run))
        return edra_error_set(err, EDRA_EUSAGE, "chart \"%s\": the run has nothing to show in it",
                              edra_chart_name(kind));
    double scale = width / LOGICAL_WIDTH;
    double W = LOGICAL_WIDTH, H = height / scale;
    if (edra_plot_begin(cr) != 0)
        return edra_error_set(err, EDRA_ENOMEM, "chart \"%s\": out of memory",
                              edra_chart_name(kind));
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, width, height);
    cairo_clip(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    switch (kind) {
    case EDRA_CHART_CLASS_SIZES:
        chart_class_sizes(cr, W, H, run);
        break;
    case EDRA_CHART_RISK:
        chart_risk(cr, W, H, run);
        break;
    case EDRA_CHART_MODELS:
        chart_models(cr, W, H, run);
        break;
    case EDRA_CHART_POPULATION:
        chart_population(cr, W, H, run);
        break;
    case EDRA_CHART_LATTICE:
        chart_lattice(cr, W, H, run);
        break;
    case EDRA_CHART_LOSS:
        chart_loss(cr, W, H, run);
        break;
    }
    cairo_restore(cr);
    edra_plot_end(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return edra_error_set(err, EDRA_EINTERNAL, "chart \"%s\": %s", edra_chart_name(kind),
                              cairo_status_to_string(cairo_status(cr)));
    return 0;
}

/* ---- files --------------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int failed;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int length)
{
    membuf *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static int cairo_failure(cairo_status_t st, const membuf *b, const char *path, edra_error *err)
{
    if (st == CAIRO_STATUS_NO_MEMORY || b->failed)
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory drawing the chart", path);
    return edra_error_set(err, EDRA_EINTERNAL, "%s: %s", path, cairo_status_to_string(st));
}

int edra_chart_write_png(const char *path, edra_chart_kind kind, const edra_report_run *run,
                         int width, int height, edra_error *err)
{
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    membuf buf = {NULL, 0, 0, 0};
    cairo_status_t st;
    int rc = 0;
    if (width < 200 || height < 120 || width > 10000 || height > 10000)
        return edra_error_set(err, EDRA_ERANGE, "%s: chart size %dx%d outside 200x120..10000x10000",
                              path, width, height);
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cr = cairo_create(surface);
    if ((rc = edra_chart_draw(cr, width, height, kind, run, err)) != 0)
        goto done;
    cairo_surface_flush(surface);
    st = cairo_surface_write_to_png_stream(surface, membuf_write, &buf);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = cairo_failure(st, &buf, path, err);
        goto done;
    }
    rc = edra_atomic_write(path, buf.data, buf.len, 0644, err);
done:
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    free(buf.data);
    return rc;
}

/* Appends s to b with XML's five special characters escaped. */
static int membuf_put_escaped(membuf *b, const char *s)
{
    for (; *s; s++) {
        const char *rep = *s == '<'    ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '&'  ? "&amp;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&apos;"
                                       : NULL;
        cairo_status_t st = rep ? membuf_write(b, (const unsigned char *)rep, (unsigned)strlen(rep))
                                : membuf_write(b, (const unsigned char *)s, 1);
        if (st != CAIRO_STATUS_SUCCESS)
            return -1;
    }
    return 0;
}

/* cairo numbers SVG surfaces with a process-wide counter ("surface7"); renumber them from 1
 * in order of appearance so that two renders of a chart are byte-identical. */
static int svg_renumber(membuf *out, const membuf *svg)
{
    unsigned long seen[64];
    size_t n_seen = 0, i = 0, run = 0;
    const unsigned char *s = svg->data;
    while (i < svg->len) {
        if (i > 0 && (s[i - 1] == '"' || s[i - 1] == '#') && i + 7 < svg->len &&
            memcmp(s + i, "surface", 7) == 0 && s[i + 7] >= '0' && s[i + 7] <= '9') {
            size_t j = i + 7, k;
            unsigned long id = 0;
            char token[40];
            while (j < svg->len && s[j] >= '0' && s[j] <= '9')
                id = id * 10 + (unsigned long)(s[j++] - '0');
            for (k = 0; k < n_seen && seen[k] != id; k++)
                ;
            if (k == n_seen) {
                if (n_seen == sizeof seen / sizeof seen[0])
                    return -1;
                seen[n_seen++] = id;
            }
            int n = snprintf(token, sizeof token, "surface%zu", k + 1);
            if (membuf_write(out, s + run, (unsigned)(i - run)) != CAIRO_STATUS_SUCCESS ||
                membuf_write(out, (const unsigned char *)token, (unsigned)n) !=
                    CAIRO_STATUS_SUCCESS)
                return -1;
            i = run = j;
            continue;
        }
        i++;
    }
    return membuf_write(out, s + run, (unsigned)(svg->len - run)) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

/* cairo's SVG draws glyphs as paths, so the title is also given as the SVG's <title>
 * element: searchable and read by screen readers. */
static int svg_with_title(membuf *out, const membuf *svg, const char *title)
{
    const char *open = NULL;
    for (size_t i = 0; i + 4 < svg->len; i++)
        if (memcmp(svg->data + i, "<svg", 4) == 0) {
            open = memchr(svg->data + i, '>', svg->len - i);
            break;
        }
    if (!open)
        return -1;
    size_t head = (size_t)(open - (const char *)svg->data) + 1;
    if (membuf_write(out, svg->data, (unsigned)head) != CAIRO_STATUS_SUCCESS ||
        membuf_write(out, (const unsigned char *)"\n<title>", 8) != CAIRO_STATUS_SUCCESS ||
        membuf_put_escaped(out, title) != 0 ||
        membuf_write(out, (const unsigned char *)"</title>", 8) != CAIRO_STATUS_SUCCESS ||
        membuf_write(out, svg->data + head, (unsigned)(svg->len - head)) != CAIRO_STATUS_SUCCESS)
        return -1;
    return 0;
}

int edra_chart_write_svg(const char *path, edra_chart_kind kind, const edra_report_run *run,
                         double width, double height, edra_error *err)
{
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    membuf buf = {NULL, 0, 0, 0}, renumbered = {NULL, 0, 0, 0}, titled = {NULL, 0, 0, 0};
    cairo_status_t st;
    int rc = 0;
    if (!(width >= 200 && height >= 120 && width <= 10000 && height <= 10000))
        return edra_error_set(err, EDRA_ERANGE, "%s: chart size %gx%g outside 200x120..10000x10000",
                              path, width, height);
    surface = cairo_svg_surface_create_for_stream(membuf_write, &buf, width, height);
    cr = cairo_create(surface);
    if ((rc = edra_chart_draw(cr, width, height, kind, run, err)) != 0)
        goto done;
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surface);
    st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = cairo_failure(st, &buf, path, err);
        goto done;
    }
    if (svg_renumber(&renumbered, &buf) != 0 ||
        svg_with_title(&titled, &renumbered, edra_chart_title(kind)) != 0) {
        rc = renumbered.failed || titled.failed
                 ? edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path)
                 : edra_error_set(err, EDRA_EINTERNAL, "%s: unexpected SVG from cairo", path);
        goto done;
    }
    rc = edra_atomic_write(path, titled.data, titled.len, 0644, err);
done:
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    free(buf.data);
    free(renumbered.data);
    free(titled.data);
    return rc;
}

int edra_charts_write_all(const char *dir, const edra_report_run *run, edra_error *err)
{
    char *path = NULL;
    int rc = 0;
    size_t cap = strlen(dir) + 32;
    if (!(path = malloc(cap)))
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    for (int k = 0; k < EDRA_CHARTS && rc == 0; k++) {
        if (!edra_chart_available((edra_chart_kind)k, run))
            continue;
        snprintf(path, cap, "%s/%s.png", dir, edra_chart_name((edra_chart_kind)k));
        rc = edra_chart_write_png(path, (edra_chart_kind)k, run, EDRA_CHART_WIDTH,
                                  EDRA_CHART_HEIGHT, err);
        if (rc == 0) {
            snprintf(path, cap, "%s/%s.svg", dir, edra_chart_name((edra_chart_kind)k));
            rc = edra_chart_write_svg(path, (edra_chart_kind)k, run, EDRA_CHART_WIDTH,
                                      EDRA_CHART_HEIGHT, err);
        }
    }
    free(path);
    return rc;
}
