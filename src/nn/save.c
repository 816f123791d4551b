/* Model files: the parameters and buffers, under their registry names, in nabla's
 * tensor file format (src/io).  The registry gives the names and creation
 * order; the io layer does the format, checksums and atomic replacement. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "io/tensor_file.h"
#include "nn/nn_internal.h"

/* The names and tensors of every parameter, then every buffer (buffer.c),
 * in malloc'd arrays (freed by the caller: saving every epoch must not grow
 * the model's arena). */
static int nb_model_lists(nb_model *model, const char *api, const char ***names,
                          nb_tensor ***tensors, int *n)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    int rc = nb__model_gather(model, api);
    if (rc < 0)
        return rc;
    *n = model->n_params + model->n_buffers;
    *names = malloc(sizeof **names * (size_t)(*n ? *n : 1));
    *tensors = malloc(sizeof **tensors * (size_t)(*n ? *n : 1));
    if (!*names || !*tensors) {
        free((void *)*names);
        free(*tensors);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    }
    for (int i = 0; i < model->n_params; i++) {
        (*names)[i] = model->order[i]->name;
        (*tensors)[i] = model->order[i]->tensor;
    }
    for (int i = 0; i < model->n_buffers; i++) {
        (*names)[model->n_params + i] = model->buffers[i]->name;
        (*tensors)[model->n_params + i] = model->buffers[i];
    }
    return 0;
}

/* nb__tensors_save_as or nb__tensors_load_into_as. */
typedef int (*nb_model_file_fn)(const char *api, const char *path, const char *const *names,
                                nb_tensor *const *tensors, int n);

/* Save or load every parameter of model through path, naming `api`. */
static int nb_model_file(const char *api, nb_model *model, const char *path, nb_model_file_fn io)
{
    const char **names = NULL;
    nb_tensor **tensors = NULL;
    int n = 0;
    if (!path)
        return nb__error(NB_ERR_NULL, "%s: path is NULL", api);
    int rc = nb_model_lists(model, api, &names, &tensors, &n);
    if (rc < 0)
        return rc;
    rc = io(api, path, names, tensors, n);
    free((void *)names);
    free(tensors);
    return rc;
}

int nb_model_save(nb_model *model, const char *path)
{
    return nb_model_file("nb_model_save", model, path, nb__tensors_save_as);
}

int nb_model_load(nb_model *model, const char *path)
{
    /* bumps each parameter it writes, and so the counter they share with the
     * flat buffer */
    return nb_model_file("nb_model_load", model, path, nb__tensors_load_into_as);
}
