/* jf_results.c: the HDF5 results file, written collectively. Metadata calls
 * (groups, attributes, dataset creation) are collective in parallel HDF5 and
 * need identical arguments on every rank, so everything they take comes
 * from rank 0 or from values every rank already shares. */
#define _POSIX_C_SOURCE 200809L
#include "jf_results.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#define META_LEN 512

/* Provenance, from each rank's own view; the file gets rank 0's (attr_str). */
typedef struct {
    char started[40], ended[40];
    char slurm_job[META_LEN / 4], slurm_array_job[META_LEN / 4], slurm_array_task[META_LEN / 4];
    char hosts[4096];
} jf_meta_t;

static void iso_utc(double epoch, char *buf, size_t len)
{
    const time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void jf_results_default_path(MPI_Comm world, char *path, size_t pathlen)
{
    int rank;
    char name[512];
    MPI_Comm_rank(world, &rank);
    if (rank == 0) {
        char stamp[40];
        const char *job = getenv("SLURM_JOB_ID");
        const char *task = getenv("SLURM_ARRAY_TASK_ID");
        struct tm tm;
        const time_t now = time(NULL);
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        if (job != NULL && task != NULL)
            snprintf(name, sizeof name, "results/jflop-%s-%s_%s.h5", stamp, job, task);
        else if (job != NULL)
            snprintf(name, sizeof name, "results/jflop-%s-%s.h5", stamp, job);
        else
            snprintf(name, sizeof name, "results/jflop-%s-%ld.h5", stamp, (long)getpid());
    }
    MPI_Bcast(name, sizeof name, MPI_CHAR, 0, world);
    snprintf(path, pathlen, "%s", name);
}

/* --- attribute and dataset helpers; each returns 0 or -1 -------------------- */

/* The ranks writing the file. Every attribute takes rank 0's value: a value
 * that differed between ranks (a warning seen only on rank 0, a per-rank
 * residual in a check's detail) would give the ranks' metadata caches
 * different sizes, and parallel HDF5 then deadlocks at a cache sync point
 * or in the file's close (seen: one rank in H5AC's barrier, the other in
 * MPI_File_set_size's). So values need not agree before they get here.
 * (Structure -- which groups, datasets and attributes exist -- must still
 * follow from values every rank shares.) */
static MPI_Comm writers = MPI_COMM_NULL;

/* Every rank makes the same MPI calls whatever HDF5 or malloc did on it,
 * so a failure on one rank never leaves the others waiting in a broadcast:
 * bytes go in pieces of one size on every rank, and a rank without memory
 * for them takes its pieces into `scratch` (and the write fails). Library
 * code: no MPI_Abort here, the caller decides. */
static unsigned char scratch[65536];
static int out_of_memory;

static void bcast_bytes(void *buf, size_t n)
{
    unsigned char *const p = buf;
    for (size_t off = 0; off < n; off += sizeof scratch) {
        const size_t k = n - off < sizeof scratch ? n - off : sizeof scratch;
        MPI_Bcast(p != NULL ? p + off : scratch, (int)k, MPI_BYTE, 0, writers);
    }
    if (p == NULL)
        out_of_memory = 1;
}

/* value, or on the other ranks a copy of rank 0's; free() it. NULL (on
 * this rank only) when there was no memory for it. */
static char *agreed_str(const char *value)
{
    int rank;
    unsigned long long n = strlen(value);
    MPI_Comm_rank(writers, &rank);
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, writers);
    char *v = malloc(n + 1);
    if (v == NULL) {
        /* rank 0 still sends its own */
        bcast_bytes(rank == 0 ? (void *)(uintptr_t)value : NULL, n);
        out_of_memory = 1;
        return NULL;
    }
    if (rank == 0)
        memcpy(v, value, n);
    bcast_bytes(v, n);
    v[n] = '\0';
    return v;
}

static int attr_str(hid_t loc, const char *name, const char *local_value)
{
    char *value = agreed_str(local_value);
    if (value == NULL)
        return -1;
    const hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
    const size_t n = strlen(value);
    H5Tset_size(type, n > 0 ? n : 1);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    const hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t w = a < 0 ? -1 : H5Awrite(a, type, n > 0 ? value : "");
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    free(value);
    return a < 0 || w < 0 ? -1 : 0;
}

static int attr_scalar(hid_t loc, const char *name, hid_t type, const void *local_value)
{
    unsigned char value[16];
    const size_t size = H5Tget_size(type);
    if (size == 0 || size > sizeof value)
        return -1;
    memcpy(value, local_value, size);
    MPI_Bcast(value, (int)size, MPI_BYTE, 0, writers);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t w = a < 0 ? -1 : H5Awrite(a, type, value);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return a < 0 || w < 0 ? -1 : 0;
}

static int attr_f64(hid_t loc, const char *name, double v)
{
    return attr_scalar(loc, name, H5T_NATIVE_DOUBLE, &v);
}

static int attr_i64(hid_t loc, const char *name, int64_t v)
{
    return attr_scalar(loc, name, H5T_NATIVE_INT64, &v);
}

static int attr_u64(hid_t loc, const char *name, uint64_t v)
{
    return attr_scalar(loc, name, H5T_NATIVE_UINT64, &v);
}

/* A value with its unit: the number as an attribute, and NAME_units. */
static int attr_f64_units(hid_t loc, const char *name, double v, const char *units)
{
    char uname[128];
    snprintf(uname, sizeof uname, "%s_units", name);
    return attr_f64(loc, name, v) | attr_str(loc, uname, units);
}

/* A 1-D attribute of n numbers of `type`, rank 0's values (n must follow
 * from values every rank shares: it is structure). */
static int attr_array(hid_t loc, const char *name, hid_t type, int n, const void *local_values)
{
    const size_t size = H5Tget_size(type);
    const hsize_t dim = (hsize_t)n;
    if (n <= 0 || size == 0)
        return -1;
    unsigned char *values = malloc((size_t)n * size);
    if (values == NULL) {
        int rank;
        MPI_Comm_rank(writers, &rank);
        bcast_bytes(rank == 0 ? (void *)(uintptr_t)local_values : NULL, (size_t)n * size);
        out_of_memory = 1;
        return -1;
    }
    memcpy(values, local_values, (size_t)n * size);
    bcast_bytes(values, (size_t)n * size);
    const hid_t space = H5Screate_simple(1, &dim, NULL);
    const hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t w = a < 0 ? -1 : H5Awrite(a, type, values);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    free(values);
    return a < 0 || w < 0 ? -1 : 0;
}

/* A 1-D attribute of n fixed-length strings (h5py reads a list of bytes,
 * h5dump prints each), rank 0's values. */
static int attr_str_array(hid_t loc, const char *name, int n, const char *const *local_values)
{
    char **values = calloc((size_t)(n > 0 ? n : 1), sizeof *values);
    size_t width = 1;
    int e = values == NULL;
    for (int i = 0; i < n; i++) {
        char *v = agreed_str(local_values[i]);  /* on every rank, whatever failed */
        e |= v == NULL;
        if (values == NULL || v == NULL) {
            free(v);
            continue;
        }
        values[i] = v;
        width = strlen(v) > width ? strlen(v) : width;
    }
    char *packed = e ? NULL : calloc((size_t)(n > 0 ? n : 1), width);
    e |= packed == NULL;
    for (int i = 0; !e && i < n; i++)
        memcpy(packed + (size_t)i * width, values[i], strlen(values[i]));
    if (!e) {
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, width);
        H5Tset_strpad(type, H5T_STR_NULLPAD);
        const hsize_t dim = (hsize_t)n;
        const hid_t space = H5Screate_simple(1, &dim, NULL);
        const hid_t a = n > 0 ? H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
        e = a < 0 || H5Awrite(a, type, packed) < 0;
        if (a >= 0)
            H5Aclose(a);
        H5Sclose(space);
        H5Tclose(type);
    }
    for (int i = 0; values != NULL && i < n; i++)
        free(values[i]);
    free(values);
    free(packed);
    return e ? -1 : 0;
}

static int attr_u128(hid_t loc, const char *name, jf_u128 v)
{
    char digits[JF_U128_STRLEN];
    return attr_str(loc, name, jf_u128_str(v, digits, sizeof digits));
}

/* A 1-D or 2-D float64 dataset with a units attribute (and a description). */
static hid_t dataset_f64(hid_t loc, const char *name, int rank, const hsize_t *dims,
                         const char *units, const char *description)
{
    const hid_t space = H5Screate_simple(rank, dims, NULL);
    const hid_t d = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT);
    H5Sclose(space);
    /* both attributes on every rank, even where d failed: their values
     * are broadcast, and every rank must take part */
    const int e = attr_str(d, "units", units) | attr_str(d, "description", description);
    if (e && d >= 0) {
        H5Dclose(d);
        return -1;
    }
    return d;
}

/* Write this rank's row of a [ranks][width] dataset collectively: every
 * rank brings a row, so no rank's selection is empty (see write_by_owner). */
static int write_row(hid_t d, hid_t dxpl, hid_t mem_type, int64_t row, hsize_t width,
                     const void *data)
{
    const hid_t file_space = H5Dget_space(d);
    const hsize_t start[2] = {(hsize_t)row, 0}, count[2] = {1, width};
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL);
    const hid_t mem_space = H5Screate_simple(1, &width, NULL);
    const herr_t w = H5Dwrite(d, mem_type, mem_space, file_space, dxpl, data);
    H5Sclose(mem_space);
    H5Sclose(file_space);
    return w < 0 ? -1 : 0;
}

/* Write a whole dataset from the one rank that holds it (have); the others
 * do not take part. Never as a collective write in which the others bring
 * an empty selection: Open MPI's OMPIO then wrote one element of such a
 * rank's buffer over the dataset's first element, in about a third of the
 * runs on 2 ranks (the energy trace's first row read 4.9e-307 and its mark
 * a random number). An independent write touches only the owner's bytes. */
static int write_by_owner(hid_t d, hid_t mem_type, hsize_t count, int have, const void *data)
{
    if (d < 0)
        return 1;
    if (!have)
        return 0;
    const hid_t ms = H5Screate_simple(1, &count, NULL);
    const hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_INDEPENDENT);
    const int e = H5Dwrite(d, mem_type, ms, H5S_ALL, dxpl, data) < 0;
    H5Pclose(dxpl);
    H5Sclose(ms);
    return e;
}

/* --- groups -------------------------------------------------------------- */

static int write_root(hid_t f, const jf_summary_t *s, const jf_meta_t *meta, const char *status,
                      const char *reason)
{
    const jf_run_t *r = s->run;
    int e = 0;
    e |= attr_str(f, "schema", "jflop-results");
    e |= attr_str(f, "schema_version", JF_SCHEMA_VERSION);
    e |= attr_str(f, "jflop_version", PACKAGE_VERSION);
    e |= attr_str(f, "command_line", s->command_line);
    e |= attr_str(f, "start_utc", meta->started);
    e |= attr_str(f, "end_utc", meta->ended);
    e |= attr_str(f, "hosts", meta->hosts);
    e |= attr_str(f, "mpi_library", s->mpi_library);
    e |= attr_str(f, "blis_version", s->blis->version);
    e |= attr_str(f, "blis_arch", s->blis->active);
    e |= attr_str(f, "blis_arch_detected", s->blis->detected);
    e |= attr_str(f, "blis_arch_how", s->blis->how);
#ifdef HAVE_LIKWID
    e |= attr_str(f, "likwid", "linked (energy backend available)");
#else
    e |= attr_str(f, "likwid", "not built in");
#endif
#if defined(__clang__)
    e |= attr_str(f, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    e |= attr_str(f, "compiler", "gcc " __VERSION__);
#else
    e |= attr_str(f, "compiler", "unknown");
#endif
    e |= attr_str(f, "slurm_job_id", meta->slurm_job);
    e |= attr_str(f, "slurm_array_job_id", meta->slurm_array_job);
    e |= attr_str(f, "slurm_array_task_id", meta->slurm_array_task);
    e |= attr_u64(f, "seed", r->opt.seed);
    e |= attr_str(f, "status", status);
    e |= attr_str(f, "status_reason", reason);
    char warnings[JF_MAX_WARNINGS * (JF_WARNING_LEN + 1)] = "";
    for (int i = 0, used = 0; s->placement != NULL && i < s->placement->nwarnings; i++)
        used += snprintf(warnings + used, sizeof warnings - (size_t)used, "%s%s", i ? "\n" : "",
                         s->placement->warnings[i]);
    e |= attr_str(f, "warnings", warnings);
    return e;
}

static int write_config(hid_t f, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    const hid_t g = H5Gcreate2(f, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int e = g < 0;  /* and on: every rank makes every call (see bcast_bytes) */
    e |= attr_str(g, "preset", o->params_target ? "" : o->preset);
    e |= attr_i64(g, "layers", o->shape.layers);
    e |= attr_i64(g, "d_model", o->shape.d_model);
    e |= attr_i64(g, "heads", o->shape.heads);
    e |= attr_i64(g, "ctx", o->shape.ctx);
    e |= attr_i64(g, "ff", o->shape.ff);
    e |= attr_i64(g, "vocab", o->shape.vocab);
    e |= attr_i64(g, "batch", o->batch);
    e |= attr_i64(g, "steps", o->steps);
    e |= attr_i64(g, "warmup", o->warmup);
    e |= attr_i64(g, "steps_done", r->steps_done);
    e |= attr_i64(g, "ranks", r->ranks);
    e |= attr_i64(g, "nodes", r->nodes);
    e |= attr_i64(g, "threads_per_rank", o->threads);
    e |= attr_str(g, "precision", jf_precision_name(o->precision));
    e |= attr_str(g, "optimizer", "sgd");
    e |= attr_f64(g, "lr", o->lr);
    e |= attr_u64(g, "N", r->n_params);
    e |= attr_u64(g, "N_target", o->params_target);
    e |= attr_u64(g, "D", r->tokens);
    e |= attr_u64(g, "D_target", o->tokens_target);
    e |= attr_u64(g, "weights_trained", r->n_weights);
    e |= attr_str(g, "energy_request", o->energy);
    e |= attr_f64_units(g, "seconds", r->seconds, "s");
    e |= attr_f64_units(g, "warmup_seconds", r->warmup_seconds, "s");
    e |= attr_f64_units(g, "startup_seconds", r->startup_seconds, "s");
    e |= attr_f64_units(g, "peak_flops_per_second", r->peak_flops,
                        r->peak_kind != NULL && strcmp(r->peak_kind, "GEMM") == 0
                            ? "FLOP/s (measured GEMM peak: best sustained 1024^3 product, all ranks)"
                            : "FLOP/s (measured FMA peak, all ranks)");
    e |= attr_str(g, "peak_isa", r->peak_isa ? r->peak_isa : "");
    e |= attr_str(g, "peak_kind", r->peak_kind ? r->peak_kind : "");
    e |= attr_u64(g, "predicted_peak_rss_bytes", r->predicted_bytes);
    e |= attr_str(g, "predicted_peak_rss_bytes_units", "B");
    e |= attr_u64(g, "predicted_model_bytes_per_rank", r->predicted_model_bytes);
    e |= attr_str(g, "predicted_model_bytes_per_rank_units", "B");
    e |= attr_u64(g, "peak_rss_bytes_max_rank", r->peak_rss_bytes);
    e |= attr_str(g, "peak_rss_bytes_max_rank_units", "B");
    /* 1.5: the losses' unit, as /loss has it */
    e |= attr_f64_units(g, "loss_first", r->loss_first, "nat");
    e |= attr_f64_units(g, "loss_last", r->loss_last, "nat");
    e |= attr_f64_units(g, "loss_floor", r->loss_floor, "nat");
    e |= attr_i64(g, "weights_identical_on_ranks", r->replicas_identical);
    e |= attr_f64_units(g, "min_seconds", o->min_seconds, "s (--min-seconds; 0 when not given)");
    H5Gclose(g);
    return e;
}

static int write_flops(hid_t f, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_ledger_t *L = &r->ledger;
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    const hid_t g = H5Gcreate2(f, "flops", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int e = g < 0;
    /* exact integers as decimal strings: 6ND outgrows 64 bits */
    e |= attr_str(g, "units", "FLOP (exact decimal integers)");
    e |= attr_u128(g, "flops_6nd", f6nd);
    e |= attr_u128(g, "flops_dense_counted", jf_ledger_dense(L));
    e |= attr_u128(g, "flops_dense_forward", L->flops[JF_FLOP_DENSE_FWD]);
    e |= attr_u128(g, "flops_dense_backward_data", L->flops[JF_FLOP_DENSE_BWD_DATA]);
    e |= attr_u128(g, "flops_dense_backward_weights", L->flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    e |= attr_u128(g, "flops_attention_counted", jf_ledger_attention(L));
    e |= attr_u128(g, "flops_attention_analytic",
                   jf_flops_attention_analytic(&r->opt.shape, r->tokens));
    e |= attr_u128(g, "flops_head_counted", L->flops[JF_FLOP_HEAD]);
    e |= attr_u128(g, "flops_other", L->flops[JF_FLOP_OTHER]);
    e |= attr_str(g, "flops_other_kind", "nominal per-element operation counts");
    e |= attr_u128(g, "flops_total_counted", jf_ledger_total(L));
    e |= attr_u64(g, "gemm_calls", L->gemm_calls);
    e |= attr_u64(g, "bf16_converted_elements", L->bf16_converted);
    e |= attr_i64(g, "verified", jf_ledger_dense(L) == f6nd && r->tokens > 0);
    H5Gclose(g);
    return e;
}

/* The GEMM back-end that ran and every candidate it was chosen from. */
static int write_gemm(hid_t f, const jf_summary_t *s)
{
    const jf_gemm_choice_t *ch = s->gemm;
    const hid_t g = H5Gcreate2(f, "gemm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int e = g < 0;
    e |= attr_str(g, "precision", jf_precision_name(ch->precision));
    e |= attr_str(g, "backend", ch->backend);
    e |= attr_str(g, "version", ch->version);
    e |= attr_str(g, "kernel", ch->kernel);
    e |= attr_i64(g, "native", ch->native);
    e |= attr_i64(g, "emulated", ch->precision == JF_BF16 && !ch->native);
    e |= attr_str(g, "how", ch->how);
    e |= attr_str(g, "bf16_tensors", jf_gemm_bf16_tensors(ch->precision));
    e |= attr_str(g, "measured_shapes", ch->shapes);
    e |= attr_f64_units(g, "measure_seconds", ch->seconds, "s (rank 0)");
    e |= attr_i64(g, "candidates", JF_NCAND);
    for (int i = 0; i < JF_NCAND; i++) {
        const jf_gemm_candidate_t *c = &ch->cand[i];
        char name[48], value[256];
        snprintf(name, sizeof name, "candidate%d", i);
        snprintf(value, sizeof value, "%s%s%s", c->backend, c->kernel[0] ? ":" : "", c->kernel);
        e |= attr_str(g, name, value);
        snprintf(name, sizeof name, "candidate%d_gflops", i);
        e |= attr_f64_units(g, name, c->considered && c->usable ? c->gflops : 0.0,
                            "GFLOP/s on the measured shapes, summed over ranks; 0: not measured");
        snprintf(name, sizeof name, "candidate%d_note", i);
        e |= attr_str(g, name, i == ch->chosen ? "chosen" : c->note);
    }
    H5Gclose(g);
    return e;
}

/* Per-rank step timings and the loss curve. */
static int write_timing(hid_t f, hid_t dxpl, const jf_summary_t *s, int rank)
{
    const jf_run_t *r = s->run;
    /* rows: the steps that ran (every rank stops at the same step) */
    const hsize_t steps = (hsize_t)r->steps_ran;
    const hsize_t dims[2] = {(hsize_t)r->ranks, steps};
    double *rel = malloc((size_t)(steps > 0 ? steps : 1) * sizeof *rel);
    int e = rel == NULL;
    for (hsize_t i = 0; rel != NULL && i < steps; i++)
        rel[i] = r->step_start[i] != 0 ? r->step_start[i] - r->phase_start : 0;
    const hid_t g = H5Gcreate2(f, "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    e |= g < 0 || attr_i64(g, "warmup_steps", r->opt.warmup);
    hid_t d = dataset_f64(g, "step_seconds", 2, dims, "s",
                          "wall time of each step on each rank, [rank][step], warm-up steps "
                          "first, one column per step that ran");
    if (steps > 0)  /* see write_energy_node: no zero-length collective writes */
        e |= d < 0 || write_row(d, dxpl, H5T_NATIVE_DOUBLE, rank, steps, r->step_seconds);
    if (d >= 0)
        H5Dclose(d);
    d = dataset_f64(g, "step_start", 2, dims, "s",
                    "start of each step on each rank relative to the start of the measured "
                    "phase (negative in warm-up), one column per step that ran");
    if (steps > 0)
        e |= d < 0 || write_row(d, dxpl, H5T_NATIVE_DOUBLE, rank, steps, rel);
    if (d >= 0)
        H5Dclose(d);
    const hsize_t nloss = (hsize_t)r->steps_done;
    d = dataset_f64(f, "loss", 1, &nloss, "nat",
                    "global mean cross-entropy per token of each measured step");
    if (nloss > 0)  /* rank 0's, alone: see write_by_owner */
        e |= write_by_owner(d, H5T_NATIVE_DOUBLE, nloss, rank == 0, r->loss);
    if (d >= 0)
        H5Dclose(d);
    if (g >= 0)
        H5Gclose(g);
    free(rel);
    return e;
}

static void join_domains(const jf_energy_node_t *n, int what, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < n->ndomains && used < len; k++) {
        const char *v = what == 0 ? n->domains[k].name : n->domains[k].scope;
        const int w = snprintf(buf + used, len - used, "%s%s", k ? "," : "", v);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int write_energy_node(hid_t parent, int index, const jf_energy_node_t *n,
                             const jf_energy_meter_t *meter)
{
    char name[32], list[2048];
    int e = 0;
    snprintf(name, sizeof name, "node_%04d", index);
    const hid_t g = H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    e |= g < 0;
    e |= attr_str(g, "node", n->node);
    e |= attr_str(g, "backend", n->backend);
    e |= attr_i64(g, "measured", n->measured);
    e |= attr_i64(g, "invalid", n->invalid);
    e |= attr_str(g, "reason", n->reason);
    e |= attr_str(g, "coverage", n->coverage);
    if (n->measured) {
        e |= attr_f64_units(g, "joules", n->joules, "J");
        e |= attr_f64_units(g, "mean_watts", n->mean_watts, "W");
        e |= attr_f64_units(g, "peak_watts", n->peak_watts, "W");
    }
    e |= attr_f64_units(g, "seconds", n->seconds, "s");
    e |= attr_u64(g, "samples", n->samples);
    e |= attr_u64(g, "wraps", n->wraps);
    e |= attr_f64_units(g, "sample_interval", n->interval, "s");
    e |= attr_f64_units(g, "phase_start_utc", n->start_utc, "s since 1970-01-01 UTC");
    e |= attr_f64_units(g, "phase_end_utc", n->stop_utc, "s since 1970-01-01 UTC");
    if (n->sampler_reads > 0)
        e |= attr_f64_units(g, "sampler_cpu_seconds", n->sampler_cpu_seconds,
                            "s (CPU time of the sampler thread over the whole run)");
    e |= attr_u64(g, "sampler_reads", n->sampler_reads);
    join_domains(n, 0, list, sizeof list);
    e |= attr_str(g, "domains", list);
    join_domains(n, 1, list, sizeof list);
    e |= attr_str(g, "domain_scopes", list);
    if (n->ndomains > 0) {
        double joules[JF_ENERGY_MAX_DOMAINS];
        int64_t in_total[JF_ENERGY_MAX_DOMAINS];
        for (int k = 0; k < n->ndomains; k++) {
            joules[k] = n->domain_joules[k];
            in_total[k] = n->domains[k].in_node_total;
        }
        const char *scopes[JF_ENERGY_MAX_DOMAINS];
        for (int k = 0; k < n->ndomains; k++)
            scopes[k] = n->domains[k].scope;
        /* rank 0's values, as every attribute (see `writers`) */
        e |= attr_array(g, "domain_joules", H5T_NATIVE_DOUBLE, n->ndomains, joules);
        e |= attr_str(g, "domain_joules_units", "J");  /* 1.5 */
        e |= attr_array(g, "domain_in_node_total", H5T_NATIVE_INT64, n->ndomains, in_total);
        /* 1.5: the scopes one string each (a scope may hold a comma) */
        e |= attr_str_array(g, "domain_scope_list", n->ndomains, scopes);
    }
    /* the trace: [sample][1 + domain], t from the phase start, cumulative J */
    const hsize_t cols = 1 + (hsize_t)n->ndomains, dims[2] = {n->trace_count, cols};
    const hid_t d = dataset_f64(g, "trace", 2, dims, "s, then J per domain",
                                "sampled energy: column 0 the time relative to the measured "
                                "phase's start reading, then each domain's cumulative Joules "
                                "since the first reading (order of the domains attribute)");
    const hid_t dm = H5Screate_simple(1, &dims[0], NULL);
    const hid_t mk = H5Dcreate2(g, "trace_mark", H5T_NATIVE_INT32, dm, H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT);
    H5Sclose(dm);
    e |= d < 0 || mk < 0;
    {   /* on every rank, as every attribute */
        /* 1.5: one name and one unit per column, for h5py/pandas */
        const char *columns[1 + JF_ENERGY_MAX_DOMAINS], *units[1 + JF_ENERGY_MAX_DOMAINS];
        columns[0] = "time";
        units[0] = "s";
        for (int k = 0; k < n->ndomains; k++) {
            columns[1 + k] = n->domains[k].name;
            units[1 + k] = "J";
        }
        e |= attr_str_array(d, "columns", 1 + n->ndomains, columns);
        e |= attr_str_array(d, "column_units", 1 + n->ndomains, units);
    }
    e |= attr_str(mk, "description", "0 periodic sample, 1 first reading, 2 measured phase "
                                         "start, 3 measured phase stop, 4 last reading");
    /* only the node's reader has the trace; the others write nothing */
    const int mine = meter != NULL && meter->count == n->trace_count && n->trace_count > 0;
    /* the reader whose trace is not the one gathered (or cannot copy it)
     * fails the write: an unwritten trace would read as whatever its
     * storage held */
    e |= meter != NULL && n->trace_count > 0 && meter->count != n->trace_count;
    double *rows = NULL;
    int32_t *marks = NULL;
    if (mine) {
        double t0 = meter->trace[0].t;
        for (size_t i = 0; i < meter->count; i++)
            if (meter->trace[i].mark == JF_MARK_PHASE_START)
                t0 = meter->trace[i].t;
        rows = malloc(meter->count * cols * sizeof *rows);
        marks = malloc(meter->count * sizeof *marks);
        if (rows != NULL && marks != NULL)
            for (size_t i = 0; i < meter->count; i++) {
                rows[i * cols] = meter->trace[i].t - t0;
                for (int k = 0; k < n->ndomains; k++)
                    rows[i * cols + 1 + (hsize_t)k] = meter->trace[i].joules[k];
                marks[i] = (int32_t)meter->trace[i].mark;
            }
    }
    const int have = mine && rows != NULL && marks != NULL;
    e |= mine && !have;  /* out of memory: never an unwritten trace */
    /* empty datasets get no write at all: OMPIO fails a zero-length
     * write (pwritev EINVAL); every rank knows trace_count */
    if (n->trace_count > 0) {
        e |= write_by_owner(d, H5T_NATIVE_DOUBLE, n->trace_count * cols, have, rows);
        e |= write_by_owner(mk, H5T_NATIVE_INT32, n->trace_count, have, marks);
    }
    if (d >= 0)
        H5Dclose(d);
    if (mk >= 0)
        H5Dclose(mk);
    free(rows);
    free(marks);
    H5Gclose(g);
    return e;
}

static int write_energy(hid_t f, const jf_summary_t *s,
                        const jf_energy_setup_t *setup)
{
    const jf_energy_job_t *job = s->energy;
    const hid_t g = H5Gcreate2(f, "energy", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int e = g < 0, my_index = -1;
    if (setup->leader && setup->leaders != MPI_COMM_NULL)
        MPI_Comm_rank(setup->leaders, &my_index);
    const int have = job->measured_nodes > 0;
    e |= attr_str(g, "source", job->source);
    e |= attr_str(g, "status", job->invalid_nodes > 0 ? "invalid"
                               : have              ? "measured"
                                                   : "not measured");
    e |= attr_i64(g, "measured_nodes", job->measured_nodes);
    e |= attr_i64(g, "total_nodes", job->total_nodes);
    e |= attr_i64(g, "extrapolated", job->extrapolated);
    if (have) {
        /* absent, never 0, when not measured */
        e |= attr_f64_units(g, "joules_total", job->joules_measured, "J");
        if (job->extrapolated)
            e |= attr_f64_units(g, "joules_total_extrapolated", job->joules_estimate,
                                "J (ESTIMATE: measured nodes' mean x node count)");
    }
    e |= attr_f64_units(g, "sample_interval", job->interval, "s");
    for (int i = 0; i < job->total_nodes; i++)
        e |= write_energy_node(g, i, &job->nodes[i],
                               i == my_index && setup->meter_running ? &setup->meter : NULL);
    H5Gclose(g);
    return e;
}

/* The --verify checks (schema 1.2): /verify says whether they were asked
 * for, and holds one group per check with its verdict, the figure it
 * measured and the threshold it was held to. */
static int write_verify(hid_t f, const jf_summary_t *s)
{
    const hid_t g = H5Gcreate2(f, "verify", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int e = g < 0;
    e |= attr_i64(g, "requested", s->run->opt.verify);
    e |= attr_i64(g, "checks", s->nchecks);
    for (int i = 0; i < s->nchecks; i++) {
        const jf_check_t *c = &s->checks[i];
        const hid_t cg = H5Gcreate2(g, c->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        e |= cg < 0;
        e |= attr_i64(cg, "ran", c->ran);
        e |= attr_i64(cg, "pass", c->pass);
        e |= attr_f64(cg, "value", c->value);
        e |= attr_f64(cg, "threshold", c->threshold);
        e |= attr_str(cg, "detail", c->detail);
        H5Gclose(cg);
    }
    H5Gclose(g);
    return e;
}

static void fill_meta(jf_meta_t *m, const jf_summary_t *s, double started, double ended)
{
    const char *v;
    memset(m, 0, sizeof *m);
    iso_utc(started, m->started, sizeof m->started);
    iso_utc(ended, m->ended, sizeof m->ended);
    snprintf(m->slurm_job, sizeof m->slurm_job, "%s", (v = getenv("SLURM_JOB_ID")) ? v : "");
    snprintf(m->slurm_array_job, sizeof m->slurm_array_job, "%s",
             (v = getenv("SLURM_ARRAY_JOB_ID")) ? v : "");
    snprintf(m->slurm_array_task, sizeof m->slurm_array_task, "%s",
             (v = getenv("SLURM_ARRAY_TASK_ID")) ? v : "");
    size_t used = 0;
    for (int i = 0; s->energy != NULL && i < s->energy->total_nodes; i++) {
        const int w = snprintf(m->hosts + used, sizeof m->hosts - used, "%s%s", i ? "," : "",
                               s->energy->nodes[i].node);
        if (w < 0 || (size_t)w >= sizeof m->hosts - used)
            break;
        used += (size_t)w;
    }
}

/* --- bounded agreement ----------------------------------------------------

   Parallel HDF5 keeps going on the ranks where a write worked and stops on
   the one where it failed (a full disk, a read-only file system): the
   others then wait in one of HDF5's own collectives for a rank that never
   comes (seen: one rank in H5AC's barrier, the other in
   MPI_File_set_size's). So after each part of the file every rank says
   whether it failed, in a nonblocking allreduce with a time limit, and no
   rank makes another HDF5 call once any has failed. A rank that failed
   waits JF_RESULTS_WAIT_FAILED seconds for the others, a rank that did not
   JF_RESULTS_WAIT seconds (the slowest rank's part of a collective write);
   past that, the others are taken to be stuck and the caller must end the
   job (jf_results_write returns JF_EMPI). */
#define JF_RESULTS_WAIT_FAILED 10.0
#define JF_RESULTS_WAIT 120.0

static int left_open;  /* see jf_results_left_open */
static int timed_out;

/* Wait for req, at most `limit` seconds; 0 when it completed. */
static int bounded_wait(MPI_Request *req, double limit)
{
    const double t0 = MPI_Wtime();
    const struct timespec pause = {0, 200000};
    for (;;) {
        int done = 0;
        if (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        if (done)
            return 0;
        if (MPI_Wtime() - t0 > limit)
            return -1;
        nanosleep(&pause, NULL);
    }
}

/* Collective, bounded: did any rank fail (e != 0 on it)? 1 also when the
 * others did not answer in time (timed_out set). */
static int any_failed(int e)
{
    static int flag;  /* static: an abandoned request may still write it */
    MPI_Request req;
    flag = e != 0;
    if (MPI_Iallreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX, writers, &req) != MPI_SUCCESS ||
        bounded_wait(&req, e ? JF_RESULTS_WAIT_FAILED : JF_RESULTS_WAIT) != 0) {
        timed_out = 1;
        return 1;
    }
    return flag;
}

/* The first HDF5 call that failed in this write, by its innermost
 * message (later failures follow from it). */
static char first_why[160];

static herr_t innermost(unsigned n, const H5E_error2_t *err, void *data)
{
    (void)data;
    if (n == 0 && err->desc != NULL)
        snprintf(first_why, sizeof first_why, "%s%s%s", err->func_name ? err->func_name : "",
                 err->func_name ? ": " : "", err->desc);
    return 0;
}

static herr_t on_hdf5_error(hid_t stack, void *data)
{
    (void)data;
    if (first_why[0] == '\0')
        H5Ewalk2(stack, H5E_WALK_UPWARD, innermost, NULL);
    return 0;
}

/* What the file system of `file` says now: full, read-only, or nothing. */
static void fs_state(const char *file, char *buf, size_t len)
{
    char copy[4200];
    struct statvfs v;
    snprintf(copy, sizeof copy, "%s", file);
    buf[0] = '\0';
    if (statvfs(dirname(copy), &v) != 0)
        return;
    const unsigned long long avail = (unsigned long long)v.f_bavail * v.f_frsize;
    if (v.f_flag & ST_RDONLY)
        snprintf(buf, len, " (its file system is now read-only)");
    else if (avail < 1048576)
        snprintf(buf, len, " (its file system is full: %llu kB free)", avail / 1024);
}

/* After an agreed failure: the first failing rank's reason, on every rank
 * (bounded as any_failed). */
static void agree_reason(int failed_here, char *reason, size_t len)
{
    static int first;
    static char shared[160];
    int rank;
    MPI_Request req;
    MPI_Comm_rank(writers, &rank);
    first = failed_here ? rank : INT_MAX;
    if (MPI_Iallreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, writers, &req) != MPI_SUCCESS ||
        bounded_wait(&req, JF_RESULTS_WAIT_FAILED) != 0 || first == INT_MAX) {
        if (!failed_here)
            reason[0] = '\0';  /* its own, or none */
        return;
    }
    if (rank == first)
        snprintf(shared, sizeof shared, "%s", reason);
    if (MPI_Ibcast(shared, sizeof shared, MPI_CHAR, first, writers, &req) != MPI_SUCCESS ||
        bounded_wait(&req, JF_RESULTS_WAIT_FAILED) != 0)
        return;
    shared[sizeof shared - 1] = '\0';
    snprintf(reason, len, "%s", shared);
}

int jf_results_left_open(void)
{
    return left_open;
}

jf_err_t jf_results_write(const char *path, const jf_summary_t *s, const jf_energy_setup_t *energy,
                          double started_utc, double ended_utc, MPI_Comm world, char *msg,
                          size_t msglen)
{
    char tmp[4200], why[160] = "", where[64] = "creating it";
    jf_meta_t meta;
    const char *reason;
    int rank, failed = 0, e = 0;
    hid_t fapl = -1, dxpl = -1, f = -1;
    jf_err_t err = JF_OK;

    MPI_Comm_rank(world, &rank);
    writers = world;
    left_open = timed_out = out_of_memory = 0;
    fill_meta(&meta, s, started_utc, ended_utc);
    const int ok = jf_summary_ok(s, &reason);
    const char *status = ok ? "complete" : jf_summary_status(s);
    /* the temporary name is the same on every rank (rank 0's pid) */
    long pid = (long)getpid();
    MPI_Bcast(&pid, 1, MPI_LONG, 0, world);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, pid);

    first_why[0] = '\0';
    H5Eset_auto2(H5E_DEFAULT, on_hdf5_error, NULL);  /* errors become our one line */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, world, MPI_INFO_NULL);
    f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    e = f < 0;
    failed = any_failed(e);
    /* one part of the file, then every rank says how it went */
#define PART(name, call)                                                        \
    do {                                                                        \
        if (!failed) {                                                          \
            snprintf(where, sizeof where, "%s", name);                          \
            e = (call) != 0 || out_of_memory;                                   \
            failed = any_failed(e);                                             \
        }                                                                       \
    } while (0)
    if (!failed) {
        dxpl = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    }
    PART("the root attributes", write_root(f, s, &meta, status, ok ? "" : reason));
    PART("/config", write_config(f, s));
    PART("/flops", write_flops(f, s));
    PART("/gemm", s->gemm != NULL ? write_gemm(f, s) : 0);
    PART("/timing", write_timing(f, dxpl, s, rank));
    PART("/energy", s->energy != NULL ? write_energy(f, s, energy) : 0);
    PART("/verify", write_verify(f, s));
    /* everything to the disk while the file is open: a full disk shows
     * here, with every rank still in step, rather than in the close */
    PART("flushing it", H5Fflush(f, H5F_SCOPE_GLOBAL) < 0);
    PART("closing it", H5Fclose(f) < 0);
#undef PART
    if (!failed) {
        f = -1;
        /* complete: give it its name */
        int renamed = 1;
        if (rank == 0 && rename(tmp, path) != 0) {
            renamed = 0;
            snprintf(why, sizeof why, "%s", strerror(errno));
            unlink(tmp);
        }
        MPI_Bcast(&renamed, 1, MPI_INT, 0, world);
        if (!renamed) {
            snprintf(msg, msglen, "%s: cannot rename %s to it: %s", path, tmp,
                     rank == 0 ? why : "see rank 0");
            err = JF_EIO;
        }
        goto cleanup;
    }
    /* failed: HDF5 holds the file in a state only the end of the process
     * clears (closing it is a collective some rank may never join); the
     * temporary file goes now, from every rank that can (one that failed
     * may be the only one still running) */
    left_open = 1;
    snprintf(why, sizeof why, "%s", out_of_memory ? "out of memory" : first_why);
    if (!timed_out)
        agree_reason(e, why, sizeof why);
    char state[96], removed[160] = "; no partial file is left";
    fs_state(tmp, state, sizeof state);
    struct stat st;
    if (lstat(tmp, &st) == 0 && unlink(tmp) != 0 && errno != ENOENT)
        snprintf(removed, sizeof removed, "; its temporary file could not be removed: %s",
                 strerror(errno));
    if (timed_out)
        snprintf(msg, msglen,
                 "%s: writing the results failed at %s%s%s%s, and not every rank answered "
                 "within %.0f s (stuck in parallel HDF5)%s",
                 path, where, why[0] ? ": " : "", why, state,
                 e ? JF_RESULTS_WAIT_FAILED : JF_RESULTS_WAIT, removed);
    else
        snprintf(msg, msglen, "%s: writing the results failed at %s%s%s%s%s", path, where,
                 why[0] ? ": " : "", why, state, removed);
    err = timed_out ? JF_EMPI : JF_EIO;
    f = -1;  /* never closed: see left_open */
cleanup:
    if (dxpl >= 0)
        H5Pclose(dxpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    writers = MPI_COMM_NULL;
    return err;
}
