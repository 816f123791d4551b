/* The model object: its arena, its RNG, and the sequential stack of layers
 * that nb_model_forward runs (a layer may be a block, with a stack of its
 * own: block.c).  Every layer's forward is made of ops, so the
 * whole forward pass is recorded and nb_backward differentiates it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/autograd.h"
#include "nabla/ops.h"
#include "nn/nn_internal.h"

nb_model *nb_model_new(const nb_model_opts *opts)
{
    nb_model_opts o = opts ? *opts : (nb_model_opts){0};
    if (o.dtype != NB_F32 && o.dtype != NB_F64) {
        nb__error(NB_ERR_DTYPE, "nb_model_new: unknown dtype %d (expected NB_F32 or NB_F64)",
                  (int)o.dtype);
        return NULL;
    }
    nb_arena_opts ao = {.chunk_bytes = o.arena_bytes ? o.arena_bytes : 64 * 1024,
                        .allocator = o.allocator};
    nb_arena *arena = nb_arena_new_opts(&ao);
    if (!arena)
        return NULL;
    nb_model *model = nb_arena_alloc(arena, sizeof *model);
    if (!model) {
        nb_arena_free(arena);
        return NULL;
    }
    memset(model, 0, sizeof *model);
    model->arena = arena;
    model->root = model;
    model->dtype = o.dtype;
    model->training = true;
    if (o.allocator) {
        model->allocator = *o.allocator;
        model->has_allocator = true;
    }
    nb_rng_seed(&model->rng, o.seed);
    return model;
}

void nb_model_free(nb_model *model)
{
    if (model && !model->parent) /* a block lives in its root's arena */
        nb_arena_free(model->arena); /* the model itself lives in it */
}

nb_arena *nb_model_arena(const nb_model *model) { return model ? model->arena : NULL; }
nb_dtype nb_model_dtype(const nb_model *model) { return model ? model->dtype : NB_F32; }
nb_rng *nb_model_rng(nb_model *model) { return model ? &model->root->rng : NULL; }
int nb_model_num_layers(const nb_model *model) { return model ? model->n_layers : -1; }

const nb_allocator *nb_model_allocator(const nb_model *model)
{
    return model && model->root->has_allocator ? &model->root->allocator : NULL;
}

char *nb__model_full_name(nb_model *model, const char *name)
{
    size_t np = model->prefix ? strlen(model->prefix) + 1 : 0, n = strlen(name) + 1;
    char *c = nb_arena_alloc(model->arena, np + n);
    if (!c)
        return NULL;
    if (np) {
        memcpy(c, model->prefix, np - 1);
        c[np - 1] = '.';
    }
    memcpy(c + np, name, n);
    return c;
}

void *nb__model_grow(nb_model *model, void *items, int n, int *cap, size_t size, int first)
{
    if (n < *cap)
        return items;
    int room = *cap ? *cap * 2 : first;
    void *grown = nb_arena_alloc(model->arena, size * (size_t)room);
    if (!grown)
        return NULL;
    if (n)
        memcpy(grown, items, size * (size_t)n);
    *cap = room;
    return grown;
}

static nb_layer *nb_layer_push(nb_model *model)
{
    nb_layer *layers = nb__model_grow(model, model->layers, model->n_layers, &model->cap_layers,
                                      sizeof *layers, 8);
    if (!layers)
        return NULL;
    model->layers = layers;
    nb_layer *l = &model->layers[model->n_layers];
    memset(l, 0, sizeof *l);
    return l;
}

static int nb_check_act(const char *api, nb_activation act)
{
    if ((int)act < 0 || act >= NB_ACT_COUNT_)
        return nb__error(NB_ERR_ARG, "%s: unknown activation %d (use an NB_ACT_* value, e.g. "
                         "NB_ACT_TANSIG)", api, (int)act);
    return 0;
}

int nb_model_add_linear(nb_model *model, int64_t in, int64_t out, nb_activation act, nb_init init)
{
    static const char api[] = "nb_model_add_linear";
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (in < 1 || out < 1)
        return nb__error(NB_ERR_ARG, "%s: layer sizes must be >= 1 (got in = %lld, out = %lld)",
                         api, (long long)in, (long long)out);
    if (model->last_out && in != model->last_out)
        return nb__error(NB_ERR_SHAPE,
                         "%s: this layer takes %lld inputs but the previous linear layer has %lld "
                         "outputs", api, (long long)in, (long long)model->last_out);
    if (nb_check_act(api, act) < 0)
        return nb_last_status();
    if ((int)init < NB_INIT_DEFAULT || init > NB_INIT_ZEROS)
        return nb__error(NB_ERR_ARG, "%s: unknown initialiser %d", api, (int)init);
    char name[64], wname[80], bname[80];
    /* named by position among all layers (activation and user layers count);
     * in a block, the registry puts the block's name in front */
    snprintf(name, sizeof name, "layer%d", model->n_layers + 1);
    snprintf(wname, sizeof wname, "%s.weight", name);
    snprintf(bname, sizeof bname, "%s.bias", name);
    nb_tensor *W = nb_model_add_param(model, wname, 2, (const int64_t[]){in, out});
    nb_tensor *b = W ? nb_model_add_param(model, bname, 1, &out) : NULL;
    if (!b)
        return nb_last_status();
    int rc = nb_init_apply(init, W, b, nb_model_rng(model));
    if (rc < 0)
        return rc;
    nb_layer *l = nb_layer_push(model);
    char *lname = nb__model_full_name(model, name);
    if (!l || !lname)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    l->kind = NB_LAYER_LINEAR;
    l->name = lname;
    l->weight = W;
    l->bias = b;
    l->act = act;
    model->n_linear++;
    model->last_out = out;
    return model->n_layers++;
}

int nb_model_add_activation(nb_model *model, nb_activation act)
{
    static const char api[] = "nb_model_add_activation";
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (nb_check_act(api, act) < 0)
        return nb_last_status();
    nb_layer *l = nb_layer_push(model);
    const char *lname = model->parent ? nb__model_full_name(model, nb_activation_name(act))
                                      : nb_activation_name(act);
    if (!l || !lname)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    l->kind = NB_LAYER_ACTIVATION;
    l->name = lname;
    l->act = act;
    return model->n_layers++;
}

int nb_model_add_layer(nb_model *model, const char *name, nb_layer_fn fn, void *ctx)
{
    static const char api[] = "nb_model_add_layer";
    if (!model || !fn)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "fn");
    nb_layer *l = nb_layer_push(model);
    char *lname = nb__model_full_name(model, name ? name : "custom");
    if (!l || !lname)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    l->kind = NB_LAYER_CUSTOM;
    l->name = lname;
    l->fn = fn;
    l->ctx = ctx;
    return model->n_layers++;
}

/* The layers of `model` on x, one after another (checks done). */
static nb_tensor *nb_model_run(nb_model *model, nb_tensor *x, const char *api)
{
    nb_tensor *h = x;
    for (int i = 0; i < model->n_layers; i++) {
        const nb_layer *l = &model->layers[i];
        /* the layer's nodes carry its name, for pictures that group them */
        const char *outer = nb_set_scope(l->name);
        switch (l->kind) {
        case NB_LAYER_LINEAR:
            h = nb_activate(l->act, nb_add(nb_matmul(h, l->weight), l->bias));
            break;
        case NB_LAYER_ACTIVATION:
            h = nb_activate(l->act, h);
            break;
        case NB_LAYER_CUSTOM:
            h = l->fn(model, h, l->ctx);
            break;
        case NB_LAYER_BLOCK: /* its function, given the block, or its own layers */
            h = l->fn ? l->fn(l->child, h, l->ctx) : nb_model_forward(l->child, h);
            break;
        }
        nb_set_scope(outer);
        if (!h) {
            if (!nb__error_pending())
                nb__error(NB_ERR_ARG, "%s: layer %d ('%s') returned NULL", api, i + 1, l->name);
            return NULL;
        }
        if (model->root->probe)
            model->root->probe(model->root->probe_ctx, model, i, h);
    }
    return h;
}

nb_tensor *nb_model_forward(nb_model *model, nb_tensor *x)
{
    static const char api[] = "nb_model_forward";
    char s1[96];
    if (!model) {
        nb__error(NB_ERR_NULL, "%s: model is NULL", api);
        return NULL;
    }
    if (nb__check_tensor(x, api, "x") < 0)
        return NULL;
    if (model->parent && !model->parent->running) {
        /* its parameters are gathered, and its layers shown, by the model's pass */
        nb__error(NB_ERR_STATE, "%s: '%s' is a block of a model and runs only inside its "
                  "parent's forward pass (call nb_model_forward on the model; a layer of the "
                  "parent runs the block)", api, model->prefix);
        return NULL;
    }
    if (model->n_layers == 0) {
        if (model->parent)
            nb__error(NB_ERR_STATE, "%s: block '%s' has no layers", api, model->prefix);
        else
            nb__error(NB_ERR_STATE, "%s: the model has no layers", api);
        return NULL;
    }
    if (x->dtype != model->dtype) {
        nb__error(NB_ERR_DTYPE, "%s: x is %s but the model's parameters are %s (convert the data, "
                  "or build the model with .dtype = %s)", api, nb_dtype_name(x->dtype),
                  nb_dtype_name(model->dtype), x->dtype == NB_F64 ? "NB_F64" : "NB_F32");
        return NULL;
    }
    const nb_layer *first = &model->layers[0];
    if (first->kind == NB_LAYER_LINEAR &&
        (x->ndim != 2 || x->shape[1] != first->weight->shape[0])) {
        char where[160] = "the first layer";
        if (model->parent)
            snprintf(where, sizeof where, "the first layer of block '%s' ('%s')", model->prefix,
                     first->name);
        nb__error(NB_ERR_SHAPE, "%s: x is %s but %s expects N x %lld (one sample per row, %lld "
                  "inputs)%s", api, nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1), where,
                  (long long)first->weight->shape[0], (long long)first->weight->shape[0],
                  x->ndim == 2 && x->shape[0] == first->weight->shape[0] ? "; transpose x?" : "");
        return NULL;
    }
    if (!model->parent && model->n_params && nb__model_gather(model, api) < 0)
        return NULL;
    model->running++;
    nb_tensor *h = nb_model_run(model, x, api);
    model->running--;
    return h;
}
