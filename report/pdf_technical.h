/* Sections 6 to 8 of the PDF report: methods, results (with the charts) and the appendix.
 * Internal to report/pdf.c, like pdf_sections.h whose shared state and helpers they use. */
#ifndef EDRA_PDF_TECHNICAL_H
#define EDRA_PDF_TECHNICAL_H

#include "pdf_sections.h"

/* Sections 6 to 8: the models and formulas as applied, the results, the appendix. */
void edra_pdf_methods(edra_pdf_report *r);
void edra_pdf_results(edra_pdf_report *r);
void edra_pdf_appendix(edra_pdf_report *r);
/* The appendix's run history paragraph (run->history_text), when there is one. */
void edra_pdf_history(edra_pdf_report *r);

#endif
