/* Misuse catalogue, the memory Levenberg–Marquardt needs: a Jacobian of
 * N·O x P doubles and a damped system, refused with the size named instead
 * of exhausting memory.  Entries of docs/errors.md E370..E371, one test
 * each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* 100 000 samples of 13 features (zeros: only the sizes matter, nothing
 * is trained) and a 13-700-1 net, 10 501 parameters. */
START_TEST(e370_trainlm_default_limit)
{
    nb_model *big = nb_bpnet_new((const int64_t[]){13, 700, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(big);
    nb_tensor *x = nb_zeros(NB_F64, NB_SHAPE(100000, 13));
    nb_tensor *t = nb_zeros(NB_F64, NB_SHAPE(100000, 1));
    E_FAIL(nb_trainlm(big, &(nb_train_data){.x = x, .y = t}, NULL, NULL), NB_ERR_NOMEM,
           "nb_trainlm: the Jacobian (100000 errors x 10501 parameters) and the 10501 x 10501 "
           "system would need 11.1 GB (");
    E_ALSO("more than opts->max_bytes (1073741824); use fewer samples or parameters");
    nb_model_free(big);
}
END_TEST

/* trainbr solves the P x P system even with fewer errors than parameters
 * (trainlm would use the N·O x N·O one): 4 samples, a 2-40-1 net. */
START_TEST(e371_trainbr_system)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 40, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(net);
    nb_tensor *x = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
    nb_tensor *y = nb_from_f64((const double[]){0, 1, 1, 0}, NB_SHAPE(4, 1));
    E_FAIL(nb_trainbr(net, &(nb_train_data){.x = x, .y = y},
                      &(nb_trainlm_opts){.max_bytes = 100000}, NULL), NB_ERR_NOMEM,
           "nb_trainbr: the Jacobian (4 errors x 161 parameters) and the 161 x 161 system "
           "would need 636.4 kB (636368 bytes), more than opts->max_bytes (100000)");
    nb_model_free(net);
}
END_TEST

static Suite *errors_lm_suite(void)
{
    Suite *s = suite_create("errors_lm");
    TCase *tc = nb_test_case("lm");
    tcase_add_test(tc, e370_trainlm_default_limit);
    tcase_add_test(tc, e371_trainbr_system);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_lm_suite());
}
