/* jf_vmath.h: exp that the compiler can vectorise. libm's expf is a
 * scalar call (glibc's vector variants need -ffast-math), and in
 * a training step they cost more than a fifth of the time (GELU, softmax,
 * cross-entropy). These use Cephes's range reduction (S. Moshier) with a
 * polynomial for exp(r) on |r| <= ln(2)/2, within 2 eps of exp (tests/test_vmath), branch-free so `omp simd` loops
 * vectorise. */
#ifndef JF_VMATH_H
#define JF_VMATH_H

#include <omp.h>
#include <stdint.h>
#include <string.h>

/* Elementwise kernels built once per x86-64 vector ISA and picked at run
 * time (GCC/Clang function multi-versioning), so a portable binary still
 * runs them with AVX-512 or AVX2+FMA where the CPU has it. Sanitizer builds
 * skip the clones (ASan and ifunc resolvers do not mix well). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
/* features, not "arch=" names: those dispatch on the CPU model and would
 * send, e.g., an AMD Zen 4 to the default clone. x86-64-v4, not avx512f:
 * without BW's 16-bit vector instructions GCC vectorises every loop that
 * stores bf16 (the conversions, the optimizer's bf16 copy) at 256 bits
 * only; every AVX-512 CPU since Skylake-SP and Zen 4 has BW. The
 * x86-64-v4 level is dispatched on features too (AVX-512 F, BW, CD,
 * DQ, VL), and GCC 12 takes no avx512bw clone. */
#if defined(__clang__) || __GNUC__ < 12
/* GCC before 12 has no ISA levels, and clang (14) takes "arch=x86-64-v4"
 * but dispatches it on the CPU's name (an AVX-512 machine ran avx2) */
#define JF_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define JF_VECTOR_CLONE_TOP "avx512f"
#else
#define JF_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#define JF_VECTOR_CLONE_TOP "x86-64-v4"
#endif
#else
#define JF_VECTOR_CLONES
#endif
/* the helpers must be inlined into each clone to vectorise with its ISA */
#if defined(__GNUC__)
#define JF_VMATH_INLINE static inline __attribute__((always_inline))
#else
#define JF_VMATH_INLINE static inline
#endif

/* This thread's contiguous share [*lo, *lo + *len) of n elements, inside
 * an OpenMP parallel region. */
static inline void jf_thread_chunk(int64_t n, int64_t *lo, int64_t *len)
{
    const int64_t nth = omp_get_num_threads(), tid = omp_get_thread_num();
    const int64_t base = n / nth, extra = n % nth;
    *lo = tid * base + (tid < extra ? tid : extra);
    *len = base + (tid < extra ? 1 : 0);
}

JF_VMATH_INLINE float jf_expf(float x)
{
    /* keep 2^k a normal float: k in [-126, 127] */
    x = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
    /* round x / ln 2 to the nearest integer k with the 1.5 * 2^23 trick;
     * the low mantissa bits of `shifted` then hold k itself */
    const float shifted = x * 1.44269504088896341f + 12582912.0f;
    const float kf = shifted - 12582912.0f;
    float r = x - kf * 0.693359375f;
    r = r + kf * 2.12194440e-4f;
    const float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    /* 2^k from k's bits, with no float-to-int conversion (which some
     * vector ISAs lack); the high bits shift out */
    uint32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits + 127u) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

JF_VMATH_INLINE double jf_exp(double x)
{
    /* keep 2^k a normal double: k in [-1022, 1023] */
    x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
    const double shifted = x * 1.4426950408889634073599 + 6755399441055744.0;
    const double kf = shifted - 6755399441055744.0;
    double r = x - kf * 6.93145751953125e-1;
    r = r - kf * 1.42860682030941723212e-6;
    /* |r| <= ln(2)/2: Taylor to r^13/13! leaves a truncation error below
     * 0.35^14/14! ~ 5e-18, and needs no division (divisions dominated the
     * rational Cephes form in GELU) */
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* as in jf_expf: no double-to-int64 conversion, which needs AVX-512DQ
     * to vectorise */
    uint64_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits + 1023u) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#endif
