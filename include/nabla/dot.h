/* nabla/dot.h — draw a recorded graph in Graphviz's DOT language.
 *
 * Every tensor is a record box (name, shape, dtype, and for small tensors
 * the values and the gradient, as in micrograd's pictures; a matrix one row
 * per line); every recorded op is an ellipse with its name, id and
 * (optionally) the place it was created.  Edges run input tensor -> op ->
 * output tensor.  With opts.all_grads every tensor shows d(root)/d(tensor)
 * and every edge the gradient that flows back along it, so the picture
 * shows the chain rule at work, not only its results.  A gradient given a
 * label by nb_tensor_set_grad_label (trace.h) is captioned with it ("D2 =
 * dE/dZ2", E the first root's name) instead of "grad".  Ops and parameters
 * of one model layer are drawn in a box with the layer's name.  Render with
 *     dot -Tsvg graph.dot -o graph.svg
 */
#ifndef NABLA_DOT_H
#define NABLA_DOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nb_dot_direction {
    NB_DOT_AUTO = 0, /* top to bottom when the graph is taller than wide (it has
                        more ranks than boxes on its widest rank), else left
                        to right (default) */
    NB_DOT_LR = 1,   /* inputs on the left, the loss on the right */
    NB_DOT_TB = 2    /* inputs at the top, the loss at the bottom */
} nb_dot_direction;

/* Options for nb_dot_write / nb_dot_save; zero-initialise and set what you
 * need ({0} gives a picture with values of small tensors, laid out by
 * NB_DOT_AUTO). */
typedef struct nb_dot_opts {
    nb_dot_direction direction; /* layout direction */
    int64_t max_values;   /* show values and grads of tensors with at most this
                             many elements (a 4x4 matrix in rows); 0 means 16,
                             as in the trace; negative means never */
    bool show_sites;      /* add "file:line" (where each op was created) to ops */
    bool hide_grads;      /* do not show gradients */
    const char *title;    /* a label above the picture, or NULL */
    /* Gradients to show for non-leaf tensors (a leaf shows its own .grad):
     * grads[i] is drawn as the gradient of tensors[i], e.g. the results of
     * nb_grad for intermediate tensors.  Both arrays have n_grads entries. */
    const nb_tensor *const *grad_tensors;
    const nb_tensor *const *grads;
    int n_grads;
    /* Show every tensor's gradient, intermediates included, and label every
     * edge with the gradient sent back along it: the export runs its own
     * gradient pass (as nb_grad: no .grad changes, the graph stays usable)
     * of roots[0], which must have one element, with respect to the graph's
     * leaves.  Leaves then show d(roots[0])/d(leaf), not their .grad.  The
     * pass is not traced.  grad_tensors/grads are ignored. */
    bool all_grads;
    /* Groups (drawn as boxes with a label): group_tensors[i] is put in the
     * group named group_names[i], with the op that produced it; an op that
     * reads a leaf of a group joins that group too.  Without
     * groups, parameters named "<layer>.<what>" (as nb_model names them:
     * "layer1.weight") form the group "<layer>" with the ops that read them
     * and the activation (tanh, sigmoid, relu, leaky_relu, softplus, softmax,
     * log_softmax) applied to the result of such an op.  Both arrays
     * have n_groups entries. */
    const nb_tensor *const *group_tensors;
    const char *const *group_names;
    int n_groups;
    bool hide_layers; /* no groups from parameter names */
} nb_dot_opts;

/* Write the graph that produced `roots` (n_roots >= 1 tensors; leaves are
 * fine) to `out`, which the caller owns: it is flushed, never closed.
 * Scratch memory comes from the current arena.  opts may be NULL.
 * Returns NB_OK, or NB_ERR_NULL (NULL out/roots), NB_ERR_ARG (n_roots < 1,
 * n_grads or n_groups < 0 or their arrays NULL, all_grads with a root of
 * more than one element), the status of a failed all_grads pass, NB_ERR_STATE (no current arena, stale tensor), NB_ERR_IO
 * (a write failed), NB_ERR_NOMEM. */
int nb_dot_write(FILE *out, nb_tensor *const *roots, int n_roots, const nb_dot_opts *opts);

/* Same, into the file at `path`: written to "<path>.tmp" first and renamed
 * over `path` only when complete, so a reader never sees half a graph.
 * Returns as nb_dot_write; NB_ERR_IO names the path when it cannot be
 * written. */
int nb_dot_save(const char *path, nb_tensor *const *roots, int n_roots, const nb_dot_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
