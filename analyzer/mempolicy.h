/* glibc's allocator policy, set by the program per phase of a run (library code never sets
 * it): large blocks mapped one by one while data are loaded and assessed, reused from the
 * heap during a lattice search. A no-op on other C libraries. */
#ifndef EDRA_MEMPOLICY_H
#define EDRA_MEMPOLICY_H

/* Blocks from 1 MB mapped: a large input's growing code columns and hash tables are grown
 * by mremap and returned when freed, so peak RSS is the data's; what the heap keeps free is
 * given back. edra's main sets it first. */
void edra_mempolicy_load(void);

/* Every block from the heap, and the heap kept when freed: every check of a search
 * allocates and frees arrays of a few bytes per tuple, reused check after check instead of
 * faulted in afresh. Set around edra_lattice_search, then edra_mempolicy_load again. */
void edra_mempolicy_search(void);

#endif
