/* nabla/trace.h — the backward trace: watch the chain rule run.
 *
 * While a trace is on, every nb_backward / nb_grad on this thread prints, in
 * the order the engine works, one "visit" per node it reaches (a word of its
 * own: a teacher's "steps" of backpropagation are something else):
 *   - the node, its op and the op's forward formula ("node #3 tanh: t =
 *     tanh(e)"), and its depth: 0 is the node that made the loss, 1 the
 *     nodes feeding it, and so on back towards the inputs;
 *   - the gradient arriving at the node's output, named after the pass's
 *     root ("dy/dt", or the user's label: "D2 = dE/dZ2"), with its values
 *     when small (a matrix one row per line);
 *   - each input it passes a gradient to, with the op's local rule for that
 *     input ("gets dy/dt * (1 - t²)"; "summed to 1x4" where the input was
 *     broadcast);
 *   - the moment a leaf's (parameter's) gradient is final for this pass: all
 *     nodes that use the leaf have delivered their share; after nb_backward
 *     also what the leaf's .grad holds now (".grad now").
 * For a layered model this is the picture of backpropagation: the error's
 * gradient at the last layer's nodes, then layer by layer backwards, and each
 * parameter's gradient as soon as its layer has been reached.
 *
 * Tensors are named by nb_tensor_set_name; an unnamed result is "#<node id>"
 * and an unnamed leaf "leaf".  A gradient is given a name of its own by
 * nb_tensor_set_grad_label (below), which the trace prints as "D2 = dE/dZ2"
 * and then uses in the rules of the nodes it feeds ("gets D2 @ W2ᵀ").
 *
 * Passes are numbered per thread: 1, 2, 3 ... counting every pass traced on
 * the thread since its last nb_trace_begin (or since the thread started),
 * whether by nb_trace_begin or by NB_TRACE.  That count and the running
 * trace are the trace's only state, both thread-local.
 *
 * Setting the environment variable NB_TRACE (to anything but "" or "0")
 * traces every pass to stderr, unless the thread already has a backward hook
 * (which then keeps the pass).  It is read at each pass, and the trace it
 * starts ends with the pass, failed or not.
 */
#ifndef NABLA_TRACE_H
#define NABLA_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options for nb_trace_begin; zero-initialise and set what you need. */
typedef struct nb_trace_opts {
    int64_t max_values; /* print the values of gradients with at most this many
                           elements; 0 means 16, negative means never */
    bool show_sites;    /* print where each node was created (file:line) */
    bool hide_passes;   /* do not print the "-> input k" lines */
    bool hide_rules;    /* do not print the ops' formulas and local rules */
    /* Labels for gradients, for this trace only: the gradient of
     * label_tensors[i] is printed as "labels[i] = dE/d<name>" and named
     * labels[i] in the rules of the nodes it feeds (e.g. "D2" for the output
     * delta of a BP network).  They come before the tensors' own labels
     * (nb_tensor_set_grad_label).  Both arrays have n_labels entries and must
     * stay valid until nb_trace_end. */
    const nb_tensor *const *label_tensors;
    const char *const *labels;
    int n_labels;
} nb_trace_opts;

/* Start tracing every backward pass of this thread to `out` (which the
 * caller owns; it is never closed).  opts may be NULL.  Installs a backward
 * hook (autograd.h) and keeps the previous one to restore at nb_trace_end.
 * Pass numbers restart at 1.
 * Errors: NB_ERR_NULL for a NULL out; NB_ERR_ARG for n_labels < 0 or labels
 * missing; NB_ERR_STATE when a trace is already running on this thread. */
int nb_trace_begin(FILE *out, const nb_trace_opts *opts);

/* Stop tracing and restore the hook that was installed before
 * nb_trace_begin.  Returns NB_OK, or NB_ERR_STATE when no trace is running.
 * If an output error happened while tracing, returns NB_ERR_IO. */
int nb_trace_end(void);

/* True while a trace is running on this thread. */
bool nb_trace_active(void);

/* ---- labels for gradients ---- */

/* Call t's gradient `label` in the teaching views, e.g. "D2" for the output
 * delta dE/dZ2 of a BP network: the trace (by nb_trace_begin or NB_TRACE)
 * prints "D2 = dE/dZ2" at the node that made t and writes D2 in the rules of
 * the nodes t's gradient feeds; the DOT export (dot.h) writes the same in
 * t's box.  Any tensor can be labelled: an intermediate result (the usual
 * case) or a leaf.  The label is copied into t's arena and lives as long as
 * t; NULL removes it.  Returns NB_OK; NB_ERR_NULL for a NULL t; NB_ERR_STATE
 * for a tensor whose arena was reset; NB_ERR_ARG for an empty label;
 * NB_ERR_NOMEM. */
int nb_tensor_set_grad_label(nb_tensor *t, const char *label);

/* t's gradient label, or NULL when it has none (or t is NULL, or not live:
 * then with NB_ERR_STATE recorded).  Borrowed: valid while t is. */
const char *nb_tensor_grad_label(const nb_tensor *t);

#ifdef __cplusplus
}
#endif
#endif
