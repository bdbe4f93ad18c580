/* Tests of analyzer/builders: each builder's exact cells on hand-worked values (the
 * arithmetic is in the comments), bottom/top coding, ISO weeks across year ends, every
 * error with its message, and the ARX CSV writer (quoting, a write error, and a round trip
 * through a small RFC 4180 reader written here). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/builders.h"

/* The hierarchy as text, rows in leaf order, "cell;cell;...\n", read through the
 * hierarchy's own API so the writer is not involved. */
static const char *dump(const edra_hierarchy *h)
{
    static char out[8192];
    size_t used = 0;
    out[0] = '\0';
    for (size_t leaf = 0; leaf < edra_hierarchy_leaves(h); leaf++) {
        for (size_t level = 0; level < edra_hierarchy_levels(h); level++) {
            const char *cell = edra_hierarchy_label(h, level, edra_hierarchy_code(h, level, leaf));
            int n = snprintf(out + used, sizeof out - used, "%s%s", level ? ";" : "", cell);
            ck_assert_int_gt(n, 0);
            used += (size_t)n;
            ck_assert_uint_lt(used, sizeof out - 2);
        }
        out[used++] = '\n';
        out[used] = '\0';
    }
    return out;
}

static edra_spec_attr attr_of(const char *name, edra_attr_type type, edra_hier_kind kind)
{
    edra_spec_attr a;
    memset(&a, 0, sizeof a);
    a.name = (char *)name;
    a.role = EDRA_ROLE_QUASI;
    a.type = type;
    a.hierarchy.kind = kind;
    return a;
}

/* Builds over values and returns dump() of the result; the build must succeed. */
static const char *build_ok(const edra_spec_attr *a, const char *const *values, size_t n)
{
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    static char copy[8192];
    int rc = edra_builder_build(&h, a, values, n, &err);
    ck_assert_msg(rc == 0, "build failed: %d %s", rc, err.msg);
    ck_assert_ptr_nonnull(h);
    snprintf(copy, sizeof copy, "%s", dump(h));
    edra_hierarchy_free(h);
    return copy;
}

#define N(arr) (sizeof(arr) / sizeof *(arr))

/* ---- edra_builder_build: mask ---- */

START_TEST(test_builders_build__mask_zip_covers_all)
{
    /* 5-digit ZIPs, mask 5: levels 1..5 mask 1..5 digits from the right; level 5 is
     * "*****" for every value, so no extra "*" level (6 levels). Rows by strcmp. */
    edra_spec_attr a = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"10001", "02141", "02139"};
    a.hierarchy.mask_chars = 5;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "02139;0213*;021**;02***;0****;*****\n"
                     "02141;0214*;021**;02***;0****;*****\n"
                     "10001;1000*;100**;10***;1****;*****\n");
}
END_TEST

START_TEST(test_builders_build__mask_partial_adds_top)
{
    /* mask 2 < length 5: two masking levels, then "*". */
    edra_spec_attr a = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"02139", "02141"};
    a.hierarchy.mask_chars = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "02139;0213*;021**;*\n"
                     "02141;0214*;021**;*\n");
}
END_TEST

START_TEST(test_builders_build__mask_from_left)
{
    edra_spec_attr a = attr_of("code", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"ab12"};
    a.hierarchy.mask_chars = 2;
    a.hierarchy.mask_from_left = 1;
    ck_assert_str_eq(build_ok(&a, values, N(values)), "ab12;*b12;**12;*\n");
}
END_TEST

START_TEST(test_builders_build__mask_mixed_lengths)
{
    /* mask 3 over lengths 3 and 5: "123" is whole-masked from level 3 ("***") while
     * "12345" is "12***"; level 3 holds two values, so "*" is added (5 levels). */
    edra_spec_attr a = attr_of("code", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"12345", "123"};
    a.hierarchy.mask_chars = 3;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "123;12*;1**;***;*\n"
                     "12345;1234*;123**;12***;*\n");
}
END_TEST

START_TEST(test_builders_build__mask_longer_than_values)
{
    /* mask 4 over values of 2 characters counts as mask 2 (levels 3 and 4 would repeat
     * "**"); level 2 masks every value whole into "**", so no "*" level. */
    edra_spec_attr a = attr_of("code", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"cd", "ab"};
    a.hierarchy.mask_chars = 4;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "ab;a*;**\n"
                     "cd;c*;**\n");
    /* A huge N is capped the same way instead of allocating billions of levels. */
    a.hierarchy.mask_chars = 2147483647;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "ab;a*;**\n"
                     "cd;c*;**\n");
}
END_TEST

START_TEST(test_builders_build__mask_utf8_characters)
{
    /* "Zürich" is 6 characters in 7 bytes; masking 2 keeps "Züri", not a split 'ü'. */
    edra_spec_attr a = attr_of("city", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"Z\xc3\xbcrich"};
    a.hierarchy.mask_chars = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "Z\xc3\xbcrich;Z\xc3\xbcric*;Z\xc3\xbcri**;*\n");
}
END_TEST

START_TEST(test_builders_build__empty_value_left_out)
{
    /* "" (the default missing marker) cannot be a cell; the loader adds it as a leaf. */
    edra_spec_attr a = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {"", "021"};
    a.hierarchy.mask_chars = 1;
    ck_assert_str_eq(build_ok(&a, values, N(values)), "021;02*;*\n");
}
END_TEST

/* ---- edra_builder_build: intervals ---- */

START_TEST(test_builders_build__intervals_aligned_at_zero)
{
    /* widths [5, 10], no bottom: bands floor(x/5)*5 and floor(x/10)*10.
     * -3: floor(-0.6) = -1 -> [-5, 0); floor(-0.3) = -1 -> [-10, 0)
     *  7: [5, 10); [0, 10)     20: [20, 25); [20, 30)     23: [20, 25); [20, 30)
     * Rows numeric (-3, 7, 20, 23), not lexicographic (-3, 20, 23, 7). */
    edra_spec_attr a = attr_of("age", EDRA_TYPE_INTEGER, EDRA_HIER_INTERVALS);
    double widths[] = {5, 10};
    const char *values[] = {"23", "7", "20", "-3"};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "-3;[-5, 0);[-10, 0);*\n"
                     "7;[5, 10);[0, 10);*\n"
                     "20;[20, 25);[20, 30);*\n"
                     "23;[20, 25);[20, 30);*\n");
}
END_TEST

START_TEST(test_builders_build__intervals_bottom_top_coding)
{
    /* widths [5, 10, 20], bottom 1, top 30: bands aligned at 1.
     *  0: < 1 -> "<1" at every level           30, 60: >= 30 -> ">=30" at every level
     *  1: (1-1)/5 = 0 -> [1, 6); [1, 11); [1, 21)      5: 0.8 -> same bands as 1
     *  6: 1 -> [6, 11); floor(1/2) = 0 -> [1, 11); floor(1/4) = 0 -> [1, 21)
     * 29: 28/5 = 5.6 -> band 5: [26, 31) clipped at top -> [26, 30);
     *     floor(5/2) = 2: [21, 31) -> [21, 30); floor(5/4) = 1: [21, 41) -> [21, 30) */
    edra_spec_attr a = attr_of("los", EDRA_TYPE_INTEGER, EDRA_HIER_INTERVALS);
    double widths[] = {5, 10, 20};
    const char *values[] = {"60", "29", "6", "5", "30", "1", "0"};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 3;
    a.hierarchy.has_bottom = a.hierarchy.has_top = 1;
    a.hierarchy.bottom = 1;
    a.hierarchy.top = 30;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "0;<1;<1;<1;*\n"
                     "1;[1, 6);[1, 11);[1, 21);*\n"
                     "5;[1, 6);[1, 11);[1, 21);*\n"
                     "6;[6, 11);[1, 11);[1, 21);*\n"
                     "29;[26, 30);[21, 30);[21, 30);*\n"
                     "30;>=30;>=30;>=30;*\n"
                     "60;>=30;>=30;>=30;*\n");
}
END_TEST

START_TEST(test_builders_build__intervals_decimal_boundary)
{
    /* width 0.1: 0.3 / 0.1 = 2.9999999999999996 in binary, yet 0.3 starts band 3,
     * [0.3, 0.4) (0 + 3 * 0.1 = 0.30000000000000004 prints as 0.3). */
    edra_spec_attr a = attr_of("dose", EDRA_TYPE_DECIMAL, EDRA_HIER_INTERVALS);
    double widths[] = {0.1};
    const char *values[] = {"0.3", "0.25", "0.05"};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 1;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "0.05;[0, 0.1);*\n"
                     "0.25;[0.2, 0.3);*\n"
                     "0.3;[0.3, 0.4);*\n");
}
END_TEST

START_TEST(test_builders_build__intervals_not_a_number)
{
    /* Each of these is refused; the message names the attribute, never the value. */
    static const char *const bad[] = {"abc", " 5", "5x", "nan", "inf", "1e999"};
    edra_spec_attr a = attr_of("age", EDRA_TYPE_INTEGER, EDRA_HIER_INTERVALS);
    double widths[] = {5};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 1;
    for (size_t i = 0; i < N(bad); i++) {
        const char *values[] = {"20", bad[i]};
        edra_hierarchy *h = NULL;
        edra_error err = {0};
        ck_assert_int_eq(edra_builder_build(&h, &a, values, 2, &err), EDRA_EDATA);
        ck_assert_ptr_null(h);
        ck_assert_str_eq(err.msg, "attribute 'age': a value is not a number");
    }
}
END_TEST

/* ---- edra_builder_build: dates ---- */

START_TEST(test_builders_build__date_month_year_decade)
{
    /* Chronological rows; 2024-02-29 is valid (2024 is a leap year). */
    edra_spec_attr a = attr_of("born", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_date_level levels[] = {EDRA_DATE_MONTH, EDRA_DATE_YEAR, EDRA_DATE_DECADE};
    const char *values[] = {"2024-03-01", "1987-06-15", "2024-02-29"};
    a.hierarchy.date_levels = levels;
    a.hierarchy.n_date_levels = 3;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "1987-06-15;1987-06;1987;1980-1989;*\n"
                     "2024-02-29;2024-02;2024;2020-2029;*\n"
                     "2024-03-01;2024-03;2024;2020-2029;*\n");
}
END_TEST

START_TEST(test_builders_build__date_quarter_century)
{
    /* December is in Q4 ((12 - 1) / 3 + 1 = 4); 1999 is in 1900-1999. */
    edra_spec_attr a = attr_of("admitted", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_date_level levels[] = {EDRA_DATE_QUARTER, EDRA_DATE_CENTURY};
    const char *values[] = {"2023-12-31", "1999-01-01"};
    a.hierarchy.date_levels = levels;
    a.hierarchy.n_date_levels = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "1999-01-01;1999-Q1;1900-1999;*\n"
                     "2023-12-31;2023-Q4;2000-2099;*\n");
}
END_TEST

START_TEST(test_builders_build__date_iso_week_year)
{
    /* 2021-01-03 is a Sunday; its Thursday is 2020-12-31, so it is 2020-W53 (2020 began
     * on a Wednesday and is a leap year: 53 weeks) and its year level is 2020.
     * 2024-02-14: 2024-01-01 is a Monday, day 45 -> (45 - 1) / 7 + 1 = week 7.
     * 2024-12-30 is a Monday whose Thursday is 2025-01-02: 2025-W01, year 2025. */
    edra_spec_attr a = attr_of("admitted", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_date_level levels[] = {EDRA_DATE_WEEK, EDRA_DATE_YEAR};
    const char *values[] = {"2024-12-30", "2024-02-14", "2021-01-03"};
    a.hierarchy.date_levels = levels;
    a.hierarchy.n_date_levels = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "2021-01-03;2020-W53;2020;*\n"
                     "2024-02-14;2024-W07;2024;*\n"
                     "2024-12-30;2025-W01;2025;*\n");
}
END_TEST

START_TEST(test_builders_build__date_custom_format)
{
    /* %d/%m/%Y: "05/03/2024" is 5 March 2024; it sorts after 28/02/2024. */
    edra_spec_attr a = attr_of("admitted", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_date_level levels[] = {EDRA_DATE_MONTH};
    const char *values[] = {"05/03/2024", "28/02/2024"};
    a.date_format = (char *)"%d/%m/%Y";
    a.hierarchy.date_levels = levels;
    a.hierarchy.n_date_levels = 1;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "28/02/2024;2024-02;*\n"
                     "05/03/2024;2024-03;*\n");
}
END_TEST

START_TEST(test_builders_build__date_unparseable)
{
    /* Not dates in %Y-%m-%d: a 30 February, a month 13, a 29 February in a common year,
     * text, and trailing characters. */
    static const char *const bad[] = {"2024-02-30", "2024-13-01", "2023-02-29", "yesterday",
                                      "2024-03-05x"};
    edra_spec_attr a = attr_of("admitted", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_date_level levels[] = {EDRA_DATE_YEAR};
    a.hierarchy.date_levels = levels;
    a.hierarchy.n_date_levels = 1;
    for (size_t i = 0; i < N(bad); i++) {
        const char *values[] = {bad[i], "2024-01-01"};
        edra_hierarchy *h = NULL;
        edra_error err = {0};
        ck_assert_int_eq(edra_builder_build(&h, &a, values, 2, &err), EDRA_EDATA);
        ck_assert_ptr_null(h);
        ck_assert_str_eq(err.msg, "attribute 'admitted': a value is not a date in the format '%Y-%m-%d'");
    }
}
END_TEST

/* ---- edra_builder_build: order ---- */

static char *severity[] = {"low", "mid", "high", "severe", "critical"};

START_TEST(test_builders_build__order_groups)
{
    /* groups [2, 4] over 5 values: runs {low, mid} {high, severe} {critical} at level 1,
     * {low..severe} {critical} at level 2; a run of one is named by its value. */
    edra_spec_attr a = attr_of("severity", EDRA_TYPE_ORDINAL, EDRA_HIER_ORDER);
    size_t groups[] = {2, 4};
    const char *values[] = {"critical", "low", "high"};
    a.hierarchy.order = severity;
    a.hierarchy.n_order = 5;
    a.hierarchy.groups = groups;
    a.hierarchy.n_groups = 2;
    ck_assert_str_eq(build_ok(&a, values, N(values)),
                     "low;low-mid;low-severe;*\n"
                     "high;high-severe;low-severe;*\n"
                     "critical;critical;critical;*\n");
}
END_TEST

START_TEST(test_builders_build__order_without_groups)
{
    edra_spec_attr a = attr_of("severity", EDRA_TYPE_ORDINAL, EDRA_HIER_ORDER);
    const char *values[] = {"severe", "mid"};
    a.hierarchy.order = severity;
    a.hierarchy.n_order = 5;
    ck_assert_str_eq(build_ok(&a, values, N(values)), "mid;*\nsevere;*\n");
}
END_TEST

START_TEST(test_builders_build__order_value_not_listed)
{
    edra_spec_attr a = attr_of("severity", EDRA_TYPE_ORDINAL, EDRA_HIER_ORDER);
    const char *values[] = {"low", "extreme"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    a.hierarchy.order = severity;
    a.hierarchy.n_order = 5;
    ck_assert_int_eq(edra_builder_build(&h, &a, values, 2, &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, "attribute 'severity': a value is not in the hierarchy's order");
}
END_TEST

/* ---- edra_builder_build: errors common to all kinds ---- */

START_TEST(test_builders_build__no_values)
{
    edra_spec_attr a = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    const char *values[] = {""};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    a.hierarchy.mask_chars = 3;
    ck_assert_int_eq(edra_builder_build(&h, &a, values, 1, &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, "attribute 'zip': no values to build its hierarchy from");
    ck_assert_int_eq(edra_builder_build(&h, &a, NULL, 0, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "attribute 'zip': no values to build its hierarchy from");
}
END_TEST

START_TEST(test_builders_build__kind_without_builder)
{
    /* FILE (1) and NONE are loaded or made flat elsewhere; asking a builder is a bug. */
    edra_spec_attr a = attr_of("sex", EDRA_TYPE_STRING, EDRA_HIER_FILE);
    const char *values[] = {"F"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_builder_build(&h, &a, values, 1, &err), EDRA_EINTERNAL);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, "attribute 'sex': hierarchy kind 1 has no builder");
}
END_TEST

/* ---- edra_builder_build_mapped ---- */

/* Every value maps to the leaf labelled with it; empty values to UINT32_MAX. */
static void assert_leaf_labels(const edra_hierarchy *h, const char *const *values, size_t n,
                               const uint32_t *leaf_of)
{
    for (size_t i = 0; i < n; i++) {
        if (!values[i][0]) {
            ck_assert_uint_eq(leaf_of[i], UINT32_MAX);
            continue;
        }
        ck_assert_uint_lt(leaf_of[i], edra_hierarchy_leaves(h));
        ck_assert_str_eq(edra_hierarchy_label(h, 0, leaf_of[i]), values[i]);
    }
}

START_TEST(test_builders_build_mapped__intervals_leaf_of)
{
    /* width 5: sorted rows 1 ("1" before "1.0": equal numbers go by text), 1.0, 3, 7, 12.5,
     * so leaf_of = {7 -> 3, "" -> none, 12.5 -> 4, 3 -> 2, 1.0 -> 1, 1 -> 0}. */
    edra_spec_attr a = attr_of("x", EDRA_TYPE_DECIMAL, EDRA_HIER_INTERVALS);
    double widths[] = {5};
    const char *values[] = {"7", "", "12.5", "3", "1.0", "1"};
    static const uint32_t want[] = {3, UINT32_MAX, 4, 2, 1, 0};
    uint32_t leaf_of[N(values)];
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 1;
    ck_assert_int_eq(edra_builder_build_mapped(&h, &a, values, N(values), leaf_of, &err), 0);
    for (size_t i = 0; i < N(values); i++)
        ck_assert_uint_eq(leaf_of[i], want[i]);
    assert_leaf_labels(h, values, N(values), leaf_of);
    ck_assert_str_eq(dump(h), "1;[0, 5);*\n1.0;[0, 5);*\n3;[0, 5);*\n7;[5, 10);*\n12.5;[10, 15);*\n");
    /* The leaves' lookup, built on this first call, agrees with leaf_of. */
    ck_assert_int_eq(edra_hierarchy_find(h, "12.5"), 4);
    ck_assert_int_eq(edra_hierarchy_find(h, "1.0"), 1);
    ck_assert_int_eq(edra_hierarchy_find(h, ""), -1);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_builders_build_mapped__every_kind)
{
    /* Mask (by text: 021 < 022 < 10), date (chronological), order (by the order). */
    edra_spec_attr mask = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    edra_spec_attr date = attr_of("born", EDRA_TYPE_DATE, EDRA_HIER_DATE);
    edra_spec_attr order = attr_of("severity", EDRA_TYPE_ORDINAL, EDRA_HIER_ORDER);
    edra_date_level levels[] = {EDRA_DATE_YEAR};
    const char *zips[] = {"10", "022", "", "021"}, *days[] = {"2024-03-01", "1987-06-15"};
    const char *sev[] = {"critical", "low", "high"};
    static const uint32_t want_zip[] = {2, 1, UINT32_MAX, 0}, want_day[] = {1, 0},
                          want_sev[] = {2, 0, 1};
    uint32_t leaf_of[4];
    edra_hierarchy *h = NULL;
    mask.hierarchy.mask_chars = 1;
    date.hierarchy.date_levels = levels;
    date.hierarchy.n_date_levels = 1;
    order.hierarchy.order = severity;
    order.hierarchy.n_order = 5;
    ck_assert_int_eq(edra_builder_build_mapped(&h, &mask, zips, 4, leaf_of, NULL), 0);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(leaf_of[i], want_zip[i]);
    assert_leaf_labels(h, zips, 4, leaf_of);
    edra_hierarchy_free(h);
    ck_assert_int_eq(edra_builder_build_mapped(&h, &date, days, 2, leaf_of, NULL), 0);
    for (size_t i = 0; i < 2; i++)
        ck_assert_uint_eq(leaf_of[i], want_day[i]);
    assert_leaf_labels(h, days, 2, leaf_of);
    edra_hierarchy_free(h);
    ck_assert_int_eq(edra_builder_build_mapped(&h, &order, sev, 3, leaf_of, NULL), 0);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(leaf_of[i], want_sev[i]);
    assert_leaf_labels(h, sev, 3, leaf_of);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_builders_build_mapped__many_values_sorted)
{
    /* 3000 values (i - 1500) * 0.37 + "0"/"-0" twins, in a scrambled order (i * 7 mod
     * 3000): the leaves come out in numeric order (ties by text), each value at its own
     * label, and level 1 (width 10) codes count up by first appearance. */
    enum { M = 3000 };
    static char text[M + 2][32];
    const char *values[M + 2];
    uint32_t leaf_of[M + 2];
    edra_spec_attr a = attr_of("x", EDRA_TYPE_DECIMAL, EDRA_HIER_INTERVALS);
    double widths[] = {10};
    edra_hierarchy *h = NULL;
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 1;
    for (int i = 0; i < M; i++) {
        snprintf(text[i], sizeof text[i], "%.2f", ((i * 7) % M - 1500) * 0.37);
        values[i] = text[i];
    }
    values[M] = "0";
    values[M + 1] = "-0";
    ck_assert_int_eq(edra_builder_build_mapped(&h, &a, values, M + 2, leaf_of, NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), M + 2);
    assert_leaf_labels(h, values, M + 2, leaf_of);
    /* 0 * 0.37 prints "0.00"; "-0" < "0" < "0.00" by text among the equal zeros. */
    ck_assert_uint_eq(leaf_of[M + 1] + 1, leaf_of[M]);
    ck_assert_uint_eq(leaf_of[M] + 1, (uint32_t)edra_hierarchy_find(h, "0.00"));
    edra_level_map map1 = edra_hierarchy_level_map(h, 1);
    for (size_t leaf = 1; leaf < M + 2; leaf++) {
        double lo = strtod(edra_hierarchy_label(h, 0, (uint32_t)leaf - 1), NULL);
        double hi = strtod(edra_hierarchy_label(h, 0, (uint32_t)leaf), NULL);
        ck_assert(lo <= hi);
        uint32_t here = edra_level_map_at(map1, leaf), before = edra_level_map_at(map1, leaf - 1);
        ck_assert(here == before || here == before + 1);
    }
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_builders_build_mapped__duplicate_value)
{
    /* Sorted 3, 5, 5: row 3 repeats row 2, as a duplicate hierarchy row is reported. The
     * same for a mask (sorted by text: 021, 021). */
    edra_spec_attr a = attr_of("x", EDRA_TYPE_INTEGER, EDRA_HIER_INTERVALS);
    edra_spec_attr mask = attr_of("zip", EDRA_TYPE_STRING, EDRA_HIER_MASK);
    double widths[] = {5};
    const char *values[] = {"5", "3", "5"}, *zips[] = {"021", "021"};
    uint32_t leaf_of[3];
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 1;
    mask.hierarchy.mask_chars = 1;
    ck_assert_int_eq(edra_builder_build_mapped(&h, &a, values, 3, leaf_of, &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, "builder for x:3: value at level 0 repeats row 2");
    ck_assert_int_eq(edra_builder_build(&h, &mask, zips, 2, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "builder for zip:2: value at level 0 repeats row 1");
}
END_TEST

/* ---- edra_hierarchy_write_csv ---- */

/* Everything written to f, read back from the start. */
static const char *contents(FILE *f)
{
    static char text[8192];
    size_t n;
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    return text;
}

START_TEST(test_builders_write_csv__quoting)
{
    /* Quoted: the delimiter, a quote (doubled), a line break; plain cells stay bare. */
    const char *cells[] = {"a;b", "q\"q", "*", "plain", "line\nbreak", "*"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 2, 3, "t", &err), 0);
    ck_assert_int_eq(edra_hierarchy_write_csv(h, f, ';', &err), 0);
    ck_assert_str_eq(contents(f), "\"a;b\";\"q\"\"q\";*\nplain;\"line\nbreak\";*\n");
    fclose(f);
    /* With ',' the ';' needs no quotes. */
    f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(edra_hierarchy_write_csv(h, f, ',', &err), 0);
    ck_assert_str_eq(contents(f), "a;b,\"q\"\"q\",*\nplain,\"line\nbreak\",*\n");
    fclose(f);
    edra_hierarchy_free(h);
}
END_TEST

/* Minimal RFC 4180 reader for the round trip: cells of text into a row-major array,
 * returns the cell count and sets *n_rows. */
static size_t parse_csv(const char *text, char delimiter, char cells[][64], size_t cap,
                        size_t *n_rows)
{
    size_t n = 0, len = 0;
    int quoted = 0, at_start = 1;
    *n_rows = 0;
    for (const char *p = text; *p; p++) {
        ck_assert_uint_lt(n, cap);
        if (quoted) {
            if (*p == '"' && p[1] == '"')
                cells[n][len++] = *++p;
            else if (*p == '"')
                quoted = 0;
            else
                cells[n][len++] = *p;
        } else if (*p == '"' && at_start) {
            quoted = 1;
        } else if (*p == delimiter || *p == '\n') {
            cells[n++][len] = '\0';
            len = 0;
            at_start = 1;
            *n_rows += *p == '\n';
            continue;
        } else {
            cells[n][len++] = *p;
        }
        at_start = 0;
        ck_assert_uint_lt(len, 63);
    }
    return n;
}

START_TEST(test_builders_write_csv__round_trip)
{
    /* Interval labels hold ", ", so with ',' every band cell is quoted; reading the
     * text back gives the hierarchy's cells, row by row. */
    edra_spec_attr a = attr_of("los", EDRA_TYPE_INTEGER, EDRA_HIER_INTERVALS);
    double widths[] = {5, 10};
    const char *values[] = {"3", "12", "0", "41"};
    static char cells[64][64];
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    size_t n_cells, n_rows;
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    a.hierarchy.widths = widths;
    a.hierarchy.n_widths = 2;
    a.hierarchy.has_top = 1;
    a.hierarchy.top = 40;
    ck_assert_int_eq(edra_builder_build(&h, &a, values, 4, &err), 0);
    ck_assert_int_eq(edra_hierarchy_write_csv(h, f, ',', &err), 0);
    ck_assert_str_eq(contents(f),
                     "0,\"[0, 5)\",\"[0, 10)\",*\n"
                     "3,\"[0, 5)\",\"[0, 10)\",*\n"
                     "12,\"[10, 15)\",\"[10, 20)\",*\n"
                     "41,>=40,>=40,*\n");
    n_cells = parse_csv(contents(f), ',', cells, 64, &n_rows);
    ck_assert_uint_eq(n_rows, edra_hierarchy_leaves(h));
    ck_assert_uint_eq(n_cells, n_rows * edra_hierarchy_levels(h));
    for (size_t r = 0; r < n_rows; r++)
        for (size_t l = 0; l < edra_hierarchy_levels(h); l++)
            ck_assert_str_eq(cells[r * edra_hierarchy_levels(h) + l],
                             edra_hierarchy_label(h, l, edra_hierarchy_code(h, l, r)));
    fclose(f);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_builders_write_csv__write_error)
{
    /* A stream opened for reading refuses every write. */
    const char *cells[] = {"F", "*"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    FILE *f = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 1, 2, "t", &err), 0);
    ck_assert_int_eq(edra_hierarchy_write_csv(h, f, ';', &err), EDRA_EIO);
    ck_assert_str_eq(err.msg, "could not write the hierarchy");
    fclose(f);
    edra_hierarchy_free(h);
}
END_TEST

static Suite *builders_suite(void)
{
    Suite *s = suite_create("builders");
    TCase *tc_build = tcase_create("build");
    TCase *tc_write = tcase_create("write_csv");
    tcase_add_test(tc_build, test_builders_build__mask_zip_covers_all);
    tcase_add_test(tc_build, test_builders_build__mask_partial_adds_top);
    tcase_add_test(tc_build, test_builders_build__mask_from_left);
    tcase_add_test(tc_build, test_builders_build__mask_mixed_lengths);
    tcase_add_test(tc_build, test_builders_build__mask_longer_than_values);
    tcase_add_test(tc_build, test_builders_build__mask_utf8_characters);
    tcase_add_test(tc_build, test_builders_build__empty_value_left_out);
    tcase_add_test(tc_build, test_builders_build__intervals_aligned_at_zero);
    tcase_add_test(tc_build, test_builders_build__intervals_bottom_top_coding);
    tcase_add_test(tc_build, test_builders_build__intervals_decimal_boundary);
    tcase_add_test(tc_build, test_builders_build__intervals_not_a_number);
    tcase_add_test(tc_build, test_builders_build__date_month_year_decade);
    tcase_add_test(tc_build, test_builders_build__date_quarter_century);
    tcase_add_test(tc_build, test_builders_build__date_iso_week_year);
    tcase_add_test(tc_build, test_builders_build__date_custom_format);
    tcase_add_test(tc_build, test_builders_build__date_unparseable);
    tcase_add_test(tc_build, test_builders_build__order_groups);
    tcase_add_test(tc_build, test_builders_build__order_without_groups);
    tcase_add_test(tc_build, test_builders_build__order_value_not_listed);
    tcase_add_test(tc_build, test_builders_build__no_values);
    tcase_add_test(tc_build, test_builders_build__kind_without_builder);
    tcase_add_test(tc_build, test_builders_build_mapped__intervals_leaf_of);
    tcase_add_test(tc_build, test_builders_build_mapped__every_kind);
    tcase_add_test(tc_build, test_builders_build_mapped__many_values_sorted);
    tcase_add_test(tc_build, test_builders_build_mapped__duplicate_value);
    tcase_add_test(tc_write, test_builders_write_csv__quoting);
    tcase_add_test(tc_write, test_builders_write_csv__round_trip);
    tcase_add_test(tc_write, test_builders_write_csv__write_error);
    suite_add_tcase(s, tc_build);
    suite_add_tcase(s, tc_write);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(builders_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
