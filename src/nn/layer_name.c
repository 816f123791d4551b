/* Names of layers: the rule every name of a layer table follows (one part
 * of a dotted path, unique among the names that prefix parameters), and
 * renaming a linear layer after it was made, which renames its parameters
 * in the registry with it ("layer1.weight" becomes "fc1.weight"). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nn/nn_internal.h"

int nb__layer_name_check(const char *api, const char *what, const char *name)
{
    if (!name[0])
        return nb__error(NB_ERR_ARG, "%s: the %s name is empty", api, what);
    if (strchr(name, '.'))
        return nb__error(NB_ERR_ARG, "%s: %s name '%s' contains '.'; a name is one part of a "
                         "dotted path (nest a block inside another for 'a.b')", api, what, name);
    return 0;
}

int nb__layer_name_taken(const nb_model *model, const char *full, int except)
{
    for (int i = 0; i < model->n_layers; i++) {
        const nb_layer *l = &model->layers[i];
        if (i != except && (l->kind == NB_LAYER_BLOCK || l->kind == NB_LAYER_LINEAR) &&
            !strcmp(l->name, full))
            return i;
    }
    return -1;
}

/* Does parameter name `full` start with "<prefix>."? */
static int nb_name_under(const char *full, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncmp(full, prefix, n) && full[n] == '.';
}

/* Re-key p in the root's registry under `name` (in the arena).  The macros
 * find the arena and the out-of-memory flag through `model`. */
static int nb_rekey(nb_model *model, nb_param *p, const char *name)
{
    HASH_DEL(model->table, p);
    p->name = name;
    p->tensor->name = name;
    HASH_ADD_KEYPTR(hh, model->table, p->name, strlen(p->name), p);
    return model->oom ? NB_ERR_NOMEM : NB_OK;
}

int nb_model_set_layer_name(nb_model *model, int i, const char *name)
{
    static const char api[] = "nb_model_set_layer_name";
    if (!model || !name)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "name");
    if (i < 0 || i >= model->n_layers)
        return nb__error(NB_ERR_ARG, "%s: layer index %d is out of range (the model has %d "
                         "layers, 0..%d)", api, i, model->n_layers, model->n_layers - 1);
    nb_layer *l = &model->layers[i];
    if (l->kind != NB_LAYER_LINEAR)
        return nb__error(NB_ERR_ARG, "%s: layer %d ('%s') is not a linear layer; a block or a "
                         "user layer is named when it is added", api, i + 1, l->name);
    if (nb__layer_name_check(api, "layer", name) < 0)
        return nb_last_status();
    char *full = nb__model_full_name(model, name);
    if (!full)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    int k = nb__layer_name_taken(model, full, i);
    if (k >= 0)
        return nb__error(NB_ERR_ARG, "%s: the model already has a layer named '%s' (layer %d)",
                         api, full, k + 1);
    /* the new names first, so that nothing changes when one is taken or
     * memory runs out */
    nb_model *root = model->root;
    nb_param *mine[2] = {NULL, NULL};
    const char *names[2] = {NULL, NULL};
    int n = 0;
    size_t old = strlen(l->name), len = strlen(full);
    for (int p = 0; p < model->n_params && n < 2; p++) {
        nb_param *q = model->order[p];
        if (!nb_name_under(q->name, l->name) || (q->tensor != l->weight && q->tensor != l->bias))
            continue;
        size_t rest = strlen(q->name) - old;
        char *nm = nb_arena_alloc(model->arena, len + rest + 1);
        if (!nm)
            return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        memcpy(nm, full, len);
        memcpy(nm + len, q->name + old, rest + 1);
        nb_param *found = NULL;
        HASH_FIND_STR(root->table, nm, found);
        if (found)
            return nb__error(NB_ERR_ARG, "%s: a parameter named '%s' already exists in this "
                             "model", api, nm);
        mine[n] = q;
        names[n++] = nm;
    }
    for (int p = 0; p < n; p++)
        if (nb_rekey(root, mine[p], names[p]) < 0)
            return nb__error(NB_ERR_NOMEM, "%s: out of memory in the parameter registry", api);
    l->name = full;
    return NB_OK;
}
