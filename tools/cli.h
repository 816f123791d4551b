/* cli.h — what the subcommands of the `nabla` program share: exit codes,
 * messages, option parsing, the model file with its description, and data
 * loading.  Only the public headers of the library are used. */
#ifndef NABLA_TOOLS_CLI_H
#define NABLA_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <nabla.h>

/* Exit codes of every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* ---- messages (all to stderr, each starting "nabla CMD: ") ---- */

/* Print a failure and return CLI_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a usage error and a hint to --help; return CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the library's last error (without its "nb_function: " prefix,
 * which means nothing to a user of the program); return CLI_FAIL. */
int cli_lib_fail(const char *cmd);

/* ---- options ---- */

typedef enum cli_kind {
    CLI_FLAG,   /* --name: bool */
    CLI_STRING, /* --name VALUE: const char * */
    CLI_INT,    /* --name N: int, >= 0 */
    CLI_U64     /* --name N: uint64_t */
} cli_kind;

/* One option of a subcommand: its name without the dashes, what it holds,
 * where the value goes, and the help line (meta names the value). */
typedef struct cli_opt {
    const char *name;
    cli_kind kind;
    void *dest;
    const char *meta;
    const char *help;
} cli_opt;

/* A subcommand's description for parsing and --help. */
typedef struct cli_cmd {
    const char *name;     /* "train" */
    const char *synopsis; /* "DATA.csv --target COLS --net SIZES --out MODEL.nbt [options]" */
    const char *about;    /* a paragraph printed under the synopsis */
    const cli_opt *opts;
    int n_opts;
    int min_pos, max_pos; /* positional arguments */
} cli_cmd;

/* Parse argv[1..argc) (argv[0] is the subcommand) into the options' dest
 * and pos[0..*n_pos).  Returns CLI_OK, CLI_USAGE after printing what is
 * wrong (an unknown option names the valid ones), or -1 when --help was
 * given and printed (the caller then exits 0). */
int cli_parse(const cli_cmd *cmd, int argc, char **argv, const char **pos, int *n_pos);
/* Print the subcommand's help to `out`. */
void cli_help(const cli_cmd *cmd, FILE *out);

/* ---- the model file: parameters plus the description of nabla train ---- */

#define CLI_MAX_LAYERS 16
#define CLI_SUMMARY_LEN 10

/* What `nabla train` stores beside the parameters (docs/file-format.md,
 * "Model files of the nabla program").  Text fields are malloc'd (or NULL);
 * lists are one name a line. */
typedef struct cli_meta {
    int n_sizes;
    int64_t sizes[CLI_MAX_LAYERS + 1];
    nb_activation acts[CLI_MAX_LAYERS];
    bool classify;          /* targets are class labels */
    bool cross_entropy;     /* trained on cross-entropy of logits (else squared errors) */
    bool crossentropy_perf; /* trained on MATLAB's crossentropy of the softmax outputs */
    char *inputs;           /* input column names (NULL without a header) */
    char *targets;          /* target column names (NULL without a header) */
    int n_target_cols;
    int target_cols[CLI_MAX_LAYERS]; /* 0-based target columns of the training file */
    char *classes;          /* class names, in class order */
    char *trainer;          /* MATLAB name of the training function */
    char *data;             /* the training file as given */
    char *stop;             /* why training stopped, MATLAB's words */
    /* epochs, best epoch, perf, vperf, tperf, seconds, seed, n_train, n_val,
     * n_test (NaN when not known) */
    double summary[CLI_SUMMARY_LEN];
    bool has_xnorm, has_ynorm;
    nb_minmax_settings xnorm, ynorm; /* arrays malloc'd */
} cli_meta;

/* Free the malloc'd fields (not the struct). */
void cli_meta_free(cli_meta *m);
/* Write the model's parameters and `m` to `path` (atomically).  NB_OK or
 * negative with the library's message. */
int cli_model_save(nb_model *net, const cli_meta *m, const char *path);
/* Read a model file written by cli_model_save: *m is filled and *net made
 * (f64 or f32 as stored; free with nb_model_free).  Needs a current arena.
 * Returns CLI_OK or CLI_FAIL after printing a message for `cmd`. */
int cli_model_load(const char *cmd, const char *path, nb_model **net, cli_meta *m);

/* The count of the lines of a list field (0 for NULL); the i-th line into
 * buf. */
int cli_list_count(const char *list);
const char *cli_list_item(const char *list, int i, char *buf, size_t size);

/* ---- data ---- */

/* Load DATA.csv for a model described by m (as predict, gradcheck and graph
 * read it): x gets the input columns (f64, in the file's units), y the
 * targets when the file has them (else NULL).  Returns CLI_OK or CLI_FAIL
 * after printing (file, line and column for malformed data). */
int cli_load_for_model(const char *cmd, const char *path, const cli_meta *m, nb_tensor **x,
                       nb_tensor **y, int64_t *rows);
/* x mapped with the stored input settings (x itself without them). */
nb_tensor *cli_map_inputs(const cli_meta *m, nb_tensor *x);
/* Targets as the network was trained on them: mapped fitting targets, or
 * for classes one-hot rows (squared errors) or the labels (cross-entropy). */
nb_tensor *cli_train_targets(const cli_meta *m, nb_tensor *y);
/* The loss the network was trained on (mean reduction), as a nb_loss_fn,
 * and its name for messages ("mse of the mapped targets", ...). */
nb_loss_fn cli_loss(const cli_meta *m);
const char *cli_loss_name(const cli_meta *m);
/* The first `n` rows of t (all when it has fewer), a new tensor. */
nb_tensor *cli_head_rows(nb_tensor *t, int64_t n);

/* Seconds since an arbitrary start (monotonic). */
double cli_now(void);

/* ---- subcommands ---- */
int cli_train(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_gradcheck(int argc, char **argv);
int cli_graph(int argc, char **argv);

#endif
