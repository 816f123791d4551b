/* The distributed module under mpirun (tests/check_mpi.sh starts it on 1, 2
 * and 4 ranks): data-parallel training must give the weights one process
 * gives on the global batches.  Each rank trains a model with the
 * distributed API and a copy with plain nb_train (one process, all rows),
 * from the same start, and compares them: f64 within 1e-12, f32 within 1e-5
 * relative; so too Levenberg-Marquardt and trainbr (nb_dist_trainlm against
 * nb_trainlm on all the rows: weights and records); with `--dir DIR`, also a run resumed from a checkpoint in DIR
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

/* A docs/errors.md entry checked here: with NB_ERRORS_SHOW set, rank 0
 * (rank 1 for `on1`) prints its number, status and message, as the
 * catalogue quotes them. */
static void show_entry(const char *entry, bool on1)
{
    if (getenv("NB_ERRORS_SHOW") && rank == (on1 ? 1 : 0))
        printf("%s | %d | %s\n", entry, nb_last_status(), nb_last_error());
}

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

/* A regression set for Levenberg-Marquardt: n rows of 3 features, 2
 * smooth targets (offset by `shift` for other sets). */
static void make_fit(nb_dtype dt, int64_t n, double shift, nb_tensor **x, nb_tensor **y)
{
    double *xs = malloc((size_t)n * 3 * sizeof *xs), *ys = malloc((size_t)n * 2 * sizeof *ys);
    for (int64_t i = 0; i < n; i++) {
        double u = shift + 0.37 * (double)i;
        for (int j = 0; j < 3; j++)
            xs[i * 3 + j] = sin(u + 0.9 * j);
        ys[i * 2] = 0.5 * sin(2 * u) + 0.2 * xs[i * 3];
        ys[i * 2 + 1] = cos(u) * xs[i * 3 + 1];
    }
    nb_tensor *tx = nb_from_f64(xs, NB_SHAPE(n, 3)), *ty = nb_from_f64(ys, NB_SHAPE(n, 2));
    *x = dt == NB_F64 ? tx : nb_cast(tx, dt);
    *y = dt == NB_F64 ? ty : nb_cast(ty, dt);
    free(xs);
    free(ys);
}

static nb_model *make_fit_net(nb_dtype dt)
{
    int64_t sizes[] = {3, 5, 2};
    return nb_bpnet_new(sizes, 3, NULL, &(nb_bpnet_opts){.dtype = dt, .seed = 3});
}

/* |a - b| within tol relative to max(1, |b|), or both absent. */
static bool near(double a, double b, double tol)
{
    return a == b || fabs(a - b) <= tol * fmax(1, fabs(b));
}

/* One record field, epoch by epoch. */
static void check_series(const char *what, const double *a, const double *b, int n, double tol)
{
    CHECK(!a == !b, "%s: present on one side only", what);
    if (!a || !b)
        return;
    for (int i = 0; i < n; i++)
        CHECK(near(a[i], b[i], tol), "%s[%d]: %.17g vs %.17g", what, i, a[i], b[i]);
}

/* nb_dist_trainlm / nb_dist_trainbr against nb_trainlm / nb_trainbr on all
 * the rows: the same weights after `epochs`, and the same record (perf,
 * validation and test perf, gradient, mu; trainbr's gamma, ssx, alpha and
 * beta).  37 training rows, 11 validation and 9 test: uneven slices. */
/* The hooks of a run in one process: there is nothing to add. */
static int sum_alone(double *v, int64_t n, void *ctx)
{
    (void)v, (void)n, (void)ctx;
    return 0;
}

static int sum_pairs_alone(double *hi, double *lo, int64_t n, void *ctx)
{
    (void)hi, (void)lo, (void)n, (void)ctx;
    return 0;
}

static void check_lm(nb_dtype dt, bool br, int epochs, bool sets)
{
    const char *name = br ? "trainbr" : "trainlm";
    nb_tensor *x, *y, *vx = NULL, *vy = NULL, *tx = NULL, *ty = NULL;
    make_fit(dt, 37, 0, &x, &y);
    if (sets) {
        make_fit(dt, 11, 0.11, &vx, &vy);
        make_fit(dt, 9, 0.23, &tx, &ty);
    }
    nb_model *net = make_fit_net(dt), *ref = make_fit_net(dt);
    CHECK(net && ref && x && y, "set-up");
    if (rank > 0) /* the broadcast must give every rank rank 0's start */
        nb_tensor_fill(nb_model_params_flat(net), 0.5);
    nb_train_data d = {.x = x, .y = y, .val_x = vx, .val_y = vy, .test_x = tx, .test_y = ty};
    /* max_fail -1: the runs go the full `epochs`, so the weights at the
     * last epoch are compared, not those of the best */
    nb_trainlm_opts o = {.epochs = epochs, .verbose = -1, .min_grad = -1, .max_fail = -1};
    nb_train_record r1, r2;
    int rc = br ? nb_dist_trainbr(net, &d, &o, &r1) : nb_dist_trainlm(net, &d, &o, &r1);
    CHECK(rc == NB_OK, "nb_dist_%s returned %d", name, rc);
    /* The reference: one process summing as the ranks do (double-doubles,
     * through hooks that have nothing to add), so only the split of the rows
     * differs; and one process as nb_trainlm runs by default (J'J by GEMM, or
     * the J J' form), whose plain sums round differently, so it agrees to a
     * looser bound. */
    nb_lm_parallel alone = {.sum = sum_alone, .sum_pairs = sum_pairs_alone};
    nb_trainlm_opts oa = o;
    oa.parallel = &alone;
    int rc2 = br ? nb_trainbr(ref, &d, &oa, &r2) : nb_trainlm(ref, &d, &oa, &r2);
    CHECK(rc2 == NB_OK, "nb_%s returned %d", name, rc2);
    double tol = dt == NB_F64 ? 1e-12 : 1e-5;
    double w = weight_diff(net, ref);
    CHECK(w <= tol, "%s %s: weights differ by %g after %d epochs (tolerance %g)", name,
          nb_dtype_name(dt), w, epochs, tol);
    nb_model *plain = make_fit_net(dt);
    CHECK(plain != NULL, "set-up");
    if (plain) {
        int rc3 = br ? nb_trainbr(plain, &d, &o, NULL) : nb_trainlm(plain, &d, &o, NULL);
        double wp = rc3 == NB_OK ? weight_diff(net, plain) : 1;
        double loose = dt == NB_F64 ? 1e-6 : 1e-4;
        CHECK(wp <= loose, "%s %s: weights differ from the one-process default by %g (bound %g)",
              name, nb_dtype_name(dt), wp, loose);
        nb_model_free(plain);
    }
    if (rc == NB_OK && rc2 == NB_OK) {
        CHECK(r1.epochs == r2.epochs && r1.stop == r2.stop, "%s: %d epochs (stop %d) vs %d (%d)",
              name, r1.epochs, r1.stop, r2.epochs, r2.stop);
        int n = (r1.epochs < r2.epochs ? r1.epochs : r2.epochs) + 1;
        check_series("perf", r1.train_loss, r2.train_loss, n, tol);
        check_series("vperf", r1.val_loss, r2.val_loss, n, tol);
        check_series("tperf", r1.test_loss, r2.test_loss, n, tol);
        check_series("gradient", r1.gradient, r2.gradient, n, tol);
        check_series("mu", r1.mu, r2.mu, n, tol);
        check_series("gamma", r1.gamma, r2.gamma, n, tol);
        check_series("ssx", r1.ssx, r2.ssx, n, tol);
        check_series("alpha", r1.alpha, r2.alpha, n, tol);
        check_series("beta", r1.beta, r2.beta, n, tol);
        CHECK(r1.best_epoch == r2.best_epoch, "best epoch %d vs %d", r1.best_epoch, r2.best_epoch);
    }
    nb_train_record_free(&r1);
    nb_train_record_free(&r2);
    nb_model_free(net);
    nb_model_free(ref);
}

/* Levenberg-Marquardt's misuses across ranks: a preset parallel field, a
 * set with fewer rows than ranks, and one rank that cannot start (its
 * memory bound): that rank's own error, and an error, not a wait, on the
 * others. */
static void check_lm_errors(int size)
{
    nb_tensor *x, *y;
    make_fit(NB_F64, 12, 0, &x, &y);
    nb_model *net = make_fit_net(NB_F64);
    nb_train_data d = {.x = x, .y = y};
    nb_lm_parallel par = {0};
    int rc = nb_dist_trainlm(net, &d, &(nb_trainlm_opts){.parallel = &par}, NULL);
    show_entry("E364", false);
    CHECK(rc == NB_ERR_ARG && strstr(nb_last_error(), "nb_dist_trainlm: opts->parallel is set"),
          "preset parallel: %d", rc);
    if (size > 1) {
        nb_tensor *vx, *vy;
        make_fit(NB_F64, 1, 0, &vx, &vy);
        rc = nb_dist_trainbr(net, &(nb_train_data){.x = x, .y = y, .val_x = vx, .val_y = vy},
                             &(nb_trainlm_opts){.epochs = 2, .verbose = -1}, NULL);
        show_entry("E365", false);
        CHECK(rc == NB_ERR_ARG && strstr(nb_last_error(), "nb_dist_trainbr: data->val_x has 1 "
                                         "rows, fewer than the"),
              "too few rows: %d", rc);
        nb_trainlm_opts o = {.epochs = 2, .verbose = -1, .max_bytes = rank == 1 ? 64 : 0};
        rc = nb_dist_trainlm(net, &d, &o, NULL);
        show_entry("E366", false);
        if (rank == 1)
            CHECK(rc == NB_ERR_NOMEM && strstr(nb_last_error(), "nb_dist_trainlm: the Jacobian"),
                  "rank 1's memory bound: %d", rc);
        else
            CHECK(rc == NB_ERR_STATE && strstr(nb_last_error(), "nb_dist_trainlm: 1 of the "
                                               "processes failed to start"),
                  "the other ranks: %d", rc);
    }
    nb_model_free(net);
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
    show_entry("E361", false);
    CHECK(rc == NB_ERR_ARG && strstr(nb_last_error(), "nb_dist_train: opts->parallel is set; "
                                     "leave it NULL, this function fills it"),
          "preset parallel: %d", rc);
    rc = nb_dist_broadcast_params(NULL);
    show_entry("E362", false);
    CHECK(rc == NB_ERR_NULL && strcmp(nb_last_error(), "nb_dist_broadcast_params: model is "
                                      "NULL") == 0, "NULL model: %d", rc);
    CHECK(nb_dist_average_grads(NULL) == NB_ERR_NULL, "NULL model");
    if (size > 1) {
        nb_model *odd = make_net(NB_F64, rank == 1 ? 4 : 3);
        rc = nb_dist_broadcast_params(odd);
        show_entry("E363", false);
        CHECK(rc == NB_ERR_SHAPE && strstr(nb_last_error(), "nb_dist_broadcast_params: the "
                                           "ranks' models differ"),
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
    check_lm(NB_F64, false, 8, true);
    check_lm(NB_F64, true, 8, true);
    check_lm(NB_F64, false, 5, false);
    check_lm(NB_F32, false, 5, true);
    check_lm_errors(size);
    if (argc > 2 && strcmp(argv[1], "--dir") == 0)
        check_resume(argv[2]);
    check_progress();
    check_errors(size);
    nb_arena_use(NULL);
    nb_arena_free(data);
    CHECK(nb_dist_finalize() == NB_OK, "finalize");
    CHECK(nb_dist_rank() == NB_ERR_STATE, "rank after finalize");
    /* nb_dist_init started MPI, so finalize ended it: no second start */
    int rc = nb_dist_init(NULL, NULL);
    show_entry("E368", false);
    CHECK(rc == NB_ERR_STATE && strstr(nb_last_error(), "nb_dist_init: MPI was already "
                                       "finalised; it cannot start again"),
          "init after finalize: %d", rc);
    printf("rank %d of %d: %d checks, %d failed\n", rank, size, checks, failures);
    return failures ? 1 : 0;
}
