/* Local rules for the page: what an op's backward does, in words, and for
 * small tensors in numbers (the elementwise derivative from the forward
 * values; one entry of a matrix product's sums written out).  An op not
 * listed gets a general sentence: the contributions the page lists below
 * the rule still show its numbers. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "teach/html_internal.h"

/* An elementwise op of one input: the rule in words, and the derivative
 * from the input x and the output y. */
typedef struct nb_hrule {
    const char *op;
    const char *words;
    double (*deriv)(double x, double y);
} nb_hrule;

static double d_tanh(double x, double y) { (void)x; return 1 - y * y; }
static double d_sigmoid(double x, double y) { (void)x; return y * (1 - y); }
static double d_relu(double x, double y) { (void)y; return x > 0 ? 1 : 0; }
static double d_exp(double x, double y) { (void)x; return y; }
static double d_log(double x, double y) { (void)y; return 1 / x; }
static double d_square(double x, double y) { (void)y; return 2 * x; }
static double d_sqrt(double x, double y) { (void)x; return 1 / (2 * y); }
static double d_neg(double x, double y) { (void)x; (void)y; return -1; }
static double d_sin(double x, double y) { (void)y; return cos(x); }
static double d_cos(double x, double y) { (void)y; return -sin(x); }
static double d_abs(double x, double y) { (void)y; return x > 0 ? 1 : x < 0 ? -1 : 0; }
static double d_softplus(double x, double y) { (void)y; return 1 / (1 + exp(-x)); }
static double d_one(double x, double y) { (void)x; (void)y; return 1; }
static double d_ratio(double x, double y) { return x != 0 ? y / x : NAN; }

static const nb_hrule nb_hrules[] = {
    {"tanh", "tanh: ∂t/∂e = 1 − t² (t = tanh e, the output)", d_tanh},
    {"sigmoid", "sigmoid: ∂s/∂x = s (1 − s) (s the output)", d_sigmoid},
    {"relu", "relu: ∂r/∂x = 1 where x &gt; 0, else 0", d_relu},
    {"exp", "exp: ∂y/∂x = eˣ = y", d_exp},
    {"log", "log: ∂y/∂x = 1 / x", d_log},
    {"square", "square: ∂(x²)/∂x = 2x", d_square},
    {"sqrt", "sqrt: ∂y/∂x = 1 / (2√x) = 1 / (2y)", d_sqrt},
    {"neg", "neg: ∂(−x)/∂x = −1", d_neg},
    {"sin", "sin: ∂y/∂x = cos x", d_sin},
    {"cos", "cos: ∂y/∂x = −sin x", d_cos},
    {"abs", "abs: ∂|x|/∂x = sign x", d_abs},
    {"softplus", "softplus: ∂y/∂x = 1 / (1 + e⁻ˣ)", d_softplus},
    {"add_scalar", "add_scalar: ∂(x + c)/∂x = 1", d_one},
    {"mul_scalar", "mul_scalar: ∂(c·x)/∂x = c", d_ratio},
};

/* "= <matrix>; the contribution is G ⊙ that" for an elementwise rule. */
static void nb_hrule_numbers(nb_hout *o, const nb_hrule *r, const nb_node *node, int64_t max,
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
    if (r->deriv == d_ratio) {
        /* c from the values: the first element whose input is not 0 */
        for (int64_t i = 0; i < y->numel; i++)
            if (!isnan(scratch[i])) {
                scratch[0] = scratch[i];
                break;
            }
    }
    nb__html_printf(o, " = ");
    if (constant && (r->deriv == d_ratio || r->deriv == d_one || r->deriv == d_neg)) {
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
    const char *op = nb_node_op_name(node);
    for (size_t i = 0; i < sizeof nb_hrules / sizeof nb_hrules[0]; i++)
        if (strcmp(op, nb_hrules[i].op) == 0 && nb_node_num_inputs(node) == 1) {
            nb__html_printf(o, "%s", nb_hrules[i].words);
            nb_hrule_numbers(o, &nb_hrules[i], node, max_values, scratch);
            return;
        }
    if (strcmp(op, "matmul") == 0 && nb_node_num_inputs(node) == 2) {
        nb_hrule_matmul(o, node, g, loss);
        return;
    }
    const char *bc = nb_hrule_broadcast(node)
                         ? "; an input that was broadcast (repeated along rows, say) gets the "
                           "gradient summed over the copies"
                         : "";
    if (strcmp(op, "add") == 0)
        nb__html_printf(o, "add: ∂(a + b)/∂a = 1 and ∂(a + b)/∂b = 1, so each input gets the "
                           "arriving gradient as it is%s", bc);
    else if (strcmp(op, "sub") == 0)
        nb__html_printf(o, "sub: ∂(a − b)/∂a = 1 and ∂(a − b)/∂b = −1, so a gets the arriving "
                           "gradient and b its negative%s", bc);
    else if (strcmp(op, "mul") == 0)
        nb__html_printf(o, "mul: ∂(a·b)/∂a = b and ∂(a·b)/∂b = a, element by element, so a "
                           "gets G·b and b gets G·a%s", bc);
    else if (strcmp(op, "div") == 0)
        nb__html_printf(o, "div: ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b², element by "
                           "element%s", bc);
    else if (strcmp(op, "sum") == 0)
        nb__html_printf(o, "sum: ∂(Σ x)/∂xᵢ = 1, so every element summed gets the arriving "
                           "gradient");
    else if (strcmp(op, "mean") == 0) {
        const nb_tensor *x = nb_node_input(node, 0), *y = nb_node_output(node);
        int64_t n = y->numel > 0 ? x->numel / y->numel : 0;
        nb__html_printf(o, "mean: ∂(mean x)/∂xᵢ = 1/n = 1/%lld = ", (long long)n);
        nb__html_num(o, n > 0 ? 1.0 / (double)n : NAN);
        nb__html_printf(o, ", so every element gets the arriving gradient divided by %lld",
                        (long long)n);
    } else if (strcmp(op, "reshape") == 0 || strcmp(op, "permute") == 0)
        nb__html_printf(o, "%s: moves values without changing them, so the gradient is moved "
                           "back the same way", op);
    else {
        nb__html_printf(o, "%s: its backward formula turns the arriving gradient into one "
                           "contribution per input, listed below", op);
    }
}
