/* Helpers shared by the files of src/train: the training loop, evaluation
 * and progress output. */
#ifndef NB_TRAIN_TRAIN_INTERNAL_H
#define NB_TRAIN_TRAIN_INTERNAL_H

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

#endif
