/* The Safe Harbor version of the data (45 CFR 164.514(b)(2)(i)): dates (B) reduced to the
 * year, ages over 89 into "90+", ZIP codes (B) to three digits, "000" for the 17 areas HHS
 * lists from the 2000 census (67 FR 53182, 53233-53234), as hierarchies (value, Safe Harbor
 * value, *) over each transformed QI's values, applied at level 1, so the figures come from
 * the usual assessment. Dates are read
 * with strptime, hence _XOPEN_SOURCE 700 in this file. */
#define _XOPEN_SOURCE 700
#include "safeharbor.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct edra_safeharbor {
    const edra_pipeline *p;
    size_t n_qi;
    edra_hierarchy **own;            /* [n_qi] built hierarchies, NULL for kept QIs */
    const edra_hierarchy **hier;     /* [n_qi] what the Safe Harbor data use */
    void **own_codes;                /* [n_qi] tuples' leaf codes in own[d], NULL for kept QIs */
    edra_code_col *codes;            /* [n_qi] what the Safe Harbor data use */
    uint8_t *levels;
    edra_sh_kind *kind;
    uint64_t *changed, *restricted, *unreadable;
    edra_microdata md;
};

/* The 17 three-digit ZIP areas of 20,000 people or fewer at the 2000 census. */
static const char *const restricted_zip3[] = {"036", "059", "063", "102", "203", "556",
                                              "692", "790", "821", "823", "830", "831",
                                              "878", "879", "884", "890", "893"};

int edra_safeharbor_zip_restricted(const char *prefix)
{
    for (size_t i = 0; i < sizeof restricted_zip3 / sizeof restricted_zip3[0]; i++)
        if (strncmp(prefix, restricted_zip3[i], 3) == 0)
            return 1;
    return 0;
}

const char *edra_safeharbor_kind_name(edra_sh_kind kind)
{
    switch (kind) {
    case EDRA_SH_DATE:
        return "date";
    case EDRA_SH_AGE:
        return "age";
    case EDRA_SH_ZIP:
        return "ZIP code";
    case EDRA_SH_KEEP:
        break;
    }
    return "kept";
}

/* Whether name, lower-cased, matches the extended regex pattern. */
static int name_matches(const char *name, const char *pattern)
{
    char lower[256];
    regex_t re;
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return 0;
    int match = regexec(&re, lower, 0, NULL, 0) == 0;
    regfree(&re);
    return match;
}

edra_sh_kind edra_safeharbor_kind(const edra_spec_attr *a)
{
    if (a->safe_harbor)
        return (edra_sh_kind)(a->safe_harbor - 1);
    if (a->type == EDRA_TYPE_DATE)
        return EDRA_SH_DATE;
    if ((a->type == EDRA_TYPE_INTEGER || a->type == EDRA_TYPE_DECIMAL) &&
        name_matches(a->name, "(^|[^a-z])age([^a-z]|$)"))
        return EDRA_SH_AGE;
    if (name_matches(a->name, "(^|[^a-z])(zip|zipcode|zip_code|postal|postalcode|postcode)([^a-z]|$)"))
        return EDRA_SH_ZIP;
    return EDRA_SH_KEEP;
}

int edra_safeharbor_value(char *buf, size_t size, edra_sh_kind kind, const char *value,
                          const char *date_format)
{
    switch (kind) {
    case EDRA_SH_DATE: {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(value, date_format ? date_format : "%Y-%m-%d", &tm);
        if (!end || *end) {
            snprintf(buf, size, "*");
            return -1;
        }
        snprintf(buf, size, "%04d", tm.tm_year + 1900);
        return strcmp(buf, value) != 0;
    }
    case EDRA_SH_AGE: {
        char *end = NULL;
        errno = 0;
        double age = strtod(value, &end);
        if (end != value && !*end && !errno && isfinite(age) && age > 89) {
            snprintf(buf, size, "90+");
            return 1;
        }
        break;
    }
    case EDRA_SH_ZIP:
        if (isdigit((unsigned char)value[0]) && isdigit((unsigned char)value[1]) &&
            isdigit((unsigned char)value[2]) && !edra_safeharbor_zip_restricted(value))
            snprintf(buf, size, "%.3s", value);
        else
            snprintf(buf, size, "000");
        return strcmp(buf, value) != 0;
    case EDRA_SH_KEEP:
        break;
    }
    snprintf(buf, size, "%s", value);
    return 0;
}

static int is_missing(const edra_spec *spec, const char *value)
{
    for (size_t i = 0; i < spec->n_missing; i++)
        if (strcmp(spec->missing[i], value) == 0)
            return 1;
    return 0;
}

/* The hierarchy (value, Safe Harbor value, "*") over the leaves of QI d, counting the records
 * each change touches. A hierarchy cell cannot be empty, so the empty missing-value marker is
 * added last as a leaf of its own (kept as "" at level 1), and the tuples' codes are
 * renumbered for the new leaf order. */
static int build_qi(edra_safeharbor *sh, size_t d, edra_error *err)
{
    const edra_microdata *md = sh->p->md;
    const edra_spec_attr *a = edra_dataset_qi_attr(sh->p->data, d);
    const edra_hierarchy *h = md->qi_hier[d];
    size_t n_leaves = edra_hierarchy_leaves(h), n_rows = 0, n = n_leaves ? n_leaves : 1;
    char **cells = calloc(3 * n, sizeof *cells);
    int8_t *outcome = calloc(n, sizeof *outcome);
    uint8_t *to_000 = calloc(n, sizeof *to_000);
    uint32_t *new_leaf = calloc(n, sizeof *new_leaf);
    int64_t empty_leaf = -1;
    char origin[192];
    int rc = 0;
    uint8_t width = 1;
    if (!cells || !outcome || !to_000 || !new_leaf)
        goto oom;
    for (size_t leaf = 0; leaf < n_leaves; leaf++) {
        const char *value = edra_hierarchy_label(h, 0, (uint32_t)leaf);
        char buf[64];
        if (!value[0]) {
            empty_leaf = (int64_t)leaf;
            continue;
        }
        if (is_missing(sh->p->spec, value)) {
            snprintf(buf, sizeof buf, "%s", value);
        } else {
            outcome[leaf] = (int8_t)edra_safeharbor_value(buf, sizeof buf, sh->kind[d], value,
                                                          a->date_format);
            to_000[leaf] = sh->kind[d] == EDRA_SH_ZIP && strcmp(buf, "000") == 0;
        }
        cells[3 * n_rows] = strdup(value);
        cells[3 * n_rows + 1] = strdup(buf);
        cells[3 * n_rows + 2] = strdup("*");
        if (!cells[3 * n_rows] || !cells[3 * n_rows + 1] || !cells[3 * n_rows + 2])
            goto oom;
        new_leaf[leaf] = (uint32_t)n_rows++;
    }
    if (n_rows == 0) {
        /* Every value missing: nothing to transform. */
        sh->kind[d] = EDRA_SH_KEEP;
        goto done;
    }
    snprintf(origin, sizeof origin, "Safe Harbor for %.120s", a->name);
    rc = edra_hierarchy_new(&sh->own[d], (const char *const *)cells, n_rows, 3, origin, err);
    if (rc < 0)
        goto done;
    if (empty_leaf >= 0 && (rc = edra_hierarchy_add_leaf(sh->own[d], "", &new_leaf[empty_leaf], err)) < 0)
        goto done;
    width = edra_code_width(edra_hierarchy_leaves(sh->own[d]));
    sh->own_codes[d] = malloc((md->n_tuples ? md->n_tuples : 1) * width);
    if (!sh->own_codes[d])
        goto oom;
    for (size_t t = 0; t < md->n_tuples; t++) {
        uint32_t leaf = edra_code_at(md->qi_codes[d], t);
        if (width == 1)
            ((uint8_t *)sh->own_codes[d])[t] = (uint8_t)new_leaf[leaf];
        else if (width == 2)
            ((uint16_t *)sh->own_codes[d])[t] = (uint16_t)new_leaf[leaf];
        else
            ((uint32_t *)sh->own_codes[d])[t] = new_leaf[leaf];
        if (outcome[leaf] > 0)
            sh->changed[d] += edra_count_at(md->counts, t);
        else if (outcome[leaf] < 0)
            sh->unreadable[d] += edra_count_at(md->counts, t);
        if (to_000[leaf])
            sh->restricted[d] += edra_count_at(md->counts, t);
    }
    sh->hier[d] = sh->own[d];
    sh->codes[d] = (edra_code_col){.data = sh->own_codes[d], .width = width};
    sh->levels[d] = 1;
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "out of memory building the Safe Harbor version");
done:
    if (cells)
        for (size_t i = 0; i < 3 * n; i++)
            free(cells[i]);
    free(cells);
    free(outcome);
    free(to_000);
    free(new_leaf);
    return rc;
}

int edra_safeharbor_build(edra_safeharbor **out, const edra_pipeline *p, edra_error *err)
{
    edra_safeharbor *sh = calloc(1, sizeof *sh);
    size_t n_qi = p->md->n_qi, n = n_qi ? n_qi : 1;
    int rc = 0;
    *out = NULL;
    if (!sh)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory building the Safe Harbor version");
    sh->p = p;
    sh->n_qi = n_qi;
    sh->own = calloc(n, sizeof *sh->own);
    sh->hier = calloc(n, sizeof *sh->hier);
    sh->own_codes = calloc(n, sizeof *sh->own_codes);
    sh->codes = calloc(n, sizeof *sh->codes);
    sh->levels = calloc(n, sizeof *sh->levels);
    sh->kind = calloc(n, sizeof *sh->kind);
    sh->changed = calloc(n, sizeof *sh->changed);
    sh->restricted = calloc(n, sizeof *sh->restricted);
    sh->unreadable = calloc(n, sizeof *sh->unreadable);
    if (!sh->own || !sh->hier || !sh->own_codes || !sh->codes || !sh->levels || !sh->kind ||
        !sh->changed || !sh->restricted || !sh->unreadable) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory building the Safe Harbor version");
        goto done;
    }
    for (size_t d = 0; d < n_qi; d++) {
        sh->hier[d] = p->md->qi_hier[d];
        sh->codes[d] = p->md->qi_codes[d];
        sh->kind[d] = edra_safeharbor_kind(edra_dataset_qi_attr(p->data, d));
        if (sh->kind[d] != EDRA_SH_KEEP && (rc = build_qi(sh, d, err)) < 0)
            goto done;
    }
    sh->md = *p->md;
    sh->md.qi_hier = sh->hier;
    sh->md.qi_codes = sh->codes;
    *out = sh;
    sh = NULL;
done:
    edra_safeharbor_free(sh);
    return rc;
}

void edra_safeharbor_free(edra_safeharbor *sh)
{
    if (!sh)
        return;
    for (size_t d = 0; sh->own && d < sh->n_qi; d++)
        edra_hierarchy_free(sh->own[d]);
    for (size_t d = 0; sh->own_codes && d < sh->n_qi; d++)
        free(sh->own_codes[d]);
    free(sh->own);
    free(sh->own_codes);
    free(sh->codes);
    free(sh->hier);
    free(sh->levels);
    free(sh->kind);
    free(sh->changed);
    free(sh->restricted);
    free(sh->unreadable);
    free(sh);
}

const edra_microdata *edra_safeharbor_microdata(const edra_safeharbor *sh) { return &sh->md; }
const uint8_t *edra_safeharbor_levels(const edra_safeharbor *sh) { return sh->levels; }
edra_sh_kind edra_safeharbor_qi_kind(const edra_safeharbor *sh, size_t d) { return sh->kind[d]; }
uint64_t edra_safeharbor_qi_changed(const edra_safeharbor *sh, size_t d) { return sh->changed[d]; }
uint64_t edra_safeharbor_qi_restricted(const edra_safeharbor *sh, size_t d) { return sh->restricted[d]; }
uint64_t edra_safeharbor_qi_unreadable(const edra_safeharbor *sh, size_t d) { return sh->unreadable[d]; }

size_t edra_safeharbor_untreated(const edra_safeharbor *sh, const char **names, size_t max)
{
    const edra_spec *spec = sh->p->spec;
    size_t n = 0;
    for (size_t i = 0; i < spec->n_attrs; i++) {
        const edra_spec_attr *a = &spec->attrs[i];
        if (a->role == EDRA_ROLE_QUASI || a->role == EDRA_ROLE_IDENTIFIER ||
            edra_safeharbor_kind(a) == EDRA_SH_KEEP)
            continue;
        if (n < max)
            names[n] = a->name;
        n++;
    }
    return n;
}

int edra_safeharbor_classes(edra_classes **out, const edra_safeharbor *sh, edra_error *err)
{
    return edra_classes_compute(out, &sh->md, sh->levels, err);
}

/* The spec's population table is coded for the spec's hierarchies, not these, so journalist
 * risk here takes the sample for the population. */
int edra_safeharbor_assess(const edra_safeharbor *sh, int apply_suppression, edra_figures *out,
                           edra_error *err)
{
    edra_classes *classes = NULL;
    edra_assess_opts opts = EDRA_ASSESS_OPTS_INIT;
    int rc = edra_safeharbor_classes(&classes, sh, err);
    if (rc < 0) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    opts.targets = &sh->p->targets;
    opts.apply_suppression = apply_suppression;
    opts.population = sh->p->population;
    rc = edra_assess(out, classes, &opts, err);
    edra_classes_free(classes);
    return rc;
}
