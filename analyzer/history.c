/* The run history in SQLite (https://sqlite.org/wal.html, https://sqlite.org/pragma.html):
 * PRAGMA application_id tells an edra history from any other database, PRAGMA user_version is
 * its schema version and the migrations below bring an older file up to date inside one
 * transaction. Writes are BEGIN IMMEDIATE ... COMMIT under a busy timeout, so a killed run
 * leaves nothing half-written and concurrent runs wait for each other instead of failing.
 * Also the clock, run ids and the file's location; reading runs back is history_query.c. */
#define _POSIX_C_SOURCE 200809L
#include "history.h"
#include "history_internal.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a writer waits for another (ms): far above any single recording. */
#define BUSY_TIMEOUT_MS 30000

/* Migration i brings schema version i to i + 1. Never edit one that has shipped: append. */
static const char *const migrations[EDRA_HISTORY_SCHEMA] = {
    /* 0 -> 1 */
    "CREATE TABLE runs("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " command TEXT NOT NULL,"
    " started TEXT NOT NULL, ended TEXT NOT NULL, created TEXT NOT NULL,"
    " version TEXT NOT NULL, user TEXT NOT NULL,"
    " spec_path TEXT NOT NULL, spec_dir TEXT NOT NULL, spec_name TEXT NOT NULL,"
    " spec_sha256 TEXT NOT NULL, spec_text TEXT NOT NULL,"
    " data_path TEXT NOT NULL, data_sha256 TEXT NOT NULL,"
    " rows INTEGER NOT NULL, columns INTEGER NOT NULL,"
    " out_dir TEXT, signer TEXT, exit_code INTEGER NOT NULL,"
    " targets TEXT NOT NULL, transformation TEXT NOT NULL,"
    " k INTEGER, average_risk REAL, highest_risk REAL, suppressed INTEGER, loss REAL,"
    " targets_met INTEGER NOT NULL, n_artifacts INTEGER NOT NULL,"
    " options TEXT NOT NULL, context TEXT NOT NULL, figures TEXT NOT NULL);"
    "CREATE INDEX runs_spec_file ON runs(spec_dir, spec_name);"
    "CREATE INDEX runs_spec_sha ON runs(spec_sha256);"
    "CREATE INDEX runs_data_sha ON runs(data_sha256);"
    "CREATE TABLE artifacts("
    " run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,"
    " path TEXT NOT NULL, role TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    " PRIMARY KEY(run_seq, path)) WITHOUT ROWID;",
};

/* ---- clock, id, user, location -------------------------------------------------------- */

int edra_history_output_time(char iso[EDRA_HISTORY_TIME_MAX], edra_error *err)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    if (epoch && *epoch) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(epoch, &end, 10);
        /* 253402300799 is 9999-12-31T23:59:59Z: four-digit years keep the format fixed. */
        if (errno || *end || v < 0 || v > 253402300799LL)
            return edra_error_set(err, EDRA_EUSAGE, "SOURCE_DATE_EPOCH='%s' is not a time in seconds",
                                  epoch);
        t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(iso, EDRA_HISTORY_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

void edra_history_wall_time(char iso[EDRA_HISTORY_TIME_MAX])
{
    struct timespec ts;
    struct tm tm;
    char base[24];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(iso, EDRA_HISTORY_TIME_MAX, "%.19s.%03uZ", base, (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

int edra_history_make_id(char id[EDRA_HISTORY_ID_MAX], const char *created, edra_error *err)
{
    unsigned char b[8];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(b, 1, sizeof b, f) != sizeof b) {
        if (f)
            fclose(f);
        return edra_error_set(err, EDRA_EIO, "/dev/urandom: cannot read");
    }
    fclose(f);
    assert(created && strlen(created) >= 10);
    snprintf(id, EDRA_HISTORY_ID_MAX, "ED-%.4s%.2s%.2s-%02x%02x%02x%02x%02x%02x%02x%02x", created,
             created + 5, created + 8, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    return 0;
}

const char *edra_history_user(char *buf, size_t size)
{
    const char *name = getenv("USER");
    if (!name || !*name)
        name = getenv("LOGNAME");
    if (!name || !*name) {
        struct passwd *pw = getpwuid(getuid());
        name = pw ? pw->pw_name : NULL;
    }
    if (name && *name)
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "uid %ld", (long)getuid());
    return buf;
}

int edra_history_beside(char **out, const char *spec_path, edra_error *err)
{
    const char *slash = spec_path ? strrchr(spec_path, '/') : NULL;
    size_t dir_len = slash ? (slash == spec_path ? 1 : (size_t)(slash - spec_path)) : 1;
    size_t size = dir_len + sizeof "/" EDRA_HISTORY_DIR "/" EDRA_HISTORY_FILE;
    if ((*out = malloc(size)))
        snprintf(*out, size, "%.*s/" EDRA_HISTORY_DIR "/" EDRA_HISTORY_FILE, (int)dir_len,
                 slash ? spec_path : ".");
    return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory");
}

int edra_history_locate(char **out, const char *option, const char *spec_path, edra_error *err)
{
    const char *env = getenv("EDRA_HISTORY");
    *out = NULL;
    if (option && *option)
        *out = dup_str(option);
    else if (env && *env)
        *out = dup_str(env);
    else
        return edra_history_beside(out, spec_path, err);
    return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory");
}

/* ---- open, check, migrate ------------------------------------------------------------- */

/* Runs sql (no result rows) and retries while another connection holds the lock beyond the
 * busy handler's patience, as a BEGIN IMMEDIATE racing a checkpoint can. */
static int exec(edra_history *h, const char *sql, edra_error *err)
{
    for (int attempt = 0;; attempt++) {
        int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if ((rc & 0xff) != SQLITE_BUSY || attempt >= 20)
            return db_fail(h, err);
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

/* The single integer a PRAGMA or count query returns. */
static int query_int(edra_history *h, const char *sql, int64_t *out, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = db_fail(h, err);
        sqlite3_finalize(st);
        return rc;
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

typedef struct {
    int64_t app_id, version, tables;
} db_header;

/* One statement, so one snapshot: read apart, the three could straddle another edra's
 * creation of the schema and describe a file that never existed. */
static int read_header(edra_history *h, db_header *hd, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h->db,
                                "SELECT (SELECT application_id FROM pragma_application_id), "
                                "(SELECT user_version FROM pragma_user_version), "
                                "(SELECT count(*) FROM sqlite_master)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = edra_error_set(err, EDRA_EDB, "%s: not an edra history: %s", h->path, sqlite3_errmsg(h->db));
        sqlite3_finalize(st);
        return rc;
    }
    hd->app_id = sqlite3_column_int64(st, 0);
    hd->version = sqlite3_column_int64(st, 1);
    hd->tables = sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    return 0;
}

/* 1: an empty database (new file), 0: an edra history the schema of which this edra reads,
 * or a negative code with the reason. */
static int classify(edra_history *h, const db_header *hd, edra_error *err)
{
    if (hd->app_id == 0 && hd->version == 0 && hd->tables == 0)
        return 1;
    if (hd->app_id != EDRA_HISTORY_APP_ID)
        return edra_error_set(err, EDRA_EDB,
                              "%s: not an edra history: an SQLite database of another application "
                              "(application_id %#llx, %lld tables)",
                              h->path, (unsigned long long)hd->app_id, (long long)hd->tables);
    if (hd->version > EDRA_HISTORY_SCHEMA)
        return edra_error_set(err, EDRA_EDB,
                              "%s: history schema version %lld is newer than this edra reads (%d): "
                              "use a newer edra",
                              h->path, (long long)hd->version, EDRA_HISTORY_SCHEMA);
    if (hd->version < 1)
        return edra_error_set(err, EDRA_EDB, "%s: not an edra history: schema version %lld",
                              h->path, (long long)hd->version);
    return 0;
}

static int migrate(edra_history *h, edra_error *err)
{
    db_header hd;
    char sql[96];
    int rc = exec(h, "BEGIN IMMEDIATE", err);
    if (rc < 0)
        return rc;
    /* Again under the write lock: another edra may have created the schema meanwhile. */
    if ((rc = read_header(h, &hd, err)) < 0 || (rc = classify(h, &hd, err)) < 0)
        goto done;
    for (int64_t v = rc == 1 ? 0 : hd.version; v < EDRA_HISTORY_SCHEMA; v++)
        if ((rc = exec(h, migrations[v], err)) < 0)
            goto done;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             EDRA_HISTORY_APP_ID, EDRA_HISTORY_SCHEMA);
    if ((rc = exec(h, sql, err)) < 0)
        goto done;
    rc = exec(h, "COMMIT", err);
done:
    if (rc < 0)
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Creates the history's folder when it is missing (one level: a mistyped deeper path should
 * fail rather than grow folders). */
static int make_parent(const char *path, edra_error *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    char *dir = dup_str(path);
    if (!dir)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    dir[slash - path] = '\0';
    int rc = 0;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        rc = edra_error_set(err, EDRA_EIO, "%s: cannot create the history's folder: %s", dir,
                            strerror(errno));
    free(dir);
    return rc;
}

static int set_wal(edra_history *h, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    for (int attempt = 0;; attempt++) {
        int rc = sqlite3_prepare_v2(h->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (rc == SQLITE_ROW)
            return 0;
        if ((rc & 0xff) != SQLITE_BUSY || attempt >= 20)
            return db_fail(h, err);
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

int edra_history_open(edra_history **out, const char *path, edra_history_mode mode,
                      edra_error *err)
{
    edra_history *h = NULL;
    db_header hd;
    struct stat st;
    int64_t n;
    int rc = 0, flags = SQLITE_OPEN_READWRITE;

    *out = NULL;
    if (stat(path, &st) < 0) {
        if (mode == EDRA_HISTORY_READ)
            return edra_error_set(err, EDRA_EUSAGE, "%s: no history there (%s)", path, strerror(errno));
        if ((rc = make_parent(path, err)) < 0)
            return rc;
        flags |= SQLITE_OPEN_CREATE;
    } else if (!S_ISREG(st.st_mode)) {
        return edra_error_set(err, EDRA_EDB, "%s: not an edra history: not a regular file", path);
    } else if (mode == EDRA_HISTORY_READ && access(path, W_OK) != 0) {
        flags = SQLITE_OPEN_READONLY;
    }
    if (!(h = calloc(1, sizeof *h)) || !(h->path = dup_str(path))) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
        rc = h->db ? db_fail(h, err) : edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    sqlite3_extended_result_codes(h->db, 1);
    sqlite3_busy_timeout(h->db, BUSY_TIMEOUT_MS);
    /* SQLite opens a write-protected file read-only without a word: a run must learn now,
     * not after its work, that it could not be recorded */
    if (mode == EDRA_HISTORY_WRITE && sqlite3_db_readonly(h->db, "main") == 1) {
        rc = edra_error_set(err, EDRA_EDB, "%s: the history is read-only (pass --no-history to run "
                                           "without recording)", path);
        goto done;
    }
    if ((rc = read_header(h, &hd, err)) < 0 || (rc = classify(h, &hd, err)) < 0)
        goto done;
    int fresh = rc == 1;
    if (fresh && flags == SQLITE_OPEN_READONLY) {
        rc = edra_error_set(err, EDRA_EDB, "%s: an empty, read-only file: no history there", path);
        goto done;
    }
    /* WAL only once the file is known to be ours or empty: a foreign database stays as it was. */
    if (flags != SQLITE_OPEN_READONLY && (rc = set_wal(h, err)) < 0)
        goto done;
    if ((fresh || hd.version < EDRA_HISTORY_SCHEMA) && (rc = migrate(h, err)) < 0)
        goto done;
    if ((rc = exec(h, "PRAGMA foreign_keys = ON", err)) < 0)
        goto done;
    /* The version says "edra history"; the tables must say so too. */
    if ((rc = query_int(h, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                           "name IN ('runs', 'artifacts')", &n, err)) < 0)
        goto done;
    if (n != 2) {
        rc = edra_error_set(err, EDRA_EDB, "%s: not a valid edra history: its tables are missing",
                            path);
        goto done;
    }
    *out = h;
    h = NULL;
    rc = 0;
done:
    edra_history_close(h);
    return rc;
}

void edra_history_close(edra_history *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    free(h->path);
    free(h);
}

const char *edra_history_path(const edra_history *h)
{
    return h->path;
}

int edra_history_count(int64_t *out, edra_history *h, edra_error *err)
{
    return query_int(h, "SELECT count(*) FROM runs", out, err);
}

/* ---- record --------------------------------------------------------------------------- */

/* "k=5; average risk=0.05" from the figures' judged targets. */
static char *targets_summary(const json_t *figures)
{
    const json_t *targets = json_object_get(json_object_get(figures, "figures"), "targets");
    size_t i, len = 0, cap = 64;
    const json_t *t;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    json_array_foreach(targets, i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        const json_t *target = json_object_get(t, "target");
        char item[256];
        int n = snprintf(item, sizeof item, "%s%s=%.6g", len ? "; " : "", name ? name : "?",
                         json_is_number(target) ? json_number_value(target) : NAN);
        if (n < 0)
            continue;
        if (len + (size_t)n + 1 > cap) {
            while (len + (size_t)n + 1 > cap)
                cap *= 2;
            char *grown = realloc(s, cap);
            if (!grown) {
                free(s);
                return NULL;
            }
            s = grown;
        }
        memcpy(s + len, item, (size_t)n + 1);
        len += (size_t)n;
    }
    return s;
}

/* "age=2,zip=3" in the figures' order (the data's). */
static char *transformation_summary(const json_t *figures)
{
    const json_t *levels = json_object_get(json_object_get(figures, "figures"), "transformation");
    const char *name;
    const json_t *l;
    size_t len = 0;
    json_object_foreach((json_t *)levels, name, l) len += strlen(name) + 24;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    size_t at = 0;
    s[0] = '\0';
    json_object_foreach((json_t *)levels, name, l) {
        at += (size_t)snprintf(s + at, len + 1 - at, "%s%s=%lld", at ? "," : "", name,
                               (long long)json_integer_value(json_object_get(l, "level")));
    }
    return s;
}

static int bind_real(sqlite3_stmt *st, int i, const json_t *x)
{
    return json_is_number(x) ? sqlite3_bind_double(st, i, json_number_value(x)) : sqlite3_bind_null(st, i);
}

static int bind_int(sqlite3_stmt *st, int i, const json_t *x)
{
    return json_is_integer(x) ? sqlite3_bind_int64(st, i, json_integer_value(x)) : sqlite3_bind_null(st, i);
}

static char *dump(const json_t *j)
{
    return json_dumps(j ? j : json_object(), JSON_COMPACT | JSON_REAL_PRECISION(17));
}

int edra_history_record(edra_history *h, const edra_history_run *run, edra_error *err)
{
    sqlite3_stmt *st = NULL;
    char *targets = NULL, *transformation = NULL, *options = NULL, *context = NULL, *figures = NULL;
    int rc = 0, in_tx = 0;
    const json_t *fig = json_object_get(run->figures, "figures");
    const json_t *met = json_object_get(run->figures, "targets_met");

    if (!run->id || !run->command || !run->started || !run->ended || !run->created ||
        !run->version || !run->user || !run->spec_path || !run->spec_dir || !run->spec_sha256 ||
        !run->spec_text || !run->data_path || !run->data_sha256 || !json_is_object(fig) ||
        !json_is_boolean(met))
        return edra_error_set(err, EDRA_EINTERNAL, "%s: a run to record lacks a required field", h->path);
    targets = targets_summary(run->figures);
    transformation = transformation_summary(run->figures);
    options = dump(run->options);
    context = dump(run->context);
    figures = dump(run->figures);
    if (!targets || !transformation || !options || !context || !figures) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = exec(h, "BEGIN IMMEDIATE", err)) < 0)
        goto done;
    in_tx = 1;
    const char *insert =
        "INSERT INTO runs(id, command, started, ended, created, version, user, spec_path, spec_dir, "
        "spec_name, spec_sha256, spec_text, data_path, data_sha256, rows, columns, out_dir, signer, "
        "exit_code, targets, transformation, k, average_risk, highest_risk, suppressed, loss, "
        "targets_met, n_artifacts, options, context, figures) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
        "?26, ?27, ?28, ?29, ?30, ?31)";
    if (sqlite3_prepare_v2(h->db, insert, -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(h, err);
        goto done;
    }
    const json_t *pros = json_object_get(fig, "prosecutor");
    bind_text(st, 1, run->id);
    bind_text(st, 2, run->command);
    bind_text(st, 3, run->started);
    bind_text(st, 4, run->ended);
    bind_text(st, 5, run->created);
    bind_text(st, 6, run->version);
    bind_text(st, 7, run->user);
    bind_text(st, 8, run->spec_path);
    bind_text(st, 9, run->spec_dir);
    bind_text(st, 10, base_name(run->spec_path));
    bind_text(st, 11, run->spec_sha256);
    bind_text(st, 12, run->spec_text);
    bind_text(st, 13, run->data_path);
    bind_text(st, 14, run->data_sha256);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)run->rows);
    sqlite3_bind_int64(st, 16, (sqlite3_int64)run->columns);
    bind_text(st, 17, run->out_dir);
    bind_text(st, 18, run->signer);
    sqlite3_bind_int(st, 19, run->exit_code);
    bind_text(st, 20, targets);
    bind_text(st, 21, transformation);
    bind_int(st, 22, json_object_get(fig, "k"));
    bind_real(st, 23, json_object_get(pros, "average"));
    bind_real(st, 24, json_object_get(pros, "highest"));
    bind_int(st, 25, json_object_get(fig, "suppressed"));
    bind_real(st, 26, json_object_get(json_object_get(run->figures, "search"), "loss"));
    sqlite3_bind_int(st, 27, json_is_true(met));
    sqlite3_bind_int64(st, 28, (sqlite3_int64)run->n_artifacts);
    bind_text(st, 29, options);
    bind_text(st, 30, context);
    bind_text(st, 31, figures);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE) {
        rc = step == SQLITE_CONSTRAINT_UNIQUE
                 ? edra_error_set(err, EDRA_EDB, "%s: run id %s is already recorded", h->path, run->id)
                 : db_fail(h, err);
        goto done;
    }
    sqlite3_int64 seq = sqlite3_last_insert_rowid(h->db);
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(h->db, "INSERT INTO artifacts(run_seq, path, role, sha256, size) "
                                  "VALUES(?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(h, err);
        goto done;
    }
    for (size_t i = 0; i < run->n_artifacts; i++) {
        const edra_history_artifact *a = &run->artifacts[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, seq);
        bind_text(st, 2, a->path);
        bind_text(st, 3, a->role ? a->role : "");
        bind_text(st, 4, a->sha256);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)a->size);
        if (!a->path || !a->sha256) {
            rc = edra_error_set(err, EDRA_EINTERNAL, "%s: an artifact lacks its path or hash", h->path);
            goto done;
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_fail(h, err);
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = exec(h, "COMMIT", err);
    in_tx = rc < 0;
done:
    sqlite3_finalize(st);
    if (in_tx)
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    free(targets);
    free(transformation);
    free(options);
    free(context);
    free(figures);
    return rc;
}
