/* Tests of report/manifest: exact manifest and SHA256SUMS bytes for a hand-made folder
 * (hashes from python3 hashlib), verification of good folders, and every tampering a forger
 * or an accident could do: a listed file, MANIFEST.json, the signature, a swapped or forged
 * signature, paths with "..", absolute paths, symbolic links, missing files. The openssl and
 * sha256sum commands check the same folders when installed. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, symlink */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "metrics/error.h"
#include "report/manifest.h"
#include "report/sign.h"

/* SHA-256 of the fixture's files (python3: hashlib.sha256(b"...").hexdigest()). */
#define SHA_HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" /* hello\n */
#define SHA_HELLP "bf8c83416f31143ee2fa5db7ebbbb54589626c4c2046a91d28545bc403e3cda6" /* hellp\n */
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"   /* abc */
#define SHA_INPUT "5be08c9684a1d25efcee09318204824278b08bbfb4aef973ffefd0b9d7478313" /* a,b\n */
/* SHA256SUMS: 64 + 2 + 16 + 1 = 83 bytes for data/release.csv, 64 + 2 + 10 + 1 = 77 for
 * report.txt, 160 in all. */
#define SUMS_TEXT SHA_ABC "  data/release.csv\n" SHA_HELLO "  report.txt\n"
#define SHA_SUMS "b8e4766bf050cd7bd8824fa35ae26b37d30db1e1eb49b17c02dbcff6a8c3ab67"
#define CREATED "2024-05-01T12:00:00Z"

static char base[64];        /* the test's scratch folder */
static char out[128];        /* the output folder the manifest covers */
static char input[128];      /* the data file outside it */
static char priv_path[128], pub_path[128];
static EVP_PKEY *priv, *pub;

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

static int run(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static int run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int have(const char *command)
{
    return run("command -v %s >/dev/null 2>&1", command) == 0;
}

/* base/out/{report.txt = "hello\n", data/release.csv = "abc"}, base/input.csv = "a,b\n",
 * and a key pair base/key.pem, base/key.pub.pem (outside the folder, as in real use). */
static void setup(void)
{
    edra_error err = {0};
    strcpy(base, "/tmp/edra_check_manifest_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(out, sizeof out, "%s/out", base);
    snprintf(input, sizeof input, "%s/input.csv", base);
    snprintf(priv_path, sizeof priv_path, "%s/key.pem", base);
    snprintf(pub_path, sizeof pub_path, "%s/key.pub.pem", base);
    ck_assert_int_eq(mkdir(out, 0755), 0);
    ck_assert_int_eq(mkdir(path_in(out, "data"), 0755), 0);
    write_text(path_in(out, "report.txt"), "hello\n");
    write_text(path_in(out, "data/release.csv"), "abc");
    write_text(input, "a,b\n");
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_int_eq(edra_key_load_private(&priv, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_load_public(&pub, pub_path, &err), 0);
}

static void teardown(void)
{
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    priv = pub = NULL;
    if (run("rm -rf '%s'", base) != 0)
        fprintf(stderr, "warning: could not remove %s\n", base);
}

/* Writes the fixture's manifest of dir, signed with key unless NULL. */
static void build(const char *dir, EVP_PKEY *key)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    ck_assert_int_eq(edra_manifest_new(&m, dir, "0.1.0", "DET-1", CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add(m, "report.txt", "report", &err), 0);
    ck_assert_int_eq(edra_manifest_add(m, "data/release.csv", "data", &err), 0);
    ck_assert_int_eq(edra_manifest_add_external(m, input, "input.csv", "input", NULL, &err), 0);
    ck_assert_int_eq(edra_manifest_write(m, key, &err), 0);
    edra_manifest_free(m);
}

/* What the report callback saw. */
typedef struct {
    int n;
    char item[16][128];
    edra_manifest_status status[16];
    char message[16][512];
} seen;

static void record(void *data, const char *item, edra_manifest_status status, const char *message)
{
    seen *s = data;
    ck_assert_int_lt(s->n, 16);
    snprintf(s->item[s->n], sizeof s->item[0], "%s", item);
    snprintf(s->message[s->n], sizeof s->message[0], "%s", message);
    s->status[s->n++] = status;
}

static int verify(edra_manifest_result *res, EVP_PKEY *key, seen *s, edra_error *err)
{
    edra_manifest_verify_opts opts = EDRA_MANIFEST_VERIFY_OPTS_INIT;
    opts.public_key = key;
    opts.report = record;
    opts.report_data = s;
    memset(s, 0, sizeof *s);
    edra_error_clear(err);
    return edra_manifest_verify(res, out, &opts, err);
}

/* Loads, edits and saves MANIFEST.json the way edra writes it (for unsigned manifests, or to
 * show that a signature catches the edit). */
static json_t *load_manifest(void)
{
    json_error_t jerr;
    json_t *root = json_load_file(path_in(out, EDRA_MANIFEST_NAME), 0, &jerr);
    ck_assert_ptr_nonnull(root);
    return root;
}

static void save_manifest(json_t *root)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    ck_assert_ptr_nonnull(text);
    FILE *f = fopen(path_in(out, EDRA_MANIFEST_NAME), "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s\n", text);
    fclose(f);
    free(text);
    json_decref(root);
}

/* Points files[index] at path with the given hash and size. */
static void relist(size_t index, const char *path, const char *sha256, json_int_t size)
{
    json_t *root = load_manifest();
    json_t *e = json_array_get(json_object_get(root, "files"), index);
    ck_assert_ptr_nonnull(e);
    json_object_set_new(e, "path", json_string(path));
    json_object_set_new(e, "sha256", json_string(sha256));
    json_object_set_new(e, "size", json_integer(size));
    save_manifest(root);
}

static void flip_byte(const char *path, long offset)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, offset, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_ne(c, EOF);
    ck_assert_int_eq(fseek(f, offset, SEEK_SET), 0);
    fputc(c ^ 0x01, f);
    fclose(f);
}

static void assert_msg(const edra_error *err, const char *fmt, ...)
{
    char expected[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(expected, sizeof expected, fmt, ap);
    va_end(ap);
    ck_assert_str_eq(err->msg, expected);
}

static void assert_msg_starts(const edra_error *err, const char *fmt, ...)
{
    char expected[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(expected, sizeof expected, fmt, ap);
    va_end(ap);
    if (strncmp(err->msg, expected, strlen(expected)) != 0)
        ck_abort_msg("message '%s' does not start with '%s'", err->msg, expected);
}

/* ---- edra_manifest_new ---- */

START_TEST(test_manifest_new__bad_created)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, "2024-05-01 12:00:00", &err),
                     EDRA_EUSAGE);
    ck_assert_str_eq(err.msg,
                     "created time '2024-05-01 12:00:00' is not YYYY-MM-DDThh:mm:ssZ (UTC)");
    ck_assert_ptr_null(m);
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, "2024-13-01T00:00:00Z", &err),
                     EDRA_EUSAGE);
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, "2024-12-31T23:59:60Z", &err), 0);
    edra_manifest_free(m);
    edra_manifest_free(NULL);
}
END_TEST

/* ---- edra_manifest_add ---- */

START_TEST(test_manifest_add__unsafe_paths_refused)
{
    static const struct {
        const char *path, *role, *message;
    } cases[] = {
        {"../input.csv", "input", "../input.csv: path contains '..'"},
        {"data/../report.txt", "report", "data/../report.txt: path contains '..'"},
        {"/etc/passwd", "report", "/etc/passwd: absolute path"},
        {"data//release.csv", "data", "data//release.csv: empty path component"},
        {"./report.txt", "report", "./report.txt: path contains a '.' component"},
        {"a\\b", "report", "a\\b: path contains a backslash or a control character"},
        {"a\nb", "report", "a\nb: path contains a backslash or a control character"},
        {"", "report", ": empty path"},
        {"MANIFEST.json", "report", "MANIFEST.json: reserved for the manifest itself"},
        {"SHA256SUMS", "report", "SHA256SUMS: reserved for the manifest itself"},
        {"report.txt", "Report", "report.txt: role 'Report' is not [a-z0-9_-]+"},
    };
    edra_error err = {0};
    edra_manifest *m = NULL;
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, CREATED, &err), 0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        edra_error_clear(&err);
        ck_assert_int_eq(edra_manifest_add(m, cases[i].path, cases[i].role, &err), EDRA_EUSAGE);
        ck_assert_str_eq(err.msg, cases[i].message);
    }
    ck_assert_int_eq(edra_manifest_add(m, "report.txt", "report", &err), 0);
    ck_assert_int_eq(edra_manifest_add(m, "report.txt", "report", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report.txt: listed twice");
    edra_manifest_free(m);
}
END_TEST

START_TEST(test_manifest_add__links_missing_and_folders_refused)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    ck_assert_int_eq(symlink("report.txt", path_in(out, "link.txt")), 0);
    ck_assert_int_eq(symlink("data", path_in(out, "via")), 0);
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add(m, "link.txt", "report", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "link.txt: file is a symbolic link");
    ck_assert_int_eq(edra_manifest_add(m, "via/release.csv", "data", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "via/release.csv: path goes through a symbolic link (via)");
    ck_assert_int_eq(edra_manifest_add(m, "data", "data", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "data: not a regular file");
    ck_assert_int_eq(edra_manifest_add(m, "report.txt/x", "data", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "report.txt/x: report.txt is not a folder");
    ck_assert_int_eq(edra_manifest_add(m, "nope.txt", "report", &err), EDRA_EIO);
    ck_assert_str_eq(err.msg, "nope.txt: missing");
    edra_manifest_free(m);
}
END_TEST

/* ---- edra_manifest_add_external ---- */

START_TEST(test_manifest_add_external__hash_given_or_computed)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    char *bytes = NULL;
    size_t len = 0;
    static const char given[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add_external(m, input, "input.csv", "input", NULL, &err), 0);
    /* the hash the run used is recorded as given, not recomputed */
    ck_assert_int_eq(edra_manifest_add_external(m, input, "spec.yaml", "spec", given, &err), 0);
    ck_assert_int_eq(edra_manifest_serialize(&bytes, &len, m, NULL, &err), 0);
    ck_assert_ptr_nonnull(strstr(bytes, "\"sha256\": \"" SHA_INPUT "\""));
    ck_assert_ptr_nonnull(strstr(bytes, given));
    free(bytes);
    ck_assert_int_eq(edra_manifest_add_external(m, input, "input.csv", "input", NULL, &err),
                     EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "input.csv: external name listed twice");
    ck_assert_int_eq(edra_manifest_add_external(m, input, "x", "input", "ABC", &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg, "x: 'ABC' is not a lowercase hex SHA-256");
    ck_assert_int_eq(edra_manifest_add_external(m, input, "", "input", NULL, &err), EDRA_EUSAGE);
    ck_assert_str_eq(err.msg,
                     "external name '' is empty, not UTF-8 or holds control characters");
    ck_assert_int_eq(edra_manifest_add_external(m, path_in(base, "none"), "y", "input", NULL,
                                                &err), EDRA_EIO);
    assert_msg(&err, "%s/none: %s", base, strerror(ENOENT));
    edra_manifest_free(m);
}
END_TEST

/* ---- edra_manifest_serialize ---- */

START_TEST(test_manifest_serialize__exact_bytes)
{
    static const char expected[] =
        "{\n"
        "  \"created\": \"" CREATED "\",\n"
        "  \"external\": [\n"
        "    {\n"
        "      \"name\": \"input.csv\",\n"
        "      \"role\": \"input\",\n"
        "      \"sha256\": \"" SHA_INPUT "\",\n"
        "      \"size\": 4\n"
        "    }\n"
        "  ],\n"
        "  \"files\": [\n"
        "    {\n"
        "      \"path\": \"data/release.csv\",\n"
        "      \"role\": \"data\",\n"
        "      \"sha256\": \"" SHA_ABC "\",\n"
        "      \"size\": 3\n"
        "    },\n"
        "    {\n"
        "      \"path\": \"report.txt\",\n"
        "      \"role\": \"report\",\n"
        "      \"sha256\": \"" SHA_HELLO "\",\n"
        "      \"size\": 6\n"
        "    }\n"
        "  ],\n"
        "  \"format\": \"edra-manifest/1\",\n"
        "  \"run_id\": null,\n"
        "  \"signer\": null,\n"
        "  \"software\": {\n"
        "    \"name\": \"edra\",\n"
        "    \"version\": \"0.1.0\"\n"
        "  }\n"
        "}\n";
    edra_error err = {0};
    edra_manifest *a = NULL, *b = NULL;
    char *bytes_a = NULL, *bytes_b = NULL;
    size_t len_a = 0, len_b = 0;
    /* Added in opposite orders: the bytes must not depend on it. */
    ck_assert_int_eq(edra_manifest_new(&a, out, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add(a, "report.txt", "report", &err), 0);
    ck_assert_int_eq(edra_manifest_add(a, "data/release.csv", "data", &err), 0);
    ck_assert_int_eq(edra_manifest_add_external(a, input, "input.csv", "input", NULL, &err), 0);
    ck_assert_int_eq(edra_manifest_new(&b, out, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add_external(b, input, "input.csv", "input", NULL, &err), 0);
    ck_assert_int_eq(edra_manifest_add(b, "data/release.csv", "data", &err), 0);
    ck_assert_int_eq(edra_manifest_add(b, "report.txt", "report", &err), 0);
    ck_assert_int_eq(edra_manifest_serialize(&bytes_a, &len_a, a, NULL, &err), 0);
    ck_assert_int_eq(edra_manifest_serialize(&bytes_b, &len_b, b, NULL, &err), 0);
    ck_assert_str_eq(bytes_a, expected);
    ck_assert_uint_eq(len_a, strlen(expected));
    ck_assert_str_eq(bytes_b, expected);
    free(bytes_a);
    free(bytes_b);
    edra_manifest_free(a);
    edra_manifest_free(b);
}
END_TEST

START_TEST(test_manifest_serialize__signer_block)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    char *bytes = NULL, *pem = NULL;
    size_t len = 0;
    char fp[EDRA_FINGERPRINT_HEX];
    json_error_t jerr;
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", "DET-1", CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_serialize(&bytes, &len, m, priv, &err), 0);
    json_t *root = json_loadb(bytes, len, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(edra_key_fingerprint(pub, fp, &err), 0);
    ck_assert_int_eq(edra_key_public_pem(&pem, pub, &err), 0);
    ck_assert_str_eq(json_string_value(json_object_get(root, "run_id")), "DET-1");
    json_t *signer = json_object_get(root, "signer");
    ck_assert_str_eq(json_string_value(json_object_get(signer, "algorithm")), "Ed25519");
    ck_assert_str_eq(json_string_value(json_object_get(signer, "fingerprint")), fp);
    ck_assert_str_eq(json_string_value(json_object_get(signer, "public_key_pem")), pem);
    ck_assert_ptr_null(strstr(bytes, "PRIVATE"));
    json_decref(root);
    free(pem);
    free(bytes);
    edra_manifest_free(m);
}
END_TEST

/* ---- edra_manifest_write ---- */

START_TEST(test_manifest_write__files_and_sha256sums)
{
    char text[4096];
    struct stat st;
    build(out, priv);
    ck_assert_uint_eq(slurp(path_in(out, EDRA_MANIFEST_SUMS_NAME), text, sizeof text), 160);
    ck_assert_str_eq(text, SUMS_TEXT);
    slurp(path_in(out, EDRA_MANIFEST_NAME), text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "\"path\": \"SHA256SUMS\",\n      \"role\": \"checksums\",\n"
                                       "      \"sha256\": \"" SHA_SUMS "\",\n      \"size\": 160"));
    ck_assert_int_eq(stat(path_in(out, EDRA_MANIFEST_SIG_NAME), &st), 0);
    ck_assert_int_eq(st.st_size, 64);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(stat(path_in(out, EDRA_MANIFEST_NAME), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    if (!have("sha256sum")) {
        printf("SKIP: sha256sum not found\n");
        return;
    }
    ck_assert_int_eq(run("cd '%s' && sha256sum --quiet -c SHA256SUMS", out), 0);
    write_text(path_in(out, "report.txt"), "hellp\n");
    ck_assert_int_ne(run("cd '%s' && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1", out), 0);
}
END_TEST

START_TEST(test_manifest_write__unsigned_removes_stale_signature)
{
    edra_manifest_result res;
    seen s;
    edra_error err = {0};
    build(out, priv);
    ck_assert_int_eq(access(path_in(out, EDRA_MANIFEST_SIG_NAME), F_OK), 0);
    build(out, NULL);
    ck_assert_int_eq(access(path_in(out, EDRA_MANIFEST_SIG_NAME), F_OK), -1);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), 0);
    ck_assert_int_eq(res.is_signed, 0);
}
END_TEST

START_TEST(test_manifest_write__public_key_cannot_sign)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    ck_assert_int_eq(edra_manifest_new(&m, out, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_add(m, "report.txt", "report", &err), 0);
    ck_assert_int_eq(edra_manifest_write(m, pub, &err), EDRA_ECRYPTO);
    assert_msg_starts(&err, "Ed25519 signing failed (");
    /* signing comes first, so the folder is left as it was */
    ck_assert_int_eq(access(path_in(out, EDRA_MANIFEST_NAME), F_OK), -1);
    ck_assert_int_eq(access(path_in(out, EDRA_MANIFEST_SUMS_NAME), F_OK), -1);
    edra_manifest_free(m);
}
END_TEST

START_TEST(test_manifest_write__missing_folder_is_eio)
{
    edra_error err = {0};
    edra_manifest *m = NULL;
    char gone[192];
    snprintf(gone, sizeof gone, "%s/gone", base);
    ck_assert_int_eq(edra_manifest_new(&m, gone, "0.1.0", NULL, CREATED, &err), 0);
    ck_assert_int_eq(edra_manifest_write(m, NULL, &err), EDRA_EIO);
    assert_msg(&err, "%s/SHA256SUMS: %s", gone, strerror(ENOENT));
    edra_manifest_free(m);
}
END_TEST

/* ---- edra_manifest_verify: good folders ---- */

START_TEST(test_manifest_verify__signed_with_given_key)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char fp[EDRA_FINGERPRINT_HEX];
    build(out, priv);
    ck_assert_int_eq(verify(&res, pub, &s, &err), 0);
    ck_assert_str_eq(err.msg, "");
    ck_assert_int_eq(edra_key_fingerprint(pub, fp, &err), 0);
    ck_assert_int_eq(res.is_signed, 1);
    ck_assert_int_eq(res.key_given, 1);
    ck_assert_str_eq(res.signer_fingerprint, fp);
    ck_assert_uint_eq(res.files_checked, 3);
    ck_assert_uint_eq(res.files_failed, 0);
    ck_assert_uint_eq(res.externals_checked, 0);
    ck_assert_uint_eq(res.externals_skipped, 1);
    /* signature first, then files by path ('S' < 'd' < 'r'), then external files */
    ck_assert_int_eq(s.n, 5);
    ck_assert_str_eq(s.item[0], "MANIFEST.json.sig");
    ck_assert_int_eq(s.status[0], EDRA_MANIFEST_OK);
    ck_assert_str_eq(s.item[1], "SHA256SUMS");
    ck_assert_str_eq(s.item[2], "data/release.csv");
    ck_assert_str_eq(s.item[3], "report.txt");
    ck_assert_str_eq(s.message[3], "SHA-256 " SHA_HELLO ", 6 bytes");
    for (int i = 1; i <= 3; i++)
        ck_assert_int_eq(s.status[i], EDRA_MANIFEST_OK);
    ck_assert_str_eq(s.item[4], "external:input.csv");
    ck_assert_int_eq(s.status[4], EDRA_MANIFEST_SKIPPED);
}
END_TEST

START_TEST(test_manifest_verify__embedded_key_not_independent)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, priv);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), 0);
    ck_assert_int_eq(res.is_signed, 1);
    ck_assert_int_eq(res.key_given, 0);
    ck_assert_int_eq(s.status[0], EDRA_MANIFEST_OK);
    ck_assert_ptr_nonnull(strstr(s.message[0], "the key was not independently given"));
}
END_TEST

START_TEST(test_manifest_verify__unsigned)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, NULL);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), 0);
    ck_assert_int_eq(res.is_signed, 0);
    ck_assert_str_eq(res.signer_fingerprint, "");
    ck_assert_uint_eq(res.files_checked, 3);
    ck_assert_int_eq(s.status[0], EDRA_MANIFEST_SKIPPED);
    ck_assert_str_eq(s.message[0], "unsigned manifest: file hashes checked, authorship not");
    /* a key given demands a signature */
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: missing, but a public key was given to check it", out);
}
END_TEST

START_TEST(test_manifest_verify__externals)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    edra_manifest_verify_opts opts = EDRA_MANIFEST_VERIFY_OPTS_INIT;
    edra_manifest_external_path by_role = {"input", input}, by_name = {"input.csv", input};
    edra_manifest_external_path unknown = {"spec", input};
    build(out, priv);
    opts.public_key = pub;
    opts.externals = &by_role;
    opts.n_externals = 1;
    ck_assert_int_eq(edra_manifest_verify(&res, out, &opts, &err), 0);
    ck_assert_uint_eq(res.externals_checked, 1);
    ck_assert_uint_eq(res.externals_skipped, 0);
    opts.externals = &by_name;
    ck_assert_int_eq(edra_manifest_verify(&res, out, &opts, &err), 0);
    opts.externals = &unknown;
    ck_assert_int_eq(edra_manifest_verify(&res, out, &opts, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s: no external file of that name or role in the manifest", input);
    write_text(input, "a,c\n");
    opts.externals = &by_role;
    opts.report = record;
    opts.report_data = &s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(edra_manifest_verify(&res, out, &opts, &err), EDRA_EVERIFY);
    assert_msg_starts(&err, "%s: SHA-256 differs from the manifest (file ", input);
    ck_assert_str_eq(s.item[4], "external:input");
    ck_assert_int_eq(s.status[4], EDRA_MANIFEST_FAILED);
}
END_TEST

/* ---- edra_manifest_verify: tampering ---- */

START_TEST(test_manifest_verify__tampered_listed_file)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, priv);
    write_text(path_in(out, "report.txt"), "hellp\n"); /* one byte changed, same size */
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/report.txt: SHA-256 differs from the manifest (file " SHA_HELLP
                     ", manifest " SHA_HELLO ")", out);
    ck_assert_uint_eq(res.files_checked, 3);
    ck_assert_uint_eq(res.files_failed, 1);
    ck_assert_int_eq(s.status[0], EDRA_MANIFEST_OK); /* the manifest itself is intact */
    ck_assert_int_eq(s.status[3], EDRA_MANIFEST_FAILED);
    write_text(path_in(out, "report.txt"), "hello!\n");
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/report.txt: size 7 bytes, the manifest lists 6", out);
}
END_TEST

START_TEST(test_manifest_verify__tampered_manifest)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char text[4096];
    build(out, priv);
    /* "created": "2024-... -> "2025-...: still valid JSON, so only the signature catches it.
     * The year starts at byte 2 ("{\n") + 2 (indent) + 9 ("\"created\"") + 2 (": ") + 1 ('"')
     * = 16, so its last digit is byte 19; '4' ^ 1 = '5'. */
    slurp(path_in(out, EDRA_MANIFEST_NAME), text, sizeof text);
    ck_assert_int_eq(strncmp(text + 15, "\"2024-", 6), 0);
    flip_byte(path_in(out, EDRA_MANIFEST_NAME), 19);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json", out);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json", out);
    /* a byte that breaks the JSON: with the key it is a signature failure, without one the
     * folder is simply not a readable manifest */
    flip_byte(path_in(out, EDRA_MANIFEST_NAME), 19);
    FILE *f = fopen(path_in(out, EDRA_MANIFEST_NAME), "r+b");
    fputc('[', f);
    fclose(f);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json", out);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EPARSE);
    assert_msg_starts(&err, "%s/MANIFEST.json: not an edra manifest: ", out);
}
END_TEST

START_TEST(test_manifest_verify__tampered_signature)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, priv);
    flip_byte(path_in(out, EDRA_MANIFEST_SIG_NAME), 5);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json", out);
    ck_assert_int_eq(res.is_signed, 0);
    ck_assert_int_eq(s.status[0], EDRA_MANIFEST_FAILED);
    /* a truncated signature */
    ck_assert_int_eq(truncate(path_in(out, EDRA_MANIFEST_SIG_NAME), 63), 0);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: 63 bytes; an Ed25519 signature is 64", out);
}
END_TEST

START_TEST(test_manifest_verify__swapped_signature)
{
    /* A valid signature by the same key, of another folder's manifest. */
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char other[192];
    snprintf(other, sizeof other, "%s/other", base);
    ck_assert_int_eq(mkdir(other, 0755), 0);
    ck_assert_int_eq(mkdir(path_in(other, "data"), 0755), 0);
    write_text(path_in(other, "report.txt"), "hellp\n");
    write_text(path_in(other, "data/release.csv"), "abc");
    build(other, priv);
    build(out, priv);
    ck_assert_int_eq(rename(path_in(other, EDRA_MANIFEST_SIG_NAME),
                            path_in(out, EDRA_MANIFEST_SIG_NAME)), 0);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json", out);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
}
END_TEST

START_TEST(test_manifest_verify__forged_with_other_key)
{
    /* A forger rewrites the folder and signs it with their own key, which the manifest then
     * embeds: only the independently given key exposes it. */
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char fp_true[EDRA_FINGERPRINT_HEX], fp_forger[EDRA_FINGERPRINT_HEX];
    EVP_PKEY *forger = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    ck_assert_int_eq(edra_key_fingerprint(pub, fp_true, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(forger, fp_forger, &err), 0);
    build(out, priv);
    write_text(path_in(out, "report.txt"), "hellp\n");
    build(out, forger);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: signature does not match MANIFEST.json (it names "
                     "signer %s; the key given is %s)", out, fp_forger, fp_true);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), 0);
    ck_assert_int_eq(res.key_given, 0);
    ck_assert_str_eq(res.signer_fingerprint, fp_forger);
    EVP_PKEY_free(forger);
}
END_TEST

START_TEST(test_manifest_verify__signature_removed_or_stray)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char fp[EDRA_FINGERPRINT_HEX], sig[128];
    ck_assert_int_eq(edra_key_fingerprint(pub, fp, &err), 0);
    build(out, priv);
    ck_assert_int_eq(unlink(path_in(out, EDRA_MANIFEST_SIG_NAME)), 0);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: missing, but MANIFEST.json names signer %s", out, fp);
    /* an unsigned manifest with a signature file beside it */
    build(out, priv);
    size_t n = slurp(path_in(out, EDRA_MANIFEST_SIG_NAME), sig, sizeof sig);
    build(out, NULL);
    FILE *f = fopen(path_in(out, EDRA_MANIFEST_SIG_NAME), "wb");
    fwrite(sig, 1, n, f);
    fclose(f);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: present, but MANIFEST.json names no signer (give the "
                     "public key to check it)", out);
}
END_TEST

START_TEST(test_manifest_verify__embedded_key_inconsistent)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, priv);
    json_t *root = load_manifest();
    json_t *signer = json_object_get(root, "signer");
    json_object_set_new(signer, "fingerprint",
                        json_string("00000000000000000000000000000000"
                                    "00000000000000000000000000000000"));
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json.sig: the public key in MANIFEST.json does not match its "
                     "fingerprint", out);
    root = load_manifest();
    json_object_set_new(json_object_get(root, "signer"), "public_key_pem", json_string("junk"));
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg_starts(&err, "%s/MANIFEST.json.sig: the public key in MANIFEST.json is unusable: "
                            "not a PEM public key (", out);
    ck_assert_int_eq(res.is_signed, 0);
}
END_TEST

START_TEST(test_manifest_verify__path_with_dotdot)
{
    /* The listed hash and size are those of ../input.csv, so only the path check stops it. */
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, NULL);
    relist(2, "../input.csv", SHA_INPUT, 4);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json lists '../input.csv': path contains '..'", out);
    ck_assert_int_eq(s.status[3], EDRA_MANIFEST_FAILED);
    ck_assert_str_eq(s.item[3], "../input.csv");
}
END_TEST

START_TEST(test_manifest_verify__absolute_path)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, NULL);
    relist(2, input, SHA_INPUT, 4);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/MANIFEST.json lists '%s': absolute path", out, input);
}
END_TEST

START_TEST(test_manifest_verify__symbolic_links)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    char elsewhere[192];
    build(out, priv);
    /* same content, reached through a link: refused all the same */
    write_text(path_in(base, "copy.txt"), "hello\n");
    ck_assert_int_eq(unlink(path_in(out, "report.txt")), 0);
    ck_assert_int_eq(symlink("../copy.txt", path_in(out, "report.txt")), 0);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/report.txt: file is a symbolic link", out);
    /* a linked folder on the way */
    ck_assert_int_eq(unlink(path_in(out, "report.txt")), 0);
    write_text(path_in(out, "report.txt"), "hello\n");
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", base);
    ck_assert_int_eq(rename(path_in(out, "data"), elsewhere), 0);
    ck_assert_int_eq(symlink(elsewhere, path_in(out, "data")), 0);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/data/release.csv: path goes through a symbolic link (data)", out);
}
END_TEST

START_TEST(test_manifest_verify__missing_file_and_count)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, priv);
    ck_assert_int_eq(unlink(path_in(out, "data/release.csv")), 0);
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/data/release.csv: missing", out);
    write_text(path_in(out, "report.txt"), "hellp\n");
    ck_assert_int_eq(verify(&res, pub, &s, &err), EDRA_EVERIFY);
    assert_msg(&err, "%s/data/release.csv: missing (and 1 more failure)", out);
    ck_assert_uint_eq(res.files_failed, 2);
}
END_TEST

START_TEST(test_manifest_verify__unknown_structure_refused)
{
    edra_manifest_result res;
    edra_error err = {0};
    seen s;
    build(out, NULL);
    json_t *root = load_manifest();
    json_object_set_new(root, "extra", json_integer(1));
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EPARSE);
    assert_msg(&err, "%s/MANIFEST.json: not an edra manifest: 1 object item(s) left unpacked: "
                     "extra", out);
    build(out, NULL);
    root = load_manifest();
    json_object_set_new(json_array_get(json_object_get(root, "files"), 0), "mode",
                        json_integer(420));
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EPARSE);
    assert_msg(&err, "%s/MANIFEST.json: not an edra manifest: files[0]: 1 object item(s) left "
                     "unpacked: mode", out);
    build(out, NULL);
    root = load_manifest();
    json_object_set_new(root, "format", json_string("edra-manifest/2"));
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EPARSE);
    assert_msg(&err, "%s/MANIFEST.json: not an edra manifest: format 'edra-manifest/2' from "
                     "'edra' is not edra-manifest/1 from edra", out);
    build(out, NULL);
    root = load_manifest();
    json_object_del(root, "created");
    save_manifest(root);
    ck_assert_int_eq(verify(&res, NULL, &s, &err), EDRA_EPARSE);
    assert_msg_starts(&err, "%s/MANIFEST.json: not an edra manifest: ", out);
}
END_TEST

START_TEST(test_manifest_verify__no_manifest_is_eio)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_manifest_verify(NULL, out, NULL, &err), EDRA_EIO);
    assert_msg(&err, "%s/MANIFEST.json: %s", out, strerror(ENOENT));
}
END_TEST

START_TEST(test_manifest_verify__openssl_command_agrees)
{
    static const char verify_cmd[] =
        "cd '%s' && openssl pkeyutl -verify -pubin -inkey '%s' -rawin -in MANIFEST.json "
        "-sigfile MANIFEST.json.sig >/dev/null 2>&1";
    if (!have("openssl")) {
        printf("SKIP: openssl not found\n");
        return;
    }
    build(out, priv);
    ck_assert_int_eq(run(verify_cmd, out, pub_path), 0);
    flip_byte(path_in(out, EDRA_MANIFEST_NAME), 19);
    ck_assert_int_ne(run(verify_cmd, out, pub_path), 0);
    build(out, priv);
    ck_assert_int_eq(run(verify_cmd, out, pub_path), 0);
    flip_byte(path_in(out, EDRA_MANIFEST_SIG_NAME), 40);
    ck_assert_int_ne(run(verify_cmd, out, pub_path), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc_new = tcase_create("new");
    tcase_add_checked_fixture(tc_new, setup, teardown);
    tcase_add_test(tc_new, test_manifest_new__bad_created);
    suite_add_tcase(s, tc_new);
    TCase *tc_add = tcase_create("add");
    tcase_add_checked_fixture(tc_add, setup, teardown);
    tcase_add_test(tc_add, test_manifest_add__unsafe_paths_refused);
    tcase_add_test(tc_add, test_manifest_add__links_missing_and_folders_refused);
    tcase_add_test(tc_add, test_manifest_add_external__hash_given_or_computed);
    suite_add_tcase(s, tc_add);
    TCase *tc_ser = tcase_create("serialize");
    tcase_add_checked_fixture(tc_ser, setup, teardown);
    tcase_add_test(tc_ser, test_manifest_serialize__exact_bytes);
    tcase_add_test(tc_ser, test_manifest_serialize__signer_block);
    suite_add_tcase(s, tc_ser);
    TCase *tc_write = tcase_create("write");
    tcase_add_checked_fixture(tc_write, setup, teardown);
    tcase_add_test(tc_write, test_manifest_write__files_and_sha256sums);
    tcase_add_test(tc_write, test_manifest_write__unsigned_removes_stale_signature);
    tcase_add_test(tc_write, test_manifest_write__public_key_cannot_sign);
    tcase_add_test(tc_write, test_manifest_write__missing_folder_is_eio);
    suite_add_tcase(s, tc_write);
    TCase *tc_verify = tcase_create("verify");
    tcase_add_checked_fixture(tc_verify, setup, teardown);
    tcase_add_test(tc_verify, test_manifest_verify__signed_with_given_key);
    tcase_add_test(tc_verify, test_manifest_verify__embedded_key_not_independent);
    tcase_add_test(tc_verify, test_manifest_verify__unsigned);
    tcase_add_test(tc_verify, test_manifest_verify__externals);
    tcase_add_test(tc_verify, test_manifest_verify__tampered_listed_file);
    tcase_add_test(tc_verify, test_manifest_verify__tampered_manifest);
    tcase_add_test(tc_verify, test_manifest_verify__tampered_signature);
    tcase_add_test(tc_verify, test_manifest_verify__swapped_signature);
    tcase_add_test(tc_verify, test_manifest_verify__forged_with_other_key);
    tcase_add_test(tc_verify, test_manifest_verify__signature_removed_or_stray);
    tcase_add_test(tc_verify, test_manifest_verify__embedded_key_inconsistent);
    tcase_add_test(tc_verify, test_manifest_verify__path_with_dotdot);
    tcase_add_test(tc_verify, test_manifest_verify__absolute_path);
    tcase_add_test(tc_verify, test_manifest_verify__symbolic_links);
    tcase_add_test(tc_verify, test_manifest_verify__missing_file_and_count);
    tcase_add_test(tc_verify, test_manifest_verify__unknown_structure_refused);
    tcase_add_test(tc_verify, test_manifest_verify__no_manifest_is_eio);
    tcase_add_test(tc_verify, test_manifest_verify__openssl_command_agrees);
    suite_add_tcase(s, tc_verify);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
