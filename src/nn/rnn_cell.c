/* The recurrent cells: Elman RNN, LSTM and GRU with PyTorch's weight shapes
 * and gate order.  Each step is a composition of ops, so the engine gives
 * backpropagation through time and second order; nothing here is a
 * gradient formula. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "core/error_internal.h"
#include "core/tensor_internal.h"
#include "nabla/ops.h"
#include "nn/rnn_internal.h"

int nb__rnn_gates(nb_rnn_kind kind)
{
    return kind == NB_RNN_LSTM ? 4 : kind == NB_RNN_GRU ? 3 : 1;
}

const char *nb__rnn_cell_name(nb_rnn_kind kind)
{
    return kind == NB_RNN_LSTM ? "lstm_cell" : kind == NB_RNN_GRU ? "gru_cell" : "rnn_cell";
}

/* t must have ndim dims of the sizes given (s1 unused for 1-D); else an
 * NB_ERR_SHAPE message naming `name` and what the layout asks for. */
static int nb_rnn_expect(const char *who, const char *name, const nb_tensor *t, int ndim,
                         int64_t s0, int64_t s1, const char *why)
{
    if (t->ndim == ndim && t->shape[0] == s0 && (ndim == 1 || t->shape[1] == s1))
        return 0;
    char got[96], want[64];
    nb__shape_fmt(t->ndim, t->shape, got, sizeof got);
    nb__shape_fmt(ndim, (const int64_t[]){s0, s1}, want, sizeof want);
    return nb__error(NB_ERR_SHAPE, "%s: %s is %s but expected %s (%s)", who, name, got, want, why);
}

int nb__rnn_check_cell(const char *who, nb_rnn_kind kind, const nb_tensor *x, const nb_tensor *h,
                       const nb_tensor *c, const nb_tensor *w_ih, const nb_tensor *w_hh,
                       const nb_tensor *b_ih, const nb_tensor *b_hh)
{
    int lstm = kind == NB_RNN_LSTM;
    if (nb__check_tensor(x, who, "x") < 0 || nb__check_tensor(h, who, "h") < 0 ||
        (lstm && nb__check_tensor(c, who, "c") < 0) || nb__check_tensor(w_ih, who, "w_ih") < 0 ||
        nb__check_tensor(w_hh, who, "w_hh") < 0 || nb__check_tensor(b_ih, who, "b_ih") < 0 ||
        nb__check_tensor(b_hh, who, "b_hh") < 0)
        return nb_last_status();
    char s1[96];
    if (x->ndim != 2)
        return nb__error(NB_ERR_SHAPE, "%s: x is %s; expected (batch, input) with one sample per "
                         "row (reshape a single sample to 1 x input)", who,
                         nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1));
    if (h->ndim != 2)
        return nb__error(NB_ERR_SHAPE, "%s: h is %s; expected (batch, hidden)", who,
                         nb__shape_fmt(h->ndim, h->shape, s1, sizeof s1));
    int64_t n = x->shape[0], in = x->shape[1], hid = h->shape[1], g = nb__rnn_gates(kind);
    if (h->shape[0] != n)
        return nb__error(NB_ERR_SHAPE, "%s: h has %lld rows but x has %lld; both hold one row "
                         "per sample", who, (long long)h->shape[0], (long long)n);
    static const char *const layout[] = {"hidden x input", "4*hidden x input, gates i, f, g, o",
                                         "3*hidden x input, gates r, z, n"};
    static const char *const layout_hh[] = {"hidden x hidden",
                                            "4*hidden x hidden, gates i, f, g, o",
                                            "3*hidden x hidden, gates r, z, n"};
    const nb_tensor *all[] = {x, h, c, w_ih, w_hh, b_ih, b_hh};
    static const char *const names[] = {"x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh"};
    for (int i = 1; i < 7; i++) {
        if (!all[i] || (i == 2 && !lstm))
            continue;
        if (all[i]->dtype != x->dtype)
            return nb__error(NB_ERR_DTYPE, "%s: %s is %s but x is %s; all operands of a cell "
                             "need one dtype", who, names[i], nb_dtype_name(all[i]->dtype),
                             nb_dtype_name(x->dtype));
    }
    if ((lstm && nb_rnn_expect(who, "c", c, 2, n, hid, "the shape of h")) ||
        nb_rnn_expect(who, "w_ih", w_ih, 2, g * hid, in, layout[kind]) ||
        nb_rnn_expect(who, "w_hh", w_hh, 2, g * hid, hid, layout_hh[kind]) ||
        nb_rnn_expect(who, "b_ih", b_ih, 1, g * hid, 0, "one bias per gate row of w_ih") ||
        nb_rnn_expect(who, "b_hh", b_hh, 1, g * hid, 0, "one bias per gate row of w_hh"))
        return nb_last_status();
    return 0;
}

/* Gate block k (H columns) of a (N, G*H) tensor. */
static nb_tensor *nb_rnn_block(nb_tensor *gates, int k, int64_t hid)
{
    return nb_slice(gates, 1, k * hid, (k + 1) * hid);
}

int nb__rnn_step(nb_rnn_kind kind, nb_tensor *xg, nb_tensor *h, nb_tensor *c, nb_tensor *w_hh,
                 bool w_hh_t, nb_tensor *b_hh, nb_tensor **h_out, nb_tensor **c_out)
{
    *h_out = NULL;
    if (c_out)
        *c_out = NULL;
    int64_t hid = h->shape[1];
    nb_tensor *hg = nb_matmul_t(h, w_hh, false, !w_hh_t);
    if (b_hh)
        hg = nb_add(hg, b_hh);
    switch (kind) {
    case NB_RNN_ELMAN:
        *h_out = nb_tanh(nb_add(xg, hg));
        break;
    case NB_RNN_LSTM: {
        nb_tensor *gates = nb_add(xg, hg);
        nb_tensor *i = nb_sigmoid(nb_rnn_block(gates, 0, hid));
        nb_tensor *f = nb_sigmoid(nb_rnn_block(gates, 1, hid));
        nb_tensor *g = nb_tanh(nb_rnn_block(gates, 2, hid));
        nb_tensor *o = nb_sigmoid(nb_rnn_block(gates, 3, hid));
        nb_tensor *c1 = nb_add(nb_mul(f, c), nb_mul(i, g));
        nb_tensor *h1 = nb_mul(o, nb_tanh(c1));
        if (h1) {
            *h_out = h1;
            *c_out = c1;
        }
        break;
    }
    case NB_RNN_GRU: {
        nb_tensor *r = nb_sigmoid(nb_add(nb_rnn_block(xg, 0, hid), nb_rnn_block(hg, 0, hid)));
        nb_tensor *z = nb_sigmoid(nb_add(nb_rnn_block(xg, 1, hid), nb_rnn_block(hg, 1, hid)));
        nb_tensor *nn = nb_tanh(nb_add(nb_rnn_block(xg, 2, hid), nb_mul(r, nb_rnn_block(hg, 2, hid))));
        /* (1 - z) n + z h, written as n + z (h - n): one op fewer */
        *h_out = nb_add(nn, nb_mul(z, nb_sub(h, nn)));
        break;
    }
    }
    return *h_out ? 0 : nb_last_status();
}

/* A cell called directly: check, project x, step. */
static int nb_rnn_cell_any(nb_rnn_kind kind, nb_tensor *x, nb_tensor *h, nb_tensor *c,
                           nb_tensor *w_ih, nb_tensor *w_hh, nb_tensor *b_ih, nb_tensor *b_hh,
                           nb_tensor **h_out, nb_tensor **c_out)
{
    const char *who = nb__rnn_cell_name(kind);
    if (nb__rnn_check_cell(who, kind, x, h, c, w_ih, w_hh, b_ih, b_hh) < 0)
        return nb_last_status();
    nb_tensor *xg = nb_add(nb_matmul_t(x, w_ih, false, true), b_ih);
    if (!xg)
        return nb_last_status();
    return nb__rnn_step(kind, xg, h, c, w_hh, false, b_hh, h_out, c_out);
}

nb_tensor *nb_rnn_cell(nb_tensor *x, nb_tensor *h, nb_tensor *w_ih, nb_tensor *w_hh,
                       nb_tensor *b_ih, nb_tensor *b_hh)
{
    nb_tensor *h1 = NULL;
    nb_rnn_cell_any(NB_RNN_ELMAN, x, h, NULL, w_ih, w_hh, b_ih, b_hh, &h1, NULL);
    return h1;
}

nb_tensor *nb_gru_cell(nb_tensor *x, nb_tensor *h, nb_tensor *w_ih, nb_tensor *w_hh,
                       nb_tensor *b_ih, nb_tensor *b_hh)
{
    nb_tensor *h1 = NULL;
    nb_rnn_cell_any(NB_RNN_GRU, x, h, NULL, w_ih, w_hh, b_ih, b_hh, &h1, NULL);
    return h1;
}

int nb_lstm_cell(nb_tensor *x, nb_tensor *h, nb_tensor *c, nb_tensor *w_ih, nb_tensor *w_hh,
                 nb_tensor *b_ih, nb_tensor *b_hh, nb_tensor **h_out, nb_tensor **c_out)
{
    if (!h_out || !c_out)
        return nb__error(NB_ERR_NULL, "lstm_cell: %s is NULL; pass the address of an nb_tensor * "
                         "to receive the new state", !h_out ? "h_out" : "c_out");
    *h_out = *c_out = NULL;
    return nb_rnn_cell_any(NB_RNN_LSTM, x, h, c, w_ih, w_hh, b_ih, b_hh, h_out, c_out);
}
