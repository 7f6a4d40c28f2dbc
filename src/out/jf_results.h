/* jf_results.h: the run's self-describing HDF5 file (schema in
 * results/SCHEMA.md), written by all ranks through parallel HDF5: each rank
 * writes its own step timings, each node's reader its own energy trace. The
 * file is written under a temporary name and renamed when complete. */
#ifndef JF_RESULTS_H
#define JF_RESULTS_H

#include <mpi.h>

#include "energy/jf_energy_job.h"
#include "out/jf_results_schema.h"
#include "out/jf_summary.h"

/* The default file name: results/jflop-<UTC time>-<Slurm job id or pid>.h5,
 * identical on every rank (rank 0 decides). Collective. */
void jf_results_default_path(MPI_Comm world, char *path, size_t pathlen);

/* Collective: write the file. s->energy must be the same on every rank
 * (jf_energy_job_bcast); meter is this rank's node meter or NULL. started_utc
 * and ended_utc are epoch seconds of the run. A write that fails on any
 * rank (a full disk, a read-only file system, no memory) fails on every
 * rank, with the same one-line msg naming the file, the part being written
 * and why, and the temporary file removed: JF_EIO. JF_EMPI when a rank
 * did not answer in time (stuck in a parallel HDF5 collective): the caller
 * must end the job (MPI_Abort). No MPI_Abort or exit here. */
jf_err_t jf_results_write(const char *path, const jf_summary_t *s, const jf_energy_setup_t *energy,
                          double started_utc, double ended_utc, MPI_Comm world, char *msg,
                          size_t msglen);

/* After a failed jf_results_write: 1 when parallel HDF5 still holds the
 * file open (its close is a collective that can hang or crash once a write
 * failed, and MPI_Finalize would run it through HDF5's clean-up): the
 * caller then ends the process without MPI_Finalize, on every rank alike. */
int jf_results_left_open(void);

#endif
