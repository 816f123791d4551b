/* The broadcast binary op machinery shared by binary.c (add, sub, mul, div)
 * and binary_extra.c (pow, maximum, minimum). */
#ifndef NB_OPS_BINARY_COMMON_H
#define NB_OPS_BINARY_COMMON_H

#include "autograd/graph.h"
#include "kernels/elementwise.h"

/* Forward of every broadcast binary op: params.i[0] is the nb_binary_kind. */
int nb__binary_forward(nb_tensor *out, nb_tensor *const *in, int n_in, const nb_op_params *p);

/* Check a and b (valid, one dtype, broadcastable) and apply `op` of `kind`. */
nb_tensor *nb__binary_apply(const nb_op *op, nb_binary_kind kind, nb_tensor *a, nb_tensor *b);

/* g, of the output's shape, summed down to input k's shape (g itself when no
 * broadcasting happened; NULL stays NULL). */
nb_tensor *nb__grad_to_input(const struct nb_node *node, int k, nb_tensor *g);

#endif
