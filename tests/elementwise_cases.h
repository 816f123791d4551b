/* The elementwise ops under test, as tables shared by the forward/error
 * suite and the gradient suite: each unary and binary op with its closed
 * form, its derivative, a domain away from kinks and poles, and values
 * worked out by hand. */
#ifndef NB_TESTS_ELEMENTWISE_CASES_H
#define NB_TESTS_ELEMENTWISE_CASES_H

#include <stdbool.h>

#include "test_util.h"

/* ---- unary ---- */

typedef nb_tensor *(*un_fn)(nb_tensor *);

typedef struct un_case {
    const char *name;    /* for failure messages */
    const char *errname; /* the op name its error messages use */
    un_fn fn;
    double (*ref)(double);  /* the function, closed form */
    double (*dref)(double); /* its derivative, closed form */
    double lo, hi;          /* sample domain */
    int nkinks;
    double kinks[2];        /* samples are moved away from these */
    bool extreme_finite;    /* finite value and gradient at +-800 */
    int nhand;
    double hx[3], hy[3];    /* hand-computed values */
} un_case;

/* fixed-parameter wrappers */
static nb_tensor *w_add_scalar(nb_tensor *x) { return nb_add_scalar(x, 2.5); }
static nb_tensor *w_mul_scalar(nb_tensor *x) { return nb_mul_scalar(x, -3.0); }
static nb_tensor *w_pow3(nb_tensor *x) { return nb_pow_scalar(x, 3.0); }
static nb_tensor *w_pow_m15(nb_tensor *x) { return nb_pow_scalar(x, -1.5); }
static nb_tensor *w_pow2(nb_tensor *x) { return nb_pow_scalar(x, 2.0); }
static nb_tensor *w_leaky(nb_tensor *x) { return nb_leaky_relu(x, 0.1); }
static nb_tensor *w_clamp(nb_tensor *x) { return nb_clamp(x, -0.5, 0.7); }

static double r_neg(double x) { return -x; }
static double d_neg(double x) { (void)x; return -1; }
static double r_square(double x) { return x * x; }
static double d_square(double x) { return 2 * x; }
static double r_tanh(double x) { return tanh(x); }
static double d_tanh(double x) { return 1 - tanh(x) * tanh(x); }
static double r_add_scalar(double x) { return x + 2.5; }
static double d_one(double x) { (void)x; return 1; }
static double r_mul_scalar(double x) { return -3 * x; }
static double d_mul_scalar(double x) { (void)x; return -3; }
static double r_exp(double x) { return exp(x); }
static double r_log(double x) { return log(x); }
static double d_log(double x) { return 1 / x; }
static double r_sqrt(double x) { return sqrt(x); }
static double d_sqrt(double x) { return 0.5 / sqrt(x); }
static double r_abs(double x) { return fabs(x); }
static double d_abs(double x) { return x > 0 ? 1 : -1; }
static double r_pow3(double x) { return x * x * x; }
static double d_pow3(double x) { return 3 * x * x; }
static double r_pow_m15(double x) { return 1 / (x * sqrt(x)); }
static double d_pow_m15(double x) { return -1.5 / (x * x * sqrt(x)); }
static double r_sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double d_sigmoid(double x) { return r_sigmoid(x) * (1 - r_sigmoid(x)); }
static double r_relu(double x) { return x > 0 ? x : 0; }
static double d_relu(double x) { return x > 0 ? 1 : 0; }
static double r_leaky(double x) { return x > 0 ? x : 0.1 * x; }
static double d_leaky(double x) { return x > 0 ? 1 : 0.1; }
static double r_softplus(double x) { return log(1 + exp(x)); }
static double r_sin(double x) { return sin(x); }
static double r_cos(double x) { return cos(x); }
static double d_cos(double x) { return -sin(x); }
static double r_erf(double x) { return erf(x); }
static double d_erf(double x) { return 1.12837916709551257390 * exp(-x * x); } /* 2/sqrt(pi) e^-x² */
static double r_clamp(double x) { return x < -0.5 ? -0.5 : x > 0.7 ? 0.7 : x; }
static double d_clamp(double x) { return x < -0.5 || x > 0.7 ? 0 : 1; }

#define LN2 0.69314718055994530942
#define LN3 1.09861228866810969140
#define PI 3.14159265358979323846

static const un_case un_cases[] = {
    {"neg", "neg", nb_neg, r_neg, d_neg, -2, 2, 0, {0}, true, 3, {2, -0.5, 0}, {-2, 0.5, 0}},
    {"square", "square", nb_square, r_square, d_square, -2, 2, 0, {0}, true, 3, {3, -1.5, 0},
     {9, 2.25, 0}},
    /* tanh(ln 2) = (4-1)/(4+1), tanh(-ln 3) = -(9-1)/(9+1) */
    {"tanh", "tanh", nb_tanh, r_tanh, d_tanh, -3, 3, 0, {0}, true, 3, {0, LN2, -LN3},
     {0, 0.6, -0.8}},
    {"add_scalar", "add_scalar", w_add_scalar, r_add_scalar, d_one, -2, 2, 0, {0}, true, 3,
     {1, -2.5, 0}, {3.5, 0, 2.5}},
    {"mul_scalar", "mul_scalar", w_mul_scalar, r_mul_scalar, d_mul_scalar, -2, 2, 0, {0}, true, 3,
     {2, -0.5, 0}, {-6, 1.5, 0}},
    {"exp", "exp", nb_exp, r_exp, r_exp, -2, 2, 0, {0}, false, 3, {0, 1, LN2},
     {1, 2.71828182845904523536, 2}},
    {"log", "log", nb_log, r_log, d_log, 0.2, 3, 0, {0}, false, 3,
     {1, 2.71828182845904523536, 0.25}, {0, 1, -2 * LN2}},
    {"sqrt", "sqrt", nb_sqrt, r_sqrt, d_sqrt, 0.2, 3, 0, {0}, false, 3, {4, 0.25, 2},
     {2, 0.5, 1.41421356237309504880}},
    {"abs", "abs", nb_abs, r_abs, d_abs, -2, 2, 1, {0}, true, 3, {-3, 2.5, 0}, {3, 2.5, 0}},
    {"pow_scalar(3)", "pow_scalar", w_pow3, r_pow3, d_pow3, -2, 2, 0, {0}, true, 3,
     {2, -1.5, 0.5}, {8, -3.375, 0.125}},
    {"pow_scalar(-1.5)", "pow_scalar", w_pow_m15, r_pow_m15, d_pow_m15, 0.3, 2, 0, {0}, false, 3,
     {4, 1, 0.25}, {0.125, 1, 8}},
    {"pow_scalar(2)", "pow_scalar", w_pow2, r_square, d_square, -2, 2, 0, {0}, true, 3,
     {3, -1.5, 0}, {9, 2.25, 0}},
    /* sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4 */
    {"sigmoid", "sigmoid", nb_sigmoid, r_sigmoid, d_sigmoid, -4, 4, 0, {0}, true, 3,
     {0, LN3, -LN3}, {0.5, 0.75, 0.25}},
    {"relu", "relu", nb_relu, r_relu, d_relu, -2, 2, 1, {0}, true, 3, {-2, 3, 0.5}, {0, 3, 0.5}},
    {"leaky_relu(0.1)", "leaky_relu", w_leaky, r_leaky, d_leaky, -2, 2, 1, {0}, true, 3,
     {-2, 3, -0.5}, {-0.2, 3, -0.05}},
    /* softplus(±ln 3) = ln 4, ln(4/3) */
    {"softplus", "softplus", nb_softplus, r_softplus, r_sigmoid, -4, 4, 0, {0}, true, 3,
     {0, LN3, -LN3}, {LN2, 2 * LN2, 2 * LN2 - LN3}},
    {"sin", "sin", nb_sin, r_sin, r_cos, -3, 3, 0, {0}, true, 3, {0, PI / 2, PI / 6}, {0, 1, 0.5}},
    {"cos", "cos", nb_cos, r_cos, d_cos, -3, 3, 0, {0}, true, 3, {0, PI, PI / 3}, {1, -1, 0.5}},
    /* erf by its series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)): at 0.5,
     * 1.1283791670955126 (0.5 - 0.0416667 + 0.003125 - 0.000186012 + ...) =
     * 0.5204998778130465; at 1, 0.8427007929497149 (odd: erf(-1) = -erf(1)) */
    {"erf", "erf", nb_erf, r_erf, d_erf, -2.5, 2.5, 0, {0}, true, 3, {0, 0.5, -1},
     {0, 0.5204998778130465, -0.8427007929497149}},
    {"clamp(-0.5,0.7)", "clamp", w_clamp, r_clamp, d_clamp, -1.5, 1.5, 2, {-0.5, 0.7}, true, 3,
     {-2, 0.3, 5}, {-0.5, 0.3, 0.7}},
    {"tansig", "tanh", nb_tansig, r_tanh, d_tanh, -3, 3, 0, {0}, true, 3, {0, LN2, -LN3},
     {0, 0.6, -0.8}},
    {"logsig", "sigmoid", nb_logsig, r_sigmoid, d_sigmoid, -4, 4, 0, {0}, true, 3, {0, LN3, -LN3},
     {0.5, 0.75, 0.25}},
    {"poslin", "relu", nb_poslin, r_relu, d_relu, -2, 2, 1, {0}, true, 3, {-2, 3, 0.5},
     {0, 3, 0.5}},
};
#define N_UN_CASES ((int)(sizeof un_cases / sizeof un_cases[0]))

/* n seeded samples of c's domain, at least 0.1 from every kink. */
static inline void un_samples(const un_case *c, uint64_t seed, double *x, int64_t n)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    for (int64_t i = 0; i < n; i++) {
        x[i] = c->lo + (c->hi - c->lo) * nb_rng_uniform(&rng);
        for (int k = 0; k < c->nkinks; k++)
            if (fabs(x[i] - c->kinks[k]) < 0.1)
                x[i] = c->kinks[k] + (x[i] < c->kinks[k] ? -1 : 1) * (0.1 + fabs(x[i] - c->kinks[k]));
    }
}

/* ---- binary ---- */

typedef nb_tensor *(*bin_fn)(nb_tensor *, nb_tensor *);

typedef struct bin_case {
    const char *name;
    bin_fn fn;
    double (*ref)(double, double);
    double (*da)(double, double);
    double (*db)(double, double);
    double alo, ahi, blo, bhi; /* sample domains */
    bool needs_gap;            /* keep |a - b| >= 0.1 (kinks at ties) */
    double hand[6];            /* fn(A, B) for the hand example below */
} bin_case;

static double r_add(double a, double b) { return a + b; }
static double r_sub(double a, double b) { return a - b; }
static double r_mul(double a, double b) { return a * b; }
static double r_div(double a, double b) { return a / b; }
static double r_pow(double a, double b) { return pow(a, b); }
static double r_max(double a, double b) { return a >= b ? a : b; }
static double r_min(double a, double b) { return a <= b ? a : b; }
static double da_one(double a, double b) { (void)a; (void)b; return 1; }
static double db_minus_one(double a, double b) { (void)a; (void)b; return -1; }
static double da_mul(double a, double b) { (void)a; return b; }
static double db_mul(double a, double b) { (void)b; return a; }
static double da_div(double a, double b) { (void)a; return 1 / b; }
static double db_div(double a, double b) { return -a / (b * b); }
static double da_pow(double a, double b) { return b * pow(a, b - 1); }
static double db_pow(double a, double b) { return pow(a, b) * log(a); }
static double da_max(double a, double b) { return a >= b ? 1 : 0; }
static double db_max(double a, double b) { return a >= b ? 0 : 1; }
static double da_min(double a, double b) { return a <= b ? 1 : 0; }
static double db_min(double a, double b) { return a <= b ? 0 : 1; }

/* The hand example: A = [[1, 2, 3], [4, 5, 6]] (2x3), B = [2, 0.5, 3] (3). */
static const double hand_a[6] = {1, 2, 3, 4, 5, 6};
static const double hand_b[3] = {2, 0.5, 3};

static const bin_case bin_cases[] = {
    {"add", nb_add, r_add, da_one, da_one, -2, 2, -2, 2, false, {3, 2.5, 6, 6, 5.5, 9}},
    {"sub", nb_sub, r_sub, da_one, db_minus_one, -2, 2, -2, 2, false, {-1, 1.5, 0, 2, 4.5, 3}},
    {"mul", nb_mul, r_mul, da_mul, db_mul, -2, 2, -2, 2, false, {2, 1, 9, 8, 2.5, 18}},
    {"div", nb_div, r_div, da_div, db_div, -2, 2, 0.5, 2, false, {0.5, 4, 1, 2, 10, 2}},
    /* 2^0.5 = 1.41421356..., 5^0.5 = 2.23606797... */
    {"pow", nb_pow, r_pow, da_pow, db_pow, 0.5, 2, -1.5, 2, false,
     {1, 1.41421356237309504880, 27, 16, 2.23606797749978969641, 216}},
    {"maximum", nb_maximum, r_max, da_max, db_max, -2, 2, -2, 2, true, {2, 2, 3, 4, 5, 6}},
    {"minimum", nb_minimum, r_min, da_min, db_min, -2, 2, -2, 2, true, {1, 0.5, 3, 2, 0.5, 3}},
};
#define N_BIN_CASES ((int)(sizeof bin_cases / sizeof bin_cases[0]))

/* Shape pairs for binary tests: same shape, and broadcasts. */
typedef struct shape_pair {
    int na, nb;
    int64_t sa[3], sb[3];
} shape_pair;

static const shape_pair shape_pairs[] = {
    {2, 2, {2, 3}, {2, 3}}, /* same shape */
    {2, 1, {2, 3}, {3}},    /* b broadcast over rows */
    {2, 2, {2, 1}, {1, 3}}, /* both broadcast */
    {0, 2, {0}, {2, 2}},    /* a 0-d scalar */
};
#define N_SHAPE_PAIRS ((int)(sizeof shape_pairs / sizeof shape_pairs[0]))

/* Flat index into a (contiguous) input of shape s[n] for the output
 * multi-index idx[on] under NumPy broadcasting. */
static inline int64_t bcast_index(int n, const int64_t *s, int on, const int64_t *idx)
{
    int64_t flat = 0;
    for (int d = 0; d < n; d++) {
        int od = d + on - n;
        flat = flat * s[d] + (s[d] == 1 ? 0 : idx[od]);
    }
    return flat;
}

/* Seeded samples for a and b of pair p; with needs_gap every broadcast pair
 * of elements differs by at least 0.1 (resampled with the next seed). */
static inline void bin_samples(const bin_case *c, const shape_pair *p, uint64_t seed, double *a,
                               double *b, int *on, int64_t *oshape)
{
    int n = p->na > p->nb ? p->na : p->nb;
    int64_t na = 1, nbn = 1;
    for (int d = 0; d < p->na; d++)
        na *= p->sa[d];
    for (int d = 0; d < p->nb; d++)
        nbn *= p->sb[d];
    for (int d = 0; d < n; d++) {
        int ia = d - (n - p->na), ib = d - (n - p->nb);
        int64_t da = ia >= 0 ? p->sa[ia] : 1, db = ib >= 0 ? p->sb[ib] : 1;
        oshape[d] = da == 1 ? db : da;
    }
    *on = n;
    int64_t total = 1;
    for (int d = 0; d < n; d++)
        total *= oshape[d];
    for (;; seed++) {
        nb_rng rng;
        nb_rng_seed(&rng, seed);
        for (int64_t i = 0; i < na; i++)
            a[i] = c->alo + (c->ahi - c->alo) * nb_rng_uniform(&rng);
        for (int64_t i = 0; i < nbn; i++)
            b[i] = c->blo + (c->bhi - c->blo) * nb_rng_uniform(&rng);
        if (!c->needs_gap)
            return;
        bool ok = true;
        int64_t idx[8] = {0};
        for (int64_t o = 0; o < total && ok; o++) {
            int64_t r = o;
            for (int d = n - 1; d >= 0; d--) {
                idx[d] = r % oshape[d];
                r /= oshape[d];
            }
            ok = fabs(a[bcast_index(p->na, p->sa, n, idx)] - b[bcast_index(p->nb, p->sb, n, idx)]) >= 0.1;
        }
        if (ok)
            return;
    }
}

#endif
