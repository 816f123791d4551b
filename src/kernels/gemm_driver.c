/* nabla: the packed, cache-blocked GEMM driver (Goto/BLIS scheme).
 *
 * Loop nest, outermost first: nc columns of C (B panel, packed once per
 * k-block and reused by every A block), kc of the k dimension, mc rows (A
 * block, packed into mr-row slivers that stay in L2), then nr x mr register
 * tiles computed by a micro-kernel from the packed slivers.  Packing makes
 * every transpose and leading dimension look the same to the micro-kernel,
 * which is why they cost nothing there.  The body is written once in
 * gemm_driver_tmpl.h and instantiated for float and double here. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm_internal.h"

#define NB__ALIGN 64
/* Threads of one call at most: the workspace has one slice per thread. */
#define NB__GEMM_MAX_THREADS 64
/* Largest mr * nr over all micro-kernels (AVX-512 f32 is 12 x 32). */
#define NB__MAX_TILE 512

static int64_t nb__round_up(int64_t x, int64_t to)
{
    return (x + to - 1) / to * to;
}

/* The size of ceil(x / most) blocks of nearly equal size that cover x,
 * rounded up to a multiple of `to` and at most `most` (a multiple of to). */
static int64_t nb__even_block(int64_t x, int64_t most, int64_t to)
{
    if (x <= most)
        return x;
    int64_t blocks = (x + most - 1) / most;
    int64_t size = nb__round_up((x + blocks - 1) / blocks, to);
    return size < most ? size : most;
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
    if (nt > NB__GEMM_MAX_THREADS)
        nt = NB__GEMM_MAX_THREADS;
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

/* Whether the threads pay, learned from the calls themselves.  When other
 * programs hold the cores, a second thread only shares this program's part
 * of the machine with the first and makes a product slower, not faster;
 * which case holds cannot be read off the system (the scheduler may share
 * time per thread or per session), so it is measured: per shape (a small
 * direct-mapped table), the time per multiply-add of threaded and of
 * single-threaded calls, and each call takes the faster way, trying the
 * other one every NB__GEMM_PROBE-th call of its shape so that a change of
 * load is noticed.  Results do not depend on the choice: each element of C
 * is summed over k in the same order either way.  The table is a cache of
 * measurements shared by the process's threads (relaxed atomics: a lost
 * update only costs a sample). */
#define NB__GEMM_SHAPES 64
#define NB__GEMM_PROBE 32

typedef struct nb__gemm_pace {
    _Atomic uint64_t key;                /* the shape, 0 for none */
    _Atomic uint64_t calls;
    _Atomic uint64_t ps_per_mac[2];     /* [0] one thread, [1] threaded; 0 unknown */
} nb__gemm_pace;

static nb__gemm_pace nb__gemm_paces[NB__GEMM_SHAPES];

static uint64_t nb__gemm_shape_key(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int nt)
{
    uint64_t key = (uint64_t)m * 0x9E3779B97F4A7C15ull ^ (uint64_t)n * 0xC2B2AE3D27D4EB4Full ^
                   (uint64_t)k * 0x165667B19E3779F9ull ^ (uint64_t)nt << 2 ^
                   (uint64_t)ta << 1 ^ (uint64_t)tb;
    return key ? key : 1;
}

/* The table's entry for the shape, taken over when another shape had it. */
static nb__gemm_pace *nb__gemm_pace_of(uint64_t key)
{
    nb__gemm_pace *p = &nb__gemm_paces[(key >> 58) % NB__GEMM_SHAPES];
    if (atomic_load_explicit(&p->key, memory_order_relaxed) != key) {
        atomic_store_explicit(&p->ps_per_mac[0], 0, memory_order_relaxed);
        atomic_store_explicit(&p->ps_per_mac[1], 0, memory_order_relaxed);
        atomic_store_explicit(&p->calls, 0, memory_order_relaxed);
        atomic_store_explicit(&p->key, key, memory_order_relaxed);
    }
    return p;
}

/* True when this call should use its threads. */
static bool nb__gemm_pick_threads(nb__gemm_pace *p)
{
    uint64_t c = atomic_fetch_add_explicit(&p->calls, 1, memory_order_relaxed);
    uint64_t one = atomic_load_explicit(&p->ps_per_mac[0], memory_order_relaxed);
    uint64_t many = atomic_load_explicit(&p->ps_per_mac[1], memory_order_relaxed);
    if (!many)
        return true; /* first calls of a shape: measure both ways */
    if (!one)
        return false;
    bool threads_faster = many <= one;
    return c % NB__GEMM_PROBE == 0 ? !threads_faster : threads_faster;
}

static uint64_t nb__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Fold one call's time into the shape's average (weight 1/4 for the new
 * sample, so a few calls follow a change of load). */
static void nb__gemm_record(nb__gemm_pace *p, bool threaded, uint64_t ns, double macs)
{
    uint64_t sample = (uint64_t)((double)ns * 1000.0 / macs) + 1;
    uint64_t old = atomic_load_explicit(&p->ps_per_mac[threaded], memory_order_relaxed);
    atomic_store_explicit(&p->ps_per_mac[threaded], old ? (3 * old + sample) / 4 : sample,
                          memory_order_relaxed);
}

#define NB_TMPL "kernels/gemm_driver_tmpl.h"
#include "kernels/instantiate.h"
