/* Hierarchy builders (ARX's masking, interval, date and order builders, Prasser et al.,
 * "ARX - A Comprehensive Tool for Anonymizing Biomedical Data", AMIA 2014): each sorts the
 * column's distinct values (numbers, days and positions by an LSD radix sort of their keys)
 * and numbers each level's labels itself, so metrics/hierarchy.c takes the code maps over
 * and checks the tree without hashing the leaves. ISO 8601 weeks per the standard's Thursday rule; dates via strptime, hence
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

#include "../metrics/hash.h"

/* The hierarchy under construction, straight into the tables edra_hierarchy_new_coded
 * takes over: rows are the sorted values (order[row] indexes the caller's array, whose
 * strings outlive the table), and each level above 0 numbers its labels by first
 * appearance. Sorted rows repeat the previous row's label in long runs, so a label is
 * compared with the previous row's first and hashed only when it changes. Labels live in
 * blocks that never move. */
typedef struct label_block {
    struct label_block *next;
    size_t used, cap;
    char text[];
} label_block;

typedef struct {
    uint32_t *map;          /* [n_rows] row -> code */
    const char **labels;    /* [cap] */
    uint32_t width, cap;
    uint32_t *slots;        /* code + 1 of a label, 0 = free; 2 * cap of them */
} level_acc;

typedef struct {
    size_t n_rows, n_levels;
    const char *const *values;
    uint32_t *order;        /* [n_rows] row -> index into values */
    level_acc *levels;      /* [n_levels]; level 0 (the values) unused */
    label_block *labels;
} table;

#define LABEL_BLOCK ((size_t)1 << 16)

static int oom(edra_error *err, const edra_spec_attr *a)
{
    return edra_error_set(err, EDRA_ENOMEM, "attribute '%s': out of memory building its hierarchy",
                          a->name);
}

/* Sizes the level tables for the rows in t->order. */
static int table_init(table *t, size_t n_levels)
{
    t->n_levels = n_levels;
    t->levels = calloc(n_levels, sizeof *t->levels);
    if (!t->levels)
        return -1;
    for (size_t l = 1; l < n_levels; l++) {
        level_acc *lv = &t->levels[l];
        lv->cap = 16;
        lv->map = malloc(t->n_rows * sizeof *lv->map);
        lv->labels = malloc(lv->cap * sizeof *lv->labels);
        lv->slots = calloc(2 * lv->cap, sizeof *lv->slots);
        if (!lv->map || !lv->labels || !lv->slots)
            return -1;
    }
    return 0;
}

static void table_free(table *t)
{
    free(t->order);
    if (t->levels)
        for (size_t l = 1; l < t->n_levels; l++) {
            free(t->levels[l].map);
            free(t->levels[l].labels);
            free(t->levels[l].slots);
        }
    free(t->levels);
    while (t->labels) {
        label_block *next = t->labels->next;
        free(t->labels);
        t->labels = next;
    }
}

/* The value of row, borrowed. */
static const char *table_value(const table *t, size_t row)
{
    return t->values[t->order[row]];
}

/* The slot of s in lv: its code's or the free one it would take. */
static size_t find_slot(const level_acc *lv, const char *s)
{
    size_t mask = 2 * (size_t)lv->cap - 1, i = (size_t)edra_hash_string(s) & mask;
    while (lv->slots[i] && strcmp(lv->labels[lv->slots[i] - 1], s) != 0)
        i = (i + 1) & mask;
    return i;
}

static const char *copy_label(table *t, const char *s)
{
    size_t n = strlen(s) + 1;
    label_block *b = t->labels;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > LABEL_BLOCK ? n : LABEL_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = t->labels;
        b->used = 0;
        b->cap = cap;
        t->labels = b;
    }
    char *copy = b->text + b->used;
    memcpy(copy, s, n);
    b->used += n;
    return copy;
}

/* Doubles the labels and rehashes them. */
static int level_grow(level_acc *lv)
{
    uint32_t cap = 2 * lv->cap;
    const char **labels = realloc(lv->labels, cap * sizeof *labels);
    if (!labels)
        return -1;
    lv->labels = labels;
    free(lv->slots);
    lv->slots = calloc(2 * (size_t)cap, sizeof *lv->slots);
    if (!lv->slots)
        return -1;
    lv->cap = cap;
    for (uint32_t c = 0; c < lv->width; c++)
        lv->slots[find_slot(lv, lv->labels[c])] = c + 1;
    return 0;
}

/* The label of row at level (> 0) is s. */
static int table_put(table *t, size_t row, size_t level, const char *s)
{
    level_acc *lv = &t->levels[level];
    if (row > 0 && strcmp(lv->labels[lv->map[row - 1]], s) == 0) {
        lv->map[row] = lv->map[row - 1];
        return 0;
    }
    size_t slot = find_slot(lv, s);
    if (!lv->slots[slot]) {
        if (lv->width == lv->cap) {
            if (lv->cap > UINT32_MAX / 4 || level_grow(lv) < 0)
                return -1;
            slot = find_slot(lv, s);
        }
        const char *copy = copy_label(t, s);
        if (!copy)
            return -1;
        lv->labels[lv->width] = copy;
        lv->slots[slot] = ++lv->width;
    }
    lv->map[row] = lv->slots[slot] - 1;
    return 0;
}

/* Row's labels at levels first..last are the row above's. */
static void table_repeat(table *t, size_t row, size_t first, size_t last)
{
    for (size_t l = first; l <= last; l++)
        t->levels[l].map[row] = t->levels[l].map[row - 1];
}

/* Hands the finished tables to edra_hierarchy_new_coded, which takes over the maps;
 * leaf_of[i] is the row of values[i] (n_values of them). */
static int table_build(edra_hierarchy **out, table *t, size_t n_values, const uint32_t *leaf_of,
                       const edra_spec_attr *a, edra_error *err)
{
    size_t n_upper = t->n_levels - 1;
    uint32_t **maps = malloc((n_upper ? n_upper : 1) * sizeof *maps);
    uint32_t *widths = malloc((n_upper ? n_upper : 1) * sizeof *widths);
    const char *const **labels = malloc((n_upper ? n_upper : 1) * sizeof *labels);
    char origin[160];
    int rc;
    if (!maps || !widths || !labels) {
        free(maps);
        free(widths);
        free(labels);
        return oom(err, a);
    }
    for (size_t l = 1; l < t->n_levels; l++) {
        maps[l - 1] = t->levels[l].map;
        t->levels[l].map = NULL;
        widths[l - 1] = t->levels[l].width;
        labels[l - 1] = t->levels[l].labels;
    }
    edra_hierarchy_coded in = {t->n_rows, t->n_levels, t->values, n_values, leaf_of, maps,
                               widths, (const char *const *const *)labels};
    snprintf(origin, sizeof origin, "builder for %.100s", a->name);
    rc = edra_hierarchy_new_coded(out, &in, origin, err);
    free(maps);
    free(widths);
    free(labels);
    return rc;
}

/* ---- sorting ---- */

/* Rows equal in sort order would be one leaf twice: the values must be distinct. Sorted
 * equal values are adjacent, and have equal keys when sorted by keys (NULL: by text);
 * the message is the one of a duplicate hierarchy row. */
static int check_distinct(const table *t, const uint64_t *keys, const edra_spec_attr *a,
                          edra_error *err)
{
    for (size_t r = 1; r < t->n_rows; r++)
        if ((!keys || keys[r] == keys[r - 1]) &&
            strcmp(table_value(t, r), table_value(t, r - 1)) == 0)
            return edra_error_set(err, EDRA_EDATA,
                                  "builder for %.100s:%zu: value at level 0 repeats row %zu",
                                  a->name, r + 1, r);
    return 0;
}

static int cmp_str_ptr(const void *x, const void *y)
{
    return strcmp(**(const char *const *const *)x, **(const char *const *const *)y);
}

/* order[from..to) sorted by the text of the values, by pointers into values (whose
 * offsets are the indexes). */
static int sort_by_text(table *t, size_t from, size_t to)
{
    size_t n = to - from;
    const char *const **p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return -1;
    for (size_t i = 0; i < n; i++)
        p[i] = &t->values[t->order[from + i]];
    qsort(p, n, sizeof *p, cmp_str_ptr);
    for (size_t i = 0; i < n; i++)
        t->order[from + i] = (uint32_t)(p[i] - t->values);
    free(p);
    return 0;
}

/* A double as an unsigned integer of the same order (-0 as 0; no NaN here). */
static uint64_t order_bits(double x)
{
    uint64_t u;
    if (x == 0)
        x = 0;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

static double from_order_bits(uint64_t u)
{
    double x;
    u = u >> 63 ? u & ~(UINT64_C(1) << 63) : ~u;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Sorts the rows by keys (the order bits of each row's number), ties by text: an LSD
 * radix sort, stable, bytes that all keys share skipped; then each run of equal keys
 * ("1" and "1.0") by text. keys and t->order are permuted together. */
static int sort_by_key(table *t, uint64_t *keys)
{
    size_t n = t->n_rows;
    uint64_t *keys2 = malloc((n ? n : 1) * sizeof *keys2);
    uint32_t *order2 = malloc((n ? n : 1) * sizeof *order2);
    size_t (*count)[256] = calloc(8, sizeof *count);
    int rc = 0;
    if (n < 2)
        goto done;
    if (!keys2 || !order2 || !count) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            count[b][(keys[i] >> (8 * b)) & 0xff]++;
    for (int b = 0; b < 8; b++) {
        size_t sum = 0;
        if (count[b][(keys[0] >> (8 * b)) & 0xff] == n)
            continue;
        for (int d = 0; d < 256; d++) {
            size_t c = count[b][d];
            count[b][d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = count[b][(keys[i] >> (8 * b)) & 0xff]++;
            keys2[to] = keys[i];
            order2[to] = t->order[i];
        }
        memcpy(keys, keys2, n * sizeof *keys);
        memcpy(t->order, order2, n * sizeof *order2);
    }
    free(keys2);
    free(order2);
    keys2 = NULL;
    order2 = NULL;
    for (size_t from = 0, to; from < n; from = to) {
        for (to = from + 1; to < n && keys[to] == keys[from];)
            to++;
        if (to - from > 1 && sort_by_text(t, from, to) < 0) {
            rc = -1;
            goto done;
        }
    }
done:
    free(keys2);
    free(order2);
    free(count);
    return rc;
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

static int build_mask(table *t, const edra_spec_attr *a, edra_error *err)
{
    size_t mask = (size_t)a->hierarchy.mask_chars, first_len = 0, max_len = 0, n = t->n_rows;
    int same_len = 1, covered;
    char *label = NULL;
    int rc = 0;
    if (sort_by_text(t, 0, n) < 0)
        return oom(err, a);
    if ((rc = check_distinct(t, NULL, a, err)) < 0)
        return rc;
    for (size_t r = 0; r < n; r++) {
        size_t len = utf8_chars(table_value(t, r));
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
    if (table_init(t, 1 + mask + !covered) < 0)
        return oom(err, a);
    for (size_t r = 0; r < n; r++) {
        const char *v = table_value(t, r);
        size_t len = utf8_chars(v), bytes = strlen(v);
        label = malloc(bytes + mask + 1);
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

static int build_intervals(table *t, const edra_spec_attr *a, edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    double origin = h->has_bottom ? h->bottom : 0;
    size_t n_levels = 1 + h->n_widths + 1, n = t->n_rows;
    uint64_t *keys = malloc(n * sizeof *keys);
    int rc = 0, prev_coded = 0;
    double prev_band1 = 0;
    if (!keys)
        return oom(err, a);
    for (size_t r = 0; r < n; r++) {
        double x;
        if (parse_number(table_value(t, r), &x) < 0) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not a number", a->name);
            goto done;
        }
        keys[r] = order_bits(x);
    }
    if (sort_by_key(t, keys) < 0 || table_init(t, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    if ((rc = check_distinct(t, keys, a, err)) < 0)
        goto done;
    for (size_t r = 0; r < n; r++) {
        double x = from_order_bits(keys[r]), band1 = 0;
        char label[128], lo[48], hi[48];
        /* -1 below the bottom, 1 at or above the top, 0 in a band. */
        int coded = h->has_bottom && x < h->bottom ? -1 : h->has_top && x >= h->top ? 1 : 0;
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
    free(keys);
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

/* The date of a day number since 1970-01-01 (Hinnant's civil_from_days). */
static void civil_from_days(long long days, int *y, int *m, int *d)
{
    days += 719468;
    long long era = floor_div(days, 146097);
    long long doe = days - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
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

static int build_date(table *t, const edra_spec_attr *a, edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    const char *format = a->date_format ? a->date_format : "%Y-%m-%d";
    size_t n_levels = 1 + h->n_date_levels + 1, n = t->n_rows;
    int has_week = 0;
    uint64_t *keys = malloc(n * sizeof *keys);
    int rc = 0;
    if (!keys)
        return oom(err, a);
    for (size_t i = 0; i < h->n_date_levels; i++)
        has_week |= h->date_levels[i] == EDRA_DATE_WEEK;
    for (size_t r = 0; r < n; r++) {
        int y, m, d;
        if (parse_date(table_value(t, r), format, &y, &m, &d) < 0) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not a date in the format '%s'",
                                a->name, format);
            goto done;
        }
        /* Day numbers are exact in a double far beyond any strptime year; the date is
         * recovered from them below, so each value is parsed once. */
        keys[r] = order_bits((double)days_from_civil(y, m, d));
    }
    if (sort_by_key(t, keys) < 0 || table_init(t, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    if ((rc = check_distinct(t, keys, a, err)) < 0)
        goto done;
    for (size_t r = 0; r < n; r++) {
        long long days = (long long)from_order_bits(keys[r]);
        int y, m, d, week_year, week, coarse_year;
        char label[64];
        civil_from_days(days, &y, &m, &d);
        iso_week(days, y, &week_year, &week);
        /* After a week level every coarser level must contain whole weeks, so it is
         * counted in ISO week-years (2024-12-30 is in 2025-W01, hence in 2025). */
        coarse_year = has_week ? week_year : y;
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
    free(keys);
    return rc;
}

/* ---- order ---- */

/* A value of the order with its position. */
typedef struct {
    const char *text;
    size_t pos;
} ranked;

static int cmp_ranked_text(const void *x, const void *y)
{
    return strcmp(((const ranked *)x)->text, ((const ranked *)y)->text);
}

static int build_order(table *t, const edra_spec_attr *a, edra_error *err)
{
    const edra_spec_hierarchy *h = &a->hierarchy;
    size_t n_levels = 1 + h->n_groups + 1, n = t->n_rows;
    ranked *by_text = malloc((h->n_order ? h->n_order : 1) * sizeof *by_text);
    uint64_t *keys = malloc(n * sizeof *keys);
    char *label = NULL;
    int rc = 0;
    if (!by_text || !keys) {
        rc = oom(err, a);
        goto done;
    }
    /* Positions are found by binary search over the order sorted by text (the spec
     * guarantees its values are distinct). */
    for (size_t i = 0; i < h->n_order; i++) {
        by_text[i].text = h->order[i];
        by_text[i].pos = i;
    }
    qsort(by_text, h->n_order, sizeof *by_text, cmp_ranked_text);
    for (size_t r = 0; r < n; r++) {
        ranked probe = {table_value(t, r), 0};
        const ranked *hit = bsearch(&probe, by_text, h->n_order, sizeof *by_text, cmp_ranked_text);
        if (!hit) {
            rc = edra_error_set(err, EDRA_EDATA, "attribute '%s': a value is not in the hierarchy's order",
                                a->name);
            goto done;
        }
        keys[r] = order_bits((double)hit->pos);
    }
    if (sort_by_key(t, keys) < 0 || table_init(t, n_levels) < 0) {
        rc = oom(err, a);
        goto done;
    }
    if ((rc = check_distinct(t, keys, a, err)) < 0)
        goto done;
    for (size_t r = 0; r < n; r++) {
        size_t pos = (size_t)from_order_bits(keys[r]);
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
    free(keys);
    free(by_text);
    return rc;
}

/* ---- public ---- */

int edra_builder_build_mapped(edra_hierarchy **out, const edra_spec_attr *attr,
                              const char *const *values, size_t n_values, uint32_t *leaf_of,
                              edra_error *err)
{
    table t = {0, 0, values, NULL, NULL, NULL};
    uint32_t *own_leaf_of = NULL;
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    if (attr->hierarchy.kind != EDRA_HIER_MASK && attr->hierarchy.kind != EDRA_HIER_INTERVALS &&
        attr->hierarchy.kind != EDRA_HIER_DATE && attr->hierarchy.kind != EDRA_HIER_ORDER)
        return edra_error_set(err, EDRA_EINTERNAL, "attribute '%s': hierarchy kind %d has no builder",
                              attr->name, (int)attr->hierarchy.kind);
    for (size_t i = 0; i < n_values; i++)
        n += values[i][0] != '\0';
    if (n == 0)
        return edra_error_set(err, EDRA_EDATA, "attribute '%s': no values to build its hierarchy from",
                              attr->name);
    /* Rows are numbered in 32 bits, as the hierarchy's leaves are. */
    if (n >= UINT32_MAX / 2)
        return edra_error_set(err, EDRA_EDATA, "builder for %.100s: hierarchy has too many rows (%zu)",
                              attr->name, n);
    t.n_rows = n;
    t.order = malloc(n * sizeof *t.order);
    if (!t.order)
        return oom(err, attr);
    n = 0;
    for (size_t i = 0; i < n_values; i++)
        if (values[i][0])
            t.order[n++] = (uint32_t)i;
    switch (attr->hierarchy.kind) {
    case EDRA_HIER_MASK:
        rc = build_mask(&t, attr, err);
        break;
    case EDRA_HIER_INTERVALS:
        rc = build_intervals(&t, attr, err);
        break;
    case EDRA_HIER_DATE:
        rc = build_date(&t, attr, err);
        break;
    default:
        rc = build_order(&t, attr, err);
        break;
    }
    if (rc < 0)
        goto done;
    /* The rows' order becomes the values' leaves, and goes before the hierarchy's tables
     * are made. */
    if (!leaf_of && !(leaf_of = own_leaf_of = malloc(n_values * sizeof *leaf_of))) {
        rc = oom(err, attr);
        goto done;
    }
    for (size_t i = 0; i < n_values; i++)
        leaf_of[i] = UINT32_MAX;
    for (size_t r = 0; r < t.n_rows; r++)
        leaf_of[t.order[r]] = (uint32_t)r;
    free(t.order);
    t.order = NULL;
    rc = table_build(out, &t, n_values, leaf_of, attr, err);
done:
    table_free(&t);
    free(own_leaf_of);
    return rc;
}

int edra_builder_build(edra_hierarchy **out, const edra_spec_attr *attr, const char *const *values,
                       size_t n_values, edra_error *err)
{
    return edra_builder_build_mapped(out, attr, values, n_values, NULL, err);
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
            const char *cell = edra_hierarchy_label(h, level, edra_hierarchy_code(h, level, leaf));
            failed = (level > 0 && putc(delimiter, out) == EOF) || write_cell(out, cell, delimiter) < 0;
        }
        failed = failed || putc('\n', out) == EOF;
    }
    /* Buffered write errors surface only on the flush. */
    failed = failed || fflush(out) == EOF || ferror(out);
    return failed ? edra_error_set(err, EDRA_EIO, "could not write the hierarchy") : 0;
}
