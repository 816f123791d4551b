/* Pooling: max_pool2d is an op of its own (its forward keeps each window's
 * argmax; its backward scatters g there with put, whose gradient is a
 * gather, so second order works; for the 2x2 window at stride 2 the
 * scatter is one dense branch-free pass, an op whose gradient is the same
 * gather); avg_pool2d is the mean of the unfolded
 * windows and global_avg_pool2d a mean over the image, both made of
 * differentiable ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/conv_util.h"
#include "ops/op_util.h"
#include "ops/take_put.h"

typedef struct nb_max_pool_params {
    nb__window win;
    nb_tensor *idx; /* argmax of each window in its plane; saved on the node */
} nb_max_pool_params;

static int nb_max_pool_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                               const void *params)
{
    (void)op, (void)n_in;
    const nb_max_pool_params *p = params;
    const nb_tensor *x = in[0];
    nb_k_conv_geom g = nb__window_geom(&p->win, x->shape[0] * x->shape[1]);
    if (out->dtype == NB_F32)
        nb_k_max_pool2d_f32(&g, x->data, out->data, p->idx->data);
    else
        nb_k_max_pool2d_f64(&g, x->data, out->data, p->idx->data);
    return 0;
}

/* The argmax positions as a take/put along the plane (N*C planes of H*W
 * positions, OH*OW picks each). */
static nb__select nb_max_pool_select(const nb_max_pool_params *p, const int64_t *xshape)
{
    return (nb__select){.outer = xshape[0] * xshape[1],
                        .n = xshape[2] * xshape[3],
                        .k = nb__window_oh(&p->win) * nb__window_ow(&p->win),
                        .inner = 1,
                        .bcast_inner = false,
                        .idx = p->idx,
                        .owner = NB_TAKE_FOR_TAKE};
}

/* The 2x2 window at stride 2 without padding or dilation: windows do not
 * overlap, so the gradient is one dense pass (nb_k_max_pool2d_2x2_grad). */
static bool nb_max_pool_is_2x2(const nb__window *w)
{
    return w->kh == 2 && w->kw == 2 && w->sh == 2 && w->sw == 2 && w->ph == 0 && w->pw == 0 &&
           w->dh == 1 && w->dw == 1 && (int64_t)w->h * w->w <= INT32_MAX;
}

/* That gradient as an op: g (N, C, OH, OW) to x's shape, each value at its
 * window's argmax and zeros elsewhere: the same as put, whose gradient,
 * a take of the same positions, is this op's too. */
static int nb_max_pool_grad_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in,
                                    int n_in, const void *params)
{
    (void)op, (void)n_in;
    const nb_max_pool_params *p = params;
    nb_k_conv_geom geom = nb__window_geom(&p->win, out->shape[0] * out->shape[1]);
    if (out->dtype == NB_F32)
        nb_k_max_pool2d_2x2_grad_f32(&geom, in[0]->data, p->idx->data, out->data);
    else
        nb_k_max_pool2d_2x2_grad_f64(&geom, in[0]->data, p->idx->data, out->data);
    return 0;
}

static int nb_max_pool_grad_backward(const struct nb_node *node, nb_tensor *h, nb_tensor **gi)
{
    const nb_max_pool_params *p = nb__node_params(node);
    const nb_tensor *g = node->inputs[0];
    nb__select s = nb_max_pool_select(p, h->shape);
    gi[0] = nb__take(h, &s, g->ndim, g->shape);
    return 0;
}

static const nb_op nb_op_max_pool2d_grad = {
    .name = "max_pool2d_grad",
    .forward = nb_max_pool_grad_forward,
    .backward = nb_max_pool_grad_backward,
    .params_size = NB_PARAMS(nb_max_pool_params),
};

/* g goes to each window's argmax: the dense op above for the 2x2 window,
 * else put along the plane. */
static int nb_max_pool_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_max_pool_params *p = nb__node_params(node);
    nb_tensor *x = node->inputs[0];
    if (nb_max_pool_is_2x2(&p->win)) {
        nb_tensor *in[1] = {g};
        gi[0] = nb__op_apply(&nb_op_max_pool2d_grad, in, 1, p, g->dtype, x->ndim, x->shape);
        return 0;
    }
    nb__select s = nb_max_pool_select(p, x->shape);
    gi[0] = nb__put(g, &s, x->ndim, x->shape);
    return 0;
}

static const nb_op nb_op_max_pool2d = {
    .name = "max_pool2d",
    .forward = nb_max_pool_forward,
    .backward = nb_max_pool_backward,
    .params_size = NB_PARAMS(nb_max_pool_params),
};

/* The checks of both windowed pools: x 4-D, the window (stride defaults to
 * the kernel), padding at most half the kernel (as PyTorch: every window
 * then holds an image position). */
static int nb_pool_window(const char *op, nb_tensor *x, int64_t kh, int64_t kw,
                          const nb_pool2d_opts *opts, nb__window *win)
{
    char s1[96];
    nb_tensor *in[1] = {x};
    if (nb__check_op_inputs(op, in, 1) < 0)
        return nb_last_status();
    if (x->ndim != 4)
        return nb__error(NB_ERR_SHAPE, "%s: x must be 4-D (N, C, H, W), got %s%s", op,
                         nb__shape_str(x, s1, sizeof s1),
                         x->ndim == 3 ? "; add a batch axis with nb_unsqueeze(x, 0)" : "");
    int64_t k[2] = {kh, kw};
    if (nb__window_make(op, x->shape[2], x->shape[3], kh, kw, opts ? opts->stride : NULL, k,
                        opts ? opts->padding : NULL, NULL, win) < 0)
        return nb_last_status();
    if (2 * (int64_t)win->ph > kh || 2 * (int64_t)win->pw > kw)
        return nb__error(NB_ERR_ARG,
                         "%s: padding (%d, %d) is more than half the %lldx%lld kernel; it must "
                         "be at most (%lld, %lld)",
                         op, win->ph, win->pw, (long long)kh, (long long)kw, (long long)(kh / 2),
                         (long long)(kw / 2));
    return 0;
}

/* Largest plane whose positions an f32 index holds exactly. */
#define NB_F32_EXACT ((int64_t)1 << 24)

nb_tensor *nb_max_pool2d(nb_tensor *x, int64_t kh, int64_t kw, const nb_pool2d_opts *opts)
{
    const char *op = "max_pool2d";
    nb_max_pool_params p;
    if (nb_pool_window(op, x, kh, kw, opts, &p.win) < 0)
        return NULL;
    if (x->dtype == NB_F32 && x->shape[2] * x->shape[3] > NB_F32_EXACT) {
        nb__error(NB_ERR_SHAPE,
                  "%s: an f32 image of %lldx%lld has more positions than f32 indices hold "
                  "exactly (%lld); pool it in f64",
                  op, (long long)x->shape[2], (long long)x->shape[3], (long long)NB_F32_EXACT);
        return NULL;
    }
    int64_t shape[4] = {x->shape[0], x->shape[1], nb__window_oh(&p.win), nb__window_ow(&p.win)};
    p.idx = nb_zeros(x->dtype, 4, shape);
    if (!p.idx)
        return NULL;
    nb_tensor *in[1] = {x};
    nb_tensor *out = nb__op_apply(&nb_op_max_pool2d, in, 1, &p, x->dtype, 4, shape);
    if (out && nb__node_save(out, p.idx) < 0)
        return NULL;
    return out;
}

nb_tensor *nb_avg_pool2d(nb_tensor *x, int64_t kh, int64_t kw, const nb_pool2d_opts *opts)
{
    const char *op = "avg_pool2d";
    nb__window win;
    if (nb_pool_window(op, x, kh, kw, opts, &win) < 0)
        return NULL;
    int64_t n = x->shape[0], c = x->shape[1], oh = nb__window_oh(&win), ow = nb__window_ow(&win);
    /* every plane as a one-channel image: (N*C, kh*kw, OH*OW) windows */
    nb_tensor *planes = nb_reshape(x, 4, (const int64_t[]){n * c, 1, x->shape[2], x->shape[3]});
    nb_tensor *m = nb_mean_axis(nb__unfold(planes, &win), 1, false);
    return nb_reshape(m, 4, (const int64_t[]){n, c, oh, ow});
}

nb_tensor *nb_global_avg_pool2d(nb_tensor *x)
{
    const char *op = "global_avg_pool2d";
    char s1[96];
    nb_tensor *in[1] = {x};
    if (nb__check_op_inputs(op, in, 1) < 0)
        return NULL;
    if (x->ndim != 4 || x->shape[2] * x->shape[3] == 0) {
        nb__error(NB_ERR_SHAPE, "%s: x must be 4-D (N, C, H, W) with H, W >= 1, got %s", op,
                  nb__shape_str(x, s1, sizeof s1));
        return NULL;
    }
    int64_t n = x->shape[0], c = x->shape[1];
    nb_tensor *m = nb_mean_axis(nb_reshape(x, 3, (const int64_t[]){n, c, x->shape[2] * x->shape[3]}),
                                2, false);
    return nb_reshape(m, 4, (const int64_t[]){n, c, 1, 1});
}
