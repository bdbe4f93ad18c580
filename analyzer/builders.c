/* Hierarchy builders (ARX's masking, interval, date and order builders, Prasser et al.,
 * "ARX - A Comprehensive Tool for Anonymizing Biomedical Data", AMIA 2014): each turns the
 * column's distinct values into ARX's cell layout and lets metrics/hierarchy.c check the
 * tree. ISO 8601 weeks per the standard's Thursday rule; dates via strptime, hence
 * _XOPEN_SOURCE 700 in this file only. */
#define _XOPEN_SOURCE 700
#include "builders.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The cells under construction, row-major. Level 0 points at the caller's values (they
 * outlive the table, and edra_hierarchy_new copies them once); a label equal to the one
 * above it (the previous row's at that level) is that same string again, so the labels
 * of sorted input, which repeat row after row, are kept once each. Labels live in blocks
 * that never move, so a cell is a plain pointer that goes to edra_hierarchy_new as is. */
typedef struct label_block {
    struct label_block *next;
    size_t used, cap;
    char text[];
} label_block;

typedef struct {
    size_t n_rows, n_levels;
    const char **cells;
    label_block *labels;
} table;

#define LABEL_BLOCK ((size_t)1 << 16)

static int oom(edra_error *err, const edra_spec_attr *a)
{
    return edra_error_set(err, EDRA_ENOMEM, "attribute '%s': out of memory building its hierarchy",
                          a->name);
}

static int table_init(table *t, size_t n_rows, size_t n_levels)
{
    /* The sizes below must not wrap, however many values there are. */
    if (n_rows > SIZE_MAX / sizeof *t->cells / n_levels)
        return -1;
    t->n_rows = n_rows;
    t->n_levels = n_levels;
    t->cells = malloc(n_rows * n_levels * sizeof *t->cells);
    return t->cells ? 0 : -1;
}

static void table_free(table *t)
{
    free(t->cells);
    while (t->labels) {
        label_block *next = t->labels->next;
        free(t->labels);
        t->labels = next;
    }
}

/* The leaf of row: value itself, borrowed. */
static void table_leaf(table *t, size_t row, const char *value)
{
    t->cells[row * t->n_levels] = value;
}

/* The cell of row at level (> 0): the row above's when equal, else a copy of s. */
static int table_put(table *t, size_t row, size_t level, const char *s)
{
    const char **cell = &t->cells[row * t->n_levels + level];
    const char *above = row > 0 ? t->cells[(row - 1) * t->n_levels + level] : NULL;
    if (above && strcmp(above, s) == 0) {
        *cell = above;
        return 0;
    }
    size_t n = strlen(s) + 1;
    label_block *b = t->labels;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > LABEL_BLOCK ? n : LABEL_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return -1;
        b->next = t->labels;
        b->used = 0;
        b->cap = cap;
        t->labels = b;
    }
    memcpy(b->text + b->used, s, n);
    *cell = b->text + b->used;
    b->used += n;
    return 0;
}

/* Row's cells at levels first..last are the row above's. */
static void table_repeat(table *t, size_t row, size_t first, size_t last)
{
    for (size_t l = first; l <= last; l++)
        t->cells[row * t->n_levels + l] = t->cells[(row - 1) * t->n_levels + l];
}

/* Hands the finished cells to edra_hierarchy_new, which copies them. */
static int table_build(edra_hierarchy **out, const table *t, const edra_spec_attr *a,
                       edra_error *err)
{
    char origin[160];
    snprintf(origin, sizeof origin, "builder for %.100s", a->name);
    return edra_hierarchy_new(out, t->cells, t->n_rows, t->n_levels, origin, err);
}

/* ---- mask ---- */

/* Characters are UTF-8 code points, so a masked "Zürich" keeps whole characters. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Byte offset of the character at index chars (or the end). */
static size_t utf8_offset(const char *s, size_t chars)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars-- == 0)
            break;
    return i;
}

static int cmp_str_ptr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int build_mask(table *t, const edra_spec_attr *a, const char **vals, size_t n,
                      edra_error *err)
{
    size_t mask = (size_t)a->hierarchy.mask_chars, first_len = 0, max_len = 0;
    int same_len = 1, covered;
    char *label = NULL;
    int rc = 0;
    qsort(vals, n, sizeof *vals, cmp_str_ptr);
    for (size_t r = 0; r < n; r++) {
        size_t len = utf8_chars(vals[r]);
        if (r == 0)
            first_len = len;
        same_len &= len == first_len;
        max_len = len > max_len ? len : max_len;
    }
    /* Masking more characters than the longest value has changes nothing, and a huge N
     * from a spec would only make identical levels. */
    if (mask > max_len)
        mask = max_len;
    /* No "*" level when level N masks every value whole into one string already; values
     * of several lengths stay apart ("***" vs "*****") and need it. */
    covered = same_len && first_len <= mask;
    if (table_init(t, n, 1 + mask + !covered) < 0)
        return oom(err, a);
    for (size_t r = 0; r < n; r++) {
        const char *v = vals[r];
        size_t len = utf8_chars(v), bytes = strlen(v);
        label = malloc(bytes + mask + 1);
        table_leaf(t, r, v);
        if (!label) {
            rc = oom(err, a);
            goto done;
        }
        for (size_t level = 1; level <= mask; level++) {
            size_t stars = level < len ? level : len, used = 0;
            if (a->hierarchy.mask_from_left) {
                size_t keep_from = utf8_offset(v, stars);
                memset(label, '*', stars);
                memcpy(label + stars, v + keep_from, bytes - keep_from);
                used = stars + bytes - keep_from;
            } else {
                size_t keep = utf8_offset(v, len - stars);
                memcpy(label, v, keep);
                memset(label + keep, '*', stars);
                used = keep + stars;
            }
            label[used] = '\0';
            if (table_put(t, r, level, label) < 0) {
                rc = oom(err, a);
                goto done;
            }
        }
        if (!covered && table_put(t, r, mask + 1, "*") < 0) {
            rc = oom(err, a);
            goto done;
        }
        free(label);
        label = NULL;
    }
done:
    free(label);
    return rc;
}

/* ---- intervals ---- */

/* A value with its sort key (number, day number or position in the order); dates keep
 * their parsed fields so they are read once. */
typedef struct {
    const char *text;
    double key;
    int y, m, d;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *p = x, *q = y;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return strcmp(p->text, q->text);
}

/* A whole-string finite number, as strtod reads it; no surrounding blanks. */
static int parse_number(const char *s, double *x)
{
    char *end = NULL;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    *x = strtod(s, &end);
    return *end || !isfinite(*x) ? -1 : 0;
}

/* %.15g drops the binary noise of sums like 0 + 3 * 0.1, and -0 prints as 0. */
static void format_number(char *buf, size_t cap, double x)
{
    snprintf(buf, cap, "%.15g", x == 0 ? 0.0 : x);
}

static int build_intervals(table *t, const edra_spec_attr *a, const char **vals, size_t n,
                           edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    double origin = h->has_bottom ? h->bottom : 0;
    size_t n_levels = 1 + h->n_widths + 1;
    keyed *items = malloc(n * sizeof *items);
    int rc = 0, prev_coded = 0;
    double prev_band1 = 0;
    if (!items)
        return oom(err, a);
    for (size_t r = 0; r < n; r++) {
        items[r].text = vals[r];
        if (parse_number(vals[r], &items[r].key) < 0) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not a number", a->name);
            goto done;
        }
    }
    qsort(items, n, sizeof *items, cmp_keyed);
    if (table_init(t, n, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    for (size_t r = 0; r < n; r++) {
        double x = items[r].key, band1 = 0;
        char label[128], lo[48], hi[48];
        /* -1 below the bottom, 1 at or above the top, 0 in a band. */
        int coded = h->has_bottom && x < h->bottom ? -1 : h->has_top && x >= h->top ? 1 : 0;
        table_leaf(t, r, items[r].text);
        if (table_put(t, r, n_levels - 1, "*") < 0) {
            rc = oom(err, a);
            goto done;
        }
        /* The tolerance of 1e-9 band keeps a decimal on a boundary (0.3 with width 0.1,
         * where 0.3 / 0.1 = 2.9999999999999996) in the band it starts. Coarser bands are
         * taken from the level-1 band number, so nesting never depends on rounding. */
        if (!coded)
            band1 = floor((x - origin) / h->widths[0] + 1e-9);
        /* The rows are sorted: a row in the previous row's band (or beyond the same end)
         * has its labels, with no formatting. */
        if (r > 0 && coded == prev_coded && band1 == prev_band1) {
            table_repeat(t, r, 1, h->n_widths);
            continue;
        }
        prev_coded = coded;
        prev_band1 = band1;
        if (coded < 0) {
            format_number(lo, sizeof lo, h->bottom);
            snprintf(label, sizeof label, "<%s", lo);
        } else if (coded > 0) {
            format_number(hi, sizeof hi, h->top);
            snprintf(label, sizeof label, ">=%s", hi);
        }
        for (size_t w = 0; w < h->n_widths; w++) {
            if (!coded) {
                double ratio = round(h->widths[w] / h->widths[0]);
                double lower = origin + floor(band1 / ratio) * h->widths[w];
                double upper = lower + h->widths[w];
                if (h->has_top && upper > h->top)
                    upper = h->top;
                format_number(lo, sizeof lo, lower);
                format_number(hi, sizeof hi, upper);
                snprintf(label, sizeof label, "[%s, %s)", lo, hi);
            }
            if (table_put(t, r, 1 + w, label) < 0) {
                rc = oom(err, a);
                goto done;
            }
        }
    }
done:
    free(items);
    return rc;
}

/* ---- dates ---- */

static long long floor_div(long long x, long long y)
{
    return x / y - (x % y != 0 && (x < 0) != (y < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = floor_div(y, 400);
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

/* Reads value with the format; fields the format lacks default to January and day 1.
 * strptime does not check the day against the month, so that is done here. */
static int parse_date(const char *value, const char *format, int *y, int *m, int *d)
{
    struct tm tm;
    const char *end;
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    end = strptime(value, format, &tm);
    if (!end || *end)
        return -1;
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    *d = tm.tm_mday;
    if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

/* ISO 8601 week: the week (Monday to Sunday) belongs to the year of its Thursday.
 * 1970-01-01 was a Thursday, so Thursdays are the multiples of 7 days from the epoch. */
static void iso_week(long long days, int y, int *week_year, int *week)
{
    long long thursday = floor_div(days + 3, 7) * 7;
    int wy = y;
    if (thursday < days_from_civil(y, 1, 1))
        wy = y - 1;
    else if (thursday >= days_from_civil((long long)y + 1, 1, 1))
        wy = y + 1;
    *week_year = wy;
    *week = (int)((thursday - days_from_civil(wy, 1, 1)) / 7 + 1);
}

static int build_date(table *t, const edra_spec_attr *a, const char **vals, size_t n,
                      edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    const char *format = a->date_format ? a->date_format : "%Y-%m-%d";
    size_t n_levels = 1 + h->n_date_levels + 1;
    int has_week = 0;
    keyed *items = malloc(n * sizeof *items);
    int rc = 0;
    if (!items)
        return oom(err, a);
    for (size_t i = 0; i < h->n_date_levels; i++)
        has_week |= h->date_levels[i] == EDRA_DATE_WEEK;
    for (size_t r = 0; r < n; r++) {
        items[r].text = vals[r];
        if (parse_date(vals[r], format, &items[r].y, &items[r].m, &items[r].d) < 0) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not a date in the format '%s'",
                                a->name, format);
            goto done;
        }
        /* Day numbers are exact in a double far beyond any strptime year. */
        items[r].key = (double)days_from_civil(items[r].y, items[r].m, items[r].d);
    }
    qsort(items, n, sizeof *items, cmp_keyed);
    if (table_init(t, n, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    for (size_t r = 0; r < n; r++) {
        int y = items[r].y, m = items[r].m, week_year, week, coarse_year;
        char label[64];
        iso_week((long long)items[r].key, y, &week_year, &week);
        /* After a week level every coarser level must contain whole weeks, so it is
         * counted in ISO week-years (2024-12-30 is in 2025-W01, hence in 2025). */
        coarse_year = has_week ? week_year : y;
        table_leaf(t, r, items[r].text);
        if (table_put(t, r, n_levels - 1, "*") < 0) {
            rc = oom(err, a);
            goto done;
        }
        for (size_t i = 0; i < h->n_date_levels; i++) {
            long long decade = floor_div(coarse_year, 10) * 10;
            long long century = floor_div(coarse_year, 100) * 100;
            switch (h->date_levels[i]) {
            case EDRA_DATE_WEEK:
                snprintf(label, sizeof label, "%04d-W%02d", week_year, week);
                break;
            case EDRA_DATE_MONTH:
                snprintf(label, sizeof label, "%04d-%02d", y, m);
                break;
            case EDRA_DATE_QUARTER:
                snprintf(label, sizeof label, "%04d-Q%d", y, (m - 1) / 3 + 1);
                break;
            case EDRA_DATE_YEAR:
                snprintf(label, sizeof label, "%04d", coarse_year);
                break;
            case EDRA_DATE_DECADE:
                snprintf(label, sizeof label, "%04lld-%04lld", decade, decade + 9);
                break;
            default:
                assert(h->date_levels[i] == EDRA_DATE_CENTURY);
                snprintf(label, sizeof label, "%04lld-%04lld", century, century + 99);
                break;
            }
            if (table_put(t, r, 1 + i, label) < 0) {
                rc = oom(err, a);
                goto done;
            }
        }
    }
done:
    free(items);
    return rc;
}

/* ---- order ---- */

static int cmp_keyed_text(const void *x, const void *y)
{
    return strcmp(((const keyed *)x)->text, ((const keyed *)y)->text);
}

static int build_order(table *t, const edra_spec_attr *a, const char **vals, size_t n,
                       edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    size_t n_levels = 1 + h->n_groups + 1;
    keyed *by_text = malloc(h->n_order * sizeof *by_text);
    keyed *items = malloc(n * sizeof *items);
    char *label = NULL;
    int rc = 0;
    if (!by_text || !items) {
        rc = oom(err, a);
        goto done;
    }
    /* Positions are found by binary search over the order sorted by text (the spec
     * guarantees its values are distinct). */
    for (size_t i = 0; i < h->n_order; i++) {
        by_text[i].text = h->order[i];
        by_text[i].key = (double)i;
    }
    qsort(by_text, h->n_order, sizeof *by_text, cmp_keyed_text);
    for (size_t r = 0; r < n; r++) {
        keyed probe = {vals[r], 0, 0, 0, 0};
        const keyed *hit = bsearch(&probe, by_text, h->n_order, sizeof *by_text, cmp_keyed_text);
        if (!hit) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not in the hierarchy's order",
                                a->name);
            goto done;
        }
        items[r] = probe;
        items[r].key = hit->key;
    }
    qsort(items, n, sizeof *items, cmp_keyed);
    if (table_init(t, n, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    for (size_t r = 0; r < n; r++) {
        size_t pos = (size_t)items[r].key;
        table_leaf(t, r, items[r].text);
        if (table_put(t, r, n_levels - 1, "*") < 0) {
            rc = oom(err, a);
            goto done;
        }
        for (size_t g = 0; g < h->n_groups; g++) {
            size_t first = pos / h->groups[g] * h->groups[g];
            size_t last = first + h->groups[g] - 1 < h->n_order ? first + h->groups[g] - 1
                                                                 : h->n_order - 1;
            size_t len_first = strlen(h->order[first]), len_last = strlen(h->order[last]);
            /* A run cut short to one value by the end of the order is named by it alone. */
            label = malloc(len_first + 1 + len_last + 1);
            if (!label) {
                rc = oom(err, a);
                goto done;
            }
            if (first == last)
                memcpy(label, h->order[first], len_first + 1);
            else
                snprintf(label, len_first + len_last + 2, "%s-%s", h->order[first], h->order[last]);
            if (table_put(t, r, 1 + g, label) < 0) {
                rc = oom(err, a);
                goto done;
            }
            free(label);
            label = NULL;
        }
    }
done:
    free(label);
    free(items);
    free(by_text);
    return rc;
}

/* ---- public ---- */

int edra_builder_build(edra_hierarchy **out, const edra_spec_attr *attr, const char *const *values,
                       size_t n_values, edra_error *err)
{
    table t = {0, 0, NULL, NULL};
    const char **vals = NULL;
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    if (attr->hierarchy.kind != EDRA_HIER_MASK && attr->hierarchy.kind != EDRA_HIER_INTERVALS &&
        attr->hierarchy.kind != EDRA_HIER_DATE && attr->hierarchy.kind != EDRA_HIER_ORDER)
        return edra_error_set(err, EDRA_EINTERNAL, "attribute '%s': hierarchy kind %d has no builder",
                              attr->name, (int)attr->hierarchy.kind);
    vals = malloc((n_values ? n_values : 1) * sizeof *vals);
    if (!vals)
        return oom(err, attr);
    for (size_t i = 0; i < n_values; i++)
        if (values[i][0])
            vals[n++] = values[i];
    if (n == 0) {
        rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': no values to build its hierarchy from",
                            attr->name);
        goto done;
    }
    switch (attr->hierarchy.kind) {
    case EDRA_HIER_MASK:
        rc = build_mask(&t, attr, vals, n, err);
        break;
    case EDRA_HIER_INTERVALS:
        rc = build_intervals(&t, attr, vals, n, err);
        break;
    case EDRA_HIER_DATE:
        rc = build_date(&t, attr, vals, n, err);
        break;
    default:
        rc = build_order(&t, attr, vals, n, err);
        break;
    }
    if (rc == 0)
        rc = table_build(out, &t, attr, err);
done:
    table_free(&t);
    free(vals);
    return rc;
}

/* One cell, quoted per RFC 4180 only when it must be. */
static int write_cell(FILE *out, const char *cell, char delimiter)
{
    if (!strchr(cell, delimiter) && !strpbrk(cell, "\"\r\n"))
        return fputs(cell, out) == EOF ? -1 : 0;
    if (putc('"', out) == EOF)
        return -1;
    for (const char *p = cell; *p; p++)
        if ((*p == '"' && putc('"', out) == EOF) || putc(*p, out) == EOF)
            return -1;
    return putc('"', out) == EOF ? -1 : 0;
}

int edra_hierarchy_write_csv(const edra_hierarchy *h, FILE *out, char delimiter, edra_error *err)
{
    size_t n_levels = edra_hierarchy_levels(h), n_leaves = edra_hierarchy_leaves(h);
    int failed = 0;
    assert(delimiter && delimiter != '"' && delimiter != '\n' && delimiter != '\r');
    for (size_t leaf = 0; leaf < n_leaves && !failed; leaf++) {
        for (size_t level = 0; level < n_levels && !failed; level++) {
            const char *cell = edra_hierarchy_label(h, level, edra_hierarchy_map(h, level)[leaf]);
            failed = (level > 0 && putc(delimiter, out) == EOF) || write_cell(out, cell, delimiter) < 0;
        }
        failed = failed || putc('\n', out) == EOF;
    }
    /* Buffered write errors surface only on the flush. */
    failed = failed || fflush(out) == EOF || ferror(out);
    return failed ? edra_error_set(err, EDRA_EIO, "could not write the hierarchy") : 0;
}
