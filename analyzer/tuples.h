/* The tuple table of the loader: distinct rows of codes, each with its count of records
 * (and sum of sampling weights), held column by column in 1, 2, 4 or 8 bytes a value and
 * widened in place as the codes or counts grow, with an open-addressing index that finds
 * a row's tuple. The columns are handed over, in their final width, as microdata columns. */
#ifndef EDRA_TUPLES_H
#define EDRA_TUPLES_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/microdata.h"

typedef struct edra_tuples edra_tuples;

/* An empty table of tuples of width codes each, with a sum of sampling weights per tuple
 * when weighted is non-zero. Returns 0 or EDRA_ENOMEM. */
int edra_tuples_new(edra_tuples **out, size_t width, int weighted);

void edra_tuples_free(edra_tuples *t);

/* Adds count records carrying codes[width], whose weights sum to weight (ignored unless
 * weighted): merged into the tuple of the same codes, else a new tuple. Each row goes in
 * one call late (its slot is prefetched meanwhile): edra_tuples_flush adds the last one.
 * Returns 0, EDRA_ENOMEM, or EDRA_ERANGE past 2^32 - 2 tuples; no message is set. */
int edra_tuples_add(edra_tuples *t, const uint32_t *codes, uint64_t count, double weight);

/* Adds the row the last edra_tuples_add left pending, if any. Returns as edra_tuples_add. */
int edra_tuples_flush(edra_tuples *t);

/* Distinct tuples added (and flushed). */
size_t edra_tuples_size(const edra_tuples *t);

/* Code col of tuple i, and the bytes (1, 2 or 4) column col now takes a code. */
uint32_t edra_tuples_code(const edra_tuples *t, size_t i, size_t col);
uint8_t edra_tuples_code_width(const edra_tuples *t, size_t col);

/* The records of each tuple, and their sums of weights (NULL unless weighted); borrowed,
 * they live as long as t. */
edra_count_col edra_tuples_counts(const edra_tuples *t);
const double *edra_tuples_weights(const edra_tuples *t);

/* Rewrites column col's codes in place through map(ctx, code), whose codes must take no
 * more bytes than the column's (edra_numcol's dense codes never exceed the codes they
 * replace). */
void edra_tuples_map_column(edra_tuples *t, size_t col, uint32_t (*map)(const void *ctx, uint32_t code),
                            const void *ctx);

/* Ends the adding: frees the index and the spare capacity of the counts and weights, so
 * that what follows has the memory. Only edra_tuples_take_column and the reads may follow. */
void edra_tuples_seal(edra_tuples *t);

/* Hands column col over as a microdata column (*out's data is the caller's to free) of
 * codes 0..n_codes-1: codes mapped in place through remap (NULL = kept), stored in the
 * width n_codes needs, the spare capacity returned. Returns 0 or EDRA_ENOMEM. */
int edra_tuples_take_column(edra_code_col *out, edra_tuples *t, size_t col,
                            const uint32_t *remap, uint64_t n_codes);

#endif
