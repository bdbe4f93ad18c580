/* Loads an ARX hierarchy CSV through the RFC 4180 reader, refuses a cycle (a value that
 * generalizes, through other values, back to itself), then lets metrics/hierarchy.c check
 * that it is a tree. */
#include "hierfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

static int cmp_cell(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Labels are compared across levels as one name space: row r says cell (r, l) generalizes to
 * cell (r, l+1). Kahn's algorithm over those edges (self-edges, a value kept at the next
 * level, are fine) leaves exactly the labels on or below a cycle; the first row holding such
 * an edge is named, without quoting values (a sensitive attribute's hierarchy holds them). */
static int check_cycles(char **cells, size_t n_rows, size_t n_levels, const char *path,
                        edra_error *err)
{
    size_t n = n_rows * n_levels, n_ids = 0, head = 0, tail = 0, left = 0;
    char ***order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *id = malloc((n ? n : 1) * sizeof *id), *indeg = NULL, *start = NULL, *adj = NULL,
             *queue = NULL;
    int rc = 0;
    if (!order || !id)
        goto oom;
    for (size_t i = 0; i < n; i++)
        order[i] = &cells[i];
    qsort(order, n, sizeof *order, cmp_cell);
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(*order[i], *order[i - 1]) != 0)
            n_ids++;
        id[order[i] - cells] = (uint32_t)n_ids;
    }
    n_ids = n ? n_ids + 1 : 0;
    indeg = calloc(n_ids + 1, sizeof *indeg);
    start = calloc(n_ids + 2, sizeof *start);
    adj = malloc((n ? n : 1) * sizeof *adj);
    queue = malloc((n_ids ? n_ids : 1) * sizeof *queue);
    if (!indeg || !start || !adj || !queue)
        goto oom;
    /* Edges in compressed rows: start[u]..start[u+1] index adj. */
    for (size_t r = 0; r < n_rows; r++)
        for (size_t l = 0; l + 1 < n_levels; l++)
            if (id[r * n_levels + l] != id[r * n_levels + l + 1])
                start[id[r * n_levels + l] + 2]++;
    for (size_t u = 0; u < n_ids; u++)
        start[u + 2] += start[u + 1];
    for (size_t r = 0; r < n_rows; r++)
        for (size_t l = 0; l + 1 < n_levels; l++) {
            uint32_t u = id[r * n_levels + l], v = id[r * n_levels + l + 1];
            if (u != v) {
                adj[start[u + 1]++] = v;
                indeg[v]++;
            }
        }
    for (uint32_t u = 0; u < n_ids; u++)
        if (indeg[u] == 0)
            queue[tail++] = u;
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint32_t e = start[u]; e < start[u + 1]; e++)
            if (--indeg[adj[e]] == 0)
                queue[tail++] = adj[e];
    }
    left = n_ids - tail;
    for (size_t r = 0; left && r < n_rows && rc == 0; r++)
        for (size_t l = 0; l + 1 < n_levels; l++) {
            uint32_t u = id[r * n_levels + l], v = id[r * n_levels + l + 1];
            if (u != v && indeg[u] && indeg[v]) {
                rc = edra_error_set(err, EDRA_EDATA,
                                    "%s:%zu: cycle: the value at level %zu generalizes, through "
                                    "other rows, back to itself", path, r + 1, l);
                break;
            }
        }
    goto done;
oom:
    rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
done:
    free(order);
    free(id);
    free(indeg);
    free(start);
    free(adj);
    free(queue);
    return rc;
}

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
    rc = check_cycles(cells, n_rows, n_levels, path, err);
    if (rc == 0)
        rc = edra_hierarchy_new(out, (const char *const *)cells, n_rows, n_levels, path, err);
done:
    for (size_t i = 0; i < n_cells; i++)
        free(cells[i]);
    free(cells);
    edra_csv_free(csv);
    return rc;
}
