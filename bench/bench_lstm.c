/* W7: training a 1-layer LSTM, as a user of the public API would write it:
 * x (32, 64, 128) through nb_model_add_lstm (hidden 128), the last step's h
 * through a linear layer to 10 logits, cross-entropy, plain SGD; f32, one
 * thread by default.  Fixed random data (seeded), the same every step.
 *
 * Each repetition times `steps` training steps (record, backward, SGD step,
 * arena reset) after `warmup` untimed ones and reports the median step, in
 * the same line format as the PyTorch peer bench/torch_lstm.py, so that
 * bench/compare.sh can put both side by side.  samples/s counts sequences.
 *
 * With --profile it also reports how a step's time splits between the
 * forward recording, the backward pass and the optimizer step.
 *
 * Usage: bench_lstm [--batch 32] [--seq 64] [--input 128] [--hidden 128]
 *                   [--steps 10] [--warmup 2] [--threads 1] [--profile 1] */
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
    fprintf(stderr, "bench_lstm: %s: %s\n", what, nb_last_error());
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The LSTM's (N, T, H) output -> the last step's h, (N, H). */
static nb_tensor *last_step(nb_model *model, nb_tensor *h, void *ctx)
{
    (void)model;
    (void)ctx;
    int64_t T = nb_tensor_dim(h, 1);
    return nb_reshape(nb_slice(h, 1, T - 1, T), NB_SHAPE(nb_tensor_dim(h, 0), nb_tensor_dim(h, 2)));
}

int main(int argc, char **argv)
{
    long batch = 32, seq = 64, input = 128, hidden = 128, steps = 10, warmup = 2, threads = 1;
    long profile = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        long v = strtol(argv[i + 1], NULL, 10);
        if (v < 0 || (v == 0 && strcmp(argv[i], "--profile") && strcmp(argv[i], "--warmup")))
            return fprintf(stderr, "bench_lstm: bad value %s for %s\n", argv[i + 1], argv[i]), 2;
        if (!strcmp(argv[i], "--batch")) batch = v;
        else if (!strcmp(argv[i], "--seq")) seq = v;
        else if (!strcmp(argv[i], "--input")) input = v;
        else if (!strcmp(argv[i], "--hidden")) hidden = v;
        else if (!strcmp(argv[i], "--steps")) steps = v;
        else if (!strcmp(argv[i], "--warmup")) warmup = v;
        else if (!strcmp(argv[i], "--threads")) threads = v;
        else if (!strcmp(argv[i], "--profile")) profile = v;
        else return fprintf(stderr, "bench_lstm: unknown option %s\n", argv[i]), 2;
    }
#ifdef _OPENMP
    omp_set_num_threads((int)threads);
#else
    if (threads != 1)
        fprintf(stderr, "bench_lstm: built without OpenMP, running on 1 thread\n");
#endif
    nb_arena *data = nb_arena_new(), *step = nb_arena_new();
    if (!data || !step)
        return fail("arena");
    nb_arena_use(data);
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *x = nb_rand_normal(&rng, NB_F32, NB_SHAPE(batch, seq, input), 0, 1);
    int *lab = malloc((size_t)batch * sizeof *lab);
    if (!x || !lab)
        return fail("data");
    for (long i = 0; i < batch; i++)
        lab[i] = (int)nb_rng_below(&rng, 10);
    nb_tensor *y = nb_from_int(NB_F32, lab, NB_SHAPE(batch));
    nb_model *net = nb_model_new(&(nb_model_opts){.dtype = NB_F32, .seed = 1});
    if (!y || !net || nb_model_add_lstm(net, input, hidden) < 0 ||
        nb_model_add_layer(net, "last_step", last_step, NULL) < 0 ||
        nb_model_add_linear(net, hidden, 10, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0)
        return fail("model");
    nb_optim *opt = nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.01});
    if (!opt)
        return fail("optimizer");

    double *dt = malloc((size_t)steps * sizeof *dt), t_fwd = 0, t_bwd = 0, t_opt = 0;
    if (!dt)
        return fail("times");
    double loss_v = 0;
    nb_arena_use(step);
    for (long s = -warmup; s < steps; s++) {
        double t0 = now();
        nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, x), y, NB_REDUCE_MEAN);
        double t1 = now();
        if (!loss || nb_backward(loss, NULL) < 0)
            return fail("training step");
        double t2 = now();
        loss_v = nb_tensor_item(loss);
        if (nb_optim_step(opt) < 0 || nb_optim_zero_grad(opt) < 0)
            return fail("optimizer step");
        nb_arena_reset(step);
        double t3 = now();
        if (s >= 0) {
            dt[s] = t3 - t0;
            t_fwd += t1 - t0;
            t_bwd += t2 - t1;
            t_opt += t3 - t2;
        }
    }
    qsort(dt, (size_t)steps, sizeof *dt, cmp_double);
    double med = dt[steps / 2];
    printf("nabla threads=%ld lstm=%ldx%ld seq=%ld batch=%ld step_s=%.4f samples_per_s=%.1f "
           "loss=%.4f\n", threads, input, hidden, seq, batch, med, (double)batch / med, loss_v);
    if (profile) {
        double tot = t_fwd + t_bwd + t_opt;
        printf("nabla profile: forward %.0f%%, backward %.0f%%, optimizer+reset %.0f%% of %.4f s "
               "per step (mean)\n", 100 * t_fwd / tot, 100 * t_bwd / tot, 100 * t_opt / tot,
               tot / (double)steps);
    }
    nb_arena_use(NULL);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(step);
    nb_arena_free(data);
    free(dt);
    free(lab);
    return 0;
}
