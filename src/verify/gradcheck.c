/* nb_gradcheck: the engine's Jacobian against central differences.
 *
 * Analytic side: fn is evaluated once with recording on, then one nb_grad
 * per output element (a one-hot cotangent) gives one row of the Jacobian
 * for every input at once.  Rows are cheaper than columns here because the
 * forward graph is reused by every backward pass.
 *
 * Numeric side: for each element of each input that requires grad, the
 * element is set to x+eps and x-eps in place (version bumped), fn is
 * evaluated with recording off, and the element is restored to exactly its
 * old value.  The divisor is the step actually stored, (x+eps) - (x-eps)
 * after rounding to the input's dtype, which keeps f32 checks from being
 * worse than they must be.
 *
 * Memory: everything temporary goes to two private arenas (one holding the
 * forward graph and the Jacobian, one reset after every evaluation), so a
 * big check does not grow the caller's arena; both are freed at the end. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "verify/verify_internal.h"

#define NB_GC_REPORT_LINES 20

/* What the current check is about, and its running worst entry. */
typedef struct nb_gc {
    const char *api;
    const char *out_name;
    const nb_gradcheck_opts *o;
    nb_gradcheck_result *r;
    nb_tensor *const *inputs;
    nb_tensor **req;   /* the inputs that require grad */
    int *req_index;    /* their positions in inputs */
    int64_t *offset;   /* their first column in the Jacobian */
    int n_req;
    int64_t n_cols;    /* total elements of the inputs that require grad */
    int out_ndim;
    int64_t out_shape[NB_MAX_DIMS];
    double worst;      /* largest error / tolerance so far */
    nb_arena *keep, *tmp;
} nb_gc;

/* Compare one entry, update the result, and report it if it failed. */
static void nb_gc_entry(nb_gc *g, int q, int64_t k, int64_t j, double analytic, double numeric)
{
    nb_gradcheck_result *r = g->r;
    double ratio;
    bool ok = nb__vf_close(analytic, numeric, g->o, &ratio);
    double err = fabs(analytic - numeric);
    double scale = fmax(fabs(analytic), fabs(numeric));
    r->checked++;
    if (!isfinite(err)) {
        r->max_abs_error = INFINITY;
        r->max_rel_error = INFINITY;
    } else {
        r->max_abs_error = fmax(r->max_abs_error, err);
        r->max_rel_error = fmax(r->max_rel_error, scale > 0 ? err / scale : 0.0);
    }
    int input = q >= 0 ? g->req_index[q] : -1;
    char ib[160], ob[160], shape[96];
    const nb_tensor *x = q >= 0 ? g->inputs[input] : NULL;
    if (!ok) {
        r->failed++;
        FILE *rep = g->o->report;
        if (rep && r->failed == 1)
            fprintf(rep, "%s: entries of d %s / d input outside atol %g + rtol %g * |numeric| (eps %g):\n",
                    g->api, g->out_name, g->o->atol, g->o->rtol, g->o->eps);
        if (rep && r->failed <= NB_GC_REPORT_LINES) {
            if (x)
                fprintf(rep, "  inputs[%d] element %lld %s, %s element %lld %s: analytic %.10g, numeric %.10g, error %.3g\n",
                        input, (long long)k, nb__vf_index_fmt(x->ndim, x->shape, k, ib, sizeof ib),
                        g->out_name, (long long)j,
                        nb__vf_index_fmt(g->out_ndim, g->out_shape, j, ob, sizeof ob), analytic,
                        numeric, err);
            else
                fprintf(rep, "  projection v^T J u (seed %llu): analytic %.10g, numeric %.10g, error %.3g\n",
                        (unsigned long long)g->o->seed, analytic, numeric, err);
        }
    }
    if (r->checked > 1 && !(ratio > g->worst))
        return;
    g->worst = ratio;
    r->input_index = input;
    r->element_index = x ? k : -1;
    r->output_index = x ? j : -1;
    r->analytic = analytic;
    r->numeric = numeric;
    double tol = g->o->atol + g->o->rtol * fabs(numeric);
    if (x)
        snprintf(r->message, sizeof r->message,
                 "inputs[%d] element %lld %s (of %s), %s element %lld %s: analytic %.10g vs numeric "
                 "%.10g (error %.3g, tolerance %.3g)",
                 input, (long long)k, nb__vf_index_fmt(x->ndim, x->shape, k, ib, sizeof ib),
                 nb__shape_fmt(x->ndim, x->shape, shape, sizeof shape), g->out_name, (long long)j,
                 nb__vf_index_fmt(g->out_ndim, g->out_shape, j, ob, sizeof ob), analytic, numeric,
                 err, tol);
    else
        snprintf(r->message, sizeof r->message,
                 "projection v^T J u (seed %llu): analytic %.10g vs numeric %.10g (error %.3g, "
                 "tolerance %.3g); run without .fast to find the element",
                 (unsigned long long)g->o->seed, analytic, numeric, err, tol);
}

/* fn at the perturbed inputs, recording off, in the scratch arena; checks
 * that the output kept its size. */
static nb_tensor *nb_gc_eval(nb_gc *g, nb_fn fn, int n_inputs, void *ctx, int64_t m)
{
    nb_tensor *y = nb__vf_call(g->api, fn, g->inputs, n_inputs, ctx, false);
    if (y && y->numel != m) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: fn returned %s at a perturbed point but %s at the start; fn must keep its output shape",
                  g->api, nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                  nb__shape_fmt(g->out_ndim, g->out_shape, s2, sizeof s2));
        return NULL;
    }
    return y;
}

/* The analytic Jacobian, row by row: J[j*n_cols + offset[q] + k]. */
static int nb_gc_rows(nb_gc *g, nb_tensor *y, double *J)
{
    int64_t m = y->numel;
    memset(J, 0, sizeof *J * (size_t)(m * g->n_cols));
    if (!y->requires_grad)
        return NB_OK; /* fn does not depend on the inputs: J is zero */
    nb_tensor **grads = nb_arena_alloc(g->keep, sizeof *grads * (size_t)g->n_req);
    if (!grads)
        return nb_last_status();
    for (int64_t j = 0; j < m; j++) {
        nb_arena_use(g->tmp);
        nb_tensor *seed = nb_zeros(y->dtype, y->ndim, y->shape);
        if (!seed)
            return nb_last_status();
        nb__set(seed, j, 1.0);
        int rc = nb_grad(&y, 1, g->req, g->n_req, &seed, NB_ALLOW_UNUSED, grads);
        if (rc < 0)
            return rc;
        for (int q = 0; q < g->n_req; q++)
            if (grads[q])
                for (int64_t k = 0; k < grads[q]->numel; k++)
                    J[j * g->n_cols + g->offset[q] + k] = nb__get(grads[q], k);
        nb_arena_reset(g->tmp);
    }
    return NB_OK;
}

/* Record fn at the unperturbed inputs and remember the output's shape (for
 * reports).  NULL when fn fails. */
static nb_tensor *nb_gc_record(nb_gc *g, nb_fn fn, int n_inputs, void *ctx)
{
    nb_tensor *y = nb__vf_call(g->api, fn, g->inputs, n_inputs, ctx, true);
    if (y) {
        g->out_ndim = y->ndim;
        /* the header holds ndim sizes, no more */
        memcpy(g->out_shape, y->shape, sizeof g->out_shape[0] * (size_t)y->ndim);
    }
    return y;
}

static int nb_gc_full(nb_gc *g, nb_fn fn, int n_inputs, void *ctx)
{
    nb_tensor *y = nb_gc_record(g, fn, n_inputs, ctx);
    if (!y)
        return nb_last_status();
    int64_t m = y->numel;
    if (m > 0 && g->n_cols > INT64_MAX / 8 / m)
        return nb__error(NB_ERR_NOMEM, "%s: the Jacobian (%lld x %lld) is too big to check in full; use .fast",
                         g->api, (long long)m, (long long)g->n_cols);
    double *J = nb_arena_alloc(g->keep, sizeof *J * (size_t)(m * g->n_cols) + 1);
    double *plus = nb_arena_alloc(g->keep, sizeof *plus * (size_t)m + 1);
    if (!J || !plus)
        return nb_last_status();
    int rc = nb_gc_rows(g, y, J);
    if (rc < 0)
        return rc;

    nb_arena_use(g->tmp);
    double eps = g->o->eps;
    for (int q = 0; q < g->n_req; q++) {
        nb_tensor *x = g->req[q];
        for (int64_t k = 0; k < x->numel; k++) {
            double orig = nb__get(x, k);
            nb__set(x, k, orig + eps);
            double xp = nb__get(x, k);
            nb_tensor_bump_version(x);
            nb_tensor *yp = nb_gc_eval(g, fn, n_inputs, ctx, m);
            if (yp)
                for (int64_t j = 0; j < m; j++)
                    plus[j] = nb__get(yp, j);
            nb_arena_reset(g->tmp);
            nb__set(x, k, orig - eps);
            double xm = nb__get(x, k);
            nb_tensor_bump_version(x);
            nb_tensor *ym = yp ? nb_gc_eval(g, fn, n_inputs, ctx, m) : NULL;
            nb__set(x, k, orig); /* exactly the old value: it was read from x */
            nb_tensor_bump_version(x);
            if (!ym)
                return nb_last_status();
            if (!(xp - xm > 0))
                return nb__error(NB_ERR_ARG,
                                 "%s: eps %g is too small for inputs[%d] element %lld (value %g, %s): "
                                 "x+eps and x-eps round to the same number; use a larger eps",
                                 g->api, eps, g->req_index[q], (long long)k, orig,
                                 nb_dtype_name(x->dtype));
            for (int64_t j = 0; j < m; j++) {
                double numeric = (plus[j] - nb__get(ym, j)) / (xp - xm);
                nb_gc_entry(g, q, k, j, J[j * g->n_cols + g->offset[q] + k], numeric);
            }
            nb_arena_reset(g->tmp);
        }
    }
    return NB_OK;
}

/* Fast mode: one seeded projection v^T J u.  Analytic: one backward with
 * cotangent v, dotted with u.  Numeric: directional difference of v . fn
 * along u.  One comparison catches most wrong gradients but cannot say
 * where they are; the full mode does. */
static int nb_gc_fast(nb_gc *g, nb_fn fn, int n_inputs, void *ctx)
{
    nb_tensor *y = nb_gc_record(g, fn, n_inputs, ctx);
    if (!y)
        return nb_last_status();
    int64_t m = y->numel;
    nb_rng rng;
    nb_rng_seed(&rng, g->o->seed);
    nb_tensor *v = nb__tensor_empty_in(g->keep, y->dtype, y->ndim, y->shape, g->api);
    double *u = nb_arena_alloc(g->keep, sizeof *u * (size_t)g->n_cols + 1);
    double *orig = nb_arena_alloc(g->keep, sizeof *orig * (size_t)g->n_cols + 1);
    nb_tensor **grads = nb_arena_alloc(g->keep, sizeof *grads * (size_t)g->n_req);
    if (!v || !u || !orig || !grads)
        return nb_last_status();
    for (int64_t j = 0; j < m; j++)
        nb__set(v, j, nb_rng_normal(&rng));
    for (int64_t c = 0; c < g->n_cols; c++)
        u[c] = nb_rng_normal(&rng);

    double analytic = 0;
    if (y->requires_grad) {
        nb_arena_use(g->tmp);
        int rc = nb_grad(&y, 1, g->req, g->n_req, &v, NB_ALLOW_UNUSED, grads);
        if (rc < 0)
            return rc;
        for (int q = 0; q < g->n_req; q++)
            if (grads[q])
                for (int64_t k = 0; k < grads[q]->numel; k++)
                    analytic += nb__get(grads[q], k) * u[g->offset[q] + k];
        nb_arena_reset(g->tmp);
    }

    for (int q = 0; q < g->n_req; q++)
        for (int64_t k = 0; k < g->req[q]->numel; k++)
            orig[g->offset[q] + k] = nb__get(g->req[q], k);
    nb_arena_use(g->tmp);
    double proj[2] = {0, 0};
    int rc = NB_OK;
    for (int s = 0; s < 2 && rc == NB_OK; s++) {
        double step = s == 0 ? g->o->eps : -g->o->eps;
        for (int q = 0; q < g->n_req; q++) {
            for (int64_t k = 0; k < g->req[q]->numel; k++)
                nb__set(g->req[q], k, orig[g->offset[q] + k] + step * u[g->offset[q] + k]);
            nb_tensor_bump_version(g->req[q]);
        }
        nb_tensor *yp = nb_gc_eval(g, fn, n_inputs, ctx, m);
        if (!yp)
            rc = nb_last_status();
        else
            for (int64_t j = 0; j < m; j++)
                proj[s] += nb__get(v, j) * nb__get(yp, j);
        nb_arena_reset(g->tmp);
    }
    for (int q = 0; q < g->n_req; q++) {
        for (int64_t k = 0; k < g->req[q]->numel; k++)
            nb__set(g->req[q], k, orig[g->offset[q] + k]);
        nb_tensor_bump_version(g->req[q]);
    }
    if (rc < 0)
        return rc;
    nb_gc_entry(g, -1, -1, -1, analytic, (proj[0] - proj[1]) / (2 * g->o->eps));
    return NB_OK;
}

int nb__vf_gradcheck_core(const char *api, const char *out_name, nb_fn fn, nb_tensor *const *inputs,
                          int n_inputs, void *ctx, const nb_gradcheck_opts *o,
                          nb_gradcheck_result *r)
{
    nb__vf_result_init(r);
    int rc = nb__vf_check_args(api, fn, inputs, n_inputs);
    if (rc < 0)
        return rc;
    int n_req = 0;
    for (int i = 0; i < n_inputs; i++)
        n_req += inputs[i]->requires_grad;
    if (!n_req)
        return nb__error(NB_ERR_ARG,
                         "%s: no input requires grad; mark the inputs to check with "
                         "nb_tensor_set_requires_grad(x, true)",
                         api);
    nb_gc g = {.api = api, .out_name = out_name, .o = o, .r = r, .inputs = inputs, .n_req = n_req};
    g.keep = nb_arena_new();
    g.tmp = g.keep ? nb_arena_new() : NULL;
    if (!g.tmp) {
        nb_arena_free(g.keep);
        return nb_last_status();
    }
    g.req = nb_arena_alloc(g.keep, sizeof *g.req * (size_t)n_req);
    g.req_index = nb_arena_alloc(g.keep, sizeof *g.req_index * (size_t)n_req);
    g.offset = nb_arena_alloc(g.keep, sizeof *g.offset * (size_t)n_req);
    if (!g.req || !g.req_index || !g.offset) {
        rc = nb_last_status();
    } else {
        for (int i = 0, q = 0; i < n_inputs; i++)
            if (inputs[i]->requires_grad) {
                g.req[q] = inputs[i];
                g.req_index[q] = i;
                g.offset[q] = g.n_cols;
                g.n_cols += inputs[i]->numel;
                q++;
            }
        uint64_t *versions = nb_arena_alloc(g.keep, sizeof *versions * (size_t)n_req);
        if (!versions) {
            rc = nb_last_status();
        } else {
            for (int q = 0; q < n_req; q++)
                versions[q] = nb__version(g.req[q]);
            nb_arena *prev = nb_arena_use(g.keep);
            rc = o->fast ? nb_gc_fast(&g, fn, n_inputs, ctx) : nb_gc_full(&g, fn, n_inputs, ctx);
            nb_arena_use(prev);
            /* Every path above puts each element back bit for bit, so the
             * inputs hold exactly what any graph recorded before the call
             * saw: give them back their versions, and such a graph can still
             * be backpropagated.  (The graphs recorded on perturbed values
             * lived in the scratch arenas and are gone.) */
            for (int q = 0; q < n_req; q++)
                *g.req[q]->version_counter = versions[q];
        }
    }
    nb_arena_free(g.tmp);
    nb_arena_free(g.keep);
    return rc;
}

int nb_gradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                 const nb_gradcheck_opts *opts, nb_gradcheck_result *result)
{
    const char *api = "nb_gradcheck";
    nb_gradcheck_result local;
    nb_gradcheck_result *r = result ? result : &local;
    nb_gradcheck_opts o = {0};
    int rc = nb__vf_begin(api, fn, inputs, n_inputs, opts, &o, r);
    if (rc == NB_OK) {
        nb__vf_warn_f32(api, &o, inputs, n_inputs);
        rc = nb__vf_gradcheck_core(api, "output", fn, inputs, n_inputs, ctx, &o, r);
    }
    if (rc < 0) {
        r->passed = false;
        snprintf(r->message, sizeof r->message, "%s", nb_last_error());
        return rc;
    }
    return nb__vf_finish(api, &o, r);
}
