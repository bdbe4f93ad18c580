/* Tests of analyzer/rowpipe: records parsed on the pipe's thread come out as a sequential read
 * gives them (kept columns, lines, across many batches, quoted fields spanning lines), the
 * columns not kept are empty, a parse error comes after every record before it with the
 * reader's message, and a pipe freed early stops its thread. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/csv.h"
#include "analyzer/rowpipe.h"
#include "metrics/error.h"

/* n_rows records "id,name,zip,dx" after a header; every 1000th name is quoted and spans two
 * lines. With bad_line > 0 the record starting on that line has a field too few. */
static char *make_csv(size_t n_rows, size_t bad_line, size_t *len)
{
    size_t cap = 64 + n_rows * 64, used = 0, line = 2;
    char *buf = malloc(cap);
    used += (size_t)snprintf(buf, cap, "id,name,zip,dx\n");
    for (size_t r = 0; r < n_rows; r++) {
        int multi = r % 1000 == 999;
        if (line == bad_line)
            used += (size_t)snprintf(buf + used, cap - used, "%zu,n%zu,%05zu\n", r, r, r % 99999);
        else if (multi)
            used += (size_t)snprintf(buf + used, cap - used, "%zu,\"n%zu\nx\",%05zu,D%zu\n", r, r,
                                     r % 99999, r % 7);
        else
            used += (size_t)snprintf(buf + used, cap - used, "%zu,n%zu,%05zu,D%zu\n", r, r,
                                     r % 99999, r % 7);
        line += multi ? 2 : 1;
    }
    *len = used;
    return buf;
}

/* Reads buf through a pipe keeping columns 2 and 0 and compares each record with a second,
 * sequential reader; returns the pipe's final answer and the records it gave. */
static int compare_reads(const char *buf, size_t len, size_t *records, edra_error *err)
{
    edra_csv *piped = NULL, *plain = NULL;
    char **f, **g;
    size_t *fl, *gl, n, line;
    const long cols[] = {2, 0};
    edra_rowpipe *pipe = NULL;
    ck_assert_int_eq(edra_csv_open_buffer(&piped, buf, len, "t.csv", ',', NULL), 0);
    ck_assert_int_eq(edra_csv_open_buffer(&plain, buf, len, "t.csv", ',', NULL), 0);
    ck_assert_int_eq(edra_csv_next(piped, &f, &fl, &n, NULL), 1);
    ck_assert_int_eq(edra_csv_next(plain, &g, &gl, &n, NULL), 1);
    const uint32_t *codes;
    ck_assert_int_eq(edra_rowpipe_start(&pipe, piped, 4, cols, 2, NULL, NULL, 0), 0);
    int rc;
    *records = 0;
    while ((rc = edra_rowpipe_next(pipe, &f, &fl, &codes, &line, err)) == 1) {
        ck_assert_ptr_null(codes);
        ck_assert_int_eq(edra_csv_next(plain, &g, &gl, &n, NULL), 1);
        ck_assert_uint_eq(line, edra_csv_line(plain));
        ck_assert_str_eq(f[0], g[0]);
        ck_assert_uint_eq(fl[0], gl[0]);
        ck_assert_str_eq(f[2], g[2]);
        ck_assert_uint_eq(fl[2], gl[2]);
        /* Not kept: empty. */
        ck_assert_str_eq(f[1], "");
        ck_assert_str_eq(f[3], "");
        (*records)++;
    }
    /* Sticky, as the reader is. */
    ck_assert_int_eq(edra_rowpipe_next(pipe, &f, &fl, &codes, &line, NULL), rc);
    edra_rowpipe_free(pipe);
    edra_csv_free(piped);
    edra_csv_free(plain);
    return rc;
}

START_TEST(test_rowpipe_next__as_read_in_order)
{
    /* 30,000 records: seven batches of 4,096 and a part, through a ring of four. */
    size_t len, records = 0;
    char *buf = make_csv(30000, 0, &len);
    ck_assert_int_eq(compare_reads(buf, len, &records, NULL), 0);
    ck_assert_uint_eq(records, 30000);
    free(buf);
}
END_TEST

START_TEST(test_rowpipe_next__error_after_the_records_before_it)
{
    /* Line 20,000 has three fields: the 19,979 records before it (19 of the lines hold the
     * second line of a quoted name) come out, then the reader's message. */
    size_t len, records = 0;
    char *buf = make_csv(30000, 20000, &len);
    edra_error err = {0};
    ck_assert_int_eq(compare_reads(buf, len, &records, &err), EDRA_EPARSE);
    ck_assert_uint_eq(records, 19979);
    ck_assert_ptr_nonnull(strstr(err.msg, "t.csv:20000"));
    free(buf);
}
END_TEST

START_TEST(test_rowpipe_free__stops_early)
{
    /* A caller that stops after ten records frees the pipe while its thread has batches to
     * fill: the thread stops (no hang, no leak under the sanitizers). */
    size_t len;
    char *buf = make_csv(50000, 0, &len);
    edra_csv *csv = NULL;
    char **f;
    size_t *fl, n, line;
    const long cols[] = {1};
    edra_rowpipe *pipe = NULL;
    ck_assert_int_eq(edra_csv_open_buffer(&csv, buf, len, "t.csv", ',', NULL), 0);
    ck_assert_int_eq(edra_csv_next(csv, &f, &fl, &n, NULL), 1);
    const uint32_t *codes;
    ck_assert_int_eq(edra_rowpipe_start(&pipe, csv, 4, cols, 1, NULL, NULL, 0), 0);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(edra_rowpipe_next(pipe, &f, &fl, &codes, &line, NULL), 1);
        ck_assert_uint_eq(line, (size_t)i + 2);
    }
    ck_assert_str_eq(f[1], "n9");
    edra_rowpipe_free(pipe);
    edra_csv_free(csv);
    free(buf);
}
END_TEST

/* A hook that codes a record's line and the length of its id, and refuses line 9,000. */
static int hook_codes(void *ctx, char *const *fields, const size_t *lengths, size_t line,
                      uint32_t *codes, edra_error *err)
{
    (*(size_t *)ctx)++;
    (void)fields;
    if (line == 9000)
        return edra_error_set(err, EDRA_ERANGE, "t.csv:%zu: refused by the hook", line);
    codes[0] = (uint32_t)line;
    codes[1] = (uint32_t)lengths[0];
    return 0;
}

START_TEST(test_rowpipe_next__hook_codes_and_error)
{
    /* The hook runs on the parsing thread for each record in order: its codes come with the
     * record; its error ends the records after the 8,990 before line 9,000 (8 of the lines
     * continue a quoted name), with its message. */
    size_t len, calls = 0, records = 0, line;
    char *buf = make_csv(20000, 0, &len);
    edra_csv *csv = NULL;
    char **f;
    size_t *fl, n;
    const uint32_t *codes;
    const long cols[] = {0};
    edra_rowpipe *pipe = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_csv_open_buffer(&csv, buf, len, "t.csv", ',', NULL), 0);
    ck_assert_int_eq(edra_csv_next(csv, &f, &fl, &n, NULL), 1);
    ck_assert_int_eq(edra_rowpipe_start(&pipe, csv, 4, cols, 1, hook_codes, &calls, 2), 0);
    int rc;
    while ((rc = edra_rowpipe_next(pipe, &f, &fl, &codes, &line, &err)) == 1) {
        ck_assert_uint_eq(codes[0], line);
        ck_assert_uint_eq(codes[1], fl[0]);
        ck_assert_uint_eq(codes[1], strlen(f[0]));
        records++;
    }
    ck_assert_int_eq(rc, EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "t.csv:9000: refused by the hook");
    ck_assert_uint_eq(records, 8990);
    edra_rowpipe_free(pipe);
    /* Joined: the thread stopped at the refused record. */
    ck_assert_uint_eq(calls, 8991);
    edra_csv_free(csv);
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rowpipe");
    TCase *tc = tcase_create("rowpipe");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rowpipe_next__as_read_in_order);
    tcase_add_test(tc, test_rowpipe_next__error_after_the_records_before_it);
    tcase_add_test(tc, test_rowpipe_next__hook_codes_and_error);
    tcase_add_test(tc, test_rowpipe_free__stops_early);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
