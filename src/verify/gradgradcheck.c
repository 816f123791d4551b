/* nb_gradgradcheck: second derivatives against finite differences of first
 * derivatives.
 *
 * With a seeded random cotangent v (fn's output shape), each input p that
 * requires grad gives a function g_p(inputs) = v . d fn / d inputs[p], the
 * first-order gradient computed by nb_grad.  Each g_p is then checked by the
 * same core as nb_gradcheck: its analytic Jacobian comes from a second
 * backward pass through the graph that NB_CREATE_GRAPH recorded during the
 * first, its numeric Jacobian from central differences of g_p's values.
 * Results of all g_p are merged: output_index is a flat index into the
 * concatenation of g_p over the inputs that require grad, in order. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "verify/verify_internal.h"

typedef struct nb_gg_ctx {
    const char *api;
    nb_fn fn;
    void *ctx;
    nb_tensor *v; /* cotangent, fn's output shape */
    int target;   /* p */
} nb_gg_ctx;

/* g_p(inputs).  The core calls it with recording on (analytic side: the
 * first backward must be recorded, hence NB_CREATE_GRAPH) and off (numeric
 * side: only values are needed, so the cheaper plain backward is used).
 * Either way fn itself must record, so recording is switched on around it. */
static nb_tensor *nb_gg_first_order(nb_tensor *const *inputs, int n_inputs, void *vctx)
{
    nb_gg_ctx *c = vctx;
    bool outer = nb_grad_enabled();
    nb_tensor *x = inputs[c->target];
    nb_tensor *y = nb__vf_call(c->api, c->fn, inputs, n_inputs, c->ctx, true);
    if (!y)
        return NULL;
    if (!nb_tensor_same_shape(y, c->v) || y->dtype != c->v->dtype) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: fn returned %s %s at a perturbed point but %s %s at the start; fn must keep its output shape",
                  c->api, nb_dtype_name(y->dtype), nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                  nb_dtype_name(c->v->dtype), nb__shape_fmt(c->v->ndim, c->v->shape, s2, sizeof s2));
        return NULL;
    }
    if (!y->requires_grad)
        return nb_zeros(x->dtype, x->ndim, x->shape); /* fn is constant in the inputs */
    nb_tensor *g = NULL;
    unsigned flags = NB_ALLOW_UNUSED | (outer ? NB_CREATE_GRAPH : 0u);
    if (nb_grad(&y, 1, &inputs[c->target], 1, &c->v, flags, &g) < 0)
        return NULL;
    return g ? g : nb_zeros(x->dtype, x->ndim, x->shape);
}

int nb_gradgradcheck(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                     const nb_gradcheck_opts *opts, nb_gradcheck_result *result)
{
    const char *api = "nb_gradgradcheck";
    nb_gradcheck_result local;
    nb_gradcheck_result *r = result ? result : &local;
    nb_gradcheck_opts o = {0};
    int rc = nb__vf_begin(api, fn, inputs, n_inputs, opts, &o, r);
    int n_req = 0;
    if (rc == NB_OK) {
        for (int i = 0; i < n_inputs; i++)
            n_req += inputs[i]->requires_grad;
        if (!n_req)
            rc = nb__error(NB_ERR_ARG,
                           "%s: no input requires grad; mark the inputs to check with "
                           "nb_tensor_set_requires_grad(x, true)",
                           api);
    }
    nb_arena *keep = NULL;
    if (rc == NB_OK) {
        keep = nb_arena_new();
        if (!keep)
            rc = nb_last_status();
    }
    if (rc == NB_OK) {
        nb__vf_warn_f32(api, &o, inputs, n_inputs);
        nb_arena *prev = nb_arena_use(keep);
        nb_tensor *y = nb__vf_call(api, fn, inputs, n_inputs, ctx, false);
        nb_tensor *v = y ? nb__tensor_empty(y->dtype, y->ndim, y->shape, api) : NULL;
        nb_arena_use(prev);
        if (!v) {
            rc = nb_last_status();
        } else {
            nb_rng rng;
            nb_rng_seed(&rng, o.seed);
            for (int64_t j = 0; j < v->numel; j++)
                nb__set(v, j, nb_rng_normal(&rng));
            nb_gg_ctx c = {.api = api, .fn = fn, .ctx = ctx, .v = v};
            nb_gradcheck_opts inner = o;
            inner.allow_f32 = true; /* warned once above */
            double worst = -1;
            int64_t offset = 0;
            for (int p = 0; p < n_inputs && rc == NB_OK; p++) {
                if (!inputs[p]->requires_grad)
                    continue;
                char out_name[48];
                snprintf(out_name, sizeof out_name, "grad of inputs[%d]", p);
                nb_gradcheck_result rp;
                c.target = p;
                rc = nb__vf_gradcheck_core(api, out_name, nb_gg_first_order, inputs, n_inputs, &c,
                                           &inner, &rp);
                if (rc < 0)
                    break;
                r->checked += rp.checked;
                r->failed += rp.failed;
                r->max_abs_error = fmax(r->max_abs_error, rp.max_abs_error);
                r->max_rel_error = fmax(r->max_rel_error, rp.max_rel_error);
                double ratio;
                nb__vf_close(rp.analytic, rp.numeric, &o, &ratio);
                if (rp.checked && ratio > worst) {
                    worst = ratio;
                    r->input_index = rp.input_index;
                    r->element_index = rp.element_index;
                    r->output_index = rp.output_index >= 0 ? offset + rp.output_index : -1;
                    r->analytic = rp.analytic;
                    r->numeric = rp.numeric;
                    memcpy(r->message, rp.message, sizeof r->message);
                }
                offset += inputs[p]->numel;
            }
        }
    }
    nb_arena_free(keep);
    if (rc < 0) {
        nb_gradcheck_result keep_counts = *r;
        nb__vf_result_init(r);
        r->checked = keep_counts.checked;
        snprintf(r->message, sizeof r->message, "%s", nb_last_error());
        return rc;
    }
    return nb__vf_finish(api, &o, r);
}
