/* Reductions along one axis of an [outer, n, inner] view: sums, extrema,
 * log-sum-exp and softmax.  Each slice in[o, :, i] is walked with stride
 * `inner`; for the common inner == 1 case (the last axis) that is a
 * contiguous row.  The loops are written once in reduce_tmpl.h and
 * instantiated for float and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "kernels/exp.h"
#include "kernels/fast_exp.h"
#include "kernels/reduce.h"

/* sum_j e^(x[j inner] - m) over a slice, each term also stored in y[j inner]
 * unless y is NULL: the exponentials of log-sum-exp and softmax.  f32 runs
 * the vectorised exp of kernels/exp.c on contiguous rows (libm's scalar expf
 * per element was the cost of softmax and cross-entropy) and sums in double;
 * f64 stays on libm. */
static double nb_exp_sum_f32(int64_t n, int64_t inner, const float *x, double m, float *y)
{
    if (inner == 1)
        return nb_k_exp_shift_sum_f32(n, x, (float)m, y);
    double s = 0;
    for (int64_t j = 0; j < n; j++) {
        float e = nb__expf(x[j * inner] - (float)m);
        if (y)
            y[j * inner] = e;
        s += e;
    }
    return s;
}

static double nb_exp_sum_f64(int64_t n, int64_t inner, const double *x, double m, double *y)
{
    double s = 0;
    for (int64_t j = 0; j < n; j++) {
        double e = exp(x[j * inner] - m);
        if (y)
            y[j * inner] = e;
        s += e;
    }
    return s;
}

#define NB_TMPL "kernels/reduce_tmpl.h"
#include "kernels/instantiate.h"
