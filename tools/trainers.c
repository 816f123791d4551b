/* The trainer table: every training function of the library.  A MATLAB
 * full-batch training function on squared errors (int nb_trainXX(model,
 * data, const nb_trainXX_opts *, record), its opts having epochs, verbose,
 * callback and callback_ctx) is added with one line in FULLBATCH_TRAINERS;
 * an optimizer driven by nb_train with one line in OPTIMIZERS.  trainscg,
 * which also minimises MATLAB's crossentropy, has a row of its own. */
#include <string.h>

#include "trainers.h"

/* X(short name, function without nb_, its options type, help) */
#define FULLBATCH_TRAINERS(X)                                                                 \
    X(lm, trainlm, nb_trainlm_opts, "Levenberg-Marquardt (MATLAB's default for fitting)")     \
    X(br, trainbr, nb_trainlm_opts, "Bayesian regularisation (Levenberg-Marquardt)")          \
    X(gd, traingd, nb_traingd_opts, "gradient descent, full batch")                           \
    X(gdm, traingdm, nb_traingd_opts, "gradient descent with momentum, full batch")           \
    X(gdx, traingdx, nb_traingd_opts, "gradient descent, momentum and adaptive rate")

/* X(short name, shown name, constructor, default rows per step (0 = full batch), help) */
#define OPTIMIZERS(X)                                                                         \
    X(rp, trainrp, nb_rprop_new, 0, "resilient backpropagation, full batch (MATLAB trainrp)") \
    X(adam, adam, nb_adam_new, 32, "Adam on minibatches")                                     \
    X(sgd, sgd, nb_sgd_new, 32, "stochastic gradient descent on minibatches")                 \
    X(rmsprop, rmsprop, nb_rmsprop_new, 32, "RMSprop on minibatches")

#define DEFINE_FULLBATCH(name, fn, opts_t, about)                                             \
    static int run_##name(nb_model *net, const nb_train_data *data, const cli_train_cfg *cfg, \
                          nb_train_record *rec)                                               \
    {                                                                                         \
        return nb_##fn(net, data,                                                             \
                       &(opts_t){.epochs = cfg->epochs, .verbose = -1,                        \
                                 .callback = cfg->callback, .callback_ctx = cfg->callback_ctx}, \
                       rec);                                                                  \
    }
FULLBATCH_TRAINERS(DEFINE_FULLBATCH)

/* Scaled conjugate gradient: on classes MATLAB's crossentropy of the softmax
 * outputs (patternnet's performFcn), else the mse. */
static int run_scg(nb_model *net, const nb_train_data *data, const cli_train_cfg *cfg,
                   nb_train_record *rec)
{
    return nb_trainscg(net, data,
                       &(nb_trainscg_opts){.epochs = cfg->epochs, .verbose = -1,
                                           .perf = cfg->classify ? NB_PERF_CROSSENTROPY
                                                                 : NB_PERF_MSE,
                                           .callback = cfg->callback,
                                           .callback_ctx = cfg->callback_ctx},
                       rec);
}

/* nb_train with an optimizer: cross-entropy of logits for classes, else
 * the mean squared error. */
static int run_optimizer(nb_model *net, nb_optim *opt, int64_t batch, const nb_train_data *data,
                         const cli_train_cfg *cfg, nb_train_record *rec)
{
    if (!opt)
        return nb_last_status() < 0 ? nb_last_status() : NB_ERR_NOMEM;
    int rc = nb_train(net, opt, cfg->classify ? nb_cross_entropy_loss : nb_mse_loss, data,
                      &(nb_train_opts){.epochs = cfg->epochs,
                                       .batch_size = cfg->batch ? cfg->batch : batch,
                                       .seed = cfg->seed, .verbose = -1,
                                       .callback = cfg->callback,
                                       .callback_ctx = cfg->callback_ctx},
                      rec);
    nb_optim_free(opt);
    return rc;
}

#define DEFINE_OPTIMIZER(name, shown, make, batch, about)                                     \
    static int run_##name(nb_model *net, const nb_train_data *data, const cli_train_cfg *cfg, \
                          nb_train_record *rec)                                               \
    {                                                                                         \
        return run_optimizer(net, make(net, NULL), batch, data, cfg, rec);                    \
    }
OPTIMIZERS(DEFINE_OPTIMIZER)

#define ROW_FULLBATCH(name, fn, opts_t, about) {#name, #fn, run_##name, CLI_CLASS_MSE, about},
#define ROW_OPTIMIZER(name, shown, make, batch, about)                                         \
    {#name, #shown, run_##name, CLI_CLASS_LOGITS, about},
static const cli_trainer trainers[] = {
    FULLBATCH_TRAINERS(ROW_FULLBATCH)
    {"scg", "trainscg", run_scg, CLI_CLASS_CROSSENTROPY,
     "scaled conjugate gradient (MATLAB's default for classes, on crossentropy)"},
    OPTIMIZERS(ROW_OPTIMIZER)};
#define N_TRAINERS ((int)(sizeof trainers / sizeof trainers[0]))

const cli_trainer *cli_trainer_find(const char *name)
{
    for (int i = 0; i < N_TRAINERS; i++)
        if (strcmp(trainers[i].name, name) == 0 || strcmp(trainers[i].function, name) == 0)
            return &trainers[i];
    return NULL;
}

void cli_trainer_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_TRAINERS && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", trainers[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void cli_trainer_list(FILE *out)
{
    for (int i = 0; i < N_TRAINERS; i++)
        fprintf(out, "  %-8s %-9s %s\n", trainers[i].name, trainers[i].function, trainers[i].about);
}
