/* bp_by_hand.c — a three-layer BP network (input, tansig hidden layer,
 * purelin output, mean squared error), its gradients derived by hand and
 * coded as plain C loops, compared with nabla's reverse mode and with finite
 * differences (nb_gradcheck).
 *
 *   X  (N x I)  inputs, one sample per row       T (N x O) targets
 *   Z1 = X W1 + b1          W1 (I x H), b1 (1 x H)
 *   A1 = tansig(Z1) = tanh(Z1)
 *   Z2 = A1 W2 + b2         W2 (H x O), b2 (1 x O)
 *   Y  = purelin(Z2) = Z2
 *   E  = mse(Y - T) = sum((Y - T)²) / (N O)
 *
 * Backpropagation computes dE/dp for every parameter p in three steps:
 *
 * Step 1 — the last layer's node gradients, straight from the error.
 *   dE/dY = 2 (Y - T) / (N O).  purelin's derivative is 1, so the "output
 *   delta" is  D2 = dE/dZ2 = 2 (Y - T) / (N O)            (N x O)
 *
 * Step 3 for layer 2 — as soon as D2 is known, the layer's parameters:
 *   Z2[n][o] = sum_h A1[n][h] W2[h][o] + b2[o], so
 *   dE/dW2[h][o] = sum_n A1[n][h] D2[n][o]    i.e.  dE/dW2 = A1ᵀ D2
 *   dE/db2[o]    = sum_n D2[n][o]             (b2 is broadcast over rows)
 *
 * Step 2 — pass the gradient back one layer (the chain rule):
 *   dE/dA1[n][h] = sum_o D2[n][o] W2[h][o]     i.e.  dE/dA1 = D2 W2ᵀ
 *   tansig' = 1 - tanh² = 1 - A1², elementwise, so the "hidden delta" is
 *   D1 = dE/dZ1 = (D2 W2ᵀ) ⊙ (1 - A1²)                    (N x H)
 *
 * Step 3 for layer 1 — its parameters, from D1 exactly as for layer 2:
 *   dE/dW1 = Xᵀ D1,   dE/db1[h] = sum_n D1[n][h]
 *
 * With K layers, step 2 repeats K-1 times; each layer's parameter
 * gradients are taken the moment its delta is known.  nabla's engine does
 * the same walk, node by node, for any graph: run with --trace to watch it,
 * or with --dot to write bp_by_hand.dot, the graph with one box per layer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla.h>

enum { N = 4, I = 3, H = 4, O = 2 };

/* The hand-derived gradients above, in plain loops over row-major arrays. */
static void hand_gradients(const double *X, const double *T, const double *W1, const double *b1,
                           const double *W2, const double *b2, double *gW1, double *gb1,
                           double *gW2, double *gb2, double *E)
{
    double A1[N * H], Y[N * O], D2[N * O], D1[N * H];
    /* forward */
    for (int n = 0; n < N; n++)
        for (int h = 0; h < H; h++) {
            double z = b1[h];
            for (int i = 0; i < I; i++)
                z += X[n * I + i] * W1[i * H + h];
            A1[n * H + h] = tanh(z);
        }
    *E = 0;
    for (int n = 0; n < N; n++)
        for (int o = 0; o < O; o++) {
            double z = b2[o];
            for (int h = 0; h < H; h++)
                z += A1[n * H + h] * W2[h * O + o];
            Y[n * O + o] = z;
            *E += (z - T[n * O + o]) * (z - T[n * O + o]) / (N * O);
        }
    /* step 1: output delta */
    for (int k = 0; k < N * O; k++)
        D2[k] = 2.0 * (Y[k] - T[k]) / (N * O);
    /* step 3, layer 2 */
    for (int h = 0; h < H; h++)
        for (int o = 0; o < O; o++) {
            double s = 0;
            for (int n = 0; n < N; n++)
                s += A1[n * H + h] * D2[n * O + o];
            gW2[h * O + o] = s;
        }
    for (int o = 0; o < O; o++) {
        gb2[o] = 0;
        for (int n = 0; n < N; n++)
            gb2[o] += D2[n * O + o];
    }
    /* step 2: hidden delta */
    for (int n = 0; n < N; n++)
        for (int h = 0; h < H; h++) {
            double s = 0;
            for (int o = 0; o < O; o++)
                s += D2[n * O + o] * W2[h * O + o];
            D1[n * H + h] = s * (1.0 - A1[n * H + h] * A1[n * H + h]);
        }
    /* step 3, layer 1 */
    for (int i = 0; i < I; i++)
        for (int h = 0; h < H; h++) {
            double s = 0;
            for (int n = 0; n < N; n++)
                s += X[n * I + i] * D1[n * H + h];
            gW1[i * H + h] = s;
        }
    for (int h = 0; h < H; h++) {
        gb1[h] = 0;
        for (int n = 0; n < N; n++)
            gb1[h] += D1[n * H + h];
    }
}

typedef struct data {
    nb_tensor *X, *T;
    nb_tensor *M1, *Z1, *A1, *M2, *Z2; /* of the last forward pass, for the trace
                                          and the picture */
} data;

/* The same network with nabla ops: no derivative is written anywhere. */
static nb_tensor *network_error(nb_tensor *const *p, int n_params, void *ctx)
{
    (void)n_params;
    data *d = ctx;
    nb_tensor *M1 = nb_matmul(d->X, p[0]);
    nb_tensor *Z1 = nb_add(M1, p[1]);
    nb_tensor *A1 = nb_tansig(Z1);
    nb_tensor *M2 = nb_matmul(A1, p[2]);
    nb_tensor *Y = nb_purelin(nb_add(M2, p[3]));
    nb_tensor *E = nb_mul_scalar(nb_sum(nb_square(nb_sub(Y, d->T))), 1.0 / (N * O));
    /* Names make the trace and the DOT picture readable. */
    nb_tensor_set_name(Z1, "Z1");
    nb_tensor_set_name(A1, "A1");
    nb_tensor_set_name(Y, "Z2"); /* purelin returns its input: Y is Z2 */
    nb_tensor_set_name(E, "E");
    *d = (data){d->X, d->T, M1, Z1, A1, M2, Y};
    return E;
}

static void print_pair(const char *name, const double *hand, nb_tensor *auto_grad, int64_t n,
                       double *max_diff)
{
    printf("%-3s %12s %14s\n", name, "by hand", "autodiff");
    for (int64_t k = 0; k < n; k++) {
        double a = nb_tensor_get(auto_grad, k);
        printf("    % .8e % .8e\n", hand[k], a);
        if (fabs(hand[k] - a) > *max_diff)
            *max_diff = fabs(hand[k] - a);
    }
}

int main(int argc, char **argv)
{
    bool trace = argc > 1 && strcmp(argv[1], "--trace") == 0;
    bool picture = argc > 1 && strcmp(argv[1], "--dot") == 0;
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return 1;
    nb_arena_use(arena);
    nb_rng rng;
    nb_rng_seed(&rng, 2024);
    data d = {.X = nb_rand_normal(&rng, NB_F64, NB_SHAPE(N, I), 0, 1),
              .T = nb_rand_normal(&rng, NB_F64, NB_SHAPE(N, O), 0, 1)};
    nb_tensor *p[4] = {
        nb_rand_normal(&rng, NB_F64, NB_SHAPE(I, H), 0, 0.5),
        nb_rand_normal(&rng, NB_F64, NB_SHAPE(1, H), 0, 0.1),
        nb_rand_normal(&rng, NB_F64, NB_SHAPE(H, O), 0, 0.5),
        nb_rand_normal(&rng, NB_F64, NB_SHAPE(1, O), 0, 0.1),
    };
    nb_tensor_set_name(d.X, "X");
    nb_tensor_set_name(d.T, "T");
    const char *names[4] = {"W1", "b1", "W2", "b2"};
    for (int k = 0; k < 4; k++) {
        nb_tensor_set_requires_grad(p[k], true);
        nb_tensor_set_name(p[k], names[k]);
    }
    if (!d.X || !d.T || !p[3]) {
        fprintf(stderr, "setup failed: %s\n", nb_last_error());
        return 1;
    }

    /* nabla: record the forward pass, then one backward pass. */
    nb_tensor *E = network_error(p, 4, &d);
    /* The trace and the picture call the deltas by their names in the
     * comments above. */
    if (E && (nb_tensor_set_grad_label(d.Z2, "D2") != NB_OK ||
              nb_tensor_set_grad_label(d.Z1, "D1") != NB_OK)) {
        fprintf(stderr, "labelling the deltas failed: %s\n", nb_last_error());
        return 1;
    }
    if (trace)
        nb_trace_begin(stdout, &(nb_trace_opts){.max_values = 16});
    int rc = E ? nb_backward(E, NULL) : nb_last_status();
    if (trace)
        nb_trace_end();
    if (rc != NB_OK) {
        fprintf(stderr, "backward failed: %s\n", nb_last_error());
        return 1;
    }

    /* The picture, one box per layer, every gradient (bp_by_hand.dot). */
    if (picture) {
        const nb_tensor *members[10] = {d.M1, d.Z1, d.A1, p[0], p[1], d.M2, d.Z2, p[2], p[3]};
        const char *layer[10] = {"layer 1 (tansig)", "layer 1 (tansig)", "layer 1 (tansig)",
                                 "layer 1 (tansig)", "layer 1 (tansig)", "layer 2 (purelin)",
                                 "layer 2 (purelin)", "layer 2 (purelin)", "layer 2 (purelin)"};
        nb_dot_opts dopts = {.title = "BP network: E = mse(tansig(X W1 + b1) W2 + b2 - T)",
                             .all_grads = true, .max_values = 8, .group_tensors = members,
                             .group_names = layer, .n_groups = 9};
        if (nb_dot_save("bp_by_hand.dot", &E, 1, &dopts) != NB_OK) {
            fprintf(stderr, "%s\n", nb_last_error());
            return 1;
        }
        printf("wrote bp_by_hand.dot\n");
    }

    /* by hand */
    double gW1[I * H], gb1[H], gW2[H * O], gb2[O], E_hand;
    hand_gradients(nb_tensor_data_f64(d.X), nb_tensor_data_f64(d.T), nb_tensor_data_f64(p[0]), nb_tensor_data_f64(p[1]),
                   nb_tensor_data_f64(p[2]), nb_tensor_data_f64(p[3]), gW1, gb1, gW2, gb2, &E_hand);
    printf("error E: by hand %.15g, nabla %.15g\n\n", E_hand, nb_tensor_item(E));
    double max_diff = fabs(E_hand - nb_tensor_item(E));
    print_pair("W2", gW2, nb_tensor_grad(p[2]), H * O, &max_diff);
    print_pair("b2", gb2, nb_tensor_grad(p[3]), O, &max_diff);
    print_pair("W1", gW1, nb_tensor_grad(p[0]), I * H, &max_diff);
    print_pair("b1", gb1, nb_tensor_grad(p[1]), H, &max_diff);
    printf("\nlargest difference, hand vs autodiff: %.3g\n", max_diff);

    /* finite differences: every entry of every parameter's gradient */
    nb_gradcheck_result r;
    rc = nb_gradcheck(network_error, p, 4, &d, &(nb_gradcheck_opts){.atol = 1e-7, .rtol = 1e-6},
                      &r);
    printf("gradcheck (central differences, f64): %s, %lld entries, largest error %.3g\n",
           rc == NB_OK ? "passed" : "FAILED", (long long)r.checked, r.max_abs_error);
    if (rc != NB_OK)
        fprintf(stderr, "%s\n", nb_last_error());
    nb_arena_free(arena);
    return rc == NB_OK && max_diff < 1e-10 ? 0 : 1;
}
