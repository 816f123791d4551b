/* Body of the axis reductions for one element type, instantiated for f32
 * and f64 by reduce.c through kernels/instantiate.h (T, SFX, FN).
 * Sums of exponentials accumulate in double for both types.  Not a public
 * header: no include guard on purpose. */


/* Contiguous rows (inner == 1) accumulate in double; column sums add whole
 * rows so that the inner loop is contiguous, and accumulate in T. */
void FN(nb_k_sum_axis_)(int64_t outer, int64_t n, int64_t inner, const T *in, T *out)
{
    if (inner == 1) {
        for (int64_t o = 0; o < outer; o++) {
            double acc = 0;
            const T *row = in + o * n;
            for (int64_t j = 0; j < n; j++)
                acc += row[j];
            out[o] = (T)acc;
        }
        return;
    }
    for (int64_t o = 0; o < outer; o++) {
        T *dst = out + o * inner;
        memset(dst, 0, sizeof *dst * (size_t)inner);
        for (int64_t j = 0; j < n; j++) {
            const T *row = in + (o * n + j) * inner;
            for (int64_t i = 0; i < inner; i++)
                dst[i] += row[i];
        }
    }
}

void FN(nb_k_extrema_axis_)(bool is_min, int64_t outer, int64_t n, int64_t inner,
                            const T *in, T *out_val, T *out_idx)
{
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const T *x = in + o * n * inner + i;
            T best = x[0];
            int64_t bj = 0;
            for (int64_t j = 1; j < n && best == best; j++) {
                T v = x[j * inner];
                /* strict comparison keeps the first of equal values; v != v is NaN */
                if (v != v || (is_min ? v < best : v > best)) {
                    best = v;
                    bj = j;
                }
            }
            out_val[o * inner + i] = best;
            if (out_idx)
                out_idx[o * inner + i] = (T)bj;
        }
}

/* The max of a slice, or NaN when it holds one. */
static double FN(nb_slice_max_)(int64_t n, int64_t inner, const T *x)
{
    double m = -INFINITY;
    for (int64_t j = 0; j < n; j++) {
        double v = x[j * inner];
        if (v != v)
            return v;
        if (v > m)
            m = v;
    }
    return m;
}

void FN(nb_k_logsumexp_axis_)(int64_t outer, int64_t n, int64_t inner, const T *in, T *out)
{
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const T *x = in + o * n * inner + i;
            double m = FN(nb_slice_max_)(n, inner, x);
            if (!isfinite(m)) { /* +-Inf or NaN: exp(x - m) would be NaN */
                out[o * inner + i] = (T)m;
                continue;
            }
            double s = FN(nb_exp_sum_)(n, inner, x, m, NULL);
            out[o * inner + i] = (T)(m + log(s));
        }
}

void FN(nb_k_softmax_axis_)(bool want_log, int64_t outer, int64_t n, int64_t inner, const T *in,
                            T *out)
{
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const T *x = in + o * n * inner + i;
            T *y = out + o * n * inner + i;
            double m = FN(nb_slice_max_)(n, inner, x);
            if (m == -INFINITY) /* every entry -Inf: exp(x - m) is NaN; keep them */
                m = 0;
            double s = FN(nb_exp_sum_)(n, inner, x, m, want_log ? NULL : y);
            if (want_log) {
                double shift = m + log(s);
                for (int64_t j = 0; j < n; j++)
                    y[j * inner] = (T)((double)x[j * inner] - shift);
            } else {
                double r = 1 / s;
                for (int64_t j = 0; j < n; j++)
                    y[j * inner] = (T)(y[j * inner] * r);
            }
        }
}
