/* iris.c — Fisher's iris classified the way MATLAB's pattern-recognition
 * tools do it: dividerand splits the 150 flowers 70/15/15 at random,
 * mapminmax maps each feature of the training part onto [-1, 1] (the same
 * map is applied to the other parts), a 4-10-3 network (tansig hidden layer,
 * purelin outputs whose softmax is taken inside the cross-entropy loss)
 * trains full-batch with RPROP (trainrp), and training stops early when the
 * validation loss has not improved for 6 epochs, keeping the best weights.
 *
 * Usage: iris [--seed N] [--seeds N] [path/to/iris.csv]
 * The file defaults to $NB_TEST_DATA_DIR/iris.csv, else NB_DATA_DIR/iris.csv
 * (the source tree's data/ in the build, the installed data folder when built
 * with the installed examples' Makefile).  --seeds N trains once per seed 1..N and prints the spread
 * of the test accuracy.  Exits non-zero if the test accuracy is below 0.93.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

#ifndef NB_DATA_DIR
#define NB_DATA_DIR "data"
#endif

#define TARGET 0.93

static int fail(const char *what)
{
    fprintf(stderr, "iris: %s: %s\n", what, nb_last_error());
    return -1;
}

/* Split, normalise, train and test with one seed; *acc gets the test
 * accuracy.  Prints the details when `verbose`.  0 or -1. */
static int run(const nb_csv_data *d, uint64_t seed, int verbose, double *acc)
{
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return fail("arena");
    nb_arena *prev = nb_arena_use(arena);
    nb_model *net = NULL;
    nb_optim *opt = NULL;
    nb_train_record rec = {0};
    int rc = -1;

    /* 1. dividerand: a random 70/15/15 split (ratios 0 = MATLAB's defaults). */
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_split s;
    if (nb_dividerand(&rng, d->x, d->y, NULL, &s) < 0) {
        fail("dividerand");
        goto done;
    }
    /* 2. mapminmax fitted on the training part only. */
    nb_minmax_settings mm;
    nb_tensor *x_train = nb_mapminmax(s.x_train, -1, 1, &mm);
    nb_tensor *x_val = nb_mapminmax_apply(s.x_val, &mm);
    nb_tensor *x_test = nb_mapminmax_apply(s.x_test, &mm);
    if (!x_train || !x_val || !x_test) {
        fail("mapminmax");
        goto done;
    }
    /* 3. The 4-10-3 network, RPROP, early stopping on the validation set. */
    net = nb_bpnet_new((const int64_t[]){4, 10, 3}, 3,
                       (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                       &(nb_bpnet_opts){.dtype = NB_F64, .seed = seed});
    opt = net ? nb_rprop_new(net, NULL) : NULL;
    nb_train_data td = {.x = x_train, .y = s.y_train, .val_x = x_val, .val_y = s.y_val,
                        .test_x = x_test, .test_y = s.y_test};
    nb_train_opts to = {.epochs = 1000, .max_fail = 6, .verbose = -1};
    if (!opt || nb_train(net, opt, nb_cross_entropy_loss, &td, &to, &rec) < 0) {
        fail("training");
        goto done;
    }
    /* 4. Test the kept network. */
    double loss;
    nb_tensor *out = NULL;
    NB_NO_GRAD { out = nb_model_forward(net, x_test); }
    if (!out || nb_model_evaluate(net, nb_cross_entropy_loss, x_test, s.y_test, &loss, acc) < 0) {
        fail("test");
        goto done;
    }
    if (verbose) {
        printf("split    %lld training, %lld validation, %lld test flowers (seed %llu)\n",
               (long long)s.n_train, (long long)s.n_val, (long long)s.n_test,
               (unsigned long long)seed);
        printf("features mapped to [-1, 1] with the training part's ranges:");
        for (int f = 0; f < d->n_features; f++)
            printf(" %s [%.1f, %.1f]%s", d->column_names[f], mm.xmin[f], mm.xmax[f],
                   f + 1 < d->n_features ? "," : "\n");
        printf("training %d epochs (%s); kept epoch %d: loss train %.4f, validation %.4f, "
               "test %.4f\n",
               rec.epochs, nb_stop_reason_name(rec.stop), rec.best_epoch,
               rec.train_loss[rec.best_epoch], rec.val_loss[rec.best_epoch],
               rec.test_loss[rec.best_epoch]);
        printf("accuracy training %.4f, validation %.4f\n", rec.train_acc[rec.best_epoch],
               rec.val_acc[rec.best_epoch]);
        /* confusion matrix of the test part: rows true class, columns predicted */
        int conf[3][3] = {{0}};
        for (int64_t i = 0; i < s.n_test; i++) {
            int best = 0;
            for (int k = 1; k < 3; k++)
                if (nb_tensor_get(out, i * 3 + k) > nb_tensor_get(out, i * 3 + best))
                    best = k;
            conf[(int)nb_tensor_get(s.y_test, i)][best]++;
        }
        printf("test confusion (rows: true class, columns: predicted)\n%-12s", "");
        for (int k = 0; k < 3; k++)
            printf(" %10s", d->class_names[k]);
        for (int t = 0; t < 3; t++) {
            printf("\n%-12s", d->class_names[t]);
            for (int k = 0; k < 3; k++)
                printf(" %10d", conf[t][k]);
        }
        printf("\ntest accuracy %.4f (%lld flowers, loss %.4f; target >= %.2f: %s)\n", *acc,
               (long long)s.n_test, loss, TARGET, *acc >= TARGET ? "met" : "MISSED");
    }
    rc = 0;
done:
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_use(prev);
    nb_arena_free(arena);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    int seeds = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "--seed") || !strcmp(argv[i], "--seeds")) && i + 1 < argc) {
            char *end;
            unsigned long long n = strtoull(argv[i + 1], &end, 10);
            if (*end || !*argv[i + 1] || argv[i + 1][0] == '-') {
                fprintf(stderr, "iris: %s wants a number, not '%s'\n", argv[i], argv[i + 1]);
                return 2;
            }
            if (argv[i][6])
                seeds = n > 100000 ? 100000 : (int)n;
            else
                seed = n;
            i++;
        } else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "usage: iris [--seed N] [--seeds N] [path/to/iris.csv]\n");
            return 2;
        } else {
            file = argv[i];
        }
    }
    char path[4096];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    if (file)
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/iris.csv", dir && *dir ? dir : NB_DATA_DIR);

    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_csv_data d;
    if (nb_csv_load(path,
                    &(nb_csv_opts){.dtype = NB_F64,
                                   .target_names = (const char *[]){"species"},
                                   .n_target_names = 1,
                                   .class_labels = true},
                    &d) < 0) {
        fail("loading the data");
        return EXIT_FAILURE;
    }
    if (d.n_classes != 3 || d.n_features != 4) {
        fprintf(stderr, "iris: %s has %d features and %d classes; expected 4 and 3\n", path,
                d.n_features, d.n_classes);
        return EXIT_FAILURE;
    }
    printf("iris: %lld flowers from %s; a 4-10-3 BP network (tansig, softmax cross-entropy), "
           "RPROP, early stopping\n",
           (long long)d.rows, path);

    double acc = 0;
    int status = EXIT_SUCCESS;
    if (seeds > 0) {
        /* the spread over seeds 1..N (each seed: another split and start) */
        double lo = 1, hi = 0, sum = 0;
        int met = 0;
        for (int k = 1; k <= seeds; k++) {
            if (run(&d, (uint64_t)k, 0, &acc) < 0)
                return EXIT_FAILURE;
            lo = acc < lo ? acc : lo;
            hi = acc > hi ? acc : hi;
            sum += acc;
            met += acc >= TARGET;
        }
        printf("seeds 1..%d: test accuracy min %.4f, mean %.4f, max %.4f; >= %.2f in %d of %d\n",
               seeds, lo, sum / seeds, hi, TARGET, met, seeds);
    } else {
        if (run(&d, seed, 1, &acc) < 0)
            return EXIT_FAILURE;
        status = acc >= TARGET ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    nb_arena_free(arena);
    return status;
}
