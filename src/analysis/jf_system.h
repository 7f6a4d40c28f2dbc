/* jf_system.h: a submission's system.json (format in
 * results/submission-example/README.md): who submits, the nodes, their
 * processors, memory and accelerators, the interconnect, cooling, software
 * versions and the theoretical peak per node at each precision, every
 * figure with its units. Read strictly through jf_json_in. */
#ifndef JF_SYSTEM_H
#define JF_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_json_in.h"
#include "core/jf_error.h"

#define JF_SYSTEM_SCHEMA_MAJOR 1   /* system.json's schema_version "1.x" */

/* system.json, checked; figures converted to SI. */
typedef struct {
    char origin[1024];
    char submitter[128], system_name[128], node_model[128];
    char host_processor[128], accelerator[128], interconnect[256], cooling[128];
    char os[128], compiler[128], mpi[128], blis[128];
    int64_t number_of_nodes, processors_per_node, cores_per_processor, accelerators_per_node;
    double memory_bytes;                    /* per node */
    double peak_fp32, peak_fp64, peak_bf16; /* FLOP/s per node, 0 when not given */
    char peak_fp32_source[256], peak_fp64_source[256], peak_bf16_source[256];
} jf_system_t;

/* Parse and check a system description. Errors name the origin and the
 * field: missing, wrong type, a number without units or with a unit of the
 * wrong kind, out of range or implausible (a unit error); read strictly
 * (jf_json_in: unknown or duplicate keys, another schema, a newer major).
 * No built-in default: jf_system_load(NULL, ...) is an error. */
JF_JSON_IN_DECLARE(jf_system, jf_system_t);
/* The declared peak per node at "fp32", "fp64" or "bf16"; 0 when not given. */
double jf_system_peak(const jf_system_t *sys, const char *precision);

#endif
