/* RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes and newlines, CRLF or
 * LF, a UTF-8 byte-order mark, strict UTF-8. Streams records from a file in large blocks;
 * every record must have as many fields as the first (the header). */
#ifndef EDRA_CSV_H
#define EDRA_CSV_H

#include <stddef.h>

#include "../metrics/error.h"

typedef struct edra_csv edra_csv;

/* Opens path. delimiter 0 = detect it from the first line (the most frequent of
 * , ; TAB | outside quotes; ',' when none occurs). Returns 0 or EDRA_EIO / EDRA_ENOMEM. */
int edra_csv_open(edra_csv **out, const char *path, char delimiter, edra_error *err);

/* Reads from a buffer (not copied; must outlive the reader). name is used in messages. */
int edra_csv_open_buffer(edra_csv **out, const char *buf, size_t len, const char *name,
                         char delimiter, edra_error *err);

/* Reads the next record into *fields (n_fields NUL-terminated strings, lengths in
 * *lengths), borrowed until the next call. Returns 1 for a record, 0 at the end, or
 * EDRA_EPARSE ("name:LINE:COL: unterminated quote", invalid UTF-8, a ragged row, a NUL
 * byte) / EDRA_EIO. */
int edra_csv_next(edra_csv *csv, char ***fields, size_t **lengths, size_t *n_fields,
                  edra_error *err);

/* 1-based line on which the last record returned started. */
size_t edra_csv_line(const edra_csv *csv);

/* The delimiter in use (given or detected). */
char edra_csv_delimiter(const edra_csv *csv);

/* Bytes consumed so far (for progress and throughput figures). */
size_t edra_csv_offset(const edra_csv *csv);

void edra_csv_free(edra_csv *csv);

#endif
