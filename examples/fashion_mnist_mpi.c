/* fashion_mnist_mpi.c — the Fashion-MNIST network of fashion_mnist.c trained
 * data-parallel on MPI: every rank loads the data set and builds the same
 * network, nb_dist_train gives each rank its slice of every minibatch and
 * averages the gradients with one allreduce per step, and rank 0 prints the
 * progress and the test accuracy.
 *
 *   mpirun -np 2 ./fashion_mnist_mpi --quick
 *   mpirun -np 64 --hostfile hosts ./fashion_mnist_mpi     (docs/distributed.md)
 *
 * Then it measures what docs/distributed.md reports: the time of a training
 * step (one minibatch: forward, backward, allreduce, Adam) and of the
 * allreduce alone on the model's gradient buffer, from which the bus
 * bandwidth 2·P·(n−1)/n·4 bytes / time follows.
 *
 * Usage: fashion_mnist_mpi [--epochs N] [--quick] [--w2] [--batch N] [--timeout S]
 *                          [--data DIR]
 * --w2 trains the benchmarks' W2 network instead (784-1024-1024-10,
 * minibatches of 256; bench/README.md).  --timeout bounds each collective
 * (default 120 s; 0 = blocking collectives, no bound).
 * Exit status: 0 when the test accuracy target is met, 1 when it is missed
 * or a step fails, 77 when the data set is not installed or nabla was built
 * without MPI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nabla.h>

#define HIDDEN 256
#define CLASSES 10
#define PIXELS 784
#define TIMED_REDUCES 50

static int rank;

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A step that failed: main ends the whole job (status 1), since the other
 * ranks may be waiting in a collective this rank will never join. */
#define FAILED 4
static int fail(const char *what)
{
    fflush(stdout);
    fprintf(stderr, "fashion_mnist_mpi (rank %d): %s: %s\n", rank, what, nb_last_error());
    return FAILED;
}

/* Everything main owns, freed on every path. */
typedef struct state {
    nb_arena *data, *step;
    nb_model *net;
    nb_optim *opt;
    nb_train_record rec;
} state;

/* Seconds per training step and per gradient allreduce, the slowest rank's
 * (every rank runs the same number of each). */
static int measure(state *s, nb_tensor *x, nb_tensor *y, int64_t batch, int size)
{
    nb_batch_iter it; /* its order in the data arena, the batches in the step arena */
    nb_arena_use(s->data);
    if (nb_batch_iter_init(&it, x, y,
                           &(nb_batch_opts){.batch_size = batch, .shuffle = true, .seed = 7,
                                            .num_shards = size, .shard = rank}) < 0)
        return fail("batches for the timing");
    nb_arena_use(s->step);
    int steps = 0;
    double t0 = now();
    nb_tensor *xb, *yb;
    while (steps < 20 && nb_batch_next(&it, &xb, &yb) == 1) {
        if (nb_optim_zero_grad(s->opt) < 0 ||
            nb_backward(nb_cross_entropy_loss(nb_model_forward(s->net, xb), yb, NB_REDUCE_MEAN),
                        NULL) < 0 ||
            nb_dist_average_grads(s->net) < 0 || nb_optim_step(s->opt) < 0)
            return fail("a timed step");
        nb_arena_reset(s->step);
        steps++;
    }
    double step = (now() - t0) / steps;
    t0 = now();
    for (int i = 0; i < TIMED_REDUCES; i++)
        if (nb_dist_average_grads(s->net) < 0)
            return fail("a timed allreduce");
    double reduce = (now() - t0) / TIMED_REDUCES;
    /* the optimizer's step is every rank's whole work, however many ranks */
    t0 = now();
    for (int i = 0; i < TIMED_REDUCES; i++)
        if (nb_optim_step(s->opt) < 0)
            return fail("a timed optimizer step");
    double update = (now() - t0) / TIMED_REDUCES;
    if (rank == 0) {
        double p = (double)nb_model_num_scalars(s->net);
        double moved = 2 * p * (size - 1) / size * 4; /* bytes each rank sends */
        printf("timing   %d ranks, minibatch %lld (%lld per rank): %.2f ms per step, of which "
               "the allreduce of %.0f f32 gradients takes %.3f ms (%.2f GB/s bus bandwidth) "
               "and the Adam update %.3f ms\n",
               size, (long long)batch, (long long)(batch / size), 1e3 * step, p, 1e3 * reduce,
               size > 1 ? moved / reduce / 1e9 : 0.0, 1e3 * update);
    }
    return EXIT_SUCCESS;
}

static int run(int argc, char **argv, state *s)
{
    int epochs = 0, quick = 0, w2 = 0;
    int64_t batch = 0;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--w2"))
            w2 = 1;
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
            nb_dist_set_timeout(atof(argv[++i]));
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
            batch = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            dir = argv[++i];
        else {
            if (rank == 0)
                fprintf(stderr, "usage: fashion_mnist_mpi [--epochs N] [--quick] [--w2] "
                                "[--batch N] [--timeout S] [--data DIR]\n");
            return 2;
        }
    }
    if (epochs <= 0)
        epochs = quick ? 2 : 5;
    if (batch <= 0)
        batch = w2 ? 256 : 128;
    int size = nb_dist_size();
    if (!dir)
        dir = nb_fashion_mnist_default_dir();

    s->data = nb_arena_new();
    s->step = nb_arena_new();
    if (!s->data || !s->step)
        return fail("arena");
    nb_arena_use(s->data);
    nb_tensor *x, *y, *x_test, *y_test;
    double t0 = now();
    int rc = nb_fashion_mnist_load(dir, NB_DATA_TRAIN, quick ? 6000 : 0, NB_F32, &x, &y);
    if (rc == NB_ERR_IO) {
        if (rank == 0)
            fprintf(stderr, "fashion_mnist_mpi: cannot read Fashion-MNIST in %s (%s); install "
                            "dataset-fashion-mnist or give --data DIR\n", dir, nb_last_error());
        return 77;
    }
    if (rc < 0 || nb_fashion_mnist_load(dir, NB_DATA_TEST, quick ? 2000 : 0, NB_F32, &x_test,
                                        &y_test) < 0)
        return fail("loading the images");

    const int64_t sizes[3] = {PIXELS, HIDDEN, CLASSES}, w2_sizes[4] = {PIXELS, 1024, 1024, CLASSES};
    const nb_activation acts[3] = {NB_ACT_TANSIG, w2 ? NB_ACT_TANSIG : NB_ACT_PURELIN,
                                   NB_ACT_PURELIN};
    /* a different seed per rank on purpose: nb_dist_train starts every rank
     * from rank 0's weights */
    s->net = nb_bpnet_new(w2 ? w2_sizes : sizes, w2 ? 4 : 3, acts,
                          &(nb_bpnet_opts){.dtype = NB_F32, .seed = 1 + rank});
    s->opt = s->net ? nb_adam_new(s->net, &(nb_adam_opts){.lr = 1e-3}) : NULL;
    if (!s->opt)
        return fail("making the network");
    if (rank == 0) {
        printf("nabla on MPI: %d ranks, %lld training and %lld test images (loaded in %.1fs), "
               "%lld parameters,\n  %d epochs of minibatches of %lld (%lld per rank)\n",
               size, (long long)nb_tensor_dim(x, 0), (long long)nb_tensor_dim(x_test, 0),
               now() - t0, (long long)nb_model_num_scalars(s->net), epochs, (long long)batch,
               (long long)(batch / size));
        fflush(stdout);
    }
    t0 = now();
    if (nb_dist_train(s->net, s->opt, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = y},
                      &(nb_train_opts){.epochs = epochs, .batch_size = batch, .seed = 1,
                                       .min_grad = -1, .verbose = 1, .show = 1, .out = stdout},
                      &s->rec) < 0)
        return fail("training");
    double train_s = now() - t0;
    double loss, acc;
    nb_arena_use(s->step);
    if (nb_model_evaluate(s->net, nb_cross_entropy_loss, x_test, y_test, &loss, &acc) < 0)
        return fail("testing");
    nb_arena_reset(s->step);
    double target = quick ? 0.75 : 0.85;
    if (rank == 0)
        printf("test     accuracy %.4f, loss %.4f (target >= %.2f: %s); training took %.1fs\n",
               acc, loss, target, acc >= target ? "met" : "MISSED", train_s);
    if (measure(s, x, y, batch, size) != EXIT_SUCCESS)
        return FAILED;
    return acc >= target ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (!nb_dist_available()) {
        fprintf(stderr, "fashion_mnist_mpi: %s\n",
                nb_dist_init(&argc, &argv) < 0 ? nb_last_error() : "no MPI");
        return 77;
    }
    if (nb_dist_init(&argc, &argv) < 0) {
        fprintf(stderr, "fashion_mnist_mpi: %s\n", nb_last_error());
        return EXIT_FAILURE;
    }
    rank = nb_dist_rank();
    /* a rank that dies or fails must not leave the others waiting forever */
    nb_dist_set_timeout(120);
    if (rank == 0)
        printf("(OMP_NUM_THREADS=1 keeps ranks sharing a machine from oversubscribing it)\n");
    state s = {0};
    int rc = run(argc, argv, &s);
    nb_arena_use(NULL);
    nb_train_record_free(&s.rec);
    nb_optim_free(s.opt);
    nb_model_free(s.net);
    nb_arena_free(s.step);
    nb_arena_free(s.data);
    if (rc == FAILED)
        nb_dist_abort(1);
    nb_dist_finalize();
    return rc;
}
