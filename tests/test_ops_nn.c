/* softmax, log_softmax and the losses: mse, sse, cross_entropy, nll_loss,
 * bce_with_logits.  Forward values are worked out by hand (including logits
 * of +-1000); gradients by finite differences (first and second order) in
 * f64 and by closed forms. */
#include "test_ops_grad.h"

typedef enum { K_SOFTMAX, K_LOG_SOFTMAX, K_MSE, K_SSE, K_CE, K_NLL, K_BCE } kind;

typedef struct nctx {
    kind k;
    int axis;
    nb_reduction red;
    nb_tensor *labels64, *labels32; /* class labels, one per dtype */
} nctx;

/* softmax/log_softmax of in[0] (+ in[1] broadcast when given); losses of
 * (in[0], in[1]) or (in[0], labels of in[0]'s dtype). */
static nb_tensor *f_nn(nb_tensor *const *in, int n, void *vc)
{
    const nctx *c = vc;
    nb_tensor *labels = nb_tensor_dtype(in[0]) == NB_F64 ? c->labels64 : c->labels32;
    switch (c->k) {
    case K_SOFTMAX: return nb_softmax(n > 1 ? nb_add(in[0], in[1]) : in[0], c->axis);
    case K_LOG_SOFTMAX: return nb_log_softmax(n > 1 ? nb_add(in[0], in[1]) : in[0], c->axis);
    case K_MSE: return nb_mse_loss(in[0], in[1], c->red);
    case K_SSE: return nb_mse_loss(in[0], in[1], NB_REDUCE_SUM);
    case K_CE: return nb_cross_entropy_loss(in[0], labels, c->red);
    case K_NLL: return nb_nll_loss(in[0], labels, c->red);
    case K_BCE: return nb_bce_with_logits_loss(in[0], in[1], c->red);
    }
    return NULL;
}

static void check_nn_grads(nctx *c, nb_tensor *const *in, int n)
{
    ck_assert_grads(f_nn, in, n, c);
    check_f32_agrees(f_nn, in, n, c, 1e-5);
}

static void set_labels(nctx *c, const double *v, int64_t n)
{
    c->labels64 = t_vals(NB_F64, v, 1, &n);
    c->labels32 = t_vals(NB_F32, v, 1, &n);
}

START_TEST(test_softmax_values)
{
    for (int dt = 0; dt < 2; dt++) {
        double tol = dt == NB_F32 ? 1e-6 : 1e-14;
        nb_tensor *x = t_vals(dt, (const double[]){0, log(2.0), log(5.0), 1000, -1000, 1000}, NB_SHAPE(2, 3));
        ck_assert_tensor_near(nb_softmax(x, 1), ((double[]){.125, .25, .625, .5, 0, .5}), 6, tol);
        ck_assert_tensor_near(nb_softmax(x, -1), ((double[]){.125, .25, .625, .5, 0, .5}), 6, tol);
        ck_assert_tensor_near(nb_log_softmax(x, 1),
                              ((double[]){log(.125), log(.25), log(.625), -log(2.0), -2000 - log(2.0), -log(2.0)}),
                              6, tol * 1e3);
        /* along axis 0: columns (0, 1000), (ln2, -1000), (ln5, 1000) */
        ck_assert_tensor_near(nb_softmax(x, 0), ((double[]){0, 1, 0, 1, 0, 1}), 6, tol);
        nb_tensor *c = t_vals(dt, (const double[]){0, 1000, log(3.0), 1000}, NB_SHAPE(2, 2));
        ck_assert_tensor_near(nb_softmax(c, 0), ((double[]){.25, .5, .75, .5}), 4, tol);
        ck_assert_tensor_near(nb_log_softmax(c, 0), ((double[]){log(.25), -log(2.0), log(.75), -log(2.0)}), 4, tol * 10);
        /* a middle axis (inner size 2): x[0][j][i] = j ln2 + i ln3 -> softmax over j is (1, 2, 4)/7 */
        double v[6];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 2; i++)
                v[j * 2 + i] = j * log(2.0) + i * log(3.0);
        nb_tensor *m = t_vals(dt, v, NB_SHAPE(1, 3, 2));
        ck_assert_tensor_near(nb_softmax(m, 1), ((double[]){1. / 7, 1. / 7, 2. / 7, 2. / 7, 4. / 7, 4. / 7}), 6, tol);
    }
    /* gradient of sum(w * softmax(x)) = s * (w - s.w), by hand for x = (0, ln 3): s = (1/4, 3/4) */
    nb_tensor *x = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){0, log(3.0)}, NB_SHAPE(2)), true);
    nb_tensor *w = t_vals(NB_F64, (const double[]){1, 2}, NB_SHAPE(2));
    /* s.w = 7/4: grad = (1/4 (1 - 7/4), 3/4 (2 - 7/4)) = (-3/16, 3/16) */
    ck_assert_tensor_near(t_grad(nb_sum(nb_mul(nb_softmax(x, 0), w)), x), ((double[]){-3. / 16, 3. / 16}), 2, 1e-14);
    /* log_softmax: grad = w - s * sum(w) = (1 - 3/4, 2 - 9/4) */
    ck_assert_tensor_near(t_grad(nb_sum(nb_mul(nb_log_softmax(x, 0), w)), x), ((double[]){.25, -.25}), 2, 1e-14);
}
END_TEST

START_TEST(test_regression_loss_values)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_tensor *p = t_vals(dt, (const double[]){1, 2, 3}, NB_SHAPE(3));
        nb_tensor *t = t_vals(dt, (const double[]){1, 4, 0}, NB_SHAPE(3));
        ck_assert_tensor_near(nb_mse_loss(p, t, NB_REDUCE_MEAN), ((double[]){13. / 3}), 1, 1e-6);
        ck_assert_int_eq(nb_tensor_ndim(nb_mse_loss(p, t, NB_REDUCE_MEAN)), 0);
        ck_assert_tensor_near(nb_mse_loss(p, t, NB_REDUCE_SUM), ((double[]){13}), 1, 1e-6);
        ck_assert_tensor_near(nb_mse_loss(p, t, NB_REDUCE_NONE), ((double[]){0, 4, 9}), 3, 1e-6);
        ck_assert_tensor_near(nb_mse_loss(p, t, NB_REDUCE_SUM), ((double[]){13}), 1, 1e-6);
    }
    /* d mse / d pred = 2 (p - t) / n */
    nb_tensor *p = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){1, 2, 3}, NB_SHAPE(3)), true);
    nb_tensor *t = t_vals(NB_F64, (const double[]){1, 4, 0}, NB_SHAPE(3));
    ck_assert_tensor_near(t_grad(nb_mse_loss(p, t, NB_REDUCE_MEAN), p), ((double[]){0, -4. / 3, 2}), 3, 1e-14);
    ck_assert_tensor_near(t_grad(nb_mse_loss(p, t, NB_REDUCE_SUM), p), ((double[]){0, -4, 6}), 3, 1e-14);
}
END_TEST

START_TEST(test_classification_loss_values)
{
    double l8_5 = log(8.0 / 5), l2 = log(2.0);
    for (int dt = 0; dt < 2; dt++) {
        double tol = dt == NB_F32 ? 1e-5 : 1e-12;
        nb_tensor *x = t_vals(dt, (const double[]){0, log(2.0), log(5.0), 1000, -1000, 1000}, NB_SHAPE(2, 3));
        nb_tensor *y = t_vals(dt, (const double[]){2, 0}, NB_SHAPE(2));
        ck_assert_tensor_near(nb_cross_entropy_loss(x, y, NB_REDUCE_NONE), ((double[]){l8_5, l2}), 2, tol);
        ck_assert_tensor_near(nb_cross_entropy_loss(x, y, NB_REDUCE_MEAN), ((double[]){(l8_5 + l2) / 2}), 1, tol);
        ck_assert_tensor_near(nb_cross_entropy_loss(x, y, NB_REDUCE_SUM), ((double[]){l8_5 + l2}), 1, tol);
        /* the -1000 class of row 1: loss 2000 + ln 2, finite */
        nb_tensor *y1 = t_vals(dt, (const double[]){0, 1}, NB_SHAPE(2));
        ck_assert_tensor_near(nb_cross_entropy_loss(x, y1, NB_REDUCE_NONE), ((double[]){log(8.0), 2000 + l2}), 2, tol * 1e3);
        /* nll of given log-probabilities */
        nb_tensor *lp = t_vals(dt, (const double[]){-1, -2, -3, -4}, NB_SHAPE(2, 2));
        nb_tensor *yl = t_vals(dt, (const double[]){1, 0}, NB_SHAPE(2));
        ck_assert_tensor_near(nb_nll_loss(lp, yl, NB_REDUCE_NONE), ((double[]){2, 3}), 2, tol);
        ck_assert_tensor_near(nb_nll_loss(lp, yl, NB_REDUCE_MEAN), ((double[]){2.5}), 1, tol);
        ck_assert_tensor_near(nb_nll_loss(lp, yl, NB_REDUCE_SUM), ((double[]){5}), 1, tol);
        /* bce: (0, t 1) ln 2; (1000, 0) 1000; (-1000, 0) 0; (2, .5) 1 + ln(1 + e^-2) */
        nb_tensor *z = t_vals(dt, (const double[]){0, 1000, -1000, 2}, NB_SHAPE(2, 2));
        nb_tensor *t = t_vals(dt, (const double[]){1, 0, 0, .5}, NB_SHAPE(2, 2));
        double b3 = 1 + log1p(exp(-2.0));
        ck_assert_tensor_near(nb_bce_with_logits_loss(z, t, NB_REDUCE_NONE), ((double[]){l2, 1000, 0, b3}), 4, tol * 100);
        ck_assert_tensor_near(nb_bce_with_logits_loss(z, t, NB_REDUCE_SUM), ((double[]){l2 + 1000 + b3}), 1, tol * 1e3);
        ck_assert_tensor_near(nb_bce_with_logits_loss(z, t, NB_REDUCE_MEAN), ((double[]){(l2 + 1000 + b3) / 4}), 1, tol * 1e3);
    }
    /* d ce / d logits = (softmax - onehot) / N */
    nb_tensor *x = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){0, log(2.0), log(5.0), 1000, -1000, 1000}, NB_SHAPE(2, 3)), true);
    nb_tensor *y = t_vals(NB_F64, (const double[]){2, 0}, NB_SHAPE(2));
    ck_assert_tensor_near(t_grad(nb_cross_entropy_loss(x, y, NB_REDUCE_MEAN), x),
                          ((double[]){.0625, .125, -.1875, -.25, 0, .25}), 6, 1e-14);
    /* d nll / d log_probs = -onehot */
    nb_tensor *lp = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){-1, -2, -3, -4}, NB_SHAPE(2, 2)), true);
    ck_assert_tensor_near(t_grad(nb_nll_loss(lp, t_vals(NB_F64, (const double[]){1, 0}, NB_SHAPE(2)), NB_REDUCE_SUM), lp),
                          ((double[]){0, -1, -1, 0}), 4, 0);
    /* d bce / d x = (sigmoid(x) - t) / n; d bce / d t = -x / n */
    nb_tensor *z = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){0, 1000, -1000, 2}, NB_SHAPE(4)), true);
    nb_tensor *t = nb_tensor_set_requires_grad(t_vals(NB_F64, (const double[]){1, 0, 0, .5}, NB_SHAPE(4)), true);
    nb_tensor *loss = nb_bce_with_logits_loss(z, t, NB_REDUCE_MEAN);
    nb_tensor *g[2] = {NULL, NULL};
    ck_assert_int_eq(nb_grad(&loss, 1, (nb_tensor *[]){z, t}, 2, NULL, 0, g), NB_OK);
    double s2 = 1 / (1 + exp(-2.0));
    ck_assert_tensor_near(g[0], ((double[]){-.125, .25, 0, (s2 - .5) / 4}), 4, 1e-14);
    ck_assert_tensor_near(g[1], ((double[]){0, -250, 250, -.5}), 4, 1e-12);
}
END_TEST

START_TEST(test_grad_softmax)
{
    for (int k = K_SOFTMAX; k <= K_LOG_SOFTMAX; k++) {
        nctx c = {.k = k, .axis = 1};
        nb_tensor *x = t_rand(1, NB_SHAPE(3, 4), -2, 2), *y = t_rand(2, NB_SHAPE(2, 3, 2), -2, 2);
        check_nn_grads(&c, &x, 1);
        c.axis = 0;
        check_nn_grads(&c, &y, 1);
        c.axis = -1;
        check_nn_grads(&c, &y, 1);
        /* broadcast: softmax(x + b) with a row vector b */
        nb_tensor *in[2] = {x, t_rand(3, NB_SHAPE(4), -1, 1)};
        c.axis = 1;
        check_nn_grads(&c, in, 2);
        /* large logits */
        nb_tensor *big = t_rand(4, NB_SHAPE(2, 3), 999, 1001);
        ck_assert_grads(f_nn, &big, 1, &c);
    }
}
END_TEST

START_TEST(test_grad_regression_losses)
{
    const nb_reduction reds[] = {NB_REDUCE_MEAN, NB_REDUCE_SUM, NB_REDUCE_NONE};
    for (int r = 0; r < 3; r++) {
        nctx c = {.k = K_MSE, .red = reds[r]};
        nb_tensor *a[2] = {t_rand(5 + r, NB_SHAPE(3, 4), -1, 1), t_rand(15 + r, NB_SHAPE(3, 4), -1, 1)};
        check_nn_grads(&c, a, 2);
        nb_tensor *b[2] = {t_rand(25 + r, NB_SHAPE(5), -1, 1), t_rand(35 + r, NB_SHAPE(5), -1, 1)};
        nb_tensor_set_requires_grad(b[1], false); /* a fixed target */
        check_nn_grads(&c, b, 2);
    }
    nctx c = {.k = K_SSE};
    nb_tensor *a[2] = {t_rand(45, NB_SHAPE(2, 3), -1, 1), t_rand(46, NB_SHAPE(2, 3), -1, 1)};
    check_nn_grads(&c, a, 2);
    nb_tensor *b[2] = {t_rand(47, NB_SHAPE(4, 1), -1, 1), t_rand(48, NB_SHAPE(4, 1), -1, 1)};
    check_nn_grads(&c, b, 2);
}
END_TEST

START_TEST(test_grad_classification_losses)
{
    const nb_reduction reds[] = {NB_REDUCE_MEAN, NB_REDUCE_SUM, NB_REDUCE_NONE};
    for (int r = 0; r < 3; r++) {
        for (int k = K_CE; k <= K_NLL; k++) {
            nctx c = {.k = k, .red = reds[r]};
            set_labels(&c, (const double[]){2, 0, 2, 1}, 4);
            nb_tensor *x = t_rand(50 + r, NB_SHAPE(4, 3), -2, k == K_NLL ? -0.1 : 2);
            check_nn_grads(&c, &x, 1);
            set_labels(&c, (const double[]){4, 1}, 2);
            nb_tensor *y = t_rand(60 + r, NB_SHAPE(2, 5), -2, k == K_NLL ? -0.1 : 2);
            check_nn_grads(&c, &y, 1);
        }
        nctx c = {.k = K_BCE, .red = reds[r]};
        nb_tensor *a[2] = {t_rand(70 + r, NB_SHAPE(3, 4), -3, 3), t_rand(80 + r, NB_SHAPE(3, 4), 0, 1)};
        check_nn_grads(&c, a, 2);
        nb_tensor *b[2] = {t_rand(90 + r, NB_SHAPE(5), -3, 3), t_rand(95 + r, NB_SHAPE(5), 0, 1)};
        nb_tensor_set_requires_grad(b[1], false);
        check_nn_grads(&c, b, 2);
    }
    /* cross-entropy at logits around 1000 */
    nctx c = {.k = K_CE, .red = NB_REDUCE_MEAN};
    set_labels(&c, (const double[]){1, 0}, 2);
    nb_tensor *big = t_rand(99, NB_SHAPE(2, 3), 999, 1001);
    ck_assert_grads(f_nn, &big, 1, &c);
}
END_TEST

/* Counts the chunks an arena asks the system for. */
static void *count_alloc(size_t bytes, void *ctx)
{
    ++*(int *)ctx;
    return malloc(bytes);
}
static void count_release(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}

/* A training step on (64, 10) logits: after the first step the step arena
 * is reused and takes no new memory. */
START_TEST(test_step_no_new_memory)
{
    int chunks = 0;
    nb_allocator al = {count_alloc, count_release, &chunks};
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.chunk_bytes = 1 << 16, .allocator = &al});
    ck_assert_ptr_nonnull(step);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_tensor *w = nb_tensor_set_requires_grad(nb_rand_normal(&rng, NB_F32, NB_SHAPE(20, 10), 0, 0.1), true);
    nb_tensor *xb = nb_rand_normal(&rng, NB_F32, NB_SHAPE(64, 20), 0, 1);
    double lv[64];
    for (int i = 0; i < 64; i++)
        lv[i] = i % 10;
    nb_tensor *labels = t_vals(NB_F32, lv, NB_SHAPE(64));
    nb_arena *prev = nb_arena_use(step);
    int after_first = 0;
    for (int it = 0; it < 5; it++) {
        nb_tensor *loss = nb_cross_entropy_loss(nb_matmul(xb, w), labels, NB_REDUCE_MEAN);
        ck_assert_msg(loss && nb_backward(loss, NULL) == NB_OK, "%s", nb_last_error());
        ck_assert(isfinite(nb_tensor_item(loss)));
        nb_arena_reset(step);
        if (it == 0)
            after_first = chunks;
    }
    ck_assert_int_eq(chunks, after_first);
    nb_arena_use(prev);
    nb_arena_free(step);
}
END_TEST

START_TEST(test_labels_changed_before_backward)
{
    /* backward reads the labels: changing them in place is reported */
    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((double[]){1, 2, 3, 0, 0, 1}, NB_SHAPE(2, 3)), true);
    nb_tensor *y = nb_from_f64((double[]){2, 0}, NB_SHAPE(2));
    nb_tensor *L = nb_cross_entropy_loss(x, y, NB_REDUCE_MEAN);
    ck_assert_ptr_nonnull(L);
    nb_tensor_fill(y, 1.0);
    ck_assert_int_eq(nb_backward(L, NULL), NB_ERR_STATE);
    ck_assert_msg(strstr(nb_last_error(), "modified in place"), "%s", nb_last_error());
    /* unchanged labels: fine */
    nb_tensor *L2 = nb_cross_entropy_loss(x, y, NB_REDUCE_MEAN);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
}
END_TEST

/* The node that picks the labels' entries is named for the function the
 * user called, so changing labels (or gather indices) before backward is
 * reported as that function's, not as an internal "take". */
START_TEST(test_label_pick_named_for_caller)
{
    static const char *const want[] = {"cross_entropy_loss", "nll_loss", "gather_rows"};
    for (int k = 0; k < 3; k++) {
        nb_tensor *z = nb_tensor_set_requires_grad(
            nb_from_f64((const double[]){1, 2, 3, 0, 0, 0}, NB_SHAPE(2, 3)), true);
        nb_tensor *y = nb_from_int(NB_F64, (const int[]){2, 0}, NB_SHAPE(2));
        nb_tensor *loss = k == 0   ? nb_cross_entropy_loss(z, y, NB_REDUCE_SUM)
                          : k == 1 ? nb_nll_loss(nb_log_softmax(z, 1), y, NB_REDUCE_SUM)
                                   : nb_sum(nb_gather_rows(nb_transpose(z), y));
        ck_assert_ptr_nonnull(loss);
        ck_assert_int_eq(nb_tensor_fill(y, 1), NB_OK);
        ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_STATE);
        char msg[96];
        snprintf(msg, sizeof msg, "backward of '%s'", want[k]);
        ck_assert_error(NB_ERR_STATE, msg);
        ck_assert_error(NB_ERR_STATE, "saved tensor 1 was modified in place");
    }
}
END_TEST

START_TEST(test_errors)
{
    nb_tensor *x = t_vals(NB_F64, (const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
    nb_tensor *x32 = t_vals(NB_F32, (const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
    nb_tensor *col = t_vals(NB_F64, (const double[]){1, 2}, NB_SHAPE(2, 1));
    nb_tensor *vec = t_vals(NB_F64, (const double[]){1, 2}, NB_SHAPE(2));
    nb_tensor *y = t_vals(NB_F64, (const double[]){2, 0}, NB_SHAPE(2));
    ck_assert_ptr_null(nb_softmax(x, 2));
    ck_assert_error(NB_ERR_ARG, "softmax: axis 2 is out of range for a 2-d tensor");
    ck_assert_ptr_null(nb_log_softmax(x, -3));
    ck_assert_error(NB_ERR_ARG, "log_softmax: axis -3 is out of range");

    ck_assert_ptr_null(nb_mse_loss(col, vec, NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "mse_loss: pred is 2x1 but target is 2; the shapes must be equal");
    ck_assert_ptr_null(nb_mse_loss(vec, col, NB_REDUCE_SUM));
    ck_assert_error(NB_ERR_SHAPE, "mse_loss: pred is 2 but target is 2x1");
    ck_assert_ptr_null(nb_mse_loss(x, x32, NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_DTYPE, "mse_loss: input 1 is f64 but input 2 is f32");
    ck_assert_ptr_null(nb_mse_loss(x, x, (nb_reduction)7));
    ck_assert_error(NB_ERR_ARG, "mse_loss: reduction 7 is not one of");
    ck_assert_ptr_null(nb_bce_with_logits_loss(x, col, NB_REDUCE_SUM));
    ck_assert_error(NB_ERR_SHAPE, "bce_with_logits_loss: logits is 2x3 but targets is 2x1");

    ck_assert_ptr_null(nb_cross_entropy_loss(x, t_vals(NB_F64, (const double[]){0, 3}, NB_SHAPE(2)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_ARG, "cross_entropy_loss: label 3 in row 1 is out of range for 3 classes (valid 0..2)");
    ck_assert_ptr_null(nb_cross_entropy_loss(x, t_vals(NB_F64, (const double[]){1.5, 0}, NB_SHAPE(2)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_ARG, "cross_entropy_loss: label 1.5 in row 0 is not an integer");
    ck_assert_ptr_null(nb_cross_entropy_loss(x, t_vals(NB_F64, (const double[]){0, -1}, NB_SHAPE(2)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_ARG, "cross_entropy_loss: label -1 in row 1 is out of range");
    ck_assert_ptr_null(nb_cross_entropy_loss(x, t_vals(NB_F64, (const double[]){0, 1, 2}, NB_SHAPE(3)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "cross_entropy_loss: 3 labels for 2 rows");
    ck_assert_ptr_null(nb_cross_entropy_loss(vec, y, NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "cross_entropy_loss: logits must be 2-d (rows x classes: the output of a purelin layer, no softmax), got 2");
    ck_assert_ptr_null(nb_cross_entropy_loss(x32, y, NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_DTYPE, "cross_entropy_loss: the label tensor is f64 but the data is f32");
    ck_assert_ptr_null(nb_cross_entropy_loss(x, x, NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "cross_entropy_loss: the label tensor must be 1-d, got 2x3");
    ck_assert_ptr_null(nb_cross_entropy_loss(x, y, (nb_reduction)-1));
    ck_assert_error(NB_ERR_ARG, "cross_entropy_loss: reduction -1");
    ck_assert_ptr_null(nb_nll_loss(x, t_vals(NB_F64, (const double[]){0, 3}, NB_SHAPE(2)), NB_REDUCE_SUM));
    ck_assert_error(NB_ERR_ARG, "nll_loss: label 3 in row 1 is out of range for 3 classes");
    ck_assert_ptr_null(nb_nll_loss(vec, y, NB_REDUCE_SUM));
    ck_assert_error(NB_ERR_SHAPE, "nll_loss: log_probs must be 2-d");

    ck_assert_sticky(nb_softmax(NULL, 0));
    ck_assert_sticky(nb_log_softmax(NULL, 0));
    ck_assert_sticky(nb_mse_loss(NULL, x, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_mse_loss(x, NULL, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_mse_loss(NULL, x, NB_REDUCE_SUM));
    ck_assert_sticky(nb_cross_entropy_loss(NULL, y, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_cross_entropy_loss(x, NULL, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_nll_loss(NULL, y, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_nll_loss(x, NULL, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_bce_with_logits_loss(NULL, x, NB_REDUCE_MEAN));
    ck_assert_sticky(nb_bce_with_logits_loss(x, NULL, NB_REDUCE_NONE));
}
END_TEST

/* A class label must be an integer in [0, classes): -3, 2.5, NaN and 10 of
 * ten classes are refused by every loss that takes labels, in both dtypes,
 * with the row, the value and the valid range. */
START_TEST(test_labels_integers_in_range)
{
    const double bad[][2] = {{0, -3}, {2.5, 0}, {NAN, 1}, {-NAN, 1}, {1, 10}, {INFINITY, 0}};
    const char *const want[] = {
        "label -3 in row 1 is out of range for 10 classes (valid 0..9)",
        "label 2.5 in row 0 is not an integer (valid 0..9)",
        "label nan in row 0 is not an integer (valid 0..9)",
        "label nan in row 0 is not an integer (valid 0..9)",
        "label 10 in row 1 is out of range for 10 classes (valid 0..9)",
        "label inf in row 0 is not an integer (valid 0..9)",
    };
    char msg[160];
    for (int dt = 0; dt < 2; dt++) {
        nb_dtype type = dt ? NB_F64 : NB_F32;
        nb_tensor *logits = nb_zeros(type, NB_SHAPE(2, 10));
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            nb_tensor *y = t_vals(type, bad[k], NB_SHAPE(2));
            snprintf(msg, sizeof msg, "cross_entropy_loss: %s", want[k]);
            ck_assert_ptr_null(nb_cross_entropy_loss(logits, y, NB_REDUCE_MEAN));
            ck_assert_error(NB_ERR_ARG, msg);
            snprintf(msg, sizeof msg, "nll_loss: %s", want[k]);
            ck_assert_ptr_null(nb_nll_loss(logits, y, NB_REDUCE_SUM));
            ck_assert_error(NB_ERR_ARG, msg);
            /* the training loss of nn passes them on to the same check */
            snprintf(msg, sizeof msg, "cross_entropy_loss: %s", want[k]);
            ck_assert_ptr_null(nb_cross_entropy_loss(logits, y, NB_REDUCE_MEAN));
            ck_assert_error(NB_ERR_ARG, msg);
            nb_clear_error();
        }
        /* the largest and smallest valid labels are taken */
        nb_tensor *ok = t_vals(type, (const double[]){9, 0}, NB_SHAPE(2));
        nb_tensor *l = nb_cross_entropy_loss(logits, ok, NB_REDUCE_MEAN);
        ck_assert_msg(l != NULL, "%s", nb_last_error());
        ck_assert_double_eq_tol(nb_tensor_get(l, 0), log(10.0), 1e-6);
    }
    /* indices of gather_rows go through the same check */
    nb_tensor *table = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    ck_assert_ptr_null(nb_gather_rows(table, t_vals(NB_F64, (const double[]){0.5}, NB_SHAPE(1))));
    ck_assert_error(NB_ERR_ARG, "gather_rows: index 0.5 in position 0 is not an integer (valid 0..1)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_nn");
    TCase *tc = nb_test_case("values");
    tcase_add_test(tc, test_softmax_values);
    tcase_add_test(tc, test_regression_loss_values);
    tcase_add_test(tc, test_classification_loss_values);
    tcase_add_test(tc, test_step_no_new_memory);
    tcase_add_test(tc, test_labels_changed_before_backward);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_label_pick_named_for_caller);
    tcase_add_test(tc, test_labels_integers_in_range);
    suite_add_tcase(s, tc);
    tc = nb_test_case("gradients");
    tcase_add_test(tc, test_grad_softmax);
    tcase_add_test(tc, test_grad_regression_losses);
    tcase_add_test(tc, test_grad_classification_losses);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
