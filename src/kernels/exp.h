/* f32 exp, log and sigmoid over raw buffers, vectorised (kernels/fast_exp.h)
 * with a portable loop and an AVX2+FMA one picked by the CPU at run time, as
 * the tanh kernels are.  The maps follow the convention of
 * kernels/elementwise.h (params unused), so the exp, log and sigmoid ops name
 * them in their descriptors; f64 stays on libm, which gradient checks in f64
 * rely on. */
#ifndef NB_KERNELS_EXP_H
#define NB_KERNELS_EXP_H

#include <stdbool.h>
#include <stdint.h>

/* out[i] = e^in[i], log in[i], 1 / (1 + e^-in[i]) for i < n. */
void nb_k_exp_f32(int64_t n, const float *in, float *out, const void *params);
void nb_k_log_f32(int64_t n, const float *in, float *out, const void *params);
void nb_k_sigmoid_f32(int64_t n, const float *in, float *out, const void *params);

/* sum of e^(in[i] - shift) for i < n, accumulated in double; each term is
 * also stored in out[i] unless out is NULL (softmax and log-sum-exp rows). */
double nb_k_exp_shift_sum_f32(int64_t n, const float *in, float shift, float *out);

/* The variants by name, for tests and the accuracy tool: which is one of
 * the functions above (NB_K_FAST_EXP, NB_K_FAST_LOG, NB_K_FAST_SIGMOID),
 * fused selects the AVX2+FMA loop.  Returns false, writing nothing, when
 * fused is asked for on a CPU (or build) without AVX2 and FMA. */
typedef enum nb_k_fast_fn { NB_K_FAST_EXP, NB_K_FAST_LOG, NB_K_FAST_SIGMOID } nb_k_fast_fn;
bool nb_k_fast_f32_variant(nb_k_fast_fn which, bool fused, int64_t n, const float *in, float *out);

/* Whether this CPU and build run the AVX2+FMA loops. */
bool nb_k_fast_has_fma(void);

#endif
