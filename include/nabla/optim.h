/* nabla/optim.h — optimizers over a model's parameters, and the training
 * loop.
 *
 * An optimizer works on the model's contiguous parameter and gradient
 * buffers (nn.h): a step is one loop over all scalars.  Its state (momentum,
 * moments, step sizes) is allocated once, when it is made, in its own arena.
 * nb_optim_step runs with recording off, updates the parameters in place and
 * bumps their version counters.
 *
 * Subnormal numbers: moment estimates and step sizes decay geometrically and,
 * left alone, drift into the subnormal range, where x86 arithmetic is tens of
 * times slower.  On x86 the step sets the FTZ and DAZ bits of MXCSR and
 * restores the caller's MXCSR afterwards (cheap, and it covers every
 * intermediate of the loop); on other targets the state is flushed
 * explicitly (|x| < the dtype's smallest normal becomes 0) after each step.
 *
 * Options: a zero field means its default (listed per field), so
 * `&(nb_adam_opts){.lr = 1e-2}` changes the learning rate only; NULL opts
 * means all defaults.  Every option is checked when the optimizer is made:
 * NaN, an infinity or a value outside the range given per field fails with
 * NB_ERR_ARG and a message naming the function, the option and its value
 * ("nb_sgd_new: lr is nan; expected a finite number > 0").
 */
#ifndef NABLA_OPTIM_H
#define NABLA_OPTIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_optim nb_optim;

typedef struct nb_sgd_opts {
    double lr;           /* learning rate, > 0; 0 = 0.01 */
    double momentum;     /* momentum factor mu in [0, 1) (0 = plain SGD) */
    double dampening;    /* momentum dampening in [0, 1]: buf = mu buf + (1 - d) g (0 = none) */
    bool nesterov;       /* Nesterov momentum: step along g + mu buf (needs momentum > 0) */
    double weight_decay; /* L2 penalty, >= 0: g += wd * p (0 = none) */
} nb_sgd_opts;

typedef struct nb_adam_opts {
    double lr;           /* learning rate, > 0; 0 = 0.001 */
    double beta1;        /* decay of the first moment, in [0, 1); 0 = 0.9 */
    double beta2;        /* decay of the second moment, in [0, 1); 0 = 0.999 */
    double eps;          /* added to sqrt(v hat), > 0; 0 = 1e-8 */
    double weight_decay; /* >= 0. Adam: L2 added to g; AdamW: decoupled, p -= lr wd p (0 = none) */
} nb_adam_opts;

typedef struct nb_rmsprop_opts {
    double lr;           /* learning rate, > 0; 0 = 0.01 */
    double alpha;        /* decay of the squared-gradient average, in [0, 1); 0 = 0.99 */
    double eps;          /* added to the root mean square, > 0; 0 = 1e-8 */
    double momentum;     /* momentum on the scaled step, in [0, 1) (0 = none) */
    double weight_decay; /* L2 penalty, >= 0: g += wd * p (0 = none) */
    bool centered;       /* divide by the centred RMS (variance, not second moment) */
} nb_rmsprop_opts;

/* RPROP as in MATLAB's trainrp: each scalar has its own step size delta;
 * when the gradient keeps its sign delta *= delt_inc (capped at deltamax),
 * when it flips delta *= delt_dec, when either gradient is 0 delta stays;
 * then p -= sign(g) * delta.  (trainrp does not undo the previous step or
 * skip an update after a sign flip; neither does this.)  Meant for full-batch
 * training. */
typedef struct nb_rprop_opts {
    double delta0;   /* initial step size, > 0; 0 = 0.07 (trainrp delta0) */
    double delt_inc; /* factor when the sign holds, >= 1; 0 = 1.2 */
    double delt_dec; /* factor when the sign flips, in (0, 1); 0 = 0.5 */
    double deltamax; /* largest step size, > 0; 0 = 50 */
    double deltamin; /* smallest step size, in [0, deltamax] (0 = none, as in trainrp) */
} nb_rprop_opts;

/* Make an optimizer for every parameter of `model` (gathering them if
 * needed).  Its state lives in an arena of its own, made with the model's
 * allocator; free it with nb_optim_free.  NULL with a message for a NULL or
 * empty model (NB_ERR_NULL, NB_ERR_STATE) or an option that is NaN,
 * infinite or out of its range (NB_ERR_ARG: negative lr, beta >= 1, ...). */
nb_optim *nb_sgd_new(nb_model *model, const nb_sgd_opts *opts);
nb_optim *nb_adam_new(nb_model *model, const nb_adam_opts *opts);
nb_optim *nb_adamw_new(nb_model *model, const nb_adam_opts *opts);
nb_optim *nb_rmsprop_new(nb_model *model, const nb_rmsprop_opts *opts);
nb_optim *nb_rprop_new(nb_model *model, const nb_rprop_opts *opts);
/* Free the optimizer and its state.  NULL is a no-op. */
void nb_optim_free(nb_optim *opt);

/* Update every parameter from its gradient (in place, recording off,
 * versions bumped).  NB_OK, or negative with a message (e.g. parameters
 * were added to the model after the optimizer was made). */
int nb_optim_step(nb_optim *opt);
/* Zero every parameter's gradient (one memset over the gradient buffer). */
int nb_optim_zero_grad(nb_optim *opt);
/* Forget the state (moments, step sizes, step count) as if just made. */
int nb_optim_reset(nb_optim *opt);

/* The optimizer's name ("sgd", "adam", "adamw", "rmsprop", "rprop"). */
const char *nb_optim_name(const nb_optim *opt);
/* Learning rate (RPROP: has none, returns 0 / NB_ERR_ARG).  set_lr takes a
 * finite lr > 0 (else NB_ERR_ARG, the rate unchanged). */
double nb_optim_lr(const nb_optim *opt);
int nb_optim_set_lr(nb_optim *opt, double lr);
/* Number of steps taken. */
int64_t nb_optim_steps(const nb_optim *opt);
/* The model the optimizer updates. */
nb_model *nb_optim_model(const nb_optim *opt);

/* ---- the training loop ---- */

/* Data as tensors: X rows are samples; targets either float targets (rows
 * matching X) or class labels as a 1-D tensor of integral values.  The
 * validation and test sets are optional (NULL). */
typedef struct nb_train_data {
    nb_tensor *x, *y;           /* training set (required) */
    nb_tensor *val_x, *val_y;   /* validation set: early stopping (optional) */
    nb_tensor *test_x, *test_y; /* test set: only recorded (optional) */
} nb_train_data;

typedef enum nb_stop_reason {
    NB_STOP_NONE = 0,     /* training did not run (error) */
    NB_STOP_EPOCHS,       /* reached opts.epochs */
    NB_STOP_GOAL,         /* training loss <= opts.goal */
    NB_STOP_MIN_GRAD,     /* gradient norm < opts.min_grad */
    NB_STOP_VAL_FAIL,     /* validation loss failed to improve max_fail epochs in a row */
    NB_STOP_CALLBACK,     /* the per-epoch callback asked to stop */
    NB_STOP_NOT_FINITE    /* the training loss became NaN or Inf */
} nb_stop_reason;

/* What happened in training.  Arrays have epochs + 1 entries: entry 0 is
 * before the first update, entry e after epoch e.  Free with
 * nb_train_record_free. */
typedef struct nb_train_record {
    int epochs;             /* epochs run */
    int best_epoch;         /* epoch of the kept weights (validation) or the last one */
    nb_stop_reason stop;    /* why training stopped */
    double *train_loss;     /* mean training loss over the epoch's minibatches (0: full set) */
    double *val_loss;       /* validation loss (NULL without a validation set) */
    double *test_loss;      /* test loss (NULL without a test set) */
    double *train_acc;      /* training accuracy for classification (else NULL) */
    double *val_acc;        /* validation accuracy for classification (else NULL) */
    double grad_norm;       /* Euclidean norm of the gradient of the last epoch's last
                               minibatch (the full gradient in full-batch training) */
    double seconds;         /* wall time */
} nb_train_record;

/* The reason as text ("validation stop", ...); never NULL. */
const char *nb_stop_reason_name(nb_stop_reason reason);
/* Free the record's arrays (the struct itself is the caller's). */
void nb_train_record_free(nb_train_record *record);

/* Called after every epoch with that epoch's numbers; return nonzero to stop. */
typedef int (*nb_epoch_fn)(int epoch, const nb_train_record *record, void *ctx);

typedef struct nb_train_opts {
    int epochs;          /* most epochs, >= 0; 0 = 1000 (MATLAB's default) */
    int64_t batch_size;  /* samples per step, >= 0; 0 = the whole set (full batch, as MATLAB) */
    double goal;         /* stop when the training loss <= goal; finite, >= 0 (0 = only at
                            exactly 0) */
    double min_grad;     /* stop when the gradient norm < min_grad; finite; 0 = 1e-5 (trainrp),
                            < 0 = never */
    int max_fail;        /* validation checks that may fail in a row; 0 = 6, < 0 = never stop */
    bool no_shuffle;     /* keep sample order (default: a seeded shuffle every epoch) */
    uint64_t seed;       /* shuffle seed */
    int classification;  /* accuracy: 0 = auto (yes for 1-D labels), 1 = yes, -1 = no */
    int verbose;         /* progress: 0 = on a terminal only, 1 = always, -1 = never */
    int show;            /* print a line every `show` epochs when not a terminal, >= 0; 0 = 25 */
    FILE *out;           /* progress stream; NULL = stderr */
    nb_epoch_fn callback;/* per-epoch callback (NULL = none) */
    void *callback_ctx;  /* passed to the callback */
} nb_train_opts;

/* Train `model` with `opt` on `data`, minimising loss(model(x), y).
 * Each minibatch is copied into a step arena (made with the model's
 * allocator, reset after every step: no allocation in steady state).  With a
 * validation set, training stops after max_fail epochs without improvement
 * and the best weights are restored.  `record` (may be NULL) receives the
 * history (free it with nb_train_record_free; after a failure it holds
 * nothing to free); opts NULL = defaults.  Returns NB_OK or negative with a
 * message (bad shapes, dtypes, a loss that is not one element, an option
 * outside the range its field gives: NB_ERR_ARG, nothing run, ...). */
int nb_train(nb_model *model, nb_optim *opt, nb_loss_fn loss, const nb_train_data *data,
             const nb_train_opts *opts, nb_train_record *record);

/* Loss (and accuracy, when acc is not NULL: the fraction of rows whose
 * largest output is at the label or one-hot target; for one output column,
 * whether output > 0.5 matches target > 0.5) of the model on (x, y), with
 * recording off.  With acc, 1-D labels must be integers in [0, outputs) (0
 * or 1 for one output column), else NB_ERR_ARG naming the row, the value and
 * the range; nb_train checks each 1-D target set the same way in
 * classification mode, whatever the loss.  Temporaries go to the current
 * arena, or to a private arena when none is current.  NB_OK or negative. */
int nb_model_evaluate(nb_model *model, nb_loss_fn loss, nb_tensor *x, nb_tensor *y,
                      double *loss_out, double *acc);

#ifdef __cplusplus
}
#endif
#endif
