/* check_grad.c — check a gradient derived by hand in three lines.
 *
 * One BP layer with a gain k in its transfer function (the slope of the
 * tansig), and the squared error against targets T:
 *
 *   Z = X W + b,   Y = tanh(k Z),   E = sum((Y - T)²) / 2
 *
 * By hand (the tutorial's step 1 and step 3):
 *   delta = dE/dZ = (Y - T) ⊙ k (1 - Y²)
 *   dE/dW = Xᵀ delta,   dE/db = sum of delta's rows
 *
 * nb_check_grad compares that with the engine's gradient and with central
 * differences.  Then the classic slip: the derivative of tanh(kZ) written
 * without its k.  At k = 1.7 the check names the worst entry; at k = 1
 * the same wrong formula passes, which is why a check belongs at a random,
 * non-special point.  Exits 0 when all three outcomes are as described. */
#include <math.h>
#include <stdio.h>

#include <nabla.h>

enum { N = 5, I = 3, H = 4 };

typedef struct layer {
    nb_tensor *X, *T; /* inputs N x I, targets N x H */
    double gain;
} layer;

/* E(W, b): the function whose gradient is checked. */
static nb_tensor *layer_error(nb_tensor *const *p, int n, void *ctx)
{
    (void)n;
    const layer *c = ctx;
    nb_tensor *Z = nb_add(nb_matmul(c->X, p[0]), p[1]);
    nb_tensor *Y = nb_tanh(nb_mul_scalar(Z, c->gain));
    return nb_mul_scalar(nb_sum(nb_square(nb_sub(Y, c->T))), 0.5);
}

/* dE/dW and dE/db by hand; with_gain false is the slip. */
static void hand_gradient(const layer *c, const double *W, const double *b, bool with_gain,
                          double *dW, double *db)
{
    const double *X = nb_tensor_data_f64(c->X), *T = nb_tensor_data_f64(c->T);
    double delta[N * H];
    for (int r = 0; r < N; r++)
        for (int h = 0; h < H; h++) {
            double z = b[h];
            for (int i = 0; i < I; i++)
                z += X[r * I + i] * W[i * H + h];
            double y = tanh(c->gain * z);
            delta[r * H + h] = (y - T[r * H + h]) * (with_gain ? c->gain : 1.0) * (1 - y * y);
        }
    for (int i = 0; i < I; i++) /* dE/dW = Xᵀ delta */
        for (int h = 0; h < H; h++) {
            dW[i * H + h] = 0;
            for (int r = 0; r < N; r++)
                dW[i * H + h] += X[r * I + i] * delta[r * H + h];
        }
    for (int h = 0; h < H; h++) {
        db[h] = 0;
        for (int r = 0; r < N; r++)
            db[h] += delta[r * H + h];
    }
}

/* Check the hand gradient at gain k; returns nb_check_grad's status. */
static int check_at(layer *c, nb_tensor **p, double gain, bool with_gain)
{
    double dW[I * H], db[H];
    c->gain = gain;
    hand_gradient(c, nb_tensor_data_f64(p[0]), nb_tensor_data_f64(p[1]), with_gain, dW, db);
    printf("gain %g, %s:\n", gain, with_gain ? "right formula" : "formula without the gain");
    /* the three lines */
    const double *mine[2] = {dW, db};
    int rc = nb_check_grad_f64(layer_error, p, 2, c, mine, &(nb_check_grad_opts){.report = stdout}, NULL);
    printf("  -> %s\n\n", rc == NB_OK ? "NB_OK" : nb_status_name(rc));
    return rc;
}

int main(void)
{
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return 1;
    nb_arena_use(arena);
    nb_rng rng;
    nb_rng_seed(&rng, 42);
    layer c = {nb_rand_normal(&rng, NB_F64, NB_SHAPE(N, I), 0, 1),
               nb_rand_normal(&rng, NB_F64, NB_SHAPE(N, H), 0, 0.5), 1.0};
    nb_tensor *p[2] = {nb_rand_normal(&rng, NB_F64, NB_SHAPE(I, H), 0, 0.5),
                       nb_rand_normal(&rng, NB_F64, NB_SHAPE(1, H), 0, 0.1)};
    nb_tensor_set_name(p[0], "W"); /* names appear in the report */
    nb_tensor_set_name(p[1], "b");
    if (!c.X || !c.T || !p[0] || !p[1]) {
        fprintf(stderr, "setup failed: %s\n", nb_last_error());
        return 1;
    }
    int right = check_at(&c, p, 1.7, true);
    int slip = check_at(&c, p, 1.7, false);
    int slip_at_one = check_at(&c, p, 1.0, false);
    nb_arena_free(arena);
    bool as_described = right == NB_OK && slip == NB_ERR_MISMATCH && slip_at_one == NB_OK;
    if (!as_described)
        fprintf(stderr, "unexpected: %d %d %d\n", right, slip, slip_at_one);
    return as_described ? 0 : 1;
}
