/* The backward trace: values at each node, a valid reverse topological
 * order, "final" events after a leaf's last use, the API's errors, and the
 * NB_TRACE environment switch. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

static char *slurp(FILE *f)
{
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* L = (a*b + c)² at a=2, b=3, c=1: z = 7, dL/dz = 14, dL/da = 14b = 42,
 * dL/db = 14a = 28, dL/dc = 14. */
START_TEST(test_scalar_chain_values)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 2), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    nb_tensor *c = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1), true);
    nb_tensor_set_name(a, "a");
    nb_tensor_set_name(b, "b");
    nb_tensor_set_name(c, "c");
    nb_tensor *L = nb_square(nb_add(nb_mul(a, b), c));
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    ck_assert(nb_trace_active());
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    ck_assert(!nb_trace_active());
    char *t = slurp(f);
    const char *want[] = {
        "backward pass 1",
        "step 0  depth 0  node #", " square\n",
        "grad of its output (#", " square) scalar: [1]\n",
        "-> input 1 (#", " add) scalar: [14]\n",
        "step 1  depth 1    node #", " add\n",
        "-> input 2 'c' (leaf) scalar: [14]\n",
        "== gradient of 'c' (leaf) scalar is final: [14]\n",
        "step 2  depth 2      node #", " mul\n",
        "-> input 1 'a' (leaf) scalar: [42]\n",
        "== gradient of 'a' (leaf) scalar is final: [42]\n",
        "-> input 2 'b' (leaf) scalar: [28]\n",
        "== gradient of 'b' (leaf) scalar is final: [28]\n",
    };
    const char *p = t;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *q = strstr(p, want[i]);
        ck_assert_msg(q, "'%s' not found (in order) in trace:\n%s", want[i], t);
        p = q + strlen(want[i]);
    }
    free(t);
    fclose(f);
}
END_TEST

/* Position in the trace of node `id`'s NODE line, or -1. */
static long node_pos(const char *t, uint64_t id)
{
    char key[48];
    snprintf(key, sizeof key, "node #%llu ", (unsigned long long)id);
    const char *q = strstr(t, key);
    return q ? (long)(q - t) : -1;
}

/* Two tanh layers; W1 is also used by a regulariser, so its gradient has
 * two contributions and becomes final only after both. */
START_TEST(test_order_and_final_events)
{
    nb_rng rng_store, *rng = &rng_store;
    nb_rng_seed(rng, 7);
    nb_tensor *x = nb_rand_normal(rng, NB_F64, NB_SHAPE(4, 3), 0, 1);
    nb_tensor *W1 = nb_tensor_set_requires_grad(nb_rand_normal(rng, NB_F64, NB_SHAPE(3, 5), 0, 1), true);
    nb_tensor *b1 = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(1, 5)), true);
    nb_tensor *W2 = nb_tensor_set_requires_grad(nb_rand_normal(rng, NB_F64, NB_SHAPE(5, 2), 0, 1), true);
    nb_tensor_set_name(W1, "W1");
    nb_tensor_set_name(b1, "b1");
    nb_tensor_set_name(W2, "W2");
    nb_tensor *h = nb_tanh(nb_add(nb_matmul(x, W1), b1));
    nb_tensor *y = nb_matmul(h, W2);
    nb_tensor *loss = nb_add(nb_sum(nb_square(y)), nb_mul_scalar(nb_sum(nb_square(W1)), 0.01));
    ck_assert_ptr_nonnull(loss);

    FILE *f = tmpfile();
    nb_trace_opts opts = {.max_values = -1, .show_sites = true};
    ck_assert_int_eq(nb_trace_begin(f, &opts), NB_OK);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    char *t = slurp(f);
    ck_assert_ptr_null(strstr(t, ": [")); /* no values with max_values < 0 */

    const nb_node **nodes;
    int64_t count;
    ck_assert_int_eq(nb_graph_nodes(&loss, 1, &nodes, &count), NB_OK);
    /* Every node is traced, after every node that consumes its output. */
    for (int64_t i = 0; i < count; i++) {
        long pi = node_pos(t, nb_node_id(nodes[i]));
        ck_assert_msg(pi >= 0, "node #%llu missing", (unsigned long long)nb_node_id(nodes[i]));
        for (int64_t j = 0; j < count; j++)
            for (int k = 0; k < nb_node_num_inputs(nodes[j]); k++)
                if (nb_node_input(nodes[j], k) == nb_node_output(nodes[i]))
                    ck_assert_msg(node_pos(t, nb_node_id(nodes[j])) < pi,
                                  "node #%llu traced before its consumer #%llu",
                                  (unsigned long long)nb_node_id(nodes[i]),
                                  (unsigned long long)nb_node_id(nodes[j]));
    }
    /* Each parameter is final once, after its last use (pass line). */
    const char *params[] = {"'W1'", "'b1'", "'W2'"};
    for (int p = 0; p < 3; p++) {
        char fin[64], use[64];
        snprintf(fin, sizeof fin, "== gradient of %s", params[p]);
        snprintf(use, sizeof use, "%s (leaf)", params[p]);
        const char *final = strstr(t, fin);
        ck_assert_msg(final, "no final event for %s:\n%s", params[p], t);
        ck_assert_ptr_null(strstr(final + 1, fin));
        int uses = 0;
        for (const char *q = strstr(t, use); q; q = strstr(q + 1, use))
            if (q < final - 20 || q > final + 20) {
                ck_assert_msg(q < final, "%s used after its final event", params[p]);
                uses++;
            }
        ck_assert_int_eq(uses, p == 0 ? 2 : 1); /* W1: the layer and the regulariser */
    }
    free(t);
    fclose(f);
}
END_TEST

static int other_calls;
static void other_hook(const nb_backward_event *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
    other_calls++;
}

START_TEST(test_api_errors_and_hook_restore)
{
    ck_assert_int_eq(nb_trace_begin(NULL, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_trace_begin: out is NULL");
    ck_assert_int_eq(nb_trace_end(), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "no trace is running");
    int marker;
    nb_set_backward_hook(other_hook, &marker, NULL);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "already running");
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    void *ctx = NULL;
    ck_assert(nb_set_backward_hook(NULL, NULL, &ctx) == other_hook);
    ck_assert_ptr_eq(ctx, &marker);
    fclose(f);
}
END_TEST

/* stderr goes to a temporary file until capture_end, which returns what
 * was written (free it). */
typedef struct capture {
    FILE *file;
    int saved_fd;
} capture;

static capture capture_begin(void)
{
    capture c;
    fflush(stderr);
    c.file = tmpfile();
    ck_assert_ptr_nonnull(c.file);
    c.saved_fd = dup(fileno(stderr));
    ck_assert_int_ge(c.saved_fd, 0);
    ck_assert_int_ge(dup2(fileno(c.file), fileno(stderr)), 0);
    return c;
}

static char *capture_end(capture c)
{
    fflush(stderr);
    dup2(c.saved_fd, fileno(stderr));
    close(c.saved_fd);
    char *t = slurp(c.file);
    fclose(c.file);
    return t;
}

START_TEST(test_env_variable)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    nb_tensor *L = nb_square(a);
    capture cap = capture_begin();
    setenv("NB_TRACE", "1", 1);
    int rc = nb_backward_ex(L, NULL, NB_RETAIN_GRAPH); /* the graph runs twice */
    setenv("NB_TRACE", "0", 1);
    int rc2 = nb_backward(L, NULL); /* off again: nothing printed */
    unsetenv("NB_TRACE");
    char *t = capture_end(cap);
    ck_assert_int_eq(rc, NB_OK);
    ck_assert_int_eq(rc2, NB_OK);
    ck_assert(!nb_trace_active());
    ck_assert_msg(strstr(t, "== gradient of (leaf) scalar is final: [6]"), "%s", t);
    ck_assert_ptr_null(strstr(t, "backward pass 2"));
    ck_assert_int_eq((int)(strstr(t, "backward pass 1") != NULL), 1);
    free(t);
}
END_TEST

/* NB_TRACE traces nb_grad too; a hook the thread already has keeps its
 * pass (untraced, still installed after it); a failed traced pass leaves no
 * hook behind. */
START_TEST(test_env_variable_grad_hook_and_failure)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    nb_tensor *L = nb_square(a);
    nb_tensor *g = NULL;
    int marker;
    setenv("NB_TRACE", "1", 1);
    capture cap = capture_begin();
    int rc = nb_grad(&L, 1, &a, 1, NULL, 0, &g);
    char *t = capture_end(cap);
    ck_assert_int_eq(rc, NB_OK);
    ck_assert_tensor_near(g, (double[]){6}, 1, 0);
    ck_assert_msg(strstr(t, "backward pass 1: from the output back to the leaves"), "%s", t);
    ck_assert_msg(strstr(t, "-> input 1 (leaf) scalar: [6]"), "%s", t);
    free(t);

    other_calls = 0;
    nb_set_backward_hook(other_hook, &marker, NULL);
    cap = capture_begin();
    rc = nb_backward_ex(L, NULL, NB_RETAIN_GRAPH);
    t = capture_end(cap);
    ck_assert_int_eq(rc, NB_OK);
    ck_assert_int_eq(other_calls, 3); /* node, pass to a, a final */
    ck_assert_msg(t[0] == '\0', "traced despite the hook:\n%s", t);
    free(t);
    void *ctx = NULL;
    ck_assert(nb_set_backward_hook(NULL, NULL, &ctx) == other_hook);
    ck_assert_ptr_eq(ctx, &marker);

    nb_tensor *wrong = nb_zeros(NB_F64, NB_SHAPE(2));
    cap = capture_begin();
    rc = nb_backward(L, wrong);
    t = capture_end(cap);
    unsetenv("NB_TRACE");
    ck_assert_int_eq(rc, NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_backward: grad_output 1 is f64 2 but output is f64 scalar");
    ck_assert(!nb_trace_active());
    ck_assert(nb_set_backward_hook(NULL, NULL, NULL) == NULL);
    free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = nb_test_case("trace");
    tcase_add_test(tc, test_scalar_chain_values);
    tcase_add_test(tc, test_order_and_final_events);
    tcase_add_test(tc, test_api_errors_and_hook_restore);
    tcase_add_test(tc, test_env_variable);
    tcase_add_test(tc, test_env_variable_grad_hook_and_failure);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
