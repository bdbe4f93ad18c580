/* Safe Harbor identifier kinds by column name and value pattern, with POSIX extended regular
 * expressions: a name is lower-cased and matched by words (split at anything but letters and
 * digits); values are read from the first rows of the source (CSV or SQLite) and matched
 * one by one, never stored. */
#define _POSIX_C_SOURCE 200809L
#include "phiscan.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define B "(^|[^a-z0-9])"
#define E "([^a-z0-9]|$)"
#define NUM "([_ -]?(id|number|no|num|nr))?"

typedef struct {
    const char *kind;
    const char *name_re;    /* on the lower-cased name */
    const char *value_re;   /* case-insensitive, on the whole value; NULL = none */
} phi_kind;

/* First match wins, so the specific kinds come before the generic ones ("ip_address" is an
 * IP address, not an address; "patient_id" a record number, not just an id). */
static const phi_kind kinds[] = {
    {"a social security number", B "(ssn|social[_ -]?security" NUM ")" E,
     "^[0-9]{3}-[0-9]{2}-[0-9]{4}$"},
    {"a medical record number",
     B "(mrn|medical[_ -]?record" NUM "|patient" NUM "|chart[_ -]?(id|number|no))" E, NULL},
    {"a health plan beneficiary number",
     B "(member|beneficiary|health[_ -]?plan|insurance|policy|subscriber|medicaid|medicare)"
       "[_ -]?(id|number|no|num|nr)" E, NULL},
    {"an account number", B "(account|acct)" NUM E, NULL},
    {"a vehicle identifier", B "(vin|licen[cs]e[_ -]?plate|plate[_ -]?(number|no)|vehicle" NUM ")" E,
     "^[a-hj-npr-z0-9]{17}$"},
    {"a certificate or license number", B "(licen[cs]e|certificate)" NUM E, NULL},
    {"a device identifier", B "(device" NUM "|serial[_ -]?(number|no)|imei|udi)" E, NULL},
    {"an e-mail address", B "(e[_ -]?mail|mail)([_ -]?address)?" E,
     "^[^@[:space:]]+@[^@[:space:]]+\\.[a-z]{2,}$"},
    {"a fax number", B "fax" NUM E, NULL},
    {"a telephone number", B "(phone|telephone|tel|mobile|cell|cellphone)" NUM E,
     "^(\\+?1[-. ]?)?(\\([0-9]{3}\\)|[0-9]{3})[-. ]?[0-9]{3}[-. ]?[0-9]{4}$"},
    {"a web URL", B "(url|website|web[_ -]?(site|page|address)|homepage)" E, "^https?://[^[:space:]]+$"},
    {"an IP address", B "(ip|ip[_ -]?addr(ess)?)" E, "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$"},
    {"a biometric identifier", B "(fingerprint|biometric|voice[_ -]?print|retina|iris[_ -]?scan)" E, NULL},
    {"a full-face photograph", B "(photo|photograph|picture|image|face|portrait)" E, NULL},
    {"a name", B "((first|last|given|family|full|middle|maiden|patient|sur)[_ -]?)?names?" E, NULL},
    {"an address", B "(address|addr|street|city|town|county|precinct|geocode|latitude|longitude)" E, NULL},
    {"a ZIP code", B "(zip|zipcode|zip[_ -]?code|postal([_ -]?code)?|postcode)" E,
     "^[0-9]{5}(-[0-9]{4})?$"},
    {"a full date", B "(date|dob|dod|birth[_ -]?date|birthday|date[_ -]?of[_ -]?(birth|death))" E,
     "^([0-9]{4}-[0-9]{2}-[0-9]{2}([t ][0-9:.]+z?)?|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})$"},
    {"an age over 89", B "age" E, NULL},
    {"another identifying number", B "(id|uid|uuid|guid|identifier)" E, NULL},
};

#define N_KINDS (sizeof kinds / sizeof kinds[0])
#define AGE_KIND (N_KINDS - 2)

typedef struct {
    regex_t name[N_KINDS];
    regex_t value[N_KINDS];
    int compiled;
} patterns;

static void patterns_free(patterns *p)
{
    for (int k = 0; k < p->compiled; k++) {
        regfree(&p->name[k]);
        if (kinds[k].value_re)
            regfree(&p->value[k]);
    }
    p->compiled = 0;
}

static int patterns_init(patterns *p, edra_error *err)
{
    p->compiled = 0;
    for (size_t k = 0; k < N_KINDS; k++) {
        if (regcomp(&p->name[k], kinds[k].name_re, REG_EXTENDED | REG_NOSUB) != 0)
            goto fail;
        if (kinds[k].value_re &&
            regcomp(&p->value[k], kinds[k].value_re, REG_EXTENDED | REG_NOSUB | REG_ICASE) != 0) {
            regfree(&p->name[k]);
            goto fail;
        }
        p->compiled++;
    }
    return 0;
fail:
    patterns_free(p);
    return edra_error_set(err, EDRA_EINTERNAL, "an identifier pattern does not compile");
}

/* Index of the kind name looks like, or -1. */
static int name_kind(const patterns *p, const char *name)
{
    char lower[256];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    lower[i] = '\0';
    for (size_t k = 0; k < N_KINDS; k++)
        if (regexec(&p->name[k], lower, 0, NULL, 0) == 0)
            return (int)k;
    return -1;
}

const char *edra_phiscan_name(const char *name)
{
    patterns p;
    if (patterns_init(&p, NULL) < 0)
        return NULL;
    int k = name_kind(&p, name);
    patterns_free(&p);
    return k < 0 ? NULL : kinds[k].kind;
}

const char *edra_phiscan_value(const char *value)
{
    patterns p;
    const char *kind = NULL;
    if (patterns_init(&p, NULL) < 0)
        return NULL;
    for (size_t k = 0; k < N_KINDS && !kind; k++)
        if (kinds[k].value_re && regexec(&p.value[k], value, 0, NULL, 0) == 0)
            kind = kinds[k].kind;
    patterns_free(&p);
    return kind;
}

/* ---- the scan ---- */

typedef struct {
    int skip;                /* identifier, count or weight column */
    int numeric;             /* declared integer or decimal: five digits are a number there */
    int name_kind;
    int age_over_89;
    size_t values;           /* non-missing values seen */
    size_t matches[N_KINDS];
} column_scan;

static int is_missing(const edra_spec *spec, const char *value)
{
    for (size_t i = 0; i < spec->n_missing; i++)
        if (strcmp(spec->missing[i], value) == 0)
            return 1;
    return 0;
}

static void scan_value(const patterns *p, const edra_spec *spec, column_scan *c, const char *value)
{
    if (c->skip || is_missing(spec, value))
        return;
    c->values++;
    for (size_t k = 0; k < N_KINDS; k++)
        if (kinds[k].value_re && regexec(&p->value[k], value, 0, NULL, 0) == 0)
            c->matches[k]++;
    if (c->name_kind == (int)AGE_KIND) {
        char *end = NULL;
        errno = 0;
        double age = strtod(value, &end);
        if (end != value && !*end && !errno && isfinite(age) && age > 89)
            c->age_over_89 = 1;
    }
}

static int setup_columns(column_scan **out, const patterns *p, const edra_spec *spec,
                         char *const *names, size_t n_names, edra_error *err)
{
    column_scan *cols = calloc(n_names ? n_names : 1, sizeof *cols);
    if (!cols)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
    for (size_t c = 0; c < n_names; c++) {
        const edra_spec_attr *a = edra_spec_find(spec, names[c]);
        cols[c].skip = (a && a->role == EDRA_ROLE_IDENTIFIER) ||
                       (spec->count_column && strcmp(spec->count_column, names[c]) == 0) ||
                       (spec->weight_column && strcmp(spec->weight_column, names[c]) == 0);
        cols[c].numeric = a && (a->type == EDRA_TYPE_INTEGER || a->type == EDRA_TYPE_DECIMAL);
        cols[c].name_kind = name_kind(p, names[c]);
    }
    *out = cols;
    return 0;
}

static int scan_csv(column_scan **cols, char ***names_out, size_t *n_names, const patterns *p,
                    const edra_spec *spec, size_t sample_rows, edra_error *err)
{
    edra_csv *csv = NULL;
    char **fields;
    size_t *lengths, n_fields;
    int rc = edra_csv_open(&csv, spec->data_path, spec->delimiter, err);
    if (rc < 0)
        return rc;
    rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err);
    if (rc <= 0)
        goto done;
    char **names = calloc(n_fields ? n_fields : 1, sizeof *names);
    if (!names) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
        goto done;
    }
    *names_out = names;
    *n_names = n_fields;
    for (size_t c = 0; c < n_fields; c++)
        if (!(names[c] = strdup(fields[c]))) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
            goto done;
        }
    if ((rc = setup_columns(cols, p, spec, names, n_fields, err)) < 0)
        goto done;
    for (size_t row = 0; row < sample_rows && (rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err)) == 1;
         row++)
        for (size_t c = 0; c < n_fields && c < *n_names; c++)
            scan_value(p, spec, &(*cols)[c], fields[c]);
    if (rc > 0)
        rc = 0;
done:
    edra_csv_free(csv);
    return rc;
}

static int scan_sqlite(column_scan **cols, char ***names_out, size_t *n_names, const patterns *p,
                       const edra_spec *spec, size_t sample_rows, edra_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    char *sql = NULL;
    int rc = 0;
    if (sqlite3_open_v2(spec->data_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", spec->data_path, db ? sqlite3_errmsg(db) : "cannot open");
        goto done;
    }
    sql = spec->source == EDRA_SOURCE_SQLITE_TABLE
              ? sqlite3_mprintf("SELECT * FROM \"%w\"", spec->sqlite_table)
              : sqlite3_mprintf("%s", spec->sqlite_query);
    if (!sql) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
        goto done;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = edra_error_set(err, EDRA_EDB, "%s: %s", spec->data_path, sqlite3_errmsg(db));
        goto done;
    }
    size_t n = (size_t)sqlite3_column_count(stmt);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!names) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
        goto done;
    }
    *names_out = names;
    *n_names = n;
    for (size_t c = 0; c < n; c++)
        if (!(names[c] = strdup(sqlite3_column_name(stmt, (int)c)))) {
            rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
            goto done;
        }
    if ((rc = setup_columns(cols, p, spec, names, n, err)) < 0)
        goto done;
    for (size_t row = 0; row < sample_rows; row++) {
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = edra_error_set(err, EDRA_EDB, "%s: %s", spec->data_path, sqlite3_errmsg(db));
            goto done;
        }
        for (size_t c = 0; c < n; c++) {
            const unsigned char *text = sqlite3_column_text(stmt, (int)c);
            scan_value(p, spec, &(*cols)[c], text ? (const char *)text : "");
        }
    }
done:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    sqlite3_free(sql);
    return rc;
}

int edra_phiscan(edra_phi_finding **out, size_t *n_out, const edra_spec *spec,
                 size_t sample_rows, edra_error *err)
{
    patterns p;
    column_scan *cols = NULL;
    char **names = NULL;
    size_t n_names = 0, n = 0;
    edra_phi_finding *found = NULL;
    int rc = patterns_init(&p, err);
    *out = NULL;
    *n_out = 0;
    if (rc < 0)
        return rc;
    rc = spec->source == EDRA_SOURCE_CSV ? scan_csv(&cols, &names, &n_names, &p, spec, sample_rows, err)
                                         : scan_sqlite(&cols, &names, &n_names, &p, spec, sample_rows, err);
    if (rc < 0 || !cols)
        goto done;
    found = calloc(n_names ? n_names : 1, sizeof *found);
    if (!found) {
        rc = edra_error_set(err, EDRA_ENOMEM, "out of memory scanning for identifiers");
        goto done;
    }
    for (size_t c = 0; c < n_names; c++) {
        const column_scan *col = &cols[c];
        int kind = -1, by_values = 0;
        if (col->skip)
            continue;
        /* 9 in 10 values: a free-text or mixed column is not flagged by a stray match. */
        for (size_t k = 0; k < N_KINDS && kind < 0; k++)
            if (col->values && 10 * col->matches[k] >= 9 * col->values &&
                !(col->numeric && kinds[k].value_re && strstr(kinds[k].kind, "ZIP"))) {
                kind = (int)k;
                by_values = 1;
            }
        if (kind < 0 && col->age_over_89) {
            kind = (int)AGE_KIND;
            by_values = 1;
        }
        /* An age column is flagged only when it holds an age over 89 (Safe Harbor keeps the
         * others). */
        if (kind < 0 && col->name_kind >= 0 && col->name_kind != (int)AGE_KIND)
            kind = col->name_kind;
        if (kind < 0)
            continue;
        found[n].column = names[c];
        names[c] = NULL;
        found[n].kind = kinds[kind].kind;
        found[n].by_values = by_values;
        n++;
    }
    *out = found;
    *n_out = n;
    found = NULL;
done:
    patterns_free(&p);
    for (size_t c = 0; names && c < n_names; c++)
        free(names[c]);
    free(names);
    free(cols);
    edra_phiscan_free(found, n);
    return rc;
}

void edra_phiscan_free(edra_phi_finding *findings, size_t n)
{
    if (!findings)
        return;
    for (size_t i = 0; i < n; i++)
        free(findings[i].column);
    free(findings);
}
