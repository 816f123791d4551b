/* Data for a trained network: the input columns of a CSV file, its targets
 * when present, and the maps the network was trained with. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* One try of nb_csv_load with or without the stored targets. */
static int load(const char *path, const cli_meta *m, bool with_targets, nb_csv_data *d,
                const char **names)
{
    nb_csv_opts o = {.dtype = NB_F64};
    int nt = cli_list_count(m->targets);
    if (with_targets && nt > 0 && nt <= CLI_MAX_LAYERS) {
        char buf[256];
        static char store[CLI_MAX_LAYERS][256];
        for (int i = 0; i < nt; i++) {
            snprintf(store[i], sizeof store[i], "%s", cli_list_item(m->targets, i, buf, sizeof buf));
            names[i] = store[i];
        }
        o.target_names = names;
        o.n_target_names = nt;
    } else if (with_targets && m->n_target_cols > 0) {
        o.target_cols = m->target_cols;
        o.n_target_cols = m->n_target_cols;
        o.header = NB_CSV_HEADER_AUTO;
    }
    o.class_labels = with_targets && m->classify;
    return nb_csv_load(path, &o, d);
}

/* Class indices of the file (d->class_names order) to the model's order. */
static int remap_classes(const char *cmd, const char *path, const cli_meta *m, nb_csv_data *d)
{
    int k = cli_list_count(m->classes);
    int *map = malloc(sizeof(int) * (size_t)(d->n_classes ? d->n_classes : 1));
    if (!map)
        return cli_fail(cmd, "out of memory");
    for (int c = 0; c < d->n_classes; c++) {
        map[c] = -1;
        for (int j = 0; j < k; j++) {
            char buf[256];
            if (strcmp(cli_list_item(m->classes, j, buf, sizeof buf), d->class_names[c]) == 0)
                map[c] = j;
        }
        if (map[c] < 0) {
            int rc = cli_fail(cmd, "%s: class '%s' was not among the classes the model was "
                              "trained on", path, d->class_names[c]);
            free(map);
            return rc;
        }
    }
    double *y = nb_tensor_data_f64(d->y);
    for (int64_t i = 0; i < d->rows; i++)
        y[i] = map[(int)y[i]];
    free(map);
    return CLI_OK;
}

int cli_load_for_model(const char *cmd, const char *path, const cli_meta *m, nb_tensor **x,
                       nb_tensor **y, int64_t *rows)
{
    nb_csv_data d;
    const char *names[CLI_MAX_LAYERS];
    int64_t want = m->sizes[0];
    int rc = load(path, m, true, &d, names);
    if (rc == NB_ERR_ARG || (rc == NB_OK && d.n_features != want) ||
        (rc == NB_ERR_FORMAT && strstr(nb_last_error(), "header"))) {
        /* perhaps no target columns in this file: every column an input */
        nb_csv_data d2;
        int rc2 = load(path, m, false, &d2, names);
        if (rc2 == NB_OK && (d2.n_features == want || rc != NB_OK)) {
            d = d2;
            d.y = NULL;
            rc = NB_OK;
        } else if (rc != NB_OK) {
            return cli_lib_fail(cmd); /* the file's own problem, found without targets */
        }
    }
    if (rc < 0)
        return cli_lib_fail(cmd);
    if (d.n_features != want)
        return cli_fail(cmd, "%s has %d input columns, the model takes %lld", path, d.n_features,
                        (long long)want);
    if (d.y && m->classify && remap_classes(cmd, path, m, &d) != CLI_OK)
        return CLI_FAIL;
    *x = d.x;
    *y = d.y;
    *rows = d.rows;
    return CLI_OK;
}

nb_tensor *cli_map_inputs(const cli_meta *m, nb_tensor *x)
{
    return m->has_xnorm ? nb_mapminmax_apply(x, &m->xnorm) : x;
}

nb_tensor *cli_train_targets(const cli_meta *m, nb_tensor *y)
{
    if (!y)
        return NULL;
    if (!m->classify)
        return m->has_ynorm ? nb_mapminmax_apply(y, &m->ynorm) : y;
    if (m->cross_entropy)
        return y;
    int64_t n = nb_tensor_dim(y, 0), k = m->sizes[m->n_sizes - 1];
    nb_tensor *t = nb_zeros(nb_tensor_dtype(y), NB_SHAPE(n, k));
    if (!t)
        return NULL;
    double *v = nb_tensor_data_f64(t);
    for (int64_t i = 0; i < n; i++) {
        int64_t c = (int64_t)nb_tensor_get(y, i);
        if (c >= 0 && c < k)
            v[i * k + c] = 1;
    }
    return t;
}

/* MATLAB's crossentropy for softmax outputs y and one-hot targets t: the
 * mean over all N·O values of -t·log(y), y clamped to [1e-300, 1] as
 * nb_trainscg does (NB_PERF_CROSSENTROPY). */
static nb_tensor *crossentropy(nb_tensor *y, nb_tensor *t, nb_reduction red)
{
    (void)red; /* always the mean, as the trainer's perf */
    return nb_neg(nb_mean(nb_mul(t, nb_log(nb_clamp(y, 1e-300, 1)))));
}

nb_loss_fn cli_loss(const cli_meta *m)
{
    return m->cross_entropy       ? nb_cross_entropy_loss
           : m->crossentropy_perf ? crossentropy
                                  : nb_mse_loss;
}

const char *cli_loss_name(const cli_meta *m)
{
    return m->cross_entropy       ? "cross-entropy of the logits"
           : m->crossentropy_perf ? "crossentropy of the softmax outputs"
           : m->classify          ? "mse of one-hot targets"
                                  : "mse of the mapped targets";
}

nb_tensor *cli_head_rows(nb_tensor *t, int64_t n)
{
    if (!t)
        return NULL;
    int64_t shape[NB_MAX_DIMS];
    int nd = nb_tensor_ndim(t);
    memcpy(shape, nb_tensor_shape(t), sizeof(int64_t) * (size_t)nd);
    if (shape[0] > n)
        shape[0] = n;
    return nb_from_data(nb_tensor_dtype(t), nb_tensor_data(t), nd, shape);
}
