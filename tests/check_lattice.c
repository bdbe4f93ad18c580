/* Tests of analyzer/lattice: hand-worked searches on tests/data/tiny_fixture.h, the search
 * against an exhaustive check of every node (edra_classes_compute + edra_assess for each, least
 * loss, ties by height then levels) on random small tables for every metric, the ARX
 * 3.9.2 reference optima on Adult (../shared/data/REFERENCE.md), and the bundled sample. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/lattice.h"
#include "analyzer/pipeline.h"
#include "metrics/assessment.h"
#include "tests/data/tiny_fixture.h"

static tiny_fixture fx;

static void setup(void) { tiny_fixture_init(&fx); }
static void teardown(void) { tiny_fixture_free(&fx); }

/* ---- hand-worked searches on the fixture ----
 * Nodes (age, sex) and class sizes:
 *   (0,0) 2,1,1,3,1   (1,0) 3,4,1   (0,1) 3,1,1,3   (2,0) M 3, F 5   (1,1) 4,4   (2,1) 8
 * ARX loss without suppression, L_age = 0, 1/3, 1 by level, L_sex = 0, 1:
 *   (2,0) sqrt(2*1) - 1 = 0.41421356237309515   (1,1) sqrt(4/3*2) - 1 = 0.6329931618554521 */

START_TEST(test_lattice_search__tiny_k2_no_suppression)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    /* (0,0), (1,0), (0,1) hold a class of 1; of (2,0), (1,1), (2,1) the least loss is (2,0). */
    ck_assert(r.found);
    ck_assert_uint_eq(r.levels[0], 2);
    ck_assert_uint_eq(r.levels[1], 0);
    ck_assert_double_eq_tol(r.loss, 0.41421356237309515, 1e-12);
    ck_assert_double_eq_tol(r.arx_loss, 0.41421356237309515, 1e-12);
    ck_assert_uint_eq(r.suppressed, 0);
    ck_assert(r.proven_optimal);
    ck_assert(r.exhaustive);
    ck_assert(r.lattice_nodes == 6.0);
    ck_assert(r.coverage == 1.0);
    ck_assert_uint_eq(r.nodes_checked, r.n_nodes);
    ck_assert_uint_ge(r.nodes_checked, 1);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__tiny_k2_with_suppression)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    t.suppression = 0.125; /* one record of 8 */
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    /* (1,0) violates with {t4} only (1 record <= 1): suppressed, loss
     * sqrt(17/12 * 9/8) - 1 = 0.2624381172952597 (tests/check_loss.c), below (2,0)'s 0.414.
     * (0,0) violates with 3 records and (0,1) with 2: over the limit. */
    ck_assert(r.found);
    ck_assert_uint_eq(r.levels[0], 1);
    ck_assert_uint_eq(r.levels[1], 0);
    ck_assert_uint_eq(r.suppressed, 1);
    ck_assert_double_eq_tol(r.loss, 0.2624381172952597, 1e-12);
    ck_assert(r.proven_optimal);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__tiny_height_metric)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    o.metric = EDRA_LOSS_HEIGHT;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    /* (2,0) and (1,1) both have height 2: the tie goes to the lexicographically smaller
     * levels, (1,1); its ARX loss is sqrt(8/3) - 1. */
    ck_assert_uint_eq(r.levels[0], 1);
    ck_assert_uint_eq(r.levels[1], 1);
    ck_assert(r.loss == 2.0);
    ck_assert_double_eq_tol(r.arx_loss, 0.6329931618554521, 1e-12);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__tiny_nothing_meets)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 9; /* more than the 8 records */
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert(!r.found);
    ck_assert(r.proven_optimal);
    /* Every node violates with all 8 records: the closest is the checked node of least loss. */
    ck_assert_uint_eq(r.violating, 8);
    int listed = 0;
    for (size_t i = 0; i < r.n_nodes; i++) {
        ck_assert_uint_eq(r.nodes[i].violating, 8);
        ck_assert(r.nodes[i].loss >= r.loss);
        listed |= memcmp(r.nodes[i].levels, r.levels, 2) == 0;
    }
    ck_assert(listed);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__tiny_global_target)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    /* Average prosecutor risk = classes / records <= 0.25: at most 2 classes of 8 records.
     * (1,1) and (2,1) have 2 and 1 classes, (2,0) has 2 (M 3, F 5): (2,0) wins on loss. */
    t.k = 0;
    t.average_risk = 0.25;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert(r.found);
    ck_assert_uint_eq(r.levels[0], 2);
    ck_assert_uint_eq(r.levels[1], 0);
    edra_lattice_result_clear(&r);
    /* 0.1 needs fewer than one class: nothing meets. */
    t.average_risk = 0.1;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert(!r.found);
    edra_lattice_result_clear(&r);
}
END_TEST

static int progress_calls;
static void count_progress(const edra_search_progress *p, void *user)
{
    (void)user;
    ck_assert(p->lattice_nodes == 6.0);
    progress_calls++;
}

START_TEST(test_lattice_search__progress_called)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    o.progress = count_progress;
    progress_calls = 0;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert_int_ge(progress_calls, 1);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__best_effort_flagged)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    o.exhaustive_limit = 1; /* the 6-node lattice counts as too large */
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert(r.found);
    ck_assert(!r.exhaustive);
    ck_assert(!r.proven_optimal);
    /* Greedy from (0,0) (3 violating records, loss 0): (1,0) removes 2 for 0.1547 of loss,
     * (0,1) 1 for 0.4142 -> (1,0); its successors (2,0) and (1,1) both meet, (2,0) with less
     * loss; no neighbour of (2,0) meets with less loss. */
    ck_assert_uint_eq(r.levels[0], 2);
    ck_assert_uint_eq(r.levels[1], 0);
    ck_assert(r.coverage > 0.0 && r.coverage <= 1.0);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__time_limit_flagged)
{
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 2;
    o.time_limit = 1e-9;
    ck_assert_int_eq(edra_lattice_search(&r, &fx.md, &t, &o, NULL), 0);
    ck_assert(r.timed_out);
    ck_assert(!r.proven_optimal);
    /* Out of time before any node: the greedy climb still names a node that meets. */
    ck_assert(r.found);
    edra_lattice_result_clear(&r);
}
END_TEST

START_TEST(test_lattice_search__too_many_levels)
{
    enum { LEVELS = 257 };
    const char *cells[LEVELS];
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    for (int i = 0; i < LEVELS; i++)
        cells[i] = i == 0 ? "a" : "*";
    ck_assert_int_eq(edra_hierarchy_new(&h, cells, 1, LEVELS, "deep", &err), 0);
    uint32_t codes[1] = {0};
    uint64_t counts[1] = {1};
    const edra_code_col qi_codes[1] = {{.data = codes, .width = 4}};
    const edra_hierarchy *qi_hier[1] = {h};
    const char *names[1] = {"deep"};
    edra_microdata md = {.n_tuples = 1, .n_records = 1, .n_qi = 1, .qi_names = names,
                         .qi_codes = qi_codes, .qi_hier = qi_hier,
                         .counts = {.data = counts, .width = 8}};
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    ck_assert_int_eq(edra_lattice_search(&r, &md, &t, &o, &err), EDRA_ERANGE);
    ck_assert_str_eq(err.msg, "'deep' has 257 levels; 1 to 256 are supported");
    ck_assert_ptr_null(r.levels);
    edra_hierarchy_free(h);
}
END_TEST

START_TEST(test_lattice_suppression__within_and_over_limit)
{
    edra_classes *c = NULL;
    edra_targets t = EDRA_TARGETS_INIT;
    uint8_t *flags = NULL;
    uint64_t violating, suppressed;
    ck_assert_int_eq(edra_classes_compute(&c, &fx.md, (uint8_t[]){1, 0}, NULL), 0);
    t.k = 2;
    t.suppression = 0.125;
    ck_assert_int_eq(edra_lattice_suppression(&flags, &violating, &suppressed, c, &t, NULL), 0);
    /* {t4} (1 record) violates: within 0.125 x 8 = 1 */
    ck_assert_uint_eq(violating, 1);
    ck_assert_uint_eq(suppressed, 1);
    ck_assert_uint_eq(flags[edra_classes_of_tuple(c)[4]], 1);
    ck_assert_uint_eq(flags[edra_classes_of_tuple(c)[0]], 0);
    free(flags);
    t.k = 4; /* {t0,t1} (3) and {t4} (1) violate: 4 > 1 */
    ck_assert_int_eq(edra_lattice_suppression(&flags, &violating, &suppressed, c, &t, NULL), 0);
    ck_assert_uint_eq(violating, 4);
    ck_assert_uint_eq(suppressed, 0);
    for (size_t k = 0; k < edra_classes_count(c); k++)
        ck_assert_uint_eq(flags[k], 0);
    free(flags);
    edra_classes_free(c);
}
END_TEST

/* ---- the search against brute force on random tables ---- */

typedef struct {
    size_t n_qi, n_tuples;
    edra_hierarchy *hier[4];
    uint32_t *codes[4];
    uint32_t *sa_codes;
    edra_code_col qi_cols[4], sa_col[1];
    uint64_t *counts;
    const char *names[4];
    const char *sa_names[1];
    uint32_t sa_domain[1];
    const uint32_t *sa_rank[1];
    const edra_hierarchy *sa_hier[1];
    edra_microdata md;
} random_table;

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* A hierarchy over m leaves with n_levels levels: leaf i at level l is the group i >> l
 * ("g<l>_<i>>l>"), the top "*"; groups nest, so the tree property holds. */
static edra_hierarchy *random_hierarchy(size_t m, size_t n_levels, const char *name)
{
    char **cells = calloc(m * n_levels, sizeof *cells);
    edra_hierarchy *h = NULL;
    for (size_t i = 0; i < m; i++)
        for (size_t l = 0; l < n_levels; l++) {
            char buf[48];
            if (l + 1 == n_levels && l > 0)
                snprintf(buf, sizeof buf, "*");
            else
                snprintf(buf, sizeof buf, "g%zu_%zu", l, i >> l);
            cells[i * n_levels + l] = strdup(buf);
        }
    ck_assert_int_eq(
        edra_hierarchy_new(&h, (const char *const *)cells, m, n_levels, name, NULL), 0);
    for (size_t i = 0; i < m * n_levels; i++)
        free(cells[i]);
    free(cells);
    return h;
}

static void random_table_init(random_table *rt)
{
    static const char *names[4] = {"q0", "q1", "q2", "q3"};
    memset(rt, 0, sizeof *rt);
    rt->n_qi = 2 + rnd(3);
    rt->n_tuples = 4 + rnd(30);
    for (size_t d = 0; d < rt->n_qi; d++) {
        size_t m = 2 + rnd(6), n_levels = 2 + rnd(3);
        rt->hier[d] = random_hierarchy(m, n_levels, names[d]);
        rt->codes[d] = malloc(rt->n_tuples * sizeof *rt->codes[d]);
        for (size_t t = 0; t < rt->n_tuples; t++)
            rt->codes[d][t] = rnd((unsigned)m);
        rt->names[d] = names[d];
    }
    rt->sa_codes = malloc(rt->n_tuples * sizeof *rt->sa_codes);
    rt->counts = malloc(rt->n_tuples * sizeof *rt->counts);
    uint64_t n = 0;
    for (size_t t = 0; t < rt->n_tuples; t++) {
        rt->sa_codes[t] = rnd(3);
        rt->counts[t] = 1 + rnd(3);
        n += rt->counts[t];
    }
    /* Make sure every SA value occurs, so l = 2 and t targets are well defined. */
    for (uint32_t v = 0; v < 3 && v < rt->n_tuples; v++)
        rt->sa_codes[v] = v;
    rt->sa_names[0] = "s";
    rt->sa_domain[0] = 3;
    for (size_t d = 0; d < rt->n_qi; d++)
        rt->qi_cols[d] = (edra_code_col){.data = rt->codes[d], .width = 4};
    rt->sa_col[0] = (edra_code_col){.data = rt->sa_codes, .width = 4};
    rt->md = (edra_microdata){
        .n_tuples = rt->n_tuples, .n_records = n, .n_qi = rt->n_qi, .qi_names = rt->names,
        .qi_codes = rt->qi_cols,
        .qi_hier = (const edra_hierarchy *const *)rt->hier, .n_sa = 1, .sa_names = rt->sa_names,
        .sa_codes = rt->sa_col, .sa_domain = rt->sa_domain,
        .sa_rank = rt->sa_rank, .sa_hier = rt->sa_hier,
        .counts = {.data = rt->counts, .width = 8},
    };
}

static void random_table_free(random_table *rt)
{
    for (size_t d = 0; d < rt->n_qi; d++) {
        edra_hierarchy_free(rt->hier[d]);
        free(rt->codes[d]);
    }
    free(rt->sa_codes);
    free(rt->counts);
}

typedef struct {
    int found;
    uint8_t levels[4];
    double loss;
    uint64_t suppressed;
} brute_answer;

static unsigned height(const uint8_t *levels, size_t n)
{
    unsigned h = 0;
    for (size_t d = 0; d < n; d++)
        h += levels[d];
    return h;
}

/* One node the slow way: classes from scratch, edra_assess's verdict, the violating
 * classes from edra_assess_violations, the loss with those suppressed when within the
 * limit. */
static void brute_node(const edra_microdata *md, const edra_targets *t, const edra_loss *loss,
                       edra_loss_metric metric, const uint8_t *levels, int *meets, double *value,
                       uint64_t *violating, uint64_t *suppressed)
{
    edra_classes *c = NULL;
    edra_figures f;
    edra_assess_opts ao = EDRA_ASSESS_OPTS_INIT;
    edra_sadist sd;
    const edra_sadist *sdp[1] = {&sd};
    ck_assert_int_eq(edra_classes_compute(&c, md, levels, NULL), 0);
    ao.targets = t;
    ao.apply_suppression = 1;
    ck_assert_int_eq(edra_assess(&f, c, &ao, NULL), 0);
    ck_assert_int_eq(edra_sadist_build(&sd, c, 0, NULL), 0);
    uint8_t *flags = calloc(edra_classes_count(c), 1);
    ck_assert_int_eq(edra_assess_violations(flags, violating, c, t, sdp, NULL), 0);
    *meets = f.targets_met;
    *suppressed = f.suppressed;
    *value = edra_loss_compute(loss, metric, c, f.suppression_applied ? flags : NULL, NULL);
    free(flags);
    edra_sadist_clear(&sd);
    edra_figures_clear(&f);
    edra_classes_free(c);
}

static brute_answer brute_force(const random_table *rt, const edra_targets *t,
                                const edra_loss *loss, edra_loss_metric metric)
{
    brute_answer best = {0};
    uint8_t levels[4] = {0};
    for (;;) {
        int meets;
        double value;
        uint64_t violating, suppressed;
        brute_node(&rt->md, t, loss, metric, levels, &meets, &value, &violating, &suppressed);
        /* Nodes come in lexicographic order, so the first of equal (loss, height) stays. */
        unsigned h = height(levels, rt->n_qi);
        if (meets && (!best.found || value < best.loss ||
                      (value == best.loss && h < height(best.levels, rt->n_qi)))) {
            best.found = 1;
            best.loss = value;
            best.suppressed = suppressed;
            memcpy(best.levels, levels, rt->n_qi);
        }
        size_t d = rt->n_qi;
        while (d-- > 0) {
            if ((size_t)levels[d] + 1 < edra_hierarchy_levels(rt->hier[d])) {
                levels[d]++;
                break;
            }
            levels[d] = 0;
        }
        if (d == (size_t)-1)
            break;
    }
    return best;
}

/* Nodes whose check stopped at a lower bound of their violating records (compare_one). */
static size_t early;

/* Compares the search with brute force, and every node it recorded with the slow figures. */
static void compare_one(const random_table *rt, const edra_targets *t, edra_loss_metric metric,
                        const char *what)
{
    edra_loss *loss = NULL;
    edra_search_result r;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    ck_assert_int_eq(edra_loss_new(&loss, &rt->md, NULL), 0);
    brute_answer want = brute_force(rt, t, loss, metric);
    o.metric = metric;
    ck_assert_int_eq(edra_lattice_search(&r, &rt->md, t, &o, NULL), 0);
    ck_assert_msg(r.found == want.found, "%s metric %d: found %d, brute force %d", what, metric,
                  r.found, want.found);
    ck_assert(r.proven_optimal);
    if (want.found) {
        ck_assert_msg(memcmp(r.levels, want.levels, rt->n_qi) == 0 && r.loss == want.loss &&
                          r.suppressed == want.suppressed,
                      "%s metric %s: search (%u,%u,%u,%u) loss %.17g supp %llu, brute force "
                      "(%u,%u,%u,%u) loss %.17g supp %llu",
                      what, edra_loss_metric_name(metric), r.levels[0], r.levels[1],
                      rt->n_qi > 2 ? r.levels[2] : 0, rt->n_qi > 3 ? r.levels[3] : 0, r.loss,
                      (unsigned long long)r.suppressed, want.levels[0], want.levels[1],
                      rt->n_qi > 2 ? want.levels[2] : 0, rt->n_qi > 3 ? want.levels[3] : 0,
                      want.loss, (unsigned long long)want.suppressed);
    }
    if (!want.found) {
        /* The closest node's violating records are counted in full, whatever its check
         * stopped at, and no node whose count is exact has fewer. */
        int meets;
        double value;
        uint64_t violating, suppressed;
        brute_node(&rt->md, t, loss, metric, r.levels, &meets, &value, &violating, &suppressed);
        ck_assert_uint_eq(r.violating, violating);
        for (size_t i = 0; i < r.n_nodes; i++)
            ck_assert(r.nodes[i].violating_at_least || r.nodes[i].violating >= r.violating);
    }
    /* Three threads check nodes speculatively in parallel: the same answer. */
    edra_search_result r3;
    o.threads = 3;
    ck_assert_int_eq(edra_lattice_search(&r3, &rt->md, t, &o, NULL), 0);
    ck_assert_int_eq(r3.found, r.found);
    ck_assert(r3.proven_optimal);
    ck_assert(memcmp(r3.levels, r.levels, rt->n_qi) == 0);
    ck_assert(r3.loss == r.loss);
    ck_assert_uint_eq(r3.suppressed, r.suppressed);
    edra_lattice_result_clear(&r3);
    for (size_t i = 0; i < r.n_nodes; i++) {
        const edra_search_node *n = &r.nodes[i];
        int meets;
        double value;
        uint64_t violating, suppressed;
        brute_node(&rt->md, t, loss, metric, n->levels, &meets, &value, &violating, &suppressed);
        ck_assert(n->meets == -1 ? meets == 0 || meets == 1 : n->meets == meets);
        ck_assert(n->loss == value);
        ck_assert(n->bound <= value + 1e-9 * fabs(value));
        if (n->violating_at_least) {
            /* The check stopped at the classes below the least viable size: a lower bound
             * already past the limit, so the node fails. */
            ck_assert_uint_le(n->violating, violating);
            ck_assert((double)n->violating > t->suppression * (double)rt->md.n_records);
            ck_assert_int_eq(meets, 0);
            early++;
        } else {
            ck_assert_uint_eq(n->violating, violating);
        }
        ck_assert_uint_eq(n->suppressed, suppressed);
    }
    edra_lattice_result_clear(&r);
    edra_loss_free(loss);
}

START_TEST(test_lattice_search__matches_brute_force)
{
    static const double suppression[] = {0.0, 0.1, 0.3};
    rng_state = 12345 + (unsigned long long)_i;
    for (int table = 0; table < 6; table++) {
        random_table rt;
        random_table_init(&rt);
        for (int m = 0; m < EDRA_LOSS_METRICS; m++)
            for (int s = 0; s < 3; s++) {
                edra_targets t = EDRA_TARGETS_INIT;
                char what[64];
                t.k = 2 + rnd(3);
                t.suppression = suppression[s];
                snprintf(what, sizeof what, "table %d, k %llu, suppression %g", table,
                         (unsigned long long)t.k, t.suppression);
                compare_one(&rt, &t, (edra_loss_metric)m, what);
                /* with distinct 2-diversity on the SA */
                t.n_ldiv = 1;
                t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_DISTINCT, 2.0, 0.0};
                compare_one(&rt, &t, (edra_loss_metric)m, "l-diversity");
                /* entropy and recursive (c,l), which may grow violations upward */
                t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_ENTROPY, 1.5, 0.0};
                compare_one(&rt, &t, (edra_loss_metric)m, "entropy l-diversity");
                t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_RECURSIVE, 2.0, 2.0};
                compare_one(&rt, &t, (edra_loss_metric)m, "recursive (c,l)-diversity");
                /* with a global target, which the search judges with edra_assess */
                t.n_ldiv = 0;
                t.records_at_risk = 0.2;
                compare_one(&rt, &t, (edra_loss_metric)m, "records at risk");
                /* with t-closeness, which the search does not rely on being monotone */
                t.records_at_risk = EDRA_UNSET;
                t.n_tclose = 1;
                t.tclose[0] = (edra_tclose_target){0, EDRA_TCLOSE_EQUAL, 0.4};
                compare_one(&rt, &t, (edra_loss_metric)m, "t-closeness");
                /* a t that rules out small classes by their size alone (the search counts
                 * them among the records that only grow down the lattice) */
                t.tclose[0].t = 0.12;
                compare_one(&rt, &t, (edra_loss_metric)m, "t-closeness 0.12");
            }
        random_table_free(&rt);
    }
    /* The checks that stop at the classes below the least viable size ran, and held. */
    ck_assert_uint_gt(early, 0);
}
END_TEST

/* Entropy l-diversity is not monotone with suppression. One QI, leaves a0 a1 a2, levels:
 * identity, {a0,a1} {a2}, "*" (a chain of 3 nodes). Classes at level 0: a0 {x, y},
 * a1 {z x 100}, a2 {u, v}; 104 records, limit 0.97 * 104 = 100.88 records.
 *   level 0: a1 has entropy 0 < ln 1.9, violating 100 <= 100.88: passes.
 *   level 1: {x, y, z x 100}: H = 2 (1/102) ln 102 + (100/102) ln 1.02 = 0.1101,
 *            exp H = 1.116 < 1.9: 102 violating: fails.
 *   level 2: H = 4 (1/104) ln 104 + (100/104) ln 1.04 = 0.2164, exp H = 1.24: 104: fails.
 * The climb from level 0 checks level 1 first; its failure must not condemn level 0. */
START_TEST(test_lattice_search__entropy_failure_above_does_not_tag_below)
{
    random_table rt;
    static const uint32_t qi[5] = {0, 0, 1, 2, 2}, sa[5] = {0, 1, 2, 3, 4};
    static const uint64_t counts[5] = {1, 1, 100, 1, 1};
    memset(&rt, 0, sizeof rt);
    rt.n_qi = 1;
    rt.n_tuples = 5;
    rt.hier[0] = random_hierarchy(3, 3, "q0");
    rt.codes[0] = malloc(sizeof qi);
    rt.sa_codes = malloc(sizeof sa);
    rt.counts = malloc(sizeof counts);
    memcpy(rt.codes[0], qi, sizeof qi);
    memcpy(rt.sa_codes, sa, sizeof sa);
    memcpy(rt.counts, counts, sizeof counts);
    rt.names[0] = "q0";
    rt.sa_names[0] = "s";
    rt.sa_domain[0] = 5;
    rt.qi_cols[0] = (edra_code_col){.data = rt.codes[0], .width = 4};
    rt.sa_col[0] = (edra_code_col){.data = rt.sa_codes, .width = 4};
    rt.md = (edra_microdata){
        .n_tuples = 5, .n_records = 104, .n_qi = 1, .qi_names = rt.names,
        .qi_codes = rt.qi_cols,
        .qi_hier = (const edra_hierarchy *const *)rt.hier, .n_sa = 1, .sa_names = rt.sa_names,
        .sa_codes = rt.sa_col, .sa_domain = rt.sa_domain,
        .sa_rank = rt.sa_rank, .sa_hier = rt.sa_hier,
        .counts = {.data = rt.counts, .width = 8},
    };
    edra_targets t = EDRA_TARGETS_INIT;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_search_result r;
    t.k = 1;
    t.suppression = 0.97;
    t.n_ldiv = 1;
    t.ldiv[0] = (edra_ldiv_target){0, EDRA_LDIV_ENTROPY, 1.9, 0.0};
    ck_assert_int_eq(edra_lattice_search(&r, &rt.md, &t, &o, NULL), 0);
    ck_assert(r.found);
    ck_assert_uint_eq(r.levels[0], 0);
    ck_assert_uint_eq(r.suppressed, 100);
    ck_assert(r.proven_optimal);
    edra_lattice_result_clear(&r);
    random_table_free(&rt);
}
END_TEST

/* ---- Adult (ARX 3.9.2 reference) and the sample, through the pipeline ---- */

static const char *shared_data(void)
{
    static char found[4096];
    const char *env = getenv("EDRA_SHARED_DATA");
    const char *candidates[] = {env, "../shared/data", "../../shared/data"};
    for (size_t i = 0; i < 3; i++) {
        char probe[4200];
        if (!candidates[i])
            continue;
        snprintf(probe, sizeof probe, "%s/adult/adult.csv", candidates[i]);
        if (access(probe, R_OK) == 0) {
            /* Absolute, since the spec's paths resolve against the spec's folder. */
            char cwd[2048];
            if (candidates[i][0] == '/' || !getcwd(cwd, sizeof cwd))
                snprintf(found, sizeof found, "%s", candidates[i]);
            else
                snprintf(found, sizeof found, "%s/%s", cwd, candidates[i]);
            return found;
        }
    }
    return NULL;
}

/* Writes a spec over Adult (all 9 columns QIs) into a new temporary folder; returns the
 * spec's path (the folder is dir). */
static char *adult_spec(const char *data, double suppression, char *dir)
{
    static const char *cols[] = {"sex", "age", "race", "marital-status", "education",
                                 "native-country", "workclass", "occupation", "salary-class"};
    char *path = malloc(strlen(dir) + 16);
    strcpy(dir, "/tmp/edra_lattice_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    sprintf(path, "%s/adult.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "data: {csv: %s/adult/adult.csv, delimiter: \";\"}\nattributes:\n", data);
    for (size_t i = 0; i < 9; i++)
        fprintf(f, "  %s: {role: quasi, hierarchy: %s/adult/adult_hierarchy_%s.csv}\n", cols[i],
                data, cols[i]);
    fprintf(f, "targets: {k: 5, suppression: %g}\nsearch: {metric: loss}\n", suppression);
    fclose(f);
    return path;
}

static void adult_case(double suppression, const uint8_t *want_levels, uint64_t want_suppressed,
                       double want_loss)
{
    const char *data = shared_data();
    edra_pipeline *p = NULL;
    edra_error err = {0};
    edra_search_result r;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    if (!data) {
        printf("SKIP: ../shared/data not found\n");
        return;
    }
    char dir[64] = "/tmp/edra_lattice_XXXXXX";
    char *spec = adult_spec(data, suppression, dir);
    ck_assert_msg(edra_pipeline_open(&p, spec, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(p->md->n_qi, 9);
    ck_assert_int_eq(edra_lattice_search(&r, p->md, &p->targets, &o, &err), 0);
    ck_assert(r.found);
    ck_assert(r.proven_optimal);
    ck_assert(r.lattice_nodes == 12960.0);
    for (size_t d = 0; d < 9; d++)
        ck_assert_msg(r.levels[d] == want_levels[d], "%s: level %u, ARX %u", p->md->qi_names[d],
                      r.levels[d], want_levels[d]);
    ck_assert_uint_eq(r.suppressed, want_suppressed);
    ck_assert_double_eq_tol(r.loss, want_loss, 1e-9 * want_loss);
    ck_assert_double_eq_tol(r.arx_loss, want_loss, 1e-9 * want_loss);
    edra_lattice_result_clear(&r);
    /* The best-effort search finds a node that meets the targets (the search confirms it
     * with edra_assess), no better than the optimum, and says it is not proven. */
    o.exhaustive_limit = 1;
    ck_assert_int_eq(edra_lattice_search(&r, p->md, &p->targets, &o, &err), 0);
    ck_assert(r.found);
    ck_assert(!r.proven_optimal && !r.exhaustive);
    ck_assert(r.loss >= want_loss * (1 - 1e-9));
    ck_assert(r.coverage > 0 && r.coverage < 0.05);
    edra_lattice_result_clear(&r);
    edra_pipeline_free(p);
    unlink(spec);
    rmdir(dir);
    free(spec);
}

START_TEST(test_lattice_search__adult_k5_no_suppression)
{
    /* REFERENCE.md: levels in file order sex, age, race, marital-status, education,
     * native-country, workclass, occupation, salary-class. */
    static const uint8_t levels[9] = {0, 4, 1, 1, 3, 2, 2, 1, 0};
    adult_case(0.0, levels, 0, 0.5731509655590044);
}
END_TEST

START_TEST(test_lattice_search__adult_k5_suppression_5pc)
{
    static const uint8_t levels[9] = {0, 3, 0, 0, 2, 1, 1, 2, 0};
    adult_case(0.05, levels, 1346, 0.2419323650662908);
}
END_TEST

START_TEST(test_lattice_search__sample_matches_brute_force)
{
    const char *srcdir = getenv("EDRA_SRCDIR");
    char spec[4096];
    edra_pipeline *p = NULL;
    edra_error err = {0};
    edra_search_result r;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    edra_loss *loss = NULL;
    snprintf(spec, sizeof spec, "%s/samples/discharge.yaml", srcdir ? srcdir : ".");
    if (access(spec, R_OK) != 0) {
        printf("SKIP: %s not found\n", spec);
        return;
    }
    ck_assert_msg(edra_pipeline_open(&p, spec, &err) == 0, "%s", err.msg);
    const edra_microdata *md = p->md;
    size_t n_qi = md->n_qi;
    double nodes = 1;
    for (size_t d = 0; d < n_qi; d++)
        nodes *= (double)edra_hierarchy_levels(md->qi_hier[d]);
    if (nodes > 20000) {
        printf("SKIP: the sample's lattice has %.0f nodes; brute force limited to 20000\n", nodes);
        edra_pipeline_free(p);
        return;
    }
    o.metric = (edra_loss_metric)p->spec->metric; /* the same order by design */
    o.population = p->population;
    ck_assert_int_eq(edra_lattice_search(&r, md, &p->targets, &o, &err), 0);
    ck_assert_int_eq(edra_loss_new(&loss, md, NULL), 0);
    /* Brute force over every node, lexicographic order, first of equal (loss, height). */
    uint8_t *levels = calloc(n_qi, 1), *best = calloc(n_qi, 1);
    int found = 0;
    double best_loss = 0;
    for (;;) {
        edra_classes *c = NULL;
        edra_figures f;
        edra_assess_opts ao = EDRA_ASSESS_OPTS_INIT;
        uint8_t *flags = NULL;
        uint64_t violating, suppressed;
        ck_assert_int_eq(edra_classes_compute(&c, md, levels, NULL), 0);
        ao.targets = &p->targets;
        ao.apply_suppression = 1;
        ao.population = p->population;
        ck_assert_int_eq(edra_assess(&f, c, &ao, NULL), 0);
        ck_assert_int_eq(
            edra_lattice_suppression(&flags, &violating, &suppressed, c, &p->targets, NULL), 0);
        double value = edra_loss_compute(loss, o.metric, c, flags, NULL);
        if (f.targets_met && (!found || value < best_loss ||
                              (value == best_loss && height(levels, n_qi) < height(best, n_qi)))) {
            found = 1;
            best_loss = value;
            memcpy(best, levels, n_qi);
        }
        free(flags);
        edra_figures_clear(&f);
        edra_classes_free(c);
        size_t d = n_qi;
        while (d-- > 0) {
            if ((size_t)levels[d] + 1 < edra_hierarchy_levels(md->qi_hier[d])) {
                levels[d]++;
                break;
            }
            levels[d] = 0;
        }
        if (d == (size_t)-1)
            break;
    }
    ck_assert_int_eq(r.found, found);
    if (found) {
        ck_assert(memcmp(r.levels, best, n_qi) == 0);
        ck_assert(r.loss == best_loss);
    }
    free(levels);
    free(best);
    edra_loss_free(loss);
    edra_lattice_result_clear(&r);
    edra_pipeline_free(p);
}
END_TEST

static Suite *lattice_suite(void)
{
    Suite *s = suite_create("lattice");
    TCase *tc = tcase_create("search");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_lattice_search__tiny_k2_no_suppression);
    tcase_add_test(tc, test_lattice_search__tiny_k2_with_suppression);
    tcase_add_test(tc, test_lattice_search__tiny_height_metric);
    tcase_add_test(tc, test_lattice_search__tiny_nothing_meets);
    tcase_add_test(tc, test_lattice_search__tiny_global_target);
    tcase_add_test(tc, test_lattice_search__progress_called);
    tcase_add_test(tc, test_lattice_search__best_effort_flagged);
    tcase_add_test(tc, test_lattice_search__time_limit_flagged);
    tcase_add_test(tc, test_lattice_search__too_many_levels);
    tcase_add_test(tc, test_lattice_search__entropy_failure_above_does_not_tag_below);
    tcase_add_loop_test(tc, test_lattice_search__matches_brute_force, 0, 4);
    tcase_add_test(tc, test_lattice_search__adult_k5_no_suppression);
    tcase_add_test(tc, test_lattice_search__adult_k5_suppression_5pc);
    tcase_add_test(tc, test_lattice_search__sample_matches_brute_force);
    suite_add_tcase(s, tc);
    tc = tcase_create("suppression");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_lattice_suppression__within_and_over_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lattice_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
