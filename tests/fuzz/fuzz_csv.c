/* libFuzzer target: the RFC 4180 reader (analyzer/csv.c). The first byte picks the delimiter
 * (detected, or one of six; '"' and line breaks are refused by the spec before they reach the
 * reader, whose contract asserts it); the rest is the file. Besides
 * the sanitizers it checks what the reader promises: every record has the header's field
 * count, fields are NUL-free valid UTF-8 of the stated length, lines never go backwards, and
 * reading the same bytes from a file gives the same records and status as from the buffer. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/csv.h"
#include "fuzz.h"

/* An independent strict UTF-8 check (RFC 3629 table 4), so the oracle does not reuse the
 * reader's own code. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return 0;
        }
        if (i + need >= n)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            unsigned b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
                return 0;
        }
        i += need + 1;
    }
    return 1;
}

typedef struct {
    int status;          /* the last edra_csv_next result (0 at a clean end) */
    size_t records;
    uint64_t hash;       /* FNV-1a over every field and its length */
} reading;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static reading read_all(edra_csv *csv)
{
    reading r = {0, 0, 1469598103934665603ULL};
    edra_error err = {0};
    size_t n_header = 0, last_line = 0;
    for (;;) {
        char **fields;
        size_t *lengths, n;
        int rc = edra_csv_next(csv, &fields, &lengths, &n, &err);
        fuzz_check_status(rc < 0 ? rc : 0, &err);
        if (rc <= 0) {
            r.status = rc;
            /* A failed reader keeps failing with the same code. */
            if (rc < 0 && edra_csv_next(csv, &fields, &lengths, &n, &err) != rc)
                fuzz_fail("csv: a failed reader did not repeat its error");
            return r;
        }
        if (r.records == 0)
            n_header = n;
        else if (n != n_header)
            fuzz_fail("csv: a record's field count differs from the header's");
        if (n == 0)
            fuzz_fail("csv: a record with no field");
        size_t line = edra_csv_line(csv);
        if (line < 1 || line < last_line)
            fuzz_fail("csv: the line number went backwards");
        last_line = line;
        for (size_t i = 0; i < n; i++) {
            if (strlen(fields[i]) != lengths[i])
                fuzz_fail("csv: field length disagrees with its NUL terminator");
            if (!valid_utf8((const unsigned char *)fields[i], lengths[i]))
                fuzz_fail("csv: a field is not valid UTF-8");
            r.hash = fnv(r.hash, &lengths[i], sizeof lengths[i]);
            r.hash = fnv(r.hash, fields[i], lengths[i]);
        }
        r.records++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[8] = {0, ',', ';', '\t', '|', ' ', ':', 'a'};
    edra_error err = {0};
    edra_csv *csv = NULL;
    if (size < 1)
        return 0;
    char delimiter = delimiters[data[0] & 7];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    int rc = edra_csv_open_buffer(&csv, text, len, "fuzz.csv", delimiter, &err);
    fuzz_check_status(rc, &err);
    reading from_buffer = {rc, 0, 0};
    if (rc == 0) {
        from_buffer = read_all(csv);
        edra_csv_free(csv);
        csv = NULL;
    }

    char path[512];
    snprintf(path, sizeof path, "%s/input.csv", fuzz_tmpdir());
    fuzz_write_file(path, text, len);
    edra_error ferr = {0};
    rc = edra_csv_open(&csv, path, delimiter, &ferr);
    fuzz_check_status(rc, &ferr);
    reading from_file = {rc, 0, 0};
    if (rc == 0) {
        from_file = read_all(csv);
        edra_csv_free(csv);
    }
    if (from_buffer.status != from_file.status || from_buffer.records != from_file.records ||
        from_buffer.hash != from_file.hash)
        fuzz_fail("csv: the file reader and the buffer reader disagree");
    return 0;
}
