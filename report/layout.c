/* Flowing text, tables and figures down pages with pango. Metrics come from one pango
 * context with hinting off (as on a PDF surface), so the counting pass and the drawing
 * pass break lines and pages at the same places; paragraphs are drawn line by line
 * (pango_cairo_show_layout_line) so that they can split between pages. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#define FONT "DejaVu Sans"
#define FONT_MONO "DejaVu Sans Mono"
#define CELL_PAD_X 4.5
#define CELL_PAD_Y 3.2

typedef struct {
    double r, g, b;
} rgb;

static const rgb TEXT = {0.09, 0.09, 0.11};
static const rgb MUTED = {0.38, 0.38, 0.42};
static const rgb ACCENT = {0.10, 0.24, 0.42};
static const rgb RULE = {0.70, 0.72, 0.76};
static const rgb HEAD_FILL = {0.90, 0.92, 0.95};
static const rgb ZEBRA = {0.965, 0.97, 0.975};
static const rgb MARK_FILL = {1.0, 0.95, 0.80};

struct edra_layout {
    cairo_t *cr;
    PangoFontMap *fonts;      /* private, so its caches go with the layout */
    PangoContext *pango;
    double page_w, page_h, left, right, top, bottom;
    double y;
    int page, pages_total;
    const char *header, *footer;
    int outline_parent;       /* outline id of the last level-1 heading */
    int h1, h2;               /* heading numbers */
    /* the open table */
    size_t n_cols;
    double col_x[EDRA_LAYOUT_MAX_COLS], col_w[EDRA_LAYOUT_MAX_COLS];
    char align[EDRA_LAYOUT_MAX_COLS];
    char *headers[EDRA_LAYOUT_MAX_COLS];
    int has_headers;
    size_t row;
};

static void set_rgb(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

int edra_layout_load_fonts(void)
{
    /* FcInitLoadConfigAndFonts fails once; installed as the current configuration, it is
     * the one FcInit finds, so FcInit never loads one (nor retries). */
    FcConfig *config = FcInitLoadConfigAndFonts();
    if (!config)
        return -1;
    if (!FcConfigSetCurrent(config)) {
        FcConfigDestroy(config);
        return -1;
    }
    return 0;
}

void edra_layout_paper_size(edra_paper paper, double *width, double *height)
{
    if (paper == EDRA_PAPER_LETTER) {
        *width = 612;
        *height = 792;
    } else {
        *width = 595.2756; /* 210 x 297 mm */
        *height = 841.8898;
    }
}

/* ---- text ---------------------------------------------------------------------------- */

static PangoLayout *make_layout(edra_layout *l, edra_text_style style, double width,
                                const char *markup)
{
    PangoLayout *layout = pango_layout_new(l->pango);
    const char *font = FONT " 9.3";
    double spacing = 1.28;
    switch (style) {
    case EDRA_TEXT_SMALL:
        font = FONT " 7.9";
        spacing = 1.2;
        break;
    case EDRA_TEXT_MONO:
        font = FONT_MONO " 7.6";
        spacing = 1.15;
        break;
    case EDRA_TEXT_TITLE:
        font = FONT " Bold 21";
        spacing = 1.1;
        break;
    case EDRA_TEXT_SUBTITLE:
        font = FONT " 12.5";
        spacing = 1.2;
        break;
    case EDRA_TEXT_LABEL:
        font = FONT " Bold 7.5";
        spacing = 1.1;
        break;
    case EDRA_TEXT_BODY:
        break;
    }
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_line_spacing(layout, (float)spacing);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, style == EDRA_TEXT_MONO ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    }
    if (style == EDRA_TEXT_BODY)
        pango_layout_set_justify(layout, TRUE);
    if (style == EDRA_TEXT_LABEL) {
        PangoAttrList *attrs = pango_attr_list_new();
        pango_attr_list_insert(attrs, pango_attr_letter_spacing_new((int)(0.9 * PANGO_SCALE)));
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
    }
    if (style == EDRA_TEXT_MONO)
        pango_layout_set_text(layout, markup, -1);
    else
        pango_layout_set_markup(layout, markup, -1);
    return layout;
}

static rgb style_color(edra_text_style style)
{
    return style == EDRA_TEXT_SMALL || style == EDRA_TEXT_SUBTITLE || style == EDRA_TEXT_LABEL
               ? MUTED
               : style == EDRA_TEXT_TITLE ? ACCENT : TEXT;
}

static double layout_height(PangoLayout *layout)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    return (double)logical.height / PANGO_SCALE;
}

/* A one-line text at (x, y) top-left, right-aligned to x when right; cut with an ellipsis
 * at max_width (0 = no limit). */
static void draw_line_text(edra_layout *l, const char *markup, edra_text_style style, double x,
                           double y, int right, double max_width)
{
    PangoLayout *layout = make_layout(l, style, 0, markup);
    if (max_width > 0) {
        pango_layout_set_width(layout, (int)(max_width * PANGO_SCALE));
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    }
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    if (right)
        x -= (double)logical.width / PANGO_SCALE;
    cairo_move_to(l->cr, x, y);
    set_rgb(l->cr, style_color(style));
    pango_cairo_show_layout(l->cr, layout);
    g_object_unref(layout);
}

/* ---- pages --------------------------------------------------------------------------- */

static void begin_page(edra_layout *l)
{
    l->page++;
    l->y = l->top;
    if (!l->cr || l->page == 1)
        return;
    char buf[64];
    cairo_t *cr = l->cr;
    char *header = g_markup_escape_text(l->header ? l->header : "", -1);
    char *footer = g_markup_escape_text(l->footer ? l->footer : "", -1);
    draw_line_text(l, header, EDRA_TEXT_SMALL, l->left, l->top - 30, 0, l->right - l->left);
    cairo_move_to(cr, l->left, l->top - 16);
    cairo_line_to(cr, l->right, l->top - 16);
    set_rgb(cr, RULE);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    double fy = l->bottom + 26;
    cairo_move_to(cr, l->left, fy - 8);
    cairo_line_to(cr, l->right, fy - 8);
    set_rgb(cr, RULE);
    cairo_stroke(cr);
    draw_line_text(l, footer, EDRA_TEXT_SMALL, l->left, fy, 0, l->right - l->left - 90);
    if (l->pages_total > 0)
        snprintf(buf, sizeof buf, "Page %d of %d", l->page, l->pages_total);
    else
        snprintf(buf, sizeof buf, "Page %d", l->page);
    draw_line_text(l, buf, EDRA_TEXT_SMALL, l->right, fy, 1, 0);
    g_free(header);
    g_free(footer);
}

edra_layout *edra_layout_new(cairo_t *cr, edra_paper paper, int pages_total, const char *header,
                             const char *footer)
{
    edra_layout *l = calloc(1, sizeof *l);
    cairo_font_options_t *options = NULL;
    if (!l)
        return NULL;
    l->cr = cr;
    l->fonts = pango_cairo_font_map_new();
    l->pango = pango_font_map_create_context(l->fonts);
    /* what a PDF surface gives: outlines, no hinting, so both passes measure alike */
    options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(l->pango, options);
    cairo_font_options_destroy(options);
    pango_cairo_context_set_resolution(l->pango, 72.0); /* 1 pt = 1 unit */
    edra_layout_paper_size(paper, &l->page_w, &l->page_h);
    l->left = 64;
    l->right = l->page_w - 64;
    l->top = 70;
    l->bottom = l->page_h - 66;
    l->pages_total = pages_total;
    l->header = header;
    l->footer = footer;
    l->outline_parent = CAIRO_PDF_OUTLINE_ROOT;
    begin_page(l);
    return l;
}

int edra_layout_finish(edra_layout *l)
{
    if (l->cr)
        cairo_show_page(l->cr);
    return l->page;
}

void edra_layout_free(edra_layout *l)
{
    if (!l)
        return;
    for (size_t c = 0; c < EDRA_LAYOUT_MAX_COLS; c++)
        g_free(l->headers[c]);
    if (l->pango)
        g_object_unref(l->pango);
    if (l->fonts)
        g_object_unref(l->fonts);
    free(l);
}

int edra_layout_page(const edra_layout *l)
{
    return l->page;
}

double edra_layout_y(const edra_layout *l)
{
    return l->y;
}

double edra_layout_x(const edra_layout *l)
{
    return l->left;
}

double edra_layout_width(const edra_layout *l)
{
    return l->right - l->left;
}

double edra_layout_room(const edra_layout *l)
{
    return l->bottom - l->y;
}

void edra_layout_new_page(edra_layout *l)
{
    if (l->cr)
        cairo_show_page(l->cr);
    begin_page(l);
}

void edra_layout_space(edra_layout *l, double points)
{
    if (l->y + points > l->bottom)
        edra_layout_new_page(l);
    else if (l->y > l->top)
        l->y += points; /* no space at the top of a page */
}

void edra_layout_move_to(edra_layout *l, double y)
{
    l->y = y < l->top ? l->top : y;
}

static void ensure(edra_layout *l, double height)
{
    if (l->y + height > l->bottom && l->y > l->top)
        edra_layout_new_page(l);
}

void edra_layout_keep(edra_layout *l, double height)
{
    ensure(l, height);
}

/* ---- paragraphs ---------------------------------------------------------------------- */

/* Draws layout at x from the cursor, line by line, starting a new page when a line does
 * not fit; the cursor ends below the last line. */
static void flow(edra_layout *l, PangoLayout *layout, double x, rgb color)
{
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    double offset = 0, start = l->y, last = 0;
    do {
        int y0, y1;
        PangoRectangle logical;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        double top = (double)y0 / PANGO_SCALE, bot = (double)y1 / PANGO_SCALE;
        if (start + bot - offset > l->bottom && top > offset) {
            edra_layout_new_page(l);
            offset = top;
            start = l->y;
        } else if (start + bot - offset > l->bottom && start > l->top) {
            /* the first line does not fit: the paragraph starts on the next page */
            edra_layout_new_page(l);
            start = l->y;
        }
        if (l->cr) {
            PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
            double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            cairo_move_to(l->cr, x + (double)logical.x / PANGO_SCALE, start + baseline - offset);
            set_rgb(l->cr, color);
            pango_cairo_show_layout_line(l->cr, line);
        }
        last = bot;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    l->y = start + last - offset;
}

void edra_layout_para(edra_layout *l, edra_text_style style, double indent, const char *markup)
{
    PangoLayout *layout = make_layout(l, style, l->right - l->left - 2 * indent, markup);
    flow(l, layout, l->left + indent, style_color(style));
    g_object_unref(layout);
    l->y += style == EDRA_TEXT_MONO ? 2 : style == EDRA_TEXT_LABEL ? 3 : 5.5;
}

double edra_layout_measure(edra_layout *l, edra_text_style style, double indent,
                           const char *markup)
{
    PangoLayout *layout = make_layout(l, style, l->right - l->left - 2 * indent, markup);
    double h = layout_height(layout);
    g_object_unref(layout);
    return h;
}

void edra_layout_bullets(edra_layout *l, size_t n, const char *const *items)
{
    const double indent = 14;
    for (size_t i = 0; i < n; i++) {
        PangoLayout *layout = make_layout(l, EDRA_TEXT_BODY, l->right - l->left - indent, items[i]);
        pango_layout_set_justify(layout, FALSE);
        /* the first line must fit with its bullet */
        PangoLayoutIter *it = pango_layout_get_iter(layout);
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        double first_baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        pango_layout_iter_free(it);
        ensure(l, (double)y1 / PANGO_SCALE);
        if (l->cr) {
            PangoLayout *bullet = make_layout(l, EDRA_TEXT_BODY, 0, "\u2022");
            PangoLayoutLine *line = pango_layout_get_line_readonly(bullet, 0);
            cairo_move_to(l->cr, l->left + 3, l->y + first_baseline);
            set_rgb(l->cr, ACCENT);
            pango_cairo_show_layout_line(l->cr, line);
            g_object_unref(bullet);
        }
        flow(l, layout, l->left + indent, TEXT);
        g_object_unref(layout);
        l->y += 2.5;
    }
    l->y += 3;
}

void edra_layout_number_from(edra_layout *l, int first)
{
    l->h1 = first;
    l->h2 = 0;
}

int edra_layout_heading(edra_layout *l, int level, const char *text, double keep)
{
    char number[32], *escaped = g_markup_escape_text(text, -1);
    char *markup = NULL;
    if (level <= 1) {
        l->h1++;
        l->h2 = 0;
        snprintf(number, sizeof number, "%d", l->h1);
        markup = g_strdup_printf("<span font_desc=\"" FONT " Bold 14.5\" foreground=\"#1a3d6b\">%s\u2002%s</span>",
                                 number, escaped);
    } else {
        l->h2++;
        snprintf(number, sizeof number, "%d.%d", l->h1, l->h2);
        markup = g_strdup_printf("<span font_desc=\"" FONT " Bold 10.8\" foreground=\"#1a3d6b\">%s\u2002%s</span>",
                                 number, escaped);
    }
    PangoLayout *layout = make_layout(l, EDRA_TEXT_BODY, l->right - l->left, markup);
    pango_layout_set_justify(layout, FALSE);
    double h = layout_height(layout);
    double before = level <= 1 ? 16 : 9;
    if (l->y > l->top)
        l->y += before;
    ensure(l, h + keep);
    if (l->cr) {
        cairo_surface_t *target = cairo_get_target(l->cr);
        char *title = g_strdup_printf("%s %s", number, text);
        char *dest = g_strdup_printf("page=%d pos=[%.1f %.1f]", l->page, l->left, l->y);
        int id = cairo_pdf_surface_add_outline(target, level <= 1 ? CAIRO_PDF_OUTLINE_ROOT
                                                                  : l->outline_parent,
                                               title, dest, 0);
        if (level <= 1)
            l->outline_parent = id;
        g_free(title);
        g_free(dest);
        cairo_move_to(l->cr, l->left, l->y);
        pango_cairo_show_layout(l->cr, layout);
    }
    l->y += h + (level <= 1 ? 3 : 3.5);
    if (level <= 1 && l->cr) {
        cairo_move_to(l->cr, l->left, l->y);
        cairo_line_to(l->cr, l->right, l->y);
        set_rgb(l->cr, ACCENT);
        cairo_set_line_width(l->cr, 0.8);
        cairo_stroke(l->cr);
    }
    l->y += level <= 1 ? 8 : 2;
    g_object_unref(layout);
    g_free(markup);
    g_free(escaped);
    return l->page;
}

/* ---- tables -------------------------------------------------------------------------- */

static PangoLayout *cell_layout(edra_layout *l, size_t c, const char *markup, int header)
{
    PangoLayout *layout = make_layout(l, EDRA_TEXT_SMALL, l->col_w[c] - 2 * CELL_PAD_X,
                                      markup ? markup : "");
    PangoFontDescription *desc = pango_font_description_from_string(header ? FONT " Bold 7.9"
                                                                           : FONT " 7.9");
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_alignment(layout, l->align[c] == 'r'   ? PANGO_ALIGN_RIGHT
                                       : l->align[c] == 'c' ? PANGO_ALIGN_CENTER
                                                            : PANGO_ALIGN_LEFT);
    return layout;
}

/* Lays out one row's cells; returns the row height. */
static double row_layouts(edra_layout *l, const char *const *cells, int header,
                          PangoLayout **out)
{
    double h = 0;
    for (size_t c = 0; c < l->n_cols; c++) {
        out[c] = cell_layout(l, c, cells[c], header);
        double ch = layout_height(out[c]);
        if (ch > h)
            h = ch;
    }
    return h + 2 * CELL_PAD_Y;
}

static void draw_row(edra_layout *l, PangoLayout **layouts, double h, const rgb *fill, int header)
{
    cairo_t *cr = l->cr;
    if (!cr)
        return;
    if (fill) {
        cairo_rectangle(cr, l->left, l->y, l->right - l->left, h);
        set_rgb(cr, *fill);
        cairo_fill(cr);
    }
    for (size_t c = 0; c < l->n_cols; c++) {
        cairo_move_to(cr, l->col_x[c] + CELL_PAD_X, l->y + CELL_PAD_Y);
        set_rgb(cr, header ? ACCENT : TEXT);
        pango_cairo_show_layout(cr, layouts[c]);
    }
    cairo_set_line_width(cr, header ? 0.8 : 0.35);
    cairo_move_to(cr, l->left, l->y + h);
    cairo_line_to(cr, l->right, l->y + h);
    set_rgb(cr, header ? ACCENT : RULE);
    cairo_stroke(cr);
}

static void header_row(edra_layout *l)
{
    PangoLayout *layouts[EDRA_LAYOUT_MAX_COLS];
    if (!l->has_headers)
        return;
    double h = row_layouts(l, (const char *const *)l->headers, 1, layouts);
    draw_row(l, layouts, h, &HEAD_FILL, 1);
    l->y += h;
    for (size_t c = 0; c < l->n_cols; c++)
        g_object_unref(layouts[c]);
}

void edra_layout_table_begin(edra_layout *l, size_t n_cols, const double *widths,
                             const char *align, const char *const *headers)
{
    double x = l->left, width = l->right - l->left;
    if (n_cols > EDRA_LAYOUT_MAX_COLS)
        n_cols = EDRA_LAYOUT_MAX_COLS;
    l->n_cols = n_cols;
    for (size_t c = 0; c < n_cols; c++) {
        l->col_x[c] = x;
        l->col_w[c] = widths[c] * width;
        x += l->col_w[c];
        l->align[c] = align ? align[c] : 'l';
        g_free(l->headers[c]);
        l->headers[c] = NULL;
        if (headers)
            l->headers[c] = g_strdup(headers[c] ? headers[c] : "");
    }
    l->has_headers = headers != NULL;
    l->row = 0;
    /* the header row and the first body row stay together */
    ensure(l, l->has_headers ? 38 : 18);
    if (l->cr && !l->has_headers) {
        cairo_move_to(l->cr, l->left, l->y);
        cairo_line_to(l->cr, l->right, l->y);
        set_rgb(l->cr, RULE);
        cairo_set_line_width(l->cr, 0.35);
        cairo_stroke(l->cr);
    }
    header_row(l);
}

static void table_row(edra_layout *l, const char *const *cells, int marked)
{
    PangoLayout *layouts[EDRA_LAYOUT_MAX_COLS];
    double h = row_layouts(l, cells, 0, layouts);
    if (l->y + h > l->bottom) {
        edra_layout_new_page(l);
        header_row(l);
    }
    draw_row(l, layouts, h, marked ? &MARK_FILL : l->row % 2 ? &ZEBRA : NULL, 0);
    l->y += h;
    l->row++;
    for (size_t c = 0; c < l->n_cols; c++)
        g_object_unref(layouts[c]);
}

void edra_layout_table_row(edra_layout *l, const char *const *cells)
{
    table_row(l, cells, 0);
}

void edra_layout_table_row_marked(edra_layout *l, const char *const *cells)
{
    table_row(l, cells, 1);
}

void edra_layout_table_end(edra_layout *l)
{
    l->n_cols = 0;
    l->y += 9;
}

/* ---- figures, boxes ------------------------------------------------------------------ */

int edra_layout_figure(edra_layout *l, double width, double height,
                       int (*draw)(cairo_t *cr, double width, double height, void *user),
                       void *user)
{
    int rc = 0;
    ensure(l, height);
    if (l->cr) {
        double x = l->left + (l->right - l->left - width) / 2;
        cairo_save(l->cr);
        cairo_translate(l->cr, x, l->y);
        rc = draw(l->cr, width, height, user);
        cairo_restore(l->cr);
        cairo_rectangle(l->cr, x, l->y, width, height);
        set_rgb(l->cr, RULE);
        cairo_set_line_width(l->cr, 0.4);
        cairo_stroke(l->cr);
    }
    l->y += height + 4;
    return rc;
}

void edra_layout_box(edra_layout *l, double height)
{
    ensure(l, height);
    if (!l->cr)
        return;
    cairo_rectangle(l->cr, l->left, l->y, l->right - l->left, height);
    set_rgb(l->cr, ACCENT);
    cairo_set_line_width(l->cr, 0.9);
    cairo_stroke(l->cr);
}
