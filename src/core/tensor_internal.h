/* The tensor struct and the helpers every layer above core uses to make and
 * validate tensors.  Private: the public API sees nb_tensor as opaque. */
#ifndef NB_CORE_TENSOR_INTERNAL_H
#define NB_CORE_TENSOR_INTERNAL_H

#include <stdatomic.h>

#include "core/error_internal.h"
#include "nabla/tensor.h"

#define NB_TENSOR_MAGIC 0x7e450a1bu

/* The most elements a shape may have, counting only its nonzero sizes:
 * their product times the largest element size (8 bytes) fits in int64 and
 * size_t, so a shape valid for one dtype is valid for every dtype. */
#define NB_SHAPE_MAX_ELEMS                                                                  \
    ((int64_t)((uint64_t)SIZE_MAX < (uint64_t)INT64_MAX ? (uint64_t)SIZE_MAX / 8            \
                                                          : (uint64_t)INT64_MAX / 8))

struct nb_node;

struct nb_tensor {
    uint32_t magic;      /* NB_TENSOR_MAGIC while valid; 0 once the header's page was
                            given back (reset, or free with poison) */
    /* An nb_dtype and a dimension count (0..NB_MAX_DIMS) in a byte each, so
     * that with requires_grad they share the magic's eight bytes: every op
     * of a step makes a header, and each byte of it is a byte to fault in. */
    uint8_t dtype;
    int8_t ndim;
    bool requires_grad;
    int64_t numel;
    void *data;          /* numel elements in `arena`, 64-byte aligned (16 below 64 bytes) */
    nb_arena *arena;
    uint64_t generation; /* the arena's generation when the tensor was made */
    /* The version counter, bumped by every in-place write: &own_version,
     * or for a view the counter of its base (nb__tensor_share_version), so
     * that a write through either is seen by both. */
    uint64_t *version_counter;
    uint64_t own_version;
    /* Anomaly mode: version + 1 when last found free of NaN/Inf (0: never), so
     * a leaf is scanned once per version.  Atomic (relaxed) because threads
     * may read one leaf at once, and each may record that it checked it. */
    _Atomic uint64_t finite_version;
    struct nb_node *node;     /* the op that produced it (NULL for leaves) */
    struct nb_tensor *grad;   /* leaves: accumulated gradient, in `arena` */
    const char *name;
    /* What the teaching views (trace, DOT, page) call this tensor's gradient,
     * e.g. "D2"; set by nb_tensor_set_grad_label (src/teach/grad_label.c),
     * copied into `arena`, NULL for none. */
    const char *grad_label;
    /* The sizes, ndim of them: the header is allocated for its own rank
     * (nb__tensor_header_bytes), so a scalar of a long chain of ops does not
     * carry eight.  A header may only lose dimensions in place, never gain. */
    int64_t shape[];
};

/* The bytes of a header for a tensor of ndim dimensions. */
static inline size_t nb__tensor_header_bytes(int ndim)
{
    return sizeof(struct nb_tensor) + (size_t)ndim * sizeof(int64_t);
}

/* Make an uninitialised tensor in `arena` (the current one when NULL).
 * Validates ndim/shape; `op` names the caller in error messages. */
nb_tensor *nb__tensor_empty_in(nb_arena *arena, nb_dtype dtype, int ndim, const int64_t *shape,
                               const char *op);
/* Same in the current arena. */
nb_tensor *nb__tensor_empty(nb_dtype dtype, int ndim, const int64_t *shape, const char *op);

/* 0 when t is usable; otherwise records a message naming `op` and `what`
 * (e.g. "input 2") and returns a negative status.  A NULL t keeps an
 * earlier message (sticky errors). */
int nb__check_tensor(const nb_tensor *t, const char *op, const char *what);

/* Format t's shape as "2x3" / "scalar" into buf (returns buf). */
char *nb__shape_fmt(int ndim, const int64_t *shape, char *buf, size_t size);

/* Number of elements of a shape (0 when a size is 0); -1 when a size is
 * negative or the product of the nonzero sizes exceeds NB_SHAPE_MAX_ELEMS. */
int64_t nb__shape_numel(int ndim, const int64_t *shape);

/* The version t reports, and one in-place write to t (seen by every tensor
 * that shares its counter). */
static inline uint64_t nb__version(const nb_tensor *t) { return *t->version_counter; }
static inline void nb__bump_version(nb_tensor *t) { ++*t->version_counter; }

/* Make `view` (whose data lies in `base`'s, in an arena that lives as long)
 * report `base`'s version counter from now on, as PyTorch's views do.  The
 * shared counter moves past both old versions, so a node that saved either
 * tensor before sees a change. */
void nb__tensor_share_version(nb_tensor *view, nb_tensor *base);

/* Element i of t as double / store v into element i (no checks). */
static inline double nb__get(const nb_tensor *t, int64_t i)
{
    return t->dtype == NB_F32 ? (double)((const float *)t->data)[i] : ((const double *)t->data)[i];
}
static inline void nb__set(nb_tensor *t, int64_t i, double v)
{
    if (t->dtype == NB_F32)
        ((float *)t->data)[i] = (float)v;
    else
        ((double *)t->data)[i] = v;
}

#endif
