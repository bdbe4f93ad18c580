/* A check of the spec against HIPAA's 18 Safe Harbor identifier kinds (45 CFR
 * 164.514(b)(2)(i)): columns of the source that look like names, addresses, ZIP codes, full
 * dates, ages over 89, telephone or fax numbers, e-mail addresses, SSNs, medical record,
 * health plan, account, licence, vehicle or device numbers, URLs, IP addresses, biometric
 * identifiers, photographs or other identifying numbers, by their name or by the pattern of
 * their values, but are not marked identifier. Values are only matched, never kept. */
#ifndef EDRA_PHISCAN_H
#define EDRA_PHISCAN_H

#include <stddef.h>

#include "../metrics/error.h"
#include "spec.h"

typedef struct {
    char *column;           /* the column's name (the caller's, freed by edra_phiscan_free) */
    const char *kind;       /* static: "a ZIP code", "a full date", ... */
    int by_values;          /* 1: its values have the kind's pattern; 0: only its name */
} edra_phi_finding;

/* The kind a column name looks like ("a social security number"), or NULL. */
const char *edra_phiscan_name(const char *name);

/* The kind a single value looks like (by the value patterns: ZIP code, full date, telephone
 * number, e-mail address, SSN, VIN, URL, IP address), or NULL. */
const char *edra_phiscan_value(const char *value);

/* Scans every column of the spec's source that the spec does not mark identifier (the count
 * and weight columns aside): by its values, when at least 90% of the first sample_rows
 * non-missing values have one kind's pattern (an age column when one value exceeds 89), else
 * by its name. Returns 0 with the findings in source column order (*out is the caller's,
 * released with edra_phiscan_free), or EDRA_EIO / EDRA_EPARSE / EDRA_EDB / EDRA_ENOMEM. */
int edra_phiscan(edra_phi_finding **out, size_t *n_out, const edra_spec *spec,
                 size_t sample_rows, edra_error *err);

void edra_phiscan_free(edra_phi_finding *findings, size_t n);

#endif
