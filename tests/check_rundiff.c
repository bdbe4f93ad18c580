/* Tests of analyzer/rundiff: unified diffs byte for byte as GNU diff -u writes them (each
 * expected text below is `diff -u --label A --label B` of the two inputs), the comparison of
 * two recorded runs (k 5 -> 10, the risks, a target, the transformation, spec and data), the
 * report's paragraph, and the exact comparison `edra rerun` makes. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyzer/rundiff.h"
#include "metrics/error.h"

static void expect_diff(const char *a, const char *b, const char *want)
{
    edra_error err = {0};
    char *got = NULL;
    ck_assert_int_eq(edra_rundiff_text(&got, a, b, "A", "B", &err), 0);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_rundiff_text__equal_is_empty)
{
    expect_diff("a\nb\n", "a\nb\n", "");
    expect_diff("", "", "");
}
END_TEST

START_TEST(test_rundiff_text__one_line_changed)
{
    expect_diff("a\nb\nc\n", "a\nB\nc\n", "--- A\n+++ B\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
}
END_TEST

/* seq 1 20 with 2 and 18 replaced: 15 unchanged lines between, more than 2 x 3 of context,
 * so two hunks; with 2 and 9 replaced, 6 between: one hunk. */
static char *numbers(const char *two, int other, const char *other_text)
{
    static char buf[256];
    size_t at = 0;
    for (int i = 1; i <= 20; i++) {
        if (i == 2)
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s\n", two);
        else if (i == other)
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s\n", other_text);
        else
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%d\n", i);
    }
    return buf;
}

START_TEST(test_rundiff_text__hunks_split_and_merged)
{
    char a[256];
    snprintf(a, sizeof a, "%s", numbers("2", 0, NULL));
    expect_diff(a, numbers("two", 18, "eighteen"),
                "--- A\n+++ B\n"
                "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
                "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
    expect_diff(a, numbers("two", 9, "nine"),
                "--- A\n+++ B\n"
                "@@ -1,12 +1,12 @@\n 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+nine\n 10\n 11\n 12\n");
}
END_TEST

START_TEST(test_rundiff_text__empty_ranges_and_missing_newline)
{
    expect_diff("", "x\n", "--- A\n+++ B\n@@ -0,0 +1 @@\n+x\n");
    expect_diff("k: 5\n", "k: 5",
                "--- A\n+++ B\n@@ -1 +1 @@\n-k: 5\n+k: 5\n\\ No newline at end of file\n");
    expect_diff("a\nb\n", "b\nc\n", "--- A\n+++ B\n@@ -1,2 +1,2 @@\n-a\n b\n+c\n");
}
END_TEST

/* Random texts against GNU diff itself, when it is installed: the hunks must have the same
 * ranges and the same lines removed and added (the order of a removal and an addition that
 * tie may differ, so each hunk's lines are compared as sorted multisets, not raw). */
START_TEST(test_rundiff_text__agrees_with_gnu_diff)
{
    if (system("command -v diff >/dev/null 2>&1") != 0)
        return;
    char dir[] = "/tmp/edra_check_rundiff_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    srand(7);
    for (int trial = 0; trial < 40; trial++) {
        char a[2048] = "", b[2048] = "";
        int n = 5 + rand() % 25;
        for (int i = 0; i < n; i++) {
            char line[16];
            snprintf(line, sizeof line, "l%d\n", rand() % 8);
            strcat(a, line);
            int r = rand() % 6;
            if (r == 0)
                continue; /* dropped */
            if (r == 1)
                snprintf(line, sizeof line, "n%d\n", rand() % 8);
            strcat(b, line);
            if (r == 2)
                strcat(b, "added\n");
        }
        char pa[64], pb[64], cmd[512];
        snprintf(pa, sizeof pa, "%s/a", dir);
        snprintf(pb, sizeof pb, "%s/b", dir);
        FILE *f = fopen(pa, "w");
        fputs(a, f);
        fclose(f);
        f = fopen(pb, "w");
        fputs(b, f);
        fclose(f);
        /* hunk headers and the count of each kind of line */
        snprintf(cmd, sizeof cmd, "diff -u --label A --label B %s %s | grep '^@@' ; "
                                  "diff -u --label A --label B %s %s | grep -c '^[-+][^-+]'",
                 pa, pb, pa, pb);
        FILE *p = popen(cmd, "r");
        char want[4096] = "";
        size_t len = fread(want, 1, sizeof want - 1, p);
        want[len] = '\0';
        pclose(p);
        edra_error err = {0};
        char *got = NULL;
        ck_assert_int_eq(edra_rundiff_text(&got, a, b, "A", "B", &err), 0);
        char mine[4096] = "";
        size_t changes = 0;
        for (char *line = got; line && *line;) {
            char *nl = strchr(line, '\n');
            size_t l = nl ? (size_t)(nl - line) + 1 : strlen(line);
            if (strncmp(line, "@@", 2) == 0)
                strncat(mine, line, l);
            else if ((line[0] == '-' || line[0] == '+') && line[1] != '-' && line[1] != '+')
                changes++;
            line += l;
        }
        snprintf(mine + strlen(mine), sizeof mine - strlen(mine), "%zu\n", changes);
        ck_assert_msg(strcmp(mine, want) == 0, "trial %d:\n%s---\n%s\nours:\n%s", trial, a, b, got);
        free(got);
    }
    char cmd_cleanup[96];
    snprintf(cmd_cleanup, sizeof cmd_cleanup, "rm -rf '%s'", dir);
    if (system(cmd_cleanup) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}
END_TEST

/* ---- runs ---- */

static json_t *doc(int k, double average, double marketer, int age_level, double k_target, int met)
{
    json_t *d = json_pack(
        "{s:{s:i, s:i, s:i, s:{s:f, s:f}, s:f, s:{s:{s:f, s:n}},"
        " s:[{s:s, s:f, s:f, s:b}], s:{s:{s:i, s:i}, s:{s:i, s:i}}}, s:{s:f}, s:b}",
        "figures", "records", 1000, "k", k, "suppressed", 0, "prosecutor", "average", average,
        "highest", 1.0 / k, "marketer", marketer, "sensitive", "diagnosis", "l_distinct", 3.0,
        "t_ordered", "targets", "name", "k-anonymity", "target", k_target, "achieved", (double)k,
        "met", met, "transformation", "age", "level", age_level, "top", 3, "zip", "level", 2, "top",
        5, "search", "loss", 0.25, "targets_met", met);
    ck_assert_ptr_nonnull(d);
    return d;
}

static edra_history_run run(const char *id, const char *spec_sha, const char *spec_text,
                            const char *data_sha, uint64_t rows, json_t *figures)
{
    edra_history_run r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.command = "run";
    r.started = "2024-05-01T12:00:00.000Z";
    r.created = "2024-05-01T12:00:00Z";
    r.user = "tester";
    r.spec_path = "s.yaml";
    r.spec_sha256 = spec_sha;
    r.spec_text = spec_text;
    r.data_sha256 = data_sha;
    r.rows = rows;
    r.columns = 5;
    r.figures = figures;
    return r;
}

static const json_t *find(const json_t *list, const char *key, const char *name)
{
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e)
        if (strcmp(json_string_value(json_object_get(e, key)), name) == 0)
            return e;
    ck_abort_msg("%s not listed", name);
    return NULL;
}

#define DATA_SHA "fc38e4f4df610b6115b0fdd5cad132202a0b492afa2c163553fb801752e43294"
#define DATA_SHA2 "ab38e4f4df610b6115b0fdd5cad132202a0b492afa2c163553fb801752e43294"

START_TEST(test_rundiff_runs__k_raised)
{
    edra_error err = {0};
    json_t *d = NULL;
    /* A: k 5 target 5, age at level 1; B: k 10 target 10, age at level 2, lower risks */
    edra_history_run a = run("ED-A", "s1", "targets:\n  k: 5\n", DATA_SHA, 1000, doc(5, 0.1, 0.1, 1, 5, 1));
    edra_history_run b = run("ED-B", "s2", "targets:\n  k: 10\n", DATA_SHA, 1000, doc(10, 0.05, 0.05, 2, 10, 1));
    ck_assert_int_eq(edra_rundiff_runs(&d, &a, &b, &err), 0);

    const json_t *spec = json_object_get(d, "spec");
    ck_assert(json_is_false(json_object_get(spec, "same")));
    ck_assert_str_eq(json_string_value(json_object_get(spec, "unified_diff")),
                     "--- s.yaml (ED-A)\n+++ s.yaml (ED-B)\n@@ -1,2 +1,2 @@\n targets:\n-  k: 5\n+  k: 10\n");
    const json_t *data = json_object_get(d, "data");
    ck_assert(json_is_true(json_object_get(data, "same")));
    ck_assert_int_eq(json_integer_value(json_object_get(data, "rows_change")), 0);

    const json_t *t = find(json_object_get(d, "targets"), "name", "k-anonymity");
    ck_assert_str_eq(json_string_value(json_object_get(t, "status")), "changed");
    ck_assert(json_is_false(json_object_get(t, "met_changed")));
    ck_assert_double_eq(json_real_value(json_object_get(t, "target_a")), 5);
    ck_assert_double_eq(json_real_value(json_object_get(t, "target_b")), 10);

    const json_t *figs = json_object_get(d, "figures");
    const json_t *k = find(figs, "name", "k");
    ck_assert_int_eq(json_integer_value(json_object_get(k, "a")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(k, "b")), 10);
    ck_assert_str_eq(json_string_value(json_object_get(k, "direction")), "up");
    ck_assert_str_eq(json_string_value(json_object_get(k, "judgement")), "better");
    const json_t *avg = find(figs, "name", "prosecutor risk (average)");
    ck_assert_str_eq(json_string_value(json_object_get(avg, "direction")), "down");
    ck_assert_str_eq(json_string_value(json_object_get(avg, "judgement")), "better");
    const json_t *records = find(figs, "name", "records");
    ck_assert_str_eq(json_string_value(json_object_get(records, "direction")), "same");
    ck_assert_str_eq(json_string_value(json_object_get(records, "judgement")), "");
    const json_t *l = find(figs, "name", "l (distinct) on diagnosis");
    ck_assert_str_eq(json_string_value(json_object_get(l, "direction")), "same");
    /* t (ordered) is null on both sides: not applicable, not listed */
    size_t i;
    const json_t *e;
    json_array_foreach(figs, i, e)
        ck_assert_str_ne(json_string_value(json_object_get(e, "name")), "t (ordered) on diagnosis");

    const json_t *age = find(json_object_get(d, "transformation"), "qi", "age");
    ck_assert_str_eq(json_string_value(json_object_get(age, "direction")), "up");
    const json_t *zip = find(json_object_get(d, "transformation"), "qi", "zip");
    ck_assert_str_eq(json_string_value(json_object_get(zip, "direction")), "same");
    ck_assert(json_is_true(json_object_get(json_object_get(d, "verdict"), "same")));
    ck_assert(json_is_false(json_object_get(d, "identical_figures")));

    char *text = NULL;
    ck_assert_int_eq(edra_rundiff_summary(&text, d, &err), 0);
    ck_assert_str_eq(text,
                     "Previous run on the same spec or data: ED-A (edra run, dated 2024-05-01 12:00:00 UTC).\n"
                     "Spec: changed (1 line removed, 1 added).\n"
                     "Data: unchanged (same SHA-256, 1000 rows).\n"
                     "Targets: k-anonymity 5 (met) then 10 (met).\n"
                     "Figures: k 5 then 10 (better); prosecutor risk (highest) 0.2 then 0.1 (better); "
                     "prosecutor risk (average) 0.1 then 0.05 (better); marketer risk 0.1 then 0.05 (better).\n"
                     "Transformation: age 1 then 2.\n"
                     "Verdict: every target met, as before.");
    free(text);
    json_decref(d);
    json_decref(a.figures);
    json_decref(b.figures);
}
END_TEST

START_TEST(test_rundiff_runs__same_run_and_changed_data)
{
    edra_error err = {0};
    json_t *d = NULL;
    edra_history_run a = run("ED-A", "s1", "x\n", DATA_SHA, 1000, doc(5, 0.1, 0.1, 1, 5, 1));
    edra_history_run b = run("ED-B", "s1", "x\n", DATA_SHA, 1000, doc(5, 0.1, 0.1, 1, 5, 1));
    ck_assert_int_eq(edra_rundiff_runs(&d, &a, &b, &err), 0);
    ck_assert(json_is_true(json_object_get(d, "identical_figures")));
    ck_assert_ptr_null(json_object_get(json_object_get(d, "spec"), "unified_diff"));
    char *text = NULL;
    ck_assert_int_eq(edra_rundiff_summary(&text, d, &err), 0);
    ck_assert_ptr_nonnull(strstr(text, "Spec: unchanged.\nData: unchanged (same SHA-256, 1000 rows).\n"
                                       "Targets: unchanged.\nFigures: every headline figure identical.\n"
                                       "Transformation: unchanged.\n"));
    free(text);
    json_decref(d);

    /* a new extract: other hash, 40 rows fewer, the target now missed */
    json_decref(b.figures);
    b = run("ED-B", "s1", "x\n", DATA_SHA2, 960, doc(4, 0.1, 0.1, 1, 5, 0));
    ck_assert_int_eq(edra_rundiff_runs(&d, &a, &b, &err), 0);
    const json_t *data = json_object_get(d, "data");
    ck_assert(json_is_false(json_object_get(data, "same")));
    ck_assert_int_eq(json_integer_value(json_object_get(data, "rows_change")), -40);
    const json_t *k = find(json_object_get(d, "figures"), "name", "k");
    ck_assert_str_eq(json_string_value(json_object_get(k, "judgement")), "worse");
    /* the target itself (5) did not change; whether it is met did */
    const json_t *t = find(json_object_get(d, "targets"), "name", "k-anonymity");
    ck_assert_str_eq(json_string_value(json_object_get(t, "status")), "same");
    ck_assert(json_is_true(json_object_get(t, "met_changed")));
    ck_assert(json_is_false(json_object_get(json_object_get(d, "verdict"), "same")));
    ck_assert_int_eq(edra_rundiff_summary(&text, d, &err), 0);
    ck_assert_ptr_nonnull(strstr(text, "Data: changed (SHA-256 fc38e4f4df61... then ab38e4f4df61..., "
                                       "rows 1000 then 960).\n"));
    ck_assert_ptr_nonnull(strstr(text, "Targets: k-anonymity met then not met.\n"));
    ck_assert_ptr_nonnull(strstr(text, "Verdict: a target NOT met, where it was every target met."));
    free(text);
    json_decref(d);
    json_decref(a.figures);
    json_decref(b.figures);
}
END_TEST

START_TEST(test_rundiff_documents__paths)
{
    edra_error err = {0};
    json_t *a = doc(5, 0.1, 0.1, 1, 5, 1), *b = doc(5, 0.1, 0.125, 1, 5, 1), *out = json_array();
    char *ca = NULL, *cb = NULL;
    ck_assert_int_eq(edra_rundiff_canonical(&ca, a, &err), 0);
    ck_assert_int_eq(edra_rundiff_canonical(&cb, b, &err), 0);
    ck_assert_str_ne(ca, cb);
    /* sorted keys: "figures" before "search" before "targets_met" */
    ck_assert_ptr_nonnull(strstr(ca, "\"loss\":0.25},\"targets_met\":true}"));
    ck_assert_uint_eq(edra_rundiff_documents(out, a, b, 10), 1);
    ck_assert_str_eq(json_string_value(json_array_get(out, 0)), "figures.marketer: 0.10000000000000001 -> 0.125");
    json_decref(out);
    out = json_array();
    ck_assert_uint_eq(edra_rundiff_documents(out, a, a, 10), 0);
    json_object_del(b, "search");
    /* differing at two leaves (marketer, search.loss), one listed when max is 1 */
    ck_assert_uint_eq(edra_rundiff_documents(out, a, b, 1), 2);
    ck_assert_uint_eq(json_array_size(out), 1);
    free(ca);
    free(cb);
    json_decref(out);
    json_decref(a);
    json_decref(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rundiff");
    TCase *tc_text = tcase_create("text");
    tcase_add_test(tc_text, test_rundiff_text__equal_is_empty);
    tcase_add_test(tc_text, test_rundiff_text__one_line_changed);
    tcase_add_test(tc_text, test_rundiff_text__hunks_split_and_merged);
    tcase_add_test(tc_text, test_rundiff_text__empty_ranges_and_missing_newline);
    tcase_add_test(tc_text, test_rundiff_text__agrees_with_gnu_diff);
    suite_add_tcase(s, tc_text);
    TCase *tc_runs = tcase_create("runs");
    tcase_add_test(tc_runs, test_rundiff_runs__k_raised);
    tcase_add_test(tc_runs, test_rundiff_runs__same_run_and_changed_data);
    suite_add_tcase(s, tc_runs);
    TCase *tc_docs = tcase_create("documents");
    tcase_add_test(tc_docs, test_rundiff_documents__paths);
    suite_add_tcase(s, tc_docs);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
