/* The report as an Excel workbook (libxlsxwriter): sheets Summary, Attributes, Classes,
 * Risk distribution (with a native column chart), Models per SA, Lattice (every checked
 * node), Hierarchies and Run. Numbers are numbers, header rows frozen; the workbook's
 * creation time is the run's created_iso, so two runs at the same time give the same file. */
#ifndef EDRA_XLSX_H
#define EDRA_XLSX_H

#include "../metrics/error.h"
#include "run.h"

/* Writes the workbook to path: to a temporary file in the same folder, then renamed over
 * path (mode 0644). Returns 0, EDRA_EUSAGE / EDRA_ERANGE (incomplete run, bad created_iso),
 * EDRA_EIO (the folder is not writable or libxlsxwriter failed; its message is given) or
 * EDRA_ENOMEM. On failure no file is left at path or beside it. */
int edra_xlsx_write(const char *path, const edra_report_run *run, edra_error *err);

#endif
