/* Tests of analyzer/sqlgen: the GROUP BY query of `edra sql` for each dialect and source,
 * identifier quoting (quotes doubled, schema.table split), and every error path. The query
 * texts are written out in full, so any change of layout is seen. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/spec.h"
#include "analyzer/sqlgen.h"

static edra_spec *parse(const char *yaml)
{
    edra_spec *spec = NULL;
    edra_error err = {0};
    int rc = edra_spec_parse(&spec, yaml, strlen(yaml), "t.yaml", "/data", &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    return spec;
}

static const char *csv_spec =
    "data: {csv: exports/stays.2024.csv}\n"
    "attributes:\n"
    "  id: {role: identifier}\n"
    "  zip: {role: quasi}\n"
    "  age: {role: quasi, type: integer}\n"
    "  notes: {role: insensitive}\n"
    "  diagnosis: {role: sensitive}\n";

START_TEST(test_sqlgen_group_query__postgres_csv)
{
    edra_spec *spec = parse(csv_spec);
    edra_error err = {0};
    char *q = NULL;
    /* No --table: the CSV's name without folder and extension; QIs first, then SAs;
     * the identifier and the insensitive column are left out. */
    ck_assert_int_eq(edra_sql_group_query(&q, spec, NULL, "n", EDRA_SQL_POSTGRES, &err), 0);
    ck_assert_str_eq(q, "SELECT \"zip\", \"age\", \"diagnosis\", COUNT(*) AS \"n\"\n"
                        "FROM \"stays.2024\"\n"
                        "GROUP BY \"zip\", \"age\", \"diagnosis\";\n");
    free(q);
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_sqlgen_group_query__spark_schema_table)
{
    edra_spec *spec = parse(csv_spec);
    edra_error err = {0};
    char *q = NULL;
    ck_assert_int_eq(edra_sql_group_query(&q, spec, "lake.dis`charge", "records", EDRA_SQL_SPARK, &err), 0);
    ck_assert_str_eq(q, "SELECT `zip`, `age`, `diagnosis`, COUNT(*) AS `records`\n"
                        "FROM `lake`.`dis``charge`\n"
                        "GROUP BY `zip`, `age`, `diagnosis`;\n");
    free(q);
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_sqlgen_group_query__sqlite_sources)
{
    edra_spec *table = parse("data: {sqlite: {db: d.db, table: \"my \\\"t\\\"\"}}\n"
                             "attributes: {sex: {role: quasi}}\n");
    edra_spec *query = parse("data: {sqlite: {db: d.db, query: \"SELECT * FROM t WHERE a > 1 ; \"}}\n"
                             "attributes: {sex: {role: quasi}}\n");
    edra_error err = {0};
    char *q = NULL;
    ck_assert_int_eq(edra_sql_group_query(&q, table, NULL, "n", EDRA_SQL_SQLITE, &err), 0);
    ck_assert_str_eq(q, "SELECT \"sex\", COUNT(*) AS \"n\"\nFROM \"my \"\"t\"\"\"\nGROUP BY \"sex\";\n");
    free(q);
    /* The spec's query becomes a derived table, its trailing ';' and blanks dropped. */
    ck_assert_int_eq(edra_sql_group_query(&q, query, NULL, "n", EDRA_SQL_SQLITE, &err), 0);
    ck_assert_str_eq(q, "SELECT \"sex\", COUNT(*) AS \"n\"\n"
                        "FROM (SELECT * FROM t WHERE a > 1) AS \"source\"\nGROUP BY \"sex\";\n");
    free(q);
    edra_spec_free(table);
    edra_spec_free(query);
}
END_TEST

START_TEST(test_sqlgen_group_query__counted_weighted_source)
{
    /* An already counted source is summed; weight and household values are per record,
     * so they are grouped on too (once, even when also an attribute). */
    edra_spec *spec = parse("data: {csv: c.csv, count: cnt, weight: w, household: hh}\n"
                            "attributes: {sex: {role: quasi}, hh: {role: quasi}}\n");
    edra_error err = {0};
    char *q = NULL;
    ck_assert_int_eq(edra_sql_group_query(&q, spec, NULL, "n", EDRA_SQL_POSTGRES, &err), 0);
    ck_assert_str_eq(q, "SELECT \"sex\", \"hh\", \"w\", SUM(\"cnt\") AS \"n\"\nFROM \"c\"\n"
                        "GROUP BY \"sex\", \"hh\", \"w\";\n");
    free(q);
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_sqlgen_group_query__errors)
{
    edra_spec *spec = parse(csv_spec);
    edra_error err = {0};
    char *q = (char *)"x";
    ck_assert_int_eq(edra_sql_group_query(&q, spec, NULL, "zip", EDRA_SQL_POSTGRES, &err), EDRA_EUSAGE);
    ck_assert_ptr_null(q);
    ck_assert_str_eq(err.msg, "the count column 'zip' is also a column of the query; name it "
                              "otherwise with --count");
    ck_assert_int_eq(edra_sql_group_query(&q, spec, "", "n", EDRA_SQL_POSTGRES, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "--table: the table name is empty");
    ck_assert_int_eq(edra_sql_group_query(&q, spec, NULL, "", EDRA_SQL_POSTGRES, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "the count column needs a name");
    edra_spec_free(spec);
    spec = parse("data: {csv: d.csv}\nattributes: {d: {role: sensitive}}\n");
    ck_assert_int_eq(edra_sql_group_query(&q, spec, NULL, "n", EDRA_SQL_POSTGRES, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "t.yaml: no attribute has role quasi");
    edra_spec_free(spec);
}
END_TEST

START_TEST(test_sqlgen_dialect_parse__names)
{
    edra_sql_dialect d = EDRA_SQL_SQLITE;
    edra_error err = {0};
    ck_assert_int_eq(edra_sql_dialect_parse("postgresql", &d, &err), 0);
    ck_assert_int_eq(d, EDRA_SQL_POSTGRES);
    ck_assert_int_eq(edra_sql_dialect_parse("spark", &d, &err), 0);
    ck_assert_int_eq(d, EDRA_SQL_SPARK);
    ck_assert_int_eq(edra_sql_dialect_parse("sqlite", &d, &err), 0);
    ck_assert_int_eq(d, EDRA_SQL_SQLITE);
    ck_assert_int_eq(edra_sql_dialect_parse("mysql", &d, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "--dialect: 'mysql' is not postgres, spark or sqlite");
}
END_TEST

START_TEST(test_sqlgen_quote__doubles_quotes)
{
    char *a = edra_sql_quote("a\"b", EDRA_SQL_POSTGRES), *b = edra_sql_quote("a`b\"", EDRA_SQL_SPARK);
    ck_assert_str_eq(a, "\"a\"\"b\"");
    ck_assert_str_eq(b, "`a``b\"`");
    free(a);
    free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sqlgen");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_sqlgen_group_query__postgres_csv);
    tcase_add_test(tc, test_sqlgen_group_query__spark_schema_table);
    tcase_add_test(tc, test_sqlgen_group_query__sqlite_sources);
    tcase_add_test(tc, test_sqlgen_group_query__counted_weighted_source);
    tcase_add_test(tc, test_sqlgen_group_query__errors);
    tcase_add_test(tc, test_sqlgen_dialect_parse__names);
    tcase_add_test(tc, test_sqlgen_quote__doubles_quotes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
