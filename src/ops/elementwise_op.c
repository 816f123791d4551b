/* The shared forwards and apply functions of the elementwise ops (see
 * elementwise_op.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ops/elementwise_op.h"

int nb__unary_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                      const void *params)
{
    (void)n_in;
    if (out->dtype == NB_F32)
        op->map.f32(out->numel, in[0]->data, out->data, params);
    else
        op->map.f64(out->numel, in[0]->data, out->data, params);
    return 0;
}

int nb__zip_run(const nb_op *op, nb_tensor *out, const nb_tensor *const *data, int n,
                const void *params)
{
    int64_t st[NB_K_MAX_ZIP_INPUTS][NB_MAX_DIMS];
    const int64_t *stp[NB_K_MAX_ZIP_INPUTS];
    const void *d[NB_K_MAX_ZIP_INPUTS];
    if (n > NB_K_MAX_ZIP_INPUTS)
        return nb__error(NB_ERR_STATE, "%s: internal error: %d inputs to a zip (at most %d)",
                         op->name, n, NB_K_MAX_ZIP_INPUTS);
    for (int k = 0; k < n; k++) {
        nb_k_broadcast_strides(data[k]->ndim, data[k]->shape, out->ndim, out->shape, st[k]);
        stp[k] = st[k];
        d[k] = data[k]->data;
    }
    if (out->dtype == NB_F32)
        nb_k_zip_f32(out->ndim, out->shape, n, (const float *const *)d, stp, op->zip.f32, params,
                     out->data);
    else
        nb_k_zip_f64(out->ndim, out->shape, n, (const double *const *)d, stp, op->zip.f64, params,
                     out->data);
    return 0;
}

int nb__zip_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                    const void *params)
{
    return nb__zip_run(op, out, (const nb_tensor *const *)in, n_in, params);
}

nb_tensor *nb__unary_apply(const nb_op *op, nb_tensor *x, const void *params)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    return nb__op_apply(op, &x, 1, params, x->dtype, x->ndim, x->shape);
}

/* a and b checked, their broadcast shape in (ndim, shape). */
static int nb_binary_shape(const nb_op *op, nb_tensor *const *in, int *ndim, int64_t *shape)
{
    if (nb__check_op_inputs(op->name, in, 2) < 0)
        return -1;
    return nb__broadcast_shapes(op->name, in[0]->ndim, in[0]->shape, in[1]->ndim, in[1]->shape,
                                ndim, shape);
}

nb_tensor *nb__binary_apply(const nb_op *op, nb_tensor *a, nb_tensor *b)
{
    nb_tensor *in[2] = {a, b};
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb_binary_shape(op, in, &ndim, shape) < 0)
        return NULL;
    return nb__op_apply(op, in, 2, NULL, a->dtype, ndim, shape);
}

nb_tensor *nb__unary_constant(const nb_op *op, nb_tensor *x)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    nb_tensor *out = nb__tensor_empty(x->dtype, x->ndim, x->shape, op->name);
    if (!out || op->forward(op, out, &x, 1, NULL) < 0)
        return NULL;
    return out;
}

nb_tensor *nb__binary_constant(const nb_op *op, nb_tensor *a, nb_tensor *b)
{
    nb_tensor *in[2] = {a, b};
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb_binary_shape(op, in, &ndim, shape) < 0)
        return NULL;
    nb_tensor *out = nb__tensor_empty(a->dtype, ndim, shape, op->name);
    if (!out || op->forward(op, out, in, 2, NULL) < 0)
        return NULL;
    return out;
}
