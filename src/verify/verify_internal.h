/* Helpers shared by the verification tools: argument checks, calling the
 * user's function, and the finite-difference core behind nb_gradcheck and
 * nb_gradgradcheck. */
#ifndef NB_VERIFY_INTERNAL_H
#define NB_VERIFY_INTERNAL_H

#include "autograd/graph.h"
#include "nabla/verify.h"

/* Check fn, the inputs array, n_inputs and every input; records a message
 * naming `api` and returns a negative status on the first problem. */
int nb__vf_check_args(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs);

/* Call fn with grad mode set to `grad_on` (restored afterwards).  A NULL
 * result keeps fn's own message (or records one saying fn gave none); an
 * invalid result is reported.  Results go to the current arena. */
nb_tensor *nb__vf_call(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs, void *ctx,
                       bool grad_on);

/* *out = opts with the documented defaults filled in (opts may be NULL);
 * NB_OK, or NB_ERR_ARG naming `api` and the option when eps is not a finite
 * number > 0 or atol/rtol is not a finite number >= 0 (0 means default). */
int nb__vf_opts(const char *api, const nb_gradcheck_opts *opts, nb_gradcheck_opts *out);

/* A result with nothing checked yet. */
void nb__vf_result_init(nb_gradcheck_result *r);

/* The start nb_gradcheck and nb_gradgradcheck share: r reset, fn and the
 * inputs checked, opts (may be NULL) checked into *o with the defaults
 * filled.  Returns NB_OK or the failure's status, with its message. */
int nb__vf_begin(const char *api, nb_fn fn, nb_tensor *const *inputs, int n_inputs,
                 const nb_gradcheck_opts *opts, nb_gradcheck_opts *o, nb_gradcheck_result *r);

/* "[1,2]" for flat index i of a tensor of this shape. */
char *nb__vf_index_fmt(int ndim, const int64_t *shape, int64_t i, char *buf, size_t size);

/* Write the f32 warning to opts->report when an input to check is f32. */
void nb__vf_warn_f32(const char *api, const nb_gradcheck_opts *o, nb_tensor *const *inputs,
                     int n_inputs);

/* The comparison rule: true when |a - n| <= atol + rtol*|n| (NaN fails).
 * *ratio gets |a - n| / tolerance (INFINITY for non-finite values). */
bool nb__vf_close(double analytic, double numeric, const nb_gradcheck_opts *o, double *ratio);

/* The core of nb_gradcheck (opts already defaulted): fills r (message
 * left empty), writes failing entries to o->report under the heading
 * `out_name` ("output", or a description of the function's output), and
 * returns NB_OK whether or not entries agree, or a negative status (with a
 * message) when fn fails or the arguments are wrong. */
int nb__vf_gradcheck_core(const char *api, const char *out_name, nb_fn fn, nb_tensor *const *inputs,
                          int n_inputs, void *ctx, const nb_gradcheck_opts *o,
                          nb_gradcheck_result *r);

/* Turn a finished check into the public answer: r->message (which holds
 * the worst entry's description) becomes the one-line summary; a failure
 * is recorded as an NB_ERR_GRAD error and written to o->report. */
int nb__vf_finish(const char *api, const nb_gradcheck_opts *o, nb_gradcheck_result *r);

#endif
