/* Misuse catalogue, convolution and pooling: shapes, options, window
 * sizes and the layer builders.  Entries of docs/errors.md E200..E219, one
 * test each, in the doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

static nb_tensor *zeros4(int64_t a, int64_t b, int64_t c, int64_t d)
{
    return nb_zeros(NB_F64, NB_SHAPE(a, b, c, d));
}

START_TEST(e200_conv2d_x_not_4d)
{
    E_NULL(nb_conv2d(nb_zeros(NB_F64, NB_SHAPE(1, 5, 5)), zeros4(2, 1, 3, 3), NULL, NULL),
           NB_ERR_SHAPE,
           "conv2d: x must be 4-D (N, C, H, W), got 1x5x5; add a batch axis with nb_unsqueeze(x, 0)");
}
END_TEST

START_TEST(e201_conv2d_weight_not_4d)
{
    E_NULL(nb_conv2d(zeros4(1, 1, 5, 5), nb_zeros(NB_F64, NB_SHAPE(2, 9)), NULL, NULL),
           NB_ERR_SHAPE, "conv2d: weight must be 4-D (O, C/groups, kh, kw), got 2x9");
}
END_TEST

START_TEST(e202_conv2d_groups_negative)
{
    nb_conv2d_opts o = {.groups = -2};
    E_NULL(nb_conv2d(zeros4(1, 2, 5, 5), zeros4(2, 1, 3, 3), NULL, &o), NB_ERR_ARG,
           "conv2d: groups is -2; it must be >= 1 (0 means 1)");
}
END_TEST

START_TEST(e203_conv2d_groups_not_dividing)
{
    nb_conv2d_opts o = {.groups = 2};
    E_NULL(nb_conv2d(zeros4(1, 4, 5, 5), zeros4(3, 2, 3, 3), NULL, &o), NB_ERR_ARG,
           "conv2d: groups 2 must divide both the 4 input channels and the 3 output channels");
}
END_TEST

START_TEST(e204_conv2d_channels)
{
    E_NULL(nb_conv2d(zeros4(1, 3, 5, 5), zeros4(4, 2, 3, 3), NULL, NULL), NB_ERR_SHAPE,
           "conv2d: x has 3 channels but weight 4x2x3x3 takes 2 per group x 1 group = 2; "
           "weight's axis 1 must be C / groups");
}
END_TEST

START_TEST(e205_conv2d_bias_shape)
{
    E_NULL(nb_conv2d(zeros4(1, 2, 5, 5), zeros4(4, 2, 3, 3), nb_zeros(NB_F64, NB_SHAPE(2)), NULL),
           NB_ERR_SHAPE,
           "conv2d: bias is 2 but weight 4x2x3x3 has 4 output channels; bias must have shape (4)");
}
END_TEST

START_TEST(e206_conv2d_stride_negative)
{
    nb_conv2d_opts o = {.stride = {2, -1}};
    E_NULL(nb_conv2d(zeros4(1, 1, 5, 5), zeros4(1, 1, 3, 3), NULL, &o), NB_ERR_ARG,
           "conv2d: stride (2, -1) is out of range; each must be >= 1 (0 means the default)");
}
END_TEST

START_TEST(e207_conv2d_kernel_too_large)
{
    nb_conv2d_opts o = {.dilation = {2, 2}};
    E_NULL(nb_conv2d(zeros4(1, 1, 4, 4), zeros4(1, 1, 3, 3), NULL, &o), NB_ERR_SHAPE,
           "conv2d: a 3x3 kernel (dilation 2x2: it spans 5x5) does not fit the 4x4 input padded "
           "by 0x0; use a smaller kernel or more padding");
}
END_TEST

START_TEST(e208_conv2d_image_too_large)
{
    /* no elements (batch 0), so nothing is allocated */
    E_NULL(nb_conv2d(zeros4(0, 1, 1, ((int64_t)1 << 30) + 1), zeros4(1, 1, 1, 1), NULL, NULL),
           NB_ERR_SHAPE, "conv2d: image 1x1073741825 is too large (at most 1073741824 per axis)");
}
END_TEST

START_TEST(e209_conv1d_negative_option)
{
    nb_conv1d_opts o = {.padding = -1};
    E_NULL(nb_conv1d(nb_zeros(NB_F64, NB_SHAPE(1, 1, 8)), nb_zeros(NB_F64, NB_SHAPE(1, 1, 3)), NULL,
                     &o),
           NB_ERR_ARG,
           "conv1d: stride 0, padding -1 and dilation 0 must not be negative (0 means the default)");
}
END_TEST

START_TEST(e210_unfold_groups)
{
    nb_conv2d_opts o = {.groups = 2};
    E_NULL(nb_unfold(zeros4(1, 2, 4, 4), 2, 2, &o), NB_ERR_ARG,
           "unfold: groups is 2 but unfold has no groups (leave it 0 or 1)");
}
END_TEST

START_TEST(e211_fold_output_size)
{
    E_NULL(nb_fold(nb_zeros(NB_F64, NB_SHAPE(1, 4, 4)), 0, 3, 2, 2, NULL), NB_ERR_ARG,
           "fold: output size 0x3 must be at least 1x1");
}
END_TEST

START_TEST(e212_fold_cols_shape)
{
    E_NULL(nb_fold(nb_zeros(NB_F64, NB_SHAPE(1, 4, 5)), 3, 3, 2, 2, NULL), NB_ERR_SHAPE,
           "fold: cols is 1x4x5 but a 2x2 kernel over a 3x3 output needs (N, C*4, 4): 4 window "
           "positions");
}
END_TEST

START_TEST(e213_pool_layer_kernel)
{
    nb_model *net = nb_model_new(NULL);
    E_FAIL(nb_model_add_max_pool2d(net, 0, 2, NULL), NB_ERR_ARG,
           "nb_model_add_max_pool2d: kernel size 0x2 must be at least 1x1");
    nb_model_free(net);
}
END_TEST

START_TEST(e214_pool_padding_too_large)
{
    nb_pool2d_opts o = {.padding = {2, 1}};
    E_NULL(nb_max_pool2d(zeros4(1, 1, 6, 6), 3, 3, &o), NB_ERR_ARG,
           "max_pool2d: padding (2, 1) is more than half the 3x3 kernel; it must be at most (1, 1)");
}
END_TEST

START_TEST(e215_max_pool_f32_index_range)
{
    nb_tensor *x = nb_zeros(NB_F32, NB_SHAPE(0, 1, 4097, 4097)); /* no elements */
    E_NULL(nb_max_pool2d(x, 2, 2, NULL), NB_ERR_SHAPE,
           "max_pool2d: an f32 image of 4097x4097 has more positions than f32 indices hold "
           "exactly (16777216); pool it in f64");
}
END_TEST

START_TEST(e216_global_avg_pool_shape)
{
    E_NULL(nb_global_avg_pool2d(nb_zeros(NB_F64, NB_SHAPE(2, 3))), NB_ERR_SHAPE,
           "global_avg_pool2d: x must be 4-D (N, C, H, W) with H, W >= 1, got 2x3");
}
END_TEST

START_TEST(e217_conv_layer_sizes)
{
    nb_model *net = nb_model_new(NULL);
    E_FAIL(nb_model_add_conv2d(net, 3, 4, 5, 5, &(nb_conv2d_opts){.groups = 2}, NB_ACT_RELU,
                               NB_INIT_DEFAULT),
           NB_ERR_ARG,
           "nb_model_add_conv2d: need channels and kernel sizes >= 1 and groups dividing both "
           "channel counts (got in 3, out 4, kernel 5x5, groups 2)");
    nb_model_free(net);
}
END_TEST

START_TEST(e218_conv_layer_init)
{
    nb_model *net = nb_model_new(NULL);
    E_FAIL(nb_model_add_conv2d(net, 1, 6, 5, 5, NULL, NB_ACT_RELU, NB_INIT_NGUYEN_WIDROW),
           NB_ERR_ARG,
           "nb_model_add_conv2d: initialiser 1 cannot start a convolution; use NB_INIT_DEFAULT "
           "(PyTorch's), NB_INIT_HE_*, NB_INIT_XAVIER_* or NB_INIT_ZEROS");
    nb_model_free(net);
}
END_TEST

START_TEST(e219_conv_layer_channels)
{
    nb_model *net = nb_model_new(NULL);
    ck_assert_int_ge(nb_model_add_conv2d(net, 1, 6, 5, 5, NULL, NB_ACT_RELU, NB_INIT_DEFAULT), 0);
    E_NULL(nb_model_forward(net, nb_zeros(NB_F32, NB_SHAPE(2, 3, 28, 28))), NB_ERR_SHAPE,
           "nb_model_forward: layer 1 (conv2d) takes images (N, 1, H, W) but x is 2x3x28x28");
    nb_model_free(net);
}
END_TEST

static Suite *errors_conv_suite(void)
{
    Suite *s = suite_create("errors_conv");
    TCase *tc = nb_test_case("conv");
    tcase_add_test(tc, e200_conv2d_x_not_4d);
    tcase_add_test(tc, e201_conv2d_weight_not_4d);
    tcase_add_test(tc, e202_conv2d_groups_negative);
    tcase_add_test(tc, e203_conv2d_groups_not_dividing);
    tcase_add_test(tc, e204_conv2d_channels);
    tcase_add_test(tc, e205_conv2d_bias_shape);
    tcase_add_test(tc, e206_conv2d_stride_negative);
    tcase_add_test(tc, e207_conv2d_kernel_too_large);
    tcase_add_test(tc, e208_conv2d_image_too_large);
    tcase_add_test(tc, e209_conv1d_negative_option);
    tcase_add_test(tc, e210_unfold_groups);
    tcase_add_test(tc, e211_fold_output_size);
    tcase_add_test(tc, e212_fold_cols_shape);
    tcase_add_test(tc, e213_pool_layer_kernel);
    tcase_add_test(tc, e214_pool_padding_too_large);
    tcase_add_test(tc, e215_max_pool_f32_index_range);
    tcase_add_test(tc, e216_global_avg_pool_shape);
    tcase_add_test(tc, e217_conv_layer_sizes);
    tcase_add_test(tc, e218_conv_layer_init);
    tcase_add_test(tc, e219_conv_layer_channels);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_conv_suite());
}
