/* jf_summary_energy.c: idle power, dynamic energy (gross - idle power x
 * phase seconds) and the energy of each step part in the summary. */
#include "out/jf_summary_energy.h"

#include <math.h>
#include <string.h>

#include "energy/jf_energy_phases.h"

void jf_summary_part_flops(const jf_run_t *run, double flops[JF_ENERGY_PARTS_MAX])
{
    const double nd = (double)run->n_params * (double)run->tokens;
    for (int p = 0; p < JF_ENERGY_PARTS_MAX; p++)
        flops[p] = NAN;
    flops[JF_PART_FORWARD] = 2 * nd;
    flops[JF_PART_BACKWARD] = 4 * nd;
    flops[JF_PART_OPTIMIZER] =
        2.0 * (double)run->n_weights * (double)run->steps_done * (double)run->ranks;
}

int jf_summary_parts_total(const jf_energy_job_t *e, double joules[JF_ENERGY_PARTS_MAX],
                           double uncertainty[JF_ENERGY_PARTS_MAX], int *nparts)
{
    int have = 0;
    memset(joules, 0, JF_ENERGY_PARTS_MAX * sizeof *joules);
    memset(uncertainty, 0, JF_ENERGY_PARTS_MAX * sizeof *uncertainty);
    *nparts = 0;
    for (int i = 0; i < e->total_nodes; i++) {
        const jf_energy_node_t *n = &e->nodes[i];
        if (!n->measured)
            continue;
        if (!n->parts_measured)
            return 0;
        *nparts = n->nparts;
        for (int p = 0; p < n->nparts; p++) {
            joules[p] += n->part_joules[p];
            uncertainty[p] += n->part_uncertainty[p];
        }
        have = 1;
    }
    /* extrapolated to the unmeasured nodes as the gross figure is, so the
     * parts' J/FLOP (over the whole job's FLOPs) is not low by their share */
    if (have && e->extrapolated && e->measured_nodes > 0)
        for (int p = 0; p < *nparts; p++) {
            joules[p] *= (double)e->total_nodes / (double)e->measured_nodes;
            uncertainty[p] *= (double)e->total_nodes / (double)e->measured_nodes;
        }
    return have;
}

/* Gross, idle and dynamic Joules of the job; 0 without idle. */
static int idle_figures(const jf_summary_t *s, double *gross, double *idle, double *dynamic)
{
    const jf_energy_job_t *e = s->energy;
    if (e->measured_nodes == 0)
        return 0;
    *gross = jf_energy_job_joules(e);
    *idle = jf_energy_job_idle_joules(e);
    *dynamic = *gross - *idle;
    return isfinite(*idle);
}

void jf_summary_energy_print(FILE *out, const jf_summary_t *s)
{
    const jf_energy_job_t *e = s->energy;
    const jf_run_t *r = s->run;
    const double flops = (double)r->n_params * (double)r->tokens * 6;
    double gross, idle, dynamic;
    if (e->measured_nodes == 0)
        return;
    if (r->opt.idle_seconds <= 0) {
        fprintf(out, "        gross energy only: no idle window (--idle-seconds 0), so no "
                     "dynamic figure\n");
    } else if (idle_figures(s, &gross, &idle, &dynamic)) {
        for (int i = 0; i < e->total_nodes; i++)
            if (e->nodes[i].idle_measured)
                fprintf(out, "idle    node %s: %.1f W over %.3g s with the ranks asleep before "
                             "the warm-up; x %.3f s phase = %.6g J idle\n",
                        e->nodes[i].node, e->nodes[i].idle_watts, e->nodes[i].idle_seconds,
                        e->nodes[i].seconds, e->nodes[i].idle_watts * e->nodes[i].seconds);
        fprintf(out, "        gross %.6g J = idle %.6g J + dynamic %.6g J%s; J/FLOP (per 6ND "
                     "FLOP) gross %.4g, dynamic %.4g\n",
                gross, idle, dynamic, e->extrapolated ? " (ESTIMATED, extrapolated)" : "",
                gross / flops, dynamic / flops);
    } else {
        fprintf(out, "idle    missing on some node (its idle window gave no valid "
                     "reading): dynamic energy not given\n");
    }

    double joules[JF_ENERGY_PARTS_MAX], unc[JF_ENERGY_PARTS_MAX], pf[JF_ENERGY_PARTS_MAX];
    int nparts;
    if (!jf_summary_parts_total(e, joules, unc, &nparts))
        return;
    jf_summary_part_flops(r, pf);
    double total = 0;
    for (int p = 0; p < nparts; p++)
        total += joules[p];
    fprintf(out, "parts   energy per step part (measured nodes, each its leader rank's "
                 "stamps):\n");
    for (int p = 0; p < nparts && p <= JF_STEP_PARTS; p++) {
        const jf_energy_node_t *n0 = &e->nodes[0];
        fprintf(out, "        %-9s %10.4g J +- %-9.3g %5.1f %%  %8.3f s", jf_step_part_names[p],
                joules[p], unc[p], total > 0 ? 100 * joules[p] / total : 0,
                n0->parts_measured ? n0->part_seconds[p] : NAN);
        if (isfinite(pf[p]) && pf[p] > 0)
            fprintf(out, "  %.4g J/FLOP", joules[p] / pf[p]);
        else if (p == JF_PART_ALLREDUCE)
            fprintf(out, "  communication");
        fprintf(out, "\n");
    }
    fprintf(out, "        method: %s; +-: %s\n", JF_ENERGY_PARTS_METHOD,
            JF_ENERGY_PARTS_UNCERTAINTY);
}

void jf_summary_energy_node_json(json_t *j, const jf_energy_node_t *n)
{
    const int idle = n->measured && n->idle_measured;
    json_object_set_new(j, "idle_measured", json_boolean(idle));
    json_object_set_new(j, "idle_watts", idle ? json_real(n->idle_watts) : json_null());
    json_object_set_new(j, "idle_seconds", idle ? json_real(n->idle_seconds) : json_null());
    json_object_set_new(j, "idle_joules",
                        idle ? json_real(n->idle_watts * n->seconds) : json_null());
    json_object_set_new(j, "dynamic_joules",
                        idle ? json_real(n->joules - n->idle_watts * n->seconds) : json_null());
    if (!n->parts_measured) {
        json_object_set_new(j, "step_parts", json_null());
        return;
    }
    json_t *parts = json_object();
    for (int p = 0; p < n->nparts && p <= JF_STEP_PARTS; p++)
        json_object_set_new(parts, jf_step_part_names[p],
                            json_pack("{s:f, s:f, s:f}", "seconds", n->part_seconds[p], "joules",
                                      n->part_joules[p], "uncertainty_joules",
                                      n->part_uncertainty[p]));
    json_object_set_new(j, "step_parts", parts);
    json_object_set_new(j, "step_part_intervals", json_integer((json_int_t)n->part_intervals));
    json_object_set_new(j, "step_part_shared_intervals",
                        json_integer((json_int_t)n->part_shared_intervals));
}

void jf_summary_energy_json(json_t *j, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const double flops = (double)r->n_params * (double)r->tokens * 6;
    double gross, idle, dynamic;
    const int have_idle = idle_figures(s, &gross, &idle, &dynamic);
    json_object_set_new(j, "idle_measured", json_boolean(have_idle));
    json_object_set_new(j, "idle_seconds_asked", json_real(r->opt.idle_seconds));
    json_object_set_new(j, "idle_joules", have_idle ? json_real(idle) : json_null());
    json_object_set_new(j, "dynamic_joules", have_idle ? json_real(dynamic) : json_null());
    json_object_set_new(j, "joules_per_flop_gross",
                        s->energy->measured_nodes > 0 ? json_real(jf_energy_job_joules(s->energy) /
                                                                  flops)
                                                      : json_null());
    json_object_set_new(j, "joules_per_flop_dynamic",
                        have_idle ? json_real(dynamic / flops) : json_null());

    double joules[JF_ENERGY_PARTS_MAX], unc[JF_ENERGY_PARTS_MAX], pf[JF_ENERGY_PARTS_MAX];
    int nparts;
    if (!jf_summary_parts_total(s->energy, joules, unc, &nparts)) {
        json_object_set_new(j, "step_parts", json_null());
        return;
    }
    jf_summary_part_flops(r, pf);
    json_t *parts = json_object();
    for (int p = 0; p < nparts && p <= JF_STEP_PARTS; p++) {
        const int computes = isfinite(pf[p]) && pf[p] > 0;
        json_object_set_new(parts, jf_step_part_names[p],
                            json_pack("{s:f, s:f, s:o, s:o, s:b}", "joules", joules[p],
                                      "uncertainty_joules", unc[p], "flops",
                                      computes ? json_real(pf[p]) : json_null(),
                                      "joules_per_flop",
                                      computes ? json_real(joules[p] / pf[p]) : json_null(),
                                      "communication", p == JF_PART_ALLREDUCE));
    }
    json_object_set_new(j, "step_parts", parts);
    json_object_set_new(j, "step_parts_method", json_string(JF_ENERGY_PARTS_METHOD));
    json_object_set_new(j, "step_parts_uncertainty", json_string(JF_ENERGY_PARTS_UNCERTAINTY));
}
