/* Unary elementwise loops: the switch sits outside the loop so that each
 * loop is a plain map over contiguous memory. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "kernels/unary.h"

#define NB_UNARY_BODY(T, TANH)                                                      \
    switch (kind) {                                                                 \
    case NB_UN_NEG: for (int64_t i = 0; i < n; i++) out[i] = -in[i]; break;          \
    case NB_UN_SQUARE: for (int64_t i = 0; i < n; i++) out[i] = in[i] * in[i]; break; \
    case NB_UN_TANH: for (int64_t i = 0; i < n; i++) out[i] = TANH(in[i]); break;     \
    case NB_UN_ADD_SCALAR: {                                                        \
        T c = (T)p0;                                                                \
        for (int64_t i = 0; i < n; i++) out[i] = in[i] + c;                          \
        break;                                                                      \
    }                                                                               \
    case NB_UN_MUL_SCALAR: {                                                        \
        T c = (T)p0;                                                                \
        for (int64_t i = 0; i < n; i++) out[i] = in[i] * c;                          \
        break;                                                                      \
    }                                                                               \
    case NB_UN_COUNT: break;                                                        \
    }

void nb_k_unary_f32(nb_unary_kind kind, int64_t n, const float *in, float *out, double p0, double p1)
{
    (void)p1;
    NB_UNARY_BODY(float, tanhf)
}

void nb_k_unary_f64(nb_unary_kind kind, int64_t n, const double *in, double *out, double p0,
                    double p1)
{
    (void)p1;
    NB_UNARY_BODY(double, tanh)
}
