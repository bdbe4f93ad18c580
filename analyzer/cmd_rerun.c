/* `edra rerun ID`: re-executes a recorded run from the spec text the history stored, parsed
 * against the spec's original folder (so its relative paths reach the current data file),
 * and checks that the data hash is the recorded one and that every figure is identical
 * (the canonical figures documents equal byte for byte). Writes nothing and records nothing. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/digest.h"
#include "commands.h"
#include "history.h"
#include "job.h"
#include "pipeline.h"
#include "recorder.h"
#include "rundiff.h"

/* The differences listed; past these the count alone is given. */
#define MAX_LISTED 40

const edra_cli_option edra_rerun_options[] = {
    {"json", 'j', NULL, "print the result as JSON"},
    {"history", 0, "FILE", "the history to read (default $EDRA_HISTORY, else ./.edra/history.sqlite)"},
    {"spec", 0, "SPEC", "read the history beside SPEC (SPECDIR/.edra/history.sqlite)"},
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *history, *spec;
    int json;
} rerun_args;

static int on_option(const char *name, const char *arg, void *state)
{
    rerun_args *a = state;
    if (strcmp(name, "json") == 0)
        a->json = 1;
    else if (strcmp(name, "history") == 0)
        a->history = arg;
    else if (strcmp(name, "spec") == 0)
        a->spec = arg;
    return 0;
}

/* Recomputes the figures document of an assessment as `edra assess` built it. */
static int redo_assess(json_t **doc, edra_pipeline *p, const json_t *options, edra_error *err)
{
    edra_figures figures = {0};
    edra_report_context ctx;
    uint8_t *levels = malloc(p->md->n_qi ? p->md->n_qi : 1);
    const char *text = json_string_value(json_object_get(options, "levels"));
    int rc = 0;
    if (!levels)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    memcpy(levels, p->spec_levels, p->md->n_qi);
    if ((text && (rc = edra_pipeline_parse_levels(p, text, levels, err)) < 0) ||
        (rc = edra_pipeline_assess(p, levels, json_is_true(json_object_get(options, "suppress")),
                                   &figures, err)) < 0)
        goto done;
    /* the figures document reads the attribute names from the context's microdata only */
    memset(&ctx, 0, sizeof ctx);
    ctx.md = p->md;
    if (!(*doc = edra_recorder_assess_doc(&figures, &ctx)))
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
done:
    edra_figures_clear(&figures);
    free(levels);
    return rc;
}

static int redo_search(json_t **doc, edra_pipeline *p, const json_t *options, edra_error *err)
{
    edra_job job;
    json_int_t threads = json_integer_value(json_object_get(options, "threads"));
    int rc = edra_job_run_pipeline(&job, p, "rerun", threads >= 1 && threads <= 256 ? (int)threads : 1,
                                   0, err);
    if (rc == 0 && !(*doc = edra_recorder_job_doc(&job)))
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
    edra_job_clear(&job); /* frees p too */
    return rc;
}

int edra_cmd_rerun(int argc, char **argv)
{
    rerun_args args = {0};
    edra_error err = {0};
    edra_history *h = NULL;
    edra_history_run *run = NULL;
    edra_spec *spec = NULL;
    edra_pipeline *p = NULL;
    json_t *doc = NULL, *differences = NULL;
    char *was = NULL, *now = NULL, spec_sha[EDRA_SHA256_HEX], data_sha[EDRA_SHA256_HEX];
    char data_path[4096];
    int code, rc;
    int first = edra_cli_parse(edra_cli_find("rerun"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra rerun: expected one run id (see 'edra help rerun')\n");
        return EDRA_EXIT_INPUT;
    }
    if ((rc = edra_recorder_open_read(&h, args.history, args.spec, &err)) < 0 ||
        (rc = edra_history_get(&run, h, argv[first], &err)) < 0 ||
        (rc = edra_sha256_buffer(spec_sha, run->spec_text, strlen(run->spec_text), &err)) < 0) {
        code = edra_recorder_fail(rc, &err);
        goto done;
    }
    /* The stored text is what the run read: a history edited since must not pass for it. */
    if (strcmp(spec_sha, run->spec_sha256) != 0) {
        code = edra_cli_fail(EDRA_EDB, "the recorded spec text does not match its recorded SHA-256: "
                                       "the history was altered");
        goto done;
    }
    rc = edra_spec_parse(&spec, run->spec_text, strlen(run->spec_text), run->spec_path,
                         run->spec_dir, &err);
    if (rc == 0) {
        snprintf(data_path, sizeof data_path, "%s", spec->data_path);
        rc = edra_pipeline_open_spec(&p, spec, &err);
        spec = NULL;
    }
    if (rc == 0) {
        snprintf(data_sha, sizeof data_sha, "%s", edra_dataset_sha256(p->data));
        edra_pipeline *taken = p;
        p = NULL;
        rc = strcmp(run->command, "assess") == 0 ? redo_assess(&doc, taken, run->options, &err)
                                                 : redo_search(&doc, taken, run->options, &err);
        if (strcmp(run->command, "assess") == 0)
            edra_pipeline_free(taken);
    }
    if (rc < 0) {
        /* the data or a hierarchy cannot be read any more: that is the answer, exit 2 */
        code = edra_cli_fail(rc, err.msg);
        goto done;
    }
    if ((rc = edra_rundiff_canonical(&was, run->figures, &err)) < 0 ||
        (rc = edra_rundiff_canonical(&now, doc, &err)) < 0 || !(differences = json_array())) {
        code = edra_cli_fail(EDRA_ENOMEM, "out of memory");
        goto done;
    }
    int data_same = strcmp(data_sha, run->data_sha256) == 0;
    int identical = strcmp(was, now) == 0;
    size_t n_diff = identical ? 0 : edra_rundiff_documents(differences, run->figures, doc, MAX_LISTED);
    code = data_same && identical ? EDRA_EXIT_OK : EDRA_EXIT_NOT_MET;
    if (args.json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:b, s:I, s:O, s:b}", "id", run->id,
                              "command", run->command, "spec", run->spec_path, "data", data_path,
                              "data_same", data_same, "data_sha256_recorded", run->data_sha256,
                              "data_sha256_now", data_sha, "figures_identical", identical,
                              "differences_count", (json_int_t)n_diff, "differences", differences,
                              "reproduced", data_same && identical);
        char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
        json_decref(o);
        if (!text) {
            code = edra_cli_fail(EDRA_ENOMEM, "out of memory");
            goto done;
        }
        puts(text);
        free(text);
        goto done;
    }
    printf("Rerun of %s (%s started %s), spec %s\n", run->id, run->command, run->started, run->spec_path);
    printf("Data:    %s\n", data_path);
    if (data_same)
        printf("         SHA-256 matches the recorded one (%s)\n", data_sha);
    else
        printf("         SHA-256 DIFFERS: recorded %s\n                          now %s\n",
               run->data_sha256, data_sha);
    if (identical)
        printf("Figures: every figure identical to the recorded run\n");
    else {
        size_t i;
        json_t *line;
        printf("Figures: %zu figure%s DIFFER from the recorded run:\n", n_diff, n_diff == 1 ? "" : "s");
        json_array_foreach(differences, i, line)
            printf("  %s\n", json_string_value(line));
        if (n_diff > json_array_size(differences))
            printf("  ... and %zu more\n", n_diff - json_array_size(differences));
    }
    printf("Reproduced: %s\n", code == EDRA_EXIT_OK ? "yes" : "NO");
done:
    json_decref(doc);
    json_decref(differences);
    free(was);
    free(now);
    edra_spec_free(spec);
    edra_pipeline_free(p);
    edra_history_run_free(run);
    edra_history_close(h);
    return code;
}
