/* Tests for analyzer/spec.c: every key of the YAML spec parsed into its field, defaults,
 * path resolution, and each validation with its exact "t.yaml:LINE:COL: message".
 * Columns are counted by hand from the inline texts (1-based, as libyaml's mark + 1). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp for the edra_spec_load tests */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analyzer/spec.h"

static int parse_in(edra_spec **s, const char *text, const char *dir, edra_error *err)
{
    return edra_spec_parse(s, text, strlen(text), "t.yaml", dir, err);
}

/* ---- edra_spec_parse: accepted specs ---- */

static const char full_spec[] =
    "data:\n"
    "  csv: adult.csv\n"
    "  delimiter: \"\\t\"\n"
    "  missing: [\"\", \"?\"]\n"
    "  count: n\n"
    "  weight: wgt\n"
    "attributes:\n"
    "  ssn:        {role: identifier}\n"
    "  age:        {role: quasi, type: integer, hierarchy: adult_hierarchy_age.csv}\n"
    "  zip:        {role: quasi, hierarchy: {mask: 3, from: left}}\n"
    "  los:        {role: quasi, type: integer, hierarchy: {intervals: [5, 10, 20], bottom: 1, top: 30}}\n"
    "  admitted:   {role: quasi, type: date, format: \"%d/%m/%Y\", hierarchy: {date: [month, year, decade]}}\n"
    "  severity:   {role: quasi, type: ordinal, order: [low, mid, high], hierarchy: {order: [low, mid, high], groups: [2]}}\n"
    "  diagnosis:  {role: sensitive, hierarchy: {file: /h/icd.csv, delimiter: \",\"}}\n"
    "  occupation: {role: sensitive, type: decimal}\n"
    "  notes:      {role: insensitive}\n"
    "population: {region: united states, table: pop.csv}\n"
    "targets:\n"
    "  k: 5\n"
    "  risk_threshold: 0.1\n"
    "  prosecutor_risk: 0.2\n"
    "  average_risk: 0.05\n"
    "  records_at_risk: 0.04\n"
    "  journalist_risk: 0.3\n"
    "  marketer_risk: 0.06\n"
    "  population_uniqueness: 0.01\n"
    "  suppression: 0.07\n"
    "  l:\n"
    "    - {model: recursive, l: 3, c: 4, attribute: occupation}\n"
    "    - {model: entropy, l: 2.5, attribute: diagnosis}\n"
    "  t: {model: hierarchical, t: 0.15, attribute: diagnosis}\n"
    "transformation: {age: 2, zip: 0}\n"
    "search: {metric: discernibility, time_limit: 2m}\n"
    "report:\n"
    "  title: Release A\n"
    "  organisation: Clinic\n"
    "  dataset: visits\n"
    "  recipient: Lab\n"
    "  expert: Dr X\n"
    "  credentials: PhD\n"
    "  validity: \"12 months\"\n"
    "  controls: [no linking, audit]\n"
    "  triggers: [new data]\n";

START_TEST(test_spec_parse__full)
{
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(parse_in(&s, full_spec, "/data/specs", &err), 0);
    ck_assert_str_eq(s->path, "t.yaml");
    ck_assert_str_eq(s->dir, "/data/specs");
    ck_assert_uint_eq(s->text_len, strlen(full_spec));
    ck_assert_str_eq(s->text, full_spec);

    ck_assert_int_eq(s->source, EDRA_SOURCE_CSV);
    ck_assert_str_eq(s->data_path, "/data/specs/adult.csv");
    ck_assert_int_eq(s->delimiter, '\t');
    ck_assert_uint_eq(s->n_missing, 2);
    ck_assert_str_eq(s->missing[0], "");
    ck_assert_str_eq(s->missing[1], "?");
    ck_assert_str_eq(s->count_column, "n");
    ck_assert_str_eq(s->weight_column, "wgt");
    ck_assert_uint_eq(s->data_line, 2); /* the data mapping starts at "csv" on line 2 */
    ck_assert_uint_eq(s->data_col, 3);

    ck_assert_uint_eq(s->n_attrs, 9);
    const edra_spec_attr *a = &s->attrs[0];
    ck_assert_str_eq(a->name, "ssn");
    ck_assert_int_eq(a->role, EDRA_ROLE_IDENTIFIER);
    ck_assert_int_eq(a->type, EDRA_TYPE_STRING);
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_NONE);
    ck_assert_uint_eq(a->line, 8);
    ck_assert_uint_eq(a->col, 3);

    a = &s->attrs[1];
    ck_assert_str_eq(a->name, "age");
    ck_assert_int_eq(a->role, EDRA_ROLE_QUASI);
    ck_assert_int_eq(a->type, EDRA_TYPE_INTEGER);
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_FILE);
    ck_assert_str_eq(a->hierarchy.path, "/data/specs/adult_hierarchy_age.csv");
    ck_assert_int_eq(a->hierarchy.delimiter, ';');
    /* "  age:        {role: quasi, type: integer, hierarchy: " is 54 characters. */
    ck_assert_uint_eq(a->hierarchy.line, 9);
    ck_assert_uint_eq(a->hierarchy.col, 55);

    a = &s->attrs[2];
    ck_assert_int_eq(a->type, EDRA_TYPE_STRING);
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_MASK);
    ck_assert_int_eq(a->hierarchy.mask_chars, 3);
    ck_assert_int_eq(a->hierarchy.mask_from_left, 1);

    a = &s->attrs[3];
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_INTERVALS);
    ck_assert_uint_eq(a->hierarchy.n_widths, 3);
    ck_assert_double_eq_tol(a->hierarchy.widths[0], 5, 1e-12);
    ck_assert_double_eq_tol(a->hierarchy.widths[1], 10, 1e-12);
    ck_assert_double_eq_tol(a->hierarchy.widths[2], 20, 1e-12);
    ck_assert_int_eq(a->hierarchy.has_bottom, 1);
    ck_assert_int_eq(a->hierarchy.has_top, 1);
    ck_assert_double_eq_tol(a->hierarchy.bottom, 1, 1e-12);
    ck_assert_double_eq_tol(a->hierarchy.top, 30, 1e-12);

    a = &s->attrs[4];
    ck_assert_int_eq(a->type, EDRA_TYPE_DATE);
    ck_assert_str_eq(a->date_format, "%d/%m/%Y");
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_DATE);
    ck_assert_uint_eq(a->hierarchy.n_date_levels, 3);
    ck_assert_int_eq(a->hierarchy.date_levels[0], EDRA_DATE_MONTH);
    ck_assert_int_eq(a->hierarchy.date_levels[1], EDRA_DATE_YEAR);
    ck_assert_int_eq(a->hierarchy.date_levels[2], EDRA_DATE_DECADE);

    a = &s->attrs[5];
    ck_assert_int_eq(a->type, EDRA_TYPE_ORDINAL);
    ck_assert_uint_eq(a->n_order, 3);
    ck_assert_str_eq(a->order[0], "low");
    ck_assert_str_eq(a->order[2], "high");
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_ORDER);
    ck_assert_uint_eq(a->hierarchy.n_order, 3);
    ck_assert_str_eq(a->hierarchy.order[1], "mid");
    ck_assert_uint_eq(a->hierarchy.n_groups, 1);
    ck_assert_uint_eq(a->hierarchy.groups[0], 2);

    a = &s->attrs[6];
    ck_assert_int_eq(a->role, EDRA_ROLE_SENSITIVE);
    ck_assert_int_eq(a->hierarchy.kind, EDRA_HIER_FILE);
    ck_assert_str_eq(a->hierarchy.path, "/h/icd.csv"); /* absolute: kept */
    ck_assert_int_eq(a->hierarchy.delimiter, ',');

    ck_assert_int_eq(s->attrs[7].type, EDRA_TYPE_DECIMAL);
    ck_assert_int_eq(s->attrs[8].role, EDRA_ROLE_INSENSITIVE);
    ck_assert_ptr_null(s->attrs[8].date_format);

    ck_assert_int_eq(s->pop_kind, EDRA_POP_REGION);
    ck_assert_str_eq(s->pop_region, "united states");
    ck_assert_double_eq_tol(s->pop_size, 317238626, 1e-6);
    ck_assert_str_eq(s->pop_table, "/data/specs/pop.csv");

    ck_assert_uint_eq(s->targets.k, 5);
    ck_assert_double_eq_tol(s->targets.risk_threshold, 0.1, 1e-12);
    ck_assert_double_eq_tol(s->targets.prosecutor_risk, 0.2, 1e-12);
    ck_assert_double_eq_tol(s->targets.average_risk, 0.05, 1e-12);
    ck_assert_double_eq_tol(s->targets.records_at_risk, 0.04, 1e-12);
    ck_assert_double_eq_tol(s->targets.journalist_risk, 0.3, 1e-12);
    ck_assert_double_eq_tol(s->targets.marketer_risk, 0.06, 1e-12);
    ck_assert_double_eq_tol(s->targets.population_uniqueness, 0.01, 1e-12);
    ck_assert_double_eq_tol(s->targets.suppression, 0.07, 1e-12);
    ck_assert_uint_eq(s->targets.n_ldiv, 2);
    ck_assert_int_eq(s->targets.ldiv[0].model, EDRA_LDIV_RECURSIVE);
    ck_assert_double_eq_tol(s->targets.ldiv[0].l, 3, 1e-12);
    ck_assert_double_eq_tol(s->targets.ldiv[0].c, 4, 1e-12);
    ck_assert_str_eq(s->ldiv_attr[0], "occupation");
    ck_assert_uint_eq(s->ldiv_line[0], 29);
    ck_assert_int_eq(s->targets.ldiv[1].model, EDRA_LDIV_ENTROPY);
    ck_assert_double_eq_tol(s->targets.ldiv[1].l, 2.5, 1e-12);
    ck_assert_str_eq(s->ldiv_attr[1], "diagnosis");
    ck_assert_uint_eq(s->ldiv_line[1], 30);
    ck_assert_uint_eq(s->targets.n_tclose, 1);
    ck_assert_int_eq(s->targets.tclose[0].model, EDRA_TCLOSE_HIERARCHICAL);
    ck_assert_double_eq_tol(s->targets.tclose[0].t, 0.15, 1e-12);
    ck_assert_str_eq(s->tclose_attr[0], "diagnosis");
    ck_assert_uint_eq(s->tclose_line[0], 31);

    ck_assert_uint_eq(s->n_levels, 2);
    ck_assert_str_eq(s->levels[0].name, "age");
    ck_assert_int_eq(s->levels[0].level, 2);
    ck_assert_uint_eq(s->levels[0].line, 32);
    ck_assert_uint_eq(s->levels[0].col, 18); /* "transformation: {" is 17 characters */
    ck_assert_str_eq(s->levels[1].name, "zip");
    ck_assert_int_eq(s->levels[1].level, 0);

    ck_assert_int_eq(s->metric, EDRA_METRIC_DISCERNIBILITY);
    ck_assert_double_eq_tol(s->time_limit, 120, 1e-12); /* 2m = 2 * 60 s */

    ck_assert_str_eq(s->report_title, "Release A");
    ck_assert_str_eq(s->report_organisation, "Clinic");
    ck_assert_str_eq(s->report_dataset, "visits");
    ck_assert_str_eq(s->report_recipient, "Lab");
    ck_assert_str_eq(s->report_expert, "Dr X");
    ck_assert_str_eq(s->report_credentials, "PhD");
    ck_assert_str_eq(s->report_validity, "12 months");
    ck_assert_uint_eq(s->n_controls, 2);
    ck_assert_str_eq(s->report_controls[0], "no linking");
    ck_assert_str_eq(s->report_controls[1], "audit");
    ck_assert_uint_eq(s->n_triggers, 1);
    ck_assert_str_eq(s->report_triggers[0], "new data");
    edra_spec_free(s);
}
END_TEST

START_TEST(test_spec_parse__defaults)
{
    const char *text = "data: {csv: a.csv}\nattributes: {age: {role: quasi}}\n";
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(edra_spec_parse(&s, text, strlen(text), NULL, NULL, &err), 0);
    ck_assert_str_eq(s->path, "spec");
    ck_assert_str_eq(s->dir, ".");
    ck_assert_str_eq(s->data_path, "a.csv"); /* dir "." adds nothing */
    ck_assert_int_eq(s->delimiter, 0);
    ck_assert_uint_eq(s->n_missing, 1);
    ck_assert_str_eq(s->missing[0], "");
    ck_assert_ptr_null(s->count_column);
    ck_assert_ptr_null(s->weight_column);
    ck_assert_int_eq(s->attrs[0].type, EDRA_TYPE_STRING);
    ck_assert_int_eq(s->attrs[0].hierarchy.kind, EDRA_HIER_NONE);
    ck_assert_int_eq(s->pop_kind, EDRA_POP_NONE);
    ck_assert_ptr_null(s->pop_table);
    ck_assert_uint_eq(s->targets.k, 0);
    ck_assert_double_eq_tol(s->targets.risk_threshold, 0.2, 1e-12);
    ck_assert_double_eq_tol(s->targets.prosecutor_risk, EDRA_UNSET, 1e-12);
    ck_assert_double_eq_tol(s->targets.population_uniqueness, EDRA_UNSET, 1e-12);
    ck_assert_double_eq_tol(s->targets.suppression, 0, 1e-12);
    ck_assert_uint_eq(s->targets.n_ldiv, 0);
    ck_assert_uint_eq(s->targets.n_tclose, 0);
    ck_assert_uint_eq(s->n_levels, 0);
    ck_assert_int_eq(s->metric, EDRA_METRIC_LOSS);
    ck_assert_double_eq_tol(s->time_limit, 0, 1e-12);
    ck_assert_ptr_null(s->report_title);
    ck_assert_uint_eq(s->n_controls, 0);
    edra_spec_free(s);
}
END_TEST

START_TEST(test_spec_parse__paths)
{
    const char *text = "data: {csv: in/a.csv}\n"
                       "attributes: {age: {role: quasi, hierarchy: {file: h/age.csv}}}\n"
                       "population: {size: 1000, table: ../pop.csv}\n";
    const char *dirs[] = {"specs", "specs/", "/", "."};
    const char *want_data[] = {"specs/in/a.csv", "specs/in/a.csv", "/in/a.csv", "in/a.csv"};
    const char *want_hier[] = {"specs/h/age.csv", "specs/h/age.csv", "/h/age.csv", "h/age.csv"};
    const char *want_pop[] = {"specs/../pop.csv", "specs/../pop.csv", "/../pop.csv", "../pop.csv"};
    for (size_t i = 0; i < 4; i++) {
        edra_error err = {0};
        edra_spec *s = NULL;
        ck_assert_int_eq(parse_in(&s, text, dirs[i], &err), 0);
        ck_assert_str_eq(s->data_path, want_data[i]);
        ck_assert_str_eq(s->attrs[0].hierarchy.path, want_hier[i]);
        ck_assert_int_eq(s->attrs[0].hierarchy.delimiter, ';');
        ck_assert_str_eq(s->pop_table, want_pop[i]);
        ck_assert_double_eq_tol(s->pop_size, 1000, 1e-12);
        edra_spec_free(s);
    }
}
END_TEST

START_TEST(test_spec_parse__sqlite)
{
    const char *table = "data: {sqlite: {db: x.db, table: people}}\nattributes: {a: {role: quasi}}\n";
    const char *query = "data: {sqlite: {query: \"SELECT * FROM p\", db: /abs/x.db}}\n"
                        "attributes: {a: {role: quasi}}\n";
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(parse_in(&s, table, "d", &err), 0);
    ck_assert_int_eq(s->source, EDRA_SOURCE_SQLITE_TABLE);
    ck_assert_str_eq(s->data_path, "d/x.db");
    ck_assert_str_eq(s->sqlite_table, "people");
    ck_assert_ptr_null(s->sqlite_query);
    edra_spec_free(s);
    ck_assert_int_eq(parse_in(&s, query, "d", &err), 0);
    ck_assert_int_eq(s->source, EDRA_SOURCE_SQLITE_QUERY);
    ck_assert_str_eq(s->data_path, "/abs/x.db");
    ck_assert_str_eq(s->sqlite_query, "SELECT * FROM p");
    ck_assert_ptr_null(s->sqlite_table);
    edra_spec_free(s);
}
END_TEST

/* One variant of data / population / search / targets per row, on a fixed attributes line. */
START_TEST(test_spec_parse__variants)
{
    static const char *const attrs = "attributes: {a: {role: quasi}, s: {role: sensitive}}\n";
    char text[512];
    edra_error err = {0};
    edra_spec *s = NULL;

#define PARSE(extra)                                                                    \
    snprintf(text, sizeof text, "%s%s", attrs, extra);                                  \
    ck_assert_msg(parse_in(&s, text, ".", &err) == 0, "%s -> %s", extra, err.msg)

    PARSE("data: {csv: a.csv, delimiter: tab}\n");
    ck_assert_int_eq(s->delimiter, '\t');
    edra_spec_free(s);
    PARSE("data: {csv: a.csv, delimiter: '\\t'}\n"); /* single-quoted backslash-t */
    ck_assert_int_eq(s->delimiter, '\t');
    edra_spec_free(s);
    PARSE("data: {csv: a.csv, delimiter: \",\", missing: \"?\"}\n");
    ck_assert_int_eq(s->delimiter, ',');
    ck_assert_uint_eq(s->n_missing, 1); /* a single string is a list of one */
    ck_assert_str_eq(s->missing[0], "?");
    edra_spec_free(s);
    PARSE("data: {csv: a.csv, missing: []}\n");
    ck_assert_uint_eq(s->n_missing, 0);
    edra_spec_free(s);

    PARSE("data: {csv: a.csv}\npopulation: {size: 3.2e8}\n");
    ck_assert_int_eq(s->pop_kind, EDRA_POP_SIZE);
    ck_assert_double_eq_tol(s->pop_size, 3.2e8, 1e-3);
    edra_spec_free(s);
    PARSE("data: {csv: a.csv}\npopulation: {sampling_fraction: 1}\n");
    ck_assert_int_eq(s->pop_kind, EDRA_POP_FRACTION);
    ck_assert_double_eq_tol(s->pop_fraction, 1, 1e-12);
    edra_spec_free(s);
    PARSE("data: {csv: a.csv}\npopulation: {region: uk}\n");
    ck_assert_int_eq(s->pop_kind, EDRA_POP_REGION);
    ck_assert_double_eq_tol(s->pop_size, 64100000, 1e-6);
    edra_spec_free(s);

    PARSE("data: {csv: a.csv}\nsearch: {time_limit: 30}\n");
    ck_assert_double_eq_tol(s->time_limit, 30, 1e-12);
    edra_spec_free(s);
    PARSE("data: {csv: a.csv}\nsearch: {time_limit: \"45s\", metric: aecs}\n");
    ck_assert_double_eq_tol(s->time_limit, 45, 1e-12);
    ck_assert_int_eq(s->metric, EDRA_METRIC_AECS);
    edra_spec_free(s);
    PARSE("data: {csv: a.csv}\nsearch: {time_limit: 1.5h, metric: height}\n");
    ck_assert_double_eq_tol(s->time_limit, 5400, 1e-9); /* 1.5 * 3600 */
    ck_assert_int_eq(s->metric, EDRA_METRIC_HEIGHT);
    edra_spec_free(s);

    /* Models default to distinct and equal; bounds 0 and 1 are inside [0, 1]. */
    PARSE("data: {csv: a.csv}\ntargets: {l: {l: 2, attribute: s}, t: {t: 1, attribute: s},"
          " suppression: 0, risk_threshold: 1}\n");
    ck_assert_int_eq(s->targets.ldiv[0].model, EDRA_LDIV_DISTINCT);
    ck_assert_double_eq_tol(s->targets.ldiv[0].c, 0, 1e-12);
    ck_assert_int_eq(s->targets.tclose[0].model, EDRA_TCLOSE_EQUAL);
    ck_assert_double_eq_tol(s->targets.tclose[0].t, 1, 1e-12);
    ck_assert_double_eq_tol(s->targets.risk_threshold, 1, 1e-12);
    edra_spec_free(s);
#undef PARSE
}
END_TEST

START_TEST(test_spec_parse__targets_before_attributes)
{
    /* Targets may name an attribute declared further down; checked after the walk. */
    const char *text = "targets: {t: [{model: ordered, t: 0.3, attribute: s}]}\n"
                       "transformation: {a: 1}\n"
                       "data: {csv: a.csv}\n"
                       "attributes: {a: {role: quasi}, s: {role: sensitive, type: integer}}\n";
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(parse_in(&s, text, ".", &err), 0);
    ck_assert_uint_eq(s->targets.n_tclose, 1);
    ck_assert_int_eq(s->targets.tclose[0].model, EDRA_TCLOSE_ORDERED);
    ck_assert_uint_eq(s->tclose_line[0], 1);
    ck_assert_int_eq(s->levels[0].level, 1);
    edra_spec_free(s);
}
END_TEST

START_TEST(test_spec_parse__hierarchy_variants)
{
    const char *text =
        "data: {csv: a.csv}\n"
        "attributes:\n"
        "  zip: {role: quasi, hierarchy: {mask: 2}}\n"
        "  adm: {role: quasi, type: date, hierarchy: {date: [week, year, century]}}\n"
        "  sev: {role: quasi, type: ordinal, hierarchy: {order: [a, b, c, d], groups: [2, 4]}}\n"
        "  sa:  {role: sensitive, order: [x, y]}\n"
        "  los: {role: quasi, type: decimal, hierarchy: {intervals: [0.5, 1.5], top: 9}}\n";
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_msg(parse_in(&s, text, ".", &err) == 0, "%s", err.msg);
    ck_assert_int_eq(s->attrs[0].hierarchy.mask_chars, 2);
    ck_assert_int_eq(s->attrs[0].hierarchy.mask_from_left, 0); /* from right by default */
    ck_assert_uint_eq(s->attrs[1].hierarchy.n_date_levels, 3);
    ck_assert_int_eq(s->attrs[1].hierarchy.date_levels[0], EDRA_DATE_WEEK);
    ck_assert_int_eq(s->attrs[1].hierarchy.date_levels[1], EDRA_DATE_YEAR);
    ck_assert_int_eq(s->attrs[1].hierarchy.date_levels[2], EDRA_DATE_CENTURY);
    ck_assert_ptr_null(s->attrs[1].date_format); /* NULL = ISO 8601 */
    /* An ordinal without its own order takes the hierarchy's. */
    ck_assert_uint_eq(s->attrs[2].n_order, 4);
    ck_assert_str_eq(s->attrs[2].order[3], "d");
    ck_assert_uint_eq(s->attrs[2].hierarchy.n_groups, 2);
    ck_assert_uint_eq(s->attrs[2].hierarchy.groups[1], 4);
    ck_assert_uint_eq(s->attrs[3].n_order, 2);
    ck_assert_str_eq(s->attrs[3].order[1], "y");
    /* 1.5 / 0.5 = 3, a whole multiple. */
    ck_assert_double_eq_tol(s->attrs[4].hierarchy.widths[1], 1.5, 1e-12);
    ck_assert_int_eq(s->attrs[4].hierarchy.has_bottom, 0);
    ck_assert_int_eq(s->attrs[4].hierarchy.has_top, 1);
    ck_assert_double_eq_tol(s->attrs[4].hierarchy.top, 9, 1e-12);
    edra_spec_free(s);
}
END_TEST

/* ---- edra_spec_parse: rejected specs ---- */

/* Lines 1-6 of most error specs; the case's own text starts on line 7. */
#define HEAD                                  \
    "data: {csv: a.csv}\n"                    \
    "attributes:\n"                           \
    "  age: {role: quasi, type: integer}\n"   \
    "  zip: {role: quasi}\n"                  \
    "  occupation: {role: sensitive}\n"       \
    "  ssn: {role: identifier}\n"
#define ATTR "data: {csv: a.csv}\nattributes:\n" /* the attribute is on line 3 */

typedef struct {
    const char *text;
    int code;
    const char *msg;
} error_case;

static const error_case error_cases[] = {
    /* targets: "targets: {" is 10 characters, so the first key is at column 11. */
    {HEAD "targets: {k: 5, kk: 1}\n", EDRA_ESPEC, "t.yaml:7:17: unknown key 'kk' in targets"},
    {HEAD "targets: {k: abc}\n", EDRA_ESPEC, "t.yaml:7:14: 'k' must be a positive integer"},
    {HEAD "targets: {k: 2.5}\n", EDRA_ESPEC, "t.yaml:7:14: 'k' must be a positive integer"},
    {HEAD "targets: {k: 0}\n", EDRA_ESPEC, "t.yaml:7:14: k must be at least 1"},
    {HEAD "targets: {k: -3}\n", EDRA_ESPEC, "t.yaml:7:14: k must be at least 1"},
    {HEAD "targets: {risk_threshold: 0}\n", EDRA_ESPEC,
     "t.yaml:7:27: 'risk_threshold' must be a number in (0, 1]"},
    {HEAD "targets: {average_risk: 1.5}\n", EDRA_ESPEC,
     "t.yaml:7:25: 'average_risk' must be a number in [0, 1]"},
    {HEAD "targets: {suppression: -0.1}\n", EDRA_ESPEC,
     "t.yaml:7:24: 'suppression' must be a number in [0, 1]"},
    {HEAD "targets: {marketer_risk: nan}\n", EDRA_ESPEC,
     "t.yaml:7:26: 'marketer_risk' must be a number in [0, 1]"},
    {HEAD "targets: {l: {l: 0, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:18: 'l' must be an integer of at least 1"},
    {HEAD "targets: {l: {l: 2.5, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:18: 'l' must be an integer of at least 1"},
    {HEAD "targets: {l: {model: entropy, l: 0.5, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:34: 'l' must be a number of at least 1"},
    {HEAD "targets: {l: {model: recursive, l: 3, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:14: recursive (c,l)-diversity needs 'c'"},
    {HEAD "targets: {l: {l: 3, c: 2, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:24: 'c' applies only to the recursive model"},
    {HEAD "targets: {l: {model: recursive, l: 3, c: 0, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:42: 'c' must be a positive number"},
    {HEAD "targets: {l: {model: fancy, l: 3, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:22: 'model' must be one of distinct, entropy, recursive"},
    {HEAD "targets: {l: {l: 2}}\n", EDRA_ESPEC, "t.yaml:7:14: l target needs 'attribute'"},
    {HEAD "targets: {l: {l: 2, attribute: occupation, x: 1}}\n", EDRA_ESPEC,
     "t.yaml:7:44: unknown key 'x' in targets.l"},
    {HEAD "targets: {l: {l: 2, attribute: salary}}\n", EDRA_ESPEC,
     "t.yaml:7:32: l target names 'salary', which is not a declared attribute"},
    {HEAD "targets: {l: {l: 2, attribute: age}}\n", EDRA_ESPEC,
     "t.yaml:7:32: l target names 'age', whose role is quasi, not sensitive"},
    {HEAD "targets: {t: {t: 1.5, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:18: 't' must be a number in [0, 1]"},
    {HEAD "targets: {t: {model: earth, t: 0.1, attribute: occupation}}\n", EDRA_ESPEC,
     "t.yaml:7:22: 'model' must be one of equal, ordered, hierarchical"},
    {HEAD "targets: {t: {attribute: occupation}}\n", EDRA_ESPEC, "t.yaml:7:14: t target needs 't'"},
    {HEAD "targets: {t: {t: 0.2, attribute: ssn}}\n", EDRA_ESPEC,
     "t.yaml:7:34: t target names 'ssn', whose role is identifier, not sensitive"},
    {HEAD "targets: {k: 2, k: 3}\n", EDRA_ESPEC, "t.yaml:7:17: duplicate key 'k' in targets"},
    {HEAD "targets: [k]\n", EDRA_ESPEC, "t.yaml:7:10: 'targets' must be a mapping"},

    /* population: "population: {" is 13 characters. */
    {HEAD "population: {size: 0}\n", EDRA_ESPEC, "t.yaml:7:20: 'size' must be a positive number"},
    {HEAD "population: {sampling_fraction: 1.5}\n", EDRA_ESPEC,
     "t.yaml:7:33: 'sampling_fraction' must be a number in (0, 1]"},
    {HEAD "population: {sampling_fraction: 0}\n", EDRA_ESPEC,
     "t.yaml:7:33: 'sampling_fraction' must be a number in (0, 1]"},
    {HEAD "population: {region: Mars}\n", EDRA_ESPEC,
     "t.yaml:7:22: unknown region 'Mars'; known regions: USA, UK, Canada, Germany, France, EU, "
     "Italy, Spain, Netherlands, Australia"},
    {HEAD "population: {size: 100, region: USA}\n", EDRA_ESPEC,
     "t.yaml:7:25: population takes one of size, sampling_fraction, region; not both 'size' "
     "and 'region'"},
    {HEAD "population: {table: p.csv}\n", EDRA_ESPEC,
     "t.yaml:7:13: population needs one of size, sampling_fraction, region"},
    {HEAD "population: {size: 10, fraction: 0.1}\n", EDRA_ESPEC,
     "t.yaml:7:24: unknown key 'fraction' in population"},

    /* transformation: "transformation: {" is 17 characters. */
    {HEAD "transformation: {salary: 1}\n", EDRA_ESPEC,
     "t.yaml:7:18: transformation names 'salary', which is not a declared quasi attribute"},
    {HEAD "transformation: {occupation: 1}\n", EDRA_ESPEC,
     "t.yaml:7:18: transformation names 'occupation', which is not a declared quasi attribute"},
    {HEAD "transformation: {age: -1}\n", EDRA_ESPEC,
     "t.yaml:7:23: the level of 'age' must be a non-negative integer"},

    /* search and report: "search: {" is 9 characters, "report: {" too. */
    {HEAD "search: {metric: speed}\n", EDRA_ESPEC,
     "t.yaml:7:18: 'metric' must be one of loss, precision, discernibility, aecs, entropy, height"},
    {HEAD "search: {time_limit: 5x}\n", EDRA_ESPEC,
     "t.yaml:7:22: 'time_limit' must be a positive number of seconds or a duration such as "
     "\"30s\" or \"2m\""},
    {HEAD "search: {time_limit: -5s}\n", EDRA_ESPEC,
     "t.yaml:7:22: 'time_limit' must be a positive number of seconds or a duration such as "
     "\"30s\" or \"2m\""},
    {HEAD "report: {title: [a]}\n", EDRA_ESPEC, "t.yaml:7:17: 'title' must be a string"},
    {HEAD "report: {controls: x}\n", EDRA_ESPEC, "t.yaml:7:20: 'controls' must be a list of strings"},
    {HEAD "report: {organization: x}\n", EDRA_ESPEC,
     "t.yaml:7:10: unknown key 'organization' in report"},

    /* the top level */
    {HEAD "extra: 1\n", EDRA_ESPEC,
     "t.yaml:7:1: unknown key 'extra' at the top level (data, attributes, population, targets, "
     "transformation, search, report)"},
    {HEAD "data: {csv: b.csv}\n", EDRA_ESPEC, "t.yaml:7:1: duplicate key 'data' in the spec"},
    {"attributes: {a: {role: quasi}}\n", EDRA_ESPEC, "t.yaml:1:1: the spec needs a 'data' section"},
    {"data: {csv: a.csv}\n", EDRA_ESPEC, "t.yaml:1:1: the spec needs an 'attributes' section"},
    {"data: {csv: a.csv}\nattributes: {}\n", EDRA_ESPEC,
     "t.yaml:2:13: attributes must declare at least one attribute"},
    {"- data\n", EDRA_ESPEC,
     "t.yaml:1:1: the spec must be a mapping of sections (data, attributes, ...)"},
    {"", EDRA_ESPEC, "t.yaml:1:1: the spec is empty"},
    {"# nothing but a comment\n", EDRA_ESPEC, "t.yaml:1:1: the spec is empty"},

    /* data: "data: {" is 7 characters. */
    {"data: {csv: a.csv, sqlite: {db: x.db, table: t}}\n", EDRA_ESPEC,
     "t.yaml:1:20: data needs exactly one of 'csv' and 'sqlite'"},
    {"data: {missing: [\"\"]}\n", EDRA_ESPEC,
     "t.yaml:1:7: data needs exactly one of 'csv' and 'sqlite'"},
    {"data: {sqlite: {table: t}}\n", EDRA_ESPEC, "t.yaml:1:16: sqlite needs 'db'"},
    {"data: {sqlite: {db: x.db, table: t, query: q}}\n", EDRA_ESPEC,
     "t.yaml:1:16: sqlite needs exactly one of 'table' and 'query'"},
    {"data: {sqlite: {db: x.db}}\n", EDRA_ESPEC,
     "t.yaml:1:16: sqlite needs exactly one of 'table' and 'query'"},
    {"data: {sqlite: {db: x.db, sql: q}}\n", EDRA_ESPEC, "t.yaml:1:27: unknown key 'sql' in data.sqlite"},
    {"data: {csv: a.csv, delimiter: \";;\"}\n", EDRA_ESPEC,
     "t.yaml:1:31: 'delimiter' must be one character, \"\\t\" or \"tab\""},
    {"data: {csv: a.csv, delimiter: '\"'}\n", EDRA_ESPEC,
     "t.yaml:1:31: 'delimiter' cannot be a quote or a line break"},
    {"data: {sqlite: {db: x.db, table: t}, delimiter: \",\"}\n", EDRA_ESPEC,
     "t.yaml:1:49: 'delimiter' applies only to csv"},
    {"data: {csv: a.csv, missing: [[x]]}\n", EDRA_ESPEC,
     "t.yaml:1:30: 'missing' must be a list of strings"},
    {"data: {csv: \"\"}\n", EDRA_ESPEC, "t.yaml:1:13: 'csv' must not be empty"},
    {"data: {csv: a.csv, count: ~}\n", EDRA_ESPEC, "t.yaml:1:27: 'count' must be a string"},
    {"data: {csv: a.csv, format: csv}\n", EDRA_ESPEC, "t.yaml:1:20: unknown key 'format' in data"},
    {"data: [a]\n", EDRA_ESPEC, "t.yaml:1:7: 'data' must be a mapping"},

    /* attributes: "  age: {" is 8 characters. */
    {ATTR "  age: {type: integer}\n", EDRA_ESPEC, "t.yaml:3:3: attribute 'age' needs a role"},
    {ATTR "  age: {role: qi}\n", EDRA_ESPEC,
     "t.yaml:3:15: 'role' must be one of identifier, quasi, sensitive, insensitive"},
    {ATTR "  age: {role: quasi, type: int}\n", EDRA_ESPEC,
     "t.yaml:3:28: 'type' must be one of string, integer, decimal, date, ordinal"},
    {ATTR "  age: {role: quasi, level: 2}\n", EDRA_ESPEC,
     "t.yaml:3:22: unknown key 'level' in attributes.age"},
    {ATTR "  age: quasi\n", EDRA_ESPEC, "t.yaml:3:8: 'attributes.age' must be a mapping"},
    {ATTR "  \"\": {role: quasi}\n", EDRA_ESPEC, "t.yaml:3:3: attribute names must not be empty"},
    {ATTR "  age: {role: quasi}\n  age: {role: sensitive}\n", EDRA_ESPEC,
     "t.yaml:4:3: duplicate key 'age' in attributes"},
    {ATTR "  age: {role: quasi, role: sensitive}\n", EDRA_ESPEC,
     "t.yaml:3:22: duplicate key 'role' in attributes.age"},
    {ATTR "  ssn: {role: identifier, hierarchy: h.csv}\n", EDRA_ESPEC,
     "t.yaml:3:38: a hierarchy applies only to quasi and sensitive attributes"},
    {ATTR "  age: {role: quasi, format: \"%Y\"}\n", EDRA_ESPEC,
     "t.yaml:3:30: 'format' applies only to type date"},
    {ATTR "  zip: {role: quasi, order: [a, b]}\n", EDRA_ESPEC,
     "t.yaml:3:29: 'order' applies only to type ordinal or sensitive attributes"},
    {ATTR "  sev: {role: quasi, type: ordinal}\n", EDRA_ESPEC,
     "t.yaml:3:3: ordinal attribute 'sev' needs 'order'"},
    {ATTR "  sev: {role: quasi, type: ordinal, order: [low, high, low]}\n", EDRA_ESPEC,
     "t.yaml:3:56: 'low' appears twice in 'order'"},
    {ATTR "  sev: {role: quasi, type: ordinal, order: [low, high], hierarchy: {order: [high, low]}}\n",
     EDRA_ESPEC, "t.yaml:3:68: the hierarchy's order differs from the attribute's order"},

    /* hierarchies: "  zip: {role: quasi, hierarchy: {" is 33 characters. */
    {ATTR "  zip: {role: quasi, hierarchy: {mask: 0}}\n", EDRA_ESPEC,
     "t.yaml:3:40: 'mask' must be a positive integer"},
    {ATTR "  zip: {role: quasi, hierarchy: {mask: 2, from: top}}\n", EDRA_ESPEC,
     "t.yaml:3:49: 'from' must be right or left"},
    {ATTR "  zip: {role: quasi, hierarchy: {mask: 2, bottom: 1}}\n", EDRA_ESPEC,
     "t.yaml:3:51: 'bottom' does not apply to a mask hierarchy"},
    {ATTR "  zip: {role: quasi, hierarchy: {mask: 2, file: h.csv}}\n", EDRA_ESPEC,
     "t.yaml:3:43: a hierarchy takes one of file, mask, intervals, date, order; not both 'mask' "
     "and 'file'"},
    {ATTR "  zip: {role: quasi, hierarchy: {from: left}}\n", EDRA_ESPEC,
     "t.yaml:3:33: a hierarchy needs one of file, mask, intervals, date, order"},
    {ATTR "  zip: {role: quasi, hierarchy: {levels: 2}}\n", EDRA_ESPEC,
     "t.yaml:3:34: unknown key 'levels' in attributes.zip.hierarchy"},
    {ATTR "  zip: {role: quasi, hierarchy: [a]}\n", EDRA_ESPEC,
     "t.yaml:3:33: 'hierarchy' must be a file name or a mapping"},
    {ATTR "  zip: {role: quasi, hierarchy: {intervals: [5]}}\n", EDRA_ESPEC,
     "t.yaml:3:33: an intervals hierarchy needs type integer or decimal"},
    {ATTR "  zip: {role: quasi, hierarchy: {date: [year]}}\n", EDRA_ESPEC,
     "t.yaml:3:33: a date hierarchy needs type date"},
    /* "  los: {role: quasi, type: integer, hierarchy: {intervals: [" is 60 characters. */
    {ATTR "  los: {role: quasi, type: integer, hierarchy: {intervals: [5, 0]}}\n", EDRA_ESPEC,
     "t.yaml:3:64: 'intervals' must be a list of positive widths"},
    {ATTR "  los: {role: quasi, type: integer, hierarchy: {intervals: [5, 12]}}\n", EDRA_ESPEC,
     "t.yaml:3:64: interval width 12 must be a larger multiple of the previous width 5"},
    {ATTR "  los: {role: quasi, type: integer, hierarchy: {intervals: [5, 5]}}\n", EDRA_ESPEC,
     "t.yaml:3:64: interval width 5 must be a larger multiple of the previous width 5"},
    {ATTR "  los: {role: quasi, type: integer, hierarchy: {intervals: [5], bottom: 30, top: 1}}\n",
     EDRA_ESPEC, "t.yaml:3:82: 'top' must be greater than 'bottom'"},
    /* "  adm: {role: quasi, type: date, hierarchy: {date: [" is 52 characters. */
    {ATTR "  adm: {role: quasi, type: date, hierarchy: {date: [month, fortnight]}}\n", EDRA_ESPEC,
     "t.yaml:3:60: 'date' must be a list of levels among week, month, quarter, year, decade, "
     "century"},
    {ATTR "  adm: {role: quasi, type: date, hierarchy: {date: [year, month]}}\n", EDRA_ESPEC,
     "t.yaml:3:59: date level 'month' must be coarser than 'year'"},
    {ATTR "  adm: {role: quasi, type: date, hierarchy: {date: [week, month]}}\n", EDRA_ESPEC,
     "t.yaml:3:59: a week is not nested in a month; after 'week' use year or coarser"},
    {ATTR "  adm: {role: quasi, type: date, hierarchy: {date: [week, quarter]}}\n", EDRA_ESPEC,
     "t.yaml:3:59: a week is not nested in a quarter; after 'week' use year or coarser"},
    /* "  sev: {role: quasi, hierarchy: {order: [a, b, c, d], groups: [" is 63 characters. */
    {ATTR "  sev: {role: quasi, hierarchy: {order: [a, b, c, d], groups: [2, 3]}}\n", EDRA_ESPEC,
     "t.yaml:3:67: group size 3 must be a larger multiple of the previous size 2"},
    {ATTR "  sev: {role: quasi, hierarchy: {order: [a, b, c, d], groups: [4, 2]}}\n", EDRA_ESPEC,
     "t.yaml:3:67: group size 2 must be a larger multiple of the previous size 4"},
    {ATTR "  sev: {role: quasi, hierarchy: {order: [a, b, c, d], groups: [1]}}\n", EDRA_ESPEC,
     "t.yaml:3:64: 'groups' must be a list of group sizes of at least 2"},
    {ATTR "  h: {role: quasi, hierarchy: {file: h.csv, delimiter: \";;\"}}\n", EDRA_ESPEC,
     "t.yaml:3:56: 'delimiter' must be one character, \"\\t\" or \"tab\""},

    /* YAML itself: libyaml's problem text at its mark. */
    {"a: b: c\n", EDRA_EPARSE, "t.yaml:1:5: mapping values are not allowed in this context"},
    {"data:\n\tcsv: a.csv\n", EDRA_EPARSE, "t.yaml:2:1: found character that cannot start any token"},
    {"data: {csv: a.csv\n", EDRA_EPARSE, "t.yaml:2:1: did not find expected ',' or '}'"},
    {"a: 1\n---\nb: 2\n", EDRA_EPARSE, "t.yaml:2:1: only one YAML document is supported"},
    {"data: \"a\\0b\"\n", EDRA_EPARSE, "t.yaml:1:7: NUL characters are not supported"},
    /* "Billion laughs": refused at the first anchor, before anything is expanded. */
    {"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", EDRA_EPARSE,
     "t.yaml:1:4: anchors are not supported (nor aliases)"},
    {"data: *d\n", EDRA_EPARSE, "t.yaml:1:7: aliases are not supported"},
};

START_TEST(test_spec_parse__errors)
{
    const error_case *ec = &error_cases[_i];
    edra_error err = {0};
    edra_spec *s = (edra_spec *)&err; /* must be reset to NULL on failure */
    int rc = parse_in(&s, ec->text, ".", &err);
    ck_assert_msg(rc == ec->code, "case %d: rc %d (%s) for:\n%s", _i, rc, err.msg, ec->text);
    ck_assert_int_eq(err.code, ec->code);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err.msg, ec->msg);
}
END_TEST

START_TEST(test_spec_parse__too_many_targets)
{
    /* 17 l targets, one a line. */
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "data: {csv: a.csv}\nattributes: {s: {role: sensitive}}\ntargets:\n  l:\n");
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "   - {l: 2, attribute: s}\n");
    edra_error err = {0};
    edra_spec *s = NULL;
    /* "targets:" is line 3, "  l:" line 4, so the 17th item is on line 4 + 17 = 21;
     * "   - " is 5 characters. */
    ck_assert_int_eq(parse_in(&s, text, ".", &err), EDRA_ESPEC);
    ck_assert_str_eq(err.msg, "t.yaml:21:6: at most 16 l targets are supported");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_spec_parse__deep_nesting)
{
    /* The root mapping is level 1; the k-th '[' (column 3 + k) would open level k + 1,
     * so the 64th, at column 67, is refused. */
    char text[256] = "a: ";
    memset(text + 3, '[', 70);
    memset(text + 73, ']', 70);
    text[143] = '\0';
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(parse_in(&s, text, ".", &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.yaml:1:67: nesting deeper than 64 levels");
}
END_TEST

START_TEST(test_spec_parse__too_large)
{
    size_t len = 1024 * 1024 + 1;
    char *text = malloc(len);
    ck_assert_ptr_nonnull(text);
    memset(text, ' ', len);
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(edra_spec_parse(&s, text, len, "t.yaml", ".", &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "t.yaml: the spec is larger than 1 MiB (1048577 bytes)");
    ck_assert_ptr_null(s);
    free(text);
}
END_TEST

/* ---- edra_spec_load ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/edra_spec_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_spec_load__file)
{
    const char *text = "data: {csv: adult.csv}\nattributes: {age: {role: quasi, hierarchy: h.csv}}\n";
    char path[128], want[160];
    edra_error err = {0};
    edra_spec *s = NULL;
    make_tmpdir();
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    write_file(path, text, strlen(text));
    ck_assert_int_eq(edra_spec_load(&s, path, &err), 0);
    ck_assert_str_eq(s->path, path);
    ck_assert_str_eq(s->dir, tmpdir);
    ck_assert_str_eq(s->text, text);
    ck_assert_uint_eq(s->text_len, strlen(text));
    snprintf(want, sizeof want, "%s/adult.csv", tmpdir);
    ck_assert_str_eq(s->data_path, want);
    snprintf(want, sizeof want, "%s/h.csv", tmpdir);
    ck_assert_str_eq(s->attrs[0].hierarchy.path, want);
    edra_spec_free(s);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_spec_load__relative_path)
{
    /* A spec named without a folder resolves against ".", which adds nothing. */
    const char *text = "data: {csv: a.csv}\nattributes: {age: {role: quasi}}\n";
    char cwd[512];
    edra_error err = {0};
    edra_spec *s = NULL;
    make_tmpdir();
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(tmpdir), 0);
    write_file("s.yaml", text, strlen(text));
    ck_assert_int_eq(edra_spec_load(&s, "s.yaml", &err), 0);
    ck_assert_str_eq(s->dir, ".");
    ck_assert_str_eq(s->data_path, "a.csv");
    edra_spec_free(s);
    unlink("s.yaml");
    ck_assert_int_eq(chdir(cwd), 0);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_spec_load__missing_file)
{
    char want[256];
    edra_error err = {0};
    edra_spec *s = NULL;
    snprintf(want, sizeof want, "/nonexistent/edra/spec.yaml: %s", strerror(ENOENT));
    ck_assert_int_eq(edra_spec_load(&s, "/nonexistent/edra/spec.yaml", &err), EDRA_EIO);
    ck_assert_int_eq(err.code, EDRA_EIO);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_spec_load__directory)
{
    char want[256];
    edra_error err = {0};
    edra_spec *s = NULL;
    make_tmpdir();
    snprintf(want, sizeof want, "%s: %s", tmpdir, strerror(EISDIR));
    ck_assert_int_eq(edra_spec_load(&s, tmpdir, &err), EDRA_EIO);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(s);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_spec_load__too_large)
{
    char path[128], want[160];
    size_t len = 2 * 1024 * 1024;
    char *text = malloc(len);
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_ptr_nonnull(text);
    memset(text, '#', len);
    make_tmpdir();
    snprintf(path, sizeof path, "%s/big.yaml", tmpdir);
    write_file(path, text, len);
    free(text);
    ck_assert_int_eq(edra_spec_load(&s, path, &err), EDRA_EPARSE);
    snprintf(want, sizeof want, "%s: the spec is larger than 1 MiB", path);
    ck_assert_str_eq(err.msg, want);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_spec_load__parse_error_names_path)
{
    char path[128], want[256];
    edra_error err = {0};
    edra_spec *s = NULL;
    make_tmpdir();
    snprintf(path, sizeof path, "%s/bad.yaml", tmpdir);
    const char *text = "data: {csv: a.csv}\nattributes: {a: {role: quasi}}\nsearch: {metric: x}\n";
    write_file(path, text, strlen(text));
    ck_assert_int_eq(edra_spec_load(&s, path, &err), EDRA_ESPEC);
    /* "search: {metric: " is 17 characters. */
    snprintf(want, sizeof want, "%s:3:18: 'metric' must be one of loss, precision, "
                                "discernibility, aecs, entropy, height", path);
    ck_assert_str_eq(err.msg, want);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

/* ---- edra_spec_find, edra_spec_region_population, edra_spec_free ---- */

START_TEST(test_spec_find__by_name)
{
    edra_error err = {0};
    edra_spec *s = NULL;
    ck_assert_int_eq(parse_in(&s, full_spec, ".", &err), 0);
    const edra_spec_attr *a = edra_spec_find(s, "severity");
    ck_assert_ptr_eq(a, &s->attrs[5]);
    ck_assert_ptr_null(edra_spec_find(s, "Severity")); /* names are case-sensitive */
    ck_assert_ptr_null(edra_spec_find(s, "salary"));
    edra_spec_free(s);
    edra_spec_free(NULL);
}
END_TEST

START_TEST(test_spec_region_population__table)
{
    ck_assert_double_eq_tol(edra_spec_region_population("USA"), 317238626, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("us"), 317238626, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("United States"), 317238626, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("United kingdom"), 64100000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("UK"), 64100000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("canada"), 35160000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("GERMANY"), 80620000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("France"), 66030000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("eu"), 507400000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("Italy"), 60230000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("Spain"), 46650000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("Netherlands"), 16800000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("Australia"), 23130000, 1e-6);
    ck_assert_double_eq_tol(edra_spec_region_population("USAX"), 0, 1e-12);
    ck_assert_double_eq_tol(edra_spec_region_population(""), 0, 1e-12);
    ck_assert_double_eq_tol(edra_spec_region_population(NULL), 0, 1e-12);
}
END_TEST

static Suite *spec_suite(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_spec_parse__full);
    tcase_add_test(tc, test_spec_parse__defaults);
    tcase_add_test(tc, test_spec_parse__paths);
    tcase_add_test(tc, test_spec_parse__sqlite);
    tcase_add_test(tc, test_spec_parse__variants);
    tcase_add_test(tc, test_spec_parse__targets_before_attributes);
    tcase_add_test(tc, test_spec_parse__hierarchy_variants);
    tcase_add_loop_test(tc, test_spec_parse__errors, 0,
                        (int)(sizeof error_cases / sizeof error_cases[0]));
    tcase_add_test(tc, test_spec_parse__too_many_targets);
    tcase_add_test(tc, test_spec_parse__deep_nesting);
    tcase_add_test(tc, test_spec_parse__too_large);
    suite_add_tcase(s, tc);
    tc = tcase_create("load");
    tcase_add_test(tc, test_spec_load__file);
    tcase_add_test(tc, test_spec_load__relative_path);
    tcase_add_test(tc, test_spec_load__missing_file);
    tcase_add_test(tc, test_spec_load__directory);
    tcase_add_test(tc, test_spec_load__too_large);
    tcase_add_test(tc, test_spec_load__parse_error_names_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("find");
    tcase_add_test(tc, test_spec_find__by_name);
    suite_add_tcase(s, tc);
    tc = tcase_create("region_population");
    tcase_add_test(tc, test_spec_region_population__table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(spec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
