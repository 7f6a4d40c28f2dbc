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

/* Optional record of every GEMM call, for benchmarks that replay a training
 * step's exact GEMMs against raw BLIS. Off (one pointer test per call)
 * unless jf_gemm_trace_begin was called. Not for concurrent traces. */
typedef struct {
    int64_t m, n, k, lda, ldb, ldc;
    int trans_a, trans_b;
    int threads;       /* BLIS threads of the call */
    int in_parallel;   /* issued from inside an OpenMP parallel region */
    int fp64;
    jf_flop_cat_t cat;
} jf_gemm_record_t;

typedef struct {
    jf_gemm_record_t *records;
    size_t count, capacity;
    int overflow;      /* 1 when records were dropped for lack of memory */
} jf_gemm_trace_t;

void jf_gemm_trace_begin(jf_gemm_trace_t *trace);
void jf_gemm_trace_end(void);
void jf_gemm_trace_free(jf_gemm_trace_t *trace);

/* The same product computed naively in long double, for residual checks. */
void jf_gemm_ref_s(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc);
void jf_gemm_ref_d(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                   double alpha, const double *a, int64_t lda, const double *b,
                   int64_t ldb, double beta, double *c, int64_t ldc);

#endif
