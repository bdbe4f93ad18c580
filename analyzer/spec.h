/* The YAML spec: data source, attribute roles, types and hierarchies, population, targets,
 * transformation, search and report settings. Parsed with libyaml into a plain struct;
 * every problem is reported as "spec.yaml:LINE:COL: message". */
#ifndef EDRA_SPEC_H
#define EDRA_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/error.h"
#include "../metrics/targets.h"

typedef enum {
    EDRA_ROLE_IDENTIFIER = 1,
    EDRA_ROLE_QUASI,
    EDRA_ROLE_SENSITIVE,
    EDRA_ROLE_INSENSITIVE
} edra_role;

typedef enum {
    EDRA_TYPE_STRING = 0, /* default */
    EDRA_TYPE_INTEGER,
    EDRA_TYPE_DECIMAL,
    EDRA_TYPE_DATE,
    EDRA_TYPE_ORDINAL     /* categories with an order (attr.order) */
} edra_attr_type;

typedef enum {
    EDRA_HIER_NONE = 0,   /* no hierarchy: a QI gets the flat (value, *) hierarchy */
    EDRA_HIER_FILE,       /* hierarchy: file.csv */
    EDRA_HIER_MASK,       /* hierarchy: {mask: N, from: right|left} */
    EDRA_HIER_INTERVALS,  /* hierarchy: {intervals: [w1, w2, ...], bottom: x, top: y} */
    EDRA_HIER_DATE,       /* hierarchy: {date: [month, year, ...]} */
    EDRA_HIER_ORDER       /* hierarchy: {order: [v1, v2, ...], groups: [2, 4]} */
} edra_hier_kind;

typedef enum {
    EDRA_DATE_WEEK = 1,
    EDRA_DATE_MONTH,
    EDRA_DATE_QUARTER,
    EDRA_DATE_YEAR,
    EDRA_DATE_DECADE,
    EDRA_DATE_CENTURY
} edra_date_level;

typedef struct {
    edra_hier_kind kind;
    char *path;              /* FILE: resolved against the spec's folder */
    char delimiter;          /* FILE: default ';' */
    int mask_chars;          /* MASK: N characters masked, one more per level */
    int mask_from_left;      /* MASK: 1 when from: left */
    size_t n_widths;         /* INTERVALS */
    double *widths;
    int has_bottom, has_top;
    double bottom, top;      /* INTERVALS: bottom-/top-coding bounds */
    size_t n_date_levels;    /* DATE */
    edra_date_level *date_levels;
    size_t n_order;          /* ORDER: the ordered values */
    char **order;
    size_t n_groups;         /* ORDER: group sizes per level */
    size_t *groups;
    size_t line, col;        /* where the hierarchy is given in the spec */
} edra_spec_hierarchy;

typedef struct {
    char *name;              /* column name in the data */
    edra_role role;
    edra_attr_type type;
    char *date_format;       /* strptime format for DATE; NULL = ISO 8601 "%Y-%m-%d" */
    size_t n_order;          /* ORDINAL (or any SA): the values in order */
    char **order;
    edra_spec_hierarchy hierarchy;
    size_t line, col;        /* where the attribute's key is in the spec */
    int safe_harbor;         /* safe_harbor: 0 = by type and name, else an edra_sh_kind
                                (analyzer/safeharbor.h) + 1 */
} edra_spec_attr;

typedef enum {
    EDRA_SOURCE_CSV = 1,
    EDRA_SOURCE_SQLITE_TABLE,
    EDRA_SOURCE_SQLITE_QUERY
} edra_source_kind;

typedef enum {
    EDRA_POP_NONE = 0,      /* no population: the sample stands in for it */
    EDRA_POP_SIZE,
    EDRA_POP_FRACTION,
    EDRA_POP_REGION
} edra_pop_kind;

typedef enum {
    EDRA_METRIC_LOSS = 0,
    EDRA_METRIC_PRECISION,
    EDRA_METRIC_DISCERNIBILITY,
    EDRA_METRIC_AECS,
    EDRA_METRIC_ENTROPY,
    EDRA_METRIC_HEIGHT
} edra_metric;

typedef struct {
    char *name;              /* QI name */
    int level;
    size_t line, col;
} edra_spec_level;

typedef struct {
    char *path;              /* the spec file as given */
    char *dir;               /* its folder, against which relative paths resolve */
    char *text;              /* the spec's bytes, NUL-terminated (for hashing and history) */
    size_t text_len;

    /* data: */
    edra_source_kind source;
    char *data_path;         /* CSV file or SQLite database, resolved */
    char *sqlite_table;
    char *sqlite_query;
    char delimiter;          /* 0 = detect from the header */
    size_t n_missing;
    char **missing;          /* strings meaning "missing"; default {""} */
    char *count_column;      /* pre-aggregated input: the column holding counts, or NULL */
    char *weight_column;     /* sampling weights, or NULL */
    char *household_column;  /* household ids (household risk), or NULL */
    size_t data_line, data_col;

    size_t n_attrs;
    edra_spec_attr *attrs;

    /* population: */
    edra_pop_kind pop_kind;
    double pop_size;         /* SIZE: N; REGION: filled from the region table */
    double pop_fraction;     /* FRACTION */
    char *pop_region;        /* REGION: as written ("USA") */
    char *pop_table;         /* a population table CSV (QIs + count), resolved, or NULL */

    /* targets: (l and t target names are resolved to SA indexes by the pipeline) */
    edra_targets targets;
    char *ldiv_attr[EDRA_MAX_SA_TARGETS];   /* attribute named by each l target */
    char *tclose_attr[EDRA_MAX_SA_TARGETS]; /* attribute named by each t target */
    size_t ldiv_line[EDRA_MAX_SA_TARGETS], tclose_line[EDRA_MAX_SA_TARGETS];

    /* transformation: */
    size_t n_levels;
    edra_spec_level *levels;

    /* search: */
    edra_metric metric;
    double time_limit;       /* seconds; 0 = none */

    /* report: (all optional, NULL when absent) */
    char *report_title, *report_organisation, *report_dataset, *report_recipient;
    char *report_expert, *report_credentials, *report_validity;
    size_t n_controls;
    char **report_controls;
    size_t n_triggers;
    char **report_triggers;
} edra_spec;

/* Reads and validates the spec at path. Returns 0, EDRA_EIO (unreadable), EDRA_EPARSE
 * (not YAML) or EDRA_ESPEC (unknown key, wrong type, value out of range), with the
 * message "path:LINE:COL: ...". *out is the caller's, freed with edra_spec_free. */
int edra_spec_load(edra_spec **out, const char *path, edra_error *err);

/* Same from a buffer; name stands for the path in messages and dir for its folder. */
int edra_spec_parse(edra_spec **out, const char *text, size_t len, const char *name,
                    const char *dir, edra_error *err);

void edra_spec_free(edra_spec *spec);

/* The attribute named name, or NULL. */
const edra_spec_attr *edra_spec_find(const edra_spec *spec, const char *name);

/* Census population of a region name ("USA", "UK", ...), or 0 when unknown. */
double edra_spec_region_population(const char *region);

#endif
