/* Loading and encoding: reads the spec's source (a CSV file, or a table or query of a SQLite
 * database), keeps only the columns the spec uses, dictionary-encodes them, attaches each
 * QI's hierarchy (file, builder, or the flat default) and aggregates identical rows into
 * the counted tuples of an edra_microdata. Identifier columns are only checked to exist. */
#ifndef EDRA_DATASET_H
#define EDRA_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/microdata.h"
#include "spec.h"

typedef struct edra_dataset edra_dataset;

/* Loads the data the spec names. Returns 0, or EDRA_EIO / EDRA_EPARSE / EDRA_EDATA /
 * EDRA_ESPEC (a column the data lack: "spec:LINE:COL: ...") / EDRA_EDB / EDRA_ENOMEM. */
int edra_dataset_load(edra_dataset **out, const edra_spec *spec, edra_error *err);

void edra_dataset_free(edra_dataset *ds);

/* The encoded data (borrowed; lives as long as ds). */
const edra_microdata *edra_dataset_microdata(const edra_dataset *ds);

/* Records read (rows, or the sum of the count column for pre-aggregated input). */
uint64_t edra_dataset_records(const edra_dataset *ds);

/* Columns in the source, and rows of the source file (excluding the header). */
size_t edra_dataset_source_columns(const edra_dataset *ds);
uint64_t edra_dataset_source_rows(const edra_dataset *ds);

/* Hex SHA-256 of the input file (the CSV, or the SQLite database file). */
const char *edra_dataset_sha256(const edra_dataset *ds);

/* The spec attribute behind QI d / SA s (borrowed from the spec). */
const edra_spec_attr *edra_dataset_qi_attr(const edra_dataset *ds, size_t d);
const edra_spec_attr *edra_dataset_sa_attr(const edra_dataset *ds, size_t s);

/* Records whose value of QI d / SA s was a missing-value marker. */
uint64_t edra_dataset_qi_missing(const edra_dataset *ds, size_t d);
uint64_t edra_dataset_sa_missing(const edra_dataset *ds, size_t s);

/* Index of the QI / SA named name, or -1. */
int edra_dataset_qi_index(const edra_dataset *ds, const char *name);
int edra_dataset_sa_index(const edra_dataset *ds, const char *name);

/* Seconds spent reading and encoding. */
double edra_dataset_load_seconds(const edra_dataset *ds);

#endif
