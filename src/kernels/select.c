/* take / put along an axis and block copies.  The inner loop runs over the
 * contiguous `inner` positions so row lookups (embeddings) are plain copies. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "kernels/select.h"

#define NB_SELECT_KERNELS(T, SUF)                                                             \
    void nb_k_take_##SUF(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner, \
                         const T *x, const T *idx, T *out)                                    \
    {                                                                                         \
        for (int64_t o = 0; o < outer; o++)                                                   \
            for (int64_t j = 0; j < k; j++) {                                                 \
                T *dst = out + (o * k + j) * inner;                                           \
                const T *src = x + o * n * inner;                                             \
                if (bcast_inner) {                                                            \
                    const T *row = src + (int64_t)idx[o * k + j] * inner;                     \
                    for (int64_t i = 0; i < inner; i++)                                       \
                        dst[i] = row[i];                                                      \
                } else {                                                                      \
                    const T *ix = idx + (o * k + j) * inner;                                  \
                    for (int64_t i = 0; i < inner; i++)                                       \
                        dst[i] = src[(int64_t)ix[i] * inner + i];                             \
                }                                                                             \
            }                                                                                 \
    }                                                                                         \
                                                                                              \
    void nb_k_put_##SUF(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,  \
                        const T *g, const T *idx, T *out)                                     \
    {                                                                                         \
        memset(out, 0, sizeof(T) * (size_t)(outer * n * inner));                              \
        for (int64_t o = 0; o < outer; o++)                                                   \
            for (int64_t j = 0; j < k; j++) {                                                 \
                const T *src = g + (o * k + j) * inner;                                       \
                T *dst = out + o * n * inner;                                                 \
                if (bcast_inner) {                                                            \
                    T *row = dst + (int64_t)idx[o * k + j] * inner;                           \
                    for (int64_t i = 0; i < inner; i++)                                       \
                        row[i] += src[i];                                                     \
                } else {                                                                      \
                    const T *ix = idx + (o * k + j) * inner;                                  \
                    for (int64_t i = 0; i < inner; i++)                                       \
                        dst[(int64_t)ix[i] * inner + i] += src[i];                            \
                }                                                                             \
            }                                                                                 \
    }

NB_SELECT_KERNELS(float, f32)
NB_SELECT_KERNELS(double, f64)

void nb_k_copy_blocks(int64_t count, size_t bytes, const void *src, size_t src_stride, void *dst,
                      size_t dst_stride)
{
    if (!bytes)
        return;
    const char *s = src;
    char *d = dst;
    for (int64_t b = 0; b < count; b++)
        memcpy(d + (size_t)b * dst_stride, s + (size_t)b * src_stride, bytes);
}
