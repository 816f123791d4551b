/* A branch-free single-precision tanh that compilers turn into vector code
 * (libm's tanhf is a scalar call per element, which made it the largest
 * non-GEMM cost of training a tanh network).  Accurate to a few ulp of the
 * correctly rounded result over the whole float range (tests/test_kernels_tanh.c
 * compares it with the double-precision libm tanh); tanh(±0) = ±0,
 * tanh(±inf) = ±1, NaN stays NaN.
 *
 * Method: for |x| < 0.55 an odd polynomial x + x³ P(x²) (P a degree-4
 * least-squares fit of (tanh x - x)/x³ weighted for relative error); above,
 * tanh|x| = (1 - e) / (1 + e) with e = exp(-2|x|) in (0, 0.34], which has no
 * cancellation; e is the exp of kernels/fast_exp.h (its unfused form, so
 * every build of the loop gives the same bits).  |x| is clamped to 9.5
 * first, where tanh already rounds to 1. */
#ifndef NB_KERNELS_FAST_TANH_H
#define NB_KERNELS_FAST_TANH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/fast_exp.h"

static inline float nb__tanhf(float x)
{
    float a = fabsf(x);
    /* small |x|: odd polynomial, exact sign and ±0 from x itself */
    float s = x * x;
    float p = -0.006287662778049707f;
    p = p * s + 0.021082058548927307f;
    p = p * s - 0.05385512113571167f;
    p = p * s + 0.13332617282867432f;
    p = p * s - 0.33333319425582886f;
    float small = copysignf(x + x * s * p, x); /* the sum alone turns -0 into +0 */
    /* large |x|: e = exp(-2|x|), with |x| clamped to 9.5 so the integer
     * conversion below is always in range.  The clamp compares the bits as
     * integers (for a >= 0 their order is the order of the values, and inf
     * and NaN are above 9.5): a float comparison here would let the compiler
     * branch to a folded constant and give up on vector code. */
    int32_t ia, lim = 0x41180000; /* 9.5f */
    memcpy(&ia, &a, sizeof ia);
    ia = ia < lim ? ia : lim;
    float c;
    memcpy(&c, &ia, sizeof c);
    float e = nb__expf_core(-2.0f * c, 0); /* kernels/fast_exp.h, unfused */
    float big = (1.0f - e) / (1.0f + e);
    big = copysignf(big, x);
    /* Pick one by a bit mask, not a branch: the compiler would sink the
     * division into a branch and then could not vectorise the loop.  NaN
     * fails the test, and small is NaN then. */
    uint32_t m = (uint32_t)0 - (uint32_t)(a >= 0.55f), ub, us;
    memcpy(&ub, &big, sizeof ub);
    memcpy(&us, &small, sizeof us);
    us = (ub & m) | (us & ~m);
    memcpy(&small, &us, sizeof small);
    return small;
}

#endif
