/* nabla/arena.h — arena memory: where every tensor and graph node lives.
 *
 * Tensors are never freed one by one.  A long-lived arena holds a model's
 * parameters; a step arena holds one training step's activations, graph
 * nodes and intermediate gradients and is reset after the step.  Reset keeps
 * the arena's chunks, so a step that makes the same allocations as the step
 * before does no malloc at all.
 *
 * Ops put their results in the thread's *current* arena (nb_arena_use).
 *
 * Tensors after reset and free.  Each arena also reserves a range of
 * address space, its header zone, for tensor headers (the small record an
 * nb_tensor pointer points at; data and graph nodes stay in the chunks).
 * Headers are handed out by a cursor that nb_arena_reset does not rewind, so
 * a tensor kept past a reset still points at its own old header, never at a
 * newer tensor's.  What is guaranteed:
 *  - After nb_arena_reset, using one of the arena's earlier tensors is an
 *    NB_ERR_STATE error naming the function called -- every op, nb_backward,
 *    nb_grad, and every accessor (nb_tensor_item, nb_tensor_data_f32, nb_tensor_shape, nb_tensor_numel,
 *    nb_tensor_grad, nb_tensor_print, ...; nb_tensor_valid gives false) --
 *    however many tensors were made since, with or without opts.poison, up
 *    to the wrap bound below.
 *  - The wrap bound: when the cursor reaches the end of the zone it starts
 *    again from the beginning, so a header address is handed out again only
 *    after at least header_zone_bytes / 160 more tensors were made in that
 *    arena (a header is 96 to 160 bytes on 64-bit systems, by its number of
 *    dimensions: at least 6.8 billion tensors for the default 1 TiB,
 *    419,430 for the 64 MiB floor).  A stale tensor used
 *    after that may read the newer tensor made at its address.
 *  - At reset, the zone's pages wholly behind the cursor are given back to
 *    the system in 2 MiB granules; a stale header there reads as zeros and
 *    is reported as "not a live tensor".  The zone's resident memory stays
 *    below about 4 MiB plus one step's headers, however many steps run.
 *  - After nb_arena_free with opts.poison, the zone's used part is left
 *    mapped read-only, reading as zeros, so using a tensor of the freed
 *    arena is still an NB_ERR_STATE error, not a crash.  That keeps the
 *    address space (not memory) until the process exits.
 *  - After nb_arena_free without poison the zone is unmapped: using one of
 *    its tensors is undefined (usually a crash; the address range may also
 *    be reused by a later arena's zone).
 *  - Fallback: without mmap (systems other than Linux), for an arena whose
 *    zone could not be reserved (the 1 TiB request is halved down to 64 MiB
 *    when refused: on x86-64 about 126 arenas at a time get 1 TiB, some 30
 *    more get smaller zones, later ones none), and for the headers beyond a
 *    zone's capacity in one generation (more tensors between two resets
 *    than the zone holds), headers are allocated in the chunks, which reset
 *    reuses.  Such a tensor is reported after a reset only until a newer
 *    tensor is made at its address, and using it after nb_arena_free is
 *    undefined; poison only makes its old data read as a fill pattern.
 *  Cost: every header is fresh memory the kernel must fault in and zero:
 *  past its first 2 MiB the zone asks for transparent huge pages (one fault
 *  per 13,107 headers instead of per 25), and reset makes one madvise call
 *  when the cursor passed a granule.  Creating and freeing an arena costs
 *  an mmap and a munmap: keep arenas and reset them rather than make one
 *  per step.  Measured figures are in docs/architecture.md.
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
    int poison;         /* fill the chunks with a pattern on reset (data read
                           through a pointer kept past the reset is garbage, not
                           a newer tensor's values), and at free keep the header
                           zone readable so that a tensor used after the free is
                           an error, not a crash (debugging aid; costs a memset
                           per reset) */
    const nb_allocator *allocator; /* NULL means malloc/free; copied by nb_arena_new_opts */
    size_t header_zone_bytes; /* address space reserved for tensor headers, rounded
                                 up to 2 MiB; 0 means 1 TiB.  Sets the wrap bound
                                 (above); no memory is used until touched */
} nb_arena_opts;

/* A new, empty arena.  Returns NULL (and records NB_ERR_NOMEM) on failure.
 * The caller owns it and frees it with nb_arena_free. */
nb_arena *nb_arena_new(void);
nb_arena *nb_arena_new_opts(const nb_arena_opts *opts);

/* Free the arena and everything allocated from it.  If it is the current
 * arena of this thread, the current arena becomes NULL.  NULL is a no-op.
 * Its tensors must not be used afterwards unless it was made with
 * opts.poison (then using one is an NB_ERR_STATE error; see above). */
void nb_arena_free(nb_arena *arena);

/* Release everything allocated from the arena at once, keeping its chunks
 * for reuse.  Tensors from it become invalid; using one afterwards is an
 * NB_ERR_STATE error however many tensors were made since, up to the wrap
 * bound (see "Tensors after reset and free" above).  Bumps the generation
 * and gives the header zone's pages behind its cursor back to the system. */
void nb_arena_reset(nb_arena *arena);

/* Make `arena` the current arena of this thread (NULL allowed) and return the
 * previous one, so that a callee can switch and restore. */
nb_arena *nb_arena_use(nb_arena *arena);

/* The current arena of this thread, or NULL. */
nb_arena *nb_arena_current(void);

/* Raw allocation of `bytes` bytes aligned to 64, from `arena`.  Returns NULL
 * and records NB_ERR_NOMEM on failure.  Freed only by reset or free. */
void *nb_arena_alloc(nb_arena *arena, size_t bytes);

/* Bytes handed out since the last reset, and bytes obtained from the
 * allocator, both for the chunks only: headers in the header zone count in
 * neither. */
size_t nb_arena_used(const nb_arena *arena);
size_t nb_arena_reserved(const nb_arena *arena);

/* Number of resets so far (tensors remember the generation they were made in). */
uint64_t nb_arena_generation(const nb_arena *arena);


#ifdef __cplusplus
}
#endif
#endif
