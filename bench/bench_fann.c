/* FANN's side of W3 (and of W1's shape at batch 1), for bench/compare.sh:
 * per-sample backpropagation in FANN 2.2 (Debian libfann-dev) on
 * Fashion-MNIST, 784-H-10, tanh hidden layers (FANN_SIGMOID_SYMMETRIC with
 * steepness 1, which is tanh), a linear output layer, and FANN's own way of
 * training: FANN_TRAIN_INCREMENTAL (a weight update after every sample, no
 * momentum) on the squared error of one-hot targets, with the linear error
 * function (FANN's default, the tanh error function, would change the
 * gradient).  So the loss differs from bench_mlp's cross-entropy; the work
 * per sample (two matrix-vector products forward, three backward, the
 * update) is the same, and that is what W3 measures.
 *
 * The data is loaded with nabla's loader; only fann_train is timed.  Each
 * epoch visits the samples in a fresh seeded order; the best epoch is
 * reported in bench_mlp's line format, with the test accuracy (the largest
 * output as the class).
 *
 * Usage: bench_fann [--hidden 32] [--layers 1] [--epochs 1] [--lr 0.01]
 *                   [--threads 1] [--data DIR] [--seed S] */
#define _POSIX_C_SOURCE 200809L
#include <fann.h>
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_fann: %s: %s\n", what, nb_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    long hidden = 32, layers = 1, epochs = 1;
    /* FANN's squared error is summed over the 10 outputs, not averaged:
     * at 0.1 this net diverges (test accuracy 0.11), at 0.01 it learns */
    double lr = 0.01;
    const char *data = NULL;
    unsigned long long seed = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!v)
            return fprintf(stderr, "bench_fann: %s wants a value\n", k), 2;
        long n = strtol(v, &end, 10);
        int pos = *v && !*end && n > 0;
        if (!strcmp(k, "--hidden") && pos)
            hidden = n;
        else if (!strcmp(k, "--layers") && pos && n < 16)
            layers = n;
        else if (!strcmp(k, "--epochs") && pos)
            epochs = n;
        else if (!strcmp(k, "--threads") && pos)
            ; /* FANN runs on one thread; accepted as every row passes it */
        else if (!strcmp(k, "--batch") && n == 1)
            ; /* per-sample training only */
        else if (!strcmp(k, "--lr") && (lr = strtod(v, &end)) > 0 && !*end)
            ;
        else if (!strcmp(k, "--data"))
            data = v;
        else if (!strcmp(k, "--seed"))
            seed = strtoull(v, NULL, 10);
        else
            return fprintf(stderr, "bench_fann: bad option %s %s\n", k, v), 2;
    }

    nb_arena *arena = nb_arena_new();
    if (!arena)
        return fail("arena");
    nb_arena_use(arena);
    nb_tensor *xtr, *ytr, *xte, *yte;
    if (nb_fashion_mnist_load(data, NB_DATA_TRAIN, 0, NB_F32, &xtr, &ytr) < 0 ||
        nb_fashion_mnist_load(data, NB_DATA_TEST, 0, NB_F32, &xte, &yte) < 0)
        return fail("loading Fashion-MNIST (set NB_FASHION_MNIST_DIR or pass --data DIR)");
    long n = (long)nb_tensor_shape(xtr)[0], nte = (long)nb_tensor_shape(xte)[0];
    const float *x = nb_tensor_data_f32(xtr), *xt = nb_tensor_data_f32(xte);
    const float *y = nb_tensor_data_f32(ytr), *yt = nb_tensor_data_f32(yte);

    unsigned int sizes[18];
    sizes[0] = 784;
    for (long l = 1; l <= layers; l++)
        sizes[l] = (unsigned)hidden;
    sizes[layers + 1] = 10;
    /* FANN's weight initialisation draws from rand() */
    srand((unsigned)(seed + 1));
    struct fann *ann = fann_create_standard_array((unsigned)layers + 2, sizes);
    long *order = malloc(sizeof *order * (size_t)n);
    fann_type *in = malloc(sizeof *in * 784), target[10];
    if (!ann || !order || !in) {
        fprintf(stderr, "bench_fann: out of memory\n");
        return 1;
    }
    fann_set_activation_function_hidden(ann, FANN_SIGMOID_SYMMETRIC);
    fann_set_activation_steepness_hidden(ann, 1);
    fann_set_activation_function_output(ann, FANN_LINEAR);
    fann_set_activation_steepness_output(ann, 1);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    fann_set_learning_rate(ann, (float)lr);
    fann_set_learning_momentum(ann, 0);

    for (long i = 0; i < n; i++)
        order[i] = i;
    unsigned long long s = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    double best = 1e300;
    for (long e = 0; e < epochs; e++) {
        for (long i = n - 1; i > 0; i--) { /* Fisher-Yates with xorshift64 */
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            long j = (long)(s % (unsigned long long)(i + 1)), t = order[i];
            order[i] = order[j], order[j] = t;
        }
        double t0 = now();
        for (long i = 0; i < n; i++) {
            long r = order[i];
            memcpy(in, x + r * 784, sizeof *in * 784);
            memset(target, 0, sizeof target);
            target[(int)y[r]] = 1;
            fann_train(ann, in, target);
        }
        double dt = now() - t0;
        if (dt < best)
            best = dt;
        if (epochs > 1)
            fprintf(stderr, "epoch %ld: %.3f s\n", e + 1, dt);
    }
    long hits = 0;
    for (long r = 0; r < nte; r++) {
        memcpy(in, xt + r * 784, sizeof *in * 784);
        const fann_type *out = fann_run(ann, in);
        int guess = 0;
        for (int k = 1; k < 10; k++)
            if (out[k] > out[guess])
                guess = k;
        hits += guess == (int)yt[r];
    }
    printf("fann threads=1 hidden=%ldx%ld batch=1 epoch_s=%.3f samples_per_s=%.0f "
           "test_acc=%.4f\n", hidden, layers, best, (double)n / best, (double)hits / (double)nte);
    fann_destroy(ann);
    free(in);
    free(order);
    nb_arena_use(NULL);
    nb_arena_free(arena);
    return 0;
}
