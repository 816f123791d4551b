/* nabla/train.h — the training loop (minibatch or full batch, early
 * stopping on a validation set, a record of every epoch, progress on a
 * terminal) and the evaluation of a model on a data set.
 *
 * nb_train drives a model (nn.h) and an optimizer (optim.h) over tensors:
 *
 *     nb_train_record rec;
 *     int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y},
 *                       &(nb_train_opts){.epochs = 500, .batch_size = 32}, &rec);
 *     if (rc < 0) fprintf(stderr, "%s\n", nb_last_error());
 *     nb_train_record_free(&rec);
 */
#ifndef NABLA_TRAIN_H
#define NABLA_TRAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/nn.h"
#include "nabla/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

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
    NB_STOP_NOT_FINITE,   /* the training loss became NaN or Inf */
    NB_STOP_MU_MAX        /* Levenberg–Marquardt: mu grew past mu_max without a better step */
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
    /* Filled by nb_trainlm and nb_trainbr (gradient also by nb_traingd and
     * friends; NULL otherwise), epochs + 1 entries like the losses, as
     * MATLAB's tr.gradient, tr.mu, tr.gamk, tr.ssX, tr.lr: */
    double *gradient;       /* norm of the performance's gradient at the epoch's weights */
    double *mu;             /* mu with which the next step starts */
    double *gamma;          /* trainbr: effective number of parameters */
    double *ssx;            /* trainbr: sum of squared weights ||X||^2 */
    double *alpha, *beta;   /* trainbr: the regularisation's weights (of E_W and E_D) */
    double *lr;             /* traingdx: the learning rate of the epoch's step (MATLAB's tr.lr) */
} nb_train_record;

/* The reason as text ("validation stop", ...); never NULL. */
const char *nb_stop_reason_name(nb_stop_reason reason);
/* The reason in MATLAB's words ("Validation stop.", "Maximum mu reached.",
 * "Minimum gradient reached.", "Maximum epoch reached.", "Performance goal
 * met.", ...); never NULL. */
const char *nb_stop_reason_matlab(nb_stop_reason reason);
/* Free the record's arrays (the struct itself is the caller's). */
void nb_train_record_free(nb_train_record *record);

/* Called after every epoch with that epoch's numbers; return nonzero to stop. */
typedef int (*nb_epoch_fn)(int epoch, const nb_train_record *record, void *ctx);

/* Data-parallel training: how nb_train splits each minibatch across
 * processes and combines their gradients.  nb_dist_train (nabla/dist.h)
 * fills one on MPI; a zeroed one, or none, is one process.  Every process
 * calls nb_train with the same model weights, data, options and seed; process
 * `rank` of `size` trains on its slice of every global minibatch
 * (nb_batch_opts.shard), and after each backward pass `reduce_grads` must
 * turn every process's gradient buffer into the gradient of the mean loss
 * over the whole global batch, the same on all processes, so that every
 * optimizer makes the same step.  Evaluation (epoch 0, validation, test)
 * runs on the full sets on every process, so every stopping decision agrees;
 * a callback must decide the same on every process too. */
typedef struct nb_train_parallel {
    int rank, size;       /* this process, of size >= 1 (0, 0: one process) */
    /* after each backward: `rows` of this process's slice (0 for an empty
     * slice, whose gradient is zero), `total` rows in the global batch */
    int (*reduce_grads)(nb_model *model, int64_t rows, int64_t total, void *ctx);
    /* sum v[0..n) over the processes, in place (each epoch's loss and hits) */
    int (*sum)(double *v, int n, void *ctx);
    void *ctx;            /* passed to both */
} nb_train_parallel;

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
    const nb_train_parallel *parallel; /* data-parallel hooks (NULL = one process) */
    /* Checkpoints (see nb_train): a file written after every
     * checkpoint_every-th epoch and after the last one, by process 0 only;
     * NULL = none. */
    const char *checkpoint;
    int checkpoint_every; /* epochs between checkpoints, >= 0; 0 = 1 */
    bool resume;          /* start from `checkpoint` (it must exist) instead of epoch 0 */
} nb_train_opts;

/* Train `model` with `opt` on `data`, minimising loss(model(x), y,
 * NB_REDUCE_MEAN).
 * With opts.checkpoint, the state after an epoch (parameters, optimizer
 * state and step count, the shuffle's order and RNG, the record so far, the
 * best weights and failure count of early stopping, the model's buffers such
 * as batch norm's running statistics, now and at the best epoch) is written
 * to that file atomically (a crash while writing leaves the previous one).  A later call
 * with the same model shape, optimizer kind, data, batch size and
 * opts.resume loads it and goes on from the next epoch: the weights it
 * reaches are those of one uninterrupted run of as many epochs.  Epochs,
 * goal, min_grad, max_fail and the callback are this call's own, so a
 * resumed run may train longer; a checkpoint whose run had already stopped
 * for another reason than its epoch count (goal, validation, ...) only
 * restores its best weights.  A checkpoint of another run (rows, batch
 * size, parameters, buffers, optimizer, validation set differ) is refused
 * with NB_ERR_ARG before anything changes; a damaged one with NB_ERR_FORMAT.
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
