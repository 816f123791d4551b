/* MATLAB's training plots (plotperform, plotregression, plotconfusion):
 * the data as CSV always, the picture through PLplot when configure found
 * it.  Every file goes to a temporary beside its target and is renamed
 * only when complete. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef NB_HAVE_PLPLOT
#include <plplot.h>
#endif

#include "core/error_internal.h"
#include "core/tensor_internal.h"
#include "nabla/plot.h"

bool nb_plot_can_draw(void)
{
#ifdef NB_HAVE_PLPLOT
    return true;
#else
    return false;
#endif
}

/* A file being written: the temporary and the name it gets at the end. */
typedef struct nb_plot_file {
    char final[1024], tmp[1040];
    FILE *f;
} nb_plot_file;

static int nb_plot_open(const char *api, nb_plot_file *pf, const char *base, const char *ext,
                        bool open_stream)
{
    if ((size_t)snprintf(pf->final, sizeof pf->final, "%s.%s", base, ext) >= sizeof pf->final)
        return nb__error(NB_ERR_ARG, "%s: the path '%s' is too long", api, base);
    snprintf(pf->tmp, sizeof pf->tmp, "%s.tmpXXXXXX", pf->final);
    int fd = mkstemp(pf->tmp);
    if (fd < 0)
        return nb__error(NB_ERR_IO, "%s: cannot create a file beside '%s': %s", api, pf->final,
                         strerror(errno));
    pf->f = NULL;
    /* mkstemp makes the file private; a plot is an ordinary file (as the
     * backward-pass page is) */
    if (fchmod(fd, 0644) != 0) {
        int e = errno;
        close(fd);
        unlink(pf->tmp);
        return nb__error(NB_ERR_IO, "%s: cannot set the mode of a file beside '%s': %s", api,
                         pf->final, strerror(e));
    }
    if (!open_stream) {
        close(fd);
        return 0;
    }
    if (!(pf->f = fdopen(fd, "w"))) {
        close(fd);
        unlink(pf->tmp);
        return nb__error(NB_ERR_IO, "%s: cannot write '%s': %s", api, pf->final,
                         strerror(errno));
    }
    return 0;
}

/* Close (when a stream is open) and rename into place; on failure (or when
 * ok is false) remove the temporary. */
static int nb_plot_close(const char *api, nb_plot_file *pf, bool ok)
{
    if (pf->f) {
        ok = !ferror(pf->f) && ok;
        ok = fclose(pf->f) == 0 && ok;
        pf->f = NULL;
    }
    if (ok && rename(pf->tmp, pf->final) == 0)
        return 0;
    int e = errno;
    unlink(pf->tmp);
    return nb__error(NB_ERR_IO, "%s: writing '%s' failed%s%s", api, pf->final, e ? ": " : "",
                     e ? strerror(e) : "");
}

#ifdef NB_HAVE_PLPLOT
static const char *nb_plot_ext(const nb_plot_opts *o)
{
    return o->format == NB_PLOT_PNG ? "png" : "svg";
}

/* Whether PLplot has the output device: asked first, because PLplot given
 * an unknown device prompts on stdin and then ends the program. */
static int nb_plot_check_device(const char *api, const nb_plot_opts *o)
{
    const char *want = o->format == NB_PLOT_PNG ? "pngcairo" : "svg";
    const char *menu_buf[128], *names_buf[128];
    const char **menu = menu_buf, **names = names_buf;
    int n = 128; /* in: room in the arrays; out: the drivers */
    plgDevs(&menu, &names, &n);
    for (int i = 0; i < n && i < 128; i++)
        if (strcmp(names[i], want) == 0)
            return 0;
    return nb__error(NB_ERR_STATE, "%s: this PLplot has no '%s' driver (install its driver "
                     "package, e.g. plplot-driver-cairo for PNG, or ask for NB_PLOT_SVG or "
                     "NB_PLOT_CSV_ONLY); the CSV was written", api, want);
}

/* A new PLplot stream drawing into pf's temporary; the caller draws, then
 * nb_plot_end. */
static void nb_plot_begin(nb_plot_file *pf, const nb_plot_opts *o, PLINT *old)
{
    PLINT strm;
    plgstrm(old);
    plmkstrm(&strm);
    plsdev(o->format == NB_PLOT_PNG ? "pngcairo" : "svg");
    plsfnam(pf->tmp);
    plscolbg(255, 255, 255);
    plscol0(1, 0, 0, 0);       /* axes and text: black */
    plscol0(2, 0, 114, 189);   /* train: MATLAB's blue */
    plscol0(3, 0, 158, 115);   /* validation: green */
    plscol0(4, 217, 83, 25);   /* test: red */
    plscol0(5, 120, 120, 120); /* marks: grey */
    plinit();
}

static void nb_plot_end(PLINT old)
{
    plend1();
    plsstrm(old);
}
#endif

/* ---- plotperform ---- */

int nb_plot_perform(const char *base, const double *perf, const double *vperf,
                    const double *tperf, int epochs, int best_epoch, const nb_plot_opts *opts)
{
    static const char api[] = "nb_plot_perform";
    if (!base || !perf)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !base ? "base" : "perf");
    if (epochs < 0 || best_epoch < 0 || best_epoch > epochs)
        return nb__error(NB_ERR_ARG, "%s: epochs is %d and best_epoch %d; expected 0 <= "
                         "best_epoch <= epochs", api, epochs, best_epoch);
    nb_plot_opts o = opts ? *opts : (nb_plot_opts){0};
    nb_plot_file pf;
    int rc = nb_plot_open(api, &pf, base, "csv", true);
    if (rc < 0)
        return rc;
    fprintf(pf.f, "epoch,train,validation,test\n");
    for (int e = 0; e <= epochs; e++) {
        fprintf(pf.f, "%d,%.17g,", e, perf[e]);
        if (vperf)
            fprintf(pf.f, "%.17g", vperf[e]);
        fputc(',', pf.f);
        if (tperf)
            fprintf(pf.f, "%.17g", tperf[e]);
        fputc('\n', pf.f);
    }
    if ((rc = nb_plot_close(api, &pf, true)) < 0 || o.format == NB_PLOT_CSV_ONLY)
        return rc;
#ifdef NB_HAVE_PLPLOT
    if ((rc = nb_plot_check_device(api, &o)) < 0 ||
        (rc = nb_plot_open(api, &pf, base, nb_plot_ext(&o), false)) < 0)
        return rc;
    const double *sets[3] = {perf, vperf, tperf};
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < 3; s++)
        for (int e = 0; sets[s] && e <= epochs; e++)
            if (sets[s][e] > 0 && isfinite(sets[s][e])) {
                lo = fmin(lo, sets[s][e]);
                hi = fmax(hi, sets[s][e]);
            }
    if (!(lo <= hi)) {
        lo = 1e-3;
        hi = 1;
    }
    double ylo = floor(log10(lo)), yhi = fmax(ceil(log10(hi)), ylo + 1);
    PLFLT *xs = malloc(sizeof(PLFLT) * (size_t)(epochs + 1) * 2);
    if (!xs) {
        unlink(pf.tmp);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    }
    PLFLT *ys = xs + epochs + 1;
    PLINT old;
    nb_plot_begin(&pf, &o, &old);
    plcol0(1);
    plenv(0, fmax(epochs, 1), ylo, yhi, 0, 20); /* 20: a log y axis */
    char title[160];
    if (o.title)
        snprintf(title, sizeof title, "%s", o.title);
    else if (vperf)
        snprintf(title, sizeof title, "Best Validation Performance is %.4g at epoch %d",
                 vperf[best_epoch], best_epoch);
    else
        snprintf(title, sizeof title, "Best Training Performance is %.4g at epoch %d",
                 perf[best_epoch], best_epoch);
    pllab("Epochs", "Performance", title);
    static const char *names[3] = {"Train", "Validation", "Test"};
    for (int s = 0; s < 3; s++) {
        if (!sets[s])
            continue;
        PLINT n = 0;
        for (int e = 0; e <= epochs; e++)
            if (sets[s][e] > 0 && isfinite(sets[s][e])) {
                xs[n] = e;
                ys[n++] = log10(sets[s][e]);
            }
        plcol0(2 + s);
        plline(n, xs, ys);
        plptex(0.98 * fmax(epochs, 1), yhi - 0.06 * (s + 1) * (yhi - ylo), 1, 0, 1, names[s]);
    }
    plcol0(5);
    pllsty(2);
    PLFLT bx[2] = {best_epoch, best_epoch}, by[2] = {ylo, yhi};
    plline(2, bx, by);
    pllsty(1);
    nb_plot_end(old);
    free(xs);
    return nb_plot_close(api, &pf, true);
#else
    return 0;
#endif
}

/* ---- plotregression ---- */

int nb_plot_regression(const char *base, const nb_tensor *y, const nb_tensor *t,
                       const nb_plot_opts *opts)
{
    static const char api[] = "nb_plot_regression";
    if (!base || !y || !t)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !base ? "base" : !y ? "y" : "t");
    if (!nb_tensor_valid(y) || !nb_tensor_valid(t))
        return nb__error(NB_ERR_STATE, "%s: %s is not a live tensor", api,
                         !nb_tensor_valid(y) ? "y" : "t");
    char s1[96], s2[96];
    if (!nb_tensor_same_shape(y, t) || y->numel < 2)
        return nb__error(NB_ERR_SHAPE, "%s: y is %s and t is %s; expected the same shape with "
                         ">= 2 values", api, nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    nb_plot_opts o = opts ? *opts : (nb_plot_opts){0};
    int64_t n = y->numel;
    nb_plot_file pf;
    int rc = nb_plot_open(api, &pf, base, "csv", true);
    if (rc < 0)
        return rc;
    fprintf(pf.f, "target,output\n");
    double mt = 0, my = 0;
    for (int64_t i = 0; i < n; i++) {
        fprintf(pf.f, "%.17g,%.17g\n", nb__get(t, i), nb__get(y, i));
        mt += nb__get(t, i);
        my += nb__get(y, i);
    }
    if ((rc = nb_plot_close(api, &pf, true)) < 0 || o.format == NB_PLOT_CSV_ONLY)
        return rc;
#ifdef NB_HAVE_PLPLOT
    mt /= (double)n;
    my /= (double)n;
    double stt = 0, syy = 0, sty = 0, lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double dt = nb__get(t, i) - mt, dy = nb__get(y, i) - my;
        stt += dt * dt;
        syy += dy * dy;
        sty += dt * dy;
        lo = fmin(lo, fmin(nb__get(t, i), nb__get(y, i)));
        hi = fmax(hi, fmax(nb__get(t, i), nb__get(y, i)));
    }
    double slope = stt > 0 ? sty / stt : 0, offset = my - slope * mt;
    double r = stt > 0 && syy > 0 ? sty / sqrt(stt * syy) : NAN;
    if (!(hi > lo)) {
        lo -= 1;
        hi += 1;
    }
    if ((rc = nb_plot_check_device(api, &o)) < 0 ||
        (rc = nb_plot_open(api, &pf, base, nb_plot_ext(&o), false)) < 0)
        return rc;
    PLFLT *xs = malloc(sizeof(PLFLT) * (size_t)n * 2);
    if (!xs) {
        unlink(pf.tmp);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    }
    PLFLT *ys = xs + n;
    for (int64_t i = 0; i < n; i++) {
        xs[i] = nb__get(t, i);
        ys[i] = nb__get(y, i);
    }
    PLINT old;
    nb_plot_begin(&pf, &o, &old);
    plcol0(1);
    plenv(lo, hi, lo, hi, 1, 0);
    char title[160], ylab[96];
    if (o.title)
        snprintf(title, sizeof title, "%s", o.title);
    else
        snprintf(title, sizeof title, "R = %.5f", r);
    snprintf(ylab, sizeof ylab, "Output ~= %.2g*Target + %.2g", slope, offset);
    pllab("Target", ylab, title);
    plcol0(2);
    plpoin((PLINT)n, xs, ys, 4);
    PLFLT lx[2] = {lo, hi}, fy[2] = {slope * lo + offset, slope * hi + offset};
    plcol0(2);
    plline(2, lx, fy);
    plcol0(5);
    pllsty(2);
    plline(2, lx, lx); /* Y = T */
    pllsty(1);
    nb_plot_end(old);
    free(xs);
    return nb_plot_close(api, &pf, true);
#else
    (void)mt;
    (void)my;
    return 0;
#endif
}

/* ---- plotconfusion ---- */

int nb_plot_confusion(const char *base, const int64_t *counts, int classes,
                      const nb_plot_opts *opts)
{
    static const char api[] = "nb_plot_confusion";
    if (!base || !counts)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !base ? "base" : "counts");
    if (classes < 1 || classes > 1000)
        return nb__error(NB_ERR_ARG, "%s: classes is %d; expected 1 to 1000", api, classes);
    nb_plot_opts o = opts ? *opts : (nb_plot_opts){0};
    nb_plot_file pf;
    int rc = nb_plot_open(api, &pf, base, "csv", true);
    if (rc < 0)
        return rc;
    fprintf(pf.f, "target\\output");
    for (int j = 0; j < classes; j++)
        fprintf(pf.f, ",%d", j);
    fputc('\n', pf.f);
    int64_t total = 0, hits = 0;
    for (int i = 0; i < classes; i++) {
        fprintf(pf.f, "%d", i);
        for (int j = 0; j < classes; j++) {
            int64_t c = counts[(size_t)i * (size_t)classes + (size_t)j];
            fprintf(pf.f, ",%lld", (long long)c);
            total += c;
            hits += i == j ? c : 0;
        }
        fputc('\n', pf.f);
    }
    if ((rc = nb_plot_close(api, &pf, true)) < 0 || o.format == NB_PLOT_CSV_ONLY)
        return rc;
#ifdef NB_HAVE_PLPLOT
    if ((rc = nb_plot_check_device(api, &o)) < 0 ||
        (rc = nb_plot_open(api, &pf, base, nb_plot_ext(&o), false)) < 0)
        return rc;
    PLINT old;
    nb_plot_begin(&pf, &o, &old);
    plcol0(1);
    plenv(0, classes, 0, classes, 1, -2); /* -2: no box, the cells draw it */
    char title[160];
    if (o.title)
        snprintf(title, sizeof title, "%s", o.title);
    else
        snprintf(title, sizeof title, "Confusion Matrix: %.1f%% correct",
                 total ? 100.0 * (double)hits / (double)total : 0.0);
    pllab("Target Class", "Output Class", title);
    for (int i = 0; i < classes; i++)     /* target: column of the picture */
        for (int j = 0; j < classes; j++) { /* output: row from the top */
            PLFLT x0 = i, y0 = classes - 1 - j;
            PLFLT bx[4] = {x0, x0 + 1, x0 + 1, x0}, by[4] = {y0, y0, y0 + 1, y0 + 1};
            plcol0(i == j ? 3 : 4);
            plfill(4, bx, by);
            plcol0(1);
            PLFLT cx[5] = {x0, x0 + 1, x0 + 1, x0, x0}, cy[5] = {y0, y0, y0 + 1, y0 + 1, y0};
            plline(5, cx, cy);
            char cell[32];
            snprintf(cell, sizeof cell, "%lld",
                     (long long)counts[(size_t)i * (size_t)classes + (size_t)j]);
            plptex(x0 + 0.5, y0 + 0.45, 1, 0, 0.5, cell);
        }
    nb_plot_end(old);
    return nb_plot_close(api, &pf, true);
#else
    (void)total;
    (void)hits;
    return 0;
#endif
}
