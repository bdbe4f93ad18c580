/* Tests of analyzer/history: the file's location, the schema a new file gets (application_id,
 * user_version, WAL), the refusal of a file that is not a database, of another application's
 * database, of a newer schema and of a damaged one; recording in one transaction (a failure
 * half-way leaves no row), reading back by id, prefix and "last", listing newest first, and
 * finding the previous run on the same spec or data. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyzer/history.h"
#include "metrics/error.h"

static char base[64];    /* the test's scratch folder */
static char db_path[128]; /* base/.edra/history.sqlite */

static void setup(void)
{
    strcpy(base, "/tmp/edra_check_history_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(db_path, sizeof db_path, "%s/.edra/history.sqlite", base);
    unsetenv("EDRA_HISTORY");
    unsetenv("SOURCE_DATE_EPOCH");
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", base);
}

/* Runs sql on the file directly, as another program (or a hand) would. */
static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        ck_abort_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void write_bytes(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

/* A figures document as the commands build it, reduced to what the history reads: k, the
 * prosecutor risks, suppressed records, two targets, a two-QI transformation, the verdict. */
static json_t *figures_doc(int k, double average, int met)
{
    json_t *doc = json_pack(
        "{s:{s:i, s:i, s:{s:f, s:f}, s:[{s:s, s:f, s:f, s:b}, {s:s, s:f, s:f, s:b}],"
        " s:{s:{s:i, s:i}, s:{s:i, s:i}}}, s:b}",
        "figures", "k", k, "suppressed", 3, "prosecutor", "average", average, "highest", 1.0 / k,
        "targets", "name", "k-anonymity", "target", 5.0, "achieved", (double)k, "met", k >= 5,
        "name", "average prosecutor risk", "target", 0.3, "achieved", average, "met", average <= 0.3,
        "transformation", "age", "level", 1, "top", 3, "zip", "level", 2, "top", 5,
        "targets_met", met);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

static const edra_history_artifact two_artifacts[2] = {
    {"report.pdf", "report", "aa00000000000000000000000000000000000000000000000000000000000000", 100},
    {"result.json", "result", "bb00000000000000000000000000000000000000000000000000000000000000", 20},
};

/* A run of spec spec_sha on data data_sha; id, figures and artifacts given. */
static edra_history_run make_run(const char *id, const char *spec_path, const char *spec_sha,
                                 const char *data_sha, json_t *figures)
{
    edra_history_run r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.command = "run";
    r.started = "2024-05-01T12:00:00.000Z";
    r.ended = "2024-05-01T12:00:01.500Z";
    r.created = "2024-05-01T12:00:00Z";
    r.version = "0.1.0";
    r.user = "tester";
    r.spec_path = spec_path;
    r.spec_dir = "/data/specs";
    r.spec_sha256 = spec_sha;
    r.spec_text = "data: {csv: a.csv}\n";
    r.data_path = "/data/specs/a.csv";
    r.data_sha256 = data_sha;
    r.rows = 1000;
    r.columns = 7;
    r.exit_code = 0;
    r.options = json_pack("{s:i}", "threads", 1);
    r.context = json_pack("{s:s}", "command", "run");
    r.figures = figures;
    r.n_artifacts = 2;
    r.artifacts = (edra_history_artifact *)two_artifacts;
    return r;
}

static void release(edra_history_run *r)
{
    json_decref(r->options);
    json_decref(r->context);
    json_decref(r->figures);
}

static edra_history *open_write(void)
{
    edra_error err = {0};
    edra_history *h = NULL;
    ck_assert_msg(edra_history_open(&h, db_path, EDRA_HISTORY_WRITE, &err) == 0, "%s", err.msg);
    return h;
}

static void record(edra_history *h, const char *id, const char *spec_path, const char *spec_sha,
                   const char *data_sha, int k, double average)
{
    edra_error err = {0};
    edra_history_run r = make_run(id, spec_path, spec_sha, data_sha, figures_doc(k, average, 1));
    ck_assert_msg(edra_history_record(h, &r, &err) == 0, "%s", err.msg);
    release(&r);
}

/* ---- locate ---- */

START_TEST(test_history_locate__order)
{
    edra_error err = {0};
    char *path = NULL;
    /* beside the spec */
    ck_assert_int_eq(edra_history_locate(&path, NULL, "specs/s.yaml", &err), 0);
    ck_assert_str_eq(path, "specs/.edra/history.sqlite");
    free(path);
    ck_assert_int_eq(edra_history_locate(&path, NULL, "s.yaml", &err), 0);
    ck_assert_str_eq(path, "./.edra/history.sqlite");
    free(path);
    ck_assert_int_eq(edra_history_locate(&path, NULL, "/s.yaml", &err), 0);
    ck_assert_str_eq(path, "//.edra/history.sqlite");
    free(path);
    ck_assert_int_eq(edra_history_locate(&path, NULL, NULL, &err), 0);
    ck_assert_str_eq(path, "./.edra/history.sqlite");
    free(path);
    /* the environment over the default, the option over both; an empty variable is unset */
    setenv("EDRA_HISTORY", "/env/h.sqlite", 1);
    ck_assert_int_eq(edra_history_locate(&path, NULL, "specs/s.yaml", &err), 0);
    ck_assert_str_eq(path, "/env/h.sqlite");
    free(path);
    ck_assert_int_eq(edra_history_locate(&path, "opt.sqlite", "specs/s.yaml", &err), 0);
    ck_assert_str_eq(path, "opt.sqlite");
    free(path);
    /* beside the spec whatever the environment says */
    ck_assert_int_eq(edra_history_beside(&path, "specs/s.yaml", &err), 0);
    ck_assert_str_eq(path, "specs/.edra/history.sqlite");
    free(path);
    setenv("EDRA_HISTORY", "", 1);
    ck_assert_int_eq(edra_history_locate(&path, NULL, "specs/s.yaml", &err), 0);
    ck_assert_str_eq(path, "specs/.edra/history.sqlite");
    free(path);
}
END_TEST

/* ---- open ---- */

START_TEST(test_history_open__creates_schema)
{
    edra_history *h = open_write();
    int64_t n = -1;
    edra_error err = {0};
    ck_assert_int_eq(edra_history_count(&n, h, &err), 0);
    ck_assert_int_eq(n, 0);
    ck_assert_str_eq(edra_history_path(h), db_path);
    edra_history_close(h);
    /* 0x65647261 = 'e' 'd' 'r' 'a' = 1701081697 */
    ck_assert_int_eq(raw_int(db_path, "PRAGMA application_id"), 1701081697);
    ck_assert_int_eq(raw_int(db_path, "PRAGMA user_version"), 1);
    ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                      "AND name IN ('runs', 'artifacts')"), 2);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* opened again: the same file, not re-created */
    h = open_write();
    edra_history_close(h);
    ck_assert_int_eq(raw_int(db_path, "PRAGMA user_version"), 1);
}
END_TEST

START_TEST(test_history_open__read_missing)
{
    edra_error err = {0};
    edra_history *h = NULL;
    ck_assert_int_eq(edra_history_open(&h, db_path, EDRA_HISTORY_READ, &err), EDRA_EUSAGE);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(err.msg, "no history there"));
    /* and READ never creates the file or its folder */
    struct stat st;
    ck_assert_int_ne(stat(db_path, &st), 0);
}
END_TEST

START_TEST(test_history_open__folder_cannot_be_made)
{
    edra_error err = {0};
    edra_history *h = NULL;
    char path[160];
    /* a folder under a regular file cannot exist */
    snprintf(path, sizeof path, "%s/file", base);
    write_bytes(path, "x", 1);
    snprintf(path, sizeof path, "%s/file/.edra/history.sqlite", base);
    ck_assert_int_eq(edra_history_open(&h, path, EDRA_HISTORY_WRITE, &err), EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot create the history's folder"));
}
END_TEST

START_TEST(test_history_open__not_a_database)
{
    edra_error err = {0};
    edra_history *h = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/notes.txt", base);
    const char *text = "these are meeting notes, not a database; they are long enough to fill "
                       "the 100 bytes of an SQLite header and then some more bytes.\n";
    write_bytes(path, text, strlen(text));
    ck_assert_int_eq(edra_history_open(&h, path, EDRA_HISTORY_WRITE, &err), EDRA_EDB);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(err.msg, "notes.txt: not an edra history: file is not a database"));
    /* the file is left as it was */
    char back[256] = "";
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(back, 1, sizeof back - 1, f);
    fclose(f);
    ck_assert_uint_eq(n, strlen(text));
    ck_assert_int_eq(memcmp(back, text, n), 0);
}
END_TEST

START_TEST(test_history_open__foreign_database)
{
    edra_error err = {0};
    edra_history *h = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/crm.sqlite", base);
    raw_sql(path, "CREATE TABLE customers(id INTEGER, name TEXT)");
    ck_assert_int_eq(edra_history_open(&h, path, EDRA_HISTORY_WRITE, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "not an edra history: an SQLite database of another "
                                          "application (application_id 0, 1 tables)"));
    /* nothing was added to it, and it was not switched to WAL */
    ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM sqlite_master"), 1);
    ck_assert_int_eq(raw_int(path, "PRAGMA user_version"), 0);
}
END_TEST

START_TEST(test_history_open__newer_schema)
{
    edra_error err = {0};
    edra_history *h = open_write();
    edra_history_close(h);
    h = NULL;
    raw_sql(db_path, "PRAGMA user_version = 2");
    ck_assert_int_eq(edra_history_open(&h, db_path, EDRA_HISTORY_WRITE, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "history schema version 2 is newer than this edra reads (1)"));
    ck_assert_int_eq(edra_history_open(&h, db_path, EDRA_HISTORY_READ, &err), EDRA_EDB);
}
END_TEST

START_TEST(test_history_open__version_zero_with_our_id)
{
    edra_error err = {0};
    edra_history *h = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/odd.sqlite", base);
    raw_sql(path, "CREATE TABLE runs(x); PRAGMA application_id = 1701081697");
    ck_assert_int_eq(edra_history_open(&h, path, EDRA_HISTORY_WRITE, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "not an edra history: schema version 0"));
}
END_TEST

START_TEST(test_history_open__tables_missing)
{
    edra_error err = {0};
    edra_history *h = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/hollow.sqlite", base);
    raw_sql(path, "CREATE TABLE other(x); PRAGMA application_id = 1701081697; PRAGMA user_version = 1");
    ck_assert_int_eq(edra_history_open(&h, path, EDRA_HISTORY_WRITE, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a valid edra history: its tables are missing"));
}
END_TEST

START_TEST(test_history_open__damaged)
{
    edra_error err = {0};
    edra_history *h = open_write();
    record(h, "ED-20240501-0000000000000001", "s.yaml", "s1", "d1", 5, 0.2);
    edra_history_close(h);
    h = NULL;
    /* the schema page (page 1 after the 100-byte header) overwritten */
    char garbage[3000];
    memset(garbage, 0xA5, sizeof garbage);
    FILE *f = fopen(db_path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 100, SEEK_SET), 0);
    ck_assert_uint_eq(fwrite(garbage, 1, sizeof garbage, f), sizeof garbage);
    fclose(f);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    remove(wal);
    int rc = edra_history_open(&h, db_path, EDRA_HISTORY_READ, &err);
    ck_assert_int_eq(rc, EDRA_EDB);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(err.msg, "history.sqlite: not an edra history: ") != NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "malformed") != NULL, "%s", err.msg);
}
END_TEST

/* ---- record, get, list, previous ---- */

START_TEST(test_history_record__get_by_id_prefix_last)
{
    edra_error err = {0};
    edra_history *h = open_write();
    edra_history_run *r = NULL;
    record(h, "ED-20240501-00000000000000aa", "specs/s.yaml", "s1", "d1", 5, 0.2);
    record(h, "ED-20240501-00000000000000bb", "specs/s.yaml", "s1", "d1", 10, 0.05);

    ck_assert_int_eq(edra_history_get(&r, h, "ED-20240501-00000000000000aa", &err), 0);
    ck_assert_int_eq(r->seq, 1);
    ck_assert_str_eq(r->command, "run");
    ck_assert_str_eq(r->started, "2024-05-01T12:00:00.000Z");
    ck_assert_str_eq(r->ended, "2024-05-01T12:00:01.500Z");
    ck_assert_str_eq(r->user, "tester");
    ck_assert_str_eq(r->spec_text, "data: {csv: a.csv}\n");
    ck_assert_str_eq(r->spec_dir, "/data/specs");
    ck_assert_int_eq(r->rows, 1000);
    ck_assert_int_eq(r->columns, 7);
    /* the summary columns derived from the figures document */
    ck_assert_int_eq(r->k, 5);
    ck_assert_double_eq_tol(r->average_risk, 0.2, 1e-15);
    ck_assert_double_eq_tol(r->highest_risk, 0.2, 1e-15); /* 1/5 */
    ck_assert_int_eq(r->suppressed, 3);
    ck_assert(isnan(r->loss)); /* no search block */
    ck_assert_int_eq(r->targets_met, 1);
    ck_assert_str_eq(r->targets, "k-anonymity=5; average prosecutor risk=0.3");
    ck_assert_str_eq(r->transformation, "age=1,zip=2");
    ck_assert_int_eq(json_integer_value(json_object_get(r->options, "threads")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->figures, "figures"), "k")), 5);
    ck_assert_uint_eq(r->n_artifacts, 2);
    ck_assert_str_eq(r->artifacts[0].path, "report.pdf");
    ck_assert_str_eq(r->artifacts[1].sha256, two_artifacts[1].sha256);
    ck_assert_int_eq(r->artifacts[1].size, 20);
    edra_history_run_free(r);

    ck_assert_int_eq(edra_history_get(&r, h, "last", &err), 0);
    ck_assert_str_eq(r->id, "ED-20240501-00000000000000bb");
    ck_assert_int_eq(r->k, 10);
    edra_history_run_free(r);

    ck_assert_int_eq(edra_history_get(&r, h, "ED-20240501-00000000000000b", &err), 0);
    ck_assert_str_eq(r->id, "ED-20240501-00000000000000bb");
    edra_history_run_free(r);
    edra_history_close(h);
}
END_TEST

START_TEST(test_history_get__unknown_ambiguous_short)
{
    edra_error err = {0};
    edra_history *h = open_write();
    edra_history_run *r = NULL;
    record(h, "ED-20240501-00000000000000aa", "s.yaml", "s1", "d1", 5, 0.2);
    record(h, "ED-20240501-00000000000000bb", "s.yaml", "s1", "d1", 5, 0.2);
    ck_assert_int_eq(edra_history_get(&r, h, "ED-19990101-0000000000000000", &err), EDRA_EUSAGE);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err.msg, "no run 'ED-19990101-0000000000000000' recorded"));
    ck_assert_int_eq(edra_history_get(&r, h, "ED-2024", &err), EDRA_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "'ED-2024' is the start of more than one run id"));
    /* under 4 characters a prefix is not tried */
    ck_assert_int_eq(edra_history_get(&r, h, "ED-", &err), EDRA_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "no run 'ED-' recorded"));
    /* a LIKE wildcard is a character like any other */
    ck_assert_int_eq(edra_history_get(&r, h, "ED-2%", &err), EDRA_EUSAGE);
    edra_history_close(h);
}
END_TEST

START_TEST(test_history_list__newest_first_and_limit)
{
    edra_error err = {0};
    edra_history *h = open_write();
    edra_history_run *runs = NULL;
    size_t n = 0;
    record(h, "ED-20240501-0000000000000001", "s.yaml", "s1", "d1", 2, 0.5);
    record(h, "ED-20240501-0000000000000002", "s.yaml", "s1", "d1", 5, 0.2);
    record(h, "ED-20240501-0000000000000003", "s.yaml", "s1", "d1", 10, 0.1);
    ck_assert_int_eq(edra_history_list(&runs, &n, h, 0, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(runs[0].id, "ED-20240501-0000000000000003");
    ck_assert_str_eq(runs[2].id, "ED-20240501-0000000000000001");
    ck_assert_int_eq(runs[0].k, 10);
    ck_assert_int_eq(runs[2].k, 2);
    /* the list has the summary only */
    ck_assert_ptr_null(runs[0].spec_text);
    ck_assert_ptr_null(runs[0].figures);
    ck_assert_uint_eq(runs[0].n_artifacts, 2);
    ck_assert_ptr_null(runs[0].artifacts);
    edra_history_runs_free(runs, n);
    ck_assert_int_eq(edra_history_list(&runs, &n, h, 2, &err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(runs[1].id, "ED-20240501-0000000000000002");
    edra_history_runs_free(runs, n);
    edra_history_close(h);
}
END_TEST

START_TEST(test_history_record__failure_leaves_no_row)
{
    edra_error err = {0};
    edra_history *h = open_write();
    int64_t n = -1;
    record(h, "ED-20240501-0000000000000001", "s.yaml", "s1", "d1", 5, 0.2);
    /* the second artifact repeats the first's path: the artifacts' primary key fails after the
     * run's row was inserted, inside the same transaction */
    edra_history_artifact dup[2] = {two_artifacts[0], two_artifacts[0]};
    edra_history_run r = make_run("ED-20240501-0000000000000002", "s.yaml", "s1", "d1",
                                  figures_doc(5, 0.2, 1));
    r.artifacts = dup;
    ck_assert_int_eq(edra_history_record(h, &r, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "UNIQUE constraint failed"));
    release(&r);
    ck_assert_int_eq(edra_history_count(&n, h, &err), 0);
    ck_assert_int_eq(n, 1);
    /* the same id twice is refused */
    r = make_run("ED-20240501-0000000000000001", "s.yaml", "s1", "d1", figures_doc(5, 0.2, 1));
    ck_assert_int_eq(edra_history_record(h, &r, &err), EDRA_EDB);
    ck_assert_ptr_nonnull(strstr(err.msg, "run id ED-20240501-0000000000000001 is already recorded"));
    release(&r);
    /* a run without its figures is a programmer's error */
    r = make_run("ED-20240501-0000000000000003", "s.yaml", "s1", "d1", json_object());
    ck_assert_int_eq(edra_history_record(h, &r, &err), EDRA_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "lacks a required field"));
    release(&r);
    ck_assert_int_eq(edra_history_count(&n, h, &err), 0);
    ck_assert_int_eq(n, 1);
    edra_history_close(h);
    ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM artifacts"), 2);
}
END_TEST

START_TEST(test_history_previous__spec_or_data)
{
    edra_error err = {0};
    edra_history *h = open_write();
    edra_history_run *p = NULL;
    record(h, "ED-20240501-0000000000000001", "one.yaml", "s1", "d1", 5, 0.2);
    record(h, "ED-20240501-0000000000000002", "two.yaml", "s2", "d2", 5, 0.2);
    record(h, "ED-20240501-0000000000000003", "three.yaml", "s3", "d3", 5, 0.2);

    /* same spec file (folder and name), other text and data */
    edra_history_run cur = make_run("ED-20240501-0000000000000009", "elsewhere/one.yaml", "sX", "dX",
                                    figures_doc(5, 0.2, 1));
    ck_assert_int_eq(edra_history_previous(&p, h, &cur, &err), 0);
    ck_assert_str_eq(p->id, "ED-20240501-0000000000000001");
    ck_assert_ptr_nonnull(p->figures); /* loaded fully */
    edra_history_run_free(p);
    /* same spec text */
    cur.spec_path = "x.yaml";
    cur.spec_sha256 = "s2";
    ck_assert_int_eq(edra_history_previous(&p, h, &cur, &err), 0);
    ck_assert_str_eq(p->id, "ED-20240501-0000000000000002");
    edra_history_run_free(p);
    /* same data */
    cur.spec_sha256 = "sX";
    cur.data_sha256 = "d3";
    ck_assert_int_eq(edra_history_previous(&p, h, &cur, &err), 0);
    ck_assert_str_eq(p->id, "ED-20240501-0000000000000003");
    edra_history_run_free(p);
    /* nothing in common */
    cur.data_sha256 = "dX";
    ck_assert_int_eq(edra_history_previous(&p, h, &cur, &err), 0);
    ck_assert_ptr_null(p);
    /* a run is not its own previous run */
    cur.id = "ED-20240501-0000000000000003";
    cur.data_sha256 = "d3";
    ck_assert_int_eq(edra_history_previous(&p, h, &cur, &err), 0);
    ck_assert_ptr_null(p);
    release(&cur);
    edra_history_close(h);
}
END_TEST

/* ---- clock and id ---- */

START_TEST(test_history_output_time__source_date_epoch)
{
    edra_error err = {0};
    char iso[EDRA_HISTORY_TIME_MAX], id[EDRA_HISTORY_ID_MAX];
    /* 1714564800 = 19844 days * 86400 + 43200: 2024-05-01 12:00:00 UTC */
    setenv("SOURCE_DATE_EPOCH", "1714564800", 1);
    ck_assert_int_eq(edra_history_output_time(iso, &err), 0);
    ck_assert_str_eq(iso, "2024-05-01T12:00:00Z");
    ck_assert_int_eq(edra_history_make_id(id, iso, &err), 0);
    ck_assert_uint_eq(strlen(id), 28); /* "ED-" 8 digits "-" 16 hex */
    ck_assert_int_eq(strncmp(id, "ED-20240501-", 12), 0);
    ck_assert_uint_eq(strspn(id + 12, "0123456789abcdef"), 16);
    char other[EDRA_HISTORY_ID_MAX];
    ck_assert_int_eq(edra_history_make_id(other, iso, &err), 0);
    ck_assert_str_ne(id, other);
    setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    ck_assert_int_eq(edra_history_output_time(iso, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "SOURCE_DATE_EPOCH='yesterday' is not a time in seconds");
    setenv("SOURCE_DATE_EPOCH", "253402300800", 1); /* year 10000 */
    ck_assert_int_eq(edra_history_output_time(iso, &err), EDRA_EUSAGE);
    unsetenv("SOURCE_DATE_EPOCH");
    edra_history_wall_time(iso);
    ck_assert_uint_eq(strlen(iso), 24);
    ck_assert_int_eq(iso[19], '.');
    ck_assert_int_eq(iso[23], 'Z');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("history");
    TCase *tc_locate = tcase_create("locate");
    tcase_add_checked_fixture(tc_locate, setup, teardown);
    tcase_add_test(tc_locate, test_history_locate__order);
    suite_add_tcase(s, tc_locate);

    TCase *tc_open = tcase_create("open");
    tcase_add_checked_fixture(tc_open, setup, teardown);
    tcase_add_test(tc_open, test_history_open__creates_schema);
    tcase_add_test(tc_open, test_history_open__read_missing);
    tcase_add_test(tc_open, test_history_open__folder_cannot_be_made);
    tcase_add_test(tc_open, test_history_open__not_a_database);
    tcase_add_test(tc_open, test_history_open__foreign_database);
    tcase_add_test(tc_open, test_history_open__newer_schema);
    tcase_add_test(tc_open, test_history_open__version_zero_with_our_id);
    tcase_add_test(tc_open, test_history_open__tables_missing);
    tcase_add_test(tc_open, test_history_open__damaged);
    suite_add_tcase(s, tc_open);

    TCase *tc_record = tcase_create("record");
    tcase_add_checked_fixture(tc_record, setup, teardown);
    tcase_add_test(tc_record, test_history_record__get_by_id_prefix_last);
    tcase_add_test(tc_record, test_history_get__unknown_ambiguous_short);
    tcase_add_test(tc_record, test_history_list__newest_first_and_limit);
    tcase_add_test(tc_record, test_history_record__failure_leaves_no_row);
    tcase_add_test(tc_record, test_history_previous__spec_or_data);
    suite_add_tcase(s, tc_record);

    TCase *tc_clock = tcase_create("clock");
    tcase_add_checked_fixture(tc_clock, setup, teardown);
    tcase_add_test(tc_clock, test_history_output_time__source_date_epoch);
    suite_add_tcase(s, tc_clock);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
