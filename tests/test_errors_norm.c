/* Misuse catalogue, dropout, normalisation and the tensor ops added with
 * them (stack, split_sizes, chunk, pad, var_axis), model buffers and the
 * normalisation layers.  Entries of docs/errors.md E220..E239, one test
 * each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* A 2x3 f64 matrix 1..6. */
static nb_tensor *m23(void)
{
    return nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
}

static nb_rng rng;

static void setup(void)
{
    nb_test_setup();
    nb_rng_seed(&rng, 1);
}

/* ---- dropout ---- */

START_TEST(e220_dropout_p_one)
{
    E_NULL(nb_dropout(m23(), 1.0, true, &rng), NB_ERR_ARG,
           "dropout: p is 1; expected a probability in [0, 1) (the share of elements zeroed)");
}
END_TEST

START_TEST(e221_dropout_null_rng)
{
    E_NULL(nb_dropout(m23(), 0.5, true, NULL), NB_ERR_NULL,
           "dropout: rng is NULL (pass the model's, nb_model_rng(model))");
}
END_TEST

/* ---- stack, split, chunk, pad ---- */

START_TEST(e222_stack_shapes_differ)
{
    E_NULL(nb_stack((nb_tensor *[]){m23(), nb_ones(NB_F64, NB_SHAPE(3, 2))}, 2, 0), NB_ERR_SHAPE,
           "stack: input 2 is 3x2 but input 1 is 2x3; stacked tensors must have equal shapes");
}
END_TEST

START_TEST(e223_split_sizes_sum)
{
    nb_tensor *out[2];
    E_FAIL(nb_split_sizes(m23(), (const int64_t[]){1, 1}, 2, 1, out), NB_ERR_ARG,
           "split_sizes: the sizes add up to 2 but axis 1 has 3 elements (tensor is 2x3)");
}
END_TEST

START_TEST(e224_split_negative_size)
{
    nb_tensor *out[2];
    E_FAIL(nb_split_sizes(m23(), (const int64_t[]){4, -1}, 2, 1, out), NB_ERR_ARG,
           "split_sizes: size 2 is -1; sizes must be >= 0");
}
END_TEST

START_TEST(e225_chunk_zero)
{
    nb_tensor *out[1];
    E_FAIL(nb_chunk(m23(), 0, 0, out), NB_ERR_ARG, "chunk: chunks is 0; need at least 1");
}
END_TEST

START_TEST(e226_pad_negative)
{
    E_NULL(nb_pad(m23(), (const int64_t[]){1, -1}, 1, 0), NB_ERR_ARG,
           "pad: pair 1 (axis 1) is (1, -1); padding must be >= 0 (crop with nb_slice instead)");
}
END_TEST

START_TEST(e227_pad_too_many_pairs)
{
    E_NULL(nb_pad(m23(), (const int64_t[]){1, 1, 1, 1, 1, 1}, 3, 0), NB_ERR_ARG,
           "pad: 3 (left, right) pairs given (pad set) for a 2-d tensor 2x3; need 0..2 pairs, "
           "the first for the last axis");
}
END_TEST

/* ---- var ---- */

START_TEST(e228_var_negative_correction)
{
    E_NULL(nb_var_axis(m23(), 1, -1, false), NB_ERR_ARG,
           "var_axis: correction is -1; expected 0 (population variance) or more (1, torch's "
           "default, is the unbiased estimate)");
}
END_TEST

/* ---- layer norm ---- */

START_TEST(e229_layer_norm_k)
{
    E_NULL(nb_layer_norm(m23(), 3, NULL, NULL, 1e-5), NB_ERR_ARG,
           "layer_norm: k is 3 but x is 2x3; normalise over 1..2 trailing axes");
}
END_TEST

START_TEST(e230_layer_norm_weight_shape)
{
    E_NULL(nb_layer_norm(m23(), 1, nb_ones(NB_F64, NB_SHAPE(2)), NULL, 1e-5), NB_ERR_SHAPE,
           "layer_norm: weight is 2 but x is 2x3; with k = 1 it must be 3 (x's last 1 axes)");
}
END_TEST

START_TEST(e231_layer_norm_eps)
{
    E_NULL(nb_layer_norm(m23(), 1, NULL, NULL, -1), NB_ERR_ARG,
           "layer_norm: eps is -1; expected a finite number >= 0 (torch uses 1e-5)");
}
END_TEST

/* ---- batch norm ---- */

START_TEST(e232_batch_norm_1d)
{
    E_NULL(nb_batch_norm(nb_ones(NB_F64, NB_SHAPE(4)), NULL, NULL, NULL, NULL, true, 0.1, 1e-5),
           NB_ERR_SHAPE, "batch_norm: x is 4; expected (N, C), (N, C, L) or (N, C, H, W)");
}
END_TEST

START_TEST(e233_batch_norm_channels)
{
    nb_tensor *rm = nb_zeros(NB_F64, NB_SHAPE(2)), *rv = nb_ones(NB_F64, NB_SHAPE(2));
    E_NULL(nb_batch_norm(m23(), rm, rv, NULL, NULL, true, 0.1, 1e-5), NB_ERR_SHAPE,
           "batch_norm: running_mean is 2 but x has 3 channels (axis 1); it must be 1-d with 3 "
           "elements");
}
END_TEST

START_TEST(e234_batch_norm_eval_without_stats)
{
    E_NULL(nb_batch_norm(m23(), NULL, NULL, NULL, NULL, false, 0.1, 1e-5), NB_ERR_NULL,
           "batch_norm: evaluation needs running_mean and running_var (running_mean is NULL); "
           "pass training = true to use the batch's statistics");
}
END_TEST

START_TEST(e235_batch_norm_one_value)
{
    nb_tensor *row = nb_ones(NB_F64, NB_SHAPE(1, 3));
    E_NULL(nb_batch_norm(row, NULL, NULL, NULL, NULL, true, 0.1, 1e-5), NB_ERR_SHAPE,
           "batch_norm: x is 1x3, 1 value per channel; training needs more than one (a larger "
           "batch, or evaluation mode)");
}
END_TEST

START_TEST(e236_batch_norm_momentum)
{
    E_NULL(nb_batch_norm(m23(), NULL, NULL, NULL, NULL, true, 1.5, 1e-5), NB_ERR_ARG,
           "batch_norm: momentum 1.5, eps 1e-05; expected momentum in [0, 1] and a finite "
           "eps >= 0 (torch uses 0.1 and 1e-5)");
}
END_TEST

/* ---- model buffers and layers ---- */

START_TEST(e237_buffer_duplicate)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(nb_model_add_buffer(m, "stats", NB_SHAPE(2)));
    E_NULL(nb_model_add_buffer(m, "stats", NB_SHAPE(2)), NB_ERR_ARG,
           "nb_model_add_buffer: a buffer named 'stats' already exists in this model");
    nb_model_free(m);
}
END_TEST

START_TEST(e238_batch_norm_layer_features)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    E_FAIL(nb_model_add_batch_norm(m, 0, NULL), NB_ERR_ARG,
           "nb_model_add_batch_norm: features is 0; expected >= 1 (the channels, axis 1 of the "
           "input)");
    nb_model_free(m);
}
END_TEST

START_TEST(e239_layer_norm_layer_input)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_layer_norm(m, NB_SHAPE(4), NULL), 0);
    E_NULL(nb_model_forward(m, m23()), NB_ERR_SHAPE,
           "layer_norm: x is 2x3 but the layer normalises trailing axes 4");
    nb_model_free(m);
}
END_TEST

static Suite *errors_norm_suite(void)
{
    Suite *s = suite_create("errors_norm");
    TCase *tc = tcase_create("norm");
    tcase_add_checked_fixture(tc, setup, nb_test_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, e220_dropout_p_one);
    tcase_add_test(tc, e221_dropout_null_rng);
    tcase_add_test(tc, e222_stack_shapes_differ);
    tcase_add_test(tc, e223_split_sizes_sum);
    tcase_add_test(tc, e224_split_negative_size);
    tcase_add_test(tc, e225_chunk_zero);
    tcase_add_test(tc, e226_pad_negative);
    tcase_add_test(tc, e227_pad_too_many_pairs);
    tcase_add_test(tc, e228_var_negative_correction);
    tcase_add_test(tc, e229_layer_norm_k);
    tcase_add_test(tc, e230_layer_norm_weight_shape);
    tcase_add_test(tc, e231_layer_norm_eps);
    tcase_add_test(tc, e232_batch_norm_1d);
    tcase_add_test(tc, e233_batch_norm_channels);
    tcase_add_test(tc, e234_batch_norm_eval_without_stats);
    tcase_add_test(tc, e235_batch_norm_one_value);
    tcase_add_test(tc, e236_batch_norm_momentum);
    tcase_add_test(tc, e237_buffer_duplicate);
    tcase_add_test(tc, e238_batch_norm_layer_features);
    tcase_add_test(tc, e239_layer_norm_layer_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_norm_suite());
}
