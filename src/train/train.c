/* The training loop (MATLAB train / a PyTorch epoch loop in one call).
 *
 * Memory: a train arena (made once per call with the model's allocator)
 * holds the minibatch iterator's sample order and the best weights; a step
 * arena holds each minibatch (rows copied in by the io layer's iterator),
 * its graph and its temporaries, and is reset after every step and every
 * evaluation.  After the first epoch a step asks the system for nothing.
 *
 * Early stopping follows MATLAB: the validation loss is checked after every
 * epoch; after max_fail epochs in a row without a new best, training stops
 * and the weights of the best epoch (one memcpy of the flat buffer) are put
 * back, with the model's buffers of that epoch (batch norm's running
 * statistics belong to the weights they were gathered with). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/batch.h"
#include "nabla/autograd.h"
#include "train/train_internal.h"

const char *nb_stop_reason_name(nb_stop_reason reason)
{
    switch (reason) {
    case NB_STOP_NONE: return "not run";
    case NB_STOP_EPOCHS: return "maximum epochs reached";
    case NB_STOP_GOAL: return "performance goal met";
    case NB_STOP_MIN_GRAD: return "minimum gradient reached";
    case NB_STOP_VAL_FAIL: return "validation stop";
    case NB_STOP_CALLBACK: return "stopped by the callback";
    case NB_STOP_NOT_FINITE: return "loss is not finite";
    case NB_STOP_MU_MAX: return "maximum mu reached";
    }
    return "unknown";
}

const char *nb_stop_reason_matlab(nb_stop_reason reason)
{
    switch (reason) {
    case NB_STOP_NONE: return "Not run.";
    case NB_STOP_EPOCHS: return "Maximum epoch reached.";
    case NB_STOP_GOAL: return "Performance goal met.";
    case NB_STOP_MIN_GRAD: return "Minimum gradient reached.";
    case NB_STOP_VAL_FAIL: return "Validation stop.";
    case NB_STOP_CALLBACK: return "User stop.";
    case NB_STOP_NOT_FINITE: return "Performance is not finite.";
    case NB_STOP_MU_MAX: return "Maximum mu reached.";
    }
    return "Unknown.";
}

void nb_train_record_free(nb_train_record *r)
{
    if (!r)
        return;
    free(r->train_loss);
    free(r->val_loss);
    free(r->test_loss);
    free(r->train_acc);
    free(r->val_acc);
    free(r->gradient);
    free(r->mu);
    free(r->gamma);
    free(r->ssx);
    free(r->alpha);
    free(r->beta);
    free(r->lr);
    r->lr = NULL;
    r->train_loss = r->val_loss = r->test_loss = r->train_acc = r->val_acc = NULL;
    r->gradient = r->mu = r->gamma = r->ssx = r->alpha = r->beta = NULL;
}

/* Euclidean norm of the model's gradient buffer. */
static double nb_grad_norm(const nb_tensor *grads)
{
    double s = 0;
    for (int64_t i = 0; i < grads->numel; i++) {
        double g = nb__get(grads, i);
        s += g * g;
    }
    return sqrt(s);
}

static int nb_alloc_record(nb_train_record *r, int epochs, const nb_train_data *d, int cls)
{
    size_t n = (size_t)epochs + 1;
    memset(r, 0, sizeof *r);
    r->train_loss = calloc(n, sizeof(double));
    int ok = r->train_loss != NULL;
    if (d->val_x && ok)
        ok = (r->val_loss = calloc(n, sizeof(double))) != NULL;
    if (d->test_x && ok)
        ok = (r->test_loss = calloc(n, sizeof(double))) != NULL;
    if (cls && ok)
        ok = (r->train_acc = calloc(n, sizeof(double))) != NULL;
    if (cls && d->val_x && ok)
        ok = (r->val_acc = calloc(n, sizeof(double))) != NULL;
    if (!ok) {
        nb_train_record_free(r);
        return nb__error(NB_ERR_NOMEM, "nb_train: out of memory for the training record");
    }
    return 0;
}

typedef struct nb_train_state {
    nb_model *model;
    nb_optim *opt;
    nb_loss_fn loss;
    const nb_train_data *data;
    nb_train_opts o;
    nb_train_record *r;
    nb_tensor *params, *grads; /* the model's flat buffers */
    nb_arena *step;
    nb_batch_iter batches; /* the training set's minibatches, shuffled per epoch */
    nb_tensor *best;       /* the best weights so far (a copy of params) */
    nb_tensor *best_bufs;  /* the model's buffers at that epoch, end to end (NULL: none) */
    nb_tensor *cur_bufs;   /* the model's buffers now, end to end, for checkpoints */
    int cls;
    const nb_train_parallel *par; /* NULL for one process */
} nb_train_state;

/* Elements of all the model's buffers together. */
static int64_t nb_buffers_numel(const nb_model *model)
{
    int64_t n = 0;
    for (int i = 0; i < nb_model_num_buffers(model); i++)
        n += nb_tensor_numel(nb_model_buffer_at(model, i));
    return n;
}

/* Copy the model's buffers into `flat` end to end (keep) or back from it;
 * buffers written back get a new version. */
static void nb_buffers_copy(nb_model *model, nb_tensor *flat, bool keep)
{
    if (!flat)
        return;
    size_t es = nb_dtype_size(flat->dtype), at = 0;
    for (int i = 0; i < nb_model_num_buffers(model); i++) {
        nb_tensor *b = nb_model_buffer_at(model, i);
        size_t bytes = (size_t)b->numel * es;
        if (keep) {
            memcpy((char *)flat->data + at, b->data, bytes);
        } else {
            memcpy(b->data, (char *)flat->data + at, bytes);
            nb_tensor_bump_version(b);
        }
        at += bytes;
    }
}

/* The best epoch's state so far: the flat weights and the buffers. */
static void nb_keep_best(nb_train_state *s)
{
    memcpy(s->best->data, s->params->data, (size_t)s->params->numel * nb_dtype_size(s->params->dtype));
    nb_buffers_copy(s->model, s->best_bufs, true);
}

/* Evaluate validation and test sets at `epoch`, resetting the step arena. */
static int nb_eval_sets(nb_train_state *s, int epoch)
{
    const nb_train_data *d = s->data;
    nb_train_record *r = s->r;
    int rc = 0;
    /* classification labels are checked once, at epoch 0 */
    int check = s->cls && epoch == 0;
    if (d->val_x)
        rc = nb__eval_in("nb_train", s->model, s->loss, d->val_x, d->val_y,
                         check ? "data->val_y" : NULL, &r->val_loss[epoch],
                         r->val_acc ? &r->val_acc[epoch] : NULL);
    nb_arena_reset(s->step);
    if (rc == 0 && d->test_x)
        rc = nb__eval_in("nb_train", s->model, s->loss, d->test_x, d->test_y,
                         check ? "data->test_y" : NULL, &r->test_loss[epoch], NULL);
    nb_arena_reset(s->step);
    return rc;
}

/* One pass over the training set; returns the sample-weighted mean loss in
 * r->train_loss[epoch]. */
static int nb_train_epoch(nb_train_state *s, int epoch)
{
    nb_model *model = s->model;
    nb_batch_iter *it = &s->batches;
    int rc = epoch > 1 ? nb_batch_iter_reset(it) : 0;
    if (rc < 0)
        return rc;
    double sum = 0, hits = 0;
    nb_tensor *xb, *yb;
    const nb_train_parallel *par = s->par;
    nb_model_set_training(model, true); /* nb_train restores the user's mode at its end */
    while ((rc = nb__batch_next_as("nb_train", it, &xb, &yb)) == 1) {
        int64_t count = xb->shape[0];
        if ((rc = nb_optim_zero_grad(s->opt)) < 0)
            return rc;
        /* an empty shard (a global batch smaller than the process count)
         * adds a zero gradient, and still takes part in the reduction */
        if (count > 0) {
            nb_tensor *pred = nb_model_forward(model, xb);
            nb_tensor *l = pred ? s->loss(pred, yb, NB_REDUCE_MEAN) : NULL;
            if (!l)
                return nb__error_pending() ? nb_last_status()
                                           : nb__error(NB_ERR_ARG, "nb_train: the loss returned NULL");
            if (l->numel != 1)
                return nb__error(NB_ERR_SHAPE, "nb_train: the loss has %lld elements; it must be one "
                                 "number (reduce it with nb_sum or a mean)", (long long)l->numel);
            if ((rc = nb_backward(l, NULL)) < 0)
                return rc;
            sum += nb__get(l, 0) * (double)count;
            if (s->cls)
                hits += nb__accuracy(pred, yb) * (double)count;
        }
        if (par && (rc = par->reduce_grads(model, count, it->batch_rows, par->ctx)) < 0)
            return rc;
        if (it->pos == it->n) /* the epoch's last minibatch */
            s->r->grad_norm = nb_grad_norm(s->grads);
        if ((rc = nb_optim_step(s->opt)) < 0)
            return rc;
        nb_arena_reset(s->step);
    }
    if (rc < 0)
        return rc;
    if (par) {
        double sums[2] = {sum, hits};
        if ((rc = par->sum(sums, 2, par->ctx)) < 0)
            return rc;
        sum = sums[0];
        hits = sums[1];
    }
    double n = (double)it->n;
    s->r->train_loss[epoch] = sum / n;
    if (s->cls)
        s->r->train_acc[epoch] = hits / n;
    return 0;
}

/* An integer option that must be >= lo. */
static int nb_check_int_opt(const char *name, long long v, long long lo)
{
    if (v >= lo)
        return 0;
    return nb__error(NB_ERR_ARG, "nb_train: %s is %lld; expected an integer >= %lld", name, v, lo);
}

/* A yes (1) / auto (0) / no (-1) option. */
static int nb_check_tristate_opt(const char *name, int v)
{
    if (v >= -1 && v <= 1)
        return 0;
    return nb__error(NB_ERR_ARG, "nb_train: %s is %d; expected -1, 0 or 1", name, v);
}

/* Every option, the floating ones with the optimizers' check (NaN fails it). */
static int nb_train_check_opts(const nb_train_opts *o)
{
    static const char api[] = "nb_train";
    if (nb_check_int_opt("epochs", o->epochs, 0) < 0 ||
        nb_check_int_opt("batch_size", o->batch_size, 0) < 0 ||
        nb__check_opt(api, "goal", o->goal, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "min_grad", o->min_grad, -INFINITY, INFINITY, "()") < 0 ||
        nb_check_tristate_opt("classification", o->classification) < 0 ||
        nb_check_tristate_opt("verbose", o->verbose) < 0 ||
        nb_check_int_opt("show", o->show, 0) < 0 ||
        nb_check_int_opt("checkpoint_every", o->checkpoint_every, 0) < 0)
        return nb_last_status();
    if (o->resume && !o->checkpoint)
        return nb__error(NB_ERR_ARG, "nb_train: resume is set but checkpoint is NULL (name the "
                         "checkpoint file to resume from)");
    const nb_train_parallel *p = o->parallel;
    if (p && (p->size < 0 || p->rank < 0 || (p->size > 0 && p->rank >= p->size) ||
              (p->size == 0 && p->rank != 0)))
        return nb__error(NB_ERR_ARG, "nb_train: parallel rank is %d of size %d; expected "
                         "0 <= rank < size", p->rank, p->size);
    if (p && p->size > 1 && (!p->reduce_grads || !p->sum))
        return nb__error(NB_ERR_NULL, "nb_train: parallel->%s is NULL (a run on %d processes "
                         "needs both hooks)", !p->reduce_grads ? "reduce_grads" : "sum", p->size);
    return 0;
}

static int nb_train_check(nb_model *model, nb_optim *opt, nb_loss_fn loss,
                          const nb_train_data *d, const nb_train_opts *o)
{
    static const char api[] = "nb_train";
    if (!model || !opt || !loss || !d)
        return nb__error(NB_ERR_NULL, "nb_train: %s is NULL",
                         !model ? "model" : !opt ? "opt" : !loss ? "loss" : "data");
    if (nb_optim_model(opt) != model)
        return nb__error(NB_ERR_ARG, "nb_train: the optimizer was made for another model");
    if (!d->x || !d->y)
        return nb__error(NB_ERR_NULL, "nb_train: data->%s is NULL (the training set is required)",
                         !d->x ? "x" : "y");
    int rc = nb__check_xy(api, model, d->x, d->y, "data->x", "data->y");
    if (rc == 0 && (!d->val_x != !d->val_y))
        rc = nb__error(NB_ERR_NULL, "nb_train: give both val_x and val_y, or neither");
    if (rc == 0 && (!d->test_x != !d->test_y))
        rc = nb__error(NB_ERR_NULL, "nb_train: give both test_x and test_y, or neither");
    if (rc == 0 && d->val_x)
        rc = nb__check_xy(api, model, d->val_x, d->val_y, "data->val_x", "data->val_y");
    if (rc == 0 && d->test_x)
        rc = nb__check_xy(api, model, d->test_x, d->test_y, "data->test_x", "data->test_y");
    if (rc == 0)
        rc = nb_train_check_opts(o);
    return rc;
}

int nb_train(nb_model *model, nb_optim *opt, nb_loss_fn loss, const nb_train_data *data,
             const nb_train_opts *opts, nb_train_record *record)
{
    nb_train_opts o = opts ? *opts : (nb_train_opts){0};
    nb_train_record local;
    nb_train_record *r = record ? record : &local;
    memset(r, 0, sizeof *r);
    int rc = nb_train_check(model, opt, loss, data, &o);
    if (rc < 0)
        return rc;
    bool user_training = nb_model_training(model);
    if ((rc = nb_optim_zero_grad(opt)) < 0)
        return rc;
    int epochs = o.epochs ? o.epochs : 1000;
    int max_fail = o.max_fail ? o.max_fail : 6;
    double min_grad = o.min_grad ? o.min_grad : 1e-5;
    int cls = o.classification > 0 || (o.classification == 0 && data->y->ndim == 1);
    if ((rc = nb_alloc_record(r, epochs, data, cls)) < 0)
        return rc;

    nb_train_state s = {.model = model, .opt = opt, .loss = loss, .data = data, .o = o, .r = r,
                        .cls = cls, .par = o.parallel && o.parallel->size > 1 ? o.parallel : NULL};
    /* the optimizer gathered the model, so these cannot fail */
    s.params = nb_model_params_flat(model);
    s.grads = nb_model_grads_flat(model);
    if (!s.params || !s.grads) {
        nb_train_record_free(r);
        return nb_last_status();
    }
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    nb_arena *keep = nb_arena_new_opts(&ao);
    s.step = keep ? nb_arena_new_opts(&ao) : NULL;
    int64_t n = data->x->shape[0];
    size_t wbytes = (size_t)s.params->numel * nb_dtype_size(s.params->dtype);
    int every = o.checkpoint_every ? o.checkpoint_every : 1;
    /* process 0 writes; every process reads when resuming */
    bool writes = o.checkpoint && (!s.par || s.par->rank == 0);
    /* the iterator's order goes to the train arena, the batches to the step arena */
    nb_arena *prev = nb_arena_use(keep);
    int64_t bs = o.batch_size && o.batch_size < n ? o.batch_size : n;
    nb_batch_opts bo = {.batch_size = bs, .shuffle = !o.no_shuffle, .seed = o.seed};
    if (s.par) {
        bo.num_shards = s.par->size;
        bo.shard = s.par->rank;
    }
    rc = s.step ? nb__batch_iter_init_as("nb_train", &s.batches, data->x, data->y, &bo) : nb_last_status();
    s.best = rc == 0 ? nb__tensor_empty_in(keep, s.params->dtype, 1, &s.params->numel, "nb_train")
                     : NULL;
    int64_t nbuf = nb_buffers_numel(model);
    if (s.best && nbuf > 0 &&
        (!(s.best_bufs = nb__tensor_empty_in(keep, s.params->dtype, 1, &nbuf, "nb_train")) ||
         !(s.cur_bufs = nb__tensor_empty_in(keep, s.params->dtype, 1, &nbuf, "nb_train"))))
        s.best = NULL;
    nb_arena_use(s.step);
    if (!s.best) {
        /* the arena's own message would name nb_arena_alloc, not nb_train */
        if (rc == 0 || !s.step)
            rc = nb__error(NB_ERR_NOMEM, "nb_train: out of memory (%zu bytes for a copy of the "
                           "best weights, or the step arena)", wbytes);
        goto done;
    }
    nb_progress prog;
    nb__progress_init(&prog, o.out, o.verbose, o.show);
    double t0 = nb__now(), samples = 0;
    nb__train_ckpt ck = {.params = s.params, .best = data->val_x ? s.best : NULL,
                         .buffers = s.cur_bufs, .best_buffers = s.best_bufs, .opt = opt,
                         .batches = &s.batches, .record = r};
    double best_val;
    int fails;
    if (o.resume) {
        /* Go on where the checkpoint's run left off. */
        if ((rc = nb__checkpoint_load(o.checkpoint, s.step, &ck, epochs)) < 0)
            goto done;
        nb_arena_reset(s.step);
        best_val = data->val_x ? ck.best_val : INFINITY;
        nb_buffers_copy(model, s.cur_bufs, false);
        fails = ck.fails;
        t0 -= ck.seconds;
        samples = ck.samples;
    } else {
        /* Epoch 0: the starting point. */
        rc = nb__eval_in("nb_train", model, loss, data->x, data->y, cls ? "data->y" : NULL,
                         &r->train_loss[0], r->train_acc ? &r->train_acc[0] : NULL);
        nb_arena_reset(s.step);
        if (rc == 0)
            rc = nb_eval_sets(&s, 0);
        if (rc < 0) {
            nb__error_context("nb_train", "evaluating the starting point");
            goto done;
        }
        nb_keep_best(&s);
        best_val = data->val_x ? r->val_loss[0] : INFINITY;
        fails = 0;
        r->stop = NB_STOP_EPOCHS;
        if (r->train_loss[0] <= o.goal)
            r->stop = NB_STOP_GOAL;
    }
    for (int e = r->epochs + 1; e <= epochs && r->stop == NB_STOP_EPOCHS; e++) {
        if ((rc = nb_train_epoch(&s, e)) < 0 || (rc = nb_eval_sets(&s, e)) < 0) {
            nb__error_context("nb_train", "epoch %d", e);
            goto done;
        }
        r->epochs = e;
        samples += (double)n;
        if (!data->val_x)
            r->best_epoch = e;
        if (data->val_x) {
            if (r->val_loss[e] < best_val) {
                best_val = r->val_loss[e];
                r->best_epoch = e;
                fails = 0;
                nb_keep_best(&s);
            } else {
                fails++;
            }
        }
        if (!isfinite(r->train_loss[e]))
            r->stop = NB_STOP_NOT_FINITE;
        else if (r->train_loss[e] <= o.goal)
            r->stop = NB_STOP_GOAL;
        else if (min_grad > 0 && r->grad_norm < min_grad)
            r->stop = NB_STOP_MIN_GRAD;
        else if (data->val_x && max_fail > 0 && fails >= max_fail)
            r->stop = NB_STOP_VAL_FAIL;
        else if (o.callback && o.callback(e, r, o.callback_ctx))
            r->stop = NB_STOP_CALLBACK;
        nb__progress_epoch(&prog, e, epochs, r, nb__now() - t0, samples, 0);
        if (writes && (e % every == 0 || e == epochs || r->stop != NB_STOP_EPOCHS)) {
            ck.fails = fails;
            ck.best_val = best_val;
            ck.seconds = nb__now() - t0;
            ck.samples = samples;
            nb_buffers_copy(model, s.cur_bufs, true);
            rc = nb__checkpoint_save(o.checkpoint, s.step, &ck);
            nb_arena_reset(s.step);
            if (rc < 0)
                goto done;
        }
    }
    /* Keep the best validation weights (MATLAB returns the net of best_epoch). */
    if (data->val_x && r->best_epoch != r->epochs) {
        memcpy(s.params->data, s.best->data, wbytes);
        nb_tensor_bump_version(s.params); /* and so of every parameter */
        nb_buffers_copy(model, s.best_bufs, false);
    }
    r->seconds = nb__now() - t0;
    nb__progress_epoch(&prog, r->epochs, epochs, r, r->seconds, samples, 1);
    rc = NB_OK;
done:
    nb_model_set_training(model, user_training);
    nb_arena_use(prev);
    nb_arena_free(s.step);
    nb_arena_free(keep);
    /* On failure the record holds nothing to free, so callers that bail
     * out on an error leak nothing. */
    if (rc < 0 || !record)
        nb_train_record_free(r);
    if (rc < 0)
        r->stop = NB_STOP_NONE;
    return rc;
}
