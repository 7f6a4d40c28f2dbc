/* jf_result_read.c: the reader side of results/SCHEMA.md. */
#include "jf_result_read.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/jf_results.h"

/* Read a string attribute of object `obj` (a path from the root). */
static int read_str(hid_t f, const char *obj, const char *name, char *buf, size_t len)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    const hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    int rc = -1;
    if (a >= 0 && t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
        const size_t n = H5Tget_size(t);
        char *tmp = calloc(n + 1, 1);
        const hid_t mt = H5Tcopy(H5T_C_S1);
        /* one byte more than stored: a NULLPAD string of n characters
         * converted to n bytes NULLTERM would lose its last one */
        H5Tset_size(mt, n + 1);
        if (tmp != NULL && H5Aread(a, mt, tmp) >= 0) {
            snprintf(buf, len, "%s", tmp);
            rc = 0;
        }
        H5Tclose(mt);
        free(tmp);
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

static int read_num(hid_t f, const char *obj, const char *name, hid_t mem_type, void *value)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    const hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
    int rc = -1;
    if (sp >= 0 && H5Sget_simple_extent_type(sp) == H5S_SCALAR &&
        H5Aread(a, mem_type, value) >= 0)
        rc = 0;
    if (sp >= 0)
        H5Sclose(sp);
    if (a >= 0)
        H5Aclose(a);
    return rc;
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

jf_err_t jf_result_read(const char *path, jf_result_t *r, char *msg, size_t msglen)
{
    char schema[32] = "", text[64];
    const char *missing = NULL;
    jf_err_t err = JF_OK;
    hid_t f = -1;

    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) {  /* H5Fis_accessible needs HDF5 1.12 */
        snprintf(msg, msglen, "%s: not a readable HDF5 file (truncated, corrupt or not HDF5)",
                 path);
        return JF_EIO;
    }
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        snprintf(msg, msglen, "%s: HDF5 cannot open it (truncated or corrupt)", path);
        return JF_EIO;
    }
    if (read_str(f, "/", "schema", schema, sizeof schema) != 0 ||
        strcmp(schema, "jflop-results") != 0) {
        snprintf(msg, msglen, "%s: not a jflop results file (no /schema = jflop-results)", path);
        err = JF_EINVAL;
        goto cleanup;
    }
    if (read_str(f, "/", "schema_version", r->schema_version, sizeof r->schema_version) != 0) {
        missing = "/schema_version";
        goto cleanup;
    }
    if (atoi(r->schema_version) > JF_SCHEMA_MAJOR) {
        snprintf(msg, msglen, "%s: schema %s is newer than this jflop reads (major %d); "
                              "update jflop", path, r->schema_version, JF_SCHEMA_MAJOR);
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
    STR("/config", "precision", r->precision)
    NUM("/config", "layers", H5T_NATIVE_INT64, r->layers)
    NUM("/config", "d_model", H5T_NATIVE_INT64, r->d_model)
    NUM("/config", "heads", H5T_NATIVE_INT64, r->heads)
    NUM("/config", "ctx", H5T_NATIVE_INT64, r->ctx)
    NUM("/config", "ff", H5T_NATIVE_INT64, r->ff)
    NUM("/config", "batch", H5T_NATIVE_INT64, r->batch)
    NUM("/config", "steps", H5T_NATIVE_INT64, r->steps)
    NUM("/config", "steps_done", H5T_NATIVE_INT64, r->steps_done)
    NUM("/config", "ranks", H5T_NATIVE_INT64, r->ranks)
    NUM("/config", "nodes", H5T_NATIVE_INT64, r->nodes)
    NUM("/config", "threads_per_rank", H5T_NATIVE_INT64, r->threads)
    NUM("/config", "N", H5T_NATIVE_UINT64, r->n_params)
    NUM("/config", "D", H5T_NATIVE_UINT64, r->tokens)
    NUM("/config", "seconds", H5T_NATIVE_DOUBLE, r->seconds)
    int64_t verified = 0;
    NUM("/flops", "verified", H5T_NATIVE_INT64, verified)
    r->verified = verified != 0;
    STR("/flops", "flops_6nd", text)
    if (parse_u128(text, &r->flops_6nd) != 0) {
        missing = "/flops/flops_6nd (not a decimal integer)";
        goto cleanup;
    }
    STR("/flops", "flops_total_counted", text)
    if (parse_u128(text, &r->flops_counted) != 0) {
        missing = "/flops/flops_total_counted (not a decimal integer)";
        goto cleanup;
    }
    STR("/energy", "source", r->energy_source)
    STR("/energy", "status", r->energy_status)
    NUM("/energy", "measured_nodes", H5T_NATIVE_INT64, r->measured_nodes)
    NUM("/energy", "total_nodes", H5T_NATIVE_INT64, r->total_nodes)
    NUM("/energy", "extrapolated", H5T_NATIVE_INT64, r->extrapolated)
    r->have_joules = read_num(f, "/energy", "joules_total", H5T_NATIVE_DOUBLE, &r->joules) == 0;
    if (r->extrapolated &&
        read_num(f, "/energy", "joules_total_extrapolated", H5T_NATIVE_DOUBLE,
                 &r->joules_extrapolated) != 0) {
        missing = "/energy/joules_total_extrapolated";
        goto cleanup;
    }
    /* schema 1.1: optional, absent in 1.0 files */
    if (read_str(f, "/", "warnings", r->warnings, sizeof r->warnings) != 0)
        r->warnings[0] = '\0';
#undef STR
#undef NUM
cleanup:
    if (missing != NULL) {
        snprintf(msg, msglen, "%s: missing or malformed %s", path, missing);
        err = JF_EINVAL;
    }
    H5Fclose(f);
    return err;
}

double jf_result_joules(const jf_result_t *r, int *estimated)
{
    *estimated = r->extrapolated != 0;
    return r->extrapolated ? r->joules_extrapolated : r->joules;
}
