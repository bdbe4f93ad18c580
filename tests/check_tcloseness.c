/* Tests of metrics/tcloseness against Li, Li & Venkatasubramanian (ICDE 2007): the nine-salary
 * table (3K..11K, one record each) for the ordered distance, the paper's disease hierarchy
 * for the hierarchical distance, and hand-computed equal distances. Every class x value
 * count matrix is built by hand from a dense table (dense_dist), q from its column sums
 * unless set_totals gives it. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics/tcloseness.h"

#define TOL 1e-12

/* CSR form of a dense n_classes x n_values count table; totals are the column sums. */
static edra_sadist dense_dist(const uint64_t *dense, size_t n_classes, uint32_t n_values)
{
    edra_sadist d = {0};
    uint32_t *values = NULL;
    uint64_t *counts = NULL;
    size_t entries = 0;
    for (size_t i = 0; i < n_classes * n_values; i++)
        entries += dense[i] > 0;
    d.n_classes = n_classes;
    d.n_values = n_values;
    d.offsets = malloc((n_classes + 1) * sizeof *d.offsets);
    values = malloc((entries ? entries : 1) * sizeof *values);
    counts = malloc((entries ? entries : 1) * sizeof *counts);
    d.totals = calloc(n_values, sizeof *d.totals);
    ck_assert(d.offsets && values && counts && d.totals);
    /* The widest columns: the distances read any width through edra_code_at/count_at. */
    d.values = (edra_code_col){values, 4};
    d.counts = (edra_count_col){counts, 8};
    entries = 0;
    for (size_t c = 0; c < n_classes; c++) {
        d.offsets[c] = (uint32_t)entries;
        for (uint32_t v = 0; v < n_values; v++) {
            uint64_t k = dense[c * n_values + v];
            if (k == 0)
                continue;
            values[entries] = v;
            counts[entries] = k;
            d.totals[v] += k;
            d.n_records += k;
            entries++;
        }
    }
    d.offsets[n_classes] = (uint32_t)entries;
    return d;
}

/* Replaces the reference distribution, for classes that do not partition the input. */
static void set_totals(edra_sadist *d, const uint64_t *totals)
{
    d->n_records = 0;
    for (uint32_t v = 0; v < d->n_values; v++) {
        d->totals[v] = totals[v];
        d->n_records += totals[v];
    }
}

static void dist_free(edra_sadist *d)
{
    free(d->offsets);
    free((void *)d->values.data);
    free((void *)d->counts.data);
    free(d->totals);
}

/* The salary table, classes as in the paper's Table 3: {3K,4K,5K}, {6K,8K,11K},
 * {7K,9K,10K}; code i is salary (i+3)K. q_i = 1/9 for every value. */
static const uint64_t salary_dense[3 * 9] = {
    1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 1, 0, 1, 0, 0, 1,
    0, 0, 0, 0, 1, 0, 1, 1, 0,
};
static const uint32_t identity_rank[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};

START_TEST(test_tcloseness_ordered__paper_salaries)
{
    edra_sadist d = dense_dist(salary_dense, 3, 9);
    /* {3K,4K,5K}: p - q = 2/9 x3, -1/9 x6; cumulative 2,4,6,5,4,3,2,1,0 (/9), sum 27/9 = 3,
     * / (m-1) = 3/8 = 0.375 (the paper's figure) */
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, identity_rank), 0.375, TOL);
    /* {6K,8K,11K}: p - q = -1,-1,-1,2,-1,2,-1,-1,2 (/9); cumulative -1,-2,-3,-1,-2,0,-1,-2,0,
     * |sum| = 12/9, / 8 = 1/6 = 0.1667 (the paper's 0.167) */
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 1, identity_rank), 1.0 / 6.0, TOL);
    /* {7K,9K,10K}: p - q = -1,-1,-1,-1,2,-1,2,2,-1; cumulative -1,-2,-3,-4,-2,-3,-1,1,0,
     * |sum| = 17/9, / 8 = 17/72 */
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 2, identity_rank), 17.0 / 72.0, TOL);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_ordered__rank_permutes_codes)
{
    /* The same salaries with codes shuffled: code c is the salary of rank perm[c], so
     * {3K,4K,5K} (ranks 0,1,2) is codes {2,6,4} and {6K,8K,11K} (ranks 3,5,8) is {8,7,1}.
     * The distances must be those of the ordered table: 0.375 and 1/6. */
    static const uint32_t perm[9] = {4, 8, 0, 6, 2, 7, 1, 5, 3};
    static const uint64_t dense[2 * 9] = {
        0, 0, 1, 0, 1, 0, 1, 0, 0,
        0, 1, 0, 0, 0, 0, 0, 1, 1,
    };
    /* the other three salaries (ranks 4,6,7 = codes 0,3,5) live in a third class */
    uint64_t all[3 * 9] = {0};
    for (int i = 0; i < 18; i++)
        all[i] = dense[i];
    all[18 + 0] = all[18 + 3] = all[18 + 5] = 1;
    edra_sadist d = dense_dist(all, 3, 9);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, perm), 0.375, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 1, perm), 1.0 / 6.0, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 2, perm), 17.0 / 72.0, TOL);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_ordered__single_value_and_whole)
{
    /* m = 1: no order to move along, distance 0. A class equal to the whole: 0. */
    static const uint64_t one[1] = {5};
    static const uint32_t rank1[1] = {0};
    edra_sadist d = dense_dist(one, 1, 1);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, rank1), 0.0, TOL);
    dist_free(&d);
    static const uint64_t whole[1 * 9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    d = dense_dist(whole, 1, 9);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, identity_rank), 0.0, TOL);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_ordered__large_domain)
{
    /* 1000 values, one record each, class 0 is the record of rank 0 (past the stack scratch).
     * Cumulative difference at i = 1..1000: 1 - i/1000; sum = 1000 - 500.5 = 499.5,
     * / 999 = 0.5 */
    enum { M = 1000 };
    uint64_t *dense = calloc(2 * M, sizeof *dense);
    uint32_t *rank = malloc(M * sizeof *rank);
    for (uint32_t v = 0; v < M; v++) {
        dense[v == 0 ? 0 : M + v] = 1;
        rank[v] = v;
    }
    edra_sadist d = dense_dist(dense, 2, M);
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, rank), 0.5, TOL);
    /* Reversed order: the class's value comes last, so |P - Q| = i/1000 at i = 1..999 and
     * 0 at i = 1000: sum 499.5 again, 0.5 */
    for (uint32_t v = 0; v < M; v++)
        rank[v] = M - 1 - v;
    ck_assert_double_eq_tol(edra_tcloseness_ordered(&d, 0, rank), 0.5, TOL);
    dist_free(&d);
    free(dense);
    free(rank);
}
END_TEST

START_TEST(test_tcloseness_equal__hand_computed)
{
    edra_sadist d = dense_dist(salary_dense, 3, 9);
    /* {3K,4K,5K}: (1/2)(3 x |1/3 - 1/9| + 6 x 1/9) = (1/2)(6/9 + 6/9) = 2/3 */
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 0), 2.0 / 3.0, TOL);
    dist_free(&d);
    /* The tiny fixture: flu, cold, cancer with q = (4, 1, 3)/8; class {flu 2, cold 1}:
     * (1/2)(|2/3 - 1/2| + |1/3 - 1/8| + 3/8) = (1/2)(4/24 + 5/24 + 9/24) = 0.375.
     * class {flu 2, cancer 3}: (1/2)(|2/5 - 1/2| + 1/8 + |3/5 - 3/8|)
     *   = (1/2)(0.1 + 0.125 + 0.225) = 0.225 */
    static const uint64_t fixture[3 * 3] = {2, 1, 0, 2, 0, 3, 0, 0, 0};
    d = dense_dist(fixture, 3, 3);
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 0), 0.375, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 1), 0.225, TOL);
    /* class 2 is empty (never produced by real classes): defined as 0 */
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 2), 0.0, TOL);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_equal__whole_and_disjoint)
{
    /* A class equal to the whole gives 0; a class on values nobody else has tends to 1:
     * class 0 {v0: 1}, class 1 {v1: 99}; q = (1/100, 99/100);
     * class 0: (1/2)(|1 - 1/100| + 99/100) = 0.99 */
    static const uint64_t dense[2 * 2] = {1, 0, 0, 99};
    edra_sadist d = dense_dist(dense, 2, 2);
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 0), 0.99, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 1), 0.01, TOL);
    dist_free(&d);
    static const uint64_t whole[1 * 3] = {2, 5, 7};
    d = dense_dist(whole, 1, 3);
    ck_assert_double_eq_tol(edra_tcloseness_equal(&d, 0), 0.0, TOL);
    dist_free(&d);
}
END_TEST

/* The paper's disease hierarchy (Figure 1): height H = 3, leaf codes 0..9. */
static edra_hierarchy *disease_hierarchy(void)
{
    static const char *cells[] = {
        "gastric ulcer",      "stomach diseases",       "digestive system diseases",   "all",
        "gastritis",          "stomach diseases",       "digestive system diseases",   "all",
        "stomach cancer",     "stomach diseases",       "digestive system diseases",   "all",
        "colitis",            "colon diseases",         "digestive system diseases",   "all",
        "colon cancer",       "colon diseases",         "digestive system diseases",   "all",
        "flu",                "respiratory infection",  "respiratory system diseases", "all",
        "pneumonia",          "respiratory infection",  "respiratory system diseases", "all",
        "bronchitis",         "respiratory infection",  "respiratory system diseases", "all",
        "pulmonary edema",    "vascular lung diseases", "respiratory system diseases", "all",
        "pulmonary embolism", "vascular lung diseases", "respiratory system diseases", "all",
    };
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 10, 4, "disease", NULL), 0);
    return h;
}

START_TEST(test_tcloseness_hierarchical__paper_diseases)
{
    /* The paper's Table 1 diseases: gastric ulcer 1, gastritis 2, stomach cancer 2, flu 1,
     * pneumonia 1, bronchitis 2 (n 9; colitis, colon cancer and the vascular diseases 0).
     * Classes of Table 3: {GU, gastritis, SC}, {gastritis, flu, bronchitis},
     * {bronchitis, pneumonia, SC}; and class 3 = Table 4's {GU, SC, pneumonia},
     * class 4 = the whole table. Codes: GU 0, gastritis 1, SC 2, flu 5, pneu 6, bronch 7. */
    static const uint64_t dense[5 * 10] = {
        1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 0, 0, 0, 1, 0, 1, 0, 0,
        0, 0, 1, 0, 0, 0, 1, 1, 0, 0,
        1, 0, 1, 0, 0, 0, 1, 0, 0, 0,
        1, 2, 2, 0, 0, 1, 1, 2, 0, 0,
    };
    static const uint64_t table1[10] = {1, 2, 2, 0, 0, 1, 1, 2, 0, 0};
    edra_sadist d = dense_dist(dense, 5, 10);
    edra_hierarchy *h = disease_hierarchy();
    set_totals(&d, table1); /* q = (1, 2, 2, 0, 0, 1, 1, 2, 0, 0) / 9 */
    ck_assert_uint_eq(d.n_records, 9);
    /* {GU, gastritis, SC}: extras GU +2/9, gastritis +1/9, SC +1/9, flu -1/9, pneu -1/9,
     * bronch -2/9. Paper's costs: stomach diseases' children all positive and respiratory
     * infection's all negative -> 0; digestive (stomach +4/9, colon 0) and respiratory -> 0;
     * root: digestive +4/9, respiratory -4/9 -> (3/3) x 4/9. D = 4/9 = 0.444...
     * (every one of the 4/9 excess must cross the root at ground distance 1, so no plan
     * does better). The paper prints 0.5 for this class; the definition gives 4/9. */
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 0, h), 4.0 / 9.0, TOL);
    /* {gastritis, flu, bronch}: extras GU -1/9, gastritis +1/9, SC -2/9, flu +2/9,
     * pneu -1/9, bronch +1/9. Level 1 (x 1/3): stomach min(1/9, 3/9) = 1/9, respiratory
     * infection min(3/9, 1/9) = 1/9 -> 2/27; level 2 (x 2/3): one-signed -> 0;
     * root: -2/9 vs +2/9 -> 2/9 = 6/27. D = 8/27 */
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 1, h), 8.0 / 27.0, TOL);
    /* {bronch, pneu, SC}: extras GU -1/9, gastritis -2/9, SC +1/9, flu -1/9, pneu +2/9,
     * bronch +1/9. Level 1: stomach min(1/9, 3/9) = 1/9, resp. infection min(3/9, 1/9)
     * = 1/9 -> 2/27; root: -2/9 vs +2/9 -> 6/27. D = 8/27 */
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 2, h), 8.0 / 27.0, TOL);
    /* {GU, SC, pneu}: extras GU +2/9, gastritis -2/9, SC +1/9, flu -1/9, pneu +2/9,
     * bronch -2/9. Level 1: stomach min(3/9, 2/9) = 2/9, resp. infection min(2/9, 3/9)
     * = 2/9 -> (1/3)(4/9) = 4/27; level 2: stomach +1/9 alone, resp. infection -1/9 alone
     * -> 0; root: +1/9 vs -1/9 -> 1/9 = 3/27. D = 7/27 */
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 3, h), 7.0 / 27.0, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 4, h), 0.0, TOL);
    edra_hierarchy_free(h);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_hierarchical__one_level_is_equal)
{
    /* A one-level hierarchy has no internal node: every pair of leaves is at distance 1,
     * which is the equal distance (0.375 for the fixture class, see the equal test). */
    static const char *cells[] = {"flu", "cold", "cancer"};
    static const uint64_t fixture[2 * 3] = {2, 1, 0, 2, 0, 3};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 3, 1, "disease", NULL), 0);
    edra_sadist d = dense_dist(fixture, 2, 3);
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 0, h), 0.375, TOL);
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 0, h), edra_tcloseness_equal(&d, 0), TOL);
    edra_hierarchy_free(h);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_hierarchical__several_top_values)
{
    /* a, b -> g1 -> X;  c -> g2 -> X;  d -> g3 -> Y (two tops; H = 2). One record per value,
     * class 0 = {a}. Optimal plan: 1/4 from a to b at 1/2, 1/4 to c at 1 (LCA X at level 2),
     * 1/4 to d at 1 (tops joined at the largest distance): 1/8 + 1/4 + 1/4 = 5/8. */
    static const char *cells[] = {"a", "g1", "X", "b", "g1", "X", "c", "g2", "X", "d", "g3", "Y"};
    static const uint64_t dense[2 * 4] = {1, 0, 0, 0, 0, 1, 1, 1};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 4, 3, "h", NULL), 0);
    edra_sadist d = dense_dist(dense, 2, 4);
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 0, h), 5.0 / 8.0, TOL);
    edra_hierarchy_free(h);
    dist_free(&d);
}
END_TEST

START_TEST(test_tcloseness_hierarchical__large_domain)
{
    /* 1000 leaves in 500 pairs (level 1 wider than the stack scratch), one top; H = 2.
     * One record per value. Class 0 = leaves 0 and 2 (pairs 0 and 1), one record each:
     * at leaf 0 the excess 1/2 - 1/1000 gives 1/1000 to leaf 1 at distance 1/2 and 498/1000
     * over the root at 1; likewise at leaf 2: D = 2 (0.0005 + 0.498) = 0.997.
     * Formula: A_0 = 2 x 0.499 + 998 x 0.001 = 1.996, A_1 = 2 x 0.498 + 498 x 0.002 = 1.992,
     * D = (1.996 + 1.992) / 4 = 0.997 */
    enum { M = 1000 };
    const char **cells = malloc(3 * M * sizeof *cells);
    char (*names)[2][16] = malloc(M * sizeof *names);
    uint64_t *dense = calloc(2 * M, sizeof *dense);
    edra_hierarchy *h = NULL;
    for (int i = 0; i < M; i++) {
        snprintf(names[i][0], sizeof names[i][0], "v%d", i);
        snprintf(names[i][1], sizeof names[i][1], "p%d", i / 2);
        cells[3 * i] = names[i][0];
        cells[3 * i + 1] = names[i][1];
        cells[3 * i + 2] = "*";
        dense[(i == 0 || i == 2) ? i : M + i] = 1;
    }
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, M, 3, "big", NULL), 0);
    edra_sadist d = dense_dist(dense, 2, M);
    ck_assert_double_eq_tol(edra_tcloseness_hierarchical(&d, 0, h), 0.997, TOL);
    edra_hierarchy_free(h);
    dist_free(&d);
    free(dense);
    free(names);
    free(cells);
}
END_TEST

/* ---- edra_tcloseness_min_size ---- */

START_TEST(test_tcloseness_min_size__equal_hand_computed)
{
    /* p = (1/2, 1/2): one record is at 1/2 (|1 - 1/2| + |0 - 1/2|, halved), two at 0. */
    static const uint64_t totals[2] = {1, 1};
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 2, EDRA_TCLOSE_EQUAL, 0.4, NULL, NULL, 100), 2);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 2, EDRA_TCLOSE_EQUAL, 0.5, NULL, NULL, 100), 1);
    /* One value, no records, or a cap of 1: no size is ruled out. */
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 1, EDRA_TCLOSE_EQUAL, 0.0, NULL, NULL, 100), 1);
    static const uint64_t none[2] = {0, 0};
    ck_assert_uint_eq(edra_tcloseness_min_size(none, 2, EDRA_TCLOSE_EQUAL, 0.0, NULL, NULL, 100), 1);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 2, EDRA_TCLOSE_EQUAL, 0.0, NULL, NULL, 1), 1);
}
END_TEST

START_TEST(test_tcloseness_min_size__ordered_hand_computed)
{
    /* Four values, one record each: P(<= i) = 1/4, 1/2, 3/4. One record at rank 1 gives
     * cumulative shares 0, 1, 1: (1/4 + 1/2 + 1/4) / 3 = 1/3, the least (rank 0: 3/2 / 3).
     * Two records at ranks 1 and 2: 0, 1/2, 1: (1/4 + 0 + 1/4) / 3 = 1/6. Three: 1/3, 1/3 or
     * 2/3, 2/3 against 1/4, 1/2, 3/4: (1/12 + 1/6 + 1/12) / 3 = 1/9. Four: 0. */
    static const uint64_t totals[4] = {1, 1, 1, 1};
    static const uint32_t rank[4] = {0, 1, 2, 3};
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_ORDERED, 0.34, rank, NULL, 100), 1);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_ORDERED, 0.2, rank, NULL, 100), 2);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_ORDERED, 0.12, rank, NULL, 100), 3);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_ORDERED, 0.1, rank, NULL, 100), 4);
    /* Stopped by the cap: sizes below it are still ruled out. */
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_ORDERED, 0.1, rank, NULL, 3), 3);
}
END_TEST

START_TEST(test_tcloseness_min_size__hierarchical_hand_computed)
{
    /* Leaves a, b under g1 and c, d under g2, height 2, one record each. One record (a):
     * A_0 = 3/4 + 3 * 1/4 = 3/2, A_1 = 1/2 + 1/2 = 1: (3/2 + 1) / 4 = 0.625. Two records
     * in different groups: A_0 = 4 * 1/4 = 1, A_1 = 0: 0.25. Three (a, b, c): A_0 =
     * 3 * 1/12 + 1/4 = 1/2, A_1 = 1/6 + 1/6 = 1/3: 5/24 = 0.2083. Four: 0. */
    static const char *cells[] = {"a", "g1", "*", "b", "g1", "*", "c", "g2", "*", "d", "g2", "*"};
    static const uint64_t totals[4] = {1, 1, 1, 1};
    edra_hierarchy *h = NULL;
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 4, 3, "h", NULL), 0);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_HIERARCHICAL, 0.7, NULL, h, 100), 1);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_HIERARCHICAL, 0.3, NULL, h, 100), 2);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_HIERARCHICAL, 0.22, NULL, h, 100), 3);
    ck_assert_uint_eq(edra_tcloseness_min_size(totals, 4, EDRA_TCLOSE_HIERARCHICAL, 0.2, NULL, h, 100), 4);
    edra_hierarchy_free(h);
}
END_TEST

/* Every class of n records over m values (compositions in lexicographic order) as a dense
 * table; returns the number of classes. */
static size_t compositions(uint64_t *dense, uint32_t m, uint64_t n)
{
    uint64_t x[16] = {0};
    size_t count = 0;
    x[m - 1] = n;
    for (;;) {
        for (uint32_t v = 0; v < m; v++)
            dense[count * m + v] = x[v];
        count++;
        /* Next composition: move one unit from the last nonzero part (not the first) left. */
        uint32_t j = m - 1;
        while (j > 0 && x[j] == 0)
            j--;
        if (j == 0)
            return count;
        uint64_t tail = x[j];
        x[j] = 0;
        x[j - 1]++;
        x[m - 1] = tail - 1;
    }
}

/* The least distance of every n-record class, each computed by the class check itself. */
static double brute_least(const uint64_t *totals, uint32_t m, uint64_t n, edra_tclose_model model,
                          const uint32_t *rank, const edra_hierarchy *h)
{
    size_t cap = 1;
    for (uint64_t i = 1; i <= n; i++)
        cap = cap * (m - 1 + i) / i; /* C(n + m - 1, n), exact at each step */
    uint64_t *dense = malloc(cap * m * sizeof *dense);
    ck_assert_ptr_nonnull(dense);
    size_t classes = compositions(dense, m, n);
    ck_assert_uint_eq(classes, cap);
    edra_sadist d = dense_dist(dense, classes, m);
    set_totals(&d, totals);
    double least = INFINITY;
    for (size_t c = 0; c < classes; c++) {
        double dist = model == EDRA_TCLOSE_EQUAL     ? edra_tcloseness_equal(&d, c)
                      : model == EDRA_TCLOSE_ORDERED ? edra_tcloseness_ordered(&d, c, rank)
                                                     : edra_tcloseness_hierarchical(&d, c, h);
        if (dist < least)
            least = dist;
    }
    dist_free(&d);
    free(dense);
    return least;
}

/* Against every class of up to 5 records: for t at each size's least distance, the answer is
 * the first size whose least distance is within it. */
static void check_against_brute(const uint64_t *totals, uint32_t m, edra_tclose_model model,
                                const uint32_t *rank, const edra_hierarchy *h)
{
    double least[6];
    for (uint64_t n = 1; n <= 5; n++)
        least[n] = brute_least(totals, m, n, model, rank, h);
    for (uint64_t k = 1; k <= 5; k++) {
        uint64_t expect = 1;
        while (!(least[expect] <= least[k] + 1e-9))
            expect++;
        ck_assert_uint_eq(edra_tcloseness_min_size(totals, m, model, least[k], rank, h, 100), expect);
        /* Just below the least distance of every size up to k: none of them is t-close. */
        double below = INFINITY;
        for (uint64_t n = 1; n <= k; n++)
            below = fmin(below, least[n]);
        ck_assert_uint_gt(edra_tcloseness_min_size(totals, m, model, below - 1e-6, rank, h, 100), k);
    }
}

START_TEST(test_tcloseness_min_size__matches_every_class_of_the_paper)
{
    /* The paper's nine salaries (ordered, 3K..11K with 3K, 5K, 9K twice: 12 records) and
     * its disease counts over the Figure 1 hierarchy. */
    static const uint64_t salaries[9] = {2, 1, 2, 1, 1, 1, 2, 1, 1};
    static const uint32_t rank[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    static const uint64_t diseases[10] = {1, 2, 2, 0, 0, 1, 1, 2, 0, 0};
    check_against_brute(salaries, 9, EDRA_TCLOSE_EQUAL, NULL, NULL);
    check_against_brute(salaries, 9, EDRA_TCLOSE_ORDERED, rank, NULL);
    edra_hierarchy *h = disease_hierarchy();
    check_against_brute(diseases, 10, EDRA_TCLOSE_HIERARCHICAL, NULL, h);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_tcloseness_model_name__each_model)
{
    ck_assert_str_eq(edra_tclose_model_name(EDRA_TCLOSE_EQUAL), "equal");
    ck_assert_str_eq(edra_tclose_model_name(EDRA_TCLOSE_ORDERED), "ordered");
    ck_assert_str_eq(edra_tclose_model_name(EDRA_TCLOSE_HIERARCHICAL), "hierarchical");
    ck_assert_str_eq(edra_tclose_model_name((edra_tclose_model)0), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tcloseness");
    TCase *tc = tcase_create("equal");
    tcase_add_test(tc, test_tcloseness_equal__hand_computed);
    tcase_add_test(tc, test_tcloseness_equal__whole_and_disjoint);
    suite_add_tcase(s, tc);
    tc = tcase_create("ordered");
    tcase_add_test(tc, test_tcloseness_ordered__paper_salaries);
    tcase_add_test(tc, test_tcloseness_ordered__rank_permutes_codes);
    tcase_add_test(tc, test_tcloseness_ordered__single_value_and_whole);
    tcase_add_test(tc, test_tcloseness_ordered__large_domain);
    suite_add_tcase(s, tc);
    tc = tcase_create("hierarchical");
    tcase_add_test(tc, test_tcloseness_hierarchical__paper_diseases);
    tcase_add_test(tc, test_tcloseness_hierarchical__one_level_is_equal);
    tcase_add_test(tc, test_tcloseness_hierarchical__several_top_values);
    tcase_add_test(tc, test_tcloseness_hierarchical__large_domain);
    suite_add_tcase(s, tc);
    tc = tcase_create("model_name");
    tcase_add_test(tc, test_tcloseness_model_name__each_model);
    tcase_add_test(tc, test_tcloseness_min_size__equal_hand_computed);
    tcase_add_test(tc, test_tcloseness_min_size__ordered_hand_computed);
    tcase_add_test(tc, test_tcloseness_min_size__hierarchical_hand_computed);
    tcase_add_test(tc, test_tcloseness_min_size__matches_every_class_of_the_paper);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
