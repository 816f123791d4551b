/* MATLAB's traingd, traingdm and traingdx: full-batch gradient descent over
 * the flat parameter buffer, one nb_backward of perf over the whole
 * training set per epoch.  The three differ only in the step, so one loop
 * serves them; the data checks, the record, the stop tests and the display
 * are those of trainlm (fullbatch.c).
 *
 * As in MATLAB's traingdx.m, each epoch starts with the gradient at the
 * current weights, then the stop tests, then the step is tried and the set
 * errors evaluated. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabla/autograd.h"
#include "nabla/ops_nn.h"
#include "nabla/train_gd.h"
#include "train/train_internal.h"

typedef enum { NB_GD, NB_GDM, NB_GDX } nb_gd_kind;

typedef struct nb_gd {
    const char *api, *name;
    nb_gd_kind kind;
    nb_model *model;
    const nb_train_data *d;
    nb_traingd_opts o;
    nb_train_record *r;
    nb_tensor *params;
    int64_t P, rows;
    double *work, *g, *dX, *X, *X2, *best;
    nb_arena *scratch;
    FILE *out;
    int display;
    nb_fb_limits lim;
} nb_gd;

static int nb_gd_opts(const char *api, nb_gd_kind kind, nb_traingd_opts *o)
{
    if (nb__fb_check_int(api, "epochs", o->epochs, 0) < 0 ||
        nb__fb_check_int(api, "show", o->show, 0) < 0)
        return nb_last_status();
    if (o->verbose < -1 || o->verbose > 1)
        return nb__error(NB_ERR_ARG, "%s: opts->verbose is %d; expected -1, 0 or 1", api,
                         o->verbose);
    if (!o->epochs)
        o->epochs = 1000;
    if (!o->max_fail)
        o->max_fail = 6;
    if (!o->min_grad)
        o->min_grad = 1e-5;
    if (!o->lr)
        o->lr = 0.01;
    if (!o->mc)
        o->mc = 0.9;
    if (!o->lr_inc)
        o->lr_inc = 1.05;
    if (!o->lr_dec)
        o->lr_dec = 0.7;
    if (!o->max_perf_inc)
        o->max_perf_inc = 1.04;
    if (!o->show)
        o->show = 25;
    if (nb__check_opt(api, "goal", o->goal, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "min_grad", o->min_grad, -INFINITY, INFINITY, "()") < 0 ||
        nb__check_opt(api, "lr", o->lr, 0, INFINITY, "()") < 0)
        return nb_last_status();
    if (kind != NB_GD && nb__check_opt(api, "mc", o->mc, 0, 1, "[)") < 0)
        return nb_last_status();
    if (kind == NB_GDX &&
        (nb__check_opt(api, "lr_inc", o->lr_inc, 1, INFINITY, "()") < 0 ||
         nb__check_opt(api, "lr_dec", o->lr_dec, 0, 1, "()") < 0 ||
         nb__check_opt(api, "max_perf_inc", o->max_perf_inc, 1, INFINITY, "[)") < 0))
        return nb_last_status();
    return 0;
}

/* g = d perf / dX at the model's weights, from one backward pass over the
 * training set (temporaries in the scratch arena). */
static int nb_gd_gradient(nb_gd *s)
{
    nb_arena_reset(s->scratch);
    nb_arena *prev = nb_arena_use(s->scratch);
    bool was = nb_set_grad_enabled(true);
    int rc = nb_model_zero_grad(s->model);
    nb_tensor *loss = NULL;
    if (rc == 0) {
        loss = nb_mse_loss(nb_model_forward(s->model, s->d->x), s->d->y,
                           s->o.sse ? NB_REDUCE_SUM : NB_REDUCE_MEAN);
        rc = loss ? nb_backward(loss, NULL) : nb_last_status();
    }
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    nb_tensor *G = rc == 0 ? nb_model_grads_flat(s->model) : NULL;
    if (!G)
        return rc < 0 ? rc : nb_last_status();
    for (int64_t i = 0; i < s->P; i++)
        s->g[i] = nb__get(G, i);
    return 0;
}

static void nb_gd_display(nb_gd *s, int epoch, double t0, int fails)
{
    const nb_train_record *r = s->r;
    if (!s->display || (r->stop == NB_STOP_NONE && epoch % s->o.show != 0))
        return;
    char mid[48] = "";
    if (s->kind == NB_GDX)
        snprintf(mid, sizeof mid, ", Lr %g", r->lr[epoch]);
    nb__fb_display(s->out, s->name, r, epoch, &s->lim, nb__now() - t0, mid, fails, "");
}

static int nb_gd_loop(nb_gd *s)
{
    nb_traingd_opts *o = &s->o;
    nb_train_record *r = s->r;
    const nb_train_data *d = s->d;
    int64_t P = s->P, rows = s->rows;
    double t0 = nb__now();
    for (int64_t i = 0; i < P; i++)
        s->X[i] = nb__get(s->params, i);
    memset(s->dX, 0, sizeof(double) * (size_t)P);
    double sse;
    int rc = nb__fb_sse(s->api, s->model, s->scratch, d->x, d->y, "data->y", &sse);
    if (rc == 0)
        rc = nb__fb_sets(s->api, s->model, s->scratch, d, o->sse, r, 0);
    if (rc < 0)
        return nb__error_context(s->api, "evaluating the starting point");
    double perf = o->sse ? sse : sse / (double)rows, lr = o->lr;
    double mc = s->kind == NB_GD ? 0 : o->mc;
    r->train_loss[0] = perf;
    memcpy(s->best, s->X, sizeof(double) * (size_t)P);
    double best_v = d->val_x ? r->val_loss[0] : INFINITY;
    int fails = 0;
    for (int ep = 0;; ep++) {
        if ((rc = nb_gd_gradient(s)) < 0)
            return nb__error_context(s->api, "epoch %d", ep + 1);
        double g2 = 0;
        for (int64_t i = 0; i < P; i++)
            g2 += s->g[i] * s->g[i];
        r->gradient[ep] = r->grad_norm = sqrt(g2);
        if (r->lr)
            r->lr[ep] = lr;
        r->epochs = ep;
        if (!d->val_x)
            r->best_epoch = ep;
        int user_stop = ep > 0 && o->callback && o->callback(ep, r, o->callback_ctx);
        r->stop = nb__fb_stop(r, ep, &s->lim, false, fails, user_stop);
        nb_gd_display(s, ep, t0, fails);
        if (r->stop != NB_STOP_NONE)
            return 0;

        /* gd: dX = -lr g; gdm and gdx: dX = mc dXprev - (1 - mc) lr g */
        for (int64_t i = 0; i < P; i++) {
            s->dX[i] = mc * s->dX[i] - (1 - mc) * lr * s->g[i];
            s->X2[i] = s->X[i] + s->dX[i];
        }
        nb__fb_set(s->params, s->X2);
        if ((rc = nb__fb_sse(s->api, s->model, s->scratch, d->x, d->y, "data->y", &sse)) < 0)
            return nb__error_context(s->api, "epoch %d", ep + 1);
        double perf2 = o->sse ? sse : sse / (double)rows;
        if (s->kind == NB_GDX && perf2 > perf * o->max_perf_inc) {
            /* discard the step, slow down, and restart the momentum from a
             * plain gradient step at the new rate (MATLAB's dX = lr*gX) */
            lr *= o->lr_dec;
            for (int64_t i = 0; i < P; i++)
                s->dX[i] = -lr * s->g[i];
            nb__fb_set(s->params, s->X);
        } else {
            if (s->kind == NB_GDX && perf2 < perf)
                lr *= o->lr_inc;
            memcpy(s->X, s->X2, sizeof(double) * (size_t)P);
            perf = perf2;
        }
        int e1 = ep + 1;
        r->train_loss[e1] = perf;
        if ((rc = nb__fb_sets(s->api, s->model, s->scratch, d, o->sse, r, e1)) < 0)
            return nb__error_context(s->api, "epoch %d", e1);
        if (d->val_x)
            nb__fb_validate(r, e1, &best_v, &r->best_epoch, &fails, s->best, s->X, P);
    }
}

static int nb_gd_run(const char *api, const char *name, nb_gd_kind kind, nb_model *model,
                     const nb_train_data *data, const nb_traingd_opts *opts,
                     nb_train_record *record)
{
    nb_gd s = {.api = api, .name = name, .kind = kind, .model = model, .d = data};
    s.o = opts ? *opts : (nb_traingd_opts){0};
    nb_train_record local;
    s.r = record ? record : &local;
    memset(s.r, 0, sizeof *s.r);
    int rc = nb__fb_check_data(api, "gradient descent on squared errors", model, data);
    if (rc == 0)
        rc = nb_gd_opts(api, kind, &s.o);
    if (rc < 0)
        return rc;
    s.params = nb_model_params_flat(model);
    if (!s.params)
        return nb__error_context(api, "gathering the parameters");
    s.P = s.params->numel;
    s.rows = data->y->numel;
    s.lim = (nb_fb_limits){.epochs = s.o.epochs, .max_fail = s.o.max_fail, .goal = s.o.goal,
                           .min_grad = s.o.min_grad, .has_val = data->val_x != NULL};
    s.out = s.o.out ? s.o.out : stderr;
    s.display = s.o.verbose > 0 || (s.o.verbose == 0 && isatty(fileno(s.out)));
    double **extra[] = {&s.r->lr};
    if ((rc = nb__fb_alloc_record(api, s.r, s.o.epochs, data, extra, kind == NB_GDX)) < 0)
        return rc;
    double t0 = nb__now();
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    s.scratch = nb_arena_new_opts(&ao);
    s.work = malloc(sizeof(double) * (size_t)s.P * 5);
    if (!s.scratch)
        rc = nb__error_context(api, "making a scratch arena");
    else if (!s.work)
        rc = nb__error(NB_ERR_NOMEM, "%s: out of memory for 5 x %lld doubles", api,
                       (long long)s.P);
    if (rc == 0) {
        s.g = s.work;
        s.dX = s.work + s.P;
        s.X = s.work + 2 * s.P;
        s.X2 = s.work + 3 * s.P;
        s.best = s.work + 4 * s.P;
        /* in evaluation mode throughout (why: fullbatch.c) */
        bool was_training = nb_model_set_training(model, false);
        rc = nb_gd_loop(&s);
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

int nb_traingd(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
               nb_train_record *record)
{
    return nb_gd_run("nb_traingd", "TRAINGD", NB_GD, model, data, opts, record);
}

int nb_traingdm(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
                nb_train_record *record)
{
    return nb_gd_run("nb_traingdm", "TRAINGDM", NB_GDM, model, data, opts, record);
}

int nb_traingdx(nb_model *model, const nb_train_data *data, const nb_traingd_opts *opts,
                nb_train_record *record)
{
    return nb_gd_run("nb_traingdx", "TRAINGDX", NB_GDX, model, data, opts, record);
}
