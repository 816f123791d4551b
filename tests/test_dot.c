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
    ck_assert_ptr_nonnull(strstr(text, "rankdir=LR;"));

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
    ck_assert_ptr_nonnull(strstr(text, "{W|2x2 f64|data [0.5, -1, 0.25, 2]|grad ["));
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

    /* big tensors are summarised */
    nb_tensor *big = nb_zeros(NB_F32, NB_SHAPE(3, 4));
    f = tmpfile();
    ck_assert_int_eq(nb_dot_write(f, &big, 1, NULL), NB_OK); /* a leaf root */
    text = slurp(f);
    ck_assert_ptr_nonnull(strstr(text, "{constant|3x4 f32|data (12 values)}"));
    free(text);
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
    tcase_add_test(tc, test_stream_stays_open);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
