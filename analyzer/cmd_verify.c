/* `edra verify DIR [--pubkey PUB.pem]`: checks a report folder's signature and the hash of
 * every file its manifest lists, printing each check; exit 0 only when all hold. */
#define _POSIX_C_SOURCE 200809L
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "../report/manifest.h"
#include "../report/sign.h"
#include "commands.h"

const edra_cli_option edra_verify_options[] = {
    {"pubkey", 'k', "PUB.pem", "the signer's public key, obtained independently of the folder"},
    {"input", 'i', "NAME=PATH", "also check an input the manifest lists by hash (data, spec)"},
    {NULL, 0, NULL, NULL},
};

#define MAX_INPUTS 8

typedef struct {
    const char *pubkey;
    edra_manifest_external_path inputs[MAX_INPUTS];
    char input_keys[MAX_INPUTS][256];
    size_t n_inputs;
    int bad;
} verify_args;

static int on_option(const char *name, const char *arg, void *state)
{
    verify_args *a = state;
    if (strcmp(name, "pubkey") == 0) {
        a->pubkey = arg;
    } else if (strcmp(name, "input") == 0) {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || a->n_inputs == MAX_INPUTS || (size_t)(eq - arg) >= 256) {
            fprintf(stderr, "edra verify: --input takes NAME=PATH (at most %d)\n", MAX_INPUTS);
            return -1;
        }
        memcpy(a->input_keys[a->n_inputs], arg, (size_t)(eq - arg));
        a->input_keys[a->n_inputs][eq - arg] = '\0';
        a->inputs[a->n_inputs].key = a->input_keys[a->n_inputs];
        a->inputs[a->n_inputs].path = eq + 1;
        a->n_inputs++;
    }
    return 0;
}

static void report_item(void *data, const char *item, edra_manifest_status status, const char *message)
{
    (void)data;
    const char *word = status == EDRA_MANIFEST_OK ? "OK" : status == EDRA_MANIFEST_FAILED ? "FAILED" : "SKIPPED";
    /* A hostile manifest's paths are quoted here: one line per item, whatever they hold. */
    printf("%-8s ", word);
    edra_cli_put_clean(stdout, item);
    if (message && *message) {
        fputs(": ", stdout);
        edra_cli_put_clean(stdout, message);
    }
    putchar('\n');
}

int edra_cmd_verify(int argc, char **argv)
{
    verify_args args;
    edra_error err = {0};
    EVP_PKEY *pub = NULL;
    edra_manifest_result result;
    edra_manifest_verify_opts opts = EDRA_MANIFEST_VERIFY_OPTS_INIT;
    memset(&args, 0, sizeof args);
    int first = edra_cli_parse(edra_cli_find("verify"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1) {
        fprintf(stderr, "edra verify: expected one report folder (see 'edra help verify')\n");
        return EDRA_EXIT_INPUT;
    }
    int rc = 0;
    if (args.pubkey && (rc = edra_key_load_public(&pub, args.pubkey, &err)) < 0)
        return edra_cli_fail(rc, err.msg);
    opts.public_key = pub;
    opts.externals = args.inputs;
    opts.n_externals = args.n_inputs;
    opts.report = report_item;
    rc = edra_manifest_verify(&result, argv[first], &opts, &err);
    EVP_PKEY_free(pub);
    fflush(stdout);
    if (rc < 0)
        return edra_cli_fail(rc, err.msg);
    if (!result.is_signed)
        printf("Verified %zu files; the manifest is UNSIGNED: integrity only, no signer vouches for it\n",
               result.files_checked);
    else
        printf("Verified %zu files and the signature of %s (%s)\n", result.files_checked,
               result.signer_fingerprint,
               result.key_given ? "key given with --pubkey"
                                : "key embedded in the manifest: pass --pubkey to check who signed");
    return EDRA_EXIT_OK;
}
