/* nabla/sites.h — record the caller's file:line in every graph node.
 *
 * For each public function that can record graph nodes this header defines a
 * function-like macro of the same name that names the call's site for the
 * duration of the call, then gives the enclosing call's site back:
 *     y = nb_tanh(x);
 * becomes
 *     y = (nb_site_enter(__FILE__, __LINE__), nb_site_leave_tensor(nb_tanh(x)));
 * (nb_site_leave_int for functions that return a status).  Anomaly-mode
 * errors, backward errors, DOT pictures and the backward trace can then say
 * "created at model.c:42".  Because the site is scoped:
 *   - in a nested expression spread over lines, each op gets its own line:
 *     an inner call ends before the outer function runs, and gives the outer
 *     call its site back;
 *   - ops that a wrapped function runs for you (the layers of
 *     nb_model_forward, the ops inside nb_cross_entropy_loss, a loss given to
 *     nb_train) carry that function's line; ops inside your own callbacks
 *     carry their own lines;
 *   - a call made without a macro (through a function pointer, or with the
 *     macros off) records no site, never the previous call's;
 *   - a call that fails gives the site back like any other.
 * Taking a function's address (nb_tanh without parentheses) still gives the
 * function.  The sites live on a small stack per thread: beyond
 * NB_SITE_MAX_DEPTH nested calls, a call still records its own site, but an
 * outer call past the bound records none once a call inside it has returned.
 * The order in which C evaluates a call's arguments is open; GCC and Clang
 * evaluate one argument completely before the next, which keeps the sites of
 * sibling calls (nb_add(nb_mul(a, b), nb_tanh(c))) apart.  The macros are
 * valid C++ too.
 *
 * Included last by <nabla.h>.  Not active inside the library (which defines
 * NB_BUILDING_LIBRARY, so its internal calls keep the user's site), nor when
 * the user defines NB_NO_CALL_SITES before including <nabla.h>.
 *
 * tests/check_sites.sh (run by `make check`) fails when a node-recording
 * function of a public header has no macro here, or one of the wrong form.
 */
#ifndef NABLA_SITES_H
#define NABLA_SITES_H

#if !defined(NB_BUILDING_LIBRARY) && !defined(NB_NO_CALL_SITES)

#include "nabla/autograd.h"

/* For functions returning nb_tensor *, and for those returning an int status. */
#define NB_AT_SITE_(call) (nb_site_enter(__FILE__, __LINE__), nb_site_leave_tensor(call))
#define NB_AT_SITE_INT_(call) (nb_site_enter(__FILE__, __LINE__), nb_site_leave_int(call))

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
#define nb_erf(...)             NB_AT_SITE_(nb_erf(__VA_ARGS__))
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
#define nb_where(...)           NB_AT_SITE_(nb_where(__VA_ARGS__))
#define nb_greater(...)         NB_AT_SITE_(nb_greater(__VA_ARGS__))
#define nb_greater_equal(...)   NB_AT_SITE_(nb_greater_equal(__VA_ARGS__))
#define nb_less(...)            NB_AT_SITE_(nb_less(__VA_ARGS__))
#define nb_less_equal(...)      NB_AT_SITE_(nb_less_equal(__VA_ARGS__))
#define nb_equal(...)           NB_AT_SITE_(nb_equal(__VA_ARGS__))
#define nb_sign(...)            NB_AT_SITE_(nb_sign(__VA_ARGS__))
#define nb_cast(...)            NB_AT_SITE_(nb_cast(__VA_ARGS__))
#define nb_gelu(...)            NB_AT_SITE_(nb_gelu(__VA_ARGS__))
#define nb_dropout(...)         NB_AT_SITE_(nb_dropout(__VA_ARGS__))

/* ops_nn.h */
#define nb_softmax(...)         NB_AT_SITE_(nb_softmax(__VA_ARGS__))
#define nb_log_softmax(...)     NB_AT_SITE_(nb_log_softmax(__VA_ARGS__))
#define nb_mse_loss(...)        NB_AT_SITE_(nb_mse_loss(__VA_ARGS__))
#define nb_cross_entropy_loss(...) NB_AT_SITE_(nb_cross_entropy_loss(__VA_ARGS__))
#define nb_nll_loss(...)        NB_AT_SITE_(nb_nll_loss(__VA_ARGS__))
#define nb_bce_with_logits_loss(...) NB_AT_SITE_(nb_bce_with_logits_loss(__VA_ARGS__))
#define nb_layer_norm(...)      NB_AT_SITE_(nb_layer_norm(__VA_ARGS__))
#define nb_batch_norm(...)      NB_AT_SITE_(nb_batch_norm(__VA_ARGS__))

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
#define nb_var_axis(...)        NB_AT_SITE_(nb_var_axis(__VA_ARGS__))
#define nb_std_axis(...)        NB_AT_SITE_(nb_std_axis(__VA_ARGS__))

/* ops_shape.h */
#define nb_transpose(...)       NB_AT_SITE_(nb_transpose(__VA_ARGS__))
#define nb_permute(...)         NB_AT_SITE_(nb_permute(__VA_ARGS__))
#define nb_concat(...)          NB_AT_SITE_(nb_concat(__VA_ARGS__))
#define nb_slice(...)           NB_AT_SITE_(nb_slice(__VA_ARGS__))
#define nb_gather_rows(...)     NB_AT_SITE_(nb_gather_rows(__VA_ARGS__))
#define nb_flatten(...)         NB_AT_SITE_(nb_flatten(__VA_ARGS__))
#define nb_unsqueeze(...)       NB_AT_SITE_(nb_unsqueeze(__VA_ARGS__))
#define nb_squeeze(...)         NB_AT_SITE_(nb_squeeze(__VA_ARGS__))
#define nb_stack(...)           NB_AT_SITE_(nb_stack(__VA_ARGS__))
#define nb_split_sizes(...)     NB_AT_SITE_INT_(nb_split_sizes(__VA_ARGS__))
#define nb_chunk(...)           NB_AT_SITE_INT_(nb_chunk(__VA_ARGS__))
#define nb_pad(...)             NB_AT_SITE_(nb_pad(__VA_ARGS__))

/* ops_conv.h */
#define nb_conv2d(...)          NB_AT_SITE_(nb_conv2d(__VA_ARGS__))
#define nb_conv1d(...)          NB_AT_SITE_(nb_conv1d(__VA_ARGS__))
#define nb_unfold(...)          NB_AT_SITE_(nb_unfold(__VA_ARGS__))
#define nb_fold(...)            NB_AT_SITE_(nb_fold(__VA_ARGS__))
#define nb_max_pool2d(...)      NB_AT_SITE_(nb_max_pool2d(__VA_ARGS__))
#define nb_avg_pool2d(...)      NB_AT_SITE_(nb_avg_pool2d(__VA_ARGS__))
#define nb_global_avg_pool2d(...) NB_AT_SITE_(nb_global_avg_pool2d(__VA_ARGS__))

/* nn.h */
#define nb_activate(...)        NB_AT_SITE_(nb_activate(__VA_ARGS__))
#define nb_model_forward(...)   NB_AT_SITE_(nb_model_forward(__VA_ARGS__))
#define nb_model_jacobian(...)  NB_AT_SITE_INT_(nb_model_jacobian(__VA_ARGS__))

/* rnn.h */
#define nb_rnn_cell(...)        NB_AT_SITE_(nb_rnn_cell(__VA_ARGS__))
#define nb_lstm_cell(...)       NB_AT_SITE_INT_(nb_lstm_cell(__VA_ARGS__))
#define nb_gru_cell(...)        NB_AT_SITE_(nb_gru_cell(__VA_ARGS__))

/* custom_op.h */
#define nb_custom_op_apply(...) NB_AT_SITE_(nb_custom_op_apply(__VA_ARGS__))
#define nb_custom_call(...)     NB_AT_SITE_(nb_custom_call(__VA_ARGS__))

/* verify.h: the graphs they record on the way (fn's own ops keep their lines) */
#define nb_jacobian(...)        NB_AT_SITE_(nb_jacobian(__VA_ARGS__))
#define nb_hessian(...)         NB_AT_SITE_(nb_hessian(__VA_ARGS__))
#define nb_hvp(...)             NB_AT_SITE_(nb_hvp(__VA_ARGS__))
#define nb_gradcheck(...)       NB_AT_SITE_INT_(nb_gradcheck(__VA_ARGS__))
#define nb_gradgradcheck(...)   NB_AT_SITE_INT_(nb_gradgradcheck(__VA_ARGS__))
#define nb_vjp(...)             NB_AT_SITE_INT_(nb_vjp(__VA_ARGS__))
#define nb_jvp(...)             NB_AT_SITE_INT_(nb_jvp(__VA_ARGS__))
#define nb_check_grad(...)      NB_AT_SITE_INT_(nb_check_grad(__VA_ARGS__))
#define nb_check_grad_f64(...)  NB_AT_SITE_INT_(nb_check_grad_f64(__VA_ARGS__))

/* autograd.h: a create-graph pass (its nodes point at the forward op they
 * come from) */
#define nb_grad(...)            NB_AT_SITE_INT_(nb_grad(__VA_ARGS__))

/* train.h: the forward passes and losses of training */
#define nb_train(...)           NB_AT_SITE_INT_(nb_train(__VA_ARGS__))

/* train_lm.h: the Jacobians and forward passes of Levenberg–Marquardt */
#define nb_trainlm(...)         NB_AT_SITE_INT_(nb_trainlm(__VA_ARGS__))
#define nb_trainbr(...)         NB_AT_SITE_INT_(nb_trainbr(__VA_ARGS__))
/* train_gd.h: the forward and backward passes of gradient descent */
#define nb_traingd(...)         NB_AT_SITE_INT_(nb_traingd(__VA_ARGS__))
#define nb_traingdm(...)        NB_AT_SITE_INT_(nb_traingdm(__VA_ARGS__))
#define nb_traingdx(...)        NB_AT_SITE_INT_(nb_traingdx(__VA_ARGS__))
/* train_scg.h: the forward and backward passes of scaled conjugate gradient */
#define nb_trainscg(...)        NB_AT_SITE_INT_(nb_trainscg(__VA_ARGS__))
/* train_net.h: the training function a builder runs */
#define nb_net_train(...)       NB_AT_SITE_INT_(nb_net_train(__VA_ARGS__))
/* dist.h: nb_train on every rank */
#define nb_dist_train(...)      NB_AT_SITE_INT_(nb_dist_train(__VA_ARGS__))
#define nb_dist_trainlm(...)    NB_AT_SITE_INT_(nb_dist_trainlm(__VA_ARGS__))
#define nb_dist_trainbr(...)    NB_AT_SITE_INT_(nb_dist_trainbr(__VA_ARGS__))

#endif /* !NB_BUILDING_LIBRARY && !NB_NO_CALL_SITES */
#endif
