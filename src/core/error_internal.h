/* Internal error helpers: record the thread's one error message. */
#ifndef NB_CORE_ERROR_INTERNAL_H
#define NB_CORE_ERROR_INTERNAL_H

#include "nabla/error.h"

/* Record status + a printf-style message; returns `status` so callers can
 * `return nb__error(NB_ERR_SHAPE, "...")`. */
int nb__error(nb_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when a failure is already recorded (sticky-error checks). */
int nb__error_pending(void);

/* For ops given a NULL input: keep the first message if one is recorded,
 * otherwise record "<op>: <what> is NULL".  Always returns NB_ERR_NULL. */
int nb__null_input(const char *op, const char *what);

#endif
