/* The signed manifest of an output folder, written: SHA-256 (FIPS 180-4) and size of every
 * artifact, serialized deterministically with jansson and signed with Ed25519 (RFC 8032,
 * report/sign.h); SHA256SUMS in GNU sha256sum's format. Also the path and field rules the
 * verifier (manifest_verify.c) applies to what it reads (manifest_internal.h). */
#define _POSIX_C_SOURCE 200809L /* lstat, strdup */
#include "manifest.h"
#include "manifest_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "digest.h"

typedef struct {
    char *path;    /* relative to the folder; for an external file, its display name */
    char *role;
    char sha256[EDRA_SHA256_HEX];
    uint64_t size;
} entry;

typedef struct {
    entry *items;
    size_t n, cap;
} entry_list;

struct edra_manifest {
    char *dir;
    char *version;
    char *run_id;  /* NULL = null */
    char *created;
    entry_list files;
    entry_list externals;
};

/* ---- small helpers ---- */

char *manifest_join_path(const char *dir, const char *rel)
{
    size_t dlen = strlen(dir), rlen = strlen(rel);
    int slash = dlen > 0 && dir[dlen - 1] != '/';
    char *full = malloc(dlen + (size_t)slash + rlen + 1);
    if (!full)
        return NULL;
    memcpy(full, dir, dlen);
    if (slash)
        full[dlen] = '/';
    memcpy(full + dlen + (size_t)slash, rel, rlen + 1);
    return full;
}

int manifest_is_hex64(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

/* "YYYY-MM-DDThh:mm:ssZ" with plausible fields (leap second allowed). */
int manifest_valid_created(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
#define FIELD(at) ((s[at] - '0') * 10 + (s[(at) + 1] - '0'))
    return FIELD(5) >= 1 && FIELD(5) <= 12 && FIELD(8) >= 1 && FIELD(8) <= 31 &&
           FIELD(11) <= 23 && FIELD(14) <= 59 && FIELD(17) <= 60;
#undef FIELD
}

int manifest_valid_role(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Why rel may not be listed, or NULL. Backslashes and control characters are refused because
 * sha256sum escapes such names and its -c would then disagree with the manifest. */
const char *manifest_path_syntax_problem(const char *rel)
{
    if (!*rel)
        return "empty path";
    if (rel[0] == '/')
        return "absolute path";
    for (const char *c = rel; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
            return "path contains a backslash or a control character";
    const char *start = rel;
    for (;;) {
        const char *end = strchr(start, '/');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        if (len == 0)
            return "empty path component";
        if (len == 2 && start[0] == '.' && start[1] == '.')
            return "path contains '..'";
        if (len == 1 && start[0] == '.')
            return "path contains a '.' component";
        if (!end)
            return NULL;
        start = end + 1;
    }
}

/* Checks that dir/rel is a regular file reached through real directories only: every
 * component is lstat()ed, so a symbolic link anywhere on the way is refused. Fills st of the
 * file. Returns 0, EDRA_EUSAGE (syntax, link, not a file) or EDRA_EIO with why filled. */
int manifest_check_listed(struct stat *st, const char *dir, const char *rel, char *why,
                          size_t why_size)
{
    const char *syntax = manifest_path_syntax_problem(rel);
    char *full = NULL;
    int rc = 0;
    if (syntax) {
        snprintf(why, why_size, "%s", syntax);
        return EDRA_EUSAGE;
    }
    full = manifest_join_path(dir, rel);
    if (!full) {
        snprintf(why, why_size, "out of memory");
        return EDRA_ENOMEM;
    }
    char *component = full + (strlen(full) - strlen(rel));
    for (char *slash = strchr(component, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        if (lstat(full, st) != 0) {
            snprintf(why, why_size, "%s", errno == ENOENT ? "missing" : strerror(errno));
            rc = EDRA_EIO;
        } else if (S_ISLNK(st->st_mode)) {
            if (slash)
                snprintf(why, why_size, "path goes through a symbolic link (%s)", component);
            else
                snprintf(why, why_size, "file is a symbolic link");
            rc = EDRA_EUSAGE;
        } else if (slash && !S_ISDIR(st->st_mode)) {
            snprintf(why, why_size, "%s is not a folder", component);
            rc = EDRA_EUSAGE;
        } else if (!slash && !S_ISREG(st->st_mode)) {
            snprintf(why, why_size, "not a regular file");
            rc = EDRA_EUSAGE;
        }
        if (rc != 0 || !slash)
            break;
        *slash = '/';
    }
    free(full);
    return rc;
}

static int list_push(entry_list *list, const char *path, const char *role,
                     const char sha256[EDRA_SHA256_HEX], uint64_t size)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 8;
        entry *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return EDRA_ENOMEM;
        list->items = items;
        list->cap = cap;
    }
    entry *e = &list->items[list->n];
    e->path = strdup(path);
    e->role = strdup(role);
    if (!e->path || !e->role) {
        free(e->path);
        free(e->role);
        return EDRA_ENOMEM;
    }
    memcpy(e->sha256, sha256, EDRA_SHA256_HEX);
    e->size = size;
    list->n++;
    return 0;
}

static void list_free(entry_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].path);
        free(list->items[i].role);
    }
    free(list->items);
}

static int list_has(const entry_list *list, const char *path)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].path, path) == 0)
            return 1;
    return 0;
}

/* jansson refuses strings that are not UTF-8; find out when the entry is added. */
static int valid_utf8(const char *s)
{
    json_t *probe = json_string(s);
    json_decref(probe);
    return probe != NULL;
}

/* A display name: one printable UTF-8 line. */
static int valid_name(const char *s)
{
    if (!*s || !valid_utf8(s))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* ---- building ---- */

int edra_manifest_new(edra_manifest **out, const char *dir, const char *version,
                      const char *run_id, const char *created, edra_error *err)
{
    edra_manifest *m = NULL;
    assert(out && dir && version && created);
    *out = NULL;
    if (!manifest_valid_created(created))
        return edra_error_set(err, EDRA_EUSAGE,
                              "created time '%s' is not YYYY-MM-DDThh:mm:ssZ (UTC)", created);
    if (!valid_utf8(version) || (run_id && !valid_utf8(run_id)))
        return edra_error_set(err, EDRA_EUSAGE, "version or run ID is not valid UTF-8");
    m = calloc(1, sizeof *m);
    if (!m || !(m->dir = strdup(dir)) || !(m->version = strdup(version)) ||
        !(m->created = strdup(created)) || (run_id && !(m->run_id = strdup(run_id)))) {
        edra_manifest_free(m);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory building the manifest");
    }
    *out = m;
    return 0;
}

void edra_manifest_free(edra_manifest *m)
{
    if (!m)
        return;
    list_free(&m->files);
    list_free(&m->externals);
    free(m->dir);
    free(m->version);
    free(m->run_id);
    free(m->created);
    free(m);
}

int edra_manifest_add(edra_manifest *m, const char *path, const char *role, edra_error *err)
{
    struct stat st;
    char why[512];
    char hex[EDRA_SHA256_HEX];
    char *full = NULL;
    int rc = 0;
    assert(m && path && role);
    if (!manifest_valid_role(role))
        return edra_error_set(err, EDRA_EUSAGE, "%s: role '%s' is not [a-z0-9_-]+", path, role);
    if (strcmp(path, EDRA_MANIFEST_NAME) == 0 || strcmp(path, EDRA_MANIFEST_SIG_NAME) == 0 ||
        strcmp(path, EDRA_MANIFEST_SUMS_NAME) == 0)
        return edra_error_set(err, EDRA_EUSAGE, "%s: reserved for the manifest itself", path);
    if (!valid_utf8(path))
        return edra_error_set(err, EDRA_EUSAGE, "%s: path is not valid UTF-8", path);
    if (list_has(&m->files, path))
        return edra_error_set(err, EDRA_EUSAGE, "%s: listed twice", path);
    rc = manifest_check_listed(&st, m->dir, path, why, sizeof why);
    if (rc != 0)
        return edra_error_set(err, rc, "%s: %s", path, why);
    full = manifest_join_path(m->dir, path);
    if (!full)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory building the manifest");
    rc = edra_sha256_file(hex, full, err);
    if (rc == 0 && list_push(&m->files, path, role, hex, (uint64_t)st.st_size) != 0)
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory building the manifest");
    free(full);
    return rc;
}

int edra_manifest_add_external(edra_manifest *m, const char *path, const char *name,
                               const char *role, const char *sha256_hex, edra_error *err)
{
    struct stat st;
    char hex[EDRA_SHA256_HEX];
    int rc = 0;
    assert(m && path && name && role);
    if (!manifest_valid_role(role))
        return edra_error_set(err, EDRA_EUSAGE, "%s: role '%s' is not [a-z0-9_-]+", name, role);
    if (!valid_name(name))
        return edra_error_set(err, EDRA_EUSAGE,
                              "external name '%s' is empty, not UTF-8 or holds control characters",
                              name);
    if (list_has(&m->externals, name))
        return edra_error_set(err, EDRA_EUSAGE, "%s: external name listed twice", name);
    if (sha256_hex && !manifest_is_hex64(sha256_hex))
        return edra_error_set(err, EDRA_EUSAGE, "%s: '%s' is not a lowercase hex SHA-256", name,
                              sha256_hex);
    if (stat(path, &st) != 0)
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return edra_error_set(err, EDRA_EIO, "%s: not a regular file", path);
    if (sha256_hex)
        memcpy(hex, sha256_hex, EDRA_SHA256_HEX);
    else if ((rc = edra_sha256_file(hex, path, err)) != 0)
        return rc;
    if (list_push(&m->externals, name, role, hex, (uint64_t)st.st_size) != 0)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory building the manifest");
    return 0;
}

/* ---- serializing and writing ---- */

static int cmp_by_path(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    return strcmp(x->path, y->path);
}

static int cmp_by_role_name(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    int c = strcmp(x->role, y->role);
    return c != 0 ? c : strcmp(x->path, y->path);
}

/* Pointers to list's entries (and extra, if any) in sorted order; the caller frees. */
static const entry **sorted(const entry_list *list, const entry *extra,
                            int (*cmp)(const void *, const void *), size_t *n_out)
{
    size_t n = list->n + (extra ? 1 : 0);
    const entry **order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < list->n; i++)
        order[i] = &list->items[i];
    if (extra)
        order[list->n] = extra;
    qsort(order, n, sizeof *order, cmp);
    *n_out = n;
    return order;
}

static json_t *entries_json(const entry_list *list, const entry *extra, int external)
{
    size_t n = 0;
    const entry **order = sorted(list, extra, external ? cmp_by_role_name : cmp_by_path, &n);
    json_t *array = order ? json_array() : NULL;
    for (size_t i = 0; array && i < n; i++) {
        json_t *item = json_pack("{s:s, s:s, s:s, s:I}", external ? "name" : "path",
                                 order[i]->path, "role", order[i]->role, "sha256",
                                 order[i]->sha256, "size", (json_int_t)order[i]->size);
        if (!item || json_array_append_new(array, item) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    free(order);
    return array;
}

static int signer_json(json_t **out, EVP_PKEY *signer, edra_error *err)
{
    char fingerprint[EDRA_FINGERPRINT_HEX];
    char *pem = NULL;
    int rc = edra_key_fingerprint(signer, fingerprint, err);
    if (rc == 0)
        rc = edra_key_public_pem(&pem, signer, err);
    if (rc != 0)
        return rc;
    *out = json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "fingerprint", fingerprint,
                     "public_key_pem", pem);
    free(pem);
    return *out ? 0 : edra_error_set(err, EDRA_ENOMEM, "out of memory serializing the manifest");
}

/* The manifest's bytes, with extra (the SHA256SUMS entry) listed among the files. */
static int manifest_bytes(char **out, size_t *len, const edra_manifest *m, const entry *extra,
                          EVP_PKEY *signer, edra_error *err)
{
    json_t *root = NULL, *signer_block = NULL;
    char *text = NULL;
    int rc = 0;
    *out = NULL;
    *len = 0;
    if (signer && (rc = signer_json(&signer_block, signer, err)) != 0)
        return rc;
    json_t *files = entries_json(&m->files, extra, 0);
    json_t *externals = entries_json(&m->externals, NULL, 1);
    /* "o" steals the references, also on failure, so nothing leaks on either path. */
    root = json_pack("{s:s, s:{s:s, s:s}, s:o?, s:s, s:o?, s:o, s:o}", "format",
                     EDRA_MANIFEST_FORMAT, "software", "name", "edra", "version", m->version,
                     "run_id", m->run_id ? json_string(m->run_id) : NULL, "created", m->created,
                     "signer", signer_block, "files", files, "external", externals);
    if (root)
        text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!text) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory serializing the manifest");
        goto done;
    }
    size_t n = strlen(text);
    char *with_newline = realloc(text, n + 2);
    if (!with_newline) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory serializing the manifest");
        goto done;
    }
    text = with_newline;
    text[n] = '\n';
    text[n + 1] = '\0';
    *out = text;
    *len = n + 1;
    text = NULL;
done:
    free(text);
    json_decref(root);
    return rc;
}

int edra_manifest_serialize(char **out, size_t *len, const edra_manifest *m, EVP_PKEY *signer,
                            edra_error *err)
{
    assert(out && len && m);
    return manifest_bytes(out, len, m, NULL, signer, err);
}

/* SHA256SUMS in GNU coreutils' format: "<hex>  <path>\n" per file, sorted by path. */
static char *sums_text(const edra_manifest *m, size_t *len_out)
{
    size_t n = 0, len = 0;
    const entry **order = sorted(&m->files, NULL, cmp_by_path, &n);
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        len += 64 + 2 + strlen(order[i]->path) + 1;
    char *text = malloc(len + 1);
    if (text) {
        char *at = text;
        for (size_t i = 0; i < n; i++)
            at += sprintf(at, "%s  %s\n", order[i]->sha256, order[i]->path);
        *at = '\0';
        *len_out = len;
    }
    free(order);
    return text;
}

int edra_manifest_write(const edra_manifest *m, EVP_PKEY *key, edra_error *err)
{
    char *sums = NULL, *bytes = NULL;
    char *sums_path = NULL, *manifest_path = NULL, *sig_path = NULL;
    size_t sums_len = 0, bytes_len = 0;
    unsigned char sig[EDRA_SIG_LEN];
    entry sums_entry = {EDRA_MANIFEST_SUMS_NAME, "checksums", {0}, 0};
    int rc = 0;
    assert(m);
    sums = sums_text(m, &sums_len);
    sums_path = manifest_join_path(m->dir, EDRA_MANIFEST_SUMS_NAME);
    manifest_path = manifest_join_path(m->dir, EDRA_MANIFEST_NAME);
    sig_path = manifest_join_path(m->dir, EDRA_MANIFEST_SIG_NAME);
    if (!sums || !sums_path || !manifest_path || !sig_path) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory writing the manifest");
        goto done;
    }
    if ((rc = edra_sha256_buffer(sums_entry.sha256, sums, sums_len, err)) != 0)
        goto done;
    sums_entry.size = sums_len;
    if ((rc = manifest_bytes(&bytes, &bytes_len, m, &sums_entry, key, err)) != 0)
        goto done;
    /* Sign before writing anything, so an unusable key leaves the folder as it was. */
    if (key && (rc = edra_sign(key, bytes, bytes_len, sig, err)) != 0)
        goto done;
    /* An old signature beside a new unsigned manifest would fail to verify; remove it. */
    if (!key && unlink(sig_path) != 0 && errno != ENOENT) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", sig_path, strerror(errno));
        goto done;
    }
    if ((rc = edra_atomic_write(sums_path, sums, sums_len, 0644, err)) != 0 ||
        (rc = edra_atomic_write(manifest_path, bytes, bytes_len, 0644, err)) != 0)
        goto done;
    if (key)
        rc = edra_atomic_write(sig_path, sig, sizeof sig, 0644, err);
done:
    free(sums);
    free(bytes);
    free(sums_path);
    free(manifest_path);
    free(sig_path);
    return rc;
}
