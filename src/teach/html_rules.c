/* Local rules for the page: what an op's backward does, in words, and for
 * small tensors in numbers (the elementwise derivative from the forward
 * values; one entry of a matrix product's sums written out).  The words
 * and derivatives are the page's part of the ops' rule table (op_rules.h,
 * which the trace reads too); here is how they are shown.  An op without
 * words, and a custom op whatever its name, gets a general sentence: the
 * contributions the page lists below the rule still show its numbers. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "teach/html_internal.h"
#include "teach/op_rules.h"

/* "= <matrix>; the contribution is G ⊙ that" for an elementwise rule. */
static void nb_hrule_numbers(nb_hout *o, const nb_op_rule *r, const nb_node *node, int64_t max,
                             double *scratch)
{
    const nb_tensor *x = nb_node_input(node, 0), *y = nb_node_output(node);
    if (x->numel != y->numel || y->numel > max)
        return;
    bool constant = true; /* mul_scalar's c: one number, not a matrix of it */
    for (int64_t i = 0; i < y->numel; i++) {
        scratch[i] = r->deriv(nb__get(x, i), nb__get(y, i));
        if (i > 0 && scratch[i] != scratch[0] && !(isnan(scratch[i]) && isnan(scratch[0])))
            constant = false;
    }
    if (r->page_numbers == NB_RULE_RATIO) {
        /* c from the values: the first element whose input is not 0 */
        for (int64_t i = 0; i < y->numel; i++)
            if (!isnan(scratch[i])) {
                scratch[0] = scratch[i];
                break;
            }
    }
    nb__html_printf(o, " = ");
    if (constant && (r->page_numbers == NB_RULE_RATIO || r->page_numbers == NB_RULE_CONST)) {
        nb_hmat one = {.ndim = 0, .numel = 1, .v = scratch};
        nb__html_mat(o, &one);
    } else {
        nb_hmat m = {.ndim = y->ndim, .shape = y->shape, .numel = y->numel, .v = scratch};
        nb__html_mat(o, &m);
    }
    nb__html_printf(o, "; the contribution is the arriving gradient times this, element by "
                       "element");
}

/* One entry of each of a matrix product's two sums, with every term
 * written out: the seed's sums over i_K ... i_k made concrete. */
static void nb_hrule_factor(nb_hout *o, double x)
{
    nb__html_printf(o, "%s", x < 0 ? "(" : "");
    nb__html_num(o, x);
    nb__html_printf(o, "%s", x < 0 ? ")" : "");
}

static void nb_hrule_d(nb_hout *o, const char *loss, const char *what)
{
    nb__html_printf(o, "∂");
    nb__html_text(o, loss);
    nb__html_printf(o, "/∂%s", what);
}

static void nb_hrule_matmul(nb_hout *o, const nb_node *node, const nb_hmat *g, const char *loss)
{
    const nb_tensor *a = nb_node_input(node, 0), *b = nb_node_input(node, 1);
    nb__html_printf(o, "matmul: C = A·B, so ");
    nb_hrule_d(o, loss, "A");
    nb__html_printf(o, " = G·Bᵀ and ");
    nb_hrule_d(o, loss, "B");
    nb__html_printf(o, " = Aᵀ·G (G the arriving gradient); each entry is a sum over the index A "
                       "and B share");
    if (a->ndim != 2 || b->ndim != 2 || !g->v || g->ndim != 2)
        return;
    int64_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    if (m < 1 || k < 1 || n < 1 || n > 8 || m > 8)
        return;
    /* dA[0][0] = sum_j G[0][j] B[0][j] */
    nb__html_printf(o, ".<br>For example ");
    nb_hrule_d(o, loss, "A[0][0]");
    nb__html_printf(o, " = Σⱼ G[0][j]·B[0][j] = ");
    double s = 0;
    for (int64_t j = 0; j < n; j++) {
        double gv = g->v[j], bv = nb__get(b, j);
        s += gv * bv;
        nb__html_printf(o, "%s", j ? " + " : "");
        nb_hrule_factor(o, gv);
        nb__html_printf(o, "·");
        nb_hrule_factor(o, bv);
    }
    nb__html_printf(o, " = ");
    nb__html_num(o, s);
    /* dB[0][0] = sum_i A[i][0] G[i][0] */
    nb__html_printf(o, "; ");
    nb_hrule_d(o, loss, "B[0][0]");
    nb__html_printf(o, " = Σᵢ A[i][0]·G[i][0] = ");
    s = 0;
    for (int64_t i = 0; i < m; i++) {
        double av = nb__get(a, i * k), gv = g->v[i * n];
        s += av * gv;
        nb__html_printf(o, "%s", i ? " + " : "");
        nb_hrule_factor(o, av);
        nb__html_printf(o, "·");
        nb_hrule_factor(o, gv);
    }
    nb__html_printf(o, " = ");
    nb__html_num(o, s);
}

static bool nb_hrule_broadcast(const nb_node *node)
{
    const nb_tensor *y = nb_node_output(node);
    for (int k = 0; k < nb_node_num_inputs(node); k++)
        if (!nb_tensor_same_shape(nb_node_input(node, k), y))
            return true;
    return false;
}

void nb__html_rule(nb_hout *o, const nb_node *node, const nb_hmat *g, const char *loss,
                   int64_t max_values, double *scratch)
{
    const char *op = NB_HTML_OP_NAME(node);
    const nb_op_rule *r = nb__node_rule(node);
    int n_inputs = nb_node_num_inputs(node);
    switch (r ? r->page_numbers : NB_RULE_WORDS) {
    case NB_RULE_DERIV:
    case NB_RULE_CONST:
    case NB_RULE_RATIO:
        if (n_inputs != 1)
            break;
        nb__html_printf(o, "%s", r->words);
        nb_hrule_numbers(o, r, node, max_values, scratch);
        return;
    case NB_RULE_MATMUL:
        if (n_inputs != 2)
            break;
        nb_hrule_matmul(o, node, g, loss);
        return;
    case NB_RULE_MEAN: {
        const nb_tensor *x = nb_node_input(node, 0), *y = nb_node_output(node);
        int64_t n = y->numel > 0 ? x->numel / y->numel : 0;
        nb__html_printf(o, "mean: ∂(mean x)/∂xᵢ = 1/n = 1/%lld = ", (long long)n);
        nb__html_num(o, n > 0 ? 1.0 / (double)n : NAN);
        nb__html_printf(o, ", so every element gets the arriving gradient divided by %lld",
                        (long long)n);
        return;
    }
    case NB_RULE_WORDS:
        if (!r || !r->words)
            break;
        nb__html_printf(o, "%s", r->words);
        if (r->elementwise && nb_hrule_broadcast(node))
            nb__html_printf(o, "; an input that was broadcast (repeated along rows, say) gets "
                               "the gradient summed over the copies");
        return;
    }
    nb__html_printf(o, "%s: its backward formula turns the arriving gradient into one "
                       "contribution per input, listed below", op);
}
