/* Tests of metrics/hierarchy on small hand-made hierarchies:
 *   age:  20 | 20-29 | *     the tree   *
 *         21 | 20-29 | *              /   \
 *         30 | 30-39 | *          20-29   30-39
 *         31 | 30-39 | *          /  \    /  \
 *                                20  21  30  31
 * and on error inputs, one per validation. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/hierarchy.h"

static const char *age_cells[] = {"20", "20-29", "*", "21", "20-29", "*",
                                  "30", "30-39", "*", "31", "30-39", "*"};

static edra_hierarchy *age_hierarchy(void)
{
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_hierarchy_new(&h, age_cells, 4, 3, "age.csv", &err), 0);
    ck_assert_ptr_nonnull(h);
    return h;
}

/* The codes at level of leaves 0..n-1, through both accessors. */
static void assert_map(const edra_hierarchy *h, size_t level, const uint32_t *want, size_t n)
{
    edra_level_map map = edra_hierarchy_level_map(h, level);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(edra_hierarchy_code(h, level, i), want[i]);
        ck_assert_uint_eq(edra_level_map_at(map, i), want[i]);
    }
}

static void assert_counts(const edra_hierarchy *h, size_t level, const uint32_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(edra_hierarchy_leaf_count(h, level, (uint32_t)i), want[i]);
}

/* Expects edra_hierarchy_new to fail with EDRA_EDATA, no hierarchy, and message msg. */
static void assert_rejected(const char *const *cells, size_t n_rows, size_t n_levels,
                            const char *msg)
{
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, n_rows, n_levels, "h.csv", &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_int_eq(err.code, EDRA_EDATA);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_hierarchy_new__age_tables)
{
    edra_hierarchy *h = age_hierarchy();
    static const uint32_t map0[] = {0, 1, 2, 3}, map1[] = {0, 0, 1, 1}, map2[] = {0, 0, 0, 0};
    static const uint32_t counts0[] = {1, 1, 1, 1}, counts1[] = {2, 2}, counts2[] = {4};
    ck_assert_uint_eq(edra_hierarchy_levels(h), 3);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 4);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 4);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 2);
    ck_assert_uint_eq(edra_hierarchy_width(h, 2), 1);
    assert_map(h, 0, map0, 4);
    assert_map(h, 1, map1, 4);
    assert_map(h, 2, map2, 4);
    assert_counts(h, 0, counts0, 4);
    assert_counts(h, 1, counts1, 2);
    assert_counts(h, 2, counts2, 1);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 2), "30");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 0), "20-29");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 1), "30-39");
    ck_assert_str_eq(edra_hierarchy_label(h, 2, 0), "*");
    edra_hierarchy_free(h);
    edra_hierarchy_free(NULL);
}
END_TEST

START_TEST(test_hierarchy_new__codes_by_first_appearance)
{
    /* Groups interleave: level 1 codes follow first appearance (Y row 1, X row 2), not
     * alphabetical order; leaf counts are Y:2 (b, d), X:1 (a), Z:1 (c). */
    static const char *cells[] = {"b", "Y", "T", "a", "X", "T", "c", "Z", "T", "d", "Y", "T"};
    static const uint32_t map1[] = {0, 1, 2, 0}, counts1[] = {2, 1, 1};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 4, 3, "h.csv", NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 3);
    assert_map(h, 1, map1, 4);
    assert_counts(h, 1, counts1, 3);
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 0), "Y");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 1), "X");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 2), "Z");
    ck_assert_str_eq(edra_hierarchy_label(h, 2, 0), "T");
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new__same_label_on_two_levels)
{
    /* Interning is per level: "a" at level 0 and at level 1 are different nodes. */
    static const char *cells[] = {"a", "a", "b", "a"};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 2, 2, "h.csv", NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 2);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 1);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 1, 0), 2);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new__several_top_values_allowed)
{
    /* ARX accepts a top level with more than one value. */
    static const char *cells[] = {"a", "X", "b", "Y", "c", "X"};
    static const uint32_t map1[] = {0, 1, 0};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 3, 2, "h.csv", NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 2);
    assert_map(h, 1, map1, 3);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new__single_level)
{
    static const char *cells[] = {"a", "b", "c"};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 3, 1, "h.csv", NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_levels(h), 1);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 3);
    ck_assert_int_eq(edra_hierarchy_find(h, "c"), 2);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new__empty_cell)
{
    static const char *cells[] = {"a", "X", "b", "", "c", "X"};
    assert_rejected(cells, 3, 2, "h.csv:2: empty value at level 1");
    static const char *leaf[] = {"a", "X", "", "X"};
    assert_rejected(leaf, 2, 2, "h.csv:2: empty value at level 0");
}
END_TEST

START_TEST(test_hierarchy_new__duplicate_leaf)
{
    /* The value itself ("secret") must not appear in the message. */
    static const char *cells[] = {"secret", "X", "b", "X", "secret", "X"};
    assert_rejected(cells, 3, 2, "h.csv:3: value at level 0 repeats row 1");
}
END_TEST

START_TEST(test_hierarchy_new__not_a_tree)
{
    /* Rows 1 and 3 share "X" at level 1 but go to P and Q at level 2. */
    static const char *cells[] = {"a", "X", "P", "b", "Y", "P", "c", "X", "Q"};
    assert_rejected(cells, 3, 3, "h.csv:3: not a tree: agrees with row 1 at level 1 but not at level 2");
    /* The same violation between levels 0 and 1 is a duplicate leaf, reported as such;
     * one between levels 2 and 3 names those levels. */
    static const char *deep[] = {"a", "X", "M", "*", "b", "Y", "M", "**"};
    assert_rejected(deep, 2, 4, "h.csv:2: not a tree: agrees with row 1 at level 2 but not at level 3");
}
END_TEST

START_TEST(test_hierarchy_new__no_rows_or_levels)
{
    static const char *cells[] = {"a"};
    assert_rejected(cells, 0, 1, "h.csv: hierarchy has no rows");
    assert_rejected(cells, 1, 0, "h.csv: hierarchy has no levels");
}
END_TEST

START_TEST(test_hierarchy_find__hit_and_miss)
{
    edra_hierarchy *h = age_hierarchy();
    ck_assert_int_eq(edra_hierarchy_find(h, "20"), 0);
    ck_assert_int_eq(edra_hierarchy_find(h, "31"), 3);
    ck_assert_int_eq(edra_hierarchy_find(h, "20-29"), -1); /* a level-1 label, not a leaf */
    ck_assert_int_eq(edra_hierarchy_find(h, "99"), -1);
    ck_assert_int_eq(edra_hierarchy_find(h, ""), -1);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_find__many_leaves)
{
    /* 20000 leaves "v<i>" in groups of 10 "g<i/10>": every leaf found at its row, and the
     * tables stay consistent past the hash table's collisions. */
    enum { N = 20000 };
    char (*names)[2][16] = malloc(sizeof(*names) * N);
    const char **cells = malloc(sizeof(*cells) * N * 2);
    edra_hierarchy *h = NULL;
    for (int i = 0; i < N; i++) {
        snprintf(names[i][0], sizeof names[i][0], "v%d", i);
        snprintf(names[i][1], sizeof names[i][1], "g%d", i / 10);
        cells[2 * i] = names[i][0];
        cells[2 * i + 1] = names[i][1];
    }
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, N, 2, "big", NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), N / 10);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(edra_hierarchy_find(h, names[i][0]), i);
        ck_assert_uint_eq(edra_hierarchy_code(h, 1, i), (uint32_t)(i / 10));
    }
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 1, N / 10 - 1), 10);
    ck_assert_int_eq(edra_hierarchy_find(h, "v20000"), -1);
    edra_hierarchy_free(h);
    free(names);
    free(cells);
}
END_TEST

/* Codes of leaf i at the levels of wide_hierarchy: each level's codes need 4, 2, 1 bytes. */
static uint32_t wide_code(size_t level, uint32_t i)
{
    return level == 1 ? i : level == 2 ? i / 2 : i / 300;
}

/* n leaves over four levels whose codes need 4 bytes (n codes), 2 (n / 2) and 1 (n / 300). */
static edra_hierarchy *wide_hierarchy(uint32_t n)
{
    char (*names)[4][16] = malloc(sizeof(*names) * n);
    const char **cells = malloc(sizeof(*cells) * n * 4);
    edra_hierarchy *h = NULL;
    for (uint32_t i = 0; i < n; i++)
        for (size_t l = 0; l < 4; l++) {
            snprintf(names[i][l], sizeof names[i][l], "%c%u", "vabc"[l],
                     l ? wide_code(l, i) : i);
            cells[4 * i + l] = names[i][l];
        }
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, n, 4, "wide", NULL), 0);
    free(names);
    free(cells);
    return h;
}

START_TEST(test_hierarchy_new__codes_of_every_width)
{
    /* 70,000 leaves: level 1 has 70,000 codes (past 2^16), level 2 35,000, level 3 234. */
    enum { N = 70000 };
    edra_hierarchy *h = wide_hierarchy(N);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 0).width, 0);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 1).width, 4);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 2).width, 2);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 3).width, 1);
    for (size_t l = 0; l < 4; l++) {
        edra_level_map map = edra_hierarchy_level_map(h, l);
        for (uint32_t i = 0; i < N; i += 7) {
            uint32_t want = l ? wide_code(l, i) : i;
            ck_assert_uint_eq(edra_level_map_at(map, i), want);
            ck_assert_uint_eq(edra_hierarchy_code(h, l, i), want);
        }
    }
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 0, N - 1), 1);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 17), 2);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 3, 0), 300);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 3, N / 300), N % 300);
    ck_assert_str_eq(edra_hierarchy_label(h, 3, edra_hierarchy_code(h, 3, N - 1)), "c233");
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_add_leaf__widens_codes)
{
    /* 512 leaves: level 2's 256 codes fit a byte each. A missing-value marker keeps its
     * value below the top, so it is code 256 at level 2, which takes two bytes. */
    edra_hierarchy *h = wide_hierarchy(512);
    uint32_t leaf = 0;
    ck_assert_uint_eq(edra_hierarchy_width(h, 2), 256);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 2).width, 1);
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "NA", &leaf, NULL), 0);
    ck_assert_uint_eq(leaf, 512);
    ck_assert_uint_eq(edra_hierarchy_level_map(h, 2).width, 2);
    ck_assert_uint_eq(edra_hierarchy_code(h, 1, 512), 512);
    ck_assert_uint_eq(edra_hierarchy_code(h, 2, 512), 256);
    ck_assert_str_eq(edra_hierarchy_label(h, 2, 256), "NA");
    /* Level 3 is the top, with two values: the marker joins a "*" of its own. */
    ck_assert_uint_eq(edra_hierarchy_code(h, 3, 512), 2);
    ck_assert_str_eq(edra_hierarchy_label(h, 3, 2), "*");
    for (uint32_t i = 0; i < 512; i++)
        for (size_t l = 1; l < 4; l++)
            ck_assert_uint_eq(edra_hierarchy_code(h, l, i), wide_code(l, i));
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 255), 2);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 256), 1);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 3, 1), 212);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 3, 2), 1);
    ck_assert_int_eq(edra_hierarchy_find(h, "NA"), 512);
    /* The constructor's leaves by offset, the added one by pointer. */
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 511), "v511");
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 512), "NA");
    ck_assert_uint_eq(edra_hierarchy_add_leaf(h, "NB", &leaf, NULL), 0);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 513), "NB");
    ck_assert_int_eq(edra_hierarchy_find(h, "NA"), 512);
    ck_assert_int_eq(edra_hierarchy_find(h, "v7"), 7);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_flat__two_levels)
{
    /* The empty string is a legitimate value here (the default missing-value marker). */
    static const char *values[] = {"M", "F", ""};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_hierarchy_new_flat(&h, values, 3, &err), 0);
    ck_assert_uint_eq(edra_hierarchy_levels(h), 2);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 1);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 1, 0), 3);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 1), "F");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 0), "*");
    ck_assert_int_eq(edra_hierarchy_find(h, ""), 2);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_flat__duplicate_value)
{
    static const char *values[] = {"M", "F", "M"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_hierarchy_new_flat(&h, values, 3, &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, "flat hierarchy:3: value at level 0 repeats row 1");
    ck_assert_int_eq(edra_hierarchy_new_flat(&h, values, 0, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "flat hierarchy: hierarchy has no rows");
}
END_TEST

START_TEST(test_hierarchy_add_leaf__joins_single_top)
{
    /* "" keeps its own value at levels 0 and 1 and joins "*" at the top:
     * widths 5, 3, 1; the top now covers 5 leaves. */
    edra_hierarchy *h = age_hierarchy();
    edra_error err = {0};
    uint32_t leaf = 99;
    static const uint32_t map1[] = {0, 0, 1, 1, 2}, map2[] = {0, 0, 0, 0, 0};
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "", &leaf, &err), 0);
    ck_assert_uint_eq(leaf, 4);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 5);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 5);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 2), 1);
    assert_map(h, 1, map1, 5);
    assert_map(h, 2, map2, 5);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 1, 2), 1);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 0), 5);
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 2), "");
    ck_assert_int_eq(edra_hierarchy_find(h, ""), 4);
    ck_assert_int_eq(edra_hierarchy_find(h, "31"), 3);
    /* A second marker gets the next code. */
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "NA", &leaf, &err), 0);
    ck_assert_uint_eq(leaf, 5);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 4);
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 3), "NA");
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 0), 6);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_add_leaf__several_top_values)
{
    /* With tops X and Y the new leaf goes under a new top "*". */
    static const char *cells[] = {"a", "X", "b", "Y"};
    edra_hierarchy *h = NULL;
    uint32_t leaf = 0;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 2, 2, "h.csv", NULL), 0);
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "?", &leaf, NULL), 0);
    ck_assert_uint_eq(leaf, 2);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 3);
    ck_assert_str_eq(edra_hierarchy_label(h, 1, edra_hierarchy_code(h, 1, 2)), "*");
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_add_leaf__single_level)
{
    static const char *cells[] = {"a", "b"};
    edra_hierarchy *h = NULL;
    uint32_t leaf = 0;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 2, 1, "h.csv", NULL), 0);
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "", &leaf, NULL), 0);
    ck_assert_uint_eq(leaf, 2);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 3);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 2), "");
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_add_leaf__existing_leaf_rejected)
{
    /* The hierarchy is left as it was. */
    edra_hierarchy *h = age_hierarchy();
    edra_error err = {0};
    uint32_t leaf = 99;
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "21", &leaf, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "age.csv:5: value at level 0 repeats row 2");
    ck_assert_uint_eq(leaf, 99);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 4);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 2);
    ck_assert_int_eq(edra_hierarchy_find(h, "21"), 1);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_add_leaf__breaks_tree)
{
    /* "X" is already a level-1 group under P; the new leaf "X" would be X at level 1 but
     * "*" at the top (two tops, P and Q), so the tree property fails on the new row. */
    static const char *cells[] = {"a", "X", "P", "b", "Y", "Q"};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    uint32_t leaf = 0;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 2, 3, "h.csv", NULL), 0);
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "X", &leaf, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "h.csv:3: not a tree: agrees with row 1 at level 1 but not at level 2");
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 2);
    edra_hierarchy_free(h);
}
END_TEST

/* ---- edra_hierarchy_new_coded ---- */

/* A malloc'd copy of n codes, as new_coded takes its maps over. */
static uint32_t *codes(const uint32_t *c, size_t n)
{
    uint32_t *copy = malloc(n * sizeof *copy);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, c, n * sizeof *copy);
    return copy;
}

/* values {"c", "a", "", "b"} with leaf_of {2, 0, none, 1}: leaves a, b, c;
 * level 1: a, b -> "ab" (code 0), c -> "c" (code 1); level 2: all -> "*". */
static const char *const abc_values[] = {"c", "a", "", "b"};
static const uint32_t abc_leaf_of[] = {2, 0, UINT32_MAX, 1};
/* A third label at level 1 for the test of a width with an unused code. */
static const char *const abc_labels1[] = {"ab", "c", "unused"}, *const abc_labels2[] = {"*"};
static const char *const *const abc_labels[] = {abc_labels1, abc_labels2};

static int abc_build(edra_hierarchy **h, const uint32_t *map1, const uint32_t *map2,
                     const uint32_t *widths, const uint32_t *leaf_of, size_t n_leaves,
                     edra_error *err)
{
    uint32_t *maps[2] = {codes(map1, n_leaves), codes(map2, n_leaves)};
    edra_hierarchy_coded in = {n_leaves, 3, abc_values, 4, leaf_of, maps, widths, abc_labels};
    int rc = edra_hierarchy_new_coded(h, &in, "coded", err);
    /* Taken over, success or not. */
    ck_assert_ptr_null(maps[0]);
    ck_assert_ptr_null(maps[1]);
    return rc;
}

static edra_hierarchy *abc_hierarchy(void)
{
    static const uint32_t map1[] = {0, 0, 1}, map2[] = {0, 0, 0}, widths[] = {2, 1};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(abc_build(&h, map1, map2, widths, abc_leaf_of, 3, &err), 0);
    ck_assert_ptr_nonnull(h);
    return h;
}

START_TEST(test_hierarchy_new_coded__tables)
{
    edra_hierarchy *h = abc_hierarchy();
    static const uint32_t map0[] = {0, 1, 2}, map1[] = {0, 0, 1}, map2[] = {0, 0, 0};
    static const uint32_t counts0[] = {1, 1, 1}, counts1[] = {2, 1}, counts2[] = {3};
    ck_assert_uint_eq(edra_hierarchy_levels(h), 3);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 2);
    ck_assert_uint_eq(edra_hierarchy_width(h, 2), 1);
    assert_map(h, 0, map0, 3);
    assert_map(h, 1, map1, 3);
    assert_map(h, 2, map2, 3);
    assert_counts(h, 0, counts0, 3);
    assert_counts(h, 1, counts1, 2);
    assert_counts(h, 2, counts2, 1);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 0), "a");
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 1), "b");
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 2), "c");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 0), "ab");
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 1), "c");
    ck_assert_str_eq(edra_hierarchy_label(h, 2, 0), "*");
    /* The labels are copies, not the caller's strings. */
    ck_assert_ptr_ne(edra_hierarchy_label(h, 0, 2), abc_values[0]);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_coded__identity_leaves)
{
    /* leaf_of NULL: leaf i is values[i]; one level, no maps. */
    static const char *const values[] = {"x", "y"};
    edra_hierarchy_coded in = {2, 1, values, 2, NULL, NULL, NULL, NULL};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new_coded(&h, &in, NULL, NULL), 0);
    ck_assert_uint_eq(edra_hierarchy_width(h, 0), 2);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, 1), "y");
    ck_assert_int_eq(edra_hierarchy_find(h, "y"), 1);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_coded__lazy_find)
{
    /* The lookup is built by the first find: hits at the leaves' codes, misses for a
     * level-1 label and the left-out empty value. */
    edra_hierarchy *h = abc_hierarchy();
    ck_assert_int_eq(edra_hierarchy_find(h, "b"), 1);
    ck_assert_int_eq(edra_hierarchy_find(h, "a"), 0);
    ck_assert_int_eq(edra_hierarchy_find(h, "c"), 2);
    ck_assert_int_eq(edra_hierarchy_find(h, "ab"), -1);
    ck_assert_int_eq(edra_hierarchy_find(h, ""), -1);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_coded__add_leaf)
{
    /* "NA" before any find (no lookup yet): leaf 3, own node "NA" at level 1 (width 3),
     * under the single top (count 4). "" after a find (the lookup built): leaf 4.
     * "a" again is refused: row 6 would repeat row 1. */
    edra_hierarchy *h = abc_hierarchy();
    edra_error err = {0};
    uint32_t leaf = 99;
    static const uint32_t map1[] = {0, 0, 1, 2, 3}, map2[] = {0, 0, 0, 0, 0};
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "NA", &leaf, &err), 0);
    ck_assert_uint_eq(leaf, 3);
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 3);
    ck_assert_str_eq(edra_hierarchy_label(h, 1, 2), "NA");
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 0), 4);
    ck_assert_int_eq(edra_hierarchy_find(h, "NA"), 3);
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "", &leaf, &err), 0);
    ck_assert_uint_eq(leaf, 4);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 5);
    assert_map(h, 1, map1, 5);
    assert_map(h, 2, map2, 5);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 0, 4), 1);
    ck_assert_int_eq(edra_hierarchy_find(h, ""), 4);
    ck_assert_int_eq(edra_hierarchy_find(h, "b"), 1);
    leaf = 99;
    ck_assert_int_eq(edra_hierarchy_add_leaf(h, "a", &leaf, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "coded:6: value at level 0 repeats row 1");
    ck_assert_uint_eq(leaf, 99);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 5);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_coded__add_leaf_many)
{
    /* 100 new leaves after a find grow the lookup (16 slots for 3 leaves, then doubled
     * past half full); each stays found at its code. */
    edra_hierarchy *h = abc_hierarchy();
    char name[16];
    uint32_t leaf = 0;
    ck_assert_int_eq(edra_hierarchy_find(h, "a"), 0);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "m%d", i);
        ck_assert_int_eq(edra_hierarchy_add_leaf(h, name, &leaf, NULL), 0);
        ck_assert_uint_eq(leaf, (uint32_t)(3 + i));
    }
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "m%d", i);
        ck_assert_int_eq(edra_hierarchy_find(h, name), 3 + i);
    }
    ck_assert_uint_eq(edra_hierarchy_width(h, 1), 102);
    ck_assert_uint_eq(edra_hierarchy_leaf_count(h, 2, 0), 103);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_hierarchy_new_coded__not_a_tree)
{
    /* Leaves 1 and 3 share code 0 at level 1 but have codes 0 and 1 at level 2. */
    static const uint32_t map1[] = {0, 1, 0}, map2[] = {0, 0, 1}, widths[] = {2, 2};
    static const char *const top[] = {"*", "**"};
    static const char *const *const labels[] = {abc_labels1, top};
    uint32_t *maps[2] = {codes(map1, 3), codes(map2, 3)};
    edra_hierarchy_coded in = {3, 3, abc_values, 4, abc_leaf_of, maps, widths, labels};
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_hierarchy_new_coded(&h, &in, "coded", &err), EDRA_EDATA);
    ck_assert_ptr_null(h);
    ck_assert_ptr_null(maps[0]);
    ck_assert_str_eq(err.msg, "coded:3: not a tree: agrees with row 1 at level 1 but not at level 2");
}
END_TEST

/* Expects abc_build to fail with code and message msg, leaving no hierarchy. */
static void assert_coded_rejected(const uint32_t *map1, const uint32_t *map2,
                                  const uint32_t *widths, const uint32_t *leaf_of,
                                  size_t n_leaves, int code, const char *msg)
{
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    ck_assert_int_eq(abc_build(&h, map1, map2, widths, leaf_of, n_leaves, &err), code);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_hierarchy_new_coded__bad_codes)
{
    static const uint32_t ok1[] = {0, 0, 1}, ok2[] = {0, 0, 0}, widths[] = {2, 1};
    /* Code 1 before code 0. */
    static const uint32_t late[] = {1, 0, 0};
    assert_coded_rejected(late, ok2, widths, abc_leaf_of, 3, EDRA_EINTERNAL,
                          "coded:1: code 1 at level 1 is not numbered by first appearance "
                          "within width 2");
    /* Code 2 at level 1 of width 2. */
    static const uint32_t past[] = {0, 1, 2};
    assert_coded_rejected(past, ok2, widths, abc_leaf_of, 3, EDRA_EINTERNAL,
                          "coded:3: code 2 at level 1 is not numbered by first appearance "
                          "within width 2");
    /* Width 3 at level 1, codes 0 and 1 used. */
    static const uint32_t wide[] = {3, 1};
    assert_coded_rejected(ok1, ok2, wide, abc_leaf_of, 3, EDRA_EINTERNAL,
                          "coded: level 1 has 3 codes, 2 used");
    /* Two values for leaf 0; a value past the leaves; leaf 1 without a value. */
    static const uint32_t twice[] = {2, 0, UINT32_MAX, 0}, beyond[] = {2, 0, UINT32_MAX, 7},
                          none[] = {2, 0, UINT32_MAX, UINT32_MAX};
    assert_coded_rejected(ok1, ok2, widths, twice, 3, EDRA_EINTERNAL,
                          "coded: value 3 goes to leaf 0, taken");
    assert_coded_rejected(ok1, ok2, widths, beyond, 3, EDRA_EINTERNAL,
                          "coded: value 3 goes to leaf 7, past the leaves");
    assert_coded_rejected(ok1, ok2, widths, none, 3, EDRA_EINTERNAL, "coded: leaf 1 has no value");
    /* No leaf_of: as many values as leaves. */
    assert_coded_rejected(ok1, ok2, widths, NULL, 3, EDRA_EINTERNAL, "coded: 4 values for 3 leaves");
    /* No rows. */
    assert_coded_rejected(ok1, ok2, widths, abc_leaf_of, 0, EDRA_EDATA,
                          "coded: hierarchy has no rows");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hierarchy");
    TCase *tc_new = tcase_create("new");
    tcase_add_test(tc_new, test_hierarchy_new__age_tables);
    tcase_add_test(tc_new, test_hierarchy_new__codes_by_first_appearance);
    tcase_add_test(tc_new, test_hierarchy_new__same_label_on_two_levels);
    tcase_add_test(tc_new, test_hierarchy_new__several_top_values_allowed);
    tcase_add_test(tc_new, test_hierarchy_new__single_level);
    tcase_add_test(tc_new, test_hierarchy_new__empty_cell);
    tcase_add_test(tc_new, test_hierarchy_new__duplicate_leaf);
    tcase_add_test(tc_new, test_hierarchy_new__not_a_tree);
    tcase_add_test(tc_new, test_hierarchy_new__no_rows_or_levels);
    tcase_add_test(tc_new, test_hierarchy_new__codes_of_every_width);
    suite_add_tcase(s, tc_new);
    TCase *tc_find = tcase_create("find");
    tcase_add_test(tc_find, test_hierarchy_find__hit_and_miss);
    tcase_add_test(tc_find, test_hierarchy_find__many_leaves);
    suite_add_tcase(s, tc_find);
    TCase *tc_flat = tcase_create("new_flat");
    tcase_add_test(tc_flat, test_hierarchy_new_flat__two_levels);
    tcase_add_test(tc_flat, test_hierarchy_new_flat__duplicate_value);
    suite_add_tcase(s, tc_flat);
    TCase *tc_add = tcase_create("add_leaf");
    tcase_add_test(tc_add, test_hierarchy_add_leaf__joins_single_top);
    tcase_add_test(tc_add, test_hierarchy_add_leaf__several_top_values);
    tcase_add_test(tc_add, test_hierarchy_add_leaf__single_level);
    tcase_add_test(tc_add, test_hierarchy_add_leaf__existing_leaf_rejected);
    tcase_add_test(tc_add, test_hierarchy_add_leaf__breaks_tree);
    tcase_add_test(tc_add, test_hierarchy_add_leaf__widens_codes);
    suite_add_tcase(s, tc_add);
    TCase *tc_coded = tcase_create("new_coded");
    tcase_add_test(tc_coded, test_hierarchy_new_coded__tables);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__identity_leaves);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__lazy_find);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__add_leaf);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__add_leaf_many);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__not_a_tree);
    tcase_add_test(tc_coded, test_hierarchy_new_coded__bad_codes);
    suite_add_tcase(s, tc_coded);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
