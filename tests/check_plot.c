/* Tests of report/plot: axis steps and ranges, tick and value labels worked by hand, text
 * measures, and a bar panel whose bar lands where the axis puts it. */
#include <cairo.h>
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/plot.h"

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

#define TOL 1e-12

START_TEST(test_plot_edra_plot_axis_linear__steps)
{
    edra_plot_axis a;
    /* 12 / 5 = 2.4 -> the next of 1, 2, 2.5, 5 x 10^0 is 2.5; ceil(12 / 2.5) = 5 steps */
    edra_plot_axis_linear(&a, 12, 0);
    ck_assert_double_eq_tol(a.step, 2.5, TOL);
    ck_assert_double_eq_tol(a.max, 12.5, TOL);
    ck_assert_double_eq_tol(a.min, 0, TOL);
    /* 0.0909 / 5 = 0.01818 -> 0.02; ceil(0.0909 / 0.02) = 5 -> 0.1 */
    edra_plot_axis_linear(&a, 1.0 / 11, 0);
    ck_assert_double_eq_tol(a.step, 0.02, 1e-15);
    ck_assert_double_eq_tol(a.max, 0.1, 1e-15);
    /* 35.4% -> 7.08 -> 10; 40% */
    edra_plot_axis_linear(&a, 35.4, 1);
    ck_assert_double_eq_tol(a.step, 10, TOL);
    ck_assert_double_eq_tol(a.max, 40, TOL);
    ck_assert_int_eq(a.percent, 1);
    /* nothing to show still gives an axis 0..1 in steps of 0.2 */
    edra_plot_axis_linear(&a, 0, 0);
    ck_assert_double_eq_tol(a.step, 0.2, 1e-15);
    ck_assert_double_eq_tol(a.max, 1, 1e-15);
}
END_TEST

START_TEST(test_plot_edra_plot_axis_log__decades)
{
    edra_plot_axis a;
    double ticks[16];
    /* 250 -> 10^3 = 1000 >= 3 x 250: room above the tallest bar */
    edra_plot_axis_log(&a, 250);
    ck_assert_double_eq_tol(a.max, 1000, TOL);
    ck_assert_double_eq_tol(a.min, 0.6, TOL);
    /* 5000 -> 10^4 = 10000 < 3 x 5000 -> one more decade */
    edra_plot_axis_log(&a, 5000);
    ck_assert_double_eq_tol(a.max, 100000, TOL);
    ck_assert_uint_eq(edra_plot_axis_ticks(&a, ticks, 16), 6); /* 1, 10, ..., 100000 */
    ck_assert_double_eq_tol(ticks[5], 100000, 1e-6);
    /* log10(1 / 0.6) / log10(100000 / 0.6) = 0.22185 / 5.22185 = 0.042484 */
    ck_assert_double_eq_tol(edra_plot_axis_frac(&a, 1), 0.0424844, 1e-6);
    ck_assert_double_eq_tol(edra_plot_axis_frac(&a, 0), 0, TOL);
    ck_assert_double_eq_tol(edra_plot_axis_frac(&a, 1e9), 1, TOL);
}
END_TEST

START_TEST(test_plot_edra_plot_axis_ticks__linear)
{
    edra_plot_axis a;
    double ticks[16];
    edra_plot_axis_linear(&a, 12, 0);
    ck_assert_uint_eq(edra_plot_axis_ticks(&a, ticks, 16), 6); /* 0, 2.5, ..., 12.5 */
    ck_assert_double_eq_tol(ticks[1], 2.5, TOL);
    ck_assert_double_eq_tol(edra_plot_axis_frac(&a, 2.5), 0.2, TOL);
    ck_assert_uint_eq(edra_plot_axis_ticks(&a, ticks, 3), 3);
}
END_TEST

START_TEST(test_plot_edra_plot_tick_label__decimals)
{
    edra_plot_axis a;
    char buf[32];
    edra_plot_axis_linear(&a, 12, 0); /* step 2.5: one decimal */
    edra_plot_tick_label(buf, sizeof buf, &a, 7.5);
    ck_assert_str_eq(buf, "7.5");
    edra_plot_tick_label(buf, sizeof buf, &a, 0);
    ck_assert_str_eq(buf, "0.0");
    edra_plot_axis_linear(&a, 1.0 / 11, 0); /* step 0.02: two */
    edra_plot_tick_label(buf, sizeof buf, &a, 0.06);
    ck_assert_str_eq(buf, "0.06");
    edra_plot_axis_linear(&a, 35.4, 1); /* step 10 %: none, grouped */
    edra_plot_tick_label(buf, sizeof buf, &a, 30);
    ck_assert_str_eq(buf, "30%");
    edra_plot_axis_linear(&a, 4000, 0); /* step 1000 */
    edra_plot_tick_label(buf, sizeof buf, &a, 3000);
    ck_assert_str_eq(buf, "3,000");
    edra_plot_axis_log(&a, 5000);
    edra_plot_tick_label(buf, sizeof buf, &a, 10000);
    ck_assert_str_eq(buf, "10,000");
}
END_TEST

START_TEST(test_plot_edra_plot_fmt_value__forms)
{
    char buf[32];
    edra_plot_fmt_value(buf, sizeof buf, 1234, 0);
    ck_assert_str_eq(buf, "1,234");
    edra_plot_fmt_value(buf, sizeof buf, 30.0 / 988, 0); /* 0.030364 -> 3 digits */
    ck_assert_str_eq(buf, "0.0304");
    edra_plot_fmt_value(buf, sizeof buf, 35.4251, 1);
    ck_assert_str_eq(buf, "35.4%");
    edra_plot_fmt_value(buf, sizeof buf, NAN, 0);
    ck_assert_str_eq(buf, "n/a");
}
END_TEST

START_TEST(test_plot_edra_plot_text_size__measures)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100);
    cairo_t *cr = cairo_create(s);
    double w1, h1, w2, h2, wb, hb;
    ck_assert_int_eq(edra_plot_begin(cr), 0);
    edra_plot_text_size(cr, "risk", 14, 0, &w1, &h1);
    edra_plot_text_size(cr, "risk risk", 14, 0, &w2, &h2);
    edra_plot_text_size(cr, "risk", 14, 1, &wb, &hb);
    /* DejaVu Sans: a line is 1.164 x the size = 16.3, hinted to whole pixels on an image
     * surface; twice the word plus a space is wider than twice the word; bold is wider */
    ck_assert_double_eq_tol(h1, 1.164 * 14, 1.0);
    ck_assert_double_eq_tol(h2, h1, 1e-9);
    ck_assert_double_gt(w2, 2 * w1);
    ck_assert_double_gt(wb, w1);
    edra_plot_end(cr);
    ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}
END_TEST

/* The colour of the pixel at (x, y) as 0xRRGGBB. */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)cairo_image_surface_get_stride(s));
    return row[x] & 0xFFFFFF;
}

START_TEST(test_plot_edra_plot_bars__one_bar)
{
    /* one group, one series, value 5 on a 0..5 axis (no value labels): the bar reaches the
     * top of the plot and is drawn in its colour (0, 0.5, 1) -> (0, 128, 255) */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    cairo_t *cr = cairo_create(s);
    edra_plot_bars_spec p;
    memset(&p, 0, sizeof p);
    p.x_title = "x";
    p.y_title = "y";
    p.n_groups = 1;
    p.n_series = 1;
    p.group_labels[0] = "g";
    p.colors[0] = (edra_plot_rgb){0, 0.5, 1};
    p.values[0][0] = 5;
    p.threshold_after = -1;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    ck_assert_int_eq(edra_plot_begin(cr), 0);
    edra_plot_bars(cr, 0, 0, 400, 300, &p);
    edra_plot_end(cr);
    cairo_surface_flush(s);
    /* the bar spans the middle 74% of the group: x = 200 is inside it at mid height */
    ck_assert_uint_eq(pixel(s, 240, 150), 0x0080FF);
    /* the top-left corner is outside the plot */
    ck_assert_uint_eq(pixel(s, 2, 2), 0xFFFFFF);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}
END_TEST

static Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("axis");
    tcase_add_test(tc, test_plot_edra_plot_axis_linear__steps);
    tcase_add_test(tc, test_plot_edra_plot_axis_log__decades);
    tcase_add_test(tc, test_plot_edra_plot_axis_ticks__linear);
    tcase_add_test(tc, test_plot_edra_plot_tick_label__decimals);
    tcase_add_test(tc, test_plot_edra_plot_fmt_value__forms);
    suite_add_tcase(s, tc);
    tc = tcase_create("draw");
    tcase_add_test(tc, test_plot_edra_plot_text_size__measures);
    tcase_add_test(tc, test_plot_edra_plot_bars__one_bar);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(plot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
