/* conv2d as one op.  The forward unfolds each image (and group) into a
 * scratch im2col matrix and multiplies the flattened filters by it straight
 * into the output, adding the bias in the same pass, so no (N, C*kh*kw, L)
 * tensor of windows is ever made and no broadcast add runs after it.  The
 * backward is two ops of conv_grad.c (input and weight gradients) and a sum
 * for the bias; those two and conv2d are each other's gradients, so every
 * order of derivative stays inside these three ops.  The composition of
 * unfold, matmul and add (nb__conv2d_composed) is the reference they are
 * tested against. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/simd.h"
#include "nabla/ops.h"
#include "ops/conv_kernels.h"
#include "ops/conv_util.h"
#include "ops/op_util.h"

static int nb_conv2d_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                             const void *params)
{
    (void)op;
    const nb__conv_params *p = params;
    const nb_tensor *x = in[0], *w = in[1], *b = n_in > 2 ? in[2] : NULL;
    nb_dtype dt = out->dtype;
    int64_t n = x->shape[0], c = x->shape[1], o = w->shape[0], grp = p->groups;
    int64_t cg = c / grp, og = o / grp, hw = x->shape[2] * x->shape[3];
    int64_t k = cg * p->win.kh * p->win.kw, l = out->shape[2] * out->shape[3];
    bool pointwise = nb__cv_is_pointwise(&p->win);
    nb_k_conv_geom geom = nb__window_geom(&p->win, cg);
    void *cols, *ws;
    if (nb__cv_scratch(out->arena, dt, pointwise ? 0 : k * l,
                       nb_gemm_workspace_bytes(nb_dtype_size(dt), og, l, k), &cols, &ws) < 0)
        return NB_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++)
        for (int64_t gi = 0; gi < grp; gi++) {
            const void *xg = nb__cv_at(dt, x->data, (i * c + gi * cg) * hw);
            void *yg = nb__cv_at(dt, out->data, (i * o + gi * og) * l);
            if (!pointwise)
                nb__cv_im2col(dt, &geom, xg, cols);
            int rc = nb__cv_gemm(dt, false, false, og, l, k, nb__cv_at(dt, w->data, gi * og * k),
                                 pointwise ? xg : cols, 0.0, yg, ws);
            if (rc < 0)
                return rc;
            if (!b)
                continue;
            /* the bias while this image's rows are still in cache */
            for (int64_t r = 0; r < og; r++) {
                if (dt == NB_F32) {
                    float *row = (float *)yg + r * l, v = ((const float *)b->data)[gi * og + r];
                    NB_SIMD
                    for (int64_t j = 0; j < l; j++)
                        row[j] += v;
                } else {
                    double *row = (double *)yg + r * l, v = ((const double *)b->data)[gi * og + r];
                    NB_SIMD
                    for (int64_t j = 0; j < l; j++)
                        row[j] += v;
                }
            }
        }
    return 0;
}

/* y = conv(x, w) + b:
 *   dx = grad_input(g, w)    (w^T g, folded)
 *   dw = grad_weight(x, g)   (sum over images of g cols(x)^T)
 *   db = g summed over images and positions */
static int nb_conv2d_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb__conv_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0], *w = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__conv2d_grad_input(g, w, p);
    if (nb__needs_grad(node, 1)) {
        nb_tensor *sink = nb__grad_sink(node, 1);
        if (sink) { /* the weight's .grad takes the GEMMs' sums directly (beta = 1) */
            int rc = nb__conv2d_grad_weight_into(nb_arena_current(), x, g, p, sink->data,
                                                 true);
            if (rc < 0)
                return rc;
            gi[1] = NB__GRAD_ADDED;
        } else {
            gi[1] = nb__conv2d_grad_weight(x, g, p);
        }
    }
    if (node->n_inputs > 2 && nb__needs_grad(node, 2))
        gi[2] = nb__conv2d_grad_bias(g);
    return 0;
}

static const nb_op nb_op_conv2d = {
    .name = "conv2d",
    .forward = nb_conv2d_forward,
    .backward = nb_conv2d_backward,
    .saved = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1),
    .params_size = NB_PARAMS(nb__conv_params),
};

nb_tensor *nb__conv2d_fused(nb_tensor *x, nb_tensor *w, nb_tensor *b, const nb__conv_params *p)
{
    if (!x || !w)
        return NULL;
    int64_t shape[4] = {x->shape[0], w->shape[0], nb__window_oh(&p->win),
                        nb__window_ow(&p->win)};
    nb_tensor *in[3] = {x, w, b};
    return nb__op_apply(&nb_op_conv2d, in, b ? 3 : 2, p, x->dtype, 4, shape);
}

nb_tensor *nb__conv2d_composed(nb_tensor *x, nb_tensor *w, nb_tensor *b, const nb__conv_params *p)
{
    if (!x || !w)
        return NULL;
    int64_t n = x->shape[0], o = w->shape[0], groups = p->groups;
    int64_t k = w->shape[1] * w->shape[2] * w->shape[3];
    int64_t oh = nb__window_oh(&p->win), ow = nb__window_ow(&p->win);
    nb_tensor *cols = nb__unfold(x, &p->win), *y;
    if (groups == 1) /* (O, K) x (N, K, L): the weight broadcasts over the batch */
        y = nb_matmul(nb_reshape(w, 2, (const int64_t[]){o, k}), cols);
    else
        y = nb_matmul(nb_reshape(w, 3, (const int64_t[]){groups, o / groups, k}),
                      nb_reshape(cols, 4, (const int64_t[]){n, groups, k, oh * ow}));
    y = nb_reshape(y, 4, (const int64_t[]){n, o, oh, ow});
    if (b)
        y = nb_add(y, nb_reshape(b, 3, (const int64_t[]){o, 1, 1}));
    return y;
}
