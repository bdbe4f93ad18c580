/* The spec's schema: each section (data, attributes with their hierarchies, population,
 * targets, transformation, search, report) read from the node tree into edra_spec, then the
 * checks that need the whole document. Every message names the node it is about
 * ("spec.yaml:LINE:COL: ..."). */
#include "spec_sections.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static int is(const node *key, const char *name)
{
    return strcmp(key->text, name) == 0;
}

/* Index of the keyword among names (NULL-terminated), or -1. */
static int keyword(const node *n, const char *const *names)
{
    if (n->kind != NODE_SCALAR)
        return -1;
    for (int i = 0; names[i]; i++)
        if (!strcmp(n->text, names[i]))
            return i;
    return -1;
}

/* ---- sections ---- */

static int parse_sqlite(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    const node *db = NULL, *table = NULL, *query = NULL;
    int rc = spec_check_map(c, m, "data.sqlite");
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if (is(k, "db"))
            rc = spec_get_path(c, db = v, "db", &s->data_path);
        else if (is(k, "table"))
            rc = spec_get_string(c, table = v, "table", &s->sqlite_table);
        else if (is(k, "query"))
            rc = spec_get_string(c, query = v, "query", &s->sqlite_query);
        else
            rc = spec_unknown(c, k, "data.sqlite");
    }
    if (rc < 0)
        return rc;
    if (!db)
        return spec_fail(c, m, EDRA_ESPEC, "sqlite needs 'db'");
    if (!table == !query)
        return spec_fail(c, m, EDRA_ESPEC, "sqlite needs exactly one of 'table' and 'query'");
    s->source = table ? EDRA_SOURCE_SQLITE_TABLE : EDRA_SOURCE_SQLITE_QUERY;
    return 0;
}

static int parse_data(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    const node *source = NULL, *delimiter = NULL;
    int rc = spec_check_map(c, m, "data");
    s->data_line = m->line;
    s->data_col = m->col;
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if ((is(k, "csv") || is(k, "sqlite")) && source)
            return spec_fail(c, k, EDRA_ESPEC, "data needs exactly one of 'csv' and 'sqlite'");
        if (is(k, "csv")) {
            source = k;
            s->source = EDRA_SOURCE_CSV;
            rc = spec_get_path(c, v, "csv", &s->data_path);
        } else if (is(k, "sqlite")) {
            source = k;
            rc = parse_sqlite(c, v);
        } else if (is(k, "delimiter")) {
            rc = spec_get_delimiter(c, delimiter = v, &s->delimiter);
        } else if (is(k, "missing")) {
            rc = spec_get_strings(c, v, "missing", 1, &s->missing, &s->n_missing);
        } else if (is(k, "count")) {
            rc = spec_get_string(c, v, "count", &s->count_column);
        } else if (is(k, "weight")) {
            rc = spec_get_string(c, v, "weight", &s->weight_column);
        } else if (is(k, "household")) {
            rc = spec_get_string(c, v, "household", &s->household_column);
        } else {
            rc = spec_unknown(c, k, "data");
        }
    }
    if (rc < 0)
        return rc;
    if (!source)
        return spec_fail(c, m, EDRA_ESPEC, "data needs exactly one of 'csv' and 'sqlite'");
    if (delimiter && s->source != EDRA_SOURCE_CSV)
        return spec_fail(c, delimiter, EDRA_ESPEC, "'delimiter' applies only to csv");
    return 0;
}

static const char *const date_level_names[] = {"week", "month", "quarter", "year",
                                               "decade", "century", NULL};

static int parse_intervals(ctx *c, const node *v, edra_spec_hierarchy *h)
{
    if (v->kind != NODE_SEQ || v->n_items == 0)
        return spec_fail(c, v, EDRA_ESPEC, "'intervals' must be a list of positive widths");
    h->widths = calloc(v->n_items, sizeof *h->widths);
    if (!h->widths)
        return spec_oom(c);
    for (size_t i = 0; i < v->n_items; i++) {
        double w = 0;
        if (spec_parse_number(v->items[i], &w) < 0 || w <= 0)
            return spec_fail(c, v->items[i], EDRA_ESPEC,
                             "'intervals' must be a list of positive widths");
        /* Each level must merge whole intervals of the level below, or the hierarchy
         * would not be monotone (a value could share a class at level i but not i+1). */
        if (i > 0) {
            double ratio = w / h->widths[i - 1];
            if (ratio < 2 - 1e-9 || fabs(ratio - round(ratio)) > 1e-9 * ratio)
                return spec_fail(c, v->items[i], EDRA_ESPEC,
                                 "interval width %g must be a larger multiple of the previous width %g",
                                 w, h->widths[i - 1]);
        }
        h->widths[h->n_widths++] = w;
    }
    return 0;
}

static int parse_date_levels(ctx *c, const node *v, edra_spec_hierarchy *h)
{
    if (v->kind != NODE_SEQ || v->n_items == 0)
        return spec_fail(c, v, EDRA_ESPEC, "'date' must be a list of levels among week, month, "
                                           "quarter, year, decade, century");
    h->date_levels = calloc(v->n_items, sizeof *h->date_levels);
    if (!h->date_levels)
        return spec_oom(c);
    for (size_t i = 0; i < v->n_items; i++) {
        int k = keyword(v->items[i], date_level_names);
        if (k < 0)
            return spec_fail(c, v->items[i], EDRA_ESPEC,
                             "'date' must be a list of levels among week, "
                             "month, quarter, year, decade, century");
        edra_date_level level = (edra_date_level)(k + EDRA_DATE_WEEK);
        if (i > 0) {
            edra_date_level prev = h->date_levels[i - 1];
            if (level <= prev)
                return spec_fail(c, v->items[i], EDRA_ESPEC,
                                 "date level '%s' must be coarser than '%s'",
                                 date_level_names[k], date_level_names[prev - EDRA_DATE_WEEK]);
            /* A week straddles month and quarter boundaries, so it cannot be nested in
             * them; a week is nested in its ISO 8601 week-year, hence year or coarser
             * may follow it (the builder uses the week-year for dates in such weeks). */
            if (prev == EDRA_DATE_WEEK && level < EDRA_DATE_YEAR)
                return spec_fail(c, v->items[i], EDRA_ESPEC,
                                 "a week is not nested in a %s; after 'week' use year or coarser",
                                 date_level_names[k]);
        }
        h->date_levels[h->n_date_levels++] = level;
    }
    return 0;
}

static int parse_groups(ctx *c, const node *v, edra_spec_hierarchy *h)
{
    if (v->kind != NODE_SEQ)
        return spec_fail(c, v, EDRA_ESPEC, "'groups' must be a list of group sizes of at least 2");
    h->groups = calloc(v->n_items ? v->n_items : 1, sizeof *h->groups);
    if (!h->groups)
        return spec_oom(c);
    for (size_t i = 0; i < v->n_items; i++) {
        long long g = 0;
        if (spec_parse_integer(v->items[i], &g) < 0 || g < 2)
            return spec_fail(c, v->items[i], EDRA_ESPEC,
                             "'groups' must be a list of group sizes of at least 2");
        if (i > 0 && ((size_t)g <= h->groups[i - 1] || (size_t)g % h->groups[i - 1] != 0))
            return spec_fail(c, v->items[i], EDRA_ESPEC,
                             "group size %lld must be a larger multiple of the previous size %zu", g,
                             h->groups[i - 1]);
        h->groups[h->n_groups++] = (size_t)g;
    }
    return 0;
}

static int check_unique(ctx *c, const node *list, const char *what)
{
    const node *dup = NULL;
    if (spec_find_duplicate(&dup, list->items, list->n_items, 1) < 0)
        return spec_oom(c);
    if (dup)
        return spec_fail(c, dup, EDRA_ESPEC, "'%.80s' appears twice in '%s'", dup->text, what);
    return 0;
}

enum { H_FILE, H_MASK, H_INTERVALS, H_DATE, H_ORDER, H_DELIMITER, H_FROM, H_BOTTOM, H_TOP, H_GROUPS };
static const char *const hier_keys[] = {"file", "mask", "intervals", "date", "order", "delimiter",
                                        "from", "bottom", "top", "groups", NULL};
/* The kind each optional key belongs to, indexed from H_DELIMITER. */
static const int hier_key_kind[] = {H_FILE, H_MASK, H_INTERVALS, H_INTERVALS, H_ORDER};

static int parse_hierarchy(ctx *c, const node *v, edra_spec_attr *a, const char *attr_where)
{
    edra_spec_hierarchy *h = &a->hierarchy;
    const node *at[10] = {0};
    const node *main_key = NULL;
    int kind = -1, rc = 0;
    char where[160];
    h->line = v->line;
    h->col = v->col;
    if (v->kind == NODE_SCALAR) {
        h->kind = EDRA_HIER_FILE;
        h->delimiter = ';';
        return spec_get_path(c, v, "hierarchy", &h->path);
    }
    if (v->kind != NODE_MAP)
        return spec_fail(c, v, EDRA_ESPEC, "'hierarchy' must be a file name or a mapping");
    snprintf(where, sizeof where, "%s.hierarchy", attr_where);
    if ((rc = spec_check_map(c, v, where)) < 0)
        return rc;
    for (size_t i = 0; i < v->n_items; i += 2) {
        int k = keyword(v->items[i], hier_keys);
        if (k < 0)
            return spec_unknown(c, v->items[i], where);
        at[k] = v->items[i + 1];
        if (k <= H_ORDER) {
            if (main_key)
                return spec_fail(c, v->items[i], EDRA_ESPEC,
                                 "a hierarchy takes one of file, mask, intervals, date, order; not both "
                                 "'%s' and '%s'", main_key->text, v->items[i]->text);
            main_key = v->items[i];
            kind = k;
        }
    }
    if (kind < 0)
        return spec_fail(c, v, EDRA_ESPEC,
                         "a hierarchy needs one of file, mask, intervals, date, order");
    for (int k = H_DELIMITER; k <= H_GROUPS; k++)
        if (at[k] && hier_key_kind[k - H_DELIMITER] != kind)
            return spec_fail(c, at[k], EDRA_ESPEC,
                             "'%s' does not apply to a %s hierarchy", hier_keys[k],
                             hier_keys[kind]);
    switch (kind) {
    case H_FILE:
        h->kind = EDRA_HIER_FILE;
        h->delimiter = ';';
        if ((rc = spec_get_path(c, at[H_FILE], "file", &h->path)) < 0)
            return rc;
        return at[H_DELIMITER] ? spec_get_delimiter(c, at[H_DELIMITER], &h->delimiter) : 0;
    case H_MASK: {
        long long n = 0;
        h->kind = EDRA_HIER_MASK;
        if (spec_parse_integer(at[H_MASK], &n) < 0 || n < 1 || n > INT_MAX)
            return spec_fail(c, at[H_MASK], EDRA_ESPEC, "'mask' must be a positive integer");
        h->mask_chars = (int)n;
        if (at[H_FROM]) {
            static const char *const sides[] = {"right", "left", NULL};
            int side = keyword(at[H_FROM], sides);
            if (side < 0)
                return spec_fail(c, at[H_FROM], EDRA_ESPEC, "'from' must be right or left");
            h->mask_from_left = side;
        }
        return 0;
    }
    case H_INTERVALS:
        h->kind = EDRA_HIER_INTERVALS;
        if (a->type != EDRA_TYPE_INTEGER && a->type != EDRA_TYPE_DECIMAL)
            return spec_fail(c, v, EDRA_ESPEC,
                             "an intervals hierarchy needs type integer or decimal");
        if ((rc = parse_intervals(c, at[H_INTERVALS], h)) < 0)
            return rc;
        if (at[H_BOTTOM] && spec_parse_number(at[H_BOTTOM], &h->bottom) < 0)
            return spec_fail(c, at[H_BOTTOM], EDRA_ESPEC, "'bottom' must be a number");
        if (at[H_TOP] && spec_parse_number(at[H_TOP], &h->top) < 0)
            return spec_fail(c, at[H_TOP], EDRA_ESPEC, "'top' must be a number");
        h->has_bottom = at[H_BOTTOM] != NULL;
        h->has_top = at[H_TOP] != NULL;
        if (h->has_bottom && h->has_top && h->top <= h->bottom)
            return spec_fail(c, at[H_TOP], EDRA_ESPEC, "'top' must be greater than 'bottom'");
        return 0;
    case H_DATE:
        h->kind = EDRA_HIER_DATE;
        if (a->type != EDRA_TYPE_DATE)
            return spec_fail(c, v, EDRA_ESPEC, "a date hierarchy needs type date");
        return parse_date_levels(c, at[H_DATE], h);
    default:
        h->kind = EDRA_HIER_ORDER;
        if ((rc = spec_get_strings(c, at[H_ORDER], "order", 0, &h->order, &h->n_order)) < 0)
            return rc;
        if (h->n_order == 0)
            return spec_fail(c, at[H_ORDER], EDRA_ESPEC, "'order' must list at least one value");
        if ((rc = check_unique(c, at[H_ORDER], "order")) < 0)
            return rc;
        return at[H_GROUPS] ? parse_groups(c, at[H_GROUPS], h) : 0;
    }
}

static const char *const role_names[] = {"identifier", "quasi", "sensitive", "insensitive", NULL};
static const char *const type_names[] = {"string", "integer", "decimal", "date", "ordinal", NULL};

static int parse_attribute(ctx *c, const node *key, const node *m, edra_spec_attr *a)
{
    static const char *const safe_harbor_names[] = {"none", "date", "age", "zip", NULL};
    const node *role = NULL, *type = NULL, *format = NULL, *order = NULL, *hierarchy = NULL;
    const node *safe_harbor = NULL;
    char where[128];
    int rc = 0;
    a->line = key->line;
    a->col = key->col;
    if (key->len == 0)
        return spec_fail(c, key, EDRA_ESPEC, "attribute names must not be empty");
    if (!(a->name = spec_dup_str(key->text)))
        return spec_oom(c);
    snprintf(where, sizeof where, "attributes.%.80s", a->name);
    if ((rc = spec_check_map(c, m, where)) < 0)
        return rc;
    for (size_t i = 0; i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if (is(k, "role"))
            role = v;
        else if (is(k, "type"))
            type = v;
        else if (is(k, "format"))
            format = v;
        else if (is(k, "order"))
            order = v;
        else if (is(k, "hierarchy"))
            hierarchy = v;
        else if (is(k, "safe_harbor"))
            safe_harbor = v;
        else
            return spec_unknown(c, k, where);
    }
    /* safe_harbor: how `edra safeharbor` treats the column, overriding its type and name. */
    if (safe_harbor && (a->safe_harbor = keyword(safe_harbor, safe_harbor_names) + 1) == 0)
        return spec_fail(c, safe_harbor, EDRA_ESPEC,
                         "'safe_harbor' must be one of none, date, age, zip");
    /* The keys are read in a fixed order since the checks of one depend on another. */
    if (!role)
        return spec_fail(c, key, EDRA_ESPEC, "attribute '%.80s' needs a role", a->name);
    int r = keyword(role, role_names);
    if (r < 0)
        return spec_fail(c, role, EDRA_ESPEC,
                         "'role' must be one of identifier, quasi, sensitive, insensitive");
    a->role = (edra_role)(r + EDRA_ROLE_IDENTIFIER);
    if (type) {
        int t = keyword(type, type_names);
        if (t < 0)
            return spec_fail(c, type, EDRA_ESPEC,
                             "'type' must be one of string, integer, decimal, date, ordinal");
        a->type = (edra_attr_type)t;
    }
    if (format) {
        if (a->type != EDRA_TYPE_DATE)
            return spec_fail(c, format, EDRA_ESPEC, "'format' applies only to type date");
        if ((rc = spec_get_string(c, format, "format", &a->date_format)) < 0)
            return rc;
    }
    if (order) {
        if (a->type != EDRA_TYPE_ORDINAL && a->role != EDRA_ROLE_SENSITIVE)
            return spec_fail(c, order, EDRA_ESPEC,
                             "'order' applies only to type ordinal or sensitive attributes");
        if ((rc = spec_get_strings(c, order, "order", 0, &a->order, &a->n_order)) < 0)
            return rc;
        if (a->n_order == 0)
            return spec_fail(c, order, EDRA_ESPEC, "'order' must list at least one value");
        if ((rc = check_unique(c, order, "order")) < 0)
            return rc;
    }
    if (hierarchy) {
        if (a->role != EDRA_ROLE_QUASI && a->role != EDRA_ROLE_SENSITIVE)
            return spec_fail(c, hierarchy, EDRA_ESPEC,
                             "a hierarchy applies only to quasi and sensitive attributes");
        if ((rc = parse_hierarchy(c, hierarchy, a, where)) < 0)
            return rc;
    }
    if (a->type != EDRA_TYPE_ORDINAL)
        return 0;
    const edra_spec_hierarchy *h = &a->hierarchy;
    if (!a->order && h->kind != EDRA_HIER_ORDER)
        return spec_fail(c, key, EDRA_ESPEC, "ordinal attribute '%.80s' needs 'order'", a->name);
    if (!a->order) {
        /* The hierarchy's order is the attribute's order when only that one is given. */
        if (!(a->order = calloc(h->n_order, sizeof *a->order)))
            return spec_oom(c);
        for (; a->n_order < h->n_order; a->n_order++)
            if (!(a->order[a->n_order] = spec_dup_str(h->order[a->n_order])))
                return spec_oom(c);
    } else if (h->kind == EDRA_HIER_ORDER) {
        int same = h->n_order == a->n_order;
        for (size_t i = 0; same && i < a->n_order; i++)
            same = !strcmp(h->order[i], a->order[i]);
        if (!same)
            return spec_fail(c, hierarchy, EDRA_ESPEC, "the hierarchy's order differs from the "
                                                       "attribute's order");
    }
    return 0;
}

static int parse_attributes(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    int rc = spec_check_map(c, m, "attributes");
    if (rc < 0)
        return rc;
    if (m->n_items == 0)
        return spec_fail(c, m, EDRA_ESPEC, "attributes must declare at least one attribute");
    s->attrs = calloc(m->n_items / 2, sizeof *s->attrs);
    if (!s->attrs)
        return spec_oom(c);
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2)
        rc = parse_attribute(c, m->items[i], m->items[i + 1], &s->attrs[s->n_attrs++]);
    return rc;
}

static int ascii_caseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a - 'A' + 'a' : *a;
        int y = (*b >= 'A' && *b <= 'Z') ? *b - 'A' + 'a' : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static const char *const region_names[][4] = {
    {"USA", "US", "United States", NULL},
    {"UK", "United Kingdom", NULL},
    {"Canada", NULL},
    {"Germany", NULL},
    {"France", NULL},
    {"EU", "European Union", NULL},
    {"Italy", NULL},
    {"Spain", NULL},
    {"Netherlands", NULL},
    {"Australia", NULL},
};
/* USA is the figure of ARX's population model (ARXPopulationModel.Region.USA), kept so
 * that risk estimates agree with ARX's; the others are rounded 2013-14 figures of the
 * national statistics offices and Eurostat (EU-28). */
static const double region_sizes[] = {317238626, 64100000, 35160000, 80620000, 66030000,
                                      507400000, 60230000, 46650000, 16800000, 23130000};

double edra_spec_region_population(const char *region)
{
    for (size_t r = 0; region && r < sizeof region_sizes / sizeof region_sizes[0]; r++)
        for (size_t i = 0; region_names[r][i]; i++)
            if (ascii_caseeq(region, region_names[r][i]))
                return region_sizes[r];
    return 0;
}

static int parse_population(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    const node *given = NULL;
    int rc = spec_check_map(c, m, "population");
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if (is(k, "table")) {
            rc = spec_get_path(c, v, "table", &s->pop_table);
            continue;
        }
        if (!is(k, "size") && !is(k, "sampling_fraction") && !is(k, "region"))
            return spec_unknown(c, k, "population");
        if (given)
            return spec_fail(c, k, EDRA_ESPEC,
                             "population takes one of size, sampling_fraction, "
                             "region; not both '%s' and '%s'", given->text, k->text);
        given = k;
        if (is(k, "size")) {
            s->pop_kind = EDRA_POP_SIZE;
            if (spec_parse_number(v, &s->pop_size) < 0 || s->pop_size <= 0)
                return spec_fail(c, v, EDRA_ESPEC, "'size' must be a positive number");
        } else if (is(k, "sampling_fraction")) {
            s->pop_kind = EDRA_POP_FRACTION;
            if (spec_parse_number(v, &s->pop_fraction) < 0 || s->pop_fraction <= 0 ||
                s->pop_fraction > 1)
                return spec_fail(c, v, EDRA_ESPEC,
                                 "'sampling_fraction' must be a number in (0, 1]");
        } else {
            s->pop_kind = EDRA_POP_REGION;
            if ((rc = spec_get_string(c, v, "region", &s->pop_region)) < 0)
                return rc;
            if ((s->pop_size = edra_spec_region_population(s->pop_region)) <= 0)
                return spec_fail(c, v, EDRA_ESPEC,
                                 "unknown region '%.80s'; known regions: USA, UK, "
                                 "Canada, Germany, France, EU, Italy, Spain, "
                                 "Netherlands, Australia", s->pop_region);
        }
    }
    if (rc == 0 && !given)
        return spec_fail(c, m, EDRA_ESPEC,
                         "population needs one of size, sampling_fraction, region");
    return rc;
}

static const char *const ldiv_models[] = {"distinct", "entropy", "recursive", NULL};
static const char *const tclose_models[] = {"equal", "ordered", "hierarchical", NULL};

/* One l (is_t = 0) or t (is_t = 1) target: {model, l, c, attribute} or {model, t, attribute}. */
static int parse_sa_target(ctx *c, const node *m, int is_t)
{
    edra_spec *s = c->spec;
    const char *where = is_t ? "targets.t" : "targets.l";
    const node *model = NULL, *value = NULL, *cval = NULL, *attribute = NULL;
    size_t *count = is_t ? &s->targets.n_tclose : &s->targets.n_ldiv;
    int rc = spec_check_map(c, m, where);
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if (is(k, "model"))
            model = v;
        else if (is(k, is_t ? "t" : "l"))
            value = v;
        else if (!is_t && is(k, "c"))
            cval = v;
        else if (is(k, "attribute"))
            attribute = v;
        else
            rc = spec_unknown(c, k, where);
    }
    if (rc < 0)
        return rc;
    if (*count == EDRA_MAX_SA_TARGETS)
        return spec_fail(c, m, EDRA_ESPEC,
                         "at most %d %s targets are supported", EDRA_MAX_SA_TARGETS,
                         is_t ? "t" : "l");
    if (!value)
        return spec_fail(c, m, EDRA_ESPEC,
                         "%s target needs '%s'", is_t ? "t" : "l", is_t ? "t" : "l");
    if (!attribute)
        return spec_fail(c, m, EDRA_ESPEC, "%s target needs 'attribute'", is_t ? "t" : "l");
    /* The model defaults to the simplest of each family. */
    int mi = model ? keyword(model, is_t ? tclose_models : ldiv_models) : 0;
    if (mi < 0)
        return spec_fail(c, model, EDRA_ESPEC,
                         is_t ? "'model' must be one of equal, ordered, hierarchical"
                              : "'model' must be one of distinct, entropy, recursive");
    size_t i = (*count)++;
    if (is_t) {
        edra_tclose_target *t = &s->targets.tclose[i];
        t->model = (edra_tclose_model)(mi + EDRA_TCLOSE_EQUAL);
        if ((rc = spec_get_share(c, value, "t", &t->t)) < 0)
            return rc;
        c->tclose_attr_at[i] = attribute;
        s->tclose_line[i] = attribute->line;
        return spec_get_string(c, attribute, "attribute", &s->tclose_attr[i]);
    }
    edra_ldiv_target *l = &s->targets.ldiv[i];
    l->model = (edra_ldiv_model)(mi + EDRA_LDIV_DISTINCT);
    /* Entropy l is exp(H), a real number; the other two count values. */
    if (spec_parse_number(value, &l->l) < 0 || l->l < 1 ||
             (l->model != EDRA_LDIV_ENTROPY && l->l != floor(l->l)))
        return spec_fail(c, value, EDRA_ESPEC, l->model == EDRA_LDIV_ENTROPY
                                                   ? "'l' must be a number of at least 1"
                                                   : "'l' must be an integer of at least 1");
    if (cval && l->model != EDRA_LDIV_RECURSIVE)
        return spec_fail(c, cval, EDRA_ESPEC, "'c' applies only to the recursive model");
    if (!cval && l->model == EDRA_LDIV_RECURSIVE)
        return spec_fail(c, m, EDRA_ESPEC, "recursive (c,l)-diversity needs 'c'");
    if (cval && (spec_parse_number(cval, &l->c) < 0 || l->c <= 0))
        return spec_fail(c, cval, EDRA_ESPEC, "'c' must be a positive number");
    c->ldiv_attr_at[i] = attribute;
    s->ldiv_line[i] = attribute->line;
    return spec_get_string(c, attribute, "attribute", &s->ldiv_attr[i]);
}

static int parse_sa_targets(ctx *c, const node *v, int is_t)
{
    if (v->kind != NODE_SEQ)
        return parse_sa_target(c, v, is_t);
    for (size_t i = 0; i < v->n_items; i++) {
        int rc = parse_sa_target(c, v->items[i], is_t);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_targets(ctx *c, const node *m)
{
    edra_targets *t = &c->spec->targets;
    const char *const share_names[] = {"prosecutor_risk", "average_risk", "records_at_risk",
                                       "journalist_risk", "marketer_risk",
                                       "population_uniqueness", "suppression",
                                       "individual_risk", "global_risk", NULL};
    double *const shares[] = {&t->prosecutor_risk, &t->average_risk, &t->records_at_risk,
                              &t->journalist_risk, &t->marketer_risk,
                              &t->population_uniqueness, &t->suppression,
                              &t->individual_risk, &t->global_risk};
    int rc = spec_check_map(c, m, "targets");
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        int share = keyword(k, share_names);
        long long kval = 0;
        if (share >= 0) {
            rc = spec_get_share(c, v, share_names[share], shares[share]);
        } else if (is(k, "k")) {
            if (spec_parse_integer(v, &kval) < 0)
                return spec_fail(c, v, EDRA_ESPEC, "'k' must be a positive integer");
            if (kval < 1)
                return spec_fail(c, v, EDRA_ESPEC, "k must be at least 1");
            t->k = (uint64_t)kval;
        } else if (is(k, "risk_threshold")) {
            if (spec_parse_number(v, &t->risk_threshold) < 0 || t->risk_threshold <= 0 ||
                     t->risk_threshold > 1)
                return spec_fail(c, v, EDRA_ESPEC, "'risk_threshold' must be a number in (0, 1]");
        } else if (is(k, "l")) {
            rc = parse_sa_targets(c, v, 0);
        } else if (is(k, "t")) {
            rc = parse_sa_targets(c, v, 1);
        } else {
            rc = spec_unknown(c, k, "targets");
        }
    }
    return rc;
}

static int parse_transformation(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    int rc = spec_check_map(c, m, "transformation");
    if (rc < 0)
        return rc;
    s->levels = calloc(m->n_items / 2 + 1, sizeof *s->levels);
    if (!s->levels)
        return spec_oom(c);
    for (size_t i = 0; i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        edra_spec_level *l = &s->levels[s->n_levels++];
        long long level = 0;
        l->line = k->line;
        l->col = k->col;
        if (!(l->name = spec_dup_str(k->text)))
            return spec_oom(c);
        if (spec_parse_integer(v, &level) < 0 || level < 0 || level > INT_MAX)
            return spec_fail(c, v, EDRA_ESPEC,
                             "the level of '%.80s' must be a non-negative integer",
                             l->name);
        l->level = (int)level;
    }
    return 0;
}

/* Seconds, written as a number or as "30s", "2m", "1h". */
static int parse_duration(const node *v, double *out)
{
    node number = *v;
    double unit = 1;
    if (v->kind != NODE_SCALAR || v->len < 1)
        return -1;
    char last = v->text[v->len - 1];
    if (last == 's' || last == 'm' || last == 'h') {
        unit = last == 'h' ? 3600 : last == 'm' ? 60 : 1;
        if (!(number.text = spec_dup_bytes(v->text, v->len - 1)))
            return -1;
        number.len = v->len - 1;
    }
    int rc = spec_parse_number(&number, out);
    if (number.text != v->text)
        free(number.text);
    *out *= unit;
    return rc == 0 && *out > 0 ? 0 : -1;
}

static int parse_search(ctx *c, const node *m)
{
    static const char *const metrics[] = {"loss", "precision", "discernibility", "aecs",
                                          "entropy", "height", NULL};
    edra_spec *s = c->spec;
    int rc = spec_check_map(c, m, "search");
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        if (is(k, "metric")) {
            int metric = keyword(v, metrics);
            if (metric < 0)
                return spec_fail(c, v, EDRA_ESPEC, "'metric' must be one of loss, precision, "
                                                   "discernibility, aecs, entropy, height");
            s->metric = (edra_metric)metric;
        } else if (is(k, "time_limit")) {
            if (parse_duration(v, &s->time_limit) < 0)
                return spec_fail(c, v, EDRA_ESPEC,
                                 "'time_limit' must be a positive number of seconds "
                                 "or a duration such as \"30s\" or \"2m\"");
        } else {
            rc = spec_unknown(c, k, "search");
        }
    }
    return rc;
}

static int parse_report(ctx *c, const node *m)
{
    edra_spec *s = c->spec;
    const char *const names[] = {"title", "organisation", "dataset", "recipient", "expert",
                                 "credentials", "validity", NULL};
    char **const fields[] = {&s->report_title, &s->report_organisation, &s->report_dataset,
                             &s->report_recipient, &s->report_expert, &s->report_credentials,
                             &s->report_validity};
    int rc = spec_check_map(c, m, "report");
    for (size_t i = 0; rc == 0 && i < m->n_items; i += 2) {
        const node *k = m->items[i], *v = m->items[i + 1];
        int field = keyword(k, names);
        if (field >= 0)
            rc = spec_get_string(c, v, names[field], fields[field]);
        else if (is(k, "controls"))
            rc = spec_get_strings(c, v, "controls", 0, &s->report_controls, &s->n_controls);
        else if (is(k, "triggers"))
            rc = spec_get_strings(c, v, "triggers", 0, &s->report_triggers, &s->n_triggers);
        else
            rc = spec_unknown(c, k, "report");
    }
    return rc;
}

/* The checks that need the whole document: targets and levels name declared attributes. */
static int cross_check(ctx *c)
{
    const edra_spec *s = c->spec;
    for (int is_t = 0; is_t <= 1; is_t++) {
        size_t n = is_t ? s->targets.n_tclose : s->targets.n_ldiv;
        for (size_t i = 0; i < n; i++) {
            const char *name = is_t ? s->tclose_attr[i] : s->ldiv_attr[i];
            const node *at = is_t ? c->tclose_attr_at[i] : c->ldiv_attr_at[i];
            const edra_spec_attr *a = edra_spec_find(s, name);
            if (!a)
                return spec_fail(c, at, EDRA_ESPEC,
                                 "%s target names '%.80s', which is not a declared "
                                 "attribute", is_t ? "t" : "l", name);
            if (a->role != EDRA_ROLE_SENSITIVE)
                return spec_fail(c, at, EDRA_ESPEC,
                                 "%s target names '%.80s', whose role is %s, not "
                                 "sensitive", is_t ? "t" : "l", name,
                                 role_names[a->role - EDRA_ROLE_IDENTIFIER]);
        }
    }
    for (size_t i = 0; i < s->n_levels; i++) {
        const edra_spec_level *l = &s->levels[i];
        const edra_spec_attr *a = edra_spec_find(s, l->name);
        if (!a || a->role != EDRA_ROLE_QUASI) {
            node at = {0};
            at.line = l->line;
            at.col = l->col;
            return spec_fail(c, &at, EDRA_ESPEC,
                             "transformation names '%.80s', which is not a declared "
                             "quasi attribute", l->name);
        }
    }
    return 0;
}

int spec_parse_root(ctx *c, const node *root)
{
    int rc = 0;
    if (root->kind != NODE_MAP)
        return spec_fail(c, root, EDRA_ESPEC, "the spec must be a mapping of sections (data, "
                                              "attributes, ...)");
    if ((rc = spec_check_map(c, root, "the spec")) < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < root->n_items; i += 2) {
        const node *k = root->items[i], *v = root->items[i + 1];
        if (is(k, "data"))
            rc = parse_data(c, c->data_at = v);
        else if (is(k, "attributes"))
            rc = parse_attributes(c, c->attributes_at = v);
        else if (is(k, "population"))
            rc = parse_population(c, v);
        else if (is(k, "targets"))
            rc = parse_targets(c, v);
        else if (is(k, "transformation"))
            rc = parse_transformation(c, v);
        else if (is(k, "search"))
            rc = parse_search(c, v);
        else if (is(k, "report"))
            rc = parse_report(c, v);
        else
            rc = spec_fail(c, k, EDRA_ESPEC,
                           "unknown key '%.80s' at the top level (data, attributes, "
                           "population, targets, transformation, search, report)",
                           k->text);
    }
    if (rc < 0)
        return rc;
    if (!c->data_at)
        return spec_fail(c, root, EDRA_ESPEC, "the spec needs a 'data' section");
    if (!c->attributes_at)
        return spec_fail(c, root, EDRA_ESPEC, "the spec needs an 'attributes' section");
    return cross_check(c);
}
