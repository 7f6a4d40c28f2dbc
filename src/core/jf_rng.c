/* jf_rng.c: SplitMix64-based counter RNG (Steele, Lea, Flood 2014). */
#include "jf_rng.h"

#include <math.h>

uint64_t jf_rng_u64(uint64_t key, uint64_t counter)
{
    uint64_t z = key + (counter + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double jf_rng_uniform(uint64_t key, uint64_t counter)
{
    return (double)(jf_rng_u64(key, counter) >> 11) * 0x1.0p-53;
}

double jf_rng_normal(uint64_t key, uint64_t counter)
{
    /* 1 - u keeps the logarithm's argument in (0, 1] */
    const double u1 = 1.0 - jf_rng_uniform(key, 2 * counter);
    const double u2 = jf_rng_uniform(key, 2 * counter + 1);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t jf_rng_key(uint64_t seed, uint64_t stream)
{
    return jf_rng_u64(seed ^ 0x6A09E667F3BCC909ULL, stream);
}
