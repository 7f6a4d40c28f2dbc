/* jf_clock.c: CLOCK_MONOTONIC in seconds. */
#define _POSIX_C_SOURCE 200809L
#include "jf_clock.h"

#include <time.h>

double jf_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double jf_clock_utc(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
