/* nabla/rnn.h — recurrent cells (Elman RNN, LSTM, GRU), sequence layers that
 * unroll them over time, and a state carrier for truncated backpropagation
 * through time.
 *
 * The cells are compositions of ops (matmul_t, add, slice, sigmoid, tanh,
 * mul), so backpropagation through time, and second order through nb_grad,
 * come from the engine with no gradient formula here.  Weights have
 * PyTorch's shapes and gate order, so the tensors of torch.nn.LSTMCell,
 * GRUCell and RNNCell (and of torch.nn.LSTM/GRU/RNN layers) copy over
 * unchanged:
 *
 *     cell   gates (G)        w_ih        w_hh        b_ih, b_hh
 *     rnn    1: tanh          (H, I)      (H, H)      (H)
 *     lstm   4: i, f, g, o    (4H, I)     (4H, H)     (4H)
 *     gru    3: r, z, n       (3H, I)     (3H, H)     (3H)
 *
 * x is (N, I) and h, c are (N, H): one sample per row.  All tensors have one
 * dtype (f32 or f64).
 *
 *     nb_tensor *h1, *c1;
 *     nb_lstm_cell(x, h0, c0, w_ih, w_hh, b_ih, b_hh, &h1, &c1);
 *
 * A sequence layer (nb_model_add_lstm, ...) takes x of shape (N, T, I),
 * batch first, and returns every step's h as (N, T, H).  For truncated BPTT
 * attach an nb_rnn_state to it: each forward then starts from the values the
 * previous forward ended with, cut from the previous graph.
 */
#ifndef NABLA_RNN_H
#define NABLA_RNN_H

#include <stdint.h>

#include "nabla/nn.h"
#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- cells (one time step; results in the current arena) ---- */

/* Elman cell: h' = tanh(x w_ih^T + b_ih + h w_hh^T + b_hh).  Returns h'
 * (N, H), or NULL: a NULL input keeps the first message; a bad shape or
 * mixed dtypes give NB_ERR_SHAPE / NB_ERR_DTYPE with a message starting
 * "rnn_cell:" and naming the tensor and the shape expected. */
nb_tensor *nb_rnn_cell(nb_tensor *x, nb_tensor *h, nb_tensor *w_ih, nb_tensor *w_hh,
                       nb_tensor *b_ih, nb_tensor *b_hh);

/* LSTM cell with PyTorch's gates: (i, f, g, o) = split(x w_ih^T + b_ih +
 * h w_hh^T + b_hh) into four blocks of H columns; i, f, o through sigmoid, g
 * through tanh; c' = f c + i g; h' = o tanh(c').  *h_out and *c_out receive
 * h' and c' (N, H) in the current arena.  Returns NB_OK or a negative
 * status with a message starting "lstm_cell:" (NULL inputs: NB_ERR_NULL,
 * keeping an earlier message); on failure both outputs are set to NULL.
 * h_out and c_out must not be NULL. */
int nb_lstm_cell(nb_tensor *x, nb_tensor *h, nb_tensor *c, nb_tensor *w_ih, nb_tensor *w_hh,
                 nb_tensor *b_ih, nb_tensor *b_hh, nb_tensor **h_out, nb_tensor **c_out);

/* GRU cell with PyTorch's gates: with gi = x w_ih^T + b_ih and
 * gh = h w_hh^T + b_hh split into (r, z, n) blocks of H columns,
 * r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z),
 * n = tanh(gi_n + r gh_n), h' = (1 - z) n + z h.  Returns h' (N, H) or NULL
 * as nb_rnn_cell does (messages start "gru_cell:"). */
nb_tensor *nb_gru_cell(nb_tensor *x, nb_tensor *h, nb_tensor *w_ih, nb_tensor *w_hh,
                       nb_tensor *b_ih, nb_tensor *b_hh);

/* ---- sequence layers ---- */

/* Append a sequence layer that unrolls a cell over time on the graph: x
 * (N, T, input_size), batch first, gives every step's h, (N, T,
 * hidden_size), starting from h = c = 0 (or from an attached nb_rnn_state).
 * The input projection of all T steps is one matrix product; the steps then
 * run one after the other.  Parameters, of the model's dtype, are named
 * "layer<k>.weight_ih", "layer<k>.weight_hh", "layer<k>.bias_ih",
 * "layer<k>.bias_hh" (k the layer's position counting every layer, from 1)
 * with PyTorch's shapes, initialised as PyTorch does: uniform in
 * [-1/sqrt(hidden_size), 1/sqrt(hidden_size)] from the model's RNG.
 * input_size and hidden_size must be >= 1.  Returns the layer's index
 * (>= 0, as nb_model_add_layer) or a negative status with a message naming
 * the function.  The layer's forward fails, with a message starting
 * "nb_model_forward: layer <k> (lstm)", when x is not (N, T, input_size). */
int nb_model_add_rnn(nb_model *model, int64_t input_size, int64_t hidden_size);
int nb_model_add_lstm(nb_model *model, int64_t input_size, int64_t hidden_size);
int nb_model_add_gru(nb_model *model, int64_t input_size, int64_t hidden_size);

/* ---- truncated backpropagation through time ---- */

/* The hidden state of one sequence layer, carried from one forward to the
 * next.  While a state is attached to a layer, each forward of the layer
 * starts from the state's (h, c) instead of zeros, as values with no graph
 * (so backward stops at the window's first step), and stores its last step's
 * (h, c) back in the state when it succeeds; that happens in every forward,
 * with or without grad mode.  The state keeps its values in an arena of its
 * own (the model's allocator), so they survive nb_arena_reset of the step
 * arena in which the forward ran: reset the step arena between windows as
 * usual.  After nb_rnn_state_reset, or when new, the next forward starts from
 * zeros. */
typedef struct nb_rnn_state nb_rnn_state;

/* A new, empty state attached to the sequence layer `layer` (the index
 * nb_model_add_lstm and friends returned) of `model`; a layer has at most
 * one state, and a new one replaces the old one's attachment.  Owned by the
 * caller: free it with nb_rnn_state_free BEFORE the model.  NULL with a
 * message (NB_ERR_NULL, NB_ERR_ARG when `layer` is not a sequence layer,
 * NB_ERR_NOMEM). */
nb_rnn_state *nb_rnn_state_new(nb_model *model, int layer);
/* Detach the state from its layer (if still attached) and free it.  NULL is
 * a no-op. */
void nb_rnn_state_free(nb_rnn_state *state);
/* Forget the carried values: the next forward starts from zeros (needed
 * before a forward with another batch size).  NB_OK, or NB_ERR_NULL. */
int nb_rnn_state_reset(nb_rnn_state *state);
/* The carried h and (LSTM only) c, (N, H), or NULL when there are none (an
 * empty state, or c of a GRU/RNN layer).  Borrowed: valid until the state's
 * next forward, reset or free.  Records no message. */
nb_tensor *nb_rnn_state_h(const nb_rnn_state *state);
nb_tensor *nb_rnn_state_c(const nb_rnn_state *state);

#ifdef __cplusplus
}
#endif
#endif
