/* What the spec asks of a release: the privacy models and risk thresholds a transformation
 * must meet, and the share of records that may be suppressed to meet them. Plain struct;
 * a threshold below zero (EDRA_UNSET) is not a target. */
#ifndef EDRA_TARGETS_H
#define EDRA_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "ldiversity.h"
#include "tcloseness.h"

#define EDRA_UNSET (-1.0)
#define EDRA_MAX_SA_TARGETS 16

typedef struct {
    size_t sa;              /* index among the microdata's sensitive attributes */
    edra_ldiv_model model;
    double l;
    double c;               /* recursive (c,l) only */
} edra_ldiv_target;

typedef struct {
    size_t sa;
    edra_tclose_model model;
    double t;
} edra_tclose_target;

typedef struct {
    uint64_t k;                    /* smallest class size; 0 = none */
    double risk_threshold;         /* a record is at risk when 1/class size exceeds this */
    double prosecutor_risk;        /* highest prosecutor risk allowed */
    double average_risk;           /* average prosecutor risk allowed */
    double records_at_risk;        /* share of records at risk allowed */
    double journalist_risk;        /* highest journalist risk allowed */
    double marketer_risk;          /* marketer risk allowed */
    double population_uniqueness;  /* Dankar-rule fraction of population uniques allowed */
    double suppression;            /* largest share of records that may be suppressed (0..1) */
    size_t n_ldiv;
    edra_ldiv_target ldiv[EDRA_MAX_SA_TARGETS];
    size_t n_tclose;
    edra_tclose_target tclose[EDRA_MAX_SA_TARGETS];
    double individual_risk;        /* share of records whose Benedetti-Franconi individual
                                      risk exceeds risk_threshold allowed */
    double global_risk;            /* expected re-identifications / records allowed */
} edra_targets;

#define EDRA_TARGETS_INIT                                                                   \
    { 0, 0.2, EDRA_UNSET, EDRA_UNSET, EDRA_UNSET, EDRA_UNSET, EDRA_UNSET, EDRA_UNSET, 0.0, \
      0, {{0, 0, 0, 0}}, 0, {{0, 0, 0}}, EDRA_UNSET, EDRA_UNSET }

#endif
