/* jf_energy_phases.c: idle power and energy per step part from a node's
 * trace. A meter reads every 10-100 ms while a step's parts last from
 * microseconds (the optimizer of a small model) to seconds, so the parts
 * are cut out of the trace by time overlap, and the share of each figure
 * that rests on that rule is bounded (JF_ENERGY_PARTS_UNCERTAINTY). */
#include "energy/jf_energy_phases.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int jf_energy_meter_idle(const jf_energy_meter_t *m, double *seconds, double *joules)
{
    const jf_energy_sample_t *start = NULL, *stop = NULL;
    for (size_t i = 0; i < m->count; i++) {
        if (m->trace[i].mark == JF_MARK_IDLE_START)
            start = &m->trace[i];
        else if (m->trace[i].mark == JF_MARK_IDLE_STOP && start != NULL)
            stop = &m->trace[i];
    }
    if (start == NULL || stop == NULL || m->session == NULL)
        return 0;
    const double dt = stop->t - start->t;
    const double e = jf_energy_node_total(m->session, stop->joules) -
                     jf_energy_node_total(m->session, start->joules);
    if (!(dt > 0) || !(e >= 0) || !isfinite(e))
        return 0;
    *seconds = dt;
    *joules = e;
    return 1;
}

/* One pass over the intervals: with share == NULL only the range of the
 * interval powers where parts ran; otherwise the attribution. */
static void sweep(const double *t, const double *cum, size_t n, const double *stamps,
                  size_t nwin, int nparts, jf_energy_parts_t *out, int attribute)
{
    size_t w0 = 0;
    const int row = nparts + 1;
    for (size_t k = 1; k < n && w0 < nwin; k++) {
        const double lo = t[k - 1], hi = t[k], dt = hi - lo;
        double f[JF_ENERGY_PARTS_MAX] = {0};
        int any = 0;
        for (size_t w = w0; w < nwin; w++) {
            const size_t step = w / (size_t)nparts;
            const int p = (int)(w % (size_t)nparts);
            const double a = stamps[step * (size_t)row + (size_t)p];
            const double b = stamps[step * (size_t)row + (size_t)p + 1];
            if (a >= hi)
                break;
            const double ov = fmin(b, hi) - fmax(a, lo);
            if (ov > 0) {
                f[p] += ov / dt;
                any = 1;
            }
        }
        /* windows that end inside this interval are done */
        while (w0 < nwin) {
            const size_t step = w0 / (size_t)nparts;
            const int p = (int)(w0 % (size_t)nparts);
            if (stamps[step * (size_t)row + (size_t)p + 1] > hi)
                break;
            w0++;
        }
        if (!any)
            continue;
        const double e = cum[k] - cum[k - 1], watts = e / dt;
        if (!attribute) {
            out->pmin = out->intervals == 0 ? watts : fmin(out->pmin, watts);
            out->pmax = out->intervals == 0 ? watts : fmax(out->pmax, watts);
            out->intervals++;
            continue;
        }
        int shared = 0;
        for (int p = 0; p < nparts; p++) {
            if (f[p] <= 0)
                continue;
            const double fp = fmin(f[p], 1.0);
            out->joules[p] += e * fp;
            if (fp < 1.0) {
                shared = 1;
                out->uncertainty[p] += fp * (1 - fp) * dt * (out->pmax - out->pmin);
            }
        }
        out->shared_intervals += shared;
    }
}

int jf_energy_parts_attribute(const double *t, const double *cum, size_t n,
                              const double *stamps, size_t nsteps, int nparts,
                              jf_energy_parts_t *out)
{
    if (nparts < 1 || nparts > JF_ENERGY_PARTS_MAX || (n > 0 && (t == NULL || cum == NULL)) ||
        (nsteps > 0 && stamps == NULL))
        return -1;
    for (size_t k = 1; k < n; k++)
        if (!(t[k] > t[k - 1]) || !isfinite(cum[k]))
            return -1;
    const size_t row = (size_t)nparts + 1, nwin = nsteps * (size_t)nparts;
    for (size_t i = 0; i < nsteps; i++)
        for (size_t p = 0; p < row; p++) {
            const double x = stamps[i * row + p];
            const double prev = p > 0 ? stamps[i * row + p - 1]
                                : i > 0 ? stamps[(i - 1) * row + row - 1] : -INFINITY;
            if (!isfinite(x) || x < prev)
                return -1;
        }
    jf_energy_parts_t r;
    memset(&r, 0, sizeof r);
    r.nparts = nparts;
    for (size_t i = 0; i < nsteps; i++)
        for (int p = 0; p < nparts; p++) {
            const double a = stamps[i * row + (size_t)p], b = stamps[i * row + (size_t)p + 1];
            r.seconds[p] += b - a;
            if (n > 0)
                r.uncovered_seconds += fmax(0, fmin(b, t[0]) - a) + fmax(0, b - fmax(a, t[n - 1]));
            else
                r.uncovered_seconds += b - a;
        }
    sweep(t, cum, n, stamps, nwin, nparts, &r, 0);
    sweep(t, cum, n, stamps, nwin, nparts, &r, 1);
    *out = r;
    return 0;
}

int jf_energy_meter_parts(const jf_energy_meter_t *m, const double *stamps, size_t nsteps,
                          int nparts, jf_energy_parts_t *out)
{
    if (m->count < 2 || m->session == NULL)
        return -1;
    double *t = malloc(m->count * sizeof *t), *cum = malloc(m->count * sizeof *cum);
    int rc = -1;
    if (t == NULL || cum == NULL)
        goto cleanup;
    /* marks can share a time with the sample before them: keep the later */
    size_t n = 0;
    for (size_t k = 0; k < m->count; k++) {
        const double tk = m->trace[k].t;
        const double ck = jf_energy_node_total(m->session, m->trace[k].joules);
        if (n > 0 && !(tk > t[n - 1])) {
            cum[n - 1] = ck;
            continue;
        }
        t[n] = tk;
        cum[n] = ck;
        n++;
    }
    rc = jf_energy_parts_attribute(t, cum, n, stamps, nsteps, nparts, out);
cleanup:
    free(t);
    free(cum);
    return rc;
}

int jf_energy_meter_now(jf_energy_meter_t *m, double *watts, double *joules)
{
    int ok = 0;
    pthread_mutex_lock(&m->lock);
    if (m->count >= 2 && m->session != NULL) {
        const jf_energy_sample_t *last = &m->trace[m->count - 1];
        size_t k = m->count - 2;
        while (k > 0 && last->t - m->trace[k].t < 1.0)
            k--;
        const double dt = last->t - m->trace[k].t;
        const double now = jf_energy_node_total(m->session, last->joules);
        if (dt > 0) {
            *watts = (now - jf_energy_node_total(m->session, m->trace[k].joules)) / dt;
            *joules = now - jf_energy_node_total(m->session, m->trace[0].joules);
            ok = 1;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return ok;
}
