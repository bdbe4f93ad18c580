/* Tests of metrics/suda: minimal sample uniques of hand-worked tables, SUDA and DIS-SUDA
 * scores, the size limit, and SUDA2 against the power-set search (tests/suda_powerset.h)
 * on random tables.
 *
 * The hand-worked table (3 QIs, 5 records, each row unique):
 *
 *   row  Q1 Q2 Q3   MSUs (a set is unique when no other row has its values)
 *   r0   a  x  1    {Q1,Q2,Q3}: (a,x) r0 r4, (a,1) r0 r1, (x,1) r0 r2 are all shared
 *   r1   a  y  1    {Q1,Q2} (a,y), {Q2,Q3} (y,1)
 *   r2   b  x  1    {Q1,Q2} (b,x), {Q1,Q3} (b,1)
 *   r3   b  y  2    {Q1,Q2} (b,y), {Q1,Q3} (b,2), {Q2,Q3} (y,2)
 *   r4   a  x  2    {Q1,Q3} (a,2), {Q2,Q3} (x,2)
 *
 * No single value is unique (a 3, b 2, x 3, y 2, 1 3, 2 2). MSUs: 9 of size 2, 1 of size
 * 3. With M = 3 an MSU of size k scores prod_{i=k}^{2}(3 - i): size 1: 2 x 1 = 2,
 * size 2: 1, size 3: 1 (empty product). Scores r0 1, r1 2, r2 2, r3 3, r4 2; total 10.
 * Each QI is in 7 of the 10 score points: 70% each. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/suda.h"
#include "tests/data/tiny_fixture.h"
#include "tests/suda_powerset.h"

#define TOL 1e-12

/* a=0 b=1 c=2; x=0 y=1 z=2; 1=0 2=1 3=2. Row 5 is the pair row of the DIS test. */
static const uint32_t hand_codes[] = {0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 2, 2, 2};
static const uint64_t hand_counts[] = {1, 1, 1, 1, 1, 2};

START_TEST(test_suda_table__hand_worked)
{
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 5, 3, &o, NULL), 0);
    const uint32_t msus[] = {1, 2, 2, 3, 2};
    const double scores[] = {1, 2, 2, 3, 2};
    for (int r = 0; r < 5; r++) {
        ck_assert_uint_eq(f.row_msus[r], msus[r]);
        ck_assert_double_eq_tol(f.score[r], scores[r], TOL);
    }
    ck_assert_uint_eq(f.msus, 10);
    ck_assert_uint_eq(f.msus_by_size[1], 0);
    ck_assert_uint_eq(f.msus_by_size[2], 9);
    ck_assert_uint_eq(f.msus_by_size[3], 1);
    ck_assert_double_eq_tol(f.size_score[1], 2.0, TOL);
    ck_assert_double_eq_tol(f.size_score[2], 1.0, TOL);
    ck_assert_double_eq_tol(f.size_score[3], 1.0, TOL);
    ck_assert_double_eq_tol(f.total_score, 10.0, TOL);
    for (int d = 0; d < 3; d++)
        ck_assert_double_eq_tol(f.contribution[d], 70.0, 1e-9);
    ck_assert_uint_eq(f.records, 5);
    ck_assert_uint_eq(f.uniques, 5);
    ck_assert_uint_eq(f.records_with_msu, 5);
    /* No pairs: DIS = 1 and every unique's DIS-SUDA is 1. */
    ck_assert_double_eq_tol(f.dis, 1.0, TOL);
    ck_assert_double_eq_tol(f.dis_score[3], 1.0, TOL);
    edra_suda_clear(&f);
}
END_TEST

START_TEST(test_suda_table__dis_scores)
{
    /* The hand-worked table plus a row (c, z, 3) held by two records: its values are new,
     * so the MSUs of r0..r4 stay. U = 5 uniques, P = 2 records in pairs, fraction 0.01:
     * DIS = 5 x 0.01 / (5 x 0.01 + 2 x 0.99) = 0.05 / 2.03 = 0.024630541871921.
     * Q = 1 + (8 - 3)/20 = 1.25; adjust = sum 1/score^Q = 1 + 3 / 2^1.25 + 1 / 3^1.25
     * = 1 + 3/2.378414 + 1/3.948222 = 2.514623184764436; U/DIS - U = 2 x 0.99/0.01 = 198.
     * DIS-SUDA(s) = 1 / (1 + 198 / (s^1.25 x adjust)):
     *   s = 1: 1 / (1 + 78.7394) = 0.012540846871040; s = 2: 0.029320480698920;
     *   s = 3: 0.047748628362013. */
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 6, 3, &o, NULL), 0);
    ck_assert_uint_eq(f.msus, 10);
    ck_assert_uint_eq(f.row_msus[5], 0);
    ck_assert_uint_eq(f.records, 7);
    ck_assert_uint_eq(f.uniques, 5);
    ck_assert_uint_eq(f.pair_records, 2);
    ck_assert_double_eq_tol(f.dis, 0.024630541871921, 1e-14);
    ck_assert_double_eq_tol(f.dis_score[0], 0.012540846871040, 1e-14);
    ck_assert_double_eq_tol(f.dis_score[1], 0.029320480698920, 1e-14);
    ck_assert_double_eq_tol(f.dis_score[3], 0.047748628362013, 1e-14);
    ck_assert_double_eq_tol(f.dis_score[5], 0.0, TOL);
    ck_assert_double_eq_tol(f.dis_highest, 0.047748628362013, 1e-14);
    /* Buckets: the pair's 2 records at 0, the 5 uniques in (0, 0.1]. */
    ck_assert_uint_eq(f.dis_buckets[0], 2);
    ck_assert_uint_eq(f.dis_buckets[1], 5);
    ck_assert_uint_eq(f.dis_buckets[EDRA_SUDA_DIS_BUCKETS - 1], 0);
    edra_suda_clear(&f);
}
END_TEST

START_TEST(test_suda_table__size_limit)
{
    /* Up to size 2: r0's only MSU (size 3) is not searched; 9 MSUs, 4 records. */
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    o.max_size = 2;
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 5, 3, &o, NULL), 0);
    ck_assert_uint_eq(f.msus, 9);
    ck_assert_uint_eq(f.row_msus[0], 0);
    ck_assert_uint_eq(f.records_with_msu, 4);
    ck_assert_uint_eq(f.max_size, 2);
    edra_suda_clear(&f);
}
END_TEST

START_TEST(test_suda_table__single_values_and_merging)
{
    /* One record: each of its values is unique alone, so 3 MSUs of size 1, scoring 2 each
     * (M = 3). Equal rows merge: two rows (0, 0) of 1 record are one combination of 2. */
    const uint32_t one[] = {4, 5, 6}, twice[] = {0, 0, 0, 0, 1, 1};
    const uint64_t c1[] = {1}, c3[] = {1, 1, 1};
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    ck_assert_int_eq(edra_suda_table(&f, one, c1, 1, 3, &o, NULL), 0);
    ck_assert_uint_eq(f.msus_by_size[1], 3);
    ck_assert_double_eq_tol(f.score[0], 6.0, TOL);
    edra_suda_clear(&f);
    /* rows (0,0), (0,0), (1,1): the pair is never unique; (1,1) has the MSUs {Q1} and {Q2}. */
    ck_assert_int_eq(edra_suda_table(&f, twice, c3, 3, 2, &o, NULL), 0);
    ck_assert_uint_eq(f.row_msus[0], 0);
    ck_assert_uint_eq(f.row_msus[1], 0);
    ck_assert_uint_eq(f.row_msus[2], 2);
    ck_assert_uint_eq(f.uniques, 1);
    ck_assert_uint_eq(f.pair_records, 2);
    edra_suda_clear(&f);
}
END_TEST

START_TEST(test_suda_table__errors)
{
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    edra_error err = {0};
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 5, 0, &o, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "SUDA needs 1 to 64 quasi-identifiers, not 0");
    o.max_size = 4;
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 5, 3, &o, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "MSU size limit 4 exceeds the 3 quasi-identifiers");
    o.max_size = 0;
    o.dis_fraction = 1.0;
    ck_assert_int_eq(edra_suda_table(&f, hand_codes, hand_counts, 5, 3, &o, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "DIS fraction 1 is not in (0, 1)");
}
END_TEST

START_TEST(test_suda_compute__classes)
{
    /* tiny fixture, levels (0,0): rows (20,M)x2, (21,M), (30,F), (31,F)x3, (20,F).
     * 21 and 30 are unique values: {age} for t1 and t2; (20,F) is unique while 20 (3
     * records) and F (5) are not: {age, sex} for t4. M = 2: every size scores 1. */
    tiny_fixture fx;
    edra_classes *c = NULL;
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    const uint8_t levels[2] = {0, 0};
    tiny_fixture_init(&fx);
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_suda_compute(&f, c, &o, NULL), 0);
    const uint32_t *of_tuple = edra_classes_of_tuple(c);
    const uint32_t want[5] = {0, 1, 1, 0, 1};
    for (int t = 0; t < 5; t++)
        ck_assert_uint_eq(f.row_msus[of_tuple[t]], want[t]);
    ck_assert_uint_eq(f.msus_by_size[1], 2);
    ck_assert_uint_eq(f.msus_by_size[2], 1);
    ck_assert_uint_eq(f.records_with_msu, 3);
    ck_assert_uint_eq(f.records, 8);
    edra_suda_clear(&f);
    /* Age generalized to decades (level 1): rows (20-29,M)x3, (30-39,F)x4, (20-29,F): only
     * (20-29,F) is unique, by the pair of its values. */
    const uint8_t decades[2] = {1, 0};
    edra_classes_free(c);
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, decades, NULL), 0);
    ck_assert_int_eq(edra_suda_compute(&f, c, &o, NULL), 0);
    ck_assert_uint_eq(f.msus, 1);
    ck_assert_uint_eq(f.msus_by_size[2], 1);
    ck_assert_uint_eq(f.row_msus[edra_classes_of_tuple(c)[4]], 1);
    ck_assert_uint_eq(f.row_msus[edra_classes_of_tuple(c)[0]], 0);
    edra_suda_clear(&f);
    edra_classes_free(c);
    tiny_fixture_free(&fx);
}
END_TEST

static unsigned long long rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* SUDA2 and the power set agree on every row's MSUs by size, on random tables of 1 to 8
 * QIs, 1 to 120 rows, domains of 1 to 6 values, some rows of several records, with and
 * without a size limit. */
START_TEST(test_suda_table__random_against_powerset)
{
    for (int trial = 0; trial < 400; trial++) {
        size_t n_qi = 1 + rnd(8), n_rows = 1 + rnd(120), limit = rnd(3) ? 0 : 1 + rnd((unsigned)n_qi);
        uint32_t *codes = malloc(n_rows * n_qi * sizeof *codes), domain[8];
        uint64_t *counts = malloc(n_rows * sizeof *counts);
        for (size_t d = 0; d < n_qi; d++)
            domain[d] = 1 + rnd(6);
        for (size_t r = 0; r < n_rows; r++) {
            for (size_t d = 0; d < n_qi; d++)
                codes[r * n_qi + d] = rnd(domain[d]);
            counts[r] = rnd(5) ? 1 : 1 + rnd(3);
        }
        edra_suda_figures f;
        edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
        powerset_result ps;
        o.max_size = limit;
        ck_assert_int_eq(edra_suda_table(&f, codes, counts, n_rows, n_qi, &o, NULL), 0);
        ck_assert_int_eq(powerset_msus(&ps, codes, counts, n_rows, n_qi, limit), 0);
        for (size_t r = 0; r < n_rows; r++) {
            ck_assert_uint_eq(f.row_msus[r], ps.row_msus[r]);
            double score = 0;
            for (size_t k = 1; k <= n_qi; k++)
                score += (double)ps.row_by_size[r * (n_qi + 1) + k] * f.size_score[k];
            ck_assert_double_eq_tol(f.score[r], score, 1e-9);
        }
        for (size_t k = 1; k <= n_qi; k++)
            ck_assert_uint_eq(f.msus_by_size[k], ps.msus_by_size[k]);
        powerset_free(&ps);
        edra_suda_clear(&f);
        free(codes);
        free(counts);
    }
}
END_TEST

/* Larger tables: 10 to 12 QIs, 300 to 800 rows with skewed values, where the recursion
 * goes deep. */
START_TEST(test_suda_table__random_wide_against_powerset)
{
    for (int trial = 0; trial < 6; trial++) {
        size_t n_qi = 10 + rnd(3), n_rows = 300 + rnd(500);
        uint32_t *codes = malloc(n_rows * n_qi * sizeof *codes);
        uint64_t *counts = malloc(n_rows * sizeof *counts);
        for (size_t r = 0; r < n_rows; r++) {
            for (size_t d = 0; d < n_qi; d++)
                codes[r * n_qi + d] = rnd(1 + rnd(2 + (unsigned)d));
            counts[r] = 1;
        }
        edra_suda_figures f;
        edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
        powerset_result ps;
        ck_assert_int_eq(edra_suda_table(&f, codes, counts, n_rows, n_qi, &o, NULL), 0);
        ck_assert_int_eq(powerset_msus(&ps, codes, counts, n_rows, n_qi, 0), 0);
        for (size_t r = 0; r < n_rows; r++)
            ck_assert_uint_eq(f.row_msus[r], ps.row_msus[r]);
        for (size_t k = 1; k <= n_qi; k++)
            ck_assert_uint_eq(f.msus_by_size[k], ps.msus_by_size[k]);
        powerset_free(&ps);
        edra_suda_clear(&f);
        free(codes);
        free(counts);
    }
}
END_TEST

static Suite *suda_suite(void)
{
    Suite *s = suite_create("suda");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_suda_table__hand_worked);
    tcase_add_test(tc, test_suda_table__dis_scores);
    tcase_add_test(tc, test_suda_table__size_limit);
    tcase_add_test(tc, test_suda_table__single_values_and_merging);
    tcase_add_test(tc, test_suda_table__errors);
    tcase_add_test(tc, test_suda_table__random_against_powerset);
    tcase_add_test(tc, test_suda_table__random_wide_against_powerset);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    tc = tcase_create("compute");
    tcase_add_test(tc, test_suda_compute__classes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suda_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
