/* slice (a range along one axis) and its gradient pad (the range put back
 * into zeros): a pair of linear ops, each the other's gradient. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "kernels/elementwise.h"
#include "kernels/select.h"
#include "nabla/ops.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

/* Both ops: the range along one axis of the large tensor.  Its length is
 * the small tensor's size on the axis. */
typedef struct nb_range_params {
    int axis;      /* normalised */
    int64_t start; /* first index of the range, counted from 0 */
    int64_t size;  /* size of the axis in the large tensor */
} nb_range_params;

/* Copy between the large tensor (axis size p->size) and the small one (the range). */
static void nb_range_copy(const nb_tensor *large, const nb_tensor *small, const nb_range_params *p,
                          bool to_small)
{
    int64_t outer, len, inner;
    nb__axis_view(small, p->axis, &outer, &len, &inner);
    size_t es = nb_dtype_size(large->dtype);
    size_t row = (size_t)(len * inner) * es, big = (size_t)(p->size * inner) * es;
    char *at = (char *)large->data + (size_t)(p->start * inner) * es;
    if (to_small)
        nb_k_copy_blocks(outer, row, at, big, small->data, row);
    else
        nb_k_copy_blocks(outer, row, small->data, row, at, big);
}

static int nb_slice_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                            const void *params)
{
    (void)op, (void)n_in;
    nb_range_copy(in[0], out, params, true);
    return 0;
}

static int nb_pad_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                          const void *params)
{
    (void)op, (void)n_in;
    if (out->numel)
        memset(out->data, 0, (size_t)out->numel * nb_dtype_size(out->dtype));
    nb_range_copy(out, in[0], params, false);
    return 0;
}

static nb_tensor *nb_pad_axis(nb_tensor *g, const nb_range_params *p);

static int nb_slice_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb_pad_axis(g, nb__node_params(node));
    return 0;
}

/* The fast first-order path (graph.h): g added into its range of the
 * input's gradient, O(size of the slice), where the formula above builds a
 * zero tensor of the whole input per slice (a sequence cut into T steps
 * then costs O(T^2)).  Tested against the formula in test_ops_slice. */
static int nb_slice_backward_into(const struct nb_node *node, nb_tensor *g, nb_tensor *acc)
{
    const nb_range_params *p = nb__node_params(node);
    int64_t outer, len, inner;
    nb__axis_view(g, p->axis, &outer, &len, &inner);
    int64_t row = len * inner, big = p->size * inner;
    for (int64_t o = 0; o < outer; o++) {
        int64_t at = o * big + p->start * inner;
        if (g->dtype == NB_F32)
            nb_k_add_inplace_f32(row, (float *)acc->data + at, (const float *)g->data + o * row);
        else
            nb_k_add_inplace_f64(row, (double *)acc->data + at, (const double *)g->data + o * row);
    }
    return 0;
}

static int nb_pad_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_range_params *p = nb__node_params(node);
    gi[0] = nb_slice(g, p->axis, p->start, p->start + node->inputs[0]->shape[p->axis]);
    return 0;
}

static const nb_op nb_op_slice = {
    .name = "slice",
    .forward = nb_slice_forward,
    .backward = nb_slice_backward,
    .backward_into = nb_slice_backward_into,
    .params_size = NB_PARAMS(nb_range_params),
};

static const nb_op nb_op_pad = {
    .name = "pad_axis",
    .forward = nb_pad_forward,
    .backward = nb_pad_backward,
    .params_size = NB_PARAMS(nb_range_params),
};

/* g (the slice's shape) placed at p's range inside zeros of the full size. */
static nb_tensor *nb_pad_axis(nb_tensor *g, const nb_range_params *p)
{
    if (nb__check_op_inputs("pad_axis", &g, 1) < 0)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    memcpy(shape, g->shape, sizeof shape[0] * (size_t)g->ndim);
    shape[p->axis] = p->size;
    return nb__op_apply(&nb_op_pad, &g, 1, p, g->dtype, g->ndim, shape);
}

nb_tensor *nb_slice(nb_tensor *x, int axis, int64_t start, int64_t stop)
{
    const char *op = "slice";
    int a;
    if (nb__check_op_inputs(op, &x, 1) < 0 || nb__norm_axis(op, axis, x->ndim, &a) < 0)
        return NULL;
    int64_t n = x->shape[a];
    int64_t s = start < 0 ? start + n : start, e = stop < 0 ? stop + n : stop;
    if (s < 0 || s > n || e < 0 || e > n || s > e) {
        char sh[96];
        nb__error(NB_ERR_ARG,
                  "slice: range %lld:%lld does not fit axis %d of size %lld (tensor is %s); need "
                  "-%lld <= start <= stop <= %lld after counting negatives from the end",
                  (long long)start, (long long)stop, axis, (long long)n,
                  nb__shape_fmt(x->ndim, x->shape, sh, sizeof sh), (long long)n, (long long)n);
        return NULL;
    }
    int64_t shape[NB_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape[0] * (size_t)x->ndim);
    shape[a] = e - s;
    nb_range_params p = {.axis = a, .start = s, .size = n};
    return nb__op_apply(&nb_op_slice, &x, 1, &p, x->dtype, x->ndim, shape);
}
