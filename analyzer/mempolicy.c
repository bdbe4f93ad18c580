/* glibc's malloc policy per phase (mallopt). Loading: blocks from 1 MB mapped. Fixing the
 * mmap threshold also turns off glibc's sliding threshold, which rises with the first large
 * free until blocks of up to 32 MB come from the heap, where a large input's growing arrays
 * leave holes that stay resident until exit.
 * Searching: every check allocates and frees arrays of a few bytes per tuple (keys, items,
 * group tables, sizes); the search takes them all from the heap and keeps what it frees, so
 * the next check reuses them instead of faulting them in, zeroed, from the kernel. Measured
 * (bench_scale --search --threads 2, in turn):
 * - blocks up to 32 MB from the heap: 1M rows, 478 checks, 12.2 -> 9.8 s;
 * - and freed heap kept (the trim threshold that a fixed mmap threshold pins at 128 kB):
 *   1M x 8 QIs 8.3-9.9 -> 8.0-8.7 s (system time 1.2-1.5 -> 0.5 s, peak RSS 349 -> 410 MB);
 *   10M x 7 QIs 61.1 -> 49.5-51.7 s (system 29 -> 21.6 s; 830 -> 858 MB);
 * - and no block mapped at all (10M: keys of 80 MB, tables, sizes of 40 MB): 10M x 7 QIs
 *   49.5 -> 39.0 s (system 21.6 -> 2.2 s; 855 -> 981 MB); 1M unchanged. */
#include "mempolicy.h"

/* Any C library header defines __GLIBC__ on glibc (through <features.h>). */
#include <limits.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define LOAD_MMAP_THRESHOLD (1 << 20)
#define LOAD_TRIM_THRESHOLD (128 << 10) /* glibc's default */
#define SEARCH_TRIM_THRESHOLD INT_MAX /* keep it all: the load policy gives it back */
#define LOAD_MMAP_MAX 65536 /* glibc's default */

void edra_mempolicy_load(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_MAX, LOAD_MMAP_MAX);
    mallopt(M_MMAP_THRESHOLD, LOAD_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, LOAD_TRIM_THRESHOLD);
    /* What a search kept goes back, or large blocks would come from it instead of mmap. */
    malloc_trim(0);
#endif
}

void edra_mempolicy_search(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, SEARCH_TRIM_THRESHOLD);
    mallopt(M_MMAP_MAX, 0);
#endif
}
