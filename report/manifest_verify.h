/* Checking an output folder against its signed MANIFEST.json (`edra verify`): every listed
 * file's size and SHA-256, reached without a symbolic link, and the Ed25519 signature, with a
 * given key (authenticity) or the embedded one (integrity only). The writer is manifest.h. */
#ifndef EDRA_MANIFEST_VERIFY_H
#define EDRA_MANIFEST_VERIFY_H

#include <stddef.h>

#include <openssl/evp.h>

#include "../metrics/error.h"
#include "sign.h"

typedef enum {
    EDRA_MANIFEST_OK,      /* the item holds */
    EDRA_MANIFEST_FAILED,  /* it does not: the message says why */
    EDRA_MANIFEST_SKIPPED  /* not checked: an external file not given, an unsigned manifest */
} edra_manifest_status;

/* Called once per item checked: item is a path relative to the folder, "MANIFEST.json.sig",
 * or "external:NAME"; message is one line. */
typedef void (*edra_manifest_report_fn)(void *data, const char *item,
                                        edra_manifest_status status, const char *message);

/* An external file to check: key is the entry's name, or a role only one entry has. */
typedef struct {
    const char *key;
    const char *path;
} edra_manifest_external_path;

typedef struct {
    EVP_PKEY *public_key;  /* the signer's key, given independently; NULL = trust the
                              manifest's embedded key (integrity, not authenticity) */
    const edra_manifest_external_path *externals; /* [n_externals] */
    size_t n_externals;
    edra_manifest_report_fn report;               /* may be NULL */
    void *report_data;
} edra_manifest_verify_opts;

#define EDRA_MANIFEST_VERIFY_OPTS_INIT {NULL, NULL, 0, NULL, NULL}

typedef struct {
    int is_signed;     /* 1: the signature verified; 0: the manifest is unsigned (hashes only) */
    int key_given;     /* 1: verified with opts->public_key; 0: with the manifest's own key */
    char signer_fingerprint[EDRA_FINGERPRINT_HEX]; /* "" when unsigned */
    size_t files_checked, files_failed;
    size_t externals_checked, externals_skipped;
} edra_manifest_result;

/* Checks the folder dir against its MANIFEST.json: every listed file is present, reached
 * without a symbolic link, of the listed size and SHA-256; the signature verifies. A manifest
 * that names a signer must have a valid signature; with opts->public_key a signature is
 * required. Every check is reported through opts->report; files not listed are ignored.
 * Returns 0 when all hold (an unsigned manifest: 0 with out->is_signed = 0), EDRA_EVERIFY
 * naming the first failure ("dir/path: reason"), EDRA_EIO or EDRA_EPARSE (the manifest cannot
 * be read or is not an edra manifest), EDRA_ENOMEM. out and opts may be NULL. */
int edra_manifest_verify(edra_manifest_result *out, const char *dir,
                         const edra_manifest_verify_opts *opts, edra_error *err);

#endif
