/* nabla/arena.h — arena memory: where every tensor and graph node lives.
 *
 * Tensors are never freed one by one.  A long-lived arena holds a model's
 * parameters; a step arena holds one training step's activations, graph
 * nodes and intermediate gradients and is reset after the step.  Reset keeps
 * the arena's chunks, so a step that makes the same allocations as the step
 * before does no malloc at all.
 *
 * Ops put their results in the thread's *current* arena (nb_arena_use).
 */
#ifndef NABLA_ARENA_H
#define NABLA_ARENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_arena nb_arena;

/* Where an arena gets its chunks from.  Tests count calls through it to prove
 * that a steady training step does not touch the system allocator. */
typedef struct nb_allocator {
    void *(*alloc)(size_t bytes, void *ctx); /* like malloc; NULL on failure */
    void (*release)(void *ptr, void *ctx);   /* like free */
    void *ctx;                               /* passed to both */
} nb_allocator;

/* Options for nb_arena_new_opts; zero-initialise and set what you need. */
typedef struct nb_arena_opts {
    size_t chunk_bytes; /* size of the first chunk; 0 means 1 MiB */
    int poison;         /* fill memory with a pattern on reset, so that a tensor
                           used after its arena was reset is reported, not read
                           as garbage (debugging aid; costs a memset per reset) */
    const nb_allocator *allocator; /* NULL means malloc/free; copied by nb_arena_new_opts */
} nb_arena_opts;

/* A new, empty arena.  Returns NULL (and records NB_ERR_NOMEM) on failure.
 * The caller owns it and frees it with nb_arena_free. */
nb_arena *nb_arena_new(void);
nb_arena *nb_arena_new_opts(const nb_arena_opts *opts);

/* Free the arena and everything allocated from it.  If it is the current
 * arena of this thread, the current arena becomes NULL.  NULL is a no-op. */
void nb_arena_free(nb_arena *arena);

/* Release everything allocated from the arena at once, keeping its memory
 * for reuse.  Tensors from it become invalid; using one afterwards is an
 * NB_ERR_STATE error (reliably so with opts.poison).  Bumps the generation. */
void nb_arena_reset(nb_arena *arena);

/* Make `arena` the current arena of this thread (NULL allowed) and return the
 * previous one, so that a callee can switch and restore. */
nb_arena *nb_arena_use(nb_arena *arena);

/* The current arena of this thread, or NULL. */
nb_arena *nb_arena_current(void);

/* Raw allocation of `bytes` bytes aligned to 64, from `arena`.  Returns NULL
 * and records NB_ERR_NOMEM on failure.  Freed only by reset or free. */
void *nb_arena_alloc(nb_arena *arena, size_t bytes);

/* Bytes handed out since the last reset, and bytes obtained from the system. */
size_t nb_arena_used(const nb_arena *arena);
size_t nb_arena_reserved(const nb_arena *arena);

/* Number of resets so far (tensors remember the generation they were made in). */
uint64_t nb_arena_generation(const nb_arena *arena);


#ifdef __cplusplus
}
#endif
#endif
