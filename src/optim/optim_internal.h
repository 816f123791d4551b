/* The optimizer struct shared by the files of src/optim.  An optimizer is
 * an update rule over two flat buffers (parameters, gradients) and its own
 * state; it knows the model only through nabla/nn.h, which hands out the
 * buffers (nb_model_params_flat, nb_model_grads_flat). */
#ifndef NB_OPTIM_OPTIM_INTERNAL_H
#define NB_OPTIM_OPTIM_INTERNAL_H

#include "core/option_check.h"
#include "core/tensor_internal.h"
#include "nabla/optim.h"

typedef enum nb_optim_kind {
    NB_OPT_SGD, NB_OPT_ADAM, NB_OPT_ADAMW, NB_OPT_RMSPROP, NB_OPT_RPROP
} nb_optim_kind;

struct nb_optim;
/* One update over n scalars of parameters p with gradients g (of
 * opt->dtype); the state buffers are opt->state[]. */
typedef void (*nb_optim_update_fn)(struct nb_optim *opt, int64_t n, void *p, const void *g);

struct nb_optim {
    nb_optim_kind kind;
    const char *name;
    nb_model *model;   /* for nb_optim_model and zero_grad; the step uses the buffers */
    nb_tensor *params, *grads; /* the model's flat buffers, n scalars each */
    nb_dtype dtype;    /* of the buffers and the state */
    nb_arena *arena;   /* state */
    nb_optim_update_fn update;
    int n_state;       /* state buffers in use */
    void *state[3];    /* each n scalars of dtype: the data of state_tensor[] */
    nb_tensor *state_tensor[3]; /* 1-D views for nb_optim_state (checkpoints) */
    int64_t n;
    int64_t t;         /* steps taken */
    /* hyper-parameters (meaning per optimizer, see optim.h) */
    double lr, beta1, beta2, eps, weight_decay, momentum, dampening, alpha;
    double delta0, delt_inc, delt_dec, deltamax, deltamin;
    bool nesterov, centered;
};

/* Make an optimizer of `kind` with `n_state` zeroed state buffers.  NULL
 * with a message on failure. */
nb_optim *nb__optim_new(const char *api, nb_model *model, nb_optim_kind kind, const char *name,
                        int n_state, nb_optim_update_fn update);

/* Set state to its initial values (zeros, or RPROP's delta0). */
void nb__optim_init_state(nb_optim *opt);

/* Save/restore the floating-point environment around a step: FTZ and DAZ on
 * x86; elsewhere nothing (nb__flush_subnormals does the job instead). */
typedef struct nb_fpenv {
    unsigned csr;
} nb_fpenv;
void nb__ftz_begin(nb_fpenv *saved);
void nb__ftz_end(const nb_fpenv *saved);
/* Zero the subnormal values of a buffer, where FTZ is not available. */
void nb__flush_subnormals(nb_dtype dtype, void *buf, int64_t n);
/* True when nb__ftz_begin really switches the hardware mode. */
int nb__ftz_hardware(void);

#endif
