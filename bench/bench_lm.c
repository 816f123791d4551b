/* W8: trainlm epochs per second on MATLAB's house_dataset (the Boston
 * housing data), as fitnet trains it: mapminmax on inputs and targets,
 * dividerand 0.70 / 0.15 / 0.15, and trainlm on the training rows only (no
 * validation or test set, min_grad and goal off), so that every run does
 * the given number of epochs.  f64, Nguyen–Widrow weights from a seed.
 *
 * --dump FILE writes the problem in plain text (the training rows, mapped,
 * their targets, the layer sizes and the starting weights in the flat
 * parameter order), which bench/bench_lm_torch.py reads, so that the
 * PyTorch side starts from the same weights and follows the same
 * trajectory (the same epochs, the same mu steps).
 *
 * Reports one line: epochs, seconds, epochs_per_s, the final perf and mu.
 *
 * Usage: bench_lm [--hidden 10 | --hidden 50,50] [--epochs 50] [--seed 5]
 *                 [--threads 1] [--data boston_house_prices.csv] [--dump FILE]
 * The data file: --data, else $NB_SKLEARN_DATA/boston_house_prices.csv, else
 * the folder of Debian's python3-sklearn. */
#define _POSIX_C_SOURCE 200809L
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define FILE_NAME "boston_house_prices.csv"
#define DEBIAN_DIR "/usr/lib/python3/dist-packages/sklearn/datasets/data"
#define FEATURES 13
#define MAX_ROWS 1024
#define MAX_LAYERS 8

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_lm: %s: %s\n", what, nb_last_error());
    return 1;
}

/* The rows of the housing file: a counts line and a header, then 13
 * features and the target per line.  Returns the rows read, -1 when the
 * file cannot be opened, -2 on a malformed line. */
static int read_housing(const char *path, double *x, double *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f) && n < MAX_ROWS) {
        if (++lineno <= 2)
            continue;
        char *p = line, *end;
        int k = 0;
        for (; k <= FEATURES; k++) {
            double v = strtod(p, &end);
            if (end == p)
                break;
            if (k < FEATURES)
                x[(size_t)n * FEATURES + (size_t)k] = v;
            else
                t[n] = v;
            p = *end == ',' ? end + 1 : end;
        }
        if (k != FEATURES + 1) {
            fclose(f);
            return -2;
        }
        n++;
    }
    fclose(f);
    return n;
}

/* "10" or "50,50" into sizes[1..]; returns the number of sizes, 0 if bad. */
static int parse_hidden(const char *s, int64_t *sizes)
{
    int n = 1;
    sizes[0] = FEATURES;
    while (*s && n < MAX_LAYERS - 1) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 1)
            return 0;
        sizes[n++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return 0;
    }
    sizes[n++] = 1;
    return n;
}

static int dump(const char *path, nb_tensor *x, nb_tensor *t, const int64_t *sizes, int ns,
                nb_tensor *params)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int64_t n = nb_tensor_dim(x, 0), F = nb_tensor_dim(x, 1), O = nb_tensor_dim(t, 1);
    const double *xv = nb_tensor_data_f64(x), *tv = nb_tensor_data_f64(t);
    const double *w = nb_tensor_data_f64(params);
    fprintf(f, "rows %lld inputs %lld outputs %lld\nsizes", (long long)n, (long long)F,
            (long long)O);
    for (int i = 0; i < ns; i++)
        fprintf(f, " %lld", (long long)sizes[i]);
    fprintf(f, "\n");
    for (int64_t i = 0; i < n * F; i++)
        fprintf(f, "%.17g%c", xv[i], (i + 1) % F ? ' ' : '\n');
    for (int64_t i = 0; i < n * O; i++)
        fprintf(f, "%.17g\n", tv[i]);
    for (int64_t i = 0; i < nb_tensor_numel(params); i++)
        fprintf(f, "%.17g\n", w[i]);
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *hidden = "10", *data = NULL, *dump_path = NULL;
    long epochs = 50, seed = 5, threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--hidden")) hidden = v;
        else if (!strcmp(o, "--data")) data = v;
        else if (!strcmp(o, "--dump")) dump_path = v;
        else if (!strcmp(o, "--epochs")) epochs = strtol(v, NULL, 10);
        else if (!strcmp(o, "--seed")) seed = strtol(v, NULL, 10);
        else if (!strcmp(o, "--threads")) threads = strtol(v, NULL, 10);
        else return fprintf(stderr, "bench_lm: unknown option %s\n", o), 2;
    }
    int64_t sizes[MAX_LAYERS];
    int ns = parse_hidden(hidden, sizes);
    if (!ns || epochs < 1 || threads < 1)
        return fprintf(stderr, "bench_lm: bad --hidden, --epochs or --threads\n"), 2;
#ifdef _OPENMP
    omp_set_num_threads((int)threads);
#endif
    char path[1200];
    const char *env = getenv("NB_SKLEARN_DATA");
    if (data)
        snprintf(path, sizeof path, "%s", data);
    else
        snprintf(path, sizeof path, "%s/%s", env && *env ? env : DEBIAN_DIR, FILE_NAME);
    static double xv[MAX_ROWS * FEATURES], tv[MAX_ROWS];
    int rows = read_housing(path, xv, tv);
    if (rows < 20) {
        fprintf(stderr, "bench_lm: cannot read %s (install python3-sklearn or pass --data)\n",
                path);
        return 77;
    }

    nb_arena *arena = nb_arena_new();
    if (!arena)
        return fail("arena");
    nb_arena_use(arena);
    nb_minmax_settings px, pt;
    nb_tensor *xn = nb_mapminmax(nb_from_f64(xv, NB_SHAPE(rows, FEATURES)), -1, 1, &px);
    nb_tensor *tn = nb_mapminmax(nb_from_f64(tv, NB_SHAPE(rows, 1)), -1, 1, &pt);
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    nb_split sp;
    if (!xn || !tn || nb_dividerand(&rng, xn, tn, NULL, &sp) < 0)
        return fail("data");
    nb_model *net = nb_bpnet_new(sizes, ns, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = (uint64_t)seed});
    nb_tensor *params = net ? nb_model_params_flat(net) : NULL;
    if (!params)
        return fail("net");
    if (dump_path && dump(dump_path, sp.x_train, sp.y_train, sizes, ns, params) < 0) {
        fprintf(stderr, "bench_lm: cannot write %s\n", dump_path);
        return 1;
    }
    nb_train_data d = {.x = sp.x_train, .y = sp.y_train};
    nb_trainlm_opts o = {.epochs = (int)epochs, .min_grad = -1, .max_fail = -1, .verbose = -1};
    nb_train_record rec;
    double t0 = now();
    if (nb_trainlm(net, &d, &o, &rec) < 0)
        return fail("nb_trainlm");
    double sec = now() - t0;
    char net_name[64] = "";
    for (int i = 0, w = 0; i < ns && w < (int)sizeof net_name - 8; i++)
        w += snprintf(net_name + w, sizeof net_name - (size_t)w, "%s%lld", i ? "-" : "",
                      (long long)sizes[i]);
    printf("nabla trainlm: net=%s params=%lld rows=%lld epochs=%d seconds=%.4f "
           "epochs_per_s=%.3f perf=%.10g mu=%g stop=%s\n",
           net_name, (long long)nb_model_num_scalars(net), (long long)sp.n_train, rec.epochs, sec,
           rec.epochs / sec, rec.train_loss[rec.epochs], rec.mu[rec.epochs],
           nb_stop_reason_matlab(rec.stop));
    nb_train_record_free(&rec);
    nb_model_free(net);
    nb_arena_free(arena);
    return 0;
}
