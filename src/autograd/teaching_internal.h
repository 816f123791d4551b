/* Private glue between recording (record.c) and the code that runs ops on a
 * node's behalf: the engine, custom ops, anomaly mode.  Kept out of graph.h
 * so that the op contract stays as small as it is. */
#ifndef NB_AUTOGRAD_TEACHING_INTERNAL_H
#define NB_AUTOGRAD_TEACHING_INTERNAL_H

#include <stdbool.h>

/* The call site that the next recorded node will carry (record.c).  A custom
 * op reads it before running the user's forward (whose own ops overwrite it)
 * and restores it before its node is recorded. */
void nb__get_call_site(const char **file, int *line);

struct nb_op;
/* True for the descriptor of an op made by nb_custom_op_define (custom_op.c):
 * the trace shows no built-in rule for it, even when its name is a built-in
 * op's (a user's "softplus" may have a wrong backward). */
bool nb__is_custom_op(const struct nb_op *op);

#endif
