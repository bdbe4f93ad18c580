/* Leaf codes of a loaded column: builds the hierarchy its attribute asks for (a file, a
 * builder, or the flat default) over the column's distinct values, maps the dictionary
 * codes onto the hierarchy's leaves (missing-value markers becoming leaves of their own),
 * and orders a sensitive attribute's values for ordered t-closeness. */
#include "leafcodes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "hierfile.h"

static int oom(edra_error *err)
{
    return edra_error_set(err, EDRA_ENOMEM, "out of memory loading the data");
}

int edra_leafcodes_is_missing(const edra_spec *spec, const char *value, size_t len)
{
    for (size_t i = 0; i < spec->n_missing; i++)
        if (strlen(spec->missing[i]) == len && memcmp(spec->missing[i], value, len) == 0)
            return 1;
    return 0;
}

/* Builders see the column's distinct values without the missing-value markers, which
 * become leaves of their own afterwards (edra_leafcodes_remap); *leaf_of gets each
 * dictionary code's leaf, UINT32_MAX for a marker. The builder leaves out empty values
 * itself, so the values are copied only to blank out other markers. */
static int build_from_values(edra_hierarchy **out, uint32_t **leaf_of, const edra_spec *spec,
                             const edra_spec_attr *a, edra_dict *dict, edra_error *err)
{
    size_t n = edra_dict_size(dict), markers = 0;
    const char *const *values = edra_dict_values(dict);
    const char **present = NULL;
    int rc = 0;
    *leaf_of = malloc((n ? n : 1) * sizeof **leaf_of);
    if (!*leaf_of)
        return oom(err);
    for (size_t i = 0; i < n; i++)
        markers +=
            values[i][0] && edra_leafcodes_is_missing(spec, values[i], strlen(values[i]));
    if (markers) {
        present = malloc(n * sizeof *present);
        if (!present) {
            rc = oom(err);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            present[i] =
                edra_leafcodes_is_missing(spec, values[i], strlen(values[i])) ? "" : values[i];
        values = present;
    }
    rc = edra_builder_build_mapped(out, a, values, n, *leaf_of, err);
done:
    free(present);
    if (rc < 0) {
        free(*leaf_of);
        *leaf_of = NULL;
    }
    return rc;
}

int edra_leafcodes_hierarchy(edra_hierarchy **out, uint32_t **leaf_of, const edra_spec *spec,
                             const edra_spec_attr *a, edra_dict *dict, int required,
                             edra_error *err)
{
    *out = NULL;
    *leaf_of = NULL;
    switch (a->hierarchy.kind) {
    case EDRA_HIER_FILE:
        return edra_hierfile_load(out, a->hierarchy.path, a->hierarchy.delimiter, err);
    case EDRA_HIER_NONE:
        if (!required)
            return 0;
        return edra_hierarchy_new_flat(out, edra_dict_values(dict), edra_dict_size(dict), err);
    default:
        return build_from_values(out, leaf_of, spec, a, dict, err);
    }
}

int edra_leafcodes_remap(uint32_t **remap_out, const edra_spec *spec, const char *source_name,
                         edra_hierarchy *h, edra_dict *dict, const edra_spec_attr *a,
                         uint32_t *leaf_of, edra_error *err)
{
    size_t n = edra_dict_size(dict), n_absent = 0;
    uint32_t first_absent = 0;
    uint32_t *remap = leaf_of ? leaf_of : malloc((n ? n : 1) * sizeof *remap);
    if (!remap)
        return oom(err);
    for (uint32_t code = 0; code < n; code++) {
        if (leaf_of && leaf_of[code] != UINT32_MAX)
            continue;
        const char *v = edra_dict_value(dict, code);
        int64_t leaf = leaf_of ? -1 : edra_hierarchy_find(h, v);
        if (leaf < 0 && edra_leafcodes_is_missing(spec, v, strlen(v))) {
            int rc = edra_hierarchy_add_leaf(h, v, &remap[code], err);
            if (rc < 0) {
                free(remap);
                return rc;
            }
            continue;
        }
        if (leaf < 0) {
            if (n_absent == 0 || edra_dict_first_line(dict, code) < edra_dict_first_line(dict, first_absent))
                first_absent = code;
            n_absent++;
            continue;
        }
        remap[code] = (uint32_t)leaf;
    }
    if (n_absent) {
        free(remap);
        const char *where = a->hierarchy.kind == EDRA_HIER_FILE ? a->hierarchy.path : "its hierarchy";
        /* Sensitive values are never quoted; QI values may be, to help fix the hierarchy. */
        if (a->role == EDRA_ROLE_SENSITIVE)
            return edra_error_set(err, EDRA_EDATA,
                                  "%s:%zu: a value of column '%s' is not in %s (%zu distinct values missing)",
                                  source_name, edra_dict_first_line(dict, first_absent), a->name,
                                  where, n_absent);
        return edra_error_set(err, EDRA_EDATA,
                              "%s:%zu: value '%.40s' of column '%s' is not in %s (%zu distinct values missing)",
                              source_name, edra_dict_first_line(dict, first_absent),
                              edra_dict_value(dict, first_absent), a->name, where, n_absent);
    }
    *remap_out = remap;
    return 0;
}

typedef struct {
    double number;
    const char *text;
    uint32_t code;
} rank_item;

static int cmp_rank_number(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

static int cmp_rank_text(const void *a, const void *b)
{
    return strcmp(((const rank_item *)a)->text, ((const rank_item *)b)->text);
}

int edra_leafcodes_sa_rank(uint32_t **rank_out, const edra_spec *spec, const char *source_name,
                           const edra_spec_attr *a, edra_dict *dict,
                           const edra_hierarchy *hier, uint32_t domain, edra_error *err)
{
    uint32_t *rank = NULL;
    rank_item *items = NULL;
    *rank_out = NULL;
    if (hier) {
        /* Codes are leaf codes, whose order is the hierarchy file's row order. */
        rank = malloc((domain ? domain : 1) * sizeof *rank);
        if (!rank)
            return oom(err);
        for (uint32_t c = 0; c < domain; c++)
            rank[c] = c;
        *rank_out = rank;
        return 0;
    }
    if (a->type == EDRA_TYPE_STRING)
        return 0;
    items = malloc((domain ? domain : 1) * sizeof *items);
    rank = malloc((domain ? domain : 1) * sizeof *rank);
    if (!items || !rank) {
        free(items);
        free(rank);
        return oom(err);
    }
    for (uint32_t c = 0; c < domain; c++) {
        const char *v = edra_dict_value(dict, c);
        items[c].code = c;
        items[c].text = v;
        items[c].number = 0;
        if (a->type == EDRA_TYPE_INTEGER || a->type == EDRA_TYPE_DECIMAL) {
            char *end = NULL;
            items[c].number = strtod(v, &end);
            if (edra_leafcodes_is_missing(spec, v, strlen(v)))
                items[c].number = -HUGE_VAL;
            else if (end == v || *end) {
                free(items);
                free(rank);
                return edra_error_set(err, EDRA_EDATA, "%s:%zu: column '%s' is declared %s but holds a non-number",
                                      source_name, edra_dict_first_line(dict, c), a->name,
                                      a->type == EDRA_TYPE_INTEGER ? "integer" : "decimal");
            }
        } else if (a->type == EDRA_TYPE_ORDINAL && a->n_order) {
            size_t pos = a->n_order;
            for (size_t i = 0; i < a->n_order; i++)
                if (strcmp(a->order[i], v) == 0)
                    pos = i;
            if (pos == a->n_order && !edra_leafcodes_is_missing(spec, v, strlen(v))) {
                free(items);
                free(rank);
                return edra_error_set(err, EDRA_EDATA, "%s:%zu: a value of column '%s' is not in its order list",
                                      source_name, edra_dict_first_line(dict, c), a->name);
            }
            items[c].number = (double)pos;
        }
    }
    if (a->type == EDRA_TYPE_DATE)
        qsort(items, domain, sizeof *items, cmp_rank_text);
    else
        qsort(items, domain, sizeof *items, cmp_rank_number);
    for (uint32_t i = 0; i < domain; i++)
        rank[items[i].code] = i;
    free(items);
    *rank_out = rank;
    return 0;
}
