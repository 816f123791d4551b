/* Arena memory: a list of chunks handed out by bumping an offset.
 *
 * Reset rewinds to the first chunk and keeps every chunk.  Allocation walks
 * the chunks in order and only asks the system for a new one past the last,
 * so a step that repeats the previous step's allocations reuses exactly the
 * same memory and calls no allocator at all. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "nabla/arena.h"

enum { NB_ARENA_ALIGN = 64 };
#define NB_ARENA_DEFAULT_CHUNK ((size_t)1 << 20)
#define NB_ARENA_MAX_GROWTH ((size_t)1 << 28)
#define NB_ARENA_POISON_BYTE 0xA5

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

size_t nb_arena_used(const nb_arena *arena) { return arena ? arena->used : 0; }

size_t nb_arena_reserved(const nb_arena *arena) { return arena ? arena->reserved : 0; }

uint64_t nb_arena_generation(const nb_arena *arena) { return arena ? arena->generation : 0; }
