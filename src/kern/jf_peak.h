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
    const char *isa;           /* "avx512f", "avx2", "default" */
} jf_peak_t;

/* Run `threads` OpenMP threads for about `seconds` of FMA at `precision`. */
void jf_peak_measure(jf_precision_t precision, int threads, double seconds, jf_peak_t *out);

#endif
