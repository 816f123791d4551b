/* Helpers shared by the op suites: random inputs, f32 copies, and asserts
 * that run nb_gradcheck / nb_gradgradcheck and compare f32 with f64. */
#ifndef NB_TEST_OPS_GRAD_H
#define NB_TEST_OPS_GRAD_H

#include <stdio.h>

#include "test_util.h"

/* An f64 tensor of uniform values in [lo, hi) that requires grad. */
static inline nb_tensor *t_rand(uint64_t seed, int ndim, const int64_t *shape, double lo, double hi)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_tensor *t = nb_rand_uniform(&rng, NB_F64, ndim, shape, lo, hi);
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    return nb_tensor_set_requires_grad(t, true);
}

/* A tensor of `dtype` holding `data` (given as doubles). */
static inline nb_tensor *t_vals(nb_dtype dtype, const double *data, int ndim, const int64_t *shape)
{
    nb_tensor *t = nb_zeros(dtype, ndim, shape);
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    for (int64_t i = 0; i < nb_tensor_numel(t); i++) {
        if (dtype == NB_F32)
            nb_tensor_data_f32(t)[i] = (float)data[i];
        else
            nb_tensor_data_f64(t)[i] = data[i];
    }
    return t;
}

/* An f32 copy of t, requiring grad like t. */
static inline nb_tensor *t_to_f32(const nb_tensor *t)
{
    nb_tensor *c = nb_zeros(NB_F32, nb_tensor_ndim(t), nb_tensor_shape(t));
    ck_assert_msg(c != NULL, "%s", nb_last_error());
    for (int64_t i = 0; i < nb_tensor_numel(t); i++)
        nb_tensor_data_f32(c)[i] = (float)nb_tensor_get(t, i);
    return nb_tensor_set_requires_grad(c, nb_tensor_requires_grad(t));
}

/* fn's Jacobian and second derivatives agree with finite differences. */
#define ck_assert_grads(fn, inputs, n, ctx)                                                     \
    do {                                                                                        \
        nb_gradcheck_result r_;                                                                 \
        nb_gradcheck_opts o_ = {.report = stderr};                                              \
        int rc_ = nb_gradcheck((fn), (inputs), (n), (ctx), &o_, &r_);                           \
        ck_assert_msg(rc_ == NB_OK, "gradcheck (%s:%d): %s | %s", __FILE__, __LINE__,            \
                      r_.message, nb_last_error());                                              \
        ck_assert_int_gt(r_.checked, 0);                                                        \
        rc_ = nb_gradgradcheck((fn), (inputs), (n), (ctx), &o_, &r_);                           \
        ck_assert_msg(rc_ == NB_OK, "gradgradcheck (%s:%d): %s | %s", __FILE__, __LINE__,        \
                      r_.message, nb_last_error());                                              \
    } while (0)

/* fn on f32 copies of the inputs agrees with fn on the f64 inputs within
 * tol * (1 + |f64 value|) per element. */
static inline void check_f32_agrees(nb_fn fn, nb_tensor *const *in64, int n, void *ctx, double tol)
{
    nb_tensor *in32[8];
    ck_assert_int_le(n, 8);
    for (int k = 0; k < n; k++)
        in32[k] = t_to_f32(in64[k]);
    nb_tensor *y64 = fn(in64, n, ctx), *y32 = fn(in32, n, ctx);
    ck_assert_msg(y64 && y32, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dtype(y32), NB_F32);
    ck_assert(nb_tensor_same_shape(y64, y32));
    for (int64_t i = 0; i < nb_tensor_numel(y64); i++) {
        double a = nb_tensor_get(y64, i), b = nb_tensor_get(y32, i);
        ck_assert_msg(fabs(a - b) <= tol * (1 + fabs(a)), "element %lld: f64 %.10g, f32 %.10g",
                      (long long)i, a, b);
    }
}

/* Gradient of a one-element y with respect to x, by nb_grad. */
static inline nb_tensor *t_grad(nb_tensor *y, nb_tensor *x)
{
    nb_tensor *g = NULL;
    int rc = nb_grad(&y, 1, &x, 1, NULL, 0, &g);
    ck_assert_msg(rc == NB_OK && g, "nb_grad: %s", nb_last_error());
    return g;
}

/* Record a recognisable earlier failure. */
static inline void nb__test_sticky_seed(void)
{
    nb_tensor *t = nb_zeros(NB_F64, 1, (const int64_t[]){2});
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(nb_reshape(t, 1, (const int64_t[]){3}));
}

/* A NULL input gives NULL and keeps the earlier message (sticky errors). */
#define ck_assert_sticky(call)                                                                  \
    do {                                                                                        \
        nb_clear_error();                                                                       \
        nb__test_sticky_seed();                                                                 \
        ck_assert_ptr_null(call);                                                               \
        ck_assert_int_eq(nb_last_status(), NB_ERR_SHAPE);                                       \
        ck_assert_msg(strstr(nb_last_error(), "reshape: cannot view") != NULL,                  \
                      "message replaced: %s", nb_last_error());                                 \
    } while (0)

#endif
