/* nabla train: a BP network on a CSV file with MATLAB's defaults
 * (mapminmax, dividerand, trainlm for fitting; softmax outputs for classes),
 * saved with its normalisation, plus the training record as CSV. */
#define _POSIX_C_SOURCE 200809L /* fmemopen, fileno, isatty, clock_gettime, mkdir */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "trainers.h"

#define CMD "train"
/* MATLAB's patternnet trains by trainscg on crossentropy; fitnet by trainlm. */
#define DEFAULT_CLASSIFY_TRAINER "scg"
#define DEFAULT_FIT_TRAINER "lm"

typedef struct train_args {
    const char *target, *net, *train, *split, *out, *plot;
    int epochs, show;
    int batch;
    uint64_t seed;
    bool classes, quiet;
} train_args;

/* "13-10-1" -> sizes; CLI_USAGE after a message when malformed. */
static int parse_net(const char *s, int64_t *sizes, int *n)
{
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 100000 || (*end && *end != '-') || *n > CLI_MAX_LAYERS)
            return cli_usage(CMD, "--net '%s' is not a list of layer sizes such as 13-10-1 "
                             "(inputs, hidden neurons, outputs; each 1 to 100000, at most %d "
                             "layers)", s, CLI_MAX_LAYERS);
        sizes[(*n)++] = v;
        p = *end ? end + 1 : end;
        if (*end && !*p)
            return cli_usage(CMD, "--net '%s' ends with '-'", s);
    }
    if (*n < 2)
        return cli_usage(CMD, "--net '%s' needs at least the inputs and the outputs, e.g. "
                         "13-10-1", s);
    return CLI_OK;
}

static int parse_split(const char *s, nb_divide_opts *d)
{
    double v[3];
    char *end;
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        v[i] = strtod(p, &end);
        if (end == p || !(v[i] >= 0 && v[i] <= 1e6) || (i < 2 && *end != ',') || (i == 2 && *end))
            return cli_usage(CMD, "--split '%s' is not three ratios train,validation,test such "
                             "as 0.7,0.15,0.15", s);
        p = end + 1;
    }
    if (!(v[0] > 0))
        return cli_usage(CMD, "--split '%s' leaves no training rows", s);
    *d = (nb_divide_opts){v[0], v[1], v[2]}; /* train > 0: never the all-zero default */
    return CLI_OK;
}

/* --target: names, or column numbers from 1 (negative from the end). */
typedef struct targets {
    int n;
    bool by_number;
    const char *names[CLI_MAX_LAYERS];
    int cols[CLI_MAX_LAYERS]; /* 0-based or negative, as nb_csv_opts takes them */
    char buf[1024];
} targets;

static int parse_targets(const char *s, targets *t)
{
    if (strlen(s) >= sizeof t->buf)
        return cli_usage(CMD, "--target is too long");
    strcpy(t->buf, s);
    t->n = 0;
    int numbers = 0;
    for (char *tok = strtok(t->buf, ","); tok; tok = strtok(NULL, ",")) {
        if (t->n >= CLI_MAX_LAYERS)
            return cli_usage(CMD, "--target names more than %d columns", CLI_MAX_LAYERS);
        char *end;
        long v = strtol(tok, &end, 10);
        if (end != tok && !*end) {
            if (v == 0)
                return cli_usage(CMD, "--target: columns are numbered from 1 (or from the end "
                                 "with -1), got 0");
            t->cols[t->n] = v > 0 ? (int)v - 1 : (int)v;
            numbers++;
        }
        t->names[t->n++] = tok;
    }
    if (t->n == 0)
        return cli_usage(CMD, "--target names no column");
    if (numbers && numbers != t->n)
        return cli_usage(CMD, "--target mixes column names and numbers; use one kind");
    t->by_number = numbers > 0;
    return CLI_OK;
}

/* nb_csv_load failed with column numbers given: a number out of range is
 * said in the numbering of --target (from 1), not in nb_csv_opts' (from 0);
 * the column count is the one of the library's message (docs/errors.md,
 * E98).  Any other failure is the library's message. */
static int target_number_fail(const char *arg, const targets *t, const char *path)
{
    const char *at = nb_last_status() == NB_ERR_ARG ? strstr(nb_last_error(), "is out of range (")
                                                   : NULL;
    int ncols;
    if (!at || sscanf(at, "is out of range (%d columns)", &ncols) != 1)
        return cli_lib_fail(CMD);
    for (int i = 0; i < t->n; i++)
        if (t->cols[i] >= ncols || t->cols[i] < -ncols)
            return cli_fail(CMD, "--target %s: %s has %d columns, so a column number is 1 to %d "
                            "(or -1 to -%d from the end), not %s", arg, path, ncols, ncols, ncols,
                            t->names[i]);
    return cli_lib_fail(CMD);
}

/* Join the names of columns in `want` (is_target true or false) by '\n'. */
static char *join_columns(const nb_csv_data *d, const bool *is_target, bool want)
{
    if (!d->column_names)
        return NULL;
    size_t len = 1;
    for (int c = 0; c < d->n_columns; c++)
        len += strlen(d->column_names[c]) + 1;
    char *s = calloc(len, 1);
    if (!s)
        return NULL;
    for (int c = 0; c < d->n_columns; c++)
        if (is_target[c] == want) {
            if (*s)
                strcat(s, "\n");
            strcat(s, d->column_names[c]);
        }
    return s;
}

static char *join(const char *const *names, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(names[i]) + 1;
    char *s = calloc(len, 1);
    for (int i = 0; s && i < n; i++) {
        if (i)
            strcat(s, "\n");
        strcat(s, names[i]);
    }
    return s;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    return d ? strcpy(d, s) : NULL;
}

static int copy_norm(const nb_minmax_settings *s, nb_minmax_settings *d)
{
    *d = *s;
    size_t bytes = sizeof(double) * (size_t)(s->features ? s->features : 1);
    d->xmin = malloc(bytes);
    d->xmax = malloc(bytes);
    if (!d->xmin || !d->xmax)
        return -1;
    memcpy(d->xmin, s->xmin, sizeof(double) * (size_t)s->features);
    memcpy(d->xmax, s->xmax, sizeof(double) * (size_t)s->features);
    return 0;
}

/* "model.nbt" -> "model.record.csv" beside it. */
static void record_path(const char *model, char *buf, size_t size)
{
    size_t n = strlen(model);
    if (n > 4 && strcmp(model + n - 4, ".nbt") == 0)
        n -= 4;
    snprintf(buf, size, "%.*s.record.csv", (int)n, model);
}

/* Accuracy of the network on (x, labels) for the summary. */
static double accuracy(nb_model *net, nb_tensor *x, nb_tensor *labels)
{
    if (!x || nb_tensor_dim(x, 0) == 0)
        return NAN;
    nb_tensor *y = nb_model_forward(net, x);
    if (!y)
        return NAN;
    int64_t n = nb_tensor_dim(y, 0), k = nb_tensor_dim(y, 1), hits = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t best = 0;
        for (int64_t j = 1; j < k; j++)
            if (nb_tensor_get(y, i * k + j) > nb_tensor_get(y, i * k + best))
                best = j;
        hits += best == (int64_t)nb_tensor_get(labels, i);
    }
    return (double)hits / (double)n;
}

static int run(const train_args *a, const char *data_path);

int cli_train(int argc, char **argv)
{
    train_args a = {.seed = 1};
    static char about[4096];
    char names[256];
    cli_trainer_names(names, sizeof names);
    snprintf(about, sizeof about,
             "Train a BP network on the rows of DATA.csv, as MATLAB's fitnet (or patternnet\n"
             "with --classes) does by default: inputs and targets mapped to [-1, 1]\n"
             "(mapminmax), rows divided at random 0.7/0.15/0.15 (dividerand), tansig hidden\n"
             "layers, a purelin output layer (softmax for classes), trained by trainlm\n"
             "(classes: trainscg on crossentropy) with a validation stop.  The model\n"
             "file keeps the normalisation, so 'nabla predict' answers in the targets'\n"
             "units; the training record is written beside it as MODEL.record.csv.\n\n"
             "Trainers (--train):\n");
    FILE *mem = fmemopen(about + strlen(about), sizeof about - strlen(about), "w");
    if (mem) {
        cli_trainer_list(mem);
        fclose(mem);
    }
    about[strlen(about) - 1] = '\0';
    const cli_opt opts[] = {
        {"target", CLI_STRING, &a.target, "COLS", "target columns: names, or numbers from 1 "
                                                   "(-1 = last), comma-separated"},
        {"net", CLI_STRING, &a.net, "SIZES", "layer sizes, inputs to outputs, e.g. 13-10-1"},
        {"out", CLI_STRING, &a.out, "MODEL.nbt", "where to save the model"},
        {"classes", CLI_FLAG, &a.classes, NULL, "the one target column holds class labels"},
        {"train", CLI_STRING, &a.train, "NAME", "training function (default lm; classes: scg)"},
        {"epochs", CLI_INT, &a.epochs, "N", "most epochs (default 1000)"},
        {"split", CLI_STRING, &a.split, "TR,VAL,TEST", "dividerand ratios (default "
                                                        "0.7,0.15,0.15)"},
        {"seed", CLI_U64, &a.seed, "S", "seed of the split, the weights, the shuffles "
                                        "(default 1)"},
        {"batch", CLI_INT, &a.batch, "N", "rows per step of adam, sgd, rmsprop (default 32)"},
        {"plot", CLI_STRING, &a.plot, "DIR", "write DIR/performance.svg and MATLAB's "
                                              "plotperform, plotregression or plotconfusion"},
        {"show", CLI_INT, &a.show, "N", "off a terminal, a progress line every N epochs "
                                        "(default 25)"},
        {"quiet", CLI_FLAG, &a.quiet, NULL, "no progress lines"},
    };
    const cli_cmd cmd = {CMD, "DATA.csv --target COLS --net SIZES --out MODEL.nbt [options]",
                         about, opts, (int)(sizeof opts / sizeof opts[0]), 1, 1};
    const char *pos[1];
    int np;
    int rc = cli_parse(&cmd, argc, argv, pos, &np);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!a.target || !a.net || !a.out)
        return cli_usage(CMD, "%s is required", !a.target ? "--target COLS"
                         : !a.net ? "--net SIZES" : "--out MODEL.nbt");
    return run(&a, pos[0]);
}

static int run(const train_args *a, const char *data_path)
{
    int64_t sizes[CLI_MAX_LAYERS + 1];
    int n_sizes;
    nb_divide_opts split = {0};
    targets tg;
    int rc;
    if ((rc = parse_net(a->net, sizes, &n_sizes)) != CLI_OK ||
        (a->split && (rc = parse_split(a->split, &split)) != CLI_OK) ||
        (rc = parse_targets(a->target, &tg)) != CLI_OK)
        return rc;
    const cli_trainer *tr = cli_trainer_find(a->train ? a->train
                                             : a->classes ? DEFAULT_CLASSIFY_TRAINER
                                                          : DEFAULT_FIT_TRAINER);
    if (!tr) {
        char names[256];
        cli_trainer_names(names, sizeof names);
        return cli_usage(CMD, "unknown training function '%s'; valid: %s", a->train, names);
    }
    if (a->classes && tg.n != 1)
        return cli_usage(CMD, "--classes needs exactly one target column, --target names %d",
                         tg.n);

    nb_csv_opts co = {.dtype = NB_F64, .class_labels = a->classes};
    if (tg.by_number) {
        co.target_cols = tg.cols;
        co.n_target_cols = tg.n;
    } else {
        co.target_names = tg.names;
        co.n_target_names = tg.n;
    }
    nb_csv_data d;
    if (nb_csv_load(data_path, &co, &d) < 0)
        return tg.by_number ? target_number_fail(a->target, &tg, data_path) : cli_lib_fail(CMD);
    int64_t outputs = a->classes ? d.n_classes : d.n_targets;
    if (sizes[0] != d.n_features || sizes[n_sizes - 1] != outputs)
        return cli_usage(CMD, "--net %s does not fit %s: it has %d input columns and %lld %s, so "
                         "the network must be %d-...-%lld", a->net, data_path, d.n_features,
                         (long long)outputs, a->classes ? "classes" : "target column(s)",
                         d.n_features, (long long)outputs);

    cli_meta m = {.n_sizes = n_sizes, .classify = a->classes};
    /* classes: softmax outputs against one-hot targets (squared errors or
     * MATLAB's crossentropy), or logits against the labels */
    bool logits = a->classes && tr->class_loss == CLI_CLASS_LOGITS;
    m.cross_entropy = logits;
    m.crossentropy_perf = a->classes && tr->class_loss == CLI_CLASS_CROSSENTROPY;
    memcpy(m.sizes, sizes, sizeof sizes);
    for (int i = 0; i + 1 < n_sizes; i++)
        m.acts[i] = NB_ACT_TANSIG;
    m.acts[n_sizes - 2] = a->classes && !logits ? NB_ACT_SOFTMAX : NB_ACT_PURELIN;
    /* target columns, 0-based, for files without a header */
    bool is_target[4096] = {false};
    m.n_target_cols = tg.n;
    for (int i = 0; i < tg.n; i++) {
        int c = tg.cols[i];
        if (!tg.by_number)
            for (int k = 0; k < d.n_columns; k++)
                if (d.column_names && strcmp(d.column_names[k], tg.names[i]) == 0)
                    c = k;
        if (c < 0)
            c += d.n_columns;
        m.target_cols[i] = c;
        if (c >= 0 && c < 4096)
            is_target[c] = true;
    }
    if (d.n_columns > 4096)
        return cli_fail(CMD, "%s has %d columns; at most 4096 are supported", data_path,
                        d.n_columns);
    m.inputs = join_columns(&d, is_target, false);
    m.targets = join_columns(&d, is_target, true);
    m.classes = a->classes ? join(d.class_names, d.n_classes) : NULL;
    m.trainer = dup_str(tr->function);
    m.data = dup_str(data_path);

    /* MATLAB's processing: mapminmax on inputs (and fitting targets) */
    nb_minmax_settings xs, ys;
    nb_tensor *xn = nb_mapminmax(d.x, -1, 1, &xs), *tn;
    rc = xn && copy_norm(&xs, &m.xnorm) == 0 ? CLI_OK : CLI_FAIL;
    m.has_xnorm = true;
    if (rc == CLI_OK && !a->classes) {
        tn = nb_mapminmax(d.y, -1, 1, &ys);
        rc = tn && copy_norm(&ys, &m.ynorm) == 0 ? CLI_OK : CLI_FAIL;
        m.has_ynorm = true;
    } else {
        tn = rc == CLI_OK ? cli_train_targets(&m, d.y) : NULL;
    }
    nb_rng rng;
    nb_rng_seed(&rng, a->seed);
    nb_split sp;
    if (rc != CLI_OK || !tn || !m.trainer || !m.data || nb_dividerand(&rng, xn, tn, &split, &sp) < 0) {
        cli_meta_free(&m);
        return cli_lib_fail(CMD);
    }
    nb_model *net = nb_bpnet_new(sizes, n_sizes, m.acts,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = a->seed});
    if (!net) {
        cli_meta_free(&m);
        return cli_lib_fail(CMD);
    }
    nb_train_data td = {.x = sp.x_train, .y = sp.y_train};
    if (sp.n_val > 0) {
        td.val_x = sp.x_val;
        td.val_y = sp.y_val;
    }
    if (sp.n_test > 0) {
        td.test_x = sp.x_test;
        td.test_y = sp.y_test;
    }
    int epochs = a->epochs ? a->epochs : 1000;
    cli_progress prog = {.out = stderr, .tty = isatty(fileno(stderr)), .quiet = a->quiet,
                         .show = a->show ? a->show : 25, .epochs = epochs, .max_fail = 6,
                         .start = cli_now(), .printed = -1, .best_val = INFINITY};
    cli_train_cfg cfg = {.epochs = epochs, .batch = a->batch, .seed = a->seed,
                         .classify = a->classes && tr->class_loss != CLI_CLASS_MSE,
                         .callback = cli_progress_epoch, .callback_ctx = &prog};
    if (!a->quiet)
        fprintf(stderr, "Training %s with %s on %s: %lld/%lld/%lld rows (train/val/test)\n",
                a->net, tr->function, data_path, (long long)sp.n_train, (long long)sp.n_val,
                (long long)sp.n_test);
    nb_train_record rec;
    rc = tr->run(net, &td, &cfg, &rec);
    cli_progress_end(&prog, rc < 0 ? NULL : &rec);
    if (rc < 0) {
        nb_model_free(net);
        cli_meta_free(&m);
        return cli_lib_fail(CMD);
    }
    int b = rec.best_epoch;
    m.stop = dup_str(nb_stop_reason_matlab(rec.stop));
    double s[CLI_SUMMARY_LEN] = {rec.epochs, b, rec.train_loss[b],
                                 rec.val_loss ? rec.val_loss[b] : NAN,
                                 rec.test_loss ? rec.test_loss[b] : NAN, rec.seconds,
                                 (double)a->seed, (double)sp.n_train, (double)sp.n_val,
                                 (double)sp.n_test};
    memcpy(m.summary, s, sizeof s);
    char rpath[4096];
    record_path(a->out, rpath, sizeof rpath);
    rc = cli_model_save(net, &m, a->out) < 0 ? cli_lib_fail(CMD) : CLI_OK;
    if (rc == CLI_OK)
        rc = cli_record_csv(CMD, &rec, rpath);
    if (rc == CLI_OK && a->plot)
        rc = cli_record_plot(CMD, &rec, a->out, a->plot);
    if (rc == CLI_OK && a->plot) {
        /* every row through the trained network: outputs in the targets'
         * units against the file's targets, or against one-hot classes */
        cli_meta onehot = m; /* a shallow copy: only its flags differ */
        onehot.cross_entropy = false;
        nb_tensor *out = nb_model_forward(net, xn);
        nb_tensor *y = a->classes || !out ? out : nb_mapminmax_reverse(out, &ys);
        nb_tensor *t = a->classes ? cli_train_targets(&onehot, d.y) : d.y;
        rc = y && t ? cli_train_plots(CMD, a->plot, &rec, y, t, a->classes ? (int)outputs : 0)
                    : cli_lib_fail(CMD);
    }
    if (rc == CLI_OK) {
        printf("Training with %s completed: %s\n", tr->function, m.stop ? m.stop : "");
        printf("best epoch %d of %d: perf %.6g", b, rec.epochs, s[2]);
        if (rec.val_loss)
            printf(", vperf %.6g", s[3]);
        if (rec.test_loss)
            printf(", tperf %.6g", s[4]);
        printf(" (%s), %.2f s\n", cli_loss_name(&m), rec.seconds);
        if (a->classes) {
            /* accuracies from the labels of each part (rows of d.y by index) */
            nb_tensor *parts[3] = {sp.x_train, sp.x_val, sp.x_test};
            int64_t *idx[3] = {sp.train_idx, sp.val_idx, sp.test_idx};
            int64_t cnt[3] = {sp.n_train, sp.n_val, sp.n_test};
            const char *pn[3] = {"training", "validation", "test"};
            for (int p = 0; p < 3; p++) {
                if (cnt[p] == 0)
                    continue;
                nb_tensor *lab = nb_zeros(NB_F64, NB_SHAPE(cnt[p]));
                if (!lab)
                    break;
                for (int64_t i = 0; i < cnt[p]; i++)
                    nb_tensor_data_f64(lab)[i] = nb_tensor_get(d.y, idx[p][i]);
                printf("%s accuracy %.4f (%lld rows)\n", pn[p], accuracy(net, parts[p], lab),
                       (long long)cnt[p]);
            }
        }
        printf("saved %s and %s\n", a->out, rpath);
    }
    nb_train_record_free(&rec);
    nb_model_free(net);
    cli_meta_free(&m);
    return rc;
}
