/* NB_SIMD, put before a loop over contiguous memory: with OpenMP (or
 * -fopenmp-simd) it asks for vector code even at -O2, whose cheap cost model
 * skips loops of unknown length; elsewhere a no-op. */
#ifndef NB_KERNELS_SIMD_H
#define NB_KERNELS_SIMD_H

#ifdef _OPENMP
#define NB_SIMD _Pragma("omp simd")
#else
#define NB_SIMD
#endif

#endif
