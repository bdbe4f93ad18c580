/* `edra assess SPEC`: every figure of the data as they stand, or of the transformation
 * given by --levels or the spec's transformation:, judged against the spec's targets. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../report/digest.h"
#include "../report/json.h"
#include "../report/summary.h"
#include "commands.h"
#include "pipeline.h"
#include "recorder.h"
#include "riskdetail.h"

const edra_cli_option edra_assess_options[] = {
    {"levels", 'L', "NAME=LEVEL,...", "assess this transformation (QIs not named stay at level 0, "
                                      "or at the spec's transformation)"},
    {"suppress", 's', NULL, "suppress the classes that violate k, l, t or the prosecutor threshold, "
                            "within the spec's suppression limit"},
    {"json", 'j', "FILE", "write the result as JSON to FILE ('-' = stdout, then no summary)"},
    {"quiet", 'q', NULL, "print no summary"},
    EDRA_RECORDER_OPTION_ROWS,
    EDRA_RISKDETAIL_OPTION_ROWS,
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *levels;
    const char *json_path;
    int suppress;
    int quiet;
    edra_recorder_opts history;
    edra_riskdetail_opts detail;
} assess_args;

static int on_option(const char *name, const char *arg, void *state)
{
    assess_args *a = state;
    if (edra_recorder_option(&a->history, name, arg))
        return 0;
    int taken = edra_riskdetail_option(&a->detail, "assess", name, arg);
    if (taken)
        return taken < 0 ? -1 : 0;
    if (strcmp(name, "levels") == 0)
        a->levels = arg;
    else if (strcmp(name, "json") == 0)
        a->json_path = arg;
    else if (strcmp(name, "suppress") == 0)
        a->suppress = 1;
    else if (strcmp(name, "quiet") == 0)
        a->quiet = 1;
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill_context(edra_report_context *ctx, const edra_pipeline *p, const char *spec_sha)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->version = PACKAGE_VERSION;
    ctx->command = "assess";
    ctx->spec_path = p->spec->path;
    ctx->spec_sha256 = spec_sha;
    ctx->data_path = p->spec->data_path;
    ctx->data_sha256 = edra_dataset_sha256(p->data);
    ctx->source_rows = edra_dataset_source_rows(p->data);
    ctx->source_columns = edra_dataset_source_columns(p->data);
    ctx->md = p->md;
    ctx->n_missing_markers = p->spec->n_missing;
    ctx->missing_markers = (const char *const *)p->spec->missing;
    ctx->population = p->population;
    ctx->load_seconds = edra_dataset_load_seconds(p->data);
}

static int collect_missing(uint64_t **qi, uint64_t **sa, const edra_pipeline *p)
{
    *qi = calloc(p->md->n_qi + 1, sizeof **qi);
    *sa = calloc(p->md->n_sa + 1, sizeof **sa);
    if (!*qi || !*sa)
        return EDRA_ENOMEM;
    for (size_t d = 0; d < p->md->n_qi; d++)
        (*qi)[d] = edra_dataset_qi_missing(p->data, d);
    for (size_t s = 0; s < p->md->n_sa; s++)
        (*sa)[s] = edra_dataset_sa_missing(p->data, s);
    return 0;
}

int edra_cmd_assess(int argc, char **argv)
{
    assess_args args = {0};
    edra_error err = {0};
    edra_pipeline *p = NULL;
    edra_figures figures = {0};
    edra_report_context ctx;
    edra_classes *classes = NULL;
    uint8_t *levels = NULL;
    uint64_t *qi_missing = NULL, *sa_missing = NULL;
    json_t *root = NULL;
    char spec_sha[EDRA_SHA256_HEX];
    edra_recorder rec;
    edra_riskdetail detail;
    int exit_code, rc;

    memset(&rec, 0, sizeof rec);
    memset(&detail, 0, sizeof detail);

    int first = edra_cli_parse(edra_cli_find("assess"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra assess: expected one SPEC file (see 'edra help assess')\n");
        return EDRA_EXIT_INPUT;
    }
    if ((rc = edra_recorder_begin(&rec, &args.history, argv[first], &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    rc = edra_pipeline_open(&p, argv[first], &err);
    if (rc < 0)
        goto fail;
    edra_cli_note_outside(p->spec);
    levels = malloc(p->md->n_qi ? p->md->n_qi : 1);
    if (!levels) {
        rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory");
        goto fail;
    }
    memcpy(levels, p->spec_levels, p->md->n_qi);
    if (args.levels && (rc = edra_pipeline_parse_levels(p, args.levels, levels, &err)) < 0)
        goto fail;
    double start = now_seconds();
    /* One computation of the classes serves the figures and the detail (0.3 s at 10M). */
    rc = edra_classes_compute(&classes, p->md, levels, &err);
    if (rc < 0 || (rc = edra_pipeline_assess_classes(p, classes, args.suppress, &figures, &err)) < 0 ||
        (rc = edra_riskdetail_compute_classes(&detail, classes, &args.detail, &err)) < 0)
        goto fail;
    edra_classes_free(classes);
    classes = NULL;
    edra_riskdetail_note_skipped(&detail);
    edra_riskdetail_warn_identifiers(p->spec);
    rc = edra_sha256_buffer(spec_sha, p->spec->text, p->spec->text_len, &err);
    if (rc < 0 || (rc = collect_missing(&qi_missing, &sa_missing, p)) < 0)
        goto fail;
    fill_context(&ctx, p, spec_sha);
    ctx.qi_missing = qi_missing;
    ctx.sa_missing = sa_missing;
    ctx.assess_seconds = now_seconds() - start;

    int json_on_stdout = args.json_path && strcmp(args.json_path, "-") == 0;
    if (!args.quiet && !json_on_stdout) {
        edra_summary_print_source(stdout, &ctx);
        edra_summary_print(stdout, args.levels || p->spec->n_levels ? "Transformation" : "Data as they stand",
                           &figures, &ctx);
        edra_riskdetail_print(stdout, &detail, p->md);
    }
    if (args.json_path) {
        root = json_object();
        json_t *fig = edra_json_figures(&figures, &ctx), *c = edra_json_context(&ctx);
        if (!root || !fig || !c) {
            json_decref(fig);
            json_decref(c);
            rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
            goto fail;
        }
        json_object_set_new(root, "context", c);
        json_object_set_new(root, "figures", fig);
        if (edra_riskdetail_json(fig, &detail, p->md) < 0) {
            rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
            goto fail;
        }
        json_object_set_new(root, "targets_met", json_boolean(figures.targets_met));
        rc = edra_json_write(args.json_path, root, &err);
        if (rc < 0) {
            exit_code = edra_cli_fail(rc, err.msg);
            if (rc == EDRA_EIO)
                exit_code = EDRA_EXIT_INTERNAL;
            goto done;
        }
    }
    exit_code = figures.targets_met ? EDRA_EXIT_OK : EDRA_EXIT_NOT_MET;
    if ((args.json_path && !json_on_stdout &&
         (rc = edra_recorder_add_file(&rec, args.json_path, "result", &err)) < 0) ||
        (rc = edra_recorder_finish(&rec, "assess", p->spec, &ctx,
                                   json_pack("{s:s?, s:b}", "levels", args.levels, "suppress",
                                             args.suppress),
                                   edra_recorder_assess_doc(&figures, &ctx), exit_code, &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    if (rec.history && !args.quiet && !json_on_stdout)
        printf("\nRecorded as %s in %s\n", rec.id, edra_history_path(rec.history));
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
done:
    edra_classes_free(classes);
    edra_riskdetail_clear(&detail);
    edra_recorder_clear(&rec);
    json_decref(root);
    free(levels);
    free(qi_missing);
    free(sa_missing);
    edra_figures_clear(&figures);
    edra_pipeline_free(p);
    return exit_code;
}
