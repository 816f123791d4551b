/* Body of take and put along an axis for one element type, instantiated
 * for f32 and f64 by select.c through kernels/instantiate.h (T, SFX, FN).
 * Not a public header: no include guard on purpose. */

void FN(nb_k_take_)(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                    const T *x, const T *idx, T *out)
{
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < k; j++) {
            T *dst = out + (o * k + j) * inner;
            const T *src = x + o * n * inner;
            if (bcast_inner) {
                const T *row = src + (int64_t)idx[o * k + j] * inner;
                for (int64_t i = 0; i < inner; i++)
                    dst[i] = row[i];
            } else {
                const T *ix = idx + (o * k + j) * inner;
                for (int64_t i = 0; i < inner; i++)
                    dst[i] = src[(int64_t)ix[i] * inner + i];
            }
        }
}

void FN(nb_k_put_)(int64_t outer, int64_t n, int64_t k, int64_t inner, bool bcast_inner,
                   const T *g, const T *idx, T *out)
{
    memset(out, 0, sizeof(T) * (size_t)(outer * n * inner));
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < k; j++) {
            const T *src = g + (o * k + j) * inner;
            T *dst = out + o * n * inner;
            if (bcast_inner) {
                T *row = dst + (int64_t)idx[o * k + j] * inner;
                for (int64_t i = 0; i < inner; i++)
                    row[i] += src[i];
            } else {
                const T *ix = idx + (o * k + j) * inner;
                for (int64_t i = 0; i < inner; i++)
                    dst[(int64_t)ix[i] * inner + i] += src[i];
            }
        }
}
