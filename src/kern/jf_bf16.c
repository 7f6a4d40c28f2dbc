/* jf_bf16.c: bulk fp32 <-> bf16 conversion, see jf_bf16.h. The loops are
 * integer arithmetic that GCC vectorises; compiled once per vector ISA. */
#include "jf_bf16.h"

#include <omp.h>

#include "jf_vmath.h"

JF_VECTOR_CLONES
void jf_bf16_from_floats(jf_bf16_t *restrict dst, const float *restrict src, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        dst[i] = jf_bf16_from_float(src[i]);
}

JF_VECTOR_CLONES
void jf_bf16_to_floats(float *restrict dst, const jf_bf16_t *restrict src, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        dst[i] = jf_bf16_to_float(src[i]);
}

/* Blocked as the model's bf16 writers are: computed into an L1 buffer,
 * then rounded, so both loops vectorise at full width. */
JF_VECTOR_CLONES
void jf_bf16_from_products(jf_bf16_t *restrict dst, const float *restrict a,
                           const float *restrict b, int64_t n)
{
    float buf[1024];
    for (int64_t i0 = 0; i0 < n; i0 += 1024) {
        const int64_t k = n - i0 < 1024 ? n - i0 : 1024;
#pragma omp simd
        for (int64_t i = 0; i < k; i++)
            buf[i] = a[i0 + i] * b[i0 + i];
#pragma omp simd
        for (int64_t i = 0; i < k; i++)
            dst[i0 + i] = jf_bf16_from_float(buf[i]);
    }
}

void jf_bf16_from_matrix(jf_bf16_t *dst, const float *src, int64_t rows, int64_t cols,
                         int64_t ld, int threads)
{
    if (ld == cols) {
        const int64_t n = rows * cols;
        if (threads <= 1 || n < (1 << 15)) {
            jf_bf16_from_floats(dst, src, n);
            return;
        }
#pragma omp parallel num_threads(threads)
        {
            int64_t lo, len;
            jf_thread_chunk(n, &lo, &len);
            jf_bf16_from_floats(dst + lo, src + lo, len);
        }
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && rows * cols >= (1 << 15))
    for (int64_t r = 0; r < rows; r++)
        jf_bf16_from_floats(dst + r * cols, src + r * ld, cols);
}
