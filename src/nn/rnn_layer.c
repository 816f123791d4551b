/* Sequence layers: a cell unrolled over the time axis of x (N, T, I) on the
 * dynamic graph, as a model layer: step t runs the cell on x[:, t, :] and
 * the previous step's state, and the steps' h are joined into (N, T, H). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "core/tensor_internal.h"
#include "nabla/ops.h"
#include "nn/rnn_internal.h"

static const char *const nb_rnn_kind_names[] = {"rnn", "lstm", "gru"};

/* Uniform in [-k, k] into a parameter not yet used (PyTorch's init). */
static void nb_rnn_init_uniform(nb_tensor *t, nb_rng *rng, double k)
{
    int64_t n = nb_tensor_numel(t);
    if (t->dtype == NB_F64) {
        double *d = nb_tensor_data_f64(t);
        for (int64_t i = 0; i < n; i++)
            d[i] = (2.0 * nb_rng_uniform(rng) - 1.0) * k;
    } else {
        float *d = nb_tensor_data_f32(t);
        for (int64_t i = 0; i < n; i++)
            d[i] = (float)((2.0 * nb_rng_uniform(rng) - 1.0) * k);
    }
    nb_tensor_bump_version(t);
}

static int nb_model_add_seq(nb_model *model, nb_rnn_kind kind, const char *api, int64_t in,
                            int64_t hid)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    int64_t g = nb__rnn_gates(kind);
    /* 2^30 keeps every gate matrix's element count far inside the shape limit */
    if (in < 1 || hid < 1 || in > (1 << 30) || hid > (1 << 30))
        return nb__error(NB_ERR_ARG, "%s: input_size and hidden_size must be in 1..2^30 (got "
                         "input_size = %lld, hidden_size = %lld)", api, (long long)in,
                         (long long)hid);
    nb_rnn_layer *L = nb_arena_alloc(nb_model_arena(model), sizeof *L);
    if (!L)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    int k = nb_model_num_layers(model) + 1;
    char name[96];
    nb_tensor **slots[] = {&L->w_ih, &L->w_hh, &L->b_ih, &L->b_hh};
    static const char *const suffix[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
    const int64_t shapes[4][2] = {{g * hid, in}, {g * hid, hid}, {g * hid, 0}, {g * hid, 0}};
    double bound = 1.0 / sqrt((double)hid);
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "layer%d.%s", k, suffix[i]);
        *slots[i] = nb_model_add_param(model, name, i < 2 ? 2 : 1, shapes[i]);
        if (!*slots[i])
            return nb__error_context(api, "layer %d", k);
        nb_rnn_init_uniform(*slots[i], nb_model_rng(model), bound);
    }
    L->kind = kind;
    L->input_size = in;
    L->hidden_size = hid;
    L->state = NULL;
    int idx = nb_model_add_layer(model, nb_rnn_kind_names[kind], nb__rnn_layer_forward, L);
    if (idx < 0)
        return nb__error_context(api, "layer %d", k);
    L->index = idx;
    return idx;
}

int nb_model_add_rnn(nb_model *model, int64_t input_size, int64_t hidden_size)
{
    return nb_model_add_seq(model, NB_RNN_ELMAN, "nb_model_add_rnn", input_size, hidden_size);
}

int nb_model_add_lstm(nb_model *model, int64_t input_size, int64_t hidden_size)
{
    return nb_model_add_seq(model, NB_RNN_LSTM, "nb_model_add_lstm", input_size, hidden_size);
}

int nb_model_add_gru(nb_model *model, int64_t input_size, int64_t hidden_size)
{
    return nb_model_add_seq(model, NB_RNN_GRU, "nb_model_add_gru", input_size, hidden_size);
}

nb_tensor *nb__rnn_layer_forward(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    nb_rnn_layer *L = ctx;
    char who[80], s1[96];
    snprintf(who, sizeof who, "nb_model_forward: layer %d (%s)", L->index + 1,
             nb_rnn_kind_names[L->kind]);
    if (nb__check_tensor(x, who, "x") < 0)
        return NULL;
    if (x->ndim != 3 || x->shape[2] != L->input_size) {
        nb__error(NB_ERR_SHAPE, "%s: x is %s but the layer expects (batch, time, %lld), batch "
                  "first%s", who, nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1),
                  (long long)L->input_size,
                  x->ndim == 2 ? "; reshape a single sequence to 1 x time x input" : "");
        return NULL;
    }
    if (x->dtype != L->w_ih->dtype) {
        nb__error(NB_ERR_DTYPE, "%s: x is %s but the layer's parameters are %s", who,
                  nb_dtype_name(x->dtype), nb_dtype_name(L->w_ih->dtype));
        return NULL;
    }
    int64_t n = x->shape[0], T = x->shape[1], in = L->input_size, hid = L->hidden_size;
    if (T < 1) {
        nb__error(NB_ERR_SHAPE, "%s: x has no time steps (%s)", who,
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1));
        return NULL;
    }
    nb_tensor *h = NULL, *c = NULL;
    if (L->state && nb__rnn_state_start(L->state, who, x->dtype, n, hid, &h, &c) < 0)
        return NULL;
    if (!h)
        h = nb_zeros(x->dtype, 2, (const int64_t[]){n, hid});
    if (L->kind == NB_RNN_LSTM && !c)
        c = nb_zeros(x->dtype, 2, (const int64_t[]){n, hid});
    if (!h || (L->kind == NB_RNN_LSTM && !c))
        return NULL;
    nb_tensor **hs = malloc((size_t)T * sizeof *hs);
    if (!hs) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", who);
        return NULL;
    }
    nb_tensor *out = NULL;
    /* The input projection of all steps in one product, (N*T, I) x (I, G*H),
     * sliced per step (a slice's gradient is added into its range of one
     * buffer in first-order backward, so T slices cost O(N T G H) there),
     * and w_hh transposed once for all steps, so that no step packs a
     * transposed weight.  Elman and LSTM add b_hh here too (b_ih + b_hh,
     * once), which saves a (N, G*H) add per step and its gradient's sum. */
    int64_t gh = L->w_ih->shape[0];
    bool fold = L->kind != NB_RNN_GRU;
    nb_tensor *bias = fold ? nb_add(L->b_ih, L->b_hh) : L->b_ih;
    nb_tensor *xg_all = nb_reshape(
        nb_add(nb_matmul_t(nb_reshape(x, 2, (const int64_t[]){n * T, in}), L->w_ih, false, true),
               bias),
        2, (const int64_t[]){n, T * gh});
    nb_tensor *w_hh_t = nb_transpose(L->w_hh);
    for (int64_t t = 0; t < T; t++) {
        nb_tensor *xg = nb_slice(xg_all, 1, t * gh, (t + 1) * gh);
        nb_tensor *h1 = NULL, *c1 = NULL;
        if (!xg || !w_hh_t ||
            nb__rnn_step(L->kind, xg, h, c, w_hh_t, true, fold ? NULL : L->b_hh, &h1,
                         L->kind == NB_RNN_LSTM ? &c1 : NULL) < 0)
            goto done;
        hs[t] = h = h1;
        c = c1;
    }
    /* (N, H) pieces side by side are (N, T*H), i.e. (N, T, H) row-major */
    out = nb_reshape(nb_concat(hs, (int)T, 1), 3, (const int64_t[]){n, T, hid});
    if (out && L->state && nb__rnn_state_store(L->state, who, h, c) < 0)
        out = NULL;
done:
    free(hs);
    return out;
}
