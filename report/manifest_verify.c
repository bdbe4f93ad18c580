/* The verifier of an output folder's signed manifest (`edra verify`): MANIFEST.json parsed
 * strictly, its Ed25519 signature (RFC 8032) checked against a given or the embedded key, then
 * every listed file's size and SHA-256 (FIPS 180-4) -- paths leaving the folder ("..",
 * absolute, symbolic links) are rejected before anything is hashed. */
#define _POSIX_C_SOURCE 200809L /* lstat, fileno */
#include "manifest_verify.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "digest.h"
#include "manifest.h"
#include "manifest_internal.h"

enum {
    MAX_MANIFEST = 1 << 28, /* 256 MiB: far beyond any real manifest, bounds a hostile one */
    MAX_SIG_FILE = 1 << 12
};

typedef struct {
    const char *dir;
    const edra_manifest_verify_opts *opts;
    edra_manifest_result *result;
    edra_error *err;
    const char *manifest_path;
    size_t failures;  /* checks that failed; err holds the first */
} verifier;

/* Reports item and, for the first failure, names it in err as where: message. */
static void report(verifier *v, const char *item, const char *where, edra_manifest_status status,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void report(verifier *v, const char *item, const char *where, edra_manifest_status status,
                   const char *fmt, ...)
{
    char message[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (v->opts->report)
        v->opts->report(v->opts->report_data, item, status, message);
    if (status != EDRA_MANIFEST_FAILED)
        return;
    if (v->failures++ == 0)
        edra_error_set(v->err, EDRA_EVERIFY, "%s: %s", where, message);
}

/* Reads a whole file of at most max bytes; ENOENT is returned as 1 so callers can treat an
 * absent signature as a state, not an error. */
static int read_whole(char **out, size_t *len, const char *path, size_t max, edra_error *err)
{
    struct stat st;
    char *buf = NULL;
    int rc = 0;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *len = 0;
    if (!f) {
        if (errno == ENOENT)
            return 1;
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    }
    if (fstat(fileno(f), &st) != 0) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        rc = edra_error_set(err, EDRA_EIO, "%s: not a regular file of at most %zu bytes", path,
                            max);
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    *len = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        rc = edra_error_set(err, EDRA_EIO, "%s: read error", path);
        goto done;
    }
    buf[*len] = '\0';
    *out = buf;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return rc;
}

/* The parts of a parsed manifest the checks need; strings borrowed from the JSON tree. */
typedef struct {
    const char *fingerprint;    /* NULL when unsigned */
    const char *public_key_pem;
    json_t *files, *externals;
} parsed;

/* Unpacks root with JSON_STRICT (every key known, every key present) and checks the values;
 * puts the reason in why. Returns 0 or -1. */
static int parse_manifest(parsed *p, json_t *root, char *why, size_t why_size)
{
    json_error_t jerr;
    const char *format = NULL, *name = NULL, *version = NULL, *created = NULL;
    json_t *run_id = NULL, *signer = NULL;
    memset(p, 0, sizeof *p);
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:{s:s, s:s}, s:o, s:s, s:o, s:o, s:o}",
                       "format", &format, "software", "name", &name, "version", &version,
                       "run_id", &run_id, "created", &created, "signer", &signer, "files",
                       &p->files, "external", &p->externals) != 0) {
        snprintf(why, why_size, "%s", jerr.text);
        return -1;
    }
    if (strcmp(format, EDRA_MANIFEST_FORMAT) != 0 || strcmp(name, "edra") != 0) {
        snprintf(why, why_size, "format '%s' from '%s' is not %s from edra", format, name,
                 EDRA_MANIFEST_FORMAT);
        return -1;
    }
    if (!json_is_null(run_id) && !json_is_string(run_id)) {
        snprintf(why, why_size, "run_id is neither a string nor null");
        return -1;
    }
    if (!manifest_valid_created(created)) {
        snprintf(why, why_size, "created '%s' is not YYYY-MM-DDThh:mm:ssZ", created);
        return -1;
    }
    if (!json_is_null(signer)) {
        const char *algorithm = NULL;
        if (json_unpack_ex(signer, &jerr, JSON_STRICT, "{s:s, s:s, s:s}", "algorithm",
                           &algorithm, "fingerprint", &p->fingerprint, "public_key_pem",
                           &p->public_key_pem) != 0) {
            snprintf(why, why_size, "signer: %s", jerr.text);
            return -1;
        }
        if (strcmp(algorithm, "Ed25519") != 0 || !manifest_is_hex64(p->fingerprint)) {
            snprintf(why, why_size, "signer: algorithm is not Ed25519 or bad fingerprint");
            return -1;
        }
    }
    for (int list = 0; list < 2; list++) {
        json_t *array = list ? p->externals : p->files;
        const char *label = list ? "external" : "files";
        if (!json_is_array(array)) {
            snprintf(why, why_size, "%s is not an array", label);
            return -1;
        }
        for (size_t i = 0; i < json_array_size(array); i++) {
            const char *path = NULL, *role = NULL, *sha256 = NULL;
            json_int_t size = 0;
            if (json_unpack_ex(json_array_get(array, i), &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:I}",
                               list ? "name" : "path", &path, "role", &role, "sha256", &sha256,
                               "size", &size) != 0) {
                snprintf(why, why_size, "%s[%zu]: %s", label, i, jerr.text);
                return -1;
            }
            if (!manifest_is_hex64(sha256) || size < 0 || !manifest_valid_role(role)) {
                snprintf(why, why_size, "%s[%zu]: bad sha256, size or role", label, i);
                return -1;
            }
        }
    }
    return 0;
}

/* Checks MANIFEST.json.sig against the given key or, without one, the embedded key. */
static int check_signature(verifier *v, const parsed *p, const char *bytes, size_t len,
                           const unsigned char *sig, size_t sig_len, int have_sig,
                           const char *sig_where)
{
    static const char item[] = EDRA_MANIFEST_SIG_NAME;
    edra_error sub = {0};
    EVP_PKEY *embedded = NULL;
    EVP_PKEY *key = v->opts->public_key;
    char fingerprint[EDRA_FINGERPRINT_HEX] = "";
    int rc = 0;
    if (key) {
        if ((rc = edra_key_fingerprint(key, fingerprint, v->err)) != 0)
            return rc;
        if (!have_sig) {
            report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                   "missing, but a public key was given to check it");
            return 0;
        }
    } else if (!p->fingerprint) {
        if (have_sig)
            report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                   "present, but MANIFEST.json names no signer (give the public key to check it)");
        else
            report(v, item, sig_where, EDRA_MANIFEST_SKIPPED,
                   "unsigned manifest: file hashes checked, authorship not");
        return 0;
    } else {
        if (!have_sig) {
            report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                   "missing, but MANIFEST.json names signer %s", p->fingerprint);
            return 0;
        }
        rc = edra_key_from_public_pem(&embedded, p->public_key_pem, strlen(p->public_key_pem),
                                      &sub);
        if (rc == 0)
            rc = edra_key_fingerprint(embedded, fingerprint, &sub);
        if (rc == EDRA_ENOMEM) {
            EVP_PKEY_free(embedded);
            return edra_error_set(v->err, rc, "%s", sub.msg);
        }
        if (rc != 0 || strcmp(fingerprint, p->fingerprint) != 0) {
            if (rc != 0)
                report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                       "the public key in MANIFEST.json is unusable: %s", sub.msg);
            else
                report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                       "the public key in MANIFEST.json does not match its fingerprint");
            EVP_PKEY_free(embedded);
            return 0;
        }
        key = embedded;
    }
    if (sig_len != EDRA_SIG_LEN) {
        report(v, item, sig_where, EDRA_MANIFEST_FAILED,
               "%zu bytes; an Ed25519 signature is %d", sig_len, EDRA_SIG_LEN);
        EVP_PKEY_free(embedded);
        return 0;
    }
    rc = edra_verify_sig(key, bytes, len, sig, sig_len, &sub);
    if (rc == EDRA_ENOMEM || rc == EDRA_ECRYPTO) {
        edra_error_set(v->err, rc, "%s: %s", sig_where, sub.msg);
    } else if (rc != 0) {
        rc = 0;
        if (p->fingerprint && strcmp(p->fingerprint, fingerprint) != 0)
            report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                   "signature does not match MANIFEST.json (it names signer %s; the key given "
                   "is %s)", p->fingerprint, fingerprint);
        else
            report(v, item, sig_where, EDRA_MANIFEST_FAILED,
                   "signature does not match MANIFEST.json");
    } else if (p->fingerprint && strcmp(p->fingerprint, fingerprint) != 0) {
        report(v, item, sig_where, EDRA_MANIFEST_FAILED,
               "signed by %s, but MANIFEST.json names signer %s", fingerprint, p->fingerprint);
    } else {
        v->result->is_signed = 1;
        v->result->key_given = v->opts->public_key != NULL;
        memcpy(v->result->signer_fingerprint, fingerprint, sizeof fingerprint);
        report(v, item, sig_where, EDRA_MANIFEST_OK, "Ed25519 signature by %s%s", fingerprint,
               v->opts->public_key ? " (the key given)"
               : " with the key embedded in MANIFEST.json: the key was not independently "
                 "given, so this shows integrity, not who signed");
    }
    EVP_PKEY_free(embedded);
    return rc;
}

/* Compares one file with its listed size and hash; failures are reported, not returned.
 * Returns 0 or EDRA_ENOMEM. */
static int check_file(verifier *v, const char *item, const char *where, const char *path,
                      const char *sha256, json_int_t size)
{
    struct stat st;
    edra_error sub = {0};
    char hex[EDRA_SHA256_HEX];
    if (stat(path, &st) != 0) {
        report(v, item, where, EDRA_MANIFEST_FAILED, "%s",
               errno == ENOENT ? "missing" : strerror(errno));
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        report(v, item, where, EDRA_MANIFEST_FAILED, "not a regular file");
        return 0;
    }
    if ((uint64_t)st.st_size != (uint64_t)size) {
        report(v, item, where, EDRA_MANIFEST_FAILED, "size %llu bytes, the manifest lists %lld",
               (unsigned long long)st.st_size, (long long)size);
        return 0;
    }
    int rc = edra_sha256_file(hex, path, &sub);
    if (rc == EDRA_ENOMEM)
        return edra_error_set(v->err, rc, "%s", sub.msg);
    if (rc != 0)
        report(v, item, where, EDRA_MANIFEST_FAILED, "%s", sub.msg);
    else if (strcmp(hex, sha256) != 0)
        report(v, item, where, EDRA_MANIFEST_FAILED,
               "SHA-256 differs from the manifest (file %s, manifest %s)", hex, sha256);
    else
        report(v, item, where, EDRA_MANIFEST_OK, "SHA-256 %s, %lld bytes", hex, (long long)size);
    return 0;
}

static int check_files(verifier *v, json_t *files)
{
    for (size_t i = 0; i < json_array_size(files); i++) {
        json_t *e = json_array_get(files, i);
        const char *rel = json_string_value(json_object_get(e, "path"));
        const char *sha256 = json_string_value(json_object_get(e, "sha256"));
        json_int_t size = json_integer_value(json_object_get(e, "size"));
        char why[512];
        struct stat st;
        size_t failures_before = v->failures;
        int rc = 0;
        char *full = manifest_join_path(v->dir, rel);
        if (!full)
            return edra_error_set(v->err, EDRA_ENOMEM, "out of memory verifying");
        /* The path is vetted component by component before anything is opened through it;
         * one that is unsafe by its spelling is named as the manifest lists it. */
        int unsafe = manifest_check_listed(&st, v->dir, rel, why, sizeof why);
        if (unsafe == EDRA_ENOMEM) {
            rc = edra_error_set(v->err, EDRA_ENOMEM, "out of memory verifying");
        } else if (unsafe != 0 && manifest_path_syntax_problem(rel)) {
            char where[1024];
            snprintf(where, sizeof where, "%s lists '%s'", v->manifest_path, rel);
            report(v, rel, where, EDRA_MANIFEST_FAILED, "%s", why);
        } else if (unsafe != 0) {
            report(v, rel, full, EDRA_MANIFEST_FAILED, "%s", why);
        } else
            rc = check_file(v, rel, full, full, sha256, size);
        free(full);
        if (rc != 0)
            return rc;
        v->result->files_checked++;
        v->result->files_failed += v->failures - failures_before;
    }
    return 0;
}

/* The external entry key names, by name or else by a role no other entry has; -1 if none,
 * -2 if the role is ambiguous. */
static long find_external(json_t *externals, const char *key)
{
    long by_role = -1;
    for (size_t i = 0; i < json_array_size(externals); i++) {
        json_t *e = json_array_get(externals, i);
        if (strcmp(json_string_value(json_object_get(e, "name")), key) == 0)
            return (long)i;
    }
    for (size_t i = 0; i < json_array_size(externals); i++) {
        json_t *e = json_array_get(externals, i);
        if (strcmp(json_string_value(json_object_get(e, "role")), key) == 0)
            by_role = by_role == -1 ? (long)i : -2;
    }
    return by_role;
}

static int check_externals(verifier *v, json_t *externals)
{
    size_t n = json_array_size(externals);
    char item[600];
    int rc = 0;
    unsigned char *given = calloc(n ? n : 1, 1);
    if (!given)
        return edra_error_set(v->err, EDRA_ENOMEM, "out of memory verifying");
    for (size_t i = 0; rc == 0 && i < v->opts->n_externals; i++) {
        const edra_manifest_external_path *x = &v->opts->externals[i];
        long at = find_external(externals, x->key);
        snprintf(item, sizeof item, "external:%s", x->key);
        if (at < 0) {
            report(v, item, x->path, EDRA_MANIFEST_FAILED, "%s",
                   at == -1 ? "no external file of that name or role in the manifest"
                            : "several external files have that role; give the name");
            continue;
        }
        json_t *e = json_array_get(externals, (size_t)at);
        given[at] = 1;
        v->result->externals_checked++;
        rc = check_file(v, item, x->path, x->path,
                        json_string_value(json_object_get(e, "sha256")),
                        json_integer_value(json_object_get(e, "size")));
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (given[i])
            continue;
        json_t *e = json_array_get(externals, i);
        snprintf(item, sizeof item, "external:%s", json_string_value(json_object_get(e, "name")));
        v->result->externals_skipped++;
        report(v, item, item, EDRA_MANIFEST_SKIPPED,
               "outside the folder, not checked (role %s, SHA-256 %s); give its path to check it",
               json_string_value(json_object_get(e, "role")),
               json_string_value(json_object_get(e, "sha256")));
    }
    free(given);
    return rc;
}

int edra_manifest_verify(edra_manifest_result *out, const char *dir,
                         const edra_manifest_verify_opts *opts, edra_error *err)
{
    static const edra_manifest_verify_opts no_opts = EDRA_MANIFEST_VERIFY_OPTS_INIT;
    edra_manifest_result scratch;
    char *manifest_path = NULL, *sig_path = NULL, *bytes = NULL, *sig = NULL;
    size_t len = 0, sig_len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    parsed p;
    char why[512] = "";
    int rc = 0, have_sig = 0;
    assert(dir);
    verifier v = {.dir = dir, .opts = opts ? opts : &no_opts, .result = out ? out : &scratch,
                  .err = err};
    memset(v.result, 0, sizeof *v.result);
    manifest_path = manifest_join_path(dir, EDRA_MANIFEST_NAME);
    sig_path = manifest_join_path(dir, EDRA_MANIFEST_SIG_NAME);
    if (!manifest_path || !sig_path) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory verifying");
        goto done;
    }
    v.manifest_path = manifest_path;
    rc = read_whole(&bytes, &len, manifest_path, MAX_MANIFEST, err);
    if (rc == 1)
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", manifest_path, strerror(ENOENT));
    if (rc != 0)
        goto done;
    rc = read_whole(&sig, &sig_len, sig_path, MAX_SIG_FILE, err);
    if (rc < 0)
        goto done;
    have_sig = rc == 0;
    rc = 0;

    root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        snprintf(why, sizeof why, "%d:%d: %s", jerr.line, jerr.column, jerr.text);
    if (!root || parse_manifest(&p, root, why + strlen(why), sizeof why - strlen(why)) != 0) {
        /* With the signer's key at hand, a signature mismatch explains a damaged manifest
         * better than the parse error does. */
        edra_error sub = {0};
        if (v.opts->public_key && have_sig &&
            edra_verify_sig(v.opts->public_key, bytes, len, (unsigned char *)sig, sig_len,
                            &sub) == EDRA_EVERIFY) {
            report(&v, EDRA_MANIFEST_SIG_NAME, sig_path, EDRA_MANIFEST_FAILED,
                   "signature does not match MANIFEST.json");
            rc = EDRA_EVERIFY;
        } else {
            rc = edra_error_set(err, EDRA_EPARSE, "%s: not an edra manifest: %s", manifest_path,
                                why);
        }
        goto done;
    }
    if ((rc = check_signature(&v, &p, bytes, len, (unsigned char *)sig, sig_len, have_sig,
                              sig_path)) != 0 ||
        (rc = check_files(&v, p.files)) != 0 || (rc = check_externals(&v, p.externals)) != 0)
        goto done;
    if (v.failures > 0) {
        if (v.failures > 1) {
            char more[64];
            snprintf(more, sizeof more, " (and %zu more failure%s)", v.failures - 1,
                     v.failures > 2 ? "s" : "");
            size_t at = strlen(err ? err->msg : "");
            if (err && at + strlen(more) < sizeof err->msg)
                memcpy(err->msg + at, more, strlen(more) + 1);
        }
        rc = EDRA_EVERIFY;
    }
done:
    json_decref(root);
    free(bytes);
    free(sig);
    free(manifest_path);
    free(sig_path);
    return rc;
}
