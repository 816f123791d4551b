/* The two gradients of conv2d as ops of their own, each made of GEMMs and
 * im2col/col2im on raw buffers:
 *   grad_input(g, w):  per image and group, cols = w^T g, folded (col2im)
 *                      into the input's shape;
 *   grad_weight(x, g): per image and group, gw += g cols(x)^T (beta = 1).
 * Both are bilinear, and their gradients are conv2d and each other (for an
 * upstream h of the result's shape):
 *   grad_input:  d/dg = conv2d(h, w),  d/dw = grad_weight(h, g)
 *   grad_weight: d/dx = grad_input(g, h),  d/dg = conv2d(x, h)
 * so derivatives of every order are made of these three ops.  The bias
 * gradient, a sum of g over images and positions, is a third small op
 * whose gradient is a broadcast. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/conv_kernels.h"
#include "ops/conv_util.h"
#include "ops/op_util.h"

static int nb_conv_grad_input_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in,
                                      int n_in, const void *params)
{
    (void)op, (void)n_in;
    const nb__conv_params *p = params;
    const nb_tensor *g = in[0], *w = in[1];
    nb_dtype dt = out->dtype;
    int64_t n = out->shape[0], c = out->shape[1], o = w->shape[0], grp = p->groups;
    int64_t cg = c / grp, og = o / grp, hw = out->shape[2] * out->shape[3];
    int64_t k = cg * p->win.kh * p->win.kw, l = g->shape[2] * g->shape[3];
    bool pointwise = nb__cv_is_pointwise(&p->win);
    nb_k_conv_geom geom = nb__window_geom(&p->win, cg);
    void *cols, *ws;
    if (nb__cv_scratch(out->arena, dt, pointwise ? 0 : k * l,
                       nb_gemm_workspace_bytes(nb_dtype_size(dt), k, l, og), &cols, &ws) < 0)
        return NB_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++)
        for (int64_t gi = 0; gi < grp; gi++) {
            void *xg = nb__cv_at(dt, out->data, (i * c + gi * cg) * hw);
            int rc = nb__cv_gemm(dt, true, false, k, l, og, nb__cv_at(dt, w->data, gi * og * k),
                                 nb__cv_at(dt, g->data, (i * o + gi * og) * l), 0.0,
                                 pointwise ? xg : cols, ws);
            if (rc < 0)
                return rc;
            if (!pointwise)
                nb__cv_col2im(dt, &geom, cols, xg);
        }
    return 0;
}

int nb__conv2d_grad_weight_into(nb_arena *arena, const nb_tensor *x, const nb_tensor *g,
                                const nb__conv_params *p, void *gw, bool accumulate)
{
    nb_dtype dt = x->dtype;
    int64_t n = x->shape[0], c = x->shape[1], o = g->shape[1], grp = p->groups;
    int64_t cg = c / grp, og = o / grp, hw = x->shape[2] * x->shape[3];
    int64_t k = cg * p->win.kh * p->win.kw, l = g->shape[2] * g->shape[3];
    bool pointwise = nb__cv_is_pointwise(&p->win);
    nb_k_conv_geom geom = nb__window_geom(&p->win, cg);
    void *cols, *ws;
    if (nb__cv_scratch(arena, dt, pointwise ? 0 : k * l,
                       nb_gemm_workspace_bytes(nb_dtype_size(dt), og, k, l), &cols, &ws) < 0)
        return NB_ERR_NOMEM;
    /* every image adds into the sum (beta = 1), so an empty batch leaves 0 */
    if (!accumulate)
        memset(gw, 0, (size_t)(o * k) * nb_dtype_size(dt));
    for (int64_t i = 0; i < n; i++)
        for (int64_t gi = 0; gi < grp; gi++) {
            const void *xg = nb__cv_at(dt, x->data, (i * c + gi * cg) * hw);
            if (!pointwise)
                nb__cv_im2col(dt, &geom, xg, cols);
            int rc = nb__cv_gemm(dt, false, true, og, k, l,
                                 nb__cv_at(dt, g->data, (i * o + gi * og) * l),
                                 pointwise ? xg : cols, 1.0, nb__cv_at(dt, gw, gi * og * k), ws);
            if (rc < 0)
                return rc;
        }
    return 0;
}

static int nb_conv_grad_weight_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in,
                                       int n_in, const void *params)
{
    (void)op, (void)n_in;
    return nb__conv2d_grad_weight_into(out->arena, in[0], in[1], params, out->data, false);
}

static int nb_conv_grad_input_backward(const struct nb_node *node, nb_tensor *h, nb_tensor **gi)
{
    const nb__conv_params *p = nb__node_params(node);
    nb_tensor *g = node->inputs[0], *w = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__conv2d_fused(h, w, NULL, p);
    if (nb__needs_grad(node, 1))
        gi[1] = nb__conv2d_grad_weight(h, g, p);
    return 0;
}

static int nb_conv_grad_weight_backward(const struct nb_node *node, nb_tensor *h, nb_tensor **gi)
{
    const nb__conv_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0], *g = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__conv2d_grad_input(g, h, p);
    if (nb__needs_grad(node, 1))
        gi[1] = nb__conv2d_fused(x, h, NULL, p);
    return 0;
}

/* Sum of one channel's rows of g over images: each row summed in T by a
 * vector loop (the compiler may reorder that sum, as a reduction pragma
 * allows), the row sums added in double. */
#ifdef _OPENMP
#define NB_CONV_PRAGMA(x) _Pragma(#x)
#define NB_CONV_SIMD_SUM(v) NB_CONV_PRAGMA(omp simd reduction(+ : v))
#else
#define NB_CONV_SIMD_SUM(v)
#endif
#define NB_CONV_BIAS_SUM(T)                                                                    \
    do {                                                                                       \
        const T *src = g->data;                                                                \
        T *dst = out->data;                                                                    \
        for (int64_t ch = 0; ch < o; ch++) {                                                   \
            double acc = 0;                                                                    \
            for (int64_t i = 0; i < n; i++) {                                                  \
                const T *row = src + (i * o + ch) * l;                                         \
                T s = 0;                                                                       \
                NB_CONV_SIMD_SUM(s)                                                            \
                for (int64_t j = 0; j < l; j++)                                                \
                    s += row[j];                                                               \
                acc += s;                                                                      \
            }                                                                                  \
            dst[ch] = (T)acc;                                                                  \
        }                                                                                      \
    } while (0)

static int nb_conv_grad_bias_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in,
                                     int n_in, const void *params)
{
    (void)op, (void)n_in, (void)params;
    const nb_tensor *g = in[0];
    int64_t n = g->shape[0], o = g->shape[1], l = g->shape[2] * g->shape[3];
    if (out->dtype == NB_F32)
        NB_CONV_BIAS_SUM(float);
    else
        NB_CONV_BIAS_SUM(double);
    return 0;
}

/* A sum over images and positions: its gradient is h (O) broadcast back. */
static int nb_conv_grad_bias_backward(const struct nb_node *node, nb_tensor *h, nb_tensor **gi)
{
    const nb_tensor *g = node->inputs[0];
    int64_t o = g->shape[1];
    gi[0] = nb__broadcast_to(nb_reshape(h, 3, (const int64_t[]){o, 1, 1}), g->ndim, g->shape);
    return 0;
}

static const nb_op nb_op_conv2d_grad_bias = {
    .name = "conv2d_grad_bias",
    .forward = nb_conv_grad_bias_forward,
    .backward = nb_conv_grad_bias_backward,
};

static const nb_op nb_op_conv2d_grad_input = {
    .name = "conv2d_grad_input",
    .forward = nb_conv_grad_input_forward,
    .backward = nb_conv_grad_input_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .params_size = NB_PARAMS(nb__conv_params),
};

static const nb_op nb_op_conv2d_grad_weight = {
    .name = "conv2d_grad_weight",
    .forward = nb_conv_grad_weight_forward,
    .backward = nb_conv_grad_weight_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .params_size = NB_PARAMS(nb__conv_params),
};

nb_tensor *nb__conv2d_grad_input(nb_tensor *g, nb_tensor *w, const nb__conv_params *p)
{
    if (!g || !w)
        return NULL;
    int64_t shape[4] = {g->shape[0], w->shape[1] * p->groups, p->win.h, p->win.w};
    nb_tensor *in[2] = {g, w};
    return nb__op_apply(&nb_op_conv2d_grad_input, in, 2, p, g->dtype, 4, shape);
}

nb_tensor *nb__conv2d_grad_weight(nb_tensor *x, nb_tensor *g, const nb__conv_params *p)
{
    if (!x || !g)
        return NULL;
    int64_t shape[4] = {g->shape[1], x->shape[1] / p->groups, p->win.kh, p->win.kw};
    nb_tensor *in[2] = {x, g};
    return nb__op_apply(&nb_op_conv2d_grad_weight, in, 2, p, x->dtype, 4, shape);
}

nb_tensor *nb__conv2d_grad_bias(nb_tensor *g)
{
    if (!g)
        return NULL;
    nb_tensor *in[1] = {g};
    return nb__op_apply(&nb_op_conv2d_grad_bias, in, 1, NULL, g->dtype, 1, &g->shape[1]);
}
