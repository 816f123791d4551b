/* Branch-free single-precision exp, log and sigmoid that compilers turn into
 * vector code (libm's expf and logf are a scalar call per element, the cost
 * of softmax, cross-entropy and every sigmoid gate).  Accuracy, checked over
 * all 2^32 floats against double libm by bench/exp_accuracy.c: exp and log
 * within 1 ulp, sigmoid within 3.  Like libm they give exp(-inf) = 0,
 * exp(+inf) = +inf, log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf, keep
 * NaN, overflow to inf and underflow through the subnormals to 0.
 *
 * Each helper takes `fused`, a constant after inlining: 1 in loops built for
 * FMA hardware, where the multiply-adds become single-rounding FMAs (more
 * accurate and fewer instructions), 0 elsewhere (plain multiply and add;
 * ISO C mode never contracts them, so the portable build needs no fmaf).
 *
 * exp: x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2,
 * e^r a polynomial, times 2^n built in the exponent field.  nb__expf_core
 * does it in float (ln 2 in two parts so that n * hi is exact, e^r =
 * 1 + r + r² Q(r) with Q of degree 4): about 1 ulp, for tanh and sigmoid,
 * whose bounds are wider.  nb__expf_ does it in double (degree 8) and rounds
 * once to float, for exp itself: within 1 ulp, and overflow and subnormal
 * results are rounded once as well.
 *
 * log: x = 2^k m with m in [sqrt(1/2), sqrt(2)); log x = k ln 2 + log1p(f),
 * f = m - 1 exact.  It is evaluated in double (the series to s^11 in
 * s = f / (2 + f): log1p f = 2 atanh s), rounded once to float: a float
 * evaluation of k ln 2 + log1p f loses up to an ulp to the final sum alone. */
#ifndef NB_KERNELS_FAST_EXP_H
#define NB_KERNELS_FAST_EXP_H

#include <stdint.h>
#include <string.h>

#include "kernels/bits.h"

/* a * b + c, fused (one rounding) when `fused` */
#define NB__MADDF(fused, a, b, c) ((fused) ? __builtin_fmaf((a), (b), (c)) : (a) * (b) + (c))
#define NB__MADD(fused, a, b, c) ((fused) ? __builtin_fma((a), (b), (c)) : (a) * (b) + (c))

/* From an unsigned bit pattern (what the exponent arithmetic builds). */
static inline float nb__f32_from_bits(uint32_t b)
{
    return nb_k_from_bits_f32((int32_t)b);
}

/* e^x for x in [-110, 110] (callers clamp). */
static inline float nb__expf_core(float x, int fused)
{
    /* n = round(x / ln 2) by adding 1.5 * 2^23: the sum's low mantissa bits
     * are n, read as an integer (no float-to-int conversion, which is not
     * vector code on every target) */
    const float shifter = 12582912.0f;
    float t = NB__MADDF(fused, x, 1.44269504088896341f, shifter);
    int32_t n = nb_k_bits_f32(t) - nb_k_bits_f32(shifter);
    float fn = t - shifter;
    float r = NB__MADDF(fused, fn, -0.693145751953125f, x);   /* ln 2, first 16 bits */
    r = NB__MADDF(fused, fn, -1.428606765330187045e-06f, r);  /* ln 2 - hi */
    float q = 0.0013751407386735082f;
    q = NB__MADDF(fused, q, r, 0.008368915878236294f);
    q = NB__MADDF(fused, q, r, 0.04166953265666962f);
    q = NB__MADDF(fused, q, r, 0.166665181517601f);
    q = NB__MADDF(fused, q, r, 0.49999988079071045f);
    /* 1 + (r + r² q): the small part first, then one rounding near 1 */
    float er = 1.0f + NB__MADDF(fused, r * r, q, r);
    /* 2^n = 2^n1 2^n2, each half a normal power of two for n in [-159, 159] */
    int32_t n1 = n / 2, n2 = n - n1;
    float s1 = nb__f32_from_bits((uint32_t)(n1 + 127) << 23);
    float s2 = nb__f32_from_bits((uint32_t)(n2 + 127) << 23);
    return (er * s1) * s2;
}

/* a where the mask m is all ones, b where it is zero.  Selects on bits,
 * not on float comparisons: with a float comparison the compiler branches
 * (to a folded constant, say) and then gives up on vector code. */
static inline float nb__selectf(uint32_t m, float a, float b)
{
    uint32_t ua, ub;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = (ua & m) | (ub & ~m);
    memcpy(&a, &ua, sizeof a);
    return a;
}

/* e^x over all floats in float arithmetic: up to 1.013 ulp over all floats
 * (the roundings of r + r² q and of 1 + that can add up past 1), used where
 * the bound is wider (sigmoid; tanh runs the core). */
static inline float nb__expf_fast_(float x, int fused)
{
    /* |x| clamped to 110 on the bits (for |x| >= 0 their order is that of the
     * values; inf and NaN are above): past it e^x is inf or 0, as for ±inf */
    uint32_t ux = (uint32_t)nb_k_bits_f32(x), ua = ux & 0x7fffffffu, lim = 0x42dc0000u; /* 110 */
    uint32_t uc = (ua < lim ? ua : lim) | (ux & 0x80000000u);
    float r = nb__expf_core(nb__f32_from_bits(uc), fused);
    /* NaN: x itself (x + x quiets a signalling one) */
    return nb__selectf(0u - (uint32_t)(ua > 0x7f800000u), x + x, r);
}

/* e^x over all floats, within 1 ulp: the same reduction evaluated in
 * double (e^r to degree 8, error below 1e-10) and rounded once to float,
 * which also rounds overflow to inf and subnormal results once. */
static inline float nb__expf_(float x, int fused)
{
    uint32_t ux = (uint32_t)nb_k_bits_f32(x), ua = ux & 0x7fffffffu, lim = 0x42dc0000u; /* 110 */
    uint32_t uc = (ua < lim ? ua : lim) | (ux & 0x80000000u);
    double xd = (double)nb__f32_from_bits(uc);
    /* n = round(x / ln 2) by adding 1.5 * 2^52, read from the low bits */
    const double shifter = 6755399441055744.0;
    double t = NB__MADD(fused, xd, 1.4426950408889634074, shifter);
    uint64_t tb, sb;
    memcpy(&tb, &t, sizeof tb);
    memcpy(&sb, &shifter, sizeof sb);
    double fn = t - shifter;
    double r = NB__MADD(fused, fn, -0.6931471805599453094, xd); /* |n| <= 159: error ~1e-14 */
    double p = 1.0 / 40320;
    p = NB__MADD(fused, p, r, 1.0 / 5040);
    p = NB__MADD(fused, p, r, 1.0 / 720);
    p = NB__MADD(fused, p, r, 1.0 / 120);
    p = NB__MADD(fused, p, r, 1.0 / 24);
    p = NB__MADD(fused, p, r, 1.0 / 6);
    p = NB__MADD(fused, p, r, 0.5);
    p = NB__MADD(fused, p, r, 1.0);
    p = NB__MADD(fused, p, r, 1.0);
    /* 2^n in the exponent field (tb - sb is n, in two's complement) */
    uint64_t bits = (tb - sb + 1023u) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    float out = (float)(p * scale);
    return nb__selectf(0u - (uint32_t)(ua > 0x7f800000u), x + x, out);
}

/* log x over all floats. */
static inline float nb__logf_(float x, int fused)
{
    uint32_t ux = (uint32_t)nb_k_bits_f32(x);
    /* positive subnormals are scaled by 2^23 first (exact), remembered in k;
     * the special inputs (<= 0, inf, NaN) are replaced by 1 and their
     * results chosen at the end */
    uint32_t sub = 0u - (uint32_t)(ux - 1u < 0x007fffffu);
    uint32_t finite = sub | (0u - (uint32_t)(ux - 0x00800000u < 0x7f000000u));
    float xs = nb__selectf(sub, x * 8388608.0f, x);
    xs = nb__selectf(finite, xs, 1.0f);
    uint32_t is = (uint32_t)nb_k_bits_f32(xs);
    /* m in [sqrt(1/2), sqrt(2)): move the exponent by that of sqrt(1/2) */
    int32_t off = (int32_t)is - 0x3f3504f3;
    int32_t e = off >> 23; /* floor: GCC and Clang shift signed values arithmetically */
    float m = nb__f32_from_bits(is - ((uint32_t)e << 23));
    int32_t k = e - (int32_t)(sub & 23u);
    double f = (double)m - 1.0;
    double s = f / (2.0 + f), z = s * s;
    /* log1p f = 2 atanh s = 2 s (1 + z/3 + z²/5 + ...): |s| <= 0.172, so
     * the terms to z^5 leave a relative error below 1e-10 */
    double p = 1.0 / 11;
    p = NB__MADD(fused, p, z, 1.0 / 9);
    p = NB__MADD(fused, p, z, 1.0 / 7);
    p = NB__MADD(fused, p, z, 1.0 / 5);
    p = NB__MADD(fused, p, z, 1.0 / 3);
    double l1p = NB__MADD(fused, 2.0 * s * z, p, 2.0 * s);
    float out = (float)NB__MADD(fused, (double)k, 0.6931471805599453094, l1p);
    /* the special results: ±0 gives -inf, negatives (-inf too) NaN, +inf
     * and NaN x itself (x + x quiets a signalling NaN) */
    uint32_t zero = 0u - (uint32_t)((ux & 0x7fffffffu) == 0);
    uint32_t neg = 0u - (uint32_t)(ux - 0x80000001u < 0x7f800000u);
    float spec = nb__selectf(zero, -__builtin_inff(), nb__selectf(neg, __builtin_nanf(""), x + x));
    return nb__selectf(finite, out, spec);
}

/* 1 / (1 + e^-x) over all floats, from e = e^-|x| in (0, 1] so nothing
 * overflows: 1 / (1 + e) for x >= 0 and e / (1 + e) below (no cancellation
 * of 1 - tiny).  One division either way. */
static inline float nb__sigmoidf_(float x, int fused)
{
    uint32_t ux = (uint32_t)nb_k_bits_f32(x);
    float e = nb__expf_fast_(nb__f32_from_bits(ux | 0x80000000u), fused);
    float num = nb__selectf(0u - (ux >> 31), e, 1.0f);
    return num / (1.0f + e);
}

/* The portable forms, for single values. */
static inline float nb__expf(float x) { return nb__expf_(x, 0); }
static inline float nb__logf(float x) { return nb__logf_(x, 0); }
static inline float nb__sigmoidf(float x) { return nb__sigmoidf_(x, 0); }

#endif
