/* Tests of analyzer/poptable: population tables for journalist and marketer risk, on a
 * five-record sample whose class sizes in the population are worked out by hand, values
 * labelled by a builder or joining only the top, and every error path. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/dataset.h"
#include "analyzer/pipeline.h"
#include "analyzer/poptable.h"
#include "metrics/classes.h"

#define TOL 1e-12

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Population table of the fixture: (sex, age) -> people.
 *   M,30 10   F,30 4   M,40 5   F,35 2   M,35 20 (no sample record)   F,40 0 (skipped)
 *   F,? 5 ("?" is a missing marker the sample lacks: it joins only age's top "*")
 *   X,30 3 (a sex the sample lacks: the flat hierarchy puts it under "*" only)
 * 10 + 4 + 5 + 2 + 20 + 5 + 3 = 49 people. */
static const char *pop_csv = "sex,age,count\n"
                             "M,30,10\nF,30,4\nM,40,5\nF,35,2\nM,35,20\nF,40,0\nF,?,5\nX,30,3\n";

static void setup(void)
{
    strcpy(dir, "/tmp/edra_poptable_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* 5 records: (M,30) x2, (F,30), (M,40), (F,35). */
    write_file("d.csv", "id,sex,age,diagnosis\n"
                        "1,M,30,flu\n2,M,30,cold\n3,F,30,flu\n4,M,40,flu\n5,F,35,cold\n");
    write_file("age.csv", "30;30-39;*\n35;30-39;*\n40;40-49;*\n");
    write_file("pop.csv", pop_csv);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *file_spec =
    "data: {csv: d.csv, missing: [\"?\"]}\n"
    "attributes:\n"
    "  id: {role: identifier}\n"
    "  sex: {role: quasi}\n"
    "  age: {role: quasi, hierarchy: age.csv}\n"
    "  diagnosis: {role: sensitive}\n"
    "population: {size: 1000, table: pop.csv}\n";

static const char *interval_spec =
    "data: {csv: d.csv}\n"
    "attributes:\n"
    "  sex: {role: quasi}\n"
    "  age: {role: quasi, type: integer, hierarchy: {intervals: [10]}}\n"
    "population: {size: 1000, table: pop.csv}\n";

typedef struct {
    edra_spec *spec;
    edra_dataset *data;
    edra_poptable *pt;
} fixture;

/* Loads spec text and its data, then the population table; returns its code. */
static int load(fixture *fx, const char *yaml, edra_error *err)
{
    memset(fx, 0, sizeof *fx);
    int rc = edra_spec_parse(&fx->spec, yaml, strlen(yaml), "t.yaml", dir, err);
    ck_assert_msg(rc == 0, "spec: %s", err->msg);
    rc = edra_dataset_load(&fx->data, fx->spec, err);
    ck_assert_msg(rc == 0, "data: %s", err->msg);
    return edra_poptable_load(&fx->pt, fx->spec, fx->data, fx->spec->pop_size, err);
}

static void unload(fixture *fx)
{
    edra_poptable_free(fx->pt);
    edra_dataset_free(fx->data);
    edra_spec_free(fx->spec);
}

/* The population size of the class whose labels are sex_label, age_label (0 if none). */
static uint64_t size_of(const edra_classes *c, const uint64_t *sizes, const char *sex_label,
                        const char *age_label)
{
    const edra_microdata *md = edra_classes_microdata(c);
    const uint8_t *levels = edra_classes_levels(c);
    const uint32_t *reps = edra_classes_representatives(c);
    for (size_t k = 0; k < edra_classes_count(c); k++) {
        const char *labels[2];
        for (size_t d = 0; d < 2; d++) {
            const edra_hierarchy *h = md->qi_hier[d];
            uint32_t leaf = edra_code_at(md->qi_codes[d], reps[k]);
            labels[d] = edra_hierarchy_label(h, levels[d], edra_hierarchy_code(h, levels[d], leaf));
        }
        if (strcmp(labels[0], sex_label) == 0 && strcmp(labels[1], age_label) == 0)
            return sizes[k];
    }
    ck_abort_msg("no class %s, %s", sex_label, age_label);
    return 0;
}

/* Computes F_c at (sex level, age level); *classes_out is the caller's. */
static uint64_t *sizes_at(const fixture *fx, uint8_t sex_level, uint8_t age_level,
                          edra_classes **classes_out)
{
    edra_error err = {0};
    uint8_t levels[2] = {sex_level, age_level};
    uint64_t *sizes = NULL;
    ck_assert_int_eq(edra_classes_compute(classes_out, edra_dataset_microdata(fx->data), levels, &err), 0);
    ck_assert_msg(edra_poptable_sizes(&sizes, fx->pt, *classes_out, &err) == 0, "%s", err.msg);
    return sizes;
}

START_TEST(test_poptable_load__people)
{
    fixture fx;
    edra_error err = {0};
    ck_assert_msg(load(&fx, file_spec, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(edra_poptable_people(fx.pt), 49);
    unload(&fx);
}
END_TEST

START_TEST(test_poptable_sizes__hand_computed)
{
    fixture fx;
    edra_error err = {0};
    edra_classes *c = NULL;
    ck_assert_msg(load(&fx, file_spec, &err) == 0, "%s", err.msg);
    /* Level (0, 0): M,30 -> 10; F,30 -> 4; M,40 -> 5; F,35 -> 2. M,35, F,?, X,30 match no
     * sample class. */
    uint64_t *sizes = sizes_at(&fx, 0, 0, &c);
    ck_assert_uint_eq(edra_classes_count(c), 4);
    ck_assert_uint_eq(size_of(c, sizes, "M", "30"), 10);
    ck_assert_uint_eq(size_of(c, sizes, "F", "30"), 4);
    ck_assert_uint_eq(size_of(c, sizes, "M", "40"), 5);
    ck_assert_uint_eq(size_of(c, sizes, "F", "35"), 2);
    free(sizes);
    edra_classes_free(c);
    /* (0, 1): M,30-39 -> 10 + 20 = 30; F,30-39 -> 4 + 2 = 6; M,40-49 -> 5. */
    sizes = sizes_at(&fx, 0, 1, &c);
    ck_assert_uint_eq(size_of(c, sizes, "M", "30-39"), 30);
    ck_assert_uint_eq(size_of(c, sizes, "F", "30-39"), 6);
    ck_assert_uint_eq(size_of(c, sizes, "M", "40-49"), 5);
    free(sizes);
    edra_classes_free(c);
    /* (1, 1): *,30-39 -> 10 + 4 + 2 + 20 + 3 (X joins at sex's "*") = 39; *,40-49 -> 5. */
    sizes = sizes_at(&fx, 1, 1, &c);
    ck_assert_uint_eq(size_of(c, sizes, "*", "30-39"), 39);
    ck_assert_uint_eq(size_of(c, sizes, "*", "40-49"), 5);
    free(sizes);
    edra_classes_free(c);
    /* (1, 2): one class of every person, "?" joining age's top: 49. */
    sizes = sizes_at(&fx, 1, 2, &c);
    ck_assert_uint_eq(edra_classes_count(c), 1);
    ck_assert_uint_eq(sizes[0], 49);
    free(sizes);
    edra_classes_free(c);
    unload(&fx);
}
END_TEST

START_TEST(test_poptable_sizes__builder_labels_absent_values)
{
    /* age by intervals of 10: the sample's 30, 35, 40 give [30, 40) and [40, 50). The
     * population's 37 (absent from the sample) is labelled [30, 40) by the same builder;
     * 52 gives [50, 60), which no sample class has. */
    write_file("pop.csv", "sex,age,count\nM,30,3\nM,37,4\nF,35,2\nF,30,1\nM,40,6\nF,52,7\n");
    fixture fx;
    edra_error err = {0};
    edra_classes *c = NULL;
    ck_assert_msg(load(&fx, interval_spec, &err) == 0, "%s", err.msg);
    /* (0, 0): 37 matches nothing at level 0: M,30 -> 3, F,30 -> 1, M,40 -> 6, F,35 -> 2. */
    uint64_t *sizes = sizes_at(&fx, 0, 0, &c);
    ck_assert_uint_eq(size_of(c, sizes, "M", "30"), 3);
    ck_assert_uint_eq(size_of(c, sizes, "F", "30"), 1);
    ck_assert_uint_eq(size_of(c, sizes, "M", "40"), 6);
    ck_assert_uint_eq(size_of(c, sizes, "F", "35"), 2);
    free(sizes);
    edra_classes_free(c);
    /* (0, 1): M,[30, 40) -> 3 + 4 = 7; F,[30, 40) -> 2 + 1 = 3; M,[40, 50) -> 6. */
    sizes = sizes_at(&fx, 0, 1, &c);
    ck_assert_uint_eq(size_of(c, sizes, "M", "[30, 40)"), 7);
    ck_assert_uint_eq(size_of(c, sizes, "F", "[30, 40)"), 3);
    ck_assert_uint_eq(size_of(c, sizes, "M", "[40, 50)"), 6);
    free(sizes);
    edra_classes_free(c);
    /* (1, 2): everyone, 3 + 4 + 2 + 1 + 6 + 7 = 23. */
    sizes = sizes_at(&fx, 1, 2, &c);
    ck_assert_uint_eq(sizes[0], 23);
    free(sizes);
    edra_classes_free(c);
    unload(&fx);
}
END_TEST

START_TEST(test_poptable_sizes__fewer_people_than_sample)
{
    /* M,30 has 2 sample records but 1 person. */
    write_file("pop.csv", "sex,age,count\nM,30,1\nF,30,1\nM,40,1\nF,35,1\n");
    fixture fx;
    edra_error err = {0};
    edra_classes *c = NULL;
    uint8_t levels[2] = {0, 0};
    uint64_t *sizes = NULL;
    ck_assert_msg(load(&fx, file_spec, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(edra_classes_compute(&c, edra_dataset_microdata(fx.data), levels, &err), 0);
    ck_assert_int_eq(edra_poptable_sizes(&sizes, fx.pt, c, &err), EDRA_EDATA);
    ck_assert_ptr_null(sizes);
    ck_assert_str_eq(err.msg, "pop.csv: the population table has fewer records than the sample for "
                              "a class (1 people, 2 sample records)");
    /* At (0, 1) M,30-39 has 1 person for 2 records, too; at (1, 2) 4 people for 5 records. */
    edra_classes_free(c);
    levels[0] = 1;
    levels[1] = 2;
    ck_assert_int_eq(edra_classes_compute(&c, edra_dataset_microdata(fx.data), levels, &err), 0);
    ck_assert_int_eq(edra_poptable_sizes(&sizes, fx.pt, c, &err), EDRA_EDATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "(4 people, 5 sample records)"));
    edra_classes_free(c);
    unload(&fx);
}
END_TEST

/* Loads the fixture spec against a population table text and checks the error. */
static void expect_load_error(const char *yaml, const char *table, int code, const char *message)
{
    fixture fx;
    edra_error err = {0};
    write_file("pop.csv", table);
    ck_assert_int_eq(load(&fx, yaml, &err), code);
    ck_assert_ptr_null(fx.pt);
    ck_assert_str_eq(err.msg, message);
    unload(&fx);
}

START_TEST(test_poptable_load__missing_columns)
{
    expect_load_error(file_spec, "sex,count\nM,3\n", EDRA_EDATA,
                      "pop.csv:1: the population table has no column 'age' (a quasi-identifier)");
    expect_load_error(file_spec, "sex,age\nM,30\n", EDRA_EDATA,
                      "pop.csv:1: the population table has no column 'count' (people per row)");
    expect_load_error(file_spec, "sex,age,age,count\nM,30,30,3\n", EDRA_EDATA,
                      "pop.csv:1: column 'age' appears twice in the header");
    expect_load_error(file_spec, "", EDRA_EDATA,
                      "pop.csv:1: the file is empty (a header row is required)");
}
END_TEST

START_TEST(test_poptable_load__bad_counts)
{
    expect_load_error(file_spec, "sex,age,count\nM,30,3\nF,30,x\n", EDRA_EDATA,
                      "pop.csv:3: count 'x' is not a non-negative integer");
    expect_load_error(file_spec, "sex,age,count\nM,30,-1\n", EDRA_EDATA,
                      "pop.csv:2: count '-1' is not a non-negative integer");
    expect_load_error(file_spec, "sex,age,count\nM,30,0\n", EDRA_EDATA,
                      "pop.csv: the population table counts no people");
    expect_load_error(file_spec, "sex,age,count\nM,30,18446744073709551615\nF,30,1\n", EDRA_ERANGE,
                      "pop.csv:3: the counts overflow");
}
END_TEST

START_TEST(test_poptable_load__value_not_in_file_hierarchy)
{
    expect_load_error(file_spec, "sex,age,count\nM,30,3\nM,50,2\n", EDRA_EDATA,
                      "pop.csv:3: value '50' of column 'age' is not in age.csv");
}
END_TEST

START_TEST(test_poptable_load__more_people_than_population)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "%s", file_spec);
    char *at = strstr(yaml, "size: 1000");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "size:   20", 10);
    expect_load_error(yaml, pop_csv, EDRA_ERANGE,
                      "pop.csv: the population table counts 49 people, more than the population "
                      "size 20");
}
END_TEST

START_TEST(test_poptable_load__builder_refuses_value)
{
    fixture fx;
    edra_error err = {0};
    write_file("pop.csv", "sex,age,count\nM,30,3\nM,abc,2\n");
    ck_assert_int_eq(load(&fx, interval_spec, &err), EDRA_EDATA);
    ck_assert_msg(strncmp(err.msg, "pop.csv:3: value 'abc' of column 'age' does not fit its hierarchy: ",
                          strlen("pop.csv:3: value 'abc' of column 'age' does not fit its hierarchy: ")) == 0,
                  "%s", err.msg);
    unload(&fx);
}
END_TEST

START_TEST(test_poptable_load__builder_shape_changes)
{
    /* sex masked by 1: M and F are masked whole at level 1 ("*", 2 levels). "MF" is longer,
     * so with it the mask gives M*, then "*": 3 levels, which would shift every level. */
    expect_load_error("data: {csv: d.csv}\n"
                      "attributes:\n"
                      "  sex: {role: quasi, hierarchy: {mask: 1}}\n"
                      "  age: {role: quasi, hierarchy: age.csv}\n"
                      "population: {size: 1000, table: pop.csv}\n",
                      "sex,age,count\nM,30,3\nMF,30,2\n", EDRA_EDATA,
                      "pop.csv: with the population's values the hierarchy of 'sex' has 3 levels "
                      "instead of the sample's 2; give it a hierarchy file covering both");
}
END_TEST

START_TEST(test_poptable_load__unreadable)
{
    fixture fx;
    edra_error err = {0};
    write_file("pop.csv", pop_csv);
    char path[256];
    snprintf(path, sizeof path, "%s/pop.csv", dir);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(load(&fx, file_spec, &err), EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "pop.csv"));
    unload(&fx);
}
END_TEST

START_TEST(test_poptable_pipeline__journalist_and_marketer)
{
    /* Through the pipeline, as `edra assess` runs it. At (0, 0): F = 10, 4, 5, 2 for classes
     * of 2, 1, 1, 1 records. Journalist: highest 1/2; at risk (1/F > 0.2): F,30 (1/4) and
     * F,35 (1/2) -> 2 of 5 records = 0.4 (M,40's 1/5 is not above 0.2). Marketer = average
     * journalist = (2/10 + 1/4 + 1/5 + 1/2) / 5 = 1.15 / 5 = 0.23.
     * At (0, 1): F = 30, 6, 5 for 2, 2, 1: highest 1/5; marketer (2/30 + 2/6 + 1/5) / 5
     * = (1/15 + 5/15 + 3/15) / 5 = 0.12. The prosecutor figures stay the sample's (k = 1). */
    char path[256];
    edra_pipeline *p = NULL;
    edra_error err = {0};
    edra_figures f;
    uint8_t levels[2] = {0, 0};
    write_file("spec.yaml", file_spec);
    snprintf(path, sizeof path, "%s/spec.yaml", dir);
    ck_assert_msg(edra_pipeline_open(&p, path, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(p->pop_table);
    ck_assert_int_eq(edra_pipeline_assess(p, levels, 0, &f, &err), 0);
    ck_assert_int_eq(f.journalist_from_sample, 0);
    ck_assert_double_eq_tol(f.journalist.highest, 0.5, TOL);
    ck_assert_double_eq_tol(f.journalist.records_at_risk, 0.4, TOL);
    ck_assert_double_eq_tol(f.journalist.average, 0.23, TOL);
    ck_assert_double_eq_tol(f.marketer, 0.23, TOL);
    ck_assert_double_eq_tol(f.prosecutor.highest, 1.0, TOL);
    edra_figures_clear(&f);
    levels[1] = 1;
    ck_assert_int_eq(edra_pipeline_assess(p, levels, 0, &f, &err), 0);
    ck_assert_double_eq_tol(f.journalist.highest, 0.2, TOL);
    ck_assert_double_eq_tol(f.marketer, 0.12, TOL);
    edra_figures_clear(&f);
    edra_pipeline_free(p);
}
END_TEST

START_TEST(test_poptable_pipeline__error_stops_open)
{
    char path[256];
    edra_pipeline *p = NULL;
    edra_error err = {0};
    write_file("spec.yaml", file_spec);
    write_file("pop.csv", "sex,age,count\nM,30,3\nM,50,2\n");
    snprintf(path, sizeof path, "%s/spec.yaml", dir);
    ck_assert_int_eq(edra_pipeline_open(&p, path, &err), EDRA_EDATA);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.msg, "pop.csv:3: value '50' of column 'age' is not in age.csv");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("poptable");
    TCase *tc = tcase_create("poptable");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_poptable_load__people);
    tcase_add_test(tc, test_poptable_load__missing_columns);
    tcase_add_test(tc, test_poptable_load__bad_counts);
    tcase_add_test(tc, test_poptable_load__value_not_in_file_hierarchy);
    tcase_add_test(tc, test_poptable_load__more_people_than_population);
    tcase_add_test(tc, test_poptable_load__builder_refuses_value);
    tcase_add_test(tc, test_poptable_load__builder_shape_changes);
    tcase_add_test(tc, test_poptable_load__unreadable);
    tcase_add_test(tc, test_poptable_sizes__hand_computed);
    tcase_add_test(tc, test_poptable_sizes__builder_labels_absent_values);
    tcase_add_test(tc, test_poptable_sizes__fewer_people_than_sample);
    tcase_add_test(tc, test_poptable_pipeline__journalist_and_marketer);
    tcase_add_test(tc, test_poptable_pipeline__error_stops_open);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
