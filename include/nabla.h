/* nabla.h — reverse-mode automatic differentiation for C.
 * Include this one header; it gathers every public module.
 *
 * A walk-through (examples/train_loop.c is this, complete and running):
 *
 *   Tensors come from arenas, never from malloc: ops put their results in
 *   the thread's current arena, and a reset frees them all at once.
 *
 *       nb_arena *step = nb_arena_new();
 *       nb_arena_use(step);
 *
 *   A model owns its parameters (one flat buffer) and its own arena.
 *
 *       nb_model *net = nb_bpnet_new((const int64_t[]){4, 8, 3}, 3,
 *                                    (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
 *                                    &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
 *       nb_optim *opt = nb_adam_new(net, &(nb_adam_opts){.lr = 0.01});
 *
 *   Each training step has four parts:
 *
 *       // 1. record: ops run now and remember how they were computed
 *       nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, x), labels,
 *                                               NB_REDUCE_MEAN);
 *       // 2. backward: walk the graph from the loss, add d(loss)/d(p) to
 *       //    every parameter's .grad (a NULL loss from a failed op fails here)
 *       if (!loss || nb_backward(loss, NULL) < 0)
 *           fprintf(stderr, "%s\n", nb_last_error());
 *       // 3. step: update the parameters from their gradients, then clear them
 *       nb_optim_step(opt);
 *       nb_optim_zero_grad(opt);
 *       // 4. reset: the batch, the graph and every temporary are gone; the
 *       //    arena keeps its memory, so later steps allocate nothing
 *       nb_arena_reset(step);
 *
 *   nb_train (nabla/train.h) runs that loop over minibatches with early
 *   stopping; nb_grad (nabla/autograd.h) returns gradients without touching
 *   .grad, and with NB_CREATE_GRAPH records them for second order;
 *   nb_gradcheck (nabla/verify.h) compares any backward with finite
 *   differences.  Errors: a failing call returns NULL or a negative
 *   nb_status and leaves one message in nb_last_error(); an op given NULL
 *   returns NULL, so a whole expression is checked once, at its end.
 *   Names follow docs/api-conventions.md. */
#ifndef NABLA_H
#define NABLA_H

#include "nabla/error.h"     /* status codes, nb_last_error */
#include "nabla/arena.h"     /* arena memory */
#include "nabla/rng.h"       /* seeded xoshiro256** */
#include "nabla/tensor.h"    /* the tensor */
#include "nabla/autograd.h"  /* recording, nb_backward, nb_grad */
#include "nabla/ops.h"       /* every differentiable op */
#include "nabla/verify.h"    /* gradcheck, jacobian, hessian */
#include "nabla/custom_op.h" /* user-defined ops */
#include "nabla/nn.h"        /* layers, BP networks, losses, initialisers */
#include "nabla/nn_conv.h"   /* convolution, pooling and flatten layers */
#include "nabla/rnn.h"       /* RNN, LSTM and GRU cells and sequence layers */
#include "nabla/optim.h"     /* SGD, Adam, RMSprop, RPROP */
#include "nabla/train.h"     /* the training loop, evaluation, progress */
#include "nabla/train_lm.h"  /* trainlm, trainbr (Levenberg–Marquardt) */
#include "nabla/train_gd.h"  /* traingd, traingdm, traingdx (full-batch gradient descent) */
#include "nabla/train_net.h" /* fitnet, patternnet, feedforwardnet; regression R, confusion */
#include "nabla/train_scg.h" /* trainscg (scaled conjugate gradient), MATLAB's perf functions */
#include "nabla/dist.h"      /* data-parallel training on MPI (stubs without it) */
#include "nabla/io.h"        /* CSV, IDX, normalisation, model files */
#include "nabla/dot.h"       /* graph pictures */
#include "nabla/trace.h"     /* the backward trace */
#include "nabla/html.h"      /* an interactive page of a backward pass */
#include "nabla/plot.h"      /* plotperform, plotregression, plotconfusion (CSV; SVG/PNG) */
#include "nabla/sites.h"     /* records the caller's file:line in each node (last) */

#endif
