/* Resilient backpropagation as in MATLAB's trainrp (Riedmiller & Braun
 * 1993, without weight backtracking): per scalar,
 *   s = g * g_prev;  delta *= (s > 0 ? inc : s < 0 ? dec : 1);
 *   delta = clamp(delta, deltamin, deltamax);  p -= sign(g) delta;  g_prev = g
 * trainrp's defaults: delta0 0.07, delt_inc 1.2, delt_dec 0.5, deltamax 50. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "optim/optim_internal.h"

#define NB_RPROP_LOOP(T)                                                                      \
    do {                                                                                     \
        T *p = pv, *delta = opt->state[0], *gprev = opt->state[1];                           \
        const T *g = gv;                                                                     \
        const T inc = (T)opt->delt_inc, dec = (T)opt->delt_dec;                              \
        const T dmax = (T)opt->deltamax, dmin = (T)opt->deltamin;                            \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T s = g[i] * gprev[i];                                                           \
            T d = delta[i] * (s > 0 ? inc : s < 0 ? dec : (T)1);                             \
            d = d > dmax ? dmax : d < dmin ? dmin : d;                                       \
            delta[i] = d;                                                                    \
            p[i] -= g[i] > 0 ? d : g[i] < 0 ? -d : (T)0;                                     \
            gprev[i] = g[i];                                                                 \
        }                                                                                    \
    } while (0)

static void nb_rprop_update(nb_optim *opt, int64_t n, void *pv, const void *gv)
{
    if (opt->dtype == NB_F32)
        NB_RPROP_LOOP(float);
    else
        NB_RPROP_LOOP(double);
}

nb_optim *nb_rprop_new(nb_model *model, const nb_rprop_opts *opts)
{
    static const char api[] = "nb_rprop_new";
    nb_rprop_opts o = opts ? *opts : (nb_rprop_opts){0};
    double d0 = o.delta0 ? o.delta0 : 0.07, inc = o.delt_inc ? o.delt_inc : 1.2;
    double dec = o.delt_dec ? o.delt_dec : 0.5, dmax = o.deltamax ? o.deltamax : 50.0;
    if (nb__check_opt(api, "delta0", d0, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "delt_inc", inc, 1, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "delt_dec", dec, 0, 1, "()") < 0 ||
        nb__check_opt(api, "deltamax", dmax, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "deltamin", o.deltamin, 0, dmax, "[]") < 0)
        return NULL;
    /* delta0 is needed before the state is filled: pass it through a
     * zero-state make, then initialise. */
    nb_optim *opt = nb__optim_new(api, model, NB_OPT_RPROP, "rprop", 2, nb_rprop_update);
    if (!opt)
        return NULL;
    opt->delta0 = d0;
    opt->delt_inc = inc;
    opt->delt_dec = dec;
    opt->deltamax = dmax;
    opt->deltamin = o.deltamin;
    nb__optim_init_state(opt);
    return opt;
}
