/* Comparison masks and sign: 0/1 (or -1/0/1) tensors that are never
 * recorded.  They are constants almost everywhere, so backward formulas use
 * them as masks and second order stays correct.  Their descriptors carry
 * loops and a forward but no backward: nb__*_constant runs the forward
 * without nb__op_apply, so no node is ever made. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "nabla/ops.h"
#include "ops/elementwise_op.h"

/* NaN compares false; sign keeps ±0 and NaN as they are. */
#define NB_ZIPS(X)                                                                           \
    X(greater, nb_no_params, a > b)                                                          \
    X(greater_equal, nb_no_params, a >= b)                                                   \
    X(less, nb_no_params, a < b)                                                             \
    X(less_equal, nb_no_params, a <= b)                                                      \
    X(equal, nb_no_params, a == b)
#define NB_MAPS(X) X(sign, nb_no_params, x > 0 ? (T)1 : (x < 0 ? (T)-1 : x))
#include "kernels/elementwise_loops.h"

#define NB_MASK_OP(NAME)                                                                     \
    static const nb_op nb_op_##NAME = {                                                      \
        .name = #NAME,                                                                       \
        .forward = nb__zip_forward,                                                          \
        .zip = {nb_##NAME##_zip_f32, nb_##NAME##_zip_f64},                                   \
    };
NB_MASK_OP(greater)
NB_MASK_OP(greater_equal)
NB_MASK_OP(less)
NB_MASK_OP(less_equal)
NB_MASK_OP(equal)

static const nb_op nb_op_sign = {
    .name = "sign",
    .forward = nb__unary_forward,
    .map = {nb_sign_map_f32, nb_sign_map_f64},
};

nb_tensor *nb_greater(nb_tensor *a, nb_tensor *b) { return nb__binary_constant(&nb_op_greater, a, b); }
nb_tensor *nb_greater_equal(nb_tensor *a, nb_tensor *b)
{
    return nb__binary_constant(&nb_op_greater_equal, a, b);
}
nb_tensor *nb_less(nb_tensor *a, nb_tensor *b) { return nb__binary_constant(&nb_op_less, a, b); }
nb_tensor *nb_less_equal(nb_tensor *a, nb_tensor *b)
{
    return nb__binary_constant(&nb_op_less_equal, a, b);
}
nb_tensor *nb_equal(nb_tensor *a, nb_tensor *b) { return nb__binary_constant(&nb_op_equal, a, b); }
nb_tensor *nb_sign(nb_tensor *x) { return nb__unary_constant(&nb_op_sign, x); }
