/* The figures of one assessment: every privacy model, risk and population estimate for one
 * transformation, each target judged, optionally after suppressing the classes that violate
 * a class-level model (k, prosecutor threshold, l, t) within the suppression limit, as ARX
 * does. edra_figures is the plain struct report/ and analyzer/ read. */
#ifndef EDRA_ASSESSMENT_H
#define EDRA_ASSESSMENT_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "error.h"
#include "indrisk.h"
#include "population.h"
#include "risk.h"
#include "targets.h"

typedef enum {
    EDRA_TARGET_K = 1,
    EDRA_TARGET_PROSECUTOR,
    EDRA_TARGET_AVERAGE,
    EDRA_TARGET_AT_RISK,
    EDRA_TARGET_JOURNALIST,
    EDRA_TARGET_MARKETER,
    EDRA_TARGET_POPULATION,
    EDRA_TARGET_LDIV,
    EDRA_TARGET_TCLOSE,
    EDRA_TARGET_SUPPRESSION,
    EDRA_TARGET_INDIVIDUAL,
    EDRA_TARGET_GLOBAL
} edra_target_kind;

/* One target judged. For k and l the achieved value must be >= target; for the others <=. */
typedef struct {
    edra_target_kind kind;
    char name[128];            /* "k", "average risk", "l (recursive, c=4) on occupation" */
    double target;
    double achieved;           /* NaN when it could not be computed */
    int met;
    uint64_t violating_classes; /* class-level targets: released classes violating it */
    uint64_t violating_records;
} edra_target_result;

/* Sensitive-attribute figures over the released classes. NaN where a model does not apply
 * (no order for ordered distance, no hierarchy for hierarchical). */
typedef struct {
    const char *name;          /* borrowed from the microdata */
    uint32_t distinct_values;  /* in the input */
    double l_distinct;         /* smallest over classes */
    double l_entropy;          /* smallest exp(H) over classes */
    double recursive_c;        /* c used for l_recursive (a target's, else 2) */
    double l_recursive;        /* largest l every class satisfies for recursive (c,l) */
    double t_equal, t_ordered, t_hierarchical; /* largest distance over classes */
} edra_sa_figures;

typedef struct {
    size_t n_qi;
    uint8_t *levels;                 /* [n_qi] the transformation */
    uint64_t records;                /* input records */
    uint64_t suppressed;             /* records suppressed */
    int suppression_applied;         /* violating classes were suppressed */
    int suppression_exceeded;        /* violating records exceed the limit (none suppressed) */
    edra_risk_figures prosecutor;    /* over the released classes */
    edra_risk_figures journalist;
    double marketer;
    int journalist_from_sample;      /* no population table: the sample stands in */
    int has_population;
    edra_population_figures population;
    size_t n_sizes;                  /* class-size histogram of the released classes */
    uint64_t *hist_size;             /* [n_sizes] ascending class sizes */
    uint64_t *hist_classes;          /* [n_sizes] classes of that size */
    size_t n_sa;
    edra_sa_figures *sa;             /* [n_sa] */
    size_t n_results;
    edra_target_result *results;     /* [n_results] */
    int targets_met;                 /* every target met */
    edra_indrisk_figures individual; /* Benedetti-Franconi individual and global risk (the
                                        risk threshold of the targets) over released classes */
} edra_figures;

typedef struct {
    const edra_targets *targets;     /* required */
    int apply_suppression;           /* suppress violating classes within the limit */
    double population;               /* N; 0 = no population given */
    const uint64_t *population_sizes; /* per class of the classes given: size in the
                                         population table, or NULL */
} edra_assess_opts;

#define EDRA_ASSESS_OPTS_INIT { NULL, 0, 0.0, NULL }

/* Computes every figure for the classes of one transformation and judges the targets.
 * Returns 0, EDRA_ENOMEM or EDRA_ERANGE (population smaller than the sample). The figures
 * are the caller's: edra_figures_clear releases them. */
int edra_assess(edra_figures *out, const edra_classes *classes, const edra_assess_opts *opts,
                edra_error *err);

/* Marks in violates[c] the classes that break a class-level target (k, prosecutor
 * threshold, l, t) and returns the records in them through *violating_records.
 * sadists[i] is the distribution of the SA of targets l/t (built by the caller, one per SA,
 * NULL where the SA has no class-level target). */
int edra_assess_violations(uint8_t *violates, uint64_t *violating_records,
                           const edra_classes *classes, const edra_targets *targets,
                           const edra_sadist *const *sadists, edra_error *err);

/* The least class size that meets k and the prosecutor threshold (1/size at most it). */
uint64_t edra_assess_effective_k(const edra_targets *t);

/* The least class size that can meet every class-level target: the effective k, each
 * l-diversity target's l, and for each t-closeness target the least size that can be t-close
 * to the SA's distribution over md (edra_tcloseness_min_size). A smaller class breaks a
 * target whatever its values. Returns at least edra_assess_effective_k(t) and 1. */
uint64_t edra_assess_min_class_size(const edra_targets *t, const edra_microdata *md);

/* As edra_assess_violations, and also, in *monotone_records, the records in classes that
 * break a target every superset of the class would break too (size below min_size, which
 * must not exceed edra_assess_min_class_size, or distinct l): those records never become
 * fewer down the lattice, so the search may tag. sadists may leave classes below min_size
 * empty. */
int edra_assess_violations_split(uint8_t *violates, uint64_t *violating_records,
                                 uint64_t *monotone_records, const edra_classes *classes,
                                 const edra_targets *targets, uint64_t min_size,
                                 const edra_sadist *const *sadists, edra_error *err);

void edra_figures_clear(edra_figures *f);

#endif
