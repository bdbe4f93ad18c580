/* Tests of report/layout: paper sizes, the counting pass agreeing with the drawing pass,
 * paragraphs and tables splitting across pages (the header row repeated), heading numbers,
 * keeping blocks together. Reads PDFs back with pdftotext (skips without poppler-utils). */
#define _POSIX_C_SOURCE 200809L
#include <cairo-pdf.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "report/layout.h"
#include "tests/report_fixture.h"

/* fontconfig keeps what it parsed of its configuration for the life of the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/edra_check_layout.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    fixture_rmdir(tmpdir);
}

static const char *para_text =
    "Records whose generalized quasi-identifiers are equal form an equivalence class; the "
    "smallest class gives k. This sentence is long enough to wrap over two lines of the text "
    "column, so that forty of them fill more than one page.";

/* Lays out 40 paragraphs and a 150-row table; returns the pages. */
static int lay_out(cairo_t *cr, int total)
{
    static const double widths[3] = {0.5, 0.25, 0.25};
    const char *head[3] = {"Zebra head", "Count", "Share"};
    edra_layout *l = edra_layout_new(cr, EDRA_PAPER_A4, total, "Header text", "Footer text");
    ck_assert_ptr_nonnull(l);
    edra_layout_number_from(l, 1);
    edra_layout_heading(l, 1, "Alpha", 40);
    edra_layout_heading(l, 2, "Beta", 40);
    for (int i = 0; i < 40; i++)
        edra_layout_para(l, EDRA_TEXT_BODY, 0, para_text);
    edra_layout_table_begin(l, 3, widths, "lrr", head);
    for (int i = 0; i < 150; i++) {
        char name[32], count[32];
        snprintf(name, sizeof name, "row %03d", i);
        snprintf(count, sizeof count, "%d", i * 7);
        const char *cells[3] = {name, count, "0.5"};
        edra_layout_table_row(l, cells);
    }
    edra_layout_table_end(l);
    int pages = edra_layout_finish(l);
    edra_layout_free(l);
    return pages;
}

START_TEST(test_layout_edra_layout_paper_size__a4_letter)
{
    double w = 0, h = 0;
    /* A4 is 210 x 297 mm = 595.2756 x 841.8898 pt; Letter 8.5 x 11 in = 612 x 792 pt */
    edra_layout_paper_size(EDRA_PAPER_A4, &w, &h);
    ck_assert_double_eq_tol(w, 210 / 25.4 * 72, 1e-3);
    ck_assert_double_eq_tol(h, 297 / 25.4 * 72, 1e-3);
    edra_layout_paper_size(EDRA_PAPER_LETTER, &w, &h);
    ck_assert_double_eq_tol(w, 612, 1e-9);
    ck_assert_double_eq_tol(h, 792, 1e-9);
}
END_TEST

START_TEST(test_layout_edra_layout_finish__passes_agree)
{
    char path[128], txt[160], expect[32];
    int counted = lay_out(NULL, 0);
    ck_assert_int_ge(counted, 3);
    snprintf(path, sizeof path, "%s/flow.pdf", tmpdir);
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595.2756, 841.8898);
    cairo_t *cr = cairo_create(s);
    ck_assert_int_eq(lay_out(cr, counted), counted);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    if (!fixture_have("pdftotext")) {
        printf("SKIP: pdftotext (poppler-utils) not found\n");
        return;
    }
    snprintf(txt, sizeof txt, "%s/flow.txt", tmpdir);
    ck_assert_int_eq(fixture_sh("pdftotext '%s' '%s'", path, txt), 0);
    char *text = fixture_slurp(txt, NULL);
    /* the table's header row is drawn on each page the table reaches: the first rows follow
     * the 40 paragraphs, so the table starts on page >= 2 and ends on the last */
    size_t heads = 0, pages_with_rows = 0;
    for (const char *p = text; (p = strstr(p, "Zebra head")) != NULL; p++)
        heads++;
    for (const char *p = text, *page; *p; p = page + 1) {
        page = strchr(p, '\f');
        if (!page)
            break;
        char *slice = strndup(p, (size_t)(page - p));
        pages_with_rows += strstr(slice, "row ") != NULL;
        free(slice);
    }
    ck_assert_uint_ge(heads, 2);
    ck_assert_uint_eq(heads, pages_with_rows);
    ck_assert_ptr_nonnull(strstr(text, "row 000"));
    ck_assert_ptr_nonnull(strstr(text, "row 149"));
    ck_assert_ptr_nonnull(strstr(text, "2 Alpha"));
    ck_assert_ptr_nonnull(strstr(text, "2.1 Beta"));
    snprintf(expect, sizeof expect, "Page %d of %d", counted, counted);
    ck_assert_ptr_nonnull(strstr(text, expect));
    /* the first page carries no header or footer */
    ck_assert_ptr_null(strstr(text, "Page 1 of"));
    free(text);
}
END_TEST

START_TEST(test_layout_edra_layout_keep__new_page)
{
    edra_layout *l = edra_layout_new(NULL, EDRA_PAPER_LETTER, 0, NULL, NULL);
    /* margins 64 left and right: 612 - 128 = 484 points of text */
    ck_assert_double_eq_tol(edra_layout_x(l), 64, 1e-9);
    ck_assert_double_eq_tol(edra_layout_width(l), 484, 1e-9);
    double room = edra_layout_room(l);
    ck_assert_double_gt(room, 600);
    edra_layout_keep(l, room - 1);
    ck_assert_int_eq(edra_layout_page(l), 1);
    edra_layout_para(l, EDRA_TEXT_BODY, 0, para_text);
    ck_assert_double_lt(edra_layout_room(l), room);
    edra_layout_keep(l, room - 1); /* no longer fits below the paragraph */
    ck_assert_int_eq(edra_layout_page(l), 2);
    ck_assert_double_eq_tol(edra_layout_room(l), room, 1e-9);
    /* a heading kept with more than the page holds still starts a page only once */
    ck_assert_int_eq(edra_layout_heading(l, 1, "Gamma", 2 * room), 2);
    ck_assert_int_eq(edra_layout_finish(l), 2);
    edra_layout_free(l);
}
END_TEST

START_TEST(test_layout_edra_layout_measure__wraps)
{
    edra_layout *l = edra_layout_new(NULL, EDRA_PAPER_A4, 0, NULL, NULL);
    double one = edra_layout_measure(l, EDRA_TEXT_BODY, 0, "k");
    double two = edra_layout_measure(l, EDRA_TEXT_BODY, 0, para_text);
    /* 9.3 pt DejaVu Sans: a line is 1.164 x 9.3 = 10.8 points high and each further line
     * adds 1.28 x 10.8 = 13.9; the 225 characters wrap to three lines of the 467-point
     * column: 10.8 + 2 x 13.9 = 38.6 */
    ck_assert_double_gt(one, 9);
    ck_assert_double_lt(one, 13);
    ck_assert_double_gt(two, one + 2 * 1.2 * one);
    ck_assert_double_lt(two, one + 3 * 1.2 * one);
    /* indent narrows both sides: more lines */
    ck_assert_double_gt(edra_layout_measure(l, EDRA_TEXT_BODY, 150, para_text), two);
    edra_layout_free(l);
}
END_TEST

static Suite *layout_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_layout_edra_layout_paper_size__a4_letter);
    tcase_add_test(tc, test_layout_edra_layout_finish__passes_agree);
    tcase_add_test(tc, test_layout_edra_layout_keep__new_page);
    tcase_add_test(tc, test_layout_edra_layout_measure__wraps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(layout_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
