/* SHA-256 through OpenSSL's EVP interface (FIPS 180-4). */
#include "digest.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(char hex[EDRA_SHA256_HEX], const unsigned char *digest, unsigned len)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < len; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * len] = '\0';
}

/* A failed OpenSSL call, with its queued reason: under memory pressure that is the only
 * sign that an allocation failed inside OpenSSL (the algorithm fetch, the context). */
static int digest_failed(edra_error *err, const char *path)
{
    unsigned long code = ERR_get_error();
    char reason[256] = "no detail from OpenSSL";
    if (code)
        ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    if (code && ERR_GET_REASON(code) == ERR_R_MALLOC_FAILURE)
        return edra_error_set(err, EDRA_ENOMEM, "%s%sout of memory hashing", path ? path : "",
                              path ? ": " : "");
    return edra_error_set(err, EDRA_EINTERNAL, "%s%sSHA-256 failed (%s)", path ? path : "",
                          path ? ": " : "", reason);
}

int edra_sha256_buffer(char hex[EDRA_SHA256_HEX], const void *buf, size_t len, edra_error *err)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(buf, len, digest, &digest_len, EVP_sha256(), NULL) != 1)
        return digest_failed(err, NULL);
    to_hex(hex, digest, digest_len);
    return 0;
}

int edra_sha256_file(char hex[EDRA_SHA256_HEX], const char *path, edra_error *err)
{
    enum { BLOCK = 1 << 20 };
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    unsigned char *buf = NULL;
    EVP_MD_CTX *ctx = NULL;
    FILE *f = fopen(path, "rb");
    int rc = 0;
    if (!f)
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    buf = malloc(BLOCK);
    ctx = EVP_MD_CTX_new();
    if (!buf || !ctx) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory hashing", path);
        goto done;
    }
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = digest_failed(err, path);
        goto done;
    }
    for (;;) {
        size_t n = fread(buf, 1, BLOCK, f);
        if (n > 0 && EVP_DigestUpdate(ctx, buf, n) != 1) {
            rc = digest_failed(err, path);
            goto done;
        }
        if (n < BLOCK) {
            if (ferror(f))
                rc = edra_error_set(err, EDRA_EIO, "%s: read error", path);
            break;
        }
    }
    if (rc == 0 && EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1)
        rc = digest_failed(err, path);
    if (rc == 0)
        to_hex(hex, digest, digest_len);
done:
    EVP_MD_CTX_free(ctx);
    free(buf);
    fclose(f);
    return rc;
}
