/* nabla/sites.h — record the caller's file:line in every graph node.
 *
 * For each public op function this header defines a function-like macro of
 * the same name that first tells the engine where it is called from, then
 * calls the function:
 *     y = nb_tanh(x);   becomes   y = (nb_set_call_site(__FILE__, __LINE__), nb_tanh(x));
 * Anomaly-mode errors, backward errors, DOT pictures and the backward trace
 * can then say "created at model.c:42".  Taking an op's address (nb_tanh
 * without parentheses) still gives the function.
 *
 * Included last by <nabla.h>.  Not active inside the library (which defines
 * NB_BUILDING_LIBRARY, so its internal calls keep the user's site), nor when
 * the user defines NB_NO_CALL_SITES before including <nabla.h>.
 *
 * scripts/check-sites.sh (run by `make check`) reports op functions that
 * have no macro here.
 */
#ifndef NABLA_SITES_H
#define NABLA_SITES_H

#if !defined(NB_BUILDING_LIBRARY) && !defined(NB_NO_CALL_SITES)

#include "nabla/autograd.h"

#define NB_AT_SITE_(call) (nb_set_call_site(__FILE__, __LINE__), call)

/* ops_basic.h */
#define nb_add(...)             NB_AT_SITE_(nb_add(__VA_ARGS__))
#define nb_sub(...)             NB_AT_SITE_(nb_sub(__VA_ARGS__))
#define nb_mul(...)             NB_AT_SITE_(nb_mul(__VA_ARGS__))
#define nb_div(...)             NB_AT_SITE_(nb_div(__VA_ARGS__))
#define nb_add_scalar(...)      NB_AT_SITE_(nb_add_scalar(__VA_ARGS__))
#define nb_mul_scalar(...)      NB_AT_SITE_(nb_mul_scalar(__VA_ARGS__))
#define nb_neg(...)             NB_AT_SITE_(nb_neg(__VA_ARGS__))
#define nb_square(...)          NB_AT_SITE_(nb_square(__VA_ARGS__))
#define nb_tanh(...)            NB_AT_SITE_(nb_tanh(__VA_ARGS__))
#define nb_broadcast_to(...)    NB_AT_SITE_(nb_broadcast_to(__VA_ARGS__))
#define nb_sum_to(...)          NB_AT_SITE_(nb_sum_to(__VA_ARGS__))
#define nb_reshape(...)         NB_AT_SITE_(nb_reshape(__VA_ARGS__))
#define nb_sum(...)             NB_AT_SITE_(nb_sum(__VA_ARGS__))
#define nb_sum_axis(...)        NB_AT_SITE_(nb_sum_axis(__VA_ARGS__))
#define nb_matmul(...)          NB_AT_SITE_(nb_matmul(__VA_ARGS__))
#define nb_matmul_t(...)        NB_AT_SITE_(nb_matmul_t(__VA_ARGS__))

/* ops_elementwise.h */
#define nb_exp(...)             NB_AT_SITE_(nb_exp(__VA_ARGS__))
#define nb_log(...)             NB_AT_SITE_(nb_log(__VA_ARGS__))
#define nb_sqrt(...)            NB_AT_SITE_(nb_sqrt(__VA_ARGS__))
#define nb_abs(...)             NB_AT_SITE_(nb_abs(__VA_ARGS__))
#define nb_pow_scalar(...)      NB_AT_SITE_(nb_pow_scalar(__VA_ARGS__))
#define nb_sin(...)             NB_AT_SITE_(nb_sin(__VA_ARGS__))
#define nb_cos(...)             NB_AT_SITE_(nb_cos(__VA_ARGS__))
#define nb_sigmoid(...)         NB_AT_SITE_(nb_sigmoid(__VA_ARGS__))
#define nb_relu(...)            NB_AT_SITE_(nb_relu(__VA_ARGS__))
#define nb_leaky_relu(...)      NB_AT_SITE_(nb_leaky_relu(__VA_ARGS__))
#define nb_softplus(...)        NB_AT_SITE_(nb_softplus(__VA_ARGS__))
#define nb_clamp(...)           NB_AT_SITE_(nb_clamp(__VA_ARGS__))
#define nb_tansig(...)          NB_AT_SITE_(nb_tansig(__VA_ARGS__))
#define nb_logsig(...)          NB_AT_SITE_(nb_logsig(__VA_ARGS__))
#define nb_purelin(...)         NB_AT_SITE_(nb_purelin(__VA_ARGS__))
#define nb_poslin(...)          NB_AT_SITE_(nb_poslin(__VA_ARGS__))
#define nb_pow(...)             NB_AT_SITE_(nb_pow(__VA_ARGS__))
#define nb_maximum(...)         NB_AT_SITE_(nb_maximum(__VA_ARGS__))
#define nb_minimum(...)         NB_AT_SITE_(nb_minimum(__VA_ARGS__))
#define nb_greater(...)         NB_AT_SITE_(nb_greater(__VA_ARGS__))
#define nb_greater_equal(...)   NB_AT_SITE_(nb_greater_equal(__VA_ARGS__))
#define nb_less(...)            NB_AT_SITE_(nb_less(__VA_ARGS__))
#define nb_less_equal(...)      NB_AT_SITE_(nb_less_equal(__VA_ARGS__))
#define nb_equal(...)           NB_AT_SITE_(nb_equal(__VA_ARGS__))
#define nb_sign(...)            NB_AT_SITE_(nb_sign(__VA_ARGS__))
#define nb_cast(...)            NB_AT_SITE_(nb_cast(__VA_ARGS__))

/* ops_nn.h */
#define nb_softmax(...)         NB_AT_SITE_(nb_softmax(__VA_ARGS__))
#define nb_log_softmax(...)     NB_AT_SITE_(nb_log_softmax(__VA_ARGS__))
#define nb_mse_loss(...)        NB_AT_SITE_(nb_mse_loss(__VA_ARGS__))
#define nb_sse_loss(...)        NB_AT_SITE_(nb_sse_loss(__VA_ARGS__))
#define nb_cross_entropy(...)   NB_AT_SITE_(nb_cross_entropy(__VA_ARGS__))
#define nb_nll_loss(...)        NB_AT_SITE_(nb_nll_loss(__VA_ARGS__))
#define nb_bce_with_logits(...) NB_AT_SITE_(nb_bce_with_logits(__VA_ARGS__))

/* ops_reduce.h */
#define nb_mean(...)            NB_AT_SITE_(nb_mean(__VA_ARGS__))
#define nb_mean_axis(...)       NB_AT_SITE_(nb_mean_axis(__VA_ARGS__))
#define nb_max(...)             NB_AT_SITE_(nb_max(__VA_ARGS__))
#define nb_max_axis(...)        NB_AT_SITE_(nb_max_axis(__VA_ARGS__))
#define nb_min(...)             NB_AT_SITE_(nb_min(__VA_ARGS__))
#define nb_min_axis(...)        NB_AT_SITE_(nb_min_axis(__VA_ARGS__))
#define nb_argmax_axis(...)     NB_AT_SITE_(nb_argmax_axis(__VA_ARGS__))
#define nb_argmin_axis(...)     NB_AT_SITE_(nb_argmin_axis(__VA_ARGS__))
#define nb_logsumexp(...)       NB_AT_SITE_(nb_logsumexp(__VA_ARGS__))
#define nb_logsumexp_axis(...)  NB_AT_SITE_(nb_logsumexp_axis(__VA_ARGS__))

/* ops_shape.h */
#define nb_transpose(...)       NB_AT_SITE_(nb_transpose(__VA_ARGS__))
#define nb_permute(...)         NB_AT_SITE_(nb_permute(__VA_ARGS__))
#define nb_concat(...)          NB_AT_SITE_(nb_concat(__VA_ARGS__))
#define nb_slice(...)           NB_AT_SITE_(nb_slice(__VA_ARGS__))
#define nb_gather_rows(...)     NB_AT_SITE_(nb_gather_rows(__VA_ARGS__))
#define nb_flatten(...)         NB_AT_SITE_(nb_flatten(__VA_ARGS__))
#define nb_unsqueeze(...)       NB_AT_SITE_(nb_unsqueeze(__VA_ARGS__))
#define nb_squeeze(...)         NB_AT_SITE_(nb_squeeze(__VA_ARGS__))

/* nn.h */
#define nb_activate(...)        NB_AT_SITE_(nb_activate(__VA_ARGS__))
#define nb_model_forward(...)   NB_AT_SITE_(nb_model_forward(__VA_ARGS__))
#define nb_loss_mse(...)        NB_AT_SITE_(nb_loss_mse(__VA_ARGS__))
#define nb_loss_sse(...)        NB_AT_SITE_(nb_loss_sse(__VA_ARGS__))

/* custom_op.h */
#define nb_custom_op_apply(...) NB_AT_SITE_(nb_custom_op_apply(__VA_ARGS__))
#define nb_custom_call(...)     NB_AT_SITE_(nb_custom_call(__VA_ARGS__))

#endif /* !NB_BUILDING_LIBRARY && !NB_NO_CALL_SITES */
#endif
