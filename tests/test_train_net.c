/* nabla: tests of MATLAB's builders (fitnet, feedforwardnet, patternnet):
 * a fit in the targets' own units, dividerand's 70/15/15 division, a
 * three-class patternnet trained by trainscg on the cross-entropy; the
 * regression R and the confusion matrix against values worked out by hand;
 * misuse. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"

/* 100 samples of two inputs in large, unlike units; a smooth target in
 * others (mapminmax must bring both into [-1, 1]). */
static void fit_data(nb_tensor **x, nb_tensor **t)
{
    double xv[200], tv[100];
    for (int i = 0; i < 100; i++) {
        double a = sin(0.7 * i) , b = cos(1.9 * i + 0.5);
        xv[2 * i] = 1000 + 500 * a;
        xv[2 * i + 1] = 0.01 * b;
        tv[i] = 50 + 20 * tanh(a + b) + 5 * a * b;
    }
    *x = nb_from_f64(xv, NB_SHAPE(100, 2));
    *t = nb_from_f64(tv, NB_SHAPE(100, 1));
}

START_TEST(test_fitnet_fit_and_division)
{
    nb_tensor *x, *t;
    fit_data(&x, &t);
    nb_net *net = nb_fitnet_new((const int64_t[]){8}, 1, &(nb_net_opts){.seed = 3,
                                                                        .verbose = -1});
    ck_assert_ptr_nonnull(net);
    ck_assert_ptr_null(nb_net_model(net));
    nb_train_record tr;
    int rc = nb_net_train(net, x, t, &tr);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_ptr_nonnull(tr.mu); /* trainlm by default */
    ck_assert_ptr_nonnull(tr.val_loss);
    ck_assert_ptr_nonnull(tr.test_loss);
    nb_model *m = nb_net_model(net);
    ck_assert_int_eq(nb_model_num_scalars(m), 2 * 8 + 8 + 8 + 1);
    ck_assert_int_eq(nb_model_dtype(m), NB_F64);
    /* dividerand: round(0.15 N) for validation and test, the rest trains */
    const int64_t *rows[3];
    int64_t n[3], seen[100] = {0};
    for (int p = 0; p < 3; p++) {
        n[p] = nb_net_division(net, p, &rows[p]);
        for (int64_t i = 0; i < n[p]; i++) {
            ck_assert(i == 0 || rows[p][i] > rows[p][i - 1]);
            seen[rows[p][i]]++;
        }
    }
    ck_assert_int_eq(n[0], 70);
    ck_assert_int_eq(n[1], 15);
    ck_assert_int_eq(n[2], 15);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(seen[i], 1);
    /* outputs in the targets' units */
    nb_tensor *y = nb_net_predict(net, x);
    ck_assert_ptr_nonnull(y);
    double r, mse = 0;
    ck_assert_int_eq(nb_regression_r(y, t, NULL, &r), NB_OK);
    ck_assert_msg(r > 0.99, "R = %g", r);
    for (int i = 0; i < 100; i++)
        mse += pow(nb_tensor_get(y, i) - nb_tensor_get(t, i), 2) / 100;
    ck_assert_msg(mse < 1.0, "mse %g in target units", mse); /* targets span about 50 */
    /* the record is in mapped units: t's range 2 maps to [-1, 1] */
    double tmin = INFINITY, tmax = -INFINITY;
    for (int i = 0; i < 100; i++) {
        tmin = fmin(tmin, nb_tensor_get(t, i));
        tmax = fmax(tmax, nb_tensor_get(t, i));
    }
    double scale = 2 / (tmax - tmin), mse_train = 0;
    for (int64_t i = 0; i < n[0]; i++)
        mse_train += pow((nb_tensor_get(y, rows[0][i]) - nb_tensor_get(t, rows[0][i])) * scale,
                         2) / (double)n[0];
    int be = tr.best_epoch;
    ck_assert_double_eq_tol(mse_train, tr.train_loss[be], 1e-9);
    nb_train_record_free(&tr);
    nb_net_free(net);
}
END_TEST

/* feedforwardnet is fitnet; no_divide trains on every row; other
 * training functions are reachable. */
START_TEST(test_feedforwardnet_options)
{
    nb_tensor *x, *t;
    fit_data(&x, &t);
    nb_net *net = nb_feedforwardnet_new(NULL, 0, &(nb_net_opts){.no_divide = true, .epochs = 30,
                                                                .train_fn = NB_TRAINFCN_SCG,
                                                                .verbose = -1});
    nb_train_record tr;
    ck_assert_int_eq(nb_net_train(net, x, t, &tr), NB_OK);
    ck_assert_ptr_null(tr.mu);
    ck_assert_ptr_null(tr.val_loss);
    ck_assert_int_eq(tr.epochs, 30);
    ck_assert_int_eq(nb_model_num_scalars(nb_net_model(net)), 2 * 10 + 10 + 10 + 1);
    const int64_t *rows;
    ck_assert_int_eq(nb_net_division(net, 0, &rows), 100);
    ck_assert_int_eq(nb_net_division(net, 2, &rows), 0);
    ck_assert_str_eq(nb_train_fn_name(NB_TRAINFCN_SCG), "trainscg");
    nb_train_record_free(&tr);
    /* a second train continues from the trained weights, with the same
     * sizes only */
    ck_assert_int_eq(nb_net_train(net, x, nb_concat((nb_tensor *[]){t, t}, 2, 1), NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_net_train: the net was configured for 2 inputs and 1 "
                                  "outputs");
    nb_net_free(net);
}
END_TEST

/* Three classes around three centres: patternnet (trainscg,
 * crossentropy, softmax) separates them. */
START_TEST(test_patternnet_classes)
{
    double xv[300], tv[450] = {0};
    for (int i = 0; i < 150; i++) {
        int c = i % 3;
        xv[2 * i] = 3.0 * (c == 1) + 0.8 * sin(2.3 * i);
        xv[2 * i + 1] = 3.0 * (c == 2) + 0.8 * cos(1.1 * i);
        tv[3 * i + c] = 1;
    }
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(150, 2)), *t = nb_from_f64(tv, NB_SHAPE(150, 3));
    nb_net *net = nb_patternnet_new((const int64_t[]){5}, 1, &(nb_net_opts){.seed = 1,
                                                                           .verbose = -1});
    nb_train_record tr;
    int rc = nb_net_train(net, x, t, &tr);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_ptr_null(tr.mu);
    nb_tensor *y = nb_net_predict(net, x);
    for (int i = 0; i < 150; i++) /* softmax rows */
        ck_assert_double_eq_tol(nb_tensor_get(y, 3 * i) + nb_tensor_get(y, 3 * i + 1) +
                                nb_tensor_get(y, 3 * i + 2), 1, 1e-12);
    /* the recorded perf is MATLAB's crossentropy of the training rows */
    const int64_t *rows;
    int64_t n = nb_net_division(net, 0, &rows);
    double ce = 0;
    for (int64_t k = 0; k < n; k++)
        for (int c = 0; c < 3; c++)
            ce -= tv[3 * rows[k] + c] * log(nb_tensor_get(y, 3 * rows[k] + c));
    ck_assert_double_eq_tol(ce / (double)(3 * n), tr.train_loss[tr.best_epoch], 1e-9);
    int64_t cm[9];
    double acc;
    ck_assert_int_eq(nb_confusion_matrix(y, t, 3, cm, &acc), NB_OK);
    ck_assert_msg(acc >= 0.95, "accuracy %g", acc);
    ck_assert_int_eq(cm[0] + cm[1] + cm[2], 50);
    nb_train_record_free(&tr);
    nb_net_free(net);
}
END_TEST

START_TEST(test_regression_by_hand)
{
    /* column 0: y = (1, 2, 3), t = (1, 3, 2): deviations (-1, 0, 1) and
     * (-1, 1, 0), R = 1 / sqrt(2 * 2) = 0.5; column 1: y = -2 t + 7, R = -1;
     * over all six values: y = (1, 5, 2, 3, 3, 1), t = (1, 1, 3, 2, 2, 3) */
    nb_tensor *y = nb_from_f64((const double[]){1, 5, 2, 3, 3, 1}, NB_SHAPE(3, 2));
    nb_tensor *t = nb_from_f64((const double[]){1, 1, 3, 2, 2, 3}, NB_SHAPE(3, 2));
    double r[2], all;
    ck_assert_int_eq(nb_regression_r(y, t, r, &all), NB_OK);
    ck_assert_double_eq_tol(r[0], 0.5, 1e-15);
    ck_assert_double_eq_tol(r[1], -1, 1e-15);
    /* means 2.5 and 2; dy = (-1.5, 2.5, -.5, .5, .5, -1.5), dt = (-1, -1, 1, 0, 0, 1):
     * syt = 1.5 - 2.5 - .5 - 1.5 = -3, syy = 11.5, stt = 4 */
    ck_assert_double_eq_tol(all, -3 / sqrt(11.5 * 4), 1e-15);
    nb_tensor *c = nb_from_f64((const double[]){2, 2, 2}, NB_SHAPE(3));
    ck_assert_int_eq(nb_regression_r(c, nb_from_f64((const double[]){1, 2, 3}, NB_SHAPE(3)),
                                     r, NULL), NB_OK);
    ck_assert(isnan(r[0]));
    ck_assert_int_eq(nb_regression_r(y, c, r, NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_regression_r: y is 3x2 and t is 3");
}
END_TEST

START_TEST(test_confusion_by_hand)
{
    /* targets 0, 1, 2, 2, 1; outputs 0, 2, 2, 1 (tie 1/2: the first), 1 */
    nb_tensor *t = nb_from_f64((const double[]){1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0},
                               NB_SHAPE(5, 3));
    nb_tensor *y = nb_from_f64((const double[]){.8, .1, .1, .2, .3, .5, 0, 0, 1, .1, .45, .45,
                                                .3, .6, .1}, NB_SHAPE(5, 3));
    int64_t cm[9];
    double acc;
    ck_assert_int_eq(nb_confusion_matrix(y, t, 3, cm, &acc), NB_OK);
    const int64_t want[9] = {1, 0, 0, 0, 1, 1, 0, 1, 1};
    for (int i = 0; i < 9; i++)
        ck_assert_int_eq(cm[i], want[i]);
    ck_assert_double_eq_tol(acc, 0.6, 1e-15);
    /* one column: class 1 when > 0.5 */
    nb_tensor *t1 = nb_from_f64((const double[]){1, 0, 1, 0}, NB_SHAPE(4, 1));
    nb_tensor *y1 = nb_from_f64((const double[]){.9, .6, .4, .1}, NB_SHAPE(4, 1));
    ck_assert_int_eq(nb_confusion_matrix(y1, t1, 2, cm, &acc), NB_OK);
    ck_assert_int_eq(cm[0], 1); /* t 0, y 0 */
    ck_assert_int_eq(cm[1], 1); /* t 0, y 1 */
    ck_assert_int_eq(cm[2], 1); /* t 1, y 0 */
    ck_assert_int_eq(cm[3], 1);
    ck_assert_double_eq(acc, 0.5);
    ck_assert_int_eq(nb_confusion_matrix(y, t, 4, cm, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_confusion_matrix: classes is 4 but y and t are 5x3");
}
END_TEST

START_TEST(test_misuse)
{
    ck_assert_ptr_null(nb_fitnet_new((const int64_t[]){0}, 1, NULL));
    ck_assert_error(NB_ERR_ARG, "nb_fitnet_new: hidden[0] is 0");
    ck_assert_ptr_null(nb_patternnet_new(NULL, 3, NULL));
    ck_assert_error(NB_ERR_NULL, "nb_patternnet_new: hidden is NULL");
    ck_assert_ptr_null(nb_fitnet_new(NULL, 0, &(nb_net_opts){.train_fn = (nb_train_fn)42}));
    ck_assert_error(NB_ERR_ARG, "nb_fitnet_new: opts->train_fn is 42");
    ck_assert_ptr_null(nb_fitnet_new(NULL, 0, &(nb_net_opts){.divide = {.val = 1}}));
    ck_assert_error(NB_ERR_ARG, "nb_fitnet_new: opts->divide.train is 0");
    nb_net *net = nb_patternnet_new(NULL, 0, NULL);
    nb_tensor *x = nb_from_f64((const double[]){0, 1, 2, 3}, NB_SHAPE(2, 2));
    ck_assert_ptr_null(nb_net_predict(net, x));
    ck_assert_error(NB_ERR_STATE, "nb_net_predict: the net is not trained yet");
    const int64_t *rows;
    ck_assert_int_eq(nb_net_division(net, 0, &rows), NB_ERR_STATE);
    nb_tensor *t = nb_from_f64((const double[]){1, 0, 1, 1}, NB_SHAPE(2, 2));
    ck_assert_int_eq(nb_net_train(net, x, t, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_net_train: row 1 of t has 2 ones");
    ck_assert_int_eq(nb_net_train(net, x, nb_from_f64((const double[]){1, 0}, NB_SHAPE(2, 1)),
                                  NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_net_train: a patternnet needs one-hot targets");
    ck_assert_int_eq(nb_net_train(NULL, x, t, NULL), NB_ERR_NULL);
    nb_net_free(net);
    nb_net_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train_net");
    TCase *tc = nb_test_case("builders");
    tcase_add_test(tc, test_fitnet_fit_and_division);
    tcase_add_test(tc, test_feedforwardnet_options);
    tcase_add_test(tc, test_patternnet_classes);
    suite_add_tcase(s, tc);
    tc = nb_test_case("measures");
    tcase_add_test(tc, test_regression_by_hand);
    tcase_add_test(tc, test_confusion_by_hand);
    tcase_add_test(tc, test_misuse);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
