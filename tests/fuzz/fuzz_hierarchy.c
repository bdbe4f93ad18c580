/* libFuzzer target: the ARX hierarchy-file loader (analyzer/hierfile.c, through the CSV reader
 * into metrics/hierarchy.c). The first byte picks the delimiter (';' ARX's, ',', tab, or the
 * detected one), the rest is the file. A hierarchy that loads must be what metrics/ relies on:
 * one leaf per row, every code below its level's width, leaf counts adding up to the leaves,
 * each leaf found by its label, and a tree (equal at level i implies equal at level i+1). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/hierfile.h"
#include "fuzz.h"

static void check_tree(edra_hierarchy *h)
{
    size_t levels = edra_hierarchy_levels(h), leaves = edra_hierarchy_leaves(h);
    if (levels < 1 || leaves < 1)
        fuzz_fail("hierarchy: no level or no leaf");
    if (edra_hierarchy_width(h, 0) != leaves)
        fuzz_fail("hierarchy: level 0 is not one code per leaf");
    for (size_t l = 0; l < levels; l++) {
        edra_level_map map = edra_hierarchy_level_map(h, l);
        uint32_t width = edra_hierarchy_width(h, l);
        size_t total = 0;
        if (width < 1 || width > leaves)
            fuzz_fail("hierarchy: a level wider than its leaves");
        for (uint32_t c = 0; c < width; c++) {
            if (edra_hierarchy_leaf_count(h, l, c) < 1)
                fuzz_fail("hierarchy: a code with no leaf");
            if (!edra_hierarchy_label(h, l, c))
                fuzz_fail("hierarchy: a code with no label");
            total += edra_hierarchy_leaf_count(h, l, c);
        }
        if (total != leaves)
            fuzz_fail("hierarchy: leaf counts do not add up");
        for (size_t leaf = 0; leaf < leaves; leaf++)
            if (edra_level_map_at(map, leaf) >= width)
                fuzz_fail("hierarchy: a code past its level's width");
        if (l + 1 < levels) {
            edra_level_map up = edra_hierarchy_level_map(h, l + 1);
            uint32_t *parent = malloc(width * sizeof *parent);
            if (!parent)
                return;
            memset(parent, 0xff, width * sizeof *parent);
            for (size_t leaf = 0; leaf < leaves; leaf++) {
                uint32_t c = edra_level_map_at(map, leaf), above = edra_level_map_at(up, leaf);
                if (parent[c] == UINT32_MAX)
                    parent[c] = above;
                else if (parent[c] != above)
                    fuzz_fail("hierarchy: not a tree, yet it loaded");
            }
            free(parent);
        }
    }
    for (size_t leaf = 0; leaf < leaves; leaf++)
        if (edra_hierarchy_find(h, edra_hierarchy_label(h, 0, edra_hierarchy_code(h, 0, leaf))) !=
            (int64_t)leaf)
            fuzz_fail("hierarchy: a leaf is not found by its own label");
    /* A missing-value marker absent from the file joins the top. */
    edra_error err = {0};
    uint32_t added;
    int rc = edra_hierarchy_add_leaf(h, "\x01 fuzz-missing \x01", &added, &err);
    fuzz_check_status(rc, &err);
    if (rc == 0 && (edra_hierarchy_leaves(h) != leaves + 1 || added != leaves))
        fuzz_fail("hierarchy: add_leaf did not add one leaf at the end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[4] = {';', ',', '\t', 0};
    char path[512];
    edra_hierarchy *h = NULL;
    edra_error err = {0};
    if (size < 1)
        return 0;
    snprintf(path, sizeof path, "%s/hierarchy.csv", fuzz_tmpdir());
    fuzz_write_file(path, data + 1, size - 1);
    int rc = edra_hierfile_load(&h, path, delimiters[data[0] & 3], &err);
    fuzz_check_status(rc, &err);
    if (rc == 0)
        check_tree(h);
    else if (h)
        fuzz_fail("hierarchy: failure left a hierarchy behind");
    edra_hierarchy_free(h);
    return 0;
}
