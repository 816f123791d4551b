/* residual.c — a small residual MLP built from nested blocks, on Fisher's
 * iris.
 *
 * The model is a stem (4 -> 16, tansig), two residual blocks and a head
 * (16 -> 3, purelin; its softmax is taken inside the cross-entropy loss).
 * Each residual block is a block of the model holding one parameter of its
 * own, the gain of its branch, and the branch, a block inside the block:
 *     res1(x) = x + res1.gain * (tansig(x W1 + b1) W2 + b2)
 * so its parameters are res1.gain, res1.branch.layer1.weight, ...,
 * res1.branch.layer2.bias (the summary prints the tree).  The residual
 * block's function runs the branch with nb_model_forward.  The gains start at
 * zero, so the untrained model is the stem and the head alone, and training
 * opens each branch as far as it helps.
 *
 * The program prints the model's summary, splits the 150 flowers 70/15/15
 * at random (dividerand), maps the features onto [-1, 1] with the training
 * part's ranges (mapminmax), trains with Adam on minibatches with progress
 * and early stopping on the validation set, then saves the model, loads it
 * into a second one built the same way and checks that both agree on the
 * test set.
 *
 * Usage: residual [--seed N] [path/to/iris.csv]
 * The file defaults to $NB_TEST_DATA_DIR/iris.csv, else the source tree's
 * data/iris.csv.  Exits non-zero if the test accuracy is below 0.9.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

#ifndef NB_DATA_DIR
#define NB_DATA_DIR "data"
#endif

#define TARGET 0.9
#define WIDTH 16

static int fail(const char *what)
{
    fprintf(stderr, "residual: %s: %s\n", what, nb_last_error());
    return EXIT_FAILURE;
}

/* A residual block's forward: x + gain * branch(x).  `blk` is the block:
 * its parameter is found through it, and its own layers (the branch, a
 * block inside it) run with nb_model_forward. */
static nb_tensor *residual(nb_model *blk, nb_tensor *x, void *ctx)
{
    (void)ctx;
    return nb_add(x, nb_mul(nb_model_param(blk, "gain"), nb_model_forward(blk, x)));
}

/* The whole model, seeded.  NULL with the message on failure. */
static nb_model *build(uint64_t seed)
{
    nb_model *net = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = seed});
    if (!net || nb_model_add_linear(net, 4, WIDTH, NB_ACT_TANSIG, NB_INIT_DEFAULT) < 0)
        goto fail;
    for (int k = 1; k <= 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "res%d", k);
        nb_model *blk = nb_model_add_block(net, name, residual, NULL);
        nb_model *branch = blk ? nb_model_add_block(blk, "branch", NULL, NULL) : NULL;
        if (!branch ||
            nb_model_add_linear(branch, WIDTH, WIDTH, NB_ACT_TANSIG, NB_INIT_XAVIER_UNIFORM) < 0 ||
            nb_model_add_linear(branch, WIDTH, WIDTH, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0 ||
            !nb_model_add_param(blk, "gain", NB_SHAPE(1))) /* zero: the branch starts closed */
            goto fail;
    }
    if (nb_model_add_linear(net, WIDTH, 3, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0)
        goto fail;
    return net;
fail:
    fail("building the model");
    nb_model_free(net);
    return NULL;
}

/* The predicted class of each row of `out` (n x 3) into pred. */
static void classes(const nb_tensor *out, int64_t n, int *pred)
{
    for (int64_t i = 0; i < n; i++) {
        int best = 0;
        for (int k = 1; k < 3; k++)
            if (nb_tensor_get(out, i * 3 + k) > nb_tensor_get(out, i * 3 + best))
                best = k;
        pred[i] = best;
    }
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            char *end;
            seed = strtoull(argv[++i], &end, 10);
            if (*end || argv[i][0] == '-' || !argv[i][0]) {
                fprintf(stderr, "residual: --seed wants a number, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "usage: residual [--seed N] [path/to/iris.csv]\n");
            return 2;
        } else {
            file = argv[i];
        }
    }
    char path[4096], saved[64];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    if (file)
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/iris.csv", dir && *dir ? dir : NB_DATA_DIR);
    snprintf(saved, sizeof saved, "residual.nbt"); /* in the working folder, removed after */

    int status = EXIT_FAILURE;
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return fail("arena");
    nb_arena_use(arena);
    nb_model *net = NULL, *copy = NULL;
    nb_optim *opt = NULL;
    nb_train_record rec = {0};
    nb_csv_data d;
    if (nb_csv_load(path,
                    &(nb_csv_opts){.dtype = NB_F64,
                                   .target_names = (const char *[]){"species"},
                                   .n_target_names = 1,
                                   .class_labels = true},
                    &d) < 0) {
        fail("loading the data");
        goto done;
    }
    if (d.n_classes != 3 || d.n_features != 4) {
        fprintf(stderr, "residual: %s has %d features and %d classes; expected 4 and 3\n", path,
                d.n_features, d.n_classes);
        goto done;
    }
    printf("residual: %lld flowers from %s; a residual MLP of nested blocks, Adam, early "
           "stopping\n\n", (long long)d.rows, path);

    /* the model and its summary (one pass on a 10 x 4 input: shapes only) */
    net = build(seed);
    if (!net || nb_model_summary(net, NB_SHAPE(10, 4), stdout) < 0) {
        fail("summary");
        goto done;
    }
    printf("\n");

    /* split 70/15/15, features onto [-1, 1] with the training part's ranges */
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_split s;
    nb_minmax_settings mm;
    if (nb_dividerand(&rng, d.x, d.y, NULL, &s) < 0) {
        fail("dividerand");
        goto done;
    }
    nb_tensor *x_train = nb_mapminmax(s.x_train, -1, 1, &mm);
    nb_tensor *x_val = nb_mapminmax_apply(s.x_val, &mm);
    nb_tensor *x_test = nb_mapminmax_apply(s.x_test, &mm);
    if (!x_train || !x_val || !x_test) {
        fail("mapminmax");
        goto done;
    }

    /* train: minibatches of 16, progress every 20 epochs, stop when the
     * validation loss has not improved for 20 epochs (best weights kept) */
    opt = nb_adam_new(net, &(nb_adam_opts){.lr = 0.01});
    nb_train_data td = {.x = x_train, .y = s.y_train, .val_x = x_val, .val_y = s.y_val,
                        .test_x = x_test, .test_y = s.y_test};
    nb_train_opts to = {.epochs = 300, .batch_size = 16, .max_fail = 20, .seed = seed,
                        .verbose = 1, .show = 20, .out = stdout, .min_grad = -1};
    if (!opt || nb_train(net, opt, nb_cross_entropy_loss, &td, &to, &rec) < 0) {
        fail("training");
        goto done;
    }
    printf("stopped after %d epochs (%s); kept epoch %d: loss train %.4f, validation %.4f\n",
           rec.epochs, nb_stop_reason_name(rec.stop), rec.best_epoch,
           rec.train_loss[rec.best_epoch], rec.val_loss[rec.best_epoch]);
    printf("branch gains: res1 %.4f, res2 %.4f\n",
           nb_tensor_get(nb_model_param(net, "res1.gain"), 0),
           nb_tensor_get(nb_model_param(net, "res2.gain"), 0));

    /* test, then the same through a saved and reloaded copy */
    double loss, acc;
    nb_tensor *out = NULL, *out2 = NULL;
    if (nb_model_evaluate(net, nb_cross_entropy_loss, x_test, s.y_test, &loss, &acc) < 0) {
        fail("test");
        goto done;
    }
    copy = build(seed + 1);
    if (!copy || nb_model_save(net, saved) < 0 || nb_model_load(copy, saved) < 0) {
        fail("save and load");
        remove(saved);
        goto done;
    }
    remove(saved);
    NB_NO_GRAD
    {
        out = nb_model_forward(net, x_test);
        out2 = nb_model_forward(copy, x_test);
    }
    if (!out || !out2) {
        fail("forward");
        goto done;
    }
    int *p1 = malloc(sizeof *p1 * (size_t)s.n_test * 2);
    if (!p1) {
        fprintf(stderr, "residual: out of memory\n");
        goto done;
    }
    classes(out, s.n_test, p1);
    classes(out2, s.n_test, p1 + s.n_test);
    int same = !memcmp(p1, p1 + s.n_test, sizeof *p1 * (size_t)s.n_test);
    free(p1);
    printf("test accuracy %.4f (%lld flowers, loss %.4f; target >= %.2f: %s); the reloaded "
           "copy %s\n", acc, (long long)s.n_test, loss, TARGET, acc >= TARGET ? "met" : "MISSED",
           same ? "predicts the same classes" : "DIFFERS");
    status = acc >= TARGET && same ? EXIT_SUCCESS : EXIT_FAILURE;
done:
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(copy);
    nb_model_free(net);
    nb_arena_use(NULL);
    nb_arena_free(arena);
    return status;
}
