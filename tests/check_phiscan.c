/* Tests of analyzer/phiscan: Safe Harbor identifier kinds by column name and by value
 * pattern, and the scan of a source against its spec. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/phiscan.h"

START_TEST(test_phiscan_name__kinds)
{
    const struct {
        const char *name, *kind;
    } cases[] = {
        {"SSN", "a social security number"},
        {"patient_id", "a medical record number"},
        {"MRN", "a medical record number"},
        {"member_id", "a health plan beneficiary number"},
        {"account_number", "an account number"},
        {"license_plate", "a vehicle identifier"},
        {"licence_no", "a certificate or license number"},
        {"device_serial_number", "a device identifier"},
        {"e-mail", "an e-mail address"},
        {"fax", "a fax number"},
        {"home_phone", "a telephone number"},
        {"website", "a web URL"},
        {"ip_address", "an IP address"},
        {"fingerprint", "a biometric identifier"},
        {"photo", "a full-face photograph"},
        {"last_name", "a name"},
        {"Name", "a name"},
        {"street", "an address"},
        {"zip", "a ZIP code"},
        {"postal_code", "a ZIP code"},
        {"birth_date", "a full date"},
        {"DOB", "a full date"},
        {"admission-date", "a full date"},
        {"age", "an age over 89"},
        {"household_id", "another identifying number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *kind = edra_phiscan_name(cases[i].name);
        ck_assert_msg(kind && strcmp(kind, cases[i].kind) == 0, "%s: got %s, expected %s",
                      cases[i].name, kind ? kind : "nothing", cases[i].kind);
    }
    /* Words inside other words are not matches. */
    const char *none[] = {"username", "stage", "wage", "zipper", "update", "sex", "charges",
                          "diagnosis", "occupation", "idle"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        ck_assert_msg(edra_phiscan_name(none[i]) == NULL, "%s matched %s", none[i],
                      edra_phiscan_name(none[i]));
}
END_TEST

START_TEST(test_phiscan_value__patterns)
{
    ck_assert_str_eq(edra_phiscan_value("123-45-6789"), "a social security number");
    ck_assert_str_eq(edra_phiscan_value("(617) 555-0100"), "a telephone number");
    ck_assert_str_eq(edra_phiscan_value("617.555.0100"), "a telephone number");
    ck_assert_str_eq(edra_phiscan_value("anna.torres@example.org"), "an e-mail address");
    ck_assert_str_eq(edra_phiscan_value("https://example.org/p/1"), "a web URL");
    ck_assert_str_eq(edra_phiscan_value("192.168.0.12"), "an IP address");
    ck_assert_str_eq(edra_phiscan_value("1HGCM82633A004352"), "a vehicle identifier");
    ck_assert_str_eq(edra_phiscan_value("02139"), "a ZIP code");
    ck_assert_str_eq(edra_phiscan_value("02139-4307"), "a ZIP code");
    ck_assert_str_eq(edra_phiscan_value("1955-01-05"), "a full date");
    ck_assert_str_eq(edra_phiscan_value("1/5/1955"), "a full date");
    ck_assert_ptr_null(edra_phiscan_value("2024"));
    ck_assert_ptr_null(edra_phiscan_value("26459.01"));
    ck_assert_ptr_null(edra_phiscan_value("Medicare"));
    ck_assert_ptr_null(edra_phiscan_value("123-456"));
}
END_TEST

static char dir[64], csv_path[128];

static void write_csv(const char *text)
{
    snprintf(dir, sizeof dir, "/tmp/edra_phi_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(csv_path, sizeof csv_path, "%s/data.csv", dir);
    FILE *f = fopen(csv_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void remove_csv(void)
{
    unlink(csv_path);
    rmdir(dir);
}

START_TEST(test_phiscan__source)
{
    /* id is an identifier (skipped); contact holds e-mails (by values); zip holds ZIP codes
     * (by values); code has 2 ZIP-like values of 3 (below 90%: nothing); years is named
     * like an age and holds 92 (an age over 89); agegroup holds none above 89 and is named
     * otherwise; home_phone has no phone-like values (by name); w is the weight column. */
    edra_spec spec;
    edra_spec_attr attrs[2];
    char *missing[] = {"", "NA"};
    memset(&spec, 0, sizeof spec);
    memset(attrs, 0, sizeof attrs);
    write_csv("id,contact,zip,code,age,home_phone,w\n"
              "1,a@b.org,02139,12345,45,x,2\n"
              "2,NA,02141,23456,92,y,3\n"
              "3,c@d.com,10001,ABC,30,z,4\n");
    attrs[0] = (edra_spec_attr){.name = "id", .role = EDRA_ROLE_IDENTIFIER};
    attrs[1] = (edra_spec_attr){.name = "zip", .role = EDRA_ROLE_QUASI};
    spec.source = EDRA_SOURCE_CSV;
    spec.data_path = csv_path;
    spec.n_attrs = 2;
    spec.attrs = attrs;
    spec.n_missing = 2;
    spec.missing = missing;
    spec.weight_column = "w";
    edra_phi_finding *found = NULL;
    size_t n = 0;
    ck_assert_int_eq(edra_phiscan(&found, &n, &spec, 100, NULL), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(found[0].column, "contact");
    ck_assert_str_eq(found[0].kind, "an e-mail address");
    ck_assert_int_eq(found[0].by_values, 1);
    ck_assert_str_eq(found[1].column, "zip");
    ck_assert_str_eq(found[1].kind, "a ZIP code");
    ck_assert_int_eq(found[1].by_values, 1);
    ck_assert_str_eq(found[2].column, "age");
    ck_assert_str_eq(found[2].kind, "an age over 89");
    ck_assert_int_eq(found[2].by_values, 1);
    ck_assert_str_eq(found[3].column, "home_phone");
    ck_assert_str_eq(found[3].kind, "a telephone number");
    ck_assert_int_eq(found[3].by_values, 0);
    edra_phiscan_free(found, n);
    /* With only the first row read, age holds no value over 89 (not flagged) and code's one
     * value is five digits (flagged as a ZIP code). */
    ck_assert_int_eq(edra_phiscan(&found, &n, &spec, 1, NULL), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(found[2].column, "code");
    ck_assert_str_eq(found[2].kind, "a ZIP code");
    ck_assert_str_eq(found[3].column, "home_phone");
    edra_phiscan_free(found, n);
    remove_csv();
}
END_TEST

START_TEST(test_phiscan__unreadable_source)
{
    edra_spec spec;
    edra_error err = {0};
    edra_phi_finding *found = NULL;
    size_t n = 7;
    memset(&spec, 0, sizeof spec);
    spec.source = EDRA_SOURCE_CSV;
    spec.data_path = "/nonexistent/edra/data.csv";
    ck_assert_int_eq(edra_phiscan(&found, &n, &spec, 10, &err), EDRA_EIO);
    ck_assert_ptr_null(found);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/edra/data.csv"));
}
END_TEST

static Suite *phiscan_suite(void)
{
    Suite *s = suite_create("phiscan");
    TCase *tc = tcase_create("name");
    tcase_add_test(tc, test_phiscan_name__kinds);
    suite_add_tcase(s, tc);
    tc = tcase_create("value");
    tcase_add_test(tc, test_phiscan_value__patterns);
    suite_add_tcase(s, tc);
    tc = tcase_create("scan");
    tcase_add_test(tc, test_phiscan__source);
    tcase_add_test(tc, test_phiscan__unreadable_source);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(phiscan_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
