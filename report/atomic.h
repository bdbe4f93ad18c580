/* Crash-safe file replacement: write a temporary file in the target's folder, fsync it,
 * rename(2) it over the target and fsync the folder, so a reader sees either the old file
 * or the complete new one, never a torn write (the POSIX rename guarantee). */
#ifndef EDRA_ATOMIC_H
#define EDRA_ATOMIC_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../metrics/error.h"

/* A file being written under a temporary name until edra_atomic_commit. */
typedef struct edra_atomic edra_atomic;

/* Replaces path with the len bytes at buf, permissions exactly mode (umask does not apply).
 * Uses write(2), no stdio buffer, so callers may pass key material and cleanse their own copy.
 * Returns 0 or EDRA_EIO ("path: reason"), EDRA_ENOMEM; on failure no temporary file remains. */
int edra_atomic_write(const char *path, const void *buf, size_t len, mode_t mode, edra_error *err);

/* Starts a streamed replacement of path with permissions mode: *out is the caller's and must
 * end in edra_atomic_commit or edra_atomic_abort. Returns 0, EDRA_EIO or EDRA_ENOMEM. */
int edra_atomic_open(edra_atomic **out, const char *path, mode_t mode, edra_error *err);

/* The stream to write to; borrowed, valid until commit or abort. */
FILE *edra_atomic_file(edra_atomic *f);

/* Flushes, fsyncs and closes the stream, then renames it over the target. A write error at
 * any point (a full disk included) gives EDRA_EIO and removes the temporary file. Frees f. */
int edra_atomic_commit(edra_atomic *f, edra_error *err);

/* Closes and removes the temporary file, leaving the target untouched. Frees f; NULL is fine. */
void edra_atomic_abort(edra_atomic *f);

#endif
