/* The state carrier of truncated BPTT: the last (h, c) of a sequence layer's
 * forward, kept as plain values in an arena of the state's own so that they
 * outlive the step arena the forward ran in, and handed to the next forward
 * as copies with no graph (which is where backward then stops). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "core/error_internal.h"
#include "core/tensor_internal.h"
#include "nabla/autograd.h"
#include "nn/nn_internal.h"
#include "nn/rnn_internal.h"

struct nb_rnn_state {
    nb_rnn_layer *layer;   /* the layer it is attached to (NULL once detached) */
    nb_arena *arena;       /* holds h and c */
    nb_tensor *h, *c;      /* NULL while empty */
    nb_allocator allocator;
    bool has_allocator;
};

nb_rnn_state *nb_rnn_state_new(nb_model *model, int layer)
{
    static const char api[] = "nb_rnn_state_new";
    if (!model) {
        nb__error(NB_ERR_NULL, "%s: model is NULL", api);
        return NULL;
    }
    if (layer < 0 || layer >= model->n_layers || model->layers[layer].fn != nb__rnn_layer_forward) {
        nb__error(NB_ERR_ARG, "%s: layer %d is not a sequence layer (use the index that "
                  "nb_model_add_lstm, nb_model_add_gru or nb_model_add_rnn returned; the model "
                  "has %d layers)", api, layer, model->n_layers);
        return NULL;
    }
    nb_rnn_state *s = calloc(1, sizeof *s);
    if (!s) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    const nb_allocator *alloc = nb_model_allocator(model);
    if (alloc) {
        s->allocator = *alloc;
        s->has_allocator = true;
    }
    s->arena = nb_arena_new_opts(&(nb_arena_opts){.chunk_bytes = 64 * 1024,
                                                  .allocator = s->has_allocator ? &s->allocator
                                                                                : NULL,
                                                  .header_zone_bytes = 2u << 20});
    if (!s->arena) {
        free(s);
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    nb_rnn_layer *L = model->layers[layer].ctx;
    if (L->state)
        L->state->layer = NULL;
    L->state = s;
    s->layer = L;
    return s;
}

void nb_rnn_state_free(nb_rnn_state *state)
{
    if (!state)
        return;
    if (state->layer && state->layer->state == state)
        state->layer->state = NULL;
    nb_arena_free(state->arena);
    free(state);
}

int nb_rnn_state_reset(nb_rnn_state *state)
{
    if (!state)
        return nb__error(NB_ERR_NULL, "nb_rnn_state_reset: state is NULL");
    state->h = state->c = NULL;
    nb_arena_reset(state->arena);
    return NB_OK;
}

nb_tensor *nb_rnn_state_h(const nb_rnn_state *state)
{
    return state ? state->h : NULL;
}

nb_tensor *nb_rnn_state_c(const nb_rnn_state *state)
{
    return state ? state->c : NULL;
}

int nb__rnn_state_start(nb_rnn_state *state, const char *who, nb_dtype dtype, int64_t n,
                        int64_t hidden, nb_tensor **h0, nb_tensor **c0)
{
    *h0 = *c0 = NULL;
    if (!state->h)
        return 0;
    if (state->h->dtype != dtype || state->h->shape[0] != n || state->h->shape[1] != hidden)
        return nb__error(NB_ERR_SHAPE, "%s: the attached state is for a batch of %lld (%s) but x "
                         "is a batch of %lld (%s); call nb_rnn_state_reset before changing the "
                         "batch size", who, (long long)state->h->shape[0],
                         nb_dtype_name(state->h->dtype), (long long)n, nb_dtype_name(dtype));
    /* copies in the step arena: the forward's graph never sees the state's
     * own tensors, which the next store overwrites */
    *h0 = nb_tensor_clone(state->h);
    *c0 = state->c ? nb_tensor_clone(state->c) : NULL;
    return *h0 && (!state->c || *c0) ? 0 : nb__error_context(who, "copying the state");
}

int nb__rnn_state_store(nb_rnn_state *state, const char *who, const nb_tensor *h,
                        const nb_tensor *c)
{
    if (!state->h || !nb_tensor_same_shape(state->h, h) || state->h->dtype != h->dtype ||
        (c != NULL) != (state->c != NULL)) {
        state->h = state->c = NULL;
        nb_arena_reset(state->arena);
        nb_arena *prev = nb_arena_use(state->arena);
        nb_tensor *nh = nb__tensor_empty(h->dtype, 2, h->shape, who);
        nb_tensor *nc = c && nh ? nb__tensor_empty(c->dtype, 2, c->shape, who) : NULL;
        nb_arena_use(prev);
        if (!nh || (c && !nc))
            return nb_last_status();
        state->h = nh;
        state->c = nc;
    }
    if (nb_tensor_copy(state->h, h) < 0 || (c && nb_tensor_copy(state->c, c) < 0))
        return nb__error_context(who, "storing the state");
    return 0;
}
