/* stack, split and chunk: compositions of unsqueeze/concat and slice, so
 * their gradients (slices of g, or g placed back into zeros) come from
 * those ops and are differentiable again.  The checks come first, so that a
 * message names the op the user called. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "nabla/ops.h"
#include "ops/op_util.h"

/* Up to this many inputs are unsqueezed into a stack array; more go to the heap. */
#define NB_STACK_LOCAL 16

nb_tensor *nb_stack(nb_tensor *const *tensors, int n, int axis)
{
    const char *op = "stack";
    if (!tensors || n < 1) {
        nb__error(tensors ? NB_ERR_ARG : NB_ERR_NULL,
                  "stack: need an array of at least one tensor (got %s, n = %d)",
                  tensors ? "an array" : "NULL", n);
        return NULL;
    }
    if (nb__check_op_inputs(op, tensors, n) < 0)
        return NULL;
    const nb_tensor *t0 = tensors[0];
    int a;
    if (nb__norm_axis(op, axis, t0->ndim + 1, &a) < 0)
        return NULL;
    if (t0->ndim + 1 > NB_MAX_DIMS) {
        nb__error(NB_ERR_SHAPE, "stack: inputs have %d dimensions; the result would exceed "
                  "NB_MAX_DIMS (%d)", t0->ndim, NB_MAX_DIMS);
        return NULL;
    }
    for (int k = 1; k < n; k++) {
        if (!nb_tensor_same_shape(tensors[k], t0)) {
            char s1[96], s2[96];
            nb__error(NB_ERR_SHAPE, "stack: input %d is %s but input 1 is %s; stacked tensors "
                      "must have equal shapes", k + 1,
                      nb__shape_fmt(tensors[k]->ndim, tensors[k]->shape, s1, sizeof s1),
                      nb__shape_fmt(t0->ndim, t0->shape, s2, sizeof s2));
            return NULL;
        }
    }
    nb_tensor *local[NB_STACK_LOCAL];
    nb_tensor **parts = n <= NB_STACK_LOCAL ? local : malloc(sizeof *parts * (size_t)n);
    if (!parts) {
        nb__error(NB_ERR_NOMEM, "stack: out of memory for %d inputs", n);
        return NULL;
    }
    nb_tensor *out = NULL;
    int k = 0;
    for (; k < n; k++)
        if (!(parts[k] = nb_unsqueeze(tensors[k], a)))
            break;
    if (k == n)
        out = nb_concat(parts, n, a);
    if (parts != local)
        free(parts);
    return out;
}

/* The shared start of split and chunk: out cleared, x checked, axis
 * normalised.  0 or negative. */
static int nb_split_start(const char *op, nb_tensor *x, int axis, nb_tensor **out, int n_out,
                          int *a)
{
    if (!out)
        return nb__error(NB_ERR_NULL, "%s: out is NULL (pass an array for the pieces)", op);
    for (int k = 0; k < n_out; k++)
        out[k] = NULL;
    int rc = nb__check_op_inputs(op, &x, 1);
    return rc < 0 ? rc : nb__norm_axis(op, axis, x->ndim, a);
}

/* Slices of x along axis a of the given sizes into out; on failure every
 * out[k] is cleared. */
static int nb_split_slices(nb_tensor *x, int a, const int64_t *sizes, int n, nb_tensor **out)
{
    int64_t at = 0;
    for (int k = 0; k < n; k++) {
        out[k] = nb_slice(x, a, at, at + sizes[k]);
        if (!out[k]) {
            for (int j = 0; j < n; j++)
                out[j] = NULL;
            return nb_last_status();
        }
        at += sizes[k];
    }
    return NB_OK;
}

int nb_split_sizes(nb_tensor *x, const int64_t *sizes, int n, int axis, nb_tensor **out)
{
    const char *op = "split_sizes";
    int a;
    if (n < 1)
        return nb__error(NB_ERR_ARG, "split_sizes: need n >= 1 pieces (got %d)", n);
    if (!sizes)
        return nb__error(NB_ERR_NULL, "split_sizes: sizes is NULL");
    int rc = nb_split_start(op, x, axis, out, n, &a);
    if (rc < 0)
        return rc;
    int64_t total = 0;
    for (int k = 0; k < n; k++) {
        if (sizes[k] < 0)
            return nb__error(NB_ERR_ARG, "split_sizes: size %d is %lld; sizes must be >= 0", k + 1,
                             (long long)sizes[k]);
        total += sizes[k];
    }
    if (total != x->shape[a]) {
        char s[96];
        return nb__error(NB_ERR_ARG, "split_sizes: the sizes add up to %lld but axis %d has %lld "
                         "elements (tensor is %s)", (long long)total, axis,
                         (long long)x->shape[a], nb__shape_fmt(x->ndim, x->shape, s, sizeof s));
    }
    return nb_split_slices(x, a, sizes, n, out);
}

int nb_chunk(nb_tensor *x, int chunks, int axis, nb_tensor **out)
{
    const char *op = "chunk";
    int a;
    if (chunks < 1)
        return nb__error(NB_ERR_ARG, "chunk: chunks is %d; need at least 1", chunks);
    int rc = nb_split_start(op, x, axis, out, chunks, &a);
    if (rc < 0)
        return rc;
    int64_t size = x->shape[a];
    int64_t step = (size + chunks - 1) / chunks;
    /* torch.chunk: pieces of `step` elements while they last (an empty axis
     * gives `chunks` empty pieces) */
    int made = step ? (int)((size + step - 1) / step) : chunks;
    for (int k = 0; k < made; k++) {
        int64_t start = step * k, stop = k < made - 1 ? start + step : size;
        if (!(out[k] = nb_slice(x, a, start, stop))) {
            for (int j = 0; j < made; j++)
                out[j] = NULL;
            return nb_last_status();
        }
    }
    return made;
}
