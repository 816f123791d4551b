/* nabla/tensor.h — the tensor: n-d (up to NB_MAX_DIMS), contiguous row-major,
 * f32 or f64, allocated from the thread's current arena (see arena.h).
 *
 * The struct is opaque; read it through the accessors below.  Functions that
 * create tensors return NULL on failure and record a message (error.h); they
 * fail with NB_ERR_STATE when no arena is current.
 *
 * Shapes: every size is >= 0, and the product of the nonzero sizes is at
 * most 2^60 - 1 (INT64_MAX / 8), so that the byte count fits in int64 and
 * size_t for every dtype.  A size of 0 makes an empty tensor but does not
 * lift that limit: 0 x INT64_MAX x 2 is an NB_ERR_SHAPE error.
 *
 * A tensor lives until its arena is reset or freed.  Every function here
 * checks that its tensor is still live; using one that is not is an
 * NB_ERR_STATE error naming the function (see arena.h for exactly what is
 * detected after reset and after free).
 */
#ifndef NABLA_TENSOR_H
#define NABLA_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/arena.h"
#include "nabla/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NB_MAX_DIMS 8

typedef enum nb_dtype { NB_F32 = 0, NB_F64 = 1 } nb_dtype;

typedef struct nb_tensor nb_tensor;

/* NB_SHAPE(2, 3) expands to the (ndim, shape) argument pair `2, (const int64_t[]){2, 3}`. */
#define NB_SHAPE(...)                                                      \
    (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)),       \
        (const int64_t[]) { __VA_ARGS__ }

/* ---- creation (result in the current arena; ndim 0 makes a scalar) ---- */

/* Zeros / ones / a constant. */
nb_tensor *nb_zeros(nb_dtype dtype, int ndim, const int64_t *shape);
nb_tensor *nb_ones(nb_dtype dtype, int ndim, const int64_t *shape);
nb_tensor *nb_full(nb_dtype dtype, int ndim, const int64_t *shape, double value);
/* A 0-d tensor holding `value`. */
nb_tensor *nb_scalar(nb_dtype dtype, double value);
/* A copy of `data` (numel elements of the dtype's C type: float or double). */
nb_tensor *nb_from_data(nb_dtype dtype, const void *data, int ndim, const int64_t *shape);
nb_tensor *nb_from_f32(const float *data, int ndim, const int64_t *shape);
nb_tensor *nb_from_f64(const double *data, int ndim, const int64_t *shape);
/* A tensor of `dtype` holding the ints in `data` (numel of them), e.g. class
 * labels or indices for nb_cross_entropy_loss, nb_nll_loss and
 * nb_gather_rows, which take them in the data's dtype:
 *     nb_tensor *y = nb_from_int(NB_F32, (int[]){2, 0, 1}, NB_SHAPE(3));
 * NULL with NB_ERR_ARG for a value f32 cannot hold exactly (|v| > 2^24). */
nb_tensor *nb_from_int(nb_dtype dtype, const int *data, int ndim, const int64_t *shape);
/* 1-d: start, start+step, ... while < stop (> stop for negative step). */
nb_tensor *nb_arange(nb_dtype dtype, double start, double stop, double step);
/* Seeded random tensors: uniform in [low, high), normal(mean, std).  The
 * parameters must be finite (and within the f32 range for NB_F32), with
 * low <= high and std >= 0, else NULL with an NB_ERR_ARG message naming the
 * parameter; low == high and std == 0 give a constant tensor. */
nb_tensor *nb_rand_uniform(nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape,
                           double low, double high);
nb_tensor *nb_rand_normal(nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape,
                          double mean, double std);
/* A copy of t's values with no graph history (requires_grad false). */
nb_tensor *nb_tensor_clone(const nb_tensor *t);

/* ---- accessors ----
 * A NULL t gives 0 / NULL / false with no new message (sticky errors); a t
 * that is not live (its arena was reset or freed) gives the same and records
 * NB_ERR_STATE naming the accessor. */
nb_dtype nb_tensor_dtype(const nb_tensor *t);
int nb_tensor_ndim(const nb_tensor *t);
const int64_t *nb_tensor_shape(const nb_tensor *t);
/* Size of one axis; negative axes count from the end.  -1 on a bad axis. */
int64_t nb_tensor_dim(const nb_tensor *t, int axis);
int64_t nb_tensor_numel(const nb_tensor *t);
/* Element data; NULL if t has another dtype (with an NB_ERR_DTYPE message).
 * After writing through these pointers call nb_tensor_bump_version. */
float *nb_tensor_data_f32(nb_tensor *t);
double *nb_tensor_data_f64(nb_tensor *t);
void *nb_tensor_data(nb_tensor *t);
/* Element i of the flattened tensor as a double (NAN + message when out of range). */
double nb_tensor_get(const nb_tensor *t, int64_t index);
/* The only element of a one-element tensor (NAN + message otherwise). */
double nb_tensor_item(const nb_tensor *t);
size_t nb_dtype_size(nb_dtype dtype);
const char *nb_dtype_name(nb_dtype dtype);
/* The arena t was allocated from. */
nb_arena *nb_tensor_arena(const nb_tensor *t);
/* True if t is live: not NULL, and its arena was neither reset since t was
 * made nor freed.  Records no message.  (A tensor of an arena freed without
 * opts.poison must not be passed at all; see arena.h.) */
bool nb_tensor_valid(const nb_tensor *t);
bool nb_tensor_same_shape(const nb_tensor *a, const nb_tensor *b);
/* Writes "2x3" (or "scalar"; "(invalid)" when t is NULL or not live, with
 * no message) into buf; returns buf. */
char *nb_tensor_shape_str(const nb_tensor *t, char *buf, size_t size);

/* ---- in-place writes (bump the version counter; recording is not done) ---- */
int nb_tensor_fill(nb_tensor *t, double value);
/* dst's values := src's values (same shape and dtype). */
int nb_tensor_copy(nb_tensor *dst, const nb_tensor *src);
/* Declare that t's data was changed through nb_data_* (a t that is not live
 * is left alone and reported). */
void nb_tensor_bump_version(nb_tensor *t);
/* Incremented by each in-place write; backward compares it with the value
 * seen when a tensor was saved for the backward pass. */
uint64_t nb_tensor_version(const nb_tensor *t);

/* ---- autograd attributes ---- */
/* Mark a leaf as a variable to differentiate with respect to.  Returns t, or
 * NULL (NB_ERR_ARG) when t is the result of a recorded op. */
nb_tensor *nb_tensor_set_requires_grad(nb_tensor *t, bool requires_grad);
bool nb_tensor_requires_grad(const nb_tensor *t);
/* True for tensors not produced by a recorded op. */
bool nb_tensor_is_leaf(const nb_tensor *t);
/* The gradient accumulated in a leaf by nb_backward, or NULL if none yet.
 * It lives in the leaf's arena, is allocated once and accumulated in place. */
nb_tensor *nb_tensor_grad(const nb_tensor *t);
/* Set a leaf's gradient to zero (no-op when it has none). */
int nb_tensor_zero_grad(nb_tensor *t);
/* Optional name (e.g. "layer1.weight"), copied into the tensor's arena. */
int nb_tensor_set_name(nb_tensor *t, const char *name);
const char *nb_tensor_name(const nb_tensor *t);

/* ---- printing ---- */
/* Print shape, dtype and values (at most `max_elems` per tensor, 0 = 64). */
int nb_tensor_print(const nb_tensor *t, FILE *out, int64_t max_elems);

#ifdef __cplusplus
}
#endif
#endif
