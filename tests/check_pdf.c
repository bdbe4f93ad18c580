/* Tests of report/pdf on the hand-built run of tests/report_fixture.h: the text pdftotext
 * reads back (achieved k, average risk, levels, verdicts), the metadata pdfinfo reads, page
 * count and bytes stable across renders, and the error paths. Needs poppler-utils; skips
 * those checks with a SKIP line when pdftotext/pdfinfo are missing. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/pdf.h"
#include "tests/report_fixture.h"

/* fontconfig keeps what it parsed of its configuration for the life of the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

static char tmpdir[64];

static int have_poppler(void)
{
    if (fixture_have("pdftotext") && fixture_have("pdfinfo"))
        return 1;
    printf("SKIP: pdftotext/pdfinfo (poppler-utils) not found\n");
    return 0;
}

/* Squeezes runs of spaces to one and drops them at the start and end of lines: pdftotext
 * -layout pads columns (and spreads monospace words) with spaces. */
static void squeeze(char *text)
{
    char *o = text;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' && (o == text || o[-1] == ' ' || o[-1] == '\n'))
            continue;
        if (*p == '\n' && o > text && o[-1] == ' ')
            o--;
        *o++ = *p;
    }
    *o = '\0';
}

/* Writes the run's report to tmpdir/name and returns what pdftotext -layout reads,
 * squeezed. */
static char *report_text(report_fixture *fx, const char *name, edra_paper paper)
{
    char pdf[128], txt[128];
    edra_error err = {0, ""};
    snprintf(pdf, sizeof pdf, "%s/%s", tmpdir, name);
    snprintf(txt, sizeof txt, "%s/%s.txt", tmpdir, name);
    ck_assert_int_eq(edra_pdf_write(pdf, &fx->run, paper, &err), 0);
    ck_assert_int_eq(fixture_sh("pdftotext -layout '%s' '%s'", pdf, txt), 0);
    char *text = fixture_slurp(txt, NULL);
    ck_assert_ptr_nonnull(text);
    squeeze(text);
    return text;
}

static char *report_info(const char *name)
{
    char pdf[128], txt[128];
    snprintf(pdf, sizeof pdf, "%s/%s", tmpdir, name);
    snprintf(txt, sizeof txt, "%s/%s.info", tmpdir, name);
    ck_assert_int_eq(fixture_sh("pdfinfo -isodates '%s' > '%s'", pdf, txt), 0);
    char *text = fixture_slurp(txt, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* The value after "key:" on its line in pdfinfo's output, trimmed, in buf. */
static const char *info_field(const char *info, const char *key, char *buf, size_t size)
{
    const char *p = strstr(info, key);
    ck_assert_ptr_nonnull(p);
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* The line of text holding needle, in buf. */
static const char *line_with(const char *text, const char *needle, char *buf, size_t size)
{
    const char *p = strstr(text, needle);
    ck_assert_msg(p != NULL, "\"%s\" not in the report", needle);
    while (p > text && p[-1] != '\n')
        p--;
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static void setup(void)
{
    strcpy(tmpdir, "/tmp/edra_check_pdf.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    fixture_rmdir(tmpdir);
}

START_TEST(test_pdf_edra_pdf_write__figures_in_text)
{
    report_fixture fx;
    char line[512];
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    char *text = report_text(&fx, "report.pdf", EDRA_PAPER_A4);
    /* the executive summary: k went from 1 to 11; average risk 398/1000 = 0.398 before and
     * 30/988 = 0.030364 after, printed to 4 significant digits */
    ck_assert_str_eq(line_with(text, "Smallest class (k)", line, sizeof line), "Smallest class (k) 1 11");
    ck_assert_str_eq(line_with(text, "Average prosecutor risk", line, sizeof line),
                     "Average prosecutor risk 0.398 0.03036");
    ck_assert_str_eq(line_with(text, "Records suppressed", line, sizeof line),
                     "Records suppressed 0 (0%) 12 (1.2%)");
    /* the targets table: "k  >= 11  1  11  met" */
    ck_assert_str_eq(line_with(text, "average risk", line, sizeof line),
                     "average risk \u2264 0.05 0.398 0.03036 met");
    ck_assert_ptr_nonnull(strstr(text, "age=2, sex=0, zip=1"));
    ck_assert_ptr_nonnull(strstr(text, "Every target met"));
    ck_assert_ptr_nonnull(strstr(text, "UNSIGNED"));
    ck_assert_ptr_nonnull(strstr(text, "University research group"));
    ck_assert_ptr_nonnull(strstr(text, "A new data element is added to the release."));
    /* hashes in the appendix, the spec verbatim */
    ck_assert_ptr_nonnull(strstr(text, fx.ctx.data_sha256));
    ck_assert_ptr_nonnull(strstr(text, "average_risk: 0.05"));
    /* the hierarchy as applied: age released at level 2, whose 3 groups hold 3, 2 and 1 of
     * the 6 ages; the ages themselves (level 0) and the decades (level 1) are not shown */
    ck_assert_ptr_nonnull(strstr(text, "20-39 (3 values); 40-59 (2 values); 60-79 (1 value)"));
    ck_assert_ptr_nonnull(strstr(text, "20-39 \u2192 *"));
    ck_assert_ptr_nonnull(strstr(text, "finer than the release: not shown"));
    ck_assert_ptr_null(strstr(text, "23 \u2192"));
    ck_assert_ptr_null(strstr(text, "30-39"));
    /* the threshold 0.2 is the precedent of cell size 5 */
    ck_assert_str_eq(line_with(text, "threshold used", line, sizeof line),
                     "0.2 5 the most common minimum cell size in disclosure-control threshold used");
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__metadata_and_pages)
{
    report_fixture fx;
    char buf[256], expect[64];
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    char *text = report_text(&fx, "report.pdf", EDRA_PAPER_A4);
    char *info = report_info("report.pdf");
    ck_assert_str_eq(info_field(info, "Title", buf, sizeof buf), "Expert determination: hospital discharge extract");
    ck_assert_str_eq(info_field(info, "Author", buf, sizeof buf), "Dr. Jane Roe");
    ck_assert_str_eq(info_field(info, "Creator", buf, sizeof buf), "edra 0.1.0");
    ck_assert_str_eq(info_field(info, "CreationDate", buf, sizeof buf), "2024-03-01T12:00:00Z");
    ck_assert_str_eq(info_field(info, "Page size", buf, sizeof buf), "595.276 x 841.89 pts (A4)");
    int pages = atoi(info_field(info, "Pages", buf, sizeof buf));
    ck_assert_int_ge(pages, 8); /* a cover and one page at least per section */
    /* every page after the cover says "Page N of M" with M the real count */
    for (int p = 2; p <= pages; p++) {
        snprintf(expect, sizeof expect, "Page %d of %d", p, pages);
        ck_assert_msg(strstr(text, expect) != NULL, "\"%s\" missing", expect);
    }
    snprintf(expect, sizeof expect, "Page %d of %d", pages + 1, pages);
    ck_assert_ptr_null(strstr(text, expect));
    free(text);
    free(info);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_render__same_bytes)
{
    report_fixture fx;
    unsigned char *a = NULL, *b = NULL, *c = NULL;
    size_t la = 0, lb = 0, lc = 0;
    int pa = 0, pb = 0, pc = 0;
    edra_error err = {0, ""};
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_pdf_render(&a, &la, &pa, &fx.run, EDRA_PAPER_A4, &err), 0);
    ck_assert_int_eq(edra_pdf_render(&b, &lb, &pb, &fx.run, EDRA_PAPER_A4, &err), 0);
    ck_assert_int_eq(pa, pb);
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(memcmp(a, b, la), 0);
    ck_assert_int_eq(memcmp(a, "%PDF-", 5), 0);
    /* another creation time changes the bytes, not the pages */
    fx.run.created_iso = "2024-03-02T08:30:00Z";
    ck_assert_int_eq(edra_pdf_render(&c, &lc, &pc, &fx.run, EDRA_PAPER_A4, &err), 0);
    ck_assert_int_eq(pc, pa);
    ck_assert(lc != la || memcmp(a, c, la) != 0);
    free(a);
    free(b);
    free(c);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__page_count_stable)
{
    report_fixture fx;
    char buf[64];
    edra_error err = {0, ""};
    unsigned char *pdf = NULL;
    size_t len = 0;
    int pages = 0;
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_pdf_render(&pdf, &len, &pages, &fx.run, EDRA_PAPER_LETTER, &err), 0);
    free(pdf);
    char *text = report_text(&fx, "letter.pdf", EDRA_PAPER_LETTER);
    char *info = report_info("letter.pdf");
    ck_assert_int_eq(atoi(info_field(info, "Pages", buf, sizeof buf)), pages);
    ck_assert_str_eq(info_field(info, "Page size", buf, sizeof buf), "612 x 792 pts (letter)");
    free(text);
    free(info);
    text = report_text(&fx, "letter2.pdf", EDRA_PAPER_LETTER);
    info = report_info("letter2.pdf");
    ck_assert_int_eq(atoi(info_field(info, "Pages", buf, sizeof buf)), pages);
    free(text);
    free(info);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__signed)
{
    report_fixture fx;
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    fx.run.signer_fingerprint = "SHA256:4f2a0c9b1e7d3a55e21c0b9f6a8d7e3c2b1a09f8e7d6c5b4a3928170f6e5d4c3";
    char *text = report_text(&fx, "signed.pdf", EDRA_PAPER_A4);
    ck_assert_ptr_nonnull(strstr(text, "Digitally signed."));
    ck_assert_ptr_nonnull(strstr(text, fx.run.signer_fingerprint));
    ck_assert_ptr_null(strstr(text, "UNSIGNED"));
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__targets_not_met)
{
    report_fixture fx;
    char line[512];
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    /* the chosen node misses k: 9 classes of 6 records still below 11 */
    fx.after_results[0].achieved = 6;
    fx.after_results[0].met = 0;
    fx.after_results[0].violating_classes = 9;
    fx.after_results[0].violating_records = 54;
    fx.after.targets_met = 0;
    char *text = report_text(&fx, "unmet.pdf", EDRA_PAPER_A4);
    ck_assert_ptr_nonnull(strstr(text, "This report does not support a"));
    ck_assert_ptr_nonnull(strstr(text, "A target is NOT met"));
    /* the verdict wraps in its cell after "54" */
    ck_assert_str_eq(line_with(text, "k \u2265 11", line, sizeof line), "k \u2265 11 1 6 NOT MET (9 classes, 54");
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__assessment_only)
{
    report_fixture fx;
    char line[512];
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    fx.run.after = NULL;
    fx.run.searched = 0;
    fx.run.n_nodes = 0;
    fx.run.metric_name = NULL;
    char *text = report_text(&fx, "assess.pdf", EDRA_PAPER_A4);
    ck_assert_ptr_nonnull(strstr(text, "by the data as they stand"));
    ck_assert_ptr_nonnull(strstr(text, "No search ran"));
    ck_assert_str_eq(line_with(text, "Smallest class (k)", line, sizeof line), "Smallest class (k) 1");
    ck_assert_ptr_null(strstr(text, "Transformations checked by the search"));
    ck_assert_ptr_null(strstr(text, "Information loss per quasi-identifier"));
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__long_spec_splits)
{
    report_fixture fx;
    char *spec = NULL;
    size_t cap = 400 * 48, used = 0;
    if (!have_poppler())
        return;
    ck_assert_int_eq(fixture_build(&fx), 0);
    /* 400 lines of spec: several pages of monospace text, every line kept */
    spec = malloc(cap);
    for (int i = 0; i < 400; i++)
        used += (size_t)snprintf(spec + used, cap - used, "  # line %03d of the spec\n", i);
    fx.run.spec_text = spec;
    char *text = report_text(&fx, "long.pdf", EDRA_PAPER_A4);
    ck_assert_ptr_nonnull(strstr(text, "# line 000 of the spec"));
    ck_assert_ptr_nonnull(strstr(text, "# line 250 of the spec"));
    ck_assert_ptr_nonnull(strstr(text, "# line 399 of the spec"));
    free(text);
    free(spec);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_pdf_edra_pdf_write__errors)
{
    report_fixture fx;
    edra_error err = {0, ""};
    unsigned char *pdf = (unsigned char *)"x";
    size_t len = 7;
    ck_assert_int_eq(fixture_build(&fx), 0);
    ck_assert_int_eq(edra_pdf_write("/nonexistent-edra-dir/report.pdf", &fx.run, EDRA_PAPER_A4, &err),
                     EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent-edra-dir/report.pdf"));
    fx.run.created_iso = "2024-02-30T00:00:00Z";
    ck_assert_int_eq(edra_pdf_render(&pdf, &len, NULL, &fx.run, EDRA_PAPER_A4, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "report time \"2024-02-30T00:00:00Z\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on");
    ck_assert_ptr_null(pdf);
    ck_assert_uint_eq(len, 0);
    fx.run.created_iso = "2024-03-01T12:00:00Z";
    fx.run.before = NULL;
    ck_assert_int_eq(edra_pdf_write("x.pdf", &fx.run, EDRA_PAPER_A4, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report: the run has no context or figures");
    ck_assert_int_eq(access("x.pdf", F_OK), -1);
    fixture_free(&fx);
}
END_TEST

static Suite *pdf_suite(void)
{
    Suite *s = suite_create("pdf");
    TCase *tc = tcase_create("write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pdf_edra_pdf_write__figures_in_text);
    tcase_add_test(tc, test_pdf_edra_pdf_write__metadata_and_pages);
    tcase_add_test(tc, test_pdf_edra_pdf_write__page_count_stable);
    tcase_add_test(tc, test_pdf_edra_pdf_write__signed);
    tcase_add_test(tc, test_pdf_edra_pdf_write__targets_not_met);
    tcase_add_test(tc, test_pdf_edra_pdf_write__assessment_only);
    tcase_add_test(tc, test_pdf_edra_pdf_write__long_spec_splits);
    tcase_add_test(tc, test_pdf_edra_pdf_write__errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("render");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pdf_edra_pdf_render__same_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pdf_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
