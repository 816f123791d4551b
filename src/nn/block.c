/* Blocks: named sub-models inside a model, as PyTorch's child modules.
 *
 * A block is a model struct of its own (its layer table, its name) made in
 * its root's arena, and a layer of its parent.  It has no registry: every
 * parameter registered through it goes into the root's registry as
 * "<block's full name>.<name>", so names, creation order, the flat buffers,
 * files and optimizers stay those of one model.  The block keeps a list of
 * the parameters registered through it (and through its own blocks), so
 * that counting and indexing a block's parameters need no name scan. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

nb_model *nb_model_add_block(nb_model *parent, const char *name, nb_layer_fn fn, void *ctx)
{
    static const char api[] = "nb_model_add_block";
    if (!parent) {
        nb__error(NB_ERR_NULL, "%s: parent is NULL", api);
        return NULL;
    }
    char local[64];
    if (!name) { /* named like a linear layer, by position */
        snprintf(local, sizeof local, "layer%d", parent->n_layers + 1);
        name = local;
    }
    if (nb__layer_name_check(api, "block", name) < 0)
        return NULL;
    nb_model *block = nb_arena_alloc(parent->arena, sizeof *block);
    char *full = nb__model_full_name(parent, name);
    if (!block || !full) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    /* names of blocks and linear layers prefix parameters: no two alike */
    int k = nb__layer_name_taken(parent, full, -1);
    if (k >= 0) {
        nb__error(NB_ERR_ARG, "%s: the model already has a layer named '%s' (layer %d); give "
                  "each block of a model its own name", api, full, k + 1);
        return NULL;
    }
    nb_layer *layers = nb__model_grow(parent, parent->layers, parent->n_layers,
                                      &parent->cap_layers, sizeof *layers, 8);
    if (!layers) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    parent->layers = layers;
    memset(block, 0, sizeof *block);
    block->arena = parent->arena;
    block->dtype = parent->dtype;
    block->parent = parent;
    block->root = parent->root;
    block->prefix = full;
    nb_layer *l = &parent->layers[parent->n_layers++];
    memset(l, 0, sizeof *l);
    l->kind = NB_LAYER_BLOCK;
    l->name = full;
    l->fn = fn;
    l->ctx = ctx;
    l->child = block;
    return block;
}

const char *nb_model_name(const nb_model *model)
{
    return model ? (model->prefix ? model->prefix : "") : NULL;
}

nb_model *nb_model_parent(const nb_model *model) { return model ? model->parent : NULL; }

const char *nb_model_layer_name(const nb_model *model, int i)
{
    if (!model || i < 0 || i >= model->n_layers)
        return NULL;
    return model->layers[i].name;
}

nb_model *nb_model_layer_block(const nb_model *model, int i)
{
    if (!model || i < 0 || i >= model->n_layers)
        return NULL;
    return model->layers[i].child;
}

nb_tensor *nb__block_add_param(nb_model *block, const char *name, int ndim, const int64_t *shape)
{
    static const char api[] = "nb_model_add_param";
    if (!name) {
        nb__error(NB_ERR_NULL, "%s: name is NULL", api);
        return NULL;
    }
    if (!name[0]) {
        nb__error(NB_ERR_ARG, "%s: the parameter name is empty", api);
        return NULL;
    }
    /* room in every list first, so that a registered parameter is always
     * listed by each block above it */
    for (nb_model *b = block; b->parent; b = b->parent) {
        nb_param **order = nb__model_grow(b, b->order, b->n_params, &b->cap_params,
                                          sizeof *order, 16);
        if (!order) {
            nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
            return NULL;
        }
        b->order = order;
    }
    size_t np = strlen(block->prefix), n = strlen(name);
    char *full = malloc(np + n + 2); /* the registry copies the name */
    if (!full) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    memcpy(full, block->prefix, np);
    full[np] = '.';
    memcpy(full + np + 1, name, n + 1);
    nb_model *root = block->root;
    nb_tensor *t = nb_model_add_param(root, full, ndim, shape);
    free(full);
    if (!t)
        return NULL;
    nb_param *p = root->order[root->n_params - 1];
    for (nb_model *b = block; b->parent; b = b->parent) {
        b->order[b->n_params++] = p;
        b->n_scalars += t->numel;
    }
    return t;
}

nb_tensor *nb__block_param(const nb_model *block, const char *name)
{
    size_t np = strlen(block->prefix);
    for (int i = 0; i < block->n_params; i++) {
        const char *full = block->order[i]->name;
        if (!strncmp(full, block->prefix, np) && full[np] == '.' && !strcmp(full + np + 1, name))
            return block->order[i]->tensor;
    }
    nb__error(NB_ERR_ARG, "nb_model_param: block '%s' has no parameter named '%s' (it has %d%s%s%s)",
              block->prefix, name, block->n_params, block->n_params ? ", the first '" : "",
              block->n_params ? block->order[0]->name + np + 1 : "",
              block->n_params ? "'; names are relative to the block" : "");
    return NULL;
}

int nb__block_refuse(const nb_model *block, const char *api)
{
    return nb__error(NB_ERR_ARG, "%s: '%s' is a block of a model, not a whole model (its "
                     "parameters live in the model's buffers); pass the model that "
                     "nb_model_new made", api, block->prefix);
}
