/* jf_gemm_backend.h: the contract of a GEMM back-end (BLIS, oneDNN), as the
 * energy backends have theirs: one file per back-end exporting one const
 * table of function pointers, listed in jf_gemm_registry.c. A back-end only
 * computes; counting, tracing and bf16 operand preparation happen in the
 * one door in front of it (jf_gemm.c), so no back-end can bypass the
 * ledger. Selection among back-ends is measured (jf_gemm_select.h). */
#ifndef JF_GEMM_BACKEND_H
#define JF_GEMM_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_shape.h"

/* One product C = alpha * op(A) op(B) + beta * C on row-major operands, as
 * in jf_gemm.h. Element types by precision: fp64 double A, B, C; fp32 float
 * A, B, C; bf16 jf_bf16_t A and B, float C (fp32 accumulation), or with
 * c_bf16 a jf_bf16_t C rounded to nearest even from the fp32 result (beta
 * 0): what a bf16 GEMM output that only other GEMMs read is stored as.
 * With c_mul, the result is then multiplied elementwise by the m x n
 * matrix c_mul (leading dimension ldmul; C's element type, float for bf16)
 * before it is stored or rounded: C = (alpha op(A) op(B) + beta C) * M, a
 * GELU backward's dL/dh = (dL/dg W^T) * GELU'(h) in the GEMM's epilogue,
 * where the product is still in cache. */
typedef struct {
    jf_precision_t precision;
    int trans_a, trans_b;
    int64_t m, n, k, lda, ldb, ldc;
    double alpha, beta;
    const void *a, *b;
    void *c;
    int threads;  /* threads for this call (1 inside a parallel region) */
    int c_bf16;   /* bf16 precision only: C is bf16 (see above) */
    const void *c_mul;  /* NULL, or the elementwise factor (see above) */
    int64_t ldmul;
} jf_gemm_args_t;

#define JF_PRECISION_BIT(p) (1u << (unsigned)(p))

typedef struct jf_gemm_backend {
    const char *name;
    const char *description;      /* one line, for --help and jflop probe */
    unsigned precisions;          /* JF_PRECISION_BIT of each precision served */
    /* the precisions whose gemm applies c_mul itself; for the others the
     * door runs the product and multiplies after it */
    unsigned fuses_mul;
    /* 1 if usable on this node; 0 with a one-line reason. Fast; no side
     * effects that fix a choice (BLIS's kernel set is fixed on first use). */
    int (*probe)(jf_precision_t precision, char *why, size_t whylen);
    /* Compute one product; JF_OK or an error with a reason. */
    jf_err_t (*gemm)(const jf_gemm_args_t *args, char *msg, size_t msglen);
    /* Library name and version, e.g. "BLIS 0.9.0", "oneDNN 2.6.3". */
    void (*version)(char *buf, size_t buflen);
    /* The kernel set or implementation that ran the products of this
     * precision so far, e.g. "skx", "brg:avx512_core_bf16". */
    void (*kernel)(jf_precision_t precision, char *buf, size_t buflen);
    /* 1 when this precision's products run on instructions made for it
     * (bf16: AVX512-BF16 or AMX-BF16); 0 when emulated in wider arithmetic. */
    int (*native)(jf_precision_t precision);
} jf_gemm_backend_t;

/* The registry: every back-end built in, in order of preference for ties. */
extern const jf_gemm_backend_t *const jf_gemm_backends[];
const jf_gemm_backend_t *jf_gemm_backend_find(const char *name);
/* "blis, onednn": the names, for usage texts and messages. */
void jf_gemm_backend_names(char *buf, size_t buflen);

extern const jf_gemm_backend_t jf_gemm_blis;
#ifdef HAVE_ONEDNN
extern const jf_gemm_backend_t jf_gemm_onednn;
#endif

#endif
