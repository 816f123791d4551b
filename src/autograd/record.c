/* Recording: grad mode, anomaly mode, call sites, and nb__op_apply, the one
 * place where op results are allocated and graph nodes are created. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "autograd/graph.h"
#include "autograd/call_site_internal.h"

/* Documented thread-local settings (autograd.h): the only mutable state
 * besides the error message. */
static _Thread_local bool nb_grad_on = true;
static _Thread_local bool nb_anomaly_on = false;
static _Thread_local uint64_t nb_next_node_id = 1;

bool nb_grad_enabled(void) { return nb_grad_on; }

bool nb_set_grad_enabled(bool enabled)
{
    bool prev = nb_grad_on;
    nb_grad_on = enabled;
    return prev;
}

bool nb_anomaly_mode(void) { return nb_anomaly_on; }

bool nb_set_anomaly_mode(bool enabled)
{
    bool prev = nb_anomaly_on;
    nb_anomaly_on = enabled;
    return prev;
}

/* ---- call sites (sites.h): a small stack per thread ----
 * slot[0] is the site of calls made outside any macro'd call: unknown unless
 * nb_set_call_site set it (the engine does, and puts it back).  slot[d] is
 * the site of the d-th nested macro'd call, up to NB_SITE_MAX_DEPTH; deeper
 * calls share the last slot, which gets the innermost call's site on entry
 * and is cleared when a call returns to a depth past the bound, so a site
 * there is the right one or unknown, never another call's.  An unsigned depth
 * cannot overflow into undefined behaviour however many frames a longjmp
 * leaves behind. */
typedef struct nb_site {
    const char *file;
    int line;
} nb_site;

static _Thread_local struct {
    unsigned depth; /* macro'd calls in progress */
    nb_site slot[NB_SITE_MAX_DEPTH + 2];
} nb_sites;

/* The site a node made now records. */
static inline nb_site *nb_site_now(void)
{
    unsigned d = nb_sites.depth;
    return &nb_sites.slot[d <= NB_SITE_MAX_DEPTH ? d : NB_SITE_MAX_DEPTH + 1];
}

void nb_site_enter(const char *file, int line)
{
    nb_sites.depth++;
    nb_site *s = nb_site_now();
    s->file = file;
    s->line = line;
}

static inline void nb_site_pop(void)
{
    unsigned d = nb_sites.depth;
    if (d == 0)
        return; /* an unmatched leave: nothing to restore */
    nb_sites.depth = --d;
    if (d > NB_SITE_MAX_DEPTH) /* the shared slot held an inner call's site */
        nb_sites.slot[NB_SITE_MAX_DEPTH + 1] = (nb_site){NULL, 0};
}

nb_tensor *nb_site_leave_tensor(nb_tensor *result)
{
    nb_site_pop();
    return result;
}

int nb_site_leave_int(int result)
{
    nb_site_pop();
    return result;
}

void nb_set_call_site(const char *file, int line)
{
    nb_site *s = nb_site_now();
    s->file = file;
    s->line = line;
}

void nb__get_call_site(const char **file, int *line)
{
    const nb_site *s = nb_site_now();
    *file = s->file;
    *line = s->line;
}

int nb__check_inputs(const char *op, nb_tensor *const *inputs, int n_inputs)
{
    for (int k = 0; k < n_inputs; k++) {
        if (nb_tensor_valid(inputs[k]))
            continue; /* the hot path formats no message */
        char what[32];
        snprintf(what, sizeof what, n_inputs == 1 ? "input" : "input %d", k + 1);
        return nb__check_tensor(inputs[k], op, what);
    }
    return 0;
}

int nb__check_same_dtype(const char *op, nb_tensor *const *inputs, int n_inputs)
{
    for (int k = 1; k < n_inputs; k++)
        if (inputs[k]->dtype != inputs[0]->dtype)
            return nb__error(NB_ERR_DTYPE,
                             "%s: input 1 is %s but input %d is %s; nabla does not mix dtypes "
                             "(convert one with nb_cast)",
                             op, nb_dtype_name(inputs[0]->dtype), k + 1,
                             nb_dtype_name(inputs[k]->dtype));
    return 0;
}

const char *nb__node_site(const struct nb_node *node, char *buf, size_t size)
{
    if (node && node->file)
        snprintf(buf, size, " (created at %s:%d)", node->file, node->line);
    else if (size)
        buf[0] = '\0';
    return buf;
}

int64_t nb__count_nonfinite(const nb_tensor *t)
{
    int64_t bad = 0;
    if (t->dtype == NB_F32) {
        const float *d = t->data;
        for (int64_t i = 0; i < t->numel; i++)
            bad += !isfinite(d[i]);
    } else {
        const double *d = t->data;
        for (int64_t i = 0; i < t->numel; i++)
            bad += !isfinite(d[i]);
    }
    return bad;
}

nb_tensor *nb__op_apply(const nb_op *op, nb_tensor *const *inputs, int n_inputs,
                        const void *params, nb_dtype dtype, int ndim, const int64_t *shape)
{
    if (nb__check_inputs(op->name, inputs, n_inputs) < 0)
        return NULL;
    if (nb_anomaly_on && nb__anomaly_check_leaves(op->name, inputs, n_inputs) < 0)
        return NULL; /* a NaN/Inf entering from data (anomaly.c) */
    if (op->params_size && !params) { /* a bug in the op's file, reported, not crashed on */
        nb__error(NB_ERR_STATE, "%s: internal error: the op's parameters are missing", op->name);
        return NULL;
    }
    nb_tensor *out = nb__tensor_empty(dtype, ndim, shape, op->name);
    if (!out)
        return NULL;
    if (op->forward(op, out, inputs, n_inputs, params) < 0)
        return NULL;
    if (nb_anomaly_on && nb__count_nonfinite(out) > 0) {
        bool input_bad = false;
        for (int k = 0; k < n_inputs; k++)
            input_bad |= nb__count_nonfinite(inputs[k]) > 0;
        if (!input_bad) {
            char shape[96];
            const nb_site *site = nb_site_now();
            nb__error(NB_ERR_NUMERIC,
                      "anomaly: forward of '%s'%s%s%s%d produced %lld NaN/Inf value(s) in its result "
                      "(shape %s) from finite inputs (e.g. log of a negative, 0/0, overflow)",
                      op->name, site->file ? " at " : "", site->file ? site->file : "",
                      site->file ? ":" : "", site->file ? site->line : 0,
                      (long long)nb__count_nonfinite(out),
                      nb__shape_fmt(out->ndim, out->shape, shape, sizeof shape));
            return NULL;
        }
    } else if (nb_anomaly_on) {
        nb__anomaly_mark_finite(out); /* used again as a leaf, it is not scanned twice */
    }
    bool record = false;
    if (nb_grad_on)
        for (int k = 0; k < n_inputs; k++)
            record |= inputs[k]->requires_grad;
    if (!record)
        return out;

    if (n_inputs > NB_NODE_MAX_INPUTS) { /* the node's count field would not hold it */
        nb__error(NB_ERR_ARG, "%s: %d inputs; at most %d can be recorded", op->name, n_inputs,
                  NB_NODE_MAX_INPUTS);
        return NULL;
    }

    /* One record sized to the op (graph.h): node, input pointers, the
     * parameter copy, the versions its backward checks, the scope if any. */
    size_t n = (size_t)n_inputs;
    size_t params_bytes = nb__node_params_bytes(op);
    int n_vers = nb__node_num_versions(op, n_inputs);
    const char *scope = nb_current_scope();
    size_t bytes = sizeof(struct nb_node) + n * sizeof(nb_tensor *) + params_bytes +
                   (size_t)n_vers * sizeof(uint64_t) + (scope ? sizeof scope : 0);
    struct nb_node *node = nb__arena_alloc_aligned(out->arena, bytes, 8);
    if (!node)
        return NULL;
    memset(node, 0, sizeof *node);
    node->op = op;
    node->n_inputs = n_inputs;
    for (int k = 0; k < n_inputs; k++)
        node->inputs[k] = inputs[k];
    /* Most parameter structs are one double (x + c, x * c on every step of
     * a chain): a fixed-size copy is a move, not a call. */
    if (op->params_size == sizeof(double))
        memcpy(node->inputs + n, params, sizeof(double));
    else if (op->params_size)
        memcpy(node->inputs + n, params, op->params_size);
    if (n_vers) {
        uint64_t *vers = nb__node_input_versions(node);
        int v = 0;
        if (op->saved & NB_SAVES_ALL_INPUTS)
            for (; v < n_inputs; v++)
                vers[v] = nb__version(inputs[v]);
        if (op->saved & NB_SAVES_OUTPUT)
            vers[v] = nb__version(out);
    }
    node->output = out;
    node->id = nb_next_node_id++;
    const nb_site *site = nb_site_now();
    node->file = site->file;
    node->line = site->line;
    if (scope) {
        node->has_scope = 1;
        memcpy(nb__node_input_versions(node) + n_vers, &scope, sizeof scope);
    }
    out->node = node;
    out->requires_grad = true;
    return out;
}

int nb__node_save(nb_tensor *out, nb_tensor *saved)
{
    if (!out || !out->node)
        return 0;
    struct nb_node *node = out->node;
    if (node->n_saved >= NB_MAX_SAVED)
        return nb__error(NB_ERR_STATE, "%s: more than %d saved tensors", node->op->name, NB_MAX_SAVED);
    if (!node->saved) { /* the slots come with the first saved tensor: most nodes save none */
        node->saved = nb__arena_alloc_aligned(out->arena,
                                              NB_MAX_SAVED * (sizeof(nb_tensor *) + sizeof(uint64_t)), 8);
        if (!node->saved)
            return nb_last_status();
    }
    node->saved[node->n_saved] = saved;
    nb__node_saved_versions(node)[node->n_saved] = nb__version(saved);
    node->n_saved++;
    return 0;
}

/* ---- introspection ---- */

const nb_node *nb_tensor_node(const nb_tensor *t) { return t ? t->node : NULL; }
const char *nb_node_op_name(const nb_node *node) { return node ? node->op->name : NULL; }
int nb_node_num_inputs(const nb_node *node) { return node ? node->n_inputs : 0; }

nb_tensor *nb_node_input(const nb_node *node, int index)
{
    if (!node || index < 0 || index >= node->n_inputs)
        return NULL;
    return node->inputs[index];
}

nb_tensor *nb_node_output(const nb_node *node) { return node ? node->output : NULL; }
uint64_t nb_node_id(const nb_node *node) { return node ? node->id : 0; }
const char *nb_node_file(const nb_node *node) { return node ? node->file : NULL; }
int nb_node_line(const nb_node *node) { return node ? node->line : 0; }

nb_tensor *nb_detach(const nb_tensor *t)
{
    if (nb__check_tensor(t, "nb_detach", "tensor") < 0)
        return NULL;
    nb_tensor *copy = nb_from_data(t->dtype, t->data, t->ndim, t->shape);
    if (copy && t->name)
        nb_tensor_set_name(copy, t->name);
    return copy;
}
