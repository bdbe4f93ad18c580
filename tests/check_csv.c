/* Tests of analyzer/csv: the RFC 4180 cases (quoted delimiters, doubled quotes, line breaks in
 * quotes, CRLF, BOM, empty fields), delimiter detection, every malformed case with its exact
 * message, and files larger than the 1 MiB read block with records across block ends. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, write, close, unlink for the file tests */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/csv.h"

/* The reader's block size (BLOCK_SIZE in analyzer/csv.c): the first read ends here. */
#define BLOCK ((size_t)1 << 20)

/* Renders every record of buf as "[f1][f2]...\n" into out and returns the final status of
 * edra_csv_next (0 at the end, or the error). Also checks each field is NUL-terminated at
 * its stated length. */
static int render(const char *buf, size_t len, char delimiter, char *out, size_t cap,
                  edra_error *err)
{
    edra_csv *csv = NULL;
    char **fields;
    size_t *lengths, n_fields, used = 0;
    int rc = edra_csv_open_buffer(&csv, buf, len, "t.csv", delimiter, err);
    ck_assert_int_eq(rc, 0);
    out[0] = '\0';
    while ((rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err)) == 1) {
        for (size_t i = 0; i < n_fields; i++) {
            ck_assert_uint_eq(strlen(fields[i]), lengths[i]);
            ck_assert_uint_lt(used + lengths[i] + 3, cap);
            out[used++] = '[';
            memcpy(out + used, fields[i], lengths[i]);
            used += lengths[i];
            out[used++] = ']';
        }
        out[used++] = '\n';
        out[used] = '\0';
    }
    edra_csv_free(csv);
    return rc;
}

/* render() over a NUL-terminated string. */
static int render_str(const char *text, char delimiter, char *out, size_t cap, edra_error *err)
{
    return render(text, strlen(text), delimiter, out, cap, err);
}

/* The error render() stops with for text (len bytes; it may hold a NUL). */
static int parse_error(const char *text, size_t len, edra_error *err)
{
    char out[4096];
    return render(text, len, ',', out, sizeof out, err);
}

static void write_temp(char *path, const char *content, size_t len)
{
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

/* ---- edra_csv_open_buffer / edra_csv_next: RFC 4180 ---- */

START_TEST(test_csv_next__simple_records)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("a,b,c\n1,22,333\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a][b][c]\n[1][22][333]\n");
}
END_TEST

START_TEST(test_csv_next__quoted_delimiter)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("name,city\n\"Doe, John\",\"Austin, TX\"\n", ',', out,
                                sizeof out, &err), 0);
    ck_assert_str_eq(out, "[name][city]\n[Doe, John][Austin, TX]\n");
}
END_TEST

START_TEST(test_csv_next__doubled_quote)
{
    char out[256];
    edra_error err = {0};
    /* "say ""hi""" -> say "hi" (8 bytes); """" -> one quote; "" -> empty. */
    ck_assert_int_eq(render_str("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n", ',', out, sizeof out, &err),
                     0);
    ck_assert_str_eq(out, "[say \"hi\"][\"][]\n");
}
END_TEST

START_TEST(test_csv_next__lf_inside_quotes)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("h1,h2\n\"x\ny\",z\nq,r\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[h1][h2]\n[x\ny][z]\n[q][r]\n");
}
END_TEST

START_TEST(test_csv_next__crlf_inside_quotes_kept)
{
    char out[256];
    edra_error err = {0};
    /* A line break inside quotes is data and keeps its CR; the record ends stay out. */
    ck_assert_int_eq(render_str("h1,h2\r\n\"x\r\ny\",z\r\nq,r\r\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[h1][h2]\n[x\r\ny][z]\n[q][r]\n");
}
END_TEST

START_TEST(test_csv_next__crlf_line_ends)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("a,b\r\n1,2\r\n3,4", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a][b]\n[1][2]\n[3][4]\n");
}
END_TEST

START_TEST(test_csv_next__lone_cr_ends_line)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("a,b\r1,2\r", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a][b]\n[1][2]\n");
}
END_TEST

START_TEST(test_csv_next__bom_skipped)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("\xEF\xBB\xBFid,name\n1,x\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[id][name]\n[1][x]\n");
    /* Columns count from after the BOM: the quote is column 1, not 4. */
    ck_assert_int_eq(render_str("\xEF\xBB\xBF\"a", ',', out, sizeof out, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:1:1: unterminated quote");
    /* A BOM alone is an empty file. */
    ck_assert_int_eq(render_str("\xEF\xBB\xBF", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_csv_next__empty_fields)
{
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("a,b,c\n,,\n1,,3\n\"\",x,\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a][b][c]\n[][][]\n[1][][3]\n[][x][]\n");
}
END_TEST

START_TEST(test_csv_next__trailing_newline_or_not)
{
    char with[256], without[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("a,b\n1,2\n", ',', with, sizeof with, &err), 0);
    ck_assert_int_eq(render_str("a,b\n1,2", ',', without, sizeof without, &err), 0);
    ck_assert_str_eq(with, "[a][b]\n[1][2]\n");
    ck_assert_str_eq(without, with);
}
END_TEST

START_TEST(test_csv_next__last_field_empty)
{
    char out[256];
    edra_error err = {0};
    /* The final delimiter opens an empty third field, with or without a line break. */
    ck_assert_int_eq(render_str("a,b,\n1,2,", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a][b][]\n[1][2][]\n");
}
END_TEST

START_TEST(test_csv_next__empty_input)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields = 99;
    ck_assert_int_eq(edra_csv_open_buffer(&csv, "", 0, "e.csv", 0, &err), 0);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 0);
    ck_assert_uint_eq(n_fields, 0);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 0);
    ck_assert_int_eq(edra_csv_delimiter(csv), ',');
    edra_csv_free(csv);
}
END_TEST

START_TEST(test_csv_next__blank_line_is_one_empty_field)
{
    char out[256];
    edra_error err = {0};
    /* RFC 4180 has no blank-line rule: an empty line is a record with one empty field. */
    ck_assert_int_eq(render_str("a\n\nb\n", ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a]\n[]\n[b]\n");
}
END_TEST

START_TEST(test_csv_next__valid_utf8_boundaries)
{
    char out[256];
    edra_error err = {0};
    /* U+00E9, U+07FF, U+0800, U+D7FF (last before surrogates), U+E000 (first after),
     * U+10000, U+10FFFF (the last code point): 2+2+3+3+3+4+4 bytes. */
    const char *text = "\xC3\xA9,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,"
                       "\xF0\x90\x80\x80,\"\xF4\x8F\xBF\xBF\"\n";
    ck_assert_int_eq(render_str(text, ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[\xC3\xA9][\xDF\xBF][\xE0\xA0\x80][\xED\x9F\xBF][\xEE\x80\x80]"
                          "[\xF0\x90\x80\x80][\xF4\x8F\xBF\xBF]\n");
}
END_TEST

START_TEST(test_csv_next__long_fields_and_control_bytes)
{
    /* Fields longer than the 8-byte word scan, a tab inside a comma file (a control byte
     * that the word scan flags and the table lets through) and UTF-8 after 8 ASCII bytes. */
    char out[256];
    edra_error err = {0};
    ck_assert_int_eq(render_str("abcdefghijklmnopq,x\ty\tz_0123456789,0123456789\xC3\xA9xyz\n",
                                ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[abcdefghijklmnopq][x\ty\tz_0123456789][0123456789\xC3\xA9xyz]\n");
}
END_TEST

START_TEST(test_csv_next__fields_reused_between_records)
{
    /* 70 fields outgrow the initial 64-slot arrays; the next record reuses them. */
    char text[1024] = "", out[2048], expected[2048] = "";
    edra_error err = {0};
    for (int row = 0; row < 2; row++) {
        for (int i = 0; i < 70; i++) {
            char cell[8];
            snprintf(cell, sizeof cell, "%d%s", row * 100 + i, i < 69 ? "," : "\n");
            strcat(text, cell);
            snprintf(cell, sizeof cell, "[%d]", row * 100 + i);
            strcat(expected, cell);
        }
        strcat(expected, "\n");
    }
    ck_assert_int_eq(render_str(text, ',', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, expected);
}
END_TEST

/* ---- edra_csv_next: malformed input, exact messages ---- */

START_TEST(test_csv_next__unterminated_quote)
{
    edra_error err = {0};
    /* The quote opens on line 2, column 3 ("x," is columns 1-2); the message points there
     * even though the reader only finds out at the end of the input, on line 4. */
    const char *text = "a,b\nx,\"yy\nzz\nmore\n";
    ck_assert_int_eq(parse_error(text, strlen(text), &err), EDRA_EPARSE);
    ck_assert_int_eq(err.code, EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:2:3: unterminated quote");
    ck_assert_int_eq(parse_error("\"", 1, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:1:1: unterminated quote");
}
END_TEST

START_TEST(test_csv_next__invalid_utf8_kinds)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"a,\xC0\xAF\n", "t.csv:1:3: invalid UTF-8"},             /* overlong '/' (2 bytes) */
        {"a,b\nx\xE0\x80\xAF\n", "t.csv:2:2: invalid UTF-8"},      /* overlong, 3 bytes */
        {"\xF0\x8F\xBF\xBF\n", "t.csv:1:1: invalid UTF-8"},        /* overlong U+FFFF, 4 bytes */
        {"ab,\xED\xA0\x80\n", "t.csv:1:4: invalid UTF-8"},         /* surrogate U+D800 */
        {"\xF4\x90\x80\x80\n", "t.csv:1:1: invalid UTF-8"},        /* U+110000 */
        {"\xF5\x80\x80\x80\n", "t.csv:1:1: invalid UTF-8"},        /* lead byte F5 */
        {"\xFF\n", "t.csv:1:1: invalid UTF-8"},                    /* never in UTF-8 */
        {"ok,\x80\n", "t.csv:1:4: invalid UTF-8"},                 /* lone continuation */
        {"x\xE2\x82y\n", "t.csv:1:2: invalid UTF-8"},              /* cut short by ASCII */
        {"ab\xC3", "t.csv:1:3: invalid UTF-8"},                    /* cut short by the end */
        {"\xC3\xA9,\xFF\n", "t.csv:1:4: invalid UTF-8"},           /* columns count bytes */
        {"\"ok\n\xFF\"\n", "t.csv:2:1: invalid UTF-8"},            /* inside quotes, line 2 */
        {"0123456789abcdef\xC3(\n", "t.csv:1:17: invalid UTF-8"},  /* after the word scan */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        edra_error err = {0};
        ck_assert_int_eq(parse_error(cases[i].text, strlen(cases[i].text), &err), EDRA_EPARSE);
        ck_assert_str_eq(err.msg, cases[i].msg);
    }
}
END_TEST

START_TEST(test_csv_next__nul_byte)
{
    edra_error err = {0};
    /* "a,b\n1,<NUL>\n": 8 bytes, the NUL on line 2, column 3. */
    ck_assert_int_eq(parse_error("a,b\n1,\0\n", 8, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:2:3: NUL byte");
    /* Inside quotes: "x<NUL>" -> the NUL is column 3. */
    ck_assert_int_eq(parse_error("\"x\0\"\n", 5, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:1:3: NUL byte");
}
END_TEST

START_TEST(test_csv_next__ragged_row)
{
    edra_error err = {0};
    const char *fewer = "a,b,c\n1,2,3\n4,5\n";
    ck_assert_int_eq(parse_error(fewer, strlen(fewer), &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:3: expected 3 fields, found 2");
    /* The line is where the record starts: the quoted break puts the ragged record on 2-3. */
    const char *more = "a,b\n\"x\ny\",2,3\n";
    ck_assert_int_eq(parse_error(more, strlen(more), &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:2: expected 2 fields, found 3");
}
END_TEST

START_TEST(test_csv_next__quote_in_unquoted_field)
{
    edra_error err = {0};
    const char *text = "a,b\n1,x\"y\n";
    ck_assert_int_eq(parse_error(text, strlen(text), &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:2:4: quote in unquoted field");
}
END_TEST

START_TEST(test_csv_next__garbage_after_closing_quote)
{
    edra_error err = {0};
    const char *text = "\"a\"b,c\n";
    ck_assert_int_eq(parse_error(text, strlen(text), &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:1:4: unexpected character after closing quote");
    /* A space after the quote is garbage too (RFC 4180 allows no padding). */
    text = "x,y\n\"a\" ,c\n";
    ck_assert_int_eq(parse_error(text, strlen(text), &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.csv:2:4: unexpected character after closing quote");
}
END_TEST

START_TEST(test_csv_next__message_never_holds_cells)
{
    /* The messages name only the source, line, column and counts; a cell's value (here a
     * made-up SSN) must not leak into logs. */
    edra_error err = {0};
    const char *text = "ssn,name\n123-45-6789,\"Doe\"x\n";
    ck_assert_int_eq(parse_error(text, strlen(text), &err), EDRA_EPARSE);
    ck_assert_ptr_null(strstr(err.msg, "123-45-6789"));
    ck_assert_ptr_null(strstr(err.msg, "Doe"));
    ck_assert_str_eq(err.msg, "t.csv:2:18: unexpected character after closing quote");
}
END_TEST

START_TEST(test_csv_next__error_is_sticky)
{
    edra_csv *csv = NULL;
    edra_error err = {0}, again = {0};
    char **fields;
    size_t *lengths, n_fields;
    const char *text = "a,b\n1\n2,3\n";
    ck_assert_int_eq(edra_csv_open_buffer(&csv, text, strlen(text), "s.csv", ',', &err), 0);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    /* Without a context the code still comes back; the message is kept for later. */
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, NULL), EDRA_EPARSE);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &again), EDRA_EPARSE);
    ck_assert_int_eq(again.code, EDRA_EPARSE);
    ck_assert_str_eq(again.msg, "s.csv:2: expected 2 fields, found 1");
    edra_csv_free(csv);
}
END_TEST

/* ---- edra_csv_line ---- */

START_TEST(test_csv_line__counts_breaks_inside_quotes)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields;
    /* Records start on lines 1, 2, 4 (line 3 is the rest of the quoted "a<LF>b"), 5, 7
     * (line 6 is the rest of the quoted "c<CR><LF>d", whose record ends with a lone CR)
     * and 9 (a lone CR inside quotes breaks line 7 too). */
    const char *text = "h,v\n1,\"a\nb\"\n2,x\n3,\"c\r\nd\"\r4,\"e\rf\"\n5,z";
    static const size_t starts[] = {1, 2, 4, 5, 7, 9};
    ck_assert_int_eq(edra_csv_open_buffer(&csv, text, strlen(text), NULL, 0, &err), 0);
    ck_assert_uint_eq(edra_csv_line(csv), 0);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
        ck_assert_uint_eq(edra_csv_line(csv), starts[i]);
    }
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 0);
    edra_csv_free(csv);
}
END_TEST

START_TEST(test_csv_line__unnamed_buffer_in_messages)
{
    edra_error err = {0};
    edra_csv *csv = NULL;
    char **fields;
    size_t *lengths, n_fields;
    ck_assert_int_eq(edra_csv_open_buffer(&csv, "\"a", 2, NULL, ',', &err), 0);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "<buffer>:1:1: unterminated quote");
    edra_csv_free(csv);
}
END_TEST

/* ---- edra_csv_delimiter ---- */

static char detected(const char *text)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_csv_open_buffer(&csv, text, strlen(text), "d.csv", 0, &err), 0);
    char delimiter = edra_csv_delimiter(csv);
    edra_csv_free(csv);
    return delimiter;
}

START_TEST(test_csv_delimiter__detects_each_candidate)
{
    ck_assert_int_eq(detected("a,b,c\n1,2,3\n"), ',');
    ck_assert_int_eq(detected("a;b;c\n1;2;3\n"), ';');
    ck_assert_int_eq(detected("a\tb\tc\n1\t2\t3\n"), '\t');
    ck_assert_int_eq(detected("a|b|c\n1|2|3\n"), '|');
    /* Most frequent wins: 2 ';' against 1 ','. */
    ck_assert_int_eq(detected("a,b;c;d\n"), ';');
    /* Only the first line counts: the second has 4 '|'. */
    ck_assert_int_eq(detected("a;b\n1|2|3|4|5\n"), ';');
    /* After a BOM too. */
    ck_assert_int_eq(detected("\xEF\xBB\xBF" "a\tb\n"), '\t');
}
END_TEST

START_TEST(test_csv_delimiter__ignores_quoted_and_defaults_to_comma)
{
    /* The 3 ';' are inside quotes; outside there is 1 ','. */
    ck_assert_int_eq(detected("\"a;b;c;d\",e\n"), ',');
    /* A line break inside quotes does not end the first line: 2 '|' after it. */
    ck_assert_int_eq(detected("\"x\ny\"|b|c\n"), '|');
    ck_assert_int_eq(detected("single\n"), ',');
    ck_assert_int_eq(detected(""), ',');
    /* A tie (1 ',' and 1 ';') goes to the earlier candidate in , ; TAB |. */
    ck_assert_int_eq(detected("a;b,c\n"), ',');
}
END_TEST

START_TEST(test_csv_delimiter__given_is_used)
{
    char out[256];
    edra_error err = {0};
    edra_csv *csv = NULL;
    ck_assert_int_eq(edra_csv_open_buffer(&csv, "a,b,c", 5, "g.csv", ';', &err), 0);
    ck_assert_int_eq(edra_csv_delimiter(csv), ';');
    edra_csv_free(csv);
    ck_assert_int_eq(render_str("a,b;c\n", ';', out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "[a,b][c]\n");
}
END_TEST

/* ---- edra_csv_offset ---- */

START_TEST(test_csv_offset__bytes_consumed)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields;
    /* BOM (3) + "a,b\r\n" (5) = 8, then "1,2\n" (4) = 12, then "3,4" (3) = 15. */
    const char *text = "\xEF\xBB\xBF" "a,b\r\n1,2\n3,4";
    ck_assert_int_eq(edra_csv_open_buffer(&csv, text, strlen(text), "o.csv", 0, &err), 0);
    ck_assert_uint_eq(edra_csv_offset(csv), 3);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    ck_assert_uint_eq(edra_csv_offset(csv), 8);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    ck_assert_uint_eq(edra_csv_offset(csv), 12);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    ck_assert_uint_eq(edra_csv_offset(csv), 15);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 0);
    ck_assert_uint_eq(edra_csv_offset(csv), 15);
    edra_csv_free(csv);
}
END_TEST

/* ---- edra_csv_open: files ---- */

START_TEST(test_csv_open__small_file)
{
    char path[] = "/tmp/check_csv_XXXXXX";
    const char *text = "\xEF\xBB\xBFid;city\r\n1;\"Z\xC3\xBCrich; CH\"\r\n";
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields;
    write_temp(path, text, strlen(text));
    ck_assert_int_eq(edra_csv_open(&csv, path, 0, &err), 0);
    ck_assert_int_eq(edra_csv_delimiter(csv), ';');
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    ck_assert_uint_eq(n_fields, 2);
    ck_assert_str_eq(fields[0], "id");
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    ck_assert_str_eq(fields[1], "Z\xC3\xBCrich; CH");
    ck_assert_uint_eq(lengths[1], 11); /* Z + 2-byte u-umlaut + "rich; CH" (8) */
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 0);
    ck_assert_uint_eq(edra_csv_offset(csv), strlen(text));
    edra_csv_free(csv);
    unlink(path);
}
END_TEST

START_TEST(test_csv_open__missing_file)
{
    edra_csv *csv = (edra_csv *)&csv; /* must be reset to NULL on failure */
    edra_error err = {0};
    char expected[256];
    ck_assert_int_eq(edra_csv_open(&csv, "/nonexistent/edra/x.csv", 0, &err), EDRA_EIO);
    ck_assert_ptr_null(csv);
    snprintf(expected, sizeof expected, "/nonexistent/edra/x.csv: %s", strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
}
END_TEST

START_TEST(test_csv_open__directory_is_read_error)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    char expected[256];
    /* fopen accepts a directory on Linux; the first read fails with EISDIR. */
    ck_assert_int_eq(edra_csv_open(&csv, "/tmp", 0, &err), EDRA_EIO);
    ck_assert_ptr_null(csv);
    snprintf(expected, sizeof expected, "/tmp: %s", strerror(EISDIR));
    ck_assert_str_eq(err.msg, expected);
}
END_TEST

/* Builds a file whose special record "s,<special>" starts so that its byte number `at`
 * (0 is the 's') lands on the last byte of the first block: header "k,v\n", filler records
 * "%07zu,filler-text\n" (20 bytes), a padding record, the special one, then "end,1\n".
 * Reads it from disk and checks it record by record against the buffer reader, which sees
 * the whole input at once. Returns the records read. */
static size_t check_across_block(const char *special, size_t at, const char *expected_value)
{
    size_t cap = BLOCK + 8 * BLOCK, len = 0, records = 0;
    char *text = malloc(cap);
    char path[] = "/tmp/check_csv_XXXXXX";
    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "k,v\n");
    size_t special_start = BLOCK - 1 - at;
    while (len + 21 + 40 < special_start)
        len += (size_t)sprintf(text + len, "%07zu,filler-text\n", len);
    /* The padding record "p,zzz...\n" fills exactly up to special_start. */
    size_t pad = special_start - len - 3;
    text[len++] = 'p';
    text[len++] = ',';
    memset(text + len, 'z', pad);
    len += pad;
    text[len++] = '\n';
    ck_assert_uint_eq(len, special_start);
    len += (size_t)sprintf(text + len, "s,%s\nend,1\n", special);
    write_temp(path, text, len);

    edra_csv *from_file = NULL, *from_buffer = NULL;
    edra_error err = {0};
    char **f1, **f2;
    size_t *l1, *l2, n1, n2;
    int rc1, rc2;
    ck_assert_int_eq(edra_csv_open(&from_file, path, ',', &err), 0);
    ck_assert_int_eq(edra_csv_open_buffer(&from_buffer, text, len, path, ',', &err), 0);
    for (;;) {
        rc1 = edra_csv_next(from_file, &f1, &l1, &n1, &err);
        ck_assert_msg(rc1 >= 0, "%s", err.msg);
        rc2 = edra_csv_next(from_buffer, &f2, &l2, &n2, &err);
        ck_assert_int_eq(rc1, rc2);
        if (rc1 == 0)
            break;
        records++;
        ck_assert_uint_eq(n1, 2);
        ck_assert_uint_eq(n2, 2);
        ck_assert_uint_eq(edra_csv_line(from_file), edra_csv_line(from_buffer));
        for (size_t i = 0; i < 2; i++) {
            ck_assert_uint_eq(l1[i], l2[i]);
            ck_assert_int_eq(memcmp(f1[i], f2[i], l1[i] + 1), 0);
        }
        if (strcmp(f1[0], "s") == 0) {
            ck_assert_uint_eq(l1[1], strlen(expected_value));
            ck_assert_int_eq(memcmp(f1[1], expected_value, l1[1]), 0);
        }
    }
    ck_assert_uint_eq(edra_csv_offset(from_file), len);
    edra_csv_free(from_file);
    edra_csv_free(from_buffer);
    unlink(path);
    free(text);
    return records;
}

START_TEST(test_csv_open__record_across_block_end)
{
    /* Each case puts a delicate byte on the last byte of the first block (offsets count
     * from the 's' of "s,"): */
    /* the LF inside quotes (offset 4 in s,"a<LF>b"); */
    size_t records = check_across_block("\"a\nb\"", 4, "a\nb");
    /* header + fillers + padding + special + end: over (1 MiB - 61) / 20 fillers. */
    ck_assert_uint_gt(records, BLOCK / 21);
    /* the first of a doubled quote (offset 4 in s,"x""y"); */
    check_across_block("\"x\"\"y\"", 4, "x\"y");
    /* the lead byte of a 2-byte letter, unquoted (offset 3 in s,x<C3><A9>y) and quoted
     * (offset 3 in s,"<C3><A9>"); */
    check_across_block("x\xC3\xA9y", 3, "x\xC3\xA9y");
    check_across_block("\"\xC3\xA9\"", 3, "\xC3\xA9");
    /* the CR of a CRLF record end (offset 3 in s,q<CR><LF>) and of a CRLF inside quotes
     * (offset 4 in s,"c<CR><LF>d"); */
    check_across_block("q\r", 3, "q");
    check_across_block("\"c\r\nd\"", 4, "c\r\nd");
    /* the closing quote (offset 5 in s,"ab") and the delimiter (offset 1). */
    check_across_block("\"ab\"", 5, "ab");
    check_across_block("tail", 1, "tail");
}
END_TEST

START_TEST(test_csv_open__record_longer_than_block)
{
    /* A 3 MiB quoted field with line breaks forces the block to double twice; its record
     * starts 13 bytes before the end of the first block. */
    size_t value_len = 3 * BLOCK;
    char *special = malloc(value_len + 3), *value = malloc(value_len + 1);
    ck_assert_ptr_nonnull(special);
    ck_assert_ptr_nonnull(value);
    for (size_t i = 0; i < value_len; i++)
        value[i] = i % 100 == 99 ? '\n' : (char)('a' + i % 26);
    value[value_len] = '\0';
    special[0] = '"';
    memcpy(special + 1, value, value_len);
    special[value_len + 1] = '"';
    special[value_len + 2] = '\0';
    check_across_block(special, 12, value);
    free(special);
    free(value);
}
END_TEST

START_TEST(test_csv_open__error_after_block_end)
{
    /* An unterminated quote opened in the second block, line 3: its message must still
     * carry the right line and column after the window moved. */
    size_t len = 0, cap = 2 * BLOCK;
    char *text = malloc(cap);
    char path[] = "/tmp/check_csv_XXXXXX";
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields;
    int rc;
    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "k,v\n1,");
    memset(text + len, 'w', BLOCK + 100); /* line 2 is 1 MiB + 103 bytes long */
    len += BLOCK + 100;
    len += (size_t)sprintf(text + len, "\n2,\"open\n");
    write_temp(path, text, len);
    ck_assert_int_eq(edra_csv_open(&csv, path, 0, &err), 0);
    while ((rc = edra_csv_next(csv, &fields, &lengths, &n_fields, &err)) == 1)
        ;
    ck_assert_int_eq(rc, EDRA_EPARSE);
    /* The quote is on line 3 after "2,": column 3. */
    char expected[256];
    snprintf(expected, sizeof expected, "%s:3:3: unterminated quote", path);
    ck_assert_str_eq(err.msg, expected);
    edra_csv_free(csv);
    unlink(path);
    free(text);
}
END_TEST

/* ---- edra_csv_free ---- */

START_TEST(test_csv_free__null_and_unread)
{
    edra_csv *csv = NULL;
    edra_error err = {0};
    edra_csv_free(NULL);
    /* Freed before any record was read: nothing to leak (ASan checks). */
    ck_assert_int_eq(edra_csv_open_buffer(&csv, "a,b\n", 4, "f.csv", 0, &err), 0);
    edra_csv_free(csv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc_next = tcase_create("next");
    tcase_add_test(tc_next, test_csv_next__simple_records);
    tcase_add_test(tc_next, test_csv_next__quoted_delimiter);
    tcase_add_test(tc_next, test_csv_next__doubled_quote);
    tcase_add_test(tc_next, test_csv_next__lf_inside_quotes);
    tcase_add_test(tc_next, test_csv_next__crlf_inside_quotes_kept);
    tcase_add_test(tc_next, test_csv_next__crlf_line_ends);
    tcase_add_test(tc_next, test_csv_next__lone_cr_ends_line);
    tcase_add_test(tc_next, test_csv_next__bom_skipped);
    tcase_add_test(tc_next, test_csv_next__empty_fields);
    tcase_add_test(tc_next, test_csv_next__trailing_newline_or_not);
    tcase_add_test(tc_next, test_csv_next__last_field_empty);
    tcase_add_test(tc_next, test_csv_next__empty_input);
    tcase_add_test(tc_next, test_csv_next__blank_line_is_one_empty_field);
    tcase_add_test(tc_next, test_csv_next__valid_utf8_boundaries);
    tcase_add_test(tc_next, test_csv_next__long_fields_and_control_bytes);
    tcase_add_test(tc_next, test_csv_next__fields_reused_between_records);
    tcase_add_test(tc_next, test_csv_next__unterminated_quote);
    tcase_add_test(tc_next, test_csv_next__invalid_utf8_kinds);
    tcase_add_test(tc_next, test_csv_next__nul_byte);
    tcase_add_test(tc_next, test_csv_next__ragged_row);
    tcase_add_test(tc_next, test_csv_next__quote_in_unquoted_field);
    tcase_add_test(tc_next, test_csv_next__garbage_after_closing_quote);
    tcase_add_test(tc_next, test_csv_next__message_never_holds_cells);
    tcase_add_test(tc_next, test_csv_next__error_is_sticky);
    suite_add_tcase(s, tc_next);

    TCase *tc_line = tcase_create("line");
    tcase_add_test(tc_line, test_csv_line__counts_breaks_inside_quotes);
    tcase_add_test(tc_line, test_csv_line__unnamed_buffer_in_messages);
    suite_add_tcase(s, tc_line);

    TCase *tc_delimiter = tcase_create("delimiter");
    tcase_add_test(tc_delimiter, test_csv_delimiter__detects_each_candidate);
    tcase_add_test(tc_delimiter, test_csv_delimiter__ignores_quoted_and_defaults_to_comma);
    tcase_add_test(tc_delimiter, test_csv_delimiter__given_is_used);
    suite_add_tcase(s, tc_delimiter);

    TCase *tc_offset = tcase_create("offset");
    tcase_add_test(tc_offset, test_csv_offset__bytes_consumed);
    suite_add_tcase(s, tc_offset);

    TCase *tc_open = tcase_create("open");
    tcase_set_timeout(tc_open, 120);
    tcase_add_test(tc_open, test_csv_open__small_file);
    tcase_add_test(tc_open, test_csv_open__missing_file);
    tcase_add_test(tc_open, test_csv_open__directory_is_read_error);
    tcase_add_test(tc_open, test_csv_open__record_across_block_end);
    tcase_add_test(tc_open, test_csv_open__record_longer_than_block);
    tcase_add_test(tc_open, test_csv_open__error_after_block_end);
    suite_add_tcase(s, tc_open);

    TCase *tc_free = tcase_create("free");
    tcase_add_test(tc_free, test_csv_free__null_and_unread);
    suite_add_tcase(s, tc_free);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
