/* nb_check_grad: a gradient derived by hand against the engine's gradient
 * and against central differences, and the same for a Hessian-vector
 * product.
 *
 * Three numbers per entry: yours, autodiff (nb_grad on fn) and numeric
 * (central differences of fn).  Yours must agree with both; the two
 * references must agree with each other too, or the point is a bad one to
 * check at (a kink, a step too large) or fn's own backward is wrong (a
 * custom op), and the report says so.
 *
 * Everything runs on f64 copies of the inputs in private arenas: the
 * user's tensors are never written (unlike nb_gradcheck, which perturbs
 * them in place), so nothing about their versions or .grad can change, and
 * an f32 input is checked in f64 as the differences need. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "nabla/ops_basic.h"
#include "nabla/ops_reduce.h"
#include "verify/verify_internal.h"

typedef struct nb_cg {
    const char *api;
    nb_fn fn;
    void *ctx;
    int n;                      /* n_inputs */
    nb_tensor *const *inputs;   /* the user's (read only) */
    nb_tensor **x;              /* f64 copies of the inputs */
    nb_tensor **req;            /* the copies of the checked inputs */
    int *req_index;             /* their positions in inputs */
    int n_req;
    nb_gradcheck_opts o;        /* eps, atol, rtol with defaults */
    const nb_check_grad_opts *co;
    nb_arena *keep, *tmp;
    nb_check_grad_result *r;
    double worst;               /* largest error / tolerance so far */
    const char *phase;          /* what is being done, for a failure's message */
    size_t msg_used;
} nb_cg;

/* A copy of t in `arena` as a plain f64 leaf. */
static nb_tensor *nb_cg_copy(nb_cg *g, const nb_tensor *t)
{
    nb_tensor *c = nb__tensor_empty_in(g->keep, NB_F64, t->ndim, t->shape, g->api);
    if (c)
        for (int64_t k = 0; k < t->numel; k++)
            nb__set(c, k, nb__get(t, k));
    return c;
}

/* fn at the copies, with recording on or off, checked to be one element. */
static nb_tensor *nb_cg_eval(nb_cg *g, bool record)
{
    nb_tensor *y = nb__vf_call(g->api, g->fn, g->x, g->n, g->ctx, record);
    if (y && y->numel != 1) {
        char s[96];
        nb__error(NB_ERR_SHAPE,
                  "%s: fn's output is %s; a gradient needs a one-element output (reduce it, e.g. "
                  "with nb_sum)",
                  g->api, nb__shape_fmt(y->ndim, y->shape, s, sizeof s));
        return NULL;
    }
    return y;
}

/* The engine's gradient of fn at the copies into out[q][k] (zeros where fn
 * does not depend on an input); with hvp, H v instead: the gradient is
 * recorded (NB_CREATE_GRAPH), dotted with v, and differentiated again.
 * Temporaries go to g->tmp, which is reset. */
static int nb_cg_engine(nb_cg *g, nb_tensor *const *v, double **out)
{
    nb_arena *prev = nb_arena_use(g->tmp);
    nb_tensor **grads = nb_arena_alloc(g->tmp, sizeof *grads * (size_t)g->n_req);
    nb_tensor *y = grads ? nb_cg_eval(g, true) : NULL;
    int rc = y ? NB_OK : nb_last_status();
    for (int q = 0; q < g->n_req && grads; q++)
        grads[q] = NULL;
    if (rc == NB_OK && y->requires_grad)
        rc = nb_grad(&y, 1, g->req, g->n_req, NULL, NB_ALLOW_UNUSED | (v ? NB_CREATE_GRAPH : 0u),
                     grads);
    if (rc == NB_OK && v) {
        nb_tensor *s = NULL;
        for (int q = 0; q < g->n_req && rc == NB_OK; q++)
            if (grads[q] && v[q]) {
                nb_tensor *term = nb_sum(nb_mul(grads[q], v[q]));
                s = s ? nb_add(s, term) : term;
                if (!s)
                    rc = nb_last_status();
            }
        for (int q = 0; q < g->n_req; q++)
            grads[q] = NULL;
        if (rc == NB_OK && s && s->requires_grad)
            rc = nb_grad(&s, 1, g->req, g->n_req, NULL, NB_ALLOW_UNUSED, grads);
    }
    if (rc == NB_OK)
        for (int q = 0; q < g->n_req; q++)
            for (int64_t k = 0; k < g->req[q]->numel; k++)
                out[q][k] = grads[q] ? nb__get(grads[q], k) : 0.0;
    nb_arena_use(prev);
    nb_arena_reset(g->tmp);
    return rc;
}

/* Central differences of fn, entry by entry: out[q][k]. */
static int nb_cg_numeric_grad(nb_cg *g, double **out)
{
    nb_arena *prev = nb_arena_use(g->tmp);
    int rc = NB_OK;
    for (int q = 0; q < g->n_req && rc == NB_OK; q++) {
        nb_tensor *x = g->req[q];
        for (int64_t k = 0; k < x->numel && rc == NB_OK; k++) {
            double orig = nb__get(x, k), xp = orig + g->o.eps, xm = orig - g->o.eps, f[2];
            for (int s = 0; s < 2 && rc == NB_OK; s++) {
                nb__set(x, k, s == 0 ? xp : xm);
                nb__bump_version(x); /* an in-place write, as any other */
                nb_tensor *y = nb_cg_eval(g, false);
                if (!y)
                    rc = nb_last_status();
                else
                    f[s] = nb__get(y, 0);
                nb_arena_reset(g->tmp);
            }
            nb__set(x, k, orig);
            nb__bump_version(x);
            if (rc == NB_OK && !(xp - xm > 0))
                rc = nb__error(NB_ERR_ARG,
                               "%s: eps %g is too small for inputs[%d] element %lld (value %g): "
                               "x+eps and x-eps round to the same number; use a larger eps",
                               g->api, g->o.eps, g->req_index[q], (long long)k, orig);
            if (rc == NB_OK)
                out[q][k] = (f[0] - f[1]) / (xp - xm);
        }
    }
    nb_arena_use(prev);
    return rc;
}

/* Central differences of the engine's gradient along v: (H v)[q][k]. */
static int nb_cg_numeric_hvp(nb_cg *g, nb_tensor *const *v, double **out, double **scratch)
{
    double eps = g->o.eps;
    for (int s = 0; s < 2; s++) {
        for (int q = 0; q < g->n_req; q++)
            if (v[q]) {
                for (int64_t k = 0; k < g->req[q]->numel; k++)
                    nb__set(g->req[q], k, nb__get(g->req[q], k) + (s == 0 ? eps : -2 * eps) * nb__get(v[q], k));
                nb__bump_version(g->req[q]);
            }
        int rc = nb_cg_engine(g, NULL, s == 0 ? out : scratch);
        if (rc < 0)
            return rc;
    }
    /* The copies are restored by the caller (from the user's inputs). */
    for (int q = 0; q < g->n_req; q++)
        for (int64_t k = 0; k < g->req[q]->numel; k++)
            out[q][k] = (out[q][k] - scratch[q][k]) / (2 * eps);
    return NB_OK;
}

/* Append to the one-line message (truncated with "..." when full). */
static void nb_cg_msg(nb_cg *g, const char *text)
{
    char *m = g->r->message;
    size_t size = sizeof g->r->message, len = strlen(text);
    if (g->msg_used + 1 >= size)
        return;
    if (g->msg_used + len + 1 > size) {
        memcpy(m + g->msg_used, text, size - 1 - g->msg_used);
        memcpy(m + size - 4, "...", 4);
        g->msg_used = size - 1;
        return;
    }
    memcpy(m + g->msg_used, text, len + 1);
    g->msg_used += len;
}

/* Compare yours, autodiff and numeric for input q (of the checked ones),
 * update the result and write the input's line. */
static void nb_cg_compare(nb_cg *g, int q, bool hvp, const nb_tensor *mine, const double *autodiff,
                          const double *numeric)
{
    nb_check_grad_result *r = g->r;
    int i = g->req_index[q];
    const nb_tensor *x = g->req[q];
    int64_t differ = 0, engine_differ = 0, worst_k = -1, engine_k = -1;
    double worst = -1, engine_worst = -1, largest = 0;
    bool refs_zero = true; /* fn does not depend on this input at all */
    for (int64_t k = 0; k < x->numel; k++) {
        double y = nb__get(mine, k), a = autodiff[k], n = numeric[k], r1, r2, r3;
        /* both comparisons run: each sets its ratio (r1, r2) */
        bool near_numeric = nb__vf_close(y, n, &g->o, &r1);
        bool near_autodiff = nb__vf_close(y, a, &g->o, &r2);
        bool ok = near_numeric && near_autodiff;
        bool refs = nb__vf_close(a, n, &g->o, &r3);
        double ratio = fmax(r1, r2);
        largest = fmax(largest, fmax(fabs(y - n), fabs(y - a)));
        if (isnan(largest))
            largest = INFINITY;
        differ += !ok;
        engine_differ += !refs;
        refs_zero = refs_zero && a == 0 && n == 0;
        if (ratio > worst || worst_k < 0) {
            worst = ratio;
            worst_k = k;
        }
        if (!refs && r3 > engine_worst) {
            engine_worst = r3;
            engine_k = k;
        }
        if (r->checked++ == 0 || ratio > g->worst) {
            g->worst = ratio;
            r->worst_input = i;
            r->worst_element = k;
            r->worst_is_hvp = hvp;
            r->yours = y;
            r->autodiff = a;
            r->numeric = n;
        }
    }
    r->differ += differ;
    r->engine_differ += engine_differ;

    char line[640], shape[96], idx[160];
    const char *name = g->inputs[i]->name; /* named by the user: easier to read */
    int len = snprintf(line, sizeof line, "inputs[%d]%s%.40s%s%s (%s): ", i, name ? " '" : "",
                       name ? name : "", name ? "'" : "", hvp ? " H v" : "",
                       nb__shape_fmt(x->ndim, x->shape, shape, sizeof shape));
    if (!differ)
        len += snprintf(line + len, sizeof line - (size_t)len,
                        "all %lld agree (largest difference %.2g)", (long long)x->numel, largest);
    else
        len += snprintf(line + len, sizeof line - (size_t)len,
                        "%lld of %lld entries differ, worst at %s: yours %.8g, autodiff %.8g, "
                        "numeric %.8g",
                        (long long)differ, (long long)x->numel,
                        nb__vf_index_fmt(x->ndim, x->shape, worst_k, idx, sizeof idx),
                        nb__get(mine, worst_k), autodiff[worst_k], numeric[worst_k]);
    if (differ && refs_zero && !hvp && len < (int)sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len,
                        "; fn does not depend on inputs[%d]: does it read a tensor of its own "
                        "(from ctx) instead of in[%d]?",
                        i, i);
    if (engine_differ && len < (int)sizeof line)
        snprintf(line + len, sizeof line - (size_t)len,
                 "; autodiff and numeric disagree at %lld (e.g. %s: %.8g vs %.8g): fn is not "
                 "smooth there, eps is too large, or fn's backward is wrong; check at another "
                 "point",
                 (long long)engine_differ,
                 nb__vf_index_fmt(x->ndim, x->shape, engine_k, idx, sizeof idx),
                 autodiff[engine_k], numeric[engine_k]);
    if (g->msg_used)
        nb_cg_msg(g, "; ");
    nb_cg_msg(g, line);
    if (g->co->report)
        fprintf(g->co->report, "%s: %s\n", g->api, line);
}

/* my_grads and the second-order options: present, valid, of the inputs'
 * shapes; the checked inputs are those with a gradient. */
static int nb_cg_check_tensors(const char *api, nb_tensor *const *inputs, int n_inputs,
                               nb_tensor *const *list, const char *list_name, bool need_one)
{
    char what[48], s1[96], s2[96];
    int given = 0;
    for (int i = 0; i < n_inputs; i++) {
        if (!list[i])
            continue;
        snprintf(what, sizeof what, "%s[%d]", list_name, i);
        int rc = nb__check_tensor(list[i], api, what);
        if (rc < 0)
            return rc;
        if (!nb_tensor_same_shape(list[i], inputs[i]))
            return nb__error(NB_ERR_SHAPE, "%s: %s is %s but inputs[%d] is %s; it must have the input's shape",
                             api, what, nb__shape_fmt(list[i]->ndim, list[i]->shape, s1, sizeof s1), i,
                             nb__shape_fmt(inputs[i]->ndim, inputs[i]->shape, s2, sizeof s2));
        given++;
    }
    if (need_one && !given)
        return nb__error(NB_ERR_ARG,
                         "%s: every entry of %s is NULL; give your gradient of at least one input",
                         api, list_name);
    return NB_OK;
}

static int nb_cg_check_args(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs,
                            nb_tensor *const *my_grads, const nb_check_grad_opts *co,
                            nb_gradcheck_opts *o)
{
    int rc = nb__vf_check_args(api, fn, inputs, n_inputs);
    if (rc < 0)
        return rc;
    if (!my_grads)
        return nb__error(NB_ERR_NULL,
                         "%s: my_grads is NULL (pass your gradient of each input, NULL entries for "
                         "inputs not to check)",
                         api);
    nb_gradcheck_opts in = {0};
    if (co) {
        in.eps = co->eps;
        in.atol = co->atol;
        in.rtol = co->rtol;
    }
    rc = nb__vf_opts(api, &in, o);
    if (rc < 0)
        return rc;
    rc = nb_cg_check_tensors(api, inputs, n_inputs, my_grads, "my_grads", true);
    /* nb_check_grad_f64 has turned well-formed arrays into hvp_v / my_hvp */
    if (rc == NB_OK && co && (co->hvp_v_f64 || co->my_hvp_f64))
        return nb__error(NB_ERR_ARG,
                         "%s: opts.hvp_v_f64 and opts.my_hvp_f64 go together, with "
                         "nb_check_grad_f64 and without opts.hvp_v and opts.my_hvp (one form of "
                         "the second order at a time)",
                         api);
    if (rc < 0 || !co || (!co->hvp_v && !co->my_hvp))
        return rc;
    if (!co->hvp_v || !co->my_hvp)
        return nb__error(NB_ERR_NULL, "%s: opts.%s is set but opts.%s is NULL; a second-order check needs both",
                         api, co->hvp_v ? "hvp_v" : "my_hvp", co->hvp_v ? "my_hvp" : "hvp_v");
    rc = nb_cg_check_tensors(api, inputs, n_inputs, co->hvp_v, "opts.hvp_v", false);
    if (rc == NB_OK)
        rc = nb_cg_check_tensors(api, inputs, n_inputs, co->my_hvp, "opts.my_hvp", true);
    for (int i = 0; i < n_inputs && rc == NB_OK; i++)
        if ((co->hvp_v[i] || co->my_hvp[i]) && !my_grads[i])
            rc = nb__error(NB_ERR_ARG,
                           "%s: opts.%s[%d] is set but my_grads[%d] is NULL; second order is "
                           "checked over the inputs whose gradient is checked",
                           api, co->hvp_v[i] ? "hvp_v" : "my_hvp", i, i);
    return rc;
}

/* The check proper, after the arguments are checked; g->keep is set. */
static int nb_cg_run(nb_cg *g, nb_tensor *const *inputs, nb_tensor *const *my_grads)
{
    const nb_check_grad_opts *co = g->co;
    int n = g->n;
    g->inputs = inputs;
    g->x = nb_arena_alloc(g->keep, sizeof *g->x * (size_t)n);
    g->req = nb_arena_alloc(g->keep, sizeof *g->req * (size_t)n);
    g->req_index = nb_arena_alloc(g->keep, sizeof *g->req_index * (size_t)n);
    nb_tensor **mine = nb_arena_alloc(g->keep, sizeof *mine * (size_t)n);
    nb_tensor **v = nb_arena_alloc(g->keep, sizeof *v * (size_t)n);
    double **a = nb_arena_alloc(g->keep, sizeof *a * (size_t)n);
    double **num = nb_arena_alloc(g->keep, sizeof *num * (size_t)n);
    if (!g->x || !g->req || !g->req_index || !mine || !v || !a || !num)
        return nb_last_status();
    for (int i = 0; i < n; i++) {
        g->x[i] = nb_cg_copy(g, inputs[i]);
        if (!g->x[i])
            return nb_last_status();
        if (my_grads[i]) {
            int q = g->n_req++;
            g->req[q] = g->x[i];
            g->req_index[q] = i;
            mine[q] = my_grads[i];
            a[q] = nb_arena_alloc(g->keep, sizeof **a * (size_t)inputs[i]->numel + 1);
            num[q] = nb_arena_alloc(g->keep, sizeof **num * (size_t)inputs[i]->numel + 1);
            if (!a[q] || !num[q])
                return nb_last_status();
            nb_tensor_set_requires_grad(g->x[i], true);
            if (inputs[i]->dtype == NB_F32 && co->report)
                fprintf(co->report,
                        "%s: warning: inputs[%d] is f32; it is checked on an f64 copy (fn is called "
                        "with f64 tensors), and your f32 gradient carries f32 rounding (about 1e-7 "
                        "relative)\n",
                        g->api, i);
        }
    }
    g->phase = "the gradient of fn (called with f64 copies of the inputs)";
    int rc = nb_cg_engine(g, NULL, a);
    if (rc == NB_OK) {
        g->phase = "central differences of fn (called with f64 copies of the inputs)";
        rc = nb_cg_numeric_grad(g, num);
    }
    if (rc < 0)
        return rc;
    for (int q = 0; q < g->n_req; q++)
        nb_cg_compare(g, q, false, mine[q], a[q], num[q]);
    if (!co->hvp_v)
        return NB_OK;

    g->phase = "second order";
    double **scratch = nb_arena_alloc(g->keep, sizeof *scratch * (size_t)n);
    if (!scratch)
        return nb_last_status();
    for (int q = 0; q < g->n_req; q++) {
        int i = g->req_index[q];
        v[q] = co->hvp_v[i] ? nb_cg_copy(g, co->hvp_v[i]) : NULL;
        mine[q] = co->my_hvp[i];
        scratch[q] = nb_arena_alloc(g->keep, sizeof **scratch * (size_t)g->req[q]->numel + 1);
        if ((co->hvp_v[i] && !v[q]) || !scratch[q])
            return nb_last_status();
    }
    rc = nb_cg_engine(g, v, a);
    if (rc == NB_OK)
        rc = nb_cg_numeric_hvp(g, v, num, scratch);
    for (int q = 0; q < g->n_req; q++) { /* undo the steps along v exactly */
        for (int64_t k = 0; k < g->req[q]->numel; k++)
            nb__set(g->req[q], k, nb__get(inputs[g->req_index[q]], k));
        nb__bump_version(g->req[q]);
    }
    if (rc < 0)
        return rc;
    for (int q = 0; q < g->n_req; q++)
        if (mine[q])
            nb_cg_compare(g, q, true, mine[q], a[q], num[q]);
    return NB_OK;
}

/* Shared by both public forms: `my_grads` are tensors by now, `keep`
 * (already made) holds every temporary and is freed here. */
static int nb_cg_main(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      nb_tensor *const *my_grads, const nb_check_grad_opts *opts,
                      nb_check_grad_result *result, nb_arena *keep)
{
    static const nb_check_grad_opts defaults = {0};
    nb_check_grad_result local;
    nb_check_grad_result *r = result ? result : &local;
    memset(r, 0, sizeof *r);
    r->worst_input = -1;
    r->worst_element = -1;
    nb_cg g = {.api = api, .fn = fn, .ctx = ctx, .n = n_inputs, .co = opts ? opts : &defaults,
               .keep = keep, .r = r, .phase = "setting up"};
    int rc = keep ? nb_cg_check_args(api, fn, inputs, n_inputs, my_grads, opts, &g.o)
                  : nb_last_status();
    if (rc == NB_OK) {
        g.tmp = nb_arena_new();
        rc = g.tmp ? NB_OK : nb_last_status();
    }
    if (rc == NB_OK) {
        nb_arena *prev = nb_arena_use(g.keep);
        rc = nb_cg_run(&g, inputs, my_grads);
        nb_arena_use(prev);
    }
    if (rc < 0) /* name the function called, and where in it (kept if it is named already) */
        nb__error_context(api, "%s", g.phase);
    nb_arena_free(g.tmp);
    nb_arena_free(keep);
    if (rc < 0) {
        nb_check_grad_result counts = *r;
        memset(r, 0, sizeof *r);
        r->worst_input = -1;
        r->worst_element = -1;
        r->checked = counts.checked;
        snprintf(r->message, sizeof r->message, "%s", nb_last_error());
        return rc;
    }
    r->passed = !r->differ && !r->engine_differ;
    if (r->passed)
        return NB_OK;
    nb__error(NB_ERR_MISMATCH, "%s: %s", api, r->message);
    return NB_ERR_MISMATCH;
}

int nb_check_grad(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                  nb_tensor *const *my_grads, const nb_check_grad_opts *opts,
                  nb_check_grad_result *result)
{
    return nb_cg_main("nb_check_grad", fn, inputs, n_inputs, ctx, my_grads, opts, result,
                      nb_arena_new());
}

/* Plain arrays (numel(inputs[i]) doubles each, NULL entries kept NULL) as
 * f64 tensors in `keep`; NULL when out of memory. */
static nb_tensor **nb_cg_from_arrays(const char *api, nb_arena *keep, nb_tensor *const *inputs,
                                     int n_inputs, const double *const *arrays)
{
    nb_tensor **t = nb_arena_alloc(keep, sizeof *t * (size_t)n_inputs);
    for (int i = 0; t && i < n_inputs; i++) {
        t[i] = NULL;
        if (!arrays[i])
            continue;
        t[i] = nb__tensor_empty_in(keep, NB_F64, inputs[i]->ndim, inputs[i]->shape, api);
        if (!t[i])
            return NULL;
        memcpy(t[i]->data, arrays[i], sizeof(double) * (size_t)inputs[i]->numel);
    }
    return t;
}

int nb_check_grad_f64(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      const double *const *my_grads, const nb_check_grad_opts *opts,
                      nb_check_grad_result *result)
{
    const char *api = "nb_check_grad_f64";
    nb_arena *keep = nb_arena_new();
    nb_tensor **mine = NULL;
    nb_check_grad_opts o;
    if (keep && my_grads && inputs && n_inputs > 0 && nb__vf_check_args(api, fn, inputs, n_inputs) == NB_OK) {
        bool ok = (mine = nb_cg_from_arrays(api, keep, inputs, n_inputs, my_grads)) != NULL;
        /* second order as arrays: only the well-formed case is converted;
         * any other use is left for nb_cg_main's checks to name */
        if (ok && opts && opts->hvp_v_f64 && opts->my_hvp_f64 && !opts->hvp_v && !opts->my_hvp) {
            o = *opts;
            o.hvp_v = nb_cg_from_arrays(api, keep, inputs, n_inputs, opts->hvp_v_f64);
            o.my_hvp = nb_cg_from_arrays(api, keep, inputs, n_inputs, opts->my_hvp_f64);
            o.hvp_v_f64 = o.my_hvp_f64 = NULL;
            ok = o.hvp_v && o.my_hvp;
            opts = &o;
        }
        if (!ok) {
            nb_arena_free(keep);
            keep = NULL; /* nb_cg_main reports the recorded failure */
            mine = NULL;
        }
    }
    /* With bad arguments mine stays NULL and the checks below name them. */
    return nb_cg_main(api, fn, inputs, n_inputs, ctx, mine ? mine : (nb_tensor *const *)NULL,
                      opts, result, keep);
}
