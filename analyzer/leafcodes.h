/* Leaf codes of a loaded column: the hierarchy of each attribute over its column's distinct
 * values, the map from the column's dictionary codes onto that hierarchy's leaves, and the
 * order of a sensitive attribute's values (ordered t-closeness, Li et al. 2007). */
#ifndef EDRA_LEAFCODES_H
#define EDRA_LEAFCODES_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/hierarchy.h"
#include "dict.h"
#include "spec.h"

/* Whether value (len bytes) is one of the spec's missing-value markers. */
int edra_leafcodes_is_missing(const edra_spec *spec, const char *value, size_t len);

/* Builds the hierarchy attribute a asks for over dict's values into *out (the caller's):
 * its file, its builder (which also gives each dictionary code's leaf in *leaf_of, the
 * caller's, UINT32_MAX for a missing-value marker; else NULL), or, without one, a flat
 * hierarchy when required and none (*out NULL) otherwise. Returns 0 or a negative code. */
int edra_leafcodes_hierarchy(edra_hierarchy **out, uint32_t **leaf_of, const edra_spec *spec,
                             const edra_spec_attr *a, edra_dict *dict, int required,
                             edra_error *err);

/* Maps dict's codes onto h's leaves into *remap_out (the caller's), taking leaf_of over
 * (NULL: found by value); a missing-value marker absent from h becomes a leaf of its own,
 * any other absent value is EDRA_EDATA, "source_name:LINE: ...". */
int edra_leafcodes_remap(uint32_t **remap_out, const edra_spec *spec, const char *source_name,
                         edra_hierarchy *h, edra_dict *dict, const edra_spec_attr *a,
                         uint32_t *leaf_of, edra_error *err);

/* The rank of each of an SA's domain codes in its order into *rank_out (the caller's):
 * numeric for numbers, chronological for ISO dates, the spec's order for ordinals, the
 * hierarchy's row order with one (codes are leaf codes then); NULL for plain strings.
 * Returns 0, EDRA_ENOMEM, or EDRA_EDATA for a non-number or a value not in the order. */
int edra_leafcodes_sa_rank(uint32_t **rank_out, const edra_spec *spec, const char *source_name,
                           const edra_spec_attr *a, edra_dict *dict,
                           const edra_hierarchy *hier, uint32_t domain, edra_error *err);

#endif
