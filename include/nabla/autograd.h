/* nabla/autograd.h — the reverse-mode engine.
 *
 * Every op whose inputs require grad records a node (op, inputs, saved
 * tensors, small parameters, the caller's file:line) while grad mode is on.
 * nb_backward walks the recorded graph from a loss in reverse topological
 * order (iteratively: graphs of millions of nodes are fine) and accumulates
 * gradients into the leaves' .grad.  nb_grad is the functional form: it
 * returns gradients without touching .grad, and with NB_CREATE_GRAPH records
 * the backward pass itself, so gradients can be differentiated again.
 *
 * Memory: nodes, intermediate gradients and the results of nb_grad live in
 * the current arena (normally the step arena) and die at its reset.  A leaf's
 * .grad lives in the leaf's own arena.
 */
#ifndef NABLA_AUTOGRAD_H
#define NABLA_AUTOGRAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most tensors one node saves for its backward, for built-in ops and custom
 * ops alike (nb_custom_save refuses more). */
#define NB_MAX_SAVED 4

/* ---- grad mode (thread-local, on by default) ---- */
bool nb_grad_enabled(void);
/* Switch recording on/off for this thread; returns the previous setting. */
bool nb_set_grad_enabled(bool enabled);
/* Run the following statement or block with recording off, then restore the
 * previous mode:  NB_NO_GRAD { w = ...; }   (do not `break`/`return` out of it). */
#define NB_NO_GRAD                                                           \
    for (int nb_ng_once_ = 1, nb_ng_prev_ = nb_set_grad_enabled(false);     \
         nb_ng_once_; nb_ng_once_ = 0, nb_set_grad_enabled(nb_ng_prev_))

/* A copy of t's values cut from the graph (a leaf not requiring grad). */
nb_tensor *nb_detach(const nb_tensor *t);

/* ---- backward ---- */

/* Accumulate d(loss)/d(leaf) into every leaf that requires grad and is
 * reachable from `loss`.  grad_output has loss's shape and dtype, or is NULL
 * for a one-element loss (then 1 is used).  Temporary tensors go to the
 * current arena (or loss's arena when none is current).  First order only:
 * for higher order use nb_grad with NB_CREATE_GRAPH.
 *
 * The graph it walks is then used up: a later nb_backward that reaches any
 * of its nodes (the same loss, or a new loss built on part of it) fails with
 * NB_ERR_STATE naming the node, before any .grad changes, because it would
 * add the same gradients again.  To run a graph more than once, pass
 * NB_RETAIN_GRAPH to nb_backward_ex for every pass but the last.  A pass that
 * fails before adding to any .grad does not use the graph up.
 *
 * Returns NB_OK or a negative nb_status with a message. */
int nb_backward(nb_tensor *loss, nb_tensor *grad_output);

enum nb_grad_flags {
    NB_CREATE_GRAPH = 1u << 0, /* record the backward pass: results can be differentiated */
    NB_ALLOW_UNUSED = 1u << 1, /* an input the outputs do not depend on gets NULL, not an error */
    NB_RETAIN_GRAPH = 1u << 2  /* nb_backward_ex: leave the graph usable by another backward */
};

/* nb_backward with flags: 0 or NB_RETAIN_GRAPH (other flags are an NB_ERR_ARG
 * error; nb_backward is first order, so NB_CREATE_GRAPH belongs to nb_grad).
 * nb_backward(loss, g) is nb_backward_ex(loss, g, 0). */
int nb_backward_ex(nb_tensor *loss, nb_tensor *grad_output, unsigned flags);

/* Functional gradients: grads[i] = sum_j d(outputs[j])/d(inputs[i]) weighted
 * by grad_outputs[j] (NULL array, or NULL entries, mean ones for one-element
 * outputs).  Inputs may be leaves or intermediate tensors.  Does not touch
 * any .grad, so it neither uses up the graph nor minds one that nb_backward
 * used up: it can run any number of times over one graph (NB_RETAIN_GRAPH is
 * accepted and changes nothing).  Results live in the current arena.
 * Returns NB_OK or negative. */
int nb_grad(nb_tensor *const *outputs, int n_outputs, nb_tensor *const *inputs, int n_inputs,
            nb_tensor *const *grad_outputs, unsigned flags, nb_tensor **grads);

/* ---- graph introspection (for teaching tools, DOT export, custom tooling) ---- */
typedef struct nb_node nb_node;

/* The node that produced t, or NULL for leaves and unrecorded results. */
const nb_node *nb_tensor_node(const nb_tensor *t);
const char *nb_node_op_name(const nb_node *node);
int nb_node_num_inputs(const nb_node *node);
nb_tensor *nb_node_input(const nb_node *node, int index);
nb_tensor *nb_node_output(const nb_node *node);
/* Unique (per thread) creation number; later nodes have larger ids. */
uint64_t nb_node_id(const nb_node *node);
/* Where the node was created (the user's call site when known, else NULL/0). */
const char *nb_node_file(const nb_node *node);
int nb_node_line(const nb_node *node);
/* Scopes: while a scope is set, every node recorded on this thread carries
 * its name (nb_model_forward sets each layer's name while the layer runs),
 * so that a picture of the graph can group a layer's nodes (nb_html_save
 * draws a box per scope).  nb_set_scope sets `name` (NULL for none) and
 * returns the previous scope, for the caller to put back when done:
 *     const char *prev = nb_set_scope("encoder"); ...; nb_set_scope(prev);
 * The name is not copied: it must outlive the graph.  Never fails. */
const char *nb_set_scope(const char *name);
/* The scope set on this thread, or NULL. */
const char *nb_current_scope(void);
/* The scope `node` was recorded in, or NULL (also for a NULL node). */
const char *nb_node_scope(const nb_node *node);

/* Nodes reachable from the roots, each after all nodes it depends on
 * (forward order).  The array is allocated in the current arena; *count gets
 * its length.  Returns NB_OK or negative. */
int nb_graph_nodes(nb_tensor *const *roots, int n_roots, const nb_node ***nodes, int64_t *count);

/* ---- backward events (the hook behind the backward trace) ---- */
typedef enum nb_backward_event_kind {
    NB_EVENT_NODE,       /* the engine reached `node`; `grad` is the gradient of its output */
    NB_EVENT_PASS,       /* `grad` flows from `node` to its input `input_index` (`tensor`) */
    NB_EVENT_LEAF_DONE   /* `tensor` is a leaf; `grad` is its final gradient of this pass */
} nb_backward_event_kind;

typedef struct nb_backward_event {
    nb_backward_event_kind kind;
    const nb_node *node;     /* NULL for NB_EVENT_LEAF_DONE */
    int input_index;         /* for NB_EVENT_PASS */
    const nb_tensor *tensor; /* the input (PASS) or the leaf (LEAF_DONE) */
    const nb_tensor *grad;
    int64_t step;            /* 0, 1, 2, ... node visits in this pass */
    bool into_grad;          /* LEAF_DONE: nb_backward adds `grad` into the leaf's .grad
                                right after the event (false for nb_grad) */
} nb_backward_event;

typedef void (*nb_backward_hook)(const nb_backward_event *event, void *ctx);

/* Install a thread-local hook called during nb_backward and nb_grad (NULL
 * removes it).  Returns the previous hook; *prev_ctx gets its ctx if non-NULL.
 * The backward trace (nabla/trace.h) is such a hook; with NB_TRACE set, a
 * pass on a thread without a hook installs the trace's for that pass only. */
nb_backward_hook nb_set_backward_hook(nb_backward_hook hook, void *ctx, void **prev_ctx);

/* ---- anomaly mode (thread-local, off by default) ---- */
/* When on, every op checks its result for NaN/Inf, and backward checks each
 * gradient; the first one found is an NB_ERR_NUMERIC error naming the op and
 * the place the node was created.  A NaN/Inf that enters from data is caught
 * too: each input of an op that is a leaf (no recorded history: a batch, a
 * parameter, a constant) is scanned at its first use, and the error names
 * the input, the op and its call site, the first bad element, and the leaf
 * (its name, else its dtype and shape).  A leaf is scanned once per version
 * (an in-place write, such as an optimizer step, bumps it), so a dataset is
 * scanned once and a parameter once per step; a write through a data
 * pointer without nb_tensor_bump_version is not seen.  The mark of the last
 * check is kept in the tensor.  Cost when on: one pass over every op result
 * and every gradient, plus one pass over each leaf per version.  Returns the
 * previous setting. */
bool nb_set_anomaly_mode(bool enabled);
bool nb_anomaly_mode(void);

/* ---- call sites (thread-local; see nabla/sites.h) ----
 * Each node records the file:line of the call that made it.  The macros of
 * nabla/sites.h wrap every node-recording function as
 *     (nb_site_enter(__FILE__, __LINE__), nb_site_leave_tensor(call))
 * so that the site holds for that call only: an inner call gives the outer
 * one its site back before the outer function runs, and a call made outside
 * any macro (through a function pointer, or with NB_NO_CALL_SITES) records no
 * site (NULL file) rather than the previous call's. */

/* Up to this many nested macro'd calls in progress (per thread, counting
 * those inside callbacks) keep their sites exactly.  A call nested deeper
 * records its own site until a call inside it returns, and none after that:
 * unknown, never another call's. */
#define NB_SITE_MAX_DEPTH 32

/* Start a call made at file:line (file must outlive the nodes: __FILE__).
 * Every nb_site_enter must be matched by one nb_site_leave_* (a longjmp out
 * of the call leaves its frame behind). */
void nb_site_enter(const char *file, int line);
/* End the innermost call: its caller's site is current again.  They return
 * their argument (the call's result), so that the macro is an expression of
 * the call's type; one form per result type.  More leaves than enters are
 * ignored. */
nb_tensor *nb_site_leave_tensor(nb_tensor *result);
int nb_site_leave_int(int result);

/* Set the site of the current call: the innermost macro'd call in progress,
 * or, outside any, the site of calls made without a macro until it is set
 * again (nb_set_call_site(NULL, 0) makes it unknown).  For tools that run
 * ops on behalf of a node, like the backward engine; rarely called directly. */
void nb_set_call_site(const char *file, int line);

#ifdef __cplusplus
}
#endif
#endif
