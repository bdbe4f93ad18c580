/* Tests of metrics/error: every status code has its own name, and messages are formatted
 * and prefixed as the pipeline relies on. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/error.h"

START_TEST(test_error_strerror__every_code_named)
{
    /* Each code from EDRA_OK down to EDRA_STATUS_MIN maps to a distinct, non-generic name. */
    for (int code = 0; code >= EDRA_STATUS_MIN; code--) {
        const char *name = edra_strerror(code);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_ne(name, "unknown error");
        for (int other = code - 1; other >= EDRA_STATUS_MIN; other--)
            ck_assert_str_ne(name, edra_strerror(other));
    }
    ck_assert_str_eq(edra_strerror(EDRA_ENOMEM), "out of memory");
    ck_assert_str_eq(edra_strerror(EDRA_STATUS_MIN - 1), "unknown error");
    ck_assert_str_eq(edra_strerror(1), "unknown error");
}
END_TEST

START_TEST(test_error_set__formats_and_returns_code)
{
    edra_error err = {0};
    int rc = edra_error_set(&err, EDRA_EPARSE, "%s:%d:%d: unterminated quote", "a.csv", 3, 7);
    ck_assert_int_eq(rc, EDRA_EPARSE);
    ck_assert_int_eq(err.code, EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "a.csv:3:7: unterminated quote");
    ck_assert_int_eq(edra_error_set(NULL, EDRA_EIO, "ignored"), EDRA_EIO);
}
END_TEST

START_TEST(test_error_prefix__prepends)
{
    edra_error err = {0};
    edra_error_set(&err, EDRA_EDATA, "row 4: empty value");
    edra_error_prefix(&err, "%s: ", "h.csv");
    ck_assert_str_eq(err.msg, "h.csv: row 4: empty value");
    edra_error_clear(&err);
    ck_assert_int_eq(err.code, EDRA_OK);
    ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_error_set__truncates_long_message)
{
    edra_error err = {0};
    char *long_text = malloc(4000);
    memset(long_text, 'x', 3999);
    long_text[3999] = '\0';
    edra_error_set(&err, EDRA_EIO, "%s", long_text);
    ck_assert_uint_eq(strlen(err.msg), sizeof err.msg - 1);
    free(long_text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("error");
    tcase_add_test(tc, test_error_strerror__every_code_named);
    tcase_add_test(tc, test_error_set__formats_and_returns_code);
    tcase_add_test(tc, test_error_prefix__prepends);
    tcase_add_test(tc, test_error_set__truncates_long_message);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
