/* Private to the manifest's writer (manifest.c) and verifier (manifest_verify.c): the rules
 * both apply to a listed path and to the manifest's fields, so that what the writer accepts
 * is exactly what the verifier reads back. Defined in manifest.c; not for other modules. */
#ifndef EDRA_MANIFEST_INTERNAL_H
#define EDRA_MANIFEST_INTERNAL_H

#include <stddef.h>
#include <sys/stat.h>

/* dir/rel as a malloc'd string (the caller's), or NULL when out of memory. */
char *manifest_join_path(const char *dir, const char *rel);

/* 1 when s is 64 lowercase hex digits (a SHA-256 or a key fingerprint), else 0. */
int manifest_is_hex64(const char *s);

/* 1 when s is "YYYY-MM-DDThh:mm:ssZ" with plausible fields (leap second allowed), else 0. */
int manifest_valid_created(const char *s);

/* 1 when s is a non-empty [a-z0-9_-]+ role, else 0. */
int manifest_valid_role(const char *s);

/* Why rel may not be listed by its spelling alone (empty, absolute, "..", ".", empty
 * component, backslash or control character), or NULL. A static string. */
const char *manifest_path_syntax_problem(const char *rel);

/* Checks that dir/rel is a regular file reached through real directories only (no symbolic
 * link on the way) and fills st of the file. Returns 0, EDRA_EUSAGE, EDRA_EIO or EDRA_ENOMEM,
 * with the reason in why. */
int manifest_check_listed(struct stat *st, const char *dir, const char *rel, char *why,
                          size_t why_size);

#endif
