/* The HIPAA Safe Harbor version of a dataset (45 CFR 164.514(b)(2)) from the spec's
 * attribute types: dates to their year, ages over 89 to "90+", ZIP codes to their first three
 * digits or "000" for the 17 three-digit areas of 20,000 people or fewer (2000 census, as
 * listed by HHS), direct identifiers removed. It is built as a hierarchy per transformed QI
 * (value -> Safe Harbor value -> *), so every figure of edra comes out of the usual
 * assessment at level 1: the benchmark an expert sets the achieved risk against. */
#ifndef EDRA_SAFEHARBOR_H
#define EDRA_SAFEHARBOR_H

#include <stddef.h>
#include <stdint.h>

#include "../metrics/assessment.h"
#include "../metrics/classes.h"
#include "pipeline.h"

typedef enum {
    EDRA_SH_KEEP = 0,   /* not one of the kinds below: left as it is */
    EDRA_SH_DATE,       /* a date: its year */
    EDRA_SH_AGE,        /* an age: over 89 becomes "90+" */
    EDRA_SH_ZIP         /* a ZIP code: three digits, "000" for the restricted areas */
} edra_sh_kind;

/* How Safe Harbor treats attribute a: its safe_harbor key when given, else type date -> DATE,
 * an integer or decimal named like an age ("age", "age_years", "patient-age") -> AGE, a
 * column named like a ZIP code ("zip", "zipcode", "postal_code") -> ZIP, else KEEP. */
edra_sh_kind edra_safeharbor_kind(const edra_spec_attr *a);

/* A name for kind: "date", "age", "ZIP code", "kept". */
const char *edra_safeharbor_kind_name(edra_sh_kind kind);

/* Whether the three characters at prefix are one of the 17 restricted three-digit ZIP areas
 * (036, 059, 063, 102, 203, 556, 692, 790, 821, 823, 830, 831, 878, 879, 884, 890, 893). */
int edra_safeharbor_zip_restricted(const char *prefix);

/* Writes the Safe Harbor value of value under kind to buf (at least 32 bytes): a date's
 * year ("%Y", read with date_format, NULL = "%Y-%m-%d"); an age above 89 as "90+"; a ZIP
 * code's first three digits, "000" for a restricted area or a value not starting with three
 * digits; KEEP copies the value. Returns 1 when the value changed, 0 when kept, -1 for a
 * date that does not read (buf gets "*": the value is suppressed). */
int edra_safeharbor_value(char *buf, size_t size, edra_sh_kind kind, const char *value,
                          const char *date_format);

typedef struct edra_safeharbor edra_safeharbor;

/* Builds the Safe Harbor version of p's data: the same tuples, each transformed QI with a
 * hierarchy (its values, their Safe Harbor values, *); missing-value markers are kept.
 * Sensitive and insensitive attributes are left as they are (see edra_safeharbor_untreated).
 * Returns 0, EDRA_ENOMEM or EDRA_EDATA. *out is the caller's; it borrows p, which must
 * outlive it. */
int edra_safeharbor_build(edra_safeharbor **out, const edra_pipeline *p, edra_error *err);

void edra_safeharbor_free(edra_safeharbor *sh);

/* The data with the Safe Harbor hierarchies (borrowed) and the levels that apply them
 * ([n_qi]: 1 for a transformed QI, else 0). */
const edra_microdata *edra_safeharbor_microdata(const edra_safeharbor *sh);
const uint8_t *edra_safeharbor_levels(const edra_safeharbor *sh);

/* How QI d was treated, the records whose value changed, those set to "000" (ZIP) and those
 * suppressed because the date did not read. */
edra_sh_kind edra_safeharbor_qi_kind(const edra_safeharbor *sh, size_t d);
uint64_t edra_safeharbor_qi_changed(const edra_safeharbor *sh, size_t d);
uint64_t edra_safeharbor_qi_restricted(const edra_safeharbor *sh, size_t d);
uint64_t edra_safeharbor_qi_unreadable(const edra_safeharbor *sh, size_t d);

/* Attributes of the spec that are not QIs but are dates, ages or ZIP codes by the rules of
 * edra_safeharbor_kind: a Safe Harbor release must treat them too, though they do not enter
 * the figures. Returns their number; names[i] (borrowed from the spec) for i < max. */
size_t edra_safeharbor_untreated(const edra_safeharbor *sh, const char **names, size_t max);

/* The classes of the Safe Harbor version. */
int edra_safeharbor_classes(edra_classes **out, const edra_safeharbor *sh, edra_error *err);

/* Every figure of the Safe Harbor version, judged against p's targets (with
 * apply_suppression, classes violating a class-level target are suppressed within the
 * spec's limit). Same returns as edra_assess. */
int edra_safeharbor_assess(const edra_safeharbor *sh, int apply_suppression, edra_figures *out,
                           edra_error *err);

#endif
