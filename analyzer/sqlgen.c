/* The pre-aggregation query of `edra sql`: SELECT the spec's QI and SA columns, COUNT(*),
 * GROUP BY the same columns. Identifiers are quoted per dialect (SQL:2016 delimited
 * identifiers for PostgreSQL and SQLite, backquotes for Spark SQL), so any column name
 * stays one identifier and nothing the spec holds can end the statement. */
#define _POSIX_C_SOURCE 200809L
#include "sqlgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int edra_sql_dialect_parse(const char *name, edra_sql_dialect *out, edra_error *err)
{
    if (strcmp(name, "postgres") == 0 || strcmp(name, "postgresql") == 0)
        *out = EDRA_SQL_POSTGRES;
    else if (strcmp(name, "spark") == 0)
        *out = EDRA_SQL_SPARK;
    else if (strcmp(name, "sqlite") == 0)
        *out = EDRA_SQL_SQLITE;
    else
        return edra_error_set(err, EDRA_EUSAGE,
                              "--dialect: '%s' is not postgres, spark or sqlite", name);
    return 0;
}

char *edra_sql_quote(const char *name, edra_sql_dialect dialect)
{
    char q = dialect == EDRA_SQL_SPARK ? '`' : '"';
    size_t len = strlen(name), extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += name[i] == q;
    char *out = malloc(len + extra + 3), *p = out;
    if (!out)
        return NULL;
    *p++ = q;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == q)
            *p++ = q;
        *p++ = name[i];
    }
    *p++ = q;
    *p = '\0';
    return out;
}

/* Writes name quoted; "a.b" is written "a"."b" when split_dots (a schema-qualified table). */
static int put_ident(FILE *f, const char *name, int split_dots, edra_sql_dialect dialect)
{
    const char *part = name;
    for (;;) {
        const char *dot = split_dots ? strchr(part, '.') : NULL;
        size_t len = dot ? (size_t)(dot - part) : strlen(part);
        char *piece = strndup(part, len), *quoted = piece ? edra_sql_quote(piece, dialect) : NULL;
        free(piece);
        if (!quoted)
            return -1;
        fputs(quoted, f);
        free(quoted);
        if (!dot)
            return 0;
        fputc('.', f);
        part = dot + 1;
    }
}

/* The CSV file's name without its folder and extension: the table a CSV was exported from. */
static char *csv_stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* The columns grouped on: QIs, SAs, then the per-record weight and household columns. */
static size_t group_columns(const edra_spec *spec, const char **cols)
{
    size_t n = 0;
    for (int role = EDRA_ROLE_QUASI; role <= EDRA_ROLE_SENSITIVE; role++)
        for (size_t i = 0; i < spec->n_attrs; i++)
            if ((int)spec->attrs[i].role == role)
                cols[n++] = spec->attrs[i].name;
    const char *extra[] = {spec->weight_column, spec->household_column};
    for (size_t e = 0; e < 2; e++) {
        if (!extra[e])
            continue;
        size_t j = 0;
        while (j < n && strcmp(cols[j], extra[e]) != 0)
            j++;
        if (j == n)
            cols[n++] = extra[e];
    }
    return n;
}

int edra_sql_group_query(char **out, const edra_spec *spec, const char *table,
                         const char *count_name, edra_sql_dialect dialect, edra_error *err)
{
    const char **cols = NULL;
    char *buf = NULL, *stem = NULL;
    size_t len = 0, n_cols;
    FILE *f = NULL;
    int rc = 0;
    *out = NULL;
    if (!count_name || !*count_name)
        return edra_error_set(err, EDRA_EUSAGE, "the count column needs a name");
    if (table && !*table)
        return edra_error_set(err, EDRA_EUSAGE, "--table: the table name is empty");
    cols = calloc(spec->n_attrs + 3, sizeof *cols);
    if (!cols)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    n_cols = group_columns(spec, cols);
    size_t n_qi = 0;
    for (size_t i = 0; i < spec->n_attrs; i++)
        n_qi += spec->attrs[i].role == EDRA_ROLE_QUASI;
    if (n_qi == 0) {
        rc = edra_error_set(err, EDRA_EUSAGE, "%s: no attribute has role quasi", spec->path);
        goto done;
    }
    for (size_t i = 0; i < n_cols; i++)
        if (strcmp(cols[i], count_name) == 0) {
            rc = edra_error_set(err, EDRA_EUSAGE,
                                "the count column '%s' is also a column of the query; "
                                "name it otherwise with --count", count_name);
            goto done;
        }
    f = open_memstream(&buf, &len);
    if (!f) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    int bad = 0;
    fputs("SELECT ", f);
    for (size_t i = 0; i < n_cols; i++) {
        bad |= put_ident(f, cols[i], 0, dialect);
        fputs(", ", f);
    }
    if (spec->count_column) {
        fputs("SUM(", f);
        bad |= put_ident(f, spec->count_column, 0, dialect);
        fputs(")", f);
    } else {
        fputs("COUNT(*)", f);
    }
    fputs(" AS ", f);
    bad |= put_ident(f, count_name, 0, dialect);
    fputs("\nFROM ", f);
    if (table) {
        bad |= put_ident(f, table, 1, dialect);
    } else if (spec->source == EDRA_SOURCE_SQLITE_TABLE) {
        bad |= put_ident(f, spec->sqlite_table, 0, dialect);
    } else if (spec->source == EDRA_SOURCE_SQLITE_QUERY) {
        /* The spec's own query as a derived table; a trailing ';' would end the statement. */
        size_t q = strlen(spec->sqlite_query);
        while (q && (spec->sqlite_query[q - 1] == ';' || spec->sqlite_query[q - 1] == ' ' ||
                     spec->sqlite_query[q - 1] == '\n' || spec->sqlite_query[q - 1] == '\t'))
            q--;
        fprintf(f, "(%.*s) AS ", (int)q, spec->sqlite_query);
        bad |= put_ident(f, "source", 0, dialect);
    } else {
        stem = csv_stem(spec->data_path);
        bad |= !stem || put_ident(f, stem, 0, dialect);
    }
    fputs("\nGROUP BY ", f);
    for (size_t i = 0; i < n_cols; i++) {
        if (i)
            fputs(", ", f);
        bad |= put_ident(f, cols[i], 0, dialect);
    }
    fputs(";\n", f);
    if (fclose(f) != 0 || bad) {
        f = NULL;
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    f = NULL;
    *out = buf;
    buf = NULL;
done:
    if (f)
        fclose(f);
    free(buf);
    free(stem);
    free(cols);
    return rc;
}
