/* The report's charts, drawn with cairo and pango (DejaVu Sans): class sizes, records by
 * re-identification probability (the 22 buckets of metrics/risk.h), l and t per sensitive
 * attribute, population-uniqueness estimates, the lattice nodes checked, and information
 * loss per quasi-identifier. Each can go to PNG, SVG or any cairo_t (the PDF embeds them
 * as vectors). Output is deterministic: no timestamps, no randomness. */
#ifndef EDRA_CHARTS_H
#define EDRA_CHARTS_H

#include <cairo.h>

#include "../metrics/error.h"
#include "run.h"

typedef enum {
    EDRA_CHART_CLASS_SIZES = 0, /* classes per binned class size, before / after (log scale) */
    EDRA_CHART_RISK,            /* share of records per risk bucket, before / after */
    EDRA_CHART_MODELS,          /* l (distinct, entropy, recursive) and t per SA */
    EDRA_CHART_POPULATION,      /* Pitman / Zayatz / SNB with the Dankar choice marked */
    EDRA_CHART_LATTICE,         /* checked nodes: loss vs suppressed share, chosen marked */
    EDRA_CHART_LOSS             /* information loss per QI of the chosen transformation */
} edra_chart_kind;

#define EDRA_CHARTS 6

/* Default raster size in pixels (and SVG size in points). */
#define EDRA_CHART_WIDTH 1200
#define EDRA_CHART_HEIGHT 700

/* Whether run has what the chart shows (sensitive attributes, a population, checked nodes,
 * per-QI loss). A chart that is not available is not drawn. */
int edra_chart_available(edra_chart_kind kind, const edra_report_run *run);

/* File stem ("class_sizes", "risk", ...) and title ("Class-size distribution", ...). */
const char *edra_chart_name(edra_chart_kind kind);
const char *edra_chart_title(edra_chart_kind kind);

/* Draws the chart onto cr in the rectangle (0,0)-(width,height) of its user space (the
 * caller translates); fonts scale with width. Leaves cr's state as it was. Returns 0,
 * EDRA_EUSAGE (chart not available for this run), EDRA_ENOMEM or EDRA_EINTERNAL (cairo
 * failed). */
int edra_chart_draw(cairo_t *cr, double width, double height, edra_chart_kind kind,
                    const edra_report_run *run, edra_error *err);

/* Writes the chart to path as PNG (width x height pixels) or SVG (width x height points),
 * atomically, mode 0644. Returns 0, EDRA_EUSAGE, EDRA_EINTERNAL, EDRA_ENOMEM or EDRA_EIO. */
int edra_chart_write_png(const char *path, edra_chart_kind kind, const edra_report_run *run,
                         int width, int height, edra_error *err);
int edra_chart_write_svg(const char *path, edra_chart_kind kind, const edra_report_run *run,
                         double width, double height, edra_error *err);

/* Writes every available chart as dir/<name>.png and dir/<name>.svg at the default size.
 * dir must exist. Returns 0 or the first failure's code. */
int edra_charts_write_all(const char *dir, const edra_report_run *run, edra_error *err);

#endif
