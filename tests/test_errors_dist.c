/* Misuse catalogue, the distributed module: the entries that need no
 * mpirun (docs/errors.md E355..E360, one test each, in the doc's order).
 * They run in every build: where a message depends on whether nabla was
 * built with MPI, the test checks the message of the build at hand.  The
 * entries that need several ranks (E361..E368) are checked by
 * tests/test_dist_mpi.c under tests/check_mpi.sh. */
#define _GNU_SOURCE
#include "test_errors.h"

static const char no_mpi[] = "nabla was built without MPI (configure --with-mpi, with "
                             "libopenmpi-dev installed)";

/* A 3-5-2 f64 net and 6 rows to fit with Levenberg-Marquardt. */
static nb_model *fit_net(void)
{
    return nb_bpnet_new((const int64_t[]){3, 5, 2}, 3, NULL,
                        &(nb_bpnet_opts){.dtype = NB_F64, .seed = 3});
}

static nb_train_data fit_data(void)
{
    double xs[18], ys[12];
    for (int i = 0; i < 18; i++)
        xs[i] = sin(0.3 * i);
    for (int i = 0; i < 12; i++)
        ys[i] = cos(0.5 * i);
    return (nb_train_data){.x = nb_from_f64(xs, NB_SHAPE(6, 3)),
                           .y = nb_from_f64(ys, NB_SHAPE(6, 2))};
}

/* Sum hooks standing in for the processes: one that fails without a
 * message, one whose sum of the start-up check says another process failed
 * (its first call is the counts: failed flag, then the sets' sizes). */
static int sum_fails(double *v, int64_t n, void *ctx)
{
    (void)v;
    (void)n;
    (void)ctx;
    return NB_ERR_IO;
}

static int sum_peer_failed(double *v, int64_t n, void *ctx)
{
    int *calls = ctx;
    if ((*calls)++ == 0 && n == 4)
        v[0] += 1;
    return NB_OK;
}

static int pairs_unused(double *hi, double *lo, int64_t n, void *ctx)
{
    (void)hi;
    (void)lo;
    (void)n;
    (void)ctx;
    return NB_ERR_STATE; /* the tests fail before the first epoch */
}

START_TEST(e355_dist_without_mpi)
{
    if (nb_dist_available()) { /* this build has MPI: E356's message instead */
        ck_assert_int_eq(nb_dist_size(), NB_ERR_STATE);
        return;
    }
    E_FAIL(nb_dist_init(NULL, NULL), NB_ERR_STATE, no_mpi);
    E_ALSO("nb_dist_init: ");
}
END_TEST

START_TEST(e356_dist_rank_before_init)
{
    E_FAIL(nb_dist_rank(), NB_ERR_STATE,
           nb_dist_available() ? "nb_dist_rank: the distributed module is not started (call "
                                 "nb_dist_init first)"
                               : no_mpi);
}
END_TEST

START_TEST(e357_dist_abort_before_mpi)
{
    E_FAIL(nb_dist_abort(3), NB_ERR_STATE,
           nb_dist_available() ? "nb_dist_abort: MPI is not initialised" : no_mpi);
}
END_TEST

START_TEST(e358_trainlm_parallel_without_sum)
{
    nb_model *net = fit_net();
    nb_train_data d = fit_data();
    E_FAIL(nb_trainlm(net, &d, &(nb_trainlm_opts){.parallel = &(nb_lm_parallel){0}}, NULL),
           NB_ERR_NULL,
           "nb_trainlm: opts->parallel->sum is NULL (a run across processes needs both hooks)");
    nb_model_free(net);
}
END_TEST

START_TEST(e359_trainlm_sum_fails)
{
    nb_model *net = fit_net();
    nb_train_data d = fit_data();
    nb_train_record rec;
    E_FAIL(nb_trainlm(net, &d,
                      &(nb_trainlm_opts){.verbose = -1,
                                         .parallel = &(nb_lm_parallel){
                                             .sum = sum_fails, .sum_pairs = pairs_unused}},
                      &rec),
           NB_ERR_IO, "nb_trainlm: opts->parallel->sum returned -6");
    ck_assert_int_eq(rec.epochs, 0);
    ck_assert_ptr_null(rec.train_loss);
    nb_model_free(net);
}
END_TEST

START_TEST(e360_trainbr_peer_failed)
{
    nb_model *net = fit_net();
    nb_train_data d = fit_data();
    int calls = 0;
    nb_lm_parallel par = {.sum = sum_peer_failed, .sum_pairs = pairs_unused, .ctx = &calls};
    E_FAIL(nb_trainbr(net, &d, &(nb_trainlm_opts){.verbose = -1, .parallel = &par}, NULL),
           NB_ERR_STATE,
           "nb_trainbr: 1 of the processes failed to start (see their messages); none trains");
    ck_assert_int_eq(calls, 1); /* no epoch began */
    nb_model_free(net);
}
END_TEST

static Suite *errors_dist_suite(void)
{
    Suite *s = suite_create("errors_dist");
    TCase *tc = nb_test_case("dist");
    tcase_add_test(tc, e355_dist_without_mpi);
    tcase_add_test(tc, e356_dist_rank_before_init);
    tcase_add_test(tc, e357_dist_abort_before_mpi);
    tcase_add_test(tc, e358_trainlm_parallel_without_sum);
    tcase_add_test(tc, e359_trainlm_sum_fails);
    tcase_add_test(tc, e360_trainbr_peer_failed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_dist_suite());
}
