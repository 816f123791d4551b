/* Body of the elementwise loops for one element type, instantiated for f32
 * and f64 by elementwise_loops.h through kernels/instantiate.h (T, SFX,
 * FN).  Turns each row of the including file's NB_MAPS, NB_ZIPS and
 * NB_ZIP3S lists into one loop.  Not a public header: no include guard on
 * purpose. */

#ifdef NB_MAPS
#define NB__MAP_ROW(name, PT, expr)                                                          \
    static void FN(nb_##name##_map_)(int64_t n, const T *restrict in, T *restrict out,       \
                                     const void *params)                                     \
    {                                                                                        \
        const PT *p = params;                                                                \
        (void)p;                                                                             \
        NB_SIMD                                                                              \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T x = in[i];                                                                     \
            out[i] = (T)(expr);                                                              \
        }                                                                                    \
    }
NB_MAPS(NB__MAP_ROW)
#undef NB__MAP_ROW
#endif

#ifdef NB_ZIPS
#define NB__ZIP_ROW(name, PT, expr)                                                          \
    static void FN(nb_##name##_zip_)(int64_t n, const T *const *in, const int64_t *st,       \
                                     T *restrict out, const void *params)                    \
    {                                                                                        \
        const PT *p = params;                                                                \
        (void)p;                                                                             \
        const T *restrict in_a = in[0], *restrict in_b = in[1];                              \
        int64_t sa = st[0], sb = st[1];                                                      \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T a = in_a[i * sa], b = in_b[i * sb];                                            \
            out[i] = (T)(expr);                                                              \
        }                                                                                    \
    }
NB_ZIPS(NB__ZIP_ROW)
#undef NB__ZIP_ROW
#endif

#ifdef NB_ZIP3S
#define NB__ZIP3_ROW(name, PT, expr)                                                         \
    static void FN(nb_##name##_zip_)(int64_t n, const T *const *in, const int64_t *st,       \
                                     T *restrict out, const void *params)                    \
    {                                                                                        \
        const PT *p = params;                                                                \
        (void)p;                                                                             \
        const T *restrict in_a = in[0], *restrict in_b = in[1], *restrict in_c = in[2];      \
        int64_t sa = st[0], sb = st[1], sc = st[2];                                          \
        for (int64_t i = 0; i < n; i++) {                                                    \
            T a = in_a[i * sa], b = in_b[i * sb], c = in_c[i * sc];                          \
            out[i] = (T)(expr);                                                              \
        }                                                                                    \
    }
NB_ZIP3S(NB__ZIP3_ROW)
#undef NB__ZIP3_ROW
#endif
