/* What MATLAB's full-batch training functions share (trainlm and trainbr in
 * trainlm.c, traingd, traingdm and traingdx in traingd.c): the data checks,
 * the squared error of a set, writing a flat vector back into the model, the
 * record, MATLAB's stop tests in MATLAB's order, and its command-line
 * display.
 *
 * Every full-batch trainer runs the model in evaluation mode and puts the
 * user's mode back at its end: their line searches, Jacobians and
 * curvature differences assume that the performance is one fixed function
 * of the weights, which dropout (a new mask per pass) and batch norm in
 * training mode (statistics of whichever set is passed, running statistics
 * moved by every trial step) are not.  So dropout is off and batch norm
 * uses, and keeps, its running statistics; nb_train is the trainer for
 * those layers' training behaviour. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/autograd.h"
#include "train/train_internal.h"

void nb__fb_set(nb_tensor *params, double *X)
{
    for (int64_t i = 0; i < params->numel; i++) {
        nb__set(params, i, X[i]);
        X[i] = nb__get(params, i);
    }
    nb_tensor_bump_version(params);
}

int nb__fb_sse(const char *api, nb_model *model, nb_arena *scratch, nb_tensor *x, nb_tensor *y,
               const char *yname, double *sse)
{
    nb_arena_reset(scratch);
    nb_arena *prev = nb_arena_use(scratch);
    bool was = nb_set_grad_enabled(false);
    nb_tensor *p = nb_model_forward(model, x);
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    if (!p)
        return nb_last_status();
    if (p->ndim != 2 || p->numel != y->numel) {
        char s1[96], s2[96];
        return nb__error(NB_ERR_SHAPE, "%s: the model's output is %s but %s is %s (targets must "
                         "be N x O, one column per output)", api,
                         nb__shape_fmt(p->ndim, p->shape, s1, sizeof s1), yname,
                         nb__shape_fmt(y->ndim, y->shape, s2, sizeof s2));
    }
    double acc = 0;
    for (int64_t i = 0; i < p->numel; i++) {
        double e = nb__get(p, i) - nb__get(y, i);
        acc += e * e;
    }
    *sse = acc;
    return 0;
}

int nb__fb_sets(const char *api, nb_model *model, nb_arena *scratch, const nb_train_data *d,
                bool sse_perf, nb_train_record *r, int epoch)
{
    double sse;
    int rc = 0;
    if (d->val_x && (rc = nb__fb_sse(api, model, scratch, d->val_x, d->val_y, "data->val_y",
                                     &sse)) == 0)
        r->val_loss[epoch] = sse_perf ? sse : sse / (double)d->val_y->numel;
    if (rc == 0 && d->test_x &&
        (rc = nb__fb_sse(api, model, scratch, d->test_x, d->test_y, "data->test_y", &sse)) == 0)
        r->test_loss[epoch] = sse_perf ? sse : sse / (double)d->test_y->numel;
    return rc;
}

int nb__fb_check_int(const char *api, const char *name, long long v, long long lo)
{
    if (v >= lo)
        return 0;
    return nb__error(NB_ERR_ARG, "%s: opts->%s is %lld; expected an integer >= %lld", api, name, v,
                     lo);
}

int nb__fb_check_data(const char *api, const char *method, nb_model *model,
                      const nb_train_data *d)
{
    if (!model || !d)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "data");
    if (!d->x || !d->y)
        return nb__error(NB_ERR_NULL, "%s: data->%s is NULL (the training set is required)", api,
                         !d->x ? "x" : "y");
    if ((!d->val_x != !d->val_y) || (!d->test_x != !d->test_y))
        return nb__error(NB_ERR_NULL, "%s: give both %s_x and %s_y, or neither", api,
                         !d->val_x != !d->val_y ? "val" : "test",
                         !d->val_x != !d->val_y ? "val" : "test");
    nb_tensor *xs[3] = {d->x, d->val_x, d->test_x}, *ys[3] = {d->y, d->val_y, d->test_y};
    static const char *xn[3] = {"data->x", "data->val_x", "data->test_x"};
    static const char *yn[3] = {"data->y", "data->val_y", "data->test_y"};
    for (int i = 0; i < 3; i++) {
        if (!xs[i])
            continue;
        int rc = nb__check_xy(api, model, xs[i], ys[i], xn[i], yn[i]);
        if (rc < 0)
            return rc;
        if (ys[i]->ndim != 2)
            return nb__error(NB_ERR_SHAPE, "%s: %s is 1-D (class labels?); %s trains on N x "
                             "O float targets (one-hot rows for classes)", api,
                             yn[i], method);
    }
    return 0;
}

int nb__fb_alloc_record(const char *api, nb_train_record *r, int epochs, const nb_train_data *d,
                        double **const *extra, int nextra)
{
    size_t n = (size_t)epochs + 1;
    memset(r, 0, sizeof *r);
    double **base[] = {&r->train_loss, &r->gradient, &r->val_loss, &r->test_loss};
    for (int i = 0; i < 4 + nextra; i++) {
        double **a = i < 4 ? base[i] : extra[i - 4];
        if ((i == 2 && !d->val_x) || (i == 3 && !d->test_x))
            continue;
        if (!(*a = calloc(n, sizeof(double)))) {
            nb_train_record_free(r);
            return nb__error(NB_ERR_NOMEM, "%s: out of memory for the training record", api);
        }
    }
    return 0;
}

nb_stop_reason nb__fb_stop(const nb_train_record *r, int ep, const nb_fb_limits *l, bool mu_max,
                           int fails, bool user_stop)
{
    double perf = r->train_loss[ep];
    if (perf <= l->goal)
        return NB_STOP_GOAL;
    if (!isfinite(perf))
        return NB_STOP_NOT_FINITE;
    if (mu_max)
        return NB_STOP_MU_MAX;
    if (l->min_grad > 0 && r->gradient[ep] < l->min_grad)
        return NB_STOP_MIN_GRAD;
    if (ep == l->epochs)
        return NB_STOP_EPOCHS;
    if (l->has_val && l->max_fail > 0 && fails >= l->max_fail)
        return NB_STOP_VAL_FAIL;
    if (user_stop)
        return NB_STOP_CALLBACK;
    return NB_STOP_NONE;
}

void nb__fb_display(FILE *out, const char *name, const nb_train_record *r, int ep,
                    const nb_fb_limits *l, double seconds, const char *mid, int fails,
                    const char *tail)
{
    bool last = r->stop != NB_STOP_NONE;
    fprintf(out, "Epoch %d/%d, Time %.3f, Performance %g/%g, Gradient %g/%g%s", ep, l->epochs,
            seconds, r->train_loss[ep], l->goal, r->gradient[ep], l->min_grad, mid);
    if (l->has_val)
        fprintf(out, ", Validation Checks %d/%d", fails, l->max_fail);
    fprintf(out, "%s\n", tail);
    if (last)
        fprintf(out, "Training with %s completed: %s\n", name, nb_stop_reason_matlab(r->stop));
    fflush(out);
}

void nb__fb_validate(const nb_train_record *r, int ep, double *best_v, int *best_epoch,
                     int *fails, double *best, const double *X, int64_t P)
{
    if (r->val_loss[ep] < *best_v) {
        *best_v = r->val_loss[ep];
        *best_epoch = ep;
        *fails = 0;
        memcpy(best, X, sizeof(double) * (size_t)P);
    } else {
        (*fails)++; /* "fails to improve or remains the same" */
    }
}
