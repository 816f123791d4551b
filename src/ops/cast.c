/* nb_cast: f32 <-> f64, differentiable (backward casts the gradient back).
 * A same-dtype cast is a recorded copy, so the result is always a new
 * tensor, like every other op's. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "kernels/unary.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

static int nb_cast_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p)
{
    (void)n_in;
    (void)p;
    const nb_tensor *x = in[0];
    if (x->dtype == out->dtype) {
        if (out->numel)
            memcpy(out->data, x->data, (size_t)out->numel * nb_dtype_size(out->dtype));
    } else if (x->dtype == NB_F32) {
        nb_k_convert_f32_f64(out->numel, x->data, out->data);
    } else {
        nb_k_convert_f64_f32(out->numel, x->data, out->data);
    }
    return 0;
}

static int nb_cast_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_cast(g, node->inputs[0]->dtype);
    return 0;
}

static const nb_op nb_op_cast = {"cast", nb_cast_forward, nb_cast_backward, 0, 0};

nb_tensor *nb_cast(nb_tensor *x, nb_dtype dtype)
{
    if (nb__check_op_inputs("cast", &x, 1) < 0)
        return NULL;
    if (dtype != NB_F32 && dtype != NB_F64) {
        nb__error(NB_ERR_DTYPE, "cast: unknown dtype %d (use NB_F32 or NB_F64)", (int)dtype);
        return NULL;
    }
    nb_op_params p = {.i = {dtype}};
    return nb__op_apply(&nb_op_cast, &x, 1, &p, dtype, x->ndim, x->shape);
}
