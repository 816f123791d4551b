/* progress.h — the live progress line of `nabla train` and the training
 * record written beside the model (CSV, and an SVG plot of it). */
#ifndef NABLA_TOOLS_PROGRESS_H
#define NABLA_TOOLS_PROGRESS_H

#include "cli.h"

typedef struct cli_progress {
    FILE *out;       /* stderr */
    bool tty;        /* rewrite one line in place; else a line every `show` epochs */
    bool quiet;      /* print nothing */
    int show;        /* epochs between lines off a terminal */
    int epochs;      /* the most epochs, for the time left */
    int max_fail;    /* validation checks allowed in a row (display only) */
    double start;    /* cli_now() when training began */
    double best_val; /* for the validation checks shown */
    int fails;
    int printed;     /* the last epoch shown (-1: none yet) */
    int next;        /* the first epoch not yet counted (0 at the start) */
} cli_progress;

/* An nb_epoch_fn printing MATLAB's command-line display for one epoch:
 * epoch, performance, validation performance and checks, gradient, mu,
 * time left.  The trainers call it after each epoch from 1; epoch 0 (the
 * untrained network, MATLAB's first line) is shown at the first call.
 * ctx is a cli_progress.  Never stops training. */
int cli_progress_epoch(int epoch, const nb_train_record *rec, void *ctx);
/* After training: show the last epoch if it was not (rec may be NULL after
 * a failure), and end the line a terminal display left open. */
void cli_progress_end(cli_progress *p, const nb_train_record *rec);

/* Write the record as CSV to `path` (one row per epoch from 0, columns for
 * the series the trainer filled).  NB_OK or CLI_FAIL after a message. */
int cli_record_csv(const char *cmd, const nb_train_record *rec, const char *path);
/* Write DIR/performance.svg (perf, vperf and tperf per epoch, log scale,
 * the best epoch marked, like MATLAB's plotperform).  CLI_OK or CLI_FAIL. */
int cli_record_plot(const char *cmd, const nb_train_record *rec, const char *title,
                    const char *dir);

/* MATLAB's plots of nabla/plot.h into DIR: plotperform (the record), and
 * over every row of the data plotregression (classes < 2: outputs y against
 * targets t, N x O in the targets' units) or plotconfusion (classes >= 2:
 * y the network's outputs, t one-hot rows).  Each writes its CSV, and a
 * picture when PLplot draws (a missing driver is only reported).  CLI_OK
 * or CLI_FAIL after a message. */
int cli_train_plots(const char *cmd, const char *dir, const nb_train_record *rec, nb_tensor *y,
                    nb_tensor *t, int classes);

#endif
