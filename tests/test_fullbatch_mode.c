/* The full-batch trainers (trainlm, trainbr, trainscg, traingd, traingdm,
 * traingdx) run the model in evaluation mode: a net with dropout trains
 * exactly as the same net without it, batch norm's running statistics stay
 * as they were, and the model's own mode comes back. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <math.h>

#include "test_util.h"

enum { N = 24 };

/* y = sin(x1) + x2 / 2 on a grid, f64. */
static nb_train_data make_data(void)
{
    double x[N * 2], y[N];
    for (int i = 0; i < N; i++) {
        x[2 * i] = -1.0 + 2.0 * (i % 6) / 5.0;
        x[2 * i + 1] = -1.0 + 2.0 * (i / 6) / 3.0;
        y[i] = sin(x[2 * i]) + 0.5 * x[2 * i + 1];
    }
    nb_train_data d = {.x = nb_from_f64(x, 2, (int64_t[]){N, 2}),
                       .y = nb_from_f64(y, 2, (int64_t[]){N, 1})};
    ck_assert_ptr_nonnull(d.x);
    ck_assert_ptr_nonnull(d.y);
    return d;
}

/* 2-5-1, tansig hidden; extra: 0 none, 1 dropout after the hidden layer,
 * 2 batch norm (no affine, so the parameters are the same) before tansig. */
static nb_model *make_net(int extra)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 7});
    ck_assert_ptr_nonnull(m);
    ck_assert_int_ge(nb_model_add_linear(m, 2, 5, extra == 2 ? NB_ACT_PURELIN : NB_ACT_TANSIG,
                                         NB_INIT_DEFAULT), 0);
    if (extra == 1)
        ck_assert_int_ge(nb_model_add_dropout(m, 0.5), 0);
    if (extra == 2) {
        nb_batch_norm_opts bn = {.no_affine = true};
        ck_assert_int_ge(nb_model_add_batch_norm(m, 5, &bn), 0);
        ck_assert_int_ge(nb_model_add_activation(m, NB_ACT_TANSIG), 0);
    }
    ck_assert_int_ge(nb_model_add_linear(m, 5, 1, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    return m;
}

typedef enum { LM, BR, SCG, GD, GDM, GDX, N_TRAINERS } trainer;
static const char *const trainer_name[N_TRAINERS] = {"trainlm", "trainbr", "trainscg",
                                                     "traingd", "traingdm", "traingdx"};

static int run(trainer t, nb_model *m, const nb_train_data *d)
{
    const int epochs = 15;
    switch (t) {
    case LM: return nb_trainlm(m, d, &(nb_trainlm_opts){.epochs = epochs, .verbose = -1}, NULL);
    case BR: return nb_trainbr(m, d, &(nb_trainlm_opts){.epochs = epochs, .verbose = -1}, NULL);
    case SCG: return nb_trainscg(m, d, &(nb_trainscg_opts){.epochs = epochs, .verbose = -1}, NULL);
    case GD: return nb_traingd(m, d, &(nb_traingd_opts){.epochs = epochs, .verbose = -1}, NULL);
    case GDM: return nb_traingdm(m, d, &(nb_traingd_opts){.epochs = epochs, .verbose = -1}, NULL);
    default: return nb_traingdx(m, d, &(nb_traingd_opts){.epochs = epochs, .verbose = -1}, NULL);
    }
}

static void assert_same_weights(nb_model *a, nb_model *b, const char *what)
{
    nb_tensor *pa = nb_model_params_flat(a), *pb = nb_model_params_flat(b);
    ck_assert_int_eq(nb_tensor_numel(pa), nb_tensor_numel(pb));
    const double *x = nb_tensor_data(pa), *y = nb_tensor_data(pb);
    for (int64_t i = 0; i < nb_tensor_numel(pa); i++)
        ck_assert_msg(x[i] == y[i], "%s: weight %lld: %.17g vs %.17g", what, (long long)i, x[i],
                      y[i]);
}

/* Dropout is off: the same weights as the net without it, in every run. */
START_TEST(dropout_is_off)
{
    nb_train_data d = make_data();
    for (trainer t = 0; t < N_TRAINERS; t++) {
        nb_model *plain = make_net(0), *drop = make_net(1);
        assert_same_weights(plain, drop, "the starting weights");
        ck_assert_msg(run(t, plain, &d) == NB_OK, "%s: %s", trainer_name[t], nb_last_error());
        ck_assert_msg(run(t, drop, &d) == NB_OK, "%s: %s", trainer_name[t], nb_last_error());
        assert_same_weights(plain, drop, trainer_name[t]);
        ck_assert_msg(nb_model_training(drop), "%s: the model's training mode is lost",
                      trainer_name[t]);
        nb_model_free(plain);
        nb_model_free(drop);
    }
}
END_TEST

/* Batch norm keeps its running statistics (set to other values than the
 * defaults first) and trains as the affine map they make; a model put in
 * evaluation mode by the user stays in it. */
START_TEST(batch_norm_keeps_its_running_statistics)
{
    nb_train_data d = make_data();
    for (trainer t = 0; t < N_TRAINERS; t++) {
        nb_model *m = make_net(2);
        nb_tensor *mean = nb_model_buffer(m, "layer2.running_mean");
        nb_tensor *var = nb_model_buffer(m, "layer2.running_var");
        ck_assert_ptr_nonnull(mean);
        ck_assert_ptr_nonnull(var);
        double *mv = nb_tensor_data(mean), *vv = nb_tensor_data(var);
        for (int i = 0; i < 5; i++) {
            mv[i] = 0.1 * i;
            vv[i] = 1.0 + 0.5 * i;
        }
        nb_tensor_bump_version(mean);
        nb_tensor_bump_version(var);
        nb_model_set_training(m, false);
        ck_assert_msg(run(t, m, &d) == NB_OK, "%s: %s", trainer_name[t], nb_last_error());
        ck_assert(!nb_model_training(m));
        for (int i = 0; i < 5; i++) {
            ck_assert_msg(mv[i] == 0.1 * i, "%s: running_mean[%d] is %.17g", trainer_name[t], i,
                          mv[i]);
            ck_assert_msg(vv[i] == 1.0 + 0.5 * i, "%s: running_var[%d] is %.17g",
                          trainer_name[t], i, vv[i]);
        }
        nb_model_free(m);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fullbatch_mode");
    TCase *tc = tcase_create("mode");
    tcase_add_checked_fixture(tc, nb_test_setup, nb_test_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dropout_is_off);
    tcase_add_test(tc, batch_norm_keeps_its_running_statistics);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
