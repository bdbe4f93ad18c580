/* Run-to-run comparison for `edra diff`, `edra rerun` and the report's history section. The
 * spec's unified diff uses Myers' greedy O(ND) algorithm (Algorithm Design 1:251-266, 1986)
 * over lines after trimming the common head and tail, with GNU diff's hunk format; figures
 * are compared exactly, since a reproduced run must give the very same numbers. */
#define _POSIX_C_SOURCE 200809L
#include "rundiff.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past this many differing lines the edit script is not searched for: the whole old text is
 * shown removed and the new one added (the trace would need (D+1)^2 integers). */
#define MAX_EDIT_DISTANCE 2000
#define CONTEXT 3

/* ---- a growing string ----------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* ---- unified diff --------------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t len;       /* with the '\n', when there is one */
} line;

static line *split_lines(const char *text, size_t *n)
{
    size_t count = 0, len = strlen(text);
    for (size_t i = 0; i < len; i++)
        count += text[i] == '\n';
    line *lines = malloc((count + 2) * sizeof *lines);
    if (!lines)
        return NULL;
    *n = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
        lines[(*n)++] = (line){p, l};
        p += l;
    }
    return lines;
}

static int same_line(const line *a, const line *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* The edit script of a[0..n) -> b[0..m): ops[i] is ' ', '-' or '+'; returns its length or
 * -1 when out of memory. */
static long edit_script(char **ops_out, const line *a, size_t n, const line *b, size_t m)
{
    size_t max = n + m, cap = max + 1;
    char *ops = malloc(cap);
    long *v = NULL, *trace = NULL;
    size_t *trace_at = NULL;
    long count = 0, d_end = -1;
    if (!ops)
        return -1;
    /* v[k + off] = furthest x on diagonal k; trace keeps v[-d..d] of each round d. */
    long off = (long)max + 1;
    v = calloc(2 * max + 3, sizeof *v);
    size_t dmax = max < MAX_EDIT_DISTANCE ? max : MAX_EDIT_DISTANCE;
    trace = malloc((dmax + 1) * (dmax + 1) * sizeof *trace);
    trace_at = malloc((dmax + 2) * sizeof *trace_at);
    if (!v || !trace || !trace_at)
        goto oom;
    for (long d = 0; d <= (long)dmax && d_end < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = k == -d || (k != d && v[k - 1 + off] < v[k + 1 + off]) ? v[k + 1 + off]
                                                                          : v[k - 1 + off] + 1;
            long y = x - k;
            while (x < (long)n && y < (long)m && same_line(&a[x], &b[y]))
                x++, y++;
            v[k + off] = x;
            if (x >= (long)n && y >= (long)m)
                d_end = d;
        }
        trace_at[d] = (size_t)(d * d); /* rounds 0..d-1 hold 1 + 3 + ... + (2d-1) = d^2 values */
        for (long k = -d; k <= d; k++)
            trace[trace_at[d] + (size_t)(k + d)] = v[k + off];
    }
    if (d_end < 0) {
        /* Too different to be worth the search: everything old out, everything new in. */
        for (size_t i = 0; i < n; i++)
            ops[count++] = '-';
        for (size_t j = 0; j < m; j++)
            ops[count++] = '+';
        goto done;
    }
    /* Walk back from (n, m), writing the script from its end. */
    long x = (long)n, y = (long)m, at = (long)cap;
    for (long d = d_end; d > 0; d--) {
        const long *prev = &trace[trace_at[d - 1] + (size_t)(d - 1)]; /* prev[k], k in -(d-1)..d-1 */
        long k = x - y;
        long pk = k == -d || (k != d && prev[k - 1] < prev[k + 1]) ? k + 1 : k - 1;
        long px = prev[pk], py = px - pk;
        /* the snake back to just after this round's one edit */
        while (x > px && y > py) {
            ops[--at] = ' ';
            x--, y--;
        }
        ops[--at] = pk == k + 1 ? '+' : '-';
        x = px;
        y = py;
    }
    while (x > 0 && y > 0) {
        ops[--at] = ' ';
        x--, y--;
    }
    count = (long)cap - at;
    memmove(ops, ops + at, (size_t)count);
done:
    free(v);
    free(trace);
    free(trace_at);
    *ops_out = ops;
    return count;
oom:
    free(ops);
    free(v);
    free(trace);
    free(trace_at);
    return -1;
}

static void put_line(strbuf *b, char tag, const line *l)
{
    sb_add(b, &tag, 1);
    sb_add(b, l->p, l->len);
    if (l->len == 0 || l->p[l->len - 1] != '\n')
        sb_printf(b, "\n\\ No newline at end of file\n");
}

/* GNU's "@@ -start,count" where an empty range names the line before it. */
static void range(strbuf *b, char sign, size_t start, size_t count)
{
    if (count == 1)
        sb_printf(b, "%c%zu", sign, start + 1);
    else
        sb_printf(b, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

int edra_rundiff_text(char **out, const char *a, const char *b, const char *a_label,
                      const char *b_label, edra_error *err)
{
    strbuf sb = {0};
    line *la = NULL, *lb = NULL;
    char *ops = NULL;
    size_t n = 0, m = 0;
    int rc = 0;
    *out = NULL;
    if (!(la = split_lines(a ? a : "", &n)) || !(lb = split_lines(b ? b : "", &m)))
        goto oom;
    /* The common head and tail cost nothing to find and keep the search small. */
    size_t head = 0, tail = 0;
    while (head < n && head < m && same_line(&la[head], &lb[head]))
        head++;
    while (tail < n - head && tail < m - head && same_line(&la[n - 1 - tail], &lb[m - 1 - tail]))
        tail++;
    long mid = edit_script(&ops, la + head, n - head - tail, lb + head, m - head - tail);
    if (mid < 0)
        goto oom;
    size_t total = head + (size_t)mid + tail;
    char *script = malloc(total + 1);
    if (!script)
        goto oom;
    memset(script, ' ', head);
    memcpy(script + head, ops, (size_t)mid);
    memset(script + head + (size_t)mid, ' ', tail);
    free(ops);
    ops = script;
    sb_add(&sb, "", 0);
    if (head == n && head == m) {
        /* equal */
    } else {
        sb_printf(&sb, "--- %s\n+++ %s\n", a_label, b_label);
        /* ai[i], bi[i]: line numbers in a and b before op i */
        size_t *ai = malloc((total + 1) * sizeof *ai), *bi = malloc((total + 1) * sizeof *bi);
        if (!ai || !bi) {
            free(ai);
            free(bi);
            goto oom;
        }
        ai[0] = bi[0] = 0;
        for (size_t i = 0; i < total; i++) {
            ai[i + 1] = ai[i] + (ops[i] != '+');
            bi[i + 1] = bi[i] + (ops[i] != '-');
        }
        size_t i = 0;
        while (i < total) {
            while (i < total && ops[i] == ' ')
                i++;
            if (i == total)
                break;
            size_t start = i > CONTEXT ? i - CONTEXT : 0, end = i;
            /* extend while the next change is within 2 * CONTEXT unchanged lines */
            for (;;) {
                while (end < total && ops[end] != ' ')
                    end++;
                size_t gap = end;
                while (gap < total && ops[gap] == ' ')
                    gap++;
                if (gap < total && gap - end <= 2 * CONTEXT)
                    end = gap;
                else {
                    end = end + CONTEXT < total ? end + CONTEXT : total;
                    break;
                }
            }
            sb_printf(&sb, "@@ ");
            range(&sb, '-', ai[start], ai[end] - ai[start]);
            sb_printf(&sb, " ");
            range(&sb, '+', bi[start], bi[end] - bi[start]);
            sb_printf(&sb, " @@\n");
            for (size_t j = start; j < end; j++)
                put_line(&sb, ops[j], ops[j] == '+' ? &lb[bi[j]] : &la[ai[j]]);
            i = end;
        }
        free(ai);
        free(bi);
    }
    if (sb.failed)
        goto oom;
    *out = sb.s;
    sb.s = NULL;
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory comparing specs");
done:
    free(sb.s);
    free(la);
    free(lb);
    free(ops);
    return rc;
}

/* ---- figures -------------------------------------------------------------------------- */

/* A headline figure: where it is in the figures document and which way is better (+1 higher,
 * -1 lower, 0 neither). */
typedef struct {
    const char *name;
    const char *path[4];
    int better;
} headline;

static const headline headlines[] = {
    {"records", {"figures", "records", NULL}, 0},
    {"k", {"figures", "k", NULL}, +1},
    {"classes", {"figures", "classes", NULL}, 0},
    {"sample uniques", {"figures", "sample_uniques", NULL}, -1},
    {"prosecutor risk (highest)", {"figures", "prosecutor", "highest", NULL}, -1},
    {"prosecutor risk (average)", {"figures", "prosecutor", "average", NULL}, -1},
    {"records at risk", {"figures", "prosecutor", "records_at_risk", NULL}, -1},
    {"journalist risk (highest)", {"figures", "journalist", "highest", NULL}, -1},
    {"journalist risk (average)", {"figures", "journalist", "average", NULL}, -1},
    {"marketer risk", {"figures", "marketer", NULL}, -1},
    {"population uniqueness", {"figures", "population", "dankar_fraction", NULL}, -1},
    {"population model", {"figures", "population", "dankar_choice", NULL}, 0},
    {"suppressed", {"figures", "suppressed", NULL}, -1},
    {"loss", {"search", "loss", NULL}, -1},
};

/* Sensitive-attribute figures, named "<model> on <attribute>". */
static const headline sa_headlines[] = {
    {"l (distinct)", {"l_distinct", NULL}, +1},
    {"l (entropy)", {"l_entropy", NULL}, +1},
    {"l (recursive)", {"l_recursive", NULL}, +1},
    {"t (equal)", {"t_equal", NULL}, -1},
    {"t (ordered)", {"t_ordered", NULL}, -1},
    {"t (hierarchical)", {"t_hierarchical", NULL}, -1},
};

static const json_t *at_path(const json_t *doc, const char *const *path)
{
    for (size_t i = 0; doc && path[i]; i++)
        doc = json_object_get(doc, path[i]);
    return doc;
}

static json_t *copy_or_null(const json_t *x)
{
    return x ? json_deep_copy(x) : json_null();
}

/* Appends {name, a, b, direction, judgement}; absent (or null: not applicable) on both sides is
 * skipped. */
static void figure_entry(json_t *list, const char *name, const json_t *a, const json_t *b, int better)
{
    int has_a = a && !json_is_null(a), has_b = b && !json_is_null(b);
    const char *direction = "same", *judgement = "";
    if (!has_a && !has_b)
        return;
    if (!has_a)
        direction = "added";
    else if (!has_b)
        direction = "removed";
    else if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        if (y > x)
            direction = "up";
        else if (y < x)
            direction = "down";
        if (y != x && better)
            judgement = (y > x) == (better > 0) ? "better" : "worse";
    } else if (!json_equal((json_t *)a, (json_t *)b)) {
        direction = "changed";
    }
    json_t *e = json_object();
    json_object_set_new(e, "name", json_string(name));
    json_object_set_new(e, "a", copy_or_null(has_a ? a : NULL));
    json_object_set_new(e, "b", copy_or_null(has_b ? b : NULL));
    json_object_set_new(e, "direction", json_string(direction));
    json_object_set_new(e, "judgement", json_string(judgement));
    json_array_append_new(list, e);
}

static json_t *figures_diff(const json_t *fa, const json_t *fb)
{
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++)
        figure_entry(list, headlines[i].name, at_path(fa, headlines[i].path),
                     at_path(fb, headlines[i].path), headlines[i].better);
    const json_t *sa_a = json_object_get(json_object_get(fa, "figures"), "sensitive");
    const json_t *sa_b = json_object_get(json_object_get(fb, "figures"), "sensitive");
    /* every attribute of a, then those only b has */
    for (int side = 0; side < 2; side++) {
        const char *attr;
        const json_t *v;
        json_object_foreach((json_t *)(side ? sa_b : sa_a), attr, v) {
            if (side && json_object_get(sa_a, attr))
                continue;
            for (size_t i = 0; i < sizeof sa_headlines / sizeof sa_headlines[0]; i++) {
                char name[300];
                snprintf(name, sizeof name, "%s on %s", sa_headlines[i].name, attr);
                figure_entry(list, name, at_path(json_object_get(sa_a, attr), sa_headlines[i].path),
                             at_path(json_object_get(sa_b, attr), sa_headlines[i].path),
                             sa_headlines[i].better);
            }
        }
    }
    return list;
}

json_t *edra_rundiff_headlines(const json_t *doc)
{
    json_t *pairs = figures_diff(doc, doc), *out = json_array(), *e;
    size_t i;
    if (!pairs || !out) {
        json_decref(pairs);
        json_decref(out);
        return NULL;
    }
    json_array_foreach(pairs, i, e) {
        json_t *h = json_object();
        json_object_set(h, "name", json_object_get(e, "name"));
        json_object_set(h, "value", json_object_get(e, "a"));
        json_array_append_new(out, h);
    }
    json_decref(pairs);
    return out;
}

static json_t *targets_diff(const json_t *fa, const json_t *fb)
{
    json_t *list = json_array();
    const json_t *ta = json_object_get(json_object_get(fa, "figures"), "targets");
    const json_t *tb = json_object_get(json_object_get(fb, "figures"), "targets");
    for (int side = 0; side < 2; side++) {
        size_t i;
        const json_t *t;
        json_array_foreach(side ? tb : ta, i, t) {
            const char *name = json_string_value(json_object_get(t, "name"));
            const json_t *other = NULL, *u;
            size_t j;
            if (!name)
                continue;
            json_array_foreach(side ? ta : tb, j, u) {
                const char *n2 = json_string_value(json_object_get(u, "name"));
                if (n2 && strcmp(n2, name) == 0)
                    other = u;
            }
            if (side && other)
                continue; /* already listed from a's side */
            const json_t *x = side ? other : t, *y = side ? t : other;
            /* "changed" is the target itself; what it achieved is among the figures */
            const char *status = !x ? "added" : !y ? "removed" : "same";
            if (x && y && !json_equal(json_object_get(x, "target"), json_object_get(y, "target")))
                status = "changed";
            json_t *e = json_object();
            json_object_set_new(e, "name", json_string(name));
            json_object_set_new(e, "status", json_string(status));
            json_object_set_new(e, "target_a", copy_or_null(json_object_get(x, "target")));
            json_object_set_new(e, "target_b", copy_or_null(json_object_get(y, "target")));
            json_object_set_new(e, "achieved_a", copy_or_null(json_object_get(x, "achieved")));
            json_object_set_new(e, "achieved_b", copy_or_null(json_object_get(y, "achieved")));
            json_object_set_new(e, "met_a", copy_or_null(json_object_get(x, "met")));
            json_object_set_new(e, "met_b", copy_or_null(json_object_get(y, "met")));
            json_object_set_new(e, "met_changed",
                                json_boolean(x && y && !json_equal(json_object_get(x, "met"),
                                                                   json_object_get(y, "met"))));
            json_array_append_new(list, e);
        }
    }
    return list;
}

static json_t *transformation_diff(const json_t *fa, const json_t *fb)
{
    json_t *list = json_array();
    const json_t *la = json_object_get(json_object_get(fa, "figures"), "transformation");
    const json_t *lb = json_object_get(json_object_get(fb, "figures"), "transformation");
    for (int side = 0; side < 2; side++) {
        const char *qi;
        const json_t *v;
        json_object_foreach((json_t *)(side ? lb : la), qi, v) {
            if (side && json_object_get(la, qi))
                continue;
            const json_t *x = json_object_get(json_object_get(la, qi), "level");
            const json_t *y = json_object_get(json_object_get(lb, qi), "level");
            const char *direction = !x ? "added" : !y ? "removed" : "same";
            if (x && y && json_integer_value(y) != json_integer_value(x))
                direction = json_integer_value(y) > json_integer_value(x) ? "up" : "down";
            json_t *e = json_object();
            json_object_set_new(e, "qi", json_string(qi));
            json_object_set_new(e, "a", copy_or_null(x));
            json_object_set_new(e, "b", copy_or_null(y));
            json_object_set_new(e, "direction", json_string(direction));
            json_array_append_new(list, e);
        }
    }
    return list;
}

static json_t *identity(const edra_history_run *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "command", json_string(r->command));
    json_object_set_new(o, "started", json_string(r->started));
    json_object_set_new(o, "created", json_string(r->created));
    json_object_set_new(o, "user", json_string(r->user ? r->user : ""));
    json_object_set_new(o, "spec", json_string(r->spec_path));
    return o;
}

int edra_rundiff_canonical(char **out, const json_t *doc, edra_error *err)
{
    *out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
    return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory");
}

int edra_rundiff_runs(json_t **out, const edra_history_run *a, const edra_history_run *b,
                      edra_error *err)
{
    json_t *d = json_object(), *spec = json_object(), *data = json_object(), *verdict = json_object();
    char *unified = NULL, *ca = NULL, *cb = NULL, label_a[128], label_b[128];
    int rc = 0;
    *out = NULL;
    if (!d || !spec || !data || !verdict)
        goto oom;
    json_object_set_new(d, "a", identity(a));
    json_object_set_new(d, "b", identity(b));
    int spec_same = strcmp(a->spec_sha256, b->spec_sha256) == 0;
    json_object_set_new(spec, "same", json_boolean(spec_same));
    if (!spec_same) {
        snprintf(label_a, sizeof label_a, "%s (%s)", a->spec_path, a->id);
        snprintf(label_b, sizeof label_b, "%s (%s)", b->spec_path, b->id);
        if ((rc = edra_rundiff_text(&unified, a->spec_text, b->spec_text, label_a, label_b, err)) < 0)
            goto done;
        json_object_set_new(spec, "unified_diff", json_string(unified));
    }
    json_object_set_new(d, "spec", spec);
    spec = NULL;
    json_object_set_new(data, "same", json_boolean(strcmp(a->data_sha256, b->data_sha256) == 0));
    json_object_set_new(data, "sha256_a", json_string(a->data_sha256));
    json_object_set_new(data, "sha256_b", json_string(b->data_sha256));
    json_object_set_new(data, "rows_a", json_integer((json_int_t)a->rows));
    json_object_set_new(data, "rows_b", json_integer((json_int_t)b->rows));
    json_object_set_new(data, "rows_change", json_integer((json_int_t)b->rows - (json_int_t)a->rows));
    json_object_set_new(data, "columns_a", json_integer((json_int_t)a->columns));
    json_object_set_new(data, "columns_b", json_integer((json_int_t)b->columns));
    json_object_set_new(d, "data", data);
    data = NULL;
    json_object_set_new(d, "targets", targets_diff(a->figures, b->figures));
    json_object_set_new(d, "figures", figures_diff(a->figures, b->figures));
    json_object_set_new(d, "transformation", transformation_diff(a->figures, b->figures));
    int met_a = json_is_true(json_object_get(a->figures, "targets_met"));
    int met_b = json_is_true(json_object_get(b->figures, "targets_met"));
    json_object_set_new(verdict, "a", json_boolean(met_a));
    json_object_set_new(verdict, "b", json_boolean(met_b));
    json_object_set_new(verdict, "same", json_boolean(met_a == met_b));
    json_object_set_new(d, "verdict", verdict);
    verdict = NULL;
    if ((rc = edra_rundiff_canonical(&ca, a->figures, err)) < 0 ||
        (rc = edra_rundiff_canonical(&cb, b->figures, err)) < 0)
        goto done;
    json_object_set_new(d, "identical_figures", json_boolean(strcmp(ca, cb) == 0));
    *out = d;
    d = NULL;
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
done:
    json_decref(d);
    json_decref(spec);
    json_decref(data);
    json_decref(verdict);
    free(unified);
    free(ca);
    free(cb);
    return rc;
}

const char *edra_rundiff_format(char *buf, size_t size, const json_t *x)
{
    if (json_is_integer(x))
        snprintf(buf, size, "%lld", (long long)json_integer_value(x));
    else if (json_is_real(x))
        snprintf(buf, size, "%.6g", json_real_value(x));
    else if (json_is_string(x))
        snprintf(buf, size, "%s", json_string_value(x));
    else if (json_is_boolean(x))
        snprintf(buf, size, "%s", json_is_true(x) ? "met" : "not met");
    else
        snprintf(buf, size, "n/a");
    return buf;
}

/* ---- the report's paragraph ----------------------------------------------------------- */

static void put_value(strbuf *b, const json_t *x)
{
    char buf[256];
    sb_printf(b, "%s", edra_rundiff_format(buf, sizeof buf, x));
}

int edra_rundiff_summary(char **out, const json_t *diff, edra_error *err)
{
    strbuf b = {0};
    const json_t *a = json_object_get(diff, "a"), *spec = json_object_get(diff, "spec");
    const json_t *data = json_object_get(diff, "data"), *e;
    size_t i, n;
    *out = NULL;
    const char *created = json_string_value(json_object_get(a, "created"));
    sb_printf(&b, "Previous run on the same spec or data: %s (edra %s, dated %.10s %.8s UTC).\n",
              json_string_value(json_object_get(a, "id")),
              json_string_value(json_object_get(a, "command")), created ? created : "",
              created && strlen(created) > 11 ? created + 11 : "");
    if (json_is_true(json_object_get(spec, "same")))
        sb_printf(&b, "Spec: unchanged.\n");
    else {
        const char *u = json_string_value(json_object_get(spec, "unified_diff"));
        size_t plus = 0, minus = 0;
        for (const char *p = u; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
            if (p[0] == '+' && strncmp(p, "+++ ", 4) != 0)
                plus++;
            if (p[0] == '-' && strncmp(p, "--- ", 4) != 0)
                minus++;
        }
        sb_printf(&b, "Spec: changed (%zu line%s removed, %zu added).\n", minus, minus == 1 ? "" : "s", plus);
    }
    json_int_t rows_a = json_integer_value(json_object_get(data, "rows_a"));
    json_int_t rows_b = json_integer_value(json_object_get(data, "rows_b"));
    if (json_is_true(json_object_get(data, "same")))
        sb_printf(&b, "Data: unchanged (same SHA-256, %lld rows).\n", (long long)rows_b);
    else
        sb_printf(&b, "Data: changed (SHA-256 %.12s... then %.12s..., rows %lld then %lld).\n",
                  json_string_value(json_object_get(data, "sha256_a")),
                  json_string_value(json_object_get(data, "sha256_b")), (long long)rows_a,
                  (long long)rows_b);
    n = 0;
    sb_printf(&b, "Targets:");
    json_array_foreach(json_object_get(diff, "targets"), i, e) {
        const char *status = json_string_value(json_object_get(e, "status"));
        int met_changed = json_is_true(json_object_get(e, "met_changed"));
        if (strcmp(status, "same") == 0 && !met_changed)
            continue;
        sb_printf(&b, "%s %s ", n++ ? ";" : "", json_string_value(json_object_get(e, "name")));
        if (strcmp(status, "same") == 0) {
            put_value(&b, json_object_get(e, "met_a"));
            sb_printf(&b, " then ");
            put_value(&b, json_object_get(e, "met_b"));
        } else if (strcmp(status, "changed") == 0) {
            put_value(&b, json_object_get(e, "target_a"));
            sb_printf(&b, " (");
            put_value(&b, json_object_get(e, "met_a"));
            sb_printf(&b, ") then ");
            put_value(&b, json_object_get(e, "target_b"));
            sb_printf(&b, " (");
            put_value(&b, json_object_get(e, "met_b"));
            sb_printf(&b, ")");
        } else {
            sb_printf(&b, "%s", status);
        }
    }
    sb_printf(&b, "%s\n", n ? "." : " unchanged.");
    n = 0;
    sb_printf(&b, "Figures:");
    json_array_foreach(json_object_get(diff, "figures"), i, e) {
        const char *direction = json_string_value(json_object_get(e, "direction"));
        const char *judgement = json_string_value(json_object_get(e, "judgement"));
        if (strcmp(direction, "same") == 0)
            continue;
        sb_printf(&b, "%s %s ", n++ ? ";" : "", json_string_value(json_object_get(e, "name")));
        put_value(&b, json_object_get(e, "a"));
        sb_printf(&b, " then ");
        put_value(&b, json_object_get(e, "b"));
        if (judgement && *judgement)
            sb_printf(&b, " (%s)", judgement);
    }
    sb_printf(&b, "%s\n", n ? "." : " every headline figure identical.");
    n = 0;
    sb_printf(&b, "Transformation:");
    json_array_foreach(json_object_get(diff, "transformation"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "direction")), "same") == 0)
            continue;
        sb_printf(&b, "%s %s ", n++ ? ";" : "", json_string_value(json_object_get(e, "qi")));
        put_value(&b, json_object_get(e, "a"));
        sb_printf(&b, " then ");
        put_value(&b, json_object_get(e, "b"));
    }
    sb_printf(&b, "%s\n", n ? "." : " unchanged.");
    const json_t *v = json_object_get(diff, "verdict");
    int was = json_is_true(json_object_get(v, "a")), now = json_is_true(json_object_get(v, "b"));
    if (was == now)
        sb_printf(&b, "Verdict: %s, as before.", now ? "every target met" : "a target NOT met");
    else
        sb_printf(&b, "Verdict: %s, where it was %s.", now ? "every target met" : "a target NOT met",
                  was ? "every target met" : "a target not met");
    if (b.failed) {
        free(b.s);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    *out = b.s;
    return 0;
}

/* ---- exact comparison ----------------------------------------------------------------- */

static char *leaf_text(const json_t *x)
{
    if (!x)
        return strdup("absent");
    return json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
}

static size_t walk(json_t *out, const char *path, const json_t *a, const json_t *b, size_t max)
{
    size_t found = 0;
    if (a && b && json_is_object(a) && json_is_object(b)) {
        const char *key;
        const json_t *v;
        for (int side = 0; side < 2; side++) {
            json_object_foreach((json_t *)(side ? b : a), key, v) {
                if (side && json_object_get(a, key))
                    continue;
                char *sub = malloc(strlen(path) + strlen(key) + 2);
                if (!sub)
                    continue;
                sprintf(sub, "%s%s%s", path, *path ? "." : "", key);
                found += walk(out, sub, json_object_get(a, key), json_object_get(b, key), max);
                free(sub);
            }
        }
        return found;
    }
    if (a && b && json_is_array(a) && json_is_array(b)) {
        size_t n = json_array_size(a) > json_array_size(b) ? json_array_size(a) : json_array_size(b);
        for (size_t i = 0; i < n; i++) {
            char *sub = malloc(strlen(path) + 24);
            if (!sub)
                continue;
            sprintf(sub, "%s[%zu]", path, i);
            found += walk(out, sub, json_array_get(a, i), json_array_get(b, i), max);
            free(sub);
        }
        return found;
    }
    char *ta = leaf_text(a), *tb = leaf_text(b);
    if (ta && tb && strcmp(ta, tb) != 0) {
        found = 1;
        if (json_array_size(out) < max) {
            char *line = malloc(strlen(path) + strlen(ta) + strlen(tb) + 16);
            if (line) {
                sprintf(line, "%s: %s -> %s", path, ta, tb);
                json_array_append_new(out, json_string(line));
                free(line);
            }
        }
    }
    free(ta);
    free(tb);
    return found;
}

size_t edra_rundiff_documents(json_t *differences, const json_t *a, const json_t *b, size_t max)
{
    return walk(differences, "", a, b, max);
}
