/* libFuzzer target: the YAML spec loader (analyzer/spec.c through edra_spec_load, so the
 * file is read as the CLI reads it). Besides the sanitizers it checks that a spec that loads
 * holds what the README promises: at least one attribute, every name and path set, targets in
 * their documented ranges, levels >= 0; and that a refused one says why on one line. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../analyzer/spec.h"
#include "fuzz.h"

static int in01(double v)
{
    return v >= 0.0 && v <= 1.0;
}

static void check_spec(const edra_spec *s)
{
    if (!s->path || !s->dir || !s->text)
        fuzz_fail("spec: path, dir or text missing");
    if (s->n_attrs < 1 || !s->attrs)
        fuzz_fail("spec: loaded with no attribute");
    if (!s->data_path)
        fuzz_fail("spec: loaded with no data source");
    if (s->source == EDRA_SOURCE_SQLITE_TABLE && !s->sqlite_table)
        fuzz_fail("spec: sqlite table source without a table");
    if (s->source == EDRA_SOURCE_SQLITE_QUERY && !s->sqlite_query)
        fuzz_fail("spec: sqlite query source without a query");
    if (s->delimiter == '"' || s->delimiter == '\n' || s->delimiter == '\r')
        fuzz_fail("spec: a delimiter the README refuses");
    for (size_t i = 0; i < s->n_missing; i++)
        if (!s->missing[i])
            fuzz_fail("spec: a NULL missing-value marker");
    for (size_t i = 0; i < s->n_attrs; i++) {
        const edra_spec_attr *a = &s->attrs[i];
        if (!a->name || a->role < EDRA_ROLE_IDENTIFIER || a->role > EDRA_ROLE_INSENSITIVE)
            fuzz_fail("spec: attribute without a name or a role");
        if (edra_spec_find(s, a->name) != a)
            fuzz_fail("spec: duplicate attribute name");
        if (a->hierarchy.kind == EDRA_HIER_FILE && !a->hierarchy.path)
            fuzz_fail("spec: file hierarchy without a path");
        if (a->hierarchy.kind == EDRA_HIER_MASK && a->hierarchy.mask_chars < 1)
            fuzz_fail("spec: mask hierarchy masking fewer than one character");
        for (size_t w = 0; w < a->hierarchy.n_widths; w++)
            if (!(a->hierarchy.widths[w] > 0))
                fuzz_fail("spec: interval width not > 0");
        for (size_t g = 0; g < a->hierarchy.n_groups; g++)
            if (a->hierarchy.groups[g] < 2)
                fuzz_fail("spec: order group smaller than 2");
    }
    const edra_targets *t = &s->targets;
    if (!in01(t->suppression))
        fuzz_fail("spec: suppression outside [0,1]");
    if (!(t->risk_threshold > 0 && t->risk_threshold <= 1))
        fuzz_fail("spec: risk_threshold outside (0,1]");
    const double limits[] = {t->prosecutor_risk, t->average_risk, t->records_at_risk,
                             t->journalist_risk, t->marketer_risk, t->population_uniqueness};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
        if (limits[i] != EDRA_UNSET && !in01(limits[i]))
            fuzz_fail("spec: a risk target outside [0,1]");
    if (t->n_ldiv > EDRA_MAX_SA_TARGETS || t->n_tclose > EDRA_MAX_SA_TARGETS)
        fuzz_fail("spec: too many l or t targets");
    for (size_t i = 0; i < t->n_ldiv; i++)
        if (!(t->ldiv[i].l >= 1) || !s->ldiv_attr[i])
            fuzz_fail("spec: l < 1 or an l target naming nothing");
    for (size_t i = 0; i < t->n_tclose; i++)
        if (!in01(t->tclose[i].t) || !s->tclose_attr[i])
            fuzz_fail("spec: t outside [0,1] or a t target naming nothing");
    for (size_t i = 0; i < s->n_levels; i++)
        if (s->levels[i].level < 0 || !s->levels[i].name)
            fuzz_fail("spec: a negative transformation level");
    if (s->pop_kind == EDRA_POP_SIZE && !(s->pop_size > 0))
        fuzz_fail("spec: population size not > 0");
    if (s->pop_kind == EDRA_POP_FRACTION && !(s->pop_fraction > 0 && s->pop_fraction <= 1))
        fuzz_fail("spec: sampling fraction outside (0,1]");
    if (s->time_limit < 0 || isnan(s->time_limit))
        fuzz_fail("spec: negative time limit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    edra_spec *spec = NULL;
    edra_error err = {0};
    snprintf(path, sizeof path, "%s/spec.yaml", fuzz_tmpdir());
    fuzz_write_file(path, data, size);
    int rc = edra_spec_load(&spec, path, &err);
    fuzz_check_status(rc, &err);
    if (rc == 0) {
        if (!spec)
            fuzz_fail("spec: success without a spec");
        check_spec(spec);
    } else if (spec) {
        fuzz_fail("spec: failure left a spec behind");
    }
    edra_spec_free(spec);
    return 0;
}
