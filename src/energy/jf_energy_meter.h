/* jf_energy_meter.h: one node's energy meter. A sampler thread reads every
 * domain of an open backend at a fixed interval, unwraps the counters into
 * cumulative Joules and records a timestamped trace; jf_energy_meter_mark
 * adds synchronous readings that bracket the measured phase. */
#ifndef JF_ENERGY_METER_H
#define JF_ENERGY_METER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "energy/jf_energy.h"

typedef enum {
    JF_MARK_NONE = 0,     /* a periodic sample */
    JF_MARK_BEGIN,        /* the meter's first reading */
    JF_MARK_PHASE_START,  /* measured phase starts (after a barrier) */
    JF_MARK_PHASE_STOP,   /* measured phase ends (after a barrier) */
    JF_MARK_END,          /* the meter's last reading */
    JF_MARK_EVAL_START,   /* a validation pass inside the measured phase starts */
    JF_MARK_EVAL_STOP,    /* ... and ends: its energy is the evaluation's */
    JF_MARK_IDLE_START,   /* --idle-seconds: the ranks sleep from here ... */
    JF_MARK_IDLE_STOP     /* ... to here: the node's idle power */
} jf_energy_mark_t;

typedef struct {
    double t;             /* CLOCK_MONOTONIC seconds (jf_clock_seconds) when the
                             reading ended */
    double t_begin;       /* when it began: the counters were read in
                             [t_begin, t] (peak windows use the longest
                             span the energy can have been drawn in) */
    jf_energy_mark_t mark;
    double joules[JF_ENERGY_MAX_DOMAINS];  /* cumulative since the first reading */
    uint64_t wraps;                        /* wraps of all domains so far */
    double source_time;                    /* the source's own time of the reading
                                              (s since 1970), NAN when it gives none */
    int source_new;                        /* the source updated since the last read
                                              (1 where the backend cannot tell) */
} jf_energy_sample_t;

typedef struct {
    jf_energy_session_t *session;
    double interval;                       /* seconds between samples */

    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int thread_running, stop_requested;
    double sampler_cpu_seconds;            /* the sampler thread's own CPU time
                                              (set when it stops), what the
                                              metering costs the node */
    uint64_t sampler_reads;                /* readings the thread took */

    uint64_t last_raw[JF_ENERGY_MAX_DOMAINS];
    double last_t;                         /* when the last read ended */
    double last_t_before;                  /* when it began */
    double t_first;                        /* when the first reading ended */
    double cumulative[JF_ENERGY_MAX_DOMAINS];
    uint64_t wraps[JF_ENERGY_MAX_DOMAINS];
    jf_energy_validity_t validity;
    int failed;                            /* a read failed: energy invalid */
    char error[JF_MSG_LEN];

    jf_energy_sample_t *trace;
    size_t count, capacity;
    double t0_realtime;                    /* CLOCK_REALTIME at the first reading */
    double t0_monotonic;
} jf_energy_meter_t;

/* The longest interval that still sees every wrap of s's counters (a
 * quarter of the shortest wrap period at the domains' peak power), or 0
 * when no counter wraps. */
double jf_energy_max_interval(const jf_energy_session_t *s);

/* The node's total of one reading: the sum of its in_node_total domains
 * (the others lie inside them). */
double jf_energy_node_total(const jf_energy_session_t *s, const double *joules);

/* Set m up for s without reading anything or starting a thread (what
 * jf_energy_meter_start does first; the unit tests feed such a meter by
 * hand through jf_energy_meter_record). */
void jf_energy_meter_init(jf_energy_meter_t *m, jf_energy_session_t *s, double interval);

/* Account one reading of every domain, raw[i] for domain i, read between
 * CLOCK_MONOTONIC seconds t_before and t_after, and append it to the trace
 * (JF_MARK_BEGIN: the first reading, the base of the cumulative Joules).
 * A reading that cannot be physical (a time that is not finite or runs
 * backwards, a counter that goes backwards without a plausible wrap, a
 * step above what the domain can draw) marks the meter failed with the
 * reason and returns JF_ERANGE; so does a reader held up (stopped,
 * descheduled) so long that a counter may have wrapped unseen: more than
 * twice its range at the power it has shown so far. The caller holds the
 * lock, if any. */
jf_err_t jf_energy_meter_record(jf_energy_meter_t *m, const uint64_t *raw, double t_before,
                                double t_after, jf_energy_mark_t mark);

/* First reading, then the sampler thread. */
jf_err_t jf_energy_meter_start(jf_energy_meter_t *m, jf_energy_session_t *s, double interval,
                               char *msg, size_t msglen);
/* A synchronous reading recorded with a mark. */
jf_err_t jf_energy_meter_mark(jf_energy_meter_t *m, jf_energy_mark_t mark);
/* Stop the thread, take the last reading. The trace stays for reading. */
void jf_energy_meter_stop(jf_energy_meter_t *m);
void jf_energy_meter_free(jf_energy_meter_t *m);

/* A counter of the node total that does not move for this long (or for
 * JF_ENERGY_STUCK_INTERVALS intervals, if longer) is stuck: RAPL moves
 * every millisecond, pm_counters' node energy (1 J at 10 Hz) at least
 * every 20 ms on a node drawing 50 W. */
#define JF_ENERGY_STUCK_SECONDS 2.0
#define JF_ENERGY_STUCK_INTERVALS 5

/* The measured phase, from the trace between the PHASE_START and
 * PHASE_STOP marks. Invalid (with the reason) when a reading was not
 * physical (jf_energy_meter_record), the trace's times are not finite and
 * increasing, or a counter of the node total did not move over the phase
 * or stopped moving within it (see above): a powered node always draws
 * energy, so 0 J is a stuck counter, never a measurement. peak_watts is the node total's highest power over windows
 * of consecutive readings no shorter than the interval (the last, shorter
 * piece joins the window before it), so it is at least mean_watts. */
typedef struct {
    int valid;                               /* 0: see reason */
    char reason[JF_MSG_LEN];
    double seconds;                          /* between the two marks */
    double joules[JF_ENERGY_MAX_DOMAINS];    /* per domain */
    double node_joules;                      /* sum of the in_node_total domains */
    double mean_watts, peak_watts;           /* node total; peak over sample intervals */
    uint64_t samples;                        /* readings inside the phase, marks included */
    uint64_t wraps;                          /* counter wraps inside the phase */
    double start_utc, stop_utc;              /* epoch seconds */
    /* validation passes inside the phase (EVAL_START..EVAL_STOP marks):
     * their own phase, taken out of seconds, joules and mean_watts above
     * (peak_watts and the stuck-counter check still span the whole phase) */
    int evals;
    double eval_seconds;
    double eval_joules[JF_ENERGY_MAX_DOMAINS];
    double eval_node_joules;
    /* Where the backend tells its source's readings apart (a BMC that
     * refreshes every few seconds): the distinct readings the phase saw
     * (the one current at its start, then every new one) and their rate,
     * (source_readings - 1) / seconds; otherwise 0. */
    uint64_t source_readings;
    double effective_rate;
} jf_energy_phase_t;

void jf_energy_meter_phase(const jf_energy_meter_t *m, jf_energy_phase_t *phase);

#endif
