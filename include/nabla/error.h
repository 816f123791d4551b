/* nabla/error.h — status codes and the thread-local error message.
 *
 * A failing call returns NULL (functions returning pointers) or a negative
 * nb_status (functions returning int) and records one message saying what
 * went wrong, in which op, with which shapes.  Ops given a NULL input return
 * NULL without replacing the first message ("sticky" errors), so a whole
 * expression can be checked once at its end.
 */
#ifndef NABLA_ERROR_H
#define NABLA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: 0 is success, every failure is negative. */
typedef enum nb_status {
    NB_OK = 0,
    NB_ERR_NULL = -1,      /* a required argument was NULL */
    NB_ERR_SHAPE = -2,     /* shapes do not fit the op */
    NB_ERR_DTYPE = -3,     /* dtypes differ or are unsupported */
    NB_ERR_ARG = -4,       /* an argument is out of range (axis, size, option) */
    NB_ERR_NOMEM = -5,     /* an allocation failed */
    NB_ERR_IO = -6,        /* a file could not be read or written */
    NB_ERR_FORMAT = -7,    /* a file's contents are malformed */
    NB_ERR_STATE = -8,     /* the call is not valid now (no arena, stale tensor, modified saved tensor) */
    NB_ERR_GRAD = -9,      /* the graph cannot give the asked-for gradient */
    NB_ERR_NUMERIC = -10,  /* a NaN or Inf was found (anomaly mode, gradcheck) */
    NB_ERR_MISMATCH = -11  /* values checked against a reference differ (nb_check_grad) */
} nb_status;

/* The message of the last failure on this thread, or "" when none.
 * The string is owned by nabla and valid until the next failing call. */
const char *nb_last_error(void);

/* The status of the last failure on this thread (NB_OK when none). */
nb_status nb_last_status(void);

/* Forget the last failure on this thread. */
void nb_clear_error(void);

/* Short name of a status code ("shape mismatch", ...); never NULL. */
const char *nb_status_name(nb_status status);

#ifdef __cplusplus
}
#endif
#endif
