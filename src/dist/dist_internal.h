/* Helpers shared by the files of src/dist (on MPI): the communicator's
 * state lives in dist.c, the training wrapper in dist_train.c uses it
 * through these. */
#ifndef NB_DIST_DIST_INTERNAL_H
#define NB_DIST_DIST_INTERNAL_H

#include "core/tensor_internal.h"
#include "nabla/dist.h"

/* NB_OK when nb_dist_init has run, else NB_ERR_STATE naming `api`. */
int nb__dist_check_started(const char *api);
/* Rank and size of the started module (0 and 0 before). */
int nb__dist_rank(void);
int nb__dist_size(void);
/* Sum n values of `dtype` over the ranks, in place; messages name `api`. */
int nb__dist_sum(const char *api, void *buf, int64_t n, nb_dtype dtype);
/* Sum n double-doubles hi[i] + lo[i] over the ranks, in place (exact to
 * ~1e-32, so nearly independent of the order of the sum); naming `api`. */
int nb__dist_sum_pairs(const char *api, double *hi, double *lo, int64_t n);
/* nb_dist_broadcast_params, naming `api`. */
int nb__dist_broadcast_as(const char *api, nb_model *model);
/* The gradient buffer times `scale`, summed over the ranks, divided by the
 * size (nb_dist_average_grads is scale 1); naming `api`. */
int nb__dist_average_as(const char *api, nb_model *model, double scale);
/* A failed call's message "from: ..." becomes "api: ...", naming the
 * function the user called ("nb_dist_train: epoch 4: ..."); returns rc. */
int nb__dist_rename(int rc, const char *from, const char *api);
/* The start of a distributed training call: the record emptied, then the
 * module started, opts->parallel not preset, rank 0's weights broadcast. */
int nb__dist_begin(const char *api, nb_train_record *record, bool parallel_set, nb_model *model);

#endif
