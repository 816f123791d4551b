/* Per-feature normalisation with fit / apply / reverse, after MATLAB's
 * mapminmax and mapstd.  Both reduce to y = (x - offset) * gain + base per
 * column; a feature whose range (or std) is 0 or not finite gets gain 1 and
 * offset = base, so it passes through unchanged, which is what MATLAB does. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdbool.h>

#include "core/option_check.h"
#include "io/io_util.h"
#include "nabla/io.h"

/* Features of a data tensor: columns of a 2-d (N, F) tensor, 1 for a 1-d one. */
static int check_data(const nb_tensor *x, const char *op, int64_t *rows, int64_t *features)
{
    int rc = nb__check_tensor(x, op, "x");
    if (rc < 0)
        return rc;
    if (x->ndim != 1 && x->ndim != 2) {
        char buf[96];
        return nb__error(NB_ERR_SHAPE, "%s: x is %s; expected (samples, features) or (samples,)",
                         op, nb__shape_fmt(x->ndim, x->shape, buf, sizeof buf));
    }
    *rows = x->shape[0];
    *features = x->ndim == 2 ? x->shape[1] : 1;
    return NB_OK;
}

/* The arguments every fit shares: the settings to fill, then the data. */
static int check_fit(const nb_tensor *x, const void *ps, const char *op, int64_t *rows,
                     int64_t *features)
{
    if (!ps)
        return nb__null_input(op, "ps");
    return check_data(x, op, rows, features);
}

/* y = (x - offset) * gain + base, column by column, into a new tensor. */
static nb_tensor *affine_cols(const nb_tensor *x, int64_t features, const double *offset,
                              const double *gain, const double *base, const char *op)
{
    nb_tensor *y = nb__tensor_empty(x->dtype, x->ndim, x->shape, op);
    if (!y)
        return NULL;
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t f = i % features;
        nb__set(y, i, (nb__get(x, i) - offset[f]) * gain[f] + base[f]);
    }
    return y;
}

static double *arena_doubles(int64_t n, const char *op)
{
    nb_arena *arena = nb_arena_current();
    if (!arena) {
        nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
        return NULL;
    }
    double *p = nb_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *p * 3);
    if (!p && !nb__error_pending())
        nb__error(NB_ERR_NOMEM, "%s: out of memory", op);
    return p;
}

static int check_settings(const nb_tensor *x, int64_t features, int64_t fitted, const void *ps,
                          const char *op)
{
    if (!ps)
        return nb__null_input(op, "settings");
    if (features != fitted)
        return nb__error(NB_ERR_SHAPE, "%s: x has %lld features, the settings were fitted on %lld",
                         op, (long long)features, (long long)fitted);
    (void)x;
    return NB_OK;
}

/* ---- mapminmax ---- */

/* nb_mapminmax_fit, with messages naming `op` (the function the user
 * called: it or nb_mapminmax). */
static int minmax_fit(const char *op, const nb_tensor *x, double ymin, double ymax,
                      nb_minmax_settings *ps)
{
    int64_t rows, nf;
    int rc = check_fit(x, ps, op, &rows, &nf);
    if (rc < 0)
        return rc;
    /* Finite first: an infinite end is not an empty range, and NaN fails
     * every comparison. */
    if (nb__check_opt(op, "ymin", ymin, -INFINITY, INFINITY, "()") < 0 ||
        nb__check_opt(op, "ymax", ymax, -INFINITY, INFINITY, "()") < 0)
        return NB_ERR_ARG;
    if (!(ymin < ymax))
        return nb__error(NB_ERR_ARG, "%s: output range [%g, %g] is empty (need ymin < ymax; "
                         "MATLAB's default is -1, 1)", op, ymin, ymax);
    double *mem = arena_doubles(nf, op);
    if (!mem)
        return nb_last_status(); /* no current arena, or out of memory */
    double *lo = mem, *hi = mem + nf;
    for (int64_t f = 0; f < nf; f++) {
        lo[f] = INFINITY;
        hi[f] = -INFINITY;
    }
    for (int64_t i = 0; i < x->numel; i++) {
        double v = nb__get(x, i);
        int64_t f = i % nf;
        if (v < lo[f]) /* NaN compares false: ignored, as MATLAB's min/max do */
            lo[f] = v;
        if (v > hi[f])
            hi[f] = v;
    }
    ps->features = nf;
    ps->ymin = ymin;
    ps->ymax = ymax;
    ps->xmin = lo;
    ps->xmax = hi;
    return NB_OK;
}

int nb_mapminmax_fit(const nb_tensor *x, double ymin, double ymax, nb_minmax_settings *ps)
{
    return minmax_fit("nb_mapminmax_fit", x, ymin, ymax, ps);
}

/* Coefficients of a per-column affine map y = (x - offset) * gain + base,
 * written into c (offset, gain, base: nf doubles each). */
typedef void (*nb_coeffs_fn)(const void *ps, double *offset, double *gain, double *base);

/* Apply a fitted normalisation (reverse = false) or undo it (reverse =
 * true: x = (y - base) / gain + offset, the same map with the roles of
 * offset and base swapped and the gain inverted). */
static nb_tensor *affine_transform(const nb_tensor *x, const void *ps, int64_t fitted,
                                   nb_coeffs_fn coeffs, bool reverse, const char *op)
{
    int64_t rows, nf;
    if (check_data(x, op, &rows, &nf) < 0 || check_settings(x, nf, fitted, ps, op) < 0)
        return NULL;
    double *c = arena_doubles(nf, op);
    if (!c)
        return NULL;
    double *offset = c, *gain = c + nf, *base = c + 2 * nf;
    coeffs(ps, offset, gain, base);
    if (reverse)
        for (int64_t f = 0; f < nf; f++) {
            double o = offset[f];
            offset[f] = base[f];
            gain[f] = 1 / gain[f];
            base[f] = o;
        }
    return affine_cols(x, nf, offset, gain, base, op);
}

/* offset/gain/base of the forward map (scratch: 3*nf doubles). */
static void minmax_coeffs(const void *settings, double *offset, double *gain, double *base)
{
    const nb_minmax_settings *ps = settings;
    for (int64_t f = 0; f < ps->features; f++) {
        double range = ps->xmax[f] - ps->xmin[f];
        base[f] = ps->ymin;
        if (range == 0 || !isfinite(range)) {
            gain[f] = 1;
            offset[f] = ps->ymin;
        } else {
            gain[f] = (ps->ymax - ps->ymin) / range;
            offset[f] = ps->xmin[f];
        }
    }
}

nb_tensor *nb_mapminmax_apply(const nb_tensor *x, const nb_minmax_settings *ps)
{
    return affine_transform(x, ps, ps ? ps->features : 0, minmax_coeffs, false,
                            "nb_mapminmax_apply");
}

nb_tensor *nb_mapminmax_reverse(const nb_tensor *y, const nb_minmax_settings *ps)
{
    return affine_transform(y, ps, ps ? ps->features : 0, minmax_coeffs, true,
                            "nb_mapminmax_reverse");
}

nb_tensor *nb_mapminmax(const nb_tensor *x, double ymin, double ymax, nb_minmax_settings *ps)
{
    static const char *op = "nb_mapminmax";
    if (minmax_fit(op, x, ymin, ymax, ps) < 0)
        return NULL;
    return affine_transform(x, ps, ps->features, minmax_coeffs, false, op);
}

/* ---- z-score ---- */

/* nb_zscore_fit, with messages naming `op` (it or nb_zscore). */
static int zscore_fit(const char *op, const nb_tensor *x, nb_zscore_settings *ps)
{
    int64_t rows, nf;
    int rc = check_fit(x, ps, op, &rows, &nf);
    if (rc < 0)
        return rc;
    double *mem = arena_doubles(nf, op);
    if (!mem)
        return nb_last_status(); /* no current arena, or out of memory */
    double *mean = mem, *sd = mem + nf;
    for (int64_t f = 0; f < nf; f++)
        mean[f] = sd[f] = 0;
    for (int64_t i = 0; i < x->numel; i++)
        mean[i % nf] += nb__get(x, i);
    for (int64_t f = 0; f < nf; f++)
        mean[f] = rows ? mean[f] / (double)rows : 0;
    /* Two passes (sum of squared deviations) rather than E[x^2]-E[x]^2,
     * which cancels badly for data far from 0. */
    for (int64_t i = 0; i < x->numel; i++) {
        double d = nb__get(x, i) - mean[i % nf];
        sd[i % nf] += d * d;
    }
    for (int64_t f = 0; f < nf; f++)
        sd[f] = rows > 1 ? sqrt(sd[f] / (double)(rows - 1)) : 0;
    ps->features = nf;
    ps->mean = mean;
    ps->std = sd;
    return NB_OK;
}

int nb_zscore_fit(const nb_tensor *x, nb_zscore_settings *ps)
{
    return zscore_fit("nb_zscore_fit", x, ps);
}

static void zscore_coeffs(const void *settings, double *offset, double *gain, double *base)
{
    const nb_zscore_settings *ps = settings;
    for (int64_t f = 0; f < ps->features; f++) {
        base[f] = 0;
        if (ps->std[f] == 0 || !isfinite(ps->std[f]) || !isfinite(ps->mean[f])) {
            gain[f] = 1;
            offset[f] = 0;
        } else {
            gain[f] = 1 / ps->std[f];
            offset[f] = ps->mean[f];
        }
    }
}

nb_tensor *nb_zscore_apply(const nb_tensor *x, const nb_zscore_settings *ps)
{
    return affine_transform(x, ps, ps ? ps->features : 0, zscore_coeffs, false, "nb_zscore_apply");
}

nb_tensor *nb_zscore_reverse(const nb_tensor *y, const nb_zscore_settings *ps)
{
    return affine_transform(y, ps, ps ? ps->features : 0, zscore_coeffs, true, "nb_zscore_reverse");
}

nb_tensor *nb_zscore(const nb_tensor *x, nb_zscore_settings *ps)
{
    static const char *op = "nb_zscore";
    if (zscore_fit(op, x, ps) < 0)
        return NULL;
    return affine_transform(x, ps, ps->features, zscore_coeffs, false, op);
}
