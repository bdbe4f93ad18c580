/* l-diversity of one class's sensitive values (Machanavajjhala et al. 2007): distinct,
 * entropy (exp of the Shannon entropy, natural log) and recursive (c,l). */
#ifndef EDRA_LDIVERSITY_H
#define EDRA_LDIVERSITY_H

#include <stddef.h>

#include "classes.h"

typedef enum {
    EDRA_LDIV_DISTINCT = 1,
    EDRA_LDIV_ENTROPY,
    EDRA_LDIV_RECURSIVE
} edra_ldiv_model;

/* Distinct sensitive values in class cls. */
double edra_ldiversity_distinct(const edra_sadist *d, size_t cls);

/* exp(H), H = -sum p_i ln p_i over the class's value shares: the entropy l of the class. */
double edra_ldiversity_entropy(const edra_sadist *d, size_t cls);

/* The largest integer l for which the class is recursive (c,l)-diverse:
 * r_1 < c * (r_l + ... + r_m), r_i the i-th largest count; 0 when none (l = 1 always holds
 * iff r_1 < c * total, which it does for c > 1). */
double edra_ldiversity_recursive(const edra_sadist *d, size_t cls, double c);

/* Whether class cls satisfies the model at l (c is used by RECURSIVE only). */
int edra_ldiversity_holds(const edra_sadist *d, size_t cls, edra_ldiv_model m, double l,
                          double c);

/* Name for reports: "distinct", "entropy", "recursive". */
const char *edra_ldiv_model_name(edra_ldiv_model m);

#endif
