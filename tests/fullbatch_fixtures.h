/* Fixtures shared by the suites of the full-batch trainers (test_trainlm,
 * test_traingd): a small 3-4-2 network and data for step-by-step checks,
 * 1-D sine data and networks for fits and stops, a stopping callback, and
 * the check of a validation stop.  Include after test_util.h. */
#ifndef NB_TESTS_FULLBATCH_FIXTURES_H
#define NB_TESTS_FULLBATCH_FIXTURES_H

#include <math.h>

/* 3 inputs, 4 tansig hidden, 2 purelin outputs: P = 3*4 + 4 + 4*2 + 2 = 26 */
#define NI 3
#define NH 4
#define NO 2
#define NS 5
#define NP (NI * NH + NH + NH * NO + NO)

static inline nb_model *small_net(nb_dtype dtype)
{
    return nb_bpnet_new((const int64_t[]){NI, NH, NO}, 3, NULL,
                        &(nb_bpnet_opts){.dtype = dtype, .seed = 7});
}

static inline nb_tensor *small_x(nb_dtype dtype)
{
    double v[NS * NI];
    for (int i = 0; i < NS * NI; i++)
        v[i] = sin(1.7 * i + 0.3);
    nb_tensor *x = nb_from_f64(v, NB_SHAPE(NS, NI));
    return dtype == NB_F64 ? x : nb_cast(x, dtype);
}

static inline nb_tensor *small_t(void)
{
    double v[NS * NO];
    for (int i = 0; i < NS * NO; i++)
        v[i] = cos(0.9 * i);
    return nb_from_f64(v, NB_SHAPE(NS, NO));
}

/* n points of sign * sin(x) on [-2 + phase, 2 + phase] (n <= 64). */
static inline void sine_data(int n, double phase, double sign, nb_tensor **x, nb_tensor **t)
{
    double xv[64], tv[64];
    for (int i = 0; i < n; i++) {
        xv[i] = -2 + 4.0 * i / (n - 1) + phase;
        tv[i] = sign * sin(xv[i]);
    }
    *x = nb_from_f64(xv, NB_SHAPE(n, 1));
    *t = nb_from_f64(tv, NB_SHAPE(n, 1));
}

static inline nb_model *sine_net(nb_dtype dtype, int hidden)
{
    return nb_bpnet_new((const int64_t[]){1, hidden, 1}, 3, NULL,
                        &(nb_bpnet_opts){.dtype = dtype, .seed = 3});
}

/* A full-batch trainer run with its default options and no display. */
typedef int (*fb_quiet_run)(nb_model *net, const nb_train_data *data, nb_train_record *rec);

/* A target that is not finite: perf is Inf from the start, and the run
 * stops there, before any step, in MATLAB's order (after the goal test). */
static inline void check_stop_not_finite(fb_quiet_run run)
{
    nb_model *net = sine_net(NB_F64, 5);
    nb_tensor *x, *t;
    sine_data(20, 0, 1, &x, &t);
    nb_tensor_data_f64(t)[3] = INFINITY;
    nb_tensor_bump_version(t);
    nb_tensor *w = nb_detach(nb_model_params_flat(net));
    nb_train_record rec;
    ck_assert_int_eq(run(net, &(nb_train_data){.x = x, .y = t}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_NOT_FINITE);
    ck_assert_int_eq(rec.epochs, 0);
    ck_assert(!isfinite(rec.train_loss[0]));
    /* no step was taken */
    const double *w0 = nb_tensor_data_f64(w), *w1 = nb_tensor_data_f64(nb_model_params_flat(net));
    for (int64_t i = 0; i < nb_tensor_numel(w); i++)
        ck_assert_double_eq(w1[i], w0[i]);
    nb_train_record_free(&rec);
    nb_model_free(net);
}

/* A training callback that counts its calls in *ctx and stops at epoch 2. */
static inline int stop_at_two(int epoch, const nb_train_record *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return epoch == 2;
}

/* After a validation stop with max_fail 3: MATLAB's words, three failed
 * epochs after the best one, the best epoch's weights back in net (its
 * validation mse is the recorded one) and no epoch better than it. */
#define ck_assert_validation_stop(rec, net, vx, vt)                                     \
    do {                                                                                 \
        ck_assert_int_eq((rec).stop, NB_STOP_VAL_FAIL);                                  \
        ck_assert_str_eq(nb_stop_reason_matlab((rec).stop), "Validation stop.");         \
        ck_assert_int_eq((rec).epochs - (rec).best_epoch, 3);                            \
        double v_;                                                                       \
        ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, vx, vt, &v_, NULL), NB_OK); \
        ck_assert_double_eq_tol(v_, (rec).val_loss[(rec).best_epoch], 1e-12);            \
        for (int e_ = 0; e_ <= (rec).epochs; e_++)                                       \
            ck_assert((rec).val_loss[e_] >= (rec).val_loss[(rec).best_epoch]);           \
        ck_assert_ptr_nonnull((rec).test_loss);                                          \
    } while (0)

#endif
