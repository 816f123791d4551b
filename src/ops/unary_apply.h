/* The shared shape of the elementwise unary ops in unary_math.c and
 * activations.c: the result has the input's shape and dtype, forward is one
 * call of the unary kernel.  params: i[0] = nb_unary_kind, f[0], f[1] = its
 * scalars (read back by backward formulas that need them). */
#ifndef NB_OPS_UNARY_APPLY_H
#define NB_OPS_UNARY_APPLY_H

#include "kernels/unary.h"
#include "ops/op_util.h"

static inline int nb__unary_map_forward(nb_tensor *out, nb_tensor *const *in, int n_in,
                                        const nb_op_params *p)
{
    (void)n_in;
    nb_unary_kind kind = (nb_unary_kind)p->i[0];
    if (out->dtype == NB_F32)
        nb_k_unary_f32(kind, out->numel, in[0]->data, out->data, p->f[0], p->f[1]);
    else
        nb_k_unary_f64(kind, out->numel, in[0]->data, out->data, p->f[0], p->f[1]);
    return 0;
}

static inline nb_tensor *nb__unary_map(const nb_op *op, nb_unary_kind kind, nb_tensor *x,
                                       double p0, double p1)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    nb_op_params p = {.i = {kind}, .f = {p0, p1}};
    return nb__op_apply(op, &x, 1, &p, x->dtype, x->ndim, x->shape);
}

/* A 0-d constant of x's dtype, for comparisons in backward masks. */
static inline nb_tensor *nb__scalar_like(const nb_tensor *x, double v)
{
    return x ? nb_scalar(x->dtype, v) : NULL;
}

#endif
