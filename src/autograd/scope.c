/* Scopes (nabla/autograd.h): a name that every node recorded while it is
 * set carries, so that a picture of the graph can group the nodes of one
 * model layer.  One name per thread, like the call site (record.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "autograd/graph.h"

static _Thread_local const char *nb_scope_now;

const char *nb_set_scope(const char *name)
{
    const char *prev = nb_scope_now;
    nb_scope_now = name;
    return prev;
}

const char *nb_current_scope(void) { return nb_scope_now; }

const char *nb_node_scope(const nb_node *node) { return node ? nb__node_scope(node) : NULL; }
