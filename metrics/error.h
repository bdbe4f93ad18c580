/* Status codes and the error context that carries a message down the pipeline.
 * Every function that can fail returns 0 or one of these negative codes and, when
 * it has an error context, puts a one-line message in it (SQLite/libgit2 style). */
#ifndef EDRA_ERROR_H
#define EDRA_ERROR_H

#include <stddef.h>

typedef enum {
    EDRA_OK = 0,          /* success */
    EDRA_ENOMEM = -1,     /* an allocation failed */
    EDRA_EIO = -2,        /* a file could not be opened, read or written */
    EDRA_EPARSE = -3,     /* malformed input text: CSV, YAML, hierarchy, JSON */
    EDRA_ESPEC = -4,      /* the spec is well-formed but names or sets something invalid */
    EDRA_EDATA = -5,      /* the data disagree with the spec or a hierarchy */
    EDRA_EUSAGE = -6,     /* bad command-line usage */
    EDRA_ENUMERIC = -7,   /* a numerical method did not converge or is undefined */
    EDRA_EDB = -8,        /* an SQLite call failed */
    EDRA_ECRYPTO = -9,    /* a key or signature operation failed */
    EDRA_EVERIFY = -10,   /* a signature or hash did not verify */
    EDRA_EINTERNAL = -11, /* a bug or an unexpected library failure */
    EDRA_ERANGE = -12     /* a number outside its allowed range */
} edra_status;

#define EDRA_STATUS_MIN EDRA_ERANGE

/* Error context: the code and a one-line message. Zero-initialise before use. */
typedef struct {
    int code;
    char msg[1024];
} edra_error;

/* Stores code and a printf-formatted message in err (err may be NULL); returns code so
 * callers can write `return edra_error_set(err, EDRA_EPARSE, "...")`. */
int edra_error_set(edra_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefixes the message already in err with a printf-formatted context, e.g. a file name. */
void edra_error_prefix(edra_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A static, human-readable name for a status code ("out of memory", ...). */
const char *edra_strerror(int code);

/* Clears err to EDRA_OK with an empty message. */
void edra_error_clear(edra_error *err);

#endif
