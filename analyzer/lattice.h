/* The search for the transformation of least information loss that meets the targets, over
 * the generalization lattice (one node per combination of levels, one level per QI). Exact
 * search with predictive tagging (Flash, Kohlmayer et al. 2012; OLA, El Emam et al. 2009)
 * and a loss lower bound; a best-effort greedy search for lattices too large or out of time. */
#ifndef EDRA_LATTICE_H
#define EDRA_LATTICE_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/classes.h"
#include "../metrics/error.h"
#include "../metrics/loss.h"
#include "../metrics/microdata.h"
#include "../metrics/targets.h"

/* What the progress callback is told (about every progress_interval seconds). */
typedef struct {
    uint64_t nodes_checked;
    double lattice_nodes;
    double best_loss;          /* NaN while no node meets the targets */
    double elapsed;            /* seconds since the search started */
} edra_search_progress;

typedef struct {
    edra_loss_metric metric;
    double time_limit;         /* seconds; 0 = none. Running out gives the best found so far */
    int threads;               /* nodes checked in parallel (>= 1) */
    double population;         /* N for population-uniqueness targets; 0 = none */
    double exhaustive_limit;   /* larger lattices get the best-effort search */
    void (*progress)(const edra_search_progress *p, void *user); /* NULL = none */
    void *progress_user;
    double progress_interval;  /* seconds between progress calls */
} edra_search_opts;

#define EDRA_SEARCH_OPTS_INIT { EDRA_LOSS_ARX, 0.0, 1, 0.0, 1e6, NULL, NULL, 0.1 }

/* One node whose classes were computed ("checked"). */
typedef struct {
    const uint8_t *levels;     /* [n_qi], borrowed from the result */
    int meets;                 /* 1 meets every target, 0 not; -1 meets the class-level
                                  targets, the others were not evaluated: it could not win */
    double loss;               /* under the metric, as released: violating classes
                                  suppressed when within the limit, else nothing */
    double bound;              /* the loss lower bound the search ordered nodes by */
    uint64_t violating;        /* records in classes violating k, the prosecutor threshold,
                                  l or t */
    int violating_at_least;    /* 1: violating counts only the classes below the least
                                  viable size (they alone passed the suppression limit, so
                                  the check stopped there): a lower bound */
    uint64_t suppressed;       /* records suppressed (violating when within the limit) */
} edra_search_node;

typedef struct {
    size_t n_qi;
    double lattice_nodes;
    int found;                 /* a node meets the targets */
    uint8_t *levels;           /* [n_qi] the best node when found, else the closest: of
                                  the nodes checked, the fewest violating records, then the
                                  least loss */
    double loss;               /* its loss under the metric */
    double arx_loss;           /* its ARX loss, whatever the metric */
    uint64_t suppressed;       /* records it suppresses */
    uint64_t violating;        /* the closest node's violating records when !found */
    int exhaustive;            /* the optimal algorithm ran (not the best-effort one) */
    int proven_optimal;        /* no other node meeting the targets has less loss */
    int timed_out;
    double coverage;           /* share of the lattice resolved: checked, tagged, or
                                  excluded by the bound */
    uint64_t nodes_checked;
    size_t n_nodes;
    edra_search_node *nodes;   /* every checked node, in the order checked */
    uint8_t *pool;             /* storage of the nodes' levels */
    double seconds;
} edra_search_result;

/* Finds the node of least loss (ties: lower height, then lexicographically smaller levels)
 * among those meeting targets with ARX's suppression semantics. A node "meets" exactly
 * when edra_assess with apply_suppression and opts->population says targets_met. Returns
 * 0 (out->found says whether a node meets), EDRA_ENOMEM, EDRA_ERANGE or EDRA_EINTERNAL.
 * out is the caller's: edra_lattice_result_clear releases it. */
int edra_lattice_search(edra_search_result *out, const edra_microdata *md,
                        const edra_targets *targets, const edra_search_opts *opts,
                        edra_error *err);

void edra_lattice_result_clear(edra_search_result *r);

/* The classes to suppress under ARX's semantics: *out[c] = 1 for each class violating a
 * class-level target when their records (*violating) are within the suppression limit,
 * all zeros otherwise; *suppressed = the records marked. *out is the caller's (free). */
int edra_lattice_suppression(uint8_t **out, uint64_t *violating, uint64_t *suppressed,
                             const edra_classes *classes, const edra_targets *targets,
                             edra_error *err);

#endif
