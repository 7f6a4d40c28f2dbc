/* jf_energy_meter.c: sampling, unwrapping and phase accounting. */
#define _POSIX_C_SOURCE 200809L
#include "jf_energy_meter.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jf_clock.h"

double jf_energy_max_interval(const jf_energy_session_t *s)
{
    double best = 0;
    for (int i = 0; i < s->ndomains; i++) {
        const jf_energy_domain_t *d = &s->domains[i];
        if (d->range == 0 || d->max_watts <= 0)
            continue;
        const double period = (double)d->range * d->joules_per_unit / d->max_watts;
        if (best == 0 || period / 4 < best)
            best = period / 4;
    }
    return best;
}

/* The first problem wins: a backend that saw its counters restart
 * (pm_counters' startup) has said so, and that reason explains anything
 * odd its restart caused. */
static void fail(jf_energy_meter_t *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(jf_energy_meter_t *m, const char *fmt, ...)
{
    if (m->failed || m->validity.invalid)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error, sizeof m->error, fmt, ap);
    va_end(ap);
    m->failed = 1;
}

/* Can domain d have drawn `joules` in `span` seconds? (jf_energy.h) */
static int step_possible(const jf_energy_domain_t *d, double joules, double span)
{
    return joules <= d->max_watts * (span + JF_ENERGY_COUNTER_LAG) + 2.0 * d->joules_per_unit;
}

/* Raw counters to cumulative Joules. A decrease is a wrap only when the
 * unwrapped step stays within what the domain can draw in the time since
 * the last reading; anything else is a counter that went backwards. Any
 * step, forwards or unwrapped, must then fit the domain's maximum power
 * over the span of the two reads. Returns 0 when a step was impossible
 * (that domain's step is then not counted). */
static int account(jf_energy_meter_t *m, const uint64_t *raw, double t_after)
{
    const jf_energy_session_t *s = m->session;
    const double dt = t_after - m->last_t, span = t_after - m->last_t_before;
    int possible = 1;
    for (int i = 0; i < s->ndomains; i++) {
        const jf_energy_domain_t *d = &s->domains[i];
        uint64_t step;
        int wrapped = 0;
        if (raw[i] >= m->last_raw[i]) {
            step = raw[i] - m->last_raw[i];
        } else {
            step = raw[i] + (d->range - m->last_raw[i]);
            const double joules = (double)step * d->joules_per_unit;
            /* A wrap is plausible when the unwrapped step fits in twice the
             * domain's peak power over the time since the last reading, or
             * in half the range: with the interval held at a quarter of the
             * wrap period a real wrap stays below that even when the counter
             * was updated in a burst (a late update, a stalled writer). */
            const int plausible = joules <= 2.0 * d->max_watts * fmax(dt, 1e-3) ||
                                  step <= d->range / 2;
            if (d->range == 0 || !plausible) {
                fail(m, "%s: counter %s went backwards (%llu -> %llu) without a plausible wrap",
                     s->backend->name, d->name, (unsigned long long)m->last_raw[i],
                     (unsigned long long)raw[i]);
                possible = 0;
                m->last_raw[i] = raw[i];
                continue;
            }
            wrapped = 1;
        }
        const double joules = (double)step * d->joules_per_unit;
        /* held up long enough for a wrap to pass unseen (twice the range
         * at the power shown so far: a wrap passed unless the power fell
         * by half): the energy is unknown. The interval keeps this from
         * happening while the reader runs; a stopped process is another
         * matter. (A margin below 2 made a starved sampler on a loaded
         * 2-core test machine refuse 20 J test counters whose feeder was
         * starved as well.) */
        const double seen_watts = m->cumulative[i] / fmax(m->last_t - m->t_first, 1e-9);
        if (d->range > 0 && m->cumulative[i] > 0 &&
            seen_watts * span > 2.0 * (double)d->range * d->joules_per_unit) {
            fail(m, "%s: the reader was held up %.3g s, long enough for counter %s to wrap "
                 "unseen (a range of %.4g J at the %.4g W it has drawn): its energy is unknown",
                 s->backend->name, span, d->name, (double)d->range * d->joules_per_unit,
                 seen_watts);
            possible = 0;
            m->last_raw[i] = raw[i];
            continue;
        }
        if (!step_possible(d, joules, span)) {
            fail(m, "%s: counter %s %s by %.1f J in %.3g s (%llu -> %llu): %.0f W, above the "
                 "%.0f W it can draw; the counter is broken, not the node that busy",
                 s->backend->name, d->name, wrapped ? "wrapped and advanced" : "jumped",
                 joules, span, (unsigned long long)m->last_raw[i], (unsigned long long)raw[i],
                 joules / fmax(span, 1e-9), d->max_watts);
            possible = 0;
            m->last_raw[i] = raw[i];
            continue;
        }
        m->wraps[i] += (uint64_t)wrapped;
        m->cumulative[i] += joules;
        m->last_raw[i] = raw[i];
    }
    return possible;
}

static void append(jf_energy_meter_t *m, double t_begin, double t, jf_energy_mark_t mark)
{
    if (m->count == m->capacity) {
        const size_t cap = m->capacity ? 2 * m->capacity : 1024;
        jf_energy_sample_t *grown = realloc(m->trace, cap * sizeof *grown);
        if (grown == NULL) {
            /* keep accounting; only the trace stops growing */
            if (!m->failed)
                snprintf(m->error, sizeof m->error, "energy trace: out of memory");
            return;
        }
        m->trace = grown;
        m->capacity = cap;
    }
    jf_energy_sample_t *smp = &m->trace[m->count++];
    smp->t = t;
    smp->t_begin = t_begin;
    smp->mark = mark;
    memcpy(smp->joules, m->cumulative, sizeof smp->joules);
    smp->wraps = 0;
    smp->source_time = NAN;
    smp->source_new = 1;
    for (int i = 0; i < m->session->ndomains; i++)
        smp->wraps += m->wraps[i];
}

void jf_energy_meter_init(jf_energy_meter_t *m, jf_energy_session_t *s, double interval)
{
    pthread_condattr_t attr;
    memset(m, 0, sizeof *m);
    m->session = s;
    m->interval = interval;
    m->last_t = m->last_t_before = -INFINITY;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &attr);
    pthread_condattr_destroy(&attr);
}

jf_err_t jf_energy_meter_record(jf_energy_meter_t *m, const uint64_t *raw, double t_before,
                                double t_after, jf_energy_mark_t mark)
{
    /* the trace's times are the reads' ends: finite, positive (a monotonic
     * clock that was read), not before the meter started, and never
     * earlier than the one before */
    if (!isfinite(t_before) || !isfinite(t_after) || t_before <= 0 ||
        t_before < m->t0_monotonic || t_after < t_before || t_after < m->last_t) {
        fail(m, "energy trace: reading time %.9g s (read began at %.9g s) is not after the "
                "previous reading's %.9g s: the clock was not read or went backwards",
             t_after, t_before, m->last_t);
        return JF_ERANGE;
    }
    int possible = 1;
    if (mark == JF_MARK_BEGIN || m->count == 0) {
        memcpy(m->last_raw, raw, (size_t)m->session->ndomains * sizeof *raw);
        m->t_first = t_after;
    } else
        possible = account(m, raw, t_after);
    m->last_t = t_after;
    m->last_t_before = t_before;
    append(m, t_before, t_after, mark);
    return possible ? JF_OK : JF_ERANGE;
}

/* CLOCK_MONOTONIC seconds, NAN when the clock cannot be read (never a
 * value from an uninitialised timespec). */
static double monotonic_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return NAN;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One reading; the lock must be held. */
static jf_err_t sample_locked(jf_energy_meter_t *m, jf_energy_mark_t mark)
{
    uint64_t raw[JF_ENERGY_MAX_DOMAINS];
    char why[JF_MSG_LEN];
    jf_energy_session_t *s = m->session;
    const double t_before = monotonic_now();
    s->reading_time = NAN;
    s->reading_new = 1;
    const jf_err_t err = s->backend->read(s, raw, &m->validity, why, sizeof why);
    const double t_after = monotonic_now();
    if (err != JF_OK) {
        if (!m->failed) {
            m->failed = 1;
            snprintf(m->error, sizeof m->error, "%s", why);
        }
        return err;
    }
    /* an impossible reading is in the trace and marks the meter failed,
     * but the meter keeps reading: the phase still needs its marks */
    const size_t before = m->count;
    const jf_err_t rec = jf_energy_meter_record(m, raw, t_before, t_after, mark);
    if (m->count > before) {
        m->trace[m->count - 1].source_time = s->reading_time;
        m->trace[m->count - 1].source_new = s->reading_new;
    }
    return rec == JF_ERANGE && mark != JF_MARK_BEGIN ? JF_OK : rec;
}

static void *sampler(void *arg)
{
    jf_energy_meter_t *m = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&m->lock);
    while (!m->stop_requested) {
        const long ns = (long)(m->interval * 1e9);
        next.tv_sec += ns / 1000000000L;
        next.tv_nsec += ns % 1000000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        /* absolute deadlines: the interval does not drift with read time.
         * The condition variable uses CLOCK_MONOTONIC (set in start). */
        int rc = 0;
        while (!m->stop_requested && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&m->wake, &m->lock, &next);
        if (m->stop_requested)
            break;
        sample_locked(m, JF_MARK_NONE);
        m->sampler_reads++;
        /* a thread that was held up (the process stopped, a loaded node)
         * has missed deadlines: never catch up in a burst of readings
         * microseconds apart, whose steps are the counters' update
         * granularity rather than power; the next reading comes one
         * interval after this one */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        const double late = (double)(now.tv_sec - next.tv_sec) +
                            1e-9 * (double)(now.tv_nsec - next.tv_nsec);
        if (late >= 0.5 * m->interval)
            next = now;
    }
    /* its own CPU time: the cost of metering, measured directly instead of
     * as a difference of two noisy run times */
    struct timespec cpu;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
        m->sampler_cpu_seconds = (double)cpu.tv_sec + 1e-9 * (double)cpu.tv_nsec;
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

jf_err_t jf_energy_meter_start(jf_energy_meter_t *m, jf_energy_session_t *s, double interval,
                               char *msg, size_t msglen)
{
    struct timespec now;

    jf_energy_meter_init(m, s, interval);
    clock_gettime(CLOCK_REALTIME, &now);
    m->t0_realtime = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
    m->t0_monotonic = monotonic_now();
    if (sample_locked(m, JF_MARK_BEGIN) != JF_OK) {
        snprintf(msg, msglen, "%s", m->error);
        return JF_EIO;
    }
    if (s->ndomains == 0)
        return JF_OK;  /* nothing to sample */
    if (pthread_create(&m->thread, NULL, sampler, m) != 0) {
        snprintf(msg, msglen, "cannot start the energy sampler thread");
        return JF_EIO;
    }
    m->thread_running = 1;
    return JF_OK;
}

jf_err_t jf_energy_meter_mark(jf_energy_meter_t *m, jf_energy_mark_t mark)
{
    pthread_mutex_lock(&m->lock);
    const jf_err_t err = sample_locked(m, mark);
    pthread_mutex_unlock(&m->lock);
    return err;
}

void jf_energy_meter_stop(jf_energy_meter_t *m)
{
    if (m->thread_running) {
        pthread_mutex_lock(&m->lock);
        m->stop_requested = 1;
        pthread_cond_signal(&m->wake);
        pthread_mutex_unlock(&m->lock);
        pthread_join(m->thread, NULL);
        m->thread_running = 0;
    }
    jf_energy_meter_mark(m, JF_MARK_END);
}

void jf_energy_meter_free(jf_energy_meter_t *m)
{
    free(m->trace);
    m->trace = NULL;
    m->count = m->capacity = 0;
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->lock);
}

double jf_energy_node_total(const jf_energy_session_t *s, const double *joules)
{
    double sum = 0;
    for (int i = 0; i < s->ndomains; i++)
        if (s->domains[i].in_node_total)
            sum += joules[i];
    return sum;
}

void jf_energy_meter_phase(const jf_energy_meter_t *m, jf_energy_phase_t *p)
{
    const jf_energy_session_t *s = m->session;
    const jf_energy_sample_t *start = NULL, *stop = NULL;

    memset(p, 0, sizeof *p);
    p->seconds = NAN;
    for (size_t i = 0; i < m->count; i++) {
        if (m->trace[i].mark == JF_MARK_PHASE_START)
            start = &m->trace[i];
        else if (m->trace[i].mark == JF_MARK_PHASE_STOP)
            stop = &m->trace[i];
    }
    if (start == NULL || stop == NULL || stop < start) {
        snprintf(p->reason, sizeof p->reason, "%s",
                 m->validity.invalid ? m->validity.reason
                 : m->failed         ? m->error
                                     : "the measured phase was not bracketed by readings");
        return;
    }
    p->wraps = stop->wraps - start->wraps;
    p->seconds = stop->t - start->t;
    p->start_utc = m->t0_realtime + (start->t - m->t0_monotonic);
    p->stop_utc = m->t0_realtime + (stop->t - m->t0_monotonic);
    /* validation passes are their own phase: out of the measured one */
    const jf_energy_sample_t *eval_open = NULL;
    for (const jf_energy_sample_t *x = start; x <= stop; x++) {
        if (x->mark == JF_MARK_EVAL_START) {
            eval_open = x;
        } else if (x->mark == JF_MARK_EVAL_STOP && eval_open != NULL) {
            p->evals++;
            p->eval_seconds += x->t - eval_open->t;
            for (int i = 0; i < s->ndomains; i++)
                p->eval_joules[i] += x->joules[i] - eval_open->joules[i];
            eval_open = NULL;
        }
    }
    p->seconds -= p->eval_seconds;
    for (int i = 0; i < s->ndomains; i++)
        p->joules[i] = stop->joules[i] - start->joules[i] - p->eval_joules[i];
    p->node_joules = jf_energy_node_total(s, p->joules);
    p->eval_node_joules = jf_energy_node_total(s, p->eval_joules);
    p->mean_watts = p->seconds > 0 ? p->node_joules / p->seconds : 0;
    /* peak over windows no shorter than the interval: a window closes at
     * the first reading at least one interval after it opened; the piece
     * left at the end joins the last window. Each window runs from the
     * start of its first read to the end of its last: the longest span its
     * energy can have been drawn in, so a reading held up between its read
     * and its clock cannot fake a peak. */
    const jf_energy_sample_t *open = start, *last_open = NULL;
    for (const jf_energy_sample_t *x = start; x <= stop; x++) {
        p->samples++;
        if (x == start || x->t - open->t < m->interval)
            continue;
        p->peak_watts = fmax(p->peak_watts, (jf_energy_node_total(s, x->joules) -
                                              jf_energy_node_total(s, open->joules)) /
                                                (x->t - open->t_begin));
        last_open = open;
        open = x;
    }
    if (stop->t > open->t) {
        const jf_energy_sample_t *from = last_open != NULL ? last_open : open;
        p->peak_watts = fmax(p->peak_watts, (jf_energy_node_total(s, stop->joules) -
                                              jf_energy_node_total(s, from->joules)) /
                                                (stop->t - from->t_begin));
    }
    /* the windows tile the phase, so one of them reached the mean */
    p->peak_watts = fmax(p->peak_watts, p->mean_watts);
    /* the source's own readings: the one current at the start, then each
     * new one up to the stop */
    if (s->reports_readings) {
        p->source_readings = 1;
        for (const jf_energy_sample_t *x = start + 1; x <= stop; x++)
            p->source_readings += x->source_new != 0;
        p->effective_rate = p->seconds > 0 ? (double)(p->source_readings - 1) / p->seconds : 0;
    }
    /* a restart the backend reported explains any counter jump it caused */
    if (m->validity.invalid) {
        snprintf(p->reason, sizeof p->reason, "%s", m->validity.reason);
        return;
    }
    if (m->failed) {
        snprintf(p->reason, sizeof p->reason, "%s", m->error);
        return;
    }
    /* the whole trace, not only the phase: finite, increasing times */
    for (size_t i = 0; i < m->count; i++)
        if (!isfinite(m->trace[i].t) || m->trace[i].t < m->t0_monotonic ||
            (i > 0 && m->trace[i].t < m->trace[i - 1].t)) {
            snprintf(p->reason, sizeof p->reason, "energy trace: reading %zu of %zu has time "
                     "%.9g s, not after the one before: the trace is not monotonic", i,
                     m->count, m->trace[i].t);
            return;
        }
    if (!(p->seconds > 0)) {
        snprintf(p->reason, sizeof p->reason, "the measured phase lasted %g s between its "
                 "readings", p->seconds);
        return;
    }
    /* a counter of the node total that did not move, over the phase or
     * for long within it: stuck, not 0 W */
    const double still_limit = fmax(JF_ENERGY_STUCK_SECONDS,
                                    JF_ENERGY_STUCK_INTERVALS * m->interval);
    char stuck[JF_MSG_LEN] = "";
    int nstuck = 0, nmoved = 0;
    double longest_all = 0;
    for (int i = 0; i < s->ndomains; i++) {
        double since = start->t, longest = 0;
        for (const jf_energy_sample_t *x = start + 1; x <= stop; x++) {
            if (x->joules[i] != (x - 1)->joules[i])
                since = x->t;
            longest = fmax(longest, x->t - since);
        }
        if (p->joules[i] > 0 && longest < still_limit) {
            nmoved++;
            continue;
        }
        longest_all = fmax(longest_all, longest);
        if (!s->domains[i].in_node_total)
            continue;
        const size_t used = strlen(stuck);
        snprintf(stuck + used, sizeof stuck - used, "%s%s (%s)", nstuck ? ", " : "",
                 s->domains[i].name, s->domains[i].scope);
        nstuck++;
    }
    if (nmoved == 0) {
        snprintf(p->reason, sizeof p->reason, "%s: no counter moved over the %.3g s measured "
                 "phase (all %d stuck, for %.3g s): 0 J is a stuck counter, not a measurement",
                 s->backend->name, p->seconds, s->ndomains, longest_all);
        return;
    }
    if (nstuck > 0) {
        snprintf(p->reason, sizeof p->reason, "%s: counter%s %s of the node total did not "
                 "move over the %.3g s measured phase (stuck for up to %.3g s while others "
                 "moved)", s->backend->name, nstuck > 1 ? "s" : "", stuck, p->seconds,
                 longest_all);
        return;
    }
    p->valid = 1;
}
