/* jf_report.c: the runs and bounds tables. Energies that were extrapolated
 * are used only with their label; runs without energy leave those cells
 * empty, never 0. */
#include "jf_report.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/jf_bounds.h"

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *energy_basis(const jf_result_t *r)
{
    if (!r->have_joules)
        return strcmp(r->energy_status, "invalid") == 0 ? "invalid" : "not measured";
    return r->extrapolated ? "ESTIMATE (extrapolated)" : "measured";
}

void jf_report_runs(const jf_result_t *runs, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "N", "D", "ranks", "nodes", "precision", "seconds [s]", "FLOP/s",
        "6ND verified", "energy source", "energy basis", "energy [J]", "J/FLOP",
        "GFLOPS/W", "J/token", "status",
    };
    jf_table_init(t, "runs", "Runs (J/FLOP per 6ND FLOP; FLOP/s and GFLOPS/W over all counted FLOPs)",
                  (int)(sizeof headers / sizeof headers[0]), headers);
    int estimated_rows = 0;
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            return;
        int est;
        const double j = jf_result_joules(r, &est);
        const double counted = (double)r->flops_counted;
        jf_table_text(t, row, 0, basename_of(r->path));
        jf_table_count(t, row, 1, r->n_params);
        jf_table_count(t, row, 2, r->tokens);
        jf_table_count(t, row, 3, (jf_u128)r->ranks);
        jf_table_count(t, row, 4, (jf_u128)r->nodes);
        jf_table_text(t, row, 5, r->precision);
        jf_table_real(t, row, 6, r->seconds, "%.4g");
        jf_table_real(t, row, 7, r->seconds > 0 ? counted / r->seconds : NAN, "%.4g");
        jf_table_text(t, row, 8, r->verified ? "yes" : "NO");
        jf_table_text(t, row, 9, r->energy_source);
        jf_table_text(t, row, 10, energy_basis(r));
        if (r->have_joules) {
            jf_table_real(t, row, 11, j, "%.6g");
            jf_table_real(t, row, 12, j / (double)r->flops_6nd, "%.4g");
            jf_table_real(t, row, 13, counted / j / 1e9, "%.4g");
            jf_table_real(t, row, 14, j / (double)r->tokens, "%.4g");
        }
        jf_table_text(t, row, 15, r->status);
        estimated_rows += est && r->have_joules;
    }
    if (estimated_rows > 0)
        jf_table_note(t, "%d run(s) had unmeasured nodes: their energy is an ESTIMATE "
                         "(measured nodes' mean x node count), see 'energy basis'",
                      estimated_rows);
}

/* Operand width of a run's precision. */
static double run_bits(const jf_result_t *r)
{
    return strcmp(r->precision, "fp64") == 0 ? 64 : 32;
}

void jf_report_bounds(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "bits", "measured [J/FLOP]", "Landauer [J/FLOP]", "measured/Landauer",
        "gap [decades]", "Eq. 17 digital [J]", "measured/Eq.17", "gap17 [decades]",
        "Eq. 16 analog [J]", "measured/Eq.16", "gap16 [decades]",
    };
    char title[160];
    snprintf(title, sizeof title,
             "Thermodynamic bounds at %g K (Tkachenko, arXiv:2503.09980; measured energy "
             "per 6ND FLOP)", o->temperature);
    jf_table_init(t, "bounds", title, (int)(sizeof headers / sizeof headers[0]), headers);
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            return;
        const double bits = o->bits > 0 ? o->bits : run_bits(r);
        const double na = o->active_params > 0 ? o->active_params : (double)r->n_params;
        const double landauer = jf_landauer_flop(bits, o->temperature);
        const double eq17 = jf_bound_training_digital(na, (double)r->tokens, o->temperature);
        const double eq16 = jf_bound_training_analog((double)r->n_params, (double)r->tokens,
                                                     o->temperature);
        int est;
        const double j = jf_result_joules(r, &est);
        jf_table_text(t, row, 0, basename_of(r->path));
        jf_table_real(t, row, 1, bits, "%g");
        jf_table_real(t, row, 3, landauer, "%.4g");
        jf_table_real(t, row, 6, eq17, "%.4g");
        jf_table_real(t, row, 9, eq16, "%.4g");
        if (!r->have_joules)
            continue;
        const double per_flop = j / (double)r->flops_6nd;
        jf_table_real(t, row, 2, per_flop, "%.4g");
        jf_table_real(t, row, 4, per_flop / landauer, "%.4g");
        jf_table_real(t, row, 5, log10(per_flop / landauer), "%.2f");
        jf_table_real(t, row, 7, j / eq17, "%.4g");
        jf_table_real(t, row, 8, log10(j / eq17), "%.2f");
        jf_table_real(t, row, 10, j / eq16, "%.4g");
        jf_table_real(t, row, 11, log10(j / eq16), "%.2f");
    }
    jf_table_note(t, "Landauer: bits x k_B T ln 2 per FLOP, bits = %s", o->bits > 0
                      ? "as given by --bits" : "the run's operand width (fp32: 32, fp64: 64)");
    jf_table_note(t, "Eq. 17: 1e2 N_a D k_B T with N_a = %s; Eq. 16: 2 N D k_B T",
                  o->active_params > 0 ? "--active-params" : "N");
    jf_table_note(t, "runs without measured energy have empty measured cells");
}
