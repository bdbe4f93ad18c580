/* `edra diff ID1 ID2`: what changed from one recorded run to another: the spec (a unified
 * diff of its text), the data, each target, each headline figure with its direction, the
 * transformation per quasi-identifier and the verdict. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "history.h"
#include "recorder.h"
#include "rundiff.h"

const edra_cli_option edra_diff_options[] = {
    {"json", 'j', NULL, "print the changes as JSON"},
    {"history", 0, "FILE", "the history to read (default $EDRA_HISTORY, else ./.edra/history.sqlite)"},
    {"spec", 0, "SPEC", "read the history beside SPEC (SPECDIR/.edra/history.sqlite)"},
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *history, *spec;
    int json;
} diff_args;

static int on_option(const char *name, const char *arg, void *state)
{
    diff_args *a = state;
    if (strcmp(name, "json") == 0)
        a->json = 1;
    else if (strcmp(name, "history") == 0)
        a->history = arg;
    else if (strcmp(name, "spec") == 0)
        a->spec = arg;
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *fmt(char *buf, size_t size, const json_t *x)
{
    return edra_rundiff_format(buf, size, x);
}

static void print_run(const char *label, const json_t *r)
{
    printf("%s ", label);
    edra_cli_put_clean(stdout, str(r, "id"));
    printf(" (%s, started %s by ", str(r, "command"), str(r, "started"));
    edra_cli_put_clean(stdout, str(r, "user"));
    printf(", spec ");
    edra_cli_put_clean(stdout, str(r, "spec"));
    printf(")\n");
}

static void print_diff(const json_t *d)
{
    const json_t *spec = json_object_get(d, "spec"), *data = json_object_get(d, "data"), *e;
    char a[64], b[64];
    size_t i;
    print_run("A:", json_object_get(d, "a"));
    print_run("B:", json_object_get(d, "b"));

    if (json_is_true(json_object_get(spec, "same")))
        printf("\nSpec: same\n");
    else {
        printf("\nSpec: changed\n");
        /* the user's own spec, printed as it is (a diff needs its tabs and all) */
        fputs(str(spec, "unified_diff"), stdout);
    }

    json_int_t rows_a = json_integer_value(json_object_get(data, "rows_a"));
    json_int_t rows_b = json_integer_value(json_object_get(data, "rows_b"));
    if (json_is_true(json_object_get(data, "same")))
        printf("\nData: same (SHA-256 %.16s..., %lld rows)\n", str(data, "sha256_b"), (long long)rows_b);
    else
        printf("\nData: changed (SHA-256 %.16s... -> %.16s...; rows %lld -> %lld, %+lld)\n",
               str(data, "sha256_a"), str(data, "sha256_b"), (long long)rows_a, (long long)rows_b,
               (long long)(rows_b - rows_a));

    printf("\nTargets\n");
    if (json_array_size(json_object_get(d, "targets")) == 0)
        printf("  (none in either run)\n");
    json_array_foreach(json_object_get(d, "targets"), i, e) {
        const char *status = str(e, "status");
        char ma[16], mb[16];
        printf("  %-44s ", str(e, "name"));
        if (strcmp(status, "added") == 0)
            printf("added: %s (%s)\n", fmt(b, sizeof b, json_object_get(e, "target_b")),
                   fmt(mb, sizeof mb, json_object_get(e, "met_b")));
        else if (strcmp(status, "removed") == 0)
            printf("removed (was %s)\n", fmt(a, sizeof a, json_object_get(e, "target_a")));
        else {
            char xa[64], xb[64];
            printf("target %s -> %s%s; achieved %s -> %s; %s -> %s\n",
                   fmt(a, sizeof a, json_object_get(e, "target_a")),
                   fmt(b, sizeof b, json_object_get(e, "target_b")),
                   strcmp(status, "same") == 0 ? "" : " (changed)",
                   fmt(xa, sizeof xa, json_object_get(e, "achieved_a")),
                   fmt(xb, sizeof xb, json_object_get(e, "achieved_b")),
                   fmt(ma, sizeof ma, json_object_get(e, "met_a")),
                   fmt(mb, sizeof mb, json_object_get(e, "met_b")));
        }
    }

    printf("\n  %-36s %-14s %-14s %s\n", "Figure", "A", "B", "Change");
    json_array_foreach(json_object_get(d, "figures"), i, e) {
        const char *direction = str(e, "direction"), *judgement = str(e, "judgement");
        printf("  %-36s %-14s %-14s %s%s%s%s\n", str(e, "name"), fmt(a, sizeof a, json_object_get(e, "a")),
               fmt(b, sizeof b, json_object_get(e, "b")), direction, *judgement ? " (" : "", judgement,
               *judgement ? ")" : "");
    }

    printf("\nTransformation\n");
    json_array_foreach(json_object_get(d, "transformation"), i, e)
        printf("  %-24s %s -> %s  %s\n", str(e, "qi"), fmt(a, sizeof a, json_object_get(e, "a")),
               fmt(b, sizeof b, json_object_get(e, "b")), str(e, "direction"));

    const json_t *v = json_object_get(d, "verdict");
    printf("\nVerdict: %s -> %s\n", json_is_true(json_object_get(v, "a")) ? "every target met" : "a target NOT met",
           json_is_true(json_object_get(v, "b")) ? "every target met" : "a target NOT met");
    printf("Figures documents identical: %s\n",
           json_is_true(json_object_get(d, "identical_figures")) ? "yes" : "no");
}

int edra_cmd_diff(int argc, char **argv)
{
    diff_args args = {0};
    edra_error err = {0};
    edra_history *h = NULL;
    edra_history_run *a = NULL, *b = NULL;
    json_t *diff = NULL;
    int code = EDRA_EXIT_OK, rc;
    int first = edra_cli_parse(edra_cli_find("diff"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 2) {
        fprintf(stderr, "edra diff: expected two run ids (see 'edra help diff')\n");
        return EDRA_EXIT_INPUT;
    }
    if ((rc = edra_recorder_open_read(&h, args.history, args.spec, &err)) < 0 ||
        (rc = edra_history_get(&a, h, argv[first], &err)) < 0 ||
        (rc = edra_history_get(&b, h, argv[first + 1], &err)) < 0 ||
        (rc = edra_rundiff_runs(&diff, a, b, &err)) < 0) {
        code = edra_recorder_fail(rc, &err);
        goto done;
    }
    if (args.json) {
        char *text = json_dumps(diff, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        if (!text) {
            code = edra_cli_fail(EDRA_ENOMEM, "out of memory");
            goto done;
        }
        puts(text);
        free(text);
    } else {
        print_diff(diff);
    }
done:
    json_decref(diff);
    edra_history_run_free(a);
    edra_history_run_free(b);
    edra_history_close(h);
    return code;
}
