/* The backward-pass page (nabla/html.h): the numbers at given steps, the
 * sums term by term, the local rule, "final" after a parameter's last use,
 * summaries of large tensors, a self-contained file, .grad and the thread's
 * hook left alone, the errors, and a save that is atomic (a failure leaves
 * no file, an existing page unchanged) with mode 0644; scopes (nabla/
 * autograd.h) and a model's layers as boxes, and the BP layer view with
 * sums that end in a hand-derived backward pass. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
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

static char *slurp_path(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *s = slurp(f);
    fclose(f);
    return s;
}

/* The text of step k's section (a copy), or NULL when there is none. */
static char *section(const char *page, int k)
{
    char id[48];
    snprintf(id, sizeof id, "<section class=\"step\" id=\"s%d\"", k);
    const char *a = strstr(page, id);
    if (!a)
        return NULL;
    const char *b = strstr(a, "</section>");
    ck_assert_ptr_nonnull(b);
    size_t n = (size_t)(b - a);
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, a, n);
    s[n] = '\0';
    return s;
}

static char *page_of(nb_tensor *root, const nb_html_opts *opts)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(nb_html_write(f, &root, 1, opts) == NB_OK, "%s", nb_last_error());
    char *s = slurp(f);
    fclose(f);
    return s;
}

#define ck_assert_has(hay, needle)                                                            \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "'%s' not found in:\n%.3000s", (needle),  \
                  (hay))

static char *num(double x)
{
    static char buf[4][32];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%.4g", x);
    return buf[k];
}

/* L = sum(tanh(w*x + w)), w = [0.5, -1] used twice, x = [2, 3] constant.
 * Nodes #1 mul, #2 add, #3 tanh, #4 sum: steps 0 (leaves), 1..4 forward,
 * 5..8 backward (sum, tanh, add, mul), 9 the summary. */
typedef struct graph {
    nb_tensor *w, *x, *L;
    double b[2], t[2], db[2], dw[2];
} graph;

static graph make_graph(void)
{
    graph g;
    const double w[] = {0.5, -1.0}, x[] = {2, 3};
    g.w = nb_tensor_set_requires_grad(nb_from_f64(w, NB_SHAPE(2)), true);
    g.x = nb_from_f64(x, NB_SHAPE(2));
    nb_tensor_set_name(g.w, "w");
    nb_tensor_set_name(g.x, "x");
    nb_tensor *t = nb_tanh(nb_add(nb_mul(g.w, g.x), g.w));
    nb_tensor_set_name(t, "t");
    g.L = nb_sum(t);
    ck_assert_ptr_nonnull(g.L);
    nb_tensor_set_name(g.L, "L");
    for (int i = 0; i < 2; i++) {
        g.b[i] = w[i] * x[i] + w[i];
        g.t[i] = nb_tensor_get(t, i);
        g.db[i] = 1 - g.t[i] * g.t[i];
        g.dw[i] = g.db[i] * x[i] + g.db[i];
    }
    return g;
}

START_TEST(test_steps_and_values)
{
    graph g = make_graph();
    char *page = page_of(g.L, NULL);
    for (int k = 0; k <= 9; k++) {
        char *s = section(page, k);
        ck_assert_msg(s != NULL, "no step %d", k);
        /* only step 0 is shown before the script runs */
        ck_assert_int_eq(strstr(s, " hidden>") == NULL, k == 0);
        free(s);
    }
    ck_assert_ptr_null(section(page, 10));
    ck_assert_has(page, "max=\"9\"");

    /* step 0: the leaves */
    char *s = section(page, 0);
    ck_assert_has(s, "<td>0.5</td><td>-1</td>");
    ck_assert_has(s, "<td>2</td><td>3</td>");
    free(s);
    /* step 2: the forward value of the add node, w*x + w */
    s = section(page, 2);
    ck_assert_has(s, "forward 2 of 4: node #");
    char cells[96];
    snprintf(cells, sizeof cells, "<td>%s</td><td>%s</td>", num(g.b[0]), num(g.b[1]));
    ck_assert_has(s, cells);
    free(s);
    /* step 6: tanh's backward, its local rule with numbers */
    s = section(page, 6);
    ck_assert_has(s, "backward 2 of 4");
    ck_assert_has(s, "tanh: ∂t/∂e = 1 − t²");
    snprintf(cells, sizeof cells, "<td>%s</td><td>%s</td>", num(g.db[0]), num(g.db[1]));
    ck_assert_has(s, cells); /* the derivative and the contribution (dL/dt = 1) */
    ck_assert_has(s, "∂L/∂t = ");
    free(s);
    /* step 8: mul's backward; w's gradient is final, as two terms and a sum */
    s = section(page, 8);
    ck_assert_has(s, "∂L/∂w is <b>final for this pass</b>");
    const char *fin = strstr(s, "final for this pass");
    snprintf(cells, sizeof cells, "<td>%s</td><td>%s</td>", num(g.db[0] * 2), num(g.db[1] * 3));
    ck_assert_has(fin, cells); /* the term from mul: db * x */
    ck_assert_has(fin, "<span class=\"op\">+</span>");
    snprintf(cells, sizeof cells, "<td>%s</td><td>%s</td>", num(g.dw[0]), num(g.dw[1]));
    ck_assert_has(fin, cells); /* the sum */
    ck_assert_has(s, "to input 2, x: nothing (it does not require grad)");
    free(s);
    /* earlier steps do not call it final */
    s = section(page, 7);
    ck_assert_ptr_null(strstr(s, "final for this pass"));
    free(s);
    /* the summary */
    s = section(page, 9);
    ck_assert_has(s, "the pass is complete");
    ck_assert_has(s, cells);
    free(s);
    /* the graph: one vertex per leaf and node, w's vertex complete at step 8 */
    ck_assert_has(page, "<g class=\"v param\" id=\"v0\" data-fwd=\"0\" data-bwd=\"8\">");
    free(page);
    /* the page ran its own pass: .grad untouched, the graph still usable */
    ck_assert_ptr_null(nb_tensor_grad(g.w));
    ck_assert_int_eq(nb_backward(g.L, NULL), NB_OK);
    ck_assert_tensor_near(nb_tensor_grad(g.w), g.dw, 2, 1e-12);
}
END_TEST

START_TEST(test_self_contained)
{
    graph g = make_graph();
    char *page = page_of(g.L, &(nb_html_opts){.title = "a <small> page & more"});
    ck_assert_ptr_null(strstr(page, "http"));
    ck_assert_ptr_null(strstr(page, "src="));
    ck_assert_ptr_null(strstr(page, "<link"));
    ck_assert_ptr_null(strstr(page, "@import"));
    /* the only url() is the arrow marker inside the page */
    const char *u = page;
    while ((u = strstr(u, "url(")) != NULL) {
        ck_assert_int_eq(strncmp(u, "url(#arr)", 9), 0);
        u += 4;
    }
    ck_assert_has(page, "<style>");
    ck_assert_has(page, "<script>");
    ck_assert_has(page, "<title>a &lt;small&gt; page &amp; more</title>");
    ck_assert_int_eq(strncmp(page, "<!DOCTYPE html>", 15), 0);
    free(page);
}
END_TEST

/* Larger tensors: shape, min, max and norm instead of a matrix. */
START_TEST(test_large_summarised)
{
    graph g = make_graph();
    char *page = page_of(g.L, &(nb_html_opts){.max_values = 1});
    char *s = section(page, 0);
    ck_assert_has(s, "2, 2 values: min -1, max 0.5, norm 1.118");
    free(s);
    s = section(page, 4); /* the one-element loss is still shown */
    char want[64];
    snprintf(want, sizeof want, "<span class=\"num\">%s</span>", num(g.t[0] + g.t[1]));
    ck_assert_has(s, want);
    free(s);
    free(page);
}
END_TEST

/* Two roots share the graph (their gradients add up, as in nb_grad); a
 * leaf given as the root gives a page with no backward step. */
START_TEST(test_two_roots_and_a_leaf_root)
{
    graph g = make_graph();
    nb_tensor *L2 = nb_sum(nb_mul(g.w, g.w)); /* d/dw = 2w = [1, -2] */
    nb_tensor *roots[] = {g.L, L2};
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(nb_html_write(f, roots, 2, NULL) == NB_OK, "%s", nb_last_error());
    char *page = slurp(f);
    fclose(f);
    char cells[96];
    snprintf(cells, sizeof cells, "<td>%s</td><td>%s</td>", num(g.dw[0] + 1), num(g.dw[1] - 2));
    const char *summary = strstr(page, "the pass is complete");
    ck_assert_ptr_nonnull(summary);
    ck_assert_has(summary, "∂L/∂w"); /* two roots: "L" for what is differentiated */
    ck_assert_has(summary, cells);
    free(page);

    nb_tensor *leaf = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3), true);
    page = page_of(leaf, NULL);
    ck_assert_ptr_nonnull(strstr(page, "id=\"s1\""));
    ck_assert_ptr_null(strstr(page, "id=\"s2\""));
    free(page);
}
END_TEST

/* A hook the thread had hears the pass too, and is put back. */
static int heard;
static void count_hook(const nb_backward_event *ev, void *ctx)
{
    (void)ev;
    *(int *)ctx += 1;
}

START_TEST(test_hook_kept)
{
    graph g = make_graph();
    nb_set_backward_hook(count_hook, &heard, NULL);
    heard = 0;
    char *page = page_of(g.L, NULL);
    free(page);
    /* 4 node visits; 5 passes (sum to t, tanh to its input, add to both, mul
     * to w: x does not require grad); w done once */
    ck_assert_int_eq(heard, 10);
    void *ctx = NULL;
    ck_assert_ptr_eq(nb_set_backward_hook(NULL, NULL, &ctx), count_hook);
    ck_assert_ptr_eq(ctx, &heard);
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

/* A custom op named like a built-in one ("tanh" here) gets the general
 * sentence, not tanh's rule and derivative: its backward is the user's
 * (the trace does the same, test_trace.c). */
START_TEST(test_custom_op_has_no_builtin_rule)
{
    nb_op_registry *reg = nb_op_registry_new();
    nb_custom_op_def d = {.name = "tanh", .n_inputs = 1, .forward = twice_fwd, .backward = twice_bwd};
    const nb_custom_op *op = nb_custom_op_define(reg, &d);
    ck_assert_ptr_nonnull(op);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1.5), true);
    nb_tensor *y = nb_custom_op_apply(op, &x, 1);
    ck_assert_ptr_nonnull(y);
    char *page = page_of(y, NULL);
    ck_assert_has(page, "tanh: its backward formula turns the arriving gradient into one "
                        "contribution per input, listed below");
    ck_assert_ptr_null(strstr(page, "1 − t²"));
    free(page);
    nb_op_registry_free(reg);
}
END_TEST

/* A custom op's name is the user's and may hold markup: the page shows it
 * escaped wherever it writes it (headings, node labels, sums, rules). */
START_TEST(test_custom_op_name_escaped)
{
    nb_op_registry *reg = nb_op_registry_new();
    nb_custom_op_def d = {.name = "<b>twice&", .n_inputs = 1, .forward = twice_fwd,
                          .backward = twice_bwd};
    const nb_custom_op *op = nb_custom_op_define(reg, &d);
    ck_assert_ptr_nonnull(op);
    nb_tensor *x = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 1.5), true);
    nb_tensor *y = nb_custom_op_apply(op, &x, 1);
    ck_assert_ptr_nonnull(y);
    char *page = page_of(y, NULL);
    ck_assert_has(page, "&lt;b&gt;twice&amp;");
    ck_assert_ptr_null(strstr(page, "<b>twice"));
    free(page);
    nb_op_registry_free(reg);
}
END_TEST

START_TEST(test_errors)
{
    graph g = make_graph();
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_html_write(NULL, &g.L, 1, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_html_write: out is NULL");
    nb_clear_error();
    ck_assert_int_eq(nb_html_write(f, NULL, 1, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_html_write: roots is NULL");
    ck_assert_int_eq(nb_html_write(f, &g.L, 0, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_html_write: need at least one root tensor (got 0)");
    nb_tensor *two = nb_tanh(g.w);
    ck_assert_int_eq(nb_html_write(f, &two, 1, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_html_write: root 1 has 2 elements");
    nb_tensor *c = nb_sum(nb_tanh(g.x)); /* nothing requires grad */
    ck_assert_int_eq(nb_html_write(f, &c, 1, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_html_write: nothing in the graph requires grad");
    ck_assert_int_eq(nb_html_write(f, &g.L, 1, &(nb_html_opts){.max_values = 5000}), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "opts.max_values is 5000");
    nb_tensor *null_root[] = {g.L, NULL};
    nb_clear_error();
    ck_assert_int_lt(nb_html_write(f, null_root, 2, NULL), 0);
    ck_assert_error(NB_ERR_NULL, "nb_html_write: root 2");
    nb_clear_error();
    ck_assert_int_eq(nb_html_save(NULL, &g.L, 1, NULL), NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "nb_html_save: path is NULL");
    ck_assert_int_eq(nb_html_save("", &g.L, 1, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_html_save: '' is not a file name");
    /* nothing written to f by the failures */
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    ck_assert_int_eq(ftell(f), 0);
    fclose(f);
    /* without a current arena */
    nb_arena_use(NULL);
    ck_assert_int_eq(nb_html_write(stdout, &g.L, 1, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_html_write: no current arena");
    nb_arena_use(test_arena);
}
END_TEST

/* Files in dir other than . and .. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(test_save_atomic)
{
    graph g = make_graph();
    char dir[] = "test_html.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[96], sub[96], missing[128];
    snprintf(path, sizeof path, "%s/page.html", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(missing, sizeof missing, "%s/no-such-folder/page.html", dir);

    mode_t old_mask = umask(077); /* the page is 0644 whatever the umask */
    ck_assert_msg(nb_html_save(path, &g.L, 1, NULL) == NB_OK, "%s", nb_last_error());
    umask(old_mask);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(count_files(dir), 1); /* no temporary file left */
    char *first = slurp_path(path);
    ck_assert_has(first, "</html>");

    /* a failing save (a root of 2 elements) leaves the page as it was */
    nb_tensor *two = nb_tanh(g.w);
    ck_assert_int_eq(nb_html_save(path, &two, 1, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_html_save: root 1 has 2 elements");
    char *again = slurp_path(path);
    ck_assert_str_eq(again, first);
    free(again);
    ck_assert_int_eq(count_files(dir), 1);

    /* a folder that does not exist: a clear error, nothing written */
    ck_assert_int_eq(nb_html_save(missing, &g.L, 1, NULL), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_html_save: cannot create a temporary file beside");
    ck_assert_error(NB_ERR_IO, "no-such-folder/page.html: No such file or directory");
    ck_assert_error(NB_ERR_IO, "nothing was written");

    /* a path that is a folder: refused at the rename, the temporary removed */
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    ck_assert_int_eq(nb_html_save(sub, &g.L, 1, NULL), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_html_save: cannot put the page at");
    ck_assert_int_eq(count_files(dir), 2); /* page.html and sub */
    ck_assert_int_eq(count_files(sub), 0);

    /* saving again replaces the page */
    ck_assert_int_eq(nb_html_save(path, &g.L, 1, &(nb_html_opts){.title = "second"}), NB_OK);
    again = slurp_path(path);
    ck_assert_has(again, "<title>second</title>");
    free(again);
    free(first);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(sub), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- scopes, layer boxes, and the BP layer view ---- */

START_TEST(test_scope_recorded)
{
    ck_assert_ptr_null(nb_current_scope());
    nb_tensor *a = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 2.0), true);
    ck_assert_ptr_null(nb_set_scope("enc"));
    nb_tensor *b = nb_mul(a, a);
    ck_assert_str_eq(nb_set_scope("dec"), "enc");
    nb_tensor *c = nb_add(b, a);
    ck_assert_str_eq(nb_set_scope(NULL), "dec");
    nb_tensor *d = nb_neg(c);
    ck_assert_str_eq(nb_node_scope(nb_tensor_node(b)), "enc");
    ck_assert_str_eq(nb_node_scope(nb_tensor_node(c)), "dec");
    ck_assert_ptr_null(nb_node_scope(nb_tensor_node(d)));
    ck_assert_ptr_null(nb_node_scope(NULL));
    ck_assert_ptr_null(nb_current_scope());
}
END_TEST

/* A 2-2-2-1 BP network (tansig, logsig, purelin) on 2 samples with mean
 * squared error, and its backward pass worked out here by hand. */
typedef struct bp3 {
    nb_model *net;
    nb_tensor *E;
    double g1[2][2];  /* dE/dN1, sample by node */
    double dw1[2][2]; /* dE/dW1 */
    double db1[2];
    double dw3[2];
} bp3;

static bp3 make_bp3(void)
{
    bp3 r;
    const double x[2][2] = {{0.5, -1.0}, {1.5, 0.25}}, t[2] = {0.2, -0.4};
    const double w1[2][2] = {{0.3, -0.6}, {0.8, 0.1}}, b1[2] = {0.1, -0.2};
    const double w2[2][2] = {{0.4, 0.9}, {-0.7, 0.2}}, b2[2] = {0.0, 0.3};
    const double w3[2] = {1.1, -0.8}, b3[1] = {0.05};
    r.net = nb_bpnet_new((const int64_t[]){2, 2, 2, 1}, 4,
                         (const nb_activation[]){NB_ACT_TANSIG, NB_ACT_LOGSIG, NB_ACT_PURELIN},
                         &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(r.net);
    const char *names[] = {"layer1.weight", "layer1.bias", "layer2.weight",
                           "layer2.bias",   "layer3.weight", "layer3.bias"};
    const double *vals[] = {&w1[0][0], b1, &w2[0][0], b2, w3, b3};
    for (int k = 0; k < 6; k++) {
        nb_tensor *p = nb_model_param(r.net, names[k]);
        ck_assert_ptr_nonnull(p);
        memcpy(nb_tensor_data_f64(p), vals[k], (size_t)nb_tensor_numel(p) * sizeof(double));
    }
    nb_tensor *X = nb_from_f64(&x[0][0], NB_SHAPE(2, 2)), *T = nb_from_f64(t, NB_SHAPE(2, 1));
    r.E = nb_mean(nb_square(nb_sub(nb_model_forward(r.net, X), T)));
    ck_assert_ptr_nonnull(r.E);
    ck_assert_ptr_null(nb_current_scope()); /* the model put the scope back */
    nb_tensor_set_name(r.E, "E");
    /* by hand: forward, then the chain rule layer by layer */
    double n1[2][2], n2[2][2], y[2], d3[2], g2[2][2], dz2[2][2], dz1[2][2];
    for (int n = 0; n < 2; n++) {
        for (int i = 0; i < 2; i++)
            n1[n][i] = tanh(x[n][0] * w1[0][i] + x[n][1] * w1[1][i] + b1[i]);
        for (int i = 0; i < 2; i++)
            n2[n][i] = 1 / (1 + exp(-(n1[n][0] * w2[0][i] + n1[n][1] * w2[1][i] + b2[i])));
        y[n] = n2[n][0] * w3[0] + n2[n][1] * w3[1] + b3[0];
        d3[n] = 2 * (y[n] - t[n]) / 2;
        for (int j = 0; j < 2; j++) {
            g2[n][j] = d3[n] * w3[j];
            dz2[n][j] = g2[n][j] * n2[n][j] * (1 - n2[n][j]);
        }
        for (int j = 0; j < 2; j++) {
            r.g1[n][j] = dz2[n][0] * w2[j][0] + dz2[n][1] * w2[j][1];
            dz1[n][j] = r.g1[n][j] * (1 - n1[n][j] * n1[n][j]);
        }
    }
    for (int j = 0; j < 2; j++) {
        r.dw3[j] = n2[0][j] * d3[0] + n2[1][j] * d3[1];
        r.db1[j] = dz1[0][j] + dz1[1][j];
        for (int i = 0; i < 2; i++)
            r.dw1[j][i] = x[0][j] * dz1[0][i] + x[1][j] * dz1[1][i];
    }
    return r;
}

START_TEST(test_model_scopes)
{
    bp3 r = make_bp3();
    /* E = mean(square(sub(N3, T))); N3 = layer3's add, made of layer3's matmul */
    const nb_node *sub = nb_tensor_node(nb_node_input(nb_tensor_node(nb_node_input(
        nb_tensor_node(r.E), 0)), 0));
    ck_assert_str_eq(nb_node_op_name(sub), "sub");
    ck_assert_ptr_null(nb_node_scope(sub));
    const nb_node *add3 = nb_tensor_node(nb_node_input(sub, 0));
    ck_assert_str_eq(nb_node_op_name(add3), "add");
    ck_assert_str_eq(nb_node_scope(add3), "layer3");
    const nb_node *mm3 = nb_tensor_node(nb_node_input(add3, 0));
    ck_assert_str_eq(nb_node_scope(mm3), "layer3");
    const nb_node *sig = nb_tensor_node(nb_node_input(mm3, 0));
    ck_assert_str_eq(nb_node_op_name(sig), "sigmoid");
    ck_assert_str_eq(nb_node_scope(sig), "layer2");
    nb_model_free(r.net);
}
END_TEST

/* The section with id="bpview" (a copy), or NULL. */
static char *bpview(const char *page)
{
    const char *a = strstr(page, "<section id=\"bpview\">");
    if (!a)
        return NULL;
    const char *b = strstr(a, "</section>");
    ck_assert_ptr_nonnull(b);
    return strndup(a, (size_t)(b - a));
}

START_TEST(test_layer_boxes_and_bp_view)
{
    bp3 r = make_bp3();
    char *page = page_of(r.E, NULL);
    for (int k = 1; k <= 3; k++) {
        char box[64];
        snprintf(box, sizeof box, ">layer%d</text></g>", k);
        ck_assert_has(page, box);
    }
    char *bv = bpview(page);
    ck_assert_ptr_nonnull(bv);
    ck_assert_has(bv, "BP network of 3 layers");
    ck_assert_has(bv, "logsig: f′ = N(1 − N)");
    char want[64];
    /* the sums, term by term, end in the hand-derived results */
    for (int j = 0; j < 2; j++) {
        snprintf(want, sizeof want, "<b>%s</b>", num(r.dw3[j]));
        ck_assert_has(bv, want);
        snprintf(want, sizeof want, "<b>%s</b>", num(r.db1[j]));
        ck_assert_has(bv, want);
        for (int i = 0; i < 2; i++) {
            snprintf(want, sizeof want, "<b>%s</b>", num(r.dw1[j][i]));
            ck_assert_has(bv, want);
            snprintf(want, sizeof want, "<b>%s</b>", num(r.g1[j][i]));
            ck_assert_has(bv, want);
        }
    }
    /* the rows come in the pass's order: 1, 3 (layer 3's b, W), 2, 3 (layer 2), 2, 3 */
    const char *p = bv;
    long last = -1, rows = 0;
    while ((p = strstr(p, "class=\"bprow\" data-bwd=\""))) {
        p += strlen("class=\"bprow\" data-bwd=\"");
        long st = strtol(p, NULL, 10);
        ck_assert_int_ge(st, last);
        ck_assert_int_gt(st, 0);
        last = st;
        rows++;
    }
    ck_assert_int_eq(rows, 1 + 2 + 2 * 3); /* step 1, b, W; per layer below: N, b, W */
    const char *s1 = strstr(bv, "<b>Step 1.</b>"), *s2 = strstr(bv, "<b>Step 2.</b>"),
               *s3 = strstr(bv, "<b>Step 3.</b>");
    ck_assert(s1 && s3 && s2 && s1 < s3 && s3 < s2);
    free(bv);
    free(page);
    nb_model_free(r.net);
}
END_TEST

START_TEST(test_no_bp_view_without_a_model)
{
    graph g = make_graph();
    char *page = page_of(g.L, NULL);
    ck_assert_ptr_null(strstr(page, "id=\"bpview\""));
    ck_assert_ptr_null(strstr(page, "class=\"layer\""));
    free(page);
    /* a scope whose nodes are not a BP layer: a box, but no BP view */
    nb_tensor *w = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 0.5), true);
    const char *prev = nb_set_scope("block");
    nb_tensor *h = nb_tanh(nb_mul(w, w));
    nb_set_scope(prev);
    page = page_of(nb_neg(h), NULL);
    ck_assert_has(page, ">block</text></g>");
    ck_assert_ptr_null(strstr(page, "id=\"bpview\""));
    free(page);
}
END_TEST

/* A layer too big for its sums to teach anything: the BP view keeps its
 * rows (summaries for big gradients) but writes out only the error's
 * step, whose ten entries are few. */
START_TEST(test_bp_view_of_a_bigger_network)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){3, 20, 2}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 7});
    ck_assert_ptr_nonnull(net);
    double x[15], t[10];
    for (int i = 0; i < 15; i++)
        x[i] = 0.1 * (i % 7) - 0.3;
    for (int i = 0; i < 10; i++)
        t[i] = 0.05 * i;
    nb_tensor *X = nb_from_f64(x, NB_SHAPE(5, 3)), *T = nb_from_f64(t, NB_SHAPE(5, 2));
    nb_tensor *E = nb_mean(nb_square(nb_sub(nb_model_forward(net, X), T)));
    ck_assert_ptr_nonnull(E);
    char *page = page_of(E, NULL);
    char *bv = bpview(page);
    ck_assert_ptr_nonnull(bv);
    ck_assert_has(bv, "BP network of 2 layers");
    int sums = 0, rows = 0;
    for (const char *p = bv; (p = strstr(p, "class=\"bpsum\"")); p++)
        sums++;
    for (const char *p = bv; (p = strstr(p, "class=\"bprow\"")); p++)
        rows++;
    ck_assert_int_eq(sums, 10);
    ck_assert_int_eq(rows, 1 + 2 + 3);
    ck_assert_has(bv, "5x20, 100 values: min "); /* dE/dN1 summarised */
    free(bv);
    free(page);
    nb_model_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("html");
    TCase *tc = nb_test_case("page");
    tcase_add_test(tc, test_steps_and_values);
    tcase_add_test(tc, test_self_contained);
    tcase_add_test(tc, test_large_summarised);
    tcase_add_test(tc, test_two_roots_and_a_leaf_root);
    tcase_add_test(tc, test_hook_kept);
    tcase_add_test(tc, test_custom_op_has_no_builtin_rule);
    tcase_add_test(tc, test_custom_op_name_escaped);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_save_atomic);
    tcase_add_test(tc, test_scope_recorded);
    tcase_add_test(tc, test_model_scopes);
    tcase_add_test(tc, test_layer_boxes_and_bp_view);
    tcase_add_test(tc, test_no_bp_view_without_a_model);
    tcase_add_test(tc, test_bp_view_of_a_bigger_network);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
