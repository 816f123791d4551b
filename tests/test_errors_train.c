/* Misuse catalogue, models and training: optimizer and training options,
 * data splits and batches, models and their inputs.
 * Entries of docs/errors.md E109..E136 and E160..E161, one test each, in the
 * doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* A 2-3-1 BP network in f64, and 4 samples of 2 features with 1 target. */
static nb_model *net;
static nb_tensor *x4, *y4;

static void train_setup(void)
{
    nb_test_setup();
    net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(net);
    x4 = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
    y4 = nb_from_f64((const double[]){0, 1, 1, 0}, NB_SHAPE(4, 1));
}

static void train_teardown(void)
{
    nb_model_free(net);
    net = NULL;
    nb_test_teardown();
}

/* A 2-3-2 classifier in f64. */
static nb_model *classifier(void)
{
    return nb_bpnet_new((const int64_t[]){2, 3, 2}, 3, NULL, &(nb_bpnet_opts){.dtype = NB_F64});
}

/* nb_train of `net` with SGD on (x4, y4) and `opts`, quietly. */
static int train(const nb_train_opts *opts)
{
    nb_optim *opt = nb_sgd_new(net, NULL);
    ck_assert_ptr_nonnull(opt);
    nb_train_opts o = *opts;
    o.verbose = -1;
    int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x4, .y = y4}, &o, NULL);
    nb_optim_free(opt);
    return rc;
}

/* ---- optimizer options ---- */

START_TEST(e109_sgd_nan_lr)
{
    E_NULL(nb_sgd_new(net, &(nb_sgd_opts){.lr = NAN}), NB_ERR_ARG,
           "nb_sgd_new: lr is nan; expected a finite number > 0");
}
END_TEST

START_TEST(e110_sgd_negative_lr)
{
    E_NULL(nb_sgd_new(net, &(nb_sgd_opts){.lr = -0.1}), NB_ERR_ARG,
           "nb_sgd_new: lr is -0.1; expected a finite number > 0");
}
END_TEST

START_TEST(e111_adam_beta_one)
{
    E_NULL(nb_adam_new(net, &(nb_adam_opts){.beta1 = 1.0}), NB_ERR_ARG,
           "nb_adam_new: beta1 is 1; expected a number in [0, 1)");
}
END_TEST

START_TEST(e112_nesterov_without_momentum)
{
    E_NULL(nb_sgd_new(net, &(nb_sgd_opts){.nesterov = true}), NB_ERR_ARG,
           "nb_sgd_new: Nesterov momentum needs momentum > 0 and no dampening");
}
END_TEST

START_TEST(e113_rprop_bad_factor)
{
    E_NULL(nb_rprop_new(net, &(nb_rprop_opts){.delt_dec = 1.5}), NB_ERR_ARG,
           "nb_rprop_new: delt_dec is 1.5; expected a number in (0, 1)");
}
END_TEST

START_TEST(e114_set_lr_inf)
{
    nb_optim *opt = nb_adam_new(net, NULL);
    int rc = nb_optim_set_lr(opt, INFINITY);
    nb_optim_free(opt);
    ck_assert_int_eq(rc, NB_ERR_ARG);
    E_EXPECT(NB_ERR_ARG, "nb_optim_set_lr: lr is inf; expected a finite number > 0");
}
END_TEST

START_TEST(e115_optim_of_empty_model)
{
    nb_model *empty = nb_model_new(NULL);
    nb_optim *opt = nb_sgd_new(empty, NULL);
    nb_model_free(empty);
    ck_assert_ptr_null(opt);
    E_EXPECT(NB_ERR_STATE, "nb_sgd_new: the model has no parameters (add layers first)");
}
END_TEST

START_TEST(e116_step_after_new_param)
{
    nb_optim *opt = nb_sgd_new(net, NULL);
    ck_assert_ptr_nonnull(nb_model_add_param(net, "extra", NB_SHAPE(2)));
    int rc = nb_optim_step(opt);
    nb_optim_free(opt);
    ck_assert_int_eq(rc, NB_ERR_STATE);
    E_EXPECT(NB_ERR_STATE,
             "nb_optim_step: the model's parameters changed (added after the sgd optimizer was "
             "made: it has state for 13 scalars, the model now 15)");
}
END_TEST

/* ---- training options ---- */

START_TEST(e117_train_negative_batch)
{
    E_FAIL(train(&(nb_train_opts){.batch_size = -8}), NB_ERR_ARG,
           "nb_train: batch_size is -8; expected an integer >= 0");
}
END_TEST

START_TEST(e118_train_negative_epochs)
{
    E_FAIL(train(&(nb_train_opts){.epochs = -1}), NB_ERR_ARG,
           "nb_train: epochs is -1; expected an integer >= 0");
}
END_TEST

START_TEST(e119_train_nan_goal)
{
    E_FAIL(train(&(nb_train_opts){.goal = NAN}), NB_ERR_ARG,
           "nb_train: goal is nan; expected a finite number >= 0");
}
END_TEST

START_TEST(e120_train_rows_differ)
{
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *y3 = nb_zeros(NB_F64, NB_SHAPE(3, 1));
    int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x4, .y = y3},
                      &(nb_train_opts){.verbose = -1}, NULL);
    nb_optim_free(opt);
    ck_assert_int_eq(rc, NB_ERR_SHAPE);
    E_EXPECT(NB_ERR_SHAPE,
             "nb_train: data->y is 3x1 but data->x is 4x2: targets need one row per sample");
}
END_TEST

static nb_tensor *per_row_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    (void)red;
    return nb_square(nb_sub(pred, target)); /* forgot to reduce */
}

START_TEST(e121_train_loss_not_scalar)
{
    nb_optim *opt = nb_sgd_new(net, NULL);
    int rc = nb_train(net, opt, per_row_loss, &(nb_train_data){.x = x4, .y = y4},
                      &(nb_train_opts){.verbose = -1}, NULL);
    nb_optim_free(opt);
    ck_assert_int_eq(rc, NB_ERR_SHAPE);
    E_EXPECT(NB_ERR_SHAPE, "nb_train: the loss has 4 elements; it must be one number");
}
END_TEST

START_TEST(e122_train_label_out_of_range)
{
    nb_model *clf = classifier();
    nb_optim *opt = nb_sgd_new(clf, NULL);
    nb_tensor *labels = nb_from_f64((const double[]){0, 1, 2, 0}, NB_SHAPE(4));
    int rc = nb_train(clf, opt, nb_cross_entropy_loss, &(nb_train_data){.x = x4, .y = labels},
                      &(nb_train_opts){.verbose = -1}, NULL);
    nb_optim_free(opt);
    nb_model_free(clf);
    ck_assert_int_eq(rc, NB_ERR_ARG);
    E_EXPECT(NB_ERR_ARG,
             "nb_train: data->y: label 2 in row 2 is out of range for 2 classes (valid 0..1)");
}
END_TEST

START_TEST(e123_evaluate_label_out_of_range)
{
    nb_model *clf = classifier();
    nb_tensor *labels = nb_from_f64((const double[]){0, 1, 1, -1}, NB_SHAPE(4));
    double loss, acc;
    int rc = nb_model_evaluate(clf, nb_mse_loss, x4, labels, &loss, &acc);
    nb_model_free(clf);
    ck_assert_int_eq(rc, NB_ERR_ARG);
    E_EXPECT(NB_ERR_ARG,
             "nb_model_evaluate: y: label -1 in row 3 is out of range for 2 classes (valid 0..1)");
}
END_TEST

/* ---- splits and batches ---- */

START_TEST(e124_split_negative_fraction)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_split sp;
    nb_divide_opts o = {.train = 0.8, .val = -0.1, .test = 0.3};
    E_FAIL(nb_dividerand(&rng, x4, y4, &o, &sp), NB_ERR_ARG,
           "nb_dividerand: val is -0.1; expected a finite number >= 0");
}
END_TEST

START_TEST(e125_split_nan_fraction)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_split sp;
    nb_divide_opts o = {.train = NAN, .val = 0.2, .test = 0.2};
    E_FAIL(nb_dividerand(&rng, x4, y4, &o, &sp), NB_ERR_ARG,
           "nb_dividerand: train is nan; expected a finite number >= 0");
}
END_TEST

START_TEST(e160_split_infinite_fraction)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_split sp;
    nb_divide_opts o = {.train = INFINITY};
    E_FAIL(nb_dividerand(&rng, x4, y4, &o, &sp), NB_ERR_ARG,
           "nb_dividerand: train is inf; expected a finite number >= 0");
}
END_TEST

START_TEST(e126_batch_size_zero)
{
    nb_batch_iter it;
    E_FAIL(nb_batch_iter_init(&it, x4, y4, &(nb_batch_opts){.batch_size = 0}), NB_ERR_ARG,
           "nb_batch_iter_init: batch_size is 0 (must be > 0)");
}
END_TEST

START_TEST(e127_shuffle_rows_differ)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_FAIL(nb_shuffle_rows(&rng, x4, nb_zeros(NB_F64, NB_SHAPE(3))), NB_ERR_SHAPE,
           "nb_shuffle_rows: x has 4 rows but y has 3; they must pair up");
}
END_TEST

START_TEST(e128_mapminmax_features_differ)
{
    nb_minmax_settings ps;
    ck_assert_int_eq(nb_mapminmax_fit(x4, -1, 1, &ps), NB_OK);
    E_NULL(nb_mapminmax_apply(nb_zeros(NB_F64, NB_SHAPE(4, 3)), &ps), NB_ERR_SHAPE,
           "nb_mapminmax_apply: x has 3 features, the settings were fitted on 2");
}
END_TEST

START_TEST(e161_zscore_three_dims)
{
    nb_zscore_settings ps;
    E_NULL(nb_zscore(nb_zeros(NB_F64, NB_SHAPE(2, 2, 2)), &ps), NB_ERR_SHAPE,
           "nb_zscore: x is 2x2x2; expected (samples, features) or (samples,)");
}
END_TEST

/* ---- models ---- */

START_TEST(e129_bpnet_one_size)
{
    E_NULL(nb_bpnet_new((const int64_t[]){2}, 1, NULL, NULL), NB_ERR_ARG,
           "nb_bpnet_new: need at least 2 sizes (inputs and outputs), got 1");
}
END_TEST

START_TEST(e130_bpnet_zero_size)
{
    E_NULL(nb_bpnet_new((const int64_t[]){2, 0, 1}, 3, NULL, NULL), NB_ERR_ARG,
           "nb_bpnet_new: sizes[1] is 0; every layer size must be >= 1");
}
END_TEST

START_TEST(e131_linear_sizes_chain)
{
    E_FAIL(nb_model_add_linear(net, 3, 2, NB_ACT_PURELIN, NB_INIT_DEFAULT), NB_ERR_SHAPE,
           "nb_model_add_linear: this layer takes 3 inputs but the previous linear layer has 1 "
           "outputs");
}
END_TEST

START_TEST(e132_forward_wrong_columns)
{
    E_NULL(nb_model_forward(net, nb_zeros(NB_F64, NB_SHAPE(4, 3))), NB_ERR_SHAPE,
           "nb_model_forward: x is 4x3 but the first layer expects N x 2");
}
END_TEST

START_TEST(e133_forward_wrong_dtype)
{
    E_NULL(nb_model_forward(net, nb_zeros(NB_F32, NB_SHAPE(4, 2))), NB_ERR_DTYPE,
           "nb_model_forward: x is f32 but the model's parameters are f64");
}
END_TEST

START_TEST(e134_activation_name)
{
    ck_assert_int_eq(nb_activation_from_name("tanh_sig"), NB_ERR_ARG);
    E_EXPECT(NB_ERR_ARG,
             "nb_activation_from_name: unknown transfer function 'tanh_sig' (known: purelin,");
}
END_TEST

START_TEST(e135_param_name)
{
    E_NULL(nb_model_param(net, "layer3.weight"), NB_ERR_ARG,
           "nb_model_param: no parameter named 'layer3.weight'");
}
END_TEST

START_TEST(e136_duplicate_param)
{
    E_NULL(nb_model_add_param(net, "layer1.weight", NB_SHAPE(2, 3)), NB_ERR_ARG,
           "nb_model_add_param: a parameter named 'layer1.weight' already exists in this model");
}
END_TEST

static Suite *errors_train_suite(void)
{
    Suite *s = suite_create("errors_train");
    TCase *tc = tcase_create("train");
    tcase_add_checked_fixture(tc, train_setup, train_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, e109_sgd_nan_lr);
    tcase_add_test(tc, e110_sgd_negative_lr);
    tcase_add_test(tc, e111_adam_beta_one);
    tcase_add_test(tc, e112_nesterov_without_momentum);
    tcase_add_test(tc, e113_rprop_bad_factor);
    tcase_add_test(tc, e114_set_lr_inf);
    tcase_add_test(tc, e115_optim_of_empty_model);
    tcase_add_test(tc, e116_step_after_new_param);
    tcase_add_test(tc, e117_train_negative_batch);
    tcase_add_test(tc, e118_train_negative_epochs);
    tcase_add_test(tc, e119_train_nan_goal);
    tcase_add_test(tc, e120_train_rows_differ);
    tcase_add_test(tc, e121_train_loss_not_scalar);
    tcase_add_test(tc, e122_train_label_out_of_range);
    tcase_add_test(tc, e123_evaluate_label_out_of_range);
    tcase_add_test(tc, e124_split_negative_fraction);
    tcase_add_test(tc, e125_split_nan_fraction);
    tcase_add_test(tc, e160_split_infinite_fraction);
    tcase_add_test(tc, e126_batch_size_zero);
    tcase_add_test(tc, e127_shuffle_rows_differ);
    tcase_add_test(tc, e128_mapminmax_features_differ);
    tcase_add_test(tc, e161_zscore_three_dims);
    tcase_add_test(tc, e129_bpnet_one_size);
    tcase_add_test(tc, e130_bpnet_zero_size);
    tcase_add_test(tc, e131_linear_sizes_chain);
    tcase_add_test(tc, e132_forward_wrong_columns);
    tcase_add_test(tc, e133_forward_wrong_dtype);
    tcase_add_test(tc, e134_activation_name);
    tcase_add_test(tc, e135_param_name);
    tcase_add_test(tc, e136_duplicate_param);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_train_suite());
}
