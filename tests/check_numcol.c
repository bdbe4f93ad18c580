/* Tests of analyzer/numcol: which values are coded by mantissa, the dense numbering of the
 * mantissas present and the dictionary that lists them back in the same bytes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/numcol.h"

static int64_t code_of(edra_numcol *n, const char *v) { return edra_numcol_code(n, v, strlen(v)); }

START_TEST(test_numcol_code__canonical_decimals_only)
{
    edra_numcol *n = NULL;
    ck_assert_int_eq(edra_numcol_new(&n), 0);
    /* The first canonical value fixes two decimals. */
    ck_assert_int_eq(code_of(n, "26459.01"), 2645901);
    ck_assert_int_eq(code_of(n, "0.05"), 5);
    ck_assert_int_eq(code_of(n, "0.00"), 0);
    ck_assert_int_eq(code_of(n, "10.50"), 1050);
    /* Other spellings of numbers, other scales, signs, markers: the dictionary's. */
    const char *others[] = {"10.5", "10", "10.500", "010.50", "+1.00", "-1.00", ".50", "1.",
                            "1.0a", "", "NA", "1e3", " 1.00", "3000000.00"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        ck_assert_msg(code_of(n, others[i]) == -1, "'%s' coded", others[i]);
    /* Just below and at 2^28 = 268435456. */
    ck_assert_int_eq(code_of(n, "2684354.55"), 268435455);
    ck_assert_int_eq(code_of(n, "2684354.56"), -1);
    edra_numcol_free(n);

    ck_assert_int_eq(edra_numcol_new(&n), 0);
    ck_assert_int_eq(code_of(n, "0"), 0);
    ck_assert_int_eq(code_of(n, "17"), 17);
    ck_assert_int_eq(code_of(n, "17.0"), -1);
    ck_assert_int_eq(code_of(n, "00"), -1);
    edra_numcol_free(n);
}
END_TEST

START_TEST(test_numcol_dense__ranks_then_dictionary)
{
    edra_numcol *n = NULL;
    edra_dict *dict = NULL, *dense = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_numcol_new(&n), 0);
    ck_assert_int_eq(edra_dict_new(&dict, &err), 0);
    /* Rows: 7.25, 0.50, NA, 7.25, 130.00, 7.3, 64.00 (mantissas 725, 50, 13000, 6400; NA and
     * 7.3 in the dictionary, lines 4 and 7). */
    const char *rows[] = {"7.25", "0.50", "NA", "7.25", "130.00", "7.3", "64.00"};
    uint32_t codes[7];
    for (size_t i = 0; i < 7; i++) {
        int64_t c = code_of(n, rows[i]);
        if (c < 0)
            c = EDRA_NUMCOL_DICT_BASE + edra_dict_intern(dict, rows[i], strlen(rows[i]), i + 2);
        codes[i] = (uint32_t)c;
    }
    edra_dict_seal(dict);
    for (size_t i = 0; i < 7; i++)
        ck_assert_int_eq(edra_numcol_mark(n, codes[i]), 0);
    ck_assert_int_eq(edra_numcol_rank(n), 0);
    /* Ranks by value: 0.50 -> 0, 7.25 -> 1, 64.00 -> 2, 130.00 -> 3; then NA -> 4, 7.3 -> 5. */
    const uint32_t expect[7] = {1, 0, 4, 1, 3, 5, 2};
    for (size_t i = 0; i < 7; i++)
        ck_assert_uint_eq(edra_numcol_dense(n, codes[i]), expect[i]);
    ck_assert_int_eq(edra_numcol_dict(n, dict, &dense, &err), 0);
    ck_assert_uint_eq(edra_dict_size(dense), 6);
    const char *values[6] = {"0.50", "7.25", "64.00", "130.00", "NA", "7.3"};
    for (uint32_t c = 0; c < 6; c++)
        ck_assert_str_eq(edra_dict_value(dense, c), values[c]);
    /* Every row's value comes back in its own bytes. */
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(edra_dict_value(dense, expect[i]), rows[i]);
    ck_assert_uint_eq(edra_dict_first_line(dense, 4), 4);
    ck_assert_uint_eq(edra_dict_first_line(dense, 5), 7);
    edra_dict_free(dense);
    edra_dict_free(dict);
    edra_numcol_free(n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numcol");
    TCase *tc = tcase_create("numcol");
    tcase_add_test(tc, test_numcol_code__canonical_decimals_only);
    tcase_add_test(tc, test_numcol_dense__ranks_then_dictionary);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
