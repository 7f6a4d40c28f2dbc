/* bench_step.c: how close does a jflop training step come to raw GEMM?
 *
 * Side by side in one run, on every rank at once (so both see the same
 * cores, caches and memory bandwidth): time real training steps, then replay
 * the exact GEMMs one step issued (shapes, transposes, strides, thread
 * counts and operand precision, recorded by jf_gemm's trace) straight into
 * the same back-end (BLIS or oneDNN, bf16 operands for bf16 runs) on
 * preallocated buffers. The back-end is chosen as jflop-run chooses it
 * (measured, jf_gemm_select.h). The same GEMMs replayed on every back-end
 * serving the precision (BLIS at the fastest kernel set the choice
 * measured) give the second reference: the fastest raw GEMM among all
 * back-ends and kernel sets. The ratio of the two GEMM FLOP rates is the fraction of step time
 * spent doing GEMM work at BLIS speed (medians over --reps alternating
 * step/replay pairs); the rest is jflop's overhead
 * (norms, softmax, GELU, loss, allreduce, SGD, memory traffic).
 *
 * With --peak, each pair is followed by the FMA peak measured on every rank
 * at once (jf_peak, as jflop-run does before its steps), and the step's
 * FLOP rate (every counted FLOP) is also given as a fraction of its median.
 *
 * Usage: bench_step [--reps N] [--peak] [--json FILE] [--label TEXT] [-- jflop-run flags] */
#include <blis.h>
#include <jansson.h>
#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_gemm.h"
#include "bench_row.h"
#include "bench_stats.h"
#include "kern/jf_blis_arch.h"
#include "kern/jf_gemm.h"
#include "kern/jf_gemm_select.h"
#include "train/jf_gemm_agree.h"
#include "kern/jf_peak.h"
#include "train/jf_data.h"
#include "train/jf_model.h"
#include "train/jf_options.h"
#include "train/jf_train.h"

#define TARGET_RATIO 0.90
#define TARGET_RATIO_BF16 0.70   /* bf16 GEMMs are ~2-10x faster: the rest weighs more */
#define TARGET_FASTEST 0.90
#define TARGET_PEAK 0.75
#define PEAK_SECONDS 0.2

typedef struct {
    int reps;
    int peak;
    const char *json;
    const char *label;
} bench_args_t;

static size_t in_bytes(const jf_gemm_record_t *r)
{
    return r->precision == JF_FP64 ? 8 : r->precision == JF_BF16 ? 2 : 4;
}

static size_t out_bytes(const jf_gemm_record_t *r)
{
    return r->precision == JF_FP64 ? 8 : 4;
}

/* Largest byte count any record's A, B and C need. */
static void operand_sizes(const jf_gemm_trace_t *t, size_t sz[3])
{
    sz[0] = sz[1] = sz[2] = 1;
    for (size_t i = 0; i < t->count; i++) {
        const jf_gemm_record_t *r = &t->records[i];
        const size_t a = (size_t)(r->trans_a ? r->k : r->m) * (size_t)r->lda * in_bytes(r);
        const size_t b = (size_t)(r->trans_b ? r->n : r->k) * (size_t)r->ldb * in_bytes(r);
        const size_t c = (size_t)r->m * (size_t)r->ldc * out_bytes(r);
        sz[0] = a > sz[0] ? a : sz[0];
        sz[1] = b > sz[1] ? b : sz[1];
        sz[2] = c > sz[2] ? c : sz[2];
    }
}

/* The back-end the replay runs on (the run's own, or another one serving
 * the precision for the fastest-of-all reference). */
static const jf_gemm_backend_t *replay_backend;

static void replay_one(const jf_gemm_record_t *r, void *a, void *b, void *c)
{
    /* the product alone: a call that multiplied by GELU' replays without
     * the factor (c_mul NULL), as the raw GEMM it is */
    const jf_gemm_args_t g = {.precision = r->precision, .trans_a = r->trans_a,
                              .trans_b = r->trans_b, .m = r->m, .n = r->n, .k = r->k,
                              .lda = r->lda, .ldb = r->ldb, .ldc = r->ldc, .alpha = 1.0,
                              .beta = 0.0, .a = a, .b = b, .c = c, .threads = r->threads,
                              .c_bf16 = r->c_bf16, .c_mul = NULL};
    char why[200];
    const jf_gemm_backend_t *be = replay_backend ? replay_backend : jf_gemm_backend_of(r->precision);
    if (be->gemm(&g, why, sizeof why) != JF_OK) {
        fprintf(stderr, "bench_step: replay: %s\n", why);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
}

/* Replay in the step's structure: records issued from a parallel region
 * (the per-head attention GEMMs) run as one OpenMP loop per group. Each
 * thread gets its own C so the concurrent writes do not share lines. */
static void replay(const jf_gemm_trace_t *t, void *a, void *b, char *c, size_t c_bytes,
                   int threads)
{
    size_t i = 0;
    while (i < t->count) {
        if (!t->records[i].in_parallel) {
            replay_one(&t->records[i], a, b, c);
            i++;
            continue;
        }
        size_t j = i;
        while (j < t->count && t->records[j].in_parallel)
            j++;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t g = i; g < j; g++)
            replay_one(&t->records[g], a, b, c + (size_t)omp_get_thread_num() * c_bytes);
        i = j;
    }
}

static jf_u128 gemm_flops(const jf_gemm_trace_t *t)
{
    jf_u128 f = 0;
    for (size_t i = 0; i < t->count; i++)
        f += (jf_u128)2 * (uint64_t)t->records[i].m * (uint64_t)t->records[i].n *
             (uint64_t)t->records[i].k;
    return f;
}

static int parse_bench_args(int argc, char **argv, bench_args_t *b, int *rest)
{
    b->reps = 9;
    b->peak = 0;
    b->json = NULL;
    b->label = "";
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            b->reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--peak") == 0) {
            b->peak = 1;
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            b->json = argv[++i];
        } else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) {
            b->label = argv[++i];
        } else {
            fprintf(stderr, "bench_step: unknown option '%s' (bench_step [--reps N] "
                            "[--peak] [--json FILE] [--label TEXT] [-- jflop-run flags])\n", argv[i]);
            return -1;
        }
    }
    if (b->reps < 1) {
        fprintf(stderr, "bench_step: --reps must be at least 1\n");
        return -1;
    }
    *rest = i;
    return 0;
}

static void cpu_model(char *buf, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    snprintf(buf, len, "unknown");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v != NULL)
                snprintf(buf, len, "%.*s", (int)strcspn(v + 2, "\n"), v + 2);
            break;
        }
    fclose(f);
}

int main(int argc, char **argv)
{
    bench_args_t args;
    jf_run_options_t opt;
    jf_blis_info_t blis;
    char msg[JF_MSG_LEN];
    int rest, rank, ranks, provided;

    if (parse_bench_args(argc, argv, &args, &rest) != 0)
        return 2;
    argv[rest - 1] = argv[0];
    if (jf_options_parse(argc - rest + 1, argv + rest - 1, &opt, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "bench_step: %s\n", msg);
        return 2;
    }
    memset(&blis, 0, sizeof blis);
    jf_gemm_choice_t gemm;
    if (bench_gemm_measure("bench_step", &opt, &gemm) != 0)
        return 2;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    bench_gemm_agree("bench_step", &gemm, &blis);
    omp_set_num_threads(opt.threads);
    jf_blis_info_read(&blis);
    /* every back-end serving the precision, for the fastest-of-all
     * reference (BLIS at the fastest kernel set the choice measured) */
    const jf_gemm_backend_t *others[8];
    int nothers = 0;
    for (int i = 0; jf_gemm_backends[i] != NULL && nothers < 8; i++) {
        char why[200];
        if ((jf_gemm_backends[i]->precisions & JF_PRECISION_BIT(opt.precision)) &&
            jf_gemm_backends[i]->probe(opt.precision, why, sizeof why))
            others[nothers++] = jf_gemm_backends[i];
    }

    jf_model_t *model = NULL;
    jf_data_t data;
    jf_trainer_t tr;
    jf_ledger_t ledger;
    if (jf_model_create(&opt.shape, opt.batch, opt.precision, opt.threads, opt.seed, &model,
                        msg, sizeof msg) != JF_OK ||
        jf_data_init(&data, opt.seed, opt.shape.vocab, opt.shape.ctx) != JF_OK ||
        jf_trainer_init(&tr, model, &data, MPI_COMM_WORLD, opt.batch, opt.lr) != JF_OK ||
        jf_trainer_set_overlap(&tr, opt.overlap) != JF_OK) {
        fprintf(stderr, "bench_step: rank %d: cannot set up the model: %s\n", rank, msg);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    /* the product with GELU' as jflop-run runs it: measured in the warm-up */
    jf_mul_choice_t mul;
    jf_trainer_begin_mul_choice(&tr);
    jf_ledger_clear(&ledger);
    double loss;
    uint64_t ntok, step = 0;
    for (int w = 0; w < 2; w++)
        jf_trainer_step(&tr, step++, &ledger, &loss, &ntok);
    jf_trainer_finish_mul_choice(&tr, &mul);

    /* one traced step gives the exact GEMM list */
    jf_gemm_trace_t trace;
    jf_gemm_trace_begin(&trace);
    jf_trainer_step(&tr, step++, &ledger, &loss, &ntok);
    jf_gemm_trace_end();

    /* raw BLIS buffers for the same GEMMs */
    size_t sz[3];
    operand_sizes(&trace, sz);
    void *a = calloc(sz[0], 1), *b = calloc(sz[1], 1);
    char *c = calloc(sz[2] * (size_t)opt.threads, 1);
    double *t_steps = calloc((size_t)args.reps, sizeof *t_steps);
    double *t_raws = calloc((size_t)args.reps, sizeof *t_raws);
    double *peaks = calloc((size_t)args.reps, sizeof *peaks);
    double *t_other = calloc((size_t)args.reps * (size_t)nothers + 1, sizeof *t_other);
    if (a == NULL || b == NULL || c == NULL || t_steps == NULL || t_raws == NULL ||
        peaks == NULL || t_other == NULL ||
        trace.overflow) {
        fprintf(stderr, "bench_step: rank %d: cannot allocate replay buffers\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    replay(&trace, a, b, c, sz[2], opt.threads);  /* warm */
    for (int o = 0; o < nothers; o++) {
        replay_backend = others[o];
        replay(&trace, a, b, c, sz[2], opt.threads);
    }
    replay_backend = NULL;
    const char *peak_isa = "";

    /* Step and replay alternate, so drift on a shared machine (other jobs,
     * frequency changes) hits both alike; medians discard outliers. */
    jf_ledger_clear(&ledger);
    for (int r = 0; r < args.reps; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        jf_trainer_step(&tr, step++, &ledger, &loss, &ntok);
        MPI_Barrier(MPI_COMM_WORLD);
        t_steps[r] = MPI_Wtime() - t0;
        t0 = MPI_Wtime();
        replay(&trace, a, b, c, sz[2], opt.threads);
        MPI_Barrier(MPI_COMM_WORLD);
        t_raws[r] = MPI_Wtime() - t0;
        for (int o = 0; o < nothers; o++) {
            replay_backend = others[o];
            MPI_Barrier(MPI_COMM_WORLD);
            t0 = MPI_Wtime();
            replay(&trace, a, b, c, sz[2], opt.threads);
            MPI_Barrier(MPI_COMM_WORLD);
            t_other[(size_t)o * (size_t)args.reps + (size_t)r] = MPI_Wtime() - t0;
        }
        replay_backend = NULL;
        if (args.peak) {
            jf_peak_t pk;
            if (opt.precision == JF_BF16)
                jf_peak_measure_gemm(opt.precision, opt.threads, PEAK_SECONDS, &pk);
            else
                jf_peak_measure(opt.precision, opt.threads, PEAK_SECONDS, &pk);
            MPI_Allreduce(&pk.flops_per_second, &peaks[r], 1, MPI_DOUBLE, MPI_SUM,
                          MPI_COMM_WORLD);
            peak_isa = pk.isa;
            MPI_Barrier(MPI_COMM_WORLD);
        }
    }
    const double t_step = bench_median(t_steps, args.reps);
    const double t_raw = bench_median(t_raws, args.reps);
    const double peak = args.peak ? bench_median(peaks, args.reps) : 0;

    jf_ledger_t total;
    jf_ledger_allreduce(&ledger, &total, MPI_COMM_WORLD);
    const double gemm_per_step = (double)gemm_flops(&trace) * ranks;
    const double all_per_step = (double)jf_ledger_total(&total) / args.reps;
    const double step_gemm_rate = gemm_per_step / t_step;
    const double raw_rate = gemm_per_step / t_raw;
    const double ratio = step_gemm_rate / raw_rate;
    /* the fastest raw replay of all back-ends (medians, side by side) */
    double fastest = 0;
    char fastest_name[200] = "";
    for (int o = 0; o < nothers; o++) {
        const double rate = gemm_per_step / bench_median(t_other + (size_t)o * (size_t)args.reps,
                                                         args.reps);
        if (rate > fastest) {
            char kern[160];
            others[o]->kernel(opt.precision, kern, sizeof kern);
            fastest = rate;
            snprintf(fastest_name, sizeof fastest_name, "%s %s", others[o]->name, kern);
        }
    }

    if (rank == 0) {
        char cpu[256], id[160], name[160];
        const char *prec = jf_precision_name(opt.precision);
        const double all_rate = all_per_step / t_step;
        cpu_model(cpu, sizeof cpu);
        const double target = opt.precision == JF_BF16 ? TARGET_RATIO_BF16 : TARGET_RATIO;
        /* not clamped at 0: negative when the replay took longer than the
         * whole step (its operands are hot, but its buffers are the largest
         * operand's, not the step's own), which says the reference is
         * pessimistic there; a 0 would hide it */
        const double non_gemm = (t_step - t_raw) / t_step;
        char backend[200];
        jf_gemm_choice_finish(&gemm);
        snprintf(backend, sizeof backend, "%s %s", gemm.backend, gemm.kernel);
        printf("step vs raw GEMM  %-10s %-5s step %9.2f GFLOP/s (GEMM %9.2f), raw %9.2f "
               "(%s): %.4f (target >= %.2f); non-GEMM share of the step %.4f\n", args.label,
               prec, all_rate / 1e9, step_gemm_rate / 1e9, raw_rate / 1e9, backend, ratio,
               target, non_gemm);
        printf("step vs fastest   %-10s %-5s step %9.2f GFLOP/s (GEMM), fastest raw replay %s "
               "%9.2f: %.4f\n", args.label, prec, step_gemm_rate / 1e9, fastest_name,
               fastest / 1e9, step_gemm_rate / fastest);
        if (args.peak)
            printf("step vs FMA peak  %-10s %-5s step %9.2f GFLOP/s, peak %9.2f (%s): %.4f "
                   "(target >= %.2f)\n", args.label, prec, all_rate / 1e9, peak / 1e9,
                   peak_isa, all_rate / peak, TARGET_PEAK);
        if (args.json != NULL) {
            json_t *rows = json_array();
            snprintf(id, sizeof id, "step_vs_raw_gemm/%s/%s", args.label, prec);
            snprintf(name, sizeof name, "%s %s (d_model %d)", args.label, prec,
                     (int)opt.shape.d_model);
            char what[300];
            snprintf(what, sizeof what, "the step's exact GEMMs replayed raw on %s", backend);
            json_array_append_new(
                rows, bench_row(id, "step vs raw GEMM, same back-end", name,
                                step_gemm_rate / 1e9, "GFLOP/s",
                                "GEMM FLOPs per step / step time", raw_rate / 1e9, "GFLOP/s",
                                what, ratio, ">=", target, "ratio"));
            snprintf(id, sizeof id, "step_vs_fastest_candidate/%s/%s", args.label, prec);
            snprintf(what, sizeof what,
                     "the step's exact GEMMs replayed raw on every back-end (BLIS at its "
                     "fastest measured kernel set), the fastest: %s", fastest_name);
            json_array_append_new(
                rows, bench_row(id, "step vs the fastest raw GEMM of any back-end", name,
                                step_gemm_rate / 1e9, "GFLOP/s",
                                "GEMM FLOPs per step / step time", fastest / 1e9, "GFLOP/s",
                                what, step_gemm_rate / fastest,
                                opt.precision == JF_FP32 ? ">=" : NULL,
                                opt.precision == JF_FP32 ? TARGET_FASTEST : 0, "ratio"));
            snprintf(id, sizeof id, "non_gemm_share/%s/%s", args.label, prec);
            json_array_append_new(
                rows, bench_row(id, "non-GEMM share of the step", name, t_step - t_raw, "s",
                                "step time - raw GEMM time (negative: the raw replay took "
                                "longer than the step)", t_step, "s", "step time",
                                non_gemm, NULL, 0, "ratio"));
            if (args.peak) {
                snprintf(id, sizeof id, "step_vs_fma_peak/%s/%s", args.label, prec);
                json_array_append_new(
                    rows, bench_row(id, opt.precision == JF_BF16 ? "step vs measured bf16 GEMM peak"
                                                                 : "step vs measured FMA peak",
                                    name, all_rate / 1e9, "GFLOP/s",
                                    "every counted FLOP per step / step time", peak / 1e9,
                                    "GFLOP/s",
                                    opt.precision == JF_BF16
                                        ? "best 1024^3 bf16 GEMM on all ranks at once"
                                        : "FMA peak measured on all ranks at once",
                                    all_rate / peak, opt.precision == JF_BF16 ? NULL : ">=",
                                    opt.precision == JF_BF16 ? 0 : TARGET_PEAK, "ratio"));
            }
            json_t *j = json_pack(
                "{s:s, s:o, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:f, "
                "s:f, s:f, s:f, s:f, s:f, s:i, s:{s:s, s:i, s:s, s:s, s:s}}",
                "benchmark", "step_vs_raw_gemm", "rows", rows, "label", args.label,
                "precision", prec, "ranks", ranks, "threads_per_rank", opt.threads, "layers",
                (int)opt.shape.layers, "d_model", (int)opt.shape.d_model, "heads",
                (int)opt.shape.heads, "ctx", (int)opt.shape.ctx, "ff", (int)opt.shape.ff,
                "batch", (int)opt.batch, "gemm_calls_per_step", (int)trace.count,
                "step_seconds", t_step, "raw_gemm_seconds", t_raw,
                "step_flops_per_second_all_counted", all_rate, "step_gemm_flops_per_second",
                step_gemm_rate, "raw_gemm_flops_per_second", raw_rate, "ratio", ratio,
                "target", target, "reps", args.reps, "machine", "cpu", cpu,
                "cores_online", (int)sysconf(_SC_NPROCESSORS_ONLN), "blis_arch", blis.active,
                "blis_version", blis.version, "blis_arch_how", blis.how);
            if (j != NULL) {
                json_object_set_new(j, "gemm_backend", json_string(gemm.backend));
                json_object_set_new(j, "gemm_kernel", json_string(gemm.kernel));
                json_object_set_new(j, "gemm_native", json_boolean(gemm.native));
                json_object_set_new(j, "fastest_candidate_flops_per_second", json_real(fastest));
                json_object_set_new(j, "fastest_candidate", json_string(fastest_name));
                json_object_set_new(j, "non_gemm_share", json_real(non_gemm));
                json_object_set_new(j, "gelu_product",
                                    json_pack("{s:s, s:b, s:f, s:f}", "mode",
                                              jf_mul_mode_name(mul.mode), "measured",
                                              mul.measured, "fused_seconds", mul.fused_seconds,
                                              "after_seconds", mul.after_seconds));
            }
            if (j != NULL && args.peak) {
                json_object_set_new(j, "peak_flops_per_second_median", json_real(peak));
                json_object_set_new(j, "peak_isa", json_string(peak_isa));
                json_object_set_new(j, "peak_seconds_each", json_real(PEAK_SECONDS));
            }
            if (j == NULL || json_dump_file(j, args.json, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
                fprintf(stderr, "bench_step: cannot write %s\n", args.json);
            json_decref(j);
        }
    }
    free(a);
    free(b);
    free(c);
    free(t_steps);
    free(t_raws);
    free(peaks);
    free(t_other);
    jf_gemm_trace_free(&trace);
    jf_trainer_free(&tr);
    jf_data_free(&data);
    jf_model_destroy(model);
    MPI_Finalize();
    return 0;
}
