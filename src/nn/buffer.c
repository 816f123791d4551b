/* Model buffers: named tensors of non-trainable state (batch norm's
 * running statistics).  They live in the model's arena like parameters but
 * stay out of the flat parameter and gradient buffers, so optimizers,
 * gradient zeroing and the Jacobian never see them; save.c writes and
 * reads them with the parameters.  A model has a handful, so a linear
 * search by name is enough. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "nn/nn_internal.h"

/* The buffer called name, or NULL (no message). */
static nb_tensor *nb_buffer_find(const nb_model *model, const char *name)
{
    for (int i = 0; i < model->n_buffers; i++)
        if (strcmp(model->buffers[i]->name, name) == 0)
            return model->buffers[i];
    return NULL;
}

nb_tensor *nb_model_add_buffer(nb_model *model, const char *name, int ndim, const int64_t *shape)
{
    static const char api[] = "nb_model_add_buffer";
    if (!model || !name) {
        nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "name");
        return NULL;
    }
    if (!name[0]) {
        nb__error(NB_ERR_ARG, "%s: the buffer name is empty", api);
        return NULL;
    }
    if (model->parent) {
        /* a block's buffer is its root's, under the block's dotted name */
        char full[512];
        int w = snprintf(full, sizeof full, "%s.%s", model->prefix, name);
        if (w < 0 || (size_t)w >= sizeof full) {
            nb__error(NB_ERR_ARG, "%s: the name '%s.%s' is too long", api, model->prefix, name);
            return NULL;
        }
        return nb_model_add_buffer(model->root, full, ndim, shape);
    }
    nb_param *found = NULL;
    HASH_FIND_STR(model->table, name, found);
    if (found || nb_buffer_find(model, name)) {
        nb__error(NB_ERR_ARG, "%s: a %s named '%s' already exists in this model", api,
                  found ? "parameter" : "buffer", name);
        return NULL;
    }
    nb_tensor *t = nb__tensor_empty_in(model->arena, model->dtype, ndim, shape, api);
    if (!t)
        return NULL;
    memset(t->data, 0, (size_t)t->numel * nb_dtype_size(t->dtype));
    if (nb_tensor_set_name(t, name) < 0)
        return NULL;
    nb_tensor **grown = nb__model_grow(model, model->buffers, model->n_buffers,
                                       &model->cap_buffers, sizeof *grown, 8);
    if (!grown) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    model->buffers = grown;
    model->buffers[model->n_buffers++] = t;
    return t;
}

nb_tensor *nb_model_buffer(const nb_model *model, const char *name)
{
    static const char api[] = "nb_model_buffer";
    if (!model || !name) {
        nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "name");
        return NULL;
    }
    nb_tensor *t = nb_buffer_find(model, name);
    if (!t)
        nb__error(NB_ERR_ARG, "%s: the model has no buffer named '%s'", api, name);
    return t;
}

int nb_model_num_buffers(const nb_model *model) { return model ? model->n_buffers : -1; }

nb_tensor *nb_model_buffer_at(const nb_model *model, int i)
{
    return model && i >= 0 && i < model->n_buffers ? model->buffers[i] : NULL;
}

const char *nb_model_buffer_name(const nb_model *model, int i)
{
    nb_tensor *t = nb_model_buffer_at(model, i);
    return t ? t->name : NULL;
}
