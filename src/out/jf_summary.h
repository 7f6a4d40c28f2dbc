/* jf_summary.h: the run's summary, for people (text on stdout) and programs
 * (one JSON object). Both are fed by the same jf_summary_t. */
#ifndef JF_SUMMARY_H
#define JF_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

#include "energy/jf_energy_job.h"
#include "kern/jf_blis_arch.h"
#include "kern/jf_gemm_select.h"
#include "train/jf_placement.h"
#include "train/jf_train.h"
#include "train/jf_verify.h"

typedef struct {
    const jf_run_t *run;
    const jf_blis_info_t *blis;
    const jf_gemm_choice_t *gemm;   /* the GEMM back-end choice and what ran */
    const jf_check_t *checks;   /* the --verify checks, nchecks of them */
    int nchecks;
    const char *mpi_library;    /* MPI_Get_library_version, first line */
    const char *command_line;
    const jf_energy_job_t *energy;  /* world rank 0's view of the job's energy */
    const jf_placement_t *placement;
    const char *results_path;       /* the HDF5 file, "" when --output none */
    const char *results_error;      /* why it was not written, "" if it was */
} jf_summary_t;

/* 1 when the run and every check passed; else 0 and the first reason. */
int jf_summary_ok(const jf_summary_t *s, const char **reason);

/* "ok", "incomplete" (stopped by a signal; the results file, if asked
 * for, written) or "failed" (a check failed, or the results file was not
 * written). The results file says "complete" for "ok". */
const char *jf_summary_status(const jf_summary_t *s);

void jf_summary_print(FILE *out, const jf_summary_t *s);

/* The JSON object (new reference). */
json_t *jf_summary_json(const jf_summary_t *s);

/* Write it to path via a temporary file renamed into place, so a reader
 * never sees half a file. */
jf_err_t jf_summary_write_json(const char *path, const jf_summary_t *s, char *msg,
                               size_t msglen);

#endif
