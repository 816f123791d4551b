/* DOT export: one record per tensor, one ellipse per recorded op, edges in
 * the direction data flows.  The nodes come from nb_graph_nodes (already in
 * forward order, found without recursion); tensors seen as inputs of several
 * ops are written once, found again through a uthash table whose entries
 * come from the current arena.  A second table, keyed by node, keeps what
 * is known of each op before writing: its layer group, its rank (for the
 * automatic direction) and, with opts.all_grads, the gradients the export's
 * own pass sent along its input edges. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/tensor_internal.h"
#include "nabla/autograd.h"
#include "nabla/dot.h"

typedef struct nb_dot_ctx {
    FILE *out;
    const nb_dot_opts *opts;
    const nb_tensor *root;     /* roots[0]: the E of "D2 = dE/dZ2" */
    int64_t max_values;
    int64_t next_id; /* tensors are t0, t1, ... in order of appearance */
    struct nb_dot_seen *seen;
    struct nb_dot_op *ops;     /* per node: group, rank, edge gradients */
    struct nb_dot_grad *grads; /* opts.all_grads: each tensor's gradient */
    const char **groups;       /* group names, in order of first appearance */
    int n_groups;
    bool io_error;
    bool oom;
} nb_dot_ctx;

#define NB_HASH_ALLOC(sz) nb_arena_alloc(nb_arena_current(), (sz))
#define NB_HASH_FREE(ptr, sz) ((void)(ptr), (void)(sz))
#define NB_HASH_OOM(obj) (dc->oom = true)
#include "core/hash_table.h"

typedef struct nb_dot_seen {
    const nb_tensor *key;
    int64_t id;
    UT_hash_handle hh;
} nb_dot_seen;

typedef struct nb_dot_op {
    const nb_node *key;
    int group;                /* index into dc->groups, or -1 */
    bool reads_param;         /* the group came from a parameter the op reads */
    int64_t rank;             /* ops at odd ranks, tensors at even ones */
    const nb_tensor **edge;   /* all_grads: gradient sent to input k (or NULL) */
    UT_hash_handle hh;
} nb_dot_op;

typedef struct nb_dot_grad {
    const nb_tensor *key;
    const nb_tensor *grad;    /* a copy when small enough to show, else the pass's own */
    UT_hash_handle hh;
} nb_dot_grad;

static void nb_dot_printf(nb_dot_ctx *dc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void nb_dot_printf(nb_dot_ctx *dc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(dc->out, fmt, ap) < 0)
        dc->io_error = true;
    va_end(ap);
}

/* Write s inside a double-quoted DOT string.  In a record label the
 * characters { } | < > also have meaning and get a backslash; control
 * characters (a name may hold anything) become spaces. */
static void nb_dot_escape(nb_dot_ctx *dc, const char *s, bool record)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || (record && strchr("{}|<>", c)))
            nb_dot_printf(dc, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            nb_dot_printf(dc, " ");
        else
            nb_dot_printf(dc, "%c", c);
    }
}

/* "[1, 2.5, -3]" for tensors small enough to show; a matrix of several rows
 * is written one row per line ("[0.5, -1]\n[0.25, 2]" for a 2x2), a tensor
 * of more dimensions as the rows of its last dimension.  `sep` comes first:
 * "|" between record fields, "" at the start of an edge label. */
static void nb_dot_values(nb_dot_ctx *dc, const char *sep, const char *what, const nb_tensor *t)
{
    nb_dot_printf(dc, "%s%s", sep, what);
    if (t->numel > dc->max_values) {
        nb_dot_printf(dc, " (%lld values)", (long long)t->numel);
        return;
    }
    int64_t cols = t->ndim >= 2 ? t->shape[t->ndim - 1] : t->numel;
    bool rows = t->ndim >= 2 && t->numel > cols;
    if (cols < 1)
        cols = 1;
    for (int64_t i = 0; i < t->numel; i++) {
        if (i % cols == 0)
            nb_dot_printf(dc, "%s%s[", i ? "]" : "", rows ? "\\n" : " ");
        else
            nb_dot_printf(dc, ", ");
        nb_dot_printf(dc, "%.4g", nb__get(t, i));
    }
    nb_dot_printf(dc, t->numel ? "]" : " []");
}

/* "|grad", or for a tensor whose gradient has a label (trace.h)
 * "|D2 = dE/dZ2" (just "|D2" when the root or the tensor has no name). */
static void nb_dot_grad_caption(nb_dot_ctx *dc, const nb_tensor *t)
{
    if (!t->grad_label) {
        nb_dot_printf(dc, "|grad");
        return;
    }
    nb_dot_printf(dc, "|");
    nb_dot_escape(dc, t->grad_label, true);
    if (dc->root->name && t->name) {
        nb_dot_printf(dc, " = d");
        nb_dot_escape(dc, dc->root->name, true);
        nb_dot_printf(dc, "/d");
        nb_dot_escape(dc, t->name, true);
    }
}

static const nb_tensor *nb_dot_grad_of(const nb_dot_ctx *dc, const nb_tensor *t)
{
    if (dc->opts->all_grads) {
        nb_dot_grad *e = NULL;
        HASH_FIND_PTR(dc->grads, &t, e);
        return e ? e->grad : NULL;
    }
    if (!t->node)
        return t->grad;
    for (int i = 0; i < dc->opts->n_grads; i++)
        if (dc->opts->grad_tensors[i] == t && nb_tensor_valid(dc->opts->grads[i]))
            return dc->opts->grads[i];
    return NULL;
}

/* The record of tensor t, written the first time t is met; returns its id
 * (or -1 when out of memory). */
static int64_t nb_dot_tensor(nb_dot_ctx *dc, const nb_tensor *t)
{
    nb_dot_seen *s = NULL;
    HASH_FIND_PTR(dc->seen, &t, s);
    if (s)
        return s->id;
    s = nb_arena_alloc(nb_arena_current(), sizeof *s);
    if (!s) {
        dc->oom = true;
        return -1;
    }
    memset(s, 0, sizeof *s);
    s->key = t;
    s->id = dc->next_id++;
    HASH_ADD_PTR(dc->seen, key, s);
    if (dc->oom)
        return -1;

    char shape[96];
    nb__shape_fmt(t->ndim, t->shape, shape, sizeof shape);
    /* Leaves that require grad are the parameters: drawn filled. */
    bool param = !t->node && t->requires_grad;
    nb_dot_printf(dc, "  t%lld [shape=record%s, label=\"{", (long long)s->id,
                  param ? ", style=filled, fillcolor=\"#dde8f8\"" : "");
    if (t->name) {
        nb_dot_escape(dc, t->name, true);
        nb_dot_printf(dc, "|");
    } else if (!t->node) {
        nb_dot_printf(dc, "%s|", t->requires_grad ? "leaf" : "constant");
    }
    nb_dot_printf(dc, "%s %s", shape, nb_dtype_name(t->dtype));
    if (dc->max_values >= 0) {
        nb_dot_values(dc, "|", "data", t);
        const nb_tensor *g = dc->opts->hide_grads ? NULL : nb_dot_grad_of(dc, t);
        if (g && g->numel == t->numel) {
            nb_dot_grad_caption(dc, t);
            nb_dot_values(dc, "", "", g);
        }
    }
    nb_dot_printf(dc, "}\"];\n");
    return s->id;
}

static nb_dot_op *nb_dot_op_find(nb_dot_ctx *dc, const nb_node *node)
{
    nb_dot_op *e = NULL;
    HASH_FIND_PTR(dc->ops, &node, e);
    return e;
}

/* ---- layer groups ---- */

/* Index of the group called name[0..len), added when new; -1 when out of
 * memory.  The names array grows in the arena (old copies are left there). */
static int nb_dot_group(nb_dot_ctx *dc, const char *name, size_t len)
{
    for (int i = 0; i < dc->n_groups; i++)
        if (strlen(dc->groups[i]) == len && memcmp(dc->groups[i], name, len) == 0)
            return i;
    nb_arena *a = nb_arena_current();
    const char **grown = nb_arena_alloc(a, sizeof *grown * (size_t)(dc->n_groups + 1));
    char *copy = nb_arena_alloc(a, len + 1);
    if (!grown || !copy) {
        dc->oom = true;
        return -1;
    }
    memcpy(copy, name, len);
    copy[len] = '\0';
    if (dc->n_groups)
        memcpy(grown, dc->groups, sizeof *grown * (size_t)dc->n_groups);
    grown[dc->n_groups] = copy;
    dc->groups = grown;
    return dc->n_groups++;
}

/* The group a tensor is put in by the user (opts.group_tensors), or by its
 * own name when it is a parameter named as nb_model names them
 * ("layer2.weight" belongs to "layer2", "block1.layer1.bias" to
 * "block1.layer1"); -1 for none. */
static int nb_dot_tensor_group(nb_dot_ctx *dc, const nb_tensor *t)
{
    const nb_dot_opts *o = dc->opts;
    for (int i = 0; i < o->n_groups; i++)
        if (o->group_tensors[i] == t)
            return o->group_names[i] ? nb_dot_group(dc, o->group_names[i], strlen(o->group_names[i]))
                                     : -1;
    if (o->n_groups > 0 || o->hide_layers || t->node || !t->requires_grad || !t->name)
        return -1;
    /* the layer is all before the last dot: a block's layer "block1.layer2.weight"
     * is "block1.layer2", a top-level "layer2.weight" is "layer2" */
    const char *dot = strrchr(t->name, '.');
    return dot && dot > t->name ? nb_dot_group(dc, t->name, (size_t)(dot - t->name)) : -1;
}

/* The activations nb_model's layers apply after their bias add. */
static bool nb_dot_is_activation(const char *op)
{
    static const char *const names[] = {"tanh", "sigmoid", "relu", "leaky_relu",
                                        "softplus", "softmax", "log_softmax"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(op, names[i]) == 0)
            return true;
    return false;
}

/* Work out, in forward order, each op's group and rank.  An op joins the
 * group of its output when the user named one, else the group of a
 * parameter it reads (the layer's matmul and bias add), else, when it is an
 * activation reading the result of such an op, that op's group (the layer's
 * activation).  Returns false when out of memory. */
static bool nb_dot_plan(nb_dot_ctx *dc, const nb_node **nodes, int64_t count)
{
    for (int64_t i = 0; i < count; i++) {
        const nb_node *node = nodes[i];
        nb_dot_op *e = nb_arena_alloc(nb_arena_current(), sizeof *e);
        if (!e)
            return false;
        memset(e, 0, sizeof *e);
        e->key = node;
        e->group = nb_dot_tensor_group(dc, nb_node_output(node));
        int n = nb_node_num_inputs(node);
        int64_t rank = 1;
        for (int k = 0; k < n; k++) {
            const nb_tensor *in = nb_node_input(node, k);
            const nb_dot_op *from = in->node ? nb_dot_op_find(dc, in->node) : NULL;
            if (from && from->rank + 2 > rank)
                rank = from->rank + 2;
            if (e->group < 0 && !in->node) {
                e->group = nb_dot_tensor_group(dc, in);
                e->reads_param = e->group >= 0;
            }
            if (e->group < 0 && n == 1 && from && from->reads_param && dc->opts->n_groups == 0 &&
                nb_dot_is_activation(nb_node_op_name(node)))
                e->group = from->group;
        }
        e->rank = rank;
        HASH_ADD_PTR(dc->ops, key, e);
        if (dc->oom)
            return false;
    }
    return true;
}

/* Top to bottom when the graph is taller than wide: more ranks (ops and the
 * tensors between them) than boxes on its widest rank, counting each leaf
 * one rank above each op that reads it. */
static bool nb_dot_taller(nb_dot_ctx *dc, const nb_node **nodes, int64_t count)
{
    int64_t ranks = 0;
    for (int64_t i = 0; i < count; i++) {
        const nb_dot_op *e = nb_dot_op_find(dc, nodes[i]);
        if (e && e->rank + 2 > ranks)
            ranks = e->rank + 2;
    }
    if (ranks == 0)
        return false;
    int64_t *width = nb_arena_alloc(nb_arena_current(), sizeof *width * (size_t)ranks);
    if (!width)
        return false;
    memset(width, 0, sizeof *width * (size_t)ranks);
    int64_t widest = 1;
    for (int64_t i = 0; i < count; i++) {
        const nb_dot_op *e = nb_dot_op_find(dc, nodes[i]);
        if (!e)
            continue;
        width[e->rank]++;
        width[e->rank + 1]++; /* its output */
        for (int k = 0; k < nb_node_num_inputs(nodes[i]); k++)
            if (!nb_node_input(nodes[i], k)->node)
                width[e->rank - 1]++;
    }
    for (int64_t r = 0; r < ranks; r++)
        if (width[r] > widest)
            widest = width[r];
    return ranks > widest;
}

/* ---- opts.all_grads: the export's own gradient pass ---- */

/* A copy of g when it is small enough to be shown (the engine may add later
 * contributions into the buffer it gave the hook), else g itself, of which
 * only the size is shown. */
static const nb_tensor *nb_dot_keep(nb_dot_ctx *dc, const nb_tensor *g)
{
    if (!g || g->numel > dc->max_values)
        return g;
    nb_tensor *c = nb_tensor_clone(g);
    if (!c)
        dc->oom = true;
    return c;
}

static void nb_dot_keep_grad(nb_dot_ctx *dc, const nb_tensor *t, const nb_tensor *g)
{
    nb_dot_grad *e = NULL;
    HASH_FIND_PTR(dc->grads, &t, e);
    if (!e) {
        e = nb_arena_alloc(nb_arena_current(), sizeof *e);
        if (!e) {
            dc->oom = true;
            return;
        }
        memset(e, 0, sizeof *e);
        e->key = t;
        HASH_ADD_PTR(dc->grads, key, e);
    }
    e->grad = nb_dot_keep(dc, g);
}

static void nb_dot_hook(const nb_backward_event *ev, void *ctx)
{
    nb_dot_ctx *dc = ctx;
    if (dc->oom)
        return;
    if (ev->kind == NB_EVENT_NODE) {
        nb_dot_keep_grad(dc, ev->tensor, ev->grad);
    } else if (ev->kind == NB_EVENT_LEAF_DONE) {
        nb_dot_keep_grad(dc, ev->tensor, ev->grad);
    } else {
        nb_dot_op *e = nb_dot_op_find(dc, ev->node);
        if (!e)
            return;
        if (!e->edge) {
            size_t sz = sizeof *e->edge * (size_t)nb_node_num_inputs(ev->node);
            e->edge = nb_arena_alloc(nb_arena_current(), sz);
            if (!e->edge) {
                dc->oom = true;
                return;
            }
            memset(e->edge, 0, sz);
        }
        e->edge[ev->input_index] = nb_dot_keep(dc, ev->grad);
    }
}

/* d roots[0] / d t for every tensor of the graph, heard from the engine:
 * one nb_grad pass (no .grad changes) with respect to the graph's leaves
 * that require grad, with the export's hook in place of the thread's (so
 * neither a running trace nor NB_TRACE prints this pass). */
static int nb_dot_run_grads(nb_dot_ctx *dc, nb_tensor *root, const nb_node **nodes, int64_t count)
{
    nb_arena *a = nb_arena_current();
    int64_t cap = 0;
    for (int64_t i = 0; i < count; i++)
        cap += nb_node_num_inputs(nodes[i]);
    nb_tensor **leaves = nb_arena_alloc(a, sizeof *leaves * (size_t)(cap + 1));
    if (!leaves)
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    int n = 0;
    for (int64_t i = 0; i < count && !dc->oom; i++)
        for (int k = 0; k < nb_node_num_inputs(nodes[i]); k++) {
            nb_tensor *in = nb_node_input(nodes[i], k);
            nb_dot_grad *e = NULL;
            HASH_FIND_PTR(dc->grads, &in, e);
            if (in->node || !in->requires_grad || e)
                continue;
            nb_dot_keep_grad(dc, in, NULL); /* an entry, filled by the pass */
            leaves[n++] = in;
        }
    if (dc->oom)
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    if (n == 0)
        return NB_OK; /* nothing recorded: no gradient to show */
    nb_tensor **out = nb_arena_alloc(a, sizeof *out * (size_t)n);
    if (!out)
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    void *prev_ctx = NULL;
    nb_backward_hook prev = nb_set_backward_hook(nb_dot_hook, dc, &prev_ctx);
    int rc = nb_grad(&root, 1, leaves, n, NULL, NB_ALLOW_UNUSED, out);
    nb_set_backward_hook(prev, prev_ctx, NULL);
    if (rc < 0)
        return nb__error(rc, "nb_dot_write: the gradient pass of opts.all_grads failed: %s",
                         nb_last_error());
    if (dc->oom)
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    return NB_OK;
}

static void nb_dot_write_op(nb_dot_ctx *dc, const nb_node *node)
{
    unsigned long long id = (unsigned long long)nb_node_id(node);
    nb_dot_printf(dc, "  o%llu [shape=ellipse, label=\"", id);
    nb_dot_escape(dc, nb_node_op_name(node), false);
    nb_dot_printf(dc, " #%llu", id);
    if (dc->opts->show_sites && nb_node_file(node)) {
        nb_dot_printf(dc, "\\n");
        nb_dot_escape(dc, nb_node_file(node), false);
        nb_dot_printf(dc, ":%d", nb_node_line(node));
    }
    nb_dot_printf(dc, "\"];\n");
    int n = nb_node_num_inputs(node);
    nb_dot_op *info = nb_dot_op_find(dc, node);
    for (int k = 0; k < n; k++) {
        int64_t in = nb_dot_tensor(dc, nb_node_input(node, k));
        if (in < 0)
            return;
        /* Label the edges of ops whose inputs are not interchangeable, and
         * with all_grads the gradient that flows back along the edge. */
        const nb_tensor *g = info && info->edge && !dc->opts->hide_grads && dc->max_values >= 0
                                 ? info->edge[k] : NULL;
        if (g && g->numel > dc->max_values)
            g = NULL; /* "(16 values)" on an edge says nothing */
        if (n == 1 && !g) {
            nb_dot_printf(dc, "  t%lld -> o%llu;\n", (long long)in, id);
            continue;
        }
        nb_dot_printf(dc, "  t%lld -> o%llu [label=\"", (long long)in, id);
        if (n > 1)
            nb_dot_printf(dc, "%d%s", k + 1, g ? "\\n" : "");
        if (g)
            nb_dot_values(dc, "", "grad", g);
        nb_dot_printf(dc, "\"%s];\n", g ? ", fontcolor=\"#a03000\"" : "");
    }
    int64_t o = nb_dot_tensor(dc, nb_node_output(node));
    if (o >= 0)
        nb_dot_printf(dc, "  o%llu -> t%lld;\n", id, (long long)o);
}

int nb_dot_write(FILE *out, nb_tensor *const *roots, int n_roots, const nb_dot_opts *opts)
{
    static const nb_dot_opts defaults;
    if (!out || !roots)
        return nb__null_input("nb_dot_write", !out ? "out" : "roots");
    if (n_roots < 1)
        return nb__error(NB_ERR_ARG, "nb_dot_write: need at least one root tensor (got %d)", n_roots);
    if (!opts)
        opts = &defaults;
    if (opts->n_grads < 0 || (opts->n_grads > 0 && (!opts->grad_tensors || !opts->grads)))
        return nb__error(NB_ERR_ARG,
                         "nb_dot_write: opts.n_grads is %d but grad_tensors/grads %s",
                         opts->n_grads, opts->n_grads < 0 ? "cannot be negative" : "are NULL");
    if (opts->n_groups < 0 || (opts->n_groups > 0 && (!opts->group_tensors || !opts->group_names)))
        return nb__error(NB_ERR_ARG,
                         "nb_dot_write: opts.n_groups is %d but group_tensors/group_names %s",
                         opts->n_groups, opts->n_groups < 0 ? "cannot be negative" : "are NULL");
    for (int r = 0; r < n_roots; r++) {
        char what[32];
        snprintf(what, sizeof what, "root %d", r + 1);
        if (nb__check_tensor(roots[r], "nb_dot_write", what) < 0)
            return nb_last_status();
    }
    if (!nb_arena_current())
        return nb__error(NB_ERR_STATE, "nb_dot_write: no current arena (call nb_arena_use first)");

    const nb_node **nodes = NULL;
    int64_t count = 0;
    int rc = nb_graph_nodes(roots, n_roots, &nodes, &count);
    if (rc < 0)
        return rc;

    nb_dot_ctx ctx = {.out = out, .opts = opts, .root = roots[0]}, *dc = &ctx;
    dc->max_values = opts->max_values == 0 ? 16 : opts->max_values; /* as the trace's */
    if (!nb_dot_plan(dc, nodes, count))
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    if (opts->all_grads && !opts->hide_grads && count > 0) {
        if (roots[0]->numel != 1) {
            char shape[96];
            nb__shape_fmt(roots[0]->ndim, roots[0]->shape, shape, sizeof shape);
            return nb__error(NB_ERR_ARG,
                             "nb_dot_write: opts.all_grads differentiates root 1, which must have "
                             "one element (it is %s)", shape);
        }
        if ((rc = nb_dot_run_grads(dc, roots[0], nodes, count)) < 0)
            return rc;
    }
    bool tb = opts->direction == NB_DOT_TB ||
              (opts->direction == NB_DOT_AUTO && nb_dot_taller(dc, nodes, count));
    nb_dot_printf(dc, "digraph nabla {\n  rankdir=%s;\n", tb ? "TB" : "LR");
    nb_dot_printf(dc, "  node [fontname=\"Helvetica\", fontsize=10];\n");
    nb_dot_printf(dc, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    if (opts->title) {
        nb_dot_printf(dc, "  labelloc=\"t\";\n  label=\"");
        nb_dot_escape(dc, opts->title, false);
        nb_dot_printf(dc, "\";\n");
    }
    for (int64_t i = 0; i < count && !dc->oom; i++)
        nb_dot_write_op(dc, nodes[i]);
    for (int r = 0; r < n_roots && !dc->oom; r++)
        nb_dot_tensor(dc, roots[r]); /* leaves given as roots, or already written */
    /* One cluster per group: its ops, their outputs and the parameters in it
     * (Graphviz moves nodes already written into the subgraph that names
     * them). */
    for (int gi = 0; gi < dc->n_groups && !dc->oom; gi++) {
        nb_dot_printf(dc, "  subgraph cluster_%d {\n    label=\"", gi);
        nb_dot_escape(dc, dc->groups[gi], false);
        nb_dot_printf(dc, "\";\n    style=rounded;\n    color=\"#909090\";\n   ");
        for (int64_t i = 0; i < count; i++) {
            const nb_dot_op *e = nb_dot_op_find(dc, nodes[i]);
            if (!e || e->group != gi)
                continue;
            nb_dot_printf(dc, " o%llu;", (unsigned long long)nb_node_id(nodes[i]));
            nb_dot_printf(dc, " t%lld;", (long long)nb_dot_tensor(dc, nb_node_output(nodes[i])));
            for (int k = 0; k < nb_node_num_inputs(nodes[i]); k++) {
                const nb_tensor *in = nb_node_input(nodes[i], k);
                if (!in->node && nb_dot_tensor_group(dc, in) == gi)
                    nb_dot_printf(dc, " t%lld;", (long long)nb_dot_tensor(dc, in));
            }
        }
        nb_dot_printf(dc, "\n  }\n");
    }
    nb_dot_printf(dc, "}\n");
    if (dc->oom)
        return nb__error(NB_ERR_NOMEM, "nb_dot_write: out of memory");
    if (fflush(out) != 0 || ferror(out) || dc->io_error)
        return nb__error(NB_ERR_IO, "nb_dot_write: writing the DOT text failed");
    return NB_OK;
}

int nb_dot_save(const char *path, nb_tensor *const *roots, int n_roots, const nb_dot_opts *opts)
{
    if (!path)
        return nb__null_input("nb_dot_save", "path");
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    if (!tmp)
        return nb__error(NB_ERR_NOMEM, "nb_dot_save: out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        nb__error(NB_ERR_IO, "nb_dot_save: cannot open '%s' for writing", tmp);
        free(tmp);
        return NB_ERR_IO;
    }
    int rc = nb_dot_write(f, roots, n_roots, opts);
    if (fclose(f) != 0 && rc == NB_OK)
        rc = nb__error(NB_ERR_IO, "nb_dot_save: closing '%s' failed", tmp);
    if (rc == NB_OK && rename(tmp, path) != 0)
        rc = nb__error(NB_ERR_IO, "nb_dot_save: cannot rename '%s' to '%s'", tmp, path);
    if (rc != NB_OK)
        remove(tmp);
    free(tmp);
    return rc;
}
