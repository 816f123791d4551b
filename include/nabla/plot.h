/* nabla/plot.h — MATLAB's training plots: plotperform (performance per
 * epoch), plotregression (outputs against targets) and plotconfusion.
 * Each writes its data as CSV, always, and the picture as SVG or PNG when
 * nabla was configured with PLplot (Debian libplplot-dev,
 * --with-plplot=auto); nb_plot_can_draw says which.
 *
 *     nb_plot_perform("perf", rec.train_loss, rec.val_loss, rec.test_loss,
 *                     rec.epochs, rec.best_epoch, NULL);   // perf.csv (+ perf.svg)
 *
 * `base` is a path without extension; ".csv" and ".svg" or ".png" are
 * appended.  Files are written atomically (a temporary beside them, then
 * renamed), so a failure leaves no half-written file.  PLplot keeps global
 * state: draw from one thread at a time.  A format whose PLplot driver is
 * missing (PNG needs pngcairo, Debian plplot-driver-cairo) is an
 * NB_ERR_STATE error after the CSV is written. */
#ifndef NABLA_PLOT_H
#define NABLA_PLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nb_plot_format {
    NB_PLOT_SVG = 0, /* default */
    NB_PLOT_PNG,     /* needs PLplot's cairo driver (pngcairo) */
    NB_PLOT_CSV_ONLY /* write the data only, even with PLplot */
} nb_plot_format;

typedef struct nb_plot_opts {
    nb_plot_format format; /* of the picture; default SVG */
    const char *title;     /* NULL = MATLAB's ("Best Validation Performance is ...", ...) */
} nb_plot_opts;

/* Whether this build draws pictures (PLplot was found at configure time). */
bool nb_plot_can_draw(void);

/* plotperform: base.csv with a header "epoch,train,validation,test" and
 * epochs + 1 rows (an absent set's column empty), and a picture of the
 * three curves on a log scale with the best epoch marked.  perf is
 * required (epochs + 1 values); vperf and tperf may be NULL.  NB_OK or
 * negative (NULL, epochs < 0, best_epoch outside [0, epochs], NB_ERR_IO
 * naming the file) with a message naming nb_plot_perform. */
int nb_plot_perform(const char *base, const double *perf, const double *vperf,
                    const double *tperf, int epochs, int best_epoch, const nb_plot_opts *opts);

/* plotregression: base.csv "target,output" with one row per value of y and
 * t (same shape, N x O or N; every output flattened), and a scatter of
 * outputs against targets with the least-squares line and R in the title.
 * NB_OK or negative (shapes, NB_ERR_IO) naming nb_plot_regression. */
int nb_plot_regression(const char *base, const nb_tensor *y, const nb_tensor *t,
                       const nb_plot_opts *opts);

/* plotconfusion: base.csv of the classes x classes counts (rows: target
 * class, columns: output class, as nb_confusion_matrix gives them) with a
 * header "target\\output,0,1,...", and a picture of the matrix with each
 * count and the overall accuracy.  NB_OK or negative (classes < 1,
 * NB_ERR_IO) naming nb_plot_confusion. */
int nb_plot_confusion(const char *base, const int64_t *counts, int classes,
                      const nb_plot_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
