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
 * cancellation; exp by 2^n e^r with n = round(t / ln 2), r = t - n ln 2
 * (ln 2 split in two for an exact product) and e^r a degree-6 polynomial.
 * |x| is clamped to 9.5 first, where tanh already rounds to 1. */
#ifndef NB_KERNELS_FAST_TANH_H
#define NB_KERNELS_FAST_TANH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

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
    float t = -2.0f * c;
    /* round t / ln 2 to an integer by adding and removing 1.5 * 2^23 */
    float n = (t * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = t - n * 0.693145751953125f;        /* ln 2, first 16 bits: n * hi is exact */
    r = r - n * 1.428606765330187045e-06f;       /* ln 2 - hi */
    float q = 0.0013751407386735082f;
    q = q * r + 0.008368915878236294f;
    q = q * r + 0.04166953265666962f;
    q = q * r + 0.166665181517601f;
    q = q * r + 0.49999988079071045f;
    float er = 1.0f + r + r * r * q;
    /* 2^n for n in [-28, 0]: an exponent field built by integer arithmetic */
    int32_t bits = ((int32_t)n + 127) * (1 << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float e = er * scale;
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
