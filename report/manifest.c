/* The signed manifest of an output folder: SHA-256 (FIPS 180-4) and size of every artifact,
 * serialized deterministically with jansson and signed with Ed25519 (RFC 8032, report/sign.h);
 * SHA256SUMS in GNU sha256sum's format; verification that rejects paths leaving the folder
 * ("..", absolute, symbolic links) before hashing anything. */
#define _POSIX_C_SOURCE 200809L /* lstat, strdup */
#include "manifest.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "digest.h"

enum {
    MAX_MANIFEST = 1 << 28, /* 256 MiB: far beyond any real manifest, bounds a hostile one */
    MAX_SIG_FILE = 1 << 12
};

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

static char *join_path(const char *dir, const char *rel)
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

static int is_hex64(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

/* "YYYY-MM-DDThh:mm:ssZ" with plausible fields (leap second allowed). */
static int valid_created(const char *s)
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

static int valid_role(const char *s)
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
static const char *path_syntax_problem(const char *rel)
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
static int check_listed(struct stat *st, const char *dir, const char *rel, char *why,
                        size_t why_size)
{
    const char *syntax = path_syntax_problem(rel);
    char *full = NULL;
    int rc = 0;
    if (syntax) {
        snprintf(why, why_size, "%s", syntax);
        return EDRA_EUSAGE;
    }
    full = join_path(dir, rel);
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
    if (!valid_created(created))
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
    if (!valid_role(role))
        return edra_error_set(err, EDRA_EUSAGE, "%s: role '%s' is not [a-z0-9_-]+", path, role);
    if (strcmp(path, EDRA_MANIFEST_NAME) == 0 || strcmp(path, EDRA_MANIFEST_SIG_NAME) == 0 ||
        strcmp(path, EDRA_MANIFEST_SUMS_NAME) == 0)
        return edra_error_set(err, EDRA_EUSAGE, "%s: reserved for the manifest itself", path);
    if (!valid_utf8(path))
        return edra_error_set(err, EDRA_EUSAGE, "%s: path is not valid UTF-8", path);
    if (list_has(&m->files, path))
        return edra_error_set(err, EDRA_EUSAGE, "%s: listed twice", path);
    rc = check_listed(&st, m->dir, path, why, sizeof why);
    if (rc != 0)
        return edra_error_set(err, rc, "%s: %s", path, why);
    full = join_path(m->dir, path);
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
    if (!valid_role(role))
        return edra_error_set(err, EDRA_EUSAGE, "%s: role '%s' is not [a-z0-9_-]+", name, role);
    if (!valid_name(name))
        return edra_error_set(err, EDRA_EUSAGE,
                              "external name '%s' is empty, not UTF-8 or holds control characters",
                              name);
    if (list_has(&m->externals, name))
        return edra_error_set(err, EDRA_EUSAGE, "%s: external name listed twice", name);
    if (sha256_hex && !is_hex64(sha256_hex))
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
    sums_path = join_path(m->dir, EDRA_MANIFEST_SUMS_NAME);
    manifest_path = join_path(m->dir, EDRA_MANIFEST_NAME);
    sig_path = join_path(m->dir, EDRA_MANIFEST_SIG_NAME);
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

/* ---- verifying ---- */

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
    if (!valid_created(created)) {
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
        if (strcmp(algorithm, "Ed25519") != 0 || !is_hex64(p->fingerprint)) {
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
            if (!is_hex64(sha256) || size < 0 || !valid_role(role)) {
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
        char *full = join_path(v->dir, rel);
        if (!full)
            return edra_error_set(v->err, EDRA_ENOMEM, "out of memory verifying");
        /* The path is vetted component by component before anything is opened through it;
         * one that is unsafe by its spelling is named as the manifest lists it. */
        int unsafe = check_listed(&st, v->dir, rel, why, sizeof why);
        if (unsafe == EDRA_ENOMEM) {
            rc = edra_error_set(v->err, EDRA_ENOMEM, "out of memory verifying");
        } else if (unsafe != 0 && path_syntax_problem(rel)) {
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
    manifest_path = join_path(dir, EDRA_MANIFEST_NAME);
    sig_path = join_path(dir, EDRA_MANIFEST_SIG_NAME);
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
