/* Checking lattice nodes for the search (analyzer/lattice.c): a node's classes are rolled
 * up from the cached checked node below it with the fewest classes (or computed from the
 * tuples), then its violations of the class-level targets under ARX's suppression
 * semantics and its loss; several nodes run at once on a pool of worker threads. */
#define _POSIX_C_SOURCE 200809L
#include "lattice_check.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../metrics/assessment.h"

double edra_lattice_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned edra_lattice_height_of(const uint8_t *levels, size_t n_qi)
{
    unsigned h = 0;
    for (size_t d = 0; d < n_qi; d++)
        h += levels[d];
    return h;
}

/* The search's total order: loss, then height, then levels lexicographically. */
int edra_lattice_better(double loss_a, const uint8_t *a, double loss_b, const uint8_t *b,
                        size_t n_qi)
{
    if (loss_a != loss_b)
        return loss_a < loss_b;
    unsigned ha = edra_lattice_height_of(a, n_qi), hb = edra_lattice_height_of(b, n_qi);
    if (ha != hb)
        return ha < hb;
    return memcmp(a, b, n_qi) < 0;
}

int edra_lattice_out_of_time(search *s)
{
    if (s->timed_out)
        return 1;
    if (s->opts->time_limit > 0 && edra_lattice_now_seconds() - s->start > s->opts->time_limit)
        s->timed_out = 1;
    return s->timed_out;
}

void edra_lattice_report_progress(search *s, int force)
{
    if (!s->opts->progress)
        return;
    double t = edra_lattice_now_seconds();
    if (!force && t - s->last_progress < s->opts->progress_interval)
        return;
    s->last_progress = t;
    edra_search_progress p = {s->checked, s->lattice_nodes, s->found ? s->best_loss : NAN,
                              t - s->start};
    s->opts->progress(&p, s->opts->progress_user);
}

int edra_lattice_has_global_targets(const edra_targets *t)
{
    return t->average_risk >= 0 || t->records_at_risk >= 0 || t->journalist_risk >= 0 ||
           t->marketer_risk >= 0 || t->population_uniqueness >= 0 ||
           t->individual_risk >= 0 || t->global_risk >= 0 ||
           (t->prosecutor_risk >= 0 && !(t->prosecutor_risk > 0));
}

/* Sensitive-value distributions of the SAs named by l or t targets, for the violations. */
int edra_lattice_build_sadists(edra_sadist *sadists, const edra_sadist **ptr,
                               const edra_classes *c, const edra_targets *t, uint64_t min_size,
                               edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(c);
    for (size_t sa = 0; sa < md->n_sa; sa++) {
        int used = 0;
        for (size_t i = 0; i < t->n_ldiv; i++)
            used |= t->ldiv[i].sa == sa;
        for (size_t i = 0; i < t->n_tclose; i++)
            used |= t->tclose[i].sa == sa;
        ptr[sa] = NULL;
        if (!used)
            continue;
        int rc = edra_sadist_build_min(&sadists[sa], c, sa, min_size, err);
        if (rc < 0)
            return rc;
        ptr[sa] = &sadists[sa];
    }
    return 0;
}

void edra_lattice_clear_sadists(edra_sadist *sadists, const edra_sadist **ptr, size_t n_sa)
{
    for (size_t sa = 0; sa < n_sa; sa++)
        if (ptr[sa]) {
            edra_sadist_clear(&sadists[sa]);
            ptr[sa] = NULL;
        }
}

/* ---- checking nodes, alone or several in parallel ---- */

static int below_or_equal(const uint8_t *a, const uint8_t *b, size_t n_qi)
{
    for (size_t d = 0; d < n_qi; d++)
        if (a[d] > b[d])
            return 0;
    return 1;
}

/* The cached classes to roll up from: a checked node below levels with the fewest
 * classes, or NULL (compute from the tuples). */
static const edra_classes *pick_source(const search *s, const uint8_t *levels)
{
    const edra_classes *source = NULL;
    for (size_t i = 0; i < s->cache_cap; i++) {
        const edra_classes *c = s->cache[i].classes;
        if (c && below_or_equal(edra_classes_levels(c), levels, s->n_qi) &&
            (!source || edra_classes_count(c) < edra_classes_count(source)))
            source = c;
    }
    return source;
}

/* Keeps c (the cache's from now on), evicting the least recently used entry. */
static void cache_insert(search *s, edra_classes *c)
{
    size_t victim = 0;
    for (size_t i = 0; i < s->cache_cap; i++) {
        if (!s->cache[i].classes) {
            victim = i;
            break;
        }
        if (s->cache[i].used < s->cache[victim].used)
            victim = i;
    }
    edra_classes_free(s->cache[victim].classes);
    s->cache[victim].classes = c;
    s->cache[victim].used = ++s->clock;
}

/* The records of classes below the least viable size break a target whatever their values
 * and belong to M (lattice.c): when they alone pass the suppression limit the node fails and
 * its check tags its down-set, with no sensitive distribution built (most checks of a
 * near-unique lattice: on 1M generated rows x 8 QIs, 518 of 1,133, the search 19-20 s ->
 * 14-15 s). out then holds that count, a lower bound of the violating records. */
static int fails_by_size(const search *s, const edra_classes *c, const job *j, check_out *out)
{
    edra_count_col sizes = edra_classes_sizes(c);
    size_t n_classes = edra_classes_count(c);
    uint64_t small = 0;
    for (size_t k = 0; k < n_classes; k++)
        if (edra_count_at(sizes, k) < s->min_size)
            small += edra_count_at(sizes, k);
    if ((double)small <= s->limit)
        return 0;
    out->violating = out->violating_monotone = small;
    out->violating_bound = 1;
    out->pass = 0;
    out->suppressed = 0;
    out->loss = s->bound_exact ? j->bound : edra_loss_compute(s->loss, s->opts->metric, c, NULL, NULL);
    return 1;
}

/* Computes one job: classes, violating records, the loss as released. Reads the search
 * and the source only, so jobs run in parallel, each with its own scratch. */
static void run_job(job *j, scratch *w)
{
    const search *s = j->s;
    check_out *out = &j->out;
    edra_classes *c = NULL;
    out->violating_bound = 0;
    uint64_t violating = 0;
    int rc = j->source ? edra_classes_rollup(&c, j->source, j->levels, &j->err)
                       : edra_classes_compute_threads(&c, s->md, j->levels, j->threads, &j->err);
    if (rc < 0)
        goto done;
    size_t n_classes = edra_classes_count(c);
    if (s->early_fail && s->need_sadist && fails_by_size(s, c, j, out))
        goto checked;
    if (n_classes > w->violates_cap) {
        uint8_t *v = realloc(w->violates, n_classes);
        if (!v) {
            rc = edra_error_set(&j->err, EDRA_ENOMEM, "out of memory searching the lattice");
            goto done;
        }
        w->violates = v;
        w->violates_cap = n_classes;
    }
    if (s->need_sadist) {
        /* Classes below k break it whatever their values: the checks never read them. */
        rc = edra_lattice_build_sadists(w->sadists, w->sadist_ptr, c, s->targets, s->min_size,
                                        &j->err);
        if (rc == 0)
            rc = edra_assess_violations_split(w->violates, &violating, &out->violating_monotone,
                                              c, s->targets, s->min_size, w->sadist_ptr, &j->err);
        edra_lattice_clear_sadists(w->sadists, w->sadist_ptr, s->md->n_sa);
    } else {
        rc = edra_assess_violations_split(w->violates, &violating, &out->violating_monotone, c,
                                          s->targets, s->min_size, NULL, &j->err);
    }
    if (rc < 0)
        goto done;
    out->violating = violating;
    out->pass = (double)violating <= s->limit;
    out->suppressed = out->pass ? violating : 0;
    if (out->pass && violating)
        out->loss = edra_loss_compute(s->loss, s->opts->metric, c, w->violates, NULL);
    else if (s->bound_exact)
        out->loss = j->bound;
    else
        out->loss = edra_loss_compute(s->loss, s->opts->metric, c, NULL, NULL);
checked:
    out->classes = c;
    c = NULL;
done:
    edra_classes_free(c);
    j->rc = rc;
}

/* The worker threads, started once per search: each batch wakes them, worker t runs jobs
 * t, t + stride, ... and the caller runs share 0. */
struct pool {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    unsigned long generation;  /* batches started */
    size_t pending;            /* workers not done with the current batch */
    int stop;
    job *jobs;                 /* the current batch */
    size_t n, stride;
    size_t n_workers;          /* threads started: workers 1..n_workers */
    scratch *scratch;          /* [1 + n_workers] */
    pthread_t tid[MAX_THREADS];
    struct worker_arg {
        struct pool *pool;
        size_t index;
    } args[MAX_THREADS];
};

static void run_share(job *jobs, size_t n, size_t first, size_t stride, scratch *w)
{
    for (size_t i = first; i < n; i += stride)
        run_job(&jobs[i], w);
}

static void *worker(void *arg)
{
    struct worker_arg *a = arg;
    struct pool *p = a->pool;
    /* Workers start before the first batch, whose generation is 1: waiting for a change
     * from 0 cannot miss a batch started before this thread ran. */
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->generation == seen && !p->stop)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop)
            break;
        seen = p->generation;
        job *jobs = p->jobs;
        size_t n = p->n, stride = p->stride;
        pthread_mutex_unlock(&p->lock);
        if (a->index < stride)
            run_share(jobs, n, a->index, stride, &p->scratch[a->index]);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts up to n_threads - 1 workers; fewer when the system refuses threads. */
int edra_lattice_pool_start(struct pool **out, int n_threads, scratch *scratch)
{
    struct pool *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return EDRA_ENOMEM;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->scratch = scratch;
    for (size_t t = 1; t < (size_t)n_threads; t++) {
        p->args[t] = (struct worker_arg){p, t};
        if (pthread_create(&p->tid[t], NULL, worker, &p->args[t]) != 0)
            break;
        p->n_workers = t;
    }
    *out = p;
    return 0;
}

void edra_lattice_pool_stop(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (size_t t = 1; t <= p->n_workers; t++)
        pthread_join(p->tid[t], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p);
}

/* Runs n jobs, on the pool's threads when there is one (sources are picked first and the
 * cache is not touched until every job is done). On error, frees every job's classes and
 * returns the first job's error. */
int edra_lattice_run_jobs(search *s, job *jobs, size_t n)
{
    struct pool *p = s->pool;
    for (size_t i = 0; i < n; i++) {
        jobs[i].s = s;
        jobs[i].source = pick_source(s, jobs[i].levels);
        for (size_t e = 0; jobs[i].source && e < s->cache_cap; e++)
            if (s->cache[e].classes == jobs[i].source)
                s->cache[e].used = ++s->clock;
        jobs[i].rc = 0;
        /* A batch smaller than the pool leaves threads idle: its jobs use them inside. */
        jobs[i].threads = s->n_threads / (int)n > 1 ? s->n_threads / (int)n : 1;
        jobs[i].out.classes = NULL;
        memset(&jobs[i].err, 0, sizeof jobs[i].err);
    }
    if (!p || !p->n_workers || n <= 1) {
        run_share(jobs, n, 0, 1, &s->scratch[0]);
    } else {
        size_t stride = p->n_workers + 1 < n ? p->n_workers + 1 : n;
        pthread_mutex_lock(&p->lock);
        p->jobs = jobs;
        p->n = n;
        p->stride = stride;
        p->pending = p->n_workers;
        p->generation++;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
        run_share(jobs, n, 0, stride, &s->scratch[0]);
        pthread_mutex_lock(&p->lock);
        while (p->pending)
            pthread_cond_wait(&p->done, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].rc == 0)
            continue;
        int rc = edra_error_set(s->err, jobs[i].rc, "%s", jobs[i].err.msg);
        for (size_t k = 0; k < n; k++) {
            edra_classes_free(jobs[k].out.classes);
            jobs[k].out.classes = NULL;
        }
        return rc;
    }
    s->checked += n;
    return 0;
}

/* Whether a node that passes the class-level targets meets the global ones. */
static int meets_global(search *s, const edra_classes *c, int *meets)
{
    edra_figures f;
    edra_assess_opts ao = EDRA_ASSESS_OPTS_INIT;
    ao.targets = s->targets;
    ao.apply_suppression = 1;
    ao.population = s->opts->population;
    int rc = edra_assess(&f, c, &ao, s->err);
    if (rc < 0)
        return rc;
    *meets = f.targets_met;
    edra_figures_clear(&f);
    return 0;
}

static int record_node(search *s, const uint8_t *levels, const check_out *co, double bound,
                       int meets)
{
    if (s->n_rec == s->cap_rec) {
        size_t cap = s->cap_rec ? 2 * s->cap_rec : 256;
        edra_search_node *nodes = realloc(s->nodes, cap * sizeof *nodes);
        if (!nodes)
            return edra_error_set(s->err, EDRA_ENOMEM, "out of memory searching the lattice");
        s->nodes = nodes;
        uint8_t *pool = realloc(s->level_pool, cap * (s->n_qi ? s->n_qi : 1));
        if (!pool)
            return edra_error_set(s->err, EDRA_ENOMEM, "out of memory searching the lattice");
        s->level_pool = pool;
        s->cap_rec = cap;
    }
    edra_search_node *n = &s->nodes[s->n_rec];
    memcpy(s->level_pool + s->n_rec * s->n_qi, levels, s->n_qi);
    n->levels = NULL;
    n->meets = meets;
    n->loss = co->loss;
    n->bound = bound;
    n->violating = co->violating;
    n->violating_at_least = co->violating_bound;
    n->suppressed = co->suppressed;
    s->n_rec++;
    return 0;
}

void edra_lattice_consider(search *s, const uint8_t *levels, double loss, uint64_t suppressed,
                     uint64_t violating, int exact, int meets)
{
    if (meets == 1 &&
        (!s->found || edra_lattice_better(loss, levels, s->best_loss, s->best_levels, s->n_qi))) {
        s->found = 1;
        s->best_loss = loss;
        s->best_suppressed = suppressed;
        memcpy(s->best_levels, levels, s->n_qi);
    }
    /* Nodes whose violating records were counted in full come first; a lower bound ranks a
     * node only among those (confirm counts the closest node's in full). */
    if (s->have_closest && exact != s->closest_exact) {
        if (!exact)
            return;
        s->have_closest = 0;
    }
    if (!s->have_closest || violating < s->closest_violating ||
        (violating == s->closest_violating &&
         edra_lattice_better(loss, levels, s->closest_loss, s->closest_levels, s->n_qi))) {
        s->have_closest = 1;
        s->closest_exact = exact;
        s->closest_violating = violating;
        s->closest_loss = loss;
        memcpy(s->closest_levels, levels, s->n_qi);
    }
}

/* Judges a computed job, records it, updates the best and the closest node, and hands its
 * classes to the cache; j->meets receives the verdict. */
int edra_lattice_finish_job(search *s, job *j)
{
    check_out *co = &j->out;
    int meets, rc = 0;
    if (!co->pass) {
        meets = 0;
    } else if (!s->has_global) {
        meets = 1;
    } else if (!s->found ||
               edra_lattice_better(co->loss, j->levels, s->best_loss, s->best_levels, s->n_qi)) {
        rc = meets_global(s, co->classes, &meets);
    } else {
        meets = -1;
    }
    if (rc == 0)
        rc = record_node(s, j->levels, co, j->bound, meets);
    cache_insert(s, co->classes);
    co->classes = NULL;
    if (rc < 0)
        return rc;
    edra_lattice_consider(s, j->levels, co->loss, co->suppressed, co->violating,
                          !co->violating_bound, meets);
    j->meets = meets;
    edra_lattice_report_progress(s, 0);
    return 0;
}

/* Frees the classes of jobs not finished (after an error). */
void edra_lattice_drop_jobs(job *jobs, size_t from, size_t n)
{
    for (size_t i = from; i < n; i++) {
        edra_classes_free(jobs[i].out.classes);
        jobs[i].out.classes = NULL;
    }
}
