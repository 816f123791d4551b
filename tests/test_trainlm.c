/* nabla: tests of trainlm and trainbr — the model Jacobian against
 * nb_jacobian and an independent net on the documented flat order, one LM
 * step against the closed-form step, every stop reason, bad options, fits
 * that reach a stated error, the Cholesky routines, and trainbr's alpha,
 * beta and gamma against the formulas evaluated directly. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"
#include "fullbatch_fixtures.h"

#include "train/train_internal.h" /* nb__cholesky, nb__cholesky_solve */

/* The same net written from the flat order of nabla/nn.h: W1 (in x out,
 * row-major), b1, W2, b2, sliced out of one flat input. */
static nb_tensor *net_from_flat(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    nb_tensor *p = in[0], *x = ctx;
    int64_t o = 0;
    nb_tensor *W1 = nb_reshape(nb_slice(p, 0, o, o + NI * NH), NB_SHAPE(NI, NH));
    o += NI * NH;
    nb_tensor *b1 = nb_slice(p, 0, o, o + NH);
    o += NH;
    nb_tensor *W2 = nb_reshape(nb_slice(p, 0, o, o + NH * NO), NB_SHAPE(NH, NO));
    o += NH * NO;
    nb_tensor *b2 = nb_slice(p, 0, o, o + NO);
    return nb_add(nb_matmul(nb_tanh(nb_add(nb_matmul(x, W1), b1)), W2), b2);
}

/* The reference Jacobian (NS*NO x NP) of the net at its current weights. */
static nb_tensor *reference_jacobian(nb_model *net, nb_tensor *x)
{
    nb_tensor *flat = nb_model_params_flat(net);
    nb_tensor *p = nb_from_f64(nb_tensor_data_f64(flat), NB_SHAPE(NP));
    nb_tensor_set_requires_grad(p, true);
    return nb_jacobian(net_from_flat, &p, 1, x, 0);
}

START_TEST(test_jacobian_matches_nb_jacobian)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64);
    ck_assert_int_eq(nb_model_num_scalars(net), NP);
    double J[NS * NO * NP], y[NS * NO];
    ck_assert_msg(nb_model_jacobian(net, x, J, y) == NB_OK, "%s", nb_last_error());
    nb_tensor *ref = reference_jacobian(net, x);
    ck_assert_msg(ref != NULL, "%s", nb_last_error());
    ck_assert_tensor_near(ref, J, NS * NO * NP, 1e-12);
    /* the outputs come back too */
    nb_tensor *out = nb_model_forward(net, x);
    ck_assert_tensor_near(out, y, NS * NO, 1e-14);
    nb_model_free(net);
}
END_TEST

/* An identity user layer sends nb_model_jacobian down its general path. */
static nb_tensor *identity_layer(nb_model *m, nb_tensor *x, void *ctx)
{
    (void)m;
    (void)ctx;
    return x;
}

START_TEST(test_jacobian_general_path)
{
    nb_model *net = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 7});
    nb_model_add_linear(net, NI, NH, NB_ACT_TANSIG, NB_INIT_DEFAULT);
    nb_model_add_layer(net, "id", identity_layer, NULL);
    nb_model_add_linear(net, NH, NO, NB_ACT_PURELIN, NB_INIT_DEFAULT);
    nb_tensor *x = small_x(NB_F64);
    double J[NS * NO * NP];
    ck_assert_msg(nb_model_jacobian(net, x, J, NULL) == NB_OK, "%s", nb_last_error());
    ck_assert_tensor_near(reference_jacobian(net, x), J, NS * NO * NP, 1e-12);
    nb_model_free(net);
}
END_TEST

START_TEST(test_jacobian_errors)
{
    nb_model *net = small_net(NB_F64);
    double J[NS * NO * NP];
    ck_assert_int_eq(nb_model_jacobian(net, small_x(NB_F32), J, NULL), NB_ERR_DTYPE);
    ck_assert_error(NB_ERR_DTYPE, "nb_model_jacobian: x is f32");
    ck_assert_int_eq(nb_model_jacobian(net, NULL, J, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_model_jacobian: x is NULL");
    nb_model_free(net);
}
END_TEST

/* Solve A x = b (n x n) by Gaussian elimination with partial pivoting. */
static void dense_solve(double *A, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[piv * n + c]))
                piv = r;
        for (int k = 0; k < n; k++) {
            double t = A[c * n + k];
            A[c * n + k] = A[piv * n + k];
            A[piv * n + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (int k = c; k < n; k++)
                A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        for (int k = r + 1; k < n; k++)
            b[r] -= A[r * n + k] * b[k];
        b[r] /= A[r * n + r];
    }
}

/* jj = J'J, je = J'e from the reference Jacobian. */
static void reference_normal(const nb_tensor *Jt, const double *e, double *jj, double *je)
{
    for (int i = 0; i < NP; i++) {
        je[i] = 0;
        for (int r = 0; r < NS * NO; r++)
            je[i] += nb_tensor_get(Jt, r * NP + i) * e[r];
        for (int k = 0; k < NP; k++) {
            double s = 0;
            for (int r = 0; r < NS * NO; r++)
                s += nb_tensor_get(Jt, r * NP + i) * nb_tensor_get(Jt, r * NP + k);
            jj[i * NP + k] = s;
        }
    }
}

START_TEST(test_one_step_is_the_closed_form)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    double X0[NP], e[NS * NO], jj[NP * NP], je[NP];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_tensor *Jt = reference_jacobian(net, x);
    nb_tensor *y = nb_model_forward(net, x);
    for (int i = 0; i < NS * NO; i++)
        e[i] = nb_tensor_get(y, i) - nb_tensor_get(t, i);
    reference_normal(Jt, e, jj, je);
    nb_train_record rec;
    int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 1, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.epochs, 1);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_double_eq_tol(rec.mu[0], 1e-3, 1e-18); /* MATLAB's first mu */
    ck_assert(rec.train_loss[1] < rec.train_loss[0]);
    /* the kept step was solved with mu[1] / mu_dec: 0.001 times a power of mu_inc (10); from
     * this start the first try (0.001) overshoots and 0.01 is kept */
    double mu = rec.mu[1] / 0.1;
    ck_assert_double_eq_tol(mu, 0.01, 1e-15);
    for (int i = 0; i < NP; i++) {
        jj[i * NP + i] += mu;
        je[i] = -je[i];
    }
    dense_solve(jj, je, NP); /* je is now dX */
    const double *X1 = nb_tensor_data_f64(nb_model_params_flat(net));
    for (int i = 0; i < NP; i++)
        ck_assert_msg(fabs(X1[i] - (X0[i] + je[i])) < 1e-10, "parameter %d: %.15g vs %.15g", i,
                      X1[i], X0[i] + je[i]);
    /* perf is the mse and the gradient 2 J'e / (N*O) at the start */
    double sse = 0;
    for (int i = 0; i < NS * NO; i++)
        sse += e[i] * e[i];
    ck_assert_double_eq_tol(rec.train_loss[0], sse / (NS * NO), 1e-14);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* The 1-H-1 sine net of fullbatch_fixtures.h written from the flat order,
 * for nb_jacobian. */
#define SH 3
#define SP (3 * SH + 1)
static nb_tensor *sine_from_flat(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    nb_tensor *p = in[0], *x = ctx;
    nb_tensor *W1 = nb_reshape(nb_slice(p, 0, 0, SH), NB_SHAPE(1, SH));
    nb_tensor *b1 = nb_slice(p, 0, SH, 2 * SH);
    nb_tensor *W2 = nb_reshape(nb_slice(p, 0, 2 * SH, 3 * SH), NB_SHAPE(SH, 1));
    nb_tensor *b2 = nb_slice(p, 0, 3 * SH, SP);
    return nb_add(nb_matmul(nb_tanh(nb_add(nb_matmul(x, W1), b1)), W2), b2);
}

/* More errors (20) than parameters (10): trainlm solves the P x P system
 * here (the test above, 10 errors and 26 parameters, takes the N·O x N·O
 * one); the kept step is again the closed form from nb_jacobian's J. */
START_TEST(test_one_step_closed_form_more_errors)
{
    enum { N = 20 };
    nb_model *net = sine_net(NB_F64, SH);
    nb_tensor *x, *t;
    sine_data(N, 0, 1, &x, &t);
    double X0[SP], e[N], jj[SP * SP], dX[SP];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_tensor *p = nb_from_f64(X0, NB_SHAPE(SP));
    nb_tensor_set_requires_grad(p, true);
    nb_tensor *Jt = nb_jacobian(sine_from_flat, &p, 1, x, 0);
    nb_tensor *y = nb_model_forward(net, x);
    ck_assert_ptr_nonnull(Jt);
    ck_assert_ptr_nonnull(y);
    for (int i = 0; i < N; i++)
        e[i] = nb_tensor_get(y, i) - nb_tensor_get(t, i);
    nb_train_record rec;
    int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 1, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert(rec.train_loss[1] < rec.train_loss[0]);
    double mu = rec.mu[1] / 0.1; /* the mu of the kept step */
    for (int i = 0; i < SP; i++) {
        dX[i] = 0;
        for (int r = 0; r < N; r++)
            dX[i] -= nb_tensor_get(Jt, r * SP + i) * e[r];
        for (int k = 0; k < SP; k++) {
            double s = 0;
            for (int r = 0; r < N; r++)
                s += nb_tensor_get(Jt, r * SP + i) * nb_tensor_get(Jt, r * SP + k);
            jj[i * SP + k] = s + (i == k ? mu : 0);
        }
    }
    dense_solve(jj, dX, SP);
    const double *X1 = nb_tensor_data_f64(nb_model_params_flat(net));
    for (int i = 0; i < SP; i++)
        ck_assert_msg(fabs(X1[i] - (X0[i] + dX[i])) < 1e-10, "parameter %d: %.15g vs %.15g", i,
                      X1[i], X0[i] + dX[i]);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_gradient_is_two_je_over_n)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    double e[NS * NO], jj[NP * NP], je[NP];
    nb_tensor *Jt = reference_jacobian(net, x);
    nb_tensor *y = nb_model_forward(net, x);
    for (int i = 0; i < NS * NO; i++)
        e[i] = nb_tensor_get(y, i) - nb_tensor_get(t, i);
    reference_normal(Jt, e, jj, je);
    double g = 0;
    for (int i = 0; i < NP; i++)
        g += (2 * je[i] / (NS * NO)) * (2 * je[i] / (NS * NO));
    nb_train_record rec;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.epochs = 1, .verbose = -1}, &rec), NB_OK);
    ck_assert_double_eq_tol(rec.gradient[0], sqrt(g), 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
    /* with sse (a fresh net from the same seed): perf is e.e and the gradient 2 J'e */
    net = small_net(NB_F64);
    double sse = 0;
    for (int i = 0; i < NS * NO; i++)
        sse += e[i] * e[i];
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.epochs = 1, .sse = true, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_double_eq_tol(rec.train_loss[0], sse, 1e-13);
    ck_assert_double_eq_tol(rec.gradient[0], sqrt(g) * (NS * NO), 1e-11);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* y = sin(x) on [-2, 2], n points, in a (n, 1) pair. */

START_TEST(test_fit_reaches_goal)
{
    nb_model *net = sine_net(NB_F64, 10);
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    nb_train_record rec;
    int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 200, .goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Performance goal met.");
    ck_assert(rec.train_loss[rec.epochs] <= 1e-3);
    ck_assert_int_le(rec.epochs, 10);
    double mse;
    ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, x, t, &mse, NULL), NB_OK);
    ck_assert_double_eq_tol(mse, rec.train_loss[rec.epochs], 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_fit_f32_model)
{
    nb_model *net = sine_net(NB_F32, 10);
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    x = nb_cast(x, NB_F32);
    t = nb_cast(t, NB_F32);
    nb_train_record rec;
    int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 100, .goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_epochs)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_train_record rec;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.epochs = 3, .min_grad = -1, .verbose = -1},
                                &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(rec.epochs, 3);
    ck_assert_int_eq(rec.best_epoch, 3);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Maximum epoch reached.");
    for (int e = 1; e <= 3; e++)
        ck_assert(rec.train_loss[e] <= rec.train_loss[e - 1]);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_min_grad)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_train_record rec;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.min_grad = 1e6, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_int_eq(rec.epochs, 0);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Minimum gradient reached.");
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

/* Two equal inputs with different targets: no weights fit both, so once
 * at the least-squares optimum no step lowers perf and mu runs away. */
START_TEST(test_stop_mu_max)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){1, 1}, 2, (const nb_activation[]){NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_tensor *x = nb_from_f64((const double[]){1, 1}, NB_SHAPE(2, 1));
    nb_tensor *t = nb_from_f64((const double[]){0, 1}, NB_SHAPE(2, 1));
    nb_train_record rec;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.min_grad = -1, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MU_MAX);
    ck_assert_str_eq(nb_stop_reason_matlab(rec.stop), "Maximum mu reached.");
    ck_assert(rec.mu[rec.epochs] > 1e10);
    ck_assert_int_lt(rec.epochs, 1000);
    ck_assert_double_eq_tol(rec.train_loss[rec.epochs], 0.25, 1e-12);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

static int run_quiet(nb_model *net, const nb_train_data *data, nb_train_record *rec)
{
    return nb_trainlm(net, data, &(nb_trainlm_opts){.verbose = -1}, rec);
}

/* perf is Inf from the start: the run stops before any step */
START_TEST(test_stop_not_finite)
{
    check_stop_not_finite(run_quiet);
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
    int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt,
                                              .test_x = sx, .test_y = st},
                        &(nb_trainlm_opts){.max_fail = 3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_validation_stop(rec, net, vx, vt);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_stop_callback_and_goal_at_start)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_train_record rec;
    int calls = 0;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.min_grad = -1, .verbose = -1,
                                                   .callback = stop_at_two, .callback_ctx = &calls},
                                &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_CALLBACK);
    ck_assert_int_eq(rec.epochs, 2);
    ck_assert_int_eq(calls, 2);
    nb_train_record_free(&rec);
    /* it sees the last epoch too */
    calls = 0;
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.epochs = 1, .verbose = -1,
                                                   .callback = stop_at_two, .callback_ctx = &calls},
                                &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(calls, 1);
    nb_train_record_free(&rec);
    /* a goal met before any step: epoch 0 */
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.goal = 1e9, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_int_eq(rec.epochs, 0);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_display)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t},
                                &(nb_trainlm_opts){.epochs = 4, .show = 2, .verbose = 1, .out = f},
                                NULL), NB_OK);
    char buf[2048];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    ck_assert_msg(strstr(buf, "Epoch 0/4, Time ") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Epoch 2/4") != NULL && strstr(buf, "Epoch 1/4") == NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "Training with TRAINLM completed: Maximum epoch reached.") != NULL,
                  "%s", buf);
    nb_model_free(net);
}
END_TEST

START_TEST(test_bad_options)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_train_data d = {.x = x, .y = t};
    nb_train_record rec;
    struct {
        nb_trainlm_opts o;
        const char *needle;
    } bad[] = {
        {{.mu = -1}, "nb_trainlm: mu is -1"},
        {{.mu_dec = 1}, "nb_trainlm: mu_dec is 1"},
        {{.mu_dec = -0.5}, "nb_trainlm: mu_dec is -0.5"},
        {{.mu_inc = 1}, "nb_trainlm: mu_inc is 1"},
        {{.mu_inc = 0.5}, "nb_trainlm: mu_inc is 0.5"},
        {{.mu_max = -3}, "nb_trainlm: mu_max is -3"},
        {{.mu = 1, .mu_max = 0.5}, "opts->mu (1) is above opts->mu_max (0.5)"},
        {{.goal = -1}, "nb_trainlm: goal is -1"},
        {{.min_grad = NAN}, "min_grad"},
        {{.epochs = -2}, "opts->epochs is -2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nb_clear_error();
        ck_assert_int_eq(nb_trainlm(net, &d, &bad[i].o, &rec), NB_ERR_ARG);
        ck_assert_error(NB_ERR_ARG, bad[i].needle);
        ck_assert_ptr_null(rec.train_loss);
        ck_assert_int_eq(rec.stop, NB_STOP_NONE);
    }
    ck_assert_int_eq(nb_trainbr(net, &d, &(nb_trainlm_opts){.mu_dec = 2}, &rec), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_trainbr: mu_dec is 2");
    /* class labels: LM needs N x O float targets */
    nb_tensor *labels = nb_from_f64((const double[]){0, 1, 0, 1}, NB_SHAPE(4));
    nb_tensor *x4 = nb_slice(x, 0, 0, 4);
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x4, .y = labels}, NULL, &rec),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_trainlm: data->y is 1-D");
    /* targets with the wrong number of outputs */
    nb_tensor *t2 = nb_concat((nb_tensor *const[]){t, t}, 2, 1);
    ck_assert_int_eq(nb_trainlm(net, &(nb_train_data){.x = x, .y = t2}, NULL, &rec), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "the model's output is 20x1 but data->y is 20x2");
    ck_assert_int_eq(nb_trainlm(NULL, &d, NULL, &rec), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_trainlm: model is NULL");
    /* the memory J would need is named, not used */
    ck_assert_int_eq(nb_trainlm(net, &d, &(nb_trainlm_opts){.max_bytes = 1000}, &rec),
                     NB_ERR_NOMEM);
    ck_assert_error(NB_ERR_NOMEM, "nb_trainlm: the Jacobian (20 errors x 16 parameters)");
    ck_assert_ptr_null(rec.train_loss);
    nb_model_free(net);
}
END_TEST

START_TEST(test_cholesky)
{
    double A[9] = {4, 2, 2, 2, 5, 1, 2, 1, 6}, b[3] = {1, 2, 3}, x[3], w[3];
    double M[9];
    memcpy(M, A, sizeof A);
    ck_assert_int_eq(nb__cholesky(A, 3), -1);
    nb__cholesky_solve(A, 3, b, x);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(M[i * 3] * x[0] + M[i * 3 + 1] * x[1] + M[i * 3 + 2] * x[2], b[i],
                                1e-14);
    /* tr(M^-1) from the inverse by columns */
    double tr = 0;
    for (int c = 0; c < 3; c++) {
        double ec[3] = {c == 0, c == 1, c == 2}, col[3];
        nb__cholesky_solve(A, 3, ec, col);
        tr += col[c];
    }
    ck_assert_double_eq_tol(nb__cholesky_trace_inv(A, 3, w), tr, 1e-14);
    /* not positive definite: the failing pivot */
    double N[4] = {1, 2, 2, 1};
    ck_assert_int_eq(nb__cholesky(N, 2), 1);
    double Z[4] = {0, 0, 0, 1};
    ck_assert_int_eq(nb__cholesky(Z, 2), 0);
}
END_TEST

/* trainbr's first epoch against Foresee & Hagan's formulas, evaluated here
 * from nb_jacobian's J and a dense inverse. */
START_TEST(test_trainbr_formulas)
{
    nb_model *net = small_net(NB_F64);
    nb_tensor *x = small_x(NB_F64), *t = small_t();
    const int n = NS * NO;
    double X0[NP], e[NS * NO], jj[NP * NP], je[NP];
    memcpy(X0, nb_tensor_data_f64(nb_model_params_flat(net)), sizeof X0);
    nb_tensor *Jt = reference_jacobian(net, x);
    nb_tensor *y = nb_model_forward(net, x);
    double ed = 0, ew = 0;
    for (int i = 0; i < n; i++) {
        e[i] = nb_tensor_get(y, i) - nb_tensor_get(t, i);
        ed += e[i] * e[i];
    }
    for (int i = 0; i < NP; i++)
        ew += X0[i] * X0[i];
    reference_normal(Jt, e, jj, je);
    double gamma0 = NP, beta0 = (n - gamma0) / (2 * ed), alpha0 = gamma0 / (2 * ew);
    if (beta0 <= 0)
        beta0 = 1;

    nb_train_record rec;
    int rc = nb_trainbr(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 1, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_ptr_nonnull(rec.gamma);
    ck_assert_double_eq_tol(rec.gamma[0], gamma0, 1e-12);
    ck_assert_double_eq_tol(rec.alpha[0], alpha0, 1e-12 * alpha0);
    ck_assert_double_eq_tol(rec.beta[0], beta0, 1e-12 * beta0);
    ck_assert_double_eq_tol(rec.ssx[0], ew, 1e-12 * ew);
    ck_assert_double_eq_tol(rec.mu[0], 0.005, 1e-18); /* trainbr's default */
    ck_assert(rec.mu[1] < rec.mu[0]);                 /* the step was kept */

    /* the step: (beta jj + (mu + alpha) I) dX = -(beta je + alpha X) */
    double A[NP * NP], dX[NP];
    for (int i = 0; i < NP * NP; i++)
        A[i] = beta0 * jj[i];
    for (int i = 0; i < NP; i++) {
        A[i * NP + i] += 0.005 + alpha0;
        dX[i] = -(beta0 * je[i] + alpha0 * X0[i]);
    }
    dense_solve(A, dX, NP);
    const double *X1 = nb_tensor_data_f64(nb_model_params_flat(net));
    for (int i = 0; i < NP; i++)
        ck_assert_double_eq_tol(X1[i], X0[i] + dX[i], 1e-10);

    /* gamma = P - 2 alpha tr(H^-1), H = 2 beta jj + 2 alpha I, at the start */
    double trace = 0;
    for (int c = 0; c < NP; c++) {
        double H[NP * NP], col[NP];
        for (int i = 0; i < NP * NP; i++)
            H[i] = 2 * beta0 * jj[i];
        for (int i = 0; i < NP; i++) {
            H[i * NP + i] += 2 * alpha0;
            col[i] = i == c;
        }
        dense_solve(H, col, NP);
        trace += col[c];
    }
    double gamma1 = NP - 2 * alpha0 * trace;
    double ew1 = 0, ed1 = 0;
    for (int i = 0; i < NP; i++)
        ew1 += X1[i] * X1[i];
    nb_tensor *y1 = nb_model_forward(net, x);
    for (int i = 0; i < n; i++) {
        double d = nb_tensor_get(y1, i) - nb_tensor_get(t, i);
        ed1 += d * d;
    }
    ck_assert_double_eq_tol(rec.gamma[1], gamma1, 1e-9);
    ck_assert_double_eq_tol(rec.alpha[1], gamma1 / (2 * ew1), 1e-9 * rec.alpha[1]);
    ck_assert_double_eq_tol(rec.beta[1], (n - gamma1) / (2 * ed1), 1e-9 * rec.beta[1]);
    ck_assert_double_eq_tol(rec.ssx[1], ew1, 1e-12 * ew1);
    ck_assert_double_eq_tol(rec.train_loss[1], ed1 / n, 1e-14);
    ck_assert(rec.gamma[1] > 0 && rec.gamma[1] < NP);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_trainbr_no_validation_stop_by_default)
{
    nb_model *net = sine_net(NB_F64, 8);
    nb_tensor *x, *t, *vx, *vt;
    sine_data(20, 0, 1, &x, &t);
    sine_data(10, 0.1, -1, &vx, &vt); /* gets worse as x is fitted */
    nb_train_data d = {.x = x, .y = t, .val_x = vx, .val_y = vt};
    nb_train_record rec;
    ck_assert_int_eq(nb_trainbr(net, &d, &(nb_trainlm_opts){.epochs = 12, .min_grad = -1,
                                                            .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS); /* MATLAB's trainbr: max_fail 0 */
    ck_assert_int_eq(rec.epochs, 12);
    nb_train_record_free(&rec);
    nb_model_free(net);
    net = sine_net(NB_F64, 8);
    ck_assert_int_eq(nb_trainbr(net, &d, &(nb_trainlm_opts){.epochs = 200, .max_fail = 2,
                                                            .min_grad = -1, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_VAL_FAIL);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

START_TEST(test_trainbr_fits)
{
    nb_model *net = sine_net(NB_F64, 10);
    nb_tensor *x, *t;
    sine_data(40, 0, 1, &x, &t);
    nb_train_record rec;
    int rc = nb_trainbr(net, &(nb_train_data){.x = x, .y = t},
                        &(nb_trainlm_opts){.epochs = 100, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert(rec.train_loss[rec.epochs] < 1e-3);
    ck_assert(rec.gamma[rec.epochs] > 1 && rec.gamma[rec.epochs] <= 31);
    nb_train_record_free(&rec);
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trainlm");
    TCase *tc = nb_test_case("jacobian");
    tcase_add_test(tc, test_jacobian_matches_nb_jacobian);
    tcase_add_test(tc, test_jacobian_general_path);
    tcase_add_test(tc, test_jacobian_errors);
    tcase_add_test(tc, test_cholesky);
    suite_add_tcase(s, tc);
    tc = nb_test_case("trainlm");
    tcase_add_test(tc, test_one_step_is_the_closed_form);
    tcase_add_test(tc, test_one_step_closed_form_more_errors);
    tcase_add_test(tc, test_gradient_is_two_je_over_n);
    tcase_add_test(tc, test_fit_reaches_goal);
    tcase_add_test(tc, test_fit_f32_model);
    tcase_add_test(tc, test_stop_epochs);
    tcase_add_test(tc, test_stop_min_grad);
    tcase_add_test(tc, test_stop_mu_max);
    tcase_add_test(tc, test_stop_not_finite);
    tcase_add_test(tc, test_stop_validation);
    tcase_add_test(tc, test_stop_callback_and_goal_at_start);
    tcase_add_test(tc, test_display);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    tc = nb_test_case("trainbr");
    tcase_add_test(tc, test_trainbr_formulas);
    tcase_add_test(tc, test_trainbr_no_validation_stop_by_default);
    tcase_add_test(tc, test_trainbr_fits);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
