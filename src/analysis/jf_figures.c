/* jf_figures.c: J/FLOP, GFLOPS/W, J/token and W from one set of inputs;
 * NAN, never 0, for what cannot be computed. */
#include "jf_figures.h"

#include "energy/jf_energy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* a / b, or NAN when either side makes it meaningless */
static double ratio(double a, double b)
{
    return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN;
}

void jf_figures(const jf_figures_in_t *in, jf_figures_t *f)
{
    const double f6nd = (double)in->flops_6nd, counted = (double)in->flops_counted;
    memset(f, 0, sizeof *f);
    /* energy that is absent, negative or not finite is no energy; a measured
     * 0 J (a phase shorter than the counters' update) stays what it is, and
     * the figures that would divide by it are missing */
    f->have = in->have_joules && isfinite(in->joules) && in->joules >= 0;
    f->estimated = f->have && in->estimated;
    f->joules = f->have ? in->joules : NAN;
    f->flops_per_second = counted > 0 ? ratio(counted, in->seconds) : NAN;
    f->joules_per_flop = ratio(f->joules, f6nd);
    f->joules_per_flop_counted = ratio(f->joules, counted);
    f->gflops_per_watt = counted > 0 ? ratio(counted / 1e9, f->joules) : NAN;
    f->joules_per_token = ratio(f->joules, (double)in->tokens);
    f->watts = ratio(f->joules, in->seconds);
    f->node_watts = ratio(f->watts, (double)in->nodes);
}

void jf_figures_of_result(const jf_result_t *r, jf_figures_t *f)
{
    int estimated = 0;
    const double j = r->have_joules ? jf_result_joules(r, &estimated) : NAN;
    /* the extrapolation covers every node; a measured total its measured nodes */
    const int64_t nodes = estimated ? r->total_nodes
                          : r->measured_nodes > 0 ? r->measured_nodes : r->nodes;
    const jf_figures_in_t in = {
        .have_joules = r->have_joules,
        .estimated = estimated,
        .joules = j,
        .nodes = (int)nodes,
        .flops_6nd = r->flops_6nd,
        .flops_counted = r->flops_counted,
        .tokens = r->tokens,
        .seconds = r->seconds,
    };
    jf_figures(&in, f);
}

const char *jf_figures_basis(const jf_result_t *r)
{
    if (!r->have_joules)
        return strcmp(r->energy_status, "invalid") == 0 ? "invalid" : "not measured";
    return r->extrapolated ? "ESTIMATE (extrapolated)" : "measured";
}

const char *jf_figures_covers(const jf_result_t *r)
{
    if (r->energy_covers[0])
        return r->energy_covers;
    /* before 1.7: the backend's class, when the run had one backend */
    const int c = jf_energy_covers_find(NULL, r->energy_source);
    return c >= 0 ? jf_energy_covers_text((jf_energy_covers_t)c) : "?";
}

void jf_figures_energy_label(const jf_result_t *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s; %s%s%s", jf_figures_covers(r), jf_figures_basis(r),
             r->have_joules && r->energy_basis[0] ? ": " : "",
             r->have_joules ? r->energy_basis : "");
}

const char *jf_figures_text(double v, const char *fmt, char *buf, size_t len)
{
    if (!isfinite(v))
        return "-";
    snprintf(buf, len, fmt, v);
    return buf;
}
