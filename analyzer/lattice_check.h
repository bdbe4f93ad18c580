/* The lattice search's state and its node checks (analyzer/lattice_check.c), shared by the
 * search strategies in analyzer/lattice.c: computing a node's classes (rolled up from a
 * cached finer node), its violations and loss, on worker threads, and judging the result.
 * Internal to the two files; the public interface is lattice.h. */
#ifndef EDRA_LATTICE_CHECK_H
#define EDRA_LATTICE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/classes.h"
#include "../metrics/loss.h"
#include "../metrics/targets.h"
#include "lattice.h"

#define CACHE_MAX 256
#define MAX_THREADS 256

typedef struct {
    edra_classes *classes;
    uint64_t used;
} cache_entry;

/* The outcome of computing one node's classes. */
typedef struct {
    uint64_t violating;
    uint64_t violating_monotone; /* of those, the records of M (see above) */
    int pass;                 /* violating records within the suppression limit */
    int violating_bound;      /* violating counts only the records of classes below the
                                 least viable size, already past the limit: a lower bound */
    double loss;
    uint64_t suppressed;
    edra_classes *classes;    /* the job's until finish_job hands them to the cache */
} check_out;

/* What one thread needs to check a node: violation flags and SA distributions. */
typedef struct {
    uint8_t *violates;
    size_t violates_cap;
    edra_sadist *sadists;
    const edra_sadist **sadist_ptr;
} scratch;

struct search;

/* One node to check and its outcome. */
typedef struct {
    const struct search *s;
    uint64_t node;            /* index (exhaustive search) */
    uint8_t *levels;          /* [n_qi] */
    double bound;
    const edra_classes *source; /* cached classes to roll up from, or NULL */
    int threads;              /* threads the job may use: the batch's share */
    check_out out;
    int meets;                /* set by finish_job */
    int rc;
    edra_error err;
} job;

typedef struct search {
    const edra_microdata *md;
    const edra_targets *targets;
    const edra_search_opts *opts;
    edra_error *err;
    size_t n_qi;
    uint8_t *tops;            /* [n_qi] top level */
    edra_loss *loss;
    int bound_exact, has_global, need_sadist;
    int early_fail;           /* a check may stop at a lower bound of its violations (the
                                 exhaustive search's tags need no more) */
    double limit;             /* suppression limit in records */
    uint64_t min_size;        /* edra_assess_min_class_size: smaller classes always break */

    double lattice_nodes;
    /* exhaustive mode: one entry per node, node index = sum levels[d] * stride[d] */
    uint64_t n_nodes;
    uint64_t *stride;
    uint8_t *tag;
    double *bound;
    uint32_t *order;
    uint32_t *stack;

    cache_entry cache[CACHE_MAX];
    size_t cache_cap;
    uint64_t clock;

    int n_threads;
    struct pool *pool;        /* worker threads, NULL with one thread */
    scratch *scratch;         /* [n_threads] */
    job *jobs;                /* [n_threads] */
    uint8_t *job_levels;      /* [n_threads][n_qi] */

    int found;
    uint8_t *best_levels;
    double best_loss;
    uint64_t best_suppressed;
    int have_closest;
    int closest_exact;        /* its violating records counted in full */
    uint8_t *closest_levels;
    uint64_t closest_violating;
    double closest_loss;

    edra_search_node *nodes;  /* levels hold offsets into level_pool until the end */
    size_t n_rec, cap_rec;
    uint8_t *level_pool;
    uint64_t checked;

    double start, last_progress;
    int timed_out;
} search;

/* Monotonic clock, seconds. */
double edra_lattice_now_seconds(void);

/* Sum of the levels. */
unsigned edra_lattice_height_of(const uint8_t *levels, size_t n_qi);

/* The search's total order: loss, then height, then levels lexicographically. */
int edra_lattice_better(double loss_a, const uint8_t *a, double loss_b, const uint8_t *b,
                        size_t n_qi);

/* Whether the time limit has passed (sticky once it has). */
int edra_lattice_out_of_time(search *s);

/* Calls the progress callback, at most once per interval unless force. */
void edra_lattice_report_progress(search *s, int force);

/* Whether t has a target judged on the whole release rather than class by class. */
int edra_lattice_has_global_targets(const edra_targets *t);

/* Sensitive-value distributions of the SAs named by l or t targets (classes below min_size
 * left empty), into sadists / ptr; edra_lattice_clear_sadists releases them. */
int edra_lattice_build_sadists(edra_sadist *sadists, const edra_sadist **ptr,
                               const edra_classes *c, const edra_targets *t, uint64_t min_size,
                               edra_error *err);
void edra_lattice_clear_sadists(edra_sadist *sadists, const edra_sadist **ptr, size_t n_sa);

/* Worker threads for n_threads - 1 extra checks at once, each with its scratch[i + 1]. */
int edra_lattice_pool_start(struct pool **out, int n_threads, scratch *scratch);
void edra_lattice_pool_stop(struct pool *p);

/* Computes jobs[0..n) in parallel (classes, violations, loss); on error frees their classes
 * and returns the first job's error. */
int edra_lattice_run_jobs(search *s, job *jobs, size_t n);

/* Judges a computed job, records it, updates the best and the closest node, and hands its
 * classes to the cache; j->meets receives the verdict. */
int edra_lattice_finish_job(search *s, job *j);

/* Frees the classes of jobs[from..n) (not finished, after an error). */
void edra_lattice_drop_jobs(job *jobs, size_t from, size_t n);

/* Takes a node into account for the best (when meets == 1) and for the closest node;
 * exact = 0: violating is a lower bound (check_out.violating_bound). */
void edra_lattice_consider(search *s, const uint8_t *levels, double loss, uint64_t suppressed,
                           uint64_t violating, int exact, int meets);

#endif
