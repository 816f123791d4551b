/* Shuffling rows and MATLAB-style random train/validation/test splits. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>

#include "core/option_check.h"
#include "io/io_util.h"
#include "nabla/io.h"

/* y (may be NULL) must have x's number of rows. */
static int check_pair(const nb_tensor *x, const nb_tensor *y, const char *op)
{
    int rc = nb__io_check_rows(x, op, "x");
    if (rc < 0)
        return rc;
    if (!y)
        return NB_OK;
    rc = nb__io_check_rows(y, op, "y");
    if (rc < 0)
        return rc;
    if (y->shape[0] != x->shape[0])
        return nb__error(NB_ERR_SHAPE, "%s: x has %lld rows but y has %lld; they must pair up", op,
                         (long long)x->shape[0], (long long)y->shape[0]);
    return NB_OK;
}

static void swap_rows(nb_tensor *t, int64_t a, int64_t b)
{
    size_t bytes = (size_t)nb__io_row_elems(t) * nb_dtype_size(t->dtype);
    unsigned char *pa = (unsigned char *)t->data + (size_t)a * bytes;
    unsigned char *pb = (unsigned char *)t->data + (size_t)b * bytes;
    for (size_t i = 0; i < bytes; i++) {
        unsigned char c = pa[i];
        pa[i] = pb[i];
        pb[i] = c;
    }
}

int nb_shuffle_rows(nb_rng *rng, nb_tensor *x, nb_tensor *y)
{
    static const char *op = "nb_shuffle_rows";
    if (!rng)
        return nb__null_input(op, "rng");
    int rc = check_pair(x, y, op);
    if (rc < 0)
        return rc;
    /* Fisher–Yates, swapping whole rows of both tensors in step. */
    for (int64_t i = x->shape[0] - 1; i > 0; i--) {
        int64_t j = nb_rng_below(rng, i + 1);
        if (j != i) {
            swap_rows(x, i, j);
            if (y)
                swap_rows(y, i, j);
        }
    }
    nb_tensor_bump_version(x);
    if (y)
        nb_tensor_bump_version(y);
    return NB_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int nb_dividerand(nb_rng *rng, const nb_tensor *x, const nb_tensor *y, const nb_divide_opts *opts,
                  nb_split *out)
{
    static const char *op = "nb_dividerand";
    if (!out)
        return nb__null_input(op, "out");
    *out = (nb_split){0};
    if (!rng)
        return nb__null_input(op, "rng");
    int rc = check_pair(x, y, op);
    if (rc < 0)
        return rc;
    double tr = 0.7, va = 0.15, te = 0.15;
    if (opts && (opts->train != 0 || opts->val != 0 || opts->test != 0)) {
        tr = opts->train;
        va = opts->val;
        te = opts->test;
    }
    if (nb__check_opt(op, "train", tr, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(op, "val", va, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(op, "test", te, 0, INFINITY, "[)") < 0)
        return NB_ERR_ARG;
    /* All three >= 0 and not all 0 (that means the defaults): the sum is
     * positive, and infinite only when huge ratios overflow. */
    double sum = tr + va + te;
    if (!isfinite(sum))
        return nb__error(NB_ERR_ARG, "%s: ratios %g/%g/%g sum to inf; scale them down (only "
                         "their proportions matter)", op, tr, va, te);
    int64_t n = x->shape[0];
    int64_t nval = (int64_t)llround(va / sum * (double)n);
    int64_t ntest = (int64_t)llround(te / sum * (double)n);
    if (nval + ntest > n) /* only when rounding both up overshoots */
        ntest = n - nval;
    int64_t ntrain = n - nval - ntest;

    int64_t *idx = nb_arena_alloc(nb_arena_current(), (size_t)(n ? n : 1) * sizeof *idx);
    if (!idx)
        return nb_arena_current() ? NB_ERR_NOMEM
                                  : nb__error(NB_ERR_STATE, "%s: no current arena (call "
                                                            "nb_arena_use(arena) first)", op);
    for (int64_t i = 0; i < n; i++)
        idx[i] = i;
    nb_rng_shuffle(rng, idx, n);
    /* MATLAB returns each part's indices sorted, so rows keep their order. */
    qsort(idx, (size_t)ntrain, sizeof *idx, cmp_i64);
    qsort(idx + ntrain, (size_t)nval, sizeof *idx, cmp_i64);
    qsort(idx + ntrain + nval, (size_t)ntest, sizeof *idx, cmp_i64);

    nb_split s = {.n_train = ntrain, .n_val = nval, .n_test = ntest,
                  .train_idx = idx, .val_idx = idx + ntrain, .test_idx = idx + ntrain + nval};
    s.x_train = nb__io_take_rows(x, s.train_idx, ntrain, op);
    s.x_val = nb__io_take_rows(x, s.val_idx, nval, op);
    s.x_test = nb__io_take_rows(x, s.test_idx, ntest, op);
    if (!s.x_train || !s.x_val || !s.x_test)
        return nb_last_status();
    if (y) {
        s.y_train = nb__io_take_rows(y, s.train_idx, ntrain, op);
        s.y_val = nb__io_take_rows(y, s.val_idx, nval, op);
        s.y_test = nb__io_take_rows(y, s.test_idx, ntest, op);
        if (!s.y_train || !s.y_val || !s.y_test)
            return nb_last_status();
    }
    *out = s;
    return NB_OK;
}
