/* Tests of metrics/assessment on the hand-worked fixture of tests/data/tiny_fixture.h. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/assessment.h"
#include "tests/data/tiny_fixture.h"

#define TOL 1e-9

static tiny_fixture fx;

static void setup(void) { tiny_fixture_init(&fx); }
static void teardown(void) { tiny_fixture_free(&fx); }

static const edra_target_result *find_result(const edra_figures *f, edra_target_kind kind)
{
    for (size_t i = 0; i < f->n_results; i++)
        if (f->results[i].kind == kind)
            return &f->results[i];
    return NULL;
}

static void assess_at(edra_figures *f, uint8_t age, uint8_t sex, const edra_targets *t, int suppress)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {age, sex};
    edra_assess_opts opts = EDRA_ASSESS_OPTS_INIT;
    opts.targets = t;
    opts.apply_suppression = suppress;
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_assess(f, c, &opts, NULL), 0);
    edra_classes_free(c);
}

START_TEST(test_assessment_assess__suppression_within_limit)
{
    /* Levels (1,0): classes 3, 4, 1. k = 2 with suppression 0.2: the class of 1 violates; 1
     * record <= 0.2 x 8, so it is suppressed. Left: classes 3 and 4, 7 records.
     * k = 3; average risk 2/7; l distinct 2; entropy l = min(exp H) over
     * {flu 2, cold 1}: exp(0.6365) = 1.8899 and {flu 1, cancer 3}: exp(0.5623) = 1.7548.
     * t (equal) = 0.375 for both classes against q = (0.5, 0.125, 0.375). */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_figures f;
    t.k = 2;
    t.suppression = 0.2;
    assess_at(&f, 1, 0, &t, 1);
    ck_assert_int_eq(f.suppression_applied, 1);
    ck_assert_uint_eq(f.suppressed, 1);
    ck_assert_uint_eq(f.prosecutor.records, 7);
    ck_assert_uint_eq(f.prosecutor.k_min, 3);
    ck_assert_double_eq_tol(f.prosecutor.average, 2.0 / 7.0, TOL);
    ck_assert_double_eq_tol(f.sa[0].l_distinct, 2.0, TOL);
    double h_b = -(0.25 * log(0.25) + 0.75 * log(0.75));
    ck_assert_double_eq_tol(f.sa[0].l_entropy, exp(h_b), TOL);
    ck_assert_double_eq_tol(f.sa[0].t_equal, 0.375, TOL);
    ck_assert(isnan(f.sa[0].t_ordered));
    ck_assert_int_eq(f.targets_met, 1);
    const edra_target_result *k = find_result(&f, EDRA_TARGET_K);
    ck_assert_ptr_nonnull(k);
    ck_assert_double_eq_tol(k->achieved, 3.0, TOL);
    /* Class-size histogram: one class of 3, one of 4. */
    ck_assert_uint_eq(f.n_sizes, 2);
    ck_assert_uint_eq(f.hist_size[0], 3);
    ck_assert_uint_eq(f.hist_size[1], 4);
    edra_figures_clear(&f);
}
END_TEST

START_TEST(test_assessment_assess__suppression_limit_exceeded)
{
    /* Same node, limit 0.1: 1 record > 0.8, nothing suppressed, k stays 1 and is not met. */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_figures f;
    t.k = 2;
    t.suppression = 0.1;
    assess_at(&f, 1, 0, &t, 1);
    ck_assert_int_eq(f.suppression_applied, 0);
    ck_assert_int_eq(f.suppression_exceeded, 1);
    ck_assert_uint_eq(f.suppressed, 0);
    ck_assert_uint_eq(f.prosecutor.k_min, 1);
    ck_assert_int_eq(f.targets_met, 0);
    const edra_target_result *k = find_result(&f, EDRA_TARGET_K);
    ck_assert_int_eq(k->met, 0);
    ck_assert_uint_eq(k->violating_classes, 1);
    ck_assert_uint_eq(k->violating_records, 1);
    edra_figures_clear(&f);
}
END_TEST

START_TEST(test_assessment_assess__as_they_stand)
{
    /* Levels (0,0), no suppression: average 5/8, 3 sample uniques, records at risk (0.2) 1. */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_figures f;
    t.average_risk = 0.5;
    assess_at(&f, 0, 0, &t, 0);
    ck_assert_double_eq_tol(f.prosecutor.average, 0.625, TOL);
    ck_assert_uint_eq(f.prosecutor.sample_uniques, 3);
    ck_assert_double_eq_tol(f.prosecutor.records_at_risk, 1.0, TOL);
    ck_assert_int_eq(f.journalist_from_sample, 1);
    ck_assert_double_eq_tol(f.marketer, 0.625, TOL);
    const edra_target_result *avg = find_result(&f, EDRA_TARGET_AVERAGE);
    ck_assert_int_eq(avg->met, 0);
    ck_assert_int_eq(f.targets_met, 0);
    edra_figures_clear(&f);
}
END_TEST

START_TEST(test_assessment_assess__ldiversity_targets)
{
    /* Levels (1,1): {flu 3, cold 1} and {flu 1, cancer 3}. Distinct l = 2 holds; l = 3 fails
     * in both classes (8 records). Recursive (4,2): r1 = 3 < 4 x 1 in both: holds. */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_figures f;
    t.n_ldiv = 3;
    t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_DISTINCT, 2, 0};
    t.ldiv[1] = (edra_ldiv_target){0, EDRA_LDIV_DISTINCT, 3, 0};
    t.ldiv[2] = (edra_ldiv_target){0, EDRA_LDIV_RECURSIVE, 2, 4};
    assess_at(&f, 1, 1, &t, 0);
    ck_assert_int_eq(f.results[0].met, 1);
    ck_assert_int_eq(f.results[1].met, 0);
    ck_assert_uint_eq(f.results[1].violating_classes, 2);
    ck_assert_uint_eq(f.results[1].violating_records, 8);
    ck_assert_int_eq(f.results[2].met, 1);
    ck_assert_double_eq_tol(f.results[2].achieved, 2.0, TOL);
    ck_assert_str_eq(f.results[2].name, "l-diversity (recursive, c=4) on disease");
    edra_figures_clear(&f);
}
END_TEST

START_TEST(test_assessment_assess__tcloseness_of_one_value_classes)
{
    /* Levels (0,0): five classes of one disease each, three of them flu (2, 1 and 1
     * records). Equal distance of a point mass on v: 1 - q_v, so flu 0.5, cold 0.875,
     * cancer 0.625, whatever the class's size (the assessment computes each value's once).
     * t = 0.6: cold and cancer break it (2 classes, 4 records); t = 0.4: all (5, 8). */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_figures f;
    t.n_tclose = 1;
    t.tclose[0] = (edra_tclose_target){0, EDRA_TCLOSE_EQUAL, 0.6};
    assess_at(&f, 0, 0, &t, 0);
    const edra_target_result *r = find_result(&f, EDRA_TARGET_TCLOSE);
    ck_assert_ptr_nonnull(r);
    ck_assert_double_eq_tol(r->achieved, 0.875, TOL);
    ck_assert_uint_eq(r->violating_classes, 2);
    ck_assert_uint_eq(r->violating_records, 4);
    edra_figures_clear(&f);
    t.tclose[0].t = 0.4;
    assess_at(&f, 0, 0, &t, 0);
    r = find_result(&f, EDRA_TARGET_TCLOSE);
    ck_assert_uint_eq(r->violating_classes, 5);
    ck_assert_uint_eq(r->violating_records, 8);
    ck_assert_int_eq(r->met, 0);
    edra_figures_clear(&f);
}
END_TEST

START_TEST(test_assessment_min_class_size__each_target)
{
    /* q = (4/8, 1/8, 3/8). Equal distance of the best class of n records: n = 1 (flu)
     * (1/2 + 1/8 + 3/8) / 2 = 1/2; n = 2 (flu, cancer) (0 + 1/8 + 1/8) / 2 = 1/8; n = 3
     * (2, 0, 1) (1/6 + 1/8 + 1/24) / 2 = 1/6; n = 4 (2, 0, 2) 1/8; n = 5 (2, 1, 2)
     * (1/10 + 3/40 + 1/40) / 2 = 1/10. */
    edra_targets t = EDRA_TARGETS_INIT;
    t.n_tclose = 1;
    t.tclose[0] = (edra_tclose_target){0, EDRA_TCLOSE_EQUAL, 0.1};
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 5);
    t.tclose[0].t = 0.2;
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 2);
    t.tclose[0].t = 0.6;
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 1);
    /* k 2; entropy l 2.5 needs 3 values, so 3 records; a prosecutor threshold of 0.3, 4. */
    t.k = 2;
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 2);
    t.n_ldiv = 1;
    t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_ENTROPY, 2.5, 0};
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 3);
    t.prosecutor_risk = 0.3;
    ck_assert_uint_eq(edra_assess_min_class_size(&t, &fx.md), 4);
}
END_TEST

START_TEST(test_assessment_violations__prosecutor_threshold_is_class_level)
{
    /* A highest prosecutor risk of 0.3 means classes below ceil(1/0.3) = 4 violate:
     * at (1,0) the classes of 3 and 1 (4 records). */
    edra_targets t = EDRA_TARGETS_INIT;
    edra_classes *c = NULL;
    uint8_t levels[2] = {1, 0}, violates[3];
    uint64_t records = 0;
    t.prosecutor_risk = 0.3;
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_assess_violations(violates, &records, c, &t, NULL, NULL), 0);
    ck_assert_uint_eq(records, 4);
    const uint32_t *of = edra_classes_of_tuple(c);
    ck_assert_int_eq(violates[of[0]], 1);
    ck_assert_int_eq(violates[of[2]], 0);
    ck_assert_int_eq(violates[of[4]], 1);
    edra_classes_free(c);
}
END_TEST

/* Class sizes on both sides of the histogram's dense range (sizes up to 4096 counted in an
 * array, larger ones sorted): one QI, six values, each its own class of 5000, 5000, 4097,
 * 3, 3, 1 records -> runs (1: 1), (3: 2), (4097: 1), (5000: 2). */
START_TEST(test_assessment_assess__size_histogram_large_classes)
{
    static const char *values[6] = {"a", "b", "c", "d", "e", "f"};
    static const char *names[1] = {"q"};
    static const uint32_t codes[6] = {0, 1, 2, 3, 4, 5};
    static const uint64_t counts[6] = {5000, 5000, 4097, 3, 3, 1};
    const edra_code_col code_cols[1] = {{.data = codes, .width = 4}};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new_flat(&h, values, 6, NULL), 0);
    const edra_hierarchy *hier[1] = {h};
    edra_microdata md = {.n_tuples = 6, .n_records = 14104, .n_qi = 1, .qi_names = names,
                         .qi_codes = code_cols, .qi_hier = hier,
                         .counts = {.data = counts, .width = 8}};
    edra_targets t = EDRA_TARGETS_INIT;
    edra_assess_opts opts = EDRA_ASSESS_OPTS_INIT;
    edra_classes *c = NULL;
    edra_figures f;
    uint8_t levels[1] = {0};
    opts.targets = &t;
    ck_assert_int_eq(edra_classes_compute(&c, &md, levels, NULL), 0);
    ck_assert_int_eq(edra_assess(&f, c, &opts, NULL), 0);
    ck_assert_uint_eq(f.n_sizes, 4);
    ck_assert_uint_eq(f.hist_size[0], 1);
    ck_assert_uint_eq(f.hist_classes[0], 1);
    ck_assert_uint_eq(f.hist_size[1], 3);
    ck_assert_uint_eq(f.hist_classes[1], 2);
    ck_assert_uint_eq(f.hist_size[2], 4097);
    ck_assert_uint_eq(f.hist_classes[2], 1);
    ck_assert_uint_eq(f.hist_size[3], 5000);
    ck_assert_uint_eq(f.hist_classes[3], 2);
    edra_figures_clear(&f);
    edra_classes_free(c);
    edra_hierarchy_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("assessment");
    TCase *tc = tcase_create("assessment");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_assessment_assess__size_histogram_large_classes);
    tcase_add_test(tc, test_assessment_assess__suppression_within_limit);
    tcase_add_test(tc, test_assessment_assess__suppression_limit_exceeded);
    tcase_add_test(tc, test_assessment_assess__as_they_stand);
    tcase_add_test(tc, test_assessment_assess__ldiversity_targets);
    tcase_add_test(tc, test_assessment_assess__tcloseness_of_one_value_classes);
    tcase_add_test(tc, test_assessment_violations__prosecutor_threshold_is_class_level);
    tcase_add_test(tc, test_assessment_min_class_size__each_target);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
