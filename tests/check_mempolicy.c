/* Tests of analyzer/mempolicy: the load policy maps a 2 MB block (mallinfo2's count of
 * mapped blocks grows by one), the search policy takes it and a 64 MB one from the heap
 * (the count stays); the search policy keeps a freed 16 MB block at the top of the heap
 * (mallinfo2's keepcost), the load policy gives a freed 512 kB one back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "analyzer/mempolicy.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
/* Mapped blocks after a block of size is allocated, minus before; frees it. */
static long mapped_by(size_t size)
{
    struct mallinfo2 before = mallinfo2();
    volatile char *p = malloc(size);
    ck_assert_ptr_nonnull((void *)p);
    p[0] = 1;
    struct mallinfo2 after = mallinfo2();
    free((void *)p);
    return (long)after.hblks - (long)before.hblks;
}

START_TEST(test_mempolicy_load__maps_from_1mb)
{
    edra_mempolicy_load();
    ck_assert_int_eq(mapped_by(2u << 20), 1);
    ck_assert_int_eq(mapped_by(512u << 10), 0);
}
END_TEST

START_TEST(test_mempolicy_search__all_from_heap)
{
    edra_mempolicy_search();
    ck_assert_int_eq(mapped_by(2u << 20), 0);
    ck_assert_int_eq(mapped_by(64u << 20), 0);
    edra_mempolicy_load();
    ck_assert_int_eq(mapped_by(2u << 20), 1);
    ck_assert_int_eq(mapped_by(64u << 20), 1);
}
END_TEST

/* Releasable bytes at the top of the heap after a heap block of size is freed there. */
static size_t kept_after_free(size_t size)
{
    volatile char *p = malloc(size);
    ck_assert_ptr_nonnull((void *)p);
    p[0] = 1;
    p[size - 1] = 1;
    free((void *)p);
    return mallinfo2().keepcost;
}

START_TEST(test_mempolicy_search__keeps_freed_heap)
{
    edra_mempolicy_search();
    ck_assert_uint_ge(kept_after_free(16u << 20), 16u << 20);
    edra_mempolicy_load();
    ck_assert_uint_lt(kept_after_free(512u << 10), 512u << 10);
}
END_TEST
#endif

int main(void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    Suite *s = suite_create("mempolicy");
    TCase *tc = tcase_create("mempolicy");
    tcase_add_test(tc, test_mempolicy_load__maps_from_1mb);
    tcase_add_test(tc, test_mempolicy_search__all_from_heap);
    tcase_add_test(tc, test_mempolicy_search__keeps_freed_heap);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
#else
    printf("SKIP: glibc's allocator is not the one in use (another libc, or a sanitizer)\n");
    return 77;
#endif
}
