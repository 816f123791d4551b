/* trainers.h — the training functions `nabla train --train NAME` offers. */
#ifndef NABLA_TOOLS_TRAINERS_H
#define NABLA_TOOLS_TRAINERS_H

#include "cli.h"

/* What every trainer is run with. */
typedef struct cli_train_cfg {
    int epochs;        /* 0 = the trainer's default (1000) */
    int64_t batch;     /* minibatch trainers: rows per step (0 = their default) */
    uint64_t seed;     /* minibatch shuffles */
    bool classify;     /* 1-D labels (cross-entropy) instead of squared errors */
    nb_epoch_fn callback;
    void *callback_ctx;
} cli_train_cfg;

typedef int (*cli_run_fn)(nb_model *net, const nb_train_data *data, const cli_train_cfg *cfg,
                          nb_train_record *rec);

typedef struct cli_trainer {
    const char *name;     /* --train NAME */
    const char *function; /* the name it is shown and stored under: "trainlm", "adam" */
    cli_run_fn run;
    bool squared_errors;  /* a full-batch MATLAB trainer on squared errors (classes are
                             then one-hot targets of a softmax layer) */
    const char *about;
} cli_trainer;

/* The trainer called `name` (its short name or its function name), or NULL. */
const cli_trainer *cli_trainer_find(const char *name);
/* The valid names, "lm, br, ...", into buf (for messages). */
void cli_trainer_names(char *buf, size_t size);
/* Print one line per trainer to `out`. */
void cli_trainer_list(FILE *out);

#endif
