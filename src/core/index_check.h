/* One check for tensors of integral values that pick among `limit` things:
 * class labels (losses, accuracy, label files) and row indices.  It lives in
 * core so that every layer that takes labels (ops, optim, io) uses it. */
#ifndef NB_CORE_INDEX_CHECK_H
#define NB_CORE_INDEX_CHECK_H

#include "core/tensor_internal.h"

/* How the values are named in messages. */
typedef struct nb__index_desc {
    const char *op;     /* the function the user called */
    const char *source; /* what holds the values ("data->y", a file's path), or NULL */
    const char *item;   /* one value: "label", "index" */
    const char *pos;    /* its place: "row", "position" */
    const char *noun;   /* what `limit` counts: "classes", "table rows" */
    nb_status status;   /* NB_ERR_ARG for arguments, NB_ERR_FORMAT for file contents */
} nb__index_desc;

/* 0 when every element of t (read flat, any shape) is an integer in
 * 0..limit-1.  Else records one message for the first bad element and
 * returns d->status:
 *   "cross_entropy_loss: label 2.5 in row 3 is not an integer (valid 0..9)"
 *   "nb_train: data->y: label -3 in row 0 is out of range for 10 classes (valid 0..9)"
 * t must be a valid tensor (nb__check_tensor first). */
int nb__check_index_values(const nb__index_desc *d, const nb_tensor *t, int64_t limit);

#endif
