/* nabla/trace.h — the backward trace: watch the chain rule run.
 *
 * While a trace is on, every nb_backward / nb_grad on this thread prints, in
 * the order the engine works:
 *   - each node it reaches, with the gradient arriving at the node's output
 *     (op, shape, values of small tensors) and its depth: 0 is the node that
 *     made the loss, 1 the nodes feeding it, and so on back towards the inputs;
 *   - which inputs that gradient is passed to;
 *   - the moment a leaf's (parameter's) gradient is final: all nodes that use
 *     the leaf have delivered their share.
 * For a layered model this is the picture of backpropagation: the error's
 * gradient at the last layer's nodes, then layer by layer backwards, and each
 * parameter's gradient as soon as its layer has been reached.
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
                           elements; 0 means 6, negative means never */
    bool show_sites;    /* print where each node was created (file:line) */
    bool hide_passes;   /* do not print the "-> input k" lines */
} nb_trace_opts;

/* Start tracing every backward pass of this thread to `out` (which the
 * caller owns; it is never closed).  opts may be NULL.  Installs a backward
 * hook (autograd.h) and keeps the previous one to restore at nb_trace_end.
 * Errors: NB_ERR_NULL for a NULL out; NB_ERR_STATE when a trace is already
 * running on this thread. */
int nb_trace_begin(FILE *out, const nb_trace_opts *opts);

/* Stop tracing and restore the hook that was installed before
 * nb_trace_begin.  Returns NB_OK, or NB_ERR_STATE when no trace is running.
 * If an output error happened while tracing, returns NB_ERR_IO. */
int nb_trace_end(void);

/* True while a trace is running on this thread. */
bool nb_trace_active(void);

#ifdef __cplusplus
}
#endif
#endif
