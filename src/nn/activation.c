/* Transfer functions by name.  Each is an op (or a composition of ops), so
 * nb_backward, and second order through nb_grad, differentiate them with no
 * formula here.  softmax acts on the last axis (one row per sample). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nabla/ops.h"
#include "nn/nn_internal.h"

static const struct {
    const char *name;
    nb_activation act;
} nb_act_names[] = {
    {"purelin", NB_ACT_PURELIN},   {"linear", NB_ACT_PURELIN},  {"identity", NB_ACT_PURELIN},
    {"tansig", NB_ACT_TANSIG},     {"tanh", NB_ACT_TANSIG},     {"logsig", NB_ACT_LOGSIG},
    {"sigmoid", NB_ACT_LOGSIG},    {"poslin", NB_ACT_POSLIN},   {"relu", NB_ACT_POSLIN},
    {"softmax", NB_ACT_SOFTMAX},   {"square", NB_ACT_SQUARE},   {"softplus", NB_ACT_SOFTPLUS},
    {"leaky_relu", NB_ACT_LEAKY_RELU},
};

int nb_activation_from_name(const char *name)
{
    if (!name)
        return nb__error(NB_ERR_NULL, "nb_activation_from_name: name is NULL");
    for (size_t i = 0; i < sizeof nb_act_names / sizeof nb_act_names[0]; i++)
        if (strcmp(name, nb_act_names[i].name) == 0)
            return (int)nb_act_names[i].act;
    return nb__error(NB_ERR_ARG,
                     "nb_activation_from_name: unknown transfer function '%s' (known: purelin, "
                     "linear, identity, tansig, tanh, logsig, sigmoid, poslin, relu, softmax, "
                     "square, softplus, leaky_relu)", name);
}

const char *nb_activation_name(nb_activation act)
{
    static const char *const names[NB_ACT_COUNT_] = {
        "purelin", "tansig", "logsig", "poslin", "softmax", "square", "softplus", "leaky_relu"};
    return (int)act >= 0 && act < NB_ACT_COUNT_ ? names[act] : "unknown";
}

nb_tensor *nb_activate(nb_activation act, nb_tensor *x)
{
    if (nb__check_tensor(x, "nb_activate", "x") < 0)
        return NULL;
    switch (act) {
    case NB_ACT_PURELIN:
        return x;
    case NB_ACT_TANSIG:
        return nb_tanh(x);
    case NB_ACT_LOGSIG:
        return nb_sigmoid(x);
    case NB_ACT_POSLIN:
        return nb_relu(x);
    case NB_ACT_SOFTMAX:
        return nb_softmax(x, -1);
    case NB_ACT_SQUARE:
        return nb_square(x);
    case NB_ACT_SOFTPLUS:
        return nb_softplus(x);
    case NB_ACT_LEAKY_RELU:
        return nb_leaky_relu(x, 0.01);
    default:
        nb__error(NB_ERR_ARG, "nb_activate: unknown activation %d (use an NB_ACT_* value)",
                  (int)act);
        return NULL;
    }
}
