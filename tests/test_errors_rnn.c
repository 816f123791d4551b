/* Misuse catalogue, recurrent cells and sequence layers.
 * Entries of docs/errors.md E240..E251, one test each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* An LSTM cell's operands for batch 2, input 3, hidden 2, in f64. */
static nb_tensor *x, *h, *c, *w_ih, *w_hh, *b_ih, *b_hh;

static void rnn_setup(void)
{
    nb_test_setup();
    x = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    h = nb_zeros(NB_F64, NB_SHAPE(2, 2));
    c = nb_zeros(NB_F64, NB_SHAPE(2, 2));
    w_ih = nb_zeros(NB_F64, NB_SHAPE(8, 3));
    w_hh = nb_zeros(NB_F64, NB_SHAPE(8, 2));
    b_ih = nb_zeros(NB_F64, NB_SHAPE(8));
    b_hh = nb_zeros(NB_F64, NB_SHAPE(8));
    ck_assert_ptr_nonnull(b_hh);
}

START_TEST(e240_cell_null_input)
{
    E_NULL(nb_gru_cell(x, NULL, w_ih, w_hh, b_ih, b_hh), NB_ERR_NULL, "gru_cell: h is NULL");
}
END_TEST

START_TEST(e241_cell_x_not_2d)
{
    nb_tensor *h1, *c1;
    E_FAIL(nb_lstm_cell(nb_zeros(NB_F64, NB_SHAPE(3)), h, c, w_ih, w_hh, b_ih, b_hh, &h1, &c1),
           NB_ERR_SHAPE, "lstm_cell: x is 3; expected (batch, input)");
}
END_TEST

START_TEST(e242_cell_rows_differ)
{
    E_NULL(nb_rnn_cell(x, nb_zeros(NB_F64, NB_SHAPE(3, 2)), w_ih, w_hh, b_ih, b_hh),
           NB_ERR_SHAPE, "rnn_cell: h has 3 rows but x has 2");
}
END_TEST

START_TEST(e243_cell_w_ih_shape)
{
    nb_tensor *h1, *c1;
    E_FAIL(nb_lstm_cell(x, h, c, nb_zeros(NB_F64, NB_SHAPE(3, 8)), w_hh, b_ih, b_hh, &h1, &c1),
           NB_ERR_SHAPE, "lstm_cell: w_ih is 3x8 but expected 8x3 (4*hidden x input, gates i, f, g, o)");
}
END_TEST

START_TEST(e244_cell_gru_given_lstm_weights)
{
    E_NULL(nb_gru_cell(x, h, w_ih, w_hh, b_ih, b_hh), NB_ERR_SHAPE,
           "gru_cell: w_ih is 8x3 but expected 6x3 (3*hidden x input, gates r, z, n)");
}
END_TEST

START_TEST(e245_cell_bias_size)
{
    E_NULL(nb_rnn_cell(x, h, nb_zeros(NB_F64, NB_SHAPE(2, 3)), nb_zeros(NB_F64, NB_SHAPE(2, 2)),
                       nb_zeros(NB_F64, NB_SHAPE(2)), b_hh),
           NB_ERR_SHAPE, "rnn_cell: b_hh is 8 but expected 2");
}
END_TEST

START_TEST(e246_cell_mixed_dtypes)
{
    nb_tensor *h1, *c1;
    E_FAIL(nb_lstm_cell(x, h, nb_zeros(NB_F32, NB_SHAPE(2, 2)), w_ih, w_hh, b_ih, b_hh, &h1, &c1),
           NB_ERR_DTYPE, "lstm_cell: c is f32 but x is f64");
}
END_TEST

START_TEST(e247_lstm_cell_null_output)
{
    nb_tensor *h1;
    E_FAIL(nb_lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh, &h1, NULL), NB_ERR_NULL,
           "lstm_cell: c_out is NULL");
}
END_TEST

START_TEST(e248_add_lstm_zero_hidden)
{
    nb_model *m = nb_model_new(NULL);
    E_FAIL(nb_model_add_lstm(m, 3, 0), NB_ERR_ARG,
           "nb_model_add_lstm: input_size and hidden_size must be in 1..2^30");
    nb_model_free(m);
}
END_TEST

START_TEST(e249_layer_input_not_3d)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_lstm(m, 3, 2), 0);
    E_NULL(nb_model_forward(m, x), NB_ERR_SHAPE,
           "nb_model_forward: layer 1 (lstm): x is 2x3 but the layer expects (batch, time, 3)");
    nb_model_free(m);
}
END_TEST

START_TEST(e250_layer_input_size)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_gru(m, 4, 2), 0);
    E_NULL(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(2, 5, 3))), NB_ERR_SHAPE,
           "nb_model_forward: layer 1 (gru): x is 2x5x3 but the layer expects (batch, time, 4)");
    nb_model_free(m);
}
END_TEST

START_TEST(e251_state_of_other_layer)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_activation(m, NB_ACT_TANSIG), 0);
    ck_assert_int_eq(nb_model_add_rnn(m, 3, 2), 1);
    E_NULL(nb_rnn_state_new(m, 0), NB_ERR_ARG, "nb_rnn_state_new: layer 0 is not a sequence layer");
    nb_model_free(m);
}
END_TEST

START_TEST(e252_state_batch_changed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_lstm(m, 3, 2), 0);
    nb_rnn_state *st = nb_rnn_state_new(m, 0);
    ck_assert_ptr_nonnull(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(4, 5, 3))));
    E_NULL(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(1, 5, 3))), NB_ERR_SHAPE,
           "nb_model_forward: layer 1 (lstm): the attached state is for a batch of 4 (f64) but x "
           "is a batch of 1 (f64); call nb_rnn_state_reset");
    nb_rnn_state_free(st);
    nb_model_free(m);
}
END_TEST

static Suite *errors_rnn_suite(void)
{
    Suite *s = suite_create("errors_rnn");
    TCase *tc = tcase_create("rnn");
    tcase_add_checked_fixture(tc, rnn_setup, nb_test_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, e240_cell_null_input);
    tcase_add_test(tc, e241_cell_x_not_2d);
    tcase_add_test(tc, e242_cell_rows_differ);
    tcase_add_test(tc, e243_cell_w_ih_shape);
    tcase_add_test(tc, e244_cell_gru_given_lstm_weights);
    tcase_add_test(tc, e245_cell_bias_size);
    tcase_add_test(tc, e246_cell_mixed_dtypes);
    tcase_add_test(tc, e247_lstm_cell_null_output);
    tcase_add_test(tc, e248_add_lstm_zero_hidden);
    tcase_add_test(tc, e249_layer_input_not_3d);
    tcase_add_test(tc, e250_layer_input_size);
    tcase_add_test(tc, e251_state_of_other_layer);
    tcase_add_test(tc, e252_state_batch_changed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_rnn_suite());
}
