/* Binary cross-entropy from logits, in the form that never exponentiates a
 * positive number: exp(-|x|) <= 1. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/loss.h"

void nb_k_bce_logits_f32(int64_t n, const float *x, const float *t, float *out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (x[i] > 0 ? x[i] : 0.0f) - x[i] * t[i] + log1pf(expf(-fabsf(x[i])));
}

void nb_k_bce_logits_f64(int64_t n, const double *x, const double *t, double *out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = (x[i] > 0 ? x[i] : 0.0) - x[i] * t[i] + log1p(exp(-fabs(x[i])));
}
