/* house_lm.c — MATLAB's house_dataset example, fitnet(10) with trainlm:
 * the Boston housing data (13 features, the median value MEDV as target),
 * mapminmax on inputs and targets, dividerand 0.70 / 0.15 / 0.15, a 13-10-1
 * network (tansig hidden, purelin output) trained by Levenberg–Marquardt
 * with validation stop.  Prints the training record and the test set's
 * regression (R, slope and offset of outputs against targets, in the
 * targets' units) and exits non-zero when the test R is below 0.85.
 *
 * With NB_PLOT_DIR set, also writes MATLAB's plotperform and plotregression
 * (of the test set) there: perform.csv and regression.csv, and perform.svg,
 * perform.png, regression.svg and regression.png when nabla was built with
 * PLplot (PNG needs its cairo driver, Debian plplot-driver-cairo).
 *
 * The data is the CSV that Debian's python3-sklearn ships; set
 * NB_BOSTON_CSV to read another copy.  Exits 77 (a skip for make check)
 * when the file is not there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

#define DEFAULT_CSV "/usr/lib/python3/dist-packages/sklearn/datasets/data/boston_house_prices.csv"
#define FEATURES 13
#define MAX_ROWS 1024

/* The file has a line "506,13,,..." and a header before the data, which a
 * plain numeric CSV reader refuses, so it is read here: 14 numbers a row. */
static int read_housing(const char *path, double *x, double *t, int *rows)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f) && n < MAX_ROWS) {
        if (++lineno <= 2)
            continue; /* the counts and the column names */
        char *p = line, *end;
        double v[FEATURES + 1];
        int k = 0;
        for (; k <= FEATURES; k++) {
            v[k] = strtod(p, &end);
            if (end == p)
                break;
            p = *end == ',' ? end + 1 : end;
        }
        if (k != FEATURES + 1) {
            fprintf(stderr, "house_lm: %s line %d: expected %d numbers\n", path, lineno,
                    FEATURES + 1);
            fclose(f);
            return -2;
        }
        memcpy(x + (size_t)n * FEATURES, v, sizeof(double) * FEATURES);
        t[n++] = v[FEATURES];
    }
    fclose(f);
    *rows = n;
    return 0;
}

/* Pearson R and the least-squares line y = slope * t + offset. */
static void regression(const double *t, const double *y, int64_t n, double *r, double *slope,
                       double *offset)
{
    double mt = 0, my = 0, stt = 0, syy = 0, sty = 0;
    for (int64_t i = 0; i < n; i++) {
        mt += t[i];
        my += y[i];
    }
    mt /= (double)n;
    my /= (double)n;
    for (int64_t i = 0; i < n; i++) {
        stt += (t[i] - mt) * (t[i] - mt);
        syy += (y[i] - my) * (y[i] - my);
        sty += (t[i] - mt) * (y[i] - my);
    }
    *r = sty / sqrt(stt * syy);
    *slope = sty / stt;
    *offset = my - *slope * mt;
}

int main(void)
{
    const char *path = getenv("NB_BOSTON_CSV");
    if (!path || !*path)
        path = DEFAULT_CSV;
    static double xv[MAX_ROWS * FEATURES], tv[MAX_ROWS];
    int rows = 0, rc = read_housing(path, xv, tv, &rows);
    if (rc == -1) {
        fprintf(stderr, "house_lm: cannot open %s: install python3-sklearn (Debian) or set "
                "NB_BOSTON_CSV to the file boston_house_prices.csv\n", path);
        return 77;
    }
    if (rc < 0 || rows < 20)
        return 1;

    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *x = nb_from_f64(xv, NB_SHAPE(rows, FEATURES));
    nb_tensor *t = nb_from_f64(tv, NB_SHAPE(rows, 1));
    /* fitnet: mapminmax to [-1, 1] on inputs and targets */
    nb_minmax_settings px, pt;
    nb_tensor *xn = nb_mapminmax(x, -1, 1, &px);
    nb_tensor *tn = nb_mapminmax(t, -1, 1, &pt);
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    nb_split sp;
    if (!xn || !tn || nb_dividerand(&rng, xn, tn, NULL, &sp) < 0) {
        fprintf(stderr, "house_lm: %s\n", nb_last_error());
        return 1;
    }
    nb_model *net = nb_bpnet_new((const int64_t[]){FEATURES, 10, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 5});
    if (!net) {
        fprintf(stderr, "house_lm: %s\n", nb_last_error());
        return 1;
    }
    nb_train_data data = {.x = sp.x_train, .y = sp.y_train, .val_x = sp.x_val,
                          .val_y = sp.y_val, .test_x = sp.x_test, .test_y = sp.y_test};
    nb_train_record rec;
    if (nb_trainlm(net, &data, &(nb_trainlm_opts){.verbose = 1, .out = stdout}, &rec) < 0) {
        fprintf(stderr, "house_lm: %s\n", nb_last_error());
        nb_model_free(net);
        return 1;
    }
    int b = rec.best_epoch;
    printf("%lld / %lld / %lld samples; %d epochs, %s best epoch %d: perf %.4g vperf %.4g "
           "tperf %.4g (mse of the mapped targets), %.3f s\n",
           (long long)sp.n_train, (long long)sp.n_val, (long long)sp.n_test, rec.epochs,
           nb_stop_reason_matlab(rec.stop), b, rec.train_loss[b], rec.val_loss[b],
           rec.test_loss[b], rec.seconds);
    const char *plots = getenv("NB_PLOT_DIR");
    char base[1024];
    static const nb_plot_format formats[] = {NB_PLOT_SVG, NB_PLOT_PNG};
    if (plots && *plots) {
        snprintf(base, sizeof base, "%s/perform", plots);
        for (int f = 0; f < 2; f++)
            if (nb_plot_perform(base, rec.train_loss, rec.val_loss, rec.test_loss, rec.epochs,
                                b, &(nb_plot_opts){.format = formats[f]}) < 0)
                fprintf(stderr, "house_lm: %s\n", nb_last_error());
    }
    nb_train_record_free(&rec);

    /* the test set in the targets' units (thousands of dollars) */
    nb_tensor *yt = nb_mapminmax_reverse(nb_model_forward(net, sp.x_test), &pt);
    nb_tensor *tt = nb_mapminmax_reverse(sp.y_test, &pt);
    if (!yt || !tt) {
        fprintf(stderr, "house_lm: %s\n", nb_last_error());
        nb_model_free(net);
        return 1;
    }
    double r, slope, offset, mse = 0;
    const double *y = nb_tensor_data_f64(yt), *tg = nb_tensor_data_f64(tt);
    regression(tg, y, sp.n_test, &r, &slope, &offset);
    for (int64_t i = 0; i < sp.n_test; i++)
        mse += (y[i] - tg[i]) * (y[i] - tg[i]) / (double)sp.n_test;
    printf("test: R = %.4f, output = %.3f * target + %.3f, RMSE %.3f (MEDV, $1000s)\n", r, slope,
           offset, sqrt(mse));
    if (plots && *plots) {
        snprintf(base, sizeof base, "%s/regression", plots);
        for (int f = 0; f < 2; f++)
            if (nb_plot_regression(base, yt, tt, &(nb_plot_opts){.format = formats[f]}) < 0)
                fprintf(stderr, "house_lm: %s\n", nb_last_error());
        printf("house_lm: plots written to %s (pictures: %s)\n", plots,
               nb_plot_can_draw() ? "yes" : "no, CSV only");
    }
    nb_model_free(net);
    nb_arena_free(arena);
    if (!(r >= 0.85)) {
        fprintf(stderr, "house_lm: test R %.4f is below 0.85\n", r);
        return 1;
    }
    return 0;
}
