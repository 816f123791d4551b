/* Counts every malloc/calloc/realloc made by code linked into a test program
 * (the library included).  The test must link with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc; include this header in
 * exactly one file of that program.  Read sys_mallocs before calling Check's
 * asserts, which allocate themselves. */
#ifndef NB_TEST_MALLOC_COUNT_H
#define NB_TEST_MALLOC_COUNT_H

#include <stddef.h>

static long sys_mallocs;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

void *__wrap_malloc(size_t size)
{
    sys_mallocs++;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    sys_mallocs++;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    sys_mallocs++;
    return __real_realloc(p, size);
}

#endif
