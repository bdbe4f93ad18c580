/* libFuzzer target: `edra verify`'s checker (report/manifest_verify.c, edra_manifest_verify). The
 * input is the folder's MANIFEST.json; after a line "--SIG--" the rest is MANIFEST.json.sig;
 * a leading 'K' means the signer's key is given (the fixed key below). The folder holds a
 * small fixed set of files, a symbolic link and a sub-folder, with a file beside it. Besides
 * the sanitizers: a folder that verifies lists only safe paths (relative, no "..", no
 * symbolic link, regular files), and every report names its item and says why. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../report/manifest.h"
#include "../../report/sign.h"
#include "fuzz.h"

/* The public half of a key made for the seeds (its private half is not kept). */
static const char fuzz_pubkey[] = "-----BEGIN PUBLIC KEY-----\n"
                                  "MCowBQYDK2VwAyEAkKSzhJH0uWxPpWxPYi9zrNgU3QdImCheIqOBNIh73bA=\n"
                                  "-----END PUBLIC KEY-----\n";

static char dir[512];
static EVP_PKEY *key;

static void set_up(void)
{
    char path[700];
    const char *root = fuzz_tmpdir();
    snprintf(dir, sizeof dir, "%s/report", root);
    if (mkdir(dir, 0755) != 0)
        fuzz_fail("manifest: cannot make the folder");
    snprintf(path, sizeof path, "%s/result.json", dir);
    fuzz_write_file(path, "{}\n", 3);
    snprintf(path, sizeof path, "%s/charts", dir);
    if (mkdir(path, 0755) != 0)
        fuzz_fail("manifest: cannot make charts/");
    snprintf(path, sizeof path, "%s/charts/a.png", dir);
    fuzz_write_file(path, "PNG\n", 4);
    snprintf(path, sizeof path, "%s/link.json", dir);
    if (symlink("result.json", path) != 0)
        fuzz_fail("manifest: cannot make the symbolic link");
    snprintf(path, sizeof path, "%s/outside.txt", root);
    fuzz_write_file(path, "outside\n", 8);
    edra_error err = {0};
    if (edra_key_from_public_pem(&key, fuzz_pubkey, sizeof fuzz_pubkey - 1, &err) != 0)
        fuzz_fail("manifest: the fixed public key does not load");
}

static void on_report(void *data, const char *item, edra_manifest_status status,
                      const char *message)
{
    (void)data;
    if (!item || !message || !*message)
        fuzz_fail("manifest: a report with no item or no message");
    if (status != EDRA_MANIFEST_OK && status != EDRA_MANIFEST_FAILED &&
        status != EDRA_MANIFEST_SKIPPED)
        fuzz_fail("manifest: an unknown report status");
}

/* The folder verified: every path it lists must be one verify is allowed to accept. */
static void check_accepted(const char *text, size_t len)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    json_t *files = root ? json_object_get(root, "files") : NULL;
    size_t i;
    json_t *e;
    char full[1200];
    if (!json_is_array(files))
        fuzz_fail("manifest: verified without a files list");
    json_array_foreach(files, i, e) {
        const char *p = json_string_value(json_object_get(e, "path"));
        struct stat st;
        if (!p || p[0] == '/' || !strcmp(p, "..") || !strncmp(p, "../", 3) || strstr(p, "/../") ||
            (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
            fuzz_fail("manifest: verified a path outside the folder");
        snprintf(full, sizeof full, "%s/%s", dir, p);
        if (lstat(full, &st) != 0 || !S_ISREG(st.st_mode))
            fuzz_fail("manifest: verified a missing file, a link or a folder");
    }
    json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--SIG--\n";
    char manifest[700], sig[700];
    if (!dir[0])
        set_up();
    const char *text = (const char *)data;
    size_t len = size;
    int with_key = len > 0 && text[0] == 'K';
    if (with_key) {
        text++;
        len--;
    }
    const char *cut = NULL;
    for (size_t i = 0; i + sizeof sep - 1 <= len && !cut; i++)
        if (!memcmp(text + i, sep, sizeof sep - 1))
            cut = text + i;
    size_t manifest_len = cut ? (size_t)(cut - text) : len;
    snprintf(manifest, sizeof manifest, "%s/" EDRA_MANIFEST_NAME, dir);
    snprintf(sig, sizeof sig, "%s/" EDRA_MANIFEST_SIG_NAME, dir);
    fuzz_write_file(manifest, text, manifest_len);
    if (cut)
        fuzz_write_file(sig, cut + sizeof sep - 1, len - manifest_len - (sizeof sep - 1));
    else
        unlink(sig);

    edra_manifest_verify_opts opts = EDRA_MANIFEST_VERIFY_OPTS_INIT;
    opts.public_key = with_key ? key : NULL;
    opts.report = on_report;
    edra_manifest_result result;
    edra_error err = {0};
    int rc = edra_manifest_verify(&result, dir, &opts, &err);
    fuzz_check_status(rc, &err);
    if (rc == 0) {
        if (result.files_failed != 0)
            fuzz_fail("manifest: verified with failed files");
        if (with_key && (!result.is_signed || !result.key_given))
            fuzz_fail("manifest: verified against a given key without a signature");
        check_accepted(text, manifest_len);
    }
    return 0;
}
