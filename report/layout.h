/* Page layout for the PDF report: a cursor running down A4 or Letter pages with pango
 * paragraphs that wrap and split between lines, headings kept with what follows, tables
 * that split between rows and repeat their header row, figures drawn by a callback, and
 * a "Page N of M" footer. Run it twice: once without a cairo_t to count the pages (and
 * learn where the headings fall), then on the PDF surface with the total known. */
#ifndef EDRA_LAYOUT_H
#define EDRA_LAYOUT_H

#include <cairo.h>
#include <stddef.h>

typedef enum { EDRA_PAPER_A4 = 0, EDRA_PAPER_LETTER } edra_paper;

typedef enum {
    EDRA_TEXT_BODY = 0,  /* 9.3 pt sans, justified paragraphs */
    EDRA_TEXT_SMALL,     /* 8 pt, muted: captions, notes */
    EDRA_TEXT_MONO,      /* 7.6 pt monospace, kept as written: the spec, hashes */
    EDRA_TEXT_TITLE,     /* 21 pt bold: the cover's title */
    EDRA_TEXT_SUBTITLE,  /* 12.5 pt, muted */
    EDRA_TEXT_LABEL      /* 7.5 pt bold capitals, muted, letter-spaced */
} edra_text_style;

#define EDRA_LAYOUT_MAX_COLS 12

typedef struct edra_layout edra_layout;

/* Loads Fontconfig's configuration and font list now, on this thread: 0, or -1 when out of
 * memory. Call it before any Pango use: Pango loads them on a thread of its own through
 * FcInit, which retries for ever while an allocation fails (Fontconfig 2.14's
 * FcConfigEnsure), so an out-of-memory renderer would spin instead of failing. */
int edra_layout_load_fonts(void);

/* Page size in points. */
void edra_layout_paper_size(edra_paper paper, double *width, double *height);

/* Starts page 1. cr NULL = counting pass (nothing drawn). pages_total is the count the
 * footer shows (0 in the counting pass). header and footer are plain text for every page
 * but the first (borrowed; they must outlive the layout). Returns NULL when out of memory. */
edra_layout *edra_layout_new(cairo_t *cr, edra_paper paper, int pages_total, const char *header,
                             const char *footer);

/* Ends the last page. Returns the number of pages laid out. */
int edra_layout_finish(edra_layout *l);

void edra_layout_free(edra_layout *l);

/* Current page number (1-based), cursor y and the text column's x and width, in points. */
int edra_layout_page(const edra_layout *l);
double edra_layout_y(const edra_layout *l);
double edra_layout_x(const edra_layout *l);
double edra_layout_width(const edra_layout *l);
/* Room left on the page below the cursor. */
double edra_layout_room(const edra_layout *l);

void edra_layout_new_page(edra_layout *l);
/* Starts a new page unless height points fit below the cursor (keeps a block together). */
void edra_layout_keep(edra_layout *l, double height);
void edra_layout_space(edra_layout *l, double points);
/* Moves the cursor to y on the current page (never upwards past the top margin). */
void edra_layout_move_to(edra_layout *l, double y);

/* Numbers the next level-1 heading first + 1 (the cover is section 1 without a heading). */
void edra_layout_number_from(edra_layout *l, int first);

/* A numbered heading (level 1 or 2) kept with at least keep points of what follows, and
 * entered in the PDF outline. Returns the page it is on. text is plain (escaped here). */
int edra_layout_heading(edra_layout *l, int level, const char *text, double keep);

/* A paragraph of pango markup (plain text for EDRA_TEXT_MONO), wrapped to the text column
 * and split between lines across pages. indent narrows it on both sides. */
void edra_layout_para(edra_layout *l, edra_text_style style, double indent, const char *markup);

/* A bulleted list of markup items. */
void edra_layout_bullets(edra_layout *l, size_t n, const char *const *items);

/* Height the paragraph would take, for keeping blocks together. */
double edra_layout_measure(edra_layout *l, edra_text_style style, double indent,
                           const char *markup);

/* Tables: widths are shares of the text column (summing to 1), align per column 'l', 'r'
 * or 'c'. headers NULL = no header row (a key-value table). Rows split between pages and
 * repeat the header row. Cells are pango markup. */
void edra_layout_table_begin(edra_layout *l, size_t n_cols, const double *widths,
                             const char *align, const char *const *headers);
void edra_layout_table_row(edra_layout *l, const char *const *cells);
/* A row drawn highlighted (a light tint), e.g. the row in use among alternatives. */
void edra_layout_table_row_marked(edra_layout *l, const char *const *cells);
void edra_layout_table_end(edra_layout *l);

/* A figure of width x height points at the cursor (moved to the next page when it does not
 * fit), drawn by draw(cr, width, height, user) with the origin at its top-left corner;
 * draw is not called in the counting pass. Returns draw's result (0 in counting pass). */
int edra_layout_figure(edra_layout *l, double width, double height,
                       int (*draw)(cairo_t *cr, double width, double height, void *user),
                       void *user);

/* A box around the next height points (the cover's signature block). */
void edra_layout_box(edra_layout *l, double height);

#endif
