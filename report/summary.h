/* The human-readable summary the commands print on stdout: the data, the transformation,
 * the risk figures, the models per sensitive attribute, population uniqueness and each
 * target's verdict. Aggregates only: no record value is printed. */
#ifndef EDRA_SUMMARY_H
#define EDRA_SUMMARY_H

#include <stdio.h>

#include "../metrics/assessment.h"
#include "../metrics/contrib.h"
#include "../metrics/suda.h"
#include "context.h"

/* Writes the summary of f to out. title heads it ("Data as they stand", "Result"). */
void edra_summary_print(FILE *out, const char *title, const edra_figures *f,
                        const edra_report_context *ctx);

/* The special uniques: MSUs by size, records with one, DIS, each QI's share of the score. */
void edra_summary_print_suda(FILE *out, const edra_suda_figures *sf, const edra_microdata *md);

/* The QI subsets: every QI's figures, the effect of dropping each QI, and per size the subset
 * that distinguishes most. */
void edra_summary_print_contrib(FILE *out, const edra_contrib_figures *c, const edra_microdata *md);

/* The source block (file, hash, rows, attributes, missing values). */
void edra_summary_print_source(FILE *out, const edra_report_context *ctx);

#endif
