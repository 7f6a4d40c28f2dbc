/* jf_placement.h: is the job laid out on the cores the way a benchmark
 * needs, and on what processors? Oversubscribed cores or unpinned threads
 * make timings (and so J/FLOP) depend on the scheduler rather than on the
 * hardware; nodes of different processors make one figure of two. */
#ifndef JF_PLACEMENT_H
#define JF_PLACEMENT_H

#include <mpi.h>
#include <stddef.h>

#include "core/jf_cpu_id.h"

#define JF_MAX_WARNINGS 9   /* 6 of placement, at most 2 of the processor, 1 spare */
#define JF_WARNING_LEN 240

typedef struct {
    int local_ranks;        /* ranks on this rank's node */
    int cores_online;       /* this node's online CPUs */
    int cpus_allowed;       /* CPUs in this rank's affinity mask */
    jf_cpu_id_t cpu;        /* world rank 0's node's processor (the same on every rank) */
    int cpu_uniform;        /* 1 when every rank that could read its node's reported the
                               same kind (jf_cpu_id_hash) */
    int nwarnings;
    char warnings[JF_MAX_WARNINGS][JF_WARNING_LEN];
} jf_placement_t;

/* Collective over world: every rank inspects its own placement, and every
 * rank gets the same warnings: those that hold on any rank. Also warns when Slurm gave the
 * job only part of a node (SLURM_CPUS_ON_NODE below the online CPUs): node
 * energy is then not the job's alone. */
/* Also reads each rank's /proc/cpuinfo (core/jf_cpu_id.h): every rank
 * gets world rank 0's, and a warning when the ranks' nodes differ. */
void jf_placement_check(MPI_Comm world, int threads, jf_placement_t *p);

#endif
