/* jf_placement.h: is the job laid out on the cores the way a benchmark
 * needs? Oversubscribed cores or unpinned threads make timings (and so
 * J/FLOP) depend on the scheduler rather than on the hardware. */
#ifndef JF_PLACEMENT_H
#define JF_PLACEMENT_H

#include <mpi.h>
#include <stddef.h>

#define JF_MAX_WARNINGS 6
#define JF_WARNING_LEN 240

typedef struct {
    int local_ranks;        /* ranks on this rank's node */
    int cores_online;       /* this node's online CPUs */
    int cpus_allowed;       /* CPUs in this rank's affinity mask */
    int nwarnings;
    char warnings[JF_MAX_WARNINGS][JF_WARNING_LEN];
} jf_placement_t;

/* Collective over world: every rank inspects its own placement, and every
 * rank gets the same warnings: those that hold on any rank. Also warns when Slurm gave the
 * job only part of a node (SLURM_CPUS_ON_NODE below the online CPUs): node
 * energy is then not the job's alone. */
void jf_placement_check(MPI_Comm world, int threads, jf_placement_t *p);

#endif
