/* test_energy_meter: the shared energy accounting (jf_energy_meter.c) fed
 * by hand with readings at chosen times, so that every rule is checked
 * exactly, without threads or real time: wraps are counted and unwrapped;
 * a counter that goes backwards, jumps forwards or wraps into a step above
 * the domain's maximum power makes the energy invalid; counters of the node
 * total that do not move make it invalid (a sub-zone outside it may read
 * 0); times that are not finite, not after the meter's start or run
 * backwards make it invalid; peak power is taken over windows no shorter
 * than the interval, so a burst of readings microseconds apart on a
 * counter updated every millisecond does not invent a peak. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "energy/jf_energy.h"
#include "energy/jf_energy_meter.h"

#include "jf_test.h"

static const jf_energy_backend_t fake = {.name = "fake"};

#define T0 1000.0  /* CLOCK_MONOTONIC at the meter's start, seconds */

/* Three powercap-like domains: package and DRAM in the node total, a core
 * sub-zone outside it; micro-Joule counters wrapping at range_j. */
static void session(jf_energy_session_t *s, double range_j)
{
    memset(s, 0, sizeof *s);
    s->backend = &fake;
    s->ndomains = 3;
    const char *names[3] = {"package-0", "dram", "package-0/core"};
    const char *scopes[3] = {"intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1"};
    for (int i = 0; i < 3; i++) {
        jf_energy_domain_t *d = &s->domains[i];
        snprintf(d->name, sizeof d->name, "%s", names[i]);
        snprintf(d->scope, sizeof d->scope, "%s", scopes[i]);
        d->in_node_total = i < 2;
        d->joules_per_unit = 1e-6;
        d->range = (uint64_t)llround(range_j * 1e6);
        d->max_watts = 250;
    }
}

static void meter(jf_energy_meter_t *m, jf_energy_session_t *s, double interval)
{
    jf_energy_meter_init(m, s, interval);
    m->t0_monotonic = T0;
}

/* Counters of a source at pkg_w / dram_w / core_w since T0, published every
 * `update` seconds (0: continuously), wrapped at the range. */
static void counters(const jf_energy_session_t *s, double t, const double *watts, double update,
                     uint64_t *raw)
{
    const double tau = update > 0 ? floor((t - T0) / update) * update : t - T0;
    for (int i = 0; i < s->ndomains; i++)
        raw[i] = (uint64_t)llround(watts[i] * tau * 1e6) % s->domains[i].range;
}

static jf_err_t feed(jf_energy_meter_t *m, const uint64_t *raw, double t, jf_energy_mark_t mark)
{
    return jf_energy_meter_record(m, raw, t - 20e-6, t, mark);
}

/* A run from T0 + 0.01 to T0 + 2: readings every `interval`, the phase
 * marked at 0.1 and 1.9 s. */
static void run(jf_energy_meter_t *m, const double *watts, double interval, double update)
{
    uint64_t raw[JF_ENERGY_MAX_DOMAINS];
    counters(m->session, T0 + 0.01, watts, update, raw);
    feed(m, raw, T0 + 0.01, JF_MARK_BEGIN);
    for (double t = T0 + 0.01 + interval; t < T0 + 2.0; t += interval) {
        counters(m->session, t, watts, update, raw);
        feed(m, raw, t, JF_MARK_NONE);
        if (fabs(t - (T0 + 0.1)) < interval / 2) {
            feed(m, raw, t + 1e-6, JF_MARK_PHASE_START);
        } else if (fabs(t - (T0 + 1.9)) < interval / 2) {
            feed(m, raw, t + 1e-6, JF_MARK_PHASE_STOP);
        }
    }
}

static void test_constant_power_with_wraps(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    const double watts[3] = {80, 12, 48};
    session(&s, 20.0);  /* 20 J: the package wraps every 0.25 s */
    meter(&m, &s, 0.02);
    run(&m, watts, 0.02, 0);
    jf_energy_meter_phase(&m, &p);
    CHECK_MSG(p.valid, "constant power: valid, got reason '%s'", p.reason);
    CHECK_REL(92.0 * p.seconds, p.node_joules, 1e-6);
    CHECK_REL(92.0, p.mean_watts, 1e-6);
    CHECK_REL(92.0, p.peak_watts, 1e-3);  /* windows of whole micro-Joules */
    CHECK_REL(48.0 * p.seconds, p.joules[2], 1e-6);
    CHECK_LE(11.0, (double)p.wraps);  /* 7.2 package, 4.3 core, 1.1 DRAM in 1.8 s */
    free(m.trace);
}

static void test_stuck_everything(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    const double watts[3] = {0, 0, 0};
    session(&s, 20.0);
    meter(&m, &s, 0.02);
    run(&m, watts, 0.02, 0);
    jf_energy_meter_phase(&m, &p);
    CHECK(!p.valid);
    CHECK_STR_CONTAINS(p.reason, "no counter moved");
    CHECK_STR_CONTAINS(p.reason, "all 3 stuck");
    free(m.trace);
}

static void test_stuck_one_zone_of_the_total(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    const double watts[3] = {80, 0, 48};
    session(&s, 20.0);
    meter(&m, &s, 0.02);
    run(&m, watts, 0.02, 0);
    jf_energy_meter_phase(&m, &p);
    CHECK(!p.valid);
    CHECK_STR_CONTAINS(p.reason, "counter dram (intel-rapl:0:0) of the node total did not move");
    free(m.trace);
}

static void test_stuck_sub_zone_outside_the_total(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    const double watts[3] = {80, 12, 0};  /* core reads 0, as on many servers */
    session(&s, 20.0);
    meter(&m, &s, 0.02);
    run(&m, watts, 0.02, 0);
    jf_energy_meter_phase(&m, &p);
    CHECK_MSG(p.valid, "a stuck sub-zone outside the total: valid, got '%s'", p.reason);
    free(m.trace);
}

/* Readings at T0+0.01 .. with one raw step replaced. */
static void one_step(jf_energy_meter_t *m, uint64_t from, uint64_t to, int *rc_bad)
{
    uint64_t raw[3] = {from, 1000000, 1000000};
    feed(m, raw, T0 + 0.01, JF_MARK_BEGIN);
    raw[1] += 10000;
    raw[2] += 10000;
    feed(m, raw, T0 + 0.02, JF_MARK_PHASE_START);
    raw[0] = to;
    raw[1] += 10000;
    raw[2] += 10000;
    *rc_bad = feed(m, raw, T0 + 0.04, JF_MARK_NONE) != JF_OK;
    raw[1] += 10000;
    raw[2] += 10000;
    feed(m, raw, T0 + 0.06, JF_MARK_PHASE_STOP);
}

static void test_impossible_steps(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    int bad;

    /* forwards: +500 J in 20 ms on a 1000 J counter, at most 250 W */
    session(&s, 1000.0);
    meter(&m, &s, 0.02);
    one_step(&m, 100000000, 600000000, &bad);
    jf_energy_meter_phase(&m, &p);
    CHECK(bad);
    CHECK(!p.valid);
    CHECK_STR_CONTAINS(p.reason, "counter package-0 jumped by 500.0 J");
    CHECK_STR_CONTAINS(p.reason, "above the 250 W it can draw");
    free(m.trace);

    /* a decrease that unwraps into 500 J: a wrap by half the range rule,
     * impossible by power */
    meter(&m, &s, 0.02);
    one_step(&m, 900000000, 400000000, &bad);
    jf_energy_meter_phase(&m, &p);
    CHECK(bad);
    CHECK_STR_CONTAINS(p.reason, "counter package-0 wrapped and advanced by 500.0 J");
    free(m.trace);

    /* a decrease of 50 J: unwrapped 950 J, not a wrap at all */
    meter(&m, &s, 0.02);
    one_step(&m, 600000000, 550000000, &bad);
    jf_energy_meter_phase(&m, &p);
    CHECK(bad);
    CHECK_STR_CONTAINS(p.reason, "counter package-0 went backwards (600000000 -> 550000000)");
    free(m.trace);

    /* a real wrap at 80 W: 999.9 J -> 0.7 J in 20 ms is 0.8 J of energy */
    meter(&m, &s, 0.02);
    one_step(&m, 999900000, 700000, &bad);
    jf_energy_meter_phase(&m, &p);
    CHECK(!bad);
    CHECK_MSG(p.valid, "a real wrap: valid, got '%s'", p.reason);
    CHECK_NEAR(0.8, p.joules[0], 1e-9);
    CHECK_INT_EQ(1, p.wraps);
    free(m.trace);

    /* forwards within the bound: 20 J in 20 ms + the counter lag at 250 W */
    meter(&m, &s, 0.02);
    one_step(&m, 100000000, 120000000, &bad);
    jf_energy_meter_phase(&m, &p);
    CHECK(!bad);
    CHECK_MSG(p.valid, "a late counter update within the bound: valid, got '%s'", p.reason);
    free(m.trace);
}

static void test_times(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    uint64_t raw[3] = {1, 1, 1};
    session(&s, 20.0);

    /* a time that was never read (4.9e-307, as once seen in a trace) */
    meter(&m, &s, 0.02);
    CHECK(jf_energy_meter_record(&m, raw, 4.9e-307, 4.9e-307, JF_MARK_BEGIN) != JF_OK);
    CHECK(m.failed);
    CHECK_STR_CONTAINS(m.error, "the clock was not read or went backwards");
    free(m.trace);

    /* NaN */
    meter(&m, &s, 0.02);
    feed(&m, raw, T0 + 0.01, JF_MARK_BEGIN);
    CHECK(jf_energy_meter_record(&m, raw, NAN, NAN, JF_MARK_NONE) != JF_OK);
    free(m.trace);

    /* a reading earlier than the one before */
    meter(&m, &s, 0.02);
    feed(&m, raw, T0 + 0.01, JF_MARK_BEGIN);
    raw[0] = raw[1] = 100000;
    feed(&m, raw, T0 + 0.03, JF_MARK_PHASE_START);
    raw[0] = raw[1] = 200000;
    CHECK(feed(&m, raw, T0 + 0.02, JF_MARK_NONE) != JF_OK);
    raw[0] = raw[1] = 300000;
    feed(&m, raw, T0 + 0.05, JF_MARK_PHASE_STOP);
    jf_energy_meter_phase(&m, &p);
    CHECK(!p.valid);
    CHECK_STR_CONTAINS(p.reason, "energy trace: reading time");
    for (size_t i = 1; i < m.count; i++)
        CHECK_LE(m.trace[i - 1].t, m.trace[i].t);
    free(m.trace);
}

/* 80 W on a counter updated every millisecond, read every 20 ms, with a
 * burst of 200 readings 25 us apart in the middle of the phase (a sampler
 * that caught up after a stall): the peak stays within one update of 80 W
 * instead of the thousands of watts a 25 us window shows. */
static void test_burst_peak(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    uint64_t raw[JF_ENERGY_MAX_DOMAINS];
    const double watts[3] = {80, 0.5, 0};
    session(&s, 1000.0);
    meter(&m, &s, 0.02);
    double t = T0 + 0.01;
    counters(&s, t, watts, 1e-3, raw);
    feed(&m, raw, t, JF_MARK_BEGIN);
    feed(&m, raw, t + 1e-6, JF_MARK_PHASE_START);
    for (int i = 0; i < 100; i++) {
        t += 0.02;
        counters(&s, t, watts, 1e-3, raw);
        feed(&m, raw, t, JF_MARK_NONE);
        if (i == 50)
            for (int b = 0; b < 200; b++) {
                t += 25e-6;
                counters(&s, t, watts, 1e-3, raw);
                feed(&m, raw, t, JF_MARK_NONE);
            }
    }
    t += 0.005;  /* the stop mark lands 5 ms after the last sample */
    counters(&s, t, watts, 1e-3, raw);
    feed(&m, raw, t, JF_MARK_PHASE_STOP);
    jf_energy_meter_phase(&m, &p);
    CHECK_MSG(p.valid, "burst: valid, got '%s'", p.reason);
    CHECK_LE(p.mean_watts, p.peak_watts);
    CHECK_LE(p.peak_watts, 80.5 * 1.1);
    CHECK_LE(80.5 * 0.9, p.peak_watts);
    free(m.trace);
}

/* A phase shorter than the interval is one window: peak = mean. */
static void test_short_phase_peak(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    jf_energy_phase_t p;
    uint64_t raw[JF_ENERGY_MAX_DOMAINS];
    const double watts[3] = {80, 12, 48};
    session(&s, 20.0);
    meter(&m, &s, 0.1);
    counters(&s, T0 + 0.01, watts, 0, raw);
    feed(&m, raw, T0 + 0.01, JF_MARK_BEGIN);
    counters(&s, T0 + 0.02, watts, 0, raw);
    feed(&m, raw, T0 + 0.02, JF_MARK_PHASE_START);
    counters(&s, T0 + 0.05, watts, 0, raw);
    feed(&m, raw, T0 + 0.05, JF_MARK_PHASE_STOP);
    jf_energy_meter_phase(&m, &p);
    CHECK_MSG(p.valid, "short phase: valid, got '%s'", p.reason);
    CHECK_REL(p.mean_watts, p.peak_watts, 1e-6);
    CHECK_REL(92.0, p.mean_watts, 1e-4);
    free(m.trace);

    /* a reader held up for 1 s on counters that wrap every 0.25 s at the
     * 80 W they show: wraps may have passed unseen */
    meter(&m, &s, 0.02);
    for (int i = 0; i < 10; i++) {
        const double t = T0 + 0.01 + 0.02 * i;
        counters(&s, t, watts, 0, raw);
        feed(&m, raw, t, i == 0 ? JF_MARK_BEGIN : i == 1 ? JF_MARK_PHASE_START : JF_MARK_NONE);
    }
    counters(&s, T0 + 1.2, watts, 0, raw);
    CHECK(feed(&m, raw, T0 + 1.2, JF_MARK_NONE) != JF_OK);
    counters(&s, T0 + 1.22, watts, 0, raw);
    feed(&m, raw, T0 + 1.22, JF_MARK_PHASE_STOP);
    jf_energy_meter_phase(&m, &p);
    CHECK(!p.valid);
    CHECK_STR_CONTAINS(p.reason, "the reader was held up 1.0");
    CHECK_STR_CONTAINS(p.reason, "wrap unseen");
    free(m.trace);
}

int main(void)
{
    test_constant_power_with_wraps();
    test_stuck_everything();
    test_stuck_one_zone_of_the_total();
    test_stuck_sub_zone_outside_the_total();
    test_impossible_steps();
    test_times();
    test_burst_peak();
    test_short_phase_peak();
    return JF_TEST_DONE();
}
