/* Tests of the recurrent cells and sequence layers (src/nn/rnn_*.c): one
 * step of each cell worked out by hand, gradient and second-order checks
 * in f64, f32 against f64, a 3-step unrolled sequence, sequence layers
 * against hand-unrolled cells, and the truncated-BPTT state. */
#include "test_ops_grad.h"

/* ---- one step by hand (N = 1, I = 1, H = 1) ----
 * The pre-activations below are the sums w_ih[k] x + b_ih[k] + w_hh[k] h +
 * b_hh[k], added up by hand from the numbers given to the cells. */
static double sig(double a) { return 1.0 / (1.0 + exp(-a)); }

static nb_tensor *v(const double *d, int ndim, const int64_t *shape)
{
    return t_vals(NB_F64, d, ndim, shape);
}

START_TEST(test_lstm_step_by_hand)
{
    nb_tensor *x = v((double[]){0.5}, NB_SHAPE(1, 1)), *h = v((double[]){-0.3}, NB_SHAPE(1, 1));
    nb_tensor *c = v((double[]){0.8}, NB_SHAPE(1, 1));
    nb_tensor *w_ih = v((double[]){0.2, -0.4, 0.6, 0.1}, NB_SHAPE(4, 1));
    nb_tensor *w_hh = v((double[]){0.3, 0.5, -0.2, 0.7}, NB_SHAPE(4, 1));
    nb_tensor *b_ih = v((double[]){0.1, 0.0, -0.1, 0.2}, NB_SHAPE(4));
    nb_tensor *b_hh = v((double[]){0.0, 0.2, 0.05, -0.1}, NB_SHAPE(4));
    nb_tensor *h1, *c1;
    ck_assert_int_eq(nb_lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh, &h1, &c1), NB_OK);
    /* i: 0.1 + 0.1 - 0.09 + 0 = 0.11; f: -0.2 + 0 - 0.15 + 0.2 = -0.15;
     * g: 0.3 - 0.1 + 0.06 + 0.05 = 0.31; o: 0.05 + 0.2 - 0.21 - 0.1 = -0.06 */
    double i = sig(0.11), f = sig(-0.15), g = tanh(0.31), o = sig(-0.06);
    double cn = f * 0.8 + i * g;
    ck_assert_tensor_near(c1, ((double[]){cn}), 1, 1e-15);
    ck_assert_tensor_near(h1, ((double[]){o * tanh(cn)}), 1, 1e-15);
    ck_assert_int_eq(nb_tensor_ndim(h1), 2);
}
END_TEST

START_TEST(test_gru_step_by_hand)
{
    nb_tensor *x = v((double[]){0.5}, NB_SHAPE(1, 1)), *h = v((double[]){-0.3}, NB_SHAPE(1, 1));
    nb_tensor *w_ih = v((double[]){0.2, -0.4, 0.6}, NB_SHAPE(3, 1));
    nb_tensor *w_hh = v((double[]){0.3, 0.5, -0.2}, NB_SHAPE(3, 1));
    nb_tensor *b_ih = v((double[]){0.1, 0.0, -0.1}, NB_SHAPE(3));
    nb_tensor *b_hh = v((double[]){0.0, 0.2, 0.05}, NB_SHAPE(3));
    nb_tensor *h1 = nb_gru_cell(x, h, w_ih, w_hh, b_ih, b_hh);
    /* gi = (0.2, -0.2, 0.2), gh = (-0.09, 0.05, 0.11) */
    double r = sig(0.2 - 0.09), z = sig(-0.2 + 0.05), n = tanh(0.2 + r * 0.11);
    ck_assert_tensor_near(h1, ((double[]){(1 - z) * n + z * -0.3}), 1, 1e-15);
}
END_TEST

START_TEST(test_rnn_step_by_hand)
{
    /* N = 2 rows, H = 2: each row's pre-activation summed by hand */
    nb_tensor *x = v((double[]){1.0, -1.0}, NB_SHAPE(2, 1));
    nb_tensor *h = v((double[]){0.5, 0.0, 0.0, 0.5}, NB_SHAPE(2, 2));
    nb_tensor *w_ih = v((double[]){0.2, -0.4}, NB_SHAPE(2, 1));
    nb_tensor *w_hh = v((double[]){0.3, 0.1, -0.2, 0.6}, NB_SHAPE(2, 2));
    nb_tensor *b_ih = v((double[]){0.1, 0.0}, NB_SHAPE(2));
    nb_tensor *b_hh = v((double[]){0.0, 0.05}, NB_SHAPE(2));
    nb_tensor *h1 = nb_rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh);
    /* row 1: 0.2+0.1+0.15+0 = 0.45, -0.4+0-0.1+0.05 = -0.45;
     * row 2: -0.2+0.1+0.05 = -0.05, 0.4+0.3+0.05 = 0.75 */
    ck_assert_tensor_near(h1, ((double[]){tanh(0.45), tanh(-0.45), tanh(-0.05), tanh(0.75)}),
                          4, 1e-15);
}
END_TEST

/* ---- cells as nb_fn: inputs x, h, [c], w_ih, w_hh, b_ih, b_hh ---- */
typedef enum { K_RNN, K_LSTM, K_GRU } kind;

static nb_tensor *cell_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    kind k = *(const kind *)ctx;
    if (k == K_RNN)
        return nb_rnn_cell(in[0], in[1], in[2], in[3], in[4], in[5]);
    if (k == K_GRU)
        return nb_gru_cell(in[0], in[1], in[2], in[3], in[4], in[5]);
    nb_tensor *h1, *c1;
    if (nb_lstm_cell(in[0], in[1], in[2], in[3], in[4], in[5], in[6], &h1, &c1) < 0)
        return NULL;
    return nb_concat((nb_tensor *[]){h1, c1}, 2, 1); /* both outputs checked */
}

static int gates(kind k) { return k == K_LSTM ? 4 : k == K_GRU ? 3 : 1; }

/* Random f64 cell inputs for batch n, input in, hidden hid; returns the count. */
static int cell_inputs(kind k, int64_t n, int64_t in, int64_t hid, uint64_t seed, nb_tensor **t)
{
    int64_t g = gates(k) * hid;
    int m = 0;
    t[m++] = t_rand(seed + 1, NB_SHAPE(n, in), -1, 1);
    t[m++] = t_rand(seed + 2, NB_SHAPE(n, hid), -1, 1);
    if (k == K_LSTM)
        t[m++] = t_rand(seed + 3, NB_SHAPE(n, hid), -1, 1);
    t[m++] = t_rand(seed + 4, NB_SHAPE(g, in), -0.8, 0.8);
    t[m++] = t_rand(seed + 5, NB_SHAPE(g, hid), -0.8, 0.8);
    t[m++] = t_rand(seed + 6, NB_SHAPE(g), -0.5, 0.5);
    t[m++] = t_rand(seed + 7, NB_SHAPE(g), -0.5, 0.5);
    return m;
}

static void check_cell_grads(kind k)
{
    nb_tensor *in[8];
    int n = cell_inputs(k, 2, 3, 5, 10 * (uint64_t)k, in);
    nb_gradcheck_result r;
    nb_gradcheck_opts o = {.report = stderr};
    int rc = nb_gradcheck(cell_fn, in, n, &k, &o, &r);
    ck_assert_msg(rc == NB_OK, "gradcheck: %s | %s", r.message, nb_last_error());
    ck_assert_int_gt(r.checked, 0);
    ck_assert_int_eq(r.failed, 0);
    /* a second shape: batch 1, odd sizes, input wider than the state */
    n = cell_inputs(k, 1, 5, 3, 50 + 10 * (uint64_t)k, in);
    rc = nb_gradcheck(cell_fn, in, n, &k, &o, &r);
    ck_assert_msg(rc == NB_OK, "gradcheck (batch 1): %s | %s", r.message, nb_last_error());
    ck_assert_int_eq(r.failed, 0);
    /* second order on a smaller cell (the check is quadratic in size) */
    n = cell_inputs(k, 2, 2, 3, 100 + 10 * (uint64_t)k, in);
    rc = nb_gradgradcheck(cell_fn, in, n, &k, &o, &r);
    ck_assert_msg(rc == NB_OK, "gradgradcheck: %s | %s", r.message, nb_last_error());
    ck_assert_int_gt(r.checked, 0);
}

START_TEST(test_rnn_cell_grads) { check_cell_grads(K_RNN); }
END_TEST
START_TEST(test_lstm_cell_grads) { check_cell_grads(K_LSTM); }
END_TEST
START_TEST(test_gru_cell_grads) { check_cell_grads(K_GRU); }
END_TEST

START_TEST(test_cells_f32_agree)
{
    for (int k = K_RNN; k <= K_GRU; k++) {
        nb_tensor *in[8];
        kind kk = (kind)k;
        int n = cell_inputs(kk, 3, 4, 6, 200 + (uint64_t)k, in);
        check_f32_agrees(cell_fn, in, n, &kk, 1e-6);
    }
}
END_TEST

/* ---- a 3-step LSTM, batch 1, unrolled by hand: inputs x0, x1, x2, h0, c0,
 * w_ih, w_hh, b_ih, b_hh; output the last h and c ---- */
static nb_tensor *unrolled3_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    nb_tensor *h = in[3], *c = in[4];
    for (int t = 0; t < 3; t++)
        if (nb_lstm_cell(in[t], h, c, in[5], in[6], in[7], in[8], &h, &c) < 0)
            return NULL;
    return nb_concat((nb_tensor *[]){h, c}, 2, 1);
}

START_TEST(test_lstm_unrolled_gradcheck)
{
    int64_t I = 3, H = 5;
    nb_tensor *in[9];
    for (int t = 0; t < 3; t++)
        in[t] = t_rand(300 + (uint64_t)t, NB_SHAPE(1, I), -1, 1);
    in[3] = t_rand(310, NB_SHAPE(1, H), -1, 1);
    in[4] = t_rand(311, NB_SHAPE(1, H), -1, 1);
    in[5] = t_rand(312, NB_SHAPE(4 * H, I), -0.7, 0.7);
    in[6] = t_rand(313, NB_SHAPE(4 * H, H), -0.7, 0.7);
    in[7] = t_rand(314, NB_SHAPE(4 * H), -0.5, 0.5);
    in[8] = t_rand(315, NB_SHAPE(4 * H), -0.5, 0.5);
    nb_gradcheck_result r;
    int rc = nb_gradcheck(unrolled3_fn, in, 9, NULL, &(nb_gradcheck_opts){.report = stderr}, &r);
    ck_assert_msg(rc == NB_OK, "gradcheck: %s | %s", r.message, nb_last_error());
    /* 10 outputs x (3*3 + 5 + 5 + 60 + 100 + 20 + 20) input elements */
    ck_assert_int_eq(r.checked, 10 * 219);
}
END_TEST

/* ---- sequence layers ---- */

/* A one-layer model of kind k in f64. */
static nb_model *seq_model(kind k, int64_t in, int64_t hid, uint64_t seed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = seed});
    ck_assert_ptr_nonnull(m);
    int idx = k == K_LSTM ? nb_model_add_lstm(m, in, hid)
              : k == K_GRU ? nb_model_add_gru(m, in, hid)
                           : nb_model_add_rnn(m, in, hid);
    ck_assert_msg(idx == 0, "%s", nb_last_error());
    return m;
}

/* Every step's h of the model's first layer, by calling the cells, from
 * (h0, c0) (NULL: zeros); *h_last / *c_last get the last state. */
static nb_tensor *unroll_cells(nb_model *m, kind k, nb_tensor *x, nb_tensor *h, nb_tensor *c,
                               nb_tensor **h_last)
{
    int64_t n = nb_tensor_dim(x, 0), T = nb_tensor_dim(x, 1), in = nb_tensor_dim(x, 2);
    nb_tensor *w_ih = nb_model_param(m, "layer1.weight_ih"), *w_hh = nb_model_param(m, "layer1.weight_hh");
    nb_tensor *b_ih = nb_model_param(m, "layer1.bias_ih"), *b_hh = nb_model_param(m, "layer1.bias_hh");
    int64_t hid = nb_tensor_dim(w_hh, 1);
    if (!h)
        h = nb_zeros(NB_F64, NB_SHAPE(n, hid));
    if (!c)
        c = nb_zeros(NB_F64, NB_SHAPE(n, hid));
    nb_tensor *hs[16];
    ck_assert_int_le(T, 16);
    for (int64_t t = 0; t < T; t++) {
        nb_tensor *xt = nb_reshape(nb_slice(x, 1, t, t + 1), NB_SHAPE(n, in));
        if (k == K_LSTM)
            ck_assert_int_eq(nb_lstm_cell(xt, h, c, w_ih, w_hh, b_ih, b_hh, &h, &c), NB_OK);
        else
            h = k == K_GRU ? nb_gru_cell(xt, h, w_ih, w_hh, b_ih, b_hh)
                           : nb_rnn_cell(xt, h, w_ih, w_hh, b_ih, b_hh);
        ck_assert_msg(h != NULL, "%s", nb_last_error());
        hs[t] = nb_unsqueeze(h, 1);
    }
    if (h_last)
        *h_last = h;
    return nb_concat(hs, (int)T, 1);
}

/* sum(out * w) for a fixed weight w of out's shape. */
static nb_tensor *weighted_sum(nb_tensor *out)
{
    nb_tensor *w = nb_zeros(NB_F64, nb_tensor_ndim(out), nb_tensor_shape(out));
    for (int64_t i = 0; i < nb_tensor_numel(w); i++)
        nb_tensor_data_f64(w)[i] = 0.5 + 0.25 * cos(1.3 * (double)i);
    return nb_sum(nb_mul(out, w));
}

/* The layer's output and parameter gradients equal those of the cells
 * called one step at a time. */
static void check_layer_vs_cells(kind k)
{
    nb_model *m = seq_model(k, 3, 5, 7);
    nb_tensor *x = t_rand(400 + (uint64_t)k, NB_SHAPE(2, 4, 3), -1, 1);
    nb_tensor *out = nb_model_forward(m, x);
    ck_assert_msg(out != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_ndim(out), 3);
    ck_assert_int_eq(nb_tensor_dim(out, 1), 4);
    ck_assert_int_eq(nb_tensor_dim(out, 2), 5);
    ck_assert_int_eq(nb_backward(weighted_sum(out), NULL), NB_OK);

    nb_tensor *ref = unroll_cells(m, k, x, NULL, NULL, NULL);
    double want[40];
    for (int i = 0; i < 40; i++)
        want[i] = nb_tensor_get(ref, i);
    ck_assert_tensor_near(out, want, 40, 1e-13);
    nb_tensor *params[4], *grads[4];
    for (int i = 0; i < 4; i++)
        params[i] = nb_model_param_at(m, i);
    nb_tensor *loss = weighted_sum(ref);
    ck_assert_int_eq(nb_grad(&loss, 1, params, 4, NULL, 0, grads), NB_OK);
    for (int i = 0; i < 4; i++) {
        nb_tensor *g = nb_tensor_grad(params[i]);
        int64_t ne = nb_tensor_numel(g);
        ck_assert_int_eq(ne, nb_tensor_numel(grads[i]));
        for (int64_t j = 0; j < ne; j++)
            ck_assert_msg(fabs(nb_tensor_get(g, j) - nb_tensor_get(grads[i], j)) < 1e-12,
                          "%s element %lld", nb_model_param_name(m, i), (long long)j);
    }
    nb_model_free(m);
}

START_TEST(test_lstm_layer_vs_cells) { check_layer_vs_cells(K_LSTM); }
END_TEST
START_TEST(test_gru_layer_vs_cells) { check_layer_vs_cells(K_GRU); }
END_TEST
START_TEST(test_rnn_layer_vs_cells) { check_layer_vs_cells(K_RNN); }
END_TEST

START_TEST(test_layer_params)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F32, .seed = 3});
    ck_assert_int_eq(nb_model_add_lstm(m, 6, 4), 0);
    ck_assert_int_eq(nb_model_add_activation(m, NB_ACT_TANSIG), 1);
    ck_assert_int_eq(nb_model_add_gru(m, 4, 3), 2);
    ck_assert_int_eq(nb_model_num_params(m), 8);
    static const char *const names[] = {"layer1.weight_ih", "layer1.weight_hh", "layer1.bias_ih",
                                        "layer1.bias_hh",   "layer3.weight_ih", "layer3.weight_hh",
                                        "layer3.bias_ih",   "layer3.bias_hh"};
    static const int64_t rows[] = {16, 16, 16, 16, 9, 9, 9, 9}, cols[] = {6, 4, 0, 0, 4, 3, 0, 0};
    for (int i = 0; i < 8; i++) {
        ck_assert_str_eq(nb_model_param_name(m, i), names[i]);
        nb_tensor *p = nb_model_param_at(m, i);
        ck_assert_int_eq(nb_tensor_dim(p, 0), rows[i]);
        ck_assert_int_eq(nb_tensor_ndim(p), cols[i] ? 2 : 1);
        if (cols[i])
            ck_assert_int_eq(nb_tensor_dim(p, 1), cols[i]);
        /* PyTorch's init: uniform in +-1/sqrt(H), and not all zero */
        double bound = 1.0 / sqrt(i < 4 ? 4.0 : 3.0), amax = 0;
        for (int64_t j = 0; j < nb_tensor_numel(p); j++)
            amax = fmax(amax, fabs(nb_tensor_get(p, j)));
        ck_assert(amax <= bound && amax > 0.3 * bound);
    }
    nb_tensor *x = nb_zeros(NB_F32, NB_SHAPE(2, 5, 6));
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(y, 0), 2);
    ck_assert_int_eq(nb_tensor_dim(y, 1), 5);
    ck_assert_int_eq(nb_tensor_dim(y, 2), 3);
    ck_assert_int_eq(nb_tensor_dtype(y), NB_F32);
    nb_model_free(m);
}
END_TEST

/* Nodes reachable from y. */
static int64_t graph_size(nb_tensor *y)
{
    const nb_node **nodes = NULL;
    int64_t count = 0;
    ck_assert_int_eq(nb_graph_nodes(&y, 1, &nodes, &count), NB_OK); /* array in the arena */
    return count;
}

/* Truncated BPTT: window 2 starts from window 1's last state, as values; its
 * graph stops there (same node count as a fresh window) and survives the
 * reset of window 1's arena; its gradients equal the cells' from those values. */
START_TEST(test_state_carries_and_detaches)
{
    nb_model *m = seq_model(K_LSTM, 3, 5, 11);
    nb_rnn_state *st = nb_rnn_state_new(m, 0);
    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_null(nb_rnn_state_h(st));
    nb_tensor *x1 = t_rand(500, NB_SHAPE(2, 3, 3), -1, 1), *x2 = t_rand(501, NB_SHAPE(2, 3, 3), -1, 1);
    nb_arena *step = nb_arena_new();
    nb_arena_use(step);

    /* window 1: the state gets the last step's h (and c) */
    nb_tensor *o1 = nb_model_forward(m, x1);
    ck_assert_msg(o1 != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_backward(weighted_sum(o1), NULL), NB_OK);
    nb_tensor *h_state = nb_rnn_state_h(st);
    ck_assert_ptr_nonnull(h_state);
    ck_assert_ptr_nonnull(nb_rnn_state_c(st));
    for (int n = 0; n < 2; n++)
        for (int j = 0; j < 5; j++)
            ck_assert_double_eq(nb_tensor_get(h_state, n * 5 + j),
                                nb_tensor_get(o1, n * 15 + 2 * 5 + j));
    nb_arena_use(test_arena);
    nb_tensor *h0 = nb_tensor_clone(nb_rnn_state_h(st)), *c0 = nb_tensor_clone(nb_rnn_state_c(st));
    nb_arena_reset(step); /* window 1's graph is gone */
    nb_model_zero_grad(m);

    /* window 2 */
    nb_arena_use(step);
    nb_tensor *o2 = nb_model_forward(m, x2);
    ck_assert_msg(o2 != NULL, "%s", nb_last_error());
    int64_t nodes_carried = graph_size(o2);
    ck_assert_int_eq(nb_backward(weighted_sum(o2), NULL), NB_OK);
    nb_arena_use(test_arena);
    nb_tensor *ref = unroll_cells(m, K_LSTM, x2, h0, c0, NULL);
    for (int64_t i = 0; i < 30; i++)
        ck_assert(fabs(nb_tensor_get(o2, i) - nb_tensor_get(ref, i)) < 1e-13);
    nb_tensor *params[4], *grads[4];
    for (int i = 0; i < 4; i++)
        params[i] = nb_model_param_at(m, i);
    nb_tensor *loss = weighted_sum(ref);
    ck_assert_int_eq(nb_grad(&loss, 1, params, 4, NULL, 0, grads), NB_OK);
    for (int i = 0; i < 4; i++)
        for (int64_t j = 0; j < nb_tensor_numel(grads[i]); j++)
            ck_assert(fabs(nb_tensor_get(nb_tensor_grad(params[i]), j) -
                           nb_tensor_get(grads[i], j)) < 1e-12);

    /* after reset: zeros again, the same graph size as with a state */
    ck_assert_int_eq(nb_rnn_state_reset(st), NB_OK);
    ck_assert_ptr_null(nb_rnn_state_h(st));
    nb_arena_use(step);
    nb_tensor *o3 = nb_model_forward(m, x2);
    ck_assert_int_eq(graph_size(o3), nodes_carried);
    nb_rnn_state_free(st);
    nb_tensor *o4 = nb_model_forward(m, x2); /* detached: zeros, no state written */
    for (int64_t i = 0; i < 30; i++)
        ck_assert_double_eq(nb_tensor_get(o3, i), nb_tensor_get(o4, i));
    nb_arena_use(test_arena);
    nb_arena_free(step);
    nb_model_free(m);
}
END_TEST

START_TEST(test_state_batch_change)
{
    nb_model *m = seq_model(K_GRU, 2, 3, 1);
    nb_rnn_state *st = nb_rnn_state_new(m, 0);
    ck_assert_ptr_nonnull(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(4, 2, 2))));
    ck_assert_ptr_null(nb_rnn_state_c(st)); /* GRU: no c */
    ck_assert_ptr_null(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(1, 2, 2))));
    ck_assert_error(NB_ERR_SHAPE, "call nb_rnn_state_reset");
    nb_rnn_state_reset(st);
    ck_assert_ptr_nonnull(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(1, 2, 2))));
    ck_assert_int_eq(nb_tensor_dim(nb_rnn_state_h(st), 0), 1);
    nb_rnn_state_free(st);
    nb_rnn_state_free(NULL);
    nb_model_free(m);
}
END_TEST

/* A sequence layer gradchecks as a whole (a model of its parameters). */
typedef struct {
    nb_model *m;
} model_ctx;

static nb_tensor *model_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    return nb_model_forward(((model_ctx *)ctx)->m, in[0]);
}

START_TEST(test_layer_gradcheck_wrt_input)
{
    model_ctx mc = {seq_model(K_LSTM, 3, 3, 5)};
    nb_tensor *x = t_rand(600, NB_SHAPE(1, 3, 3), -1, 1);
    nb_gradcheck_result r;
    int rc = nb_gradcheck(model_fn, &x, 1, &mc, &(nb_gradcheck_opts){.report = stderr}, &r);
    ck_assert_msg(rc == NB_OK, "%s | %s", r.message, nb_last_error());
    ck_assert_int_eq(r.checked, 9 * 9);
    nb_model_free(mc.m);
}
END_TEST

static Suite *rnn_suite(void)
{
    Suite *s = suite_create("rnn");
    TCase *tc = nb_test_case("cells");
    tcase_add_test(tc, test_lstm_step_by_hand);
    tcase_add_test(tc, test_gru_step_by_hand);
    tcase_add_test(tc, test_rnn_step_by_hand);
    tcase_add_test(tc, test_rnn_cell_grads);
    tcase_add_test(tc, test_lstm_cell_grads);
    tcase_add_test(tc, test_gru_cell_grads);
    tcase_add_test(tc, test_cells_f32_agree);
    tcase_add_test(tc, test_lstm_unrolled_gradcheck);
    suite_add_tcase(s, tc);
    tc = nb_test_case("layers");
    tcase_add_test(tc, test_lstm_layer_vs_cells);
    tcase_add_test(tc, test_gru_layer_vs_cells);
    tcase_add_test(tc, test_rnn_layer_vs_cells);
    tcase_add_test(tc, test_layer_params);
    tcase_add_test(tc, test_state_carries_and_detaches);
    tcase_add_test(tc, test_state_batch_change);
    tcase_add_test(tc, test_layer_gradcheck_wrt_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(rnn_suite());
}
