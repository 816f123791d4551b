/* nabla: two user threads at once.
 *
 * - Two threads train two independent models at the same time (nb_train on
 *   iris, and an explicit forward/loss/backward/step/zero-grad/reset loop on
 *   shapes that take the parallel GEMM path), and end with parameters that
 *   are bit-identical to the same trainings run alone beforehand.
 * - Products big enough for the OpenMP GEMM path, computed by 2 OpenMP
 *   threads inside each of two user threads, equal bit for bit the result of
 *   one thread alone: the parallel driver cuts C into slabs of whole tiles
 *   and every tile is summed over k in the same order as on one thread.
 * - The thread-local settings of one thread (error, grad mode, current
 *   arena) are not seen by the other.
 *
 * Workers only compute and record what they saw; every assertion runs in the
 * main thread after the join, since Check's asserts are not thread-safe.
 * Under ThreadSanitizer (scripts/test.sh --tsan) a data race that TSan sees
 * between the two threads fails the run even when the values agree; shared
 * state whose accesses TSan misses still shows up as different values. */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdio.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "test_util.h"

#include "kernels/gemm.h" /* nb_gemm_workspace_bytes: which path a product takes */

/* OpenMP threads a worker asks for (1 = the serial GEMM path). */
static void set_omp_threads(int n)
{
#ifdef _OPENMP
    omp_set_num_threads(n);
#else
    (void)n;
#endif
}

/* Start two workers together (each waits on `start` when it is not NULL)
 * and wait for both. */
static void run_pair(void *(*fn)(void *), void *a, void *b)
{
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, fn, a), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, fn, b), 0);
    ck_assert_int_eq(pthread_join(ta, NULL), 0);
    ck_assert_int_eq(pthread_join(tb, NULL), 0);
}

/* Run one worker alone on a fresh thread (fresh thread-local state, as the
 * workers of run_pair have). */
static void run_alone(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, fn, arg), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
}

static const char *iris_path(void)
{
    static char buf[4096];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    snprintf(buf, sizeof buf, "%s/iris.csv", dir ? dir : NB_THREADS_DATA_DIR);
    return buf;
}

/* ---- 1. two trainings at once ---- */

enum { JOB_IRIS_TRAIN, JOB_STEP_LOOP };
#define LOOP_STEPS 6
/* The step loop's network: 256 samples through 64-256-256-10, so the
 * hidden layer's products (256 x 256 x 256, 256 x 64 x 256, ...) have far
 * more than the 2^20 multiply-adds above which GEMM uses a thread team. */
#define LOOP_N 256
#define LOOP_IN 64
#define LOOP_H 256
#define LOOP_OUT 10

typedef struct train_job {
    int kind;
    uint64_t seed;
    int omp_threads;
    pthread_barrier_t *start; /* NULL when run alone */
    /* results */
    int failed_at;           /* 0 = success, else the step that failed */
    char message[512];       /* nb_last_error() of the failure */
    unsigned char *params;   /* a copy of the flat parameter buffer */
    size_t param_bytes;
    double first_loss, last_loss, accuracy;
    size_t ws_serial, ws_team; /* GEMM workspace of the largest product with 1 and omp_threads */
} train_job;

static int job_fail(train_job *j, int where)
{
    j->failed_at = where;
    snprintf(j->message, sizeof j->message, "%s", nb_last_error());
    return where;
}

/* 150 iris samples (z-scored) through 4-10-3, Adam, minibatches of 16,
 * IRIS_EPOCHS epochs of nb_train, in float64.  As many epochs as it takes to
 * last about as long as the step loop beside it: ThreadSanitizer reliably
 * compares only the accesses of threads that run at the same time. */
#define IRIS_EPOCHS 200
static int iris_train(train_job *j, nb_model **net_out)
{
    nb_csv_data d;
    if (nb_csv_load(iris_path(),
                    &(nb_csv_opts){.target_cols = (const int[]){-1}, .n_target_cols = 1,
                                   .class_labels = true, .dtype = NB_F64},
                    &d) != NB_OK)
        return job_fail(j, 1);
    nb_zscore_settings zs;
    nb_tensor *x = nb_zscore(d.x, &zs);
    nb_model *net = *net_out = nb_bpnet_new((const int64_t[]){4, 10, 3}, 3, NULL,
                                            &(nb_bpnet_opts){.dtype = NB_F64, .seed = j->seed});
    nb_optim *opt = nb_adam_new(net, &(nb_adam_opts){.lr = 0.01});
    if (!x || !opt)
        return job_fail(j, 2);
    nb_train_record rec;
    int rc = nb_train(net, opt, nb_cross_entropy_loss, &(nb_train_data){.x = x, .y = d.y},
                      &(nb_train_opts){.epochs = IRIS_EPOCHS, .batch_size = 16, .seed = j->seed,
                                       .min_grad = -1, .verbose = -1},
                      &rec);
    nb_optim_free(opt);
    if (rc != NB_OK)
        return job_fail(j, 3);
    j->first_loss = rec.train_loss[0];
    j->last_loss = rec.train_loss[rec.epochs];
    j->accuracy = rec.train_acc ? rec.train_acc[rec.epochs] : -1;
    nb_train_record_free(&rec);
    return 0;
}

/* Random data through 64-256-256-10 in float32, SGD with momentum, the
 * step written out: forward, loss, backward, step, zero grad, arena reset. */
static int step_loop(train_job *j, nb_model **net_out)
{
    j->ws_serial = nb_gemm_workspace_bytes(sizeof(float), LOOP_N, LOOP_H, LOOP_H);
    set_omp_threads(j->omp_threads);
    j->ws_team = nb_gemm_workspace_bytes(sizeof(float), LOOP_N, LOOP_H, LOOP_H);
    nb_rng rng;
    nb_rng_seed(&rng, j->seed);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(LOOP_N, LOOP_IN), -1, 1);
    nb_tensor *y = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(LOOP_N, LOOP_OUT), -1, 1);
    nb_model *net = *net_out = nb_bpnet_new((const int64_t[]){LOOP_IN, LOOP_H, LOOP_H, LOOP_OUT},
                                            4, NULL, &(nb_bpnet_opts){.seed = j->seed});
    nb_optim *opt = nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.05, .momentum = 0.9});
    nb_arena *step = nb_arena_new();
    if (!x || !y || !opt || !step) {
        nb_optim_free(opt);
        nb_arena_free(step);
        return job_fail(j, 1);
    }
    nb_arena *data = nb_arena_use(step);
    int failed = 0;
    for (int it = 0; it < LOOP_STEPS && !failed; it++) {
        nb_tensor *loss = nb_mse_loss(nb_model_forward(net, x), y, NB_REDUCE_MEAN);
        double value = loss ? nb_tensor_item(loss) : NAN;
        if (it == 0)
            j->first_loss = value;
        j->last_loss = value;
        if (!loss || nb_backward(loss, NULL) != NB_OK || nb_optim_step(opt) != NB_OK ||
            nb_optim_zero_grad(opt) != NB_OK)
            failed = job_fail(j, 10 + it);
        nb_arena_reset(step);
    }
    nb_arena_use(data);
    nb_arena_free(step);
    nb_optim_free(opt);
    return failed;
}

static void *train_worker(void *arg)
{
    train_job *j = arg;
    set_omp_threads(1);
    nb_arena *data = nb_arena_new();
    nb_arena_use(data);
    if (j->start)
        pthread_barrier_wait(j->start);
    nb_model *net = NULL;
    int failed = j->kind == JOB_IRIS_TRAIN ? iris_train(j, &net) : step_loop(j, &net);
    nb_tensor *flat = failed ? NULL : nb_model_params_flat(net);
    if (!failed && !flat)
        job_fail(j, 99);
    if (flat) {
        j->param_bytes = (size_t)nb_tensor_numel(flat) * nb_dtype_size(nb_tensor_dtype(flat));
        j->params = malloc(j->param_bytes);
        if (j->params)
            memcpy(j->params, nb_tensor_data(flat), j->param_bytes);
    }
    nb_model_free(net);
    nb_arena_use(NULL);
    nb_arena_free(data);
    return NULL;
}

static void check_job(const train_job *j, const char *what)
{
    ck_assert_msg(j->failed_at == 0, "%s failed at %d: %s", what, j->failed_at, j->message);
    ck_assert_ptr_nonnull(j->params);
    ck_assert_msg(j->last_loss < j->first_loss, "%s: loss %g -> %g", what, j->first_loss,
                  j->last_loss);
}

START_TEST(test_two_trainings_at_once_match_alone)
{
    pthread_barrier_t start;
    ck_assert_int_eq(pthread_barrier_init(&start, NULL, 2), 0);
    /* alone first, one OpenMP thread each: the reference */
    train_job iris1 = {.kind = JOB_IRIS_TRAIN, .seed = 7, .omp_threads = 1};
    train_job loop1 = {.kind = JOB_STEP_LOOP, .seed = 11, .omp_threads = 1};
    run_alone(train_worker, &iris1);
    run_alone(train_worker, &loop1);
    check_job(&iris1, "iris alone");
    check_job(&loop1, "step loop alone");
    ck_assert_msg(iris1.accuracy > 0.9, "iris accuracy %g", iris1.accuracy);
    ck_assert_uint_eq(iris1.param_bytes, (4 * 10 + 10 + 10 * 3 + 3) * sizeof(double));
    ck_assert_uint_eq(loop1.param_bytes,
                      (64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10) * sizeof(float));

    /* then both at once, the step loop's products on 2 OpenMP threads */
    train_job iris2 = {.kind = JOB_IRIS_TRAIN, .seed = 7, .omp_threads = 1, .start = &start};
    train_job loop2 = {.kind = JOB_STEP_LOOP, .seed = 11, .omp_threads = 2, .start = &start};
    run_pair(train_worker, &iris2, &loop2);
    check_job(&iris2, "iris beside the step loop");
    check_job(&loop2, "step loop beside iris");
#ifdef _OPENMP
    /* the workspace is sized for the thread team the product really uses */
    ck_assert_uint_gt(loop2.ws_team, loop2.ws_serial);
#endif
    ck_assert_uint_eq(iris2.param_bytes, iris1.param_bytes);
    ck_assert_uint_eq(loop2.param_bytes, loop1.param_bytes);
    ck_assert_msg(memcmp(iris1.params, iris2.params, iris1.param_bytes) == 0,
                  "iris parameters differ when trained beside another model");
    ck_assert_msg(memcmp(loop1.params, loop2.params, loop1.param_bytes) == 0,
                  "step-loop parameters differ when trained beside another model");
    ck_assert(iris2.last_loss == iris1.last_loss);
    ck_assert(loop2.last_loss == loop1.last_loss);

    /* two copies of the same training at once: the same bits again */
    train_job loop3 = loop2, loop4 = loop2;
    loop3.params = loop4.params = NULL;
    run_pair(train_worker, &loop3, &loop4);
    check_job(&loop3, "step loop, first copy");
    check_job(&loop4, "step loop, second copy");
    ck_assert(memcmp(loop1.params, loop3.params, loop1.param_bytes) == 0);
    ck_assert(memcmp(loop1.params, loop4.params, loop1.param_bytes) == 0);

    free(iris1.params), free(loop1.params), free(iris2.params), free(loop2.params);
    free(loop3.params), free(loop4.params);
    pthread_barrier_destroy(&start);
}
END_TEST

/* ---- 2. the OpenMP GEMM path inside two user threads ---- */

/* Products over the parallel driver's cases: C split by rows (more row
 * tiles) and by columns (more column tiles), transposed operands, several
 * k-blocks (k above kc = 512), ragged edge tiles, float and double. */
typedef struct mm_case {
    nb_dtype dtype;
    bool ta, tb;
    int64_t m, n, k;
} mm_case;
static const mm_case mm_cases[] = {
    {NB_F32, false, false, 300, 260, 200}, /* 25 row tiles, 9 column tiles: split by rows */
    {NB_F32, false, true, 64, 256, 784},   /* x W^T (a layer's dX): split by columns */
    {NB_F32, true, false, 190, 130, 600},  /* A^T (a layer's dW), two k-blocks, ragged */
    {NB_F64, false, false, 200, 300, 150},
    {NB_F64, true, true, 101, 67, 333},
};
#define MM_CASES (int)(sizeof mm_cases / sizeof mm_cases[0])
#define MM_REPEATS 2

typedef struct mm_job {
    int omp_threads;
    pthread_barrier_t *start;
    int failed_at;
    char message[512];
    unsigned char *out[MM_CASES];
    size_t bytes[MM_CASES];
    bool stable[MM_CASES];     /* every repeat gave the same bits */
    size_t ws_serial[MM_CASES], ws_team[MM_CASES];
} mm_job;

static void *mm_worker(void *arg)
{
    mm_job *j = arg;
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    if (j->start)
        pthread_barrier_wait(j->start);
    for (int c = 0; c < MM_CASES && !j->failed_at; c++) {
        const mm_case *mc = &mm_cases[c];
        size_t es = nb_dtype_size(mc->dtype);
        set_omp_threads(1);
        j->ws_serial[c] = nb_gemm_workspace_bytes(es, mc->m, mc->n, mc->k);
        set_omp_threads(j->omp_threads);
        j->ws_team[c] = nb_gemm_workspace_bytes(es, mc->m, mc->n, mc->k);
        nb_rng rng;
        nb_rng_seed(&rng, 100 + (uint64_t)c);
        nb_tensor *a = mc->ta ? nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->k, mc->m), -1, 1)
                              : nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->m, mc->k), -1, 1);
        nb_tensor *b = mc->tb ? nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->n, mc->k), -1, 1)
                              : nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->k, mc->n), -1, 1);
        j->stable[c] = true;
        for (int r = 0; r < MM_REPEATS; r++) {
            nb_tensor *p = nb_matmul_t(a, b, mc->ta, mc->tb);
            if (!p) {
                j->failed_at = 1 + c;
                snprintf(j->message, sizeof j->message, "%s", nb_last_error());
                break;
            }
            if (r == 0) {
                j->bytes[c] = (size_t)nb_tensor_numel(p) * es;
                j->out[c] = malloc(j->bytes[c]);
                if (!j->out[c]) {
                    j->failed_at = 1 + c;
                    snprintf(j->message, sizeof j->message, "out of memory");
                    break;
                }
                memcpy(j->out[c], nb_tensor_data(p), j->bytes[c]);
            } else if (memcmp(j->out[c], nb_tensor_data(p), j->bytes[c]) != 0) {
                j->stable[c] = false;
            }
        }
    }
    nb_arena_use(NULL);
    nb_arena_free(arena);
    return NULL;
}

START_TEST(test_parallel_gemm_in_two_threads_matches_one_thread)
{
    pthread_barrier_t start;
    ck_assert_int_eq(pthread_barrier_init(&start, NULL, 2), 0);
    mm_job alone = {.omp_threads = 1};
    run_alone(mm_worker, &alone);
    mm_job a = {.omp_threads = 2, .start = &start}, b = a;
    b.omp_threads = 3; /* an odd team: slabs of unequal tile counts */
    run_pair(mm_worker, &a, &b);
    const mm_job *jobs[3] = {&alone, &a, &b};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(jobs[i]->failed_at == 0, "job %d failed at case %d: %s", i,
                      jobs[i]->failed_at, jobs[i]->message);
    for (int c = 0; c < MM_CASES; c++) {
        const mm_case *mc = &mm_cases[c];
        ck_assert_uint_eq(alone.bytes[c], (size_t)(mc->m * mc->n) * nb_dtype_size(mc->dtype));
#ifdef _OPENMP
        /* each product really takes the 2-thread path, and the serial one alone */
        ck_assert_msg(a.ws_team[c] > a.ws_serial[c], "case %d stays on one thread", c);
        ck_assert_uint_eq(alone.ws_team[c], alone.ws_serial[c]);
#endif
        for (int i = 0; i < 3; i++) {
            ck_assert_msg(jobs[i]->stable[c], "job %d case %d: repeats differ", i, c);
            ck_assert_uint_eq(jobs[i]->bytes[c], alone.bytes[c]);
            ck_assert_msg(memcmp(jobs[i]->out[c], alone.out[c], alone.bytes[c]) == 0,
                          "case %d (%lldx%lldx%lld): 2 OpenMP threads in user thread %d "
                          "differ from 1 thread alone",
                          c, (long long)mc->m, (long long)mc->n, (long long)mc->k, i);
        }
    }
    /* and the values are right: one element of the first case by hand */
    {
        const mm_case *mc = &mm_cases[0];
        nb_rng rng;
        nb_rng_seed(&rng, 100);
        nb_tensor *x = nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->m, mc->k), -1, 1);
        nb_tensor *w = nb_rand_uniform(&rng, mc->dtype, NB_SHAPE(mc->k, mc->n), -1, 1);
        const int64_t i = 123, jj = 45;
        double want = 0;
        for (int64_t p = 0; p < mc->k; p++)
            want += nb_tensor_get(x, i * mc->k + p) * nb_tensor_get(w, p * mc->n + jj);
        float got;
        memcpy(&got, alone.out[0] + (size_t)(i * mc->n + jj) * sizeof(float), sizeof got);
        ck_assert_double_eq_tol(got, want, 1e-4);
    }
    for (int i = 0; i < 3; i++)
        for (int c = 0; c < MM_CASES; c++)
            free(jobs[i]->out[c]);
    pthread_barrier_destroy(&start);
}
END_TEST

/* ---- 3. thread-local settings ---- */

typedef struct tls_view {
    pthread_barrier_t *step;
    /* thread A: fails, turns recording off, then looks again */
    nb_status a_status_before, a_status_after;
    char a_message_before[512], a_message_after[512];
    bool a_grad_after, a_recorded;
    bool a_saw_arena;
    /* thread B: looks while A is in that state, then fails differently */
    nb_status b_status_seen;
    char b_message_seen[512];
    bool b_grad_seen, b_recorded, b_saw_arena;
    nb_status b_status_own;
    char b_message_own[512];
} tls_view;

static void *tls_thread_a(void *arg)
{
    tls_view *v = arg;
    v->a_saw_arena = nb_arena_current() != NULL;
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_set_grad_enabled(false);
    nb_tensor *w = nb_tensor_set_requires_grad(nb_ones(NB_F32, NB_SHAPE(2, 3)), true);
    v->a_recorded = nb_tensor_requires_grad(nb_mul(w, w));
    nb_tensor *bad = nb_matmul(w, nb_ones(NB_F32, NB_SHAPE(4, 2)));
    (void)bad;
    v->a_status_before = nb_last_status();
    snprintf(v->a_message_before, sizeof v->a_message_before, "%s", nb_last_error());
    pthread_barrier_wait(v->step); /* 1: B looks now */
    pthread_barrier_wait(v->step); /* 2: B has failed in its own way */
    v->a_status_after = nb_last_status();
    snprintf(v->a_message_after, sizeof v->a_message_after, "%s", nb_last_error());
    v->a_grad_after = nb_grad_enabled();
    nb_arena_use(NULL);
    nb_arena_free(arena);
    return NULL;
}

static void *tls_thread_b(void *arg)
{
    tls_view *v = arg;
    pthread_barrier_wait(v->step); /* 1 */
    v->b_status_seen = nb_last_status();
    snprintf(v->b_message_seen, sizeof v->b_message_seen, "%s", nb_last_error());
    v->b_grad_seen = nb_grad_enabled();
    v->b_saw_arena = nb_arena_current() != NULL;
    /* no arena of its own yet: B's own failure */
    nb_tensor *none = nb_zeros(NB_F64, NB_SHAPE(3));
    (void)none;
    v->b_status_own = nb_last_status();
    snprintf(v->b_message_own, sizeof v->b_message_own, "%s", nb_last_error());
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *w = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(3)), true);
    v->b_recorded = nb_tensor_requires_grad(nb_mul(w, w));
    nb_arena_use(NULL);
    nb_arena_free(arena);
    pthread_barrier_wait(v->step); /* 2 */
    return NULL;
}

START_TEST(test_thread_local_error_grad_mode_and_arena)
{
    pthread_barrier_t step;
    ck_assert_int_eq(pthread_barrier_init(&step, NULL, 2), 0);
    tls_view v = {.step = &step};
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, tls_thread_a, &v), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, tls_thread_b, &v), 0);
    ck_assert_int_eq(pthread_join(ta, NULL), 0);
    ck_assert_int_eq(pthread_join(tb, NULL), 0);

    /* A: the main thread's current arena is not A's */
    ck_assert(!v.a_saw_arena);
    ck_assert(!v.a_recorded);
    ck_assert_int_eq(v.a_status_before, NB_ERR_SHAPE);
    ck_assert_msg(strstr(v.a_message_before, "matmul: inner sizes differ (a is 2x3, b is 4x2") != NULL,
                  "A's message: %s", v.a_message_before);
    /* B saw none of A's state while A held it */
    ck_assert_int_eq(v.b_status_seen, NB_OK);
    ck_assert_str_eq(v.b_message_seen, "");
    ck_assert(v.b_grad_seen);
    ck_assert(!v.b_saw_arena);
    ck_assert(v.b_recorded);
    ck_assert_int_eq(v.b_status_own, NB_ERR_STATE);
    ck_assert_msg(strstr(v.b_message_own, "no current arena (call nb_arena_use(arena) first)") != NULL,
                  "B's message: %s", v.b_message_own);
    /* and A still has its own after B failed */
    ck_assert_int_eq(v.a_status_after, NB_ERR_SHAPE);
    ck_assert_str_eq(v.a_message_after, v.a_message_before);
    ck_assert(!v.a_grad_after);
    /* the main thread is untouched by both */
    ck_assert_int_eq(nb_last_status(), NB_OK);
    ck_assert_str_eq(nb_last_error(), "");
    ck_assert(nb_grad_enabled());
    ck_assert_ptr_eq(nb_arena_current(), test_arena);
    pthread_barrier_destroy(&step);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = nb_test_case("threads");
    tcase_add_test(tc, test_two_trainings_at_once_match_alone);
    tcase_add_test(tc, test_parallel_gemm_in_two_threads_matches_one_thread);
    tcase_add_test(tc, test_thread_local_error_grad_mode_and_arena);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
