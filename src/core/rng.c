/* xoshiro256** (Blackman & Vigna), seeded with splitmix64: integer-exact on
 * every platform; the state is the caller's struct. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "core/error_internal.h"
#include "nabla/rng.h"

static uint64_t nb_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t nb_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* The generator proper, for a rng already checked: the public functions
 * check once and then draw as often as they need. */
static uint64_t next_bits(uint64_t *s)
{
    uint64_t result = nb_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = nb_rotl(s[3], 45);
    return result;
}

static double next_uniform(uint64_t *s) { return (double)(next_bits(s) >> 11) * 0x1.0p-53; }

static int64_t next_below(uint64_t *s, int64_t n)
{
    uint64_t bound = (uint64_t)n;
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound; /* reject the biased tail */
    uint64_t r;
    do {
        r = next_bits(s);
    } while (r >= limit);
    return (int64_t)(r % bound);
}

int nb_rng_seed(nb_rng *rng, uint64_t seed)
{
    if (!rng)
        return nb__null_input("nb_rng_seed", "rng");
    for (int i = 0; i < 4; i++)
        rng->state[i] = nb_splitmix64(&seed);
    return NB_OK;
}

uint64_t nb_rng_next(nb_rng *rng)
{
    if (!rng) {
        nb__null_input("nb_rng_next", "rng");
        return 0;
    }
    return next_bits(rng->state);
}

double nb_rng_uniform(nb_rng *rng)
{
    if (!rng) {
        nb__null_input("nb_rng_uniform", "rng");
        return NAN;
    }
    return next_uniform(rng->state);
}

double nb_rng_normal(nb_rng *rng)
{
    if (!rng) {
        nb__null_input("nb_rng_normal", "rng");
        return NAN;
    }
    /* Polar method: needs only log and sqrt; the second value of each pair
     * is dropped so that the stream has no hidden state beyond `rng`. */
    double u, v, s;
    do {
        u = 2.0 * next_uniform(rng->state) - 1.0;
        v = 2.0 * next_uniform(rng->state) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

int64_t nb_rng_below(nb_rng *rng, int64_t n)
{
    if (!rng) {
        nb__null_input("nb_rng_below", "rng");
        return -1;
    }
    if (n <= 0) {
        nb__error(NB_ERR_ARG, "nb_rng_below: n is %lld; expected n >= 1 (the result is in [0, n))",
                  (long long)n);
        return -1;
    }
    return next_below(rng->state, n);
}

int nb_rng_shuffle(nb_rng *rng, int64_t *items, int64_t count)
{
    if (!rng)
        return nb__null_input("nb_rng_shuffle", "rng");
    if (count < 0)
        return nb__error(NB_ERR_ARG, "nb_rng_shuffle: count is %lld; expected a count >= 0",
                         (long long)count);
    if (!items && count > 0)
        return nb__null_input("nb_rng_shuffle", "items");
    for (int64_t i = count - 1; i > 0; i--) {
        int64_t j = next_below(rng->state, i + 1);
        int64_t tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
    }
    return NB_OK;
}
