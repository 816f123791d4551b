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
        "backward pass 1: from '#", "' back to the leaves\n",
        "visit 0  depth 0  node #", " square: #", " = #", "²\n",
        ", the gradient at (#", " square) scalar: [1]\n",
        "-> input 1 (#", " add) scalar gets d#", " * 2 #", ": [14]\n",
        "visit 1  depth 1    node #", " add: #", " + c\n",
        "    -> input 2 'c' (leaf) scalar gets d#", ": [14]\n",
        "    == 'c' (leaf) scalar: d#", "/dc final for this pass: [14] (.grad now [14])\n",
        "visit 2  depth 2      node #", " mul: #", " = a * b\n",
        "-> input 1 'a' (leaf) scalar gets d#", " * b: [42]\n",
        "== 'a' (leaf) scalar: d#", "/da final for this pass: [42] (.grad now [42])\n",
        "-> input 2 'b' (leaf) scalar gets d#", " * a: [28]\n",
        "== 'b' (leaf) scalar: d#", "/db final for this pass: [28] (.grad now [28])\n",
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
        snprintf(fin, sizeof fin, "== %s", params[p]);
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
    nb_tensor_set_name(L, "L");
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
    ck_assert_msg(strstr(t, "== (leaf) scalar: dL/dleaf final for this pass: [6] (.grad now [6])\n"), "%s", t);
    ck_assert_ptr_null(strstr(t, "backward pass 2"));
    ck_assert_int_eq((int)(strstr(t, "backward pass 1") != NULL), 1);
    free(t);
}
END_TEST

/* Passes traced by NB_TRACE are numbered 1, 2, 3 on a thread (each used to
 * be "1": the per-pass trace cleared the count), and nb_trace_begin starts
 * the count again. */
START_TEST(test_env_pass_numbers)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    nb_tensor *L = nb_square(a);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK); /* restart the count */
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    capture cap = capture_begin();
    setenv("NB_TRACE", "1", 1);
    int rc1 = nb_backward_ex(L, NULL, NB_RETAIN_GRAPH);
    int rc2 = nb_backward_ex(L, NULL, NB_RETAIN_GRAPH);
    int rc3 = nb_backward(L, NULL);
    unsetenv("NB_TRACE");
    char *t = capture_end(cap);
    ck_assert_int_eq(rc1, NB_OK);
    ck_assert_int_eq(rc2, NB_OK);
    ck_assert_int_eq(rc3, NB_OK);
    const char *p1 = strstr(t, "backward pass 1: "), *p2 = strstr(t, "backward pass 2: "),
               *p3 = strstr(t, "backward pass 3: ");
    ck_assert_msg(p1 && p2 && p3 && p1 < p2 && p2 < p3, "%s", t);
    ck_assert_ptr_null(strstr(p1 + 1, "backward pass 1: "));
    ck_assert_msg(strstr(t, "final for this pass: [6] (.grad now [18])\n"), "%s", t);
    free(t);
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    nb_tensor *L2 = nb_square(a);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    t = slurp(f);
    ck_assert_msg(strstr(t, "backward pass 1: "), "%s", t);
    ck_assert_ptr_null(strstr(t, "backward pass 4"));
    free(t);
    fclose(f);
}
END_TEST

/* Matrices print one row per line (a one-row matrix inline), each node its
 * formula, each input its local rule (with the broadcast sum), a user label
 * names a gradient ("D = dL/dZ") and stands for it in the rules, and after
 * nb_backward the leaf's .grad is shown as this pass leaves it. */
START_TEST(test_rows_rules_labels)
{
    nb_tensor *x = nb_from_f64((const double[]){1, 2, 3, 4}, NB_SHAPE(2, 2));
    nb_tensor *W = nb_tensor_set_requires_grad(
        nb_from_f64((const double[]){0.5, -1, 0.25, 2}, NB_SHAPE(2, 2)), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(1, 2)), true);
    nb_tensor_set_name(x, "x");
    nb_tensor_set_name(W, "W");
    nb_tensor_set_name(b, "b");
    nb_tensor *M = nb_matmul(x, W);
    nb_tensor *Z = nb_add(M, b);
    nb_tensor *L = nb_sum(Z);
    ck_assert_ptr_nonnull(L);
    nb_tensor_set_name(M, "M");
    nb_tensor_set_name(Z, "Z");
    nb_tensor_set_name(L, "L");
    const nb_tensor *lt[1] = {Z};
    const char *ln[1] = {"D"};
    FILE *f = tmpfile();
    nb_trace_opts bad = {.n_labels = 1};
    ck_assert_int_eq(nb_trace_begin(f, &bad), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_trace_begin: opts.n_labels is 1 but label_tensors/labels are NULL");
    nb_trace_opts opts = {.label_tensors = lt, .labels = ln, .n_labels = 1};
    ck_assert_int_eq(nb_trace_begin(f, &opts), NB_OK);
    ck_assert_int_eq(nb_backward_ex(L, NULL, NB_RETAIN_GRAPH), NB_OK);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    char *t = slurp(f);
    const char *want[] = {
        "backward pass 1: from 'L' back to the leaves\nvisit 0  depth 0  node #",
        " sum: L = sum(Z)\n    dL/dL, the gradient at 'L' (#",
        " sum) scalar: [1]\n    -> input 1 'Z' (#",
        " add) 2x2 gets dL/dL, copied to every summed element:\n      [1, 1]\n      [1, 1]\n"
        "visit 1  depth 1    node #",
        " add: Z = M + b\n      D = dL/dZ, the gradient at 'Z' (#",
        " add) 2x2:\n        [1, 1]\n        [1, 1]\n      -> input 1 'M' (#",
        " matmul) 2x2 gets D:\n        [1, 1]\n        [1, 1]\n"
        "      -> input 2 'b' (leaf) 1x2 gets D, summed to 1x2: [2, 2]\n"
        "      == 'b' (leaf) 1x2: dL/db final for this pass: [2, 2] (.grad now [2, 2])\n"
        "visit 2  depth 2      node #",
        " matmul: M = x @ W\n        dL/dM, the gradient at 'M' (#",
        " matmul) 2x2:\n          [1, 1]\n          [1, 1]\n"
        "        -> input 2 'W' (leaf) 2x2 gets xᵀ @ dL/dM:\n          [4, 4]\n          [6, 6]\n"
        "        == 'W' (leaf) 2x2: dL/dW final for this pass:\n          [4, 4]\n          [6, 6]\n"
        "          .grad now:\n          [4, 4]\n          [6, 6]\n",
        "backward pass 2: from 'L' back to the leaves\n",
        "      == 'b' (leaf) 1x2: dL/db final for this pass: [2, 2] (.grad now [4, 4])\n",
        "        == 'W' (leaf) 2x2: dL/dW final for this pass:\n          [4, 4]\n          [6, 6]\n"
        "          .grad now:\n          [8, 8]\n          [12, 12]\n",
    };
    const char *p = t;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *q = strstr(p, want[i]);
        ck_assert_msg(q, "'%s' not found (in order) in trace:\n%s", want[i], t);
        p = q + strlen(want[i]);
    }
    free(t);
    /* hide_rules: no formulas; max_values 3: the 2x2 gradients are counted */
    rewind(f);
    ck_assert_int_eq(ftruncate(fileno(f), 0), 0);
    nb_tensor *L2 = nb_sum(nb_add(nb_matmul(x, W), b));
    ck_assert_int_eq(nb_trace_begin(f, &(nb_trace_opts){.hide_rules = true, .max_values = 3}), NB_OK);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    t = slurp(f);
    ck_assert_ptr_null(strstr(t, " gets "));
    ck_assert_ptr_null(strstr(t, " sum: "));
    ck_assert_msg(strstr(t, "-> input 2 'W' (leaf) 2x2: [4 values]\n"), "%s", t);
    ck_assert_msg(strstr(t, "== 'W' (leaf) 2x2: d#"), "%s", t);
    ck_assert_msg(strstr(t, "/dW final for this pass: [4 values]\n"), "%s", t);
    free(t);
    fclose(f);
}
END_TEST

/* Labels set on the tensors themselves (nb_tensor_set_grad_label) reach
 * every trace, NB_TRACE's included, which has no options: "D = dL/dZ" at
 * Z's node and D in the rules it feeds, "G = dL/dW" where W's gradient is
 * final.  A trace's own label comes first; NULL removes a label; the label
 * is a copy. */
START_TEST(test_tensor_grad_labels)
{
    nb_tensor *x = nb_from_f64((const double[]){1, 2, 3, 4}, NB_SHAPE(2, 2));
    nb_tensor *W = nb_tensor_set_requires_grad(
        nb_from_f64((const double[]){0.5, -1, 0.25, 2}, NB_SHAPE(2, 2)), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(1, 2)), true);
    nb_tensor_set_name(x, "x");
    nb_tensor_set_name(W, "W");
    nb_tensor_set_name(b, "b");
    nb_tensor *M = nb_matmul(x, W);
    nb_tensor *Z = nb_add(M, b);
    nb_tensor *L = nb_sum(Z);
    ck_assert_ptr_nonnull(L);
    nb_tensor_set_name(M, "M");
    nb_tensor_set_name(Z, "Z");
    nb_tensor_set_name(L, "L");
    char label[8] = "D";
    ck_assert_int_eq(nb_tensor_set_grad_label(Z, label), NB_OK);
    label[0] = 'X'; /* the tensor keeps its own copy */
    ck_assert_str_eq(nb_tensor_grad_label(Z), "D");
    ck_assert_int_eq(nb_tensor_set_grad_label(W, "G"), NB_OK);
    ck_assert_ptr_null(nb_tensor_grad_label(M));

    capture cap = capture_begin();
    setenv("NB_TRACE", "1", 1);
    int rc = nb_backward_ex(L, NULL, NB_RETAIN_GRAPH);
    unsetenv("NB_TRACE");
    char *t = capture_end(cap);
    ck_assert_int_eq(rc, NB_OK);
    const char *want[] = {
        " add: Z = M + b\n      D = dL/dZ, the gradient at 'Z' (#",
        " add) 2x2:\n        [1, 1]\n        [1, 1]\n      -> input 1 'M' (#",
        " matmul) 2x2 gets D:\n        [1, 1]\n        [1, 1]\n"
        "      -> input 2 'b' (leaf) 1x2 gets D, summed to 1x2: [2, 2]\n"
        "      == 'b' (leaf) 1x2: dL/db final for this pass: [2, 2] (.grad now [2, 2])\n",
        " matmul: M = x @ W\n        dL/dM, the gradient at 'M' (#",
        ("        == 'W' (leaf) 2x2: G = dL/dW final for this pass:\n          [4, 4]\n"
         "          [6, 6]\n          .grad now:\n          [4, 4]\n          [6, 6]\n"),
    };
    const char *p = t;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *q = strstr(p, want[i]);
        ck_assert_msg(q, "'%s' not found (in order) in trace:\n%s", want[i], t);
        p = q + strlen(want[i]);
    }
    free(t);

    /* the trace's own label wins; a removed label is gone */
    const nb_tensor *lt[1] = {Z};
    const char *ln[1] = {"Delta"};
    ck_assert_int_eq(nb_tensor_set_grad_label(W, NULL), NB_OK);
    ck_assert_ptr_null(nb_tensor_grad_label(W));
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, &(nb_trace_opts){.label_tensors = lt, .labels = ln,
                                                        .n_labels = 1}),
                     NB_OK);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    t = slurp(f);
    ck_assert_msg(strstr(t, "      Delta = dL/dZ, the gradient at 'Z' (#"), "%s", t);
    ck_assert_msg(strstr(t, " 2x2 gets Delta:\n"), "%s", t);
    ck_assert_msg(strstr(t, "== 'W' (leaf) 2x2: dL/dW final for this pass:\n"), "%s", t);
    ck_assert_ptr_null(strstr(t, " D = "));
    free(t);
    fclose(f);

    /* errors: no tensor, an empty label, a tensor of a reset arena */
    ck_assert_int_eq(nb_tensor_set_grad_label(NULL, "D"), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_tensor_set_grad_label: tensor is NULL");
    ck_assert_ptr_null(nb_tensor_grad_label(NULL));
    ck_assert_int_eq(nb_tensor_set_grad_label(Z, ""), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_tensor_set_grad_label: the label is empty; pass NULL to "
                                "remove a label");
    ck_assert_str_eq(nb_tensor_grad_label(Z), "D"); /* a failed call changes nothing */
    nb_arena *scratch = nb_arena_new();
    nb_arena *prev = nb_arena_use(scratch);
    nb_tensor *s = nb_zeros(NB_F64, NB_SHAPE(2));
    ck_assert_int_eq(nb_tensor_set_grad_label(s, "S"), NB_OK);
    nb_arena_reset(scratch);
    ck_assert_int_eq(nb_tensor_set_grad_label(s, "S"), NB_ERR_STATE);
    ck_assert_ptr_null(nb_tensor_grad_label(s));
    ck_assert_int_eq(nb_last_status(), NB_ERR_STATE);
    nb_arena_use(prev);
    nb_arena_free(scratch);
}
END_TEST

/* Ops with a scalar parameter print its value in their rules:
 * L = 0.5 * (a + 1)^3 at a = 1: dL/dp = 0.5, dL/da = 0.5 * 3 * 2² = 6. */
START_TEST(test_scalar_parameters_in_rules)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1), true);
    nb_tensor_set_name(a, "a");
    nb_tensor *s1 = nb_add_scalar(a, 1);
    nb_tensor *p = nb_pow_scalar(s1, 3);
    nb_tensor *L = nb_mul_scalar(p, 0.5);
    ck_assert_ptr_nonnull(L);
    nb_tensor_set_name(s1, "s");
    nb_tensor_set_name(p, "p");
    nb_tensor_set_name(L, "L");
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    char *t = slurp(f);
    const char *want[] = {
        " mul_scalar: L = 0.5 * p\n",
        "    -> input 1 'p' (#", " pow_scalar) scalar gets 0.5 * dL/dL: [0.5]\n",
        " pow_scalar: p = s^3\n",
        "      -> input 1 's' (#", " add_scalar) scalar gets dL/dp * 3 s^(3 - 1): [6]\n",
        " add_scalar: s = a + 1\n",
        "        -> input 1 'a' (leaf) scalar gets dL/ds: [6]\n",
    };
    const char *q = t;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *r = strstr(q, want[i]);
        ck_assert_msg(r, "'%s' not found (in order) in trace:\n%s", want[i], t);
        q = r + strlen(want[i]);
    }
    free(t);
    fclose(f);
}
END_TEST

static nb_tensor *twice_fwd(nb_tensor *const *in, int n, nb_custom_saved *save, void *user)
{
    (void)n, (void)save, (void)user;
    return nb_mul_scalar(in[0], 2.0);
}

static int twice_bwd(const nb_custom_saved *saved, nb_tensor *const *in, int n, nb_tensor *out,
                     nb_tensor *g, nb_tensor **gin, void *user)
{
    (void)saved, (void)in, (void)n, (void)out, (void)user;
    gin[0] = nb_mul_scalar(g, 2.0);
    return gin[0] ? 0 : -1;
}

/* A custom op named like a built-in one ("tanh" here) gets no built-in rule:
 * its backward is the user's, not tanh's. */
START_TEST(test_custom_op_has_no_builtin_rule)
{
    nb_op_registry *reg = nb_op_registry_new();
    nb_custom_op_def d = {.name = "tanh", .n_inputs = 1, .forward = twice_fwd, .backward = twice_bwd};
    const nb_custom_op *op = nb_custom_op_define(reg, &d);
    ck_assert_ptr_nonnull(op);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1.5), true);
    nb_tensor_set_name(x, "x");
    nb_tensor *y = nb_custom_op_apply(op, &x, 1);
    ck_assert_ptr_nonnull(y);
    nb_tensor_set_name(y, "y");
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_trace_begin(f, NULL), NB_OK);
    ck_assert_int_eq(nb_backward(y, NULL), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    char *t = slurp(f);
    ck_assert_msg(strstr(t, " tanh\n    dy/dy, the gradient at 'y' (#"), "%s", t);
    ck_assert_msg(strstr(t, "    -> input 1 'x' (leaf) scalar: [2]\n"), "%s", t);
    ck_assert_ptr_null(strstr(t, "1 - y²"));
    free(t);
    fclose(f);
    nb_op_registry_free(reg);
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
    ck_assert_msg(strstr(t, ": from '#"), "%s", t); /* the pass number depends on earlier tests */
    ck_assert_msg(strstr(t, "' back to the leaves\n"), "%s", t);
    ck_assert_msg(strstr(t, " square: #"), "%s", t);
    ck_assert_msg(strstr(t, " = leaf²\n"), "%s", t);
    ck_assert_msg(strstr(t, "\n    -> input 1 (leaf) scalar gets d#"), "%s", t);
    ck_assert_msg(strstr(t, " * 2 leaf: [6]\n"), "%s", t);
    /* nb_grad leaves .grad alone, and the trace says nothing of it */
    ck_assert_msg(strstr(t, "final for this pass: [6]\n"), "%s", t);
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
    tcase_add_test(tc, test_env_pass_numbers);
    tcase_add_test(tc, test_rows_rules_labels);
    tcase_add_test(tc, test_tensor_grad_labels);
    tcase_add_test(tc, test_custom_op_has_no_builtin_rule);
    tcase_add_test(tc, test_scalar_parameters_in_rules);
    tcase_add_test(tc, test_env_variable_grad_hook_and_failure);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
