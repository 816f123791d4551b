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

    /* Blocks of k and of m of (nearly) equal size, never larger than the
     * kernel's: k = 784 in blocks of 256 would end with one of 16, whose
     * pass over C costs as much as a full block's and computes little. */
    const int64_t kb = nb__even_block(k, kd->kc, 1);
    const int64_t mb = nb__even_block(m, kd->mc, mr);
    for (int64_t jc = 0; jc < n; jc += kd->nc) {
        int64_t nc = n - jc < kd->nc ? n - jc : kd->nc;
        for (int64_t pc = 0; pc < k; pc += kb) {
            int64_t kc = k - pc < kb ? k - pc : kb;
            /* Later k-blocks accumulate onto what the first one wrote. */
            T bet = pc == 0 ? beta : (T)1;
            FN(pack_b_)(kd, tb, tb ? b + jc * ldb + pc : b + pc * ldb + jc,
                        ldb, kc, nc, bp);
            for (int64_t ic = 0; ic < m; ic += mb) {
                int64_t mc = m - ic < mb ? m - ic : mb;
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
                        if (kd->edge) {
                            kd->edge(kc, as, bs, cc, ldc, alpha, bet, rows, cols);
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

/* One multi-threaded call: C is cut into chunks of whole tiles along the
 * dimension with more tiles, and every thread (the caller included) claims
 * the next chunk from a shared counter until none is left. */
typedef struct FN(gemm_job_) {
    const KERN *kd;
    bool ta, tb, split_n;
    int64_t m, n, k, lda, ldb, ldc;
    T alpha, beta;
    const T *a, *b;
    T *c;
    char *base;                /* the workspace: one slice per thread */
    size_t per, a_bytes;       /* bytes of a slice, and of its A part */
    int64_t chunk, extent;     /* rows or columns per chunk; m or n */
    _Atomic int64_t next;      /* the next chunk to claim */
} FN(gemm_job_);

typedef struct FN(gemm_worker_) {
    FN(gemm_job_) *job;
    int slot; /* the workspace slice this thread packs into */
} FN(gemm_worker_);

static void FN(gemm_chunks_)(FN(gemm_job_) *j, int slot)
{
    T *ap = (T *)(j->base + (size_t)slot * j->per);
    T *bp = (T *)(j->base + (size_t)slot * j->per + j->a_bytes);
    for (;;) {
        int64_t lo = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed) * j->chunk;
        if (lo >= j->extent)
            return;
        int64_t hi = lo + j->chunk < j->extent ? lo + j->chunk : j->extent;
        if (j->split_n)
            FN(serial_)(j->kd, j->ta, j->tb, j->m, hi - lo, j->k, j->alpha, j->a, j->lda,
                        j->tb ? j->b + lo * j->ldb : j->b + lo, j->ldb, j->beta, j->c + lo,
                        j->ldc, ap, bp);
        else
            FN(serial_)(j->kd, j->ta, j->tb, hi - lo, j->n, j->k, j->alpha,
                        j->ta ? j->a + lo : j->a + lo * j->lda, j->lda, j->b, j->ldb, j->beta,
                        j->c + lo * j->ldc, j->ldc, ap, bp);
    }
}

static void *FN(gemm_worker_main_)(void *arg)
{
    FN(gemm_worker_) *w = arg;
    FN(gemm_chunks_)(w->job, w->slot);
    return NULL;
}

static void FN(run_threads_)(const KERN *kd, int nt, bool ta, bool tb, int64_t m, int64_t n,
                             int64_t k, T alpha, const T *a, int64_t lda, const T *b,
                             int64_t ldb, T beta, T *c, int64_t ldc, char *base, size_t per,
                             size_t a_bytes);

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
    nb__gemm_pace *pace = nb__gemm_pace_of(nb__gemm_shape_key(ta, tb, m, n, k, nt));
    bool threaded = nb__gemm_pick_threads(pace);
    uint64_t t0 = nb__now_ns();
    if (threaded)
        FN(run_threads_)(kd, nt, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                         base, per, a_bytes);
    else
        FN(serial_)(kd, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                    (T *)base, (T *)(base + a_bytes));
    nb__gemm_record(pace, threaded, nb__now_ns() - t0, (double)m * (double)n * (double)k);
}

/* The threaded way of nb__gemm_run_. */
static void FN(run_threads_)(const KERN *kd, int nt, bool ta, bool tb, int64_t m, int64_t n,
                             int64_t k, T alpha, const T *a, int64_t lda, const T *b,
                             int64_t ldb, T beta, T *c, int64_t ldc, char *base, size_t per,
                             size_t a_bytes)
{
    /* Threads started for this call and joined before it returns: nothing
     * waits by spinning, so when another program holds the other core the
     * caller is not slowed by a partner burning its share at a barrier
     * (with an OpenMP team, 2 threads ran W2 3x slower than 1 on a loaded
     * machine).  Chunks, one per thread, are claimed from a counter, so a
     * thread that starts late leaves its chunk to one that is running, and
     * a thread that cannot be started leaves it too.  (Four chunks per
     * thread balanced no better and cost W2 on an idle machine about 10%:
     * each chunk packs the shared operand again.) */
    int64_t mt = (m + kd->mr - 1) / kd->mr, ntl = (n + kd->nr - 1) / kd->nr;
    bool split_n = ntl >= mt;
    int64_t tiles = split_n ? ntl : mt, step = split_n ? kd->nr : kd->mr;
    int64_t chunks = (int64_t)nt < tiles ? (int64_t)nt : tiles;
    FN(gemm_job_) job = {
        .kd = kd, .ta = ta, .tb = tb, .split_n = split_n,
        .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb, .ldc = ldc,
        .alpha = alpha, .beta = beta, .a = a, .b = b, .c = c,
        .base = base, .per = per, .a_bytes = a_bytes,
        .chunk = (tiles + chunks - 1) / chunks * step, .extent = split_n ? n : m,
    };
    atomic_init(&job.next, 0);
    pthread_t tid[NB__GEMM_MAX_THREADS];
    FN(gemm_worker_) wk[NB__GEMM_MAX_THREADS];
    int started = 0;
    for (int t = 1; t < nt; t++) {
        wk[started] = (FN(gemm_worker_)){&job, t};
        if (pthread_create(&tid[started], NULL, FN(gemm_worker_main_), &wk[started]) != 0)
            break; /* the threads running (or the caller alone) do it all */
        started++;
    }
    FN(gemm_chunks_)(&job, 0);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

#undef KERN
