/* nabla/html.h — an interactive page of a backward pass.
 *
 * nb_html_save writes ONE self-contained HTML file (inline SVG, CSS and
 * JavaScript; nothing is fetched from the network or from other files) that
 * shows a recorded graph and the chain rule running over it:
 *   - the graph, top to bottom (inputs above, the loss at the bottom), laid
 *     out in ranks by depth; nodes recorded in a scope (nb_set_scope in
 *     nabla/autograd.h; nb_model_forward sets each layer's name) are drawn
 *     in a box with the scope's name, with the parameters only they use;
 *   - steps, with next / back / play buttons, a slider, the arrow keys, and
 *     the URL fragment "#step=N" to open step N: first the leaves' values and
 *     the forward value of each node in the order it was computed, then the
 *     backward pass in the engine's order;
 *   - at each backward step the node being visited, the gradient arriving
 *     at it (the sum of what its users sent, term by term), the op's local
 *     rule in words and numbers (e.g. "tanh: ∂t/∂e = 1 − t² = 0.42"), the
 *     contribution sent along each input edge (also written on the edge),
 *     and a parameter's gradient marked final for this pass when its last
 *     contribution arrived;
 *   - small tensors as matrices (rows and columns), large ones summarised by
 *     shape, min, max and norm;
 *   - for a BP network run by a model (each layer a matmul, + bias and a
 *     tansig, logsig, poslin or purelin transfer function, then the error),
 *     the BP layer view: the three steps of the BP tutorial (dE/dN of the
 *     last layer from the error; each layer's node gradients from the next
 *     layer's; each layer's parameter gradients once its node gradients
 *     exist), with the chain rule's nested sums written out term by term
 *     in this run's numbers, each row lit from the step its result is known.
 * The backward pass is run by the writer itself, with nb_grad and a backward
 * hook (nabla/autograd.h): no .grad is touched and the graph stays usable.
 */
#ifndef NABLA_HTML_H
#define NABLA_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options for nb_html_write / nb_html_save; zero-initialise and set what
 * you need ({0} gives the defaults). */
typedef struct nb_html_opts {
    const char *title;  /* the page's heading, or NULL for "Backward pass" */
    int64_t max_values; /* tensors with at most this many elements are shown
                           as matrices, larger ones summarised; 0 means 16,
                           negative summarises all, at most 4096 */
} nb_html_opts;

/* Run a backward pass from `roots` (n_roots >= 1 one-element tensors, such
 * as a loss) to every leaf that requires grad, and write the page described
 * above to `out`, which the caller owns (it is flushed, never closed).
 * Needs a current arena (for the graph walk and the pass); opts may be
 * NULL.  The gradients are not added to any .grad.
 * Returns NB_OK, or NB_ERR_NULL (NULL out or roots), NB_ERR_ARG (n_roots < 1,
 * a root that is not one element, a graph without a leaf that requires
 * grad, opts.max_values above 4096), NB_ERR_STATE (no current arena, stale
 * tensor), NB_ERR_NOMEM, NB_ERR_IO (a write failed), or the status of a
 * failing backward pass; nothing is written to `out` before the arguments
 * are checked and the pass has run. */
int nb_html_write(FILE *out, nb_tensor *const *roots, int n_roots, const nb_html_opts *opts);

/* The same page into the file at `path`: written to a temporary file in the
 * same folder and renamed over `path` only when complete (mode 0644), so
 * that a reader never sees half a page and a failure leaves no file behind
 * and any existing file unchanged.  Returns as nb_html_write, plus
 * NB_ERR_NULL for a NULL path and NB_ERR_IO naming the path when it cannot
 * be written. */
int nb_html_save(const char *path, nb_tensor *const *roots, int n_roots, const nb_html_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
