/* Arena memory: a list of chunks handed out by bumping an offset, and a
 * header zone for tensor headers.
 *
 * Reset rewinds to the first chunk and keeps every chunk.  Allocation walks
 * the chunks in order and only asks the system for a new one past the last,
 * so a step that repeats the previous step's allocations reuses exactly the
 * same memory and calls no allocator at all.
 *
 * Tensor headers are not in the chunks but in the header zone: a large
 * reserved range of address space whose cursor reset does not rewind.  A
 * header address is therefore not handed out again until the cursor has
 * gone round the whole zone, and a tensor kept past a reset still points at
 * its own old header, whose generation (or, once its page was given back,
 * its zero magic) gives it away.  Data and graph nodes stay in the chunks. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, madvise, mincore */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__linux__) && defined(MAP_NORESERVE) && defined(MADV_DONTNEED)
#define NB_HAVE_ZONE 1
#else
#define NB_HAVE_ZONE 0 /* headers go in the chunks (weaker guarantee, arena.h) */
#endif

#include "core/error_internal.h"
#include "nabla/arena.h"

enum { NB_ARENA_ALIGN = 64 };
#define NB_ARENA_DEFAULT_CHUNK ((size_t)1 << 20)
#define NB_ARENA_MAX_GROWTH ((size_t)1 << 28)
#define NB_ARENA_POISON_BYTE 0xA5

/* Header zone: ask for 1 TiB of address space (it costs nothing until
 * touched), halving down to 64 MiB when the system refuses. */
#if SIZE_MAX > 0xffffffffu
#define NB_ZONE_MAX_BYTES ((size_t)1 << 40)
#else
#define NB_ZONE_MAX_BYTES ((size_t)1 << 30)
#endif
#define NB_ZONE_MIN_BYTES ((size_t)64 << 20)
/* Pages are given back in granules of 2 MiB (a transparent huge page), or
 * of one page when built with -DNB_ZONE_HUGEPAGES=0 (small pages only, to
 * measure the difference: docs/architecture.md). */
#define NB_ZONE_HUGE_BYTES ((size_t)2 << 20)
#ifndef NB_ZONE_HUGEPAGES
#define NB_ZONE_HUGEPAGES 1
#endif
/* The largest record the zone hands out; bigger ones go in the chunks. */
#define NB_ZONE_SLOT_MAX 256

typedef struct nb_chunk {
    struct nb_chunk *next;
    size_t size; /* usable bytes after the header (from `base`) */
    size_t used;
    unsigned char *base; /* 64-byte aligned start of the usable area */
} nb_chunk;

struct nb_arena {
    nb_chunk *first, *last, *cur;
    size_t first_chunk_bytes;
    size_t reserved; /* bytes obtained from the allocator */
    size_t used;     /* bytes handed out since the last reset */
    uint64_t generation;
    int poison;
    nb_allocator allocator;
    /* The header zone (NULL: none, headers go in the chunks).  Offsets are
     * from `zone`; the pages in [zone_clean, zone_cur) -- cyclically, when
     * the cursor wrapped -- may be resident, all before were given back. */
    unsigned char *map;  /* the reservation as mapped, for munmap */
    size_t map_bytes;
    unsigned char *zone; /* its granule-aligned part in use */
    size_t zone_bytes;   /* a multiple of zone_gran */
    size_t zone_cur;     /* next free offset; reset does not rewind it */
    size_t zone_clean;   /* a multiple of zone_gran */
    size_t zone_high;    /* highest offset ever handed out */
    size_t zone_gran;    /* pages are given back in whole granules */
    size_t page;
    int zone_wrapped;    /* the cursor went back to 0 since the last reset */
};

static _Thread_local nb_arena *nb_current_arena = NULL;

static void *nb_sys_alloc(size_t bytes, void *ctx)
{
    (void)ctx;
    return malloc(bytes);
}

static void nb_sys_release(void *ptr, void *ctx)
{
    (void)ctx;
    free(ptr);
}

#if NB_HAVE_ZONE
/* Reserve the zone: `want` bytes (0: NB_ZONE_MAX_BYTES), halving on failure
 * down to NB_ZONE_MIN_BYTES (or `want`, if smaller).  Without one the arena
 * still works, with the chunk layout's weaker guarantee. */
static void nb_zone_new(nb_arena *arena, size_t want)
{
    long page = sysconf(_SC_PAGESIZE);
    arena->page = page > 0 ? (size_t)page : 4096;
    size_t gran = NB_ZONE_HUGEPAGES && NB_ZONE_HUGE_BYTES > arena->page ? NB_ZONE_HUGE_BYTES
                                                                          : arena->page;
    if (want == 0)
        want = NB_ZONE_MAX_BYTES;
    if (want > NB_ZONE_MAX_BYTES)
        want = NB_ZONE_MAX_BYTES;
    want = (want + gran - 1) & ~(gran - 1);
    size_t floor = want < NB_ZONE_MIN_BYTES ? want : NB_ZONE_MIN_BYTES;
    for (size_t try = want; try >= floor && try >= gran; try /= 2) {
        size_t bytes = try & ~(gran - 1);
        size_t map_bytes = bytes + gran; /* room to align the start to a granule */
        void *m = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            continue;
        uintptr_t start = ((uintptr_t)m + gran - 1) & ~(uintptr_t)(gran - 1);
        arena->map = m;
        arena->map_bytes = map_bytes;
        arena->zone = (unsigned char *)start;
        arena->zone_bytes = bytes;
        arena->zone_gran = gran;
#if NB_ZONE_HUGEPAGES && defined(MADV_HUGEPAGE)
        /* Huge pages past the first granule: one fault per 2 MiB of headers
         * instead of per 4 KiB (a sixth of the cost per header), while an
         * arena with few tensors keeps small pages and does not pay 2 MiB of
         * zeroing and memory for its first header.  Refused on kernels
         * without transparent huge pages, which is harmless. */
        if (bytes > gran)
            (void)madvise(arena->zone + gran, bytes - gran, MADV_HUGEPAGE);
#endif
        return;
    }
}

/* Give the zone's pages in [from, to) back to the system: they then read
 * as zeros.  A failure only leaves them resident (their stale headers still
 * carry the old generation), so it is ignored. */
static void nb_zone_release(nb_arena *arena, size_t from, size_t to)
{
    if (to > from)
        (void)madvise(arena->zone + from, to - from, MADV_DONTNEED);
}

/* At reset: every header is dead, so give back the granules wholly behind
 * the cursor; the cursor itself stays where it is. */
static void nb_zone_reset(nb_arena *arena)
{
    if (arena->zone_wrapped) {
        nb_zone_release(arena, arena->zone_clean, arena->zone_bytes);
        arena->zone_clean = 0;
        arena->zone_wrapped = 0;
    }
    if (arena->zone_bytes - arena->zone_cur < NB_ZONE_SLOT_MAX) {
        /* at the end: the next lap starts here, from 0 */
        nb_zone_release(arena, arena->zone_clean, arena->zone_bytes);
        arena->zone_clean = arena->zone_cur = 0;
        return;
    }
    size_t upto = arena->zone_cur & ~(arena->zone_gran - 1);
    if (upto > arena->zone_clean) {
        nb_zone_release(arena, arena->zone_clean, upto);
        arena->zone_clean = upto;
    }
}

/* At free: without poison, unmap (a stale header may then crash).  With
 * poison, the used prefix becomes a read-only mapping of zeros, so a stale
 * header reads magic 0 and is reported; it costs address space, no memory. */
static void nb_zone_free(nb_arena *arena)
{
    if (!arena->map)
        return;
    if (arena->poison) {
        size_t keep = (arena->zone_high + arena->page - 1) & ~(arena->page - 1);
        unsigned char *end = arena->map + arena->map_bytes;
        if (keep == 0 ||
            mmap(arena->zone, keep, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                 -1, 0) != MAP_FAILED) {
            if (arena->zone > arena->map)
                munmap(arena->map, (size_t)(arena->zone - arena->map));
            if (arena->zone + keep < end)
                munmap(arena->zone + keep, (size_t)(end - (arena->zone + keep)));
            return;
        }
    }
    munmap(arena->map, arena->map_bytes);
}
#else
static void nb_zone_new(nb_arena *arena, size_t want) { (void)arena, (void)want; }
static void nb_zone_reset(nb_arena *arena) { (void)arena; }
static void nb_zone_free(nb_arena *arena) { (void)arena; }
#endif

nb_arena *nb_arena_new(void) { return nb_arena_new_opts(NULL); }

nb_arena *nb_arena_new_opts(const nb_arena_opts *opts)
{
    nb_allocator allocator = {nb_sys_alloc, nb_sys_release, NULL};
    if (opts && opts->allocator) {
        if (!opts->allocator->alloc || !opts->allocator->release) {
            nb__error(NB_ERR_ARG, "nb_arena_new_opts: allocator needs both alloc and release");
            return NULL;
        }
        allocator = *opts->allocator;
    }
    nb_arena *arena = allocator.alloc(sizeof *arena, allocator.ctx);
    if (!arena) {
        nb__error(NB_ERR_NOMEM, "nb_arena_new: out of memory");
        return NULL;
    }
    memset(arena, 0, sizeof *arena);
    arena->allocator = allocator;
    arena->first_chunk_bytes =
        (opts && opts->chunk_bytes) ? opts->chunk_bytes : NB_ARENA_DEFAULT_CHUNK;
    arena->poison = opts ? opts->poison : 0;
    nb_zone_new(arena, opts ? opts->header_zone_bytes : 0);
    return arena;
}

void nb_arena_free(nb_arena *arena)
{
    if (!arena)
        return;
    if (nb_current_arena == arena)
        nb_current_arena = NULL;
    nb_chunk *c = arena->first;
    while (c) {
        nb_chunk *next = c->next;
        arena->allocator.release(c, arena->allocator.ctx);
        c = next;
    }
    nb_zone_free(arena);
    arena->allocator.release(arena, arena->allocator.ctx);
}

void nb_arena_reset(nb_arena *arena)
{
    if (!arena)
        return;
    for (nb_chunk *c = arena->first; c; c = c->next) {
        if (arena->poison && c->used)
            memset(c->base, NB_ARENA_POISON_BYTE, c->used);
        c->used = 0;
    }
    if (arena->zone)
        nb_zone_reset(arena);
    arena->cur = arena->first;
    arena->used = 0;
    arena->generation++;
}

nb_arena *nb_arena_use(nb_arena *arena)
{
    nb_arena *prev = nb_current_arena;
    nb_current_arena = arena;
    return prev;
}

nb_arena *nb_arena_current(void) { return nb_current_arena; }

static nb_chunk *nb_chunk_new(nb_arena *arena, size_t min_bytes)
{
    size_t size = arena->last ? arena->last->size * 2 : arena->first_chunk_bytes;
    if (size > NB_ARENA_MAX_GROWTH)
        size = NB_ARENA_MAX_GROWTH;
    if (size < min_bytes)
        size = min_bytes;
    size_t header = sizeof(nb_chunk);
    if (size > SIZE_MAX - header - NB_ARENA_ALIGN)
        return NULL;
    unsigned char *raw = arena->allocator.alloc(header + NB_ARENA_ALIGN + size, arena->allocator.ctx);
    if (!raw)
        return NULL;
    nb_chunk *c = (nb_chunk *)raw;
    uintptr_t start = (uintptr_t)(raw + header);
    start = (start + NB_ARENA_ALIGN - 1) & ~(uintptr_t)(NB_ARENA_ALIGN - 1);
    c->base = (unsigned char *)start;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    arena->reserved += header + NB_ARENA_ALIGN + size;
    if (arena->last)
        arena->last->next = c;
    else
        arena->first = c;
    arena->last = c;
    return c;
}

void *nb_arena_alloc(nb_arena *arena, size_t bytes)
{
    return nb__arena_alloc_aligned(arena, bytes, NB_ARENA_ALIGN);
}

void *nb__arena_alloc_aligned(nb_arena *arena, size_t bytes, size_t align)
{
    if (!arena) {
        nb__error(NB_ERR_STATE, "nb_arena_alloc: no arena (call nb_arena_use first)");
        return NULL;
    }
    if (bytes > SIZE_MAX - NB_ARENA_ALIGN) {
        nb__error(NB_ERR_NOMEM, "nb_arena_alloc: %zu bytes is too large", bytes);
        return NULL;
    }
    /* align is a power of two <= NB_ARENA_ALIGN; chunk bases are 64-aligned,
     * so aligning the offset aligns the address. */
    size_t need = (bytes + align - 1) & ~(align - 1);
    if (need == 0)
        need = align;
    nb_chunk *c = arena->cur ? arena->cur : arena->first;
    size_t start = 0;
    while (c) {
        start = (c->used + align - 1) & ~(align - 1);
        if (start <= c->size && c->size - start >= need)
            break;
        c = c->next;
    }
    if (!c) {
        c = nb_chunk_new(arena, need);
        if (!c) {
            nb__error(NB_ERR_NOMEM, "nb_arena_alloc: out of memory (asked for %zu bytes)", bytes);
            return NULL;
        }
        start = 0;
    }
    void *p = c->base + start;
    arena->used += start + need - c->used;
    c->used = start + need;
    arena->cur = c;
    return p;
}

void *nb__arena_alloc_header(nb_arena *arena, size_t bytes)
{
    size_t need = (bytes + 15) & ~(size_t)15;
    if (arena && arena->zone && need <= NB_ZONE_SLOT_MAX) {
        /* Past the end, go on from 0 if the granules there were given back
         * (never into the pages of this generation's own headers). */
        if (arena->zone_bytes - arena->zone_cur < need && !arena->zone_wrapped &&
            arena->zone_clean >= need) {
            arena->zone_cur = 0;
            arena->zone_wrapped = 1;
        }
        size_t limit = arena->zone_wrapped ? arena->zone_clean : arena->zone_bytes;
        if (limit - arena->zone_cur >= need) {
            void *p = arena->zone + arena->zone_cur;
            arena->zone_cur += need;
            if (arena->zone_cur > arena->zone_high)
                arena->zone_high = arena->zone_cur;
            return p;
        }
        /* one generation filled the whole zone: the rest go in the chunks */
    }
    return nb__arena_alloc_aligned(arena, bytes, 16);
}

size_t nb__arena_header_capacity(const nb_arena *arena, size_t bytes)
{
    size_t need = (bytes + 15) & ~(size_t)15;
    return arena && arena->zone && need ? arena->zone_bytes / need : 0;
}

size_t nb__arena_header_resident(const nb_arena *arena)
{
    size_t total = 0;
#if NB_HAVE_ZONE
    if (!arena || !arena->zone)
        return 0;
    size_t pages = (arena->zone_high + arena->page - 1) / arena->page;
    unsigned char vec[4096];
    for (size_t i = 0; i < pages; i += sizeof vec) {
        size_t n = pages - i < sizeof vec ? pages - i : sizeof vec;
        if (mincore(arena->zone + i * arena->page, n * arena->page, vec) != 0)
            return (size_t)-1;
        for (size_t j = 0; j < n; j++)
            total += (vec[j] & 1) ? arena->page : 0;
    }
#else
    (void)arena;
#endif
    return total;
}

size_t nb_arena_used(const nb_arena *arena) { return arena ? arena->used : 0; }

size_t nb_arena_reserved(const nb_arena *arena) { return arena ? arena->reserved : 0; }

uint64_t nb_arena_generation(const nb_arena *arena) { return arena ? arena->generation : 0; }
