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

/* Best validation losses closer than this (nats per token) count as equal:
 * a loss estimated on a finite validation stream is not known better, and a
 * run must not make the front by a difference in the sixth digit. */
#define JF_PARETO_LOSS_TIE 1e-3

/* On the front: no other run has at most its energy and a best validation
 * loss no worse (within the tie), with less energy or a clearly lower loss.
 * Runs without either figure take no part. */
static int pareto(const double *joules, const double *loss, int n, int i)
{
    if (!isfinite(joules[i]) || !isfinite(loss[i]))
        return 0;
    for (int k = 0; k < n; k++)
        if (k != i && isfinite(joules[k]) && isfinite(loss[k]) && joules[k] <= joules[i] &&
            loss[k] <= loss[i] + JF_PARETO_LOSS_TIE &&
            (joules[k] < joules[i] || loss[k] < loss[i] - JF_PARETO_LOSS_TIE))
            return 0;
    return 1;
}

/* The trade-off axes (EAML's levers) in which run a differs from run b,
 * one bit each. */
static const char *const axis_name[] = {"precision", "N", "batch", "lr"};

static unsigned differs(const jf_result_t *a, const jf_result_t *b)
{
    return (unsigned)(strcmp(a->precision, b->precision) != 0) | (unsigned)(a->n_params != b->n_params) << 1 |
           (unsigned)(a->batch != b->batch) << 2 | (unsigned)(a->lr != b->lr) << 3;
}

/* The axes of mask, comma-separated into buf ("" for none). */
static void axes_text(unsigned mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < 4; k++)
        if (mask >> k & 1u && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     axis_name[k]);
}

int jf_report_quality(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "differs in", "precision", "N", "batch", "lr", "D", "bits compressed [bit]", "J/bit",
        "J/bit / kT ln2", "J/FLOP / Landauer", "bits/kJ", "GFLOPS/W", "val loss last [nat]",
        "val loss best [nat]", "learned fraction", "target [nat]", "target reached",
        "steps to target", "time to target [s]", "energy to target [J]",
        "validation energy [J]", "energy", "Pareto front", "energy covers, basis"};
    enum { RUN, DIFFERS, PREC, N, BATCH, LR, D, BITS, JPB, JPB_L, JPF_L, BPKJ, GFW, VLAST, VBEST, FRAC,
           TARGET, REACHED, STEPS, T_TARGET, J_TARGET, J_EVAL, BASIS, FRONT, LABEL };
    JF_TABLE_INIT(t, "quality", headers, "Quality and learning efficiency (Landauer at %g K)",
                  o->temperature);
    int validated = 0;
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
    int old = 0, fronts = 0, estimated = 0;
    char axes[64], row_axes[64];
    unsigned any = 0;  /* what differs anywhere: the union over the runs */
    for (int i = 1; i < n; i++)
        any |= differs(&runs[i], &runs[0]);
    axes_text(any, axes, sizeof axes);
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        jf_figures_t f;
        const int row = jf_report_run_row(t, r, 1, &f);
        if (row < 0)
            break;
        const double bits = r->have_bits ? r->bits_compressed : NAN;
        const jf_learning_in_t in = {bits, f.joules, f.joules_per_flop,
                                     o->bits > 0 ? o->bits : jf_result_operand_bits(r),
                                     o->temperature};
        jf_learning_t l;
        jf_learning_figures(&in, &l);
        const int evals = r->evaluations > 0, target = r->target_loss > 0;
        const int hit = target && r->target_reached == 1;
        if (i == 0)
            snprintf(row_axes, sizeof row_axes, "%s", any ? "(reference)" : "");
        else
            axes_text(differs(r, &runs[0]), row_axes, sizeof row_axes);
        jf_table_text(t, row, DIFFERS, row_axes);
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
        /* every energy figure of the row says how it was obtained */
        jf_table_text(t, row, BASIS, jf_figures_basis(r));
        estimated += f.estimated;
        validated += evals;
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
    if (axes[0])
        jf_table_note(t, "the runs differ in %s (differs in: against the first run)", axes);
    if (estimated > 0)
        jf_table_note(t, "%d run(s) had unmeasured nodes: their energy figures are an ESTIMATE "
                         "(measured nodes' mean x node count)", estimated);
    if (fronts > 0)
        jf_table_note(t, "Pareto front: no other run reached a lower best validation loss with "
                         "no more energy, or used less energy for no worse a loss (losses "
                         "within %g nats count as equal)", JF_PARETO_LOSS_TIE);
    if (old > 0)
        jf_table_note(t, "%d run(s) of schema before 1.6 have no /quality: their cells are "
                         "empty", old);
cleanup:
    free(joules);
    free(best);
    return validated;
}
