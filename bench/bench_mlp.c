/* W1-W3: training a BP network on Fashion-MNIST, as a user of the public API
 * would write it: nb_bpnet_new (tansig hidden layers, purelin output), the
 * cross-entropy loss on the logits, plain SGD, minibatches from a shuffling
 * iterator copied into a step arena that is reset after every step.
 *
 * Only the training loop of each epoch is timed (data loading and the test
 * evaluation are not); the best epoch is reported, in the same line format
 * as the PyTorch peer torch_mlp.py, so that compare.sh can put both side by
 * side.  Like the peer, a last partial minibatch is dropped and samples/s is
 * the training-set size over the epoch time.
 *
 * Memory: plateau_rss_mb is the resident set right after the first epoch
 * (the training steady state: data, model, a full step arena) and
 * peak_rss_mb the high-water mark of the whole run, evaluation included
 * (Linux's VmRSS and VmHWM; -1 where /proc/self/status is not there).  A
 * peak well above the plateau means something outside the training loop
 * (loading, evaluation) holds more than training does.
 *
 * Usage: bench_mlp [--hidden 256] [--batch 64] [--epochs 1] [--threads 1]
 *                  [--lr 0.1] [--layers 1] [--data DIR] [--seed S]
 * W1: --hidden 256 --batch 64;  W2: --hidden 1024 --layers 2 --batch 256;
 * W3: --hidden 32 --batch 1. */
#define _POSIX_C_SOURCE 200809L
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct opts {
    long hidden, batch, epochs, threads, layers;
    double lr;
    const char *data;
    unsigned long long seed;
} opts;

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "bench_mlp: %s%s%s\nusage: bench_mlp [--hidden H] [--batch B] [--epochs E] "
            "[--threads T] [--lr LR] [--layers L] [--data DIR] [--seed S]\n", msg,
            arg ? " " : "", arg ? arg : "");
    return 2;
}

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.hidden = 256, .batch = 64, .epochs = 1, .threads = 1, .layers = 1, .lr = 0.1};
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (i + 1 >= argc)
            return usage("missing value after", k);
        const char *v = argv[++i];
        char *end = NULL;
        long n = strtol(v, &end, 10);
        int is_int = *v && end && *end == '\0';
        if (!strcmp(k, "--data")) {
            o->data = v;
        } else if (!strcmp(k, "--lr")) {
            o->lr = strtod(v, &end);
            if (!*v || *end || !(o->lr > 0))
                return usage("bad learning rate", v);
        } else if (!strcmp(k, "--seed")) {
            o->seed = strtoull(v, &end, 10);
        } else if (!is_int || n < 1) {
            return usage("expected an option and a positive integer, got", v);
        } else if (!strcmp(k, "--hidden")) {
            o->hidden = n;
        } else if (!strcmp(k, "--batch")) {
            o->batch = n;
        } else if (!strcmp(k, "--epochs")) {
            o->epochs = n;
        } else if (!strcmp(k, "--threads")) {
            o->threads = n;
        } else if (!strcmp(k, "--layers")) {
            o->layers = n;
        } else {
            return usage("unknown option", k);
        }
    }
    return 0;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_mlp: %s: %s\n", what, nb_last_error());
    return 1;
}

/* A "Vm...:  N kB" figure of /proc/self/status in MiB, or -1 if there is
 * none (not Linux, or the key is missing). */
static double status_mb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    size_t len = strlen(key);
    double mb = -1;
    while (fgets(line, sizeof line, f)) {
        long kb;
        if (!strncmp(line, key, len) && line[len] == ':' && sscanf(line + len + 1, "%ld", &kb) == 1) {
            mb = (double)kb / 1024.0;
            break;
        }
    }
    fclose(f);
    return mb;
}

/* One epoch of minibatch SGD; returns the seconds it took, or < 0. */
static double train_epoch(nb_model *net, nb_optim *opt, nb_batch_iter *it, nb_arena *step)
{
    nb_tensor *xb, *yb;
    double t0 = now();
    int rc;
    nb_arena_use(step);
    while ((rc = nb_batch_next(it, &xb, &yb)) == 1) {
        nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, xb), yb, NB_REDUCE_MEAN);
        if (nb_optim_zero_grad(opt) < 0 || nb_backward(loss, NULL) < 0 || nb_optim_step(opt) < 0)
            return -1;
        nb_arena_reset(step);
    }
    double dt = now() - t0;
    return rc < 0 ? -1 : dt;
}

int main(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
#ifdef _OPENMP
    omp_set_num_threads((int)o.threads);
#else
    if (o.threads != 1)
        fprintf(stderr, "bench_mlp: built without OpenMP, running on 1 thread\n");
#endif
    nb_arena *data = nb_arena_new(), *step = nb_arena_new();
    if (!data || !step)
        return fail("arena");
    nb_arena_use(data);
    nb_tensor *xtr, *ytr, *xte, *yte;
    if (nb_fashion_mnist_load(o.data, NB_DATA_TRAIN, 0, NB_F32, &xtr, &ytr) < 0 ||
        nb_fashion_mnist_load(o.data, NB_DATA_TEST, 0, NB_F32, &xte, &yte) < 0)
        return fail("loading Fashion-MNIST (set NB_FASHION_MNIST_DIR or pass --data DIR)");
    int64_t n = nb_tensor_shape(xtr)[0];

    /* 784, hidden x layers, 10: tansig hidden layers and a purelin output
     * (the softmax is inside the loss). */
    int n_sizes = (int)o.layers + 2;
    int64_t *sizes = nb_arena_alloc(data, sizeof *sizes * (size_t)n_sizes);
    if (!sizes)
        return fail("sizes");
    sizes[0] = 784;
    for (int i = 1; i <= o.layers; i++)
        sizes[i] = o.hidden;
    sizes[n_sizes - 1] = 10;
    nb_model *net = nb_bpnet_new(sizes, n_sizes, NULL, &(nb_bpnet_opts){.seed = o.seed});
    nb_optim *opt = net ? nb_sgd_new(net, &(nb_sgd_opts){.lr = o.lr}) : NULL;
    if (!opt)
        return fail("model");
    nb_batch_iter it;
    if (nb_batch_iter_init(&it, xtr, ytr, &(nb_batch_opts){.batch_size = o.batch, .shuffle = true,
                                                           .seed = o.seed, .drop_last = true}) < 0)
        return fail("batches");

    double best = 1e300, plateau = -1;
    for (long e = 0; e < o.epochs; e++) {
        if (e > 0 && nb_batch_iter_reset(&it) < 0)
            return fail("batches");
        double dt = train_epoch(net, opt, &it, step);
        if (dt < 0)
            return fail("training");
        if (dt < best)
            best = dt;
        if (e == 0)
            plateau = status_mb("VmRSS");
        if (o.epochs > 1)
            fprintf(stderr, "epoch %ld: %.3f s\n", e + 1, dt);
    }
    double acc = 0, loss = 0;
    nb_arena_use(step);
    if (nb_model_evaluate(net, nb_cross_entropy_loss, xte, yte, &loss, &acc) < 0)
        return fail("evaluation");
    printf("nabla threads=%ld hidden=%ldx%ld batch=%ld epoch_s=%.3f samples_per_s=%.0f "
           "test_acc=%.4f peak_rss_mb=%.1f plateau_rss_mb=%.1f\n", o.threads, o.hidden, o.layers,
           o.batch, best, (double)n / best, acc, status_mb("VmHWM"), plateau);
    nb_arena_use(NULL);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(step);
    nb_arena_free(data);
    return 0;
}
