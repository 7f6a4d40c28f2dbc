/* jf_energy_job.h: energy across the MPI job. One rank per node (local rank
 * 0 of the node communicator) opens a backend and runs the meter; the
 * per-node results are gathered to world rank 0, summed, and extrapolated
 * (labelled as such) when some nodes could not be read. */
#ifndef JF_ENERGY_JOB_H
#define JF_ENERGY_JOB_H

#include <mpi.h>

#include "energy/jf_energy.h"
#include "energy/jf_energy_meter.h"
#include "energy/jf_energy_phases.h"

#define JF_NODE_NAME_LEN 64

/* The node grouping: MPI_Comm_split_type(MPI_COMM_TYPE_SHARED), or, when
 * JFLOP_NODE_NAME is set (a test seam that lets one host play several
 * nodes), ranks with equal names. name gets this rank's node name. */
jf_err_t jf_node_comm(MPI_Comm world, MPI_Comm *node, char *name, size_t namelen);

/* One node's result: plain data, sent over MPI as bytes. */
typedef struct {
    char node[JF_NODE_NAME_LEN];
    char backend[24];
    int measured;                /* a backend with domains ran, and the phase is valid */
    int invalid;                 /* a backend ran but its reading broke (see reason) */
    char reason[JF_MSG_LEN];     /* why not, when not */
    char coverage[160];
    char basis[96];              /* "energy counter", "integrated from power readings every T s" */
    double update_seconds;       /* the source refreshes every so often (0: no limit) */
    char update_how[160];        /* where that figure comes from */
    int reports_readings;        /* source_readings and effective_rate are known */
    uint64_t source_readings;    /* the source's distinct readings in the phase */
    double effective_rate;       /* their rate, 1/s */
    int ndomains;
    jf_energy_domain_t domains[JF_ENERGY_MAX_DOMAINS];
    double domain_joules[JF_ENERGY_MAX_DOMAINS];
    double joules, seconds, mean_watts, peak_watts;
    uint64_t samples, wraps;
    double interval, start_utc, stop_utc;
    uint64_t trace_count;        /* samples in the node leader's trace */
    double sampler_cpu_seconds;  /* CPU time of the node's sampler thread, whole run */
    uint64_t sampler_reads;      /* readings that thread took */
    int evals;                   /* validation passes inside the phase (their own */
    double eval_joules, eval_seconds;  /* phase: out of joules and seconds above) */
    char covers[32];             /* the backend's class: "CPU packages + DRAM", ... */
    /* The share of the node's CPU time other processes used in the measured
     * phase (core/jf_cpu_share.h), known or with the reason it is not */
    int share_known;
    double other_cpu_share;      /* fraction, 0..1 */
    char share_note[160];
    /* --idle-seconds: the node's power while its ranks slept before the
     * warm-up; idle energy of the phase = idle_watts x seconds */
    int idle_measured;
    double idle_seconds, idle_watts;
    /* energy per step part (jf_energy_phases.h), the node leader's own
     * stamps: the parts, then "other" (the rest of the phase) */
    int parts_measured;
    int nparts;                  /* parts including "other" */
    double part_seconds[JF_ENERGY_PARTS_MAX];
    double part_joules[JF_ENERGY_PARTS_MAX];
    double part_uncertainty[JF_ENERGY_PARTS_MAX];
    uint64_t part_intervals, part_shared_intervals;
} jf_energy_node_t;

typedef struct {
    int total_nodes, measured_nodes;
    jf_energy_node_t *nodes;      /* total_nodes of them, world rank 0 only */
    char source[24];              /* the backend, "mixed", or "none" */
    double joules_measured;       /* sum over measured nodes */
    int extrapolated;             /* some nodes unmeasured, some measured */
    double joules_estimate;       /* measured mean x node count when extrapolated */
    double interval;              /* the sampling interval used (largest over nodes) */
    int invalid_nodes;            /* nodes whose energy broke during the run */
    int first_invalid;            /* index of the first of them */
    double eval_joules_measured;  /* validation passes, sum over measured nodes */
    double eval_joules_estimate;  /* measured mean x node count when extrapolated */
    char exclusive[16];           /* the scheduler's word (core/jf_sched.h): yes, no, unknown */
    char exclusive_how[160];
    int idle_nodes;               /* measured nodes whose idle power was measured */
    double idle_joules_measured;  /* sum of their idle_watts x seconds */
} jf_energy_job_t;

/* This node's result from its meter (meter NULL: the backend is none or
 * failed to open, with the reason given). */
void jf_energy_node_fill(jf_energy_node_t *out, const char *node,
                         const jf_energy_session_t *session, const jf_energy_meter_t *meter,
                         const char *not_measured_reason);

/* Collective over world: gather the leaders' results to world rank 0.
 * leaders is the communicator of node leaders (MPI_COMM_NULL elsewhere). */
jf_err_t jf_energy_job_gather(const jf_energy_node_t *mine, MPI_Comm leaders, MPI_Comm world,
                              jf_energy_job_t *job);
void jf_energy_job_free(jf_energy_job_t *job);

/* Collective: give every rank world rank 0's job (the results file is
 * written by all ranks, and its metadata must be identical on each). */
jf_err_t jf_energy_job_bcast(jf_energy_job_t *job, MPI_Comm world);

/* Everything one rank needs to take part in the job's energy measurement. */
typedef struct {
    MPI_Comm node;                 /* ranks of this node */
    MPI_Comm leaders;              /* one rank per node; MPI_COMM_NULL elsewhere */
    char node_name[JF_NODE_NAME_LEN];
    int leader;                    /* this rank reads the node's counters */
    jf_energy_paths_t paths;
    jf_energy_session_t session;
    int session_open;
    jf_energy_meter_t meter;
    int meter_running;
    double interval;
    char note[JF_MSG_LEN];         /* e.g. the interval was shortened */
    const double *part_stamps;     /* set before jf_energy_end: the measured steps' */
    size_t part_steps;             /* part stamps (jf_energy_parts_attribute's layout) */
    int nparts;                    /* 0: no energy per part */
    char not_measured[JF_MSG_LEN]; /* why this node has no energy */
    /* leaders: the node's CPU sharing, set before jf_energy_end */
    int share_known;
    double other_cpu_share;
    char share_note[160];
} jf_energy_setup_t;

/* Collective over world: group nodes, open the requested backend on each
 * node's leader, settle the sampling interval. Bad input (an explicitly
 * requested backend that works on no node, an interval too long for the
 * counters' wrap period or shorter than the source refreshes) returns JF_EINVAL with the reason on world rank
 * 0; the caller exits with the usage status. */
jf_err_t jf_energy_setup(jf_energy_setup_t *e, MPI_Comm world, const char *request,
                         const jf_energy_flags_t *flags, double interval, int interval_given,
                         char *msg, size_t msglen);

/* Collective over world: the number of nodes, one per leader. */
int jf_energy_nodes(const jf_energy_setup_t *e, MPI_Comm world);

/* Leaders: start the meter (first reading, sampler thread). Returns the
 * meter whose readings jf_train_run's phase hook marks, NULL on other ranks
 * or without energy. */
jf_energy_meter_t *jf_energy_begin(jf_energy_setup_t *e);

/* Collective: stop the meters and gather the job's result to world rank 0. */
jf_err_t jf_energy_end(jf_energy_setup_t *e, MPI_Comm world, jf_energy_job_t *job);
void jf_energy_setup_free(jf_energy_setup_t *e);

/* The measured nodes' covers class (what 0) or basis (what 1): the one
 * they share, "mixed"; with no node measured "nothing" (covers) or "". */
const char *jf_energy_job_common(const jf_energy_job_t *job, int what);
/* Idle energy of the measured phase over the job (idle_watts x phase
 * seconds, extrapolated as the gross figure is), or NAN unless every
 * measured node measured its idle power. */
double jf_energy_job_idle_joules(const jf_energy_job_t *job);

/* The Joules derived figures use: measured, or the labelled estimate. */
double jf_energy_job_joules(const jf_energy_job_t *job);
/* The same for the validation passes (their own phase). */
double jf_energy_job_eval_joules(const jf_energy_job_t *job);

#endif
