/* The GROUP BY query that pre-aggregates a record-level table where it lives (PostgreSQL,
 * Spark SQL, SQLite) into the counted table edra reads with `data: {csv: ..., count: n}`:
 * one row per distinct combination of the spec's quasi-identifiers and sensitive
 * attributes (level-0 values), so only the counts leave the database. */
#ifndef EDRA_SQLGEN_H
#define EDRA_SQLGEN_H

#include "../metrics/error.h"
#include "spec.h"

typedef enum {
    EDRA_SQL_POSTGRES = 0,   /* "ident", "" doubled */
    EDRA_SQL_SPARK,          /* `ident`, `` doubled */
    EDRA_SQL_SQLITE          /* "ident", "" doubled */
} edra_sql_dialect;

/* The dialect named name ("postgres"/"postgresql", "spark", "sqlite"); 0 or EDRA_EUSAGE. */
int edra_sql_dialect_parse(const char *name, edra_sql_dialect *out, edra_error *err);

/* name quoted as one identifier of the dialect (malloc'd), or NULL when out of memory. */
char *edra_sql_quote(const char *name, edra_sql_dialect dialect);

/* The query over table (a name, "schema.table" quoted part by part), or when table is NULL
 * the spec's SQLite table, its SQLite query as a derived table, or the CSV file's name
 * without folder and extension. Selects the QIs and SAs (and the weight and household
 * columns, whose values are per record), then COUNT(*) AS count_name (SUM of the spec's
 * own count column when the source is already counted); identifiers and insensitive
 * columns never appear. *out is malloc'd. Returns 0, EDRA_EUSAGE (empty name or no QI)
 * or EDRA_ENOMEM. */
int edra_sql_group_query(char **out, const edra_spec *spec, const char *table,
                         const char *count_name, edra_sql_dialect dialect, edra_error *err);

#endif
