/* nabla/verify.h — check gradients: finite differences against autodiff,
 * first and second order, and the functional transforms built on the engine
 * (vjp, jvp, Jacobian, Hessian, Hessian-vector product).
 *
 * The function under test is a callback that maps input tensors to one
 * output tensor using nabla ops.  It is called many times, with grad mode
 * on or off as each tool needs; its tensors go to the current arena, which
 * the tools point at private scratch arenas (freed before they return), so
 * a big check does not grow the caller's arena.  Results the caller keeps
 * (vjp, jvp, Jacobian, ...) are allocated in the caller's current arena as
 * plain tensors without graph history.  See docs/verify.md.
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

/* eps must be a finite number > 0 and atol, rtol finite numbers >= 0; 0
 * means the default, and anything else (negative, NaN, infinite) makes the
 * check fail with NB_ERR_ARG naming the option, never silently pass. */
typedef struct nb_gradcheck_opts {
    double eps;      /* central-difference step; 0 means 1e-6 */
    double atol;     /* absolute tolerance; 0 means 1e-5 */
    double rtol;     /* relative tolerance; 0 means 1e-3 */
    bool fast;       /* compare one random projection v^T J u instead of the full Jacobian */
    uint64_t seed;   /* for the random vectors (fast mode, gradgradcheck) */
    FILE *report;    /* if set, a readable report of a failure (or the f32 warning) goes here;
                        nothing is ever printed elsewhere */
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
    double max_rel_error;  /* over all entries: |a - n| / max(|a|, |n|) (0 when both are 0) */
    char message[512];     /* one-line summary, e.g. for printing */
} nb_gradcheck_result;

/* Compare the Jacobian of fn at `inputs` computed by the engine with central
 * differences, for every input that requires grad (the others are held
 * constant).  Entry (output j, input element k) passes when
 * |analytic - numeric| <= atol + rtol*|numeric|.
 *
 * Analytic: fn is recorded once, then one nb_grad per output element
 * (one-hot cotangent) gives one row of the Jacobian.  Numeric: each element
 * is set to x+eps and x-eps in place (version bumped), fn is evaluated with
 * grad mode off, and the element is restored to exactly its old value; the
 * divisor is the step actually stored.  When the call returns, the inputs
 * hold their old values bit for bit and their old version numbers, so a
 * graph recorded before the call can still be backpropagated (do not use
 * the inputs from another thread during the call).  fn runs in the inputs' own dtype; with f32
 * inputs the differences are unreliable (a warning goes to opts->report
 * unless allow_f32): check in f64.  Fast mode compares one seeded random
 * projection v^T J u instead (1 comparison, no location).
 *
 * Returns NB_OK when all entries agree, NB_ERR_GRAD when some do not (the
 * result, the report and the error message name the worst entry: input,
 * element and its multi-index, output element, analytic and numeric), or
 * the negative status of the failure when fn fails (its message is kept) or
 * the arguments are wrong (NB_ERR_ARG for an option out of range, above).
 * opts and result may be NULL. */
int nb_gradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                 const nb_gradcheck_opts *opts, nb_gradcheck_result *result);

/* Second order: for a seeded random cotangent v (fn's output shape), each
 * input p that requires grad gives g_p = v . d fn / d inputs[p] (nb_grad
 * with NB_CREATE_GRAPH); the Jacobian of every g_p with respect to every
 * input that requires grad, from a second backward pass, is compared with
 * central differences of g_p.  In the result, output_index is a flat index
 * into the concatenation of the g_p (in input order); the message names
 * "grad of inputs[p] element q".  Same returns as nb_gradcheck. */
int nb_gradgradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                     const nb_gradcheck_opts *opts, nb_gradcheck_result *result);

/* ---- checking a gradient you derived by hand ---- */

/* Options of nb_check_grad (NULL, or a zeroed field, means the default).
 * eps must be a finite number > 0 and atol, rtol finite numbers >= 0;
 * anything else is an NB_ERR_ARG error naming the option. */
typedef struct nb_check_grad_opts {
    double eps;                /* central-difference step, in f64; 0 means 1e-6 */
    double atol;               /* absolute tolerance; 0 means 1e-5 */
    double rtol;               /* relative tolerance (of the reference); 0 means 1e-3 */
    nb_tensor *const *hvp_v;   /* second order: a direction v, one tensor per input of that
                                  input's shape (a NULL entry is zero); NULL: first order only */
    nb_tensor *const *my_hvp;  /* second order: your (H v) for each input (NULL entries are not
                                  checked); set together with hvp_v */
    FILE *report;              /* if set, the per-input report (and the f32 warning) goes here,
                                  whether or not the check passes; nothing is printed elsewhere */
    /* Second order as plain arrays, for nb_check_grad_f64 only (in place of
     * hvp_v and my_hvp, which must then be NULL): numel(inputs[i]) doubles
     * per input, row-major; a NULL entry of hvp_v_f64 is zero, of my_hvp_f64
     * not checked.  Set both or neither. */
    const double *const *hvp_v_f64;
    const double *const *my_hvp_f64;
} nb_check_grad_opts;

typedef struct nb_check_grad_result {
    bool passed;
    int64_t checked;        /* entries compared: your gradients' entries, then your H v's */
    int64_t differ;         /* entries where yours is outside the tolerance of autodiff or numeric */
    int64_t engine_differ;  /* entries where autodiff and numeric disagree with each other */
    int worst_input;        /* the worst entry (largest error / tolerance): input, -1 if none */
    int64_t worst_element;  /* its flat index in that input */
    bool worst_is_hvp;      /* it is an entry of H v, not of the gradient */
    double yours;           /* its values: yours, */
    double autodiff;        /* the engine's (nb_grad on fn), */
    double numeric;         /* and central differences of fn (of its gradient for H v) */
    char message[1024];     /* the report on one line: "inputs[0]: ...; inputs[1]: ..." */
} nb_check_grad_result;

/* Check a gradient derived by hand.  fn maps the inputs to a one-element
 * tensor (a loss); my_grads[i] is your gradient of it with respect to
 * inputs[i], of inputs[i]'s shape, or NULL for an input not to check (held
 * constant).  Each entry of yours is compared with the engine's gradient of
 * fn (nb_grad) and with central differences of fn; an entry agrees when
 * |yours - ref| <= atol + rtol*|ref| for both references, and the two
 * references are compared the same way.  With opts->hvp_v and
 * opts->my_hvp, your Hessian-vector products are also compared with the
 * engine's (a second backward pass) and with central differences of the
 * engine's gradient along v (for a function of one number, v = 1 and H v
 * is its second derivative).
 *
 * Everything runs in f64 on private copies of the inputs (fn is called with
 * those; an f32 input is converted, with a warning in the report, and fn
 * must then accept f64 tensors); the inputs and their .grad are not
 * touched, requires_grad need not be set, and nothing is allocated in the
 * caller's arena.  The report names each checked input, e.g.
 *   inputs[0] (3x4): 12 of 12 entries differ, worst at [2,1]: yours 0.12,
 *   autodiff 0.31, numeric 0.31
 *   inputs[1] (1x4): all 4 agree (largest difference 3.1e-11)
 *
 * Returns NB_OK when every entry agrees; NB_ERR_MISMATCH when some do not
 * (the one-line report is the error message and result->message); another
 * negative status for a wrong argument (NULL fn, inputs or my_grads, no
 * gradient given, a gradient of another shape, an option out of range, an
 * output with more than one element) or when fn fails (its message kept).
 * opts and result may be NULL. */
int nb_check_grad(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                  nb_tensor *const *my_grads, const nb_check_grad_opts *opts,
                  nb_check_grad_result *result);

/* nb_check_grad with your gradients as plain arrays: my_grads[i] holds
 * numel(inputs[i]) doubles in row-major order (NULL: not checked), e.g.
 *   nb_check_grad_f64(fn, in, 2, ctx, (const double *[]){dW, NULL}, &opts, NULL);
 * and, for second order, v and your H v as arrays too (opts.hvp_v_f64,
 * opts.my_hvp_f64), or as tensors (opts.hvp_v, opts.my_hvp).  The arrays
 * are read during the call.  Same returns; NB_ERR_ARG also when only one of
 * hvp_v_f64 and my_hvp_f64 is set, when they are set together with
 * hvp_v or my_hvp, or when they are given to nb_check_grad. */
int nb_check_grad_f64(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      const double *const *my_grads, const nb_check_grad_opts *opts,
                      nb_check_grad_result *result);

/* True when a and b have the same shape and every element satisfies
 * |a - b| <= atol + rtol*|b| (torch.allclose with equal_nan = false: a NaN
 * is never close, an infinity only to the same infinity).  Values are
 * compared as doubles, so a and b may differ in dtype.  Two empty tensors
 * are close.  False, with a message, for a NULL tensor (NB_ERR_NULL), one
 * made before its arena was reset (NB_ERR_STATE), different shapes
 * (NB_ERR_SHAPE; no broadcasting) or a tolerance that is not a finite
 * number >= 0 (NB_ERR_ARG); a plain "not close" records nothing,
 * so call nb_clear_error() first to tell the two apart. */
bool nb_allclose(const nb_tensor *a, const nb_tensor *b, double rtol, double atol);

/* The functional transforms below differentiate with respect to the inputs
 * whether or not they require grad (a leaf not requiring grad is marked for
 * the call and unmarked after).  They need a current arena for the results,
 * fail with NB_ERR_SHAPE/NB_ERR_DTYPE when v or a tangent does not match,
 * NB_ERR_ARG for an input_index out of range, and pass fn's failure through.
 * nb_vjp / nb_jvp return NB_OK or a negative status (outputs set to NULL on
 * failure); the others return NULL on failure. */

/* Vector-Jacobian product: value = fn(inputs) (if `value` non-NULL) and
 * vjp[i] = v^T d fn / d inputs[i] for every input (NULL for inputs fn does
 * not depend on).  v has the output's shape (NULL for a one-element output).
 * One backward pass. */
int nb_vjp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, nb_tensor *v,
           nb_tensor **value, nb_tensor **vjp);

/* Jacobian-vector product: jvp = sum_i d fn / d inputs[i] . tangents[i]
 * (fn's output shape), computed by reverse-of-reverse: with a dummy
 * cotangent u, g_i = u^T J_i is recorded, and d/du sum_i <g_i, tangents[i]>
 * is the answer (two backward passes).  tangents[i] has inputs[i]'s shape;
 * a NULL entry means a zero tangent.  value as for nb_vjp. */
int nb_jvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
           nb_tensor *const *tangents, nb_tensor **value, nb_tensor **jvp);

/* Full Jacobian of fn with respect to inputs[input_index]: a 2-D tensor of
 * shape (numel(output), numel(input)), in that input's dtype, built row by
 * row (one backward pass per output element).  NULL on failure. */
nb_tensor *nb_jacobian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                       int input_index);

/* Hessian of a one-element fn with respect to inputs[input_index]:
 * (numel(input), numel(input)): the first gradient is recorded
 * (NB_CREATE_GRAPH), then one backward pass per element of it.  A fn with
 * more than one element is an NB_ERR_SHAPE error.  NULL on failure. */
nb_tensor *nb_hessian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      int input_index);

/* Hessian-vector product H v of a one-element fn, H taken with respect to
 * inputs[input_index]; v has that input's shape and so has the result.
 * Two backward passes, without forming H.  NULL on failure. */
nb_tensor *nb_hvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, int input_index,
                  nb_tensor *v);

#ifdef __cplusplus
}
#endif
#endif
