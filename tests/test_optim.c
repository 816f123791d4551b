/* nabla: tests of src/optim — the first steps of every optimizer against
 * values worked out from its update rule on a two-scalar problem, RPROP's
 * MATLAB defaults and sign logic, flush-to-zero, versions (one counter
 * shared by the parameters and their buffer), and bad inputs. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <float.h>
#include <stdio.h>

#include "optim/optim_internal.h"
#include "test_util.h"

#if defined(__SSE2__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

/* A model with one parameter "w" = [1, -2] (f64). */
static nb_model *two_scalar_model(void)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    nb_tensor *w = nb_model_add_param(m, "w", NB_SHAPE(2));
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_nonnull(nb_model_params_flat(m));
    nb_tensor_data_f64(w)[0] = 1;
    nb_tensor_data_f64(w)[1] = -2;
    return m;
}

static void set_grad(nb_model *m, double g0, double g1)
{
    double *g = nb_tensor_data_f64(nb_model_grads_flat(m));
    g[0] = g0;
    g[1] = g1;
}

static void expect_w(nb_model *m, double w0, double w1, double tol)
{
    const double want[] = {w0, w1};
    ck_assert_tensor_near(nb_model_param(m, "w"), want, 2, tol);
}

START_TEST(test_sgd_plain_and_weight_decay)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1});
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(nb_optim_name(o), "sgd");
    uint64_t v0 = nb_tensor_version(nb_model_param(m, "w"));
    set_grad(m, 0.5, 1);
    ck_assert_int_eq(nb_optim_step(o), NB_OK);
    expect_w(m, 1 - 0.05, -2 - 0.1, 1e-15);
    ck_assert_uint_gt(nb_tensor_version(nb_model_param(m, "w")), v0);
    ck_assert_int_eq(nb_optim_steps(o), 1);
    nb_optim_free(o);
    /* weight decay: g' = g + wd p, from p = (0.95, -2.1) */
    o = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1, .weight_decay = 0.1});
    ck_assert_int_eq(nb_optim_step(o), NB_OK);
    expect_w(m, 0.95 - 0.1 * (0.5 + 0.095), -2.1 - 0.1 * (1 - 0.21), 1e-15);
    ck_assert_int_eq(nb_optim_zero_grad(o), NB_OK);
    ck_assert_double_eq(nb_tensor_get(nb_model_grads_flat(m), 0), 0);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_sgd_momentum_and_nesterov)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1, .momentum = 0.9});
    set_grad(m, 0.5, 1);
    nb_optim_step(o); /* buf = g */
    expect_w(m, 1 - 0.05, -2 - 0.1, 1e-15);
    nb_optim_step(o); /* buf = 0.9 g + g = 1.9 g */
    expect_w(m, 0.95 - 0.1 * 1.9 * 0.5, -2.1 - 0.1 * 1.9, 1e-15);
    nb_optim_free(o);
    nb_model_free(m);

    m = two_scalar_model();
    o = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1, .momentum = 0.9, .nesterov = true});
    set_grad(m, 0.5, 1);
    nb_optim_step(o); /* buf = g, step g + 0.9 buf = 1.9 g */
    expect_w(m, 1 - 0.1 * 1.9 * 0.5, -2 - 0.1 * 1.9, 1e-15);
    nb_optim_step(o); /* buf = 1.9 g, step g + 0.9 * 1.9 g = 2.71 g */
    expect_w(m, 0.905 - 0.1 * 2.71 * 0.5, -2.19 - 0.1 * 2.71, 1e-14);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_adam_bias_correction)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_adam_new(m, &(nb_adam_opts){.lr = 0.1});
    ck_assert_double_eq(nb_optim_lr(o), 0.1);
    set_grad(m, 0.5, 1);
    nb_optim_step(o);
    /* step 1: m hat = g, v hat = g², so the step is lr * g / (|g| + eps) */
    expect_w(m, 1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 - 0.1 * 1 / (1 + 1e-8), 1e-15);
    set_grad(m, -1, 1);
    nb_optim_step(o);
    /* step 2 for w0: m = 0.9*0.05 - 0.1 = -0.055, v = 0.999*0.00025 + 0.001 = 0.00124975
     * m hat = -0.055/0.19, v hat = 0.00124975/0.001999 */
    double w0 = 1 - 0.1 * 0.5 / (0.5 + 1e-8);
    double mh = -0.055 / 0.19, vh = 0.00124975 / 0.001999;
    w0 -= 0.1 * mh / (sqrt(vh) + 1e-8);
    /* w1: m = 0.09 + 0.1 = 0.19, v = 0.000999 + 0.001 = 0.001999: m hat = 1, v hat = 1 */
    double w1 = -2 - 0.1 / (1 + 1e-8) - 0.1 * 1 / (1 + 1e-8);
    expect_w(m, w0, w1, 1e-13);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_adamw_decoupled_decay)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_adamw_new(m, &(nb_adam_opts){.lr = 0.1, .weight_decay = 0.1});
    ck_assert_str_eq(nb_optim_name(o), "adamw");
    set_grad(m, 0.5, 1);
    nb_optim_step(o);
    /* p = p (1 - lr wd) - lr g/(|g| + eps) */
    expect_w(m, 0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -1.98 - 0.1 / (1 + 1e-8), 1e-15);
    nb_optim_free(o);
    /* Adam's weight decay is L2 in the gradient instead: g' = g + 0.1 p */
    nb_model_free(m);
    m = two_scalar_model();
    o = nb_adam_new(m, &(nb_adam_opts){.lr = 0.1, .weight_decay = 0.1});
    set_grad(m, 0.5, -1);
    nb_optim_step(o);
    /* g' = (0.6, -1.2): step lr * sign */
    expect_w(m, 1 - 0.1 * 0.6 / (0.6 + 1e-8), -2 + 0.1 * 1.2 / (1.2 + 1e-8), 1e-15);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_rmsprop)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_rmsprop_new(m, NULL); /* lr 0.01, alpha 0.99 */
    set_grad(m, 0.5, 1);
    nb_optim_step(o);
    /* v = 0.01 g², step = 0.01 g / (0.1 |g| + 1e-8) */
    double w0 = 1 - 0.01 * 0.5 / (0.05 + 1e-8), w1 = -2 - 0.01 * 1 / (0.1 + 1e-8);
    expect_w(m, w0, w1, 1e-14);
    nb_optim_step(o);
    /* v = 0.99*0.01 g² + 0.01 g² = 0.0199 g² */
    w0 -= 0.01 * 0.5 / (sqrt(0.0199 * 0.25) + 1e-8);
    w1 -= 0.01 * 1 / (sqrt(0.0199) + 1e-8);
    expect_w(m, w0, w1, 1e-14);
    nb_optim_free(o);
    nb_model_free(m);

    m = two_scalar_model();
    o = nb_rmsprop_new(m, &(nb_rmsprop_opts){.lr = 0.01, .momentum = 0.5, .centered = true});
    set_grad(m, 0.5, 1);
    nb_optim_step(o);
    /* centred: v - c² = 0.01 g² - 0.0001 g² = 0.0099 g² */
    w0 = 1 - 0.01 * 0.5 / (sqrt(0.0099 * 0.25) + 1e-8);
    expect_w(m, w0, -2 - 0.01 / (sqrt(0.0099) + 1e-8), 1e-14);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_rprop_matlab_defaults_and_signs)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_rprop_new(m, NULL);
    ck_assert_ptr_nonnull(o);
    /* trainrp defaults */
    ck_assert_double_eq(o->delta0, 0.07);
    ck_assert_double_eq(o->delt_inc, 1.2);
    ck_assert_double_eq(o->delt_dec, 0.5);
    ck_assert_double_eq(o->deltamax, 50.0);
    set_grad(m, 0.5, 1);
    nb_optim_step(o); /* no previous gradient: delta stays 0.07 */
    expect_w(m, 0.93, -2.07, 1e-15);
    nb_optim_step(o); /* same signs: delta = 0.084 */
    expect_w(m, 0.93 - 0.084, -2.07 - 0.084, 1e-15);
    set_grad(m, -0.5, 1e-9); /* w0 flips: 0.084 * 0.5; w1 keeps its sign (size ignored) */
    nb_optim_step(o);
    expect_w(m, 0.846 + 0.042, -2.154 - 0.1008, 1e-14);
    set_grad(m, 0, 1); /* a zero gradient: no move, delta kept */
    nb_optim_step(o);
    expect_w(m, 0.888, -2.2548 - 0.12096, 1e-14);
    const double deltas[] = {0.042, 0.12096};
    for (int i = 0; i < 2; i++)
        ck_assert_double_eq_tol(((double *)o->state[0])[i], deltas[i], 1e-15);
    ck_assert_double_eq(nb_optim_lr(o), 0);
    ck_assert_error(NB_ERR_ARG, "no learning rate");
    ck_assert_int_lt(nb_optim_set_lr(o, 0.1), 0);
    /* reset: back to delta0 */
    ck_assert_int_eq(nb_optim_reset(o), NB_OK);
    ck_assert_double_eq(((double *)o->state[0])[1], 0.07);
    nb_optim_free(o);
    nb_model_free(m);

    /* deltamax caps the growth */
    m = two_scalar_model();
    o = nb_rprop_new(m, &(nb_rprop_opts){.deltamax = 0.08});
    set_grad(m, 0.5, 1);
    nb_optim_step(o);
    nb_optim_step(o);
    expect_w(m, 0.93 - 0.08, -2.07 - 0.08, 1e-15);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

/* Parameters are views into the model's flat buffer and share its version
 * counter, so the step, which bumps only the buffer and names no parameter,
 * is one new version of every parameter (each had a counter of its own, and
 * every writer had to remember to bump them all); a graph that saved a
 * weight before the step then refuses to run backward.  The gradients share
 * the gradient buffer's counter the same way. */
START_TEST(test_step_is_a_new_version_of_every_parameter)
{
    nb_model *m = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                               &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_optim *o = nb_sgd_new(m, NULL);
    ck_assert_ptr_nonnull(o);
    nb_tensor *flat = nb_model_params_flat(m), *gflat = nb_model_grads_flat(m);
    int np = nb_model_num_params(m);
    ck_assert_int_eq(np, 4);
    uint64_t v0 = nb_tensor_version(flat), g0 = nb_tensor_version(gflat);
    for (int i = 0; i < np; i++) {
        nb_tensor *p = nb_model_param_at(m, i);
        ck_assert_uint_eq(nb_tensor_version(p), v0);
        ck_assert_uint_eq(nb_tensor_version(nb_tensor_grad(p)), g0);
    }
    nb_tensor *x = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
    nb_tensor *y = nb_from_f64((const double[]){0, 1, 1, 0}, NB_SHAPE(4, 1));
    nb_tensor *loss = nb_mse_loss(nb_model_forward(m, x), y, NB_REDUCE_MEAN);
    ck_assert_ptr_nonnull(loss);

    ck_assert_int_eq(nb_optim_step(o), NB_OK);
    ck_assert_uint_eq(nb_tensor_version(flat), v0 + 1);
    for (int i = 0; i < np; i++)
        ck_assert_uint_eq(nb_tensor_version(nb_model_param_at(m, i)), v0 + 1);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_STATE);
    char msg[160];
    snprintf(msg, sizeof msg, "input 2 (3x1) was modified in place after the forward pass saved "
             "it (version %llu when saved, now %llu)", (unsigned long long)v0,
             (unsigned long long)(v0 + 1));
    ck_assert_error(NB_ERR_STATE, "backward of 'matmul'");
    ck_assert_error(NB_ERR_STATE, msg);

    /* a write through the buffer and one bump of it: every parameter sees it */
    nb_tensor_data_f64(flat)[0] += 1;
    nb_tensor_bump_version(flat);
    for (int i = 0; i < np; i++)
        ck_assert_uint_eq(nb_tensor_version(nb_model_param_at(m, i)), v0 + 2);
    /* zero_grad: one new version of every gradient */
    g0 = nb_tensor_version(gflat);
    ck_assert_int_eq(nb_optim_zero_grad(o), NB_OK);
    for (int i = 0; i < np; i++)
        ck_assert_uint_eq(nb_tensor_version(nb_tensor_grad(nb_model_param_at(m, i))),
                          nb_tensor_version(gflat));
    ck_assert_uint_eq(nb_tensor_version(gflat), g0 + 1);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

/* f32 works too (one loop per dtype). */
START_TEST(test_f32_step)
{
    nb_model *m = nb_model_new(NULL);
    nb_tensor *w = nb_model_add_param(m, "w", NB_SHAPE(3));
    nb_optim *o = nb_adam_new(m, &(nb_adam_opts){.lr = 0.5});
    float *g = nb_tensor_data_f32(nb_model_grads_flat(m));
    g[0] = 2;
    g[1] = -3;
    g[2] = 0;
    nb_optim_step(o);
    const double want[] = {-0.5, 0.5, 0};
    ck_assert_tensor_near(w, want, 3, 1e-5); /* f32 rounding of v and 1/sqrt(1 - b2) */
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_subnormals_flushed_and_mxcsr_restored)
{
    nb_model *m = two_scalar_model();
    nb_optim *o = nb_adam_new(m, NULL);
#if defined(__SSE2__) || defined(__x86_64__)
    unsigned before = _mm_getcsr();
#endif
    /* a subnormal gradient: the moments must not keep subnormal values */
    set_grad(m, DBL_MIN / 4, -DBL_MIN / 8);
    nb_optim_step(o);
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 2; i++) {
            double v = ((double *)o->state[s])[i];
            ck_assert_msg(v == 0 || fabs(v) >= DBL_MIN, "state %d[%d] = %g is subnormal", s, i, v);
        }
#if defined(__SSE2__) || defined(__x86_64__)
    ck_assert_uint_eq(_mm_getcsr(), before);
#endif
    /* ordinary arithmetic after the step keeps IEEE subnormals */
    volatile double tiny = DBL_MIN;
    ck_assert(tiny / 4 > 0);
    nb_optim_free(o);
    nb_model_free(m);
}
END_TEST

START_TEST(test_bad_inputs)
{
    ck_assert_ptr_null(nb_sgd_new(NULL, NULL));
    ck_assert_error(NB_ERR_NULL, "model is NULL");
    nb_model *empty = nb_model_new(NULL);
    ck_assert_ptr_null(nb_adam_new(empty, NULL));
    ck_assert_error(NB_ERR_STATE, "no parameters");
    nb_model_free(empty);
    nb_model *m = two_scalar_model();
    ck_assert_ptr_null(nb_adam_new(m, &(nb_adam_opts){.beta1 = 1.5}));
    ck_assert_error(NB_ERR_ARG, "nb_adam_new: beta1 is 1.5");
    ck_assert_ptr_null(nb_sgd_new(m, &(nb_sgd_opts){.lr = -1}));
    ck_assert_error(NB_ERR_ARG, "nb_sgd_new: lr is -1");
    ck_assert_ptr_null(nb_sgd_new(m, &(nb_sgd_opts){.nesterov = true}));
    ck_assert_error(NB_ERR_ARG, "Nesterov");
    ck_assert_ptr_null(nb_rprop_new(m, &(nb_rprop_opts){.delt_dec = 2}));
    ck_assert_error(NB_ERR_ARG, "nb_rprop_new: delt_dec is 2");
    ck_assert_ptr_null(nb_rmsprop_new(m, &(nb_rmsprop_opts){.alpha = 1}));
    ck_assert_error(NB_ERR_ARG, "nb_rmsprop_new: alpha is 1");
    ck_assert_int_lt(nb_optim_step(NULL), 0);
    ck_assert_error(NB_ERR_NULL, "optimizer is NULL");
    nb_optim *o = nb_sgd_new(m, NULL);
    ck_assert_double_eq(nb_optim_lr(o), 0.01);
    ck_assert_int_lt(nb_optim_set_lr(o, 0), 0);
    ck_assert_error(NB_ERR_ARG, "nb_optim_set_lr: lr is 0; expected a finite number > 0");
    /* a parameter added after the optimizer was made */
    nb_model_add_param(m, "late", NB_SHAPE(1));
    ck_assert_int_lt(nb_optim_step(o), 0);
    ck_assert_error(NB_ERR_STATE, "make the optimizer after the model is complete");
    nb_optim_free(o);
    nb_optim_free(NULL);
    nb_model_free(m);
}
END_TEST

/* Every floating option of every optimizer: NaN, +-Inf and values outside
 * the option's range are refused when the optimizer is made, with one
 * message naming the function, the option, its value and the range (a NaN
 * learning rate used to be taken, and the weights were NaN after a step). */
#define EXPECT_BAD_OPT(call, msg)                                                            \
    do {                                                                                     \
        nb_clear_error();                                                                    \
        ck_assert_ptr_null(call);                                                            \
        ck_assert_error(NB_ERR_ARG, msg);                                                    \
    } while (0)

START_TEST(test_options_not_finite_or_out_of_range)
{
    nb_model *m = two_scalar_model();
    const double bad[] = {NAN, -NAN, INFINITY, -INFINITY};
    const char *const shown[] = {"nan", "nan", "inf", "-inf"};
    char msg[160];
    for (int k = 0; k < 4; k++) {
        double v = bad[k];
        const char *s = shown[k];
#define BAD(call, api, name, range)                                                          \
    do {                                                                                     \
        snprintf(msg, sizeof msg, "%s: %s is %s; expected %s", api, name, s, range);         \
        EXPECT_BAD_OPT(call, msg);                                                           \
    } while (0)
        BAD(nb_sgd_new(m, &(nb_sgd_opts){.lr = v}), "nb_sgd_new", "lr", "a finite number > 0");
        BAD(nb_sgd_new(m, &(nb_sgd_opts){.momentum = v}), "nb_sgd_new", "momentum",
            "a number in [0, 1)");
        BAD(nb_sgd_new(m, &(nb_sgd_opts){.dampening = v}), "nb_sgd_new", "dampening",
            "a number in [0, 1]");
        BAD(nb_sgd_new(m, &(nb_sgd_opts){.weight_decay = v}), "nb_sgd_new", "weight_decay",
            "a finite number >= 0");
        BAD(nb_adam_new(m, &(nb_adam_opts){.lr = v}), "nb_adam_new", "lr", "a finite number > 0");
        BAD(nb_adam_new(m, &(nb_adam_opts){.beta1 = v}), "nb_adam_new", "beta1",
            "a number in [0, 1)");
        BAD(nb_adam_new(m, &(nb_adam_opts){.beta2 = v}), "nb_adam_new", "beta2",
            "a number in [0, 1)");
        BAD(nb_adam_new(m, &(nb_adam_opts){.eps = v}), "nb_adam_new", "eps", "a finite number > 0");
        BAD(nb_adamw_new(m, &(nb_adam_opts){.weight_decay = v}), "nb_adamw_new", "weight_decay",
            "a finite number >= 0");
        BAD(nb_rmsprop_new(m, &(nb_rmsprop_opts){.lr = v}), "nb_rmsprop_new", "lr",
            "a finite number > 0");
        BAD(nb_rmsprop_new(m, &(nb_rmsprop_opts){.alpha = v}), "nb_rmsprop_new", "alpha",
            "a number in [0, 1)");
        BAD(nb_rmsprop_new(m, &(nb_rmsprop_opts){.eps = v}), "nb_rmsprop_new", "eps",
            "a finite number > 0");
        BAD(nb_rmsprop_new(m, &(nb_rmsprop_opts){.momentum = v}), "nb_rmsprop_new", "momentum",
            "a number in [0, 1)");
        BAD(nb_rmsprop_new(m, &(nb_rmsprop_opts){.weight_decay = v}), "nb_rmsprop_new",
            "weight_decay", "a finite number >= 0");
        BAD(nb_rprop_new(m, &(nb_rprop_opts){.delta0 = v}), "nb_rprop_new", "delta0",
            "a finite number > 0");
        BAD(nb_rprop_new(m, &(nb_rprop_opts){.delt_inc = v}), "nb_rprop_new", "delt_inc",
            "a finite number >= 1");
        BAD(nb_rprop_new(m, &(nb_rprop_opts){.delt_dec = v}), "nb_rprop_new", "delt_dec",
            "a number in (0, 1)");
        BAD(nb_rprop_new(m, &(nb_rprop_opts){.deltamax = v}), "nb_rprop_new", "deltamax",
            "a finite number > 0");
        BAD(nb_rprop_new(m, &(nb_rprop_opts){.deltamin = v}), "nb_rprop_new", "deltamin",
            "a number in [0, 50]");
#undef BAD
    }
    /* finite values outside the ranges */
    EXPECT_BAD_OPT(nb_sgd_new(m, &(nb_sgd_opts){.momentum = 1}),
                   "nb_sgd_new: momentum is 1; expected a number in [0, 1)");
    EXPECT_BAD_OPT(nb_sgd_new(m, &(nb_sgd_opts){.dampening = 1.5}),
                   "nb_sgd_new: dampening is 1.5; expected a number in [0, 1]");
    EXPECT_BAD_OPT(nb_sgd_new(m, &(nb_sgd_opts){.weight_decay = -0.1}),
                   "nb_sgd_new: weight_decay is -0.1; expected a finite number >= 0");
    EXPECT_BAD_OPT(nb_adam_new(m, &(nb_adam_opts){.beta2 = 1}),
                   "nb_adam_new: beta2 is 1; expected a number in [0, 1)");
    EXPECT_BAD_OPT(nb_adam_new(m, &(nb_adam_opts){.eps = -1e-8}),
                   "nb_adam_new: eps is -1e-08; expected a finite number > 0");
    EXPECT_BAD_OPT(nb_rmsprop_new(m, &(nb_rmsprop_opts){.momentum = 1}),
                   "nb_rmsprop_new: momentum is 1; expected a number in [0, 1)");
    EXPECT_BAD_OPT(nb_rprop_new(m, &(nb_rprop_opts){.delta0 = -1}),
                   "nb_rprop_new: delta0 is -1; expected a finite number > 0");
    EXPECT_BAD_OPT(nb_rprop_new(m, &(nb_rprop_opts){.delt_inc = 0.5}),
                   "nb_rprop_new: delt_inc is 0.5; expected a finite number >= 1");
    EXPECT_BAD_OPT(nb_rprop_new(m, &(nb_rprop_opts){.deltamax = -1}),
                   "nb_rprop_new: deltamax is -1; expected a finite number > 0");
    EXPECT_BAD_OPT(nb_rprop_new(m, &(nb_rprop_opts){.deltamin = 60}),
                   "nb_rprop_new: deltamin is 60; expected a number in [0, 50]");
    /* the edges of the ranges are taken */
    nb_optim *o = nb_sgd_new(m, &(nb_sgd_opts){.momentum = 0.999, .dampening = 1});
    ck_assert_msg(o != NULL, "%s", nb_last_error());
    nb_optim_free(o);
    o = nb_rprop_new(m, &(nb_rprop_opts){.delt_inc = 1, .deltamin = 50});
    ck_assert_msg(o != NULL, "%s", nb_last_error());
    nb_optim_free(o);
    /* and a learning rate set later */
    o = nb_adam_new(m, NULL);
    ck_assert_int_eq(nb_optim_set_lr(o, NAN), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_optim_set_lr: lr is nan; expected a finite number > 0");
    ck_assert_int_eq(nb_optim_set_lr(o, INFINITY), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_optim_set_lr: lr is inf; expected a finite number > 0");
    ck_assert_double_eq(nb_optim_lr(o), 1e-3);
    nb_optim_free(o);
    expect_w(m, 1, -2, 0);
    nb_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = nb_test_case("optim");
    tcase_add_test(tc, test_sgd_plain_and_weight_decay);
    tcase_add_test(tc, test_sgd_momentum_and_nesterov);
    tcase_add_test(tc, test_adam_bias_correction);
    tcase_add_test(tc, test_adamw_decoupled_decay);
    tcase_add_test(tc, test_rmsprop);
    tcase_add_test(tc, test_rprop_matlab_defaults_and_signs);
    tcase_add_test(tc, test_step_is_a_new_version_of_every_parameter);
    tcase_add_test(tc, test_f32_step);
    tcase_add_test(tc, test_subnormals_flushed_and_mxcsr_restored);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_options_not_finite_or_out_of_range);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
