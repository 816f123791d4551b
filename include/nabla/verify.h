/* nabla/verify.h — check gradients: finite differences against autodiff,
 * first and second order, and the functional transforms built on the engine
 * (vjp, jvp, Jacobian, Hessian, Hessian-vector product).
 *
 * The function under test is a callback that maps input tensors to one
 * output tensor using nabla ops.  It is called many times; every call's
 * tensors go to the current arena.
 */
#ifndef NABLA_VERIFY_H
#define NABLA_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = fn(inputs); return NULL on failure (with nabla's error message). */
typedef nb_tensor *(*nb_fn)(nb_tensor *const *inputs, int n_inputs, void *ctx);

typedef struct nb_gradcheck_opts {
    double eps;      /* central-difference step; 0 means 1e-6 */
    double atol;     /* absolute tolerance; 0 means 1e-5 */
    double rtol;     /* relative tolerance; 0 means 1e-3 */
    bool fast;       /* compare one random projection v^T J u instead of the full Jacobian */
    uint64_t seed;   /* for the random vectors (fast mode, gradgradcheck) */
    FILE *report;    /* if set, a readable report of a failure (or the f32 warning) goes here */
    bool allow_f32;  /* do not warn when inputs are f32 (checks in f32 are unreliable) */
} nb_gradcheck_opts;

typedef struct nb_gradcheck_result {
    bool passed;
    int64_t checked;       /* Jacobian entries (or projections) compared */
    int64_t failed;        /* how many were outside atol + rtol*|numeric| */
    int input_index;       /* worst entry: which input (0-based), -1 if none */
    int64_t element_index; /* worst entry: flat index in that input */
    int64_t output_index;  /* worst entry: flat index in the output (-1 in fast mode) */
    double analytic;       /* worst entry: autodiff value */
    double numeric;        /* worst entry: finite-difference value */
    double max_abs_error;  /* over all entries */
    double max_rel_error;
    char message[512];     /* one-line summary, e.g. for printing */
} nb_gradcheck_result;

/* Compare the Jacobian of fn at `inputs` computed by the engine with central
 * differences, for every input that requires grad.  Inputs are perturbed in
 * place and restored.  Returns NB_OK when all entries agree, NB_ERR_GRAD when
 * some do not (result and the error message say where), or another negative
 * status when fn fails.  opts and result may be NULL. */
int nb_gradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                 const nb_gradcheck_opts *opts, nb_gradcheck_result *result);

/* Second order: checks the gradient of (v . dfn/dinputs) — computed with
 * NB_CREATE_GRAPH — against finite differences of the first-order
 * gradient, for a seeded random cotangent v.  Same returns as nb_gradcheck. */
int nb_gradgradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                     const nb_gradcheck_opts *opts, nb_gradcheck_result *result);

/* Vector-Jacobian product: value = fn(inputs) (if `value` non-NULL) and
 * vjp[i] = v^T d fn / d inputs[i] for every input (NULL for inputs fn does
 * not depend on).  v has the output's shape (NULL for a one-element output). */
int nb_vjp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, nb_tensor *v,
           nb_tensor **value, nb_tensor **vjp);

/* Jacobian-vector product: jvp = sum_i d fn / d inputs[i] . tangents[i],
 * computed by reverse-of-reverse (two backward passes). */
int nb_jvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
           nb_tensor *const *tangents, nb_tensor **value, nb_tensor **jvp);

/* Full Jacobian of fn with respect to inputs[input_index]: a 2-D tensor of
 * shape (numel(output), numel(input)).  NULL on failure. */
nb_tensor *nb_jacobian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                       int input_index);

/* Hessian of a one-element fn with respect to inputs[input_index]:
 * (numel(input), numel(input)).  NULL on failure. */
nb_tensor *nb_hessian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      int input_index);

/* Hessian-vector product H v of a one-element fn, H taken with respect to
 * inputs[input_index]; v has that input's shape. */
nb_tensor *nb_hvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, int input_index,
                  nb_tensor *v);

#ifdef __cplusplus
}
#endif
#endif
