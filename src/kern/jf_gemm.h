/* jf_gemm.h: the one door to BLIS GEMM. Each call computes
 *     C = alpha * op(A) * op(B) + beta * C      (op(A) m x k, op(B) k x n)
 * on row-major operands and adds exactly 2*m*n*k to the caller's ledger.
 * "trans" flags describe how A and B are stored: A is stored m x k (lda) when
 * trans_a is 0, k x m when 1; likewise B. Threads: BLIS's own, per call. */
#ifndef JF_GEMM_H
#define JF_GEMM_H

#include <stdint.h>

#include "core/jf_ledger.h"

typedef struct {
    jf_ledger_t *ledger;  /* where the FLOPs go */
    jf_flop_cat_t cat;    /* which category */
    int threads;          /* BLIS threads for this call (>= 1) */
} jf_gemm_ctx_t;

void jf_gemm_s(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
               int64_t m, int64_t n, int64_t k, float alpha,
               const float *a, int64_t lda, const float *b, int64_t ldb,
               float beta, float *c, int64_t ldc);

void jf_gemm_d(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
               int64_t m, int64_t n, int64_t k, double alpha,
               const double *a, int64_t lda, const double *b, int64_t ldb,
               double beta, double *c, int64_t ldc);

/* The same product computed naively in long double, for residual checks. */
void jf_gemm_ref_s(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc);
void jf_gemm_ref_d(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                   double alpha, const double *a, int64_t lda, const double *b,
                   int64_t ldb, double beta, double *c, int64_t ldc);

#endif
