/* test_energy_parts: the attribution of a node's energy trace to the
 * parts of the training steps (jf_energy_phases.c) on hand-built traces
 * and windows whose answers are worked out below by hand: time overlap
 * within each sample interval, the bound on its error, parts shorter
 * than an interval, windows outside the trace, bad input; and the idle
 * window of a meter fed by hand at a known power. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "energy/jf_energy.h"
#include "energy/jf_energy_meter.h"
#include "energy/jf_energy_phases.h"

#include "jf_test.h"

/* Readings at 0..4 s; power 100, 100, 300, 50 W in the four intervals. */
static const double T[] = {0, 1, 2, 3, 4};
static const double CUM[] = {0, 100, 200, 500, 550};

static void overlap_by_hand(void)
{
    /* two parts, two steps: A [0.5,1.5) B [1.5,2.5) | A [2.5,3) B [3,3.75) */
    const double stamps[] = {0.5, 1.5, 2.5, 2.5, 3.0, 3.75};
    jf_energy_parts_t p;
    CHECK(jf_energy_parts_attribute(T, CUM, 5, stamps, 2, 2, &p) == 0);
    CHECK_INT_EQ(2, p.nparts);
    /* A: 0.5 x 100 + 0.5 x 100 + 0.5 x 300 = 250 J;
     * B: 0.5 x 100 + 0.5 x 300 + 0.75 x 50 = 237.5 J */
    CHECK_NEAR(250.0, p.joules[0], 1e-9);
    CHECK_NEAR(237.5, p.joules[1], 1e-9);
    CHECK_NEAR(1.5, p.seconds[0], 1e-12);
    CHECK_NEAR(1.75, p.seconds[1], 1e-12);
    CHECK_NEAR(50.0, p.pmin, 1e-9);
    CHECK_NEAR(300.0, p.pmax, 1e-9);
    CHECK_U64_EQ(4, p.intervals);
    CHECK_U64_EQ(4, p.shared_intervals);
    /* f(1-f) dt (Pmax - Pmin): A 3 x 0.25 x 250 = 187.5; B 2 x 62.5 +
     * 0.1875 x 250 = 171.875 */
    CHECK_NEAR(187.5, p.uncertainty[0], 1e-9);
    CHECK_NEAR(171.875, p.uncertainty[1], 1e-9);
    CHECK_NEAR(0.0, p.uncovered_seconds, 1e-12);
}

/* Windows on the reading times: every interval belongs to one part, so the
 * split is exact and its bound 0 however the power varies. */
static void aligned_is_exact(void)
{
    const double stamps[] = {0, 2, 4};
    jf_energy_parts_t p;
    CHECK(jf_energy_parts_attribute(T, CUM, 5, stamps, 1, 2, &p) == 0);
    CHECK_NEAR(200.0, p.joules[0], 1e-9);
    CHECK_NEAR(350.0, p.joules[1], 1e-9);
    CHECK_NEAR(0.0, p.uncertainty[0], 1e-12);
    CHECK_NEAR(0.0, p.uncertainty[1], 1e-12);
    CHECK_U64_EQ(0, p.shared_intervals);
}

/* Parts shorter than the interval: three parts of 0.1, 0.3 and 0.1 s in
 * one 1 s interval of 100 J get 10, 30 and 10 J; the power is one
 * figure, so the bound is 0. Many steps add up part by part. */
static void shorter_than_interval(void)
{
    const double t[] = {0, 1}, cum[] = {0, 100};
    const double stamps[] = {0.1, 0.2, 0.5, 0.6};
    jf_energy_parts_t p;
    CHECK(jf_energy_parts_attribute(t, cum, 2, stamps, 1, 3, &p) == 0);
    CHECK_NEAR(10.0, p.joules[0], 1e-9);
    CHECK_NEAR(30.0, p.joules[1], 1e-9);
    CHECK_NEAR(10.0, p.joules[2], 1e-9);
    CHECK_NEAR(0.0, p.uncertainty[1], 1e-12);
    CHECK_U64_EQ(1, p.shared_intervals);

    /* 10 steps of 10 ms forward, 20 ms backward, 70 ms idle gap, all in
     * one 1 s interval of 1000 J: 0.1 s and 0.2 s of it, 100 J and 200 J */
    const double t10[] = {0, 1}, cum10[] = {0, 1000};
    double st[10 * 3];
    for (int i = 0; i < 10; i++) {
        st[3 * i] = 0.1 * i;
        st[3 * i + 1] = 0.1 * i + 0.01;
        st[3 * i + 2] = 0.1 * i + 0.03;
    }
    CHECK(jf_energy_parts_attribute(t10, cum10, 2, st, 10, 2, &p) == 0);
    CHECK_NEAR(100.0, p.joules[0], 1e-9);
    CHECK_NEAR(200.0, p.joules[1], 1e-9);
    CHECK_NEAR(0.1, p.seconds[0], 1e-12);
    CHECK_NEAR(0.2, p.seconds[1], 1e-12);
}

/* Part time outside the trace is counted, attributed nothing. */
static void outside_the_trace(void)
{
    const double stamps[] = {3.5, 5.0};
    jf_energy_parts_t p;
    CHECK(jf_energy_parts_attribute(T, CUM, 5, stamps, 1, 1, &p) == 0);
    CHECK_NEAR(25.0, p.joules[0], 1e-9);  /* 0.5 x 50 W */
    CHECK_NEAR(1.0, p.uncovered_seconds, 1e-12);
}

static void bad_input(void)
{
    jf_energy_parts_t p;
    const double ok[] = {0.5, 1.0, 1.5};
    const double back[] = {0.5, 0.4, 1.5};  /* a part that ends before it begins */
    const double tback[] = {0, 2, 1}, cum[] = {0, 1, 2};
    CHECK(jf_energy_parts_attribute(T, CUM, 5, ok, 1, 0, &p) == -1);
    CHECK(jf_energy_parts_attribute(T, CUM, 5, ok, 1, JF_ENERGY_PARTS_MAX + 1, &p) == -1);
    CHECK(jf_energy_parts_attribute(T, CUM, 5, back, 1, 2, &p) == -1);
    CHECK(jf_energy_parts_attribute(tback, cum, 3, ok, 1, 2, &p) == -1);
    const double nan_stamp[] = {0.5, NAN, 1.5};
    CHECK(jf_energy_parts_attribute(T, CUM, 5, nan_stamp, 1, 2, &p) == -1);
    /* no steps: nothing attributed */
    CHECK(jf_energy_parts_attribute(T, CUM, 5, NULL, 0, 2, &p) == 0);
    CHECK_NEAR(0.0, p.joules[0] + p.joules[1], 0);
}

/* The idle window of a meter fed by hand: package 30 W and DRAM 5 W in the
 * node total, a core sub-zone (18 W) outside it; idle from 1 to 3 s. */
static const jf_energy_backend_t fake = {.name = "fake"};

static void idle_window(void)
{
    jf_energy_session_t s;
    jf_energy_meter_t m;
    memset(&s, 0, sizeof s);
    s.backend = &fake;
    s.ndomains = 3;
    const double watts[3] = {30, 5, 18};
    for (int i = 0; i < 3; i++) {
        snprintf(s.domains[i].name, sizeof s.domains[i].name, "d%d", i);
        s.domains[i].in_node_total = i < 2;
        s.domains[i].joules_per_unit = 1e-6;
        s.domains[i].range = (uint64_t)1 << 40;
        s.domains[i].max_watts = 250;
    }
    jf_energy_meter_init(&m, &s, 0.1);
    double secs = -1, joules = -1;
    CHECK(jf_energy_meter_idle(&m, &secs, &joules) == 0);  /* no window yet */
    for (int k = 0; k <= 40; k++) {
        const double t = 100 + 0.1 * k;
        uint64_t raw[3];
        for (int i = 0; i < 3; i++)
            raw[i] = (uint64_t)llround(watts[i] * (t - 100) * 1e6);
        const jf_energy_mark_t mark = k == 0 ? JF_MARK_BEGIN : k == 10 ? JF_MARK_IDLE_START
                                      : k == 30 ? JF_MARK_IDLE_STOP : JF_MARK_NONE;
        CHECK(jf_energy_meter_record(&m, raw, t - 1e-5, t, mark) == JF_OK);
    }
    CHECK(jf_energy_meter_idle(&m, &secs, &joules) == 1);
    CHECK_NEAR(2.0, secs, 1e-9);
    CHECK_NEAR(70.0, joules, 1e-6);  /* 35 W x 2 s; the sub-zone not added */
    CHECK_NEAR(35.0, joules / secs, 1e-6);

    /* the same trace cut by parts: [1.5, 2.5) at 35 W is 35 J */
    const double stamps[] = {101.5, 102.5};
    jf_energy_parts_t p;
    CHECK(jf_energy_meter_parts(&m, stamps, 1, 1, &p) == 0);
    CHECK_NEAR(35.0, p.joules[0], 1e-6);
    jf_energy_meter_free(&m);
}

int main(void)
{
    overlap_by_hand();
    aligned_is_exact();
    shorter_than_interval();
    outside_the_trace();
    bad_input();
    idle_window();
    return JF_TEST_DONE();
}
