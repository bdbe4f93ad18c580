/* Reading the run history back (SQLite, https://sqlite.org/lang_select.html): one run by id,
 * unique id prefix or "last", the newest comparable run, the newest-first list of summaries
 * and the count. Rows come back as edra_history_run structs that own their strings and JSON. */
#include "history_query.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "history_internal.h"

#define SUMMARY_COLUMNS                                                                          \
    "seq, id, command, started, ended, created, version, user, spec_path, spec_dir, "           \
    "spec_sha256, data_path, data_sha256, rows, columns, out_dir, signer, exit_code, targets, " \
    "transformation, k, average_risk, highest_risk, suppressed, loss, targets_met, n_artifacts, " \
    "options"
#define FULL_COLUMNS SUMMARY_COLUMNS ", spec_text, context, figures"

static char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? dup_str((const char *)s) : NULL;
}

static double column_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static json_t *column_json(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
}

static void run_clear(edra_history_run *r)
{
    const char *strings[] = {r->id, r->command, r->started, r->ended, r->created, r->version,
                             r->user, r->spec_path, r->spec_dir, r->spec_sha256, r->spec_text,
                             r->data_path, r->data_sha256, r->out_dir, r->signer, r->targets,
                             r->transformation};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free((char *)strings[i]);
    json_decref(r->options);
    json_decref(r->context);
    json_decref(r->figures);
    for (size_t i = 0; r->artifacts && i < r->n_artifacts; i++) {
        free((char *)r->artifacts[i].path);
        free((char *)r->artifacts[i].role);
        free((char *)r->artifacts[i].sha256);
    }
    free(r->artifacts);
    memset(r, 0, sizeof *r);
}

/* Fills r from a row of SUMMARY_COLUMNS (and FULL_COLUMNS when full). 0 or EDRA_ENOMEM /
 * EDRA_EDB (a JSON column that does not parse: the file was edited by hand). */
static int read_row(edra_history_run *r, sqlite3_stmt *st, int full, const char *path, edra_error *err)
{
    memset(r, 0, sizeof *r);
    r->seq = sqlite3_column_int64(st, 0);
    r->id = column_text(st, 1);
    r->command = column_text(st, 2);
    r->started = column_text(st, 3);
    r->ended = column_text(st, 4);
    r->created = column_text(st, 5);
    r->version = column_text(st, 6);
    r->user = column_text(st, 7);
    r->spec_path = column_text(st, 8);
    r->spec_dir = column_text(st, 9);
    r->spec_sha256 = column_text(st, 10);
    r->data_path = column_text(st, 11);
    r->data_sha256 = column_text(st, 12);
    r->rows = (uint64_t)sqlite3_column_int64(st, 13);
    r->columns = (uint64_t)sqlite3_column_int64(st, 14);
    r->out_dir = column_text(st, 15);
    r->signer = column_text(st, 16);
    r->exit_code = sqlite3_column_int(st, 17);
    r->targets = column_text(st, 18);
    r->transformation = column_text(st, 19);
    r->k = sqlite3_column_type(st, 20) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 20);
    r->average_risk = column_real(st, 21);
    r->highest_risk = column_real(st, 22);
    r->suppressed = sqlite3_column_type(st, 23) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 23);
    r->loss = column_real(st, 24);
    r->targets_met = sqlite3_column_int(st, 25);
    r->n_artifacts = (size_t)sqlite3_column_int64(st, 26);
    r->options = column_json(st, 27);
    if (full) {
        r->spec_text = column_text(st, 28);
        r->context = column_json(st, 29);
        r->figures = column_json(st, 30);
    }
    if (!r->id || !r->command || !r->started || !r->ended || !r->created || !r->version ||
        !r->user || !r->spec_path || !r->spec_dir || !r->spec_sha256 || !r->data_path ||
        !r->data_sha256 || !r->targets || !r->transformation)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    if (!r->options || (full && (!r->spec_text || !r->context || !r->figures)))
        return edra_error_set(err, EDRA_EDB, "%s: run %s: a stored JSON document does not parse",
                              path, r->id);
    return 0;
}

static int load_artifacts(edra_history_run *r, edra_history *h, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t expected = r->n_artifacts, n = 0;
    int rc = 0;
    r->n_artifacts = 0;
    r->artifacts = calloc(expected + 1, sizeof *r->artifacts);
    if (!r->artifacts)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    if (sqlite3_prepare_v2(h->db, "SELECT path, role, sha256, size FROM artifacts WHERE run_seq = ?1 "
                                  "ORDER BY path", -1, &st, NULL) != SQLITE_OK)
        return db_fail(h, err);
    sqlite3_bind_int64(st, 1, r->seq);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == expected) {
            n++;
            break;
        }
        edra_history_artifact *a = &r->artifacts[n++];
        r->n_artifacts = n;
        a->path = column_text(st, 0);
        a->role = column_text(st, 1);
        a->sha256 = column_text(st, 2);
        a->size = (uint64_t)sqlite3_column_int64(st, 3);
        if (!a->path || !a->role || !a->sha256) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = db_fail(h, err);
    else if (n != expected)
        rc = edra_error_set(err, EDRA_EDB, "%s: run %s lists %zu artifacts but %s%zu are stored",
                            h->path, r->id, expected, n > expected ? "more than " : "", n > expected ? expected : n);
done:
    sqlite3_finalize(st);
    return rc;
}

/* Runs a prepared query expected to give at most `want` full rows; *out the first. */
static int fetch_one(edra_history_run **out, size_t *rows, edra_history *h, sqlite3_stmt *st,
                     edra_error *err)
{
    edra_history_run *r = NULL;
    int rc = 0, step;
    *out = NULL;
    *rows = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (++*rows > 1)
            break;
        if (!(r = calloc(1, sizeof *r))) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = read_row(r, st, 1, h->path, err)) < 0)
            goto done;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = db_fail(h, err);
        goto done;
    }
    if (r && (rc = load_artifacts(r, h, err)) < 0)
        goto done;
    *out = r;
    r = NULL;
done:
    edra_history_run_free(r);
    return rc;
}

int edra_history_get(edra_history_run **out, edra_history *h, const char *id, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t rows = 0;
    int rc = 0;
    *out = NULL;
    static const char *const queries[] = {
        "SELECT " FULL_COLUMNS " FROM runs WHERE id = ?1",
        "SELECT " FULL_COLUMNS " FROM runs ORDER BY seq DESC LIMIT 1",
        /* substr, not LIKE: an id may not hold wildcards but a prefix typed by hand might */
        "SELECT " FULL_COLUMNS " FROM runs WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
    };
    for (int q = 0; q < 3 && !*out; q++) {
        if (q == 1 && strcmp(id, "last") != 0)
            continue;
        if (q == 2 && strlen(id) < 4)
            break;
        if (sqlite3_prepare_v2(h->db, queries[q], -1, &st, NULL) != SQLITE_OK)
            return db_fail(h, err);
        if (q != 1)
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        rc = fetch_one(out, &rows, h, st, err);
        sqlite3_finalize(st);
        st = NULL;
        if (rc < 0)
            return rc;
        if (rows > 1) {
            edra_history_run_free(*out);
            *out = NULL;
            return edra_error_set(err, EDRA_EUSAGE, "%s: '%s' is the start of more than one run id",
                                  h->path, id);
        }
    }
    if (!*out)
        return edra_error_set(err, EDRA_EUSAGE, "%s: no run '%s' recorded", h->path, id);
    return 0;
}

int edra_history_previous(edra_history_run **out, edra_history *h, const edra_history_run *run,
                          edra_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t rows;
    *out = NULL;
    if (sqlite3_prepare_v2(h->db,
                           "SELECT " FULL_COLUMNS " FROM runs WHERE id IS NOT ?1 AND "
                           "((spec_dir = ?2 AND spec_name = ?3) OR spec_sha256 = ?4 OR "
                           "data_sha256 = ?5) ORDER BY seq DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(h, err);
    bind_text(st, 1, run->id);
    bind_text(st, 2, run->spec_dir);
    bind_text(st, 3, run->spec_path ? base_name(run->spec_path) : NULL);
    bind_text(st, 4, run->spec_sha256);
    bind_text(st, 5, run->data_sha256);
    int rc = fetch_one(out, &rows, h, st, err);
    sqlite3_finalize(st);
    return rc;
}

int edra_history_list(edra_history_run **out, size_t *n, edra_history *h, size_t limit,
                      edra_error *err)
{
    sqlite3_stmt *st = NULL;
    edra_history_run *runs = NULL;
    size_t cap = 0, count = 0;
    int rc = 0, step;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(h->db, "SELECT " SUMMARY_COLUMNS " FROM runs ORDER BY seq DESC LIMIT ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(h, err);
    sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t grown_cap = cap ? 2 * cap : 16;
            edra_history_run *grown = realloc(runs, grown_cap * sizeof *runs);
            if (!grown) {
                rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
                goto done;
            }
            runs = grown;
            cap = grown_cap;
        }
        rc = read_row(&runs[count], st, 0, h->path, err);
        count++;
        if (rc < 0)
            goto done;
    }
    if (step != SQLITE_DONE) {
        rc = db_fail(h, err);
        goto done;
    }
    *out = runs;
    *n = count;
    runs = NULL;
done:
    sqlite3_finalize(st);
    edra_history_runs_free(runs, runs ? count : 0);
    return rc;
}

void edra_history_run_free(edra_history_run *run)
{
    if (!run)
        return;
    run_clear(run);
    free(run);
}

void edra_history_runs_free(edra_history_run *runs, size_t n)
{
    for (size_t i = 0; runs && i < n; i++)
        run_clear(&runs[i]);
    free(runs);
}
