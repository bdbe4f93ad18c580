/* MANIFEST.json: every artifact of an output folder with its SHA-256 and size, the inputs
 * (data, spec) that live outside it by hash, the run's identity and, when signed, the signer.
 * Written with a sha256sum-format SHA256SUMS and a raw Ed25519 signature MANIFEST.json.sig of
 * the manifest's exact bytes; checked by edra_manifest_verify or by `sha256sum -c SHA256SUMS`
 * and `openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin -in MANIFEST.json -sigfile
 * MANIFEST.json.sig` from inside the folder. */
#ifndef EDRA_MANIFEST_H
#define EDRA_MANIFEST_H

#include <stddef.h>

#include <openssl/evp.h>

#include "../metrics/error.h"
#include "sign.h"

/* The verifier's half of the API (edra_manifest_verify), kept reachable from here so that
 * one header serves every user of the manifest format. */
#include "manifest_verify.h"

#define EDRA_MANIFEST_NAME "MANIFEST.json"
#define EDRA_MANIFEST_SIG_NAME "MANIFEST.json.sig"
#define EDRA_MANIFEST_SUMS_NAME "SHA256SUMS"
#define EDRA_MANIFEST_FORMAT "edra-manifest/1"

/* A manifest being built for one folder. */
typedef struct edra_manifest edra_manifest;

/* Starts a manifest of the folder dir. version (software), created ("YYYY-MM-DDThh:mm:ssZ",
 * UTC, from the caller's clock) are required; run_id may be NULL (written as null). The
 * strings are copied. Returns 0, EDRA_EUSAGE (bad created) or EDRA_ENOMEM. */
int edra_manifest_new(edra_manifest **out, const char *dir, const char *version,
                      const char *run_id, const char *created, edra_error *err);

void edra_manifest_free(edra_manifest *m);

/* Lists dir/path (relative, no "." or ".." component, no symbolic link on the way, a regular
 * file) with role ("report", "data", ...), hashing the file now. Returns 0, EDRA_EUSAGE (unsafe
 * or reserved path, duplicate, symbolic link), EDRA_EIO or EDRA_ENOMEM. */
int edra_manifest_add(edra_manifest *m, const char *path, const char *role, edra_error *err);

/* Records a file outside the folder (role "input" or "spec") under the display name name.
 * sha256_hex is the hash the run used, or NULL to hash path now; the size comes from path.
 * Returns 0, EDRA_EUSAGE (duplicate name, bad hash), EDRA_EIO or EDRA_ENOMEM. */
int edra_manifest_add_external(edra_manifest *m, const char *path, const char *name,
                               const char *role, const char *sha256_hex, edra_error *err);

/* The manifest as deterministic JSON (2-space indent, sorted keys, files sorted by path,
 * external files by role then name, trailing newline); signer (a private or public Ed25519
 * key) fills the "signer" block, NULL writes null. *out is the caller's (free()), not
 * NUL-counted in *len. Returns 0, EDRA_ECRYPTO or EDRA_ENOMEM. */
int edra_manifest_serialize(char **out, size_t *len, const edra_manifest *m, EVP_PKEY *signer,
                            edra_error *err);

/* Writes dir/SHA256SUMS (listed in the manifest with role "checksums"), dir/MANIFEST.json
 * and, with a private key, dir/MANIFEST.json.sig (without one, removes a stale signature),
 * each atomically, mode 0644. Returns 0, EDRA_EIO, EDRA_ECRYPTO or EDRA_ENOMEM. */
int edra_manifest_write(const edra_manifest *m, EVP_PKEY *key, edra_error *err);

#endif
