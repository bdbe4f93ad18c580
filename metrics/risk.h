/* Re-identification risk from class sizes (El Emam 2013; ARX's RiskModelSampleSummary):
 * prosecutor (the attacker knows the person is in the data), journalist (the attacker matches
 * against the population: class sizes there replace the sample's), marketer (expected share
 * of records re-identified). Plus the distribution of records over risk buckets. */
#ifndef EDRA_RISK_H
#define EDRA_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "microdata.h"

#define EDRA_RISK_BUCKETS 22

/* Upper edges of the risk buckets, as in ARX's risk-distribution view: bucket i holds
 * records whose re-identification probability p is in (edge[i-1], edge[i]]. */
extern const double edra_risk_bucket_edges[EDRA_RISK_BUCKETS];

typedef struct {
    uint64_t records;          /* records in the classes considered */
    uint64_t classes;
    uint64_t k_min, k_max;     /* smallest and largest class */
    uint64_t sample_uniques;   /* records in classes of size 1 */
    double threshold;          /* the risk threshold the at-risk share uses */
    double highest;            /* 1 / k_min */
    double average;            /* classes / records */
    double lowest;             /* 1 / k_max */
    double records_at_risk;    /* share of records whose class has 1/size > threshold */
    uint64_t bucket_records[EDRA_RISK_BUCKETS];
} edra_risk_figures;

/* Prosecutor figures over the classes with keep[c] != 0 (keep NULL = all). A set with no
 * records gives zeros. */
void edra_risk_prosecutor(edra_risk_figures *out, edra_count_col sizes, size_t n_classes,
                          const uint8_t *keep, double threshold);

/* Journalist figures: as prosecutor, with each class's risk 1/population_sizes[c] (the
 * class's size in the population, >= its sample size). */
void edra_risk_journalist(edra_risk_figures *out, edra_count_col sizes,
                          const uint64_t *population_sizes, size_t n_classes,
                          const uint8_t *keep, double threshold);

/* Marketer risk: expected share of records re-identified, sum over classes of
 * size/population_size divided by records (population_sizes NULL = the sample's sizes,
 * which makes it classes / records). */
double edra_risk_marketer(edra_count_col sizes, const uint64_t *population_sizes,
                          size_t n_classes, const uint8_t *keep);

#endif
