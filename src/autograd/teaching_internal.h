/* Private glue between the engine and the teaching tools (trace, custom ops).
 * Kept out of graph.h so that the op contract stays as small as it is. */
#ifndef NB_AUTOGRAD_TEACHING_INTERNAL_H
#define NB_AUTOGRAD_TEACHING_INTERNAL_H

#include <stdbool.h>

/* The call site that the next recorded node will carry (record.c).  A custom
 * op reads it before running the user's forward (whose own ops overwrite it)
 * and restores it before its node is recorded. */
void nb__get_call_site(const char **file, int *line);

/* NB_TRACE=1 in the environment: start the backward trace on stderr for one
 * pass.  Returns true when it started (then call nb__trace_env_stop). */
bool nb__trace_env_start(void);
void nb__trace_env_stop(void);

#endif
