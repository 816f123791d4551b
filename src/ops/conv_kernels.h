/* The fused convolution ops' raw-buffer steps with the element type chosen
 * at run time: one code path in conv_fused.c and conv_grad.c for f32 and
 * f64, since every loop that matters is inside im2col, col2im and GEMM. */
#ifndef NB_OPS_CONV_KERNELS_H
#define NB_OPS_CONV_KERNELS_H

#include <stdbool.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/im2col.h"
#include "ops/conv_util.h"

/* Element `i` of a buffer of dtype dt. */
static inline void *nb__cv_at(nb_dtype dt, const void *base, int64_t i)
{
    return (unsigned char *)(uintptr_t)base + (size_t)i * (dt == NB_F32 ? 4 : 8);
}

/* A 1x1 kernel at stride 1 without padding: the image planes are already
 * the im2col matrix, so it is neither copied nor folded. */
static inline bool nb__cv_is_pointwise(const nb__window *w)
{
    return w->kh == 1 && w->kw == 1 && w->sh == 1 && w->sw == 1 && w->ph == 0 && w->pw == 0;
}

static inline void nb__cv_im2col(nb_dtype dt, const nb_k_conv_geom *g, const void *x, void *cols)
{
    if (dt == NB_F32)
        nb_k_im2col_f32(g, x, cols);
    else
        nb_k_im2col_f64(g, x, cols);
}

static inline void nb__cv_col2im(nb_dtype dt, const nb_k_conv_geom *g, const void *cols, void *x)
{
    if (dt == NB_F32)
        nb_k_col2im_f32(g, cols, x);
    else
        nb_k_col2im_f64(g, cols, x);
}

/* C = op(A) op(B) + beta C with packed rows (lda, ldb, ldc are the row
 * lengths of the stored matrices). */
static inline int nb__cv_gemm(nb_dtype dt, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                              const void *a, const void *b, double beta, void *c, void *ws)
{
    int64_t lda = ta ? m : k, ldb = tb ? k : n;
    int rc = dt == NB_F32
                 ? nb_gemm_f32(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, (float)beta, c, n, ws)
                 : nb_gemm_f64(ta, tb, m, n, k, 1.0, a, lda, b, ldb, beta, c, n, ws);
    return rc < 0 ? nb__error(NB_ERR_NOMEM, "conv2d: GEMM kernel failed (%d)", rc) : 0;
}

/* Scratch from `arena` for the im2col matrix of one image group (cols
 * elements, none when pointwise) and a GEMM workspace of wsb bytes (the
 * largest the op's products need); NB_ERR_NOMEM with a message when it runs
 * out. */
static inline int nb__cv_scratch(nb_arena *arena, nb_dtype dt, int64_t cols, size_t wsb,
                                 void **colbuf, void **ws)
{
    size_t es = dt == NB_F32 ? 4 : 8;
    *colbuf = cols > 0 ? nb_arena_alloc(arena, (size_t)cols * es) : NULL;
    *ws = wsb ? nb_arena_alloc(arena, wsb) : NULL;
    if ((cols > 0 && !*colbuf) || (wsb && !*ws))
        return nb__error(NB_ERR_NOMEM, "conv2d: out of memory for the im2col scratch");
    return 0;
}

#endif
