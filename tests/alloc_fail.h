/* Allocation-failure injection for a test program: make the N-th allocation
 * of library code fail, and find what a failed call left allocated.
 *
 * The program links with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 *   --wrap=aligned_alloc,--wrap=free,--wrap=nb_arena_alloc,
 *   --wrap=nb__arena_alloc_aligned,--wrap=inflateInit2_
 * so that every such call of code linked into it (the library included)
 * comes here; include this header in exactly one file of that program.
 * Three kinds of allocation are counted, in one sequence:
 *  - system: malloc, calloc, realloc, strdup, aligned_alloc, and zlib's
 *    own allocations for an inflate stream the library starts (its state
 *    and window: the stream is given counting zalloc/zfree functions);
 *  - chunk: a chunk request of an arena made with af_allocator;
 *  - arena: every nb_arena_alloc / nb__arena_alloc_aligned call made from
 *    outside arena.c.  Any of them may need a new chunk, so any may fail;
 *    a failed one records the message arena.c records, without asking for
 *    a chunk.  This puts a failure point at every tensor, node and table an
 *    op makes, where chunk requests alone (chunks double in size) would
 *    give a handful per path.
 *
 * Only calls made between af_arm and af_disarm are counted (Check allocates
 * in its asserts, which must not move the count).  While armed, every block
 * handed out is remembered until it is freed, so af_live() after the
 * caller's cleanup says whether the call leaked, and from where. */
#ifndef NB_TEST_ALLOC_FAIL_H
#define NB_TEST_ALLOC_FAIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <nabla/arena.h>
#include <zlib.h>

#include "core/error_internal.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__real_aligned_alloc(size_t align, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
void *__wrap_aligned_alloc(size_t align, size_t size);
void __wrap_free(void *p);
void *__real_nb_arena_alloc(nb_arena *arena, size_t bytes);
void *__real_nb__arena_alloc_aligned(nb_arena *arena, size_t bytes, size_t align);
void *__wrap_nb_arena_alloc(nb_arena *arena, size_t bytes);
void *__wrap_nb__arena_alloc_aligned(nb_arena *arena, size_t bytes, size_t align);
int __real_inflateInit2_(z_streamp strm, int window_bits, const char *version, int stream_size);
int __wrap_inflateInit2_(z_streamp strm, int window_bits, const char *version, int stream_size);

typedef enum af_kind { AF_SYSTEM, AF_CHUNK, AF_ARENA, AF_KINDS } af_kind;

/* A block handed out while armed and not yet freed. */
typedef struct af_block {
    void *ptr; /* NULL: empty slot; AF_GONE: freed (a tombstone) */
    size_t bytes;
    long index;  /* which allocation of the armed run it was (1-based) */
    void *site;  /* return address of the allocating call */
} af_block;

enum { AF_SLOTS = 1 << 15 };
#define AF_GONE ((void *)1)

static struct {
    bool armed;
    long seen;    /* allocations counted since af_arm */
    long seen_kind[AF_KINDS];
    long fail_at; /* the one that fails (1-based); 0 = none */
    bool sticky;  /* every one from fail_at on fails, not only that one */
    bool hit;     /* it was reached and failed */
    long live;    /* remembered blocks not yet freed */
    bool overflow;
    af_block blocks[AF_SLOTS];
} af;

static size_t af_slot(const void *p)
{
    uintptr_t h = (uintptr_t)p >> 4;
    h ^= h >> 15;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 7) & (AF_SLOTS - 1);
}

static void af_remember(void *p, size_t bytes, void *site)
{
    if (!p)
        return;
    size_t i = af_slot(p);
    for (size_t k = 0; k < AF_SLOTS; k++, i = (i + 1) & (AF_SLOTS - 1))
        if (af.blocks[i].ptr == NULL || af.blocks[i].ptr == AF_GONE) {
            af.blocks[i] = (af_block){p, bytes, af.seen, site};
            af.live++;
            return;
        }
    af.overflow = true;
}

static void af_forget(const void *p)
{
    if (!p || af.live == 0)
        return;
    size_t i = af_slot(p);
    for (size_t k = 0; k < AF_SLOTS && af.blocks[i].ptr; k++, i = (i + 1) & (AF_SLOTS - 1))
        if (af.blocks[i].ptr == p) {
            af.blocks[i].ptr = AF_GONE;
            af.live--;
            return;
        }
}

/* Count one allocation; true when it is the one to fail. */
static bool af_fail_now_kind(af_kind kind)
{
    if (!af.armed)
        return false;
    af.seen++;
    af.seen_kind[kind]++;
    if (af.fail_at == 0 || (af.sticky ? af.seen < af.fail_at : af.seen != af.fail_at))
        return false;
    af.hit = true;
    errno = ENOMEM;
    return true;
}

static bool af_fail_now(void) { return af_fail_now_kind(AF_SYSTEM); }

void *__wrap_malloc(size_t size)
{
    if (af_fail_now())
        return NULL;
    void *p = __real_malloc(size);
    if (af.armed)
        af_remember(p, size, __builtin_return_address(0));
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (af_fail_now())
        return NULL;
    void *p = __real_calloc(n, size);
    if (af.armed)
        af_remember(p, n * size, __builtin_return_address(0));
    return p;
}

void *__wrap_realloc(void *old, size_t size)
{
    if (af_fail_now())
        return NULL; /* old stays valid, as with a real failure */
    void *p = __real_realloc(old, size);
    if (p || size == 0)
        af_forget(old);
    if (af.armed)
        af_remember(p, size, __builtin_return_address(0));
    return p;
}

char *__wrap_strdup(const char *s)
{
    if (af_fail_now())
        return NULL;
    char *p = __real_strdup(s);
    if (af.armed)
        af_remember(p, strlen(s) + 1, __builtin_return_address(0));
    return p;
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    if (af_fail_now())
        return NULL;
    void *p = __real_aligned_alloc(align, size);
    if (af.armed)
        af_remember(p, size, __builtin_return_address(0));
    return p;
}

void __wrap_free(void *p)
{
    af_forget(p);
    __real_free(p);
}

/* An arena allocator whose chunk requests are counted (and failed) like
 * the calls above. */
static void *af_arena_alloc(size_t bytes, void *ctx)
{
    (void)ctx;
    if (af_fail_now_kind(AF_CHUNK))
        return NULL;
    void *p = __real_malloc(bytes);
    if (af.armed)
        af_remember(p, bytes, __builtin_return_address(0));
    return p;
}

static void af_arena_release(void *p, void *ctx)
{
    (void)ctx;
    af_forget(p);
    __real_free(p);
}

static const nb_allocator af_allocator = {af_arena_alloc, af_arena_release, NULL};

void *__wrap_nb_arena_alloc(nb_arena *arena, size_t bytes)
{
    if (af_fail_now_kind(AF_ARENA)) {
        nb__error(NB_ERR_NOMEM, "nb_arena_alloc: out of memory (asked for %zu bytes)", bytes);
        return NULL;
    }
    return __real_nb_arena_alloc(arena, bytes);
}

void *__wrap_nb__arena_alloc_aligned(nb_arena *arena, size_t bytes, size_t align)
{
    if (af_fail_now_kind(AF_ARENA)) {
        nb__error(NB_ERR_NOMEM, "nb_arena_alloc: out of memory (asked for %zu bytes)", bytes);
        return NULL;
    }
    return __real_nb__arena_alloc_aligned(arena, bytes, align);
}

/* zlib's allocations for a stream the library starts with default ones. */
static voidpf af_zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    if (af_fail_now())
        return Z_NULL;
    void *p = __real_malloc((size_t)items * size);
    if (af.armed)
        af_remember(p, (size_t)items * size, __builtin_return_address(0));
    return p;
}

static void af_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    af_forget(p);
    __real_free(p);
}

int __wrap_inflateInit2_(z_streamp strm, int window_bits, const char *version, int stream_size)
{
    if (strm && strm->zalloc == Z_NULL && strm->zfree == Z_NULL) {
        strm->zalloc = af_zalloc;
        strm->zfree = af_zfree;
        strm->opaque = Z_NULL;
    }
    return __real_inflateInit2_(strm, window_bits, version, stream_size);
}

/* Start counting; the fail_at-th allocation from now fails (0: none), and
 * with `sticky` every later one too (memory stays short).  Forgets the
 * blocks of the previous run. */
static void af_arm(long fail_at, bool sticky)
{
    memset(af.blocks, 0, sizeof af.blocks);
    af.live = 0;
    af.overflow = false;
    af.seen = 0;
    memset(af.seen_kind, 0, sizeof af.seen_kind);
    af.fail_at = fail_at;
    af.sticky = sticky;
    af.hit = false;
    af.armed = true;
}

/* Stop counting (frees are still tracked); returns whether the failure was
 * injected. */
static bool af_disarm(void)
{
    af.armed = false;
    return af.hit;
}

/* Blocks from the armed run still not freed; *first (may be NULL) gets one
 * of them. */
static long af_live(af_block *first)
{
    if (first && af.live > 0)
        for (size_t i = 0; i < AF_SLOTS; i++)
            if (af.blocks[i].ptr && af.blocks[i].ptr != AF_GONE) {
                *first = af.blocks[i];
                break;
            }
    return af.live;
}

#endif
