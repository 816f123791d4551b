/* Tests of nb_check_grad (a gradient derived by hand against autodiff and
 * central differences, first and second order) and nb_allclose.
 *
 * The function under test is one BP layer with a gain k inside its
 * transfer function: Y = tanh(k X W), E = sum((Y - T)²) / 2.  By hand,
 *   delta = dE/dZ = (Y - T) ⊙ k (1 - Y²)   (Z = X W),
 *   dE/dW = Xᵀ delta,   dE/dX = delta Wᵀ.
 * The classic slip is to drop the gain from the derivative of tanh(kZ):
 * caught at k = 1.7, invisible at k = 1. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdio.h>

#include "test_util.h"

enum { N = 4, I = 3, H = 2 };

typedef struct layer {
    nb_tensor *T; /* targets, N x H */
    double gain;
} layer;

static nb_tensor *layer_error(nb_tensor *const *in, int n, void *vctx)
{
    (void)n;
    const layer *c = vctx;
    nb_tensor *Y = nb_tanh(nb_mul_scalar(nb_matmul(in[1], in[0]), c->gain));
    return nb_mul_scalar(nb_sum(nb_square(nb_sub(Y, c->T))), 0.5);
}

/* dE/dW and dE/dX by hand, in plain loops; with_gain false is the bug. */
static void layer_grads(const double *W, const double *X, const double *T, double k,
                        bool with_gain, double *gW, double *gX)
{
    double D[N * H];
    for (int r = 0; r < N; r++)
        for (int h = 0; h < H; h++) {
            double z = 0;
            for (int i = 0; i < I; i++)
                z += X[r * I + i] * W[i * H + h];
            double y = tanh(k * z);
            D[r * H + h] = (y - T[r * H + h]) * (with_gain ? k : 1.0) * (1 - y * y);
        }
    for (int i = 0; i < I; i++)
        for (int h = 0; h < H; h++) {
            double s = 0;
            for (int r = 0; r < N; r++)
                s += X[r * I + i] * D[r * H + h];
            gW[i * H + h] = s;
        }
    for (int r = 0; r < N; r++)
        for (int i = 0; i < I; i++) {
            double s = 0;
            for (int h = 0; h < H; h++)
                s += D[r * H + h] * W[i * H + h];
            gX[r * I + i] = s;
        }
}

typedef struct fixture {
    layer c;
    nb_tensor *in[2]; /* W (I x H), X (N x I) */
    double gW[I * H], gX[N * I];       /* right */
    double bW[I * H], bX[N * I];       /* without the gain */
} fixture;

/* A random, non-special point: nothing is 0, 1 or symmetric. */
static void make_fixture(fixture *f, double gain, nb_dtype dtype)
{
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    f->in[0] = nb_rand_normal(&rng, dtype, NB_SHAPE(I, H), 0, 0.5);
    f->in[1] = nb_rand_normal(&rng, dtype, NB_SHAPE(N, I), 0, 1);
    f->c.T = nb_rand_normal(&rng, NB_F64, NB_SHAPE(N, H), 0, 0.5);
    f->c.gain = gain;
    ck_assert_msg(f->in[0] && f->in[1] && f->c.T, "%s", nb_last_error());
    double W[I * H], X[N * I];
    for (int k = 0; k < I * H; k++)
        W[k] = nb_tensor_get(f->in[0], k);
    for (int k = 0; k < N * I; k++)
        X[k] = nb_tensor_get(f->in[1], k);
    layer_grads(W, X, nb_tensor_data_f64(f->c.T), gain, true, f->gW, f->gX);
    layer_grads(W, X, nb_tensor_data_f64(f->c.T), gain, false, f->bW, f->bX);
}

/* A report written to memory (tests write no files). */
typedef struct memfile {
    char *buf;
    size_t size;
    FILE *f;
} memfile;

static void mem_open(memfile *m)
{
    m->buf = NULL;
    m->size = 0;
    m->f = open_memstream(&m->buf, &m->size);
    ck_assert_ptr_nonnull(m->f);
}

static const char *mem_text(memfile *m)
{
    fflush(m->f);
    return m->buf;
}

static void mem_close(memfile *m)
{
    fclose(m->f);
    free(m->buf);
}

START_TEST(correct_gradient_passes)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F64);
    nb_check_grad_result r;
    memfile rep;
    mem_open(&rep);
    int rc = nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.gW, f.gX},
                               &(nb_check_grad_opts){.report = rep.f}, &r);
    ck_assert_msg(rc == NB_OK, "%s", r.message);
    ck_assert(r.passed);
    ck_assert_int_eq(r.checked, I * H + N * I);
    ck_assert_int_eq(r.differ, 0);
    ck_assert_int_eq(r.engine_differ, 0);
    ck_assert(fabs(r.yours - r.autodiff) < 1e-12);
    ck_assert(fabs(r.yours - r.numeric) < 1e-8);
    ck_assert_pstr_eq(strstr(r.message, "inputs[0] (3x2): all 6 agree (largest difference "),
                      r.message);
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[1] (4x3): all 12 agree"));
    const char *text = mem_text(&rep);
    ck_assert_ptr_nonnull(strstr(text, "nb_check_grad_f64: inputs[0] (3x2): all 6 agree"));
    ck_assert_ptr_nonnull(strstr(text, "\nnb_check_grad_f64: inputs[1] (4x3): all 12 agree"));
    mem_close(&rep);
    /* the same as tensors, without a result or options */
    nb_tensor *mine[2] = {nb_from_f64(f.gW, NB_SHAPE(I, H)), NULL};
    ck_assert_int_eq(nb_check_grad(layer_error, f.in, 2, &f.c, mine, NULL, NULL), NB_OK);
}
END_TEST

/* The worst entry of the buggy dE/dW, by the check's own rule (yours
 * against the true gradient, atol 1e-5 + rtol 1e-3 |true|). */
static int worst_entry(const double *mine, const double *truth, int n)
{
    int worst = 0;
    double wr = -1;
    for (int k = 0; k < n; k++) {
        double ratio = fabs(mine[k] - truth[k]) / (1e-5 + 1e-3 * fabs(truth[k]));
        if (ratio > wr) {
            wr = ratio;
            worst = k;
        }
    }
    return worst;
}

START_TEST(forgot_the_gain_is_caught)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F64);
    nb_check_grad_result r;
    memfile rep;
    mem_open(&rep);
    int rc = nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.bW, f.gX},
                               &(nb_check_grad_opts){.report = rep.f}, &r);
    ck_assert_int_eq(rc, NB_ERR_MISMATCH);
    ck_assert(!r.passed);
    ck_assert_int_eq(r.differ, I * H); /* every entry of dE/dW is off by 1.7 */
    ck_assert_int_eq(r.engine_differ, 0);
    int k = worst_entry(f.bW, f.gW, I * H);
    ck_assert_int_eq(r.worst_input, 0);
    ck_assert_int_eq(r.worst_element, k);
    ck_assert(!r.worst_is_hvp);
    ck_assert(r.yours == f.bW[k]);
    ck_assert(fabs(r.autodiff - f.gW[k]) < 1e-12);
    ck_assert(fabs(r.numeric - f.gW[k]) < 1e-8);
    ck_assert(fabs(r.autodiff / r.yours - 1.7) < 1e-12);
    char want[256];
    snprintf(want, sizeof want,
             "inputs[0] (3x2): 6 of 6 entries differ, worst at [%d,%d]: yours %.8g, autodiff %.8g, "
             "numeric ",
             k / H, k % H, f.bW[k], f.gW[k]);
    ck_assert_msg(strncmp(r.message, want, strlen(want)) == 0, "'%s' does not start with '%s'",
                  r.message, want);
    double numeric = strtod(r.message + strlen(want), NULL);
    ck_assert(fabs(numeric - f.gW[k]) < 1e-7);
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[1] (4x3): all 12 agree"));
    /* the error message is the report on one line */
    ck_assert_error(NB_ERR_MISMATCH, "nb_check_grad_f64: inputs[0] (3x2): 6 of 6 entries differ");
    ck_assert_ptr_nonnull(strstr(mem_text(&rep), want));
    mem_close(&rep);
}
END_TEST

/* At gain 1 the missing factor is 1: the same bug passes.  Hence the
 * advice to check at random, non-special points. */
START_TEST(forgot_the_gain_passes_at_gain_one)
{
    fixture f;
    make_fixture(&f, 1.0, NB_F64);
    for (int k = 0; k < I * H; k++)
        ck_assert(f.bW[k] == f.gW[k]);
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.bW, f.bX},
                                       NULL, &r),
                     NB_OK);
    ck_assert(r.passed);
}
END_TEST

START_TEST(inputs_are_left_alone)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F64);
    double before[I * H];
    memcpy(before, nb_tensor_data_f64(f.in[0]), sizeof before);
    uint64_t v0 = nb_tensor_version(f.in[0]);
    nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.bW, NULL}, NULL, NULL);
    ck_assert_mem_eq(before, nb_tensor_data_f64(f.in[0]), sizeof before);
    ck_assert_uint_eq(nb_tensor_version(f.in[0]), v0);
    ck_assert(!nb_tensor_requires_grad(f.in[0]));
    ck_assert_ptr_null(nb_tensor_grad(f.in[0]));
}
END_TEST

/* f32 inputs are checked on f64 copies, with a warning in the report. */
START_TEST(f32_inputs_warn)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F32);
    memfile rep;
    mem_open(&rep);
    nb_check_grad_result r;
    int rc = nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.gW, NULL},
                               &(nb_check_grad_opts){.report = rep.f}, &r);
    ck_assert_msg(rc == NB_OK, "%s", r.message);
    ck_assert_ptr_nonnull(strstr(mem_text(&rep), "nb_check_grad_f64: warning: inputs[0] is f32; it "
                                                 "is checked on an f64 copy"));
    mem_close(&rep);
}
END_TEST

/* ---- second order ---- */

/* f(x, A) = xᵀ A x: grad_x = (A + Aᵀ) x, grad_A = x xᵀ, and for a
 * direction (vx, vA): (H v)_x = (A + Aᵀ) vx + (vA + vAᵀ) x,
 * (H v)_A = vx xᵀ + x vxᵀ: the cross terms of the two inputs. */
static nb_tensor *quad(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_mul(in[0], nb_matmul(in[1], in[0])));
}

START_TEST(second_order)
{
    double x[2] = {0.7, -1.3}, A[4] = {0.4, 1.1, -0.6, 2.3}, vx[2] = {0.3, 0.9},
           vA[4] = {-0.5, 0.2, 0.8, 0.1};
    double gx[2], gA[4], hx[2], hA[4];
    for (int i = 0; i < 2; i++) {
        gx[i] = hx[i] = 0;
        for (int j = 0; j < 2; j++) {
            gx[i] += (A[i * 2 + j] + A[j * 2 + i]) * x[j];
            hx[i] += (A[i * 2 + j] + A[j * 2 + i]) * vx[j] + (vA[i * 2 + j] + vA[j * 2 + i]) * x[j];
            gA[i * 2 + j] = x[i] * x[j];
            hA[i * 2 + j] = vx[i] * x[j] + x[i] * vx[j];
        }
    }
    nb_tensor *in[2] = {nb_from_f64(x, NB_SHAPE(2, 1)), nb_from_f64(A, NB_SHAPE(2, 2))};
    nb_tensor *mine[2] = {nb_from_f64(gx, NB_SHAPE(2, 1)), nb_from_f64(gA, NB_SHAPE(2, 2))};
    nb_tensor *v[2] = {nb_from_f64(vx, NB_SHAPE(2, 1)), nb_from_f64(vA, NB_SHAPE(2, 2))};
    nb_tensor *hv[2] = {nb_from_f64(hx, NB_SHAPE(2, 1)), nb_from_f64(hA, NB_SHAPE(2, 2))};
    nb_check_grad_result r;
    int rc = nb_check_grad(quad, in, 2, NULL, mine, &(nb_check_grad_opts){.hvp_v = v, .my_hvp = hv},
                           &r);
    ck_assert_msg(rc == NB_OK, "%s", r.message);
    ck_assert_int_eq(r.checked, 2 + 4 + 2 + 4);
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[0] H v (2x1): all 2 agree"));
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[1] H v (2x2): all 4 agree"));

    /* forget the cross term (vA + vAᵀ) x of (H v)_x: caught in H v only */
    double bad[2];
    for (int i = 0; i < 2; i++) {
        bad[i] = 0;
        for (int j = 0; j < 2; j++)
            bad[i] += (A[i * 2 + j] + A[j * 2 + i]) * vx[j];
    }
    hv[0] = nb_from_f64(bad, NB_SHAPE(2, 1));
    hv[1] = NULL; /* not checked */
    rc = nb_check_grad(quad, in, 2, NULL, mine, &(nb_check_grad_opts){.hvp_v = v, .my_hvp = hv}, &r);
    ck_assert_int_eq(rc, NB_ERR_MISMATCH);
    ck_assert_int_eq(r.checked, 2 + 4 + 2);
    ck_assert_int_eq(r.differ, 2);
    ck_assert(r.worst_is_hvp);
    ck_assert_int_eq(r.worst_input, 0);
    ck_assert(r.yours == bad[r.worst_element]);
    ck_assert(fabs(r.autodiff - hx[r.worst_element]) < 1e-12);
    ck_assert(fabs(r.numeric - hx[r.worst_element]) < 1e-7);
    ck_assert_ptr_nonnull(strstr(r.message, "inputs[0] H v (2x1): 2 of 2 entries differ, worst at ["));
    ck_assert_ptr_null(strstr(r.message, "inputs[1] H v"));
}
END_TEST

/* The same check with everything as plain arrays (nb_check_grad_f64 with
 * opts.hvp_v_f64 / my_hvp_f64), and the misuses of those two fields. */
START_TEST(second_order_as_arrays)
{
    double x[2] = {0.7, -1.3}, A[4] = {0.4, 1.1, -0.6, 2.3}, vx[2] = {0.3, 0.9},
           vA[4] = {-0.5, 0.2, 0.8, 0.1};
    double gx[2], gA[4], hx[2], hA[4], bad[2];
    for (int i = 0; i < 2; i++) {
        gx[i] = hx[i] = bad[i] = 0;
        for (int j = 0; j < 2; j++) {
            gx[i] += (A[i * 2 + j] + A[j * 2 + i]) * x[j];
            bad[i] += (A[i * 2 + j] + A[j * 2 + i]) * vx[j]; /* the cross term forgotten */
            hx[i] += (A[i * 2 + j] + A[j * 2 + i]) * vx[j] + (vA[i * 2 + j] + vA[j * 2 + i]) * x[j];
            gA[i * 2 + j] = x[i] * x[j];
            hA[i * 2 + j] = vx[i] * x[j] + x[i] * vx[j];
        }
    }
    nb_tensor *in[2] = {nb_from_f64(x, NB_SHAPE(2, 1)), nb_from_f64(A, NB_SHAPE(2, 2))};
    const double *mine[2] = {gx, gA}, *v[2] = {vx, vA}, *hv[2] = {hx, hA};
    nb_check_grad_result r;
    int rc = nb_check_grad_f64(quad, in, 2, NULL, mine,
                               &(nb_check_grad_opts){.hvp_v_f64 = v, .my_hvp_f64 = hv}, &r);
    ck_assert_msg(rc == NB_OK, "%s", r.message);
    ck_assert_int_eq(r.checked, 2 + 4 + 2 + 4);
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[0] H v (2x1): all 2 agree"));
    ck_assert_ptr_nonnull(strstr(r.message, "; inputs[1] H v (2x2): all 4 agree"));

    const double *hv_bad[2] = {bad, NULL};
    rc = nb_check_grad_f64(quad, in, 2, NULL, mine,
                           &(nb_check_grad_opts){.hvp_v_f64 = v, .my_hvp_f64 = hv_bad}, &r);
    ck_assert_int_eq(rc, NB_ERR_MISMATCH);
    ck_assert_int_eq(r.checked, 2 + 4 + 2);
    ck_assert_int_eq(r.differ, 2);
    ck_assert(r.worst_is_hvp);
    ck_assert(r.yours == bad[r.worst_element]);
    ck_assert(fabs(r.autodiff - hx[r.worst_element]) < 1e-12);
    ck_assert_ptr_nonnull(strstr(r.message, "inputs[0] H v (2x1): 2 of 2 entries differ, worst at ["));

    /* one of the pair, both forms at once, arrays given to nb_check_grad */
    const char *msg = "opts.hvp_v_f64 and opts.my_hvp_f64 go together, with nb_check_grad_f64 and "
                      "without opts.hvp_v and opts.my_hvp (one form of the second order at a time)";
    char want[256];
    ck_assert_int_eq(nb_check_grad_f64(quad, in, 2, NULL, mine,
                                       &(nb_check_grad_opts){.hvp_v_f64 = v}, &r),
                     NB_ERR_ARG);
    snprintf(want, sizeof want, "nb_check_grad_f64: %s", msg);
    ck_assert_error(NB_ERR_ARG, want);
    ck_assert_str_eq(r.message, want);
    nb_tensor *tv[2] = {nb_from_f64(vx, NB_SHAPE(2, 1)), NULL};
    ck_assert_int_eq(nb_check_grad_f64(quad, in, 2, NULL, mine,
                                       &(nb_check_grad_opts){.hvp_v = tv, .my_hvp = tv,
                                                             .hvp_v_f64 = v, .my_hvp_f64 = hv},
                                       NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, want);
    nb_tensor *tmine[2] = {nb_from_f64(gx, NB_SHAPE(2, 1)), NULL};
    ck_assert_int_eq(nb_check_grad(quad, in, 2, NULL, tmine,
                                   &(nb_check_grad_opts){.hvp_v_f64 = v, .my_hvp_f64 = hv}, NULL),
                     NB_ERR_ARG);
    snprintf(want, sizeof want, "nb_check_grad: %s", msg);
    ck_assert_error(NB_ERR_ARG, want);
}
END_TEST

/* f(x) = sum(tanh(k x)) for one number x: v = 1 makes H v the second
 * derivative, -2 k² t (1 - t²) with t = tanh(k x). */
static nb_tensor *tanh_gain(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return nb_sum(nb_tanh(nb_mul_scalar(in[0], *(const double *)ctx)));
}

START_TEST(second_derivative_of_one_number)
{
    double k = 1.7, x = 0.37, t = tanh(k * x);
    nb_tensor *in = nb_scalar(NB_F64, x);
    nb_tensor *g = nb_scalar(NB_F64, k * (1 - t * t));
    nb_tensor *one = nb_scalar(NB_F64, 1.0);
    nb_tensor *d2 = nb_scalar(NB_F64, -2 * k * k * t * (1 - t * t));
    nb_tensor *d2_bad = nb_scalar(NB_F64, -2 * k * t * (1 - t * t)); /* one gain short */
    ck_assert_int_eq(nb_check_grad(tanh_gain, &in, 1, &k, &g,
                                   &(nb_check_grad_opts){.hvp_v = &one, .my_hvp = &d2}, NULL),
                     NB_OK);
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad(tanh_gain, &in, 1, &k, &g,
                                   &(nb_check_grad_opts){.hvp_v = &one, .my_hvp = &d2_bad}, &r),
                     NB_ERR_MISMATCH);
    ck_assert(r.worst_is_hvp);
    ck_assert(fabs(r.autodiff / r.yours - k) < 1e-12);
    ck_assert_ptr_nonnull(strstr(r.message, "inputs[0] H v (scalar): 1 of 1 entries differ, worst at []"));
}
END_TEST

/* At a kink the references disagree: relu'(0) is 0 for the engine, while
 * the centred difference straddles the kink and gives 1/2.  The report
 * says so even though yours matches the engine. */
static nb_tensor *relu_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_relu(in[0]));
}

START_TEST(references_disagree_at_a_kink)
{
    nb_tensor *x = nb_from_f64((double[]){0.0, 0.5}, NB_SHAPE(2));
    nb_tensor *g = nb_from_f64((double[]){0.0, 1.0}, NB_SHAPE(2));
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad(relu_fn, &x, 1, NULL, &g, NULL, &r), NB_ERR_MISMATCH);
    ck_assert_int_eq(r.differ, 1);
    ck_assert_int_eq(r.engine_differ, 1);
    ck_assert_int_eq(r.worst_element, 0);
    ck_assert(r.yours == 0 && r.autodiff == 0 && fabs(r.numeric - 0.5) < 1e-9);
    ck_assert_ptr_nonnull(strstr(r.message, "inputs[0] (2): 1 of 2 entries differ, worst at [0]: "
                                            "yours 0, autodiff 0, numeric 0.5"));
    ck_assert_ptr_nonnull(strstr(r.message, "; autodiff and numeric disagree at 1 (e.g. [0]: 0 vs "
                                            "0.5): fn is not smooth there"));
}
END_TEST

/* A classic of callbacks: fn reads the weights from ctx, not from its
 * inputs, so it does not depend on them and the report says so. */
static nb_tensor *ignores_input(nb_tensor *const *in, int n, void *ctx)
{
    (void)in, (void)n;
    return nb_sum(nb_square(ctx));
}

START_TEST(fn_ignoring_its_input)
{
    nb_tensor *w = nb_from_f64((double[]){0.4, -1.1}, NB_SHAPE(2));
    nb_tensor *g = nb_from_f64((double[]){0.8, -2.2}, NB_SHAPE(2));
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad(ignores_input, &w, 1, w, &g, NULL, &r), NB_ERR_MISMATCH);
    ck_assert_str_eq(r.message, "inputs[0] (2): 2 of 2 entries differ, worst at [1]: yours -2.2, "
                                "autodiff 0, numeric 0; fn does not depend on inputs[0]: does it "
                                "read a tensor of its own (from ctx) instead of in[0]?");
}
END_TEST

/* ---- misuse ---- */

START_TEST(bad_arguments)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F64);
    nb_tensor *mine[2] = {nb_from_f64(f.gW, NB_SHAPE(I, H)), NULL};
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad(NULL, f.in, 2, &f.c, mine, NULL, &r), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_check_grad: fn is NULL");
    ck_assert(!r.passed);
    ck_assert_str_eq(r.message, nb_last_error());
    ck_assert_int_eq(nb_check_grad(layer_error, NULL, 2, &f.c, mine, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_check_grad: inputs is NULL");
    ck_assert_int_eq(nb_check_grad(layer_error, f.in, 0, &f.c, mine, NULL, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad: n_inputs is 0");
    ck_assert_int_eq(nb_check_grad(layer_error, f.in, 2, &f.c, NULL, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_check_grad: my_grads is NULL");
    ck_assert_int_eq(nb_check_grad(layer_error, f.in, 2, &f.c, (nb_tensor *[]){NULL, NULL}, NULL,
                                   NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad: every entry of my_grads is NULL");
    /* dE/dW given as W's transpose shape */
    nb_tensor *wrong[2] = {nb_from_f64(f.gW, NB_SHAPE(H, I)), NULL};
    ck_assert_int_eq(nb_check_grad(layer_error, f.in, 2, &f.c, wrong, NULL, NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_check_grad: my_grads[0] is 2x3 but inputs[0] is 3x2");
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, NULL, NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_check_grad_f64: my_grads is NULL");
}
END_TEST

START_TEST(bad_tolerances)
{
    fixture f;
    make_fixture(&f, 1.7, NB_F64);
    const double *mine[2] = {f.bW, NULL};
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, mine,
                                       &(nb_check_grad_opts){.atol = INFINITY}, NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad_f64: atol is inf; expected a finite number >= 0");
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, mine,
                                       &(nb_check_grad_opts){.rtol = NAN}, NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad_f64: rtol is nan; expected a finite number >= 0");
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, mine,
                                       &(nb_check_grad_opts){.eps = -1e-6}, NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad_f64: eps is -1e-06; expected a finite number > 0");
    /* a huge step is allowed, and its bad differences are reported as such */
    nb_check_grad_result r;
    ck_assert_int_eq(nb_check_grad_f64(layer_error, f.in, 2, &f.c, (const double *[]){f.gW, NULL},
                                       &(nb_check_grad_opts){.eps = 0.5}, &r),
                     NB_ERR_MISMATCH);
    ck_assert_int_gt(r.engine_differ, 0);
    ck_assert_ptr_nonnull(strstr(r.message, "autodiff and numeric disagree at"));
}
END_TEST

static nb_tensor *not_scalar(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_tanh(in[0]);
}

static nb_tensor *failing(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_matmul(in[0], in[0]));
}

START_TEST(bad_functions_and_second_order_options)
{
    nb_tensor *x = nb_from_f64((double[]){0.5, -1.0, 2.0}, NB_SHAPE(3));
    nb_tensor *g = nb_ones(NB_F64, NB_SHAPE(3));
    ck_assert_int_eq(nb_check_grad(not_scalar, &x, 1, NULL, &g, NULL, NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_check_grad: fn's output is 3; a gradient needs a one-element "
                                  "output (reduce it, e.g. with nb_sum)");
    ck_assert_int_eq(nb_check_grad(failing, &x, 1, NULL, &g, NULL, NULL), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_check_grad: the gradient of fn (called with f64 copies of the "
                                  "inputs): matmul: operands must have at least 2 dimensions");
    nb_tensor *v = nb_ones(NB_F64, NB_SHAPE(3));
    ck_assert_int_eq(nb_check_grad(relu_fn, &x, 1, NULL, &g, &(nb_check_grad_opts){.hvp_v = &v},
                                   NULL),
                     NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_check_grad: opts.hvp_v is set but opts.my_hvp is NULL");
    nb_tensor *v2 = nb_ones(NB_F64, NB_SHAPE(1, 3));
    ck_assert_int_eq(nb_check_grad(relu_fn, &x, 1, NULL, &g,
                                   &(nb_check_grad_opts){.hvp_v = &v2, .my_hvp = &v}, NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_check_grad: opts.hvp_v[0] is 1x3 but inputs[0] is 3");
    nb_tensor *two[2] = {x, x}, *g1[2] = {g, NULL}, *h1[2] = {NULL, v};
    ck_assert_int_eq(nb_check_grad(quad, two, 2, NULL, g1,
                                   &(nb_check_grad_opts){.hvp_v = h1, .my_hvp = h1}, NULL),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_check_grad: opts.hvp_v[1] is set but my_grads[1] is NULL");
}
END_TEST

/* ---- nb_allclose ---- */

START_TEST(allclose_rule)
{
    nb_tensor *b = nb_from_f64((double[]){1.0, 100.0, 0.0}, NB_SHAPE(3));
    nb_tensor *a = nb_from_f64((double[]){1.0 + 1e-6, 100.0 + 5e-4, 5e-9}, NB_SHAPE(3));
    ck_assert(nb_allclose(a, b, 1e-5, 1e-8));       /* 1e-6 <= 1e-8 + 1e-5 ... */
    ck_assert(!nb_allclose(a, b, 1e-6, 1e-8));      /* 5e-4 > 1e-8 + 1e-4 */
    ck_assert(!nb_allclose(a, b, 1e-5, 1e-9));      /* 5e-9 > 1e-9 + 0 */
    ck_assert_int_eq(nb_last_status(), NB_OK);      /* "not close" is not an error */
    /* rtol scales |b| only, as in torch */
    nb_tensor *p = nb_from_f64((double[]){1.0}, NB_SHAPE(1));
    nb_tensor *q = nb_from_f64((double[]){2.0}, NB_SHAPE(1));
    ck_assert(nb_allclose(p, q, 0.5, 0));
    ck_assert(!nb_allclose(q, p, 0.5, 0));
    /* dtypes may differ: values are compared as doubles */
    nb_tensor *b32 = nb_from_f32((float[]){1.0f, 100.0f, 0.0f}, NB_SHAPE(3));
    ck_assert(nb_allclose(b32, b, 0, 0));
    /* empty tensors */
    ck_assert(nb_allclose(nb_zeros(NB_F64, NB_SHAPE(0, 2)), nb_zeros(NB_F64, NB_SHAPE(0, 2)), 0, 0));
}
END_TEST

START_TEST(allclose_nan_and_inf)
{
    nb_tensor *nan = nb_from_f64((double[]){NAN}, NB_SHAPE(1));
    nb_tensor *inf = nb_from_f64((double[]){INFINITY}, NB_SHAPE(1));
    nb_tensor *ninf = nb_from_f64((double[]){-INFINITY}, NB_SHAPE(1));
    nb_tensor *big = nb_from_f64((double[]){1e308}, NB_SHAPE(1));
    ck_assert(!nb_allclose(nan, nan, 1e-5, 1e-8));
    ck_assert(nb_allclose(inf, inf, 1e-5, 1e-8));
    ck_assert(!nb_allclose(inf, ninf, 1e-5, 1e-8));
    ck_assert(!nb_allclose(big, inf, 1e-5, 1e-8));
    ck_assert(!nb_allclose(inf, big, 1e-5, 1e-8));
    ck_assert_int_eq(nb_last_status(), NB_OK);
}
END_TEST

START_TEST(allclose_errors)
{
    nb_tensor *a = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    nb_tensor *b = nb_zeros(NB_F64, NB_SHAPE(3, 2));
    ck_assert(!nb_allclose(a, b, 1e-5, 1e-8));
    ck_assert_error(NB_ERR_SHAPE, "nb_allclose: a is 2x3 but b is 3x2; the shapes must be equal");
    nb_clear_error();
    ck_assert(!nb_allclose(NULL, b, 1e-5, 1e-8));
    ck_assert_error(NB_ERR_NULL, "nb_allclose: a is NULL");
    ck_assert(!nb_allclose(a, a, -1e-5, 1e-8));
    ck_assert_error(NB_ERR_ARG, "nb_allclose: rtol is -1e-05; expected a finite number >= 0");
    ck_assert(!nb_allclose(a, a, 1e-5, INFINITY));
    ck_assert_error(NB_ERR_ARG, "nb_allclose: atol is inf; expected a finite number >= 0");
    ck_assert_str_eq(nb_status_name(NB_ERR_MISMATCH), "values differ");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("check_grad");
    TCase *tc = nb_test_case("first_order");
    tcase_add_test(tc, correct_gradient_passes);
    tcase_add_test(tc, forgot_the_gain_is_caught);
    tcase_add_test(tc, forgot_the_gain_passes_at_gain_one);
    tcase_add_test(tc, inputs_are_left_alone);
    tcase_add_test(tc, f32_inputs_warn);
    tcase_add_test(tc, fn_ignoring_its_input);
    suite_add_tcase(s, tc);
    tc = nb_test_case("second_order");
    tcase_add_test(tc, second_order);
    tcase_add_test(tc, second_order_as_arrays);
    tcase_add_test(tc, second_derivative_of_one_number);
    tcase_add_test(tc, references_disagree_at_a_kink);
    suite_add_tcase(s, tc);
    tc = nb_test_case("misuse");
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, bad_tolerances);
    tcase_add_test(tc, bad_functions_and_second_order_options);
    suite_add_tcase(s, tc);
    tc = nb_test_case("allclose");
    tcase_add_test(tc, allclose_rule);
    tcase_add_test(tc, allclose_nan_and_inf);
    tcase_add_test(tc, allclose_errors);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
