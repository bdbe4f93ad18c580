/* Tests of metrics/population: Zayatz on tables worked by hand, Pitman and SNB against
 * independent high-precision solutions, the Dankar rule's choices, the error paths, and the
 * ARX 3.9.2 reference figures on Adult (../shared/data/REFERENCE.md). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "metrics/population.h"

#define TOL 1e-12 /* relative, for values known exactly or to 25 digits */

#define ck_assert_rel(x, want, rel) ck_assert_double_eq_tol((x), (want), (rel) * fabs(want))

/* The table used by several tests: 20 uniques, 6 pairs, 3 triples, one class of 5 and one
 * of 8: n = 20 + 12 + 9 + 5 + 8 = 54 records, u = 31 classes. */
static const uint64_t mixed_size[] = {1, 2, 3, 5, 8};
static const uint64_t mixed_classes[] = {20, 6, 3, 1, 1};
static const edra_freqfreq mixed = {5, mixed_size, mixed_classes};

/* Uniques 3, one pair, four triples: n = 3 + 2 + 12 = 17, u = 8. */
static const uint64_t small_size[] = {1, 2, 3};
static const uint64_t small_classes[] = {3, 1, 4};
static const edra_freqfreq small = {3, small_size, small_classes};

static const uint64_t uniques_size[] = {1};
static const uint64_t uniques_classes[] = {5};
static const edra_freqfreq all_uniques = {1, uniques_size, uniques_classes};

static const uint64_t no_uniques_size[] = {2, 3};
static const uint64_t no_uniques_classes[] = {5, 1};
static const edra_freqfreq no_uniques = {2, no_uniques_size, no_uniques_classes};

static const edra_freqfreq empty = {0, NULL, NULL};

/* ---- Pitman --------------------------------------------------------------------------- */

START_TEST(test_population_pitman__independent_solution)
{
    /* Hoshino's equations solved with mpmath (30 digits, findroot from ARX's starting
     * point) using the plain sums, not the digamma forms edra iterates with:
     *   sum_{i=1}^{u-1} 1/(t+ia) = sum_{i=1}^{n-1} 1/(t+i)
     *   sum_{i=1}^{u-1} i/(t+ia) = sum_k c_k sum_{j=1}^{k-1} 1/(j-a)
     * gives theta = 21.6112543381006512, alpha = 0.196117359807218624; with N = 10,000,
     * uniques = Gamma(theta+1)/Gamma(theta+alpha) N^alpha = 72.274806224393080673
     * and fraction 0.0072274806224393080673. */
    edra_popest e = edra_population_pitman(&mixed, 10000.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_ptr_null(e.why);
    ck_assert_rel(e.uniques, 72.274806224393080673, TOL);
    ck_assert_rel(e.fraction, 0.0072274806224393080673, TOL);
}
END_TEST

START_TEST(test_population_pitman__all_unique_does_not_converge)
{
    /* Five uniques and nothing else: the likelihood has no interior maximum (alpha -> 1). */
    edra_popest e = edra_population_pitman(&all_uniques, 1000.0);
    ck_assert_int_eq(e.ok, 0);
    ck_assert(isnan(e.uniques));
    ck_assert(isnan(e.fraction));
    ck_assert_ptr_nonnull(e.why);
}
END_TEST

START_TEST(test_population_pitman__no_sample_uniques)
{
    /* No sample uniques: no population uniques are estimated (as ARX). */
    edra_popest e = edra_population_pitman(&no_uniques, 1000.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_double_eq(e.uniques, 0.0);
    ck_assert_double_eq(e.fraction, 0.0);
}
END_TEST

START_TEST(test_population_pitman__invalid_tables)
{
    edra_popest e = edra_population_pitman(&mixed, 53.0); /* n = 54 */
    ck_assert_int_eq(e.ok, 0);
    ck_assert(isnan(e.fraction));
    ck_assert_str_eq(e.why, "population smaller than sample");
    e = edra_population_pitman(&empty, 100.0);
    ck_assert_int_eq(e.ok, 0);
    ck_assert_str_eq(e.why, "empty class-size table");
}
END_TEST

/* ---- Zayatz --------------------------------------------------------------------------- */

START_TEST(test_population_zayatz__hand_worked)
{
    /* Two uniques and a pair, N = 10: n = 4, f = 0.4. Hypergeometric chance that a class
     * of size k shows once in the sample: P_1 = n/N = 0.4, P_2 = 2 C(8,3)/C(10,4)
     * = 112/210 = 0.5333. Conditional uniqueness = (2/3 * 0.4)/(2/3 * 0.4 + 1/3 * 0.5333)
     * = 0.26667/0.44444 = 0.6; uniques = c1 * 0.6 / f = 2 * 0.6 / 0.4 = 3; fraction 0.3. */
    const uint64_t size[] = {1, 2}, classes[] = {2, 1};
    const edra_freqfreq ff = {2, size, classes};
    edra_popest e = edra_population_zayatz(&ff, 10.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.uniques, 3.0, TOL);
    ck_assert_rel(e.fraction, 0.3, TOL);
}
END_TEST

START_TEST(test_population_zayatz__hand_worked_triples)
{
    /* Three uniques and a triple, N = 20: n = 6, f = 0.3. P_3/P_1 = 3 C(17,5)/C(19,5)
     * = 3 (14/19)(13/18) = 546/342; sum c_k P_k/P_1 = 3 + 546/342 = 1572/342.
     * uniques = c1^2 / (f * 1572/342) = 9 * 342 / (0.3 * 1572) = 6.5267175572519084;
     * fraction = 171/524 = 0.32633587786259542. */
    const uint64_t size[] = {1, 3}, classes[] = {3, 1};
    const edra_freqfreq ff = {2, size, classes};
    edra_popest e = edra_population_zayatz(&ff, 20.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.uniques, 6.5267175572519084, TOL);
    ck_assert_rel(e.fraction, 171.0 / 524.0, TOL);
}
END_TEST

START_TEST(test_population_zayatz__census)
{
    /* N = n: a class of size >= 2 can never be sampled once, so uniques = c1 = 20. */
    edra_popest e = edra_population_zayatz(&mixed, 54.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.uniques, 20.0, TOL);
    ck_assert_rel(e.fraction, 20.0 / 54.0, TOL);
}
END_TEST

START_TEST(test_population_zayatz__huge_population)
{
    /* Two uniques and a pair, N = 1e15 (no binomial may be formed). P_2/P_1 = 2 (N-4)/(N-1),
     * so fraction = c1^2 / (n (2 + 2 (N-4)/(N-1))) = 1 / (2 + 2(1 - 3e-15)) = 0.25 to 2e-15. */
    const uint64_t size[] = {1, 2}, classes[] = {2, 1};
    const edra_freqfreq ff = {2, size, classes};
    edra_popest e = edra_population_zayatz(&ff, 1e15);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.fraction, 0.25, TOL);
    ck_assert_rel(e.uniques, 0.25e15, TOL);
}
END_TEST

START_TEST(test_population_zayatz__invalid_tables)
{
    edra_popest e = edra_population_zayatz(&mixed, 10.0);
    ck_assert_int_eq(e.ok, 0);
    ck_assert(isnan(e.uniques));
    ck_assert_str_eq(e.why, "population smaller than sample");
    e = edra_population_zayatz(&empty, 10.0);
    ck_assert_int_eq(e.ok, 0);
    ck_assert_str_eq(e.why, "empty class-size table");
}
END_TEST

/* ---- SNB ------------------------------------------------------------------------------ */

START_TEST(test_population_snb__independent_solution)
{
    /* Table small, N = 34, f = 1/2. Shlosser's class count by hand:
     *   A = sum i f^2 (1-f^2)^(i-1) n_i = 3/4 + 2/4*3/4 + 3*4/4*9/16 = 0.75+0.375+1.6875 = 2.8125
     *   B = sum (1-f)^i ((1+f)^i - 1) n_i = 3/4 + 1/4*5/4 + 4/8*19/8 = 0.75+0.3125+1.1875 = 2.25
     *   C = sum (1-f)^i n_i = 1.5 + 0.25 + 0.5 = 2.25
     *   D = sum i f (1-f)^(i-1) n_i = 1.5 + 0.5 + 1.5 = 3.5
     *   K = u + c1 (A/B)(C/D)^2 = 8 + 3 * 1.25 * 0.41326530612 = 9.5497448979591837.
     * alpha, beta solved independently with mpmath (25 digits): E[c1] and E[c2] summed term
     * by term over population class sizes F = 1 + NegBin(alpha, beta) (3,000 terms) times
     * the binomial chance of sampling 1 or 2 of F, not the closed forms edra uses:
     * alpha = 0.29249014472944130, beta = 0.047770422955008917, uniques = K beta^alpha
     * = 3.9233659669016292, fraction 0.11539311667357733. */
    edra_popest e = edra_population_snb(&small, 34.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_ptr_null(e.why);
    ck_assert_rel(e.uniques, 3.9233659669016292, 1e-10);
    ck_assert_rel(e.fraction, 0.11539311667357733, 1e-10);
}
END_TEST

START_TEST(test_population_snb__independent_solution_mixed)
{
    /* Table mixed, N = 200, f = 0.27, same independent computation: K = 64.771774309504171,
     * alpha = 0.38664144554541147, beta = 0.15527382418541369,
     * uniques = 31.523240236791726, fraction 0.15761620118395863. */
    edra_popest e = edra_population_snb(&mixed, 200.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.uniques, 31.523240236791726, 1e-10);
    ck_assert_rel(e.fraction, 0.15761620118395863, 1e-10);
}
END_TEST

START_TEST(test_population_snb__census)
{
    /* f = 1: x = 0, y = 1, so E[c1] = K beta^alpha = c1 and the estimate is c1 = 20. */
    edra_popest e = edra_population_snb(&mixed, 54.0);
    ck_assert_int_eq(e.ok, 1);
    ck_assert_rel(e.uniques, 20.0, 1e-9);
}
END_TEST

START_TEST(test_population_snb__no_classes_of_size_two)
{
    edra_popest e = edra_population_snb(&all_uniques, 20.0);
    ck_assert_int_eq(e.ok, 0);
    ck_assert(isnan(e.uniques));
    ck_assert(isnan(e.fraction));
    ck_assert_str_eq(e.why, "no classes of size 2");
    e = edra_population_snb(&small, 16.0); /* n = 17 */
    ck_assert_int_eq(e.ok, 0);
    ck_assert_str_eq(e.why, "population smaller than sample");
}
END_TEST

/* ---- Dankar rule / estimate ----------------------------------------------------------- */

static const char *shared_data(void)
{
    static char path[4096];
    const char *env = getenv("EDRA_SHARED_DATA");
    const char *candidates[] = {env, "../shared/data", "../../shared/data"};
    for (int i = 0; i < 3; i++) {
        if (!candidates[i])
            continue;
        snprintf(path, sizeof path, "%s/adult/adult.csv", candidates[i]);
        FILE *fp = fopen(path, "r");
        if (fp) {
            fclose(fp);
            return path;
        }
    }
    return NULL;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Frequencies of frequencies of whole lines (all columns are quasi-identifiers): read the
 * records after the header, sort them, count runs, then count run lengths. */
static size_t adult_freqfreq(const char *path, uint64_t *size, uint64_t *classes, size_t cap,
                             uint64_t *records, uint64_t *n_classes)
{
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    char buf[4096];
    char **lines = NULL;
    size_t n = 0, alloc = 0;
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, fp)); /* header */
    while (fgets(buf, sizeof buf, fp)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0] == '\0')
            continue;
        if (n == alloc) {
            alloc = alloc ? 2 * alloc : 1024;
            lines = realloc(lines, alloc * sizeof *lines);
            ck_assert_ptr_nonnull(lines);
        }
        lines[n] = malloc(strlen(buf) + 1);
        ck_assert_ptr_nonnull(lines[n]);
        strcpy(lines[n++], buf);
    }
    fclose(fp);
    qsort(lines, n, sizeof *lines, compare_lines);

    uint64_t *counts = calloc(n + 1, sizeof *counts); /* counts[s] = classes of size s */
    ck_assert_ptr_nonnull(counts);
    *n_classes = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(lines[j], lines[i]) == 0)
            j++;
        counts[j - i]++;
        (*n_classes)++;
        i = j;
    }
    size_t n_sizes = 0;
    for (size_t s = 1; s <= n; s++) {
        if (counts[s]) {
            ck_assert_uint_lt(n_sizes, cap);
            size[n_sizes] = s;
            classes[n_sizes++] = counts[s];
        }
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(counts);
    *records = n;
    return n_sizes;
}

START_TEST(test_population_estimate__adult_reference)
{
    /* ../shared/data/REFERENCE.md (ARX 3.9.2), all 9 columns, N = 317,238,626:
     * Pitman 0.038896188531360315, Zayatz 0.2645647181504129, Dankar chooses Pitman
     * (f = 30,162 / N = 9.5e-5). The exact Pitman root (mpmath, 30 digits) gives
     * 0.0388961885314708681; ARX's iteration stops 2.8e-12 (relative) short of it, edra
     * within 1e-13, hence the tolerance of 1e-10 against ARX. Zayatz agrees with the
     * exact hypergeometric value 0.26456471815041302 to 1e-15. */
    const char *path = shared_data();
    if (!path) {
        fprintf(stderr, "SKIP: ../shared/data not found\n");
        return;
    }
    uint64_t size[64], classes[64], records = 0, n_classes = 0;
    size_t n_sizes = adult_freqfreq(path, size, classes, 64, &records, &n_classes);
    ck_assert_uint_eq(records, 30162);
    ck_assert_uint_eq(n_classes, 19502);
    ck_assert_uint_eq(size[0], 1);
    ck_assert_uint_eq(classes[0], 15512);
    ck_assert_uint_eq(size[n_sizes - 1], 45);

    const edra_freqfreq ff = {n_sizes, size, classes};
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &ff, 317238626.0, &err), 0);
    ck_assert_rel(out.population, 317238626.0, TOL);
    ck_assert_rel(out.sampling_fraction, 30162.0 / 317238626.0, TOL);
    ck_assert_int_eq(out.pitman.ok, 1);
    ck_assert_rel(out.pitman.fraction, 0.038896188531360315, 1e-10);
    ck_assert_rel(out.pitman.fraction, 0.0388961885314708681, 1e-12);
    ck_assert_int_eq(out.zayatz.ok, 1);
    ck_assert_rel(out.zayatz.fraction, 0.2645647181504129, TOL);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_PITMAN);
    ck_assert_double_eq(out.dankar_fraction, out.pitman.fraction);
    ck_assert_rel(out.pitman.uniques, out.pitman.fraction * 317238626.0, TOL);
}
END_TEST

START_TEST(test_population_estimate__dankar_large_fraction_snb)
{
    /* Table mixed, N = 200, f = 0.27 > 0.1: SNB 0.157616 (see the SNB test) is below
     * Zayatz, so the rule takes SNB. Zayatz here: P_k/P_1 = k prod_{j<k} (147-j)/(200-j)
     * gives 0.20603 > SNB. */
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &mixed, 200.0, &err), 0);
    ck_assert_rel(out.sampling_fraction, 0.27, TOL);
    ck_assert_int_eq(out.snb.ok, 1);
    ck_assert_int_eq(out.zayatz.ok, 1);
    ck_assert(out.zayatz.fraction > out.snb.fraction);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_SNB);
    ck_assert_rel(out.dankar_fraction, 0.15761620118395863, 1e-10);
}
END_TEST

START_TEST(test_population_estimate__dankar_large_fraction_zayatz)
{
    /* Table small, N = 34, f = 0.5. Zayatz by hand: P_2/P_1 = 2 * 17/33 = 34/33,
     * P_3/P_1 = 3 (17/33)(16/32) = 17/22; sum c_k P_k/P_1 = 3 + 34/33 + 4*17/22 = 235/33;
     * fraction = c1^2 / (n * 235/33) = 9 * 33 / (17 * 235) = 297/3995 = 0.0743429286608260,
     * below SNB's 0.1153931 (see the SNB test), so the rule takes Zayatz. */
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &small, 34.0, &err), 0);
    ck_assert_int_eq(out.snb.ok, 1);
    ck_assert_rel(out.zayatz.fraction, 297.0 / 3995.0, TOL);
    ck_assert_rel(out.snb.fraction, 0.11539311667357733, 1e-10);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_ZAYATZ);
    ck_assert_rel(out.dankar_fraction, 297.0 / 3995.0, TOL);
}
END_TEST

START_TEST(test_population_estimate__dankar_snb_failed)
{
    /* Four uniques and two triples, N = 40, f = 0.25 > 0.1; no pairs, so SNB is undefined
     * and the rule falls back to Zayatz: P_3/P_1 = 3 (30/39)(29/38) = 2610/1482,
     * sum = 4 + 2 * 2610/1482 = 11148/1482, fraction = 16 / (10 * 11148/1482)
     * = 988/4645 = 0.21270182992465017. */
    const uint64_t size[] = {1, 3}, classes[] = {4, 2};
    const edra_freqfreq ff = {2, size, classes};
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &ff, 40.0, &err), 0);
    ck_assert_int_eq(out.snb.ok, 0);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_ZAYATZ);
    ck_assert_rel(out.dankar_fraction, 988.0 / 4645.0, TOL);
}
END_TEST

START_TEST(test_population_estimate__dankar_pitman_failed)
{
    /* Five uniques, N = 1000, f = 0.005 <= 0.1: Pitman has no solution, so Zayatz:
     * only size 1, conditional uniqueness 1, uniques = c1 / f = 5 / 0.005 = 1000 = N. */
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &all_uniques, 1000.0, &err), 0);
    ck_assert_int_eq(out.pitman.ok, 0);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_ZAYATZ);
    ck_assert_rel(out.dankar_fraction, 1.0, TOL);
    ck_assert_rel(out.zayatz.uniques, 1000.0, TOL);
}
END_TEST

START_TEST(test_population_estimate__dankar_small_fraction_pitman)
{
    /* Table mixed, N = 10,000, f = 0.0054 <= 0.1: Pitman (see its test). */
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &mixed, 10000.0, &err), 0);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_PITMAN);
    ck_assert_rel(out.dankar_fraction, 0.0072274806224393080673, TOL);
}
END_TEST

START_TEST(test_population_estimate__no_sample_uniques)
{
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &no_uniques, 1000.0, &err), 0);
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_PITMAN);
    ck_assert_double_eq(out.dankar_fraction, 0.0);
    ck_assert_double_eq(out.zayatz.fraction, 0.0);
    ck_assert_double_eq(out.snb.fraction, 0.0);
}
END_TEST

START_TEST(test_population_estimate__population_below_sample)
{
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &mixed, 50.0, &err), EDRA_ERANGE);
    ck_assert_int_eq(err.code, EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "population size 50 is smaller than the sample (54 records)");
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_NONE);
    ck_assert(isnan(out.dankar_fraction));
    ck_assert_int_eq(edra_population_estimate(&out, &mixed, NAN, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "population size nan is not a finite number");
}
END_TEST

START_TEST(test_population_estimate__empty_table)
{
    edra_population_figures out;
    edra_error err = {0};
    ck_assert_int_eq(edra_population_estimate(&out, &empty, 100.0, &err), EDRA_ERANGE);
    ck_assert_int_eq(err.code, EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "population uniqueness: the class-size table is empty");
    ck_assert_int_eq(out.dankar_choice, EDRA_POPMODEL_NONE);
}
END_TEST

/* ---- names ---------------------------------------------------------------------------- */

START_TEST(test_population_popmodel_name__all)
{
    ck_assert_str_eq(edra_popmodel_name(EDRA_POPMODEL_PITMAN), "Pitman");
    ck_assert_str_eq(edra_popmodel_name(EDRA_POPMODEL_ZAYATZ), "Zayatz");
    ck_assert_str_eq(edra_popmodel_name(EDRA_POPMODEL_SNB), "SNB");
    ck_assert_str_eq(edra_popmodel_name(EDRA_POPMODEL_NONE), "none");
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("population");
    TCase *tc_pitman = tcase_create("pitman");
    tcase_add_test(tc_pitman, test_population_pitman__independent_solution);
    tcase_add_test(tc_pitman, test_population_pitman__all_unique_does_not_converge);
    tcase_add_test(tc_pitman, test_population_pitman__no_sample_uniques);
    tcase_add_test(tc_pitman, test_population_pitman__invalid_tables);
    suite_add_tcase(s, tc_pitman);
    TCase *tc_zayatz = tcase_create("zayatz");
    tcase_add_test(tc_zayatz, test_population_zayatz__hand_worked);
    tcase_add_test(tc_zayatz, test_population_zayatz__hand_worked_triples);
    tcase_add_test(tc_zayatz, test_population_zayatz__census);
    tcase_add_test(tc_zayatz, test_population_zayatz__huge_population);
    tcase_add_test(tc_zayatz, test_population_zayatz__invalid_tables);
    suite_add_tcase(s, tc_zayatz);
    TCase *tc_snb = tcase_create("snb");
    tcase_add_test(tc_snb, test_population_snb__independent_solution);
    tcase_add_test(tc_snb, test_population_snb__independent_solution_mixed);
    tcase_add_test(tc_snb, test_population_snb__census);
    tcase_add_test(tc_snb, test_population_snb__no_classes_of_size_two);
    suite_add_tcase(s, tc_snb);
    TCase *tc_estimate = tcase_create("estimate");
    tcase_set_timeout(tc_estimate, 60);
    tcase_add_test(tc_estimate, test_population_estimate__adult_reference);
    tcase_add_test(tc_estimate, test_population_estimate__dankar_large_fraction_snb);
    tcase_add_test(tc_estimate, test_population_estimate__dankar_large_fraction_zayatz);
    tcase_add_test(tc_estimate, test_population_estimate__dankar_snb_failed);
    tcase_add_test(tc_estimate, test_population_estimate__dankar_pitman_failed);
    tcase_add_test(tc_estimate, test_population_estimate__dankar_small_fraction_pitman);
    tcase_add_test(tc_estimate, test_population_estimate__no_sample_uniques);
    tcase_add_test(tc_estimate, test_population_estimate__population_below_sample);
    tcase_add_test(tc_estimate, test_population_estimate__empty_table);
    suite_add_tcase(s, tc_estimate);
    TCase *tc_name = tcase_create("popmodel_name");
    tcase_add_test(tc_name, test_population_popmodel_name__all);
    suite_add_tcase(s, tc_name);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
