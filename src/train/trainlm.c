/* MATLAB's trainlm and trainbr: Levenberg–Marquardt over the flat
 * parameter buffer, full batch, with the Jacobian from nb_model_jacobian
 * (O backward passes for a stack of layers) and the damped normal
 * equations solved in f64 by Cholesky (lm_solve.c).  J'J is one matrix
 * product (nb_matmul_t, the GEMM kernels).  When trainlm has fewer errors
 * than parameters (N·O < P) it solves the same step through the smaller
 * N·O x N·O system: (J'J + mu I)^-1 J'e = J' (J J' + mu I)^-1 e, since
 * J'(J J' + mu I) = (J'J + mu I) J'; the step is the documented one, the
 * cost falls from P^3 to (N·O)^3.
 *
 * The loop follows MATLAB's trainlm.m: at the top of each epoch the
 * Jacobian at the current weights gives the gradient, then the stop tests
 * run, then mu grows until a step lowers the performance (or passes
 * mu_max), then the validation and test sets are evaluated.  trainbr is the
 * same loop on beta·E_D + alpha·E_W with MacKay's updates after each kept
 * step; one file keeps the two in step. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabla/autograd.h"
#include "nabla/ops.h"
#include "nabla/train_lm.h"
#include "train/train_internal.h"

typedef struct nb_lm {
    const char *api;
    bool br;
    nb_model *model;
    const nb_train_data *d;
    nb_trainlm_opts o;
    nb_train_record *r;
    nb_tensor *params;
    int64_t P, rows; /* parameters; N·O errors of the training set (this process's) */
    double count, vcount, tcount; /* N·O of each set, over all processes */
    bool dual;       /* solve with J J' (rows x rows) instead of J'J (P x P) */
    int64_t n;       /* the system's size: rows when dual, else P */
    nb_tensor *Jt;   /* J as a tensor (in `mats`), for the matrix product */
    double *J, *e, *jj, *je, *A, *dX, *X, *X2, *best, *work, *t, *y;
    nb_arena *scratch, *mats, *lin;
    FILE *out;
    int display;
    nb_fb_limits lim;
} nb_lm;

static double nb_lm_perf(const nb_lm *s, double sse, double count)
{
    return s->o.sse ? sse : sse / count;
}

/* Across processes (opts->parallel): v[0..n) summed over them, in place. */
static int nb_lm_sum(const nb_lm *s, double *v, int64_t n)
{
    const nb_lm_parallel *par = s->o.parallel;
    if (!par)
        return 0;
    int rc = par->sum(v, n, par->ctx);
    if (rc >= 0)
        return 0;
    /* the hook's own message (the distributed module's names what failed) */
    return nb__error_pending() ? nb_last_status()
                               : nb__error(rc, "%s: opts->parallel->sum returned %d", s->api, rc);
}

/* The same for n double-doubles hi[i] + lo[i] (J'J and J'e). */
static int nb_lm_sum_pairs(const nb_lm *s, double *hi, double *lo, int64_t n)
{
    const nb_lm_parallel *par = s->o.parallel;
    if (!par)
        return 0;
    int rc = par->sum_pairs(hi, lo, n, par->ctx);
    if (rc >= 0)
        return 0;
    return nb__error_pending() ? nb_last_status()
                               : nb__error(rc, "%s: opts->parallel->sum_pairs returned %d",
                                           s->api, rc);
}

/* The training set's squared error at the model's weights, over all processes. */
static int nb_lm_sse(nb_lm *s, double *sse)
{
    int rc = nb__fb_sse(s->api, s->model, s->scratch, s->d->x, s->d->y, "data->y", sse);
    return rc < 0 ? rc : nb_lm_sum(s, sse, 1);
}

/* nb__fb_sets with the validation and test errors summed over the processes
 * (one sum of both) before they become perf. */
static int nb_lm_sets(nb_lm *s, int epoch)
{
    const nb_train_data *d = s->d;
    if (!s->o.parallel)
        return nb__fb_sets(s->api, s->model, s->scratch, d, s->o.sse, s->r, epoch);
    double v[2] = {0, 0};
    int rc = 0;
    if (d->val_x)
        rc = nb__fb_sse(s->api, s->model, s->scratch, d->val_x, d->val_y, "data->val_y", &v[0]);
    if (rc == 0 && d->test_x)
        rc = nb__fb_sse(s->api, s->model, s->scratch, d->test_x, d->test_y, "data->test_y", &v[1]);
    if (rc == 0 && (d->val_x || d->test_x))
        rc = nb_lm_sum(s, v, 2);
    if (rc < 0)
        return rc;
    if (d->val_x)
        s->r->val_loss[epoch] = nb_lm_perf(s, v[0], s->vcount);
    if (d->test_x)
        s->r->test_loss[epoch] = nb_lm_perf(s, v[1], s->tcount);
    return 0;
}

/* The sets' sizes over all processes, and whether every process got this
 * far (`rc`): a process that failed to start still takes part in this sum,
 * so the others stop too instead of waiting for it. */
static int nb_lm_counts(nb_lm *s, int rc)
{
    const nb_train_data *d = s->d;
    s->count = (double)s->rows;
    s->vcount = d->val_y ? (double)d->val_y->numel : 0;
    s->tcount = d->test_y ? (double)d->test_y->numel : 0;
    if (!s->o.parallel)
        return rc;
    double v[4] = {rc < 0, s->count, s->vcount, s->tcount};
    int src = nb_lm_sum(s, v, 4);
    if (rc < 0 || src < 0)
        return rc < 0 ? rc : src;
    if (v[0] > 0)
        return nb__error(NB_ERR_STATE, "%s: %.0f of the processes failed to start (see their "
                         "messages); none trains", s->api, v[0]);
    s->count = v[1];
    s->vcount = v[2];
    s->tcount = v[3];
    return 0;
}

/* Fill the defaults and check every option (the float ones after their
 * default, so 0 means the default and only a given value can be wrong). */
static int nb_lm_opts(const char *api, bool br, nb_trainlm_opts *o)
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
        o->max_fail = br ? -1 : 6;
    if (!o->min_grad)
        o->min_grad = 1e-7;
    if (!o->mu)
        o->mu = br ? 0.005 : 0.001;
    if (!o->mu_dec)
        o->mu_dec = 0.1;
    if (!o->mu_inc)
        o->mu_inc = 10;
    if (!o->mu_max)
        o->mu_max = 1e10;
    if (!o->max_bytes)
        o->max_bytes = (size_t)1 << 30;
    if (!o->show)
        o->show = 25;
    if (nb__check_opt(api, "goal", o->goal, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "min_grad", o->min_grad, -INFINITY, INFINITY, "()") < 0 ||
        nb__check_opt(api, "mu", o->mu, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "mu_dec", o->mu_dec, 0, 1, "()") < 0 ||
        nb__check_opt(api, "mu_inc", o->mu_inc, 1, INFINITY, "()") < 0 ||
        nb__check_opt(api, "mu_max", o->mu_max, 0, INFINITY, "()") < 0)
        return nb_last_status();
    if (o->parallel && (!o->parallel->sum || !o->parallel->sum_pairs))
        return nb__error(NB_ERR_NULL, "%s: opts->parallel->%s is NULL (a run across processes "
                         "needs both hooks)", api, !o->parallel->sum ? "sum" : "sum_pairs");
    if (o->mu > o->mu_max)
        return nb__error(NB_ERR_ARG, "%s: opts->mu (%g) is above opts->mu_max (%g)", api, o->mu,
                         o->mu_max);
    return 0;
}

static int nb_lm_alloc_record(nb_lm *s)
{
    nb_train_record *r = s->r;
    double **extra[] = {&r->mu, &r->gamma, &r->ssx, &r->alpha, &r->beta};
    return nb__fb_alloc_record(s->api, r, s->o.epochs, s->d, extra, s->br ? 5 : 1);
}

/* "12.3 GB" for a size in bytes (decimal units, as disks and most tools
 * print them). */
static void nb_lm_size(double bytes, char *buf, size_t size)
{
    static const char *unit[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1000 && u < 6) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

/* The work buffers, after checking their size against max_bytes. */
static int nb_lm_alloc(nb_lm *s)
{
    double P = (double)s->P, rows = (double)s->rows, n = (double)s->n;
    /* J; jj, A and the product's result (n x n each); the P- and rows-vectors */
    double doubles = rows * P + 3 * n * n + 7 * P + 3 * rows;
    double bytes = doubles * sizeof(double);
    if (bytes > (double)s->o.max_bytes) {
        char need[32];
        nb_lm_size(bytes, need, sizeof need);
        return nb__error(NB_ERR_NOMEM, "%s: the Jacobian (%lld errors x %lld parameters) and the "
                         "%lld x %lld system would need %s (%.0f bytes), more than "
                         "opts->max_bytes (%zu); use fewer samples or parameters, raise "
                         "max_bytes, or train with nb_trainscg or nb_train",
                         s->api, (long long)s->rows, (long long)s->P, (long long)s->n,
                         (long long)s->n, need, bytes, s->o.max_bytes);
    }
    size_t np = (size_t)s->P, nr = (size_t)s->rows, nn = (size_t)s->n;
    nb_arena_opts ao = {.allocator = nb_model_allocator(s->model)};
    s->mats = nb_arena_new_opts(&ao);
    s->lin = s->mats ? nb_arena_new_opts(&ao) : NULL;
    if (s->lin) {
        nb_arena *prev = nb_arena_use(s->mats);
        s->Jt = nb_zeros(NB_F64, 2, (const int64_t[]){s->rows, s->P});
        nb_arena_use(prev);
    }
    s->J = s->Jt ? nb_tensor_data_f64(s->Jt) : NULL;
    s->jj = malloc(sizeof(double) * nn * nn);
    s->A = malloc(sizeof(double) * nn * nn);
    s->e = malloc(sizeof(double) * nr);
    s->t = malloc(sizeof(double) * nr);
    s->y = malloc(sizeof(double) * nr);
    s->work = malloc(sizeof(double) * np * 7);
    if (!s->J || !s->jj || !s->A || !s->e || !s->t || !s->y || !s->work)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory (%.0f bytes for the Jacobian and the "
                         "system)", s->api, bytes);
    s->je = s->work;
    s->dX = s->work + np;
    s->X = s->work + 2 * np;
    s->X2 = s->work + 3 * np;
    s->best = s->work + 4 * np;
    /* work + 5P: the right-hand side; work + 6P: trace scratch */
    return 0;
}

/* jj = J'J (P x P) or, when dual, J J' (rows x rows): one GEMM. */
static int nb_lm_gram(nb_lm *s)
{
    nb_arena_reset(s->lin);
    nb_arena *prev = nb_arena_use(s->lin);
    bool was = nb_set_grad_enabled(false);
    nb_tensor *g = nb_matmul_t(s->Jt, s->Jt, !s->dual, s->dual);
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    if (!g)
        return nb__error_context(s->api, "forming the normal equations");
    memcpy(s->jj, nb_tensor_data_f64(g), sizeof(double) * (size_t)(s->n * s->n));
    return 0;
}

static void nb_lm_free(nb_lm *s)
{
    free(s->jj); /* J lives in `mats` */
    free(s->A);
    free(s->e);
    free(s->t);
    free(s->y);
    free(s->work);
    nb_arena_free(s->lin);
    nb_arena_free(s->mats);
    nb_arena_free(s->scratch);
}

static void nb_lm_display(nb_lm *s, int epoch, double t0, int fails)
{
    const nb_train_record *r = s->r;
    if (!s->display || (r->stop == NB_STOP_NONE && epoch % s->o.show != 0))
        return;
    char mid[64], tail[80] = "";
    snprintf(mid, sizeof mid, ", Mu %g/%g", r->mu[epoch], s->o.mu_max);
    if (s->br)
        snprintf(tail, sizeof tail, ", Gamma %g, SSX %g", r->gamma[epoch], r->ssx[epoch]);
    nb__fb_display(s->out, s->br ? "TRAINBR" : "TRAINLM", r, epoch, &s->lim, nb__now() - t0, mid,
                   fails, tail);
}

static double nb_dot(const double *a, const double *b, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* The epochs (the data and the buffers are set up). */
static int nb_lm_loop(nb_lm *s)
{
    nb_trainlm_opts *o = &s->o;
    nb_train_record *r = s->r;
    const nb_train_data *d = s->d;
    int64_t P = s->P, rows = s->rows;
    double t0 = nb__now();
    for (int64_t i = 0; i < rows; i++)
        s->t[i] = nb__get(d->y, i);
    for (int64_t i = 0; i < P; i++)
        s->X[i] = nb__get(s->params, i);
    double sse, mu = o->mu, ssx = nb_dot(s->X, s->X, P);
    int rc = nb_lm_sse(s, &sse);
    if (rc == 0)
        rc = nb_lm_sets(s, 0);
    if (rc < 0)
        return nb__error_context(s->api, "evaluating the starting point");
    double alpha = 0, beta = 1, gamma = (double)P;
    if (s->br) {
        beta = sse == 0 ? 1 : (s->count - gamma) / (2 * sse);
        if (beta <= 0)
            beta = 1;
        alpha = ssx == 0 ? 1 : gamma / (2 * ssx);
    }
    double F = beta * sse + alpha * ssx; /* what a step must lower (sse for trainlm) */
    r->train_loss[0] = nb_lm_perf(s, sse, s->count);
    memcpy(s->best, s->X, sizeof(double) * (size_t)P);
    double best_v = d->val_x ? r->val_loss[0] : INFINITY;
    int fails = 0;
    double gscale = o->sse ? 2.0 : 2.0 / s->count;
    for (int ep = 0;; ep++) {
        /* the Jacobian and the gradient at the weights of `ep` */
        if ((rc = nb_model_jacobian(s->model, d->x, s->J, s->e)) < 0)
            return nb__error_context(s->api, "epoch %d", ep + 1);
        for (int64_t i = 0; i < rows; i++)
            s->e[i] -= s->t[i];
        if (s->o.parallel) {
            /* Across processes: J'J and J'e as double-double sums, so that
             * their rounded values do not depend on how the rows are split
             * (a plain sum's rounding, amplified by the damped solve, moved
             * the weights by 1e-10 in 8 epochs); the low parts live in A
             * and in the right-hand side's slot, free until the solve. */
            double *jj_lo = s->A, *je_lo = s->work + 5 * P;
            nb__lm_normal(s->J, s->e, rows, P, s->jj, s->je, jj_lo, je_lo);
            if ((rc = nb_lm_sum_pairs(s, s->jj, jj_lo, P * P)) < 0 ||
                (rc = nb_lm_sum_pairs(s, s->je, je_lo, P)) < 0)
                return nb__error_context(s->api, "epoch %d", ep + 1);
            nb__lm_round(s->jj, jj_lo, P * P);
            nb__lm_round(s->je, je_lo, P);
        } else {
            if ((rc = nb_lm_gram(s)) < 0)
                return nb__error_context(s->api, "epoch %d", ep + 1);
            nb__lm_jt(s->J, s->e, rows, P, s->je);
        }
        double g2 = 0;
        for (int64_t i = 0; i < P; i++) {
            double gi = s->br ? 2 * (beta * s->je[i] + alpha * s->X[i]) : gscale * s->je[i];
            g2 += gi * gi;
        }
        r->gradient[ep] = sqrt(g2);
        r->mu[ep] = mu;
        r->grad_norm = r->gradient[ep];
        if (s->br) {
            r->gamma[ep] = gamma;
            r->ssx[ep] = ssx;
            r->alpha[ep] = alpha;
            r->beta[ep] = beta;
        }
        r->epochs = ep;
        if (!d->val_x)
            r->best_epoch = ep;
        /* the callback sees every epoch, the last one too; then MATLAB's stop
         * tests, in its order, and the callback's answer last */
        int user_stop = ep > 0 && o->callback && o->callback(ep, r, o->callback_ctx);
        r->stop = nb__fb_stop(r, ep, &s->lim, mu > o->mu_max, fails, user_stop);
        nb_lm_display(s, ep, t0, fails);
        if (r->stop != NB_STOP_NONE)
            return 0;

        /* Levenberg–Marquardt: raise mu until a step lowers F */
        double *rhs = s->work + 5 * P;
        for (int64_t i = 0; i < P; i++)
            rhs[i] = -(beta * s->je[i] + alpha * s->X[i]);
        bool kept = false;
        double sse2 = sse, ssx2 = ssx;
        int64_t n = s->n;
        while (mu <= o->mu_max) {
            for (int64_t i = 0; i < n * n; i++)
                s->A[i] = beta * s->jj[i];
            for (int64_t i = 0; i < n; i++)
                s->A[i * n + i] += mu + alpha;
            if (nb__cholesky(s->A, n) < 0) {
                if (s->dual) { /* dX = -J' (J J' + mu I)^-1 e (trainlm: beta 1, alpha 0) */
                    nb__cholesky_solve(s->A, n, s->e, s->y);
                    nb__lm_jt(s->J, s->y, rows, P, s->dX);
                    for (int64_t i = 0; i < P; i++)
                        s->dX[i] = -s->dX[i];
                } else {
                    nb__cholesky_solve(s->A, P, rhs, s->dX);
                }
                for (int64_t i = 0; i < P; i++)
                    s->X2[i] = s->X[i] + s->dX[i];
                nb__fb_set(s->params, s->X2);
                if ((rc = nb_lm_sse(s, &sse2)) < 0)
                    return nb__error_context(s->api, "epoch %d", ep + 1);
                ssx2 = nb_dot(s->X2, s->X2, P);
                double F2 = beta * sse2 + alpha * ssx2;
                if (F2 < F) {
                    kept = true;
                    break;
                }
            }
            mu *= o->mu_inc;
        }
        if (kept) {
            memcpy(s->X, s->X2, sizeof(double) * (size_t)P);
            sse = sse2;
            ssx = ssx2;
            mu = fmax(mu * o->mu_dec, 1e-20);
            if (s->br) {
                /* MacKay's updates with jj of this epoch's start */
                for (int64_t i = 0; i < P * P; i++)
                    s->A[i] = beta * s->jj[i];
                for (int64_t i = 0; i < P; i++)
                    s->A[i * P + i] += alpha;
                if (nb__cholesky(s->A, P) < 0)
                    gamma = (double)P - alpha * nb__cholesky_trace_inv(s->A, P, s->work + 6 * P);
                alpha = ssx == 0 ? 1 : gamma / (2 * ssx);
                beta = sse == 0 ? 1 : (s->count - gamma) / (2 * sse);
            }
            F = beta * sse + alpha * ssx;
        } else {
            nb__fb_set(s->params, s->X); /* back to the last kept weights */
        }
        int e1 = ep + 1;
        r->train_loss[e1] = nb_lm_perf(s, sse, s->count);
        if ((rc = nb_lm_sets(s, e1)) < 0)
            return nb__error_context(s->api, "epoch %d", e1);
        if (d->val_x)
            nb__fb_validate(r, e1, &best_v, &r->best_epoch, &fails, s->best, s->X, P);
    }
}

static int nb_lm_run(const char *api, bool br, nb_model *model, const nb_train_data *data,
                     const nb_trainlm_opts *opts, nb_train_record *record)
{
    nb_lm s = {.api = api, .br = br, .model = model, .d = data};
    s.o = opts ? *opts : (nb_trainlm_opts){0};
    nb_train_record local;
    s.r = record ? record : &local;
    memset(s.r, 0, sizeof *s.r);
    int rc = nb__fb_check_data(api, "Levenberg-Marquardt", model, data);
    if (rc == 0)
        rc = nb_lm_opts(api, br, &s.o);
    if (rc < 0)
        return rc;
    s.params = nb_model_params_flat(model);
    if (!s.params)
        return nb__error_context(api, "gathering the parameters");
    s.P = s.params->numel;
    s.rows = data->y->numel;
    /* the J J' form needs every row in one process: not across processes */
    s.dual = !br && !s.o.parallel && s.rows < s.P;
    s.n = s.dual ? s.rows : s.P;
    s.lim = (nb_fb_limits){.epochs = s.o.epochs, .max_fail = s.o.max_fail, .goal = s.o.goal,
                           .min_grad = s.o.min_grad, .has_val = data->val_x != NULL};
    s.out = s.o.out ? s.o.out : stderr;
    s.display = s.o.verbose > 0 || (s.o.verbose == 0 && isatty(fileno(s.out)));
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    if ((rc = nb_lm_alloc_record(&s)) < 0)
        return rc;
    double t0 = nb__now();
    s.scratch = nb_arena_new_opts(&ao);
    rc = s.scratch ? nb_lm_alloc(&s) : nb__error_context(api, "making a scratch arena");
    rc = nb_lm_counts(&s, rc);
    if (rc == 0) {
        /* in evaluation mode throughout (why: fullbatch.c) */
        bool was_training = nb_model_set_training(model, false);
        rc = nb_lm_loop(&s);
        nb_model_set_training(model, was_training);
    }
    if (rc == 0 && data->val_x && s.r->best_epoch != s.r->epochs)
        nb__fb_set(s.params, s.best); /* MATLAB returns the net of the best epoch */
    s.r->seconds = nb__now() - t0;
    nb_lm_free(&s);
    if (rc < 0 || !record)
        nb_train_record_free(s.r);
    if (rc < 0)
        s.r->stop = NB_STOP_NONE;
    return rc;
}

int nb_trainlm(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
               nb_train_record *record)
{
    return nb_lm_run("nb_trainlm", false, model, data, opts, record);
}

int nb_trainbr(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
               nb_train_record *record)
{
    return nb_lm_run("nb_trainbr", true, model, data, opts, record);
}
