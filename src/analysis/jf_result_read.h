/* jf_result_read.h: reading a jflop results file (schema in
 * results/SCHEMA.md) with plain serial HDF5: no MPI needed. */
#ifndef JF_RESULT_READ_H
#define JF_RESULT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_ledger.h"

typedef struct {
    char path[1024];
    char schema_version[16], jflop_version[32], status[16], status_reason[512];
    char hosts[1024], precision[8], blis_arch[32], start_utc[40];
    int64_t layers, d_model, heads, ctx, ff, batch, steps, steps_done, ranks, nodes, threads;
    uint64_t n_params, tokens;
    double seconds;
    jf_u128 flops_6nd, flops_counted;
    int verified;
    /* energy */
    char energy_source[24], energy_status[16];
    int64_t measured_nodes, total_nodes, extrapolated;
    int have_joules;
    double joules, joules_extrapolated;
    char warnings[1024];   /* the run's warnings, one per line ("" when none) */
} jf_result_t;

/* Read one file. Errors name the file and the field: not HDF5, not a
 * jflop file, a newer major schema, a missing or malformed field. */
jf_err_t jf_result_read(const char *path, jf_result_t *r, char *msg, size_t msglen);

/* The Joules a table should use: measured, or the labelled estimate. */
double jf_result_joules(const jf_result_t *r, int *estimated);

#endif
