/* jf_placement.c: oversubscription and pinning checks. */
#define _GNU_SOURCE
#include "jf_placement.h"

#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    W_OVERSUBSCRIBED = 1, W_THREADS_UNPINNED = 2, W_RANKS_UNBOUND = 4, W_THREADS_CROWDED = 8,
    W_BLIS_THREADS_IGNORED = 16, W_NODE_SHARED = 32
};

/* CPUs this rank may use. With OMP_PROC_BIND set, libgomp binds the
 * initial thread to its first place as it starts, so that thread's mask
 * shows one place; the place list still spans every CPU the rank was given. */
static int rank_cpus(int cores_online)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : cores_online;
#if defined(_OPENMP) && _OPENMP >= 201511
    int in_places = 0;
    for (int i = 0; i < omp_get_num_places(); i++)
        in_places += omp_get_place_num_procs(i);
    if (in_places > n)
        n = in_places;
#endif
    return n;
}

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

/* The warnings, worded for the user, for the flags seen on any rank. */
static void write_warnings(jf_placement_t *p, int all_flags, int threads, int allowed_min,
                           int fewest_held, const char *blis_nt)
{
    if (all_flags & W_OVERSUBSCRIBED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "%d ranks x %d threads on a node with %d cores: cores are oversubscribed, "
                 "timings and J/FLOP will suffer", p->local_ranks, threads, p->cores_online);
    if (all_flags & W_THREADS_UNPINNED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "%d threads per rank but OMP_PROC_BIND is not set: threads may migrate "
                 "(set OMP_PROC_BIND=close OMP_PLACES=cores)", threads);
    if (all_flags & W_THREADS_CROWDED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "%d threads per rank but a rank may run on only %d CPU%s: its threads share "
                 "cores (bind each rank to %d cores: mpirun --map-by slot:PE=%d or --bind-to "
                 "none, srun --cpus-per-task=%d)", threads, allowed_min,
                 allowed_min == 1 ? "" : "s", threads, threads, threads);
    if (all_flags & W_BLIS_THREADS_IGNORED)
        snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                 "BLIS_NUM_THREADS=%s is ignored: jflop-run gives BLIS its own thread count "
                 "(%d per rank; set --threads or OMP_NUM_THREADS)",
                 blis_nt ? blis_nt : "?", threads);
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

void jf_placement_check(MPI_Comm world, int threads, jf_placement_t *p)
{
    MPI_Comm node;
    int rank, flags = 0, all_flags = 0, held = 0, fewest_held = 0;

    memset(p, 0, sizeof *p);
    MPI_Comm_rank(world, &rank);
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &p->local_ranks);
    MPI_Comm_free(&node);
    p->cores_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    p->cpus_allowed = rank_cpus(p->cores_online);
    if (p->local_ranks * threads > p->cores_online)
        flags |= W_OVERSUBSCRIBED;
    /* more than one thread and no OpenMP binding: threads may migrate */
    const char *bind = getenv("OMP_PROC_BIND");
    if (threads > 1 && (bind == NULL || strcmp(bind, "false") == 0))
        flags |= W_THREADS_UNPINNED;
    /* several ranks on a node, each allowed every CPU: ranks are not bound */
    if (p->local_ranks > 1 && p->cpus_allowed >= p->cores_online && p->cores_online > 1)
        flags |= W_RANKS_UNBOUND;
    /* more threads than the CPUs the rank may use: mpirun binds a lone rank
     * to one core by default, and OMP_PROC_BIND then pins every thread to it */
    if (threads > p->cpus_allowed)
        flags |= W_THREADS_CROWDED;
    /* jflop passes its thread count to every BLIS call, so BLIS_NUM_THREADS
     * alone does nothing */
    const char *blis_nt = getenv("BLIS_NUM_THREADS");
    if (blis_nt != NULL && blis_nt[0] != '\0' && atoi(blis_nt) != threads)
        flags |= W_BLIS_THREADS_IGNORED;
    int allowed_min = p->cpus_allowed;
    MPI_Reduce(&p->cpus_allowed, &allowed_min, 1, MPI_INT, MPI_MIN, 0, world);
    held = slurm_cpus_on_node();
    if (held > 0 && held < p->cores_online)
        flags |= W_NODE_SHARED;
    MPI_Reduce(&flags, &all_flags, 1, MPI_INT, MPI_BOR, 0, world);
    if (held == 0)
        held = p->cores_online;
    MPI_Reduce(&held, &fewest_held, 1, MPI_INT, MPI_MIN, 0, world);
    /* the processor: each rank reads its own node's (a file read, no node
     * communicator needed) and rank 0's is the job's. Over the ranks that
     * could read theirs: the kind (vendor, name, family, model) must agree,
     * the details (stepping, CPU count, features) are warned of */
    jf_cpu_id_read(NULL, &p->cpu);
    const int known = p->cpu.known;
    const uint64_t mine[2] = {jf_cpu_id_hash(&p->cpu), jf_cpu_id_detail_hash(&p->cpu)};
    const uint64_t lo_in[2] = {known ? mine[0] : UINT64_MAX, known ? mine[1] : UINT64_MAX};
    const uint64_t hi_in[2] = {known ? mine[0] : 0, known ? mine[1] : 0};
    uint64_t lo[2], hi[2];
    int unknown = !known, unknown_ranks = 0, ranks = 1;
    MPI_Allreduce(lo_in, lo, 2, MPI_UINT64_T, MPI_MIN, world);
    MPI_Allreduce(hi_in, hi, 2, MPI_UINT64_T, MPI_MAX, world);
    MPI_Allreduce(&unknown, &unknown_ranks, 1, MPI_INT, MPI_SUM, world);
    MPI_Comm_size(world, &ranks);
    p->cpu_uniform = lo[0] >= hi[0];   /* also when no rank could read its own */
    const int details_differ = lo[1] < hi[1];
    MPI_Bcast(&p->cpu, (int)sizeof p->cpu, MPI_BYTE, 0, world);
    if (rank == 0) {
        write_warnings(p, all_flags, threads, allowed_min, fewest_held, blis_nt);
        if (!p->cpu.known)
            snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                     "the processor is unknown (%.150s): the results cannot say what the "
                     "figures were measured on", p->cpu.why);
        else if (unknown_ranks > 0)
            snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                     "the processor is unknown on %d of %d ranks (their /proc/cpuinfo could "
                     "not be read): the results file names rank 0's node's", unknown_ranks,
                     ranks);
        if (!p->cpu_uniform)
            snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                     "the nodes' processors differ (/proc/cpuinfo: vendor, model name, family "
                     "or model): the figures are of a mixed job; the results file names rank "
                     "0's node's");
        else if (details_differ)
            snprintf(p->warnings[p->nwarnings++], JF_WARNING_LEN,
                     "the nodes' processors are of one kind but differ in stepping, CPU count "
                     "or listed features (SMT or CPUs off, another kernel?): the results file "
                     "names rank 0's node's");
    }
    /* every rank holds them: the results file is written by all ranks */
    MPI_Bcast(&p->nwarnings, 1, MPI_INT, 0, world);
    MPI_Bcast(p->warnings, (int)sizeof p->warnings, MPI_CHAR, 0, world);
}
