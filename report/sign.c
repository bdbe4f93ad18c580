/* Ed25519 (RFC 8032) key files, signing and verification with OpenSSL 3's EVP interface
 * (EVP_DigestSign with no digest: Ed25519 hashes internally). OpenSSL's error queue is read
 * where each call fails; every buffer that held private key bytes is cleansed. */
#define _POSIX_C_SOURCE 200809L /* fstat, O_CLOEXEC, lstat */
#include "sign.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "atomic.h"
#include "digest.h"

enum {
    RAW_KEY_LEN = 32,        /* an Ed25519 public key */
    MAX_KEY_FILE = 1 << 16   /* a PEM Ed25519 key is ~120 bytes; anything this big is not one */
};

/* The first queued OpenSSL error as text (the root cause), then an empty queue. */
static const char *ossl_reason(char *buf, size_t size)
{
    unsigned long code = ERR_get_error();
    if (code == 0)
        snprintf(buf, size, "no detail from OpenSSL");
    else
        ERR_error_string_n(code, buf, size);
    ERR_clear_error();
    return buf;
}

/* Reads a key file into a NUL-terminated buffer the caller cleanses and frees. With
 * private_key set, refuses group/other permission bits, checked on the open descriptor so
 * the file checked is the file read. */
static int read_key_file(unsigned char **out, size_t *len_out, const char *path, int private_key,
                         edra_error *err)
{
    struct stat st;
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = edra_error_set(err, EDRA_EIO, "%s: not a regular file", path);
        goto done;
    }
    if (private_key && (st.st_mode & 077)) {
        rc = edra_error_set(err, EDRA_ECRYPTO,
                            "%s: private key is readable by others (chmod 600 %s)", path, path);
        goto done;
    }
    if (st.st_size > MAX_KEY_FILE) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "%s: too large to be a key file", path);
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0)
            break; /* the file shrank; parse what is there */
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *len_out = len;
    buf = NULL;
done:
    if (buf) {
        OPENSSL_cleanse(buf, (size_t)st.st_size + 1);
        free(buf);
    }
    close(fd);
    return rc;
}

/* Refuses to prompt on the terminal for a passphrase (OpenSSL's default) and records that
 * one was wanted, so an encrypted key gets a clear message instead of a decoder error. */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    *(int *)asked = 1;
    return -1;
}

static int require_ed25519(EVP_PKEY *key, const char *what, edra_error *err)
{
    if (EVP_PKEY_is_a(key, "ED25519"))
        return 0;
    const char *type = EVP_PKEY_get0_type_name(key);
    return edra_error_set(err, EDRA_ECRYPTO, "%s: not an Ed25519 key (%s)", what,
                          type ? type : "unknown type");
}

/* Parses a private key PEM held in memory; the caller cleanses pem. */
static int parse_private(EVP_PKEY **out, const unsigned char *pem, size_t len, const char *path,
                         edra_error *err)
{
    char reason[256];
    int asked = 0;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &asked);
    BIO_free(bio);
    if (!key) {
        if (asked) {
            ERR_clear_error();
            return edra_error_set(err, EDRA_ECRYPTO,
                                  "%s: encrypted private keys are not supported "
                                  "(decrypt with: openssl pkey -in %s -out PLAIN.pem)", path, path);
        }
        return edra_error_set(err, EDRA_ECRYPTO, "%s: not a PEM private key (%s)", path,
                              ossl_reason(reason, sizeof reason));
    }
    int rc = require_ed25519(key, path, err);
    if (rc != 0) {
        EVP_PKEY_free(key);
        return rc;
    }
    *out = key;
    return 0;
}

/* A public-only key with the same public half as key. */
static int public_half(EVP_PKEY **out, EVP_PKEY *key, const char *what, edra_error *err)
{
    unsigned char raw[RAW_KEY_LEN];
    size_t raw_len = sizeof raw;
    char reason[256];
    if (EVP_PKEY_get_raw_public_key(key, raw, &raw_len) != 1 || raw_len != RAW_KEY_LEN)
        return edra_error_set(err, EDRA_ECRYPTO, "%s: cannot read the public key (%s)", what,
                              ossl_reason(reason, sizeof reason));
    *out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, raw_len);
    if (!*out)
        return edra_error_set(err, EDRA_ECRYPTO, "%s: cannot make the public key (%s)", what,
                              ossl_reason(reason, sizeof reason));
    return 0;
}

int edra_key_generate(const char *priv_path, const char *pub_path, edra_error *err)
{
    struct stat st;
    char reason[256];
    EVP_PKEY *key = NULL;
    BIO *priv_bio = NULL, *pub_bio = NULL;
    char *pem = NULL;
    long pem_len = 0;
    int rc = 0;
    assert(priv_path && pub_path);
    /* A signing key others trust is not replaceable; losing it silently would be worse than
     * asking the user to remove it. */
    if (lstat(priv_path, &st) == 0)
        return edra_error_set(err, EDRA_EUSAGE, "%s: already exists; refusing to overwrite a key",
                              priv_path);
    key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!key) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "Ed25519 key generation failed (%s)",
                            ossl_reason(reason, sizeof reason));
        goto done;
    }
    /* A secure-memory BIO clears its buffer when freed; the explicit cleanse below keeps that
     * true even where secure memory is not available. */
    priv_bio = BIO_new(BIO_s_secmem());
    pub_bio = BIO_new(BIO_s_mem());
    if (!priv_bio || !pub_bio) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory generating a key");
        goto done;
    }
    if (PEM_write_bio_PKCS8PrivateKey(priv_bio, key, NULL, NULL, 0, NULL, NULL) != 1) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "%s: cannot encode the private key (%s)", priv_path,
                            ossl_reason(reason, sizeof reason));
        goto done;
    }
    pem_len = BIO_get_mem_data(priv_bio, &pem);
    rc = edra_atomic_write(priv_path, pem, (size_t)pem_len, 0600, err);
    OPENSSL_cleanse(pem, (size_t)pem_len);
    if (rc != 0)
        goto done;
    if (PEM_write_bio_PUBKEY(pub_bio, key) != 1) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "%s: cannot encode the public key (%s)", pub_path,
                            ossl_reason(reason, sizeof reason));
        goto done;
    }
    pem_len = BIO_get_mem_data(pub_bio, &pem);
    rc = edra_atomic_write(pub_path, pem, (size_t)pem_len, 0644, err);
done:
    BIO_free(priv_bio);
    BIO_free(pub_bio);
    EVP_PKEY_free(key);
    return rc;
}

int edra_key_load_private(EVP_PKEY **out, const char *path, edra_error *err)
{
    unsigned char *pem = NULL;
    size_t len = 0;
    assert(out && path);
    *out = NULL;
    int rc = read_key_file(&pem, &len, path, 1, err);
    if (rc != 0)
        return rc;
    rc = parse_private(out, pem, len, path, err);
    OPENSSL_cleanse(pem, len + 1);
    free(pem);
    return rc;
}

int edra_key_load_public(EVP_PKEY **out, const char *path, edra_error *err)
{
    unsigned char *pem = NULL;
    size_t len = 0;
    EVP_PKEY *priv = NULL;
    BIO *bio = NULL;
    char reason[256];
    assert(out && path);
    *out = NULL;
    int rc = read_key_file(&pem, &len, path, 0, err);
    if (rc != 0)
        return rc;
    if (strstr((const char *)pem, "PRIVATE KEY-----")) {
        rc = parse_private(&priv, pem, len, path, err);
        if (rc == 0)
            rc = public_half(out, priv, path, err);
        goto done;
    }
    bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    *out = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (!*out) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "%s: not a PEM public or private key (%s)", path,
                            ossl_reason(reason, sizeof reason));
        goto done;
    }
    rc = require_ed25519(*out, path, err);
    if (rc != 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
done:
    BIO_free(bio);
    EVP_PKEY_free(priv);
    OPENSSL_cleanse(pem, len + 1); /* the file may have been a private key */
    free(pem);
    return rc;
}

int edra_key_public_pem(char **out, EVP_PKEY *key, edra_error *err)
{
    char reason[256];
    char *data = NULL;
    int rc = 0;
    assert(out && key);
    *out = NULL;
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory encoding a public key");
    if (PEM_write_bio_PUBKEY(bio, key) != 1) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "cannot encode the public key (%s)",
                            ossl_reason(reason, sizeof reason));
        goto done;
    }
    long len = BIO_get_mem_data(bio, &data);
    *out = malloc((size_t)len + 1);
    if (!*out) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory encoding a public key");
        goto done;
    }
    memcpy(*out, data, (size_t)len);
    (*out)[len] = '\0';
done:
    BIO_free(bio);
    return rc;
}

int edra_key_from_public_pem(EVP_PKEY **out, const char *pem, size_t len, edra_error *err)
{
    char reason[256];
    assert(out && pem);
    *out = NULL;
    if (len > MAX_KEY_FILE)
        return edra_error_set(err, EDRA_ECRYPTO, "public key PEM too large (%zu bytes)", len);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory reading a public key");
    *out = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!*out)
        return edra_error_set(err, EDRA_ECRYPTO, "not a PEM public key (%s)",
                              ossl_reason(reason, sizeof reason));
    int rc = require_ed25519(*out, "public key", err);
    if (rc != 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
    return rc;
}

int edra_key_fingerprint(EVP_PKEY *key, char out[EDRA_FINGERPRINT_HEX], edra_error *err)
{
    unsigned char raw[RAW_KEY_LEN];
    size_t raw_len = sizeof raw;
    char reason[256];
    assert(key && out);
    out[0] = '\0';
    int rc = require_ed25519(key, "key", err);
    if (rc != 0)
        return rc;
    if (EVP_PKEY_get_raw_public_key(key, raw, &raw_len) != 1 || raw_len != RAW_KEY_LEN)
        return edra_error_set(err, EDRA_ECRYPTO, "cannot read the public key (%s)",
                              ossl_reason(reason, sizeof reason));
    /* SHA-256 cannot fail on a 32-byte buffer short of a broken library. */
    rc = edra_sha256_buffer(out, raw, raw_len, err);
    return rc == 0 ? 0 : EDRA_ECRYPTO;
}

int edra_sign(EVP_PKEY *key, const void *buf, size_t len, unsigned char sig[EDRA_SIG_LEN],
              edra_error *err)
{
    char reason[256];
    size_t sig_len = EDRA_SIG_LEN;
    int rc = 0;
    assert(key && sig && (buf || len == 0));
    rc = require_ed25519(key, "signing key", err);
    if (rc != 0)
        return rc;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory signing");
    /* NULL digest: Ed25519 is used "pure", as openssl pkeyutl -rawin does. */
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
        EVP_DigestSign(ctx, sig, &sig_len, buf ? buf : (const void *)"", len) != 1 ||
        sig_len != EDRA_SIG_LEN)
        rc = edra_error_set(err, EDRA_ECRYPTO, "Ed25519 signing failed (%s)",
                            ossl_reason(reason, sizeof reason));
    EVP_MD_CTX_free(ctx);
    return rc;
}

int edra_verify_sig(EVP_PKEY *pub, const void *buf, size_t len, const unsigned char *sig,
                    size_t siglen, edra_error *err)
{
    char reason[256];
    int rc = 0;
    assert(pub && (sig || siglen == 0) && (buf || len == 0));
    rc = require_ed25519(pub, "verification key", err);
    if (rc != 0)
        return rc;
    if (siglen != EDRA_SIG_LEN)
        return edra_error_set(err, EDRA_EVERIFY,
                              "signature is %zu bytes; an Ed25519 signature is %d", siglen,
                              EDRA_SIG_LEN);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory verifying");
    if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) != 1) {
        rc = edra_error_set(err, EDRA_ECRYPTO, "Ed25519 verification failed to start (%s)",
                            ossl_reason(reason, sizeof reason));
    } else if (EVP_DigestVerify(ctx, sig, siglen, buf ? buf : (const void *)"", len) != 1) {
        /* 0 is a mismatch; OpenSSL also returns <0 for a malformed signature encoding. */
        ERR_clear_error();
        rc = edra_error_set(err, EDRA_EVERIFY, "signature does not match");
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}
