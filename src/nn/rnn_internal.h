/* Shared by the recurrent cells, the sequence layers and their state
 * (src/nn/rnn_*.c; private: other layers use nabla/rnn.h). */
#ifndef NB_NN_RNN_INTERNAL_H
#define NB_NN_RNN_INTERNAL_H

#include "nabla/rnn.h"

typedef enum nb_rnn_kind { NB_RNN_ELMAN = 0, NB_RNN_LSTM, NB_RNN_GRU } nb_rnn_kind;

/* Gate blocks per kind (1, 4, 3) and the op name of the cell ("rnn_cell"...). */
int nb__rnn_gates(nb_rnn_kind kind);
const char *nb__rnn_cell_name(nb_rnn_kind kind);

/* Check a cell's operands: x (N, I), h and (LSTM) c (N, H), w_ih (G*H, I),
 * w_hh (G*H, H), b_ih and b_hh (G*H), one dtype.  `who` starts the message
 * ("lstm_cell").  c is ignored unless kind is LSTM.  0 or a negative
 * status (NULL inputs keep the first message). */
int nb__rnn_check_cell(const char *who, nb_rnn_kind kind, const nb_tensor *x, const nb_tensor *h,
                       const nb_tensor *c, const nb_tensor *w_ih, const nb_tensor *w_hh,
                       const nb_tensor *b_ih, const nb_tensor *b_hh);

/* One step of a cell from its input projection xg = x w_ih^T + b_ih
 * (N, G*H), already computed (the sequence layers do it for all steps at
 * once): writes h' (and, for LSTM, c') and returns 0, or a negative status
 * with both outputs NULL.  w_hh is (G*H, H), or its transpose (H, G*H)
 * when w_hh_t (a sequence layer transposes it once for all its steps).
 * b_hh NULL (Elman and LSTM only) says that xg already holds it: their
 * gates only ever use x w_ih^T + b_ih + h w_hh^T + b_hh, so a sequence layer
 * adds both biases in its one projection of all steps instead of once per
 * step (GRU's n gate needs h w_hn^T + b_hn on its own).
 * Operands are not checked (callers did). */
int nb__rnn_step(nb_rnn_kind kind, nb_tensor *xg, nb_tensor *h, nb_tensor *c, nb_tensor *w_hh,
                 bool w_hh_t, nb_tensor *b_hh, nb_tensor **h_out, nb_tensor **c_out);

/* A sequence layer's context, in the model's arena. */
typedef struct nb_rnn_layer {
    nb_rnn_kind kind;
    int index;                 /* the layer's index in the model (0-based) */
    int64_t input_size, hidden_size;
    nb_tensor *w_ih, *w_hh, *b_ih, *b_hh;
    nb_rnn_state *state;       /* attached carrier, or NULL */
} nb_rnn_layer;

/* The forward of every sequence layer (an nb_layer_fn; ctx is its
 * nb_rnn_layer).  nb_rnn_state_new recognises the layers by it. */
nb_tensor *nb__rnn_layer_forward(nb_model *model, nb_tensor *x, void *ctx);

/* For the layer's forward: the carried values to start from (copies with no
 * graph in the current arena), or *h0 = *c0 = NULL when the state is empty.
 * A state for another batch size or dtype is an error naming `who`.  0 or a
 * negative status. */
int nb__rnn_state_start(nb_rnn_state *state, const char *who, nb_dtype dtype, int64_t n,
                        int64_t hidden, nb_tensor **h0, nb_tensor **c0);
/* Store the last step's values (c may be NULL).  0 or a negative status. */
int nb__rnn_state_store(nb_rnn_state *state, const char *who, const nb_tensor *h,
                        const nb_tensor *c);

#endif
