/* jf_gemm.c: BLIS GEMM through the typed expert API. Row-major storage and
 * transposition are both expressed as BLIS strides, so BLIS packs each
 * operand once and never needs a separate transpose. */
#include "jf_gemm.h"

#include <blis.h>
#include <omp.h>
#include <stdlib.h>

static jf_gemm_trace_t *active_trace;

void jf_gemm_trace_begin(jf_gemm_trace_t *trace)
{
    trace->records = NULL;
    trace->count = trace->capacity = 0;
    trace->overflow = 0;
    active_trace = trace;
}

void jf_gemm_trace_end(void)
{
    active_trace = NULL;
}

void jf_gemm_trace_free(jf_gemm_trace_t *trace)
{
    free(trace->records);
    trace->records = NULL;
    trace->count = trace->capacity = 0;
}

static void trace_add(const jf_gemm_record_t *r)
{
#pragma omp critical(jf_gemm_trace)
    {
        jf_gemm_trace_t *t = active_trace;
        if (t->count == t->capacity) {
            const size_t cap = t->capacity ? 2 * t->capacity : 256;
            jf_gemm_record_t *grown = realloc(t->records, cap * sizeof *grown);
            if (grown != NULL) {
                t->records = grown;
                t->capacity = cap;
            }
        }
        if (t->count < t->capacity)
            t->records[t->count++] = *r;
        else
            t->overflow = 1;
    }
}

static void count(const jf_gemm_ctx_t *ctx, int64_t m, int64_t n, int64_t k)
{
    jf_ledger_add(ctx->ledger, ctx->cat,
                  (jf_u128)2 * (uint64_t)m * (uint64_t)n * (uint64_t)k);
    ctx->ledger->gemm_calls++;
}

/* Row and column strides of a row-major operand, transposed or not. */
#define JF_STRIDES(trans, ld, rs, cs) \
    do {                              \
        if (trans) {                  \
            (rs) = 1;                 \
            (cs) = (ld);              \
        } else {                      \
            (rs) = (ld);              \
            (cs) = 1;                 \
        }                             \
    } while (0)

#define JF_DEFINE_GEMM(ch, real_t)                                               \
    void jf_gemm_##ch(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,         \
                      int64_t m, int64_t n, int64_t k, real_t alpha,              \
                      const real_t *a, int64_t lda, const real_t *b, int64_t ldb, \
                      real_t beta, real_t *c, int64_t ldc)                        \
    {                                                                             \
        inc_t rsa, csa, rsb, csb;                                                 \
        rntm_t rntm = BLIS_RNTM_INITIALIZER;                                      \
        JF_STRIDES(trans_a, lda, rsa, csa);                                       \
        JF_STRIDES(trans_b, ldb, rsb, csb);                                       \
        bli_rntm_set_num_threads(ctx->threads > 0 ? ctx->threads : 1, &rntm);     \
        bli_##ch##gemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha,  \
                          (real_t *)a, rsa, csa, (real_t *)b, rsb, csb, &beta, c, \
                          ldc, 1, NULL, &rntm);                                   \
        count(ctx, m, n, k);                                                      \
        if (active_trace != NULL) {                                               \
            const jf_gemm_record_t r = {m, n, k, lda, ldb, ldc, trans_a, trans_b,   \
                                        ctx->threads, omp_in_parallel(),          \
                                        sizeof(real_t) == sizeof(double), ctx->cat}; \
            trace_add(&r);                                                        \
        }                                                                         \
    }

JF_DEFINE_GEMM(s, float)
JF_DEFINE_GEMM(d, double)

#define JF_DEFINE_GEMM_REF(ch, real_t)                                              \
    void jf_gemm_ref_##ch(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, \
                          real_t alpha, const real_t *a, int64_t lda,                \
                          const real_t *b, int64_t ldb, real_t beta, real_t *c,      \
                          int64_t ldc)                                               \
    {                                                                                \
        for (int64_t i = 0; i < m; i++)                                              \
            for (int64_t j = 0; j < n; j++) {                                        \
                long double sum = 0;                                                 \
                for (int64_t p = 0; p < k; p++) {                                    \
                    const real_t av = trans_a ? a[p * lda + i] : a[i * lda + p];     \
                    const real_t bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];     \
                    sum += (long double)av * bv;                                     \
                }                                                                    \
                const long double prev = beta == 0 ? 0 : (long double)beta * c[i * ldc + j]; \
                c[i * ldc + j] = (real_t)(alpha * sum + prev);                       \
            }                                                                        \
    }

JF_DEFINE_GEMM_REF(s, float)
JF_DEFINE_GEMM_REF(d, double)
