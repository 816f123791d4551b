/* nabla: body of the packed GEMM driver for one element type, instantiated
 * for f32 and f64 by gemm_driver.c through kernels/instantiate.h (T, SFX,
 * FN); KERN is that type's micro-kernel descriptor.  Not a public header:
 * it has no include guard on purpose. */

#define KERN FN(nb__gemm_kernel_)

/* Transposing copy: dst[p*w + i] = src[i*ld + p] for i < rows, p < kc,
 * zero for rows <= i < w.  Used for A (not transposed) and for B^T.  The
 * p-outer order writes dst contiguously and reads `rows` sequential streams;
 * W is a compile-time width after inlining, so the i loop unrolls. */
static inline void FN(pack_tr_)(const T *restrict src, int64_t ld,
                                int64_t rows, int64_t kc, int w,
                                T *restrict dst)
{
    if (rows == w) {
        for (int64_t p = 0; p < kc; p++)
            for (int i = 0; i < w; i++)
                dst[p * w + i] = src[i * ld + p];
        return;
    }
    for (int64_t p = 0; p < kc; p++) {
        for (int64_t i = 0; i < rows; i++)
            dst[p * w + i] = src[i * ld + p];
        for (int64_t i = rows; i < w; i++)
            dst[p * w + i] = 0;
    }
}

/* Plain copy of kc rows of `cols` values (stride ld) into rows of w,
 * zero-padded: A^T and B not transposed.  Rows are short (w values), so a
 * loop with a constant w beats a memcpy call per row. */
static inline void FN(pack_cp_)(const T *restrict src, int64_t ld,
                                int64_t cols, int64_t kc, int w,
                                T *restrict dst)
{
    if (cols == w) {
        /* Constant size after inlining: the compiler expands it to moves. */
        for (int64_t p = 0; p < kc; p++)
            memcpy(dst + p * w, src + p * ld, (size_t)w * sizeof(T));
        return;
    }
    for (int64_t p = 0; p < kc; p++) {
        for (int64_t j = 0; j < cols; j++)
            dst[p * w + j] = src[p * ld + j];
        for (int64_t j = cols; j < w; j++)
            dst[p * w + j] = 0;
    }
}

/* One sliver of width w (mr for A, nr for B); the switch gives the
 * compiler a constant width for the widths our kernels use. */
static void FN(pack_sliver_)(bool tr, const T *src, int64_t ld, int64_t len,
                             int64_t kc, int w, T *dst)
{
#define NB__PACK_W(W)                                                          \
    case W:                                                                    \
        if (tr)                                                                \
            FN(pack_tr_)(src, ld, len, kc, W, dst);                            \
        else                                                                   \
            FN(pack_cp_)(src, ld, len, kc, W, dst);                            \
        break;
    switch (w) {
    NB__PACK_W(4)
    NB__PACK_W(6)
    NB__PACK_W(8)
    NB__PACK_W(12)
    NB__PACK_W(16)
    NB__PACK_W(32)
    default:
        if (tr)
            FN(pack_tr_)(src, ld, len, kc, w, dst);
        else
            FN(pack_cp_)(src, ld, len, kc, w, dst);
        break;
    }
#undef NB__PACK_W
}

/* Pack the mc x kc block of op(A) whose top-left element is at `a` into
 * slivers of mr rows: sliver s holds element (s*mr + i, p) at p*mr + i.
 * Rows past mc are zero so the micro-kernel never needs a row count. */
static void FN(pack_a_)(const KERN *kd, bool ta, const T *a, int64_t lda,
                        int64_t mc, int64_t kc, T *restrict dst)
{
    const int mr = kd->mr;
    for (int64_t i0 = 0; i0 < mc; i0 += mr) {
        int64_t rows = mc - i0 < mr ? mc - i0 : mr;
        if (!ta && kd->pack_a) {
            kd->pack_a(a + i0 * lda, lda, rows, kc, dst);
            dst += (int64_t)mr * kc;
            continue;
        }
        /* Not transposed, row i of the sliver is contiguous in p. */
        FN(pack_sliver_)(!ta, ta ? a + i0 : a + i0 * lda, lda, rows, kc, mr,
                         dst);
        dst += (int64_t)mr * kc;
    }
}

/* Pack the kc x nc block of op(B) at `b` into slivers of nr columns:
 * sliver s holds element (p, s*nr + j) at p*nr + j, zero past nc. */
static void FN(pack_b_)(const KERN *kd, bool tb, const T *b, int64_t ldb,
                        int64_t kc, int64_t nc, T *restrict dst)
{
    const int nr = kd->nr;
    for (int64_t j0 = 0; j0 < nc; j0 += nr) {
        int64_t cols = nc - j0 < nr ? nc - j0 : nr;
        if (tb && kd->pack_bt) {
            kd->pack_bt(b + j0 * ldb, ldb, cols, kc, dst);
            dst += (int64_t)nr * kc;
            continue;
        }
        FN(pack_sliver_)(tb, tb ? b + j0 * ldb : b + j0, ldb, cols, kc, nr,
                         dst);
        dst += (int64_t)nr * kc;
    }
}

/* Elements of the two packing buffers one thread needs (A block, B panel). */
static void FN(pack_elems_)(const KERN *kd, int64_t m, int64_t n, int64_t k,
                            int64_t *a_elems, int64_t *b_elems)
{
    int64_t kc = k < kd->kc ? k : kd->kc;
    int64_t mc = nb__round_up(m, kd->mr);
    int64_t nc = nb__round_up(n, kd->nr);
    if (mc > kd->mc) mc = kd->mc;
    if (nc > kd->nc) nc = kd->nc;
    *a_elems = mc * kc;
    *b_elems = kc * nc;
}

static size_t FN(thread_bytes_)(const KERN *kd, int64_t m, int64_t n,
                                int64_t k)
{
    int64_t ae, be;
    FN(pack_elems_)(kd, m, n, k, &ae, &be);
    return (size_t)nb__round_up(ae * (int64_t)sizeof(T), NB__ALIGN) +
           (size_t)nb__round_up(be * (int64_t)sizeof(T), NB__ALIGN);
}

size_t FN(nb__gemm_ws_bytes_)(const KERN *kd, int64_t m, int64_t n,
                              int64_t k)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return 0;
    int nt = nb__gemm_threads(m, n, k);
    /* NB__ALIGN of slack lets the driver align a caller's buffer itself. */
    return (size_t)nt * FN(thread_bytes_)(kd, m, n, k) + NB__ALIGN;
}

/* The whole Goto loop nest on one thread, for a block of C. */
static void FN(serial_)(const KERN *kd, bool ta, bool tb, int64_t m,
                        int64_t n, int64_t k, T alpha, const T *a,
                        int64_t lda, const T *b, int64_t ldb, T beta, T *c,
                        int64_t ldc, T *ap, T *bp)
{
    const int mr = kd->mr, nr = kd->nr;
    /* Edge tiles go through this buffer, so micro-kernels stay full-size. */
    T tmp[NB__MAX_TILE] __attribute__((aligned(NB__ALIGN)));

    for (int64_t jc = 0; jc < n; jc += kd->nc) {
        int64_t nc = n - jc < kd->nc ? n - jc : kd->nc;
        for (int64_t pc = 0; pc < k; pc += kd->kc) {
            int64_t kc = k - pc < kd->kc ? k - pc : kd->kc;
            /* Later k-blocks accumulate onto what the first one wrote. */
            T bet = pc == 0 ? beta : (T)1;
            FN(pack_b_)(kd, tb, tb ? b + jc * ldb + pc : b + pc * ldb + jc,
                        ldb, kc, nc, bp);
            for (int64_t ic = 0; ic < m; ic += kd->mc) {
                int64_t mc = m - ic < kd->mc ? m - ic : kd->mc;
                FN(pack_a_)(kd, ta, ta ? a + pc * lda + ic : a + ic * lda + pc,
                            lda, mc, kc, ap);
                for (int64_t jr = 0; jr < nc; jr += nr) {
                    int64_t cols = nc - jr < nr ? nc - jr : nr;
                    const T *bs = bp + jr * kc;
                    for (int64_t ir = 0; ir < mc; ir += mr) {
                        int64_t rows = mc - ir < mr ? mc - ir : mr;
                        const T *as = ap + ir * kc;
                        T *cc = c + (ic + ir) * ldc + jc + jr;
                        if (rows == mr && cols == nr) {
                            kd->ukr(kc, as, bs, cc, ldc, alpha, bet);
                            continue;
                        }
                        kd->ukr(kc, as, bs, tmp, nr, (T)1, (T)0);
                        for (int64_t i = 0; i < rows; i++) {
                            T *crow = cc + i * ldc;
                            const T *trow = tmp + i * nr;
                            if (bet == 0) {
                                for (int64_t j = 0; j < cols; j++)
                                    crow[j] = alpha * trow[j];
                            } else {
                                for (int64_t j = 0; j < cols; j++)
                                    crow[j] = alpha * trow[j] + bet * crow[j];
                            }
                        }
                    }
                }
            }
        }
    }
}

void FN(nb__gemm_run_)(const KERN *kd, bool ta, bool tb, int64_t m,
                       int64_t n, int64_t k, T alpha, const T *a,
                       int64_t lda, const T *b, int64_t ldb, T beta, T *c,
                       int64_t ldc, void *ws)
{
    int nt = nb__gemm_threads(m, n, k);
    size_t per = FN(thread_bytes_)(kd, m, n, k);
    int64_t ae, be;
    FN(pack_elems_)(kd, m, n, k, &ae, &be);
    char *base = (char *)nb__align_ptr(ws);
    size_t a_bytes = (size_t)nb__round_up(ae * (int64_t)sizeof(T), NB__ALIGN);

    if (nt <= 1) {
        FN(serial_)(kd, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                    (T *)base, (T *)(base + a_bytes));
        return;
    }
    /* Split C into nt slabs of whole tiles along the dimension with more
     * tiles; each thread packs its own operands into its own slice. */
    int64_t mt = (m + kd->mr - 1) / kd->mr, ntl = (n + kd->nr - 1) / kd->nr;
    bool split_n = ntl >= mt;
    int64_t tiles = split_n ? ntl : mt, step = split_n ? kd->nr : kd->mr;
    int64_t per_t = (tiles + nt - 1) / nt;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static)
#endif
    for (int t = 0; t < nt; t++) {
        int64_t lo = (int64_t)t * per_t * step;
        int64_t hi = lo + per_t * step;
        int64_t lim = split_n ? n : m;
        if (hi > lim) hi = lim;
        if (lo >= hi)
            continue;
        T *ap = (T *)(base + (size_t)t * per);
        T *bp = (T *)(base + (size_t)t * per + a_bytes);
        if (split_n)
            FN(serial_)(kd, ta, tb, m, hi - lo, k, alpha, a, lda,
                        tb ? b + lo * ldb : b + lo, ldb, beta, c + lo, ldc,
                        ap, bp);
        else
            FN(serial_)(kd, ta, tb, hi - lo, n, k, alpha,
                        ta ? a + lo : a + lo * lda, lda, b, ldb, beta,
                        c + lo * ldc, ldc, ap, bp);
    }
}

#undef KERN
