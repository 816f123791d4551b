/* The thread-local error state: one status and one message per thread. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error_internal.h"

enum { NB_ERROR_MAX = 1024 };

static _Thread_local nb_status nb_err_status = NB_OK;
static _Thread_local char nb_err_message[NB_ERROR_MAX];

const char *nb_last_error(void) { return nb_err_message; }

nb_status nb_last_status(void) { return nb_err_status; }

void nb_clear_error(void)
{
    nb_err_status = NB_OK;
    nb_err_message[0] = '\0';
}

int nb__error(nb_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nb_err_message, sizeof nb_err_message, fmt, ap);
    va_end(ap);
    nb_err_status = status;
    return status;
}

int nb__error_context(const char *api, const char *fmt, ...)
{
    size_t n = strlen(api);
    if (strncmp(nb_err_message, api, n) == 0 && nb_err_message[n] == ':')
        return nb_err_status;
    char old[NB_ERROR_MAX], ctx[128];
    memcpy(old, nb_err_message, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    /* a message too long is cut at the end, where the old text is least telling */
    int k = snprintf(nb_err_message, sizeof nb_err_message, "%s: %s: ", api, ctx);
    if (k > 0 && (size_t)k < sizeof nb_err_message) {
        size_t room = sizeof nb_err_message - (size_t)k - 1, len = strlen(old);
        memcpy(nb_err_message + k, old, len < room ? len : room);
        nb_err_message[k + (len < room ? len : room)] = '\0';
    }
    return nb_err_status;
}

int nb__error_pending(void) { return nb_err_status != NB_OK; }

int nb__null_input(const char *op, const char *what)
{
    if (nb_err_status == NB_OK)
        nb__error(NB_ERR_NULL, "%s: %s is NULL", op, what);
    return NB_ERR_NULL;
}

const char *nb_status_name(nb_status status)
{
    switch (status) {
    case NB_OK: return "ok";
    case NB_ERR_NULL: return "NULL argument";
    case NB_ERR_SHAPE: return "shape mismatch";
    case NB_ERR_DTYPE: return "dtype mismatch";
    case NB_ERR_ARG: return "bad argument";
    case NB_ERR_NOMEM: return "out of memory";
    case NB_ERR_IO: return "I/O error";
    case NB_ERR_FORMAT: return "malformed data";
    case NB_ERR_STATE: return "invalid state";
    case NB_ERR_GRAD: return "gradient error";
    case NB_ERR_NUMERIC: return "NaN or Inf";
    case NB_ERR_MISMATCH: return "values differ";
    }
    return "unknown status";
}
