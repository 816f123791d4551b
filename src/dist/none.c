/* The distributed module in a library built without MPI: every function
 * exists, so a program using nabla/dist.h links against every build, and
 * fails with NB_ERR_STATE saying why. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "core/tensor_internal.h"
#include "nabla/dist.h"

static int nb_no_mpi(const char *api)
{
    return nb__error(NB_ERR_STATE, "%s: nabla was built without MPI (configure --with-mpi, "
                     "with libopenmpi-dev installed)", api);
}

bool nb_dist_available(void) { return false; }
int nb_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return nb_no_mpi("nb_dist_init");
}
int nb_dist_finalize(void) { return nb_no_mpi("nb_dist_finalize"); }
int nb_dist_rank(void) { return nb_no_mpi("nb_dist_rank"); }
int nb_dist_size(void) { return nb_no_mpi("nb_dist_size"); }
int nb_dist_broadcast_params(nb_model *model)
{
    (void)model;
    return nb_no_mpi("nb_dist_broadcast_params");
}
int nb_dist_average_grads(nb_model *model)
{
    (void)model;
    return nb_no_mpi("nb_dist_average_grads");
}
int nb_dist_train(nb_model *model, nb_optim *opt, nb_loss_fn loss, const nb_train_data *data,
                  const nb_train_opts *opts, nb_train_record *record)
{
    (void)model;
    (void)opt;
    (void)loss;
    (void)data;
    (void)opts;
    if (record)
        *record = (nb_train_record){0};
    return nb_no_mpi("nb_dist_train");
}
int nb_dist_trainlm(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record)
{
    (void)model;
    (void)data;
    (void)opts;
    if (record)
        *record = (nb_train_record){0};
    return nb_no_mpi("nb_dist_trainlm");
}
int nb_dist_trainbr(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record)
{
    (void)model;
    (void)data;
    (void)opts;
    if (record)
        *record = (nb_train_record){0};
    return nb_no_mpi("nb_dist_trainbr");
}
double nb_dist_set_timeout(double seconds)
{
    (void)seconds;
    return 0;
}
int nb_dist_abort(int code)
{
    (void)code;
    return nb_no_mpi("nb_dist_abort");
}
