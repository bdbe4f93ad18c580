/* The run history: an embedded SQLite database (default SPECDIR/.edra/history.sqlite) holding
 * one row per assess / anonymize / run with its spec text, input hash, headline figures (and
 * the whole figures document as JSON), verdict, exit code and artifacts. Aggregates only, never
 * a record value. WAL mode, schema versioned by PRAGMA user_version and migrated on open,
 * every write one transaction, a busy timeout so concurrent runs all land. */
#ifndef EDRA_HISTORY_H
#define EDRA_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../metrics/error.h"

/* PRAGMA application_id of an edra history: "edra" in ASCII. */
#define EDRA_HISTORY_APP_ID 0x65647261
/* The schema this edra writes (PRAGMA user_version). */
#define EDRA_HISTORY_SCHEMA 1
/* The default file, beside the spec. */
#define EDRA_HISTORY_DIR ".edra"
#define EDRA_HISTORY_FILE "history.sqlite"
/* Sizes of the strings below, with the NUL. */
#define EDRA_HISTORY_ID_MAX 40   /* "ED-20240501-0123456789abcdef" */
#define EDRA_HISTORY_TIME_MAX 32 /* "2024-05-01T12:00:00.123Z" */

typedef struct edra_history edra_history;

typedef enum {
    EDRA_HISTORY_READ,  /* the file must exist */
    EDRA_HISTORY_WRITE  /* created with its folder when missing */
} edra_history_mode;

/* One file of a run's output folder. */
typedef struct {
    const char *path;        /* relative to the output folder */
    const char *role;        /* "report", "data", ... */
    const char *sha256;      /* hex */
    uint64_t size;
} edra_history_artifact;

/* One recorded run. Given to edra_history_record the strings and JSON are borrowed (the
 * summary columns k ... verdict are derived from figures there, not read from the struct);
 * returned by edra_history_get / edra_history_list everything is owned by the struct. */
typedef struct {
    int64_t seq;               /* order of recording, 1, 2, ... (set by the history) */
    const char *id;            /* "ED-YYYYMMDD-<16 hex>" */
    const char *command;       /* "assess", "anonymize", "run" */
    const char *started, *ended; /* wall clock, "YYYY-MM-DDThh:mm:ss.mmmZ" */
    const char *created;       /* the outputs' date (SOURCE_DATE_EPOCH), "YYYY-MM-DDThh:mm:ssZ" */
    const char *version;       /* edra's */
    const char *user;
    const char *spec_path;     /* as given on the command line */
    const char *spec_dir;      /* its folder, absolute: relative paths in the spec resolve here */
    const char *spec_sha256;
    const char *spec_text;     /* NUL-terminated; NULL in list results */
    const char *data_path;
    const char *data_sha256;
    uint64_t rows;             /* rows of the source */
    uint64_t columns;
    const char *out_dir;       /* the report folder of a `run`, else NULL */
    const char *signer;        /* signer fingerprint, NULL = unsigned / no report */
    int exit_code;
    json_t *options;           /* what the command line changed: {"levels": ..., "suppress": ...} */
    json_t *context;           /* report/json.h's context, timing removed; NULL in list results */
    json_t *figures;           /* {"figures": ..., "before": ..., "search": ..., "targets_met": ...};
                                  NULL in list results */
    size_t n_artifacts;
    edra_history_artifact *artifacts; /* [n_artifacts]; not loaded in list results */

    /* summary columns (derived at recording; read back by get and list) */
    const char *targets;       /* "k=5; average risk=0.05" */
    const char *transformation; /* "age=2,zip=3" */
    int64_t k;                 /* -1 when not recorded */
    double average_risk, highest_risk; /* NaN when not recorded */
    int64_t suppressed;
    double loss;               /* NaN for an assessment */
    int targets_met;
} edra_history_run;

/* The history file for a command on the spec at spec_path: option (--history) when given,
 * else $EDRA_HISTORY when set and not empty, else <spec's folder>/.edra/history.sqlite (the
 * folder is the part of spec_path before its last '/', "." when there is none; spec_path NULL
 * means "." as well). *out is the caller's (free()). Returns 0 or EDRA_ENOMEM. */
int edra_history_locate(char **out, const char *option, const char *spec_path, edra_error *err);

/* <spec's folder>/.edra/history.sqlite alone, as edra_history_locate builds it. */
int edra_history_beside(char **out, const char *spec_path, edra_error *err);

/* Opens the history at path. WRITE creates the file (and its folder, one level) when missing.
 * A new or empty file gets the schema; an older schema is migrated; a file that is not an
 * SQLite database, an SQLite database of another application, or a newer schema is refused.
 * Returns 0, EDRA_EUSAGE (READ and no file), EDRA_EIO (the folder cannot be created) or
 * EDRA_EDB with "path: reason". */
int edra_history_open(edra_history **out, const char *path, edra_history_mode mode,
                      edra_error *err);

void edra_history_close(edra_history *h);

/* The path the history was opened with (borrowed). */
const char *edra_history_path(const edra_history *h);

/* Number of runs recorded. */
int edra_history_count(int64_t *out, edra_history *h, edra_error *err);

/* Records run (id, command, times, spec, data, options, figures required) with its artifacts in
 * one transaction, so a run killed on the way leaves no row at all. run->figures must hold
 * "figures" (report/json.h's edra_json_figures) and "targets_met". Returns 0, EDRA_EINTERNAL (a
 * required field missing), EDRA_ENOMEM or EDRA_EDB (also: the id is taken). */
int edra_history_record(edra_history *h, const edra_history_run *run, edra_error *err);

/* The outputs' date: SOURCE_DATE_EPOCH (seconds, reproducible builds' convention) when set,
 * else now; "YYYY-MM-DDThh:mm:ssZ". Returns 0 or EDRA_EUSAGE (not a time). */
int edra_history_output_time(char iso[EDRA_HISTORY_TIME_MAX], edra_error *err);

/* The wall clock with milliseconds, "YYYY-MM-DDThh:mm:ss.mmmZ" (never SOURCE_DATE_EPOCH:
 * the history says when runs really happened). */
void edra_history_wall_time(char iso[EDRA_HISTORY_TIME_MAX]);

/* A new run id "ED-YYYYMMDD-<64 random bits in hex>" dated from created. Returns 0 or EDRA_EIO. */
int edra_history_make_id(char id[EDRA_HISTORY_ID_MAX], const char *created, edra_error *err);

/* The user running edra: $USER, $LOGNAME, the password entry's name, or "uid N". Returns buf. */
const char *edra_history_user(char *buf, size_t size);

/* Reading runs back (edra_history_get, _list, _previous, _run_free), kept reachable
 * from here so that one header serves every user of the history. */
#include "history_query.h"

#endif
