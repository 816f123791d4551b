/* One check for the floating options of an options struct (optimizers,
 * the training loop): a finite number in a range, else one message naming
 * the function, the option, its value and the range.  It lives in core so
 * that optim and train share it without knowing each other's insides. */
#ifndef NB_CORE_OPTION_CHECK_H
#define NB_CORE_OPTION_CHECK_H

#include "core/error_internal.h"

/* Check one floating option (after its default is filled in): 0 when v is a
 * number in lo..hi, whose ends are open or closed as `ends` says ("[)",
 * "(]", "[]", "()"); an infinite end means no bound but v finite.  Else
 * NB_ERR_ARG with "<api>: <name> is <v>; expected <the range>".  Written so
 * that NaN fails every comparison. */
int nb__check_opt(const char *api, const char *name, double v, double lo, double hi,
                  const char *ends);

#endif
