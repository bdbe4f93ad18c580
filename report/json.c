/* Figures -> JSON with jansson. Non-finite numbers (a model that does not apply, a
 * non-converged estimator) become null, since JSON has no NaN. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/hierarchy.h"
#include "atomic.h"

static json_t *number(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *count(uint64_t x)
{
    return json_integer((json_int_t)x);
}

static json_t *risk_json(const edra_risk_figures *r)
{
    json_t *o = json_object(), *buckets = json_array();
    json_object_set_new(o, "records", count(r->records));
    json_object_set_new(o, "classes", count(r->classes));
    json_object_set_new(o, "smallest_class", count(r->k_min));
    json_object_set_new(o, "largest_class", count(r->k_max));
    json_object_set_new(o, "sample_uniques", count(r->sample_uniques));
    json_object_set_new(o, "highest", number(r->highest));
    json_object_set_new(o, "average", number(r->average));
    json_object_set_new(o, "lowest", number(r->lowest));
    json_object_set_new(o, "threshold", number(r->threshold));
    json_object_set_new(o, "records_at_risk", number(r->records_at_risk));
    for (size_t i = 0; i < EDRA_RISK_BUCKETS; i++) {
        json_t *b = json_object();
        json_object_set_new(b, "upto", json_real(edra_risk_bucket_edges[i]));
        json_object_set_new(b, "records", count(r->bucket_records[i]));
        json_array_append_new(buckets, b);
    }
    json_object_set_new(o, "distribution", buckets);
    return o;
}

static json_t *popest_json(const edra_popest *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "converged", json_boolean(e->ok));
    json_object_set_new(o, "uniques", number(e->uniques));
    json_object_set_new(o, "fraction", number(e->fraction));
    if (!e->ok && e->why)
        json_object_set_new(o, "why", json_string(e->why));
    return o;
}

static json_t *population_json(const edra_figures *f)
{
    const edra_population_figures *p = &f->population;
    json_t *o = json_object();
    json_object_set_new(o, "size", json_real(p->population));
    json_object_set_new(o, "sampling_fraction", number(p->sampling_fraction));
    json_object_set_new(o, "pitman", popest_json(&p->pitman));
    json_object_set_new(o, "zayatz", popest_json(&p->zayatz));
    json_object_set_new(o, "snb", popest_json(&p->snb));
    json_object_set_new(o, "dankar_choice", p->dankar_choice == EDRA_POPMODEL_NONE
                                                ? json_null()
                                                : json_string(edra_popmodel_name(p->dankar_choice)));
    json_object_set_new(o, "dankar_fraction", number(p->dankar_fraction));
    return o;
}

static json_t *individual_json(const edra_indrisk_figures *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "weighted", json_boolean(r->weighted));
    json_object_set_new(o, "records", count(r->records));
    json_object_set_new(o, "expected_reidentifications", number(r->expected));
    json_object_set_new(o, "global_risk", number(r->global));
    json_object_set_new(o, "highest", number(r->highest));
    json_object_set_new(o, "threshold", number(r->threshold));
    json_object_set_new(o, "records_above", count(r->records_above));
    json_object_set_new(o, "share_above", number(r->share_above));
    if (r->has_households) {
        json_t *h = json_object();
        json_object_set_new(h, "households", count(r->households));
        json_object_set_new(h, "expected_reidentifications", number(r->household_expected));
        json_object_set_new(h, "global_risk", number(r->household_global));
        json_object_set_new(h, "highest", number(r->household_highest));
        json_object_set_new(o, "household", h);
    } else {
        json_object_set_new(o, "household", json_null());
    }
    return o;
}

static json_t *levels_json(const edra_figures *f, const edra_report_context *ctx)
{
    json_t *o = json_object();
    for (size_t d = 0; d < f->n_qi; d++) {
        json_t *l = json_object();
        const edra_hierarchy *h = ctx->md->qi_hier[d];
        json_object_set_new(l, "level", json_integer(f->levels[d]));
        json_object_set_new(l, "top", json_integer((json_int_t)edra_hierarchy_levels(h) - 1));
        json_object_set_new(o, ctx->md->qi_names[d], l);
    }
    return o;
}

static json_t *sa_json(const edra_sa_figures *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "distinct_values", json_integer(s->distinct_values));
    json_object_set_new(o, "l_distinct", number(s->l_distinct));
    json_object_set_new(o, "l_entropy", number(s->l_entropy));
    json_object_set_new(o, "recursive_c", number(s->recursive_c));
    json_object_set_new(o, "l_recursive", number(s->l_recursive));
    json_object_set_new(o, "t_equal", number(s->t_equal));
    json_object_set_new(o, "t_ordered", number(s->t_ordered));
    json_object_set_new(o, "t_hierarchical", number(s->t_hierarchical));
    return o;
}

json_t *edra_json_figures(const edra_figures *f, const edra_report_context *ctx)
{
    json_t *o = json_object(), *hist = json_array(), *sas = json_object(), *targets = json_array();
    if (!o || !hist || !sas || !targets) {
        json_decref(o);
        json_decref(hist);
        json_decref(sas);
        json_decref(targets);
        return NULL;
    }
    json_object_set_new(o, "transformation", levels_json(f, ctx));
    json_object_set_new(o, "records", count(f->records));
    json_object_set_new(o, "suppressed", count(f->suppressed));
    json_object_set_new(o, "suppression_exceeded", json_boolean(f->suppression_exceeded));
    json_object_set_new(o, "classes", count(f->prosecutor.classes));
    json_object_set_new(o, "k", count(f->prosecutor.k_min));
    json_object_set_new(o, "sample_uniques", count(f->prosecutor.sample_uniques));
    json_object_set_new(o, "sample_uniques_fraction",
                        number(f->prosecutor.records ? (double)f->prosecutor.sample_uniques /
                                                           (double)f->prosecutor.records
                                                     : NAN));
    json_object_set_new(o, "prosecutor", risk_json(&f->prosecutor));
    json_object_set_new(o, "journalist", risk_json(&f->journalist));
    json_object_set_new(o, "journalist_from_sample", json_boolean(f->journalist_from_sample));
    json_object_set_new(o, "marketer", number(f->marketer));
    json_object_set_new(o, "individual", individual_json(&f->individual));
    for (size_t i = 0; i < f->n_sizes; i++) {
        json_t *h = json_object();
        json_object_set_new(h, "size", count(f->hist_size[i]));
        json_object_set_new(h, "classes", count(f->hist_classes[i]));
        json_array_append_new(hist, h);
    }
    json_object_set_new(o, "class_sizes", hist);
    json_object_set_new(o, "population", f->has_population ? population_json(f) : json_null());
    for (size_t s = 0; s < f->n_sa; s++)
        json_object_set_new(sas, ctx->md->sa_names[s], sa_json(&f->sa[s]));
    json_object_set_new(o, "sensitive", sas);
    for (size_t i = 0; i < f->n_results; i++) {
        const edra_target_result *r = &f->results[i];
        json_t *t = json_object();
        json_object_set_new(t, "name", json_string(r->name));
        json_object_set_new(t, "target", number(r->target));
        json_object_set_new(t, "achieved", number(r->achieved));
        json_object_set_new(t, "met", json_boolean(r->met));
        json_object_set_new(t, "violating_classes", count(r->violating_classes));
        json_object_set_new(t, "violating_records", count(r->violating_records));
        json_array_append_new(targets, t);
    }
    json_object_set_new(o, "targets", targets);
    json_object_set_new(o, "targets_met", json_boolean(f->targets_met));
    return o;
}

static const char *role_name(size_t i, size_t n_qi)
{
    return i < n_qi ? "quasi" : "sensitive";
}

json_t *edra_json_context(const edra_report_context *ctx)
{
    json_t *o = json_object(), *attrs = json_array(), *missing = json_array();
    const edra_microdata *md = ctx->md;
    if (!o || !attrs || !missing) {
        json_decref(o);
        json_decref(attrs);
        json_decref(missing);
        return NULL;
    }
    json_object_set_new(o, "version", json_string(ctx->version));
    json_object_set_new(o, "command", json_string(ctx->command));
    json_object_set_new(o, "spec", json_string(ctx->spec_path));
    json_object_set_new(o, "spec_sha256", ctx->spec_sha256 ? json_string(ctx->spec_sha256) : json_null());
    json_object_set_new(o, "data", json_string(ctx->data_path));
    json_object_set_new(o, "data_sha256", json_string(ctx->data_sha256));
    json_object_set_new(o, "source_rows", count(ctx->source_rows));
    json_object_set_new(o, "source_columns", json_integer((json_int_t)ctx->source_columns));
    json_object_set_new(o, "records", count(md->n_records));
    json_object_set_new(o, "distinct_combinations", json_integer((json_int_t)md->n_tuples));
    json_object_set_new(o, "population", ctx->population > 0 ? json_real(ctx->population) : json_null());
    json_object_set_new(o, "load_seconds", json_real(ctx->load_seconds));
    json_object_set_new(o, "assess_seconds", json_real(ctx->assess_seconds));
    for (size_t i = 0; i < md->n_qi + md->n_sa; i++) {
        json_t *a = json_object();
        int qi = i < md->n_qi;
        size_t j = qi ? i : i - md->n_qi;
        const edra_hierarchy *h = qi ? md->qi_hier[j] : (md->sa_hier ? md->sa_hier[j] : NULL);
        json_object_set_new(a, "name", json_string(qi ? md->qi_names[j] : md->sa_names[j]));
        json_object_set_new(a, "role", json_string(role_name(i, md->n_qi)));
        json_object_set_new(a, "levels", h ? json_integer((json_int_t)edra_hierarchy_levels(h)) : json_null());
        json_object_set_new(a, "domain", h ? json_integer((json_int_t)edra_hierarchy_leaves(h))
                                           : json_integer(md->sa_domain[j]));
        const uint64_t *miss = qi ? ctx->qi_missing : ctx->sa_missing;
        json_object_set_new(a, "missing_records", miss ? count(miss[j]) : json_null());
        json_array_append_new(attrs, a);
    }
    json_object_set_new(o, "attributes", attrs);
    for (size_t i = 0; i < ctx->n_missing_markers; i++)
        json_array_append_new(missing, json_string(ctx->missing_markers[i]));
    json_object_set_new(o, "missing_markers", missing);
    return o;
}

int edra_json_write(const char *path, const json_t *root, edra_error *err)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    int rc = 0;
    if (!text)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory writing JSON");
    size_t len = strlen(text);
    if (strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
            rc = edra_error_set(err, EDRA_EIO, "stdout: write error");
    } else {
        text[len] = '\0';
        char *with_newline = realloc(text, len + 2);
        if (!with_newline) {
            free(text);
            return edra_error_set(err, EDRA_ENOMEM, "out of memory writing JSON");
        }
        text = with_newline;
        text[len] = '\n';
        text[len + 1] = '\0';
        rc = edra_atomic_write(path, text, len + 1, 0644, err);
    }
    free(text);
    return rc;
}

json_t *edra_json_suda(const edra_suda_figures *sf, const edra_microdata *md)
{
    json_t *o = json_object(), *sizes = json_array(), *contrib = json_object(), *dis = json_array();
    static const char *const bucket_names[EDRA_SUDA_DIS_BUCKETS] = {
        "0", "(0, 0.1]", "(0.1, 0.2]", "(0.2, 0.3]", "(0.3, 0.4]", "(0.4, 0.5]", "(0.5, 0.6]",
        "(0.6, 0.7]", "> 0.7"};
    if (!o || !sizes || !contrib || !dis) {
        json_decref(o);
        json_decref(sizes);
        json_decref(contrib);
        json_decref(dis);
        return NULL;
    }
    json_object_set_new(o, "max_size", json_integer((json_int_t)sf->max_size));
    json_object_set_new(o, "dis_fraction", number(sf->dis_fraction));
    json_object_set_new(o, "records", count(sf->records));
    json_object_set_new(o, "uniques", count(sf->uniques));
    json_object_set_new(o, "pair_records", count(sf->pair_records));
    json_object_set_new(o, "records_with_msu", count(sf->records_with_msu));
    json_object_set_new(o, "msus", count(sf->msus));
    for (size_t k = 1; k <= sf->n_qi; k++) {
        json_t *e = json_object();
        json_object_set_new(e, "size", json_integer((json_int_t)k));
        json_object_set_new(e, "msus", count(sf->msus_by_size[k]));
        json_object_set_new(e, "score_each", number(sf->size_score[k]));
        json_array_append_new(sizes, e);
    }
    json_object_set_new(o, "by_size", sizes);
    json_object_set_new(o, "total_score", number(sf->total_score));
    for (size_t d = 0; d < sf->n_qi; d++)
        json_object_set_new(contrib, md->qi_names[d], number(sf->contribution[d]));
    json_object_set_new(o, "contribution_percent", contrib);
    json_object_set_new(o, "dis", number(sf->dis));
    json_object_set_new(o, "dis_highest", number(sf->dis_highest));
    for (size_t b = 0; b < EDRA_SUDA_DIS_BUCKETS; b++) {
        json_t *e = json_object();
        json_object_set_new(e, "dis_score", json_string(bucket_names[b]));
        json_object_set_new(e, "records", count(sf->dis_buckets[b]));
        json_array_append_new(dis, e);
    }
    json_object_set_new(o, "dis_distribution", dis);
    /* No run time here: figures documents are compared exactly between runs. */
    return o;
}

static json_t *subset_json(const edra_contrib_subset *s, const edra_microdata *md)
{
    json_t *o = json_object(), *qis = json_array();
    for (size_t d = 0; d < md->n_qi; d++)
        if (s->qis >> d & 1)
            json_array_append_new(qis, json_string(md->qi_names[d]));
    json_object_set_new(o, "qis", qis);
    json_object_set_new(o, "classes", count(s->classes));
    json_object_set_new(o, "uniques", count(s->uniques));
    json_object_set_new(o, "distinction", number(s->distinction));
    json_object_set_new(o, "separation", number(s->separation));
    return o;
}

json_t *edra_json_contrib(const edra_contrib_figures *c, const edra_microdata *md)
{
    json_t *o = json_object(), *subsets = json_array(), *removal = json_array();
    if (!o || !subsets || !removal) {
        json_decref(o);
        json_decref(subsets);
        json_decref(removal);
        return NULL;
    }
    json_object_set_new(o, "max_size", json_integer((json_int_t)c->max_size));
    json_object_set_new(o, "records", count(c->records));
    for (size_t i = 0; i < c->n_subsets; i++)
        json_array_append_new(subsets, subset_json(&c->subsets[i], md));
    json_object_set_new(o, "subsets", subsets);
    json_object_set_new(o, "all", subset_json(&c->all, md));
    for (size_t i = 0; i < c->n_qi; i++) {
        size_t d = c->removal_order[i];
        json_t *e = subset_json(&c->without[d], md);
        json_object_set_new(e, "without", json_string(md->qi_names[d]));
        json_object_set_new(e, "distinction_drop", number(c->all.distinction - c->without[d].distinction));
        json_object_set_new(e, "uniques_drop",
                            json_integer((json_int_t)c->all.uniques - (json_int_t)c->without[d].uniques));
        json_array_append_new(removal, e);
    }
    json_object_set_new(o, "removal", removal);
    return o;
}
