/* The 64-bit mixer the hash tables share (the loader's dictionaries, the class grouping):
 * Stafford's variant 13 of MurmurHash3's finalizer, so every input bit reaches every
 * output bit and the low bits (the slot) are as good as any. */
#ifndef EDRA_HASH_H
#define EDRA_HASH_H

#include <stdint.h>

/* A bijective mix of x. */
static inline uint64_t edra_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
