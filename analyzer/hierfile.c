/* Loads an ARX hierarchy CSV through the RFC 4180 reader, then lets metrics/hierarchy.c
 * check that it is a tree. */
#include "hierfile.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

int edra_hierfile_load(edra_hierarchy **out, const char *path, char delimiter, edra_error *err)
{
    edra_csv *csv = NULL;
    char **cells = NULL;
    size_t n_cells = 0, cap = 0, n_levels = 0, n_rows = 0;
    int rc;
    *out = NULL;
    rc = edra_csv_open(&csv, path, delimiter ? delimiter : ';', err);
    if (rc < 0)
        return rc;
    for (;;) {
        char **fields;
        size_t *lengths, n_fields;
        rc = edra_csv_next(csv, &fields, &lengths, &n_fields, err);
        if (rc < 0)
            goto done;
        if (rc == 0)
            break;
        n_levels = n_fields;
        if (n_cells + n_fields > cap) {
            size_t new_cap = cap ? cap * 2 : 256;
            while (new_cap < n_cells + n_fields)
                new_cap *= 2;
            char **grown = realloc(cells, new_cap * sizeof *grown);
            if (!grown) {
                rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            cells = grown;
            cap = new_cap;
        }
        for (size_t i = 0; i < n_fields; i++) {
            cells[n_cells] = malloc(lengths[i] + 1);
            if (!cells[n_cells]) {
                rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            memcpy(cells[n_cells], fields[i], lengths[i] + 1);
            n_cells++;
        }
        n_rows++;
    }
    if (n_rows == 0) {
        rc = edra_error_set(err, EDRA_EDATA, "%s: hierarchy file is empty", path);
        goto done;
    }
    rc = edra_hierarchy_new(out, (const char *const *)cells, n_rows, n_levels, path, err);
done:
    for (size_t i = 0; i < n_cells; i++)
        free(cells[i]);
    free(cells);
    edra_csv_free(csv);
    return rc;
}
