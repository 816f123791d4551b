/* Pooling: max_pool2d is an op of its own (its forward keeps each window's
 * argmax; its backward scatters g there with put, whose gradient is a
 * gather, so second order works); avg_pool2d is the mean of the unfolded
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

/* g goes to each window's argmax: put along the plane (N*C planes of H*W
 * positions, OH*OW picks each). */
static int nb_max_pool_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_max_pool_params *p = nb__node_params(node);
    const nb_tensor *x = node->inputs[0];
    nb__select s = {.outer = x->shape[0] * x->shape[1],
                    .n = x->shape[2] * x->shape[3],
                    .k = g->shape[2] * g->shape[3],
                    .inner = 1,
                    .bcast_inner = false,
                    .idx = p->idx,
                    .owner = NB_TAKE_FOR_TAKE};
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
