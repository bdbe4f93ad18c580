/* Special uniques: the minimal sample uniques (MSUs) of each record, found with the SUDA2
 * recursive search (Manning, Haglin & Keane 2008), the SUDA score of each record and its
 * DIS-SUDA score (Elliot et al. 2002), and each QI's share of the total score, with the
 * scoring of sdcMicro's suda2 (original_scores = TRUE). A missing-value marker is a value
 * like any other here, as in every figure of edra (sdcMicro leaves missing values out of
 * MSUs). */
#ifndef EDRA_SUDA_H
#define EDRA_SUDA_H

#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "error.h"

#define EDRA_SUDA_DIS_BUCKETS 9

typedef struct {
    size_t max_size;      /* largest MSU searched (1..QIs); 0 = all QIs */
    double dis_fraction;  /* sampling fraction of the DIS-SUDA score, in (0, 1) */
} edra_suda_opts;

#define EDRA_SUDA_OPTS_INIT { 0, 0.01 }

typedef struct {
    size_t n_qi;                 /* M */
    size_t max_size;             /* the limit searched */
    double dis_fraction;
    size_t n_rows;               /* rows of the table (classes when from classes) */
    uint64_t records;
    uint64_t uniques;            /* records unique on all QIs */
    uint64_t pair_records;       /* records whose QI combination exactly two records share */
    uint64_t records_with_msu;   /* records with at least one MSU */
    uint64_t msus;               /* MSUs found */
    uint64_t *msus_by_size;      /* [n_qi + 1]: MSUs of each size (index 0 unused) */
    double *size_score;          /* [n_qi + 1]: score of one MSU of size k, prod_{i=k}^{M-1}(M-i) */
    double total_score;          /* sum of the records' SUDA scores */
    double *contribution;        /* [n_qi] percent of the total score from MSUs holding QI d
                                    (the shares add up to more than 100: an MSU holds several) */
    double dis;                  /* file-level probability that a unique is a population unique */
    uint32_t *row_msus;          /* [n_rows] MSUs of the row's record */
    double *score;               /* [n_rows] SUDA score of the row's records (0 if not unique) */
    double *dis_score;           /* [n_rows] DIS-SUDA score of the row's records */
    double dis_highest;
    uint64_t dis_buckets[EDRA_SUDA_DIS_BUCKETS]; /* records with DIS-SUDA == 0, in (0, 0.1],
                                    (0.1, 0.2], ..., (0.6, 0.7], > 0.7 (sdcMicro's table) */
    double seconds;              /* time of the search and scoring */
} edra_suda_figures;

/* SUDA2 over a table of n_rows rows of n_qi codes (row-major, codes[r * n_qi + d]), row r
 * standing for counts[r] >= 1 records; equal rows are merged (each then gets the merged
 * row's figures). Returns 0, EDRA_ERANGE (no QI, more than 64, a limit above n_qi, or a
 * DIS fraction outside (0, 1)) or EDRA_ENOMEM. The figures are the caller's:
 * edra_suda_clear releases them. */
int edra_suda_table(edra_suda_figures *out, const uint32_t *codes, const uint64_t *counts,
                    size_t n_rows, size_t n_qi, const edra_suda_opts *opts, edra_error *err);

/* SUDA2 over the classes of a transformation (the data with their QIs generalized): the rows
 * are the classes, so per-row figures are per class. Same returns as edra_suda_table. */
int edra_suda_compute(edra_suda_figures *out, const edra_classes *classes,
                      const edra_suda_opts *opts, edra_error *err);

void edra_suda_clear(edra_suda_figures *f);

#endif
