/* permute (any reordering of the axes) and transpose (the last two): a
 * strided gather into a contiguous result; backward permutes back with the
 * inverse permutation. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

typedef struct nb_permute_params {
    int perm[NB_MAX_DIMS]; /* perm[d] = the input axis that becomes output axis d */
} nb_permute_params;

static int nb_permute_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                              const void *params)
{
    (void)op, (void)n_in;
    const nb_permute_params *p = params;
    const nb_tensor *x = in[0];
    int64_t xs[NB_MAX_DIMS], si[NB_MAX_DIMS];
    int64_t stride = 1;
    for (int d = x->ndim - 1; d >= 0; d--) {
        xs[d] = stride;
        stride *= x->shape[d];
    }
    for (int d = 0; d < out->ndim; d++)
        si[d] = xs[p->perm[d]];
    if (out->dtype == NB_F32)
        nb_k_gather_f32(out->ndim, out->shape, x->data, si, out->data);
    else
        nb_k_gather_f64(out->ndim, out->shape, x->data, si, out->data);
    return 0;
}

static int nb_permute_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_permute_params *p = nb__node_params(node);
    int inv[NB_MAX_DIMS];
    for (int d = 0; d < g->ndim; d++)
        inv[p->perm[d]] = d;
    gi[0] = nb_permute(g, inv);
    return 0;
}

static const nb_op nb_op_permute = {
    .name = "permute",
    .forward = nb_permute_forward,
    .backward = nb_permute_backward,
    .params_size = NB_PARAMS(nb_permute_params),
};

static nb_tensor *nb_permute_named(const char *op, nb_tensor *x, const int *perm)
{
    if (nb__check_op_inputs(op, &x, 1) < 0)
        return NULL;
    if (!perm && x->ndim > 0) {
        nb__error(NB_ERR_NULL, "%s: perm is NULL (need %d axes)", op, x->ndim);
        return NULL;
    }
    nb_permute_params p = {.perm = {0}};
    int64_t shape[NB_MAX_DIMS];
    bool used[NB_MAX_DIMS] = {false};
    for (int d = 0; d < x->ndim; d++) {
        int a;
        if (nb__norm_axis(op, perm[d], x->ndim, &a) < 0)
            return NULL;
        if (used[a]) {
            nb__error(NB_ERR_ARG,
                      "%s: axis %d appears twice in perm; perm must list each of the %d axes once",
                      op, perm[d], x->ndim);
            return NULL;
        }
        used[a] = true;
        p.perm[d] = a;
        shape[d] = x->shape[a];
    }
    return nb__op_apply(&nb_op_permute, &x, 1, &p, x->dtype, x->ndim, shape);
}

nb_tensor *nb_permute(nb_tensor *x, const int *perm) { return nb_permute_named("permute", x, perm); }

nb_tensor *nb_transpose(nb_tensor *x)
{
    if (nb__check_op_inputs("transpose", &x, 1) < 0)
        return NULL;
    if (x->ndim < 2) {
        char s[96];
        nb__error(NB_ERR_SHAPE, "transpose: needs at least 2 dimensions, got %s (reshape a vector to 1xn first)",
                  nb__shape_fmt(x->ndim, x->shape, s, sizeof s));
        return NULL;
    }
    int perm[NB_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        perm[d] = d;
    perm[x->ndim - 2] = x->ndim - 1;
    perm[x->ndim - 1] = x->ndim - 2;
    return nb_permute_named("transpose", x, perm);
}
