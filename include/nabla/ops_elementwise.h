/* nabla/ops_elementwise.h — elementwise maps, the broadcast binary ops
 * beyond add/sub/mul/div, comparison masks, and dtype conversion.
 *
 * Every op here follows ops_basic.h: inputs must be valid tensors of one
 * dtype (mixing f32 and f64 is an NB_ERR_DTYPE error: convert with
 * nb_cast); the result is a new tensor in the current arena (the MATLAB
 * alias nb_purelin is the one exception, see there); a NULL input gives NULL
 * without a new message (sticky errors); with grad mode on and an input
 * requiring grad, a graph node is recorded.  Every backward formula is made
 * of nabla ops, so second-order gradients (NB_CREATE_GRAPH) work for all of
 * them.  docs/ops.md lists each gradient formula.
 *
 * Non-smooth points: where a function has a kink (abs at 0, relu and
 * leaky_relu at 0, clamp at its bounds, maximum/minimum at ties) one
 * subgradient is chosen; each function says which.  The comparison masks
 * (nb_greater, ..., nb_sign) are NOT differentiable: they are never recorded,
 * and backward formulas treat them as constants (their derivative is zero
 * almost everywhere, so this keeps second order correct).
 */
#ifndef NABLA_OPS_ELEMENTWISE_H
#define NABLA_OPS_ELEMENTWISE_H

#include <stdbool.h>

#include "nabla/rng.h"
#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- unary maps (result: x's shape and dtype) ---- */

/* e^x.  Overflows to +inf above about 709 (f64) / 88.7 (f32), as exp does.
 * Gradient: g * e^x. */
nb_tensor *nb_exp(nb_tensor *x);

/* Natural logarithm: -inf at 0, NaN below 0.  Gradient: g / x. */
nb_tensor *nb_log(nb_tensor *x);

/* Square root: NaN below 0.  Gradient: g / (2 sqrt x) (inf at 0). */
nb_tensor *nb_sqrt(nb_tensor *x);

/* |x|.  Gradient: g * sign(x), taking 0 at x = 0. */
nb_tensor *nb_abs(nb_tensor *x);

/* x^p for a C scalar p (C pow semantics: negative x with a non-integer p
 * gives NaN).  Gradient: g * p * x^(p-1) (exactly 0 when p == 0). */
nb_tensor *nb_pow_scalar(nb_tensor *x, double p);

/* sin x and cos x.  Gradients: g * cos x and -g * sin x. */
nb_tensor *nb_sin(nb_tensor *x);
nb_tensor *nb_cos(nb_tensor *x);

/* The error function erf x = 2/sqrt(pi) * integral of e^(-t²) from 0 to x
 * (C erf): odd, -1 and 1 in the limits.  Gradient: g * 2/sqrt(pi) e^(-x²). */
nb_tensor *nb_erf(nb_tensor *x);

/* ---- activations ---- */

/* Logistic sigmoid 1 / (1 + e^-x), computed through e^-|x| so that it never
 * overflows: finite for every finite x (exactly 0 or 1 far out) with a
 * finite gradient g * y * (1 - y), y the result. */
nb_tensor *nb_sigmoid(nb_tensor *x);

/* max(x, 0) (NaN stays NaN).  Gradient: g where x > 0, else 0 (0 at x = 0). */
nb_tensor *nb_relu(nb_tensor *x);

/* x for x >= 0, slope * x below.  Gradient: g where x > 0, slope * g
 * elsewhere (slope at x = 0).  Any finite slope is accepted; a NaN or
 * infinite slope is an NB_ERR_ARG error. */
nb_tensor *nb_leaky_relu(nb_tensor *x, double slope);

/* log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|): finite for every
 * finite x (softplus(800) = 800).  Gradient: g * sigmoid(x). */
nb_tensor *nb_softplus(nb_tensor *x);

/* min(max(x, lo), hi) (NaN stays NaN).  lo or hi may be infinite to clamp
 * one side only.  Gradient: g where lo <= x <= hi (bounds included), else 0.
 * lo > hi, or a NaN bound, is an NB_ERR_ARG error. */
nb_tensor *nb_clamp(nb_tensor *x, double lo, double hi);

/* MATLAB Neural Network Toolbox names for the classic BP network:
 * nb_tansig is nb_tanh, nb_logsig is nb_sigmoid, nb_poslin is nb_relu.
 * nb_purelin (the identity) returns x itself: no copy and no graph node,
 * so the gradient flows through unchanged.  Invalid x gives NULL. */
nb_tensor *nb_tansig(nb_tensor *x);
nb_tensor *nb_logsig(nb_tensor *x);
nb_tensor *nb_purelin(nb_tensor *x);
nb_tensor *nb_poslin(nb_tensor *x);

/* ---- binary ops with NumPy broadcasting ----
 * Shapes are aligned at the right; each axis must match or be 1 (else an
 * NB_ERR_SHAPE error naming both shapes).  Backward sums each gradient back
 * to its input's shape with nb_sum_to. */

/* a^b elementwise (C pow semantics).  Gradients: g * b * a^(b-1) for a, and
 * g * a^b * log a for b.  The gradient for b needs a > 0; at a = 0 it is
 * taken as 0 (the limit for b > 0), below 0 it is NaN. */
nb_tensor *nb_pow(nb_tensor *a, nb_tensor *b);

/* Elementwise larger / smaller of a and b (NaN in either gives NaN).
 * Ties: the whole gradient goes to a (maximum: a where a >= b, b where
 * a < b; minimum: a where a <= b, b where a > b) — one valid subgradient,
 * chosen so that the two gradients always add up to g. */
nb_tensor *nb_maximum(nb_tensor *a, nb_tensor *b);
nb_tensor *nb_minimum(nb_tensor *a, nb_tensor *b);

/* ---- selection ---- */

/* a where mask is 1, b where it is 0, elementwise, with NumPy broadcasting
 * of all three (the result has their broadcast shape).  mask holds only 0
 * and 1 in a's and b's dtype (e.g. from nb_greater); any other value is an
 * NB_ERR_ARG error naming the element.  Gradients: g where mask is 1 for a,
 * g where it is 0 for b (each summed to its input's shape), none for mask,
 * which is a constant: it must not change before backward (checked) and
 * nb_grad for it reports it unused.  A NaN or Inf in the branch not taken
 * reaches neither the result nor the gradients of a and b. */
nb_tensor *nb_where(nb_tensor *mask, nb_tensor *a, nb_tensor *b);

/* ---- comparison masks (NOT differentiable) ----
 * 1 where the relation holds, 0 elsewhere (NaN compares false: equal(NaN,
 * NaN) is 0), with broadcasting and the inputs' dtype.  The result is never
 * recorded and never requires grad, whatever the inputs: use it as a
 * constant mask, e.g. nb_mul(g, nb_greater(x, zero)). */
nb_tensor *nb_greater(nb_tensor *a, nb_tensor *b);       /* a > b */
nb_tensor *nb_greater_equal(nb_tensor *a, nb_tensor *b); /* a >= b */
nb_tensor *nb_less(nb_tensor *a, nb_tensor *b);          /* a < b */
nb_tensor *nb_less_equal(nb_tensor *a, nb_tensor *b);    /* a <= b */
nb_tensor *nb_equal(nb_tensor *a, nb_tensor *b);         /* a == b */

/* sign(x): 1 for x > 0, -1 for x < 0, 0 at 0 (NaN stays NaN).  Not
 * differentiable, never recorded (a constant, like the masks above). */
nb_tensor *nb_sign(nb_tensor *x);

/* ---- dtype conversion ---- */

/* x converted to `dtype` (NB_F32 or NB_F64; f64 -> f32 rounds to nearest).
 * Differentiable: the gradient is cast back to x's dtype.  A same-dtype
 * cast returns a new tensor (a copy, recorded like any op; its gradient
 * passes through unchanged), so writing into the result never changes x.
 * An unknown dtype is an NB_ERR_DTYPE error. */
nb_tensor *nb_cast(nb_tensor *x, nb_dtype dtype);

/* ---- smooth activations and regularisation ---- */

/* GELU, the exact form (PyTorch's default, approximate='none'):
 * x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), Phi the standard normal CDF.
 * Finite everywhere: 0 far below, x far above.  Gradient:
 * g * (Phi(x) + x e^(-x²/2) / sqrt(2 pi)). */
nb_tensor *nb_gelu(nb_tensor *x);

/* Inverted dropout: while `training` and p > 0, each element is zeroed with
 * probability p and the others are scaled by 1 / (1 - p), so the expected
 * value is x.  The mask is drawn from `rng` (one nb_rng_uniform per element,
 * in row-major order; element dropped when the draw is < p), so a seeded rng
 * gives the same mask every time; pass the model's (nb_model_rng).  When not
 * training, or p == 0, x itself is returned (no copy, no node; rng may then
 * be NULL).  Gradient: g * mask / (1 - p) (the mask is a constant).  p
 * outside [0, 1) (or NaN) is an NB_ERR_ARG error; a NULL rng when one is
 * needed is NB_ERR_NULL. */
nb_tensor *nb_dropout(nb_tensor *x, double p, bool training, nb_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
