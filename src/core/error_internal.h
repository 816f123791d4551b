/* Internal error helpers: record the thread's one error message. */
#ifndef NB_CORE_ERROR_INTERNAL_H
#define NB_CORE_ERROR_INTERNAL_H

#include "nabla/error.h"

/* Record status + a printf-style message; returns `status` so callers can
 * `return nb__error(NB_ERR_SHAPE, "...")`. */
int nb__error(nb_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when a failure is already recorded (sticky-error checks). */
int nb__error_pending(void);

/* For a function that failed because something it called on the user's
 * behalf failed (nb_train running the model's ops): put "<api>: <context>: "
 * before the recorded message, so it names the function the user called and
 * where inside it, e.g. "nb_train: epoch 2: matmul: out of memory ...".  A
 * message that already starts with "<api>:" is left alone.  Returns the
 * recorded status. */
int nb__error_context(const char *api, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For ops given a NULL input: keep the first message if one is recorded,
 * otherwise record "<op>: <what> is NULL".  Always returns NB_ERR_NULL. */
int nb__null_input(const char *op, const char *what);

/* Arena allocation with a smaller alignment (a power of two up to 64) for
 * small records such as tensor headers and graph nodes, which need no
 * cache-line alignment; data buffers use nb_arena_alloc (64). */
#include <stddef.h>
struct nb_arena;
void *nb__arena_alloc_aligned(struct nb_arena *arena, size_t bytes, size_t align);

/* A tensor header (16-byte aligned) from the arena's header zone, whose
 * addresses a reset does not hand out again (arena.c); from the chunks when
 * the arena has no zone or this generation filled it.  NULL + NB_ERR_NOMEM
 * on failure. */
void *nb__arena_alloc_header(struct nb_arena *arena, size_t bytes);
/* For tests: bytes of the header zone resident in memory, and how many
 * headers of `bytes` bytes it holds before its cursor wraps (0 without a
 * zone). */
size_t nb__arena_header_resident(const struct nb_arena *arena);
size_t nb__arena_header_capacity(const struct nb_arena *arena, size_t bytes);

#endif
