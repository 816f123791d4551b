/* Misuse catalogue, the teaching views (gradient labels, the backward trace,
 * the DOT export) and nb_check_grad's second order as plain arrays.
 * Entries of docs/errors.md E340..E349, one test each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* z = 2 x for a leaf x of two elements that requires grad. */
static nb_tensor *twice(void)
{
    nb_tensor *x = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(2)), true);
    return nb_mul_scalar(x, 2);
}

/* ---- gradient labels ---- */

START_TEST(e340_grad_label_empty)
{
    E_FAIL(nb_tensor_set_grad_label(twice(), ""), NB_ERR_ARG,
           "nb_tensor_set_grad_label: the label is empty; pass NULL to remove a label");
}
END_TEST

START_TEST(e341_grad_label_null_tensor)
{
    E_FAIL(nb_tensor_set_grad_label(NULL, "D2"), NB_ERR_NULL,
           "nb_tensor_set_grad_label: tensor is NULL");
}
END_TEST

/* ---- the trace ---- */

START_TEST(e342_trace_twice)
{
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    E_FAIL(nb_trace_begin(f, NULL), NB_ERR_STATE,
           "nb_trace_begin: a trace is already running on this thread (call nb_trace_end first)");
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    fclose(f);
}
END_TEST

START_TEST(e343_trace_end_without_begin)
{
    E_FAIL(nb_trace_end(), NB_ERR_STATE, "nb_trace_end: no trace is running on this thread");
}
END_TEST

START_TEST(e344_trace_labels_missing)
{
    FILE *f = tmpfile();
    E_FAIL(nb_trace_begin(f, &(nb_trace_opts){.n_labels = 2}), NB_ERR_ARG,
           "nb_trace_begin: opts.n_labels is 2 but label_tensors/labels are NULL");
    ck_assert(!nb_trace_active());
    fclose(f);
}
END_TEST

/* ---- the DOT export ---- */

START_TEST(e345_dot_all_grads_of_a_vector)
{
    nb_tensor *z = twice();
    FILE *f = tmpfile();
    E_FAIL(nb_dot_write(f, &z, 1, &(nb_dot_opts){.all_grads = true}), NB_ERR_ARG,
           "nb_dot_write: opts.all_grads differentiates root 1, which must have one element (it "
           "is 2)");
    fclose(f);
}
END_TEST

START_TEST(e346_dot_grads_missing)
{
    nb_tensor *z = twice();
    FILE *f = tmpfile();
    E_FAIL(nb_dot_write(f, &z, 1, &(nb_dot_opts){.n_grads = 1}), NB_ERR_ARG,
           "nb_dot_write: opts.n_grads is 1 but grad_tensors/grads are NULL");
    fclose(f);
}
END_TEST

START_TEST(e347_dot_save_no_folder)
{
    nb_tensor *z = twice();
    char path[400], tmp[480];
    snprintf(path, sizeof path, "%s", e_path("no-such-folder/graph.dot"));
    snprintf(tmp, sizeof tmp, "nb_dot_save: cannot open '%s.tmp' for writing", path);
    E_FAIL(nb_dot_save(path, &z, 1, NULL), NB_ERR_IO, tmp);
}
END_TEST

START_TEST(e348_dot_null_stream)
{
    nb_tensor *z = twice();
    E_FAIL(nb_dot_write(NULL, &z, 1, NULL), NB_ERR_NULL, "nb_dot_write: out is NULL");
}
END_TEST

/* ---- a hand-derived gradient ---- */

static nb_tensor *sum_of_squares(nb_tensor *const *in, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    return nb_sum(nb_square(in[0]));
}

START_TEST(e349_check_grad_half_of_the_arrays)
{
    nb_tensor *x = nb_from_f64((const double[]){0.3, -0.8}, NB_SHAPE(2));
    const double g[2] = {0.6, -1.6}, v[2] = {1, 0};
    E_FAIL(nb_check_grad_f64(sum_of_squares, &x, 1, NULL, (const double *[]){g},
                             &(nb_check_grad_opts){.hvp_v_f64 = (const double *[]){v}}, NULL),
           NB_ERR_ARG,
           "nb_check_grad_f64: opts.hvp_v_f64 and opts.my_hvp_f64 go together, with "
           "nb_check_grad_f64 and without opts.hvp_v and opts.my_hvp (one form of the second "
           "order at a time)");
}
END_TEST

static Suite *errors_teach_suite(void)
{
    Suite *s = suite_create("errors_teach");
    TCase *tc = e_dir_case("teach");
    tcase_add_test(tc, e340_grad_label_empty);
    tcase_add_test(tc, e341_grad_label_null_tensor);
    tcase_add_test(tc, e342_trace_twice);
    tcase_add_test(tc, e343_trace_end_without_begin);
    tcase_add_test(tc, e344_trace_labels_missing);
    tcase_add_test(tc, e345_dot_all_grads_of_a_vector);
    tcase_add_test(tc, e346_dot_grads_missing);
    tcase_add_test(tc, e347_dot_save_no_folder);
    tcase_add_test(tc, e348_dot_null_stream);
    tcase_add_test(tc, e349_check_grad_half_of_the_arrays);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_teach_suite());
}
