/* Resilient backpropagation as in MATLAB's trainrp (Riedmiller & Braun
 * 1993, without weight backtracking): per scalar,
 *   s = g * g_prev;  delta *= (s > 0 ? inc : s < 0 ? dec : 1);
 *   delta = clamp(delta, deltamin, deltamax);  p -= sign(g) delta;  g_prev = g
 * trainrp's defaults: delta0 0.07, delt_inc 1.2, delt_dec 0.5, deltamax 50. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

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
    if (opt->model->dtype == NB_F32)
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
    if (d0 < 0 || inc < 1 || dec <= 0 || dec >= 1 || dmax <= 0 || o.deltamin < 0 ||
        o.deltamin > dmax) {
        nb__error(NB_ERR_ARG, "%s: options out of range (delta0 %g > 0, delt_inc %g >= 1, "
                  "delt_dec %g in (0, 1), deltamax %g > 0, deltamin %g in [0, deltamax])", api,
                  d0, inc, dec, dmax, o.deltamin);
        return NULL;
    }
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
