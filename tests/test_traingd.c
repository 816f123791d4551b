/* nabla: tests of traingd, traingdm and traingdx — one step against X -
 * lr·g with g from nb_grad on an independent net built from the flat
 * order, the momentum recurrence against a hand loop, traingdx's adaptive
 * rate on a good and on a bad step and its momentum reset, every stop
 * reason, bad options, and fits (f64 and f32) that reach a stated error. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"
#include "fullbatch_fixtures.h"

/* The net written from the flat order of nabla/nn.h (W1 in x out row-major,
 * b1, W2, b2), its mse on (x, t) and the gradient of that mse with respect
 * to the flat vector X, by nb_grad: independent of the model's backward. */
static double reference_grad(const double *X, nb_tensor *x, nb_tensor *t, double *g)
{
    nb_tensor *p = nb_from_f64(X, NB_SHAPE(NP));
    nb_tensor_set_requires_grad(p, true);
    int64_t o = 0;
    nb_tensor *W1 = nb_reshape(nb_slice(p, 0, o, o + NI * NH), NB_SHAPE(NI, NH));
    o += NI * NH;
    nb_tensor *b1 = nb_slice(p, 0, o, o + NH);
    o += NH;
    nb_tensor *W2 = nb_reshape(nb_slice(p, 0, o, o + NH * NO), NB_SHAPE(NH, NO));
    o += NH * NO;
    nb_tensor *b2 = nb_slice(p, 0, o, o + NO);
    nb_tensor *y = nb_add(nb_matmul(nb_tanh(nb_add(nb_matmul(x, W1), b1)), W2), b2);
    nb_tensor *loss = nb_mse_loss(y, t, NB_REDUCE_MEAN);
    nb_tensor *gt = NULL;
    ck_assert_msg(nb_grad(&loss, 1, &p, 1, NULL, 0, &gt) == NB_OK, "%s", nb_last_error());
    for (int i = 0; i < NP; i++)
        g[i] = nb_tensor_get(gt, i);
    return nb_tensor_get(loss, 0);
}

static void flat_copy(nb_model *net, double *X)
{
    nb_tensor *flat = nb_model_params_flat(net);
    ck_assert_ptr_nonnull(flat);
    ck_assert_int_eq(nb_tensor_numel(flat), NP);
    memcpy(X, nb_tensor_data_f64(flat), sizeof(double) * NP);
}

START_TEST(test_gd_one_step)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    double X[NP], g[NP];
    flat_copy(net, X);
    double perf0 = reference_grad(X, x, t, g);
    nb_train_record rec;
    int rc = nb_traingd(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_traingd_opts){.epochs = 1, .lr = 0.05, .min_grad = -1,
                                           .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(rec.epochs, 1);
    ck_assert_ptr_null(rec.lr); /* only traingdx records lr, as MATLAB */
    ck_assert_double_eq_tol(rec.train_loss[0], perf0, 1e-14);
    double g2 = 0;
    for (int i = 0; i < NP; i++) {
        X[i] -= 0.05 * g[i];
        g2 += g[i] * g[i];
    }
    ck_assert_double_eq_tol(rec.gradient[0], sqrt(g2), 1e-13);
    ck_assert_tensor_near(nb_model_params_flat(net), X, NP, 1e-14);
    double g1[NP];
    ck_assert_double_eq_tol(rec.train_loss[1], reference_grad(X, x, t, g1), 1e-14);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_gdm_recurrence)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    double X[NP], g[NP], dX[NP] = {0}, perf[4];
    flat_copy(net, X);
    const double lr = 0.2, mc = 0.8;
    for (int e = 0; e < 3; e++) {
        perf[e] = reference_grad(X, x, t, g);
        for (int i = 0; i < NP; i++) {
            dX[i] = mc * dX[i] - (1 - mc) * lr * g[i];
            X[i] += dX[i];
        }
    }
    perf[3] = reference_grad(X, x, t, g);
    nb_train_record rec;
    int rc = nb_traingdm(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_traingd_opts){.epochs = 3, .lr = lr, .mc = mc, .min_grad = -1,
                                            .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.epochs, 3);
    ck_assert_tensor_near(nb_model_params_flat(net), X, NP, 1e-13);
    for (int e = 0; e <= 3; e++)
        ck_assert_double_eq_tol(rec.train_loss[e], perf[e], 1e-13);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* y = w x + b on points of y = 2x + 1: a quadratic perf whose curvature
 * makes a large lr overshoot. */
static nb_model *line_net(void)
{
    return nb_bpnet_new((const int64_t[]){1, 1}, 2, (const nb_activation[]){NB_ACT_PURELIN},
                        &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
}

static void line_data(nb_tensor **x, nb_tensor **t)
{
    double xv[8], tv[8];
    for (int i = 0; i < 8; i++) {
        xv[i] = -1 + 2.0 * i / 7;
        tv[i] = 2 * xv[i] + 1;
    }
    *x = nb_from_f64(xv, NB_SHAPE(8, 1));
    *t = nb_from_f64(tv, NB_SHAPE(8, 1));
}

START_TEST(test_gdx_good_step_raises_lr)
{
    nb_model *net = line_net();
    nb_tensor *x, *t;
    line_data(&x, &t);
    double X0[2];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_train_record rec;
    int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_traingd_opts){.epochs = 1, .lr = 0.1, .min_grad = -1,
                                            .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert(rec.train_loss[1] < rec.train_loss[0]);
    ck_assert_double_eq_tol(rec.lr[0], 0.1, 1e-15);
    ck_assert_double_eq_tol(rec.lr[1], 0.1 * 1.05, 1e-15);
    /* the first step has no momentum yet: dX = -(1 - mc) lr g, mc = 0.9 */
    const double *xv = nb_tensor_data_f64(x), *tv = nb_tensor_data_f64(t);
    double gw = 0, gb = 0;
    for (int i = 0; i < 8; i++) {
        double e = X0[0] * xv[i] + X0[1] - tv[i];
        gw += 2 * e * xv[i] / 8;
        gb += 2 * e / 8;
    }
    const double *X = nb_tensor_data_f64(nb_model_params_flat(net));
    ck_assert_double_eq_tol(X[0], X0[0] - 0.1 * 0.1 * gw, 1e-14);
    ck_assert_double_eq_tol(X[1], X0[1] - 0.1 * 0.1 * gb, 1e-14);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_gdx_bad_step_is_rejected)
{
    nb_model *net = line_net();
    nb_tensor *x, *t;
    line_data(&x, &t);
    double X0[2];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_train_record rec;
    /* mc 0.5 and lr 40: the step is 20 g, far past the minimum */
    int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_traingd_opts){.epochs = 1, .lr = 40, .mc = 0.5, .min_grad = -1,
                                            .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_double_eq(rec.train_loss[1], rec.train_loss[0]);
    ck_assert_double_eq_tol(rec.lr[1], 40 * 0.7, 1e-12);
    const double *X = nb_tensor_data_f64(nb_model_params_flat(net));
    ck_assert_double_eq(X[0], X0[0]);
    ck_assert_double_eq(X[1], X0[1]);
    nb_train_record_free(&rec);
    /* the same step under traingdm is taken, and perf grows past 1.04x */
    ck_assert_int_eq(nb_traingdm(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.epochs = 1, .lr = 40, .mc = 0.5,
                                                    .min_grad = -1, .verbose = -1}, &rec), NB_OK);
    ck_assert(rec.train_loss[1] > 1.04 * rec.train_loss[0]);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* After a rejected step the momentum restarts as dX = -lr g at the lowered
 * rate, so the next step is mc(-lr g) - (1 - mc) lr g = -lr g (without the
 * reset it would be mc times the rejected step minus (1 - mc) lr g).  With
 * lr 1.5 and mc 0.1 on the line, epoch 1 is rejected and epoch 2 kept. */
START_TEST(test_gdx_momentum_reset)
{
    nb_model *net = line_net();
    nb_tensor *x, *t;
    line_data(&x, &t);
    const double lr = 1.5, mc = 0.1;
    double X0[2];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_train_record rec;
    ck_assert_int_eq(nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.epochs = 2, .lr = lr, .mc = mc,
                                                    .min_grad = -1, .verbose = -1}, &rec), NB_OK);
    /* the gradient of mean((w x + b - t)^2) at X0, by hand */
    const double *xv = nb_tensor_data_f64(x), *tv = nb_tensor_data_f64(t);
    double gw = 0, gb = 0;
    for (int i = 0; i < 8; i++) {
        double e = X0[0] * xv[i] + X0[1] - tv[i];
        gw += 2 * e * xv[i] / 8;
        gb += 2 * e / 8;
    }
    ck_assert_double_eq(rec.train_loss[1], rec.train_loss[0]); /* epoch 1 rejected */
    double lr1 = lr * 0.7;
    ck_assert_double_eq_tol(rec.lr[1], lr1, 1e-12);
    ck_assert(rec.train_loss[2] < rec.train_loss[1]); /* epoch 2 kept */
    ck_assert_double_eq_tol(rec.lr[2], lr1 * 1.05, 1e-12);
    const double *X = nb_tensor_data_f64(nb_model_params_flat(net));
    ck_assert_double_eq_tol(X[0], X0[0] - lr1 * gw, 1e-12);
    ck_assert_double_eq_tol(X[1], X0[1] - lr1 * gb, 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_epochs_goal_callback)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    nb_train_record rec;
    ck_assert_int_eq(nb_traingd(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_traingd_opts){.epochs = 3, .min_grad = -1, .verbose = -1},
                                &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Maximum epoch reached.");
    ck_assert_int_eq(rec.epochs, 3);
    ck_assert_int_eq(rec.best_epoch, 3);
    nb_train_record_free(&rec);
    ck_assert_int_eq(nb_traingdm(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.goal = 1e9, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Performance goal met.");
    ck_assert_int_eq(rec.epochs, 0);
    nb_train_record_free(&rec);
    ck_assert_int_eq(nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.min_grad = 1e9, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_int_eq(rec.epochs, 0);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_callback)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    nb_train_record rec;
    int calls = 0;
    ck_assert_int_eq(nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.min_grad = -1, .verbose = -1,
                                                    .callback = stop_at_two,
                                                    .callback_ctx = &calls}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_CALLBACK);
    ck_assert_int_eq(rec.epochs, 2);
    ck_assert_int_eq(calls, 2);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* Exact data for a line: gd converges geometrically, the gradient falls
 * below MATLAB's 1e-5 well before 1000 epochs. */
START_TEST(test_stop_min_grad)
{
    nb_model *net = line_net();
    nb_tensor *x, *t;
    line_data(&x, &t);
    nb_train_record rec;
    ck_assert_int_eq(nb_traingd(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_traingd_opts){.lr = 0.5, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Minimum gradient reached.");
    ck_assert(rec.gradient[rec.epochs] < 1e-5 && rec.gradient[rec.epochs - 1] >= 1e-5);
    ck_assert_int_lt(rec.epochs, 1000);
    const double *X = nb_tensor_data_f64(nb_model_params_flat(net));
    ck_assert_double_eq_tol(X[0], 2, 1e-4);
    ck_assert_double_eq_tol(X[1], 1, 1e-4);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* Too large a rate for traingd (no rejection): perf overflows. */
START_TEST(test_stop_not_finite)
{
    nb_model *net = line_net();
    nb_tensor *x, *t;
    line_data(&x, &t);
    nb_train_record rec;
    ck_assert_int_eq(nb_traingd(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_traingd_opts){.lr = 1000, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_NOT_FINITE);
    ck_assert(!isfinite(rec.train_loss[rec.epochs]));
    ck_assert_int_lt(rec.epochs, 1000);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_validation)
{
    nb_model *net = sine_net(NB_F64, 8);
    nb_tensor *x, *t, *vx, *vt, *sx, *st;
    sine_data(20, 0, 1, &x, &t);
    sine_data(10, 0.1, -1, &vx, &vt); /* the opposite function: fitting x makes it worse */
    sine_data(10, 0.05, 1, &sx, &st);
    nb_train_record rec;
    int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt,
                                               .test_x = sx, .test_y = st},
                         &(nb_traingd_opts){.max_fail = 3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_validation_stop(rec, net, vx, vt);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_fit_reaches_goal)
{
    nb_model *net = sine_net(NB_F64, 10);
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    nb_train_record rec;
    int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_traingd_opts){.epochs = 20000, .goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_msg(rec.stop == NB_STOP_GOAL, "stop %s after %d epochs, perf %g",
                  nb_stop_reason_name(rec.stop), rec.epochs, rec.train_loss[rec.epochs]);
    double mse;
    ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, x, t, &mse, NULL), NB_OK);
    ck_assert(mse <= 1e-3);
    ck_assert_double_eq_tol(mse, rec.train_loss[rec.epochs], 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* An f32 model: the gradient comes back from its f32 buffer, the step is
 * taken in f64 and rounded into the parameters. */
START_TEST(test_fit_f32_model)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){1, 10, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F32, .seed = 3});
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    x = nb_cast(x, NB_F32);
    t = nb_cast(t, NB_F32);
    nb_train_record rec;
    int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_traingd_opts){.epochs = 20000, .goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_msg(rec.stop == NB_STOP_GOAL, "stop %s after %d epochs, perf %g",
                  nb_stop_reason_name(rec.stop), rec.epochs, rec.train_loss[rec.epochs]);
    double mse;
    ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, x, t, &mse, NULL), NB_OK);
    ck_assert_double_eq_tol(mse, rec.train_loss[rec.epochs], 1e-6);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_display)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_traingdx(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_traingd_opts){.epochs = 4, .show = 2, .verbose = 1,
                                                    .out = f}, NULL), NB_OK);
    char buf[2048];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    ck_assert_msg(strstr(buf, "Epoch 0/4, Time ") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, ", Lr 0.01") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Epoch 2/4") != NULL && strstr(buf, "Epoch 1/4") == NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Training with TRAINGDX completed: Maximum epoch reached.") != NULL,
                  "%s", buf);
    nb_model_free(net);
}
END_TEST

typedef int (*gd_fn)(nb_model *, const nb_train_data *, const nb_traingd_opts *,
                     nb_train_record *);

static void bad(gd_fn fn, const char *api, nb_model *net, const nb_train_data *d,
                nb_traingd_opts o, const char *needle)
{
    nb_train_record rec;
    o.verbose = -1;
    ck_assert_int_eq(fn(net, d, &o, &rec), NB_ERR_ARG);
    char want[128];
    snprintf(want, sizeof want, "%s: %s", api, needle);
    ck_assert_error(NB_ERR_ARG, want);
    ck_assert_ptr_null(rec.train_loss);
    ck_assert_int_eq(rec.stop, NB_STOP_NONE);
}

START_TEST(test_bad_options)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    nb_train_data d = {.x = x, .y = t};
    bad(nb_traingd, "nb_traingd", net, &d, (nb_traingd_opts){.lr = -0.1}, "lr is -0.1");
    bad(nb_traingdm, "nb_traingdm", net, &d, (nb_traingd_opts){.mc = 1}, "mc is 1");
    bad(nb_traingdm, "nb_traingdm", net, &d, (nb_traingd_opts){.mc = -0.5}, "mc is -0.5");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.mc = 1.5}, "mc is 1.5");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.lr_dec = 1}, "lr_dec is 1");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.lr_inc = 0.9}, "lr_inc is 0.9");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.lr_inc = 1}, "lr_inc is 1");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.max_perf_inc = 0.99},
        "max_perf_inc is 0.99");
    bad(nb_traingdx, "nb_traingdx", net, &d, (nb_traingd_opts){.goal = -1}, "goal is -1");
    bad(nb_traingd, "nb_traingd", net, &d, (nb_traingd_opts){.epochs = -2},
        "opts->epochs is -2");
    bad(nb_traingd, "nb_traingd", net, &d, (nb_traingd_opts){.min_grad = NAN}, "min_grad is");
    /* options traingd does not use are not checked by it */
    nb_train_record rec;
    ck_assert_int_eq(nb_traingd(net, &d, &(nb_traingd_opts){.epochs = 1, .mc = 5, .verbose = -1},
                                &rec), NB_OK);
    nb_train_record_free(&rec);
    /* class labels are refused: these fit squared errors */
    nb_tensor *labels = nb_from_int(NB_F64, (const int[]){0, 1, 0, 1, 0}, NB_SHAPE(5));
    ck_assert_int_eq(nb_traingdx(net, &(nb_train_data){.x = x, .y = labels}, NULL, NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_traingdx: data->y is 1-D");
    ck_assert_int_eq(nb_traingdm(NULL, &d, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_traingdm: model is NULL");
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traingd");
    TCase *tc = nb_test_case("steps");
    tcase_add_test(tc, test_gd_one_step);
    tcase_add_test(tc, test_gdm_recurrence);
    tcase_add_test(tc, test_gdx_good_step_raises_lr);
    tcase_add_test(tc, test_gdx_bad_step_is_rejected);
    tcase_add_test(tc, test_gdx_momentum_reset);
    suite_add_tcase(s, tc);
    tc = nb_test_case("stops");
    tcase_add_test(tc, test_stop_epochs_goal_callback);
    tcase_add_test(tc, test_stop_callback);
    tcase_add_test(tc, test_stop_min_grad);
    tcase_add_test(tc, test_stop_not_finite);
    tcase_add_test(tc, test_stop_validation);
    suite_add_tcase(s, tc);
    tc = nb_test_case("use");
    tcase_add_test(tc, test_fit_reaches_goal);
    tcase_add_test(tc, test_fit_f32_model);
    tcase_add_test(tc, test_display);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
