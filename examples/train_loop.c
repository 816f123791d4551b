/* train_loop.c — the training step written out, without nb_train.
 *
 * Fisher's iris, a 4-8-3 network (tansig hidden layer, purelin outputs whose
 * softmax is inside the cross-entropy loss), Adam, shuffled minibatches of
 * 16.  Each step is the four lines every define-by-run framework has:
 *
 *     record   loss = loss(model(x), y)   ops run and record their graph
 *     backward nb_backward(loss, NULL)    gradients reach every parameter
 *     step     nb_optim_step(opt)         update, then zero the gradients
 *     reset    nb_arena_reset(step)       the graph and the batch are gone
 *
 * The step arena holds everything one step makes; after the first step it
 * has all the memory it needs, which the program checks (its reserved size
 * stops growing).  Every epoch prints the training loss and the validation
 * accuracy; the program exits non-zero below 0.9 test accuracy.
 *
 * Usage: train_loop [path/to/iris.csv]  (default: $NB_TEST_DATA_DIR/iris.csv,
 * else NB_DATA_DIR/iris.csv: the installed data folder when built with the
 * installed examples' Makefile, data/ otherwise)
 */
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

#ifndef NB_DATA_DIR
#define NB_DATA_DIR "data"
#endif

enum { EPOCHS = 60, BATCH = 16 };

static int fail(const char *what)
{
    fprintf(stderr, "train_loop: %s: %s\n", what, nb_last_error());
    return 1;
}

/* Fraction of rows whose largest logit is at the row's label, computed
 * without recording (evaluation needs no graph). */
static double accuracy(nb_model *net, nb_tensor *x, nb_tensor *labels)
{
    double hits = -1;
    NB_NO_GRAD {
        nb_tensor *pred = nb_argmax_axis(nb_model_forward(net, x), 1, false);
        if (pred) {
            hits = 0;
            for (int64_t i = 0; i < nb_tensor_numel(pred); i++)
                hits += nb_tensor_get(pred, i) == nb_tensor_get(labels, i);
            hits /= (double)nb_tensor_numel(pred);
        }
    }
    return hits;
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    snprintf(path, sizeof path, "%s", argc > 1 ? argv[1] : "");
    if (argc < 2)
        snprintf(path, sizeof path, "%s/iris.csv", dir && *dir ? dir : NB_DATA_DIR);

    /* Long-lived things (data, splits) in one arena; the model and the
     * optimizer keep their own. */
    nb_arena *data_arena = nb_arena_new(), *step = nb_arena_new();
    if (!data_arena || !step)
        return fail("arena");
    nb_arena_use(data_arena);
    nb_csv_data d;
    if (nb_csv_load(path, &(nb_csv_opts){.dtype = NB_F64, .target_cols = (const int[]){-1},
                                          .n_target_cols = 1, .class_labels = true}, &d) < 0)
        return fail(path);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_split s;
    nb_minmax_settings mm;
    if (nb_dividerand(&rng, d.x, d.y, NULL, &s) < 0)
        return fail("dividerand");
    nb_tensor *x_train = nb_mapminmax(s.x_train, -1, 1, &mm);
    nb_tensor *x_val = nb_mapminmax_apply(s.x_val, &mm);
    nb_tensor *x_test = nb_mapminmax_apply(s.x_test, &mm);
    nb_model *net = nb_bpnet_new((const int64_t[]){4, 8, 3}, 3,
                                 (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 7});
    nb_optim *opt = net ? nb_adam_new(net, &(nb_adam_opts){.lr = 0.01}) : NULL;
    nb_batch_iter batches;
    if (!x_train || !x_val || !x_test || !opt ||
        nb_batch_iter_init(&batches, x_train, s.y_train,
                           &(nb_batch_opts){.batch_size = BATCH, .shuffle = true, .seed = 7}) < 0)
        return fail("set-up");

    size_t reserved_after_first = 0;
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        double loss_sum = 0;
        int64_t rows = 0;
        nb_tensor *xb, *yb;
        int rc;
        if (epoch > 1 && nb_batch_iter_reset(&batches) < 0)
            return fail("reset");
        nb_arena_use(step); /* the batch, the graph and the gradients' temporaries */
        while ((rc = nb_batch_next(&batches, &xb, &yb)) == 1) {
            /* record */
            nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, xb), yb, NB_REDUCE_MEAN);
            /* backward (a NULL loss, from any failed op above, fails here once) */
            if (!loss || nb_backward(loss, NULL) < 0)
                return fail("step");
            loss_sum += nb_tensor_item(loss) * (double)nb_tensor_dim(xb, 0);
            rows += nb_tensor_dim(xb, 0);
            /* step: parameters -= update(gradients); then clear the gradients */
            if (nb_optim_step(opt) < 0 || nb_optim_zero_grad(opt) < 0)
                return fail("update");
            /* reset: everything this step made is gone, the memory is kept */
            nb_arena_reset(step);
            if (!reserved_after_first)
                reserved_after_first = nb_arena_reserved(step);
        }
        if (rc < 0)
            return fail("batch");
        double val_acc = accuracy(net, x_val, s.y_val);
        nb_arena_reset(step);
        if (val_acc < 0)
            return fail("validation");
        if (epoch == 1 || epoch % 10 == 0)
            printf("epoch %2d  train loss %.4f  validation accuracy %.3f\n", epoch,
                   loss_sum / (double)rows, val_acc);
    }
    double test_acc = accuracy(net, x_test, s.y_test);
    nb_arena_reset(step);
    printf("test accuracy %.3f (%lld flowers); step arena %zu bytes after the first step, %zu "
           "after the last\n", test_acc, (long long)nb_tensor_dim(x_test, 0), reserved_after_first,
           nb_arena_reserved(step));
    int bad = test_acc < 0.9 || nb_arena_reserved(step) != reserved_after_first;
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_use(NULL);
    nb_arena_free(step);
    nb_arena_free(data_arena);
    return bad;
}
