/* gather_rows: embedding lookup, rows of a 2-D table chosen by indices.  It
 * is nb__take along axis 0 with one index per output row; the gradient
 * scatter-adds into the table (nb__put), so repeated indices accumulate. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/op_util.h"
#include "ops/take_put.h"

nb_tensor *nb_gather_rows(nb_tensor *table, nb_tensor *indices)
{
    const char *op = "gather_rows";
    if (nb__check_op_inputs(op, &table, 1) < 0)
        return NULL;
    if (table->ndim != 2) {
        char s[96];
        nb__error(NB_ERR_SHAPE, "%s: the table must be 2-d (rows x features), got %s", op,
                  nb__shape_fmt(table->ndim, table->shape, s, sizeof s));
        return NULL;
    }
    if (nb__check_indices(op, indices, table->dtype, table->shape[0], "index", "position",
                          "table rows") < 0)
        return NULL;
    int64_t shape[2] = {indices->numel, table->shape[1]};
    nb__select s = {1, table->shape[0], indices->numel, table->shape[1], true, indices,
                    NB_TAKE_FOR_GATHER_ROWS};
    return nb__take(table, &s, 2, shape);
}
