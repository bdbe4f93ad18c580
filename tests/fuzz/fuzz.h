/* Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c) and the corpus replay driver
 * (tests/fuzz/replay.c): the entry point every target defines, and the oracles every target
 * applies besides the sanitizers' -- a failure has a code in range and a message. */
#ifndef EDRA_FUZZ_H
#define EDRA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../../metrics/error.h"

/* libFuzzer's entry point: one input, 0 always (a violated oracle aborts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless rc is 0 or a defined status, err->code equal to it, with a non-empty message. */
void fuzz_check_status(int rc, const edra_error *err);

/* A private folder made once per process and removed at exit (tmpfs when /dev/shm exists). */
const char *fuzz_tmpdir(void);

/* Writes len bytes at data to dir/name (replacing it); aborts when the file system fails. */
void fuzz_write_file(const char *path, const void *data, size_t len);

/* Aborts with a message naming the oracle that failed. */
void fuzz_fail(const char *what);

#endif
