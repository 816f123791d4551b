/* Elementwise loss terms over raw buffers (f32 and f64).  Nothing here knows
 * about graphs. */
#ifndef NB_KERNELS_LOSS_H
#define NB_KERNELS_LOSS_H

#include <stdint.h>

/* out[i] = max(x, 0) - x*t + log1p(exp(-|x|)): binary cross-entropy of a
 * logit x against a target t in [0, 1], without overflow for any x.  x and
 * t have n elements each (no broadcasting). */
void nb_k_bce_logits_f32(int64_t n, const float *x, const float *t, float *out);
void nb_k_bce_logits_f64(int64_t n, const double *x, const double *t, double *out);

#endif
