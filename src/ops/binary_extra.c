/* pow, maximum, minimum with NumPy broadcasting.  Backward reduces each
 * gradient to its input's shape with nb_sum_to; kinks (ties) use constant
 * comparison masks. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kernels/elementwise.h"
#include "nabla/ops.h"
#include "ops/binary_common.h"
#include "ops/op_util.h"

/* d a^b / da = b a^(b-1);  d a^b / db = a^b log a.  log a is taken of
 * a + [a == 0], a constant shift that is 0 except where a == 0: there the
 * gradient for b becomes a^b * 0 = 0 (its limit for b > 0) instead of
 * 0 * -inf = NaN. */
static int nb_pow_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi)
{
    nb_tensor *a = node->inputs[0], *b = node->inputs[1];
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, nb_mul(g, nb_mul(b, nb_pow(a, nb_add_scalar(b, -1.0)))));
    if (nb__needs_grad(node, 1)) {
        nb_tensor *zero = nb_scalar(a->dtype, 0.0);
        nb_tensor *safe_a = nb_add(a, nb_equal(a, zero));
        gi[1] = nb__grad_to_input(node, 1, nb_mul(g, nb_mul(node->output, nb_log(safe_a))));
    }
    return 0;
}

/* The gradient goes to a where mask_a is 1 and to b elsewhere; the masks
 * for a and b are complementary, so ties send everything to a. */
static int nb_select_backward(const struct nb_node *node, nb_tensor *g, nb_tensor **gi,
                              nb_tensor *mask_a, nb_tensor *mask_b)
{
    if (nb__needs_grad(node, 0))
        gi[0] = nb__grad_to_input(node, 0, nb_mul(g, mask_a));
    if (nb__needs_grad(node, 1))
        gi[1] = nb__grad_to_input(node, 1, nb_mul(g, mask_b));
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

static const nb_op nb_op_pow = {"pow", nb__binary_forward, nb_pow_backward,
                                NB_SAVES_ALL_INPUTS | NB_SAVES_OUTPUT, 0};
static const nb_op nb_op_maximum = {"maximum", nb__binary_forward, nb_maximum_backward,
                                    NB_SAVES_ALL_INPUTS, 0};
static const nb_op nb_op_minimum = {"minimum", nb__binary_forward, nb_minimum_backward,
                                    NB_SAVES_ALL_INPUTS, 0};

nb_tensor *nb_pow(nb_tensor *a, nb_tensor *b) { return nb__binary_apply(&nb_op_pow, NB_BIN_POW, a, b); }
nb_tensor *nb_maximum(nb_tensor *a, nb_tensor *b)
{
    return nb__binary_apply(&nb_op_maximum, NB_BIN_MAX, a, b);
}
nb_tensor *nb_minimum(nb_tensor *a, nb_tensor *b)
{
    return nb__binary_apply(&nb_op_minimum, NB_BIN_MIN, a, b);
}
