/* nb_train's checkpoints: a run stopped after k epochs and resumed from its
 * checkpoint reaches exactly (bitwise) the weights, optimizer state and
 * record of one uninterrupted run; a checkpoint of another run or a damaged
 * one is refused before anything changes; the optimizer state accessors. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

static char dir[200];
static char ckpt[260];

static void ck_setup(void)
{
    nb_test_setup();
    const char *base = getenv("TMPDIR");
    if (!base || !base[0] || strlen(base) > 150)
        base = "/tmp";
    snprintf(dir, sizeof dir, "%s/nb_ck_XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(ckpt, sizeof ckpt, "%s/run.nbt", dir);
}

static void ck_teardown(void)
{
    unlink(ckpt);
    rmdir(dir);
    nb_test_teardown();
}

/* Two interleaved spirals of 3 classes (60 rows), 2 inputs; the validation
 * and test sets are other points of the same curves. */
typedef struct run_data {
    nb_train_data d;
} run_data;

static void make_data(run_data *rd, nb_dtype dt)
{
    enum { N = 60, V = 21 };
    double x[N * 2], vx[V * 2];
    int y[N], vy[V];
    for (int i = 0; i < N; i++) {
        int c = i % 3;
        double t = 0.2 + 0.05 * i, a = t * 2.5 + c * 2.0944;
        x[2 * i] = t * cos(a);
        x[2 * i + 1] = t * sin(a);
        y[i] = c;
    }
    for (int i = 0; i < V; i++) {
        int c = i % 3;
        double t = 0.22 + 0.14 * i, a = t * 2.5 + c * 2.0944;
        vx[2 * i] = t * cos(a);
        vx[2 * i + 1] = t * sin(a);
        vy[i] = c;
    }
    nb_tensor *xt = nb_from_f64(x, 2, (int64_t[]){N, 2});
    nb_tensor *vxt = nb_from_f64(vx, 2, (int64_t[]){V, 2});
    rd->d = (nb_train_data){
        .x = dt == NB_F64 ? xt : nb_cast(xt, dt),
        .y = nb_from_int(dt, y, 1, (int64_t[]){N}),
        .val_x = dt == NB_F64 ? vxt : nb_cast(vxt, dt),
        .val_y = nb_from_int(dt, vy, 1, (int64_t[]){V}),
    };
    ck_assert_ptr_nonnull(rd->d.x);
    ck_assert_ptr_nonnull(rd->d.val_y);
    /* test set: the validation points again (only recorded) */
    rd->d.test_x = rd->d.val_x;
    rd->d.test_y = rd->d.val_y;
}

static nb_model *make_net(nb_dtype dt, uint64_t seed)
{
    nb_model *m = nb_bpnet_new((int64_t[]){2, 7, 3}, 3, (nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                               &(nb_bpnet_opts){.dtype = dt, .seed = seed});
    ck_assert_msg(m != NULL, "%s", nb_last_error());
    return m;
}

/* 2-7-3 with batch norm after the hidden layer's product: its running
 * statistics are buffers, which a checkpoint must carry too. */
static nb_model *make_bn_net(nb_dtype dt, uint64_t seed)
{
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = dt, .seed = seed});
    ck_assert_ptr_nonnull(m);
    ck_assert_int_ge(nb_model_add_linear(m, 2, 7, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    ck_assert_int_ge(nb_model_add_batch_norm(m, 7, &(nb_batch_norm_opts){.momentum = 0.3}), 0);
    ck_assert_int_ge(nb_model_add_activation(m, NB_ACT_TANSIG), 0);
    ck_assert_int_ge(nb_model_add_linear(m, 7, 3, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    ck_assert_int_eq(nb_model_num_buffers(m), 2);
    return m;
}

static nb_model *make_any_net(nb_dtype dt, uint64_t seed, int bn)
{
    return bn ? make_bn_net(dt, seed) : make_net(dt, seed);
}

/* Every buffer of a and b bitwise equal. */
static void assert_same_buffers(nb_model *a, nb_model *b);

typedef enum { OPT_ADAM, OPT_SGD_MOMENTUM, OPT_RPROP, OPT_RMSPROP } opt_kind;

static nb_optim *make_opt(nb_model *m, opt_kind k)
{
    nb_optim *o = NULL;
    switch (k) {
    case OPT_ADAM: o = nb_adam_new(m, &(nb_adam_opts){.lr = 0.02}); break;
    case OPT_SGD_MOMENTUM: o = nb_sgd_new(m, &(nb_sgd_opts){.lr = 0.05, .momentum = 0.9}); break;
    case OPT_RPROP: o = nb_rprop_new(m, NULL); break;
    case OPT_RMSPROP:
        o = nb_rmsprop_new(m, &(nb_rmsprop_opts){.lr = 0.01, .momentum = 0.5, .centered = true});
        break;
    }
    ck_assert_msg(o != NULL, "%s", nb_last_error());
    return o;
}

static nb_train_opts base_opts(int epochs, int64_t batch)
{
    return (nb_train_opts){.epochs = epochs, .batch_size = batch, .seed = 11, .verbose = -1,
                           .max_fail = -1, .min_grad = -1};
}

static void assert_same_bits(nb_tensor *a, nb_tensor *b, const char *what)
{
    ck_assert_int_eq(nb_tensor_numel(a), nb_tensor_numel(b));
    size_t bytes = (size_t)nb_tensor_numel(a) * (nb_tensor_dtype(a) == NB_F32 ? 4 : 8);
    ck_assert_msg(memcmp(nb_tensor_data(a), nb_tensor_data(b), bytes) == 0, "%s differ", what);
}

static void assert_same_array(const double *a, const double *b, int n, const char *what)
{
    ck_assert_msg((a == NULL) == (b == NULL), "%s: one record has it, the other not", what);
    for (int i = 0; a && i < n; i++)
        ck_assert_msg(a[i] == b[i], "%s[%d]: %.17g vs %.17g", what, i, a[i], b[i]);
}

static void assert_same_buffers(nb_model *a, nb_model *b)
{
    ck_assert_int_eq(nb_model_num_buffers(a), nb_model_num_buffers(b));
    for (int i = 0; i < nb_model_num_buffers(a); i++)
        assert_same_bits(nb_model_buffer_at(a, i), nb_model_buffer_at(b, i),
                         nb_model_buffer_name(a, i));
}

/* Train `total` epochs in one go, and as `first` epochs + a resume (a new
 * model made with another seed and a new optimizer, as after a restart):
 * both must end bitwise equal, buffers included (bn: the net has some). */
static void check_resume_net(nb_dtype dt, opt_kind k, int64_t batch, int first, int total,
                             int every, int bn)
{
    run_data rd;
    make_data(&rd, dt);
    nb_model *a = make_any_net(dt, 5, bn);
    nb_optim *oa = make_opt(a, k);
    nb_train_record ra;
    nb_train_opts o = base_opts(total, batch);
    ck_assert_msg(nb_train(a, oa, nb_cross_entropy_loss, &rd.d, &o, &ra) == NB_OK, "%s",
                  nb_last_error());

    nb_model *b = make_any_net(dt, 5, bn);
    nb_optim *ob = make_opt(b, k);
    nb_train_record rb;
    o = base_opts(first, batch);
    o.checkpoint = ckpt;
    o.checkpoint_every = every;
    ck_assert_msg(nb_train(b, ob, nb_cross_entropy_loss, &rd.d, &o, &rb) == NB_OK, "%s",
                  nb_last_error());
    nb_train_record_free(&rb);
    nb_model_free(b);
    nb_optim_free(ob);

    /* other starting weights: the checkpoint replaces them */
    nb_model *c = make_any_net(dt, 99, bn);
    nb_optim *oc = make_opt(c, k);
    nb_train_record rc;
    o = base_opts(total, batch);
    o.checkpoint = ckpt;
    o.resume = true;
    ck_assert_msg(nb_train(c, oc, nb_cross_entropy_loss, &rd.d, &o, &rc) == NB_OK, "%s",
                  nb_last_error());

    assert_same_bits(nb_model_params_flat(a), nb_model_params_flat(c), "weights");
    assert_same_buffers(a, c);
    ck_assert_int_eq(nb_optim_num_state(oa), nb_optim_num_state(oc));
    for (int i = 0; i < nb_optim_num_state(oa); i++)
        assert_same_bits(nb_optim_state(oa, i), nb_optim_state(oc, i), "optimizer states");
    ck_assert_int_eq(nb_optim_steps(oa), nb_optim_steps(oc));
    ck_assert_int_eq(ra.epochs, rc.epochs);
    ck_assert_int_eq(ra.best_epoch, rc.best_epoch);
    ck_assert_int_eq(ra.stop, rc.stop);
    int n = ra.epochs + 1;
    assert_same_array(ra.train_loss, rc.train_loss, n, "train_loss");
    assert_same_array(ra.val_loss, rc.val_loss, n, "val_loss");
    assert_same_array(ra.test_loss, rc.test_loss, n, "test_loss");
    assert_same_array(ra.train_acc, rc.train_acc, n, "train_acc");
    assert_same_array(ra.val_acc, rc.val_acc, n, "val_acc");
    ck_assert(ra.grad_norm == rc.grad_norm);
    nb_train_record_free(&ra);
    nb_train_record_free(&rc);
    nb_model_free(a);
    nb_optim_free(oa);
    nb_model_free(c);
    nb_optim_free(oc);
}

static void check_resume(nb_dtype dt, opt_kind k, int64_t batch, int first, int total, int every)
{
    check_resume_net(dt, k, batch, first, total, every, 0);
}

START_TEST(resume_adam_minibatch_f64) { check_resume(NB_F64, OPT_ADAM, 8, 3, 7, 0); }
END_TEST
START_TEST(resume_adam_minibatch_f32) { check_resume(NB_F32, OPT_ADAM, 16, 2, 5, 0); }
END_TEST
START_TEST(resume_sgd_momentum) { check_resume(NB_F64, OPT_SGD_MOMENTUM, 7, 4, 6, 0); }
END_TEST
START_TEST(resume_rprop_full_batch) { check_resume(NB_F64, OPT_RPROP, 0, 5, 9, 0); }
END_TEST
START_TEST(resume_rmsprop) { check_resume(NB_F32, OPT_RMSPROP, 10, 1, 4, 0); }
END_TEST
/* every 2 epochs in a run of 5: the last checkpoint is still epoch 5's */
START_TEST(resume_after_every_second_epoch) { check_resume(NB_F64, OPT_ADAM, 8, 5, 8, 2); }
END_TEST

/* Batch norm's running statistics go on from the checkpoint's, in f64 and
 * f32, full batch and minibatches. */
START_TEST(resume_with_batch_norm)
{
    check_resume_net(NB_F64, OPT_ADAM, 8, 3, 7, 0, 1);
    check_resume_net(NB_F32, OPT_SGD_MOMENTUM, 0, 2, 5, 0, 1);
}
END_TEST

/* The checkpoint is written at epochs 2, 4 and at the end: after a run of
 * 3 epochs with every = 2 it holds epoch 3 (the last), so resuming a run
 * of 3 trains nothing more and gives the same weights. */
START_TEST(resume_at_the_end_trains_nothing)
{
    run_data rd;
    make_data(&rd, NB_F64);
    nb_model *a = make_net(NB_F64, 5);
    nb_optim *oa = make_opt(a, OPT_ADAM);
    nb_train_opts o = base_opts(3, 8);
    o.checkpoint = ckpt;
    o.checkpoint_every = 2;
    ck_assert_int_eq(nb_train(a, oa, nb_cross_entropy_loss, &rd.d, &o, NULL), NB_OK);
    nb_model *c = make_net(NB_F64, 1);
    nb_optim *oc = make_opt(c, OPT_ADAM);
    o.resume = true;
    nb_train_record r;
    ck_assert_int_eq(nb_train(c, oc, nb_cross_entropy_loss, &rd.d, &o, &r), NB_OK);
    ck_assert_int_eq(r.epochs, 3);
    ck_assert_int_eq(nb_optim_steps(oc), 3 * 8); /* 60 rows in batches of 8: 8 steps */
    assert_same_bits(nb_model_params_flat(a), nb_model_params_flat(c), "weights");
    nb_train_record_free(&r);
    nb_model_free(a);
    nb_optim_free(oa);
    nb_model_free(c);
    nb_optim_free(oc);
}
END_TEST

/* A run that stopped on validation: its checkpoint restores the best
 * weights and trains no further, as the uninterrupted run ended. */
static void check_validation_stop(int bn)
{
    run_data rd;
    make_data(&rd, NB_F64);
    nb_model *a = make_any_net(NB_F64, 5, bn);
    nb_optim *oa = make_opt(a, OPT_ADAM);
    nb_train_opts o = base_opts(400, 8);
    o.max_fail = 2;
    o.checkpoint = ckpt;
    nb_train_record ra;
    ck_assert_int_eq(nb_train(a, oa, nb_cross_entropy_loss, &rd.d, &o, &ra), NB_OK);
    ck_assert_int_eq(ra.stop, NB_STOP_VAL_FAIL);
    ck_assert_int_lt(ra.best_epoch, ra.epochs);
    nb_model *c = make_any_net(NB_F64, 1, bn);
    nb_optim *oc = make_opt(c, OPT_ADAM);
    o.resume = true;
    nb_train_record rc;
    ck_assert_int_eq(nb_train(c, oc, nb_cross_entropy_loss, &rd.d, &o, &rc), NB_OK);
    ck_assert_int_eq(rc.stop, NB_STOP_VAL_FAIL);
    ck_assert_int_eq(rc.epochs, ra.epochs);
    ck_assert_int_eq(rc.best_epoch, ra.best_epoch);
    assert_same_bits(nb_model_params_flat(a), nb_model_params_flat(c), "best weights");
    /* with the running statistics of the best epoch, not of the last */
    assert_same_buffers(a, c);
    nb_train_record_free(&ra);
    nb_train_record_free(&rc);
    nb_model_free(a);
    nb_optim_free(oa);
    nb_model_free(c);
    nb_optim_free(oc);
}

START_TEST(resume_of_a_validation_stop) { check_validation_stop(0); }
END_TEST
START_TEST(resume_of_a_validation_stop_with_batch_norm) { check_validation_stop(1); }
END_TEST

/* Write a checkpoint of a 2-epoch run with batch 8; return its model. */
static nb_model *write_checkpoint(run_data *rd, nb_optim **opt)
{
    make_data(rd, NB_F64);
    nb_model *m = make_net(NB_F64, 5);
    *opt = make_opt(m, OPT_ADAM);
    nb_train_opts o = base_opts(2, 8);
    o.checkpoint = ckpt;
    ck_assert_int_eq(nb_train(m, *opt, nb_cross_entropy_loss, &rd->d, &o, NULL), NB_OK);
    return m;
}

/* Resume into a fresh model; it must fail with `status` and `needle`, and
 * leave the fresh model's weights and optimizer untouched. */
static void assert_refused(run_data *rd, opt_kind k, nb_train_opts o, int status, const char *needle)
{
    nb_model *c = make_net(NB_F64, 3);
    nb_optim *oc = make_opt(c, k);
    nb_tensor *before = nb_detach(nb_model_params_flat(c));
    o.checkpoint = o.checkpoint ? o.checkpoint : ckpt;
    o.resume = true;
    nb_train_record r;
    ck_assert_int_eq(nb_train(c, oc, nb_cross_entropy_loss, &rd->d, &o, &r), status);
    ck_assert_error(status, needle);
    assert_same_bits(before, nb_model_params_flat(c), "weights after a refused resume");
    ck_assert_int_eq(nb_optim_steps(oc), 0);
    nb_model_free(c);
    nb_optim_free(oc);
}

START_TEST(refuses_another_run)
{
    run_data rd;
    nb_optim *o;
    nb_model *m = write_checkpoint(&rd, &o);
    assert_refused(&rd, OPT_ADAM, base_opts(5, 16), NB_ERR_ARG,
                   "is of another run: it has batch size 8, this run 16");
    assert_refused(&rd, OPT_RPROP, base_opts(5, 8), NB_ERR_ARG,
                   "it has the adam optimizer's state, this run uses rprop");
    assert_refused(&rd, OPT_ADAM, base_opts(1, 8), NB_ERR_ARG,
                   "is at epoch 2, past this run's 1 epochs");
    run_data no_val = rd;
    no_val.d.val_x = no_val.d.val_y = NULL;
    assert_refused(&no_val, OPT_ADAM, base_opts(5, 8), NB_ERR_ARG, "a validation set");
    /* a net of another size */
    nb_model *big = nb_bpnet_new((int64_t[]){2, 9, 3}, 3, (nb_activation[]){NB_ACT_TANSIG, NB_ACT_PURELIN},
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    nb_optim *ob = make_opt(big, OPT_ADAM);
    nb_train_opts to = base_opts(5, 8);
    to.checkpoint = ckpt;
    to.resume = true;
    ck_assert_int_eq(nb_train(big, ob, nb_cross_entropy_loss, &rd.d, &to, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "parameter scalars");
    nb_model_free(big);
    nb_optim_free(ob);
    /* as many parameters (batch norm without affine adds none) but buffers */
    nb_model *bn = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 2});
    ck_assert_int_ge(nb_model_add_linear(bn, 2, 7, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    ck_assert_int_ge(nb_model_add_batch_norm(bn, 7, &(nb_batch_norm_opts){.no_affine = true}), 0);
    ck_assert_int_ge(nb_model_add_activation(bn, NB_ACT_TANSIG), 0);
    ck_assert_int_ge(nb_model_add_linear(bn, 7, 3, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    ck_assert_int_eq(nb_model_num_scalars(bn), nb_model_num_scalars(m));
    nb_optim *obn = make_opt(bn, OPT_ADAM);
    ck_assert_int_eq(nb_train(bn, obn, nb_cross_entropy_loss, &rd.d, &to, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "it has buffer scalars 0, this run 14");
    nb_model_free(bn);
    nb_optim_free(obn);
    nb_model_free(m);
    nb_optim_free(o);
}
END_TEST

START_TEST(refuses_missing_and_damaged_files)
{
    run_data rd;
    nb_optim *o;
    nb_model *m = write_checkpoint(&rd, &o);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none.nbt", dir);
    nb_train_opts to = base_opts(5, 8);
    to.checkpoint = missing;
    assert_refused(&rd, OPT_ADAM, to, NB_ERR_IO, "none.nbt");
    /* flip one byte of the payload: the CRC no longer matches */
    FILE *f = fopen(ckpt, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 40, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_eq(fseek(f, 40, SEEK_SET), 0);
    fputc(c ^ 0x5a, f);
    fclose(f);
    assert_refused(&rd, OPT_ADAM, base_opts(5, 8), NB_ERR_FORMAT, "run.nbt");
    nb_model_free(m);
    nb_optim_free(o);
}
END_TEST

/* A file that is a valid tensor file with the right names and shapes but
 * a sample order out of range (not written by nb_train) is refused. */
START_TEST(refuses_an_order_out_of_range)
{
    run_data rd;
    nb_optim *o;
    nb_model *m = write_checkpoint(&rd, &o);
    nb_tensor_list all;
    ck_assert_int_eq(nb_tensors_load(ckpt, &all), NB_OK);
    for (int i = 0; i < all.n; i++)
        if (strcmp(all.names[i], "train.order") == 0)
            nb_tensor_data_f64(all.tensors[i])[3] = 60; /* rows are 0..59 */
    ck_assert_int_eq(nb_tensors_save(ckpt, all.names, all.tensors, all.n), NB_OK);
    assert_refused(&rd, OPT_ADAM, base_opts(5, 8), NB_ERR_FORMAT, "out of range");
    nb_model_free(m);
    nb_optim_free(o);
}
END_TEST

START_TEST(bad_options)
{
    run_data rd;
    make_data(&rd, NB_F64);
    nb_model *m = make_net(NB_F64, 5);
    nb_optim *o = make_opt(m, OPT_ADAM);
    nb_train_opts to = base_opts(2, 8);
    to.resume = true;
    ck_assert_int_eq(nb_train(m, o, nb_cross_entropy_loss, &rd.d, &to, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_train: resume is set but checkpoint is NULL");
    to = base_opts(2, 8);
    to.checkpoint = ckpt;
    to.checkpoint_every = -1;
    ck_assert_int_eq(nb_train(m, o, nb_cross_entropy_loss, &rd.d, &to, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "checkpoint_every is -1");
    /* a folder that does not exist: the epoch's checkpoint fails the run */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/no/such/dir/c.nbt", dir);
    to.checkpoint_every = 0;
    to.checkpoint = bad;
    ck_assert_int_eq(nb_train(m, o, nb_cross_entropy_loss, &rd.d, &to, NULL), NB_ERR_IO);
    ck_assert_msg(strstr(nb_last_error(), "nb_train:") == nb_last_error(), "%s", nb_last_error());
    nb_model_free(m);
    nb_optim_free(o);
}
END_TEST

START_TEST(optimizer_state_accessors)
{
    nb_model *m = make_net(NB_F64, 5);
    nb_optim *adam = make_opt(m, OPT_ADAM);
    ck_assert_int_eq(nb_optim_num_state(adam), 2);
    nb_tensor *s0 = nb_optim_state(adam, 0);
    ck_assert_ptr_nonnull(s0);
    ck_assert_int_eq(nb_tensor_numel(s0), nb_model_num_scalars(m));
    ck_assert_int_eq(nb_tensor_dtype(s0), NB_F64);
    ck_assert_ptr_null(nb_optim_state(adam, 2));
    ck_assert_error(NB_ERR_ARG, "nb_optim_state: index 2 is out of range; the adam optimizer has 2");
    ck_assert_ptr_null(nb_optim_state(NULL, 0));
    ck_assert_int_eq(nb_optim_num_state(NULL), -1);
    /* the tensor is the state: after a step, its first moment is (1-beta1) g */
    nb_model_zero_grad(m);
    nb_tensor *g = nb_model_grads_flat(m);
    nb_tensor_fill(g, 2.0);
    ck_assert_int_eq(nb_optim_step(adam), NB_OK);
    ck_assert_double_eq_tol(nb_tensor_get(s0, 0), 0.1 * 2.0, 1e-15);
    ck_assert_int_eq(nb_optim_set_steps(adam, 41), NB_OK);
    ck_assert_int_eq(nb_optim_steps(adam), 41);
    ck_assert_int_eq(nb_optim_set_steps(adam, -1), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_optim_set_steps: steps is -1");
    ck_assert_int_eq(nb_optim_set_steps(NULL, 1), NB_ERR_NULL);
    nb_optim *rp = make_opt(m, OPT_RPROP);
    ck_assert_int_eq(nb_optim_num_state(rp), 2);
    ck_assert_double_eq(nb_tensor_get(nb_optim_state(rp, 0), 0), 0.07); /* delta0 */
    nb_optim_free(rp);
    nb_optim_free(adam);
    nb_model_free(m);
}
END_TEST

/* A case whose tests each get an arena and a temporary folder. */
static TCase *ck_case(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, ck_setup, ck_teardown);
    tcase_set_timeout(tc, 600);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = ck_case("resume");
    tcase_add_test(tc, resume_adam_minibatch_f64);
    tcase_add_test(tc, resume_adam_minibatch_f32);
    tcase_add_test(tc, resume_sgd_momentum);
    tcase_add_test(tc, resume_rprop_full_batch);
    tcase_add_test(tc, resume_rmsprop);
    tcase_add_test(tc, resume_after_every_second_epoch);
    tcase_add_test(tc, resume_at_the_end_trains_nothing);
    tcase_add_test(tc, resume_of_a_validation_stop);
    tcase_add_test(tc, resume_with_batch_norm);
    tcase_add_test(tc, resume_of_a_validation_stop_with_batch_norm);
    suite_add_tcase(s, tc);
    tc = ck_case("refused");
    tcase_add_test(tc, refuses_another_run);
    tcase_add_test(tc, refuses_missing_and_damaged_files);
    tcase_add_test(tc, refuses_an_order_out_of_range);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, optimizer_state_accessors);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
