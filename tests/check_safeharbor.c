/* Tests of analyzer/safeharbor: the 17 restricted ZIP areas, the value transforms (dates,
 * ages, ZIP codes), the kinds read from the spec, and the Safe Harbor version of a small
 * dataset with its figures.
 *
 * The dataset (missing marker ""):
 *   id zip    dob         age sex     Safe Harbor (zip, dob, age, sex)
 *   1  02139  1950-03-04  45  F       021 1950 45  F
 *   2  03601  1950-07-09  92  M       000 1950 90+ M    (036 is restricted)
 *   3  02141  1950-03-20  45  F       021 1950 45  F
 *   4  89312  1950-01-20  95  M       000 1950 90+ M    (893 is restricted)
 *   5  10001  1970-06-15  30  F       100 1970 30  F
 *   6         1980-01-01  50  M           1980 50  M    (missing ZIP kept)
 *   7  10002  31/12/1980  50  M       100 *    50  M    (not an ISO date: suppressed)
 * Classes: {1,3} {2,4} {5} {6} {7}: 5 classes of 7 records, 3 sample uniques, average
 * prosecutor risk 5/7. Changed: zip 6 records (all but the missing one), 2 of them to 000;
 * dob 6 (row 7 unreadable); age 2; sex none. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/safeharbor.h"

#define TOL 1e-12

static char dir[64], spec_path[128], csv_path[128];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void make_dataset(const char *spec_text)
{
    snprintf(dir, sizeof dir, "/tmp/edra_sh_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(csv_path, sizeof csv_path, "%s/people.csv", dir);
    snprintf(spec_path, sizeof spec_path, "%s/spec.yaml", dir);
    write_file(csv_path, "id,zip,dob,age,sex,visit\n"
                         "1,02139,1950-03-04,45,F,2024-01-01\n"
                         "2,03601,1950-07-09,92,M,2024-01-01\n"
                         "3,02141,1950-03-20,45,F,2024-01-01\n"
                         "4,89312,1950-01-20,95,M,2024-01-01\n"
                         "5,10001,1970-06-15,30,F,2024-01-01\n"
                         "6,,1980-01-01,50,M,2024-01-01\n"
                         "7,10002,31/12/1980,50,M,2024-01-01\n");
    write_file(spec_path, spec_text);
}

static void remove_dataset(void)
{
    unlink(csv_path);
    unlink(spec_path);
    rmdir(dir);
}

static const char *const base_spec =
    "data: {csv: people.csv}\n"
    "attributes:\n"
    "  id: {role: identifier}\n"
    "  zip: {role: quasi}\n"
    "  dob: {role: quasi, type: date}\n"
    "  age: {role: quasi, type: integer}\n"
    "  sex: {role: quasi}\n"
    "  visit: {role: insensitive, type: date}\n";

START_TEST(test_safeharbor_zip_restricted__the_17)
{
    const char *restricted[] = {"036", "059", "063", "102", "203", "556", "692", "790", "821",
                                "823", "830", "831", "878", "879", "884", "890", "893"};
    for (size_t i = 0; i < 17; i++)
        ck_assert_int_eq(edra_safeharbor_zip_restricted(restricted[i]), 1);
    /* Neighbours of restricted areas and common ones are not. */
    const char *open[] = {"035", "037", "021", "100", "894", "000", "891", "822"};
    for (size_t i = 0; i < 8; i++)
        ck_assert_int_eq(edra_safeharbor_zip_restricted(open[i]), 0);
    ck_assert_int_eq(edra_safeharbor_zip_restricted("03601"), 1);
}
END_TEST

START_TEST(test_safeharbor_value__dates)
{
    char buf[32];
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_DATE, "2024-12-01", NULL), 1);
    ck_assert_str_eq(buf, "2024");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_DATE, "05/01/1955", "%d/%m/%Y"), 1);
    ck_assert_str_eq(buf, "1955");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_DATE, "31/12/1980", NULL), -1);
    ck_assert_str_eq(buf, "*");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_DATE, "2024-12-01x", NULL), -1);
}
END_TEST

START_TEST(test_safeharbor_value__ages)
{
    char buf[32];
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_AGE, "90", NULL), 1);
    ck_assert_str_eq(buf, "90+");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_AGE, "104", NULL), 1);
    ck_assert_str_eq(buf, "90+");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_AGE, "89.5", NULL), 1);
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_AGE, "89", NULL), 0);
    ck_assert_str_eq(buf, "89");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_AGE, "unknown", NULL), 0);
    ck_assert_str_eq(buf, "unknown");
}
END_TEST

START_TEST(test_safeharbor_value__zips)
{
    char buf[32];
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "02139", NULL), 1);
    ck_assert_str_eq(buf, "021");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "02139-4307", NULL), 1);
    ck_assert_str_eq(buf, "021");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "03601", NULL), 1);
    ck_assert_str_eq(buf, "000");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "893", NULL), 1);
    ck_assert_str_eq(buf, "000");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "AB123", NULL), 1);
    ck_assert_str_eq(buf, "000");
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_ZIP, "021", NULL), 0);
    ck_assert_int_eq(edra_safeharbor_value(buf, sizeof buf, EDRA_SH_KEEP, "F", NULL), 0);
    ck_assert_str_eq(buf, "F");
}
END_TEST

START_TEST(test_safeharbor_kind__from_spec)
{
    edra_spec_attr a;
    memset(&a, 0, sizeof a);
    a.role = EDRA_ROLE_QUASI;
    const struct {
        const char *name;
        edra_attr_type type;
        int flag;
        edra_sh_kind want;
    } cases[] = {
        {"admitted", EDRA_TYPE_DATE, 0, EDRA_SH_DATE},
        {"age", EDRA_TYPE_INTEGER, 0, EDRA_SH_AGE},
        {"patient_age", EDRA_TYPE_DECIMAL, 0, EDRA_SH_AGE},
        {"Age-Years", EDRA_TYPE_INTEGER, 0, EDRA_SH_AGE},
        {"stage", EDRA_TYPE_INTEGER, 0, EDRA_SH_KEEP},
        {"age", EDRA_TYPE_STRING, 0, EDRA_SH_KEEP},
        {"age", EDRA_TYPE_STRING, 3, EDRA_SH_AGE},   /* safe_harbor: age */
        {"zip", EDRA_TYPE_STRING, 0, EDRA_SH_ZIP},
        {"home_zipcode", EDRA_TYPE_STRING, 0, EDRA_SH_ZIP},
        {"postal_code", EDRA_TYPE_STRING, 0, EDRA_SH_ZIP},
        {"zipper", EDRA_TYPE_STRING, 0, EDRA_SH_KEEP},
        {"admitted", EDRA_TYPE_DATE, 1, EDRA_SH_KEEP},  /* safe_harbor: none */
        {"region", EDRA_TYPE_STRING, 4, EDRA_SH_ZIP},   /* safe_harbor: zip */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        a.name = (char *)cases[i].name;
        a.type = cases[i].type;
        a.safe_harbor = cases[i].flag;
        ck_assert_msg(edra_safeharbor_kind(&a) == cases[i].want, "case %zu (%s)", i, cases[i].name);
    }
    ck_assert_str_eq(edra_safeharbor_kind_name(EDRA_SH_ZIP), "ZIP code");
    ck_assert_str_eq(edra_safeharbor_kind_name(EDRA_SH_KEEP), "kept");
}
END_TEST

START_TEST(test_safeharbor_build__dataset)
{
    edra_pipeline *p = NULL;
    edra_safeharbor *sh = NULL;
    edra_error err = {0};
    make_dataset(base_spec);
    ck_assert_msg(edra_pipeline_open(&p, spec_path, &err) == 0, "%s", err.msg);
    ck_assert_msg(edra_safeharbor_build(&sh, p, &err) == 0, "%s", err.msg);
    /* QIs in spec order: zip, dob, age, sex. */
    ck_assert_int_eq(edra_safeharbor_qi_kind(sh, 0), EDRA_SH_ZIP);
    ck_assert_int_eq(edra_safeharbor_qi_kind(sh, 1), EDRA_SH_DATE);
    ck_assert_int_eq(edra_safeharbor_qi_kind(sh, 2), EDRA_SH_AGE);
    ck_assert_int_eq(edra_safeharbor_qi_kind(sh, 3), EDRA_SH_KEEP);
    ck_assert_uint_eq(edra_safeharbor_qi_changed(sh, 0), 6);
    ck_assert_uint_eq(edra_safeharbor_qi_restricted(sh, 0), 2);
    ck_assert_uint_eq(edra_safeharbor_qi_changed(sh, 1), 6);
    ck_assert_uint_eq(edra_safeharbor_qi_unreadable(sh, 1), 1);
    ck_assert_uint_eq(edra_safeharbor_qi_changed(sh, 2), 2);
    ck_assert_uint_eq(edra_safeharbor_qi_changed(sh, 3), 0);
    const uint8_t *levels = edra_safeharbor_levels(sh);
    ck_assert_uint_eq(levels[0], 1);
    ck_assert_uint_eq(levels[3], 0);
    /* The labels of the Safe Harbor values. */
    const edra_microdata *md = edra_safeharbor_microdata(sh);
    int64_t leaf = edra_hierarchy_find(md->qi_hier[0], "89312");
    ck_assert_int_ge(leaf, 0);
    ck_assert_str_eq(edra_hierarchy_label(md->qi_hier[0], 1,
                                          edra_hierarchy_code(md->qi_hier[0], 1, leaf)), "000");
    leaf = edra_hierarchy_find(md->qi_hier[0], "");
    ck_assert_str_eq(edra_hierarchy_label(md->qi_hier[0], 1,
                                          edra_hierarchy_code(md->qi_hier[0], 1, leaf)), "");
    leaf = edra_hierarchy_find(md->qi_hier[2], "92");
    ck_assert_str_eq(edra_hierarchy_label(md->qi_hier[2], 1,
                                          edra_hierarchy_code(md->qi_hier[2], 1, leaf)), "90+");
    /* visit is an insensitive date: not in the figures, to be treated in a release. */
    const char *names[4];
    ck_assert_uint_eq(edra_safeharbor_untreated(sh, names, 4), 1);
    ck_assert_str_eq(names[0], "visit");
    edra_safeharbor_free(sh);
    edra_pipeline_free(p);
    remove_dataset();
}
END_TEST

START_TEST(test_safeharbor_assess__figures)
{
    edra_pipeline *p = NULL;
    edra_safeharbor *sh = NULL;
    edra_figures f;
    edra_error err = {0};
    make_dataset(base_spec);
    ck_assert_msg(edra_pipeline_open(&p, spec_path, &err) == 0, "%s", err.msg);
    ck_assert_msg(edra_safeharbor_build(&sh, p, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(edra_safeharbor_assess(sh, 0, &f, &err), 0);
    ck_assert_uint_eq(f.records, 7);
    ck_assert_uint_eq(f.prosecutor.classes, 5);
    ck_assert_uint_eq(f.prosecutor.sample_uniques, 3);
    ck_assert_double_eq_tol(f.prosecutor.average, 5.0 / 7.0, TOL);
    ck_assert_uint_eq(f.levels[0], 1);
    /* No weights: the global risk is classes / records as well. */
    ck_assert_double_eq_tol(f.individual.global, 5.0 / 7.0, TOL);
    edra_figures_clear(&f);
    /* The original data: all 7 records unique. */
    ck_assert_int_eq(edra_pipeline_assess(p, p->spec_levels, 0, &f, &err), 0);
    ck_assert_uint_eq(f.prosecutor.classes, 7);
    edra_figures_clear(&f);
    edra_safeharbor_free(sh);
    edra_pipeline_free(p);
    remove_dataset();
}
END_TEST

START_TEST(test_safeharbor_build__override_none)
{
    /* safe_harbor: none on the ZIP column keeps it: classes are then the 7 records minus
     * none merged on (zip, year, age, sex) = 7, since every ZIP differs. */
    edra_pipeline *p = NULL;
    edra_safeharbor *sh = NULL;
    edra_figures f;
    edra_error err = {0};
    make_dataset("data: {csv: people.csv}\n"
                 "attributes:\n"
                 "  id: {role: identifier}\n"
                 "  zip: {role: quasi, safe_harbor: none}\n"
                 "  dob: {role: quasi, type: date}\n"
                 "  age: {role: quasi, type: integer}\n"
                 "  sex: {role: quasi}\n");
    ck_assert_msg(edra_pipeline_open(&p, spec_path, &err) == 0, "%s", err.msg);
    ck_assert_msg(edra_safeharbor_build(&sh, p, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(edra_safeharbor_qi_kind(sh, 0), EDRA_SH_KEEP);
    ck_assert_int_eq(edra_safeharbor_assess(sh, 0, &f, &err), 0);
    ck_assert_uint_eq(f.prosecutor.classes, 7);
    edra_figures_clear(&f);
    edra_safeharbor_free(sh);
    edra_pipeline_free(p);
    remove_dataset();
}
END_TEST

static Suite *safeharbor_suite(void)
{
    Suite *s = suite_create("safeharbor");
    TCase *tc = tcase_create("zip_restricted");
    tcase_add_test(tc, test_safeharbor_zip_restricted__the_17);
    suite_add_tcase(s, tc);
    tc = tcase_create("value");
    tcase_add_test(tc, test_safeharbor_value__dates);
    tcase_add_test(tc, test_safeharbor_value__ages);
    tcase_add_test(tc, test_safeharbor_value__zips);
    suite_add_tcase(s, tc);
    tc = tcase_create("kind");
    tcase_add_test(tc, test_safeharbor_kind__from_spec);
    suite_add_tcase(s, tc);
    tc = tcase_create("build");
    tcase_add_test(tc, test_safeharbor_build__dataset);
    tcase_add_test(tc, test_safeharbor_build__override_none);
    suite_add_tcase(s, tc);
    tc = tcase_create("assess");
    tcase_add_test(tc, test_safeharbor_assess__figures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(safeharbor_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
