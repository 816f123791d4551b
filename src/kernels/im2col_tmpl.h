/* Body of im2col, col2im and max pooling for one element type,
 * instantiated for f32 and f64 by im2col.c through kernels/instantiate.h
 * (T, SFX, FN).  Not a public header: no include guard on purpose. */

/* dst[0..n) = src[0..n) for the short rows of im2col (an output row, often
 * 10 to 30 values): copies of constant sizes (8, 4, 2, 1 values) become
 * plain vector moves, where a memcpy call per row costs more than the copy
 * (and the compiler turns a plain copy loop back into that call). */
static inline void FN(nb_k_copy_short_)(T *restrict dst, const T *restrict src, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        memcpy(dst + i, src + i, 8 * sizeof(T));
    if (i + 4 <= n) {
        memcpy(dst + i, src + i, 4 * sizeof(T));
        i += 4;
    }
    if (i + 2 <= n) {
        memcpy(dst + i, src + i, 2 * sizeof(T));
        i += 2;
    }
    if (i < n)
        dst[i] = src[i];
}

void FN(nb_k_im2col_)(const nb_k_conv_geom *g, const T *x, T *cols)
{
    const int64_t npos = g->oh * g->ow;
    for (int64_t ch = 0; ch < g->c; ch++)
        for (int64_t i = 0; i < g->kh; i++)
            for (int64_t j = 0; j < g->kw; j++) {
                T *row = cols + ((ch * g->kh + i) * g->kw + j) * npos;
                const T *plane = x + ch * g->h * g->w;
                int64_t x0, x1;
                nb_k_valid_range(g->ow, g->sw, j * g->dw - g->pw, g->w, &x0, &x1);
                for (int64_t oy = 0; oy < g->oh; oy++) {
                    T *dst = row + oy * g->ow;
                    int64_t iy = oy * g->sh - g->ph + i * g->dh;
                    if (iy < 0 || iy >= g->h || x0 >= x1) {
                        for (int64_t ox = 0; ox < g->ow; ox++)
                            dst[ox] = 0;
                        continue;
                    }
                    const T *src = plane + iy * g->w + j * g->dw - g->pw;
                    for (int64_t ox = 0; ox < x0; ox++)
                        dst[ox] = 0;
                    if (g->sw == 1)
                        FN(nb_k_copy_short_)(dst + x0, src + x0, x1 - x0);
                    else
                        for (int64_t ox = x0; ox < x1; ox++)
                            dst[ox] = src[ox * g->sw];
                    for (int64_t ox = x1; ox < g->ow; ox++)
                        dst[ox] = 0;
                }
            }
}

void FN(nb_k_col2im_)(const nb_k_conv_geom *g, const T *cols, T *x)
{
    const int64_t npos = g->oh * g->ow;
    memset(x, 0, sizeof(T) * (size_t)(g->c * g->h * g->w));
    for (int64_t ch = 0; ch < g->c; ch++)
        for (int64_t i = 0; i < g->kh; i++)
            for (int64_t j = 0; j < g->kw; j++) {
                const T *row = cols + ((ch * g->kh + i) * g->kw + j) * npos;
                T *plane = x + ch * g->h * g->w;
                int64_t x0, x1;
                nb_k_valid_range(g->ow, g->sw, j * g->dw - g->pw, g->w, &x0, &x1);
                for (int64_t oy = 0; oy < g->oh; oy++) {
                    int64_t iy = oy * g->sh - g->ph + i * g->dh;
                    if (iy < 0 || iy >= g->h)
                        continue;
                    const T *restrict src = row + oy * g->ow;
                    T *restrict dst = plane + iy * g->w + j * g->dw - g->pw;
                    if (g->sw == 1) {
                        NB_SIMD
                        for (int64_t ox = x0; ox < x1; ox++)
                            dst[ox] += src[ox];
                    } else {
                        for (int64_t ox = x0; ox < x1; ox++)
                            dst[ox * g->sw] += src[ox];
                    }
                }
            }
}

/* Without padding every tap is inside the image: no bounds tests. */
static void FN(nb_max_pool2d_inside_)(const nb_k_conv_geom *g, const T *x, T *out, T *idx)
{
    for (int64_t ch = 0; ch < g->c; ch++) {
        const T *plane = x + ch * g->h * g->w;
        T *o = out + ch * g->oh * g->ow, *ix = idx + ch * g->oh * g->ow;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                int64_t start = oy * g->sh * g->w + ox * g->sw, best = start;
                T m = plane[start];
                for (int64_t i = 0; i < g->kh; i++) {
                    const T *row = plane + start + i * g->dh * g->w;
                    for (int64_t j = 0; j < g->kw; j++) {
                        T v = row[j * g->dw];
                        if (v > m || (v != v && m == m)) {
                            m = v;
                            best = start + i * g->dh * g->w + j * g->dw;
                        }
                    }
                }
                o[oy * g->ow + ox] = m;
                ix[oy * g->ow + ox] = (T)best;
            }
    }
}

/* The common 2x2 window, stride 2, no padding or dilation, written with
 * no branch: each choice is a mask (all ones or zero, from a comparison)
 * applied to the values' bits, since a select of floating values stays a
 * branch at -O2, and random data mispredicts it about every other time.
 * The loop over a row's outputs is then one vector loop.  Positions are in
 * the integer type of T's width (the caller checks that a plane fits).
 * Same rules: the first of equal values wins, and so does a NaN. */
static void FN(nb_max_pool2d_2x2_)(const nb_k_conv_geom *g, const T *x, T *out, T *idx)
{
    typedef FN(nb_k_ibits_) I;
    const I w = (I)g->w, ow = (I)g->ow;
    for (int64_t ch = 0; ch < g->c; ch++) {
        const T *plane = x + ch * g->h * g->w;
        for (int64_t oy = 0; oy < g->oh; oy++) {
            const T *restrict r0 = plane + 2 * oy * g->w, *restrict r1 = r0 + g->w;
            T *restrict o = out + (ch * g->oh + oy) * g->ow;
            T *restrict ix = idx + (ch * g->oh + oy) * g->ow;
            const I base = (I)(2 * oy * g->w);
            NB_SIMD
            for (I ox = 0; ox < ow; ox++) {
                /* pairs, then the pair winners: the later one is taken only
                 * when greater, or a NaN over a number (ties and an earlier
                 * NaN stay with the earlier one) */
                T a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
                I tb = -(I)((b > a) | ((b != b) & (a == a)));
                I td = -(I)((d > c) | ((d != d) & (c == c)));
                T m1 = FN(nb_k_from_bits_)((FN(nb_k_bits_)(b) & tb) | (FN(nb_k_bits_)(a) & ~tb));
                T m2 = FN(nb_k_from_bits_)((FN(nb_k_bits_)(d) & td) | (FN(nb_k_bits_)(c) & ~td));
                I t2 = -(I)((m2 > m1) | ((m2 != m2) & (m1 == m1)));
                o[ox] = FN(nb_k_from_bits_)((FN(nb_k_bits_)(m2) & t2) |
                                            (FN(nb_k_bits_)(m1) & ~t2));
                I off = ((w + (td & 1)) & t2) | (tb & 1 & ~t2);
                ix[ox] = (T)(base + 2 * ox + off);
            }
        }
    }
}

void FN(nb_k_max_pool2d_)(const nb_k_conv_geom *g, const T *x, T *out, T *idx)
{
    const int64_t npos = g->oh * g->ow;
    if (g->ph == 0 && g->pw == 0 && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 &&
        g->dh == 1 && g->dw == 1 && (sizeof(T) == 8 || g->h * g->w <= INT32_MAX)) {
        FN(nb_max_pool2d_2x2_)(g, x, out, idx);
        return;
    }
    if (g->ph == 0 && g->pw == 0) {
        FN(nb_max_pool2d_inside_)(g, x, out, idx);
        return;
    }
    for (int64_t ch = 0; ch < g->c; ch++) {
        const T *plane = x + ch * g->h * g->w;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                int64_t best = -1;
                T m = 0;
                for (int64_t i = 0; i < g->kh; i++) {
                    int64_t iy = oy * g->sh - g->ph + i * g->dh;
                    if (iy < 0 || iy >= g->h)
                        continue;
                    for (int64_t j = 0; j < g->kw; j++) {
                        int64_t ix = ox * g->sw - g->pw + j * g->dw;
                        if (ix < 0 || ix >= g->w)
                            continue;
                        T v = plane[iy * g->w + ix];
                        if (best < 0 || v > m || (v != v && m == m)) {
                            m = v;
                            best = iy * g->w + ix;
                        }
                    }
                }
                int64_t o = ch * npos + oy * g->ow + ox;
                out[o] = best < 0 ? (T)-INFINITY : m;
                idx[o] = (T)(best < 0 ? 0 : best);
            }
    }
}

void FN(nb_k_max_pool2d_2x2_grad_)(const nb_k_conv_geom *g, const T *go, const T *idx, T *gx)
{
    typedef FN(nb_k_ibits_) I;
    const I ow = (I)g->ow;
    for (int64_t ch = 0; ch < g->c; ch++) {
        T *plane = gx + ch * g->h * g->w;
        for (int64_t oy = 0; oy < g->oh; oy++) {
            const T *restrict gr = go + (ch * g->oh + oy) * g->ow;
            const T *restrict ir = idx + (ch * g->oh + oy) * g->ow;
            for (I dy = 0; dy < 2; dy++) {
                T *restrict row = plane + (2 * oy + dy) * g->w;
                /* the position of row[0] within the plane */
                const I base = (I)((2 * oy + dy) * g->w);
                NB_SIMD
                for (I ox = 0; ox < ow; ox++) {
                    I at = (I)ir[ox] - base - 2 * ox; /* 0 or 1 when in this row */
                    I m0 = -(I)(at == 0), m1 = -(I)(at == 1);
                    I gb = FN(nb_k_bits_)(gr[ox]);
                    row[2 * ox] = FN(nb_k_from_bits_)(gb & m0);
                    row[2 * ox + 1] = FN(nb_k_from_bits_)(gb & m1);
                }
                for (int64_t col = 2 * g->ow; col < g->w; col++)
                    row[col] = 0;
            }
        }
        for (int64_t r = 2 * g->oh; r < g->h; r++)
            memset(plane + r * g->w, 0, sizeof(T) * (size_t)g->w);
    }
}
