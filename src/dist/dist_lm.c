/* nb_dist_trainlm and nb_dist_trainbr: Levenberg–Marquardt across ranks.
 * Each rank keeps a contiguous slice of the rows of every set (rank r of n:
 * rows [N·r/n, N·(r+1)/n)) and runs trainlm.c's loop on it with the
 * nb_lm_parallel hooks of nabla/train_lm.h, which sum J'J, J'e (as
 * double-doubles), the squared errors and the counts over the ranks: every rank then solves the same
 * P x P system and takes the same step.  The training layer knows nothing
 * of MPI; this file is the whole of the distributed part. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dist/dist_internal.h"
#include "nabla/autograd.h"
#include "nabla/ops_shape.h"
#include "nabla/train_lm.h"

static int nb_dist_lm_sum(double *v, int64_t n, void *ctx)
{
    (void)ctx;
    return nb__dist_sum("Levenberg-Marquardt sum", v, n, NB_F64);
}

static int nb_dist_lm_sum_pairs(double *hi, double *lo, int64_t n, void *ctx)
{
    (void)ctx;
    return nb__dist_sum_pairs("J'J and J'e sum", hi, lo, n);
}

/* Whether every given set has x and y of the same number of rows (else the
 * data goes to nb_trainlm whole, which says what is wrong). */
static bool nb_dist_lm_rows_agree(const nb_train_data *d)
{
    nb_tensor *xs[3] = {d->x, d->val_x, d->test_x}, *ys[3] = {d->y, d->val_y, d->test_y};
    for (int i = 0; i < 3; i++) {
        if (!xs[i] && !ys[i])
            continue;
        if (!xs[i] || !ys[i] || xs[i]->ndim < 1 || ys[i]->ndim < 1 ||
            xs[i]->shape[0] != ys[i]->shape[0])
            return false;
    }
    return true;
}

/* This rank's rows of one set (a copy in the current arena). */
static int nb_dist_lm_slice(const char *api, const char *name, nb_tensor *x, nb_tensor *y,
                            nb_tensor **xs, nb_tensor **ys)
{
    if (!x)
        return 0;
    int64_t n = x->shape[0], rank = nb__dist_rank(), size = nb__dist_size();
    if (n < size)
        return nb__error(NB_ERR_ARG, "%s: data->%s has %lld rows, fewer than the %lld ranks (each "
                         "rank needs a sample of every set)", api, name, (long long)n,
                         (long long)size);
    *xs = nb_slice(x, 0, n * rank / size, n * (rank + 1) / size);
    *ys = *xs ? nb_slice(y, 0, n * rank / size, n * (rank + 1) / size) : NULL;
    return *ys ? 0 : nb__error_context(api, "taking this rank's rows of data->%s", name);
}

static int nb_dist_lm(const char *api, bool br, nb_model *model, const nb_train_data *data,
                      const nb_trainlm_opts *opts, nb_train_record *record)
{
    nb_trainlm_opts o = opts ? *opts : (nb_trainlm_opts){0};
    if (!data && record)
        *record = (nb_train_record){0};
    int rc = !data ? nb__error(NB_ERR_NULL, "%s: data is NULL", api)
                   : nb__dist_begin(api, record, o.parallel != NULL, model);
    if (rc < 0)
        return rc;
    const char *lm_api = br ? "nb_trainbr" : "nb_trainlm";
    if (nb__dist_rank() != 0)
        o.verbose = -1;
    /* One rank sums through the hooks too (double-doubles), so that 1, 2
     * and 4 ranks take the same steps to the last bits. */
    if (!nb_dist_lm_rows_agree(data)) {
        rc = br ? nb_trainbr(model, data, &o, record) : nb_trainlm(model, data, &o, record);
        return nb__dist_rename(rc, lm_api, api);
    }
    nb_arena *rows = nb_arena_new();
    if (!rows)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory for this rank's rows", api);
    nb_arena *prev = nb_arena_use(rows);
    bool was = nb_set_grad_enabled(false);
    nb_train_data d = *data;
    rc = nb_dist_lm_slice(api, "x", data->x, data->y, &d.x, &d.y);
    if (rc == 0)
        rc = nb_dist_lm_slice(api, "val_x", data->val_x, data->val_y, &d.val_x, &d.val_y);
    if (rc == 0)
        rc = nb_dist_lm_slice(api, "test_x", data->test_x, data->test_y, &d.test_x, &d.test_y);
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    if (rc == 0) {
        nb_lm_parallel par = {.sum = nb_dist_lm_sum, .sum_pairs = nb_dist_lm_sum_pairs};
        o.parallel = &par;
        rc = br ? nb_trainbr(model, &d, &o, record) : nb_trainlm(model, &d, &o, record);
        rc = nb__dist_rename(rc, lm_api, api);
    }
    nb_arena_free(rows);
    return rc;
}

int nb_dist_trainlm(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record)
{
    return nb_dist_lm("nb_dist_trainlm", false, model, data, opts, record);
}

int nb_dist_trainbr(nb_model *model, const nb_train_data *data, const nb_trainlm_opts *opts,
                    nb_train_record *record)
{
    return nb_dist_lm("nb_dist_trainbr", true, model, data, opts, record);
}
