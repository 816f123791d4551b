/* nabla/train_lm.h — MATLAB's Levenberg–Marquardt training functions:
 * trainlm (MATLAB's default for fitting) and trainbr (Bayesian
 * regularisation), full batch, on squared errors.
 *
 *     nb_train_record rec;
 *     int rc = nb_trainlm(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt},
 *                         NULL, &rec);
 *     printf("%s best epoch %d\n", nb_stop_reason_matlab(rec.stop), rec.best_epoch);
 *     nb_train_record_free(&rec);
 *
 * Memory: the Jacobian J has N·O rows (samples × outputs) of P doubles
 * (parameters), and the damped system and its factor n×n doubles each (n
 * = P, or N·O for trainlm when that is smaller): LM suits the small nets
 * and data sets MATLAB uses it for (a 13-10-1 net on 354 samples needs
 * 1 MB; 100 000 samples × 10 501 parameters would need 11.1 GB and are
 * refused with that size, see max_bytes). */
#ifndef NABLA_TRAIN_LM_H
#define NABLA_TRAIN_LM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nabla/nn.h"
#include "nabla/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Levenberg–Marquardt across processes (nb_dist_trainlm of nabla/dist.h
 * fills one on MPI): every process passes its own disjoint share of each
 * set's samples, the same weights and the same options.  `sum` must replace
 * v[0..n) by its sum over the processes, the same on every process; the
 * loop sums with it each squared-error sum (training, validation, test)
 * and, once, the sample counts; J'J and J'e after each Jacobian go through
 * `sum_pairs`.  So every process solves the same system and takes the same
 * step (N·O in the mse and in trainbr's beta is then the total over the
 * processes).  An error from a hook (negative, with its message) ends the
 * run on that process. */
typedef struct nb_lm_parallel {
    int (*sum)(double *v, int64_t n, void *ctx);
    /* J'J and J'e come as double-doubles hi[i] + lo[i] (i < n): replace
     * each by its sum over the processes, as a double-double, so that the
     * rounded result does not depend on how the rows were split. */
    int (*sum_pairs)(double *hi, double *lo, int64_t n, void *ctx);
    void *ctx;
} nb_lm_parallel;

/* A zero field means MATLAB's default (given per field); anything else
 * out of its range is an NB_ERR_ARG error naming the option. */
typedef struct nb_trainlm_opts {
    int epochs;       /* most epochs, >= 0; 0 = 1000 */
    double goal;      /* stop when perf <= goal; finite, >= 0; default 0 */
    int max_fail;     /* validation checks that may fail in a row; 0 = 6 (trainbr: never),
                         < 0 = never */
    double min_grad;  /* stop when the gradient norm < min_grad; finite; 0 = 1e-7, < 0 = never */
    double mu;        /* initial mu, > 0; 0 = 0.001 (trainbr: 0.005) */
    double mu_dec;    /* mu factor after a successful step, in (0, 1); 0 = 0.1 */
    double mu_inc;    /* mu factor after a failed step, > 1; 0 = 10 */
    double mu_max;    /* stop when mu exceeds it, > 0; 0 = 1e10 */
    bool sse;         /* perf = sum of squared errors (default: their mean, MATLAB's mse) */
    size_t max_bytes; /* most memory for J, the system and the solve; 0 = 1 GiB; above it
                         training is refused (NB_ERR_NOMEM) naming the size it needs */
    int verbose;      /* MATLAB's display: 0 = on a terminal only, 1 = always, -1 = never */
    int show;         /* display every `show` epochs, >= 0; 0 = 25 */
    FILE *out;        /* display stream; NULL = stderr */
    nb_epoch_fn callback; /* called after every epoch, the last too (NULL = none); nonzero
                             stops */
    void *callback_ctx;
    const nb_lm_parallel *parallel; /* NULL = one process (all the samples) */
} nb_trainlm_opts;

/* Train `model` by Levenberg–Marquardt, as MATLAB's trainlm documents:
 * e = y(X) - t over every training sample and output (N·O values), perf =
 * mse (e·e / (N·O)) or sse; J = de/dX (N·O × P, the flat parameter order of
 * nabla/nn.h, from nb_model_jacobian); jj = J'J, je = J'e; the gradient
 * reported and compared with min_grad is 2·je/(N·O) (2·je for sse).  Each
 * epoch solves (jj + mu·I) dX = -je in f64 by Cholesky (for f32 models too;
 * with fewer errors than parameters as dX = -J'(J J' + mu·I)^-1 e, the same
 * step through the N·O × N·O system); if perf(X + dX) < perf(X) the step is kept and mu = max(mu·mu_dec, 1e-20),
 * else mu = mu·mu_inc and the step is solved again, until mu > mu_max.  A
 * system that is not positive definite in floating point counts as a
 * failed step.  Stops (checked before each epoch, in MATLAB's order): goal,
 * a perf that is not finite (NB_STOP_NOT_FINITE), mu_max, min_grad, epochs,
 * validation (max_fail epochs in a row whose vperf fails to improve on the
 * best or stays the same), the callback.
 * With a validation set the weights of the best epoch are put back.  data
 * targets must be N × O floats of the model's dtype (MATLAB's t);
 * val/test sets are optional.  The record (may be NULL; free it with
 * nb_train_record_free; holds nothing after a failure) is MATLAB's tr:
 * train_loss = perf, val_loss = vperf, test_loss = tperf, gradient and mu
 * per epoch, best_epoch, stop.  NB_OK or negative with a message naming
 * nb_trainlm (NB_ERR_ARG for an option, NB_ERR_SHAPE / NB_ERR_DTYPE for
 * the data, NB_ERR_NOMEM when J would exceed max_bytes, naming the size).
 * The model runs in evaluation mode throughout (dropout off, batch norm on
 * its running statistics, which stay unchanged) and gets its own mode back
 * at the end: the steps need perf to be one fixed function of the weights
 * (nb_train trains those layers in training mode). */
int nb_trainlm(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
               nb_train_record *record);

/* Bayesian regularisation (MATLAB trainbr, Foresee & Hagan 1997): LM on
 * F = beta·E_D + alpha·E_W, E_D = e·e (sum of squared errors), E_W = X·X.
 * Start: gamma = P, beta = (N·O - gamma) / (2 E_D) (1 when E_D = 0 or that
 * is <= 0), alpha = gamma / (2 E_W) (1 when E_W = 0).  Each epoch solves
 * (beta·jj + (mu + alpha) I) dX = -(beta·je + alpha·X), keeps the step when
 * F falls (mu as in nb_trainlm), then with jj of the epoch's start:
 * gamma = P - alpha·tr((beta·jj + alpha·I)^-1) (= P - 2 alpha tr(H^-1), H =
 * 2 beta jj + 2 alpha I), alpha = gamma / (2 E_W), beta = (N·O - gamma) /
 * (2 E_D).  perf (recorded, compared with goal) is the mse or sse of the
 * errors as for nb_trainlm; the gradient is that of F, 2(beta·je + alpha·X).
 * mu defaults to 0.005 and there is no validation stop unless max_fail > 0
 * is given.  The record adds gamma, ssx, alpha and beta per epoch.  Same
 * returns as nb_trainlm, messages naming nb_trainbr. */
int nb_trainbr(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
               nb_train_record *record);

#ifdef __cplusplus
}
#endif
#endif
