/* jf_figures.h: the energy figures every output prints -- J/FLOP, GFLOPS/W,
 * J/token, W -- computed in one place with one rule for missing energy:
 * a figure that cannot be computed (no energy, no FLOPs, no tokens, no
 * time) is NAN, and every emitter turns NAN into its "no value" (an empty
 * table cell, JSON null, "-" in running text such as submission.md),
 * never 0 and never "nan". */
#ifndef JF_FIGURES_H
#define JF_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_result_read.h"
#include "core/jf_ledger.h"

/* What the figures are computed from. */
typedef struct {
    int have_joules;            /* energy known: measured, or the labelled extrapolation */
    int estimated;              /* joules is an ESTIMATE (extrapolated nodes) */
    double joules;              /* the job's energy over the measured phase, J */
    int nodes;                  /* nodes the joules cover (for W per node) */
    jf_u128 flops_6nd, flops_counted;
    uint64_t tokens;
    double seconds;             /* the measured phase, s */
} jf_figures_in_t;

typedef struct {
    int have;                   /* the energy figures below are numbers */
    int estimated;              /* ... computed from an ESTIMATE */
    double joules;              /* J */
    double joules_per_flop;     /* J per 6ND FLOP */
    double joules_per_flop_counted;
    double gflops_per_watt;     /* counted FLOPs per J / 1e9 */
    double joules_per_token;
    double watts;               /* mean power of the job, W */
    double node_watts;          /* mean power per node, W */
    double flops_per_second;    /* counted FLOPs / s; needs no energy */
} jf_figures_t;

void jf_figures(const jf_figures_in_t *in, jf_figures_t *f);

/* From a results file: the measured Joules, or the labelled extrapolation. */
void jf_figures_of_result(const jf_result_t *r, jf_figures_t *f);

/* A figure as text by fmt into buf, or "-" when it cannot be computed
 * (NAN), as the text emitters print it. */
const char *jf_figures_text(double v, const char *fmt, char *buf, size_t len);

/* "measured", "ESTIMATE (extrapolated)", "invalid" or "not measured". */
const char *jf_figures_basis(const jf_result_t *r);
/* "<covers>; <basis>: <how>" for a table cell beside energy figures, e.g.
 * "CPU packages + DRAM; measured: energy counter" (covers "?" before
 * schema 1.7 when the backend does not tell). */
void jf_figures_energy_label(const jf_result_t *r, char *buf, size_t len);
/* The run's covers class (1.7), or its backend's before; "?" when mixed
 * backends of an older file leave it open. */
const char *jf_figures_covers(const jf_result_t *r);

#endif
