/* Train/eval mode, model buffers and the dropout, batch norm and layer norm
 * layers: names, what optimizers and files do with buffers, and the two
 * modes through nb_model_forward and through nb_train. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

/* A temporary folder in the build directory, and a file path inside it. */
static char tmpdir[64];
static char tmppath[128];

static const char *tmp_file(const char *name)
{
    if (!tmpdir[0]) {
        strcpy(tmpdir, "test_nn_norm_XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    }
    snprintf(tmppath, sizeof tmppath, "%s/%s", tmpdir, name);
    return tmppath;
}

static void tmp_clean(void)
{
    if (tmpdir[0]) {
        remove(tmppath);
        rmdir(tmpdir);
        tmpdir[0] = 0;
    }
}

static nb_model *model64(uint64_t seed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = seed});
    ck_assert_ptr_nonnull(m);
    return m;
}

START_TEST(test_mode)
{
    nb_model *m = model64(1);
    ck_assert(nb_model_training(m));
    ck_assert(nb_model_set_training(m, false) == true);
    ck_assert(!nb_model_training(m));
    ck_assert(nb_model_set_training(m, false) == false);
    ck_assert(nb_model_set_training(m, true) == false);
    ck_assert(nb_model_training(m));
    ck_assert(!nb_model_training(NULL));
    ck_assert(!nb_model_set_training(NULL, true));
    nb_model_free(m);
}
END_TEST

START_TEST(test_buffers)
{
    nb_model *m = model64(1);
    ck_assert_int_ge(nb_model_add_linear(m, 2, 3, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM), 0);
    int64_t before = nb_model_num_scalars(m);
    nb_tensor *b = nb_model_add_buffer(m, "stats", NB_SHAPE(3));
    ck_assert_ptr_nonnull(b);
    ck_assert(!nb_tensor_requires_grad(b));
    ck_assert_tensor_near(b, ((const double[]){0, 0, 0}), 3, 0);
    ck_assert_int_eq(nb_model_num_buffers(m), 1);
    ck_assert_ptr_eq(nb_model_buffer(m, "stats"), b);
    ck_assert_ptr_eq(nb_model_buffer_at(m, 0), b);
    ck_assert_str_eq(nb_model_buffer_name(m, 0), "stats");
    ck_assert_ptr_null(nb_model_buffer_at(m, 1));
    /* not a parameter: the flat buffers do not grow */
    ck_assert_int_eq(nb_model_num_scalars(m), before);
    ck_assert_int_eq(nb_model_num_params(m), 2);
    ck_assert_ptr_null(nb_model_add_buffer(m, "stats", NB_SHAPE(1)));
    ck_assert_error(NB_ERR_ARG, "a buffer named 'stats' already exists");
    ck_assert_ptr_null(nb_model_add_buffer(m, "layer1.weight", NB_SHAPE(1)));
    ck_assert_error(NB_ERR_ARG, "a parameter named 'layer1.weight' already exists");
    ck_assert_ptr_null(nb_model_buffer(m, "nope"));
    ck_assert_error(NB_ERR_ARG, "no buffer named 'nope'");
    /* an optimizer step with gradients everywhere leaves the buffer alone */
    nb_tensor_fill(b, 2.5);
    nb_optim *opt = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1});
    ck_assert_ptr_nonnull(opt);
    nb_tensor *g = nb_model_grads_flat(m);
    for (int64_t i = 0; i < nb_tensor_numel(g); i++)
        nb_tensor_data_f64(g)[i] = 1;
    double w0 = nb_tensor_get(nb_model_params_flat(m), 0);
    ck_assert_int_eq(nb_optim_step(opt), NB_OK);
    ck_assert_double_eq_tol(nb_tensor_get(nb_model_params_flat(m), 0), w0 - 0.1, 1e-15);
    ck_assert_int_eq(nb_model_zero_grad(m), NB_OK);
    ck_assert_tensor_near(b, ((const double[]){2.5, 2.5, 2.5}), 3, 0);
    nb_optim_free(opt);
    nb_model_free(m);
}
END_TEST

/* linear 3->4 (layer1), batch norm (layer2), tansig (layer3), dropout
 * (layer4), linear 4->2 (layer5) */
static nb_model *bn_net(uint64_t seed, double p)
{
    nb_model *m = model64(seed);
    ck_assert_int_eq(nb_model_add_linear(m, 3, 4, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM), 0);
    ck_assert_int_eq(nb_model_add_batch_norm(m, 4, NULL), 1);
    ck_assert_int_eq(nb_model_add_activation(m, NB_ACT_TANSIG), 2);
    ck_assert_int_eq(nb_model_add_dropout(m, p), 3);
    ck_assert_int_eq(nb_model_add_linear(m, 4, 2, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM), 4);
    return m;
}

START_TEST(test_layer_names)
{
    nb_model *m = bn_net(1, 0.5);
    const char *params[] = {"layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias",
                            "layer5.weight", "layer5.bias"};
    ck_assert_int_eq(nb_model_num_params(m), 6);
    for (int i = 0; i < 6; i++)
        ck_assert_str_eq(nb_model_param_name(m, i), params[i]);
    ck_assert_int_eq(nb_model_num_buffers(m), 2);
    ck_assert_str_eq(nb_model_buffer_name(m, 0), "layer2.running_mean");
    ck_assert_str_eq(nb_model_buffer_name(m, 1), "layer2.running_var");
    /* torch's initial values: weight 1, bias 0, mean 0, var 1 */
    ck_assert_tensor_near(nb_model_param(m, "layer2.weight"), ((const double[]){1, 1, 1, 1}), 4, 0);
    ck_assert_tensor_near(nb_model_param(m, "layer2.bias"), ((const double[]){0, 0, 0, 0}), 4, 0);
    ck_assert_tensor_near(nb_model_buffer(m, "layer2.running_var"), ((const double[]){1, 1, 1, 1}), 4, 0);
    nb_model_free(m);
    /* no_affine: buffers only; layer norm's parameters have its shape */
    nb_model *n = model64(2);
    ck_assert_int_eq(nb_model_add_batch_norm(n, 3, &(nb_batch_norm_opts){.no_affine = true}), 0);
    ck_assert_int_eq(nb_model_num_params(n), 0);
    ck_assert_int_eq(nb_model_num_buffers(n), 2);
    ck_assert_int_eq(nb_model_add_layer_norm(n, NB_SHAPE(2, 3), NULL), 1);
    ck_assert_str_eq(nb_model_param_name(n, 0), "layer2.weight");
    ck_assert_int_eq(nb_tensor_ndim(nb_model_param(n, "layer2.bias")), 2);
    ck_assert_int_lt(nb_model_add_dropout(n, 1.0), 0);
    ck_assert_error(NB_ERR_ARG, "nb_model_add_dropout: p is 1");
    nb_model_free(n);
}
END_TEST

START_TEST(test_dropout_layer_modes)
{
    nb_model *m = model64(3);
    ck_assert_int_eq(nb_model_add_dropout(m, 0.5), 0);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(10, 20));
    nb_tensor *y = nb_model_forward(m, x);
    int zeros = 0;
    for (int64_t i = 0; i < 200; i++) {
        double v = nb_tensor_get(y, i);
        ck_assert(v == 0 || v == 2);
        zeros += v == 0;
    }
    ck_assert_int_gt(zeros, 60);
    ck_assert_int_lt(zeros, 140);
    /* the same seed, the same mask: masks follow the model's RNG */
    nb_model *m2 = model64(3);
    ck_assert_int_eq(nb_model_add_dropout(m2, 0.5), 0);
    nb_tensor *y2 = nb_model_forward(m2, x);
    for (int64_t i = 0; i < 200; i++)
        ck_assert(nb_tensor_get(y, i) == nb_tensor_get(y2, i));
    nb_model_set_training(m, false);
    ck_assert_tensor_near(nb_model_forward(m, x), nb_tensor_data_f64(x), 200, 0);
    nb_model_free(m);
    nb_model_free(m2);
}
END_TEST

START_TEST(test_batch_norm_layer_modes)
{
    nb_model *m = model64(4);
    ck_assert_int_eq(nb_model_add_batch_norm(m, 2, &(nb_batch_norm_opts){.momentum = 0.5, .eps = 1e-12}), 0);
    /* channel 0: 1..4 (mean 2.5, var 1.25, unbiased 5/3); channel 1: 2,2,2,6 */
    nb_tensor *x = nb_from_f64((const double[]){1, 2, 2, 2, 3, 2, 4, 6}, NB_SHAPE(4, 2));
    nb_tensor *y = nb_model_forward(m, x);
    const double a = sqrt(1.25), b = sqrt(3);
    ck_assert_tensor_near(y, ((const double[]){-1.5 / a, -1 / b, -0.5 / a, -1 / b, 0.5 / a, -1 / b,
                                               1.5 / a, 3 / b}), 8, 1e-9);
    nb_tensor *rm = nb_model_buffer(m, "layer1.running_mean"), *rv = nb_model_buffer(m, "layer1.running_var");
    ck_assert_tensor_near(rm, ((const double[]){1.25, 1.5}), 2, 1e-15);
    ck_assert_tensor_near(rv, ((const double[]){0.5 + 5.0 / 6, 2.5}), 2, 1e-15);
    /* evaluation: the running statistics, unchanged by the pass */
    nb_model_set_training(m, false);
    nb_tensor *e = nb_model_forward(m, x);
    const double s0 = sqrt(0.5 + 5.0 / 6), s1 = sqrt(2.5);
    ck_assert_tensor_near(e, ((const double[]){-0.25 / s0, 0.5 / s1, 0.75 / s0, 0.5 / s1,
                                               1.75 / s0, 0.5 / s1, 2.75 / s0, 4.5 / s1}), 8, 1e-9);
    ck_assert_tensor_near(rm, ((const double[]){1.25, 1.5}), 2, 1e-15);
    /* (N, C, L) input through the same layer */
    nb_tensor *x3 = nb_from_f64((const double[]){0, 2, 4, 4, 1, 3, 5, 5}, NB_SHAPE(2, 2, 2));
    ck_assert_tensor_near(nb_model_forward(m, x3),
                          ((const double[]){-1.25 / s0, 0.75 / s0, 2.5 / s1, 2.5 / s1,
                                            -0.25 / s0, 1.75 / s0, 3.5 / s1, 3.5 / s1}), 8, 1e-9);
    nb_model_free(m);
}
END_TEST

START_TEST(test_save_load_buffers)
{
    nb_model *a = bn_net(5, 0.2), *b = bn_net(6, 0.2);
    nb_tensor *x = nb_from_f64((const double[]){1, 0, 2, -1, 3, 1, 0.5, 2, -2, 1, 1, 1},
                               NB_SHAPE(4, 3));
    ck_assert_ptr_nonnull(nb_model_forward(a, x)); /* moves a's running statistics */
    nb_tensor *rma = nb_model_buffer(a, "layer2.running_mean");
    ck_assert(nb_tensor_get(rma, 0) != 0);
    const char *path = tmp_file("model.nb");
    ck_assert_int_eq(nb_model_save(a, path), NB_OK);
    nb_tensor *rmb = nb_model_buffer(b, "layer2.running_mean");
    uint64_t v = nb_tensor_version(rmb);
    ck_assert_int_eq(nb_model_load(b, path), NB_OK);
    for (int k = 0; k < 2; k++)
        for (int64_t i = 0; i < 4; i++)
            ck_assert_double_eq(nb_tensor_get(nb_model_buffer_at(a, k), i),
                                nb_tensor_get(nb_model_buffer_at(b, k), i));
    ck_assert_uint_gt(nb_tensor_version(rmb), v);
    nb_tensor *fa = nb_model_params_flat(a), *fb = nb_model_params_flat(b);
    for (int64_t i = 0; i < nb_tensor_numel(fa); i++)
        ck_assert_double_eq(nb_tensor_get(fa, i), nb_tensor_get(fb, i));
    /* evaluation outputs agree after the load */
    nb_model_set_training(a, false);
    nb_model_set_training(b, false);
    nb_tensor *ya = nb_model_forward(a, x), *yb = nb_model_forward(b, x);
    ck_assert_tensor_near(yb, nb_tensor_data_f64(ya), 8, 0);
    /* a model whose file lacks the buffers: an error, nothing changed */
    nb_model *plain = nb_bpnet_new((const int64_t[]){3, 4, 2}, 3, NULL,
                                   &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    ck_assert_int_eq(nb_model_save(plain, path), NB_OK);
    double before = nb_tensor_get(rmb, 0);
    ck_assert_int_lt(nb_model_load(b, path), 0);
    ck_assert_double_eq(nb_tensor_get(rmb, 0), before);
    nb_model_free(plain);
    nb_model_free(a);
    nb_model_free(b);
    tmp_clean();
}
END_TEST

/* nb_train uses training mode for its steps (batch norm's running
 * statistics move, dropout is on) and evaluation mode for the losses it
 * records, and gives back the model in the caller's mode. */
START_TEST(test_train_modes)
{
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(16, 3), -1, 1);
    nb_tensor *t = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(16, 2), -1, 1);
    for (int user = 0; user < 2; user++) {
        nb_model *m = bn_net(7, 0.5);
        nb_model_set_training(m, user);
        /* the loss at the start, by hand in evaluation mode */
        double want0;
        nb_model_set_training(m, false);
        ck_assert_int_eq(nb_model_evaluate(m, nb_mse_loss, x, t, &want0, NULL), NB_OK);
        /* nb_model_evaluate is in evaluation mode whatever the model's mode */
        nb_model_set_training(m, true);
        double again;
        ck_assert_int_eq(nb_model_evaluate(m, nb_mse_loss, x, t, &again, NULL), NB_OK);
        ck_assert_double_eq(again, want0);
        ck_assert(nb_model_training(m));
        ck_assert_tensor_near(nb_model_buffer(m, "layer2.running_mean"),
                              ((const double[]){0, 0, 0, 0}), 4, 0);
        /* in training mode the same data gives another loss (dropout, batch stats) */
        nb_tensor *l = nb_mse_loss(nb_model_forward(m, x), t, NB_REDUCE_MEAN);
        ck_assert(fabs(nb_tensor_get(l, 0) - want0) > 1e-6);
        nb_model *fresh = bn_net(7, 0.5); /* the same start, stats untouched */
        nb_model_set_training(fresh, user);
        nb_optim *opt = nb_sgd_new(fresh, &(nb_sgd_opts){.lr = 0.05});
        nb_train_record r;
        nb_train_opts o = {.epochs = 3, .verbose = -1, .batch_size = 8, .min_grad = -1};
        ck_assert_int_eq(nb_train(fresh, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = t}, &o, &r),
                         NB_OK);
        ck_assert_double_eq_tol(r.train_loss[0], want0, 1e-12);
        /* 6 training steps moved the running mean off zero */
        nb_tensor *rm = nb_model_buffer(fresh, "layer2.running_mean");
        bool moved = false;
        for (int i = 0; i < 4; i++)
            moved |= nb_tensor_get(rm, i) != 0;
        ck_assert(moved);
        ck_assert(nb_model_training(fresh) == (bool)user);
        nb_train_record_free(&r);
        nb_optim_free(opt);
        nb_model_free(fresh);
        nb_model_free(m);
    }
}
END_TEST

/* What the per-epoch callback of test_train_best_buffers keeps and spoils. */
typedef struct best_probe {
    nb_model *model;
    double mean[4], var[4], w0; /* running statistics and a weight after epoch 1 */
} best_probe;

/* After epoch 1: remember the state, then spoil the output layer so that no
 * later epoch validates better (epoch 1 stays the best). */
static int spoil_after_first(int epoch, const nb_train_record *r, void *ctx)
{
    (void)r;
    best_probe *p = ctx;
    if (epoch != 1)
        return 0;
    nb_tensor *rm = nb_model_buffer(p->model, "layer2.running_mean");
    nb_tensor *rv = nb_model_buffer(p->model, "layer2.running_var");
    for (int i = 0; i < 4; i++) {
        p->mean[i] = nb_tensor_get(rm, i);
        p->var[i] = nb_tensor_get(rv, i);
    }
    nb_tensor *w = nb_model_param(p->model, "layer5.weight");
    p->w0 = nb_tensor_get(w, 0);
    for (int64_t i = 0; i < nb_tensor_numel(w); i++)
        nb_tensor_data_f64(w)[i] = 50.0;
    nb_tensor_bump_version(w);
    return 0;
}

/* Early stopping puts back the best epoch's running statistics with its
 * weights: evaluating the restored model gives the best validation loss. */
START_TEST(test_train_best_buffers)
{
    nb_rng rng;
    nb_rng_seed(&rng, 12);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(32, 3), 1, 3);
    nb_tensor *t = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(32, 2), -1, 1);
    nb_tensor *vx = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(8, 3), 1, 3);
    nb_tensor *vt = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(8, 2), -1, 1);
    nb_model *m = bn_net(8, 0.0);
    nb_optim *opt = nb_sgd_new(m, &(nb_sgd_opts){.lr = 1e-4});
    best_probe probe = {.model = m};
    nb_train_record r;
    nb_train_opts o = {.epochs = 4, .verbose = -1, .batch_size = 8, .min_grad = -1,
                       .max_fail = -1, .callback = spoil_after_first, .callback_ctx = &probe};
    nb_train_data d = {.x = x, .y = t, .val_x = vx, .val_y = vt};
    ck_assert_int_eq(nb_train(m, opt, nb_mse_loss, &d, &o, &r), NB_OK);
    ck_assert_int_eq(r.epochs, 4);
    ck_assert_int_eq(r.best_epoch, 1);
    ck_assert_double_eq(nb_tensor_get(nb_model_param(m, "layer5.weight"), 0), probe.w0);
    /* the later epochs moved the statistics (so the check below means something) */
    ck_assert(probe.mean[0] != 0);
    ck_assert_tensor_near(nb_model_buffer(m, "layer2.running_mean"), probe.mean, 4, 0);
    ck_assert_tensor_near(nb_model_buffer(m, "layer2.running_var"), probe.var, 4, 0);
    double vloss;
    ck_assert_int_eq(nb_model_evaluate(m, nb_mse_loss, vx, vt, &vloss, NULL), NB_OK);
    ck_assert_double_eq_tol(vloss, r.val_loss[1], 1e-12);
    nb_train_record_free(&r);
    nb_optim_free(opt);
    nb_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nn_norm");
    TCase *tc = nb_test_case("nn_norm");
    tcase_add_test(tc, test_mode);
    tcase_add_test(tc, test_buffers);
    tcase_add_test(tc, test_layer_names);
    tcase_add_test(tc, test_dropout_layer_modes);
    tcase_add_test(tc, test_batch_norm_layer_modes);
    tcase_add_test(tc, test_save_load_buffers);
    tcase_add_test(tc, test_train_modes);
    tcase_add_test(tc, test_train_best_buffers);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
