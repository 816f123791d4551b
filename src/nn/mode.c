/* Train/eval mode of a model: one flag, read by the layers whose forward
 * differs between the two (dropout, batch norm) and set by nb_train around
 * its training and evaluation passes. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nn/nn_internal.h"

bool nb_model_set_training(nb_model *model, bool training)
{
    if (!model)
        return false;
    /* one mode per model: a block reads and sets its root's */
    model = model->root ? model->root : model;
    bool old = model->training;
    model->training = training;
    return old;
}

bool nb_model_training(const nb_model *model)
{
    if (!model)
        return false;
    return (model->root ? model->root : model)->training;
}
