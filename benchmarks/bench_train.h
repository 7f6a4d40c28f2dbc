/* bench_train.h: what the micro-benchmarks that time whole training steps
 * (bench_overlap, bench_hugepages) share: their start, with the GEMM
 * back-end a run would choose, and one step timed between barriers. */
#ifndef BENCH_TRAIN_H
#define BENCH_TRAIN_H

#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "bench_gemm.h"
#include "train/jf_options.h"
#include "train/jf_train.h"

/* After bench_parse_args: the GEMM choice measured before MPI starts, MPI,
 * the ranks' agreement on the choice, the rank's threads. 0, or 2 after
 * one line on stderr (before MPI started). */
static inline int bench_train_start(const char *who, const jf_run_options_t *opt, int *argc,
                                    char ***argv, int *rank, int *ranks)
{
    jf_gemm_choice_t gemm;
    jf_blis_info_t blis;
    int provided;
    if (bench_gemm_measure(who, opt, &gemm) != 0)
        return 2;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, ranks);
    memset(&blis, 0, sizeof blis);
    bench_gemm_agree(who, &gemm, &blis);
    omp_set_num_threads(opt->threads);
    return 0;
}

/* A row's name: "default fp32, 2 ranks x 1 thread". */
static inline void bench_train_name(char *name, size_t len, const jf_run_options_t *opt,
                                    int ranks)
{
    snprintf(name, len, "%s %s, %d ranks x %d thread%s", opt->preset,
             jf_precision_name(opt->precision), ranks, opt->threads, opt->threads > 1 ? "s" : "");
}

/* One training step on every rank, timed between barriers (s). */
static inline double bench_timed_step(jf_trainer_t *tr, uint64_t step, jf_ledger_t *ledger)
{
    double loss;
    uint64_t ntok;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    jf_trainer_step(tr, step, ledger, &loss, &ntok);
    MPI_Barrier(MPI_COMM_WORLD);
    return MPI_Wtime() - t0;
}

#endif
