/* nabla: the packed, cache-blocked GEMM driver (Goto/BLIS scheme).
 *
 * Loop nest, outermost first: nc columns of C (B panel, packed once per
 * k-block and reused by every A block), kc of the k dimension, mc rows (A
 * block, packed into mr-row slivers that stay in L2), then nr x mr register
 * tiles computed by a micro-kernel from the packed slivers.  Packing makes
 * every transpose and leading dimension look the same to the micro-kernel,
 * which is why they cost nothing there.  The body is written once in
 * gemm_driver_tmpl.h and instantiated for float and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm_internal.h"

#define NB__ALIGN 64
/* Largest mr * nr over all micro-kernels (AVX-512 f32 is 12 x 32). */
#define NB__MAX_TILE 512

static int64_t nb__round_up(int64_t x, int64_t to)
{
    return (x + to - 1) / to * to;
}

static void *nb__align_ptr(void *p)
{
    uintptr_t u = (uintptr_t)p;
    return (void *)((u + NB__ALIGN - 1) & ~(uintptr_t)(NB__ALIGN - 1));
}

/* Below this many multiply-adds a thread team costs more than it saves. */
#define NB__GEMM_MT_MIN_WORK (1 << 20)

/* Threads for one call: none inside an enclosing parallel region (nested
 * teams only oversubscribe), at most omp_get_max_threads(), and only as
 * many as there is work for. Recomputed on every call, so changes of
 * OMP_NUM_THREADS/omp_set_num_threads take effect at once. */
static int nb__gemm_threads(int64_t m, int64_t n, int64_t k)
{
#ifdef _OPENMP
    if (omp_in_parallel())
        return 1;
    int nt = omp_get_max_threads();
    double work = (double)m * (double)n * (double)k;
    if (nt <= 1 || work < NB__GEMM_MT_MIN_WORK)
        return 1;
    double cap = work / (NB__GEMM_MT_MIN_WORK / 2);
    if ((double)nt > cap)
        nt = (int)cap;
    /* Each thread needs at least a few rows or columns of C. */
    int64_t big = m > n ? m : n;
    if ((int64_t)nt > big / 8)
        nt = (int)(big / 8);
    return nt < 1 ? 1 : nt;
#else
    (void)m, (void)n, (void)k;
    return 1;
#endif
}

#define NB_TMPL "kernels/gemm_driver_tmpl.h"
#include "kernels/instantiate.h"
