/* nabla: a float's bits as the signed integer of its width, and back, for
 * branch-free selects and for the exponent arithmetic of the fast math
 * kernels.  memcpy is the defined way to reinterpret; it compiles to a
 * register move.  Named by type suffix so the kernel templates can reach
 * them through FN(). */
#ifndef NABLA_KERNELS_BITS_H
#define NABLA_KERNELS_BITS_H

#include <stdint.h>
#include <string.h>

typedef int32_t nb_k_ibits_f32;
typedef int64_t nb_k_ibits_f64;

static inline int32_t nb_k_bits_f32(float v)
{
    int32_t i;
    memcpy(&i, &v, sizeof i);
    return i;
}
static inline float nb_k_from_bits_f32(int32_t i)
{
    float v;
    memcpy(&v, &i, sizeof v);
    return v;
}
static inline int64_t nb_k_bits_f64(double v)
{
    int64_t i;
    memcpy(&i, &v, sizeof i);
    return i;
}
static inline double nb_k_from_bits_f64(int64_t i)
{
    double v;
    memcpy(&v, &i, sizeof v);
    return v;
}

#endif
