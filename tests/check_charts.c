/* Tests of report/charts on the hand-built run of tests/report_fixture.h: PNG size and the
 * series colours in its pixels, SVG title, byte-identical output, availability and errors. */
#define _POSIX_C_SOURCE 200809L
#include <cairo.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/charts.h"
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

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/edra_check_charts.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    fixture_rmdir(tmpdir);
}

/* Pixels whose colour is within tol of (r, g, b) in each channel, and distinct colours. */
static size_t count_colour(cairo_surface_t *img, int r, int g, int b, int tol, size_t *distinct)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    size_t n = 0, n_seen = 0;
    static uint32_t seen[4096];
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x];
            int pr = (int)(p >> 16 & 0xFF), pg = (int)(p >> 8 & 0xFF), pb = (int)(p & 0xFF);
            if (abs(pr - r) <= tol && abs(pg - g) <= tol && abs(pb - b) <= tol)
                n++;
            if (distinct && n_seen < 4096) {
                size_t k = 0;
                while (k < n_seen && seen[k] != p)
                    k++;
                if (k == n_seen)
                    seen[n_seen++] = p;
            }
        }
    }
    if (distinct)
        *distinct = n_seen;
    return n;
}

static cairo_surface_t *render_png(report_fixture *fx, edra_chart_kind kind, const char *name)
{
    char path[128];
    edra_error err = {0, ""};
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    ck_assert_int_eq(edra_chart_write_png(path, kind, &fx->run, 1200, 700, &err), 0);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    return img;
}

START_TEST(test_charts_edra_chart_write_png__size_and_colours)
{
    report_fixture fx;
    size_t distinct = 0;
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    cairo_surface_t *img = render_png(&fx, EDRA_CHART_CLASS_SIZES, "class_sizes.png");
    ck_assert_int_eq(cairo_image_surface_get_width(img), 1200);
    ck_assert_int_eq(cairo_image_surface_get_height(img), 700);
    /* cairo stores a channel d as (d * 65535 + 0.5) >> 8: the chosen-transformation blue
     * (0.13, 0.36, 0.62) is (33, 92, 158) and the as-they-stand grey-blue (0.64, 0.71, 0.80)
     * is (163, 181, 204). Both series have bars of at least 20 x 20 pixels. */
    ck_assert_uint_gt(count_colour(img, 33, 92, 158, 0, &distinct), 400);
    ck_assert_uint_gt(count_colour(img, 163, 181, 204, 0, NULL), 400);
    ck_assert_uint_gt(count_colour(img, 255, 255, 255, 0, NULL), 1200 * 700 / 2);
    /* white, two series, ink, grid grey and the antialiased edges of text */
    ck_assert_uint_ge(distinct, 6);
    cairo_surface_destroy(img);
    remove_tmpdir();
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_write_png__lattice_marks)
{
    report_fixture fx;
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    cairo_surface_t *img = render_png(&fx, EDRA_CHART_LATTICE, "lattice.png");
    /* meets (0.18, 0.55, 0.31) -> (46, 140, 79); fails (0.78, 0.29, 0.25) -> (199, 74, 64);
     * chosen ring (0.93, 0.55, 0.05) -> (237, 140, 12). Dots are 3.6 units across. */
    ck_assert_uint_gt(count_colour(img, 46, 140, 79, 2, NULL), 50);
    ck_assert_uint_gt(count_colour(img, 199, 74, 64, 2, NULL), 50);
    ck_assert_uint_gt(count_colour(img, 237, 140, 12, 2, NULL), 20);
    cairo_surface_destroy(img);
    remove_tmpdir();
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_write_png__threshold_line)
{
    report_fixture fx;
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    cairo_surface_t *img = render_png(&fx, EDRA_CHART_RISK, "risk.png");
    /* the dashed threshold line and its label, (0.78, 0.18, 0.15) -> (199, 46, 38) */
    ck_assert_uint_gt(count_colour(img, 199, 46, 38, 3, NULL), 50);
    cairo_surface_destroy(img);
    fx.before.prosecutor.threshold = 0;
    fx.after.prosecutor.threshold = 0;
    img = render_png(&fx, EDRA_CHART_RISK, "risk_no_threshold.png");
    ck_assert_uint_eq(count_colour(img, 199, 46, 38, 3, NULL), 0);
    cairo_surface_destroy(img);
    remove_tmpdir();
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_write_png__deterministic)
{
    report_fixture fx;
    char a[128], b[128];
    size_t la = 0, lb = 0;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    snprintf(a, sizeof a, "%s/a.png", tmpdir);
    snprintf(b, sizeof b, "%s/b.png", tmpdir);
    ck_assert_int_eq(edra_chart_write_png(a, EDRA_CHART_RISK, &fx.run, 1200, 700, &err), 0);
    ck_assert_int_eq(edra_chart_write_png(b, EDRA_CHART_RISK, &fx.run, 1200, 700, &err), 0);
    char *da = fixture_slurp(a, &la), *db = fixture_slurp(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(memcmp(da, db, la), 0);
    ck_assert_int_eq(memcmp(da + 1, "PNG", 3), 0);
    free(da);
    free(db);
    remove_tmpdir();
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_write_png__errors)
{
    report_fixture fx;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_chart_write_png("x.png", EDRA_CHART_RISK, &fx.run, 100, 700, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "x.png: chart size 100x700 outside 200x120..10000x10000");
    ck_assert_int_eq(edra_chart_write_png("/nonexistent-edra-dir/x.png", EDRA_CHART_RISK, &fx.run,
                                          1200, 700, &err),
                     EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent-edra-dir/x.png"));
    ck_assert_int_eq(access("/nonexistent-edra-dir/x.png", F_OK), -1);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_write_svg__title)
{
    report_fixture fx;
    char a[128], b[128];
    size_t la = 0, lb = 0;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    snprintf(a, sizeof a, "%s/risk.svg", tmpdir);
    snprintf(b, sizeof b, "%s/risk2.svg", tmpdir);
    ck_assert_int_eq(edra_chart_write_svg(a, EDRA_CHART_RISK, &fx.run, 1200, 700, &err), 0);
    ck_assert_int_eq(edra_chart_write_svg(b, EDRA_CHART_RISK, &fx.run, 1200, 700, &err), 0);
    char *da = fixture_slurp(a, &la), *db = fixture_slurp(b, &lb);
    ck_assert_ptr_nonnull(strstr(da, "<svg"));
    ck_assert_ptr_nonnull(strstr(da, "<title>Records by re-identification probability</title>"));
    ck_assert_ptr_nonnull(strstr(da, "width=\"1200pt\""));
    /* the title comes right after the opening tag */
    ck_assert(strstr(da, "<svg") < strstr(da, "<title>"));
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(memcmp(da, db, la), 0);
    free(da);
    free(db);
    ck_assert_int_eq(edra_chart_write_svg(a, EDRA_CHART_RISK, &fx.run, 1e5, 700, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg + strlen(a), ": chart size 100000x700 outside 200x120..10000x10000");
    remove_tmpdir();
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_draw__not_available)
{
    report_fixture fx;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 600, 350);
    cairo_t *cr = cairo_create(s);
    fx.before.has_population = 0;
    fx.after.has_population = 0;
    ck_assert_int_eq(edra_chart_draw(cr, 600, 350, EDRA_CHART_POPULATION, &fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "chart \"population\": the run has nothing to show in it");
    fx.run.after = NULL;
    ck_assert_int_eq(edra_chart_draw(cr, 600, 350, EDRA_CHART_LOSS, &fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "chart \"loss\": the run has nothing to show in it");
    /* an assessment alone still draws class sizes and risk */
    ck_assert_int_eq(edra_chart_draw(cr, 600, 350, EDRA_CHART_CLASS_SIZES, &fx.run, &err), 0);
    ck_assert_int_eq(edra_chart_draw(cr, 600, 350, EDRA_CHART_RISK, &fx.run, &err), 0);
    ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_available__per_run)
{
    report_fixture fx;
    ck_assert_int_eq(fixture_build(&fx), 0);
    for (int k = 0; k < EDRA_CHARTS; k++)
        ck_assert_int_eq(edra_chart_available((edra_chart_kind)k, &fx.run), 1);
    fx.after.n_sa = 0;
    ck_assert_int_eq(edra_chart_available(EDRA_CHART_MODELS, &fx.run), 0);
    fx.run.n_nodes = 0;
    ck_assert_int_eq(edra_chart_available(EDRA_CHART_LATTICE, &fx.run), 0);
    /* a metric with no per-QI figures */
    fx.loss_per_qi[0] = fx.loss_per_qi[1] = fx.loss_per_qi[2] = NAN;
    ck_assert_int_eq(edra_chart_available(EDRA_CHART_LOSS, &fx.run), 0);
    fx.run.loss_per_qi = NULL;
    ck_assert_int_eq(edra_chart_available(EDRA_CHART_LOSS, &fx.run), 0);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_charts_edra_chart_name__and_title)
{
    ck_assert_str_eq(edra_chart_name(EDRA_CHART_CLASS_SIZES), "class_sizes");
    ck_assert_str_eq(edra_chart_name(EDRA_CHART_RISK), "risk");
    ck_assert_str_eq(edra_chart_name(EDRA_CHART_LOSS), "loss");
    ck_assert_str_eq(edra_chart_name((edra_chart_kind)99), "unknown");
    ck_assert_str_eq(edra_chart_title(EDRA_CHART_POPULATION), "Population-uniqueness estimates");
    ck_assert_str_eq(edra_chart_title(EDRA_CHART_LATTICE), "Transformations checked by the search");
}
END_TEST

START_TEST(test_charts_edra_charts_write_all__files)
{
    report_fixture fx;
    char path[160];
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    make_tmpdir();
    ck_assert_int_eq(edra_charts_write_all(tmpdir, &fx.run, &err), 0);
    for (int k = 0; k < EDRA_CHARTS; k++) {
        snprintf(path, sizeof path, "%s/%s.png", tmpdir, edra_chart_name((edra_chart_kind)k));
        ck_assert_int_eq(access(path, R_OK), 0);
        snprintf(path, sizeof path, "%s/%s.svg", tmpdir, edra_chart_name((edra_chart_kind)k));
        ck_assert_int_eq(access(path, R_OK), 0);
    }
    remove_tmpdir();
    /* assessment only, no population: three charts, the others not written */
    make_tmpdir();
    fx.run.after = NULL;
    fx.run.n_nodes = 0;
    fx.before.has_population = 0;
    ck_assert_int_eq(edra_charts_write_all(tmpdir, &fx.run, &err), 0);
    snprintf(path, sizeof path, "%s/class_sizes.svg", tmpdir);
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/loss.png", tmpdir);
    ck_assert_int_eq(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/population.png", tmpdir);
    ck_assert_int_eq(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/lattice.png", tmpdir);
    ck_assert_int_eq(access(path, F_OK), -1);
    remove_tmpdir();
    ck_assert_int_eq(edra_charts_write_all("/nonexistent-edra-dir", &fx.run, &err), EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent-edra-dir/class_sizes.png"));
    fixture_free(&fx);
}
END_TEST

static Suite *charts_suite(void)
{
    Suite *s = suite_create("charts");
    TCase *tc = tcase_create("png");
    tcase_add_test(tc, test_charts_edra_chart_write_png__size_and_colours);
    tcase_add_test(tc, test_charts_edra_chart_write_png__lattice_marks);
    tcase_add_test(tc, test_charts_edra_chart_write_png__threshold_line);
    tcase_add_test(tc, test_charts_edra_chart_write_png__deterministic);
    tcase_add_test(tc, test_charts_edra_chart_write_png__errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("svg");
    tcase_add_test(tc, test_charts_edra_chart_write_svg__title);
    suite_add_tcase(s, tc);
    tc = tcase_create("draw");
    tcase_add_test(tc, test_charts_edra_chart_draw__not_available);
    tcase_add_test(tc, test_charts_edra_chart_available__per_run);
    tcase_add_test(tc, test_charts_edra_chart_name__and_title);
    tcase_add_test(tc, test_charts_edra_charts_write_all__files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(charts_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
