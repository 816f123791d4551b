/* trainers.h — the training functions `nabla train --train NAME` offers. */
#ifndef NABLA_TOOLS_TRAINERS_H
#define NABLA_TOOLS_TRAINERS_H

#include "cli.h"

/* What a trainer minimises on classes (fitting is always the mse of the
 * mapped targets). */
typedef enum cli_class_loss {
    CLI_CLASS_MSE,          /* softmax outputs, one-hot targets, squared errors (trainlm...) */
    CLI_CLASS_CROSSENTROPY, /* softmax outputs, one-hot targets, MATLAB's crossentropy
                               (trainscg: patternnet's default) */
    CLI_CLASS_LOGITS        /* purelin outputs, class labels, nb_cross_entropy_loss */
} cli_class_loss;

/* What every trainer is run with. */
typedef struct cli_train_cfg {
    int epochs;        /* 0 = the trainer's default (1000) */
    int64_t batch;     /* minibatch trainers: rows per step (0 = their default) */
    uint64_t seed;     /* minibatch shuffles */
    bool classify;     /* classes: the trainer minimises its class_loss, not the mse */
    nb_epoch_fn callback;
    void *callback_ctx;
} cli_train_cfg;

typedef int (*cli_run_fn)(nb_model *net, const nb_train_data *data, const cli_train_cfg *cfg,
                          nb_train_record *rec);

typedef struct cli_trainer {
    const char *name;     /* --train NAME */
    const char *function; /* the name it is shown and stored under: "trainlm", "adam" */
    cli_run_fn run;
    cli_class_loss class_loss; /* what it minimises on classes */
    const char *about;
} cli_trainer;

/* The trainer called `name` (its short name or its function name), or NULL. */
const cli_trainer *cli_trainer_find(const char *name);
/* The valid names, "lm, br, ...", into buf (for messages). */
void cli_trainer_names(char *buf, size_t size);
/* Print one line per trainer to `out`. */
void cli_trainer_list(FILE *out);

#endif
