/* A data pipeline on Fisher's iris: load the CSV with class labels, split it
 * the way MATLAB's dividerand does, fit mapminmax on the training part only
 * and apply it to the others, walk shuffled minibatches, and keep the
 * normalisation settings in a tensor file next to a model.
 *
 * Usage: iris_data [path/to/iris.csv]   (default: $NB_TEST_DATA_DIR/iris.csv,
 * else NB_DATA_DIR/iris.csv: the installed data folder when built with the
 * installed examples' Makefile, data/ otherwise).  Exits non-zero if any step
 * fails. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nabla.h>

#ifndef NB_DATA_DIR
#define NB_DATA_DIR "data"
#endif

static int fail(const char *what)
{
    fprintf(stderr, "iris_data: %s: %s\n", what, nb_last_error());
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    snprintf(path, sizeof path, "%s", argc > 1 ? argv[1] : dir && *dir ? dir : NB_DATA_DIR);
    if (argc <= 1)
        snprintf(path + strlen(path), sizeof path - strlen(path), "/iris.csv");

    nb_arena *data = nb_arena_new();
    nb_arena_use(data);

    /* 1. Load: four features to X, the species column to class indices. */
    nb_csv_data d;
    if (nb_csv_load(path,
                    &(nb_csv_opts){.dtype = NB_F64,
                                   .target_names = (const char *[]){"species"},
                                   .n_target_names = 1,
                                   .class_labels = true},
                    &d) < 0)
        return fail("load");
    printf("%lld samples, %d features, classes:", (long long)d.rows, d.n_features);
    for (int k = 0; k < d.n_classes; k++)
        printf(" %d=%s", k, d.class_names[k]);
    printf("\n");

    /* 2. Split 70/15/15 at random (seeded, so the split is reproducible). */
    nb_rng rng;
    nb_rng_seed(&rng, 2024);
    nb_split s;
    if (nb_dividerand(&rng, d.x, d.y, NULL, &s) < 0)
        return fail("split");
    printf("train %lld, validation %lld, test %lld\n", (long long)s.n_train, (long long)s.n_val,
           (long long)s.n_test);

    /* 3. Normalise with statistics of the training part only. */
    nb_minmax_settings mm;
    nb_tensor *x_train = nb_mapminmax(s.x_train, -1, 1, &mm);
    nb_tensor *x_test = nb_mapminmax_apply(s.x_test, &mm);
    if (!x_train || !x_test)
        return fail("mapminmax");
    for (int f = 0; f < d.n_features; f++)
        printf("%-13s [%.1f, %.1f] -> [-1, 1]\n", d.column_names[f], mm.xmin[f], mm.xmax[f]);

    /* 4. One epoch of shuffled minibatches of 16, each in a step arena. */
    nb_batch_iter it;
    if (nb_batch_iter_init(&it, x_train, s.y_train,
                           &(nb_batch_opts){.batch_size = 16, .shuffle = true, .seed = 1}) < 0)
        return fail("batches");
    nb_arena *step = nb_arena_new();
    nb_arena_use(step);
    nb_tensor *xb, *yb;
    int64_t seen = 0, batches = 0;
    int rc;
    while ((rc = nb_batch_next(&it, &xb, &yb)) == 1) {
        seen += nb_tensor_dim(xb, 0);
        batches++;
        nb_arena_reset(step); /* a training step would run here */
    }
    nb_arena_use(data);
    nb_arena_free(step);
    if (rc < 0 || seen != s.n_train)
        return fail("batch loop");
    printf("%lld batches, %lld rows\n", (long long)batches, (long long)seen);

    /* 5. Keep the settings with the model: a tensor file, reloaded. */
    nb_tensor *lo = nb_from_f64(mm.xmin, 1, (const int64_t[]){mm.features});
    nb_tensor *hi = nb_from_f64(mm.xmax, 1, (const int64_t[]){mm.features});
    char tmpdir[] = "/tmp/iris_data_XXXXXX", file[64];
    if (!mkdtemp(tmpdir))
        return EXIT_FAILURE;
    snprintf(file, sizeof file, "%s/norm.nbt", tmpdir);
    nb_tensor_list back;
    int ok = nb_tensors_save(file, (const char *[]){"mapminmax.xmin", "mapminmax.xmax"},
                             (nb_tensor *[]){lo, hi}, 2) == NB_OK &&
             nb_tensors_load(file, &back) == NB_OK && back.n == 2 &&
             nb_tensor_get(back.tensors[1], 2) == mm.xmax[2];
    if (ok)
        printf("saved and reloaded %s, %s\n", back.names[0], back.names[1]);
    unlink(file);
    rmdir(tmpdir);
    nb_arena_free(data);
    return ok && d.rows == 150 && s.n_train == 104 ? EXIT_SUCCESS : fail("tensor file");
}
