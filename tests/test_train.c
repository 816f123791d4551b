/* nabla: tests of the training loop — XOR to a low MSE from a fixed seed,
 * no system allocation in steady-state steps, early stopping that restores
 * the best weights, stop reasons, classification accuracy, bad inputs. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"

#include "malloc_count.h" /* sys_mallocs: every malloc of the library, too */

/* Chunks requested by arenas made with this allocator. */
static long arena_chunks;
static void *count_alloc(size_t bytes, void *ctx)
{
    (void)ctx;
    arena_chunks++;
    return malloc(bytes);
}
static void count_release(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}
static const nb_allocator counting = {count_alloc, count_release, NULL};

static const double xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1};
static const double xor_y[] = {0, 1, 1, 0};

START_TEST(test_xor_trains)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 4, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_optim *opt = nb_rprop_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    nb_train_record rec;
    int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y},
                      &(nb_train_opts){.epochs = 1000, .goal = 1e-3, .verbose = -1}, &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_int_lt(rec.epochs, 1000);
    double mse, acc;
    ck_assert_int_eq(nb_model_evaluate(net, nb_mse_loss, x, y, &mse, &acc), NB_OK);
    ck_assert_msg(mse < 0.01, "XOR mse %g after %d epochs", mse, rec.epochs);
    ck_assert_double_eq(acc, 1.0);
    ck_assert(rec.train_loss[0] > rec.train_loss[rec.epochs]);
    ck_assert_str_eq(nb_stop_reason_name(rec.stop), "performance goal met");
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* After the first iteration, forward + backward + step on a fixed model
 * allocates nothing: no arena asks for a chunk, nothing calls malloc. */
START_TEST(test_steady_state_does_not_allocate)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 8, 8, 1}, 4, NULL,
                                 &(nb_bpnet_opts){.seed = 3, .allocator = &counting});
    nb_optim *opts[3] = {nb_adam_new(net, NULL), nb_sgd_new(net, &(nb_sgd_opts){.momentum = 0.9}),
                         nb_rprop_new(net, NULL)};
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.allocator = &counting});
    nb_arena *data = nb_arena_new_opts(&(nb_arena_opts){.allocator = &counting});
    nb_arena_use(data);
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(64, 2), -1, 1);
    nb_tensor *y = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(64, 1), -1, 1);
    nb_arena_use(step);
    for (int k = 0; k < 3; k++) {
        long chunks = 0, mallocs = 0;
        int failures = 0;
        /* no ck_assert inside the loop: Check itself allocates on each one */
        for (int it = 0; it < 20; it++) {
            if (it == 1) {
                chunks = arena_chunks;
                mallocs = sys_mallocs;
            }
            failures += nb_optim_zero_grad(opts[k]) != NB_OK;
            nb_tensor *loss = nb_mse_loss(nb_model_forward(net, x), y, NB_REDUCE_MEAN);
            failures += !loss || nb_backward(loss, NULL) != NB_OK;
            failures += nb_optim_step(opts[k]) != NB_OK;
            nb_arena_reset(step);
        }
        long chunks_after = arena_chunks, mallocs_after = sys_mallocs;
        ck_assert_msg(failures == 0, "%s", nb_last_error());
        ck_assert_int_eq(chunks_after, chunks);
        ck_assert_int_eq(mallocs_after, mallocs);
        nb_optim_free(opts[k]);
    }
    nb_arena_use(test_arena);
    nb_arena_free(step);
    nb_arena_free(data);
    nb_model_free(net);
}
END_TEST

/* nb_train reaches the model only through nabla/nn.h: its arenas come from
 * the allocator nb_model_allocator reports, the one given to the model. */
START_TEST(test_train_arenas_use_the_model_allocator)
{
    ck_assert_ptr_null(nb_model_allocator(NULL));
    nb_model *plain = nb_bpnet_new((const int64_t[]){2, 1}, 2, NULL, NULL);
    ck_assert_ptr_null(nb_model_allocator(plain));
    nb_model_free(plain);
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 4, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1,
                                                  .allocator = &counting});
    const nb_allocator *al = nb_model_allocator(net);
    ck_assert_ptr_nonnull(al);
    ck_assert(al->alloc == count_alloc && al->release == count_release);
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    long before = arena_chunks;
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y},
                              &(nb_train_opts){.epochs = 2, .verbose = -1}, NULL),
                     NB_OK);
    ck_assert_int_ge(arena_chunks - before, 2); /* the train and step arenas */
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* Train on y = 2x, validate on y = x: starting from w = 0 the validation
 * loss falls while w approaches 1, then rises.  Training must stop max_fail
 * epochs after the best one and hand back that epoch's weights. */
typedef struct weight_log {
    double w[64];
} weight_log;

static int log_weight(int epoch, const nb_train_record *r, void *ctx)
{
    (void)r;
    weight_log *log = ctx;
    extern nb_model *g_model;
    if (epoch < 64)
        log->w[epoch] = nb_tensor_get(nb_model_param(g_model, "layer1.weight"), 0);
    return 0;
}
nb_model *g_model;

START_TEST(test_early_stopping_restores_best)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){1, 1}, 2, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .init = NB_INIT_ZEROS});
    g_model = net;
    ck_assert_double_eq(nb_tensor_get(nb_model_param(net, "layer1.weight"), 0), 0);
    nb_optim *opt = nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.05});
    const double xs[] = {-1, -0.5, 0.5, 1};
    double y2[4], y1[4];
    for (int i = 0; i < 4; i++) {
        y2[i] = 2 * xs[i];
        y1[i] = xs[i];
    }
    nb_train_data d = {.x = nb_from_f64(xs, NB_SHAPE(4, 1)), .y = nb_from_f64(y2, NB_SHAPE(4, 1)),
                       .val_x = nb_from_f64(xs, NB_SHAPE(4, 1)),
                       .val_y = nb_from_f64(y1, NB_SHAPE(4, 1))};
    weight_log log = {{0}};
    nb_train_record rec;
    int rc = nb_train(net, opt, nb_mse_loss, &d,
                      &(nb_train_opts){.epochs = 60, .verbose = -1, .callback = log_weight,
                                       .callback_ctx = &log},
                      &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(rec.stop, NB_STOP_VAL_FAIL);
    ck_assert_int_gt(rec.best_epoch, 0);
    ck_assert_int_eq(rec.epochs, rec.best_epoch + 6);
    /* the best epoch has the smallest validation loss, and it is kept */
    for (int e = 0; e <= rec.epochs; e++)
        ck_assert(rec.val_loss[e] >= rec.val_loss[rec.best_epoch]);
    double w = nb_tensor_get(nb_model_param(net, "layer1.weight"), 0);
    ck_assert_double_eq(w, log.w[rec.best_epoch]);
    ck_assert(log.w[rec.epochs] != w);
    /* and that is near 1, the validation set's slope */
    ck_assert(fabs(w - 1) < 0.2);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

static int stop_at_3(int epoch, const nb_train_record *r, void *ctx)
{
    (void)r;
    (void)ctx;
    return epoch == 3;
}

START_TEST(test_stop_reasons_and_record)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    nb_train_data d = {.x = x, .y = y, .test_x = x, .test_y = y};
    nb_train_record rec;
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.verbose = -1, .callback = stop_at_3}, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_CALLBACK);
    ck_assert_int_eq(rec.epochs, 3);
    ck_assert_ptr_null(rec.val_loss);
    ck_assert_ptr_nonnull(rec.test_loss);
    ck_assert_ptr_null(rec.train_acc);
    /* epoch 0 is the loss before training: evaluated independently */
    double l0 = rec.train_loss[0];
    nb_train_record_free(&rec);

    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.epochs = 5, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_EPOCHS);
    ck_assert_int_eq(rec.epochs, 5);
    ck_assert(rec.train_loss[0] < l0);
    nb_train_record_free(&rec);

    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.epochs = 5, .min_grad = 1e9, .verbose = -1}, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_MIN_GRAD);
    ck_assert_int_eq(rec.epochs, 1);
    ck_assert(rec.grad_norm > 0);
    nb_train_record_free(&rec);

    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.goal = 1e9, .verbose = -1}, &rec), NB_OK);
    ck_assert_int_eq(rec.stop, NB_STOP_GOAL);
    ck_assert_int_eq(rec.epochs, 0);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* Minibatches with a seeded shuffle: the same seed gives the same weights;
 * class labels (1-D) with a cross-entropy loss give an accuracy. */
static nb_model *train_blobs(uint64_t seed, nb_train_record *rec)
{
    /* three clusters in the plane */
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    double xs[90 * 2], ls[90];
    const double cx[3] = {-2, 2, 0}, cy[3] = {0, 0, 2.5};
    for (int i = 0; i < 90; i++) {
        int c = i % 3;
        xs[2 * i] = cx[c] + 0.3 * nb_rng_normal(&rng);
        xs[2 * i + 1] = cy[c] + 0.3 * nb_rng_normal(&rng);
        ls[i] = c;
    }
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 6, 3}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 4});
    nb_optim *opt = nb_adam_new(net, &(nb_adam_opts){.lr = 0.05});
    nb_train_data d = {.x = nb_from_f64(xs, NB_SHAPE(90, 2)), .y = nb_from_f64(ls, NB_SHAPE(90))};
    int rc = nb_train(net, opt, nb_cross_entropy_loss, &d,
                      &(nb_train_opts){.epochs = 40, .batch_size = 16, .seed = seed,
                                       .verbose = -1, .min_grad = -1},
                      rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    nb_optim_free(opt);
    return net;
}

START_TEST(test_minibatches_and_accuracy)
{
    nb_train_record r1, r2, r3;
    nb_model *a = train_blobs(5, &r1), *b = train_blobs(5, &r2), *c = train_blobs(6, &r3);
    ck_assert_int_eq(r1.epochs, 40);
    ck_assert_ptr_nonnull(r1.train_acc);
    ck_assert_double_eq(r1.train_acc[40], 1.0);
    ck_assert(r1.train_acc[0] < 0.9);
    nb_tensor *fa = nb_model_params_flat(a), *fb = nb_model_params_flat(b),
              *fc = nb_model_params_flat(c);
    int same_c = 1;
    for (int64_t i = 0; i < nb_tensor_numel(fa); i++) {
        ck_assert_double_eq(nb_tensor_get(fa, i), nb_tensor_get(fb, i));
        same_c &= nb_tensor_get(fa, i) == nb_tensor_get(fc, i);
    }
    ck_assert(!same_c);
    nb_train_record_free(&r1);
    nb_train_record_free(&r2);
    nb_train_record_free(&r3);
    nb_model_free(a);
    nb_model_free(b);
    nb_model_free(c);
}
END_TEST

/* The rows of every training minibatch, in the order nb_train visits them
 * (the loss also sees the whole set once, for epoch 0: not recorded). */
enum { SEEN_ROWS = 7, SEEN_MAX = 64 };
static double seen_rows[SEEN_MAX];
static int n_seen;
static nb_tensor *recording_mse(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    for (int64_t i = 0; nb_tensor_dim(target, 0) != SEEN_ROWS && i < nb_tensor_dim(target, 0); i++)
        if (n_seen < SEEN_MAX)
            seen_rows[n_seen++] = nb_tensor_get(target, i);
    return nb_mse_loss(pred, target, red);
}

/* nb_train takes its minibatches from the io layer's iterator: over several
 * epochs it visits exactly the rows an nb_batch_iter with the same batch
 * size and seed gives, shuffled or not (the training loop had a shuffle of
 * its own, which drew other orders after the first epoch). */
START_TEST(test_train_batches_are_the_iterators)
{
    double xs[SEEN_ROWS], ys[SEEN_ROWS];
    for (int i = 0; i < SEEN_ROWS; i++) {
        xs[i] = 0.1 * i;
        ys[i] = i;
    }
    nb_tensor *x = nb_from_f64(xs, NB_SHAPE(SEEN_ROWS, 1));
    nb_tensor *y = nb_from_f64(ys, NB_SHAPE(SEEN_ROWS, 1));
    for (int shuffle = 0; shuffle <= 1; shuffle++) {
        nb_model *net = nb_bpnet_new((const int64_t[]){1, 1}, 2, NULL,
                                     &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
        nb_optim *opt = nb_sgd_new(net, &(nb_sgd_opts){.lr = 1e-3});
        n_seen = 0;
        ck_assert_int_eq(nb_train(net, opt, recording_mse, &(nb_train_data){.x = x, .y = y},
                                  &(nb_train_opts){.epochs = 3, .batch_size = 3, .seed = 42,
                                                   .no_shuffle = !shuffle, .min_grad = -1,
                                                   .verbose = -1},
                                  NULL),
                         NB_OK);
        ck_assert_int_eq(n_seen, 3 * SEEN_ROWS);
        nb_batch_iter it;
        ck_assert_int_eq(nb_batch_iter_init(&it, x, y,
                                            &(nb_batch_opts){.batch_size = 3, .seed = 42,
                                                             .shuffle = shuffle}),
                         NB_OK);
        int k = 0;
        for (int e = 0; e < 3; e++) {
            nb_tensor *xb, *yb;
            while (nb_batch_next(&it, &xb, &yb) == 1)
                for (int64_t i = 0; i < nb_tensor_dim(yb, 0); i++, k++)
                    ck_assert_msg(nb_tensor_get(yb, i) == seen_rows[k],
                                  "shuffle %d, epoch %d: row %d is %g in nb_train, %g in the "
                                  "iterator", shuffle, e + 1, k, seen_rows[k], nb_tensor_get(yb, i));
            ck_assert_int_eq(nb_batch_iter_reset(&it), NB_OK);
        }
        ck_assert_int_eq(k, 3 * SEEN_ROWS);
        if (!shuffle)
            for (k = 0; k < 3 * SEEN_ROWS; k++)
                ck_assert_double_eq(seen_rows[k], k % SEEN_ROWS);
        nb_optim_free(opt);
        nb_model_free(net);
    }
}
END_TEST

static nb_tensor *vector_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    (void)red;
    return nb_sub(pred, target);
}

/* a loss that breaks on its third call (epoch 1's first minibatch after
 * the starting point's evaluation) with an op's own error */
static int calls_before_break;
static nb_tensor *breaking_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    if (--calls_before_break < 0)
        return nb_mse_loss(pred, nb_transpose(target), red); /* 4x1 against 1x4 */
    return nb_mse_loss(pred, target, red);
}

/* A failure inside the loop (an op of the model or loss) is reported as
 * nb_train's, with where it happened, and keeps the op's own words. */
START_TEST(test_failure_inside_names_nb_train)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    nb_train_opts q = {.epochs = 3, .verbose = -1};
    calls_before_break = 1; /* the starting point's evaluation only */
    ck_assert_int_eq(nb_train(net, opt, breaking_loss, &(nb_train_data){.x = x, .y = y}, &q, NULL),
                     NB_ERR_SHAPE);
    ck_assert_str_eq(nb_last_error(), "nb_train: epoch 1: mse_loss: pred is 4x1 but target is 1x4; "
                     "the shapes must be equal (reshape one of them; class labels need a one-hot "
                     "encoding or a cross-entropy loss)");
    calls_before_break = 0;
    ck_assert_int_eq(nb_train(net, opt, breaking_loss, &(nb_train_data){.x = x, .y = y}, &q, NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_train: evaluating the starting point: mse_loss: pred is 4x1");
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

START_TEST(test_bad_inputs)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    nb_model *other = nb_bpnet_new((const int64_t[]){2, 1}, 2, NULL, NULL);
    nb_optim *opt = nb_sgd_new(net, NULL), *oopt = nb_sgd_new(other, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    nb_train_opts q = {.epochs = 2, .verbose = -1};
    nb_train_record rec;
    ck_assert_int_eq(nb_train(NULL, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y}, &q, &rec),
                     NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "model is NULL");
    ck_assert_int_eq(rec.stop, NB_STOP_NONE);
    ck_assert_int_eq(nb_train(net, opt, NULL, &(nb_train_data){.x = x, .y = y}, &q, &rec), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "loss is NULL");
    ck_assert_int_eq(nb_train(net, oopt, nb_mse_loss, &(nb_train_data){.x = x, .y = y}, &q, &rec),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "another model");
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = NULL}, &q, &rec),
                     NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "data->y is NULL");
    nb_tensor *y3 = nb_zeros(NB_F64, NB_SHAPE(3, 1));
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y3}, &q, &rec),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "one row per sample");
    nb_tensor *yt = nb_zeros(NB_F64, NB_SHAPE(1, 4));
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = yt}, &q, &rec),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "transpose the targets?");
    nb_tensor *x32 = nb_zeros(NB_F32, NB_SHAPE(4, 2));
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x32, .y = y}, &q, &rec),
                     NB_ERR_DTYPE);
    ck_assert_error(NB_ERR_DTYPE, "the model is f64");
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y, .val_x = x}, &q, &rec),
                     NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "both val_x and val_y");
    ck_assert_int_eq(nb_train(net, opt, vector_loss, &(nb_train_data){.x = x, .y = y}, &q, &rec),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "must be one number");
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y},
                              &(nb_train_opts){.batch_size = -2}, &rec), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "batch_size is -2; expected an integer >= 0");
    /* a wrong-shaped model input is reported by forward, naming the layer's needs */
    nb_tensor *x3 = nb_zeros(NB_F64, NB_SHAPE(4, 3));
    ck_assert_int_lt(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x3, .y = y}, &q, NULL), 0);
    ck_assert_error(NB_ERR_SHAPE, "expects N x 2");
    ck_assert_int_lt(nb_model_evaluate(net, nb_mse_loss, x, NULL, NULL, NULL), 0);
    nb_optim_free(opt);
    nb_optim_free(oopt);
    nb_model_free(net);
    nb_model_free(other);
}
END_TEST

/* nb_train's options are checked like the optimizers': a NaN or infinite
 * goal or min_grad, and integer options outside their ranges, are refused
 * before anything runs (a NaN goal used to be taken: no epoch ever met it). */
START_TEST(test_train_options_out_of_range)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    nb_train_data d = {.x = x, .y = y};
    nb_tensor *before = nb_detach(nb_model_params_flat(net));
    nb_train_record rec;
    struct {
        nb_train_opts o;
        const char *msg;
    } cases[] = {
        {{.goal = NAN}, "nb_train: goal is nan; expected a finite number >= 0"},
        {{.goal = -NAN}, "nb_train: goal is nan; expected a finite number >= 0"},
        {{.goal = INFINITY}, "nb_train: goal is inf; expected a finite number >= 0"},
        {{.goal = -1e-3}, "nb_train: goal is -0.001; expected a finite number >= 0"},
        {{.min_grad = NAN}, "nb_train: min_grad is nan; expected a finite number"},
        {{.min_grad = INFINITY}, "nb_train: min_grad is inf; expected a finite number"},
        {{.min_grad = -INFINITY}, "nb_train: min_grad is -inf; expected a finite number"},
        {{.epochs = -1}, "nb_train: epochs is -1; expected an integer >= 0"},
        {{.batch_size = -2}, "nb_train: batch_size is -2; expected an integer >= 0"},
        {{.show = -5}, "nb_train: show is -5; expected an integer >= 0"},
        {{.verbose = 2}, "nb_train: verbose is 2; expected -1, 0 or 1"},
        {{.classification = -2}, "nb_train: classification is -2; expected -1, 0 or 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nb_clear_error();
        cases[i].o.epochs = cases[i].o.epochs ? cases[i].o.epochs : 2;
        if (cases[i].o.verbose == 0)
            cases[i].o.verbose = -1;
        ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d, &cases[i].o, &rec), NB_ERR_ARG);
        ck_assert_error(NB_ERR_ARG, cases[i].msg);
        ck_assert_int_eq(rec.stop, NB_STOP_NONE);
        ck_assert_int_eq(nb_optim_steps(opt), 0);
    }
    ck_assert_tensor_near(nb_model_params_flat(net), nb_tensor_data_f64(before), nb_tensor_numel(before), 0);
    /* a negative min_grad (never stop on it) and max_fail (never stop early) are valid */
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.epochs = 2, .min_grad = -1, .max_fail = -1,
                                               .verbose = -1},
                              &rec),
                     NB_OK);
    ck_assert_int_eq(rec.epochs, 2);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* The data-parallel hooks (nb_train_opts.parallel) as nb_train calls them,
 * on "rank 1 of 3" with fake hooks: one reduce_grads per global batch with
 * the slice's rows and the batch's, an empty slice included; one sum per
 * epoch; and a parallel of size 1 changes nothing. */
typedef struct fake_par {
    int reduces, sums;
    int64_t rows[8], totals[8];
} fake_par;
static int fake_reduce(nb_model *model, int64_t rows, int64_t total, void *ctx)
{
    (void)model;
    fake_par *f = ctx;
    if (f->reduces < 8) {
        f->rows[f->reduces] = rows;
        f->totals[f->reduces] = total;
    }
    f->reduces++;
    return 0;
}
static int fake_sum(double *v, int n, void *ctx)
{
    (void)v;
    ck_assert_int_eq(n, 2);
    ((fake_par *)ctx)->sums++;
    return 0;
}
START_TEST(test_train_parallel_hooks)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_model *ref = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_optim *opt = nb_sgd_new(net, NULL), *ropt = nb_sgd_new(ref, NULL);
    double xs[14], ys[7];
    for (int i = 0; i < 7; i++) {
        xs[2 * i] = i;
        xs[2 * i + 1] = 1.0 / (i + 1);
        ys[i] = i % 2;
    }
    nb_tensor *x = nb_from_f64(xs, NB_SHAPE(7, 2)), *y = nb_from_f64(ys, NB_SHAPE(7, 1));
    nb_train_data d = {.x = x, .y = y};
    fake_par f = {0};
    nb_train_parallel par = {.rank = 1, .size = 3, .reduce_grads = fake_reduce, .sum = fake_sum,
                             .ctx = &f};
    /* 7 rows in batches of 3: 3, 3, 1; rank 1 of 3 takes 1, 1 and 0 of them */
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d,
                              &(nb_train_opts){.epochs = 2, .batch_size = 3, .verbose = -1,
                                               .min_grad = -1, .parallel = &par}, NULL),
                     NB_OK);
    ck_assert_int_eq(f.reduces, 6);
    ck_assert_int_eq(f.sums, 2);
    int64_t rows[] = {1, 1, 0}, totals[] = {3, 3, 1};
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(f.rows[i], rows[i % 3]);
        ck_assert_int_eq(f.totals[i], totals[i % 3]);
    }
    /* size 1: the hooks are not called and training is one process's */
    nb_train_parallel one = {.rank = 0, .size = 1, .reduce_grads = fake_reduce, .sum = fake_sum,
                             .ctx = &f};
    nb_train_opts o = {.epochs = 3, .batch_size = 2, .verbose = -1, .seed = 4};
    ck_assert_int_eq(nb_tensor_copy(nb_model_params_flat(net), nb_model_params_flat(ref)), NB_OK);
    ck_assert_int_eq(nb_train(ref, ropt, nb_mse_loss, &d, &o, NULL), NB_OK);
    nb_optim *opt2 = nb_sgd_new(net, NULL);
    o.parallel = &one;
    ck_assert_int_eq(nb_train(net, opt2, nb_mse_loss, &d, &o, NULL), NB_OK);
    ck_assert_int_eq(f.reduces, 6);
    ck_assert_tensor_near(nb_model_params_flat(net), nb_tensor_data_f64(nb_model_params_flat(ref)),
                          nb_model_num_scalars(ref), 0);
    nb_optim_free(opt2);
    /* bad settings are refused before anything runs */
    struct {
        nb_train_parallel p;
        nb_status st;
        const char *msg;
    } bad[] = {
        {{.rank = 2, .size = 2, .reduce_grads = fake_reduce, .sum = fake_sum}, NB_ERR_ARG,
         "nb_train: parallel rank is 2 of size 2; expected 0 <= rank < size"},
        {{.rank = 0, .size = -1}, NB_ERR_ARG, "nb_train: parallel rank is 0 of size -1"},
        {{.rank = 1, .size = 0}, NB_ERR_ARG, "nb_train: parallel rank is 1 of size 0"},
        {{.rank = 0, .size = 2, .sum = fake_sum}, NB_ERR_NULL,
         "nb_train: parallel->reduce_grads is NULL (a run on 2 processes needs both hooks)"},
        {{.rank = 0, .size = 2, .reduce_grads = fake_reduce}, NB_ERR_NULL,
         "nb_train: parallel->sum is NULL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.parallel = &bad[i].p;
        ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &d, &o, NULL), bad[i].st);
        ck_assert_error(bad[i].st, bad[i].msg);
    }
    nb_optim_free(opt);
    nb_optim_free(ropt);
    nb_model_free(net);
    nb_model_free(ref);
}
END_TEST

/* A loss that never reads its targets: the labels reach nothing but the
 * accuracy, which used to count -3 or 2.5 as a class. */
static nb_tensor *labels_unread_loss(nb_tensor *pred, nb_tensor *target, nb_reduction red)
{
    (void)target;
    (void)red;
    return nb_mean(nb_square(pred));
}

/* Class labels given to the training loop or to nb_model_evaluate must be
 * integers in [0, outputs) (two classes for one output column), whatever
 * the loss; each set is named in the message. */
START_TEST(test_labels_checked_for_accuracy)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 3}, 2, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2));
    nb_tensor *good = nb_from_f64((const double[]){0, 1, 2, 1}, NB_SHAPE(4));
    nb_tensor *neg = nb_from_f64((const double[]){0, -3, 1, 2}, NB_SHAPE(4));
    nb_tensor *half = nb_from_f64((const double[]){0, 1, 2.5, 2}, NB_SHAPE(4));
    double loss, acc;
    ck_assert_int_eq(nb_model_evaluate(net, labels_unread_loss, x, neg, &loss, &acc), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_model_evaluate: y: label -3 in row 1 is out of range for 3 "
                                "classes (valid 0..2)");
    ck_assert_int_eq(nb_model_evaluate(net, labels_unread_loss, x, half, &loss, &acc), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_model_evaluate: y: label 2.5 in row 2 is not an integer "
                                "(valid 0..2)");
    /* without an accuracy the targets go to the loss only */
    ck_assert_int_eq(nb_model_evaluate(net, labels_unread_loss, x, neg, &loss, NULL), NB_OK);
    ck_assert_int_eq(nb_model_evaluate(net, labels_unread_loss, x, good, &loss, &acc), NB_OK);

    nb_train_opts q = {.epochs = 2, .verbose = -1};
    nb_train_record rec;
    struct {
        nb_train_data d;
        const char *msg;
    } cases[] = {
        {{.x = x, .y = neg}, "nb_train: data->y: label -3 in row 1 is out of range for 3 classes"},
        {{.x = x, .y = half}, "nb_train: data->y: label 2.5 in row 2 is not an integer (valid 0..2)"},
        {{.x = x, .y = good, .val_x = x, .val_y = half},
         "nb_train: data->val_y: label 2.5 in row 2 is not an integer"},
        {{.x = x, .y = good, .test_x = x, .test_y = neg},
         "nb_train: data->test_y: label -3 in row 1 is out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nb_clear_error();
        ck_assert_int_eq(nb_train(net, opt, labels_unread_loss, &cases[i].d, &q, &rec), NB_ERR_ARG);
        ck_assert_error(NB_ERR_ARG, cases[i].msg);
        ck_assert_int_eq(nb_optim_steps(opt), 0);
    }
    /* a loss that checks labels itself is not reached: the loop names the set */
    ck_assert_int_eq(nb_train(net, opt, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = neg},
                              &q, &rec),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_train: data->y: label -3 in row 1");
    /* classification off: a 1-D target is not read as classes */
    ck_assert_int_eq(nb_train(net, opt, labels_unread_loss, &(nb_train_data){.x = x, .y = half},
                              &(nb_train_opts){.epochs = 1, .verbose = -1, .classification = -1},
                              &rec),
                     NB_OK);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);

    /* one output column: the labels are 0 or 1 */
    net = nb_bpnet_new((const int64_t[]){2, 1}, 2, NULL, &(nb_bpnet_opts){.dtype = NB_F64});
    nb_tensor *two = nb_from_f64((const double[]){0, 1, 2, 1}, NB_SHAPE(4));
    ck_assert_int_eq(nb_model_evaluate(net, labels_unread_loss, x, two, &loss, &acc), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_model_evaluate: y: label 2 in row 2 is out of range for 2 "
                                "classes (valid 0..1)");
    nb_model_free(net);
}
END_TEST

/* Bytes that arenas made with this allocator asked for. */
static size_t sized_bytes;
static void *sized_alloc(size_t bytes, void *ctx)
{
    (void)ctx;
    sized_bytes += bytes;
    return malloc(bytes);
}
static const nb_allocator sized = {sized_alloc, count_release, NULL};

/* Evaluating 10,000 rows of a 64-wide net asks for less memory than one
 * whole-set hidden activation (10,000 x 64 doubles): the chunks' arena holds
 * one chunk's temporaries at a time (before chunking it held them all). */
START_TEST(test_evaluate_memory_is_one_chunk)
{
    enum { N = 10000, H = 64 };
    static double xs[N * 2], ls[N];
    for (int i = 0; i < N; i++) {
        xs[2 * i] = (double)(i % 17) / 17.0;
        xs[2 * i + 1] = (double)(i % 5) / 5.0;
        ls[i] = i % 3;
    }
    nb_model *net = nb_bpnet_new((const int64_t[]){2, H, 3}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 3,
                                                  .allocator = &sized});
    nb_tensor *x = nb_from_f64(xs, NB_SHAPE(N, 2)), *y = nb_from_f64(ls, NB_SHAPE(N));
    /* with no current arena the evaluation makes its own from the model's allocator */
    nb_arena *prev = nb_arena_use(NULL);
    sized_bytes = 0;
    double loss, acc;
    int rc = nb_model_evaluate(net, nb_cross_entropy_loss, x, y, &loss, &acc);
    size_t used = sized_bytes;
    nb_arena_use(prev);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_msg(used < (size_t)N * H * sizeof(double), "evaluation asked for %zu bytes", used);
    ck_assert(loss > 0 && acc >= 0 && acc <= 1);
    nb_model_free(net);
}
END_TEST

/* A set larger than one evaluation pass (256 rows) is evaluated in
 * chunks: the loss and accuracy equal one forward pass over the whole set,
 * and a bad label in a later chunk is named by its row in the whole set. */
START_TEST(test_evaluate_in_chunks)
{
    enum { N = 2600 };
    static double xs[N * 2], ls[N];
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    for (int i = 0; i < N; i++) {
        xs[2 * i] = nb_rng_normal(&rng);
        xs[2 * i + 1] = nb_rng_normal(&rng);
        ls[i] = (xs[2 * i] > 0) + (xs[2 * i + 1] > 0.5);
    }
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 8, 3}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 9});
    nb_tensor *x = nb_from_f64(xs, NB_SHAPE(N, 2)), *y = nb_from_f64(ls, NB_SHAPE(N));
    double loss = -1, acc = -1;
    ck_assert_msg(nb_model_evaluate(net, nb_cross_entropy_loss, x, y, &loss, &acc) == NB_OK, "%s",
                  nb_last_error());

    /* the whole set in one pass, accuracy counted here */
    nb_arena *ar = nb_arena_new();
    nb_arena *prev = nb_arena_use(ar);
    double want_loss = 0;
    int hits = 0;
    NB_NO_GRAD {
        nb_tensor *pred = nb_model_forward(net, x);
        ck_assert_ptr_nonnull(pred);
        want_loss = nb_tensor_item(nb_cross_entropy_loss(pred, y, NB_REDUCE_MEAN));
        const double *p = nb_tensor_data_f64(pred);
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int j = 1; j < 3; j++)
                if (p[3 * i + j] > p[3 * i + best])
                    best = j;
            hits += best == (int)ls[i];
        }
    }
    nb_arena_use(prev);
    nb_arena_free(ar);
    ck_assert_double_eq_tol(loss, want_loss, 1e-12 * fabs(want_loss));
    ck_assert_double_eq_tol(acc, (double)hits / N, 1e-15);
    ck_assert(acc > 0.2 && acc < 1.0); /* an untrained net: not a trivial score */

    ls[2000] = -1;
    nb_tensor *bad = nb_from_f64(ls, NB_SHAPE(N));
    ck_assert_msg(nb_model_evaluate(net, nb_cross_entropy_loss, x, bad, &loss, &acc) ==
                      NB_ERR_ARG, "%s", nb_last_error());
    ck_assert_error(NB_ERR_ARG, "nb_model_evaluate: y: label -1 in row 2000 is out of range");
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train");
    TCase *tc = nb_test_case("train");
    tcase_add_test(tc, test_xor_trains);
    tcase_add_test(tc, test_failure_inside_names_nb_train);
    tcase_add_test(tc, test_steady_state_does_not_allocate);
    tcase_add_test(tc, test_train_arenas_use_the_model_allocator);
    tcase_add_test(tc, test_early_stopping_restores_best);
    tcase_add_test(tc, test_stop_reasons_and_record);
    tcase_add_test(tc, test_minibatches_and_accuracy);
    tcase_add_test(tc, test_train_batches_are_the_iterators);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_train_options_out_of_range);
    tcase_add_test(tc, test_labels_checked_for_accuracy);
    tcase_add_test(tc, test_evaluate_in_chunks);
    tcase_add_test(tc, test_evaluate_memory_is_one_chunk);
    tcase_add_test(tc, test_train_parallel_hooks);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
