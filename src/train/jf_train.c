/* jf_train.c: the data-parallel training loop, its timing and its checks. */
#include "jf_train.h"

#include "core/jf_clock.h"
#include "kern/jf_gemm.h"
#include "kern/jf_gemm_backend.h"

#include <limits.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static volatile sig_atomic_t stop_signal;

/* The first stop signal is the one the run reports; later ones (a second
 * Ctrl-C, Slurm's TERM after its USR1, a scancel while the file is being
 * written) change nothing: the handler stays installed, so they neither
 * kill the process nor lose the incomplete file. */
static void on_stop_signal(int sig)
{
    if (stop_signal == 0)
        stop_signal = sig;
}

void jf_train_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    /* one at a time, and no system call of the write (the results file,
     * stdout into the launcher's pipe) fails with EINTR because of one */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGUSR1);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

int jf_train_stop_requested(void)
{
    return stop_signal != 0;
}

jf_err_t jf_trainer_init(jf_trainer_t *tr, jf_model_t *model, const jf_data_t *data,
                         MPI_Comm comm, int64_t batch, double lr)
{
    memset(tr, 0, sizeof *tr);
    tr->model = model;
    tr->data = data;
    tr->comm = comm;
    tr->batch = batch;
    tr->lr = lr;
    MPI_Comm_rank(comm, &tr->rank);
    MPI_Comm_size(comm, &tr->ranks);
    const size_t n = (size_t)batch * (size_t)data->ctx;
    tr->tokens = malloc(n * sizeof *tr->tokens);
    tr->targets = malloc(n * sizeof *tr->targets);
    if (tr->tokens == NULL || tr->targets == NULL) {
        jf_trainer_free(tr);
        return JF_ENOMEM;
    }
    return JF_OK;
}

void jf_trainer_free(jf_trainer_t *tr)
{
    if (tr->model != NULL && tr->overlap)
        jf_model_on_grad_ready(tr->model, NULL, NULL);
    free(tr->tokens);
    free(tr->targets);
    free(tr->requests);
    tr->tokens = tr->targets = NULL;
    tr->requests = NULL;
}

/* Backward says a block of gradients is final: start summing it, and let
 * MPI progress the sums already started (no progress thread here). */
static void start_block_sum(void *ctx, uint64_t first, uint64_t count)
{
    jf_trainer_t *tr = ctx;
    const jf_precision_t prec = jf_model_precision(tr->model);
    const MPI_Datatype type = prec == JF_FP64 ? MPI_DOUBLE : MPI_FLOAT;
    const size_t elem = prec == JF_FP64 ? sizeof(double) : sizeof(float);
    char *p = (char *)jf_model_grads(tr->model) + first * elem;
    while (count > 0) {
        const int chunk = (int)(count > JF_ALLREDUCE_CHUNK ? JF_ALLREDUCE_CHUNK : count);
        if (tr->nrequests < tr->max_requests)
            MPI_Iallreduce(MPI_IN_PLACE, p, chunk, type, MPI_SUM, tr->comm,
                           &tr->requests[tr->nrequests++]);
        else  /* never expected (see set_overlap); correct, just not overlapped */
            MPI_Allreduce(MPI_IN_PLACE, p, chunk, type, MPI_SUM, tr->comm);
        p += (size_t)chunk * elem;
        count -= (uint64_t)chunk;
    }
    int done;
    MPI_Testall(tr->nrequests, tr->requests, &done, MPI_STATUSES_IGNORE);
}

jf_err_t jf_trainer_set_overlap(jf_trainer_t *tr, int overlap)
{
    tr->overlap = overlap;
    if (!overlap) {
        jf_model_on_grad_ready(tr->model, NULL, NULL);
        return JF_OK;
    }
    /* one request per block (layers, head, embeddings), plus one per
     * JF_ALLREDUCE_CHUNK-element piece a block may be split into */
    const uint64_t n = jf_model_nweights(tr->model);
    tr->max_requests = (int)jf_model_shape(tr->model)->layers + 2 + 1 +
                       (int)(n / JF_ALLREDUCE_CHUNK) + 2;
    free(tr->requests);
    tr->requests = malloc((size_t)tr->max_requests * sizeof *tr->requests);
    if (tr->requests == NULL)
        return JF_ENOMEM;
    jf_model_on_grad_ready(tr->model, start_block_sum, tr);
    return JF_OK;
}

static int mul_fusable(const jf_trainer_t *tr)
{
    const jf_precision_t prec = jf_model_precision(tr->model);
    const jf_gemm_backend_t *b = jf_gemm_backend_of(prec);
    return b != NULL && (b->fuses_mul & JF_PRECISION_BIT(prec));
}

void jf_trainer_begin_mul_choice(jf_trainer_t *tr)
{
    if (!mul_fusable(tr))
        return;
    jf_ledger_t scratch;
    jf_ledger_clear(&scratch);
    jf_gemm_set_mul_mode(JF_MUL_FUSED);
    jf_model_mul_product(tr->model, &scratch);
    jf_gemm_set_mul_mode(JF_MUL_AFTER);
    jf_model_mul_product(tr->model, &scratch);
    jf_gemm_set_mul_mode(JF_MUL_MEASURE);
}

void jf_trainer_finish_mul_choice(jf_trainer_t *tr, jf_mul_choice_t *out)
{
    memset(out, 0, sizeof *out);
    out->mode = JF_MUL_AFTER;
    if (!mul_fusable(tr)) {
        snprintf(out->note, sizeof out->note, "the back-end cannot fuse it");
        return;
    }
    double sec[2];
    int calls[2];
    jf_gemm_mul_timed(sec, calls);
    double mean[3] = {calls[0] > 0 ? sec[0] / calls[0] : 0, calls[1] > 0 ? sec[1] / calls[1] : 0,
                      calls[0] > 0 && calls[1] > 0 ? 0 : 1};
    /* every rank decides alike: a rank without both timings (no warm-up
     * step) makes the choice unmeasured everywhere */
    MPI_Allreduce(MPI_IN_PLACE, mean, 3, MPI_DOUBLE, MPI_SUM, tr->comm);
    if (mean[2] > 0) {
        out->mode = JF_MUL_FUSED;
        snprintf(out->note, sizeof out->note, "no warm-up step to measure it in");
    } else {
        out->measured = 1;
        out->calls = calls[0] < calls[1] ? calls[0] : calls[1];
        out->fused_seconds = mean[0];
        out->after_seconds = mean[1];
        out->mode = mean[1] < mean[0] ? JF_MUL_AFTER : JF_MUL_FUSED;
    }
    jf_gemm_set_mul_mode(out->mode);
}

const char *jf_mul_mode_name(jf_mul_mode_t mode)
{
    return mode == JF_MUL_AFTER ? "after" : "fused";
}

void jf_mul_choice_str(const jf_mul_choice_t *c, char *buf, size_t len)
{
    const char *what =
        c->mode == JF_MUL_AFTER ? "after the product" : "fused in the GEMM's epilogue";
    if (!c->measured)
        snprintf(buf, len, "%s (not timed: %s)", what, c->note);
    else
        snprintf(buf, len,
                 "%s, measured in the warm-up steps: %.3f ms per call after the product, "
                 "%.3f ms fused (means of %d or more calls each, ABBA, summed over ranks)",
                 what, c->after_seconds * 1e3, c->fused_seconds * 1e3, c->calls);
}

jf_err_t jf_allreduce_sum(void *buf, uint64_t count, jf_precision_t precision, MPI_Comm comm)
{
    const MPI_Datatype type = precision == JF_FP64 ? MPI_DOUBLE : MPI_FLOAT;
    const size_t elem = precision == JF_FP64 ? sizeof(double) : sizeof(float);
    char *p = buf;

    while (count > 0) {
        const int chunk = (int)(count > JF_ALLREDUCE_CHUNK ? JF_ALLREDUCE_CHUNK : count);
        if (MPI_Allreduce(MPI_IN_PLACE, p, chunk, type, MPI_SUM, comm) != MPI_SUCCESS)
            return JF_EMPI;
        p += (size_t)chunk * elem;
        count -= (uint64_t)chunk;
    }
    return JF_OK;
}

const char *const jf_step_part_names[JF_STEP_PARTS + 1] = {
    [JF_PART_FORWARD] = "forward", [JF_PART_BACKWARD] = "backward",
    [JF_PART_ALLREDUCE] = "allreduce", [JF_PART_OPTIMIZER] = "optimizer",
    [JF_STEP_PARTS] = "other"};

/* Part p of the step begins now (JF_STEP_PARTS: it ended): the sampler's
 * clock, so that the node's energy trace can be cut at these times. */
static void stamp(jf_trainer_t *tr, jf_step_part_t p)
{
    if (tr->stamps == NULL && tr->on_part == NULL)
        return;
    const double t = jf_clock_seconds();
    if (tr->stamps != NULL)
        tr->stamps[p] = t;
    if (tr->on_part != NULL)
        tr->on_part(tr->on_part_ctx, p, t);
}

jf_err_t jf_trainer_step(jf_trainer_t *tr, uint64_t step, jf_ledger_t *ledger,
                         double *loss, uint64_t *tokens)
{
    const int64_t ctx = tr->data->ctx;
    const uint64_t global_seqs = (uint64_t)tr->ranks * (uint64_t)tr->batch;
    const uint64_t first = step * global_seqs + (uint64_t)tr->rank * (uint64_t)tr->batch;
    const double global_tokens = (double)global_seqs * (double)ctx;
    double sum;

    jf_data_fill(tr->data, first, tr->batch, tr->tokens, tr->targets);
    tr->nrequests = 0;
    stamp(tr, JF_PART_FORWARD);
    sum = jf_model_forward_train(tr->model, tr->tokens, tr->targets, 1.0 / global_tokens,
                                 ledger);
    stamp(tr, JF_PART_BACKWARD);
    jf_model_backward(tr->model, tr->tokens, ledger);
    stamp(tr, JF_PART_ALLREDUCE);
    if (tr->overlap) {
        /* the sums started during backward */
        if (MPI_Waitall(tr->nrequests, tr->requests, MPI_STATUSES_IGNORE) != MPI_SUCCESS)
            return JF_EMPI;
    } else if (jf_allreduce_sum(jf_model_grads(tr->model), jf_model_nweights(tr->model),
                                jf_model_precision(tr->model), tr->comm) != JF_OK) {
        return JF_EMPI;
    }
    if (MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, tr->comm) != MPI_SUCCESS)
        return JF_EMPI;
    stamp(tr, JF_PART_OPTIMIZER);
    jf_model_sgd(tr->model, tr->lr, ledger);
    stamp(tr, JF_STEP_PARTS);
    *loss = sum / global_tokens;
    *tokens = (uint64_t)tr->batch * (uint64_t)ctx;
    return JF_OK;
}

jf_err_t jf_trainer_eval(jf_trainer_t *tr, const jf_data_t *val, uint64_t nseq,
                         jf_ledger_t *ledger, double *loss)
{
    const uint64_t ranks = (uint64_t)tr->ranks, rank = (uint64_t)tr->rank;
    const uint64_t first = nseq * rank / ranks, end = nseq * (rank + 1) / ranks;
    const uint64_t batch = (uint64_t)tr->batch;
    double sum = 0;

    for (uint64_t s = first; s < end; s += batch) {
        const int64_t n = (int64_t)(end - s < batch ? end - s : batch);
        jf_data_fill(val, s, n, tr->tokens, tr->targets);
        sum += jf_model_forward_seqs(tr->model, n, tr->tokens, tr->targets, ledger);
    }
    if (MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, tr->comm) != MPI_SUCCESS ||
        MPI_Bcast(&sum, 1, MPI_DOUBLE, 0, tr->comm) != MPI_SUCCESS)
        return JF_EMPI;
    *loss = sum / ((double)nseq * (double)val->ctx);
    return JF_OK;
}

/* MPI reduction of jf_u128 values stored as two uint64 words. */
static void u128_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    for (int i = 0; i < *len; i++) {
        jf_u128 a, b;
        memcpy(&a, (char *)in + (size_t)i * sizeof a, sizeof a);
        memcpy(&b, (char *)inout + (size_t)i * sizeof b, sizeof b);
        b += a;
        memcpy((char *)inout + (size_t)i * sizeof b, &b, sizeof b);
    }
}

jf_err_t jf_ledger_allreduce(const jf_ledger_t *local, jf_ledger_t *global, MPI_Comm comm)
{
    MPI_Datatype u128;
    MPI_Op op;
    jf_err_t err = JF_OK;

    *global = *local;
    if (MPI_Type_contiguous(2, MPI_UINT64_T, &u128) != MPI_SUCCESS)
        return JF_EMPI;
    MPI_Type_commit(&u128);
    MPI_Op_create(u128_sum, 1, &op);
    if (MPI_Allreduce(MPI_IN_PLACE, global->flops, JF_FLOP_NCAT, u128, op, comm) !=
            MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, &global->gemm_calls, 1, MPI_UINT64_T, MPI_SUM, comm) !=
            MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, &global->bf16_converted, 1, MPI_UINT64_T, MPI_SUM, comm) !=
            MPI_SUCCESS)
        err = JF_EMPI;
    MPI_Op_free(&op);
    MPI_Type_free(&u128);
    return err;
}

/* FNV-1a over 64-bit words in four independent lanes, folded at the end:
 * only equality across ranks matters, and the byte-wise chain it replaces
 * ran at ~1 GB/s (most of a second per rank at the medium preset). Any one
 * differing word changes its lane (multiplying by an odd prime is a
 * bijection mod 2^64). */
uint64_t jf_weights_hash(const jf_model_t *model)
{
    const uint64_t basis = 0xcbf29ce484222325ULL, prime = 0x100000001b3ULL;
    const size_t elem = jf_model_precision(model) == JF_FP64 ? sizeof(double) : sizeof(float);
    const unsigned char *p = jf_model_weights((jf_model_t *)model);
    const size_t n = (size_t)jf_model_nweights(model) * elem;
    uint64_t lane[4] = {basis, basis ^ 1, basis ^ 2, basis ^ 3};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * (size_t)l, sizeof w);
            lane[l] = (lane[l] ^ w) * prime;
        }
    for (; i < n; i++)
        lane[0] = (lane[0] ^ p[i]) * prime;
    uint64_t h = basis ^ (uint64_t)n;
    for (int l = 0; l < 4; l++)
        h = (h ^ lane[l]) * prime;
    return h;
}

/* Rank 0's progress line: at most one a second, and always the last step. */
typedef struct {
    double start, last_print;
    int enabled;
} jf_progress_t;

static void progress_report(jf_progress_t *p, const jf_run_t *run, int64_t done,
                            int64_t total, double loss, int measured)
{
    const double now = MPI_Wtime();
    if (!p->enabled || (now - p->last_print < 1.0 && done != total))
        return;
    p->last_print = now;
    const double elapsed = now - p->start;
    const double tps = elapsed > 0 ? (double)run->tokens_per_step * (double)done / elapsed : 0;
    double eta = done > 0 ? elapsed / (double)done * (double)(total - done) : 0;
    if (measured && run->opt.min_seconds > 0 && run->opt.min_seconds - elapsed > eta)
        eta = run->opt.min_seconds - elapsed;  /* --min-seconds keeps it going */
    char energy[64] = "";
    double watts, joules;
    if (run->progress_energy != NULL &&
        run->progress_energy(run->progress_energy_ctx, &watts, &joules))
        snprintf(energy, sizeof energy, "  node %.0f W, %.*f %s so far", watts,
                 joules >= 1e4 ? 1 : 0, joules >= 1e4 ? joules / 1e3 : joules,
                 joules >= 1e4 ? "kJ" : "J");
    fprintf(stderr, "jflop-run: %s step %lld/%lld  loss %.4f  %.0f tokens/s  ETA %.0f s%s\n",
            measured ? "measured" : "warm-up", (long long)done,
            (long long)(done > total ? done : total), loss, tps, eta, energy);
}

/* The per-step tables grow with the steps that run, not with the steps
 * asked: a run of --steps 100000000 stopped after 300 steps must neither
 * hold nor write 100 million rows. New entries are zero. */
static jf_err_t grow_step_tables(jf_run_t *run, int64_t capacity)
{
    double **tables[] = {&run->step_seconds, &run->step_start, &run->loss, &run->part_stamps};
    const size_t width[] = {1, 1, 1, JF_STEP_PARTS + 1};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        double *grown = realloc(*tables[t], (size_t)capacity * width[t] * sizeof **tables[t]);
        if (grown == NULL)
            return JF_ENOMEM;
        memset(grown + (size_t)run->steps_capacity * width[t], 0,
               (size_t)(capacity - run->steps_capacity) * width[t] * sizeof *grown);
        *tables[t] = grown;
    }
    run->steps_capacity = capacity;
    return JF_OK;
}

static jf_err_t grow_eval_tables(jf_run_t *run)
{
    const int64_t capacity = run->evals_capacity > 0 ? 2 * run->evals_capacity : 64;
    int64_t *steps = realloc(run->eval_step, (size_t)capacity * sizeof *steps);
    if (steps == NULL)
        return JF_ENOMEM;
    run->eval_step = steps;
    double **tables[] = {&run->eval_loss, &run->eval_train_seconds};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        double *grown = realloc(*tables[t], (size_t)capacity * sizeof **tables[t]);
        if (grown == NULL)
            return JF_ENOMEM;
        *tables[t] = grown;
    }
    run->evals_capacity = capacity;
    return JF_OK;
}

/* One validation pass inside the measured phase. Barriers and the
 * JF_PHASE_EVAL_* edges bracket it, so the energy meter books its
 * readings to the evaluation and its wall time comes out of the measured
 * training time; its FLOPs go to `ledger`, never the training ledger. Its
 * seconds are taken inside the edges, as its Joules are between the
 * meter's readings there: the edges' own readings and barriers stay
 * training time and training energy (timed outside them, validation's
 * seconds held 30 ms of 176 that its Joules did not). */
static jf_err_t evaluate(jf_run_t *run, jf_trainer_t *tr, const jf_data_t *val,
                         double train_seconds, jf_ledger_t *ledger, double *loss)
{
    if (run->nevals == run->evals_capacity && grow_eval_tables(run) != JF_OK)
        return JF_ENOMEM;
    MPI_Barrier(tr->comm);
    if (run->on_phase != NULL)
        run->on_phase(run->on_phase_ctx, JF_PHASE_EVAL_START);
    MPI_Barrier(tr->comm);
    const double t0 = MPI_Wtime();
    const jf_err_t err = jf_trainer_eval(tr, val, run->eval_seqs, ledger, loss);
    MPI_Barrier(tr->comm);
    run->eval_seconds += MPI_Wtime() - t0;
    if (run->on_phase != NULL)
        run->on_phase(run->on_phase_ctx, JF_PHASE_EVAL_STOP);
    MPI_Barrier(tr->comm);
    if (err != JF_OK)
        return err;
    run->eval_step[run->nevals] = run->steps_done;
    run->eval_loss[run->nevals] = *loss;
    run->eval_train_seconds[run->nevals] = train_seconds;
    run->nevals++;
    if (isnan(run->val_loss_best) || *loss < run->val_loss_best)
        run->val_loss_best = *loss;
    return JF_OK;
}

jf_err_t jf_train_run(jf_run_t *run, MPI_Comm comm, int progress, char *msg, size_t msglen)
{
    const jf_run_options_t *o = &run->opt;
    jf_model_t *model = NULL;
    jf_data_t data = {0, 0, 0, NULL, 0}, val = {0, 0, 0, NULL, 0};
    jf_trainer_t tr;
    jf_ledger_t local, local_warmup, local_eval;
    const int validating = o->eval_every > 0;
    jf_err_t err;
    int rank;

    memset(&tr, 0, sizeof tr);
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &run->ranks);
    run->n_params = jf_shape_params(&o->shape);
    run->tokens_per_step = (uint64_t)run->ranks * (uint64_t)o->batch * (uint64_t)o->shape.ctx;
    run->ok = 1;
    if (grow_step_tables(run, o->warmup + o->steps < 1024 ? o->warmup + o->steps : 1024) !=
        JF_OK) {
        snprintf(msg, msglen, "cannot allocate the step-time table");
        return JF_ENOMEM;
    }
    /* the peak resident prediction, made before the model is allocated */
    struct rusage before;
    run->baseline_bytes = getrusage(RUSAGE_SELF, &before) == 0 ? (uint64_t)before.ru_maxrss * 1024 : 0;
    run->predicted_model_bytes = jf_model_bytes(&o->shape, o->batch, o->precision, o->threads);
    /* MPI's allreduce scratch is about one message: one chunk, or the
     * whole gradient when that is smaller */
    const uint64_t weights = jf_shape_params_allocated(&o->shape);
    run->scratch_bytes = run->ranks > 1 ? (weights < JF_ALLREDUCE_CHUNK ? weights
                                                                         : JF_ALLREDUCE_CHUNK) *
                                              (o->precision == JF_FP64 ? sizeof(double) : sizeof(float))
                                        : 0;
    run->predicted_bytes = run->baseline_bytes + run->predicted_model_bytes + run->scratch_bytes +
                           run->gemm_workspace_bytes;
    jf_model_use_huge_pages(!o->no_huge_pages);  /* as jflop-run set it; other callers too */
    err = jf_model_create(&o->shape, o->batch, o->precision, o->threads, o->seed, &model,
                          msg, msglen);
    if (err != JF_OK)
        goto cleanup;
    static char huge_pages[256];  /* one model per process */
    const jf_huge_t *huge = jf_model_huge(model);
    if (huge->requested)
        snprintf(huge_pages, sizeof huge_pages, "requested for the model arrays (THP mode %s)",
                 huge->mode);
    else
        snprintf(huge_pages, sizeof huge_pages, "%s (THP mode %s)", huge->note, huge->mode);
    run->huge_pages = huge_pages;
    run->n_weights = jf_model_nweights(model);
    err = jf_data_init(&data, o->seed, o->shape.vocab, o->shape.ctx);
    if (err == JF_OK)
        err = jf_trainer_init(&tr, model, &data, comm, o->batch, o->lr);
    if (err == JF_OK)
        err = jf_trainer_set_overlap(&tr, o->overlap);
    if (err != JF_OK) {
        snprintf(msg, msglen, "cannot allocate the training data buffers");
        goto cleanup;
    }
    /* the product with GELU' fused or after: measured in the warm-up */
    jf_trainer_begin_mul_choice(&tr);
    run->loss_floor = jf_data_entropy(&data);
    run->val_loss_best = NAN;
    run->stop_rule = o->min_seconds > 0 ? "min-seconds" : "steps";
    if (validating) {
        /* whole sequences, at least one */
        run->eval_seqs = (o->eval_tokens + (uint64_t)o->shape.ctx - 1) / (uint64_t)o->shape.ctx;
        run->eval_tokens = run->eval_seqs * (uint64_t)o->shape.ctx;
        if (jf_data_validation(&data, &val) != JF_OK) {
            snprintf(msg, msglen, "cannot allocate the validation stream");
            err = JF_ENOMEM;
            goto cleanup;
        }
    }

    jf_ledger_clear(&local);
    jf_ledger_clear(&local_warmup);
    jf_ledger_clear(&local_eval);
    jf_progress_t prog = {MPI_Wtime(), 0, progress && rank == 0};
    uint64_t tokens_local = 0;
    double t0 = -1;  /* set when the measured phase starts */
    int64_t total = o->warmup + o->steps;  /* --min-seconds may add to it */
    for (int64_t s = 0; s < total; s++) {
        const int measured = s >= o->warmup;
        double loss;
        uint64_t ntok;
        if (s == run->steps_capacity &&
            grow_step_tables(run, total - s < s && o->min_seconds <= 0 ? total : 2 * s) != JF_OK) {
            snprintf(msg, msglen, "step %lld: cannot grow the step-time table", (long long)s);
            err = JF_ENOMEM;
            goto cleanup;
        }
        if (s == o->warmup) {
            /* the warm-up's measurement decides the product with GELU' */
            jf_trainer_finish_mul_choice(&tr, &run->mul);
            /* the measured phase starts with every rank at the barrier, and
             * the node's energy reading between two barriers */
            MPI_Barrier(comm);
            if (run->on_phase != NULL)
                run->on_phase(run->on_phase_ctx, JF_PHASE_START);
            MPI_Barrier(comm);
            run->phase_start = jf_clock_seconds();
            t0 = MPI_Wtime();
            run->warmup_seconds = t0 - prog.start;
            prog.start = t0;
            prog.last_print = 0;
            /* the untrained (or warmed-up) model's validation loss: where
             * the quality curve starts */
            double vloss;
            if (validating && (err = evaluate(run, &tr, &val, 0, &local_eval, &vloss)) != JF_OK) {
                snprintf(msg, msglen, "validation before step %lld: %s", (long long)s,
                         jf_err_str(err));
                goto cleanup;
            }
        }
        if (s == 0)  /* without warm-up the first validation pass came first: not start-up */
            run->startup_seconds = jf_clock_seconds() - run->process_start - run->eval_seconds;
        /* the measured steps' parts are stamped (steps_done < s + 1 rows fit) */
        tr.stamps = measured ? run->part_stamps + (size_t)run->steps_done * (JF_STEP_PARTS + 1)
                             : NULL;
        tr.on_part = measured ? run->on_step_part : NULL;
        tr.on_part_ctx = run->on_step_part_ctx;
        const double ts = MPI_Wtime();
        run->step_start[s] = jf_clock_seconds();
        err = jf_trainer_step(&tr, (uint64_t)s, measured ? &local : &local_warmup, &loss, &ntok);
        if (err != JF_OK) {
            snprintf(msg, msglen, "step %lld: %s", (long long)s, jf_err_str(err));
            goto cleanup;
        }
        run->step_seconds[s] = MPI_Wtime() - ts;
        run->steps_ran = s + 1;
        if (run->after_step != NULL)
            run->after_step(s, run->after_step_ctx);
        /* the step ran, finite or not: its tokens belong with its FLOPs */
        if (measured) {
            tokens_local += ntok;
            run->steps_done++;
            if (run->steps_done == 1)
                run->loss_first = loss;
            run->loss_last = loss;
            run->loss[run->steps_done - 1] = loss;
        }
        if (!isfinite(loss)) {
            /* the loss is global, so every rank stops at the same step */
            run->ok = 0;
            run->stop_rule = "non-finite loss";
            run->loss_last = loss;
            snprintf(run->reason, sizeof run->reason,
                     "loss is not finite at step %lld (try a smaller --lr)", (long long)s);
            break;
        }
        progress_report(&prog, run, measured ? s - o->warmup + 1 : s + 1,
                        measured ? o->steps : o->warmup, loss, measured);
        /* a signal on any rank stops every rank after this step, and so
         * does a GEMM back-end that failed on any rank */
        char gemm_why[256];
        int flags[2] = {stop_signal, jf_gemm_failed(gemm_why, sizeof gemm_why)}, any[2];
        MPI_Allreduce(flags, any, 2, MPI_INT, MPI_MAX, comm);
        if (any[1] != 0) {
            run->ok = 0;
            run->stop_rule = "GEMM failure";
            snprintf(run->reason, sizeof run->reason, "GEMM back-end failed at step %lld%s%s",
                     (long long)s, flags[1] ? ": " : " on another rank", flags[1] ? gemm_why : "");
            break;
        }
        const int any_sig = any[0];
        if (any_sig != 0) {
            run->stopped_by_signal = 1;
            run->stop_signal = any_sig;
            run->stop_rule = "signal";
            break;
        }
        if (!measured)
            continue;
        /* validation every --eval-every measured steps; a target reached
         * there ends the run on every rank (the loss is rank 0's) */
        if (validating && run->steps_done % o->eval_every == 0) {
            double vloss;
            err = evaluate(run, &tr, &val, MPI_Wtime() - t0 - run->eval_seconds, &local_eval,
                           &vloss);
            if (err != JF_OK) {
                snprintf(msg, msglen, "validation after step %lld: %s", (long long)s,
                         jf_err_str(err));
                goto cleanup;
            }
            if (prog.enabled)
                fprintf(stderr, "jflop-run: validation after %lld measured steps: loss %.4f%s\n",
                        (long long)run->steps_done, vloss,
                        o->target_loss > 0 && vloss <= o->target_loss ? " (target reached)" : "");
            if (o->target_loss > 0 && vloss <= o->target_loss) {
                run->target_reached = 1;
                run->steps_to_target = run->steps_done;
                run->stop_rule = "target";
                break;
            }
        }
        /* --max-seconds: the measured training time, validation not
         * counted; the fastest clock's view decides, so every rank agrees */
        if (o->max_seconds > 0) {
            double elapsed = MPI_Wtime() - t0 - run->eval_seconds, most = 0;
            MPI_Allreduce(&elapsed, &most, 1, MPI_DOUBLE, MPI_MAX, comm);
            if (most >= o->max_seconds) {
                run->stop_rule = "max-seconds";
                break;
            }
        }
        if (s == total - 1 && o->max_steps > 0 && run->steps_done >= o->max_steps) {
            run->stop_rule = "max-steps";
            break;
        }
        /* --min-seconds: one more measured step while the phase is short;
         * the slowest clock's view decides, so every rank agrees */
        if (s == total - 1 && o->min_seconds > 0) {
            double elapsed = MPI_Wtime() - t0, least = 0;
            MPI_Allreduce(&elapsed, &least, 1, MPI_DOUBLE, MPI_MIN, comm);
            if (least < o->min_seconds)
                total++;  /* the tables grow at the top of the loop */
        }
    }
    /* the last validation, after the last measured step, unless the run
     * ended early for a reason that makes it meaningless */
    if (validating && t0 >= 0 && run->ok && !run->stopped_by_signal && !run->target_reached &&
        (run->nevals == 0 || run->eval_step[run->nevals - 1] != run->steps_done)) {
        double vloss;
        err = evaluate(run, &tr, &val, MPI_Wtime() - t0 - run->eval_seconds, &local_eval,
                       &vloss);
        if (err != JF_OK) {
            snprintf(msg, msglen, "validation after the last step: %s", jf_err_str(err));
            goto cleanup;
        }
        if (o->target_loss > 0 && vloss <= o->target_loss && run->steps_done > 0) {
            run->target_reached = 1;
            run->steps_to_target = run->steps_done;
        }
    }
    MPI_Barrier(comm);
    /* the measured training time: the evaluations inside the phase are
     * their own phase */
    run->seconds = t0 >= 0 ? MPI_Wtime() - t0 - run->eval_seconds : 0;
    run->phase_stop = jf_clock_seconds();
    if (run->on_phase != NULL)
        run->on_phase(run->on_phase_ctx, JF_PHASE_STOP);

    err = jf_ledger_allreduce(&local, &run->ledger, comm);
    if (err == JF_OK)
        err = jf_ledger_allreduce(&local_warmup, &run->ledger_warmup, comm);
    if (err == JF_OK)
        err = jf_ledger_allreduce(&local_eval, &run->ledger_eval, comm);
    if (err == JF_OK &&
        MPI_Allreduce(&tokens_local, &run->tokens, 1, MPI_UINT64_T, MPI_SUM, comm) != MPI_SUCCESS)
        err = JF_EMPI;
    if (err != JF_OK) {
        snprintf(msg, msglen, "summing the FLOP ledger over ranks: %s", jf_err_str(err));
        goto cleanup;
    }

    struct rusage ru;
    uint64_t rss = getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
    MPI_Allreduce(&rss, &run->peak_rss_bytes, 1, MPI_UINT64_T, MPI_MAX, comm);
    /* what the kernel gave: the smallest rank's, and known only if every rank's is */
    const long long huge_bytes = jf_huge_resident_bytes();
    const uint64_t mine = huge_bytes >= 0 ? (uint64_t)huge_bytes : 0;
    int known = huge_bytes >= 0;
    MPI_Allreduce(&mine, &run->huge_page_bytes, 1, MPI_UINT64_T, MPI_MIN, comm);
    MPI_Allreduce(&known, &run->huge_page_bytes_known, 1, MPI_INT, MPI_MIN, comm);
    /* the text is rank 0's: say so when another rank's request went otherwise */
    int asked[2] = {jf_model_huge(model)->requested, -jf_model_huge(model)->requested};
    MPI_Allreduce(MPI_IN_PLACE, asked, 2, MPI_INT, MPI_MIN, comm);
    const size_t used = strlen(huge_pages);
    snprintf(huge_pages + used, sizeof huge_pages - used, "%s%s",
             asked[0] != -asked[1] ? "; not the same on every rank (rank 0's shown)" : "",
             !run->huge_page_bytes_known ? "; how much the kernel gave is unknown (no AnonHugePages)"
                                         : "");

    /* every rank must hold the same weights bit for bit */
    uint64_t h = jf_weights_hash(model), hmin = 0, hmax = 0;
    MPI_Allreduce(&h, &hmin, 1, MPI_UINT64_T, MPI_MIN, comm);
    MPI_Allreduce(&h, &hmax, 1, MPI_UINT64_T, MPI_MAX, comm);
    run->replicas_identical = hmin == hmax;
    run->weights_hash = h;
    run->weights_sum = 0;
    for (uint64_t i = 0; i < run->n_weights; i++)
        run->weights_sum += jf_model_weight(model, i);

    if (run->ok && run->stopped_by_signal) {
        run->ok = 0;
        const int sig = run->stop_signal;
        snprintf(run->reason, sizeof run->reason,
                 "stopped by signal %d (%s) after %lld of %lld measured steps (incomplete)", sig,
                 sig == SIGTERM  ? "SIGTERM"
                 : sig == SIGINT ? "SIGINT"
                 : sig == SIGUSR1 ? "SIGUSR1, e.g. Slurm's --signal before the time limit"
                                  : "?",
                 (long long)run->steps_done, (long long)o->steps);
    }
    /* a target run stops at its target or a limit, not at a step count */
    if (run->ok && run->steps_done < o->steps && o->target_loss <= 0 &&
        strcmp(run->stop_rule, "max-seconds") != 0) {
        run->ok = 0;
        snprintf(run->reason, sizeof run->reason, "only %lld of %lld measured steps ran",
                 (long long)run->steps_done, (long long)o->steps);
    }
    if (run->ok && !run->replicas_identical) {
        run->ok = 0;
        snprintf(run->reason, sizeof run->reason, "ranks ended with different weights");
    }
    if (run->ok && jf_ledger_dense(&run->ledger) != jf_flops_6nd(run->n_params, run->tokens)) {
        run->ok = 0;
        snprintf(run->reason, sizeof run->reason, "dense FLOPs counted != 6*N*D");
    }
cleanup:
    jf_trainer_free(&tr);
    jf_data_free(&val);
    jf_data_free(&data);
    jf_model_destroy(model);
    return err;
}

void jf_run_free(jf_run_t *run)
{
    free(run->step_seconds);
    free(run->step_start);
    free(run->loss);
    free(run->part_stamps);
    run->part_stamps = NULL;
    free(run->eval_step);
    free(run->eval_loss);
    free(run->eval_train_seconds);
    run->eval_step = NULL;
    run->eval_loss = run->eval_train_seconds = NULL;
    run->nevals = run->evals_capacity = 0;
    run->step_seconds = run->step_start = run->loss = NULL;
    run->steps_capacity = run->steps_ran = 0;
}
