/* Elementwise unary maps over raw buffers (f32 and f64).  Each kind is one
 * loop the compiler can vectorise; p0/p1 are the kind's scalar parameters. */
#ifndef NB_KERNELS_UNARY_H
#define NB_KERNELS_UNARY_H

#include <stdint.h>

typedef enum nb_unary_kind {
    NB_UN_NEG,        /* -x */
    NB_UN_SQUARE,     /* x*x */
    NB_UN_TANH,       /* tanh x */
    NB_UN_ADD_SCALAR, /* x + p0 */
    NB_UN_MUL_SCALAR, /* x * p0 */
    NB_UN_COUNT
} nb_unary_kind;

void nb_k_unary_f32(nb_unary_kind kind, int64_t n, const float *in, float *out, double p0, double p1);
void nb_k_unary_f64(nb_unary_kind kind, int64_t n, const double *in, double *out, double p0,
                    double p1);

#endif
