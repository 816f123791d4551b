/* Comparison masks and sign: 0/1 (or -1/0/1) tensors that are never
 * recorded.  They are constants almost everywhere, so backward formulas use
 * them as masks and second order stays correct. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "kernels/unary.h"
#include "nabla/ops.h"
#include "ops/binary_common.h"
#include "ops/op_util.h"

/* No nb__op_apply: the result must not join the graph even when an input
 * requires grad. */
static nb_tensor *nb_compare(const char *op, nb_binary_kind kind, nb_tensor *a, nb_tensor *b)
{
    nb_tensor *in[2] = {a, b};
    if (nb__check_op_inputs(op, in, 2) < 0)
        return NULL;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes(op, a->ndim, a->shape, b->ndim, b->shape, &ndim, shape) < 0)
        return NULL;
    nb_tensor *out = nb__tensor_empty(a->dtype, ndim, shape, op);
    if (!out)
        return NULL;
    nb_op_params p = {.i = {kind}};
    nb__binary_forward(out, in, 2, &p);
    return out;
}

nb_tensor *nb_greater(nb_tensor *a, nb_tensor *b) { return nb_compare("greater", NB_BIN_GT, a, b); }
nb_tensor *nb_greater_equal(nb_tensor *a, nb_tensor *b)
{
    return nb_compare("greater_equal", NB_BIN_GE, a, b);
}
nb_tensor *nb_less(nb_tensor *a, nb_tensor *b) { return nb_compare("less", NB_BIN_LT, a, b); }
nb_tensor *nb_less_equal(nb_tensor *a, nb_tensor *b) { return nb_compare("less_equal", NB_BIN_LE, a, b); }
nb_tensor *nb_equal(nb_tensor *a, nb_tensor *b) { return nb_compare("equal", NB_BIN_EQ, a, b); }

nb_tensor *nb_sign(nb_tensor *x)
{
    if (nb__check_op_inputs("sign", &x, 1) < 0)
        return NULL;
    nb_tensor *out = nb__tensor_empty(x->dtype, x->ndim, x->shape, "sign");
    if (!out)
        return NULL;
    if (out->dtype == NB_F32)
        nb_k_unary_f32(NB_UN_SIGN, out->numel, x->data, out->data, 0, 0);
    else
        nb_k_unary_f64(NB_UN_SIGN, out->numel, x->data, out->data, 0, 0);
    return out;
}
