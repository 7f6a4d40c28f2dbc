/* jf_result_read.c: the reader side of results/SCHEMA.md. */
#define _POSIX_C_SOURCE 200809L
#include "jf_result_read.h"

#include "analysis/jf_json_in.h"
#include "analysis/jf_result_guard.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/jf_h5.h"
#include "out/jf_results_schema.h"

#define JF_RESULT_MAX_STRING ((size_t)1 << 20)

/* Fixed-length string attributes of object `obj` (a path from the root):
 * count 0, one (the attribute's shape unchecked) into buf of len bytes;
 * count > 0, a 1-D attribute of exactly count strings (schema 1.5) into
 * fields of len bytes each. -1 when absent or of another kind or shape. */
static int read_strings(hid_t f, const char *obj, const char *name, int count, char *buf,
                        size_t len)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    const hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    const hid_t sp = a >= 0 && count > 0 ? H5Aget_space(a) : -1;
    const int k = count > 0 ? count : 1;
    hsize_t dim = 0;
    int rc = -1;
    /* a string longer than 1 MiB is a corrupt file, never an allocation */
    if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) &&
        (count == 0 || (sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
                        H5Sget_simple_extent_dims(sp, &dim, NULL) == 1 && dim == (hsize_t)count)) &&
        H5Tget_size(t) <= JF_RESULT_MAX_STRING) {
        const size_t n = H5Tget_size(t);
        char *tmp = calloc((size_t)k, n + 1);
        const hid_t mt = H5Tcopy(H5T_C_S1);
        /* one byte more than stored: a NULLPAD string of n characters
         * converted to n bytes NULLTERM would lose its last one */
        H5Tset_size(mt, n + 1);
        if (tmp != NULL && H5Aread(a, mt, tmp) >= 0) {
            for (int i = 0; i < k; i++)
                snprintf(buf + (size_t)i * len, len, "%s", tmp + (size_t)i * (n + 1));
            rc = 0;
        }
        H5Tclose(mt);
        free(tmp);
    }
    JF_H5_CLOSE(sp, t, a);
    return rc;
}

/* Read a string attribute of object `obj` (a path from the root). */
static int read_str(hid_t f, const char *obj, const char *name, char *buf, size_t len)
{
    return read_strings(f, obj, name, 0, buf, len);
}

/* A numeric attribute: count 0, a scalar; count > 0, 1-D of exactly count
 * elements. -1 when absent or of another shape. */
static int read_numbers(hid_t f, const char *obj, const char *name, hid_t mem_type, int count,
                        void *out)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    const hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
    hsize_t dim = 0;
    int rc = -1;
    if (sp >= 0 &&
        (count == 0 ? H5Sget_simple_extent_type(sp) == H5S_SCALAR
                    : H5Sget_simple_extent_ndims(sp) == 1 &&
                          H5Sget_simple_extent_dims(sp, &dim, NULL) == 1 &&
                          dim == (hsize_t)count) &&
        H5Aread(a, mem_type, out) >= 0)
        rc = 0;
    JF_H5_CLOSE(sp, a);
    return rc;
}

static int read_num(hid_t f, const char *obj, const char *name, hid_t mem_type, void *value)
{
    return read_numbers(f, obj, name, mem_type, 0, value);
}

static int parse_u128(const char *s, jf_u128 *v)
{
    jf_u128 x = 0;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        x = x * 10 + (unsigned)(*s - '0');
    }
    *v = x;
    return 0;
}

static int one_of(const char *s, const char *const *words)
{
    for (; *words != NULL; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* Values a run cannot have written: refused with the file and the field,
 * so that no table shows them as figures. */
static int check_values(const jf_result_t *r, const char *path, char *msg, size_t msglen)
{
    static const char *const statuses[] = {"complete", "incomplete", "failed", NULL};
    static const char *const energy_statuses[] = {"measured", "not measured", "invalid", NULL};
    const struct {
        const char *field;
        int64_t v, lo;
    } counts[] = {
        {JF_H5_CONFIG "/layers", r->layers, 1},   {JF_H5_CONFIG "/d_model", r->d_model, 1},
        {JF_H5_CONFIG "/heads", r->heads, 1},     {JF_H5_CONFIG "/ctx", r->ctx, 1},
        {JF_H5_CONFIG "/ff", r->ff, 1},           {JF_H5_CONFIG "/batch", r->batch, 1},
        {JF_H5_CONFIG "/steps", r->steps, 0},     {JF_H5_CONFIG "/steps_done", r->steps_done, 0},
        {JF_H5_CONFIG "/ranks", r->ranks, 1},     {JF_H5_CONFIG "/nodes", r->nodes, 1},
        {JF_H5_CONFIG "/threads_per_rank", r->threads, 1},
        {JF_H5_ENERGY "/measured_nodes", r->measured_nodes, 0},
        {JF_H5_ENERGY "/total_nodes", r->total_nodes, 0},
    };
    const struct {
        const char *field;
        int given;
        double v;
    } nonneg[] = {
        {JF_H5_CONFIG "/seconds", 1, r->seconds},
        {JF_H5_ENERGY "/joules_total", r->have_joules, r->joules},
        {JF_H5_ENERGY "/joules_total_extrapolated", r->extrapolated != 0, r->joules_extrapolated},
        {JF_H5_CONFIG "/peak_flops_per_second", r->have_peak_flops, r->peak_flops},
        {JF_H5_CONFIG "/min_seconds", 1, r->min_seconds},
        {JF_H5_ENERGY "/sample_interval", 1, r->sample_interval},
    };
    if (!one_of(r->status, statuses)) {
        snprintf(msg, msglen, "%s: field /status = '%.16s' is not a status (complete, incomplete, "
                              "failed)", path, r->status);
        return -1;
    }
    if (!one_of(r->energy_status, energy_statuses)) {
        snprintf(msg, msglen, "%s: field /energy/status = '%.16s' is not an energy status "
                              "(measured, not measured, invalid)", path, r->energy_status);
        return -1;
    }
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].v < counts[i].lo) {
            snprintf(msg, msglen, "%s: field %s = %lld is impossible (at least %lld)", path,
                     counts[i].field, (long long)counts[i].v, (long long)counts[i].lo);
            return -1;
        }
    if (r->n_params == 0) {
        snprintf(msg, msglen, "%s: field /config/N = 0 is impossible (a model has weights)", path);
        return -1;
    }
    if (r->measured_nodes > r->total_nodes) {
        snprintf(msg, msglen, "%s: field /energy/measured_nodes = %lld is above total_nodes = "
                              "%lld", path, (long long)r->measured_nodes,
                 (long long)r->total_nodes);
        return -1;
    }
    for (size_t i = 0; i < sizeof nonneg / sizeof nonneg[0]; i++)
        if (nonneg[i].given && !(nonneg[i].v >= 0 && nonneg[i].v <= 1e300)) {
            snprintf(msg, msglen, "%s: field %s = %g is impossible (a finite figure, not "
                                  "negative)", path, nonneg[i].field, nonneg[i].v);
            return -1;
        }
    return 0;
}

/* A scalar attribute of type class `cls` (an integer stays an integer: HDF5
 * would convert a float or refuse a string silently otherwise). 0, -1 when
 * absent or of another class or shape. */
static int read_typed(hid_t f, const char *obj, const char *name, H5T_class_t cls,
                      hid_t mem_type, void *value)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    const hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    const int same = t >= 0 && H5Tget_class(t) == cls;
    JF_H5_CLOSE(t, a);
    return same ? read_num(f, obj, name, mem_type, value) : -1;
}

/* The most candidate slots a /gemm group can hold (jflop-run writes 3). */
#define JF_RESULT_MAX_CANDIDATES 64

/* /gemm (schema 1.4; absent in older files, which ran BLIS only): when the
 * group is there it is read whole and strictly, so that a table never shows
 * a back-end or a rate from a broken one. -1 with msg naming the field. */
static int read_gemm(hid_t f, const char *path, jf_result_t *r, char *msg, size_t msglen)
{
    static const char *const strings[] = {"how", "bf16_tensors", "measured_shapes"};
    char precision[16], text[512], name[64];
    int64_t native = 0, ncand = 0;
    double seconds = 0;
    if (H5Lexists(f, JF_H5_GEMM, H5P_DEFAULT) <= 0)
        return 0;
#define GEMM_BAD(...)                                                          do {                                                                           snprintf(msg, msglen, __VA_ARGS__);                                        return -1;                                                             } while (0)
#define GEMM_FIELD(ok, field, what)                                            if (!(ok))                                                                     GEMM_BAD("%s: missing or malformed /gemm/%s (%s)", path, field, what);
    GEMM_FIELD(read_str(f, JF_H5_GEMM, "precision", precision, sizeof precision) == 0, "precision",
               "a string")
    GEMM_FIELD(read_str(f, JF_H5_GEMM, "backend", r->gemm_backend, sizeof r->gemm_backend) == 0 &&
                   r->gemm_backend[0] != '\0', "backend", "a non-empty string")
    GEMM_FIELD(read_str(f, JF_H5_GEMM, "version", r->gemm_version, sizeof r->gemm_version) == 0,
               "version", "a string")
    GEMM_FIELD(read_str(f, JF_H5_GEMM, "kernel", r->gemm_kernel, sizeof r->gemm_kernel) == 0,
               "kernel", "a string")
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        GEMM_FIELD(read_str(f, JF_H5_GEMM, strings[i], text, sizeof text) == 0, strings[i],
                   "a string")
    GEMM_FIELD(read_typed(f, JF_H5_GEMM, "native", H5T_INTEGER, H5T_NATIVE_INT64, &native) == 0 &&
                   (native == 0 || native == 1), "native", "an integer, 0 or 1")
    GEMM_FIELD(read_typed(f, JF_H5_GEMM, "emulated", H5T_INTEGER, H5T_NATIVE_INT64,
                          &r->gemm_emulated) == 0 && (r->gemm_emulated == 0 || r->gemm_emulated == 1),
               "emulated", "an integer, 0 or 1")
    GEMM_FIELD(read_typed(f, JF_H5_GEMM, "measure_seconds", H5T_FLOAT, H5T_NATIVE_DOUBLE,
                          &seconds) == 0 && seconds >= 0 && seconds <= 1e300,
               "measure_seconds", "a finite float, not negative")
    if (strcmp(precision, r->precision) != 0)
        GEMM_BAD("%s: field /gemm/precision = '%.15s' disagrees with /config/precision = '%s'",
                 path, precision, r->precision);
    GEMM_FIELD(read_typed(f, JF_H5_GEMM, "candidates", H5T_INTEGER, H5T_NATIVE_INT64, &ncand) == 0,
               "candidates", "an integer")
    if (ncand < 1 || ncand > JF_RESULT_MAX_CANDIDATES)
        GEMM_BAD("%s: field /gemm/candidates = %lld is impossible (1 to %d)", path,
                 (long long)ncand, JF_RESULT_MAX_CANDIDATES);
    for (int64_t k = 0; k < ncand; k++) {
        double gflops = 0;
        snprintf(name, sizeof name, "candidate%lld", (long long)k);
        if (H5Aexists_by_name(f, JF_H5_GEMM, name, H5P_DEFAULT) <= 0)
            GEMM_BAD("%s: field /gemm/candidates = %lld disagrees with the data: /gemm/%s is "
                     "missing", path, (long long)ncand, name);
        GEMM_FIELD(read_str(f, JF_H5_GEMM, name, text, sizeof text) == 0, name, "a string")
        snprintf(name, sizeof name, "candidate%lld_note", (long long)k);
        GEMM_FIELD(read_str(f, JF_H5_GEMM, name, text, sizeof text) == 0, name, "a string")
        snprintf(name, sizeof name, "candidate%lld_gflops", (long long)k);
        GEMM_FIELD(read_typed(f, JF_H5_GEMM, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, &gflops) == 0,
                   name, "a float")
        if (!(gflops >= 0 && gflops <= 1e300))
            GEMM_BAD("%s: field /gemm/%s = %g is impossible (a finite rate, not negative)", path,
                     name, gflops);
    }
    /* a slot past the count: the count and the data disagree */
    snprintf(name, sizeof name, "candidate%lld", (long long)ncand);
    if (H5Aexists_by_name(f, JF_H5_GEMM, name, H5P_DEFAULT) > 0)
        GEMM_BAD("%s: field /gemm/candidates = %lld disagrees with the data: /gemm/%s is present",
                 path, (long long)ncand, name);
#undef GEMM_FIELD
#undef GEMM_BAD
    return 0;
}

/* /verify (schema 1.2): absent in 1.0 and 1.1 files, which is not an error. */
static int read_verify(hid_t f, jf_result_t *r)
{
    int64_t v = 0;
    H5G_info_t info;
    if (H5Lexists(f, JF_H5_VERIFY, H5P_DEFAULT) <= 0)
        return 0;
    r->have_verify = 1;
    if (read_num(f, JF_H5_VERIFY, "requested", H5T_NATIVE_INT64, &v) != 0)
        return -1;
    r->verify_requested = v != 0;
    if (H5Gget_info_by_name(f, JF_H5_VERIFY, &info, H5P_DEFAULT) < 0)
        return -1;
    for (hsize_t i = 0; i < info.nlinks && r->nverify < JF_RESULT_MAX_CHECKS; i++) {
        jf_result_check_t *c = &r->verify[r->nverify];
        char obj[64];
        int64_t ran = 0, pass = 0;
        if (H5Lget_name_by_idx(f, JF_H5_VERIFY, H5_INDEX_NAME, H5_ITER_INC, i, c->name,
                               sizeof c->name, H5P_DEFAULT) < 0)
            return -1;
        snprintf(obj, sizeof obj, JF_H5_VERIFY "/%s", c->name);
        if (read_num(f, obj, "ran", H5T_NATIVE_INT64, &ran) != 0 ||
            read_num(f, obj, "pass", H5T_NATIVE_INT64, &pass) != 0 ||
            read_num(f, obj, "value", H5T_NATIVE_DOUBLE, &c->value) != 0 ||
            read_num(f, obj, "threshold", H5T_NATIVE_DOUBLE, &c->threshold) != 0)
            return -1;
        read_str(f, obj, "detail", c->detail, sizeof c->detail);
        c->ran = ran != 0;
        c->pass = pass != 0;
        r->nverify++;
    }
    return 0;
}

#define NOT_HDF5 "not a readable HDF5 file (truncated, corrupt or not HDF5)"

/* The results file at path, opened read-only with HDF5's own error printing
 * off; -1 with msg "PATH: " NOT_HDF5 when it is no HDF5 file, "PATH:
 * cannot_open" when HDF5 cannot open it. */
/* /quality (schema 1.6; absent in older files): read whole and strictly
 * when present, so that no table shows a figure from a broken group. -1
 * with msg naming the field. */
static int read_quality(hid_t f, const char *path, jf_result_t *r, char *msg, size_t msglen)
{
    const char *bad = NULL;
    char text[JF_U128_STRLEN];
    if (H5Lexists(f, JF_H5_QUALITY, H5P_DEFAULT) <= 0)
        return 0;
    r->have_quality = 1;
#define Q_NUM(name, type, field)                                                     \
    if (bad == NULL && read_num(f, JF_H5_QUALITY, name, type, &(field)) != 0)        \
        bad = name " (missing or not a number)";
    Q_NUM("evaluations", H5T_NATIVE_INT64, r->evaluations)
    Q_NUM("eval_every", H5T_NATIVE_INT64, r->eval_every)
    Q_NUM("eval_seconds", H5T_NATIVE_DOUBLE, r->eval_seconds)
    Q_NUM("target_loss", H5T_NATIVE_DOUBLE, r->target_loss)
    Q_NUM("target_reached", H5T_NATIVE_INT64, r->target_reached)
    Q_NUM("ln_vocab", H5T_NATIVE_DOUBLE, r->ln_vocab)
    r->have_bits = read_num(f, JF_H5_QUALITY, "bits_compressed", H5T_NATIVE_DOUBLE,
                            &r->bits_compressed) == 0;
    r->have_eval_joules = read_num(f, JF_H5_QUALITY, "eval_joules", H5T_NATIVE_DOUBLE,
                                   &r->eval_joules) == 0;
    if (r->evaluations > 0) {
        Q_NUM("val_loss_last", H5T_NATIVE_DOUBLE, r->val_loss_last)
        Q_NUM("val_loss_best", H5T_NATIVE_DOUBLE, r->val_loss_best)
        Q_NUM("learned_fraction", H5T_NATIVE_DOUBLE, r->learned_fraction)
    }
    if (r->target_reached == 1) {
        Q_NUM("steps_to_target", H5T_NATIVE_INT64, r->steps_to_target)
        Q_NUM("seconds_to_target", H5T_NATIVE_DOUBLE, r->seconds_to_target)
        if (bad == NULL && (read_str(f, JF_H5_QUALITY, "flops_to_target", text, sizeof text) != 0 ||
                            parse_u128(text, &r->flops_to_target) != 0))
            bad = "flops_to_target (missing or not a decimal integer)";
        r->have_joules_to_target = read_num(f, JF_H5_QUALITY, "joules_to_target",
                                            H5T_NATIVE_DOUBLE, &r->joules_to_target) == 0;
    }
#undef Q_NUM
    /* values no run writes */
    if (bad == NULL && r->have_bits && !isfinite(r->bits_compressed))
        bad = "bits_compressed (not finite)";
    if (bad == NULL && (r->evaluations < 0 || r->eval_every < 0))
        bad = "evaluations or eval_every (negative)";
    if (bad == NULL && (r->evaluations > 0) != (r->eval_every > 0))
        bad = "evaluations (validation passes without eval_every, or none with it)";
    if (bad == NULL && !(r->eval_seconds >= 0 && r->eval_seconds <= 1e300))
        bad = "eval_seconds (not a finite, non-negative time)";
    if (bad == NULL && r->have_eval_joules && !(r->eval_joules >= 0 && r->eval_joules <= 1e300))
        bad = "eval_joules (not a finite, non-negative energy)";
    if (bad == NULL && !(r->target_loss >= 0 && r->target_loss <= 1e300))
        bad = "target_loss (not a finite, non-negative loss)";
    if (bad == NULL && r->target_reached != 0 && r->target_reached != 1)
        bad = "target_reached (not 0 or 1)";
    if (bad == NULL && r->target_reached == 1 && !(r->target_loss > 0))
        bad = "target_reached (1 without a target_loss)";
    if (bad == NULL && r->evaluations > 0 &&
        !(r->val_loss_last >= 0 && r->val_loss_last <= 1e300 && r->val_loss_best >= 0 &&
          r->val_loss_best <= r->val_loss_last && isfinite(r->learned_fraction)))
        bad = "val_loss_last, val_loss_best or learned_fraction (not finite losses, best "
              "above last)";
    if (bad == NULL && r->target_reached == 1 &&
        (r->steps_to_target < 1 || r->steps_to_target > r->steps_done ||
         !(r->seconds_to_target >= 0 && r->seconds_to_target <= 1e300) ||
         (r->have_joules_to_target && !(r->joules_to_target >= 0 && r->joules_to_target <= 1e300))))
        bad = "steps_to_target, seconds_to_target or joules_to_target (impossible for the run)";
    if (bad != NULL) {
        snprintf(msg, msglen, "%s: field %s/%s", path, JF_H5_QUALITY, bad);
        return -1;
    }
    return 0;
}

static hid_t open_results(const char *path, const char *cannot_open, char *msg, size_t msglen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const int is_hdf5 = H5Fis_hdf5(path) > 0;  /* H5Fis_accessible needs HDF5 1.12 */
    const hid_t f = is_hdf5 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (f < 0)
        snprintf(msg, msglen, "%s: %s", path, is_hdf5 ? cannot_open : NOT_HDF5);
    return f;
}

static jf_err_t read_direct(const char *path, jf_result_t *r, char *msg, size_t msglen)
{
    char schema[32] = "", text[64];
    const char *missing = NULL;
    int major = 0;
    jf_err_t err = JF_OK;
    hid_t f = -1;

    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    const char *slash = strrchr(path, '/');
    snprintf(r->name, sizeof r->name, "%s", slash != NULL ? slash + 1 : path);
    if ((f = open_results(path, "HDF5 cannot open it (truncated or corrupt)", msg, msglen)) < 0)
        return JF_EIO;
    if (read_str(f, "/", "schema", schema, sizeof schema) != 0 ||
        strcmp(schema, JF_SCHEMA_NAME) != 0) {
        snprintf(msg, msglen, "%s: not a jflop results file (no /schema = jflop-results)", path);
        err = JF_EINVAL;
        goto cleanup;
    }
    if (read_str(f, "/", "schema_version", r->schema_version, sizeof r->schema_version) != 0) {
        missing = "/schema_version";
        goto cleanup;
    }
    if (jf_json_in_version_major(r->schema_version, &major) != 0) {
        snprintf(msg, msglen, "%s: field /schema_version = '%.16s' is not a version (expected "
                              "\"<major>.<minor>\")", path, r->schema_version);
        err = JF_EINVAL;
        goto cleanup;
    }
    if (major > JF_SCHEMA_MAJOR || major < 1) {
        snprintf(msg, msglen, "%s: schema %s is %s this jflop reads (major %d)%s", path,
                 r->schema_version, major < 1 ? "older than any" : "newer than", JF_SCHEMA_MAJOR,
                 major < 1 ? "" : "; update jflop");
        err = JF_EINVAL;
        goto cleanup;
    }
#define STR(obj, name, field)                                              \
    if (read_str(f, obj, name, field, sizeof field) != 0) {                \
        missing = obj "/" name;                                            \
        goto cleanup;                                                      \
    }
#define NUM(obj, name, type, field)                                        \
    if (read_num(f, obj, name, type, &(field)) != 0) {                     \
        missing = obj "/" name;                                            \
        goto cleanup;                                                      \
    }
    STR("/", "jflop_version", r->jflop_version)
    STR("/", "status", r->status)
    STR("/", "status_reason", r->status_reason)
    STR("/", "hosts", r->hosts)
    STR("/", "blis_arch", r->blis_arch)
    STR("/", "start_utc", r->start_utc)
    /* present in every schema, but a missing one is no reason to refuse */
    read_str(f, "/", "slurm_job_id", r->slurm_job_id, sizeof r->slurm_job_id);
    read_str(f, "/", "slurm_array_job_id", r->slurm_array_job_id, sizeof r->slurm_array_job_id);
    read_str(f, "/", "slurm_array_task_id", r->slurm_array_task_id,
             sizeof r->slurm_array_task_id);
    /* 1.9: the processor; older files do not name it */
    r->cpu_uniform = 1;
    if (read_str(f, "/", "cpu", r->cpu, sizeof r->cpu) != 0)
        r->cpu[0] = '\0';
    else if (read_num(f, "/", "cpu_uniform", H5T_NATIVE_INT64, &r->cpu_uniform) != 0 ||
             read_num(f, "/", "cpu_count", H5T_NATIVE_INT64, &r->cpu_count) != 0 ||
             read_str(f, "/", "cpu_model_name", r->cpu_model_name, sizeof r->cpu_model_name) != 0)
        r->cpu_uniform = 1, r->cpu_count = 0, r->cpu_model_name[0] = '\0';
    STR(JF_H5_CONFIG, "precision", r->precision)
    NUM(JF_H5_CONFIG, "layers", H5T_NATIVE_INT64, r->layers)
    NUM(JF_H5_CONFIG, "d_model", H5T_NATIVE_INT64, r->d_model)
    NUM(JF_H5_CONFIG, "heads", H5T_NATIVE_INT64, r->heads)
    NUM(JF_H5_CONFIG, "ctx", H5T_NATIVE_INT64, r->ctx)
    NUM(JF_H5_CONFIG, "ff", H5T_NATIVE_INT64, r->ff)
    NUM(JF_H5_CONFIG, "batch", H5T_NATIVE_INT64, r->batch)
    NUM(JF_H5_CONFIG, "steps", H5T_NATIVE_INT64, r->steps)
    NUM(JF_H5_CONFIG, "steps_done", H5T_NATIVE_INT64, r->steps_done)
    NUM(JF_H5_CONFIG, "ranks", H5T_NATIVE_INT64, r->ranks)
    NUM(JF_H5_CONFIG, "nodes", H5T_NATIVE_INT64, r->nodes)
    NUM(JF_H5_CONFIG, "threads_per_rank", H5T_NATIVE_INT64, r->threads)
    NUM(JF_H5_CONFIG, "N", H5T_NATIVE_UINT64, r->n_params)
    NUM(JF_H5_CONFIG, "D", H5T_NATIVE_UINT64, r->tokens)
    NUM(JF_H5_CONFIG, "seconds", H5T_NATIVE_DOUBLE, r->seconds)
    int64_t verified = 0;
    NUM(JF_H5_FLOPS, "verified", H5T_NATIVE_INT64, verified)
    r->verified = verified != 0;
    STR(JF_H5_FLOPS, "flops_6nd", text)
    if (parse_u128(text, &r->flops_6nd) != 0) {
        missing = JF_H5_FLOPS "/flops_6nd (not a decimal integer)";
        goto cleanup;
    }
    STR(JF_H5_FLOPS, "flops_total_counted", text)
    if (parse_u128(text, &r->flops_counted) != 0) {
        missing = JF_H5_FLOPS "/flops_total_counted (not a decimal integer)";
        goto cleanup;
    }
    STR(JF_H5_ENERGY, "source", r->energy_source)
    STR(JF_H5_ENERGY, "status", r->energy_status)
    NUM(JF_H5_ENERGY, "measured_nodes", H5T_NATIVE_INT64, r->measured_nodes)
    NUM(JF_H5_ENERGY, "total_nodes", H5T_NATIVE_INT64, r->total_nodes)
    NUM(JF_H5_ENERGY, "extrapolated", H5T_NATIVE_INT64, r->extrapolated)
    r->have_joules = read_num(f, JF_H5_ENERGY, "joules_total", H5T_NATIVE_DOUBLE, &r->joules) == 0;
    if (r->extrapolated &&
        read_num(f, JF_H5_ENERGY, "joules_total_extrapolated", H5T_NATIVE_DOUBLE,
                 &r->joules_extrapolated) != 0) {
        missing = JF_H5_ENERGY "/joules_total_extrapolated";
        goto cleanup;
    }
    /* schema 1.7: optional */
    read_num(f, JF_H5_ENERGY, "idle_seconds_asked", H5T_NATIVE_DOUBLE, &r->idle_seconds_asked);
    r->have_idle =
        read_num(f, JF_H5_ENERGY, "idle_joules", H5T_NATIVE_DOUBLE, &r->idle_joules) == 0 &&
        read_num(f, JF_H5_ENERGY, "dynamic_joules", H5T_NATIVE_DOUBLE, &r->dynamic_joules) == 0 &&
        isfinite(r->idle_joules) && isfinite(r->dynamic_joules);
    /* schema 1.1: optional, absent in 1.0 files */
    if (read_str(f, "/", "warnings", r->warnings, sizeof r->warnings) != 0)
        r->warnings[0] = '\0';
    /* schema 1.7: what the energy covers, its basis, the nodes' sharing */
    read_str(f, JF_H5_ENERGY, "covers", r->energy_covers, sizeof r->energy_covers);
    read_str(f, JF_H5_ENERGY, "basis", r->energy_basis, sizeof r->energy_basis);
    if (H5Lexists(f, "/sharing", H5P_DEFAULT) > 0) {
        read_str(f, "/sharing", "scheduler_exclusive", r->exclusive, sizeof r->exclusive);
        read_str(f, "/sharing", "scheduler_how", r->exclusive_how, sizeof r->exclusive_how);
        r->have_max_share = read_num(f, "/sharing", "max_other_cpu_share", H5T_NATIVE_DOUBLE,
                                     &r->max_other_cpu_share) == 0;
    }
    /* optional, newer fields (jflop validate; /verify since 1.2) */
    read_str(f, "/", "end_utc", r->end_utc, sizeof r->end_utc);
    read_str(f, "/", "command_line", r->command_line, sizeof r->command_line);
    if (read_str(f, JF_H5_FLOPS, "flops_dense_counted", text, sizeof text) == 0 &&
        parse_u128(text, &r->flops_dense_counted) != 0) {
        missing = JF_H5_FLOPS "/flops_dense_counted (not a decimal integer)";
        goto cleanup;
    }
    r->have_peak_flops =
        read_num(f, JF_H5_CONFIG, "peak_flops_per_second", H5T_NATIVE_DOUBLE, &r->peak_flops) == 0;
    read_num(f, JF_H5_CONFIG, "min_seconds", H5T_NATIVE_DOUBLE, &r->min_seconds);
    read_num(f, JF_H5_ENERGY, "sample_interval", H5T_NATIVE_DOUBLE, &r->sample_interval);
    /* schema 1.4: the GEMM back-end */
    if (read_gemm(f, path, r, msg, msglen) != 0) {
        err = JF_EINVAL;
        goto cleanup;
    }
    if (read_verify(f, r) != 0) {
        missing = "/verify (a check's ran, pass, value or threshold)";
        goto cleanup;
    }
    /* schema 1.6 */
    read_num(f, JF_H5_CONFIG, "lr", H5T_NATIVE_DOUBLE, &r->lr);
    read_num(f, JF_H5_CONFIG, "loss_floor", H5T_NATIVE_DOUBLE, &r->loss_floor);
    if (read_quality(f, path, r, msg, msglen) != 0) {
        err = JF_EINVAL;
        goto cleanup;
    }
#undef STR
#undef NUM
    if (check_values(r, path, msg, msglen) != 0)
        err = JF_EINVAL;
cleanup:
    if (missing != NULL) {
        snprintf(msg, msglen, "%s: missing or malformed %s", path, missing);
        err = JF_EINVAL;
    }
    H5Fclose(f);
    return err;
}

/* The start of the suffix of `path` made of its last k components (the
 * whole path when it has fewer). */
static const char *path_suffix(const char *path, int k)
{
    const char *p = path + strlen(path);
    while (p > path && p[-1] == '/')  /* a trailing slash is no component */
        p--;
    for (; p > path; p--)
        if (p[-1] == '/' && --k == 0)
            return p;
    return path;
}

/* Does one of the paths end with the same k-component suffix as path i? */
static int suffix_shared(const jf_result_t *runs, int n, int i, int k)
{
    const char *mine = path_suffix(runs[i].path, k);
    const size_t len = strlen(mine);
    for (int j = 0; j < n; j++) {
        if (j == i)
            continue;
        const char *other = path_suffix(runs[j].path, k);
        if (strlen(other) == len && strcmp(other, mine) == 0)
            return 1;
    }
    return 0;
}

void jf_result_name_runs(jf_result_t *runs, int n)
{
    for (int i = 0; i < n; i++) {
        int k = 1;
        const char *name = path_suffix(runs[i].path, k);
        /* grow until no other path ends the same way, or the path runs out */
        while (name != runs[i].path && suffix_shared(runs, n, i, k))
            name = path_suffix(runs[i].path, ++k);
        /* a name too long for the table keeps its distinguishing end */
        const size_t len = strlen(name);
        if (len >= sizeof runs[i].name)
            snprintf(runs[i].name, sizeof runs[i].name, "...%s",
                     name + len - (sizeof runs[i].name - 4));
        else
            snprintf(runs[i].name, sizeof runs[i].name, "%s", name);
    }
}

double jf_result_joules(const jf_result_t *r, int *estimated)
{
    *estimated = r->extrapolated != 0;
    return r->extrapolated ? r->joules_extrapolated : r->joules;
}

double jf_result_operand_bits(const jf_result_t *r)
{
    const int p = jf_precision_parse(r->precision);
    return p >= 0 ? jf_precision_bits((jf_precision_t)p) : 32;
}

void jf_result_nodes_free(jf_result_node_t *nodes, int count)
{
    for (int i = 0; nodes != NULL && i < count; i++) {
        free(nodes[i].trace);
        free(nodes[i].trace_mark);
    }
    free(nodes);
}

/* A whole dataset of `expect_rank` dimensions into a new buffer. */
static int read_dataset(hid_t f, const char *name, hid_t mem_type, size_t elem, int expect_rank,
                        hsize_t dims[2], void **out)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    int rc = -1;
    *out = NULL;
    dims[0] = dims[1] = 1;
    if (sp >= 0 && H5Sget_simple_extent_ndims(sp) == expect_rank &&
        H5Sget_simple_extent_dims(sp, dims, NULL) == expect_rank) {
        /* a trace of a day at 10 Hz with 32 domains has 3e7 elements:
         * dimensions beyond the cap are a corrupt file, never an allocation */
        const hsize_t cap = (hsize_t)1 << 26;
        const hsize_t d1 = expect_rank == 2 ? dims[1] : 1;
        const int fits = dims[0] <= cap && d1 <= cap && dims[0] * d1 <= cap;
        const size_t n = fits ? (size_t)(dims[0] * d1) : 0;
        if (!fits) {
            rc = -1;
        } else if (n == 0) {
            rc = 0;
        } else if ((*out = malloc(n * elem)) != NULL &&
                   H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0) {
            rc = 0;
        }
        if (rc != 0) {
            free(*out);
            *out = NULL;
        }
    }
    JF_H5_CLOSE(sp, d);
    return rc;
}

/* A comma-separated list into at most `max` fields of `width` bytes. */
static int split_list(const char *list, char *fields, size_t width, int max)
{
    int n = 0;
    if (*list == '\0')
        return 0;
    for (const char *p = list;; n++) {
        const size_t len = strcspn(p, ",");
        if (n == max)
            return -1;
        snprintf(fields + (size_t)n * width, width, "%.*s", (int)len, p);
        if (p[len] == '\0')
            return n + 1;
        p += len + 1;
    }
}

/* The node's domains: names and scopes (strings), and, when the file has
 * them, each domain's Joules and whether it is in the node total. */
static int read_domains(hid_t f, const char *obj, jf_result_node_t *x)
{
    char list[JF_RESULT_MAX_DOMAINS * 130];
    int64_t in_total[JF_RESULT_MAX_DOMAINS];
    x->ndomains = 0;
    if (read_str(f, obj, "domains", list, sizeof list) != 0)
        return 0;  /* optional */
    const int n = split_list(list, &x->domain[0][0], sizeof x->domain[0], JF_RESULT_MAX_DOMAINS);
    if (n < 0)
        return -1;
    x->ndomains = n;
    if (n == 0)
        return 0;
    /* a scope may itself hold a comma: 1.5 files list them one string
     * each; in older files a list that does not split into one per domain
     * is kept whole on the first */
    if (read_strings(f, obj, "domain_scope_list", n, &x->domain_scope[0][0],
                     sizeof x->domain_scope[0]) != 0 &&
        read_str(f, obj, "domain_scopes", list, sizeof list) == 0 &&
        split_list(list, &x->domain_scope[0][0], sizeof x->domain_scope[0],
                   JF_RESULT_MAX_DOMAINS) != n) {
        memset(x->domain_scope, 0, sizeof x->domain_scope);
        snprintf(x->domain_scope[0], sizeof x->domain_scope[0], "%.*s",
                 (int)sizeof x->domain_scope[0] - 1, list);
    }
    if (H5Aexists_by_name(f, obj, "domain_joules", H5P_DEFAULT) <= 0)
        return 0;
    if (read_numbers(f, obj, "domain_joules", H5T_NATIVE_DOUBLE, n, x->domain_joules) != 0 ||
        read_numbers(f, obj, "domain_in_node_total", H5T_NATIVE_INT64, n, in_total) != 0)
        return -1;
    for (int k = 0; k < n; k++)
        x->domain_in_total[k] = in_total[k] != 0;
    x->have_domain_joules = 1;
    return 0;
}

/* A node's trace as a run writes it: column 0 the time in s from the
 * measured phase's start reading, finite, never decreasing, and 0 at the
 * row marked as that start (so the phase's rows are >= 0); then each
 * domain's Joules since the first reading, finite; marks 0 to 6. A row
 * written before its time was set (a first row of 4.9e-307 s was once
 * seen) fails here. Joules that go down are left to jflop validate's
 * counters.backwards rule, which reports them as a failed check. -1 with
 * msg naming the file, the dataset and the row. */
static int trace_bad(const jf_result_node_t *x, const char *path, const char *obj, char *msg,
                     size_t msglen)
{
    const size_t rows = x->trace_rows, cols = x->trace_cols;
    for (size_t k = 0; k < rows; k++) {
        const double *row = x->trace + k * cols, t = row[0];
        const int32_t mark = x->trace_mark[k];
        if (!isfinite(t)) {
            snprintf(msg, msglen, "%s: dataset %s/trace: row %zu has time %g s, not a finite "
                     "time", path, obj, k, t);
            return -1;
        }
        if (k > 0 && t < row[-(ptrdiff_t)cols]) {
            snprintf(msg, msglen, "%s: dataset %s/trace: row %zu has time %.9g s, before row "
                     "%zu's %.9g s: the times are not monotonic", path, obj, k, t, k - 1,
                     row[-(ptrdiff_t)cols]);
            return -1;
        }
        if (mark < 0 || mark > 8) {  /* 5, 6: a validation pass (1.6); 7, 8: idle (1.7) */
            snprintf(msg, msglen, "%s: dataset %s/trace_mark: row %zu has mark %d, not 0 to 8",
                     path, obj, k, (int)mark);
            return -1;
        }
        if (mark == 2 && t != 0) {
            snprintf(msg, msglen, "%s: dataset %s/trace: row %zu, the measured phase's start, "
                     "has time %.9g s, not 0 (the times count from it)", path, obj, k, t);
            return -1;
        }
        for (size_t c = 1; c < cols; c++)
            if (!isfinite(row[c])) {
                snprintf(msg, msglen, "%s: dataset %s/trace: row %zu, column %zu has %g J, not "
                         "a finite energy", path, obj, k, c, row[c]);
                return -1;
            }
    }
    return 0;
}

/* 1.7, all optional: idle power, and the step parts (names, seconds,
 * Joules, uncertainty: arrays of one length). -1 when present but
 * malformed. */
static int read_idle_parts(hid_t f, const char *obj, jf_result_node_t *x)
{
    int64_t idle = 0;
    if (read_num(f, obj, "idle_measured", H5T_NATIVE_INT64, &idle) == 0 && idle) {
        if (read_num(f, obj, "idle_watts", H5T_NATIVE_DOUBLE, &x->idle_watts) != 0 ||
            read_num(f, obj, "idle_seconds", H5T_NATIVE_DOUBLE, &x->idle_seconds) != 0 ||
            !(x->idle_watts >= 0 && x->idle_watts <= 1e300 && x->idle_seconds > 0 &&
              x->idle_seconds <= 1e300))
            return -1;
        read_num(f, obj, "idle_joules", H5T_NATIVE_DOUBLE, &x->idle_joules);
        read_num(f, obj, "dynamic_joules", H5T_NATIVE_DOUBLE, &x->dynamic_joules);
        x->have_idle = 1;
    }
    if (H5Aexists_by_name(f, obj, "step_phase_joules", H5P_DEFAULT) <= 0)
        return 0;
    for (int n = 1; n <= JF_RESULT_MAX_PARTS; n++) {
        if (read_numbers(f, obj, "step_phase_joules", H5T_NATIVE_DOUBLE, n, x->part_joules) != 0)
            continue;
        if (read_numbers(f, obj, "step_phase_seconds", H5T_NATIVE_DOUBLE, n,
                         x->part_seconds) != 0 ||
            read_numbers(f, obj, "step_phase_uncertainty_joules", H5T_NATIVE_DOUBLE, n,
                         x->part_uncertainty) != 0 ||
            read_strings(f, obj, "step_phase_names", n, &x->part_name[0][0],
                         sizeof x->part_name[0]) != 0)
            return -1;
        for (int p = 0; p < n; p++)
            if (!isfinite(x->part_joules[p]) || !(x->part_seconds[p] >= 0) ||
                !(x->part_uncertainty[p] >= 0))
                return -1;
        x->nparts = n;
        return 0;
    }
    return -1;
}

static jf_err_t read_nodes_direct(const char *path, jf_result_node_t **nodes, int *count,
                                  char *msg, size_t msglen)
{
    char obj[64], field[160] = "";
    int64_t total = 0, measured = 0, invalid = 0;
    jf_result_node_t *n = NULL;
    size_t cap = 0;
    jf_err_t err = JF_OK;
    int i = 0;

    *nodes = NULL;
    *count = 0;
    const hid_t f = open_results(path, NOT_HDF5, msg, msglen);
    if (f < 0)
        return JF_EIO;
    if (read_num(f, JF_H5_ENERGY, "total_nodes", H5T_NATIVE_INT64, &total) != 0 || total < 0 ||
        total > 1000000) {
        snprintf(field, sizeof field, JF_H5_ENERGY "/total_nodes");
        goto cleanup;
    }
    /* n grows as node groups are read (cap of them allocated): a corrupt
     * total_nodes (up to 10^6) fails at its first missing group, never as
     * one huge allocation */
    for (i = 0; i < total; i++) {
        if ((size_t)i == cap) {
            const size_t more = cap == 0 ? 4 : cap;
            const size_t grown = cap + more < (size_t)total ? cap + more : (size_t)total;
            jf_result_node_t *bigger = realloc(n, grown * sizeof *n);
            if (bigger == NULL) {
                snprintf(msg, msglen, "%s: out of memory reading %lld nodes", path,
                         (long long)total);
                err = JF_ENOMEM;
                goto cleanup;
            }
            memset(bigger + cap, 0, (grown - cap) * sizeof *n);
            n = bigger;
            cap = grown;
        }
        jf_result_node_t *x = &n[i];
        hsize_t dims[2];
        void *buf;
        snprintf(obj, sizeof obj, JF_H5_ENERGY "/node_%04d", i);
#define NODE_FIELD(call, name)                                                    \
    if ((call) != 0) {                                                            \
        snprintf(field, sizeof field, "%s/%s", obj, name);                        \
        goto cleanup;                                                             \
    }
        NODE_FIELD(read_str(f, obj, "node", x->node, sizeof x->node), "node")
        NODE_FIELD(read_str(f, obj, "backend", x->backend, sizeof x->backend), "backend")
        NODE_FIELD(read_str(f, obj, "reason", x->reason, sizeof x->reason), "reason")
        NODE_FIELD(read_num(f, obj, "measured", H5T_NATIVE_INT64, &measured), "measured")
        NODE_FIELD(read_num(f, obj, "invalid", H5T_NATIVE_INT64, &invalid), "invalid")
        NODE_FIELD(read_num(f, obj, "seconds", H5T_NATIVE_DOUBLE, &x->seconds), "seconds")
        NODE_FIELD(read_num(f, obj, "samples", H5T_NATIVE_UINT64, &x->samples), "samples")
        NODE_FIELD(read_num(f, obj, "wraps", H5T_NATIVE_UINT64, &x->wraps), "wraps")
        NODE_FIELD(read_num(f, obj, "sample_interval", H5T_NATIVE_DOUBLE, &x->sample_interval),
                   "sample_interval")
        NODE_FIELD(read_num(f, obj, "phase_start_utc", H5T_NATIVE_DOUBLE, &x->phase_start_utc),
                   "phase_start_utc")
        NODE_FIELD(read_num(f, obj, "phase_end_utc", H5T_NATIVE_DOUBLE, &x->phase_end_utc),
                   "phase_end_utc")
        x->measured = measured != 0;
        x->invalid = invalid != 0;
        x->have_joules = read_num(f, obj, "joules", H5T_NATIVE_DOUBLE, &x->joules) == 0;
        x->have_watts =
            read_num(f, obj, "mean_watts", H5T_NATIVE_DOUBLE, &x->mean_watts) == 0 &&
            read_num(f, obj, "peak_watts", H5T_NATIVE_DOUBLE, &x->peak_watts) == 0;
        read_str(f, obj, "coverage", x->coverage, sizeof x->coverage);
        read_str(f, obj, "basis", x->basis, sizeof x->basis);  /* 1.6 */
        read_str(f, obj, "covers", x->covers, sizeof x->covers);  /* 1.7 */
        read_str(f, obj, "other_cpu_share_how", x->share_how, sizeof x->share_how);
        x->have_share =
            read_num(f, obj, "other_cpu_share", H5T_NATIVE_DOUBLE, &x->other_cpu_share) == 0;
        NODE_FIELD(x->have_share && !(x->other_cpu_share >= 0 && x->other_cpu_share <= 1),
                   "other_cpu_share (not a fraction in [0, 1])")
        NODE_FIELD(read_idle_parts(f, obj, x) != 0,
                   "idle_watts, idle_seconds or step_phase_* (malformed)")
        x->have_effective_rate =
            read_num(f, obj, "effective_rate", H5T_NATIVE_DOUBLE, &x->effective_rate) == 0 &&
            read_num(f, obj, "source_readings", H5T_NATIVE_UINT64, &x->source_readings) == 0;
        NODE_FIELD(x->have_effective_rate && !(x->effective_rate >= 0 &&
                                               x->effective_rate <= 1e300),
                   "effective_rate (negative or not finite)")
        NODE_FIELD(read_domains(f, obj, x), "domains, domain_scopes or domain_joules")
        NODE_FIELD(!(x->seconds >= 0 && x->seconds <= 1e300), "seconds (negative or not finite)")
        NODE_FIELD(!(x->sample_interval >= 0 && x->sample_interval <= 1e300),
                   "sample_interval (negative or not finite)")
        NODE_FIELD(x->have_joules && !(x->joules >= 0 && x->joules <= 1e300),
                   "joules (negative or not finite)")
        NODE_FIELD(x->have_watts && !(x->mean_watts >= 0 && x->mean_watts <= 1e300 &&
                                      x->peak_watts >= 0 && x->peak_watts <= 1e300),
                   "mean_watts or peak_watts (negative or not finite)")
        NODE_FIELD(x->measured && !x->have_joules, "joules")
        snprintf(field, sizeof field, "%s/trace", obj);
        NODE_FIELD(read_dataset(f, field, H5T_NATIVE_DOUBLE, sizeof(double), 2, dims, &buf),
                   "trace")
        x->trace = buf;
        x->trace_rows = (size_t)dims[0];
        x->trace_cols = (size_t)dims[1];
        snprintf(field, sizeof field, "%s/trace_mark", obj);
        NODE_FIELD(read_dataset(f, field, H5T_NATIVE_INT32, sizeof(int32_t), 1, dims, &buf),
                   "trace_mark")
        x->trace_mark = buf;
        NODE_FIELD((size_t)dims[0] != x->trace_rows || (x->trace_rows > 0 && x->trace_cols < 1),
                   "trace_mark (not one mark per trace row)")
#undef NODE_FIELD
        field[0] = '\0';
        if (trace_bad(x, path, obj, msg, msglen) != 0) {
            err = JF_EINVAL;
            goto cleanup;
        }
    }
cleanup:
    if (field[0] != '\0') {
        snprintf(msg, msglen, "%s: missing or malformed %s", path, field);
        err = JF_EINVAL;
    }
    H5Fclose(f);
    if (err != JF_OK) {
        jf_result_nodes_free(n, (int)cap);
        return err;
    }
    *nodes = n;
    *count = (int)total;
    return JF_OK;
}


void jf_result_steps_free(jf_result_steps_t *st)
{
    free(st->loss);
    free(st->step_seconds);
    free(st->step_start);
    memset(st, 0, sizeof *st);
}

/* One part of a results file (per-step arrays, validation passes) read
 * under one rule: out (size bytes) zeroed, then part() fills it from the
 * open file f or, finding something bad, frees what it read and names it
 * in why; the file is closed either way, and a bad part is JF_EINVAL with
 * "PATH: why". */
typedef void (*read_part_fn)(hid_t f, void *out, char *why, size_t whylen);

static jf_err_t read_part(const char *path, read_part_fn part, void *out, size_t size,
                          char *msg, size_t msglen)
{
    char why[JF_MSG_LEN] = "";
    memset(out, 0, size);
    const hid_t f = open_results(path, NOT_HDF5, msg, msglen);
    if (f < 0)
        return JF_EIO;
    part(f, out, why, sizeof why);
    H5Fclose(f);
    if (why[0] == '\0')
        return JF_OK;
    snprintf(msg, msglen, "%s: %s", path, why);
    return JF_EINVAL;
}

static void steps_part(hid_t f, void *out, char *why, size_t whylen)
{
    jf_result_steps_t *st = out;
    hsize_t dims[2], sdims[2];
    void *buf = NULL;
    const char *bad = NULL;
    if (read_dataset(f, JF_H5_LOSS, H5T_NATIVE_DOUBLE, sizeof(double), 1, dims, &buf) != 0) {
        bad = "/loss (missing or not 1-D)";
        goto cleanup;
    }
    st->loss = buf;
    st->nloss = buf != NULL ? (size_t)dims[0] : 0;
    if (read_num(f, JF_H5_TIMING, "warmup_steps", H5T_NATIVE_INT64, &st->warmup) != 0 ||
        st->warmup < 0) {
        bad = JF_H5_TIMING "/warmup_steps";
        goto cleanup;
    }
    if (read_dataset(f, JF_H5_TIMING "/step_seconds", H5T_NATIVE_DOUBLE, sizeof(double), 2, dims,
                     &buf) != 0) {
        bad = JF_H5_TIMING "/step_seconds (missing or not 2-D)";
        goto cleanup;
    }
    st->step_seconds = buf;
    st->ranks = buf != NULL ? (size_t)dims[0] : 0;
    st->steps = buf != NULL ? (size_t)dims[1] : 0;
    for (size_t i = 0; i < st->ranks * st->steps; i++)
        if (!(st->step_seconds[i] >= 0 && st->step_seconds[i] <= 1e300)) {
            bad = JF_H5_TIMING "/step_seconds (a negative or non-finite step time)";
            goto cleanup;
        }
    /* step_start: optional, but of step_seconds' shape when there */
    if (H5Lexists(f, JF_H5_TIMING "/step_start", H5P_DEFAULT) > 0) {
        if (read_dataset(f, JF_H5_TIMING "/step_start", H5T_NATIVE_DOUBLE, sizeof(double), 2, sdims,
                         &buf) != 0 ||
            (buf != NULL && (sdims[0] != dims[0] || sdims[1] != dims[1]))) {
            free(buf);
            bad = JF_H5_TIMING "/step_start (not of step_seconds' shape)";
            goto cleanup;
        }
        st->step_start = buf;
        for (size_t i = 0; buf != NULL && i < st->ranks * st->steps; i++)
            if (!isfinite(st->step_start[i])) {
                bad = JF_H5_TIMING "/step_start (a non-finite time)";
                goto cleanup;
            }
    }
cleanup:
    if (bad != NULL) {
        snprintf(why, whylen, "missing or malformed dataset %s", bad);
        jf_result_steps_free(st);
    }
}

void jf_result_passes_free(jf_result_passes_t *p)
{
    free(p->step);
    free(p->val_loss);
    free(p->train_seconds);
    free(p->train_joules);
    memset(p, 0, sizeof *p);
}

#define JF_PASSES JF_H5_QUALITY "/passes"

static void passes_part(hid_t f, void *out, char *why, size_t whylen)
{
    jf_result_passes_t *p = out;
    hsize_t dims[2];
    void *buf = NULL;
    const char *bad = NULL;
    if (H5Lexists(f, JF_H5_QUALITY, H5P_DEFAULT) <= 0 ||
        H5Lexists(f, JF_PASSES, H5P_DEFAULT) <= 0)
        goto cleanup;  /* before 1.7, or no validation */
    if (read_dataset(f, JF_PASSES "/step", H5T_NATIVE_INT64, sizeof(int64_t), 1, dims, &buf) != 0) {
        bad = JF_PASSES "/step (missing or not 1-D)";
        goto cleanup;
    }
    p->step = buf;
    p->n = buf != NULL ? (size_t)dims[0] : 0;
    for (size_t k = 0; k < p->n; k++)
        if (p->step[k] < 0 || (k > 0 && p->step[k] <= p->step[k - 1])) {
            bad = JF_PASSES "/step";  /* passes come at increasing steps */
            goto cleanup;
        }
    static const char *const names[] = {JF_PASSES "/val_loss", JF_PASSES "/train_seconds",
                                        JF_PASSES "/train_joules"};
    double **cols[] = {&p->val_loss, &p->train_seconds, &p->train_joules};
    for (int c = 0; c < 3 && p->n > 0; c++) {
        if (c == 2 && H5Lexists(f, names[c], H5P_DEFAULT) <= 0)
            break;  /* no energy */
        if (read_dataset(f, names[c], H5T_NATIVE_DOUBLE, sizeof(double), 1, dims, &buf) != 0 ||
            buf == NULL || dims[0] != p->n) {
            free(buf);
            bad = names[c];
            goto cleanup;
        }
        *cols[c] = buf;
        for (size_t k = 0; k < p->n; k++)
            if (!((*cols[c])[k] >= 0 && (*cols[c])[k] <= 1e300) ||
                (k > 0 && c > 0 && (*cols[c])[k] < (*cols[c])[k - 1] * (1 - 1e-12))) {
                bad = names[c];
                goto cleanup;
            }
    }
    if (p->train_joules != NULL) {
        char units[128] = "";
        read_str(f, JF_PASSES "/train_joules", "units", units, sizeof units);
        p->joules_estimated = strstr(units, "ESTIMATE") != NULL;
    }
cleanup:
    if (bad != NULL) {
        snprintf(why, whylen, "field %s (not of step's length, not finite, or running "
                 "backwards)", bad);
        jf_result_passes_free(p);
    }
}

/* Read every part of a file and throw it away: what the guard's child
 * does to find out whether HDF5 survives the file (jf_result_guard.c). */
void jf_result_read_every_part(const char *path)
{
    char m[JF_MSG_LEN];
    static jf_result_t r;
    jf_result_node_t *n = NULL;
    int count = 0;
    jf_result_steps_t st;
    jf_result_passes_t ps;
    (void)read_direct(path, &r, m, sizeof m);
    if (read_nodes_direct(path, &n, &count, m, sizeof m) == JF_OK)
        jf_result_nodes_free(n, count);
    if (read_part(path, steps_part, &st, sizeof st, m, sizeof m) == JF_OK)
        jf_result_steps_free(&st);
    if (read_part(path, passes_part, &ps, sizeof ps, m, sizeof m) == JF_OK)
        jf_result_passes_free(&ps);
}

jf_err_t jf_result_read(const char *path, jf_result_t *r, char *msg, size_t msglen)
{
    const jf_err_t err = jf_result_guard(path, msg, msglen);
    if (err != JF_OK) {
        memset(r, 0, sizeof *r);
        snprintf(r->path, sizeof r->path, "%s", path);
        return err;
    }
    return read_direct(path, r, msg, msglen);
}

jf_err_t jf_result_read_nodes(const char *path, jf_result_node_t **nodes, int *count, char *msg,
                              size_t msglen)
{
    *nodes = NULL;
    *count = 0;
    const jf_err_t err = jf_result_guard(path, msg, msglen);
    return err != JF_OK ? err : read_nodes_direct(path, nodes, count, msg, msglen);
}

jf_err_t jf_result_read_steps(const char *path, jf_result_steps_t *steps, char *msg,
                              size_t msglen)
{
    memset(steps, 0, sizeof *steps);
    const jf_err_t err = jf_result_guard(path, msg, msglen);
    return err != JF_OK ? err : read_part(path, steps_part, steps, sizeof *steps, msg, msglen);
}

jf_err_t jf_result_read_passes(const char *path, jf_result_passes_t *passes, char *msg,
                               size_t msglen)
{
    memset(passes, 0, sizeof *passes);
    const jf_err_t err = jf_result_guard(path, msg, msglen);
    return err != JF_OK ? err : read_part(path, passes_part, passes, sizeof *passes, msg, msglen);
}
