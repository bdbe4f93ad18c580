/* Population uniqueness from the sample's frequencies of frequencies: Pitman (Hoshino 2001),
 * Zayatz (1991), SNB (Chen & Keller-McNulty 1998), and the Dankar et al. (2012) rule that
 * chooses among them by sampling fraction. GSL does the numerics; no I/O. */
#ifndef EDRA_POPULATION_H
#define EDRA_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum {
    EDRA_POPMODEL_NONE = 0,
    EDRA_POPMODEL_PITMAN,
    EDRA_POPMODEL_ZAYATZ,
    EDRA_POPMODEL_SNB
} edra_popmodel;

/* One estimator's answer. ok = 0 when it did not converge or is undefined for these
 * data; then uniques is NaN and why says in a few words what happened. */
typedef struct {
    int ok;
    double uniques;        /* estimated population uniques (a count of individuals) */
    double fraction;       /* uniques / N: the figure ARX reports */
    const char *why;       /* static text when !ok, else NULL */
} edra_popest;

typedef struct {
    double population;      /* N */
    double sampling_fraction; /* n / N */
    edra_popest pitman, zayatz, snb;
    edra_popmodel dankar_choice; /* the model the rule chose, NONE when none could */
    double dankar_fraction;      /* the chosen model's fraction (NaN when NONE) */
} edra_population_figures;

/* Frequencies of frequencies: n_sizes pairs (class size, number of classes of that size),
 * sizes ascending and distinct, counts > 0. n = sum size*count records, N >= n. */
typedef struct {
    size_t n_sizes;
    const uint64_t *size;
    const uint64_t *classes;
} edra_freqfreq;

/* Fills out with every estimator and the Dankar rule's choice for population size N.
 * Returns 0, or EDRA_ERANGE when N < n or the table is empty. Non-convergence of a
 * model is not an error: it is reported in that model's edra_popest. */
int edra_population_estimate(edra_population_figures *out, const edra_freqfreq *ff,
                             double population, edra_error *err);

/* The individual estimators, same contract as above. */
edra_popest edra_population_pitman(const edra_freqfreq *ff, double population);
edra_popest edra_population_zayatz(const edra_freqfreq *ff, double population);
edra_popest edra_population_snb(const edra_freqfreq *ff, double population);

/* Display name of a model ("Pitman", ...). */
const char *edra_popmodel_name(edra_popmodel m);

#endif
