/* bp_page.c — write the interactive page of one backward pass through a
 * small BP network (2 inputs, 2 tansig hidden nodes, 1 purelin output, mean
 * squared error over 2 samples), the kind of network the BP tutorials derive
 * by hand, built with nb_bpnet_new so that the page groups the nodes of
 * each layer ("layer1", "layer2") and adds the BP layer view:
 *
 *   N1 = tansig(X W1 + b1),  N2 = purelin(N1 W2 + b2),  E = mean((N2 - T)²)
 *
 * Open the page in a browser and step through it (→ / ← keys, or add
 * #step=14 to the address for the tanh node's backward step): the forward
 * values node by node, then the backward pass: the error's gradient at the
 * output (the tutorial's step 1), passed back layer by layer (step 2), and
 * each layer's parameter gradients as soon as its nodes' gradients are known
 * (step 3); the BP layer view below the steps writes these three steps out
 * with the tutorial's sums and this run's numbers.
 *
 *   examples/bp_page [page.html]      (default: bp_page.html)
 *
 * The program then reads the page back and checks it: self-contained (no
 * address to fetch, no external file), every step present, and the
 * gradient of W2 computed by hand below written in it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap + 1);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static int check(bool ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bp_page.html";
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return 1;
    nb_arena_use(arena);

    /* fixed numbers, so the page reads the same every time */
    const double x[] = {0.5, -1.0, 1.5, 0.25}, t[] = {0.2, -0.4};
    const double w1[] = {0.3, -0.6, 0.8, 0.1}, b1[] = {0.1, -0.2};
    const double w2[] = {0.7, -0.5}, b2[] = {0.05};
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 2, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64});
    if (!net) {
        fprintf(stderr, "nb_bpnet_new failed: %s\n", nb_last_error());
        return 1;
    }
    const char *names[] = {"layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"};
    const double *values[] = {w1, b1, w2, b2};
    for (int k = 0; k < 4; k++) {
        nb_tensor *p = nb_model_param(net, names[k]);
        if (!p) {
            fprintf(stderr, "no parameter %s: %s\n", names[k], nb_last_error());
            return 1;
        }
        memcpy(nb_tensor_data_f64(p), values[k], (size_t)nb_tensor_numel(p) * sizeof(double));
    }
    nb_tensor *X = nb_from_f64(x, NB_SHAPE(2, 2)), *T = nb_from_f64(t, NB_SHAPE(2, 1));
    nb_tensor_set_name(X, "X");
    nb_tensor_set_name(T, "T");
    nb_tensor *Y = nb_model_forward(net, X);
    nb_tensor *E = nb_mean(nb_square(nb_sub(Y, T)));
    nb_tensor_set_name(Y, "Y");
    nb_tensor_set_name(E, "E");
    if (!E) {
        fprintf(stderr, "forward failed: %s\n", nb_last_error());
        return 1;
    }
    if (nb_html_save(path, &E, 1, &(nb_html_opts){.title = "A 2-2-1 BP network: one backward "
                                                            "pass"}) != NB_OK) {
        fprintf(stderr, "nb_html_save failed: %s\n", nb_last_error());
        return 1;
    }
    printf("wrote %s\n", path);

    /* dE/dW2 by hand: D2 = dE/dY = 2 (Y - T) / N, then dE/dW2 = A1ᵀ D2 */
    double a1[4], d2[2], gw2[2];
    for (int n = 0; n < 2; n++) {
        for (int h = 0; h < 2; h++)
            a1[n * 2 + h] = tanh(x[n * 2] * w1[h] + x[n * 2 + 1] * w1[2 + h] + b1[h]);
        double y = a1[n * 2] * w2[0] + a1[n * 2 + 1] * w2[1] + b2[0];
        d2[n] = 2 * (y - t[n]) / 2;
    }
    for (int h = 0; h < 2; h++)
        gw2[h] = a1[h] * d2[0] + a1[2 + h] * d2[1];

    char *page = read_all(path);
    if (!page) {
        fprintf(stderr, "cannot read %s back\n", path);
        return 1;
    }
    int bad = 0;
    bad += check(strstr(page, "http") == NULL && strstr(page, "src=") == NULL,
                 "self-contained: no address and no external file");
    /* 8 nodes: step 0 (leaves), 8 forward, 8 backward, the summary */
    bad += check(strstr(page, "id=\"s17\"") && !strstr(page, "id=\"s18\""), "18 steps, 0..17");
    bad += check(strstr(page, "<g class=\"layer\">") && strstr(page, ">layer1</text>") &&
                     strstr(page, ">layer2</text>"),
                 "a box for each layer, with its name");
    bad += check(strstr(page, "id=\"bpview\"") != NULL, "the BP layer view");
    bad += check(strstr(page, "∂E/∂layer2.weight is <b>final for this pass</b>") != NULL,
                 "W2's gradient marked final");
    for (int h = 0; h < 2; h++) {
        char cell[64];
        snprintf(cell, sizeof cell, "<td>%.4g</td>", gw2[h]);
        printf("     dE/dW2[%d] by hand: %.6f\n", h, gw2[h]);
        bad += check(strstr(page, cell) != NULL, "the hand-derived dE/dW2 is in the page");
    }
    free(page);
    nb_model_free(net);
    nb_arena_free(arena);
    return bad ? 1 : 0;
}
