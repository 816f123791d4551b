/* Run nabla's trainlm on a few small f64 problems and print, as JSON, for
 * each: the layer sizes, the inputs and targets, the starting weights in
 * the documented flat parameter order (per layer W, in x out row-major,
 * then b), the options, and what trainlm did: perf and mu at the top of
 * every epoch, the stop reason and the final weights.  lm_reference.py
 * recomputes the same iterates with its own implementation of the
 * algorithm (numpy) and compares them.
 *
 * The cases cover: more errors than parameters (nabla solves the P x P
 * system), fewer (it solves the N·O x N·O one), two outputs, perf = sse,
 * and a run that ends when mu passes mu_max. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

typedef struct lm_case {
    const char *name;
    int64_t sizes[4];
    int n_sizes;
    int rows;
    nb_trainlm_opts opts;
} lm_case;

static void print_array(const char *key, const double *v, int64_t n, const char *tail)
{
    printf("\"%s\": [", key);
    for (int64_t i = 0; i < n; i++)
        printf("%s%.17g", i ? ", " : "", v[i]);
    printf("]%s", tail);
}

static int run_case(const lm_case *c, int first)
{
    int64_t F = c->sizes[0], O = c->sizes[c->n_sizes - 1], N = c->rows;
    double *x = malloc(sizeof(double) * (size_t)(N * F));
    double *t = malloc(sizeof(double) * (size_t)(N * O));
    if (!x || !t)
        return 1;
    /* smooth, fixed data in [-1, 1] and a target that a small net can fit */
    for (int64_t i = 0; i < N; i++) {
        double s = 0;
        for (int64_t j = 0; j < F; j++) {
            x[i * F + j] = sin(1.7 * (double)i + 0.9 * (double)j + 0.3);
            s += x[i * F + j] * (double)(j + 1);
        }
        for (int64_t o = 0; o < O; o++)
            t[i * O + o] = 0.8 * sin(s + 0.5 * (double)o) - 0.1 * (double)o;
    }
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *xt = nb_from_f64(x, NB_SHAPE(N, F));
    nb_tensor *tt = nb_from_f64(t, NB_SHAPE(N, O));
    nb_model *net = nb_bpnet_new(c->sizes, c->n_sizes, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 3});
    nb_tensor *params = net ? nb_model_params_flat(net) : NULL;
    free(x);
    free(t);
    if (!xt || !tt || !params) {
        fprintf(stderr, "nb_lm_dump: %s: %s\n", c->name, nb_last_error());
        return 1;
    }
    x = nb_tensor_data_f64(xt);
    t = nb_tensor_data_f64(tt);
    int64_t P = nb_tensor_numel(params);
    printf("%s{\"name\": \"%s\", \"sizes\": [", first ? "" : ",\n", c->name);
    for (int i = 0; i < c->n_sizes; i++)
        printf("%s%lld", i ? ", " : "", (long long)c->sizes[i]);
    printf("],\n");
    print_array("x", x, N * F, ",\n");
    print_array("t", t, N * O, ",\n");
    print_array("w0", nb_tensor_data_f64(params), P, ",\n");
    const nb_trainlm_opts *o = &c->opts;
    printf("\"epochs\": %d, \"mu\": %.17g, \"mu_dec\": %.17g, \"mu_inc\": %.17g, "
           "\"mu_max\": %.17g, \"sse\": %s,\n",
           o->epochs, o->mu ? o->mu : 1e-3, o->mu_dec ? o->mu_dec : 0.1,
           o->mu_inc ? o->mu_inc : 10, o->mu_max ? o->mu_max : 1e10, o->sse ? "true" : "false");
    nb_train_record rec;
    nb_trainlm_opts run = *o;
    run.verbose = -1;
    if (nb_trainlm(net, &(nb_train_data){.x = xt, .y = tt}, &run, &rec) < 0) {
        fprintf(stderr, "nb_lm_dump: %s: %s\n", c->name, nb_last_error());
        return 1;
    }
    print_array("perf", rec.train_loss, rec.epochs + 1, ",\n");
    print_array("mu_trace", rec.mu, rec.epochs + 1, ",\n");
    printf("\"stop\": \"%s\",\n", nb_stop_reason_matlab(rec.stop));
    print_array("w", nb_tensor_data_f64(params), P, "}");
    nb_train_record_free(&rec);
    nb_model_free(net);
    nb_arena_free(arena);
    return 0;
}

int main(void)
{
    static const lm_case cases[] = {
        /* 20 errors, 13 parameters: the P x P system */
        {"2-3-1 mse", {2, 3, 1}, 3, 20, {.epochs = 25, .min_grad = -1}},
        /* 12 errors, 25 parameters: the N·O x N·O system */
        {"3-5-1 fewer errors than parameters", {3, 5, 1}, 3, 12, {.epochs = 25, .min_grad = -1}},
        /* two outputs, two hidden layers, sse and other mu factors */
        {"2-4-3-2 sse", {2, 4, 3, 2}, 4, 15,
         {.epochs = 20, .min_grad = -1, .sse = true, .mu = 0.01, .mu_dec = 0.3, .mu_inc = 4}},
        /* a low mu_max: a few failed steps in a row end the run, far from
         * the optimum (where keeping a step could hang on the last bit) */
        {"2-3-1 mu_max", {2, 3, 1}, 3, 20, {.epochs = 200, .min_grad = -1, .mu_max = 0.5}},
    };
    printf("[\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (run_case(&cases[i], i == 0))
            return 1;
    printf("\n]\n");
    return 0;
}
