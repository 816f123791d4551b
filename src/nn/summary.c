/* nb_model_summary: a table of the model's layers (blocks' layers indented
 * under them, by full name), each with its output shape and parameter
 * count, and the totals.
 *
 * The rows come from the layer tables, walked with an explicit stack (no
 * recursion over the tree).  Output shapes come from one forward pass on
 * zeros of the caller's input shape, with recording off and every tensor in
 * a private arena: the root's probe, set for that pass only, notes each
 * layer's output as it is made.  The text is built in memory, then written
 * to a stream or copied into the caller's buffer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/autograd.h"
#include "nn/nn_internal.h"

typedef struct nb_sum_row {
    const nb_model *model; /* the model (or block) whose layer this is */
    int index;             /* in its layer table */
    int depth;             /* 0 for the root's layers */
    const nb_layer *layer;
    int64_t params;        /* scalars */
    int ndim;              /* of the output; -1 while not run */
    int64_t shape[NB_MAX_DIMS];
} nb_sum_row;

typedef struct nb_sum_rows {
    nb_sum_row *rows;
    int n, cap;
} nb_sum_rows;

/* A growing string; `oom` once an allocation failed. */
typedef struct nb_sbuf {
    char *s;
    size_t len, cap;
    int oom;
} nb_sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void nb_sb_printf(nb_sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Does parameter `full` belong under `prefix` ("<prefix>.<rest>")? */
static int nb_under(const char *full, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncmp(full, prefix, n) && full[n] == '.';
}

/* Scalars of the parameters of layer i of m: a linear layer's weight and
 * bias, a block's own list, and for a user layer those named after it
 * ("<name>.") or after its position ("layer<k>.", the conventions' name). */
static int64_t nb_layer_scalars(nb_model *m, int i)
{
    const nb_layer *l = &m->layers[i];
    switch (l->kind) {
    case NB_LAYER_LINEAR:
        return l->weight->numel + l->bias->numel;
    case NB_LAYER_ACTIVATION:
        return 0;
    case NB_LAYER_BLOCK:
        return l->child->n_scalars;
    case NB_LAYER_CUSTOM:
        break;
    }
    char alt[256];
    snprintf(alt, sizeof alt, "%s%slayer%d", m->prefix ? m->prefix : "", m->prefix ? "." : "",
             i + 1);
    int64_t n = 0;
    for (int k = 0; k < m->n_params; k++) {
        const char *full = m->order[k]->name;
        if (nb_under(full, l->name) || nb_under(full, alt))
            n += m->order[k]->tensor->numel;
    }
    return n;
}

/* Every layer of the tree, parents before their blocks' layers. */
static int nb_sum_walk(nb_model *root, nb_sum_rows *r, const char *api)
{
    typedef struct {
        nb_model *m;
        int next;
    } frame;
    int depth = 0, cap = 8;
    frame *stack = malloc(sizeof *stack * (size_t)cap);
    if (!stack)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    stack[0] = (frame){root, 0};
    int rc = NB_OK;
    while (depth >= 0 && rc == NB_OK) {
        frame *f = &stack[depth];
        if (f->next >= f->m->n_layers) {
            depth--;
            continue;
        }
        int i = f->next++;
        nb_model *m = f->m;
        if (r->n == r->cap) {
            int c = r->cap ? r->cap * 2 : 16;
            nb_sum_row *rows = realloc(r->rows, sizeof *rows * (size_t)c);
            if (!rows) {
                rc = nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
                break;
            }
            r->rows = rows;
            r->cap = c;
        }
        nb_sum_row *row = &r->rows[r->n++];
        *row = (nb_sum_row){.model = m, .index = i, .depth = depth, .layer = &m->layers[i],
                            .params = nb_layer_scalars(m, i), .ndim = -1};
        if (m->layers[i].kind == NB_LAYER_BLOCK) {
            if (depth + 1 == cap) {
                frame *s = realloc(stack, sizeof *s * (size_t)cap * 2);
                if (!s) {
                    rc = nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
                    break;
                }
                stack = s;
                cap *= 2;
            }
            stack[++depth] = (frame){m->layers[i].child, 0};
        }
    }
    free(stack);
    return rc;
}

/* The root's probe during the summary's pass: note the layer's output. */
static void nb_sum_probe(void *ctx, const nb_model *model, int index, const nb_tensor *out)
{
    nb_sum_rows *r = ctx;
    for (int k = 0; k < r->n; k++) {
        nb_sum_row *row = &r->rows[k];
        if (row->model == model && row->index == index) {
            row->ndim = out->ndim;
            memcpy(row->shape, out->shape, sizeof(int64_t) * (size_t)out->ndim);
            return;
        }
    }
}

/* Run the model once on zeros of the input shape and note every layer's
 * output (recording off, a private arena; the caller's kept). */
static int nb_sum_shapes(nb_model *model, int ndim, const int64_t *shape, nb_sum_rows *r,
                         const char *api)
{
    nb_arena_opts ao = {.allocator = nb_model_allocator(model)};
    nb_arena *arena = nb_arena_new_opts(&ao);
    if (!arena)
        return nb__error_context(api, "a private arena");
    nb_arena *prev = nb_arena_use(arena);
    bool was = nb_set_grad_enabled(false);
    nb_tensor *x = nb_zeros(model->dtype, ndim, shape);
    model->probe = nb_sum_probe;
    model->probe_ctx = r;
    nb_tensor *y = x ? nb_model_forward(model, x) : NULL;
    model->probe = NULL;
    model->probe_ctx = NULL;
    nb_set_grad_enabled(was);
    nb_arena_use(prev);
    nb_arena_free(arena);
    if (!y) {
        char buf[96];
        return nb__error_context(api, "the model on a %s input",
                                 nb__shape_fmt(ndim, shape, buf, sizeof buf));
    }
    return NB_OK;
}

/* Width of the longest of the column's texts (at least `min`). */
static size_t nb_wider(size_t w, size_t len) { return len > w ? len : w; }

static const char *nb_sum_kind(const nb_layer *l, char *buf, size_t size)
{
    switch (l->kind) {
    case NB_LAYER_LINEAR:
        if (l->act == NB_ACT_PURELIN)
            return "linear";
        snprintf(buf, size, "linear (%s)", nb_activation_name(l->act));
        return buf;
    case NB_LAYER_ACTIVATION:
        return nb_activation_name(l->act);
    case NB_LAYER_CUSTOM:
        return "user";
    case NB_LAYER_BLOCK:
        return "block";
    }
    return "?";
}

/* The whole text into b.  NB_OK or negative. */
static int nb_sum_text(nb_model *model, int ndim, const int64_t *shape, nb_sbuf *b,
                       const char *api)
{
    if (!model)
        return nb__error(NB_ERR_NULL, "%s: model is NULL", api);
    if (!shape)
        return nb__error(NB_ERR_NULL, "%s: input_shape is NULL", api);
    if (ndim < 1 || ndim > NB_MAX_DIMS)
        return nb__error(NB_ERR_SHAPE, "%s: the input has %d dimensions; expected 1..%d", api,
                         ndim, NB_MAX_DIMS);
    if (model->parent)
        return nb__block_refuse(model, api);
    if (model->n_layers == 0)
        return nb__error(NB_ERR_STATE, "%s: the model has no layers", api);
    nb_sum_rows r = {0};
    int rc = nb_sum_walk(model, &r, api);
    if (rc == NB_OK)
        rc = nb_sum_shapes(model, ndim, shape, &r, api);
    if (rc < 0) {
        free(r.rows);
        return rc;
    }
    /* columns: name (indented two spaces a level), kind, output, params */
    char kbuf[48], sbuf[96], nbuf[32];
    size_t wn = strlen("layer"), wk = strlen("kind"), ws = strlen("output"), wp = strlen("params");
    for (int k = 0; k < r.n; k++) {
        const nb_sum_row *row = &r.rows[k];
        wn = nb_wider(wn, 2 * (size_t)row->depth + strlen(row->layer->name));
        wk = nb_wider(wk, strlen(nb_sum_kind(row->layer, kbuf, sizeof kbuf)));
        ws = nb_wider(ws, row->ndim < 0 ? 1 : strlen(nb__shape_fmt(row->ndim, row->shape, sbuf,
                                                                   sizeof sbuf)));
        wp = nb_wider(wp, (size_t)snprintf(nbuf, sizeof nbuf, "%lld", (long long)row->params));
    }
    nb_sb_printf(b, "model summary for input %s (%s)\n", nb__shape_fmt(ndim, shape, sbuf,
                 sizeof sbuf), nb_dtype_name(model->dtype));
    nb_sb_printf(b, "%-*s  %-*s  %-*s  %*s\n", (int)wn, "layer", (int)wk, "kind", (int)ws,
                 "output", (int)wp, "params");
    for (int k = 0; k < r.n; k++) {
        const nb_sum_row *row = &r.rows[k];
        int ind = 2 * row->depth;
        nb_sb_printf(b, "%*s%-*s  %-*s  %-*s  %*lld\n", ind, "", (int)wn - ind, row->layer->name,
                     (int)wk, nb_sum_kind(row->layer, kbuf, sizeof kbuf), (int)ws,
                     row->ndim < 0 ? "-" : nb__shape_fmt(row->ndim, row->shape, sbuf, sizeof sbuf),
                     (int)wp, (long long)row->params);
    }
    free(r.rows);
    int64_t trainable = 0;
    for (int k = 0; k < model->n_params; k++)
        if (model->order[k]->tensor->requires_grad)
            trainable += model->order[k]->tensor->numel;
    nb_sb_printf(b, "total: %d parameter tensors, %lld scalars (%lld trainable), %lld bytes\n",
                 model->n_params, (long long)model->n_scalars, (long long)trainable,
                 (long long)(model->n_scalars * (int64_t)nb_dtype_size(model->dtype)));
    if (b->oom)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    return NB_OK;
}

int nb_model_summary(nb_model *model, int ndim, const int64_t *input_shape, FILE *out)
{
    static const char api[] = "nb_model_summary";
    if (!out)
        return nb__error(NB_ERR_NULL, "%s: out is NULL", api);
    nb_sbuf b = {0};
    int rc = nb_sum_text(model, ndim, input_shape, &b, api);
    if (rc == NB_OK && (fwrite(b.s, 1, b.len, out) != b.len || fflush(out) != 0))
        rc = nb__error(NB_ERR_IO, "%s: writing the summary failed", api);
    free(b.s);
    return rc;
}

int nb_model_summary_string(nb_model *model, int ndim, const int64_t *input_shape, char *buf,
                            size_t size)
{
    static const char api[] = "nb_model_summary_string";
    if (!buf && size)
        return nb__error(NB_ERR_NULL, "%s: buf is NULL but size is %zu", api, size);
    nb_sbuf b = {0};
    int rc = nb_sum_text(model, ndim, input_shape, &b, api);
    if (rc == NB_OK && b.len > (size_t)0x7fffffff)
        rc = nb__error(NB_ERR_ARG, "%s: the summary is too long for an int", api);
    if (rc == NB_OK) {
        if (size) {
            size_t n = b.len < size ? b.len : size - 1;
            memcpy(buf, b.s, n);
            buf[n] = '\0';
        }
        rc = (int)b.len;
    }
    free(b.s);
    return rc;
}
