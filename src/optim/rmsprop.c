/* RMSprop (Hinton's lecture notes; PyTorch's formulation):
 *   g += wd p;  v = a v + (1 - a) g²;  (centred: c = a c + (1 - a) g, v - c²)
 *   s = g / (sqrt(v) + eps);  momentum: buf = mu buf + s, p -= lr buf;  else p -= lr s */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "optim/optim_internal.h"

#define NB_RMSPROP_LOOP(T, SQRT)                                                              \
    do {                                                                                     \
        T *p = pv, *v = opt->state[0], *buf = opt->state[1], *c = opt->state[2];             \
        const T *g = gv;                                                                     \
        const T a = (T)opt->alpha, eps = (T)opt->eps, lr = (T)opt->lr;                       \
        const T wd = (T)opt->weight_decay, mu = (T)opt->momentum;                            \
        const int centered = opt->centered;                                                  \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T gi = g[i] + wd * p[i];                                                         \
            v[i] = a * v[i] + (1 - a) * gi * gi;                                             \
            T var = v[i];                                                                    \
            if (centered) {                                                                  \
                c[i] = a * c[i] + (1 - a) * gi;                                              \
                var -= c[i] * c[i];                                                          \
                if (var < 0)                                                                 \
                    var = 0;                                                                 \
            }                                                                                \
            T s = gi / (SQRT(var) + eps);                                                    \
            if (mu > 0) {                                                                    \
                buf[i] = mu * buf[i] + s;                                                    \
                s = buf[i];                                                                  \
            }                                                                                \
            p[i] -= lr * s;                                                                  \
        }                                                                                    \
    } while (0)

static void nb_rmsprop_update(nb_optim *opt, int64_t n, void *pv, const void *gv)
{
    if (opt->dtype == NB_F32)
        NB_RMSPROP_LOOP(float, sqrtf);
    else
        NB_RMSPROP_LOOP(double, sqrt);
}

nb_optim *nb_rmsprop_new(nb_model *model, const nb_rmsprop_opts *opts)
{
    static const char api[] = "nb_rmsprop_new";
    nb_rmsprop_opts o = opts ? *opts : (nb_rmsprop_opts){0};
    double lr = o.lr ? o.lr : 0.01, alpha = o.alpha ? o.alpha : 0.99, eps = o.eps ? o.eps : 1e-8;
    if (nb__check_opt(api, "lr", lr, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "alpha", alpha, 0, 1, "[)") < 0 ||
        nb__check_opt(api, "eps", eps, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "momentum", o.momentum, 0, 1, "[)") < 0 ||
        nb__check_opt(api, "weight_decay", o.weight_decay, 0, INFINITY, "[)") < 0)
        return NULL;
    nb_optim *opt = nb__optim_new(api, model, NB_OPT_RMSPROP, "rmsprop", 3, nb_rmsprop_update);
    if (!opt)
        return NULL;
    opt->lr = lr;
    opt->alpha = alpha;
    opt->eps = eps;
    opt->momentum = o.momentum;
    opt->weight_decay = o.weight_decay;
    opt->centered = o.centered;
    return opt;
}
