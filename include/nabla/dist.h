/* nabla/dist.h — data-parallel training across processes on MPI.
 *
 * Every process (rank) holds the whole model and the whole data set; each
 * trains on its own slice of every global minibatch, and one allreduce of
 * the model's contiguous gradient buffer per step makes every rank's
 * gradient the gradient of the global batch, so every rank takes the same
 * optimizer step and the weights stay equal (docs/distributed.md):
 *
 *     if (nb_dist_init(&argc, &argv) < 0) { report nb_last_error(); }
 *     ... the same model, optimizer and data on every rank ...
 *     rc = nb_dist_train(net, opt, nb_cross_entropy_loss, &data, &opts, &rec);
 *     nb_dist_finalize();
 *
 * and start it with `mpirun -np 4 ./prog`.
 *
 * This header is always installed and its functions always exist, so one
 * program builds against every nabla; in a library configured without MPI
 * (nb_dist_available() is false) every function below except
 * nb_dist_available fails with NB_ERR_STATE "... built without MPI".
 * Communication failures are NB_ERR_IO errors carrying MPI's own message;
 * nothing here ends the program.  The functions keep one process-wide
 * state: call them from one thread. */
#ifndef NABLA_DIST_H
#define NABLA_DIST_H

#include <stdbool.h>

#include "nabla/nn.h"
#include "nabla/optim.h"
#include "nabla/train.h"
#include "nabla/train_lm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether this library was built with MPI (configure --with-mpi). */
bool nb_dist_available(void);

/* Start: initialise MPI (MPI_Init with argc/argv, which may be NULL) unless
 * the program already did (MPI_Initialized), then take a private duplicate
 * of MPI_COMM_WORLD, on which errors are returned (MPI_ERRORS_RETURN), not
 * fatal, so the program's own communicators keep their handlers.  Calling
 * it again is a no-op.  NB_OK, NB_ERR_IO (MPI failed), NB_ERR_STATE (built
 * without MPI). */
int nb_dist_init(int *argc, char ***argv);

/* Release the private communicator, and finalise MPI if nb_dist_init
 * initialised it (an MPI the program started is the program's to end).
 * NB_OK when not started; NB_ERR_IO, NB_ERR_STATE (built without MPI). */
int nb_dist_finalize(void);

/* This process's rank in [0, size), and the number of processes; negative
 * NB_ERR_STATE before nb_dist_init (or without MPI). */
int nb_dist_rank(void);
int nb_dist_size(void);

/* Give every rank rank 0's weights: one broadcast of the model's flat
 * parameter buffer (nb_model_params_flat), then one version bump.  Every
 * rank must call it; models of different size or dtype on the ranks are
 * an NB_ERR_SHAPE error on every rank (checked with one small allreduce
 * first).  NB_ERR_NULL, NB_ERR_STATE (not started), NB_ERR_IO. */
int nb_dist_broadcast_params(nb_model *model);

/* Replace the model's gradient buffer (nb_model_grads_flat, f32 or f64) on
 * every rank by the mean of all ranks' buffers: one MPI_Allreduce in place
 * on the contiguous buffer (in pieces only past 2^30 values), then a
 * division by the size.  For an explicit loop where each rank took an equal
 * slice (nb_batch_opts.shard) and the loss is a mean; every rank must call
 * it with a model of the same shape.  NB_ERR_NULL, NB_ERR_STATE, NB_ERR_IO. */
int nb_dist_average_grads(nb_model *model);

/* nb_train on every rank, data-parallel: rank 0's weights are broadcast
 * first, each rank trains on its slice of every global minibatch (slices
 * weighted by their rows, so the step equals one process's step on the
 * global batch, whatever the batch size), the epoch's loss and accuracy
 * are summed over the ranks, and only rank 0 prints progress (the others
 * run with verbose = -1).  Every rank must call it with the same data,
 * options and seed; opts->parallel must be NULL (this function fills it).
 * Errors as nb_train's and nb_dist_broadcast_params's, named nb_dist_train
 * when they come from the distributed part. */
int nb_dist_train(nb_model *model, nb_optim *opt, nb_loss_fn loss, const nb_train_data *data,
                  const nb_train_opts *opts, nb_train_record *record);

/* nb_trainlm (nb_trainbr) on every rank, data-parallel: rank 0's weights
 * are broadcast first; each rank keeps its slice of the rows of every set
 * given (rank r of n: rows [N·r/n, N·(r+1)/n) of data->x and data->y, and
 * so of val and test), computes the Jacobian of its own rows, and each
 * epoch the ranks sum J'J (P x P), J'e (P) and the squared errors, so every
 * rank solves the same system, takes the same step and keeps the same
 * record; the result equals one process's run on all the rows, up to the
 * order of the sums (within 1e-12 in f64 in the tests).  Only rank 0
 * displays.  Every rank must call it with the same data, options and
 * model; opts->parallel must be NULL (this function fills it).  Each set
 * needs at least as many rows as ranks (NB_ERR_ARG otherwise).  Errors as
 * nb_trainlm's (on the rank's slice) and nb_dist_broadcast_params's, named
 * nb_dist_trainlm (nb_dist_trainbr). */
int nb_dist_trainlm(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record);
int nb_dist_trainbr(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record);

/* Bound every later collective of this module to `seconds` (0, negative or
 * not finite: no bound, the default) and return the previous bound.  With
 * a bound, collectives are non-blocking ones polled until done, and one
 * that does not finish in time (a rank died or failed and never joins)
 * fails with NB_ERR_IO "no answer from the other ranks in N s"; the job
 * cannot continue after that.  Without one, a rank that dies ends the job
 * through mpirun (Open MPI kills the others), and a rank that fails
 * without dying leaves the others waiting.  Set it to well above a step's
 * time.  Without MPI it does nothing and returns 0. */
double nb_dist_set_timeout(double seconds);

/* End every process of the job (MPI_Abort on MPI_COMM_WORLD with `code`):
 * for a program that got an error from one of the functions above and
 * cannot leave the others waiting.  Only ever called by the program.
 * Returns only when it could not abort (NB_ERR_STATE without MPI). */
int nb_dist_abort(int code);

#ifdef __cplusplus
}
#endif
#endif
