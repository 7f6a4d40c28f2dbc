/* jf_train.h: data-parallel training over MPI. Each rank runs `batch`
 * sequences per step; gradients are summed with MPI_Allreduce so every rank
 * keeps identical weights; plain SGD updates them. */
#ifndef JF_TRAIN_H
#define JF_TRAIN_H

#include <mpi.h>
#include <stdint.h>

#include "core/jf_ledger.h"
#include "train/jf_data.h"
#include "kern/jf_gemm.h"
#include "train/jf_model.h"
#include "train/jf_options.h"

/* The parts of a training step, in their order; JF_STEP_PARTS also
 * stands for the time between two steps (data, progress, stop checks). */
typedef enum {
    JF_PART_FORWARD,
    JF_PART_BACKWARD,
    JF_PART_ALLREDUCE,  /* the gradient sum (with --overlap: the wait for it) */
    JF_PART_OPTIMIZER,
    JF_STEP_PARTS
} jf_step_part_t;
extern const char *const jf_step_part_names[JF_STEP_PARTS + 1];  /* ..., "other" */

/* A part of a step begins (JF_STEP_PARTS: the step ended); t is
 * jf_clock_seconds(), the energy sampler's clock. */
typedef void (*jf_part_fn)(void *ctx, jf_step_part_t part, double t);

typedef struct {
    jf_model_t *model;
    const jf_data_t *data;
    double *stamps;         /* NULL, or JF_STEP_PARTS + 1 entries the next step
                             * fills: when each part began, and its end */
    jf_part_fn on_part;     /* NULL, or told as each part begins */
    void *on_part_ctx;
    MPI_Comm comm;
    int rank, ranks;
    int64_t batch;          /* sequences per rank per step */
    double lr;
    int32_t *tokens, *targets;
    int overlap;            /* start each block's allreduce during backward */
    MPI_Request *requests;  /* outstanding MPI_Iallreduce of this step */
    int nrequests, max_requests;
} jf_trainer_t;

jf_err_t jf_trainer_init(jf_trainer_t *tr, jf_model_t *model, const jf_data_t *data,
                         MPI_Comm comm, int64_t batch, double lr);
/* --overlap: sum each block of gradients with MPI_Iallreduce as soon as
 * backward has finished it, instead of one MPI_Allreduce after backward. */
jf_err_t jf_trainer_set_overlap(jf_trainer_t *tr, int overlap);

/* How the MLP backward's product with GELU' runs (jf_gemm.h's
 * jf_mul_mode_t), chosen by measurement in the warm-up steps, where the
 * product meets the caches as in every step: begin before them (one
 * untimed call of each way first: the back-end's first call builds its
 * kernels), finish after them (each way's mean per call summed over
 * ranks, the faster set on every rank). Only where the precision's
 * back-end can fuse the multiplication; elsewhere it runs after the
 * product, unmeasured. */
typedef struct {
    int measured;           /* 0: not measured (see note) */
    jf_mul_mode_t mode;     /* what runs: JF_MUL_FUSED or JF_MUL_AFTER */
    int calls;              /* timed calls of each way (the fewer), this rank */
    double fused_seconds;   /* mean per call, summed over ranks */
    double after_seconds;
    char note[96];          /* why not measured; "" when measured */
} jf_mul_choice_t;

void jf_trainer_begin_mul_choice(jf_trainer_t *tr);
/* Collective over the trainer's communicator. */
void jf_trainer_finish_mul_choice(jf_trainer_t *tr, jf_mul_choice_t *out);

/* "fused" or "after" */
const char *jf_mul_mode_name(jf_mul_mode_t mode);

/* One phrase for the summary: which, and the measured figures. */
void jf_mul_choice_str(const jf_mul_choice_t *c, char *buf, size_t len);

void jf_trainer_free(jf_trainer_t *tr);

/* One step over global sequences [step*ranks*batch, (step+1)*ranks*batch):
 * forward, backward, gradient allreduce, SGD. *loss is the global mean
 * cross-entropy per token before the update; *tokens the tokens this rank ran. */
jf_err_t jf_trainer_step(jf_trainer_t *tr, uint64_t step, jf_ledger_t *ledger,
                         double *loss, uint64_t *tokens);

/* Collective: the validation loss, nats per token, of the model as it is
 * now, over sequences [0, nseq) of the validation stream val. Each rank
 * scores its contiguous share, forward only, in chunks of at most the
 * training batch, FLOPs into ledger; the sums are added over ranks and
 * rank 0's result broadcast, so every rank holds the same value bit for
 * bit (a stop decision taken from it is taken by all). */
jf_err_t jf_trainer_eval(jf_trainer_t *tr, const jf_data_t *val, uint64_t nseq,
                         jf_ledger_t *ledger, double *loss);

/* Sum ledgers over comm (exact 128-bit sums). */
jf_err_t jf_ledger_allreduce(const jf_ledger_t *local, jf_ledger_t *global, MPI_Comm comm);

/* Gradients are summed in pieces of at most this many elements: MPI's
 * large-message allreduce allocates scratch in proportion to its message,
 * so whole-model messages would add up to a gradient's size of unpredicted
 * memory; 4 Mi elements keep it small and the bandwidth unchanged. */
#define JF_ALLREDUCE_CHUNK ((uint64_t)1 << 22)

/* Sum `count` elements in place over comm, JF_ALLREDUCE_CHUNK at a time. */
jf_err_t jf_allreduce_sum(void *buf, uint64_t count, jf_precision_t precision, MPI_Comm comm);

/* The measured phase's two edges, announced to whoever meters it. train/
 * includes no energy header: jflop-run's main wires the node's energy
 * meter to this, as the model's grad-ready hook is wired to the allreduce. */
typedef enum {
    JF_PHASE_START,
    JF_PHASE_STOP,
    JF_PHASE_EVAL_START,  /* a validation pass inside the measured phase begins: */
    JF_PHASE_EVAL_STOP    /* its time and energy are the evaluation's, not training's */
} jf_phase_edge_t;
typedef void (*jf_phase_fn)(void *ctx, jf_phase_edge_t edge);

typedef struct {
    /* resolved configuration */
    jf_run_options_t opt;
    int ranks;
    int nodes;                /* set by the caller: nodes as the energy meters
                               * group them (jf_energy_nodes) */
    uint64_t n_params;        /* Kaplan's N */
    uint64_t n_weights;       /* all trained weights */
    uint64_t tokens;          /* D: tokens counted in the measured steps, all ranks */
    uint64_t tokens_per_step;
    jf_ledger_t ledger;       /* measured steps, all ranks */
    jf_ledger_t ledger_warmup;
    double seconds;           /* wall time of the measured steps */
    double warmup_seconds;
    double process_start;     /* jf_clock_seconds() when the process started */
    double startup_seconds;   /* process start to the first step */
    double *step_seconds;     /* this rank's wall time per step (warm-up first) */
    double *step_start;       /* when each step began, jf_clock_seconds() */
    int64_t steps_ran;        /* entries of step_seconds/step_start: steps that ran */
    int64_t steps_capacity;   /* allocated entries of step_*, loss (grown as steps run) */
    double phase_start, phase_stop;  /* measured phase, jf_clock_seconds() */
    int64_t steps_done;       /* measured steps completed */
    double loss_first, loss_last, loss_floor;
    double *loss;             /* global mean loss of each measured step */
    /* validation (opt.eval_every > 0): passes inside the measured phase,
     * each bracketed by JF_PHASE_EVAL_* edges; seconds excludes them */
    jf_ledger_t ledger_eval;  /* the validation passes, all ranks: outside 6ND */
    uint64_t eval_seqs;       /* validation sequences per evaluation */
    uint64_t eval_tokens;     /* ... and their tokens, all ranks */
    int64_t nevals, evals_capacity;
    int64_t *eval_step;       /* measured steps done before each evaluation */
    double *eval_loss;        /* its validation loss, nats per token */
    double *eval_train_seconds;  /* measured training seconds before it */
    double eval_seconds;      /* wall time of all evaluations (rank's own clock) */
    double val_loss_best;     /* lowest evaluation loss (NAN: none) */
    int target_reached;       /* --target-loss reached at evaluation ... */
    int64_t steps_to_target;  /* ... after this many measured steps */
    const char *stop_rule;    /* what ended the measured phase: "steps", "min-seconds",
                               * "target", "max-steps", "max-seconds", "signal",
                               * "non-finite loss", "GEMM failure" */
    int stopped_by_signal;    /* SIGTERM/SIGINT/SIGUSR1 ended the run early */
    int stop_signal;
    double peak_flops;        /* measured FMA peak of all ranks' threads, FLOP/s */
    const char *peak_isa;     /* vector ISA of the peak kernel (GEMM: its back-end) */
    const char *peak_kind;    /* "FMA" chain, or "GEMM" on a large square (bf16) */
    uint64_t predicted_bytes; /* predicted peak resident bytes per rank (below) */
    uint64_t predicted_model_bytes;   /* jf_model_bytes: the model's arrays */
    uint64_t baseline_bytes;  /* resident before the model was allocated */
    uint64_t scratch_bytes;   /* allreduce scratch allowance (ranks > 1) */
    uint64_t gemm_workspace_bytes;  /* the GEMM back-end's own memory on the step's
                                     * shapes, measured while choosing it (set by
                                     * the caller; 0 when not measured) */
    uint64_t peak_rss_bytes;  /* largest peak resident set over ranks */
    const char *huge_pages;   /* "requested (THP mode madvise)" or why not (rank 0's) */
    uint64_t huge_page_bytes; /* smallest rank's anonymous memory on transparent huge
                               * pages at the end (AnonHugePages; 0 when unknown) */
    int huge_page_bytes_known;
    int replicas_identical;   /* weights bitwise equal on every rank at the end */
    uint64_t weights_hash;
    double weights_sum;
    int ok;
    char reason[JF_MSG_LEN];
    /* called after each step, on every rank (NULL: none); jflop-run's
     * fault injection for the tests (JFLOP_FAULT_RANK_EXIT) */
    void (*after_step)(int64_t step, void *ctx);
    void *after_step_ctx;
    /* called at each edge of the measured phase, on every rank, between
     * two barriers (NULL: none) */
    jf_phase_fn on_phase;
    void *on_phase_ctx;
    /* the measured steps' parts: part_stamps[i * (JF_STEP_PARTS + 1) + p]
     * is when part p of measured step i began (p = JF_STEP_PARTS: its
     * end), jf_clock_seconds(), this rank's own; steps_done rows */
    double *part_stamps;
    /* called as each part of a measured step begins and as the step ends
     * (NULL: none); jflop-run's JFLOP_TEST_PHASE_FILE testing aid */
    jf_part_fn on_step_part;
    void *on_step_part_ctx;
    /* rank 0's progress line adds the node's power and energy so far when
     * this gives them (returns 1; NULL or 0: no energy) */
    int (*progress_energy)(void *ctx, double *watts, double *joules);
    void *progress_energy_ctx;
    jf_mul_choice_t mul;      /* how the product with GELU' ran, and why */
} jf_run_t;

/* Run warm-up and measured steps; fills *run. Rank 0 prints progress on
 * stderr when progress is set. run->on_phase is called at each end of the
 * measured phase, between barriers. Returns an error only for internal
 * failures; a run that fails a check returns JF_OK with run->ok = 0 and
 * the reason. */
jf_err_t jf_train_run(jf_run_t *run, MPI_Comm comm, int progress, char *msg, size_t msglen);
void jf_run_free(jf_run_t *run);

/* Catch SIGTERM, SIGINT and SIGUSR1 (Slurm's time-limit warnings) so the
 * run stops after the current step, on every rank, and can still write its
 * results marked incomplete. */
void jf_train_catch_signals(void);
/* A stop signal has come (what ends a wait before the steps, e.g. the
 * idle window, early). */
int jf_train_stop_requested(void);

/* FNV-1a over the weights' bytes. */
uint64_t jf_weights_hash(const jf_model_t *model);

#endif
