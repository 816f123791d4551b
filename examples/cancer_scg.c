/* cancer_scg.c — MATLAB's patternnet(10) with trainscg on the Wisconsin
 * breast cancer data (569 samples, 30 features, malignant or benign):
 * mapminmax on the inputs, dividerand 0.70 / 0.15 / 0.15, tansig hidden,
 * a softmax output, scaled conjugate gradient on the cross-entropy with a
 * validation stop, MATLAB's command-line display every 25 epochs.  Prints
 * the test confusion matrix and exits non-zero below 0.95 test accuracy.
 *
 * With NB_PLOT_DIR set, also writes MATLAB's plotperform and
 * plotconfusion there (perform.csv, confusion.csv, and .svg and .png
 * pictures when nabla was built with PLplot; PNG needs its cairo driver,
 * Debian plplot-driver-cairo).
 *
 * The data is the CSV that scikit-learn ships (Debian: python3-sklearn);
 * exits 77 (a skip for make check) when it is not found. */
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

#include "sklearn_data.h"

int main(void)
{
    static const char prog[] = "cancer_scg";
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *x, *t;
    int rc = sklearn_load(prog, "breast_cancer.csv", &x, &t);
    if (rc != 0) {
        nb_arena_free(arena);
        return rc;
    }
    /* MATLAB: net = patternnet(10); net.trainParam.showCommandLine = true */
    nb_net *net = nb_patternnet_new((const int64_t[]){10}, 1,
                                    &(nb_net_opts){.seed = 1, .verbose = 1, .out = stdout});
    nb_train_record tr;
    if (!net || nb_net_train(net, x, t, &tr) < 0) {
        fprintf(stderr, "%s: %s\n", prog, nb_last_error());
        nb_net_free(net);
        nb_arena_free(arena);
        return 1;
    }
    int b = tr.best_epoch;
    printf("%s: %s best epoch %d of %d: perf %.4g, vperf %.4g, tperf %.4g (crossentropy)\n",
           prog, nb_stop_reason_matlab(tr.stop), b, tr.epochs, tr.train_loss[b], tr.val_loss[b],
           tr.test_loss[b]);
    const char *plots = getenv("NB_PLOT_DIR");
    char base[1024];
    if (plots && *plots) {
        static const nb_plot_format formats[] = {NB_PLOT_SVG, NB_PLOT_PNG};
        snprintf(base, sizeof base, "%s/perform", plots);
        for (int f = 0; f < 2; f++)
            if (nb_plot_perform(base, tr.train_loss, tr.val_loss, tr.test_loss, tr.epochs, b,
                                &(nb_plot_opts){.format = formats[f]}) < 0)
                fprintf(stderr, "%s: %s\n", prog, nb_last_error());
        int64_t cm[4];
        snprintf(base, sizeof base, "%s/confusion", plots);
        int bad = nb_confusion_matrix(nb_net_predict(net, x), t, 2, cm, NULL) < 0;
        for (int f = 0; !bad && f < 2; f++)
            bad = nb_plot_confusion(base, cm, 2, &(nb_plot_opts){.format = formats[f]}) < 0;
        if (bad)
            fprintf(stderr, "%s: %s\n", prog, nb_last_error());
        else
            printf("%s: plots written to %s (pictures: %s)\n", prog, plots,
                   nb_plot_can_draw() ? "yes" : "no, CSV only");
    }
    nb_train_record_free(&tr);
    double acc = sklearn_test_accuracy(prog, net, x, t);
    nb_net_free(net);
    nb_arena_free(arena);
    if (!(acc >= 0.95)) {
        fprintf(stderr, "%s: test accuracy %.4f is below 0.95\n", prog, acc);
        return 1;
    }
    return 0;
}
