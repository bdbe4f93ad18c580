/* `edra safeharbor SPEC`: the Safe Harbor version of the data (dates to year, ages over 89 to
 * "90+", ZIP codes to three digits or 000, identifiers removed) and every risk figure of it,
 * beside the figures of the spec's transformation: the benchmark against which an expert
 * argues that a risk is "very small". */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/digest.h"
#include "../report/json.h"
#include "../report/summary.h"
#include "commands.h"
#include "pipeline.h"
#include "riskdetail.h"
#include "safeharbor.h"

const edra_cli_option edra_safeharbor_options[] = {
    {"suppress", 's', NULL, "suppress the classes that violate k, l, t or the prosecutor threshold, "
                            "within the spec's suppression limit, in both versions"},
    {"json", 'j', "FILE", "write the result as JSON to FILE ('-' = stdout, then no summary)"},
    {"quiet", 'q', NULL, "print no summary"},
    EDRA_RISKDETAIL_OPTION_ROWS,
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *json_path;
    int suppress;
    int quiet;
    edra_riskdetail_opts detail;
} safeharbor_args;

static int on_option(const char *name, const char *arg, void *state)
{
    safeharbor_args *a = state;
    int taken = edra_riskdetail_option(&a->detail, "safeharbor", name, arg);
    if (taken)
        return taken < 0 ? -1 : 0;
    if (strcmp(name, "json") == 0)
        a->json_path = arg;
    else if (strcmp(name, "suppress") == 0)
        a->suppress = 1;
    else if (strcmp(name, "quiet") == 0)
        a->quiet = 1;
    return 0;
}

static void fill_context(edra_report_context *ctx, const edra_pipeline *p, const edra_microdata *md,
                         const char *spec_sha)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->version = PACKAGE_VERSION;
    ctx->command = "safeharbor";
    ctx->spec_path = p->spec->path;
    ctx->spec_sha256 = spec_sha;
    ctx->data_path = p->spec->data_path;
    ctx->data_sha256 = edra_dataset_sha256(p->data);
    ctx->source_rows = edra_dataset_source_rows(p->data);
    ctx->source_columns = edra_dataset_source_columns(p->data);
    ctx->md = md;
    ctx->n_missing_markers = p->spec->n_missing;
    ctx->missing_markers = (const char *const *)p->spec->missing;
    ctx->population = p->population;
    ctx->load_seconds = edra_dataset_load_seconds(p->data);
}

static void print_transform(FILE *out, const edra_pipeline *p, const edra_safeharbor *sh)
{
    const char *untreated[64];
    fprintf(out, "\nSafe Harbor version (45 CFR 164.514(b)(2))\n");
    fprintf(out, "  Identifiers removed:");
    int any = 0;
    for (size_t i = 0; i < p->spec->n_attrs; i++)
        if (p->spec->attrs[i].role == EDRA_ROLE_IDENTIFIER) {
            fprintf(out, "%s %s", any ? "," : "", p->spec->attrs[i].name);
            any = 1;
        }
    fprintf(out, "%s\n", any ? "" : " none declared");
    for (size_t d = 0; d < p->md->n_qi; d++) {
        edra_sh_kind kind = edra_safeharbor_qi_kind(sh, d);
        fprintf(out, "  %-20s ", p->md->qi_names[d]);
        switch (kind) {
        case EDRA_SH_DATE:
            fprintf(out, "date -> year: %llu records changed",
                    (unsigned long long)edra_safeharbor_qi_changed(sh, d));
            if (edra_safeharbor_qi_unreadable(sh, d))
                fprintf(out, ", %llu not a date in its format (suppressed)",
                        (unsigned long long)edra_safeharbor_qi_unreadable(sh, d));
            break;
        case EDRA_SH_AGE:
            fprintf(out, "ages over 89 -> 90+: %llu records changed",
                    (unsigned long long)edra_safeharbor_qi_changed(sh, d));
            break;
        case EDRA_SH_ZIP:
            fprintf(out, "ZIP code -> first 3 digits: %llu records changed, %llu to 000 (restricted "
                         "area or not a ZIP code)",
                    (unsigned long long)edra_safeharbor_qi_changed(sh, d),
                    (unsigned long long)edra_safeharbor_qi_restricted(sh, d));
            break;
        case EDRA_SH_KEEP:
            fprintf(out, "kept as it is");
            break;
        }
        fprintf(out, "\n");
    }
    size_t n = edra_safeharbor_untreated(sh, untreated, 64);
    if (n) {
        fprintf(out, "  Not in the figures, but to be treated alike in a Safe Harbor release:");
        for (size_t i = 0; i < n && i < 64; i++)
            fprintf(out, "%s %s", i ? "," : "", untreated[i]);
        fprintf(out, "\n");
    }
}

static void print_value(FILE *out, double x)
{
    if (isnan(x))
        fprintf(out, " %14s", "n/a");
    else
        fprintf(out, " %14.6g", x);
}

/* The headline figures side by side. */
static void print_comparison(FILE *out, const edra_figures *spec_f, const edra_figures *sh_f,
                             int transformed)
{
    const struct {
        const char *name;
        double a, b;
    } rows[] = {
        {"smallest class (k)", (double)spec_f->prosecutor.k_min, (double)sh_f->prosecutor.k_min},
        {"sample uniques", (double)spec_f->prosecutor.sample_uniques, (double)sh_f->prosecutor.sample_uniques},
        {"highest prosecutor risk", spec_f->prosecutor.highest, sh_f->prosecutor.highest},
        {"average prosecutor risk", spec_f->prosecutor.average, sh_f->prosecutor.average},
        {"records at risk", spec_f->prosecutor.records_at_risk, sh_f->prosecutor.records_at_risk},
        {"global risk (expected re-id. / records)", spec_f->individual.global, sh_f->individual.global},
        {"population uniqueness (Dankar rule)",
         spec_f->has_population ? spec_f->population.dankar_fraction : NAN,
         sh_f->has_population ? sh_f->population.dankar_fraction : NAN},
    };
    fprintf(out, "\n%-42s %14s %14s\n", "Risk beside Safe Harbor",
            transformed ? "transformation" : "as they stand", "Safe Harbor");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fprintf(out, "%-42s", rows[i].name);
        print_value(out, rows[i].a);
        print_value(out, rows[i].b);
        fprintf(out, "\n");
    }
}

static json_t *transform_json(const edra_pipeline *p, const edra_safeharbor *sh)
{
    json_t *o = json_object(), *ids = json_array(), *cols = json_object(), *untreated = json_array();
    const char *names[64];
    for (size_t i = 0; i < p->spec->n_attrs; i++)
        if (p->spec->attrs[i].role == EDRA_ROLE_IDENTIFIER)
            json_array_append_new(ids, json_string(p->spec->attrs[i].name));
    for (size_t d = 0; d < p->md->n_qi; d++) {
        json_t *c = json_object();
        json_object_set_new(c, "kind", json_string(edra_safeharbor_kind_name(edra_safeharbor_qi_kind(sh, d))));
        json_object_set_new(c, "records_changed", json_integer((json_int_t)edra_safeharbor_qi_changed(sh, d)));
        json_object_set_new(c, "records_to_000", json_integer((json_int_t)edra_safeharbor_qi_restricted(sh, d)));
        json_object_set_new(c, "records_unreadable",
                            json_integer((json_int_t)edra_safeharbor_qi_unreadable(sh, d)));
        json_object_set_new(cols, p->md->qi_names[d], c);
    }
    size_t n = edra_safeharbor_untreated(sh, names, 64);
    for (size_t i = 0; i < n && i < 64; i++)
        json_array_append_new(untreated, json_string(names[i]));
    json_object_set_new(o, "identifiers_removed", ids);
    json_object_set_new(o, "quasi_identifiers", cols);
    json_object_set_new(o, "untreated", untreated);
    return o;
}

int edra_cmd_safeharbor(int argc, char **argv)
{
    safeharbor_args args = {0};
    edra_error err = {0};
    edra_pipeline *p = NULL;
    edra_safeharbor *sh = NULL;
    edra_figures spec_f = {0}, sh_f = {0};
    edra_riskdetail detail;
    edra_report_context ctx;
    json_t *root = NULL;
    char spec_sha[EDRA_SHA256_HEX];
    int exit_code, rc;

    memset(&detail, 0, sizeof detail);
    int first = edra_cli_parse(edra_cli_find("safeharbor"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra safeharbor: expected one SPEC file (see 'edra help safeharbor')\n");
        return EDRA_EXIT_INPUT;
    }
    if ((rc = edra_pipeline_open(&p, argv[first], &err)) < 0 ||
        (rc = edra_safeharbor_build(&sh, p, &err)) < 0 ||
        (rc = edra_safeharbor_assess(sh, args.suppress, &sh_f, &err)) < 0 ||
        (rc = edra_pipeline_assess(p, p->spec_levels, args.suppress, &spec_f, &err)) < 0 ||
        (rc = edra_riskdetail_compute(&detail, edra_safeharbor_microdata(sh),
                                      edra_safeharbor_levels(sh), &args.detail, &err)) < 0 ||
        (rc = edra_sha256_buffer(spec_sha, p->spec->text, p->spec->text_len, &err)) < 0)
        goto fail;
    edra_riskdetail_note_skipped(&detail);
    fill_context(&ctx, p, edra_safeharbor_microdata(sh), spec_sha);

    int json_on_stdout = args.json_path && strcmp(args.json_path, "-") == 0;
    if (!args.quiet && !json_on_stdout) {
        edra_summary_print_source(stdout, &ctx);
        print_transform(stdout, p, sh);
        edra_summary_print(stdout, "Safe Harbor version: every figure", &sh_f, &ctx);
        edra_riskdetail_print(stdout, &detail, edra_safeharbor_microdata(sh));
        print_comparison(stdout, &spec_f, &sh_f, p->spec->n_levels > 0);
    }
    if (args.json_path) {
        edra_report_context spec_ctx = ctx;
        spec_ctx.md = p->md;
        root = json_object();
        json_t *c = edra_json_context(&ctx), *fig = edra_json_figures(&sh_f, &ctx);
        json_t *cmp = edra_json_figures(&spec_f, &spec_ctx), *tr = transform_json(p, sh);
        if (!root || !c || !fig || !cmp || !tr) {
            json_decref(c);
            json_decref(fig);
            json_decref(cmp);
            json_decref(tr);
            rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
            goto fail;
        }
        json_object_set_new(root, "context", c);
        json_object_set_new(root, "safe_harbor", tr);
        json_object_set_new(root, "figures", fig);
        json_object_set_new(root, "spec_figures", cmp);
        json_object_set_new(root, "targets_met", json_boolean(sh_f.targets_met));
        if (edra_riskdetail_json(fig, &detail, edra_safeharbor_microdata(sh)) < 0) {
            rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
            goto fail;
        }
        if ((rc = edra_json_write(args.json_path, root, &err)) < 0) {
            exit_code = edra_cli_fail(rc, err.msg);
            if (rc == EDRA_EIO)
                exit_code = EDRA_EXIT_INTERNAL;
            goto done;
        }
    }
    exit_code = sh_f.targets_met ? EDRA_EXIT_OK : EDRA_EXIT_NOT_MET;
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
done:
    json_decref(root);
    edra_riskdetail_clear(&detail);
    edra_figures_clear(&spec_f);
    edra_figures_clear(&sh_f);
    edra_safeharbor_free(sh);
    edra_pipeline_free(p);
    return exit_code;
}
