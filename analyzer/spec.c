/* The YAML spec loader. libyaml's event stream is built into a small tree whose nodes keep
 * their 1-based line and column; typed readers turn a node into a value or a located message,
 * and spec_sections.c walks the tree key by key into edra_spec. Anchors and aliases are
 * refused (no "billion laughs" expansion), nesting is capped and documents over 1 MiB are
 * rejected. */
#include "spec.h"
#include "spec_internal.h"
#include "spec_sections.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_SPEC_BYTES (1024 * 1024)
#define MAX_DEPTH 64

/* ---- errors and small helpers ---- */

int spec_fail(ctx *c, const node *at, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return edra_error_set(c->err, code, "%s:%zu:%zu: %s", c->name, at->line, at->col, msg);
}

int spec_oom(ctx *c)
{
    return edra_error_set(c->err, EDRA_ENOMEM, "%s: out of memory reading the spec", c->name);
}

char *spec_dup_bytes(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

char *spec_dup_str(const char *s)
{
    return spec_dup_bytes(s, strlen(s));
}

static int is_null(const node *n)
{
    return n->kind == NODE_SCALAR && !n->quoted &&
           (n->len == 0 || !strcmp(n->text, "~") || !strcmp(n->text, "null") ||
            !strcmp(n->text, "Null") || !strcmp(n->text, "NULL"));
}

static void node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_items; i++)
        node_free(n->items[i]);
    free(n->items);
    free(n->text);
    free(n);
}

/* ---- the event stream -> node tree ---- */

static int append(node *parent, node *child)
{
    if (parent->n_items == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        node **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return -1;
        parent->items = items;
        parent->cap = cap;
    }
    parent->items[parent->n_items++] = child;
    return 0;
}

static int yaml_failure(ctx *c, const yaml_parser_t *p, const char *text, size_t len)
{
    node at = {0};
    if (p->error == YAML_MEMORY_ERROR)
        return spec_oom(c);
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark. */
        at.line = 1;
        at.col = 1;
        for (size_t i = 0; i < p->problem_offset && i < len; i++) {
            if (text[i] == '\n') {
                at.line++;
                at.col = 1;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                at.col++;
            }
        }
    } else {
        at.line = p->problem_mark.line + 1;
        at.col = p->problem_mark.column + 1;
    }
    return spec_fail(c, &at, EDRA_EPARSE, "%s", p->problem ? p->problem : "invalid YAML");
}

static int build_tree(node **root_out, ctx *c, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    node *stack[MAX_DEPTH];
    node *root = NULL, *n = NULL;
    size_t depth = 0;
    int n_docs = 0, have_event = 0, finished = 0, rc = 0;

    *root_out = NULL;
    if (!yaml_parser_initialize(&parser))
        return spec_oom(c);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!finished) {
        if (!yaml_parser_parse(&parser, &event)) {
            rc = yaml_failure(c, &parser, text, len);
            goto done;
        }
        have_event = 1;
        node here = {0};
        here.line = event.start_mark.line + 1;
        here.col = event.start_mark.column + 1;
        const yaml_char_t *anchor = NULL;
        int kind = -1;
        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            finished = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++n_docs > 1) {
                rc = spec_fail(c, &here, EDRA_EPARSE, "only one YAML document is supported");
                goto done;
            }
            break;
        case YAML_ALIAS_EVENT:
            rc = spec_fail(c, &here, EDRA_EPARSE, "aliases are not supported");
            goto done;
        case YAML_SCALAR_EVENT:
            anchor = event.data.scalar.anchor;
            kind = NODE_SCALAR;
            break;
        case YAML_SEQUENCE_START_EVENT:
            anchor = event.data.sequence_start.anchor;
            kind = NODE_SEQ;
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = event.data.mapping_start.anchor;
            kind = NODE_MAP;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (anchor) {
            rc = spec_fail(c, &here, EDRA_EPARSE, "anchors are not supported (nor aliases)");
            goto done;
        }
        if (kind >= 0) {
            if (kind == NODE_SCALAR &&
                strlen((const char *)event.data.scalar.value) != event.data.scalar.length) {
                rc = spec_fail(c, &here, EDRA_EPARSE, "NUL characters are not supported");
                goto done;
            }
            if (kind != NODE_SCALAR && depth == MAX_DEPTH) {
                rc = spec_fail(c, &here, EDRA_EPARSE, "nesting deeper than %d levels", MAX_DEPTH);
                goto done;
            }
            n = calloc(1, sizeof *n);
            if (!n)
                goto nomem;
            *n = here;
            n->kind = kind;
            if (kind == NODE_SCALAR) {
                n->len = event.data.scalar.length;
                n->text = spec_dup_bytes((const char *)event.data.scalar.value, n->len);
                n->quoted = event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
                if (!n->text)
                    goto nomem;
            }
            if (depth == 0)
                root = n;
            else if (append(stack[depth - 1], n) < 0)
                goto nomem;
            if (kind != NODE_SCALAR)
                stack[depth++] = n;
            n = NULL;
        }
        yaml_event_delete(&event);
        have_event = 0;
    }
    *root_out = root;
    root = NULL;
    goto done;
nomem:
    rc = spec_oom(c);
done:
    if (have_event)
        yaml_event_delete(&event);
    yaml_parser_delete(&parser);
    node_free(n);
    node_free(root);
    return rc;
}

/* ---- typed values ---- */

typedef struct {
    const node *key;
    size_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
    int d = memcmp(x->key->text, y->key->text, n);
    if (d == 0)
        d = (x->key->len > y->key->len) - (x->key->len < y->key->len);
    if (d == 0)
        d = (x->index > y->index) - (x->index < y->index);
    return d;
}

/* The earliest repeated scalar among items[0], items[stride], ... (sorting keeps it
 * O(n log n) for a spec with many attributes), or NULL; -1 when out of memory. */
int spec_find_duplicate(const node **dup, node *const *items, size_t n, size_t stride)
{
    keyed *sorted = malloc((n ? n : 1) * sizeof *sorted);
    *dup = NULL;
    if (!sorted)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sorted[i].key = items[i * stride];
        sorted[i].index = i;
    }
    qsort(sorted, n, sizeof *sorted, cmp_keyed);
    size_t best = SIZE_MAX;
    for (size_t i = 1; i < n; i++)
        if (sorted[i].key->len == sorted[i - 1].key->len &&
            !memcmp(sorted[i].key->text, sorted[i - 1].key->text, sorted[i].key->len) &&
            sorted[i].index < best)
            best = sorted[i].index;
    if (best != SIZE_MAX)
        *dup = items[best * stride];
    free(sorted);
    return 0;
}

/* Checks that n is a mapping with string keys, none repeated. */
int spec_check_map(ctx *c, const node *n, const char *where)
{
    const node *dup = NULL;
    if (n->kind != NODE_MAP)
        return spec_fail(c, n, EDRA_ESPEC, "'%s' must be a mapping", where);
    for (size_t i = 0; i < n->n_items; i += 2)
        if (n->items[i]->kind != NODE_SCALAR)
            return spec_fail(c, n->items[i], EDRA_ESPEC, "keys in %s must be strings", where);
    if (spec_find_duplicate(&dup, n->items, n->n_items / 2, 2) < 0)
        return spec_oom(c);
    if (dup)
        return spec_fail(c, dup, EDRA_ESPEC, "duplicate key '%.80s' in %s", dup->text, where);
    return 0;
}

int spec_unknown(ctx *c, const node *key, const char *where)
{
    return spec_fail(c, key, EDRA_ESPEC, "unknown key '%.80s' in %s", key->text, where);
}

int spec_get_string(ctx *c, const node *v, const char *what, char **out)
{
    if (v->kind != NODE_SCALAR || is_null(v))
        return spec_fail(c, v, EDRA_ESPEC, "'%s' must be a string", what);
    free(*out);
    *out = spec_dup_bytes(v->text, v->len);
    return *out ? 0 : spec_oom(c);
}

/* A list of strings; a single string stands for a list of one when allow_scalar. The
 * array goes straight into the spec so that edra_spec_free cleans up after an error. */
int spec_get_strings(ctx *c, const node *v, const char *what, int allow_scalar, char ***out,
                     size_t *n_out)
{
    int single = allow_scalar && v->kind == NODE_SCALAR && !is_null(v);
    size_t n = single ? 1 : v->n_items;
    for (size_t i = 0; i < *n_out; i++)
        free((*out)[i]);
    free(*out);
    *out = NULL;
    *n_out = 0;
    if (!single && v->kind != NODE_SEQ)
        return spec_fail(c, v, EDRA_ESPEC, "'%s' must be a list of strings", what);
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return spec_oom(c);
    for (size_t i = 0; i < n; i++) {
        const node *item = single ? v : v->items[i];
        if (item->kind != NODE_SCALAR || is_null(item))
            return spec_fail(c, item, EDRA_ESPEC, "'%s' must be a list of strings", what);
        if (!((*out)[i] = spec_dup_bytes(item->text, item->len)))
            return spec_oom(c);
        (*n_out)++;
    }
    return 0;
}

/* Decimal numbers only: strtod alone would also take "nan", "inf" and hex floats. */
int spec_parse_number(const node *v, double *out)
{
    char *end = NULL;
    int digits = 0;
    if (v->kind != NODE_SCALAR || v->len == 0)
        return -1;
    for (size_t i = 0; i < v->len; i++) {
        if (v->text[i] >= '0' && v->text[i] <= '9')
            digits = 1;
        else if (!strchr("+-.eE", v->text[i]))
            return -1;
    }
    errno = 0;
    *out = strtod(v->text, &end);
    return digits && end == v->text + v->len && errno == 0 && isfinite(*out) ? 0 : -1;
}

int spec_parse_integer(const node *v, long long *out)
{
    char *end = NULL;
    size_t i = (v->kind == NODE_SCALAR && (v->text[0] == '-' || v->text[0] == '+')) ? 1 : 0;
    if (v->kind != NODE_SCALAR || v->len <= i)
        return -1;
    for (; i < v->len; i++)
        if (v->text[i] < '0' || v->text[i] > '9')
            return -1;
    errno = 0;
    *out = strtoll(v->text, &end, 10);
    return errno == 0 && end == v->text + v->len ? 0 : -1;
}

int spec_get_share(ctx *c, const node *v, const char *what, double *out)
{
    if (spec_parse_number(v, out) < 0 || *out < 0 || *out > 1)
        return spec_fail(c, v, EDRA_ESPEC, "'%s' must be a number in [0, 1]", what);
    return 0;
}

/* "\t" arrives as a tab when double-quoted and as backslash-t otherwise; both mean tab. */
int spec_get_delimiter(ctx *c, const node *v, char *out)
{
    if (v->kind != NODE_SCALAR)
        return spec_fail(c, v, EDRA_ESPEC, "'delimiter' must be one character, \"\\t\" or \"tab\"");
    if (!strcmp(v->text, "tab") || !strcmp(v->text, "\\t"))
        *out = '\t';
    else if (v->len == 1)
        *out = v->text[0];
    else
        return spec_fail(c, v, EDRA_ESPEC, "'delimiter' must be one character, \"\\t\" or \"tab\"");
    if (*out == '"' || *out == '\n' || *out == '\r')
        return spec_fail(c, v, EDRA_ESPEC, "'delimiter' cannot be a quote or a line break");
    return 0;
}

/* Relative paths are taken from the spec's folder, so a spec moves with its files. */
int spec_get_path(ctx *c, const node *v, const char *what, char **out)
{
    char *rel = NULL;
    int rc = spec_get_string(c, v, what, &rel);
    if (rc < 0)
        return rc;
    if (!rel[0]) {
        free(rel);
        return spec_fail(c, v, EDRA_ESPEC, "'%s' must not be empty", what);
    }
    const char *dir = c->spec->dir;
    free(*out);
    if (rel[0] == '/' || !dir[0] || !strcmp(dir, ".")) {
        *out = rel;
        return 0;
    }
    size_t n = strlen(dir) + strlen(rel) + 2;
    *out = malloc(n);
    if (*out)
        snprintf(*out, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
    free(rel);
    return *out ? 0 : spec_oom(c);
}

/* ---- public ---- */

int edra_spec_parse(edra_spec **out, const char *text, size_t len, const char *name,
                    const char *dir, edra_error *err)
{
    const edra_targets no_targets = EDRA_TARGETS_INIT;
    ctx c = {0};
    node *root = NULL;
    edra_spec *s = NULL;
    int rc = 0;

    assert(out && (text || len == 0));
    *out = NULL;
    c.name = name ? name : "spec";
    c.err = err;
    if (len > MAX_SPEC_BYTES)
        return edra_error_set(err, EDRA_EPARSE, "%s: the spec is larger than 1 MiB (%zu bytes)",
                              c.name, len);
    if (!(s = calloc(1, sizeof *s)))
        return spec_oom(&c);
    c.spec = s;
    s->targets = no_targets;
    s->metric = EDRA_METRIC_LOSS;
    s->path = spec_dup_str(c.name);
    s->dir = spec_dup_str(dir ? dir : ".");
    s->text = spec_dup_bytes(text ? text : "", len);
    s->text_len = len;
    s->missing = calloc(1, sizeof *s->missing);
    if (!s->path || !s->dir || !s->text || !s->missing || !(s->missing[0] = spec_dup_str(""))) {
        rc = spec_oom(&c);
        goto done;
    }
    s->n_missing = 1;
    if ((rc = build_tree(&root, &c, s->text, len)) < 0)
        goto done;
    if (!root) {
        node start = {0};
        start.line = start.col = 1;
        rc = spec_fail(&c, &start, EDRA_ESPEC, "the spec is empty");
        goto done;
    }
    if ((rc = spec_parse_root(&c, root)) < 0)
        goto done;
    *out = s;
    s = NULL;
done:
    node_free(root);
    edra_spec_free(s);
    return rc;
}

int edra_spec_load(edra_spec **out, const char *path, edra_error *err)
{
    FILE *f = NULL;
    char *buf = NULL, *dir = NULL;
    size_t len = 0;
    int rc = 0;

    *out = NULL;
    if (!(f = fopen(path, "rb"))) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    /* One byte more than allowed tells an oversized file apart without a stat. */
    if (!(buf = malloc(MAX_SPEC_BYTES + 1))) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory reading the spec", path);
        goto done;
    }
    len = fread(buf, 1, MAX_SPEC_BYTES + 1, f);
    if (ferror(f)) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    const char *slash = strrchr(path, '/');
    if (!(dir = slash ? spec_dup_bytes(path, slash == path ? 1 : (size_t)(slash - path))
                      : spec_dup_str("."))) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory reading the spec", path);
        goto done;
    }
    if (len > MAX_SPEC_BYTES) {
        rc = edra_error_set(err, EDRA_EPARSE, "%s: the spec is larger than 1 MiB", path);
        goto done;
    }
    rc = edra_spec_parse(out, buf, len, path, dir, err);
done:
    if (f)
        fclose(f);
    free(buf);
    free(dir);
    return rc;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void edra_spec_free(edra_spec *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->dir);
    free(s->text);
    free(s->data_path);
    free(s->sqlite_table);
    free(s->sqlite_query);
    free_strings(s->missing, s->n_missing);
    free(s->count_column);
    free(s->weight_column);
    free(s->household_column);
    for (size_t i = 0; i < s->n_attrs; i++) {
        edra_spec_attr *a = &s->attrs[i];
        free(a->name);
        free(a->date_format);
        free_strings(a->order, a->n_order);
        free(a->hierarchy.path);
        free(a->hierarchy.widths);
        free(a->hierarchy.date_levels);
        free_strings(a->hierarchy.order, a->hierarchy.n_order);
        free(a->hierarchy.groups);
    }
    free(s->attrs);
    free(s->pop_region);
    free(s->pop_table);
    for (size_t i = 0; i < EDRA_MAX_SA_TARGETS; i++) {
        free(s->ldiv_attr[i]);
        free(s->tclose_attr[i]);
    }
    for (size_t i = 0; i < s->n_levels; i++)
        free(s->levels[i].name);
    free(s->levels);
    free(s->report_title);
    free(s->report_organisation);
    free(s->report_dataset);
    free(s->report_recipient);
    free(s->report_expert);
    free(s->report_credentials);
    free(s->report_validity);
    free_strings(s->report_controls, s->n_controls);
    free_strings(s->report_triggers, s->n_triggers);
    free(s);
}

const edra_spec_attr *edra_spec_find(const edra_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->n_attrs; i++)
        if (!strcmp(spec->attrs[i].name, name))
            return &spec->attrs[i];
    return NULL;
}
