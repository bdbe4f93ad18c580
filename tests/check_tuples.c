/* Tests of analyzer/tuples: code columns widening from 1 to 2 to 4 bytes and counts from
 * 1 to 8 bytes with every value kept, duplicates merging their counts and weights, the
 * index growing past its load factor with every tuple still found, the one-row-late add,
 * and columns handed over remapped in their final width. */
#include <check.h>
#include <stdlib.h>

#include "analyzer/tuples.h"
#include "metrics/error.h"

static edra_tuples *fresh(size_t width, int weighted)
{
    edra_tuples *t = NULL;
    ck_assert_int_eq(edra_tuples_new(&t, width, weighted), 0);
    ck_assert_ptr_nonnull(t);
    return t;
}

static uint64_t count_of(const edra_tuples *t, size_t i)
{
    return edra_count_at(edra_tuples_counts(t), i);
}

/* Codes 0..255 fit a byte; 256 needs 2 bytes, 65536 needs 4 (edra_code_width(65537)); each
 * widening rewrites the codes already stored, which must come back unchanged. */
START_TEST(test_tuples_add__widens_codes)
{
    edra_tuples *t = fresh(1, 0);
    for (uint32_t code = 0; code < 256; code++)
        ck_assert_int_eq(edra_tuples_add(t, &code, 1, 0), 0);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_size(t), 256);
    ck_assert_uint_eq(edra_tuples_code_width(t, 0), 1);
    uint32_t code = 256;
    ck_assert_int_eq(edra_tuples_add(t, &code, 1, 0), 0);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_code_width(t, 0), 2);
    code = 65536;
    ck_assert_int_eq(edra_tuples_add(t, &code, 1, 0), 0);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_code_width(t, 0), 4);
    ck_assert_uint_eq(edra_tuples_size(t), 258);
    for (uint32_t i = 0; i <= 256; i++)
        ck_assert_uint_eq(edra_tuples_code(t, i, 0), i);
    ck_assert_uint_eq(edra_tuples_code(t, 257, 0), 65536);
    edra_tuples_free(t);
}
END_TEST

/* One tuple's count: 200 (1 byte), +100 = 300 (> 255: 2 bytes), +70000 = 70300 (> 65535:
 * 4 bytes), +2^32 = 4295037596 (> 2^32 - 1: 8 bytes). A second tuple of count 5 added
 * first keeps its count through every widening. */
START_TEST(test_tuples_add__widens_counts)
{
    edra_tuples *t = fresh(1, 0);
    const uint32_t other = 1, code = 7;
    ck_assert_int_eq(edra_tuples_add(t, &other, 5, 0), 0);
    const uint64_t adds[] = {200, 100, 70000, UINT64_C(1) << 32};
    const uint64_t totals[] = {200, 300, 70300, UINT64_C(4295037596)};
    const uint8_t widths[] = {1, 2, 4, 8};
    for (size_t k = 0; k < 4; k++) {
        ck_assert_int_eq(edra_tuples_add(t, &code, adds[k], 0), 0);
        ck_assert_int_eq(edra_tuples_flush(t), 0);
        ck_assert_uint_eq(edra_tuples_counts(t).width, widths[k]);
        ck_assert_uint_eq(count_of(t, 1), totals[k]);
        ck_assert_uint_eq(count_of(t, 0), 5);
    }
    ck_assert_uint_eq(edra_tuples_size(t), 2);
    ck_assert_ptr_null(edra_tuples_weights(t));
    edra_tuples_free(t);
}
END_TEST

/* {1,2}x1 w0.5, {3,4}x2 w1, {1,2}x3 w2.25, {2,1}x1 w4: {1,2} has 1+3 = 4 records weighing
 * 0.5+2.25 = 2.75; {2,1} (the same codes in another order) is a tuple of its own. */
START_TEST(test_tuples_add__merges_duplicates)
{
    edra_tuples *t = fresh(2, 1);
    const uint32_t a[] = {1, 2}, b[] = {3, 4}, c[] = {2, 1};
    ck_assert_int_eq(edra_tuples_add(t, a, 1, 0.5), 0);
    ck_assert_int_eq(edra_tuples_add(t, b, 2, 1.0), 0);
    ck_assert_int_eq(edra_tuples_add(t, a, 3, 2.25), 0);
    ck_assert_int_eq(edra_tuples_add(t, c, 1, 4.0), 0);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_size(t), 3);
    const double *w = edra_tuples_weights(t);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(edra_tuples_code(t, 0, 0), 1);
    ck_assert_uint_eq(edra_tuples_code(t, 0, 1), 2);
    ck_assert_uint_eq(count_of(t, 0), 4);
    ck_assert_double_eq_tol(w[0], 2.75, 1e-12);
    ck_assert_uint_eq(edra_tuples_code(t, 1, 0), 3);
    ck_assert_uint_eq(count_of(t, 1), 2);
    ck_assert_double_eq_tol(w[1], 1.0, 1e-12);
    ck_assert_uint_eq(edra_tuples_code(t, 2, 0), 2);
    ck_assert_uint_eq(edra_tuples_code(t, 2, 1), 1);
    ck_assert_uint_eq(count_of(t, 2), 1);
    ck_assert_double_eq_tol(w[2], 4.0, 1e-12);
    edra_tuples_free(t);
}
END_TEST

/* A row is stored one call late: the table is empty until the next add or a flush, and a
 * second flush adds nothing. */
START_TEST(test_tuples_flush__pending_row)
{
    edra_tuples *t = fresh(1, 0);
    const uint32_t code = 3;
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_int_eq(edra_tuples_add(t, &code, 2, 0), 0);
    ck_assert_uint_eq(edra_tuples_size(t), 0);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_size(t), 1);
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_size(t), 1);
    ck_assert_uint_eq(count_of(t, 0), 2);
    edra_tuples_free(t);
}
END_TEST

/* 100,000 distinct tuples {i mod 1000, i / 1000, 7} take the 1024-slot index past its 0.7
 * load through 8 doublings (to 262,144 slots: 100000 / 131072 = 0.76 > 0.7); adding them
 * all again merges every one: 100,000 tuples of 2 records each, in first-seen order. */
START_TEST(test_tuples_add__growth)
{
    enum { N = 100000 };
    edra_tuples *t = fresh(3, 0);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < N; i++) {
            const uint32_t codes[] = {i % 1000, i / 1000, 7};
            ck_assert_int_eq(edra_tuples_add(t, codes, 1, 0), 0);
        }
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    ck_assert_uint_eq(edra_tuples_size(t), N);
    ck_assert_uint_eq(edra_tuples_code_width(t, 0), 2);
    ck_assert_uint_eq(edra_tuples_code_width(t, 1), 1);
    for (uint32_t i = 0; i < N; i++) {
        ck_assert_uint_eq(edra_tuples_code(t, i, 0), i % 1000);
        ck_assert_uint_eq(edra_tuples_code(t, i, 1), i / 1000);
        ck_assert_uint_eq(edra_tuples_code(t, i, 2), 7);
        ck_assert_uint_eq(count_of(t, i), 2);
    }
    edra_tuples_free(t);
}
END_TEST

/* 300 tuples with codes 0..299 (2 bytes). Column 0 through remap code -> code mod 3 with
 * 3 codes narrows to 1 byte; column 1 (same codes) kept with 70,000 codes widens to 4;
 * sealing keeps the counts. */
START_TEST(test_tuples_take_column__remap_and_width)
{
    edra_tuples *t = fresh(2, 1);
    uint32_t *remap = malloc(300 * sizeof *remap);
    ck_assert_ptr_nonnull(remap);
    for (uint32_t i = 0; i < 300; i++) {
        const uint32_t codes[] = {i, i};
        remap[i] = i % 3;
        ck_assert_int_eq(edra_tuples_add(t, codes, i + 1, 1.5), 0);
    }
    ck_assert_int_eq(edra_tuples_flush(t), 0);
    edra_tuples_seal(t);
    edra_code_col narrow = {0}, wide = {0};
    ck_assert_int_eq(edra_tuples_take_column(&narrow, t, 0, remap, 3), 0);
    ck_assert_int_eq(edra_tuples_take_column(&wide, t, 1, NULL, 70000), 0);
    ck_assert_uint_eq(narrow.width, 1);
    ck_assert_uint_eq(wide.width, 4);
    for (uint32_t i = 0; i < 300; i++) {
        ck_assert_uint_eq(edra_code_at(narrow, i), i % 3);
        ck_assert_uint_eq(edra_code_at(wide, i), i);
        ck_assert_uint_eq(count_of(t, i), i + 1);
        ck_assert_double_eq_tol(edra_tuples_weights(t)[i], 1.5, 1e-12);
    }
    ck_assert_uint_eq(edra_tuples_counts(t).width, 2);
    free((void *)narrow.data);
    free((void *)wide.data);
    free(remap);
    edra_tuples_free(t);
}
END_TEST

/* No tuples: a column is still handed over (one byte of room), and freeing NULL is a no-op. */
START_TEST(test_tuples_take_column__empty)
{
    edra_tuples *t = fresh(1, 0);
    edra_tuples_seal(t);
    edra_code_col col = {0};
    ck_assert_int_eq(edra_tuples_take_column(&col, t, 0, NULL, 0), 0);
    ck_assert_ptr_nonnull(col.data);
    ck_assert_uint_eq(col.width, 1);
    ck_assert_uint_eq(edra_tuples_size(t), 0);
    free((void *)col.data);
    edra_tuples_free(t);
    edra_tuples_free(NULL);
}
END_TEST

static Suite *tuples_suite(void)
{
    Suite *s = suite_create("tuples");
    TCase *add = tcase_create("add");
    tcase_add_test(add, test_tuples_add__widens_codes);
    tcase_add_test(add, test_tuples_add__widens_counts);
    tcase_add_test(add, test_tuples_add__merges_duplicates);
    tcase_add_test(add, test_tuples_add__growth);
    tcase_set_timeout(add, 60);
    suite_add_tcase(s, add);
    TCase *flush = tcase_create("flush");
    tcase_add_test(flush, test_tuples_flush__pending_row);
    suite_add_tcase(s, flush);
    TCase *take = tcase_create("take_column");
    tcase_add_test(take, test_tuples_take_column__remap_and_width);
    tcase_add_test(take, test_tuples_take_column__empty);
    suite_add_tcase(s, take);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tuples_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
