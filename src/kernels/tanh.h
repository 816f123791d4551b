/* tanh over raw buffers, the one map a tanh (tansig) network runs on every
 * hidden activation, so it has kernels of its own: f32 uses the vectorisable
 * nb__tanhf (kernels/fast_tanh.h) with AVX2 and AVX-512 builds of its loop
 * picked at run time, f64 keeps libm's tanh, which gradient checks in f64
 * rely on.  Both follow the map convention of kernels/elementwise.h, so the
 * tanh op names them in its descriptor; params is unused. */
#ifndef NB_KERNELS_TANH_H
#define NB_KERNELS_TANH_H

#include <stdint.h>

void nb_k_tanh_f32(int64_t n, const float *in, float *out, const void *params);
void nb_k_tanh_f64(int64_t n, const double *in, double *out, const void *params);

#endif
