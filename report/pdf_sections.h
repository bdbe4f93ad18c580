/* The sections of the PDF report after the cover, each filled from the run: 2-5 here
 * (pdf_sections.c), 6-8 in pdf_technical.h. Internal to report/pdf.c: the state they share
 * and the string helpers (strings live in a pool freed with the report, so sections can
 * build markup without bookkeeping). */
#ifndef EDRA_PDF_SECTIONS_H
#define EDRA_PDF_SECTIONS_H

#include <glib.h>
#include <stdint.h>

#include "../metrics/error.h"
#include "layout.h"
#include "run.h"

#define EDRA_PDF_SECTIONS 8

typedef struct {
    const edra_report_run *run;
    const edra_report_context *ctx;
    const edra_microdata *md;
    const edra_figures *fin;     /* the figures the results describe (after, else before) */
    edra_layout *l;
    GPtrArray *pool;             /* strings freed with the report */
    int toc[EDRA_PDF_SECTIONS];  /* page of each section, from the counting pass */
    edra_error *err;
    int rc;                      /* first failure (a chart that could not be drawn) */
} edra_pdf_report;

/* printf into the pool; the result lives as long as the report. */
char *edra_pdf_str(edra_pdf_report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* text escaped for pango markup, in the pool. */
char *edra_pdf_esc(edra_pdf_report *r, const char *text);
/* a figure (4 significant digits, "n/a"), a count ("12,345"), a share as percent, levels. */
const char *edra_pdf_num(edra_pdf_report *r, double x);
const char *edra_pdf_count(edra_pdf_report *r, uint64_t x);
const char *edra_pdf_pct(edra_pdf_report *r, double share);
const char *edra_pdf_levels(edra_pdf_report *r, const uint8_t *levels);

/* A row of a two-column key-value table: key plain, value markup. */
void edra_pdf_kv(edra_pdf_report *r, const char *key, const char *value_markup);
/* The column widths (shares of the text width) of such a table. */
extern const double edra_pdf_kv_widths[2];

/* Sections 2 to 5: the statement and its conditions, the summary, the data, the threat. */
void edra_pdf_statement(edra_pdf_report *r);
void edra_pdf_summary(edra_pdf_report *r);
void edra_pdf_data(edra_pdf_report *r);
void edra_pdf_threat(edra_pdf_report *r);

#endif
