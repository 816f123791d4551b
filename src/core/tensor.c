/* Tensor creation, accessors, in-place writes and printing. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <float.h>
#include <math.h>
#include <string.h>

#include "core/option_check.h"
#include "core/tensor_internal.h"

size_t nb_dtype_size(nb_dtype dtype) { return dtype == NB_F64 ? sizeof(double) : sizeof(float); }

const char *nb_dtype_name(nb_dtype dtype) { return dtype == NB_F64 ? "f64" : "f32"; }

int64_t nb__shape_numel(int ndim, const int64_t *shape)
{
    /* The bound is on the product of the nonzero sizes: 0 x INT64_MAX x 2
     * has no elements, but an op that multiplies its other sizes (a row
     * length, a reduction's inner count) would overflow. */
    int64_t nonzero = 1;
    bool empty = false;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return -1;
        if (shape[i] == 0) {
            empty = true;
            continue;
        }
        /* Both below 2^30 where the bound is 2^60 - 1 (64-bit size_t): the
         * product is within it and needs no division, which matters as this
         * runs for every tensor an op makes.  Elsewhere always divide. */
        const int64_t fast = NB_SHAPE_MAX_ELEMS >= ((int64_t)1 << 60) - 1 ? (int64_t)1 << 30 : 1;
        if ((nonzero | shape[i]) >= fast && nonzero > NB_SHAPE_MAX_ELEMS / shape[i])
            return -1;
        nonzero *= shape[i];
    }
    return empty ? 0 : nonzero;
}

char *nb__shape_fmt(int ndim, const int64_t *shape, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    if (ndim == 0) {
        snprintf(buf, size, "scalar");
        return buf;
    }
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < ndim && off < size; i++) {
        int w = snprintf(buf + off, size - off, i ? "x%lld" : "%lld", (long long)shape[i]);
        if (w < 0)
            break;
        off += (size_t)w;
    }
    return buf;
}

char *nb_tensor_shape_str(const nb_tensor *t, char *buf, size_t size)
{
    if (!nb_tensor_valid(t)) {
        if (buf && size)
            snprintf(buf, size, "(invalid)");
        return buf;
    }
    return nb__shape_fmt(t->ndim, t->shape, buf, size);
}

nb_tensor *nb__tensor_empty_in(nb_arena *arena, nb_dtype dtype, int ndim, const int64_t *shape,
                               const char *op)
{
    if (!arena) {
        nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
        return NULL;
    }
    if (dtype != NB_F32 && dtype != NB_F64) {
        nb__error(NB_ERR_DTYPE, "%s: unknown dtype %d (expected NB_F32 or NB_F64)", op, (int)dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > NB_MAX_DIMS) {
        nb__error(NB_ERR_SHAPE, "%s: %d dimensions requested, nabla supports 0..%d", op, ndim,
                  NB_MAX_DIMS);
        return NULL;
    }
    if (ndim > 0 && !shape) {
        nb__error(NB_ERR_NULL, "%s: shape is NULL for a %d-d tensor", op, ndim);
        return NULL;
    }
    int64_t numel = nb__shape_numel(ndim, shape);
    if (numel < 0) {
        char buf[NB_MAX_DIMS * 21 + 1];
        nb__shape_fmt(ndim, shape, buf, sizeof buf);
        for (int i = 0; i < ndim; i++)
            if (shape[i] < 0) {
                nb__error(NB_ERR_SHAPE, "%s: invalid shape %s: size %lld at axis %d is negative", op,
                          buf, (long long)shape[i], i);
                return NULL;
            }
        nb__error(NB_ERR_SHAPE,
                  "%s: invalid shape %s: its nonzero sizes multiply to more than %lld elements, the "
                  "most whose byte count fits in int64 and size_t (a zero size does not lift the "
                  "limit)",
                  op, buf, (long long)NB_SHAPE_MAX_ELEMS);
        return NULL;
    }
    /* numel * esize fits in size_t: nb__shape_numel bounds it for 8 bytes */
    size_t esize = nb_dtype_size(dtype);
    /* The header comes from the zone whose addresses reset does not reuse,
     * so a stale handle never aliases a newer tensor (arena.c). */
    nb_tensor *t = nb__arena_alloc_header(arena, nb__tensor_header_bytes(ndim));
    /* Cache-line alignment for data a kernel streams through; tiny tensors
     * (scalars of a long chain of ops) need only 16 bytes. */
    size_t bytes = (size_t)numel * esize;
    void *data = t ? nb__arena_alloc_aligned(arena, bytes, bytes >= 64 ? 64 : 16) : NULL;
    if (!data) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory for a tensor of %lld elements", op,
                  (long long)numel);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->magic = NB_TENSOR_MAGIC;
    t->dtype = (uint8_t)dtype;
    t->ndim = (int8_t)ndim;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    t->numel = numel;
    t->data = data;
    t->arena = arena;
    t->generation = nb_arena_generation(arena);
    t->version_counter = &t->own_version;
    return t;
}

void nb__tensor_share_version(nb_tensor *view, nb_tensor *base)
{
    uint64_t v = nb__version(view), b = nb__version(base);
    *base->version_counter = (v > b ? v : b) + 1;
    view->version_counter = base->version_counter;
}

nb_tensor *nb__tensor_empty(nb_dtype dtype, int ndim, const int64_t *shape, const char *op)
{
    return nb__tensor_empty_in(nb_arena_current(), dtype, ndim, shape, op);
}

int nb__check_tensor(const nb_tensor *t, const char *op, const char *what)
{
    if (!t)
        return nb__null_input(op, what);
    /* Magic first: only a header that has it may have its arena read (a
     * header given back at reset or free reads as zeros). */
    if (t->magic != NB_TENSOR_MAGIC)
        return nb__error(NB_ERR_STATE, "%s: %s is not a live tensor (its arena was reset or freed)",
                         op, what);
    if (t->generation != nb_arena_generation(t->arena))
        return nb__error(NB_ERR_STATE,
                         "%s: %s was made before its arena was reset (generation %llu, arena is at "
                         "%llu); tensors do not survive nb_arena_reset",
                         op, what, (unsigned long long)t->generation,
                         (unsigned long long)nb_arena_generation(t->arena));
    return 0;
}

bool nb_tensor_valid(const nb_tensor *t)
{
    return t && t->magic == NB_TENSOR_MAGIC && t->generation == nb_arena_generation(t->arena);
}

/* For the plain accessors: NULL gives false with no new message (sticky
 * errors); a tensor that is not live records NB_ERR_STATE naming `fn`. */
static bool nb_live(const nb_tensor *t, const char *fn)
{
    if (!t)
        return false;
    if (nb_tensor_valid(t))
        return true;
    nb__check_tensor(t, fn, "tensor");
    return false;
}

/* ---- creation ---- */

/* nb_full and the wrappers over it: a failure's message names `api`, the
 * function the user called. */
static nb_tensor *nb_full_as(const char *api, nb_dtype dtype, int ndim, const int64_t *shape,
                             double value)
{
    nb_tensor *t = nb__tensor_empty(dtype, ndim, shape, api);
    if (!t)
        return NULL;
    if (dtype == NB_F32) {
        float *d = t->data, v = (float)value;
        for (int64_t i = 0; i < t->numel; i++)
            d[i] = v;
    } else {
        double *d = t->data;
        for (int64_t i = 0; i < t->numel; i++)
            d[i] = value;
    }
    return t;
}

nb_tensor *nb_full(nb_dtype dtype, int ndim, const int64_t *shape, double value)
{
    return nb_full_as("nb_full", dtype, ndim, shape, value);
}

nb_tensor *nb_zeros(nb_dtype dtype, int ndim, const int64_t *shape)
{
    return nb_full_as("nb_zeros", dtype, ndim, shape, 0.0);
}

nb_tensor *nb_ones(nb_dtype dtype, int ndim, const int64_t *shape)
{
    return nb_full_as("nb_ones", dtype, ndim, shape, 1.0);
}

nb_tensor *nb_scalar(nb_dtype dtype, double value)
{
    return nb_full_as("nb_scalar", dtype, 0, NULL, value);
}

/* The new, unfilled tensor of a creation from user data, once the shape
 * is valid and data is present (NULL is fine for no elements). */
static nb_tensor *nb_from_checked(const char *api, nb_dtype dtype, const void *data, int ndim,
                                  const int64_t *shape)
{
    nb_tensor *t = nb__tensor_empty(dtype, ndim, shape, api);
    if (t && t->numel > 0 && !data) {
        nb__error(NB_ERR_NULL, "%s: data is NULL", api);
        return NULL;
    }
    return t;
}

/* nb_from_data and the wrappers over it, naming `api` like nb_full_as. */
static nb_tensor *nb_from_data_as(const char *api, nb_dtype dtype, const void *data, int ndim,
                                  const int64_t *shape)
{
    nb_tensor *t = nb_from_checked(api, dtype, data, ndim, shape);
    if (t && t->numel > 0)
        memcpy(t->data, data, (size_t)t->numel * nb_dtype_size(dtype));
    return t;
}

nb_tensor *nb_from_data(nb_dtype dtype, const void *data, int ndim, const int64_t *shape)
{
    return nb_from_data_as("nb_from_data", dtype, data, ndim, shape);
}

nb_tensor *nb_from_f32(const float *data, int ndim, const int64_t *shape)
{
    return nb_from_data_as("nb_from_f32", NB_F32, data, ndim, shape);
}

nb_tensor *nb_from_f64(const double *data, int ndim, const int64_t *shape)
{
    return nb_from_data_as("nb_from_f64", NB_F64, data, ndim, shape);
}

nb_tensor *nb_from_int(nb_dtype dtype, const int *data, int ndim, const int64_t *shape)
{
    static const char api[] = "nb_from_int";
    nb_tensor *t = nb_from_checked(api, dtype, data, ndim, shape);
    if (!t)
        return NULL;
    /* every int is exact in f64; in f32 only up to 2^24, and a class label
     * or index rounded to a neighbour would be a silently wrong number */
    for (int64_t i = 0; i < t->numel; i++) {
        if (dtype == NB_F32 && (data[i] > (1 << 24) || data[i] < -(1 << 24))) {
            nb__error(NB_ERR_ARG, "%s: element %lld is %d, which f32 cannot hold exactly "
                      "(|value| <= 16777216; use NB_F64)", api, (long long)i, data[i]);
            return NULL;
        }
        if (dtype == NB_F32)
            ((float *)t->data)[i] = (float)data[i];
        else
            ((double *)t->data)[i] = data[i];
    }
    return t;
}

nb_tensor *nb_arange(nb_dtype dtype, double start, double stop, double step)
{
    if (step == 0 || !isfinite(start) || !isfinite(stop) || !isfinite(step)) {
        nb__error(NB_ERR_ARG, "nb_arange: need finite start/stop and a non-zero step (got %g, %g, %g)",
                  start, stop, step);
        return NULL;
    }
    double span = ceil((stop - start) / step);
    if (!(span < (double)NB_SHAPE_MAX_ELEMS)) { /* also the conversion's bound */
        nb__error(NB_ERR_SHAPE, "nb_arange: %g elements are too many (at most %lld)", span,
                  (long long)NB_SHAPE_MAX_ELEMS);
        return NULL;
    }
    int64_t n = span > 0 ? (int64_t)span : 0;
    nb_tensor *t = nb__tensor_empty(dtype, 1, &n, "nb_arange");
    if (!t)
        return NULL;
    for (int64_t i = 0; i < n; i++)
        nb__set(t, i, start + (double)i * step);
    return t;
}

/* A parameter of a random tensor: a finite number from `lo` on (ends as for
 * nb__check_opt), and within the f32 range for an f32 tensor, whose values
 * would otherwise be inf. */
static int nb_rand_param(const char *api, const char *name, double v, double lo, const char *ends,
                         nb_dtype dtype)
{
    int rc = nb__check_opt(api, name, v, lo, INFINITY, ends);
    if (rc == 0 && dtype == NB_F32 && fabs(v) > FLT_MAX)
        rc = nb__error(NB_ERR_ARG, "%s: %s is %g, beyond the f32 range (largest %g); use NB_F64",
                       api, name, v, (double)FLT_MAX);
    return rc;
}

/* The arguments both random tensors check, in this order: rng present, the
 * first parameter any finite number, the second one from lo2 on (ends2). */
static int nb_rand_args(const char *api, const nb_rng *rng, nb_dtype dtype, const char *name1,
                        double v1, const char *name2, double v2, double lo2, const char *ends2)
{
    if (!rng)
        return nb__null_input(api, "rng");
    int rc = nb_rand_param(api, name1, v1, -INFINITY, "()", dtype);
    return rc < 0 ? rc : nb_rand_param(api, name2, v2, lo2, ends2, dtype);
}

/* A new tensor of shift + scale * r, r drawn for each element in order:
 * normal(0, 1) when `normal`, uniform in [0, 1) otherwise. */
static nb_tensor *nb_rand_fill(const char *api, nb_rng *rng, bool normal, nb_dtype dtype,
                               int ndim, const int64_t *shape, double shift, double scale)
{
    nb_tensor *t = nb__tensor_empty(dtype, ndim, shape, api);
    if (!t)
        return NULL;
    for (int64_t i = 0; i < t->numel; i++)
        nb__set(t, i, shift + scale * (normal ? nb_rng_normal(rng) : nb_rng_uniform(rng)));
    return t;
}

nb_tensor *nb_rand_uniform(nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape, double low,
                           double high)
{
    static const char *api = "nb_rand_uniform";
    if (nb_rand_args(api, rng, dtype, "low", low, "high", high, -INFINITY, "()") < 0)
        return NULL;
    /* low == high is a degenerate range, every value low (PyTorch's
     * uniform_ allows it too); low > high is a mistake. */
    if (high < low) {
        nb__error(NB_ERR_ARG, "%s: high is %g but low is %g; need low <= high (did you swap them?)",
                  api, high, low);
        return NULL;
    }
    if (!isfinite(high - low)) {
        nb__error(NB_ERR_ARG, "%s: high - low overflows (low %g, high %g); use a narrower range",
                  api, low, high);
        return NULL;
    }
    return nb_rand_fill(api, rng, false, dtype, ndim, shape, low, high - low);
}

nb_tensor *nb_rand_normal(nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape, double mean,
                          double std)
{
    static const char *api = "nb_rand_normal";
    /* std == 0 gives a tensor of mean (PyTorch's normal_ allows it too). */
    if (nb_rand_args(api, rng, dtype, "mean", mean, "std", std, 0, "[)") < 0)
        return NULL;
    return nb_rand_fill(api, rng, true, dtype, ndim, shape, mean, std);
}

nb_tensor *nb_tensor_clone(const nb_tensor *t)
{
    if (nb__check_tensor(t, "nb_tensor_clone", "tensor") < 0)
        return NULL;
    return nb_from_data_as("nb_tensor_clone", t->dtype, t->data, t->ndim, t->shape);
}

/* ---- accessors ---- */

nb_dtype nb_tensor_dtype(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_dtype") ? t->dtype : NB_F32;
}
int nb_tensor_ndim(const nb_tensor *t) { return nb_live(t, "nb_tensor_ndim") ? t->ndim : 0; }
const int64_t *nb_tensor_shape(const nb_tensor *t) { return nb_live(t, "nb_tensor_shape") ? t->shape : NULL; }
int64_t nb_tensor_numel(const nb_tensor *t) { return nb_live(t, "nb_tensor_numel") ? t->numel : 0; }

int64_t nb_tensor_dim(const nb_tensor *t, int axis)
{
    if (!nb_live(t, "nb_tensor_dim"))
        return -1;
    int a = axis < 0 ? axis + t->ndim : axis;
    if (a < 0 || a >= t->ndim) {
        nb__error(NB_ERR_ARG, "nb_tensor_dim: axis %d out of range for a %d-d tensor", axis, t->ndim);
        return -1;
    }
    return t->shape[a];
}

/* The buffer of t for the typed accessor `api`, which only serves `want`
 * (`other` is the accessor for the other type, named in the message). */
static void *nb_typed_data(nb_tensor *t, nb_dtype want, const char *api, const char *other)
{
    if (nb__check_tensor(t, api, "tensor") < 0)
        return NULL;
    if (t->dtype != want) {
        nb__error(NB_ERR_DTYPE, "%s: tensor is %s (use %s)", api, nb_dtype_name(t->dtype), other);
        return NULL;
    }
    return t->data;
}

float *nb_tensor_data_f32(nb_tensor *t)
{
    return nb_typed_data(t, NB_F32, "nb_tensor_data_f32", "nb_tensor_data_f64");
}

double *nb_tensor_data_f64(nb_tensor *t)
{
    return nb_typed_data(t, NB_F64, "nb_tensor_data_f64", "nb_tensor_data_f32");
}

void *nb_tensor_data(nb_tensor *t)
{
    if (nb__check_tensor(t, "nb_tensor_data", "tensor") < 0)
        return NULL;
    return t->data;
}

double nb_tensor_get(const nb_tensor *t, int64_t index)
{
    if (nb__check_tensor(t, "nb_tensor_get", "tensor") < 0)
        return NAN;
    if (index < 0 || index >= t->numel) {
        nb__error(NB_ERR_ARG, "nb_tensor_get: index %lld out of range (tensor has %lld elements)",
                  (long long)index, (long long)t->numel);
        return NAN;
    }
    return nb__get(t, index);
}

double nb_tensor_item(const nb_tensor *t)
{
    if (nb__check_tensor(t, "nb_tensor_item", "tensor") < 0)
        return NAN;
    if (t->numel != 1) {
        char buf[96];
        nb__error(NB_ERR_SHAPE, "nb_tensor_item: tensor of shape %s has %lld elements, expected 1",
                  nb__shape_fmt(t->ndim, t->shape, buf, sizeof buf), (long long)t->numel);
        return NAN;
    }
    return nb__get(t, 0);
}

nb_arena *nb_tensor_arena(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_arena") ? t->arena : NULL;
}

bool nb_tensor_same_shape(const nb_tensor *a, const nb_tensor *b)
{
    if (!a || !b || !nb_live(a, "nb_tensor_same_shape") || !nb_live(b, "nb_tensor_same_shape") ||
        a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

/* ---- in-place writes ---- */

void nb_tensor_bump_version(nb_tensor *t)
{
    if (nb_live(t, "nb_tensor_bump_version"))
        nb__bump_version(t);
}

uint64_t nb_tensor_version(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_version") ? nb__version(t) : 0;
}

int nb_tensor_fill(nb_tensor *t, double value)
{
    int rc = nb__check_tensor(t, "nb_tensor_fill", "tensor");
    if (rc < 0)
        return rc;
    for (int64_t i = 0; i < t->numel; i++)
        nb__set(t, i, value);
    nb__bump_version(t);
    return NB_OK;
}

int nb_tensor_copy(nb_tensor *dst, const nb_tensor *src)
{
    int rc = nb__check_tensor(dst, "nb_tensor_copy", "dst");
    if (rc == 0)
        rc = nb__check_tensor(src, "nb_tensor_copy", "src");
    if (rc < 0)
        return rc;
    if (!nb_tensor_same_shape(dst, src) || dst->dtype != src->dtype) {
        char a[96], b[96];
        return nb__error(NB_ERR_SHAPE, "nb_tensor_copy: dst is %s %s, src is %s %s",
                         nb_dtype_name(dst->dtype), nb__shape_fmt(dst->ndim, dst->shape, a, sizeof a),
                         nb_dtype_name(src->dtype), nb__shape_fmt(src->ndim, src->shape, b, sizeof b));
    }
    if (dst != src && dst->numel)
        memmove(dst->data, src->data, (size_t)dst->numel * nb_dtype_size(dst->dtype));
    nb__bump_version(dst);
    return NB_OK;
}

/* ---- autograd attributes ---- */

nb_tensor *nb_tensor_set_requires_grad(nb_tensor *t, bool requires_grad)
{
    if (nb__check_tensor(t, "nb_tensor_set_requires_grad", "tensor") < 0)
        return NULL;
    if (t->node) {
        nb__error(NB_ERR_ARG,
                  "nb_tensor_set_requires_grad: the tensor is the result of an op, not a leaf; its "
                  "requires_grad follows its inputs (use nb_detach to make a new leaf)");
        return NULL;
    }
    t->requires_grad = requires_grad;
    return t;
}

bool nb_tensor_requires_grad(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_requires_grad") && t->requires_grad;
}

bool nb_tensor_is_leaf(const nb_tensor *t) { return nb_live(t, "nb_tensor_is_leaf") && !t->node; }

nb_tensor *nb_tensor_grad(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_grad") ? t->grad : NULL;
}

int nb_tensor_zero_grad(nb_tensor *t)
{
    int rc = nb__check_tensor(t, "nb_tensor_zero_grad", "tensor");
    if (rc < 0)
        return rc;
    if (t->grad) {
        memset(t->grad->data, 0, (size_t)t->grad->numel * nb_dtype_size(t->grad->dtype));
        nb__bump_version(t->grad);
    }
    return NB_OK;
}

int nb_tensor_set_name(nb_tensor *t, const char *name)
{
    int rc = nb__check_tensor(t, "nb_tensor_set_name", "tensor");
    if (rc < 0)
        return rc;
    if (!name) {
        t->name = NULL;
        return NB_OK;
    }
    size_t n = strlen(name) + 1;
    char *copy = nb_arena_alloc(t->arena, n);
    if (!copy)
        return NB_ERR_NOMEM;
    memcpy(copy, name, n);
    t->name = copy;
    return NB_OK;
}

const char *nb_tensor_name(const nb_tensor *t)
{
    return nb_live(t, "nb_tensor_name") ? t->name : NULL;
}

/* ---- printing ---- */

int nb_tensor_print(const nb_tensor *t, FILE *out, int64_t max_elems)
{
    int rc = nb__check_tensor(t, "nb_tensor_print", "tensor");
    if (rc < 0)
        return rc;
    if (!out)
        return nb__null_input("nb_tensor_print", "out");
    if (max_elems <= 0)
        max_elems = 64;
    char buf[128];
    fprintf(out, "tensor(%s, %s%s%s) ", nb_dtype_name(t->dtype),
            nb__shape_fmt(t->ndim, t->shape, buf, sizeof buf), t->name ? ", " : "",
            t->name ? t->name : "");
    if (t->ndim == 0) {
        fprintf(out, "%.6g\n", nb__get(t, 0));
        return NB_OK;
    }
    /* Nested brackets: open one per axis whose index is at 0, close one per
     * axis that rolls over; `depth` counts the brackets open. */
    int64_t shown = t->numel < max_elems ? t->numel : max_elems;
    int64_t idx[NB_MAX_DIMS] = {0};
    int depth = 0;
    for (int64_t i = 0; i < shown; i++) {
        int opened = 0;
        for (int a = t->ndim - 1; a >= 0 && idx[a] == 0; a--)
            opened++;
        if (i > 0 && opened)
            fprintf(out, ",\n%*s", t->ndim - opened, "");
        else if (i > 0)
            fputs(", ", out);
        for (int k = 0; k < opened; k++)
            fputc('[', out);
        depth += opened;
        fprintf(out, "%.6g", nb__get(t, i));
        int closed = 0;
        for (int a = t->ndim - 1; a >= 0; a--) {
            if (++idx[a] < t->shape[a])
                break;
            idx[a] = 0;
            closed++;
        }
        for (int k = 0; k < closed; k++)
            fputc(']', out);
        depth -= closed;
    }
    if (shown < t->numel)
        fprintf(out, ", ... (%lld more)", (long long)(t->numel - shown));
    for (; depth > 0; depth--)
        fputc(']', out);
    fputc('\n', out);
    return NB_OK;
}
