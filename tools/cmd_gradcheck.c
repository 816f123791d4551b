/* nabla gradcheck: the engine's gradient of a trained network's loss on a
 * few rows of data, checked element by element against central differences
 * in f64. */
#include <stdlib.h>

#include "cli.h"

#define CMD "gradcheck"

typedef struct batch {
    nb_model *net;
    nb_tensor *x, *t;
    nb_loss_fn loss;
} batch;

/* The inputs are the network's own parameters, which nb_gradcheck nudges. */
static nb_tensor *batch_loss(nb_tensor *const *inputs, int n, void *ctx)
{
    (void)inputs;
    (void)n;
    batch *b = ctx;
    return b->loss(nb_model_forward(b->net, b->x), b->t, NB_REDUCE_MEAN);
}

int cli_gradcheck(int argc, char **argv)
{
    int rows = 0;
    const cli_opt opts[] = {
        {"rows", CLI_INT, &rows, "N", "check on the first N rows (default 4)"},
    };
    const cli_cmd cmd = {CMD, "MODEL.nbt DATA.csv [--rows N]",
                         "Check the gradient of the network's training loss with respect to\n"
                         "every parameter, on the first rows of DATA.csv (with its targets):\n"
                         "the engine's backward pass against central differences, entry by\n"
                         "entry, in f64.  Exits 1 when an entry disagrees.",
                         opts, 1, 2, 2};
    const char *pos[2];
    int np, rc = cli_parse(&cmd, argc, argv, pos, &np);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (rows == 0)
        rows = 4;
    nb_model *net;
    cli_meta m;
    if (cli_model_load(CMD, pos[0], &net, &m) != CLI_OK)
        return CLI_FAIL;
    nb_tensor *x, *y;
    int64_t n;
    rc = cli_load_for_model(CMD, pos[1], &m, &x, &y, &n);
    if (rc == CLI_OK && !y)
        rc = cli_fail(CMD, "%s has no target columns: the loss needs them", pos[1]);
    if (rc == CLI_OK && nb_model_dtype(net) != NB_F64)
        rc = cli_fail(CMD, "%s holds an f32 network; the check needs f64", pos[0]);
    if (rc == CLI_OK) {
        batch b = {net, cli_head_rows(cli_map_inputs(&m, x), rows),
                   cli_head_rows(cli_train_targets(&m, y), rows), cli_loss(&m)};
        int k = nb_model_num_params(net);
        nb_tensor **params = malloc(sizeof *params * (size_t)(k > 0 ? k : 1));
        if (!params || !b.x || !b.t) {
            rc = params ? cli_lib_fail(CMD) : cli_fail(CMD, "out of memory");
        } else {
            for (int i = 0; i < k; i++)
                params[i] = nb_model_param_at(net, i);
            nb_gradcheck_result res;
            double t0 = cli_now();
            int st = nb_gradcheck(batch_loss, params, k, &b, NULL, &res);
            if (st < 0 && st != NB_ERR_GRAD) {
                rc = cli_lib_fail(CMD);
            } else {
                printf("gradient check in f64 of the %s on %lld rows of %s: %lld entries "
                       "(every parameter), %s\n", cli_loss_name(&m),
                       (long long)nb_tensor_dim(b.x, 0), pos[1], (long long)res.checked,
                       res.passed ? "passed" : "FAILED");
                printf("max abs error %.3g, max rel error %.3g (atol 1e-5, rtol 1e-3), %.2f s\n",
                       res.max_abs_error, res.max_rel_error, cli_now() - t0);
                if (!res.passed) {
                    printf("%s\n", res.message);
                    rc = CLI_FAIL;
                }
            }
        }
        free(params);
    }
    nb_model_free(net);
    cli_meta_free(&m);
    return rc;
}
