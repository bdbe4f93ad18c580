/* Tests of analyzer/dict: codes in order of first appearance, values of every length class
 * (held whole in the slot up to 11 bytes, by hash beyond), growth across many values, the
 * first lines, sealing, prefetching (a hint that changes nothing), and the direct array a
 * large dictionary looks dates up in (the same codes as the table's). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/dict.h"

static edra_dict *fresh(void)
{
    edra_dict *d = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_dict_new(&d, &err), 0);
    return d;
}

/* Lengths 0 to 11 live in the slot, 12 and more by hash: each is its own value, and values
 * that share their first 11 bytes or differ only in length stay apart. */
START_TEST(test_dict_intern__lengths)
{
    static const char *const values[] = {"",  "a",  "ab", "abcdefgh", "abcdefghi",
                                         "abcdefghijk", "abcdefghijkl", "abcdefghijkX",
                                         "abcdefghijklmnopqrstuvwxyz", "b"};
    const size_t n = sizeof values / sizeof values[0];
    edra_dict *d = fresh();
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(edra_dict_intern(d, values[i], strlen(values[i]), 10 + i), (int64_t)i);
    /* Interning again returns the first code and keeps the first line. */
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(edra_dict_intern(d, values[i], strlen(values[i]), 99), (int64_t)i);
        ck_assert_int_eq(edra_dict_find(d, values[i], strlen(values[i])), (int64_t)i);
        ck_assert_str_eq(edra_dict_value(d, (uint32_t)i), values[i]);
        ck_assert_uint_eq(edra_dict_first_line(d, (uint32_t)i), 10 + i);
    }
    ck_assert_uint_eq(edra_dict_size(d), n);
    ck_assert_int_eq(edra_dict_find(d, "abcdefghijklm", 13), -1);
    ck_assert_int_eq(edra_dict_find(d, "abc", 3), -1);
    /* A length, not a NUL, ends a value: "ab" cut to 1 byte is "a", and a value with a NUL
     * inside (SQLite text may hold one) is not its prefix, short or long. */
    ck_assert_int_eq(edra_dict_find(d, "ab", 1), 1);
    ck_assert_int_eq(edra_dict_intern(d, "a\0b", 3, 1), (int64_t)n);
    ck_assert_int_eq(edra_dict_intern(d, "abcdefghijkl\0m", 14, 1), (int64_t)n + 1);
    ck_assert_int_eq(edra_dict_find(d, "abcdefghijkl", 12), 6);
    edra_dict_free(d);
}
END_TEST

/* 200,000 values (short and long) through many doublings of the table: every code is its
 * value's, and the values array lists them in code order. */
START_TEST(test_dict_intern__growth)
{
    enum { N = 200000 };
    edra_dict *d = fresh();
    char buf[64];
    for (int i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, i % 2 ? "%d" : "long value number %d", i);
        ck_assert_int_eq(edra_dict_intern(d, buf, (size_t)len, (size_t)i + 2), i);
    }
    ck_assert_uint_eq(edra_dict_size(d), N);
    const char *const *values = edra_dict_values(d);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, i % 2 ? "%d" : "long value number %d", i);
        wrong += edra_dict_find(d, buf, (size_t)len) != i;
        wrong += strcmp(values[i], buf) != 0;
        wrong += edra_dict_first_line(d, (uint32_t)i) != (size_t)i + 2;
    }
    ck_assert_int_eq(wrong, 0);
    edra_dict_free(d);
}
END_TEST

/* Prefetching changes nothing; a sealed dictionary still answers size, value, first line
 * and values, and frees. */
START_TEST(test_dict_seal__values_remain)
{
    edra_dict *d = fresh();
    ck_assert_int_eq(edra_dict_intern(d, "flu", 3, 2), 0);
    edra_dict_prefetch(d, "cold", 4);
    ck_assert_int_eq(edra_dict_intern(d, "a value longer than eleven bytes", 32, 5), 1);
    edra_dict_prefetch(d, "flu", 3);
    ck_assert_int_eq(edra_dict_intern(d, "flu", 3, 9), 0);
    edra_dict_seal(d);
    ck_assert_uint_eq(edra_dict_size(d), 2);
    ck_assert_str_eq(edra_dict_value(d, 0), "flu");
    ck_assert_str_eq(edra_dict_values(d)[1], "a value longer than eleven bytes");
    ck_assert_uint_eq(edra_dict_first_line(d, 1), 5);
    edra_dict_free(d);
    edra_dict_free(NULL);
}
END_TEST

/* 12,000 days from 1990-01-01 by the calendar (past the 8,192 values from which dates go
 * through the direct array), each interned, then all again with near-dates between them
 * (month 13, day 32, day 00, year 1799 and 2200, a letter, one digit short) that must stay
 * values of their own; every code is the one the first intern gave, and no two days share
 * one. */
static void day_text(char out[48], int n)
{
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1990, m = 0;
    for (;;) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = month_days[m] + (m == 1 && leap);
        if (n < len)
            break;
        n -= len;
        if (++m == 12) {
            m = 0;
            y++;
        }
    }
    snprintf(out, 48, "%04d-%02d-%02d", y, m + 1, n + 1);
}

START_TEST(test_dict_intern__dates_direct)
{
    enum { DAYS = 12000 };
    static const char *const near[] = {"2001-13-01", "2001-01-32", "2001-01-00", "1799-12-31",
                                       "2200-01-01", "2001-0a-01", "2001-01-1",  "2001/01/01"};
    const size_t n_near = sizeof near / sizeof near[0];
    edra_dict *d = fresh();
    char text[48];
    for (int i = 0; i < DAYS; i++) {
        day_text(text, i);
        ck_assert_int_eq(edra_dict_intern(d, text, 10, (size_t)i), i);
    }
    for (size_t j = 0; j < n_near; j++)
        ck_assert_int_eq(edra_dict_intern(d, near[j], strlen(near[j]), 0), DAYS + (int64_t)j);
    for (int round = 0; round < 2; round++)
        for (int i = DAYS - 1; i >= 0; i--) {
            day_text(text, i);
            int64_t code = edra_dict_intern(d, text, 10, 99);
            if (code != i)
                ck_abort_msg("%s: code %lld, first interned as %d", text, (long long)code, i);
            if (i % 1000 == 0)
                for (size_t j = 0; j < n_near; j++)
                    ck_assert_int_eq(edra_dict_intern(d, near[j], strlen(near[j]), 0),
                                     DAYS + (int64_t)j);
        }
    ck_assert_uint_eq(edra_dict_size(d), DAYS + n_near);
    day_text(text, DAYS - 1);
    ck_assert_str_eq(edra_dict_value(d, DAYS - 1), text);
    ck_assert_uint_eq(edra_dict_first_line(d, DAYS - 1), DAYS - 1);
    edra_dict_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dict");
    TCase *tc = tcase_create("dict");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dict_intern__lengths);
    tcase_add_test(tc, test_dict_intern__growth);
    tcase_add_test(tc, test_dict_seal__values_remain);
    tcase_add_test(tc, test_dict_intern__dates_direct);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
