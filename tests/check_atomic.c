/* Tests of report/atomic: the target is replaced whole with the requested mode, and every
 * failure (missing folder, a write cut short by RLIMIT_FSIZE standing in for a full disk)
 * gives EDRA_EIO with "path: reason" and leaves no temporary file behind. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setrlimit, opendir */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics/error.h"
#include "report/atomic.h"

static char tmpdir[64];
static char target[128];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/edra_check_atomic_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(target, sizeof target, "%s/out.json", tmpdir);
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
}

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* The file's content as a string (files here are small). */
static char *slurp(const char *path)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Lowers the file size limit so writes past limit bytes fail with EFBIG, as on a full disk.
 * SIGXFSZ would otherwise kill the process; ignored, write() returns the error instead. */
static struct rlimit limit_file_size(rlim_t limit)
{
    struct rlimit old, low;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    low = old;
    low.rlim_cur = limit;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &low), 0);
    return old;
}

START_TEST(test_atomic_write__content_and_mode)
{
    edra_error err = {0};
    struct stat st;
    make_tmpdir();
    /* fchmod sets the mode exactly: a restrictive umask does not strip 0640 to 0600. */
    mode_t old_umask = umask(077);
    ck_assert_int_eq(edra_atomic_write(target, "hello\n", 6, 0640, &err), 0);
    umask(old_umask);
    ck_assert_str_eq(slurp(target), "hello\n");
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    ck_assert_int_eq(edra_atomic_write(target, "key", 3, 0600, &err), 0);
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 3);
    ck_assert_int_eq(count_entries(tmpdir), 1); /* no out.json.tmp.* left */
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_write__replaces_existing_and_empty)
{
    edra_error err = {0};
    make_tmpdir();
    write_text(target, "old content that is longer");
    ck_assert_int_eq(edra_atomic_write(target, "new", 3, 0644, &err), 0);
    ck_assert_str_eq(slurp(target), "new");
    ck_assert_int_eq(edra_atomic_write(target, NULL, 0, 0644, &err), 0);
    ck_assert_str_eq(slurp(target), "");
    ck_assert_int_eq(count_entries(tmpdir), 1);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_write__missing_folder_is_eio)
{
    edra_error err = {0};
    char path[192];
    make_tmpdir();
    snprintf(path, sizeof path, "%s/no/such/folder/out.json", tmpdir);
    ck_assert_int_eq(edra_atomic_write(path, "x", 1, 0644, &err), EDRA_EIO);
    ck_assert_int_eq(err.code, EDRA_EIO);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: %s", path, strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
    ck_assert_int_eq(count_entries(tmpdir), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_write__full_disk_keeps_old_file)
{
    edra_error err = {0};
    static char big[8192];
    make_tmpdir();
    write_text(target, "old");
    memset(big, 'x', sizeof big);
    struct rlimit old = limit_file_size(4096);
    int rc = edra_atomic_write(target, big, sizeof big, 0644, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(rc, EDRA_EIO);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: %s", target, strerror(EFBIG));
    ck_assert_str_eq(err.msg, expected);
    ck_assert_str_eq(slurp(target), "old");
    ck_assert_int_eq(count_entries(tmpdir), 1);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_open__commit_streams)
{
    edra_error err = {0};
    edra_atomic *f = NULL;
    struct stat st;
    make_tmpdir();
    write_text(target, "old");
    ck_assert_int_eq(edra_atomic_open(&f, target, 0600, &err), 0);
    ck_assert_ptr_nonnull(f);
    fprintf(edra_atomic_file(f), "%d,%s\n", 42, "abc");
    ck_assert_str_eq(slurp(target), "old"); /* not visible before the commit */
    ck_assert_int_eq(count_entries(tmpdir), 2);
    ck_assert_int_eq(edra_atomic_commit(f, &err), 0);
    ck_assert_str_eq(slurp(target), "42,abc\n");
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(count_entries(tmpdir), 1);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_open__missing_folder_is_eio)
{
    edra_error err = {0};
    edra_atomic *f = (edra_atomic *)&err; /* must be reset to NULL */
    char path[192];
    make_tmpdir();
    snprintf(path, sizeof path, "%s/missing/out.csv", tmpdir);
    ck_assert_int_eq(edra_atomic_open(&f, path, 0644, &err), EDRA_EIO);
    ck_assert_ptr_null(f);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: %s", path, strerror(ENOENT));
    ck_assert_str_eq(err.msg, expected);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_commit__flush_failure_is_eio)
{
    /* 3000 bytes fit stdio's buffer, so fwrite succeeds and only the flush in commit meets
     * the 2048-byte limit: the error must come from checking fflush. */
    edra_error err = {0};
    edra_atomic *f = NULL;
    static char text[3000];
    make_tmpdir();
    write_text(target, "old");
    memset(text, 'y', sizeof text);
    ck_assert_int_eq(edra_atomic_open(&f, target, 0644, &err), 0);
    struct rlimit old = limit_file_size(2048);
    ck_assert_uint_eq(fwrite(text, 1, sizeof text, edra_atomic_file(f)), sizeof text);
    int rc = edra_atomic_commit(f, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(rc, EDRA_EIO);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: %s", target, strerror(EFBIG));
    ck_assert_str_eq(err.msg, expected);
    ck_assert_str_eq(slurp(target), "old");
    ck_assert_int_eq(count_entries(tmpdir), 1);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_commit__earlier_write_error_is_eio)
{
    /* 64 KiB goes past the buffer, so fwrite itself fails; a caller ignoring that still gets
     * EDRA_EIO from commit through the stream's error flag. */
    edra_error err = {0};
    edra_atomic *f = NULL;
    static char text[1 << 16];
    make_tmpdir();
    memset(text, 'z', sizeof text);
    ck_assert_int_eq(edra_atomic_open(&f, target, 0644, &err), 0);
    struct rlimit old = limit_file_size(4096);
    size_t written = fwrite(text, 1, sizeof text, edra_atomic_file(f));
    int rc = edra_atomic_commit(f, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_uint_lt(written, sizeof text);
    ck_assert_int_eq(rc, EDRA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, target));
    ck_assert_int_eq(count_entries(tmpdir), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(test_atomic_abort__removes_temp)
{
    edra_error err = {0};
    edra_atomic *f = NULL;
    make_tmpdir();
    ck_assert_int_eq(edra_atomic_open(&f, target, 0644, &err), 0);
    fputs("partial", edra_atomic_file(f));
    ck_assert_int_eq(count_entries(tmpdir), 1);
    edra_atomic_abort(f);
    ck_assert_int_eq(count_entries(tmpdir), 0);
    ck_assert_int_eq(access(target, F_OK), -1);
    edra_atomic_abort(NULL);
    remove_tmpdir();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("atomic");
    TCase *write = tcase_create("write");
    tcase_add_test(write, test_atomic_write__content_and_mode);
    tcase_add_test(write, test_atomic_write__replaces_existing_and_empty);
    tcase_add_test(write, test_atomic_write__missing_folder_is_eio);
    tcase_add_test(write, test_atomic_write__full_disk_keeps_old_file);
    suite_add_tcase(s, write);
    TCase *open_tc = tcase_create("open");
    tcase_add_test(open_tc, test_atomic_open__commit_streams);
    tcase_add_test(open_tc, test_atomic_open__missing_folder_is_eio);
    suite_add_tcase(s, open_tc);
    TCase *commit = tcase_create("commit");
    tcase_add_test(commit, test_atomic_commit__flush_failure_is_eio);
    tcase_add_test(commit, test_atomic_commit__earlier_write_error_is_eio);
    suite_add_tcase(s, commit);
    TCase *abort_tc = tcase_create("abort");
    tcase_add_test(abort_tc, test_atomic_abort__removes_temp);
    suite_add_tcase(s, abort_tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
