/* `edra sql SPEC`: prints the GROUP BY query that aggregates the user's record-level table
 * into the counted table the spec can read (data: {csv: counts.csv, count: n}), so a
 * billion-row table is aggregated in PostgreSQL, Spark or SQLite and only the counts of the
 * distinct combinations come to edra. Reads the spec only, never the data. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "spec.h"
#include "sqlgen.h"

const edra_cli_option edra_sql_options[] = {
    {"dialect", 'd', "NAME", "postgres (default), spark or sqlite: how identifiers are quoted"},
    {"table", 't', "NAME", "the table to aggregate (schema.table allowed); default: the spec's "
                           "SQLite table or query, else the CSV file's name without extension"},
    {"count", 'c', "NAME", "name of the count column (default n)"},
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *dialect, *table, *count;
} sql_args;

static int on_option(const char *name, const char *arg, void *state)
{
    sql_args *a = state;
    if (strcmp(name, "dialect") == 0)
        a->dialect = arg;
    else if (strcmp(name, "table") == 0)
        a->table = arg;
    else if (strcmp(name, "count") == 0)
        a->count = arg;
    return 0;
}

int edra_cmd_sql(int argc, char **argv)
{
    sql_args args = {0};
    edra_error err = {0};
    edra_spec *spec = NULL;
    edra_sql_dialect dialect = EDRA_SQL_POSTGRES;
    char *query = NULL;
    int rc, exit_code;

    int first = edra_cli_parse(edra_cli_find("sql"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra sql: expected SPEC (see 'edra help sql')\n");
        return EDRA_EXIT_INPUT;
    }
    const char *count = args.count ? args.count : "n";
    if (args.dialect && (rc = edra_sql_dialect_parse(args.dialect, &dialect, &err)) < 0)
        goto fail;
    if ((rc = edra_spec_load(&spec, argv[first], &err)) < 0)
        goto fail;
    if ((rc = edra_sql_group_query(&query, spec, args.table, count, dialect, &err)) < 0)
        goto fail;
    /* Comment lines: valid SQL in every dialect; control characters of the spec's path or the
     * count name are shown as '?' so they cannot end a comment line. */
    fputs("-- edra sql: one row per combination of the quasi-identifiers and sensitive\n"
          "-- attributes of ", stdout);
    edra_cli_put_clean(stdout, spec->path);
    fputs(" (level-0 values) and its records.\n"
          "-- Export the result as CSV with a header row, and in the spec set\n"
          "--   data: {csv: counts.csv, count: ", stdout);
    edra_cli_put_clean(stdout, count);
    fputs("}\n", stdout);
    fputs(query, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "edra: cannot write the query to standard output\n");
        exit_code = EDRA_EXIT_INTERNAL;
        goto done;
    }
    exit_code = EDRA_EXIT_OK;
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
done:
    free(query);
    edra_spec_free(spec);
    return exit_code;
}
