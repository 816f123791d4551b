/* Keeping subnormal numbers out of optimizer state.
 *
 * Moments and step sizes decay geometrically (v *= 0.999 each step, delta
 * *= 0.5 on every sign flip); values that reach the subnormal range make
 * every later multiply on them a slow microcoded operation on x86.  The
 * cheapest cure there is the hardware: MXCSR's flush-to-zero (results) and
 * denormals-are-zero (inputs) bits, set for the duration of the step and
 * then restored, so that the caller's own code keeps IEEE behaviour.  On
 * other targets a pass over the state zeroes subnormal values instead. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <float.h>
#include <math.h>

#include "optim/optim_internal.h"

#if defined(__SSE2__) || defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#define NB_HAVE_MXCSR 1
#define NB_MXCSR_FTZ 0x8000u
#define NB_MXCSR_DAZ 0x0040u
#endif

int nb__ftz_hardware(void)
{
#ifdef NB_HAVE_MXCSR
    return 1;
#else
    return 0;
#endif
}

void nb__ftz_begin(nb_fpenv *saved)
{
#ifdef NB_HAVE_MXCSR
    saved->csr = _mm_getcsr();
    _mm_setcsr(saved->csr | NB_MXCSR_FTZ | NB_MXCSR_DAZ);
#else
    saved->csr = 0;
#endif
}

void nb__ftz_end(const nb_fpenv *saved)
{
#ifdef NB_HAVE_MXCSR
    _mm_setcsr(saved->csr);
#else
    (void)saved;
#endif
}

void nb__flush_subnormals(nb_dtype dtype, void *buf, int64_t n)
{
    if (dtype == NB_F32) {
        float *x = buf;
        for (int64_t i = 0; i < n; i++)
            if (fabsf(x[i]) < FLT_MIN)
                x[i] = 0.0f;
    } else {
        double *x = buf;
        for (int64_t i = 0; i < n; i++)
            if (fabs(x[i]) < DBL_MIN)
                x[i] = 0.0;
    }
}
