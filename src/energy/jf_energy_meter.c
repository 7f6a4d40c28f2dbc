/* jf_energy_meter.c: sampling, unwrapping and phase accounting. */
#define _POSIX_C_SOURCE 200809L
#include "jf_energy_meter.h"

#include <errno.h>
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

/* Raw counters to cumulative Joules. A decrease is a wrap only when the
 * unwrapped step stays within what the domain can draw in the time since
 * the last reading; anything else is a counter that went backwards. Called
 * with the lock held. */
static void account(jf_energy_meter_t *m, const uint64_t *raw, double t)
{
    const jf_energy_session_t *s = m->session;
    const double dt = t - m->last_t;
    for (int i = 0; i < s->ndomains; i++) {
        const jf_energy_domain_t *d = &s->domains[i];
        uint64_t step;
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
                /* a backend that saw its counters restart (pm_counters'
                 * startup) has said so; that reason is the one to report */
                if (!m->failed && !m->validity.invalid) {
                    m->failed = 1;
                    snprintf(m->error, sizeof m->error,
                             "%s: counter %s went backwards (%llu -> %llu) without a "
                             "plausible wrap", s->backend->name, d->name,
                             (unsigned long long)m->last_raw[i], (unsigned long long)raw[i]);
                }
                step = 0;
            } else {
                m->wraps[i]++;
            }
        }
        m->cumulative[i] += (double)step * d->joules_per_unit;
        m->last_raw[i] = raw[i];
    }
    m->last_t = t;
}

static void append(jf_energy_meter_t *m, double t, jf_energy_mark_t mark)
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
    smp->mark = mark;
    memcpy(smp->joules, m->cumulative, sizeof smp->joules);
    smp->wraps = 0;
    for (int i = 0; i < m->session->ndomains; i++)
        smp->wraps += m->wraps[i];
}

/* One reading; the lock must be held. */
static jf_err_t sample_locked(jf_energy_meter_t *m, jf_energy_mark_t mark)
{
    uint64_t raw[JF_ENERGY_MAX_DOMAINS];
    char why[JF_MSG_LEN];
    jf_energy_session_t *s = m->session;
    const jf_err_t err = s->backend->read(s, raw, &m->validity, why, sizeof why);
    const double t = jf_clock_seconds();
    if (err != JF_OK) {
        if (!m->failed) {
            m->failed = 1;
            snprintf(m->error, sizeof m->error, "%s", why);
        }
        return err;
    }
    if (mark == JF_MARK_BEGIN) {
        memcpy(m->last_raw, raw, sizeof raw);
        m->last_t = t;
    } else {
        account(m, raw, t);
    }
    append(m, t, mark);
    return JF_OK;
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
    pthread_condattr_t attr;
    struct timespec now;

    memset(m, 0, sizeof *m);
    m->session = s;
    m->interval = interval;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &attr);
    pthread_condattr_destroy(&attr);
    clock_gettime(CLOCK_REALTIME, &now);
    m->t0_realtime = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
    m->t0_monotonic = jf_clock_seconds();
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

static double node_total(const jf_energy_session_t *s, const double *joules)
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
    if (start == NULL || stop == NULL) {
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
    for (int i = 0; i < s->ndomains; i++)
        p->joules[i] = stop->joules[i] - start->joules[i];
    p->node_joules = node_total(s, p->joules);
    p->mean_watts = p->seconds > 0 ? p->node_joules / p->seconds : 0;
    double prev_t = start->t, prev_j = node_total(s, start->joules);
    for (const jf_energy_sample_t *x = start; x <= stop; x++) {
        p->samples++;
        if (x == start || x->t - prev_t <= 0)
            continue;
        const double j = node_total(s, x->joules);
        const double w = (j - prev_j) / (x->t - prev_t);
        /* marks can land a few microseconds after a sample: skip slivers
         * shorter than a tenth of the interval, whose power is noise */
        if (x->t - prev_t >= 0.1 * m->interval) {
            p->peak_watts = w > p->peak_watts ? w : p->peak_watts;
            prev_t = x->t;
            prev_j = j;
        }
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
    p->valid = 1;
}
