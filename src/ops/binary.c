/* add, sub, mul, div with NumPy broadcasting.  Each op is its row loop (one
 * row of NB_ZIPS), its backward and its descriptor.  Backward returns the
 * gradient in the output's (broadcast) shape; the engine sums it down to
 * each input's shape. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/elementwise_op.h"

#define NB_ZIPS(X)                                                                           \
    X(add, nb_no_params, a + b)                                                              \
    X(sub, nb_no_params, a - b)                                                              \
    X(mul, nb_no_params, a * b)                                                              \
    X(div, nb_no_params, a / b)
#include "kernels/elementwise_loops.h"

static int nb_add_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    (void)node;
    gi[0] = g;
    gi[1] = g;
    return 0;
}

static int nb_sub_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    gi[0] = g;
    if (nb__needs_grad(node, 1))
        gi[1] = nb_neg(g);
    return 0;
}

/* d(ab)/da = b, d(ab)/db = a */
static int nb_mul_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb_mul(g, b);
    if (nb__needs_grad(node, 1))
        gi[1] = nb_mul(g, a);
    return 0;
}

/* d(a/b)/da = 1/b, d(a/b)/db = -a/b² */
static int nb_div_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb_div(g, b);
    if (nb__needs_grad(node, 1))
        gi[1] = nb_neg(nb_div(nb_mul(g, a), nb_square(b)));
    return 0;
}

static const nb_op nb_op_add = {
    .name = "add",
    .forward = nb__zip_forward,
    .backward = nb_add_backward,
    .zip = {nb_add_zip_f32, nb_add_zip_f64},
};

static const nb_op nb_op_sub = {
    .name = "sub",
    .forward = nb__zip_forward,
    .backward = nb_sub_backward,
    .zip = {nb_sub_zip_f32, nb_sub_zip_f64},
};

static const nb_op nb_op_mul = {
    .name = "mul",
    .forward = nb__zip_forward,
    .backward = nb_mul_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .zip = {nb_mul_zip_f32, nb_mul_zip_f64},
};

static const nb_op nb_op_div = {
    .name = "div",
    .forward = nb__zip_forward,
    .backward = nb_div_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .zip = {nb_div_zip_f32, nb_div_zip_f64},
};

nb_tensor *nb_add(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_add, a, b); }
nb_tensor *nb_sub(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_sub, a, b); }
nb_tensor *nb_mul(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_mul, a, b); }
nb_tensor *nb_div(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_div, a, b); }
