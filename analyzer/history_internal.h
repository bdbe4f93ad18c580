/* Private to the run history's writer (history.c) and reader (history_query.c): the
 * connection behind the opaque edra_history and the few small helpers both sides use, kept
 * here as static inline functions so that neither file copies them. Not for other modules. */
#ifndef EDRA_HISTORY_INTERNAL_H
#define EDRA_HISTORY_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

struct edra_history {
    sqlite3 *db;
    char *path;
};

/* "path: SQLite's message" in err; returns EDRA_EDB. */
static inline int db_fail(const edra_history *h, edra_error *err)
{
    return edra_error_set(err, EDRA_EDB, "%s: %s", h->path, sqlite3_errmsg(h->db));
}

/* A malloc'd copy of s (the caller's); NULL for NULL or when out of memory. */
static inline char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* The part of path after its last '/'. */
static inline const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Binds s, or NULL when s is NULL, at parameter i; SQLITE_STATIC: s must outlive the step. */
static inline int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

#endif
