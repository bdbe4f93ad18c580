/* Tests of analyzer/riskdetail: SUDA2's default bound on the number of classes, on the
 * hand-worked fixture of tests/data/tiny_fixture.h (at levels (0,0): 5 classes). */
#include <check.h>
#include <stdlib.h>

#include "analyzer/cli.h"
#include "analyzer/riskdetail.h"
#include "tests/data/tiny_fixture.h"

/* riskdetail prints through the CLI's helpers, which look commands up in the table that
 * analyzer/main.c defines: this test has none. */
const edra_cli_command edra_commands[] = {{0}};

static tiny_fixture fx;

static void setup(void) { tiny_fixture_init(&fx); }
static void teardown(void) { tiny_fixture_free(&fx); }

/* 5 classes, bound 4, no --msu-max: SUDA2 is left out and says at how many classes. */
START_TEST(test_riskdetail_compute__suda_left_out_above_bound)
{
    edra_riskdetail d;
    edra_riskdetail_opts o = {.suda_default_classes = 4, .subsets_set = 1, .subsets_max = 0};
    uint8_t levels[2] = {0, 0};
    ck_assert_int_eq(edra_riskdetail_compute(&d, &fx.md, levels, &o, NULL), 0);
    ck_assert_int_eq(d.has_suda, 0);
    ck_assert_uint_eq(d.suda_skipped_classes, 5);
    ck_assert_uint_eq(d.suda_skipped_bound, 4);
    edra_riskdetail_clear(&d);
}
END_TEST

/* 5 classes, bound 5: SUDA2 runs; 3 of the 5 classes are sample uniques ({t1}, {t2}, {t4}). */
START_TEST(test_riskdetail_compute__suda_runs_within_bound)
{
    edra_riskdetail d;
    edra_riskdetail_opts o = {.suda_default_classes = 5, .subsets_set = 1, .subsets_max = 0};
    uint8_t levels[2] = {0, 0};
    ck_assert_int_eq(edra_riskdetail_compute(&d, &fx.md, levels, &o, NULL), 0);
    ck_assert_int_eq(d.has_suda, 1);
    ck_assert_uint_eq(d.suda_skipped_classes, 0);
    ck_assert_uint_eq(d.suda.records, 8);
    ck_assert_uint_eq(d.suda.uniques, 3);
    edra_riskdetail_clear(&d);
}
END_TEST

/* --msu-max given: SUDA2 runs whatever the bound. */
START_TEST(test_riskdetail_compute__msu_max_overrides_bound)
{
    edra_riskdetail d;
    edra_riskdetail_opts o = {.suda_default_classes = 1, .msu_set = 1, .msu_max = 2,
                              .subsets_set = 1, .subsets_max = 0};
    uint8_t levels[2] = {0, 0};
    ck_assert_int_eq(edra_riskdetail_compute(&d, &fx.md, levels, &o, NULL), 0);
    ck_assert_int_eq(d.has_suda, 1);
    ck_assert_uint_eq(d.suda_skipped_classes, 0);
    edra_riskdetail_clear(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riskdetail");
    TCase *tc = tcase_create("riskdetail");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_riskdetail_compute__suda_left_out_above_bound);
    tcase_add_test(tc, test_riskdetail_compute__suda_runs_within_bound);
    tcase_add_test(tc, test_riskdetail_compute__msu_max_overrides_bound);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
