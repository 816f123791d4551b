/* Levenberg-Marquardt across ranks (nb_dist_trainlm): the time of an epoch
 * and of the per-epoch sum of J'J and J'e (P*P + P doubles, one
 * MPI_Allreduce), for small fitting nets of P parameters on N rows.  Start
 * it under mpirun (`mpirun -np 2 bench/bench_dist_lm`); rank 0 prints one
 * line per net.  The allreduce is timed alone, on MPI_COMM_WORLD, as the
 * median of 20; the epoch time is the run's seconds over its epochs (the
 * Jacobian of each rank's N/n rows, J'J of them, the sums, the solves and
 * the trial steps).
 *
 * Usage: bench_dist_lm [--epochs 10] */
#include <math.h>
#include <mpi.h>
#include <nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median time of 20 in-place sums of n doubles over the ranks. */
static double allreduce_time(int64_t n)
{
    double *buf = calloc((size_t)n, sizeof *buf), t[20];
    if (!buf)
        return NAN;
    for (int i = 0; i < 20; i++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        t[i] = MPI_Wtime() - t0;
    }
    free(buf);
    qsort(t, 20, sizeof *t, cmp);
    return 0.5 * (t[9] + t[10]);
}

/* One net: in-hidden-1 (tansig, purelin) on n rows of a smooth target. */
static int run(int rank, int size, int64_t in, int64_t hidden, int64_t n, int epochs)
{
    nb_arena *a = nb_arena_new();
    nb_arena *prev = nb_arena_use(a);
    double *xs = malloc(sizeof *xs * (size_t)(n * in)), *ys = malloc(sizeof *ys * (size_t)n);
    if (!xs || !ys)
        return 1;
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t j = 0; j < in; j++) {
            xs[i * in + j] = sin(0.37 * (double)i + 0.9 * (double)j);
            s += xs[i * in + j] * (double)(j % 3 - 1);
        }
        ys[i] = tanh(s) + 0.1 * sin(3.0 * (double)i);
    }
    nb_train_data d = {.x = nb_from_f64(xs, NB_SHAPE(n, in)), .y = nb_from_f64(ys, NB_SHAPE(n, 1))};
    free(xs);
    free(ys);
    nb_model *net = nb_bpnet_new((const int64_t[]){in, hidden, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_train_record rec;
    int rc = nb_dist_trainlm(net, &d, &(nb_trainlm_opts){.epochs = epochs, .verbose = -1,
                                                        .min_grad = -1, .max_fail = -1}, &rec);
    if (rc < 0) {
        fprintf(stderr, "rank %d: %s\n", rank, nb_last_error());
        return 1;
    }
    int64_t P = nb_tensor_numel(nb_model_params_flat(net));
    double ar = allreduce_time(P * P + P);
    if (rank == 0)
        printf("ranks %d  net %lld-%lld-1  P %lld  N %lld  epoch %.2f ms  allreduce of P^2+P "
               "doubles (%.2f MB) %.3f ms  perf %.6g after %d epochs\n", size, (long long)in,
               (long long)hidden, (long long)P, (long long)n, 1e3 * rec.seconds / rec.epochs,
               8e-6 * (double)(P * P + P), 1e3 * ar, rec.train_loss[rec.epochs], rec.epochs);
    nb_train_record_free(&rec);
    nb_model_free(net);
    nb_arena_use(prev);
    nb_arena_free(a);
    return 0;
}

int main(int argc, char **argv)
{
    if (nb_dist_init(&argc, &argv) < 0) {
        fprintf(stderr, "%s\n", nb_last_error());
        return 1;
    }
    int epochs = argc > 2 && strcmp(argv[1], "--epochs") == 0 ? atoi(argv[2]) : 10;
    int rank = nb_dist_rank(), size = nb_dist_size(), bad = 0;
    bad |= run(rank, size, 13, 10, 506, epochs);   /* MATLAB's house data size: P 151 */
    bad |= run(rank, size, 8, 40, 2000, epochs);   /* P 401 */
    bad |= run(rank, size, 10, 60, 4000, epochs);  /* P 721 */
    nb_dist_finalize();
    return bad;
}
