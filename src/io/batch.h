/* The io layer's minibatch iterator as higher layers use it (the training
 * loop of src/train): an interface header, not a private one.  The public
 * iterator is in nabla/io.h. */
#ifndef NB_IO_BATCH_H
#define NB_IO_BATCH_H

#include "nabla/io.h"

/* nb_batch_next for a function that iterates on the user's behalf: the
 * same batches, but a failure's message names `api` (e.g. "nb_train: out
 * of memory for a tensor of 64 elements"), the function the user called. */
/* nb_batch_iter_init, with failures named for `api` in the same way. */
int nb__batch_iter_init_as(const char *api, nb_batch_iter *it, const nb_tensor *x,
                           const nb_tensor *y, const nb_batch_opts *opts);

int nb__batch_next_as(const char *api, nb_batch_iter *it, nb_tensor **xb, nb_tensor **yb);

#endif
