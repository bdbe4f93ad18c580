/* Tests of metrics/ldiversity on a hand-built class x value count matrix (4 SA values):
 *   class 0: values 0,1,2,3 with counts 1,4,1,2   (n 8; sorted counts 4,2,1,1)
 *   class 1: value 2 with count 5
 *   class 2: values 0,1,3 with counts 2,2,2        (n 6, uniform)
 *   class 3: no entries (cannot come from real classes; defined as 0) */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "metrics/ldiversity.h"

#define TOL 1e-12

static uint32_t offsets[] = {0, 4, 5, 8, 8};
/* One byte a value and a count, as edra_sadist_build stores this domain and these counts. */
static uint8_t values[] = {0, 1, 2, 3, 2, 0, 1, 3};
static uint8_t counts[] = {1, 4, 1, 2, 5, 2, 2, 2};
static uint64_t totals[] = {3, 6, 6, 4};

static const edra_sadist dist = {
    .n_classes = 4, .n_values = 4, .offsets = offsets, .values = {values, 1},
    .counts = {counts, 1}, .totals = totals, .n_records = 19,
};

/* One class of 1000 values: value 0 has 1000 records, values 1..999 one each (n 1999).
 * The caller frees the arrays through the returned struct. */
static edra_sadist big_class(void)
{
    edra_sadist d = {0};
    /* Two bytes a value (1000 codes) and a count (largest 1000). */
    uint16_t *values16 = malloc(1000 * sizeof *values16);
    uint16_t *counts16 = malloc(1000 * sizeof *counts16);
    d.n_classes = 1;
    d.n_values = 1000;
    d.offsets = malloc(2 * sizeof *d.offsets);
    d.totals = malloc(1000 * sizeof *d.totals);
    ck_assert(d.offsets && values16 && counts16 && d.totals);
    d.offsets[0] = 0;
    d.offsets[1] = 1000;
    for (uint32_t v = 0; v < 1000; v++) {
        values16[v] = (uint16_t)v;
        counts16[v] = v == 0 ? 1000 : 1;
        d.totals[v] = counts16[v];
    }
    d.values = (edra_code_col){values16, 2};
    d.counts = (edra_count_col){counts16, 2};
    d.n_records = 1999;
    return d;
}

static void big_class_free(edra_sadist *d)
{
    free(d->offsets);
    free((void *)d->values.data);
    free((void *)d->counts.data);
    free(d->totals);
}

START_TEST(test_ldiversity_distinct__entries_per_class)
{
    ck_assert_double_eq_tol(edra_ldiversity_distinct(&dist, 0), 4.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_distinct(&dist, 1), 1.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_distinct(&dist, 2), 3.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_distinct(&dist, 3), 0.0, TOL);
}
END_TEST

START_TEST(test_ldiversity_entropy__hand_computed)
{
    /* class 0: p = 1/8, 1/2, 1/8, 1/4;
     * H = 2 * (1/8) ln 8 + (1/2) ln 2 + (1/4) ln 4 = (3/4 + 1/2 + 1/2) ln 2 = 1.75 ln 2,
     * exp(H) = 2^1.75 = 3.363585661014858 */
    ck_assert_double_eq_tol(edra_ldiversity_entropy(&dist, 0), 3.363585661014858, TOL);
    /* class 1: one value, H = 0, exp(H) = 1 */
    ck_assert_double_eq_tol(edra_ldiversity_entropy(&dist, 1), 1.0, TOL);
    /* class 2: uniform over 3 values, H = ln 3, exp(H) = 3 */
    ck_assert_double_eq_tol(edra_ldiversity_entropy(&dist, 2), 3.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_entropy(&dist, 3), 0.0, TOL);
}
END_TEST

START_TEST(test_ldiversity_entropy__large_class)
{
    /* H = -(1000/1999) ln(1000/1999) - 999 (1/1999) ln(1/1999) = ln 1999 - 1000 ln 1000 / 1999
     * = 4.144797..., exp(H) = 63.10480352778726 */
    edra_sadist d = big_class();
    ck_assert_double_eq_tol(edra_ldiversity_entropy(&d, 0), 63.10480352778726, 1e-9);
    big_class_free(&d);
}
END_TEST

START_TEST(test_ldiversity_recursive__class_of_four)
{
    /* class 0 sorted: r = 4,2,1,1; suffix sums from l = 1..4: 8, 4, 2, 1.
     * c = 2:   4 < 16, 4 < 8, 4 < 4 fails            -> 2
     * c = 3:   4 < 24, 4 < 12, 4 < 6, 4 < 3 fails    -> 3
     * c = 5:   4 < 40, 20, 10, 5                     -> 4
     * c = 1:   4 < 8, 4 < 4 fails                    -> 1
     * c = 0.5: 4 < 4 fails already at l = 1          -> 0 */
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 0, 2.0), 2.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 0, 3.0), 3.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 0, 5.0), 4.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 0, 1.0), 1.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 0, 0.5), 0.0, TOL);
}
END_TEST

START_TEST(test_ldiversity_recursive__single_and_uniform)
{
    /* class 1: r = 5; c = 3: 5 < 15 -> 1; c = 1: 5 < 5 fails -> 0.
     * class 2: r = 2,2,2, suffixes 6,4,2; c = 2: 2 < 12, 8, 4 -> 3; c = 1: 2 < 6, 4, 2 fails -> 2 */
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 1, 3.0), 1.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 1, 1.0), 0.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 2, 2.0), 3.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 2, 1.0), 2.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&dist, 3, 2.0), 0.0, TOL);
}
END_TEST

START_TEST(test_ldiversity_recursive__large_class)
{
    /* r = 1000, 1, ..., 1 (999 ones); suffix at l >= 2 is 1001 - l.
     * c = 2: 1000 < 2 (1001 - l) iff l < 501 -> 500 (l = 500: 1000 < 1002; l = 501: 1000 < 1000 fails).
     * c = 1: l = 1: 1000 < 1999; l = 2: 1000 < 999 fails -> 1 */
    edra_sadist d = big_class();
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&d, 0, 2.0), 500.0, TOL);
    ck_assert_double_eq_tol(edra_ldiversity_recursive(&d, 0, 1.0), 1.0, TOL);
    big_class_free(&d);
}
END_TEST

START_TEST(test_ldiversity_holds__each_model)
{
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_DISTINCT, 4.0, 0.0), 1);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_DISTINCT, 5.0, 0.0), 0);
    /* entropy l of class 0 is 3.36 */
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_ENTROPY, 3.0, 0.0), 1);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_ENTROPY, 3.4, 0.0), 0);
    /* class 2 has entropy l exactly 3: it must pass at 3 whatever the rounding of exp(ln 3) */
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 2, EDRA_LDIV_ENTROPY, 3.0, 0.0), 1);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 2, EDRA_LDIV_ENTROPY, 3.001, 0.0), 0);
    /* recursive (c = 2) l of class 0 is 2 */
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_RECURSIVE, 2.0, 2.0), 1);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_RECURSIVE, 3.0, 2.0), 0);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 0, EDRA_LDIV_RECURSIVE, 3.0, 3.0), 1);
    ck_assert_int_eq(edra_ldiversity_holds(&dist, 1, EDRA_LDIV_RECURSIVE, 1.0, 1.0), 0);
}
END_TEST

START_TEST(test_ldiversity_model_name__each_model)
{
    ck_assert_str_eq(edra_ldiv_model_name(EDRA_LDIV_DISTINCT), "distinct");
    ck_assert_str_eq(edra_ldiv_model_name(EDRA_LDIV_ENTROPY), "entropy");
    ck_assert_str_eq(edra_ldiv_model_name(EDRA_LDIV_RECURSIVE), "recursive");
    ck_assert_str_eq(edra_ldiv_model_name((edra_ldiv_model)0), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ldiversity");
    TCase *tc = tcase_create("distinct");
    tcase_add_test(tc, test_ldiversity_distinct__entries_per_class);
    suite_add_tcase(s, tc);
    tc = tcase_create("entropy");
    tcase_add_test(tc, test_ldiversity_entropy__hand_computed);
    tcase_add_test(tc, test_ldiversity_entropy__large_class);
    suite_add_tcase(s, tc);
    tc = tcase_create("recursive");
    tcase_add_test(tc, test_ldiversity_recursive__class_of_four);
    tcase_add_test(tc, test_ldiversity_recursive__single_and_uniform);
    tcase_add_test(tc, test_ldiversity_recursive__large_class);
    suite_add_tcase(s, tc);
    tc = tcase_create("holds");
    tcase_add_test(tc, test_ldiversity_holds__each_model);
    suite_add_tcase(s, tc);
    tc = tcase_create("model_name");
    tcase_add_test(tc, test_ldiversity_model_name__each_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
