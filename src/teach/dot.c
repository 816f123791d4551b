/* DOT export: one record per tensor, one ellipse per recorded op, edges in
 * the direction data flows.  The nodes come from nb_graph_nodes (already in
 * forward order, found without recursion); tensors seen as inputs of several
 * ops are written once, found again through a uthash table whose entries
 * come from the current arena. */
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
    int64_t max_values;
    int64_t next_id; /* tensors are t0, t1, ... in order of appearance */
    struct nb_dot_seen *seen;
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

/* "[1, 2.5, -3]" for tensors small enough to show. */
static void nb_dot_values(nb_dot_ctx *dc, const char *what, const nb_tensor *t)
{
    nb_dot_printf(dc, "|%s ", what);
    if (t->numel > dc->max_values) {
        nb_dot_printf(dc, "(%lld values)", (long long)t->numel);
        return;
    }
    nb_dot_printf(dc, "[");
    for (int64_t i = 0; i < t->numel; i++)
        nb_dot_printf(dc, "%s%.4g", i ? ", " : "", nb__get(t, i));
    nb_dot_printf(dc, "]");
}

static const nb_tensor *nb_dot_grad_of(const nb_dot_ctx *dc, const nb_tensor *t)
{
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
        nb_dot_values(dc, "data", t);
        const nb_tensor *g = dc->opts->hide_grads ? NULL : nb_dot_grad_of(dc, t);
        if (g && g->numel == t->numel)
            nb_dot_values(dc, "grad", g);
    }
    nb_dot_printf(dc, "}\"];\n");
    return s->id;
}

static void nb_dot_op(nb_dot_ctx *dc, const nb_node *node)
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
    for (int k = 0; k < n; k++) {
        int64_t in = nb_dot_tensor(dc, nb_node_input(node, k));
        if (in < 0)
            return;
        /* Label the edges of ops whose inputs are not interchangeable. */
        if (n > 1)
            nb_dot_printf(dc, "  t%lld -> o%llu [label=\"%d\"];\n", (long long)in, id, k + 1);
        else
            nb_dot_printf(dc, "  t%lld -> o%llu;\n", (long long)in, id);
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

    nb_dot_ctx ctx = {.out = out, .opts = opts}, *dc = &ctx;
    dc->max_values = opts->max_values == 0 ? 4 : opts->max_values;
    nb_dot_printf(dc, "digraph nabla {\n  rankdir=%s;\n", opts->direction == NB_DOT_TB ? "TB" : "LR");
    nb_dot_printf(dc, "  node [fontname=\"Helvetica\", fontsize=10];\n");
    if (opts->title) {
        nb_dot_printf(dc, "  labelloc=\"t\";\n  label=\"");
        nb_dot_escape(dc, opts->title, false);
        nb_dot_printf(dc, "\";\n");
    }
    for (int64_t i = 0; i < count && !dc->oom; i++)
        nb_dot_op(dc, nodes[i]);
    for (int r = 0; r < n_roots && !dc->oom; r++)
        nb_dot_tensor(dc, roots[r]); /* leaves given as roots, or already written */
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
