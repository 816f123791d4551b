/* The dense linear algebra of Levenberg–Marquardt, in f64: J'v from the
 * Jacobian, J'J and J'e as double-double sums for a run across processes
 * (in one process J'J is a GEMM, in trainlm.c), a Cholesky factorisation of
 * the damped system and its solve, and the trace of the inverse trainbr
 * needs.  The system is a few hundred rows, so plain loops (over the
 * lower triangle, rows contiguous) are enough next to the Jacobian's cost. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "train/train_internal.h"

void nb__lm_jt(const double *J, const double *v, int64_t rows, int64_t P, double *out)
{
    memset(out, 0, sizeof *out * (size_t)P);
    for (int64_t r = 0; r < rows; r++) { /* by rows of J: contiguous, vectorisable */
        const double *row = J + r * P;
        double vr = v[r];
        for (int64_t i = 0; i < P; i++)
            out[i] += row[i] * vr;
    }
}

void nb__lm_normal(const double *J, const double *e, int64_t rows, int64_t P, double *jj,
                   double *je, double *jj_lo, double *je_lo)
{
    memset(jj, 0, sizeof *jj * (size_t)(P * P));
    memset(je, 0, sizeof *je * (size_t)P);
    memset(jj_lo, 0, sizeof *jj_lo * (size_t)(P * P));
    memset(je_lo, 0, sizeof *je_lo * (size_t)P);
    /* Double-double sums (Knuth's two-sum: hi + lo holds the sum of the
     * rounded products to ~1e-32), so that the rounded result does not
     * depend on the order of the rows: J'J summed over processes, each its
     * own rows, then equals J'J of one process (a plain sum's rounding,
     * amplified by the damped solve's condition, moved LM's weights by
     * 1e-10 in 8 epochs). */
    for (int64_t r = 0; r < rows; r++) {
        const double *row = J + r * P;
        double er = e[r];
        for (int64_t i = 0; i < P; i++) {
            double ji = row[i];
            if (ji == 0.0)
                continue;
            double p = ji * er, t = je[i] + p, bp = t - je[i];
            je_lo[i] += (je[i] - (t - bp)) + (p - bp);
            je[i] = t;
            double *restrict hi = jj + i * P, *restrict lo = jj_lo + i * P;
            for (int64_t k = 0; k <= i; k++) {
                double q = ji * row[k], u = hi[k] + q, bq = u - hi[k];
                lo[k] += (hi[k] - (u - bq)) + (q - bq);
                hi[k] = u;
            }
        }
    }
    for (int64_t i = 0; i < P; i++) /* mirror the lower triangle */
        for (int64_t k = 0; k < i; k++) {
            jj[k * P + i] = jj[i * P + k];
            jj_lo[k * P + i] = jj_lo[i * P + k];
        }
}

void nb__lm_round(double *hi, const double *lo, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        hi[i] += lo[i];
}

int64_t nb__cholesky(double *A, int64_t P)
{
    for (int64_t j = 0; j < P; j++) {
        double *aj = A + j * P;
        double d = aj[j];
        for (int64_t k = 0; k < j; k++)
            d -= aj[k] * aj[k];
        if (!(d > 0.0) || !isfinite(d))
            return j;
        d = sqrt(d);
        aj[j] = d;
        int64_t i = j + 1;
        /* four rows at a time: four independent sums (each in the same order
         * as one row alone, so the result is the same) that share aj's loads */
        for (; i + 3 < P; i += 4) {
            double *a0 = A + i * P, *a1 = a0 + P, *a2 = a1 + P, *a3 = a2 + P;
            double s0 = a0[j], s1 = a1[j], s2 = a2[j], s3 = a3[j];
            for (int64_t k = 0; k < j; k++) {
                double v = aj[k];
                s0 -= a0[k] * v;
                s1 -= a1[k] * v;
                s2 -= a2[k] * v;
                s3 -= a3[k] * v;
            }
            a0[j] = s0 / d;
            a1[j] = s1 / d;
            a2[j] = s2 / d;
            a3[j] = s3 / d;
        }
        for (; i < P; i++) {
            double *ai = A + i * P;
            double s = ai[j];
            for (int64_t k = 0; k < j; k++)
                s -= ai[k] * aj[k];
            ai[j] = s / d;
        }
    }
    return -1;
}

void nb__cholesky_solve(const double *L, int64_t P, const double *b, double *x)
{
    for (int64_t i = 0; i < P; i++) { /* L y = b */
        double s = b[i];
        const double *li = L + i * P;
        for (int64_t k = 0; k < i; k++)
            s -= li[k] * x[k];
        x[i] = s / li[i];
    }
    for (int64_t i = P - 1; i >= 0; i--) { /* L' x = y */
        double s = x[i];
        for (int64_t k = i + 1; k < P; k++)
            s -= L[k * P + i] * x[k];
        x[i] = s / L[i * P + i];
    }
}

double nb__cholesky_trace_inv(const double *L, int64_t P, double *work)
{
    /* tr(A^-1) = ||L^-1||_F^2: column i of L^-1 by forward substitution */
    double t = 0;
    for (int64_t i = 0; i < P; i++) {
        for (int64_t r = 0; r < i; r++)
            work[r] = 0;
        for (int64_t r = i; r < P; r++) {
            double s = r == i ? 1.0 : 0.0;
            const double *lr = L + r * P;
            for (int64_t k = i; k < r; k++)
                s -= lr[k] * work[k];
            work[r] = s / lr[r];
            t += work[r] * work[r];
        }
    }
    return t;
}
