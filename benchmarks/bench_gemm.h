/* bench_gemm.h: the micro-benchmarks choose their GEMM back-end and BLIS
 * kernel set as jflop-run does (jf_gemm_select.h), so that they measure
 * what a run would run: measure before MPI_Init (forked children, before
 * BLIS starts), agree after it. */
#ifndef BENCH_GEMM_H
#define BENCH_GEMM_H

#include <mpi.h>
#include <stdio.h>

#include "kern/jf_gemm_select.h"
#include "train/jf_gemm_agree.h"
#include "train/jf_options.h"

/* Before MPI_Init; 0, or 2 after one line on stderr. */
static inline int bench_gemm_measure(const char *who, const jf_run_options_t *opt,
                                     jf_gemm_choice_t *gemm)
{
    char msg[JF_MSG_LEN];
    const jf_gemm_request_t req = {opt->gemm, opt->blis_arch, opt->precision, opt->shape,
                                   opt->batch, opt->threads, 0.05, opt->precision == JF_BF16};
    if (jf_gemm_request_check(&req, msg, sizeof msg) != JF_OK ||
        jf_gemm_select_measure(&req, gemm, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "%s: %s\n", who, msg);
        return 2;
    }
    return 0;
}

/* After MPI_Init, collective; aborts the job when no candidate is usable. */
static inline void bench_gemm_agree(const char *who, jf_gemm_choice_t *gemm,
                                    jf_blis_info_t *blis)
{
    char msg[JF_MSG_LEN];
    if (jf_gemm_agree(gemm, blis, MPI_COMM_WORLD, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "%s: %s\n", who, msg);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
}

#endif
