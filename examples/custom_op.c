/* custom_op.c — write your own op with a hand-written backward, and let
 * gradcheck tell you whether the derivative is right.
 *
 *   softplus(x) = log(1 + e^x),    d/dx softplus(x) = e^x / (1 + e^x) = sigmoid(x)
 *
 * Forward and backward are plain C loops here (so the op is declared once
 * differentiable: second order would need a backward made of nabla ops).
 * A second version carries a typical slip, 1 / (1 + e^x), which is
 * sigmoid(-x): gradcheck pinpoints the wrong entries.
 * Exits 0 when gradcheck accepts the right op and rejects the wrong one.
 */
#include <math.h>
#include <stdio.h>

#include <nabla.h>

/* log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
static nb_tensor *softplus_forward(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    nb_tensor *y = nb_zeros(NB_F64, nb_tensor_ndim(in[0]), nb_tensor_shape(in[0]));
    const double *x = nb_tensor_data_f64(in[0]);
    double *out = nb_tensor_data_f64(y);
    if (!x || !out)
        return NULL; /* f32 input, or out of memory: nabla has the message */
    for (int64_t i = 0; i < nb_tensor_numel(y); i++)
        out[i] = fmax(x[i], 0) + log1p(exp(-fabs(x[i])));
    return y;
}

/* grad_in = grad_out * sigmoid(x) */
static int softplus_backward(const nb_custom_saved *saved, nb_tensor *const *in, int n,
                             nb_tensor *out, nb_tensor *grad_out, nb_tensor **grad_in, void *user)
{
    (void)saved, (void)n, (void)out;
    bool wrong = user != NULL;
    nb_tensor *g = nb_zeros(NB_F64, nb_tensor_ndim(in[0]), nb_tensor_shape(in[0]));
    if (!g)
        return nb_last_status();
    const double *x = nb_tensor_data_f64(in[0]), *go = nb_tensor_data_f64(grad_out);
    double *gi = nb_tensor_data_f64(g);
    for (int64_t i = 0; i < nb_tensor_numel(g); i++) {
        double s = wrong ? 1 / (1 + exp(x[i])) /* the slip */ : 1 / (1 + exp(-x[i]));
        gi[i] = go[i] * s;
    }
    grad_in[0] = g;
    return 0;
}

/* gradcheck's view: inputs -> one output. */
static nb_tensor *apply(nb_tensor *const *in, int n, void *ctx)
{
    return nb_custom_op_apply((const nb_custom_op *)ctx, in, n);
}

int main(void)
{
    nb_arena *arena = nb_arena_new();
    nb_op_registry *reg = nb_op_registry_new();
    if (!arena || !reg)
        return 1;
    nb_arena_use(arena);
    static int wrong_flag;
    const nb_custom_op *good = nb_custom_op_define(reg, &(nb_custom_op_def){
        .name = "softplus", .n_inputs = 1, .forward = softplus_forward,
        .backward = softplus_backward, .once_differentiable = true});
    const nb_custom_op *bad = nb_custom_op_define(reg, &(nb_custom_op_def){
        .name = "softplus_wrong", .n_inputs = 1, .forward = softplus_forward,
        .backward = softplus_backward, .once_differentiable = true, .user = &wrong_flag});
    if (!good || !bad) {
        fprintf(stderr, "%s\n", nb_last_error());
        return 1;
    }

    nb_tensor *x = nb_from_f64((const double[]){-2, -0.5, 0.3, 1, 3, 10}, NB_SHAPE(2, 3));
    nb_tensor_set_requires_grad(x, true);
    nb_tensor *y = nb_custom_call(reg, "softplus", &x, 1); /* found by name */
    if (!y || nb_backward(nb_sum(y), NULL) != NB_OK) {
        fprintf(stderr, "%s\n", nb_last_error());
        return 1;
    }
    printf("x             softplus(x)   d/dx (hand-written backward)\n");
    for (int64_t i = 0; i < nb_tensor_numel(x); i++)
        printf("% -13g %-13.6g %.6g\n", nb_tensor_get(x, i), nb_tensor_get(y, i), nb_tensor_get(nb_tensor_grad(x), i));

    nb_gradcheck_result r;
    nb_gradcheck_opts opts = {.report = stdout};
    int rc_good = nb_gradcheck(apply, &x, 1, (void *)good, &opts, &r);
    printf("\ngradcheck of 'softplus': %s (%lld Jacobian entries, largest error %.2g)\n",
           rc_good == NB_OK ? "passed" : "FAILED", (long long)r.checked, r.max_abs_error);

    nb_clear_error();
    int rc_bad = nb_gradcheck(apply, &x, 1, (void *)bad, &opts, &r);
    printf("\ngradcheck of 'softplus_wrong': %s\n", rc_bad == NB_OK ? "passed (!)" : "failed, as it should");
    if (rc_bad != NB_OK) {
        printf("  %s\n", nb_last_error());
        printf("  worst entry: input element %lld, autodiff %.6g, finite differences %.6g\n",
               (long long)r.element_index, r.analytic, r.numeric);
    }
    nb_op_registry_free(reg);
    nb_arena_free(arena);
    return rc_good == NB_OK && rc_bad == NB_ERR_GRAD ? 0 : 1;
}
