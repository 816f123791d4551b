/* xor.c — the classic first BP network: 2 inputs, 4 tansig hidden neurons,
 * 1 purelin output (MATLAB's newff defaults), trained with RPROP (MATLAB's
 * trainrp) on the four XOR patterns until the mean squared error is below
 * 0.001.  Exits non-zero if the network does not learn XOR (MSE >= 0.01).
 */
#include <stdio.h>
#include <stdlib.h>

#include <nabla.h>

int main(void)
{
    static const double x[] = {0, 0, 0, 1, 1, 0, 1, 1};
    static const double t[] = {0, 1, 1, 0};
    nb_arena *arena = nb_arena_new();
    nb_arena_use(arena);
    nb_tensor *X = nb_from_f64(x, NB_SHAPE(4, 2)), *T = nb_from_f64(t, NB_SHAPE(4, 1));

    nb_model *net = nb_bpnet_new((const int64_t[]){2, 4, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_optim *opt = nb_rprop_new(net, NULL);
    if (!X || !T || !net || !opt) {
        fprintf(stderr, "xor: %s\n", nb_last_error());
        return 1;
    }
    nb_train_record rec;
    int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = X, .y = T},
                      &(nb_train_opts){.epochs = 1000, .goal = 1e-3}, &rec);
    if (rc < 0) {
        fprintf(stderr, "xor: %s\n", nb_last_error());
        return 1;
    }
    printf("stopped after %d epochs: %s\n", rec.epochs, nb_stop_reason_name(rec.stop));

    nb_tensor *Y = NULL;
    NB_NO_GRAD { Y = nb_model_forward(net, X); }
    double mse = 0;
    for (int i = 0; i < 4; i++) {
        double y = nb_tensor_get(Y, i);
        printf("  %g xor %g -> %.4f (target %g)\n", x[2 * i], x[2 * i + 1], y, t[i]);
        mse += (y - t[i]) * (y - t[i]) / 4;
    }
    printf("mse %.3g\n", mse);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(arena);
    return mse < 0.01 ? 0 : 1;
}
