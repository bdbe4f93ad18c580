/* Loading and encoding of the input: one pass over the rows, interning the used columns'
 * values into per-column dictionaries and aggregating identical rows into the counted
 * tuples of an edra_tuples table (analyzer/tuples.c); then each QI's
 * dictionary codes are remapped onto its hierarchy's leaf codes and the dictionaries freed,
 * so every later computation is integer lookups. */
#define _POSIX_C_SOURCE 200809L
#include "dataset.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../report/digest.h"
#include "csv.h"
#include "dict.h"
#include "numcol.h"
#include "leafcodes.h"
#include "rowpipe.h"
#include "tuples.h"

struct edra_dataset {
    const edra_spec *spec;
    const char *source_name;       /* file name for messages */
    size_t n_qi, n_sa, width;      /* width = n_qi + n_sa (+ 1 household) codes per tuple */
    const edra_spec_attr **qi_attr, **sa_attr;
    const char **qi_names, **sa_names;
    long *qi_col, *sa_col;         /* source column of each */
    long count_col, weight_col, household_col;
    edra_dict **qi_dict, **sa_dict;
    edra_numcol **qi_num;          /* per QI: coded by value (edra_numcol), or NULL */
    int digit_markers;             /* a missing-value marker is all digits and points, so
                                      edra_numcol could take it for a number */
    edra_dict *household_dict;     /* household ids, when the spec names a household column */
    uint64_t *qi_missing, *sa_missing;

    edra_tuples *tuples;           /* the distinct rows: their code columns become the
                                      microdata's once remapped, never copied */
    uint32_t *row;                 /* [width] codes of the row being encoded */
    uint32_t *missing_codes;       /* [width][spec->n_missing] codes of missing-value markers */
    size_t *n_missing_codes;       /* [width] */
    size_t *n_codes;               /* [width] size of each column's dictionary: a code equal
                                      to it is a new value */
    /* While the rows come through edra_rowpipe, some columns are interned on its thread
     * (intern_early): early_index[c] is column c's place among the row's early_codes + 1,
     * 0 for a column interned here. NULL otherwise. */
    size_t *early_index;
    const uint32_t *early_codes;

    edra_code_col *qi_codes, *sa_codes, household_codes; /* the data are ours */
    uint32_t **sa_rank;
    edra_hierarchy **qi_hier, **sa_hier;
    uint32_t *sa_domain;
    edra_microdata md;

    uint64_t records, source_rows;
    size_t source_columns;
    char sha256[65];
    double load_seconds;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int oom(edra_error *err)
{
    return edra_error_set(err, EDRA_ENOMEM, "out of memory loading the data");
}

/* Numbers that a builder cuts into intervals are coded by value while the rows are read
 * (edra_numcol): no dictionary for a column of millions of distinct amounts. */
static int codes_by_value(const edra_spec_attr *a)
{
    return (a->type == EDRA_TYPE_INTEGER || a->type == EDRA_TYPE_DECIMAL) &&
           a->hierarchy.kind == EDRA_HIER_INTERVALS;
}

/* Whether a marker looks like a number to edra_numcol ("999", "0.0"): only then must a
 * column coded by value test each of its values against the markers. */
static int has_digit_marker(const edra_spec *spec)
{
    for (size_t i = 0; i < spec->n_missing; i++) {
        const char *m = spec->missing[i];
        if (*m && strspn(m, "0123456789.") == strlen(m))
            return 1;
    }
    return 0;
}

/* Allocates the per-attribute tables from the spec's roles. */
static int plan_columns(edra_dataset *ds, edra_error *err)
{
    const edra_spec *spec = ds->spec;
    size_t n = spec->n_attrs ? spec->n_attrs : 1;
    ds->qi_attr = calloc(n, sizeof *ds->qi_attr);
    ds->sa_attr = calloc(n, sizeof *ds->sa_attr);
    ds->qi_names = calloc(n, sizeof *ds->qi_names);
    ds->sa_names = calloc(n, sizeof *ds->sa_names);
    ds->qi_col = calloc(n, sizeof *ds->qi_col);
    ds->sa_col = calloc(n, sizeof *ds->sa_col);
    ds->qi_dict = calloc(n, sizeof *ds->qi_dict);
    ds->qi_num = calloc(n, sizeof *ds->qi_num);
    ds->sa_dict = calloc(n, sizeof *ds->sa_dict);
    ds->qi_missing = calloc(n, sizeof *ds->qi_missing);
    ds->sa_missing = calloc(n, sizeof *ds->sa_missing);
    if (!ds->qi_attr || !ds->sa_attr || !ds->qi_names || !ds->sa_names || !ds->qi_col ||
        !ds->sa_col || !ds->qi_dict || !ds->qi_num || !ds->sa_dict || !ds->qi_missing || !ds->sa_missing)
        return oom(err);
    for (size_t i = 0; i < spec->n_attrs; i++) {
        const edra_spec_attr *a = &spec->attrs[i];
        if (a->role == EDRA_ROLE_QUASI) {
            ds->qi_names[ds->n_qi] = a->name;
            ds->qi_attr[ds->n_qi++] = a;
        } else if (a->role == EDRA_ROLE_SENSITIVE) {
            ds->sa_names[ds->n_sa] = a->name;
            ds->sa_attr[ds->n_sa++] = a;
        }
    }
    if (ds->n_qi == 0)
        return edra_error_set(err, EDRA_ESPEC, "%s: no attribute has role quasi", spec->path);
    if (ds->n_qi > 64)
        return edra_error_set(err, EDRA_ESPEC, "%s: %zu quasi-identifiers; at most 64 are supported",
                              spec->path, ds->n_qi);
    ds->digit_markers = has_digit_marker(spec);
    for (size_t d = 0; d < ds->n_qi; d++) {
        if (edra_dict_new(&ds->qi_dict[d], err) < 0)
            return EDRA_ENOMEM;
        if (codes_by_value(ds->qi_attr[d]) && edra_numcol_new(&ds->qi_num[d]) < 0)
            return oom(err);
    }
    for (size_t s = 0; s < ds->n_sa; s++)
        if (edra_dict_new(&ds->sa_dict[s], err) < 0)
            return EDRA_ENOMEM;
    /* A household column joins the tuple key, so that a tuple never mixes households and
     * household risk can be computed from the tuples alone. */
    if (spec->household_column && edra_dict_new(&ds->household_dict, err) < 0)
        return EDRA_ENOMEM;
    ds->width = ds->n_qi + ds->n_sa + (spec->household_column ? 1 : 0);
    ds->row = calloc(ds->width, sizeof *ds->row);
    ds->missing_codes = calloc(ds->width * (spec->n_missing ? spec->n_missing : 1),
                               sizeof *ds->missing_codes);
    ds->n_missing_codes = calloc(ds->width, sizeof *ds->n_missing_codes);
    ds->n_codes = calloc(ds->width, sizeof *ds->n_codes);
    if (!ds->row || !ds->missing_codes || !ds->n_missing_codes || !ds->n_codes ||
        edra_tuples_new(&ds->tuples, ds->width, spec->weight_column != NULL) < 0)
        return oom(err);
    return 0;
}

/* Finds each spec attribute among the source's column names. */
static int match_header(edra_dataset *ds, char **names, size_t n_names, edra_error *err)
{
    const edra_spec *spec = ds->spec;
    ds->source_columns = n_names;
    ds->count_col = ds->weight_col = ds->household_col = -1;
    for (size_t i = 0; i < spec->n_attrs; i++) {
        const edra_spec_attr *a = &spec->attrs[i];
        long found = -1;
        for (size_t c = 0; c < n_names; c++) {
            if (strcmp(names[c], a->name) != 0)
                continue;
            if (found >= 0)
                return edra_error_set(err, EDRA_EDATA,
                                      "%s:1: column '%s' appears twice in the header (columns %ld and %zu)",
                                      ds->source_name, a->name, found + 1, c + 1);
            found = (long)c;
        }
        /* A pre-aggregated table (GROUP BY the QIs and SAs, `edra sql`) has no identifier
         * or insensitive columns, and the record-level spec stays usable on it. */
        if (found < 0 && spec->count_column &&
            (a->role == EDRA_ROLE_IDENTIFIER || a->role == EDRA_ROLE_INSENSITIVE))
            continue;
        if (found < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu:%zu: column '%s' is not in %s",
                                  spec->path, a->line, a->col, a->name, ds->source_name);
        for (size_t d = 0; d < ds->n_qi; d++)
            if (ds->qi_attr[d] == a)
                ds->qi_col[d] = found;
        for (size_t s = 0; s < ds->n_sa; s++)
            if (ds->sa_attr[s] == a)
                ds->sa_col[s] = found;
    }
    if (spec->count_column) {
        for (size_t c = 0; c < n_names; c++)
            if (strcmp(names[c], spec->count_column) == 0)
                ds->count_col = (long)c;
        if (ds->count_col < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu:%zu: count column '%s' is not in %s",
                                  spec->path, spec->data_line, spec->data_col,
                                  spec->count_column, ds->source_name);
    }
    const char *const extra_names[] = {spec->weight_column, spec->household_column};
    long *const extra_cols[] = {&ds->weight_col, &ds->household_col};
    for (size_t e = 0; e < 2; e++) {
        if (!extra_names[e])
            continue;
        for (size_t c = 0; c < n_names; c++)
            if (strcmp(names[c], extra_names[e]) == 0)
                *extra_cols[e] = (long)c;
        if (*extra_cols[e] < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu:%zu: %s column '%s' is not in %s",
                                  spec->path, spec->data_line, spec->data_col,
                                  e ? "household" : "weight", extra_names[e], ds->source_name);
    }
    return 0;
}

static int parse_count(const char *text, uint64_t *out)
{
    char *end = NULL;
    if (!*text || *text == '-' || *text == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* A sampling weight: a finite number > 0. */
static int parse_weight(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v) || v <= 0)
        return -1;
    *out = v;
    return 0;
}

/* Dictionaries larger than this are prefetched a row ahead of their lookups. */
#define PREFETCH_VALUES 262144

static int table_error(const edra_dataset *ds, int rc, edra_error *err)
{
    if (rc == EDRA_ENOMEM)
        return oom(err);
    return edra_error_set(err, rc, "%s: too many distinct rows", ds->source_name);
}

/* Puts the code of value in column c's dictionary into the row being encoded, and adds
 * count to *missing when the value is a missing-value marker (missing NULL: not counted).
 * A new value is checked against the markers once, so a row costs a scan of the column's
 * (usually empty) list of marker codes, not a string comparison per marker. */
/* The code of value in column c's dictionary (*code), or the error. Reads of ds are of
 * what stays fixed during the load, so the rows' thread may call it (see intern_early). */
static int intern_code(const edra_dataset *ds, size_t c, edra_dict *dict, const char *value,
                       size_t len, size_t line, uint32_t *code_out, edra_error *err)
{
    int64_t code = edra_dict_intern(dict, value, len, line);
    if (code == EDRA_ENOMEM)
        return oom(err);
    if (code < 0 && c >= ds->n_qi + ds->n_sa)
        return edra_error_set(err, EDRA_ERANGE, "%s: too many households", ds->source_name);
    if (code < 0)
        return edra_error_set(err, EDRA_ERANGE, "%s: too many distinct values in '%s'",
                              ds->source_name,
                              c < ds->n_qi ? ds->qi_names[c] : ds->sa_names[c - ds->n_qi]);
    *code_out = (uint32_t)code;
    return 0;
}

/* Puts code (value's, in column c) into the row being encoded and counts a missing-value
 * marker: codes come in order of first appearance, so a code equal to the codes seen so
 * far is a new value, checked against the markers once. */
static void note_code(edra_dataset *ds, size_t c, uint32_t code, const char *value, size_t len,
                      uint64_t count, uint64_t *missing)
{
    size_t n_markers = ds->spec->n_missing;
    int is_new = (size_t)code == ds->n_codes[c];
    ds->n_codes[c] += is_new;
    if (missing) {
        uint32_t *markers = ds->missing_codes + c * n_markers;
        /* One code per distinct marker, so the list never outgrows the spec's markers. */
        if (is_new && edra_leafcodes_is_missing(ds->spec, value, len))
            markers[ds->n_missing_codes[c]++] = (uint32_t)code;
        for (size_t i = 0; i < ds->n_missing_codes[c]; i++)
            if (markers[i] == (uint32_t)code)
                *missing += count;
    }
    ds->row[c] = (uint32_t)code;
}

static int encode_value(edra_dataset *ds, size_t c, edra_dict *dict, const char *value,
                        size_t len, size_t line, uint64_t count, uint64_t *missing,
                        edra_error *err)
{
    uint32_t code = 0;
    int rc = intern_code(ds, c, dict, value, len, line, &code, err);
    if (rc < 0)
        return rc;
    note_code(ds, c, code, value, len, count, missing);
    return 0;
}

/* encode_value for a QI coded by value: a canonical decimal is its own code; any other
 * value (a missing-value marker, another spelling) goes to the dictionary, coded from
 * EDRA_NUMCOL_DICT_BASE on. Markers are compared row by row only when one could pass for
 * a number; others never do, and encode_value counts them. */
static int encode_number(edra_dataset *ds, size_t d, const char *value, size_t len, size_t line,
                         uint64_t count, edra_error *err)
{
    int64_t code = -1;
    if (!ds->digit_markers || !edra_leafcodes_is_missing(ds->spec, value, len))
        code = edra_numcol_code(ds->qi_num[d], value, len);
    if (code >= 0) {
        ds->row[d] = (uint32_t)code;
        return 0;
    }
    int rc = encode_value(ds, d, ds->qi_dict[d], value, len, line, count, &ds->qi_missing[d], err);
    if (rc < 0)
        return rc;
    if (ds->row[d] >= UINT32_MAX - EDRA_NUMCOL_DICT_BASE)
        return edra_error_set(err, EDRA_ERANGE, "%s: too many distinct values in '%s'",
                              ds->source_name, ds->qi_names[d]);
    ds->row[d] += EDRA_NUMCOL_DICT_BASE;
    return 0;
}

/* Whether column c of the row was interned on the rows' thread, and its code there. */
static inline int early_code(const edra_dataset *ds, size_t c, uint32_t *code)
{
    if (!ds->early_codes || !ds->early_index[c])
        return 0;
    if (code)
        *code = ds->early_codes[ds->early_index[c] - 1];
    return 1;
}

/* Encodes one source row (fields indexed by source column) and adds its tuple, which the
 * table stores one row late (edra_tuples_add): the last row waits for edra_tuples_flush. */
static int add_row(edra_dataset *ds, char *const *fields, const size_t *lengths, size_t line,
                   edra_error *err)
{
    uint64_t count = 1;
    int rc;
    ds->source_rows++;
    if (ds->count_col >= 0 && parse_count(fields[ds->count_col], &count) < 0)
        return edra_error_set(err, EDRA_EDATA,
                              "%s:%zu: count column '%s' is not a non-negative integer",
                              ds->source_name, line, ds->spec->count_column);
    if (count == 0)
        return 0;
    double weight = 0;
    if (ds->weight_col >= 0 && parse_weight(fields[ds->weight_col], &weight) < 0)
        return edra_error_set(err, EDRA_EDATA, "%s:%zu: weight column '%s' is not a number > 0",
                              ds->source_name, line, ds->spec->weight_column);
    /* A dictionary past the caches (a near-unique column) costs a miss a row: the slots of
     * all such columns are fetched at once, so their misses overlap. */
    for (size_t d = 0; d < ds->n_qi; d++)
        if (ds->n_codes[d] > PREFETCH_VALUES && !early_code(ds, d, NULL))
            edra_dict_prefetch(ds->qi_dict[d], fields[ds->qi_col[d]], lengths[ds->qi_col[d]]);
    for (size_t s = 0; s < ds->n_sa; s++)
        if (ds->n_codes[ds->n_qi + s] > PREFETCH_VALUES && !early_code(ds, ds->n_qi + s, NULL))
            edra_dict_prefetch(ds->sa_dict[s], fields[ds->sa_col[s]], lengths[ds->sa_col[s]]);
    if (ds->household_col >= 0 &&
        (rc = encode_value(ds, ds->n_qi + ds->n_sa, ds->household_dict, fields[ds->household_col],
                           lengths[ds->household_col], line, count, NULL, err)) < 0)
        return rc;
    uint32_t code;
    for (size_t d = 0; d < ds->n_qi; d++) {
        long col = ds->qi_col[d];
        if (early_code(ds, d, &code)) {
            note_code(ds, d, code, fields[col], lengths[col], count, &ds->qi_missing[d]);
            continue;
        }
        rc = ds->qi_num[d] ? encode_number(ds, d, fields[col], lengths[col], line, count, err)
                           : encode_value(ds, d, ds->qi_dict[d], fields[col], lengths[col], line,
                                          count, &ds->qi_missing[d], err);
        if (rc < 0)
            return rc;
    }
    for (size_t s = 0; s < ds->n_sa; s++) {
        long col = ds->sa_col[s];
        if (early_code(ds, ds->n_qi + s, &code)) {
            note_code(ds, ds->n_qi + s, code, fields[col], lengths[col], count, &ds->sa_missing[s]);
            continue;
        }
        rc = encode_value(ds, ds->n_qi + s, ds->sa_dict[s], fields[col], lengths[col], line, count,
                          &ds->sa_missing[s], err);
        if (rc < 0)
            return rc;
    }
    if (UINT64_MAX - ds->records < count)
        return edra_error_set(err, EDRA_ERANGE, "%s:%zu: record count overflows", ds->source_name, line);
    ds->records += count;
    /* A row of a pre-aggregated input stands for count records of that weight each. */
    if ((rc = edra_tuples_add(ds->tuples, ds->row, count, weight * (double)count)) < 0)
        return table_error(ds, rc, err);
    return 0;
}

/* Files from this size on are parsed on a thread of their own (edra_rowpipe), which also
 * interns every other dictionary column (intern_early), while this one encodes the rest of
 * each row. The environment variable EDRA_LOAD_PIPELINE=1 (or 0) forces it on (off)
 * whatever the size, for the tests. */
#define PIPE_MIN_BYTES ((size_t)8 << 20)

static int use_pipe(const edra_dataset *ds)
{
    const char *force = getenv("EDRA_LOAD_PIPELINE");
    struct stat st;
    if (force && (*force == '0' || *force == '1'))
        return *force == '1';
    return stat(ds->spec->data_path, &st) == 0 && (size_t)st.st_size >= PIPE_MIN_BYTES;
}

/* The columns interned on the rows' thread: every other column with a dictionary of its
 * own (not coded by value), so the two threads share the interning, which is most of a
 * row's cost. Each such dictionary is that thread's alone until the rows are in. */
typedef struct {
    const edra_dataset *ds;
    size_t n;
    size_t *c;          /* [n] column index (QIs, then SAs) */
    long *col;          /* [n] source column */
    edra_dict **dict;   /* [n] */
} early_cols;

/* edra_rowpipe_hook: the codes of the early columns of a row. A row that adds no records
 * (count 0) puts no value in a dictionary, as add_row does; a bad count is add_row's to
 * report. */
static int intern_early(void *ctx, char *const *fields, const size_t *lengths, size_t line,
                        uint32_t *codes, edra_error *err)
{
    const early_cols *e = ctx;
    const edra_dataset *ds = e->ds;
    uint64_t count = 1;
    if (ds->count_col >= 0 && (parse_count(fields[ds->count_col], &count) < 0 || count == 0))
        return 0;
    for (size_t j = 0; j < e->n; j++) {
        int rc = intern_code(ds, e->c[j], e->dict[j], fields[e->col[j]], lengths[e->col[j]], line,
                             &codes[j], err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Chooses the early columns (e) and fills ds->early_index; -1 when out of memory. */
static int plan_early(edra_dataset *ds, early_cols *e)
{
    size_t n_cols = ds->n_qi + ds->n_sa, n_dict = 0;
    e->ds = ds;
    e->n = 0;
    e->c = malloc((n_cols ? n_cols : 1) * sizeof *e->c);
    e->col = malloc((n_cols ? n_cols : 1) * sizeof *e->col);
    e->dict = malloc((n_cols ? n_cols : 1) * sizeof *e->dict);
    ds->early_index = calloc(ds->width ? ds->width : 1, sizeof *ds->early_index);
    if (!e->c || !e->col || !e->dict || !ds->early_index)
        return -1;
    for (size_t c = 0; c < n_cols; c++) {
        int is_qi = c < ds->n_qi;
        if (is_qi && ds->qi_num[c])
            continue;
        if (n_dict++ % 2 == 0)
            continue;
        e->c[e->n] = c;
        e->col[e->n] = is_qi ? ds->qi_col[c] : ds->sa_col[c - ds->n_qi];
        e->dict[e->n] = is_qi ? ds->qi_dict[c] : ds->sa_dict[c - ds->n_qi];
        ds->early_index[c] = ++e->n;
    }
    return 0;
}

/* The rows after the header, parsed (and the early columns interned) on another thread; 1
 * when they were read so (*rc their outcome), 0 when that thread could not be had. */
static int read_rows_piped(edra_dataset *ds, edra_csv *csv, size_t n_fields, int *rc,
                           edra_error *err)
{
    long *cols = malloc((ds->n_qi + ds->n_sa + 3) * sizeof *cols);
    size_t n_cols = 0;
    edra_rowpipe *pipe = NULL;
    early_cols e = {0};
    int started = 0;
    if (!cols || plan_early(ds, &e) < 0)
        goto done;
    for (size_t d = 0; d < ds->n_qi; d++)
        cols[n_cols++] = ds->qi_col[d];
    for (size_t s = 0; s < ds->n_sa; s++)
        cols[n_cols++] = ds->sa_col[s];
    const long extra[] = {ds->count_col, ds->weight_col, ds->household_col};
    for (size_t x = 0; x < 3; x++)
        if (extra[x] >= 0)
            cols[n_cols++] = extra[x];
    started = edra_rowpipe_start(&pipe, csv, n_fields, cols, n_cols, e.n ? intern_early : NULL,
                                 &e, e.n) == 0;
    if (!started)
        goto done;
    char **fields;
    size_t *lengths, line;
    while ((*rc = edra_rowpipe_next(pipe, &fields, &lengths, &ds->early_codes, &line, err)) == 1)
        if ((*rc = add_row(ds, fields, lengths, line, err)) < 0)
            break;
    edra_rowpipe_free(pipe);
done:
    ds->early_codes = NULL;
    free(ds->early_index);
    ds->early_index = NULL;
    free(cols);
    free(e.c);
    free(e.col);
    free(e.dict);
    return started;
}

static int read_csv(edra_dataset *ds, edra_error *err)
{
    edra_csv *csv = NULL;
    char **fields;
    size_t *lengths, n_fields;
    int rc = edra_csv_open(&csv, ds->spec->data_path, ds->spec->delimiter, err);
    if (rc < 0)
        return rc;
    rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err);
    if (rc == 0)
        rc = edra_error_set(err, EDRA_EDATA, "%s:1: the file is empty (a header row is required)",
                            ds->source_name);
    if (rc < 0)
        goto done;
    rc = match_header(ds, fields, n_fields, err);
    if (rc < 0)
        goto done;
    if (use_pipe(ds) && read_rows_piped(ds, csv, n_fields, &rc, err))
        goto done;
    while ((rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err)) == 1) {
        rc = add_row(ds, fields, lengths, edra_csv_line(csv), err);
        if (rc < 0)
            goto done;
    }
done:
    edra_csv_free(csv);
    return rc;
}

static char *quote_identifier(const char *name)
{
    size_t len = strlen(name), extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += name[i] == '"';
    char *q = malloc(len + extra + 3), *p = q;
    if (!q)
        return NULL;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '"')
            *p++ = '"';
        *p++ = name[i];
    }
    *p++ = '"';
    *p = '\0';
    return q;
}

static int read_sqlite(edra_dataset *ds, edra_error *err)
{
    const edra_spec *spec = ds->spec;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    char *sql = NULL, **names = NULL, **fields = NULL;
    size_t *lengths = NULL;
    int n_cols, rc;
    if (sqlite3_open_v2(spec->data_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", spec->data_path,
                            db ? sqlite3_errmsg(db) : "cannot open");
        goto done;
    }
    if (spec->source == EDRA_SOURCE_SQLITE_TABLE) {
        char *quoted = quote_identifier(spec->sqlite_table);
        if (!quoted) {
            rc = oom(err);
            goto done;
        }
        sql = malloc(strlen(quoted) + 16);
        if (sql)
            sprintf(sql, "SELECT * FROM %s", quoted);
        free(quoted);
    } else {
        sql = strdup(spec->sqlite_query);
    }
    if (!sql) {
        rc = oom(err);
        goto done;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = edra_error_set(err, EDRA_EDB, "%s: %s", spec->data_path, sqlite3_errmsg(db));
        goto done;
    }
    n_cols = sqlite3_column_count(stmt);
    names = calloc(n_cols ? (size_t)n_cols : 1, sizeof *names);
    fields = calloc(n_cols ? (size_t)n_cols : 1, sizeof *fields);
    lengths = calloc(n_cols ? (size_t)n_cols : 1, sizeof *lengths);
    if (!names || !fields || !lengths) {
        rc = oom(err);
        goto done;
    }
    for (int c = 0; c < n_cols; c++)
        names[c] = (char *)sqlite3_column_name(stmt, c);
    rc = match_header(ds, names, (size_t)n_cols, err);
    if (rc < 0)
        goto done;
    for (size_t row = 1;; row++) {
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = edra_error_set(err, EDRA_EDB, "%s: %s", spec->data_path, sqlite3_errmsg(db));
            goto done;
        }
        for (int c = 0; c < n_cols; c++) {
            const unsigned char *text = sqlite3_column_text(stmt, c);
            fields[c] = text ? (char *)text : (char *)"";
            lengths[c] = text ? (size_t)sqlite3_column_bytes(stmt, c) : 0;
        }
        rc = add_row(ds, fields, lengths, row, err);
        if (rc < 0)
            goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    free(sql);
    free(names);
    free(fields);
    free(lengths);
    return rc;
}

static uint32_t dense_code(const void *num, uint32_t code)
{
    return edra_numcol_dense(num, code);
}

/* Numbers the codes of QI d, coded by value, densely in its tuple column, and puts the
 * dictionary of those codes in place of the column's own. */
static int number_by_value(edra_dataset *ds, size_t d, edra_error *err)
{
    edra_numcol *num = ds->qi_num[d];
    edra_dict *dense = NULL;
    size_t n = edra_tuples_size(ds->tuples);
    for (size_t i = 0; i < n; i++)
        if (edra_numcol_mark(num, edra_tuples_code(ds->tuples, i, d)) < 0)
            return oom(err);
    if (edra_numcol_rank(num) < 0)
        return oom(err);
    int rc = edra_numcol_dict(num, ds->qi_dict[d], &dense, err);
    if (rc < 0)
        return rc;
    edra_tuples_map_column(ds->tuples, d, dense_code, num);
    edra_dict_free(ds->qi_dict[d]);
    ds->qi_dict[d] = dense;
    edra_numcol_free(num);
    ds->qi_num[d] = NULL;
    return 0;
}

static int finish_encoding(edra_dataset *ds, edra_error *err)
{
    size_t n = ds->n_qi + ds->n_sa + 1;
    /* The rows are read: the tuple index and the spare capacity go before the hierarchies
     * are built, so the peak is the columns plus one hash table, never two. */
    edra_tuples_seal(ds->tuples);
    for (size_t d = 0; d < ds->n_qi; d++)
        edra_dict_seal(ds->qi_dict[d]);
    for (size_t s = 0; s < ds->n_sa; s++)
        edra_dict_seal(ds->sa_dict[s]);
    for (size_t d = 0; d < ds->n_qi; d++) {
        int rc = ds->qi_num[d] ? number_by_value(ds, d, err) : 0;
        if (rc < 0)
            return rc;
    }
    ds->qi_codes = calloc(n, sizeof *ds->qi_codes);
    ds->sa_codes = calloc(n, sizeof *ds->sa_codes);
    ds->sa_rank = calloc(n, sizeof *ds->sa_rank);
    ds->qi_hier = calloc(n, sizeof *ds->qi_hier);
    ds->sa_hier = calloc(n, sizeof *ds->sa_hier);
    ds->sa_domain = calloc(n, sizeof *ds->sa_domain);
    if (!ds->qi_codes || !ds->sa_codes || !ds->sa_rank || !ds->qi_hier || !ds->sa_hier || !ds->sa_domain)
        return oom(err);
    for (size_t d = 0; d < ds->n_qi; d++) {
        uint32_t *remap = NULL, *leaf_of = NULL;
        int rc = edra_leafcodes_hierarchy(&ds->qi_hier[d], &leaf_of, ds->spec, ds->qi_attr[d],
                                          ds->qi_dict[d], 1, err);
        if (rc < 0)
            return rc;
        rc = edra_leafcodes_remap(&remap, ds->spec, ds->source_name, ds->qi_hier[d],
                                  ds->qi_dict[d], ds->qi_attr[d], leaf_of, err);
        if (rc < 0)
            return rc;
        rc = edra_tuples_take_column(&ds->qi_codes[d], ds->tuples, d, remap,
                                     edra_hierarchy_leaves(ds->qi_hier[d]));
        free(remap);
        if (rc < 0)
            return oom(err);
        /* The codes are leaf codes now: the values live on in the hierarchy alone. */
        edra_dict_free(ds->qi_dict[d]);
        ds->qi_dict[d] = NULL;
    }
    for (size_t s = 0; s < ds->n_sa; s++) {
        uint32_t *remap = NULL, *leaf_of = NULL;
        int rc = edra_leafcodes_hierarchy(&ds->sa_hier[s], &leaf_of, ds->spec, ds->sa_attr[s],
                                          ds->sa_dict[s], 0, err);
        if (rc < 0)
            return rc;
        if (ds->sa_hier[s]) {
            rc = edra_leafcodes_remap(&remap, ds->spec, ds->source_name, ds->sa_hier[s],
                                      ds->sa_dict[s], ds->sa_attr[s], leaf_of, err);
            if (rc < 0)
                return rc;
            ds->sa_domain[s] = (uint32_t)edra_hierarchy_leaves(ds->sa_hier[s]);
        } else {
            ds->sa_domain[s] = (uint32_t)edra_dict_size(ds->sa_dict[s]);
        }
        rc = edra_tuples_take_column(&ds->sa_codes[s], ds->tuples, ds->n_qi + s, remap,
                                     ds->sa_domain[s]);
        free(remap);
        if (rc < 0)
            return oom(err);
        rc = edra_leafcodes_sa_rank(&ds->sa_rank[s], ds->spec, ds->source_name, ds->sa_attr[s],
                                    ds->sa_dict[s], ds->sa_hier[s], ds->sa_domain[s], err);
        if (rc < 0)
            return rc;
        edra_dict_free(ds->sa_dict[s]);
        ds->sa_dict[s] = NULL;
    }
    if (ds->household_dict &&
        edra_tuples_take_column(&ds->household_codes, ds->tuples, ds->n_qi + ds->n_sa, NULL,
                                edra_dict_size(ds->household_dict)) < 0)
        return oom(err);
    edra_microdata *md = &ds->md;
    md->n_tuples = edra_tuples_size(ds->tuples);
    md->n_records = ds->records;
    md->n_qi = ds->n_qi;
    md->qi_names = ds->qi_names;
    md->qi_codes = ds->qi_codes;
    md->qi_hier = (const edra_hierarchy *const *)ds->qi_hier;
    md->n_sa = ds->n_sa;
    md->sa_names = ds->sa_names;
    md->sa_codes = ds->sa_codes;
    md->sa_domain = ds->sa_domain;
    md->sa_rank = (const uint32_t *const *)ds->sa_rank;
    md->sa_hier = (const edra_hierarchy *const *)ds->sa_hier;
    md->counts = edra_tuples_counts(ds->tuples);
    md->weights = edra_tuples_weights(ds->tuples);
    md->households = ds->household_codes;
    md->n_households = ds->household_dict ? (uint32_t)edra_dict_size(ds->household_dict) : 0;
    return 0;
}

/* Files from this size on are hashed in a thread of their own while they are parsed. */
#define HASH_THREAD_BYTES (16 << 20)

typedef struct {
    pthread_t thread;
    const char *path;
    char hex[65];
    int rc;
    edra_error err;
} hash_job;

static void *hash_file(void *arg)
{
    hash_job *hj = arg;
    hj->rc = edra_sha256_file(hj->hex, hj->path, &hj->err);
    return NULL;
}

int edra_dataset_load(edra_dataset **out, const edra_spec *spec, edra_error *err)
{
    double start = now_seconds();
    edra_dataset *ds = calloc(1, sizeof *ds);
    int rc;
    *out = NULL;
    if (!ds)
        return oom(err);
    ds->spec = spec;
    ds->source_name = base_name(spec->data_path);
    rc = plan_columns(ds, err);
    if (rc < 0)
        goto done;
    /* A large file's SHA-256 is computed on the second core while the rows are parsed (both
     * read the same file, which the page cache then serves once); a small file's first, in
     * this thread. A hash that fails in its thread (an address-space limit refusing the
     * thread's malloc arena) is tried again here, so only a real failure is reported. */
    hash_job hj = {.path = spec->data_path, .rc = 0, .err = {0}};
    struct stat st;
    int hashing = 0;
    if (stat(spec->data_path, &st) == 0 && st.st_size >= HASH_THREAD_BYTES) {
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            pthread_attr_setstacksize(&attr, 1u << 18);
            hashing = pthread_create(&hj.thread, &attr, hash_file, &hj) == 0;
            pthread_attr_destroy(&attr);
        }
    }
    if (!hashing) {
        hash_file(&hj);
        if (hj.rc < 0) {
            rc = edra_error_set(err, hj.rc, "%s", hj.err.msg);
            goto done;
        }
    }
    rc = spec->source == EDRA_SOURCE_CSV ? read_csv(ds, err) : read_sqlite(ds, err);
    if (hashing) {
        pthread_join(hj.thread, NULL);
        if (hj.rc < 0)
            hash_file(&hj);
        /* An unreadable file is reported as the hash found it, whatever the parse said. */
        if (hj.rc < 0)
            rc = edra_error_set(err, hj.rc, "%s", hj.err.msg);
    }
    if (rc < 0)
        goto done;
    if ((rc = edra_tuples_flush(ds->tuples)) < 0) {
        rc = table_error(ds, rc, err);
        goto done;
    }
    memcpy(ds->sha256, hj.hex, sizeof ds->sha256);
    if (ds->records == 0) {
        rc = edra_error_set(err, EDRA_EDATA, "%s: no records after the header", ds->source_name);
        goto done;
    }
    rc = finish_encoding(ds, err);
    if (rc < 0)
        goto done;
    ds->load_seconds = now_seconds() - start;
    *out = ds;
    ds = NULL;
done:
    edra_dataset_free(ds);
    return rc;
}

void edra_dataset_free(edra_dataset *ds)
{
    if (!ds)
        return;
    for (size_t d = 0; d < ds->n_qi; d++) {
        if (ds->qi_dict)
            edra_dict_free(ds->qi_dict[d]);
        if (ds->qi_num)
            edra_numcol_free(ds->qi_num[d]);
        if (ds->qi_codes)
            free((void *)ds->qi_codes[d].data);
        if (ds->qi_hier)
            edra_hierarchy_free(ds->qi_hier[d]);
    }
    for (size_t s = 0; s < ds->n_sa; s++) {
        if (ds->sa_dict)
            edra_dict_free(ds->sa_dict[s]);
        if (ds->sa_codes)
            free((void *)ds->sa_codes[s].data);
        if (ds->sa_rank)
            free(ds->sa_rank[s]);
        if (ds->sa_hier)
            edra_hierarchy_free(ds->sa_hier[s]);
    }
    free(ds->qi_attr);
    free(ds->sa_attr);
    free(ds->qi_names);
    free(ds->sa_names);
    free(ds->qi_col);
    free(ds->sa_col);
    free(ds->qi_dict);
    free(ds->qi_num);
    free(ds->sa_dict);
    free(ds->qi_missing);
    free(ds->sa_missing);
    edra_tuples_free(ds->tuples);
    free((void *)ds->household_codes.data);
    edra_dict_free(ds->household_dict);
    free(ds->row);
    free(ds->missing_codes);
    free(ds->n_missing_codes);
    free(ds->n_codes);
    free(ds->qi_codes);
    free(ds->sa_codes);
    free(ds->sa_rank);
    free(ds->qi_hier);
    free(ds->sa_hier);
    free(ds->sa_domain);
    free(ds);
}

const edra_microdata *edra_dataset_microdata(const edra_dataset *ds) { return &ds->md; }
uint64_t edra_dataset_records(const edra_dataset *ds) { return ds->records; }
size_t edra_dataset_source_columns(const edra_dataset *ds) { return ds->source_columns; }
uint64_t edra_dataset_source_rows(const edra_dataset *ds) { return ds->source_rows; }
const char *edra_dataset_sha256(const edra_dataset *ds) { return ds->sha256; }
const edra_spec_attr *edra_dataset_qi_attr(const edra_dataset *ds, size_t d) { return ds->qi_attr[d]; }
const edra_spec_attr *edra_dataset_sa_attr(const edra_dataset *ds, size_t s) { return ds->sa_attr[s]; }
uint64_t edra_dataset_qi_missing(const edra_dataset *ds, size_t d) { return ds->qi_missing[d]; }
uint64_t edra_dataset_sa_missing(const edra_dataset *ds, size_t s) { return ds->sa_missing[s]; }
double edra_dataset_load_seconds(const edra_dataset *ds) { return ds->load_seconds; }

int edra_dataset_qi_index(const edra_dataset *ds, const char *name)
{
    for (size_t d = 0; d < ds->n_qi; d++)
        if (strcmp(ds->qi_names[d], name) == 0)
            return (int)d;
    return -1;
}

int edra_dataset_sa_index(const edra_dataset *ds, const char *name)
{
    for (size_t s = 0; s < ds->n_sa; s++)
        if (strcmp(ds->sa_names[s], name) == 0)
            return (int)s;
    return -1;
}
