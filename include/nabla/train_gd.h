/* nabla/train_gd.h — MATLAB's full-batch gradient descent training
 * functions: traingd, traingdm (momentum) and traingdx (momentum and an
 * adaptive learning rate), on squared errors.
 *
 *     nb_train_record rec;
 *     int rc = nb_traingdx(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt},
 *                          &(nb_traingd_opts){.epochs = 5000}, &rec);
 *     printf("%s final lr %g\n", nb_stop_reason_matlab(rec.stop), rec.lr[rec.epochs]);
 *     nb_train_record_free(&rec);
 *
 * One epoch is one step on the gradient of perf over the whole training
 * set (one forward and one backward pass of the engine); nb_train is the
 * minibatch loop. */
#ifndef NABLA_TRAIN_GD_H
#define NABLA_TRAIN_GD_H

#include <stdbool.h>
#include <stdio.h>

#include "nabla/nn.h"
#include "nabla/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One struct for the three functions; a field a function does not use is
 * ignored (mc by traingd, lr_inc, lr_dec and max_perf_inc by traingd and
 * traingdm).  A zero field means MATLAB's default (given per field);
 * anything else out of its range is an NB_ERR_ARG error naming the option. */
typedef struct nb_traingd_opts {
    int epochs;          /* most epochs, >= 0; 0 = 1000 */
    double goal;         /* stop when perf <= goal; finite, >= 0; default 0 */
    int max_fail;        /* validation checks that may fail in a row; 0 = 6, < 0 = never */
    double min_grad;     /* stop when the gradient norm < min_grad; finite; 0 = 1e-5,
                            < 0 = never */
    double lr;           /* learning rate, > 0; 0 = 0.01 */
    double mc;           /* momentum constant, in (0, 1); 0 = 0.9 (no momentum: nb_traingd) */
    double lr_inc;       /* traingdx: lr factor after a step that lowered perf, > 1; 0 = 1.05 */
    double lr_dec;       /* traingdx: lr factor after a rejected step, in (0, 1); 0 = 0.7 */
    double max_perf_inc; /* traingdx: a step raising perf above max_perf_inc times the old
                            perf is rejected, >= 1; 0 = 1.04 */
    bool sse;            /* perf = sum of squared errors (default: their mean, MATLAB's mse) */
    int verbose;         /* MATLAB's display: 0 = on a terminal only, 1 = always, -1 = never */
    int show;            /* display every `show` epochs, >= 0; 0 = 25 */
    FILE *out;           /* display stream; NULL = stderr */
    nb_epoch_fn callback; /* called after every epoch, the last too (NULL = none); nonzero
                             stops */
    void *callback_ctx;
} nb_traingd_opts;

/* Train `model` by gradient descent, as MATLAB's traingd: perf = mse of e =
 * y(X) - t over every training sample and output (or sse), its gradient g
 * (flat parameter order of nabla/nn.h) from one nb_backward over the whole
 * training set; each epoch X += dX, dX = -lr·g.  Stops (checked before each
 * epoch, in the order of nb_trainlm): goal, a perf that is not finite
 * (NB_STOP_NOT_FINITE), min_grad (on |g|), epochs, validation (max_fail
 * epochs in a row whose vperf fails to improve on the best or stays the
 * same), the callback.  With a validation set the weights of the best
 * epoch are put back.  Targets are N × O floats of the model's dtype.  The
 * record (may be NULL; free it with nb_train_record_free; holds nothing
 * after a failure) is MATLAB's tr: train_loss = perf, val_loss = vperf,
 * test_loss = tperf, gradient per epoch, best_epoch, stop.  NB_OK or
 * negative with a message naming nb_traingd (NB_ERR_ARG for an option,
 * NB_ERR_SHAPE / NB_ERR_DTYPE for the data).
 * The model runs in evaluation mode throughout (dropout off, batch norm on
 * its running statistics, which stay unchanged) and gets its own mode back
 * at the end: the steps need perf to be one fixed function of the weights
 * (nb_train trains those layers in training mode). */
int nb_traingd(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
               nb_train_record *record);

/* Gradient descent with momentum (MATLAB traingdm): as nb_traingd with
 * dX = mc·dXprev - (1 - mc)·lr·g, dXprev the previous step (0 at first).
 * Messages name nb_traingdm. */
int nb_traingdm(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
                nb_train_record *record);

/* Momentum and an adaptive learning rate (MATLAB traingdx): the step of
 * nb_traingdm is tried; if the new perf exceeds max_perf_inc times the old
 * one the step is discarded (the weights stay), lr = lr·lr_dec and the
 * momentum is reset (dXprev = -lr·g with the new lr, as MATLAB's traingdx.m
 * does); otherwise the step is kept and, if perf fell, lr = lr·lr_inc.  The
 * record adds lr per epoch (the rate the epoch's step was tried with).
 * Messages name nb_traingdx. */
int nb_traingdx(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
                nb_train_record *record);

#ifdef __cplusplus
}
#endif
#endif
