/* Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019):
 *   AdamW: p -= lr wd p;  Adam: g += wd p
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²
 *   p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)
 * Bias corrections are computed once per step in double. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "optim/optim_internal.h"

#define NB_ADAM_LOOP(T, SQRT)                                                                 \
    do {                                                                                     \
        T *p = pv, *m = opt->state[0], *v = opt->state[1];                                   \
        const T *g = gv;                                                                     \
        const T b1 = (T)opt->beta1, b2 = (T)opt->beta2, eps = (T)opt->eps;                   \
        const T step = (T)(opt->lr / (1.0 - pow(opt->beta1, (double)opt->t)));               \
        const T inv_bc2 = (T)(1.0 / sqrt(1.0 - pow(opt->beta2, (double)opt->t)));            \
        const T l2 = decoupled ? 0 : (T)opt->weight_decay;                                   \
        const T shrink = decoupled ? (T)(1.0 - opt->lr * opt->weight_decay) : 1;             \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T gi = g[i] + l2 * p[i];                                                         \
            m[i] = b1 * m[i] + (1 - b1) * gi;                                                \
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;                                           \
            p[i] = shrink * p[i] - step * m[i] / (SQRT(v[i]) * inv_bc2 + eps);               \
        }                                                                                    \
    } while (0)

static void nb_adam_update(nb_optim *opt, int64_t n, void *pv, const void *gv)
{
    const int decoupled = opt->kind == NB_OPT_ADAMW;
    if (opt->dtype == NB_F32)
        NB_ADAM_LOOP(float, sqrtf);
    else
        NB_ADAM_LOOP(double, sqrt);
}

static nb_optim *nb_adam_make(const char *api, nb_model *model, const nb_adam_opts *opts,
                              nb_optim_kind kind, const char *name)
{
    nb_adam_opts o = opts ? *opts : (nb_adam_opts){0};
    double lr = o.lr ? o.lr : 1e-3, beta1 = o.beta1 ? o.beta1 : 0.9;
    double beta2 = o.beta2 ? o.beta2 : 0.999, eps = o.eps ? o.eps : 1e-8;
    if (nb__check_opt(api, "lr", lr, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "beta1", beta1, 0, 1, "[)") < 0 ||
        nb__check_opt(api, "beta2", beta2, 0, 1, "[)") < 0 ||
        nb__check_opt(api, "eps", eps, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "weight_decay", o.weight_decay, 0, INFINITY, "[)") < 0)
        return NULL;
    nb_optim *opt = nb__optim_new(api, model, kind, name, 2, nb_adam_update);
    if (!opt)
        return NULL;
    opt->lr = lr;
    opt->beta1 = beta1;
    opt->beta2 = beta2;
    opt->eps = eps;
    opt->weight_decay = o.weight_decay;
    return opt;
}

nb_optim *nb_adam_new(nb_model *model, const nb_adam_opts *opts)
{
    return nb_adam_make("nb_adam_new", model, opts, NB_OPT_ADAM, "adam");
}

nb_optim *nb_adamw_new(nb_model *model, const nb_adam_opts *opts)
{
    return nb_adam_make("nb_adamw_new", model, opts, NB_OPT_ADAMW, "adamw");
}
