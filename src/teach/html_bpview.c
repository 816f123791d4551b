/* The BP layer view of the backward-pass page: when the graph is a BP
 * network run by a model (each layer a scope, nb_node_scope, made of
 * matmul(N⁽ᵏ⁻¹⁾, W⁽ᵏ⁾), + b⁽ᵏ⁾ and a transfer function), the backward pass
 * retold as the three steps of the BP tutorial:
 *   1. dE/dN⁽ᴷ⁾ of the last layer, from the error;
 *   2. each layer's node gradients dE/dN⁽ᵏ⁻¹⁾ from the next layer's;
 *   3. each layer's parameter gradients as soon as its node gradients exist;
 * with the tutorial's nested sums over i_K … i_k written out term by term
 * with the numbers of the run.  The sums are computed here from the values
 * (the forward values and the gradients the pass recorded), apart from the
 * engine's own arithmetic, and shown beside the engine's result. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "teach/html_internal.h"

/* Layers with more terms per sum, or more entries, are shown as matrices
 * only: a sum of a hundred products teaches nothing. */
enum { BP_MAX_TERMS = 6, BP_MAX_LAYERS = 64 };

typedef enum { BP_NONE, BP_TANH, BP_SIGMOID, BP_RELU } bp_act;

typedef struct bp_layer {
    const char *name;
    const nb_tensor *in, *w, *b, *out; /* N⁽ᵏ⁻¹⁾, W, b, N⁽ᵏ⁾ */
    const nb_node *act_node;           /* NULL: purelin */
    bp_act act;
    int64_t rows, n_in, n_out;         /* samples, nodes of layer k-1 and of k */
} bp_layer;

typedef struct bp_view {
    nb_hout *o;
    const nb_hrec *rec;
    int64_t first_bwd; /* the page's step of the engine's visit 0 */
    int64_t max_values;
    const char *loss;
    bp_layer layer[BP_MAX_LAYERS];
    int n_layers;
    const nb_node *const *tail; /* the loss nodes after the last layer */
    int64_t n_tail;
} bp_view;

static bool is_op(const nb_node *nd, const char *name)
{
    return nd && !strcmp(nb_node_op_name(nd), name);
}

static bool is_param(const nb_tensor *t, int ndim)
{
    return t && !t->node && t->requires_grad && t->ndim == ndim;
}

static bool same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* How many nodes use t as an input. */
static int64_t uses(const nb_node *const *nodes, int64_t n, const nb_tensor *t)
{
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < nb_node_num_inputs(nodes[i]); k++)
            c += nb_node_input(nodes[i], k) == t;
    return c;
}

/* Recognise the layers; false when the graph is not a BP network. */
static bool bp_find(bp_view *bv, const nb_node *const *nodes, int64_t n)
{
    int64_t i = 0;
    bv->n_layers = 0;
    while (i < n && nb_node_scope(nodes[i])) {
        if (bv->n_layers == BP_MAX_LAYERS || i + 1 >= n)
            return false;
        const char *sc = nb_node_scope(nodes[i]);
        const nb_node *mm = nodes[i], *ad = nodes[i + 1];
        if (!is_op(mm, "matmul") || !is_op(ad, "add") || !same(nb_node_scope(ad), sc) ||
            nb_node_input(ad, 0) != nb_node_output(mm))
            return false;
        bp_layer *l = &bv->layer[bv->n_layers];
        l->name = sc;
        l->in = nb_node_input(mm, 0);
        l->w = nb_node_input(mm, 1);
        l->b = nb_node_input(ad, 1);
        l->out = nb_node_output(ad);
        l->act_node = NULL;
        l->act = BP_NONE;
        i += 2;
        if (i < n && same(nb_node_scope(nodes[i]), sc)) {
            const nb_node *an = nodes[i];
            l->act = is_op(an, "tanh") ? BP_TANH : is_op(an, "sigmoid") ? BP_SIGMOID
                   : is_op(an, "relu") ? BP_RELU : BP_NONE;
            if (l->act == BP_NONE || nb_node_input(an, 0) != l->out)
                return false;
            l->act_node = an;
            l->out = nb_node_output(an);
            i++;
        }
        if (l->in->ndim != 2 || !is_param(l->w, 2) || !is_param(l->b, 1) ||
            l->w->shape[0] != l->in->shape[1] || l->b->shape[0] != l->w->shape[1])
            return false;
        l->rows = l->in->shape[0];
        l->n_in = l->w->shape[0];
        l->n_out = l->w->shape[1];
        /* a chain: layer k reads layer k-1's nodes, and nothing else does */
        if (bv->n_layers > 0 && l->in != bv->layer[bv->n_layers - 1].out)
            return false;
        if (bv->n_layers == 0 && l->in->node)
            return false;
        if (uses(nodes, n, nb_node_output(mm)) != 1 || uses(nodes, n, nb_node_output(ad)) != 1)
            return false;
        bv->n_layers++;
    }
    for (int64_t j = i; j < n; j++)
        if (nb_node_scope(nodes[j]))
            return false;
    for (int k = 0; k + 1 < bv->n_layers; k++)
        if (uses(nodes, n, bv->layer[k].out) != 1)
            return false;
    bv->tail = nodes + i;
    bv->n_tail = n - i;
    return bv->n_layers >= 1 && i < n;
}

/* The event with t's complete gradient (its node's visit, or the leaf's
 * LEAF_DONE), or NULL. */
static const nb_hev *bp_grad(const bp_view *bv, const nb_tensor *t)
{
    for (int64_t i = 0; i < bv->rec->n_ev; i++) {
        const nb_hev *e = &bv->rec->ev[i];
        if (e->tensor == t && (e->kind == NB_EVENT_NODE || e->kind == NB_EVENT_LEAF_DONE))
            return e;
    }
    return NULL;
}

static int64_t bp_step(const bp_view *bv, const nb_hev *e) { return e ? bv->first_bwd + e->step : -1; }

/* f'(z) from the layer's output a = f(z). */
static double bp_dact(bp_act act, double a)
{
    switch (act) {
    case BP_TANH: return 1 - a * a;
    case BP_SIGMOID: return a * (1 - a);
    case BP_RELU: return a > 0 ? 1 : 0;
    default: return 1;
    }
}

static const char *bp_act_rule(bp_act act)
{
    switch (act) {
    case BP_TANH: return "tansig: f′ = 1 − N²";
    case BP_SIGMOID: return "logsig: f′ = N(1 − N)";
    case BP_RELU: return "poslin: f′ = 1 where N > 0, else 0";
    default: return "purelin: f′ = 1";
    }
}

/* A number in parentheses when negative, for a product of factors. */
static void bp_factor(nb_hout *o, double x)
{
    bool neg = x < 0;
    nb__html_printf(o, "%s", neg ? "(" : "");
    nb__html_num(o, x);
    nb__html_printf(o, "%s", neg ? ")" : "");
}

static void bp_row_open(bp_view *bv, int64_t step, const char *tag)
{
    nb__html_printf(bv->o, "<div class=\"bprow\" data-bwd=\"%lld\"><p><b>%s</b> ", (long long)step,
                    tag);
}

/* The engine's gradient of t, as the row's result. */
static void bp_engine(bp_view *bv, const nb_tensor *t, const nb_hev *e, const char *what)
{
    nb__html_printf(bv->o, "<p class=\"bpres\">%s = ", what);
    if (e) {
        nb_hmat m = nb__html_event_mat(bv->rec, e, t);
        nb__html_mat(bv->o, &m);
    } else {
        nb__html_printf(bv->o, "(not reached)");
    }
    nb__html_printf(bv->o, " <small>(the engine's result, step %lld)</small></p>",
                    (long long)bp_step(bv, e));
}

/* The values of layer k the sums need, or false when they are too many. */
typedef struct bp_vals {
    double *in, *w, *out, *delta; /* N⁽ᵏ⁻¹⁾, W, N⁽ᵏ⁾, dE/dN⁽ᵏ⁾ */
} bp_vals;

static bool bp_small(const bp_view *bv, const bp_layer *l)
{
    return l->rows * l->n_in <= bv->max_values && l->rows * l->n_out <= bv->max_values &&
           l->n_in * l->n_out <= bv->max_values && l->n_out <= BP_MAX_TERMS &&
           l->rows <= BP_MAX_TERMS;
}

static bool bp_load(const bp_view *bv, const bp_layer *l, const nb_hev *de, bp_vals *v)
{
    if (!de || de->off < 0 || !bp_small(bv, l))
        return false;
    v->in = malloc((size_t)(l->rows * l->n_in + l->n_in * l->n_out + l->rows * l->n_out) *
                   sizeof(double));
    if (!v->in)
        return false;
    v->w = v->in + l->rows * l->n_in;
    v->out = v->w + l->n_in * l->n_out;
    for (int64_t i = 0; i < l->rows * l->n_in; i++)
        v->in[i] = nb__get(l->in, i);
    for (int64_t i = 0; i < l->n_in * l->n_out; i++)
        v->w[i] = nb__get(l->w, i);
    for (int64_t i = 0; i < l->rows * l->n_out; i++)
        v->out[i] = nb__get(l->out, i);
    v->delta = bv->rec->pool + de->off;
    return true;
}

/* Step 1: dE/dN⁽ᴷ⁾ from the error; the mean squared error written out. */
static void bp_step1(bp_view *bv)
{
    nb_hout *o = bv->o;
    const bp_layer *l = &bv->layer[bv->n_layers - 1];
    const nb_hev *e = bp_grad(bv, l->out);
    bp_row_open(bv, bp_step(bv, e), "Step 1.");
    nb__html_printf(o, "The last layer's node gradients from the error: ∂E/∂N<sup>(%d)</sup>, "
                       "through the nodes of the error (",
                    bv->n_layers);
    for (int64_t i = 0; i < bv->n_tail; i++)
        nb__html_printf(o, "%s%s", i ? ", " : "", NB_HTML_OP_NAME(bv->tail[i]));
    nb__html_printf(o, ").</p>");
    /* E = mean((N - T)^2): dE/dN = 2 (N - T) / count, entry by entry */
    const nb_node *const *t = bv->tail;
    bool mse = bv->n_tail == 3 && is_op(t[0], "sub") && is_op(t[1], "square") &&
               is_op(t[2], "mean") && nb_node_input(t[0], 0) == l->out &&
               nb_node_input(t[1], 0) == nb_node_output(t[0]) &&
               nb_node_input(t[2], 0) == nb_node_output(t[1]) &&
               nb_node_input(t[0], 1)->numel == l->out->numel &&
               l->out->numel <= bv->max_values && l->out->numel <= 4 * BP_MAX_TERMS;
    if (mse) {
        const nb_tensor *tt = nb_node_input(t[0], 1);
        int64_t cnt = l->out->numel;
        nb__html_printf(o, "<p>E = mean((N<sup>(%d)</sup> − T)²) over %lld values, so "
                           "∂E/∂N<sub>n,i</sub> = 2 (N<sub>n,i</sub> − T<sub>n,i</sub>) / %lld:</p>",
                        bv->n_layers, (long long)cnt, (long long)cnt);
        for (int64_t r = 0; r < l->rows; r++)
            for (int64_t c = 0; c < l->n_out; c++) {
                double y = nb__get(l->out, r * l->n_out + c), tv = nb__get(tt, r * l->n_out + c);
                nb__html_printf(o, "<div class=\"bpsum\">n=%lld, i=%lld: 2 · (", (long long)r + 1,
                                (long long)c + 1);
                nb__html_num(o, y);
                nb__html_printf(o, " − ");
                bp_factor(o, tv);
                nb__html_printf(o, ") / %lld = <b>", (long long)cnt);
                nb__html_num(o, 2 * (y - tv) / (double)cnt);
                nb__html_printf(o, "</b></div>");
            }
    }
    char what[64];
    snprintf(what, sizeof what, "∂E/∂N<sup>(%d)</sup>", bv->n_layers);
    bp_engine(bv, l->out, e, what);
    nb__html_printf(o, "</div>");
}

/* Step 2 for layer k (1-based, k >= 2): dE/dN⁽ᵏ⁻¹⁾ from dE/dN⁽ᵏ⁾. */
static void bp_step2(bp_view *bv, int k)
{
    nb_hout *o = bv->o;
    const bp_layer *l = &bv->layer[k - 1];
    const nb_hev *de = bp_grad(bv, l->out), *dprev = bp_grad(bv, l->in);
    bp_row_open(bv, bp_step(bv, dprev), "Step 2.");
    nb__html_printf(o, "Layer %d's node gradients from layer %d's: ∂E/∂N<sup>(%d)</sup><sub>n,j</sub> "
                       "= Σ<sub>i</sub> ∂E/∂N<sup>(%d)</sup><sub>n,i</sub> · "
                       "∂N<sup>(%d)</sup><sub>n,i</sub>/∂N<sup>(%d)</sup><sub>n,j</sub>, where "
                       "∂N<sup>(%d)</sup><sub>n,i</sub>/∂N<sup>(%d)</sup><sub>n,j</sub> = "
                       "f′ · W<sup>(%d)</sup><sub>j,i</sub> (%s).</p>",
                    k - 1, k, k - 1, k, k, k - 1, k, k - 1, k, bp_act_rule(l->act));
    bp_vals v;
    if (bp_load(bv, l, de, &v)) {
        for (int64_t n = 0; n < l->rows; n++)
            for (int64_t j = 0; j < l->n_in; j++) {
                double s = 0;
                nb__html_printf(o, "<div class=\"bpsum\">n=%lld, j=%lld: ", (long long)n + 1,
                                (long long)j + 1);
                for (int64_t i = 0; i < l->n_out; i++) {
                    double d = v.delta[n * l->n_out + i], f = bp_dact(l->act, v.out[n * l->n_out + i]),
                           w = v.w[j * l->n_out + i];
                    nb__html_printf(o, "%s", i ? " + " : "");
                    bp_factor(o, d);
                    nb__html_printf(o, "·");
                    bp_factor(o, f);
                    nb__html_printf(o, "·");
                    bp_factor(o, w);
                    s += d * f * w;
                }
                nb__html_printf(o, " = <b>");
                nb__html_num(o, s);
                nb__html_printf(o, "</b></div>");
            }
        free(v.in);
    }
    char what[64];
    snprintf(what, sizeof what, "∂E/∂N<sup>(%d)</sup>", k - 1);
    bp_engine(bv, l->in, dprev, what);
    nb__html_printf(o, "</div>");
}

/* Step 3 for layer k: dE/dW⁽ᵏ⁾ and dE/db⁽ᵏ⁾ from dE/dN⁽ᵏ⁾, summed over
 * the samples. */
static void bp_step3(bp_view *bv, int k)
{
    nb_hout *o = bv->o;
    const bp_layer *l = &bv->layer[k - 1];
    const nb_hev *de = bp_grad(bv, l->out);
    /* the bias first: its gradient is final one visit before the weights' */
    for (int which = 1; which >= 0; which--) {
        const nb_tensor *p = which ? l->b : l->w;
        const nb_hev *dp = bp_grad(bv, p);
        bp_row_open(bv, bp_step(bv, dp), "Step 3.");
        if (!which)
            nb__html_printf(o, "Layer %d's weights, now that its node gradients exist: "
                               "∂E/∂W<sup>(%d)</sup><sub>j,i</sub> = Σ<sub>n</sub> "
                               "∂E/∂N<sup>(%d)</sup><sub>n,i</sub> · f′ · N<sup>(%d)</sup><sub>n,j</sub> "
                               "(summed over the %lld samples; N<sup>(0)</sup> is the input).</p>",
                            k, k, k, k - 1, (long long)l->rows);
        else
            nb__html_printf(o, "Layer %d's biases: ∂E/∂b<sup>(%d)</sup><sub>i</sub> = Σ<sub>n</sub> "
                               "∂E/∂N<sup>(%d)</sup><sub>n,i</sub> · f′.</p>",
                            k, k, k);
        bp_vals v;
        if (bp_load(bv, l, de, &v)) {
            int64_t rows = which ? 1 : l->n_in;
            for (int64_t j = 0; j < rows; j++)
                for (int64_t i = 0; i < l->n_out; i++) {
                    double s = 0;
                    if (which)
                        nb__html_printf(o, "<div class=\"bpsum\">i=%lld: ", (long long)i + 1);
                    else
                        nb__html_printf(o, "<div class=\"bpsum\">j=%lld, i=%lld: ",
                                        (long long)j + 1, (long long)i + 1);
                    for (int64_t n = 0; n < l->rows; n++) {
                        double d = v.delta[n * l->n_out + i],
                               f = bp_dact(l->act, v.out[n * l->n_out + i]);
                        double x = which ? 1 : v.in[n * l->n_in + j];
                        nb__html_printf(o, "%s", n ? " + " : "");
                        bp_factor(o, d);
                        nb__html_printf(o, "·");
                        bp_factor(o, f);
                        if (!which) {
                            nb__html_printf(o, "·");
                            bp_factor(o, x);
                        }
                        s += d * f * x;
                    }
                    nb__html_printf(o, " = <b>");
                    nb__html_num(o, s);
                    nb__html_printf(o, "</b></div>");
                }
            free(v.in);
        }
        char what[96];
        snprintf(what, sizeof what, "∂E/∂%s<sup>(%d)</sup> = ∂E/∂", which ? "b" : "W", k);
        nb__html_printf(o, "<p class=\"bpres\">%s", what);
        nb__html_text(o, p->name ? p->name : "?");
        nb__html_printf(o, " = ");
        if (dp) {
            nb_hmat m = nb__html_event_mat(bv->rec, dp, p);
            nb__html_mat(o, &m);
        }
        nb__html_printf(o, " <small>(the engine's result, final for this pass at step %lld)"
                           "</small></p></div>",
                        (long long)bp_step(bv, dp));
    }
}

int nb__html_bpview(nb_hout *o, const nb_node *const *nodes, int64_t n_nodes, const nb_hrec *rec,
                    int64_t max_values, const char *loss)
{
    bp_view *bv = calloc(1, sizeof *bv);
    if (!bv)
        return -1;
    bv->o = o;
    bv->rec = rec;
    bv->first_bwd = 1 + n_nodes;
    bv->max_values = max_values;
    bv->loss = loss;
    if (!bp_find(bv, nodes, n_nodes)) {
        free(bv);
        return 0;
    }
    int K = bv->n_layers;
    nb__html_printf(o, "<section id=\"bpview\"><h2>The BP layer view: the tutorial's three "
                       "steps</h2><p>This graph is a BP network of %d layer%s (",
                    K, K > 1 ? "s" : "");
    for (int k = 0; k < K; k++) {
        nb__html_printf(o, "%s%d = ", k ? ", " : "", k + 1);
        nb__html_text(o, bv->layer[k].name);
    }
    nb__html_printf(o, "), E the error (");
    nb__html_text(o, bv->loss);
    nb__html_printf(o, " in the graph): N<sup>(k)</sup> = f<sub>k</sub>(N<sup>(k−1)</sup> W<sup>(k)</sup> + "
                       "b<sup>(k)</sup>), one row per sample n, N<sup>(0)</sup> the input. "
                       "For a parameter p<sup>(k,k−1)</sup> of layer k the chain rule "
                       "reads</p><p class=\"formula\">∂E/∂p<sup>(k,k−1)</sup> = "
                       "Σ<sub>i<sub>K</sub></sub> ∂E/∂N<sup>(K)</sup><sub>i<sub>K</sub></sub> "
                       "Σ<sub>i<sub>K−1</sub></sub> ∂N<sup>(K)</sup><sub>i<sub>K</sub></sub>/"
                       "∂N<sup>(K−1)</sup><sub>i<sub>K−1</sub></sub> … Σ<sub>i<sub>k</sub></sub> "
                       "∂N<sup>(k)</sup><sub>i<sub>k</sub></sub>/∂p<sup>(k,k−1)</sup></p><p>and "
                       "the backward pass computes it from the left, one sum at a time: each "
                       "row below is one of those sums with this run's numbers (here K = %d), "
                       "lit from the step of the pass where its result is known.</p>",
                    K);
    bp_step1(bv);
    bp_step3(bv, K);
    for (int k = K; k >= 2; k--) {
        bp_step2(bv, k);
        bp_step3(bv, k - 1);
    }
    nb__html_printf(o, "</section>\n");
    free(bv);
    return 1;
}
