/* A hand-built run for the renderer tests (charts, PDF, XLSX): 1,000 records, three QIs
 * (age 4 levels, sex 2, zip 3), two sensitive attributes, population 100,000, a 24-node
 * lattice searched in full. Every figure below is worked by hand; the tests assert them in
 * the rendered output. Also file helpers for the tests that read what was written (the
 * includer defines _POSIX_C_SOURCE for mkdtemp). */
#ifndef EDRA_REPORT_FIXTURE_H
#define EDRA_REPORT_FIXTURE_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/hierarchy.h"
#include "report/run.h"

typedef struct {
    edra_hierarchy *hier[3];
    const edra_hierarchy *hier_c[3];
    const char *qi_names[3];
    const char *sa_names[2];
    uint32_t sa_domain[2];
    uint64_t qi_missing[3], sa_missing[2];
    const char *markers[2];
    edra_microdata md;
    edra_report_context ctx;
    uint8_t before_levels[3], after_levels[3];
    uint64_t before_size[9], before_classes[9], after_size[6], after_classes[6];
    edra_sa_figures sa[2];
    edra_target_result before_results[4], after_results[4];
    edra_figures before, after;
    uint8_t node_levels[24][3];
    edra_report_node nodes[24];
    double loss_per_qi[3];
    const char *controls[2], *triggers[2];
    const char *qi_types[3], *sa_types[2], *qi_sources[3], *dropped[1];
    edra_report_run run;
} report_fixture;

/* Records per risk bucket of a histogram (edges of metrics/risk.c). */
static inline void fixture_buckets(edra_risk_figures *r, const uint64_t *size, const uint64_t *classes,
                            size_t n)
{
    memset(r->bucket_records, 0, sizeof r->bucket_records);
    for (size_t i = 0; i < n; i++) {
        double p = 1.0 / (double)size[i];
        size_t b = 0;
        while (b + 1 < EDRA_RISK_BUCKETS && p > edra_risk_bucket_edges[b])
            b++;
        r->bucket_records[b] += size[i] * classes[i];
    }
}

static inline void fixture_result(edra_target_result *r, edra_target_kind kind, const char *name,
                           double target, double achieved, int met)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    snprintf(r->name, sizeof r->name, "%s", name);
    r->target = target;
    r->achieved = achieved;
    r->met = met;
}

static inline int fixture_build(report_fixture *fx)
{
    static const char *age[] = {"23", "20-29", "20-39", "*", "34", "30-39", "20-39", "*",
                                "37", "30-39", "20-39", "*", "45", "40-49", "40-59", "*",
                                "52", "50-59", "40-59", "*", "61", "60-69", "60-79", "*"};
    static const char *sex[] = {"F", "*", "M", "*"};
    static const char *zip[] = {"02138", "0213*", "*", "02139", "0213*", "*",
                                "02141", "0214*", "*", "10001", "1000*", "*"};
    edra_error err = {0, ""};
    memset(fx, 0, sizeof *fx);
    if (edra_hierarchy_new(&fx->hier[0], age, 6, 4, "age", &err) ||
        edra_hierarchy_new(&fx->hier[1], sex, 2, 2, "sex", &err) ||
        edra_hierarchy_new(&fx->hier[2], zip, 4, 3, "zip", &err))
        return -1;
    for (int i = 0; i < 3; i++)
        fx->hier_c[i] = fx->hier[i];
    fx->qi_names[0] = "age";
    fx->qi_names[1] = "sex";
    fx->qi_names[2] = "zip";
    fx->sa_names[0] = "diagnosis";
    fx->sa_names[1] = "length_of_stay";
    fx->sa_domain[0] = 5;
    fx->sa_domain[1] = 4;
    fx->qi_missing[2] = 7;
    fx->markers[0] = "";
    fx->markers[1] = "NA";
    fx->md.n_tuples = 412;
    fx->md.n_records = 1000;
    fx->md.n_qi = 3;
    fx->md.qi_names = fx->qi_names;
    fx->md.qi_hier = fx->hier_c;
    fx->md.n_sa = 2;
    fx->md.sa_names = fx->sa_names;
    fx->md.sa_domain = fx->sa_domain;

    fx->ctx.version = "0.1.0";
    fx->ctx.command = "run";
    fx->ctx.spec_path = "samples/discharge.yaml";
    fx->ctx.spec_sha256 = "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    fx->ctx.data_path = "samples/discharge.csv";
    fx->ctx.data_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    fx->ctx.source_rows = 1000;
    fx->ctx.source_columns = 7;
    fx->ctx.md = &fx->md;
    fx->ctx.qi_missing = fx->qi_missing;
    fx->ctx.sa_missing = fx->sa_missing;
    fx->ctx.n_missing_markers = 2;
    fx->ctx.missing_markers = fx->markers;
    fx->ctx.population = 100000;

    /* Before: classes by size {1:250, 2:80, 3:30, 4:20, 5:10, 10:5, 50:1, 120:1, 150:1}
     * = 398 classes; records 250+160+90+80+50+50+50+120+150 = 1000. k = 1, average risk
     * 398/1000 = 0.398, records at risk (1/size > 0.2: sizes 1..4) 580/1000 = 0.58. */
    static const uint64_t bs[9] = {1, 2, 3, 4, 5, 10, 50, 120, 150};
    static const uint64_t bc[9] = {250, 80, 30, 20, 10, 5, 1, 1, 1};
    memcpy(fx->before_size, bs, sizeof bs);
    memcpy(fx->before_classes, bc, sizeof bc);
    edra_figures *b = &fx->before;
    b->n_qi = 3;
    b->levels = fx->before_levels;
    b->records = 1000;
    b->prosecutor.records = 1000;
    b->prosecutor.classes = 398;
    b->prosecutor.k_min = 1;
    b->prosecutor.k_max = 150;
    b->prosecutor.sample_uniques = 250;
    b->prosecutor.threshold = 0.2;
    b->prosecutor.highest = 1.0;
    b->prosecutor.average = 0.398;
    b->prosecutor.lowest = 1.0 / 150;
    b->prosecutor.records_at_risk = 0.58;
    fixture_buckets(&b->prosecutor, bs, bc, 9);
    b->journalist = b->prosecutor;
    b->journalist_from_sample = 1;
    b->marketer = 0.398;
    b->has_population = 1;
    b->population.population = 100000;
    b->population.sampling_fraction = 0.01;
    b->population.pitman = (edra_popest){1, 123.0, 0.00123, NULL};
    b->population.zayatz = (edra_popest){1, 156.0, 0.00156, NULL};
    b->population.snb = (edra_popest){1, 98.0, 0.00098, NULL};
    b->population.dankar_choice = EDRA_POPMODEL_PITMAN;
    b->population.dankar_fraction = 0.00123;
    b->n_sizes = 9;
    b->hist_size = fx->before_size;
    b->hist_classes = fx->before_classes;

    /* After (age=2, sex=0, zip=1), 12 records suppressed, 988 released in classes
     * {11:8, 20:10, 30:5, 50:4, 100:2, 150:1} = 30 classes; 88+200+150+200+200+150 = 988.
     * k = 11, highest 1/11, average 30/988 = 0.030364, nothing above 0.2. */
    static const uint64_t as[6] = {11, 20, 30, 50, 100, 150};
    static const uint64_t ac[6] = {8, 10, 5, 4, 2, 1};
    memcpy(fx->after_size, as, sizeof as);
    memcpy(fx->after_classes, ac, sizeof ac);
    fx->after_levels[0] = 2;
    fx->after_levels[1] = 0;
    fx->after_levels[2] = 1;
    edra_figures *a = &fx->after;
    a->n_qi = 3;
    a->levels = fx->after_levels;
    a->records = 1000;
    a->suppressed = 12;
    a->suppression_applied = 1;
    a->prosecutor.records = 988;
    a->prosecutor.classes = 30;
    a->prosecutor.k_min = 11;
    a->prosecutor.k_max = 150;
    a->prosecutor.threshold = 0.2;
    a->prosecutor.highest = 1.0 / 11;
    a->prosecutor.average = 30.0 / 988;
    a->prosecutor.lowest = 1.0 / 150;
    fixture_buckets(&a->prosecutor, as, ac, 6);
    a->journalist = a->prosecutor;
    a->journalist_from_sample = 1;
    a->marketer = 30.0 / 988;
    a->has_population = 1;
    a->population.population = 100000;
    a->population.sampling_fraction = 0.00988;
    a->population.pitman = (edra_popest){1, 0.0, 0.0, NULL};
    a->population.zayatz = (edra_popest){1, 0.0, 0.0, NULL};
    a->population.snb = (edra_popest){0, NAN, NAN, "did not converge"};
    a->population.dankar_choice = EDRA_POPMODEL_PITMAN;
    a->population.dankar_fraction = 0.0;
    a->n_sizes = 6;
    a->hist_size = fx->after_size;
    a->hist_classes = fx->after_classes;
    fx->sa[0] = (edra_sa_figures){"diagnosis", 5, 3, 2.71, 2, 2, 0.21, NAN, 0.12};
    fx->sa[1] = (edra_sa_figures){"length_of_stay", 4, 2, 1.9, 2, 1, 0.3, 0.18, NAN};
    a->n_sa = 2;
    a->sa = fx->sa;

    fixture_result(&fx->before_results[0], EDRA_TARGET_K, "k", 11, 1, 0);
    fx->before_results[0].violating_classes = 395;
    fx->before_results[0].violating_records = 800;
    fixture_result(&fx->before_results[1], EDRA_TARGET_AVERAGE, "average risk", 0.05, 0.398, 0);
    fixture_result(&fx->before_results[2], EDRA_TARGET_LDIV, "l (distinct) on diagnosis", 2, 1, 0);
    fixture_result(&fx->before_results[3], EDRA_TARGET_SUPPRESSION, "suppression", 0.02, 0, 1);
    fixture_result(&fx->after_results[0], EDRA_TARGET_K, "k", 11, 11, 1);
    fixture_result(&fx->after_results[1], EDRA_TARGET_AVERAGE, "average risk", 0.05, 30.0 / 988, 1);
    fixture_result(&fx->after_results[2], EDRA_TARGET_LDIV, "l (distinct) on diagnosis", 2, 3, 1);
    fixture_result(&fx->after_results[3], EDRA_TARGET_SUPPRESSION, "suppression", 0.02, 0.012, 1);
    b->n_results = a->n_results = 4;
    b->results = fx->before_results;
    a->results = fx->after_results;
    b->targets_met = 0;
    a->targets_met = 1;

    /* The lattice 4 x 2 x 3 = 24 nodes, all checked. loss = (age/3 + sex/1 + zip/2) / 3;
     * a node meets the targets when age >= 2 and zip >= 1, suppressing 12 records at
     * (2,0,1) and 6 * (5 - age - zip) otherwise; failing nodes suppress nothing. The least
     * loss meeting them is (2,0,1): (2/3 + 0 + 1/2) / 3 = 0.388889. */
    size_t i = 0;
    for (int ag = 0; ag < 4; ag++)
        for (int sx = 0; sx < 2; sx++)
            for (int zp = 0; zp < 3; zp++, i++) {
                fx->node_levels[i][0] = (uint8_t)ag;
                fx->node_levels[i][1] = (uint8_t)sx;
                fx->node_levels[i][2] = (uint8_t)zp;
                fx->nodes[i].levels = fx->node_levels[i];
                fx->nodes[i].loss = (ag / 3.0 + sx / 1.0 + zp / 2.0) / 3.0;
                fx->nodes[i].meets = ag >= 2 && zp >= 1;
                fx->nodes[i].suppressed = !fx->nodes[i].meets ? 0
                                          : (ag == 2 && sx == 0 && zp == 1) ? 12
                                                                            : (uint64_t)(6 * (5 - ag - zp));
            }
    fx->loss_per_qi[0] = 2.0 / 3;
    fx->loss_per_qi[1] = 0;
    fx->loss_per_qi[2] = 0.5;

    fx->controls[0] = "The recipient keeps the data on an access-controlled research server.";
    fx->controls[1] = "No linkage with other datasets; no attempt to re-identify.";
    fx->triggers[0] = "A new data element is added to the release.";
    fx->triggers[1] = "The recipient changes or the data are shared further.";
    fx->qi_types[0] = "integer";
    fx->qi_types[1] = "string";
    fx->qi_types[2] = "string";
    fx->sa_types[0] = "string";
    fx->sa_types[1] = "ordinal";
    fx->qi_sources[0] = "intervals 10, 20";
    fx->qi_sources[1] = "flat";
    fx->qi_sources[2] = "mask 1 from right";
    fx->dropped[0] = "patient_id";

    edra_report_run *r = &fx->run;
    r->ctx = &fx->ctx;
    r->before = &fx->before;
    r->after = &fx->after;
    r->searched = 1;
    r->metric_name = "loss";
    r->loss = (2.0 / 3 + 0.5) / 3;
    r->loss_per_qi = fx->loss_per_qi;
    r->n_nodes = 24;
    r->nodes = fx->nodes;
    r->lattice_size = 24;
    r->found = 1;
    r->exhaustive = 1;
    r->proven_optimal = 1;
    r->coverage = 1;
    r->search_seconds = 0.25;
    r->run_id = "edra-20240301-5d41402a";
    r->created_iso = "2024-03-01T12:00:00Z";
    r->signer_fingerprint = NULL;
    r->spec_text = "data:\n  csv: discharge.csv\nattributes:\n  age: {role: quasi, type: integer}\n"
                   "targets:\n  k: 11\n  average_risk: 0.05\n";
    r->title = "Expert determination: hospital discharge extract";
    r->organisation = "Example Health System";
    r->dataset = "Discharges 2023";
    r->recipient = "University research group";
    r->expert = "Dr. Jane Roe";
    r->credentials = "PhD, biostatistics";
    r->validity = "24 months";
    r->n_controls = 2;
    r->controls = fx->controls;
    r->n_triggers = 2;
    r->triggers = fx->triggers;
    r->threat_model_note = "The recipient is a research group under a data use agreement.";
    r->qi_types = fx->qi_types;
    r->sa_types = fx->sa_types;
    r->qi_hierarchy_sources = fx->qi_sources;
    r->n_dropped = 1;
    r->dropped = fx->dropped;
    r->population_source = "size 100000";
    return 0;
}

static inline void fixture_free(report_fixture *fx)
{
    for (int i = 0; i < 3; i++)
        edra_hierarchy_free(fx->hier[i]);
}

/* The whole file at path, NUL-terminated (*len without the NUL), or NULL. */
static inline char *fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n = 0, cap = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (cap - n < 4096) {
            char *grown = realloc(data, cap ? cap * 2 : 65536);
            if (!grown) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = grown;
            cap = cap ? cap * 2 : 65536;
        }
        size_t got = fread(data + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

/* Runs a shell command (the tools poppler-utils and unzip); returns its exit status. */
static inline int fixture_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* Whether the program is on the PATH. */
static inline int fixture_have(const char *program)
{
    return fixture_sh("command -v %s >/dev/null 2>&1", program) == 0;
}

/* Removes the files in dir and dir itself. */
static inline void fixture_rmdir(const char *dir)
{
    fixture_sh("rm -rf '%s'", dir);
}

#endif
