/* pad: constant padding of any axes, as torch.nn.functional.pad in its
 * constant mode.  The forward fills the result with the value and copies x
 * in row by row; the gradient is x's place cut out of g with one slice per
 * padded axis (slice's own gradient puts it back into zeros, so every order
 * of derivative stays within slice and its pad_axis twin). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

typedef struct nb_pad_params {
    double value;                /* fill of the new elements */
    int32_t before[NB_MAX_DIMS]; /* padding in front, per axis (x's order); int32 to fit a node */
} nb_pad_params;

static int nb_pad_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                          const void *params)
{
    (void)op, (void)n_in;
    const nb_pad_params *p = params;
    const nb_tensor *x = in[0];
    if (out->dtype == NB_F32) {
        float *o = out->data;
        for (int64_t i = 0; i < out->numel; i++)
            o[i] = (float)p->value;
    } else {
        double *o = out->data;
        for (int64_t i = 0; i < out->numel; i++)
            o[i] = p->value;
    }
    if (x->numel == 0)
        return 0;
    int nd = x->ndim;
    size_t es = nb_dtype_size(x->dtype);
    if (nd == 0) {
        memcpy(out->data, x->data, es);
        return 0;
    }
    /* row-major strides of the result, then one innermost row of x at a time */
    int64_t ostride[NB_MAX_DIMS], idx[NB_MAX_DIMS] = {0};
    ostride[nd - 1] = 1;
    for (int d = nd - 2; d >= 0; d--)
        ostride[d] = ostride[d + 1] * out->shape[d + 1];
    int64_t row = x->shape[nd - 1], rows = x->numel / row;
    const char *src = x->data;
    char *dst = out->data;
    for (int64_t r = 0; r < rows; r++) {
        int64_t off = 0;
        for (int d = 0; d < nd; d++)
            off += (idx[d] + p->before[d]) * ostride[d];
        memcpy(dst + (size_t)off * es, src + (size_t)(r * row) * es, (size_t)row * es);
        for (int d = nd - 2; d >= 0; d--) { /* next row index, odometer style */
            if (++idx[d] < x->shape[d])
                break;
            idx[d] = 0;
        }
    }
    return 0;
}

static int nb_pad_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_pad_params *p = nb__node_params(node);
    const nb_tensor *x = node->inputs[0];
    for (int d = 0; d < x->ndim; d++)
        if (g && g->shape[d] != x->shape[d])
            g = nb_slice(g, d, p->before[d], p->before[d] + x->shape[d]);
    gi[0] = g;
    return 0;
}

static const nb_op nb_op_pad = {
    .name = "pad",
    .forward = nb_pad_forward,
    .backward = nb_pad_backward,
    .params_size = NB_PARAMS(nb_pad_params),
};

nb_tensor *nb_pad(nb_tensor *x, const int64_t *pad, int n_pairs, double value)
{
    const char *op = "pad";
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    if (n_pairs < 0 || n_pairs > x->ndim || (n_pairs > 0 && !pad)) {
        char s[96];
        nb__error(n_pairs > 0 && !pad ? NB_ERR_NULL : NB_ERR_ARG,
                  "pad: %d (left, right) pairs given (pad %s) for a %d-d tensor %s; need 0..%d "
                  "pairs, the first for the last axis", n_pairs, pad ? "set" : "NULL", x->ndim,
                  nb__shape_fmt(x->ndim, x->shape, s, sizeof s), x->ndim);
        return NULL;
    }
    nb_pad_params p = {.value = value};
    int64_t shape[NB_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape[0] * (size_t)x->ndim);
    for (int k = 0; k < n_pairs; k++) {
        int d = x->ndim - 1 - k;
        int64_t lo = pad[2 * k], hi = pad[2 * k + 1];
        if (lo > INT32_MAX || hi > INT32_MAX) {
            nb__error(NB_ERR_ARG, "pad: pair %d (axis %d) is (%lld, %lld); padding is limited "
                      "to 2^31 - 1 per side", k + 1, d, (long long)lo, (long long)hi);
            return NULL;
        }
        if (lo < 0 || hi < 0) {
            nb__error(NB_ERR_ARG, "pad: pair %d (axis %d) is (%lld, %lld); padding must be >= 0 "
                      "(crop with nb_slice instead)", k + 1, d, (long long)lo, (long long)hi);
            return NULL;
        }
        p.before[d] = (int32_t)lo;
        shape[d] += lo + hi;
    }
    return nb__op_apply(&nb_op_pad, &x, 1, &p, x->dtype, x->ndim, shape);
}
