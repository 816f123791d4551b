/* Option checks and geometry of the window ops (conv_util.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "ops/conv_util.h"

nb_k_conv_geom nb__window_geom(const nb__window *win, int64_t c)
{
    return (nb_k_conv_geom){.c = c, .h = win->h, .w = win->w, .kh = win->kh, .kw = win->kw,
                            .sh = win->sh, .sw = win->sw, .ph = win->ph, .pw = win->pw,
                            .dh = win->dh, .dw = win->dw, .oh = nb__window_oh(win),
                            .ow = nb__window_ow(win)};
}

int64_t nb__window_oh(const nb__window *win)
{
    return nb_k_conv_out_size(win->h, win->kh, win->sh, win->ph, win->dh);
}

int64_t nb__window_ow(const nb__window *win)
{
    return nb_k_conv_out_size(win->w, win->kw, win->sw, win->pw, win->dw);
}

const char *nb__shape_str(const nb_tensor *t, char *buf, size_t size)
{
    return nb__shape_fmt(t->ndim, t->shape, buf, size);
}

/* Sizes past this are refused, so that products of two stay in int64 and
 * each fits the int32 of nb__window. */
#define NB_WIN_MAX ((int64_t)1 << 30)

static int nb_pair_check(const char *op, const char *what, const int64_t *v, int64_t lo,
                         const char *rule)
{
    for (int a = 0; a < 2; a++)
        if (v[a] < lo || v[a] > NB_WIN_MAX)
            return nb__error(NB_ERR_ARG, "%s: %s (%lld, %lld) is out of range; each must be %s",
                             op, what, (long long)v[0], (long long)v[1], rule);
    return 0;
}

int nb__window_make(const char *op, int64_t h, int64_t w, int64_t kh, int64_t kw,
                    const int64_t *stride, const int64_t *def_stride, const int64_t *padding,
                    const int64_t *dilation, nb__window *win)
{
    int64_t k[2] = {kh, kw}, s[2] = {1, 1}, p[2] = {0, 0}, d[2] = {1, 1};
    for (int a = 0; a < 2; a++) {
        if (def_stride)
            s[a] = def_stride[a];
        if (stride && stride[a])
            s[a] = stride[a];
        if (padding)
            p[a] = padding[a];
        if (dilation && dilation[a])
            d[a] = dilation[a];
    }
    if (nb_pair_check(op, "kernel size", k, 1, ">= 1") < 0 ||
        nb_pair_check(op, "stride", s, 1, ">= 1 (0 means the default)") < 0 ||
        nb_pair_check(op, "padding", p, 0, ">= 0") < 0 ||
        nb_pair_check(op, "dilation", d, 1, ">= 1 (0 means 1)") < 0)
        return NB_ERR_ARG;
    if (h > NB_WIN_MAX || w > NB_WIN_MAX)
        return nb__error(NB_ERR_SHAPE, "%s: image %lldx%lld is too large (at most %lld per axis)",
                         op, (long long)h, (long long)w, (long long)NB_WIN_MAX);
    *win = (nb__window){(int32_t)h, (int32_t)w, (int32_t)kh, (int32_t)kw, (int32_t)s[0],
                        (int32_t)s[1], (int32_t)p[0], (int32_t)p[1], (int32_t)d[0],
                        (int32_t)d[1]};
    if (nb__window_oh(win) < 1 || nb__window_ow(win) < 1)
        return nb__error(NB_ERR_SHAPE,
                         "%s: a %lldx%lld kernel (dilation %lldx%lld: it spans %lldx%lld) does "
                         "not fit the %lldx%lld input padded by %lldx%lld; use a smaller kernel "
                         "or more padding",
                         op, (long long)kh, (long long)kw, (long long)d[0], (long long)d[1],
                         (long long)(d[0] * (kh - 1) + 1), (long long)(d[1] * (kw - 1) + 1),
                         (long long)h, (long long)w, (long long)p[0], (long long)p[1]);
    return 0;
}
