/* Convolution, pooling and flatten layers (nn_conv.h): parameter names and
 * shapes, PyTorch's default initialisation range, a forward equal to the
 * ops composed by hand, conv -> pool -> flatten -> linear training (the loss
 * falls), save and reload, and the layer's shape check. */
#define _GNU_SOURCE
#include <unistd.h>

#include "test_ops_grad.h"

/* conv(1 -> 2, 3x3, padding 1, relu) -> max pool 2 -> flatten -> linear(8 -> 3) */
static nb_model *small_cnn(nb_dtype dt, uint64_t seed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = dt, .seed = seed});
    ck_assert_ptr_nonnull(m);
    nb_conv2d_opts pad = {.padding = {1, 1}};
    ck_assert_int_eq(nb_model_add_conv2d(m, 1, 2, 3, 3, &pad, NB_ACT_RELU, NB_INIT_DEFAULT), 0);
    ck_assert_int_eq(nb_model_add_max_pool2d(m, 2, 2, NULL), 1);
    ck_assert_int_eq(nb_model_add_flatten(m), 2);
    ck_assert_int_eq(nb_model_add_linear(m, 8, 3, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM), 3);
    return m;
}

START_TEST(test_params_and_init)
{
    nb_model *m = small_cnn(NB_F64, 7);
    ck_assert_int_eq(nb_model_num_layers(m), 4);
    ck_assert_int_eq(nb_model_num_params(m), 4);
    ck_assert_str_eq(nb_model_param_name(m, 0), "layer1.weight");
    ck_assert_str_eq(nb_model_param_name(m, 1), "layer1.bias");
    ck_assert_str_eq(nb_model_param_name(m, 2), "layer4.weight");
    nb_tensor *w = nb_model_param(m, "layer1.weight");
    const int64_t *ws = nb_tensor_shape(w);
    ck_assert_int_eq(nb_tensor_ndim(w), 4);
    ck_assert(ws[0] == 2 && ws[1] == 1 && ws[2] == 3 && ws[3] == 3);
    /* 18 weights and 2 biases, uniform in ±1/sqrt(9): inside, not all equal */
    ck_assert_int_eq(nb_model_num_scalars(m), 18 + 2 + 24 + 3);
    double lo = 1, hi = -1;
    for (int i = 0; i < 20; i++) {
        double v = nb_tensor_get(nb_model_params_flat(m), i);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    ck_assert(lo >= -1.0 / 3 && hi < 1.0 / 3 && hi - lo > 0.1);
    nb_model_free(m);
}
END_TEST

START_TEST(test_forward_matches_ops)
{
    nb_model *m = small_cnn(NB_F64, 3);
    nb_tensor *x = t_rand(5, NB_SHAPE(2, 1, 4, 4), -1, 1);
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_ndim(y), 2);
    ck_assert_int_eq(nb_tensor_shape(y)[1], 3);
    nb_conv2d_opts pad = {.padding = {1, 1}};
    nb_tensor *h = nb_relu(nb_conv2d(x, nb_model_param(m, "layer1.weight"),
                                     nb_model_param(m, "layer1.bias"), &pad));
    h = nb_flatten(nb_max_pool2d(h, 2, 2, NULL), 1);
    nb_tensor *want = nb_add(nb_matmul(h, nb_model_param(m, "layer4.weight")),
                             nb_model_param(m, "layer4.bias"));
    ck_assert_tensor_near(y, nb_tensor_data_f64(want), 6, 1e-14);
    nb_model_free(m);
}
END_TEST

/* Ten steps of SGD on four fixed images with labels: the loss falls. */
START_TEST(test_training_lowers_loss)
{
    for (int dt = 0; dt < 2; dt++) {
        nb_model *m = small_cnn(dt, 11);
        nb_tensor *x = t_rand(6, NB_SHAPE(4, 1, 4, 4), -1, 1);
        if (dt == NB_F32)
            x = t_to_f32(x);
        nb_tensor_set_requires_grad(x, false);
        nb_tensor *labels = nb_from_int(dt, (const int[]){0, 1, 2, 1}, NB_SHAPE(4));
        nb_optim *opt = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.1});
        ck_assert_ptr_nonnull(opt);
        double first = 0, last = 0;
        for (int step = 0; step < 10; step++) {
            ck_assert_int_eq(nb_model_zero_grad(m), NB_OK);
            nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(m, x), labels, NB_REDUCE_MEAN);
            ck_assert_msg(loss != NULL, "%s", nb_last_error());
            last = nb_tensor_item(loss);
            if (step == 0)
                first = last;
            ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
            ck_assert_int_eq(nb_optim_step(opt), NB_OK);
        }
        ck_assert_msg(last < first, "loss %g -> %g", first, last);
        nb_optim_free(opt);
        nb_model_free(m);
    }
}
END_TEST

START_TEST(test_save_and_reload)
{
    char dir[] = "test_nn_conv_XXXXXX"; /* in the build directory */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/cnn.nb", dir);
    nb_model *a = small_cnn(NB_F32, 1), *b = small_cnn(NB_F32, 2);
    nb_tensor *x = t_to_f32(t_rand(8, NB_SHAPE(3, 1, 4, 4), -1, 1));
    ck_assert_int_eq(nb_model_save(a, path), NB_OK);
    ck_assert_int_eq(nb_model_load(b, path), NB_OK);
    nb_tensor *ya = nb_model_forward(a, x), *yb = nb_model_forward(b, x);
    ck_assert_tensor_near(yb, nb_tensor_data_f32(ya), 9, 0);
    remove(path);
    rmdir(dir);
    nb_model_free(a);
    nb_model_free(b);
}
END_TEST

/* avg pooling and groups through the builders; a conv layer given images
 * with the wrong channel count names itself */
START_TEST(test_avg_pool_groups_and_shape_check)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 4});
    nb_conv2d_opts g2 = {.groups = 2};
    ck_assert_int_eq(nb_model_add_conv2d(m, 2, 4, 1, 1, &g2, NB_ACT_PURELIN, NB_INIT_HE_NORMAL), 0);
    ck_assert_int_eq(nb_model_add_avg_pool2d(m, 2, 2, NULL), 1);
    ck_assert_int_eq(nb_tensor_shape(nb_model_param(m, "layer1.weight"))[1], 1);
    /* the He bias is zero, so channel o of the result is w[o] times the
     * mean of its group's 2x2 input */
    nb_tensor *x = t_vals(NB_F64, (const double[]){1, 2, 3, 4, 10, 20, 30, 40}, NB_SHAPE(1, 2, 2, 2));
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    nb_tensor *w = nb_model_param(m, "layer1.weight");
    double want[4] = {2.5 * nb_tensor_get(w, 0), 2.5 * nb_tensor_get(w, 1), 25 * nb_tensor_get(w, 2),
                      25 * nb_tensor_get(w, 3)};
    ck_assert_tensor_near(y, want, 4, 1e-12);
    ck_assert_ptr_null(nb_model_forward(m, nb_zeros(NB_F64, NB_SHAPE(1, 3, 2, 2))));
    ck_assert_error(NB_ERR_SHAPE, "layer 1 (conv2d) takes images (N, 2, H, W) but x is 1x3x2x2");
    nb_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nn_conv");
    TCase *tc = nb_test_case("layers");
    tcase_add_test(tc, test_params_and_init);
    tcase_add_test(tc, test_forward_matches_ops);
    tcase_add_test(tc, test_training_lowers_loss);
    tcase_add_test(tc, test_save_and_reload);
    tcase_add_test(tc, test_avg_pool_groups_and_shape_check);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
