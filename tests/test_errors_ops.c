/* Misuse catalogue, ops: NULL inputs per op family, shapes, axes, dims,
 * shape overflow, dtypes, NaN/Inf options, class labels, random numbers.
 * Entries of docs/errors.md E01..E53 and E137..E149, one test each, in the
 * doc's order. */
#define _GNU_SOURCE
#include "test_errors.h"

/* A 2x3 f64 matrix 1..6, and a vector of n ones. */
static nb_tensor *m23(void)
{
    return nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
}

static nb_tensor *ones(int64_t n)
{
    return nb_ones(NB_F64, NB_SHAPE(n));
}

/* ---- NULL inputs, one per op family ---- */

START_TEST(e01_null_elementwise)
{
    E_NULL(nb_tanh(NULL), NB_ERR_NULL, "tanh: input is NULL");
}
END_TEST

START_TEST(e02_null_binary)
{
    E_NULL(nb_add(m23(), NULL), NB_ERR_NULL, "add: input 2 is NULL");
}
END_TEST

START_TEST(e03_null_reduce)
{
    E_NULL(nb_sum_axis(NULL, 0, false), NB_ERR_NULL, "sum_axis: input is NULL");
}
END_TEST

START_TEST(e04_null_shape)
{
    E_NULL(nb_reshape(NULL, NB_SHAPE(6)), NB_ERR_NULL, "reshape: input is NULL");
}
END_TEST

START_TEST(e05_null_matmul)
{
    E_NULL(nb_matmul(NULL, m23()), NB_ERR_NULL, "matmul: input 1 is NULL");
}
END_TEST

START_TEST(e06_null_nn_op)
{
    E_NULL(nb_softmax(NULL, 1), NB_ERR_NULL, "softmax: input is NULL");
}
END_TEST

START_TEST(e07_null_loss)
{
    E_NULL(nb_cross_entropy_loss(m23(), NULL, NB_REDUCE_MEAN), NB_ERR_NULL,
           "cross_entropy_loss: labels is NULL");
}
END_TEST

START_TEST(e08_null_data)
{
    E_NULL(nb_from_f64(NULL, NB_SHAPE(2)), NB_ERR_NULL, "nb_from_f64: data is NULL");
}
END_TEST

START_TEST(e137_null_data_f32)
{
    E_NULL(nb_from_f32(NULL, NB_SHAPE(3)), NB_ERR_NULL, "nb_from_f32: data is NULL");
}
END_TEST

START_TEST(e09_sticky_first_message)
{
    /* the inner matmul fails; tanh and sum get NULL and keep its message */
    E_NULL(nb_sum(nb_tanh(nb_matmul(m23(), m23()))), NB_ERR_SHAPE,
           "matmul: inner sizes differ (a is 2x3, b is 2x3: 3 vs 2)");
}
END_TEST

/* ---- shapes ---- */

START_TEST(e10_binary_broadcast_failure)
{
    E_NULL(nb_add(m23(), nb_ones(NB_F64, NB_SHAPE(2, 4))), NB_ERR_SHAPE,
           "add: shapes 2x3 and 2x4 do not broadcast (axis -1: 3 vs 4");
}
END_TEST

START_TEST(e11_broadcast_to_failure)
{
    E_NULL(nb_broadcast_to(ones(3), NB_SHAPE(2, 4)), NB_ERR_SHAPE,
           "broadcast_to: cannot broadcast 3 to 2x4");
}
END_TEST

START_TEST(e12_matmul_inner_size)
{
    nb_tensor *a = nb_ones(NB_F64, NB_SHAPE(4, 3)), *b = nb_ones(NB_F64, NB_SHAPE(4, 2));
    E_NULL(nb_matmul(a, b), NB_ERR_SHAPE,
           "matmul: inner sizes differ (a is 4x3, b is 4x2: 3 vs 4); did you mean to transpose");
}
END_TEST

START_TEST(e13_matmul_vector)
{
    E_NULL(nb_matmul(ones(3), m23()), NB_ERR_SHAPE,
           "matmul: operands must have at least 2 dimensions (a is 3, b is 2x3)");
}
END_TEST

START_TEST(e14_mse_column_vs_vector)
{
    E_NULL(nb_mse_loss(nb_ones(NB_F64, NB_SHAPE(4, 1)), ones(4), NB_REDUCE_MEAN), NB_ERR_SHAPE,
           "mse_loss: pred is 4x1 but target is 4; the shapes must be equal");
}
END_TEST

START_TEST(e15_reshape_numel)
{
    E_NULL(nb_reshape(m23(), NB_SHAPE(4)), NB_ERR_SHAPE,
           "reshape: cannot view 2x3 (6 elements) as 4");
}
END_TEST

START_TEST(e16_reshape_two_inferred)
{
    E_NULL(nb_reshape(m23(), NB_SHAPE(-1, -1)), NB_ERR_SHAPE,
           "reshape: invalid size -1 at axis 1 (only one -1 allowed)");
}
END_TEST

START_TEST(e17_concat_sizes)
{
    nb_tensor *parts[2] = {m23(), nb_ones(NB_F64, NB_SHAPE(2, 2))};
    E_NULL(nb_concat(parts, 2, 0), NB_ERR_SHAPE,
           "concat: input 2 is 2x2 but input 1 is 2x3; all sizes except axis 0 must match");
}
END_TEST

START_TEST(e18_transpose_vector)
{
    E_NULL(nb_transpose(ones(3)), NB_ERR_SHAPE, "transpose: needs at least 2 dimensions, got 3");
}
END_TEST

START_TEST(e19_squeeze_not_one)
{
    E_NULL(nb_squeeze(m23(), 1), NB_ERR_SHAPE, "squeeze: axis 1 has size 3, not 1");
}
END_TEST

START_TEST(e20_max_of_nothing)
{
    E_NULL(nb_max(nb_zeros(NB_F64, NB_SHAPE(0, 3))), NB_ERR_SHAPE,
           "max: cannot reduce an empty tensor (tensor is 0x3)");
}
END_TEST

START_TEST(e21_cross_entropy_label_count)
{
    E_NULL(nb_cross_entropy_loss(m23(), nb_zeros(NB_F64, NB_SHAPE(3)), NB_REDUCE_MEAN), NB_ERR_SHAPE,
           "cross_entropy_loss: 3 labels for 2 rows");
}
END_TEST

START_TEST(e22_copy_shapes)
{
    E_FAIL(nb_tensor_copy(m23(), ones(6)), NB_ERR_SHAPE,
           "nb_tensor_copy: dst is f64 2x3, src is f64 6");
}
END_TEST

START_TEST(e23_item_not_one)
{
    ck_assert(isnan(nb_tensor_item(m23())));
    E_EXPECT(NB_ERR_SHAPE, "nb_tensor_item: tensor of shape 2x3 has 6 elements, expected 1");
}
END_TEST

/* ---- axes out of range ---- */

START_TEST(e24_sum_axis_range)
{
    E_NULL(nb_sum_axis(m23(), 2, false), NB_ERR_ARG,
           "sum_axis: axis 2 is out of range for a 2-d tensor (valid: -2..1)");
}
END_TEST

START_TEST(e25_softmax_axis_range)
{
    E_NULL(nb_softmax(m23(), -3), NB_ERR_ARG, "softmax: axis -3 is out of range for a 2-d tensor");
}
END_TEST

START_TEST(e26_slice_range)
{
    E_NULL(nb_slice(m23(), 1, 1, 5), NB_ERR_ARG, "slice: range 1:5 does not fit axis 1 of size 3");
}
END_TEST

START_TEST(e27_permute_repeated)
{
    E_NULL(nb_permute(m23(), (const int[]){0, 0}), NB_ERR_ARG,
           "permute: axis 0 appears twice in perm");
}
END_TEST

START_TEST(e28_dim_range)
{
    ck_assert_int_eq(nb_tensor_dim(m23(), 2), -1);
    E_EXPECT(NB_ERR_ARG, "nb_tensor_dim: axis 2 out of range for a 2-d tensor");
}
END_TEST

START_TEST(e29_get_range)
{
    ck_assert(isnan(nb_tensor_get(m23(), 6)));
    E_EXPECT(NB_ERR_ARG, "nb_tensor_get: index 6 out of range (tensor has 6 elements)");
}
END_TEST

/* ---- dims ---- */

START_TEST(e30_nine_dims)
{
    E_NULL(nb_zeros(NB_F32, NB_SHAPE(1, 1, 1, 1, 1, 1, 1, 1, 1)), NB_ERR_SHAPE,
           "nb_zeros: 9 dimensions requested, nabla supports 0..8");
}
END_TEST

START_TEST(e31_negative_ndim)
{
    E_NULL(nb_zeros(NB_F32, -1, (const int64_t[]){2}), NB_ERR_SHAPE,
           "nb_zeros: -1 dimensions requested");
}
END_TEST

START_TEST(e32_negative_size)
{
    E_NULL(nb_zeros(NB_F32, NB_SHAPE(2, -3)), NB_ERR_SHAPE, "nb_zeros: invalid shape 2x-3");
}
END_TEST

START_TEST(e33_null_shape_array)
{
    E_NULL(nb_zeros(NB_F32, 2, NULL), NB_ERR_NULL, "nb_zeros: shape is NULL for a 2-d tensor");
}
END_TEST

START_TEST(e138_ones_negative_size)
{
    E_NULL(nb_ones(NB_F64, NB_SHAPE(2, -1)), NB_ERR_SHAPE,
           "nb_ones: invalid shape 2x-1: size -1 at axis 1 is negative");
}
END_TEST

/* ---- shape overflow ---- */

START_TEST(e34_numel_overflow)
{
    E_NULL(nb_zeros(NB_F32, NB_SHAPE(INT64_MAX, 2)), NB_ERR_SHAPE,
           "nb_zeros: invalid shape 9223372036854775807x2");
}
END_TEST

START_TEST(e35_zero_element_overflow)
{
    E_NULL(nb_zeros(NB_F32, NB_SHAPE(0, INT64_MAX, 2)), NB_ERR_SHAPE,
           "nb_zeros: invalid shape 0x9223372036854775807x2");
}
END_TEST

START_TEST(e36_bytes_overflow)
{
    E_NULL(nb_zeros(NB_F64, NB_SHAPE(INT64_MAX / 4)), NB_ERR_SHAPE,
           "nb_zeros: invalid shape 2305843009213693951");
}
END_TEST

START_TEST(e37_arange_too_long)
{
    E_NULL(nb_arange(NB_F64, 0, 1e30, 1), NB_ERR_SHAPE, "nb_arange: 1e+30 elements are too many");
}
END_TEST

/* ---- dtypes ---- */

START_TEST(e38_mixed_binary)
{
    E_NULL(nb_add(nb_ones(NB_F32, NB_SHAPE(3)), ones(3)), NB_ERR_DTYPE,
           "add: input 1 is f32 but input 2 is f64; nabla does not mix dtypes");
}
END_TEST

START_TEST(e39_mixed_matmul)
{
    nb_tensor *a = nb_ones(NB_F32, NB_SHAPE(2, 3)), *b = nb_ones(NB_F64, NB_SHAPE(3, 2));
    E_NULL(nb_matmul(a, b), NB_ERR_DTYPE, "matmul: input 1 is f32 but input 2 is f64");
}
END_TEST

START_TEST(e40_mixed_labels)
{
    E_NULL(nb_cross_entropy_loss(m23(), nb_zeros(NB_F32, NB_SHAPE(2)), NB_REDUCE_MEAN), NB_ERR_DTYPE,
           "cross_entropy_loss: the label tensor is f32 but the data is f64");
}
END_TEST

START_TEST(e41_unknown_dtype)
{
    E_NULL(nb_zeros((nb_dtype)5, NB_SHAPE(2)), NB_ERR_DTYPE, "nb_zeros: unknown dtype 5");
}
END_TEST

START_TEST(e139_scalar_unknown_dtype)
{
    E_NULL(nb_scalar((nb_dtype)5, 1.0), NB_ERR_DTYPE,
           "nb_scalar: unknown dtype 5 (expected NB_F32 or NB_F64)");
}
END_TEST

START_TEST(e42_cast_unknown_dtype)
{
    E_NULL(nb_cast(m23(), (nb_dtype)7), NB_ERR_DTYPE, "cast: unknown dtype 7");
}
END_TEST

START_TEST(e43_data_wrong_dtype)
{
    E_NULL(nb_tensor_data_f32(m23()), NB_ERR_DTYPE, "nb_tensor_data_f32: tensor is f64 (use nb_tensor_data_f64)");
}
END_TEST

/* ---- NaN / Inf options and values ---- */

START_TEST(e44_leaky_relu_nan_slope)
{
    E_NULL(nb_leaky_relu(m23(), NAN), NB_ERR_ARG,
           "leaky_relu: slope must be a finite number (got nan)");
}
END_TEST

START_TEST(e45_clamp_reversed)
{
    E_NULL(nb_clamp(m23(), 1.0, 0.0), NB_ERR_ARG, "clamp: need lo <= hi (got lo 1, hi 0)");
}
END_TEST

START_TEST(e46_arange_nan)
{
    E_NULL(nb_arange(NB_F64, 0, NAN, 1), NB_ERR_ARG,
           "nb_arange: need finite start/stop and a non-zero step (got 0, nan, 1)");
}
END_TEST

START_TEST(e47_mapminmax_range)
{
    nb_minmax_settings ps;
    E_FAIL(nb_mapminmax_fit(m23(), 1.0, -1.0, &ps), NB_ERR_ARG,
           "nb_mapminmax_fit: output range [1, -1] is empty");
}
END_TEST

START_TEST(e140_mapminmax_infinite_range)
{
    nb_minmax_settings ps;
    E_FAIL(nb_mapminmax_fit(m23(), -INFINITY, 1.0, &ps), NB_ERR_ARG,
           "nb_mapminmax_fit: ymin is -inf; expected a finite number");
}
END_TEST

START_TEST(e141_mapminmax_nan_range)
{
    nb_minmax_settings ps;
    E_NULL(nb_mapminmax(m23(), -1.0, NAN, &ps), NB_ERR_ARG,
           "nb_mapminmax: ymax is nan; expected a finite number");
}
END_TEST

START_TEST(e48_anomaly_nan_in_data)
{
    nb_tensor *x = m23();
    nb_tensor_data_f64(x)[4] = NAN;
    nb_tensor_bump_version(x);
    nb_tensor_set_name(x, "x");
    bool prev = nb_set_anomaly_mode(true);
    nb_tensor *y = nb_tanh(x);
    nb_set_anomaly_mode(prev);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_NUMERIC, "anomaly: input 1 of 'tanh' at ");
    E_ALSO("holds nan at element 4 (1 NaN/Inf value in all); it is a leaf (x, f64 2x3)");
}
END_TEST

START_TEST(e49_anomaly_nan_made_by_op)
{
    nb_tensor *x = nb_tensor_set_requires_grad(m23(), true);
    bool prev = nb_set_anomaly_mode(true);
    nb_tensor *y = nb_log(nb_add_scalar(x, -2.0));
    nb_set_anomaly_mode(prev);
    ck_assert_ptr_null(y);
    E_EXPECT(NB_ERR_NUMERIC, "anomaly: forward of 'log' at ");
    E_ALSO("produced 2 NaN/Inf value(s) in its result (shape 2x3)");
}
END_TEST

/* ---- class labels ---- */

START_TEST(e50_label_negative)
{
    nb_tensor *labels = nb_from_f64((const double[]){0, -1}, NB_SHAPE(2));
    E_NULL(nb_cross_entropy_loss(m23(), labels, NB_REDUCE_MEAN), NB_ERR_ARG,
           "cross_entropy_loss: label -1 in row 1 is out of range for 3 classes (valid 0..2)");
}
END_TEST

START_TEST(e51_label_not_integer)
{
    nb_tensor *labels = nb_from_f64((const double[]){1.5, 0}, NB_SHAPE(2));
    E_NULL(nb_nll_loss(m23(), labels, NB_REDUCE_SUM), NB_ERR_ARG,
           "nll_loss: label 1.5 in row 0 is not an integer (valid 0..2)");
}
END_TEST

START_TEST(e52_label_too_large)
{
    nb_tensor *labels = nb_from_f64((const double[]){2, 3}, NB_SHAPE(2));
    E_NULL(nb_cross_entropy_loss(m23(), labels, NB_REDUCE_MEAN), NB_ERR_ARG,
           "cross_entropy_loss: label 3 in row 1 is out of range for 3 classes");
}
END_TEST

START_TEST(e53_gather_index_range)
{
    nb_tensor *idx = nb_from_f64((const double[]){1, 2}, NB_SHAPE(2));
    E_NULL(nb_gather_rows(m23(), idx), NB_ERR_ARG,
           "gather_rows: index 2 in position 1 is out of range for 2 table rows (valid 0..1)");
}
END_TEST

/* ---- random numbers ---- */

START_TEST(e142_rand_uniform_reversed)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_NULL(nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3), 1, 0), NB_ERR_ARG,
           "nb_rand_uniform: high is 0 but low is 1; need low <= high");
    /* a degenerate range is allowed (as by PyTorch's uniform_) */
    nb_tensor *c = nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3), 2, 2);
    ck_assert_tensor_near(c, ((const double[]){2, 2, 2}), 3, 0);
    ck_assert_ptr_null(nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3), -1e308, 1e308));
    ck_assert_error(NB_ERR_ARG, "nb_rand_uniform: high - low overflows");
}
END_TEST

START_TEST(e143_rand_uniform_infinite)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_NULL(nb_rand_uniform(&rng, NB_F64, NB_SHAPE(3), 0, INFINITY), NB_ERR_ARG,
           "nb_rand_uniform: high is inf; expected a finite number");
}
END_TEST

START_TEST(e144_rand_uniform_f32_range)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_NULL(nb_rand_uniform(&rng, NB_F32, NB_SHAPE(3), 0, 1e39), NB_ERR_ARG,
           "nb_rand_uniform: high is 1e+39, beyond the f32 range");
}
END_TEST

START_TEST(e145_rand_normal_nan_mean)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_NULL(nb_rand_normal(&rng, NB_F64, NB_SHAPE(3), NAN, 1), NB_ERR_ARG,
           "nb_rand_normal: mean is nan; expected a finite number");
}
END_TEST

START_TEST(e146_rand_normal_negative_std)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    E_NULL(nb_rand_normal(&rng, NB_F64, NB_SHAPE(3), 0, -1), NB_ERR_ARG,
           "nb_rand_normal: std is -1; expected a finite number >= 0");
    nb_tensor *c = nb_rand_normal(&rng, NB_F64, NB_SHAPE(3), 5, 0); /* std 0 is allowed */
    ck_assert_tensor_near(c, ((const double[]){5, 5, 5}), 3, 0);
}
END_TEST

START_TEST(e147_rng_below_zero)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    ck_assert_int_eq(nb_rng_below(&rng, 0), -1);
    E_EXPECT(NB_ERR_ARG, "nb_rng_below: n is 0; expected n >= 1");
}
END_TEST

START_TEST(e148_rng_null)
{
    ck_assert(isnan(nb_rng_uniform(NULL)));
    E_EXPECT(NB_ERR_NULL, "nb_rng_uniform: rng is NULL");
    /* the rest of nabla/rng.h the same way */
    nb_clear_error();
    ck_assert_int_eq(nb_rng_seed(NULL, 1), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_rng_seed: rng is NULL");
    nb_clear_error();
    ck_assert_uint_eq(nb_rng_next(NULL), 0);
    ck_assert_error(NB_ERR_NULL, "nb_rng_next: rng is NULL");
    nb_clear_error();
    ck_assert(isnan(nb_rng_normal(NULL)));
    ck_assert_error(NB_ERR_NULL, "nb_rng_normal: rng is NULL");
    nb_clear_error();
    ck_assert_int_eq(nb_rng_below(NULL, 3), -1);
    ck_assert_error(NB_ERR_NULL, "nb_rng_below: rng is NULL");
    nb_clear_error();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    ck_assert_int_eq(nb_rng_shuffle(&rng, NULL, 3), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_rng_shuffle: items is NULL");
    ck_assert_int_eq(nb_rng_shuffle(&rng, NULL, 0), NB_OK);
}
END_TEST

START_TEST(e149_rng_shuffle_negative_count)
{
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    int64_t items[3] = {0, 1, 2};
    E_FAIL(nb_rng_shuffle(&rng, items, -1), NB_ERR_ARG,
           "nb_rng_shuffle: count is -1; expected a count >= 0");
}
END_TEST

static Suite *errors_ops_suite(void)
{
    Suite *s = suite_create("errors_ops");
    TCase *tc = nb_test_case("ops");
    tcase_add_test(tc, e01_null_elementwise);
    tcase_add_test(tc, e02_null_binary);
    tcase_add_test(tc, e03_null_reduce);
    tcase_add_test(tc, e04_null_shape);
    tcase_add_test(tc, e05_null_matmul);
    tcase_add_test(tc, e06_null_nn_op);
    tcase_add_test(tc, e07_null_loss);
    tcase_add_test(tc, e08_null_data);
    tcase_add_test(tc, e137_null_data_f32);
    tcase_add_test(tc, e09_sticky_first_message);
    tcase_add_test(tc, e10_binary_broadcast_failure);
    tcase_add_test(tc, e11_broadcast_to_failure);
    tcase_add_test(tc, e12_matmul_inner_size);
    tcase_add_test(tc, e13_matmul_vector);
    tcase_add_test(tc, e14_mse_column_vs_vector);
    tcase_add_test(tc, e15_reshape_numel);
    tcase_add_test(tc, e16_reshape_two_inferred);
    tcase_add_test(tc, e17_concat_sizes);
    tcase_add_test(tc, e18_transpose_vector);
    tcase_add_test(tc, e19_squeeze_not_one);
    tcase_add_test(tc, e20_max_of_nothing);
    tcase_add_test(tc, e21_cross_entropy_label_count);
    tcase_add_test(tc, e22_copy_shapes);
    tcase_add_test(tc, e23_item_not_one);
    tcase_add_test(tc, e24_sum_axis_range);
    tcase_add_test(tc, e25_softmax_axis_range);
    tcase_add_test(tc, e26_slice_range);
    tcase_add_test(tc, e27_permute_repeated);
    tcase_add_test(tc, e28_dim_range);
    tcase_add_test(tc, e29_get_range);
    tcase_add_test(tc, e30_nine_dims);
    tcase_add_test(tc, e31_negative_ndim);
    tcase_add_test(tc, e32_negative_size);
    tcase_add_test(tc, e33_null_shape_array);
    tcase_add_test(tc, e138_ones_negative_size);
    tcase_add_test(tc, e34_numel_overflow);
    tcase_add_test(tc, e35_zero_element_overflow);
    tcase_add_test(tc, e36_bytes_overflow);
    tcase_add_test(tc, e37_arange_too_long);
    tcase_add_test(tc, e38_mixed_binary);
    tcase_add_test(tc, e39_mixed_matmul);
    tcase_add_test(tc, e40_mixed_labels);
    tcase_add_test(tc, e41_unknown_dtype);
    tcase_add_test(tc, e139_scalar_unknown_dtype);
    tcase_add_test(tc, e42_cast_unknown_dtype);
    tcase_add_test(tc, e43_data_wrong_dtype);
    tcase_add_test(tc, e44_leaky_relu_nan_slope);
    tcase_add_test(tc, e45_clamp_reversed);
    tcase_add_test(tc, e46_arange_nan);
    tcase_add_test(tc, e47_mapminmax_range);
    tcase_add_test(tc, e140_mapminmax_infinite_range);
    tcase_add_test(tc, e141_mapminmax_nan_range);
    tcase_add_test(tc, e48_anomaly_nan_in_data);
    tcase_add_test(tc, e49_anomaly_nan_made_by_op);
    tcase_add_test(tc, e50_label_negative);
    tcase_add_test(tc, e51_label_not_integer);
    tcase_add_test(tc, e52_label_too_large);
    tcase_add_test(tc, e53_gather_index_range);
    tcase_add_test(tc, e142_rand_uniform_reversed);
    tcase_add_test(tc, e143_rand_uniform_infinite);
    tcase_add_test(tc, e144_rand_uniform_f32_range);
    tcase_add_test(tc, e145_rand_normal_nan_mean);
    tcase_add_test(tc, e146_rand_normal_negative_std);
    tcase_add_test(tc, e147_rng_below_zero);
    tcase_add_test(tc, e148_rng_null);
    tcase_add_test(tc, e149_rng_shuffle_negative_count);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_ops_suite());
}
