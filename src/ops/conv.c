/* conv2d and conv1d: the checks with the user's shapes, then the fused
 * conv2d op (conv_fused.c: per image im2col into scratch and one GEMM into
 * the output, bias in the same pass); conv1d is a conv2d over height-1
 * images.  The gradients are the ops of conv_grad.c, which with conv2d are
 * each other's gradients, so every order of derivative works. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/conv_util.h"
#include "ops/op_util.h"

/* Checks shared by conv1d (sd = 1) and conv2d (sd = 2), on the user's
 * shapes, so that the messages show them. */
static int nb_conv_check(const char *op, int sd, nb_tensor *x, nb_tensor *w, nb_tensor *b,
                         int64_t groups)
{
    static const char *const xdims[] = {"", "(N, C, L)", "(N, C, H, W)"};
    static const char *const wdims[] = {"", "(O, C/groups, k)", "(O, C/groups, kh, kw)"};
    char s1[96], s2[96];
    nb_tensor *in[3] = {x, w, b};
    if (nb__check_op_inputs(op, in, b ? 3 : 2) < 0)
        return nb_last_status();
    if (x->ndim != sd + 2)
        return nb__error(NB_ERR_SHAPE, "%s: x must be %d-D %s, got %s%s", op, sd + 2, xdims[sd],
                         nb__shape_str(x, s1, sizeof s1),
                         x->ndim == sd + 1 ? "; add a batch axis with nb_unsqueeze(x, 0)" : "");
    if (w->ndim != sd + 2)
        return nb__error(NB_ERR_SHAPE, "%s: weight must be %d-D %s, got %s", op, sd + 2,
                         wdims[sd], nb__shape_str(w, s1, sizeof s1));
    if (groups < 1)
        return nb__error(NB_ERR_ARG, "%s: groups is %lld; it must be >= 1 (0 means 1)", op,
                         (long long)groups);
    int64_t c = x->shape[1], o = w->shape[0];
    if (c % groups != 0 || o % groups != 0)
        return nb__error(NB_ERR_ARG,
                         "%s: groups %lld must divide both the %lld input channels and the %lld "
                         "output channels",
                         op, (long long)groups, (long long)c, (long long)o);
    if (w->shape[1] * groups != c)
        return nb__error(NB_ERR_SHAPE,
                         "%s: x has %lld channels but weight %s takes %lld per group x %lld "
                         "group%s = %lld; weight's axis 1 must be C / groups",
                         op, (long long)c, nb__shape_str(w, s1, sizeof s1),
                         (long long)w->shape[1], (long long)groups, groups == 1 ? "" : "s",
                         (long long)(w->shape[1] * groups));
    if (b && (b->ndim != 1 || b->shape[0] != o))
        return nb__error(NB_ERR_SHAPE, "%s: bias is %s but weight %s has %lld output channels; "
                         "bias must have shape (%lld)", op, nb__shape_str(b, s1, sizeof s1),
                         nb__shape_fmt(w->ndim, w->shape, s2, sizeof s2), (long long)o,
                         (long long)o);
    return 0;
}

/* x (N, C, H, W), w (O, C/G, kh, kw), checked: the fused op (conv_fused.c),
 * its (N, O, OH, OW) result reshaped to (ndim, shape). */
static nb_tensor *nb_conv_run(nb_tensor *x, nb_tensor *w, nb_tensor *b, const nb__window *win,
                              int64_t groups, int ndim, const int64_t *shape)
{
    nb__conv_params p = {.win = *win, .groups = (int32_t)groups};
    nb_tensor *y = nb__conv2d_fused(x, w, b, &p);
    return ndim == 4 ? y : nb_reshape(y, ndim, shape);
}

nb_tensor *nb_conv2d(nb_tensor *x, nb_tensor *weight, nb_tensor *bias, const nb_conv2d_opts *opts)
{
    const char *op = "conv2d";
    int64_t groups = opts && opts->groups ? opts->groups : 1;
    if (nb_conv_check(op, 2, x, weight, bias, groups) < 0)
        return NULL;
    nb__window win;
    if (nb__window_make(op, x->shape[2], x->shape[3], weight->shape[2], weight->shape[3],
                        opts ? opts->stride : NULL, NULL, opts ? opts->padding : NULL,
                        opts ? opts->dilation : NULL, &win) < 0)
        return NULL;
    int64_t shape[4] = {x->shape[0], weight->shape[0], nb__window_oh(&win), nb__window_ow(&win)};
    return nb_conv_run(x, weight, bias, &win, groups, 4, shape);
}

nb_tensor *nb_conv1d(nb_tensor *x, nb_tensor *weight, nb_tensor *bias, const nb_conv1d_opts *opts)
{
    const char *op = "conv1d";
    nb_conv1d_opts o = opts ? *opts : (nb_conv1d_opts){0};
    int64_t groups = o.groups ? o.groups : 1;
    if (nb_conv_check(op, 1, x, weight, bias, groups) < 0)
        return NULL;
    if (o.stride < 0 || o.padding < 0 || o.dilation < 0) {
        nb__error(NB_ERR_ARG, "%s: stride %lld, padding %lld and dilation %lld must not be "
                  "negative (0 means the default)", op, (long long)o.stride,
                  (long long)o.padding, (long long)o.dilation);
        return NULL;
    }
    /* a height-1 image with a height-1 kernel */
    nb__window win;
    if (nb__window_make(op, 1, x->shape[2], 1, weight->shape[2], (const int64_t[]){1, o.stride},
                        NULL, (const int64_t[]){0, o.padding},
                        (const int64_t[]){1, o.dilation}, &win) < 0)
        return NULL;
    nb_tensor *x4 = nb_reshape(x, 4, (const int64_t[]){x->shape[0], x->shape[1], 1, x->shape[2]});
    nb_tensor *w4 = nb_reshape(weight, 4, (const int64_t[]){weight->shape[0], weight->shape[1], 1,
                                                          weight->shape[2]});
    if (!x4 || !w4)
        return NULL;
    int64_t shape[3] = {x->shape[0], weight->shape[0], nb__window_ow(&win)};
    return nb_conv_run(x4, w4, bias, &win, groups, 3, shape);
}
