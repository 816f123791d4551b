/* W6: training steps of a LeNet-style CNN (bench/bench_cnn_torch.py is the
 * PyTorch side): batch 64 of 1x28x28 f32 images, conv 5x5 x6 (padding 2)
 * relu, max pool 2, conv 5x5 x16 relu, max pool 2, flatten 400, 120 relu,
 * 84 relu, 10 logits; cross-entropy, plain SGD.  Each step is forward,
 * backward and update in a step arena that is reset after it.
 *
 * The images are fixed random values (the speed does not depend on them).
 * After `warmup` untimed steps, `reps` runs of `steps` steps are timed and
 * the best one is reported as samples/s, in one line like the peer's.
 *
 * Usage: bench_cnn [--threads 1] [--batch 64] [--steps 30] [--reps 3]
 *                  [--warmup 5] */
#define _POSIX_C_SOURCE 200809L
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_cnn: %s: %s\n", what, nb_last_error());
    return 1;
}

static nb_model *lenet(void)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F32, .seed = 1});
    const nb_conv2d_opts same = {.padding = {2, 2}};
    if (!m || nb_model_add_conv2d(m, 1, 6, 5, 5, &same, NB_ACT_RELU, NB_INIT_DEFAULT) < 0 ||
        nb_model_add_max_pool2d(m, 2, 2, NULL) < 0 ||
        nb_model_add_conv2d(m, 6, 16, 5, 5, NULL, NB_ACT_RELU, NB_INIT_DEFAULT) < 0 ||
        nb_model_add_max_pool2d(m, 2, 2, NULL) < 0 || nb_model_add_flatten(m) < 0 ||
        nb_model_add_linear(m, 400, 120, NB_ACT_RELU, NB_INIT_HE_UNIFORM) < 0 ||
        nb_model_add_linear(m, 120, 84, NB_ACT_RELU, NB_INIT_HE_UNIFORM) < 0 ||
        nb_model_add_linear(m, 84, 10, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0) {
        nb_model_free(m);
        return NULL;
    }
    return m;
}

static int step(nb_model *net, nb_optim *opt, nb_tensor *x, nb_tensor *y, nb_arena *arena)
{
    nb_arena_use(arena);
    nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, x), y, NB_REDUCE_MEAN);
    int rc = loss ? nb_optim_zero_grad(opt) : -1;
    if (rc >= 0)
        rc = nb_backward(loss, NULL);
    if (rc >= 0)
        rc = nb_optim_step(opt);
    nb_arena_reset(arena);
    return rc;
}

int main(int argc, char **argv)
{
    long threads = 1, batch = 64, steps = 30, reps = 3, warmup = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        long v = strtol(argv[i + 1], NULL, 10);
        if (v < 1) {
            fprintf(stderr, "bench_cnn: %s wants a positive number\n", argv[i]);
            return 2;
        }
        if (!strcmp(argv[i], "--threads"))
            threads = v;
        else if (!strcmp(argv[i], "--batch"))
            batch = v;
        else if (!strcmp(argv[i], "--steps"))
            steps = v;
        else if (!strcmp(argv[i], "--reps"))
            reps = v;
        else if (!strcmp(argv[i], "--warmup"))
            warmup = v;
        else {
            fprintf(stderr, "bench_cnn: unknown option %s\n", argv[i]);
            return 2;
        }
    }
#ifdef _OPENMP
    omp_set_num_threads((int)threads);
#endif
    nb_arena *data = nb_arena_new(), *arena = nb_arena_new();
    if (!data || !arena)
        return fail("arena");
    nb_arena_use(data);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(batch, 1, 28, 28), 0, 1);
    int *labels = malloc(sizeof *labels * (size_t)batch);
    if (!x || !labels)
        return fail("data");
    for (long i = 0; i < batch; i++)
        labels[i] = (int)(i % 10);
    nb_tensor *y = nb_from_int(NB_F32, labels, NB_SHAPE(batch));
    free(labels);
    nb_model *net = lenet();
    nb_optim *opt = net ? nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.01}) : NULL;
    if (!y || !opt)
        return fail("model");
    for (long i = 0; i < warmup; i++)
        if (step(net, opt, x, y, arena) < 0)
            return fail("step");
    double best = 1e300;
    for (long r = 0; r < reps; r++) {
        double t0 = now();
        for (long i = 0; i < steps; i++)
            if (step(net, opt, x, y, arena) < 0)
                return fail("step");
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    printf("W6 nabla threads=%ld batch=%ld steps=%ld ms_per_step=%.3f samples_per_s=%.0f\n",
           threads, batch, steps, 1e3 * best / (double)steps, (double)(batch * steps) / best);
    nb_arena_use(NULL);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(arena);
    nb_arena_free(data);
    return 0;
}
