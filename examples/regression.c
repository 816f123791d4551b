/* regression.c — fit a noisy 1-D function, the classic BP teaching example:
 * samples of y = sin(2 pi x) on [-1, 1] with Gaussian noise (sd 0.05), a
 * 1-20-1 network (tansig hidden, purelin output), full-batch RPROP, and
 * MATLAB-style early stopping: every 4th sample is held out for validation,
 * every 4th after that for test.  The weights of the best validation epoch
 * are kept.  Exits non-zero if the test error against the noise-free
 * function is not below 0.01.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

#define N 240

int main(void)
{
    const double pi = 3.14159265358979323846;
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_rng rng;
    nb_rng_seed(&rng, 2024);

    /* split: i % 4 == 1 validation, i % 4 == 3 test, the rest training */
    double xs[3][N], ys[3][N], clean_test[N];
    int n[3] = {0, 0, 0};
    for (int i = 0; i < N; i++) {
        double x = -1 + 2.0 * i / (N - 1);
        double clean = sin(2 * pi * x);
        int part = i % 4 == 1 ? 1 : i % 4 == 3 ? 2 : 0;
        if (part == 2)
            clean_test[n[2]] = clean;
        xs[part][n[part]] = x;
        ys[part][n[part]++] = clean + 0.05 * nb_rng_normal(&rng);
    }
    nb_tensor *X[3], *Y[3];
    for (int p = 0; p < 3; p++) {
        X[p] = nb_from_f64(xs[p], NB_SHAPE(n[p], 1));
        Y[p] = nb_from_f64(ys[p], NB_SHAPE(n[p], 1));
    }
    nb_model *net = nb_bpnet_new((const int64_t[]){1, 20, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 7});
    nb_optim *opt = nb_rprop_new(net, NULL);
    if (!net || !opt) {
        fprintf(stderr, "regression: %s\n", nb_last_error());
        return 1;
    }
    nb_train_data data = {.x = X[0], .y = Y[0], .val_x = X[1], .val_y = Y[1],
                          .test_x = X[2], .test_y = Y[2]};
    nb_train_record rec;
    if (nb_train(net, opt, nb_mse_loss, &data, &(nb_train_opts){.epochs = 2000}, &rec) < 0) {
        fprintf(stderr, "regression: %s\n", nb_last_error());
        return 1;
    }
    printf("%d epochs (%s); best validation epoch %d: train %.4g  val %.4g  test %.4g\n",
           rec.epochs, nb_stop_reason_name(rec.stop), rec.best_epoch,
           rec.train_loss[rec.best_epoch], rec.val_loss[rec.best_epoch],
           rec.test_loss[rec.best_epoch]);

    /* error of the kept network against the noise-free function */
    nb_tensor *pred = NULL;
    NB_NO_GRAD { pred = nb_model_forward(net, X[2]); }
    double err = 0;
    for (int i = 0; i < n[2]; i++)
        err += pow(nb_tensor_get(pred, i) - clean_test[i], 2) / n[2];
    printf("test mse against sin(2 pi x): %.4g\n", err);
    for (int i = 0; i < n[2]; i += 10)
        printf("  x %+.3f  net %+.4f  sin %+.4f\n", xs[2][i], nb_tensor_get(pred, i), clean_test[i]);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(arena);
    return err < 0.01 ? 0 : 1;
}
