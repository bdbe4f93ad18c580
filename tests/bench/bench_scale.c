/* One row of the scale benchmark (`make bench`, tests/bench/bench_scale.sh): loads a spec's
 * data, assesses the spec's transformation with every model, optionally searches the lattice,
 * and prints rows, QIs, distinct tuples, load / assess / search seconds, nodes checked, peak
 * RSS (getrusage) after the assessment and after the search, and RSS bytes per row (of the
 * assessment's peak) as one tab-separated line. One process per row, so
 * each peak RSS is that case's alone; malloc is set up as edra sets it per phase
 * (analyzer/mempolicy), so the figures are those of `edra assess` and `edra run`.
 * Usage: bench_scale SPEC [--search] [--threads N] [--time-limit S] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "analyzer/lattice.h"
#include "analyzer/mempolicy.h"
#include "analyzer/pipeline.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

int main(int argc, char **argv)
{
    edra_pipeline *p = NULL;
    edra_error err = {0};
    edra_figures f;
    edra_search_result r;
    edra_search_opts o = EDRA_SEARCH_OPTS_INIT;
    const char *spec = NULL;
    int search = 0;
    struct stat st;

    edra_mempolicy_load(); /* as edra's main does */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--search") == 0)
            search = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            o.threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
            o.time_limit = atof(argv[++i]);
        else if (!spec && argv[i][0] != '-')
            spec = argv[i];
        else {
            fprintf(stderr, "usage: bench_scale SPEC [--search] [--threads N] [--time-limit S]\n");
            return 2;
        }
    }
    if (!spec) {
        fprintf(stderr, "usage: bench_scale SPEC [--search] [--threads N] [--time-limit S]\n");
        return 2;
    }
    double t0 = now_seconds();
    if (edra_pipeline_open(&p, spec, &err) < 0) {
        fprintf(stderr, "bench_scale: %s\n", err.msg);
        return 1;
    }
    double t1 = now_seconds();
    if (getenv("EDRA_BENCH_VERBOSE"))
        fprintf(stderr, "bench_scale: peak RSS after the load %ld kB\n", peak_rss_kb());
    if (edra_pipeline_assess(p, p->spec_levels, 1, &f, &err) < 0) {
        fprintf(stderr, "bench_scale: %s\n", err.msg);
        return 1;
    }
    double t2 = now_seconds();
    long assess_rss = peak_rss_kb(); /* the peak of load + assess: the search may add to it */
    edra_figures_clear(&f);
    double search_s = -1;
    unsigned long long checked = 0;
    double lattice = 1;
    for (size_t d = 0; d < p->md->n_qi; d++)
        lattice *= (double)edra_hierarchy_levels(p->md->qi_hier[d]);
    int optimal = 0;
    if (search) {
        o.population = p->population;
        double s0 = now_seconds();
        edra_mempolicy_search(); /* as edra's jobs do */
        if (edra_lattice_search(&r, p->md, &p->targets, &o, &err) < 0) {
            fprintf(stderr, "bench_scale: %s\n", err.msg);
            return 1;
        }
        search_s = now_seconds() - s0;
        checked = (unsigned long long)r.nodes_checked;
        optimal = r.proven_optimal;
        edra_lattice_result_clear(&r);
    }
    long rss = peak_rss_kb();
    const char *data = p->spec->data_path;
    double mb = stat(data, &st) == 0 ? (double)st.st_size / 1e6 : 0;
    /* rows qis sas distinct file_mb load_s load_mb_s assess_s search_s checked lattice
     * optimal rss_assess_kb rss_kb bytes_per_row (of the load + assess peak) */
    printf("%llu\t%zu\t%zu\t%zu\t%.1f\t%.3f\t%.0f\t%.3f\t%.3f\t%llu\t%.0f\t%d\t%ld\t%ld\t%.1f\n",
           (unsigned long long)p->md->n_records, p->md->n_qi, p->md->n_sa, p->md->n_tuples, mb,
           t1 - t0, mb / (t1 - t0), t2 - t1, search_s, checked, lattice, optimal, assess_rss, rss,
           (double)assess_rss * 1024.0 / (double)p->md->n_records);
    edra_pipeline_free(p);
    return 0;
}
