/* jf_vmath.h: exp and tanh that the compiler can vectorise. libm's expf and
 * tanhf are scalar calls (glibc's vector variants need -ffast-math), and in
 * a training step they cost more than a fifth of the time (GELU, softmax,
 * cross-entropy). These are Cephes's range reduction and polynomials
 * (S. Moshier), accurate to a few ulp, branch-free so `omp simd` loops
 * vectorise; tests/test_vmath checks them against libm. */
#ifndef JF_VMATH_H
#define JF_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float jf_expf(float x)
{
    /* keep 2^k a normal float: k in [-126, 127] */
    x = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
    /* round x / ln 2 to the nearest integer with the 1.5 * 2^23 trick */
    const float kf = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
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
    const uint32_t bits = (uint32_t)((int32_t)kf + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline double jf_exp(double x)
{
    /* keep 2^k a normal double: k in [-1022, 1023] */
    x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
    const double kf = (x * 1.4426950408889634073599 + 6755399441055744.0) - 6755399441055744.0;
    double r = x - kf * 6.93145751953125e-1;
    r = r - kf * 1.42860682030941723212e-6;
    const double z = r * r;
    const double p = ((1.26177193074810590878e-4 * z + 3.02994407707441961300e-2) * z +
                      9.99999999999999999910e-1) * r;
    const double q = ((3.00198505138664455042e-6 * z + 2.52448340349684104192e-3) * z +
                      2.27265548208155028766e-1) * z + 2.00000000000000000009e0;
    const double e = 1.0 + 2.0 * (p / (q - p));
    const uint64_t bits = (uint64_t)((int64_t)kf + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return e * scale;
}

/* tanh(u) = 1 - 2 / (exp(2u) + 1): exact limits +-1, absolute error a few
 * eps (GELU multiplies by x, so absolute error is what matters). */
static inline float jf_tanhf(float u)
{
    return 1.0f - 2.0f / (jf_expf(2.0f * u) + 1.0f);
}

static inline double jf_tanh(double u)
{
    return 1.0 - 2.0 / (jf_exp(2.0 * u) + 1.0);
}

#endif
