/* jf_results.h: the run's self-describing HDF5 file (schema in
 * results/SCHEMA.md), written by all ranks through parallel HDF5: each rank
 * writes its own step timings, each node's reader its own energy trace. The
 * file is written under a temporary name and renamed when complete. */
#ifndef JF_RESULTS_H
#define JF_RESULTS_H

#include <mpi.h>

#include "energy/jf_energy_job.h"
#include "out/jf_summary.h"

#define JF_SCHEMA_VERSION "1.5"
#define JF_SCHEMA_MAJOR 1

/* The default file name: results/jflop-<UTC time>-<Slurm job id or pid>.h5,
 * identical on every rank (rank 0 decides). Collective. */
void jf_results_default_path(MPI_Comm world, char *path, size_t pathlen);

/* Collective: write the file. s->energy must be the same on every rank
 * (jf_energy_job_bcast); meter is this rank's node meter or NULL. started_utc
 * and ended_utc are epoch seconds of the run. */
jf_err_t jf_results_write(const char *path, const jf_summary_t *s, const jf_energy_setup_t *energy,
                          double started_utc, double ended_utc, MPI_Comm world, char *msg,
                          size_t msglen);

#endif
