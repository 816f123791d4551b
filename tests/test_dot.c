/* DOT export: every op and tensor is in the picture, labels are escaped,
 * options work, Graphviz parses the output, and bad inputs are errors. */
#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

#ifndef NB_DOT_PROGRAM
#define NB_DOT_PROGRAM ""
#endif

/* The whole content of a stream written by nb_dot_write (malloc'd). */
static char *slurp(FILE *f)
{
    long n;
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Runs Graphviz on a file; true when dot is absent (the check is skipped). */
static bool dot_parses(const char *path)
{
    if (!NB_DOT_PROGRAM[0])
        return true;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s -Tsvg '%s' -o /dev/null", NB_DOT_PROGRAM, path);
    return system(cmd) == 0;
}

/* y = tanh(x @ W + b), loss = sum(y²), with names on the leaves. */
static nb_tensor *small_net(nb_tensor **x, nb_tensor **W, nb_tensor **b)
{
    *x = nb_from_f64((const double[]){1, 2}, NB_SHAPE(1, 2));
    *W = nb_from_f64((const double[]){0.5, -1, 0.25, 2}, NB_SHAPE(2, 2));
    *b = nb_from_f64((const double[]){0.1, -0.2}, NB_SHAPE(1, 2));
    nb_tensor_set_requires_grad(*W, true);
    nb_tensor_set_requires_grad(*b, true);
    nb_tensor_set_name(*x, "x");
    nb_tensor_set_name(*W, "W");
    nb_tensor_set_name(*b, "b");
    return nb_sum(nb_square(nb_tanh(nb_add(nb_matmul(*x, *W), *b))));
}

START_TEST(test_every_node_and_tensor)
{
    nb_tensor *x, *W, *b;
    nb_tensor *loss = small_net(&x, &W, &b);
    ck_assert_ptr_nonnull(loss);
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_dot_write(f, &loss, 1, NULL), NB_OK);
    char *text = slurp(f);
    ck_assert_ptr_nonnull(strstr(text, "digraph nabla {"));
    ck_assert_ptr_nonnull(strstr(text, "rankdir=TB;")); /* a chain: taller than wide */

    const nb_node **nodes;
    int64_t count;
    ck_assert_int_eq(nb_graph_nodes(&loss, 1, &nodes, &count), NB_OK);
    ck_assert_int_eq(count, 5); /* matmul add tanh square sum */
    char want[64];
    for (int64_t i = 0; i < count; i++) {
        snprintf(want, sizeof want, "o%llu [shape=ellipse, label=\"%s #%llu",
                 (unsigned long long)nb_node_id(nodes[i]), nb_node_op_name(nodes[i]),
                 (unsigned long long)nb_node_id(nodes[i]));
        ck_assert_msg(strstr(text, want), "missing op record %s in\n%s", want, text);
    }
    /* 3 leaves + 5 op outputs, each written once; 5 op->output edges and
     * 7 input edges (matmul 2, add 2, tanh 1, square 1, sum 1). */
    ck_assert_int_eq(count_of(text, "[shape=record"), 8);
    ck_assert_int_eq(count_of(text, "-> t"), 5);
    ck_assert_int_eq(count_of(text, "-> o"), 7);
    /* names, parameters filled, constants labelled */
    /* a matrix, one row per line */
    ck_assert_msg(strstr(text, "{W|2x2 f64|data\\n[0.5, -1]\\n[0.25, 2]|grad\\n["), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "{x|1x2 f64|data [1, 2]}"));
    ck_assert_int_eq(count_of(text, "fillcolor"), 2); /* W and b */
    /* the loss value, from its formula */
    double y0 = tanh(1 * 0.5 + 2 * 0.25 + 0.1), y1 = tanh(1 * -1 + 2 * 2 - 0.2);
    snprintf(want, sizeof want, "scalar f64|data [%.4g]", y0 * y0 + y1 * y1);
    ck_assert_msg(strstr(text, want), "missing %s", want);
    free(text);
    fclose(f);
}
END_TEST

START_TEST(test_parses_with_dot)
{
    nb_tensor *x, *W, *b;
    nb_tensor *loss = small_net(&x, &W, &b);
    nb_tensor_set_name(W, "we\"ird {name} | <x> \\ \n");
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    char path[] = "test_dot_out.dot";
    nb_dot_opts opts = {.direction = NB_DOT_TB, .title = "a \"title\"", .show_sites = true};
    ck_assert_int_eq(nb_dot_save(path, &loss, 1, &opts), NB_OK);
    ck_assert_int_eq(access("test_dot_out.dot.tmp", F_OK), -1); /* renamed away */
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char *text = slurp(f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "rankdir=TB;"));
    ck_assert_ptr_nonnull(strstr(text, "label=\"a \\\"title\\\"\";"));
    ck_assert_ptr_nonnull(strstr(text, "{we\\\"ird \\{name\\} \\| \\<x\\> \\\\  |"));
    ck_assert_ptr_null(strstr(text, "\n |")); /* the newline in the name became a space */
    free(text);
    ck_assert_msg(dot_parses(path), "dot rejected %s", path);
    remove(path);
}
END_TEST

START_TEST(test_options_and_extra_grads)
{
    nb_tensor *x = nb_from_f64((const double[]){3}, NB_SHAPE(1));
    nb_tensor_set_requires_grad(x, true);
    nb_tensor *h = nb_mul_scalar(x, 2.0);
    nb_tensor *y = nb_square(h);
    nb_tensor *g[1];
    ck_assert_int_eq(nb_grad(&y, 1, &h, 1, NULL, 0, g), NB_OK);
    const nb_tensor *keys[1] = {h}, *vals[1] = {g[0]};
    nb_dot_opts opts = {.grad_tensors = keys, .grads = vals, .n_grads = 1};
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &y, 1, &opts), NB_OK);
    char *text = slurp(f);
    /* dy/dh = 2h = 12 */
    ck_assert_msg(strstr(text, "{1 f64|data [6]|grad [12]}"), "%s", text);
    free(text);
    fclose(f);

    /* no values at all */
    f = tmpfile();
    opts = (nb_dot_opts){.max_values = -1};
    ck_assert_int_eq(nb_dot_write(f, &y, 1, &opts), NB_OK);
    text = slurp(f);
    ck_assert_ptr_null(strstr(text, "data"));
    free(text);
    fclose(f);

    /* by default a 4x4 matrix is shown in rows, as in the trace; bigger
     * tensors, and any above max_values, are summarised */
    nb_tensor *small = nb_zeros(NB_F32, NB_SHAPE(4, 4));
    nb_tensor *big = nb_zeros(NB_F32, NB_SHAPE(3, 6));
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, (nb_tensor *[]){small, big}, 2, NULL), NB_OK); /* leaf roots */
    text = slurp(f);
    ck_assert_msg(strstr(text, "{constant|4x4 f32|data\\n[0, 0, 0, 0]\\n[0, 0, 0, 0]\\n[0, 0, 0, 0]"
                               "\\n[0, 0, 0, 0]}"), "%s", text);
    ck_assert_msg(strstr(text, "{constant|3x6 f32|data (18 values)}"), "%s", text);
    free(text);
    fclose(f);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &small, 1, &(nb_dot_opts){.max_values = 15}), NB_OK);
    text = slurp(f);
    ck_assert_msg(strstr(text, "{constant|4x4 f32|data (16 values)}"), "%s", text);
    free(text);
    fclose(f);
}
END_TEST

/* The direction follows the graph's shape: a chain is taller than wide
 * (TB), four independent products side by side are wider (LR); explicit
 * directions win. */
START_TEST(test_auto_direction)
{
    nb_tensor *leaf[8], *prod[4];
    for (int i = 0; i < 8; i++)
        leaf[i] = nb_tensor_set_requires_grad(nb_scalar(NB_F64, i + 1), true);
    for (int i = 0; i < 4; i++)
        prod[i] = nb_mul(leaf[2 * i], leaf[2 * i + 1]);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, prod, 4, NULL), NB_OK);
    char *text = slurp(f);
    ck_assert_msg(strstr(text, "rankdir=LR;"), "%s", text);
    free(text);
    fclose(f);
    nb_tensor *chain = nb_exp(nb_tanh(nb_sin(prod[0])));
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &chain, 1, NULL), NB_OK);
    text = slurp(f);
    ck_assert_msg(strstr(text, "rankdir=TB;"), "%s", text);
    free(text);
    fclose(f);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &chain, 1, &(nb_dot_opts){.direction = NB_DOT_LR}), NB_OK);
    text = slurp(f);
    ck_assert_msg(strstr(text, "rankdir=LR;"), "%s", text);
    free(text);
    fclose(f);
}
END_TEST

/* all_grads: L = (a*b + c)² at a=2, b=3, c=1 (z = 7): every tensor shows
 * dL/dtensor (z: 14, the product: 14, a: 42, b: 28, c: 14, L: 1), every edge
 * what flows back along it, without a backward pass and leaving .grad
 * alone; the graph stays usable. */
START_TEST(test_all_grads_and_edges)
{
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 2), true);
    nb_tensor *b = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    nb_tensor *c = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1), true);
    nb_tensor_set_name(a, "a");
    nb_tensor_set_name(b, "b");
    nb_tensor_set_name(c, "c");
    nb_tensor *p = nb_mul(a, b);
    nb_tensor *z = nb_add(p, c);
    nb_tensor *L = nb_square(z);
    nb_tensor_set_name(p, "p");
    nb_tensor_set_name(z, "z");
    nb_tensor_set_name(L, "L");
    char path[] = "test_dot_grads.dot";
    ck_assert_int_eq(nb_dot_save(path, &L, 1, &(nb_dot_opts){.all_grads = true}), NB_OK);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char *text = slurp(f);
    fclose(f);
    const char *want[] = {
        "label=\"{a|scalar f64|data [2]|grad [42]}\"];\n  t0 -> o",
        " [label=\"1\\ngrad [42]\", fontcolor=\"#a03000\"];\n",
        "label=\"{b|scalar f64|data [3]|grad [28]}\"];\n  t1 -> o",
        " [label=\"2\\ngrad [28]\", fontcolor=\"#a03000\"];\n",
        "label=\"{p|scalar f64|data [6]|grad [14]}\"];\n",
        "label=\"{c|scalar f64|data [1]|grad [14]}\"];\n",
        "label=\"{z|scalar f64|data [7]|grad [14]}\"];\n",
        " [label=\"grad [14]\", fontcolor=\"#a03000\"];\n", /* z -> square */
        "label=\"{L|scalar f64|data [49]|grad [1]}\"];\n",
    };
    const char *q = text;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *r = strstr(q, want[i]);
        ck_assert_msg(r, "'%s' not found (in order) in\n%s", want[i], text);
        q = r + strlen(want[i]);
    }
    free(text);
    ck_assert_msg(dot_parses(path), "dot rejected %s", path);
    remove(path);
    ck_assert_ptr_null(nb_tensor_grad(a)); /* .grad untouched */
    ck_assert_int_eq(nb_backward(L, NULL), NB_OK); /* and the graph not used up */
    ck_assert_double_eq(nb_tensor_item(nb_tensor_grad(a)), 42);

    /* a running trace does not print the export's pass */
    FILE *tr = tmpfile();
    ck_assert_int_eq(nb_trace_begin(tr, NULL), NB_OK);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &L, 1, &(nb_dot_opts){.all_grads = true}), NB_OK);
    ck_assert_int_eq(nb_trace_end(), NB_OK);
    ck_assert_int_eq(ftell(tr), 0);
    fclose(tr);
    fclose(f);

    /* the root must have one element */
    nb_tensor *v = nb_mul_scalar(nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(2)), true), 2);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &v, 1, &(nb_dot_opts){.all_grads = true}), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_dot_write: opts.all_grads differentiates root 1, which must "
                                "have one element (it is 2)");
    fclose(f);
}
END_TEST

/* Gradient labels (nb_tensor_set_grad_label): a labelled tensor's gradient
 * is captioned "D = dL/dZ" (rows of a matrix below it), or "D" alone when
 * the root has no name; the label is escaped like a name; .grad of a
 * labelled leaf is captioned too; unlabelled tensors keep "grad". */
START_TEST(test_grad_labels)
{
    nb_tensor *x = nb_from_f64((const double[]){1, 2, 3, 4}, NB_SHAPE(2, 2));
    nb_tensor *W = nb_tensor_set_requires_grad(
        nb_from_f64((const double[]){0.5, -1, 0.25, 2}, NB_SHAPE(2, 2)), true);
    nb_tensor_set_name(x, "x");
    nb_tensor_set_name(W, "W");
    nb_tensor *Z = nb_matmul(x, W);
    nb_tensor *L = nb_sum(Z);
    ck_assert_ptr_nonnull(L);
    nb_tensor_set_name(Z, "Z");
    nb_tensor_set_name(L, "L");
    ck_assert_int_eq(nb_tensor_set_grad_label(Z, "D"), NB_OK);
    ck_assert_int_eq(nb_tensor_set_grad_label(W, "G|W"), NB_OK);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &L, 1, &(nb_dot_opts){.all_grads = true}), NB_OK);
    char *text = slurp(f);
    fclose(f);
    const char *want[] = {
        "label=\"{W|2x2 f64|data\\n[0.5, -1]\\n[0.25, 2]|G\\|W = dL/dW\\n[4, 4]\\n[6, 6]}\"];\n",
        "label=\"{Z|2x2 f64|data\\n[1, 3]\\n[2.5, 5]|D = dL/dZ\\n[1, 1]\\n[1, 1]}\"];\n",
        "label=\"{L|scalar f64|data [11.5]|grad [1]}\"];\n",
    };
    const char *q = text;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *r = strstr(q, want[i]);
        ck_assert_msg(r, "'%s' not found (in order) in\n%s", want[i], text);
        q = r + strlen(want[i]);
    }
    free(text);

    /* an unnamed root: the label alone; a leaf's .grad (no all_grads) */
    nb_tensor *L2 = nb_mul_scalar(nb_sum(Z), 2);
    ck_assert_int_eq(nb_backward(L2, NULL), NB_OK);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &L2, 1, NULL), NB_OK);
    text = slurp(f);
    fclose(f);
    ck_assert_msg(strstr(text, "label=\"{W|2x2 f64|data\\n[0.5, -1]\\n[0.25, 2]|G\\|W\\n[8, 8]\\n"
                               "[12, 12]}\"];\n"), "%s", text);
    ck_assert_msg(strstr(text, "|data\\n[1, 3]\\n[2.5, 5]}\"];\n"), "%s", text); /* Z: no grad */
    free(text);
}
END_TEST

/* Groups: the user's (a tensor with the op that made it), and without them
 * the layers of an nb_model, from its parameters' names. */
START_TEST(test_groups)
{
    nb_tensor *x, *W, *b;
    nb_tensor *loss = small_net(&x, &W, &b);
    nb_tensor *sq = nb_node_input(nb_tensor_node(loss), 0);
    nb_tensor *z = nb_node_input(nb_tensor_node(nb_node_input(nb_tensor_node(sq), 0)), 0);
    ck_assert_str_eq(nb_node_op_name(nb_tensor_node(z)), "add");
    const nb_tensor *members[2] = {z, W};
    const char *names[2] = {"my \"layer\"", "my \"layer\""};
    char path[] = "test_dot_groups.dot";
    nb_dot_opts opts = {.group_tensors = members, .group_names = names, .n_groups = 2};
    ck_assert_int_eq(nb_dot_save(path, &loss, 1, &opts), NB_OK);
    FILE *f = fopen(path, "r");
    char *text = slurp(f);
    fclose(f);
    char want[160];
    /* W is t1 (after x), z the add's output t4 (after the matmul's t2 and
     * b's t3); the matmul reads W, so it joins W's group with its output */
    snprintf(want, sizeof want,
             "  subgraph cluster_0 {\n    label=\"my \\\"layer\\\"\";\n    style=rounded;\n"
             "    color=\"#909090\";\n    o%llu; t2; t1; o%llu; t4;\n  }\n}\n",
             (unsigned long long)nb_node_id(nb_tensor_node(z)) - 1,
             (unsigned long long)nb_node_id(nb_tensor_node(z)));
    ck_assert_msg(strstr(text, want), "'%s' not in\n%s", want, text);
    ck_assert_int_eq(count_of(text, "subgraph cluster_"), 1);
    free(text);
    ck_assert_msg(dot_parses(path), "dot rejected %s", path);

    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 3});
    ck_assert_int_ge(nb_model_add_linear(m, 2, 3, NB_ACT_TANSIG, NB_INIT_DEFAULT), 0);
    ck_assert_int_ge(nb_model_add_linear(m, 3, 1, NB_ACT_PURELIN, NB_INIT_DEFAULT), 0);
    nb_tensor *y = nb_model_forward(m, x);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    nb_tensor *err = nb_sum(nb_square(y));
    ck_assert_int_eq(nb_dot_save(path, &err, 1, NULL), NB_OK);
    f = fopen(path, "r");
    text = slurp(f);
    fclose(f);
    ck_assert_int_eq(count_of(text, "subgraph cluster_"), 2);
    const char *c0 = strstr(text, "label=\"layer1\";"), *c1 = strstr(text, "label=\"layer2\";");
    ck_assert_msg(c0 && c1 && c0 < c1, "%s", text);
    /* layer1: matmul, bias add, tanh (3 ops), its weight and bias; layer2:
     * matmul and bias add; the error's square and sum are outside */
    const char *end0 = strstr(c0, "}"), *end1 = strstr(c1, "}");
    int ops0 = 0, ops1 = 0;
    for (const char *q = strstr(c0, " o"); q && q < end0; q = strstr(q + 1, " o"))
        ops0++;
    for (const char *q = strstr(c1, " o"); q && q < end1; q = strstr(q + 1, " o"))
        ops1++;
    ck_assert_int_eq(ops0, 3);
    ck_assert_int_eq(ops1, 2);
    free(text);
    ck_assert_msg(dot_parses(path), "dot rejected %s", path);
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &err, 1, &(nb_dot_opts){.hide_layers = true}), NB_OK);
    text = slurp(f);
    ck_assert_ptr_null(strstr(text, "subgraph"));
    free(text);
    fclose(f);
    remove(path);
    nb_model_free(m);

    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &loss, 1, &(nb_dot_opts){.n_groups = 1}), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_dot_write: opts.n_groups is 1 but group_tensors/group_names are NULL");
    fclose(f);
}
END_TEST

START_TEST(test_stream_stays_open)
{
    nb_tensor *x = nb_scalar(NB_F64, 1.0);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &x, 1, NULL), NB_OK);
    ck_assert_int_gt(fprintf(f, "more\n"), 0); /* the caller still owns it */
    ck_assert_int_eq(fclose(f), 0);
}
END_TEST

START_TEST(test_errors)
{
    nb_tensor *x = nb_scalar(NB_F64, 1.0);
    FILE *f = tmpfile();
    ck_assert_int_eq(nb_dot_write(NULL, &x, 1, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_dot_write: out is NULL");
    nb_clear_error();
    ck_assert_int_eq(nb_dot_write(f, NULL, 1, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "roots");
    ck_assert_int_eq(nb_dot_write(f, &x, 0, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "at least one root");
    nb_dot_opts bad = {.n_grads = 2};
    ck_assert_int_eq(nb_dot_write(f, &x, 1, &bad), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "n_grads");
    nb_tensor *roots[2] = {x, NULL};
    nb_clear_error();
    ck_assert_int_lt(nb_dot_write(f, roots, 2, NULL), 0);
    ck_assert_error(NB_ERR_NULL, "root 2");
    ck_assert_int_eq(nb_dot_save("no-such-dir/x.dot", &x, 1, NULL), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "no-such-dir/x.dot.tmp");
    ck_assert_int_eq(nb_dot_save(NULL, &x, 1, NULL), NB_ERR_NULL);
    /* a stale tensor */
    nb_arena *a = nb_arena_new();
    nb_arena *prev = nb_arena_use(a);
    nb_tensor *stale = nb_scalar(NB_F64, 2.0);
    nb_arena_reset(a);
    nb_arena_use(prev);
    ck_assert_int_eq(nb_dot_write(f, &stale, 1, NULL), NB_ERR_STATE);
    nb_arena_free(a);
    fclose(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dot");
    TCase *tc = nb_test_case("dot");
    tcase_add_test(tc, test_every_node_and_tensor);
    tcase_add_test(tc, test_parses_with_dot);
    tcase_add_test(tc, test_options_and_extra_grads);
    tcase_add_test(tc, test_auto_direction);
    tcase_add_test(tc, test_all_grads_and_edges);
    tcase_add_test(tc, test_grad_labels);
    tcase_add_test(tc, test_groups);
    tcase_add_test(tc, test_stream_stays_open);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
