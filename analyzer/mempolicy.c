/* glibc's mmap threshold per phase (mallopt M_MMAP_THRESHOLD). Fixing it also turns off
 * glibc's sliding threshold, which rises with the first large free until blocks of up to
 * 32 MB come from the heap, where a large input's growing arrays leave holes that stay
 * resident until exit. Measured: 1M rows, 478 checks, search 12.2 s mapped -> 9.8 s with
 * the search's threshold.
 * Fixing it also fixes the trim threshold at 128 kB, so the search gave each check's
 * arrays back to the kernel at the top of the heap and faulted them in, zeroed, again for
 * the next check: the search keeps up to SEARCH_TRIM_THRESHOLD free instead. Measured in
 * turn: 1M x 8 QIs 8.3-9.9 -> 8.0-8.7 s (system time 1.2-1.5 -> 0.5 s, peak RSS 349 ->
 * 410 MB); 10M x 7 QIs 61.1 -> 51.7 s (830 -> 858 MB). */
#include "mempolicy.h"

/* Any C library header defines __GLIBC__ on glibc (through <features.h>). */
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define LOAD_MMAP_THRESHOLD (1 << 20)
#define LOAD_TRIM_THRESHOLD (128 << 10) /* glibc's default */
#define SEARCH_MMAP_THRESHOLD (32 << 20)
#define SEARCH_TRIM_THRESHOLD (64 << 20)

void edra_mempolicy_load(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, LOAD_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, LOAD_TRIM_THRESHOLD);
    /* What a search kept goes back, or large blocks would come from it instead of mmap. */
    malloc_trim(0);
#endif
}

void edra_mempolicy_search(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, SEARCH_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, SEARCH_TRIM_THRESHOLD);
#endif
}
