/* unfold (im2col) and fold (col2im): a pair of linear ops, each the other's
 * adjoint and so the other's gradient, which keeps every order of
 * derivative of a convolution inside this pair and matmul. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/conv_util.h"
#include "ops/op_util.h"

static int nb_unfold_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                             const void *params)
{
    (void)op, (void)n_in;
    const nb_tensor *x = in[0];
    nb_k_conv_geom g = nb__window_geom(params, x->shape[1]);
    int64_t xs = g.c * g.h * g.w, cs = out->shape[1] * out->shape[2];
    for (int64_t n = 0; n < x->shape[0]; n++) {
        if (out->dtype == NB_F32)
            nb_k_im2col_f32(&g, (const float *)x->data + n * xs, (float *)out->data + n * cs);
        else
            nb_k_im2col_f64(&g, (const double *)x->data + n * xs, (double *)out->data + n * cs);
    }
    return 0;
}

static int nb_fold_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                           const void *params)
{
    (void)op, (void)n_in;
    const nb_tensor *cols = in[0];
    nb_k_conv_geom g = nb__window_geom(params, out->shape[1]);
    int64_t xs = g.c * g.h * g.w, cs = cols->shape[1] * cols->shape[2];
    for (int64_t n = 0; n < out->shape[0]; n++) {
        if (out->dtype == NB_F32)
            nb_k_col2im_f32(&g, (const float *)cols->data + n * cs, (float *)out->data + n * xs);
        else
            nb_k_col2im_f64(&g, (const double *)cols->data + n * cs, (double *)out->data + n * xs);
    }
    return 0;
}

/* unfold is linear: its gradient is its adjoint, fold, and fold's is unfold. */
static int nb_unfold_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb__fold(g, nb__node_params(node));
    return 0;
}

static int nb_fold_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = nb__unfold(g, nb__node_params(node));
    return 0;
}

static const nb_op nb_op_unfold = {
    .name = "unfold",
    .forward = nb_unfold_forward,
    .backward = nb_unfold_backward,
    .params_size = NB_PARAMS(nb__window),
};

static const nb_op nb_op_fold = {
    .name = "fold",
    .forward = nb_fold_forward,
    .backward = nb_fold_backward,
    .params_size = NB_PARAMS(nb__window),
};

nb_tensor *nb__unfold(nb_tensor *x, const nb__window *win)
{
    if (!x)
        return NULL;
    int64_t shape[3] = {x->shape[0], x->shape[1] * win->kh * win->kw,
                        nb__window_oh(win) * nb__window_ow(win)};
    nb_tensor *in[1] = {x};
    return nb__op_apply(&nb_op_unfold, in, 1, win, x->dtype, 3, shape);
}

nb_tensor *nb__fold(nb_tensor *cols, const nb__window *win)
{
    if (!cols)
        return NULL;
    int64_t shape[4] = {cols->shape[0], cols->shape[1] / ((int64_t)win->kh * win->kw), win->h,
                        win->w};
    nb_tensor *in[1] = {cols};
    return nb__op_apply(&nb_op_fold, in, 1, win, cols->dtype, 4, shape);
}

static int nb_no_groups(const char *op, const nb_conv2d_opts *opts)
{
    if (opts && opts->groups != 0 && opts->groups != 1)
        return nb__error(NB_ERR_ARG, "%s: groups is %lld but %s has no groups (leave it 0 or 1)",
                         op, (long long)opts->groups, op);
    return 0;
}

nb_tensor *nb_unfold(nb_tensor *x, int64_t kh, int64_t kw, const nb_conv2d_opts *opts)
{
    const char *op = "unfold";
    char s1[96];
    nb_tensor *in[1] = {x};
    if (nb__check_op_inputs(op, in, 1) < 0 || nb_no_groups(op, opts) < 0)
        return NULL;
    if (x->ndim != 4) {
        nb__error(NB_ERR_SHAPE, "%s: x must be 4-D (N, C, H, W), got %s", op,
                  nb__shape_str(x, s1, sizeof s1));
        return NULL;
    }
    nb__window win;
    if (nb__window_make(op, x->shape[2], x->shape[3], kh, kw, opts ? opts->stride : NULL, NULL,
                        opts ? opts->padding : NULL, opts ? opts->dilation : NULL, &win) < 0)
        return NULL;
    return nb__unfold(x, &win);
}

nb_tensor *nb_fold(nb_tensor *cols, int64_t h, int64_t w, int64_t kh, int64_t kw,
                   const nb_conv2d_opts *opts)
{
    const char *op = "fold";
    char s1[96];
    nb_tensor *in[1] = {cols};
    if (nb__check_op_inputs(op, in, 1) < 0 || nb_no_groups(op, opts) < 0)
        return NULL;
    if (h < 1 || w < 1) {
        nb__error(NB_ERR_ARG, "%s: output size %lldx%lld must be at least 1x1", op,
                  (long long)h, (long long)w);
        return NULL;
    }
    nb__window win;
    if (nb__window_make(op, h, w, kh, kw, opts ? opts->stride : NULL, NULL,
                        opts ? opts->padding : NULL, opts ? opts->dilation : NULL, &win) < 0)
        return NULL;
    int64_t l = nb__window_oh(&win) * nb__window_ow(&win);
    if (cols->ndim != 3 || cols->shape[1] % (kh * kw) != 0 || cols->shape[1] == 0 ||
        cols->shape[2] != l) {
        nb__error(NB_ERR_SHAPE,
                  "%s: cols is %s but a %lldx%lld kernel over a %lldx%lld output needs "
                  "(N, C*%lld, %lld): %lld window positions",
                  op, nb__shape_str(cols, s1, sizeof s1), (long long)kh, (long long)kw,
                  (long long)h, (long long)w, (long long)(kh * kw), (long long)l, (long long)l);
        return NULL;
    }
    return nb__fold(cols, &win);
}
