/* `edra keygen --out KEY`: an Ed25519 key pair, KEY.pem (private, mode 0600) and KEY.pub.pem,
 * in the form `openssl genpkey -algorithm ed25519` writes. */
#define _POSIX_C_SOURCE 200809L
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/sign.h"
#include "commands.h"

const edra_cli_option edra_keygen_options[] = {
    {"out", 'o', "KEY", "write KEY.pem (private, mode 0600) and KEY.pub.pem (public)"},
    {NULL, 0, NULL, NULL},
};

static int on_option(const char *name, const char *arg, void *state)
{
    if (strcmp(name, "out") == 0)
        *(const char **)state = arg;
    return 0;
}

int edra_cmd_keygen(int argc, char **argv)
{
    const char *base = NULL;
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char fingerprint[EDRA_FINGERPRINT_HEX];
    int first = edra_cli_parse(edra_cli_find("keygen"), argc, argv, on_option, &base);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (!base || first != argc) {
        fprintf(stderr, "edra keygen: expected --out KEY and no operand (see 'edra help keygen')\n");
        return EDRA_EXIT_INPUT;
    }
    size_t len = strlen(base) + 16;
    char *priv = malloc(len), *pub = malloc(len);
    if (!priv || !pub) {
        free(priv);
        free(pub);
        return edra_cli_fail(EDRA_ENOMEM, "out of memory");
    }
    snprintf(priv, len, "%s.pem", base);
    snprintf(pub, len, "%s.pub.pem", base);
    int rc = edra_key_generate(priv, pub, &err);
    if (rc == 0)
        rc = edra_key_load_public(&key, pub, &err);
    if (rc == 0)
        rc = edra_key_fingerprint(key, fingerprint, &err);
    int code = EDRA_EXIT_OK;
    if (rc < 0)
        code = edra_cli_fail(rc, err.msg);
    else
        printf("private key %s (mode 0600)\npublic key  %s\nfingerprint %s\n", priv, pub, fingerprint);
    EVP_PKEY_free(key);
    free(priv);
    free(pub);
    return code;
}
