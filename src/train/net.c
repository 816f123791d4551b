/* MATLAB's network builders: feedforwardnet, fitnet and patternnet, i.e. a
 * BP network with its processing functions (mapminmax), its division
 * function (dividerand) and its training function, sized from the data at
 * the first training as MATLAB's configure does. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/autograd.h"
#include "nabla/ops.h"
#include "nabla/train_gd.h"
#include "nabla/train_lm.h"
#include "nabla/train_net.h"
#include "train/train_internal.h"

#define NB_NET_MAX_HIDDEN 16

struct nb_net {
    const char *api; /* the builder's name, for messages of configuration */
    bool pattern;
    int64_t hidden[NB_NET_MAX_HIDDEN];
    int n_hidden;
    nb_net_opts o;
    nb_model *model;            /* NULL until the first nb_net_train */
    int64_t inputs, outputs;
    nb_minmax_settings in_ps, out_ps; /* in the model's arena */
    nb_rng rng;                 /* dividerand's */
    int64_t *rows[3], count[3]; /* the last division */
};

const char *nb_train_fn_name(nb_train_fn fn)
{
    static const char *names[] = {"default", "trainlm", "trainbr", "trainscg",
                                  "traingd", "traingdm", "traingdx"};
    return (int)fn >= 0 && fn < NB_TRAINFCN_COUNT_ ? names[fn] : "unknown";
}

static nb_net *nb_net_make(const char *api, bool pattern, const int64_t *hidden, int n_hidden,
                           const nb_net_opts *opts)
{
    static const int64_t matlab_default[1] = {10};
    if (!hidden && n_hidden == 0) {
        hidden = matlab_default;
        n_hidden = 1;
    }
    if (!hidden) {
        nb__error(NB_ERR_NULL, "%s: hidden is NULL (give NULL and 0 for one layer of 10)", api);
        return NULL;
    }
    if (n_hidden < 1 || n_hidden > NB_NET_MAX_HIDDEN) {
        nb__error(NB_ERR_ARG, "%s: n_hidden is %d; expected 1 to %d hidden layers", api, n_hidden,
                  NB_NET_MAX_HIDDEN);
        return NULL;
    }
    for (int i = 0; i < n_hidden; i++)
        if (hidden[i] < 1) {
            nb__error(NB_ERR_ARG, "%s: hidden[%d] is %lld; every layer needs >= 1 neuron", api, i,
                      (long long)hidden[i]);
            return NULL;
        }
    nb_net_opts o = opts ? *opts : (nb_net_opts){0};
    if ((int)o.train_fn < 0 || o.train_fn >= NB_TRAINFCN_COUNT_) {
        nb__error(NB_ERR_ARG, "%s: opts->train_fn is %d; expected an nb_train_fn such as "
                  "NB_TRAINFCN_LM or NB_TRAINFCN_SCG", api, (int)o.train_fn);
        return NULL;
    }
    nb_divide_opts dv = o.divide;
    if (!(dv.train >= 0 && dv.val >= 0 && dv.test >= 0 && isfinite(dv.train + dv.val + dv.test))) {
        nb__error(NB_ERR_ARG, "%s: opts->divide ratios are %g/%g/%g; expected finite ratios "
                  ">= 0", api, dv.train, dv.val, dv.test);
        return NULL;
    }
    if (dv.train + dv.val + dv.test > 0 && dv.train <= 0) {
        nb__error(NB_ERR_ARG, "%s: opts->divide.train is 0; the training set needs a share",
                  api);
        return NULL;
    }
    nb_net *net = calloc(1, sizeof *net);
    if (!net) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        return NULL;
    }
    net->api = api;
    net->pattern = pattern;
    memcpy(net->hidden, hidden, sizeof(int64_t) * (size_t)n_hidden);
    net->n_hidden = n_hidden;
    net->o = o;
    if (!net->o.train_fn)
        net->o.train_fn = pattern ? NB_TRAINFCN_SCG : NB_TRAINFCN_LM;
    nb_rng_seed(&net->rng, o.seed ^ 0x9e3779b97f4a7c15ULL);
    return net;
}

nb_net *nb_fitnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts)
{
    return nb_net_make("nb_fitnet_new", false, hidden, n_hidden, opts);
}

nb_net *nb_feedforwardnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts)
{
    return nb_net_make("nb_feedforwardnet_new", false, hidden, n_hidden, opts);
}

nb_net *nb_patternnet_new(const int64_t *hidden, int n_hidden, const nb_net_opts *opts)
{
    return nb_net_make("nb_patternnet_new", true, hidden, n_hidden, opts);
}

void nb_net_free(nb_net *net)
{
    if (!net)
        return;
    nb_model_free(net->model);
    for (int i = 0; i < 3; i++)
        free(net->rows[i]);
    free(net);
}

nb_model *nb_net_model(const nb_net *net)
{
    return net ? net->model : NULL;
}

int64_t nb_net_division(const nb_net *net, int part, const int64_t **rows)
{
    static const char api[] = "nb_net_division";
    if (!net || !rows)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !net ? "net" : "rows");
    if (part < 0 || part > 2)
        return nb__error(NB_ERR_ARG, "%s: part is %d; expected 0 (train), 1 (validation) or 2 "
                         "(test)", api, part);
    if (!net->model)
        return nb__error(NB_ERR_STATE, "%s: the net is not trained yet (call nb_net_train)",
                         api);
    *rows = net->rows[part];
    return net->count[part];
}

static nb_dtype nb_net_dtype(const nb_net *net)
{
    return net->o.f32 ? NB_F32 : NB_F64;
}

/* x and t: 2-D floats with the same rows; the net's sizes once configured;
 * a pattern net's t one-hot. */
static int nb_net_check(nb_net *net, nb_tensor *x, nb_tensor *t)
{
    static const char api[] = "nb_net_train";
    if (!net || !x || !t)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !net ? "net" : !x ? "x" : "t");
    if (!nb_tensor_valid(x) || !nb_tensor_valid(t))
        return nb__error(NB_ERR_STATE, "%s: %s is not a live tensor", api,
                         !nb_tensor_valid(x) ? "x" : "t");
    char s1[96], s2[96];
    if (x->ndim != 2 || t->ndim != 2 || x->shape[0] != t->shape[0] || x->shape[0] < 1)
        return nb__error(NB_ERR_SHAPE, "%s: x is %s and t is %s; expected N x inputs and N x "
                         "outputs with the same N >= 1 (samples are rows)", api,
                         nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1),
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    if (net->model && (x->shape[1] != net->inputs || t->shape[1] != net->outputs))
        return nb__error(NB_ERR_SHAPE, "%s: the net was configured for %lld inputs and %lld "
                         "outputs; x is %s and t is %s", api, (long long)net->inputs,
                         (long long)net->outputs,
                         nb__shape_fmt(x->ndim, x->shape, s1, sizeof s1),
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    if (!net->pattern)
        return 0;
    int64_t C = t->shape[1];
    if (C < 2)
        return nb__error(NB_ERR_SHAPE, "%s: a patternnet needs one-hot targets with >= 2 "
                         "columns (one per class); t is %s", api,
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    for (int64_t n = 0; n < t->shape[0]; n++) {
        double sum = 0;
        for (int64_t c = 0; c < C; c++) {
            double v = nb__get(t, n * C + c);
            if (v != 0 && v != 1)
                return nb__error(NB_ERR_ARG, "%s: t[%lld][%lld] is %g; a patternnet's targets "
                                 "are one-hot rows of 0 and 1", api, (long long)n, (long long)c,
                                 v);
            sum += v;
        }
        if (sum != 1)
            return nb__error(NB_ERR_ARG, "%s: row %lld of t has %g ones; a patternnet's "
                             "targets are one-hot rows (exactly one 1)", api, (long long)n, sum);
    }
    return 0;
}

/* MATLAB's configure: the layers from the data, initnw, the mapminmax
 * settings of x (and t for a fit) in the model's arena. */
static int nb_net_configure(nb_net *net, nb_tensor *x, nb_tensor *t)
{
    static const char api[] = "nb_net_train";
    nb_model *m = nb_model_new(&(nb_model_opts){.dtype = nb_net_dtype(net), .seed = net->o.seed});
    if (!m)
        return nb__error_context(api, "making the model");
    int64_t in = x->shape[1];
    int rc = 0;
    for (int i = 0; i <= net->n_hidden && rc >= 0; i++) {
        bool last = i == net->n_hidden;
        int64_t out = last ? t->shape[1] : net->hidden[i];
        nb_activation act = !last ? NB_ACT_TANSIG : net->pattern ? NB_ACT_SOFTMAX : NB_ACT_PURELIN;
        rc = nb_model_add_linear(m, in, out, act, NB_INIT_NGUYEN_WIDROW);
        in = out;
    }
    nb_arena *prev = nb_arena_use(nb_model_arena(m));
    if (rc >= 0)
        rc = nb_mapminmax_fit(x, -1, 1, &net->in_ps);
    if (rc >= 0 && !net->pattern)
        rc = nb_mapminmax_fit(t, -1, 1, &net->out_ps);
    nb_arena_use(prev);
    if (rc >= 0 && !nb_model_params_flat(m))
        rc = nb_last_status();
    if (rc < 0) {
        nb_model_free(m);
        return nb__error_context(api, "configuring the net");
    }
    net->model = m;
    net->inputs = x->shape[1];
    net->outputs = t->shape[1];
    return 0;
}

static nb_tensor *nb_net_as(nb_tensor *v, nb_dtype dtype)
{
    return v && nb_tensor_dtype(v) != dtype ? nb_cast(v, dtype) : v;
}

static int nb_net_keep_rows(nb_net *net, int part, const int64_t *rows, int64_t n)
{
    free(net->rows[part]);
    net->rows[part] = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    net->count[part] = 0;
    if (!net->rows[part])
        return nb__error(NB_ERR_NOMEM, "nb_net_train: out of memory for the division");
    for (int64_t i = 0; i < n; i++)
        net->rows[part][i] = rows ? rows[i] : i;
    net->count[part] = n;
    return 0;
}

static int nb_net_run(nb_net *net, const nb_train_data *d, nb_train_record *record)
{
    const nb_net_opts *o = &net->o;
    nb_model *m = net->model;
    switch (o->train_fn) {
    case NB_TRAINFCN_LM:
    case NB_TRAINFCN_BR: {
        nb_trainlm_opts lo = {.epochs = o->epochs, .goal = o->goal, .max_fail = o->max_fail,
                              .min_grad = o->min_grad, .verbose = o->verbose, .show = o->show,
                              .out = o->out};
        return o->train_fn == NB_TRAINFCN_LM ? nb_trainlm(m, d, &lo, record)
                                            : nb_trainbr(m, d, &lo, record);
    }
    case NB_TRAINFCN_SCG: {
        nb_trainscg_opts so = {.epochs = o->epochs, .goal = o->goal, .max_fail = o->max_fail,
                               .min_grad = o->min_grad, .verbose = o->verbose, .show = o->show,
                               .out = o->out,
                               .perf = net->pattern ? NB_PERF_CROSSENTROPY : NB_PERF_MSE};
        return nb_trainscg(m, d, &so, record);
    }
    default: {
        nb_traingd_opts go = {.epochs = o->epochs, .goal = o->goal, .max_fail = o->max_fail,
                              .min_grad = o->min_grad, .verbose = o->verbose, .show = o->show,
                              .out = o->out};
        return o->train_fn == NB_TRAINFCN_GD    ? nb_traingd(m, d, &go, record)
               : o->train_fn == NB_TRAINFCN_GDM ? nb_traingdm(m, d, &go, record)
                                                : nb_traingdx(m, d, &go, record);
    }
    }
}

int nb_net_train(nb_net *net, nb_tensor *x, nb_tensor *t, nb_train_record *record)
{
    static const char api[] = "nb_net_train";
    if (record)
        memset(record, 0, sizeof *record);
    int rc = nb_net_check(net, x, t);
    if (rc < 0)
        return rc;
    nb_arena *work = NULL, *prev = NULL;
    if (!net->model) {
        /* the settings are fitted on the data in the model's dtype */
        work = nb_arena_new_opts(&(nb_arena_opts){0});
        if (!work)
            return nb__error_context(api, "making a work arena");
        prev = nb_arena_use(work);
        nb_tensor *xc = nb_net_as(x, nb_net_dtype(net)), *tc = nb_net_as(t, nb_net_dtype(net));
        nb_arena_use(prev);
        rc = xc && tc ? nb_net_configure(net, xc, tc) : nb__error_context(api, "copying x, t");
        nb_arena_free(work);
        if (rc < 0)
            return rc;
    }
    work = nb_arena_new_opts(&(nb_arena_opts){.allocator = nb_model_allocator(net->model)});
    if (!work)
        return nb__error_context(api, "making a work arena");
    prev = nb_arena_use(work);
    nb_dtype dt = nb_net_dtype(net);
    nb_tensor *xm = nb_mapminmax_apply(nb_net_as(x, dt), &net->in_ps);
    nb_tensor *tm = net->pattern ? nb_net_as(t, dt) : nb_mapminmax_apply(nb_net_as(t, dt),
                                                                         &net->out_ps);
    if (!xm || !tm)
        rc = nb__error_context(api, "mapping x and t with mapminmax");
    nb_train_data d = {.x = xm, .y = tm};
    nb_split sp = {0};
    if (rc == 0 && net->o.no_divide) {
        for (int part = 0; part < 3 && rc == 0; part++)
            rc = nb_net_keep_rows(net, part, NULL, part == 0 ? x->shape[0] : 0);
    } else if (rc == 0) {
        rc = nb_dividerand(&net->rng, xm, tm, &net->o.divide, &sp);
        if (rc < 0)
            rc = nb__error_context(api, "dividing the samples");
        if (rc == 0)
            rc = nb_net_keep_rows(net, 0, sp.train_idx, sp.n_train);
        if (rc == 0)
            rc = nb_net_keep_rows(net, 1, sp.val_idx, sp.n_val);
        if (rc == 0)
            rc = nb_net_keep_rows(net, 2, sp.test_idx, sp.n_test);
        if (rc == 0 && sp.n_train == 0)
            rc = nb__error(NB_ERR_ARG, "%s: dividerand left no training samples (%lld rows)",
                           api, (long long)x->shape[0]);
        d.x = sp.x_train;
        d.y = sp.y_train;
        if (sp.n_val > 0) {
            d.val_x = sp.x_val;
            d.val_y = sp.y_val;
        }
        if (sp.n_test > 0) {
            d.test_x = sp.x_test;
            d.test_y = sp.y_test;
        }
    }
    if (rc == 0)
        rc = nb_net_run(net, &d, record);
    nb_arena_use(prev);
    nb_arena_free(work);
    return rc;
}

nb_tensor *nb_net_predict(nb_net *net, nb_tensor *x)
{
    static const char api[] = "nb_net_predict";
    if (!net || !x) {
        nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !net ? "net" : "x");
        return NULL;
    }
    if (!net->model) {
        nb__error(NB_ERR_STATE, "%s: the net is not trained yet (call nb_net_train first)", api);
        return NULL;
    }
    if (!nb_tensor_valid(x) || x->ndim != 2 || x->shape[1] != net->inputs) {
        char s[96] = "not a live tensor";
        if (nb_tensor_valid(x))
            nb__shape_fmt(x->ndim, x->shape, s, sizeof s);
        nb__error(NB_ERR_SHAPE, "%s: x is %s; expected N x %lld (samples are rows)", api, s,
                  (long long)net->inputs);
        return NULL;
    }
    bool was = nb_set_grad_enabled(false);
    nb_tensor *y = nb_model_forward(net->model,
                                    nb_mapminmax_apply(nb_net_as(x, nb_net_dtype(net)),
                                                       &net->in_ps));
    if (y && !net->pattern)
        y = nb_mapminmax_reverse(y, &net->out_ps);
    nb_set_grad_enabled(was);
    if (!y)
        nb__error_context(api, "computing the outputs");
    return y;
}
