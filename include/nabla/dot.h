/* nabla/dot.h — draw a recorded graph in Graphviz's DOT language.
 *
 * Every tensor is a record box (name, shape, dtype, and for small tensors
 * the values and the gradient, as in micrograd's pictures); every recorded
 * op is an ellipse with its name, id and (optionally) the place it was
 * created.  Edges run input tensor -> op -> output tensor.  Render with
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
    NB_DOT_LR = 0, /* inputs on the left, the loss on the right (default) */
    NB_DOT_TB = 1  /* inputs at the top, the loss at the bottom */
} nb_dot_direction;

/* Options for nb_dot_write / nb_dot_save; zero-initialise and set what you
 * need ({0} gives a left-to-right picture with values of small tensors). */
typedef struct nb_dot_opts {
    nb_dot_direction direction; /* layout direction */
    int64_t max_values;   /* show values and grads of tensors with at most this
                             many elements; 0 means 4, negative means never */
    bool show_sites;      /* add "file:line" (where each op was created) to ops */
    bool hide_grads;      /* do not show gradients */
    const char *title;    /* a label above the picture, or NULL */
    /* Gradients to show for non-leaf tensors (a leaf shows its own .grad):
     * grads[i] is drawn as the gradient of tensors[i], e.g. the results of
     * nb_grad for intermediate tensors.  Both arrays have n_grads entries. */
    const nb_tensor *const *grad_tensors;
    const nb_tensor *const *grads;
    int n_grads;
} nb_dot_opts;

/* Write the graph that produced `roots` (n_roots >= 1 tensors; leaves are
 * fine) to `out`, which the caller owns: it is flushed, never closed.
 * Scratch memory comes from the current arena.  opts may be NULL.
 * Returns NB_OK, or NB_ERR_NULL (NULL out/roots), NB_ERR_ARG (n_roots < 1,
 * n_grads < 0), NB_ERR_STATE (no current arena, stale tensor), NB_ERR_IO
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
