/* Recording a command's run in the history: the glue between the commands (pipeline, job,
 * report context) and analyzer/history. The figures document is built here so that a run and
 * its `edra rerun` are compared on exactly the same construction. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <config.h>

#include "recorder.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/digest.h"
#include "../report/json.h"
#include "../report/manifest.h"
#include "cli.h"
#include "rundiff.h"

int edra_recorder_option(edra_recorder_opts *opts, const char *name, const char *arg)
{
    if (strcmp(name, "history") == 0) {
        opts->path = arg;
        return 1;
    }
    if (strcmp(name, "no-history") == 0) {
        opts->disabled = 1;
        return 1;
    }
    return 0;
}

int edra_recorder_begin(edra_recorder *r, const edra_recorder_opts *opts, const char *spec_path,
                        edra_error *err)
{
    char *path = NULL;
    int rc;
    edra_history_wall_time(r->started);
    edra_history_user(r->user, sizeof r->user);
    if ((rc = edra_history_output_time(r->created, err)) < 0 ||
        (rc = edra_history_make_id(r->id, r->created, err)) < 0)
        return rc;
    if (opts->disabled)
        return 0;
    if ((rc = edra_history_locate(&path, opts->path, spec_path, err)) < 0)
        return rc;
    rc = edra_history_open(&r->history, path, EDRA_HISTORY_WRITE, err);
    free(path);
    return rc;
}

void edra_recorder_clear(edra_recorder *r)
{
    edra_history_close(r->history);
    free(r->spec_dir);
    json_decref(r->context);
    for (size_t i = 0; i < r->n_artifacts; i++) {
        free((char *)r->artifacts[i].path);
        free((char *)r->artifacts[i].role);
        free((char *)r->artifacts[i].sha256);
    }
    free(r->artifacts);
    memset(r, 0, sizeof *r);
}

/* Durations are measurements of the machine, not figures of the data: a rerun must not
 * differ by them. Removes every "seconds" and "*_seconds" member, at any depth. */
static void strip_timing(json_t *j)
{
    const char *key;
    json_t *v, *next;
    void *tmp;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach_safe(j, tmp, key, v) {
            size_t n = strlen(key);
            if (strcmp(key, "seconds") == 0 || (n > 8 && strcmp(key + n - 8, "_seconds") == 0))
                json_object_del(j, key);
            else
                strip_timing(v);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, next) strip_timing(next);
    }
}

json_t *edra_recorder_assess_doc(const edra_figures *f, const edra_report_context *ctx)
{
    json_t *doc = json_object(), *fig = edra_json_figures(f, ctx);
    if (!doc || !fig) {
        json_decref(doc);
        json_decref(fig);
        return NULL;
    }
    json_object_set_new(doc, "figures", fig);
    json_object_set_new(doc, "targets_met", json_boolean(f->targets_met));
    strip_timing(doc);
    return doc;
}

json_t *edra_recorder_job_doc(const edra_job *job)
{
    json_t *doc = json_object(), *before = edra_json_figures(&job->before, &job->ctx);
    json_t *after = edra_json_figures(&job->node.figures, &job->ctx), *search = edra_job_search_json(job);
    if (!doc || !before || !after || !search) {
        json_decref(doc);
        json_decref(before);
        json_decref(after);
        json_decref(search);
        return NULL;
    }
    /* the checked nodes are search effort, not a result (and would fill the history) */
    json_object_del(search, "nodes");
    json_object_set_new(doc, "before", before);
    json_object_set_new(doc, "figures", after);
    json_object_set_new(doc, "search", search);
    json_object_set_new(doc, "targets_met",
                        json_boolean(job->result.found && job->node.figures.targets_met));
    strip_timing(doc);
    return doc;
}

int edra_recorder_describe(edra_history_run *run, edra_recorder *r, const char *command,
                           const edra_spec *spec, const edra_report_context *ctx, json_t *options,
                           json_t *doc, edra_error *err)
{
    char real[PATH_MAX];
    memset(run, 0, sizeof *run);
    if (!r->spec_dir) {
        if (!realpath(spec->dir, real))
            return edra_error_set(err, EDRA_EIO, "%s: %s", spec->dir, strerror(errno));
        if (!(r->spec_dir = strdup(real)))
            return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    json_decref(r->context);
    if (!(r->context = edra_json_context(ctx)))
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    strip_timing(r->context);
    run->id = r->id;
    run->command = command;
    run->started = r->started;
    run->ended = r->started;
    run->created = r->created;
    run->version = PACKAGE_VERSION;
    run->user = r->user;
    run->spec_path = spec->path;
    run->spec_dir = r->spec_dir;
    run->spec_sha256 = ctx->spec_sha256;
    run->spec_text = spec->text;
    run->data_path = ctx->data_path;
    run->data_sha256 = ctx->data_sha256;
    run->rows = ctx->source_rows;
    run->columns = ctx->source_columns;
    run->options = options;
    run->context = r->context;
    run->figures = doc;
    return 0;
}

int edra_recorder_history_text(char **out, edra_recorder *r, const edra_history_run *run,
                               edra_error *err)
{
    edra_history_run *prev = NULL;
    json_t *diff = NULL;
    int rc = 0;
    *out = NULL;
    if (!r->history) {
        *out = strdup("Not recorded: this run was made with --no-history, so no earlier run is "
                      "compared with it.");
        return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    if ((rc = edra_history_previous(&prev, r->history, run, err)) < 0)
        return rc;
    if (!prev) {
        *out = strdup("No earlier run of this spec or of these data is recorded in the history.");
        return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory");
    }
    if ((rc = edra_rundiff_runs(&diff, prev, run, err)) == 0)
        rc = edra_rundiff_summary(out, diff, err);
    json_decref(diff);
    edra_history_run_free(prev);
    return rc;
}

static int add_artifact(edra_recorder *r, const char *path, const char *role, const char *sha256,
                        uint64_t size, edra_error *err)
{
    edra_history_artifact *grown = realloc(r->artifacts, (r->n_artifacts + 1) * sizeof *grown);
    if (!grown)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    r->artifacts = grown;
    edra_history_artifact *a = &r->artifacts[r->n_artifacts];
    a->path = strdup(path);
    a->role = strdup(role);
    a->sha256 = strdup(sha256);
    a->size = size;
    r->n_artifacts++;
    if (!a->path || !a->role || !a->sha256)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    return 0;
}

static int add_hashed(edra_recorder *r, const char *full, const char *name, const char *role,
                      edra_error *err)
{
    char hex[EDRA_SHA256_HEX];
    struct stat st;
    int rc = edra_sha256_file(hex, full, err);
    if (rc < 0)
        return rc;
    if (stat(full, &st) < 0)
        return edra_error_set(err, EDRA_EIO, "%s: %s", full, strerror(errno));
    return add_artifact(r, name, role, hex, (uint64_t)st.st_size, err);
}

int edra_recorder_add_file(edra_recorder *r, const char *path, const char *role, edra_error *err)
{
    return add_hashed(r, path, path, role, err);
}

int edra_recorder_add_folder(edra_recorder *r, const char *dir, edra_error *err)
{
    char path[PATH_MAX];
    json_error_t jerr;
    json_t *manifest = NULL;
    const json_t *file;
    size_t i;
    int rc = 0;
    snprintf(path, sizeof path, "%s/%s", dir, EDRA_MANIFEST_NAME);
    if (!(manifest = json_load_file(path, 0, &jerr)))
        return edra_error_set(err, EDRA_EPARSE, "%s: %s", path, jerr.text);
    /* the files the manifest lists, with the hashes it signed */
    json_array_foreach(json_object_get(manifest, "files"), i, file) {
        const char *p = json_string_value(json_object_get(file, "path"));
        const char *role = json_string_value(json_object_get(file, "role"));
        const char *sha = json_string_value(json_object_get(file, "sha256"));
        json_int_t size = json_integer_value(json_object_get(file, "size"));
        if (!p || !role || !sha) {
            rc = edra_error_set(err, EDRA_EPARSE, "%s: file %zu lacks path, role or sha256", path, i);
            goto done;
        }
        if ((rc = add_artifact(r, p, role, sha, (uint64_t)size, err)) < 0)
            goto done;
    }
    if ((rc = add_hashed(r, path, EDRA_MANIFEST_NAME, "manifest", err)) < 0)
        goto done;
    snprintf(path, sizeof path, "%s/%s", dir, EDRA_MANIFEST_SIG_NAME);
    if (access(path, F_OK) == 0)
        rc = add_hashed(r, path, EDRA_MANIFEST_SIG_NAME, "signature", err);
done:
    json_decref(manifest);
    return rc;
}

int edra_recorder_record(edra_recorder *r, edra_history_run *run, edra_error *err)
{
    if (!r->history)
        return 0;
    edra_history_wall_time(r->ended);
    run->ended = r->ended;
    run->artifacts = r->artifacts;
    run->n_artifacts = r->n_artifacts;
    return edra_history_record(r->history, run, err);
}

int edra_recorder_finish(edra_recorder *r, const char *command, const edra_spec *spec,
                         const edra_report_context *ctx, json_t *options, json_t *doc,
                         int exit_code, edra_error *err)
{
    edra_history_run run;
    int rc = 0;
    if (!r->history)
        goto done;
    if (!options || !doc) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = edra_recorder_describe(&run, r, command, spec, ctx, options, doc, err)) < 0)
        goto done;
    run.exit_code = exit_code;
    rc = edra_recorder_record(r, &run, err);
done:
    json_decref(options);
    json_decref(doc);
    return rc;
}

int edra_recorder_fail(int code, const edra_error *err)
{
    int exit_code = edra_cli_fail(code, err->msg);
    return code == EDRA_EUSAGE ? exit_code : EDRA_EXIT_INTERNAL;
}

int edra_recorder_open_read(edra_history **out, const char *history_opt, const char *spec_path,
                            edra_error *err)
{
    char *path = NULL;
    /* --spec names the history to read more precisely than the environment does */
    int rc = !history_opt && spec_path ? edra_history_beside(&path, spec_path, err)
                                       : edra_history_locate(&path, history_opt, spec_path, err);
    if (rc == 0)
        rc = edra_history_open(out, path, EDRA_HISTORY_READ, err);
    free(path);
    return rc;
}
