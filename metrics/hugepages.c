/* Huge-page advice through madvise(MADV_HUGEPAGE) (Linux 2.6.38 and later), hence
 * _DEFAULT_SOURCE in this file only; elsewhere a no-op. */
#define _DEFAULT_SOURCE
#include "hugepages.h"

#include <stdint.h>
#include <sys/mman.h>

/* Below this a table fits the TLB's reach anyway. */
#define HUGE_PAGE ((uintptr_t)1 << 21)
#define WORTH_IT (4 * (size_t)HUGE_PAGE)

void edra_hugepages_advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < WORTH_IT)
        return;
    uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}
