/* nabla: tests of src/nn — the parameter registry and its contiguous
 * buffers, layers and the BP network's forward values, transfer functions,
 * initialisers, a user-defined layer, and bad inputs. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

static nb_tensor *p_set(nb_model *m, const char *name, const double *v, int64_t n)
{
    nb_tensor *t = nb_model_param(m, name);
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_numel(t), n);
    double *d = nb_tensor_data_f64(t);
    for (int64_t i = 0; i < n; i++)
        d[i] = v[i];
    nb_tensor_bump_version(t);
    return t;
}

START_TEST(test_registry_counts_and_lookup)
{
    nb_model *m = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, NULL);
    ck_assert_msg(m != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_model_num_params(m), 4);
    ck_assert_int_eq(nb_model_num_scalars(m), 2 * 3 + 3 + 3 * 1 + 1);
    ck_assert_int_eq(nb_model_num_layers(m), 2);
    const char *names[] = {"layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"};
    const int64_t numels[] = {6, 3, 3, 1};
    nb_tensor *flat = nb_model_params_flat(m), *gflat = nb_model_grads_flat(m);
    ck_assert_ptr_nonnull(flat);
    ck_assert_ptr_nonnull(gflat);
    ck_assert_int_eq(nb_tensor_numel(flat), 13);
    int64_t off = 0;
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(nb_model_param_name(m, i), names[i]);
        nb_tensor *p = nb_model_param(m, names[i]);
        ck_assert_ptr_eq(p, nb_model_param_at(m, i));
        ck_assert_str_eq(nb_tensor_name(p), names[i]);
        ck_assert_int_eq(nb_tensor_numel(p), numels[i]);
        ck_assert(nb_tensor_requires_grad(p));
        /* every parameter and its gradient is a view into the flat buffers */
        ck_assert_ptr_eq(nb_tensor_data_f32(p), nb_tensor_data_f32(flat) + off);
        ck_assert_ptr_eq(nb_tensor_data_f32(nb_tensor_grad(p)), nb_tensor_data_f32(gflat) + off);
        off += numels[i];
    }
    nb_tensor *w1 = nb_model_param(m, "layer1.weight");
    ck_assert_int_eq(nb_tensor_ndim(w1), 2);
    ck_assert_int_eq(nb_tensor_dim(w1, 0), 2);
    ck_assert_int_eq(nb_tensor_dim(w1, 1), 3);
    ck_assert_ptr_null(nb_model_param(m, "layer3.weight"));
    ck_assert_error(NB_ERR_ARG, "layer3.weight");
    ck_assert_ptr_null(nb_model_param_at(m, 4));
    ck_assert_ptr_null(nb_model_param_at(m, -1));
    ck_assert_ptr_null(nb_model_add_param(m, "layer1.bias", 1, (const int64_t[]){3}));
    ck_assert_error(NB_ERR_ARG, "already exists");
    ck_assert_ptr_null(nb_model_add_param(m, "", 1, (const int64_t[]){3}));
    ck_assert_error(NB_ERR_ARG, "empty");
    ck_assert_ptr_null(nb_model_add_param(m, "z", 1, (const int64_t[]){0}));
    ck_assert_error(NB_ERR_SHAPE, "no elements");
    ck_assert_int_eq(nb_model_num_params(NULL), -1);
    nb_model_free(m);
}
END_TEST

START_TEST(test_add_param_after_gather_regathers)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    nb_tensor *a = nb_model_add_param(m, "a", 1, (const int64_t[]){2});
    ck_assert_ptr_nonnull(a);
    nb_tensor_data_f64(a)[0] = 1.5;
    nb_tensor_data_f64(a)[1] = -2.5;
    ck_assert_ptr_nonnull(nb_model_params_flat(m));
    nb_tensor *b = nb_model_add_param(m, "b", 2, (const int64_t[]){1, 3});
    ck_assert_ptr_nonnull(b);
    nb_tensor *flat = nb_model_params_flat(m);
    const double want[] = {1.5, -2.5, 0, 0, 0};
    ck_assert_tensor_near(flat, want, 5, 0);
    ck_assert_ptr_eq(nb_tensor_data_f64(b), nb_tensor_data_f64(flat) + 2);
    ck_assert_int_eq(nb_model_num_scalars(m), 5);
    nb_model_free(m);
}
END_TEST

/* y = tanh(x W1 + b1) W2 + b2, computed from the formula. */
START_TEST(test_bpnet_forward_values_and_backward)
{
    nb_model *m = nb_bpnet_new((const int64_t[]){2, 2, 1}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 7});
    ck_assert_ptr_nonnull(m);
    const double W1[] = {0.5, -1, 1, 2}, b1[] = {0.1, -0.2}, W2[] = {1, -1}, b2[] = {0.3};
    p_set(m, "layer1.weight", W1, 4);
    p_set(m, "layer1.bias", b1, 2);
    p_set(m, "layer2.weight", W2, 2);
    p_set(m, "layer2.bias", b2, 1);
    const double xv[] = {1, 2, -1, 0.5};
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(2, 2));
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(y, 0), 2);
    ck_assert_int_eq(nb_tensor_dim(y, 1), 1);
    double want[2], h[2][2];
    for (int r = 0; r < 2; r++) {
        for (int j = 0; j < 2; j++)
            h[r][j] = tanh(xv[2 * r] * W1[j] + xv[2 * r + 1] * W1[2 + j] + b1[j]);
        want[r] = h[r][0] * W2[0] + h[r][1] * W2[1] + b2[0];
    }
    ck_assert_tensor_near(y, want, 2, 1e-12);
    /* d(sum y)/d b2 = rows; d/d W2[j] = sum_r h[r][j] */
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_OK);
    const double gb2[] = {2}, gW2[] = {h[0][0] + h[1][0], h[0][1] + h[1][1]};
    ck_assert_tensor_near(nb_tensor_grad(nb_model_param(m, "layer2.bias")), gb2, 1, 1e-12);
    ck_assert_tensor_near(nb_tensor_grad(nb_model_param(m, "layer2.weight")), gW2, 2, 1e-12);
    /* the same numbers seen through the flat gradient buffer */
    nb_tensor *g = nb_model_grads_flat(m);
    ck_assert_double_eq_tol(nb_tensor_get(g, 8), 2.0, 1e-12);
    ck_assert_int_eq(nb_model_zero_grad(m), NB_OK);
    for (int i = 0; i < 9; i++)
        ck_assert_double_eq(nb_tensor_get(g, i), 0.0);
    nb_model_free(m);
}
END_TEST

START_TEST(test_activations)
{
    ck_assert_int_eq(nb_activation_from_name("tansig"), NB_ACT_TANSIG);
    ck_assert_int_eq(nb_activation_from_name("sigmoid"), NB_ACT_LOGSIG);
    ck_assert_int_eq(nb_activation_from_name("relu"), NB_ACT_POSLIN);
    ck_assert_int_eq(nb_activation_from_name("purelin"), NB_ACT_PURELIN);
    ck_assert_int_eq(nb_activation_from_name("softmax"), NB_ACT_SOFTMAX);
    ck_assert_int_lt(nb_activation_from_name("tansigg"), 0);
    ck_assert_error(NB_ERR_ARG, "unknown transfer function 'tansigg'");
    ck_assert_str_eq(nb_activation_name(NB_ACT_LOGSIG), "logsig");
    ck_assert_str_eq(nb_activation_name((nb_activation)42), "unknown");

    const double xv[] = {-2, 0, 1, 3};
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(2, 2));
    double want[4];
    for (int i = 0; i < 4; i++)
        want[i] = 1 / (1 + exp(-xv[i]));
    ck_assert_tensor_near(nb_activate(NB_ACT_LOGSIG, x), want, 4, 1e-14);
    for (int i = 0; i < 4; i++)
        want[i] = xv[i] > 0 ? xv[i] : 0;
    ck_assert_tensor_near(nb_activate(NB_ACT_POSLIN, x), want, 4, 0);
    for (int i = 0; i < 4; i++)
        want[i] = tanh(xv[i]);
    ck_assert_tensor_near(nb_activate(NB_ACT_TANSIG, x), want, 4, 1e-15);
    ck_assert_ptr_eq(nb_activate(NB_ACT_PURELIN, x), x);
    /* softmax by rows: e^x / sum e^x */
    for (int r = 0; r < 2; r++) {
        double s = exp(xv[2 * r]) + exp(xv[2 * r + 1]);
        want[2 * r] = exp(xv[2 * r]) / s;
        want[2 * r + 1] = exp(xv[2 * r + 1]) / s;
    }
    ck_assert_tensor_near(nb_activate(NB_ACT_SOFTMAX, x), want, 4, 1e-15);
    /* no overflow far out */
    nb_tensor *big = nb_from_f64((const double[]){1000, 0}, NB_SHAPE(1, 2));
    const double wb[] = {1, 0};
    ck_assert_tensor_near(nb_activate(NB_ACT_SOFTMAX, big), wb, 2, 1e-300);
    ck_assert_ptr_null(nb_activate((nb_activation)99, x));
    ck_assert_error(NB_ERR_ARG, "unknown activation 99");
    ck_assert_ptr_null(nb_activate(NB_ACT_TANSIG, NULL));
}
END_TEST

/* Each activation differentiated by the engine matches central differences. */
static nb_tensor *act_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return nb_activate(*(nb_activation *)ctx, in[0]);
}

START_TEST(test_activation_gradients)
{
    nb_activation acts[] = {NB_ACT_TANSIG, NB_ACT_LOGSIG, NB_ACT_SOFTMAX, NB_ACT_SOFTPLUS,
                            NB_ACT_SQUARE};
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3, 4), -2, 2), true);
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        nb_gradcheck_result res;
        ck_assert_int_eq(nb_gradcheck(act_fn, &x, 1, &acts[i], NULL, &res), NB_OK);
        ck_assert_msg(res.passed, "%s: %s", nb_activation_name(acts[i]), res.message);
    }
}
END_TEST

START_TEST(test_nguyen_widrow_norms)
{
    nb_rng rng;
    nb_rng_seed(&rng, 42);
    const int64_t n = 3, h = 5;
    nb_tensor *W = nb_zeros(NB_F64, NB_SHAPE(3, 5)), *b = nb_zeros(NB_F64, NB_SHAPE(5));
    ck_assert_int_eq(nb_init_nguyen_widrow(W, b, &rng), NB_OK);
    double beta = 0.7 * pow((double)h, 1.0 / (double)n);
    for (int64_t j = 0; j < h; j++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++)
            s += nb_tensor_get(W, i * h + j) * nb_tensor_get(W, i * h + j);
        ck_assert_double_eq_tol(sqrt(s), beta, 1e-12);
        ck_assert(fabs(nb_tensor_get(b, j)) <= beta);
    }
    /* reproducible from the seed, different for another seed */
    nb_tensor *W2 = nb_zeros(NB_F64, NB_SHAPE(3, 5)), *b2 = nb_zeros(NB_F64, NB_SHAPE(5));
    nb_rng_seed(&rng, 42);
    nb_init_nguyen_widrow(W2, b2, &rng);
    for (int64_t i = 0; i < 15; i++)
        ck_assert_double_eq(nb_tensor_get(W, i), nb_tensor_get(W2, i));
    nb_rng_seed(&rng, 43);
    nb_init_nguyen_widrow(W2, b2, &rng);
    ck_assert(nb_tensor_get(W, 0) != nb_tensor_get(W2, 0));
    /* the BP builder uses it by default: layer 1 of a 4-10-1 net */
    nb_model *m = nb_bpnet_new((const int64_t[]){4, 10, 1}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_tensor *w1 = nb_model_param(m, "layer1.weight");
    beta = 0.7 * pow(10.0, 1.0 / 4.0);
    for (int64_t j = 0; j < 10; j++) {
        double s = 0;
        for (int64_t i = 0; i < 4; i++)
            s += nb_tensor_get(w1, i * 10 + j) * nb_tensor_get(w1, i * 10 + j);
        ck_assert_double_eq_tol(sqrt(s), beta, 1e-12);
    }
    nb_model_free(m);
    /* errors */
    ck_assert_int_lt(nb_init_nguyen_widrow(W, nb_zeros(NB_F64, NB_SHAPE(4)), &rng), 0);
    ck_assert_error(NB_ERR_SHAPE, "one entry per neuron");
    ck_assert_int_lt(nb_init_nguyen_widrow(W, b, NULL), 0);
    ck_assert_error(NB_ERR_NULL, "rng is NULL");
    ck_assert_int_lt(nb_init_nguyen_widrow(nb_zeros(NB_F64, NB_SHAPE(2, 2, 2)), NULL, &rng), 0);
    ck_assert_error(NB_ERR_SHAPE, "1-D or 2-D");
}
END_TEST

static void moments(nb_tensor *W, double *mean, double *var, double *maxabs)
{
    int64_t n = nb_tensor_numel(W);
    double s = 0, s2 = 0, m = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = nb_tensor_get(W, i);
        s += v;
        s2 += v * v;
        m = fmax(m, fabs(v));
    }
    *mean = s / (double)n;
    *var = s2 / (double)n - *mean * *mean;
    *maxabs = m;
}

START_TEST(test_xavier_and_he)
{
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    const int64_t fi = 200, fo = 300;
    nb_tensor *W = nb_zeros(NB_F64, NB_SHAPE(200, 300));
    double mean, var, mx;
    double a = sqrt(6.0 / (double)(fi + fo));
    ck_assert_int_eq(nb_init_xavier_uniform(W, &rng), NB_OK);
    moments(W, &mean, &var, &mx);
    ck_assert(mx <= a);
    ck_assert_double_eq_tol(var, a * a / 3, 0.03 * a * a / 3);
    ck_assert_int_eq(nb_init_xavier_normal(W, &rng), NB_OK);
    moments(W, &mean, &var, &mx);
    ck_assert_double_eq_tol(var, 2.0 / (double)(fi + fo), 0.03 * 2.0 / (double)(fi + fo));
    ck_assert_double_eq_tol(mean, 0, 0.01);
    ck_assert_int_eq(nb_init_he_normal(W, &rng), NB_OK);
    moments(W, &mean, &var, &mx);
    ck_assert_double_eq_tol(var, 2.0 / (double)fi, 0.03 * 2.0 / (double)fi);
    ck_assert_int_eq(nb_init_he_uniform(W, &rng), NB_OK);
    moments(W, &mean, &var, &mx);
    ck_assert(mx <= sqrt(6.0 / (double)fi));
    ck_assert_int_lt(nb_init_apply((nb_init)77, W, NULL, &rng), 0);
    ck_assert_error(NB_ERR_ARG, "unknown initialiser");
}
END_TEST

/* A user-defined layer: y = tanh(x W + b) + x (a skip connection). */
typedef struct skip_layer {
    nb_tensor *W, *b;
} skip_layer;

static nb_tensor *skip_forward(nb_model *m, nb_tensor *x, void *ctx)
{
    (void)m;
    skip_layer *s = ctx;
    return nb_add(nb_tanh(nb_add(nb_matmul(x, s->W), s->b)), x);
}

START_TEST(test_custom_skip_layer)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 9});
    skip_layer s = {nb_model_add_param(m, "skip.weight", NB_SHAPE(2, 2)),
                    nb_model_add_param(m, "skip.bias", NB_SHAPE(2))};
    ck_assert_ptr_nonnull(s.b);
    ck_assert_int_eq(nb_init_xavier_uniform(s.W, nb_model_rng(m)), NB_OK);
    ck_assert_int_ge(nb_model_add_layer(m, "skip", skip_forward, &s), 0);
    ck_assert_int_ge(nb_model_add_linear(m, 2, 1, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM), 0);
    ck_assert_int_eq(nb_model_num_params(m), 4);
    /* the linear layer is the model's second: named by position, the user layer counts */
    ck_assert_str_eq(nb_model_param_name(m, 2), "layer2.weight");
    const double xv[] = {0.3, -0.7, 1.1, 0.2, -0.4, 0.9};
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(3, 2));
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_backward(nb_sum(y), NULL), NB_OK);
    /* by hand: z = x W + b, y = (tanh z + x) V + c; d(sum y)/db_j = sum_r (1 - tanh² z_rj) V_j */
    const double *W = nb_tensor_data_f64(s.W), *b = nb_tensor_data_f64(s.b);
    const double *V = nb_tensor_data_f64(nb_model_param(m, "layer2.weight"));
    const double c = nb_tensor_get(nb_model_param(m, "layer2.bias"), 0);
    double gb[2] = {0, 0}, want_y[3];
    for (int r = 0; r < 3; r++) {
        want_y[r] = c;
        for (int j = 0; j < 2; j++) {
            double z = xv[2 * r] * W[j] + xv[2 * r + 1] * W[2 + j] + b[j];
            gb[j] += (1 - tanh(z) * tanh(z)) * V[j];
            want_y[r] += (tanh(z) + xv[2 * r + j]) * V[j];
        }
    }
    ck_assert_tensor_near(y, want_y, 3, 1e-12);
    ck_assert_tensor_near(nb_tensor_grad(s.b), gb, 2, 1e-12);
    nb_model_free(m);
}
END_TEST

START_TEST(test_bad_inputs)
{
    ck_assert_ptr_null(nb_bpnet_new(NULL, 3, NULL, NULL));
    ck_assert_error(NB_ERR_NULL, "sizes is NULL");
    ck_assert_ptr_null(nb_bpnet_new((const int64_t[]){2}, 1, NULL, NULL));
    ck_assert_error(NB_ERR_ARG, "at least 2 sizes");
    ck_assert_ptr_null(nb_bpnet_new((const int64_t[]){2, 0, 1}, 3, NULL, NULL));
    ck_assert_error(NB_ERR_ARG, "sizes[1] is 0");
    ck_assert_ptr_null(
        nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, (const nb_activation[]){NB_ACT_TANSIG, 99}, NULL));
    ck_assert_error(NB_ERR_ARG, "acts[1] is 99");
    ck_assert_ptr_null(nb_model_new(&(nb_model_opts){.dtype = (nb_dtype)5}));
    ck_assert_error(NB_ERR_DTYPE, "unknown dtype");

    nb_model *m = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, NULL);
    ck_assert_ptr_nonnull(m);
    nb_tensor *x3 = nb_zeros(NB_F32, NB_SHAPE(4, 3));
    ck_assert_ptr_null(nb_model_forward(m, x3));
    ck_assert_error(NB_ERR_SHAPE, "expects N x 2");
    nb_tensor *xt = nb_zeros(NB_F32, NB_SHAPE(2, 5));
    ck_assert_ptr_null(nb_model_forward(m, xt));
    ck_assert_error(NB_ERR_SHAPE, "transpose x?");
    ck_assert_ptr_null(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(4, 2))));
    ck_assert_error(NB_ERR_DTYPE, "model's parameters are f32");
    nb_clear_error();
    ck_assert_ptr_null(nb_model_forward(m, NULL));
    ck_assert_int_lt(nb_model_add_linear(m, 4, 2, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    ck_assert_error(NB_ERR_SHAPE, "previous linear layer has 1 outputs");
    ck_assert_int_lt(nb_model_add_linear(m, 1, 0, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    ck_assert_error(NB_ERR_ARG, "must be >= 1");
    ck_assert_int_lt(nb_model_add_linear(m, 1, 2, (nb_activation)-3, NB_INIT_DEFAULT), 0);
    ck_assert_error(NB_ERR_ARG, "unknown activation -3");
    ck_assert_int_lt(nb_model_add_activation(m, NB_ACT_COUNT_), 0);
    ck_assert_error(NB_ERR_ARG, "unknown activation");
    ck_assert_int_lt(nb_model_add_layer(m, "x", NULL, NULL), 0);
    ck_assert_error(NB_ERR_NULL, "fn is NULL");
    ck_assert_int_lt(nb_model_add_linear(NULL, 1, 2, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    ck_assert_error(NB_ERR_NULL, "model is NULL");
    nb_model_free(m);
    nb_model_free(NULL);

    nb_model *empty = nb_model_new(NULL);
    ck_assert_ptr_null(nb_model_forward(empty, nb_zeros(NB_F32, NB_SHAPE(1, 1))));
    ck_assert_error(NB_ERR_STATE, "no layers");
    ck_assert_ptr_null(nb_model_params_flat(empty));
    ck_assert_error(NB_ERR_STATE, "no parameters");
    nb_model_free(empty);

    ck_assert_ptr_null(nb_mse_loss(nb_zeros(NB_F32, NB_SHAPE(3, 1)), nb_zeros(NB_F32, NB_SHAPE(3)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "pred is 3x1 but target is 3");
}
END_TEST

START_TEST(test_losses)
{
    nb_tensor *p = nb_from_f64((const double[]){1, 2, 3, 4}, NB_SHAPE(2, 2));
    nb_tensor *t = nb_from_f64((const double[]){0, 2, 5, 3}, NB_SHAPE(2, 2));
    ck_assert_double_eq_tol(nb_tensor_item(nb_mse_loss(p, t, NB_REDUCE_MEAN)), (1 + 0 + 4 + 1) / 4.0, 1e-15);
    ck_assert_double_eq_tol(nb_tensor_item(nb_mse_loss(p, t, NB_REDUCE_SUM)), 6.0, 1e-15);
    /* cross-entropy: per row log(sum e^z) - z[label] */
    nb_tensor *z = nb_from_f64((const double[]){1, 2, 3, 0, 0, 0}, NB_SHAPE(2, 3));
    nb_tensor *lab = nb_from_f64((const double[]){2, 0}, NB_SHAPE(2));
    double ce = ((log(exp(1) + exp(2) + exp(3)) - 3) + log(3.0)) / 2;
    ck_assert_double_eq_tol(nb_tensor_item(nb_cross_entropy_loss(z, lab, NB_REDUCE_MEAN)), ce, 1e-14);
    ck_assert_ptr_null(nb_cross_entropy_loss(z, nb_from_f64((const double[]){1, 0}, NB_SHAPE(2, 1)), NB_REDUCE_MEAN));
    ck_assert_error(NB_ERR_SHAPE, "cross_entropy_loss: the label tensor must be 1-d, got 2x1");
}
END_TEST

START_TEST(test_save_and_load)
{
    char path[] = "test_nn_model_XXXXXX"; /* in the build directory */
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    nb_model *a = nb_bpnet_new((const int64_t[]){3, 4, 2}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_model *b = nb_bpnet_new((const int64_t[]){3, 4, 2}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    ck_assert_int_eq(nb_model_save(a, path), NB_OK);
    nb_tensor *fa = nb_model_params_flat(a), *fb = nb_model_params_flat(b);
    ck_assert(nb_tensor_get(fa, 0) != nb_tensor_get(fb, 0));
    uint64_t v = nb_tensor_version(nb_model_param(b, "layer1.weight"));
    ck_assert_int_eq(nb_model_load(b, path), NB_OK);
    for (int64_t i = 0; i < nb_tensor_numel(fa); i++)
        ck_assert_double_eq(nb_tensor_get(fa, i), nb_tensor_get(fb, i));
    ck_assert_uint_gt(nb_tensor_version(nb_model_param(b, "layer1.weight")), v);
    /* another architecture: a clear error, nothing changed */
    nb_model *c = nb_bpnet_new((const int64_t[]){3, 5, 2}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 3});
    double c0 = nb_tensor_get(nb_model_params_flat(c), 0);
    ck_assert_int_lt(nb_model_load(c, path), 0);
    ck_assert_double_eq(nb_tensor_get(nb_model_params_flat(c), 0), c0);
    ck_assert_int_lt(nb_model_load(a, "/nonexistent/dir/model.nb"), 0);
    ck_assert_int_eq(nb_last_status(), NB_ERR_IO);
    ck_assert_int_eq(nb_model_save(NULL, path), NB_ERR_NULL);
    ck_assert_int_eq(nb_model_load(a, NULL), NB_ERR_NULL);
    remove(path);
    nb_model_free(a);
    nb_model_free(b);
    nb_model_free(c);
}
END_TEST

/* The whole BP network is ops, so its gradient (first and second order)
 * checks against finite differences like any op: the loss as a function of
 * the input and of every parameter. */
typedef struct net_ctx {
    nb_model *net;
    nb_tensor *target;
} net_ctx;

static nb_tensor *bpnet_loss(nb_tensor *const *in, int n, void *vctx)
{
    (void)n;
    net_ctx *c = vctx;
    return nb_mse_loss(nb_model_forward(c->net, in[0]), c->target, NB_REDUCE_MEAN);
}

START_TEST(test_bpnet_second_order)
{
    nb_model *net = nb_bpnet_new((int64_t[]){3, 4, 2}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 5});
    ck_assert_ptr_nonnull(net);
    nb_rng rng;
    nb_rng_seed(&rng, 9);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, NB_F64, NB_SHAPE(5, 3), -1, 1), true);
    net_ctx c = {net, nb_rand_uniform(&rng, NB_F64, NB_SHAPE(5, 2), -1, 1)};
    ck_assert_ptr_nonnull(nb_model_forward(net, x)); /* gathers the parameters first */
    int np = nb_model_num_params(net);
    ck_assert_int_eq(np, 4);
    nb_tensor *inputs[5] = {x};
    for (int i = 0; i < np; i++)
        inputs[1 + i] = nb_model_param_at(net, i);
    nb_gradcheck_result r;
    ck_assert_msg(nb_gradcheck(bpnet_loss, inputs, 1 + np, &c, NULL, &r) == NB_OK, "%s", r.message);
    ck_assert_int_eq(r.checked, 15 + 12 + 4 + 8 + 2);
    ck_assert_msg(nb_gradgradcheck(bpnet_loss, inputs, 1 + np, &c, NULL, &r) == NB_OK, "%s",
                  r.message);
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nn");
    TCase *tc = nb_test_case("nn");
    tcase_add_test(tc, test_registry_counts_and_lookup);
    tcase_add_test(tc, test_add_param_after_gather_regathers);
    tcase_add_test(tc, test_bpnet_forward_values_and_backward);
    tcase_add_test(tc, test_activations);
    tcase_add_test(tc, test_activation_gradients);
    tcase_add_test(tc, test_nguyen_widrow_norms);
    tcase_add_test(tc, test_xavier_and_he);
    tcase_add_test(tc, test_custom_skip_layer);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_losses);
    tcase_add_test(tc, test_save_and_load);
    tcase_add_test(tc, test_bpnet_second_order);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
