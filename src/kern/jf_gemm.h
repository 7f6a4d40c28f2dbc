/* jf_gemm.h: the one door to GEMM. Each call computes
 *     C = alpha * op(A) * op(B) + beta * C      (op(A) m x k, op(B) k x n)
 * on row-major operands and adds exactly 2*m*n*k to the caller's ledger,
 * whichever back-end (jf_gemm_backend.h) runs it. "trans" flags describe
 * how A and B are stored: A is stored m x k (lda) when trans_a is 0, k x m
 * when 1; likewise B. Threads: the back-end's own, per call. */
#ifndef JF_GEMM_H
#define JF_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_ledger.h"
#include "jf_bf16.h"
#include "jf_gemm_backend.h"

/* An fp32 array with a bf16 copy kept current by its owner (the model's
 * weights, which the optimizer writes both ways; activations and gradients
 * a GEMM reads twice, rounded once by their producer). Operands inside one
 * are read from the copy, not rounded again on every call.
 * With `only`, the array exists only as its bf16 copy (a tensor nothing but
 * GEMMs reads): base is an address that names it, never storage, and a
 * GEMM whose C lies inside it writes bf16 C, rounded from fp32 (beta 0). */
typedef struct {
    const float *base;
    uint64_t count;
    jf_bf16_t *bf16;
    int only;
} jf_bf16_mirror_t;

typedef struct {
    const jf_bf16_mirror_t *list;
    int count;
} jf_bf16_mirrors_t;

typedef struct {
    jf_ledger_t *ledger;  /* where the FLOPs go */
    jf_flop_cat_t cat;    /* which category */
    int threads;          /* threads for this call (>= 1) */
    /* non-NULL: mixed precision. jf_gemm_s takes A and B from these mirrors
     * or rounds them to bf16, and runs the bf16 back-end, fp32 accumulation
     * and fp32 C (bf16 C inside a bf16-only mirror); every rounding is
     * counted in ledger->bf16_converted */
    const jf_bf16_mirrors_t *bf16;
} jf_gemm_ctx_t;

void jf_gemm_s(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
               int64_t m, int64_t n, int64_t k, float alpha,
               const float *a, int64_t lda, const float *b, int64_t ldb,
               float beta, float *c, int64_t ldc);

void jf_gemm_d(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
               int64_t m, int64_t n, int64_t k, double alpha,
               const double *a, int64_t lda, const double *b, int64_t ldb,
               double beta, double *c, int64_t ldc);

/* The same with C multiplied elementwise by M (m x n, leading dimension
 * ldmul) after alpha and beta: C = (alpha op(A) op(B) + beta C) * M, the
 * GELU backward's (dL/dg W2^T) * GELU'(h), in the back-end's epilogue where
 * it can (jf_gemm_backend_t.fuses_mul), else right after the product.
 * Counted as the product alone: the multiplication is non-GEMM work. */
void jf_gemm_mul_s(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
                   int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb,
                   float beta, float *c, int64_t ldc, const float *mul, int64_t ldmul);
void jf_gemm_mul_d(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
                   int64_t m, int64_t n, int64_t k, double alpha,
                   const double *a, int64_t lda, const double *b, int64_t ldb,
                   double beta, double *c, int64_t ldc, const double *mul, int64_t ldmul);

/* Where a back-end that fuses the multiplication (fuses_mul) does it:
 * JF_MUL_FUSED, in its epilogue (oneDNN's binary post-op); JF_MUL_AFTER,
 * the product to fp32 and then one multiply (and round, for a bf16 C)
 * pass, as for back-ends that cannot fuse. Which is faster depends on the
 * machine, the shape and what is in cache, so it is measured in the
 * warm-up steps themselves: JF_MUL_MEASURE alternates the two ways call
 * by call and times each (jf_gemm_mul_timed); the trainer then sets the
 * faster (jf_train.h). Default JF_MUL_FUSED. */
typedef enum { JF_MUL_FUSED = 0, JF_MUL_AFTER = 1, JF_MUL_MEASURE = 2 } jf_mul_mode_t;
void jf_gemm_set_mul_mode(jf_mul_mode_t mode);  /* MEASURE also clears the timings */
/* Since JF_MUL_MEASURE was set: seconds and calls of each way, [FUSED]
 * and [AFTER], of products from outside parallel regions. */
void jf_gemm_mul_timed(double seconds[2], int calls[2]);

/* bf16 operands already rounded, fp32 C (benchmarks, the bf16 peak). */
void jf_gemm_bf16(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b,
                  int64_t m, int64_t n, int64_t k, float alpha,
                  const jf_bf16_t *a, int64_t lda, const jf_bf16_t *b, int64_t ldb,
                  float beta, float *c, int64_t ldc);

/* Which back-end runs each precision's products. Set before the first
 * GEMM (jf_gemm_select.h chooses); defaults: BLIS for fp32 and fp64, the
 * first built-in back-end serving bf16 for bf16 (none without oneDNN). */
void jf_gemm_use(jf_precision_t precision, const jf_gemm_backend_t *backend);
const jf_gemm_backend_t *jf_gemm_backend_of(jf_precision_t precision);

/* A back-end that fails mid-run cannot return through the model's
 * arithmetic: the door keeps the first failure, the caller asks after each
 * step. 1 (and the reason) if a product failed since the start. */
int jf_gemm_failed(char *msg, size_t msglen);

/* Optional record of every GEMM call, for benchmarks that replay a training
 * step's exact GEMMs against raw back-ends. Off (one pointer test per call)
 * unless jf_gemm_trace_begin was called. Not for concurrent traces. */
typedef struct {
    int64_t m, n, k, lda, ldb, ldc;
    int trans_a, trans_b;
    int threads;       /* threads of the call */
    int in_parallel;   /* issued from inside an OpenMP parallel region */
    jf_precision_t precision;  /* of the operands the back-end received */
    jf_flop_cat_t cat;
    int c_bf16;        /* bf16 C (see jf_gemm_args_t) */
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
