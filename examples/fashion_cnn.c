/* fashion_cnn.c — a LeNet-style convolutional network learns Fashion-MNIST
 * (read in place from Debian's dataset-fashion-mnist package, or from
 * $NB_FASHION_MNIST_DIR).
 *
 *   28x28 image -> conv 5x5 (16, padding 2) batch norm relu -> max pool 2
 *               -> conv 5x5 (32) batch norm relu -> max pool 2 -> flatten (800)
 *               -> 128 relu -> 10 logits
 *
 * Built from the model's layer builders (nb_model_add_conv2d, ..._batch_norm,
 * ..._activation, ..._max_pool2d, ..._flatten, ..._linear) after one user
 * layer that turns each row of 784 pixels into a 1x28x28 image.  Trained
 * with Adam by nb_train (a fresh shuffle every epoch, the learning rate
 * divided by LR_DECAY after each epoch from a per-epoch callback); then tested,
 * saved, reloaded into a fresh network (same accuracy), and its gradients
 * checked against finite differences in f64 on a few images.
 *
 * Usage: fashion_cnn [--epochs N] [--quick] [--seed N] [--threads N]
 *                    [--batch N] [--out PATH] [--data DIR]
 * --quick trains on a few hundred images (the smoke test).  Exit status: 0
 * when every target is met, 1 when one is missed or a step fails, 77 when
 * the data set is not installed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <nabla.h>

#define CLASSES 10
#define SIDE 28
#define GRADCHECK_SAMPLES 2
#define LEARNING_RATE 2e-3
#define LR_DECAY 3.0 /* the learning rate after epoch e is LEARNING_RATE / LR_DECAY^e */
#define WIDTH1 16   /* channels of the first convolution */
#define WIDTH2 32   /* channels of the second */
#define HIDDEN 128  /* units of the hidden dense layer */

typedef struct options {
    int epochs;       /* 0: the default of the mode */
    int quick;        /* a subset, for the smoke test */
    uint64_t seed;    /* model, split and shuffle */
    int threads;      /* 0: OpenMP's default */
    int batch;        /* minibatch size */
    const char *out;  /* model file */
    const char *data; /* NULL: nb_fashion_mnist_default_dir() */
} options;

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fflush(stdout);
    fprintf(stderr, "fashion_cnn: %s: %s\n", what, nb_last_error());
    return EXIT_FAILURE;
}

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: fashion_cnn [--epochs N] [--quick] [--seed N] [--threads N] "
               "[--batch N] [--out PATH] [--data DIR]\n"
               "  --epochs N   training epochs (default 3; 2 with --quick)\n"
               "  --quick      train on 400 images and test on 200 (seconds)\n"
               "  --seed N     seed of the weights, the split and the shuffle (default 1)\n"
               "  --threads N  OpenMP threads for the matrix products (default: all)\n"
               "  --batch N    samples per minibatch (default 64)\n"
               "  --out PATH   model file (default fashion_cnn.nbt in $TMPDIR, else here)\n"
               "  --data DIR   folder of the IDX files (default $NB_FASHION_MNIST_DIR, else\n"
               "               Debian's /usr/share/datasets/fashion-mnist)\n");
    return status;
}

/* Parse argv into *o; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--quick")) {
            o->quick = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return usage(stdout, EXIT_SUCCESS);
        if (!v) {
            fprintf(stderr, "fashion_cnn: unknown option or missing value: %s\n", a);
            return usage(stderr, 2);
        }
        i++;
        if (!strcmp(a, "--out")) {
            o->out = v;
        } else if (!strcmp(a, "--data")) {
            o->data = v;
        } else if (!strcmp(a, "--epochs") || !strcmp(a, "--threads") || !strcmp(a, "--seed") ||
                   !strcmp(a, "--batch")) {
            unsigned long long n = strtoull(v, &end, 10);
            if (!*v || *end || *v == '-' || (a[2] != 's' && (n < 1 || n > 100000))) {
                fprintf(stderr, "fashion_cnn: %s wants a positive number, not '%s'\n", a, v);
                return 2;
            }
            if (a[2] == 'e')
                o->epochs = (int)n;
            else if (a[2] == 't')
                o->threads = (int)n;
            else if (a[2] == 'b')
                o->batch = (int)n;
            else
                o->seed = n;
        } else {
            fprintf(stderr, "fashion_cnn: unknown option %s\n", a);
            return usage(stderr, 2);
        }
    }
    return -1;
}

/* The user layer in front: rows of 784 pixels as 1x28x28 images. */
static nb_tensor *to_image(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model, (void)ctx;
    return nb_reshape(x, NB_SHAPE(-1, 1, SIDE, SIDE));
}

/* The LeNet-style network of the header, in `dtype`.  Each convolution is
 * followed by batch norm before its relu (the convolution's bias is then
 * redundant but harmless); batch norm is what lets Adam take large steps
 * from the first epoch. */
static nb_model *lenet(nb_dtype dtype, uint64_t seed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = dtype, .seed = seed});
    const nb_conv2d_opts same = {.padding = {2, 2}};
    if (!m || nb_model_add_layer(m, "to_image", to_image, NULL) < 0 ||
        nb_model_add_conv2d(m, 1, WIDTH1, 5, 5, &same, NB_ACT_PURELIN, NB_INIT_DEFAULT) < 0 ||
        nb_model_add_batch_norm(m, WIDTH1, NULL) < 0 ||
        nb_model_add_activation(m, NB_ACT_RELU) < 0 || nb_model_add_max_pool2d(m, 2, 2, NULL) < 0 ||
        nb_model_add_conv2d(m, WIDTH1, WIDTH2, 5, 5, NULL, NB_ACT_PURELIN, NB_INIT_DEFAULT) < 0 ||
        nb_model_add_batch_norm(m, WIDTH2, NULL) < 0 ||
        nb_model_add_activation(m, NB_ACT_RELU) < 0 || nb_model_add_max_pool2d(m, 2, 2, NULL) < 0 ||
        nb_model_add_flatten(m) < 0 ||
        nb_model_add_linear(m, WIDTH2 * 5 * 5, HIDDEN, NB_ACT_RELU, NB_INIT_HE_UNIFORM) < 0 ||
        nb_model_add_linear(m, HIDDEN, CLASSES, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0) {
        nb_model_free(m);
        return NULL;
    }
    return m;
}

/* After each epoch: a smaller step for the next one. */
static int lr_schedule(int epoch, const nb_train_record *record, void *ctx)
{
    (void)record;
    nb_optim_set_lr(ctx, LEARNING_RATE / pow(LR_DECAY, epoch));
    return 0;
}

/* Loss for the gradient check: cross-entropy of the model on a fixed batch.
 * The inputs are the model's own parameters, which nb_gradcheck nudges. */
typedef struct batch {
    nb_model *model;
    nb_tensor *x, *y;
} batch;

static nb_tensor *batch_loss(nb_tensor *const *inputs, int n, void *ctx)
{
    (void)inputs, (void)n;
    batch *b = ctx;
    return nb_cross_entropy_loss(nb_model_forward(b->model, b->x), b->y, NB_REDUCE_MEAN);
}

/* Check the network's gradient in f64 on GRADCHECK_SAMPLES test images: an
 * f64 copy of the trained weights and running statistics in evaluation
 * mode, one random projection over every
 * parameter, then entry by entry for the first convolution and the output
 * biases. */
static int gradcheck(nb_model *net, nb_tensor *x, nb_tensor *y)
{
    double t0 = now();
    nb_model *m = lenet(NB_F64, 0);
    nb_tensor *src = nb_model_params_flat(net), *dst = m ? nb_model_params_flat(m) : NULL;
    if (!src || !dst) {
        nb_model_free(m);
        return fail("f64 copy for the gradient check");
    }
    for (int64_t i = 0; i < nb_tensor_numel(src); i++)
        nb_tensor_data_f64(dst)[i] = nb_tensor_data_f32(src)[i];
    nb_model_bump_versions(m);
    /* the trained running statistics too, and evaluation mode: the check is
     * of the network as it was tested (in training mode, batch norm over two
     * images puts many relu inputs next to their kink) */
    for (int i = 0; i < nb_model_num_buffers(m); i++) {
        nb_tensor *from = nb_model_buffer_at(net, i), *to = nb_model_buffer_at(m, i);
        for (int64_t j = 0; j < nb_tensor_numel(to); j++)
            nb_tensor_data_f64(to)[j] = nb_tensor_data_f32(from)[j];
        nb_tensor_bump_version(to);
    }
    nb_model_set_training(m, false);
    batch b = {m, nb_cast(nb_slice(x, 0, 0, GRADCHECK_SAMPLES), NB_F64),
               nb_cast(nb_slice(y, 0, 0, GRADCHECK_SAMPLES), NB_F64)};
    int np = nb_model_num_params(m);
    nb_tensor *all[16];
    for (int i = 0; i < np && i < 16; i++)
        all[i] = nb_model_param_at(m, i);
    nb_gradcheck_result fast = {0}, full = {0};
    int rc1 = b.x && b.y ? nb_gradcheck(batch_loss, all, np, &b,
                                        &(nb_gradcheck_opts){.fast = true, .seed = 3}, &fast)
                         : nb_last_status();
    nb_tensor *some[3] = {nb_model_param(m, "layer2.weight"), nb_model_param(m, "layer2.bias"),
                          nb_model_param(m, "layer12.bias")};
    int rc2 = rc1 < 0 && rc1 != NB_ERR_GRAD ? rc1 : nb_gradcheck(batch_loss, some, 3, &b, NULL, &full);
    if (rc2 < 0 && rc2 != NB_ERR_GRAD) {
        nb_model_free(m);
        return fail("gradient check");
    }
    printf("gradient check in f64 on %d test images (%.1fs):\n", GRADCHECK_SAMPLES, now() - t0);
    printf("  all %lld parameters, random projection: %s (analytic %.9g, numeric %.9g)\n",
           (long long)nb_model_num_scalars(m), fast.passed ? "passed" : "FAILED", fast.analytic,
           fast.numeric);
    printf("  first convolution and output biases, %lld entries one by one: %s "
           "(max abs error %.2g)\n",
           (long long)full.checked, full.passed ? "passed" : "FAILED", full.max_abs_error);
    if (!fast.passed || !full.passed)
        printf("  %s\n", !fast.passed ? fast.message : full.message);
    nb_model_free(m);
    return fast.passed && full.passed ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Everything the example owns, freed by main on every path. */
typedef struct demo {
    nb_arena *data, *load;
    nb_model *net, *fresh;
    nb_optim *opt;
    nb_train_record rec;
} demo;

static int run(const options *o, const char *out, demo *d)
{
    /* ---- data: the training part split 11:1 into training and validation ---- */
    double t0 = now();
    const char *dir = o->data ? o->data : nb_fashion_mnist_default_dir();
    d->data = nb_arena_new();
    d->load = nb_arena_new();
    if (!d->data || !d->load)
        return fail("arena");
    nb_arena_use(d->load);
    nb_tensor *x_all, *y_all, *x_test, *y_test;
    int rc = nb_fashion_mnist_load(dir, NB_DATA_TRAIN, o->quick ? 440 : 0, NB_F32, &x_all, &y_all);
    if (rc == NB_ERR_IO) {
        fflush(stdout);
        fprintf(stderr,
                "fashion_cnn: cannot read the Fashion-MNIST files in %s\n  (%s)\n"
                "Install the data set with:  apt-get install dataset-fashion-mnist\n"
                "or point NB_FASHION_MNIST_DIR (or --data) at a folder holding the four\n"
                "IDX files (train-images-idx3-ubyte.gz, ...).\n",
                dir, nb_last_error());
        return 77;
    }
    if (rc < 0)
        return fail("loading the training images");
    nb_arena_use(d->data);
    if (nb_fashion_mnist_load(dir, NB_DATA_TEST, o->quick ? 200 : 0, NB_F32, &x_test, &y_test) < 0)
        return fail("loading the test images");
    nb_rng rng;
    nb_rng_seed(&rng, o->seed);
    nb_split s;
    if (nb_dividerand(&rng, x_all, y_all, &(nb_divide_opts){.train = 11, .val = 1}, &s) < 0)
        return fail("splitting off a validation set");
    nb_arena_free(d->load);
    d->load = NULL;
    printf("data     %s: %lld training, %lld validation, %lld test images (%.1fs)\n", dir,
           (long long)s.n_train, (long long)s.n_val, (long long)nb_tensor_dim(x_test, 0),
           now() - t0);

    /* ---- the network and its training ---- */
    nb_model *net = d->net = lenet(NB_F32, o->seed);
    nb_optim *opt = d->opt = net ? nb_adam_new(net, &(nb_adam_opts){.lr = LEARNING_RATE}) : NULL;
    if (!opt)
        return fail("making the network");
    printf("training %lld parameters in %d layers (progress after each epoch: training loss\n"
           "         and accuracy, validation loss and accuracy, speed, time left)\n",
           (long long)nb_model_num_scalars(net), nb_model_num_layers(net));
    fflush(stdout);
    double t1 = now();
    nb_train_data td = {.x = s.x_train, .y = s.y_train, .val_x = s.x_val, .val_y = s.y_val};
    if (nb_train(net, opt, nb_cross_entropy_loss, &td,
                 &(nb_train_opts){.epochs = o->epochs, .batch_size = o->batch, .seed = o->seed,
                                  .min_grad = -1, .verbose = 1, .show = 1, .out = stdout,
                                  .callback = lr_schedule, .callback_ctx = opt},
                 &d->rec) < 0)
        return fail("training");
    printf("trained  in %.1fs; kept the weights of epoch %d (best validation loss %.4f)\n",
           now() - t1, d->rec.best_epoch, d->rec.val_loss[d->rec.best_epoch]);

    /* ---- test ---- */
    double loss, acc;
    if (nb_model_evaluate(net, nb_cross_entropy_loss, x_test, y_test, &loss, &acc) < 0)
        return fail("testing");
    const double target = o->quick ? 0.4 : 0.90;
    int ok = acc >= target;
    printf("test     accuracy %.4f, loss %.4f on %lld images (target >= %.2f: %s)\n", acc, loss,
           (long long)nb_tensor_dim(x_test, 0), target, ok ? "met" : "MISSED");

    /* ---- save, reload into a fresh network, evaluate again ---- */
    nb_model *fresh = d->fresh = lenet(NB_F32, o->seed + 1);
    double loss0, acc0, loss2, acc2;
    if (nb_model_save(net, out) < 0)
        return fail("saving the model");
    if (!fresh ||
        nb_model_evaluate(fresh, nb_cross_entropy_loss, x_test, y_test, &loss0, &acc0) < 0 ||
        nb_model_load(fresh, out) < 0 ||
        nb_model_evaluate(fresh, nb_cross_entropy_loss, x_test, y_test, &loss2, &acc2) < 0)
        return fail("reloading the model");
    int same = acc2 == acc && loss2 == loss;
    printf("saved    %s; a fresh network scores %.4f, after loading the file %.4f "
           "(trained: %.4f): %s\n",
           out, acc0, acc2, acc, same ? "same" : "DIFFERENT");
    ok = ok && same;

    /* ---- the gradient, checked in f64 ---- */
    ok = gradcheck(net, x_test, y_test) == EXIT_SUCCESS && ok;

    printf("%s\n", ok ? "all targets met" : "a target was missed");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    options o = {.seed = 1, .batch = 64};
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (!o.epochs)
        o.epochs = o.quick ? 2 : 3;
    char out[4096];
    if (o.out) {
        snprintf(out, sizeof out, "%s", o.out);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(out, sizeof out, "%s%sfashion_cnn.nbt", tmp && *tmp ? tmp : "",
                 tmp && *tmp ? "/" : "");
    }
#ifdef _OPENMP
    if (o.threads)
        omp_set_num_threads(o.threads);
    int threads = omp_get_max_threads();
#else
    int threads = 1;
#endif
    printf("nabla example: a LeNet-style CNN on Fashion-MNIST (10 kinds of clothing, 28x28)\n"
           "  network  conv 5x5 x%d (pad 2) batch norm relu, max pool 2, conv 5x5 x%d batch norm\n"
           "           relu, max pool 2, flatten %d, %d relu, 10 logits\n"
           "  plan     %d epochs%s, minibatches of %d, Adam lr %g (/%g after each epoch),\n"
           "           seed %llu, %d thread%s, a fresh shuffle every epoch;\n"
           "           then test, save + reload, and an f64 gradient check\n\n",
           WIDTH1, WIDTH2, WIDTH2 * 5 * 5, HIDDEN, o.epochs, o.quick ? " on a subset (--quick)" : "",
           o.batch, LEARNING_RATE, LR_DECAY,
           (unsigned long long)o.seed, threads, threads == 1 ? "" : "s");
    demo d = {0};
    rc = run(&o, out, &d);
    nb_arena_use(NULL);
    nb_train_record_free(&d.rec);
    nb_optim_free(d.opt);
    nb_model_free(d.fresh);
    nb_model_free(d.net);
    nb_arena_free(d.load);
    nb_arena_free(d.data);
    return rc;
}
