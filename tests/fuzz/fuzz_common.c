/* The oracles and scratch files shared by the fuzz targets and the replay driver. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, strnlen */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz oracle failed: %s\n", what);
    abort();
}

void fuzz_check_status(int rc, const edra_error *err)
{
    if (rc > 0)
        fuzz_fail("positive status");
    if (rc == 0)
        return;
    if (rc < EDRA_STATUS_MIN)
        fuzz_fail("status below EDRA_STATUS_MIN");
    if (err->code != rc)
        fuzz_fail("err->code differs from the returned status");
    /* A message may quote input (a line break included): the CLI prints it on one line with
     * control characters replaced (analyzer/cli.c), so only its presence is checked here. */
    size_t n = strnlen(err->msg, sizeof err->msg);
    if (n == 0 || n == sizeof err->msg)
        fuzz_fail("error message empty or not terminated");
}

static char tmp_root[256];

/* Removes the scratch folder (one level of files and one of sub-folders is all we make). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_dir(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void remove_tmp_root(void)
{
    if (tmp_root[0])
        remove_dir(tmp_root);
}

const char *fuzz_tmpdir(void)
{
    if (tmp_root[0])
        return tmp_root;
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(tmp_root, sizeof tmp_root, "%s/edra-fuzz-XXXXXX", base);
    if (!mkdtemp(tmp_root))
        fuzz_fail("cannot create a scratch folder");
    atexit(remove_tmp_root);
    return tmp_root;
}

void fuzz_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        fuzz_fail("cannot write a scratch file");
}
