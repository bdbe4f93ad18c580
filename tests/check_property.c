/* Property test of the whole assessment (issue 3): for random transformations of the
 * bundled sample, every figure edra computes on the encoded data (classes, k, uniques,
 * prosecutor/journalist/marketer risk, l-diversity, t-closeness, suppression, verdicts)
 * equals a naive recount from the generalized STRING labels: records re-read from the CSV,
 * each value mapped to its label by string, classes formed by sorting the joined labels, and
 * every model written again here from its paper's definition (the hierarchical EMD by the
 * closed form of Li et al. 2007, Sec. 4.2, over lowest-common-ancestor costs). */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/csv.h"
#include "analyzer/pipeline.h"

/* Random transformations per spec, besides the bottom and the top. The second spec's
 * ~5,000-value ordered SA costs O(classes x values) per class scan, so it gets fewer. */
#define TRANSFORMATIONS 50
#define TRANSFORMATIONS_WIDE_SA 16
#define REL_TOL 1e-9
#define ABS_TOL 1e-12

/* ---- the sample, as strings -------------------------------------------------------- */

typedef struct {
    size_t n;                 /* records */
    size_t n_qi, n_sa;
    char ***qi;               /* [n_qi][n] value strings */
    char ***sa;               /* [n_sa][n] */
} records;

/* A hierarchy as a table of label strings, rows sorted by the level-0 value. */
typedef struct {
    size_t rows, levels;
    const char **cells;       /* [rows][levels] borrowed from the hierarchy */
} label_table;

typedef struct {
    const char *label;
    double rank;
} ranked;

/* One SA's naive domain: distinct values, the reference counts, the order and hierarchy. */
typedef struct {
    size_t m;                 /* domain size (hierarchy leaves, else distinct values) */
    const char **values;      /* [m] sorted by strcmp */
    double *rank;             /* [m] position in the order, or NULL (no order) */
    const label_table *hier;  /* or NULL */
    size_t *node_of;          /* [levels][m] hier: the first value with the same label */
    double *q;                /* [m] share of all records */
    double recursive_c;
} sa_domain;

static char srcdir[4096];
static char tmpdir[64];

static const char *find_srcdir(void)
{
    const char *env = getenv("EDRA_SRCDIR");
    const char *candidates[] = {env, "..", ".", "../.."};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        char path[4200];
        if (!candidates[i])
            continue;
        snprintf(path, sizeof path, "%s/samples/discharge.yaml", candidates[i]);
        if (access(path, R_OK) == 0) {
            snprintf(srcdir, sizeof srcdir, "%s", candidates[i]);
            return srcdir;
        }
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static records read_records(const char *csv_path, const edra_microdata *md)
{
    records r = {0};
    edra_csv *csv = NULL;
    edra_error err = {0};
    char **fields;
    size_t *lengths, n_fields, cap = 1024;
    long qi_col[64], sa_col[64];
    ck_assert_msg(edra_csv_open(&csv, csv_path, ',', &err) == 0, "%s", err.msg);
    ck_assert_int_eq(edra_csv_next(csv, &fields, &lengths, &n_fields, &err), 1);
    r.n_qi = md->n_qi;
    r.n_sa = md->n_sa;
    for (size_t d = 0; d < md->n_qi + md->n_sa; d++) {
        const char *name = d < md->n_qi ? md->qi_names[d] : md->sa_names[d - md->n_qi];
        long col = -1;
        for (size_t c = 0; c < n_fields; c++)
            if (strcmp(fields[c], name) == 0)
                col = (long)c;
        ck_assert_msg(col >= 0, "column %s", name);
        if (d < md->n_qi)
            qi_col[d] = col;
        else
            sa_col[d - md->n_qi] = col;
    }
    r.qi = calloc(r.n_qi, sizeof *r.qi);
    r.sa = calloc(r.n_sa + 1, sizeof *r.sa);
    for (size_t d = 0; d < r.n_qi; d++)
        r.qi[d] = malloc(cap * sizeof *r.qi[d]);
    for (size_t s = 0; s < r.n_sa; s++)
        r.sa[s] = malloc(cap * sizeof *r.sa[s]);
    while (edra_csv_next(csv, &fields, &lengths, &n_fields, &err) == 1) {
        if (r.n == cap) {
            cap *= 2;
            for (size_t d = 0; d < r.n_qi; d++)
                r.qi[d] = realloc(r.qi[d], cap * sizeof *r.qi[d]);
            for (size_t s = 0; s < r.n_sa; s++)
                r.sa[s] = realloc(r.sa[s], cap * sizeof *r.sa[s]);
        }
        for (size_t d = 0; d < r.n_qi; d++)
            r.qi[d][r.n] = strdup(fields[qi_col[d]]);
        for (size_t s = 0; s < r.n_sa; s++)
            r.sa[s][r.n] = strdup(fields[sa_col[s]]);
        r.n++;
    }
    edra_csv_free(csv);
    return r;
}

static void records_free(records *r)
{
    for (size_t d = 0; d < r->n_qi; d++) {
        for (size_t i = 0; i < r->n; i++)
            free(r->qi[d][i]);
        free(r->qi[d]);
    }
    for (size_t s = 0; s < r->n_sa; s++) {
        for (size_t i = 0; i < r->n; i++)
            free(r->sa[s][i]);
        free(r->sa[s]);
    }
    free(r->qi);
    free(r->sa);
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static label_table labels_of(const edra_hierarchy *h)
{
    label_table t;
    t.rows = edra_hierarchy_leaves(h);
    t.levels = edra_hierarchy_levels(h);
    t.cells = malloc(t.rows * t.levels * sizeof *t.cells);
    for (size_t leaf = 0; leaf < t.rows; leaf++)
        for (size_t l = 0; l < t.levels; l++)
            t.cells[leaf * t.levels + l] = edra_hierarchy_label(h, l, edra_hierarchy_code(h, l, leaf));
    /* Rows as blocks of `levels` pointers sorted by their first cell. */
    qsort(t.cells, t.rows, t.levels * sizeof *t.cells, cmp_row);
    return t;
}

/* Row of value in t (by its level-0 string), or -1. */
static long label_row(const label_table *t, const char *value)
{
    size_t lo = 0, hi = t->rows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(t->cells[mid * t->levels], value);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The label of value at level: from the hierarchy's rows, or for a ZIP the sample never had
 * (population rows), the mask builder's rule written out: level l masks the last l
 * characters, and a 5-digit ZIP is fully masked at level 5. */
static void label_of(char *out, size_t cap, const label_table *t, const char *value, size_t level,
                     int zip)
{
    long row = label_row(t, value);
    if (row >= 0) {
        snprintf(out, cap, "%s", t->cells[(size_t)row * t->levels + level]);
        return;
    }
    ck_assert_msg(zip && strlen(value) == 5 && level <= 5, "value %s not in its hierarchy", value);
    snprintf(out, cap, "%.*s%.*s", (int)(5 - level), value, (int)level, "*****");
}

/* ---- the naive figures --------------------------------------------------------------- */

typedef struct {
    size_t classes;
    uint64_t k_min, k_max, uniques, suppressed, records_kept;
    int suppression_applied, suppression_exceeded;
    double average, highest, at_risk;
    double j_highest, j_average, j_at_risk, marketer;
    double l_distinct[8], l_entropy[8], l_recursive[8];
    double t_equal[8], t_ordered[8], t_hier[8];
    size_t n_hist;
    uint64_t hist_size[6000], hist_classes[6000];
    int targets_met;
} naive_figures;

typedef struct {
    const char *key;
    size_t record;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

/* Index of value among the SA's sorted distinct values. */
static size_t sa_index(const sa_domain *dom, const char *value)
{
    const char **hit = bsearch(&value, dom->values, dom->m, sizeof *dom->values, cmp_str);
    ck_assert_msg(hit != NULL, "SA value %s", value);
    return (size_t)(hit - dom->values);
}

static double naive_distinct(const uint64_t *counts, size_t m)
{
    double distinct = 0;
    for (size_t v = 0; v < m; v++)
        distinct += counts[v] > 0;
    return distinct;
}

static double naive_entropy(const uint64_t *counts, size_t m, uint64_t n)
{
    double h = 0;
    for (size_t v = 0; v < m; v++)
        if (counts[v])
            h += -((double)counts[v] / (double)n) * log((double)counts[v] / (double)n);
    return exp(h);
}

static int cmp_desc_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

/* Definition 4.2 read literally: the largest l with r_1 < c (r_l + ... + r_m), trying l
 * from the largest down. */
static double naive_recursive(const uint64_t *counts, size_t m, double c)
{
    uint64_t *r = malloc((m ? m : 1) * sizeof *r);
    size_t present = 0;
    double answer = 0;
    for (size_t v = 0; v < m; v++)
        if (counts[v])
            r[present++] = counts[v];
    qsort(r, present, sizeof *r, cmp_desc_u64);
    for (size_t l = present; l >= 1 && answer == 0; l--) {
        double tail = 0;
        for (size_t i = l - 1; i < present; i++)
            tail += (double)r[i];
        if ((double)r[0] < c * tail)
            answer = (double)l;
    }
    free(r);
    return answer;
}

static double naive_equal(const double *p, const sa_domain *dom)
{
    double sum = 0;
    for (size_t v = 0; v < dom->m; v++)
        sum += fabs(p[v] - dom->q[v]);
    return sum / 2;
}

static double naive_ordered(const double *p, const sa_domain *dom)
{
    double *diff = calloc(dom->m, sizeof *diff), cum = 0, sum = 0;
    if (!dom->rank) {
        free(diff);
        return NAN;
    }
    for (size_t v = 0; v < dom->m; v++)
        diff[(size_t)dom->rank[v]] = p[v] - dom->q[v];
    for (size_t i = 0; i < dom->m; i++) {
        cum += diff[i];
        sum += fabs(cum);
    }
    free(diff);
    return dom->m > 1 ? sum / (double)(dom->m - 1) : 0.0;
}

/* Li et al. 2007, Sec. 4.2: D = sum over internal nodes N of (height(N)/H) *
 * min(pos_extra(N), neg_extra(N)), where pos/neg_extra sum the positive / negative extras
 * of N's children and extra(child) = sum over its leaves of p - q. A node is named by the
 * first domain value under it (node_of, found once by comparing label strings). */
static double naive_hierarchical(const double *p, const sa_domain *dom)
{
    size_t m = dom->m, height;
    double total = 0;
    if (!dom->hier)
        return NAN;
    height = dom->hier->levels - 1;
    double *extra = calloc(m, sizeof *extra), *pos = calloc(m, sizeof *pos),
           *neg = calloc(m, sizeof *neg);
    for (size_t level = 1; level <= height; level++) {
        const size_t *child_of = dom->node_of + (level - 1) * m, *parent_of = dom->node_of + level * m;
        memset(extra, 0, m * sizeof *extra);
        memset(pos, 0, m * sizeof *pos);
        memset(neg, 0, m * sizeof *neg);
        for (size_t v = 0; v < m; v++)
            extra[child_of[v]] += p[v] - dom->q[v];
        for (size_t c = 0; c < m; c++) {
            if (child_of[c] != c)
                continue;
            if (extra[c] > 0)
                pos[parent_of[c]] += extra[c];
            else
                neg[parent_of[c]] -= extra[c];
        }
        for (size_t n = 0; n < m; n++)
            if (parent_of[n] == n)
                total += ((double)level / (double)height) * fmin(pos[n], neg[n]);
    }
    free(extra);
    free(pos);
    free(neg);
    return total;
}

typedef struct {
    const char *key;
    uint64_t count;
} pop_entry;

typedef struct {
    const edra_targets *targets;
    size_t n_sa;
    sa_domain *doms;
    const pop_entry *pop;     /* population rows sorted by key, or NULL */
    size_t n_pop;
} naive_setup;

static double class_distance(const naive_setup *ns, size_t s, edra_tclose_model m, const double *p)
{
    switch (m) {
    case EDRA_TCLOSE_EQUAL:
        return naive_equal(p, &ns->doms[s]);
    case EDRA_TCLOSE_ORDERED:
        return naive_ordered(p, &ns->doms[s]);
    case EDRA_TCLOSE_HIERARCHICAL:
        return naive_hierarchical(p, &ns->doms[s]);
    }
    return NAN;
}

static int cmp_pop(const void *a, const void *b)
{
    return strcmp(((const pop_entry *)a)->key, ((const pop_entry *)b)->key);
}

/* People in the population rows whose joined labels equal key. */
static uint64_t population_of(const naive_setup *ns, const char *key)
{
    size_t lo = 0, hi = ns->n_pop;
    uint64_t people = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(ns->pop[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ns->n_pop && strcmp(ns->pop[lo].key, key) == 0; lo++)
        people += ns->pop[lo].count;
    return people;
}

/* Everything about one class, computed once per transformation. */
typedef struct {
    uint64_t size, population;
    double distinct[8], entropy[8], recursive[8], t_eq[8], t_ord[8], t_hier[8];
    double t_target[16];      /* distance under each t target's model */
    double rec_target[16];    /* recursive l under each l target's c */
    int violates;
} naive_class;

/* Groups the records by their joined labels and computes every model per class. */
static naive_class *naive_classes(size_t *n_out, const records *r, const naive_setup *ns,
                                  char **keys)
{
    const edra_targets *t = ns->targets;
    keyed *order = malloc(r->n * sizeof *order);
    naive_class *classes = calloc(r->n, sizeof *classes);
    size_t n_classes = 0;
    for (size_t i = 0; i < r->n; i++) {
        order[i].key = keys[i];
        order[i].record = i;
    }
    qsort(order, r->n, sizeof *order, cmp_keyed);
    for (size_t start = 0; start < r->n;) {
        size_t end = start;
        while (end < r->n && strcmp(order[end].key, order[start].key) == 0)
            end++;
        naive_class *nc = &classes[n_classes++];
        nc->size = end - start;
        nc->population = ns->pop ? population_of(ns, order[start].key) : nc->size;
        for (size_t s = 0; s < ns->n_sa; s++) {
            const sa_domain *dom = &ns->doms[s];
            uint64_t *counts = calloc(dom->m, sizeof *counts);
            double *p = calloc(dom->m, sizeof *p);
            for (size_t i = start; i < end; i++)
                counts[sa_index(dom, r->sa[s][order[i].record])]++;
            for (size_t v = 0; v < dom->m; v++)
                p[v] = (double)counts[v] / (double)nc->size;
            nc->distinct[s] = naive_distinct(counts, dom->m);
            nc->entropy[s] = naive_entropy(counts, dom->m, nc->size);
            nc->recursive[s] = naive_recursive(counts, dom->m, dom->recursive_c);
            nc->t_eq[s] = naive_equal(p, dom);
            nc->t_ord[s] = naive_ordered(p, dom);
            nc->t_hier[s] = naive_hierarchical(p, dom);
            for (size_t i = 0; i < t->n_ldiv; i++)
                if (t->ldiv[i].sa == s)
                    nc->rec_target[i] = naive_recursive(counts, dom->m, t->ldiv[i].c);
            for (size_t i = 0; i < t->n_tclose; i++)
                if (t->tclose[i].sa == s)
                    nc->t_target[i] = class_distance(ns, s, t->tclose[i].model, p);
            free(counts);
            free(p);
        }
        start = end;
    }
    /* A class violates k (or 1/prosecutor threshold), an l or a t target. */
    uint64_t k_eff = t->k;
    if (t->prosecutor_risk > 0 && (uint64_t)ceil(1.0 / t->prosecutor_risk - 1e-12) > k_eff)
        k_eff = (uint64_t)ceil(1.0 / t->prosecutor_risk - 1e-12);
    for (size_t c = 0; c < n_classes; c++) {
        naive_class *nc = &classes[c];
        int bad = nc->size < k_eff;
        for (size_t i = 0; i < t->n_ldiv; i++) {
            const edra_ldiv_target *lt = &t->ldiv[i];
            if (lt->model == EDRA_LDIV_DISTINCT)
                bad |= nc->distinct[lt->sa] < lt->l;
            else if (lt->model == EDRA_LDIV_ENTROPY)
                bad |= nc->entropy[lt->sa] < lt->l * (1 - 1e-9);
            else
                bad |= nc->rec_target[i] < lt->l;
        }
        for (size_t i = 0; i < t->n_tclose; i++)
            bad |= nc->t_target[i] > t->tclose[i].t + 1e-12;
        nc->violates = bad;
    }
    free(order);
    *n_out = n_classes;
    return classes;
}

/* The figures over the released classes: ARX's suppression drops the violating classes
 * when their records are at most the limit's share of all, else nothing. */
static void naive_assess(naive_figures *nf, const naive_class *classes, size_t n_classes,
                         size_t n_records, const naive_setup *ns, int apply_suppression,
                         double threshold)
{
    const edra_targets *t = ns->targets;
    uint64_t violating = 0;
    memset(nf, 0, sizeof *nf);
    for (size_t c = 0; c < n_classes; c++)
        violating += classes[c].violates ? classes[c].size : 0;
    int suppress = 0;
    if (apply_suppression) {
        suppress = (double)violating <= t->suppression * (double)n_records + 1e-9;
        nf->suppression_applied = suppress;
        nf->suppression_exceeded = !suppress;
        nf->suppressed = suppress ? violating : 0;
    }
    for (size_t s = 0; s < ns->n_sa; s++) {
        nf->l_distinct[s] = nf->l_entropy[s] = nf->l_recursive[s] = INFINITY;
        nf->t_equal[s] = nf->t_ordered[s] = nf->t_hier[s] = 0;
    }
    uint64_t *sizes = calloc(n_classes + 1, sizeof *sizes);
    size_t n_kept = 0;
    double marketer = 0, j_expected = 0;
    uint64_t at_risk = 0, j_at_risk = 0, pop_min = UINT64_MAX;
    double l_target_achieved[16], t_target_achieved[16];
    for (size_t i = 0; i < 16; i++) {
        l_target_achieved[i] = INFINITY;
        t_target_achieved[i] = 0;
    }
    nf->k_min = UINT64_MAX;
    for (size_t c = 0; c < n_classes; c++) {
        const naive_class *nc = &classes[c];
        if (suppress && nc->violates)
            continue;
        sizes[n_kept++] = nc->size;
        nf->records_kept += nc->size;
        nf->k_min = nc->size < nf->k_min ? nc->size : nf->k_min;
        nf->k_max = nc->size > nf->k_max ? nc->size : nf->k_max;
        nf->uniques += nc->size == 1;
        at_risk += 1.0 / (double)nc->size > threshold ? nc->size : 0;
        j_at_risk += 1.0 / (double)nc->population > threshold ? nc->size : 0;
        j_expected += (double)nc->size / (double)nc->population;
        pop_min = nc->population < pop_min ? nc->population : pop_min;
        marketer += (double)nc->size / (double)nc->population;
        for (size_t s = 0; s < ns->n_sa; s++) {
            nf->l_distinct[s] = fmin(nf->l_distinct[s], nc->distinct[s]);
            nf->l_entropy[s] = fmin(nf->l_entropy[s], nc->entropy[s]);
            nf->l_recursive[s] = fmin(nf->l_recursive[s], nc->recursive[s]);
            nf->t_equal[s] = fmax(nf->t_equal[s], nc->t_eq[s]);
            nf->t_ordered[s] = fmax(nf->t_ordered[s], nc->t_ord[s]);
            nf->t_hier[s] = fmax(nf->t_hier[s], nc->t_hier[s]);
        }
        for (size_t i = 0; i < t->n_ldiv; i++) {
            const edra_ldiv_target *lt = &t->ldiv[i];
            double v = lt->model == EDRA_LDIV_DISTINCT  ? nc->distinct[lt->sa]
                       : lt->model == EDRA_LDIV_ENTROPY ? nc->entropy[lt->sa]
                                                        : nc->rec_target[i];
            l_target_achieved[i] = fmin(l_target_achieved[i], v);
        }
        for (size_t i = 0; i < t->n_tclose; i++)
            t_target_achieved[i] = fmax(t_target_achieved[i], nc->t_target[i]);
    }
    for (size_t s = 0; s < ns->n_sa; s++) {
        /* NaN where no order / hierarchy, as edra reports. */
        if (!ns->doms[s].rank)
            nf->t_ordered[s] = NAN;
        if (!ns->doms[s].hier)
            nf->t_hier[s] = NAN;
    }
    nf->classes = n_kept;
    nf->average = (double)n_kept / (double)nf->records_kept;
    nf->highest = 1.0 / (double)nf->k_min;
    nf->at_risk = (double)at_risk / (double)nf->records_kept;
    nf->j_highest = 1.0 / (double)pop_min;
    nf->j_average = j_expected / (double)nf->records_kept;
    nf->j_at_risk = (double)j_at_risk / (double)nf->records_kept;
    nf->marketer = marketer / (double)nf->records_kept;
    /* Class-size histogram: sizes in descending order, read backwards as runs. */
    qsort(sizes, n_kept, sizeof *sizes, cmp_desc_u64);
    for (size_t i = n_kept; i-- > 0;) {
        if (nf->n_hist && nf->hist_size[nf->n_hist - 1] == sizes[i]) {
            nf->hist_classes[nf->n_hist - 1]++;
        } else {
            nf->hist_size[nf->n_hist] = sizes[i];
            nf->hist_classes[nf->n_hist++] = 1;
        }
    }
    int met = 1;
    if (t->k)
        met &= nf->k_min >= t->k;
    if (t->average_risk >= 0)
        met &= nf->average <= t->average_risk + 1e-12;
    if (t->records_at_risk >= 0)
        met &= nf->at_risk <= t->records_at_risk + 1e-12;
    if (t->journalist_risk >= 0)
        met &= nf->j_highest <= t->journalist_risk + 1e-12;
    if (t->marketer_risk >= 0)
        met &= nf->marketer <= t->marketer_risk + 1e-12;
    for (size_t i = 0; i < t->n_ldiv; i++)
        met &= l_target_achieved[i] >= t->ldiv[i].l * (t->ldiv[i].model == EDRA_LDIV_ENTROPY ? 1 - 1e-9 : 1);
    for (size_t i = 0; i < t->n_tclose; i++)
        met &= t_target_achieved[i] <= t->tclose[i].t + 1e-12;
    met &= (double)nf->suppressed / (double)n_records <= t->suppression + 1e-12;
    nf->targets_met = met;
    free(sizes);
}

/* ---- comparison ---------------------------------------------------------------------- */

static int same(double got, double want)
{
    if (isnan(got) || isnan(want))
        return isnan(got) && isnan(want);
    if (isinf(got) || isinf(want))
        return got == want;
    double diff = fabs(got - want);
    return diff <= REL_TOL * fabs(want) || diff <= ABS_TOL;
}

#define CHECK_FIG(what, got, want)                                                         \
    ck_assert_msg(same((double)(got), (double)(want)), "%s: %s = %.17g, naive %.17g", where, \
                  what, (double)(got), (double)(want))

static void compare(const edra_figures *f, const naive_figures *nf, const naive_setup *ns,
                    const char *where, int has_pop_table)
{
    CHECK_FIG("suppressed", f->suppressed, nf->suppressed);
    ck_assert_msg(f->suppression_applied == nf->suppression_applied, "%s: suppression applied", where);
    ck_assert_msg(f->suppression_exceeded == nf->suppression_exceeded, "%s: suppression exceeded", where);
    CHECK_FIG("classes", f->prosecutor.classes, nf->classes);
    CHECK_FIG("records", f->prosecutor.records, nf->records_kept);
    CHECK_FIG("k", f->prosecutor.k_min, nf->k_min);
    CHECK_FIG("largest class", f->prosecutor.k_max, nf->k_max);
    CHECK_FIG("sample uniques", f->prosecutor.sample_uniques, nf->uniques);
    CHECK_FIG("average risk", f->prosecutor.average, nf->average);
    CHECK_FIG("highest risk", f->prosecutor.highest, nf->highest);
    CHECK_FIG("records at risk", f->prosecutor.records_at_risk, nf->at_risk);
    CHECK_FIG("marketer", f->marketer, nf->marketer);
    ck_assert_msg(f->journalist_from_sample == !has_pop_table, "%s: journalist source", where);
    CHECK_FIG("journalist highest", f->journalist.highest, nf->j_highest);
    CHECK_FIG("journalist average", f->journalist.average, nf->j_average);
    CHECK_FIG("journalist at risk", f->journalist.records_at_risk, nf->j_at_risk);
    ck_assert_msg(f->n_sizes == nf->n_hist, "%s: %zu class sizes, naive %zu", where, f->n_sizes,
                  nf->n_hist);
    for (size_t i = 0; i < nf->n_hist; i++) {
        CHECK_FIG("histogram size", f->hist_size[i], nf->hist_size[i]);
        CHECK_FIG("histogram classes", f->hist_classes[i], nf->hist_classes[i]);
    }
    ck_assert_uint_eq(f->n_sa, ns->n_sa);
    for (size_t s = 0; s < ns->n_sa; s++) {
        CHECK_FIG("distinct l", f->sa[s].l_distinct, nf->l_distinct[s]);
        CHECK_FIG("entropy l", f->sa[s].l_entropy, nf->l_entropy[s]);
        CHECK_FIG("recursive l", f->sa[s].l_recursive, nf->l_recursive[s]);
        CHECK_FIG("equal t", f->sa[s].t_equal, nf->t_equal[s]);
        CHECK_FIG("ordered t", f->sa[s].t_ordered, nf->t_ordered[s]);
        CHECK_FIG("hierarchical t", f->sa[s].t_hierarchical, nf->t_hier[s]);
    }
    ck_assert_msg(f->targets_met == nf->targets_met, "%s: targets met %d, naive %d", where,
                  f->targets_met, nf->targets_met);
}

/* ---- the property ---------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t next_random(void)
{
    /* xorshift64*: deterministic across platforms, so a failure names a reproducible case. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static void build_domain(sa_domain *dom, const edra_pipeline *p, const records *r, size_t s,
                         label_table *hier_table)
{
    const edra_microdata *md = p->md;
    const edra_spec_attr *a = edra_dataset_sa_attr(p->data, s);
    memset(dom, 0, sizeof *dom);
    if (md->sa_hier[s]) {
        /* The domain is the hierarchy's leaves; the order is its row order. */
        const edra_hierarchy *h = md->sa_hier[s];
        *hier_table = labels_of(h);
        dom->hier = hier_table;
        dom->m = edra_hierarchy_leaves(h);
        dom->values = malloc(dom->m * sizeof *dom->values);
        for (size_t leaf = 0; leaf < dom->m; leaf++)
            dom->values[leaf] = edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf));
        qsort(dom->values, dom->m, sizeof *dom->values, cmp_str);
        dom->rank = malloc(dom->m * sizeof *dom->rank);
        for (size_t leaf = 0; leaf < dom->m; leaf++)
            dom->rank[sa_index(dom, edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf)))] =
                (double)leaf;
        size_t levels = hier_table->levels;
        dom->node_of = malloc(levels * dom->m * sizeof *dom->node_of);
        for (size_t l = 0; l < levels; l++)
            for (size_t v = 0; v < dom->m; v++) {
                const char *label = hier_table->cells[(size_t)label_row(hier_table, dom->values[v]) * levels + l];
                size_t first = v;
                for (size_t u = 0; u < v && first == v; u++)
                    if (strcmp(hier_table->cells[(size_t)label_row(hier_table, dom->values[u]) * levels + l],
                               label) == 0)
                        first = u;
                dom->node_of[l * dom->m + v] = first;
            }
    } else {
        const char **all = malloc(r->n * sizeof *all);
        memcpy(all, r->sa[s], r->n * sizeof *all);
        qsort(all, r->n, sizeof *all, cmp_str);
        dom->values = malloc(r->n * sizeof *dom->values);
        for (size_t i = 0; i < r->n; i++)
            if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
                dom->values[dom->m++] = all[i];
        free(all);
        if (a->type == EDRA_TYPE_INTEGER || a->type == EDRA_TYPE_DECIMAL) {
            ranked *items = malloc(dom->m * sizeof *items);
            for (size_t v = 0; v < dom->m; v++) {
                items[v].label = dom->values[v];
                items[v].rank = strtod(dom->values[v], NULL);
            }
            qsort(items, dom->m, sizeof *items, cmp_ranked);
            dom->rank = malloc(dom->m * sizeof *dom->rank);
            for (size_t i = 0; i < dom->m; i++)
                dom->rank[sa_index(dom, items[i].label)] = (double)i;
            free(items);
        }
    }
    dom->q = calloc(dom->m, sizeof *dom->q);
    for (size_t i = 0; i < r->n; i++)
        dom->q[sa_index(dom, r->sa[s][i])] += 1.0 / (double)r->n;
    dom->recursive_c = 2.0;
    for (size_t i = 0; i < p->targets.n_ldiv; i++)
        if (p->targets.ldiv[i].sa == s && p->targets.ldiv[i].model == EDRA_LDIV_RECURSIVE) {
            dom->recursive_c = p->targets.ldiv[i].c;
            break;
        }
}

/* Joined labels of record i's QIs (or of population row values) at levels. */
static char *join_labels(const label_table *qi_tables, size_t n_qi, char *const *values,
                         const uint8_t *levels, int zip_qi)
{
    char buf[4096], label[512];
    size_t len = 0;
    for (size_t d = 0; d < n_qi; d++) {
        label_of(label, sizeof label, &qi_tables[d], values[d], levels[d], (int)d == zip_qi);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s\x1f", label);
        ck_assert(len < sizeof buf);
    }
    return strdup(buf);
}

/* The property over spec_path; pop lists population rows (QI strings + count) or is empty. */
static void run_property(const char *spec_path, char ***pop_rows, const uint64_t *pop_counts,
                         size_t n_pop, uint64_t seed, int transformations)
{
    edra_pipeline *p = NULL;
    edra_error err = {0};
    char csv_path[4200];
    ck_assert_msg(edra_pipeline_open(&p, spec_path, &err) == 0, "%s", err.msg);
    const edra_microdata *md = p->md;
    ck_assert_msg(md->n_sa <= 8, "at most 8 SAs in this test");
    snprintf(csv_path, sizeof csv_path, "%s", p->spec->data_path);
    records r = read_records(csv_path, md);
    ck_assert_uint_eq(r.n, md->n_records);

    label_table *qi_tables = calloc(md->n_qi, sizeof *qi_tables);
    label_table sa_tables[8];
    sa_domain doms[8];
    int zip_qi = -1;
    for (size_t d = 0; d < md->n_qi; d++) {
        qi_tables[d] = labels_of(md->qi_hier[d]);
        if (strcmp(md->qi_names[d], "zip") == 0)
            zip_qi = (int)d;
    }
    for (size_t s = 0; s < md->n_sa; s++)
        build_domain(&doms[s], p, &r, s, &sa_tables[s]);
    naive_setup ns = {&p->targets, md->n_sa, doms, NULL, n_pop};

    uint8_t levels[64], tops[64];
    char **keys = malloc(r.n * sizeof *keys);
    pop_entry *pop = calloc(n_pop + 1, sizeof *pop);
    char **values = malloc(md->n_qi * sizeof *values);
    for (size_t d = 0; d < md->n_qi; d++)
        tops[d] = (uint8_t)(edra_hierarchy_levels(md->qi_hier[d]) - 1);
    rng_state = seed;
    for (int trial = 0; trial < transformations + 2; trial++) {
        for (size_t d = 0; d < md->n_qi; d++)
            levels[d] = trial == 0 ? 0 : trial == 1 ? tops[d] : (uint8_t)(next_random() % (tops[d] + 1u));
        for (size_t i = 0; i < r.n; i++) {
            for (size_t d = 0; d < md->n_qi; d++)
                values[d] = r.qi[d][i];
            keys[i] = join_labels(qi_tables, md->n_qi, values, levels, zip_qi);
        }
        for (size_t i = 0; i < n_pop; i++) {
            pop[i].key = join_labels(qi_tables, md->n_qi, pop_rows[i], levels, zip_qi);
            pop[i].count = pop_counts[i];
        }
        qsort(pop, n_pop, sizeof *pop, cmp_pop);
        ns.pop = n_pop ? pop : NULL;
        size_t n_classes = 0;
        naive_class *classes = naive_classes(&n_classes, &r, &ns, keys);
        for (int suppress = 0; suppress <= 1; suppress++) {
            char where[512];
            size_t len = (size_t)snprintf(where, sizeof where, "%s seed %llu trial %d%s levels",
                                          spec_path, (unsigned long long)seed, trial,
                                          suppress ? " suppressed" : "");
            for (size_t d = 0; d < md->n_qi; d++)
                len += (size_t)snprintf(where + len, sizeof where - len, " %s=%u", md->qi_names[d],
                                        levels[d]);
            edra_figures f;
            naive_figures nf;
            ck_assert_msg(edra_pipeline_assess(p, levels, suppress, &f, &err) == 0, "%s: %s", where,
                          err.msg);
            naive_assess(&nf, classes, n_classes, r.n, &ns, suppress, p->targets.risk_threshold);
            compare(&f, &nf, &ns, where, n_pop > 0);
            edra_figures_clear(&f);
        }
        free(classes);
        for (size_t i = 0; i < r.n; i++)
            free(keys[i]);
        for (size_t i = 0; i < n_pop; i++)
            free((char *)pop[i].key);
    }
    free(keys);
    free(pop);
    free(values);
    for (size_t d = 0; d < md->n_qi; d++)
        free(qi_tables[d].cells);
    free(qi_tables);
    for (size_t s = 0; s < md->n_sa; s++) {
        if (doms[s].hier)
            free(sa_tables[s].cells);
        free(doms[s].values);
        free(doms[s].rank);
        free(doms[s].node_of);
        free(doms[s].q);
    }
    records_free(&r);
    edra_pipeline_free(p);
}

static uint64_t seed_from_env(void)
{
    const char *text = getenv("EDRA_PROPERTY_SEED");
    return text && *text ? strtoull(text, NULL, 10) : 20240611ULL;
}

START_TEST(test_property_assess__sample_spec)
{
    char spec[4200];
    if (!find_srcdir()) {
        printf("SKIP: samples/discharge.yaml not found (set EDRA_SRCDIR)\n");
        return;
    }
    snprintf(spec, sizeof spec, "%s/samples/discharge.yaml", srcdir);
    run_property(spec, NULL, NULL, 0, seed_from_env(), TRANSFORMATIONS);
}
END_TEST

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    text[len] = '\0';
    fclose(f);
    return text;
}

/* Replaces the one occurrence of from (which must be there) with to. */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "samples/discharge.yaml no longer holds '%s'", from);
    size_t head = (size_t)(at - text), len = strlen(text) + strlen(to) - strlen(from);
    char *out = malloc(len + 1);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    free(text);
    return out;
}

START_TEST(test_property_assess__more_models_and_population_table)
{
    /* The sample spec with payer (5 strings, no order) and charges (decimal, ~5,000 values:
     * ordered t on a domain larger than the stack scratch) made sensitive, l and t targets on
     * each, journalist/marketer targets, and a population table of every sample record's QIs
     * (1-3 people), recombined rows (2 people) and ZIPs the sample lacks (3 people, labelled
     * by the mask rule). */
    char spec_path[128], pop_path[128], sample_dir[4200], buf[8192];
    if (!find_srcdir()) {
        printf("SKIP: samples/discharge.yaml not found (set EDRA_SRCDIR)\n");
        return;
    }
    snprintf(sample_dir, sizeof sample_dir, "%s/samples", srcdir);
    char *real_dir = realpath(sample_dir, NULL);
    ck_assert_ptr_nonnull(real_dir);
    strcpy(tmpdir, "/tmp/edra_property_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(spec_path, sizeof spec_path, "%s/spec.yaml", tmpdir);
    snprintf(pop_path, sizeof pop_path, "%s/pop.csv", tmpdir);

    snprintf(buf, sizeof buf, "%s/discharge.yaml", real_dir);
    char *text = read_text(buf);
    snprintf(buf, sizeof buf, "csv: %s/discharge.csv", real_dir);
    text = replace(text, "csv: discharge.csv", buf);
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "hierarchy: %s/hierarchy_", real_dir);
        text = replace(text, "hierarchy: hierarchy_", buf);
    }
    text = replace(text, "payer:   {role: insensitive}", "payer:   {role: sensitive}");
    text = replace(text, "charges: {role: insensitive, type: decimal}",
                   "charges: {role: sensitive, type: decimal}");
    snprintf(buf, sizeof buf, "population: {size: 7000000, table: %s}", pop_path);
    text = replace(text, "population: {size: 7000000}", buf);
    text = replace(text, "  k: 5\n", "  k: 5\n  journalist_risk: 0.5\n  marketer_risk: 0.2\n"
                                     "  records_at_risk: 0.5\n");
    text = replace(text, "  l: {model: distinct, l: 2, attribute: icd10_chapter}",
                   "  l: [{model: distinct, l: 2, attribute: icd10_chapter},\n"
                   "      {model: recursive, l: 2, c: 3, attribute: payer},\n"
                   "      {model: entropy, l: 1.5, attribute: icd10_chapter}]");
    text = replace(text, "  t: {model: hierarchical, t: 0.3, attribute: icd10_chapter}",
                   "  t: [{model: hierarchical, t: 0.3, attribute: icd10_chapter},\n"
                   "      {model: ordered, t: 0.4, attribute: charges},\n"
                   "      {model: equal, t: 0.5, attribute: payer},\n"
                   "      {model: ordered, t: 0.5, attribute: icd10_chapter}]");
    FILE *f = fopen(spec_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(text);

    /* The population rows, from the sample's QI strings. */
    edra_pipeline *p = NULL;
    edra_error err = {0};
    snprintf(buf, sizeof buf, "%s/discharge.yaml", real_dir);
    ck_assert_msg(edra_pipeline_open(&p, buf, &err) == 0, "%s", err.msg);
    records r = read_records(p->spec->data_path, p->md);
    size_t n_qi = p->md->n_qi, n_pop = 0, zip_qi = n_qi;
    static const char *absent_zips[] = {"01000", "02000", "02999", "01990"};
    char ***rows = malloc((2 * r.n + 4) * sizeof *rows);
    uint64_t *counts = calloc(2 * r.n + 4, sizeof *counts);
    f = fopen(pop_path, "w");
    ck_assert_ptr_nonnull(f);
    for (size_t d = 0; d < n_qi; d++) {
        fprintf(f, "%s,", p->md->qi_names[d]);
        if (strcmp(p->md->qi_names[d], "zip") == 0)
            zip_qi = d;
    }
    fprintf(f, "count\n");
    ck_assert_uint_lt(zip_qi, n_qi);
    for (size_t i = 0; i < 2 * r.n + 4; i++) {
        rows[n_pop] = malloc(n_qi * sizeof **rows);
        for (size_t d = 0; d < n_qi; d++) {
            size_t from = i < r.n ? i : i < 2 * r.n ? ((i - r.n) * (7 + 6 * d) + d) % r.n : i % r.n;
            rows[n_pop][d] = r.qi[d][from];
        }
        if (i >= 2 * r.n)
            rows[n_pop][zip_qi] = (char *)absent_zips[i - 2 * r.n];
        counts[n_pop] = i < r.n ? 1 + i % 3 : i < 2 * r.n ? 2 : 3;
        for (size_t d = 0; d < n_qi; d++)
            fprintf(f, "%s,", rows[n_pop][d]);
        fprintf(f, "%llu\n", (unsigned long long)counts[n_pop]);
        n_pop++;
    }
    fclose(f);
    edra_pipeline_free(p);

    run_property(spec_path, rows, counts, n_pop, seed_from_env() + 1, TRANSFORMATIONS_WIDE_SA);

    for (size_t i = 0; i < n_pop; i++)
        free(rows[i]);
    free(rows);
    free(counts);
    records_free(&r);
    free(real_dir);
    snprintf(buf, sizeof buf, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(buf), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("property");
    TCase *tc = tcase_create("property");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_property_assess__sample_spec);
    tcase_add_test(tc, test_property_assess__more_models_and_population_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
