/* nb_cast: f32 <-> f64, differentiable (backward casts the gradient back).
 * A same-dtype cast is a recorded copy, so the result is always a new
 * tensor, like every other op's. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

/* The conversion loops (f64 -> f32 rounds to nearest). */
static void nb_convert_f32_f64(int64_t n, const float *restrict in, double *restrict out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (double)in[i];
}

static void nb_convert_f64_f32(int64_t n, const double *restrict in, float *restrict out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (float)in[i];
}

/* The target dtype is the result's own. */
static int nb_cast_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                           const void *params)
{
    (void)op, (void)n_in, (void)params;
    const nb_tensor *x = in[0];
    if (x->dtype == out->dtype) {
        if (out->numel)
            memcpy(out->data, x->data, (size_t)out->numel * nb_dtype_size(out->dtype));
    } else if (x->dtype == NB_F32) {
        nb_convert_f32_f64(out->numel, x->data, out->data);
    } else {
        nb_convert_f64_f32(out->numel, x->data, out->data);
    }
    return 0;
}

static int nb_cast_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_cast(g, node->inputs[0]->dtype);
    return 0;
}

static const nb_op nb_op_cast = {
    .name = "cast",
    .forward = nb_cast_forward,
    .backward = nb_cast_backward,
};

nb_tensor *nb_cast(nb_tensor *x, nb_dtype dtype)
{
    if (nb__check_op_inputs("cast", &x, 1) < 0)
        return NULL;
    if (dtype != NB_F32 && dtype != NB_F64) {
        nb__error(NB_ERR_DTYPE, "cast: unknown dtype %d (use NB_F32 or NB_F64)", (int)dtype);
        return NULL;
    }
    return nb__op_apply(&nb_op_cast, &x, 1, NULL, dtype, x->ndim, x->shape);
}
