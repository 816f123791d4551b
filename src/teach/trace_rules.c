/* The table behind trace_rules.h: one line per built-in op that has a
 * simple local rule.  The rules are the ones the ops' backward formulas
 * implement (src/ops); keep them in step when an op changes.  A rule with
 * %c relies on the op's parameter struct being one double (unary_basic.c's
 * nb_scalar_params, unary_math.c's nb_pow_scalar_params). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "teach/trace_rules.h"

static const nb_op_rule nb_rules[] = {
    {"add", "%o = %1 + %2", {"%g", "%g"}, true},
    {"sub", "%o = %1 - %2", {"%g", "-%g"}, true},
    {"mul", "%o = %1 * %2", {"%g * %2", "%g * %1"}, true},
    {"div", "%o = %1 / %2", {"%g / %2", "-%g * %1 / %2²"}, true},
    {"matmul", "%o = %1 @ %2", {"%g @ %2ᵀ", "%1ᵀ @ %g"}, false},
    {"tanh", "%o = tanh(%1)", {"%g * (1 - %o²)"}, true},
    {"sigmoid", "%o = sigmoid(%1)", {"%g * %o * (1 - %o)"}, true},
    {"relu", "%o = relu(%1)", {"%g * (%1 > 0)"}, true},
    {"leaky_relu", "%o = leaky_relu(%1)", {"%g * (%1 > 0 ? 1 : slope)"}, true},
    {"softplus", "%o = log(1 + exp(%1))", {"%g * sigmoid(%1)"}, true},
    {"exp", "%o = exp(%1)", {"%g * %o"}, true},
    {"log", "%o = log(%1)", {"%g / %1"}, true},
    {"sqrt", "%o = sqrt(%1)", {"%g / (2 %o)"}, true},
    {"square", "%o = %1²", {"%g * 2 %1"}, true},
    {"neg", "%o = -%1", {"-%g"}, true},
    {"abs", "%o = |%1|", {"%g * sign(%1)"}, true},
    {"sin", "%o = sin(%1)", {"%g * cos(%1)"}, true},
    {"cos", "%o = cos(%1)", {"-%g * sin(%1)"}, true},
    {"erf", "%o = erf(%1)", {"%g * 2/sqrt(pi) exp(-%1²)"}, true},
    {"add_scalar", "%o = %1 + %c", {"%g"}, true},
    {"mul_scalar", "%o = %c * %1", {"%c * %g"}, true},
    {"pow_scalar", "%o = %1^%c", {"%g * %c %1^(%c - 1)"}, true},
    {"pow", "%o = %1^%2", {"%g * %2 %1^(%2-1)", "%g * %o log(%1)"}, true},
    {"maximum", "%o = max(%1, %2)", {"%g * (%1 >= %2)", "%g * (%2 > %1)"}, true},
    {"minimum", "%o = min(%1, %2)", {"%g * (%1 <= %2)", "%g * (%2 < %1)"}, true},
    {"sum", "%o = sum(%1)", {"%g, copied to every summed element"}, false},
    {"mean", "%o = mean(%1)", {"%g / n, copied to every averaged element"}, false},
    {"reshape", "%o = reshape(%1)", {"%g, reshaped back"}, false},
};

const nb_op_rule *nb__op_rule(const char *op)
{
    if (!op)
        return NULL;
    for (size_t i = 0; i < sizeof nb_rules / sizeof *nb_rules; i++)
        if (strcmp(nb_rules[i].op, op) == 0)
            return &nb_rules[i];
    return NULL;
}

char *nb__rule_expand(const char *tmpl, const char *const names[4], const char *g, const char *c,
                      char *buf, size_t n)
{
    size_t len = 0;
    if (n == 0)
        return buf;
    for (const char *s = tmpl; *s && len + 1 < n; s++) {
        char k = s[0] == '%' ? s[1] : '\0';
        bool named = k == 'o' || k == 'g' || k == 'c' || (k >= '1' && k <= '3');
        if (!named) {
            buf[len++] = *s;
            continue;
        }
        const char *put = k == 'o' ? names[0] : k == 'g' ? g : k == 'c' ? c : names[k - '0'];
        for (put = put ? put : "?"; *put && len + 1 < n; put++)
            buf[len++] = *put;
        s++; /* the letter after '%' */
    }
    buf[len] = '\0';
    return buf;
}
