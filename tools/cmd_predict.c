/* nabla predict: a trained network's outputs for the rows of a CSV file, in
 * the targets' units (the normalisation is read from the model file). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "cli.h"

#define CMD "predict"

static void header(FILE *f, const cli_meta *m)
{
    char buf[256];
    int k = (int)m->sizes[m->n_sizes - 1];
    if (m->classify) {
        fputs(m->targets ? cli_list_item(m->targets, 0, buf, sizeof buf) : "class", f);
        for (int j = 0; j < k; j++)
            fprintf(f, ",p_%s", cli_list_item(m->classes, j, buf, sizeof buf));
    } else {
        for (int j = 0; j < k; j++) {
            if (cli_list_count(m->targets) == k)
                cli_list_item(m->targets, j, buf, sizeof buf);
            else
                snprintf(buf, sizeof buf, "output%d", j + 1);
            fprintf(f, "%s%s", j ? "," : "", buf);
        }
    }
    fputc('\n', f);
}

int cli_predict(int argc, char **argv)
{
    const char *out = NULL;
    const cli_opt opts[] = {
        {"out", CLI_STRING, &out, "PRED.csv", "write the predictions here (default: standard "
                                              "output)"},
    };
    const cli_cmd cmd = {CMD, "MODEL.nbt DATA.csv [--out PRED.csv]",
                         "Run the network of MODEL.nbt on every row of DATA.csv and write one\n"
                         "CSV row per data row: the outputs in the targets' units (the model's\n"
                         "mapminmax undone), or for classes the predicted class and each class's\n"
                         "probability.  DATA.csv has the input columns of the training file; its\n"
                         "target columns may be there too (then the error is printed to\n"
                         "standard error) or left out.",
                         opts, 1, 2, 2};
    const char *pos[2];
    int np, rc = cli_parse(&cmd, argc, argv, pos, &np);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    nb_model *net;
    cli_meta m;
    if (cli_model_load(CMD, pos[0], &net, &m) != CLI_OK)
        return CLI_FAIL;
    nb_tensor *x, *y;
    int64_t rows;
    rc = cli_load_for_model(CMD, pos[1], &m, &x, &y, &rows);
    nb_tensor *out_t = NULL;
    if (rc == CLI_OK) {
        bool prev = nb_set_grad_enabled(false);
        out_t = nb_model_forward(net, cli_map_inputs(&m, x));
        if (out_t && m.classify && m.cross_entropy)
            out_t = nb_softmax(out_t, 1);
        else if (out_t && !m.classify && m.has_ynorm)
            out_t = nb_mapminmax_reverse(out_t, &m.ynorm);
        nb_set_grad_enabled(prev);
        if (!out_t)
            rc = cli_lib_fail(CMD);
    }
    FILE *f = NULL;
    if (rc == CLI_OK) {
        f = out ? fopen(out, "w") : stdout;
        if (!f)
            rc = cli_fail(CMD, "cannot write %s: %s", out, strerror(errno));
    }
    if (rc == CLI_OK) {
        int64_t k = m.sizes[m.n_sizes - 1];
        double err = 0;
        int64_t hits = 0;
        char buf[256];
        header(f, &m);
        for (int64_t i = 0; i < rows; i++) {
            const double *v = nb_tensor_data_f64(out_t) + i * k;
            if (m.classify) {
                int64_t best = 0;
                for (int64_t j = 1; j < k; j++)
                    best = v[j] > v[best] ? j : best;
                fputs(cli_list_item(m.classes, (int)best, buf, sizeof buf), f);
                for (int64_t j = 0; j < k; j++)
                    fprintf(f, ",%.6g", v[j]);
                if (y)
                    hits += best == (int64_t)nb_tensor_get(y, i);
            } else {
                for (int64_t j = 0; j < k; j++) {
                    fprintf(f, "%s%.10g", j ? "," : "", v[j]);
                    if (y)
                        err += (v[j] - nb_tensor_get(y, i * k + j)) *
                               (v[j] - nb_tensor_get(y, i * k + j));
                }
            }
            fputc('\n', f);
        }
        if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0))
            rc = cli_fail(CMD, "cannot write %s", out ? out : "standard output");
        if (rc == CLI_OK && y && rows > 0) {
            if (m.classify)
                fprintf(stderr, "%lld rows: accuracy %.4f against the file's labels\n",
                        (long long)rows, (double)hits / (double)rows);
            else
                fprintf(stderr, "%lld rows: RMSE %.6g against the file's targets (their units)\n",
                        (long long)rows, sqrt(err / (double)(rows * k)));
        }
    }
    nb_model_free(net);
    cli_meta_free(&m);
    return rc;
}
