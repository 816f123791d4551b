/* wine_br.c — a MATLAB patternnet(10) trained with trainbr (Bayesian
 * regularisation: Levenberg–Marquardt on beta·E_D + alpha·E_W) on the
 * wine data (178 samples, 13 features, 3 cultivars): mapminmax on the
 * inputs, dividerand 0.85 / 0 / 0.15 (the regularisation replaces the
 * validation stop), tansig hidden, softmax output, the squared error of
 * the one-hot targets (trainbr fits squared errors), 50 epochs, MATLAB's
 * display every 25 epochs.
 * Prints the effective number of parameters, the test confusion matrix,
 * and exits non-zero below 0.95 test accuracy.
 *
 * The data is the CSV that scikit-learn ships (Debian: python3-sklearn);
 * exits 77 (a skip for make check) when it is not found. */
#include <stdio.h>

#include <nabla.h>

#include "sklearn_data.h"

int main(void)
{
    static const char prog[] = "wine_br";
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *x, *t;
    int rc = sklearn_load(prog, "wine_data.csv", &x, &t);
    if (rc != 0) {
        nb_arena_free(arena);
        return rc;
    }
    /* MATLAB: net = patternnet(10, 'trainbr'); net.trainParam.epochs = 50;
     * net.divideParam.valRatio = 0 (trainbr needs no validation set) */
    nb_net *net = nb_patternnet_new((const int64_t[]){10}, 1,
                                    &(nb_net_opts){.train_fn = NB_TRAINFCN_BR, .epochs = 50,
                                                   .divide = {0.85, 0, 0.15},
                                                   .seed = 1, .verbose = 1, .out = stdout});
    nb_train_record tr;
    if (!net || nb_net_train(net, x, t, &tr) < 0) {
        fprintf(stderr, "%s: %s\n", prog, nb_last_error());
        nb_net_free(net);
        nb_arena_free(arena);
        return 1;
    }
    int e = tr.epochs;
    printf("%s: %s after %d epochs: perf %.4g (mse), gamma %.1f of %lld parameters, "
           "ssX %.4g\n", prog, nb_stop_reason_matlab(tr.stop), e, tr.train_loss[e],
           tr.gamma[e], (long long)nb_model_num_scalars(nb_net_model(net)), tr.ssx[e]);
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
