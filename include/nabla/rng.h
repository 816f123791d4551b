/* nabla/rng.h — a seeded random number generator that gives the same stream
 * on every platform: xoshiro256** seeded through splitmix64.  The state is a
 * plain struct owned by the caller: no hidden global generator. */
#ifndef NABLA_RNG_H
#define NABLA_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_rng {
    uint64_t state[4];
} nb_rng;

/* A NULL rng (and every other bad argument below) is refused with a message
 * (error.h) and an answer that cannot pass for a draw; the generator itself
 * allocates nothing and records nothing when the arguments are good. */

/* Initialise from a 64-bit seed (any value, 0 included).  NB_OK, or
 * NB_ERR_NULL for a NULL rng. */
int nb_rng_seed(nb_rng *rng, uint64_t seed);
/* Next 64 random bits; 0 with an NB_ERR_NULL message for a NULL rng (check
 * the rng, since 0 is also a possible draw). */
uint64_t nb_rng_next(nb_rng *rng);
/* Uniform double in [0, 1) with 53 random bits; NAN (NB_ERR_NULL) for a
 * NULL rng. */
double nb_rng_uniform(nb_rng *rng);
/* Standard normal (Marsaglia polar method); NAN (NB_ERR_NULL) for a NULL
 * rng. */
double nb_rng_normal(nb_rng *rng);
/* Uniform integer in [0, n) without modulo bias.  -1 with a message for a
 * NULL rng (NB_ERR_NULL) or n <= 0 (NB_ERR_ARG: [0, n) is empty). */
int64_t nb_rng_below(nb_rng *rng, int64_t n);
/* Fisher–Yates shuffle of an index array.  NB_OK, or (items untouched)
 * NB_ERR_NULL for a NULL rng or a NULL items with count > 0, NB_ERR_ARG for
 * count < 0. */
int nb_rng_shuffle(nb_rng *rng, int64_t *items, int64_t count);

#ifdef __cplusplus
}
#endif
#endif
