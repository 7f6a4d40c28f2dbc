/* jf_placement.c: oversubscription and pinning checks. */
#define _GNU_SOURCE
#include "jf_placement.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { W_OVERSUBSCRIBED = 1, W_THREADS_UNPINNED = 2, W_RANKS_UNBOUND = 4, W_NODE_SHARED = 8 };

/* Under Slurm, SLURM_CPUS_ON_NODE is what the job holds on this node: fewer
 * than the node's CPUs means another job may run there (no --exclusive). */
static int slurm_cpus_on_node(void)
{
    const char *job = getenv("SLURM_JOB_ID"), *cpus = getenv("SLURM_CPUS_ON_NODE");
    char *end;
    if (job == NULL || *job == '\0' || cpus == NULL)
        return 0;
    const long n = strtol(cpus, &end, 10);
    return end != cpus && *end == '\0' && n > 0 && n < 1 << 20 ? (int)n : 0;
}

void jf_placement_check(MPI_Comm world, int threads, jf_placement_t *p)
{
    MPI_Comm node;
    cpu_set_t set;
    int rank, flags = 0, all_flags = 0, held = 0, fewest_held = 0;

    memset(p, 0, sizeof *p);
    MPI_Comm_rank(world, &rank);
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &p->local_ranks);
    MPI_Comm_free(&node);
    p->cores_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    p->cpus_allowed = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                                 : p->cores_online;
    if (p->local_ranks * threads > p->cores_online)
        flags |= W_OVERSUBSCRIBED;
    /* more than one thread and no OpenMP binding: threads may migrate */
    const char *bind = getenv("OMP_PROC_BIND");
    if (threads > 1 && (bind == NULL || strcmp(bind, "false") == 0))
        flags |= W_THREADS_UNPINNED;
    /* several ranks on a node, each allowed every CPU: ranks are not bound */
    if (p->local_ranks > 1 && p->cpus_allowed >= p->cores_online && p->cores_online > 1)
        flags |= W_RANKS_UNBOUND;
    held = slurm_cpus_on_node();
    if (held > 0 && held < p->cores_online)
        flags |= W_NODE_SHARED;
    MPI_Reduce(&flags, &all_flags, 1, MPI_INT, MPI_BOR, 0, world);
    if (held == 0)
        held = p->cores_online;
    MPI_Reduce(&held, &fewest_held, 1, MPI_INT, MPI_MIN, 0, world);
    if (rank != 0)
        return;
    if (all_flags & W_OVERSUBSCRIBED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "%d ranks x %d threads on a node with %d cores: cores are oversubscribed, "
                 "timings and J/FLOP will suffer", p->local_ranks, threads, p->cores_online);
    if (all_flags & W_THREADS_UNPINNED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "%d threads per rank but OMP_PROC_BIND is not set: threads may migrate "
                 "(set OMP_PROC_BIND=close OMP_PLACES=cores)", threads);
    if (all_flags & W_RANKS_UNBOUND)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "ranks are not bound to cores (each may run on any of %d CPUs); use "
                 "mpirun --bind-to core or srun --cpu-bind=cores", p->cores_online);
    if (all_flags & W_NODE_SHARED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "shared allocation: Slurm gave this job %d of a node's %d CPUs, so other "
                 "jobs may run on the node and its energy then includes their work (submit "
                 "with --exclusive)", fewest_held, p->cores_online);
}
