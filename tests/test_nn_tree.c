/* nabla: tests of models that are not only sequential — blocks (named
 * sub-layers with their own layers and parameters), the dotted names they
 * give, and nb_model_summary.
 *
 * The nested model of most tests, in f64 (x is N x 2):
 *   layer1      linear 2->3, tansig        h1 = tanh(x W1 + b1)
 *   res         block, residual:           h2 = h1 + gain * inner(tanh(h1 Wa + ba))
 *     res.layer1        linear 3->3, tansig
 *     res.inner         block (its layers in a row)
 *       res.inner.layer1  linear 3->3     r Wi + bi
 *     res.gain          (1), registered on the block
 *   layer3      linear 3->1                y = h2 W3 + b3
 * Its values are checked against the same formulas in plain C. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

#define NP 38 /* scalars of the nested model */

static nb_tensor *residual(nb_model *blk, nb_tensor *x, void *ctx)
{
    (void)ctx;
    return nb_add(x, nb_mul(nb_model_param(blk, "gain"), nb_model_forward(blk, x)));
}

/* The nested model; `gain_first` registers res.gain before the block's
 * layers (another creation order, the same names). */
static nb_model *nested(uint64_t seed, int gain_first, nb_model **res_out, nb_model **inner_out)
{
    nb_model *net = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = seed});
    ck_assert_ptr_nonnull(net);
    ck_assert_int_eq(nb_model_add_linear(net, 2, 3, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    nb_model *res = nb_model_add_block(net, "res", residual, NULL);
    ck_assert_msg(res != NULL, "%s", nb_last_error());
    if (gain_first)
        ck_assert_ptr_nonnull(nb_model_add_param(res, "gain", NB_SHAPE(1)));
    ck_assert_int_eq(nb_model_add_linear(res, 3, 3, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    nb_model *inner = nb_model_add_block(res, "inner", NULL, NULL);
    ck_assert_ptr_nonnull(inner);
    ck_assert_int_eq(nb_model_add_linear(inner, 3, 3, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    if (!gain_first)
        ck_assert_ptr_nonnull(nb_model_add_param(res, "gain", NB_SHAPE(1)));
    ck_assert_int_eq(nb_model_add_linear(net, 3, 1, NB_ACT_PURELIN, NB_INIT_DEFAULT), 2);
    if (res_out)
        *res_out = res;
    if (inner_out)
        *inner_out = inner;
    return net;
}

/* Offsets of the nested model's parameters in the flat buffer (creation
 * order, gain last in the block). */
enum { W1 = 0, B1 = 6, WA = 9, BA = 18, WI = 21, BI = 30, GAIN = 33, W3 = 34, B3 = 37 };

/* Fill the flat buffer with known values. */
static void set_params(nb_model *net, double *p)
{
    nb_tensor *flat = nb_model_params_flat(net);
    ck_assert_ptr_nonnull(flat);
    ck_assert_int_eq(nb_tensor_numel(flat), NP);
    double *d = nb_tensor_data_f64(flat);
    for (int i = 0; i < NP; i++)
        p[i] = d[i] = 0.3 * sin(1.7 * i + 0.4);
    nb_tensor_bump_version(flat);
}

/* The nested model in plain C: y (n) for x (n x 2). */
static void plain_forward(const double *p, const double *x, int n, double *y)
{
    for (int s = 0; s < n; s++) {
        double h1[3], r[3], h2[3];
        for (int j = 0; j < 3; j++)
            h1[j] = tanh(x[2 * s] * p[W1 + j] + x[2 * s + 1] * p[W1 + 3 + j] + p[B1 + j]);
        for (int j = 0; j < 3; j++) {
            double z = p[BA + j];
            for (int i = 0; i < 3; i++)
                z += h1[i] * p[WA + 3 * i + j];
            r[j] = tanh(z);
        }
        for (int j = 0; j < 3; j++) {
            double z = p[BI + j];
            for (int i = 0; i < 3; i++)
                z += r[i] * p[WI + 3 * i + j];
            h2[j] = h1[j] + p[GAIN] * z;
        }
        y[s] = p[B3] + h2[0] * p[W3] + h2[1] * p[W3 + 1] + h2[2] * p[W3 + 2];
    }
}

static const double X[8] = {0.5, -1.0, 1.5, 0.25, -0.75, 0.8, 0.1, -0.3};
static const double T[4] = {0.2, -0.4, 0.9, 0.0};

/* The mean squared error of the plain model. */
static double plain_loss(const double *p)
{
    double y[4], l = 0;
    plain_forward(p, X, 4, y);
    for (int s = 0; s < 4; s++)
        l += (y[s] - T[s]) * (y[s] - T[s]);
    return l / 4;
}

START_TEST(test_nested_names_and_counts)
{
    nb_model *res, *inner;
    nb_model *net = nested(1, 0, &res, &inner);
    static const char *const names[] = {
        "layer1.weight", "layer1.bias", "res.layer1.weight", "res.layer1.bias",
        "res.inner.layer1.weight", "res.inner.layer1.bias", "res.gain", "layer3.weight",
        "layer3.bias"};
    ck_assert_int_eq(nb_model_num_params(net), 9);
    ck_assert_int_eq(nb_model_num_scalars(net), NP);
    for (int i = 0; i < 9; i++) {
        ck_assert_str_eq(nb_model_param_name(net, i), names[i]);
        ck_assert_str_eq(nb_tensor_name(nb_model_param_at(net, i)), names[i]);
        ck_assert_ptr_eq(nb_model_param(net, names[i]), nb_model_param_at(net, i));
    }
    /* a block lists what was registered through it, by full name */
    ck_assert_int_eq(nb_model_num_params(res), 5);
    ck_assert_int_eq(nb_model_num_scalars(res), 25);
    ck_assert_str_eq(nb_model_param_name(res, 0), "res.layer1.weight");
    ck_assert_str_eq(nb_model_param_name(res, 4), "res.gain");
    ck_assert_int_eq(nb_model_num_params(inner), 2);
    ck_assert_int_eq(nb_model_num_scalars(inner), 12);
    /* lookups on a block are relative to it */
    nb_tensor *bi = nb_model_param(net, "res.inner.layer1.bias");
    ck_assert_ptr_eq(nb_model_param(res, "inner.layer1.bias"), bi);
    ck_assert_ptr_eq(nb_model_param(inner, "layer1.bias"), bi);
    ck_assert_ptr_null(nb_model_param(inner, "res.inner.layer1.bias"));
    /* the tree */
    ck_assert_str_eq(nb_model_name(net), "");
    ck_assert_str_eq(nb_model_name(res), "res");
    ck_assert_str_eq(nb_model_name(inner), "res.inner");
    ck_assert_ptr_eq(nb_model_parent(inner), res);
    ck_assert_ptr_eq(nb_model_parent(res), net);
    ck_assert_ptr_null(nb_model_parent(net));
    ck_assert_int_eq(nb_model_num_layers(net), 3);
    ck_assert_int_eq(nb_model_num_layers(res), 2);
    ck_assert_str_eq(nb_model_layer_name(net, 0), "layer1");
    ck_assert_str_eq(nb_model_layer_name(net, 1), "res");
    ck_assert_str_eq(nb_model_layer_name(net, 2), "layer3");
    ck_assert_str_eq(nb_model_layer_name(res, 0), "res.layer1");
    ck_assert_str_eq(nb_model_layer_name(res, 1), "res.inner");
    ck_assert_str_eq(nb_model_layer_name(inner, 0), "res.inner.layer1");
    ck_assert_ptr_eq(nb_model_layer_block(net, 1), res);
    ck_assert_ptr_eq(nb_model_layer_block(res, 1), inner);
    ck_assert_ptr_null(nb_model_layer_block(net, 0));
    ck_assert_ptr_null(nb_model_layer_name(net, 3));
    /* a block shares its model's RNG, arena and dtype */
    ck_assert_ptr_eq(nb_model_rng(res), nb_model_rng(net));
    ck_assert_ptr_eq(nb_model_arena(inner), nb_model_arena(net));
    ck_assert_int_eq(nb_model_dtype(inner), NB_F64);
    /* an unnamed block is named by position; a freed block is left alone */
    nb_model *anon = nb_model_add_block(net, NULL, NULL, NULL);
    ck_assert_str_eq(nb_model_name(anon), "layer4");
    nb_model_free(anon);
    ck_assert_str_eq(nb_model_layer_name(net, 3), "layer4");
    nb_model_free(net);
}
END_TEST

/* A linear layer renamed takes its parameters' names with it; order,
 * values and the function stay. */
START_TEST(test_rename_linear_layers)
{
    nb_model *res, *inner;
    nb_model *net = nested(1, 0, &res, &inner);
    double p[NP], want[4];
    set_params(net, p);
    nb_tensor *w1 = nb_model_param(net, "layer1.weight");
    ck_assert_int_eq(nb_model_set_layer_name(net, 0, "stem"), NB_OK);
    ck_assert_int_eq(nb_model_set_layer_name(inner, 0, "proj"), NB_OK);
    static const char *const names[] = {
        "stem.weight", "stem.bias", "res.layer1.weight", "res.layer1.bias",
        "res.inner.proj.weight", "res.inner.proj.bias", "res.gain", "layer3.weight",
        "layer3.bias"};
    for (int i = 0; i < 9; i++) {
        ck_assert_str_eq(nb_model_param_name(net, i), names[i]);
        ck_assert_str_eq(nb_tensor_name(nb_model_param_at(net, i)), names[i]);
        ck_assert_ptr_eq(nb_model_param(net, names[i]), nb_model_param_at(net, i));
    }
    ck_assert_ptr_eq(nb_model_param(net, "stem.weight"), w1);
    ck_assert_ptr_null(nb_model_param(net, "layer1.weight"));
    ck_assert_ptr_eq(nb_model_param(inner, "proj.bias"), nb_model_param_at(net, 5));
    ck_assert_str_eq(nb_model_param_name(inner, 1), "res.inner.proj.bias");
    ck_assert_str_eq(nb_model_layer_name(net, 0), "stem");
    ck_assert_str_eq(nb_model_layer_name(inner, 0), "res.inner.proj");
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    plain_forward(p, X, 4, want);
    ck_assert_tensor_near(nb_model_forward(net, x), want, 4, 1e-12);
    /* a taken name changes nothing */
    ck_assert_int_eq(nb_model_set_layer_name(net, 2, "res"), NB_ERR_ARG);
    ck_assert_str_eq(nb_model_param_name(net, 7), "layer3.weight");
    ck_assert_str_eq(nb_model_layer_name(net, 2), "layer3");
    /* the old name is free again */
    ck_assert_int_eq(nb_model_set_layer_name(net, 2, "layer1"), NB_OK);
    ck_assert_str_eq(nb_model_param_name(net, 8), "layer1.bias");
    nb_model_free(net);
}
END_TEST

/* Forward values against plain C; backward against central differences of
 * the plain loss; one SGD step over every parameter, nested ones too. */
START_TEST(test_forward_backward_step)
{
    nb_model *net = nested(1, 0, NULL, NULL);
    double p[NP], want[4];
    set_params(net, p);
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    nb_tensor *t = nb_from_f64(T, NB_SHAPE(4, 1));
    nb_tensor *y = nb_model_forward(net, x);
    plain_forward(p, X, 4, want);
    ck_assert_tensor_near(y, want, 4, 1e-12);
    nb_tensor *loss = nb_mse_loss(y, t, NB_REDUCE_MEAN);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    nb_tensor *g = nb_model_grads_flat(net);
    double num[NP];
    for (int i = 0; i < NP; i++) {
        double q[NP], h = 1e-6;
        memcpy(q, p, sizeof q);
        q[i] = p[i] + h;
        double lp = plain_loss(q);
        q[i] = p[i] - h;
        num[i] = (lp - plain_loss(q)) / (2 * h);
    }
    ck_assert_tensor_near(g, num, NP, 1e-8);
    ck_assert(fabs(num[GAIN]) > 1e-4 && fabs(num[WI]) > 1e-4); /* the nested ones matter */
    nb_optim *opt = nb_sgd_new(net, &(nb_sgd_opts){.lr = 0.1});
    ck_assert_ptr_nonnull(opt);
    ck_assert_int_eq(nb_optim_step(opt), NB_OK);
    double after[NP];
    for (int i = 0; i < NP; i++)
        after[i] = p[i] - 0.1 * num[i];
    ck_assert_tensor_near(nb_model_params_flat(net), after, NP, 1e-9);
    ck_assert_double_eq_tol(nb_tensor_get(nb_model_param(net, "res.gain"), 0), after[GAIN], 1e-9);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* nb_model_jacobian takes the general path through a block and agrees with
 * central differences of the plain model. */
START_TEST(test_jacobian_through_blocks)
{
    nb_model *net = nested(2, 0, NULL, NULL);
    double p[NP], jac[4 * NP], out[4], y0[4];
    set_params(net, p);
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    ck_assert_int_eq(nb_model_jacobian(net, x, jac, out), NB_OK);
    plain_forward(p, X, 4, y0);
    for (int s = 0; s < 4; s++)
        ck_assert_double_eq_tol(out[s], y0[s], 1e-12);
    for (int i = 0; i < NP; i++) {
        double q[NP], yp[4], ym[4], h = 1e-6;
        memcpy(q, p, sizeof q);
        q[i] += h;
        plain_forward(q, X, 4, yp);
        q[i] -= 2 * h;
        plain_forward(q, X, 4, ym);
        for (int s = 0; s < 4; s++)
            ck_assert_double_eq_tol(jac[s * NP + i], (yp[s] - ym[s]) / (2 * h), 1e-8);
    }
    nb_model_free(net);
}
END_TEST

/* Saved by name, loaded by name: a model that registered res.gain first
 * (other flat offsets) gets every parameter where its name says. */
START_TEST(test_save_load_by_name)
{
    char path[] = "test_nn_tree_XXXXXX"; /* in the build directory */
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    nb_model *a = nested(1, 0, NULL, NULL);
    double p[NP];
    set_params(a, p);
    ck_assert_int_eq(nb_model_save(a, path), NB_OK);
    nb_model *b = nested(7, 1, NULL, NULL);
    ck_assert_str_eq(nb_model_param_name(b, 2), "res.gain"); /* another order */
    ck_assert_int_eq(nb_model_load(b, path), NB_OK);
    for (int i = 0; i < nb_model_num_params(a); i++) {
        const char *name = nb_model_param_name(a, i);
        nb_tensor *ta = nb_model_param(a, name), *tb = nb_model_param(b, name);
        ck_assert_ptr_nonnull(tb);
        for (int64_t k = 0; k < nb_tensor_numel(ta); k++)
            ck_assert_double_eq(nb_tensor_get(tb, k), nb_tensor_get(ta, k));
    }
    /* and it computes the same function */
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    double want[4];
    plain_forward(p, X, 4, want);
    ck_assert_tensor_near(nb_model_forward(b, x), want, 4, 1e-12);
    remove(path);
    nb_model_free(a);
    nb_model_free(b);
}
END_TEST

/* nb_train over a model with blocks: the loss falls. */
START_TEST(test_train_nested)
{
    nb_model *net = nested(3, 0, NULL, NULL);
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    nb_tensor *t = nb_from_f64(T, NB_SHAPE(4, 1));
    nb_optim *opt = nb_adam_new(net, &(nb_adam_opts){.lr = 0.02});
    ck_assert_ptr_nonnull(opt);
    nb_train_record rec = {0};
    nb_train_opts o = {.epochs = 200, .verbose = -1, .min_grad = -1, .no_shuffle = true};
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = t}, &o, &rec),
                     NB_OK);
    ck_assert_int_eq(rec.epochs, 200);
    ck_assert_double_lt(rec.train_loss[rec.epochs], 0.1 * rec.train_loss[0]);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}
END_TEST

/* A failing layer deep in the tree is named by its full name. */
static nb_tensor *bad_layer(nb_model *m, nb_tensor *x, void *ctx)
{
    (void)m, (void)x, (void)ctx;
    return NULL;
}

START_TEST(test_errors_name_nested_layers)
{
    nb_model *res, *inner;
    nb_model *net = nested(1, 0, &res, &inner);
    ck_assert_int_ge(nb_model_add_layer(inner, "bad", bad_layer, NULL), 0);
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    ck_assert_ptr_null(nb_model_forward(net, x));
    ck_assert_error(NB_ERR_ARG, "nb_model_forward: layer 2 ('res.inner.bad') returned NULL");
    /* a block whose first layer does not fit its input */
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64});
    ck_assert_int_eq(nb_model_add_linear(m, 2, 3, NB_ACT_TANSIG, 0), 0);
    nb_model *blk = nb_model_add_block(m, "proj", NULL, NULL);
    ck_assert_int_eq(nb_model_add_linear(blk, 4, 1, NB_ACT_PURELIN, 0), 0);
    ck_assert_ptr_null(nb_model_forward(m, x));
    ck_assert_error(NB_ERR_SHAPE, "nb_model_forward: x is 4x3 but the first layer of block "
                                  "'proj' ('proj.layer1') expects N x 4");
    /* outside its parent's pass a block does not run */
    ck_assert_ptr_null(nb_model_forward(res, nb_from_f64(X, NB_SHAPE(2, 3))));
    ck_assert_error(NB_ERR_STATE, "'res' is a block of a model");
    nb_model_free(m);
    nb_model_free(net);
}
END_TEST

/* ---- summaries ---- */

static nb_tensor *scale_layer(nb_model *m, nb_tensor *x, void *ctx)
{
    (void)ctx;
    return nb_mul(x, nb_model_param(m, "scale.alpha"));
}

START_TEST(test_summary_small)
{
    nb_model *m = nb_model_new(NULL); /* f32 */
    ck_assert_int_eq(nb_model_add_linear(m, 2, 3, NB_ACT_PURELIN, 0), 0);
    ck_assert_int_eq(nb_model_add_activation(m, NB_ACT_TANSIG), 1);
    ck_assert_ptr_nonnull(nb_model_add_param(m, "scale.alpha", NB_SHAPE(1)));
    ck_assert_int_eq(nb_model_add_layer(m, "scale", scale_layer, NULL), 2);
    ck_assert_int_eq(nb_model_add_linear(m, 3, 1, NB_ACT_LOGSIG, 0), 3);
    static const char want[] = "model summary for input 5x2 (f32)\n"
                               "layer   kind             output  params\n"
                               "layer1  linear           5x3          9\n"
                               "tansig  tansig           5x3          0\n"
                               "scale   user             5x3          1\n"
                               "layer4  linear (logsig)  5x1          4\n"
                               "total: 5 parameter tensors, 14 scalars (14 trainable), 56 bytes\n";
    char buf[1024];
    int n = nb_model_summary_string(m, NB_SHAPE(5, 2), buf, sizeof buf);
    ck_assert_msg(n >= 0, "%s", nb_last_error());
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(n, (int)strlen(want));
    /* snprintf's rules: the length needed, a cut copy, nothing for size 0 */
    ck_assert_int_eq(nb_model_summary_string(m, NB_SHAPE(5, 2), NULL, 0), n);
    char small[12];
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(nb_model_summary_string(m, NB_SHAPE(5, 2), small, sizeof small), n);
    ck_assert_str_eq(small, "model summa");
    /* the same text on a stream */
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_model_summary(m, NB_SHAPE(5, 2), f), NB_OK);
    rewind(f);
    char back[1024] = {0};
    ck_assert_uint_eq(fread(back, 1, sizeof back - 1, f), strlen(want));
    ck_assert_str_eq(back, want);
    fclose(f);
    nb_model_free(m);
}
END_TEST

START_TEST(test_summary_nested_keeps_state)
{
    nb_model *net = nested(1, 0, NULL, NULL);
    double p[NP];
    set_params(net, p);
    /* state the summary must not touch: the current arena, grad mode, .grad */
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    ck_assert_int_eq(nb_backward(nb_sum(nb_model_forward(net, x)), NULL), NB_OK);
    nb_tensor *g = nb_model_grads_flat(net);
    double g0[NP];
    for (int i = 0; i < NP; i++)
        g0[i] = nb_tensor_get(g, i);
    size_t used = nb_arena_used(test_arena);
    static const char want[] = "model summary for input 8x2 (f64)\n"
                               "layer                 kind             output  params\n"
                               "layer1                linear (tansig)  8x3          9\n"
                               "res                   block            8x3         25\n"
                               "  res.layer1          linear (tansig)  8x3         12\n"
                               "  res.inner           block            8x3         12\n"
                               "    res.inner.layer1  linear           8x3         12\n"
                               "layer3                linear           8x1          4\n"
                               "total: 9 parameter tensors, 38 scalars (38 trainable), "
                               "304 bytes\n";
    char buf[2048];
    int n = nb_model_summary_string(net, NB_SHAPE(8, 2), buf, sizeof buf);
    ck_assert_msg(n >= 0, "%s", nb_last_error());
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(nb_arena_used(test_arena), used);
    ck_assert(nb_grad_enabled());
    ck_assert_tensor_near(g, g0, NP, 0);
    ck_assert_ptr_eq(nb_arena_current(), test_arena);
    /* a wrong input shape: the forward pass's message, named for the summary */
    ck_assert_int_lt(nb_model_summary_string(net, NB_SHAPE(8, 3), buf, sizeof buf), 0);
    ck_assert_error(NB_ERR_SHAPE, "nb_model_summary_string: the model on a 8x3 input: "
                                  "nb_model_forward: x is 8x3");
    ck_assert(nb_grad_enabled());
    ck_assert_ptr_eq(nb_arena_current(), test_arena);
    nb_model_free(net);
}
END_TEST

/* The DOT picture groups a block's ops by their layer's full name; the
 * backward page names nested parameters in full. */
START_TEST(test_dot_groups_nested_layers)
{
    nb_model *net = nested(1, 0, NULL, NULL);
    nb_tensor *x = nb_from_f64(X, NB_SHAPE(4, 2));
    nb_tensor *y = nb_sum(nb_model_forward(net, x));
    ck_assert_ptr_nonnull(y);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_dot_write(f, &y, 1, NULL), NB_OK);
    fclose(f);
    static const char *const groups[] = {"layer1", "res.layer1", "res.inner.layer1", "res",
                                         "layer3"};
    for (int i = 0; i < 5; i++) {
        char label[64];
        snprintf(label, sizeof label, "label=\"%s\";", groups[i]);
        ck_assert_msg(strstr(text, label) != NULL, "no group %s in\n%s", label, text);
    }
    free(text);
    /* the backward page names every parameter by its full name, nested too */
    f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_html_write(f, &y, 1, NULL), NB_OK);
    fclose(f);
    for (int i = 0; i < nb_model_num_params(net); i++)
        ck_assert_msg(strstr(text, nb_model_param_name(net, i)) != NULL, "no %s on the page",
                      nb_model_param_name(net, i));
    free(text);
    nb_model_free(net);
}
END_TEST

static Suite *nn_tree_suite(void)
{
    Suite *s = suite_create("nn_tree");
    TCase *tc = nb_test_case("blocks");
    tcase_add_test(tc, test_nested_names_and_counts);
    tcase_add_test(tc, test_rename_linear_layers);
    tcase_add_test(tc, test_forward_backward_step);
    tcase_add_test(tc, test_jacobian_through_blocks);
    tcase_add_test(tc, test_save_load_by_name);
    tcase_add_test(tc, test_train_nested);
    tcase_add_test(tc, test_errors_name_nested_layers);
    tcase_add_test(tc, test_summary_small);
    tcase_add_test(tc, test_summary_nested_keeps_state);
    tcase_add_test(tc, test_dot_groups_nested_layers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(nn_tree_suite());
}
