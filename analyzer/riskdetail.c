/* Risk detail beyond the assessment: SUDA2 special uniques and QI-subset figures over the
 * classes of one transformation, bounded by --msu-max and --subsets-max, and the warnings
 * of the identifier scan. */
#define _POSIX_C_SOURCE 200809L
#include "riskdetail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/classes.h"
#include "../report/json.h"
#include "../report/summary.h"
#include "cli.h"
#include "phiscan.h"

/* Subsets of every size up to this many QIs (4,095 subsets); beyond, pairs and triples; and
 * by default no more than this many subset x class passes (a few seconds). */
#define ALL_SUBSETS_UP_TO 12
#define DEFAULT_SUBSET_SIZE 3
#define DEFAULT_SUBSET_WORK 2e8
#define SCAN_ROWS 500

int edra_riskdetail_option(edra_riskdetail_opts *o, const char *command, const char *name,
                           const char *arg)
{
    int msu = strcmp(name, "msu-max") == 0;
    if (!msu && strcmp(name, "subsets-max") != 0)
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < 0 || v > 64) {
        fprintf(stderr, "edra %s: --%s must be an integer in 0..64\n", command, name);
        return -1;
    }
    if (msu) {
        o->msu_set = 1;
        o->msu_max = (size_t)v;
    } else {
        o->subsets_set = 1;
        o->subsets_max = (size_t)v;
    }
    return 1;
}

/* The largest MSU and QI subset the options ask for, before the large-data bounds; a limit
 * above the QIs is taken as all. */
static void limits(const edra_riskdetail_opts *o, size_t n_qi, size_t *msu_max,
                   size_t *subsets_max)
{
    *msu_max = o->msu_set ? o->msu_max : n_qi;
    *subsets_max = o->subsets_set ? o->subsets_max
                                  : (n_qi <= ALL_SUBSETS_UP_TO ? n_qi : DEFAULT_SUBSET_SIZE);
    if (*msu_max > n_qi)
        *msu_max = n_qi;
    if (*subsets_max > n_qi)
        *subsets_max = n_qi;
}

int edra_riskdetail_compute(edra_riskdetail *out, const edra_microdata *md, const uint8_t *levels,
                            const edra_riskdetail_opts *o, edra_error *err)
{
    edra_classes *classes = NULL;
    size_t msu_max, subsets_max;
    memset(out, 0, sizeof *out);
    limits(o, md->n_qi, &msu_max, &subsets_max);
    if (msu_max == 0 && subsets_max == 0)
        return 0;
    int rc = edra_classes_compute(&classes, md, levels, err);
    if (rc < 0)
        return rc;
    rc = edra_riskdetail_compute_classes(out, classes, o, err);
    edra_classes_free(classes);
    return rc;
}

int edra_riskdetail_compute_classes(edra_riskdetail *out, const edra_classes *classes,
                                    const edra_riskdetail_opts *o, edra_error *err)
{
    const edra_microdata *md = edra_classes_microdata(classes);
    size_t n_qi = md->n_qi;
    size_t msu_max, subsets_max;
    int rc = 0;
    memset(out, 0, sizeof *out);
    limits(o, n_qi, &msu_max, &subsets_max);
    if (msu_max == 0 && subsets_max == 0)
        return 0;
    /* The default limit shrinks on large data: each subset is a pass over the classes. */
    double n_classes = (double)edra_classes_count(classes);
    while (!o->subsets_set && subsets_max > 1 &&
           (double)edra_contrib_subsets(n_qi, subsets_max) * n_classes > DEFAULT_SUBSET_WORK)
        subsets_max--;
    size_t suda_bound = o->suda_default_classes ? o->suda_default_classes
                                                : EDRA_SUDA_DEFAULT_CLASSES;
    if (!o->msu_set && msu_max > 0 && edra_classes_count(classes) > suda_bound) {
        out->suda_skipped_classes = edra_classes_count(classes);
        out->suda_skipped_bound = suda_bound;
        msu_max = 0;
    }
    if (msu_max > 0) {
        edra_suda_opts so = EDRA_SUDA_OPTS_INIT;
        so.max_size = msu_max;
        if ((rc = edra_suda_compute(&out->suda, classes, &so, err)) < 0)
            goto done;
        out->has_suda = 1;
    }
    if (subsets_max > 0) {
        if ((rc = edra_contrib_compute(&out->contrib, classes, subsets_max, err)) < 0)
            goto done;
        out->has_contrib = 1;
    }
done:
    if (rc < 0)
        edra_riskdetail_clear(out);
    return rc;
}

void edra_riskdetail_clear(edra_riskdetail *d)
{
    if (!d)
        return;
    edra_suda_clear(&d->suda);
    edra_contrib_clear(&d->contrib);
    memset(d, 0, sizeof *d);
}

void edra_riskdetail_note_skipped(const edra_riskdetail *d)
{
    if (d->suda_skipped_classes)
        fprintf(stderr,
                "edra: note: SUDA2 left out by default at %zu classes (more than %zu); "
                "--msu-max N runs it\n",
                d->suda_skipped_classes, d->suda_skipped_bound);
}

void edra_riskdetail_print(FILE *out, const edra_riskdetail *d, const edra_microdata *md)
{
    if (d->has_suda)
        edra_summary_print_suda(out, &d->suda, md);
    if (d->has_contrib)
        edra_summary_print_contrib(out, &d->contrib, md);
}

int edra_riskdetail_json(json_t *figures, const edra_riskdetail *d, const edra_microdata *md)
{
    json_t *suda = d->has_suda ? edra_json_suda(&d->suda, md) : json_null();
    json_t *contrib = d->has_contrib ? edra_json_contrib(&d->contrib, md) : json_null();
    if (!suda || !contrib) {
        json_decref(suda);
        json_decref(contrib);
        return EDRA_ENOMEM;
    }
    json_object_set_new(figures, "special_uniques", suda);
    json_object_set_new(figures, "subsets", contrib);
    return 0;
}

void edra_riskdetail_warn_identifiers(const edra_spec *spec)
{
    edra_phi_finding *found = NULL;
    size_t n = 0;
    edra_error err = {0};
    if (edra_phiscan(&found, &n, spec, SCAN_ROWS, &err) < 0) {
        fprintf(stderr, "edra: warning: the identifier scan did not complete: ");
        edra_cli_put_clean(stderr, err.msg);
        fputc('\n', stderr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        /* Column names come from the data: printed cleaned, like every quoted input. */
        fprintf(stderr, "edra: warning: column '");
        edra_cli_put_clean(stderr, found[i].column);
        fprintf(stderr, "' looks like %s (%s) but is not marked identifier\n", found[i].kind,
                found[i].by_values ? "by values" : "by name");
    }
    edra_phiscan_free(found, n);
}
