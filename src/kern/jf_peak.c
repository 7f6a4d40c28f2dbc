/* jf_peak.c: FMA throughput. Each thread keeps ACC independent vector
 * accumulators (enough to cover FMA latency x ports) updated as
 * acc = acc * m + a, which the compiler fuses into one FMA per vector
 * (GCC fuses by default in GNU C; -ffp-contract=fast). The multiplier is
 * just below one and the addend tiny, so values stay normal forever. */
#include "jf_peak.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#include "kern/jf_gemm.h"
#include "core/jf_clock.h"
#include "kern/jf_vmath.h"

#define ACC 16          /* independent chains: latency 4 x 2 ports x 2 */
#define INNER 4096      /* FMAs per chain between clock reads */

typedef double v8d __attribute__((vector_size(64)));
typedef float v16f __attribute__((vector_size(64)));

/* One burst of INNER x ACC vector FMAs on 512-bit vectors (which the
 * compiler splits into two or four registers on narrower ISAs, keeping the
 * count exact). Returns a value that depends on every result, so nothing
 * is optimised away. */
#define DEFINE_BURST(name, vec, real)                                             \
    JF_VECTOR_CLONES                                                              \
    static real name(uint64_t bursts)                                             \
    {                                                                             \
        vec acc[ACC];                                                             \
        const vec m = (vec){0} + (real)0.9999999, a = (vec){0} + (real)1e-7;      \
        for (int i = 0; i < ACC; i++)                                             \
            acc[i] = (vec){0} + (real)(1 + i);                                    \
        for (uint64_t b = 0; b < bursts; b++)                                     \
            for (int k = 0; k < INNER; k++)                                       \
                for (int i = 0; i < ACC; i++)                                     \
                    acc[i] = acc[i] * m + a;                                      \
        vec s = acc[0];                                                           \
        for (int i = 1; i < ACC; i++)                                             \
            s += acc[i];                                                          \
        real r = 0;                                                               \
        for (unsigned i = 0; i < sizeof(vec) / sizeof(real); i++)                 \
            r += s[i];                                                            \
        return r;                                                                 \
    }

DEFINE_BURST(burst_d, v8d, double)
DEFINE_BURST(burst_s, v16f, float)

/* The ISA the clones dispatch to on this CPU (what target_clones picks). */
static const char *isa_name(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports(JF_VECTOR_CLONE_TOP))
        return "avx512";
    if (__builtin_cpu_supports("avx2"))
        return "avx2";
#endif
    return "default";
}

void jf_peak_measure(jf_precision_t precision, int threads, double seconds, jf_peak_t *out)
{
    const double lanes = precision == JF_FP64 ? 8 : 16;
    const double flops_per_burst = 2.0 * lanes * ACC * INNER;
    double total_flops = 0, elapsed = 0;
    volatile double sink = 0;

#pragma omp parallel num_threads(threads) reduction(+ : total_flops) reduction(max : elapsed)
    {
        /* calibrate with one burst, then run the rest in one call */
        double t0 = jf_clock_seconds();
        double r = precision == JF_FP64 ? burst_d(1) : (double)burst_s(1);
        const double one = jf_clock_seconds() - t0;
        const uint64_t bursts = one > 0 ? (uint64_t)(seconds / one) + 1 : 1000;
        t0 = jf_clock_seconds();
        r += precision == JF_FP64 ? burst_d(bursts) : (double)burst_s(bursts);
        const double dt = jf_clock_seconds() - t0;
#pragma omp atomic
        sink += r;
        total_flops += flops_per_burst * (double)bursts / dt;  /* per-thread rate */
        elapsed = dt;
    }
    (void)sink;
    out->flops_per_second = total_flops;
    out->seconds = elapsed;
    out->threads = threads;
    out->isa = isa_name();
    out->kind = "FMA";
}

void jf_peak_measure_gemm(jf_precision_t precision, int threads, double seconds,
                          jf_peak_t *out)
{
    enum { N = 1024 };
    jf_bf16_t *a = malloc((size_t)N * N * sizeof *a), *b = malloc((size_t)N * N * sizeof *b);
    float *c = calloc((size_t)N * N, sizeof *c);
    jf_ledger_t scratch_ledger;  /* not the run's: the peak is not training work */
    const jf_gemm_ctx_t ctx = {&scratch_ledger, JF_FLOP_OTHER, threads, NULL};
    const jf_gemm_backend_t *be = jf_gemm_backend_of(precision);
    double best = 0, spent = 0;

    out->flops_per_second = 0;
    out->seconds = 0;
    out->threads = threads;
    out->isa = be != NULL ? be->name : "none";
    out->kind = "GEMM";
    jf_ledger_clear(&scratch_ledger);
    if (a == NULL || b == NULL || c == NULL || precision != JF_BF16)
        goto cleanup;
    for (int64_t i = 0; i < (int64_t)N * N; i++) {
        a[i] = jf_bf16_from_float((float)((i * 7 % 13) - 6) * 0.125f);
        b[i] = jf_bf16_from_float((float)((i * 5 % 11) - 5) * 0.125f);
    }
    const double t_start = jf_clock_seconds();
    do {
        const double t0 = jf_clock_seconds();
        jf_gemm_bf16(&ctx, 0, 0, N, N, N, 1, a, N, b, N, 0, c, N);
        const double dt = jf_clock_seconds() - t0;
        const double rate = 2.0 * N * N * (double)N / dt;
        best = rate > best ? rate : best;
        spent = jf_clock_seconds() - t_start;
    } while (spent < seconds);
    char why[64];
    if (!jf_gemm_failed(why, sizeof why))
        out->flops_per_second = best;
    out->seconds = spent;
cleanup:
    free(a);
    free(b);
    free(c);
}
