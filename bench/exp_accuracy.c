/* The accuracy of the f32 exp, log and sigmoid kernels (kernels/exp.c) over
 * every one of the 2^32 float bit patterns, for the portable loop and, where
 * the CPU has them, the AVX2+FMA loop, against double-precision libm.  Prints
 * the worst error in ulps (the spacing of floats at the correctly rounded
 * result) with its input, and the number of results that are not the
 * correctly rounded one; exits 1 when a bound is broken (exp and log 1 ulp,
 * sigmoid 3) or a special value is wrong.  A long run (minutes per
 * function): `make exp-accuracy` in the build folder.
 *
 * Usage: exp_accuracy [exp|log|sigmoid ...]   (all three without arguments) */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernels/exp.h"

#define CHUNK 65536

static double ref_exp(double x) { return exp(x); }
static double ref_log(double x) { return log(x); }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* |got - ref| in ulps of the float nearest ref; exact agreement on the
 * special results (NaN, inf) or an infinite error. */
static double ulp_error(float got, double ref)
{
    if (isnan(ref))
        return isnan(got) ? 0 : INFINITY;
    float r = (float)ref;
    if (isinf(r) || isinf(got) || isnan(got))
        return got == r ? 0 : INFINITY;
    float a = fabsf(r);
    double spacing = a == FLT_MAX ? 0x1p104 : (double)nextafterf(a, INFINITY) - (double)a;
    return fabs((double)got - ref) / spacing;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"exp", "log", "sigmoid"};
    static double (*const refs[])(double) = {ref_exp, ref_log, ref_sigmoid};
    static const double bound[] = {1.0, 1.0, 3.0};
    static float in[CHUNK], out[CHUNK];
    int status = 0;
    for (int f = 0; f < 3; f++) {
        int wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= !strcmp(argv[a], names[f]);
        if (!wanted)
            continue;
        for (int fused = 0; fused < 2; fused++) {
            if (fused && !nb_k_fast_has_fma()) {
                printf("%-7s avx2+fma: not run (this CPU has no AVX2 and FMA)\n", names[f]);
                continue;
            }
            double worst = 0;
            float worst_x = 0;
            uint64_t not_rounded = 0;
            for (uint64_t b = 0; b < ((uint64_t)1 << 32); b += CHUNK) {
                for (int i = 0; i < CHUNK; i++) {
                    uint32_t bits = (uint32_t)(b + (uint64_t)i);
                    memcpy(&in[i], &bits, sizeof bits);
                }
                nb_k_fast_f32_variant((nb_k_fast_fn)f, fused, CHUNK, in, out);
                for (int i = 0; i < CHUNK; i++) {
                    double ref = refs[f]((double)in[i]);
                    double e = ulp_error(out[i], ref);
                    if (e > worst || (e != e)) {
                        worst = e;
                        worst_x = in[i];
                    }
                    float rr = (float)ref;
                    not_rounded += !(out[i] == rr || (isnan(out[i]) && isnan(rr)));
                }
            }
            int ok = worst <= bound[f];
            printf("%-7s %-8s max error %.4f ulp at x = %a (%.9g); %llu of 2^32 results not "
                   "correctly rounded; %s (bound %.0f ulp)\n", names[f],
                   fused ? "avx2+fma" : "portable", worst, (double)worst_x, (double)worst_x,
                   (unsigned long long)not_rounded, ok ? "ok" : "FAILED", bound[f]);
            fflush(stdout);
            status |= !ok;
        }
    }
    return status;
}
