/* Convolution and pooling (ops_conv.h): values worked out by hand on small
 * images, conv2d against a direct loop of the definition, unfold/fold as
 * adjoints, f32 against f64, and f64 gradients by finite differences (first
 * and second order) on shapes with stride, padding, dilation, groups, odd
 * sizes and batch 1. */
#include "test_ops_grad.h"

static const double X9[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}; /* a 3x3 image, row-major */
static const double W4[] = {1, 2, 3, 4};                /* a 2x2 kernel [[1,2],[3,4]] */

/* ---- values by hand ---- */

START_TEST(test_conv2d_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, X9, NB_SHAPE(1, 1, 3, 3));
        nb_tensor *w = t_vals(dt, W4, NB_SHAPE(1, 1, 2, 2));
        nb_tensor *b = t_vals(dt, (const double[]){0.5}, NB_SHAPE(1));
        /* window (0,0): 1*1 + 2*2 + 3*4 + 4*5 = 37; (0,1): 2+6+15+24 = 47;
         * (1,0): 4+10+21+32 = 67; (1,1): 5+12+24+36 = 77; plus the bias */
        nb_tensor *y = nb_conv2d(x, w, b, NULL);
        ck_assert_tensor_near(y, ((double[]){37.5, 47.5, 67.5, 77.5}), 4, 0);
        ck_assert_int_eq(nb_tensor_ndim(y), 4);
        ck_assert_int_eq(nb_tensor_shape(y)[2], 2);
        /* padding 1, stride 2 on the 5x5 padded image: (0,0) sees only x00
         * under tap (1,1): 1*4; (0,1): x01*3 + x02*4 = 18; (1,0): x10*2 +
         * x20*4 = 36; (1,1): 5+12+24+36 = 77 */
        nb_conv2d_opts o = {.stride = {2, 2}, .padding = {1, 1}};
        ck_assert_tensor_near(nb_conv2d(x, w, NULL, &o), ((double[]){4, 18, 36, 77}), 4, 0);
        /* dilation 2: taps at the corners, 1*1 + 3*2 + 7*3 + 9*4 = 64 */
        o = (nb_conv2d_opts){.dilation = {2, 2}};
        ck_assert_tensor_near(nb_conv2d(x, w, NULL, &o), ((double[]){64}), 1, 0);
        /* groups 2: channel 0 (2) with filter 10, channel 1 (3) with 100 */
        nb_tensor *x2 = t_vals(dt, (const double[]){2, 3}, NB_SHAPE(1, 2, 1, 1));
        nb_tensor *w2 = t_vals(dt, (const double[]){10, 100}, NB_SHAPE(2, 1, 1, 1));
        o = (nb_conv2d_opts){.groups = 2};
        ck_assert_tensor_near(nb_conv2d(x2, w2, NULL, &o), ((double[]){20, 300}), 2, 0);
        /* groups 1 with the same numbers as a 1x2 filter row: 2*10 + 3*100 */
        nb_tensor *w3 = t_vals(dt, (const double[]){10, 100}, NB_SHAPE(1, 2, 1, 1));
        ck_assert_tensor_near(nb_conv2d(x2, w3, NULL, NULL), ((double[]){320}), 1, 0);
    }
}
END_TEST

START_TEST(test_conv1d_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, (const double[]){1, 2, 3, 4, 5}, NB_SHAPE(1, 1, 5));
        nb_tensor *w = t_vals(dt, (const double[]){1, 0, -1}, NB_SHAPE(1, 1, 3));
        /* x[i] - x[i+2] */
        nb_tensor *y = nb_conv1d(x, w, NULL, NULL);
        ck_assert_tensor_near(y, ((double[]){-2, -2, -2}), 3, 0);
        ck_assert_int_eq(nb_tensor_ndim(y), 3);
        nb_conv1d_opts o = {.stride = 2};
        ck_assert_tensor_near(nb_conv1d(x, w, NULL, &o), ((double[]){-2, -2}), 2, 0);
        /* padding 1: 0 - 2 at the left end, 4 - 0 at the right end */
        o = (nb_conv1d_opts){.padding = 1};
        ck_assert_tensor_near(nb_conv1d(x, w, NULL, &o), ((double[]){-2, -2, -2, -2, 4}), 5, 0);
        /* dilation 2, bias 1: x[i] - x[i+4] + 1 */
        nb_tensor *b = t_vals(dt, (const double[]){1}, NB_SHAPE(1));
        o = (nb_conv1d_opts){.dilation = 2};
        ck_assert_tensor_near(nb_conv1d(x, w, b, &o), ((double[]){-3}), 1, 0);
    }
}
END_TEST

START_TEST(test_unfold_fold_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, X9, NB_SHAPE(1, 1, 3, 3));
        /* one row per tap, one column per window */
        nb_tensor *c = nb_unfold(x, 2, 2, NULL);
        ck_assert_tensor_near(c, ((double[]){1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}),
                              16, 0);
        ck_assert_int_eq(nb_tensor_shape(c)[1], 4);
        /* folding ones counts the windows that cover each pixel */
        nb_tensor *ones = nb_ones(dt, NB_SHAPE(1, 4, 4));
        ck_assert_tensor_near(nb_fold(ones, 3, 3, 2, 2, NULL),
                              ((double[]){1, 2, 1, 2, 4, 2, 1, 2, 1}), 9, 0);
    }
}
END_TEST

START_TEST(test_pool_values)
{
    double x16[16], neg9[9];
    for (int i = 0; i < 16; i++)
        x16[i] = i + 1;
    for (int i = 0; i < 9; i++)
        neg9[i] = -X9[i];
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, x16, NB_SHAPE(1, 1, 4, 4));
        /* 2x2 windows, stride 2 by default: the bottom-right of each */
        ck_assert_tensor_near(nb_max_pool2d(x, 2, 2, NULL), ((double[]){6, 8, 14, 16}), 4, 0);
        /* (1+2+5+6)/4, (3+4+7+8)/4, ... */
        ck_assert_tensor_near(nb_avg_pool2d(x, 2, 2, NULL), ((double[]){3.5, 5.5, 11.5, 13.5}),
                              4, 0);
        /* stride 1 overlaps: 3x3 results */
        nb_pool2d_opts s1 = {.stride = {1, 1}};
        ck_assert_tensor_near(nb_max_pool2d(x, 2, 2, &s1),
                              ((double[]){6, 7, 8, 10, 11, 12, 14, 15, 16}), 9, 0);
        /* padding 1 on -1..-9: padding is -inf for max (never wins), zeros
         * that count for avg */
        nb_tensor *n9 = t_vals(dt, neg9, NB_SHAPE(1, 1, 3, 3));
        nb_pool2d_opts p1 = {.padding = {1, 1}};
        ck_assert_tensor_near(nb_max_pool2d(n9, 2, 2, &p1), ((double[]){-1, -2, -4, -5}), 4, 0);
        nb_tensor *p9 = t_vals(dt, X9, NB_SHAPE(1, 1, 3, 3));
        ck_assert_tensor_near(nb_avg_pool2d(p9, 2, 2, &p1),
                              ((double[]){0.25, 1.25, 2.75, 7}), 4, 1e-6);
        /* channel means of 1..4 and 5..8 */
        nb_tensor *g = nb_global_avg_pool2d(t_vals(dt, x16, NB_SHAPE(1, 2, 2, 2)));
        ck_assert_tensor_near(g, ((double[]){2.5, 6.5}), 2, 0);
        ck_assert_int_eq(nb_tensor_ndim(g), 4);
        ck_assert_int_eq(nb_tensor_shape(g)[1], 2);
        ck_assert_int_eq(nb_tensor_shape(g)[3], 1);
    }
}
END_TEST

/* The 2x2, stride 2 windows (their own branch-free kernel) against the
 * general loop's rule worked out here: small integers give many ties (the
 * first in row-major window order wins), an odd size leaves a row and a
 * column out, and the gradient lands where the maximum was. */
START_TEST(test_max_pool_2x2_ties)
{
    const int64_t h = 5, w = 7, oh = 2, ow = 3;
    double v[2 * 5 * 7];
    for (int i = 0; i < 2 * 5 * 7; i++)
        v[i] = (double)((i * 7 + 3) % 4);
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = nb_tensor_set_requires_grad(t_vals(dt, v, NB_SHAPE(1, 2, 5, 7)), true);
        nb_tensor *y = nb_max_pool2d(x, 2, 2, NULL);
        double want[2 * 2 * 3], wgrad[2 * 5 * 7] = {0};
        for (int c = 0; c < 2; c++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int64_t best = c * h * w + 2 * oy * w + 2 * ox;
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 2; j++) {
                            int64_t at = c * h * w + (2 * oy + i) * w + 2 * ox + j;
                            if (v[at] > v[best])
                                best = at;
                        }
                    want[(c * oh + oy) * ow + ox] = v[best];
                    wgrad[best] += 1;
                }
        ck_assert_tensor_near(y, want, 12, 0);
        ck_assert_tensor_near(t_grad(nb_sum(y), x), wgrad, 70, 0);
    }
}
END_TEST

/* The gradient of sum(max_pool2d(x)) is 1 at each window's maximum; on
 * ties the first position of the window takes it all. */
START_TEST(test_max_pool_grad_by_hand)
{
    double x16[16];
    for (int i = 0; i < 16; i++)
        x16[i] = i + 1;
    nb_tensor *x = nb_tensor_set_requires_grad(t_vals(NB_F64, x16, NB_SHAPE(1, 1, 4, 4)), true);
    double want[16] = {0};
    want[5] = want[7] = want[13] = want[15] = 1;
    ck_assert_tensor_near(t_grad(nb_sum(nb_max_pool2d(x, 2, 2, NULL)), x), want, 16, 0);
    nb_tensor *t = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(1, 1, 2, 2)), true);
    ck_assert_tensor_near(t_grad(nb_sum(nb_max_pool2d(t, 2, 2, NULL)), t),
                          ((double[]){1, 0, 0, 0}), 4, 0);
}
END_TEST

/* A NaN in a window is its maximum (as in PyTorch), with padding or not;
 * the other windows keep their values. */
START_TEST(test_max_pool_nan)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x = t_vals(dt, (const double[]){1, NAN, 3, 2, 5, 6, 7, 8}, NB_SHAPE(1, 2, 2, 2));
        nb_tensor *y = nb_max_pool2d(x, 2, 2, NULL);
        ck_assert_tensor_near(y, ((double[]){NAN, 8}), 2, 0);
        nb_pool2d_opts p1 = {.padding = {1, 1}};
        /* windows of the padded 4x4 image: (0,0) holds x00, (0,1) x01, ... */
        ck_assert_tensor_near(nb_max_pool2d(x, 2, 2, &p1), ((double[]){1, NAN, 3, 2, 5, 6, 7, 8}),
                              8, 0);
    }
}
END_TEST

/* ---- against independent computations ---- */

/* The definition of conv2d, loop by loop. */
static double direct_conv(const nb_tensor *x, const nb_tensor *w, const nb_tensor *b,
                          const nb_conv2d_opts *o, int64_t n, int64_t oc, int64_t oy, int64_t ox)
{
    const int64_t *xs = nb_tensor_shape(x), *ws = nb_tensor_shape(w);
    int64_t groups = o->groups ? o->groups : 1, cg = ws[1], og = ws[0] / groups;
    int64_t g = oc / og;
    double s = b ? nb_tensor_get(b, oc) : 0;
    for (int64_t c = 0; c < cg; c++)
        for (int64_t i = 0; i < ws[2]; i++)
            for (int64_t j = 0; j < ws[3]; j++) {
                int64_t iy = oy * o->stride[0] - o->padding[0] + i * o->dilation[0];
                int64_t ix = ox * o->stride[1] - o->padding[1] + j * o->dilation[1];
                if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3])
                    continue;
                int64_t xi = ((n * xs[1] + g * cg + c) * xs[2] + iy) * xs[3] + ix;
                int64_t wi = ((oc * cg + c) * ws[2] + i) * ws[3] + j;
                s += nb_tensor_get(x, xi) * nb_tensor_get(w, wi);
            }
    return s;
}

START_TEST(test_conv2d_matches_definition)
{
    struct {
        int64_t x[4], w[4];
        nb_conv2d_opts o;
    } cases[] = {
        {{2, 3, 7, 5}, {4, 3, 3, 2}, {{1, 1}, {0, 0}, {1, 1}, 1}},
        {{1, 4, 9, 8}, {6, 2, 3, 3}, {{2, 3}, {1, 2}, {2, 1}, 2}},
        {{3, 6, 6, 7}, {3, 2, 2, 3}, {{1, 2}, {2, 0}, {1, 2}, 3}},
        {{1, 1, 28, 28}, {6, 1, 5, 5}, {{1, 1}, {2, 2}, {1, 1}, 1}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        nb_tensor *x = t_rand(10 + k, 4, cases[k].x, -1, 1);
        nb_tensor *w = t_rand(20 + k, 4, cases[k].w, -1, 1);
        nb_tensor *b = t_rand(30 + k, 1, cases[k].w, -1, 1);
        nb_tensor *y = nb_conv2d(x, w, b, &cases[k].o);
        ck_assert_msg(y != NULL, "%s", nb_last_error());
        const int64_t *ys = nb_tensor_shape(y);
        for (int64_t i = 0; i < nb_tensor_numel(y); i++) {
            int64_t ox = i % ys[3], oy = i / ys[3] % ys[2], oc = i / (ys[3] * ys[2]) % ys[1];
            int64_t n = i / (ys[3] * ys[2] * ys[1]);
            double want = direct_conv(x, w, b, &cases[k].o, n, oc, oy, ox);
            ck_assert_msg(fabs(nb_tensor_get(y, i) - want) < 1e-12, "case %zu element %lld", k,
                          (long long)i);
        }
    }
}
END_TEST

/* fold is unfold's adjoint: <unfold(x), c> = <x, fold(c)>. */
START_TEST(test_fold_is_adjoint_of_unfold)
{
    nb_conv2d_opts opts[] = {{{1, 1}, {0, 0}, {1, 1}, 0}, {{2, 1}, {1, 2}, {1, 2}, 0},
                             {{3, 2}, {2, 1}, {2, 1}, 0}};
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        nb_tensor *x = t_rand(40 + k, NB_SHAPE(2, 3, 7, 6), -1, 1);
        nb_tensor *ux = nb_unfold(x, 3, 2, &opts[k]);
        ck_assert_msg(ux != NULL, "%s", nb_last_error());
        nb_tensor *c = t_rand(50 + k, 3, nb_tensor_shape(ux), -1, 1);
        nb_tensor *fc = nb_fold(c, 7, 6, 3, 2, &opts[k]);
        ck_assert_msg(fc != NULL, "%s", nb_last_error());
        double lhs = nb_tensor_item(nb_sum(nb_mul(ux, c)));
        double rhs = nb_tensor_item(nb_sum(nb_mul(x, fc)));
        ck_assert_msg(fabs(lhs - rhs) < 1e-12 * (1 + fabs(lhs)), "case %zu: %.17g vs %.17g", k,
                      lhs, rhs);
    }
}
END_TEST

/* ---- f32 against f64 ---- */

typedef struct cctx {
    nb_conv2d_opts o;
    nb_pool2d_opts p;
    int64_t kh, kw, h, w;
    int which; /* 0 conv2d, 1 conv1d, 2 unfold, 3 fold, 4 max, 5 avg, 6 global */
} cctx;

static nb_tensor *f_op(nb_tensor *const *in, int n, void *vc)
{
    const cctx *c = vc;
    switch (c->which) {
    case 0:
        return nb_conv2d(in[0], in[1], n > 2 ? in[2] : NULL, &c->o);
    case 1: {
        nb_conv1d_opts o = {c->o.stride[1], c->o.padding[1], c->o.dilation[1], c->o.groups};
        return nb_conv1d(in[0], in[1], n > 2 ? in[2] : NULL, &o);
    }
    case 2:
        return nb_unfold(in[0], c->kh, c->kw, &c->o);
    case 3:
        return nb_fold(in[0], c->h, c->w, c->kh, c->kw, &c->o);
    case 4:
        return nb_max_pool2d(in[0], c->kh, c->kw, &c->p);
    case 5:
        return nb_avg_pool2d(in[0], c->kh, c->kw, &c->p);
    default:
        return nb_global_avg_pool2d(in[0]);
    }
}

START_TEST(test_f32_agrees_with_f64)
{
    /* sums of at most 36 products of values in [-1, 1): f32 keeps about 1e-6
     * of the result's size; 2e-5 relative is loose for that */
    const double tol = 2e-5;
    cctx c = {.o = {{2, 1}, {1, 1}, {1, 2}, 2}, .which = 0};
    nb_tensor *in[3] = {t_rand(1, NB_SHAPE(2, 4, 7, 6), -1, 1),
                        t_rand(2, NB_SHAPE(6, 2, 3, 3), -1, 1), t_rand(3, NB_SHAPE(6), -1, 1)};
    check_f32_agrees(f_op, in, 3, &c, tol);
    c.which = 1;
    nb_tensor *in1[3] = {t_rand(4, NB_SHAPE(2, 4, 11), -1, 1),
                         t_rand(5, NB_SHAPE(6, 2, 3), -1, 1), t_rand(6, NB_SHAPE(6), -1, 1)};
    check_f32_agrees(f_op, in1, 3, &c, tol);
    nb_tensor *x = t_rand(7, NB_SHAPE(2, 3, 7, 5), -1, 1);
    c = (cctx){.p = {{2, 1}, {1, 1}}, .kh = 3, .kw = 2, .which = 4};
    check_f32_agrees(f_op, &x, 1, &c, tol);
    c.which = 5;
    check_f32_agrees(f_op, &x, 1, &c, tol);
    c.which = 6;
    check_f32_agrees(f_op, &x, 1, &c, tol);
}
END_TEST

/* ---- gradients (f64, first and second order) ---- */

START_TEST(test_grad_conv2d)
{
    /* odd sizes, batch 1 and 2, stride, padding, dilation, groups, no bias */
    cctx c = {.o = {{1, 1}, {0, 0}, {1, 1}, 1}, .which = 0};
    nb_tensor *in[3] = {t_rand(61, NB_SHAPE(2, 2, 4, 3), -1, 1),
                        t_rand(62, NB_SHAPE(3, 2, 2, 2), -1, 1), t_rand(63, NB_SHAPE(3), -1, 1)};
    ck_assert_grads(f_op, in, 3, &c);
    c.o = (nb_conv2d_opts){{2, 1}, {1, 2}, {2, 1}, 2};
    nb_tensor *in2[3] = {t_rand(64, NB_SHAPE(1, 2, 5, 3), -1, 1),
                         t_rand(65, NB_SHAPE(4, 1, 2, 3), -1, 1), t_rand(66, NB_SHAPE(4), -1, 1)};
    ck_assert_grads(f_op, in2, 3, &c);
    ck_assert_grads(f_op, in2, 2, &c);
}
END_TEST

START_TEST(test_grad_conv1d)
{
    cctx c = {.o = {{0, 1}, {0, 0}, {0, 1}, 1}, .which = 1};
    nb_tensor *in[3] = {t_rand(71, NB_SHAPE(2, 2, 5), -1, 1),
                        t_rand(72, NB_SHAPE(3, 2, 3), -1, 1), t_rand(73, NB_SHAPE(3), -1, 1)};
    ck_assert_grads(f_op, in, 3, &c);
    c.o = (nb_conv2d_opts){{0, 2}, {0, 1}, {0, 2}, 2};
    nb_tensor *in2[3] = {t_rand(74, NB_SHAPE(1, 4, 7), -1, 1),
                         t_rand(75, NB_SHAPE(2, 2, 2), -1, 1), t_rand(76, NB_SHAPE(2), -1, 1)};
    ck_assert_grads(f_op, in2, 3, &c);
}
END_TEST

START_TEST(test_grad_unfold_fold)
{
    cctx c = {.o = {{1, 1}, {0, 0}, {1, 1}, 0}, .kh = 2, .kw = 2, .which = 2};
    nb_tensor *x = t_rand(81, NB_SHAPE(1, 2, 3, 3), -1, 1);
    ck_assert_grads(f_op, &x, 1, &c);
    c.o = (nb_conv2d_opts){{2, 1}, {1, 0}, {1, 2}, 0};
    c.kh = 3;
    nb_tensor *x2 = t_rand(82, NB_SHAPE(2, 1, 5, 4), -1, 1);
    ck_assert_grads(f_op, &x2, 1, &c);
    /* fold of a 5x4 image with those windows: 3*2 taps, 3x2 positions */
    c.which = 3;
    c.h = 5;
    c.w = 4;
    nb_tensor *cols = t_rand(83, NB_SHAPE(1, 6, 6), -1, 1);
    ck_assert_grads(f_op, &cols, 1, &c);
    c = (cctx){.o = {{1, 1}, {0, 0}, {1, 1}, 0}, .kh = 2, .kw = 2, .h = 3, .w = 3, .which = 3};
    nb_tensor *cols2 = t_rand(84, NB_SHAPE(2, 8, 4), -1, 1);
    ck_assert_grads(f_op, &cols2, 1, &c);
}
END_TEST

START_TEST(test_grad_pools)
{
    /* random values in [-1, 1): no ties, no kinks in reach of the steps */
    nb_tensor *x = t_rand(91, NB_SHAPE(1, 2, 5, 5), -1, 1);
    nb_tensor *x2 = t_rand(92, NB_SHAPE(2, 1, 4, 7), -1, 1);
    for (int which = 4; which <= 5; which++) {
        cctx c = {.kh = 2, .kw = 2, .which = which};
        ck_assert_grads(f_op, &x, 1, &c);
        c = (cctx){.p = {{2, 1}, {1, 1}}, .kh = 3, .kw = 2, .which = which};
        ck_assert_grads(f_op, &x2, 1, &c);
    }
    cctx g = {.which = 6};
    ck_assert_grads(f_op, &x, 1, &g);
    ck_assert_grads(f_op, &x2, 1, &g);
}
END_TEST

/* A small CNN end to end: conv -> relu -> max pool -> linear, one
 * gradient check of the whole (f64), as a model would use it. */
static nb_tensor *f_cnn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    nb_conv2d_opts o = {.padding = {1, 1}};
    nb_tensor *h = nb_tanh(nb_conv2d(in[0], in[1], in[2], &o));
    h = nb_flatten(nb_max_pool2d(h, 2, 2, NULL), 1);
    return nb_matmul(h, in[3]);
}

START_TEST(test_grad_small_cnn)
{
    nb_tensor *in[4] = {t_rand(101, NB_SHAPE(2, 1, 4, 4), -1, 1),
                        t_rand(102, NB_SHAPE(2, 1, 3, 3), -1, 1), t_rand(103, NB_SHAPE(2), -1, 1),
                        t_rand(104, NB_SHAPE(8, 3), -1, 1)};
    ck_assert_grads(f_cnn, in, 4, NULL);
}
END_TEST

/* The 2x2 stride-2 pool's gradient (one dense pass) puts each upstream
 * value at its window's first maximum and zeros elsewhere, the odd last
 * row and column included; f32 and f64. */
START_TEST(test_max_pool_2x2_grad_dense)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *x64 = t_rand(81, NB_SHAPE(2, 3, 7, 5), -1, 1);
        nb_tensor *x = dt ? x64 : t_to_f32(x64);
        nb_tensor *y = nb_max_pool2d(x, 2, 2, NULL);
        ck_assert_msg(y != NULL, "%s", nb_last_error());
        nb_tensor *r64 = t_rand(82, 4, nb_tensor_shape(y), -1, 1);
        nb_tensor *r = dt ? r64 : t_to_f32(r64);
        nb_tensor *gx = t_grad(nb_sum(nb_mul(y, r)), x);
        for (int64_t pl = 0; pl < 6; pl++)
            for (int64_t iy = 0; iy < 7; iy++)
                for (int64_t ix = 0; ix < 5; ix++) {
                    double want = 0;
                    int64_t oy = iy / 2, ox = ix / 2;
                    if (oy < 3 && ox < 2) {
                        int64_t best = -1;
                        double m = 0;
                        for (int64_t d = 0; d < 4; d++) {
                            int64_t p = (2 * oy + d / 2) * 5 + 2 * ox + d % 2;
                            double v = nb_tensor_get(x, pl * 35 + p);
                            if (best < 0 || v > m) {
                                best = p;
                                m = v;
                            }
                        }
                        if (best == iy * 5 + ix)
                            want = nb_tensor_get(r, (pl * 3 + oy) * 2 + ox);
                    }
                    ck_assert_msg(nb_tensor_get(gx, pl * 35 + iy * 5 + ix) == want,
                                  "dtype %d plane %lld (%lld, %lld)", dt, (long long)pl,
                                  (long long)iy, (long long)ix);
                }
    }
}
END_TEST

START_TEST(test_null_inputs_are_sticky)
{
    nb_tensor *x = nb_zeros(NB_F64, NB_SHAPE(1, 1, 3, 3)), *w = nb_zeros(NB_F64, NB_SHAPE(1, 1, 2, 2));
    ck_assert_sticky(nb_conv2d(NULL, w, NULL, NULL));
    ck_assert_sticky(nb_conv2d(x, NULL, NULL, NULL));
    ck_assert_sticky(nb_conv1d(NULL, w, NULL, NULL));
    ck_assert_sticky(nb_unfold(NULL, 2, 2, NULL));
    ck_assert_sticky(nb_fold(NULL, 3, 3, 2, 2, NULL));
    ck_assert_sticky(nb_max_pool2d(NULL, 2, 2, NULL));
    ck_assert_sticky(nb_avg_pool2d(NULL, 2, 2, NULL));
    ck_assert_sticky(nb_global_avg_pool2d(NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_conv");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_conv2d_values);
    tcase_add_test(tc, test_max_pool_2x2_ties);
    tcase_add_test(tc, test_conv1d_values);
    tcase_add_test(tc, test_unfold_fold_values);
    tcase_add_test(tc, test_pool_values);
    tcase_add_test(tc, test_max_pool_grad_by_hand);
    tcase_add_test(tc, test_max_pool_nan);
    tcase_add_test(tc, test_max_pool_2x2_grad_dense);
    tcase_add_test(tc, test_conv2d_matches_definition);
    tcase_add_test(tc, test_fold_is_adjoint_of_unfold);
    tcase_add_test(tc, test_f32_agrees_with_f64);
    tcase_add_test(tc, test_null_inputs_are_sticky);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_grad_conv2d);
    tcase_add_test(tc, test_grad_conv1d);
    tcase_add_test(tc, test_grad_unfold_fold);
    tcase_add_test(tc, test_grad_pools);
    tcase_add_test(tc, test_grad_small_cnn);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
