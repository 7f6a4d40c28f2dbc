/* jf_verify.h: the --verify checks. Each returns a verdict with the figure it
 * measured and the threshold it was held to, so the summary can print both. */
#ifndef JF_VERIFY_H
#define JF_VERIFY_H

#include <mpi.h>
#include <stdint.h>

#include "core/jf_shape.h"

typedef struct {
    const char *name;     /* "gemm", "gradients", "ranks" */
    int ran;              /* 0 when not applicable (the reason is in detail) */
    int pass;
    double value;         /* the worst error seen */
    double threshold;     /* what it had to stay below */
    char detail[256];
} jf_check_t;

/* BLIS GEMM through jf_gemm against a long-double reference on small shapes,
 * every transpose combination, both precisions. value = the largest
 * normalised residual max|C - Cref| / (k * eps * max|A| * max|B|); the check
 * also requires the ledger to have counted exactly sum(2 m n k). */
jf_check_t jf_verify_gemm(void);

/* bf16 mixed-precision GEMM through the door (operands rounded to bf16,
 * fp32 accumulation) against fp64 on the unrounded operands, each element
 * within the bound bf16's unit roundoff u = 2^-8 and fp32 accumulation
 * allow: value = max |C - Cref| / ((2u + u^2 + k u32) sum|a||b| + u32|Cref|),
 * threshold 1. */
jf_check_t jf_verify_gemm_bf16(void);

/* The default preset's shape trained from one seed in bf16 and in fp32 on
 * this rank: value = max over steps of |loss_bf16 - loss_fp32| / loss_fp32. */
jf_check_t jf_verify_bf16_tracks_fp32(int threads, uint64_t seed);

/* Analytic gradients of a tiny fp64 model against central finite
 * differences, for every weight. value = max|g - g_fd| / max|g|. */
jf_check_t jf_verify_gradients(int threads);

/* The same global batch trained k steps on all ranks of comm (data
 * parallel) and on one rank alone: value = max|w_all - w_one| / max|w_one|.
 * Collective over comm. */
jf_check_t jf_verify_ranks(MPI_Comm comm, jf_precision_t precision, int threads,
                           uint64_t seed);

/* Makes the checks of every rank of comm identical: each check becomes its
 * worst rank's (a failing rank first, then the largest value), with that
 * rank named in the detail when there are several. Collective over comm;
 * the checks must be the same ones, in the same order, on every rank. */
void jf_verify_agree(MPI_Comm comm, jf_check_t *checks, int n);

#endif
