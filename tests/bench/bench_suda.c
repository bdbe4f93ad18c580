/* Benchmark of the SUDA2 search (`make bench-suda`): Adult with its 9 columns as QIs (time,
 * MSUs, records with at least one MSU), then SUDA2 against the power-set search of
 * tests/suda_powerset.h on random tables of 12, 14 and 16 QIs, 20,000 records, values
 * skewed towards small codes as in survey data (code = floor(D * u^3), D = 2..13). Both
 * must find the same MSUs; the speed-up is printed. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/pipeline.h"
#include "metrics/classes.h"
#include "metrics/suda.h"
#include "tests/suda_powerset.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *shared_data(void)
{
    const char *env = getenv("EDRA_SHARED_DATA");
    const char *candidates[] = {env, "../shared/data", "../../shared/data"};
    for (size_t i = 0; i < 3; i++) {
        char probe[4200];
        if (!candidates[i])
            continue;
        snprintf(probe, sizeof probe, "%s/adult/adult.csv", candidates[i]);
        if (access(probe, R_OK) == 0) {
            static char found[4096];
            char cwd[2048];
            if (candidates[i][0] == '/' || !getcwd(cwd, sizeof cwd))
                snprintf(found, sizeof found, "%s", candidates[i]);
            else
                snprintf(found, sizeof found, "%s/%s", cwd, candidates[i]);
            return found;
        }
    }
    return NULL;
}

static int adult(const char *data)
{
    static const char *cols[] = {"sex", "age", "race", "marital-status", "education",
                                 "native-country", "workclass", "occupation", "salary-class"};
    char dir[] = "/tmp/edra_bench_XXXXXX", spec[64];
    edra_pipeline *p = NULL;
    edra_classes *c = NULL;
    edra_suda_figures f;
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    edra_error err = {0};
    double best = 1e9;
    if (!mkdtemp(dir))
        return -1;
    snprintf(spec, sizeof spec, "%s/adult.yaml", dir);
    FILE *out = fopen(spec, "w");
    if (!out)
        return -1;
    fprintf(out, "data: {csv: %s/adult/adult.csv, delimiter: \";\"}\nattributes:\n", data);
    for (size_t i = 0; i < 9; i++)
        fprintf(out, "  %s: {role: quasi, hierarchy: %s/adult/adult_hierarchy_%s.csv}\n", cols[i],
                data, cols[i]);
    fclose(out);
    if (edra_pipeline_open(&p, spec, &err) < 0 ||
        edra_classes_compute(&c, p->md, p->spec_levels, &err) < 0) {
        fprintf(stderr, "bench_suda: %s\n", err.msg);
        return -1;
    }
    for (int run = 0; run < 5; run++) {
        if (edra_suda_compute(&f, c, &o, &err) < 0) {
            fprintf(stderr, "bench_suda: %s\n", err.msg);
            return -1;
        }
        if (f.seconds < best)
            best = f.seconds;
        if (run < 4)
            edra_suda_clear(&f);
    }
    printf("Adult, 9 QIs, %llu records: SUDA2 %.3f s (best of 5), %llu MSUs, %llu records with "
           "at least one MSU (%llu unique records), DIS %.4g\n",
           (unsigned long long)f.records, best, (unsigned long long)f.msus,
           (unsigned long long)f.records_with_msu, (unsigned long long)f.uniques, f.dis);
    printf("  MSUs by size:");
    for (size_t k = 1; k <= f.n_qi; k++)
        printf(" %zu:%llu", k, (unsigned long long)f.msus_by_size[k]);
    printf("\n");
    /* The power set on the same rows (the classes of the original values). */
    size_t n_classes = edra_classes_count(c);
    const uint32_t *reps = edra_classes_representatives(c);
    uint32_t *codes = calloc(n_classes * 9 + 1, sizeof *codes);
    powerset_result ps;
    if (!codes)
        return -1;
    for (size_t k = 0; k < n_classes; k++)
        for (size_t d = 0; d < 9; d++)
            codes[k * 9 + d] = edra_code_at(p->md->qi_codes[d], reps[k]);
    uint64_t *sizes = NULL;
    if (edra_classes_sizes_u64(&sizes, c) < 0)
        return -1;
    double start = now_seconds();
    if (powerset_msus(&ps, codes, sizes, n_classes, 9, 0) < 0)
        return -1;
    double powerset_seconds = now_seconds() - start;
    int same = 1;
    for (size_t k = 0; k < n_classes; k++)
        same &= ps.row_msus[k] == f.row_msus[k];
    printf("  power set %.3f s, %s\n", powerset_seconds, same ? "same MSUs" : "MSUs DIFFER");
    powerset_free(&ps);
    free(sizes);
    free(codes);
    edra_suda_clear(&f);
    edra_classes_free(c);
    edra_pipeline_free(p);
    unlink(spec);
    rmdir(dir);
    return same ? 0 : -1;
}

static unsigned long long rng = 7;

static double uniform(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static int random_table(size_t n_qi, size_t n_rows)
{
    uint32_t *codes = malloc(n_rows * n_qi * sizeof *codes);
    uint64_t *counts = malloc(n_rows * sizeof *counts);
    edra_suda_opts o = EDRA_SUDA_OPTS_INIT;
    edra_suda_figures f;
    powerset_result ps;
    edra_error err = {0};
    if (!codes || !counts)
        return -1;
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t d = 0; d < n_qi; d++)
            codes[r * n_qi + d] = (uint32_t)((2 + (d * 7) % 12) * pow(uniform(), 3.0));
        counts[r] = 1;
    }
    if (edra_suda_table(&f, codes, counts, n_rows, n_qi, &o, &err) < 0) {
        fprintf(stderr, "bench_suda: %s\n", err.msg);
        return -1;
    }
    double start = now_seconds();
    if (powerset_msus(&ps, codes, counts, n_rows, n_qi, 0) < 0)
        return -1;
    double powerset_seconds = now_seconds() - start;
    int same = 1;
    for (size_t r = 0; r < n_rows; r++)
        same &= ps.row_msus[r] == f.row_msus[r];
    printf("Random, %zu QIs, %zu records: SUDA2 %.2f s, power set %.2f s (%.1fx), %llu MSUs, "
           "%s\n",
           n_qi, n_rows, f.seconds, powerset_seconds, powerset_seconds / f.seconds,
           (unsigned long long)f.msus, same ? "same MSUs" : "MSUs DIFFER");
    powerset_free(&ps);
    edra_suda_clear(&f);
    free(codes);
    free(counts);
    return same ? 0 : -1;
}

int main(void)
{
    const char *data = shared_data();
    int rc = 0;
    if (data)
        rc |= adult(data);
    else
        printf("SKIP: ../shared/data not found; Adult left out\n");
    rc |= random_table(12, 20000);
    rc |= random_table(14, 20000);
    rc |= random_table(16, 20000);
    return rc ? 1 : 0;
}
