/* jf_energy_phases.h: a node's energy cut by time: its idle power (the
 * window the ranks slept in before the warm-up) and the energy of each
 * part of the training steps (forward, backward, allreduce, optimizer),
 * from the meter's trace and the steps' stamps on the same clock. */
#ifndef JF_ENERGY_PHASES_H
#define JF_ENERGY_PHASES_H

#include <stddef.h>
#include <stdint.h>

#include "energy/jf_energy_meter.h"

#define JF_ENERGY_PARTS_MAX 8

/* How the parts' energy is attributed, as every output states it. */
#define JF_ENERGY_PARTS_METHOD                                                              \
    "time overlap: each sample interval's energy is split over the step parts by the "   \
    "share of the interval each covers (power taken as constant within an interval)"
#define JF_ENERGY_PARTS_UNCERTAINTY                                                         \
    "bound: sum over intervals a part shares with other activity of f(1-f) dt "          \
    "(Pmax - Pmin), f its share of the interval, Pmax and Pmin the highest and lowest "    \
    "interval mean power while the steps ran"

/* The idle window (JF_MARK_IDLE_START..STOP) of m's trace: 1 with its
 * seconds and node-total Joules, 0 when the trace has none or it is not
 * a valid window (no time, negative energy). */
int jf_energy_meter_idle(const jf_energy_meter_t *m, double *seconds, double *joules);

typedef struct {
    int nparts;
    double seconds[JF_ENERGY_PARTS_MAX];      /* summed over the steps */
    double joules[JF_ENERGY_PARTS_MAX];       /* attributed by time overlap */
    double uncertainty[JF_ENERGY_PARTS_MAX];  /* J, the bound described above */
    uint64_t intervals;         /* sample intervals that overlap a part */
    uint64_t shared_intervals;  /* ... of which hold more than one activity */
    double uncovered_seconds;   /* part time outside the trace (attributed 0 J) */
    double pmin, pmax;          /* W: the interval mean powers' range */
} jf_energy_parts_t;

/* Attribute the energy of a trace of n readings (t[k] seconds, strictly
 * increasing, cum[k] cumulative node Joules) to the parts of nsteps steps:
 * part p of step i ran from stamps[i*(nparts+1) + p] to the next stamp
 * (stamp nparts ends the step); steps in time order. Each interval
 * [t[k-1], t[k]] gives part p (E_k = cum[k] - cum[k-1]) x (the time p
 * covers in it) / (its length). Returns -1 (out untouched) on bad input:
 * nparts outside 1..JF_ENERGY_PARTS_MAX, times not increasing. */
int jf_energy_parts_attribute(const double *t, const double *cum, size_t n,
                              const double *stamps, size_t nsteps, int nparts,
                              jf_energy_parts_t *out);

/* The same on a meter's trace, node-total Joules (the in_node_total
 * domains); -1 when the trace is too short or attribution fails. */
int jf_energy_meter_parts(const jf_energy_meter_t *m, const double *stamps, size_t nsteps,
                          int nparts, jf_energy_parts_t *out);

/* The node's power now (over the last second of readings, or since the
 * first) and its Joules since the meter's first reading, node total; 0
 * while there is no interval yet. Takes the meter's lock (the sampler
 * thread is running): for the progress line. */
int jf_energy_meter_now(jf_energy_meter_t *m, double *watts, double *joules);

#endif
