/* A population table (the spec's population: {table: pop.csv}): the quasi-identifier
 * columns at level 0 and a `count` column giving how many people of the population carry
 * each combination. For a transformation it gives each sample class's population size F_c,
 * the denominator of journalist and marketer risk (El Emam 2013, ch. 14). */
#ifndef EDRA_POPTABLE_H
#define EDRA_POPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/classes.h"
#include "dataset.h"
#include "spec.h"

typedef struct edra_poptable edra_poptable;

/* Reads spec->pop_table (delimiter detected from its header) against the data's QIs and
 * hierarchies and precomputes each population value's code at every level of its QI's
 * hierarchy. A value absent from a file hierarchy is an error ("pop.csv:LINE: ..."); for a
 * built or flat hierarchy it is labelled by the same builder, and a label the sample lacks
 * matches no class. Returns 0, EDRA_EIO, EDRA_EPARSE, EDRA_EDATA (no QI column or count
 * column, a bad count, a value outside a hierarchy), EDRA_ERANGE (more people than the
 * population size, when population > 0) or EDRA_ENOMEM. *out is the caller's. */
int edra_poptable_load(edra_poptable **out, const edra_spec *spec, const edra_dataset *data,
                       double population, edra_error *err);

void edra_poptable_free(edra_poptable *pt);

/* People in the table (the sum of the count column). */
uint64_t edra_poptable_people(const edra_poptable *pt);

/* F_c for every class of classes (computed on the data given to edra_poptable_load): the
 * people whose QI values, generalized by the classes' levels, equal the class's. *out has
 * edra_classes_count entries and is the caller's (free). Returns 0, EDRA_ENOMEM, or
 * EDRA_EDATA when a class has fewer people than sample records. */
int edra_poptable_sizes(uint64_t **out, const edra_poptable *pt, const edra_classes *classes,
                        edra_error *err);

#endif
