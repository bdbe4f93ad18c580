/* Allocation-failure injection for tests/cli/test_oom.sh, loaded with LD_PRELOAD into a plain
 * (not sanitized) edra: the EDRA_FAIL_ALLOC-th call of malloc, calloc or realloc made directly
 * from the edra executable's own code (not from a shared library it uses) returns NULL, once.
 * At exit the number of such calls is written to the file EDRA_FAIL_ALLOC_COUNT, so a test
 * can first count them and then fail each in turn. glibc only (__libc_malloc and friends). */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static uintptr_t exe_lo, exe_hi;
static unsigned long calls, fail_at;
static int ready;

/* The main program is the first object dl_iterate_phdr reports. */
static int find_exe(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            exe_lo = info->dlpi_addr + ph->p_vaddr;
            exe_hi = exe_lo + ph->p_memsz;
        }
    }
    return 1;
}

static void write_count(void)
{
    const char *path = getenv("EDRA_FAIL_ALLOC_COUNT");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "%lu\n", calls);
        fclose(f);
    }
}

__attribute__((constructor)) static void set_up(void)
{
    const char *n = getenv("EDRA_FAIL_ALLOC");
    fail_at = n ? strtoul(n, NULL, 10) : 0;
    dl_iterate_phdr(find_exe, NULL);
    atexit(write_count);
    ready = 1;
}

/* 1 when this call, made from caller, is the one to fail. */
static int should_fail(void *caller)
{
    uintptr_t at = (uintptr_t)caller;
    if (!ready || at < exe_lo || at >= exe_hi)
        return 0;
    return ++calls == fail_at;
}

void *malloc(size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_realloc(p, size);
}
