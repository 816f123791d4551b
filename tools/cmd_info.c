/* nabla info: what a model file holds: layers, shapes, parameter counts,
 * normalisation, and how the network was trained. */
#include <math.h>
#include <string.h>

#include "cli.h"

#define CMD "info"

static void norm(const char *what, const nb_minmax_settings *s, const char *names)
{
    printf("%s: mapminmax to [%g, %g]\n", what, s->ymin, s->ymax);
    for (int64_t i = 0; i < s->features; i++) {
        char buf[256];
        if (cli_list_count(names) == s->features)
            cli_list_item(names, (int)i, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "column %lld", (long long)i + 1);
        printf("  %-20s min %-12g max %g\n", buf, s->xmin[i], s->xmax[i]);
    }
}

int cli_info(int argc, char **argv)
{
    const cli_cmd cmd = {CMD, "MODEL.nbt",
                         "Describe a model written by 'nabla train': its layers, parameter\n"
                         "shapes and counts, the normalisation of inputs and targets, and how it\n"
                         "was trained.",
                         NULL, 0, 1, 1};
    const char *pos[1];
    int np, rc = cli_parse(&cmd, argc, argv, pos, &np);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    nb_model *net;
    cli_meta m;
    if (cli_model_load(CMD, pos[0], &net, &m) != CLI_OK)
        return CLI_FAIL;
    printf("model %s: a %s network, %s\n", pos[0], m.classify ? "classification" : "fitting",
           nb_dtype_name(nb_model_dtype(net)));
    printf("inputs: %lld", (long long)m.sizes[0]);
    if (m.inputs) {
        char buf[256];
        for (int i = 0; i < cli_list_count(m.inputs); i++)
            printf("%s%s", i ? ", " : " (", cli_list_item(m.inputs, i, buf, sizeof buf));
        printf(")");
    }
    printf("\n");
    int np_ = nb_model_num_params(net);
    for (int l = 0; l + 1 < m.n_sizes; l++) {
        int64_t w = m.sizes[l] * m.sizes[l + 1], b = m.sizes[l + 1];
        printf("layer %d: %lld -> %lld, %s; layer%d.weight %lldx%lld, layer%d.bias %lld: %lld "
               "parameters\n", l + 1, (long long)m.sizes[l], (long long)m.sizes[l + 1],
               nb_activation_name(m.acts[l]), l + 1, (long long)m.sizes[l],
               (long long)m.sizes[l + 1], l + 1, (long long)b, (long long)(w + b));
    }
    printf("parameters: %lld in %d tensors\n", (long long)nb_model_num_scalars(net), np_);
    char buf[256];
    if (m.classify) {
        printf("classes (%d) of %s:", cli_list_count(m.classes),
               m.targets ? cli_list_item(m.targets, 0, buf, sizeof buf) : "the target column");
        for (int i = 0; i < cli_list_count(m.classes); i++)
            printf(" %s", cli_list_item(m.classes, i, buf, sizeof buf));
        printf("\nloss: %s%s\n", cli_loss_name(&m),
               m.cross_entropy ? " (softmax applied by predict)" : "");
    } else {
        printf("targets:");
        for (int i = 0; i < m.n_target_cols; i++)
            printf(" %s", cli_list_count(m.targets) == m.n_target_cols
                              ? cli_list_item(m.targets, i, buf, sizeof buf)
                              : (snprintf(buf, sizeof buf, "column %d", m.target_cols[i] + 1), buf));
        printf("\n");
    }
    if (m.has_xnorm)
        norm("input normalisation", &m.xnorm, m.inputs);
    if (m.has_ynorm)
        norm("target normalisation", &m.ynorm, m.targets);
    const double *s = m.summary;
    printf("trained with %s on %s", m.trainer ? m.trainer : "?", m.data ? m.data : "?");
    if (!isnan(s[6]))
        printf(" (seed %.0f)", s[6]);
    printf("\n");
    if (!isnan(s[0]))
        printf("rows: %.0f train, %.0f validation, %.0f test\n%.0f epochs, %s best epoch %.0f: "
               "perf %.6g, vperf %.6g, tperf %.6g; %.2f s\n", s[7], s[8], s[9], s[0],
               m.stop ? m.stop : "", s[1], s[2], s[3], s[4], s[5]);
    nb_model_free(net);
    cli_meta_free(&m);
    return CLI_OK;
}
