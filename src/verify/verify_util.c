/* Small helpers shared by the verification tools: argument checks, calling
 * the user's function with a chosen grad mode, defaults and formatting. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "core/option_check.h"
#include "verify/verify_internal.h"

int nb__vf_check_args(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs)
{
    if (!fn)
        return nb__error(NB_ERR_NULL, "%s: fn is NULL (pass the function to differentiate)", api);
    if (!inputs)
        return nb__error(NB_ERR_NULL, "%s: inputs is NULL (pass an array of %d tensors)", api,
                         n_inputs);
    if (n_inputs < 1)
        return nb__error(NB_ERR_ARG, "%s: n_inputs is %d; need at least one input", api, n_inputs);
    char what[40];
    for (int i = 0; i < n_inputs; i++) {
        snprintf(what, sizeof what, "inputs[%d]", i);
        int rc = nb__check_tensor(inputs[i], api, what);
        if (rc < 0)
            return rc;
    }
    return NB_OK;
}

nb_tensor *nb__vf_call(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                       bool grad_on)
{
    bool prev = nb_set_grad_enabled(grad_on);
    nb_tensor *y = fn(inputs, n_inputs, ctx);
    nb_set_grad_enabled(prev);
    if (!y) {
        /* fn's own message says what went wrong: pass it through. */
        if (!nb__error_pending())
            nb__error(NB_ERR_STATE, "%s: fn returned NULL without recording an error", api);
        return NULL;
    }
    if (nb__check_tensor(y, api, "the tensor returned by fn") < 0)
        return NULL;
    return y;
}

int nb__vf_opts(const char *api, const nb_gradcheck_opts *opts, nb_gradcheck_opts *out)
{
    nb_gradcheck_opts o = {0};
    if (opts)
        o = *opts;
    /* Only an exact 0 means "default": a NaN, an infinity or a negative
     * value is a mistake, and an infinite tolerance would pass any
     * gradient. */
    if (o.eps == 0)
        o.eps = 1e-6;
    if (o.atol == 0)
        o.atol = 1e-5;
    if (o.rtol == 0)
        o.rtol = 1e-3;
    *out = o;
    if (nb__check_opt(api, "eps", o.eps, 0, INFINITY, "()") < 0 ||
        nb__check_opt(api, "atol", o.atol, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "rtol", o.rtol, 0, INFINITY, "[)") < 0)
        return NB_ERR_ARG;
    return NB_OK;
}

void nb__vf_result_init(nb_gradcheck_result *r)
{
    memset(r, 0, sizeof *r);
    r->input_index = -1;
    r->element_index = -1;
    r->output_index = -1;
}

int nb__vf_begin(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs,
                 const nb_gradcheck_opts *opts, nb_gradcheck_opts *o, nb_gradcheck_result *r)
{
    nb__vf_result_init(r);
    int rc = nb__vf_check_args(api, fn, inputs, n_inputs);
    return rc == NB_OK ? nb__vf_opts(api, opts, o) : rc;
}

char *nb__vf_index_fmt(int ndim, const int64_t *shape, int64_t i, char *buf, size_t size)
{
    int64_t idx[NB_MAX_DIMS];
    for (int d = ndim - 1; d >= 0; d--) {
        int64_t n = shape[d] > 0 ? shape[d] : 1;
        idx[d] = i % n;
        i /= n;
    }
    size_t used = 0;
    buf[0] = '\0';
    used += (size_t)snprintf(buf, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, d ? ",%lld" : "%lld", (long long)idx[d]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
    return buf;
}

void nb__vf_warn_f32(const char *api, const nb_gradcheck_opts *o, nb_tensor *const *inputs,
                     int n_inputs)
{
    if (!o->report || o->allow_f32)
        return;
    for (int i = 0; i < n_inputs; i++)
        if (inputs[i]->requires_grad && inputs[i]->dtype == NB_F32) {
            fprintf(o->report,
                    "%s: warning: inputs[%d] is f32; finite differences in f32 are unreliable "
                    "(they fail on correct code and can pass wrong code): check in f64, or set "
                    ".allow_f32 and loosen eps/atol/rtol\n",
                    api, i);
            return;
        }
}

bool nb__vf_close(double analytic, double numeric, const nb_gradcheck_opts *o, double *ratio)
{
    double err = fabs(analytic - numeric);
    double tol = o->atol + o->rtol * fabs(numeric);
    if (!isfinite(analytic) || !isfinite(numeric) || isnan(err)) {
        *ratio = INFINITY;
        return false;
    }
    *ratio = err / tol;
    return err <= tol;
}

int nb__vf_finish(const char *api, const nb_gradcheck_opts *o, nb_gradcheck_result *r)
{
    char where[sizeof r->message];
    memcpy(where, r->message, sizeof where);
    if (r->failed) {
        r->passed = false;
        snprintf(r->message, sizeof r->message, "%s: %lld of %lld %s differ; worst: %.420s", api,
                 (long long)r->failed, (long long)r->checked,
                 o->fast ? "projections" : "Jacobian entries", where);
        nb__error(NB_ERR_GRAD, "%s", r->message);
        if (o->report)
            fprintf(o->report, "%s\n", r->message);
        return NB_ERR_GRAD;
    }
    r->passed = true;
    snprintf(r->message, sizeof r->message,
             "%s: passed (%lld %s, max abs error %.3g, max rel error %.3g)", api,
             (long long)r->checked, o->fast ? "projections" : "Jacobian entries",
             r->max_abs_error, r->max_rel_error);
    return NB_OK;
}
