/* Argument checks shared by ops. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ops/op_util.h"

int nb__broadcast_shapes(const char *op, int na, const int64_t *sa, int nb, const int64_t *sb,
                         int *out_ndim, int64_t *out_shape)
{
    int n = na > nb ? na : nb;
    for (int o = n - 1; o >= 0; o--) {
        int ia = o - (n - na), ib = o - (n - nb);
        int64_t da = ia >= 0 ? sa[ia] : 1, db = ib >= 0 ? sb[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char s1[96], s2[96];
            return nb__error(NB_ERR_SHAPE,
                             "%s: shapes %s and %s do not broadcast (axis %d: %lld vs %lld; "
                             "each axis must match or be 1)",
                             op, nb__shape_fmt(na, sa, s1, sizeof s1), nb__shape_fmt(nb, sb, s2, sizeof s2),
                             o - n, (long long)da, (long long)db);
        }
        out_shape[o] = da == 1 ? db : da;
    }
    *out_ndim = n;
    return 0;
}

int nb__norm_axis(const char *op, int axis, int ndim, int *out)
{
    int a = axis < 0 ? axis + ndim : axis;
    if (ndim == 0)
        return nb__error(NB_ERR_ARG, "%s: axis %d given for a 0-d tensor (a scalar has no axes)",
                         op, axis);
    if (a < 0 || a >= ndim)
        return nb__error(NB_ERR_ARG, "%s: axis %d is out of range for a %d-d tensor (valid: %d..%d)",
                         op, axis, ndim, -ndim, ndim - 1);
    *out = a;
    return 0;
}

int nb__check_op_inputs(const char *op, nb_tensor *const *in, int n)
{
    int rc = nb__check_inputs(op, in, n);
    if (rc == 0)
        rc = nb__check_same_dtype(op, in, n);
    return rc;
}
