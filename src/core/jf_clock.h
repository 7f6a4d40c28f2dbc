/* jf_clock.h: a monotonic clock usable before MPI_Init (MPI_Wtime is not). */
#ifndef JF_CLOCK_H
#define JF_CLOCK_H

/* Seconds since an arbitrary fixed point, CLOCK_MONOTONIC. */
double jf_clock_seconds(void);

#endif
