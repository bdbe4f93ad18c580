/* Tests of metrics/indrisk: the Benedetti-Franconi formulas and the individual, global and
 * household risk of a hand-computed weighted table.
 *
 *   tuple  class  records  weights  household
 *   t0     A      1        4        h0
 *   t1     B      1        2        h0
 *   t2     B      1        3        h1
 *   t3     C      3        10       h1          6 records
 *
 * Class A: f = 1, F = 4; B: f = 2, F = 5; C: f = 3, F = 10. The unweighted risk of many
 * classes of repeated sizes is checked against the per-class sum (many_table). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics/classes.h"
#include "metrics/indrisk.h"

#define TOL 1e-12

/* r(1, F=4): p = 1/4, p/(1-p) ln(1/p) = (1/3) ln 4 = 0.462098120373297 */
#define R_A 0.462098120373297
/* r(2, F=5): p = 2/5, p/q = 2/3, (2/3) - (4/9) ln 2.5 = 0.666667 - 0.407240 = 0.259426341389264 */
#define R_B 0.259426341389264
/* r(3, F=10): p = 0.3, p / (3 - 0.7) = 0.3 / 2.3 = 0.130434782608696 */
#define R_C 0.130434782608696

START_TEST(test_indrisk_record__formulas)
{
    ck_assert_double_eq_tol(edra_indrisk_record(1, 4.0), R_A, 1e-14);
    ck_assert_double_eq_tol(edra_indrisk_record(2, 5.0), R_B, 1e-14);
    ck_assert_double_eq_tol(edra_indrisk_record(3, 10.0), R_C, 1e-14);
    /* f >= 3 in general: f = 7, F = 70: p = 0.1, 0.1 / (7 - 0.9) = 0.0163934426229508 */
    ck_assert_double_eq_tol(edra_indrisk_record(7, 70.0), 0.1 / 6.1, 1e-15);
}
END_TEST

START_TEST(test_indrisk_record__sample_as_population)
{
    /* Without weights F = f, p = 1: the limit of every formula is 1/f. */
    ck_assert_double_eq_tol(edra_indrisk_record(1, 1.0), 1.0, TOL);
    ck_assert_double_eq_tol(edra_indrisk_record(2, 2.0), 0.5, TOL);
    ck_assert_double_eq_tol(edra_indrisk_record(4, 4.0), 0.25, TOL);
    /* Weights summing to less than the records are taken as p = 1 too. */
    ck_assert_double_eq_tol(edra_indrisk_record(2, 1.5), 0.5, TOL);
    ck_assert_double_eq_tol(edra_indrisk_record(0, 3.0), 0.0, TOL);
}
END_TEST

START_TEST(test_indrisk_record__near_one)
{
    /* p close to 1, where the f = 2 closed form cancels: 60-digit decimal evaluation of the
     * closed form gives f = 2, F = 2.000002: 0.499999666666916666...; f = 1, F = 1.000001:
     * 0.999999500000333333... */
    ck_assert_double_eq_tol(edra_indrisk_record(2, 2.000002), 0.499999666666916666, 1e-15);
    ck_assert_double_eq_tol(edra_indrisk_record(1, 1.000001), 0.999999500000333333, 1e-13);
    /* Continuity across the series/closed-form switch at q = 0.05 (F = 2/0.95). */
    double below = edra_indrisk_record(2, 2.0 / 0.95 - 1e-9), above = edra_indrisk_record(2, 2.0 / 0.95 + 1e-9);
    ck_assert_double_eq_tol(below, above, 1e-8);
}
END_TEST

typedef struct {
    edra_hierarchy *h;
    uint8_t codes[4];
    uint16_t households[4];
    uint64_t counts[4];
    double weights[4];
    edra_code_col qi_codes[1];
    const edra_hierarchy *qi_hier[1];
    const char *qi_names[1];
    edra_microdata md;
    edra_classes *classes;
} weighted_table;

static void table_init(weighted_table *t, int weighted, int households)
{
    static const char *values[] = {"A", "B", "C"};
    const uint32_t codes[4] = {0, 1, 1, 2}, hh[4] = {0, 0, 1, 1};
    const uint64_t counts[4] = {1, 1, 1, 3};
    const double weights[4] = {4, 2, 3, 10};
    uint8_t levels[1] = {0};
    ck_assert_int_eq(edra_hierarchy_new_flat(&t->h, values, 3, NULL), 0);
    for (int i = 0; i < 4; i++) {
        t->codes[i] = (uint8_t)codes[i];
        t->households[i] = (uint16_t)hh[i];
        t->counts[i] = counts[i];
        t->weights[i] = weights[i];
    }
    t->qi_codes[0] = (edra_code_col){.data = t->codes, .width = 1};
    t->qi_hier[0] = t->h;
    t->qi_names[0] = "group";
    t->md = (edra_microdata){.n_tuples = 4, .n_records = 6, .n_qi = 1, .qi_names = t->qi_names,
                             .qi_codes = t->qi_codes, .qi_hier = t->qi_hier,
                             .counts = {.data = t->counts, .width = 8},
                             .weights = weighted ? t->weights : NULL,
                             .households = {.data = households ? t->households : NULL,
                                            .width = 2},
                             .n_households = households ? 2 : 0};
    ck_assert_int_eq(edra_classes_compute(&t->classes, &t->md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(t->classes), 3);
}

static void table_free(weighted_table *t)
{
    edra_classes_free(t->classes);
    edra_hierarchy_free(t->h);
}

START_TEST(test_indrisk_compute__weighted_table)
{
    weighted_table t;
    edra_indrisk_figures f;
    table_init(&t, 1, 0);
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, NULL, 0.2, NULL), 0);
    ck_assert_int_eq(f.weighted, 1);
    ck_assert_uint_eq(f.records, 6);
    /* expected = r_A + 2 r_B + 3 r_C = 0.462098 + 0.518853 + 0.391304 = 1.3722551509779126 */
    ck_assert_double_eq_tol(f.expected, R_A + 2 * R_B + 3 * R_C, TOL);
    ck_assert_double_eq_tol(f.expected, 1.3722551509779126, 1e-12);
    ck_assert_double_eq_tol(f.global, 1.3722551509779126 / 6.0, 1e-12);
    ck_assert_double_eq_tol(f.highest, R_A, TOL);
    /* Above 0.2: class A (0.462) and B (0.259): 3 of 6 records. */
    ck_assert_uint_eq(f.records_above, 3);
    ck_assert_double_eq_tol(f.share_above, 0.5, TOL);
    ck_assert_int_eq(f.has_households, 0);
    table_free(&t);
}
END_TEST

START_TEST(test_indrisk_compute__households)
{
    weighted_table t;
    edra_indrisk_figures f;
    table_init(&t, 1, 1);
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, NULL, 0.2, NULL), 0);
    ck_assert_int_eq(f.has_households, 1);
    ck_assert_uint_eq(f.households, 2);
    /* h0 = {A, B}: 1 - (1 - r_A)(1 - r_B) = 1 - 0.537902 x 0.740574 = 0.601644037031261
     * h1 = {B, C, C, C}: 1 - (1 - r_B)(1 - r_C)^3 = 0.513060798151896
     * expected = 2 h0 + 4 h1 = 3.2555312666701, global = / 6 = 0.542588544445017 */
    ck_assert_double_eq_tol(f.household_highest, 0.601644037031261, 1e-12);
    ck_assert_double_eq_tol(f.household_expected, 3.2555312666701, 1e-12);
    ck_assert_double_eq_tol(f.household_global, 0.542588544445017, 1e-12);
    table_free(&t);
}
END_TEST

START_TEST(test_indrisk_compute__keep_mask)
{
    weighted_table t;
    edra_indrisk_figures f;
    uint8_t keep[3];
    table_init(&t, 1, 1);
    /* Suppress class B: records 4, expected r_A + 3 r_C = 0.8534024681993837. */
    const uint32_t *of_tuple = edra_classes_of_tuple(t.classes);
    for (size_t c = 0; c < 3; c++)
        keep[c] = 1;
    keep[of_tuple[1]] = 0;
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, keep, 0.2, NULL), 0);
    ck_assert_uint_eq(f.records, 4);
    ck_assert_double_eq_tol(f.expected, 0.8534024681993837, 1e-12);
    ck_assert_uint_eq(f.records_above, 1);
    /* h0 = {A}: r_A; h1 = {C, C, C}: 1 - (1 - r_C)^3 = 1 - 0.657448 = 0.342551...; 1 member
     * and 3 members. */
    double h1 = 1.0 - pow(1.0 - R_C, 3);
    ck_assert_double_eq_tol(f.household_expected, R_A + 3 * h1, 1e-12);
    table_free(&t);
}
END_TEST

START_TEST(test_indrisk_compute__unweighted)
{
    weighted_table t;
    edra_indrisk_figures f;
    table_init(&t, 0, 0);
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, NULL, 0.4, NULL), 0);
    /* r = 1/f_k: A 1, B 1/2, C 1/3; expected = 1 + 1 + 1 = 3 classes; global 3/6. */
    ck_assert_int_eq(f.weighted, 0);
    ck_assert_double_eq_tol(f.expected, 3.0, TOL);
    ck_assert_double_eq_tol(f.global, 0.5, TOL);
    ck_assert_double_eq_tol(f.highest, 1.0, TOL);
    /* Above 0.4: A (1) and B (0.5): 3 records. */
    ck_assert_uint_eq(f.records_above, 3);
    table_free(&t);
}
END_TEST

/* 2000 classes, one tuple each, in households of two consecutive tuples (h = i / 2):
 * tuple i < 1999 has 1 + i % 3 records (667 classes of 1, 666 of 2, 666 of 3), tuple 1999
 * has 2000 (a size past any per-size table). Records 667 + 1332 + 1998 + 2000 = 5997.
 * Unweighted, so each record's risk is 1/f and each class adds f x 1/f = 1 to expected. */
#define MANY 2000

typedef struct {
    edra_hierarchy *h;
    uint16_t codes[MANY];
    uint16_t households[MANY];
    uint64_t counts[MANY];
    edra_code_col qi_codes[1];
    const edra_hierarchy *qi_hier[1];
    const char *qi_names[1];
    edra_microdata md;
    edra_classes *classes;
} many_table;

static void many_init(many_table *t)
{
    static char names[MANY][8];
    static const char *values[MANY];
    uint8_t levels[1] = {0};
    uint64_t records = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "v%d", i);
        values[i] = names[i];
        t->codes[i] = (uint16_t)i;
        t->households[i] = (uint16_t)(i / 2);
        t->counts[i] = i < MANY - 1 ? 1 + (uint64_t)(i % 3) : MANY;
        records += t->counts[i];
    }
    ck_assert_uint_eq(records, 5997);
    ck_assert_int_eq(edra_hierarchy_new_flat(&t->h, values, MANY, NULL), 0);
    t->qi_codes[0] = (edra_code_col){.data = t->codes, .width = 2};
    t->qi_hier[0] = t->h;
    t->qi_names[0] = "group";
    t->md = (edra_microdata){.n_tuples = MANY, .n_records = records, .n_qi = 1,
                             .qi_names = t->qi_names, .qi_codes = t->qi_codes,
                             .qi_hier = t->qi_hier, .counts = {.data = t->counts, .width = 8},
                             .households = {.data = t->households, .width = 2},
                             .n_households = MANY / 2};
    ck_assert_int_eq(edra_classes_compute(&t->classes, &t->md, levels, NULL), 0);
    ck_assert_uint_eq(edra_classes_count(t->classes), MANY);
}

/* The per-class sums in class order, each risk from edra_indrisk_record: the figures must
 * equal them to the bit, whatever the risks are computed once per size. */
static void per_class(const edra_classes *c, const uint8_t *keep, double *expected,
                      double *highest)
{
    const edra_count_col sizes = edra_classes_sizes(c);
    *expected = *highest = 0.0;
    for (size_t k = 0; k < edra_classes_count(c); k++) {
        if (keep && !keep[k])
            continue;
        double r = edra_indrisk_record(edra_count_at(sizes, k), (double)edra_count_at(sizes, k));
        *expected += (double)edra_count_at(sizes, k) * r;
        *highest = fmax(*highest, r);
    }
}

START_TEST(test_indrisk_compute__repeated_sizes)
{
    many_table t;
    edra_indrisk_figures f;
    double expected, highest;
    many_init(&t);
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, NULL, 0.4, NULL), 0);
    per_class(t.classes, NULL, &expected, &highest);
    ck_assert(f.expected == expected);
    ck_assert(f.highest == highest);
    ck_assert_uint_eq(f.records, 5997);
    /* 2000 classes of f x 1/f = 1 each. */
    ck_assert_double_eq_tol(f.expected, 2000.0, 1e-9);
    ck_assert_double_eq_tol(f.global, 2000.0 / 5997.0, 1e-12);
    ck_assert_double_eq_tol(f.highest, 1.0, TOL);
    /* Above 0.4: the classes of 1 (r 1) and of 2 (r 0.5): 667 + 1332 = 1999 records. */
    ck_assert_uint_eq(f.records_above, 1999);
    /* Households p = 0..998 pair classes of sizes (1,2), (3,1), (2,3) as p % 3 = 0, 1, 2,
     * 333 of each; p = 999 pairs sizes 1 and 2000. A member of 1 makes a household certain;
     * (2,3): 1 - (1/2)^2 (2/3)^3 = 1 - 2/27 = 25/27. Sum over records:
     * 333 x 3 + 333 x 4 + 333 x 5 x 25/27 + 2001 x 1 = 5873.666666666667. */
    ck_assert_uint_eq(f.households, 1000);
    ck_assert_double_eq_tol(f.household_expected, 5873.666666666667, 1e-9);
    ck_assert_double_eq_tol(f.household_global, 5873.666666666667 / 5997.0, 1e-12);
    ck_assert_double_eq_tol(f.household_highest, 1.0, TOL);
    edra_classes_free(t.classes);
    edra_hierarchy_free(t.h);
}
END_TEST

START_TEST(test_indrisk_compute__repeated_sizes_kept)
{
    many_table t;
    edra_indrisk_figures f;
    double expected, highest;
    uint8_t keep[MANY];
    many_init(&t);
    /* Suppress the 667 classes of one record. */
    const edra_count_col sizes = edra_classes_sizes(t.classes);
    for (size_t c = 0; c < MANY; c++)
        keep[c] = edra_count_at(sizes, c) != 1;
    ck_assert_int_eq(edra_indrisk_compute(&f, t.classes, keep, 0.4, NULL), 0);
    per_class(t.classes, keep, &expected, &highest);
    ck_assert(f.expected == expected);
    ck_assert_uint_eq(f.records, 5330);
    ck_assert_double_eq_tol(f.expected, 1333.0, 1e-9);
    ck_assert_double_eq_tol(f.highest, 0.5, TOL);
    ck_assert_uint_eq(f.records_above, 1332);
    /* Households now (2): 1 - (1/2)^2 = 3/4 over 2 records; (3): 1 - (2/3)^3 = 19/27 over 3;
     * (2,3): 25/27 over 5; p = 999 the class of 2000 alone: 1 - (1999/2000)^2000 =
     * 0.632212547853989 over 2000. 333 x 2 x 3/4 + 333 x 3 x 19/27 + 333 x 5 x 25/27 +
     * 2000 x 0.632212547853989 = 499.5 + 703 + 1541.666666666667 + 1264.425095707978
     * = 4008.591762374645. */
    ck_assert_double_eq_tol(f.household_expected, 4008.591762374645, 1e-9);
    ck_assert_double_eq_tol(f.household_highest, 25.0 / 27.0, 1e-12);
    edra_classes_free(t.classes);
    edra_hierarchy_free(t.h);
}
END_TEST

static Suite *indrisk_suite(void)
{
    Suite *s = suite_create("indrisk");
    TCase *tc = tcase_create("record");
    tcase_add_test(tc, test_indrisk_record__formulas);
    tcase_add_test(tc, test_indrisk_record__sample_as_population);
    tcase_add_test(tc, test_indrisk_record__near_one);
    suite_add_tcase(s, tc);
    tc = tcase_create("compute");
    tcase_add_test(tc, test_indrisk_compute__weighted_table);
    tcase_add_test(tc, test_indrisk_compute__households);
    tcase_add_test(tc, test_indrisk_compute__keep_mask);
    tcase_add_test(tc, test_indrisk_compute__unweighted);
    tcase_add_test(tc, test_indrisk_compute__repeated_sizes);
    tcase_add_test(tc, test_indrisk_compute__repeated_sizes_kept);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(indrisk_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
