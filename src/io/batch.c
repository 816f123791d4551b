/* Minibatch iteration: a visiting order of the rows, reshuffled per epoch
 * when asked, and batches copied row by row into the current arena (so a
 * training loop that resets its step arena makes no malloc here).  This is
 * the one shuffled-minibatch loop of the library: nb_train walks its
 * epochs with it too (io/batch.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "io/batch.h"
#include "io/io_util.h"

/* The first epoch visits a shuffle of 0..n-1; each later one a shuffle of
 * the order before it (as uniform, and the sequence nb_train has always
 * drawn from its seed). */
static void new_order(nb_batch_iter *it, bool first)
{
    if (first)
        for (int64_t i = 0; i < it->n; i++)
            it->order[i] = i;
    if (it->shuffle)
        nb_rng_shuffle(&it->rng, it->order, it->n);
}

int nb__batch_iter_init_as(const char *op, nb_batch_iter *it, const nb_tensor *x,
                           const nb_tensor *y, const nb_batch_opts *opts)
{
    if (!it)
        return nb__null_input(op, "it");
    memset(it, 0, sizeof *it);
    if (!opts)
        return nb__null_input(op, "opts");
    int rc = nb__io_check_rows(x, op, "x");
    if (rc < 0)
        return rc;
    if (y) {
        if ((rc = nb__io_check_rows(y, op, "y")) < 0)
            return rc;
        if (y->shape[0] != x->shape[0])
            return nb__error(NB_ERR_SHAPE, "%s: x has %lld rows but y has %lld", op,
                             (long long)x->shape[0], (long long)y->shape[0]);
    }
    if (opts->batch_size <= 0)
        return nb__error(NB_ERR_ARG, "%s: batch_size is %lld (must be > 0)", op,
                         (long long)opts->batch_size);
    int shards = opts->num_shards ? opts->num_shards : 1;
    if (shards < 0 || opts->shard < 0 || opts->shard >= shards)
        return nb__error(NB_ERR_ARG, "%s: shard is %d of num_shards %d (need 0 <= shard < "
                         "num_shards, or both 0)", op, opts->shard, opts->num_shards);
    nb_arena *arena = nb_arena_current();
    if (!arena)
        return nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
    int64_t n = x->shape[0];
    int64_t *order = nb_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *order);
    if (!order) /* named for the caller, not nb_arena_alloc */
        return nb__error(NB_ERR_NOMEM, "%s: out of memory (an order of %lld rows)", op,
                         (long long)n);
    it->x = x;
    it->y = y;
    it->n = n;
    it->batch_size = opts->batch_size;
    it->order = order;
    it->shard = opts->shard;
    it->num_shards = shards;
    it->shuffle = opts->shuffle;
    it->drop_last = opts->drop_last;
    nb_rng_seed(&it->rng, opts->seed);
    it->epoch = 1;
    new_order(it, true);
    return NB_OK;
}

int nb_batch_iter_init(nb_batch_iter *it, const nb_tensor *x, const nb_tensor *y,
                       const nb_batch_opts *opts)
{
    return nb__batch_iter_init_as("nb_batch_iter_init", it, x, y, opts);
}

int64_t nb_batch_count(const nb_batch_iter *it)
{
    if (!it || it->batch_size <= 0)
        return 0;
    return it->drop_last ? it->n / it->batch_size : (it->n + it->batch_size - 1) / it->batch_size;
}

int nb_batch_iter_reset(nb_batch_iter *it)
{
    if (!it || !it->order)
        return nb__null_input("nb_batch_iter_reset", "iterator (not initialised?)");
    it->pos = 0;
    it->epoch++;
    new_order(it, false);
    return NB_OK;
}

int nb__batch_next_as(const char *op, nb_batch_iter *it, nb_tensor **xb, nb_tensor **yb)
{
    if (xb)
        *xb = NULL;
    if (yb)
        *yb = NULL;
    if (!it || !it->order)
        return nb__null_input(op, "iterator (not initialised?)");
    if (!xb || (it->y && !yb))
        return nb__null_input(op, !xb ? "xb" : "yb");
    int rc = nb__check_tensor(it->x, op, "x");
    if (rc == NB_OK && it->y)
        rc = nb__check_tensor(it->y, op, "y");
    if (rc < 0)
        return rc;
    int64_t left = it->n - it->pos;
    int64_t count = left < it->batch_size ? left : it->batch_size;
    if (count <= 0 || (it->drop_last && count < it->batch_size))
        return 0;
    /* this shard's slice of the global batch (all of it for one shard) */
    int64_t lo = count * it->shard / it->num_shards;
    int64_t hi = count * (it->shard + 1) / it->num_shards;
    const int64_t *rows = it->order + it->pos + lo;
    nb_tensor *bx = nb__io_take_rows(it->x, rows, hi - lo, op);
    nb_tensor *by = bx && it->y ? nb__io_take_rows(it->y, rows, hi - lo, op) : NULL;
    if (!bx || (it->y && !by))
        return nb_last_status() < 0 ? nb_last_status() : NB_ERR_NOMEM;
    it->pos += count;
    it->batch_rows = count;
    *xb = bx;
    if (yb)
        *yb = by;
    return 1;
}

int nb_batch_next(nb_batch_iter *it, nb_tensor **xb, nb_tensor **yb)
{
    return nb__batch_next_as("nb_batch_next", it, xb, yb);
}
