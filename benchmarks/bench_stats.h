/* bench_stats.h: the statistics the micro-benchmarks share. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdlib.h>

static int bench_cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of n values (sorts them in place). Medians, not means: a shared
 * machine adds outliers in one direction only. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#endif
