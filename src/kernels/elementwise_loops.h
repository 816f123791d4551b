/* The loops of an op file's elementwise ops, for f32 and f64.  The op file
 * lists its ops, then includes this header once:
 *
 *     #define NB_MAPS(X)                                       one input x
 *         X(erf, nb_no_params, erf(x))
 *     #define NB_ZIPS(X)                                       inputs a, b
 *         X(add, nb_no_params, a + b)
 *     #define NB_ZIP3S(X)                                      inputs a, b, c
 *     #include "kernels/elementwise_loops.h"
 *
 * Each row is (name, the op's parameter struct, the result as one
 * expression); the parameters are read as p->field.  An expression is
 * written once for both types: <tgmath.h> names pick the float or double
 * function (erf(x) is erff for a float x) and T is the element type.  Rows
 * become, for SFX = f32 and f64:
 *     static void nb_<name>_map_<SFX>(...)     an nb_map_<SFX>
 *     static void nb_<name>_zip_<SFX>(...)     an nb_zip_<SFX>
 * which the op's descriptor names (.map = {nb_erf_map_f32, nb_erf_map_f64}).
 * The loops are written once in elementwise_tmpl.h and instantiated per type
 * by kernels/instantiate.h, the one template technique of src/kernels. */
#include <stdint.h>
#include <tgmath.h>

#include "kernels/elementwise.h"
#include "kernels/simd.h"

/* An op without parameters names this as its parameter struct. */
#ifndef NB_NO_PARAMS_DEFINED
#define NB_NO_PARAMS_DEFINED
typedef struct nb_no_params {
    char unused;
} nb_no_params;
#endif

#define NB_TMPL "kernels/elementwise_tmpl.h"
#include "kernels/instantiate.h"
