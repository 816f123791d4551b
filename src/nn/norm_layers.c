/* The layers that read the model's mode: dropout, batch norm and layer
 * norm, each a user-style layer (nb_model_add_layer) whose context lives in
 * the model's arena.  Their parameters are named layer<k>.weight/.bias and
 * batch norm's running statistics layer<k>.running_mean/.running_var
 * (buffers), k the layer's position counting every layer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nabla/ops.h"
#include "nn/nn_internal.h"

typedef struct nb_dropout_layer {
    double p;
} nb_dropout_layer;

typedef struct nb_norm_layer {
    nb_tensor *weight, *bias;          /* NULL without the affine part */
    nb_tensor *running_mean, *running_var; /* batch norm */
    int ndim;                          /* layer norm: trailing axes normalised */
    int64_t shape[NB_MAX_DIMS];        /* layer norm: their sizes */
    double eps, momentum;
} nb_norm_layer;

static nb_tensor *nb_dropout_fn(nb_model *model, nb_tensor *x, void *ctx)
{
    const nb_dropout_layer *l = ctx;
    return nb_dropout(x, l->p, model->training, &model->rng);
}

static nb_tensor *nb_batch_norm_fn(nb_model *model, nb_tensor *x, void *ctx)
{
    const nb_norm_layer *l = ctx;
    return nb_batch_norm(x, l->running_mean, l->running_var, l->weight, l->bias, model->training,
                         l->momentum, l->eps);
}

static nb_tensor *nb_layer_norm_fn(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    const nb_norm_layer *l = ctx;
    bool fits = x && x->ndim >= l->ndim;
    for (int d = 0; fits && d < l->ndim; d++)
        fits = x->shape[x->ndim - l->ndim + d] == l->shape[d];
    if (x && !fits) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "layer_norm: x is %s but the layer normalises trailing axes %s",
                  nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1),
                  nb__shape_fmt(l->ndim, l->shape, s2, sizeof s2));
        return NULL;
    }
    return nb_layer_norm(x, l->ndim, l->weight, l->bias, l->eps);
}

/* A zeroed context in the model's arena. */
static void *nb_layer_ctx(nb_model *model, size_t size, const char *api)
{
    void *c = nb_arena_alloc(model->arena, size);
    if (!c)
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    else
        memset(c, 0, size);
    return c;
}

/* "layer<k>.<what>" for the layer about to be added. */
static void nb_layer_tensor_name(const nb_model *model, const char *what, char *buf, size_t size)
{
    snprintf(buf, size, "layer%d.%s", model->n_layers + 1, what);
}

/* weight (ones) and bias (zeros) of the given shape, into l. */
static int nb_add_affine(nb_model *model, nb_norm_layer *l, int ndim, const int64_t *shape)
{
    char name[48];
    nb_layer_tensor_name(model, "weight", name, sizeof name);
    l->weight = nb_model_add_param(model, name, ndim, shape);
    nb_layer_tensor_name(model, "bias", name, sizeof name);
    l->bias = l->weight ? nb_model_add_param(model, name, ndim, shape) : NULL;
    if (!l->bias)
        return nb_last_status();
    return nb_tensor_fill(l->weight, 1.0);
}

int nb_model_add_dropout(nb_model *model, double p)
{
    static const char api[] = "nb_model_add_dropout";
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (!(p >= 0 && p < 1))
        return nb__error(NB_ERR_ARG, "%s: p is %g; expected a probability in [0, 1)", api, p);
    nb_dropout_layer *l = nb_layer_ctx(model, sizeof *l, api);
    if (!l)
        return NB_ERR_NOMEM;
    l->p = p;
    return nb_model_add_layer(model, "dropout", nb_dropout_fn, l);
}

int nb_model_add_batch_norm(nb_model *model, int64_t features, const nb_batch_norm_opts *opts)
{
    static const char api[] = "nb_model_add_batch_norm";
    nb_batch_norm_opts o = opts ? *opts : (nb_batch_norm_opts){0};
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (features < 1)
        return nb__error(NB_ERR_ARG, "%s: features is %lld; expected >= 1 (the channels, axis 1 "
                         "of the input)", api, (long long)features);
    if (!(o.eps >= 0 && isfinite(o.eps)) || !(o.momentum >= 0 && o.momentum <= 1))
        return nb__error(NB_ERR_ARG, "%s: eps %g, momentum %g; expected eps > 0 and momentum in "
                         "(0, 1] (0 for the defaults 1e-5 and 0.1)", api, o.eps, o.momentum);
    nb_norm_layer *l = nb_layer_ctx(model, sizeof *l, api);
    if (!l)
        return NB_ERR_NOMEM;
    l->eps = o.eps ? o.eps : 1e-5;
    l->momentum = o.momentum ? o.momentum : 0.1;
    int rc = o.no_affine ? 0 : nb_add_affine(model, l, 1, &features);
    if (rc < 0)
        return rc;
    char name[48];
    nb_layer_tensor_name(model, "running_mean", name, sizeof name);
    l->running_mean = nb_model_add_buffer(model, name, 1, &features);
    nb_layer_tensor_name(model, "running_var", name, sizeof name);
    l->running_var = l->running_mean ? nb_model_add_buffer(model, name, 1, &features) : NULL;
    if (!l->running_var || nb_tensor_fill(l->running_var, 1.0) < 0)
        return nb_last_status();
    return nb_model_add_layer(model, "batch_norm", nb_batch_norm_fn, l);
}

int nb_model_add_layer_norm(nb_model *model, int ndim, const int64_t *shape,
                            const nb_layer_norm_opts *opts)
{
    static const char api[] = "nb_model_add_layer_norm";
    nb_layer_norm_opts o = opts ? *opts : (nb_layer_norm_opts){0};
    if (!model || !shape)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "shape");
    if (ndim < 1 || ndim > NB_MAX_DIMS)
        return nb__error(NB_ERR_ARG, "%s: ndim is %d; expected 1..%d trailing axes", api, ndim,
                         NB_MAX_DIMS);
    for (int d = 0; d < ndim; d++)
        if (shape[d] < 1)
            return nb__error(NB_ERR_ARG, "%s: shape[%d] is %lld; sizes must be >= 1", api, d,
                             (long long)shape[d]);
    if (!(o.eps >= 0 && isfinite(o.eps)))
        return nb__error(NB_ERR_ARG, "%s: eps is %g; expected a finite eps > 0 (0 for the "
                         "default 1e-5)", api, o.eps);
    nb_norm_layer *l = nb_layer_ctx(model, sizeof *l, api);
    if (!l)
        return NB_ERR_NOMEM;
    l->eps = o.eps ? o.eps : 1e-5;
    l->ndim = ndim;
    memcpy(l->shape, shape, sizeof shape[0] * (size_t)ndim);
    int rc = o.no_affine ? 0 : nb_add_affine(model, l, ndim, shape);
    if (rc < 0)
        return rc;
    return nb_model_add_layer(model, "layer_norm", nb_layer_norm_fn, l);
}
