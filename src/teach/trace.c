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
#include "nabla/trace.h"

typedef struct nb_trace_state {
    bool active;
    bool from_env;          /* started by NB_TRACE for one pass */
    bool io_error;
    FILE *out;
    nb_trace_opts opts;
    nb_backward_hook prev_hook;
    void *prev_ctx;
    int64_t pass;           /* passes seen so far */
    struct nb_depth *depths; /* per-pass table, in the pass's arena */
    bool oom;               /* the table could not grow: depths are omitted */
} nb_trace_state;

static _Thread_local nb_trace_state nb_tr;

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

/* "'W1' leaf 3x4" / "#5 matmul 2x4": how a tensor is named in the trace. */
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

static void nb_tr_values(const nb_tensor *g)
{
    int64_t max = nb_tr.opts.max_values == 0 ? 6 : nb_tr.opts.max_values;
    if (max < 0 || !g)
        return;
    if (g->numel > max) {
        nb_tr_printf(" [%lld values]", (long long)g->numel);
        return;
    }
    nb_tr_printf(" [");
    for (int64_t i = 0; i < g->numel; i++)
        nb_tr_printf("%s%.6g", i ? ", " : "", nb__get(g, i));
    nb_tr_printf("]");
}

static void nb_tr_indent(int64_t depth)
{
    for (int64_t i = 0; i < depth && i < 20; i++)
        nb_tr_printf("  ");
}

/* One gradient line under a node, indented to `depth`:
 * "    <what><tensor><after>: [values]". */
static void nb_tr_grad_line(int64_t depth, const char *what, const nb_tensor *t, const char *after,
                            const nb_tensor *grad)
{
    nb_tr_printf("    ");
    nb_tr_indent(depth);
    nb_tr_printf("%s", what);
    nb_tr_describe(t);
    nb_tr_printf("%s:", after);
    nb_tr_values(grad);
    nb_tr_printf("\n");
}

static void nb_trace_hook(const nb_backward_event *ev, void *ctx)
{
    (void)ctx;
    int64_t depth;
    char what[32];
    switch (ev->kind) {
    case NB_EVENT_NODE:
        if (ev->step == 0) {
            nb_tr.depths = NULL; /* a new pass: the old table died with its arena */
            nb_tr.oom = false;
            nb_tr.pass++;
            nb_tr_printf("backward pass %lld: from the output back to the leaves\n",
                         (long long)nb_tr.pass);
        }
        depth = nb_depth_get(ev->node->output);
        nb_tr_printf("step %lld  depth %lld  ", (long long)ev->step, (long long)depth);
        nb_tr_indent(depth);
        nb_tr_printf("node #%llu %s", (unsigned long long)ev->node->id, ev->node->op->name);
        if (nb_tr.opts.show_sites && ev->node->file)
            nb_tr_printf(" at %s:%d", ev->node->file, ev->node->line);
        nb_tr_printf("\n");
        nb_tr_grad_line(depth, "grad of its output ", ev->node->output, "", ev->grad);
        nb_depth_raise(ev->node->output, depth);
        break;
    case NB_EVENT_PASS:
        depth = nb_depth_get(ev->node->output);
        nb_depth_raise(ev->tensor, depth + 1);
        if (nb_tr.opts.hide_passes)
            break;
        snprintf(what, sizeof what, "-> input %d ", ev->input_index + 1);
        nb_tr_grad_line(depth, what, ev->tensor, "", ev->grad);
        break;
    case NB_EVENT_LEAF_DONE:
        depth = nb_depth_get(ev->tensor);
        nb_tr_grad_line(depth > 0 ? depth - 1 : 0, "== gradient of ", ev->tensor, " is final",
                        ev->grad);
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
    nb_tr_start(out, opts);
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
