/* Elementwise unary maps over raw buffers (f32 and f64).  Each kind is one
 * loop the compiler can vectorise; p0/p1 are the kind's scalar parameters.
 * The maps are written to stay finite where the function is: sigmoid and
 * softplus never evaluate exp of a large positive number. */
#ifndef NB_KERNELS_UNARY_H
#define NB_KERNELS_UNARY_H

#include <stdint.h>

typedef enum nb_unary_kind {
    NB_UN_NEG,        /* -x */
    NB_UN_SQUARE,     /* x*x */
    NB_UN_TANH,       /* tanh x */
    NB_UN_ADD_SCALAR, /* x + p0 */
    NB_UN_MUL_SCALAR, /* x * p0 */
    NB_UN_EXP,        /* e^x */
    NB_UN_LOG,        /* natural log (x < 0 gives NaN, 0 gives -inf) */
    NB_UN_SQRT,       /* sqrt x (x < 0 gives NaN) */
    NB_UN_ABS,        /* |x| */
    NB_UN_POW_SCALAR, /* x^p0 (C pow: negative x with non-integer p0 gives NaN) */
    NB_UN_SIGMOID,    /* 1 / (1 + e^-x), through e^-|x| */
    NB_UN_RELU,       /* x < 0 ? 0 : x (NaN stays NaN) */
    NB_UN_LEAKY_RELU, /* x < 0 ? p0*x : x */
    NB_UN_SOFTPLUS,   /* log(1 + e^x) = max(x, 0) + log1p(e^-|x|) */
    NB_UN_SIN,        /* sin x */
    NB_UN_COS,        /* cos x */
    NB_UN_CLAMP,      /* x < p0 ? p0 : x > p1 ? p1 : x (NaN stays NaN) */
    NB_UN_SIGN,       /* 1, -1, or x itself for ±0 and NaN */
    NB_UN_COUNT
} nb_unary_kind;

void nb_k_unary_f32(nb_unary_kind kind, int64_t n, const float *in, float *out, double p0, double p1);
void nb_k_unary_f64(nb_unary_kind kind, int64_t n, const double *in, double *out, double p0,
                    double p1);

/* dtype conversion of n elements (f64 -> f32 rounds to nearest). */
void nb_k_convert_f32_f64(int64_t n, const float *in, double *out);
void nb_k_convert_f64_f32(int64_t n, const double *in, float *out);

#endif
