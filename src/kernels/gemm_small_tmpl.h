/* nabla: GEMM paths for shapes the packed driver serves badly, written once
 * for one vector ISA and instantiated per element type through
 * kernels/instantiate.h (T, SFX, FN) by gemm_small_avx512.c,
 * gemm_small_avx2.c and gemm_small_portable.c.  The including file defines,
 * per suffix, the vector type V_, its lane count L_, the operations VZERO_,
 * VSET1_, VLOADU_, VSTOREU_, VFMA_ (a * b + c), VMUL_, VHSUM_ (sum of the
 * lanes), the row counts MR1_/MR2_ of the narrow tiles (one and two vectors
 * per row), NARROW_ (widest n the narrow tiles take, 0 for none), plus
 * NB__STGT (target attribute) and SN(x) (x's name for this ISA and type),
 * and optionally NB__SMALL_FIRST with, per suffix, NB__SMALL_FIRST_: a
 * function with the arguments of these paths tried before the narrow one.
 * Not a public header: no include guard on purpose.
 *
 * Three cases, each without packing the whole of either operand:
 *  - m == 1 or n == 1 (a vector times a matrix, batch-1 training): one pass
 *    over the matrix, as axpys of its rows or as dot products;
 *  - k == 1 (outer product: dW of a batch-1 step): one pass over C;
 *  - n <= NARROW_ (output layers with 10 classes): register tiles of MR
 *    rows x one or two vectors, so no lanes beyond n's vector are wasted
 *    (the packed driver's 32-wide tile would use 10 of 32 lanes); only a
 *    k-chunk of B is packed (zero-padded to the vector width), A is read
 *    in place. */

#define V FN(V_)
#define L FN(L_)
#define VZERO FN(VZERO_)
#define VSET1 FN(VSET1_)
#define VLOADU FN(VLOADU_)
#define VSTOREU FN(VSTOREU_)
#define VFMA FN(VFMA_)
#define VMUL FN(VMUL_)
#define VHSUM FN(VHSUM_)
#define MR1 FN(MR1_)
#define MR2 FN(MR2_)
#define NARROW FN(NARROW_)

/* y = alpha * s + beta * y; beta == 0 never reads y (it may hold NaN). */
static inline void SN(put_)(T *y, T alpha, T s, T beta)
{
    *y = beta == (T)0 ? alpha * s : alpha * s + beta * *y;
}

/* y[j*incy] = alpha * sum_p x[p*incx] * mm[p*ldm + j] + beta * y[j*incy]:
 * the matrix is read once, row by row, as axpys into vector sums. */
NB__STGT static void SN(vm_rows_)(int64_t n, int64_t k, T alpha,
                                  const T *x, int64_t incx, const T *mm,
                                  int64_t ldm, T beta, T *y, int64_t incy)
{
    T t[4 * L] __attribute__((aligned(64)));
    int64_t j = 0;
    for (; j + 4 * L <= n; j += 4 * L) {
        V s0 = VZERO(), s1 = VZERO(), s2 = VZERO(), s3 = VZERO();
        for (int64_t p = 0; p < k; p++) {
            V xv = VSET1(x[p * incx]);
            const T *r = mm + p * ldm + j;
            s0 = VFMA(xv, VLOADU(r), s0);
            s1 = VFMA(xv, VLOADU(r + L), s1);
            s2 = VFMA(xv, VLOADU(r + 2 * L), s2);
            s3 = VFMA(xv, VLOADU(r + 3 * L), s3);
        }
        VSTOREU(t, s0);
        VSTOREU(t + L, s1);
        VSTOREU(t + 2 * L, s2);
        VSTOREU(t + 3 * L, s3);
        for (int q = 0; q < 4 * L; q++)
            SN(put_)(y + (j + q) * incy, alpha, t[q], beta);
    }
    for (; j + L <= n; j += L) {
        /* Two chains over even and odd p halve the FMA latency wait. */
        V s0 = VZERO(), s1 = VZERO();
        int64_t p = 0;
        for (; p + 1 < k; p += 2) {
            s0 = VFMA(VSET1(x[p * incx]), VLOADU(mm + p * ldm + j), s0);
            s1 = VFMA(VSET1(x[(p + 1) * incx]),
                      VLOADU(mm + (p + 1) * ldm + j), s1);
        }
        if (p < k)
            s0 = VFMA(VSET1(x[p * incx]), VLOADU(mm + p * ldm + j), s0);
        VSTOREU(t, VFMA(s1, VSET1((T)1), s0));
        for (int q = 0; q < L; q++)
            SN(put_)(y + (j + q) * incy, alpha, t[q], beta);
    }
    for (; j < n; j++) {
        T s = 0;
        for (int64_t p = 0; p < k; p++)
            s += x[p * incx] * mm[p * ldm + j];
        SN(put_)(y + j * incy, alpha, s, beta);
    }
}

/* y[j*incy] = alpha * sum_p x[p*incx] * mm[j*ldm + p] + beta * y[j*incy]:
 * dot products of the matrix's rows with x, four rows at a time. */
NB__STGT static void SN(vm_dots_)(int64_t n, int64_t k, T alpha,
                                  const T *x, int64_t incx, const T *mm,
                                  int64_t ldm, T beta, T *y, int64_t incy)
{
    if (incx != 1) {
        /* A strided vector only comes from unusual layouts: plain loops. */
        for (int64_t j = 0; j < n; j++) {
            T s = 0;
            for (int64_t p = 0; p < k; p++)
                s += x[p * incx] * mm[j * ldm + p];
            SN(put_)(y + j * incy, alpha, s, beta);
        }
        return;
    }
    int64_t kv = k / L * L;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const T *r0 = mm + j * ldm, *r1 = r0 + ldm, *r2 = r1 + ldm,
                *r3 = r2 + ldm;
        V s0 = VZERO(), s1 = VZERO(), s2 = VZERO(), s3 = VZERO();
        for (int64_t p = 0; p < kv; p += L) {
            V xv = VLOADU(x + p);
            s0 = VFMA(xv, VLOADU(r0 + p), s0);
            s1 = VFMA(xv, VLOADU(r1 + p), s1);
            s2 = VFMA(xv, VLOADU(r2 + p), s2);
            s3 = VFMA(xv, VLOADU(r3 + p), s3);
        }
        T d0 = VHSUM(s0), d1 = VHSUM(s1), d2 = VHSUM(s2), d3 = VHSUM(s3);
        for (int64_t p = kv; p < k; p++) {
            d0 += x[p] * r0[p];
            d1 += x[p] * r1[p];
            d2 += x[p] * r2[p];
            d3 += x[p] * r3[p];
        }
        SN(put_)(y + j * incy, alpha, d0, beta);
        SN(put_)(y + (j + 1) * incy, alpha, d1, beta);
        SN(put_)(y + (j + 2) * incy, alpha, d2, beta);
        SN(put_)(y + (j + 3) * incy, alpha, d3, beta);
    }
    for (; j < n; j++) {
        const T *r0 = mm + j * ldm;
        V s0 = VZERO();
        for (int64_t p = 0; p < kv; p += L)
            s0 = VFMA(VLOADU(x + p), VLOADU(r0 + p), s0);
        T d0 = VHSUM(s0);
        for (int64_t p = kv; p < k; p++)
            d0 += x[p] * r0[p];
        SN(put_)(y + j * incy, alpha, d0, beta);
    }
}

/* k == 1: C[i][j] = alpha * a_i * b_j + beta * C[i][j], a_i at a[i*inca],
 * b_j at b[j*incb]. */
NB__STGT static void SN(rank1_)(int64_t m, int64_t n, T alpha, const T *a,
                                int64_t inca, const T *b, int64_t incb,
                                T beta, T *c, int64_t ldc)
{
    for (int64_t i = 0; i < m; i++) {
        T s = alpha * a[i * inca];
        T *cr = c + i * ldc;
        int64_t j = 0;
        if (incb == 1) {
            V sv = VSET1(s), bv = VSET1(beta);
            for (; j + L <= n; j += L) {
                V prod = VMUL(sv, VLOADU(b + j));
                VSTOREU(cr + j, beta == (T)0
                                    ? prod
                                    : VFMA(bv, VLOADU(cr + j), prod));
            }
        }
        for (; j < n; j++)
            cr[j] = beta == (T)0 ? s * b[j * incb]
                                 : s * b[j * incb] + beta * cr[j];
    }
}

#if NB__SMALL_NARROW

/* Rows of the narrow path's k-chunks: a chunk of B (KCH x 2 vectors) and
 * the A rows of a ragged last tile both stay in L1. */
#define KCH 256

/* Merge a tile computed in t (rows x w, row stride w) into C. */
static inline void SN(merge_)(const T *t, int w, int64_t rows, int64_t n,
                              T alpha, T beta, bool first, T *c,
                              int64_t ldc)
{
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < n; j++) {
            T *y = c + i * ldc + j;
            if (first)
                SN(put_)(y, alpha, t[i * w + j], beta);
            else
                *y += alpha * t[i * w + j];
        }
}

/* One MR1 x L tile: t = sum_p A(i, p) * bp[p], where A(i, p) is
 * a[i*ri + p*pi] (so either layout of A is read in place). */
NB__STGT static inline void SN(tile1_)(int64_t kc, const T *a, int64_t ri,
                                       int64_t pi, const T *bp, T *t)
{
    V s[MR1];
#pragma GCC unroll 16
    for (int i = 0; i < MR1; i++)
        s[i] = VZERO();
    for (int64_t p = 0; p < kc; p++) {
        V b0 = VLOADU(bp + p * L);
        const T *ap = a + p * pi;
#pragma GCC unroll 16
        for (int i = 0; i < MR1; i++)
            s[i] = VFMA(VSET1(ap[i * ri]), b0, s[i]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR1; i++)
        VSTOREU(t + i * L, s[i]);
}

/* One MR2 x 2L tile, as tile1_. */
NB__STGT static inline void SN(tile2_)(int64_t kc, const T *a, int64_t ri,
                                       int64_t pi, const T *bp, T *t)
{
    V s[MR2], u[MR2];
#pragma GCC unroll 16
    for (int i = 0; i < MR2; i++)
        s[i] = u[i] = VZERO();
    for (int64_t p = 0; p < kc; p++) {
        V b0 = VLOADU(bp + p * 2 * L), b1 = VLOADU(bp + p * 2 * L + L);
        const T *ap = a + p * pi;
#pragma GCC unroll 16
        for (int i = 0; i < MR2; i++) {
            V ai = VSET1(ap[i * ri]);
            s[i] = VFMA(ai, b0, s[i]);
            u[i] = VFMA(ai, b1, u[i]);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR2; i++) {
        VSTOREU(t + i * 2 * L, s[i]);
        VSTOREU(t + i * 2 * L + L, u[i]);
    }
}

/* Rows [i_lo, i_hi) of C for n <= 2L, k-chunk by k-chunk. */
NB__STGT static void SN(narrow_)(bool ta, bool tb, int64_t i_lo,
                                 int64_t i_hi, int64_t n, int64_t k,
                                 T alpha, const T *a, int64_t lda,
                                 const T *b, int64_t ldb, T beta, T *c,
                                 int64_t ldc)
{
    const int nv = n <= L ? 1 : 2, w = nv * L;
    const int64_t mr = nv == 1 ? MR1 : MR2;
    T bp[KCH * 2 * L] __attribute__((aligned(64)));
    T ar[(MR1 > MR2 ? MR1 : MR2) * KCH] __attribute__((aligned(64)));
    T t[(MR1 > 2 * MR2 ? MR1 : 2 * MR2) * L] __attribute__((aligned(64)));
    for (int64_t pc = 0; pc < k; pc += KCH) {
        int64_t kc = k - pc < KCH ? k - pc : KCH;
        for (int64_t p = 0; p < kc; p++)
            for (int j = 0; j < w; j++)
                bp[p * w + j] = j >= n ? (T)0
                                : tb   ? b[j * ldb + pc + p]
                                       : b[(pc + p) * ldb + j];
        for (int64_t i0 = i_lo; i0 < i_hi; i0 += mr) {
            int64_t rows = i_hi - i0 < mr ? i_hi - i0 : mr;
            const T *as;
            int64_t ri, pi;
            if (rows == mr) {
                as = ta ? a + pc * lda + i0 : a + i0 * lda + pc;
                ri = ta ? 1 : lda;
                pi = ta ? lda : 1;
            } else {
                /* Ragged last tile: its rows, zero-padded, in a buffer. */
                for (int64_t i = 0; i < mr; i++)
                    for (int64_t p = 0; p < kc; p++)
                        ar[i * KCH + p] =
                            i >= rows ? (T)0
                            : ta      ? a[(pc + p) * lda + i0 + i]
                                      : a[(i0 + i) * lda + pc + p];
                as = ar;
                ri = KCH;
                pi = 1;
            }
            if (nv == 1)
                SN(tile1_)(kc, as, ri, pi, bp, t);
            else
                SN(tile2_)(kc, as, ri, pi, bp, t);
            SN(merge_)(t, w, rows, n, alpha, beta, pc == 0, c + i0 * ldc,
                       ldc);
        }
    }
}

#undef KCH
#endif /* NB__SMALL_NARROW */

/* Returns 1 when the shape is one of the cases above and C is done, 0 when
 * the caller should use the packed driver.  Arguments are validated, m, n,
 * k > 0 and alpha != 0. */
int SN(nb__gemm_small_)(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                        T alpha, const T *a, int64_t lda, const T *b,
                        int64_t ldb, T beta, T *c, int64_t ldc)
{
    if (m == 1) {
        /* c[j] = sum_p a(0, p) * op(B)(p, j) */
        int64_t inca = ta ? lda : 1;
        if (tb)
            SN(vm_dots_)(n, k, alpha, a, inca, b, ldb, beta, c, 1);
        else
            SN(vm_rows_)(n, k, alpha, a, inca, b, ldb, beta, c, 1);
        return 1;
    }
    if (n == 1) {
        /* C^T = op(B)^T op(A)^T: c[i*ldc] = sum_p op(B)(p, 0) op(A)(i, p) */
        int64_t incb = tb ? 1 : ldb;
        if (ta)
            SN(vm_rows_)(m, k, alpha, b, incb, a, lda, beta, c, ldc);
        else
            SN(vm_dots_)(m, k, alpha, b, incb, a, lda, beta, c, ldc);
        return 1;
    }
    if (k == 1) {
        SN(rank1_)(m, n, alpha, a, ta ? 1 : lda, b, tb ? ldb : 1, beta, c,
                   ldc);
        return 1;
    }
#ifdef NB__SMALL_FIRST
    /* The including file's own paths for some shapes of some types. */
    if (FN(NB__SMALL_FIRST_)(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
                             ldc))
        return 1;
#endif
#if NB__SMALL_NARROW
    if (n <= NARROW && n <= 2 * L) {
        SN(narrow_)(ta, tb, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return 1;
    }
#endif
    return 0;
}

#undef V
#undef L
#undef VZERO
#undef VSET1
#undef VLOADU
#undef VSTOREU
#undef VFMA
#undef VMUL
#undef VHSUM
#undef MR1
#undef MR2
#undef NARROW
