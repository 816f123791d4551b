/* Misuse catalogue, models with blocks: naming blocks, running a block on
 * its own, a block where a whole model is needed, the summary.
 * Entries of docs/errors.md E260..E278, one test each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* A 2-3 linear layer, then the block "res" (one 3-3 linear layer, run by
 * its parent in a row), in f64; x4 is 4 samples of 2 features. */
static nb_model *net, *res;
static nb_tensor *x4;

static void model_setup(void)
{
    e_dir_setup(); /* and the arena */
    net = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(net);
    ck_assert_int_eq(nb_model_add_linear(net, 2, 3, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    res = nb_model_add_block(net, "res", NULL, NULL);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_eq(nb_model_add_linear(res, 3, 3, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    x4 = nb_from_f64((const double[]){0, 0, 0, 1, 1, 0, 1, 1}, NB_SHAPE(4, 2));
}

static void model_teardown(void)
{
    nb_model_free(net);
    net = res = NULL;
    e_dir_teardown();
}

static nb_tensor *null_layer(nb_model *m, nb_tensor *x, void *ctx)
{
    (void)m, (void)x, (void)ctx;
    return NULL;
}

/* ---- naming blocks ---- */

START_TEST(e260_block_null_parent)
{
    E_NULL(nb_model_add_block(NULL, "res", NULL, NULL), NB_ERR_NULL,
           "nb_model_add_block: parent is NULL");
}
END_TEST

START_TEST(e261_block_duplicate_name)
{
    E_NULL(nb_model_add_block(net, "res", NULL, NULL), NB_ERR_ARG,
           "nb_model_add_block: the model already has a layer named 'res' (layer 2); give each "
           "block of a model its own name");
}
END_TEST

START_TEST(e262_block_name_like_a_layer)
{
    E_NULL(nb_model_add_block(net, "layer1", NULL, NULL), NB_ERR_ARG,
           "nb_model_add_block: the model already has a layer named 'layer1' (layer 1)");
}
END_TEST

START_TEST(e263_block_dotted_name)
{
    E_NULL(nb_model_add_block(net, "a.b", NULL, NULL), NB_ERR_ARG,
           "nb_model_add_block: block name 'a.b' contains '.'; a name is one part of a dotted "
           "path (nest a block inside another for 'a.b')");
}
END_TEST

START_TEST(e264_block_empty_name)
{
    E_NULL(nb_model_add_block(res, "", NULL, NULL), NB_ERR_ARG,
           "nb_model_add_block: the block name is empty");
}
END_TEST

START_TEST(e265_block_duplicate_param)
{
    E_NULL(nb_model_add_param(res, "layer1.weight", NB_SHAPE(3, 3)), NB_ERR_ARG,
           "nb_model_add_param: a parameter named 'res.layer1.weight' already exists in this "
           "model");
}
END_TEST

START_TEST(e266_block_param_name)
{
    E_NULL(nb_model_param(res, "res.layer1.weight"), NB_ERR_ARG,
           "nb_model_param: block 'res' has no parameter named 'res.layer1.weight' (it has 2, "
           "the first 'layer1.weight'; names are relative to the block)");
}
END_TEST

/* ---- running blocks ---- */

START_TEST(e267_block_forward_alone)
{
    E_NULL(nb_model_forward(res, nb_zeros(NB_F64, NB_SHAPE(4, 3))), NB_ERR_STATE,
           "nb_model_forward: 'res' is a block of a model and runs only inside its parent's "
           "forward pass (call nb_model_forward on the model; a layer of the parent runs the "
           "block)");
}
END_TEST

START_TEST(e268_block_first_layer_shape)
{
    nb_model *proj = nb_model_add_block(net, "proj", NULL, NULL);
    ck_assert_int_eq(nb_model_add_linear(proj, 5, 1, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    E_NULL(nb_model_forward(net, x4), NB_ERR_SHAPE,
           "nb_model_forward: x is 4x3 but the first layer of block 'proj' ('proj.layer1') "
           "expects N x 5 (one sample per row, 5 inputs)");
}
END_TEST

START_TEST(e269_block_layer_returns_null)
{
    ck_assert_int_ge(nb_model_add_layer(res, "gate", null_layer, NULL), 0);
    E_NULL(nb_model_forward(net, x4), NB_ERR_ARG,
           "nb_model_forward: layer 2 ('res.gate') returned NULL");
}
END_TEST

START_TEST(e270_block_without_layers)
{
    ck_assert_ptr_nonnull(nb_model_add_block(net, "empty", NULL, NULL));
    E_NULL(nb_model_forward(net, x4), NB_ERR_STATE, "nb_model_forward: block 'empty' has no layers");
}
END_TEST

/* ---- renaming layers ---- */

START_TEST(e276_rename_not_linear)
{
    E_FAIL(nb_model_set_layer_name(net, 1, "fc"), NB_ERR_ARG,
           "nb_model_set_layer_name: layer 2 ('res') is not a linear layer; a block or a user "
           "layer is named when it is added");
}
END_TEST

START_TEST(e277_rename_taken)
{
    E_FAIL(nb_model_set_layer_name(net, 0, "res"), NB_ERR_ARG,
           "nb_model_set_layer_name: the model already has a layer named 'res' (layer 2)");
}
END_TEST

START_TEST(e278_rename_out_of_range)
{
    E_FAIL(nb_model_set_layer_name(net, 2, "fc"), NB_ERR_ARG,
           "nb_model_set_layer_name: layer index 2 is out of range (the model has 2 layers, 0..1)");
}
END_TEST

/* ---- a block where a whole model is needed ---- */

START_TEST(e271_optimizer_of_block)
{
    E_NULL(nb_sgd_new(res, NULL), NB_ERR_ARG,
           "nb_sgd_new: the parameters: nb_model_params_flat: 'res' is a block of a model, not a "
           "whole model (its parameters live in the model's buffers); pass the model that "
           "nb_model_new made");
}
END_TEST

START_TEST(e272_save_block)
{
    E_FAIL(nb_model_save(res, e_path("res.nbt")), NB_ERR_ARG,
           "nb_model_save: 'res' is a block of a model, not a whole model");
}
END_TEST

/* ---- the summary ---- */

START_TEST(e273_summary_wrong_input)
{
    E_FAIL(nb_model_summary(net, NB_SHAPE(4, 3), stdout), NB_ERR_SHAPE,
           "nb_model_summary: the model on a 4x3 input: nb_model_forward: x is 4x3 but the first "
           "layer expects N x 2");
}
END_TEST

START_TEST(e274_summary_of_block)
{
    E_FAIL(nb_model_summary(res, NB_SHAPE(4, 3), stdout), NB_ERR_ARG,
           "nb_model_summary: 'res' is a block of a model, not a whole model");
}
END_TEST

START_TEST(e275_summary_string_null_buf)
{
    E_FAIL(nb_model_summary_string(net, NB_SHAPE(4, 2), NULL, 64), NB_ERR_NULL,
           "nb_model_summary_string: buf is NULL but size is 64");
}
END_TEST

static Suite *errors_model_suite(void)
{
    Suite *s = suite_create("errors_model");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, model_setup, model_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, e260_block_null_parent);
    tcase_add_test(tc, e261_block_duplicate_name);
    tcase_add_test(tc, e262_block_name_like_a_layer);
    tcase_add_test(tc, e263_block_dotted_name);
    tcase_add_test(tc, e264_block_empty_name);
    tcase_add_test(tc, e265_block_duplicate_param);
    tcase_add_test(tc, e266_block_param_name);
    tcase_add_test(tc, e267_block_forward_alone);
    tcase_add_test(tc, e268_block_first_layer_shape);
    tcase_add_test(tc, e269_block_layer_returns_null);
    tcase_add_test(tc, e270_block_without_layers);
    tcase_add_test(tc, e276_rename_not_linear);
    tcase_add_test(tc, e277_rename_taken);
    tcase_add_test(tc, e278_rename_out_of_range);
    tcase_add_test(tc, e271_optimizer_of_block);
    tcase_add_test(tc, e272_save_block);
    tcase_add_test(tc, e273_summary_wrong_input);
    tcase_add_test(tc, e274_summary_of_block);
    tcase_add_test(tc, e275_summary_string_null_buf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_model_suite());
}
