/* Hierarchy files in ARX's layout: no header, one row per original value, column i = the
 * value at level i, the same number of columns on every row. */
#ifndef EDRA_HIERFILE_H
#define EDRA_HIERFILE_H

#include "../metrics/hierarchy.h"

/* Reads path (delimiter ';' by ARX's convention) and builds the checked hierarchy.
 * Returns 0, EDRA_EIO, EDRA_EPARSE or EDRA_EDATA with "path:LINE: ..." messages. */
int edra_hierfile_load(edra_hierarchy **out, const char *path, char delimiter, edra_error *err);

#endif
