/* The parameter store of a model: the name registry (uthash, creation order
 * kept in an array), and the two contiguous buffers that every parameter
 * and every gradient is a view into.
 *
 * Parameters are created one by one while a model is built, so their final
 * buffer cannot be sized up front.  Each starts as its own tensor in the
 * model's arena; the first use of the model (forward, optimizer, flat
 * access) gathers them: one buffer for values, one for gradients, each
 * parameter's data pointer (and its .grad's) moved to its slice, and its
 * version counter replaced by the buffer's, so that one bump of a buffer
 * (an optimizer step, a load, a write through nb_model_params_flat) is a
 * new version of every parameter in it.  The tensor structs stay where they
 * are, so pointers the user holds remain valid.
 * Adding a parameter later triggers a new gather (the old buffers are left
 * in the arena: a model is built once, so the waste is bounded). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nn/nn_internal.h"

nb_tensor *nb_model_add_param(nb_model *model, const char *name, int ndim, const int64_t *shape)
{
    static const char api[] = "nb_model_add_param";
    if (model && model->parent)
        return nb__block_add_param(model, name, ndim, shape); /* "<block>.<name>" in the root */
    if (!model || !name) {
        nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "name");
        return NULL;
    }
    if (!name[0]) {
        nb__error(NB_ERR_ARG, "%s: the parameter name is empty", api);
        return NULL;
    }
    nb_param *found = NULL;
    HASH_FIND_STR(model->table, name, found);
    if (found) {
        nb__error(NB_ERR_ARG, "%s: a parameter named '%s' already exists in this model", api, name);
        return NULL;
    }
    nb_tensor *t = nb__tensor_empty_in(model->arena, model->dtype, ndim, shape, api);
    if (!t)
        return NULL;
    if (t->numel == 0) {
        char buf[96];
        nb__error(NB_ERR_SHAPE, "%s: parameter '%s' has shape %s with no elements", api, name,
                  nb__shape_fmt(ndim, shape, buf, sizeof buf));
        return NULL;
    }
    memset(t->data, 0, (size_t)t->numel * nb_dtype_size(t->dtype));
    t->requires_grad = true;
    if (nb_tensor_set_name(t, name) < 0)
        return NULL;
    t->grad = nb__tensor_empty_in(model->arena, model->dtype, ndim, shape, api);
    if (!t->grad)
        return NULL;
    memset(t->grad->data, 0, (size_t)t->numel * nb_dtype_size(t->dtype));

    nb_param **order = nb__model_grow(model, model->order, model->n_params, &model->cap_params,
                                      sizeof *order, 16);
    if (!order)
        return NULL;
    model->order = order;
    nb_param *p = nb_arena_alloc(model->arena, sizeof *p);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->name = t->name;
    p->tensor = t;
    p->offset = model->n_scalars;
    HASH_ADD_KEYPTR(hh, model->table, p->name, strlen(p->name), p);
    if (model->oom) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory in the parameter registry", api);
        return NULL;
    }
    model->order[model->n_params++] = p;
    model->n_scalars += t->numel;
    model->flat = model->flat_grad = NULL; /* gather again on next use */
    return t;
}

int nb__model_gather(nb_model *model, const char *api)
{
    if (model->parent)
        return nb__block_refuse(model, api); /* a block has no buffers of its own */
    if (model->flat)
        return NB_OK;
    if (model->n_params == 0)
        return nb__error(NB_ERR_STATE, "%s: the model has no parameters (add layers first)", api);
    int64_t n = model->n_scalars;
    nb_tensor *flat = nb__tensor_empty_in(model->arena, model->dtype, 1, &n, api);
    nb_tensor *flat_grad = flat ? nb__tensor_empty_in(model->arena, model->dtype, 1, &n, api) : NULL;
    if (!flat_grad)
        return nb_last_status();
    size_t es = nb_dtype_size(model->dtype);
    for (int i = 0; i < model->n_params; i++) {
        nb_param *p = model->order[i];
        nb_tensor *t = p->tensor;
        char *dst = (char *)flat->data + (size_t)p->offset * es;
        char *gdst = (char *)flat_grad->data + (size_t)p->offset * es;
        memcpy(dst, t->data, (size_t)t->numel * es);
        memcpy(gdst, t->grad->data, (size_t)t->numel * es);
        t->data = dst;
        t->grad->data = gdst;
        nb__tensor_share_version(t, flat);
        nb__tensor_share_version(t->grad, flat_grad);
    }
    model->flat = flat;
    model->flat_grad = flat_grad;
    model->layout++;
    return NB_OK;
}

static nb_param *nb_param_lookup(const nb_model *model, const char *name)
{
    nb_param *p = NULL;
    HASH_FIND_STR(model->table, name, p);
    return p;
}

nb_tensor *nb_model_param(const nb_model *model, const char *name)
{
    if (!model || !name) {
        nb__error(NB_ERR_NULL, "nb_model_param: %s is NULL", !model ? "model" : "name");
        return NULL;
    }
    if (model->parent)
        return nb__block_param(model, name);
    nb_param *p = nb_param_lookup(model, name);
    if (!p) {
        nb__error(NB_ERR_ARG, "nb_model_param: no parameter named '%s' (the model has %d; names "
                  "look like 'layer1.weight')", name, model->n_params);
        return NULL;
    }
    return p->tensor;
}

int nb_model_num_params(const nb_model *model) { return model ? model->n_params : -1; }

int64_t nb_model_num_scalars(const nb_model *model) { return model ? model->n_scalars : -1; }

nb_tensor *nb_model_param_at(const nb_model *model, int i)
{
    if (!model || i < 0 || i >= model->n_params)
        return NULL;
    return model->order[i]->tensor;
}

const char *nb_model_param_name(const nb_model *model, int i)
{
    if (!model || i < 0 || i >= model->n_params)
        return NULL;
    return model->order[i]->name;
}

nb_tensor *nb_model_params_flat(nb_model *model)
{
    if (!model) {
        nb__error(NB_ERR_NULL, "nb_model_params_flat: model is NULL");
        return NULL;
    }
    return nb__model_gather(model, "nb_model_params_flat") < 0 ? NULL : model->flat;
}

nb_tensor *nb_model_grads_flat(nb_model *model)
{
    if (!model) {
        nb__error(NB_ERR_NULL, "nb_model_grads_flat: model is NULL");
        return NULL;
    }
    return nb__model_gather(model, "nb_model_grads_flat") < 0 ? NULL : model->flat_grad;
}

void nb_model_bump_versions(nb_model *model)
{
    if (!model)
        return;
    if (model->flat) {
        nb__bump_version(model->flat); /* every parameter shares its counter */
        return;
    }
    for (int i = 0; i < model->n_params; i++) /* not gathered yet: each its own */
        nb__bump_version(model->order[i]->tensor);
}

int nb_model_zero_grad(nb_model *model)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "nb_model_zero_grad: model is NULL");
    int rc = nb__model_gather(model, "nb_model_zero_grad");
    if (rc < 0)
        return rc;
    memset(model->flat_grad->data, 0, (size_t)model->n_scalars * nb_dtype_size(model->dtype));
    nb__bump_version(model->flat_grad); /* every gradient shares its counter */
    return NB_OK;
}
