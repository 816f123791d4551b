/* chain_rule.c — a first lesson: one scalar expression, the chain rule by
 * hand, and nabla doing the same thing node by node.
 *
 *   y = tanh(a*b + c) * a       at a = 1.5, b = -2, c = 4
 *
 * Name the pieces:  d = a*b,  e = d + c,  t = tanh(e),  y = t*a.
 * Walking back from y (dy/dy = 1):
 *   dy/dt = a                         (y = t*a)
 *   dy/de = dy/dt * (1 - t²)          (tanh' = 1 - tanh²)
 *   dy/dd = dy/de * 1,  dy/dc = dy/de * 1      (e = d + c)
 *   dy/db = dy/dd * a                 (d = a*b)
 *   dy/da = dy/dd * b  +  t           (a is used twice: the two paths add up)
 *
 * The program prints the backward trace (what the engine does, in order),
 * checks the gradients against these formulas, and writes chain_rule.dot,
 * the graph with values and gradients (on the edges too); when Graphviz's `dot` is installed
 * it also renders chain_rule.svg.  Exits non-zero if anything disagrees.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

int main(void)
{
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return 1;
    nb_arena_use(arena);
    const double av = 1.5, bv = -2, cv = 4;
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, av), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_scalar(NB_F64, bv), true);
    nb_tensor *c = nb_tensor_set_requires_grad(nb_scalar(NB_F64, cv), true);
    nb_tensor_set_name(a, "a");
    nb_tensor_set_name(b, "b");
    nb_tensor_set_name(c, "c");

    nb_tensor *d = nb_mul(a, b);
    nb_tensor *e = nb_add(d, c);
    nb_tensor *t = nb_tanh(e);
    nb_tensor *y = nb_mul(t, a);
    if (!y) {
        fprintf(stderr, "forward failed: %s\n", nb_last_error());
        return 1;
    }
    nb_tensor_set_name(d, "d");
    nb_tensor_set_name(e, "e");
    nb_tensor_set_name(t, "t");
    nb_tensor_set_name(y, "y");
    printf("y = tanh(a*b + c) * a = %.10g\n\n", nb_tensor_item(y));

    /* The gradients of the intermediate values too: nb_grad returns them
     * without touching any .grad. */
    nb_tensor *mid[3] = {d, e, t}, *gmid[3];
    if (nb_grad(&y, 1, mid, 3, NULL, 0, gmid) != NB_OK) {
        fprintf(stderr, "nb_grad failed: %s\n", nb_last_error());
        return 1;
    }

    /* The backward pass, traced. */
    nb_trace_begin(stdout, NULL);
    int rc = nb_backward(y, NULL);
    nb_trace_end();
    if (rc != NB_OK) {
        fprintf(stderr, "backward failed: %s\n", nb_last_error());
        return 1;
    }

    /* The chain rule by hand (see the top of the file). */
    double tv = tanh(av * bv + cv);
    double dy_de = av * (1 - tv * tv);
    double want[3] = {dy_de * bv + tv, dy_de * av, dy_de};
    nb_tensor *leaves[3] = {a, b, c};
    double worst = 0;
    printf("\n%-3s %16s %16s\n", "", "nabla", "by hand");
    for (int k = 0; k < 3; k++) {
        double got = nb_tensor_item(nb_tensor_grad(leaves[k]));
        printf("dy/d%s %16.10g %16.10g\n", nb_tensor_name(leaves[k]), got, want[k]);
        worst = fmax(worst, fabs(got - want[k]));
    }
    double want_mid[3] = {dy_de, dy_de, av};
    for (int k = 0; k < 3; k++)
        worst = fmax(worst, fabs(nb_tensor_item(gmid[k]) - want_mid[k]));
    printf("largest difference: %.3g\n", worst);

    /* The picture: every value, every gradient, and on each edge the
     * gradient that flows back along it (all_grads runs its own pass). */
    nb_dot_opts opts = {.title = "y = tanh(a*b + c) * a", .all_grads = true};
    if (nb_dot_save("chain_rule.dot", &y, 1, &opts) != NB_OK) {
        fprintf(stderr, "%s\n", nb_last_error());
        return 1;
    }
    printf("wrote chain_rule.dot\n");
    if (system("dot -V > /dev/null 2>&1") == 0) {
        if (system("dot -Tsvg chain_rule.dot -o chain_rule.svg") != 0) {
            fprintf(stderr, "dot could not render chain_rule.dot\n");
            return 1;
        }
        printf("rendered chain_rule.svg\n");
    }
    nb_arena_free(arena);
    return worst < 1e-12 ? 0 : 1;
}
