/* `edra anonymize SPEC`: the least-loss transformation meeting the spec's targets (lattice
 * search with ARX's suppression semantics), its figures, and optionally the released data. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/json.h"
#include "../report/summary.h"
#include "commands.h"
#include "job.h"
#include "recorder.h"
#include "release.h"

const edra_cli_option edra_anonymize_options[] = {
    {"out", 'o', "FILE", "write the released data to FILE (.csv, or .sqlite/.db for a SQLite "
                         "table 'released'); mode 0600"},
    {"json", 'j', "FILE", "write the result as JSON to FILE ('-' = stdout, then no summary)"},
    {"threads", 't', "N", "check up to N nodes in parallel (default 1)"},
    {"quiet", 'q', NULL, "print no summary"},
    EDRA_RECORDER_OPTION_ROWS,
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *out_path;
    const char *json_path;
    const char *threads;
    int quiet;
    edra_recorder_opts history;
} anonymize_args;

static int on_option(const char *name, const char *arg, void *state)
{
    anonymize_args *a = state;
    if (edra_recorder_option(&a->history, name, arg))
        return 0;
    if (strcmp(name, "out") == 0)
        a->out_path = arg;
    else if (strcmp(name, "json") == 0)
        a->json_path = arg;
    else if (strcmp(name, "threads") == 0)
        a->threads = arg;
    else if (strcmp(name, "quiet") == 0)
        a->quiet = 1;
    return 0;
}

int edra_cmd_anonymize(int argc, char **argv)
{
    anonymize_args args = {0};
    edra_error err = {0};
    edra_job job;
    edra_release_stats stats = {0};
    json_t *root = NULL;
    edra_recorder rec;
    int exit_code, rc, threads = 1;

    memset(&job, 0, sizeof job);
    memset(&rec, 0, sizeof rec);
    int first = edra_cli_parse(edra_cli_find("anonymize"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra anonymize: expected one SPEC file (see 'edra help anonymize')\n");
        return EDRA_EXIT_INPUT;
    }
    if (args.threads && (rc = edra_job_parse_threads(args.threads, &threads, &err)) < 0)
        goto fail;
    if ((rc = edra_recorder_begin(&rec, &args.history, argv[first], &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    rc = edra_job_run(&job, argv[first], "anonymize", threads, !args.quiet, &err);
    if (rc < 0)
        goto fail;
    const edra_search_result *r = &job.result;
    if (r->found && args.out_path) {
        rc = edra_release_write(args.out_path, job.p->spec, job.node.classes, job.node.suppress,
                                &stats, &err);
        if (rc < 0) {
            /* As for assess's JSON: an output that cannot be written is the environment's. */
            exit_code = edra_cli_fail(rc, err.msg);
            if (rc == EDRA_EIO)
                exit_code = EDRA_EXIT_INTERNAL;
            goto done;
        }
    }

    int json_on_stdout = args.json_path && strcmp(args.json_path, "-") == 0;
    if (!args.quiet && !json_on_stdout) {
        edra_summary_print_source(stdout, &job.ctx);
        edra_job_print_search(stdout, &job);
        edra_summary_print(stdout, r->found ? "Result" : "Closest transformation (targets not met)",
                           &job.node.figures, &job.ctx);
        if (r->found && args.out_path)
            printf("Released %s: %llu rows, %llu with quasi-identifiers suppressed, %zu columns "
                   "(identifiers removed), mode 0600\n",
                   args.out_path, (unsigned long long)stats.rows,
                   (unsigned long long)stats.suppressed_rows, stats.columns);
        else if (args.out_path)
            printf("Nothing released: no transformation meets the targets\n");
    }
    if (args.json_path) {
        json_t *fig = edra_json_figures(&job.node.figures, &job.ctx), *c = edra_json_context(&job.ctx);
        json_t *search = edra_job_search_json(&job);
        root = json_object();
        if (!root || !fig || !c || !search) {
            json_decref(fig);
            json_decref(c);
            json_decref(search);
            rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
            goto fail;
        }
        json_object_set_new(root, "context", c);
        json_object_set_new(root, "figures", fig);
        json_object_set_new(root, "search", search);
        json_object_set_new(root, "targets_met",
                            json_boolean(r->found && job.node.figures.targets_met));
        if (r->found && args.out_path) {
            json_t *rel = json_object();
            json_object_set_new(rel, "path", json_string(args.out_path));
            json_object_set_new(rel, "format", json_string(stats.sqlite ? "sqlite" : "csv"));
            json_object_set_new(rel, "rows", json_integer((json_int_t)stats.rows));
            json_object_set_new(rel, "suppressed_rows",
                                json_integer((json_int_t)stats.suppressed_rows));
            json_object_set_new(rel, "columns", json_integer((json_int_t)stats.columns));
            json_object_set_new(root, "released", rel);
        }
        rc = edra_json_write(args.json_path, root, &err);
        if (rc < 0) {
            exit_code = edra_cli_fail(rc, err.msg);
            if (rc == EDRA_EIO)
                exit_code = EDRA_EXIT_INTERNAL;
            goto done;
        }
    }
    exit_code = r->found && job.node.figures.targets_met ? EDRA_EXIT_OK : EDRA_EXIT_NOT_MET;
    if ((r->found && args.out_path &&
         (rc = edra_recorder_add_file(&rec, args.out_path, "data", &err)) < 0) ||
        (args.json_path && !json_on_stdout &&
         (rc = edra_recorder_add_file(&rec, args.json_path, "result", &err)) < 0) ||
        (rc = edra_recorder_finish(&rec, "anonymize", job.p->spec, &job.ctx,
                                   json_pack("{s:i}", "threads", threads),
                                   edra_recorder_job_doc(&job), exit_code, &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    if (rec.history && !args.quiet && !json_on_stdout)
        printf("\nRecorded as %s in %s\n", rec.id, edra_history_path(rec.history));
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
done:
    edra_recorder_clear(&rec);
    json_decref(root);
    edra_job_clear(&job);
    return exit_code;
}
