/* nb_allclose: torch.allclose for two tensors of one shape.
 *
 * The rule is torch's: |a - b| <= atol + rtol*|b| (not symmetric: b is the
 * reference), with equal_nan = false, so a NaN is never close and an
 * infinity is close only to the same infinity (torch first tests a == b,
 * then the bound, which an infinite difference never meets). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "core/option_check.h"
#include "verify/verify_internal.h"

bool nb_allclose(const nb_tensor *a, const nb_tensor *b, double rtol, double atol)
{
    const char *api = "nb_allclose";
    if (nb__check_tensor(a, api, "a") < 0 || nb__check_tensor(b, api, "b") < 0)
        return false;
    if (!nb_tensor_same_shape(a, b)) {
        char s1[96], s2[96];
        nb__error(NB_ERR_SHAPE, "%s: a is %s but b is %s; the shapes must be equal", api,
                  nb__shape_fmt(a->ndim, a->shape, s1, sizeof s1),
                  nb__shape_fmt(b->ndim, b->shape, s2, sizeof s2));
        return false;
    }
    /* An infinite tolerance would call anything close. */
    if (nb__check_opt(api, "rtol", rtol, 0, INFINITY, "[)") < 0 ||
        nb__check_opt(api, "atol", atol, 0, INFINITY, "[)") < 0)
        return false;
    for (int64_t k = 0; k < a->numel; k++) {
        double x = nb__get(a, k), y = nb__get(b, k);
        if (x == y)
            continue;
        double d = fabs(x - y);
        if (!(isfinite(d) && d <= atol + rtol * fabs(y)))
            return false;
    }
    return true;
}
