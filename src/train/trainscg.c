/* MATLAB's trainscg: Møller's scaled conjugate gradient over the flat
 * parameter buffer, full batch.  The gradient is one nb_backward of the
 * performance over the whole training set; the curvature along the search
 * direction is a difference of two gradients, so no Hessian is formed.
 *
 * The loop follows MATLAB's trainscg.m: at the top of each epoch the stop
 * tests on the current weights, then the curvature (after a kept step
 * only), the scaling, the trial step and Møller's comparison parameter,
 * then the validation and test sets.  The data checks, the record, the
 * stop tests and the display are those of trainlm (fullbatch.c). */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabla/autograd.h"
#include "nabla/ops.h"
#include "nabla/train_scg.h"
#include "train/train_internal.h"

const char *nb_perf_fn_name(nb_perf_fn perf)
{
    switch (perf) {
    case NB_PERF_MSE: return "mse";
    case NB_PERF_SSE: return "sse";
    case NB_PERF_CROSSENTROPY: return "crossentropy";
    default: return "unknown";
    }
}

/* perf(y, t) made of ops, so that it is differentiable (a one-element
 * tensor in the current arena). */
static nb_tensor *nb_perf_tensor(nb_perf_fn perf, nb_tensor *y, nb_tensor *t)
{
    if (perf == NB_PERF_MSE || perf == NB_PERF_SSE)
        return nb_mse_loss(y, t, perf == NB_PERF_SSE ? NB_REDUCE_SUM : NB_REDUCE_MEAN);
    /* the clamp keeps log finite where a softmax underflows to 0 */
    double lo = nb_tensor_dtype(y) == NB_F64 ? 1e-300 : 1e-38;
    nb_tensor *ce = nb_mul(t, nb_log(nb_clamp(y, lo, 1)));
    if (y && nb_tensor_ndim(y) == 2 && nb_tensor_shape(y)[1] == 1) {
        nb_tensor *one_t = nb_add_scalar(nb_neg(t), 1.0);
        nb_tensor *one_y = nb_add_scalar(nb_neg(y), 1.0);
        ce = nb_add(ce, nb_mul(one_t, nb_log(nb_clamp(one_y, lo, 1))));
    }
    return nb_neg(nb_mean(ce));
}

/* perf of (x, t) with recording off, temporaries in scratch (reset first). */
static int nb_perf_eval(const char *api, nb_model *model, nb_perf_fn perf, nb_arena *scratch,
                        nb_tensor *x, nb_tensor *t, const char *tname, double *out)
{
    nb_arena_reset(scratch);
    nb_arena *prev = nb_arena_use(scratch);
    bool was = nb_set_grad_enabled(false);
    nb_tensor *y = nb_model_forward(model, x);
    int rc = 0;
    if (y && (y->ndim != 2 || y->numel != t->numel)) {
        char s1[96], s2[96];
        rc = nb__error(NB_ERR_SHAPE, "%s: the model's output is %s but %s is %s (targets must "
                       "be N x O, one column per output)", api,
                       nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1), tname,
                       nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    } else {
        nb_tensor *p = nb_perf_tensor(perf, y, t);
        if (p)
            *out = nb__get(p, 0);
        else
            rc = nb_last_status();
    }
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    return rc;
}

int nb_model_perf(nb_model *model, nb_perf_fn perf, nb_tensor *x, nb_tensor *t, double *out)
{
    static const char api[] = "nb_model_perf";
    if (!model || !x || !t || !out)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api,
                         !model ? "model" : !x ? "x" : !t ? "t" : "out");
    if ((int)perf < 0 || perf >= NB_PERF_COUNT_)
        return nb__error(NB_ERR_ARG, "%s: perf is %d; expected NB_PERF_MSE, NB_PERF_SSE or "
                         "NB_PERF_CROSSENTROPY", api, (int)perf);
    int rc = nb__check_xy(api, model, x, t, "x", "t");
    if (rc < 0)
        return rc;
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    nb_arena *scratch = nb_arena_new_opts(&ao);
    if (!scratch)
        return nb__error_context(api, "making a scratch arena");
    rc = nb_perf_eval(api, model, perf, scratch, x, t, "t", out);
    nb_arena_free(scratch);
    return rc < 0 ? nb__error_context(api, "evaluating the performance") : 0;
}

typedef struct nb_scg {
    const char *api;
    nb_model *model;
    const nb_train_data *d;
    nb_trainscg_opts o;
    nb_train_record *r;
    nb_tensor *params;
    int64_t P;
    double *work, *X, *Xt, *g, *gt, *p, *best;
    nb_arena *scratch;
    FILE *out;
    int display;
    nb_fb_limits lim;
} nb_scg;

static int nb_scg_opts(const char *api, nb_trainscg_opts *o)
{
    if (nb__fb_check_int(api, "epochs", o->epochs, 0) < 0 ||
        nb__fb_check_int(api, "show", o->show, 0) < 0)
        return nb_last_status();
    if (o->verbose < -1 || o->verbose > 1)
        return nb__error(NB_ERR_ARG, "%s: opts->verbose is %d; expected -1, 0 or 1", api,
                         o->verbose);
    if ((int)o->perf < 0 || o->perf >= NB_PERF_COUNT_)
        return nb__error(NB_ERR_ARG, "%s: opts->perf is %d; expected NB_PERF_MSE, NB_PERF_SSE "
                         "or NB_PERF_CROSSENTROPY", api, (int)o->perf);
    if (!o->epochs)
        o->epochs = 1000;
    if (!o->max_fail)
        o->max_fail = 6;
    if (!o->min_grad)
        o->min_grad = 1e-6;
    if (!o->sigma)
        o->sigma = 5e-5;
    if (!o->lambda)
        o->lambda = 5e-7;
    if (!o->show)
        o->show = 25;
    if (nb__check_opt(api, "goal", o->goal, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "min_grad", o->min_grad, -INFINITY, INFINITY, "()") < 0 ||
        nb__check_opt(api, "sigma", o->sigma, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "lambda", o->lambda, 0, INFINITY, "()") < 0)
        return nb_last_status();
    return 0;
}

/* perf and g = d perf / dX at the weights X (written into the model), from
 * one backward pass over the training set. */
static int nb_scg_grad(nb_scg *s, double *X, double *perf, double *g)
{
    nb__fb_set(s->params, X);
    nb_arena_reset(s->scratch);
    nb_arena *prev = nb_arena_use(s->scratch);
    bool was = nb_set_grad_enabled(true);
    int rc = nb_model_zero_grad(s->model);
    nb_tensor *loss = NULL;
    if (rc == 0) {
        loss = nb_perf_tensor(s->o.perf, nb_model_forward(s->model, s->d->x), s->d->y);
        rc = loss ? nb_backward(loss, NULL) : nb_last_status();
    }
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    nb_tensor *G = rc == 0 ? nb_model_grads_flat(s->model) : NULL;
    if (!G)
        return rc < 0 ? rc : nb_last_status();
    *perf = nb__get(loss, 0);
    for (int64_t i = 0; i < s->P; i++)
        g[i] = nb__get(G, i);
    return 0;
}

/* perf at the weights X (written into the model), recording off. */
static int nb_scg_perf(nb_scg *s, double *X, double *perf)
{
    nb__fb_set(s->params, X);
    return nb_perf_eval(s->api, s->model, s->o.perf, s->scratch, s->d->x, s->d->y, "data->y",
                        perf);
}

/* vperf and tperf of epoch `ep` at the model's weights. */
static int nb_scg_sets(nb_scg *s, int ep)
{
    const nb_train_data *d = s->d;
    int rc = 0;
    if (d->val_x)
        rc = nb_perf_eval(s->api, s->model, s->o.perf, s->scratch, d->val_x, d->val_y,
                          "data->val_y", &s->r->val_loss[ep]);
    if (rc == 0 && d->test_x)
        rc = nb_perf_eval(s->api, s->model, s->o.perf, s->scratch, d->test_x, d->test_y,
                          "data->test_y", &s->r->test_loss[ep]);
    return rc;
}

static double nb_scg_dot(const double *a, const double *b, int64_t n)
{
    double acc = 0;
    for (int64_t i = 0; i < n; i++)
        acc += a[i] * b[i];
    return acc;
}

static void nb_scg_display(nb_scg *s, int epoch, double t0, int fails)
{
    if (!s->display || (s->r->stop == NB_STOP_NONE && epoch % s->o.show != 0))
        return;
    nb__fb_display(s->out, "TRAINSCG", s->r, epoch, &s->lim, nb__now() - t0, "", fails, "");
}

static int nb_scg_loop(nb_scg *s)
{
    nb_trainscg_opts *o = &s->o;
    nb_train_record *r = s->r;
    const nb_train_data *d = s->d;
    int64_t P = s->P;
    size_t bytes = sizeof(double) * (size_t)P;
    double t0 = nb__now(), perf;
    for (int64_t i = 0; i < P; i++)
        s->X[i] = nb__get(s->params, i);
    int rc = nb_scg_grad(s, s->X, &perf, s->g);
    if (rc == 0)
        rc = nb_scg_sets(s, 0);
    if (rc < 0)
        return nb__error_context(s->api, "evaluating the starting point");
    r->train_loss[0] = perf;
    memcpy(s->best, s->X, bytes);
    for (int64_t i = 0; i < P; i++)
        s->p[i] = -s->g[i];
    double p2 = nb_scg_dot(s->p, s->p, P), delta = 0;
    double lambda = o->lambda, lambdab = 0;
    bool success = true;
    double best_v = d->val_x ? r->val_loss[0] : INFINITY;
    int fails = 0;
    for (int ep = 0;; ep++) {
        double g2 = nb_scg_dot(s->g, s->g, P);
        r->gradient[ep] = r->grad_norm = sqrt(g2);
        r->epochs = ep;
        if (!d->val_x)
            r->best_epoch = ep;
        int user_stop = ep > 0 && o->callback && o->callback(ep, r, o->callback_ctx);
        r->stop = nb__fb_stop(r, ep, &s->lim, false, fails, user_stop);
        if (r->stop == NB_STOP_NONE && g2 == 0)
            r->stop = NB_STOP_MIN_GRAD; /* a stationary point: no direction to search */
        nb_scg_display(s, ep, t0, fails);
        if (r->stop != NB_STOP_NONE)
            return 0;

        double mu = -nb_scg_dot(s->p, s->g, P);
        if (!(mu > 0)) {
            /* rounding left a direction that is not downhill: restart */
            for (int64_t i = 0; i < P; i++)
                s->p[i] = -s->g[i];
            p2 = mu = g2;
            success = true;
            lambdab = 0;
        }
        if (success) {
            /* curvature along p from two gradients sigma_k apart */
            double sigmak = o->sigma / sqrt(p2), perf_t;
            for (int64_t i = 0; i < P; i++)
                s->Xt[i] = s->X[i] + sigmak * s->p[i];
            if ((rc = nb_scg_grad(s, s->Xt, &perf_t, s->gt)) < 0)
                return nb__error_context(s->api, "epoch %d", ep + 1);
            delta = 0;
            for (int64_t i = 0; i < P; i++)
                delta += s->p[i] * (s->gt[i] - s->g[i]);
            delta /= sigmak;
        }
        delta += (lambda - lambdab) * p2;
        if (delta <= 0) {
            /* make the scaled Hessian positive definite along p */
            lambdab = 2 * (lambda - delta / p2);
            delta = -delta + lambda * p2;
            lambda = lambdab;
        }
        double alpha = mu / delta, perf_t;
        for (int64_t i = 0; i < P; i++)
            s->Xt[i] = s->X[i] + alpha * s->p[i];
        if ((rc = nb_scg_perf(s, s->Xt, &perf_t)) < 0)
            return nb__error_context(s->api, "epoch %d", ep + 1);
        double difk = 2 * delta * (perf - perf_t) / (mu * mu);
        if (difk >= 0) {
            memcpy(s->X, s->Xt, bytes);
            memcpy(s->gt, s->g, bytes); /* gt: the old gradient */
            if ((rc = nb_scg_grad(s, s->X, &perf, s->g)) < 0)
                return nb__error_context(s->api, "epoch %d", ep + 1);
            lambdab = 0;
            success = true;
            /* Møller's restart: after every P kept steps (his k counts
             * from 1), so a quadratic in P parameters is minimised in P
             * epochs (a restart at epoch 0, as MATLAB's code has it, spends
             * the first conjugate direction on a second steepest descent). */
            if ((ep + 1) % P == 0) {
                for (int64_t i = 0; i < P; i++)
                    s->p[i] = -s->g[i];
            } else {
                double beta = (nb_scg_dot(s->g, s->g, P) - nb_scg_dot(s->g, s->gt, P)) / mu;
                for (int64_t i = 0; i < P; i++)
                    s->p[i] = -s->g[i] + beta * s->p[i];
            }
            p2 = nb_scg_dot(s->p, s->p, P);
            if (difk >= 0.75)
                lambda *= 0.25;
        } else {
            lambdab = lambda;
            success = false;
            nb__fb_set(s->params, s->X); /* back to the kept weights */
        }
        if (difk < 0.25 && p2 > 0)
            lambda += delta * (1 - difk) / p2;
        int e1 = ep + 1;
        r->train_loss[e1] = perf;
        if ((rc = nb_scg_sets(s, e1)) < 0)
            return nb__error_context(s->api, "epoch %d", e1);
        if (d->val_x)
            nb__fb_validate(r, e1, &best_v, &r->best_epoch, &fails, s->best, s->X, P);
    }
}

int nb_trainscg(nb_model *model, const nb_train_data *data, const nb_trainscg_opts *opts,
                nb_train_record *record)
{
    static const char api[] = "nb_trainscg";
    nb_scg s = {.api = api, .model = model, .d = data};
    s.o = opts ? *opts : (nb_trainscg_opts){0};
    nb_train_record local;
    s.r = record ? record : &local;
    memset(s.r, 0, sizeof *s.r);
    int rc = nb__fb_check_data(api, "scaled conjugate gradient", model, data);
    if (rc == 0)
        rc = nb_scg_opts(api, &s.o);
    if (rc < 0)
        return rc;
    s.params = nb_model_params_flat(model);
    if (!s.params)
        return nb__error_context(api, "gathering the parameters");
    s.P = s.params->numel;
    s.lim = (nb_fb_limits){.epochs = s.o.epochs, .max_fail = s.o.max_fail, .goal = s.o.goal,
                           .min_grad = s.o.min_grad, .has_val = data->val_x != NULL};
    s.out = s.o.out ? s.o.out : stderr;
    s.display = s.o.verbose > 0 || (s.o.verbose == 0 && isatty(fileno(s.out)));
    if ((rc = nb__fb_alloc_record(api, s.r, s.o.epochs, data, NULL, 0)) < 0)
        return rc;
    double t0 = nb__now();
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    s.scratch = nb_arena_new_opts(&ao);
    s.work = malloc(sizeof(double) * (size_t)s.P * 6);
    if (!s.scratch)
        rc = nb__error_context(api, "making a scratch arena");
    else if (!s.work)
        rc = nb__error(NB_ERR_NOMEM, "%s: out of memory for 6 x %lld doubles", api,
                       (long long)s.P);
    if (rc == 0) {
        s.X = s.work;
        s.Xt = s.work + s.P;
        s.g = s.work + 2 * s.P;
        s.gt = s.work + 3 * s.P;
        s.p = s.work + 4 * s.P;
        s.best = s.work + 5 * s.P;
        /* in evaluation mode throughout (why: fullbatch.c) */
        bool was_training = nb_model_set_training(model, false);
        rc = nb_scg_loop(&s);
        nb_model_set_training(model, was_training);
    }
    if (rc == 0 && data->val_x && s.r->best_epoch != s.r->epochs)
        nb__fb_set(s.params, s.best); /* MATLAB returns the net of the best epoch */
    s.r->seconds = nb__now() - t0;
    free(s.work);
    nb_arena_free(s.scratch);
    if (rc < 0 || !record)
        nb_train_record_free(s.r);
    if (rc < 0)
        s.r->stop = NB_STOP_NONE;
    return rc;
}
