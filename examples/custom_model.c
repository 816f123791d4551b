/* custom_model.c — a layered model of your own, trained with the same
 * optimizers and loop as a BP network.
 *
 *   x (2) -> linear 2x16, tansig -> residual block -> linear 16x1, purelin
 *
 * The residual block is a user-defined layer: y = tanh(h W + b) + h.  Its
 * forward is written with ops only; its parameters are registered in the
 * model ("block.weight", "block.bias"), so the optimizer, zero_grad and
 * nb_model_save see them like any other.  No gradient is written by hand.
 * Fits z = sin(x1) cos(x2) on [-2, 2]², minibatch Adam.  Exits non-zero if
 * the MSE on a held-out grid is not below 0.01.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

typedef struct residual_block {
    nb_tensor *W, *b;
} residual_block;

static nb_tensor *residual_forward(nb_model *model, nb_tensor *h, void *ctx)
{
    (void)model;
    residual_block *blk = ctx;
    return nb_add(nb_tanh(nb_add(nb_matmul(h, blk->W), blk->b)), h);
}

static int fill(nb_rng *rng, int n, nb_tensor **X, nb_tensor **Y, int grid)
{
    double *x = malloc(sizeof *x * 2 * n), *y = malloc(sizeof *y * n);
    if (!x || !y)
        return -1;
    int side = (int)sqrt((double)n);
    for (int i = 0; i < n; i++) {
        double a = grid ? -2 + 4.0 * (i % side) / (side - 1) : -2 + 4 * nb_rng_uniform(rng);
        double c = grid ? -2 + 4.0 * (i / side) / (side - 1) : -2 + 4 * nb_rng_uniform(rng);
        x[2 * i] = a;
        x[2 * i + 1] = c;
        y[i] = sin(a) * cos(c);
    }
    *X = nb_from_f64(x, NB_SHAPE(n, 2));
    *Y = nb_from_f64(y, NB_SHAPE(n, 1));
    free(x);
    free(y);
    return *X && *Y ? 0 : -1;
}

int main(void)
{
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_rng rng;
    nb_rng_seed(&rng, 99);
    nb_tensor *X, *Y, *Xt, *Yt;
    if (fill(&rng, 512, &X, &Y, 0) < 0 || fill(&rng, 400, &Xt, &Yt, 1) < 0)
        return 1;

    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = NB_F64, .seed = 5});
    nb_model_add_linear(m, 2, 16, NB_ACT_TANSIG, NB_INIT_NGUYEN_WIDROW);
    residual_block blk = {nb_model_add_param(m, "block.weight", NB_SHAPE(16, 16)),
                          nb_model_add_param(m, "block.bias", NB_SHAPE(16))};
    /* small weights: the block starts close to the identity */
    if (!blk.b || nb_init_xavier_normal(blk.W, nb_model_rng(m)) < 0 ||
        nb_model_add_layer(m, "block", residual_forward, &blk) < 0 ||
        nb_model_add_linear(m, 16, 1, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0) {
        fprintf(stderr, "custom_model: %s\n", nb_last_error());
        return 1;
    }
    printf("parameters:");
    for (int i = 0; i < nb_model_num_params(m); i++)
        printf(" %s", nb_model_param_name(m, i));
    printf(" (%lld scalars)\n", (long long)nb_model_num_scalars(m));

    nb_optim *opt = nb_adam_new(m, &(nb_adam_opts){.lr = 0.01});
    nb_train_record rec;
    if (!opt || nb_train(m, opt, nb_mse_loss, &(nb_train_data){.x = X, .y = Y, .test_x = Xt,
                                                                  .test_y = Yt},
                         &(nb_train_opts){.epochs = 300, .batch_size = 32, .seed = 1,
                                          .min_grad = -1},
                         &rec) < 0) {
        fprintf(stderr, "custom_model: %s\n", nb_last_error());
        return 1;
    }
    double mse;
    if (nb_model_evaluate(m, nb_mse_loss, Xt, Yt, &mse, NULL) < 0)
        return 1;
    printf("%d epochs, train mse %.4g, held-out mse %.4g\n", rec.epochs,
           rec.train_loss[rec.epochs], mse);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(m);
    nb_arena_free(arena);
    return mse < 0.01 ? 0 : 1;
}
