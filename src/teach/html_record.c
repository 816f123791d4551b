/* The page's recording of a backward pass: nb_grad run with a backward hook
 * (nabla/autograd.h) that copies each event and the values of its gradient
 * (or, for a large one, its min, max and norm) out of the pass's arena into
 * malloc'd arrays, so that the page can be written after the pass. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "teach/html_internal.h"

typedef struct nb_hctx {
    nb_hrec *rec;
    nb_backward_hook prev; /* a hook the thread had (a trace, say) still hears the pass */
    void *prev_ctx;
} nb_hctx;

static bool nb_hrec_grow(void **p, int64_t *cap, int64_t need, size_t size)
{
    if (need <= *cap)
        return true;
    int64_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static void nb_html_hook(const nb_backward_event *ev, void *ctx)
{
    nb_hctx *hc = ctx;
    nb_hrec *rec = hc->rec;
    if (hc->prev)
        hc->prev(ev, hc->prev_ctx);
    if (rec->oom)
        return;
    if (!nb_hrec_grow((void **)&rec->ev, &rec->cap_ev, rec->n_ev + 1, sizeof *rec->ev)) {
        rec->oom = true;
        return;
    }
    nb_hev *e = &rec->ev[rec->n_ev];
    memset(e, 0, sizeof *e);
    e->kind = ev->kind;
    e->node = ev->node;
    e->input_index = ev->input_index;
    e->tensor = ev->tensor;
    e->step = ev->step;
    e->next_same = -1;
    e->off = -1;
    const nb_tensor *g = ev->grad;
    e->numel = g ? g->numel : 0;
    if (g && g->numel <= rec->max_values) {
        if (!nb_hrec_grow((void **)&rec->pool, &rec->cap_pool, rec->n_pool + g->numel,
                          sizeof *rec->pool)) {
            rec->oom = true;
            return;
        }
        e->off = rec->n_pool;
        for (int64_t i = 0; i < g->numel; i++)
            rec->pool[rec->n_pool++] = nb__get(g, i);
    } else if (g) {
        double mn = INFINITY, mx = -INFINITY, ss = 0;
        for (int64_t i = 0; i < g->numel; i++) {
            double x = nb__get(g, i);
            mn = x < mn ? x : mn;
            mx = x > mx ? x : mx;
            ss += x * x;
        }
        e->min = mn;
        e->max = mx;
        e->norm = sqrt(ss);
    }
    rec->n_ev++;
}

int nb__html_record(const char *api, nb_hrec *rec, nb_tensor *const *roots, int n_roots,
                    nb_tensor *const *leaves, int n_leaves)
{
    nb_tensor **grads = malloc((size_t)n_leaves * sizeof *grads);
    if (!grads)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    nb_hctx hc = {.rec = rec};
    hc.prev = nb_set_backward_hook(nb_html_hook, &hc, &hc.prev_ctx);
    int rc = nb_grad(roots, n_roots, leaves, n_leaves, NULL, NB_ALLOW_UNUSED, grads);
    nb_set_backward_hook(hc.prev, hc.prev_ctx, NULL);
    free(grads);
    if (rc < 0)
        return nb__error_context(api, "the backward pass");
    if (rec->oom)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory recording the backward pass", api);
    return NB_OK;
}

void nb__html_record_free(nb_hrec *rec)
{
    free(rec->ev);
    free(rec->pool);
    rec->ev = NULL;
    rec->pool = NULL;
}

nb_hmat nb__html_event_mat(const nb_hrec *rec, const nb_hev *e, const nb_tensor *shape_of)
{
    nb_hmat m = {.ndim = shape_of->ndim, .shape = shape_of->shape, .numel = e->numel};
    if (e->off >= 0)
        m.v = rec->pool + e->off;
    m.min = e->min;
    m.max = e->max;
    m.norm = e->norm;
    return m;
}
