/* Custom ops: user-written forward and backward functions wrapped in an
 * ordinary op descriptor, so that the engine, DOT export, the trace, anomaly
 * mode and gradcheck treat them like built-in ops.
 *
 * Each custom op owns its nb_op descriptor (first member), so the engine's
 * node->op leads straight back to the custom op: no lookup during backward.
 * The user's forward returns a fresh tensor; nb__op_apply then allocates the
 * node's output and the descriptor's forward copies the values over.  That
 * copy keeps nb__op_apply the one place where results and nodes are made
 * (anomaly checks, call sites, ids) at the cost of one memcpy per call.
 *
 * Registries are explicit objects holding a uthash table keyed by name, so
 * two libraries in one program cannot clash through a hidden global table. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "autograd/graph.h"
#include "autograd/call_site_internal.h"
#include "nabla/custom_op.h"

/* uthash allocates with malloc here (registries are long-lived and made
 * outside training steps), but reports failure instead of exiting. */
#define NB_HASH_OOM(obj) (reg->oom = true)
#include "core/hash_table.h"

#define NB_CUSTOM_MAX_INPUTS 16

struct nb_custom_op {
    nb_op op; /* first member: node->op points here */
    nb_custom_op_def def;
    char *name;
    UT_hash_handle hh;
};

struct nb_op_registry {
    struct nb_custom_op *ops; /* uthash head */
    int count;
    bool oom;
};

nb_op_registry *nb_op_registry_new(void)
{
    nb_op_registry *reg = calloc(1, sizeof *reg);
    if (!reg)
        nb__error(NB_ERR_NOMEM, "nb_op_registry_new: out of memory");
    return reg;
}

void nb_op_registry_free(nb_op_registry *reg)
{
    if (!reg)
        return;
    struct nb_custom_op *op, *tmp;
    HASH_ITER(hh, reg->ops, op, tmp) {
        HASH_DEL(reg->ops, op);
        free(op->name);
        free(op);
    }
    free(reg);
}

/* The descriptor's forward: the user's result travels in the parameters. */
typedef struct nb_custom_params {
    const nb_tensor *result; /* what the user's forward returned */
} nb_custom_params;

static int nb_custom_copy_forward(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                                  const void *params)
{
    (void)op, (void)in, (void)n_in;
    const nb_tensor *r = ((const nb_custom_params *)params)->result;
    memcpy(out->data, r->data, (size_t)r->numel * nb_dtype_size(r->dtype));
    return 0;
}

/* True when t is one of the node's inputs or its output: a graph value whose
 * history a create-graph pass can follow. */
static bool nb_custom_is_graph_value(const struct nb_node *node, const nb_tensor *t)
{
    if (t == node->output)
        return true;
    for (int k = 0; k < node->n_inputs; k++)
        if (t == node->inputs[k])
            return true;
    return false;
}

static int nb_custom_backward(const struct nb_node *node, nb_tensor *grad_out, nb_tensor **grad_in)
{
    const struct nb_custom_op *cop = (const struct nb_custom_op *)node->op;
    /* Recording is on only in a create-graph pass.  A saved intermediate was
     * computed with recording off, so the recorded gradient would treat it
     * as a constant and its part of the second derivative would silently be
     * zero: refuse before the user's backward runs. */
    if (nb_grad_enabled())
        for (int s = 0; s < node->n_saved; s++)
            if (!nb_custom_is_graph_value(node, node->saved[s])) {
                char site[300];
                return nb__error(NB_ERR_GRAD,
                                 "custom op '%s'%s: saved tensor %d is not an input or the output "
                                 "of the op, so its dependence on the inputs is unknown; save "
                                 "inputs/outputs, or recompute it in backward with ops "
                                 "(NB_CREATE_GRAPH differentiates the backward again)",
                                 cop->name, nb__node_site(node, site, sizeof site), s + 1);
            }
    nb_custom_saved saved = {{NULL}, node->n_saved};
    for (int s = 0; s < node->n_saved; s++)
        saved.t[s] = node->saved[s];
    int rc = cop->def.backward(&saved, node->inputs, node->n_inputs, node->output, grad_out,
                               grad_in, cop->def.user);
    if (rc >= 0)
        return 0;
    /* The user's code is any negative int; what the caller of nb_backward or
     * nb_grad gets back is the status of the one recorded message, so the
     * two always agree: an op inside the backward that failed said why,
     * otherwise the failure is NB_ERR_GRAD naming the op and the code. */
    if (!nb__error_pending()) {
        char site[300];
        return nb__error(NB_ERR_GRAD, "custom op '%s'%s: its backward function returned %d",
                         cop->name, nb__node_site(node, site, sizeof site), rc);
    }
    return nb_last_status();
}

bool nb__is_custom_op(const struct nb_op *op) { return op && op->backward == nb_custom_backward; }

const nb_custom_op *nb_custom_op_define(nb_op_registry *reg, const nb_custom_op_def *def)
{
    if (!reg || !def) {
        nb__null_input("nb_custom_op_define", !reg ? "registry" : "def");
        return NULL;
    }
    if (!def->name || !def->forward || !def->backward) {
        nb__error(NB_ERR_NULL, "nb_custom_op_define: def.%s is NULL (name, forward and backward are required)",
                  !def->name ? "name" : !def->forward ? "forward" : "backward");
        return NULL;
    }
    if (!def->name[0]) {
        nb__error(NB_ERR_ARG, "nb_custom_op_define: the op's name is empty");
        return NULL;
    }
    if (def->n_inputs < 0 || def->n_inputs > NB_CUSTOM_MAX_INPUTS) {
        nb__error(NB_ERR_ARG, "nb_custom_op_define: op '%s': n_inputs is %d, must be 0 (any) to %d",
                  def->name, def->n_inputs, NB_CUSTOM_MAX_INPUTS);
        return NULL;
    }
    struct nb_custom_op *found = NULL;
    HASH_FIND_STR(reg->ops, def->name, found);
    if (found) {
        nb__error(NB_ERR_ARG, "nb_custom_op_define: an op named '%s' is already defined in this "
                              "registry (names must be unique)", def->name);
        return NULL;
    }
    size_t len = strlen(def->name);
    struct nb_custom_op *cop = calloc(1, sizeof *cop);
    char *name = malloc(len + 1);
    if (!cop || !name) {
        free(cop);
        free(name);
        nb__error(NB_ERR_NOMEM, "nb_custom_op_define: out of memory");
        return NULL;
    }
    memcpy(name, def->name, len + 1);
    cop->name = name;
    cop->def = *def;
    cop->def.name = name;
    cop->op.name = name;
    cop->op.forward = nb_custom_copy_forward;
    cop->op.backward = nb_custom_backward;
    cop->op.saved = NB_SAVES_ALL_INPUTS | NB_SAVES_OUTPUT; /* backward sees both */
    cop->op.flags = def->once_differentiable ? NB_OP_ONCE_DIFFERENTIABLE : 0;
    cop->op.params_size = NB_PARAMS(nb_custom_params);
    reg->oom = false;
    HASH_ADD_KEYPTR(hh, reg->ops, cop->name, len, cop);
    if (reg->oom) {
        free(name);
        free(cop);
        nb__error(NB_ERR_NOMEM, "nb_custom_op_define: out of memory");
        return NULL;
    }
    reg->count++;
    return cop;
}

/* nb_custom_op_find, with messages naming `api` (it or nb_custom_call). */
static const nb_custom_op *nb_custom_op_find_as(const char *api, const nb_op_registry *reg,
                                                const char *name)
{
    if (!reg || !name) {
        nb__null_input(api, !reg ? "registry" : "name");
        return NULL;
    }
    struct nb_custom_op *found = NULL;
    HASH_FIND_STR(reg->ops, name, found);
    if (!found)
        nb__error(NB_ERR_ARG, "%s: no op named '%s' in this registry (%d defined)", api, name,
                  reg->count);
    return found;
}

const nb_custom_op *nb_custom_op_find(const nb_op_registry *reg, const char *name)
{
    return nb_custom_op_find_as("nb_custom_op_find", reg, name);
}

int nb_op_registry_count(const nb_op_registry *reg) { return reg ? reg->count : 0; }

const char *nb_custom_op_name(const nb_custom_op *op) { return op ? op->name : NULL; }

int nb_custom_save(nb_custom_saved *save, nb_tensor *t)
{
    if (!save || !t)
        return nb__null_input("nb_custom_save", !save ? "save" : "tensor");
    if (save->n < 0 || save->n >= NB_MAX_SAVED)
        return nb__error(NB_ERR_ARG, "nb_custom_save: at most %d tensors can be saved",
                         NB_MAX_SAVED);
    save->t[save->n++] = t;
    return 0;
}

nb_tensor *nb_custom_op_apply(const nb_custom_op *op, nb_tensor *const *inputs, int n_inputs)
{
    if (!op) {
        nb__null_input("nb_custom_op_apply", "op");
        return NULL;
    }
    const char *name = op->name;
    if (!inputs) {
        nb__null_input(name, "inputs");
        return NULL;
    }
    if (n_inputs < 1 || (op->def.n_inputs && n_inputs != op->def.n_inputs)) {
        nb__error(NB_ERR_ARG, "custom op '%s': takes %d input(s), got %d", name,
                  op->def.n_inputs ? op->def.n_inputs : 1, n_inputs);
        return NULL;
    }
    if (nb__check_inputs(name, inputs, n_inputs) < 0 ||
        nb__check_same_dtype(name, inputs, n_inputs) < 0)
        return NULL;

    /* The user's forward may call ops of its own: they must not record, and
     * they must not steal the call site meant for this op's node. */
    const char *site_file;
    int site_line;
    nb__get_call_site(&site_file, &site_line);
    nb_custom_saved save = {{NULL}, 0};
    /* The inputs are valid, so an earlier recorded error was ignored by the
     * caller; forget it so that a failure inside forward is told apart (the
     * engine's backward does the same). */
    nb_clear_error();
    /* checked here, so that a NaN leaf is reported at this op, not at the
     * first op inside the user's forward */
    if (nb_anomaly_mode() && nb__anomaly_check_leaves(name, inputs, n_inputs) < 0)
        return NULL;
    bool prev = nb_set_grad_enabled(false);
    nb_tensor *r = op->def.forward(inputs, n_inputs, &save, op->def.user);
    nb_set_grad_enabled(prev);
    nb_set_call_site(site_file, site_line);
    if (!r) {
        if (!nb__error_pending())
            nb__error(NB_ERR_ARG, "custom op '%s': its forward function returned NULL", name);
        return NULL;
    }
    if (nb__check_tensor(r, name, "forward's result") < 0)
        return NULL;
    if (r->dtype != inputs[0]->dtype) {
        nb__error(NB_ERR_DTYPE, "custom op '%s': forward returned %s for %s inputs", name,
                  nb_dtype_name(r->dtype), nb_dtype_name(inputs[0]->dtype));
        return NULL;
    }
    for (int s = 0; s < save.n; s++)
        if (nb__check_tensor(save.t[s], name, "a saved tensor") < 0)
            return NULL;

    nb_custom_params params = {.result = r};
    nb_tensor *out = nb__op_apply(&op->op, inputs, n_inputs, &params, r->dtype, r->ndim, r->shape);
    if (!out)
        return NULL;
    /* forward's own result is a copy without history; the node's output is
     * the graph value, so a saved result becomes the output itself */
    for (int s = 0; s < save.n && s < NB_MAX_SAVED; s++)
        if (nb__node_save(out, save.t[s] == r ? out : save.t[s]) < 0)
            return NULL;
    return out;
}

nb_tensor *nb_custom_call(const nb_op_registry *reg, const char *name, nb_tensor *const *inputs,
                          int n_inputs)
{
    const nb_custom_op *op = nb_custom_op_find_as("nb_custom_call", reg, name);
    return op ? nb_custom_op_apply(op, inputs, n_inputs) : NULL;
}
