/* Helpers shared by the files of src/train: the training loop, evaluation
 * and progress output. */
#ifndef NB_TRAIN_TRAIN_INTERNAL_H
#define NB_TRAIN_TRAIN_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "core/option_check.h"
#include "core/tensor_internal.h"
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

/* ---- Levenberg–Marquardt's dense algebra (lm_solve.c), f64, row-major ---- */
/* jj = J'J (P x P, full) and je = J'e (P) for J of `rows` rows of P. */
void nb__lm_normal(const double *J, const double *e, int64_t rows, int64_t P, double *jj,
                   double *je);
/* Factor the symmetric A (P x P) in place as L L' (L in the lower triangle,
 * the upper one left as it was).  -1 on success, else the first pivot that
 * is not positive (A is not positive definite in floating point). */
int64_t nb__cholesky(double *A, int64_t P);
/* x = (L L')^-1 b (x and b may not overlap). */
void nb__cholesky_solve(const double *L, int64_t P, const double *b, double *x);
/* tr((L L')^-1); work holds P doubles. */
double nb__cholesky_trace_inv(const double *L, int64_t P, double *work);

#endif
