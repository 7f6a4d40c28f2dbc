/* jf_report_quality.c: `jflop report`'s quality table -- what each run
 * learned and what it cost: the prequential bits and J per bit beside the
 * Landauer cost of a bit, the validation loss, the target, and the Pareto
 * front of quality against energy. Missing energy leaves cells empty by
 * jf_figures' rule, never 0. */
#include "jf_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_figures.h"
#include "analysis/jf_learning.h"

/* On the front: no other run has at most its energy and at most its best
 * validation loss, with one of the two lower. Runs without either figure
 * take no part. */
static int pareto(const double *joules, const double *loss, int n, int i)
{
    if (!isfinite(joules[i]) || !isfinite(loss[i]))
        return 0;
    for (int k = 0; k < n; k++)
        if (k != i && isfinite(joules[k]) && isfinite(loss[k]) && joules[k] <= joules[i] &&
            loss[k] <= loss[i] && (joules[k] < joules[i] || loss[k] < loss[i]))
            return 0;
    return 1;
}

void jf_report_quality(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "precision", "N", "batch", "lr", "D", "bits compressed [bit]", "J/bit",
        "J/bit / kT ln2", "J/FLOP / Landauer", "bits/kJ", "GFLOPS/W", "val loss last [nat]",
        "val loss best [nat]", "learned fraction", "target [nat]", "target reached",
        "steps to target", "time to target [s]", "energy to target [J]",
        "validation energy [J]", "Pareto front", "energy covers, basis"};
    enum { RUN, PREC, N, BATCH, LR, D, BITS, JPB, JPB_L, JPF_L, BPKJ, GFW, VLAST, VBEST, FRAC,
           TARGET, REACHED, STEPS, T_TARGET, J_TARGET, J_EVAL, FRONT, LABEL };
    JF_TABLE_INIT(t, "quality", headers, "Quality and learning efficiency (Landauer at %g K)",
                  o->temperature);
    double *joules = calloc((size_t)(n > 0 ? n : 1), sizeof *joules);
    double *best = calloc((size_t)(n > 0 ? n : 1), sizeof *best);
    if (joules == NULL || best == NULL)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        jf_figures_t f;
        jf_figures_of_result(&runs[i], &f);
        joules[i] = f.joules;
        best[i] = runs[i].evaluations > 0 ? runs[i].val_loss_best : NAN;
    }
    int old = 0, fronts = 0;
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            break;
        jf_figures_t f;
        jf_figures_of_result(r, &f);
        const double bits = r->have_bits ? r->bits_compressed : NAN;
        const jf_learning_in_t in = {bits, f.joules, f.joules_per_flop,
                                     o->bits > 0 ? o->bits : jf_result_operand_bits(r),
                                     o->temperature};
        jf_learning_t l;
        jf_learning_figures(&in, &l);
        const int evals = r->evaluations > 0, target = r->target_loss > 0;
        const int hit = target && r->target_reached == 1;
        jf_table_text(t, row, RUN, r->name);
        char label[256];
        jf_figures_energy_label(r, label, sizeof label);
        jf_table_text(t, row, LABEL, label);
        jf_table_text(t, row, PREC, r->precision);
        jf_table_count(t, row, N, r->n_params);
        jf_table_count(t, row, BATCH, (jf_u128)r->batch);
        jf_table_real(t, row, LR, r->lr > 0 ? r->lr : NAN, "%.4g");
        jf_table_count(t, row, D, r->tokens);
        jf_table_real(t, row, BITS, bits, "%.6g");
        jf_table_real(t, row, JPB, l.joules_per_bit, "%.4g");
        jf_table_real(t, row, JPB_L, l.per_bit_over_landauer, "%.4g");
        jf_table_real(t, row, JPF_L, l.per_flop_over_landauer, "%.4g");
        jf_table_real(t, row, BPKJ, l.bits_per_kilojoule, "%.4g");
        jf_table_real(t, row, GFW, f.gflops_per_watt, "%.4g");
        jf_table_real(t, row, VLAST, evals ? r->val_loss_last : NAN, "%.4f");
        jf_table_real(t, row, VBEST, evals ? r->val_loss_best : NAN, "%.4f");
        jf_table_real(t, row, FRAC, evals ? r->learned_fraction : NAN, "%.3f");
        jf_table_real(t, row, TARGET, target ? r->target_loss : NAN, "%.4f");
        jf_table_text(t, row, REACHED, !target ? "" : hit ? "yes" : "not reached");
        if (hit) {
            jf_table_count(t, row, STEPS, (jf_u128)r->steps_to_target);
            jf_table_real(t, row, T_TARGET, r->seconds_to_target, "%.4g");
            /* the run stops at its target: its training energy is the energy to it */
            jf_table_real(t, row, J_TARGET, r->have_joules_to_target ? r->joules_to_target : NAN,
                          "%.6g");
        }
        jf_table_real(t, row, J_EVAL, evals && r->have_eval_joules ? r->eval_joules : NAN,
                      "%.4g");
        const int front = pareto(joules, best, n, i);
        jf_table_text(t, row, FRONT, front ? "yes" : "");
        fronts += front;
        old += !r->have_quality;
    }
    jf_table_note(t, "bits compressed: the prequential code -- each training batch scored "
                     "before the model updates on it -- saves sum (ln V - loss)/ln 2 bits over "
                     "the measured tokens; J/bit uses the measured training energy. Not a "
                     "bound on learning, and not comparable across data of different entropy");
    jf_table_note(t, "learned fraction: (ln V - last validation loss) / (ln V - the data's "
                     "floor); validation runs are their own phase, outside the measured time, "
                     "energy and 6ND");
    if (fronts > 0)
        jf_table_note(t, "Pareto front: no other run reached a lower best validation loss with "
                         "no more energy, or used less energy for no worse a loss");
    if (old > 0)
        jf_table_note(t, "%d run(s) of schema before 1.6 have no /quality: their cells are "
                         "empty", old);
cleanup:
    free(joules);
    free(best);
}
