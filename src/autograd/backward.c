/* The backward engine: iterative topological sort, then one sweep in reverse
 * order that calls each node's backward and accumulates gradients.
 *
 * Bookkeeping (visited nodes, gradient per tensor, edges still to arrive per
 * tensor) is one small record per tensor, struct nb_pass_slot.  A node's
 * output keeps its record in the node itself, stamped with the serial of
 * the pass that wrote it: a pass reads a record only under its own serial,
 * so several passes over one graph never see each other's bookkeeping and
 * nothing needs resetting, while reaching a tensor's gradient costs no hash
 * lookup.  Leaves (no node) have theirs in a uthash table keyed by address,
 * its entries and buckets taken from the step arena.  A pass started while
 * another runs on the thread (from a hook or a custom op's backward) keeps
 * every record in its table, so it cannot overwrite the outer pass's.  The
 * one lasting mark a pass leaves is nb_backward's "consumed" flag on the
 * nodes it added into .grad from, which refuses a second nb_backward over
 * them (it would add again). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdatomic.h>
#include <string.h>

#include "autograd/graph.h"
#include "kernels/elementwise.h"
#include "autograd/pass_observers.h"
#include "autograd/call_site_internal.h"

/* Pass serials, unique in the process (a graph recorded on one thread may
 * be differentiated on another), so a stamp is never taken for another
 * pass's.  0 is no pass: a new node's record. */
static _Atomic uint64_t nb_pass_serials = 1;
/* Passes running on this thread: only the outermost keeps records in nodes. */
static _Thread_local int nb_pass_depth = 0;

typedef struct nb_bw_ctx {
    nb_arena *arena;
    int oom;
    uint64_t serial; /* this pass's stamp */
    bool in_nodes;   /* records of node outputs live in the nodes */
} nb_bw_ctx;

/* uthash allocates through these: from the pass's arena, never freed one by
 * one, and an out-of-memory sets a flag instead of exiting the process. */
#define NB_HASH_ALLOC(sz) nb__arena_alloc_aligned(ctx->arena, (sz), 16)
#define NB_HASH_FREE(ptr, sz) ((void)(ptr), (void)(sz))
#define NB_HASH_OOM(obj) (ctx->oom = 1)
/* Keys are tensor addresses: a multiplicative hash of the pointer spreads
 * them well and costs one multiply, instead of hashing the key's bytes. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                         \
    do {                                                                             \
        uint64_t k_;                                                                 \
        memcpy(&k_, (keyptr), sizeof k_);                                            \
        (void)(keylen);                                                              \
        (hashv) = (unsigned)((k_ * 0x9E3779B97F4A7C15ull) >> 32);                    \
    } while (0)
#include "core/hash_table.h"

typedef struct nb_entry {
    const nb_tensor *key;
    struct nb_pass_slot slot;
    UT_hash_handle hh;
} nb_entry;

/* The record of t, or NULL when the pass has not met t. */
static inline struct nb_pass_slot *nb_slot_find(const nb_bw_ctx *ctx, nb_entry *table,
                                                const nb_tensor *t)
{
    if (ctx->in_nodes && t->node)
        return t->node->slot.pass == ctx->serial ? &t->node->slot : NULL;
    nb_entry *e = NULL;
    HASH_FIND_PTR(table, &t, e);
    return e ? &e->slot : NULL;
}

/* The record of t, made on first use; NULL when memory runs out. */
static inline struct nb_pass_slot *nb_slot_get(nb_bw_ctx *ctx, nb_entry **table,
                                               const nb_tensor *t)
{
    if (ctx->in_nodes && t->node) {
        struct nb_pass_slot *s = &t->node->slot;
        if (s->pass != ctx->serial)
            *s = (struct nb_pass_slot){.pass = ctx->serial, .next = -1};
        return s;
    }
    nb_entry *e = NULL;
    HASH_FIND_PTR(*table, &t, e);
    if (e)
        return &e->slot;
    e = nb__arena_alloc_aligned(ctx->arena, sizeof *e, 16);
    if (!e) {
        ctx->oom = 1;
        return NULL;
    }
    memset(e, 0, sizeof *e);
    e->key = t;
    e->slot.pass = ctx->serial;
    e->slot.next = -1;
    HASH_ADD_PTR(*table, key, e);
    if (ctx->oom)
        return NULL;
    return &e->slot;
}

/* The sorted nodes, threaded through their records (struct nb_pass_slot's
 * link): the last node sorted, from which each record leads to the one
 * sorted before it, and how many there are. */
typedef struct nb_order {
    struct nb_node *last;
    int64_t len;
    const struct nb_node *consumed; /* the consumed node nearest the end, or NULL */
} nb_order;

/* The record of a node's own output, which the sort made. */
static inline struct nb_pass_slot *nb_out_slot(nb_bw_ctx *ctx, nb_entry *table,
                                               struct nb_node *node)
{
    return ctx->in_nodes ? &node->slot : nb_slot_find(ctx, table, node->output);
}

/* Depth-first post-order over nodes reachable from the roots, with an
 * explicit stack threaded through the nodes' records (each node's next
 * input to visit and the node below it are kept in its output's record):
 * no recursion, so a chain of millions of ops needs no deep C stack, and no
 * memory besides the records.  A node leaves the stack once all its inputs
 * are sorted and its link then joins the order.  Also counts, per tensor,
 * how many node-input edges point at it (for "gradient is final" events). */
static int nb_topo_sort(nb_bw_ctx *ctx, nb_entry **table, nb_tensor *const *roots, int n_roots,
                        nb_order *order)
{
    order->consumed = NULL;
    for (int r = 0; r < n_roots; r++) {
        nb_tensor *root = roots[r];
        if (!root->node)
            continue;
        struct nb_pass_slot *e = nb_slot_get(ctx, table, root);
        if (!e)
            return NB_ERR_NOMEM;
        if (e->next >= 0)
            continue;
        e->next = 0;
        e->link = NULL;
        struct nb_node *top = root->node;
        while (top) {
            struct nb_node *node = top;
            struct nb_pass_slot *os = nb_out_slot(ctx, *table, node);
            int k = os->next;
            if (k == node->n_inputs) {
                top = os->link; /* pop, and append to the order */
                if (node->consumed)
                    order->consumed = node; /* the last one sorted: the sweep's first */
                os->link = order->last;
                order->last = node;
                order->len++;
                continue;
            }
            os->next = k + 1;
            nb_tensor *in = node->inputs[k];
            if (!in->requires_grad)
                continue;
            struct nb_pass_slot *ie = nb_slot_get(ctx, table, in);
            if (!ie)
                return NB_ERR_NOMEM;
            ie->pending++;
            if (in->node && ie->next < 0) {
                ie->next = 0;
                ie->link = top; /* push */
                top = in->node;
            }
        }
    }
    return 0;
}

/* The node sorted before `node` in this pass. */
static inline struct nb_node *nb_order_prev(const nb_bw_ctx *ctx, nb_entry *table,
                                            const struct nb_node *node)
{
    if (ctx->in_nodes)
        return node->slot.link;
    nb_entry *e = NULL;
    const nb_tensor *t = node->output;
    HASH_FIND_PTR(table, &t, e);
    return e->slot.link; /* the sort made it */
}

/* Serial and record placement for a pass (or a sort) starting now. */
static void nb_ctx_begin(nb_bw_ctx *ctx)
{
    ctx->serial = atomic_fetch_add_explicit(&nb_pass_serials, 1, memory_order_relaxed);
    ctx->in_nodes = nb_pass_depth == 0;
}

int nb_graph_nodes(nb_tensor *const *roots, int n_roots, const nb_node ***nodes, int64_t *count)
{
    if (!roots || !nodes || !count)
        return nb__null_input("nb_graph_nodes", !roots ? "roots" : !nodes ? "nodes" : "count");
    if (nb__check_inputs("nb_graph_nodes", roots, n_roots) < 0)
        return nb_last_status();
    nb_bw_ctx ctx_store = {nb_arena_current(), 0, 0, false}, *ctx = &ctx_store;
    if (!ctx->arena)
        return nb__error(NB_ERR_STATE, "nb_graph_nodes: no current arena (call nb_arena_use first)");
    nb_ctx_begin(ctx);
    nb_entry *table = NULL;
    nb_order order = {0};
    const nb_node **arr = NULL;
    if (nb_topo_sort(ctx, &table, roots, n_roots, &order) < 0 || ctx->oom ||
        !(arr = nb__arena_alloc_aligned(ctx->arena, sizeof *arr * (size_t)(order.len ? order.len : 1), 8)))
        return nb__error(NB_ERR_NOMEM, "nb_graph_nodes: out of memory");
    int64_t i = order.len;
    for (struct nb_node *node = order.last; node; node = nb_order_prev(ctx, table, node))
        arr[--i] = node;
    *nodes = arr;
    *count = order.len;
    return NB_OK;
}

/* ---- accumulation: a tiny differentiable op of the engine's own, so that
 * the engine needs no higher layer and create-graph sums stay recorded ---- */

static int nb_accum_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                            const void *params)
{
    (void)op, (void)n_in, (void)params;
    if (out->dtype == NB_F32)
        nb_k_add_f32(out->numel, in[0]->data, in[1]->data, out->data);
    else
        nb_k_add_f64(out->numel, in[0]->data, in[1]->data, out->data);
    return 0;
}

static int nb_accum_backward(const struct nb_node *node, nb_tensor *grad_out, nb_tensor **grad_in)
{
    (void)node;
    grad_in[0] = grad_out;
    grad_in[1] = grad_out;
    return 0;
}

static const nb_op nb_op_accumulate = {
    .name = "accumulate_grad",
    .forward = nb_accum_forward,
    .backward = nb_accum_backward,
};

static int nb_accumulate(struct nb_pass_slot *e, nb_tensor *g)
{
    if (!e->grad) {
        e->grad = g;
        return 0;
    }
    if (e->owned) {
        /* the engine's own sum (never in a create-graph pass): add in place */
        if (g->dtype == NB_F32)
            nb_k_add_inplace_f32(g->numel, e->grad->data, g->data);
        else
            nb_k_add_inplace_f64(g->numel, e->grad->data, g->data);
        return 0;
    }
    nb_tensor *ins[2] = {e->grad, g};
    nb_tensor *sum = nb__op_apply(&nb_op_accumulate, ins, 2, NULL, g->dtype, g->ndim, g->shape);
    if (!sum)
        return nb_last_status();
    e->grad = sum;
    return 0;
}

/* Add g into leaf->grad in place; the .grad tensor lives in the leaf's
 * arena so that it survives the step arena's reset. */
static int nb_accumulate_leaf(nb_tensor *leaf, const nb_tensor *g)
{
    if (!leaf->grad) {
        leaf->grad = nb__tensor_empty_in(leaf->arena, leaf->dtype, leaf->ndim, leaf->shape,
                                         "nb_backward");
        if (!leaf->grad)
            return nb_last_status();
        memcpy(leaf->grad->data, g->data, (size_t)g->numel * nb_dtype_size(g->dtype));
        return 0;
    }
    nb_tensor *acc = leaf->grad;
    if (acc->dtype == NB_F32)
        nb_k_add_inplace_f32(acc->numel, acc->data, g->data);
    else
        nb_k_add_inplace_f64(acc->numel, acc->data, g->data);
    nb__bump_version(acc);
    return 0;
}

static _Thread_local nb_backward_hook nb_hook = NULL;
static _Thread_local void *nb_hook_ctx = NULL;

nb_backward_hook nb_set_backward_hook(nb_backward_hook hook, void *ctx, void **prev_ctx)
{
    nb_backward_hook prev = nb_hook;
    if (prev_ctx)
        *prev_ctx = nb_hook_ctx;
    nb_hook = hook;
    nb_hook_ctx = ctx;
    return prev;
}

static void nb_emit(nb_backward_event_kind kind, const struct nb_node *node, int index,
                    const nb_tensor *tensor, const nb_tensor *grad, int64_t step, bool into_grad)
{
    if (!nb_hook)
        return;
    nb_backward_event ev = {kind, node, index, tensor, grad, step, into_grad};
    nb_hook(&ev, nb_hook_ctx);
}

static int nb_check_saved(const struct nb_node *node)
{
    char site[300], shape[96];
    for (int k = 0; k < node->n_inputs; k++) {
        if (!(node->op->saved & NB_SAVES_INPUT(k > 30 ? 30 : k)))
            continue;
        const nb_tensor *in = node->inputs[k];
        if (nb__version(in) != nb__node_input_versions(node)[k])
            return nb__error(NB_ERR_STATE,
                             "backward of '%s'%s: input %d (%s) was modified in place after the "
                             "forward pass saved it (version %llu when saved, now %llu); do the "
                             "in-place update after backward, or work on a copy",
                             node->op->name, nb__node_site(node, site, sizeof site), k + 1,
                             nb__shape_fmt(in->ndim, in->shape, shape, sizeof shape),
                             (unsigned long long)nb__node_input_versions(node)[k],
                             (unsigned long long)nb__version(in));
    }
    if ((node->op->saved & NB_SAVES_OUTPUT) &&
        nb__version(node->output) != nb__node_output_version(node))
        return nb__error(NB_ERR_STATE,
                         "backward of '%s'%s: its output was modified in place after the forward "
                         "pass (version %llu when saved, now %llu)",
                         node->op->name, nb__node_site(node, site, sizeof site),
                         (unsigned long long)nb__node_output_version(node),
                         (unsigned long long)nb__version(node->output));
    for (int s = 0; s < node->n_saved; s++)
        if (nb__version(node->saved[s]) != nb__node_saved_versions(node)[s])
            return nb__error(NB_ERR_STATE,
                             "backward of '%s'%s: saved tensor %d was modified in place (version "
                             "%llu when saved, now %llu)",
                             node->op->name, nb__node_site(node, site, sizeof site), s + 1,
                             (unsigned long long)nb__node_saved_versions(node)[s],
                             (unsigned long long)nb__version(node->saved[s]));
    return 0;
}

/* A backward formula returns the natural gradient, in the output's shape;
 * when the input was broadcast to that shape, the gradient is summed down to
 * the input's shape here, once for every op, with the engine's own
 * differentiable sum_to (sum_to.c).  Any other mismatch is left for the
 * shape check that follows, which names the op.  NULL only when the sum
 * fails (its message is set). */
static nb_tensor *nb_reduce_broadcast(nb_tensor *g, const nb_tensor *in)
{
    int64_t st[NB_MAX_DIMS];
    if (!nb_k_broadcast_strides(in->ndim, in->shape, g->ndim, g->shape, st))
        return g;
    return nb__sum_to(g, in->ndim, in->shape);
}

enum { NB_MODE_LEAVES = 0, NB_MODE_RETURN = 1 };

/* One pass's working state, shared by its steps: sort, seed, sweep, finish. */
typedef struct nb_run {
    const char *api;   /* the public function called, for messages */
    nb_bw_ctx *ctx;    /* the pass's arena and out-of-memory flag */
    nb_entry *table;   /* bookkeeping of the leaves (and of every tensor when nested) */
    nb_order order;    /* the nodes, each after every node it depends on */
    int mode;          /* NB_MODE_LEAVES: add into .grad; NB_MODE_RETURN: keep in table */
    bool create_graph; /* NB_CREATE_GRAPH: the formulas' ops are recorded */
    bool marked;       /* the consumed marks are set, or there are none to set */
} nb_run;

/* nb_backward adds into .grad, so a second pass over a graph would count
 * its gradients twice.  Checked for every node before anything is added, so
 * a refused pass leaves every .grad as it was.  The node met first by the
 * sweep (nearest the loss) is named; the sort noted it, so this costs no
 * walk over the graph. */
static int nb_check_not_consumed(const nb_run *r)
{
    const struct nb_node *node = r->order.consumed; /* found by the sort */
    if (!node)
        return 0;
    char site[300];
    return nb__error(NB_ERR_STATE,
                     "%s: the graph through '%s'%s was already used by a backward pass; pass "
                     "NB_RETAIN_GRAPH to the first call to run it again, or record it again",
                     r->api, node->op->name, nb__node_site(node, site, sizeof site));
}

/* Mark every node of the pass once, when the first .grad is about to change:
 * a pass that fails before that leaves the graph usable. */
static void nb_consume(nb_run *r)
{
    if (r->marked)
        return;
    for (struct nb_node *node = r->order.last; node; node = nb_order_prev(r->ctx, r->table, node))
        node->consumed = 1;
    r->marked = true;
}

/* The run whose sweep is calling an op's backward on this thread, for
 * nb__grad_sink; saved and put back around each run, so a pass nested in a
 * custom op's backward has its own. */
static _Thread_local nb_run *nb_sink_run = NULL;

nb_tensor nb__grad_added_marker;

nb_tensor *nb__grad_sink(const struct nb_node *node, int k)
{
    nb_run *r = nb_sink_run;
    /* Only where adding straight into .grad is what the usual path would do
     * and nobody could tell the difference: an nb_backward pass that records
     * nothing and that no hook (trace, DOT, page) or anomaly check watches. */
    if (!r || r->mode != NB_MODE_LEAVES || r->create_graph || nb_hook || nb_anomaly_mode())
        return NULL;
    nb_tensor *in = node->inputs[k];
    nb_tensor *acc = in->grad;
    if (in->node || !in->requires_grad || !acc || acc->dtype != in->dtype ||
        !nb_tensor_same_shape(acc, in))
        return NULL;
    /* This edge must be the input's only one in the pass, so that the sum
     * this pass would have added into .grad is exactly this contribution. */
    struct nb_pass_slot *ie = nb_slot_find(r->ctx, r->table, in);
    if (!ie || ie->grad || ie->pending != 1)
        return NULL;
    nb_consume(r);
    return acc;
}

/* Seed the pass: each output's entry gets d(output)/d(output), the given
 * grad_output (which must match the output) or, for a one-element output,
 * ones. */
static int nb_seed(nb_run *r, nb_tensor *const *outputs, int n_outputs,
                   nb_tensor *const *grad_outputs)
{
    const char *api = r->api;
    char s1[96], s2[96];
    for (int j = 0; j < n_outputs; j++) {
        nb_tensor *out = outputs[j];
        nb_tensor *g = grad_outputs ? grad_outputs[j] : NULL;
        if (g) {
            if (nb__check_tensor(g, api, "grad_output") < 0)
                return nb_last_status();
            if (!nb_tensor_same_shape(g, out) || g->dtype != out->dtype)
                return nb__error(NB_ERR_SHAPE, "%s: grad_output %d is %s %s but output is %s %s",
                                 api, j + 1, nb_dtype_name(g->dtype),
                                 nb__shape_fmt(g->ndim, g->shape, s1, sizeof s1),
                                 nb_dtype_name(out->dtype),
                                 nb__shape_fmt(out->ndim, out->shape, s2, sizeof s2));
        } else {
            if (out->numel != 1)
                return nb__error(NB_ERR_SHAPE,
                                 "%s: output %d has shape %s; a gradient can be implied only for "
                                 "a one-element output (pass grad_output, or reduce with nb_sum)",
                                 api, j + 1, nb__shape_fmt(out->ndim, out->shape, s1, sizeof s1));
            g = nb_ones(out->dtype, out->ndim, out->shape);
            if (!g)
                return nb_last_status();
        }
        if (!out->requires_grad)
            return nb__error(NB_ERR_GRAD,
                             "%s: output %d does not require grad: nothing it depends on was "
                             "marked with nb_tensor_set_requires_grad (or it was computed in a no-grad scope)",
                             api, j + 1);
        struct nb_pass_slot *e = nb_slot_get(r->ctx, &r->table, out);
        if (!e)
            return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        int rc = nb_accumulate(e, g);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The cold paths of the sweep, kept out of the functions that run for every
 * node and edge so that those stay small enough to be inlined. */

/* A create-graph pass reached an op whose backward is raw C. */
static int nb_refuse_second_order(const char *api, const struct nb_node *node)
{
    char site[300];
    return nb__error(NB_ERR_GRAD,
                     "%s: op '%s'%s is once differentiable: its backward is not made of nabla "
                     "ops, so NB_CREATE_GRAPH (second order) is not available",
                     api, node->op->name, nb__node_site(node, site, sizeof site));
}

/* The node's formula returned rc < 0, or an op inside it found a NaN/Inf
 * (anomaly mode): report it as this node's.  A formula that failed without
 * a message gets the engine's; either way the status returned is the
 * recorded message's, whatever negative int the formula returned. */
static int nb_formula_error(const struct nb_node *node)
{
    char site[300];
    if (nb_last_status() == NB_ERR_NUMERIC) {
        char inner[512];
        const char *msg = nb_last_error();
        if (strncmp(msg, "anomaly: ", 9) == 0)
            msg += 9;
        snprintf(inner, sizeof inner, "%s", msg);
        return nb__error(NB_ERR_NUMERIC, "anomaly in the backward of '%s'%s: %s", node->op->name,
                         nb__node_site(node, site, sizeof site), inner);
    }
    if (!nb__error_pending())
        return nb__error(NB_ERR_GRAD, "backward of '%s'%s failed", node->op->name,
                         nb__node_site(node, site, sizeof site));
    return nb_last_status(); /* the formula, or an op inside it, said why, and
                                its status is what the caller gets */
}

/* Why the gradient g that the node's formula gave for input k is refused:
 * missing, of another shape or dtype than the input, or not finite (anomaly
 * mode).  Sets the message and returns NULL. */
static nb_tensor *nb_refuse_input_grad(const struct nb_node *node, int k, const nb_tensor *g)
{
    char site[300], s1[96], s2[96];
    const nb_tensor *in = node->inputs[k];
    if (!g && nb__error_pending())
        return NULL; /* an op inside the formula failed: its message stands */
    nb__node_site(node, site, sizeof site);
    if (!g)
        nb__error(NB_ERR_GRAD, "backward of '%s'%s gave no gradient for input %d", node->op->name,
                  site, k + 1);
    else if (!nb_tensor_same_shape(g, in) || g->dtype != in->dtype)
        nb__error(NB_ERR_GRAD, "backward of '%s'%s gave a %s %s gradient for input %d of %s %s",
                  node->op->name, site, nb_dtype_name(g->dtype),
                  nb__shape_fmt(g->ndim, g->shape, s1, sizeof s1), k + 1,
                  nb_dtype_name(in->dtype), nb__shape_fmt(in->ndim, in->shape, s2, sizeof s2));
    else
        nb__error(NB_ERR_NUMERIC,
                  "anomaly: backward of '%s'%s produced NaN/Inf in the gradient of input %d",
                  node->op->name, site, k + 1);
    return NULL;
}

/* Run one node's backward formula on the gradient of its output, after
 * checking its saved tensors' versions and, in a create-graph pass, that the
 * op can be differentiated again.  The formula runs with the node's call
 * site (the nodes it records and anomaly messages from its ops point at the
 * forward op), and a failure inside it is reported as this node's.  On
 * success *grad_in holds one gradient per input, NULL where none was asked
 * for (gi comes zeroed, one slot per input). */
static int nb_node_backward(nb_run *r, const struct nb_node *node, nb_tensor *grad,
                            nb_tensor **gi)
{
    int rc = nb_check_saved(node);
    if (rc < 0)
        return rc;
    if (r->create_graph && (node->op->flags & NB_OP_ONCE_DIFFERENTIABLE))
        return nb_refuse_second_order(r->api, node);
    nb_set_call_site(node->file, node->line);
    rc = node->op->backward(node, grad, gi);
    if (rc < 0 || nb_last_status() == NB_ERR_NUMERIC)
        return nb_formula_error(node);
    return 0;
}

/* The gradient the node's formula gave for input k, checked: present, of
 * the input's shape and dtype (a gradient in the output's broadcast shape is
 * summed down first), and finite under anomaly mode.  Returns it, or NULL
 * with a message. */
static nb_tensor *nb_input_grad(const struct nb_node *node, int k, nb_tensor *g)
{
    const nb_tensor *in = node->inputs[k];
    if (!g)
        return nb_refuse_input_grad(node, k, NULL);
    if (!nb_tensor_same_shape(g, in) && g->dtype == in->dtype) {
        g = nb_reduce_broadcast(g, in);
        if (!g)
            return NULL;
        if (!nb_tensor_same_shape(g, in))
            return nb_refuse_input_grad(node, k, g);
    }
    if (g->dtype != in->dtype || (nb_anomaly_mode() && nb__count_nonfinite(g) > 0))
        return nb_refuse_input_grad(node, k, g);
    return g;
}

/* Pass g from the node at `step` to its input k, whose entry is ie.  When
 * that was the input's last edge and the input is a leaf, its gradient is
 * final: the hook hears of it and nb_backward adds it into the leaf's .grad
 * (marking the graph consumed first). */
static int nb_delivered(nb_run *r, nb_tensor *in, struct nb_pass_slot *ie, int64_t step);

static int nb_deliver(nb_run *r, const struct nb_node *node, int k, nb_tensor *g,
                      struct nb_pass_slot *ie, int64_t step)
{
    nb_tensor *in = node->inputs[k];
    if (g == NB__GRAD_ADDED) { /* the formula added it into .grad itself */
        ie->pending--;
        nb__bump_version(in->grad);
        return 0;
    }
    nb_emit(NB_EVENT_PASS, node, k, in, g, step, false);
    int rc = nb_accumulate(ie, g);
    return rc < 0 ? rc : nb_delivered(r, in, ie, step);
}

/* One more edge into `in` has delivered: after its last, a leaf's gradient
 * is final. */
static int nb_delivered(nb_run *r, nb_tensor *in, struct nb_pass_slot *ie, int64_t step)
{
    if (--ie->pending > 0 || in->node)
        return 0;
    nb_emit(NB_EVENT_LEAF_DONE, NULL, -1, in, ie->grad, step, r->mode == NB_MODE_LEAVES);
    if (r->mode != NB_MODE_LEAVES)
        return 0;
    nb_consume(r);
    return nb_accumulate_leaf(in, ie->grad);
}

/* The fast path of an op with .backward_into (see graph.h): its input's
 * gradient so far becomes a tensor of the engine's own (zeros, or a copy of
 * what arrived before), and the op adds its share into it in place, so a
 * slice's gradient costs the slice's size, not the whole input's.  Only for
 * first-order passes with no hook watching and anomaly mode off, where no
 * one sees the pieces. */
static bool nb_fast_into(const nb_run *r, const struct nb_node *node)
{
    return node->op->backward_into && node->n_inputs == 1 && node->inputs[0]->requires_grad &&
           !r->create_graph && !nb_hook && !nb_anomaly_mode();
}

static int nb_node_backward_into(nb_run *r, const struct nb_node *node, nb_tensor *grad,
                                 int64_t step)
{
    nb_tensor *in = node->inputs[0];
    struct nb_pass_slot *ie = nb_slot_find(r->ctx, r->table, in);
    if (!ie)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", r->api);
    int rc = nb_check_saved(node);
    if (rc < 0)
        return rc;
    if (!ie->owned) {
        nb_tensor *acc = nb__tensor_empty_in(nb_arena_current(), in->dtype, in->ndim, in->shape,
                                             r->api);
        if (!acc)
            return nb_last_status();
        size_t bytes = (size_t)in->numel * nb_dtype_size(in->dtype);
        if (ie->grad)
            memcpy(acc->data, ie->grad->data, bytes);
        else if (bytes)
            memset(acc->data, 0, bytes);
        ie->grad = acc;
        ie->owned = 1;
    }
    nb_set_call_site(node->file, node->line);
    rc = node->op->backward_into(node, grad, ie->grad);
    if (rc < 0)
        return nb_formula_error(node);
    return nb_delivered(r, in, ie, step);
}

/* Sweep the sorted nodes in reverse, so that each runs after every node that
 * uses its output: a node whose output received a gradient runs its backward
 * and delivers each input's share; the others pass nothing on. */
static int nb_sweep(nb_run *r)
{
    int64_t step = 0; /* nodes visited so far: the hook's step */
    nb_tensor *gi_small[8];
    for (struct nb_node *node = r->order.last, *prev; node; node = prev) {
        struct nb_pass_slot *oe = nb_out_slot(r->ctx, r->table, node);
        if (!oe)
            return nb__error(NB_ERR_NOMEM, "%s: out of memory", r->api);
        prev = oe->link;
        if (!oe->grad)
            continue; /* no gradient flows through this node */
        nb_emit(NB_EVENT_NODE, node, -1, node->output, oe->grad, step, false);
        if (nb_fast_into(r, node)) {
            int rc = nb_node_backward_into(r, node, oe->grad, step);
            if (rc < 0)
                return rc;
            step++;
            continue;
        }
        /* one gradient slot per input: on the stack for the usual few */
        size_t n = (size_t)node->n_inputs;
        nb_tensor **gi = n <= 8 ? gi_small : nb__arena_alloc_aligned(r->ctx->arena, sizeof *gi * n, 8);
        if (!gi)
            return nb_last_status();
        memset(gi, 0, sizeof *gi * n);
        int rc = nb_node_backward(r, node, oe->grad, gi);
        if (rc < 0)
            return rc;
        for (int k = 0; k < node->n_inputs; k++) {
            nb_tensor *in = node->inputs[k];
            if (!in->requires_grad)
                continue;
            nb_tensor *g = gi[k] == NB__GRAD_ADDED ? gi[k] : nb_input_grad(node, k, gi[k]);
            if (!g)
                return nb_last_status();
            struct nb_pass_slot *ie = nb_slot_find(r->ctx, r->table, in);
            if (!ie)
                return nb__error(NB_ERR_NOMEM, "%s: out of memory", r->api);
            if ((rc = nb_deliver(r, node, k, g, ie, step)) < 0)
                return rc;
        }
        step++;
    }
    return 0;
}

/* After the sweep: the graph is used up (if no leaf marked it already), and
 * outputs that are leaves themselves (the backward of a leaf) add their seed
 * into .grad. */
static int nb_finish(nb_run *r, nb_tensor *const *outputs, int n_outputs)
{
    nb_consume(r);
    if (r->mode != NB_MODE_LEAVES)
        return 0;
    for (int j = 0; j < n_outputs; j++) {
        if (outputs[j]->node)
            continue;
        struct nb_pass_slot *e = nb_slot_find(r->ctx, r->table, outputs[j]);
        int rc = e && e->grad && e->pending == 0 ? nb_accumulate_leaf(outputs[j], e->grad) : 0;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The shared engine behind nb_backward and nb_grad: sort, seed, refuse a
 * used-up graph (nb_backward only), sweep, finish.  *table_out gets the
 * bookkeeping, where nb_grad finds its inputs' gradients. */
static int nb_run_backward(const char *api, nb_tensor *const *outputs, int n_outputs,
                           nb_tensor *const *grad_outputs, unsigned flags, int mode,
                           nb_entry **table_out, nb_bw_ctx *ctx)
{
    /* Only nb_backward uses a graph up (nb_grad accumulates nothing). */
    bool consume = mode == NB_MODE_LEAVES && !(flags & NB_RETAIN_GRAPH);
    nb_run r = {
        .api = api,
        .ctx = ctx,
        .mode = mode,
        .create_graph = (flags & NB_CREATE_GRAPH) != 0,
        .marked = !consume,
    };
    /* The inputs are valid: start with a clean slate, so that a failure
     * inside a backward formula is told apart from an old, ignored one. */
    nb_clear_error();
    nb_run *prev_run = nb_sink_run;
    nb_sink_run = &r;
    int rc = nb_topo_sort(ctx, &r.table, outputs, n_outputs, &r.order);
    if (rc < 0 || ctx->oom)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory while sorting the graph", api);
    rc = nb_seed(&r, outputs, n_outputs, grad_outputs);
    if (rc == 0 && mode == NB_MODE_LEAVES)
        rc = nb_check_not_consumed(&r);
    if (rc == 0)
        rc = nb_sweep(&r);
    if (rc == 0)
        rc = nb_finish(&r, outputs, n_outputs);
    nb_sink_run = prev_run;
    *table_out = r.table;
    return rc;
}

/* nb_run_backward with the thread set up for a pass whose arguments were
 * checked, and put back afterwards, failed or not: temporaries go to the
 * current arena (the first output's when none is current), grad mode is on
 * only to record a create-graph pass, the pass observers (NB_TRACE) see it,
 * and the caller's call site survives the nodes' sites set by the sweep.
 * *ctx gets the pass's serial, with which *table finds its records. */
static int nb_run_pass(const char *api, nb_tensor *const *outputs, int n_outputs,
                       nb_tensor *const *grad_outputs, unsigned flags, int mode,
                       nb_entry **table, nb_bw_ctx *ctx)
{
    nb_arena *prev = nb_arena_current();
    *ctx = (nb_bw_ctx){.arena = prev ? prev : outputs[0]->arena};
    nb_ctx_begin(ctx);
    nb_pass_depth++;
    nb_arena_use(ctx->arena);
    bool prev_grad = nb_set_grad_enabled((flags & NB_CREATE_GRAPH) != 0);
    bool observed = nb__pass_observers_begin();
    const char *site_file;
    int site_line;
    nb__get_call_site(&site_file, &site_line);
    int rc = nb_run_backward(api, outputs, n_outputs, grad_outputs, flags, mode, table, ctx);
    if (observed)
        nb__pass_observers_end();
    nb_pass_depth--;
    nb_set_call_site(site_file, site_line);
    nb_set_grad_enabled(prev_grad);
    nb_arena_use(prev);
    return rc;
}

static int nb_backward_impl(const char *api, nb_tensor *loss, nb_tensor *grad_output,
                            unsigned flags)
{
    int rc = nb__check_tensor(loss, api, "loss");
    if (rc < 0)
        return rc;
    nb_entry *table = NULL;
    nb_bw_ctx ctx;
    nb_tensor *grads[1] = {grad_output};
    return nb_run_pass(api, &loss, 1, grad_output ? grads : NULL, flags, NB_MODE_LEAVES, &table,
                       &ctx);
}

int nb_backward(nb_tensor *loss, nb_tensor *grad_output)
{
    return nb_backward_impl("nb_backward", loss, grad_output, 0);
}

int nb_backward_ex(nb_tensor *loss, nb_tensor *grad_output, unsigned flags)
{
    if (flags & NB_CREATE_GRAPH)
        return nb__error(NB_ERR_ARG,
                         "nb_backward_ex: NB_CREATE_GRAPH is not available here (nb_backward is "
                         "first order); use nb_grad with NB_CREATE_GRAPH to differentiate a "
                         "gradient");
    if (flags & ~(unsigned)NB_RETAIN_GRAPH)
        return nb__error(NB_ERR_ARG, "nb_backward_ex: unknown flags 0x%x (only NB_RETAIN_GRAPH)",
                         flags & ~(unsigned)NB_RETAIN_GRAPH);
    return nb_backward_impl("nb_backward_ex", loss, grad_output, flags);
}

int nb_grad(nb_tensor *const *outputs, int n_outputs, nb_tensor *const *inputs, int n_inputs,
            nb_tensor *const *grad_outputs, unsigned flags, nb_tensor **grads)
{
    if (!outputs || !inputs || !grads)
        return nb__null_input("nb_grad", !outputs ? "outputs" : !inputs ? "inputs" : "grads");
    if (n_outputs < 1 || n_inputs < 1)
        return nb__error(NB_ERR_ARG, "nb_grad: need at least one output and one input (got %d, %d)",
                         n_outputs, n_inputs);
    if (flags & ~(unsigned)(NB_CREATE_GRAPH | NB_ALLOW_UNUSED | NB_RETAIN_GRAPH))
        return nb__error(NB_ERR_ARG, "nb_grad: unknown flags 0x%x", flags);
    for (int i = 0; i < n_inputs; i++)
        grads[i] = NULL;
    int rc = nb__check_inputs("nb_grad", outputs, n_outputs);
    if (rc == 0)
        rc = nb__check_inputs("nb_grad", inputs, n_inputs);
    if (rc < 0)
        return rc;
    nb_entry *table = NULL;
    nb_bw_ctx ctx;
    rc = nb_run_pass("nb_grad", outputs, n_outputs, grad_outputs, flags, NB_MODE_RETURN, &table,
                     &ctx);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n_inputs; i++) {
        /* the records of an outermost pass stay in the nodes until another
         * pass over them starts: none has yet on this thread */
        struct nb_pass_slot *e = nb_slot_find(&ctx, table, inputs[i]);
        if (e && e->grad) {
            grads[i] = e->grad;
        } else if (!(flags & NB_ALLOW_UNUSED)) {
            return nb__error(NB_ERR_GRAD,
                             "nb_grad: input %d is not used to compute the outputs (or does not "
                             "require grad); pass NB_ALLOW_UNUSED to get NULL for it",
                             i + 1);
        }
    }
    return NB_OK;
}
