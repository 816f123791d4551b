/* The engine: recording, accumulation, nb_backward / nb_grad, higher order,
 * grad modes, version counters, big graphs and every error path. */
#include "test_util.h"

#include "autograd/graph.h"

static nb_tensor *leaf64(const double *v, int n)
{
    return nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(n)), true);
}

START_TEST(test_reuse_accumulates)
{
    /* b = a + a; c = b * b; d(sum c)/da = 8a */
    nb_tensor *a = leaf64((double[]){1, -2, 0.5}, 3);
    nb_tensor *b = nb_add(a, a);
    nb_tensor *c = nb_mul(b, b);
    ck_assert_int_eq(nb_backward(nb_sum(c), NULL), NB_OK);
    double want[3] = {8, -16, 4};
    ck_assert_tensor_near(nb_tensor_grad(a), want, 3, 1e-12);
    /* a second backward over a used graph is refused ... */
    ck_assert_int_eq(nb_backward(nb_sum(c), NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "the graph through 'mul'");
    ck_assert_tensor_near(nb_tensor_grad(a), want, 3, 1e-12);
    /* ... unless the graph was retained: then the passes accumulate, and the
     * last one (without the flag) uses the graph up */
    nb_tensor *c2 = nb_mul(nb_add(a, a), nb_add(a, a));
    ck_assert_int_eq(nb_tensor_zero_grad(a), NB_OK);
    ck_assert_int_eq(nb_backward_ex(nb_sum(c2), NULL, NB_RETAIN_GRAPH), NB_OK);
    ck_assert_int_eq(nb_backward_ex(nb_sum(c2), NULL, NB_RETAIN_GRAPH), NB_OK);
    ck_assert_int_eq(nb_backward(nb_sum(c2), NULL), NB_OK);
    double thrice[3] = {24, -48, 12};
    ck_assert_tensor_near(nb_tensor_grad(a), thrice, 3, 1e-12);
    ck_assert_int_eq(nb_backward_ex(nb_sum(c2), NULL, NB_RETAIN_GRAPH), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_backward_ex: the graph through 'mul'");
    ck_assert_tensor_near(nb_tensor_grad(a), thrice, 3, 1e-12);
    /* zero_grad clears */
    ck_assert_int_eq(nb_tensor_zero_grad(a), NB_OK);
    double zero[3] = {0, 0, 0};
    ck_assert_tensor_near(nb_tensor_grad(a), zero, 3, 0);
    /* flags nb_backward_ex does not take */
    nb_tensor *c3 = nb_sum(nb_mul(a, a));
    ck_assert_int_eq(nb_backward_ex(c3, NULL, NB_CREATE_GRAPH), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_backward_ex: NB_CREATE_GRAPH is not available here");
    ck_assert_int_eq(nb_backward_ex(c3, NULL, 0x40), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_backward_ex: unknown flags 0x40");
    ck_assert_int_eq(nb_backward_ex(c3, NULL, 0), NB_OK); /* the refusals did not use it */
    ck_assert_tensor_near(nb_tensor_grad(a), ((double[]){2, -4, 1}), 3, 1e-12);
}
END_TEST

/* A second nb_backward over a graph is refused before any .grad changes;
 * nb_grad still reads the graph. */
START_TEST(test_second_backward_is_refused)
{
    nb_tensor *x = leaf64((double[]){0.5, -1}, 2);
    nb_set_call_site("net.c", 12);
    nb_tensor *t = nb_tanh(x);
    nb_set_call_site(NULL, 0);
    nb_tensor *L = nb_sum(t);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    double d[2] = {1 - tanh(0.5) * tanh(0.5), 1 - tanh(-1.0) * tanh(-1.0)};
    ck_assert_tensor_near(nb_tensor_grad(x), d, 2, 1e-15);
    uint64_t version = nb_tensor_version(nb_tensor_grad(x));
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_backward: the graph through 'sum' was already used by a "
                                  "backward pass; pass NB_RETAIN_GRAPH to the first call to run "
                                  "it again, or record it again");
    /* a new loss reaching the used part: its fresh leaf b would be done
     * first in the sweep, yet keeps no gradient */
    nb_tensor *b = leaf64((double[]){2, 3}, 2);
    nb_tensor *L2 = nb_sum(nb_mul(b, t));
    ck_assert_int_eq(nb_backward(L2, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_backward: the graph through 'tanh' (created at net.c:12) "
                                  "was already used by a backward pass");
    ck_assert_ptr_null(nb_tensor_grad(b));
    ck_assert_tensor_near(nb_tensor_grad(x), d, 2, 1e-15);
    ck_assert_uint_eq(nb_tensor_version(nb_tensor_grad(x)), version);
    /* nb_grad accumulates nothing, so it neither needs nor consumes the graph */
    nb_tensor *gx;
    ck_assert_int_eq(nb_grad(&L2, 1, &x, 1, NULL, 0, &gx), NB_OK);
    double want[2] = {2 * d[0], 3 * d[1]};
    ck_assert_tensor_near(gx, want, 2, 1e-15);
    ck_assert_int_eq(nb_grad(&L2, 1, &x, 1, NULL, 0, &gx), NB_OK);
    ck_assert_tensor_near(gx, want, 2, 1e-15);
}
END_TEST

/* A gradient penalty: nb_backward through a create-graph gradient reaches
 * the forward graph too, so of two passes the first must retain it. */
START_TEST(test_gradient_penalty_and_loss)
{
    nb_tensor *x = leaf64((double[]){0.5, -1}, 2);
    nb_tensor *loss = nb_sum(nb_tanh(x)), *g;
    ck_assert_int_eq(nb_grad(&loss, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_OK);
    nb_tensor *penalty = nb_sum(nb_square(g));
    ck_assert_int_eq(nb_backward_ex(loss, NULL, NB_RETAIN_GRAPH), NB_OK);
    ck_assert_int_eq(nb_backward(penalty, NULL), NB_OK);
    /* d/dx [tanh x + (1 - tanh² x)²] = s + 2 s (-2 t s), s = 1 - t² */
    double want[2];
    for (int i = 0; i < 2; i++) {
        double t = tanh(i ? -1.0 : 0.5), s = 1 - t * t;
        want[i] = s - 4 * t * s * s;
    }
    ck_assert_tensor_near(nb_tensor_grad(x), want, 2, 1e-14);
    /* the penalty's pass used up the forward node its gradient reads */
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "the graph through 'tanh'");
    ck_assert_tensor_near(nb_tensor_grad(x), want, 2, 1e-14);
}
END_TEST

START_TEST(test_mlp_gradients_closed_form)
{
    /* L = sum(tanh(W x)), dL/dW[i][j] = (1 - tanh²(Wx)_i) x_j, dL/dx = Wᵀ(1 - tanh²) */
    double wv[6] = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6}, xv[3] = {1.0, 2.0, -1.0};
    nb_tensor *W = nb_tensor_set_requires_grad(nb_from_f64(wv, NB_SHAPE(2, 3)), true);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64(xv, NB_SHAPE(3, 1)), true);
    nb_tensor *L = nb_sum(nb_tanh(nb_matmul(W, x)));
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    double z[2], d[2];
    for (int i = 0; i < 2; i++) {
        z[i] = wv[3 * i] * xv[0] + wv[3 * i + 1] * xv[1] + wv[3 * i + 2] * xv[2];
        d[i] = 1 - tanh(z[i]) * tanh(z[i]);
    }
    double gw[6], gx[3];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            gw[3 * i + j] = d[i] * xv[j];
    for (int j = 0; j < 3; j++)
        gx[j] = wv[j] * d[0] + wv[3 + j] * d[1];
    ck_assert_tensor_near(nb_tensor_grad(W), gw, 6, 1e-14);
    ck_assert_tensor_near(nb_tensor_grad(x), gx, 3, 1e-14);
    ck_assert(fabs(nb_tensor_item(L) - (tanh(z[0]) + tanh(z[1]))) < 1e-14);
}
END_TEST

START_TEST(test_broadcast_bias_gradient)
{
    /* y = X + b with b broadcast over rows: db = column sums of dy */
    nb_tensor *X = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(4, 3)), true);
    nb_tensor *b = leaf64((double[]){1, 2, 3}, 3);
    nb_tensor *w = nb_from_f64((double[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, NB_SHAPE(4, 3));
    nb_tensor *L = nb_sum(nb_mul(nb_add(X, b), w));
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    double db[3] = {1 + 4 + 7 + 10, 2 + 5 + 8 + 11, 3 + 6 + 9 + 12};
    ck_assert_tensor_near(nb_tensor_grad(b), db, 3, 1e-12);
    ck_assert_int_eq(nb_tensor_ndim(nb_tensor_grad(X)), 2);
}
END_TEST

START_TEST(test_second_derivative_closed_form)
{
    /* f(x) = tanh(x)·x:  f' = tanh x + x sech² x,  f'' = 2 sech² x (1 - x tanh x) */
    double xs[5] = {-2.0, -0.3, 0.0, 0.7, 1.5};
    nb_tensor *x = leaf64(xs, 5);
    nb_tensor *f = nb_sum(nb_mul(nb_tanh(x), x));
    nb_tensor *g1;
    ck_assert_int_eq(nb_grad(&f, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g1), NB_OK);
    ck_assert(nb_tensor_requires_grad(g1));
    nb_tensor *g2;
    nb_tensor *s = nb_sum(g1);
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, 0, &g2), NB_OK);
    double w1[5], w2[5];
    for (int i = 0; i < 5; i++) {
        double t = tanh(xs[i]), sech2 = 1 - t * t;
        w1[i] = t + xs[i] * sech2;
        w2[i] = 2 * sech2 * (1 - xs[i] * t);
    }
    ck_assert_tensor_near(g1, w1, 5, 1e-14);
    ck_assert_tensor_near(g2, w2, 5, 1e-13);
    ck_assert_ptr_null(nb_tensor_grad(x)); /* nb_grad leaves .grad alone */
    /* third order through another create-graph pass: f''' = -2 sech² x (3 tanh x - 2 x tanh² x... )
       checked against a central difference of f'' */
    nb_tensor *g2g, *s2;
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g2g), NB_OK);
    s2 = nb_sum(g2g);
    nb_tensor *g3;
    ck_assert_int_eq(nb_grad(&s2, 1, &x, 1, NULL, 0, &g3), NB_OK);
    for (int i = 0; i < 5; i++) {
        double h = 1e-4, xp = xs[i] + h, xm = xs[i] - h;
        double tp = tanh(xp), tm = tanh(xm);
        double fpp_p = 2 * (1 - tp * tp) * (1 - xp * tp), fpp_m = 2 * (1 - tm * tm) * (1 - xm * tm);
        ck_assert(fabs(nb_tensor_get(g3, i) - (fpp_p - fpp_m) / (2 * h)) < 1e-6);
    }
}
END_TEST

START_TEST(test_fused_tanh_backward_matches_composed)
{
    /* first order uses a fused loop; a create-graph pass records the
     * op-composed reference formula: the two must agree */
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype dtype = dt ? NB_F64 : NB_F32;
        nb_tensor *x = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, dtype, NB_SHAPE(7, 9), -3, 3), true);
        nb_tensor *w = nb_rand_uniform(&rng, dtype, NB_SHAPE(7, 9), -1, 1);
        nb_tensor *L = nb_sum(nb_mul(nb_tanh(x), w));
        nb_tensor *fused, *composed;
        ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, 0, &fused), NB_OK);
        ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, NB_CREATE_GRAPH, &composed), NB_OK);
        ck_assert_ptr_null(nb_tensor_node(fused));
        ck_assert_str_eq(nb_node_op_name(nb_tensor_node(composed)), "mul");
        for (int64_t i = 0; i < 63; i++) {
            double t = tanh(nb_tensor_get(x, i)), want = nb_tensor_get(w, i) * (1 - t * t);
            ck_assert(fabs(nb_tensor_get(fused, i) - nb_tensor_get(composed, i)) <= (dt ? 1e-15 : 1e-6));
            ck_assert(fabs(nb_tensor_get(fused, i) - want) <= (dt ? 1e-14 : 1e-6));
        }
    }
}
END_TEST

START_TEST(test_grad_of_intermediate_and_unused)
{
    nb_tensor *x = leaf64((double[]){2, 3}, 2);
    nb_tensor *y = nb_mul(x, x);
    nb_tensor *z = nb_sum(nb_mul_scalar(y, 3));
    nb_tensor *unused = leaf64((double[]){1}, 1);
    nb_tensor *ins[3] = {y, x, unused}, *gs[3];
    ck_assert_int_eq(nb_grad(&z, 1, ins, 3, NULL, 0, gs), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "input 3 is not used");
    ck_assert_int_eq(nb_grad(&z, 1, ins, 3, NULL, NB_ALLOW_UNUSED, gs), NB_OK);
    double dy[2] = {3, 3}, dx[2] = {12, 18};
    ck_assert_tensor_near(gs[0], dy, 2, 1e-12);
    ck_assert_tensor_near(gs[1], dx, 2, 1e-12);
    ck_assert_ptr_null(gs[2]);
    ck_assert(!nb_tensor_requires_grad(gs[1])); /* no create-graph: plain tensors */
}
END_TEST

START_TEST(test_multiple_outputs_and_grad_outputs)
{
    nb_tensor *x = leaf64((double[]){1, 2, 3}, 3);
    nb_tensor *a = nb_mul_scalar(x, 2), *b = nb_square(x);
    nb_tensor *outs[2] = {a, b};
    nb_tensor *ga = nb_from_f64((double[]){1, 0, -1}, NB_SHAPE(3));
    nb_tensor *gb = nb_from_f64((double[]){1, 1, 1}, NB_SHAPE(3));
    nb_tensor *gouts[2] = {ga, gb}, *gx;
    ck_assert_int_eq(nb_grad(outs, 2, &x, 1, gouts, 0, &gx), NB_OK);
    double want[3] = {2 + 2, 0 + 4, -2 + 6};
    ck_assert_tensor_near(gx, want, 3, 1e-12);
    /* nb_backward with an explicit grad_output on a non-scalar */
    ck_assert_int_eq(nb_backward(b, gb), NB_OK);
    double g2[3] = {2, 4, 6};
    ck_assert_tensor_near(nb_tensor_grad(x), g2, 3, 1e-12);
}
END_TEST

START_TEST(test_no_grad_and_detach)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    ck_assert(nb_grad_enabled());
    nb_tensor *y = NULL;
    NB_NO_GRAD
    {
        y = nb_mul(x, x);
    }
    ck_assert(nb_grad_enabled());
    ck_assert(!nb_tensor_requires_grad(y));
    ck_assert_ptr_null(nb_tensor_node(y));
    bool prev = nb_set_grad_enabled(false);
    ck_assert(prev);
    ck_assert(!nb_tensor_requires_grad(nb_tanh(x)));
    nb_set_grad_enabled(true);
    nb_tensor *z = nb_mul(x, x);
    ck_assert(nb_tensor_requires_grad(z));
    ck_assert(!nb_tensor_is_leaf(z));
    nb_tensor *d = nb_detach(z);
    ck_assert(nb_tensor_is_leaf(d) && !nb_tensor_requires_grad(d));
    double v[2] = {1, 4};
    ck_assert_tensor_near(d, v, 2, 0);
    /* a detached value is a constant: only the direct path contributes */
    nb_tensor *L = nb_sum(nb_mul(d, x));
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x), v, 2, 0);
    ck_assert_ptr_null(nb_tensor_set_requires_grad(z, false));
    ck_assert_error(NB_ERR_ARG, "not a leaf");
}
END_TEST

START_TEST(test_version_counter_detects_inplace)
{
    nb_tensor *w = leaf64((double[]){1, 2}, 2);
    nb_tensor *x = nb_from_f64((double[]){3, 4}, NB_SHAPE(2));
    nb_tensor *L = nb_sum(nb_mul(w, x));
    nb_tensor_fill(x, 0.0); /* changes a tensor mul saved for backward */
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "backward of 'mul'");
    ck_assert_msg(strstr(nb_last_error(), "version 0 when saved, now 1"), "%s", nb_last_error());
    /* add does not read its inputs in backward: an in-place change is harmless */
    nb_tensor *L2 = nb_sum(nb_add(w, x));
    nb_tensor_fill(x, 1.0);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
    /* tanh saves its output */
    nb_tensor *t = nb_tanh(w);
    nb_tensor *L3 = nb_sum(t);
    nb_tensor_fill(t, 0.0);
    ck_assert_int_eq(nb_backward(L3, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "backward of 'tanh'");
}
END_TEST

START_TEST(test_long_chain_iterative)
{
    /* 10^6 ops in a chain: y = x·c·c·...·c, dy/dx = c^N = e for c = e^(1/N).
     * A recursive walk would need a million stack frames. */
    const int N = 1000000;
    nb_tensor *x = leaf64((double[]){1.0}, 1);
    nb_tensor *y = x;
    double c = exp(1.0 / N);
    for (int i = 0; i < N && y; i++)
        y = nb_mul_scalar(y, c);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_OK);
    ck_assert(fabs(nb_tensor_get(nb_tensor_grad(x), 0) - exp(1.0)) < 1e-9);
    ck_assert(fabs(nb_tensor_get(y, 0) - exp(1.0)) < 1e-9);
}
END_TEST

START_TEST(test_wide_diamond)
{
    /* one input feeding 1000 branches that are summed: gradient counts them */
    nb_tensor *x = leaf64((double[]){0.5}, 1);
    nb_tensor *acc = nb_mul_scalar(x, 0);
    for (int i = 1; i <= 1000; i++)
        acc = nb_add(acc, nb_mul_scalar(x, i));
    ck_assert_int_eq(nb_backward(nb_sum(acc), NULL), NB_OK);
    ck_assert(fabs(nb_tensor_get(nb_tensor_grad(x), 0) - 500500.0) < 1e-9);
}
END_TEST

START_TEST(test_sticky_errors)
{
    nb_tensor *x = nb_ones(NB_F32, NB_SHAPE(4, 3));
    nb_tensor *W = nb_ones(NB_F32, NB_SHAPE(4, 2));
    nb_tensor *b = nb_ones(NB_F32, NB_SHAPE(2));
    nb_tensor *y = nb_tanh(nb_add(nb_matmul(x, W), b));
    ck_assert_ptr_null(y);
    ck_assert_error(NB_ERR_SHAPE, "matmul: inner sizes differ (a is 4x3, b is 4x2: 3 vs 4)");
    ck_assert_msg(strstr(nb_last_error(), "transpose"), "%s", nb_last_error());
    nb_clear_error();
    ck_assert_ptr_null(nb_add(NULL, b));
    ck_assert_error(NB_ERR_NULL, "add: input 1 is NULL");
    nb_tensor *d = nb_ones(NB_F64, NB_SHAPE(2));
    ck_assert_ptr_null(nb_add(b, d));
    ck_assert_error(NB_ERR_DTYPE, "nb_cast");
    ck_assert_ptr_null(nb_add(nb_ones(NB_F32, NB_SHAPE(2, 3)), nb_ones(NB_F32, NB_SHAPE(4, 3))));
    ck_assert_error(NB_ERR_SHAPE, "shapes 2x3 and 4x3 do not broadcast");
    ck_assert_ptr_null(nb_sum_axis(x, 2, false));
    ck_assert_error(NB_ERR_ARG, "axis 2 is out of range");
    ck_assert_ptr_null(nb_reshape(x, NB_SHAPE(5, 2)));
    ck_assert_error(NB_ERR_SHAPE, "cannot view 4x3");
}
END_TEST

START_TEST(test_backward_errors)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    nb_tensor *y = nb_mul(x, x);
    ck_assert_int_eq(nb_backward(y, NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "one-element output");
    nb_tensor *bad = nb_ones(NB_F64, NB_SHAPE(3));
    ck_assert_int_eq(nb_backward(y, bad), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "grad_output 1 is f64 3 but output is f64 2");
    nb_tensor *c = nb_sum(nb_ones(NB_F64, NB_SHAPE(2)));
    ck_assert_int_eq(nb_backward(c, NULL), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "does not require grad");
    ck_assert_int_eq(nb_backward(NULL, NULL), NB_ERR_NULL);
    nb_tensor *g;
    ck_assert_int_eq(nb_grad(NULL, 1, &x, 1, NULL, 0, &g), NB_ERR_NULL);
    ck_assert_int_eq(nb_grad(&y, 0, &x, 1, NULL, 0, &g), NB_ERR_ARG);
    ck_assert_int_eq(nb_grad(&y, 1, &x, 1, NULL, 0x80, &g), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "unknown flags");
}
END_TEST

/* A wrong op whose backward is "once differentiable" and returns a NaN. */
static int bad_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n,
                       const void *p)
{
    (void)op, (void)n, (void)p;
    for (int64_t i = 0; i < nb_tensor_numel(out); i++)
        nb_tensor_data_f64(out)[i] = nb_tensor_data_f64(in[0])[i];
    return 0;
}
static int bad_backward(const nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node;
    gi[0] = nb_full(NB_F64, nb_tensor_ndim(g), nb_tensor_shape(g), NAN); /* made without an op */
    return 0;
}
static const nb_op bad_op = {
    .name = "nan_maker",
    .forward = bad_forward,
    .backward = bad_backward,
    .flags = NB_OP_ONCE_DIFFERENTIABLE,
};

/* A pass that fails after adding to some .grad has used the graph up: running
 * it again would add those gradients twice.  Here b's gradient is final
 * (and added) before nan_maker's backward fails under anomaly mode. */
START_TEST(test_failed_pass_after_adding_uses_the_graph)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    nb_tensor *b = leaf64((double[]){3, 4}, 2);
    nb_tensor *y = nb__op_apply(&bad_op, &x, 1, NULL, NB_F64, 1, (int64_t[]){2});
    nb_tensor *L = nb_sum(nb_mul(b, y));
    bool prev = nb_set_anomaly_mode(true);
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_NUMERIC);
    nb_set_anomaly_mode(prev);
    ck_assert_tensor_near(nb_tensor_grad(b), ((double[]){1, 2}), 2, 0);
    ck_assert_ptr_null(nb_tensor_grad(x));
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "the graph through 'sum' was already used");
    ck_assert_tensor_near(nb_tensor_grad(b), ((double[]){1, 2}), 2, 0);
}
END_TEST

START_TEST(test_once_differentiable_and_anomaly)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    nb_tensor *y = nb__op_apply(&bad_op, &x, 1, NULL, NB_F64, 1, (int64_t[]){2});
    ck_assert_ptr_nonnull(y);
    nb_tensor *s = nb_sum(y), *g;
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "'nan_maker'");
    ck_assert_msg(strstr(nb_last_error(), "once differentiable"), "%s", nb_last_error());
    ck_assert_int_eq(nb_grad(&s, 1, &x, 1, NULL, 0, &g), NB_OK); /* first order is fine */
    bool prev = nb_set_anomaly_mode(true);
    ck_assert_int_eq(nb_backward(s, NULL), NB_ERR_NUMERIC);
    ck_assert_error(NB_ERR_NUMERIC, "backward of 'nan_maker'");
    nb_tensor *zero = nb_zeros(NB_F64, NB_SHAPE(2));
    ck_assert_ptr_null(nb_div(zero, zero));
    ck_assert_error(NB_ERR_NUMERIC, "forward of 'div'");
    nb_set_anomaly_mode(prev);
}
END_TEST

typedef struct trace_log {
    int nodes, passes, leaves;
    uint64_t last_id;
    bool ordered;
} trace_log;

static void record_event(const nb_backward_event *ev, void *ctx)
{
    trace_log *log = ctx;
    if (ev->kind == NB_EVENT_NODE) {
        /* in a chain, nodes arrive from the loss back to the input */
        if (log->nodes && nb_node_id(ev->node) > log->last_id)
            log->ordered = false;
        log->last_id = nb_node_id(ev->node);
        log->nodes++;
    } else if (ev->kind == NB_EVENT_PASS) {
        log->passes++;
    } else {
        log->leaves++;
    }
}

START_TEST(test_hook_and_graph_nodes)
{
    nb_tensor *x = leaf64((double[]){0.5, 1}, 2);
    nb_tensor *L = nb_sum(nb_tanh(nb_mul_scalar(nb_tanh(x), 3)));
    trace_log log = {0, 0, 0, 0, true};
    void *old_ctx;
    nb_backward_hook old = nb_set_backward_hook(record_event, &log, &old_ctx);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    nb_set_backward_hook(old, old_ctx, NULL);
    ck_assert_int_eq(log.nodes, 4);
    ck_assert_int_eq(log.passes, 4);
    ck_assert_int_eq(log.leaves, 1);
    ck_assert(log.ordered);
    const nb_node **nodes;
    int64_t count;
    ck_assert_int_eq(nb_graph_nodes(&L, 1, &nodes, &count), NB_OK);
    ck_assert_int_eq(count, 4);
    ck_assert_str_eq(nb_node_op_name(nodes[0]), "tanh");
    ck_assert_str_eq(nb_node_op_name(nodes[1]), "mul_scalar");
    ck_assert_str_eq(nb_node_op_name(nodes[3]), "sum");
    ck_assert_ptr_eq(nb_node_input(nodes[0], 0), x);
    ck_assert_ptr_eq(nb_node_output(nodes[3]), L);
    ck_assert_int_eq(nb_node_num_inputs(nodes[0]), 1);
    ck_assert_ptr_null(nb_node_input(nodes[0], 1));
}
END_TEST

/* A pass started inside another on the same graph (here nb_grad from a
 * backward hook) keeps its records apart: the outer pass keeps its own in
 * the nodes, and both give the closed form.  L = sum(tanh(3x)^2),
 * dL/dx = 6 t (1 - t^2) with t = tanh(3x). */
typedef struct nested_ctx {
    nb_tensor *L, *x;
    int calls;
    double inner[2];
    int rc;
} nested_ctx;

static void nested_hook(const nb_backward_event *ev, void *vctx)
{
    nested_ctx *c = vctx;
    if (ev->kind != NB_EVENT_NODE || c->calls++ != 1)
        return; /* once, in the middle of the outer sweep */
    nb_tensor *g = NULL;
    c->rc = nb_grad(&c->L, 1, &c->x, 1, NULL, 0, &g);
    for (int i = 0; i < 2 && g; i++)
        c->inner[i] = nb_tensor_get(g, i);
}

START_TEST(test_nested_pass_keeps_outer_records)
{
    nb_tensor *x = leaf64((double[]){0.5, -0.2}, 2);
    nb_tensor *t = nb_tanh(nb_mul_scalar(x, 3));
    nb_tensor *L = nb_sum(nb_mul(t, t));
    nested_ctx c = {L, x, 0, {0, 0}, -1};
    void *old_ctx;
    nb_backward_hook old = nb_set_backward_hook(nested_hook, &c, &old_ctx);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    nb_set_backward_hook(old, old_ctx, NULL);
    ck_assert_int_eq(c.rc, NB_OK);
    double want[2];
    for (int i = 0; i < 2; i++) {
        double ti = tanh(3 * (i ? -0.2 : 0.5));
        want[i] = 6 * ti * (1 - ti * ti);
        ck_assert_double_eq_tol(c.inner[i], want[i], 1e-12);
    }
    ck_assert_tensor_near(nb_tensor_grad(x), want, 2, 1e-12);
    /* and a later pass over the same nodes starts afresh */
    nb_tensor *g = NULL;
    ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, 0, &g), NB_OK);
    ck_assert_tensor_near(g, want, 2, 1e-12);
}
END_TEST

/* Formulas that break the contract: one gives no gradient, one fails
 * without a message.  The engine names the node, and its status is the one
 * it recorded. */
static int silent_backward(const nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node, (void)g, (void)gi;
    return 0;
}
static int failing_backward(const nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node, (void)g, (void)gi;
    return -1;
}
static const nb_op silent_op = {.name = "silent", .forward = bad_forward, .backward = silent_backward};
static const nb_op failing_op = {
    .name = "failing", .forward = bad_forward, .backward = failing_backward};

START_TEST(test_broken_formulas_name_the_node)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    nb_tensor *y = nb__op_apply(&silent_op, &x, 1, NULL, NB_F64, 1, (int64_t[]){2});
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "backward of 'silent' gave no gradient for input 1");
    ck_assert_ptr_null(nb_tensor_grad(x));
    y = nb__op_apply(&failing_op, &x, 1, NULL, NB_F64, 1, (int64_t[]){2});
    nb_tensor *L = nb_sum(y), *g = NULL;
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "backward of 'failing' failed");
    ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, 0, &g), NB_ERR_GRAD);
    ck_assert_error(NB_ERR_GRAD, "backward of 'failing' failed");
    ck_assert_ptr_null(g);
    ck_assert_ptr_null(nb_tensor_grad(x));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("autograd");
    TCase *tc = nb_test_case("engine");
    tcase_add_test(tc, test_reuse_accumulates);
    tcase_add_test(tc, test_second_backward_is_refused);
    tcase_add_test(tc, test_gradient_penalty_and_loss);
    tcase_add_test(tc, test_mlp_gradients_closed_form);
    tcase_add_test(tc, test_broadcast_bias_gradient);
    tcase_add_test(tc, test_second_derivative_closed_form);
    tcase_add_test(tc, test_fused_tanh_backward_matches_composed);
    tcase_add_test(tc, test_grad_of_intermediate_and_unused);
    tcase_add_test(tc, test_multiple_outputs_and_grad_outputs);
    tcase_add_test(tc, test_no_grad_and_detach);
    tcase_add_test(tc, test_version_counter_detects_inplace);
    tcase_add_test(tc, test_long_chain_iterative);
    tcase_add_test(tc, test_wide_diamond);
    tcase_add_test(tc, test_sticky_errors);
    tcase_add_test(tc, test_backward_errors);
    tcase_add_test(tc, test_once_differentiable_and_anomaly);
    tcase_add_test(tc, test_failed_pass_after_adding_uses_the_graph);
    tcase_add_test(tc, test_hook_and_graph_nodes);
    tcase_add_test(tc, test_broken_formulas_name_the_node);
    tcase_add_test(tc, test_nested_pass_keeps_outer_records);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
