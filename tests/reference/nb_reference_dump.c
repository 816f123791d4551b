/* Evaluate a list of op cases on fixed f64 inputs and print, as JSON, each
 * case's inputs, its value, a fixed weight w and the gradients of
 * sum(out * w) from nb_backward.  compare_torch.py recomputes the same with
 * PyTorch in float64 and compares.
 *
 * Adding a case is one line in REF_CASES below:
 *     X(id, "input shapes", lo, hi, expression)
 * - input shapes: one per input, separated by spaces; dims joined by 'x'
 *   ("2x3 3" is a 2x3 and a 3-vector); "-" is a 0-d input.  Inputs are
 *   named a, b, c, ... g (up to REF_MAX_INPUTS) in the expression, all f64
 *   and requiring grad, with fixed values in [lo, hi).
 * - expression: C using nabla ops.  Its text is sent to the comparison
 *   script, which evaluates it with PyTorch; the helpers below (NB_SHAPE,
 *   PERM, TENSORS, LABELS, MASK, true/false, NB_REDUCE_*) exist on both sides.
 *   A new op function needs one entry in OPS of compare_torch.py.
 * Keep inputs away from kinks (relu at 0, clamp bounds, ties of max). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

/* Constants usable in expressions (mirrored in compare_torch.py). */
#define PERM(...) ((const int[]){__VA_ARGS__})
#define TENSORS(...) ((nb_tensor *[]){__VA_ARGS__})
/* A 1-D f64 mask of 0/1 values, for nb_where. */
#define MASK(...)                                                                       \
    nb_from_f64((const double[]){__VA_ARGS__}, 1,                                     \
                (const int64_t[]){sizeof((const double[]){__VA_ARGS__}) / sizeof(double)})
/* An int64_t array (pad amounts, split sizes). */
#define I64(...) ((const int64_t[]){__VA_ARGS__})
/* A 1-D f64 tensor of given values (batch norm's running statistics). */
#define VEC(...)                                                                        \
    nb_from_f64((const double[]){__VA_ARGS__}, 1,                                     \
                (const int64_t[]){sizeof((const double[]){__VA_ARGS__}) / sizeof(double)})
/* Piece k of nb_split_sizes / nb_chunk (mirrored in compare_torch.py). */
static nb_tensor *split_piece(nb_tensor *x, const int64_t *sizes, int n, int axis, int k)
{
    nb_tensor *out[8];
    return n <= 8 && nb_split_sizes(x, sizes, n, axis, out) == NB_OK ? out[k] : NULL;
}
static nb_tensor *chunk_piece(nb_tensor *x, int chunks, int axis, int k)
{
    nb_tensor *out[8];
    return chunks <= 8 && nb_chunk(x, chunks, axis, out) > k ? out[k] : NULL;
}
/* A 1-D tensor of class labels / row indices (integral f64 values). */
#define LABELS(...)                                                                     \
    nb_from_f64((const double[]){__VA_ARGS__}, 1,                                     \
                (const int64_t[]){sizeof((const double[]){__VA_ARGS__}) / sizeof(double)})

/* Options of the convolution and pooling ops (zeros are the defaults). */
#define CONV2D(sh, sw, ph, pw, dh, dw, g) (&(const nb_conv2d_opts){{sh, sw}, {ph, pw}, {dh, dw}, g})
#define CONV1D(s, p, d, g) (&(const nb_conv1d_opts){s, p, d, g})
#define POOL2D(sh, sw, ph, pw) (&(const nb_pool2d_opts){{sh, sw}, {ph, pw}})
/* An LSTM cell's two outputs side by side, (N, 2H): h1 then c1. */
static nb_tensor *LSTM_HC(nb_tensor *x, nb_tensor *h, nb_tensor *c, nb_tensor *w_ih,
                          nb_tensor *w_hh, nb_tensor *b_ih, nb_tensor *b_hh)
{
    nb_tensor *h1, *c1;
    if (nb_lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh, &h1, &c1) < 0)
        return NULL;
    return nb_concat((nb_tensor *[]){h1, c1}, 2, 1);
}

#define REF_MAX_INPUTS 7

#define REF_CASES(X)                                                                     \
    /* arithmetic core */                                                                \
    X(add, "2x3 2x3", -1, 1, nb_add(a, b))                                               \
    X(add_broadcast, "2x3 3", -1, 1, nb_add(a, b))                                       \
    X(sub, "3x1 1x4", -1, 1, nb_sub(a, b))                                               \
    X(mul, "2x1x4 3x1", -1, 1, nb_mul(a, b))                                             \
    X(div, "2x3 2x3", 0.5, 2, nb_div(a, b))                                              \
    X(div_broadcast, "2x3 -", 0.5, 2, nb_div(a, b))                                      \
    X(neg, "2x3", -1, 1, nb_neg(a))                                                      \
    X(square, "5", -2, 2, nb_square(a))                                                  \
    X(tanh, "2x3", -2, 2, nb_tanh(a))                                                    \
    X(add_scalar, "4", -1, 1, nb_add_scalar(a, 2.5))                                     \
    X(mul_scalar, "4", -1, 1, nb_mul_scalar(a, -1.5))                                    \
    X(matmul, "2x3 3x4", -1, 1, nb_matmul(a, b))                                         \
    X(matmul_batched, "2x2x3 3x2", -1, 1, nb_matmul(a, b))                               \
    X(matmul_t, "3x2 4x3", -1, 1, nb_matmul_t(a, b, true, true))                         \
    X(sum, "2x3", -1, 1, nb_sum(a))                                                      \
    X(sum_axis, "2x3x2", -1, 1, nb_sum_axis(a, 1, false))                                \
    X(sum_axis_keepdim, "2x3", -1, 1, nb_sum_axis(a, -1, true))                          \
    X(reshape, "2x3", -1, 1, nb_reshape(a, NB_SHAPE(3, 2)))                              \
    X(broadcast_to, "1x3", -1, 1, nb_broadcast_to(a, NB_SHAPE(4, 2, 3)))                 \
    X(sum_to, "4x2x3", -1, 1, nb_sum_to(a, NB_SHAPE(2, 1)))                              \
    /* elementwise maps */                                                               \
    X(exp, "2x3", -1, 1, nb_exp(a))                                                      \
    X(log, "2x3", 0.5, 3, nb_log(a))                                                     \
    X(sqrt, "2x3", 0.5, 3, nb_sqrt(a))                                                   \
    X(abs, "2x3", -1, 1, nb_abs(a))                                                      \
    X(sin, "2x3", -2, 2, nb_sin(a))                                                      \
    X(cos, "2x3", -2, 2, nb_cos(a))                                                      \
    X(erf, "2x3", -2, 2, nb_erf(a))                                                      \
    X(erf_wide, "3x4", -3.5, 3.5, nb_erf(a))                                             \
    X(sigmoid, "2x3", -3, 3, nb_sigmoid(a))                                              \
    X(relu, "2x3", -1, 1, nb_relu(a))                                                    \
    X(leaky_relu, "2x3", -1, 1, nb_leaky_relu(a, 0.1))                                   \
    X(softplus, "2x3", -3, 3, nb_softplus(a))                                            \
    X(clamp, "2x3", -1, 1, nb_clamp(a, -0.5, 0.45))                                      \
    X(pow_scalar, "2x3", 0.5, 2, nb_pow_scalar(a, 2.5))                                  \
    X(pow, "2x3 3", 0.5, 2, nb_pow(a, b))                                                \
    X(maximum, "2x3 3", -1, 1, nb_maximum(a, b))                                         \
    X(minimum, "2x3 2x3", -1, 1, nb_minimum(a, b))                                       \
    X(where, "2x3 2x1", -1, 1, nb_where(MASK(1, 0, 1), a, b))                            \
    X(where_greater, "2x3 3", -1, 1, nb_where(nb_greater(a, b), nb_square(a), nb_exp(b))) \
    X(tansig_logsig, "2x3", -2, 2, nb_mul(nb_tansig(a), nb_logsig(a)))                   \
    X(purelin_poslin, "2x3", -1, 1, nb_add(nb_purelin(a), nb_poslin(a)))                 \
    /* reductions */                                                                     \
    X(mean, "2x3", -1, 1, nb_mean(a))                                                    \
    X(mean_axis, "2x3", -1, 1, nb_mean_axis(a, 0, true))                                 \
    X(max, "2x3", -1, 1, nb_max(a))                                                      \
    X(max_axis, "3x4", -1, 1, nb_max_axis(a, 1, false))                                  \
    X(min, "2x3", -1, 1, nb_min(a))                                                      \
    X(min_axis, "3x4", -1, 1, nb_min_axis(a, 0, true))                                   \
    X(logsumexp, "2x3", -2, 2, nb_logsumexp(a))                                          \
    X(logsumexp_axis, "2x3", -2, 2, nb_logsumexp_axis(a, -1, false))                     \
    X(var_axis, "3x5", -1, 1, nb_var_axis(a, 1, 1, false))                               \
    X(var_axis_biased, "3x5", -1, 1, nb_var_axis(a, 0, 0, true))                         \
    X(std_axis, "3x5", -1, 1, nb_std_axis(a, -1, 1, true))                               \
    /* moving elements */                                                                \
    X(transpose, "2x3", -1, 1, nb_transpose(a))                                          \
    X(permute, "2x3x4", -1, 1, nb_permute(a, PERM(2, 0, 1)))                             \
    X(concat, "2x3 2x2", -1, 1, nb_concat(TENSORS(a, b), 2, 1))                          \
    X(slice, "4x3", -1, 1, nb_slice(a, 0, 1, 3))                                         \
    X(flatten, "2x3x2", -1, 1, nb_flatten(a, 1))                                         \
    X(unsqueeze_squeeze, "2x3", -1, 1, nb_squeeze(nb_unsqueeze(a, 1), 1))                \
    X(gather_rows, "4x3", -1, 1, nb_gather_rows(a, LABELS(2, 0, 2)))                     \
    X(stack, "2x3 2x3", -1, 1, nb_stack(TENSORS(a, b), 2, 1))                            \
    X(split_sizes, "5x3", -1, 1, nb_square(split_piece(a, I64(2, 3), 2, 0, 1)))          \
    X(chunk, "3x7", -1, 1, chunk_piece(a, 3, -1, 2))                                     \
    X(pad, "2x3", -1, 1, nb_pad(a, I64(1, 2, 0, 1), 2, 0.5))                             \
    /* network pieces */                                                                 \
    X(softmax, "2x4", -2, 2, nb_softmax(a, 1))                                           \
    X(log_softmax, "2x4", -2, 2, nb_log_softmax(a, -1))                                  \
    X(mse_loss, "2x3 2x3", -1, 1, nb_mse_loss(a, b, NB_REDUCE_MEAN))                     \
    X(sse_loss, "2x3 2x3", -1, 1, nb_mse_loss(a, b, NB_REDUCE_SUM))                      \
    X(cross_entropy, "3x4", -2, 2, nb_cross_entropy_loss(a, LABELS(1, 3, 0), NB_REDUCE_MEAN)) \
    X(nll_loss, "3x4", -2, 2, nb_nll_loss(nb_log_softmax(a, 1), LABELS(2, 2, 1), NB_REDUCE_SUM)) \
    X(bce_with_logits, "2x3 2x3", -1, 1, nb_bce_with_logits_loss(a, nb_sigmoid(b), NB_REDUCE_NONE)) \
    X(gelu, "2x3", -3, 3, nb_gelu(a))                                                    \
    X(layer_norm, "2x3x4 3x4 3x4", -1, 1, nb_layer_norm(a, 2, b, c, 1e-5))               \
    X(layer_norm_plain, "3x5", -1, 1, nb_layer_norm(a, 1, NULL, NULL, 1e-5))             \
    X(batch_norm, "4x3 3 3", -1, 1, nb_batch_norm(a, NULL, NULL, b, c, true, 0.1, 1e-5)) \
    X(batch_norm_ncl, "2x3x5", -1, 1, nb_batch_norm(a, NULL, NULL, NULL, NULL, true, 0.1, 1e-5)) \
    X(batch_norm_nchw, "2x2x3x2 2", -1, 1, nb_batch_norm(a, NULL, NULL, b, NULL, true, 0.1, 1e-5)) \
    X(batch_norm_eval, "4x3 3 3", -1, 1,                                                 \
      nb_batch_norm(a, VEC(0.1, -0.2, 0.3), VEC(0.5, 1.5, 2), b, c, false, 0.1, 1e-5))   \
    /* compositions */                                                                   \
    X(mlp_layer, "4x3 3x2 2", -1, 1, nb_tanh(nb_add(nb_matmul(a, b), c)))                \
    X(mlp_loss, "4x3 3x2 2", -1, 1,                                                      \
      nb_mean(nb_square(nb_sub(nb_tanh(nb_add(nb_matmul(a, b), c)), nb_sum_axis(a, 1, true))))) \
    X(rational, "2x3 3", 0.5, 2, nb_div(nb_sub(nb_mul(a, b), nb_square(b)), nb_add(a, b))) \
    /* convolution and pooling */                                                        \
    X(conv2d, "2x3x5x6 4x3x3x2 4", -1, 1, nb_conv2d(a, b, c, CONV2D(1, 1, 0, 0, 1, 1, 1)))  \
    X(conv2d_all_opts, "1x4x7x6 6x2x3x3 6", -1, 1,                                        \
      nb_conv2d(a, b, c, CONV2D(2, 1, 1, 2, 2, 1, 2)))                                   \
    X(conv2d_no_bias, "2x2x4x4 3x2x2x2", -1, 1, nb_conv2d(a, b, NULL, NULL))             \
    X(conv1d, "2x4x9 6x2x3 6", -1, 1, nb_conv1d(a, b, c, CONV1D(2, 1, 2, 2)))           \
    X(unfold, "2x2x5x4", -1, 1, nb_unfold(a, 3, 2, CONV2D(2, 1, 1, 0, 1, 2, 0)))        \
    X(fold, "2x12x9", -1, 1, nb_fold(a, 4, 5, 2, 3, CONV2D(2, 2, 1, 1, 1, 1, 0)))       \
    X(max_pool2d, "2x3x5x7", -1, 1, nb_max_pool2d(a, 3, 2, POOL2D(2, 2, 1, 1)))         \
    X(max_pool2d_default, "1x2x6x6", -1, 1, nb_max_pool2d(a, 2, 2, NULL))               \
    X(avg_pool2d, "2x2x5x7", -1, 1, nb_avg_pool2d(a, 3, 3, POOL2D(2, 2, 1, 1)))         \
    X(global_avg_pool2d, "2x3x4x5", -1, 1, nb_global_avg_pool2d(a))                   \
    /* recurrent cells (x, h, [c], w_ih, w_hh, b_ih, b_hh), against torch.nn cells */    \
    X(rnn_cell, "3x4 3x5 5x4 5x5 5 5", -0.9, 0.9, nb_rnn_cell(a, b, c, d, e, f))          \
    X(lstm_cell, "3x4 3x5 3x5 20x4 20x5 20 20", -0.9, 0.9, LSTM_HC(a, b, c, d, e, f, g))  \
    X(gru_cell, "3x4 3x5 15x4 15x5 15 15", -0.9, 0.9, nb_gru_cell(a, b, c, d, e, f))

/* One C function per case: in[0..6] are a, b, c, ... g. */
#define REF_FN(id, shapes, lo, hi, ...)                                                  \
    static nb_tensor *ref_##id(nb_tensor *const *in)                                     \
    {                                                                                    \
        nb_tensor *a = in[0], *b = in[1], *c = in[2], *d = in[3], *e = in[4], *f = in[5];  \
        nb_tensor *g = in[6];                                                            \
        (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g;                   \
        return __VA_ARGS__;                                                              \
    }
REF_CASES(REF_FN)

typedef struct ref_case {
    const char *id;
    const char *shapes;
    double lo, hi;
    const char *expr;
    nb_tensor *(*fn)(nb_tensor *const *in);
} ref_case;

#define REF_ROW(id, shapes, lo, hi, ...) {#id, shapes, lo, hi, #__VA_ARGS__, ref_##id},
static const ref_case ref_cases[] = {REF_CASES(REF_ROW)};
#define N_REF_CASES ((int)(sizeof ref_cases / sizeof ref_cases[0]))

/* Parse "2x3 3 -" into up to REF_MAX_INPUTS shapes; returns the count or -1. */
static int parse_shapes(const char *s, int *ndim, int64_t shape[][NB_MAX_DIMS])
{
    int n = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        if (n == REF_MAX_INPUTS)
            return -1;
        ndim[n] = 0;
        if (*s == '-') {
            s++;
        } else {
            for (;;) {
                char *end;
                long long d = strtoll(s, &end, 10);
                if (end == s || d < 0 || ndim[n] == NB_MAX_DIMS)
                    return -1;
                shape[n][ndim[n]++] = d;
                s = end;
                if (*s != 'x')
                    break;
                s++;
            }
        }
        n++;
    }
    return n;
}

static void print_tensor(const char *key, const nb_tensor *t)
{
    printf("\"%s\": ", key);
    if (!t) {
        printf("null");
        return;
    }
    printf("{\"shape\": [");
    for (int d = 0; d < nb_tensor_ndim(t); d++)
        printf(d ? ", %lld" : "%lld", (long long)nb_tensor_dim(t, d));
    printf("], \"data\": [");
    for (int64_t i = 0; i < nb_tensor_numel(t); i++)
        printf(i ? ", %.17g" : "%.17g", nb_tensor_get(t, i));
    printf("]}");
}

/* Fixed, well-spread values in [lo, hi): a golden-ratio sequence. */
static nb_tensor *fixed_input(int which, int ndim, const int64_t *shape, double lo, double hi)
{
    nb_tensor *t = nb_zeros(NB_F64, ndim, shape);
    if (!t)
        return NULL;
    double *d = nb_tensor_data_f64(t);
    for (int64_t i = 0; i < nb_tensor_numel(t); i++) {
        double u = fmod(0.137 + 0.618033988749895 * (double)(i + 1) + 0.31 * which, 1.0);
        d[i] = lo + (hi - lo) * u;
    }
    return nb_tensor_set_requires_grad(t, true);
}

/* Print one case as a JSON object; returns 0 or -1 (message on stderr). */
static int run_case(const ref_case *rc, int first)
{
    int ndim[REF_MAX_INPUTS] = {0};
    int64_t shape[REF_MAX_INPUTS][NB_MAX_DIMS];
    int n = parse_shapes(rc->shapes, ndim, shape);
    if (n < 1) {
        fprintf(stderr, "case %s: bad shape list \"%s\"\n", rc->id, rc->shapes);
        return -1;
    }
    nb_tensor *in[REF_MAX_INPUTS] = {NULL};
    for (int i = 0; i < n; i++)
        if (!(in[i] = fixed_input(i, ndim[i], shape[i], rc->lo, rc->hi)))
            goto fail;
    nb_tensor *out = rc->fn(in);
    if (!out)
        goto fail;
    nb_tensor *w = nb_zeros(NB_F64, nb_tensor_ndim(out), nb_tensor_shape(out));
    if (!w)
        goto fail;
    for (int64_t i = 0; i < nb_tensor_numel(w); i++)
        nb_tensor_data_f64(w)[i] = 0.5 + 0.25 * cos(1.7 * (double)i);
    if (nb_backward(nb_sum(nb_mul(out, w)), NULL) < 0)
        goto fail;

    printf("%s\n  {\"id\": \"%s\", \"expr\": \"%s\",\n   ", first ? "" : ",", rc->id, rc->expr);
    printf("\"inputs\": [");
    for (int i = 0; i < n; i++) {
        printf(i ? ", {" : "{");
        print_tensor("t", in[i]);
        printf("}");
    }
    printf("],\n   ");
    print_tensor("weight", w);
    printf(",\n   ");
    print_tensor("value", out);
    printf(",\n   \"grads\": [");
    for (int i = 0; i < n; i++) {
        printf(i ? ", {" : "{");
        print_tensor("t", nb_tensor_grad(in[i]));
        printf("}");
    }
    printf("]}");
    return 0;
fail:
    fprintf(stderr, "case %s (%s): %s\n", rc->id, rc->expr, nb_last_error());
    return -1;
}

int main(void)
{
    nb_arena *arena = nb_arena_new();
    if (!arena) {
        fprintf(stderr, "%s\n", nb_last_error());
        return 1;
    }
    int failed = 0, printed = 0;
    printf("{\"cases\": [");
    for (int k = 0; k < N_REF_CASES; k++) {
        nb_arena_use(arena);
        if (run_case(&ref_cases[k], printed == 0) < 0)
            failed++;
        else
            printed++;
        nb_arena_reset(arena);
    }
    printf("\n], \"failed\": %d}\n", failed);
    nb_arena_free(arena);
    return failed ? 1 : 0;
}
