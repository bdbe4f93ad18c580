/* Tests of analyzer/dataset: loading a CSV or SQLite source through a spec into counted
 * tuples, missing values, pre-aggregated counts, and the Adult reference figures. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/dataset.h"
#include "analyzer/pipeline.h"
#include "metrics/classes.h"

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

static void setup(void)
{
    strcpy(dir, "/tmp/edra_dataset_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* 6 records; sex/age QIs, diagnosis SA, "?" marks missing.
     * Distinct (sex, age, diagnosis): (M,30,flu) x2, (F,30,flu), (F,?,cold), (M,40,flu) x2 -> 4 */
    write_file("d.csv", "id,sex,age,diagnosis\n"
                        "1,M,30,flu\n2,F,30,flu\n3,M,30,flu\n4,F,?,cold\n5,M,40,flu\n6,M,40,flu\n");
    write_file("age.csv", "30;30-39;*\n40;40-49;*\n");
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static edra_spec *spec_from(const char *yaml)
{
    edra_spec *spec = NULL;
    edra_error err = {0};
    int rc = edra_spec_parse(&spec, yaml, strlen(yaml), "t.yaml", dir, &err);
    ck_assert_msg(rc == 0, "spec: %s", err.msg);
    return spec;
}

START_TEST(test_dataset_load__csv_tuples_and_missing)
{
    edra_spec *spec = spec_from("data: {csv: d.csv, missing: [\"?\"]}\n"
                                "attributes:\n"
                                "  id: {role: identifier}\n"
                                "  sex: {role: quasi}\n"
                                "  age: {role: quasi, hierarchy: age.csv}\n"
                                "  diagnosis: {role: sensitive}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = edra_dataset_microdata(ds);
    ck_assert_uint_eq(md->n_records, 6);
    ck_assert_uint_eq(md->n_tuples, 4);
    ck_assert_uint_eq(md->n_qi, 2);
    ck_assert_uint_eq(md->n_sa, 1);
    ck_assert_str_eq(md->qi_names[0], "sex");
    ck_assert_str_eq(md->qi_names[1], "age");
    ck_assert_uint_eq(md->sa_domain[0], 2);
    /* "?" is not in age.csv: it becomes a leaf of its own (30, 40, ?) and is counted. */
    ck_assert_uint_eq(edra_hierarchy_leaves(md->qi_hier[1]), 3);
    ck_assert_uint_eq(edra_dataset_qi_missing(ds, 1), 1);
    ck_assert_uint_eq(edra_dataset_qi_missing(ds, 0), 0);
    ck_assert_uint_eq(edra_dataset_source_rows(ds), 6);
    ck_assert_uint_eq(edra_dataset_source_columns(ds), 4);
    ck_assert_uint_eq(strlen(edra_dataset_sha256(ds)), 64);
    /* Counts: the tuple (M,30,flu) carries 2 records. */
    uint64_t max_count = 0, sum = 0;
    for (size_t t = 0; t < md->n_tuples; t++) {
        sum += edra_count_at(md->counts, t);
        if (edra_count_at(md->counts, t) > max_count)
            max_count = edra_count_at(md->counts, t);
    }
    ck_assert_uint_eq(sum, 6);
    ck_assert_uint_eq(max_count, 2);
    /* The age codes are the hierarchy's leaf codes: 30 -> leaf 0, 40 -> leaf 1. */
    for (size_t t = 0; t < md->n_tuples; t++) {
        uint32_t leaf = edra_code_at(md->qi_codes[1], t);
        const char *label = edra_hierarchy_label(md->qi_hier[1], 0, leaf);
        ck_assert(strcmp(label, "30") == 0 || strcmp(label, "40") == 0 || strcmp(label, "?") == 0);
    }
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

/* A decimal QI cut into intervals is coded by value while read: canonical decimals by
 * mantissa, any other spelling and the marker through the dictionary. The leaves and every
 * tuple's label must be the values as written, in the builder's numeric order. */
START_TEST(test_dataset_load__decimal_coded_by_value)
{
    write_file("amounts.csv", "id,amount\n1,7.25\n2,0.50\n3,?\n4,7.25\n5,130.00\n6,7.3\n7,64.00\n");
    edra_spec *spec = spec_from("data: {csv: amounts.csv, missing: [\"?\"]}\n"
                                "attributes:\n"
                                "  id: {role: identifier}\n"
                                "  amount: {role: quasi, type: decimal, hierarchy: {intervals: [10], bottom: 0, top: 200}}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = edra_dataset_microdata(ds);
    const edra_hierarchy *h = md->qi_hier[0];
    ck_assert_uint_eq(md->n_records, 7);
    ck_assert_uint_eq(md->n_tuples, 6);
    ck_assert_uint_eq(edra_dataset_qi_missing(ds, 0), 1);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 6);
    const char *leaves[5] = {"0.50", "7.25", "7.3", "64.00", "130.00"};
    for (uint32_t l = 0; l < 5; l++)
        ck_assert_str_eq(edra_hierarchy_label(h, 0, l), leaves[l]);
    /* Tuples in order of first appearance, each labelled with its own bytes. */
    const char *tuples[6] = {"7.25", "0.50", "?", "130.00", "7.3", "64.00"};
    const uint64_t counts[6] = {2, 1, 1, 1, 1, 1};
    for (size_t t = 0; t < 6; t++) {
        uint32_t leaf = edra_code_at(md->qi_codes[0], t);
        ck_assert_str_eq(edra_hierarchy_label(h, 0, leaf), tuples[t]);
        ck_assert_uint_eq(edra_count_at(md->counts, t), counts[t]);
    }
    /* 7.25 and 7.3 share the interval [0, 10). */
    uint32_t a = edra_code_at(md->qi_codes[0], 0), b = edra_code_at(md->qi_codes[0], 4);
    ck_assert_uint_eq(edra_hierarchy_code(h, 1, a), edra_hierarchy_code(h, 1, b));
    ck_assert_str_eq(edra_hierarchy_label(h, 1, edra_hierarchy_code(h, 1, a)), "[0, 10)");
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

/* A marker that looks like a number ("999") is still a marker in a column coded by value:
 * counted missing and a leaf of its own, not a number the builder bands. */
START_TEST(test_dataset_load__digit_marker_coded_by_value)
{
    write_file("stays.csv", "id,stay\n1,3\n2,999\n3,12\n4,999\n");
    edra_spec *spec = spec_from("data: {csv: stays.csv, missing: [\"999\"]}\n"
                                "attributes:\n"
                                "  id: {role: identifier}\n"
                                "  stay: {role: quasi, type: integer, hierarchy: {intervals: [10], bottom: 0, top: 30}}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = edra_dataset_microdata(ds);
    const edra_hierarchy *h = md->qi_hier[0];
    ck_assert_uint_eq(md->n_tuples, 3);
    ck_assert_uint_eq(edra_dataset_qi_missing(ds, 0), 2);
    ck_assert_uint_eq(edra_hierarchy_leaves(h), 3);
    uint32_t marker = edra_code_at(md->qi_codes[0], 1);
    ck_assert_str_eq(edra_hierarchy_label(h, 0, marker), "999");
    ck_assert_uint_eq(edra_count_at(md->counts, 1), 2);
    /* The marker keeps its own value below the top level, never the band [30, ...). */
    ck_assert_str_eq(edra_hierarchy_label(h, 1, edra_hierarchy_code(h, 1, marker)), "999");
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_dataset_load__count_column)
{
    /* Pre-aggregated: the same 6 records as counts; 0-count rows are skipped, their values
     * never entering a dictionary (50 is in no hierarchy, X would be a third sex). */
    write_file("agg.csv", "sex,age,n\nM,30,2\nF,30,1\nM,40,3\nF,40,0\nF,50,0\nX,30,0\n");
    edra_spec *spec = spec_from("data: {csv: agg.csv, count: n}\n"
                                "attributes:\n  sex: {role: quasi}\n  age: {role: quasi, hierarchy: age.csv}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(edra_dataset_microdata(ds)->n_records, 6);
    ck_assert_uint_eq(edra_dataset_microdata(ds)->n_tuples, 3);
    ck_assert_uint_eq(edra_hierarchy_leaves(edra_dataset_microdata(ds)->qi_hier[0]), 2);
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

/* Codes take as few bytes as each column needs: 70,000 distinct values cross 256 and 65,536
 * while loading (the column widens from 1 to 2 to 4 bytes in place), 300 take 2 bytes, 3
 * take 1, and a hierarchy of 300 leaves over 2 values in the data widens its column to 2
 * bytes when the codes become leaf codes. Every row is distinct, so tuple t is row t and
 * every code must still name that row's value after both widenings. */
START_TEST(test_dataset_load__code_widths)
{
    enum { ROWS = 70000 };
    char path[256];
    snprintf(path, sizeof path, "%s/wide.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("big,mid,small,h,s\n", f);
    for (int r = 0; r < ROWS; r++)
        fprintf(f, "v%d,w%d,%c,x%d,s%d\n", r, r % 300, "abc"[r % 3], r % 2 ? 299 : 0, r % 300);
    fclose(f);
    snprintf(path, sizeof path, "%s/h.csv", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 300; i++)
        fprintf(f, "x%d;*\n", i);
    fclose(f);
    edra_spec *spec = spec_from("data: {csv: wide.csv}\n"
                                "attributes:\n"
                                "  big: {role: quasi}\n"
                                "  mid: {role: quasi}\n"
                                "  small: {role: quasi}\n"
                                "  h: {role: quasi, hierarchy: h.csv}\n"
                                "  s: {role: sensitive}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = edra_dataset_microdata(ds);
    ck_assert_uint_eq(md->n_tuples, ROWS);
    ck_assert_uint_eq(md->qi_codes[0].width, 4);
    ck_assert_uint_eq(md->qi_codes[1].width, 2);
    ck_assert_uint_eq(md->qi_codes[2].width, 1);
    ck_assert_uint_eq(md->qi_codes[3].width, 2);
    ck_assert_uint_eq(md->sa_codes[0].width, 2);
    ck_assert_uint_eq(md->counts.width, 1);
    int wrong = 0;
    for (size_t t = 0; t < ROWS; t++) {
        char expect[32];
        const char *label;
        snprintf(expect, sizeof expect, "v%zu", t);
        label = edra_hierarchy_label(md->qi_hier[0], 0, edra_code_at(md->qi_codes[0], t));
        wrong += strcmp(label, expect) != 0;
        snprintf(expect, sizeof expect, "w%zu", t % 300);
        label = edra_hierarchy_label(md->qi_hier[1], 0, edra_code_at(md->qi_codes[1], t));
        wrong += strcmp(label, expect) != 0;
        snprintf(expect, sizeof expect, "%c", "abc"[t % 3]);
        label = edra_hierarchy_label(md->qi_hier[2], 0, edra_code_at(md->qi_codes[2], t));
        wrong += strcmp(label, expect) != 0;
        /* Leaf codes of h.csv are its rows: x0 -> 0, x299 -> 299. */
        wrong += edra_code_at(md->qi_codes[3], t) != (t % 2 ? 299u : 0u);
        /* SA codes without a hierarchy are in order of first appearance: s<t % 300>. */
        wrong += edra_code_at(md->sa_codes[0], t) != t % 300;
        wrong += edra_count_at(md->counts, t) != 1;
    }
    ck_assert_int_eq(wrong, 0);
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

/* Counts start at one byte and widen as a tuple's records grow: 200 + 200 = 400 needs 2
 * bytes, 70,000 needs 4, 5,000,000,000 needs 8; every earlier count survives each step. */
START_TEST(test_dataset_load__count_widths)
{
    write_file("cw.csv", "g,n\na,200\nb,7\na,200\nc,70000\nd,5000000000\nb,1\n");
    edra_spec *spec = spec_from("data: {csv: cw.csv, count: n}\nattributes:\n  g: {role: quasi}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = edra_dataset_microdata(ds);
    ck_assert_uint_eq(md->n_tuples, 4);
    ck_assert_uint_eq(md->counts.width, 8);
    /* Tuples in order of first appearance: a 400, b 7 + 1, c 70000, d 5e9. */
    ck_assert_uint_eq(edra_count_at(md->counts, 0), 400);
    ck_assert_uint_eq(edra_count_at(md->counts, 1), 8);
    ck_assert_uint_eq(edra_count_at(md->counts, 2), 70000);
    ck_assert_uint_eq(edra_count_at(md->counts, 3), 5000000000ULL);
    /* 400 + 8 + 70000 + 5000000000 */
    ck_assert_uint_eq(md->n_records, 5000070408ULL);
    edra_dataset_free(ds);
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_dataset_load__count_column_not_a_number)
{
    write_file("agg2.csv", "sex,n\nM,2\nF,x\n");
    edra_spec *spec = spec_from("data: {csv: agg2.csv, count: n}\nattributes:\n  sex: {role: quasi}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_dataset_load(&ds, spec, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "agg2.csv:3: count column 'n' is not a non-negative integer");
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_dataset_load__sqlite_table_and_query)
{
    char path[256];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/d.db", dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
                                  "CREATE TABLE t(id, sex, age);"
                                  "INSERT INTO t VALUES (1,'M',30),(2,'F',30),(3,'M',30),(4,'M',40);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    const char *specs[] = {
        "data: {sqlite: {db: d.db, table: t}}\nattributes:\n  sex: {role: quasi}\n  age: {role: quasi, hierarchy: age.csv}\n",
        "data: {sqlite: {db: d.db, query: \"SELECT sex, age FROM t WHERE id > 0\"}}\nattributes:\n  sex: {role: quasi}\n  age: {role: quasi, hierarchy: age.csv}\n",
    };
    for (int i = 0; i < 2; i++) {
        edra_spec *spec = spec_from(specs[i]);
        edra_dataset *ds = NULL;
        edra_error err = {0};
        ck_assert_msg(edra_dataset_load(&ds, spec, &err) == 0, "%s", err.msg);
        /* (M,30) x2, (F,30), (M,40): 4 records, 3 tuples. */
        ck_assert_uint_eq(edra_dataset_microdata(ds)->n_records, 4);
        ck_assert_uint_eq(edra_dataset_microdata(ds)->n_tuples, 3);
        edra_dataset_free(ds);
        edra_spec_free(spec);
    }
}
END_TEST

START_TEST(test_dataset_load__unknown_column)
{
    edra_spec *spec = spec_from("data: {csv: d.csv}\nattributes:\n  sex: {role: quasi}\n  zip: {role: quasi}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_dataset_load(&ds, spec, &err), EDRA_ESPEC);
    ck_assert_str_eq(err.msg, "t.yaml:4:3: column 'zip' is not in d.csv");
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_dataset_load__sensitive_value_never_quoted)
{
    write_file("dx.csv", "diagnosis\nflu\n");
    edra_spec *spec = spec_from("data: {csv: d.csv}\nattributes:\n  sex: {role: quasi}\n"
                                "  diagnosis: {role: sensitive, hierarchy: dx.csv}\n");
    edra_dataset *ds = NULL;
    edra_error err = {0};
    ck_assert_int_eq(edra_dataset_load(&ds, spec, &err), EDRA_EDATA);
    ck_assert_ptr_null(strstr(err.msg, "cold"));
    ck_assert_ptr_nonnull(strstr(err.msg, "d.csv:5: a value of column 'diagnosis' is not in"));
    edra_spec_free(spec);
}
END_TEST

static const char *shared_data(void)
{
    static char path[512];
    const char *env = getenv("EDRA_SHARED_DATA");
    const char *candidates[] = {env, "../shared/data", "../../shared/data"};
    for (int i = 0; i < 3; i++) {
        if (!candidates[i])
            continue;
        snprintf(path, sizeof path, "%s/adult/adult.csv", candidates[i]);
        /* Absolute, since the spec's relative paths resolve against its own folder. */
        if (access(path, R_OK) == 0 && realpath(candidates[i], path))
            return path;
    }
    return NULL;
}

START_TEST(test_dataset_load__adult_reference)
{
    /* ../shared/data/REFERENCE.md (ARX 3.9.2): 30,162 records, 19,502 classes, 15,512 sample
     * uniques, average prosecutor risk 0.6465751607983555, records at risk (0.2)
     * 0.7781314236456468, class sizes 1..45. */
    const char *data = shared_data();
    if (!data) {
        fprintf(stderr, "SKIP: ../shared/data not found\n");
        return;
    }
    const char *cols[] = {"sex", "age", "race", "marital-status", "education", "native-country",
                          "workclass", "occupation", "salary-class"};
    char yaml[4096], *p = yaml;
    p += sprintf(p, "data: {csv: %s/adult/adult.csv, delimiter: \";\"}\nattributes:\n", data);
    for (int i = 0; i < 9; i++)
        p += sprintf(p, "  %s: {role: quasi, hierarchy: %s/adult/adult_hierarchy_%s.csv}\n", cols[i],
                     data, cols[i]);
    sprintf(p, "population: {region: USA}\n");
    write_file("adult.yaml", yaml);
    char spec_path[256];
    snprintf(spec_path, sizeof spec_path, "%s/adult.yaml", dir);
    edra_pipeline *pipe = NULL;
    edra_error err = {0};
    ck_assert_msg(edra_pipeline_open(&pipe, spec_path, &err) == 0, "%s", err.msg);
    uint8_t levels[9] = {0};
    edra_figures f;
    ck_assert_msg(edra_pipeline_assess(pipe, levels, 0, &f, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(f.records, 30162);
    ck_assert_uint_eq(f.prosecutor.classes, 19502);
    ck_assert_uint_eq(f.prosecutor.sample_uniques, 15512);
    ck_assert_uint_eq(f.prosecutor.k_min, 1);
    ck_assert_uint_eq(f.prosecutor.k_max, 45);
    ck_assert_double_eq_tol(f.prosecutor.average, 0.6465751607983555, 1e-15);
    ck_assert_double_eq_tol(f.prosecutor.records_at_risk, 0.7781314236456468, 1e-15);
    ck_assert_double_eq_tol(f.prosecutor.highest, 1.0, 1e-15);
    ck_assert(f.has_population);
    ck_assert_double_eq_tol(f.population.pitman.fraction, 0.038896188531360315, 0.038896188531360315 * 1e-6);
    ck_assert_double_eq_tol(f.population.zayatz.fraction, 0.2645647181504129, 0.2645647181504129 * 1e-6);
    ck_assert_int_eq(f.population.dankar_choice, EDRA_POPMODEL_PITMAN);
    edra_figures_clear(&f);
    edra_pipeline_free(pipe);
}
END_TEST

static void add_tests(TCase *tc)
{
    tcase_add_test(tc, test_dataset_load__csv_tuples_and_missing);
    tcase_add_test(tc, test_dataset_load__count_column);
    tcase_add_test(tc, test_dataset_load__decimal_coded_by_value);
    tcase_add_test(tc, test_dataset_load__digit_marker_coded_by_value);
    tcase_add_test(tc, test_dataset_load__count_column_not_a_number);
    tcase_add_test(tc, test_dataset_load__code_widths);
    tcase_add_test(tc, test_dataset_load__count_widths);
    tcase_add_test(tc, test_dataset_load__sqlite_table_and_query);
    tcase_add_test(tc, test_dataset_load__unknown_column);
    tcase_add_test(tc, test_dataset_load__sensitive_value_never_quoted);
    tcase_add_test(tc, test_dataset_load__adult_reference);
}

static Suite *dataset_suite(const char *name)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create("dataset");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    add_tests(tc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* Every test twice: CSV rows parsed on this thread, then on a thread of their own
     * (edra_rowpipe, which files of 8 MB and more take): the same tuples, codes and errors. */
    int failed = 0;
    for (int piped = 0; piped < 2; piped++) {
        setenv("EDRA_LOAD_PIPELINE", piped ? "1" : "0", 1);
        SRunner *sr = srunner_create(dataset_suite(piped ? "dataset, rows parsed on a thread"
                                                         : "dataset"));
        srunner_run_all(sr, CK_NORMAL);
        failed += srunner_ntests_failed(sr);
        srunner_free(sr);
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
