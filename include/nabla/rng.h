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

/* Initialise from a 64-bit seed (any value, 0 included). */
void nb_rng_seed(nb_rng *rng, uint64_t seed);
/* Next 64 random bits. */
uint64_t nb_rng_next(nb_rng *rng);
/* Uniform double in [0, 1) with 53 random bits. */
double nb_rng_uniform(nb_rng *rng);
/* Standard normal (Marsaglia polar method). */
double nb_rng_normal(nb_rng *rng);
/* Uniform integer in [0, n) without modulo bias; 0 when n <= 0. */
int64_t nb_rng_below(nb_rng *rng, int64_t n);
/* Fisher–Yates shuffle of an index array. */
void nb_rng_shuffle(nb_rng *rng, int64_t *items, int64_t count);

#ifdef __cplusplus
}
#endif
#endif
