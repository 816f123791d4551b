/* What MATLAB reports after training: the regression R of outputs on
 * targets (plotregression) and the confusion matrix (plotconfusion). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "nabla/train_net.h"
#include "train/train_internal.h"

/* Pearson's R of n pairs (y[i*stride + off], t[...]), two passes (the means
 * first) so that large offsets do not cancel. */
static double nb_pearson(const nb_tensor *y, const nb_tensor *t, int64_t n, int64_t stride,
                         int64_t off)
{
    double my = 0, mt = 0;
    for (int64_t i = 0; i < n; i++) {
        my += nb__get(y, i * stride + off);
        mt += nb__get(t, i * stride + off);
    }
    my /= (double)n;
    mt /= (double)n;
    double syy = 0, stt = 0, syt = 0;
    for (int64_t i = 0; i < n; i++) {
        double dy = nb__get(y, i * stride + off) - my, dt = nb__get(t, i * stride + off) - mt;
        syy += dy * dy;
        stt += dt * dt;
        syt += dy * dt;
    }
    if (syy == 0 || stt == 0)
        return NAN;
    return syt / sqrt(syy * stt);
}

int nb_regression_r(const nb_tensor *y, const nb_tensor *t, double *r_out, double *r_all)
{
    static const char api[] = "nb_regression_r";
    if (!y || !t)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !y ? "y" : "t");
    if (!nb_tensor_valid(y) || !nb_tensor_valid(t))
        return nb__error(NB_ERR_STATE, "%s: %s is not a live tensor", api,
                         !nb_tensor_valid(y) ? "y" : "t");
    char s1[96], s2[96];
    if (!nb_tensor_same_shape(y, t) || y->ndim < 1 || y->ndim > 2 || y->shape[0] < 2)
        return nb__error(NB_ERR_SHAPE, "%s: y is %s and t is %s; expected the same N x O (or N) "
                         "shape with N >= 2", api, nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    int64_t N = y->shape[0], O = y->ndim == 2 ? y->shape[1] : 1;
    for (int64_t o = 0; r_out && o < O; o++)
        r_out[o] = nb_pearson(y, t, N, O, o);
    if (r_all)
        *r_all = nb_pearson(y, t, N * O, 1, 0);
    return 0;
}

/* The class of row n: the first largest of C values, or > 0.5 for one. */
static int64_t nb_row_class(const nb_tensor *v, int64_t n, int64_t C)
{
    if (C == 1)
        return nb__get(v, n) > 0.5;
    int64_t best = 0;
    for (int64_t c = 1; c < C; c++)
        if (nb__get(v, n * C + c) > nb__get(v, n * C + best))
            best = c;
    return best;
}

int nb_confusion_matrix(const nb_tensor *y, const nb_tensor *t, int classes, int64_t *counts,
                        double *accuracy)
{
    static const char api[] = "nb_confusion_matrix";
    if (!y || !t || !counts)
        return nb__error(NB_ERR_NULL, "%s: %s is NULL", api, !y ? "y" : !t ? "t" : "counts");
    if (!nb_tensor_valid(y) || !nb_tensor_valid(t))
        return nb__error(NB_ERR_STATE, "%s: %s is not a live tensor", api,
                         !nb_tensor_valid(y) ? "y" : "t");
    char s1[96], s2[96];
    if (!nb_tensor_same_shape(y, t) || y->ndim != 2 || y->shape[0] < 1)
        return nb__error(NB_ERR_SHAPE, "%s: y is %s and t is %s; expected the same N x C shape "
                         "(one-hot t, or N x 1 with classes 0 and 1)", api,
                         nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                         nb__shape_fmt(t->ndim, t->shape, s2, sizeof s2));
    int64_t N = y->shape[0], C = y->shape[1], K = C == 1 ? 2 : C;
    if (classes != K)
        return nb__error(NB_ERR_ARG, "%s: classes is %d but y and t are %s, which hold %lld "
                         "classes", api, classes, nb__shape_fmt(y->ndim, y->shape, s1, sizeof s1),
                         (long long)K);
    memset(counts, 0, sizeof(int64_t) * (size_t)(K * K));
    int64_t hits = 0;
    for (int64_t n = 0; n < N; n++) {
        int64_t i = nb_row_class(t, n, C), j = nb_row_class(y, n, C);
        counts[i * K + j]++;
        hits += i == j;
    }
    if (accuracy)
        *accuracy = (double)hits / (double)N;
    return 0;
}
