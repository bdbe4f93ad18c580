/* t-closeness (Li, Li & Venkatasubramanian 2007): Earth Mover's Distance between a class's
 * sensitive-value distribution and the whole input's (edra_sadist.totals), with equal,
 * ordered or hierarchical ground distance. */
#ifndef EDRA_TCLOSENESS_H
#define EDRA_TCLOSENESS_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "hierarchy.h"

typedef enum {
    EDRA_TCLOSE_EQUAL = 1,
    EDRA_TCLOSE_ORDERED,
    EDRA_TCLOSE_HIERARCHICAL
} edra_tclose_model;

/* Equal ground distance: half the L1 distance between the two distributions. */
double edra_tcloseness_equal(const edra_sadist *d, size_t cls);

/* Ordered distance: sum over the m ordered values of |cumulative difference|, / (m-1).
 * rank[code] is the position of each SA code in the order (0..m-1). */
double edra_tcloseness_ordered(const edra_sadist *d, size_t cls, const uint32_t *rank);

/* Hierarchical distance: EMD over the SA's hierarchy (leaf code == SA code), ground
 * distance = level of the lowest common ancestor / height. */
double edra_tcloseness_hierarchical(const edra_sadist *d, size_t cls, const edra_hierarchy *h);

/* The least class size, up to cap, that can be within t of the distribution totals[0..m)
 * under model (rank: the ordered model's order, NULL = equal; h: the hierarchical model's,
 * NULL = equal): a class of fewer records breaks t-closeness whatever its values. Found by
 * the exact least EMD over a class's integer counts (dynamic programming over sizes 1, 2,
 * ...); a sizeable search stops early with a smaller, still valid, size. */
uint64_t edra_tcloseness_min_size(const uint64_t *totals, uint32_t m, edra_tclose_model model,
                                  double t, const uint32_t *rank, const edra_hierarchy *h,
                                  uint64_t cap);

/* Name for reports: "equal", "ordered", "hierarchical". */
const char *edra_tclose_model_name(edra_tclose_model m);

#endif
