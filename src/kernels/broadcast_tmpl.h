/* Body of the broadcast loops for one element type, instantiated for f32
 * and f64 by broadcast.c through kernels/instantiate.h (T, SFX, FN).
 * Not a public header: no include guard on purpose. */


void FN(nb_k_zip_)(int ndim, const int64_t *shape, int n_in, const T *const *in,
                   const int64_t *const *st, FN(nb_zip_) row, const void *params, T *out)
{
    const T *at[NB_K_MAX_ZIP_INPUTS];
    int64_t inner[NB_K_MAX_ZIP_INPUTS] = {0};
    for (int k = 0; k < n_in; k++) {
        at[k] = in[k];
        inner[k] = ndim ? st[k][ndim - 1] : 0;
    }
    if (ndim == 0) {
        row(1, at, inner, out, params);
        return;
    }
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0)
            return;
    int64_t n = shape[ndim - 1];
    int64_t idx[16] = {0};
    for (;;) {
        row(n, at, inner, out, params);
        out += n;
        int d = ndim - 2;
        for (; d >= 0; d--) {
            idx[d]++;
            for (int k = 0; k < n_in; k++)
                at[k] += st[k][d];
            if (idx[d] < shape[d])
                break;
            for (int k = 0; k < n_in; k++)
                at[k] -= st[k][d] * shape[d];
            idx[d] = 0;
        }
        if (d < 0)
            return;
    }
}

/* Walk every multi-index of `shape` (row-major) over contiguous `in`, with
 * `off` the matching offset into `strided` (strides st); the innermost axis
 * is a plain loop.  scatter_add: strided[off] += in[i]; gather: in is the
 * strided side and out the contiguous one. */
static void FN(nb_strided_walk_)(bool gather, int ndim, const int64_t *shape, const T *src,
                                 const int64_t *st, T *dst)
{
    int64_t total = 1;
    for (int d = 0; d < ndim; d++)
        total *= shape[d];
    if (total == 0)
        return;
    if (ndim == 0) {
        if (gather)
            dst[0] = src[0];
        else
            dst[0] += src[0];
        return;
    }
    int64_t idx[16] = {0};
    int64_t off = 0, n = shape[ndim - 1], s = st[ndim - 1];
    for (int64_t base = 0; base < total; base += n) {
        if (gather)
            for (int64_t j = 0; j < n; j++)
                dst[base + j] = src[off + j * s];
        else
            for (int64_t j = 0; j < n; j++)
                dst[off + j * s] += src[base + j];
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++;
            off += st[d];
            if (idx[d] < shape[d])
                break;
            off -= st[d] * shape[d];
            idx[d] = 0;
        }
    }
}

void FN(nb_k_scatter_add_)(int ndim, const int64_t *shape, const T *in, const int64_t *so, T *out)
{
    FN(nb_strided_walk_)(false, ndim, shape, in, so, out);
}

void FN(nb_k_gather_)(int ndim, const int64_t *shape, const T *in, const int64_t *si, T *out)
{
    FN(nb_strided_walk_)(true, ndim, shape, in, si, out);
}
