/* Tests of metrics/classes on the hand-worked fixture of tests/data/tiny_fixture.h. */
#include <check.h>
#include <stdlib.h>

#include "metrics/classes.h"
#include "tests/data/tiny_fixture.h"

static tiny_fixture fx;

static void setup(void) { tiny_fixture_init(&fx); }
static void teardown(void) { tiny_fixture_free(&fx); }

/* Sorted class sizes, for comparisons that do not depend on class numbering. */
static void sorted_sizes(const edra_classes *c, uint64_t *out)
{
    size_t n = edra_classes_count(c);
    for (size_t i = 0; i < n; i++)
        out[i] = edra_classes_sizes(c)[i];
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint64_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}

START_TEST(test_classes_compute__level0_each_tuple_own_class)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {0, 0};
    uint64_t sizes[5];
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 5);
    sorted_sizes(c, sizes);
    /* counts 2,1,1,3,1 sorted */
    ck_assert_uint_eq(sizes[0], 1);
    ck_assert_uint_eq(sizes[1], 1);
    ck_assert_uint_eq(sizes[2], 1);
    ck_assert_uint_eq(sizes[3], 2);
    ck_assert_uint_eq(sizes[4], 3);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_compute__age_decades)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {1, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 3);
    const uint32_t *of = edra_classes_of_tuple(c);
    const uint64_t *sizes = edra_classes_sizes(c);
    /* {t0,t1} = 2+1, {t2,t3} = 1+3, {t4} = 1 */
    ck_assert_uint_eq(of[0], of[1]);
    ck_assert_uint_eq(of[2], of[3]);
    ck_assert_uint_ne(of[0], of[4]);
    ck_assert_uint_ne(of[0], of[2]);
    ck_assert_uint_eq(sizes[of[0]], 3);
    ck_assert_uint_eq(sizes[of[2]], 4);
    ck_assert_uint_eq(sizes[of[4]], 1);
    /* The representative of a class carries the class's generalized values. */
    const uint32_t *rep = edra_classes_representatives(c);
    ck_assert_uint_eq(of[rep[of[3]]], of[3]);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_compute__top_is_one_class)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {2, 1};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 1);
    ck_assert_uint_eq(edra_classes_sizes(c)[0], 8);
    ck_assert_uint_eq(edra_classes_levels(c)[0], 2);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_rollup__equals_compute)
{
    uint8_t fine[2] = {0, 0};
    uint8_t all[6][2] = {{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}};
    edra_classes *base = NULL;
    ck_assert_int_eq(edra_classes_compute(&base, &fx.md, fine, NULL), 0);
    for (int i = 0; i < 6; i++) {
        edra_classes *direct = NULL, *rolled = NULL;
        ck_assert_int_eq(edra_classes_compute(&direct, &fx.md, all[i], NULL), 0);
        ck_assert_int_eq(edra_classes_rollup(&rolled, base, all[i], NULL), 0);
        ck_assert_uint_eq(edra_classes_count(direct), edra_classes_count(rolled));
        /* Same partition: tuples share a class in one iff they do in the other. */
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
                ck_assert_int_eq(edra_classes_of_tuple(direct)[a] == edra_classes_of_tuple(direct)[b],
                                 edra_classes_of_tuple(rolled)[a] == edra_classes_of_tuple(rolled)[b]);
        for (int t = 0; t < 5; t++)
            ck_assert_uint_eq(edra_classes_sizes(direct)[edra_classes_of_tuple(direct)[t]],
                              edra_classes_sizes(rolled)[edra_classes_of_tuple(rolled)[t]]);
        edra_classes_free(direct);
        edra_classes_free(rolled);
    }
    edra_classes_free(base);
}
END_TEST

START_TEST(test_classes_sadist_build__counts_per_class)
{
    edra_classes *c = NULL;
    edra_sadist d;
    uint8_t levels[2] = {1, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_sadist_build(&d, c, 0, NULL), 0);
    /* Reference distribution: flu 2+1+1 = 4, cold 1, cancer 3. */
    ck_assert_uint_eq(d.totals[0], 4);
    ck_assert_uint_eq(d.totals[1], 1);
    ck_assert_uint_eq(d.totals[2], 3);
    ck_assert_uint_eq(d.n_records, 8);
    size_t cls = edra_classes_of_tuple(c)[0]; /* {t0, t1}: flu 2, cold 1 */
    ck_assert_uint_eq(d.offsets[cls + 1] - d.offsets[cls], 2);
    ck_assert_uint_eq(d.values[d.offsets[cls]], 0);
    ck_assert_uint_eq(d.counts[d.offsets[cls]], 2);
    ck_assert_uint_eq(d.values[d.offsets[cls] + 1], 1);
    ck_assert_uint_eq(d.counts[d.offsets[cls] + 1], 1);
    cls = edra_classes_of_tuple(c)[2]; /* {t2, t3}: flu 1, cancer 3 */
    ck_assert_uint_eq(d.offsets[cls + 1] - d.offsets[cls], 2);
    ck_assert_uint_eq(d.values[d.offsets[cls]], 0);
    ck_assert_uint_eq(d.counts[d.offsets[cls]], 1);
    ck_assert_uint_eq(d.values[d.offsets[cls] + 1], 2);
    ck_assert_uint_eq(d.counts[d.offsets[cls] + 1], 3);
    edra_sadist_clear(&d);
    edra_classes_free(c);
}
END_TEST

/* At (0,0) each tuple is its own class: 5 classes x 3 values > 2 x 5 tuples, so the pairs
 * are sorted by class (the sparse way; (1,0) above, 9 cells <= 10, is counted densely).
 * With min_size 2 the classes of one record ({t1}, {t2}, {t4}) stay empty; {t0} flu 2,
 * {t3} cancer 3; the totals still count all 8 records: flu 4, cold 1, cancer 3. */
START_TEST(test_classes_sadist_build_min__skips_small_classes)
{
    edra_classes *c = NULL;
    edra_sadist d;
    uint8_t levels[2] = {0, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_sadist_build_min(&d, c, 0, 2, NULL), 0);
    const uint32_t *of = edra_classes_of_tuple(c);
    ck_assert_uint_eq(d.totals[0], 4);
    ck_assert_uint_eq(d.totals[1], 1);
    ck_assert_uint_eq(d.totals[2], 3);
    ck_assert_uint_eq(d.offsets[of[1] + 1] - d.offsets[of[1]], 0);
    ck_assert_uint_eq(d.offsets[of[2] + 1] - d.offsets[of[2]], 0);
    ck_assert_uint_eq(d.offsets[of[4] + 1] - d.offsets[of[4]], 0);
    ck_assert_uint_eq(d.offsets[of[0] + 1] - d.offsets[of[0]], 1);
    ck_assert_uint_eq(d.values[d.offsets[of[0]]], 0);
    ck_assert_uint_eq(d.counts[d.offsets[of[0]]], 2);
    ck_assert_uint_eq(d.offsets[of[3] + 1] - d.offsets[of[3]], 1);
    ck_assert_uint_eq(d.values[d.offsets[of[3]]], 2);
    ck_assert_uint_eq(d.counts[d.offsets[of[3]]], 3);
    ck_assert_uint_eq(d.offsets[d.n_classes], 2);
    edra_sadist_clear(&d);
    edra_classes_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("classes");
    TCase *tc = tcase_create("classes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_classes_compute__level0_each_tuple_own_class);
    tcase_add_test(tc, test_classes_compute__age_decades);
    tcase_add_test(tc, test_classes_compute__top_is_one_class);
    tcase_add_test(tc, test_classes_rollup__equals_compute);
    tcase_add_test(tc, test_classes_sadist_build__counts_per_class);
    tcase_add_test(tc, test_classes_sadist_build_min__skips_small_classes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
