/* take / put along an axis and block copies.  The inner loop runs over the
 * contiguous `inner` positions so row lookups (embeddings) are plain copies.
 * take and put are written once in select_tmpl.h and instantiated for float
 * and double here. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "kernels/select.h"

#define NB_TMPL "kernels/select_tmpl.h"
#include "kernels/instantiate.h"

void nb_k_copy_blocks(int64_t count, size_t bytes, const void *src, size_t src_stride, void *dst,
                      size_t dst_stride)
{
    if (!bytes)
        return;
    const char *s = src;
    char *d = dst;
    for (int64_t b = 0; b < count; b++)
        memcpy(d + (size_t)b * dst_stride, s + (size_t)b * src_stride, bytes);
}
