/* nabla/train_net.h — MATLAB's network builders (feedforwardnet, fitnet,
 * patternnet) with their defaults, and the measures MATLAB reports after
 * training: the regression R and the confusion matrix.
 *
 *     nb_net *net = nb_fitnet_new((const int64_t[]){10}, 1, NULL);
 *     nb_train_record tr;
 *     if (nb_net_train(net, x, t, &tr) < 0) fprintf(stderr, "%s\n", nb_last_error());
 *     nb_tensor *y = nb_net_predict(net, x);            // in t's units
 *     double r;
 *     nb_regression_r(y, t, NULL, &r);
 *     nb_train_record_free(&tr);
 *     nb_net_free(net);
 *
 * Samples are rows here (MATLAB's are columns): x is N × inputs, t is N ×
 * outputs (patternnet: N × classes, one-hot).  What a MATLAB user sets in
 * net.trainParam, net.divideParam and net.trainFcn is in nb_net_opts. */
#ifndef NABLA_TRAIN_NET_H
#define NABLA_TRAIN_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/io.h"
#include "nabla/nn.h"
#include "nabla/train.h"
#include "nabla/train_scg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MATLAB's training functions (net.trainFcn). */
typedef enum nb_train_fn {
    NB_TRAINFCN_DEFAULT = 0, /* the builder's: trainlm (fitnet, feedforwardnet), trainscg
                                (patternnet) */
    NB_TRAINFCN_LM,          /* nb_trainlm */
    NB_TRAINFCN_BR,          /* nb_trainbr */
    NB_TRAINFCN_SCG,         /* nb_trainscg */
    NB_TRAINFCN_GD,          /* nb_traingd */
    NB_TRAINFCN_GDM,         /* nb_traingdm */
    NB_TRAINFCN_GDX,         /* nb_traingdx */
    NB_TRAINFCN_COUNT_       /* number of training functions (not one itself) */
} nb_train_fn;

/* "trainlm", "trainbr", "trainscg", "traingd", "traingdm", "traingdx"
 * ("default" for NB_TRAINFCN_DEFAULT, "unknown" otherwise). */
const char *nb_train_fn_name(nb_train_fn fn);

/* A network with its pre- and post-processing and its training function
 * (private; used by pointer). */
typedef struct nb_net nb_net;

/* A zero field means MATLAB's default. */
typedef struct nb_net_opts {
    nb_train_fn train_fn; /* net.trainFcn; NB_TRAINFCN_DEFAULT = the builder's */
    bool f32;             /* an NB_F32 model (default: NB_F64, MATLAB's double) */
    uint64_t seed;        /* of the initialisation and of dividerand */
    nb_divide_opts divide;/* dividerand ratios; all 0 = 0.70 / 0.15 / 0.15 */
    bool no_divide;       /* train on every sample (MATLAB's divideFcn = ''), no
                             validation or test set */
    /* net.trainParam; 0 = the training function's default */
    int epochs;           /* >= 0 */
    double goal;          /* >= 0 */
    int max_fail;         /* 0 = 6 (trainbr: no validation stop); < 0 = never */
    double min_grad;      /* 0 = the function's (1e-7 lm/br, 1e-6 scg, 1e-5 gd*); < 0 never */
    int verbose;          /* MATLAB's command-line display: 0 = on a terminal, 1 = always,
                             -1 = never */
    int show;             /* display every `show` epochs; 0 = 25 */
    FILE *out;            /* display stream; NULL = stderr */
} nb_net_opts;

/* MATLAB's fitnet(hidden): hidden layers of hidden[0..n_hidden) tansig
 * neurons (n_hidden >= 1, each >= 1; NULL hidden with n_hidden 0 means
 * MATLAB's one layer of 10), a purelin output layer, Nguyen–Widrow
 * initialisation (initnw, on inputs mapped into [-1, 1]), inputs and
 * targets mapped by mapminmax into [-1, 1] (outputs mapped back into the
 * targets' units), dividerand 0.70/0.15/0.15, trainlm on the mse.  The
 * sizes of the input and output layers come from the data at the first
 * nb_net_train (MATLAB's configure).  Owned by the caller: nb_net_free.
 * NULL with a message naming nb_fitnet_new for bad sizes or options. */
nb_net *nb_fitnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts);
/* MATLAB's feedforwardnet: the same network and defaults as fitnet. */
nb_net *nb_feedforwardnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts);
/* MATLAB's patternnet(hidden): as fitnet, but a softmax output layer,
 * targets taken as they are (one-hot rows, N × classes with classes >= 2;
 * not mapped) and trainscg on MATLAB's crossentropy (NB_PERF_CROSSENTROPY);
 * with a squared-error training function (lm, br, gd*) the mse is
 * minimised instead.  Messages name nb_patternnet_new. */
nb_net *nb_patternnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts);
/* Free the net and its model.  NULL is a no-op. */
void nb_net_free(nb_net *net);

/* MATLAB's train(net, x, t): the first call sizes the layers from x
 * (N × inputs) and t (N × outputs), initialises the weights and fits the
 * mapminmax settings of x and t (fitnet); every call divides the rows by
 * dividerand (the net's RNG, so a seed repeats the split) and runs the
 * training function on the mapped sets.  x and t are f32 or f64 of any
 * mix (copied into the model's dtype).  The record (may be NULL; free with
 * nb_train_record_free) is the training function's, its losses in mapped
 * units as MATLAB's tr.perf.  NB_OK or negative with a message naming
 * nb_net_train (shapes, a pattern target that is not one-hot, the training
 * function's errors). */
int nb_net_train(nb_net *net, nb_tensor *x, nb_tensor *t, nb_train_record *record);
/* MATLAB's net(x): the outputs for x (N × inputs) in the targets' units
 * (fitnet) or as class probabilities (patternnet), a new tensor of the
 * model's dtype in the current arena, computed with recording off.  NULL
 * with a message naming nb_net_predict before training or for x's shape. */
nb_tensor *nb_net_predict(nb_net *net, nb_tensor *x);
/* The model inside (NULL before the first nb_net_train): its flat order is
 * that of nabla/nn.h, on mapped inputs and outputs.  Borrowed. */
nb_model *nb_net_model(const nb_net *net);
/* The rows of the last nb_net_train's part (0 train, 1 validation, 2
 * test), in increasing order (MATLAB's tr.trainInd, valInd, testInd,
 * 0-based): their count, *rows set to a borrowed array (valid until the
 * next nb_net_train or nb_net_free); -1 with a message for a bad part or
 * before training. */
int64_t nb_net_division(const nb_net *net, int part, const int64_t **rows);

/* MATLAB's regression(t, y): the correlation coefficient R between
 * outputs y and targets t (both N × O, or N), per output column into
 * r_out[0..O) (may be NULL) and over all N·O values into *r_all (may be
 * NULL).  A column whose y or t is constant has R = NaN, as a correlation
 * of a constant is undefined.  NB_OK or negative (NULL, shapes differ,
 * fewer than 2 rows) with a message naming nb_regression_r. */
int nb_regression_r(const nb_tensor *y, const nb_tensor *t, double *r_out, double *r_all);

/* MATLAB's confusion(t, y): y and t are N × C (C >= 2; each row's class is
 * its largest value, the first on ties) or N × 1 (class 1 when > 0.5, else
 * 0; C = 2).  counts receives C × C entries, counts[i*C + j] the samples of
 * target class i that y puts in class j (rows: targets, as MATLAB's cm);
 * *accuracy (may be NULL) the fraction on the diagonal.  `classes` must be
 * C.  NB_OK or negative (NULL, shapes, classes) naming nb_confusion_matrix. */
int nb_confusion_matrix(const nb_tensor *y, const nb_tensor *t, int classes, int64_t *counts,
                        double *accuracy);

#ifdef __cplusplus
}
#endif
#endif
