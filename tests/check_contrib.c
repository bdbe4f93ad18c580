/* Tests of metrics/contrib: distinction and separation of QI subsets on a hand-computed
 * table, the order of subsets and of removals, the limits, random tables against a
 * direct count (one- and two-word combinations), and a table counted in several passes
 * against sorting.
 *
 * The hand-computed table (2 QIs, 5 records):
 *   (a, x) x 2, (a, y), (b, x), (c, x)
 * All pairs: C(5,2) = 10.
 *   {Q1}: a 3, b 1, c 1 -> 3 classes, distinction 3/5 = 0.6, uniques 2,
 *         pairs sharing C(3,2) = 3, separation 1 - 3/10 = 0.7
 *   {Q2}: x 4, y 1 -> 2 classes, distinction 0.4, uniques 1, sharing C(4,2) = 6, sep. 0.4
 *   {Q1,Q2}: (a,x) 2, (a,y) 1, (b,x) 1, (c,x) 1 -> 4 classes, distinction 0.8, uniques 3,
 *         sharing 1, separation 0.9
 * Without Q1 ({Q2}) the distinction is 0.4, without Q2 ({Q1}) 0.6: dropping Q1 lowers the
 * risk most. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "metrics/contrib.h"

/* A plain array of 8-byte counts as the column the table reads. */
#define U64(a) ((edra_count_col){.data = (a), .width = 8})
#include "tests/data/tiny_fixture.h"

#define TOL 1e-12

static const uint32_t hand_codes[] = {0, 0, 0, 1, 1, 0, 2, 0};
static const uint64_t hand_counts[] = {2, 1, 1, 1};

START_TEST(test_contrib_table__hand_computed)
{
    edra_contrib_figures f;
    ck_assert_int_eq(edra_contrib_table(&f, hand_codes, U64(hand_counts), 4, 2, 0, NULL), 0);
    ck_assert_uint_eq(f.records, 5);
    ck_assert_uint_eq(f.n_subsets, 3);
    const edra_contrib_subset *q1 = &f.subsets[0], *q2 = &f.subsets[1], *both = &f.subsets[2];
    ck_assert_uint_eq(q1->qis, 1);
    ck_assert_uint_eq(q1->classes, 3);
    ck_assert_uint_eq(q1->uniques, 2);
    ck_assert_double_eq_tol(q1->distinction, 0.6, TOL);
    ck_assert_double_eq_tol(q1->separation, 0.7, TOL);
    ck_assert_uint_eq(q2->qis, 2);
    ck_assert_uint_eq(q2->classes, 2);
    ck_assert_uint_eq(q2->uniques, 1);
    ck_assert_double_eq_tol(q2->distinction, 0.4, TOL);
    ck_assert_double_eq_tol(q2->separation, 0.4, TOL);
    ck_assert_uint_eq(both->qis, 3);
    ck_assert_uint_eq(both->size, 2);
    ck_assert_double_eq_tol(both->distinction, 0.8, TOL);
    ck_assert_double_eq_tol(both->separation, 0.9, TOL);
    ck_assert_uint_eq(both->uniques, 3);
    ck_assert_double_eq_tol(f.all.distinction, 0.8, TOL);
    ck_assert_double_eq_tol(f.without[0].distinction, 0.4, TOL);
    ck_assert_double_eq_tol(f.without[1].distinction, 0.6, TOL);
    ck_assert_uint_eq(f.removal_order[0], 0);
    ck_assert_uint_eq(f.removal_order[1], 1);
    edra_contrib_clear(&f);
}
END_TEST

START_TEST(test_contrib_table__order_and_limit)
{
    /* 3 QIs, subsets of at most 2: {Q1} {Q2} {Q3} {Q1,Q2} {Q1,Q3} {Q2,Q3}. */
    const uint32_t codes[] = {0, 0, 0, 0, 1, 1, 1, 1, 0};
    const uint64_t counts[] = {1, 1, 1};
    const uint64_t want[] = {1, 2, 4, 3, 5, 6};
    edra_contrib_figures f;
    ck_assert_int_eq(edra_contrib_table(&f, codes, U64(counts), 3, 3, 2, NULL), 0);
    ck_assert_uint_eq(f.n_subsets, 6);
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(f.subsets[i].qis, want[i]);
    /* Rows (0,0,0), (0,1,1), (1,1,0): Q1 splits 2+1, Q2 1+2, Q3 2+1; {Q2,Q3} (0,0) (1,1)
     * (1,0): 3 classes. Without Q1 = {Q2,Q3}: 3 classes; without Q2 = {Q1,Q3}: (0,0) (0,1)
     * (1,0): 3; without Q3 = {Q1,Q2}: 3. All 1.0: ties keep QI order. */
    ck_assert_uint_eq(f.subsets[5].classes, 3);
    for (size_t d = 0; d < 3; d++)
        ck_assert_uint_eq(f.removal_order[d], d);
    edra_contrib_clear(&f);
}
END_TEST

START_TEST(test_contrib_table__one_record)
{
    /* One record: distinction 1, no pairs (separation undefined). */
    const uint32_t codes[] = {3};
    const uint64_t counts[] = {1};
    edra_contrib_figures f;
    ck_assert_int_eq(edra_contrib_table(&f, codes, U64(counts), 1, 1, 0, NULL), 0);
    ck_assert_double_eq_tol(f.subsets[0].distinction, 1.0, TOL);
    ck_assert(isnan(f.subsets[0].separation));
    /* Without the only QI: one class of everyone. */
    ck_assert_uint_eq(f.without[0].classes, 1);
    edra_contrib_clear(&f);
}
END_TEST

START_TEST(test_contrib_subsets__counts)
{
    /* 9 QIs: 2^9 - 1 = 511; 64 QIs up to 3: 64 + 2016 + 41664 = 43744; all 64: saturates. */
    ck_assert_uint_eq(edra_contrib_subsets(9, 0), 511);
    ck_assert_uint_eq(edra_contrib_subsets(9, 2), 9 + 36);
    ck_assert_uint_eq(edra_contrib_subsets(64, 3), 43744);
    ck_assert_uint_eq(edra_contrib_subsets(64, 64), SIZE_MAX);
}
END_TEST

START_TEST(test_contrib_table__errors)
{
    edra_contrib_figures f;
    edra_error err = {0};
    ck_assert_int_eq(edra_contrib_table(&f, hand_codes, U64(hand_counts), 4, 0, 0, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "subset figures need 1 to 64 quasi-identifiers, not 0");
    ck_assert_int_eq(edra_contrib_table(&f, hand_codes, U64(hand_counts), 4, 2, 3, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "subset size limit 3 exceeds the 2 quasi-identifiers");
    uint32_t *wide = calloc(40, sizeof *wide);
    const uint64_t one[] = {1};
    ck_assert_int_eq(edra_contrib_table(&f, wide, U64(one), 1, 40, 0, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "40 quasi-identifiers have more than 1048576 subsets of up to 40; "
                              "lower the limit");
    free(wide);
}
END_TEST

START_TEST(test_contrib_compute__classes)
{
    /* tiny fixture at (age decade, sex): classes (20-29,M) 3, (30-39,F) 4, (20-29,F) 1.
     * {age}: 20-29 4, 30-39 4: distinction 2/8, separation 1 - (6 + 6)/28 = 4/7.
     * {sex}: M 3, F 5: distinction 2/8, separation 1 - (3 + 10)/28 = 15/28. */
    tiny_fixture fx;
    edra_classes *c = NULL;
    edra_contrib_figures f;
    const uint8_t levels[2] = {1, 0};
    tiny_fixture_init(&fx);
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_contrib_compute(&f, c, 0, NULL), 0);
    ck_assert_double_eq_tol(f.subsets[0].distinction, 0.25, TOL);
    ck_assert_double_eq_tol(f.subsets[0].separation, 4.0 / 7.0, TOL);
    ck_assert_double_eq_tol(f.subsets[1].separation, 15.0 / 28.0, TOL);
    ck_assert_uint_eq(f.all.classes, 3);
    ck_assert_uint_eq(f.all.uniques, 1);
    edra_contrib_clear(&f);
    edra_classes_free(c);
    tiny_fixture_free(&fx);
}
END_TEST

static unsigned long long rng_state = 99;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* Every subset against a direct count: records r and s share a combination when equal on
 * every QI of the subset, so classes = records r with no equal earlier one (by weight). */
START_TEST(test_contrib_table__random_against_direct)
{
    for (int trial = 0; trial < 60; trial++) {
        /* Every other trial spreads 6 QIs' codes over 20 bits, so a combination takes two
         * words of the packed rows and a code's top bit counts. */
        int wide = trial % 2;
        size_t n_qi = 1 + rnd(wide ? 6 : 5), n_rows = 1 + rnd(40);
        uint32_t *codes = malloc(n_rows * n_qi * sizeof *codes);
        uint64_t *counts = malloc(n_rows * sizeof *counts);
        for (size_t r = 0; r < n_rows; r++) {
            for (size_t d = 0; d < n_qi; d++)
                codes[r * n_qi + d] = rnd(3) * (wide ? 0x7ffffu : 1u);
            counts[r] = 1 + rnd(2);
        }
        edra_contrib_figures f;
        ck_assert_int_eq(edra_contrib_table(&f, codes, U64(counts), n_rows, n_qi, 0, NULL), 0);
        ck_assert_uint_eq(f.n_subsets, ((size_t)1 << n_qi) - 1);
        uint64_t records = 0;
        for (size_t r = 0; r < n_rows; r++)
            records += counts[r];
        for (size_t i = 0; i < f.n_subsets; i++) {
            uint64_t qis = f.subsets[i].qis, classes = 0, uniques = 0;
            double sharing = 0;
            for (size_t r = 0; r < n_rows; r++) {
                uint64_t group = 0;
                int first = 1;
                for (size_t s = 0; s < n_rows; s++) {
                    int equal = 1;
                    for (size_t d = 0; d < n_qi; d++)
                        if ((qis >> d & 1) && codes[r * n_qi + d] != codes[s * n_qi + d])
                            equal = 0;
                    if (equal) {
                        group += counts[s];
                        if (s < r)
                            first = 0;
                    }
                }
                if (first) {
                    classes++;
                    uniques += group == 1;
                    sharing += (double)group * (double)(group - 1) / 2.0;
                }
            }
            ck_assert_uint_eq(f.subsets[i].classes, classes);
            ck_assert_uint_eq(f.subsets[i].uniques, uniques);
            ck_assert_double_eq_tol(f.subsets[i].distinction, (double)classes / (double)records, TOL);
            if (records >= 2)
                ck_assert_double_eq_tol(f.subsets[i].separation,
                                        1.0 - sharing / ((double)records * (double)(records - 1) / 2.0), TOL);
        }
        edra_contrib_clear(&f);
        free(codes);
        free(counts);
    }
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* More combinations than one table of EDRA_CONTRIB_TABLE_BYTES holds (16-byte slots at a
 * load of two thirds): the pair and the full set are counted in three passes, each over
 * the rows whose combination hashes into its share. Expected figures from sorting each
 * subset's combinations (code fields << 1 | count - 1, counts 1 or 2) and reading runs. */
START_TEST(test_contrib_table__passes_against_sorted)
{
    size_t n_rows = EDRA_CONTRIB_TABLE_BYTES / 24 * 2, n_qi = 3;
    uint32_t *codes = malloc(n_rows * n_qi * sizeof *codes);
    uint64_t *counts = malloc(n_rows * sizeof *counts), *sorted = malloc(n_rows * sizeof *sorted);
    ck_assert_ptr_nonnull(codes);
    ck_assert_ptr_nonnull(counts);
    ck_assert_ptr_nonnull(sorted);
    rng_state = 7;
    for (size_t r = 0; r < n_rows; r++) {
        codes[r * n_qi] = rnd(1200);
        codes[r * n_qi + 1] = rnd(1200);
        codes[r * n_qi + 2] = rnd(3);
        counts[r] = 1 + rnd(2);
    }
    edra_contrib_figures f;
    ck_assert_int_eq(edra_contrib_table(&f, codes, U64(counts), n_rows, n_qi, 0, NULL), 0);
    ck_assert_uint_eq(f.n_subsets, 7);
    double records = 0;
    for (size_t r = 0; r < n_rows; r++)
        records += (double)counts[r];
    const uint64_t field_shift[3] = {40, 20, 1};
    for (size_t i = 0; i <= f.n_subsets; i++) {
        const edra_contrib_subset *got = i < f.n_subsets ? &f.subsets[i] : &f.all;
        for (size_t r = 0; r < n_rows; r++) {
            sorted[r] = counts[r] - 1;
            for (size_t d = 0; d < n_qi; d++)
                if (got->qis >> d & 1)
                    sorted[r] |= (uint64_t)codes[r * n_qi + d] << field_shift[d];
        }
        qsort(sorted, n_rows, sizeof *sorted, cmp_u64);
        uint64_t classes = 0, uniques = 0;
        double sharing = 0;
        for (size_t r = 0; r < n_rows;) {
            uint64_t size = 0;
            size_t e = r;
            for (; e < n_rows && sorted[e] >> 1 == sorted[r] >> 1; e++)
                size += (sorted[e] & 1) + 1;
            classes++;
            uniques += size == 1;
            sharing += (double)size * (double)(size - 1) / 2.0;
            r = e;
        }
        if (got->classes != classes || got->uniques != uniques)
            ck_abort_msg("subset %llx: %llu classes, %llu uniques; sorted: %llu, %llu",
                         (unsigned long long)got->qis, (unsigned long long)got->classes,
                         (unsigned long long)got->uniques, (unsigned long long)classes,
                         (unsigned long long)uniques);
        ck_assert_double_eq_tol(got->separation, 1.0 - sharing / (records * (records - 1) / 2.0), TOL);
    }
    /* Without the third QI (3 codes) the pairs of the first two remain. */
    ck_assert_uint_eq(f.without[2].classes, f.subsets[3].classes);
    ck_assert_uint_eq(f.without[2].uniques, f.subsets[3].uniques);
    edra_contrib_clear(&f);
    free(codes);
    free(counts);
    free(sorted);
}
END_TEST

static Suite *contrib_suite(void)
{
    Suite *s = suite_create("contrib");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_contrib_table__hand_computed);
    tcase_add_test(tc, test_contrib_table__order_and_limit);
    tcase_add_test(tc, test_contrib_table__one_record);
    tcase_add_test(tc, test_contrib_table__errors);
    tcase_add_test(tc, test_contrib_table__random_against_direct);
    tcase_add_test(tc, test_contrib_table__passes_against_sorted);
    suite_add_tcase(s, tc);
    tc = tcase_create("subsets");
    tcase_add_test(tc, test_contrib_subsets__counts);
    suite_add_tcase(s, tc);
    tc = tcase_create("compute");
    tcase_add_test(tc, test_contrib_compute__classes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(contrib_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
