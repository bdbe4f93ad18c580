/* CSV records parsed on a thread of their own and handed to the caller in batches, so that
 * the parse of a large file (and whatever per-record work the caller's hook does there) runs
 * on the second core while the caller encodes the rows it has. Records come out in file
 * order with their lines, exactly as edra_csv_next gives them (only the columns the caller
 * asked for are kept), and a parse error comes out where the parse found it: after every
 * record before it. */
#ifndef EDRA_ROWPIPE_H
#define EDRA_ROWPIPE_H

#include <stddef.h>

#include "../metrics/error.h"
#include "csv.h"

#include <stdint.h>

typedef struct edra_rowpipe edra_rowpipe;

/* Work done on the parsing thread for each record, in order, before it is handed over: fills
 * codes[0..n_codes) from its fields (indexed by source column). Returns 0, or a negative
 * EDRA_E* code with its message in err, which ends the records there as a parse error does. */
typedef int (*edra_rowpipe_hook)(void *ctx, char *const *fields, const size_t *lengths,
                                 size_t line, uint32_t *codes, edra_error *err);

/* Starts parsing csv's remaining records (each of n_fields fields) on a new thread, keeping
 * the source columns cols[0..n_cols) and, with a hook, its n_codes codes per record. csv is
 * the pipe's until edra_rowpipe_free. Returns 0, or EDRA_ENOMEM when the pipe or its thread
 * cannot be had: csv is then untouched and the caller reads it itself. */
int edra_rowpipe_start(edra_rowpipe **out, edra_csv *csv, size_t n_fields, const long *cols,
                       size_t n_cols, edra_rowpipe_hook hook, void *ctx, size_t n_codes);

/* The next record: *fields and *lengths indexed by source column (the columns not kept are
 * ""), *codes the hook's (NULL without one), borrowed until the next call; *line the line it
 * started on. Returns 1, 0 at the end, or the parse's (or the hook's) error, its message in
 * err. */
int edra_rowpipe_next(edra_rowpipe *p, char ***fields, size_t **lengths, const uint32_t **codes,
                      size_t *line, edra_error *err);

/* Stops the parse if it still runs, waits for the thread, frees the pipe (not the csv). */
void edra_rowpipe_free(edra_rowpipe *p);

#endif
