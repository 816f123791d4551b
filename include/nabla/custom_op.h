/* nabla/custom_op.h — define your own differentiable op from C functions.
 *
 * A custom op is a forward function (inputs -> one output tensor) and a
 * backward function (the gradient of the output -> the gradients of the
 * inputs).  Once defined in a registry, it is applied like any op: it
 * records a graph node, shows up by name in DOT pictures and the backward
 * trace, is checked by anomaly mode, and can be tested with nb_gradcheck.
 *
 *   static nb_tensor *cube_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
 *   { return nb_mul(in[0], nb_square(in[0])); }
 *   static int cube_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n,
 *                       nb_tensor *out, nb_tensor *g, nb_tensor **gin, void *user)
 *   { gin[0] = nb_mul(g, nb_mul_scalar(nb_square(in[0]), 3.0)); return 0; }
 *
 *   nb_op_registry *reg = nb_op_registry_new();
 *   const nb_custom_op *cube = nb_custom_op_define(reg, &(nb_custom_op_def){
 *       .name = "cube", .n_inputs = 1, .forward = cube_fwd, .backward = cube_bwd});
 *   nb_tensor *y = nb_custom_op_apply(cube, &x, 1);
 *
 * Registries are explicit objects (no hidden global table).  A registry and
 * its ops must outlive every graph recorded with them.
 */
#ifndef NABLA_CUSTOM_OP_H
#define NABLA_CUSTOM_OP_H

#include <stdbool.h>

#include "nabla/autograd.h" /* NB_MAX_SAVED */
#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tensors saved by forward for backward.  Fill it with nb_custom_save.
 * Saving one of forward's inputs, or the tensor forward returns, gives
 * backward the graph value itself: that input, or the op's output (forward's
 * result is copied into the output, and the saved slot is redirected to it),
 * with its history.  Anything else (an intermediate forward computed) is a
 * plain tensor without history: right for first order, but a create-graph
 * pass through the op is refused (see nb_custom_backward_fn).  In-place
 * changes to a saved tensor between forward and backward are reported by
 * backward as an error. */
typedef struct nb_custom_saved {
    nb_tensor *t[NB_MAX_SAVED];
    int n;
} nb_custom_saved;

/* Compute the output from the inputs, with nabla ops or with raw loops on a
 * tensor you create (nb_zeros, then nb_tensor_data_f64 ...).  Runs with recording
 * off.  The result must be a new tensor in the current arena; return NULL
 * (ideally with a nabla error message) on failure. */
typedef nb_tensor *(*nb_custom_forward_fn)(nb_tensor *const *inputs, int n_inputs,
                                           nb_custom_saved *save, void *user);

/* Set grad_inputs[k] = d(loss)/d(input k), given grad_output = d(loss)/d(output),
 * for every input that requires grad (others may be left NULL).  Each must
 * have its input's dtype and its input's shape, or the shape the input was
 * broadcast to (as for built-in ops, nb_backward then sums it down to the
 * input's shape); another shape or dtype fails with NB_ERR_GRAD naming the
 * op and the input.  Return 0, or any negative int on
 * failure.  nb_backward and nb_grad then fail with an nb_status, the same one
 * nb_last_status() reports: the status of the message an op inside this
 * function recorded when one failed, otherwise NB_ERR_GRAD with a message
 * naming the op and the code returned (never the code itself).
 *
 * Second order (nb_grad with NB_CREATE_GRAPH, nb_gradgradcheck, nb_hessian)
 * records this function's ops and differentiates them, so it is right when
 * backward is written with nabla ops and reads only inputs, output,
 * grad_output and saved inputs/output; recompute any other quantity from
 * those with ops.  If a tensor saved with nb_custom_save is none of these,
 * its dependence on the inputs is unknown, and a create-graph pass through
 * the op fails with NB_ERR_GRAD naming the op and the saved slot instead of
 * giving a silently wrong (partly zero) second derivative.  First order works
 * either way.  A backward written with raw loops records nothing: define the
 * op with .once_differentiable, and second order is refused outright. */
typedef int (*nb_custom_backward_fn)(const nb_custom_saved *saved, nb_tensor *const *inputs,
                                     int n_inputs, nb_tensor *output, nb_tensor *grad_output,
                                     nb_tensor **grad_inputs, void *user);

/* What defines an op; zero-initialise and set the fields. */
typedef struct nb_custom_op_def {
    const char *name;               /* unique in its registry; copied */
    int n_inputs;                   /* inputs it takes (1..16); 0 means any number >= 1 */
    nb_custom_forward_fn forward;   /* required */
    nb_custom_backward_fn backward; /* required */
    bool once_differentiable;       /* backward is not made of nabla ops: asking for
                                       second order (NB_CREATE_GRAPH) is an error */
    void *user;                     /* passed to forward and backward; not owned */
} nb_custom_op_def;

typedef struct nb_custom_op nb_custom_op;
typedef struct nb_op_registry nb_op_registry;

/* A new, empty registry, owned by the caller (free with nb_op_registry_free).
 * Returns NULL with NB_ERR_NOMEM on failure. */
nb_op_registry *nb_op_registry_new(void);

/* Free the registry and every op defined in it.  Graphs recorded with its
 * ops must not be used (backward, DOT, trace) afterwards.  NULL is a no-op. */
void nb_op_registry_free(nb_op_registry *reg);

/* Define an op in `reg`.  Returns the op (owned by the registry), or NULL
 * with a message: NB_ERR_NULL (NULL reg/def/name/forward/backward),
 * NB_ERR_ARG (empty name, a name already defined, bad n_inputs),
 * NB_ERR_NOMEM. */
const nb_custom_op *nb_custom_op_define(nb_op_registry *reg, const nb_custom_op_def *def);

/* The op called `name`, or NULL (with an NB_ERR_ARG message naming it) when
 * there is none.  NULL reg or name: NULL with NB_ERR_NULL. */
const nb_custom_op *nb_custom_op_find(const nb_op_registry *reg, const char *name);

/* Number of ops defined in reg (0 for NULL). */
int nb_op_registry_count(const nb_op_registry *reg);

/* The op's name (NULL for NULL). */
const char *nb_custom_op_name(const nb_custom_op *op);

/* Apply op to the inputs: runs forward, and records a node when grad mode
 * is on and an input requires grad.  The result lives in the current arena.
 * NULL inputs give NULL without a new message (sticky errors); NULL op,
 * a wrong number of inputs, mixed dtypes or a failing forward give NULL with
 * a message naming the op. */
nb_tensor *nb_custom_op_apply(const nb_custom_op *op, nb_tensor *const *inputs, int n_inputs);

/* nb_custom_op_apply(nb_custom_op_find(reg, name), inputs, n_inputs). */
nb_tensor *nb_custom_call(const nb_op_registry *reg, const char *name, nb_tensor *const *inputs,
                          int n_inputs);

/* Save t for backward: an input (seen by backward with its history), the
 * tensor forward is about to return (seen as the op's output), or another
 * tensor forward made (first order only; see nb_custom_saved).  Returns 0,
 * or NB_ERR_NULL / NB_ERR_ARG (more than NB_MAX_SAVED tensors). */
int nb_custom_save(nb_custom_saved *save, nb_tensor *t);

#ifdef __cplusplus
}
#endif
#endif
