/* Tests of analyzer/mempolicy: the load policy maps a 2 MB block (mallinfo2's count of
 * mapped blocks grows by one), the search policy takes it from the heap (the count stays). */
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

START_TEST(test_mempolicy_search__heap_up_to_32mb)
{
    edra_mempolicy_search();
    ck_assert_int_eq(mapped_by(2u << 20), 0);
    ck_assert_int_eq(mapped_by(64u << 20), 1);
    edra_mempolicy_load();
    ck_assert_int_eq(mapped_by(2u << 20), 1);
}
END_TEST
#endif

int main(void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    Suite *s = suite_create("mempolicy");
    TCase *tc = tcase_create("mempolicy");
    tcase_add_test(tc, test_mempolicy_load__maps_from_1mb);
    tcase_add_test(tc, test_mempolicy_search__heap_up_to_32mb);
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
