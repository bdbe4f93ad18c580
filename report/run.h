/* What the rendered reports (PDF, XLSX, charts) need from one run: the context, the figures of
 * the data as they stand and of the chosen transformation, the lattice nodes the search
 * checked and the spec's report block. A plain struct the analyzer fills; report/ never
 * reaches into analyzer/. Also the formatting helpers the renderers share. */
#ifndef EDRA_RUN_H
#define EDRA_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../metrics/assessment.h"
#include "../metrics/error.h"
#include "context.h"

/* One lattice node the search checked (analyzer/lattice.h's edra_search_node). */
typedef struct {
    const uint8_t *levels;     /* [n_qi] */
    int meets;                 /* 1 meets every target, 0 does not, -1 meets the class-level
                                  targets but the others were not evaluated */
    double loss;               /* under the run's metric, as released */
    uint64_t suppressed;       /* records suppressed */
} edra_report_node;

typedef struct {
    const edra_report_context *ctx;   /* required: source, hashes, attributes */
    const edra_figures *before;       /* required: the data as they stand */
    const edra_figures *after;        /* the chosen transformation; NULL = assessment only */

    /* the search (n_nodes = 0 and searched = 0 when none ran) */
    int searched;
    const char *metric_name;          /* "loss", "precision", ... */
    double loss;                      /* the chosen transformation's loss */
    const double *loss_per_qi;        /* [n_qi] each QI's share, NaN where not per QI; or NULL */
    size_t n_nodes;
    const edra_report_node *nodes;    /* [n_nodes] every checked node */
    double lattice_size;              /* nodes in the lattice */
    int found;                        /* a node meets every target */
    int exhaustive;                   /* the optimal algorithm ran (not the best-effort one) */
    int proven_optimal;
    int timed_out;
    double coverage;                  /* share of the lattice resolved */
    double search_seconds;

    /* identity, time and signature */
    const char *run_id;               /* the determination ID */
    const char *created_iso;          /* required: "YYYY-MM-DDThh:mm:ssZ" (SOURCE_DATE_EPOCH) */
    const char *signer_fingerprint;   /* hex fingerprint of the signing key; NULL = unsigned */
    const char *spec_text;            /* the full spec, for the appendix; may be NULL */
    const char *history_text;         /* the previous run and what changed since, one statement
                                         a line (analyzer/recorder); NULL = no history section */

    /* the spec's report block; NULL when absent */
    const char *title, *organisation, *dataset, *recipient, *expert, *credentials, *validity;
    size_t n_controls;
    const char *const *controls;
    size_t n_triggers;
    const char *const *triggers;
    const char *threat_model_note;

    /* attribute details from the spec; each array NULL when unknown */
    const char *const *qi_types;      /* [n_qi] "integer", "date", ... */
    const char *const *sa_types;      /* [n_sa] */
    const char *const *qi_hierarchy_sources; /* [n_qi] "adult_age.csv", "intervals 5, 10" */
    size_t n_dropped;
    const char *const *dropped;       /* identifier columns dropped from the release */
    const char *population_source;    /* how N was set ("region USA"), NULL = not given */
} edra_report_run;

/* Checks what every renderer relies on: ctx, ctx->md, before, the QI counts agreeing and
 * created_iso parsing. Returns 0 or EDRA_EUSAGE / EDRA_ERANGE with a message. */
int edra_report_run_check(const edra_report_run *run, edra_error *err);

/* Parses "YYYY-MM-DDThh:mm:ss" with an optional "Z" (UTC) into seconds since the epoch.
 * Returns 0 or EDRA_ERANGE. */
int edra_report_parse_time(const char *iso, time_t *out, edra_error *err);

/* The figures the report's results describe: after when given, else before. */
const edra_figures *edra_report_final(const edra_report_run *run);

/* The finest generalization level of quasi-identifier qi whose values the reports may show:
 * the level released (after), the data's own values for an assessment alone, and only the
 * top of the hierarchy when a search found nothing to release. */
size_t edra_report_shown_level(const edra_report_run *run, size_t qi);

/* "12,345": a count with thousands separators. Returns buf. */
char *edra_report_fmt_count(char *buf, size_t size, uint64_t x);

/* A figure with up to digits significant digits, "n/a" for NaN, "inf". Returns buf. */
char *edra_report_fmt_num(char *buf, size_t size, double x, int digits);

/* "age=2, zip=3" for the levels of f. Returns buf (truncated to size). */
char *edra_report_fmt_levels(char *buf, size_t size, const edra_report_context *ctx,
                             const uint8_t *levels);

#endif
