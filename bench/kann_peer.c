/* The kann side of W1, W3 (and W1 at other batch sizes) and W5, for
 * bench/compare.sh.  kann (Heng Li's C autodiff library) is not packaged in
 * Debian, so this file is not built with nabla: compare.sh compiles it at
 * run time against a checkout named by NB_KANN_DIR, together with that
 * checkout's kann.c and kautodiff.c (with OpenBLAS when pkg-config finds
 * it, as kann's own Makefile offers with CBLAS=).  Nothing of kann is kept
 * in this repository.
 *
 * --mlp: the BP network 784-H-10 of bench_mlp, written the way kann's own
 *   examples build one: dense + tanh hidden layers, and kann's cost layer
 *   (dense + softmax + multi-class cross-entropy), plain SGD on the
 *   parameters kann gathers in one buffer (ann->x -= lr * ann->g), shuffled
 *   minibatches copied into bound input buffers, a last partial batch
 *   dropped.  The best epoch is reported, in bench_mlp's line format.
 * --chain N: W5, a chain of N ops alternating x + 1e-7 and x * 1.0000001,
 *   as bench_overhead's on 1x1 tensors, here on one number (a 0-d tensor:
 *   kann's backward starts only from a scalar).  kann builds a static
 *   graph, so the time of one run covers building the nodes, compiling (sorting) them,
 *   the forward and the backward pass, and freeing them: what a
 *   define-by-run library does per step.  Best of 3.
 *
 * Usage: kann_peer --mlp [--hidden 256] [--batch 64] [--epochs 1] [--lr 0.1]
 *                  [--layers 1] [--threads 1] [--data DIR] [--seed S]
 *        kann_peer --chain N */
#define _POSIX_C_SOURCE 200809L
#include "kann.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#ifdef KP_OPENBLAS
/* OpenBLAS names the kernel set it picked; declared here so that no
 * OpenBLAS header is needed */
char *openblas_get_corename(void);
#define KP_BLAS openblas_get_corename()
#else
#define KP_BLAS "none"
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One IDX file (gzip'd) of dataset-fashion-mnist: its bytes after the
 * header, and the count of items (the first dimension); NULL on failure. */
static uint8_t *idx_read(const char *dir, const char *name, long *items, long *item_size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kann_peer: cannot open %s (set NB_FASHION_MNIST_DIR or --data)\n", path);
        return NULL;
    }
    uint8_t head[4], dim[4];
    uint8_t *data = NULL;
    if (gzread(f, head, 4) != 4 || head[2] != 8 || head[3] < 1 || head[3] > 3)
        goto done;
    long size = 1;
    for (int d = 0; d < head[3]; d++) {
        if (gzread(f, dim, 4) != 4)
            goto done;
        long v = (long)dim[0] << 24 | (long)dim[1] << 16 | (long)dim[2] << 8 | dim[3];
        if (d == 0)
            *items = v;
        else
            size *= v;
    }
    *item_size = size;
    data = malloc((size_t)(*items * size));
    if (data && gzread(f, data, (unsigned)(*items * size)) != (int)(*items * size)) {
        free(data);
        data = NULL;
    }
done:
    gzclose(f);
    if (!data)
        fprintf(stderr, "kann_peer: %s is not a readable IDX file\n", path);
    return data;
}

/* a small seeded generator for the shuffle (kann's own RNG is seeded too,
 * for its weight initialisation) */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int run_mlp(long hidden, long layers, long batch, long epochs, float lr, const char *dir)
{
    long n, nte, px, one;
    uint8_t *xi = idx_read(dir, "train-images-idx3-ubyte.gz", &n, &px);
    uint8_t *yi = xi ? idx_read(dir, "train-labels-idx1-ubyte.gz", &n, &one) : NULL;
    uint8_t *ti = yi ? idx_read(dir, "t10k-images-idx3-ubyte.gz", &nte, &px) : NULL;
    uint8_t *tl = ti ? idx_read(dir, "t10k-labels-idx1-ubyte.gz", &nte, &one) : NULL;
    float *x = tl ? malloc(sizeof *x * (size_t)(n * px)) : NULL;
    int *perm = x ? malloc(sizeof *perm * (size_t)n) : NULL;
    float *xb = perm ? malloc(sizeof *xb * (size_t)(batch * px)) : NULL;
    float *yb = xb ? calloc((size_t)(batch * 10), sizeof *yb) : NULL;
    float *t1 = yb ? malloc(sizeof *t1 * (size_t)px) : NULL;
    if (!t1) {
        fprintf(stderr, "kann_peer: no data (or out of memory)\n");
        return 1;
    }
    for (long i = 0; i < n * px; i++)
        x[i] = (float)xi[i] / 255.0f;

    kad_node_t *t = kann_layer_input((int)px);
    for (long l = 0; l < layers; l++)
        t = kad_tanh(kann_layer_dense(t, (int)hidden));
    kann_t *ann = kann_new(kann_layer_cost(t, 10, KANN_C_CEM), 0);
    if (!ann) {
        fprintf(stderr, "kann_peer: kann_new failed\n");
        return 1;
    }
    int n_var = kann_size_var(ann);
    kann_feed_bind(ann, KANN_F_IN, 0, &xb);
    kann_feed_bind(ann, KANN_F_TRUTH, 0, &yb);
    kann_set_batch_size(ann, (int)batch);
    kann_switch(ann, 1);
    for (long i = 0; i < n; i++)
        perm[i] = (int)i;
    double best = 1e300;
    for (long e = 0; e < epochs; e++) {
        for (long i = n - 1; i > 0; i--) { /* Fisher-Yates */
            long j = (long)(rng_next() % (uint64_t)(i + 1));
            int s = perm[i];
            perm[i] = perm[j];
            perm[j] = s;
        }
        double t0 = now();
        for (long b0 = 0; b0 + batch <= n; b0 += batch) {
            memset(yb, 0, sizeof *yb * (size_t)(batch * 10));
            for (long b = 0; b < batch; b++) {
                long r = perm[b0 + b];
                memcpy(xb + b * px, x + r * px, sizeof *xb * (size_t)px);
                yb[b * 10 + yi[r]] = 1.0f;
            }
            kann_cost(ann, 0, 1);
            for (int k = 0; k < n_var; k++)
                ann->x[k] -= lr * ann->g[k];
        }
        double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    long hits = 0;
    kann_switch(ann, 0);
    for (long r = 0; r < nte; r++) {
        for (long k = 0; k < px; k++)
            t1[k] = (float)ti[r * px + k] / 255.0f;
        const float *out = kann_apply1(ann, t1);
        int guess = 0;
        for (int k = 1; k < 10; k++)
            if (out[k] > out[guess])
                guess = k;
        hits += guess == tl[r];
    }
    printf("kann %s threads=1 hidden=%ldx%ld batch=%ld epoch_s=%.3f samples_per_s=%.0f "
           "test_acc=%.4f blas=%s\n", KANN_VERSION, hidden, layers, batch, best,
           (double)n / best, (double)hits / (double)nte, KP_BLAS);
    kann_delete(ann);
    free(t1), free(yb), free(xb), free(perm), free(x);
    free(tl), free(ti), free(yi), free(xi);
    return 0;
}

static int run_chain(long n)
{
    float xv = 1.0f, gv = 0.0f, add = 1e-7f, mul = 1.0000001f;
    double best = 1e300, grad = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        kad_node_t *x = kad_var(&xv, &gv, 0); /* kad_grad wants a scalar at the end */
        kad_node_t *ca = kad_const(&add, 0), *cm = kad_const(&mul, 0);
        kad_node_t *y = x;
        for (long i = 0; i < n && y; i++)
            y = (i % 2) ? kad_mul(y, cm) : kad_add(y, ca);
        if (!y) {
            fprintf(stderr, "kann_peer: building the chain failed\n");
            return 1;
        }
        int nn;
        kad_node_t **v = kad_compile(&nn, 1, y);
        gv = 0.0f;
        kad_eval_at(nn, v, nn - 1);
        kad_grad(nn, v, nn - 1);
        kad_delete(nn, v);
        double dt = now() - t0;
        if (dt < best)
            best = dt;
        grad = gv;
    }
    printf("kann %s chain N=%ld: %.0f ns per op (build+compile+forward+backward), dy/dx = %.6f\n",
           KANN_VERSION, n, best / (double)n * 1e9, grad);
    return 0;
}

static long num(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v > 0 ? v : -1;
}

int main(int argc, char **argv)
{
    long hidden = 256, layers = 1, batch = 64, epochs = 1, chain = 0;
    float lr = 0.1f;
    int mlp = 0;
    const char *env = getenv("NB_FASHION_MNIST_DIR");
    const char *dir = env && *env ? env : "/usr/share/datasets/fashion-mnist";
    unsigned long long seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long *dst = !strcmp(k, "--hidden") ? &hidden : !strcmp(k, "--layers") ? &layers
                  : !strcmp(k, "--batch") ? &batch : !strcmp(k, "--epochs") ? &epochs
                  : !strcmp(k, "--chain") ? &chain : NULL;
        if (!strcmp(k, "--mlp")) {
            mlp = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "kann_peer: %s wants a value\n", k);
            return 2;
        }
        i++;
        if (dst) {
            if ((*dst = num(v)) < 0) {
                fprintf(stderr, "kann_peer: %s wants a positive integer, got %s\n", k, v);
                return 2;
            }
        } else if (!strcmp(k, "--lr")) {
            lr = strtof(v, NULL);
        } else if (!strcmp(k, "--data")) {
            dir = v;
        } else if (!strcmp(k, "--seed")) {
            seed = strtoull(v, NULL, 10);
        } else if (strcmp(k, "--threads")) { /* one thread: accepted, as the row asks */
            fprintf(stderr, "kann_peer: unknown option %s\n", k);
            return 2;
        }
    }
    kann_srand(seed + 11);
    rng_state ^= seed * 0x9e3779b97f4a7c15ull;
    if (chain)
        return run_chain(chain);
    if (mlp)
        return run_mlp(hidden, layers, batch, epochs, lr, dir);
    fprintf(stderr, "usage: kann_peer --mlp [--hidden H] [--batch B] [--epochs E] ... | --chain N\n");
    return 2;
}
