/* nabla: tests of trainscg — five epochs against Møller's algorithm written
 * again here on gradients from nb_grad of an independent net built from the
 * flat order, the minimum of a quadratic (a linear least-squares fit) in a
 * few epochs, every stop reason, the cross-entropy performance (value by
 * hand, gradient by finite differences, a classification fit), a fit
 * compared with trainlm's, the display and bad options. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"
#include "fullbatch_fixtures.h"

/* The 3-4-2 net from the flat order (W1 in x out row-major, b1, W2, b2),
 * its mse on (x, t) and the gradient by nb_grad. */
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

static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Møller's SCG (1993), steps 1-9, with his restart after every P kept steps
 * (k counted from 1), for `epochs` epochs from X; perf after each in perf[]. */
static void reference_scg(double *X, int epochs, nb_tensor *x, nb_tensor *t, double *perf)
{
    double g[NP], gn[NP], r[NP], p[NP], Xt[NP], tmp[NP];
    double E = reference_grad(X, x, t, g);
    for (int i = 0; i < NP; i++)
        p[i] = r[i] = -g[i];
    double lambda = 5e-7, lambdab = 0, delta = 0;
    int success = 1;
    for (int k = 0; k < epochs; k++) {
        double pp = dot(p, p, NP);
        if (success) {
            double sk = 5e-5 / sqrt(pp);
            for (int i = 0; i < NP; i++)
                Xt[i] = X[i] + sk * p[i];
            reference_grad(Xt, x, t, gn);
            delta = 0;
            for (int i = 0; i < NP; i++)
                delta += p[i] * (gn[i] - g[i]) / sk;
        }
        delta += (lambda - lambdab) * pp;
        if (delta <= 0) {
            lambdab = 2 * (lambda - delta / pp);
            delta = -delta + lambda * pp;
            lambda = lambdab;
        }
        double mu = dot(p, r, NP), alpha = mu / delta;
        for (int i = 0; i < NP; i++)
            Xt[i] = X[i] + alpha * p[i];
        double Et = reference_grad(Xt, x, t, tmp);
        double Delta = 2 * delta * (E - Et) / (mu * mu);
        if (Delta >= 0) {
            memcpy(X, Xt, sizeof Xt);
            memcpy(g, tmp, sizeof tmp);
            E = Et;
            double rn[NP];
            for (int i = 0; i < NP; i++)
                rn[i] = -g[i];
            lambdab = 0;
            success = 1;
            if ((k + 1) % NP == 0) {
                memcpy(p, rn, sizeof rn);
            } else {
                double beta = (dot(rn, rn, NP) - dot(rn, r, NP)) / mu;
                for (int i = 0; i < NP; i++)
                    p[i] = rn[i] + beta * p[i];
            }
            memcpy(r, rn, sizeof rn);
            if (Delta >= 0.75)
                lambda *= 0.25;
        } else {
            lambdab = lambda;
            success = 0;
        }
        if (Delta < 0.25)
            lambda += delta * (1 - Delta) / dot(p, p, NP);
        perf[k] = E;
    }
}

START_TEST(test_scg_matches_moller)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    double X[NP], perf[5], g[NP];
    memcpy(X, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X);
    double perf0 = reference_grad(X, x, t, g);
    reference_scg(X, 5, x, t, perf);
    nb_train_record rec;
    int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_trainscg_opts){.epochs = 5, .min_grad = -1, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(rec.epochs, 5);
    ck_assert_double_eq_tol(rec.train_loss[0], perf0, 1e-14);
    ck_assert_double_eq_tol(rec.gradient[0], sqrt(dot(g, g, NP)), 1e-13);
    for (int k = 0; k < 5; k++)
        ck_assert_double_eq_tol(rec.train_loss[k + 1], perf[k], 1e-12);
    ck_assert(rec.train_loss[5] < rec.train_loss[0]);
    ck_assert_tensor_near(nb_model_params_flat(net), X, NP, 1e-10);
    ck_assert_ptr_null(rec.mu);
    ck_assert_ptr_null(rec.lr);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* y = x W + b on 6 samples: the mse is a quadratic in (W, b) whose minimum
 * is the least-squares fit, solved here from the 3 x 3 normal equations.
 * Conjugate directions reach it in P = 3 epochs. */
START_TEST(test_scg_quadratic_minimum)
{
    double xv[12], tv[6];
    for (int i = 0; i < 6; i++) {
        xv[2 * i] = i - 2.5;
        xv[2 * i + 1] = cos(i);
        tv[i] = 1.5 * xv[2 * i] - 2 * xv[2 * i + 1] + 0.5 + 0.3 * sin(3.0 * i);
    }
    /* normal equations A w = c for w = (W0, W1, b) */
    double A[3][4] = {{0}};
    for (int i = 0; i < 6; i++) {
        double row[3] = {xv[2 * i], xv[2 * i + 1], 1};
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++)
                A[a][b] += row[a] * row[b];
            A[a][3] += row[a] * tv[i];
        }
    }
    for (int c = 0; c < 3; c++) /* Gauss-Jordan, A is positive definite */
        for (int r2 = 0; r2 < 3; r2++)
            if (r2 != c) {
                double f = A[r2][c] / A[c][c];
                for (int k = c; k < 4; k++)
                    A[r2][k] -= f * A[c][k];
            }
    double w[3] = {A[0][3] / A[0][0], A[1][3] / A[1][1], A[2][3] / A[2][2]};
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 1}, 2, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 4});
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(6, 2)), *t = nb_from_f64(tv, NB_SHAPE(6, 1));
    nb_train_record rec;
    /* P = 3 epochs and no more: conjugate directions reach the minimum of a
     * quadratic in P parameters in P steps, up to what the damping lambda
     * (5e-7 |p|^2 added to each curvature) leaves: here the gradient falls
     * from 15 to about 6e-6 in the 3 epochs. */
    int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_trainscg_opts){.epochs = 3, .min_grad = -1, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_msg(rec.stop == NB_STOP_EPOCHS && rec.epochs == 3, "%s after %d epochs",
                  nb_stop_reason_name(rec.stop), rec.epochs);
    ck_assert_msg(rec.gradient[3] < 1e-6 * rec.gradient[0] && rec.gradient[2] > 1e-3 * rec.gradient[0],
                  "gradients %g, %g after 2 and 3 epochs (from %g)", rec.gradient[2], rec.gradient[3],
                  rec.gradient[0]);
    ck_assert_tensor_near(nb_model_params_flat(net), w, 3, 1e-6);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_epochs_goal_callback)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    nb_train_record rec;
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_trainscg_opts){.epochs = 3, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(rec.epochs, 3);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Maximum epoch reached.");
    nb_train_record_free(&rec);
    /* a goal the starting point meets: no step at all */
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_trainscg_opts){.goal = 100, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_int_eq(rec.epochs, 0);
    nb_train_record_free(&rec);
    int calls = 0;
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_trainscg_opts){.min_grad = -1, .verbose = -1,
                                                     .callback = stop_at_two,
                                                     .callback_ctx = &calls}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_CALLBACK);
    ck_assert_int_eq(rec.epochs, 2);
    ck_assert_int_eq(calls, 2);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* The gradient-based stops: MATLAB's min_grad, on the recorded norm, and
 * an exact zero gradient (targets the starting net fits exactly), which
 * stops even with min_grad switched off. */
START_TEST(test_stop_min_grad)
{
    nb_model *net = sine_net(NB_F64, 6);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_train_record rec;
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                                 &(nb_trainscg_opts){.min_grad = 1e-3, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Minimum gradient reached.");
    ck_assert_int_gt(rec.epochs, 0);
    ck_assert(rec.gradient[rec.epochs] < 1e-3);
    for (int e = 0; e < rec.epochs; e++)
        ck_assert(rec.gradient[e] >= 1e-3);
    ck_assert_double_eq(rec.grad_norm, rec.gradient[rec.epochs]);
    nb_train_record_free(&rec);
    nb_model_free(net);

    /* W = b = 0 on x = (-1, 0, 1), t = (1, -2, 1): both sums of the
     * gradient cancel exactly while perf is 2 */
    net = nb_bpnet_new((const int64_t[]){1, 1}, 2, NULL,
                       &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_tensor *flat = nb_model_params_flat(net);
    nb_tensor_fill(flat, 0);
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){
                                     .x = nb_from_f64((const double[]){-1, 0, 1}, NB_SHAPE(3, 1)),
                                     .y = nb_from_f64((const double[]){1, -2, 1}, NB_SHAPE(3, 1))},
                                 &(nb_trainscg_opts){.min_grad = -1, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_double_eq(rec.train_loss[0], 2);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_int_eq(rec.epochs, 0);
    ck_assert_double_eq(rec.gradient[0], 0);
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
    int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt,
                                               .test_x = sx, .test_y = st},
                         &(nb_trainscg_opts){.max_fail = 3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_validation_stop(rec, net, vx, vt);
    double tp;
    ck_assert_int_eq(nb_model_perf(net, NB_PERF_MSE, sx, st, &tp), NB_OK);
    ck_assert_double_eq_tol(tp, rec.test_loss[rec.best_epoch], 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

static int run_quiet(nb_model *net, const nb_train_data *data, nb_train_record *rec)
{
    return nb_trainscg(net, data, &(nb_trainscg_opts){.verbose = -1}, rec);
}

/* perf is Inf from the start: the run stops before any step */
START_TEST(test_stop_not_finite)
{
    check_stop_not_finite(run_quiet);
}
END_TEST

/* A 2-3-2 softmax net and a 2-3-1 logsig net on 4 samples: MATLAB's
 * crossentropy by hand from the outputs. */
START_TEST(test_crossentropy_value)
{
    nb_tensor *x = nb_from_f64((const double[]){0.1, -0.4, 0.8, 0.3, -0.6, 0.9, 0.2, 0.2},
                               NB_SHAPE(4, 2));
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 2}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_SOFTMAX},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_tensor *t = nb_from_f64((const double[]){1, 0, 0, 1, 0, 1, 1, 0}, NB_SHAPE(4, 2));
    const double *tv = nb_tensor_data_f64(t);
    const double *y = nb_tensor_data_f64(nb_model_forward(net, x));
    double want = 0;
    for (int i = 0; i < 8; i++)
        want -= tv[i] * log(y[i]);
    double got;
    ck_assert_int_eq(nb_model_perf(net, NB_PERF_CROSSENTROPY, x, t, &got), NB_OK);
    ck_assert_double_eq_tol(got, want / 8, 1e-14);
    nb_model_free(net);

    net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3,
                       (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_LOGSIG},
                       &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_tensor *t1 = nb_from_f64((const double[]){1, 0, 0, 1}, NB_SHAPE(4, 1));
    tv = nb_tensor_data_f64(t1);
    y = nb_tensor_data_f64(nb_model_forward(net, x));
    want = 0;
    for (int i = 0; i < 4; i++)
        want -= tv[i] * log(y[i]) + (1 - tv[i]) * log(1 - y[i]);
    ck_assert_int_eq(nb_model_perf(net, NB_PERF_CROSSENTROPY, x, t1, &got), NB_OK);
    ck_assert_double_eq_tol(got, want / 4, 1e-14);
    ck_assert_int_eq(nb_model_perf(net, NB_PERF_SSE, x, t1, &got), NB_OK);
    want = 0;
    for (int i = 0; i < 4; i++)
        want += (y[i] - tv[i]) * (y[i] - tv[i]);
    ck_assert_double_eq_tol(got, want, 1e-14);
    ck_assert_int_eq(nb_model_perf(net, (nb_perf_fn)7, x, t1, &got), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_model_perf: perf is 7");
    ck_assert_str_eq(nb_perf_fn_name(NB_PERF_CROSSENTROPY), "crossentropy");
    nb_model_free(net);
}
END_TEST

/* Two classes on either side of a curve, one-hot targets: the recorded
 * gradient of the cross-entropy matches central differences of
 * nb_model_perf, and training classifies every sample. */
START_TEST(test_crossentropy_fit)
{
    double xv[80], tv[80];
    for (int i = 0; i < 40; i++) {
        double a = sin(1.3 * i), b = cos(2.1 * i + 0.4);
        int c = b > 0.5 * a;
        xv[2 * i] = a;
        xv[2 * i + 1] = b + (c ? 0.2 : -0.2);
        tv[2 * i] = c;
        tv[2 * i + 1] = 1 - c;
    }
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(40, 2)), *t = nb_from_f64(tv, NB_SHAPE(40, 2));
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 5, 2}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_SOFTMAX},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 5});
    nb_tensor *flat = nb_model_params_flat(net);
    double *X = nb_tensor_data_f64(flat);
    int P = (int)nb_tensor_numel(flat);
    double g2 = 0;
    for (int i = 0; i < P; i++) {
        double keep = X[i], hi, lo;
        X[i] = keep + 1e-6;
        nb_tensor_bump_version(flat);
        ck_assert_int_eq(nb_model_perf(net, NB_PERF_CROSSENTROPY, x, t, &hi), NB_OK);
        X[i] = keep - 1e-6;
        nb_tensor_bump_version(flat);
        ck_assert_int_eq(nb_model_perf(net, NB_PERF_CROSSENTROPY, x, t, &lo), NB_OK);
        X[i] = keep;
        nb_tensor_bump_version(flat);
        g2 += pow((hi - lo) / 2e-6, 2);
    }
    nb_train_record rec;
    int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_trainscg_opts){.epochs = 300, .perf = NB_PERF_CROSSENTROPY,
                                             .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_double_eq_tol(rec.gradient[0], sqrt(g2), 1e-7 * sqrt(g2));
    ck_assert(rec.train_loss[rec.epochs] < rec.train_loss[0] / 5);
    double acc;
    ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, x, t, NULL, &acc), NB_OK);
    ck_assert_double_eq(acc, 1);
    double perf;
    ck_assert_int_eq(nb_model_perf(net, NB_PERF_CROSSENTROPY, x, t, &perf), NB_OK);
    ck_assert_double_eq_tol(perf, rec.train_loss[rec.epochs], 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* The 1-10-1 sine fit that trainlm reaches mse 1e-3 on: trainscg reaches
 * it too, and both nets follow sin within 0.1 everywhere. */
START_TEST(test_fit_compared_with_trainlm)
{
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    nb_model *lm = sine_net(NB_F64, 10), *scg = sine_net(NB_F64, 10);
    nb_train_record rl, rs;
    ck_assert_int_eq(nb_trainlm(lm, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.goal = 1e-3, .verbose = -1}, &rl), NB_OK);
    int rc = nb_trainscg(scg, &(nb_train_data){.x = x, .y = t},
                         &(nb_trainscg_opts){.goal = 1e-3, .verbose = -1}, &rs);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rl.stop, NB_STOP_GOAL);
    ck_assert_msg(rs.stop == NB_STOP_GOAL, "stop %s after %d epochs, perf %g",
                  nb_stop_reason_name(rs.stop), rs.epochs, rs.train_loss[rs.epochs]);
    ck_assert(rs.epochs > rl.epochs); /* first order: more, cheaper epochs */
    const double *yl = nb_tensor_data_f64(nb_model_forward(lm, x));
    const double *ys = nb_tensor_data_f64(nb_model_forward(scg, x));
    const double *tv = nb_tensor_data_f64(t);
    for (int i = 0; i < 40; i++) {
        ck_assert_double_eq_tol(ys[i], tv[i], 0.1);
        ck_assert_double_eq_tol(yl[i], tv[i], 0.1);
    }
    nb_train_record_free(&rl);
    nb_train_record_free(&rs);
    nb_model_free(lm);
    nb_model_free(scg);
}
END_TEST

/* An f32 model trains too (steps in f64, rounded into its parameters). */
START_TEST(test_fit_f32_model)
{
    nb_model *net = sine_net(NB_F32, 10);
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    x = nb_cast(x, NB_F32);
    t = nb_cast(t, NB_F32);
    nb_train_record rec;
    int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t},
                         &(nb_trainscg_opts){.goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_msg(rec.stop == NB_STOP_GOAL, "stop %s after %d epochs, perf %g",
                  nb_stop_reason_name(rec.stop), rec.epochs, rec.train_loss[rec.epochs]);
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
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = t, .val_x = x, .val_y = t},
                                 &(nb_trainscg_opts){.epochs = 4, .show = 2, .verbose = 1,
                                                     .out = f}, NULL), NB_OK);
    char buf[2048];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    ck_assert_msg(strstr(buf, "Epoch 0/4, Time ") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "/0, Gradient ") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "/1e-06, Validation Checks 0/6\n") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Epoch 2/4") != NULL && strstr(buf, "Epoch 1/4") == NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Training with TRAINSCG completed: Maximum epoch reached.") != NULL,
                  "%s", buf);
    nb_model_free(net);
}
END_TEST

static void bad(nb_model *net, const nb_train_data *d, nb_trainscg_opts o, const char *needle)
{
    nb_train_record rec;
    o.verbose = o.verbose ? o.verbose : -1;
    ck_assert_int_eq(nb_trainscg(net, d, &o, &rec), NB_ERR_ARG);
    char want[128];
    snprintf(want, sizeof want, "nb_trainscg: %s", needle);
    ck_assert_error(NB_ERR_ARG, want);
    ck_assert_ptr_null(rec.train_loss);
    ck_assert_int_eq(rec.stop, NB_STOP_NONE);
}

START_TEST(test_bad_options)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    nb_train_data d = {.x = x, .y = t};
    bad(net, &d, (nb_trainscg_opts){.sigma = -1}, "sigma is -1");
    bad(net, &d, (nb_trainscg_opts){.lambda = INFINITY}, "lambda is inf");
    bad(net, &d, (nb_trainscg_opts){.goal = -1}, "goal is -1");
    bad(net, &d, (nb_trainscg_opts){.epochs = -2}, "opts->epochs is -2");
    bad(net, &d, (nb_trainscg_opts){.perf = (nb_perf_fn)9}, "opts->perf is 9");
    bad(net, &d, (nb_trainscg_opts){.verbose = 3}, "opts->verbose is 3");
    nb_tensor *labels = nb_from_int(NB_F64, (const int[]){0, 1, 0, 1, 0}, NB_SHAPE(5));
    ck_assert_int_eq(nb_trainscg(net, &(nb_train_data){.x = x, .y = labels}, NULL, NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_trainscg: data->y is 1-D");
    ck_assert_int_eq(nb_trainscg(NULL, &d, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_trainscg: model is NULL");
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trainscg");
    TCase *tc = nb_test_case("steps");
    tcase_add_test(tc, test_scg_matches_moller);
    tcase_add_test(tc, test_scg_quadratic_minimum);
    suite_add_tcase(s, tc);
    tc = nb_test_case("stops");
    tcase_add_test(tc, test_stop_epochs_goal_callback);
    tcase_add_test(tc, test_stop_min_grad);
    tcase_add_test(tc, test_stop_validation);
    tcase_add_test(tc, test_stop_not_finite);
    suite_add_tcase(s, tc);
    tc = nb_test_case("use");
    tcase_add_test(tc, test_crossentropy_value);
    tcase_add_test(tc, test_crossentropy_fit);
    tcase_add_test(tc, test_fit_compared_with_trainlm);
    tcase_add_test(tc, test_fit_f32_model);
    tcase_add_test(tc, test_display);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
