/* Misuse catalogue, MATLAB's training functions and builders: trainlm,
 * trainbr, traingd, traingdm, traingdx, trainscg, the performance
 * functions, fitnet and patternnet, the regression R and the confusion
 * matrix.  Entries of docs/errors.md E280..E305, one test each, in the
 * doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* A 2-3-1 BP network in f64, and 4 samples of 2 features with 1 target. */
static nb_model *net;
static nb_tensor *x4, *y4;
static nb_train_data data;

/* after nb_test_case's own fixture (a fresh current arena) */
static void matlab_setup(void)
{
    net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(net);
    x4 = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
    y4 = nb_from_f64((const double[]){0, 1, 1, 0}, NB_SHAPE(4, 1));
    data = (nb_train_data){.x = x4, .y = y4};
}

static void matlab_teardown(void)
{
    nb_model_free(net);
    net = NULL;
}

/* ---- trainlm and trainbr ---- */

START_TEST(e280_trainlm_mu_above_mu_max)
{
    E_FAIL(nb_trainlm(net, &data, &(nb_trainlm_opts){.mu = 1, .mu_max = 0.5}, NULL), NB_ERR_ARG,
           "nb_trainlm: opts->mu (1) is above opts->mu_max (0.5)");
}
END_TEST

START_TEST(e281_trainlm_mu_inc_one)
{
    E_FAIL(nb_trainlm(net, &data, &(nb_trainlm_opts){.mu_inc = 1}, NULL), NB_ERR_ARG,
           "nb_trainlm: mu_inc is 1");
}
END_TEST

START_TEST(e282_trainlm_mu_dec_one)
{
    E_FAIL(nb_trainbr(net, &data, &(nb_trainlm_opts){.mu_dec = 1.5}, NULL), NB_ERR_ARG,
           "nb_trainbr: mu_dec is 1.5");
}
END_TEST

START_TEST(e283_trainlm_max_bytes)
{
    E_FAIL(nb_trainlm(net, &data, &(nb_trainlm_opts){.max_bytes = 1000}, NULL), NB_ERR_NOMEM,
           "nb_trainlm: the Jacobian (4 errors x 13 parameters) and the 4 x 4 system would "
           "need 1.6 kB (1624 bytes)");
}
END_TEST

START_TEST(e284_trainbr_labels)
{
    nb_tensor *labels = nb_from_int(NB_F64, (const int[]){0, 1, 1, 0}, NB_SHAPE(4));
    E_FAIL(nb_trainbr(net, &(nb_train_data){.x = x4, .y = labels}, NULL, NULL), NB_ERR_SHAPE,
           "nb_trainbr: data->y is 1-D (class labels?); Levenberg-Marquardt trains on N x O "
           "float targets");
}
END_TEST

START_TEST(e285_trainlm_val_half)
{
    E_FAIL(nb_trainlm(net, &(nb_train_data){.x = x4, .y = y4, .val_x = x4}, NULL, NULL),
           NB_ERR_NULL, "nb_trainlm: give both val_x and val_y, or neither");
}
END_TEST

START_TEST(e286_trainlm_no_x)
{
    E_FAIL(nb_trainlm(net, &(nb_train_data){.y = y4}, NULL, NULL), NB_ERR_NULL,
           "nb_trainlm: data->x is NULL (the training set is required)");
}
END_TEST

START_TEST(e287_trainlm_verbose)
{
    E_FAIL(nb_trainlm(net, &data, &(nb_trainlm_opts){.verbose = 2}, NULL), NB_ERR_ARG,
           "nb_trainlm: opts->verbose is 2; expected -1, 0 or 1");
}
END_TEST

START_TEST(e288_trainlm_outputs_differ)
{
    nb_tensor *y2 = nb_from_f64((const double[]){0, 1, 1, 0, 0, 1, 1, 0}, NB_SHAPE(4, 2));
    E_FAIL(nb_trainlm(net, &(nb_train_data){.x = x4, .y = y2}, NULL, NULL), NB_ERR_SHAPE,
           "nb_trainlm: ");
}
END_TEST

/* ---- traingd, traingdm, traingdx ---- */

START_TEST(e289_traingd_negative_lr)
{
    E_FAIL(nb_traingd(net, &data, &(nb_traingd_opts){.lr = -0.1}, NULL), NB_ERR_ARG,
           "nb_traingd: lr is -0.1");
}
END_TEST

START_TEST(e290_traingdm_mc_one)
{
    E_FAIL(nb_traingdm(net, &data, &(nb_traingd_opts){.mc = 1}, NULL), NB_ERR_ARG,
           "nb_traingdm: mc is 1");
}
END_TEST

START_TEST(e291_traingdx_lr_dec_one)
{
    E_FAIL(nb_traingdx(net, &data, &(nb_traingd_opts){.lr_dec = 1}, NULL), NB_ERR_ARG,
           "nb_traingdx: lr_dec is 1");
}
END_TEST

START_TEST(e292_traingdx_max_perf_inc)
{
    E_FAIL(nb_traingdx(net, &data, &(nb_traingd_opts){.max_perf_inc = 0.99}, NULL), NB_ERR_ARG,
           "nb_traingdx: max_perf_inc is 0.99");
}
END_TEST

START_TEST(e293_traingd_negative_epochs)
{
    E_FAIL(nb_traingd(net, &data, &(nb_traingd_opts){.epochs = -2}, NULL), NB_ERR_ARG,
           "nb_traingd: opts->epochs is -2; expected an integer >= 0");
}
END_TEST

/* ---- trainscg and the performance functions ---- */

START_TEST(e294_trainscg_sigma)
{
    E_FAIL(nb_trainscg(net, &data, &(nb_trainscg_opts){.sigma = -1}, NULL), NB_ERR_ARG,
           "nb_trainscg: sigma is -1");
}
END_TEST

START_TEST(e295_trainscg_perf)
{
    E_FAIL(nb_trainscg(net, &data, &(nb_trainscg_opts){.perf = (nb_perf_fn)9}, NULL), NB_ERR_ARG,
           "nb_trainscg: opts->perf is 9; expected NB_PERF_MSE, NB_PERF_SSE or "
           "NB_PERF_CROSSENTROPY");
}
END_TEST

START_TEST(e296_trainscg_labels)
{
    nb_tensor *labels = nb_from_int(NB_F64, (const int[]){0, 1, 1, 0}, NB_SHAPE(4));
    E_FAIL(nb_trainscg(net, &(nb_train_data){.x = x4, .y = labels}, NULL, NULL), NB_ERR_SHAPE,
           "nb_trainscg: data->y is 1-D (class labels?); scaled conjugate gradient trains "
           "on N x O float targets");
}
END_TEST

START_TEST(e297_model_perf_unknown)
{
    double v;
    E_FAIL(nb_model_perf(net, (nb_perf_fn)7, x4, y4, &v), NB_ERR_ARG,
           "nb_model_perf: perf is 7");
}
END_TEST

/* ---- fitnet, patternnet ---- */

START_TEST(e298_fitnet_zero_neurons)
{
    E_NULL(nb_fitnet_new((const int64_t[]){0}, 1, NULL), NB_ERR_ARG,
           "nb_fitnet_new: hidden[0] is 0; every layer needs >= 1 neuron");
}
END_TEST

START_TEST(e299_patternnet_train_fn)
{
    E_NULL(nb_patternnet_new(NULL, 0, &(nb_net_opts){.train_fn = (nb_train_fn)42}), NB_ERR_ARG,
           "nb_patternnet_new: opts->train_fn is 42");
}
END_TEST

START_TEST(e300_fitnet_no_train_share)
{
    E_NULL(nb_fitnet_new(NULL, 0, &(nb_net_opts){.divide = {.val = 1}}), NB_ERR_ARG,
           "nb_fitnet_new: opts->divide.train is 0");
}
END_TEST

START_TEST(e301_patternnet_not_one_hot)
{
    nb_net *pn = nb_patternnet_new(NULL, 0, NULL);
    nb_tensor *t = nb_from_f64((const double[]){1, 0, 1, 1, 0, 1, 1, 0}, NB_SHAPE(4, 2));
    E_FAIL(nb_net_train(pn, x4, t, NULL), NB_ERR_ARG,
           "nb_net_train: row 1 of t has 2 ones; a patternnet's targets are one-hot rows");
    nb_net_free(pn);
}
END_TEST

START_TEST(e302_patternnet_one_column)
{
    nb_net *pn = nb_patternnet_new(NULL, 0, NULL);
    E_FAIL(nb_net_train(pn, x4, y4, NULL), NB_ERR_SHAPE,
           "nb_net_train: a patternnet needs one-hot targets with >= 2 columns");
    nb_net_free(pn);
}
END_TEST

START_TEST(e303_net_predict_untrained)
{
    nb_net *fn = nb_fitnet_new(NULL, 0, NULL);
    E_NULL(nb_net_predict(fn, x4), NB_ERR_STATE,
           "nb_net_predict: the net is not trained yet (call nb_net_train first)");
    nb_net_free(fn);
}
END_TEST

/* ---- regression and confusion ---- */

START_TEST(e304_regression_shapes)
{
    nb_tensor *y3 = nb_from_f64((const double[]){1, 2, 3}, NB_SHAPE(3));
    double r;
    E_FAIL(nb_regression_r(y4, y3, NULL, &r), NB_ERR_SHAPE,
           "nb_regression_r: y is 4x1 and t is 3; expected the same N x O (or N) shape");
}
END_TEST

START_TEST(e305_confusion_classes)
{
    int64_t cm[9];
    E_FAIL(nb_confusion_matrix(y4, y4, 3, cm, NULL), NB_ERR_ARG,
           "nb_confusion_matrix: classes is 3 but y and t are 4x1, which hold 2 classes");
}
END_TEST

static Suite *errors_matlab_suite(void)
{
    Suite *s = suite_create("errors_matlab");
    TCase *tc = nb_test_case("matlab");
    tcase_add_checked_fixture(tc, matlab_setup, matlab_teardown);
    tcase_add_test(tc, e280_trainlm_mu_above_mu_max);
    tcase_add_test(tc, e281_trainlm_mu_inc_one);
    tcase_add_test(tc, e282_trainlm_mu_dec_one);
    tcase_add_test(tc, e283_trainlm_max_bytes);
    tcase_add_test(tc, e284_trainbr_labels);
    tcase_add_test(tc, e285_trainlm_val_half);
    tcase_add_test(tc, e286_trainlm_no_x);
    tcase_add_test(tc, e287_trainlm_verbose);
    tcase_add_test(tc, e288_trainlm_outputs_differ);
    tcase_add_test(tc, e289_traingd_negative_lr);
    tcase_add_test(tc, e290_traingdm_mc_one);
    tcase_add_test(tc, e291_traingdx_lr_dec_one);
    tcase_add_test(tc, e292_traingdx_max_perf_inc);
    tcase_add_test(tc, e293_traingd_negative_epochs);
    tcase_add_test(tc, e294_trainscg_sigma);
    tcase_add_test(tc, e295_trainscg_perf);
    tcase_add_test(tc, e296_trainscg_labels);
    tcase_add_test(tc, e297_model_perf_unknown);
    tcase_add_test(tc, e298_fitnet_zero_neurons);
    tcase_add_test(tc, e299_patternnet_train_fn);
    tcase_add_test(tc, e300_fitnet_no_train_share);
    tcase_add_test(tc, e301_patternnet_not_one_hot);
    tcase_add_test(tc, e302_patternnet_one_column);
    tcase_add_test(tc, e303_net_predict_untrained);
    tcase_add_test(tc, e304_regression_shapes);
    tcase_add_test(tc, e305_confusion_classes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_matlab_suite());
}
