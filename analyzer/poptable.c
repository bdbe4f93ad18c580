/* Population tables for journalist and marketer risk (El Emam 2013, ch. 14; ARX's
 * population model): each population row's QI values are turned, once, into codes of the
 * sample's hierarchies at every level; a transformation's class sizes in the population
 * are then one hash lookup per row. Values the sample never had are labelled by the same
 * builder, so a population-only ZIP still joins its sample class once masked. */
#define _POSIX_C_SOURCE 200809L
#include "poptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "csv.h"
#include "dict.h"
#include "../metrics/hash.h"

/* A population value with no counterpart in the sample's hierarchy at a level. */
#define NO_CODE UINT32_MAX

struct edra_poptable {
    const edra_microdata *md;
    char *name;                 /* the table's file name, for messages */
    size_t n_qi;
    size_t n_rows, rows_cap;
    uint32_t *values;           /* [n_rows][n_qi] value ids into dicts[d] */
    uint64_t *counts;           /* [n_rows] */
    edra_dict **dicts;          /* [n_qi] the table's distinct values per QI */
    uint32_t **gen;             /* [n_qi][values x levels] code at each level, or NO_CODE */
    uint64_t people;
};

typedef struct {
    const char *label;
    uint32_t code;
} label_entry;

static int oom(edra_error *err)
{
    return edra_error_set(err, EDRA_ENOMEM, "out of memory reading the population table");
}

static int is_missing(const edra_spec *spec, const char *value)
{
    for (size_t i = 0; i < spec->n_missing; i++)
        if (strcmp(spec->missing[i], value) == 0)
            return 1;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int parse_count(const char *text, uint64_t *out)
{
    char *end = NULL;
    if (!*text || *text == '-' || *text == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Column of name in the header, -1 when absent, -2 when it appears twice. */
static long find_column(char **names, size_t n_names, const char *name)
{
    long found = -1;
    for (size_t c = 0; c < n_names; c++) {
        if (strcmp(names[c], name) != 0)
            continue;
        if (found >= 0)
            return -2;
        found = (long)c;
    }
    return found;
}

static int header_columns(edra_poptable *pt, long *qi_col, long *count_col, char **names,
                          size_t n_names, edra_error *err)
{
    for (size_t d = 0; d <= pt->n_qi; d++) {
        const char *name = d < pt->n_qi ? pt->md->qi_names[d] : "count";
        long col = find_column(names, n_names, name);
        if (col == -2)
            return edra_error_set(err, EDRA_EDATA, "%s:1: column '%s' appears twice in the header",
                                  pt->name, name);
        if (col < 0)
            return edra_error_set(err, EDRA_EDATA, "%s:1: the population table has no column '%s'%s",
                                  pt->name, name,
                                  d < pt->n_qi ? " (a quasi-identifier)" : " (people per row)");
        if (d < pt->n_qi)
            qi_col[d] = col;
        else
            *count_col = col;
    }
    return 0;
}

static int add_row(edra_poptable *pt, char **fields, const long *qi_col, long count_col,
                   size_t line, edra_error *err)
{
    uint64_t count = 0;
    if (parse_count(fields[count_col], &count) < 0)
        return edra_error_set(err, EDRA_EDATA, "%s:%zu: count '%.40s' is not a non-negative integer",
                              pt->name, line, fields[count_col]);
    if (count == 0)
        return 0;
    if (UINT64_MAX - pt->people < count)
        return edra_error_set(err, EDRA_ERANGE, "%s:%zu: the counts overflow", pt->name, line);
    pt->people += count;
    if (pt->n_rows == pt->rows_cap) {
        size_t cap = pt->rows_cap ? 2 * pt->rows_cap : 1024;
        uint32_t *values = realloc(pt->values, cap * pt->n_qi * sizeof *values);
        if (!values)
            return oom(err);
        pt->values = values;
        uint64_t *counts = realloc(pt->counts, cap * sizeof *counts);
        if (!counts)
            return oom(err);
        pt->counts = counts;
        pt->rows_cap = cap;
    }
    for (size_t d = 0; d < pt->n_qi; d++) {
        const char *v = fields[qi_col[d]];
        int64_t id = edra_dict_intern(pt->dicts[d], v, strlen(v), line);
        if (id < 0)
            return oom(err);
        pt->values[pt->n_rows * pt->n_qi + d] = (uint32_t)id;
    }
    pt->counts[pt->n_rows++] = count;
    return 0;
}

static int read_rows(edra_poptable *pt, const char *path, edra_error *err)
{
    edra_csv *csv = NULL;
    char **fields;
    size_t *lengths, n_fields;
    long *qi_col = calloc(pt->n_qi, sizeof *qi_col), count_col = -1;
    int rc;
    if (!qi_col)
        return oom(err);
    rc = edra_csv_open(&csv, path, 0, err);
    if (rc < 0)
        goto done;
    rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err);
    if (rc == 0)
        rc = edra_error_set(err, EDRA_EDATA, "%s:1: the file is empty (a header row is required)",
                            pt->name);
    if (rc < 0)
        goto done;
    rc = header_columns(pt, qi_col, &count_col, fields, n_fields, err);
    while (rc == 0 && (rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err)) == 1)
        rc = add_row(pt, fields, qi_col, count_col, edra_csv_line(csv), err);
    if (rc == 0 && pt->people == 0)
        rc = edra_error_set(err, EDRA_EDATA, "%s: the population table counts no people", pt->name);
done:
    edra_csv_free(csv);
    free(qi_col);
    return rc;
}

/* The codes of a value the sample's hierarchy lacks but that the sample's missing-value
 * rule or the flat default places: its own (unmatched) value below the top, the top where
 * the top is one value. */
static void set_top_only(uint32_t *codes, const edra_hierarchy *h)
{
    size_t n_levels = edra_hierarchy_levels(h), top = n_levels - 1;
    for (size_t l = 0; l < n_levels; l++)
        codes[l] = NO_CODE;
    if (n_levels > 1 && edra_hierarchy_width(h, top) == 1)
        codes[top] = 0;
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(((const label_entry *)a)->label, ((const label_entry *)b)->label);
}

/* Sorted (label, code) pairs of h's level, for finding a builder's label among the sample's. */
static label_entry *level_index(const edra_hierarchy *h, size_t level)
{
    uint32_t width = edra_hierarchy_width(h, level);
    label_entry *index = malloc((width ? width : 1) * sizeof *index);
    if (!index)
        return NULL;
    for (uint32_t c = 0; c < width; c++) {
        index[c].label = edra_hierarchy_label(h, level, c);
        index[c].code = c;
    }
    qsort(index, width, sizeof *index, cmp_label);
    return index;
}

/* The first absent value (by line) that the builder refuses on its own, for the message. */
static int builder_culprit(const edra_poptable *pt, size_t d, const edra_spec_attr *a,
                           const uint32_t *absent, size_t n_absent, edra_error *err)
{
    edra_error detail = {0};
    const edra_dict *dict = pt->dicts[d];
    char builder_msg[sizeof err->msg];
    snprintf(builder_msg, sizeof builder_msg, "%s", err ? err->msg : "");
    for (size_t i = 0; i < n_absent; i++) {
        edra_hierarchy *alone = NULL;
        const char *v = edra_dict_value(dict, absent[i]);
        int rc = edra_builder_build(&alone, a, &v, 1, &detail);
        edra_hierarchy_free(alone);
        if (rc == EDRA_ENOMEM)
            return oom(err);
        if (rc < 0)
            return edra_error_set(err, EDRA_EDATA, "%s:%zu: value '%.40s' of column '%s' does not fit "
                                                   "its hierarchy: %s",
                                  pt->name, edra_dict_first_line(dict, absent[i]), v, a->name,
                                  detail.msg);
    }
    return edra_error_set(err, EDRA_EDATA, "%s: the values of column '%s' do not fit its hierarchy: %s",
                          pt->name, a->name, builder_msg);
}

/* Labels the values absent from the sample's hierarchy h with the attribute's builder run
 * over the sample's values and them, and finds each label among h's. A builder whose
 * shape changes (a mask over longer values) would shift the levels, so it is refused. */
static int label_absent(edra_poptable *pt, size_t d, const edra_spec *spec,
                        const edra_spec_attr *a, const edra_hierarchy *h,
                        const uint32_t *absent, size_t n_absent, edra_error *err)
{
    size_t leaves = edra_hierarchy_leaves(h), n_levels = edra_hierarchy_levels(h), n_values = 0;
    const char **values = malloc((leaves + n_absent) * sizeof *values);
    edra_hierarchy *both = NULL;
    label_entry *index = NULL;
    int rc = 0;
    if (!values)
        return oom(err);
    for (size_t leaf = 0; leaf < leaves; leaf++) {
        const char *v = edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf));
        if (!is_missing(spec, v))
            values[n_values++] = v;
    }
    for (size_t i = 0; i < n_absent; i++)
        values[n_values++] = edra_dict_value(pt->dicts[d], absent[i]);
    rc = edra_builder_build(&both, a, values, n_values, err);
    if (rc == EDRA_EDATA)
        rc = builder_culprit(pt, d, a, absent, n_absent, err);
    if (rc < 0)
        goto done;
    if (edra_hierarchy_levels(both) != n_levels) {
        rc = edra_error_set(err, EDRA_EDATA,
                            "%s: with the population's values the hierarchy of '%s' has %zu levels "
                            "instead of the sample's %zu; give it a hierarchy file covering both",
                            pt->name, a->name, edra_hierarchy_levels(both), n_levels);
        goto done;
    }
    for (size_t l = 0; l < n_levels; l++) {
        uint32_t width = edra_hierarchy_width(h, l);
        index = level_index(h, l);
        if (!index) {
            rc = oom(err);
            goto done;
        }
        for (size_t i = 0; i < n_absent; i++) {
            const char *v = edra_dict_value(pt->dicts[d], absent[i]);
            int64_t leaf = edra_hierarchy_find(both, v);
            label_entry key = {NULL, 0}, *hit;
            if (leaf < 0) {
                rc = edra_error_set(err, EDRA_EINTERNAL, "the builder of '%s' dropped a value",
                                    a->name);
                goto done;
            }
            key.label = edra_hierarchy_label(both, l, edra_hierarchy_code(both, l, leaf));
            hit = bsearch(&key, index, width, sizeof *index, cmp_label);
            pt->gen[d][(size_t)absent[i] * n_levels + l] = hit ? hit->code : NO_CODE;
        }
        free(index);
        index = NULL;
    }
done:
    free(index);
    free(values);
    edra_hierarchy_free(both);
    return rc;
}

/* Codes of every population value of QI d at every level of the sample's hierarchy. */
static int generalize_values(edra_poptable *pt, size_t d, const edra_spec *spec,
                             const edra_dataset *data, edra_error *err)
{
    const edra_hierarchy *h = pt->md->qi_hier[d];
    const edra_spec_attr *a = edra_dataset_qi_attr(data, d);
    const edra_dict *dict = pt->dicts[d];
    size_t n = edra_dict_size(dict), n_levels = edra_hierarchy_levels(h), n_absent = 0;
    uint32_t *absent = NULL;
    int rc = 0;
    pt->gen[d] = malloc((n ? n : 1) * n_levels * sizeof *pt->gen[d]);
    absent = malloc((n ? n : 1) * sizeof *absent);
    if (!pt->gen[d] || !absent) {
        free(absent);
        return oom(err);
    }
    for (uint32_t v = 0; v < n; v++) {
        const char *value = edra_dict_value(dict, v);
        uint32_t *codes = pt->gen[d] + (size_t)v * n_levels;
        int64_t leaf = edra_hierarchy_find(h, value);
        if (leaf >= 0) {
            for (size_t l = 0; l < n_levels; l++)
                codes[l] = edra_hierarchy_code(h, l, leaf);
        } else if (is_missing(spec, value) || a->hierarchy.kind == EDRA_HIER_NONE) {
            set_top_only(codes, h);
        } else if (a->hierarchy.kind == EDRA_HIER_FILE) {
            rc = edra_error_set(err, EDRA_EDATA,
                                "%s:%zu: value '%.40s' of column '%s' is not in %s", pt->name,
                                edra_dict_first_line(dict, v), value, a->name,
                                base_name(a->hierarchy.path));
            goto done;
        } else {
            absent[n_absent++] = v;
        }
    }
    if (n_absent)
        rc = label_absent(pt, d, spec, a, h, absent, n_absent, err);
done:
    free(absent);
    return rc;
}

int edra_poptable_load(edra_poptable **out, const edra_spec *spec, const edra_dataset *data,
                       double population, edra_error *err)
{
    edra_poptable *pt = calloc(1, sizeof *pt);
    int rc = 0;
    *out = NULL;
    if (!pt)
        return oom(err);
    pt->md = edra_dataset_microdata(data);
    pt->n_qi = pt->md->n_qi;
    pt->name = strdup(base_name(spec->pop_table));
    pt->dicts = calloc(pt->n_qi + 1, sizeof *pt->dicts);
    pt->gen = calloc(pt->n_qi + 1, sizeof *pt->gen);
    if (!pt->name || !pt->dicts || !pt->gen) {
        rc = oom(err);
        goto done;
    }
    for (size_t d = 0; d < pt->n_qi; d++)
        if ((rc = edra_dict_new(&pt->dicts[d], err)) < 0)
            goto done;
    rc = read_rows(pt, spec->pop_table, err);
    for (size_t d = 0; rc == 0 && d < pt->n_qi; d++)
        rc = generalize_values(pt, d, spec, data, err);
    if (rc == 0 && population > 0 && (double)pt->people > population)
        rc = edra_error_set(err, EDRA_ERANGE,
                            "%s: the population table counts %llu people, more than the "
                            "population size %.0f",
                            pt->name, (unsigned long long)pt->people, population);
    if (rc < 0)
        goto done;
    *out = pt;
    pt = NULL;
done:
    edra_poptable_free(pt);
    return rc;
}

void edra_poptable_free(edra_poptable *pt)
{
    if (!pt)
        return;
    for (size_t d = 0; d < pt->n_qi; d++) {
        if (pt->dicts)
            edra_dict_free(pt->dicts[d]);
        if (pt->gen)
            free(pt->gen[d]);
    }
    free(pt->dicts);
    free(pt->gen);
    free(pt->values);
    free(pt->counts);
    free(pt->name);
    free(pt);
}

uint64_t edra_poptable_people(const edra_poptable *pt)
{
    return pt->people;
}

int edra_poptable_sizes(uint64_t **out, const edra_poptable *pt, const edra_classes *classes,
                        edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    const uint8_t *levels = edra_classes_levels(classes);
    const uint32_t *reps = edra_classes_representatives(classes);
    const edra_count_col class_sizes = edra_classes_sizes(classes);
    size_t n_classes = edra_classes_count(classes), n_qi = pt->n_qi, cap = 16;
    uint32_t *keys = NULL, *slots = NULL, *row_key = NULL;
    uint64_t *sizes = NULL;
    int rc = 0;
    *out = NULL;
    if (md != pt->md)
        return edra_error_set(err, EDRA_EINTERNAL, "population sizes asked for other data");
    while (cap < 2 * n_classes)
        cap *= 2;
    keys = malloc((n_classes ? n_classes : 1) * n_qi * sizeof *keys);
    slots = calloc(cap, sizeof *slots);
    row_key = malloc(n_qi * sizeof *row_key);
    sizes = calloc(n_classes ? n_classes : 1, sizeof *sizes);
    if (!keys || !slots || !row_key || !sizes) {
        rc = oom(err);
        goto done;
    }
    /* Every class's generalized QI codes go into an open-addressing table (slot = class + 1). */
    for (size_t c = 0; c < n_classes; c++) {
        uint32_t *key = keys + c * n_qi;
        for (size_t d = 0; d < n_qi; d++) {
            uint32_t leaf = edra_code_at(md->qi_codes[d], reps[c]);
            key[d] = edra_hierarchy_code(md->qi_hier[d], levels[d], leaf);
        }
        size_t pos = edra_hash_codes(key, n_qi) & (cap - 1);
        while (slots[pos])
            pos = (pos + 1) & (cap - 1);
        slots[pos] = (uint32_t)c + 1;
    }
    for (size_t r = 0; r < pt->n_rows; r++) {
        int matchable = 1;
        for (size_t d = 0; d < n_qi && matchable; d++) {
            size_t n_levels = edra_hierarchy_levels(md->qi_hier[d]);
            row_key[d] = pt->gen[d][(size_t)pt->values[r * n_qi + d] * n_levels + levels[d]];
            matchable = row_key[d] != NO_CODE;
        }
        if (!matchable)
            continue;
        for (size_t pos = edra_hash_codes(row_key, n_qi) & (cap - 1); slots[pos]; pos = (pos + 1) & (cap - 1)) {
            uint32_t c = slots[pos] - 1;
            if (memcmp(keys + (size_t)c * n_qi, row_key, n_qi * sizeof *row_key) == 0) {
                sizes[c] += pt->counts[r];
                break;
            }
        }
    }
    for (size_t c = 0; c < n_classes; c++)
        if (sizes[c] < edra_count_at(class_sizes, c)) {
            rc = edra_error_set(err, EDRA_EDATA,
                                "%s: the population table has fewer records than the sample for a "
                                "class (%llu people, %llu sample records)",
                                pt->name, (unsigned long long)sizes[c],
                                (unsigned long long)edra_count_at(class_sizes, c));
            goto done;
        }
    *out = sizes;
    sizes = NULL;
done:
    free(keys);
    free(slots);
    free(row_key);
    free(sizes);
    return rc;
}
