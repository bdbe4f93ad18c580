/* Tests of analyzer/subproc: a step run in a forked child comes back as 0, as the step's own
 * code and one-line message, or -- when the child dies or exits on its own -- as a code and a
 * message naming the signal or the status and quoting what the child last printed; a message
 * too long for the buffer is cut; what the child prints never reaches the parent's stderr. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setrlimit */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analyzer/subproc.h"
#include "metrics/error.h"

/* What the steps below receive: a file to write and a value to change. */
typedef struct {
    char path[128];
    int touched;
} step_state;

static int step_writes_file(void *state, edra_error *err)
{
    step_state *s = state;
    FILE *f = fopen(s->path, "w");
    if (!f)
        return edra_error_set(err, EDRA_EIO, "%s: cannot open", s->path);
    fputs("rendered\n", f);
    fclose(f);
    s->touched = 1; /* in the child's copy only */
    return 0;
}

static int step_fails_eio(void *state, edra_error *err)
{
    (void)state;
    return edra_error_set(err, EDRA_EIO, "out/report.pdf: No space left on device");
}

static int step_fails_without_message(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    return EDRA_EPARSE;
}

static int step_fails_two_lines(void *state, edra_error *err)
{
    (void)state;
    return edra_error_set(err, EDRA_EDATA, "first line\nsecond line");
}

static int step_fails_long(void *state, edra_error *err)
{
    (void)state;
    char *text = malloc(5001);
    if (!text)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    memset(text, 'x', 5000);
    text[5000] = '\0';
    edra_error_set(err, EDRA_EIO, "%s", text);
    free(text);
    return EDRA_EIO;
}

static int step_returns_positive(void *state, edra_error *err)
{
    (void)state;
    edra_error_set(err, 0, "a step that breaks the contract");
    return 5;
}

static int step_prints_and_succeeds(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    fprintf(stderr, "Fontconfig warning: a library's chatter\n");
    return 0;
}

static int step_prints_and_fails(void *state, edra_error *err)
{
    (void)state;
    fprintf(stderr, "Pango-WARNING: a partial line without its line break");
    return edra_error_set(err, EDRA_EIO, "charts/risk.png: Permission denied");
}

static void no_core_file(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

static int step_aborts(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    no_core_file();
    abort();
}

static int step_prints_and_aborts(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    no_core_file();
    fprintf(stderr, "\n(process:1): GLib-ERROR **: creating thread 'FcInit': failed\n\n");
    abort();
}

static int step_gets_sigterm(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    signal(SIGTERM, SIG_DFL); /* Check's runner handles SIGTERM by killing its process group */
    raise(SIGTERM);
    return 0;
}

static int step_exits_7(void *state, edra_error *err)
{
    (void)state;
    (void)err;
    _exit(7); /* as a library that calls exit() would */
}

START_TEST(test_subproc_run__child_succeeds)
{
    step_state s = {"", 0};
    char dir[] = "/tmp/edra_check_subproc_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(s.path, sizeof s.path, "%s/out.txt", dir);
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_writes_file, &s, &err), 0);
    ck_assert_int_eq(err.code, 0);
    ck_assert_str_eq(err.msg, "");
    /* The file the child wrote is there; the child's memory was its own. */
    FILE *f = fopen(s.path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[32] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "rendered\n");
    ck_assert_int_eq(s.touched, 0);
    remove(s.path);
    rmdir(dir);
}
END_TEST

START_TEST(test_subproc_run__child_error_message)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_fails_eio, NULL, &err), EDRA_EIO);
    ck_assert_int_eq(err.code, EDRA_EIO);
    ck_assert_str_eq(err.msg, "out/report.pdf: No space left on device");
}
END_TEST

START_TEST(test_subproc_run__child_error_without_message)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_fails_without_message, NULL, &err), EDRA_EPARSE);
    ck_assert_str_eq(err.msg, "parse error"); /* edra_strerror(EDRA_EPARSE) */
}
END_TEST

START_TEST(test_subproc_run__child_message_first_line_only)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_fails_two_lines, NULL, &err), EDRA_EDATA);
    ck_assert_str_eq(err.msg, "first line");
}
END_TEST

START_TEST(test_subproc_run__child_message_too_long_is_cut)
{
    edra_error err = {0};
    /* 5000 bytes asked for; the child's context keeps 1023 (sizeof msg - 1) and so does the
     * parent's, NUL-terminated. */
    ck_assert_int_eq(edra_subproc_run("renderer", step_fails_long, NULL, &err), EDRA_EIO);
    ck_assert_uint_eq(strlen(err.msg), sizeof err.msg - 1);
    ck_assert_uint_eq(strspn(err.msg, "x"), sizeof err.msg - 1);
}
END_TEST

START_TEST(test_subproc_run__child_positive_code_is_internal)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_returns_positive, NULL, &err), EDRA_EINTERNAL);
    ck_assert_str_eq(err.msg, "a step that breaks the contract");
}
END_TEST

START_TEST(test_subproc_run__child_abort_is_out_of_memory)
{
    edra_error err = {0};
    char want[128];
    snprintf(want, sizeof want, "out of memory (renderer killed by signal %d, SIGABRT)", SIGABRT);
    ck_assert_int_eq(edra_subproc_run("renderer", step_aborts, NULL, &err), EDRA_ENOMEM);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_subproc_run__child_abort_quotes_its_last_line)
{
    edra_error err = {0};
    char want[192];
    snprintf(want, sizeof want,
             "out of memory (renderer killed by signal %d, SIGABRT, after printing "
             "\"(process:1): GLib-ERROR **: creating thread 'FcInit': failed\")",
             SIGABRT);
    ck_assert_int_eq(edra_subproc_run("renderer", step_prints_and_aborts, NULL, &err), EDRA_ENOMEM);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

/* Runs step with the parent's stderr sent to a file; returns the code, the file's size in *size. */
static int run_capturing_stderr(edra_subproc_fn step, edra_error *err, long *size)
{
    FILE *capture = tmpfile();
    ck_assert_ptr_nonnull(capture);
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(capture), STDERR_FILENO), 0);
    int rc = edra_subproc_run("renderer", step, NULL, err);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fseek(capture, 0, SEEK_END);
    *size = ftell(capture);
    fclose(capture);
    return rc;
}

START_TEST(test_subproc_run__child_stderr_kept_from_parent)
{
    edra_error err = {0};
    long size = -1;
    ck_assert_int_eq(run_capturing_stderr(step_prints_and_succeeds, &err, &size), 0);
    ck_assert_int_eq(size, 0);
    ck_assert_str_eq(err.msg, "");
    /* A failing step's own message wins over what it printed, even without a line break. */
    ck_assert_int_eq(run_capturing_stderr(step_prints_and_fails, &err, &size), EDRA_EIO);
    ck_assert_int_eq(size, 0);
    ck_assert_str_eq(err.msg, "charts/risk.png: Permission denied");
}
END_TEST

START_TEST(test_subproc_run__child_other_signal_is_internal)
{
    edra_error err = {0};
    char want[128];
    snprintf(want, sizeof want, "worker killed by signal %d, SIGTERM", SIGTERM);
    ck_assert_int_eq(edra_subproc_run("worker", step_gets_sigterm, NULL, &err), EDRA_EINTERNAL);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_subproc_run__child_own_exit_is_internal)
{
    edra_error err = {0};
    ck_assert_int_eq(edra_subproc_run("renderer", step_exits_7, NULL, &err), EDRA_EINTERNAL);
    ck_assert_str_eq(err.msg, "renderer exited with status 7");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("subproc");
    TCase *run = tcase_create("run");
    tcase_add_test(run, test_subproc_run__child_succeeds);
    tcase_add_test(run, test_subproc_run__child_error_message);
    tcase_add_test(run, test_subproc_run__child_error_without_message);
    tcase_add_test(run, test_subproc_run__child_message_first_line_only);
    tcase_add_test(run, test_subproc_run__child_message_too_long_is_cut);
    tcase_add_test(run, test_subproc_run__child_positive_code_is_internal);
    tcase_add_test(run, test_subproc_run__child_abort_is_out_of_memory);
    tcase_add_test(run, test_subproc_run__child_abort_quotes_its_last_line);
    tcase_add_test(run, test_subproc_run__child_stderr_kept_from_parent);
    tcase_add_test(run, test_subproc_run__child_other_signal_is_internal);
    tcase_add_test(run, test_subproc_run__child_own_exit_is_internal);
    suite_add_tcase(s, run);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
