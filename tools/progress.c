/* The progress line and the training record's CSV and plot. */
#define _POSIX_C_SOURCE 200809L /* fmemopen, fileno, isatty, clock_gettime, mkdir */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "progress.h"

static void print_line(cli_progress *p, int epoch, const nb_train_record *r)
{
    p->printed = epoch;
    double t = cli_now() - p->start;
    double left = epoch > 0 ? t / epoch * (p->epochs - epoch) : 0;
    fprintf(p->out, "%sEpoch %d/%d  perf %.4g", p->tty ? "\r\033[K" : "", epoch, p->epochs,
            r->train_loss[epoch]);
    if (r->val_loss)
        fprintf(p->out, "  val %.4g (checks %d/%d)", r->val_loss[epoch], p->fails, p->max_fail);
    if (r->val_acc)
        fprintf(p->out, "  val acc %.1f%%", 100 * r->val_acc[epoch]);
    if (r->gradient)
        fprintf(p->out, "  gradient %.3g", r->gradient[epoch]);
    else
        fprintf(p->out, "  gradient %.3g", r->grad_norm);
    if (r->mu)
        fprintf(p->out, "  mu %.3g", r->mu[epoch]);
    fprintf(p->out, "  time %.1fs, at most %.1fs left%s", t, left, p->tty ? "" : "\n");
    fflush(p->out);
}

int cli_progress_epoch(int epoch, const nb_train_record *r, void *ctx)
{
    cli_progress *p = ctx;
    for (int e = p->next; e <= epoch; e++) {
        if (r->val_loss && e > 0) {
            if (r->val_loss[e] < p->best_val) {
                p->best_val = r->val_loss[e];
                p->fails = 0;
            } else {
                p->fails++;
            }
        } else if (r->val_loss) {
            p->best_val = r->val_loss[0];
        }
        if (!p->quiet && (e == epoch ? p->tty || p->show <= 0 || e % p->show == 0
                                     : e == 0 && !p->tty))
            print_line(p, e, r);
    }
    p->next = epoch + 1;
    return 0;
}

void cli_progress_end(cli_progress *p, const nb_train_record *rec)
{
    if (p->quiet)
        return;
    if (rec && !p->tty && p->printed != rec->epochs) {
        print_line(p, rec->epochs, rec);
    }
    if (p->tty)
        fputc('\n', p->out);
}

/* The record's series: name and array (NULL when the trainer has none). */
static int series(const nb_train_record *r, const char **names, const double **v)
{
    const char *n[] = {"perf", "vperf", "tperf", "gradient", "mu", "lr", "gamma", "ssx",
                       "train_acc", "val_acc"};
    const double *a[] = {r->train_loss, r->val_loss, r->test_loss, r->gradient, r->mu, r->lr,
                         r->gamma, r->ssx, r->train_acc, r->val_acc};
    int k = 0;
    for (int i = 0; i < (int)(sizeof n / sizeof n[0]); i++)
        if (a[i]) {
            names[k] = n[i];
            v[k++] = a[i];
        }
    return k;
}

int cli_record_csv(const char *cmd, const nb_train_record *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return cli_fail(cmd, "cannot write %s: %s", path, strerror(errno));
    const char *names[16];
    const double *v[16];
    int k = series(r, names, v);
    fputs("epoch", f);
    for (int j = 0; j < k; j++)
        fprintf(f, ",%s", names[j]);
    fputc('\n', f);
    for (int e = 0; e <= r->epochs; e++) {
        fprintf(f, "%d", e);
        for (int j = 0; j < k; j++)
            fprintf(f, ",%.17g", v[j][e]);
        fputc('\n', f);
    }
    if (ferror(f) | (fclose(f) != 0))
        return cli_fail(cmd, "cannot write %s", path);
    return CLI_OK;
}

static void line(FILE *f, const double *v, int n, double lo, double hi, const char *colour)
{
    fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2' points='", colour);
    for (int e = 0; e <= n; e++) {
        double y = v[e] > 0 ? log10(v[e]) : lo;
        fprintf(f, "%.1f,%.1f ", 60 + 500.0 * e / (n ? n : 1), 320 - 280 * (y - lo) / (hi - lo));
    }
    fputs("'/>\n", f);
}

int cli_record_plot(const char *cmd, const nb_train_record *r, const char *title, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cli_fail(cmd, "cannot make the folder %s: %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/performance.svg", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return cli_fail(cmd, "cannot write %s: %s", path, strerror(errno));
    const double *s[3] = {r->train_loss, r->val_loss, r->test_loss};
    const char *col[3] = {"#1f5fbf", "#2a9d3a", "#c0392b"}, *lab[3] = {"Train", "Validation",
                                                                          "Test"};
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < 3; k++)
        for (int e = 0; s[k] && e <= r->epochs; e++)
            if (s[k][e] > 0 && isfinite(s[k][e])) {
                lo = fmin(lo, log10(s[k][e]));
                hi = fmax(hi, log10(s[k][e]));
            }
    if (!(lo < hi)) {
        lo = isfinite(lo) ? lo - 1 : -1;
        hi = lo + 2;
    }
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='600' height='370' "
               "font-family='sans-serif' font-size='12'>\n<rect width='600' height='370' "
               "fill='white'/>\n<text x='300' y='20' text-anchor='middle' font-size='14'>");
    for (const char *c = title; *c; c++) /* the title is the user's: escape it */
        fputs(*c == '<' ? "&lt;" : *c == '&' ? "&amp;" : *c == '\'' ? "&#39;" : (char[]){*c, 0},
              f);
    fprintf(f, "</text>\n<rect x='60' y='40' width='500' height='280' fill='none' "
               "stroke='#888'/>\n<text x='310' y='350' text-anchor='middle'>%d epochs</text>\n"
               "<text x='20' y='180' transform='rotate(-90 20 180)' text-anchor='middle'>"
               "performance (log scale, 1e%.1f .. 1e%.1f)</text>\n", r->epochs, lo, hi);
    /* the curves, then the legend: one entry a line for the sets there are */
    int shown = 0;
    for (int k = 0; k < 3; k++)
        if (s[k]) {
            line(f, s[k], r->epochs, lo, hi, col[k]);
            int y = 58 + 16 * shown++;
            fprintf(f, "<rect x='405' y='%d' width='10' height='3' fill='%s'/>\n"
                       "<text x='420' y='%d' fill='%s'>%s</text>\n", y - 4, col[k], y, col[k],
                    lab[k]);
        }
    double bx = 60 + 500.0 * r->best_epoch / (r->epochs ? r->epochs : 1);
    fprintf(f, "<line x1='%.1f' y1='40' x2='%.1f' y2='320' stroke='#555' "
               "stroke-dasharray='4 3'/>\n<text x='%.1f' y='335' text-anchor='middle'>best "
               "epoch %d</text>\n</svg>\n", bx, bx, bx, r->best_epoch);
    if (ferror(f) | (fclose(f) != 0))
        return cli_fail(cmd, "cannot write %s", path);
    return CLI_OK;
}

/* One of MATLAB's plots: a picture PLplot cannot draw here (its driver
 * missing) is not a failure, the CSV beside it is written all the same. */
static int plot_status(const char *cmd, int status)
{
    if (status == NB_ERR_STATE) {
        fprintf(stderr, "nabla %s: %s (the CSV is written)\n", cmd, nb_last_error());
        return CLI_OK;
    }
    return status < 0 ? cli_lib_fail(cmd) : CLI_OK;
}

int cli_train_plots(const char *cmd, const char *dir, const nb_train_record *r, nb_tensor *y,
                    nb_tensor *t, int classes)
{
    char base[4096];
    snprintf(base, sizeof base, "%s/plotperform", dir);
    int rc = plot_status(cmd, nb_plot_perform(base, r->train_loss, r->val_loss, r->test_loss,
                                              r->epochs, r->best_epoch, NULL));
    if (rc != CLI_OK || !y || !t)
        return rc;
    if (classes < 2) {
        snprintf(base, sizeof base, "%s/plotregression", dir);
        return plot_status(cmd, nb_plot_regression(base, y, t, NULL));
    }
    int64_t *counts = malloc(sizeof *counts * (size_t)classes * (size_t)classes);
    if (!counts)
        return cli_fail(cmd, "out of memory");
    snprintf(base, sizeof base, "%s/plotconfusion", dir);
    rc = nb_confusion_matrix(y, t, classes, counts, NULL) < 0
             ? cli_lib_fail(cmd)
             : plot_status(cmd, nb_plot_confusion(base, counts, classes, NULL));
    free(counts);
    return rc;
}
