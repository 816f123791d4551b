/* The engine's graph records: nodes sized to their op, tensor headers sized
 * to their rank, and the sort threaded through the nodes.  Graphs whose
 * recording order is not their dependency order, diamonds, a tensor shared
 * by two graphs, higher order through the threaded order, and what a node
 * keeps (versions, parameters, scope). */
#include "test_util.h"

#include <math.h>

#include "autograd/graph.h"

static nb_tensor *leaf64(const double *v, int n)
{
    return nb_tensor_set_requires_grad(nb_from_f64(v, NB_SHAPE(n)), true);
}

/* Nodes recorded in an order unrelated to their dependencies: a branch
 * recorded first is used last, and one recorded last feeds the middle. */
START_TEST(test_out_of_order_recording)
{
    nb_tensor *x = leaf64((double[]){0.3, -0.7}, 2);
    nb_tensor *s = nb_sin(x);             /* recorded first, used at the end */
    nb_tensor *e = nb_exp(x);
    nb_tensor *m = nb_mul(e, nb_add_scalar(x, 1)); /* (x + 1) e^x */
    nb_tensor *L = nb_sum(nb_add(nb_mul(m, s), s));
    ck_assert_ptr_nonnull(L);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    /* L = sum((x+1) e^x sin x + sin x) */
    double want[2];
    for (int i = 0; i < 2; i++) {
        double v = i ? -0.7 : 0.3;
        want[i] = (v + 2) * exp(v) * sin(v) + (v + 1) * exp(v) * cos(v) + cos(v);
    }
    ck_assert_tensor_near(nb_tensor_grad(x), want, 2, 1e-12);
}
END_TEST

/* x feeds a and b, both feed c, a and c feed d: every path is counted once
 * and each node runs after all its consumers. */
START_TEST(test_diamond)
{
    nb_tensor *x = leaf64((double[]){0.5, 1.5, -1}, 3);
    nb_tensor *a = nb_mul(x, x);
    nb_tensor *b = nb_exp(x);
    nb_tensor *c = nb_mul(a, b);
    nb_tensor *d = nb_add(c, a);
    ck_assert_int_eq(nb_backward(nb_sum(d), NULL), NB_OK);
    double want[3];
    for (int i = 0; i < 3; i++) {
        double v = ((double[]){0.5, 1.5, -1})[i];
        want[i] = (2 * v + v * v) * exp(v) + 2 * v; /* d/dx (x^2 e^x + x^2) */
    }
    ck_assert_tensor_near(nb_tensor_grad(x), want, 3, 1e-12);

    /* nb_grad of an inner tensor of the same shape of graph */
    nb_tensor *a2 = nb_mul(x, x), *b2 = nb_exp(x);
    nb_tensor *L = nb_sum(nb_add(nb_mul(a2, b2), a2)), *g = NULL;
    ck_assert_int_eq(nb_grad(&L, 1, &a2, 1, NULL, 0, &g), NB_OK);
    double wa[3];
    for (int i = 0; i < 3; i++)
        wa[i] = exp(((double[]){0.5, 1.5, -1})[i]) + 1;
    ck_assert_tensor_near(g, wa, 3, 1e-12);
}
END_TEST

/* One recorded tensor used by two graphs: each pass keeps its own records
 * (a pass's records in the nodes carry its serial), and the second
 * nb_backward through the shared part is refused unless the first retained
 * it. */
START_TEST(test_tensor_in_two_graphs)
{
    nb_tensor *x = leaf64((double[]){0.2, -0.4}, 2);
    nb_tensor *h = nb_tanh(x);
    nb_tensor *L1 = nb_sum(nb_mul(h, h));
    nb_tensor *L2 = nb_sum(nb_mul_scalar(h, 3));
    nb_tensor *g1 = NULL, *g2 = NULL;
    ck_assert_int_eq(nb_grad(&L1, 1, &x, 1, NULL, 0, &g1), NB_OK);
    ck_assert_int_eq(nb_grad(&L2, 1, &x, 1, NULL, 0, &g2), NB_OK);
    double w1[2], w2[2];
    for (int i = 0; i < 2; i++) {
        double t = tanh(i ? -0.4 : 0.2);
        w1[i] = 2 * t * (1 - t * t);
        w2[i] = 3 * (1 - t * t);
    }
    ck_assert_tensor_near(g1, w1, 2, 1e-12);
    ck_assert_tensor_near(g2, w2, 2, 1e-12);
    /* the first pass's result is not changed by the second */
    ck_assert_tensor_near(g1, w1, 2, 1e-12);

    ck_assert_int_eq(nb_backward_ex(L1, NULL, NB_RETAIN_GRAPH), NB_OK);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
    double sum[2] = {w1[0] + w2[0], w1[1] + w2[1]};
    ck_assert_tensor_near(nb_tensor_grad(x), sum, 2, 1e-12);
    /* L2's pass used up tanh's node, which L1 shares */
    ck_assert_int_eq(nb_backward(L1, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "already used by a backward pass");
    ck_assert_tensor_near(nb_tensor_grad(x), sum, 2, 1e-12);
}
END_TEST

/* Second and third order: each create-graph pass sweeps nodes recorded by
 * the pass before, interleaved with the forward ones. */
START_TEST(test_higher_order_through_the_order)
{
    nb_tensor *x = leaf64((double[]){0.7, -1.3}, 2);
    nb_tensor *y = nb_sum(nb_mul(nb_mul(x, x), nb_sin(x))); /* x^2 sin x */
    nb_tensor *g1 = NULL, *g2 = NULL, *g3 = NULL;
    ck_assert_int_eq(nb_grad(&y, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g1), NB_OK);
    nb_tensor *s1 = nb_sum(g1);
    ck_assert_int_eq(nb_grad(&s1, 1, &x, 1, NULL, NB_CREATE_GRAPH, &g2), NB_OK);
    nb_tensor *s2 = nb_sum(g2);
    ck_assert_int_eq(nb_grad(&s2, 1, &x, 1, NULL, 0, &g3), NB_OK);
    double w1[2], w2[2], w3[2];
    for (int i = 0; i < 2; i++) {
        double v = i ? -1.3 : 0.7, s = sin(v), c = cos(v);
        w1[i] = 2 * v * s + v * v * c;
        w2[i] = 2 * s + 4 * v * c - v * v * s;
        w3[i] = 6 * c - 6 * v * s - v * v * c;
    }
    ck_assert_tensor_near(g1, w1, 2, 1e-12);
    ck_assert_tensor_near(g2, w2, 2, 1e-12);
    ck_assert_tensor_near(g3, w3, 2, 1e-11);
    /* and nb_backward on the second derivative, into .grad */
    ck_assert_int_eq(nb_backward(s2, NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(x), w3, 2, 1e-11);
}
END_TEST

/* What a node keeps depends on its op: parameters and the versions its
 * backward checks, and a scope name only when one is set.  Each survives
 * next to the others. */
START_TEST(test_node_keeps_what_its_op_needs)
{
    nb_tensor *x = leaf64((double[]){1, 2}, 2);
    const char *prev = nb_set_scope("enc");
    nb_tensor *p = nb_pow_scalar(x, 3); /* parameters, a saved input, a scope */
    nb_tensor *t = nb_tanh(p);          /* a saved output, a scope */
    nb_set_scope(prev);
    nb_tensor *a = nb_add_scalar(t, 2); /* parameters, nothing saved, no scope */
    ck_assert_str_eq(nb_node_scope(nb_tensor_node(p)), "enc");
    ck_assert_str_eq(nb_node_scope(nb_tensor_node(t)), "enc");
    ck_assert_ptr_null(nb_node_scope(nb_tensor_node(a)));
    nb_tensor *g = NULL, *L = nb_sum(a);
    ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, 0, &g), NB_OK);
    double w[2];
    for (int i = 0; i < 2; i++) {
        double v = i + 1.0, th = tanh(v * v * v);
        w[i] = (1 - th * th) * 3 * v * v;
    }
    ck_assert_tensor_near(g, w, 2, 1e-12);

    /* an in-place write to the saved input, then to the saved output */
    ck_assert_int_eq(nb_tensor_fill(x, 1.0), NB_OK);
    ck_assert_int_eq(nb_grad(&L, 1, &x, 1, NULL, 0, &g), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "backward of 'pow_scalar'");
    nb_tensor *y = leaf64((double[]){0.5}, 1);
    nb_set_scope("dec");
    nb_tensor *ty = nb_tanh(y);
    nb_set_scope(NULL);
    nb_tensor *Ly = nb_sum(ty);
    ck_assert_int_eq(nb_tensor_fill(ty, 0.0), NB_OK);
    ck_assert_int_eq(nb_backward(Ly, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "its output was modified in place");
}
END_TEST

/* A chain of scalar ops costs one node of 96 bytes and 16 bytes of data per
 * op in the step arena, and its backward no memory per node besides the
 * gradients the formulas make. */
START_TEST(test_chain_node_bytes)
{
    nb_arena *arena = nb_arena_current();
    nb_tensor *x = nb_tensor_set_requires_grad(nb_ones(NB_F32, NB_SHAPE(1, 1)), true);
    nb_tensor *y = nb_add_scalar(x, 0.5);
    size_t before = nb_arena_used(arena);
    for (int i = 0; i < 1000; i++)
        y = nb_add_scalar(y, 0.5);
    size_t fwd = nb_arena_used(arena) - before;
    ck_assert_uint_le(fwd, 1000 * (sizeof(struct nb_node) + sizeof(nb_tensor *) + 8 + 16));
    ck_assert_uint_le(sizeof(struct nb_node), 80); /* on LP64 */
    size_t mid = nb_arena_used(arena);
    ck_assert_int_eq(nb_backward(y, NULL), NB_OK); /* add_scalar passes its gradient on */
    ck_assert_uint_le(nb_arena_used(arena) - mid, 4096);
    ck_assert_double_eq(nb_tensor_get(nb_tensor_grad(x), 0), 1.0);
}
END_TEST

/* Headers are allocated for their rank: shapes of every rank read back, and
 * an 8-d tensor goes through forward and backward. */
START_TEST(test_headers_sized_to_rank)
{
    nb_tensor *s = nb_scalar(NB_F64, 2.5);
    ck_assert_int_eq(nb_tensor_ndim(s), 0);
    ck_assert_int_eq(nb_tensor_numel(s), 1);
    int64_t big[NB_MAX_DIMS];
    for (int d = 0; d < NB_MAX_DIMS; d++)
        big[d] = d % 3 == 0 ? 2 : 1;
    nb_tensor *x = nb_tensor_set_requires_grad(nb_full(NB_F64, NB_MAX_DIMS, big, 1.5), true);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(nb_tensor_ndim(x), NB_MAX_DIMS);
    const int64_t *sh = nb_tensor_shape(x);
    for (int d = 0; d < NB_MAX_DIMS; d++)
        ck_assert_int_eq(sh[d], big[d]);
    nb_tensor *L = nb_sum(nb_mul(nb_mul(x, x), s));
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    nb_tensor *g = nb_tensor_grad(x);
    ck_assert_int_eq(nb_tensor_ndim(g), NB_MAX_DIMS);
    for (int d = 0; d < NB_MAX_DIMS; d++)
        ck_assert_int_eq(nb_tensor_shape(g)[d], big[d]);
    for (int64_t i = 0; i < nb_tensor_numel(g); i++)
        ck_assert_double_eq_tol(nb_tensor_get(g, i), 2 * 1.5 * 2.5, 1e-12);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("autograd_graph");
    TCase *tc = nb_test_case("graph");
    tcase_add_test(tc, test_out_of_order_recording);
    tcase_add_test(tc, test_diamond);
    tcase_add_test(tc, test_tensor_in_two_graphs);
    tcase_add_test(tc, test_higher_order_through_the_order);
    tcase_add_test(tc, test_node_keeps_what_its_op_needs);
    tcase_add_test(tc, test_chain_node_bytes);
    tcase_add_test(tc, test_headers_sized_to_rank);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
