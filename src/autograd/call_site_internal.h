/* Private glue between recording (record.c) and the code that runs ops on a
 * node's behalf: the engine, custom ops, anomaly mode.  Kept out of graph.h
 * so that the op contract stays as small as it is. */
#ifndef NB_AUTOGRAD_CALL_SITE_INTERNAL_H
#define NB_AUTOGRAD_CALL_SITE_INTERNAL_H

/* The call site that the next recorded node will carry (record.c).  A custom
 * op reads it before running the user's forward (whose own ops overwrite it)
 * and restores it before its node is recorded. */
void nb__get_call_site(const char **file, int *line);

#endif
