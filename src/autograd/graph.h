/* Graph nodes, op descriptors and recording: the contract between the engine
 * and every differentiable op.
 *
 * An op is one named descriptor (name, forward, backward, what backward
 * reads).  Its public function checks the inputs, works out the result's
 * shape, and calls nb__op_apply, which allocates the result, runs forward
 * and, when recording, creates the node.  Backward formulas are written with
 * nabla's own ops, so with NB_CREATE_GRAPH they are recorded too. */
#ifndef NB_AUTOGRAD_GRAPH_H
#define NB_AUTOGRAD_GRAPH_H

#include "core/tensor_internal.h"
#include "nabla/autograd.h"

#define NB_MAX_SAVED 4

/* Small per-node parameters: axes, flags, scalars, or a pointer to data that
 * lives at least as long as the node (e.g. a custom op's context). */
typedef struct nb_op_params {
    int64_t i[8];
    double f[4];
    const void *ptr;
} nb_op_params;

/* Bits of nb_op.saved: what backward reads, so that an in-place change to it
 * between forward and backward is reported instead of silently used. */
#define NB_SAVES_INPUT(k) (1u << (k))
#define NB_SAVES_ALL_INPUTS 0x7fffffffu
#define NB_SAVES_OUTPUT (1u << 31)

enum nb_op_flags {
    NB_OP_ONCE_DIFFERENTIABLE = 1u << 0 /* backward is not made of nabla ops: no 2nd order */
};

typedef struct nb_op {
    const char *name;
    /* Fill `out` (already allocated with the right dtype and shape) from the
     * inputs.  Runs with no recording.  Returns 0 or a negative status. */
    int (*forward)(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p);
    /* Set grad_in[k] to d(loss)/d(input k) for every k with
     * nb__needs_grad(node, k) (others may stay NULL), given grad_out =
     * d(loss)/d(output).  Written with nabla ops.  Returns 0 or negative. */
    int (*backward)(const struct nb_node *node, nb_tensor *grad_out, nb_tensor **grad_in);
    unsigned saved; /* NB_SAVES_* bits */
    unsigned flags; /* nb_op_flags */
} nb_op;

struct nb_node {
    const nb_op *op;
    int n_inputs;
    nb_tensor **inputs;
    uint64_t *input_versions; /* versions of the inputs when recorded */
    nb_tensor *output;
    uint64_t output_version;
    nb_op_params params;
    int n_saved; /* extra tensors saved with nb__node_save */
    nb_tensor *saved[NB_MAX_SAVED];
    uint64_t saved_versions[NB_MAX_SAVED];
    uint64_t id;
    const char *file;
    int line;
    /* An nb_backward pass added gradients from this node into .grad: a
     * second one would count them again, so it is refused (NB_RETAIN_GRAPH
     * keeps the mark off).  The only mark a pass leaves in a node. */
    bool consumed;
    void *user; /* custom ops: state owned by the op's author */
};

/* Allocate the result (dtype, shape) in the current arena, run op->forward
 * and record a node when grad mode is on and an input requires grad.
 * `params` may be NULL.  Returns NULL with a message on failure. */
nb_tensor *nb__op_apply(const nb_op *op, nb_tensor *const *inputs, int n_inputs,
                        const nb_op_params *params, nb_dtype dtype, int ndim, const int64_t *shape);

/* Save an extra tensor (e.g. argmax indices) on the node that produced `out`
 * (no-op when `out` was not recorded).  Returns 0 or negative. */
int nb__node_save(nb_tensor *out, nb_tensor *saved);

/* True when input k of the node needs a gradient. */
static inline bool nb__needs_grad(const struct nb_node *node, int k)
{
    return node->inputs[k]->requires_grad;
}

/* Check that every input is a valid tensor; sticky for NULL inputs. */
int nb__check_inputs(const char *op, nb_tensor *const *inputs, int n_inputs);

/* Check that all inputs share one dtype (mixed dtypes are an error, not a
 * promotion: use nb_cast). */
int nb__check_same_dtype(const char *op, nb_tensor *const *inputs, int n_inputs);

/* "created at file:line" for messages, or "" when unknown. */
const char *nb__node_site(const struct nb_node *node, char *buf, size_t size);

/* Count NaN/Inf in t (used by anomaly mode and gradcheck). */
int64_t nb__count_nonfinite(const nb_tensor *t);

/* Anomaly mode, for data entering the graph (anomaly.c): every input of `op`
 * that is a leaf (no recorded history: a batch, a parameter, a constant) and
 * was not yet found finite at its current version is scanned; the first one
 * holding NaN/Inf is an NB_ERR_NUMERIC error naming the input, the op, the
 * call site, the element and the leaf.  Returns 0 or NB_ERR_NUMERIC. */
int nb__anomaly_check_leaves(const char *op, nb_tensor *const *inputs, int n_inputs);

/* Record that t holds no NaN/Inf at its current version (anomaly mode found
 * an op's result finite), so using it as an input later scans it no more. */
static inline void nb__anomaly_mark_finite(nb_tensor *t)
{
    atomic_store_explicit(&t->finite_version, t->version + 1, memory_order_relaxed);
}

#endif
