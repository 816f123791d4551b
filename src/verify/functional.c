/* The functional transforms: vjp, jvp, Jacobian, Hessian, Hessian-vector
 * product, each a few calls of nb_grad on a freshly recorded graph.
 *
 * They differentiate with respect to the inputs whether or not the caller
 * marked them: a leaf that does not require grad is marked for the duration
 * of the call and unmarked afterwards.  The recorded graphs and temporaries
 * live in private arenas freed before returning; only the results are
 * allocated in the caller's current arena, as plain tensors with no graph
 * history (requires_grad false). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "nabla/ops_basic.h"
#include "verify/verify_internal.h"

typedef struct nb_fx {
    const char *api;
    nb_arena *caller;  /* where results go */
    nb_arena *scratch; /* the recorded graphs */
    nb_arena *tmp;     /* reset after each row of a Jacobian */
    bool *marked;      /* inputs this call set requires_grad on */
    bool grad_mode;    /* the caller's grad mode */
} nb_fx;

/* Check the arguments, make the private arenas current and mark the inputs. */
static int nb_fx_begin(nb_fx *fx, const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs)
{
    memset(fx, 0, sizeof *fx);
    fx->api = api;
    int rc = nb__vf_check_args(api, fn, inputs, n_inputs);
    if (rc < 0)
        return rc;
    fx->caller = nb_arena_current();
    if (!fx->caller)
        return nb__error(NB_ERR_STATE, "%s: no current arena for the results (call nb_arena_use first)", api);
    fx->scratch = nb_arena_new();
    fx->tmp = fx->scratch ? nb_arena_new() : NULL;
    fx->marked = fx->tmp ? nb_arena_alloc(fx->scratch, sizeof *fx->marked * (size_t)n_inputs) : NULL;
    if (!fx->marked) {
        nb_arena_free(fx->tmp);
        nb_arena_free(fx->scratch);
        fx->tmp = fx->scratch = NULL;
        return nb_last_status();
    }
    for (int i = 0; i < n_inputs; i++) {
        fx->marked[i] = !inputs[i]->requires_grad;
        if (fx->marked[i])
            nb_tensor_set_requires_grad(inputs[i], true); /* not requiring grad: it is a leaf */
    }
    fx->grad_mode = nb_grad_enabled();
    nb_arena_use(fx->scratch);
    return NB_OK;
}

/* Undo nb_fx_begin (after a successful begin only). */
static void nb_fx_end(nb_fx *fx, nb_tensor *const *inputs, int n_inputs)
{
    for (int i = 0; i < n_inputs; i++)
        if (fx->marked[i])
            nb_tensor_set_requires_grad(inputs[i], false);
    nb_set_grad_enabled(fx->grad_mode);
    nb_arena_use(fx->caller);
    nb_arena_free(fx->tmp);
    nb_arena_free(fx->scratch);
}

/* A copy of t (or zeros of the given kind when t is NULL) in the caller's
 * arena. */
static nb_tensor *nb_fx_out(nb_fx *fx, const nb_tensor *t, nb_dtype dtype, int ndim,
                            const int64_t *shape)
{
    nb_arena *prev = nb_arena_use(fx->caller);
    nb_tensor *r = t ? nb_tensor_clone(t) : nb_zeros(dtype, ndim, shape);
    nb_arena_use(prev);
    return r;
}

static int nb_fx_index(const char *api, int input_index, int n_inputs)
{
    if (input_index < 0 || input_index >= n_inputs)
        return nb__error(NB_ERR_ARG, "%s: input_index %d is out of range (fn has %d input%s: 0..%d)",
                         api, input_index, n_inputs, n_inputs == 1 ? "" : "s", n_inputs - 1);
    return NB_OK;
}

/* nb_fx_begin for the functions of one input (nb_jacobian, nb_hessian,
 * nb_hvp): input_index is checked first, when there are inputs to count. */
static int nb_fx_begin_at(nb_fx *fx, const char *api, nb_fn fn, nb_tensor *const *inputs,
                          int n_inputs, int input_index)
{
    if (fn && inputs && n_inputs > 0 && nb_fx_index(api, input_index, n_inputs) < 0)
        return nb_last_status();
    return nb_fx_begin(fx, api, fn, inputs, n_inputs);
}

/* v must look like `like` (fn's output, or an input). */
static int nb_fx_like(const char *api, const char *vname, const nb_tensor *v, const char *lname,
                      const nb_tensor *like)
{
    char s1[96], s2[96];
    int rc = nb__check_tensor(v, api, vname);
    if (rc < 0)
        return rc;
    if (!nb_tensor_same_shape(v, like))
        return nb__error(NB_ERR_SHAPE, "%s: %s is %s but %s is %s (%s must have %s's shape)", api,
                         vname, nb__shape_fmt(v->ndim, v->shape, s1, sizeof s1), lname,
                         nb__shape_fmt(like->ndim, like->shape, s2, sizeof s2), vname, lname);
    if (v->dtype != like->dtype)
        return nb__error(NB_ERR_DTYPE, "%s: %s is %s but %s is %s; nabla does not mix dtypes", api,
                         vname, nb_dtype_name(v->dtype), lname, nb_dtype_name(like->dtype));
    return NB_OK;
}

/* Rows of d y / d x into J (m x numel(x), in the caller's arena): one
 * backward pass per element of y, with a one-hot cotangent. */
static int nb_fx_rows(nb_fx *fx, nb_tensor *y, nb_tensor *x, nb_tensor *J)
{
    if (!y->requires_grad)
        return NB_OK; /* y does not depend on x: J stays zero */
    int64_t n = x->numel;
    for (int64_t j = 0; j < y->numel; j++) {
        nb_arena_use(fx->tmp);
        nb_tensor *seed = nb_zeros(y->dtype, y->ndim, y->shape);
        if (!seed)
            return nb_last_status();
        nb__set(seed, j, 1.0);
        nb_tensor *g = NULL;
        int rc = nb_grad(&y, 1, &x, 1, &seed, NB_ALLOW_UNUSED, &g);
        if (rc < 0)
            return rc;
        if (g)
            for (int64_t k = 0; k < n; k++)
                nb__set(J, j * n + k, nb__get(g, k));
        nb_arena_reset(fx->tmp);
    }
    nb_arena_use(fx->scratch);
    return NB_OK;
}

/* fn at the inputs with recording on, in the scratch arena. */
static nb_tensor *nb_fx_forward(nb_fx *fx, nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx)
{
    return nb__vf_call(fx->api, fn, inputs, n_inputs, ctx, true);
}

/* d y / d x with the backward pass recorded, for a one-element y: NULL with
 * *rc = NB_OK when y does not depend on x. */
static nb_tensor *nb_fx_grad1(nb_fx *fx, nb_tensor *y, nb_tensor *x, int *rc)
{
    char s[96];
    *rc = NB_OK;
    if (y->numel != 1) {
        *rc = nb__error(NB_ERR_SHAPE,
                        "%s: fn's output is %s; a Hessian needs a one-element output (reduce it, "
                        "e.g. with nb_sum)",
                        fx->api, nb__shape_fmt(y->ndim, y->shape, s, sizeof s));
        return NULL;
    }
    if (!y->requires_grad)
        return NULL;
    nb_tensor *g = NULL;
    *rc = nb_grad(&y, 1, &x, 1, NULL, NB_CREATE_GRAPH | NB_ALLOW_UNUSED, &g);
    return *rc < 0 ? NULL : g;
}

int nb_vjp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, nb_tensor *v,
           nb_tensor **value, nb_tensor **vjp)
{
    const char *api = "nb_vjp";
    if (value)
        *value = NULL;
    if (!vjp)
        return nb__error(NB_ERR_NULL, "%s: vjp is NULL (pass an array of n_inputs tensor pointers)", api);
    for (int i = 0; i < n_inputs; i++)
        vjp[i] = NULL;
    nb_fx fx;
    int rc = nb_fx_begin(&fx, api, fn, inputs, n_inputs);
    if (rc < 0)
        return rc;
    nb_tensor **grads = nb_arena_alloc(fx.scratch, sizeof *grads * (size_t)n_inputs);
    nb_tensor *y = grads ? nb_fx_forward(&fx, fn, inputs, n_inputs, ctx) : NULL;
    char s[96];
    if (!y)
        rc = nb_last_status();
    else if (!v && y->numel != 1)
        rc = nb__error(NB_ERR_SHAPE,
                       "%s: fn's output is %s; pass v (a cotangent of that shape), or reduce the "
                       "output to one element",
                       api, nb__shape_fmt(y->ndim, y->shape, s, sizeof s));
    else if (v)
        rc = nb_fx_like(api, "v", v, "fn's output", y);
    for (int i = 0; rc == NB_OK && i < n_inputs; i++)
        grads[i] = NULL;
    if (rc == NB_OK && y->requires_grad)
        rc = nb_grad(&y, 1, inputs, n_inputs, v ? &v : NULL, NB_ALLOW_UNUSED, grads);
    for (int i = 0; rc == NB_OK && i < n_inputs; i++)
        if (grads[i] && !(vjp[i] = nb_fx_out(&fx, grads[i], NB_F64, 0, NULL)))
            rc = nb_last_status();
    if (rc == NB_OK && value && !(*value = nb_fx_out(&fx, y, NB_F64, 0, NULL)))
        rc = nb_last_status();
    nb_fx_end(&fx, inputs, n_inputs);
    if (rc < 0) {
        for (int i = 0; i < n_inputs; i++)
            vjp[i] = NULL;
        if (value)
            *value = NULL;
    }
    return rc;
}

/* Reverse-of-reverse: with a dummy cotangent u (zeros, requiring grad),
 * g_i = u^T J_i is recorded; s = sum_i <g_i, t_i> = u^T (sum_i J_i t_i) is
 * linear in u, so ds/du = sum_i J_i t_i. */
int nb_jvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
           nb_tensor *const *tangents, nb_tensor **value, nb_tensor **jvp)
{
    const char *api = "nb_jvp";
    if (value)
        *value = NULL;
    if (!jvp)
        return nb__error(NB_ERR_NULL, "%s: jvp is NULL (pass where to store the result)", api);
    *jvp = NULL;
    if (fn && inputs && n_inputs > 0 && !tangents)
        return nb__error(NB_ERR_NULL, "%s: tangents is NULL (pass one tangent per input; NULL "
                         "entries mean zero)", api);
    nb_fx fx;
    int rc = nb_fx_begin(&fx, api, fn, inputs, n_inputs);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n_inputs && rc == NB_OK; i++)
        if (tangents[i]) {
            char tn[40], in[40];
            snprintf(tn, sizeof tn, "tangents[%d]", i);
            snprintf(in, sizeof in, "inputs[%d]", i);
            rc = nb_fx_like(api, tn, tangents[i], in, inputs[i]);
        }
    nb_tensor **g = rc == NB_OK ? nb_arena_alloc(fx.scratch, sizeof *g * (size_t)n_inputs) : NULL;
    nb_tensor *y = g ? nb_fx_forward(&fx, fn, inputs, n_inputs, ctx) : NULL;
    nb_tensor *jv = NULL;
    if (rc == NB_OK && !y)
        rc = nb_last_status();
    if (rc == NB_OK && y->requires_grad) {
        nb_tensor *u = nb_tensor_set_requires_grad(nb_zeros(y->dtype, y->ndim, y->shape), true);
        rc = u ? nb_grad(&y, 1, inputs, n_inputs, &u, NB_CREATE_GRAPH | NB_ALLOW_UNUSED, g)
               : nb_last_status();
        nb_tensor *s = NULL;
        nb_set_grad_enabled(true); /* s must be recorded: it is differentiated w.r.t. u */
        for (int i = 0; i < n_inputs && rc == NB_OK; i++) {
            if (!g[i] || !tangents[i])
                continue;
            nb_tensor *term = nb_sum(nb_mul(g[i], tangents[i]));
            s = s ? nb_add(s, term) : term;
            if (!s)
                rc = nb_last_status();
        }
        if (rc == NB_OK && s && s->requires_grad)
            rc = nb_grad(&s, 1, &u, 1, NULL, NB_ALLOW_UNUSED, &jv);
    }
    if (rc == NB_OK && !(*jvp = nb_fx_out(&fx, jv, y->dtype, y->ndim, y->shape)))
        rc = nb_last_status();
    if (rc == NB_OK && value && !(*value = nb_fx_out(&fx, y, NB_F64, 0, NULL)))
        rc = nb_last_status();
    nb_fx_end(&fx, inputs, n_inputs);
    if (rc < 0) {
        *jvp = NULL;
        if (value)
            *value = NULL;
    }
    return rc;
}

nb_tensor *nb_jacobian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                       int input_index)
{
    const char *api = "nb_jacobian";
    nb_fx fx;
    if (nb_fx_begin_at(&fx, api, fn, inputs, n_inputs, input_index) < 0)
        return NULL;
    nb_tensor *x = inputs[input_index];
    nb_tensor *y = nb_fx_forward(&fx, fn, inputs, n_inputs, ctx);
    nb_tensor *J = y ? nb_fx_out(&fx, NULL, x->dtype, NB_SHAPE(y->numel, x->numel)) : NULL;
    if (J && nb_fx_rows(&fx, y, x, J) < 0)
        J = NULL;
    nb_fx_end(&fx, inputs, n_inputs);
    return J;
}

nb_tensor *nb_hessian(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                      int input_index)
{
    const char *api = "nb_hessian";
    nb_fx fx;
    if (nb_fx_begin_at(&fx, api, fn, inputs, n_inputs, input_index) < 0)
        return NULL;
    nb_tensor *x = inputs[input_index], *H = NULL;
    nb_tensor *y = nb_fx_forward(&fx, fn, inputs, n_inputs, ctx);
    int rc = y ? NB_OK : nb_last_status();
    nb_tensor *g = rc == NB_OK ? nb_fx_grad1(&fx, y, x, &rc) : NULL;
    if (rc == NB_OK)
        H = nb_fx_out(&fx, NULL, x->dtype, NB_SHAPE(x->numel, x->numel));
    /* row j of H is d g_j / d x (H is symmetric, so rows and columns agree) */
    if (H && g && nb_fx_rows(&fx, g, x, H) < 0)
        H = NULL;
    nb_fx_end(&fx, inputs, n_inputs);
    return H;
}

/* H v = d/dx <g(x), v> with g = dy/dx recorded: one more backward pass,
 * with v as the cotangent of g. */
nb_tensor *nb_hvp(nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx, int input_index,
                  nb_tensor *v)
{
    const char *api = "nb_hvp";
    nb_fx fx;
    if (nb_fx_begin_at(&fx, api, fn, inputs, n_inputs, input_index) < 0)
        return NULL;
    nb_tensor *x = inputs[input_index], *hv = NULL, *out = NULL;
    char xn[40];
    snprintf(xn, sizeof xn, "inputs[%d]", input_index);
    int rc = nb_fx_like(api, "v", v, xn, x);
    nb_tensor *y = rc == NB_OK ? nb_fx_forward(&fx, fn, inputs, n_inputs, ctx) : NULL;
    if (rc == NB_OK && !y)
        rc = nb_last_status();
    nb_tensor *g = rc == NB_OK ? nb_fx_grad1(&fx, y, x, &rc) : NULL;
    if (rc == NB_OK && g && g->requires_grad)
        rc = nb_grad(&g, 1, &x, 1, &v, NB_ALLOW_UNUSED, &hv);
    if (rc == NB_OK)
        out = nb_fx_out(&fx, hv, x->dtype, x->ndim, x->shape);
    nb_fx_end(&fx, inputs, n_inputs);
    return out;
}
