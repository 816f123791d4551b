/* nabla/train_scg.h — MATLAB's trainscg: scaled conjugate gradient
 * (Møller 1993), full batch, on the mean squared error, the sum of squared
 * errors or the cross-entropy (MATLAB's default for patternnet).
 *
 *     nb_train_record rec;
 *     int rc = nb_trainscg(net, &(nb_train_data){.x = x, .y = t, .val_x = vx, .val_y = vt},
 *                          &(nb_trainscg_opts){.perf = NB_PERF_CROSSENTROPY}, &rec);
 *     printf("%s after %d epochs\n", nb_stop_reason_matlab(rec.stop), rec.epochs);
 *     nb_train_record_free(&rec);
 *
 * Each epoch costs two gradients (one forward and one backward pass of the
 * whole training set each) and one more forward pass, and no memory beyond
 * a few vectors of the parameters' size: SCG suits the nets that are too
 * large for trainlm's Jacobian. */
#ifndef NABLA_TRAIN_SCG_H
#define NABLA_TRAIN_SCG_H

#include <stdio.h>

#include "nabla/nn.h"
#include "nabla/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MATLAB's performance functions (net.performFcn), on e = y - t over all
 * N samples and O outputs of a set. */
typedef enum nb_perf_fn {
    NB_PERF_MSE = 0,      /* mean of e² over the N·O values (MATLAB mse; the default) */
    NB_PERF_SSE,          /* sum of e² (MATLAB sse) */
    NB_PERF_CROSSENTROPY, /* MATLAB crossentropy: the mean over the N·O values of
                             -t·log(y) for O >= 2 outputs (softmax, one-hot t), and of
                             -t·log(y) - (1-t)·log(1-y) for one output (logsig); y is
                             clamped to [1e-300, 1] (f64) or [1e-38, 1] (f32) first */
    NB_PERF_COUNT_        /* number of performance functions (not one itself) */
} nb_perf_fn;

/* "mse", "sse", "crossentropy", or "unknown". */
const char *nb_perf_fn_name(nb_perf_fn perf);

/* A zero field means MATLAB's default (given per field); anything else out
 * of its range is an NB_ERR_ARG error naming the option. */
typedef struct nb_trainscg_opts {
    int epochs;        /* most epochs, >= 0; 0 = 1000 */
    double goal;       /* stop when perf <= goal; finite, >= 0; default 0 */
    int max_fail;      /* validation checks that may fail in a row; 0 = 6, < 0 = never */
    double min_grad;   /* stop when the gradient norm < min_grad; finite; 0 = 1e-6,
                          < 0 = never */
    double sigma;      /* step of the second-derivative estimate, > 0; 0 = 5e-5 */
    double lambda;     /* initial scale regulating the Hessian's indefiniteness, > 0;
                          0 = 5e-7 */
    nb_perf_fn perf;   /* the performance minimised and recorded; default NB_PERF_MSE */
    int verbose;       /* MATLAB's display: 0 = on a terminal only, 1 = always, -1 = never */
    int show;          /* display every `show` epochs, >= 0; 0 = 25 */
    FILE *out;         /* display stream; NULL = stderr */
    nb_epoch_fn callback; /* called after every epoch, the last too (NULL = none); nonzero
                             stops */
    void *callback_ctx;
} nb_trainscg_opts;

/* Train `model` by scaled conjugate gradient, as Møller (1993) and MATLAB's
 * trainscg: X the flat parameters (order of nabla/nn.h), g = d perf / dX
 * by one nb_backward over the training set, the first direction p = -g.
 * Each epoch, with lambda (opts->lambda at first) and lambdab = 0:
 *   after a kept step, sigma_k = sigma/|p| and
 *   delta = p·(g(X + sigma_k p) - g)/sigma_k (curvature along p);
 *   delta += (lambda - lambdab)|p|²; if delta <= 0 (Hessian not positive
 *   definite along p): lambdab = 2(lambda - delta/|p|²), delta = -delta +
 *   lambda|p|², lambda = lambdab;
 *   mu = -p·g, alpha = mu/delta, Delta = 2 delta (perf(X) - perf(X + alpha
 *   p))/mu²;
 *   Delta >= 0: the step is kept (X += alpha p), lambdab = 0, the new
 *   direction is p = -g (after every P epochs, P the number of parameters,
 *   Møller's restart) or p = -g + beta p with beta = (g·g -
 *   g·g_old)/mu, and lambda /= 4 when Delta >= 0.75; Delta < 0 (or NaN):
 *   lambdab = lambda and the weights stay;
 *   then lambda += delta (1 - Delta)/|p|² when Delta < 0.25.
 * A direction that is not downhill (mu <= 0, from rounding) is replaced by
 * -g.  Stops (checked before each epoch, in the order of nb_trainlm): goal,
 * a perf that is not finite (NB_STOP_NOT_FINITE), min_grad (on |g|; a zero
 * gradient always stops so), epochs, validation (max_fail epochs in a row
 * whose vperf fails to improve on the best or stays the same), the
 * callback.  With a validation set the weights of the best epoch are put
 * back.  Targets are N × O floats of the model's dtype (one-hot rows for
 * classes).  The record (may be NULL; free it with nb_train_record_free;
 * holds nothing after a failure) is MATLAB's tr: train_loss = perf,
 * val_loss = vperf, test_loss = tperf (all in opts->perf), gradient per
 * epoch, best_epoch, stop.  The display every `show` epochs is MATLAB's
 * command-line one ("Epoch 25/1000, Time 0.1, Performance 0.03/0, Gradient
 * 0.002/1e-06, Validation Checks 0/6"), and "Training with TRAINSCG
 * completed: <reason>" at the end.  Work in f64 for exact steps: an f32
 * model rounds X + sigma_k p, so its curvature estimate is coarse.  NB_OK
 * or negative with a message naming nb_trainscg (NB_ERR_ARG for an option,
 * NB_ERR_SHAPE / NB_ERR_DTYPE for the data, NB_ERR_NOMEM).
 * The model runs in evaluation mode throughout (dropout off, batch norm on
 * its running statistics, which stay unchanged) and gets its own mode back
 * at the end: the steps need perf to be one fixed function of the weights
 * (nb_train trains those layers in training mode). */
int nb_trainscg(nb_model *model, const nb_train_data *data, const nb_trainscg_opts *opts,
                nb_train_record *record);

/* The performance `perf` of the model on (x, t) (t: N × O floats of the
 * model's dtype), computed with recording off, temporaries in a private
 * arena.  NB_OK or negative (NULL arguments, shapes, an unknown perf) with
 * a message naming nb_model_perf. */
int nb_model_perf(nb_model *model, nb_perf_fn perf, nb_tensor *x, nb_tensor *t, double *out);

#ifdef __cplusplus
}
#endif
#endif
