/* The Jacobian of a model's outputs with respect to its flat parameter
 * buffer, as Levenberg–Marquardt needs it (one row per sample and output).
 *
 * For a stack of linear and transfer-function layers every row of the
 * batch goes through the layers on its own, so one backward pass of the
 * batch's output column o (cotangent: ones in column o) gives, at each
 * linear layer's pre-activation z = a W + b, the row-wise sensitivities
 * delta[n] = d y[n,o] / d z[n].  Row (n, o) of the Jacobian is then
 * a[n] (x) delta[n] for W and delta[n] for b: O backward passes over the
 * whole batch and an outer product per row, instead of N·O passes.
 * A model with a user layer (whose rows need not be independent, and whose
 * parameters we cannot see inside) falls back to one backward pass of the
 * whole batch per output element, which is exact for any model. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "nabla/autograd.h"
#include "nabla/ops.h"
#include "nn/nn_internal.h"

static const char api[] = "nb_model_jacobian";

/* First element of parameter t in the flat buffer. */
static int64_t nb_param_offset(const nb_model *model, const nb_tensor *t)
{
    for (int i = 0; i < model->n_params; i++)
        if (model->order[i]->tensor == t)
            return model->order[i]->offset;
    return -1;
}

/* A cotangent for y (N x O) with a one at (row, col) or, for row < 0, ones
 * in the whole column; in the current arena. */
static nb_tensor *nb_cotangent(const nb_tensor *y, int64_t row, int64_t col)
{
    nb_tensor *g = nb_zeros(y->dtype, 2, y->shape);
    if (!g)
        return NULL;
    int64_t n = y->shape[0], o = y->shape[1];
    for (int64_t i = row < 0 ? 0 : row; i < (row < 0 ? n : row + 1); i++)
        nb__set(g, i * o + col, 1.0);
    return g;
}

/* Stack of linear / activation layers: O backward passes (see the top). */
static int nb_jacobian_layers(nb_model *model, nb_tensor *x, double *jac, double *out,
                              nb_arena *graph, nb_arena *pass)
{
    int nl = model->n_linear;
    nb_tensor **a = calloc((size_t)nl * 2, sizeof *a); /* layer inputs, then pre-activations */
    int64_t *off = calloc((size_t)nl, sizeof *off);
    int rc = a && off ? NB_OK : nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    nb_tensor **z = a ? a + nl : NULL, *h = x;
    nb_arena_use(graph);
    for (int i = 0, k = 0; rc == NB_OK && i < model->n_layers; i++) {
        const nb_layer *l = &model->layers[i];
        if (l->kind == NB_LAYER_LINEAR) {
            a[k] = h;
            z[k] = nb_add(nb_matmul(h, l->weight), l->bias);
            off[k] = nb_param_offset(model, l->weight);
            h = nb_activate(l->act, z[k]);
            k++;
        } else {
            h = nb_activate(l->act, h);
        }
        if (!h)
            rc = nb_last_status();
    }
    if (rc == NB_OK && h->ndim != 2)
        rc = nb__error(NB_ERR_SHAPE, "%s: the model's output has %d dims; expected N x O", api,
                       h->ndim);
    int64_t n = rc == NB_OK ? h->shape[0] : 0, o = rc == NB_OK ? h->shape[1] : 0;
    int64_t P = model->n_scalars;
    for (int64_t i = 0; out && i < n * o; i++)
        out[i] = nb__get(h, i);
    for (int64_t c = 0; rc == NB_OK && c < o; c++) {
        nb_arena_reset(pass);
        nb_arena_use(pass);
        nb_tensor *g = nb_cotangent(h, -1, c);
        nb_tensor **d = nb_arena_alloc(pass, sizeof *d * (size_t)nl);
        if (!g || !d) {
            rc = nb_last_status();
            break;
        }
        if ((rc = nb_grad(&h, 1, z, nl, &g, NB_ALLOW_UNUSED, d)) < 0)
            break;
        for (int k = 0; k < nl; k++) {
            int64_t in = a[k]->shape[1], nout = z[k]->shape[1];
            for (int64_t r = 0; r < n; r++) {
                double *row = jac + (r * o + c) * P + off[k];
                for (int64_t j = 0; j < nout; j++) {
                    double dj = d[k] ? nb__get(d[k], r * nout + j) : 0.0;
                    for (int64_t q = 0; q < in; q++)
                        row[q * nout + j] = nb__get(a[k], r * in + q) * dj;
                    row[in * nout + j] = dj; /* the bias follows its weight */
                }
            }
        }
    }
    free(a);
    free(off);
    return rc;
}

/* Any model: one backward pass per output element. */
static int nb_jacobian_general(nb_model *model, nb_tensor *x, double *jac, double *out,
                               nb_arena *graph, nb_arena *pass)
{
    nb_arena_use(graph);
    nb_tensor *y = nb_model_forward(model, x);
    if (!y)
        return nb_last_status();
    if (y->ndim != 2)
        return nb__error(NB_ERR_SHAPE, "%s: the model's output has %d dims; expected N x O", api,
                         y->ndim);
    int np = model->n_params;
    nb_tensor **params = nb_arena_alloc(graph, sizeof *params * (size_t)np);
    if (!params)
        return nb_last_status();
    for (int i = 0; i < np; i++)
        params[i] = model->order[i]->tensor;
    int64_t rows = y->numel, P = model->n_scalars;
    for (int64_t i = 0; out && i < rows; i++)
        out[i] = nb__get(y, i);
    for (int64_t r = 0; r < rows; r++) {
        nb_arena_reset(pass);
        nb_arena_use(pass);
        nb_tensor *g = nb_cotangent(y, r / y->shape[1], r % y->shape[1]);
        nb_tensor **d = nb_arena_alloc(pass, sizeof *d * (size_t)np);
        if (!g || !d)
            return nb_last_status();
        int rc = nb_grad(&y, 1, params, np, &g, NB_ALLOW_UNUSED, d);
        if (rc < 0)
            return rc;
        double *row = jac + r * P;
        for (int i = 0; i < np; i++) {
            nb_param *p = model->order[i];
            for (int64_t q = 0; q < p->tensor->numel; q++)
                row[p->offset + q] = d[i] ? nb__get(d[i], q) : 0.0;
        }
    }
    return NB_OK;
}

int nb_model_jacobian(nb_model *model, nb_tensor *x, double *jac, double *out)
{
    if (!model || !jac)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !model ? "model" : "jac");
    if (!x)
        return nb__error(NB_ERR_NULL, "%s: x is NULL", api);
    if (model->n_params && nb__model_gather(model, api) < 0)
        return nb_last_status();
    if (x->dtype != model->dtype)
        return nb__error(NB_ERR_DTYPE, "%s: x is %s but the model's parameters are %s", api,
                         nb_dtype_name(x->dtype), nb_dtype_name(model->dtype));
    int custom = 0;
    for (int i = 0; i < model->n_layers; i++)
        custom |= model->layers[i].kind != NB_LAYER_LINEAR &&
                  model->layers[i].kind != NB_LAYER_ACTIVATION; /* user layers, blocks */
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    nb_arena *graph = nb_arena_new_opts(&ao);
    nb_arena *pass = graph ? nb_arena_new_opts(&ao) : NULL;
    nb_arena *prev = nb_arena_current();
    bool was = nb_set_grad_enabled(true);
    int rc = !pass ? nb_last_status()
             : custom || model->n_linear == 0 ? nb_jacobian_general(model, x, jac, out, graph, pass)
                                              : nb_jacobian_layers(model, x, jac, out, graph, pass);
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    nb_arena_free(pass);
    nb_arena_free(graph);
    if (rc < 0)
        nb__error_context(api, "the forward or a backward pass");
    return rc;
}
