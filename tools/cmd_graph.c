/* nabla graph: the teaching views of one forward and backward pass of a
 * trained network: the interactive page (nb_html_save) and the Graphviz
 * picture (nb_dot_save). */
#include <stdlib.h>

#include "cli.h"

#define CMD "graph"

int cli_graph(int argc, char **argv)
{
    const char *html = NULL, *dot = NULL;
    const cli_opt opts[] = {
        {"html", CLI_STRING, &html, "PAGE.html", "write the interactive page of the pass"},
        {"dot", CLI_STRING, &dot, "FILE.dot", "write the graph with every gradient (Graphviz)"},
    };
    const cli_cmd cmd = {CMD, "MODEL.nbt [DATA.csv] --html PAGE.html | --dot FILE.dot",
                         "Record one forward pass of the network and its loss on the first row\n"
                         "of DATA.csv (without DATA.csv: on the middle of the inputs' range,\n"
                         "against the middle of the targets' range, or class 1), and draw it\n"
                         "with the backward pass: the chain rule from the loss back to every\n"
                         "parameter.",
                         opts, 2, 1, 2};
    const char *pos[2];
    int np, rc = cli_parse(&cmd, argc, argv, pos, &np);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (!html && !dot)
        return cli_usage(CMD, "give --html PAGE.html or --dot FILE.dot (or both)");
    nb_model *net;
    cli_meta m;
    if (cli_model_load(CMD, pos[0], &net, &m) != CLI_OK)
        return CLI_FAIL;
    nb_tensor *x = NULL, *t = NULL;
    int64_t rows, k = m.sizes[m.n_sizes - 1];
    if (np == 2) {
        nb_tensor *y;
        rc = cli_load_for_model(CMD, pos[1], &m, &x, &y, &rows);
        if (rc == CLI_OK) {
            x = cli_head_rows(cli_map_inputs(&m, x), 1);
            t = y ? cli_head_rows(cli_train_targets(&m, y), 1) : NULL;
        }
    } else {
        x = nb_zeros(NB_F64, NB_SHAPE(1, m.sizes[0])); /* mapminmax's middle */
    }
    if (rc == CLI_OK && !t)
        t = m.cross_entropy ? nb_zeros(NB_F64, NB_SHAPE(1)) : nb_zeros(NB_F64, NB_SHAPE(1, k));
    if (rc == CLI_OK && m.classify && !m.cross_entropy && t && np == 1)
        nb_tensor_data_f64(t)[0] = 1; /* one-hot class 1 */
    if (rc == CLI_OK) {
        nb_tensor_set_name(x, "x");
        nb_tensor_set_name(t, "target");
        nb_tensor *loss = cli_loss(&m)(nb_model_forward(net, x), t, NB_REDUCE_MEAN);
        if (!loss)
            rc = cli_lib_fail(CMD);
        char title[512];
        snprintf(title, sizeof title, "%s: one pass, %s", pos[0], cli_loss_name(&m));
        if (rc == CLI_OK && html &&
            nb_html_save(html, &loss, 1, &(nb_html_opts){.title = title}) < 0)
            rc = cli_lib_fail(CMD);
        if (rc == CLI_OK && dot &&
            nb_dot_save(dot, &loss, 1, &(nb_dot_opts){.all_grads = true, .title = title}) < 0)
            rc = cli_lib_fail(CMD);
        if (rc == CLI_OK)
            printf("wrote%s%s%s%s\n", html ? " " : "", html ? html : "", dot ? " " : "",
                   dot ? dot : "");
    }
    nb_model_free(net);
    cli_meta_free(&m);
    return rc;
}
