/* nb_dist_train: nb_train with the data-parallel hooks of nabla/train.h
 * filled in on MPI.  The training loop itself knows nothing of MPI: it
 * takes its slice of every batch and calls the hooks, so this file is the
 * whole of the distributed loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dist/dist_internal.h"

static const char api[] = "nb_dist_train";

/* Each rank's gradient is the mean over its `rows`; the global batch's is
 * sum_r rows_r * g_r / total = mean_r (rows_r * size / total) * g_r. */
static int nb_dist_reduce_grads(nb_model *model, int64_t rows, int64_t total, void *ctx)
{
    (void)ctx;
    double scale = total > 0 ? (double)rows * nb__dist_size() / (double)total : 0;
    return nb__dist_average_as("gradient allreduce", model, scale);
}

static int nb_dist_sum_hook(double *v, int n, void *ctx)
{
    (void)ctx;
    return nb__dist_sum("epoch loss sum", v, n, NB_F64);
}

int nb_dist_train(nb_model *model, nb_optim *opt, nb_loss_fn loss, const nb_train_data *data,
                  const nb_train_opts *opts, nb_train_record *record)
{
    nb_train_opts o = opts ? *opts : (nb_train_opts){0};
    int rc = nb__dist_begin(api, record, o.parallel != NULL, model);
    if (rc < 0)
        return rc;
    nb_train_parallel par = {.rank = nb__dist_rank(), .size = nb__dist_size(),
                             .reduce_grads = nb_dist_reduce_grads, .sum = nb_dist_sum_hook};
    o.parallel = &par;
    if (par.rank != 0)
        o.verbose = -1;
    rc = nb_train(model, opt, loss, data, &o, record);
    return nb__dist_rename(rc, "nb_train", api);
}
