/* Lattice search for the least-loss node that meets the targets under ARX's suppression
 * semantics. Nodes are visited in increasing order of a loss lower bound that is exact
 * without suppression (metrics/loss.h); the first node whose bound cannot beat the best node
 * found ends the search with a proof of optimality. Nodes are resolved with predictive
 * tagging (Flash: Kohlmayer et al. 2012; OLA: El Emam et al. 2009): a check that fails tags
 * the node's down-set, a check that passes its up-set, and an unknown node is decided by a
 * binary search along a chain upward from it; classes are rolled up from a checked finer
 * node. Lattices too large to index, or a time limit, fall back to a greedy search. */
#define _POSIX_C_SOURCE 200809L
#include "lattice.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/assessment.h"
#include "lattice_check.h"

/* What the tags rely on. Let M(node) be the records in classes that break a target every
 * superset of the class breaks too: size below k, below 1/(prosecutor threshold) or below
 * the least size any class meeting the l and t targets can have (a class of 6 records can
 * be no closer than 0.33 to a spread distribution: edra_assess_min_class_size), or fewer
 * than l distinct sensitive values. Going up the lattice only merges classes, and a
 * class holding a record's class is at least as large and holds at least its values, so
 * M is non-increasing upward: "M > suppression limit" (FAIL) holds on down-sets, and its
 * negation (tagged PASS) on up-sets. Entropy and recursive (c,l) l-diversity and
 * t-closeness are not like that: a diverse class merged with a large uniform one can make
 * a class that is not (so with suppression the records breaking any target, V >= M, may
 * grow upward, and PASS does not mean the node passes: it is checked). But a union of
 * classes that each meet them meets them too (entropy is concave, so the union's entropy is
 * at least the smallest part's; for recursive (c,l) the union's largest count is at most
 * the sum of the parts' and its tail beyond the l-1 largest at least the sum of theirs; the
 * earth mover's distance to the fixed overall distribution is convex in the class's
 * distribution), so V = 0 (CLEAN) holds on up-sets. The global targets (average risk,
 * records at risk, journalist and marketer risk, population uniqueness, individual and
 * global risk) are not monotone with suppression; they are judged by edra_assess on each
 * node that passes and could win. */
#define TAG_FAIL 1u
#define TAG_PASS 2u
#define TAG_CLEAN 4u
#define TAG_CHECKED 8u

int edra_lattice_suppression(uint8_t **out, uint64_t *violating, uint64_t *suppressed,
                             const edra_classes *classes, const edra_targets *targets,
                             edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    size_t n_classes = edra_classes_count(classes);
    edra_sadist *sadists = calloc(md->n_sa ? md->n_sa : 1, sizeof *sadists);
    const edra_sadist **ptr = calloc(md->n_sa ? md->n_sa : 1, sizeof *ptr);
    uint8_t *flags = calloc(n_classes ? n_classes : 1, 1);
    int rc = 0;
    *out = NULL;
    if (!sadists || !ptr || !flags) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory computing the suppression");
        goto done;
    }
    rc = edra_lattice_build_sadists(sadists, ptr, classes, targets, 0, err);
    if (rc < 0)
        goto done;
    rc = edra_assess_violations(flags, violating, classes, targets, ptr, err);
    if (rc < 0)
        goto done;
    *suppressed = *violating;
    if ((double)*violating > targets->suppression * (double)md->n_records + 1e-9) {
        memset(flags, 0, n_classes ? n_classes : 1);
        *suppressed = 0;
    }
    *out = flags;
    flags = NULL;
done:
    if (ptr)
        edra_lattice_clear_sadists(sadists, ptr, md->n_sa);
    free(sadists);
    free(ptr);
    free(flags);
    return rc;
}

/* ---- exhaustive search ---- */

static void decode(const search *s, uint64_t node, uint8_t *levels)
{
    for (size_t d = 0; d < s->n_qi; d++)
        levels[d] = (uint8_t)((node / s->stride[d]) % ((uint64_t)s->tops[d] + 1));
}

/* Tags node and its whole up-set (or down-set) with flags. A node already carrying all the
 * flags has its whole up-set (down-set) tagged already, so the walk stops there and each
 * node is visited once per flag over the whole search. */
static void tag_set(search *s, uint64_t node, uint8_t flags, int upward)
{
    size_t top = 0;
    if ((s->tag[node] & flags) == flags)
        return;
    s->tag[node] |= flags;
    s->stack[top++] = (uint32_t)node;
    while (top) {
        uint64_t y = s->stack[--top];
        for (size_t d = 0; d < s->n_qi; d++) {
            uint64_t level = (y / s->stride[d]) % ((uint64_t)s->tops[d] + 1);
            if (upward ? level == s->tops[d] : level == 0)
                continue;
            uint64_t z = upward ? y + s->stride[d] : y - s->stride[d];
            if ((s->tag[z] & flags) == flags)
                continue;
            s->tag[z] |= flags;
            s->stack[top++] = (uint32_t)z;
        }
    }
}

/* Tags from a finished job's outcome. */
static void tag_job(search *s, const job *j)
{
    s->tag[j->node] |= TAG_CHECKED;
    if ((double)j->out.violating_monotone > s->limit)
        tag_set(s, j->node, TAG_FAIL, 0);
    else
        tag_set(s, j->node, j->out.violating ? TAG_PASS : TAG_PASS | TAG_CLEAN, 1);
}

/* Checks s->jobs[0..n) (levels, bound and, when tagging, node set) in parallel, then
 * finishes them in order. */
static int check_jobs(search *s, size_t n, int tagging)
{
    int rc = edra_lattice_run_jobs(s, s->jobs, n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        rc = edra_lattice_finish_job(s, &s->jobs[i]);
        if (rc < 0) {
            edra_lattice_drop_jobs(s->jobs, i + 1, n);
            return rc;
        }
        if (tagging)
            tag_job(s, &s->jobs[i]);
    }
    return 0;
}

static void set_job(search *s, size_t i, uint64_t node)
{
    decode(s, node, s->jobs[i].levels);
    s->jobs[i].node = node;
    s->jobs[i].bound = s->bound[node];
}

/* From a node (included in the chain or not), a chain upward through successors not known
 * to pass (least bound first: the chain stays where the loss is low), then a binary search
 * along it for its last failing node. The check of a high failing node tags a large
 * down-set, a passing check an up-set. Measured on Adult k=5, 5% (checks, warm time):
 * checking the node first and climbing from it only when it fails, 754 and 81 ms, against
 * 610 and 50 ms; repeating the climb from the last failing node until every successor
 * passes, no faster; with threads, probing k points of the chain at once, slower on 2 cores
 * (and on 1M generated rows, two probes at the thirds: 11.1 s against 10.7 s, 565 checks
 * against 478: the two checks share the memory bandwidth). */
static int climb(search *s, uint64_t from, int include_from)
{
    size_t max_len = 1;
    for (size_t d = 0; d < s->n_qi; d++)
        max_len += s->tops[d];
    uint64_t *path = malloc(max_len * sizeof *path);
    size_t m = 0;
    int rc = 0;
    if (!path)
        return edra_error_set(s->err, EDRA_ENOMEM, "out of memory searching the lattice");
    if (include_from)
        path[m++] = from;
    for (uint64_t cur = from;;) {
        uint64_t next = UINT64_MAX;
        for (size_t d = 0; d < s->n_qi; d++) {
            uint64_t level = (cur / s->stride[d]) % ((uint64_t)s->tops[d] + 1);
            if (level == s->tops[d])
                continue;
            uint64_t z = cur + s->stride[d];
            if (!(s->tag[z] & TAG_PASS) && (next == UINT64_MAX || s->bound[z] < s->bound[next]))
                next = z;
        }
        if (next == UINT64_MAX)
            break;
        path[m++] = next;
        cur = next;
    }
    long lo = -1, hi = (long)m;
    while (!edra_lattice_out_of_time(s)) {
        /* Tags are complete on down-sets and up-sets, so along the chain the known failures
         * are a prefix and the known passes a suffix: between them every node is unknown. */
        while (lo + 1 < hi && (s->tag[path[lo + 1]] & TAG_FAIL))
            lo++;
        while (lo + 1 < hi && (s->tag[path[hi - 1]] & TAG_PASS))
            hi--;
        if (lo + 1 >= hi)
            break;
        set_job(s, 0, path[lo + (hi - lo) / 2]);
        rc = check_jobs(s, 1, 1);
        if (rc < 0)
            break;
    }
    free(path);
    return rc;
}

typedef struct {
    double bound;
    unsigned height;
    uint32_t node;
} order_item;

static int cmp_order(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->bound != y->bound)
        return x->bound < y->bound ? -1 : 1;
    if (x->height != y->height)
        return x->height < y->height ? -1 : 1;
    /* Node indexes follow the lexicographic order of the levels (QI 0 most significant). */
    return (x->node > y->node) - (x->node < y->node);
}

static int prepare_lattice(search *s)
{
    uint64_t n = s->n_nodes;
    order_item *items = NULL;
    uint8_t *levels = calloc(s->n_qi ? s->n_qi : 1, 1);
    s->tag = calloc(n, 1);
    s->bound = malloc(n * sizeof *s->bound);
    s->order = malloc(n * sizeof *s->order);
    s->stack = malloc(n * sizeof *s->stack);
    items = malloc(n * sizeof *items);
    if (!levels || !s->tag || !s->bound || !s->order || !s->stack || !items) {
        free(levels);
        free(items);
        return edra_error_set(s->err, EDRA_ENOMEM,
                              "out of memory preparing the lattice (%llu nodes)",
                              (unsigned long long)n);
    }
    /* Odometer over the levels, the last QI fastest, matching the node index. */
    for (uint64_t node = 0; node < n; node++) {
        s->bound[node] = edra_loss_bound(s->loss, s->opts->metric, levels);
        items[node] = (order_item){s->bound[node], edra_lattice_height_of(levels, s->n_qi),
                                   (uint32_t)node};
        for (size_t d = s->n_qi; d-- > 0;) {
            if (levels[d] < s->tops[d]) {
                levels[d]++;
                break;
            }
            levels[d] = 0;
        }
    }
    qsort(items, n, sizeof *items, cmp_order);
    for (uint64_t i = 0; i < n; i++)
        s->order[i] = items[i].node;
    free(items);
    free(levels);
    return 0;
}

/* The coverage: nodes visited in order, checked, tagged failing, or bounded out. */
static double exhaustive_coverage(const search *s, uint64_t pos, const uint8_t *scratch_levels)
{
    uint64_t covered = pos;
    uint8_t *levels = (uint8_t *)scratch_levels;
    for (uint64_t i = pos; i < s->n_nodes; i++) {
        uint64_t node = s->order[i];
        if (s->tag[node] & (TAG_FAIL | TAG_CHECKED)) {
            covered++;
            continue;
        }
        if (s->found) {
            decode(s, node, levels);
            if (!edra_lattice_better(s->bound[node], levels, s->best_loss, s->best_levels, s->n_qi))
                covered++;
        }
    }
    return s->n_nodes ? (double)covered / (double)s->n_nodes : 1.0;
}

static int exhaustive(search *s, edra_search_result *out)
{
    uint8_t *levels = calloc(s->n_qi ? s->n_qi : 1, 1);
    uint64_t failed[MAX_THREADS];
    uint64_t pos = 0;
    int rc = 0;
    if (!levels)
        return edra_error_set(s->err, EDRA_ENOMEM, "out of memory searching the lattice");
    rc = prepare_lattice(s);
    if (rc < 0)
        goto done;
    s->early_fail = 1;
    for (pos = 0; pos < s->n_nodes; pos++) {
        uint64_t node = s->order[pos];
        uint8_t tag = s->tag[node];
        if (edra_lattice_out_of_time(s))
            break;
        decode(s, node, levels);
        if (s->found &&
            !edra_lattice_better(s->bound[node], levels, s->best_loss, s->best_levels, s->n_qi)) {
            /* Every later node's bound is at least this one's: none can win. */
            out->proven_optimal = 1;
            break;
        }
        if ((tag & TAG_FAIL) || (tag & TAG_CHECKED))
            continue;
        if ((tag & TAG_CLEAN) && s->bound_exact && !s->has_global) {
            /* Nothing violates here, so nothing is suppressed and the loss is the bound. */
            edra_lattice_consider(s, levels, s->bound[node], 0, 0, 1, 1);
            continue;
        }
        if (!(tag & TAG_PASS)) {
            /* Unknown: the climb from it decides it, usually by a check higher up, whose
             * classes roll up from fewer classes, that fails and tags it. */
            rc = climb(s, node, 1);
            if (rc < 0)
                goto done;
            tag = s->tag[node];
            if (tag & (TAG_FAIL | TAG_CHECKED))
                continue;
            if ((tag & TAG_CLEAN) && s->bound_exact && !s->has_global) {
                edra_lattice_consider(s, levels, s->bound[node], 0, 0, 1, 1);
                continue;
            }
        }
        /* Not known to fail: the verdict and the loss need the classes. With threads, the next
         * nodes in order that need a check too are checked alongside, speculatively: a
         * result may make another check of the batch unnecessary. */
        size_t n = 0;
        set_job(s, n++, node);
        for (uint64_t q = pos + 1; q < s->n_nodes && n < (size_t)s->n_threads &&
                                   q <= pos + 8 * (uint64_t)s->n_threads;
             q++) {
            uint64_t y = s->order[q];
            if (s->tag[y] & (TAG_FAIL | TAG_CHECKED))
                continue;
            if ((s->tag[y] & TAG_CLEAN) && s->bound_exact && !s->has_global)
                continue;
            if (!(s->tag[y] & TAG_PASS))
                continue; /* unknown: left to its climb */
            set_job(s, n, y);
            if (s->found && !edra_lattice_better(s->bound[y], s->jobs[n].levels, s->best_loss,
                                                 s->best_levels, s->n_qi))
                break;
            n++;
        }
        rc = check_jobs(s, n, 1);
        if (rc < 0)
            goto done;
        size_t n_failed = 0;
        for (size_t i = 0; i < n; i++)
            if (!s->jobs[i].out.pass)
                failed[n_failed++] = s->jobs[i].node;
        for (size_t i = 0; i < n_failed; i++) {
            rc = climb(s, failed[i], 0);
            if (rc < 0)
                goto done;
        }
    }
    if (pos == s->n_nodes)
        out->proven_optimal = 1;
    out->coverage = out->proven_optimal ? 1.0 : exhaustive_coverage(s, pos, levels);
done:
    free(levels);
    return rc;
}

/* ---- best-effort search ---- */

/* Index of the recorded node with these levels, or -1 (linear: the greedy search records
 * few nodes). */
static long find_record(const search *s, const uint8_t *levels)
{
    for (size_t i = s->n_rec; i-- > 0;)
        if (memcmp(s->level_pool + i * s->n_qi, levels, s->n_qi) == 0)
            return (long)i;
    return -1;
}

/* Checks the nodes of cands (n level vectors) not recorded yet, up to n_threads at once. */
static int visit_all(search *s, const uint8_t *cands, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && find_record(s, cands + i * s->n_qi) < 0) {
            int duplicate = 0;
            for (size_t j = 0; j < k; j++)
                duplicate |= memcmp(s->jobs[j].levels, cands + i * s->n_qi, s->n_qi) == 0;
            if (!duplicate) {
                memcpy(s->jobs[k].levels, cands + i * s->n_qi, s->n_qi);
                s->jobs[k].bound = edra_loss_bound(s->loss, s->opts->metric, s->jobs[k].levels);
                k++;
            }
        }
        if (k && (k == (size_t)s->n_threads || i == n)) {
            int rc = check_jobs(s, k, 0);
            if (rc < 0)
                return rc;
            k = 0;
        }
    }
    return 0;
}

/* Greedy: from the bottom, move to the successor of least loss that meets the targets,
 * else to the one that removes the most violating records per unit of loss bound added,
 * until a node meets them; then improve it by moving to neighbours (one level down, or one
 * down and another up) that meet the targets with less loss. On Adult k=5 it finds the
 * optimum at 5% suppression, 0.632 against 0.573 without suppression. */
static int greedy(search *s)
{
    /* Its moves compare violating records: every check counts them in full. */
    s->early_fail = 0;
    size_t n = s->n_qi ? s->n_qi : 1;
    uint8_t *cur = calloc(n, 1), *cands = calloc(n * n, 1), *cand = calloc(n, 1);
    int rc = 0;
    if (!cur || !cands || !cand) {
        rc = edra_error_set(s->err, EDRA_ENOMEM, "out of memory searching the lattice");
        goto done;
    }
    rc = visit_all(s, cur, 1);
    if (rc < 0)
        goto done;
    /* The climb ends: each step raises the height. It runs even out of time when nothing
     * was found yet, so that a node meeting the targets is named if one exists. */
    while (s->nodes[find_record(s, cur)].meets != 1) {
        size_t k = 0;
        long best = -1;
        for (size_t d = 0; d < s->n_qi; d++) {
            if (cur[d] == s->tops[d])
                continue;
            memcpy(cands + k * s->n_qi, cur, s->n_qi);
            cands[k * s->n_qi + d]++;
            k++;
        }
        rc = visit_all(s, cands, k);
        if (rc < 0)
            goto done;
        const edra_search_node *here = &s->nodes[find_record(s, cur)];
        double best_score = 0;
        for (size_t i = 0; i < k; i++) {
            long j = find_record(s, cands + i * s->n_qi);
            const edra_search_node *a = &s->nodes[j], *b = best >= 0 ? &s->nodes[best] : NULL;
            /* Violating records removed per unit of loss added. */
            double score = ((double)here->violating - (double)a->violating) /
                           (a->bound - here->bound + 1e-12);
            if (!b || (a->meets == 1) > (b->meets == 1) ||
                ((a->meets == 1) == (b->meets == 1) &&
                 (a->meets == 1 ? a->loss < b->loss : score > best_score))) {
                best = j;
                best_score = score;
                memcpy(cand, cands + i * s->n_qi, s->n_qi);
            }
        }
        if (best < 0)
            break;
        memcpy(cur, cand, s->n_qi);
    }
    for (int improved = s->found; improved && !edra_lattice_out_of_time(s);) {
        improved = 0;
        memcpy(cur, s->best_levels, s->n_qi);
        for (size_t d = 0; d < s->n_qi && !improved; d++) {
            if (cur[d] == 0)
                continue;
            for (size_t e = 0; e <= s->n_qi && !improved && !edra_lattice_out_of_time(s); e++) {
                if (e < s->n_qi && (e == d || cur[e] == s->tops[e]))
                    continue;
                memcpy(cand, cur, s->n_qi);
                cand[d]--;
                if (e < s->n_qi)
                    cand[e]++;
                double b = edra_loss_bound(s->loss, s->opts->metric, cand);
                if (!edra_lattice_better(b, cand, s->best_loss, s->best_levels, s->n_qi) ||
                    find_record(s, cand) >= 0)
                    continue;
                rc = visit_all(s, cand, 1);
                if (rc < 0)
                    goto done;
                improved = memcmp(s->best_levels, cand, s->n_qi) == 0;
            }
        }
    }
done:
    free(cur);
    free(cands);
    free(cand);
    return rc;
}

/* ---- driver ---- */

static void search_free(search *s)
{
    edra_loss_free(s->loss);
    free(s->tops);
    free(s->stride);
    free(s->tag);
    free(s->bound);
    free(s->order);
    free(s->stack);
    for (size_t i = 0; i < CACHE_MAX; i++)
        edra_classes_free(s->cache[i].classes);
    edra_lattice_pool_stop(s->pool);
    for (int t = 0; s->scratch && t < s->n_threads; t++) {
        free(s->scratch[t].violates);
        free(s->scratch[t].sadists);
        free(s->scratch[t].sadist_ptr);
    }
    free(s->scratch);
    free(s->jobs);
    free(s->job_levels);
    free(s->best_levels);
    free(s->closest_levels);
    free(s->nodes);
    free(s->level_pool);
}

static int search_init(search *s, const edra_microdata *md, const edra_targets *t,
                       const edra_search_opts *o, edra_error *err, double *lattice_nodes)
{
    size_t n = md->n_qi ? md->n_qi : 1;
    double nodes = 1.0;
    memset(s, 0, sizeof *s);
    s->md = md;
    s->targets = t;
    s->opts = o;
    s->err = err;
    s->n_qi = md->n_qi;
    s->tops = calloc(n, 1);
    s->stride = calloc(n, sizeof *s->stride);
    s->best_levels = calloc(n, 1);
    s->closest_levels = calloc(n, 1);
    s->n_threads = o->threads < 1 ? 1 : o->threads > MAX_THREADS ? MAX_THREADS : o->threads;
    s->scratch = calloc((size_t)s->n_threads, sizeof *s->scratch);
    s->jobs = calloc((size_t)s->n_threads, sizeof *s->jobs);
    s->job_levels = calloc((size_t)s->n_threads * n, 1);
    if (!s->tops || !s->stride || !s->best_levels || !s->closest_levels || !s->scratch ||
        !s->jobs || !s->job_levels)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory searching the lattice");
    for (int i = 0; i < s->n_threads; i++) {
        s->jobs[i].levels = s->job_levels + (size_t)i * n;
        s->scratch[i].sadists = calloc(md->n_sa ? md->n_sa : 1, sizeof *s->scratch[i].sadists);
        s->scratch[i].sadist_ptr =
            calloc(md->n_sa ? md->n_sa : 1, sizeof *s->scratch[i].sadist_ptr);
        if (!s->scratch[i].sadists || !s->scratch[i].sadist_ptr)
            return edra_error_set(err, EDRA_ENOMEM, "out of memory searching the lattice");
    }
    if (s->n_threads > 1 && edra_lattice_pool_start(&s->pool, s->n_threads, s->scratch) < 0)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory searching the lattice");
    for (size_t d = 0; d < md->n_qi; d++) {
        size_t levels = edra_hierarchy_levels(md->qi_hier[d]);
        if (levels == 0 || levels > 256)
            return edra_error_set(err, EDRA_ERANGE, "'%s' has %zu levels; 1 to 256 are supported",
                                  md->qi_names[d], levels);
        s->tops[d] = (uint8_t)(levels - 1);
        nodes *= (double)levels;
    }
    *lattice_nodes = s->lattice_nodes = nodes;
    if (nodes <= o->exhaustive_limit && nodes < 4294967295.0) {
        s->n_nodes = (uint64_t)nodes;
        uint64_t stride = 1;
        for (size_t d = md->n_qi; d-- > 0;) {
            s->stride[d] = stride;
            stride *= (uint64_t)s->tops[d] + 1;
        }
    }
    s->bound_exact = edra_loss_bound_exact(o->metric);
    s->has_global = edra_lattice_has_global_targets(t);
    s->need_sadist = t->n_ldiv + t->n_tclose > 0;
    s->limit = t->suppression * (double)md->n_records + 1e-9;
    s->min_size = edra_assess_min_class_size(t, md);
    s->cache_cap = CACHE_MAX;
    /* Each cached node holds a class index per tuple: keep the cache near 256 MB. */
    if (md->n_tuples > 0) {
        size_t fit = ((size_t)256 << 20) / (md->n_tuples * 8 + 1);
        if (fit < s->cache_cap)
            s->cache_cap = fit < 4 ? 4 : fit;
    }
    return edra_loss_new(&s->loss, md, err);
}

/* The best node's figures again from scratch: its ARX loss, and edra_assess's verdict,
 * which must agree with the search's. */
static int confirm(search *s, edra_search_result *out)
{
    edra_classes *c = NULL;
    uint8_t *flags = NULL;
    uint64_t violating = 0, suppressed = 0;
    edra_figures f = {0};
    edra_assess_opts ao = EDRA_ASSESS_OPTS_INIT;
    int rc = edra_classes_compute(&c, s->md, out->levels, s->err);
    if (rc < 0)
        return rc;
    rc = edra_lattice_suppression(&flags, &violating, &suppressed, c, s->targets, s->err);
    if (rc < 0)
        goto done;
    out->arx_loss = edra_loss_compute(s->loss, EDRA_LOSS_ARX, c, flags, NULL);
    if (!out->found) {
        /* The closest node's count in full, whatever its check stopped at. */
        out->violating = violating;
        goto done;
    }
    ao.targets = s->targets;
    ao.apply_suppression = 1;
    ao.population = s->opts->population;
    rc = edra_assess(&f, c, &ao, s->err);
    if (rc < 0)
        goto done;
    if (!f.targets_met || f.suppressed != s->best_suppressed) {
        rc = edra_error_set(s->err, EDRA_EINTERNAL,
                            "the search and the assessment disagree on the chosen node");
        goto done;
    }
done:
    edra_figures_clear(&f);
    free(flags);
    edra_classes_free(c);
    return rc;
}

int edra_lattice_search(edra_search_result *out, const edra_microdata *md,
                        const edra_targets *targets, const edra_search_opts *opts,
                        edra_error *err)
{
    search s;
    double lattice_nodes = 0;
    int rc;
    memset(out, 0, sizeof *out);
    rc = search_init(&s, md, targets, opts, err, &lattice_nodes);
    s.start = s.last_progress = edra_lattice_now_seconds();
    if (rc < 0)
        goto done;
    out->n_qi = md->n_qi;
    out->lattice_nodes = lattice_nodes;
    if (s.n_nodes) {
        out->exhaustive = 1;
        rc = exhaustive(&s, out);
        if (rc < 0)
            goto done;
        if (!s.found && s.timed_out) {
            rc = greedy(&s);
            if (rc < 0)
                goto done;
        }
    } else {
        rc = greedy(&s);
        if (rc < 0)
            goto done;
        out->coverage = lattice_nodes > 0 ? (double)s.checked / lattice_nodes : 0.0;
    }
    if (s.timed_out)
        out->proven_optimal = 0;
    if (!out->exhaustive)
        out->proven_optimal = 0;
    edra_lattice_report_progress(&s, 1);
    out->found = s.found;
    out->timed_out = s.timed_out;
    out->nodes_checked = s.checked;
    out->levels = malloc(md->n_qi ? md->n_qi : 1);
    if (!out->levels) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory searching the lattice");
        goto done;
    }
    memcpy(out->levels, s.found ? s.best_levels : s.closest_levels, md->n_qi);
    out->loss = s.found ? s.best_loss : s.closest_loss;
    out->suppressed = s.found ? s.best_suppressed : 0;
    out->violating = s.found ? s.best_suppressed : s.closest_violating;
    rc = confirm(&s, out);
    if (rc < 0)
        goto done;
    out->n_nodes = s.n_rec;
    out->nodes = s.nodes;
    s.nodes = NULL;
    /* The pool no longer moves: point each node at its levels. */
    for (size_t i = 0; i < out->n_nodes; i++)
        out->nodes[i].levels = s.level_pool + i * s.n_qi;
    out->pool = s.level_pool;
    s.level_pool = NULL;
    out->seconds = edra_lattice_now_seconds() - s.start;
done:
    search_free(&s);
    if (rc < 0)
        edra_lattice_result_clear(out);
    return rc;
}

void edra_lattice_result_clear(edra_search_result *r)
{
    if (!r)
        return;
    free(r->levels);
    free(r->nodes);
    free(r->pool);
    memset(r, 0, sizeof *r);
}
