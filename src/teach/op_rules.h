/* The local rule of each built-in op, for the teaching views: one row per
 * op that both the backward trace and the backward-pass page read, each
 * taking the part it shows.
 *
 * The trace's part is text: the forward formula and, per input, the
 * expression of the gradient it receives.  Templates use %o for the
 * output's name, %1..%3 for the inputs' names, %g for the gradient
 * arriving at the output and %c for the op's scalar parameter (ops whose
 * parameter struct is one double: add_scalar, mul_scalar, pow_scalar);
 * nb__rule_expand fills them in.
 *
 * The page's part is the rule in words and, for small tensors, in numbers
 * (how the page computes them is `page_numbers`; an elementwise op of one
 * input gives its derivative from the forward values in `deriv`).  A row
 * may leave either part empty: the view then shows no rule (the trace) or
 * a general sentence (the page). */
#ifndef NB_TEACH_OP_RULES_H
#define NB_TEACH_OP_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "nabla/autograd.h" /* nb_node */

/* What the page writes after (or instead of) a row's words. */
typedef enum nb_rule_numbers {
    NB_RULE_WORDS,   /* the words alone; for an elementwise op, a sentence on
                        broadcast inputs when one was broadcast */
    NB_RULE_DERIV,   /* one input: the derivative deriv(x, y) per element */
    NB_RULE_CONST,   /* one input: deriv is one constant, written once */
    NB_RULE_RATIO,   /* one input: deriv is y / x, a constant c read off the
                        values (mul_scalar, whose c the page cannot see) */
    NB_RULE_MATMUL,  /* two matrices: the words and one entry of each sum
                        written out, by the page's own code */
    NB_RULE_MEAN,    /* the words with n, by the page's own code */
} nb_rule_numbers;

typedef struct nb_op_rule {
    const char *op;          /* the op's name, as nb_node_op_name gives it */
    /* the trace */
    const char *forward;     /* e.g. "%o = tanh(%1)"; NULL: no rule in the trace */
    const char *grad[3];     /* e.g. "%g * (1 - %o²)"; NULL past the last input */
    bool elementwise;        /* broadcast inputs get their gradient summed down */
    /* the page */
    const char *words;       /* e.g. "tanh: ∂t/∂e = 1 − t² ..." (HTML); NULL: the
                                general sentence, unless page_numbers writes its own */
    nb_rule_numbers page_numbers;
    double (*deriv)(double x, double y); /* DERIV, CONST, RATIO: from input x, output y */
} nb_op_rule;

/* The row of node's op, or NULL for ops without one (structural ops whose
 * gradient is a rearrangement) and for custom ops, even one named like a
 * built-in op: its backward is the user's. */
const nb_op_rule *nb__node_rule(const nb_node *node);

/* Write `tmpl` into buf (size n, always terminated when n > 0) with %o, %1,
 * %2, %3, %g and %c replaced by names[0], names[1..3], `g` and `c`; a NULL
 * name becomes "?".  Returns buf. */
char *nb__rule_expand(const char *tmpl, const char *const names[4], const char *g, const char *c,
                      char *buf, size_t n);

#endif
