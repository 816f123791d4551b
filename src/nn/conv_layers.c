/* Convolution, pooling and flatten layers (nabla/nn_conv.h), built on the
 * public user-layer API: each layer's settings live in the model's arena
 * (so they last as long as the model) and its forward is made of ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>

#include "core/error_internal.h"
#include "core/tensor_internal.h" /* nb__shape_fmt */
#include "nabla/arena.h"
#include "nabla/nn_conv.h"
#include "nabla/ops.h"
#include "nabla/rng.h"

typedef struct nb_conv_layer {
    nb_tensor *weight, *bias;
    nb_conv2d_opts opts;
    nb_activation act;
    int64_t in_channels;
    int index; /* 1-based, for messages */
} nb_conv_layer;

typedef struct nb_pool_layer {
    int64_t kh, kw;
    nb_pool2d_opts opts;
    bool max;
} nb_pool_layer;

static nb_tensor *nb_conv_layer_forward(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    const nb_conv_layer *l = ctx;
    if (x && (nb_tensor_ndim(x) != 4 || nb_tensor_shape(x)[1] != l->in_channels)) {
        char s[96];
        nb__error(NB_ERR_SHAPE,
                  "nb_model_forward: layer %d (conv2d) takes images (N, %lld, H, W) but x is "
                  "%s", l->index, (long long)l->in_channels,
                  nb__shape_fmt(nb_tensor_ndim(x), nb_tensor_shape(x), s, sizeof s));
        return NULL;
    }
    return nb_activate(l->act, nb_conv2d(x, l->weight, l->bias, &l->opts));
}

static nb_tensor *nb_pool_layer_forward(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model;
    const nb_pool_layer *l = ctx;
    return l->max ? nb_max_pool2d(x, l->kh, l->kw, &l->opts)
                  : nb_avg_pool2d(x, l->kh, l->kw, &l->opts);
}

static nb_tensor *nb_flatten_layer_forward(nb_model *model, nb_tensor *x, void *ctx)
{
    (void)model, (void)ctx;
    return nb_flatten(x, 1);
}

/* Fill t with values uniform in [-a, a) or normal with deviation a. */
static void nb_fill_random(nb_tensor *t, nb_rng *rng, double a, bool normal)
{
    int64_t n = nb_tensor_numel(t);
    for (int64_t i = 0; i < n; i++) {
        double v = normal ? a * nb_rng_normal(rng) : a * (2 * nb_rng_uniform(rng) - 1);
        if (nb_tensor_dtype(t) == NB_F32)
            nb_tensor_data_f32(t)[i] = (float)v;
        else
            nb_tensor_data_f64(t)[i] = v;
    }
    nb_tensor_bump_version(t);
}

static int nb_conv_init(nb_init init, nb_tensor *w, nb_tensor *b, nb_rng *rng, double fan_in,
                        double fan_out)
{
    switch (init) {
    case NB_INIT_DEFAULT: /* PyTorch: kaiming_uniform(a = sqrt 5), i.e. ±1/sqrt(fan_in) */
        nb_fill_random(w, rng, 1 / sqrt(fan_in), false);
        nb_fill_random(b, rng, 1 / sqrt(fan_in), false);
        return 0;
    case NB_INIT_XAVIER_UNIFORM:
        nb_fill_random(w, rng, sqrt(6 / (fan_in + fan_out)), false);
        break;
    case NB_INIT_XAVIER_NORMAL:
        nb_fill_random(w, rng, sqrt(2 / (fan_in + fan_out)), true);
        break;
    case NB_INIT_HE_UNIFORM:
        nb_fill_random(w, rng, sqrt(6 / fan_in), false);
        break;
    case NB_INIT_HE_NORMAL:
        nb_fill_random(w, rng, sqrt(2 / fan_in), true);
        break;
    default: /* NB_INIT_ZEROS: the parameters start zero */
        break;
    }
    return 0;
}

int nb_model_add_conv2d(nb_model *model, int64_t in_channels, int64_t out_channels, int64_t kh,
                        int64_t kw, const nb_conv2d_opts *opts, nb_activation act, nb_init init)
{
    static const char api[] = "nb_model_add_conv2d";
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    nb_conv2d_opts o = opts ? *opts : (nb_conv2d_opts){0};
    int64_t groups = o.groups ? o.groups : 1;
    if (in_channels < 1 || out_channels < 1 || kh < 1 || kw < 1 || groups < 1 ||
        in_channels % groups || out_channels % groups)
        return nb__error(NB_ERR_ARG,
                         "%s: need channels and kernel sizes >= 1 and groups dividing both "
                         "channel counts (got in %lld, out %lld, kernel %lldx%lld, groups %lld)",
                         api, (long long)in_channels, (long long)out_channels, (long long)kh,
                         (long long)kw, (long long)groups);
    if (init == NB_INIT_NGUYEN_WIDROW || (int)init < NB_INIT_DEFAULT || init > NB_INIT_ZEROS)
        return nb__error(NB_ERR_ARG,
                         "%s: initialiser %d cannot start a convolution; use NB_INIT_DEFAULT "
                         "(PyTorch's), NB_INIT_HE_*, NB_INIT_XAVIER_* or NB_INIT_ZEROS",
                         api, (int)init);
    if ((int)act < 0 || act >= NB_ACT_COUNT_)
        return nb__error(NB_ERR_ARG, "%s: unknown activation %d (use an NB_ACT_* value, e.g. "
                         "NB_ACT_RELU)", api, (int)act);
    int k = nb_model_num_layers(model) + 1;
    char wname[48], bname[48];
    snprintf(wname, sizeof wname, "layer%d.weight", k);
    snprintf(bname, sizeof bname, "layer%d.bias", k);
    nb_conv_layer *l = nb_arena_alloc(nb_model_arena(model), sizeof *l);
    if (!l)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    l->weight = nb_model_add_param(model, wname, 4,
                                   (const int64_t[]){out_channels, in_channels / groups, kh, kw});
    l->bias = l->weight ? nb_model_add_param(model, bname, 1, &out_channels) : NULL;
    if (!l->bias)
        return nb_last_status();
    double taps = (double)(kh * kw);
    nb_conv_init(init, l->weight, l->bias, nb_model_rng(model), in_channels / groups * taps,
                 out_channels / groups * taps);
    l->opts = o;
    l->act = act;
    l->in_channels = in_channels;
    l->index = k;
    return nb_model_add_layer(model, "conv2d", nb_conv_layer_forward, l);
}

static int nb_add_pool(nb_model *model, const char *api, int64_t kh, int64_t kw,
                       const nb_pool2d_opts *opts, bool max)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (kh < 1 || kw < 1)
        return nb__error(NB_ERR_ARG, "%s: kernel size %lldx%lld must be at least 1x1", api,
                         (long long)kh, (long long)kw);
    nb_pool_layer *l = nb_arena_alloc(nb_model_arena(model), sizeof *l);
    if (!l)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    *l = (nb_pool_layer){.kh = kh, .kw = kw, .max = max};
    if (opts)
        l->opts = *opts;
    return nb_model_add_layer(model, max ? "max_pool2d" : "avg_pool2d", nb_pool_layer_forward, l);
}

int nb_model_add_max_pool2d(nb_model *model, int64_t kh, int64_t kw, const nb_pool2d_opts *opts)
{
    return nb_add_pool(model, "nb_model_add_max_pool2d", kh, kw, opts, true);
}

int nb_model_add_avg_pool2d(nb_model *model, int64_t kh, int64_t kw, const nb_pool2d_opts *opts)
{
    return nb_add_pool(model, "nb_model_add_avg_pool2d", kh, kw, opts, false);
}

int nb_model_add_flatten(nb_model *model)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "nb_model_add_flatten: model is NULL");
    return nb_model_add_layer(model, "flatten", nb_flatten_layer_forward, NULL);
}
