/* report.xlsx with libxlsxwriter. libxlsxwriter writes to a file name, so the workbook goes
 * to a mkstemp name beside the target and is then published with edra_atomic_write (fsync,
 * rename, folder fsync). Its errors are converted here with lxw_strerror; the first failing
 * call is the one reported. Aggregates only: hierarchies are shown from the level released
 * up, never values finer than the release. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, close, unlink */
#include "xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "../metrics/hierarchy.h"
#include "atomic.h"

#define MAX_ROWS 1048576
#define MAX_STRING 32767

typedef struct {
    lxw_workbook *wb;
    const edra_report_run *run;
    const edra_microdata *md;
    lxw_format *title, *subtitle, *head, *key, *count, *num, *pct, *text, *mono, *marked;
    lxw_error first;     /* first libxlsxwriter failure */
    const char *what;    /* the sheet being written, for the message */
} book;

static void check(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->first == LXW_NO_ERROR)
        b->first = e;
}

static void put_str(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                    lxw_format *f)
{
    if (!s)
        return;
    if (strlen(s) > MAX_STRING) {
        /* Excel's cell limit: cut at a UTF-8 boundary */
        size_t n = MAX_STRING;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        char *cut = malloc(n + 1);
        if (!cut) {
            check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        memcpy(cut, s, n);
        cut[n] = '\0';
        check(b, worksheet_write_string(ws, row, col, cut, f));
        free(cut);
        return;
    }
    check(b, worksheet_write_string(ws, row, col, s, f));
}

/* A figure as a number, or "n/a" where it is NaN (a model that does not apply). */
static void put_num(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double x,
                    lxw_format *f)
{
    if (isfinite(x))
        check(b, worksheet_write_number(ws, row, col, x, f));
    else
        put_str(b, ws, row, col, isnan(x) ? "n/a" : x > 0 ? "inf" : "-inf", b->text);
}

static void put_count(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, uint64_t x)
{
    check(b, worksheet_write_number(ws, row, col, (double)x, b->count));
}

static void header(book *b, lxw_worksheet *ws, lxw_row_t row, size_t n, const char *const *names)
{
    for (size_t c = 0; c < n; c++)
        put_str(b, ws, row, (lxw_col_t)c, names[c], b->head);
}

static void formats(book *b)
{
    b->title = workbook_add_format(b->wb);
    format_set_bold(b->title);
    format_set_font_size(b->title, 15);
    format_set_font_color(b->title, 0x1A3D6B);
    b->subtitle = workbook_add_format(b->wb);
    format_set_font_color(b->subtitle, 0x606066);
    b->head = workbook_add_format(b->wb);
    format_set_bold(b->head);
    format_set_bg_color(b->head, 0xDCE3EC);
    format_set_bottom(b->head, LXW_BORDER_THIN);
    format_set_text_wrap(b->head);
    format_set_align(b->head, LXW_ALIGN_VERTICAL_TOP);
    b->key = workbook_add_format(b->wb);
    format_set_bold(b->key);
    b->count = workbook_add_format(b->wb);
    format_set_num_format(b->count, "#,##0");
    b->num = workbook_add_format(b->wb);
    format_set_num_format(b->num, "0.000000");
    b->pct = workbook_add_format(b->wb);
    format_set_num_format(b->pct, "0.00%");
    b->text = workbook_add_format(b->wb);
    format_set_align(b->text, LXW_ALIGN_LEFT);
    b->mono = workbook_add_format(b->wb);
    format_set_font_name(b->mono, "Consolas");
    b->marked = workbook_add_format(b->wb);
    format_set_bold(b->marked);
    format_set_bg_color(b->marked, 0xFFF2CC);
}

static const char *levels_text(book *b, const uint8_t *levels, char *buf, size_t size)
{
    return edra_report_fmt_levels(buf, size, b->run->ctx, levels);
}

/* ---- Summary ------------------------------------------------------------------------- */

static lxw_row_t kv(book *b, lxw_worksheet *ws, lxw_row_t row, const char *key, const char *value)
{
    put_str(b, ws, row, 0, key, b->key);
    put_str(b, ws, row, 1, value ? value : "not given", NULL);
    return row + 1;
}

static void sheet_summary(book *b)
{
    const edra_report_run *run = b->run;
    const edra_figures *bf = run->before, *af = run->after, *fin = edra_report_final(run);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Summary");
    char buf[1024], lv[512];
    lxw_row_t row = 0;
    b->what = "Summary";
    worksheet_set_column(ws, 0, 0, 38, NULL);
    worksheet_set_column(ws, 1, 5, 17, NULL);
    put_str(b, ws, row++, 0, run->title ? run->title : "Expert determination", b->title);
    put_str(b, ws, row++, 0, "HIPAA expert determination, 45 CFR 164.514(b)(1)", b->subtitle);
    row++;
    row = kv(b, ws, row, "Dataset", run->dataset);
    row = kv(b, ws, row, "Organisation", run->organisation);
    row = kv(b, ws, row, "Intended recipient", run->recipient);
    row = kv(b, ws, row, "Determination ID", run->run_id);
    row = kv(b, ws, row, "Created", run->created_iso);
    snprintf(buf, sizeof buf, "edra %s", run->ctx->version);
    row = kv(b, ws, row, "Software", buf);
    row = kv(b, ws, row, "Expert", run->expert);
    row = kv(b, ws, row, "Credentials", run->credentials);
    row = kv(b, ws, row, "Validity", run->validity);
    row = kv(b, ws, row, "Signing key", run->signer_fingerprint ? run->signer_fingerprint : "UNSIGNED");
    snprintf(buf, sizeof buf, "%s (%s)", fin->targets_met ? "every target met" : "a target is NOT met",
             af ? levels_text(b, af->levels, lv, sizeof lv) : "data as they stand");
    row = kv(b, ws, row, "Verdict", buf);
    row++;

    put_str(b, ws, row++, 0, "Targets", b->key);
    const char *th[6] = {"Target", "Direction", "Required", af ? "As they stand" : "Achieved",
                         af ? "Chosen" : "Met", af ? "Met (chosen)" : NULL};
    header(b, ws, row++, af ? 6 : 5, th);
    for (size_t i = 0; i < fin->n_results; i++, row++) {
        const edra_target_result *t = &fin->results[i];
        int at_least = t->kind == EDRA_TARGET_K || t->kind == EDRA_TARGET_LDIV;
        put_str(b, ws, row, 0, t->name, NULL);
        put_str(b, ws, row, 1, at_least ? "at least" : "at most", NULL);
        put_num(b, ws, row, 2, t->target, NULL);
        if (af) {
            const edra_target_result *tb = i < bf->n_results && bf->results[i].kind == t->kind
                                               ? &bf->results[i]
                                               : NULL;
            put_num(b, ws, row, 3, tb ? tb->achieved : NAN, NULL);
            put_num(b, ws, row, 4, t->achieved, NULL);
            check(b, worksheet_write_boolean(ws, row, 5, t->met, NULL));
        } else {
            put_num(b, ws, row, 3, t->achieved, NULL);
            check(b, worksheet_write_boolean(ws, row, 4, t->met, NULL));
        }
    }
    row++;

    put_str(b, ws, row++, 0, "Key figures", b->key);
    const char *kh[3] = {"Figure", af ? "As they stand" : "Data", af ? "Chosen" : NULL};
    header(b, ws, row++, af ? 3 : 2, kh);
    const edra_figures *sets[2] = {bf, af};
    size_t n_sets = af ? 2 : 1;
    static const char *names[] = {"Transformation", "Records", "Records suppressed",
                                  "Equivalence classes", "Smallest class (k)", "Sample uniques",
                                  "Highest prosecutor risk", "Average prosecutor risk",
                                  "Records at risk (share)", "Highest journalist risk",
                                  "Average journalist risk", "Marketer risk"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++, row++) {
        put_str(b, ws, row, 0, names[k], NULL);
        for (size_t s = 0; s < n_sets; s++) {
            const edra_figures *f = sets[s];
            lxw_col_t c = (lxw_col_t)(s + 1);
            switch (k) {
            case 0:
                put_str(b, ws, row, c, levels_text(b, f->levels, lv, sizeof lv), NULL);
                break;
            case 1:
                put_count(b, ws, row, c, f->records);
                break;
            case 2:
                put_count(b, ws, row, c, f->suppressed);
                break;
            case 3:
                put_count(b, ws, row, c, f->prosecutor.classes);
                break;
            case 4:
                put_count(b, ws, row, c, f->prosecutor.k_min);
                break;
            case 5:
                put_count(b, ws, row, c, f->prosecutor.sample_uniques);
                break;
            case 6:
                put_num(b, ws, row, c, f->prosecutor.highest, b->num);
                break;
            case 7:
                put_num(b, ws, row, c, f->prosecutor.average, b->num);
                break;
            case 8:
                put_num(b, ws, row, c, f->prosecutor.records_at_risk, b->pct);
                break;
            case 9:
                put_num(b, ws, row, c, f->journalist.highest, b->num);
                break;
            case 10:
                put_num(b, ws, row, c, f->journalist.average, b->num);
                break;
            case 11:
                put_num(b, ws, row, c, f->marketer, b->num);
                break;
            }
        }
    }
    if (af && run->metric_name) {
        snprintf(buf, sizeof buf, "Information loss (%s)", run->metric_name);
        put_str(b, ws, row, 0, buf, NULL);
        put_num(b, ws, row++, 2, run->loss, b->num);
    }
    row++;

    if (bf->has_population || (af && af->has_population)) {
        put_str(b, ws, row++, 0, "Population uniqueness (share of the population)", b->key);
        const char *ph[4] = {"Estimator", af ? "As they stand" : "Data", af ? "Chosen" : NULL, NULL};
        header(b, ws, row++, af ? 3 : 2, ph);
        static const char *est[3] = {"Pitman", "Zayatz", "SNB"};
        for (size_t i = 0; i < 3; i++, row++) {
            put_str(b, ws, row, 0, est[i], NULL);
            for (size_t s = 0; s < n_sets; s++) {
                const edra_population_figures *p = &sets[s]->population;
                const edra_popest *e = i == 0 ? &p->pitman : i == 1 ? &p->zayatz : &p->snb;
                if (!sets[s]->has_population)
                    continue;
                if (e->ok)
                    put_num(b, ws, row, (lxw_col_t)(s + 1), e->fraction, b->num);
                else
                    put_str(b, ws, row, (lxw_col_t)(s + 1), e->why ? e->why : "no estimate", NULL);
            }
        }
        put_str(b, ws, row, 0, "Chosen by the Dankar et al. rule", NULL);
        for (size_t s = 0; s < n_sets; s++)
            if (sets[s]->has_population)
                put_str(b, ws, row, (lxw_col_t)(s + 1),
                        sets[s]->population.dankar_choice == EDRA_POPMODEL_NONE
                            ? "none"
                            : edra_popmodel_name(sets[s]->population.dankar_choice),
                        NULL);
        row++;
        put_str(b, ws, row, 0, "Population size N", NULL);
        put_num(b, ws, row++, 1, bf->population.population, b->count);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- Attributes ---------------------------------------------------------------------- */

static void sheet_attributes(book *b)
{
    const edra_report_run *run = b->run;
    const edra_microdata *md = b->md;
    const edra_report_context *ctx = run->ctx;
    const edra_figures *fin = edra_report_final(run);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Attributes");
    static const char *head[8] = {"Attribute", "Role", "Type", "Hierarchy", "Levels",
                                  "Distinct values", "Missing records", "Level applied"};
    b->what = "Attributes";
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, 3, 18, NULL);
    worksheet_set_column(ws, 4, 7, 14, NULL);
    header(b, ws, 0, 8, head);
    lxw_row_t row = 1;
    for (size_t d = 0; d < md->n_qi; d++, row++) {
        put_str(b, ws, row, 0, md->qi_names[d], NULL);
        put_str(b, ws, row, 1, "quasi-identifier", NULL);
        put_str(b, ws, row, 2, run->qi_types ? run->qi_types[d] : "", NULL);
        put_str(b, ws, row, 3, run->qi_hierarchy_sources ? run->qi_hierarchy_sources[d] : "given", NULL);
        put_count(b, ws, row, 4, edra_hierarchy_levels(md->qi_hier[d]));
        put_count(b, ws, row, 5, edra_hierarchy_leaves(md->qi_hier[d]));
        if (ctx->qi_missing)
            put_count(b, ws, row, 6, ctx->qi_missing[d]);
        put_count(b, ws, row, 7, fin->levels[d]);
    }
    for (size_t s = 0; s < md->n_sa; s++, row++) {
        const edra_hierarchy *h = md->sa_hier ? md->sa_hier[s] : NULL;
        put_str(b, ws, row, 0, md->sa_names[s], NULL);
        put_str(b, ws, row, 1, "sensitive", NULL);
        put_str(b, ws, row, 2, run->sa_types ? run->sa_types[s] : "", NULL);
        put_str(b, ws, row, 3, h ? "given" : md->sa_rank && md->sa_rank[s] ? "order" : "", NULL);
        if (h)
            put_count(b, ws, row, 4, edra_hierarchy_levels(h));
        put_count(b, ws, row, 5, md->sa_domain[s]);
        if (ctx->sa_missing)
            put_count(b, ws, row, 6, ctx->sa_missing[s]);
    }
    for (size_t i = 0; i < run->n_dropped; i++, row++) {
        put_str(b, ws, row, 0, run->dropped[i], NULL);
        put_str(b, ws, row, 1, "identifier (removed)", NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- Classes ------------------------------------------------------------------------- */

static void sheet_classes(book *b)
{
    const edra_figures *bf = b->run->before, *af = b->run->after;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Classes");
    const char *head[5] = {"Class size (records)", "Classes, as they stand",
                           "Records, as they stand", "Classes, chosen", "Records, chosen"};
    b->what = "Classes";
    worksheet_set_column(ws, 0, 4, 20, NULL);
    header(b, ws, 0, af ? 5 : 3, head);
    /* the two histograms merged by size, both ascending */
    size_t i = 0, j = 0, n_after = af ? af->n_sizes : 0;
    lxw_row_t row = 1;
    while ((i < bf->n_sizes || j < n_after) && row < MAX_ROWS) {
        uint64_t size = i < bf->n_sizes ? bf->hist_size[i] : UINT64_MAX;
        if (j < n_after && af->hist_size[j] < size)
            size = af->hist_size[j];
        put_count(b, ws, row, 0, size);
        uint64_t cb = 0, ca = 0;
        if (i < bf->n_sizes && bf->hist_size[i] == size)
            cb = bf->hist_classes[i++];
        if (j < n_after && af->hist_size[j] == size)
            ca = af->hist_classes[j++];
        put_count(b, ws, row, 1, cb);
        put_count(b, ws, row, 2, cb * size);
        if (af) {
            put_count(b, ws, row, 3, ca);
            put_count(b, ws, row, 4, ca * size);
        }
        row++;
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- Risk distribution --------------------------------------------------------------- */

static void sheet_risk(book *b)
{
    const edra_figures *bf = b->run->before, *af = b->run->after;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Risk distribution");
    const char *head[6] = {"Risk above", "Risk up to", "Records, as they stand",
                           "Share, as they stand", "Records, chosen", "Share, chosen"};
    b->what = "Risk distribution";
    worksheet_set_column(ws, 0, 1, 12, NULL);
    worksheet_set_column(ws, 2, 5, 16, NULL);
    header(b, ws, 0, af ? 6 : 4, head);
    for (size_t k = 0; k < EDRA_RISK_BUCKETS; k++) {
        lxw_row_t row = (lxw_row_t)k + 1;
        put_num(b, ws, row, 0, k ? edra_risk_bucket_edges[k - 1] : 0.0, NULL);
        put_num(b, ws, row, 1, edra_risk_bucket_edges[k], NULL);
        const edra_figures *sets[2] = {bf, af};
        for (size_t s = 0; s < (af ? 2u : 1u); s++) {
            const edra_risk_figures *r = &sets[s]->prosecutor;
            put_count(b, ws, row, (lxw_col_t)(2 + 2 * s), r->bucket_records[k]);
            put_num(b, ws, row, (lxw_col_t)(3 + 2 * s),
                    r->records ? (double)r->bucket_records[k] / (double)r->records : 0.0, b->pct);
        }
    }
    put_str(b, ws, EDRA_RISK_BUCKETS + 2, 0,
            "Prosecutor re-identification probability 1/class size; buckets as in ARX.", b->subtitle);
    worksheet_freeze_panes(ws, 1, 0);

    lxw_chart *chart = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
    if (!chart) {
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_title_set_name(chart, "Records by re-identification probability");
    lxw_chart_series *s1 = chart_add_series(chart, "='Risk distribution'!$B$2:$B$23",
                                            "='Risk distribution'!$D$2:$D$23");
    chart_series_set_name(s1, af ? "As they stand" : "Data");
    lxw_chart_fill f1 = {.color = af ? 0xA3B5CC : 0x215C9E};
    chart_series_set_fill(s1, &f1);
    if (af) {
        lxw_chart_series *s2 = chart_add_series(chart, "='Risk distribution'!$B$2:$B$23",
                                                "='Risk distribution'!$F$2:$F$23");
        chart_series_set_name(s2, "Chosen");
        lxw_chart_fill f2 = {.color = 0x215C9E};
        chart_series_set_fill(s2, &f2);
    }
    chart_axis_set_name(chart->x_axis, "Re-identification probability (bucket upper edge)");
    chart_axis_set_name(chart->y_axis, "Share of records");
    chart_axis_set_num_format(chart->y_axis, "0%");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_offset = 10, .y_offset = 10, .x_scale = 1.6, .y_scale = 1.5};
    check(b, worksheet_insert_chart_opt(ws, 1, 7, chart, &opt));
}

/* ---- Models per SA ------------------------------------------------------------------- */

static void sheet_models(book *b)
{
    const edra_figures *sets[2] = {b->run->before, b->run->after};
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Models per SA");
    static const char *head[10] = {"Figures", "Sensitive attribute", "Distinct values", "Distinct l",
                                   "Entropy l", "Recursive c", "Recursive l", "t (equal)",
                                   "t (ordered)", "t (hierarchical)"};
    b->what = "Models per SA";
    worksheet_set_column(ws, 0, 1, 22, NULL);
    worksheet_set_column(ws, 2, 9, 14, NULL);
    header(b, ws, 0, 10, head);
    lxw_row_t row = 1;
    for (size_t s = 0; s < 2; s++) {
        const edra_figures *f = sets[s];
        if (!f)
            continue;
        for (size_t a = 0; a < f->n_sa; a++, row++) {
            const edra_sa_figures *sa = &f->sa[a];
            put_str(b, ws, row, 0, s ? "chosen" : "as they stand", NULL);
            put_str(b, ws, row, 1, sa->name, NULL);
            put_count(b, ws, row, 2, sa->distinct_values);
            put_num(b, ws, row, 3, sa->l_distinct, NULL);
            put_num(b, ws, row, 4, sa->l_entropy, NULL);
            put_num(b, ws, row, 5, sa->recursive_c, NULL);
            put_num(b, ws, row, 6, sa->l_recursive, NULL);
            put_num(b, ws, row, 7, sa->t_equal, NULL);
            put_num(b, ws, row, 8, sa->t_ordered, NULL);
            put_num(b, ws, row, 9, sa->t_hierarchical, NULL);
        }
    }
    if (row == 1)
        put_str(b, ws, 1, 0, "The spec names no sensitive attribute.", NULL);
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- Lattice ------------------------------------------------------------------------- */

static void sheet_lattice(book *b)
{
    const edra_report_run *run = b->run;
    const edra_microdata *md = b->md;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Lattice");
    char loss_head[96];
    size_t n_qi = md->n_qi;
    lxw_col_t c;
    b->what = "Lattice";
    for (c = 0; c < n_qi; c++)
        put_str(b, ws, 0, c, md->qi_names[c], b->head);
    snprintf(loss_head, sizeof loss_head, "Loss (%s)", run->metric_name ? run->metric_name : "metric");
    const char *head[6] = {"Height", "Meets the targets", loss_head, "Records suppressed",
                           "Share suppressed", "Chosen"};
    for (size_t k = 0; k < 6; k++)
        put_str(b, ws, 0, (lxw_col_t)(n_qi + k), head[k], b->head);
    worksheet_set_column(ws, 0, (lxw_col_t)(n_qi ? n_qi - 1 : 0), 10, NULL);
    worksheet_set_column(ws, (lxw_col_t)n_qi, (lxw_col_t)(n_qi + 5), 16, NULL);
    double records = run->before->records ? (double)run->before->records : 1.0;
    size_t n = run->n_nodes < MAX_ROWS - 2 ? run->n_nodes : MAX_ROWS - 2;
    for (size_t i = 0; i < n; i++) {
        const edra_report_node *nd = &run->nodes[i];
        lxw_row_t row = (lxw_row_t)i + 1;
        unsigned height = 0;
        int chosen = run->after && memcmp(nd->levels, run->after->levels, n_qi) == 0;
        for (c = 0; c < n_qi; c++) {
            check(b, worksheet_write_number(ws, row, c, nd->levels[c], NULL));
            height += nd->levels[c];
        }
        check(b, worksheet_write_number(ws, row, (lxw_col_t)n_qi, height, NULL));
        if (nd->meets >= 0)
            check(b, worksheet_write_boolean(ws, row, (lxw_col_t)(n_qi + 1), nd->meets, NULL));
        else
            put_str(b, ws, row, (lxw_col_t)(n_qi + 1), "not fully evaluated", NULL);
        put_num(b, ws, row, (lxw_col_t)(n_qi + 2), nd->loss, b->num);
        put_count(b, ws, row, (lxw_col_t)(n_qi + 3), nd->suppressed);
        put_num(b, ws, row, (lxw_col_t)(n_qi + 4), (double)nd->suppressed / records, b->pct);
        if (chosen)
            put_str(b, ws, row, (lxw_col_t)(n_qi + 5), "chosen", b->marked);
    }
    if (n < run->n_nodes)
        put_str(b, ws, (lxw_row_t)n + 1, 0, "More nodes were checked than a sheet holds.", NULL);
    else if (n == 0)
        put_str(b, ws, 1, 0, run->searched ? "The search checked no node." : "No search ran.", NULL);
    worksheet_freeze_panes(ws, 1, 0);
    if (n)
        check(b, worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(n_qi + 5)));
}

/* ---- Hierarchies --------------------------------------------------------------------- */

static void sheet_hierarchies(book *b)
{
    const edra_microdata *md = b->md;
    const edra_figures *fin = edra_report_final(b->run);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Hierarchies");
    static const char *head[4] = {"Attribute", "Level", "Distinct values", "Applied"};
    char label[32];
    size_t max_levels = 0;
    b->what = "Hierarchies";
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 12, 16, NULL);
    header(b, ws, 0, 4, head);
    lxw_row_t row = 1;
    for (size_t d = 0; d < md->n_qi; d++) {
        const edra_hierarchy *h = md->qi_hier[d];
        size_t levels = edra_hierarchy_levels(h);
        if (levels > max_levels)
            max_levels = levels;
        for (size_t lv = 0; lv < levels; lv++, row++) {
            int applied = lv == fin->levels[d];
            put_str(b, ws, row, 0, md->qi_names[d], applied ? b->marked : NULL);
            check(b, worksheet_write_number(ws, row, 1, (double)lv, applied ? b->marked : NULL));
            check(b, worksheet_write_number(ws, row, 2, edra_hierarchy_width(h, lv), applied ? b->marked : NULL));
            check(b, worksheet_write_boolean(ws, row, 3, applied, applied ? b->marked : NULL));
        }
    }
    /* the mapping from each group of the level applied upwards; finer values are not
     * listed, since they would disclose values of the data that the release generalizes */
    row++;
    put_str(b, ws, row++, 0, "Groups of the level released and the coarser groups they join", b->key);
    put_str(b, ws, row, 0, "Attribute", b->head);
    put_str(b, ws, row, 1, "Group (level released)", b->head);
    put_str(b, ws, row, 2, "Values in the group", b->head);
    for (size_t up = 1; up < max_levels && up < 1000; up++) {
        snprintf(label, sizeof label, "Level released + %zu", up);
        put_str(b, ws, row, (lxw_col_t)(up + 2), label, b->head);
    }
    row++;
    for (size_t d = 0; d < md->n_qi; d++) {
        const edra_hierarchy *h = md->qi_hier[d];
        size_t applied = edra_report_shown_level(b->run, d), levels = edra_hierarchy_levels(h);
        size_t leaves = edra_hierarchy_leaves(h);
        uint32_t width = edra_hierarchy_width(h, applied);
        edra_level_map map = edra_hierarchy_level_map(h, applied);
        size_t *leaf_of = malloc((width ? width : 1) * sizeof *leaf_of);
        if (!leaf_of) {
            check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        for (uint32_t c = 0; c < width; c++)
            leaf_of[c] = SIZE_MAX;
        for (size_t leaf = 0; leaf < leaves; leaf++)
            if (leaf_of[edra_level_map_at(map, leaf)] == SIZE_MAX)
                leaf_of[edra_level_map_at(map, leaf)] = leaf;
        for (uint32_t c = 0; c < width && row < MAX_ROWS; c++, row++) {
            put_str(b, ws, row, 0, md->qi_names[d], NULL);
            put_str(b, ws, row, 1, edra_hierarchy_label(h, applied, c), NULL);
            put_count(b, ws, row, 2, edra_hierarchy_leaf_count(h, applied, c));
            for (size_t lv = applied + 1; lv < levels && lv - applied < 1000; lv++)
                put_str(b, ws, row, (lxw_col_t)(lv - applied + 2),
                        edra_hierarchy_label(h, lv, edra_hierarchy_code(h, lv, leaf_of[c])), NULL);
        }
        free(leaf_of);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- Run ----------------------------------------------------------------------------- */

static void sheet_run(book *b)
{
    const edra_report_run *run = b->run;
    const edra_report_context *ctx = run->ctx;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Run");
    char buf[128];
    lxw_row_t row = 0;
    b->what = "Run";
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 1, 80, NULL);
    const char *head[2] = {"Item", "Value"};
    header(b, ws, row++, 2, head);
    row = kv(b, ws, row, "Determination ID", run->run_id);
    row = kv(b, ws, row, "Created", run->created_iso);
    snprintf(buf, sizeof buf, "edra %s", ctx->version);
    row = kv(b, ws, row, "Software", buf);
    row = kv(b, ws, row, "Command", ctx->command);
    row = kv(b, ws, row, "Spec", ctx->spec_path);
    row = kv(b, ws, row, "Spec SHA-256", ctx->spec_sha256);
    row = kv(b, ws, row, "Data", ctx->data_path);
    row = kv(b, ws, row, "Data SHA-256", ctx->data_sha256);
    row = kv(b, ws, row, "Signing key", run->signer_fingerprint ? run->signer_fingerprint : "UNSIGNED");
    put_str(b, ws, row, 0, "Source rows", b->key);
    put_count(b, ws, row++, 1, ctx->source_rows);
    put_str(b, ws, row, 0, "Records", b->key);
    put_count(b, ws, row++, 1, ctx->md->n_records);
    if (run->searched) {
        put_str(b, ws, row, 0, "Lattice nodes", b->key);
        put_num(b, ws, row++, 1, run->lattice_size, b->count);
        put_str(b, ws, row, 0, "Nodes checked", b->key);
        put_count(b, ws, row++, 1, run->n_nodes);
        put_str(b, ws, row, 0, "Proven optimal", b->key);
        check(b, worksheet_write_boolean(ws, row++, 1, run->proven_optimal, NULL));
        put_str(b, ws, row, 0, "Search seconds", b->key);
        put_num(b, ws, row++, 1, run->search_seconds, NULL);
    }
    row++;
    put_str(b, ws, row++, 0, "Spec", b->key);
    for (const char *p = run->spec_text; p && *p && row < MAX_ROWS;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        char *line = malloc(len + 1);
        if (!line) {
            check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            break;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        if (len)
            put_str(b, ws, row, 1, line, b->mono);
        free(line);
        row++;
        p = nl ? nl + 1 : p + strlen(p);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* ---- the file ------------------------------------------------------------------------ */

static int read_file(const char *path, unsigned char **out, size_t *len, edra_error *err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    for (;;) {
        if (n == cap) {
            size_t grown_cap = cap ? cap * 2 : 1 << 16;
            unsigned char *grown = realloc(data, grown_cap);
            if (!grown) {
                free(data);
                fclose(f);
                return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
            }
            data = grown;
            cap = grown_cap;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(data);
        return edra_error_set(err, EDRA_EIO, "%s: read error", path);
    }
    *out = data;
    *len = n;
    return 0;
}

int edra_xlsx_write(const char *path, const edra_report_run *run, edra_error *err)
{
    static const char suffix[] = ".xlsx.XXXXXX";
    book b;
    char *tmp = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    time_t created;
    int rc, fd;
    lxw_error closed;

    if ((rc = edra_report_run_check(run, err)) != 0)
        return rc;
    if ((rc = edra_report_parse_time(run->created_iso, &created, err)) != 0)
        return rc;
    if (!(tmp = malloc(strlen(path) + sizeof suffix)))
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
    strcpy(tmp, path);
    strcat(tmp, suffix);
    if ((fd = mkstemp(tmp)) < 0) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);

    memset(&b, 0, sizeof b);
    b.run = run;
    b.md = run->ctx->md;
    b.wb = workbook_new(tmp);
    if (!b.wb) {
        rc = edra_error_set(err, EDRA_EIO, "%s: libxlsxwriter could not start the workbook", path);
        goto done;
    }
    formats(&b);
    lxw_doc_properties props;
    char creator[64];
    memset(&props, 0, sizeof props);
    snprintf(creator, sizeof creator, "edra %s", run->ctx->version);
    props.title = (char *)(run->title ? run->title : "Expert determination");
    props.subject = (char *)"HIPAA expert determination";
    props.author = (char *)(run->expert ? run->expert : creator);
    props.company = (char *)(run->organisation ? run->organisation : "");
    props.comments = (char *)creator;
    props.created = created;
    check(&b, workbook_set_properties(b.wb, &props));

    sheet_summary(&b);
    sheet_attributes(&b);
    sheet_classes(&b);
    sheet_risk(&b);
    sheet_models(&b);
    sheet_lattice(&b);
    sheet_hierarchies(&b);
    sheet_run(&b);

    closed = workbook_close(b.wb);
    b.wb = NULL;
    if (b.first != LXW_NO_ERROR) {
        rc = edra_error_set(err, b.first == LXW_ERROR_MEMORY_MALLOC_FAILED ? EDRA_ENOMEM : EDRA_EIO,
                            "%s: sheet %s: %s", path, b.what ? b.what : "?", lxw_strerror(b.first));
        goto done;
    }
    if (closed != LXW_NO_ERROR) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, lxw_strerror(closed));
        goto done;
    }
    if ((rc = read_file(tmp, &bytes, &len, err)) != 0)
        goto done;
    rc = edra_atomic_write(path, bytes, len, 0644, err);
done:
    if (b.wb)
        workbook_close(b.wb);
    unlink(tmp);
    free(tmp);
    free(bytes);
    return rc;
}
