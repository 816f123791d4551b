/* The fused conv2d op and its gradient ops (ops/conv_fused.c,
 * ops/conv_grad.c): values against a direct loop of the definition and
 * against the same convolution composed of unfold, matmul and add; their
 * gradients against the composed ones; f64 gradcheck and gradgradcheck of
 * conv2d and of each gradient op; f32 against f64; and the path that adds
 * the weight gradient straight into .grad.  Shapes cover stride, padding,
 * dilation, groups, odd sizes, batch 1, 1x1 kernels, with and without bias. */
#include "ops/conv_util.h"
#include "test_ops_grad.h"

typedef struct fcase {
    int64_t x[4], w[4];
    nb_conv2d_opts o;
} fcase;

static const fcase CASES[] = {
    {{2, 3, 7, 5}, {4, 3, 3, 2}, {{1, 1}, {0, 0}, {1, 1}, 1}},  /* plain, odd sizes */
    {{1, 4, 9, 8}, {6, 2, 3, 3}, {{2, 3}, {1, 2}, {2, 1}, 2}},  /* batch 1, all options */
    {{3, 6, 6, 7}, {3, 2, 2, 3}, {{1, 2}, {2, 0}, {1, 2}, 3}},  /* groups 3 */
    {{2, 2, 5, 5}, {3, 2, 1, 1}, {{1, 1}, {0, 0}, {1, 1}, 1}},  /* 1x1: no im2col */
    {{2, 4, 5, 4}, {4, 2, 1, 1}, {{2, 1}, {1, 0}, {1, 1}, 2}},  /* 1x1 with stride, padding */
    {{1, 1, 28, 28}, {6, 1, 5, 5}, {{1, 1}, {2, 2}, {1, 1}, 1}}, /* LeNet's first layer */
};
#define NCASES (sizeof CASES / sizeof CASES[0])

/* The checked parameters of one case, as the public conv2d makes them. */
static nb__conv_params params_of(const fcase *c)
{
    nb__conv_params p = {.groups = (int32_t)(c->o.groups ? c->o.groups : 1)};
    int rc = nb__window_make("test", c->x[2], c->x[3], c->w[2], c->w[3], c->o.stride, NULL,
                             c->o.padding, c->o.dilation, &p.win);
    ck_assert_msg(rc == 0, "%s", nb_last_error());
    return p;
}

/* conv2d by its definition at one output element. */
static double direct(const nb_tensor *x, const nb_tensor *w, const nb_tensor *b, const fcase *c,
                     int64_t n, int64_t oc, int64_t oy, int64_t ox)
{
    const int64_t *xs = nb_tensor_shape(x), *ws = nb_tensor_shape(w);
    int64_t groups = c->o.groups ? c->o.groups : 1, cg = ws[1], og = ws[0] / groups;
    double s = b ? nb_tensor_get(b, oc) : 0;
    for (int64_t ch = 0; ch < cg; ch++)
        for (int64_t i = 0; i < ws[2]; i++)
            for (int64_t j = 0; j < ws[3]; j++) {
                int64_t iy = oy * c->o.stride[0] - c->o.padding[0] + i * c->o.dilation[0];
                int64_t ix = ox * c->o.stride[1] - c->o.padding[1] + j * c->o.dilation[1];
                if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3])
                    continue;
                int64_t xi = ((n * xs[1] + oc / og * cg + ch) * xs[2] + iy) * xs[3] + ix;
                int64_t wi = ((oc * cg + ch) * ws[2] + i) * ws[3] + j;
                s += nb_tensor_get(x, xi) * nb_tensor_get(w, wi);
            }
    return s;
}

static void assert_close(const nb_tensor *a, const nb_tensor *b, double tol, const char *what,
                         size_t k)
{
    ck_assert_msg(a && b, "%s case %zu: %s", what, k, nb_last_error());
    ck_assert_msg(nb_tensor_same_shape(a, b), "%s case %zu: shapes differ", what, k);
    for (int64_t i = 0; i < nb_tensor_numel(a); i++) {
        double u = nb_tensor_get(a, i), v = nb_tensor_get(b, i);
        ck_assert_msg(fabs(u - v) <= tol * (1 + fabs(v)), "%s case %zu element %lld: %.17g vs %.17g",
                      what, k, (long long)i, u, v);
    }
}

START_TEST(test_fused_matches_definition)
{
    for (size_t k = 0; k < NCASES; k++)
        for (int with_bias = 0; with_bias < 2; with_bias++) {
            const fcase *c = &CASES[k];
            nb__conv_params p = params_of(c);
            nb_tensor *x = t_rand(100 + k, 4, c->x, -1, 1), *w = t_rand(200 + k, 4, c->w, -1, 1);
            nb_tensor *b = with_bias ? t_rand(300 + k, 1, c->w, -1, 1) : NULL;
            nb_tensor *y = nb__conv2d_fused(x, w, b, &p);
            ck_assert_msg(y != NULL, "%s", nb_last_error());
            const int64_t *ys = nb_tensor_shape(y);
            ck_assert_int_eq(ys[0], c->x[0]);
            ck_assert_int_eq(ys[1], c->w[0]);
            ck_assert_int_eq(ys[2], nb__window_oh(&p.win));
            ck_assert_int_eq(ys[3], nb__window_ow(&p.win));
            for (int64_t i = 0; i < nb_tensor_numel(y); i++) {
                int64_t ox = i % ys[3], oy = i / ys[3] % ys[2], oc = i / (ys[3] * ys[2]) % ys[1];
                int64_t n = i / (ys[3] * ys[2] * ys[1]);
                double want = direct(x, w, b, c, n, oc, oy, ox);
                ck_assert_msg(fabs(nb_tensor_get(y, i) - want) < 1e-12,
                              "case %zu bias %d element %lld: %.17g vs %.17g", k, with_bias,
                              (long long)i, nb_tensor_get(y, i), want);
            }
            /* the composed reference gives the same values */
            assert_close(y, nb__conv2d_composed(x, w, b, &p), 1e-12, "composed", k);
        }
}
END_TEST

/* The first-order gradients of the fused op (its gradient ops) equal those
 * of the composed reference, for a random upstream gradient. */
START_TEST(test_fused_grads_match_composed)
{
    for (size_t k = 0; k < NCASES; k++) {
        const fcase *c = &CASES[k];
        nb__conv_params p = params_of(c);
        nb_tensor *in[3] = {t_rand(110 + k, 4, c->x, -1, 1), t_rand(210 + k, 4, c->w, -1, 1),
                            t_rand(310 + k, 1, c->w, -1, 1)};
        nb_tensor *yf = nb__conv2d_fused(in[0], in[1], in[2], &p);
        nb_tensor *yc = nb__conv2d_composed(in[0], in[1], in[2], &p);
        ck_assert_msg(yf && yc, "%s", nb_last_error());
        nb_tensor *r = t_rand(410 + k, nb_tensor_ndim(yf), nb_tensor_shape(yf), -1, 1);
        nb_tensor *gf[3] = {NULL}, *gc[3] = {NULL};
        ck_assert_int_eq(nb_grad(&yf, 1, in, 3, &r, 0, gf), NB_OK);
        ck_assert_int_eq(nb_grad(&yc, 1, in, 3, &r, 0, gc), NB_OK);
        assert_close(gf[0], gc[0], 1e-12, "grad x", k);
        assert_close(gf[1], gc[1], 1e-12, "grad w", k);
        assert_close(gf[2], gc[2], 1e-12, "grad b", k);
    }
}
END_TEST

typedef struct gctx {
    nb__conv_params p;
    int which; /* 0 conv2d, 1 grad_input, 2 grad_weight, 3 grad_bias */
} gctx;

static nb_tensor *f_fused(nb_tensor *const *in, int n, void *vc)
{
    const gctx *c = vc;
    switch (c->which) {
    case 0:
        return nb__conv2d_fused(in[0], in[1], n > 2 ? in[2] : NULL, &c->p);
    case 1:
        return nb__conv2d_grad_input(in[0], in[1], &c->p);
    case 2:
        return nb__conv2d_grad_weight(in[0], in[1], &c->p);
    default:
        return nb__conv2d_grad_bias(in[0]);
    }
}

/* f64 gradcheck and gradgradcheck of conv2d (with and without bias) and of
 * each of its gradient ops, which covers every order: their gradients are
 * one another. */
START_TEST(test_fused_gradcheck)
{
    /* small shapes: finite differences over every element */
    static const fcase small[] = {
        {{2, 2, 4, 3}, {3, 2, 2, 2}, {{1, 1}, {0, 0}, {1, 1}, 1}},
        {{1, 2, 5, 3}, {4, 1, 2, 3}, {{2, 1}, {1, 2}, {2, 1}, 2}},
        {{1, 3, 3, 4}, {3, 1, 1, 1}, {{1, 1}, {0, 0}, {1, 1}, 3}},
        {{2, 1, 5, 5}, {2, 1, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, 1}},
    };
    for (size_t k = 0; k < sizeof small / sizeof small[0]; k++) {
        const fcase *c = &small[k];
        gctx g = {.p = params_of(c), .which = 0};
        nb_tensor *in[3] = {t_rand(120 + k, 4, c->x, -1, 1), t_rand(220 + k, 4, c->w, -1, 1),
                            t_rand(320 + k, 1, c->w, -1, 1)};
        ck_assert_grads(f_fused, in, 3, &g);
        ck_assert_grads(f_fused, in, 2, &g);
        nb_tensor *y = nb__conv2d_fused(in[0], in[1], NULL, &g.p);
        ck_assert_msg(y != NULL, "%s", nb_last_error());
        nb_tensor *gy = t_rand(420 + k, nb_tensor_ndim(y), nb_tensor_shape(y), -1, 1);
        g.which = 1;
        nb_tensor *gi_in[2] = {gy, in[1]};
        ck_assert_grads(f_fused, gi_in, 2, &g);
        g.which = 2;
        nb_tensor *gw_in[2] = {in[0], gy};
        ck_assert_grads(f_fused, gw_in, 2, &g);
        g.which = 3;
        ck_assert_grads(f_fused, &gy, 1, &g);
    }
}
END_TEST

/* The bias gradient is g summed over images and positions. */
START_TEST(test_grad_bias_values)
{
    nb_tensor *g = t_rand(5, NB_SHAPE(3, 2, 5, 7), -1, 1);
    nb_tensor *s = nb__conv2d_grad_bias(g);
    ck_assert_msg(s != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_ndim(s), 1);
    ck_assert_int_eq(nb_tensor_shape(s)[0], 2);
    for (int64_t ch = 0; ch < 2; ch++) {
        double want = 0;
        for (int64_t n = 0; n < 3; n++)
            for (int64_t j = 0; j < 35; j++)
                want += nb_tensor_get(g, (n * 2 + ch) * 35 + j);
        ck_assert_msg(fabs(nb_tensor_get(s, ch) - want) < 1e-12, "channel %lld",
                      (long long)ch);
    }
}
END_TEST

START_TEST(test_fused_f32_agrees_with_f64)
{
    for (size_t k = 0; k < NCASES; k++) {
        const fcase *c = &CASES[k];
        gctx g = {.p = params_of(c), .which = 0};
        nb_tensor *in[3] = {t_rand(130 + k, 4, c->x, -1, 1), t_rand(230 + k, 4, c->w, -1, 1),
                            t_rand(330 + k, 1, c->w, -1, 1)};
        /* sums of at most 75 products of values in [-1, 1) */
        check_f32_agrees(f_fused, in, 3, &g, 2e-5);
        nb_tensor *y = nb__conv2d_fused(in[0], in[1], NULL, &g.p);
        nb_tensor *gy = t_rand(430 + k, nb_tensor_ndim(y), nb_tensor_shape(y), -1, 1);
        g.which = 1;
        nb_tensor *gi_in[2] = {gy, in[1]};
        check_f32_agrees(f_fused, gi_in, 2, &g, 2e-5);
        /* the weight gradient sums over every image and position: up to a
         * few thousand products */
        g.which = 2;
        nb_tensor *gw_in[2] = {in[0], gy};
        check_f32_agrees(f_fused, gw_in, 2, &g, 1e-4);
        g.which = 3;
        check_f32_agrees(f_fused, &gy, 1, &g, 1e-4);
    }
}
END_TEST

/* nb_backward adds the weight gradient straight into an existing .grad:
 * the sum equals the gradient nb_grad returns plus what was there, and a
 * second pass adds it again. */
START_TEST(test_backward_into_grad)
{
    for (size_t k = 0; k < NCASES; k++) {
        const fcase *c = &CASES[k];
        nb_tensor *x = t_rand(140 + k, 4, c->x, -1, 1), *w = t_rand(240 + k, 4, c->w, -1, 1);
        nb_tensor *b = t_rand(340 + k, 1, c->w, -1, 1);
        nb_tensor *y = nb_sum(nb_mul(nb_conv2d(x, w, b, &c->o), nb_conv2d(x, w, b, &c->o)));
        ck_assert_msg(y != NULL, "%s", nb_last_error());
        nb_tensor *in[2] = {w, b}, *want[2] = {NULL};
        ck_assert_int_eq(nb_grad(&y, 1, in, 2, NULL, 0, want), NB_OK);
        /* one use of w per graph, so the pass can take the fused sink */
        for (int pass = 1; pass <= 2; pass++) {
            nb_tensor *z = nb_sum(nb_square(nb_conv2d(x, w, b, &c->o)));
            ck_assert_int_eq(nb_backward(z, NULL), NB_OK);
            nb_tensor *gw = nb_tensor_grad(w), *gb = nb_tensor_grad(b);
            ck_assert_ptr_nonnull(gw);
            for (int64_t i = 0; i < nb_tensor_numel(w); i++)
                ck_assert_msg(fabs(nb_tensor_get(gw, i) - pass * nb_tensor_get(want[0], i)) <
                                  1e-10 * (1 + fabs(nb_tensor_get(want[0], i))),
                              "case %zu pass %d weight element %lld", k, pass, (long long)i);
            for (int64_t i = 0; i < nb_tensor_numel(b); i++)
                ck_assert_msg(fabs(nb_tensor_get(gb, i) - pass * nb_tensor_get(want[1], i)) <
                                  1e-10 * (1 + fabs(nb_tensor_get(want[1], i))),
                              "case %zu pass %d bias element %lld", k, pass, (long long)i);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_conv_fused");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_fused_matches_definition);
    tcase_add_test(tc, test_grad_bias_values);
    tcase_add_test(tc, test_fused_f32_agrees_with_f64);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_fused_grads_match_composed);
    tcase_add_test(tc, test_fused_gradcheck);
    tcase_add_test(tc, test_backward_into_grad);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
