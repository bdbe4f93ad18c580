/* The released dataset: the source streamed again, identifier columns dropped, each QI
 * replaced by its label at the chosen level, the QIs of suppressed records replaced by "*",
 * every other column as it was. Written to a temporary file, mode 0600, then renamed. */
#ifndef EDRA_RELEASE_H
#define EDRA_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/classes.h"
#include "../metrics/error.h"
#include "spec.h"

typedef struct {
    uint64_t rows;             /* data rows written (the header excluded) */
    uint64_t suppressed_rows;  /* rows whose QIs were written as "*" */
    size_t columns;            /* columns written */
    int sqlite;                /* written as a SQLite database (table "released") */
} edra_release_stats;

/* Whether path names a SQLite output (.sqlite, .sqlite3 or .db), else CSV. */
int edra_release_is_sqlite(const char *path);

/* Writes the release of spec's source to out_path for classes (computed on the spec's
 * data at their levels), suppressing the records of every class c with suppressed[c] != 0
 * (suppressed NULL = none). A CSV output keeps a CSV source's delimiter (',' for SQLite
 * sources); a SQLite output holds one table "released" of TEXT columns. Returns 0 or
 * EDRA_EIO / EDRA_EPARSE / EDRA_EDATA (the source no longer matches the data searched) /
 * EDRA_EDB / EDRA_ENOMEM; on error no file is left at out_path. */
int edra_release_write(const char *out_path, const edra_spec *spec, const edra_classes *classes,
                       const uint8_t *suppressed, edra_release_stats *stats, edra_error *err);

#endif
