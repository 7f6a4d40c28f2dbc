/* jf_result_read.h: reading a jflop results file (schema in
 * results/SCHEMA.md) with plain serial HDF5: no MPI needed. */
#ifndef JF_RESULT_READ_H
#define JF_RESULT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_ledger.h"

#define JF_RESULT_MAX_CHECKS 8

/* One --verify check as /verify/<name> holds it. */
typedef struct {
    char name[32];
    int ran, pass;
    double value, threshold;
    char detail[256];
} jf_result_check_t;

typedef struct {
    char path[1024];
    /* what tables call the run: the file name, or (jf_result_name_runs) the
     * shortest path suffix that tells it from the other runs of a report */
    char name[256];
    char schema_version[16], jflop_version[32], status[16], status_reason[512];
    char hosts[1024], precision[8], blis_arch[32], start_utc[40];
    /* Slurm's job id, array job id and task ("" outside Slurm) */
    char slurm_job_id[32], slurm_array_job_id[32], slurm_array_task_id[16];
    /* /gemm (schema 1.4; "" and 0 in older files, which ran BLIS only) */
    char gemm_backend[16], gemm_version[48], gemm_kernel[160];
    int64_t gemm_emulated;
    int64_t layers, d_model, heads, ctx, ff, batch, steps, steps_done, ranks, nodes, threads;
    uint64_t n_params, tokens;
    double seconds;
    jf_u128 flops_6nd, flops_counted;
    int verified;
    /* energy */
    char energy_source[24], energy_status[16];
    int64_t measured_nodes, total_nodes, extrapolated;
    int have_joules;
    double joules, joules_extrapolated;
    char warnings[2304];   /* the run's warnings, one per line ("" when none; the
                              writer's at most 9 x 240) */
    /* 1.9 ("" and 1 in older files): the processor, one line, and whether
     * every node's was the same kind */
    char cpu[320], cpu_model_name[160];
    int64_t cpu_uniform, cpu_count;
    /* 1.7 ("" in older files): the measured nodes' covers class and basis
     * (one, or "mixed"), and the scheduler's word on exclusive nodes
     * (/sharing: "yes", "no", "unknown") with where it comes from */
    char energy_covers[32], energy_basis[128], exclusive[16], exclusive_how[160];
    int have_max_share;    /* /sharing/max_other_cpu_share */
    double max_other_cpu_share;
    /* read for jflop validate (/verify since schema 1.2); optional fields absent from a
     * file stay 0 or empty, with have_* saying so */
    char end_utc[40], command_line[2048];
    jf_u128 flops_dense_counted;
    int have_peak_flops;
    double peak_flops;          /* /config/peak_flops_per_second: measured FMA peak, all ranks */
    double min_seconds;         /* /config/min_seconds, 0 when absent */
    double sample_interval;     /* /energy/sample_interval, s */
    int have_verify;            /* /verify exists (schema >= 1.2) */
    int verify_requested, nverify;
    jf_result_check_t verify[JF_RESULT_MAX_CHECKS];
    double lr, loss_floor;      /* /config: SGD rate; the data's floor, nat per token */
    /* /quality (schema 1.6; have_quality 0 in older files) */
    int have_quality, have_bits, have_eval_joules, have_joules_to_target;
    double bits_compressed;     /* prequential bits (have_bits: absent when a loss was not finite) */
    double ln_vocab;            /* nat */
    int64_t evaluations, eval_every;
    double eval_seconds, eval_joules;           /* the validation passes: s, J */
    double val_loss_last, val_loss_best, learned_fraction;  /* when evaluations > 0 */
    double target_loss;         /* nat; 0: no target */
    int64_t target_reached, steps_to_target;
    double seconds_to_target, joules_to_target;
    jf_u128 flops_to_target;
    /* 1.7: --idle-seconds (0: not asked or an older file); idle and
     * dynamic Joules of the job when every measured node measured idle */
    double idle_seconds_asked;
    int have_idle;
    double idle_joules, dynamic_joules;
} jf_result_t;

/* Read one file. Errors name the file and the field: not HDF5, not a
 * jflop file, a newer major schema, a missing or malformed field. */
jf_err_t jf_result_read(const char *path, jf_result_t *r, char *msg, size_t msglen);

/* Name each run by the shortest suffix of its path (whole components)
 * that no other run's path ends with: "run.h5" when the file names differ,
 * "a/run.h5" and "b/run.h5" when two folders each hold a run.h5. */
void jf_result_name_runs(jf_result_t *runs, int n);

/* The Joules a table should use: measured, or the labelled estimate. */
double jf_result_joules(const jf_result_t *r, int *estimated);

/* The run's GEMM operand width in bits (fp64 64, fp32 32, bf16 16), the
 * bits per FLOP of its Landauer comparison; 32 for an unknown precision. */
double jf_result_operand_bits(const jf_result_t *r);

/* One node's energy group, /energy/node_NNNN, with its trace. */
#define JF_RESULT_MAX_DOMAINS 32
#define JF_RESULT_MAX_PARTS 8

typedef struct {
    char node[64], backend[24], reason[512], coverage[512];
    int measured, invalid, have_joules, have_watts;
    double joules, seconds, sample_interval, phase_start_utc, phase_end_utc;
    double mean_watts, peak_watts;  /* W, have_watts (present when measured) */
    uint64_t samples, wraps;
    char basis[128];                /* 1.6: "energy counter", "integrated from power
                                       readings every T s"; "" in older files */
    char covers[32];                /* 1.7: "CPU packages + DRAM", ...; "" before */
    int have_share;                 /* 1.7: other_cpu_share present */
    double other_cpu_share;         /* fraction of the node's CPU time others used */
    char share_how[160];            /* how it was found, or why it is unknown */
    /* 1.6, where the backend tells its source's readings apart (a BMC):
     * its distinct readings in the phase and their rate (validate's
     * sampling.rate judges this rate, not the sampler's) */
    int have_effective_rate;
    uint64_t source_readings;
    double effective_rate;          /* 1/s */
    /* the node's domains (names, scopes, J over the phase, added into the
     * node total or not); ndomains 0 when the node had none */
    int ndomains, have_domain_joules;
    char domain[JF_RESULT_MAX_DOMAINS][64], domain_scope[JF_RESULT_MAX_DOMAINS][128];
    double domain_joules[JF_RESULT_MAX_DOMAINS];
    int domain_in_total[JF_RESULT_MAX_DOMAINS];
    size_t trace_rows, trace_cols;  /* trace: rows x (1 + domains) */
    double *trace;                  /* column 0 time from the phase start (s), then J */
    int32_t *trace_mark;            /* 0 periodic, 1 first, 2 phase start, 3 stop, 4 last,
                                     * 5 and 6 a validation pass's start and stop,
                                     * 7 and 8 the idle window's (1.7) */
    /* 1.7: idle power and energy per step part (0 / absent in older files) */
    int have_idle;
    double idle_watts, idle_seconds, idle_joules, dynamic_joules;
    int nparts;                     /* step parts with their figures; 0: none */
    char part_name[JF_RESULT_MAX_PARTS][32];
    double part_seconds[JF_RESULT_MAX_PARTS], part_joules[JF_RESULT_MAX_PARTS];
    double part_uncertainty[JF_RESULT_MAX_PARTS];
} jf_result_node_t;

/* Read every node group of a file (/energy/total_nodes of them) with its
 * trace; the caller frees them with jf_result_nodes_free. Errors name the
 * file and the field. */
jf_err_t jf_result_read_nodes(const char *path, jf_result_node_t **nodes, int *count, char *msg,
                              size_t msglen);
void jf_result_nodes_free(jf_result_node_t *nodes, int count);

/* A run's steps (/loss and /timing), for the plots. */
typedef struct {
    size_t nloss;
    double *loss;            /* nat per token of each measured step (NaN when it was) */
    size_t ranks, steps;     /* step_seconds and step_start are [ranks][steps] */
    double *step_seconds;    /* s; warm-up steps first; 0 for a step that did not run (1.0) */
    double *step_start;      /* s from the measured phase's start; NULL when absent */
    int64_t warmup;          /* warm-up steps among the columns */
} jf_result_steps_t;

/* Read them; errors name the file and the dataset (missing, of another
 * shape, negative or non-finite step times). Free with jf_result_steps_free. */
jf_err_t jf_result_read_steps(const char *path, jf_result_steps_t *steps, char *msg,
                              size_t msglen);
void jf_result_steps_free(jf_result_steps_t *steps);

/* /quality/passes (schema 1.7): one row per validation pass. n 0 when the
 * file has none (no validation, or written before 1.7); train_joules NULL
 * without energy. */
typedef struct {
    size_t n;
    int64_t *step;           /* measured steps before the pass */
    double *val_loss;        /* nat per token */
    double *train_seconds;   /* s of training before it */
    double *train_joules;    /* J of training (all nodes) before it, NULL when absent */
    int joules_estimated;    /* its units say ESTIMATE (extrapolated nodes) */
} jf_result_passes_t;

/* Read them; errors name the file and the dataset (of another length than
 * step, not finite, decreasing energy). Free with jf_result_passes_free. */
jf_err_t jf_result_read_passes(const char *path, jf_result_passes_t *passes, char *msg,
                               size_t msglen);
void jf_result_passes_free(jf_result_passes_t *passes);

#endif
