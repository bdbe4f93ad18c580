/* Tests of report/xlsx on the hand-built run of tests/report_fixture.h: the workbook's
 * sheets, figures as numbers, the chart, the creation time, same bytes twice, no temporary
 * file left behind, and the error paths. Reads the package with unzip (skips without it). */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/xlsx.h"
#include "tests/report_fixture.h"

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/edra_check_xlsx.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    fixture_rmdir(tmpdir);
}

static int have_unzip(void)
{
    if (fixture_have("unzip"))
        return 1;
    printf("SKIP: unzip not found\n");
    return 0;
}

/* The member of the workbook at tmpdir/name, as text. */
static char *member(const char *name, const char *part)
{
    char book[128], out[160];
    snprintf(book, sizeof book, "%s/%s", tmpdir, name);
    snprintf(out, sizeof out, "%s/part.xml", tmpdir);
    ck_assert_int_eq(fixture_sh("unzip -p '%s' '%s' > '%s'", book, part, out), 0);
    char *text = fixture_slurp(out, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

static void write_book(report_fixture *fx, const char *name)
{
    char path[128];
    edra_error err = {0, ""};
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    ck_assert_int_eq(edra_xlsx_write(path, &fx->run, &err), 0);
}

START_TEST(test_xlsx_edra_xlsx_write__sheets)
{
    static const char *sheets[8] = {"Summary", "Attributes", "Classes", "Risk distribution",
                                    "Models per SA", "Lattice", "Hierarchies", "Run"};
    report_fixture fx;
    char want[96];
    if (!have_unzip())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    write_book(&fx, "report.xlsx");
    char *wb = member("report.xlsx", "xl/workbook.xml");
    const char *prev = wb;
    for (int i = 0; i < 8; i++) {
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%d\"", sheets[i], i + 1);
        const char *at = strstr(wb, want);
        ck_assert_msg(at != NULL, "%s missing", want);
        ck_assert(at >= prev); /* in this order */
        prev = at;
    }
    /* the Lattice sheet filters its 24 node rows under a header: A1 to I25 (3 QIs + 6) */
    ck_assert_ptr_nonnull(strstr(wb, "Lattice!$A$1:$I$25"));
    free(wb);
    char *core = member("report.xlsx", "docProps/core.xml");
    ck_assert_ptr_nonnull(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-03-01T12:00:00Z</dcterms:created>"));
    ck_assert_ptr_nonnull(strstr(core, "<dc:creator>Dr. Jane Roe</dc:creator>"));
    free(core);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_xlsx_edra_xlsx_write__figures_are_numbers)
{
    report_fixture fx;
    if (!have_unzip())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    write_book(&fx, "report.xlsx");
    /* Risk distribution, bucket (0.001, 0.01] (index 4, row 6 under the header): as they
     * stand the classes of 120 and 150 records (risk 0.0083, 0.0067) -> 270 records; after,
     * 2 classes of 100 (risk 0.01, on the edge) and one of 150 -> 200 + 150 = 350. */
    char *risk = member("report.xlsx", "xl/worksheets/sheet4.xml");
    ck_assert_ptr_nonnull(strstr(risk, "<c r=\"C6\" s=\"5\"><v>270</v></c>"));
    ck_assert_ptr_nonnull(strstr(risk, "<c r=\"E6\" s=\"5\"><v>350</v></c>"));
    /* 350 / 988 as a share, a number with the percent format */
    ck_assert_ptr_nonnull(strstr(risk, "<c r=\"F6\" s=\"7\"><v>0.354251012145749"));
    /* the bucket (0.5, 1]: 250 records of 1,000 as they stand */
    ck_assert_ptr_nonnull(strstr(risk, "<c r=\"C23\" s=\"5\"><v>250</v></c>"));
    ck_assert_ptr_nonnull(strstr(risk, "<drawing r:id=\"rId1\"/>"));
    free(risk);
    /* Classes: sizes 1, 2, 3, 4, 5, 10 as they stand fill rows 2-7; size 11 (row 8) has
     * none of those and 8 classes of 88 records after */
    char *classes = member("report.xlsx", "xl/worksheets/sheet3.xml");
    ck_assert_ptr_nonnull(strstr(classes, "<c r=\"A8\" s=\"5\"><v>11</v></c><c r=\"B8\" s=\"5\"><v>0</v></c>"));
    ck_assert_ptr_nonnull(strstr(classes, "<c r=\"D8\" s=\"5\"><v>8</v></c><c r=\"E8\" s=\"5\"><v>88</v></c>"));
    free(classes);
    /* the native chart draws the share columns */
    char *chart = member("report.xlsx", "xl/charts/chart1.xml");
    ck_assert_ptr_nonnull(strstr(chart, "'Risk distribution'!$D$2:$D$23"));
    ck_assert_ptr_nonnull(strstr(chart, "'Risk distribution'!$F$2:$F$23"));
    free(chart);
    char *strings = member("report.xlsx", "xl/sharedStrings.xml");
    ck_assert_ptr_nonnull(strstr(strings, "<t>age=2, sex=0, zip=1</t>"));
    ck_assert_ptr_nonnull(strstr(strings, "<t>chosen</t>"));
    ck_assert_ptr_nonnull(strstr(strings, "<t>Records, as they stand</t>"));
    ck_assert_ptr_nonnull(strstr(strings, "<t>UNSIGNED</t>"));
    /* Hierarchies lists age from its released level 2 up: 20-39 -> *, never a decade or
     * an age of level 0 or 1 */
    ck_assert_ptr_nonnull(strstr(strings, "<t>20-39</t>"));
    ck_assert_ptr_null(strstr(strings, "<t>30-39</t>"));
    ck_assert_ptr_null(strstr(strings, "<t>37</t>"));
    ck_assert_ptr_null(strstr(strings, "<t>02139</t>"));
    ck_assert_ptr_nonnull(strstr(strings, "<t>0213*</t>"));
    free(strings);
    /* Summary freezes its title row */
    char *summary = member("report.xlsx", "xl/worksheets/sheet1.xml");
    ck_assert_ptr_nonnull(strstr(summary, "state=\"frozen\""));
    free(summary);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_xlsx_edra_xlsx_write__same_bytes_no_temp)
{
    report_fixture fx;
    char a[128], b[128];
    size_t la = 0, lb = 0, entries = 0;
    ck_assert_int_eq(fixture_build(&fx), 0);
    write_book(&fx, "a.xlsx");
    write_book(&fx, "b.xlsx");
    snprintf(a, sizeof a, "%s/a.xlsx", tmpdir);
    snprintf(b, sizeof b, "%s/b.xlsx", tmpdir);
    char *da = fixture_slurp(a, &la), *db = fixture_slurp(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(memcmp(da, db, la), 0);
    ck_assert_int_eq(memcmp(da, "PK", 2), 0);
    free(da);
    free(db);
    DIR *dir = opendir(tmpdir);
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        if (e->d_name[0] != '.')
            entries++;
    closedir(dir);
    ck_assert_uint_eq(entries, 2); /* a.xlsx and b.xlsx, no temporary */
    fixture_free(&fx);
}
END_TEST

START_TEST(test_xlsx_edra_xlsx_write__assessment_only)
{
    report_fixture fx;
    if (!have_unzip())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    fx.run.after = NULL;
    fx.run.n_nodes = 0;
    fx.run.searched = 0;
    write_book(&fx, "assess.xlsx");
    char *strings = member("assess.xlsx", "xl/sharedStrings.xml");
    ck_assert_ptr_nonnull(strstr(strings, "<t>No search ran.</t>"));
    ck_assert_ptr_null(strstr(strings, "<t>Records, chosen</t>"));
    free(strings);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_xlsx_edra_xlsx_write__errors)
{
    report_fixture fx;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_xlsx_write("/nonexistent-edra-dir/report.xlsx", &fx.run, &err), EDRA_EIO);
    ck_assert_str_eq(err.msg, "/nonexistent-edra-dir/report.xlsx: No such file or directory");
    fx.run.created_iso = "2024-03-01 25:00:00";
    ck_assert_int_eq(edra_xlsx_write("x.xlsx", &fx.run, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "report time \"2024-03-01 25:00:00\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on");
    ck_assert_int_eq(access("x.xlsx", F_OK), -1);
    fx.run.created_iso = "2024-03-01T12:00:00Z";
    fx.run.ctx = NULL;
    ck_assert_int_eq(edra_xlsx_write("x.xlsx", &fx.run, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report: the run has no context or figures");
    fixture_free(&fx);
}
END_TEST

static Suite *xlsx_suite(void)
{
    Suite *s = suite_create("xlsx");
    TCase *tc = tcase_create("write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_xlsx_edra_xlsx_write__sheets);
    tcase_add_test(tc, test_xlsx_edra_xlsx_write__figures_are_numbers);
    tcase_add_test(tc, test_xlsx_edra_xlsx_write__same_bytes_no_temp);
    tcase_add_test(tc, test_xlsx_edra_xlsx_write__assessment_only);
    tcase_add_test(tc, test_xlsx_edra_xlsx_write__errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xlsx_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
