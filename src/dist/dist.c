/* The distributed module on MPI: start and stop, rank and size, and the two
 * collectives a data-parallel step needs (a broadcast of the flat parameter
 * buffer, an allreduce of the flat gradient buffer).
 *
 * All communication goes over a private duplicate of MPI_COMM_WORLD whose
 * error handler is MPI_ERRORS_RETURN: a failing call returns here and
 * becomes an NB_ERR_IO message with MPI's own words, instead of MPI's
 * default (ending every process), and the program's communicators keep
 * whatever handler it gave them. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dist/dist_internal.h"

static struct {
    bool started;
    bool own_mpi;  /* nb_dist_init called MPI_Init, so finalize ends MPI */
    MPI_Comm comm; /* our duplicate of MPI_COMM_WORLD */
    int rank, size;
    double timeout; /* seconds a collective may wait; 0 = no bound */
} nb_dist;

bool nb_dist_available(void) { return true; }

/* Record MPI's message for a failed call `what` of `api`. */
static int nb_mpi_error(const char *api, const char *what, int code)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, msg, &len) != MPI_SUCCESS)
        len = 0;
    msg[len] = '\0';
    return nb__error(NB_ERR_IO, "%s: %s failed: %s (error %d; a process of the job may have "
                     "died)", api, what, len ? msg : "unknown MPI error", code);
}

double nb_dist_set_timeout(double seconds)
{
    double old = nb_dist.timeout;
    nb_dist.timeout = isfinite(seconds) && seconds > 0 ? seconds : 0;
    return old;
}

/* Wait for a non-blocking collective, at most nb_dist.timeout seconds:
 * MPI_Test in a loop (Open MPI moves the data inside MPI_Test, so a sleep
 * between tests delays the collective itself: measured +1 ms on an 0.8 ms
 * allreduce with 50 us sleeps), sleeping 1 ms between tests only once the
 * wait passed 0.1 s, when a rank is late anyway. */
static int nb_dist_wait(const char *api, const char *what, MPI_Request *req)
{
    double t0 = MPI_Wtime();
    for (;;) {
        int done = 0, rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS)
            return nb_mpi_error(api, what, rc);
        if (done)
            return NB_OK;
        double waited = MPI_Wtime() - t0;
        if (waited > nb_dist.timeout)
            return nb__error(NB_ERR_IO, "%s: %s: no answer from the other ranks in %g s (a "
                             "rank died, failed or is stuck); the job cannot go on: end it "
                             "(nb_dist_abort)", api, what, nb_dist.timeout);
        if (waited > 0.1)
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
}

/* One in-place sum or broadcast, bounded by the timeout when one is set. */
static int nb_dist_allreduce(const char *api, void *buf, int n, MPI_Datatype t, MPI_Op op)
{
    int rc;
    if (nb_dist.timeout <= 0) {
        if ((rc = MPI_Allreduce(MPI_IN_PLACE, buf, n, t, op, nb_dist.comm)) != MPI_SUCCESS)
            return nb_mpi_error(api, "MPI_Allreduce", rc);
        return NB_OK;
    }
    MPI_Request req;
    if ((rc = MPI_Iallreduce(MPI_IN_PLACE, buf, n, t, op, nb_dist.comm, &req)) != MPI_SUCCESS)
        return nb_mpi_error(api, "MPI_Iallreduce", rc);
    return nb_dist_wait(api, "MPI_Iallreduce", &req);
}

static int nb_dist_bcast(const char *api, void *buf, int n, MPI_Datatype t)
{
    int rc;
    if (nb_dist.timeout <= 0) {
        if ((rc = MPI_Bcast(buf, n, t, 0, nb_dist.comm)) != MPI_SUCCESS)
            return nb_mpi_error(api, "MPI_Bcast", rc);
        return NB_OK;
    }
    MPI_Request req;
    if ((rc = MPI_Ibcast(buf, n, t, 0, nb_dist.comm, &req)) != MPI_SUCCESS)
        return nb_mpi_error(api, "MPI_Ibcast", rc);
    return nb_dist_wait(api, "MPI_Ibcast", &req);
}

int nb__dist_check_started(const char *api)
{
    if (!nb_dist.started)
        return nb__error(NB_ERR_STATE, "%s: the distributed module is not started (call "
                         "nb_dist_init first)", api);
    return NB_OK;
}

int nb_dist_init(int *argc, char ***argv)
{
    static const char api[] = "nb_dist_init";
    if (nb_dist.started)
        return NB_OK;
    int flag = 0, rc = MPI_Initialized(&flag);
    if (rc != MPI_SUCCESS)
        return nb_mpi_error(api, "MPI_Initialized", rc);
    int fin = 0;
    MPI_Finalized(&fin);
    if (fin)
        return nb__error(NB_ERR_STATE, "%s: MPI was already finalised; it cannot start again", api);
    if (!flag) {
        if ((rc = MPI_Init(argc, argv)) != MPI_SUCCESS)
            return nb_mpi_error(api, "MPI_Init", rc);
        nb_dist.own_mpi = true;
    }
    MPI_Comm comm;
    if ((rc = MPI_Comm_dup(MPI_COMM_WORLD, &comm)) != MPI_SUCCESS)
        return nb_mpi_error(api, "MPI_Comm_dup", rc);
    if ((rc = MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN)) != MPI_SUCCESS ||
        (rc = MPI_Comm_rank(comm, &nb_dist.rank)) != MPI_SUCCESS ||
        (rc = MPI_Comm_size(comm, &nb_dist.size)) != MPI_SUCCESS) {
        MPI_Comm_free(&comm);
        return nb_mpi_error(api, "setting up the communicator", rc);
    }
    nb_dist.comm = comm;
    nb_dist.started = true;
    return NB_OK;
}

int nb_dist_finalize(void)
{
    if (!nb_dist.started)
        return NB_OK;
    nb_dist.started = false;
    int rc = MPI_Comm_free(&nb_dist.comm);
    if (rc != MPI_SUCCESS)
        return nb_mpi_error("nb_dist_finalize", "MPI_Comm_free", rc);
    if (nb_dist.own_mpi) {
        nb_dist.own_mpi = false;
        if ((rc = MPI_Finalize()) != MPI_SUCCESS)
            return nb_mpi_error("nb_dist_finalize", "MPI_Finalize", rc);
    }
    return NB_OK;
}

int nb_dist_rank(void)
{
    int rc = nb__dist_check_started("nb_dist_rank");
    return rc < 0 ? rc : nb_dist.rank;
}

int nb_dist_size(void)
{
    int rc = nb__dist_check_started("nb_dist_size");
    return rc < 0 ? rc : nb_dist.size;
}

int nb_dist_abort(int code)
{
    int flag = 0;
    MPI_Initialized(&flag);
    if (!flag)
        return nb__error(NB_ERR_STATE, "nb_dist_abort: MPI is not initialised");
    MPI_Abort(MPI_COMM_WORLD, code);
    return nb__error(NB_ERR_IO, "nb_dist_abort: MPI_Abort returned");
}

/* MPI counts are int: a buffer past 2^30 values goes in pieces. */
#define NB_DIST_PIECE ((int64_t)1 << 30)

int nb__dist_sum(const char *api, void *buf, int64_t n, nb_dtype dtype)
{
    MPI_Datatype t = dtype == NB_F64 ? MPI_DOUBLE : MPI_FLOAT;
    size_t esize = nb_dtype_size(dtype);
    for (int64_t off = 0; off < n; off += NB_DIST_PIECE) {
        int64_t k = n - off < NB_DIST_PIECE ? n - off : NB_DIST_PIECE;
        int rc = nb_dist_allreduce(api, (char *)buf + (size_t)off * esize, (int)k, t, MPI_SUM);
        if (rc < 0)
            return rc;
    }
    return NB_OK;
}

/* inout[i] += in[i] for double-doubles (hi, lo): Knuth's two-sum of the
 * high parts, the error and the low parts added, then renormalised.  Exact
 * up to ~1e-32 and commutative, so the order MPI sums in hardly matters. */
static void nb_dist_dd_add(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    const double *a = in;
    double *b = inout;
    for (int i = 0; i < *len; i++) {
        double ah = a[2 * i], bh = b[2 * i];
        double s = ah + bh, bp = s - ah;
        double e = (ah - (s - bp)) + (bh - bp) + (a[2 * i + 1] + b[2 * i + 1]);
        double h = s + e;
        b[2 * i] = h;
        b[2 * i + 1] = e - (h - s);
    }
}

int nb__dist_sum_pairs(const char *api, double *hi, double *lo, int64_t n)
{
    if (nb_dist.size <= 1)
        return NB_OK;
    /* interleaved (hi, lo) pairs: one MPI datatype of two doubles, summed
     * by a user operation */
    double *buf = malloc(sizeof *buf * 2 * (size_t)n);
    if (!buf)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory for %lld sums", api, (long long)n);
    for (int64_t i = 0; i < n; i++) {
        buf[2 * i] = hi[i];
        buf[2 * i + 1] = lo[i];
    }
    MPI_Datatype pair;
    MPI_Op op;
    int rc = MPI_Type_contiguous(2, MPI_DOUBLE, &pair);
    if (rc == MPI_SUCCESS && (rc = MPI_Type_commit(&pair)) != MPI_SUCCESS)
        MPI_Type_free(&pair);
    if (rc != MPI_SUCCESS) {
        free(buf);
        return nb_mpi_error(api, "MPI_Type_contiguous", rc);
    }
    if ((rc = MPI_Op_create(nb_dist_dd_add, 1, &op)) != MPI_SUCCESS) {
        MPI_Type_free(&pair);
        free(buf);
        return nb_mpi_error(api, "MPI_Op_create", rc);
    }
    for (int64_t off = 0; off < n && rc >= 0; off += NB_DIST_PIECE) {
        int64_t k = n - off < NB_DIST_PIECE ? n - off : NB_DIST_PIECE;
        rc = nb_dist_allreduce(api, buf + 2 * off, (int)k, pair, op);
    }
    MPI_Op_free(&op);
    MPI_Type_free(&pair);
    for (int64_t i = 0; rc >= 0 && i < n; i++) {
        hi[i] = buf[2 * i];
        lo[i] = buf[2 * i + 1];
    }
    free(buf);
    return rc < 0 ? rc : NB_OK;
}

int nb__dist_size(void) { return nb_dist.size; }
int nb__dist_rank(void) { return nb_dist.rank; }

int nb_dist_broadcast_params(nb_model *model)
{
    return nb__dist_broadcast_as("nb_dist_broadcast_params", model);
}

int nb__dist_broadcast_as(const char *api, nb_model *model)
{
    int rc = nb__dist_check_started(api);
    if (rc < 0)
        return rc;
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    nb_tensor *p = nb_model_params_flat(model);
    if (!p)
        return nb__error_context(api, "gathering the parameters");
    /* the same size and dtype everywhere, or a broadcast would truncate or
     * hang: max of (n, -n, dtype, -dtype) gives the max and min of each */
    long long v[4] = {p->numel, -p->numel, p->dtype, -(long long)p->dtype};
    if ((rc = nb_dist_allreduce(api, v, 4, MPI_LONG_LONG, MPI_MAX)) < 0)
        return rc;
    if (v[0] != -v[1] || v[2] != -v[3])
        return nb__error(NB_ERR_SHAPE, "%s: the ranks' models differ (%lld to %lld parameters, "
                         "dtype codes %lld to %lld); build the same model on every rank",
                         api, -v[1], v[0], -v[3], v[2]);
    MPI_Datatype t = p->dtype == NB_F64 ? MPI_DOUBLE : MPI_FLOAT;
    size_t esize = nb_dtype_size(p->dtype);
    for (int64_t off = 0; off < p->numel; off += NB_DIST_PIECE) {
        int64_t k = p->numel - off < NB_DIST_PIECE ? p->numel - off : NB_DIST_PIECE;
        if ((rc = nb_dist_bcast(api, (char *)p->data + (size_t)off * esize, (int)k, t)) < 0)
            return rc;
    }
    nb_tensor_bump_version(p); /* and so of every parameter */
    return NB_OK;
}

int nb__dist_average_as(const char *api, nb_model *model, double scale)
{
    int rc = nb__dist_check_started(api);
    if (rc < 0)
        return rc;
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    nb_tensor *g = nb_model_grads_flat(model);
    if (!g)
        return nb__error_context(api, "gathering the gradients");
    int64_t n = g->numel;
    /* scale before the sum (a slice's weight), divide after it (the mean) */
    if (scale != 1) {
        if (g->dtype == NB_F64)
            for (int64_t i = 0; i < n; i++)
                ((double *)g->data)[i] *= scale;
        else
            for (int64_t i = 0; i < n; i++)
                ((float *)g->data)[i] = (float)(((float *)g->data)[i] * scale);
    }
    if (nb_dist.size > 1 && (rc = nb__dist_sum(api, g->data, n, g->dtype)) < 0)
        return rc;
    double inv = 1.0 / nb_dist.size;
    if (nb_dist.size > 1) {
        if (g->dtype == NB_F64)
            for (int64_t i = 0; i < n; i++)
                ((double *)g->data)[i] /= nb_dist.size;
        else
            for (int64_t i = 0; i < n; i++)
                ((float *)g->data)[i] = (float)(((float *)g->data)[i] * inv);
    }
    nb_tensor_bump_version(g);
    return NB_OK;
}

int nb_dist_average_grads(nb_model *model)
{
    return nb__dist_average_as("nb_dist_average_grads", model, 1);
}

int nb__dist_rename(int rc, const char *from, const char *api)
{
    size_t n = strlen(from);
    const char *msg = nb_last_error();
    if (rc < 0 && strncmp(msg, from, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ') {
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", msg + n + 2);
        nb__error(rc, "%s: %s", api, rest);
    }
    return rc;
}

int nb__dist_begin(const char *api, nb_train_record *record, bool parallel_set, nb_model *model)
{
    if (record)
        *record = (nb_train_record){0};
    int rc = nb__dist_check_started(api);
    if (rc < 0)
        return rc;
    if (parallel_set)
        return nb__error(NB_ERR_ARG, "%s: opts->parallel is set; leave it NULL, this function "
                         "fills it", api);
    return nb__dist_broadcast_as(api, model);
}
