/* Drawing primitives of the report's charts, on cairo with pango text in DejaVu Sans: text
 * anchored and rotated, linear and log axes with 1-2-2.5-5 ticks, legends, the title block
 * and a grouped bar panel. Sizes are in the chart's logical units (report/charts scales). */
#include "plot.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "run.h"

#define FONT_FAMILY "DejaVu Sans"

void edra_plot_set_rgb(cairo_t *cr, edra_plot_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* ---- text ---------------------------------------------------------------------------- */

/* The pango context edra_plot_begin attaches to cr, from a private font map so that the
 * font caches go with it. */
static const cairo_user_data_key_t pango_key;

int edra_plot_begin(cairo_t *cr)
{
    PangoFontMap *fonts = pango_cairo_font_map_new();
    PangoContext *context = pango_font_map_create_context(fonts);
    g_object_unref(fonts); /* the context holds it */
    if (cairo_set_user_data(cr, &pango_key, context, g_object_unref) != CAIRO_STATUS_SUCCESS) {
        g_object_unref(context);
        return -1;
    }
    return 0;
}

void edra_plot_end(cairo_t *cr)
{
    cairo_set_user_data(cr, &pango_key, NULL, NULL); /* unrefs the context */
}

static PangoLayout *make_layout(cairo_t *cr, const char *s, double size, int bold)
{
    PangoContext *context = cairo_get_user_data(cr, &pango_key);
    assert(context != NULL && "edra_plot_begin was not called on cr");
    pango_cairo_update_context(cr, context);
    PangoLayout *layout = pango_layout_new(context);
    PangoFontDescription *font = pango_font_description_from_string(FONT_FAMILY);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_text(layout, s, -1);
    return layout;
}

void edra_plot_text_size(cairo_t *cr, const char *s, double size, int bold, double *w, double *h)
{
    PangoLayout *layout = make_layout(cr, s, size, bold);
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    g_object_unref(layout);
}

void edra_plot_text(cairo_t *cr, const char *s, double size, int bold, edra_plot_rgb color,
                    double x, double y, double ax, double ay, double angle)
{
    PangoLayout *layout = make_layout(cr, s, size, bold);
    PangoRectangle logical;
    if (ax == 0.5)
        pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    else if (ax == 1.0)
        pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
    pango_layout_get_extents(layout, NULL, &logical);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, -ax * logical.width / PANGO_SCALE - (double)logical.x / PANGO_SCALE,
                  -ay * logical.height / PANGO_SCALE);
    edra_plot_set_rgb(cr, color);
    pango_cairo_update_layout(cr, layout);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
    g_object_unref(layout);
}

/* ---- numbers ------------------------------------------------------------------------- */

void edra_plot_fmt_value(char *buf, size_t size, double v, int percent)
{
    char num[40];
    if (isnan(v)) {
        snprintf(buf, size, "n/a");
        return;
    }
    if (!percent && v >= 1 && v < 1e15 && v == floor(v))
        edra_report_fmt_count(num, sizeof num, (uint64_t)v);
    else
        edra_report_fmt_num(num, sizeof num, v, 3);
    snprintf(buf, size, "%s%s", num, percent ? "%" : "");
}

void edra_plot_axis_linear(edra_plot_axis *a, double maxv, int percent)
{
    static const double mult[] = {1, 2, 2.5, 5, 10};
    if (!(maxv > 0) || !isfinite(maxv))
        maxv = percent ? 1.0 : 1.0;
    double raw = maxv / 5.0, base = pow(10.0, floor(log10(raw))), step = base * 10;
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (base * mult[i] >= raw) {
            step = base * mult[i];
            break;
        }
    a->min = 0;
    a->step = step;
    a->max = ceil(maxv / step - 1e-9) * step;
    a->log = 0;
    a->percent = percent;
}

void edra_plot_axis_log(edra_plot_axis *a, double maxv)
{
    a->min = 0.6; /* below 1 so a count of 1 still shows as a bar */
    a->max = maxv > 1 ? pow(10.0, ceil(log10(maxv) - 1e-12)) : 10;
    if (a->max < maxv * 3)
        a->max *= 10; /* leave room for the value label above the tallest bar */
    a->step = 10;
    a->log = 1;
    a->percent = 0;
}

/* Position of v along the axis as a share of its length, clamped to [0, 1]. */
double edra_plot_axis_frac(const edra_plot_axis *a, double v)
{
    double f;
    if (a->log)
        f = v < a->min ? 0 : (log10(v) - log10(a->min)) / (log10(a->max) - log10(a->min));
    else
        f = (v - a->min) / (a->max - a->min);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

void edra_plot_tick_label(char *buf, size_t size, const edra_plot_axis *a, double v)
{
    if (a->log) {
        edra_report_fmt_count(buf, size, (uint64_t)llround(v));
        return;
    }
    /* as many decimals as the step needs: 2.5 -> 1, 0.25 -> 2, 5 -> 0 */
    int decimals = 0;
    double scaled = a->step;
    while (decimals < 9 && fabs(scaled - round(scaled)) > 1e-6 * scaled) {
        decimals++;
        scaled *= 10;
    }
    const char *unit = a->percent ? "%" : "";
    if (decimals == 0 && fabs(v) < 1e15) {
        char num[40];
        edra_report_fmt_count(num, sizeof num, (uint64_t)llround(fabs(v)));
        snprintf(buf, size, "%s%s%s", v < 0 ? "-" : "", num, unit);
    } else if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-6)) {
        snprintf(buf, size, "%.3g%s", v, unit);
    } else {
        snprintf(buf, size, "%.*f%s", decimals, v, unit);
    }
}

size_t edra_plot_axis_ticks(const edra_plot_axis *a, double *ticks, size_t max_ticks)
{
    size_t n = 0;
    if (a->log) {
        for (double v = 1; v <= a->max * 1.0001 && n < max_ticks; v *= 10)
            ticks[n++] = v;
    } else {
        for (size_t i = 0; n < max_ticks; i++) {
            double v = a->min + (double)i * a->step;
            if (v > a->max + a->step * 1e-6)
                break;
            ticks[n++] = v;
        }
    }
    return n;
}

/* ---- frame, legend ------------------------------------------------------------------- */

static void draw_swatch(cairo_t *cr, double x, double y, double s, const edra_plot_legend_item *it)
{
    cairo_new_path(cr); /* the text left a current point; an arc would join it */
    switch (it->shape) {
    case 1:
        cairo_arc(cr, x + s / 2, y + s / 2, s / 2.6, 0, 2 * EDRA_PLOT_PI);
        edra_plot_set_rgb(cr, it->color);
        cairo_fill(cr);
        break;
    case 2:
        cairo_rectangle(cr, x + 1, y + 1, s - 2, s - 2);
        edra_plot_set_rgb(cr, it->color);
        cairo_fill_preserve(cr);
        edra_plot_set_rgb(cr, EDRA_PLOT_INK);
        cairo_set_line_width(cr, 2.2);
        cairo_stroke(cr);
        break;
    case 3:
        cairo_arc(cr, x + s / 2, y + s / 2, s / 2.4, 0, 2 * EDRA_PLOT_PI);
        edra_plot_set_rgb(cr, it->color);
        cairo_set_line_width(cr, 2.6);
        cairo_stroke(cr);
        break;
    default:
        cairo_rectangle(cr, x, y, s, s);
        edra_plot_set_rgb(cr, it->color);
        cairo_fill(cr);
    }
}

double edra_plot_legend(cairo_t *cr, double x, double y, double max_x,
                        const edra_plot_legend_item *items, size_t n)
{
    const double size = 14, swatch = 13, gap = 22;
    double cx = x, row_h = 0, top = y;
    for (size_t i = 0; i < n; i++) {
        double w, h;
        edra_plot_text_size(cr, items[i].label, size, 0, &w, &h);
        if (cx > x && cx + swatch + 6 + w > max_x) {
            cx = x;
            y += row_h + 4;
        }
        if (h > row_h)
            row_h = h;
        draw_swatch(cr, cx, y + (h - swatch) / 2, swatch, &items[i]);
        edra_plot_text(cr, items[i].label, size, 0, EDRA_PLOT_INK, cx + swatch + 6, y, 0, 0, 0);
        cx += swatch + 6 + w + gap;
    }
    return n ? y + row_h - top : 0;
}

double edra_plot_header(cairo_t *cr, double W, double H, const char *title, const char *subtitle)
{
    double w, h, y = 16;
    cairo_rectangle(cr, 0, 0, W, H);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    edra_plot_text(cr, title, 21, 1, EDRA_PLOT_INK, 24, y, 0, 0, 0);
    edra_plot_text_size(cr, title, 21, 1, &w, &h);
    y += h + 2;
    if (subtitle && *subtitle) {
        PangoLayout *layout = make_layout(cr, subtitle, 14, 0);
        PangoRectangle logical;
        pango_layout_set_width(layout, (int)((W - 48) * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
        pango_layout_get_extents(layout, NULL, &logical);
        cairo_move_to(cr, 24, y);
        edra_plot_set_rgb(cr, EDRA_PLOT_MUTED);
        pango_cairo_update_layout(cr, layout);
        pango_cairo_show_layout(cr, layout);
        y += (double)logical.height / PANGO_SCALE;
        g_object_unref(layout);
    }
    return y + 8;
}

/* ---- bar panel ----------------------------------------------------------------------- */

void edra_plot_bars(cairo_t *cr, double x, double y, double w, double h,
                    const edra_plot_bars_spec *p)
{
    edra_plot_axis ax;
    double maxv = 0, ticks[16], tw, th, left = 0, label_w = 0, label_h = 0;
    char buf[64];
    const double tick_size = 13.5, title_size = 14, label_size = 13, value_size = 11.5;

    if (p->title) {
        edra_plot_text(cr, p->title, 15, 1, EDRA_PLOT_INK, x, y, 0, 0, 0);
        edra_plot_text_size(cr, p->title, 15, 1, &tw, &th);
        y += th + 6;
        h -= th + 6;
    }
    for (size_t g = 0; g < p->n_groups; g++)
        for (size_t s = 0; s < p->n_series; s++)
            if (isfinite(p->values[g][s]) && p->values[g][s] > maxv)
                maxv = p->values[g][s];
    if (p->log_y)
        edra_plot_axis_log(&ax, maxv);
    else
        edra_plot_axis_linear(&ax, maxv * (p->value_labels ? 1.12 : 1.0), p->percent);
    size_t n_ticks = edra_plot_axis_ticks(&ax, ticks, 16);
    for (size_t i = 0; i < n_ticks; i++) {
        edra_plot_tick_label(buf, sizeof buf, &ax, ticks[i]);
        edra_plot_text_size(cr, buf, tick_size, 0, &tw, &th);
        if (tw > left)
            left = tw;
    }
    edra_plot_text_size(cr, p->y_title, title_size, 0, &tw, &th);
    double y_title_h = th;
    left += y_title_h + 16;

    /* the group labels: horizontal when they fit, else at 45 degrees */
    double plot_w = w - left - 8;
    double gw = plot_w / (double)(p->n_groups ? p->n_groups : 1);
    for (size_t g = 0; g < p->n_groups; g++) {
        edra_plot_text_size(cr, p->group_labels[g], label_size, 0, &tw, &th);
        if (tw > label_w)
            label_w = tw;
        if (th > label_h)
            label_h = th;
    }
    int rotate = label_w > gw * 0.95;
    double labels_h = rotate ? (label_w + label_h) * sin(EDRA_PLOT_PI / 4) + 4 : label_h + 4;
    edra_plot_text_size(cr, p->x_title, title_size, 0, &tw, &th);
    double bottom = labels_h + th + 12;
    double px = x + left, py = y + 6, ph = h - bottom - 6;
    double base = py + ph;

    /* grid and y ticks */
    cairo_set_line_width(cr, 1);
    for (size_t i = 0; i < n_ticks; i++) {
        double ty = base - edra_plot_axis_frac(&ax, ticks[i]) * ph;
        cairo_move_to(cr, px, ty);
        cairo_line_to(cr, px + plot_w, ty);
        edra_plot_set_rgb(cr, EDRA_PLOT_GRID);
        cairo_stroke(cr);
        edra_plot_tick_label(buf, sizeof buf, &ax, ticks[i]);
        edra_plot_text(cr, buf, tick_size, 0, EDRA_PLOT_MUTED, px - 6, ty, 1.0, 0.5, 0);
    }
    edra_plot_text(cr, p->y_title, title_size, 0, EDRA_PLOT_INK, x + y_title_h / 2, py + ph / 2,
                   0.5, 0.5, -EDRA_PLOT_PI / 2);

    /* bars */
    double bw = gw * 0.74 / (double)p->n_series;
    for (size_t g = 0; g < p->n_groups; g++) {
        double gx = px + gw * (double)g + gw * 0.13;
        for (size_t s = 0; s < p->n_series; s++) {
            double v = p->values[g][s], bx = gx + bw * (double)s;
            if (isnan(v)) {
                edra_plot_text(cr, "n/a", value_size, 0, EDRA_PLOT_MUTED, bx + bw / 2, base - 3,
                               0.5, 1.0, 0);
                continue;
            }
            double top = base - edra_plot_axis_frac(&ax, v) * ph;
            if (base - top > 0.01) {
                cairo_rectangle(cr, bx + 0.5, top, bw - 1, base - top);
                edra_plot_set_rgb(cr, p->colors[s]);
                cairo_fill_preserve(cr);
                if (p->marked[g][s]) {
                    edra_plot_set_rgb(cr, EDRA_PLOT_INK);
                    cairo_set_line_width(cr, 2.4);
                    cairo_stroke(cr);
                } else {
                    cairo_new_path(cr);
                }
            }
            if (p->value_labels && !(p->log_y && v <= 0)) {
                edra_plot_fmt_value(buf, sizeof buf, v, p->percent);
                edra_plot_text_size(cr, buf, value_size, 0, &tw, &th);
                if (tw > bw * 1.3)
                    edra_plot_text(cr, buf, value_size, 0, EDRA_PLOT_INK, bx + bw / 2, top - 3, 0,
                                   0.5, -EDRA_PLOT_PI / 2);
                else
                    edra_plot_text(cr, buf, value_size, 0, EDRA_PLOT_INK, bx + bw / 2, top - 2, 0.5,
                                   1.0, 0);
            }
        }
        if (rotate)
            edra_plot_text(cr, p->group_labels[g], label_size, 0, EDRA_PLOT_INK,
                           px + gw * (double)g + gw / 2 + 4, base + 6, 1.0, 0.0, -EDRA_PLOT_PI / 4);
        else
            edra_plot_text(cr, p->group_labels[g], label_size, 0, EDRA_PLOT_INK,
                           px + gw * (double)g + gw / 2, base + 4, 0.5, 0.0, 0);
    }
    if (p->threshold_after >= 0 && p->threshold_label) {
        double tx = px + gw * (p->threshold_after + 1);
        const double dash[] = {6, 4};
        cairo_save(cr);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, tx, py);
        cairo_line_to(cr, tx, base);
        edra_plot_set_rgb(cr, EDRA_PLOT_ALERT);
        cairo_stroke(cr);
        cairo_restore(cr);
        edra_plot_text(cr, p->threshold_label, 12, 0, EDRA_PLOT_ALERT, tx - 5, py + 2, 1.0, 0, 0);
    }
    /* the axis line on top of the bars */
    cairo_move_to(cr, px, base);
    cairo_line_to(cr, px + plot_w, base);
    edra_plot_set_rgb(cr, EDRA_PLOT_INK);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    edra_plot_text(cr, p->x_title, title_size, 0, EDRA_PLOT_INK, px + plot_w / 2,
                   base + labels_h + 6, 0.5, 0, 0);
}
