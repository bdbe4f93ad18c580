/* String dictionary for column encoding: interns each distinct value once and hands out
 * dense codes in order of first appearance, remembering the data line where each value
 * first appeared (for error messages that point at a line without quoting the value). */
#ifndef EDRA_DICT_H
#define EDRA_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/error.h"

typedef struct edra_dict edra_dict;

int edra_dict_new(edra_dict **out, edra_error *err);
void edra_dict_free(edra_dict *d);

/* Code of value (len bytes), interning it with first_line when new. Returns the code
 * (>= 0) or EDRA_ENOMEM. */
int64_t edra_dict_intern(edra_dict *d, const char *value, size_t len, size_t first_line);

/* Code of value, or -1 when absent. */
int64_t edra_dict_find(const edra_dict *d, const char *value, size_t len);

/* Starts fetching the slot value would be looked up in, so that interning the fields of a
 * row overlaps their cache misses. A hint: no effect on the contents. */
void edra_dict_prefetch(const edra_dict *d, const char *value, size_t len);

/* Frees the lookup table once every value is in: afterwards only size, value, first_line
 * and values may be called. */
void edra_dict_seal(edra_dict *d);

/* Appends value (len bytes) to a sealed dictionary as its next code, without a lookup:
 * the caller vouches that it is new (edra_numcol builds its dense dictionaries so).
 * Returns 0, EDRA_ENOMEM or EDRA_ERANGE. */
int edra_dict_append_sealed(edra_dict *d, const char *value, size_t len, size_t first_line);

/* Number of distinct values. */
size_t edra_dict_size(const edra_dict *d);

/* The value of code (borrowed, NUL-terminated) and the line it first appeared on. */
const char *edra_dict_value(const edra_dict *d, uint32_t code);
size_t edra_dict_first_line(const edra_dict *d, uint32_t code);

/* The values as an array of borrowed strings (length size), valid until the next intern
 * (the strings themselves never move). */
const char *const *edra_dict_values(edra_dict *d);

#endif
