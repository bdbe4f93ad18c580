/* SHA-256 of files and buffers as lowercase hex (OpenSSL EVP), for the manifest, the
 * history and the input hashes every report carries. */
#ifndef EDRA_DIGEST_H
#define EDRA_DIGEST_H

#include <stddef.h>

#include "../metrics/error.h"

#define EDRA_SHA256_HEX 65

/* Hex SHA-256 of len bytes at buf into hex (65 bytes with the NUL). Returns 0 or EDRA_EINTERNAL. */
int edra_sha256_buffer(char hex[EDRA_SHA256_HEX], const void *buf, size_t len, edra_error *err);

/* Hex SHA-256 of the file at path, streamed. Returns 0, EDRA_EIO or EDRA_ENOMEM. */
int edra_sha256_file(char hex[EDRA_SHA256_HEX], const char *path, edra_error *err);

#endif
