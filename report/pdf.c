/* The PDF determination report: what the expert signs under 45 CFR 164.514(b)(1). Every
 * sentence is built from the run (figures, context, spec), the methods cite their sources
 * (El Emam 2013; Machanavajjhala et al. 2007; Li et al. 2007; Hoshino 2001; Zayatz 1991;
 * Chen & Keller-McNulty 1998; Dankar et al. 2012; Iyengar 2002; Kohlmayer et al. 2012).
 * Laid out twice by report/layout: once to count pages, once to draw. */
#include "pdf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "../metrics/hierarchy.h"
#include "atomic.h"
#include "charts.h"
#include "pdf_sections.h"
#include "pdf_technical.h"

/* ---- the string pool --------------------------------------------------------------- */

char *edra_pdf_str(edra_pdf_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(r->pool, s);
    return s;
}

char *edra_pdf_esc(edra_pdf_report *r, const char *text)
{
    char *s = g_markup_escape_text(text ? text : "", -1);
    g_ptr_array_add(r->pool, s);
    return s;
}

const char *edra_pdf_num(edra_pdf_report *r, double x)
{
    char buf[64];
    return edra_pdf_str(r, "%s", edra_report_fmt_num(buf, sizeof buf, x, 4));
}

const char *edra_pdf_count(edra_pdf_report *r, uint64_t x)
{
    char buf[64];
    return edra_pdf_str(r, "%s", edra_report_fmt_count(buf, sizeof buf, x));
}

const char *edra_pdf_pct(edra_pdf_report *r, double share)
{
    char buf[64];
    if (isnan(share))
        return "n/a";
    return edra_pdf_str(r, "%s%%", edra_report_fmt_num(buf, sizeof buf, 100 * share, 3));
}

const char *edra_pdf_levels(edra_pdf_report *r, const uint8_t *levels)
{
    char buf[1024];
    edra_report_fmt_levels(buf, sizeof buf, r->ctx, levels);
    return edra_pdf_esc(r, buf);
}

/* ---- cover --------------------------------------------------------------------------- */

static const char *const section_titles[EDRA_PDF_SECTIONS] = {
    "Cover",
    "Determination statement and conditions",
    "Executive summary",
    "Data",
    "Threat model",
    "Methods",
    "Results",
    "Appendix"};

static const char *or_absent(edra_pdf_report *r, const char *s)
{
    return s && *s ? edra_pdf_esc(r, s) : "<i>not given in the spec</i>";
}

/* The date of the report, "2024-03-01 12:00:00 UTC". */
static const char *report_date(edra_pdf_report *r)
{
    const char *iso = r->run->created_iso;
    return edra_pdf_str(r, "%.10s %.8s UTC", iso, iso + 11);
}

static void signature_block(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    edra_layout *l = r->l;
    const char *who = run->expert ? edra_pdf_esc(r, run->expert) : "the expert";
    const char *creds = run->credentials ? edra_pdf_str(r, ", %s", edra_pdf_esc(r, run->credentials)) : "";
    const char *statement, *lines;
    if (run->signer_fingerprint)
        statement = edra_pdf_str(
            r, "<b>Digitally signed.</b> The detached signature that accompanies this report was "
               "made with the key whose fingerprint is given below; verify it before relying on the "
               "report.");
    else
        statement = "<b>UNSIGNED.</b> No digital signature was made for this report. Until "
                    "the expert signs it, it is a draft and records no determination.";
    lines = edra_pdf_str(r, "Signed: ______________________________    Date: ________________\n"
                            "%s%s",
                         who, creds);
    double inset = 12;
    double h = 10 + edra_layout_measure(l, EDRA_TEXT_LABEL, inset, "SIGNATURE") + 3 +
               edra_layout_measure(l, EDRA_TEXT_BODY, inset, statement) + 5.5 +
               (run->signer_fingerprint
                    ? edra_layout_measure(l, EDRA_TEXT_MONO, inset, run->signer_fingerprint) + 2
                    : 0) +
               14 + edra_layout_measure(l, EDRA_TEXT_BODY, inset, lines) + 5.5 + 8;
    double room = edra_layout_room(l);
    if (room > h)
        edra_layout_move_to(l, edra_layout_y(l) + room - h);
    edra_layout_box(l, h);
    edra_layout_space(l, 10);
    edra_layout_para(l, EDRA_TEXT_LABEL, inset, "SIGNATURE");
    edra_layout_para(l, EDRA_TEXT_BODY, inset, statement);
    if (run->signer_fingerprint)
        edra_layout_para(l, EDRA_TEXT_MONO, inset, run->signer_fingerprint);
    edra_layout_space(l, 14);
    edra_layout_para(l, EDRA_TEXT_BODY, inset, lines);
}

static void cover(edra_pdf_report *r)
{
    const edra_report_run *run = r->run;
    edra_layout *l = r->l;
    const edra_figures *fin = r->fin;
    static const double kv_w[2] = {0.27, 0.73};
    static const double toc_w[2] = {0.88, 0.12};
    const char *verdict;

    edra_layout_para(l, EDRA_TEXT_LABEL, 0,
                     "HIPAA EXPERT DETERMINATION \u00b7 45 CFR 164.514(b)(1)");
    edra_layout_space(l, 6);
    edra_layout_para(l, EDRA_TEXT_TITLE, 0,
                     run->title ? edra_pdf_esc(r, run->title)
                                : edra_pdf_str(r, "Expert determination: %s",
                                               edra_pdf_esc(r, run->dataset ? run->dataset
                                                                            : r->ctx->data_path)));
    if (run->organisation)
        edra_layout_para(l, EDRA_TEXT_SUBTITLE, 0, edra_pdf_esc(r, run->organisation));
    edra_layout_space(l, 12);

    if (run->after)
        verdict = fin->targets_met
                      ? edra_pdf_str(r, "<b>Every target met</b> by the transformation %s",
                                     edra_pdf_levels(r, fin->levels))
                      : edra_pdf_str(r, "<b><span foreground=\"#b3261e\">A target is NOT met</span></b> "
                                        "by the best transformation found (%s)",
                                     edra_pdf_levels(r, fin->levels));
    else
        verdict = fin->targets_met ? "<b>Every target met</b> by the data as they stand"
                                   : "<b><span foreground=\"#b3261e\">A target is NOT met</span></b> "
                                     "by the data as they stand";
    edra_layout_table_begin(l, 2, kv_w, "ll", NULL);
    edra_pdf_kv(r, "Dataset", or_absent(r, run->dataset));
    edra_pdf_kv(r, "Organisation", or_absent(r, run->organisation));
    edra_pdf_kv(r, "Intended recipient", or_absent(r, run->recipient));
    edra_pdf_kv(r, "Determination ID", run->run_id ? edra_pdf_esc(r, run->run_id) : "<i>none</i>");
    edra_pdf_kv(r, "Date", report_date(r));
    edra_pdf_kv(r, "Software", edra_pdf_str(r, "edra %s", edra_pdf_esc(r, r->ctx->version)));
    edra_pdf_kv(r, "Expert", or_absent(r, run->expert));
    edra_pdf_kv(r, "Credentials", or_absent(r, run->credentials));
    edra_pdf_kv(r, "Validity", or_absent(r, run->validity));
    edra_pdf_kv(r, "Verdict", verdict);
    edra_layout_table_end(l);

    edra_layout_space(l, 6);
    edra_layout_para(l, EDRA_TEXT_LABEL, 0, "CONTENTS");
    edra_layout_table_begin(l, 2, toc_w, "lr", NULL);
    for (int s = 1; s < EDRA_PDF_SECTIONS; s++) {
        const char *cells[2] = {edra_pdf_str(r, "%d\u2002%s", s + 1, section_titles[s]),
                                r->toc[s] ? edra_pdf_str(r, "%d", r->toc[s]) : ""};
        edra_layout_table_row(l, cells);
    }
    edra_layout_table_end(l);
    signature_block(r);
}

/* ---- driver -------------------------------------------------------------------------- */

static int heading(edra_pdf_report *r, int section)
{
    if (section > 0)
        edra_layout_new_page(r->l);
    int page = edra_layout_heading(r->l, 1, section_titles[section], 60);
    r->toc[section] = page;
    return page;
}

static int lay_out(edra_pdf_report *r)
{
    r->rc = 0;
    /* the cover is section 1 but carries no heading: it is the first page */
    r->toc[0] = 1;
    edra_layout_number_from(r->l, 1);
    cover(r);
    heading(r, 1);
    edra_pdf_statement(r);
    heading(r, 2);
    edra_pdf_summary(r);
    heading(r, 3);
    edra_pdf_data(r);
    heading(r, 4);
    edra_pdf_threat(r);
    heading(r, 5);
    edra_pdf_methods(r);
    heading(r, 6);
    edra_pdf_results(r);
    heading(r, 7);
    edra_pdf_appendix(r);
    return r->rc;
}

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int failed;
} pdf_buffer;

static cairo_status_t buffer_write(void *closure, const unsigned char *data, unsigned int length)
{
    pdf_buffer *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 18;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

int edra_pdf_render(unsigned char **out, size_t *len, int *pages, const edra_report_run *run,
                    edra_paper paper, edra_error *err)
{
    edra_pdf_report r;
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    pdf_buffer buf = {NULL, 0, 0, 0};
    char *header = NULL, *footer = NULL, *creator = NULL, *subject = NULL;
    double width, height;
    int rc = 0, counted = 0, drawn = 0;

    *out = NULL;
    *len = 0;
    if ((rc = edra_report_run_check(run, err)) != 0)
        return rc;
    memset(&r, 0, sizeof r);
    r.run = run;
    r.ctx = run->ctx;
    r.md = run->ctx->md;
    r.fin = edra_report_final(run);
    r.err = err;
    r.pool = g_ptr_array_new_with_free_func(g_free);
    header = g_strdup_printf("%s \u2014 %s",
                             run->title ? run->title : "Expert determination",
                             run->dataset ? run->dataset : run->ctx->data_path);
    footer = g_strdup_printf("Determination %s \u00b7 %.10s \u00b7 edra %s",
                             run->run_id ? run->run_id : "(no ID)", run->created_iso,
                             run->ctx->version);

    /* pass 1: count the pages and find the sections */
    r.l = edra_layout_new(NULL, paper, 0, header, footer);
    if (!r.l) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory laying out the report");
        goto done;
    }
    if ((rc = lay_out(&r)) != 0)
        goto done;
    counted = edra_layout_finish(r.l);
    edra_layout_free(r.l);
    r.l = NULL;
    g_ptr_array_set_size(r.pool, 0);

    /* pass 2: draw, with "Page N of M" known */
    edra_layout_paper_size(paper, &width, &height);
    surface = cairo_pdf_surface_create_for_stream(buffer_write, &buf, width, height);
    creator = g_strdup_printf("edra %s", run->ctx->version);
    subject = g_strdup_printf("HIPAA expert determination %s", run->run_id ? run->run_id : "");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   run->title ? run->title : "Expert determination");
    if (run->expert)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, run->expert);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, run->created_iso);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, run->created_iso);
    cr = cairo_create(surface);
    r.l = edra_layout_new(cr, paper, counted, header, footer);
    if (!r.l) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory laying out the report");
        goto done;
    }
    if ((rc = lay_out(&r)) != 0)
        goto done;
    drawn = edra_layout_finish(r.l);
    if (drawn != counted) {
        rc = edra_error_set(err, EDRA_EINTERNAL, "report: %d pages counted but %d drawn", counted,
                            drawn);
        goto done;
    }
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS || buf.failed) {
        rc = buf.failed ? edra_error_set(err, EDRA_ENOMEM, "out of memory writing the report")
                        : edra_error_set(err, EDRA_EINTERNAL, "report: %s",
                                         cairo_status_to_string(cairo_surface_status(surface)));
        goto done;
    }
    *out = buf.data;
    *len = buf.len;
    buf.data = NULL;
    if (pages)
        *pages = drawn;
done:
    edra_layout_free(r.l);
    if (cr)
        cairo_destroy(cr);
    if (surface)
        cairo_surface_destroy(surface);
    g_ptr_array_free(r.pool, TRUE);
    g_free(header);
    g_free(footer);
    g_free(creator);
    g_free(subject);
    free(buf.data);
    return rc;
}

int edra_pdf_write(const char *path, const edra_report_run *run, edra_paper paper,
                   edra_error *err)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = edra_pdf_render(&pdf, &len, NULL, run, paper, err);
    if (rc == 0)
        rc = edra_atomic_write(path, pdf, len, 0644, err);
    free(pdf);
    return rc;
}
