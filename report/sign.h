/* Ed25519 keys and signatures (RFC 8032) through OpenSSL's EVP interface. Keys are the PEM
 * files `openssl genpkey -algorithm ed25519` writes (PKCS#8 private key, SubjectPublicKeyInfo
 * public key), and signatures are the raw 64 bytes, so the openssl command can check them:
 * openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin -in FILE -sigfile FILE.sig */
#ifndef EDRA_SIGN_H
#define EDRA_SIGN_H

#include <stddef.h>

#include <openssl/evp.h>

#include "../metrics/error.h"

#define EDRA_SIG_LEN 64          /* bytes of an Ed25519 signature */
#define EDRA_FINGERPRINT_HEX 65  /* 64 hex digits and the NUL */

/* Generates an Ed25519 key pair: priv_path gets the PKCS#8 PEM private key (mode 0600),
 * pub_path the public key PEM (mode 0644), both written atomically. Refuses to overwrite an
 * existing priv_path (EDRA_EUSAGE). Returns 0, EDRA_EUSAGE, EDRA_ECRYPTO, EDRA_EIO, EDRA_ENOMEM. */
int edra_key_generate(const char *priv_path, const char *pub_path, edra_error *err);

/* Loads an unencrypted Ed25519 private key from a PEM file into *out (free with EVP_PKEY_free).
 * Like ssh, refuses a file with any group or other permission bit. Returns 0, EDRA_EIO or
 * EDRA_ECRYPTO (permissions, not PEM, encrypted, not Ed25519). */
int edra_key_load_private(EVP_PKEY **out, const char *path, edra_error *err);

/* Loads an Ed25519 public key into *out (free with EVP_PKEY_free) from a public key PEM, or
 * derives it from a private key PEM (no permission check: only the public half is kept).
 * Returns 0, EDRA_EIO or EDRA_ECRYPTO. */
int edra_key_load_public(EVP_PKEY **out, const char *path, edra_error *err);

/* The public half of key as a NUL-terminated SubjectPublicKeyInfo PEM; *out is the caller's
 * (free()). Returns 0, EDRA_ECRYPTO or EDRA_ENOMEM. */
int edra_key_public_pem(char **out, EVP_PKEY *key, edra_error *err);

/* Parses len bytes of public key PEM (as edra_key_public_pem writes) into *out (free with
 * EVP_PKEY_free). Returns 0 or EDRA_ECRYPTO when it is not an Ed25519 public key. */
int edra_key_from_public_pem(EVP_PKEY **out, const char *pem, size_t len, edra_error *err);

/* Fingerprint of key (private or public): lowercase hex SHA-256 of the raw 32-byte public key,
 * without a "SHA256:" prefix. Same as: openssl pkey -pubin -in PUB.pem -outform DER |
 * tail -c 32 | sha256sum. Returns 0 or EDRA_ECRYPTO for a key that is not Ed25519. */
int edra_key_fingerprint(EVP_PKEY *key, char out[EDRA_FINGERPRINT_HEX], edra_error *err);

/* Signs the len bytes at buf with the private key into sig (pure Ed25519, no pre-hash).
 * Returns 0 or EDRA_ECRYPTO (not an Ed25519 private key). */
int edra_sign(EVP_PKEY *key, const void *buf, size_t len, unsigned char sig[EDRA_SIG_LEN],
              edra_error *err);

/* Checks that sig (siglen bytes) is pub's signature of the len bytes at buf. Returns 0,
 * EDRA_EVERIFY (wrong length or no match) or EDRA_ECRYPTO (pub is not an Ed25519 key). */
int edra_verify_sig(EVP_PKEY *pub, const void *buf, size_t len, const unsigned char *sig,
                    size_t siglen, edra_error *err);

#endif
