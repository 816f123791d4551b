/* The backward trace: a backward hook (autograd.h) that prints what the
 * engine does, node by node, so that the chain rule can be watched.
 *
 * State is thread-local, like the hook itself: one trace per thread.  The
 * depth of each tensor (distance from the loss, counted in nodes) is kept in
 * a small uthash table allocated from the current arena, which during a
 * backward pass is the pass's own arena; the table is restarted at the first
 * event of every pass, so nothing from an earlier (possibly reset) arena is
 * ever touched, and nothing needs freeing. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "autograd/graph.h"
#include "autograd/pass_observers.h"
#include "teach/op_rules.h"
#include "nabla/trace.h"

typedef struct nb_trace_state {
    bool active;
    bool from_env;          /* started by NB_TRACE for one pass */
    bool io_error;
    FILE *out;
    nb_trace_opts opts;
    nb_backward_hook prev_hook;
    void *prev_ctx;
    const nb_tensor *root;  /* the output of the pass's first node: the "E" of dE/dx */
    struct nb_depth *depths; /* per-pass table, in the pass's arena */
    bool oom;               /* the table could not grow: depths are omitted */
} nb_trace_state;

static _Thread_local nb_trace_state nb_tr;
/* Traced passes on this thread since the last nb_trace_begin (trace.h): kept
 * apart from nb_tr, which an NB_TRACE pass clears when it ends, so that
 * passes traced by NB_TRACE are numbered 1, 2, 3 ... and not all "1". */
static _Thread_local int64_t nb_tr_passes;

#define NB_HASH_ALLOC(sz) nb_arena_alloc(nb_arena_current(), (sz))
#define NB_HASH_FREE(ptr, sz) ((void)(ptr), (void)(sz))
#define NB_HASH_OOM(obj) (nb_tr.oom = true)
#include "core/hash_table.h"

typedef struct nb_depth {
    const nb_tensor *key;
    int64_t depth;
    UT_hash_handle hh;
} nb_depth;

/* Depth of t so far; 0 when unknown (an output of the pass, or a tensor
 * whose depth the full table could not keep). */
static int64_t nb_depth_get(const nb_tensor *t)
{
    nb_depth *d = NULL;
    HASH_FIND_PTR(nb_tr.depths, &t, d);
    return d ? d->depth : 0;
}

/* Raise t's depth to at least `depth` (a tensor used by several nodes sits
 * one step below the deepest of them). */
static void nb_depth_raise(const nb_tensor *t, int64_t depth)
{
    if (nb_tr.oom || !nb_arena_current())
        return;
    nb_depth *d = NULL;
    HASH_FIND_PTR(nb_tr.depths, &t, d);
    if (d) {
        if (d->depth < depth)
            d->depth = depth;
        return;
    }
    d = nb_arena_alloc(nb_arena_current(), sizeof *d);
    if (!d) {
        nb_tr.oom = true;
        return;
    }
    memset(d, 0, sizeof *d);
    d->key = t;
    d->depth = depth;
    HASH_ADD_PTR(nb_tr.depths, key, d);
}

static void nb_tr_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void nb_tr_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(nb_tr.out, fmt, ap) < 0)
        nb_tr.io_error = true;
    va_end(ap);
}

/* How the trace names a tensor inside formulas: its name, else "#<node id>"
 * for a recorded result, else "leaf". */
static const char *nb_tr_name(const nb_tensor *t, char *buf, size_t n)
{
    if (t->name)
        return t->name;
    if (t->node)
        snprintf(buf, n, "#%llu", (unsigned long long)t->node->id);
    else
        snprintf(buf, n, "leaf");
    return buf;
}

/* The user's label for t's gradient: this trace's (nb_trace_opts.labels),
 * else the tensor's own (nb_tensor_set_grad_label), else NULL. */
static const char *nb_tr_label(const nb_tensor *t)
{
    for (int i = 0; i < nb_tr.opts.n_labels; i++)
        if (nb_tr.opts.label_tensors[i] == t)
            return nb_tr.opts.labels[i];
    return t->grad_label;
}

/* "dE/dZ2": the gradient of the pass's root with respect to t. */
static const char *nb_tr_grad_name(const nb_tensor *t, char *buf, size_t n)
{
    char rb[32], tb[32];
    const nb_tensor *root = nb_tr.root ? nb_tr.root : t;
    snprintf(buf, n, "d%s/d%s", nb_tr_name(root, rb, sizeof rb), nb_tr_name(t, tb, sizeof tb));
    return buf;
}

/* "'W1' (leaf) 3x4" / "(#5 matmul) 2x4": how a tensor is shown in the trace. */
static void nb_tr_describe(const nb_tensor *t)
{
    char shape[96];
    nb__shape_fmt(t->ndim, t->shape, shape, sizeof shape);
    if (t->name)
        nb_tr_printf("'%s' ", t->name);
    if (t->node)
        nb_tr_printf("(#%llu %s) %s", (unsigned long long)t->node->id, t->node->op->name, shape);
    else
        nb_tr_printf("(leaf) %s", shape);
}

static void nb_tr_indent(int64_t depth)
{
    for (int64_t i = 0; i < depth && i < 20; i++)
        nb_tr_printf("  ");
}

/* The values of g (plus `add`'s, element by element, when add is not NULL:
 * the leaf's .grad after this pass adds g).  A scalar or vector is printed
 * inline: " [1, 2]", and so is a matrix of one row.  A matrix is printed one row per line, each row on a
 * new line indented to `depth`, so a 2x2 reads as two rows; a tensor of more
 * dimensions is printed as the rows of its last dimension.  Returns true
 * when rows were printed (the caller's next words go on a new line). */
static bool nb_tr_values(const nb_tensor *g, const nb_tensor *add, int64_t depth)
{
    int64_t max = nb_tr.opts.max_values == 0 ? 16 : nb_tr.opts.max_values;
    if (max < 0 || !g)
        return false;
    if (g->numel > max) {
        nb_tr_printf(" [%lld values]", (long long)g->numel);
        return false;
    }
    int64_t cols = g->ndim >= 2 ? g->shape[g->ndim - 1] : g->numel;
    bool rows = g->ndim >= 2 && g->numel > cols; /* one row stays inline */
    for (int64_t i = 0; i < g->numel; i++) {
        if (i % (cols ? cols : 1) == 0) {
            if (rows) {
                nb_tr_printf("%s\n      ", i ? "]" : "");
                nb_tr_indent(depth);
                nb_tr_printf("[");
            } else {
                nb_tr_printf(" [");
            }
        } else {
            nb_tr_printf(", ");
        }
        double v = nb__get(g, i);
        if (add && add->numel == g->numel)
            v += nb__get(add, i);
        nb_tr_printf("%.6g", v);
    }
    nb_tr_printf(g->numel ? "]" : " []");
    return rows;
}

/* The rule the trace shows for node's op: none when hidden, for custom ops
 * (nb__node_rule), for ops of more inputs than the templates name, and for
 * ops whose row in op_rules.c has no formula for the trace. */
static const nb_op_rule *nb_tr_rule(const nb_node *node)
{
    if (nb_tr.opts.hide_rules || node->n_inputs > 3)
        return NULL;
    const nb_op_rule *rule = nb__node_rule(node);
    return rule && rule->forward ? rule : NULL;
}

/* %c of the rules: the op's one-double parameter, "%.6g" (op_rules.c
 * lists the ops that have one). */
static const char *nb_tr_scalar(const nb_node *node, const nb_op_rule *rule, char *buf, size_t n)
{
    double c;
    if (!strstr(rule->forward, "%c") || node->op->params_size != sizeof c)
        return NULL;
    memcpy(&c, nb__node_params(node), sizeof c);
    snprintf(buf, n, "%.6g", c);
    return buf;
}

static void nb_trace_node(const nb_backward_event *ev)
{
    const nb_node *node = ev->node;
    char nb_[4][32], buf[256], gname[80];
    if (ev->step == 0) {
        nb_tr.depths = NULL; /* a new pass: the old table died with its arena */
        nb_tr.oom = false;
        nb_tr.root = node->output;
        nb_tr_passes++;
        nb_tr_printf("backward pass %lld: from '%s' back to the leaves\n", (long long)nb_tr_passes,
                     nb_tr_name(node->output, nb_[0], sizeof nb_[0]));
    }
    int64_t depth = nb_depth_get(node->output);
    nb_tr_printf("visit %lld  depth %lld  ", (long long)ev->step, (long long)depth);
    nb_tr_indent(depth);
    nb_tr_printf("node #%llu %s", (unsigned long long)node->id, node->op->name);
    const nb_op_rule *rule = nb_tr_rule(node);
    if (rule) {
        const char *names[4] = {nb_tr_name(node->output, nb_[0], sizeof nb_[0])};
        for (int k = 0; k < node->n_inputs; k++)
            names[k + 1] = nb_tr_name(node->inputs[k], nb_[k + 1], sizeof nb_[k + 1]);
        char cb[32];
        nb_tr_printf(": %s", nb__rule_expand(rule->forward, names, "",
                                             nb_tr_scalar(node, rule, cb, sizeof cb), buf,
                                             sizeof buf));
    }
    if (nb_tr.opts.show_sites && node->file)
        nb_tr_printf(" at %s:%d", node->file, node->line);
    nb_tr_printf("\n    ");
    nb_tr_indent(depth);
    const char *label = nb_tr_label(node->output);
    if (label)
        nb_tr_printf("%s = ", label);
    nb_tr_printf("%s, the gradient at ", nb_tr_grad_name(node->output, gname, sizeof gname));
    nb_tr_describe(node->output);
    nb_tr_printf(":");
    nb_tr_values(ev->grad, NULL, depth);
    nb_tr_printf("\n");
    nb_depth_raise(node->output, depth);
}

/* "-> input 2 'b2' (leaf) 1x2 gets D2, summed to 1x2: [...]" */
static void nb_trace_pass(const nb_backward_event *ev)
{
    const nb_node *node = ev->node;
    int64_t depth = nb_depth_get(node->output);
    nb_depth_raise(ev->tensor, depth + 1);
    if (nb_tr.opts.hide_passes)
        return;
    nb_tr_printf("    ");
    nb_tr_indent(depth);
    nb_tr_printf("-> input %d ", ev->input_index + 1);
    nb_tr_describe(ev->tensor);
    const nb_op_rule *rule = nb_tr_rule(node);
    int k = ev->input_index;
    if (rule && k < 3 && rule->grad[k]) {
        char nb_[4][32], buf[256], gname[80];
        const char *names[4] = {nb_tr_name(node->output, nb_[0], sizeof nb_[0])};
        for (int i = 0; i < node->n_inputs; i++)
            names[i + 1] = nb_tr_name(node->inputs[i], nb_[i + 1], sizeof nb_[i + 1]);
        const char *g = nb_tr_label(node->output);
        if (!g)
            g = nb_tr_grad_name(node->output, gname, sizeof gname);
        char cb[32];
        nb_tr_printf(" gets %s", nb__rule_expand(rule->grad[k], names, g,
                                                 nb_tr_scalar(node, rule, cb, sizeof cb), buf,
                                                 sizeof buf));
        if (rule->elementwise && !nb_tensor_same_shape(ev->tensor, node->output)) {
            char shape[96];
            nb__shape_fmt(ev->tensor->ndim, ev->tensor->shape, shape, sizeof shape);
            nb_tr_printf(", summed to %s", shape);
        }
    }
    nb_tr_printf(":");
    nb_tr_values(ev->grad, NULL, depth);
    nb_tr_printf("\n");
}

/* "== 'c' (leaf) scalar: dy/dc final for this pass: [14] (.grad now [14])",
 * or with a label "G = dy/dc final ..." */
static void nb_trace_leaf_done(const nb_backward_event *ev)
{
    int64_t depth = nb_depth_get(ev->tensor);
    depth = depth > 0 ? depth - 1 : 0;
    char gname[80];
    nb_tr_printf("    ");
    nb_tr_indent(depth);
    nb_tr_printf("== ");
    nb_tr_describe(ev->tensor);
    const char *label = nb_tr_label(ev->tensor);
    nb_tr_printf(": %s%s%s final for this pass:", label ? label : "", label ? " = " : "",
                 nb_tr_grad_name(ev->tensor, gname, sizeof gname));
    bool rows = nb_tr_values(ev->grad, NULL, depth);
    int64_t max = nb_tr.opts.max_values == 0 ? 16 : nb_tr.opts.max_values;
    if (ev->into_grad && max >= 0 && ev->grad && ev->grad->numel <= max) {
        if (rows) {
            nb_tr_printf("\n      ");
            nb_tr_indent(depth);
            nb_tr_printf(".grad now:");
            nb_tr_values(ev->grad, ev->tensor->grad, depth);
        } else {
            nb_tr_printf(" (.grad now");
            nb_tr_values(ev->grad, ev->tensor->grad, depth);
            nb_tr_printf(")");
        }
    }
    nb_tr_printf("\n");
}

static void nb_trace_hook(const nb_backward_event *ev, void *ctx)
{
    (void)ctx;
    switch (ev->kind) {
    case NB_EVENT_NODE:
        nb_trace_node(ev);
        break;
    case NB_EVENT_PASS:
        nb_trace_pass(ev);
        break;
    case NB_EVENT_LEAF_DONE:
        nb_trace_leaf_done(ev);
        break;
    }
}

/* Start a trace on this thread: install the hook, keeping the one it
 * replaces so that stopping puts it back. */
static void nb_tr_start(FILE *out, const nb_trace_opts *opts)
{
    memset(&nb_tr, 0, sizeof nb_tr);
    nb_tr.active = true;
    nb_tr.out = out;
    if (opts)
        nb_tr.opts = *opts;
    nb_tr.prev_hook = nb_set_backward_hook(nb_trace_hook, NULL, &nb_tr.prev_ctx);
}

/* Stop the running trace: put the previous hook back, flush, forget the
 * state.  Returns false when a write failed. */
static bool nb_tr_stop(void)
{
    nb_set_backward_hook(nb_tr.prev_hook, nb_tr.prev_ctx, NULL);
    bool ok = !nb_tr.io_error && !ferror(nb_tr.out);
    if (fflush(nb_tr.out) != 0)
        ok = false;
    memset(&nb_tr, 0, sizeof nb_tr);
    return ok;
}

int nb_trace_begin(FILE *out, const nb_trace_opts *opts)
{
    if (!out)
        return nb__null_input("nb_trace_begin", "out");
    if (nb_tr.active)
        return nb__error(NB_ERR_STATE,
                         "nb_trace_begin: a trace is already running on this thread (call "
                         "nb_trace_end first)");
    if (opts && (opts->n_labels < 0 || (opts->n_labels > 0 && (!opts->label_tensors || !opts->labels))))
        return nb__error(NB_ERR_ARG, "nb_trace_begin: opts.n_labels is %d but label_tensors/labels %s",
                         opts->n_labels, opts->n_labels < 0 ? "cannot be negative" : "are NULL");
    nb_tr_start(out, opts);
    nb_tr_passes = 0;
    return NB_OK;
}

int nb_trace_end(void)
{
    if (!nb_tr.active)
        return nb__error(NB_ERR_STATE, "nb_trace_end: no trace is running on this thread");
    if (!nb_tr_stop())
        return nb__error(NB_ERR_IO, "nb_trace_end: writing the trace failed");
    return NB_OK;
}

bool nb_trace_active(void) { return nb_tr.active; }

/* ---- the NB_TRACE switch: a pass observer (pass_observers.h) ----
 * Read at every pass, so that setting or clearing the variable takes effect
 * at the next one.  A hook the thread already has keeps the pass: the trace
 * does not push it aside as nb_trace_begin would. */

bool nb__pass_observers_begin(void)
{
    const char *v = getenv("NB_TRACE");
    if (!v || !*v || strcmp(v, "0") == 0 || nb_tr.active)
        return false;
    nb_tr_start(stderr, NULL);
    if (nb_tr.prev_hook) {
        nb_set_backward_hook(nb_tr.prev_hook, nb_tr.prev_ctx, NULL);
        memset(&nb_tr, 0, sizeof nb_tr);
        return false;
    }
    nb_tr.from_env = true;
    return true;
}

void nb__pass_observers_end(void)
{
    /* The pass's own status matters more than a failed write to stderr. */
    if (nb_tr.active && nb_tr.from_env)
        (void)nb_tr_stop();
}
