/* The range check of floating options (core/option_check.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/option_check.h"

int nb__check_opt(const char *api, const char *name, double v, double lo, double hi,
                  const char *ends)
{
    bool lo_open = ends[0] == '(', hi_open = ends[1] == ')';
    /* each test is true for a good value, so NaN fails them */
    bool ok = isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok)
        return 0;
    char want[96];
    if (isinf(lo) && isinf(hi))
        snprintf(want, sizeof want, "a finite number");
    else if (isinf(hi))
        snprintf(want, sizeof want, "a finite number %s %g", lo_open ? ">" : ">=", lo);
    else if (isinf(lo))
        snprintf(want, sizeof want, "a finite number %s %g", hi_open ? "<" : "<=", hi);
    else
        snprintf(want, sizeof want, "a number in %c%g, %g%c", ends[0], lo, hi, ends[1]);
    /* NaN prints as "nan" whatever its sign bit (0.0 / 0.0 gives -nan on x86) */
    char got[32];
    if (isnan(v))
        snprintf(got, sizeof got, "nan");
    else
        snprintf(got, sizeof got, "%g", v);
    return nb__error(NB_ERR_ARG, "%s: %s is %s; expected %s", api, name, got, want);
}
