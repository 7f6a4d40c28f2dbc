/* jf_results.c: the HDF5 results file, written by every rank through
 * parallel HDF5.
 *
 * The rule: a function whose name ends in _coll is an MPI collective
 * (parallel HDF5's metadata calls -- creating groups and datasets, writing
 * attributes -- and the broadcasts behind them). Every rank calls it, in the
 * same order, whatever its own values are; never under a rank-local
 * condition (rank == 0, a node's reader, a warning one rank saw): the
 * others would wait in a broadcast or in HDF5's cache sync, and the write
 * deadlocks. Attributes are listed by plain calls (attrs_str, attrs_i64,
 * ...) and written by one attrs_write_coll per object, as rank 0 listed
 * them, so a rank-local attribute cannot put the ranks out of step. Which
 * groups and datasets exist must follow from values every rank shares.
 * Data one rank alone holds (a node's energy trace, the loss) is written by
 * that rank alone, independently (write_by_owner, not collective). */
#define _POSIX_C_SOURCE 200809L
#include "jf_results.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "analysis/jf_learning.h"
#include "out/jf_h5.h"
#include "out/jf_run_fields.h"

#define META_LEN 512

/* Provenance, from each rank's own view; the file gets rank 0's
 * (attrs_write_coll). */
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

/* --- collectives: one broadcast, attributes, groups, datasets --------------
 * Every function here ending in _coll is collective over `writers`. */

/* The ranks writing the file. Every attribute takes rank 0's value: a value
 * that differed between ranks (a warning seen only on rank 0, a per-rank
 * residual in a check's detail) would give the ranks' metadata caches
 * different sizes, and parallel HDF5 then deadlocks at a cache sync point
 * or in the file's close (seen: one rank in H5AC's barrier, the other in
 * MPI_File_set_size's). So values need not agree before they get here.
 * (Structure -- which groups and datasets exist -- must still follow from
 * values every rank shares.) */
static MPI_Comm writers = MPI_COMM_NULL;

/* Every rank makes the same MPI calls whatever HDF5 or malloc did on it,
 * so a failure on one rank never leaves the others waiting in a broadcast:
 * bytes go in pieces of one size on every rank, and a rank without memory
 * for them takes its pieces into `scratch` (and the write fails). Library
 * code: no MPI_Abort here, the caller decides. */
static unsigned char scratch[65536];
static int out_of_memory;

static void bcast_bytes_coll(void *buf, size_t n)
{
    unsigned char *const p = buf;
    for (size_t off = 0; off < n; off += sizeof scratch) {
        const size_t k = n - off < sizeof scratch ? n - off : sizeof scratch;
        MPI_Bcast(p != NULL ? p + off : scratch, (int)k, MPI_BYTE, 0, writers);
    }
    if (p == NULL && n > 0)
        out_of_memory = 1;
}

/* One object's attributes, listed by plain rank-local calls (attrs_str,
 * attrs_i64, ...) into records of kind, name and value, then written by
 * attrs_write_coll as rank 0 listed them: names, values and which
 * attributes exist at all. An attribute listed on some ranks only cannot
 * put the ranks out of step. */
enum { A_STR, A_F64, A_I64, A_U64, A_F64_ARRAY, A_I64_ARRAY, A_STR_ARRAY };

typedef struct {
    unsigned char *buf;
    size_t len, cap;
    int failed;  /* out of memory while listing */
} attrs_t;

static void put(attrs_t *a, const void *p, size_t n)
{
    if (a->failed)
        return;
    if (a->len + n > a->cap) {
        size_t cap = a->cap > 0 ? a->cap : 1024;
        while (cap < a->len + n)
            cap *= 2;
        unsigned char *grown = realloc(a->buf, cap);
        if (grown == NULL) {
            a->failed = 1;
            return;
        }
        a->buf = grown;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void put_head(attrs_t *a, unsigned char kind, const char *name)
{
    put(a, &kind, 1);
    put(a, name, strlen(name) + 1);
}

static void attrs_str(attrs_t *a, const char *name, const char *v)
{
    put_head(a, A_STR, name);
    put(a, v, strlen(v) + 1);
}

static void attrs_f64(attrs_t *a, const char *name, double v)
{
    put_head(a, A_F64, name);
    put(a, &v, sizeof v);
}

static void attrs_i64(attrs_t *a, const char *name, int64_t v)
{
    put_head(a, A_I64, name);
    put(a, &v, sizeof v);
}

static void attrs_u64(attrs_t *a, const char *name, uint64_t v)
{
    put_head(a, A_U64, name);
    put(a, &v, sizeof v);
}

/* A value with its unit: the number as an attribute, and NAME_units. */
/* NAME_units = units, the unit of attribute NAME. */
static void attrs_units(attrs_t *a, const char *name, const char *units)
{
    char uname[128];
    snprintf(uname, sizeof uname, "%s_units", name);
    attrs_str(a, uname, units);
}

static void attrs_f64_units(attrs_t *a, const char *name, double v, const char *units)
{
    attrs_f64(a, name, v);
    attrs_units(a, name, units);
}

static void attrs_u128(attrs_t *a, const char *name, jf_u128 v)
{
    char digits[JF_U128_STRLEN];
    attrs_str(a, name, jf_u128_str(v, digits, sizeof digits));
}

/* A 1-D attribute of n doubles or int64s (kind A_F64_ARRAY, A_I64_ARRAY). */
static void attrs_array(attrs_t *a, unsigned char kind, const char *name, int32_t n,
                        const void *values)
{
    put_head(a, kind, name);
    put(a, &n, sizeof n);
    put(a, values, (size_t)n * 8);
}

/* A 1-D attribute of n fixed-length strings (h5py reads a list of bytes,
 * h5dump prints each). */
static void attrs_str_array(attrs_t *a, const char *name, int32_t n, const char *const *values)
{
    put_head(a, A_STR_ARRAY, name);
    put(a, &n, sizeof n);
    for (int32_t i = 0; i < n; i++)
        put(a, values[i], strlen(values[i]) + 1);
}

/* The HDF5 side of one attribute (collective; only attrs_write_coll calls
 * these, with the same arguments on every rank). */
static int h5_attr_coll(hid_t loc, const char *name, hid_t type, hid_t space, const void *v)
{
    const hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t w = a < 0 ? -1 : H5Awrite(a, type, v);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return a < 0 || w < 0 ? -1 : 0;
}

/* n strings one after another, each NUL-ended, as fixed-length strings of
 * the longest's width (a scalar when scalar is set); *used: bytes read. */
static int h5_str_coll(hid_t loc, const char *name, const char *p, int32_t n, int scalar,
                       size_t *used)
{
    size_t width = 1, off = 0;
    for (int32_t i = 0; i < n; i++) {
        const size_t len = strlen(p + off);
        width = len > width ? len : width;
        off += len + 1;
    }
    *used = off;
    char *packed = calloc((size_t)(n > 0 ? n : 1), width);
    if (packed == NULL) {
        out_of_memory = 1;
        return -1;
    }
    off = 0;
    for (int32_t i = 0; i < n; i++) {
        const size_t len = strlen(p + off);
        memcpy(packed + (size_t)i * width, p + off, len);
        off += len + 1;
    }
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    const hsize_t dim = (hsize_t)n;
    const int e = n <= 0 ? -1
                         : h5_attr_coll(loc, name, type,
                                        scalar ? H5Screate(H5S_SCALAR)
                                               : H5Screate_simple(1, &dim, NULL),
                                        packed);
    H5Tclose(type);
    free(packed);
    return e;
}

/* Write rank 0's list on every rank, and free the list. Collective: on
 * every rank, whatever failed on it (a failed loc, no memory). */
static int attrs_write_coll(hid_t loc, attrs_t *a)
{
    int rank;
    unsigned long long head[2] = {a->len, (unsigned long long)a->failed};
    MPI_Comm_rank(writers, &rank);
    MPI_Bcast(head, 2, MPI_UNSIGNED_LONG_LONG, 0, writers);
    int e = head[1] != 0;  /* rank 0 ran out of memory while listing */
    const size_t n = (size_t)head[0];
    unsigned char *list = rank == 0 ? a->buf : malloc(n > 0 ? n : 1);
    bcast_bytes_coll(list, n);
    e |= list == NULL;
    for (size_t off = 0; !e && loc >= 0 && off < n;) {
        const unsigned char kind = list[off++];
        const char *name = (const char *)list + off;
        off += strlen(name) + 1;
        const unsigned char *v = list + off;
        int32_t count = 1;
        size_t used = 0;
        if (kind == A_F64_ARRAY || kind == A_I64_ARRAY || kind == A_STR_ARRAY) {
            memcpy(&count, v, sizeof count);
            v += sizeof count;
            off += sizeof count;
        }
        const hsize_t dim = (hsize_t)count;
        switch (kind) {
        case A_STR:
        case A_STR_ARRAY:
            e |= h5_str_coll(loc, name, (const char *)v, count, kind == A_STR, &used);
            break;
        default: {  /* numbers, copied out of the list to be aligned */
            const int scalar = kind == A_F64 || kind == A_I64 || kind == A_U64;
            const hid_t type = kind == A_F64 || kind == A_F64_ARRAY   ? H5T_NATIVE_DOUBLE
                               : kind == A_I64 || kind == A_I64_ARRAY ? H5T_NATIVE_INT64
                                                                      : H5T_NATIVE_UINT64;
            used = (size_t)(count > 0 ? count : 0) * 8;
            uint64_t *numbers = malloc(used > 0 ? used : 8);
            if (numbers == NULL)
                out_of_memory = 1;
            else
                memcpy(numbers, v, used);
            e |= numbers == NULL || count <= 0 ||
                 h5_attr_coll(loc, name, type,
                              scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL),
                              numbers);
            free(numbers);
        }
        }
        off += used;
    }
    if (rank != 0)
        free(list);
    free(a->buf);
    memset(a, 0, sizeof *a);
    return e || loc < 0 ? -1 : 0;
}

static hid_t group_coll(hid_t loc, const char *name)
{
    return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

/* A dataset and its attributes: units and description, then *more (NULL:
 * none), written on every rank even where creating it failed. */
static hid_t dataset_coll(hid_t loc, const char *name, hid_t type, int rank,
                          const hsize_t *dims, const char *units, const char *description,
                          attrs_t *more)
{
    attrs_t a = {0};
    const hid_t space = H5Screate_simple(rank, dims, NULL);
    const hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (units != NULL)
        attrs_str(&a, "units", units);
    attrs_str(&a, "description", description);
    if (more != NULL && more->len > 0)
        put(&a, more->buf, more->len);
    if (more != NULL) {
        a.failed |= more->failed;
        free(more->buf);
        memset(more, 0, sizeof *more);
    }
    if (attrs_write_coll(d, &a) != 0 && d >= 0) {
        H5Dclose(d);
        return -1;
    }
    return d;
}

/* Write this rank's row of a [ranks][width] dataset collectively: every
 * rank brings a row, so no rank's selection is empty (see write_by_owner). */
static int write_row_coll(hid_t d, hid_t dxpl, hid_t mem_type, int64_t row, hsize_t width,
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

/* Not collective: write a whole dataset from the one rank that holds it
 * (have); the others do not take part. Never as a collective write in
 * which the others bring an empty selection: Open MPI's OMPIO then wrote
 * one element of such a rank's buffer over the dataset's first element, in
 * about a third of the runs on 2 ranks (the energy trace's first row read
 * 4.9e-307 and its mark a random number). An independent write touches only
 * the owner's bytes. */
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

/* A 1-D dataset of n values one rank holds (have on it): created on every
 * rank (dataset_coll), written by that rank alone (write_by_owner; an
 * empty one not at all) and closed. */
static int dataset_by_owner_coll(hid_t loc, const char *name, hid_t type, hsize_t n,
                                 const char *units, const char *description, int have,
                                 const void *data)
{
    const hid_t d = dataset_coll(loc, name, type, 1, &n, units, description, NULL);
    const int e = n > 0 ? write_by_owner(d, type, n, have, data) : 0;
    JF_H5_CLOSE(d);
    return e;
}

/* A [ranks][width] dataset of doubles (dims), every rank writing its row
 * (write_row_coll; no zero-length collective write when width is 0, see
 * write_energy_node_coll), closed. */
static int dataset_rows_coll(hid_t loc, hid_t dxpl, const char *name, const hsize_t dims[2],
                             const char *units, const char *description, int rank,
                             const double *row)
{
    const hid_t d = dataset_coll(loc, name, H5T_NATIVE_DOUBLE, 2, dims, units, description, NULL);
    const int e = dims[1] > 0 &&
                  (d < 0 || write_row_coll(d, dxpl, H5T_NATIVE_DOUBLE, rank, dims[1], row));
    JF_H5_CLOSE(d);
    return e;
}

/* --- groups -------------------------------------------------------------- */

static int write_root_coll(hid_t f, const jf_summary_t *s, const jf_meta_t *meta,
                           const char *status, const char *reason)
{
    const jf_run_t *r = s->run;
    attrs_t a = {0};
    attrs_str(&a, "schema", JF_SCHEMA_NAME);
    attrs_str(&a, "schema_version", JF_SCHEMA_VERSION);
    attrs_str(&a, "jflop_version", PACKAGE_VERSION);
    attrs_str(&a, "command_line", s->command_line);
    attrs_str(&a, "start_utc", meta->started);
    attrs_str(&a, "end_utc", meta->ended);
    attrs_str(&a, "hosts", meta->hosts);
    attrs_str(&a, "mpi_library", s->mpi_library);
    attrs_str(&a, "blis_version", s->blis->version);
    attrs_str(&a, "blis_arch", s->blis->active);
    attrs_str(&a, "blis_arch_detected", s->blis->detected);
    attrs_str(&a, "blis_arch_how", s->blis->how);
#ifdef HAVE_LIKWID
    attrs_str(&a, "likwid", "linked (energy backend available)");
#else
    attrs_str(&a, "likwid", "not built in");
#endif
#if defined(__clang__)
    attrs_str(&a, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    attrs_str(&a, "compiler", "gcc " __VERSION__);
#else
    attrs_str(&a, "compiler", "unknown");
#endif
    /* 1.9: the processor (train/jf_placement.h), rank 0's node's */
    if (s->placement != NULL) {
        const jf_cpu_id_t *c = &s->placement->cpu;
        char line[2 * JF_CPU_TEXT];
        jf_cpu_id_describe(c, line, sizeof line);
        attrs_str(&a, "cpu", line);
        attrs_str(&a, "cpu_vendor", c->vendor);
        attrs_str(&a, "cpu_model_name", c->model_name);
        attrs_i64(&a, "cpu_family", c->family);
        attrs_i64(&a, "cpu_model", c->model);
        attrs_i64(&a, "cpu_stepping", c->stepping);
        attrs_str(&a, "cpu_microcode", c->microcode);
        attrs_i64(&a, "cpu_count", c->cpus);
        attrs_str(&a, "cpu_features", c->isa);
        attrs_i64(&a, "cpu_uniform", s->placement->cpu_uniform);
    }
    attrs_str(&a, "slurm_job_id", meta->slurm_job);
    attrs_str(&a, "slurm_array_job_id", meta->slurm_array_job);
    attrs_str(&a, "slurm_array_task_id", meta->slurm_array_task);
    attrs_u64(&a, "seed", r->opt.seed);
    attrs_str(&a, "status", status);
    attrs_str(&a, "status_reason", reason);
    char warnings[JF_MAX_WARNINGS * (JF_WARNING_LEN + 1)] = "";
    for (int i = 0, used = 0; s->placement != NULL && i < s->placement->nwarnings; i++)
        used += snprintf(warnings + used, sizeof warnings - (size_t)used, "%s%s", i ? "\n" : "",
                         s->placement->warnings[i]);
    attrs_str(&a, "warnings", warnings);
    return attrs_write_coll(f, &a);
}

/* /config: the run's configuration fields, as out/jf_run_fields.c lists
 * them (the JSON summary writes the same table). */
static int write_config_coll(hid_t f, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const hid_t g = group_coll(f, JF_H5_CONFIG);
    attrs_t a = {0};
    for (size_t i = 0; i < jf_run_nfields; i++) {
        const jf_run_field_t *field = &jf_run_fields[i];
        if (!(field->flags & JF_RUN_HDF5))
            continue;
        const jf_run_value_t v = jf_run_field_value(field, r);
        switch (v.type) {
        case JF_RUN_VAL_I64: attrs_i64(&a, field->name, v.i); break;
        case JF_RUN_VAL_U64: attrs_u64(&a, field->name, v.u); break;
        case JF_RUN_VAL_F64: attrs_f64(&a, field->name, v.f); break;
        case JF_RUN_VAL_STR: attrs_str(&a, field->name, v.s); break;
        }
        const char *units = jf_run_field_units(field, r);
        if (units != NULL)
            attrs_units(&a, field->name, units);
    }
    const int e = attrs_write_coll(g, &a);  /* on every rank, even where g failed */
    if (g >= 0)
        H5Gclose(g);
    return e;
}

static int write_flops_coll(hid_t f, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_ledger_t *L = &r->ledger;
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    const hid_t g = group_coll(f, JF_H5_FLOPS);
    attrs_t a = {0};
    /* exact integers as decimal strings: 6ND outgrows 64 bits */
    attrs_str(&a, "units", "FLOP (exact decimal integers)");
    attrs_u128(&a, "flops_6nd", f6nd);
    attrs_u128(&a, "flops_dense_counted", jf_ledger_dense(L));
    attrs_u128(&a, "flops_dense_forward", L->flops[JF_FLOP_DENSE_FWD]);
    attrs_u128(&a, "flops_dense_backward_data", L->flops[JF_FLOP_DENSE_BWD_DATA]);
    attrs_u128(&a, "flops_dense_backward_weights", L->flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    attrs_u128(&a, "flops_attention_counted", jf_ledger_attention(L));
    attrs_u128(&a, "flops_attention_analytic",
               jf_flops_attention_analytic(&r->opt.shape, r->tokens));
    attrs_u128(&a, "flops_head_counted", L->flops[JF_FLOP_HEAD]);
    attrs_u128(&a, "flops_other", L->flops[JF_FLOP_OTHER]);
    attrs_str(&a, "flops_other_kind", "nominal per-element operation counts");
    attrs_u128(&a, "flops_total_counted", jf_ledger_total(L));
    /* 1.6: the validation passes, their own category outside 6ND and the
     * total above */
    attrs_u128(&a, "flops_eval_counted", jf_ledger_total(&r->ledger_eval));
    attrs_u128(&a, "flops_eval_dense_forward", r->ledger_eval.flops[JF_FLOP_DENSE_FWD]);
    attrs_u64(&a, "gemm_calls", L->gemm_calls);
    attrs_u64(&a, "bf16_converted_elements", L->bf16_converted);
    attrs_i64(&a, "verified", jf_ledger_dense(L) == f6nd && r->tokens > 0);
    const int e = attrs_write_coll(g, &a);
    if (g >= 0)
        H5Gclose(g);
    return e;
}

/* The GEMM back-end that ran and every candidate it was chosen from. */
static int write_gemm_coll(hid_t f, const jf_summary_t *s)
{
    const jf_gemm_choice_t *ch = s->gemm;
    const hid_t g = group_coll(f, JF_H5_GEMM);
    attrs_t a = {0};
    attrs_str(&a, "precision", jf_precision_name(ch->precision));
    attrs_str(&a, "backend", ch->backend);
    attrs_str(&a, "version", ch->version);
    attrs_str(&a, "kernel", ch->kernel);
    attrs_i64(&a, "native", ch->native);
    attrs_i64(&a, "emulated", ch->precision == JF_BF16 && !ch->native);
    attrs_str(&a, "how", ch->how);
    attrs_str(&a, "bf16_tensors", jf_gemm_bf16_tensors(ch->precision));
    attrs_str(&a, "measured_shapes", ch->shapes);
    attrs_f64_units(&a, "measure_seconds", ch->seconds, "s (rank 0)");
    /* 1.8: the product with GELU', fused or after, and its measurement */
    static const jf_mul_choice_t none = {.mode = JF_MUL_FUSED, .note = "no run"};
    const jf_mul_choice_t *mul = s->run != NULL ? &s->run->mul : &none;
    attrs_str(&a, "gelu_product", jf_mul_mode_name(mul->mode));
    attrs_i64(&a, "gelu_product_measured", mul->measured);
    char mul_how[256];
    jf_mul_choice_str(mul, mul_how, sizeof mul_how);
    attrs_str(&a, "gelu_product_how", mul_how);
    attrs_f64_units(&a, "gelu_product_fused_seconds", mul->fused_seconds,
                    "s per call, summed over ranks; 0: not measured");
    attrs_f64_units(&a, "gelu_product_after_seconds", mul->after_seconds,
                    "s per call, summed over ranks; 0: not measured");
    attrs_i64(&a, "candidates", JF_NCAND);
    for (int i = 0; i < JF_NCAND; i++) {
        const jf_gemm_candidate_t *c = &ch->cand[i];
        char name[48], value[256];
        snprintf(name, sizeof name, "candidate%d", i);
        snprintf(value, sizeof value, "%s%s%s", c->backend, c->kernel[0] ? ":" : "", c->kernel);
        attrs_str(&a, name, value);
        snprintf(name, sizeof name, "candidate%d_gflops", i);
        attrs_f64_units(&a, name, c->considered && c->usable ? c->gflops : 0.0,
                        "GFLOP/s on the measured shapes, summed over ranks; 0: not measured");
        snprintf(name, sizeof name, "candidate%d_note", i);
        attrs_str(&a, name, i == ch->chosen ? "chosen" : c->note);
    }
    const int e = attrs_write_coll(g, &a);
    if (g >= 0)
        H5Gclose(g);
    return e;
}

/* Per-rank step timings and the loss curve. */
static int write_timing_coll(hid_t f, hid_t dxpl, const jf_summary_t *s, int rank)
{
    const jf_run_t *r = s->run;
    /* rows: the steps that ran (every rank stops at the same step) */
    const hsize_t steps = (hsize_t)r->steps_ran;
    const hsize_t dims[2] = {(hsize_t)r->ranks, steps};
    double *rel = malloc((size_t)(steps > 0 ? steps : 1) * sizeof *rel);
    int e = rel == NULL;
    for (hsize_t i = 0; rel != NULL && i < steps; i++)
        rel[i] = r->step_start[i] != 0 ? r->step_start[i] - r->phase_start : 0;
    const hid_t g = group_coll(f, JF_H5_TIMING);
    attrs_t a = {0};
    attrs_i64(&a, "warmup_steps", r->opt.warmup);
    e |= attrs_write_coll(g, &a);
    e |= dataset_rows_coll(g, dxpl, "step_seconds", dims, "s",
                           "wall time of each step on each rank, [rank][step], warm-up steps "
                           "first, one column per step that ran", rank, r->step_seconds);
    e |= dataset_rows_coll(g, dxpl, "step_start", dims, "s",
                           "start of each step on each rank relative to the start of the "
                           "measured phase (negative in warm-up), one column per step that ran",
                           rank, rel);
    /* rank 0's, alone: see write_by_owner */
    e |= dataset_by_owner_coll(f, JF_H5_LOSS, H5T_NATIVE_DOUBLE, (hsize_t)r->steps_done, "nat",
                               "global mean cross-entropy per token of each measured step",
                               rank == 0, r->loss);
    JF_H5_CLOSE(g);
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

/* 1.7: the node's idle power (--idle-seconds) with idle and dynamic
 * energy of the phase, and its energy per step part. */
static void attrs_idle_parts(attrs_t *a, const jf_energy_node_t *n)
{
    attrs_i64(a, "idle_measured", n->measured && n->idle_measured);
    if (n->measured && n->idle_measured) {
        attrs_f64_units(a, "idle_watts", n->idle_watts, "W");
        attrs_f64_units(a, "idle_seconds", n->idle_seconds, "s");
        attrs_f64_units(a, "idle_joules", n->idle_watts * n->seconds,
                        "J (idle_watts x seconds of the measured phase)");
        attrs_f64_units(a, "dynamic_joules", n->joules - n->idle_watts * n->seconds,
                        "J (joules - idle_joules)");
    }
    if (!n->parts_measured)
        return;
    const char *names[JF_ENERGY_PARTS_MAX];
    for (int p = 0; p < n->nparts; p++)
        names[p] = p <= JF_STEP_PARTS ? jf_step_part_names[p] : "?";
    attrs_str_array(a, "step_phase_names", n->nparts, names);
    attrs_array(a, A_F64_ARRAY, "step_phase_seconds", n->nparts, n->part_seconds);
    attrs_str(a, "step_phase_seconds_units", "s");
    attrs_array(a, A_F64_ARRAY, "step_phase_joules", n->nparts, n->part_joules);
    attrs_str(a, "step_phase_joules_units", "J");
    attrs_array(a, A_F64_ARRAY, "step_phase_uncertainty_joules", n->nparts,
                n->part_uncertainty);
    attrs_str(a, "step_phase_uncertainty_joules_units", "J");
    attrs_str(a, "step_phase_method", JF_ENERGY_PARTS_METHOD);
    attrs_str(a, "step_phase_uncertainty_method", JF_ENERGY_PARTS_UNCERTAINTY);
    attrs_u64(a, "step_phase_intervals", n->part_intervals);
    attrs_u64(a, "step_phase_shared_intervals", n->part_shared_intervals);
}

static int write_energy_node_coll(hid_t parent, int index, const jf_energy_node_t *n,
                                  const jf_energy_meter_t *meter)
{
    char name[32], list[2048];
    attrs_t a = {0}, trace = {0};
    snprintf(name, sizeof name, "node_%04d", index);
    const hid_t g = group_coll(parent, name);
    attrs_str(&a, "node", n->node);
    attrs_str(&a, "backend", n->backend);
    attrs_i64(&a, "measured", n->measured);
    attrs_i64(&a, "invalid", n->invalid);
    attrs_str(&a, "reason", n->reason);
    attrs_str(&a, "coverage", n->coverage);
    /* 1.6: how the node total was obtained, and how often its source
     * refreshes (a BMC) with the distinct readings it gave in the phase */
    attrs_str(&a, "basis", n->basis);
    /* 1.7: the backend's class, and the CPU time other processes used */
    attrs_str(&a, "covers", n->covers);
    if (n->share_known)
        attrs_f64_units(&a, "other_cpu_share", n->other_cpu_share,
                        "1 (fraction of the node's CPU time other processes used in the "
                        "measured phase)");
    attrs_str(&a, "other_cpu_share_how", n->share_note);
    if (n->update_seconds > 0) {
        attrs_f64_units(&a, "source_update_seconds", n->update_seconds, "s");
        attrs_str(&a, "source_update_how", n->update_how);
    }
    if (n->reports_readings) {
        attrs_u64(&a, "source_readings", n->source_readings);
        attrs_f64_units(&a, "effective_rate", n->effective_rate,
                        "1/s (the source's distinct readings per second of the phase)");
    }
    if (n->measured) {
        attrs_f64_units(&a, "joules", n->joules, "J");
        attrs_f64_units(&a, "mean_watts", n->mean_watts, "W");
        attrs_f64_units(&a, "peak_watts", n->peak_watts, "W");
    }
    attrs_f64_units(&a, "seconds", n->seconds, "s");
    attrs_u64(&a, "samples", n->samples);
    attrs_u64(&a, "wraps", n->wraps);
    attrs_f64_units(&a, "sample_interval", n->interval, "s");
    attrs_f64_units(&a, "phase_start_utc", n->start_utc, "s since 1970-01-01 UTC");
    attrs_f64_units(&a, "phase_end_utc", n->stop_utc, "s since 1970-01-01 UTC");
    if (n->sampler_reads > 0)
        attrs_f64_units(&a, "sampler_cpu_seconds", n->sampler_cpu_seconds,
                        "s (CPU time of the sampler thread over the whole run)");
    attrs_u64(&a, "sampler_reads", n->sampler_reads);
    if (n->evals > 0) {  /* 1.6: the validation passes, out of joules and seconds */
        attrs_i64(&a, "evaluations", n->evals);
        attrs_f64_units(&a, "eval_seconds", n->eval_seconds, "s");
        if (n->measured)
            attrs_f64_units(&a, "eval_joules", n->eval_joules, "J");
    }
    attrs_idle_parts(&a, n);
    join_domains(n, 0, list, sizeof list);
    attrs_str(&a, "domains", list);
    join_domains(n, 1, list, sizeof list);
    attrs_str(&a, "domain_scopes", list);
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
        attrs_array(&a, A_F64_ARRAY, "domain_joules", n->ndomains, joules);
        attrs_str(&a, "domain_joules_units", "J");  /* 1.5 */
        attrs_array(&a, A_I64_ARRAY, "domain_in_node_total", n->ndomains, in_total);
        /* 1.5: the scopes one string each (a scope may hold a comma) */
        attrs_str_array(&a, "domain_scope_list", n->ndomains, scopes);
    }
    int e = attrs_write_coll(g, &a);
    /* the trace: [sample][1 + domain], t from the phase start, cumulative J;
     * 1.5: one name and one unit per column, for h5py/pandas */
    const hsize_t cols = 1 + (hsize_t)n->ndomains, dims[2] = {n->trace_count, cols};
    const char *columns[1 + JF_ENERGY_MAX_DOMAINS], *units[1 + JF_ENERGY_MAX_DOMAINS];
    columns[0] = "time";
    units[0] = "s";
    for (int k = 0; k < n->ndomains; k++) {
        columns[1 + k] = n->domains[k].name;
        units[1 + k] = "J";
    }
    attrs_str_array(&trace, "columns", 1 + n->ndomains, columns);
    attrs_str_array(&trace, "column_units", 1 + n->ndomains, units);
    const hid_t d = dataset_coll(g, "trace", H5T_NATIVE_DOUBLE, 2, dims, "s, then J per domain",
                                 "sampled energy: column 0 the time relative to the measured "
                                 "phase's start reading, then each domain's cumulative Joules "
                                 "since the first reading (order of the domains attribute)",
                                 &trace);
    const hid_t mk = dataset_coll(g, "trace_mark", H5T_NATIVE_INT32, 1, dims, NULL,
                                  "0 periodic sample, 1 first reading, 2 measured phase "
                                  "start, 3 measured phase stop, 4 last reading, 5 "
                                  "validation start, 6 validation stop, 7 idle window "
                                  "start, 8 idle window stop", NULL);
    /* 1.6: the source's own time of each reading (a BMC's ReadingTime),
     * where the backend knows its readings */
    const hid_t st = !n->reports_readings ? H5I_INVALID_HID
                     : dataset_coll(g, "trace_source_time", H5T_NATIVE_DOUBLE, 1, dims,
                                    "s since 1970-01-01 UTC",
                                    "the source's own timestamp of each trace row's reading "
                                    "(a BMC's ReadingTime, on the BMC's clock); NaN where it "
                                    "gives none", NULL);
    e |= g < 0 || d < 0 || mk < 0 || (n->reports_readings && st < 0);
    /* only the node's reader has the trace; the others write nothing */
    const int mine = meter != NULL && meter->count == n->trace_count && n->trace_count > 0;
    /* the reader whose trace is not the one gathered (or cannot copy it)
     * fails the write: an unwritten trace would read as whatever its
     * storage held */
    e |= meter != NULL && n->trace_count > 0 && meter->count != n->trace_count;
    double *rows = NULL, *stimes = NULL;
    int32_t *marks = NULL;
    if (mine) {
        double t0 = meter->trace[0].t;
        for (size_t i = 0; i < meter->count; i++)
            if (meter->trace[i].mark == JF_MARK_PHASE_START)
                t0 = meter->trace[i].t;
        rows = malloc(meter->count * cols * sizeof *rows);
        marks = malloc(meter->count * sizeof *marks);
        stimes = malloc(meter->count * sizeof *stimes);
        if (rows != NULL && marks != NULL && stimes != NULL)
            for (size_t i = 0; i < meter->count; i++) {
                rows[i * cols] = meter->trace[i].t - t0;
                for (int k = 0; k < n->ndomains; k++)
                    rows[i * cols + 1 + (hsize_t)k] = meter->trace[i].joules[k];
                marks[i] = (int32_t)meter->trace[i].mark;
                stimes[i] = meter->trace[i].source_time;
            }
    }
    const int have = mine && rows != NULL && marks != NULL && stimes != NULL;
    e |= mine && !have;  /* out of memory: never an unwritten trace */
    /* empty datasets get no write at all: OMPIO fails a zero-length
     * write (pwritev EINVAL); every rank knows trace_count */
    if (n->trace_count > 0) {
        e |= write_by_owner(d, H5T_NATIVE_DOUBLE, n->trace_count * cols, have, rows);
        e |= write_by_owner(mk, H5T_NATIVE_INT32, n->trace_count, have, marks);
        if (n->reports_readings)
            e |= write_by_owner(st, H5T_NATIVE_DOUBLE, n->trace_count, have, stimes);
    }
    JF_H5_CLOSE(d, mk, st, g);
    free(rows);
    free(marks);
    free(stimes);
    return e;
}

/* /sharing (1.7): whether the nodes were the job's own; validate's
 * node.sharing rule judges it. */
static int write_sharing_coll(hid_t f, const jf_energy_job_t *job)
{
    const hid_t g = group_coll(f, "/sharing");
    attrs_t a = {0};
    double max = 0;
    int known = 0;
    for (int i = 0; i < job->total_nodes; i++)
        if (job->nodes[i].share_known) {
            known++;
            max = job->nodes[i].other_cpu_share > max ? job->nodes[i].other_cpu_share : max;
        }
    attrs_i64(&a, "nodes_known", known);
    if (known > 0)
        attrs_f64_units(&a, "max_other_cpu_share", max,
                        "1 (largest over the nodes of /energy/node_NNNN other_cpu_share)");
    attrs_str(&a, "scheduler_exclusive", job->exclusive[0] ? job->exclusive : "unknown");
    attrs_str(&a, "scheduler_how", job->exclusive_how);
    const int e = attrs_write_coll(g, &a);
    if (g >= 0)
        H5Gclose(g);
    return e;
}

static int write_energy_coll(hid_t f, const jf_summary_t *s, const jf_energy_setup_t *setup)
{
    const jf_energy_job_t *job = s->energy;
    const hid_t g = group_coll(f, JF_H5_ENERGY);
    attrs_t a = {0};
    int my_index = -1;
    if (setup->leader && setup->leaders != MPI_COMM_NULL)
        MPI_Comm_rank(setup->leaders, &my_index);
    const int have = job->measured_nodes > 0;
    attrs_str(&a, "source", job->source);
    attrs_str(&a, "status", job->invalid_nodes > 0 ? "invalid"
                            : have                 ? "measured"
                                                   : "not measured");
    attrs_i64(&a, "measured_nodes", job->measured_nodes);
    attrs_i64(&a, "total_nodes", job->total_nodes);
    attrs_i64(&a, "extrapolated", job->extrapolated);
    if (have) {
        /* absent, never 0, when not measured */
        attrs_f64_units(&a, "joules_total", job->joules_measured, "J");
        if (job->extrapolated)
            attrs_f64_units(&a, "joules_total_extrapolated", job->joules_estimate,
                            "J (ESTIMATE: measured nodes' mean x node count)");
    }
    attrs_f64_units(&a, "sample_interval", job->interval, "s");
    /* 1.7: the measured nodes' covers class and basis: one, or "mixed" */
    attrs_str(&a, "covers", jf_energy_job_common(job, 0));
    attrs_str(&a, "basis", jf_energy_job_common(job, 1));
    /* 1.7: idle and dynamic energy of the job, when every measured node
     * measured its idle power */
    const double idle = jf_energy_job_idle_joules(job);
    attrs_f64_units(&a, "idle_seconds_asked", s->run->opt.idle_seconds, "s (0: not measured)");
    if (have && isfinite(idle)) {
        attrs_f64_units(&a, "idle_joules", idle,
                        job->extrapolated ? "J (ESTIMATE: extrapolated as joules_total)" : "J");
        attrs_f64_units(&a, "dynamic_joules", jf_energy_job_joules(job) - idle,
                        job->extrapolated ? "J (ESTIMATE: extrapolated total - idle_joules)"
                                          : "J (joules_total - idle_joules)");
    }
    int e = attrs_write_coll(g, &a);
    e |= write_sharing_coll(f, job);
    /* the node groups follow from the job every rank holds (bcast) */
    for (int i = 0; i < job->total_nodes; i++)
        e |= write_energy_node_coll(g, i, &job->nodes[i],
                                    i == my_index && setup->meter_running ? &setup->meter : NULL);
    if (g >= 0)
        H5Gclose(g);
    return e;
}

/* the time limits of the ranks' agreement on a part of the file: see
 * jf_results_write's comment below */
#define JF_RESULTS_WAIT_FAILED 10.0
#define JF_RESULTS_WAIT 120.0
static int bounded_wait(MPI_Request *req, double limit);
static int any_failed(int e);
static int timed_out;

/* This node's training J before each of the n passes, from its meter's
 * trace (NAN where it has none), summed over the writers in a bounded
 * nonblocking allreduce: non-readers and unmeasured nodes add 0. -1 when
 * the others did not answer in time (timed_out set). */
static int pass_joules_sum(const jf_energy_setup_t *setup, const jf_energy_job_t *job,
                           double *sum, int64_t n)
{
    int my_index = -1;
    if (setup != NULL && setup->leader && setup->leaders != MPI_COMM_NULL)
        MPI_Comm_rank(setup->leaders, &my_index);
    for (int64_t p = 0; p < n; p++)
        sum[p] = 0;
    if (my_index >= 0 && my_index < job->total_nodes && setup->meter_running &&
        job->nodes[my_index].measured) {
        const jf_energy_meter_t *m = &setup->meter;
        double *col = malloc((m->count > 0 ? m->count : 1) * sizeof *col);
        int32_t *mark = malloc((m->count > 0 ? m->count : 1) * sizeof *mark);
        for (size_t k = 0; col != NULL && mark != NULL && k < m->count; k++) {
            col[k] = jf_energy_node_total(m->session, m->trace[k].joules);
            mark[k] = (int32_t)m->trace[k].mark;
        }
        if (col == NULL || mark == NULL || jf_pass_joules(col, mark, m->count, sum, n) != n)
            for (int64_t p = 0; p < n; p++)
                sum[p] = NAN;  /* a pass this node did not see: no sum */
        free(col);
        free(mark);
    }
    MPI_Request req;
    if (MPI_Iallreduce(MPI_IN_PLACE, sum, (int)n, MPI_DOUBLE, MPI_SUM, writers, &req) !=
            MPI_SUCCESS ||
        bounded_wait(&req, JF_RESULTS_WAIT) != 0) {
        timed_out = 1;
        return -1;
    }
    return 0;
}

/* The validation passes' steps, losses and training seconds, rank 0's:
 * /quality has them as eval_step, eval_loss and eval_train_seconds, and
 * /quality/passes again under its own names (step, val_loss,
 * train_seconds). */
static int write_pass_arrays_coll(hid_t g, const jf_run_t *r, int rank, const char *const names[3])
{
    const hsize_t n = (hsize_t)r->nevals;
    int e = dataset_by_owner_coll(g, names[0], H5T_NATIVE_INT64, n, NULL,
                                  "measured steps done before each validation pass", rank == 0,
                                  r->eval_step);
    e |= dataset_by_owner_coll(g, names[1], H5T_NATIVE_DOUBLE, n, "nat",
                               "validation cross-entropy per token of each pass", rank == 0,
                               r->eval_loss);
    e |= dataset_by_owner_coll(g, names[2], H5T_NATIVE_DOUBLE, n, "s",
                               "measured training seconds before each pass (validation not "
                               "counted)", rank == 0, r->eval_train_seconds);
    return e;
}

/* /quality/passes (schema 1.7): one row per validation pass -- the
 * measured steps before it, its loss, the training seconds and the
 * training Joules (all nodes) before it -- so that validation loss can be
 * drawn against the energy spent learning. train_joules is absent
 * without energy, or when a node's trace misses a pass. */
static int write_passes_coll(hid_t q, const jf_summary_t *s, const jf_energy_setup_t *setup,
                             int rank)
{
    const jf_run_t *r = s->run;
    const jf_energy_job_t *job = s->energy;
    const hsize_t n = (hsize_t)r->nevals;
    static const char *const names[3] = {"step", "val_loss", "train_seconds"};
    const hid_t g = group_coll(q, "passes");
    int e = g < 0;
    e |= write_pass_arrays_coll(g, r, rank, names);
    if (job != NULL && job->measured_nodes > 0) {
        double *sum = malloc(n * sizeof *sum);
        /* every rank agrees on the allocation before the allreduce */
        if (any_failed(sum == NULL)) {
            out_of_memory |= sum == NULL;
            free(sum);
            if (g >= 0)
                H5Gclose(g);  /* an open group would fail the file's close */
            return 1;
        }
        if (pass_joules_sum(setup, job, sum, r->nevals) != 0) {
            /* timed out: the abandoned allreduce may still write sum, so
             * it is left allocated (the job ends next) */
            if (g >= 0)
                H5Gclose(g);
            return 1;
        }
        int all = 1;
        for (int64_t p = 0; p < r->nevals; p++)
            all &= isfinite(sum[p]);
        if (all && job->extrapolated)
            for (int64_t p = 0; p < r->nevals; p++)
                sum[p] *= (double)job->total_nodes / (double)job->measured_nodes;
        if (all)
            e |= dataset_by_owner_coll(g, "train_joules", H5T_NATIVE_DOUBLE, n,
                                       job->extrapolated
                                           ? "J (ESTIMATE: measured nodes' mean x node count)"
                                           : "J",
                                       "training energy of all nodes from the measured phase "
                                       "start to each pass (the passes' own energy not "
                                       "counted)", rank == 0, sum);
        free(sum);
    }
    if (g >= 0)
        H5Gclose(g);
    return e;
}

/* /quality (schema 1.6): the prequential bits, the validation passes and
 * the target. Which datasets exist follows from the evaluation count,
 * the same on every rank; their values are rank 0's (write_by_owner). */
static int write_quality_coll(hid_t f, const jf_summary_t *s, const jf_energy_setup_t *setup,
                              int rank)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    const jf_energy_job_t *job = s->energy;
    const hid_t g = group_coll(f, JF_H5_QUALITY);
    const double bits = jf_prequential_bits(r->loss, r->steps_done, r->tokens_per_step,
                                            o->shape.vocab);
    const int have_joules = job != NULL && job->measured_nodes > 0;
    attrs_t a = {0};
    if (isfinite(bits))  /* absent when a loss was not finite */
        attrs_f64_units(&a, "bits_compressed", bits,
                        "bit (prequential: sum over the measured steps of tokens x "
                        "(ln V - loss) / ln 2)");
    attrs_u64(&a, "prequential_tokens", r->tokens);
    attrs_f64_units(&a, "ln_vocab", log((double)o->shape.vocab), "nat");
    attrs_str(&a, "stopped_by", r->stop_rule != NULL ? r->stop_rule : "");
    attrs_i64(&a, "eval_every", o->eval_every);
    attrs_i64(&a, "evaluations", r->nevals);
    attrs_u64(&a, "eval_sequences", r->eval_seqs);
    attrs_u64(&a, "eval_tokens", r->eval_tokens);
    attrs_f64_units(&a, "eval_seconds", r->eval_seconds, "s");
    if (r->nevals > 0 && have_joules) {
        attrs_f64_units(&a, "eval_joules", job->eval_joules_measured, "J");
        if (job->extrapolated)
            attrs_f64_units(&a, "eval_joules_extrapolated", job->eval_joules_estimate,
                            "J (ESTIMATE: measured nodes' mean x node count)");
    }
    if (r->nevals > 0) {
        attrs_f64_units(&a, "val_loss_first", r->eval_loss[0], "nat");
        attrs_f64_units(&a, "val_loss_last", r->eval_loss[r->nevals - 1], "nat");
        attrs_f64_units(&a, "val_loss_best", r->val_loss_best, "nat");
        attrs_f64(&a, "learned_fraction",
                  jf_learned_fraction(r->eval_loss[r->nevals - 1], r->loss_floor,
                                      o->shape.vocab));
    }
    attrs_f64_units(&a, "target_loss", o->target_loss, "nat (0: no target)");
    attrs_i64(&a, "target_reached", r->target_reached);
    if (r->target_reached) {
        attrs_i64(&a, "steps_to_target", r->steps_to_target);
        attrs_u64(&a, "tokens_to_target", r->tokens);
        attrs_u128(&a, "flops_to_target", jf_ledger_total(&r->ledger));
        attrs_f64_units(&a, "seconds_to_target", r->seconds, "s");
        if (have_joules)
            attrs_f64_units(&a, "joules_to_target", jf_energy_job_joules(job),
                            job->extrapolated ? "J (ESTIMATE: extrapolated)" : "J");
    }
    int e = attrs_write_coll(g, &a);
    if (r->nevals > 0) {
        static const char *const names[3] = {"eval_step", "eval_loss", "eval_train_seconds"};
        e |= write_pass_arrays_coll(g, r, rank, names);
        e |= write_passes_coll(g, s, setup, rank);
    }
    if (g >= 0)
        H5Gclose(g);
    return e;
}

/* The --verify checks (schema 1.2): /verify says whether they were asked
 * for, and holds one group per check with its verdict, the figure it
 * measured and the threshold it was held to. */
static int write_verify_coll(hid_t f, const jf_summary_t *s)
{
    const hid_t g = group_coll(f, JF_H5_VERIFY);
    attrs_t a = {0};
    attrs_i64(&a, "requested", s->run->opt.verify);
    attrs_i64(&a, "checks", s->nchecks);
    int e = attrs_write_coll(g, &a);
    /* the checks' names and number are the same on every rank
     * (jf_verify_agree) */
    for (int i = 0; i < s->nchecks; i++) {
        const jf_check_t *c = &s->checks[i];
        const hid_t cg = group_coll(g, c->name);
        attrs_t ca = {0};
        attrs_i64(&ca, "ran", c->ran);
        attrs_i64(&ca, "pass", c->pass);
        attrs_f64(&ca, "value", c->value);
        attrs_f64(&ca, "threshold", c->threshold);
        attrs_str(&ca, "detail", c->detail);
        e |= attrs_write_coll(cg, &ca);
        if (cg >= 0)
            H5Gclose(cg);
    }
    if (g >= 0)
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

static int left_open;  /* see jf_results_left_open */

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
            /* after a timeout no further collective: the others may be  */    \
            /* inside another one, which a new call would be matched with */   \
            failed = timed_out ? 1 : any_failed(e);                             \
        }                                                                       \
    } while (0)
    if (!failed) {
        dxpl = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    }
    PART("the root attributes", write_root_coll(f, s, &meta, status, ok ? "" : reason));
    PART(JF_H5_CONFIG, write_config_coll(f, s));
    PART(JF_H5_FLOPS, write_flops_coll(f, s));
    PART(JF_H5_GEMM, s->gemm != NULL ? write_gemm_coll(f, s) : 0);
    PART(JF_H5_TIMING, write_timing_coll(f, dxpl, s, rank));
    PART(JF_H5_ENERGY, s->energy != NULL ? write_energy_coll(f, s, energy) : 0);
    PART(JF_H5_VERIFY, write_verify_coll(f, s));
    PART(JF_H5_QUALITY, write_quality_coll(f, s, energy, rank));
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
