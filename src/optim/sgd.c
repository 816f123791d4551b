/* Stochastic gradient descent with optional momentum (heavy ball or
 * Nesterov), dampening and L2 weight decay, in PyTorch's formulation:
 *   g = grad + wd p;  buf = g (first step) or mu buf + (1 - d) g;
 *   step = nesterov ? g + mu buf : buf (or g without momentum);  p -= lr step */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "optim/optim_internal.h"

/* The update loops must be vector code (they touch every parameter every
 * step); -O2 alone skips loops of unknown length, so ask OpenMP's simd.
 * p, g and buf are distinct buffers (model params, model grads, own state). */
#ifdef _OPENMP
#define NB_SGD_SIMD _Pragma("omp simd")
#else
#define NB_SGD_SIMD
#endif

#define NB_SGD_LOOP(T)                                                                       \
    do {                                                                                     \
        T *restrict p = pv, *restrict buf = opt->state[0];                                   \
        const T *restrict g = gv;                                                            \
        const T lr = (T)opt->lr, wd = (T)opt->weight_decay, mu = (T)opt->momentum;           \
        const T damp = (T)(1.0 - opt->dampening);                                            \
        const int first = opt->t == 1, nesterov = opt->nesterov;                             \
        if (mu == 0) {                                                                       \
            NB_SGD_SIMD                                                                      \
            for (int64_t i = 0; i < n; i++)                                                  \
                p[i] -= lr * (g[i] + wd * p[i]);                                             \
            break;                                                                           \
        }                                                                                    \
        NB_SGD_SIMD                                                                          \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T gi = g[i] + wd * p[i];                                                         \
            T b = first ? gi : mu * buf[i] + damp * gi;                                      \
            buf[i] = b;                                                                      \
            p[i] -= lr * (nesterov ? gi + mu * b : b);                                       \
        }                                                                                    \
    } while (0)

static void nb_sgd_update(nb_optim *opt, int64_t n, void *pv, const void *gv)
{
    if (opt->dtype == NB_F32)
        NB_SGD_LOOP(float);
    else
        NB_SGD_LOOP(double);
}

nb_optim *nb_sgd_new(nb_model *model, const nb_sgd_opts *opts)
{
    static const char api[] = "nb_sgd_new";
    nb_sgd_opts o = opts ? *opts : (nb_sgd_opts){0};
    double lr = o.lr ? o.lr : 0.01;
    if (nb__check_opt(api, "lr", lr, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "momentum", o.momentum, 0, 1, "[)") < 0 ||
        nb__check_opt(api, "dampening", o.dampening, 0, 1, "[]") < 0 ||
        nb__check_opt(api, "weight_decay", o.weight_decay, 0, INFINITY, "[)") < 0)
        return NULL;
    if (o.nesterov && (o.momentum == 0 || o.dampening != 0)) {
        nb__error(NB_ERR_ARG, "%s: Nesterov momentum needs momentum > 0 and no dampening", api);
        return NULL;
    }
    nb_optim *opt = nb__optim_new(api, model, NB_OPT_SGD, "sgd", 1, nb_sgd_update);
    if (!opt)
        return NULL;
    opt->lr = lr;
    opt->momentum = o.momentum;
    opt->dampening = o.dampening;
    opt->nesterov = o.nesterov;
    opt->weight_decay = o.weight_decay;
    return opt;
}
