/* `edra history [list]` and `edra history show ID`: the runs recorded in the history, newest
 * first, and everything recorded for one of them, for people or (--json) for scripts. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "history.h"
#include "recorder.h"
#include "rundiff.h"

const edra_cli_option edra_history_options[] = {
    {"json", 'j', NULL, "print JSON instead of a table"},
    {"limit", 'n', "N", "list only the N newest runs"},
    {"history", 0, "FILE", "the history to read (default $EDRA_HISTORY, else ./.edra/history.sqlite)"},
    {"spec", 0, "SPEC", "read the history beside SPEC (SPECDIR/.edra/history.sqlite)"},
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *history, *spec, *limit;
    int json;
} history_args;

static int on_option(const char *name, const char *arg, void *state)
{
    history_args *a = state;
    if (strcmp(name, "json") == 0)
        a->json = 1;
    else if (strcmp(name, "limit") == 0)
        a->limit = arg;
    else if (strcmp(name, "history") == 0)
        a->history = arg;
    else if (strcmp(name, "spec") == 0)
        a->spec = arg;
    return 0;
}

static json_t *real_or_null(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The summary columns of a run as JSON (what `history --json` lists). */
static json_t *summary_json(const edra_history_run *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(r->seq));
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "command", json_string(r->command));
    json_object_set_new(o, "started", json_string(r->started));
    json_object_set_new(o, "ended", text_or_null(r->ended));
    json_object_set_new(o, "created", json_string(r->created));
    json_object_set_new(o, "version", text_or_null(r->version));
    json_object_set_new(o, "user", text_or_null(r->user));
    json_object_set_new(o, "spec", json_string(r->spec_path));
    json_object_set_new(o, "spec_dir", text_or_null(r->spec_dir));
    json_object_set_new(o, "spec_sha256", text_or_null(r->spec_sha256));
    json_object_set_new(o, "data", text_or_null(r->data_path));
    json_object_set_new(o, "data_sha256", json_string(r->data_sha256));
    json_object_set_new(o, "rows", json_integer((json_int_t)r->rows));
    json_object_set_new(o, "columns", json_integer((json_int_t)r->columns));
    json_object_set_new(o, "targets", json_string(r->targets));
    json_object_set_new(o, "transformation", json_string(r->transformation));
    json_object_set_new(o, "k", r->k >= 0 ? json_integer(r->k) : json_null());
    json_object_set_new(o, "average_risk", real_or_null(r->average_risk));
    json_object_set_new(o, "highest_risk", real_or_null(r->highest_risk));
    json_object_set_new(o, "suppressed", r->suppressed >= 0 ? json_integer(r->suppressed) : json_null());
    json_object_set_new(o, "loss", real_or_null(r->loss));
    json_object_set_new(o, "targets_met", json_boolean(r->targets_met));
    json_object_set_new(o, "verdict", json_string(r->targets_met ? "met" : "not met"));
    json_object_set_new(o, "exit_code", json_integer(r->exit_code));
    json_object_set_new(o, "out_dir", text_or_null(r->out_dir));
    json_object_set_new(o, "signer", text_or_null(r->signer));
    json_object_set_new(o, "n_artifacts", json_integer((json_int_t)r->n_artifacts));
    json_object_set(o, "options", r->options);
    return o;
}

static json_t *full_json(const edra_history_run *r)
{
    json_t *o = summary_json(r), *arts = json_array();
    for (size_t i = 0; i < r->n_artifacts; i++)
        json_array_append_new(arts, json_pack("{s:s, s:s, s:s, s:I}", "path", r->artifacts[i].path,
                                              "role", r->artifacts[i].role, "sha256",
                                              r->artifacts[i].sha256, "size",
                                              (json_int_t)r->artifacts[i].size));
    json_object_set_new(o, "artifacts", arts);
    json_object_set_new(o, "spec_text", json_string(r->spec_text));
    json_object_set(o, "context", r->context);
    json_object_set(o, "figures", r->figures);
    return o;
}

static int print_json(json_t *root)
{
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(root);
    if (!text)
        return edra_cli_fail(EDRA_ENOMEM, "out of memory");
    puts(text);
    free(text);
    return EDRA_EXIT_OK;
}

/* "2024-05-01 12:00" from "2024-05-01T12:00:00.123Z". */
static const char *when(char *buf, size_t size, const char *iso)
{
    snprintf(buf, size, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
    return buf;
}

static int list(edra_history *h, const history_args *args)
{
    edra_history_run *runs = NULL;
    edra_error err = {0};
    size_t n = 0, limit = 0;
    if (args->limit) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(args->limit, &end, 10);
        if (errno || end == args->limit || *end || v < 1)
            return edra_cli_fail(EDRA_EUSAGE, "--limit: expected a whole number >= 1");
        limit = (size_t)v;
    }
    int rc = edra_history_list(&runs, &n, h, limit, &err);
    if (rc < 0)
        return edra_recorder_fail(rc, &err);
    if (args->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, summary_json(&runs[i]));
        edra_history_runs_free(runs, n);
        return print_json(a);
    }
    if (n == 0)
        printf("No runs recorded in %s\n", edra_history_path(h));
    else
        printf("%-28s  %-16s  %-9s  %-8s  %-32s  %6s  %-9s  %s\n", "ID", "When (UTC)", "Command",
               "Data", "Targets", "k", "Avg risk", "Verdict");
    for (size_t i = 0; i < n; i++) {
        const edra_history_run *r = &runs[i];
        char t[40], w[32], k[24], avg[24];
        /* a long target list is cut: `history show` has it whole */
        snprintf(t, sizeof t, "%s", r->targets[0] ? r->targets : "(none)");
        if (strlen(r->targets) > 32)
            memcpy(t + 29, "...", 4);
        snprintf(k, sizeof k, r->k >= 0 ? "%lld" : "n/a", (long long)r->k);
        snprintf(avg, sizeof avg, isfinite(r->average_risk) ? "%.4g" : "n/a", r->average_risk);
        printf("%-28s  %-16s  %-9s  %.8s  %-32s  %6s  %-9s  %s\n", r->id, when(w, sizeof w, r->started),
               r->command, r->data_sha256, t, k, avg, r->targets_met ? "met" : "NOT met");
    }
    edra_history_runs_free(runs, n);
    return EDRA_EXIT_OK;
}

static void row(const char *key, const char *value)
{
    printf("%-16s ", key);
    edra_cli_put_clean(stdout, value ? value : "");
    putchar('\n');
}

static int show(edra_history *h, const char *id, const history_args *args)
{
    edra_history_run *r = NULL;
    edra_error err = {0};
    char buf[512];
    int rc = edra_history_get(&r, h, id, &err);
    if (rc < 0)
        return edra_recorder_fail(rc, &err);
    if (args->json) {
        json_t *o = full_json(r);
        edra_history_run_free(r);
        return print_json(o);
    }
    row("Run", r->id);
    row("Command", r->command);
    row("Started", r->started);
    row("Ended", r->ended);
    row("Report date", r->created);
    snprintf(buf, sizeof buf, "edra %s", r->version);
    row("Software", buf);
    row("User", r->user);
    snprintf(buf, sizeof buf, "%s (folder %s)", r->spec_path, r->spec_dir);
    row("Spec", buf);
    row("Spec SHA-256", r->spec_sha256);
    row("Data", r->data_path);
    row("Data SHA-256", r->data_sha256);
    snprintf(buf, sizeof buf, "%llu rows, %llu columns", (unsigned long long)r->rows,
             (unsigned long long)r->columns);
    row("Source", buf);
    char *options = json_dumps(r->options, JSON_COMPACT | JSON_SORT_KEYS);
    row("Options", options ? options : "");
    free(options);
    row("Targets", r->targets[0] ? r->targets : "(none)");
    row("Transformation", r->transformation);
    row("Verdict", r->targets_met ? "every target met" : "a target NOT met");
    snprintf(buf, sizeof buf, "%d", r->exit_code);
    row("Exit code", buf);
    if (r->out_dir)
        row("Output folder", r->out_dir);
    row("Signer", r->signer ? r->signer : "unsigned");
    printf("\nFigures\n");
    json_t *heads = edra_rundiff_headlines(r->figures), *e;
    size_t i;
    json_array_foreach(heads, i, e) {
        printf("  %-36s ", json_string_value(json_object_get(e, "name")));
        edra_cli_put_clean(stdout, edra_rundiff_format(buf, sizeof buf, json_object_get(e, "value")));
        putchar('\n');
    }
    json_decref(heads);
    printf("\nTargets\n");
    json_array_foreach(json_object_get(json_object_get(r->figures, "figures"), "targets"), i, e) {
        char target[64], achieved[64];
        printf("  %-44s target %-10s achieved %-12s %s\n",
               json_string_value(json_object_get(e, "name")),
               edra_rundiff_format(target, sizeof target, json_object_get(e, "target")),
               edra_rundiff_format(achieved, sizeof achieved, json_object_get(e, "achieved")),
               json_is_true(json_object_get(e, "met")) ? "met" : "NOT met");
    }
    printf("\nArtifacts (%zu)\n", r->n_artifacts);
    for (i = 0; i < r->n_artifacts; i++) {
        printf("  %s  %10llu  ", r->artifacts[i].sha256, (unsigned long long)r->artifacts[i].size);
        edra_cli_put_clean(stdout, r->artifacts[i].path);
        printf(" (%s)\n", r->artifacts[i].role);
    }
    printf("\nSpec as recorded\n");
    fputs(r->spec_text, stdout);
    if (r->spec_text[0] && r->spec_text[strlen(r->spec_text) - 1] != '\n')
        putchar('\n');
    edra_history_run_free(r);
    return EDRA_EXIT_OK;
}

int edra_cmd_history(int argc, char **argv)
{
    history_args args = {0};
    edra_error err = {0};
    edra_history *h = NULL;
    int first = edra_cli_parse(edra_cli_find("history"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    int operands = argc - first;
    const char *sub = operands ? argv[first] : "list";
    if (!((strcmp(sub, "list") == 0 && operands <= 1) || (strcmp(sub, "show") == 0 && operands == 2))) {
        fprintf(stderr, "edra history: expected 'list' or 'show ID' (see 'edra help history')\n");
        return EDRA_EXIT_INPUT;
    }
    int rc = edra_recorder_open_read(&h, args.history, args.spec, &err);
    if (rc < 0)
        return edra_recorder_fail(rc, &err);
    int code = strcmp(sub, "list") == 0 ? list(h, &args) : show(h, argv[first + 1], &args);
    edra_history_close(h);
    return code;
}
