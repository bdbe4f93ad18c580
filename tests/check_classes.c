/* Tests of metrics/classes on the hand-worked fixture of tests/data/tiny_fixture.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics/classes.h"
#include "tests/data/tiny_fixture.h"

static tiny_fixture fx;

static void setup(void) { tiny_fixture_init(&fx); }
static void teardown(void) { tiny_fixture_free(&fx); }

/* Sorted class sizes, for comparisons that do not depend on class numbering. */
static void sorted_sizes(const edra_classes *c, uint64_t *out)
{
    size_t n = edra_classes_count(c);
    for (size_t i = 0; i < n; i++)
        out[i] = edra_count_at(edra_classes_sizes(c), i);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint64_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}

START_TEST(test_classes_compute__level0_each_tuple_own_class)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {0, 0};
    uint64_t sizes[5];
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 5);
    sorted_sizes(c, sizes);
    /* counts 2,1,1,3,1 sorted */
    ck_assert_uint_eq(sizes[0], 1);
    ck_assert_uint_eq(sizes[1], 1);
    ck_assert_uint_eq(sizes[2], 1);
    ck_assert_uint_eq(sizes[3], 2);
    ck_assert_uint_eq(sizes[4], 3);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_compute__age_decades)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {1, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 3);
    const uint32_t *of = edra_classes_of_tuple(c);
    const edra_count_col sizes = edra_classes_sizes(c);
    /* {t0,t1} = 2+1, {t2,t3} = 1+3, {t4} = 1 */
    ck_assert_uint_eq(of[0], of[1]);
    ck_assert_uint_eq(of[2], of[3]);
    ck_assert_uint_ne(of[0], of[4]);
    ck_assert_uint_ne(of[0], of[2]);
    ck_assert_uint_eq(edra_count_at(sizes, of[0]), 3);
    ck_assert_uint_eq(edra_count_at(sizes, of[2]), 4);
    ck_assert_uint_eq(edra_count_at(sizes, of[4]), 1);
    /* The representative of a class carries the class's generalized values. */
    const uint32_t *rep = edra_classes_representatives(c);
    ck_assert_uint_eq(of[rep[of[3]]], of[3]);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_compute__top_is_one_class)
{
    edra_classes *c = NULL;
    uint8_t levels[2] = {2, 1};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(c), 1);
    ck_assert_uint_eq(edra_count_at(edra_classes_sizes(c), 0), 8);
    ck_assert_uint_eq(edra_classes_levels(c)[0], 2);
    edra_classes_free(c);
}
END_TEST

START_TEST(test_classes_rollup__equals_compute)
{
    uint8_t fine[2] = {0, 0};
    uint8_t all[6][2] = {{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}};
    edra_classes *base = NULL;
    ck_assert_int_eq(edra_classes_compute(&base, &fx.md, fine, NULL), 0);
    for (int i = 0; i < 6; i++) {
        edra_classes *direct = NULL, *rolled = NULL;
        ck_assert_int_eq(edra_classes_compute(&direct, &fx.md, all[i], NULL), 0);
        ck_assert_int_eq(edra_classes_rollup(&rolled, base, all[i], NULL), 0);
        ck_assert_uint_eq(edra_classes_count(direct), edra_classes_count(rolled));
        /* Same partition: tuples share a class in one iff they do in the other. */
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
                ck_assert_int_eq(edra_classes_of_tuple(direct)[a] == edra_classes_of_tuple(direct)[b],
                                 edra_classes_of_tuple(rolled)[a] == edra_classes_of_tuple(rolled)[b]);
        for (int t = 0; t < 5; t++)
            ck_assert_uint_eq(edra_count_at(edra_classes_sizes(direct), edra_classes_of_tuple(direct)[t]),
                              edra_count_at(edra_classes_sizes(rolled), edra_classes_of_tuple(rolled)[t]));
        edra_classes_free(direct);
        edra_classes_free(rolled);
    }
    edra_classes_free(base);
}
END_TEST

START_TEST(test_classes_sadist_build__counts_per_class)
{
    edra_classes *c = NULL;
    edra_sadist d;
    uint8_t levels[2] = {1, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_sadist_build(&d, c, 0, NULL), 0);
    /* Reference distribution: flu 2+1+1 = 4, cold 1, cancer 3. */
    ck_assert_uint_eq(d.totals[0], 4);
    ck_assert_uint_eq(d.totals[1], 1);
    ck_assert_uint_eq(d.totals[2], 3);
    ck_assert_uint_eq(d.n_records, 8);
    size_t cls = edra_classes_of_tuple(c)[0]; /* {t0, t1}: flu 2, cold 1 */
    ck_assert_uint_eq(d.offsets[cls + 1] - d.offsets[cls], 2);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[cls]), 0);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[cls]), 2);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[cls] + 1), 1);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[cls] + 1), 1);
    cls = edra_classes_of_tuple(c)[2]; /* {t2, t3}: flu 1, cancer 3 */
    ck_assert_uint_eq(d.offsets[cls + 1] - d.offsets[cls], 2);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[cls]), 0);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[cls]), 1);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[cls] + 1), 2);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[cls] + 1), 3);
    edra_sadist_clear(&d);
    edra_classes_free(c);
}
END_TEST

/* At (0,0) each tuple is its own class: 5 classes x 3 values > 2 x 5 tuples, so the pairs
 * are sorted by class (the sparse way; (1,0) above, 9 cells <= 10, is counted densely).
 * With min_size 2 the classes of one record ({t1}, {t2}, {t4}) stay empty; {t0} flu 2,
 * {t3} cancer 3; the totals still count all 8 records: flu 4, cold 1, cancer 3. */
START_TEST(test_classes_sadist_build_min__skips_small_classes)
{
    edra_classes *c = NULL;
    edra_sadist d;
    uint8_t levels[2] = {0, 0};
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, levels, NULL), 0);
    ck_assert_int_eq(edra_sadist_build_min(&d, c, 0, 2, NULL), 0);
    const uint32_t *of = edra_classes_of_tuple(c);
    ck_assert_uint_eq(d.totals[0], 4);
    ck_assert_uint_eq(d.totals[1], 1);
    ck_assert_uint_eq(d.totals[2], 3);
    ck_assert_uint_eq(d.offsets[of[1] + 1] - d.offsets[of[1]], 0);
    ck_assert_uint_eq(d.offsets[of[2] + 1] - d.offsets[of[2]], 0);
    ck_assert_uint_eq(d.offsets[of[4] + 1] - d.offsets[of[4]], 0);
    ck_assert_uint_eq(d.offsets[of[0] + 1] - d.offsets[of[0]], 1);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[of[0]]), 0);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[of[0]]), 2);
    ck_assert_uint_eq(d.offsets[of[3] + 1] - d.offsets[of[3]], 1);
    ck_assert_uint_eq(edra_code_at(d.values, d.offsets[of[3]]), 2);
    ck_assert_uint_eq(edra_count_at(d.counts, d.offsets[of[3]]), 3);
    ck_assert_uint_eq(d.offsets[d.n_classes], 2);
    edra_sadist_clear(&d);
    edra_classes_free(c);
}
END_TEST

/* Each width reads back its values, maxima included; the widths switch at 256 and 65,536
 * codes, and at counts of 2^8, 2^16 and 2^32. */
START_TEST(test_microdata_code_at__each_width)
{
    const uint8_t c1[3] = {0, 200, 255};
    const uint16_t c2[3] = {0, 300, 65535};
    const uint32_t c4[3] = {0, 70000, UINT32_MAX};
    const edra_code_col col1 = {.data = c1, .width = 1}, col2 = {.data = c2, .width = 2},
                        col4 = {.data = c4, .width = 4};
    for (size_t t = 0; t < 3; t++) {
        ck_assert_uint_eq(edra_code_at(col1, t), c1[t]);
        ck_assert_uint_eq(edra_code_at(col2, t), c2[t]);
        ck_assert_uint_eq(edra_code_at(col4, t), c4[t]);
    }
    ck_assert_uint_eq(edra_code_width(1), 1);
    ck_assert_uint_eq(edra_code_width(256), 1);
    ck_assert_uint_eq(edra_code_width(257), 2);
    ck_assert_uint_eq(edra_code_width(65536), 2);
    ck_assert_uint_eq(edra_code_width(65537), 4);
    const uint8_t n1[2] = {1, 255};
    const uint16_t n2[2] = {256, 65535};
    const uint32_t n4[2] = {65536, UINT32_MAX};
    const uint64_t n8[2] = {UINT64_C(1) << 32, UINT64_MAX};
    const edra_count_col k1 = {.data = n1, .width = 1}, k2 = {.data = n2, .width = 2},
                         k4 = {.data = n4, .width = 4}, k8 = {.data = n8, .width = 8};
    for (size_t t = 0; t < 2; t++) {
        ck_assert_uint_eq(edra_count_at(k1, t), n1[t]);
        ck_assert_uint_eq(edra_count_at(k2, t), n2[t]);
        ck_assert_uint_eq(edra_count_at(k4, t), n4[t]);
        ck_assert_uint_eq(edra_count_at(k8, t), n8[t]);
        ck_assert_uint_eq(edra_count_width(n1[t]), 1);
        ck_assert_uint_eq(edra_count_width(n2[t]), 2);
        ck_assert_uint_eq(edra_count_width(n4[t]), 4);
        ck_assert_uint_eq(edra_count_width(n8[t]), 8);
    }
}
END_TEST

/* Key spaces too large for the direct array: with 5 QIs of 1000 leaves (10^15 keys, 50
 * bits, plus 6 bits of group numbers) the table packs key and group in 8 bytes; with 6
 * (10^18, 60 bits) exact keys need the 16-byte slots; with 7 (10^21 > 2^64) keys are
 * hashes whose collisions are settled by the codes. Each must group as the naive pairwise
 * comparison does. */
START_TEST(test_classes_compute__wide_key_spaces)
{
    enum { LEAVES = 1000, TUPLES = 60, MAX_QI = 7 };
    static char names[LEAVES][8];
    const char *values[LEAVES];
    for (int i = 0; i < LEAVES; i++) {
        snprintf(names[i], sizeof names[i], "v%d", i);
        values[i] = names[i];
    }
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new_flat(&h, values, LEAVES, NULL), 0);
    uint16_t codes[MAX_QI][TUPLES];
    uint8_t counts[TUPLES];
    unsigned long long state = 12345;
    for (size_t t = 0; t < TUPLES; t++) {
        for (size_t d = 0; d < MAX_QI; d++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            /* Three far-apart leaves per QI; the last ten tuples repeat earlier ones. */
            codes[d][t] = t < TUPLES - 10 ? (uint16_t)((state >> 33) % 3 * 499)
                                          : codes[d][t - 7 * (t % 3 + 1)];
        }
        counts[t] = (uint8_t)(1 + t % 3);
    }
    for (size_t n_qi = 5; n_qi <= MAX_QI; n_qi++) {
        edra_code_col cols[MAX_QI];
        const edra_hierarchy *hier[MAX_QI];
        const char *qi_names[MAX_QI];
        uint8_t levels[MAX_QI] = {0};
        for (size_t d = 0; d < n_qi; d++) {
            cols[d] = (edra_code_col){.data = codes[d], .width = 2};
            hier[d] = h;
            qi_names[d] = "q";
        }
        edra_microdata md = {.n_tuples = TUPLES, .n_qi = n_qi, .qi_names = qi_names,
                             .qi_codes = cols, .qi_hier = hier,
                             .counts = {.data = counts, .width = 1}};
        edra_classes *c = NULL;
        ck_assert_int_eq(edra_classes_compute(&c, &md, levels, NULL), 0);
        const uint32_t *of = edra_classes_of_tuple(c);
        const edra_count_col sizes = edra_classes_sizes(c);
        size_t distinct = 0;
        for (size_t a = 0; a < TUPLES; a++) {
            uint64_t size = 0;
            int first = 1;
            for (size_t b = 0; b < TUPLES; b++) {
                int same = 1;
                for (size_t d = 0; d < n_qi; d++)
                    same &= codes[d][a] == codes[d][b];
                ck_assert_int_eq(same, of[a] == of[b]);
                if (same) {
                    size += counts[b];
                    first &= b >= a;
                }
            }
            distinct += first;
            ck_assert_uint_eq(edra_count_at(sizes, of[a]), size);
        }
        ck_assert_uint_eq(edra_classes_count(c), distinct);
        ck_assert_uint_gt(distinct, 1);
        ck_assert_uint_lt(distinct, TUPLES);
        edra_classes_free(c);
    }
    edra_hierarchy_free(h);
}
END_TEST

/* Four tuples over a QI of two values (classes A and B) and one SA, for the widths of the
 * sensitive distributions; the caller owns sa codes and counts. */
typedef struct {
    edra_hierarchy *h;
    uint8_t qi[4];
    edra_code_col qi_col[1], sa_col[1];
    const edra_hierarchy *hier[1];
    const char *names[1];
    uint32_t domain[1];
    edra_microdata md;
    edra_classes *c;
} sa_table;

static void sa_table_init(sa_table *t, const uint8_t qi[4], edra_code_col sa, uint32_t domain,
                          const uint64_t counts[4])
{
    static const char *values[] = {"A", "B"};
    uint8_t levels[1] = {0};
    uint64_t n = 0;
    ck_assert_int_eq(edra_hierarchy_new_flat(&t->h, values, 2, NULL), 0);
    for (int i = 0; i < 4; i++) {
        t->qi[i] = qi[i];
        n += counts[i];
    }
    t->qi_col[0] = (edra_code_col){.data = t->qi, .width = 1};
    t->sa_col[0] = sa;
    t->hier[0] = t->h;
    t->names[0] = "s";
    t->domain[0] = domain;
    t->md = (edra_microdata){.n_tuples = 4, .n_records = n, .n_qi = 1, .qi_names = t->names,
                             .qi_codes = t->qi_col, .qi_hier = t->hier, .n_sa = 1,
                             .sa_names = t->names, .sa_codes = t->sa_col,
                             .sa_domain = t->domain, .counts = {.data = counts, .width = 8}};
    ck_assert_int_eq(edra_classes_compute(&t->c, &t->md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(t->c), 2);
}

static void sa_table_free(sa_table *t)
{
    edra_classes_free(t->c);
    edra_hierarchy_free(t->h);
}

/* Checks class cls's entries against (values[i], counts[i]), i < n. */
static void expect_entries(const edra_sadist *d, size_t cls, size_t n, const uint32_t *values,
                           const uint64_t *counts)
{
    ck_assert_uint_eq(d->offsets[cls + 1] - d->offsets[cls], n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(edra_code_at(d->values, d->offsets[cls] + i), values[i]);
        ck_assert_uint_eq(edra_count_at(d->counts, d->offsets[cls] + i), counts[i]);
    }
}

/* Class A = {t0, t1, t2} has 150 + 100 + 50 = 300 records (two bytes), but its largest
 * entry is value 0's 150 + 50 = 200 (one byte): the counts are narrowed to one byte. Class
 * B = {t3}: one record. With 300 SA values the codes take two bytes and 2 classes x 300
 * values > 2 x 4 tuples takes the sparse way; with 2 values (4 cells <= 8) the dense. */
START_TEST(test_classes_sadist_build__one_byte_counts)
{
    const uint8_t qi[4] = {0, 0, 0, 1};
    const uint64_t counts[4] = {150, 100, 50, 1};
    const uint16_t wide_sa[4] = {0, 299, 0, 5};
    const uint8_t narrow_sa[4] = {0, 1, 0, 1};
    sa_table t;
    edra_sadist d;

    sa_table_init(&t, qi, (edra_code_col){.data = wide_sa, .width = 2}, 300, counts);
    const uint32_t *of = edra_classes_of_tuple(t.c);
    ck_assert_int_eq(edra_sadist_build(&d, t.c, 0, NULL), 0);
    ck_assert_uint_eq(d.values.width, 2);
    ck_assert_uint_eq(d.counts.width, 1);
    expect_entries(&d, of[0], 2, (const uint32_t[]){0, 299}, (const uint64_t[]){200, 100});
    expect_entries(&d, of[3], 1, (const uint32_t[]){5}, (const uint64_t[]){1});
    ck_assert_uint_eq(d.offsets[2], 3);
    ck_assert_uint_eq(d.totals[0], 200);
    ck_assert_uint_eq(d.totals[5], 1);
    ck_assert_uint_eq(d.totals[299], 100);
    ck_assert_uint_eq(d.n_records, 301);
    edra_sadist_clear(&d);
    /* min_size 2 leaves B empty; A's entries are unchanged. */
    ck_assert_int_eq(edra_sadist_build_min(&d, t.c, 0, 2, NULL), 0);
    ck_assert_uint_eq(d.counts.width, 1);
    expect_entries(&d, of[0], 2, (const uint32_t[]){0, 299}, (const uint64_t[]){200, 100});
    expect_entries(&d, of[3], 0, NULL, NULL);
    edra_sadist_clear(&d);
    sa_table_free(&t);

    sa_table_init(&t, qi, (edra_code_col){.data = narrow_sa, .width = 1}, 2, counts);
    of = edra_classes_of_tuple(t.c);
    ck_assert_int_eq(edra_sadist_build(&d, t.c, 0, NULL), 0);
    ck_assert_uint_eq(d.values.width, 1);
    ck_assert_uint_eq(d.counts.width, 1);
    expect_entries(&d, of[0], 2, (const uint32_t[]){0, 1}, (const uint64_t[]){200, 100});
    expect_entries(&d, of[3], 1, (const uint32_t[]){1}, (const uint64_t[]){1});
    ck_assert_uint_eq(d.totals[0], 200);
    ck_assert_uint_eq(d.totals[1], 101);
    edra_sadist_clear(&d);
    sa_table_free(&t);
}
END_TEST

/* Aggregated counts past 2^32: class A = {t0, t1, t2} has value 69999 with 2^32 + 5 and 3
 * records (2^32 + 8 = 4294967304) and value 3 with 7; class B = {t3} value 3 with 2^32
 * (4294967296). Counts take eight bytes; 70,000 SA values take four-byte codes (sparse
 * way); with 2 values (69999 -> 1, 3 -> 0) the dense way gives the same counts. */
START_TEST(test_classes_sadist_build__eight_byte_counts)
{
    const uint64_t big = UINT64_C(1) << 32;
    const uint8_t qi[4] = {0, 0, 0, 1};
    const uint64_t counts[4] = {big + 5, 7, 3, big};
    const uint32_t wide_sa[4] = {69999, 3, 69999, 3};
    const uint8_t narrow_sa[4] = {1, 0, 1, 0};
    sa_table t;
    edra_sadist d;

    sa_table_init(&t, qi, (edra_code_col){.data = wide_sa, .width = 4}, 70000, counts);
    const uint32_t *of = edra_classes_of_tuple(t.c);
    ck_assert_int_eq(edra_sadist_build(&d, t.c, 0, NULL), 0);
    ck_assert_uint_eq(d.values.width, 4);
    ck_assert_uint_eq(d.counts.width, 8);
    expect_entries(&d, of[0], 2, (const uint32_t[]){3, 69999},
                   (const uint64_t[]){7, UINT64_C(4294967304)});
    expect_entries(&d, of[3], 1, (const uint32_t[]){3}, (const uint64_t[]){UINT64_C(4294967296)});
    /* totals: value 3: 7 + 2^32 = 4294967303; value 69999: 4294967304; 8589934607 in all. */
    ck_assert_uint_eq(d.totals[3], UINT64_C(4294967303));
    ck_assert_uint_eq(d.totals[69999], UINT64_C(4294967304));
    ck_assert_uint_eq(d.n_records, UINT64_C(8589934607));
    edra_sadist_clear(&d);
    sa_table_free(&t);

    sa_table_init(&t, qi, (edra_code_col){.data = narrow_sa, .width = 1}, 2, counts);
    of = edra_classes_of_tuple(t.c);
    ck_assert_int_eq(edra_sadist_build(&d, t.c, 0, NULL), 0);
    ck_assert_uint_eq(d.values.width, 1);
    ck_assert_uint_eq(d.counts.width, 8);
    expect_entries(&d, of[0], 2, (const uint32_t[]){0, 1},
                   (const uint64_t[]){7, UINT64_C(4294967304)});
    expect_entries(&d, of[3], 1, (const uint32_t[]){0}, (const uint64_t[]){UINT64_C(4294967296)});
    edra_sadist_clear(&d);
    sa_table_free(&t);
}
END_TEST

/* Same classes (members and sizes, up to numbering) in a and b. */
static void assert_same_partition(const edra_classes *a, const edra_classes *b, size_t n_tuples)
{
    size_t n = edra_classes_count(a);
    ck_assert_uint_eq(edra_classes_count(b), n);
    uint32_t *b_of_a = malloc((n ? n : 1) * sizeof *b_of_a);
    ck_assert_ptr_nonnull(b_of_a);
    for (size_t k = 0; k < n; k++)
        b_of_a[k] = UINT32_MAX;
    /* Checked with plain tests, a ck_assert only on a mismatch: Check logs every assertion,
     * and there are hundreds of thousands here. */
    const uint32_t *of_a = edra_classes_of_tuple(a), *of_b = edra_classes_of_tuple(b);
    for (size_t t = 0; t < n_tuples; t++) {
        if (b_of_a[of_a[t]] == UINT32_MAX)
            b_of_a[of_a[t]] = of_b[t];
        if (b_of_a[of_a[t]] != of_b[t])
            ck_abort_msg("tuple %zu: class %u, not %u", t, (unsigned)of_b[t],
                         (unsigned)b_of_a[of_a[t]]);
    }
    for (size_t k = 0; k < n; k++)
        if (edra_count_at(edra_classes_sizes(a), k) != edra_count_at(edra_classes_sizes(b), b_of_a[k]))
            ck_abort_msg("class %zu: sizes differ", k);
    free(b_of_a);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* c groups the tuples of md exactly by their generalized codes at c's levels, read here
 * through edra_hierarchy_code (no key of the library's): same class, same codes, and as many
 * classes as distinct code combinations. Each QI's codes are below 100,000. */
static void assert_classes_by_codes(const edra_classes *c, const edra_microdata *md)
{
    const uint8_t *levels = edra_classes_levels(c);
    const uint32_t *of = edra_classes_of_tuple(c);
    size_t n = edra_classes_count(c);
    uint64_t *key = malloc(md->n_tuples * sizeof *key), *of_class = malloc(n * sizeof *of_class);
    ck_assert(key && of_class);
    for (size_t k = 0; k < n; k++)
        of_class[k] = UINT64_MAX;
    for (size_t t = 0; t < md->n_tuples; t++) {
        key[t] = 0;
        for (size_t d = 0; d < md->n_qi; d++)
            key[t] = key[t] * 100000 +
                     edra_hierarchy_code(md->qi_hier[d], levels[d], edra_code_at(md->qi_codes[d], t));
        if (of_class[of[t]] == UINT64_MAX)
            of_class[of[t]] = key[t];
        if (of_class[of[t]] != key[t])
            ck_abort_msg("tuple %zu: its class holds other codes", t);
    }
    qsort(key, md->n_tuples, sizeof *key, cmp_u64);
    size_t distinct = md->n_tuples ? 1 : 0;
    for (size_t t = 1; t < md->n_tuples; t++)
        distinct += key[t] != key[t - 1];
    ck_assert_uint_eq(distinct, n);
    free(key);
    free(of_class);
}

/* leaves leaves "v<i>" whose level 1 is i / per ("p<i/per>"), then "*". */
static edra_hierarchy *grouped_hierarchy(size_t leaves, size_t per)
{
    char (*names)[2][16] = malloc(sizeof(*names) * leaves);
    const char **cells = malloc(sizeof(*cells) * leaves * 3);
    edra_hierarchy *h = NULL;
    for (size_t i = 0; i < leaves; i++) {
        snprintf(names[i][0], sizeof names[i][0], "v%zu", i);
        snprintf(names[i][1], sizeof names[i][1], "p%zu", i / per);
        cells[3 * i] = names[i][0];
        cells[3 * i + 1] = names[i][1];
        cells[3 * i + 2] = "*";
    }
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, leaves, 3, "h", NULL), 0);
    free(names);
    free(cells);
    return h;
}

/* Exact keys are computed a column at a time, a loop for each width of codes (1, 2, 4 bytes)
 * and of the level's map (identity, 1, 2, 4 bytes; a level of one code skipped), in the
 * assessment's window, the two-thread key pass and roll-ups: the classes must group the
 * tuples by their generalized codes, checked against codes read here one by one. 200,000 tuples over QIs of 200 leaves
 * in a 1-byte column (level 1: 100 codes, 1-byte map), 1,000 in a 2-byte one (500: 2-byte
 * map) and 70,000 in a 4-byte one (level 1 = the leaf: 4-byte map), grouped on two threads
 * and rolled up, against one pass. */
START_TEST(test_classes_compute_threads__keys_of_every_width)
{
    enum { TUPLES = 200000 };
    edra_hierarchy *h[3] = {grouped_hierarchy(200, 2), grouped_hierarchy(1000, 2),
                            grouped_hierarchy(70000, 1)};
    ck_assert_uint_eq(edra_hierarchy_level_map(h[0], 1).width, 1);
    ck_assert_uint_eq(edra_hierarchy_level_map(h[1], 1).width, 2);
    ck_assert_uint_eq(edra_hierarchy_level_map(h[2], 1).width, 4);
    static uint8_t c0[TUPLES], counts[TUPLES];
    static uint16_t c1[TUPLES];
    static uint32_t c2[TUPLES];
    unsigned long long state = 7;
    for (size_t t = 0; t < TUPLES; t++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        c0[t] = (uint8_t)((state >> 33) % 200);
        c1[t] = (uint16_t)((state >> 17) % 1000);
        c2[t] = (uint32_t)((state >> 40) % 70000);
        counts[t] = 1;
    }
    edra_code_col cols[3] = {{c0, 1}, {c1, 2}, {c2, 4}};
    const edra_hierarchy *hier[3] = {h[0], h[1], h[2]};
    const char *names[3] = {"a", "b", "c"};
    edra_microdata md = {.n_tuples = TUPLES, .n_qi = 3, .qi_names = names, .qi_codes = cols,
                         .qi_hier = hier, .counts = {.data = counts, .width = 1}};
    /* The last two hold a QI at its top, one code, which adds nothing to a key. */
    const uint8_t nodes[6][3] = {{1, 1, 1}, {0, 1, 0}, {1, 0, 1}, {1, 1, 0}, {2, 1, 0}, {0, 2, 1}};
    uint8_t bottom[3] = {0, 0, 0};
    edra_classes *fine = NULL;
    ck_assert_int_eq(edra_classes_compute_threads(&fine, &md, bottom, 2, NULL), 0);
    for (int i = 0; i < 6; i++) {
        edra_classes *one = NULL, *two = NULL, *rolled = NULL;
        ck_assert_int_eq(edra_classes_compute(&one, &md, nodes[i], NULL), 0);
        ck_assert_int_eq(edra_classes_compute_threads(&two, &md, nodes[i], 2, NULL), 0);
        ck_assert_int_eq(edra_classes_rollup(&rolled, fine, nodes[i], NULL), 0);
        /* Not all one class, not all singletons: the keys tell tuples apart and together. */
        ck_assert_uint_gt(edra_classes_count(one), 1000);
        ck_assert_uint_lt(edra_classes_count(one), TUPLES);
        assert_classes_by_codes(one, &md);
        assert_same_partition(one, two, TUPLES);
        assert_same_partition(one, rolled, TUPLES);
        edra_classes_free(one);
        edra_classes_free(two);
        edra_classes_free(rolled);
    }
    edra_classes_free(fine);
    for (int i = 0; i < 3; i++)
        edra_hierarchy_free(h[i]);
}
END_TEST

/* Two threads split a large grouping by key partition or key range: the classes must be those
 * of one thread (same members, sizes and first tuples), and a roll-up from them (classes
 * numbered by partition) those of one thread too. 200,000 tuples over 2, 3 or 10 QIs of 100
 * leaves (key space 10^4: direct; 10^6 > 2 x tuples: hashed; 10^20: beyond 64 bits), one
 * level up = the leaf's tens digit. */
START_TEST(test_classes_compute_threads__same_classes_as_one_thread)
{
    enum { LEAVES = 100, TUPLES = 200000, MAX_QI = 10 };
    /* 3 QIs: exact keys (10^6) in packed slots; 10: 10^20 keys overflow, hashed, wide slots;
     * 2: 10^4 keys, a direct array split by key range. */
    const size_t n_qi = _i == 0 ? 3 : _i == 1 ? 10 : 2;
    static char names[LEAVES][8], parents[LEAVES][8];
    const char *cells[LEAVES * 3];
    for (int i = 0; i < LEAVES; i++) {
        snprintf(names[i], sizeof names[i], "v%d", i);
        snprintf(parents[i], sizeof parents[i], "p%d", i / 10);
        cells[3 * i] = names[i];
        cells[3 * i + 1] = parents[i];
        cells[3 * i + 2] = "*";
    }
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, LEAVES, 3, "h", NULL), 0);
    static uint8_t codes[MAX_QI][TUPLES], counts[TUPLES];
    unsigned long long state = 99;
    for (size_t t = 0; t < TUPLES; t++) {
        for (size_t d = 0; d < MAX_QI; d++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            codes[d][t] = (uint8_t)((state >> 33) % LEAVES);
        }
        counts[t] = (uint8_t)(1 + t % 4);
    }
    edra_code_col cols[MAX_QI];
    const edra_hierarchy *hier[MAX_QI];
    const char *qi_names[MAX_QI];
    for (size_t d = 0; d < n_qi; d++) {
        cols[d] = (edra_code_col){.data = codes[d], .width = 1};
        hier[d] = h;
        qi_names[d] = "q";
    }
    edra_microdata md = {.n_tuples = TUPLES, .n_qi = n_qi, .qi_names = qi_names,
                         .qi_codes = cols, .qi_hier = hier, .counts = {.data = counts, .width = 1}};
    uint8_t bottom[MAX_QI] = {0}, up[MAX_QI] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
    edra_classes *one = NULL, *two = NULL, *fine = NULL, *rolled = NULL, *rolled_one = NULL;
    ck_assert_int_eq(edra_classes_compute(&one, &md, bottom, NULL), 0);
    ck_assert_int_eq(edra_classes_compute_threads(&two, &md, bottom, 2, NULL), 0);
    ck_assert_int_eq(edra_classes_compute_threads(&fine, &md, bottom, 2, NULL), 0);
    ck_assert_int_eq(edra_classes_rollup(&rolled, fine, up, NULL), 0);
    ck_assert_int_eq(edra_classes_compute(&rolled_one, &md, up, NULL), 0);
    const edra_classes *pairs[2][2] = {{one, two}, {rolled_one, rolled}};
    for (int p = 0; p < 2; p++) {
        const edra_classes *a = pairs[p][0], *b = pairs[p][1];
        size_t n = edra_classes_count(a);
        ck_assert_uint_eq(edra_classes_count(b), n);
        /* 10^6 bottom keys for 200,000 tuples: most classes are single tuples, not all. */
        if (n_qi == 2) /* every pair of 100 x 100 occurs among 200,000 random tuples */
            ck_assert_uint_eq(n, p == 0 ? 10000 : 1000);
        else
            ck_assert_uint_gt(n, p == 0 ? 150000 : 5000);
        if (n_qi == 10 && p == 0)
            ck_assert_uint_eq(n, TUPLES); /* 10 random leaves: no two tuples alike */
        if (n_qi == 3)
            ck_assert_uint_lt(n, TUPLES);
        uint32_t *b_of_a = malloc(n * sizeof *b_of_a);
        ck_assert_ptr_nonnull(b_of_a);
        for (size_t k = 0; k < n; k++)
            b_of_a[k] = UINT32_MAX;
        const uint32_t *of_a = edra_classes_of_tuple(a), *of_b = edra_classes_of_tuple(b);
        for (size_t t = 0; t < TUPLES; t++) {
            if (b_of_a[of_a[t]] == UINT32_MAX)
                b_of_a[of_a[t]] = of_b[t];
            ck_assert_uint_eq(b_of_a[of_a[t]], of_b[t]);
        }
        for (size_t k = 0; k < n; k++) {
            ck_assert_uint_eq(edra_count_at(edra_classes_sizes(a), k), edra_count_at(edra_classes_sizes(b), b_of_a[k]));
            /* From the tuples each class's first tuple; rolled up from classes numbered by
             * partition, a tuple of the class. */
            uint32_t rep_b = edra_classes_representatives(b)[b_of_a[k]];
            if (p == 0)
                ck_assert_uint_eq(edra_classes_representatives(a)[k], rep_b);
            ck_assert_uint_eq(of_b[rep_b], b_of_a[k]);
        }
        free(b_of_a);
    }
    edra_classes_free(one);
    edra_classes_free(two);
    edra_classes_free(fine);
    edra_classes_free(rolled);
    edra_classes_free(rolled_one);
    edra_hierarchy_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("classes");
    TCase *tc = tcase_create("classes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_classes_compute__level0_each_tuple_own_class);
    tcase_add_test(tc, test_classes_compute__age_decades);
    tcase_add_test(tc, test_classes_compute__top_is_one_class);
    tcase_add_test(tc, test_classes_rollup__equals_compute);
    tcase_add_test(tc, test_classes_sadist_build__counts_per_class);
    tcase_add_test(tc, test_classes_sadist_build_min__skips_small_classes);
    tcase_add_test(tc, test_classes_compute__wide_key_spaces);
    tcase_add_test(tc, test_microdata_code_at__each_width);
    tcase_add_test(tc, test_classes_sadist_build__one_byte_counts);
    tcase_add_test(tc, test_classes_sadist_build__eight_byte_counts);
    tcase_add_loop_test(tc, test_classes_compute_threads__same_classes_as_one_thread, 0, 3);
    tcase_add_test(tc, test_classes_compute_threads__keys_of_every_width);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
