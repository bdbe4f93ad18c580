/* The corpus replay driver: feeds every file of a fuzz target's corpus to the target's
 * LLVMFuzzerTestOneInput, so `make check` runs the corpora under gcc (and under the
 * sanitizers in CI) without libFuzzer. Arguments are files or folders; with none it replays
 * $EDRA_SRCDIR/tests/fuzz/corpus/EDRA_FUZZ_TARGET. An empty corpus is a failure. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef EDRA_FUZZ_TARGET
#error "EDRA_FUZZ_TARGET must name the target (its corpus folder)"
#endif

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            fprintf(stderr, "%s: out of memory\n", path);
            return -1;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "%s: read error\n", path);
        return -1;
    }
    /* libFuzzer hands the target a buffer of exactly len bytes: copy it so ASan sees overreads. */
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays path (a file, or every regular file of a folder in name order); counts inputs. */
static int replay(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (replay_file(path) != 0)
            return -1;
        (*count)++;
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        size_t size = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(size))) {
            rc = -1;
            break;
        }
        snprintf(names[n++], size, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (rc == 0 && n)
        qsort(names, n, sizeof *names, compare);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(names[i]) != 0)
                rc = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay(argv[i], &count) != 0)
                return 1;
    } else {
        const char *src = getenv("EDRA_SRCDIR");
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", EDRA_FUZZ_TARGET);
        if (replay(dir, &count) != 0)
            return 1;
    }
    if (count == 0) {
        fprintf(stderr, "replay %s: no input found\n", EDRA_FUZZ_TARGET);
        return 1;
    }
    printf("replay %s: %zu inputs, no crash, no oracle failure\n", EDRA_FUZZ_TARGET, count);
    return 0;
}
