/* jf_clock.h: a monotonic clock usable before MPI_Init (MPI_Wtime is not). */
#ifndef JF_CLOCK_H
#define JF_CLOCK_H

/* Seconds since an arbitrary fixed point, CLOCK_MONOTONIC. */
double jf_clock_seconds(void);

/* Wall-clock seconds since 1970-01-01 UTC, CLOCK_REALTIME. */
double jf_clock_utc(void);

#endif
