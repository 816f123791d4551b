/* concat along an axis: block copies; the gradient of each input is the
 * matching slice of g. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/select.h"
#include "nabla/ops.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

typedef struct nb_concat_params {
    int axis; /* normalised */
} nb_concat_params;

static int nb_concat_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                             const void *params)
{
    (void)op;
    int axis = ((const nb_concat_params *)params)->axis;
    int64_t outer, total, inner;
    nb__axis_view(out, axis, &outer, &total, &inner);
    size_t es = nb_dtype_size(out->dtype);
    int64_t offset = 0;
    for (int k = 0; k < n_in; k++) {
        int64_t len = in[k]->shape[axis];
        nb_k_copy_blocks(outer, (size_t)(len * inner) * es, in[k]->data, (size_t)(len * inner) * es,
                         (char *)out->data + (size_t)(offset * inner) * es, (size_t)(total * inner) * es);
        offset += len;
    }
    return 0;
}

static int nb_concat_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    int axis = ((const nb_concat_params *)nb__node_params(node))->axis;
    int64_t offset = 0;
    for (int k = 0; k < node->n_inputs; k++) {
        int64_t len = node->inputs[k]->shape[axis];
        if (nb__needs_grad(node, k))
            gi[k] = nb_slice(g, axis, offset, offset + len);
        offset += len;
    }
    return 0;
}

static const nb_op nb_op_concat = {
    .name = "concat",
    .forward = nb_concat_forward,
    .backward = nb_concat_backward,
    .params_size = NB_PARAMS(nb_concat_params),
};

nb_tensor *nb_concat(nb_tensor *const *tensors, int n, int axis)
{
    const char *op = "concat";
    if (!tensors || n < 1) {
        nb__error(tensors ? NB_ERR_ARG : NB_ERR_NULL, "concat: need an array of at least one tensor (got %s, n = %d)",
                  tensors ? "an array" : "NULL", n);
        return NULL;
    }
    if (nb__check_op_inputs(op, tensors, n) < 0)
        return NULL;
    const nb_tensor *t0 = tensors[0];
    int a;
    if (nb__norm_axis(op, axis, t0->ndim, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    for (int d = 0; d < t0->ndim; d++)
        shape[d] = t0->shape[d];
    for (int k = 1; k < n; k++) {
        const nb_tensor *t = tensors[k];
        bool fits = t->ndim == t0->ndim;
        for (int d = 0; fits && d < t0->ndim; d++)
            fits = d == a || t->shape[d] == t0->shape[d];
        if (!fits) {
            char s1[96], s2[96];
            nb__error(NB_ERR_SHAPE,
                      "concat: input %d is %s but input 1 is %s; all sizes except axis %d must match",
                      k + 1, nb__shape_fmt(t->ndim, t->shape, s1, sizeof s1),
                      nb__shape_fmt(t0->ndim, t0->shape, s2, sizeof s2), axis);
            return NULL;
        }
        shape[a] += t->shape[a];
    }
    nb_concat_params p = {.axis = a};
    return nb__op_apply(&nb_op_concat, tensors, n, &p, t0->dtype, t0->ndim, shape);
}
