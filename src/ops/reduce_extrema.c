/* max / min over all elements or one axis, and the index-valued argmax /
 * argmin.  Ties: the first (lowest-index) extreme wins, in the value's
 * gradient and in argmax alike, so the gradient goes to exactly the element
 * argmax names (a subgradient; PyTorch's max(dim) does the same).  The
 * backward puts g at that index with nb__put, whose own gradient is a take,
 * so second order works. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/reduce.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"
#include "ops/take_put.h"

typedef struct nb_extrema_params {
    nb_axis_params reduce;
    bool is_min; /* min and argmin; else max and argmax */
} nb_extrema_params;

static int nb_extrema_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                              const void *params)
{
    (void)op, (void)n_in;
    const nb_extrema_params *p = params;
    int64_t outer, n, inner;
    nb__axis_view(in[0], p->reduce.axis, &outer, &n, &inner);
    if (out->dtype == NB_F32)
        nb_k_extrema_axis_f32(p->is_min, outer, n, inner, in[0]->data, out->data, NULL);
    else
        nb_k_extrema_axis_f64(p->is_min, outer, n, inner, in[0]->data, out->data, NULL);
    return 0;
}

static int nb_extrema_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_extrema_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0];
    int64_t outer, n, inner;
    nb__axis_view(x, p->reduce.axis, &outer, &n, &inner);
    /* Recompute the winning indices (a constant: the gradient does not flow
     * through the choice of element) rather than store them on every forward. */
    int64_t m = outer * inner;
    nb_tensor *idx = nb__tensor_empty(x->dtype, 1, &m, node->op->name);
    nb_tensor *val = idx ? nb__tensor_empty(x->dtype, 1, &m, node->op->name) : NULL;
    if (!val)
        return nb_last_status();
    bool is_min = p->is_min;
    if (x->dtype == NB_F32)
        nb_k_extrema_axis_f32(is_min, outer, n, inner, x->data, val->data, idx->data);
    else
        nb_k_extrema_axis_f64(is_min, outer, n, inner, x->data, val->data, idx->data);
    nb__select s = {outer, n, 1, inner, false, idx, NB_TAKE_FOR_TAKE};
    gi[0] = nb__put(g, &s, x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_max = {
    .name = "max",
    .forward = nb_extrema_forward,
    .backward = nb_extrema_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_extrema_params),
};

static const nb_op nb_op_min = {
    .name = "min",
    .forward = nb_extrema_forward,
    .backward = nb_extrema_backward,
    .saved = NB_SAVES_INPUT(0),
    .params_size = NB_PARAMS(nb_extrema_params),
};

/* Checks shared by every function here; *a gets the normalised axis (-1: all). */
static int nb_extrema_check(const char *op, nb_tensor *x, bool all, int axis, int *a)
{
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return -1;
    *a = -1;
    if (!all && nb__norm_axis(op, axis, x->ndim, a) < 0)
        return -1;
    int64_t n = all ? x->numel : x->shape[*a];
    if (n == 0) {
        char s[96];
        return nb__error(NB_ERR_SHAPE, "%s: cannot reduce an empty %s (tensor is %s)", op,
                         all ? "tensor" : "axis", nb__shape_fmt(x->ndim, x->shape, s, sizeof s));
    }
    return 0;
}

static nb_tensor *nb_extrema(const nb_op *op, const char *name, nb_tensor *x, bool all, int axis,
                             bool keepdim, bool is_min)
{
    int a;
    if (nb_extrema_check(name, x, all, axis, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int ndim = nb__reduced_shape(x, a, keepdim, shape);
    nb_extrema_params p = {.reduce = {.axis = a, .keepdim = keepdim}, .is_min = is_min};
    return nb__op_apply(op, &x, 1, &p, x->dtype, ndim, shape);
}

nb_tensor *nb_max(nb_tensor *x) { return nb_extrema(&nb_op_max, "max", x, true, 0, false, false); }
nb_tensor *nb_min(nb_tensor *x) { return nb_extrema(&nb_op_min, "min", x, true, 0, false, true); }

nb_tensor *nb_max_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb_extrema(&nb_op_max, "max_axis", x, false, axis, keepdim, false);
}

nb_tensor *nb_min_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb_extrema(&nb_op_min, "min_axis", x, false, axis, keepdim, true);
}

/* Not differentiable: the result is a plain tensor outside the graph. */
static nb_tensor *nb_arg_extrema(const char *op, nb_tensor *x, int axis, bool keepdim, bool is_min)
{
    int a;
    if (nb_extrema_check(op, x, false, axis, &a) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS], outer, n, inner;
    int ndim = nb__reduced_shape(x, a, keepdim, shape);
    nb__axis_view(x, a, &outer, &n, &inner);
    nb_tensor *out = nb__tensor_empty(x->dtype, ndim, shape, op);
    void *val = out ? nb_arena_alloc(out->arena, (size_t)(out->numel ? out->numel : 1) * nb_dtype_size(x->dtype)) : NULL;
    if (!val)
        return NULL;
    if (x->dtype == NB_F32)
        nb_k_extrema_axis_f32(is_min, outer, n, inner, x->data, val, out->data);
    else
        nb_k_extrema_axis_f64(is_min, outer, n, inner, x->data, val, out->data);
    return out;
}

nb_tensor *nb_argmax_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb_arg_extrema("argmax_axis", x, axis, keepdim, false);
}

nb_tensor *nb_argmin_axis(nb_tensor *x, int axis, bool keepdim)
{
    return nb_arg_extrema("argmin_axis", x, axis, keepdim, true);
}
