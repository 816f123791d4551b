/* What every optimizer shares: making one (state buffers sized to the
 * model's flat parameter buffer, in an arena of its own), the step driver
 * (FTZ on, the buffer's version bumped), zero_grad and
 * accessors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optim/optim_internal.h"

nb_optim *nb__optim_new(const char *api, nb_model *model, nb_optim_kind kind, const char *name,
                        int n_state, nb_optim_update_fn update)
{
    if (!model) {
        nb__error(NB_ERR_NULL, "%s: model is NULL", api);
        return NULL;
    }
    int64_t n = nb_model_num_scalars(model);
    if (n == 0) {
        nb__error(NB_ERR_STATE, "%s: the model has no parameters (add layers first)", api);
        return NULL;
    }
    /* the first use gathers the parameters; with some, only memory can fail */
    nb_tensor *params = nb_model_params_flat(model);
    nb_tensor *grads = params ? nb_model_grads_flat(model) : NULL;
    if (!grads) {
        if (nb_last_status() == NB_ERR_NOMEM)
            nb__error(NB_ERR_NOMEM, "%s: out of memory for the model's parameter and gradient "
                      "buffers (%lld scalars each)", api, (long long)n);
        else /* e.g. a block given for its model */
            nb__error_context(api, "the parameters");
        return NULL;
    }
    nb_dtype dtype = nb_model_dtype(model);
    size_t es = nb_dtype_size(dtype);
    nb_arena_opts ao = {.chunk_bytes = sizeof(nb_optim) + 64 * 4 + (size_t)n * es * (size_t)n_state,
                        .allocator = nb_model_allocator(model)};
    nb_arena *arena = nb_arena_new_opts(&ao);
    if (!arena)
        return NULL;
    nb_optim *opt = nb_arena_alloc(arena, sizeof *opt);
    if (!opt) {
        nb_arena_free(arena);
        return NULL;
    }
    memset(opt, 0, sizeof *opt);
    opt->kind = kind;
    opt->name = name;
    opt->model = model;
    opt->params = params;
    opt->grads = grads;
    opt->dtype = dtype;
    opt->arena = arena;
    opt->update = update;
    opt->n = n;
    opt->n_state = n_state;
    for (int s = 0; s < n_state; s++) {
        /* a tensor, so that checkpoints save and load it like any other */
        nb_tensor *t = nb__tensor_empty_in(arena, dtype, 1, &n, api);
        if (!t) {
            nb_arena_free(arena);
            return NULL;
        }
        opt->state_tensor[s] = t;
        opt->state[s] = t->data;
    }
    nb__optim_init_state(opt);
    return opt;
}

void nb__optim_init_state(nb_optim *opt)
{
    size_t es = nb_dtype_size(opt->dtype);
    for (int s = 0; s < opt->n_state; s++)
        memset(opt->state[s], 0, (size_t)opt->n * es);
    if (opt->kind == NB_OPT_RPROP) {
        /* state[0] = step sizes, state[1] = previous gradient */
        for (int64_t i = 0; i < opt->n; i++) {
            if (opt->dtype == NB_F32)
                ((float *)opt->state[0])[i] = (float)opt->delta0;
            else
                ((double *)opt->state[0])[i] = opt->delta0;
        }
    }
    opt->t = 0;
}

void nb_optim_free(nb_optim *opt)
{
    if (opt)
        nb_arena_free(opt->arena);
}

static int nb_optim_check(const nb_optim *opt, const char *api)
{
    if (!opt)
        return nb__error(NB_ERR_NULL, "%s: optimizer is NULL", api);
    /* a parameter added since (the only change a model's parameters can
     * see) makes the model new buffers and adds at least one scalar */
    int64_t now = nb_model_num_scalars(opt->model);
    if (now != opt->n)
        return nb__error(NB_ERR_STATE,
                         "%s: the model's parameters changed (added after the %s optimizer was "
                         "made: it has state for %lld scalars, the model now %lld); make the "
                         "optimizer after the model is complete", api, opt->name,
                         (long long)opt->n, (long long)now);
    return 0;
}

int nb_optim_step(nb_optim *opt)
{
    int rc = nb_optim_check(opt, "nb_optim_step");
    if (rc < 0)
        return rc;
    /* plain loops over the buffers: no op runs, so nothing can be recorded */
    nb_fpenv env;
    nb__ftz_begin(&env);
    opt->t++;
    opt->update(opt, opt->n, opt->params->data, opt->grads->data);
    nb__ftz_end(&env);
    if (!nb__ftz_hardware()) {
        nb__flush_subnormals(opt->dtype, opt->params->data, opt->n);
        for (int s = 0; s < opt->n_state; s++)
            nb__flush_subnormals(opt->dtype, opt->state[s], opt->n);
    }
    /* one in-place write of the buffer: every parameter shares its counter */
    nb_tensor_bump_version(opt->params);
    return NB_OK;
}

int nb_optim_zero_grad(nb_optim *opt)
{
    int rc = nb_optim_check(opt, "nb_optim_zero_grad");
    return rc < 0 ? rc : nb_model_zero_grad(opt->model);
}

int nb_optim_reset(nb_optim *opt)
{
    int rc = nb_optim_check(opt, "nb_optim_reset");
    if (rc < 0)
        return rc;
    nb__optim_init_state(opt);
    return NB_OK;
}

const char *nb_optim_name(const nb_optim *opt) { return opt ? opt->name : "(null)"; }
int64_t nb_optim_steps(const nb_optim *opt) { return opt ? opt->t : -1; }
int nb_optim_num_state(const nb_optim *opt) { return opt ? opt->n_state : -1; }

nb_tensor *nb_optim_state(const nb_optim *opt, int i)
{
    if (!opt) {
        nb__error(NB_ERR_NULL, "nb_optim_state: optimizer is NULL");
        return NULL;
    }
    if (i < 0 || i >= opt->n_state) {
        nb__error(NB_ERR_ARG, "nb_optim_state: index %d is out of range; the %s optimizer has %d "
                  "state buffer%s", i, opt->name, opt->n_state, opt->n_state == 1 ? "" : "s");
        return NULL;
    }
    return opt->state_tensor[i];
}

int nb_optim_set_steps(nb_optim *opt, int64_t steps)
{
    if (!opt)
        return nb__error(NB_ERR_NULL, "nb_optim_set_steps: optimizer is NULL");
    if (steps < 0)
        return nb__error(NB_ERR_ARG, "nb_optim_set_steps: steps is %lld; expected >= 0",
                         (long long)steps);
    opt->t = steps;
    return NB_OK;
}
nb_model *nb_optim_model(const nb_optim *opt) { return opt ? opt->model : NULL; }

double nb_optim_lr(const nb_optim *opt)
{
    if (!opt) {
        nb__error(NB_ERR_NULL, "nb_optim_lr: optimizer is NULL");
        return 0;
    }
    if (opt->kind == NB_OPT_RPROP) {
        nb__error(NB_ERR_ARG, "nb_optim_lr: rprop has no learning rate (its step sizes adapt)");
        return 0;
    }
    return opt->lr;
}

int nb_optim_set_lr(nb_optim *opt, double lr)
{
    if (!opt)
        return nb__error(NB_ERR_NULL, "nb_optim_set_lr: optimizer is NULL");
    if (opt->kind == NB_OPT_RPROP)
        return nb__error(NB_ERR_ARG, "nb_optim_set_lr: rprop has no learning rate (set delta0)");
    int rc = nb__check_opt("nb_optim_set_lr", "lr", lr, 0, INFINITY, "()");
    if (rc < 0)
        return rc;
    opt->lr = lr;
    return NB_OK;
}
