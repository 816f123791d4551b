/* im2col, col2im and max pooling (im2col.h).  The column loops run over
 * the output positions whose input column lies inside the image, found once
 * per kernel column, so the inner loop has no bounds test and, at stride 1,
 * is one memcpy. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "kernels/bits.h"
#include "kernels/im2col.h"
#include "kernels/simd.h"

int64_t nb_k_conv_out_size(int64_t n, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t span = n + 2 * p - d * (k - 1) - 1;
    return span < 0 ? 0 : span / s + 1;
}

/* Output positions ox in [*lo, *hi) with 0 <= ox*s + off < n. */
static void nb_k_valid_range(int64_t npos, int64_t s, int64_t off, int64_t n, int64_t *lo,
                             int64_t *hi)
{
    int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t b = n - off <= 0 ? 0 : (n - off + s - 1) / s;
    *lo = a < npos ? a : npos;
    *hi = b < npos ? b : npos;
    if (*hi < *lo)
        *hi = *lo;
}

#define NB_TMPL "kernels/im2col_tmpl.h"
#include "kernels/instantiate.h"
