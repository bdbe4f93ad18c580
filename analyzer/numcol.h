/* Value coding for numeric quasi-identifiers generalized into intervals, which are often
 * near-unique decimals (charges: 3.6M distinct values in 10M rows): during the parse a
 * canonical decimal is coded by its mantissa, with no dictionary, and the codes present are
 * numbered densely afterwards through a bitmap with rank counts. Other values (markers,
 * other spellings) go to the column's dictionary as usual, coded from
 * EDRA_NUMCOL_DICT_BASE on. */
#ifndef EDRA_NUMCOL_H
#define EDRA_NUMCOL_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"

#define EDRA_NUMCOL_DICT_BASE (UINT32_C(1) << 28)

typedef struct edra_numcol edra_numcol;

/* Returns 0 or EDRA_ENOMEM. */
int edra_numcol_new(edra_numcol **out);
void edra_numcol_free(edra_numcol *n);

/* The code of value when it is a canonical decimal ("0", "12", "12.50": digits, no sign,
 * no leading zero, exactly the column's decimals, which its first such value fixes) whose
 * mantissa is below EDRA_NUMCOL_DICT_BASE: the mantissa, so formatting it gives back the
 * same bytes. Else -1: the value is for the caller's dictionary. */
int64_t edra_numcol_code(edra_numcol *n, const char *value, size_t len);

/* Records that a tuple carries code (after the parse, for every tuple); dictionary codes
 * are ignored. Returns 0 or EDRA_ENOMEM. */
int edra_numcol_mark(edra_numcol *n, uint32_t code);

/* Numbers the marked mantissas densely in increasing order. Returns 0 or EDRA_ENOMEM. */
int edra_numcol_rank(edra_numcol *n);

/* After edra_numcol_rank: the dense code of a marked code, the rank of a mantissa, or
 * (number of mantissas + dictionary code) for a dictionary value. */
uint32_t edra_numcol_dense(const edra_numcol *n, uint32_t code);

/* A sealed dictionary (*out, the caller's) whose codes are the dense codes: the mantissas
 * formatted in rank order, then dict's values with their first lines. Returns 0 or
 * EDRA_ENOMEM (with err set). */
int edra_numcol_dict(const edra_numcol *n, const edra_dict *dict, edra_dict **out,
                     edra_error *err);

#endif
