/* Information loss of a transformation: ARX's default "loss" (normalized, per-QI geometric
 * mean), precision (Sweeney 2002), discernibility (Bayardo & Agrawal 2005), average class
 * size (LeFevre et al. 2006), non-uniform entropy (de Waal & Willenborg 1999) and height.
 * Tables built once per dataset make the no-suppression loss of any node, which is also a
 * lower bound of its loss with suppression, computable without touching the data. */
#ifndef EDRA_LOSS_H
#define EDRA_LOSS_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "error.h"
#include "microdata.h"

/* Same order as the spec's edra_metric. */
typedef enum {
    EDRA_LOSS_ARX = 0,        /* "loss": ARX's normalized loss, 0 (original) .. 1 (all top) */
    EDRA_LOSS_PRECISION,      /* mean over QIs and records of level / top level */
    EDRA_LOSS_DISCERNIBILITY, /* sum of squared class sizes + suppressed x records */
    EDRA_LOSS_AECS,           /* records / classes, the suppressed records one class */
    EDRA_LOSS_ENTROPY,        /* bits: sum of -log2 P(original | generalized) */
    EDRA_LOSS_HEIGHT          /* sum of the levels */
} edra_loss_metric;

#define EDRA_LOSS_METRICS 6

typedef struct edra_loss edra_loss;

/* Builds the per-QI, per-level tables of md (which must outlive the result). Returns 0 or
 * EDRA_ENOMEM. */
int edra_loss_new(edra_loss **out, const edra_microdata *md, edra_error *err);

void edra_loss_free(edra_loss *l);

/* A lower bound of the metric's value for levels under any suppression, non-decreasing
 * upward in the lattice; O(n_qi), no pass over the data. For ARX, precision, entropy and
 * height it is the exact value when nothing is suppressed (edra_loss_bound_exact). */
double edra_loss_bound(const edra_loss *l, edra_loss_metric metric, const uint8_t *levels);

/* Whether edra_loss_bound equals edra_loss_compute when no record is suppressed. */
int edra_loss_bound_exact(edra_loss_metric metric);

/* The metric's value for the classes with the records of every class c with
 * suppressed[c] != 0 suppressed (suppressed NULL = none). per_qi, when not NULL, receives
 * n_qi figures: the QI's share of the metric (ARX: L_d; precision: mean level/top;
 * entropy: bits; height: level) or NaN where the metric is not per QI. The result does
 * not depend on how the classes are numbered (sums are exact or in tuple order). */
double edra_loss_compute(const edra_loss *l, edra_loss_metric metric, const edra_classes *c,
                         const uint8_t *suppressed, double *per_qi);

/* The metric's name as in the spec ("loss", "precision", ...). */
const char *edra_loss_metric_name(edra_loss_metric metric);

#endif
