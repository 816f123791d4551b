/* Matrix products with transpose flags and broadcast batch axes.  The
 * forward calls the packed GEMM kernel once per batch matrix; the backward
 * is two more matmul_t calls (transposes are flags, never copies). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "nabla/ops.h"
#include "ops/op_util.h"

typedef struct nb_matmul_params {
    bool trans_a, trans_b; /* op(a) = a^T, op(b) = b^T (last two axes) */
} nb_matmul_params;

/* Shapes of one matmul: batch axes (broadcast) and m, k, n. */
typedef struct nb_mm_shape {
    int batch_ndim;
    int64_t batch[NB_MAX_DIMS];
    int64_t m, k, n;
} nb_mm_shape;

static void nb_mm_dims(const nb_tensor *t, bool trans, int64_t *rows, int64_t *cols)
{
    int64_t r = t->shape[t->ndim - 2], c = t->shape[t->ndim - 1];
    *rows = trans ? c : r;
    *cols = trans ? r : c;
}

static int nb_mm_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                         const void *params)
{
    (void)op, (void)n_in;
    const nb_matmul_params *p = params;
    const nb_tensor *a = in[0], *b = in[1];
    bool ta = p->trans_a, tb = p->trans_b;
    int64_t m, k, k2, n;
    nb_mm_dims(a, ta, &m, &k);
    nb_mm_dims(b, tb, &k2, &n);
    int bnd = out->ndim - 2;
    int64_t count = 1;
    for (int d = 0; d < bnd; d++)
        count *= out->shape[d];
    /* matrix strides of each operand over the broadcast batch axes */
    int64_t sa[NB_MAX_DIMS] = {0}, sb[NB_MAX_DIMS] = {0};
    nb_k_broadcast_strides(a->ndim - 2, a->shape, bnd, out->shape, sa);
    nb_k_broadcast_strides(b->ndim - 2, b->shape, bnd, out->shape, sb);
    size_t esize = nb_dtype_size(out->dtype);
    size_t ws_bytes = nb_gemm_workspace_bytes(esize, m, n, k);
    void *ws = ws_bytes ? nb_arena_alloc(out->arena, ws_bytes) : NULL;
    if (ws_bytes && !ws)
        return NB_ERR_NOMEM;
    int64_t a_mat = a->shape[a->ndim - 2] * a->shape[a->ndim - 1];
    int64_t b_mat = b->shape[b->ndim - 2] * b->shape[b->ndim - 1];
    int64_t lda = a->shape[a->ndim - 1], ldb = b->shape[b->ndim - 1];
    int64_t idx[NB_MAX_DIMS] = {0};
    for (int64_t bi = 0; bi < count; bi++) {
        int64_t oa = 0, ob = 0;
        for (int d = 0; d < bnd; d++) {
            oa += idx[d] * sa[d];
            ob += idx[d] * sb[d];
        }
        int rc;
        if (out->dtype == NB_F32)
            rc = nb_gemm_f32(ta, tb, m, n, k, 1.0f, (const float *)a->data + oa * a_mat, lda,
                             (const float *)b->data + ob * b_mat, ldb, 0.0f,
                             (float *)out->data + bi * m * n, n, ws);
        else
            rc = nb_gemm_f64(ta, tb, m, n, k, 1.0, (const double *)a->data + oa * a_mat, lda,
                             (const double *)b->data + ob * b_mat, ldb, 0.0,
                             (double *)out->data + bi * m * n, n, ws);
        if (rc < 0)
            return nb__error(NB_ERR_NOMEM, "matmul: GEMM kernel failed (%d)", rc);
        for (int d = bnd - 1; d >= 0; d--) {
            if (++idx[d] < out->shape[d])
                break;
            idx[d] = 0;
        }
    }
    (void)k2;
    return 0;
}

/* C = op(A) op(B):
 *   dA = dC op(B)^T          (A^T = op(A) when ta: dA = op(B) dC^T)
 *   dB = op(A)^T dC          (when tb: dB = dC^T op(A))
 * in the output's batch shape: the engine sums over the batch axes an operand
 * was broadcast along. */
/* sink += op(x) op(y) for 2-D operands, with the GEMM's beta = 1: the
 * gradient goes straight into a leaf's .grad (nb__grad_sink). */
static int nb_mm_add_into(nb_tensor *sink, const nb_tensor *x, bool tx, const nb_tensor *y,
                          bool ty)
{
    int64_t m, k, k2, n;
    nb_mm_dims(x, tx, &m, &k);
    nb_mm_dims(y, ty, &k2, &n);
    (void)k2;
    size_t ws_bytes = nb_gemm_workspace_bytes(nb_dtype_size(sink->dtype), m, n, k);
    void *ws = ws_bytes ? nb_arena_alloc(nb_arena_current(), ws_bytes) : NULL;
    if (ws_bytes && !ws)
        return nb__error(NB_ERR_NOMEM, "matmul: out of memory in backward");
    int64_t ldx = x->shape[1], ldy = y->shape[1];
    int rc = sink->dtype == NB_F32
                 ? nb_gemm_f32(tx, ty, m, n, k, 1.0f, x->data, ldx, y->data, ldy, 1.0f,
                               sink->data, n, ws)
                 : nb_gemm_f64(tx, ty, m, n, k, 1.0, x->data, ldx, y->data, ldy, 1.0,
                               sink->data, n, ws);
    if (rc < 0)
        return nb__error(NB_ERR_NOMEM, "matmul: GEMM kernel failed (%d)", rc);
    return 0;
}

static int nb_mm_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    const nb_matmul_params *p = nb__node_params(node);
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    bool ta = p->trans_a, tb = p->trans_b;
    bool plain = a->ndim == 2 && b->ndim == 2; /* no batch axes to sum over */
    if (nb__needs_grad(node, 0))
        gi[0] = ta ? nb_matmul_t(b, g, tb, true) : nb_matmul_t(g, b, false, !tb);
    if (nb__needs_grad(node, 1)) {
        nb_tensor *sink = plain ? nb__grad_sink(node, 1) : NULL;
        if (sink) { /* a weight's gradient: add it into .grad from the GEMM */
            int rc = tb ? nb_mm_add_into(sink, g, true, a, ta) : nb_mm_add_into(sink, a, !ta, g, false);
            if (rc < 0)
                return rc;
            gi[1] = NB__GRAD_ADDED;
        } else {
            gi[1] = tb ? nb_matmul_t(g, a, true, ta) : nb_matmul_t(a, g, !ta, false);
        }
    }
    return 0;
}

static const nb_op nb_op_matmul = {
    .name = "matmul",
    .forward = nb_mm_forward,
    .backward = nb_mm_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .params_size = NB_PARAMS(nb_matmul_params),
};

nb_tensor *nb_matmul_t(nb_tensor *a, nb_tensor *b, bool trans_a, bool trans_b)
{
    const char *op = "matmul";
    nb_tensor *in[2] = {a, b};
    if (nb__check_op_inputs(op, in, 2) < 0)
        return NULL;
    char s1[96], s2[96];
    if (a->ndim < 2 || b->ndim < 2) {
        nb__error(NB_ERR_SHAPE,
                  "%s: operands must have at least 2 dimensions (a is %s, b is %s); reshape a "
                  "vector to 1xn or nx1",
                  op, nb__shape_fmt(a->ndim, a->shape, s1, sizeof s1), nb__shape_fmt(b->ndim, b->shape, s2, sizeof s2));
        return NULL;
    }
    int64_t m, k, k2, n;
    nb_mm_dims(a, trans_a, &m, &k);
    nb_mm_dims(b, trans_b, &k2, &n);
    if (k != k2) {
        nb__error(NB_ERR_SHAPE,
                  "%s: inner sizes differ (%sa is %s, %sb is %s: %lld vs %lld); did you mean to "
                  "transpose one of them?",
                  op, trans_a ? "transposed " : "", nb__shape_fmt(a->ndim, a->shape, s1, sizeof s1),
                  trans_b ? "transposed " : "", nb__shape_fmt(b->ndim, b->shape, s2, sizeof s2),
                  (long long)k, (long long)k2);
        return NULL;
    }
    int bnd;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes("matmul (batch axes)", a->ndim - 2, a->shape, b->ndim - 2, b->shape, &bnd,
                             shape) < 0)
        return NULL;
    if (bnd + 2 > NB_MAX_DIMS) {
        nb__error(NB_ERR_SHAPE, "%s: result would have more than %d dimensions", op, NB_MAX_DIMS);
        return NULL;
    }
    shape[bnd] = m;
    shape[bnd + 1] = n;
    nb_matmul_params p = {.trans_a = trans_a, .trans_b = trans_b};
    return nb__op_apply(&nb_op_matmul, in, 2, &p, a->dtype, bnd + 2, shape);
}

nb_tensor *nb_matmul(nb_tensor *a, nb_tensor *b) { return nb_matmul_t(a, b, false, false); }
