/* The classic BP network (MATLAB newff/feedforwardnet): a stack of linear
 * layers with a transfer function each, tansig hidden and purelin output by
 * default, initialised with Nguyen–Widrow. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nn/nn_internal.h"

nb_model *nb_bpnet_new(const int64_t *sizes, int n_sizes, const nb_activation *acts,
                       const nb_bpnet_opts *opts)
{
    static const char api[] = "nb_bpnet_new";
    if (!sizes) {
        nb__error(NB_ERR_NULL, "%s: sizes is NULL", api);
        return NULL;
    }
    if (n_sizes < 2) {
        nb__error(NB_ERR_ARG, "%s: need at least 2 sizes (inputs and outputs), got %d", api,
                  n_sizes);
        return NULL;
    }
    for (int i = 0; i < n_sizes; i++)
        if (sizes[i] < 1) {
            nb__error(NB_ERR_ARG, "%s: sizes[%d] is %lld; every layer size must be >= 1", api, i,
                      (long long)sizes[i]);
            return NULL;
        }
    for (int i = 0; acts && i < n_sizes - 1; i++)
        if ((int)acts[i] < 0 || acts[i] >= NB_ACT_COUNT_) {
            nb__error(NB_ERR_ARG, "%s: acts[%d] is %d, not a known transfer function (use "
                      "NB_ACT_TANSIG, NB_ACT_LOGSIG, NB_ACT_PURELIN, ...)", api, i, (int)acts[i]);
            return NULL;
        }
    nb_bpnet_opts o = opts ? *opts : (nb_bpnet_opts){0};
    nb_model_opts mo = {.dtype = o.dtype, .seed = o.seed, .allocator = o.allocator};
    nb_model *model = nb_model_new(&mo);
    if (!model)
        return NULL;
    for (int i = 0; i + 1 < n_sizes; i++) {
        nb_activation act = acts ? acts[i] : (i + 2 == n_sizes ? NB_ACT_PURELIN : NB_ACT_TANSIG);
        if (nb_model_add_linear(model, sizes[i], sizes[i + 1], act, o.init) < 0) {
            nb_model_free(model);
            return NULL;
        }
    }
    if (nb__model_gather(model, api) < 0) {
        nb_model_free(model);
        return NULL;
    }
    return model;
}
