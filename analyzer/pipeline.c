/* The assessment pipeline: what every command that computes figures shares. */
#define _POSIX_C_SOURCE 200809L
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/classes.h"

static int resolve_targets(edra_pipeline *p, edra_error *err)
{
    const edra_spec *spec = p->spec;
    p->targets = spec->targets;
    for (size_t i = 0; i < spec->targets.n_ldiv; i++) {
        int sa = edra_dataset_sa_index(p->data, spec->ldiv_attr[i]);
        if (sa < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu: l target names '%s', not a sensitive attribute",
                                  spec->path, spec->ldiv_line[i], spec->ldiv_attr[i]);
        p->targets.ldiv[i].sa = (size_t)sa;
        if (spec->targets.ldiv[i].model != EDRA_LDIV_ENTROPY &&
            spec->targets.ldiv[i].l > (double)p->md->sa_domain[sa])
            return edra_error_set(err, EDRA_ESPEC,
                                  "%s:%zu: l = %g but '%s' has only %u distinct values",
                                  spec->path, spec->ldiv_line[i], spec->targets.ldiv[i].l,
                                  spec->ldiv_attr[i], p->md->sa_domain[sa]);
    }
    for (size_t i = 0; i < spec->targets.n_tclose; i++) {
        int sa = edra_dataset_sa_index(p->data, spec->tclose_attr[i]);
        if (sa < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu: t target names '%s', not a sensitive attribute",
                                  spec->path, spec->tclose_line[i], spec->tclose_attr[i]);
        p->targets.tclose[i].sa = (size_t)sa;
        if (spec->targets.tclose[i].model == EDRA_TCLOSE_HIERARCHICAL && !p->md->sa_hier[sa])
            return edra_error_set(err, EDRA_ESPEC,
                                  "%s:%zu: hierarchical t-closeness on '%s' needs a hierarchy for it",
                                  spec->path, spec->tclose_line[i], spec->tclose_attr[i]);
        if (spec->targets.tclose[i].model == EDRA_TCLOSE_ORDERED && !p->md->sa_rank[sa])
            return edra_error_set(err, EDRA_ESPEC,
                                  "%s:%zu: ordered t-closeness on '%s' needs a numeric, date or ordinal type",
                                  spec->path, spec->tclose_line[i], spec->tclose_attr[i]);
    }
    return 0;
}

static int resolve_population(edra_pipeline *p, edra_error *err)
{
    const edra_spec *spec = p->spec;
    double n = (double)p->md->n_records;
    switch (spec->pop_kind) {
    case EDRA_POP_NONE:
        p->population = 0;
        return 0;
    case EDRA_POP_FRACTION:
        p->population = n / spec->pop_fraction;
        break;
    case EDRA_POP_SIZE:
    case EDRA_POP_REGION:
        p->population = spec->pop_size;
        break;
    }
    if (p->population < n)
        return edra_error_set(err, EDRA_ERANGE,
                              "%s: the population (%.0f) is smaller than the sample (%.0f records)",
                              spec->path, p->population, n);
    return 0;
}

static int resolve_levels(edra_pipeline *p, edra_error *err)
{
    const edra_spec *spec = p->spec;
    p->spec_levels = calloc(p->md->n_qi ? p->md->n_qi : 1, 1);
    if (!p->spec_levels)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    for (size_t i = 0; i < spec->n_levels; i++) {
        const edra_spec_level *l = &spec->levels[i];
        int d = edra_dataset_qi_index(p->data, l->name);
        if (d < 0)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu:%zu: '%s' is not a quasi-identifier",
                                  spec->path, l->line, l->col, l->name);
        size_t top = edra_hierarchy_levels(p->md->qi_hier[d]) - 1;
        if (l->level < 0 || (size_t)l->level > top)
            return edra_error_set(err, EDRA_ESPEC, "%s:%zu:%zu: level %d of '%s' is outside 0..%zu",
                                  spec->path, l->line, l->col, l->level, l->name, top);
        p->spec_levels[d] = (uint8_t)l->level;
    }
    return 0;
}

int edra_pipeline_open(edra_pipeline **out, const char *spec_path, edra_error *err)
{
    edra_spec *spec = NULL;
    int rc = edra_spec_load(&spec, spec_path, err);
    *out = NULL;
    if (rc < 0)
        return rc;
    return edra_pipeline_open_spec(out, spec, err);
}

int edra_pipeline_open_spec(edra_pipeline **out, edra_spec *spec, edra_error *err)
{
    edra_pipeline *p = calloc(1, sizeof *p);
    int rc;
    *out = NULL;
    if (!p) {
        edra_spec_free(spec);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    p->spec = spec;
    rc = edra_dataset_load(&p->data, p->spec, err);
    if (rc < 0)
        goto done;
    p->md = edra_dataset_microdata(p->data);
    rc = resolve_targets(p, err);
    if (rc == 0)
        rc = resolve_population(p, err);
    if (rc == 0)
        rc = resolve_levels(p, err);
    if (rc == 0 && p->spec->pop_table)
        rc = edra_poptable_load(&p->pop_table, p->spec, p->data, p->population, err);
    if (rc < 0)
        goto done;
    *out = p;
    p = NULL;
done:
    edra_pipeline_free(p);
    return rc;
}

void edra_pipeline_free(edra_pipeline *p)
{
    if (!p)
        return;
    edra_poptable_free(p->pop_table);
    edra_dataset_free(p->data);
    edra_spec_free(p->spec);
    free(p->spec_levels);
    free(p);
}

int edra_pipeline_parse_levels(const edra_pipeline *p, const char *text, uint8_t *levels,
                               edra_error *err)
{
    char *copy = strdup(text), *save = NULL;
    int rc = 0;
    if (!copy)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end = NULL;
        if (!eq) {
            rc = edra_error_set(err, EDRA_EUSAGE, "--levels: '%s' is not NAME=LEVEL", item);
            break;
        }
        *eq = '\0';
        int d = edra_dataset_qi_index(p->data, item);
        if (d < 0) {
            rc = edra_error_set(err, EDRA_EUSAGE, "--levels: '%s' is not a quasi-identifier", item);
            break;
        }
        errno = 0;
        long level = strtol(eq + 1, &end, 10);
        long top = (long)edra_hierarchy_levels(p->md->qi_hier[d]) - 1;
        if (errno || end == eq + 1 || *end || level < 0 || level > top) {
            rc = edra_error_set(err, EDRA_EUSAGE, "--levels: level of '%s' must be an integer in 0..%ld",
                                item, top);
            break;
        }
        levels[d] = (uint8_t)level;
    }
    free(copy);
    return rc;
}

int edra_pipeline_assess_classes(const edra_pipeline *p, const edra_classes *classes,
                                 int apply_suppression, edra_figures *out, edra_error *err)
{
    edra_assess_opts opts = EDRA_ASSESS_OPTS_INIT;
    uint64_t *population_sizes = NULL;
    int rc = 0;
    if (p->pop_table && (rc = edra_poptable_sizes(&population_sizes, p->pop_table, classes, err)) < 0)
        return rc;
    opts.targets = &p->targets;
    opts.apply_suppression = apply_suppression;
    opts.population = p->population;
    opts.population_sizes = population_sizes;
    rc = edra_assess(out, classes, &opts, err);
    free(population_sizes);
    return rc;
}

int edra_pipeline_assess(const edra_pipeline *p, const uint8_t *levels, int apply_suppression,
                         edra_figures *out, edra_error *err)
{
    edra_classes *classes = NULL;
    int rc = edra_classes_compute(&classes, p->md, levels, err);
    if (rc < 0)
        return rc;
    rc = edra_pipeline_assess_classes(p, classes, apply_suppression, out, err);
    edra_classes_free(classes);
    return rc;
}
