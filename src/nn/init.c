/* Weight initialisers, all drawing from a caller-owned seeded nb_rng.
 *
 * Nguyen–Widrow follows the 1990 paper (see nn.h): with n inputs and h
 * neurons, beta = 0.7 h^(1/n); weights uniform in [-1, 1], each neuron's
 * vector (a column of W, which is stored (in, out)) rescaled to norm beta;
 * biases uniform in [-beta, beta].  Xavier/Glorot and He use the usual
 * fan-in/fan-out variances.  Values are drawn in a fixed order (row-major
 * over W), so a seed gives the same weights on every platform. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "nn/nn_internal.h"

static int nb_weight_fans(const char *api, nb_tensor *W, int64_t *fan_in, int64_t *fan_out)
{
    int rc = nb__check_tensor(W, api, "W");
    if (rc < 0)
        return rc;
    if (W->ndim == 2) {
        *fan_in = W->shape[0];
        *fan_out = W->shape[1];
    } else if (W->ndim == 1) {
        *fan_in = 1;
        *fan_out = W->shape[0];
    } else {
        char buf[96];
        return nb__error(NB_ERR_SHAPE, "%s: W must be 1-D or 2-D (in, out), got %s", api,
                         nb__shape_fmt(W->ndim, W->shape, buf, sizeof buf));
    }
    if (*fan_in < 1 || *fan_out < 1)
        return nb__error(NB_ERR_SHAPE, "%s: W has no elements", api);
    return 0;
}

static int nb_need_rng(const char *api, const nb_rng *rng)
{
    return rng ? 0 : nb__error(NB_ERR_NULL, "%s: rng is NULL (seed one with nb_rng_seed)", api);
}

int nb_init_nguyen_widrow(nb_tensor *W, nb_tensor *b, nb_rng *rng)
{
    static const char api[] = "nb_init_nguyen_widrow";
    int64_t n, h;
    int rc = nb_weight_fans(api, W, &n, &h);
    if (rc < 0 || (rc = nb_need_rng(api, rng)) < 0)
        return rc;
    if (b) {
        if ((rc = nb__check_tensor(b, api, "b")) < 0)
            return rc;
        if (b->numel != h || b->dtype != W->dtype) {
            char s1[96], s2[96];
            return nb__error(NB_ERR_SHAPE, "%s: b is %s %s but W is %s %s (b needs one entry per "
                             "neuron, W's columns)", api, nb_dtype_name(b->dtype),
                             nb__shape_fmt(b->ndim, b->shape, s1, sizeof s1),
                             nb_dtype_name(W->dtype),
                             nb__shape_fmt(W->ndim, W->shape, s2, sizeof s2));
        }
    }
    double beta = 0.7 * pow((double)h, 1.0 / (double)n);
    for (int64_t i = 0; i < W->numel; i++)
        nb__set(W, i, 2.0 * nb_rng_uniform(rng) - 1.0);
    for (int64_t j = 0; j < h; j++) {
        double norm = 0;
        for (int64_t i = 0; i < n; i++) {
            double w = nb__get(W, i * h + j);
            norm += w * w;
        }
        norm = sqrt(norm);
        /* A zero vector has probability ~0; give it a unit direction anyway. */
        double scale = norm > 0 ? beta / norm : 0;
        for (int64_t i = 0; i < n; i++)
            nb__set(W, i * h + j, norm > 0 ? nb__get(W, i * h + j) * scale : (i == 0 ? beta : 0));
    }
    nb__bump_version(W);
    if (b) {
        for (int64_t j = 0; j < h; j++)
            nb__set(b, j, beta * (2.0 * nb_rng_uniform(rng) - 1.0));
        nb__bump_version(b);
    }
    return NB_OK;
}

/* kind: 0 uniform, 1 normal; var = gain / fan. */
static int nb_init_variance(const char *api, nb_tensor *W, nb_rng *rng, int he, int normal)
{
    int64_t fi, fo;
    int rc = nb_weight_fans(api, W, &fi, &fo);
    if (rc < 0 || (rc = nb_need_rng(api, rng)) < 0)
        return rc;
    double var = he ? 2.0 / (double)fi : 2.0 / (double)(fi + fo);
    double a = sqrt(3.0 * var), sd = sqrt(var);
    for (int64_t i = 0; i < W->numel; i++)
        nb__set(W, i, normal ? sd * nb_rng_normal(rng) : a * (2.0 * nb_rng_uniform(rng) - 1.0));
    nb__bump_version(W);
    return NB_OK;
}

int nb_init_xavier_uniform(nb_tensor *W, nb_rng *rng)
{
    return nb_init_variance("nb_init_xavier_uniform", W, rng, 0, 0);
}
int nb_init_xavier_normal(nb_tensor *W, nb_rng *rng)
{
    return nb_init_variance("nb_init_xavier_normal", W, rng, 0, 1);
}
int nb_init_he_uniform(nb_tensor *W, nb_rng *rng)
{
    return nb_init_variance("nb_init_he_uniform", W, rng, 1, 0);
}
int nb_init_he_normal(nb_tensor *W, nb_rng *rng)
{
    return nb_init_variance("nb_init_he_normal", W, rng, 1, 1);
}

int nb_init_apply(nb_init init, nb_tensor *W, nb_tensor *b, nb_rng *rng)
{
    int rc;
    switch (init) {
    case NB_INIT_DEFAULT:
    case NB_INIT_NGUYEN_WIDROW:
        return nb_init_nguyen_widrow(W, b, rng);
    case NB_INIT_XAVIER_UNIFORM: rc = nb_init_xavier_uniform(W, rng); break;
    case NB_INIT_XAVIER_NORMAL: rc = nb_init_xavier_normal(W, rng); break;
    case NB_INIT_HE_UNIFORM: rc = nb_init_he_uniform(W, rng); break;
    case NB_INIT_HE_NORMAL: rc = nb_init_he_normal(W, rng); break;
    case NB_INIT_ZEROS: rc = nb_tensor_fill(W, 0.0); break;
    default:
        return nb__error(NB_ERR_ARG, "nb_init_apply: unknown initialiser %d (use an NB_INIT_* "
                         "value)", (int)init);
    }
    if (rc == 0 && b)
        rc = nb_tensor_fill(b, 0.0);
    return rc;
}
