/* The determination report as PDF (cairo PDF surface, pango text): cover with signature
 * block, determination statement and conditions, executive summary, data, threat model,
 * methods with formulas and references, results with the charts, and an appendix with the
 * hierarchies as applied, the spec and the hashes. Aggregates only: no record is printed.
 * Two renders of the same run with the same created_iso give the same bytes. */
#ifndef EDRA_PDF_H
#define EDRA_PDF_H

#include <stddef.h>

#include "../metrics/error.h"
#include "layout.h"
#include "run.h"

/* Renders the report into memory: *out (the caller's, free()) of *len bytes, *pages pages
 * (pages may be NULL). Returns 0, EDRA_EUSAGE / EDRA_ERANGE (incomplete run, bad
 * created_iso), EDRA_ENOMEM or EDRA_EINTERNAL (cairo failed). */
int edra_pdf_render(unsigned char **out, size_t *len, int *pages, const edra_report_run *run,
                    edra_paper paper, edra_error *err);

/* Renders the report and writes it to path atomically, mode 0644. Same codes, plus EDRA_EIO. */
int edra_pdf_write(const char *path, const edra_report_run *run, edra_paper paper,
                   edra_error *err);

#endif
