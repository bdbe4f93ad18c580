/* Tests of report/run: the checks on a run handed to the renderers, the ISO time parser
 * (SOURCE_DATE_EPOCH's date for the PDF and the workbook) and the shared formatting. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report/run.h"
#include "tests/report_fixture.h"

START_TEST(test_run_edra_report_parse_time__utc)
{
    /* 2024-03-01: 19783 days after 1970-01-01 (54 years incl. 13 leap days = 19723, plus
     * Jan 31 + Feb 29 = 60); 19783 * 86400 + 12 * 3600 = 1709294400. */
    time_t t = 0;
    edra_error err = {0, ""};
    ck_assert_int_eq(edra_report_parse_time("2024-03-01T12:00:00Z", &t, &err), 0);
    ck_assert_int_eq((long long)t, 1709294400LL);
    /* 2000-02-29 23:59:59 without the Z, a leap day of a year divisible by 400:
     * 11016 days * 86400 + 86399 = 951868799. */
    ck_assert_int_eq(edra_report_parse_time("2000-02-29T23:59:59", &t, &err), 0);
    ck_assert_int_eq((long long)t, 951868799LL);
    ck_assert_int_eq(edra_report_parse_time("1970-01-01T00:00:00Z", &t, &err), 0);
    ck_assert_int_eq((long long)t, 0);
}
END_TEST

START_TEST(test_run_edra_report_parse_time__rejects)
{
    time_t t = 0;
    edra_error err = {0, ""};
    /* 2023 is not a leap year */
    ck_assert_int_eq(edra_report_parse_time("2023-02-29T00:00:00Z", &t, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "report time \"2023-02-29T00:00:00Z\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on");
    ck_assert_int_eq(edra_report_parse_time("2024-03-01", &t, &err), EDRA_ERANGE);
    ck_assert_int_eq(edra_report_parse_time("2024-03-01T12:00:00+01:00", &t, &err), EDRA_ERANGE);
    ck_assert_int_eq(edra_report_parse_time("2024-13-01T12:00:00Z", &t, &err), EDRA_ERANGE);
    ck_assert_int_eq(edra_report_parse_time("1969-12-31T23:59:59Z", &t, &err), EDRA_ERANGE);
    ck_assert_int_eq(edra_report_parse_time(NULL, &t, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "report time \"(none)\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on");
}
END_TEST

START_TEST(test_run_edra_report_fmt_count__groups)
{
    char buf[32];
    ck_assert_str_eq(edra_report_fmt_count(buf, sizeof buf, 0), "0");
    ck_assert_str_eq(edra_report_fmt_count(buf, sizeof buf, 999), "999");
    ck_assert_str_eq(edra_report_fmt_count(buf, sizeof buf, 1000), "1,000");
    ck_assert_str_eq(edra_report_fmt_count(buf, sizeof buf, 1234567), "1,234,567");
    ck_assert_str_eq(edra_report_fmt_count(buf, sizeof buf, UINT64_MAX), "18,446,744,073,709,551,615");
    /* truncated to the buffer, still terminated */
    char small[4];
    ck_assert_str_eq(edra_report_fmt_count(small, sizeof small, 12345), "12,");
}
END_TEST

START_TEST(test_run_edra_report_fmt_num__digits)
{
    char buf[32];
    /* 30 / 988 = 0.0303643724... -> 4 significant digits 0.03036 */
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, 30.0 / 988, 4), "0.03036");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, 1.0 / 11, 4), "0.09091");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, NAN, 4), "n/a");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, INFINITY, 4), "inf");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, -INFINITY, 4), "-inf");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, 0.0, 4), "0");
    ck_assert_str_eq(edra_report_fmt_num(buf, sizeof buf, 11, 4), "11");
}
END_TEST

START_TEST(test_run_edra_report_fmt_levels__names)
{
    report_fixture fx;
    char buf[64], small[8];
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_str_eq(edra_report_fmt_levels(buf, sizeof buf, &fx.ctx, fx.after_levels),
                     "age=2, sex=0, zip=1");
    /* "age=2" fits, ", sex=0" is cut after two characters */
    ck_assert_str_eq(edra_report_fmt_levels(small, sizeof small, &fx.ctx, fx.after_levels), "age=2, ");
    fixture_free(&fx);
}
END_TEST

START_TEST(test_run_edra_report_run_check__valid)
{
    report_fixture fx;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), 0);
    fx.run.after = NULL;
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), 0);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_run_edra_report_run_check__errors)
{
    report_fixture fx;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    fx.run.ctx = NULL;
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report: the run has no context or figures");
    fx.run.ctx = &fx.ctx;
    fx.after.n_qi = 2;
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report: the figures have 2 quasi-identifiers, the data 3");
    fx.after.n_qi = 3;
    fx.run.nodes = NULL;
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report: 24 lattice nodes but no node array");
    fx.run.nodes = fx.nodes;
    fx.run.created_iso = "yesterday";
    ck_assert_int_eq(edra_report_run_check(&fx.run, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "report time \"yesterday\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on");
    ck_assert_int_eq(edra_report_run_check(NULL, &err), EDRA_EUSAGE);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_run_edra_report_final__after_else_before)
{
    report_fixture fx;
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_ptr_eq(edra_report_final(&fx.run), &fx.after);
    fx.run.after = NULL;
    ck_assert_ptr_eq(edra_report_final(&fx.run), &fx.before);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_run_edra_report_shown_level__release)
{
    report_fixture fx;
    ck_assert_int_eq(fixture_build(&fx), 0);
    /* released at age=2, sex=0, zip=1 */
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 0), 2);
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 1), 0);
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 2), 1);
    /* a search that found nothing releases nothing: only the tops (age 3, sex 1, zip 2) */
    fx.run.after = NULL;
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 0), 3);
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 1), 1);
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 2), 2);
    /* an assessment of the data as they stand shows their own values */
    fx.run.searched = 0;
    ck_assert_uint_eq(edra_report_shown_level(&fx.run, 0), 0);
    fixture_free(&fx);
}
END_TEST

static Suite *run_suite(void)
{
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("parse_time");
    tcase_add_test(tc, test_run_edra_report_parse_time__utc);
    tcase_add_test(tc, test_run_edra_report_parse_time__rejects);
    suite_add_tcase(s, tc);
    tc = tcase_create("format");
    tcase_add_test(tc, test_run_edra_report_fmt_count__groups);
    tcase_add_test(tc, test_run_edra_report_fmt_num__digits);
    tcase_add_test(tc, test_run_edra_report_fmt_levels__names);
    suite_add_tcase(s, tc);
    tc = tcase_create("run_check");
    tcase_add_test(tc, test_run_edra_report_run_check__valid);
    tcase_add_test(tc, test_run_edra_report_run_check__errors);
    tcase_add_test(tc, test_run_edra_report_final__after_else_before);
    tcase_add_test(tc, test_run_edra_report_shown_level__release);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(run_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
