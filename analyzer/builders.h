/* Generalization hierarchies built from the spec instead of read from a file: character
 * masking (ZIP codes), intervals with bottom/top coding, date levels (ISO 8601 weeks up to
 * centuries) and runs of an ordered list; and the writer of any hierarchy in ARX's layout. */
#ifndef EDRA_BUILDERS_H
#define EDRA_BUILDERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../metrics/hierarchy.h"
#include "spec.h"

/* Builds the hierarchy attr->hierarchy asks for (MASK, INTERVALS, DATE or ORDER) over the
 * column's distinct values, in any order; empty strings are left out (a cell cannot be
 * empty; the loader adds missing markers as leaves). Rows come sorted: masks by strcmp,
 * intervals numerically, dates chronologically, ORDER by the order. Every kind ends in a
 * "*" level, except a mask whose level N already masks every value whole (all values one
 * length <= N, e.g. 5-digit ZIPs with mask 5: top "*****"). Mask level i masks i
 * characters (UTF-8 code points); N is capped at the longest value's length.
 * Labels: mask "021**"; intervals "[20, 25)" (aligned at bottom, else at 0), "<1", ">=30";
 * dates "2024-W07" (ISO week; coarser levels then use the ISO week-year), "2024-03",
 * "2024-Q1", "2024", "2020-2029", "2000-2099"; order "low-mid" (first-last of a run).
 * Returns 0, EDRA_EDATA (a value is not a number / not a date in the attribute's format /
 * not in the order, or no values; messages name the attribute, never the value),
 * EDRA_ENOMEM, or EDRA_EINTERNAL for a kind that has no builder. *out is the caller's. */
int edra_builder_build(edra_hierarchy **out, const edra_spec_attr *attr, const char *const *values,
                       size_t n_values, edra_error *err);

/* As edra_builder_build, for distinct values, and maps them onto the leaves without a
 * lookup: leaf_of (n_values entries, or NULL) receives leaf_of[i] = the leaf code whose
 * label is values[i], UINT32_MAX for an empty value (left out). Neither the builder nor
 * the hierarchy hashes the leaves (edra_hierarchy_find builds its lookup on first use). */
int edra_builder_build_mapped(edra_hierarchy **out, const edra_spec_attr *attr,
                              const char *const *values, size_t n_values, uint32_t *leaf_of,
                              edra_error *err);

/* Writes h in ARX's layout: no header, one row per leaf in leaf-code order, column i = the
 * value at level i, cells separated by delimiter and quoted per RFC 4180 when they hold
 * the delimiter, a quote or a line break; lines end in "\n". Returns 0 or EDRA_EIO. */
int edra_hierarchy_write_csv(const edra_hierarchy *h, FILE *out, char delimiter, edra_error *err);

#endif
