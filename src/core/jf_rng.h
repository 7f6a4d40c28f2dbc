/* jf_rng.h: counter-based random numbers. Every value is a pure function of
 * (key, counter), so ranks, thread counts and restarts all see the same data
 * and the same initial weights without sharing any generator state. */
#ifndef JF_RNG_H
#define JF_RNG_H

#include <stdint.h>

/* SplitMix64's finaliser applied to key + counter * golden ratio. */
uint64_t jf_rng_u64(uint64_t key, uint64_t counter);
/* Uniform in [0, 1) with 53 random bits. */
double jf_rng_uniform(uint64_t key, uint64_t counter);
/* Standard normal (Box-Muller on counters 2c and 2c+1). */
double jf_rng_normal(uint64_t key, uint64_t counter);
/* Derive an independent key for a named stream. */
uint64_t jf_rng_key(uint64_t seed, uint64_t stream);

#endif
