/* A hint for large tables probed at random (hash tables, per-class counters of millions of
 * classes): back them with huge pages where the system offers them (Linux transparent huge
 * pages in "madvise" mode), since with 4 KiB pages nearly every probe of a table of 100 MB
 * misses the TLB as well as the cache. */
#ifndef EDRA_HUGEPAGES_H
#define EDRA_HUGEPAGES_H

#include <stddef.h>

/* Advises huge pages for the whole 2 MiB pages inside [p, p + bytes), best before they are
 * first touched. Only worth it for memory that will be touched throughout: a huge page is
 * resident as a whole. No effect where unsupported; never fails. */
void edra_hugepages_advise(void *p, size_t bytes);

#endif
