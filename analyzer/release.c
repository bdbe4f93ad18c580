/* Writing the released dataset: the source is read a second time, row by row, and each QI
 * value is mapped leaf -> generalized code at the chosen level -> label; a row is suppressed
 * when its generalized QI combination is one of the suppressed classes', kept in a hash set
 * of code vectors. CSV (RFC 4180 quoting) or SQLite output, through a temporary file
 * created with mode 0600 in the output's folder and renamed over the output at the end. */
#define _POSIX_C_SOURCE 200809L
#include "release.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../report/atomic.h"
#include "csv.h"
#include "../metrics/hash.h"

/* ---- the set of suppressed classes' generalized code vectors ---- */

typedef struct {
    size_t n_qi, n, cap;
    uint32_t *vectors;   /* [n][n_qi] */
    uint32_t *slots;     /* index + 1, 0 = empty; cap is a power of two */
} code_set;

static int code_set_contains(const code_set *s, const uint32_t *v)
{
    if (!s->n)
        return 0;
    for (size_t pos = edra_hash_codes(v, s->n_qi) & (s->cap - 1);; pos = (pos + 1) & (s->cap - 1)) {
        uint32_t slot = s->slots[pos];
        if (!slot)
            return 0;
        if (memcmp(s->vectors + (size_t)(slot - 1) * s->n_qi, v, s->n_qi * sizeof *v) == 0)
            return 1;
    }
}

static int code_set_build(code_set *s, const edra_classes *c, const uint8_t *suppressed)
{
    const edra_microdata *md = edra_classes_microdata(c);
    const uint8_t *levels = edra_classes_levels(c);
    const uint32_t *reps = edra_classes_representatives(c);
    size_t n_classes = edra_classes_count(c), n = 0;
    memset(s, 0, sizeof *s);
    s->n_qi = md->n_qi;
    for (size_t k = 0; suppressed && k < n_classes; k++)
        n += suppressed[k] != 0;
    s->cap = 16;
    while (s->cap < 2 * n)
        s->cap <<= 1;
    s->vectors = malloc((n ? n : 1) * (s->n_qi ? s->n_qi : 1) * sizeof *s->vectors);
    s->slots = calloc(s->cap, sizeof *s->slots);
    if (!s->vectors || !s->slots)
        return EDRA_ENOMEM;
    for (size_t k = 0; suppressed && k < n_classes; k++) {
        if (!suppressed[k])
            continue;
        uint32_t *v = s->vectors + s->n * s->n_qi;
        for (size_t d = 0; d < md->n_qi; d++) {
            uint32_t leaf = edra_code_at(md->qi_codes[d], reps[k]);
            v[d] = edra_hierarchy_code(md->qi_hier[d], levels[d], leaf);
        }
        size_t pos = edra_hash_codes(v, s->n_qi) & (s->cap - 1);
        while (s->slots[pos])
            pos = (pos + 1) & (s->cap - 1);
        s->slots[pos] = (uint32_t)++s->n;
    }
    return 0;
}

static void code_set_free(code_set *s)
{
    free(s->vectors);
    free(s->slots);
}

/* ---- the source, streamed ---- */

typedef struct {
    const edra_spec *spec;
    const char *name;        /* for messages */
    edra_csv *csv;
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char **fields;           /* SQLite rows */
    size_t n_cols;
    uint64_t row;
} source;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *quote_identifier(const char *name)
{
    size_t len = strlen(name), extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += name[i] == '"';
    char *out = malloc(len + extra + 3), *p = out;
    if (!out)
        return NULL;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '"')
            *p++ = '"';
        *p++ = name[i];
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

/* Opens the source and returns its column names (borrowed until the next call). */
static int source_open(source *src, const edra_spec *spec, char ***names, size_t *n_names,
                       edra_error *err)
{
    memset(src, 0, sizeof *src);
    src->spec = spec;
    src->name = base_name(spec->data_path);
    if (spec->source == EDRA_SOURCE_CSV) {
        size_t *lengths = NULL;
        int rc = edra_csv_open(&src->csv, spec->data_path, spec->delimiter, err);
        if (rc < 0)
            return rc;
        rc = edra_csv_next(src->csv, names, &lengths, n_names, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return edra_error_set(err, EDRA_EDATA, "%s: no header", src->name);
        src->n_cols = *n_names;
        return 0;
    }
    char *sql = NULL;
    if (sqlite3_open_v2(spec->data_path, &src->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return edra_error_set(err, EDRA_EIO, "%s: %s", spec->data_path,
                              src->db ? sqlite3_errmsg(src->db) : "cannot open");
    if (spec->source == EDRA_SOURCE_SQLITE_TABLE) {
        char *quoted = quote_identifier(spec->sqlite_table);
        if (quoted)
            sql = sqlite3_mprintf("SELECT * FROM %s", quoted);
        free(quoted);
    } else {
        sql = sqlite3_mprintf("%s", spec->sqlite_query);
    }
    if (!sql)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory writing the release");
    int prc = sqlite3_prepare_v2(src->db, sql, -1, &src->stmt, NULL);
    sqlite3_free(sql);
    if (prc != SQLITE_OK)
        return edra_error_set(err, EDRA_EDB, "%s: %s", spec->data_path, sqlite3_errmsg(src->db));
    src->n_cols = (size_t)sqlite3_column_count(src->stmt);
    src->fields = calloc(src->n_cols ? src->n_cols : 1, sizeof *src->fields);
    if (!src->fields)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory writing the release");
    for (size_t c = 0; c < src->n_cols; c++)
        src->fields[c] = (char *)sqlite3_column_name(src->stmt, (int)c);
    *names = src->fields;
    *n_names = src->n_cols;
    return 0;
}

/* The next row: 1, 0 at the end, or an error code. */
static int source_next(source *src, char ***fields, edra_error *err)
{
    src->row++;
    if (src->csv) {
        size_t *lengths = NULL, n = 0;
        return edra_csv_next(src->csv, fields, &lengths, &n, err);
    }
    int step = sqlite3_step(src->stmt);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return edra_error_set(err, EDRA_EDB, "%s: %s", src->spec->data_path,
                              sqlite3_errmsg(src->db));
    for (size_t c = 0; c < src->n_cols; c++) {
        const unsigned char *text = sqlite3_column_text(src->stmt, (int)c);
        src->fields[c] = text ? (char *)text : (char *)"";
    }
    *fields = src->fields;
    return 1;
}

static size_t source_line(const source *src)
{
    return src->csv ? edra_csv_line(src->csv) : (size_t)src->row;
}

static void source_close(source *src)
{
    edra_csv_free(src->csv);
    sqlite3_finalize(src->stmt);
    sqlite3_close(src->db);
    free(src->fields);
}

/* ---- the output ---- */

/* A CSV goes through report/atomic.h. SQLite needs a path to open, which that stream does
 * not give: the database is built under its own temporary name (mkstemp, mode 0600) in the
 * output's folder, synced, and renamed the same way. */
typedef struct {
    edra_atomic *atomic;
    FILE *csv;
    char delimiter;
    char *tmp_path;
    sqlite3 *db;
    sqlite3_stmt *insert;
    size_t n_cols;
} sink;

int edra_release_is_sqlite(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcmp(dot, ".sqlite") == 0 || strcmp(dot, ".sqlite3") == 0 ||
                   strcmp(dot, ".db") == 0);
}

static int csv_field(FILE *f, const char *value, char delimiter)
{
    if (!strchr(value, delimiter) && !strpbrk(value, "\"\r\n"))
        return fputs(value, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (const char *p = value; *p; p++)
        if ((*p == '"' && fputc('"', f) == EOF) || fputc(*p, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}

static int csv_row(sink *k, const char *const *values, edra_error *err)
{
    for (size_t c = 0; c < k->n_cols; c++)
        if ((c && fputc(k->delimiter, k->csv) == EOF) ||
            csv_field(k->csv, values[c], k->delimiter) < 0)
            return edra_error_set(err, EDRA_EIO, "write error on the release: %s", strerror(errno));
    if (fputc('\n', k->csv) == EOF)
        return edra_error_set(err, EDRA_EIO, "write error on the release: %s", strerror(errno));
    return 0;
}

static int sink_db_error(sink *k, edra_error *err)
{
    return edra_error_set(err, EDRA_EDB, "%s: %s", k->tmp_path, sqlite3_errmsg(k->db));
}

static int sqlite_open(sink *k, const char *out_path, const char *const *names, edra_error *err)
{
    k->tmp_path = malloc(strlen(out_path) + 16);
    if (!k->tmp_path)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory writing the release");
    sprintf(k->tmp_path, "%s.tmp.XXXXXX", out_path);
    int fd = mkstemp(k->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(k->tmp_path);
        k->tmp_path = NULL;
        return edra_error_set(err, EDRA_EIO, "%s: %s", out_path, strerror(e));
    }
    close(fd);
    if (sqlite3_open_v2(k->tmp_path, &k->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return sink_db_error(k, err);
    sqlite3_str *create = sqlite3_str_new(k->db), *insert = sqlite3_str_new(k->db);
    sqlite3_str_appendall(create, "CREATE TABLE released (");
    sqlite3_str_appendall(insert, "INSERT INTO released VALUES (");
    for (size_t c = 0; c < k->n_cols; c++) {
        sqlite3_str_appendf(create, "%s\"%w\" TEXT", c ? ", " : "", names[c]);
        sqlite3_str_appendall(insert, c ? ", ?" : "?");
    }
    sqlite3_str_appendall(create, ")");
    sqlite3_str_appendall(insert, ")");
    char *create_sql = sqlite3_str_finish(create), *insert_sql = sqlite3_str_finish(insert);
    int rc = 0;
    if (!create_sql || !insert_sql)
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory writing the release");
    else if (sqlite3_exec(k->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN",
                          NULL, NULL, NULL) != SQLITE_OK ||
             sqlite3_exec(k->db, create_sql, NULL, NULL, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(k->db, insert_sql, -1, &k->insert, NULL) != SQLITE_OK)
        rc = sink_db_error(k, err);
    sqlite3_free(create_sql);
    sqlite3_free(insert_sql);
    return rc;
}

/* Starts the output and writes the header (CSV) or creates the table (SQLite). */
static int sink_open(sink *k, const char *out_path, int sqlite, char delimiter,
                     const char *const *names, size_t n_cols, edra_error *err)
{
    memset(k, 0, sizeof *k);
    k->delimiter = delimiter;
    k->n_cols = n_cols;
    if (sqlite)
        return sqlite_open(k, out_path, names, err);
    int rc = edra_atomic_open(&k->atomic, out_path, 0600, err);
    if (rc < 0)
        return rc;
    k->csv = edra_atomic_file(k->atomic);
    return csv_row(k, names, err);
}

static int sink_row(sink *k, const char *const *values, edra_error *err)
{
    if (k->csv)
        return csv_row(k, values, err);
    for (size_t c = 0; c < k->n_cols; c++)
        if (sqlite3_bind_text(k->insert, (int)c + 1, values[c], -1, SQLITE_TRANSIENT) != SQLITE_OK)
            return sink_db_error(k, err);
    if (sqlite3_step(k->insert) != SQLITE_DONE)
        return sink_db_error(k, err);
    sqlite3_reset(k->insert);
    return 0;
}

/* Commits (renames over out_path) or, with commit == 0 or on failure, removes the
 * temporary file. */
static int sink_close(sink *k, const char *out_path, int commit, edra_error *err)
{
    int rc = 0;
    if (k->atomic) {
        if (commit)
            rc = edra_atomic_commit(k->atomic, err);
        else
            edra_atomic_abort(k->atomic);
    }
    if (k->db) {
        sqlite3_finalize(k->insert);
        if (commit && sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = sink_db_error(k, err);
        if (sqlite3_close(k->db) != SQLITE_OK && commit && rc == 0)
            rc = edra_error_set(err, EDRA_EDB, "%s: cannot close", k->tmp_path);
        if (commit && rc == 0) {
            int fd = open(k->tmp_path, O_RDONLY);
            if (fd < 0 || fsync(fd) != 0)
                rc = edra_error_set(err, EDRA_EIO, "%s: %s", k->tmp_path, strerror(errno));
            if (fd >= 0)
                close(fd);
        }
    }
    if (k->tmp_path) {
        if (commit && rc == 0 && rename(k->tmp_path, out_path) != 0)
            rc = edra_error_set(err, EDRA_EIO, "%s: %s", out_path, strerror(errno));
        if (!commit || rc < 0)
            unlink(k->tmp_path);
    }
    free(k->tmp_path);
    memset(k, 0, sizeof *k);
    return rc;
}

/* ---- the mapping ---- */

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

int edra_release_write(const char *out_path, const edra_spec *spec, const edra_classes *classes,
                       const uint8_t *suppressed, edra_release_stats *stats, edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const uint8_t *levels = edra_classes_levels(classes);
    size_t n_qi = md->n_qi;
    code_set set = {0};
    source src;
    sink out;
    char **names = NULL, **fields = NULL;
    size_t n_names = 0, n_out = 0;
    long *qi_col = NULL, count_col = -1;
    int *role = NULL;              /* per source column: -1 dropped, 0 copied, 1 + d QI d */
    const char **values = NULL, **out_names = NULL;
    uint32_t *codes = NULL;
    int rc, sink_opened = 0;

    memset(stats, 0, sizeof *stats);
    memset(&out, 0, sizeof out);
    stats->sqlite = edra_release_is_sqlite(out_path);
    rc = source_open(&src, spec, &names, &n_names, err);
    if (rc < 0)
        goto done;
    role = calloc(n_names ? n_names : 1, sizeof *role);
    qi_col = malloc((n_qi ? n_qi : 1) * sizeof *qi_col);
    values = calloc(n_names ? n_names : 1, sizeof *values);
    out_names = calloc(n_names ? n_names : 1, sizeof *out_names);
    codes = malloc((n_qi ? n_qi : 1) * sizeof *codes);
    if (!role || !qi_col || !values || !out_names || !codes ||
        code_set_build(&set, classes, suppressed) < 0) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory writing the release");
        goto done;
    }
    for (size_t d = 0; d < n_qi; d++)
        qi_col[d] = -1;
    for (size_t c = 0; c < n_names; c++) {
        const edra_spec_attr *a = edra_spec_find(spec, names[c]);
        if (a && a->role == EDRA_ROLE_IDENTIFIER)
            role[c] = -1;
        for (size_t d = 0; d < n_qi; d++)
            if (strcmp(md->qi_names[d], names[c]) == 0) {
                role[c] = 1 + (int)d;
                qi_col[d] = (long)c;
            }
        if (spec->count_column && strcmp(spec->count_column, names[c]) == 0)
            count_col = (long)c;
        if (role[c] >= 0)
            out_names[n_out++] = names[c];
    }
    for (size_t d = 0; d < n_qi; d++)
        if (qi_col[d] < 0) {
            rc = edra_error_set(err, EDRA_EDATA, "%s: column '%s' is no longer in the source",
                                src.name, md->qi_names[d]);
            goto done;
        }
    rc = sink_open(&out, out_path, stats->sqlite,
                   src.csv ? edra_csv_delimiter(src.csv) : ',', out_names, n_out, err);
    sink_opened = 1;
    if (rc < 0)
        goto done;
    stats->columns = n_out;
    while ((rc = source_next(&src, &fields, err)) == 1) {
        int unmatched = 0;
        for (size_t d = 0; d < n_qi; d++) {
            int64_t leaf = edra_hierarchy_find(md->qi_hier[d], fields[qi_col[d]]);
            if (leaf < 0) {
                unmatched = 1;
                break;
            }
            codes[d] = edra_hierarchy_code(md->qi_hier[d], levels[d], leaf);
        }
        if (unmatched) {
            /* Rows with a count of 0 were never read into the data: release them blank. */
            uint64_t count = 1;
            if (count_col < 0 || parse_count(fields[count_col], &count) < 0 || count != 0) {
                rc = edra_error_set(err, EDRA_EDATA,
                                    "%s:%zu: a quasi-identifier value is not in its hierarchy: "
                                    "the source changed since it was read",
                                    src.name, source_line(&src));
                goto done;
            }
        }
        int suppress = unmatched || code_set_contains(&set, codes);
        size_t o = 0;
        for (size_t c = 0; c < n_names; c++) {
            if (role[c] < 0)
                continue;
            if (role[c] == 0)
                values[o++] = fields[c];
            else if (suppress)
                values[o++] = "*";
            else
                values[o++] = edra_hierarchy_label(md->qi_hier[role[c] - 1], levels[role[c] - 1],
                                                   codes[role[c] - 1]);
        }
        rc = sink_row(&out, values, err);
        if (rc < 0)
            goto done;
        stats->rows++;
        stats->suppressed_rows += suppress;
    }
    if (rc < 0)
        goto done;
    rc = sink_close(&out, out_path, 1, err);
    sink_opened = 0;
done:
    if (sink_opened)
        sink_close(&out, out_path, 0, NULL);
    source_close(&src);
    code_set_free(&set);
    free(role);
    free(qi_col);
    free(values);
    free(out_names);
    free(codes);
    return rc;
}
