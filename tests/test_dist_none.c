/* nabla built without MPI: every function of nabla/dist.h exists and fails
 * with NB_ERR_STATE naming itself and saying why (src/dist/none.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test_util.h"

START_TEST(test_dist_without_mpi)
{
    ck_assert(!nb_dist_available());
    int argc = 1;
    char *args[] = {"prog", NULL}, **argv = args;
    ck_assert_int_eq(nb_dist_init(&argc, &argv), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_dist_init: nabla was built without MPI (configure "
                    "--with-mpi, with libopenmpi-dev installed)");
    ck_assert_int_eq(nb_dist_rank(), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_dist_rank: nabla was built without MPI");
    ck_assert_int_eq(nb_dist_size(), NB_ERR_STATE);
    ck_assert_int_eq(nb_dist_broadcast_params(NULL), NB_ERR_STATE);
    ck_assert_int_eq(nb_dist_average_grads(NULL), NB_ERR_STATE);
    nb_train_record rec;
    memset(&rec, 0xff, sizeof rec);
    ck_assert_int_eq(nb_dist_train(NULL, NULL, NULL, NULL, NULL, &rec), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_dist_train: nabla was built without MPI");
    ck_assert_ptr_null(rec.train_loss); /* nothing to free */
    memset(&rec, 0xff, sizeof rec);
    ck_assert_int_eq(nb_dist_trainlm(NULL, NULL, NULL, &rec), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_dist_trainlm: nabla was built without MPI");
    ck_assert_ptr_null(rec.train_loss);
    ck_assert_int_eq(nb_dist_trainbr(NULL, NULL, NULL, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_dist_trainbr: nabla was built without MPI");
    ck_assert_int_eq(nb_dist_abort(1), NB_ERR_STATE);
    ck_assert_int_eq(nb_dist_finalize(), NB_ERR_STATE);
    ck_assert_double_eq(nb_dist_set_timeout(5), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dist_none");
    TCase *tc = nb_test_case("stubs");
    tcase_add_test(tc, test_dist_without_mpi);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
