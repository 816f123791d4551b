/* Graph nodes, op descriptors and recording: the contract between the engine
 * and every differentiable op.
 *
 * An op is one named descriptor (name, forward, backward, what backward
 * reads, the size of its parameter struct, and for elementwise ops its own
 * per-dtype loops).  Its public function checks the inputs, works out the result's
 * shape, and calls nb__op_apply, which allocates the result, runs forward
 * and, when recording, creates the node.  Backward formulas are written with
 * nabla's own ops, so with NB_CREATE_GRAPH they are recorded too. */
#ifndef NB_AUTOGRAD_GRAPH_H
#define NB_AUTOGRAD_GRAPH_H

#include <stddef.h>
#include <string.h>

#include "core/tensor_internal.h"
#include "kernels/elementwise.h" /* the loop conventions of .map and .zip */
#include "nabla/autograd.h" /* NB_MAX_SAVED */

/* An op's small parameters (axes, flags, scalars, or a pointer to data that
 * lives at least as long as the node) are one named struct of the op's own,
 * e.g. `typedef struct { double slope; } nb_leaky_relu_params;`, read as
 * p->slope.  The descriptor's params_size says how many bytes of it the node
 * keeps (NB_PARAMS(T) checks at compile time that T fits, and that it needs
 * no more than 8-byte alignment, which the node's copy has). */
#define NB_OP_PARAMS_MAX 64
#define NB_PARAMS(T)                                                                         \
    (sizeof(T) + 0 * sizeof(char[sizeof(T) <= NB_OP_PARAMS_MAX && _Alignof(T) <= 8 ? 1 : -1]))

/* Bits of nb_op.saved: what backward reads, so that an in-place change to it
 * between forward and backward is reported instead of silently used. */
#define NB_SAVES_INPUT(k) (1u << (k))
#define NB_SAVES_ALL_INPUTS 0x7fffffffu
#define NB_SAVES_OUTPUT (1u << 31)

enum nb_op_flags {
    NB_OP_ONCE_DIFFERENTIABLE = 1u << 0 /* backward is not made of nabla ops: no 2nd order */
};

typedef struct nb_op nb_op;

/* One op, one descriptor: everything the engine and the op's own forward
 * need.  Written with designated initialisers in the op's file:
 *     static const nb_op nb_op_erf = {
 *         .name = "erf", .forward = nb__unary_forward, .backward = nb_erf_backward,
 *         .saved = NB_SAVES_INPUT(0), .map = {nb_erf_map_f32, nb_erf_map_f64},
 *     };
 * docs/adding-an-op.md walks through adding one. */
struct nb_op {
    const char *name;
    /* Fill `out` (already allocated with the right dtype and shape) from the
     * inputs and the op's parameter struct (NULL when the op has none).  Runs
     * with no recording.  Returns 0 or a negative status. */
    int (*forward)(const nb_op *op, nb_tensor *out, nb_tensor *const *in, int n_in,
                   const void *params);
    /* Set grad_in[k] to d(loss)/d(input k) for every k with
     * nb__needs_grad(node, k) (others may stay NULL), given grad_out =
     * d(loss)/d(output).  Written with nabla ops.  A gradient may keep the
     * output's broadcast shape: the engine sums it down to the input's shape
     * (nb__sum_to), so ops never reduce a broadcast themselves.  Returns 0 or
     * negative. */
    int (*backward)(const struct nb_node *node, nb_tensor *grad_out, nb_tensor **grad_in);
    /* Optional fast first-order path for ops of one input whose gradient
     * touches a small part of it (slice): add d(loss)/d(input 0) into acc
     * in place, acc being a tensor of the input's shape and dtype that the
     * engine made for this pass (no one else holds it).  Without it, or in
     * a create-graph pass, under anomaly mode or with a backward hook, the
     * engine runs .backward, which stays the reference the fast path is
     * tested against.  Returns 0 or negative. */
    int (*backward_into)(const struct nb_node *node, nb_tensor *grad_out, nb_tensor *acc);
    unsigned saved;     /* NB_SAVES_* bits */
    unsigned flags;     /* nb_op_flags */
    size_t params_size; /* NB_PARAMS(the op's parameter struct), 0 for none */
    /* Elementwise ops only: the op's own loops, one per dtype, written in
     * its file (kernels/elementwise_loops.h).  A map (one input) is run by
     * nb__unary_forward (ops/unary_op.h), a zip row (broadcast inputs) by
     * nb__zip_forward (ops/binary_op.h).  Zero for every other op. */
    struct {
        nb_map_f32 f32;
        nb_map_f64 f64;
    } map;
    struct {
        nb_zip_f32 f32;
        nb_zip_f64 f64;
    } zip;
};

/* The backward engine's bookkeeping for one tensor in one pass (backward.c):
 * in the node for a node's output, in a small table for leaves. */
struct nb_pass_slot {
    nb_tensor *grad;  /* gradient accumulated so far (NULL: none arrived) */
    uint64_t pass;    /* the serial of the pass the rest belongs to */
    /* The sort's thread through the nodes (nodes only): while the node is on
     * the sort's stack, the node below it; once sorted, the node sorted just
     * before it.  The order and the stack then cost no memory of their own. */
    struct nb_node *link;
    int32_t pending;  /* edges from graph nodes that have not delivered yet */
    signed int next : 31; /* the sort: -1 not expanded, else the next input to visit */
    unsigned owned : 1;   /* grad was made by the engine in this pass and is held by no
                             one else: later gradients may be added into it in place */
};

/* Most ops take fewer inputs than this; nb__op_apply refuses more, so the
 * count fits the node's packed field. */
#define NB_NODE_MAX_INPUTS (1 << 22)

/* A node is one arena record sized to its op: the fixed part below, then
 * the input pointers, the parameter copy (op->params_size bytes, rounded up
 * to 8), the versions of the inputs and output only when the op's backward
 * reads them (op->saved), and the scope name only when one was set.  A
 * scalar op of a long chain costs 96 bytes. */
struct nb_node {
    const nb_op *op;
    nb_tensor *output;
    const char *file;
    uint64_t id;
    /* Extra tensors saved with nb__node_save: NULL until the first one, then
     * NB_MAX_SAVED slots followed by their versions (nb__node_saved_versions). */
    nb_tensor **saved;
    /* The backward engine's bookkeeping for this node's output, valid only in
     * the pass whose serial is slot.pass (backward.c): a pass never reads
     * what another pass left, so no field needs resetting. */
    struct nb_pass_slot slot;
    int line;
    signed int n_inputs : 23;
    unsigned n_saved : 6;
    unsigned has_scope : 1; /* a scope name follows the versions */
    /* An nb_backward pass added gradients from this node into .grad: a
     * second one would count them again, so it is refused (NB_RETAIN_GRAPH
     * keeps the mark off).  The only mark a pass leaves in a node. */
    unsigned consumed : 1;
    nb_tensor *inputs[]; /* n_inputs, then the parameter copy */
};

_Static_assert(NB_MAX_SAVED < 64, "nb_node.n_saved has 6 bits");

/* Bytes of the parameter copy in the node. */
static inline size_t nb__node_params_bytes(const nb_op *op)
{
    return (op->params_size + 7) & ~(size_t)7;
}

/* How many versions the node keeps: one per input when the op's backward
 * reads any input, one more for the output when it reads that. */
static inline int nb__node_num_versions(const nb_op *op, int n_inputs)
{
    return ((op->saved & NB_SAVES_ALL_INPUTS) ? n_inputs : 0) +
           ((op->saved & NB_SAVES_OUTPUT) ? 1 : 0);
}

/* The versions of the inputs when the node was recorded (n_inputs of them,
 * after the parameter copy), followed by the output's; meaningful only when
 * nb__node_num_versions is not zero. */
static inline uint64_t *nb__node_input_versions(const struct nb_node *node)
{
    return (uint64_t *)(void *)((unsigned char *)(uintptr_t)(node->inputs + node->n_inputs) +
                                nb__node_params_bytes(node->op));
}

/* The output's version when recorded (only for ops with NB_SAVES_OUTPUT). */
static inline uint64_t nb__node_output_version(const struct nb_node *node)
{
    int n = (node->op->saved & NB_SAVES_ALL_INPUTS) ? node->n_inputs : 0;
    return nb__node_input_versions(node)[n];
}

/* The scope name the node was recorded in (nb_set_scope), or NULL. */
static inline const char *nb__node_scope(const struct nb_node *node)
{
    if (!node->has_scope)
        return NULL;
    const char *s;
    memcpy(&s, nb__node_input_versions(node) + nb__node_num_versions(node->op, node->n_inputs),
           sizeof s);
    return s;
}

/* The versions of the saved tensors when they were saved. */
static inline uint64_t *nb__node_saved_versions(const struct nb_node *node)
{
    return (uint64_t *)(void *)(node->saved + NB_MAX_SAVED);
}

/* True for the descriptor of an op made by nb_custom_op_define (custom_op.c):
 * the teaching tools show no built-in rule for it, even when its name is a
 * built-in op's (a user's "softplus" may have a wrong backward). */
bool nb__is_custom_op(const nb_op *op);

/* Allocate the result (dtype, shape) in the current arena, run op->forward
 * and record a node when grad mode is on and an input requires grad.
 * `params` points to the op's parameter struct (op->params_size bytes, copied
 * into the node), NULL when the op has none.  Returns NULL with a message on
 * failure. */
nb_tensor *nb__op_apply(const nb_op *op, nb_tensor *const *inputs, int n_inputs,
                        const void *params, nb_dtype dtype, int ndim, const int64_t *shape);

/* The node's copy of its op's parameter struct, for backward:
 *     const nb_leaky_relu_params *p = nb__node_params(node); */
static inline const void *nb__node_params(const struct nb_node *node)
{
    return node->inputs + node->n_inputs; /* after the input pointers (record.c) */
}

/* Save an extra tensor (e.g. argmax indices) on the node that produced `out`
 * (no-op when `out` was not recorded).  Returns 0 or negative. */
int nb__node_save(nb_tensor *out, nb_tensor *saved);

/* The engine's broadcast pair (sum_to.c): x summed down to `shape` (which
 * must broadcast to x's shape), and x broadcast up to `shape`.  Each is the
 * other's gradient, so the reduction the engine applies to a broadcast
 * gradient is recorded under NB_CREATE_GRAPH and differentiable again.  The
 * public nb_sum_to and nb_broadcast_to are these two ops.  Messages name
 * "sum_to" / "broadcast_to". */
nb_tensor *nb__sum_to(nb_tensor *x, int ndim, const int64_t *shape);
nb_tensor *nb__broadcast_to(nb_tensor *x, int ndim, const int64_t *shape);

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

/* Fused gradient accumulation, for formulas whose kernel can add into an
 * existing buffer (a GEMM with beta = 1): in an nb_backward pass, the leaf
 * .grad into which input k's gradient may be added directly, or NULL when
 * the formula must return the gradient as usual.  Non-NULL only when this
 * edge is the input's only one in the pass, the input is a leaf whose .grad
 * exists with its shape and dtype, and no create-graph, hook or anomaly mode
 * watches the pass, so the result is the same as the usual path's (which
 * would add the returned gradient into .grad).  A formula that took the sink
 * adds its gradient into sink->data and sets grad_in[k] = NB__GRAD_ADDED;
 * the engine then bumps the version of .grad.  Saves one temporary of the
 * weight's size and one pass over it per step. */
nb_tensor *nb__grad_sink(const struct nb_node *node, int k);
extern nb_tensor nb__grad_added_marker;
#define NB__GRAD_ADDED (&nb__grad_added_marker)

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
    atomic_store_explicit(&t->finite_version, nb__version(t) + 1, memory_order_relaxed);
}

#endif
