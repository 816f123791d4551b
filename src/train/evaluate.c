/* Loss and accuracy of a model on a data set, with recording off. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "core/index_check.h"
#include "nabla/arena.h"
#include "nabla/autograd.h"
#include "nabla/ops_shape.h"
#include "train/train_internal.h"

double nb__accuracy(const nb_tensor *pred, const nb_tensor *y)
{
    int64_t rows = pred->ndim >= 1 ? pred->shape[0] : 1;
    int64_t k = rows ? pred->numel / rows : 0;
    if (rows == 0 || k == 0)
        return 0;
    int64_t hits = 0;
    for (int64_t r = 0; r < rows; r++) {
        int64_t guess = 0;
        if (k == 1) {
            guess = nb__get(pred, r) > 0.5;
        } else {
            for (int64_t j = 1; j < k; j++)
                if (nb__get(pred, r * k + j) > nb__get(pred, r * k + guess))
                    guess = j;
        }
        if (y->ndim == 1) {
            /* compared as doubles: no conversion of a value out of int64's range */
            hits += (double)guess == nb__get(y, r);
            continue;
        }
        int64_t want;
        if (k == 1) {
            want = nb__get(y, r) > 0.5;
        } else {
            want = 0;
            for (int64_t j = 1; j < k; j++)
                if (nb__get(y, r * k + j) > nb__get(y, r * k + want))
                    want = j;
        }
        hits += guess == want;
    }
    return (double)hits / (double)rows;
}

int nb__check_xy(const char *api, const nb_model *model, nb_tensor *x, nb_tensor *y,
                 const char *xname, const char *yname)
{
    char s1[96], s2[96];
    int rc = nb__check_tensor(x, api, xname);
    if (rc == 0)
        rc = nb__check_tensor(y, api, yname);
    if (rc < 0)
        return rc;
    nb_dtype dtype = nb_model_dtype(model);
    if (x->dtype != dtype || y->dtype != dtype)
        return nb__error(NB_ERR_DTYPE, "%s: %s is %s and %s is %s but the model is %s", api, xname,
                         nb_dtype_name(x->dtype), yname, nb_dtype_name(y->dtype),
                         nb_dtype_name(dtype));
    if (x->ndim != 2 || x->shape[0] < 1)
        return nb__error(NB_ERR_SHAPE, "%s: %s is %s; it must be 2-D with one sample per row",
                         api, xname, nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1));
    if ((y->ndim != 1 && y->ndim != 2) || y->shape[0] != x->shape[0])
        return nb__error(NB_ERR_SHAPE,
                         "%s: %s is %s but %s is %s: targets need one row per sample (2-D) or one "
                         "class label per sample (1-D)%s", api, yname,
                         nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1), xname,
                         nb__shape_fmt(x->ndim, x->shape, s2, sizeof s2),
                         y->ndim == 2 && y->shape[1] == x->shape[0] ? "; transpose the targets?"
                                                                     : "");
    return 0;
}

/* 1-D class labels y against the outputs pred: through the one check of
 * labels (core/index_check.h). */
static int nb_check_labels(const char *api, const char *name, const nb_tensor *pred,
                           const nb_tensor *y)
{
    int64_t rows = pred->ndim >= 1 ? pred->shape[0] : 1;
    int64_t k = rows ? pred->numel / rows : 0;
    nb__index_desc d = {api, name, "label", "row", "classes", NB_ERR_ARG};
    return nb__check_index_values(&d, y, k == 1 ? 2 : k);
}

/* One forward pass and loss over (x, y).  labels: the whole set's 1-D labels
 * to check (so a message names the row in the whole set), or NULL. */
static int nb_eval_once(const char *api, nb_model *model, nb_loss_fn loss, nb_tensor *x,
                        nb_tensor *y, const nb_tensor *labels, const char *labels_name,
                        double *loss_out, double *acc)
{
    int rc = 0;
    /* evaluation mode: dropout off, batch norm on its running statistics */
    bool was_training = nb_model_set_training(model, false);
    NB_NO_GRAD {
        nb_tensor *pred = nb_model_forward(model, x);
        if (pred && labels)
            rc = nb_check_labels(api, labels_name, pred, labels);
        nb_tensor *l = pred && rc == 0 ? loss(pred, y, NB_REDUCE_MEAN) : NULL;
        if (rc < 0) {
            /* reported */
        } else if (!l) {
            rc = nb__error_pending() ? nb_last_status()
                                     : nb__error(NB_ERR_ARG, "%s: the loss function returned "
                                                             "NULL", api);
        } else if (l->numel != 1) {
            rc = nb__error(NB_ERR_SHAPE, "%s: the loss has %lld elements; it must be one number "
                           "(reduce it with nb_sum or a mean)", api, (long long)l->numel);
        } else {
            if (loss_out)
                *loss_out = nb__get(l, 0);
            if (acc)
                *acc = nb__accuracy(pred, y);
        }
    }
    nb_model_set_training(model, was_training);
    return rc;
}

/* Rows per evaluation pass.  A whole test set at once would hold its
 * activations (10,000 x 1024 floats per layer of a 1024-wide net) beside
 * the training's, raising the run's peak well above its training plateau.
 * Chunks of 1024 rows still raised W2's peak (784-1024-1024-10, batch 256)
 * to 1.13x its plateau (bench_mlp's peak_rss_mb / plateau_rss_mb): a
 * chunk's temporaries are about a dozen 1024 x 1024 floats, in an arena of
 * their own beside the idle step arena.  256 rows, the largest minibatch of
 * the benchmarks, hold a quarter of that and still run the matrix products
 * at the speed training gets from them. */
#define NB__EVAL_CHUNK 256

int nb__eval_in(const char *api, nb_model *model, nb_loss_fn loss, nb_tensor *x, nb_tensor *y,
                const char *labels_name, double *loss_out, double *acc)
{
    const nb_tensor *labels = labels_name && y->ndim == 1 ? y : NULL;
    int64_t n = x->shape[0];
    if (n <= NB__EVAL_CHUNK)
        return nb_eval_once(api, model, loss, x, y, labels, labels_name, loss_out, acc);
    /* Each chunk's temporaries live in an arena of its own, reset after it,
     * so memory stays at one chunk's worth.  The loss is taken to be a mean
     * over rows (as every loss of the library is): chunk means weighted by
     * their rows give the whole set's mean. */
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    nb_arena *chunk = nb_arena_new_opts(&ao);
    if (!chunk)
        return nb_last_status();
    nb_arena *prev = nb_arena_current();
    double loss_sum = 0, hit_sum = 0;
    int rc = 0;
    for (int64_t r0 = 0; r0 < n && rc == 0; r0 += NB__EVAL_CHUNK) {
        int64_t r1 = n - r0 < NB__EVAL_CHUNK ? n : r0 + NB__EVAL_CHUNK;
        double l = 0, a = 0;
        nb_arena_use(chunk);
        nb_tensor *xs = NULL, *ys = NULL;
        NB_NO_GRAD {
            xs = nb_slice(x, 0, r0, r1);
            ys = xs ? nb_slice(y, 0, r0, r1) : NULL;
        }
        /* labels are checked once, on the whole set, with the first chunk */
        rc = !ys ? nb_last_status()
                 : nb_eval_once(api, model, loss, xs, ys, r0 == 0 ? labels : NULL, labels_name,
                                &l, acc ? &a : NULL);
        loss_sum += l * (double)(r1 - r0);
        hit_sum += a * (double)(r1 - r0);
        nb_arena_use(prev);
        nb_arena_reset(chunk);
    }
    nb_arena_free(chunk);
    if (rc < 0)
        return rc;
    if (loss_out)
        *loss_out = loss_sum / (double)n;
    if (acc)
        *acc = hit_sum / (double)n;
    return 0;
}

int nb_model_evaluate(nb_model *model, nb_loss_fn loss, nb_tensor *x, nb_tensor *y,
                      double *loss_out, double *acc)
{
    static const char api[] = "nb_model_evaluate";
    if (!model || !loss)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "loss");
    int rc = nb__check_xy(api, model, x, y, "x", "y");
    if (rc < 0)
        return rc;
    nb_arena *own = NULL;
    if (!nb_arena_current()) {
        nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
        if (!(own = nb_arena_new_opts(&ao)))
            return nb_last_status();
        nb_arena_use(own);
    }
    rc = nb__eval_in(api, model, loss, x, y, acc ? "y" : NULL, loss_out, acc);
    if (own) {
        nb_arena_use(NULL);
        nb_arena_free(own);
    }
    return rc;
}
