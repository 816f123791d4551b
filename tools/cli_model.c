/* The model file of the nabla program: the network's parameters under
 * their registry names (what nb_model_load reads) plus records named
 * "nabla.*" that describe the network, its normalisation and its training
 * (docs/file-format.md).  nb_model_load skips records it does not ask for,
 * so the file is also a plain model file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define META_VERSION 1

void cli_meta_free(cli_meta *m)
{
    free(m->inputs);
    free(m->targets);
    free(m->classes);
    free(m->trainer);
    free(m->data);
    free(m->stop);
    free(m->xnorm.xmin);
    free(m->xnorm.xmax);
    free(m->ynorm.xmin);
    free(m->ynorm.xmax);
    memset(m, 0, sizeof *m);
}

int cli_list_count(const char *list)
{
    if (!list)
        return 0;
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == '\n';
    return n;
}

const char *cli_list_item(const char *list, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *p = list;
    for (int k = 0; p && k < i; k++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return buf;
    size_t len = strcspn(p, "\n");
    if (len >= size)
        len = size - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

/* ---- writing ---- */

typedef struct records {
    int n;
    const char *names[64];
    nb_tensor *tensors[64];
} records;

static void add(records *r, const char *name, nb_tensor *t)
{
    if (r->n < 64) {
        r->names[r->n] = name;
        r->tensors[r->n++] = t; /* a NULL is caught before saving */
    }
}

/* A text as a 1-D f32 tensor of its bytes (exact: every byte value is). */
static void add_text(records *r, const char *name, const char *text)
{
    if (!text || !*text)
        return; /* absent means empty */
    size_t n = strlen(text);
    nb_tensor *t = nb_zeros(NB_F32, NB_SHAPE((int64_t)n));
    if (t)
        for (size_t i = 0; i < n; i++)
            nb_tensor_data_f32(t)[i] = (float)(unsigned char)text[i];
    add(r, name, t);
}

static void add_f64(records *r, const char *name, const double *v, int64_t n)
{
    add(r, name, nb_from_f64(v, NB_SHAPE(n)));
}

static void add_norm(records *r, const char *prefix, const nb_minmax_settings *s)
{
    static char names[2][3][32];
    int k = prefix[0] == 'x' ? 0 : 1;
    snprintf(names[k][0], 32, "nabla.norm.%s.min", prefix);
    snprintf(names[k][1], 32, "nabla.norm.%s.max", prefix);
    snprintf(names[k][2], 32, "nabla.norm.%s.range", prefix);
    add_f64(r, names[k][0], s->xmin, s->features);
    add_f64(r, names[k][1], s->xmax, s->features);
    add_f64(r, names[k][2], (const double[]){s->ymin, s->ymax}, 2);
}

int cli_model_save(nb_model *net, const cli_meta *m, const char *path)
{
    records r = {0};
    int np = nb_model_num_params(net);
    if (np < 0 || np > 32)
        return NB_ERR_ARG;
    for (int i = 0; i < np; i++)
        add(&r, nb_model_param_name(net, i), nb_model_param_at(net, i));
    double version = META_VERSION, sizes[CLI_MAX_LAYERS + 1], flags[2];
    for (int i = 0; i < m->n_sizes; i++)
        sizes[i] = (double)m->sizes[i];
    flags[0] = m->classify;
    flags[1] = m->cross_entropy;
    add_f64(&r, "nabla.version", &version, 1);
    add_f64(&r, "nabla.net.sizes", sizes, m->n_sizes);
    char acts[CLI_MAX_LAYERS * 16] = "";
    for (int i = 0; i + 1 < m->n_sizes; i++) {
        strcat(acts, i ? "\n" : "");
        strcat(acts, nb_activation_name(m->acts[i]));
    }
    add_text(&r, "nabla.net.transfer", acts);
    add_f64(&r, "nabla.task.flags", flags, 2);
    double cols[CLI_MAX_LAYERS];
    for (int i = 0; i < m->n_target_cols; i++)
        cols[i] = m->target_cols[i];
    add_f64(&r, "nabla.task.target_cols", cols, m->n_target_cols);
    add_text(&r, "nabla.task.inputs", m->inputs);
    add_text(&r, "nabla.task.targets", m->targets);
    add_text(&r, "nabla.task.classes", m->classes);
    add_text(&r, "nabla.train.function", m->trainer);
    add_text(&r, "nabla.train.data", m->data);
    add_text(&r, "nabla.train.stop", m->stop);
    /* MATLAB's performFcn, or nabla's loss of the logits */
    add_text(&r, "nabla.train.perf", m->cross_entropy       ? "cross_entropy_loss"
                                     : m->crossentropy_perf ? "crossentropy"
                                                            : "mse");
    add_f64(&r, "nabla.train.summary", m->summary, CLI_SUMMARY_LEN);
    if (m->has_xnorm)
        add_norm(&r, "x", &m->xnorm);
    if (m->has_ynorm)
        add_norm(&r, "y", &m->ynorm);
    for (int i = 0; i < r.n; i++)
        if (!r.tensors[i])
            return nb_last_status() < 0 ? nb_last_status() : NB_ERR_NOMEM;
    return nb_tensors_save(path, r.names, r.tensors, r.n);
}

/* ---- reading ---- */

static nb_tensor *find(const nb_tensor_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return l->tensors[i];
    return NULL;
}

/* A text record as a malloc'd string (NULL when absent). */
static char *text(const nb_tensor_list *l, const char *name, bool *nomem)
{
    nb_tensor *t = find(l, name);
    if (!t)
        return NULL;
    int64_t n = nb_tensor_numel(t);
    char *s = malloc((size_t)n + 1);
    if (!s) {
        *nomem = true;
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        double c = nb_tensor_get(t, i);
        s[i] = c >= 1 && c <= 255 ? (char)(unsigned char)c : '?';
    }
    s[n] = '\0';
    return s;
}

static bool norm(const nb_tensor_list *l, const char *p, nb_minmax_settings *s, bool *nomem)
{
    char a[32], b[32], c[32];
    snprintf(a, sizeof a, "nabla.norm.%s.min", p);
    snprintf(b, sizeof b, "nabla.norm.%s.max", p);
    snprintf(c, sizeof c, "nabla.norm.%s.range", p);
    nb_tensor *tmin = find(l, a), *tmax = find(l, b), *tr = find(l, c);
    if (!tmin || !tmax || !tr || nb_tensor_numel(tr) != 2 ||
        nb_tensor_numel(tmin) != nb_tensor_numel(tmax))
        return false;
    int64_t n = nb_tensor_numel(tmin);
    s->features = n;
    s->ymin = nb_tensor_get(tr, 0);
    s->ymax = nb_tensor_get(tr, 1);
    s->xmin = malloc(sizeof(double) * (size_t)(n ? n : 1));
    s->xmax = malloc(sizeof(double) * (size_t)(n ? n : 1));
    if (!s->xmin || !s->xmax) {
        *nomem = true;
        return false;
    }
    for (int64_t i = 0; i < n; i++) {
        s->xmin[i] = nb_tensor_get(tmin, i);
        s->xmax[i] = nb_tensor_get(tmax, i);
    }
    return true;
}

int cli_model_load(const char *cmd, const char *path, nb_model **net, cli_meta *m)
{
    memset(m, 0, sizeof *m);
    *net = NULL;
    nb_tensor_list l;
    if (nb_tensors_load(path, &l) < 0)
        return cli_lib_fail(cmd);
    nb_tensor *ver = find(&l, "nabla.version"), *sizes = find(&l, "nabla.net.sizes");
    nb_tensor *w1 = find(&l, "layer1.weight");
    if (!ver || !sizes || !w1)
        return cli_fail(cmd, "%s is a tensor file but not a model written by 'nabla train' "
                        "(no %s record)", path, !ver ? "nabla.version" : !sizes ? "nabla.net.sizes"
                        : "layer1.weight");
    if (nb_tensor_item(ver) > META_VERSION)
        return cli_fail(cmd, "%s was written by a newer nabla (description version %g, this "
                        "program reads up to %d)", path, nb_tensor_item(ver), META_VERSION);
    int64_t ns = nb_tensor_numel(sizes);
    if (ns < 2 || ns > CLI_MAX_LAYERS + 1)
        return cli_fail(cmd, "%s: nabla.net.sizes has %lld entries, expected 2 to %d", path,
                        (long long)ns, CLI_MAX_LAYERS + 1);
    bool nomem = false;
    m->n_sizes = (int)ns;
    for (int i = 0; i < m->n_sizes; i++) {
        double v = nb_tensor_get(sizes, i);
        if (!(v >= 1 && v <= 1e9 && v == floor(v)))
            return cli_fail(cmd, "%s: nabla.net.sizes[%d] is %g, not a layer size", path, i, v);
        m->sizes[i] = (int64_t)v;
    }
    char *acts = text(&l, "nabla.net.transfer", &nomem);
    if (cli_list_count(acts) != m->n_sizes - 1) {
        free(acts);
        return cli_fail(cmd, "%s: nabla.net.transfer does not list one transfer function per "
                        "layer", path);
    }
    for (int i = 0; i + 1 < m->n_sizes; i++) {
        char buf[64];
        int a = nb_activation_from_name(cli_list_item(acts, i, buf, sizeof buf));
        if (a < 0) {
            free(acts);
            return cli_fail(cmd, "%s: layer %d has an unknown transfer function '%s'", path,
                            i + 1, buf);
        }
        m->acts[i] = (nb_activation)a;
    }
    free(acts);
    nb_tensor *flags = find(&l, "nabla.task.flags"), *cols = find(&l, "nabla.task.target_cols");
    if (flags && nb_tensor_numel(flags) == 2) {
        m->classify = nb_tensor_get(flags, 0) != 0;
        m->cross_entropy = nb_tensor_get(flags, 1) != 0;
    }
    if (cols)
        for (int64_t i = 0; i < nb_tensor_numel(cols) && i < CLI_MAX_LAYERS; i++)
            m->target_cols[m->n_target_cols++] = (int)nb_tensor_get(cols, i);
    m->inputs = text(&l, "nabla.task.inputs", &nomem);
    m->targets = text(&l, "nabla.task.targets", &nomem);
    m->classes = text(&l, "nabla.task.classes", &nomem);
    m->trainer = text(&l, "nabla.train.function", &nomem);
    m->data = text(&l, "nabla.train.data", &nomem);
    m->stop = text(&l, "nabla.train.stop", &nomem);
    char *perf = text(&l, "nabla.train.perf", &nomem); /* absent before trainscg: mse */
    m->crossentropy_perf = m->classify && perf && strcmp(perf, "crossentropy") == 0;
    free(perf);
    for (int i = 0; i < CLI_SUMMARY_LEN; i++)
        m->summary[i] = NAN;
    nb_tensor *sum = find(&l, "nabla.train.summary");
    for (int64_t i = 0; sum && i < nb_tensor_numel(sum) && i < CLI_SUMMARY_LEN; i++)
        m->summary[i] = nb_tensor_get(sum, i);
    m->has_xnorm = norm(&l, "x", &m->xnorm, &nomem);
    m->has_ynorm = norm(&l, "y", &m->ynorm, &nomem);
    if (nomem) {
        cli_meta_free(m);
        return cli_fail(cmd, "out of memory reading %s", path);
    }
    *net = nb_bpnet_new(m->sizes, m->n_sizes, m->acts,
                        &(nb_bpnet_opts){.dtype = nb_tensor_dtype(w1)});
    if (!*net || nb_model_load(*net, path) < 0) {
        int rc = cli_lib_fail(cmd);
        nb_model_free(*net);
        *net = NULL;
        cli_meta_free(m);
        return rc;
    }
    return CLI_OK;
}
