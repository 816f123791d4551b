/* Pass observers: the engine's one call out at the start and end of a
 * backward pass, for tools that act on whole passes without the engine
 * knowing them.  An observer that wants the pass's events installs itself
 * through the public hook (nb_set_backward_hook), so all the engine sees of
 * it is that hook.
 *
 * The engine (backward.c) owns and calls this interface; the teaching tools
 * define it: today its one observer is the NB_TRACE switch of the backward
 * trace (src/teach/trace.c). */
#ifndef NB_AUTOGRAD_PASS_OBSERVERS_H
#define NB_AUTOGRAD_PASS_OBSERVERS_H

#include <stdbool.h>

/* Called by nb_backward and nb_grad once their arguments are checked, before
 * the graph is sorted.  Returns true when an observer started for this pass;
 * then the engine calls nb__pass_observers_end once the pass is over, failed
 * or not.  Sets no error. */
bool nb__pass_observers_begin(void);
void nb__pass_observers_end(void);

#endif
