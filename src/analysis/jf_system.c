/* jf_system.c: system.json, read strictly through jf_json_in, its
 * quantities converted to SI (see jf_system.h). */
#include "jf_system.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_json_in.h"

static const jf_json_unit_t flop_units[] = {
    {"FLOP/s", 1}, {"GFLOP/s", 1e9}, {"TFLOP/s", 1e12}, {"PFLOP/s", 1e15}, {NULL, 0}};
static const jf_json_unit_t memory_units[] = {
    {"GB", 1e9}, {"GiB", 1073741824.0}, {"TB", 1e12}, {"TiB", 1099511627776.0}, {NULL, 0}};

static int sys_str(json_t *obj, const char *prefix, const char *key, char *out, size_t len,
                   const char *origin, char *msg, size_t msglen)
{
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    return jf_json_in_string(obj, key, 1, out, len, origin, field, msg, msglen);
}

static int sys_int(json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
                   const char *origin, char *msg, size_t msglen)
{
    long long v = 0;
    if (jf_json_in_integer(json_object_get(obj, key), min, max, origin, key, &v, msg, msglen) != 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

jf_err_t jf_system_parse_text(const char *json_text, size_t len, const char *origin,
                              jf_system_t *sys, char *msg, size_t msglen)
{
    static const char *const root_keys[] = {
        "schema", "schema_version", "submitter", "system_name", "node_model", "number_of_nodes",
        "host_processor_model_name", "host_processors_per_node", "host_processor_core_count",
        "host_memory_capacity", "accelerator_model_name", "accelerators_per_node",
        "interconnect", "cooling", "peak_flops_per_node", "software", NULL};
    static const char *const peak_keys[] = {"fp32", "fp64", "bf16", NULL};
    static const char *const software_keys[] = {"operating_system", "compiler", "mpi", "blis",
                                                NULL};
    json_t *root = NULL;
    jf_err_t err;

    memset(sys, 0, sizeof *sys);
    snprintf(sys->origin, sizeof sys->origin, "%s", origin);
    err = jf_json_in_parse(json_text, len, origin, "jflop-system", JF_SYSTEM_SCHEMA_MAJOR, &root,
                           msg, msglen);
    if (err != JF_OK)
        return err;
    err = JF_EINVAL;
    if (jf_json_in_keys(root, root_keys, origin, "", msg, msglen) != 0)
        goto cleanup;
    /* Limits: the largest machines have ~10^5 nodes, 8 sockets, a few
     * hundred cores per socket and 8 accelerators per node. */
    if (sys_str(root, "", "submitter", sys->submitter, sizeof sys->submitter, origin, msg, msglen) ||
        sys_str(root, "", "system_name", sys->system_name, sizeof sys->system_name, origin, msg,
                msglen) ||
        sys_str(root, "", "node_model", sys->node_model, sizeof sys->node_model, origin, msg,
                msglen) ||
        sys_int(root, "number_of_nodes", 1, 10000000, &sys->number_of_nodes, origin, msg,
                msglen) ||
        sys_str(root, "", "host_processor_model_name", sys->host_processor,
                sizeof sys->host_processor, origin, msg, msglen) ||
        sys_int(root, "host_processors_per_node", 1, 64, &sys->processors_per_node, origin, msg,
                msglen) ||
        sys_int(root, "host_processor_core_count", 1, 65536, &sys->cores_per_processor, origin,
                msg, msglen) ||
        jf_json_in_quantity(root, "host_memory_capacity", "host_memory_capacity", memory_units,
                            "a memory size", 1125899906842624.0 /* 1 PiB */, 0,
                            &sys->memory_bytes, NULL, 0, origin, msg, msglen) ||
        sys_str(root, "", "accelerator_model_name", sys->accelerator, sizeof sys->accelerator,
                origin, msg, msglen) ||
        sys_int(root, "accelerators_per_node", 0, 1024, &sys->accelerators_per_node, origin, msg,
                msglen) ||
        sys_str(root, "", "interconnect", sys->interconnect, sizeof sys->interconnect, origin,
                msg, msglen) ||
        sys_str(root, "", "cooling", sys->cooling, sizeof sys->cooling, origin, msg, msglen))
        goto cleanup;
    if ((strcmp(sys->accelerator, "none") == 0) != (sys->accelerators_per_node == 0)) {
        snprintf(msg, msglen, "%s: field 'accelerators_per_node' = %lld disagrees with "
                              "accelerator_model_name '%s' (0 exactly when \"none\")",
                 origin, (long long)sys->accelerators_per_node, sys->accelerator);
        goto cleanup;
    }
    json_t *peak = jf_json_in_object(root, "peak_flops_per_node", peak_keys,
                                     "an object with the theoretical peak per node at fp32, "
                                     "fp64 and/or bf16", origin, msg, msglen);
    if (peak == NULL)
        goto cleanup;
    const char *prec[3] = {"fp32", "fp64", "bf16"};
    double *peaks[3] = {&sys->peak_fp32, &sys->peak_fp64, &sys->peak_bf16};
    char *sources[3] = {sys->peak_fp32_source, sys->peak_fp64_source, sys->peak_bf16_source};
    const size_t source_len[3] = {sizeof sys->peak_fp32_source, sizeof sys->peak_fp64_source,
                                  sizeof sys->peak_bf16_source};
    for (int i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "peak_flops_per_node.%s", prec[i]);
        if (json_object_get(peak, prec[i]) != NULL &&
            jf_json_in_quantity(peak, prec[i], name, flop_units, "a FLOP rate",
                                1e18 /* 1 EFLOP/s */, 1, peaks[i], sources[i], source_len[i],
                                origin, msg, msglen) != 0)
            goto cleanup;
    }
    if (sys->peak_fp32 == 0 && sys->peak_fp64 == 0 && sys->peak_bf16 == 0) {
        snprintf(msg, msglen, "%s: field 'peak_flops_per_node' gives none of 'fp32', 'fp64', 'bf16'",
                 origin);
        goto cleanup;
    }
    json_t *sw = jf_json_in_object(root, "software", software_keys,
                                   "an object: operating_system, compiler, mpi, blis", origin,
                                   msg, msglen);
    if (sw == NULL)
        goto cleanup;
    if (sys_str(sw, "software.", "operating_system", sys->os, sizeof sys->os, origin, msg, msglen) ||
        sys_str(sw, "software.", "compiler", sys->compiler, sizeof sys->compiler, origin, msg,
                msglen) ||
        sys_str(sw, "software.", "mpi", sys->mpi, sizeof sys->mpi, origin, msg, msglen) ||
        sys_str(sw, "software.", "blis", sys->blis, sizeof sys->blis, origin, msg, msglen))
        goto cleanup;
    err = JF_OK;
cleanup:
    json_decref(root);
    return err;
}

JF_JSON_IN_ENTRY_POINTS(jf_system, jf_system_t, NULL, NULL)

double jf_system_peak(const jf_system_t *sys, const char *precision)
{
    return strcmp(precision, "fp64") == 0 ? sys->peak_fp64
           : strcmp(precision, "fp32") == 0 ? sys->peak_fp32
           : strcmp(precision, "bf16") == 0 ? sys->peak_bf16
                                            : 0;
}
