/* The distributed module under mpirun (tests/check_mpi.sh starts it on 1, 2
 * and 4 ranks): data-parallel training must give the weights one process
 * gives on the global batches.  Each rank trains a model with the
 * distributed API and a copy with plain nb_train (one process, all rows),
 * from the same start, and compares them: f64 within 1e-12, f32 within 1e-5
 * relative; with `--dir DIR`, also a run resumed from a checkpoint in DIR
 * against an uninterrupted one.  A plain program, not a Check suite: Check's fork per test does
 * not mix with MPI.  Prints one line per rank; exits 0 when all passed. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla.h"

static int failures, checks, rank = -1;

#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        checks++;                                                                                 \
        if (!(cond)) {                                                                            \
            failures++;                                                                           \
            fprintf(stderr, "rank %d: %s:%d: ", rank, __FILE__, __LINE__);                       \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fprintf(stderr, " (last error: %s)\n", nb_last_error());                              \
        }                                                                                         \
    } while (0)

/* A small classification set: n rows of 3 features, 3 classes. */
static void make_data(nb_dtype dt, int64_t n, nb_tensor **x, nb_tensor **y, int onehot)
{
    double *xs = malloc((size_t)n * 3 * sizeof *xs);
    double *ys = malloc((size_t)n * 3 * sizeof *ys);
    int *labels = malloc((size_t)n * sizeof *labels);
    for (int64_t i = 0; i < n; i++) {
        for (int j = 0; j < 3; j++)
            xs[i * 3 + j] = sin(0.7 * (double)i + 1.3 * j) + 0.1 * j;
        labels[i] = (int)(i * 7 % 3);
        for (int j = 0; j < 3; j++)
            ys[i * 3 + j] = j == labels[i] ? 1 : 0;
    }
    if (dt == NB_F64) {
        *x = nb_from_f64(xs, NB_SHAPE(n, 3));
    } else {
        float *f = malloc((size_t)n * 3 * sizeof *f);
        for (int64_t i = 0; i < n * 3; i++)
            f[i] = (float)xs[i];
        *x = nb_from_f32(f, NB_SHAPE(n, 3));
        free(f);
    }
    if (onehot) {
        nb_tensor *t = nb_from_f64(ys, NB_SHAPE(n, 3));
        *y = dt == NB_F64 ? t : nb_cast(t, NB_F32);
    } else {
        *y = nb_from_int(dt, labels, NB_SHAPE(n));
    }
    free(xs);
    free(ys);
    free(labels);
}

static nb_model *make_net(nb_dtype dt, int64_t hidden)
{
    int64_t sizes[] = {3, hidden, 3};
    return nb_bpnet_new(sizes, 3, NULL, &(nb_bpnet_opts){.dtype = dt, .seed = 11});
}

/* Largest difference between the two models' weights, relative to the
 * largest weight for f32, absolute for f64. */
static double weight_diff(nb_model *a, nb_model *b)
{
    nb_tensor *pa = nb_model_params_flat(a), *pb = nb_model_params_flat(b);
    int64_t n = nb_tensor_numel(pa);
    if (n != nb_tensor_numel(pb))
        return INFINITY;
    double d = 0, scale = 0;
    for (int64_t i = 0; i < n; i++) {
        double va = nb_tensor_get(pa, i), vb = nb_tensor_get(pb, i);
        d = fmax(d, fabs(va - vb));
        scale = fmax(scale, fabs(va));
    }
    return nb_tensor_dtype(pa) == NB_F64 ? d : d / fmax(scale, 1e-30);
}

/* nb_dist_train against nb_train: same weights after `epochs`.  n rows in
 * batches of bs (a last batch smaller than the ranks gives empty slices). */
static void check_train(nb_dtype dt, int64_t n, int64_t bs, int epochs, int onehot)
{
    nb_tensor *x, *y;
    make_data(dt, n, &x, &y, onehot);
    nb_model *net = make_net(dt, 5), *ref = make_net(dt, 5);
    CHECK(net && ref && x && y, "set-up");
    /* a different start on ranks > 0: the broadcast must fix it */
    if (rank > 0)
        nb_tensor_fill(nb_model_params_flat(net), 0.5);
    nb_optim *o1 = nb_adam_new(net, &(nb_adam_opts){.lr = 0.01});
    nb_optim *o2 = nb_adam_new(ref, &(nb_adam_opts){.lr = 0.01});
    nb_loss_fn loss = onehot ? nb_mse_loss : nb_cross_entropy_loss;
    nb_train_opts opts = {.epochs = epochs, .batch_size = bs, .seed = 5, .verbose = -1,
                          .min_grad = -1};
    nb_train_record r1, r2;
    int rc = nb_dist_train(net, o1, loss, &(nb_train_data){.x = x, .y = y}, &opts, &r1);
    CHECK(rc == NB_OK, "nb_dist_train returned %d", rc);
    rc = nb_train(ref, o2, loss, &(nb_train_data){.x = x, .y = y}, &opts, &r2);
    CHECK(rc == NB_OK, "nb_train returned %d", rc);
    double tol = dt == NB_F64 ? 1e-12 : 1e-5;
    double d = weight_diff(net, ref);
    CHECK(d <= tol, "%s n=%lld bs=%lld: weights differ by %g (tolerance %g)",
          nb_dtype_name(dt), (long long)n, (long long)bs, d, tol);
    if (rc == NB_OK) {
        double ld = fabs(r1.train_loss[epochs] - r2.train_loss[epochs]);
        CHECK(ld <= tol * fmax(1, fabs(r2.train_loss[epochs])) * 10,
              "epoch loss %.17g vs %.17g", r1.train_loss[epochs], r2.train_loss[epochs]);
        CHECK(r1.epochs == r2.epochs, "epochs %d vs %d", r1.epochs, r2.epochs);
        if (r1.train_acc && r2.train_acc)
            CHECK(fabs(r1.train_acc[epochs] - r2.train_acc[epochs]) < 1e-12, "accuracy differs");
    }
    nb_train_record_free(&r1);
    nb_train_record_free(&r2);
    nb_optim_free(o1);
    nb_optim_free(o2);
    nb_model_free(net);
    nb_model_free(ref);
}

/* Checkpoint and resume across ranks: 2 epochs written by rank 0, then a
 * resumed run of 5 on every rank, against one process training 5 epochs
 * straight.  `dir` is the test's temporary folder (from check_mpi.sh). */
static void check_resume(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/resume.nbt", dir);
    nb_tensor *x, *y;
    make_data(NB_F64, 42, &x, &y, 0);
    nb_model *net = make_net(NB_F64, 5), *ref = make_net(NB_F64, 5);
    nb_optim *o1 = nb_adam_new(net, &(nb_adam_opts){.lr = 0.01});
    nb_optim *o2 = nb_adam_new(ref, &(nb_adam_opts){.lr = 0.01});
    nb_train_data d = {.x = x, .y = y};
    nb_train_opts opts = {.epochs = 2, .batch_size = 10, .seed = 5, .verbose = -1, .min_grad = -1,
                          .checkpoint = path};
    int rc = nb_dist_train(net, o1, nb_cross_entropy_loss, &d, &opts, NULL);
    CHECK(rc == NB_OK, "nb_dist_train of 2 epochs returned %d", rc);
    /* a collective: no rank reads the file before rank 0 has written it */
    CHECK(nb_dist_broadcast_params(net) == NB_OK, "sync");
    /* as after a restart: the weights and state come from the file */
    nb_tensor_fill(nb_model_params_flat(net), 0.25);
    CHECK(nb_optim_reset(o1) == NB_OK, "reset");
    opts.epochs = 5;
    opts.resume = true;
    rc = nb_dist_train(net, o1, nb_cross_entropy_loss, &d, &opts, NULL);
    CHECK(rc == NB_OK, "resumed nb_dist_train returned %d", rc);
    nb_train_opts plain = {.epochs = 5, .batch_size = 10, .seed = 5, .verbose = -1,
                           .min_grad = -1};
    rc = nb_train(ref, o2, nb_cross_entropy_loss, &d, &plain, NULL);
    CHECK(rc == NB_OK, "nb_train returned %d", rc);
    double diff = weight_diff(net, ref);
    CHECK(diff <= 1e-12, "resumed run: weights differ by %g from one uninterrupted process", diff);
    CHECK(nb_optim_steps(o1) == nb_optim_steps(o2), "steps %lld vs %lld",
          (long long)nb_optim_steps(o1), (long long)nb_optim_steps(o2));
    CHECK(nb_dist_broadcast_params(net) == NB_OK, "sync"); /* before the next run's writes */
    nb_optim_free(o1);
    nb_optim_free(o2);
    nb_model_free(net);
    nb_model_free(ref);
}

/* The explicit loop: sharded iterator + nb_dist_average_grads + SGD. */
static void check_explicit_loop(int size)
{
    int64_t bs = 4 * size, n = 3 * bs; /* equal slices */
    nb_tensor *x, *y;
    make_data(NB_F64, n, &x, &y, 0);
    nb_model *net = make_net(NB_F64, 4), *ref = make_net(NB_F64, 4);
    nb_optim *o1 = nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.1, .momentum = 0.9});
    nb_optim *o2 = nb_sgd_new(ref, &(nb_sgd_opts){.lr = 0.1, .momentum = 0.9});
    CHECK(nb_dist_broadcast_params(net) == NB_OK, "broadcast");
    nb_arena *step = nb_arena_new();
    nb_arena *prev = nb_arena_current();
    nb_batch_iter i1, i2;
    CHECK(nb_batch_iter_init(&i1, x, y, &(nb_batch_opts){.batch_size = bs, .shuffle = true,
                                                          .seed = 3, .num_shards = size,
                                                          .shard = rank}) == NB_OK, "iter");
    CHECK(nb_batch_iter_init(&i2, x, y, &(nb_batch_opts){.batch_size = bs, .shuffle = true,
                                                          .seed = 3}) == NB_OK, "iter");
    nb_arena_use(step);
    for (int epoch = 0; epoch < 3; epoch++) {
        nb_tensor *xb, *yb;
        while (nb_batch_next(&i1, &xb, &yb) == 1) {
            CHECK(nb_tensor_dim(xb, 0) == bs / size, "slice of %lld rows",
                  (long long)nb_tensor_dim(xb, 0));
            nb_optim_zero_grad(o1);
            nb_backward(nb_cross_entropy_loss(nb_model_forward(net, xb), yb, NB_REDUCE_MEAN), NULL);
            CHECK(nb_dist_average_grads(net) == NB_OK, "average");
            nb_optim_step(o1);
            CHECK(nb_batch_next(&i2, &xb, &yb) == 1, "reference batch");
            nb_optim_zero_grad(o2);
            nb_backward(nb_cross_entropy_loss(nb_model_forward(ref, xb), yb, NB_REDUCE_MEAN), NULL);
            nb_optim_step(o2);
            nb_arena_reset(step);
        }
        nb_batch_iter_reset(&i1);
        nb_batch_iter_reset(&i2);
    }
    nb_arena_use(prev);
    nb_arena_free(step);
    double d = weight_diff(net, ref);
    CHECK(d <= 1e-12, "explicit loop: weights differ by %g", d);
    nb_optim_free(o1);
    nb_optim_free(o2);
    nb_model_free(net);
    nb_model_free(ref);
}

/* Only rank 0 prints progress. */
static void check_progress(void)
{
    nb_tensor *x, *y;
    make_data(NB_F64, 20, &x, &y, 0);
    nb_model *net = make_net(NB_F64, 3);
    nb_optim *o = nb_sgd_new(net, NULL);
    FILE *out = tmpfile();
    CHECK(out != NULL, "tmpfile");
    if (!out)
        return;
    int rc = nb_dist_train(net, o, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = y},
                           &(nb_train_opts){.epochs = 3, .verbose = 1, .out = out}, NULL);
    CHECK(rc == NB_OK, "nb_dist_train returned %d", rc);
    long len = ftell(out);
    CHECK(rank == 0 ? len > 0 : len == 0, "rank %d wrote %ld bytes of progress", rank, len);
    fclose(out);
    nb_optim_free(o);
    nb_model_free(net);
}

/* Misuse: a preset parallel field; models that differ between the ranks
 * (an error on every rank, not a hang). */
static void check_errors(int size)
{
    nb_tensor *x, *y;
    make_data(NB_F64, 8, &x, &y, 0);
    nb_model *net = make_net(NB_F64, 3);
    nb_optim *o = nb_sgd_new(net, NULL);
    nb_train_parallel par = {0};
    int rc = nb_dist_train(net, o, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = y},
                           &(nb_train_opts){.parallel = &par}, NULL);
    CHECK(rc == NB_ERR_ARG && strstr(nb_last_error(), "nb_dist_train: opts->parallel"),
          "preset parallel: %d", rc);
    CHECK(nb_dist_broadcast_params(NULL) == NB_ERR_NULL, "NULL model");
    CHECK(nb_dist_average_grads(NULL) == NB_ERR_NULL, "NULL model");
    if (size > 1) {
        nb_model *odd = make_net(NB_F64, rank == 1 ? 4 : 3);
        rc = nb_dist_broadcast_params(odd);
        CHECK(rc == NB_ERR_SHAPE && strstr(nb_last_error(), "the ranks' models differ"),
              "different models: %d", rc);
        nb_model_free(odd);
    }
    nb_optim_free(o);
    nb_model_free(net);
}

/* The fault run (check_mpi.sh --kill): rank 1 dies by SIGKILL in its third
 * epoch; the others must stop, with an error or ended by mpirun, not hang. */
static int kill_at_epoch(int epoch, const nb_train_record *record, void *ctx)
{
    (void)record;
    (void)ctx;
    if (rank == 1 && epoch == 3) {
        fprintf(stderr, "rank 1: killing itself in epoch 3\n");
        raise(SIGKILL);
    }
    return 0;
}

static int fault_run(void)
{
    nb_dist_set_timeout(5);
    nb_tensor *x, *y;
    make_data(NB_F64, 400, &x, &y, 0);
    nb_model *net = make_net(NB_F64, 8);
    nb_optim *o = nb_sgd_new(net, NULL);
    int rc = nb_dist_train(net, o, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = y},
                           &(nb_train_opts){.epochs = 1000000, .batch_size = 4, .verbose = -1,
                                            .min_grad = -1, .callback = kill_at_epoch}, NULL);
    fprintf(stderr, "rank %d: nb_dist_train returned %d: %s\n", rank, rc, nb_last_error());
    return rc < 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
    CHECK(nb_dist_available(), "built with MPI");
    CHECK(nb_dist_rank() == NB_ERR_STATE, "rank before init");
    if (nb_dist_init(&argc, &argv) < 0) {
        fprintf(stderr, "nb_dist_init: %s\n", nb_last_error());
        return 1;
    }
    CHECK(nb_dist_init(&argc, &argv) == NB_OK, "second init is a no-op");
    rank = nb_dist_rank();
    int size = nb_dist_size();
    CHECK(rank >= 0 && size >= 1 && rank < size, "rank %d of %d", rank, size);
    nb_arena *data = nb_arena_new();
    nb_arena_use(data);
    if (argc > 1 && strcmp(argv[1], "--kill") == 0)
        return fault_run(); /* no finalize: a peer is gone */
    /* 42 rows in batches of 10: a last batch of 2 leaves 4 ranks' slices empty */
    check_train(NB_F64, 42, 10, 4, 0);
    check_train(NB_F64, 40, 0, 5, 1); /* full batch */
    check_train(NB_F32, 42, 10, 4, 0);
    check_train(NB_F32, 37, 8, 3, 1);
    check_explicit_loop(size);
    if (argc > 2 && strcmp(argv[1], "--dir") == 0)
        check_resume(argv[2]);
    check_progress();
    check_errors(size);
    nb_arena_use(NULL);
    nb_arena_free(data);
    CHECK(nb_dist_finalize() == NB_OK, "finalize");
    CHECK(nb_dist_rank() == NB_ERR_STATE, "rank after finalize");
    printf("rank %d of %d: %d checks, %d failed\n", rank, size, checks, failures);
    return failures ? 1 : 0;
}
