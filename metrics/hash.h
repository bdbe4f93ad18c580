/* The hashes the hash tables share: a 64-bit mixer (the loader's dictionaries, the class
 * grouping): Stafford's variant 13 of MurmurHash3's finalizer, so every input bit reaches
 * every output bit and the low bits (the slot) are as good as any; a hash of a row of
 * 32-bit codes (the loader's tuples, population tables, release checks, SUDA2's rows); and
 * one of a label (the hierarchies and their builders). */
#ifndef EDRA_HASH_H
#define EDRA_HASH_H

#include <stddef.h>
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

/* A hash of n codes, one multiply-xorshift step each: the tables that use it take its
 * low bits (tuples, with a fingerprint from the high half). */
static inline uint64_t edra_hash_codes(const uint32_t *codes, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= codes[i];
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    return h;
}

/* FNV-1a of a NUL-terminated string: short labels (hierarchy levels), no adversarial keys
 * worth a keyed hash. */
static inline uint64_t edra_hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

#endif
