/* RFC 4180 CSV reader (Shafranovich 2005) with strict UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF). A file is read in 1 MiB blocks; a record that runs
 * past the end of a block is parsed again from its start once more data is in. Each field is
 * copied once into a per-record buffer and NUL-terminated there. A lone CR ends a line like LF
 * and CRLF do (old Mac files); columns in messages are 1-based byte offsets within the line. */
#include "csv.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE ((size_t)1 << 20)

/* parse_record's answer when the window ends inside a record and the file has more. */
#define NEED_MORE 2

/* Byte classes; PLAIN must be 0 so the scanning loops test a single truth value. */
enum { PLAIN = 0, DELIM, LF, CR, QUOTE, NUL, HIGH };

struct edra_csv {
    FILE *file;           /* NULL when reading a caller's buffer */
    char *name;           /* path or buffer name, for messages */
    const char *data;     /* the window: the caller's buffer or our block */
    char *block;          /* owned block (file mode) */
    size_t block_cap;
    size_t len;           /* bytes in the window */
    size_t pos;           /* bytes of the window consumed */
    size_t base;          /* stream offset of data[0] */
    int eof;              /* nothing beyond the window */
    char delimiter;
    unsigned char unquoted_class[256];
    unsigned char quoted_class[256];
    size_t line;          /* line on which the next record starts */
    size_t line_start;    /* stream offset of the first byte of that line */
    size_t record_line;   /* line on which the last returned record started */
    size_t n_expected;    /* fields in the first record; 0 before it */
    char *rec;            /* the current record's fields, NUL-terminated */
    size_t rec_len, rec_cap;
    char **fields;
    size_t *lengths;
    size_t *starts;       /* offsets into rec, turned into pointers once rec stops moving */
    size_t fields_cap;
    int failed;           /* sticky: a failed reader keeps returning its first error */
    edra_error failure;
};

/* Eight bytes at a time (SWAR) where the byte order lets the first match be found with a
 * count of trailing zeros; elsewhere the table loop alone, which gives the same result. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define USE_SWAR 1
#define ONES 0x0101010101010101ULL
#define LOW7 0x7F7F7F7F7F7F7F7FULL
#define HIGHS 0x8080808080808080ULL

/* High bit of each byte of w equal to the byte repeated in rep (exact: no carries cross
 * bytes, unlike the classic haszero trick). */
static inline uint64_t equal_bytes(uint64_t w, uint64_t rep)
{
    uint64_t t = w ^ rep;
    return ~(((t & LOW7) + LOW7) | t) & HIGHS;
}
#endif

/* First byte at or after p that the class table does not call PLAIN, or end. The word test
 * flags every byte that might be special -- non-ASCII, any control byte below 0x20 (NUL, LF,
 * CR and the rarer ones), and the bytes a and b (quote, delimiter) -- and the table settles
 * it, so a control byte inside a field only costs a trip round the loop. */
static inline const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end,
                                              const unsigned char *byte_class, unsigned char a,
                                              unsigned char b)
{
#ifdef USE_SWAR
    const uint64_t rep_a = a * ONES, rep_b = b * ONES;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        /* (x & 0x7F) + 0x60 carries into bit 7 exactly when x & 0x7F >= 0x20. */
        uint64_t controls = ~((w & LOW7) + 0x6060606060606060ULL) & HIGHS;
        uint64_t flagged = (w | controls | equal_bytes(w, rep_a) | equal_bytes(w, rep_b)) & HIGHS;
        if (!flagged) {
            p += 8;
            continue;
        }
        p += __builtin_ctzll(flagged) >> 3;
        if (byte_class[*p])
            return p;
        p++;
    }
#else
    (void)a;
    (void)b;
#endif
    while (p < end && !byte_class[*p])
        p++;
    return p;
}

static int oom(edra_csv *csv, edra_error *err)
{
    return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", csv->name);
}

/* Length of the valid UTF-8 sequence whose lead byte (>= 0x80) is at p; 0 when it is
 * invalid; -1 when the window ends before it can be judged and more data may follow.
 * The narrowed second-byte ranges reject overlongs (E0, F0), surrogates (ED) and code
 * points above U+10FFFF (F4), following the table in RFC 3629 section 4. */
static int utf8_sequence(const unsigned char *p, const unsigned char *end, int eof)
{
    unsigned lead = p[0], lo = 0x80, hi = 0xBF;
    int need;
    if (lead < 0xC2)
        return 0;
    if (lead < 0xE0) {
        need = 1;
    } else if (lead < 0xF0) {
        need = 2;
        if (lead == 0xE0)
            lo = 0xA0;
        else if (lead == 0xED)
            hi = 0x9F;
    } else if (lead < 0xF5) {
        need = 3;
        if (lead == 0xF0)
            lo = 0x90;
        else if (lead == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i <= need; i++) {
        if (p + i == end)
            return eof ? 0 : -1;
        if (p[i] < lo || p[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Most frequent candidate outside quotes on the first line; ties go to the earlier of
 * , ; TAB |, so ',' wins when none occurs. Returns whether the first line ended before end. */
static int detect_delimiter(const char *p, const char *end, char *out)
{
    static const char candidates[] = {',', ';', '\t', '|'};
    size_t counts[4] = {0, 0, 0, 0};
    int quoted = 0, line_ended = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted) {
            if (c == '\n' || c == '\r') {
                line_ended = 1;
                break;
            }
            for (int i = 0; i < 4; i++)
                counts[i] += c == candidates[i];
        }
    }
    int best = 0;
    for (int i = 1; i < 4; i++)
        if (counts[i] > counts[best])
            best = i;
    *out = candidates[best];
    return line_ended;
}

static int grow_record(edra_csv *csv, size_t need)
{
    size_t cap = csv->rec_cap ? csv->rec_cap : 4096;
    while (cap - csv->rec_len < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *grown = realloc(csv->rec, cap);
    if (!grown)
        return -1;
    csv->rec = grown;
    csv->rec_cap = cap;
    return 0;
}

/* Appends n content bytes and keeps room for the field's terminating NUL. */
static inline int append(edra_csv *csv, const char *s, size_t n)
{
    if (csv->rec_cap - csv->rec_len <= n && grow_record(csv, n + 1) < 0)
        return -1;
    memcpy(csv->rec + csv->rec_len, s, n);
    csv->rec_len += n;
    return 0;
}

static int grow_fields(edra_csv *csv)
{
    size_t cap = csv->fields_cap ? csv->fields_cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof(size_t))
        return -1;
    char **fields = realloc(csv->fields, cap * sizeof *fields);
    if (!fields)
        return -1;
    csv->fields = fields;
    size_t *lengths = realloc(csv->lengths, cap * sizeof *lengths);
    if (!lengths)
        return -1;
    csv->lengths = lengths;
    size_t *starts = realloc(csv->starts, cap * sizeof *starts);
    if (!starts)
        return -1;
    csv->starts = starts;
    csv->fields_cap = cap;
    return 0;
}

/* Ends field number n, whose content began at offset start of the record buffer. */
static inline int end_field(edra_csv *csv, size_t n, size_t start)
{
    if (n == csv->fields_cap && grow_fields(csv) < 0)
        return -1;
    if (csv->rec_len == csv->rec_cap && grow_record(csv, 1) < 0)
        return -1;
    csv->starts[n] = start;
    csv->lengths[n] = csv->rec_len - start;
    csv->rec[csv->rec_len++] = '\0';
    return 0;
}

/* Parses one record from the window. Returns 1 (fields in csv->starts/lengths, *n_out of
 * them), 0 at the end of input, NEED_MORE, or a negative code. Nothing in csv but the record
 * buffers changes unless a record is complete, so NEED_MORE can simply be retried. Messages
 * give the source, line and column only, never a cell: cells may be health information. */
static int parse_record(edra_csv *csv, size_t *n_out, edra_error *err)
{
    const unsigned char *const data = (const unsigned char *)csv->data;
    const unsigned char *p = data + csv->pos;
    const unsigned char *const end = data + csv->len;
    const unsigned char *const uclass = csv->unquoted_class, *const qclass = csv->quoted_class;
    const int eof = csv->eof;
    size_t line = csv->line, line_start = csv->line_start, n = 0;
    const unsigned char *bad;
    int k;

/* Stream offset of a pointer into the window, and its column on the current line. */
#define OFFSET(ptr) (csv->base + (size_t)((ptr) - data))
#define COLUMN(ptr) (OFFSET(ptr) - line_start + 1)

    csv->rec_len = 0;
    if (p == end)
        return eof ? 0 : NEED_MORE;
    for (;;) {
        const unsigned char *seg;
        size_t start = csv->rec_len;
        if (p == end && !eof)
            return NEED_MORE;
        if (p < end && *p == '"') {
            size_t open_line = line, open_column = COLUMN(p);
            seg = ++p;
            for (;;) {
                p = skip_plain(p, end, qclass, '"', '"');
                if (p == end) {
                    if (!eof)
                        return NEED_MORE;
                    return edra_error_set(err, EDRA_EPARSE, "%s:%zu:%zu: unterminated quote",
                                          csv->name, open_line, open_column);
                }
                switch (qclass[*p]) {
                case QUOTE:
                    if (end - p < 2 && !eof)
                        return NEED_MORE;
                    if (end - p >= 2 && p[1] == '"') {
                        /* A doubled quote: keep the first, skip the second. */
                        if (append(csv, (const char *)seg, (size_t)(p + 1 - seg)) < 0)
                            return oom(csv, err);
                        p += 2;
                        seg = p;
                        continue;
                    }
                    break;
                case LF:
                    p++;
                    line++;
                    line_start = OFFSET(p);
                    continue;
                case CR:
                    if (end - p < 2 && !eof)
                        return NEED_MORE;
                    p++;
                    if (p == end || *p != '\n') {
                        line++;
                        line_start = OFFSET(p);
                    }
                    continue;
                case NUL:
                    bad = p;
                    goto nul_byte;
                default: /* HIGH */
                    k = utf8_sequence(p, end, eof);
                    if (k < 0)
                        return NEED_MORE;
                    if (k == 0) {
                        bad = p;
                        goto bad_utf8;
                    }
                    p += k;
                    continue;
                }
                break; /* the closing quote */
            }
            if (append(csv, (const char *)seg, (size_t)(p - seg)) < 0)
                return oom(csv, err);
            p++;
            /* p == end only at EOF: the QUOTE case waited for the byte after the quote. */
            if (p < end && uclass[*p] != DELIM && uclass[*p] != LF && uclass[*p] != CR) {
                return edra_error_set(err, EDRA_EPARSE,
                                      "%s:%zu:%zu: unexpected character after closing quote",
                                      csv->name, line, COLUMN(p));
            }
        } else {
            seg = p;
            for (;;) {
                p = skip_plain(p, end, uclass, '"', (unsigned char)csv->delimiter);
                if (p == end) {
                    if (!eof)
                        return NEED_MORE;
                    break;
                }
                unsigned char c = uclass[*p];
                if (c == DELIM || c == LF || c == CR)
                    break;
                if (c == QUOTE)
                    return edra_error_set(err, EDRA_EPARSE, "%s:%zu:%zu: quote in unquoted field",
                                          csv->name, line, COLUMN(p));
                if (c == NUL) {
                    bad = p;
                    goto nul_byte;
                }
                k = utf8_sequence(p, end, eof);
                if (k < 0)
                    return NEED_MORE;
                if (k == 0) {
                    bad = p;
                    goto bad_utf8;
                }
                p += k;
            }
            if (append(csv, (const char *)seg, (size_t)(p - seg)) < 0)
                return oom(csv, err);
        }
        if (end_field(csv, n++, start) < 0)
            return oom(csv, err);
        if (p == end) /* end of input without a final line break */
            break;
        if (*p == (unsigned char)csv->delimiter) {
            p++;
            continue;
        }
        if (*p == '\r') {
            if (end - p < 2 && !eof)
                return NEED_MORE;
            if (end - p >= 2 && p[1] == '\n')
                p++;
        }
        p++;
        line++;
        line_start = OFFSET(p);
        break;
    }
    csv->record_line = csv->line;
    csv->line = line;
    csv->line_start = line_start;
    csv->pos = (size_t)(p - data);
    *n_out = n;
    return 1;

nul_byte:
    return edra_error_set(err, EDRA_EPARSE, "%s:%zu:%zu: NUL byte", csv->name, line,
                          COLUMN(bad));
bad_utf8:
    return edra_error_set(err, EDRA_EPARSE, "%s:%zu:%zu: invalid UTF-8", csv->name, line,
                          COLUMN(bad));
#undef OFFSET
#undef COLUMN
}

/* Moves the unconsumed tail to the front of the block, doubles the block when the tail
 * already fills it (one record longer than the block), and reads until full or EOF. */
static int refill(edra_csv *csv, edra_error *err)
{
    size_t keep = csv->len - csv->pos;
    if (csv->pos > 0) {
        memmove(csv->block, csv->block + csv->pos, keep);
        csv->base += csv->pos;
        csv->pos = 0;
        csv->len = keep;
    }
    if (csv->len == csv->block_cap) {
        if (csv->block_cap > SIZE_MAX / 2)
            return oom(csv, err);
        char *grown = realloc(csv->block, csv->block_cap * 2);
        if (!grown)
            return oom(csv, err);
        csv->block = grown;
        csv->block_cap *= 2;
    }
    csv->data = csv->block;
    while (csv->len < csv->block_cap) {
        size_t got = fread(csv->block + csv->len, 1, csv->block_cap - csv->len, csv->file);
        csv->len += got;
        if (got == 0) {
            if (ferror(csv->file))
                return edra_error_set(err, EDRA_EIO, "%s: %s", csv->name, strerror(errno));
            csv->eof = 1;
            break;
        }
    }
    return 0;
}

static int create(edra_csv **out, const char *name, edra_error *err)
{
    size_t name_len = strlen(name);
    edra_csv *csv = calloc(1, sizeof *csv);
    if (!csv)
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", name);
    csv->name = malloc(name_len + 1);
    if (!csv->name) {
        free(csv);
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", name);
    }
    memcpy(csv->name, name, name_len + 1);
    csv->line = 1;
    *out = csv;
    return 0;
}

/* Skips a byte-order mark, settles the delimiter and builds the byte-class tables; the
 * window must already hold the start of the input, its whole first line if detecting. */
static void start(edra_csv *csv, char delimiter)
{
    if (csv->len >= 3 && memcmp(csv->data, "\xEF\xBB\xBF", 3) == 0) {
        csv->pos = 3;
        csv->line_start = 3;
    }
    if (!delimiter)
        detect_delimiter(csv->data + csv->pos, csv->data + csv->len, &delimiter);
    /* The spec refuses these; a delimiter outside ASCII could never pass UTF-8 checks. */
    assert(delimiter != '"' && delimiter != '\n' && delimiter != '\r');
    assert((unsigned char)delimiter < 0x80);
    csv->delimiter = delimiter;
    for (int c = 0x80; c < 256; c++)
        csv->unquoted_class[c] = csv->quoted_class[c] = HIGH;
    csv->unquoted_class['\0'] = csv->quoted_class['\0'] = NUL;
    csv->unquoted_class['\n'] = csv->quoted_class['\n'] = LF;
    csv->unquoted_class['\r'] = csv->quoted_class['\r'] = CR;
    csv->unquoted_class['"'] = csv->quoted_class['"'] = QUOTE;
    csv->unquoted_class[(unsigned char)delimiter] = DELIM;
}

int edra_csv_open(edra_csv **out, const char *path, char delimiter, edra_error *err)
{
    edra_csv *csv = NULL;
    int rc;
    *out = NULL;
    rc = create(&csv, path, err);
    if (rc < 0)
        return rc;
    csv->file = fopen(path, "rb");
    if (!csv->file) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    /* Whole blocks go straight into ours; stdio's own buffer would only add a copy. */
    setvbuf(csv->file, NULL, _IONBF, 0);
    csv->block = malloc(BLOCK_SIZE);
    if (!csv->block) {
        rc = oom(csv, err);
        goto done;
    }
    csv->block_cap = BLOCK_SIZE;
    /* start() needs the 3 bytes of a possible BOM and, to detect the delimiter, the whole
     * first line: read on (the block doubles) if that line is longer than a block. */
    for (;;) {
        char ignored;
        rc = refill(csv, err);
        if (rc < 0)
            goto done;
        if (csv->eof || (csv->len >= 3 && (delimiter || detect_delimiter(csv->data,
                                                            csv->data + csv->len, &ignored))))
            break;
    }
    start(csv, delimiter);
    *out = csv;
    csv = NULL;
done:
    edra_csv_free(csv);
    return rc;
}

int edra_csv_open_buffer(edra_csv **out, const char *buf, size_t len, const char *name,
                         char delimiter, edra_error *err)
{
    edra_csv *csv = NULL;
    int rc;
    *out = NULL;
    rc = create(&csv, name ? name : "<buffer>", err);
    if (rc < 0)
        return rc;
    csv->data = buf;
    csv->len = len;
    csv->eof = 1;
    start(csv, delimiter);
    *out = csv;
    return 0;
}

int edra_csv_next(edra_csv *csv, char ***fields, size_t **lengths, size_t *n_fields,
                  edra_error *err)
{
    size_t n = 0;
    int rc;
    *n_fields = 0;
    if (csv->failed) {
        if (err)
            *err = csv->failure;
        return csv->failed;
    }
    /* A local context so the failure can be replayed even when the caller passed none. */
    edra_error_clear(&csv->failure);
    while ((rc = parse_record(csv, &n, &csv->failure)) == NEED_MORE) {
        rc = refill(csv, &csv->failure);
        if (rc < 0)
            break;
    }
    if (rc == 1) {
        if (csv->n_expected == 0)
            csv->n_expected = n;
        else if (n != csv->n_expected)
            rc = edra_error_set(&csv->failure, EDRA_EPARSE,
                                "%s:%zu: expected %zu fields, found %zu", csv->name,
                                csv->record_line, csv->n_expected, n);
    }
    if (rc < 0) {
        csv->failed = rc;
        if (err)
            *err = csv->failure;
        return rc;
    }
    if (rc == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        csv->fields[i] = csv->rec + csv->starts[i];
    *fields = csv->fields;
    *lengths = csv->lengths;
    *n_fields = n;
    return 1;
}

size_t edra_csv_line(const edra_csv *csv)
{
    return csv->record_line;
}

char edra_csv_delimiter(const edra_csv *csv)
{
    return csv->delimiter;
}

size_t edra_csv_offset(const edra_csv *csv)
{
    return csv->base + csv->pos;
}

void edra_csv_free(edra_csv *csv)
{
    if (!csv)
        return;
    if (csv->file)
        fclose(csv->file);
    free(csv->block);
    free(csv->rec);
    free(csv->fields);
    free(csv->lengths);
    free(csv->starts);
    free(csv->name);
    free(csv);
}
