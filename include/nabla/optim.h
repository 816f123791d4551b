/* nabla/optim.h — optimizers over a model's parameters (the training loop
 * that drives them is in nabla/train.h).
 *
 * An optimizer works on the model's contiguous parameter and gradient
 * buffers (nn.h): a step is one loop over all scalars.  Its state (momentum,
 * moments, step sizes) is allocated once, when it is made, in its own arena.
 * nb_optim_step runs no op (so it records nothing, whatever the grad mode),
 * updates the parameters in place and bumps the version counter they share
 * with their buffer.
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

/* Update every parameter from its gradient (in place, recording nothing,
 * one version bump of the parameter buffer, which every parameter reports).
 * NB_OK, or negative with a message (e.g. parameters were added to the
 * model after the optimizer was made). */
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
/* Number of steps taken (-1 for NULL). */
int64_t nb_optim_steps(const nb_optim *opt);
/* Set the step count (Adam's bias correction reads it), e.g. when resuming
 * from a checkpoint.  NB_OK, or NB_ERR_NULL / NB_ERR_ARG (steps < 0). */
int nb_optim_set_steps(nb_optim *opt, int64_t steps);
/* The optimizer's state, for checkpoints: nb_optim_num_state buffers (SGD
 * with momentum 1, Adam 2 moments, RMSprop up to 3, RPROP step sizes and
 * previous gradient; -1 for NULL), each a 1-D tensor of the model's dtype
 * with one entry per scalar of the flat parameter buffer.  The tensor is
 * borrowed (it lives as long as the optimizer) and is the state itself:
 * nb_tensors_save writes it, nb_tensors_load_into restores it; together with
 * the parameters and nb_optim_steps that is everything a step reads.  NULL
 * with NB_ERR_NULL / NB_ERR_ARG (index out of range). */
int nb_optim_num_state(const nb_optim *opt);
nb_tensor *nb_optim_state(const nb_optim *opt, int i);
/* The model the optimizer updates. */
nb_model *nb_optim_model(const nb_optim *opt);

#ifdef __cplusplus
}
#endif
#endif
