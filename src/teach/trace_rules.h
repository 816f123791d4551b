/* The local rule of each built-in op, in words, for the teaching tools (the
 * backward trace and the DOT picture): the forward formula and, per input,
 * the expression of the gradient it receives.  Templates use %o for the
 * output's name, %1..%3 for the inputs' names, %g for the gradient
 * arriving at the output and %c for the op's scalar parameter (ops whose
 * parameter struct is one double: add_scalar, mul_scalar, pow_scalar);
 * nb__rule_expand fills them in. */
#ifndef NB_AUTOGRAD_TRACE_RULES_H
#define NB_AUTOGRAD_TRACE_RULES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nb_op_rule {
    const char *op;          /* the op's name, as nb_node_op_name gives it */
    const char *forward;     /* e.g. "%o = tanh(%1)" */
    const char *grad[3];     /* e.g. "%g * (1 - %o²)"; NULL past the last input */
    bool elementwise;        /* broadcast inputs get their gradient summed down */
} nb_op_rule;

/* The rule of the op named `op`, or NULL for ops without one (custom ops,
 * structural ops whose gradient is a rearrangement). */
const nb_op_rule *nb__op_rule(const char *op);

/* Write `tmpl` into buf (size n, always terminated when n > 0) with %o, %1,
 * %2, %3, %g and %c replaced by names[0], names[1..3], `g` and `c`; a NULL
 * name becomes "?".  Returns buf. */
char *nb__rule_expand(const char *tmpl, const char *const names[4], const char *g, const char *c,
                      char *buf, size_t n);

#endif
