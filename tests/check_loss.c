/* Tests of metrics/loss on the hand-worked fixture of tests/data/tiny_fixture.h:
 *   t0 (20,M)x2  t1 (21,M)x1  t2 (30,F)x1  t3 (31,F)x3  t4 (20,F)x1   n = 8
 *   age: 4 leaves, levels 0 | 20-29,30-39 | *     sex: 2 leaves, levels 0 | *
 * At levels (age 1, sex 0) the classes are {t0,t1} 3, {t2,t3} 4, {t4} 1. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/loss.h"
#include "tests/data/tiny_fixture.h"

#define TOL 1e-12

static tiny_fixture fx;
static edra_loss *loss;

static void setup(void)
{
    tiny_fixture_init(&fx);
    ck_assert_int_eq(edra_loss_new(&loss, &fx.md, NULL), 0);
}

static void teardown(void)
{
    edra_loss_free(loss);
    loss = NULL;
    tiny_fixture_free(&fx);
}

/* Classes at levels with the class of tuple t (or none, t < 0) suppressed. */
static edra_classes *classes_at(uint8_t age, uint8_t sex, uint8_t *suppressed, int t)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {age, sex};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    memset(suppressed, 0, 8);
    if (t >= 0)
        suppressed[edra_classes_of_tuple(c)[t]] = 1;
    return c;
}

START_TEST(test_loss_new__null_free_is_noop)
{
    edra_loss_free(NULL);
    ck_assert_ptr_nonnull(loss);
}
END_TEST

START_TEST(test_loss_compute__arx_no_suppression)
{
    uint8_t sup[8];
    double per_qi[2];
    edra_classes *c = classes_at(1, 0, sup, -1);
    /* age: every record's value covers 2 of 4 leaves: units 8*2 = 16,
     * L = (16-8)/(8*(4-1)) = 1/3. sex at level 0: L = 0.
     * loss = sqrt((1+1/3)*1) - 1 = 0.15470053837925146 */
    double v = edra_loss_compute(loss, EDRA_LOSS_ARX, c, sup, per_qi);
    ck_assert_double_eq_tol(v, 0.15470053837925146, TOL);
    ck_assert_double_eq_tol(per_qi[0], 1.0 / 3.0, TOL);
    ck_assert_double_eq_tol(per_qi[1], 0.0, TOL);
    /* Nothing suppressed: the bound is the value, to the last bit. */
    ck_assert(edra_loss_bound(loss, EDRA_LOSS_ARX, (uint8_t[]){1, 0}) == v);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__arx_with_suppression)
{
    uint8_t sup[8];
    double per_qi[2];
    edra_classes *c = classes_at(1, 0, sup, 4);
    /* {t4} (1 record, age 20 -> 20-29, 2 leaves; sex F, 1 leaf) suppressed:
     * age units 16 - 2 + 4 = 18, L = 10/24 = 5/12; sex units 8 - 1 + 2 = 9, L = 1/8.
     * loss = sqrt(17/12 * 9/8) - 1 = 0.2624381172952597 */
    double v = edra_loss_compute(loss, EDRA_LOSS_ARX, c, sup, per_qi);
    ck_assert_double_eq_tol(v, 0.2624381172952597, TOL);
    ck_assert_double_eq_tol(per_qi[0], 5.0 / 12.0, TOL);
    ck_assert_double_eq_tol(per_qi[1], 1.0 / 8.0, TOL);
    ck_assert(v >= edra_loss_bound(loss, EDRA_LOSS_ARX, (uint8_t[]){1, 0}));
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__precision)
{
    uint8_t sup[8];
    double per_qi[2];
    edra_classes *c = classes_at(1, 0, sup, -1);
    /* age 1/2, sex 0/1: mean 0.25 */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_PRECISION, c, sup, NULL), 0.25, TOL);
    sup[edra_classes_of_tuple(c)[4]] = 1;
    /* 1 of 8 suppressed: age (7*0.5 + 1)/8 = 0.5625, sex (7*0 + 1)/8 = 0.125; mean 0.34375 */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_PRECISION, c, sup, per_qi), 0.34375,
                            TOL);
    ck_assert_double_eq_tol(per_qi[0], 0.5625, TOL);
    ck_assert_double_eq_tol(per_qi[1], 0.125, TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__discernibility)
{
    uint8_t sup[8];
    double per_qi[2];
    edra_classes *c = classes_at(1, 0, sup, -1);
    /* 3^2 + 4^2 + 1^2 = 26 */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_DISCERNIBILITY, c, sup, per_qi), 26.0,
                            TOL);
    ck_assert(isnan(per_qi[0]) && isnan(per_qi[1]));
    sup[edra_classes_of_tuple(c)[4]] = 1;
    /* 3^2 + 4^2 + 1 suppressed x 8 = 33 */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_DISCERNIBILITY, c, sup, NULL), 33.0,
                            TOL);
    edra_classes_free(c);
    /* level (0,0): sizes 2,1,1,3,1 -> 4+1+1+9+1 = 16 */
    c = classes_at(0, 0, sup, -1);
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_DISCERNIBILITY, c, NULL, NULL), 16.0,
                            TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__aecs)
{
    uint8_t sup[8];
    edra_classes *c = classes_at(0, 0, sup, -1);
    /* 8 records / 5 classes */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_AECS, c, sup, NULL), 1.6, TOL);
    /* singletons t1, t2, t4 suppressed: 2 released classes + 1 for the suppressed: 8/3 */
    const uint32_t *of = edra_classes_of_tuple(c);
    sup[of[1]] = sup[of[2]] = sup[of[4]] = 1;
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_AECS, c, sup, NULL), 8.0 / 3.0, TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__entropy)
{
    uint8_t sup[8];
    double per_qi[2];
    edra_classes *c = classes_at(1, 0, sup, -1);
    /* age frequencies 20:3 21:1 30:1 31:3, at level 1 each decade 4. Bits per record:
     * 20,31: log2(4/3); 21,30: log2(4/1) = 2. Sum 6 log2(4/3) + 2 + 2 = 6.490224995673063.
     * sex at level 0 costs nothing. */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_ENTROPY, c, sup, per_qi),
                            6.490224995673063, TOL);
    ck_assert_double_eq_tol(per_qi[1], 0.0, TOL);
    sup[edra_classes_of_tuple(c)[4]] = 1;
    /* t4 (20, F) to '*': age log2(8/3) - log2(4/3) = 1 more bit; sex F (5 of 8) log2(8/5) more.
     * 7.490224995673063 + 0.6780719051126377 = 8.1682969007857 */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_ENTROPY, c, sup, per_qi),
                            8.1682969007857, 1e-12);
    ck_assert_double_eq_tol(per_qi[0], 7.490224995673063, TOL);
    ck_assert_double_eq_tol(per_qi[1], 0.6780719051126377, TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__height)
{
    uint8_t sup[8];
    edra_classes *c = classes_at(2, 1, sup, -1);
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_HEIGHT, c, sup, NULL), 3.0, TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_compute__top_is_one)
{
    uint8_t sup[8];
    edra_classes *c = classes_at(2, 1, sup, -1);
    /* Every value covers its whole domain: L = (8*4 - 8)/(8*3) = 1 and (16-8)/8 = 1. */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_ARX, c, sup, NULL), 1.0, TOL);
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_PRECISION, c, sup, NULL), 1.0, TOL);
    /* One class of 8: 64; every record's bits are -log2 of its share. */
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_DISCERNIBILITY, c, sup, NULL), 64.0,
                            TOL);
    /* Suppressing everything at the top changes neither ARX loss nor entropy. */
    double e = edra_loss_compute(loss, EDRA_LOSS_ENTROPY, c, sup, NULL);
    sup[0] = 1;
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_ENTROPY, c, sup, NULL), e, TOL);
    ck_assert_double_eq_tol(edra_loss_compute(loss, EDRA_LOSS_ARX, c, sup, NULL), 1.0, TOL);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_loss_bound__below_value_and_monotone)
{
    /* For every node, every metric and every subset of suppressed classes:
     * bound <= value, and the bound does not decrease from a node to its successors. */
    for (uint8_t a = 0; a < 3; a++)
        for (uint8_t s = 0; s < 2; s++) {
            uint8_t sup[8];
            edra_classes *c = classes_at(a, s, sup, -1);
            size_t n_classes = edra_classes_count(c);
            for (int m = 0; m < EDRA_LOSS_METRICS; m++) {
                double b = edra_loss_bound(loss, (edra_loss_metric)m, (uint8_t[]){a, s});
                for (unsigned mask = 0; mask < (1u << n_classes); mask++) {
                    for (size_t k = 0; k < n_classes; k++)
                        sup[k] = (uint8_t)((mask >> k) & 1);
                    double v = edra_loss_compute(loss, (edra_loss_metric)m, c, sup, NULL);
                    ck_assert_msg(b <= v + 1e-12, "metric %d node (%u,%u) mask %u: bound %g > %g",
                                  m, a, s, mask, b, v);
                    if (mask == 0 && edra_loss_bound_exact((edra_loss_metric)m))
                        ck_assert(b == v);
                }
                if (a < 2)
                    ck_assert(edra_loss_bound(loss, (edra_loss_metric)m,
                                              (uint8_t[]){a + 1, s}) >= b);
                if (s < 1)
                    ck_assert(edra_loss_bound(loss, (edra_loss_metric)m,
                                              (uint8_t[]){a, s + 1}) >= b);
            }
            edra_classes_free(c);
        }
}
END_TEST

START_TEST(test_loss_bound__discernibility_from_present_values)
{
    /* (1,0): 2 decades x 2 sexes present, 5 tuples: at most 4 classes -> 64/4 = 16, and 8/4 */
    ck_assert_double_eq_tol(edra_loss_bound(loss, EDRA_LOSS_DISCERNIBILITY, (uint8_t[]){1, 0}),
                            16.0, TOL);
    ck_assert_double_eq_tol(edra_loss_bound(loss, EDRA_LOSS_AECS, (uint8_t[]){1, 0}), 2.0, TOL);
    /* (0,0): 4 ages x 2 sexes = 8 > 5 tuples -> 64/5 */
    ck_assert_double_eq_tol(edra_loss_bound(loss, EDRA_LOSS_DISCERNIBILITY, (uint8_t[]){0, 0}),
                            12.8, TOL);
    ck_assert(!edra_loss_bound_exact(EDRA_LOSS_DISCERNIBILITY));
    ck_assert(!edra_loss_bound_exact(EDRA_LOSS_AECS));
}
END_TEST

START_TEST(test_loss_metric_name__all)
{
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_ARX), "loss");
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_PRECISION), "precision");
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_DISCERNIBILITY), "discernibility");
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_AECS), "aecs");
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_ENTROPY), "entropy");
    ck_assert_str_eq(edra_loss_metric_name(EDRA_LOSS_HEIGHT), "height");
}
END_TEST

static Suite *loss_suite(void)
{
    Suite *s = suite_create("loss");
    TCase *tc = tcase_create("new");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_loss_new__null_free_is_noop);
    suite_add_tcase(s, tc);
    tc = tcase_create("compute");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_loss_compute__arx_no_suppression);
    tcase_add_test(tc, test_loss_compute__arx_with_suppression);
    tcase_add_test(tc, test_loss_compute__precision);
    tcase_add_test(tc, test_loss_compute__discernibility);
    tcase_add_test(tc, test_loss_compute__aecs);
    tcase_add_test(tc, test_loss_compute__entropy);
    tcase_add_test(tc, test_loss_compute__height);
    tcase_add_test(tc, test_loss_compute__top_is_one);
    suite_add_tcase(s, tc);
    tc = tcase_create("bound");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_loss_bound__below_value_and_monotone);
    tcase_add_test(tc, test_loss_bound__discernibility_from_present_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("metric_name");
    tcase_add_test(tc, test_loss_metric_name__all);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loss_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
