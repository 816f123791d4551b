/* Labels for gradients: a name the teaching views give to d(root)/d(t),
 * such as the "D2" of a BP network's output delta.  The label is a property
 * of the tensor (a field of the core struct, which the teaching layer may
 * read and write as it reads .grad), so every view finds it without being
 * told: the trace started by nb_trace_begin or by NB_TRACE, and the DOT
 * export.  It is copied into the tensor's own arena, as a name is, and dies
 * with the tensor. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "core/tensor_internal.h"
#include "nabla/trace.h"

int nb_tensor_set_grad_label(nb_tensor *t, const char *label)
{
    int rc = nb__check_tensor(t, "nb_tensor_set_grad_label", "tensor");
    if (rc < 0)
        return rc;
    if (!label) {
        t->grad_label = NULL;
        return NB_OK;
    }
    if (!*label)
        return nb__error(NB_ERR_ARG,
                         "nb_tensor_set_grad_label: the label is empty; pass NULL to remove a label");
    size_t n = strlen(label) + 1;
    char *copy = nb_arena_alloc(t->arena, n);
    if (!copy)
        return nb__error(NB_ERR_NOMEM, "nb_tensor_set_grad_label: out of memory for the label");
    memcpy(copy, label, n);
    t->grad_label = copy;
    return NB_OK;
}

const char *nb_tensor_grad_label(const nb_tensor *t)
{
    if (!t)
        return NULL;
    if (nb__check_tensor(t, "nb_tensor_grad_label", "tensor") < 0)
        return NULL;
    return t->grad_label;
}
