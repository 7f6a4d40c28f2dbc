/* jf_peak.h: the node's floating-point peak, measured, not looked up: a
 * register-resident FMA chain per thread (as likwid-bench's peakflops
 * kernels do), built per vector ISA, for a fixed time. The training step's
 * FLOP rate divided by it is the fraction of peak jflop reaches. */
#ifndef JF_PEAK_H
#define JF_PEAK_H

#include "core/jf_shape.h"

typedef struct {
    double flops_per_second;   /* all threads of this process */
    double seconds;            /* how long it ran */
    int threads;
    const char *isa;           /* "avx512" (x86-64-v4), "avx2", "default"; GEMM: the back-end */
    const char *kind;          /* "FMA" or "GEMM" (see below) */
} jf_peak_t;

/* Run `threads` OpenMP threads for about `seconds` of FMA at `precision`. */
void jf_peak_measure(jf_precision_t precision, int threads, double seconds, jf_peak_t *out);

/* bf16 has no scalar FMA chain that stands for the matrix units: its peak
 * is the best sustained rate of the run's own bf16 GEMM back-end on a large
 * square product (n = 1024, 8 MiB of operands, so that the spike stays small beside the model), over about `seconds`. A measured attainable
 * peak, not a datasheet figure. flops_per_second 0 if it could not run. */
void jf_peak_measure_gemm(jf_precision_t precision, int threads, double seconds,
                          jf_peak_t *out);

#endif
