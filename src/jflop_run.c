/* jflop_run.c: main() of jflop-run. Parses and checks flags before MPI
 * starts, picks BLIS's kernels, runs the optional --verify checks and the
 * training, and prints the summary from rank 0. Exit statuses are listed in
 * jf_error.h and README.md. */
#include <mpi.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/jf_clock.h"
#include "core/jf_cpu_share.h"
#include "core/jf_error.h"
#include "core/jf_outpath.h"
#include "core/jf_sched.h"
#include "core/jf_sysmem.h"
#include "energy/jf_energy.h"
#include "energy/jf_energy_job.h"
#include "energy/jf_energy_phases.h"
#include "kern/jf_blis_arch.h"
#include "kern/jf_gemm.h"
#include "kern/jf_gemm_select.h"
#include "kern/jf_peak.h"
#include "out/jf_results.h"
#include "out/jf_summary.h"
#include "train/jf_gemm_agree.h"
#include "train/jf_model.h"
#include "train/jf_options.h"
#include "train/jf_placement.h"
#include "train/jf_train.h"
#include "train/jf_verify.h"

#define NCHECKS 5

/* Before MPI_Init only the launcher's environment says which rank we are;
 * rank 0 (or a process started without a launcher) speaks for all. */
static int launcher_rank_zero(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                       "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL)
            return strcmp(v, "0") == 0;
    }
    return 1;
}

static void join_args(int argc, char **argv, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used < len; i++) {
        const int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Collective: does this node have memory for its ranks? Exit 2 if not. */
static int check_memory(const jf_run_options_t *o, MPI_Comm comm, int rank)
{
    MPI_Comm node;
    int local_ranks, fits, all_fit;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local_ranks);
    MPI_Comm_free(&node);
    const unsigned long long need =
        jf_model_bytes(&o->shape, o->batch, o->precision, o->threads);
    const unsigned long long avail = jf_mem_available();
    fits = need != UINT64_MAX && (avail == 0 || (double)need * local_ranks <= (double)avail);
    MPI_Allreduce(&fits, &all_fit, 1, MPI_INT, MPI_LAND, comm);
    if (!all_fit && rank == 0 && need == UINT64_MAX)
        fprintf(stderr, "jflop-run: memory: the model's arrays would exceed 2^56 elements "
                        "(far above any node's memory); use a smaller shape or --batch\n");
    else if (!all_fit && rank == 0)
        fprintf(stderr,
                "jflop-run: memory: the model needs an estimated %.2f GiB per rank x %d "
                "ranks on a node, above the %.2f GiB available; use a smaller shape or "
                "--batch, or fewer ranks per node\n",
                (double)need / 1073741824.0, local_ranks, (double)avail / 1073741824.0);
    return all_fit;
}

static int finish(int status)
{
    MPI_Finalize();
    return status;
}

/* Test-only fault injection: JFLOP_FAULT_RANK_EXIT=RANK:STEP makes that
 * rank leave with _exit(0) after that step, as a rank killed or crashed
 * mid-run would vanish (tests/test_faults_run.sh). */
typedef struct {
    int rank;
    long long step;
} fault_exit_t;

static void fault_after_step(int64_t step, void *ctx)
{
    const fault_exit_t *f = ctx;
    if (step == f->step) {
        fprintf(stderr, "jflop-run: rank %d: JFLOP_FAULT_RANK_EXIT: leaving after step %lld\n",
                f->rank, (long long)step);
        _exit(0);
    }
}

/* The training loop announces the measured phase's edges; the node's
 * energy meter takes a reading marked with each. Wired here, where both
 * layers meet, so that train/ needs no energy header. */
typedef struct {
    jf_energy_meter_t *meter;           /* NULL without energy */
    jf_cpu_sample_t cpu[2];             /* the node's and this rank's CPU time */
} phase_ctx_t;

static void mark_phase(void *ctx, jf_phase_edge_t edge)
{
    static const jf_energy_mark_t marks[] = {
        [JF_PHASE_START] = JF_MARK_PHASE_START, [JF_PHASE_STOP] = JF_MARK_PHASE_STOP,
        [JF_PHASE_EVAL_START] = JF_MARK_EVAL_START, [JF_PHASE_EVAL_STOP] = JF_MARK_EVAL_STOP};
    phase_ctx_t *p = ctx;
    if (edge == JF_PHASE_START || edge == JF_PHASE_STOP)
        jf_cpu_sample(NULL, &p->cpu[edge == JF_PHASE_STOP]);
    if (p->meter != NULL)
        jf_energy_meter_mark(p->meter, marks[edge]);
}

/* Collective over the node: the ranks' own CPU time over the phase summed
 * on the node leader, which turns it into the node's other share. */
static void node_cpu_share(jf_energy_setup_t *e, const phase_ctx_t *p)
{
    unsigned long long mine = p->cpu[0].ok && p->cpu[1].ok && p->cpu[1].self_busy >= p->cpu[0].self_busy
                                  ? p->cpu[1].self_busy - p->cpu[0].self_busy : 0;
    int bad = !(p->cpu[0].ok && p->cpu[1].ok), any_bad = 0;
    unsigned long long sum = 0;
    MPI_Reduce(&mine, &sum, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, e->node);
    MPI_Reduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, 0, e->node);
    if (!e->leader)
        return;
    char why[160] = "a rank could not read its own /proc/self/stat";
    const jf_err_t rc = any_bad ? JF_EINVAL : jf_cpu_share(&p->cpu[0], &p->cpu[1], sum,
                                                          &e->other_cpu_share, why, sizeof why);
    if (rc == JF_OK) {
        e->share_known = 1;
        snprintf(e->share_note, sizeof e->share_note, "from %s/stat against the job's "
                 "%llu jiffies", jf_cpu_share_root(), sum);
    } else {
        const char *w = !p->cpu[0].ok ? p->cpu[0].why : p->cpu[1].why;
        if (!p->cpu[0].ok || !p->cpu[1].ok)
            snprintf(why, sizeof why, "%s", w[0] ? w : "no reading at the phase's edges");
        snprintf(e->share_note, sizeof e->share_note, "unknown: %s", why);
        /* the run goes on: the share is marked unknown, validate judges it;
         * a phase shorter than a jiffy, or one that never started (stopped
         * in the warm-up), is no fault and gets no line */
        const int never_started = !p->cpu[0].ok && p->cpu[0].why[0] == '\0';
        if (rc != JF_ERANGE && !never_started)
            fprintf(stderr, "jflop-run: node %s: CPU share of other processes unknown: %s\n",
                    e->node_name, why);
    }
}

/* The progress line's power and energy so far: the node's meter. */
static int progress_energy(void *meter, double *watts, double *joules)
{
    return jf_energy_meter_now(meter, watts, joules);
}

/* Testing aid (README, tests/test_energy_phases.sh): with
 * JFLOP_TEST_PHASE_FILE=FILE, world rank 0 writes what it is doing
 * ("idle", a step part's name, "other") into FILE as it changes, replaced
 * atomically; the synthetic feeder reads it and draws the power the test
 * gave that activity, so the energy per part has a known answer. */
static void phase_file_write(const char *path, const char *what)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return;
    const int ok = fprintf(f, "%s\n", what) > 0;
    if (fclose(f) == 0 && ok)
        rename(tmp, path);
}

static void phase_file_part(void *path, jf_step_part_t part, double t)
{
    (void)t;
    phase_file_write(path, jf_step_part_names[part]);
}

/* --idle-seconds: every rank asleep (not spinning in a barrier) between
 * the leaders' two readings, before anything of the run is allocated. */
static void measure_idle(double seconds, jf_energy_meter_t *meter, const char *phase_file)
{
    MPI_Barrier(MPI_COMM_WORLD);
    if (phase_file != NULL)
        phase_file_write(phase_file, "idle");
    if (meter != NULL)
        jf_energy_meter_mark(meter, JF_MARK_IDLE_START);
    struct timespec ts = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    /* a stop signal (Slurm's time-limit warning) ends the window; the run
     * then stops after its first step, with its file */
    while (!jf_train_stop_requested() && nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    if (meter != NULL)
        jf_energy_meter_mark(meter, JF_MARK_IDLE_STOP);
    if (phase_file != NULL)
        phase_file_write(phase_file, "other");
    MPI_Barrier(MPI_COMM_WORLD);
}

/* The rank and its host, for lines about one rank. */
static const char *rank_host(int rank, char *buf, size_t len)
{
    char host[MPI_MAX_PROCESSOR_NAME] = "?";
    int n;
    MPI_Get_processor_name(host, &n);
    snprintf(buf, len, "rank %d on %s", rank, host);
    return buf;
}

int main(int argc, char **argv)
{
    jf_run_options_t opt;
    jf_blis_info_t blis;
    jf_gemm_choice_t gemm;
    jf_run_t run;
    jf_check_t checks[NCHECKS];
    char msg[JF_MSG_LEN], cmdline[8192], mpi_lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int rank = 0, nchecks = 0, provided, len;
    const int speaker = launcher_rank_zero();
    const double process_start = jf_clock_seconds();
    jf_err_t err;

    /* from the first instruction: a stop signal (Slurm's time-limit warning
     * can come during start-up) ends the run after its first step, with
     * its file, instead of killing it */
    jf_train_catch_signals();
    memset(&blis, 0, sizeof blis);
    char energy_words[160];
    jf_energy_backend_names(energy_words, sizeof energy_words, "|", 1);
    jf_options_energy_words(energy_words);
    err = jf_options_parse(argc, argv, &opt, msg, sizeof msg);
    if (err != JF_OK) {
        if (speaker)
            fprintf(stderr, "jflop-run: %s\n", msg);
        return JF_EXIT_USAGE;
    }
    if (opt.help || opt.version || opt.list_presets) {
        if (speaker && opt.help)
            jf_options_usage(stdout);
        if (speaker && opt.version)
            printf("jflop-run %s\n", PACKAGE_VERSION);
        if (speaker && opt.list_presets)
            jf_options_list_presets(stdout);
        return JF_EXIT_OK;
    }
    /* outputs that cannot be written are found now, not after the run */
    const int write_output = opt.output != NULL && strcmp(opt.output, "none") != 0;
    const jf_outpath_t outputs[] = {{"--output", write_output ? opt.output : NULL},
                                    {"--summary-json", opt.summary_json}};
    if (jf_outpath_check_all(outputs, 2, msg, sizeof msg) != JF_OK) {
        if (speaker)
            fprintf(stderr, "jflop-run: %s\n", msg);
        return JF_EXIT_USAGE;
    }
    /* --gemm against this build and the precision, before MPI starts */
    const jf_gemm_request_t gemm_req = {opt.gemm, opt.blis_arch, opt.precision, opt.shape,
                                        opt.batch, opt.threads, 0.05,
                                        opt.precision == JF_BF16};
    err = jf_gemm_request_check(&gemm_req, msg, sizeof msg);
    if (err != JF_OK) {
        if (speaker)
            fprintf(stderr, "jflop-run: %s\n", msg);
        return JF_EXIT_USAGE;
    }

    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    jf_train_catch_signals();  /* again: the MPI library may have set its own */
    /* MPI errors come back as codes (the JF_EMPI paths) instead of ending
     * the process inside the library; communicators made from these
     * inherit it. main() decides: one line naming the rank and its host,
     * then MPI_Abort, so that no rank waits for one that failed. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    char who[MPI_MAX_PROCESSOR_NAME + 32];
    rank_host(rank, who, sizeof who);
    int ranks;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    err = jf_options_resolve(&opt, ranks, msg, sizeof msg);
    if (err != JF_OK) {
        if (rank == 0)
            fprintf(stderr, "jflop-run: %s\n", msg);
        return finish(JF_EXIT_USAGE);
    }
    if (!check_memory(&opt, MPI_COMM_WORLD, rank))
        return finish(JF_EXIT_USAGE);
    char results_path[JF_OUTPATH_MAX] = "";
    if (opt.output == NULL) {
        /* the default lands in ./results, made if missing */
        int made = 1;
        jf_results_default_path(MPI_COMM_WORLD, results_path, sizeof results_path);
        if (rank == 0 && mkdir("results", 0777) != 0 && errno != EEXIST)
            made = 0;
        MPI_Bcast(&made, 1, MPI_INT, 0, MPI_COMM_WORLD);
        const jf_outpath_t defaults[] = {{"results file", results_path},
                                         {"--summary-json", opt.summary_json}};
        if (rank == 0 && made && jf_outpath_check_all(defaults, 2, msg, sizeof msg) != JF_OK)
            made = -1;
        MPI_Bcast(&made, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (made != 1) {
            if (rank == 0 && made == 0)
                fprintf(stderr, "jflop-run: cannot write results into ./results (use --output "
                                "FILE or --output none)\n");
            else if (rank == 0)
                fprintf(stderr, "jflop-run: %s (use --output FILE or --output none)\n", msg);
            return finish(JF_EXIT_USAGE);
        }
    } else if (strcmp(opt.output, "none") != 0) {
        snprintf(results_path, sizeof results_path, "%s", opt.output);
    }
    const double started_utc = jf_clock_utc();

    jf_energy_setup_t energy;
    const jf_energy_flags_t energy_flags = {
        .powercap_root = opt.powercap_root,
        .pm_counters_root = opt.pm_counters_root,
        .redfish_url = opt.redfish_url,
        .redfish_credentials = opt.redfish_credentials,
        .redfish_ca = opt.redfish_ca,
        .redfish_timeout = opt.redfish_timeout,
    };
    err = jf_energy_setup(&energy, MPI_COMM_WORLD, opt.energy, &energy_flags,
                          opt.sample_interval, opt.sample_interval_given, msg, sizeof msg);
    if (err != JF_OK) {
        if (rank == 0)
            fprintf(stderr, "jflop-run: %s\n", msg);
        jf_energy_setup_free(&energy);
        if (err == JF_EINVAL)
            return finish(JF_EXIT_USAGE);
        MPI_Abort(MPI_COMM_WORLD, JF_EXIT_INTERNAL);
    }
    if (rank == 0 && energy.note[0] != '\0')
        fprintf(stderr, "jflop-run: energy: %s\n", energy.note);

    /* The GEMM candidates, measured in forked children: before BLIS starts
     * (it fixes its kernel set on first use) and before this process has
     * OpenMP threads (libgomp does not survive a fork); after MPI_Init, so
     * that a stop signal meanwhile (Slurm's time-limit warning) still ends
     * the run with its file; after the output and energy checks, so that
     * a run refused for those does not wait for it. All ranks at once, as
     * the step runs. */
    MPI_Barrier(MPI_COMM_WORLD);
    err = jf_gemm_select_measure(&gemm_req, &gemm, msg, sizeof msg);
    int worst_err = (int)err;
    MPI_Allreduce(MPI_IN_PLACE, &worst_err, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst_err != JF_OK) {
        if (err != JF_OK)
            fprintf(stderr, "jflop-run: rank %d: %s\n", rank, msg);
        jf_energy_setup_free(&energy);
        return finish(worst_err == JF_EINVAL ? JF_EXIT_USAGE : JF_EXIT_INTERNAL);
    }
    if (jf_gemm_agree(&gemm, &blis, MPI_COMM_WORLD, msg, sizeof msg) != JF_OK) {
        if (rank == 0)
            fprintf(stderr, "jflop-run: %s\n", msg);
        jf_energy_setup_free(&energy);
        return finish(JF_EXIT_INTERNAL);
    }

    omp_set_num_threads(opt.threads);
    jf_placement_t placement;
    jf_placement_check(MPI_COMM_WORLD, opt.threads, &placement);
    for (int i = 0; rank == 0 && i < placement.nwarnings; i++)
        fprintf(stderr, "jflop-run: warning: %s\n", placement.warnings[i]);
    jf_blis_info_read(&blis);
    if (rank == 0 && opt.verbose) {
        char cands[1024];
        jf_gemm_choice_str(&gemm, cands, sizeof cands);
        fprintf(stderr, "jflop-run: BLIS %s, %s kernels: %s\n", blis.version, blis.active,
                blis.how);
        fprintf(stderr, "jflop-run: GEMM %s: %s; measured in %.2f s on %s: %s\n",
                jf_precision_name(opt.precision), gemm.how, gemm.seconds, gemm.shapes, cands);
    }
    if (rank == 0 && opt.verbose)
        fprintf(stderr, "jflop-run: %d ranks; model arrays %.3f GiB per rank (estimate)\n",
                ranks,
                (double)jf_model_bytes(&opt.shape, opt.batch, opt.precision, opt.threads) /
                    1073741824.0);
    MPI_Get_library_version(mpi_lib, &len);
    mpi_lib[strcspn(mpi_lib, "\n")] = '\0';
    join_args(argc, argv, cmdline, sizeof cmdline);

    /* every model of the run, --verify's too */
    jf_model_use_huge_pages(!opt.no_huge_pages);
    if (opt.verify) {
        checks[nchecks++] = jf_verify_gemm();
        checks[nchecks++] = jf_verify_gradients(opt.threads);
        checks[nchecks++] = jf_verify_ranks(MPI_COMM_WORLD, opt.precision, opt.threads, opt.seed);
        if (opt.precision == JF_BF16) {
            checks[nchecks++] = jf_verify_gemm_bf16();
            checks[nchecks++] = jf_verify_bf16_tracks_fp32(opt.threads, opt.seed);
        }
        /* a check that fails on any rank fails everywhere; every rank then
         * holds the same checks, as the results file needs */
        jf_verify_agree(MPI_COMM_WORLD, checks, nchecks);
    }

    /* the node's peak, every rank at once on its own cores, as the step runs */
    jf_peak_t peak;
    MPI_Barrier(MPI_COMM_WORLD);
    if (opt.precision == JF_BF16)
        jf_peak_measure_gemm(opt.precision, opt.threads, 0.2, &peak);
    else
        jf_peak_measure(opt.precision, opt.threads, 0.1, &peak);

    memset(&run, 0, sizeof run);
    run.opt = opt;
    MPI_Allreduce(&peak.flops_per_second, &run.peak_flops, 1, MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
    run.gemm_workspace_bytes =
        gemm.chosen >= 0 ? (uint64_t)gemm.cand[gemm.chosen].workspace_bytes : 0;
    run.peak_isa = peak.isa;
    run.peak_kind = peak.kind;
    run.process_start = process_start;
    fault_exit_t fault = {-1, -1};
    const char *fault_env = getenv("JFLOP_FAULT_RANK_EXIT");
    if (fault_env != NULL && sscanf(fault_env, "%d:%lld", &fault.rank, &fault.step) == 2 &&
        fault.rank == rank) {
        run.after_step = fault_after_step;
        run.after_step_ctx = &fault;
    }
    run.nodes = jf_energy_nodes(&energy, MPI_COMM_WORLD);
    phase_ctx_t phase = {.meter = jf_energy_begin(&energy)};
    jf_energy_meter_t *meter = phase.meter;
    run.on_phase = mark_phase;  /* always: the CPU share is read at its edges */
    run.on_phase_ctx = &phase;
    if (meter != NULL) {
        run.progress_energy = progress_energy;
        run.progress_energy_ctx = meter;
    }
    const char *phase_file = rank == 0 ? getenv("JFLOP_TEST_PHASE_FILE") : NULL;
    if (phase_file != NULL && phase_file[0] != '\0') {
        run.on_step_part = phase_file_part;
        run.on_step_part_ctx = (void *)(uintptr_t)phase_file;
    } else {
        phase_file = NULL;
    }
    if (opt.idle_seconds > 0)
        measure_idle(opt.idle_seconds, meter, phase_file);
    err = jf_train_run(&run, MPI_COMM_WORLD, 1, msg, sizeof msg);
    if (err != JF_OK) {
        fprintf(stderr, "jflop-run: %s: %s; ending the job\n", who, msg);
        MPI_Abort(MPI_COMM_WORLD, JF_EXIT_INTERNAL);
    }
    jf_gemm_choice_finish(&gemm);
    jf_energy_job_t job;
    node_cpu_share(&energy, &phase);
    energy.part_stamps = run.part_stamps;
    energy.part_steps = (size_t)run.steps_done;
    energy.nparts = JF_STEP_PARTS;
    if (jf_energy_end(&energy, MPI_COMM_WORLD, &job) != JF_OK) {
        fprintf(stderr, "jflop-run: %s: gathering the energy results failed\n", who);
        MPI_Abort(MPI_COMM_WORLD, JF_EXIT_INTERNAL);
    }
    if (rank == 0)
        jf_sched_exclusive(job.exclusive, sizeof job.exclusive, job.exclusive_how,
                           sizeof job.exclusive_how);

    if (jf_energy_job_bcast(&job, MPI_COMM_WORLD) != JF_OK) {
        fprintf(stderr, "jflop-run: %s: sharing the energy results failed\n", who);
        MPI_Abort(MPI_COMM_WORLD, JF_EXIT_INTERNAL);
    }
    char results_error[JF_MSG_LEN] = "";
    const jf_summary_t summary = {&run, &blis, &gemm, checks, nchecks, mpi_lib, cmdline, &job,
                                  &placement, results_path, results_error};
    const char *reason;
    const int ok = jf_summary_ok(&summary, &reason);
    int status = ok ? JF_EXIT_OK : JF_EXIT_FAILED;
    if (results_path[0] != '\0') {
        err = jf_results_write(results_path, &summary, &energy, started_utc, jf_clock_utc(),
                               MPI_COMM_WORLD, results_error, sizeof results_error);
        if (err == JF_EMPI) {
            /* some rank is stuck in parallel HDF5: only an abort ends it;
             * no summary (it would have to wait for rank 0) */
            fprintf(stderr, "jflop-run: %s: %s; ending the job\n", who, results_error);
            fflush(stderr);
            MPI_Abort(MPI_COMM_WORLD, JF_EXIT_INTERNAL);
        }
        if (err != JF_OK)
            status = JF_EXIT_INTERNAL;
    }
    /* one line on stderr for a run that is not ok: the results file that
     * was not written says it all (the summary has the rest), else the
     * check that failed or the signal that stopped it */
    if (rank == 0 && results_error[0] != '\0')
        fprintf(stderr, "jflop-run: %s\n", results_error);
    else if (rank == 0 && !ok)
        fprintf(stderr, "jflop-run: the run %s: %s\n",
                strcmp(jf_summary_status(&summary), "incomplete") == 0 ? "is incomplete"
                                                                       : "failed",
                reason);
    if (rank == 0) {
        jf_summary_print(stdout, &summary);
        /* a summary that did not reach stdout (a full device, a closed
         * pipe) is a failed output, not a success */
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "jflop-run: stdout: the summary could not be written: %s\n",
                    strerror(errno));
            status = JF_EXIT_INTERNAL;
        }
        if (opt.summary_json != NULL &&
            jf_summary_write_json(opt.summary_json, &summary, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop-run: %s\n", msg);
            status = JF_EXIT_INTERNAL;
        }
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    jf_run_free(&run);
    jf_energy_job_free(&job);
    jf_energy_setup_free(&energy);
    if (jf_results_left_open()) {
        /* the failed results file is still open in parallel HDF5, and
         * MPI_Finalize would have HDF5 close it: a collective after a
         * failed write, which hangs or crashes. Every rank is here (the
         * Bcast above): end without it, outputs flushed. */
        fflush(stdout);
        fflush(stderr);
        _exit(status);
    }
    return finish(status);
}
