/* The anonymization job: pipeline -> figures as they stand -> lattice search -> the chosen
 * node's classes, suppression, figures and loss. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include "job.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mempolicy.h"

int edra_job_parse_threads(const char *text, int *out, edra_error *err)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n < 1 || n > 256)
        return edra_error_set(err, EDRA_EUSAGE, "--threads: '%s' is not an integer in 1..256",
                              text);
    *out = (int)n;
    return 0;
}

static edra_loss_metric loss_metric(edra_metric m)
{
    switch (m) {
    case EDRA_METRIC_LOSS:
        return EDRA_LOSS_ARX;
    case EDRA_METRIC_PRECISION:
        return EDRA_LOSS_PRECISION;
    case EDRA_METRIC_DISCERNIBILITY:
        return EDRA_LOSS_DISCERNIBILITY;
    case EDRA_METRIC_AECS:
        return EDRA_LOSS_AECS;
    case EDRA_METRIC_ENTROPY:
        return EDRA_LOSS_ENTROPY;
    case EDRA_METRIC_HEIGHT:
        return EDRA_LOSS_HEIGHT;
    }
    return EDRA_LOSS_ARX;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line on a terminal's stderr, redrawn in place. */
static void show_progress(const edra_search_progress *p, void *user)
{
    (void)user;
    if (isnan(p->best_loss))
        fprintf(stderr,
                "\redra: %llu of %.0f nodes checked, none meets the targets yet, %.1f s\033[K",
                (unsigned long long)p->nodes_checked, p->lattice_nodes, p->elapsed);
    else
        fprintf(stderr, "\redra: %llu of %.0f nodes checked, best loss %.6g, %.1f s\033[K",
                (unsigned long long)p->nodes_checked, p->lattice_nodes, p->best_loss, p->elapsed);
    fflush(stderr);
}

static void fill_context(edra_report_context *ctx, const edra_pipeline *p, const char *command,
                         const char *spec_sha, const uint64_t *qi_missing,
                         const uint64_t *sa_missing)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->version = PACKAGE_VERSION;
    ctx->command = command;
    ctx->spec_path = p->spec->path;
    ctx->spec_sha256 = spec_sha;
    ctx->data_path = p->spec->data_path;
    ctx->data_sha256 = edra_dataset_sha256(p->data);
    ctx->source_rows = edra_dataset_source_rows(p->data);
    ctx->source_columns = edra_dataset_source_columns(p->data);
    ctx->md = p->md;
    ctx->qi_missing = qi_missing;
    ctx->sa_missing = sa_missing;
    ctx->n_missing_markers = p->spec->n_missing;
    ctx->missing_markers = (const char *const *)p->spec->missing;
    ctx->population = p->population;
    ctx->load_seconds = edra_dataset_load_seconds(p->data);
}

static int evaluate(edra_job_node *nr, const edra_pipeline *p, const edra_search_result *r,
                    edra_loss_metric metric, edra_error *err)
{
    edra_loss *loss = NULL;
    uint64_t violating = 0, suppressed = 0;
    size_t n = p->md->n_qi ? p->md->n_qi : 1;
    int rc = edra_classes_compute(&nr->classes, p->md, r->levels, err);
    if (rc < 0)
        return rc;
    rc = edra_lattice_suppression(&nr->suppress, &violating, &suppressed, nr->classes,
                                  &p->targets, err);
    if (rc < 0)
        return rc;
    rc = edra_pipeline_assess_classes(p, nr->classes, 1, &nr->figures, err);
    if (rc < 0)
        return rc;
    nr->per_qi = calloc(n, sizeof *nr->per_qi);
    nr->arx_per_qi = calloc(n, sizeof *nr->arx_per_qi);
    if (!nr->per_qi || !nr->arx_per_qi)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    rc = edra_loss_new(&loss, p->md, err);
    if (rc < 0)
        return rc;
    edra_loss_compute(loss, metric, nr->classes, nr->suppress, nr->per_qi);
    edra_loss_compute(loss, EDRA_LOSS_ARX, nr->classes, nr->suppress, nr->arx_per_qi);
    edra_loss_free(loss);
    return 0;
}

static void node_clear(edra_job_node *nr)
{
    edra_classes_free(nr->classes);
    free(nr->suppress);
    edra_figures_clear(&nr->figures);
    free(nr->per_qi);
    free(nr->arx_per_qi);
}

static void print_levels(FILE *out, const edra_microdata *md, const uint8_t *levels)
{
    for (size_t d = 0; d < md->n_qi; d++)
        fprintf(out, "%s%s=%u", d ? "," : "", md->qi_names[d], levels[d]);
}

void edra_job_print_search(FILE *out, const edra_job *job)
{
    const edra_pipeline *p = job->p;
    const edra_search_result *r = &job->result;
    edra_loss_metric metric = job->metric;
    const edra_job_node *nr = &job->node;
    const edra_microdata *md = p->md;
    fprintf(out, "\nSearch\n");
    fprintf(out, "Metric %s; lattice of %.0f nodes, %llu checked (%.3g%%), %.3f s; %s\n",
            edra_loss_metric_name(metric), r->lattice_nodes, (unsigned long long)r->nodes_checked,
            r->lattice_nodes > 0 ? 100.0 * (double)r->nodes_checked / r->lattice_nodes : 0.0,
            r->seconds,
            r->proven_optimal ? "proven optimal"
                              : r->exhaustive ? "not proven optimal (time limit reached)"
                                              : "not proven optimal (best-effort search)");
    if (!r->proven_optimal)
        fprintf(out, "Share of the lattice covered: %.4g%%\n", 100.0 * r->coverage);
    if (r->found) {
        fprintf(out, "%s ",
                r->proven_optimal ? "Optimal transformation" : "Best transformation found");
        print_levels(out, md, r->levels);
        fprintf(out, "\nSuppressed %llu records (%.4g%%)\n", (unsigned long long)r->suppressed,
                md->n_records ? 100.0 * (double)r->suppressed / (double)md->n_records : 0.0);
    } else {
        fprintf(out, "No transformation meets the targets. Closest: ");
        print_levels(out, md, r->levels);
        fprintf(out, "\n  %llu records (%.4g%%) violate k, the prosecutor threshold, l or t there; "
                     "the suppression limit is %.4g%%\n",
                (unsigned long long)r->violating,
                md->n_records ? 100.0 * (double)r->violating / (double)md->n_records : 0.0,
                100.0 * p->targets.suppression);
    }
    fprintf(out, "Loss (%s) %.10g; ARX loss %.10g\n", edra_loss_metric_name(metric), r->loss,
            r->arx_loss);
    fprintf(out, "Per quasi-identifier (ARX loss):");
    for (size_t d = 0; d < md->n_qi; d++)
        fprintf(out, " %s %.6g%s", md->qi_names[d], nr->arx_per_qi[d], d + 1 < md->n_qi ? "," : "");
    fprintf(out, "\n");
}

json_t *edra_job_search_json(const edra_job *job)
{
    const edra_pipeline *p = job->p;
    const edra_search_result *r = &job->result;
    edra_loss_metric metric = job->metric;
    const edra_job_node *nr = &job->node;
    const edra_microdata *md = p->md;
    json_t *o = json_object(), *levels = json_object(), *per_qi = json_object(),
           *arx_per_qi = json_object(), *nodes = json_array();
    if (!o || !levels || !per_qi || !arx_per_qi || !nodes) {
        json_decref(o);
        json_decref(levels);
        json_decref(per_qi);
        json_decref(arx_per_qi);
        json_decref(nodes);
        return NULL;
    }
    for (size_t d = 0; d < md->n_qi; d++) {
        json_object_set_new(levels, md->qi_names[d], json_integer(r->levels[d]));
        json_object_set_new(per_qi, md->qi_names[d],
                            isfinite(nr->per_qi[d]) ? json_real(nr->per_qi[d]) : json_null());
        json_object_set_new(arx_per_qi, md->qi_names[d], json_real(nr->arx_per_qi[d]));
    }
    json_object_set_new(o, "metric", json_string(edra_loss_metric_name(metric)));
    json_object_set_new(o, "found", json_boolean(r->found));
    json_object_set_new(o, r->found ? "levels" : "closest_levels", levels);
    json_object_set_new(o, "loss", json_real(r->loss));
    json_object_set_new(o, "arx_loss", json_real(r->arx_loss));
    json_object_set_new(o, "loss_per_qi", per_qi);
    json_object_set_new(o, "arx_loss_per_qi", arx_per_qi);
    json_object_set_new(o, "suppressed", json_integer((json_int_t)r->suppressed));
    if (!r->found)
        json_object_set_new(o, "closest_violating", json_integer((json_int_t)r->violating));
    json_object_set_new(o, "lattice_nodes", json_real(r->lattice_nodes));
    json_object_set_new(o, "nodes_checked", json_integer((json_int_t)r->nodes_checked));
    json_object_set_new(o, "seconds", json_real(r->seconds));
    json_object_set_new(o, "proven_optimal", json_boolean(r->proven_optimal));
    json_object_set_new(o, "exhaustive", json_boolean(r->exhaustive));
    json_object_set_new(o, "timed_out", json_boolean(r->timed_out));
    json_object_set_new(o, "coverage", json_real(r->coverage));
    for (size_t i = 0; i < r->n_nodes; i++) {
        const edra_search_node *n = &r->nodes[i];
        json_t *node = json_object(), *lv = json_array();
        for (size_t d = 0; d < md->n_qi; d++)
            json_array_append_new(lv, json_integer(n->levels[d]));
        json_object_set_new(node, "levels", lv);
        json_object_set_new(node, "meets", n->meets < 0 ? json_null() : json_boolean(n->meets));
        json_object_set_new(node, "loss", isfinite(n->loss) ? json_real(n->loss) : json_null());
        json_object_set_new(node, "violating", json_integer((json_int_t)n->violating));
        if (n->violating_at_least)
            json_object_set_new(node, "violating_at_least", json_true());
        json_object_set_new(node, "suppressed", json_integer((json_int_t)n->suppressed));
        json_array_append_new(nodes, node);
    }
    json_object_set_new(o, "nodes", nodes);
    return o;
}


int edra_job_run(edra_job *job, const char *spec_path, const char *command, int threads,
                 int progress, edra_error *err)
{
    edra_pipeline *p = NULL;
    memset(job, 0, sizeof *job);
    int rc = edra_pipeline_open(&p, spec_path, err);
    if (rc < 0)
        return rc;
    return edra_job_run_pipeline(job, p, command, threads, progress, err);
}

int edra_job_run_pipeline(edra_job *job, edra_pipeline *p, const char *command, int threads,
                          int progress, edra_error *err)
{
    edra_search_opts opts = EDRA_SEARCH_OPTS_INIT;
    memset(job, 0, sizeof *job);
    job->p = p;
    int rc;
    edra_cli_note_outside(p->spec);
    rc = edra_pipeline_assess(p, p->spec_levels, 0, &job->before, err);
    if (rc < 0)
        return rc;
    double start = now_seconds();
    job->metric = loss_metric(p->spec->metric);
    opts.metric = job->metric;
    opts.time_limit = p->spec->time_limit;
    opts.threads = threads;
    opts.population = p->population;
    if (progress && isatty(STDERR_FILENO))
        opts.progress = show_progress;
    edra_mempolicy_search();
    rc = edra_lattice_search(&job->result, p->md, &p->targets, &opts, err);
    edra_mempolicy_load();
    if (opts.progress)
        fprintf(stderr, "\r\033[K");
    if (rc < 0)
        return rc;
    rc = evaluate(&job->node, p, &job->result, job->metric, err);
    if (rc < 0)
        return rc;
    job->search_seconds = now_seconds() - start;
    rc = edra_sha256_buffer(job->spec_sha, p->spec->text, p->spec->text_len, err);
    if (rc < 0)
        return rc;
    job->qi_missing = calloc(p->md->n_qi + 1, sizeof *job->qi_missing);
    job->sa_missing = calloc(p->md->n_sa + 1, sizeof *job->sa_missing);
    if (!job->qi_missing || !job->sa_missing)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    for (size_t d = 0; d < p->md->n_qi; d++)
        job->qi_missing[d] = edra_dataset_qi_missing(p->data, d);
    for (size_t s = 0; s < p->md->n_sa; s++)
        job->sa_missing[s] = edra_dataset_sa_missing(p->data, s);
    fill_context(&job->ctx, p, command, job->spec_sha, job->qi_missing, job->sa_missing);
    job->ctx.assess_seconds = job->search_seconds;
    return 0;
}

void edra_job_clear(edra_job *job)
{
    node_clear(&job->node);
    edra_figures_clear(&job->before);
    edra_lattice_result_clear(&job->result);
    free(job->qi_missing);
    free(job->sa_missing);
    edra_pipeline_free(job->p);
    memset(job, 0, sizeof *job);
}
