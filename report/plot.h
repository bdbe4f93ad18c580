/* Drawing primitives for report/charts: text with pango, axes, legends, the title block and
 * a grouped bar panel, on a cairo_t whose user space is the chart's logical canvas. Before
 * drawing, edra_plot_begin attaches the pango context the text functions use. */
#ifndef EDRA_PLOT_H
#define EDRA_PLOT_H

#include <cairo.h>
#include <stddef.h>

#define EDRA_PLOT_MAX_GROUPS 64
#define EDRA_PLOT_MAX_SERIES 4
#define EDRA_PLOT_PI 3.14159265358979323846

typedef struct {
    double r, g, b;
} edra_plot_rgb;

#define EDRA_PLOT_INK ((edra_plot_rgb){0.13, 0.13, 0.15})
#define EDRA_PLOT_MUTED ((edra_plot_rgb){0.38, 0.38, 0.42})
#define EDRA_PLOT_GRID ((edra_plot_rgb){0.87, 0.87, 0.89})
#define EDRA_PLOT_ALERT ((edra_plot_rgb){0.78, 0.18, 0.15})

/* Attaches a pango context (private font map) to cr; edra_plot_end releases it. Returns 0,
 * or -1 when cairo could not store it (out of memory). */
int edra_plot_begin(cairo_t *cr);
void edra_plot_end(cairo_t *cr);

void edra_plot_set_rgb(cairo_t *cr, edra_plot_rgb c);

/* Width and height of s set in size units, bold or not. */
void edra_plot_text_size(cairo_t *cr, const char *s, double size, int bold, double *w, double *h);

/* Draws s with its box anchored at (x, y): ax, ay in [0, 1] pick the anchor within the box
 * (0.5, 0.5 = centre), angle rotates about the anchor (radians). */
void edra_plot_text(cairo_t *cr, const char *s, double size, int bold, edra_plot_rgb color,
                    double x, double y, double ax, double ay, double angle);

/* A bar's value label: counts grouped ("1,234"), else 3 significant digits; "n/a" for NaN. */
void edra_plot_fmt_value(char *buf, size_t size, double v, int percent);

typedef struct {
    double min, max, step;
    int log;
    int percent;
} edra_plot_axis;

/* From 0 to a 1-2-2.5-5 multiple above maxv in about five steps. */
void edra_plot_axis_linear(edra_plot_axis *a, double maxv, int percent);
/* Decades from below 1 to a power of ten well above maxv (room for labels). */
void edra_plot_axis_log(edra_plot_axis *a, double maxv);
/* Position of v along the axis as a share of its length, clamped to [0, 1]. */
double edra_plot_axis_frac(const edra_plot_axis *a, double v);
/* The axis's tick values, at most max_ticks; returns how many. */
size_t edra_plot_axis_ticks(const edra_plot_axis *a, double *ticks, size_t max_ticks);
/* A tick's label with as many decimals as the step needs. */
void edra_plot_tick_label(char *buf, size_t size, const edra_plot_axis *a, double v);

typedef struct {
    edra_plot_rgb color;
    const char *label;
    int shape; /* 0 square, 1 circle, 2 outlined square (marked), 3 ring (chosen) */
} edra_plot_legend_item;

/* A legend row (wrapping before max_x) from (x, y); returns its height. */
double edra_plot_legend(cairo_t *cr, double x, double y, double max_x,
                        const edra_plot_legend_item *items, size_t n);

/* White background over W x H, the title and a wrapped subtitle; returns the y below them. */
double edra_plot_header(cairo_t *cr, double W, double H, const char *title, const char *subtitle);

/* A grouped bar panel: n_groups categories of n_series bars each. */
typedef struct {
    const char *title; /* panel heading, NULL for none */
    const char *x_title, *y_title;
    size_t n_groups, n_series;
    const char *group_labels[EDRA_PLOT_MAX_GROUPS];
    edra_plot_rgb colors[EDRA_PLOT_MAX_SERIES];
    double values[EDRA_PLOT_MAX_GROUPS][EDRA_PLOT_MAX_SERIES]; /* NaN = not available: "n/a" */
    unsigned char marked[EDRA_PLOT_MAX_GROUPS][EDRA_PLOT_MAX_SERIES]; /* outlined bars */
    int log_y, percent, value_labels;
    double threshold_after; /* dashed line after this group index; < 0 = none */
    const char *threshold_label;
} edra_plot_bars_spec;

/* Draws the panel in the rectangle (x, y, w, h): axes, grid, bars, labels. */
void edra_plot_bars(cairo_t *cr, double x, double y, double w, double h,
                    const edra_plot_bars_spec *p);

#endif
