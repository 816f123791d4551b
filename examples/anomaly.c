/* anomaly.c — anomaly mode names the op and the line of this file that made
 * the first NaN/Inf, in the forward pass (log of a negative) and in the
 * backward pass (sqrt's derivative at 0).  Exits non-zero unless both are
 * caught as NB_ERR_NUMERIC errors. */
#include <stdio.h>

#include <nabla.h>

int main(void)
{
    nb_arena *arena = nb_arena_new();
    if (!arena)
        return 1;
    nb_arena_use(arena);
    nb_set_anomaly_mode(true);

    nb_tensor *x = nb_tensor_set_requires_grad(nb_from_f64((const double[]){2, -1}, NB_SHAPE(2)), true);
    nb_tensor *y = nb_log(nb_add_scalar(x, 0.5));
    if (!y)
        printf("%s\n", nb_last_error());
    bool forward_caught = !y && nb_last_status() == NB_ERR_NUMERIC;

    nb_tensor *r = nb_sqrt(nb_square(nb_add_scalar(x, 1.0)));
    if (nb_backward(nb_sum(r), NULL) != NB_OK)
        printf("%s\n", nb_last_error());
    bool backward_caught = nb_last_status() == NB_ERR_NUMERIC;

    nb_arena_free(arena);
    if (!forward_caught || !backward_caught)
        fprintf(stderr, "anomaly mode missed a NaN/Inf\n");
    return forward_caught && backward_caught ? 0 : 1;
}
