/* jf_report_energy.c: `jflop report`'s energy table -- gross energy beside
 * idle power and dynamic energy (gross - idle power x phase seconds), and
 * the energy of each step part with J/FLOP of the compute parts beside
 * the energy of communication. Figures a run did not measure stay empty
 * (null in JSON), never 0. */
#include "jf_report.h"

#include <math.h>
#include <string.h>

/* The parts of a run, summed over its measured nodes (each node's leader
 * stamps) and extrapolated to the others as the gross energy is; 0 when a
 * measured node has none or they disagree. */
static int run_parts(const jf_result_node_t *x, int count, const char *names[],
                     double joules[], double unc[], int *nparts, double *idle_watts)
{
    int have = 0, measured = 0;
    *nparts = 0;
    *idle_watts = 0;
    /* idle power over every measured node first: a node without parts
     * must not cut the sum short */
    for (int k = 0; k < count; k++)
        if (x[k].measured)
            *idle_watts = x[k].have_idle && isfinite(*idle_watts)
                              ? *idle_watts + x[k].idle_watts
                              : NAN;
    for (int k = 0; k < count; k++) {
        if (!x[k].measured)
            continue;
        if (x[k].nparts == 0 || (have && x[k].nparts != *nparts))
            return 0;
        *nparts = x[k].nparts;
        for (int p = 0; p < x[k].nparts; p++) {
            names[p] = x[k].part_name[p];
            joules[p] = (have ? joules[p] : 0) + x[k].part_joules[p];
            unc[p] = (have ? unc[p] : 0) + x[k].part_uncertainty[p];
        }
        have = 1;
        measured++;
    }
    /* extrapolated to the unmeasured nodes as the gross figure is, so the
     * parts' J/FLOP (over the whole job's FLOPs) is not low by their share */
    for (int p = 0; have && measured < count && p < *nparts; p++) {
        joules[p] *= (double)count / (double)measured;
        unc[p] *= (double)count / (double)measured;
    }
    return have;
}

static int part_index(const char *names[], int nparts, const char *name)
{
    for (int p = 0; p < nparts; p++)
        if (strcmp(names[p], name) == 0)
            return p;
    return -1;
}

void jf_report_energy(const jf_result_t *runs, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "idle asked [s]", "idle power [W]", "gross [J]", "idle [J]", "dynamic [J]",
        "gross J/FLOP", "dynamic J/FLOP", "forward [J]", "backward [J]", "allreduce [J]",
        "optimizer [J]", "other [J]", "forward J/FLOP", "backward J/FLOP",
        "communication share [%]", "parts uncertainty [J]"};
    enum { RUN, ASKED, IDLE_W, GROSS, IDLE_J, DYN, JPF, JPF_DYN, FWD, BWD, AR, OPT, OTHER,
           FWD_JPF, BWD_JPF, COMM, UNC };
    static const char *const part_cols[] = {"forward", "backward", "allreduce", "optimizer",
                                            "other"};
    JF_TABLE_INIT(t, "energy",
                  headers, "Energy: gross, idle and dynamic; energy per step part");
    int estimated = 0;
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_report_run_row(t, r, 0, NULL);
        if (row < 0)
            break;
        /* gross figures by the one rule for missing energy: a run without
         * energy has empty cells here, never 0 */
        jf_figures_t fig;
        jf_figures_of_result(r, &fig);
        estimated += fig.have && fig.estimated;
        const double flops = (double)r->flops_6nd;
        jf_table_real(t, row, ASKED, r->idle_seconds_asked, "%.3g");
        jf_table_real(t, row, GROSS, fig.have ? fig.joules : NAN, "%.6g");
        jf_table_real(t, row, JPF, fig.have ? fig.joules_per_flop : NAN, "%.4g");
        jf_table_real(t, row, IDLE_J, r->have_idle ? r->idle_joules : NAN, "%.6g");
        jf_table_real(t, row, DYN, r->have_idle ? r->dynamic_joules : NAN, "%.6g");
        jf_table_real(t, row, JPF_DYN, r->have_idle && flops > 0 ? r->dynamic_joules / flops : NAN,
                      "%.4g");
        jf_result_node_t *x = NULL;
        int count = 0;
        char msg[JF_MSG_LEN];
        if (jf_result_read_nodes(r->path, &x, &count, msg, sizeof msg) != JF_OK)
            continue;  /* the nodes table names the file and the field */
        const char *names[JF_RESULT_MAX_PARTS];
        double joules[JF_RESULT_MAX_PARTS], unc[JF_RESULT_MAX_PARTS], idle_w;
        int nparts;
        const int have = run_parts(x, count, names, joules, unc, &nparts, &idle_w);
        jf_table_real(t, row, IDLE_W, r->have_idle ? idle_w : NAN, "%.4g");
        if (have) {
            double total = 0, u = 0;
            for (int p = 0; p < nparts; p++) {
                total += joules[p];
                u += unc[p];
            }
            for (int c = 0; c < 5; c++) {
                const int p = part_index(names, nparts, part_cols[c]);
                jf_table_real(t, row, FWD + c, p >= 0 ? joules[p] : NAN, "%.5g");
            }
            const int f = part_index(names, nparts, "forward");
            const int b = part_index(names, nparts, "backward");
            const int a = part_index(names, nparts, "allreduce");
            /* forward does 2ND of the 6ND FLOPs, backward 4ND */
            jf_table_real(t, row, FWD_JPF, f >= 0 && flops > 0 ? joules[f] / (flops / 3) : NAN,
                          "%.4g");
            jf_table_real(t, row, BWD_JPF,
                          b >= 0 && flops > 0 ? joules[b] / (flops * 2 / 3) : NAN, "%.4g");
            jf_table_real(t, row, COMM, a >= 0 && total > 0 ? 100 * joules[a] / total : NAN,
                          "%.3g");
            jf_table_real(t, row, UNC, u, "%.3g");
        }
        jf_result_nodes_free(x, count);
    }
    if (estimated > 0)
        jf_table_note(t, "%d run(s) had unmeasured nodes: their gross energy is an ESTIMATE "
                         "(measured nodes' mean x node count), as in the runs table",
                      estimated);
    jf_table_note(t, "idle: each node's power while its ranks slept for --idle-seconds before "
                     "the warm-up; idle [J] = idle power x the measured phase's seconds; "
                     "dynamic = gross - idle (empty unless every measured node measured idle)");
    jf_table_note(t, "step parts: each sample interval's energy split over forward, backward, "
                     "allreduce (communication) and optimizer by the share of the interval "
                     "each covers; other = the rest of the phase (between steps); forward "
                     "J/FLOP per 2ND, backward per 4ND; uncertainty: the bound on the split "
                     "(results/SCHEMA.md, step_phase_uncertainty_method)");
}
