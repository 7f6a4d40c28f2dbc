/* jf_bf16.h: bfloat16 storage, the operand format of mixed-precision GEMMs.
 * A bf16 is the top 16 bits of an IEEE fp32 (8 significant bits, unit
 * roundoff u = 2^-8). fp32 -> bf16 rounds to nearest, ties to even, as
 * VCVTNEPS2BF16 and the frameworks do, keeps subnormals (the instruction
 * flushes them; doing it in integer arithmetic gives the same bits on every
 * CPU) and quiets NaNs; bf16 -> fp32 is exact. */
#ifndef JF_BF16_H
#define JF_BF16_H

#include <stdint.h>
#include <string.h>

typedef uint16_t jf_bf16_t;

#define JF_BF16_UNIT_ROUNDOFF 0x1p-8

static inline jf_bf16_t jf_bf16_from_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    const uint32_t rounded = u + 0x7fffu + ((u >> 16) & 1u); /* nearest even */
    /* a NaN stays a (quiet) NaN; branch-free so that loops vectorise */
    const uint32_t out = (u & 0x7fffffffu) > 0x7f800000u ? (u | 0x00400000u) : rounded;
    return (jf_bf16_t)(out >> 16);
}

static inline float jf_bf16_to_float(jf_bf16_t b)
{
    const uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* dst[i] = bf16(src[i]) for n contiguous elements. */
void jf_bf16_from_floats(jf_bf16_t *dst, const float *src, int64_t n);
/* dst[i] = float(src[i]). */
void jf_bf16_to_floats(float *dst, const jf_bf16_t *src, int64_t n);

/* dst = bf16(a * b), elementwise over n (a product's fp32 result times an
 * fp32 factor, rounded once). */
void jf_bf16_from_products(jf_bf16_t *dst, const float *a, const float *b, int64_t n);
/* A rows x cols block of a row-major fp32 matrix (leading dimension ld)
 * into a dense bf16 one (leading dimension cols), on `threads` threads
 * (1 inside a parallel region). */
void jf_bf16_from_matrix(jf_bf16_t *dst, const float *src, int64_t rows, int64_t cols,
                         int64_t ld, int threads);

#endif
