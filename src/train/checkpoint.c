/* Checkpoints of nb_train: everything the loop needs to go on after epoch e
 * as if it had never stopped, in one tensor file (written atomically by the
 * io layer, so a crash mid-write leaves the previous checkpoint).
 *
 * A checkpoint holds the flat parameters, the optimizer's state and step
 * count, the minibatch iterator's order and RNG (the next epoch's shuffle
 * continues from them), the record's arrays for epochs 0..e, the early-
 * stopping state (best weights, best validation loss, failures in a row),
 * the model's buffers (batch norm's running statistics) now and at the best
 * epoch, and a few facts of the run (rows, batch size, parameter and buffer
 * counts) that must match on resume.  Every number is stored in a float64
 * tensor: counts are exact below 2^53 and each 64-bit RNG word is split
 * into two 32-bit halves. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "io/tensor_file.h"
#include "train/train_internal.h"

/* Scalars of the run, in this order, in the tensor "train.scalars". */
enum {
    CK_VERSION, CK_EPOCH, CK_BEST_EPOCH, CK_FAILS, CK_BEST_VAL, CK_STOP, CK_GRAD_NORM,
    CK_SECONDS, CK_SAMPLES, CK_ROWS, CK_BATCH, CK_SCALARS, CK_OPT_STATES, CK_OPT_STEPS,
    CK_ITER_EPOCH, CK_HAS_BEST, CK_BUFFERS, CK_N
};
/* 2: the model's buffers (now and at the best epoch) and their count */
#define CK_FORMAT 2

/* The record's arrays that a run has (the same test decides in both runs). */
static int ck_arrays(const nb_train_record *r, double **arrays[5], const char *names[5])
{
    double **all[5] = {&((nb_train_record *)r)->train_loss, &((nb_train_record *)r)->val_loss,
                       &((nb_train_record *)r)->test_loss, &((nb_train_record *)r)->train_acc,
                       &((nb_train_record *)r)->val_acc};
    static const char *const all_names[5] = {"record.train_loss", "record.val_loss",
                                             "record.test_loss", "record.train_acc",
                                             "record.val_acc"};
    int k = 0;
    for (int i = 0; i < 5; i++)
        if (*all[i]) {
            arrays[k] = all[i];
            names[k++] = all_names[i];
        }
    return k;
}

/* Room for every tensor of a checkpoint: parameters, best, buffers, best
 * buffers, scalars, order, rng, the optimizer's name, 3 optimizer states,
 * 5 record arrays. */
#define CK_MAX 16
/* The optimizer's name as character codes, zero padded. */
#define CK_NAME 16

typedef struct ck_list {
    const char *names[CK_MAX];
    nb_tensor *tensors[CK_MAX];
    int n;
} ck_list;

static int ck_add(ck_list *l, const char *name, nb_tensor *t)
{
    if (!t)
        return nb_last_status();
    l->names[l->n] = name;
    l->tensors[l->n++] = t;
    return 0;
}

static nb_tensor *ck_vec(nb_arena *arena, int64_t n)
{
    return nb__tensor_empty_in(arena, NB_F64, 1, &n, "nb_train");
}

/* The tensors of a checkpoint at r->epochs, views and copies in `arena`
 * (written by save, filled by the first stage of load). */
static int ck_build(ck_list *l, nb_arena *arena, const nb__train_ckpt *c, int with_record,
                    int64_t record_len)
{
    memset(l, 0, sizeof *l);
    int rc = ck_add(l, "train.params", c->params);
    if (rc == 0 && c->best)
        rc = ck_add(l, "train.best", c->best);
    if (rc == 0 && c->buffers)
        rc = ck_add(l, "model.buffers", c->buffers);
    if (rc == 0 && c->best && c->best_buffers)
        rc = ck_add(l, "train.best_buffers", c->best_buffers);
    if (rc == 0)
        rc = ck_add(l, "train.scalars", ck_vec(arena, CK_N));
    if (rc == 0)
        rc = ck_add(l, "train.order", ck_vec(arena, c->batches->n ? c->batches->n : 1));
    if (rc == 0)
        rc = ck_add(l, "train.rng", ck_vec(arena, 8));
    if (rc == 0)
        rc = ck_add(l, "optim.name", ck_vec(arena, CK_NAME));
    static const char *const state_names[3] = {"optim.state0", "optim.state1", "optim.state2"};
    int ns = nb_optim_num_state(c->opt);
    for (int i = 0; rc == 0 && i < ns && i < 3; i++)
        rc = ck_add(l, state_names[i], nb_optim_state(c->opt, i));
    if (rc == 0 && with_record) {
        double **arrays[5];
        const char *names[5];
        int k = ck_arrays(c->record, arrays, names);
        for (int i = 0; rc == 0 && i < k; i++)
            rc = ck_add(l, names[i], ck_vec(arena, record_len));
    }
    return rc;
}

static nb_tensor *ck_find(const ck_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return l->tensors[i];
    return NULL;
}

static void ck_name(const nb_optim *opt, double *codes)
{
    const char *name = nb_optim_name(opt);
    for (int i = 0; i < CK_NAME; i++)
        codes[i] = 0;
    for (int i = 0; i < CK_NAME - 1 && name[i]; i++)
        codes[i] = (unsigned char)name[i];
}

int nb__checkpoint_save(const char *path, nb_arena *arena, const nb__train_ckpt *c)
{
    const nb_train_record *r = c->record;
    int64_t len = (int64_t)r->epochs + 1;
    ck_list l;
    int rc = ck_build(&l, arena, c, 1, len);
    if (rc < 0)
        return nb__error_context("nb_train", "writing the checkpoint '%s'", path);
    double *s = ck_find(&l, "train.scalars")->data;
    s[CK_VERSION] = CK_FORMAT;
    s[CK_EPOCH] = r->epochs;
    s[CK_BEST_EPOCH] = r->best_epoch;
    s[CK_FAILS] = c->fails;
    s[CK_BEST_VAL] = c->best_val;
    s[CK_STOP] = (double)r->stop;
    s[CK_GRAD_NORM] = r->grad_norm;
    s[CK_SECONDS] = c->seconds;
    s[CK_SAMPLES] = c->samples;
    s[CK_ROWS] = (double)c->batches->n;
    s[CK_BATCH] = (double)c->batches->batch_size;
    s[CK_SCALARS] = (double)c->params->numel;
    s[CK_OPT_STATES] = nb_optim_num_state(c->opt);
    s[CK_OPT_STEPS] = (double)nb_optim_steps(c->opt);
    s[CK_ITER_EPOCH] = (double)c->batches->epoch;
    s[CK_HAS_BEST] = c->best != NULL;
    s[CK_BUFFERS] = c->buffers ? (double)c->buffers->numel : 0;
    ck_name(c->opt, ck_find(&l, "optim.name")->data);
    double *order = ck_find(&l, "train.order")->data;
    for (int64_t i = 0; i < c->batches->n; i++)
        order[i] = (double)c->batches->order[i];
    double *rng = ck_find(&l, "train.rng")->data;
    for (int i = 0; i < 4; i++) {
        rng[2 * i] = (double)(c->batches->rng.state[i] >> 32);
        rng[2 * i + 1] = (double)(c->batches->rng.state[i] & 0xffffffffu);
    }
    double **arrays[5];
    const char *names[5];
    int k = ck_arrays(r, arrays, names);
    for (int i = 0; i < k; i++)
        memcpy(ck_find(&l, names[i])->data, *arrays[i], (size_t)len * sizeof(double));
    rc = nb__tensors_save_as("nb_train", path, l.names, l.tensors, l.n);
    if (rc < 0)
        nb__error_context("nb_train", "writing the checkpoint '%s'", path);
    return rc;
}

/* A stored count that must equal this run's. */
static int ck_same(const char *path, const char *what, double stored, double now)
{
    if (stored == now)
        return 0;
    return nb__error(NB_ERR_ARG, "nb_train: the checkpoint '%s' is of another run: it has %s "
                     "%.17g, this run %.17g", path, what, stored, now);
}

int nb__checkpoint_load(const char *path, nb_arena *arena, nb__train_ckpt *c, int epochs)
{
    nb_train_record *r = c->record;
    /* Stage 1: everything but the record, whose length is in the scalars.
     * Loaded into copies, so that a mismatch found below changes nothing. */
    ck_list l;
    int rc = ck_build(&l, arena, c, 0, 0);
    if (rc < 0)
        return nb__error_context("nb_train", "reading the checkpoint '%s'", path);
    ck_list copies = l;
    for (int i = 0; i < l.n; i++) {
        const nb_tensor *t = l.tensors[i];
        copies.tensors[i] = nb__tensor_empty_in(arena, t->dtype, t->ndim, t->shape, "nb_train");
        if (!copies.tensors[i])
            return nb__error_context("nb_train", "reading the checkpoint '%s'", path);
    }
    /* the scalars first, so that a checkpoint of another run is named as
     * such rather than by the first tensor whose shape differs */
    const char *first_names[2] = {"train.scalars", "optim.name"};
    nb_tensor *first[2] = {ck_find(&copies, "train.scalars"), ck_find(&copies, "optim.name")};
    rc = nb__tensors_load_into_as("nb_train", path, first_names, first, 2);
    if (rc < 0)
        return nb__error_context("nb_train", "reading the checkpoint '%s'", path);
    const double *s = first[0]->data;
    if ((rc = ck_same(path, "format", s[CK_VERSION], CK_FORMAT)) < 0 ||
        (rc = ck_same(path, "training rows", s[CK_ROWS], (double)c->batches->n)) < 0 ||
        (rc = ck_same(path, "batch size", s[CK_BATCH], (double)c->batches->batch_size)) < 0 ||
        (rc = ck_same(path, "parameter scalars", s[CK_SCALARS], (double)c->params->numel)) < 0 ||
        (rc = ck_same(path, "optimizer state buffers", s[CK_OPT_STATES],
                      nb_optim_num_state(c->opt))) < 0 ||
        (rc = ck_same(path, "a validation set (1 = yes)", s[CK_HAS_BEST], c->best != NULL)) < 0 ||
        (rc = ck_same(path, "buffer scalars", s[CK_BUFFERS],
                      c->buffers ? (double)c->buffers->numel : 0)) < 0)
        return rc;
    double want[CK_NAME];
    ck_name(c->opt, want);
    const double *got = ck_find(&copies, "optim.name")->data;
    if (memcmp(want, got, sizeof want) != 0) {
        char stored[CK_NAME];
        int k = 0;
        for (; k < CK_NAME - 1 && got[k] >= 32 && got[k] < 127; k++)
            stored[k] = (char)got[k];
        stored[k] = '\0';
        return nb__error(NB_ERR_ARG, "nb_train: the checkpoint '%s' is of another run: it has the "
                         "%s optimizer's state, this run uses %s", path, stored,
                         nb_optim_name(c->opt));
    }
    double e = s[CK_EPOCH];
    if (!(e >= 0 && e <= epochs && e == floor(e)))
        return nb__error(NB_ERR_ARG, "nb_train: the checkpoint '%s' is at epoch %.17g, past this "
                         "run's %d epochs (raise opts.epochs to go on)", path, e, epochs);
    rc = nb__tensors_load_into_as("nb_train", path, copies.names, copies.tensors, copies.n);
    if (rc < 0)
        return nb__error_context("nb_train", "reading the checkpoint '%s'", path);
    /* Stage 2: the record's arrays, e + 1 entries each. */
    int64_t len = (int64_t)e + 1;
    ck_list rec;
    memset(&rec, 0, sizeof rec);
    double **arrays[5];
    const char *names[5];
    int k = ck_arrays(r, arrays, names);
    for (int i = 0; rc == 0 && i < k; i++)
        rc = ck_add(&rec, names[i], ck_vec(arena, len));
    if (rc == 0)
        rc = nb__tensors_load_into_as("nb_train", path, rec.names, rec.tensors, rec.n);
    if (rc < 0)
        return nb__error_context("nb_train", "reading the checkpoint '%s'", path);

    /* A file can be whole (its CRC matches) and still not be a checkpoint
     * of this loop: check every value that is used as an index or a count. */
    const double *order = ck_find(&copies, "train.order")->data;
    const double *rng = ck_find(&copies, "train.rng")->data;
    int64_t n = c->batches->n;
    bool fine = s[CK_BEST_EPOCH] >= 0 && s[CK_BEST_EPOCH] <= e && s[CK_FAILS] >= 0 &&
                s[CK_FAILS] <= e && s[CK_STOP] >= NB_STOP_NONE && s[CK_STOP] <= NB_STOP_MU_MAX &&
                s[CK_OPT_STEPS] >= 0 && s[CK_OPT_STEPS] < 9007199254740992.0 &&
                s[CK_ITER_EPOCH] >= 1 && s[CK_ITER_EPOCH] < 9007199254740992.0;
    for (int64_t i = 0; fine && i < n; i++)
        fine = order[i] >= 0 && order[i] < (double)n && order[i] == floor(order[i]);
    for (int i = 0; fine && i < 8; i++)
        fine = rng[i] >= 0 && rng[i] <= 4294967295.0 && rng[i] == floor(rng[i]);
    if (!fine)
        return nb__error(NB_ERR_FORMAT, "nb_train: the checkpoint '%s' holds a value out of range "
                         "(a count, the stop reason, the sample order or the RNG state); it was "
                         "not written by nb_train", path);

    /* All read and matched: now change the run's state. */
    for (int i = 0; i < l.n; i++) {
        if (l.tensors[i]->arena == arena)
            continue; /* scalars, order, rng: read below */
        memcpy(l.tensors[i]->data, copies.tensors[i]->data,
               (size_t)l.tensors[i]->numel * nb_dtype_size(l.tensors[i]->dtype));
        nb_tensor_bump_version(l.tensors[i]);
    }
    for (int i = 0; i < k; i++)
        memcpy(*arrays[i], rec.tensors[i]->data, (size_t)len * sizeof(double));
    r->epochs = (int)e;
    r->best_epoch = (int)s[CK_BEST_EPOCH];
    r->stop = (nb_stop_reason)(int)s[CK_STOP];
    r->grad_norm = s[CK_GRAD_NORM];
    c->fails = (int)s[CK_FAILS];
    c->best_val = s[CK_BEST_VAL];
    c->seconds = s[CK_SECONDS];
    c->samples = s[CK_SAMPLES];
    nb_optim_set_steps(c->opt, (int64_t)s[CK_OPT_STEPS]);
    c->batches->epoch = (int64_t)s[CK_ITER_EPOCH];
    c->batches->pos = n; /* the epoch is over */
    for (int64_t i = 0; i < n; i++)
        c->batches->order[i] = (int64_t)order[i];
    for (int i = 0; i < 4; i++)
        c->batches->rng.state[i] = (uint64_t)rng[2 * i] << 32 | (uint64_t)rng[2 * i + 1];
    return NB_OK;
}
