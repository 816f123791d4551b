/* The io layer's tensor files as higher layers use them (model files in
 * src/nn): an interface header, not a private one.  The public functions
 * are in nabla/io.h. */
#ifndef NB_IO_TENSOR_FILE_H
#define NB_IO_TENSOR_FILE_H

#include "nabla/io.h"

/* nb_tensors_save and nb_tensors_load_into for a function that saves or
 * loads on the user's behalf: the same files and checks, but every message
 * names `api` (e.g. "nb_model_load: m.nbt has no tensor named
 * 'layer2.weight'"), the function the user called. */
int nb__tensors_save_as(const char *api, const char *path, const char *const *names,
                        nb_tensor *const *tensors, int n);
int nb__tensors_load_into_as(const char *api, const char *path, const char *const *names,
                             nb_tensor *const *tensors, int n);

#endif
