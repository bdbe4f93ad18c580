/* Error context and the table of status names (kept in sync by tests/check_error.c). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
    "success",
    "out of memory",
    "input/output error",
    "parse error",
    "invalid spec",
    "data error",
    "usage error",
    "numerical failure",
    "database error",
    "cryptographic failure",
    "verification failed",
    "internal error",
    "value out of range",
};

int edra_error_set(edra_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void edra_error_prefix(edra_error *err, const char *fmt, ...)
{
    char prefix[512];
    char old[sizeof err->msg];
    va_list ap;
    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Truncation is deliberate: the message must stay one bounded line. */
    size_t plen = strlen(prefix), olen = strlen(old);
    if (plen > sizeof err->msg - 1)
        plen = sizeof err->msg - 1;
    if (olen > sizeof err->msg - 1 - plen)
        olen = sizeof err->msg - 1 - plen;
    memcpy(err->msg, prefix, plen);
    memcpy(err->msg + plen, old, olen);
    err->msg[plen + olen] = '\0';
}

const char *edra_strerror(int code)
{
    if (code > 0 || code < EDRA_STATUS_MIN)
        return "unknown error";
    return status_names[-code];
}

void edra_error_clear(edra_error *err)
{
    if (err) {
        err->code = EDRA_OK;
        err->msg[0] = '\0';
    }
}
