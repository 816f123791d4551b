/* Helpers shared by the files of src/train: the training loop, evaluation
 * and progress output. */
#ifndef NB_TRAIN_TRAIN_INTERNAL_H
#define NB_TRAIN_TRAIN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/option_check.h"
#include "core/tensor_internal.h"
#include "nabla/io.h"
#include "nabla/train.h"

/* Fraction of rows of pred whose class matches y (labels or one-hot / 0-1).
 * 1-D labels are taken as checked (nb__eval_in); one that is not a class
 * simply matches no row. */
double nb__accuracy(const nb_tensor *pred, const nb_tensor *y);

/* Check a (samples, targets) pair against the model; messages name them. */
int nb__check_xy(const char *api, const nb_model *model, nb_tensor *x, nb_tensor *y,
                 const char *xname, const char *yname);

/* Loss/accuracy with recording off, temporaries in the current arena;
 * messages name `api`.  When labels_name is not NULL and y is 1-D, y holds
 * class labels: each must be an integer in [0, classes), classes being the
 * model's outputs (2 for one output column), checked before the loss sees
 * them; a failure reads "<api>: <labels_name>: label -3 in row 1 is ...". */
int nb__eval_in(const char *api, nb_model *model, nb_loss_fn loss, nb_tensor *x, nb_tensor *y,
                const char *labels_name, double *loss_out, double *acc);

/* Terminal progress: one rewritten line on a TTY, else a line every `show`
 * epochs (only when asked). */
typedef struct nb_progress {
    FILE *out;
    int enabled, tty, show;
    double last_print; /* seconds */
} nb_progress;

void nb__progress_init(nb_progress *p, FILE *out, int verbose, int show);
void nb__progress_epoch(nb_progress *p, int epoch, int epochs, const nb_train_record *r,
                        double seconds, double samples, int final);
/* Monotonic seconds. */
double nb__now(void);

/* ---- checkpoints of nb_train (checkpoint.c) ---- */
/* What a checkpoint saves and restores: the run's objects (read on save,
 * written on load) and its early-stopping and clock state. */
typedef struct nb__train_ckpt {
    nb_tensor *params;             /* the model's flat parameters */
    nb_tensor *best;               /* best weights so far (NULL without a validation set) */
    /* The model's buffers end to end, filled by the caller before a save
     * and copied back by it after a load (NULL when the model has none),
     * and their copy at the best epoch (used only with `best`). */
    nb_tensor *buffers, *best_buffers;
    nb_optim *opt;
    nb_batch_iter *batches;        /* the training set's iterator (order, RNG, epoch) */
    nb_train_record *record;       /* epochs, best_epoch, stop, grad_norm and the arrays */
    int fails;                     /* validation failures in a row */
    double best_val, seconds, samples;
} nb__train_ckpt;
/* Write the state after epoch record->epochs to `path` (atomically);
 * temporaries in `arena`.  NB_OK or negative, the message naming nb_train
 * and the file. */
int nb__checkpoint_save(const char *path, nb_arena *arena, const nb__train_ckpt *c);
/* Read `path` into the run: nothing changes unless the whole file is read
 * and matches this run (rows, batch size, parameters, optimizer, validation
 * set, an epoch <= epochs).  NB_OK or negative with a message. */
int nb__checkpoint_load(const char *path, nb_arena *arena, nb__train_ckpt *c, int epochs);

/* ---- Levenberg–Marquardt's dense algebra (lm_solve.c), f64, row-major ---- */
/* out = J'v (P) for J of `rows` rows of P and v of `rows`. */
void nb__lm_jt(const double *J, const double *v, int64_t rows, int64_t P, double *out);
/* J'J (P x P, full) and J'e (P) for J of `rows` rows of P, as
 * double-doubles: jj + jj_lo and je + je_lo (all four written); round them
 * to doubles with nb__lm_round (after summing them over processes). */
void nb__lm_normal(const double *J, const double *e, int64_t rows, int64_t P, double *jj,
                   double *je, double *jj_lo, double *je_lo);
/* hi[i] += lo[i] for i < n: a double-double rounded to a double. */
void nb__lm_round(double *hi, const double *lo, int64_t n);
/* Factor the symmetric A (P x P) in place as L L' (L in the lower triangle,
 * the upper one left as it was).  -1 on success, else the first pivot that
 * is not positive (A is not positive definite in floating point). */
int64_t nb__cholesky(double *A, int64_t P);
/* x = (L L')^-1 b (x and b may not overlap). */
void nb__cholesky_solve(const double *L, int64_t P, const double *b, double *x);
/* tr((L L')^-1); work holds P doubles. */
double nb__cholesky_trace_inv(const double *L, int64_t P, double *work);

/* ---- MATLAB's full-batch training functions (fullbatch.c): trainlm,
 * trainbr, traingd, traingdm, traingdx ---- */
/* Write X into the flat parameters (rounded to their dtype, X too) and bump
 * their version. */
void nb__fb_set(nb_tensor *params, double *X);
/* Sum of squared errors of the model on (x, y), recording off, temporaries
 * in `scratch` (reset first); NB_ERR_SHAPE naming yname when the output is
 * not y's size. */
int nb__fb_sse(const char *api, nb_model *model, nb_arena *scratch, nb_tensor *x, nb_tensor *y,
               const char *yname, double *sse);
/* vperf and tperf (mse, or sse when sse_perf) of the sets data has into
 * r->val_loss / r->test_loss[epoch]. */
int nb__fb_sets(const char *api, nb_model *model, nb_arena *scratch, const nb_train_data *d,
                bool sse_perf, nb_train_record *r, int epoch);
/* NB_ERR_ARG "api: opts->name is v; expected an integer >= lo" unless v >= lo. */
int nb__fb_check_int(const char *api, const char *name, long long v, long long lo);
/* The training set is required, val/test sets come in pairs, targets are
 * N x O floats (`method` names the algorithm in the message for 1-D ones). */
int nb__fb_check_data(const char *api, const char *method, nb_model *model,
                      const nb_train_data *d);
/* Zero *r and allocate epochs + 1 entries of train_loss, gradient, val_loss
 * and test_loss (when d has those sets) and of each *extra[i]. */
int nb__fb_alloc_record(const char *api, nb_train_record *r, int epochs, const nb_train_data *d,
                        double **const *extra, int nextra);
/* The limits the stop tests and the display read. */
typedef struct nb_fb_limits {
    int epochs, max_fail;
    double goal, min_grad;
    bool has_val;
} nb_fb_limits;
/* MATLAB's stop tests at epoch ep, in its order: goal, (a perf that is not
 * finite), mu_max (when `mu_max` says it was passed), min_grad, epochs,
 * validation, then the callback's answer; NB_STOP_NONE to go on. */
nb_stop_reason nb__fb_stop(const nb_train_record *r, int ep, const nb_fb_limits *l, bool mu_max,
                           int fails, bool user_stop);
/* MATLAB's display line of epoch ep ("Epoch 3/1000, Time ..., Performance
 * .../goal, Gradient .../min_grad<mid>, Validation Checks f/max<tail>"), and
 * after the last one "Training with NAME completed: <reason>". */
void nb__fb_display(FILE *out, const char *name, const nb_train_record *r, int ep,
                    const nb_fb_limits *l, double seconds, const char *mid, int fails,
                    const char *tail);
/* The validation check after epoch ep: a better vperf becomes the best (its
 * weights X copied into best, fails reset), else one more failure. */
void nb__fb_validate(const nb_train_record *r, int ep, double *best_v, int *best_epoch,
                     int *fails, double *best, const double *X, int64_t P);

#endif
