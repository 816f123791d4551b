/* take and put along an axis: linear in their data input, with the indices
 * as a node parameter, so that take's gradient is put and put's is take and
 * derivatives of any order stay inside this pair. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "core/index_check.h"
#include "kernels/select.h"
#include "nabla/ops.h"
#include "ops/take_put.h"
#include "ops/op_util.h"

/* nb_k_take_* or nb_k_put_* (kernels/select.h). */
typedef void (*nb_select_f32)(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                              const float *src, const float *idx, float *out);
typedef void (*nb_select_f64)(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                              const double *src, const double *idx, double *out);

/* Both ops' parameters are the nb__select itself; the kernel of out's
 * dtype runs on it. */
static int nb_select_run(const nb__select *s, nb_tensor *out, const nb_tensor *src,
                         nb_select_f32 k32, nb_select_f64 k64)
{
    if (out->dtype == NB_F32)
        k32(s->outer, s->n, s->k, s->inner, s->bcast_inner, src->data, s->idx->data, out->data);
    else
        k64(s->outer, s->n, s->k, s->inner, s->bcast_inner, src->data, s->idx->data, out->data);
    return 0;
}

static int nb_take_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                           const void *params)
{
    (void)op, (void)n_in;
    return nb_select_run(params, out, in[0], nb_k_take_f32, nb_k_take_f64);
}

static int nb_put_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                          const void *params)
{
    (void)op, (void)n_in;
    return nb_select_run(params, out, in[0], nb_k_put_f32, nb_k_put_f64);
}

static int nb_take_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *x = node->inputs[0];
    gi[0] = nb__put(g, nb__node_params(node), x->ndim, x->shape);
    return 0;
}

static int nb_put_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_tensor *small = node->inputs[0];
    gi[0] = nb__take(g, nb__node_params(node), small->ndim, small->shape);
    return 0;
}

/* One descriptor per public op that picks with take, so that its nodes (in
 * messages, the trace, DOT and the page) carry the name the user called:
 * "backward of 'cross_entropy_loss' ...: saved tensor 1 was modified", not
 * "of 'take'". */
#define NB_TAKE_OP(op_name)                                                  \
    {                                                                        \
        .name = op_name, .forward = nb_take_forward, .backward = nb_take_backward, \
        .params_size = NB_PARAMS(nb__select),                                \
    }
static const nb_op nb_op_take[] = {
    [NB_TAKE_FOR_TAKE] = NB_TAKE_OP("take"),
    [NB_TAKE_FOR_NLL_LOSS] = NB_TAKE_OP("nll_loss"),
    [NB_TAKE_FOR_CROSS_ENTROPY_LOSS] = NB_TAKE_OP("cross_entropy_loss"),
    [NB_TAKE_FOR_GATHER_ROWS] = NB_TAKE_OP("gather_rows"),
};
#undef NB_TAKE_OP

static const nb_op nb_op_put = {
    .name = "put",
    .forward = nb_put_forward,
    .backward = nb_put_backward,
    .params_size = NB_PARAMS(nb__select),
};

/* Both directions: the data input must have `have` elements, the result
 * `want`; anything else is a bug in the calling op, reported, not crashed on. */
static nb_tensor *nb_select_apply(const nb_op *op, nb_tensor *x, const nb__select *s, int ndim,
                                  const int64_t *shape, int64_t have, int64_t want)
{
    if (nb__check_op_inputs(op->name, &x, 1) < 0)
        return NULL;
    int64_t n_idx = s->outer * s->k * (s->bcast_inner ? 1 : s->inner);
    if (!s->idx || s->idx->dtype != x->dtype || s->idx->numel != n_idx || x->numel != have ||
        nb__shape_numel(ndim, shape) != want) {
        nb__error(NB_ERR_STATE, "%s: internal shape mismatch (data %lld elements, expected %lld)",
                  op->name, (long long)x->numel, (long long)have);
        return NULL;
    }
    nb_tensor *out = nb__op_apply(op, &x, 1, s, x->dtype, ndim, shape);
    /* backward reads the indices (labels): saving them puts them under the
     * version check, so changing them in place before backward is reported */
    if (out && nb__node_save(out, (nb_tensor *)s->idx) < 0)
        return NULL;
    return out;
}

nb_tensor *nb__take(nb_tensor *x, const nb__select *s, int ndim, const int64_t *shape)
{
    int owner = s->owner <= NB_TAKE_FOR_GATHER_ROWS ? s->owner : NB_TAKE_FOR_TAKE;
    return nb_select_apply(&nb_op_take[owner], x, s, ndim, shape, s->outer * s->n * s->inner,
                           s->outer * s->k * s->inner);
}

nb_tensor *nb__put(nb_tensor *g, const nb__select *s, int ndim, const int64_t *shape)
{
    return nb_select_apply(&nb_op_put, g, s, ndim, shape, s->outer * s->k * s->inner,
                           s->outer * s->n * s->inner);
}

int nb__check_indices(const char *op, const nb_tensor *idx, nb_dtype dtype, int64_t limit,
                      const char *item, const char *pos, const char *limit_noun)
{
    int rc = nb__check_tensor(idx, op, item);
    if (rc < 0)
        return rc;
    if (idx->dtype != dtype)
        return nb__error(NB_ERR_DTYPE,
                         "%s: the %s tensor is %s but the data is %s; store the %s values in the "
                         "data's dtype",
                         op, item, nb_dtype_name(idx->dtype), nb_dtype_name(dtype), item);
    if (idx->ndim != 1) {
        char s[96];
        return nb__error(NB_ERR_SHAPE, "%s: the %s tensor must be 1-d, got %s", op, item,
                         nb__shape_fmt(idx->ndim, idx->shape, s, sizeof s));
    }
    nb__index_desc d = {op, NULL, item, pos, limit_noun, NB_ERR_ARG};
    return nb__check_index_values(&d, idx, limit);
}
