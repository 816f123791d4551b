/* The check shared by every path that takes class labels or indices. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>

#include "core/index_check.h"

int nb__check_index_values(const nb__index_desc *d, const nb_tensor *t, int64_t limit)
{
    for (int64_t r = 0; r < t->numel; r++) {
        double v = nb__get(t, r);
        /* written so that NaN fails: it is neither integral nor in range */
        int integral = isfinite(v) && v == floor(v);
        if (integral && v >= 0 && v < (double)limit)
            continue;
        char valid[64], got[32];
        if (limit > 0)
            snprintf(valid, sizeof valid, "valid 0..%lld", (long long)limit - 1);
        else
            snprintf(valid, sizeof valid, "there are no %s", d->noun);
        /* NaN prints as "nan" whatever its sign bit */
        if (isnan(v))
            snprintf(got, sizeof got, "nan");
        else
            snprintf(got, sizeof got, "%g", v);
        const char *src = d->source ? d->source : "", *sep = d->source ? ": " : "";
        if (!integral)
            return nb__error(d->status, "%s: %s%s%s %s in %s %lld is not an integer (%s)", d->op,
                             src, sep, d->item, got, d->pos, (long long)r, valid);
        return nb__error(d->status, "%s: %s%s%s %s in %s %lld is out of range for %lld %s (%s)",
                         d->op, src, sep, d->item, got, d->pos, (long long)r, (long long)limit,
                         d->noun, valid);
    }
    return 0;
}
