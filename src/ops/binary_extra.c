/* pow, maximum, minimum with NumPy broadcasting.  Backward returns the
 * gradient in the output's shape (the engine sums it down to each input's);
 * kinks (ties) use constant comparison masks. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* maximum/minimum propagate NaN (like NumPy's maximum), unlike fmax: a NaN
 * a is kept, and a NaN b wins every comparison it loses. */
#define NB_ZIPS(X)                                                                           \
    X(pow, nb_no_params, pow(a, b))                                                          \
    X(maximum, nb_no_params, a != a || a > b ? a : b)                                        \
    X(minimum, nb_no_params, a != a || a < b ? a : b)
#include "kernels/elementwise_loops.h"

/* d a^b / da = b a^(b-1);  d a^b / db = a^b log a.  log a is taken of
 * a + [a == 0], a constant shift that is 0 except where a == 0: there the
 * gradient for b becomes a^b * 0 = 0 (its limit for b > 0) instead of
 * 0 * -inf = NaN. */
static int nb_pow_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb_mul(g, nb_mul(b, nb_pow(a, nb_add_scalar(b, -1.0))));
    if (nb__needs_grad(node, 1)) {
        nb_tensor *safe_a = nb_add(a, nb_equal(a, nb__scalar_like(a, 0.0)));
        gi[1] = nb_mul(g, nb_mul(node->output, nb_log(safe_a)));
    }
    return 0;
}

/* The gradient goes to a where mask_a is 1 and to b elsewhere; the masks
 * for a and b are complementary, so ties send everything to a. */
static int nb_select_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi,
                              nb_tensor *mask_a, nb_tensor *mask_b)
{
    if (nb__needs_grad(node, 0))
        gi[0] = nb_mul(g, mask_a);
    if (nb__needs_grad(node, 1))
        gi[1] = nb_mul(g, mask_b);
    return 0;
}

static int nb_maximum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    return nb_select_backward(node, g, gi, nb_greater_equal(a, b), nb_less(a, b));
}

static int nb_minimum_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    return nb_select_backward(node, g, gi, nb_less_equal(a, b), nb_greater(a, b));
}

static const nb_op nb_op_pow = {
    .name = "pow",
    .forward = nb__zip_forward,
    .backward = nb_pow_backward,
    .saved = NB_SAVES_ALL_INPUTS | NB_SAVES_OUTPUT,
    .zip = {nb_pow_zip_f32, nb_pow_zip_f64},
};

static const nb_op nb_op_maximum = {
    .name = "maximum",
    .forward = nb__zip_forward,
    .backward = nb_maximum_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .zip = {nb_maximum_zip_f32, nb_maximum_zip_f64},
};

static const nb_op nb_op_minimum = {
    .name = "minimum",
    .forward = nb__zip_forward,
    .backward = nb_minimum_backward,
    .saved = NB_SAVES_ALL_INPUTS,
    .zip = {nb_minimum_zip_f32, nb_minimum_zip_f64},
};

nb_tensor *nb_pow(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_pow, a, b); }
nb_tensor *nb_maximum(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_maximum, a, b); }
nb_tensor *nb_minimum(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_minimum, a, b); }
