/* `edra hierarchy SPEC ATTR`: prints the hierarchy edra uses for one attribute (its file,
 * its builder's result, or the flat default of a quasi-identifier, all over the data's
 * values) in ARX's CSV layout, so it can be reviewed and filed with the determination. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "commands.h"
#include "dataset.h"
#include "spec.h"

const edra_cli_option edra_hierarchy_options[] = {
    {"delimiter", 'd', "CHAR", "cell separator: one character, or 'tab' / '\\t' (default ';', "
                               "as ARX writes)"},
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *delimiter;
} hierarchy_args;

static int on_option(const char *name, const char *arg, void *state)
{
    hierarchy_args *a = state;
    if (strcmp(name, "delimiter") == 0)
        a->delimiter = arg;
    return 0;
}

static int parse_delimiter(const char *text, char *out, edra_error *err)
{
    if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0 || strcmp(text, "\t") == 0) {
        *out = '\t';
        return 0;
    }
    if (strlen(text) != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r')
        return edra_error_set(err, EDRA_EUSAGE,
                              "--delimiter: '%s' is not one character other than a quote or a "
                              "line break", text);
    *out = text[0];
    return 0;
}

/* The hierarchy without the leaves of an empty missing-value marker: a hierarchy file cannot
 * hold an empty cell, and the loader adds such a leaf by itself. *out is NULL when there is
 * none to drop (print h as it is). */
static int without_empty_leaves(edra_hierarchy **out, const edra_hierarchy *h, edra_error *err)
{
    size_t leaves = edra_hierarchy_leaves(h), n_levels = edra_hierarchy_levels(h), kept = 0;
    const char **cells = NULL;
    int rc = 0;
    *out = NULL;
    for (size_t leaf = 0; leaf < leaves; leaf++)
        kept += *edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf)) != '\0';
    if (kept == leaves)
        return 0;
    if (kept == 0)
        return edra_error_set(err, EDRA_EDATA, "every value of the attribute is missing");
    cells = malloc(kept * n_levels * sizeof *cells);
    if (!cells)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    kept = 0;
    for (size_t leaf = 0; leaf < leaves; leaf++) {
        if (!*edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf)))
            continue;
        for (size_t l = 0; l < n_levels; l++)
            cells[kept * n_levels + l] = edra_hierarchy_label(h, l, edra_hierarchy_code(h, l, leaf));
        kept++;
    }
    rc = edra_hierarchy_new(out, cells, kept, n_levels, "the hierarchy", err);
    free(cells);
    return rc;
}

/* Refuses what has no hierarchy before the data are read. */
static int check_attribute(const edra_spec *spec, const char *name, edra_error *err)
{
    const edra_spec_attr *a = edra_spec_find(spec, name);
    if (!a)
        return edra_error_set(err, EDRA_EUSAGE, "'%s' is not an attribute of %s", name, spec->path);
    if (a->role == EDRA_ROLE_IDENTIFIER || a->role == EDRA_ROLE_INSENSITIVE)
        return edra_error_set(err, EDRA_EUSAGE,
                              "'%s' is %s: only quasi-identifiers and sensitive attributes have "
                              "a hierarchy", name,
                              a->role == EDRA_ROLE_IDENTIFIER ? "an identifier" : "insensitive");
    if (a->role == EDRA_ROLE_SENSITIVE && a->hierarchy.kind == EDRA_HIER_NONE)
        return edra_error_set(err, EDRA_EUSAGE,
                              "'%s' is sensitive and the spec gives it no hierarchy (only "
                              "quasi-identifiers get the flat default)", name);
    return 0;
}

int edra_cmd_hierarchy(int argc, char **argv)
{
    hierarchy_args args = {0};
    edra_error err = {0};
    edra_spec *spec = NULL;
    edra_dataset *data = NULL;
    edra_hierarchy *trimmed = NULL;
    const edra_hierarchy *h = NULL;
    char delimiter = ';';
    int rc, exit_code;

    int first = edra_cli_parse(edra_cli_find("hierarchy"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 2) {
        fprintf(stderr, "edra hierarchy: expected SPEC and ATTRIBUTE (see 'edra help hierarchy')\n");
        return EDRA_EXIT_INPUT;
    }
    const char *name = argv[first + 1];
    if (args.delimiter && (rc = parse_delimiter(args.delimiter, &delimiter, &err)) < 0)
        goto fail;
    if ((rc = edra_spec_load(&spec, argv[first], &err)) < 0)
        goto fail;
    if ((rc = check_attribute(spec, name, &err)) < 0)
        goto fail;
    if ((rc = edra_dataset_load(&data, spec, &err)) < 0)
        goto fail;
    const edra_microdata *md = edra_dataset_microdata(data);
    int d = edra_dataset_qi_index(data, name), s = edra_dataset_sa_index(data, name);
    h = d >= 0 ? md->qi_hier[d] : md->sa_hier[s];
    if ((rc = without_empty_leaves(&trimmed, h, &err)) < 0)
        goto fail;
    rc = edra_hierarchy_write_csv(trimmed ? trimmed : h, stdout, delimiter, &err);
    if (rc < 0)
        goto fail;
    exit_code = EDRA_EXIT_OK;
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
    if (rc == EDRA_EIO && data)
        exit_code = EDRA_EXIT_INTERNAL; /* stdout failed, not the input */
done:
    edra_hierarchy_free(trimmed);
    edra_dataset_free(data);
    edra_spec_free(spec);
    return exit_code;
}
