/* Tests of report/sign: Ed25519 key files in openssl's own formats, RFC 8032's test vector,
 * interoperation with the openssl command both ways (skipped when it is not installed), and
 * every refusal: group-readable, encrypted, non-Ed25519 and malformed keys, wrong keys. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, chmod */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "metrics/error.h"
#include "report/sign.h"

static char tmpdir[64];
static char priv_path[128], pub_path[128];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/edra_check_sign_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(priv_path, sizeof priv_path, "%s/key.pem", tmpdir);
    snprintf(pub_path, sizeof pub_path, "%s/key.pub.pem", tmpdir);
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
}

static int have_openssl(void)
{
    return system("command -v openssl >/dev/null 2>&1") == 0;
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

static void write_bytes(const char *path, const void *bytes, size_t len, mode_t mode)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
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

/* RFC 8032 section 7.1, TEST 1: secret key, public key, and the signature of the empty
 * message. */
static const unsigned char rfc_secret[32] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
static const unsigned char rfc_public[32] = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
static const unsigned char rfc_sig_empty[64] = {
    0xe5, 0x56, 0x43, 0x00, 0xc3, 0x60, 0xac, 0x72, 0x90, 0x86, 0xe2, 0xcc, 0x80, 0x6e, 0x82, 0x8a,
    0x84, 0x87, 0x7f, 0x1e, 0xb8, 0xe5, 0xd9, 0x74, 0xd8, 0x73, 0xe0, 0x65, 0x22, 0x49, 0x01, 0x55,
    0x5f, 0xb8, 0x82, 0x15, 0x90, 0xa3, 0x3b, 0xac, 0xc6, 0x1e, 0x39, 0x70, 0x1c, 0xf9, 0xb4, 0x6b,
    0xd2, 0x5b, 0xf5, 0xf0, 0x59, 0x5b, 0xbe, 0x24, 0x65, 0x51, 0x41, 0x43, 0x8e, 0x7a, 0x10, 0x0b};

/* Writes a fresh P-256 key (not Ed25519) as a PEM private key and as a public key. */
static void write_ec_keys(const char *priv, const char *pub)
{
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert_ptr_nonnull(ec);
    FILE *f = fopen(priv, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    ck_assert_int_eq(chmod(priv, 0600), 0);
    f = fopen(pub, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(PEM_write_PUBKEY(f, ec), 1);
    fclose(f);
    EVP_PKEY_free(ec);
}

START_TEST(test_sign_key_generate__round_trip)
{
    edra_error err = {0};
    EVP_PKEY *priv = NULL, *pub = NULL;
    struct stat st;
    char fp_priv[EDRA_FINGERPRINT_HEX], fp_pub[EDRA_FINGERPRINT_HEX];
    unsigned char sig[EDRA_SIG_LEN];
    make_tmpdir();
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_int_eq(stat(priv_path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(stat(pub_path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(edra_key_load_private(&priv, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_load_public(&pub, pub_path, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(priv, fp_priv, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(pub, fp_pub, &err), 0);
    ck_assert_str_eq(fp_priv, fp_pub);
    ck_assert_uint_eq(strlen(fp_pub), 64);
    ck_assert_int_eq(edra_sign(priv, "abc", 3, sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(pub, "abc", 3, sig, sizeof sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(pub, "abd", 3, sig, sizeof sig, &err), EDRA_EVERIFY);
    ck_assert_str_eq(err.msg, "signature does not match");
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_generate__pem_layout)
{
    /* PKCS#8 of an Ed25519 key is 48 DER bytes -> 64 base64 characters on one line:
     * 28 ("-----BEGIN PRIVATE KEY-----\n") + 65 + 26 ("-----END PRIVATE KEY-----\n") = 119.
     * SubjectPublicKeyInfo is 44 bytes -> 60 characters: 27 + 61 + 25 = 113. */
    edra_error err = {0};
    char text[512];
    make_tmpdir();
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_uint_eq(slurp(priv_path, text, sizeof text), 119);
    ck_assert_int_eq(strncmp(text, "-----BEGIN PRIVATE KEY-----\n", 28), 0);
    ck_assert_uint_eq(slurp(pub_path, text, sizeof text), 113);
    ck_assert_int_eq(strncmp(text, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA", 43), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_generate__refuses_overwrite)
{
    edra_error err = {0};
    char before[512], after[512], expected[256];
    make_tmpdir();
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    slurp(priv_path, before, sizeof before);
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), EDRA_EUSAGE);
    snprintf(expected, sizeof expected, "%s: already exists; refusing to overwrite a key",
             priv_path);
    ck_assert_str_eq(err.msg, expected);
    slurp(priv_path, after, sizeof after);
    ck_assert_str_eq(before, after);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_generate__missing_folder_is_eio)
{
    edra_error err = {0};
    char priv[192], expected[256];
    make_tmpdir();
    snprintf(priv, sizeof priv, "%s/none/key.pem", tmpdir);
    ck_assert_int_eq(edra_key_generate(priv, pub_path, &err), EDRA_EIO);
    snprintf(expected, sizeof expected, "%s: %s", priv, strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
    ck_assert_int_eq(access(pub_path, F_OK), -1); /* nothing half-written */
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__readable_by_others_refused)
{
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char expected[384];
    make_tmpdir();
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    snprintf(expected, sizeof expected,
             "%s: private key is readable by others (chmod 600 %s)", priv_path, priv_path);
    const mode_t modes[] = {0644, 0640, 0604, 0610};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        ck_assert_int_eq(chmod(priv_path, modes[i]), 0);
        edra_error_clear(&err);
        ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), EDRA_ECRYPTO);
        ck_assert_ptr_null(key);
        ck_assert_str_eq(err.msg, expected);
    }
    ck_assert_int_eq(chmod(priv_path, 0400), 0); /* owner-only read is fine */
    ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), 0);
    EVP_PKEY_free(key);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__missing_file_is_eio)
{
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char expected[256];
    make_tmpdir();
    ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), EDRA_EIO);
    snprintf(expected, sizeof expected, "%s: %s", priv_path, strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__not_a_private_key)
{
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char prefix[256];
    make_tmpdir();
    snprintf(prefix, sizeof prefix, "%s: not a PEM private key (", priv_path);
    write_bytes(priv_path, "hello\n", 6, 0600);
    ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), EDRA_ECRYPTO);
    ck_assert_int_eq(strncmp(err.msg, prefix, strlen(prefix)), 0);
    /* a public key where the private one is expected */
    unlink(priv_path);
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_int_eq(chmod(pub_path, 0600), 0);
    snprintf(prefix, sizeof prefix, "%s: not a PEM private key (", pub_path);
    ck_assert_int_eq(edra_key_load_private(&key, pub_path, &err), EDRA_ECRYPTO);
    ck_assert_int_eq(strncmp(err.msg, prefix, strlen(prefix)), 0);
    ck_assert_ptr_null(key);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__not_ed25519)
{
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char expected[256];
    make_tmpdir();
    write_ec_keys(priv_path, pub_path);
    ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), EDRA_ECRYPTO);
    snprintf(expected, sizeof expected, "%s: not an Ed25519 key (EC)", priv_path);
    ck_assert_str_eq(err.msg, expected);
    ck_assert_ptr_null(key);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__encrypted_refused)
{
    /* An encrypted key must fail at once, not prompt on the terminal for a passphrase. */
    edra_error err = {0};
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    char expected[512];
    make_tmpdir();
    FILE *f = fopen(priv_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(PEM_write_PKCS8PrivateKey(f, key, EVP_aes_256_cbc(), "secret", 6, NULL,
                                               NULL), 1);
    fclose(f);
    EVP_PKEY_free(key);
    key = NULL;
    ck_assert_int_eq(chmod(priv_path, 0600), 0);
    ck_assert_int_eq(edra_key_load_private(&key, priv_path, &err), EDRA_ECRYPTO);
    snprintf(expected, sizeof expected,
             "%s: encrypted private keys are not supported (decrypt with: openssl pkey -in %s "
             "-out PLAIN.pem)", priv_path, priv_path);
    ck_assert_str_eq(err.msg, expected);
    ck_assert_ptr_null(key);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_private__openssl_genpkey_key)
{
    edra_error err = {0};
    EVP_PKEY *priv = NULL, *pub = NULL;
    char fp[EDRA_FINGERPRINT_HEX], expected_fp[128], fp_path[192];
    unsigned char sig[EDRA_SIG_LEN];
    if (!have_openssl()) {
        printf("SKIP: openssl not found\n");
        return;
    }
    make_tmpdir();
    snprintf(fp_path, sizeof fp_path, "%s/fp.txt", tmpdir);
    ck_assert_int_eq(run("openssl genpkey -algorithm ed25519 -out '%s' 2>/dev/null", priv_path), 0);
    ck_assert_int_eq(chmod(priv_path, 0600), 0);
    ck_assert_int_eq(run("openssl pkey -in '%s' -pubout -out '%s'", priv_path, pub_path), 0);
    ck_assert_int_eq(edra_key_load_private(&priv, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_load_public(&pub, pub_path, &err), 0);
    ck_assert_int_eq(edra_sign(priv, "data", 4, sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(pub, "data", 4, sig, sizeof sig, &err), 0);
    /* The documented recipe: the raw key is the last 32 bytes of the DER public key. */
    ck_assert_int_eq(run("openssl pkey -pubin -in '%s' -outform DER | tail -c 32 | sha256sum "
                         "| cut -c1-64 > '%s'", pub_path, fp_path), 0);
    slurp(fp_path, expected_fp, sizeof expected_fp);
    expected_fp[64] = '\0';
    ck_assert_int_eq(edra_key_fingerprint(priv, fp, &err), 0);
    ck_assert_str_eq(fp, expected_fp);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_public__derived_from_private)
{
    edra_error err = {0};
    EVP_PKEY *priv = NULL, *pub = NULL;
    char fp_priv[EDRA_FINGERPRINT_HEX], fp_pub[EDRA_FINGERPRINT_HEX];
    unsigned char sig[EDRA_SIG_LEN];
    make_tmpdir();
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_int_eq(edra_key_load_private(&priv, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_load_public(&pub, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(priv, fp_priv, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(pub, fp_pub, &err), 0);
    ck_assert_str_eq(fp_priv, fp_pub);
    ck_assert_int_eq(edra_sign(priv, "x", 1, sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(pub, "x", 1, sig, sizeof sig, &err), 0);
    /* the derived key holds no private half: it cannot sign */
    ck_assert_int_eq(edra_sign(pub, "x", 1, sig, &err), EDRA_ECRYPTO);
    ck_assert_int_eq(strncmp(err.msg, "Ed25519 signing failed (", 24), 0);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_load_public__refusals)
{
    edra_error err = {0};
    EVP_PKEY *key = NULL;
    char expected[256];
    make_tmpdir();
    write_ec_keys(priv_path, pub_path);
    ck_assert_int_eq(edra_key_load_public(&key, pub_path, &err), EDRA_ECRYPTO);
    snprintf(expected, sizeof expected, "%s: not an Ed25519 key (EC)", pub_path);
    ck_assert_str_eq(err.msg, expected);
    ck_assert_ptr_null(key);
    write_bytes(pub_path, "not a key\n", 10, 0644);
    ck_assert_int_eq(edra_key_load_public(&key, pub_path, &err), EDRA_ECRYPTO);
    snprintf(expected, sizeof expected, "%s: not a PEM public or private key (", pub_path);
    ck_assert_int_eq(strncmp(err.msg, expected, strlen(expected)), 0);
    unlink(pub_path);
    ck_assert_int_eq(edra_key_load_public(&key, pub_path, &err), EDRA_EIO);
    snprintf(expected, sizeof expected, "%s: %s", pub_path, strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
    remove_tmpdir();
}
END_TEST

START_TEST(test_sign_key_public_pem__round_trip)
{
    edra_error err = {0};
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), *back = NULL;
    char *pem = NULL;
    char fp_a[EDRA_FINGERPRINT_HEX], fp_b[EDRA_FINGERPRINT_HEX];
    ck_assert_int_eq(edra_key_public_pem(&pem, key, &err), 0);
    ck_assert_uint_eq(strlen(pem), 113); /* as in test_sign_key_generate__pem_layout */
    ck_assert_ptr_null(strstr(pem, "PRIVATE"));
    ck_assert_int_eq(edra_key_from_public_pem(&back, pem, strlen(pem), &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(key, fp_a, &err), 0);
    ck_assert_int_eq(edra_key_fingerprint(back, fp_b, &err), 0);
    ck_assert_str_eq(fp_a, fp_b);
    EVP_PKEY_free(back);
    back = NULL;
    ck_assert_int_eq(edra_key_from_public_pem(&back, "garbage", 7, &err), EDRA_ECRYPTO);
    ck_assert_int_eq(strncmp(err.msg, "not a PEM public key (", 22), 0);
    ck_assert_ptr_null(back);
    free(pem);
    EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_sign_key_fingerprint__rfc8032_vector)
{
    /* SHA-256 of RFC 8032 TEST 1's public key d75a9801...f707511a, computed independently
     * (python3 hashlib.sha256(bytes.fromhex(...))). */
    edra_error err = {0};
    char fp[EDRA_FINGERPRINT_HEX];
    EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, rfc_public, 32);
    ck_assert_int_eq(edra_key_fingerprint(pub, fp, &err), 0);
    ck_assert_str_eq(fp, "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
    EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_sign_key_fingerprint__not_ed25519)
{
    edra_error err = {0};
    char fp[EDRA_FINGERPRINT_HEX];
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert_int_eq(edra_key_fingerprint(ec, fp, &err), EDRA_ECRYPTO);
    ck_assert_str_eq(err.msg, "key: not an Ed25519 key (EC)");
    ck_assert_str_eq(fp, "");
    EVP_PKEY_free(ec);
}
END_TEST

START_TEST(test_sign_sign__rfc8032_vector)
{
    /* Ed25519 is deterministic: the empty message under TEST 1's key has exactly RFC 8032's
     * signature, which checks that no pre-hash or context is added. */
    edra_error err = {0};
    unsigned char sig[EDRA_SIG_LEN];
    EVP_PKEY *priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, rfc_secret, 32);
    EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, rfc_public, 32);
    ck_assert_int_eq(edra_sign(priv, NULL, 0, sig, &err), 0);
    ck_assert_mem_eq(sig, rfc_sig_empty, sizeof sig);
    ck_assert_int_eq(edra_verify_sig(pub, "", 0, rfc_sig_empty, 64, &err), 0);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_sign_sign__not_ed25519)
{
    edra_error err = {0};
    unsigned char sig[EDRA_SIG_LEN];
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert_int_eq(edra_sign(ec, "x", 1, sig, &err), EDRA_ECRYPTO);
    ck_assert_str_eq(err.msg, "signing key: not an Ed25519 key (EC)");
    EVP_PKEY_free(ec);
}
END_TEST

START_TEST(test_sign_verify_sig__wrong_key_length_and_bytes)
{
    edra_error err = {0};
    unsigned char sig[EDRA_SIG_LEN];
    EVP_PKEY *a = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    EVP_PKEY *b = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    ck_assert_int_eq(edra_sign(a, "report", 6, sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(a, "report", 6, sig, sizeof sig, &err), 0);
    ck_assert_int_eq(edra_verify_sig(b, "report", 6, sig, sizeof sig, &err), EDRA_EVERIFY);
    ck_assert_str_eq(err.msg, "signature does not match");
    ck_assert_int_eq(edra_verify_sig(a, "report", 6, sig, 63, &err), EDRA_EVERIFY);
    ck_assert_str_eq(err.msg, "signature is 63 bytes; an Ed25519 signature is 64");
    sig[10] ^= 0x01;
    ck_assert_int_eq(edra_verify_sig(a, "report", 6, sig, sizeof sig, &err), EDRA_EVERIFY);
    ck_assert_str_eq(err.msg, "signature does not match");
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert_int_eq(edra_verify_sig(ec, "report", 6, sig, sizeof sig, &err), EDRA_ECRYPTO);
    ck_assert_str_eq(err.msg, "verification key: not an Ed25519 key (EC)");
    EVP_PKEY_free(ec);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
}
END_TEST

START_TEST(test_sign_verify_sig__openssl_interop)
{
    /* openssl pkeyutl -rawin is pure Ed25519 over the file's bytes: each side must accept
     * the other's signature. */
    edra_error err = {0};
    EVP_PKEY *priv = NULL, *pub = NULL;
    unsigned char sig[EDRA_SIG_LEN];
    char msg_path[192], sig_path[192], osig_path[192], osig[128];
    static const char message[] = "MANIFEST bytes\n";
    if (!have_openssl()) {
        printf("SKIP: openssl not found\n");
        return;
    }
    make_tmpdir();
    snprintf(msg_path, sizeof msg_path, "%s/msg", tmpdir);
    snprintf(sig_path, sizeof sig_path, "%s/msg.sig", tmpdir);
    snprintf(osig_path, sizeof osig_path, "%s/msg.osig", tmpdir);
    ck_assert_int_eq(edra_key_generate(priv_path, pub_path, &err), 0);
    ck_assert_int_eq(edra_key_load_private(&priv, priv_path, &err), 0);
    ck_assert_int_eq(edra_key_load_public(&pub, pub_path, &err), 0);
    write_bytes(msg_path, message, strlen(message), 0644);
    ck_assert_int_eq(edra_sign(priv, message, strlen(message), sig, &err), 0);
    write_bytes(sig_path, sig, sizeof sig, 0644);
    const char *verify = "openssl pkeyutl -verify -pubin -inkey '%s' -rawin -in '%s' -sigfile '%s'"
                         " >/dev/null 2>&1";
    ck_assert_int_eq(run(verify, pub_path, msg_path, sig_path), 0);
    sig[0] ^= 0x80;
    write_bytes(sig_path, sig, sizeof sig, 0644);
    ck_assert_int_ne(run(verify, pub_path, msg_path, sig_path), 0);
    ck_assert_int_eq(run("openssl pkeyutl -sign -inkey '%s' -rawin -in '%s' -out '%s'", priv_path,
                         msg_path, osig_path), 0);
    ck_assert_uint_eq(slurp(osig_path, osig, sizeof osig), 64);
    ck_assert_int_eq(edra_verify_sig(pub, message, strlen(message), (unsigned char *)osig, 64,
                                     &err), 0);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    remove_tmpdir();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sign");
    TCase *gen = tcase_create("key_generate");
    tcase_add_test(gen, test_sign_key_generate__round_trip);
    tcase_add_test(gen, test_sign_key_generate__pem_layout);
    tcase_add_test(gen, test_sign_key_generate__refuses_overwrite);
    tcase_add_test(gen, test_sign_key_generate__missing_folder_is_eio);
    suite_add_tcase(s, gen);
    TCase *priv = tcase_create("key_load_private");
    tcase_add_test(priv, test_sign_key_load_private__readable_by_others_refused);
    tcase_add_test(priv, test_sign_key_load_private__missing_file_is_eio);
    tcase_add_test(priv, test_sign_key_load_private__not_a_private_key);
    tcase_add_test(priv, test_sign_key_load_private__not_ed25519);
    tcase_add_test(priv, test_sign_key_load_private__encrypted_refused);
    tcase_add_test(priv, test_sign_key_load_private__openssl_genpkey_key);
    suite_add_tcase(s, priv);
    TCase *pub = tcase_create("key_load_public");
    tcase_add_test(pub, test_sign_key_load_public__derived_from_private);
    tcase_add_test(pub, test_sign_key_load_public__refusals);
    tcase_add_test(pub, test_sign_key_public_pem__round_trip);
    suite_add_tcase(s, pub);
    TCase *fp = tcase_create("key_fingerprint");
    tcase_add_test(fp, test_sign_key_fingerprint__rfc8032_vector);
    tcase_add_test(fp, test_sign_key_fingerprint__not_ed25519);
    suite_add_tcase(s, fp);
    TCase *sign = tcase_create("sign");
    tcase_add_test(sign, test_sign_sign__rfc8032_vector);
    tcase_add_test(sign, test_sign_sign__not_ed25519);
    suite_add_tcase(s, sign);
    TCase *verify = tcase_create("verify_sig");
    tcase_add_test(verify, test_sign_verify_sig__wrong_key_length_and_bytes);
    tcase_add_test(verify, test_sign_verify_sig__openssl_interop);
    suite_add_tcase(s, verify);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
