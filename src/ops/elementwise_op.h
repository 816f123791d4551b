/* The plumbing shared by the elementwise ops (unary_basic.c, unary_math.c,
 * activations.c, binary.c, binary_extra.c, compare.c, mse_bce.c, where.c).
 * Each op writes its loops as rows of NB_MAPS / NB_ZIPS
 * (kernels/elementwise_loops.h) and names them in its descriptor; the
 * forwards here run them:
 *   .forward = nb__unary_forward, .map = {nb_exp_map_f32, nb_exp_map_f64}
 *   .forward = nb__zip_forward,   .zip = {nb_add_zip_f32, nb_add_zip_f64}
 * and the apply functions are the standard public-function bodies. */
#ifndef NB_OPS_ELEMENTWISE_OP_H
#define NB_OPS_ELEMENTWISE_OP_H

#include "autograd/graph.h"
#include "ops/op_util.h"

/* Forward of a map: op->map over the input's elements. */
int nb__unary_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                      const void *params);

/* Forward of a zip: op->zip over the inputs broadcast to out's shape. */
int nb__zip_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                    const void *params);

/* nb__zip_forward over explicit data tensors (up to NB_K_MAX_ZIP_INPUTS),
 * for an op some of whose loop inputs are not graph inputs (where's mask). */
int nb__zip_run(const nb_op *op, nb_tensor *out, const nb_tensor *const *data, int n,
                const void *params);

/* Check x (valid) and apply a map op: result of x's shape and dtype.
 * params: the op's parameter struct, or NULL. */
nb_tensor *nb__unary_apply(const nb_op *op, nb_tensor *x, const void *params);

/* Check a and b (valid, one dtype, broadcastable) and apply a zip op. */
nb_tensor *nb__binary_apply(const nb_op *op, nb_tensor *a, nb_tensor *b);

/* The same two, never recorded (the result joins no graph even when an
 * input requires grad): the constant masks of compare.c. */
nb_tensor *nb__unary_constant(const nb_op *op, nb_tensor *x);
nb_tensor *nb__binary_constant(const nb_op *op, nb_tensor *a, nb_tensor *b);

/* A 0-d constant of x's dtype, for comparisons in backward masks. */
static inline nb_tensor *nb__scalar_like(const nb_tensor *x, double v)
{
    return x ? nb_scalar(x->dtype, v) : NULL;
}

#endif
