/* Tests of metrics/risk: prosecutor, journalist and marketer risk on hand-worked class sizes. */
#include <check.h>
#include <stdlib.h>

#include "metrics/risk.h"

/* A plain array of 8-byte sizes as the column the functions read. */
#define U64(a) ((edra_count_col){.data = (a), .width = 8})

#define TOL 1e-12

START_TEST(test_risk_prosecutor__hand_worked)
{
    /* Sizes 2,1,1,3,1: 8 records, 5 classes. highest 1/1, lowest 1/3, average 5/8 = 0.625.
     * Threshold 0.4: classes with 1/size > 0.4 are sizes 1,1,1,2 -> 5 records of 8 = 0.625.
     * Sample uniques: 3. */
    const uint64_t sizes[] = {2, 1, 1, 3, 1};
    edra_risk_figures r;
    edra_risk_prosecutor(&r, U64(sizes), 5, NULL, 0.4);
    ck_assert_uint_eq(r.records, 8);
    ck_assert_uint_eq(r.classes, 5);
    ck_assert_uint_eq(r.k_min, 1);
    ck_assert_uint_eq(r.k_max, 3);
    ck_assert_uint_eq(r.sample_uniques, 3);
    ck_assert_double_eq_tol(r.highest, 1.0, TOL);
    ck_assert_double_eq_tol(r.lowest, 1.0 / 3.0, TOL);
    ck_assert_double_eq_tol(r.average, 0.625, TOL);
    ck_assert_double_eq_tol(r.records_at_risk, 0.625, TOL);
    /* Buckets: size 1 -> p=1 (last bucket, 3 records), size 2 -> 0.5 (bucket (0.334,0.5], 2
     * records), size 3 -> 0.333 (bucket (0.25,0.334], 3 records). */
    ck_assert_uint_eq(r.bucket_records[EDRA_RISK_BUCKETS - 1], 3);
    ck_assert_uint_eq(r.bucket_records[EDRA_RISK_BUCKETS - 2], 2);
    ck_assert_uint_eq(r.bucket_records[EDRA_RISK_BUCKETS - 3], 3);
}
END_TEST

START_TEST(test_risk_prosecutor__keep_mask)
{
    /* Keeping sizes 2 and 3 only: 5 records, 2 classes, average 2/5, highest 1/2. */
    const uint64_t sizes[] = {2, 1, 1, 3, 1};
    const uint8_t keep[] = {1, 0, 0, 1, 0};
    edra_risk_figures r;
    edra_risk_prosecutor(&r, U64(sizes), 5, keep, 0.2);
    ck_assert_uint_eq(r.records, 5);
    ck_assert_uint_eq(r.k_min, 2);
    ck_assert_double_eq_tol(r.average, 0.4, TOL);
    ck_assert_double_eq_tol(r.highest, 0.5, TOL);
    ck_assert_double_eq_tol(r.records_at_risk, 1.0, TOL); /* 1/2 and 1/3 both > 0.2 */
    ck_assert_uint_eq(r.sample_uniques, 0);
}
END_TEST

START_TEST(test_risk_prosecutor__empty)
{
    const uint64_t sizes[] = {4};
    const uint8_t keep[] = {0};
    edra_risk_figures r;
    edra_risk_prosecutor(&r, U64(sizes), 1, keep, 0.2);
    ck_assert_uint_eq(r.records, 0);
    ck_assert_uint_eq(r.k_min, 0);
    ck_assert_double_eq_tol(r.average, 0.0, TOL);
}
END_TEST

START_TEST(test_risk_journalist__population_sizes)
{
    /* Sample sizes 2 and 3 in population classes of 10 and 4: highest 1/4, lowest 1/10,
     * average (2/10 + 3/4)/5 = 0.19; marketer the same expected share 0.19. */
    const uint64_t sizes[] = {2, 3}, pop[] = {10, 4};
    edra_risk_figures r;
    edra_risk_journalist(&r, U64(sizes), pop, 2, NULL, 0.2);
    ck_assert_double_eq_tol(r.highest, 0.25, TOL);
    ck_assert_double_eq_tol(r.lowest, 0.1, TOL);
    ck_assert_double_eq_tol(r.average, 0.19, TOL);
    ck_assert_double_eq_tol(r.records_at_risk, 0.6, TOL); /* only 1/4 > 0.2: 3 of 5 records */
    ck_assert_double_eq_tol(edra_risk_marketer(U64(sizes), pop, 2, NULL), 0.19, TOL);
}
END_TEST

START_TEST(test_risk_marketer__sample_as_population)
{
    /* Without a population, marketer risk = classes / records = 5/8. */
    const uint64_t sizes[] = {2, 1, 1, 3, 1};
    ck_assert_double_eq_tol(edra_risk_marketer(U64(sizes), NULL, 5, NULL), 0.625, TOL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("risk");
    TCase *tc = tcase_create("risk");
    tcase_add_test(tc, test_risk_prosecutor__hand_worked);
    tcase_add_test(tc, test_risk_prosecutor__keep_mask);
    tcase_add_test(tc, test_risk_prosecutor__empty);
    tcase_add_test(tc, test_risk_journalist__population_sizes);
    tcase_add_test(tc, test_risk_marketer__sample_as_population);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
