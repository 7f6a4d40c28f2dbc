/* jf_claim_tables.c: the tables of `jflop claim` (claims, checks,
 * measured) built from evaluated claims, as jf_report.c builds report's;
 * the CLI only chooses and emits them. */
#include "jf_claim_tables.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/jf_bounds.h"

#define KWH 3.6e6

/* A real cell, left empty when the figure does not exist. */
static void real_or_empty(jf_table_t *t, int row, int col, double v, const char *fmt)
{
    if (isfinite(v))
        jf_table_real(t, row, col, v, fmt);
}

static void row_name(const jf_claim_eval_t *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", e->claim->id,
             e->end == JF_END_LOW ? " [low end]" : e->end == JF_END_HIGH ? " [high end]" : "");
}

void jf_claim_table_claims(const jf_claim_eval_t *ev, int n, const jf_claim_set_t *set,
                         const jf_hw_table_t *hw, const jf_claim_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "claim", "model", "hardware", "reference", "FLOPs [FLOP]", "6ND [FLOP]", "FLOPs basis",
        "accelerator-hours [h]", "MFU [%]", "claimed [kWh]", "energy basis", "IT energy or ESTIMATE [kWh]",
        "W per accelerator [W]", "implied [J/FLOP]", "hardware floor [J/FLOP]", "implied/floor",
        "Landauer [J/FLOP]", "Eq. 17 [J]", "Eq. 16 [J]", "verdict", "reason",
        "claimed / (hours x board W x PUE)",
    };
    char text[JF_CLAIM_TEXT_LEN + 32];
    int estimates = 0, tdp = 0;
    JF_TABLE_INIT(t, "claims", headers,
                  "Energy claims against their hardware and the thermodynamic bounds at %g K",
                  o->temperature);
    for (int i = 0; i < n; i++) {
        const jf_claim_eval_t *e = &ev[i];
        const int r = jf_table_add_row(t);
        if (r < 0)
            return;
        row_name(e, text, sizeof text);
        jf_table_text(t, r, 0, text);
        jf_table_text(t, r, 1, e->claim->model);
        snprintf(text, sizeof text, "%s %s", e->hw->id, e->claim->precision);
        jf_table_text(t, r, 2, text);
        jf_table_text(t, r, 3, e->claim->reference);
        jf_table_real(t, r, 4, e->flops, "%.4g");
        real_or_empty(t, r, 5, e->flops_6nd, "%.4g");
        jf_table_text(t, r, 6, e->flops_published ? "published"
                      : e->claim->kind == JF_CLAIM_TRAINING ? "6 N_a D" : "2 N_a D");
        real_or_empty(t, r, 7, e->hours, "%.6g");
        real_or_empty(t, r, 8, 100.0 * e->mfu, "%.3g");
        real_or_empty(t, r, 9, e->claimed_j / KWH, "%.6g");
        jf_table_text(t, r, 10, e->basis);
        jf_table_real(t, r, 11, e->it_j / KWH, "%.6g");
        real_or_empty(t, r, 12, e->w_per_accel, "%.4g");
        jf_table_real(t, r, 13, e->implied_jpf, "%.4g");
        jf_table_real(t, r, 14, e->floor_jpf, "%.4g");
        jf_table_real(t, r, 15, e->implied_jpf / e->floor_jpf, "%.4g");
        jf_table_real(t, r, 16, e->landauer_jpf, "%.4g");
        real_or_empty(t, r, 17, e->eq17_j, "%.4g");
        real_or_empty(t, r, 18, e->eq16_j, "%.4g");
        jf_table_text(t, r, 19, jf_claim_verdict_str(e->verdict));
        jf_table_text(t, r, 20, e->reason);
        real_or_empty(t, r, 21, e->tdp_ratio, "%.4g");
        estimates += e->estimate;
        tdp += e->tdp_estimate;
    }
    jf_table_note(t, "claims: %s; hardware: %s (every figure's source is in those files)",
                  set->origin, hw->origin);
    jf_table_note(t, "FLOPs: the published figure when there is one, else 6ND (2ND for "
                     "inference) with N = active parameters; MFU = FLOPs / (accelerator-hours x "
                     "3600 s x peak FLOP/s at the claim's precision)");
    jf_table_note(t, "IT energy: claimed facility energy / PUE when both are given; an IT figure "
                     "as claimed; facility energy without PUE, or energy of unstated scope, is "
                     "used as it is (an upper bound on IT energy). 'energy basis' says which");
    if (tdp > 0)
        jf_table_note(t, "%d row(s) claim an energy within %g%% of accelerator-hours x board "
                         "power (x PUE): a %s, labelled in 'energy basis'", tdp,
                      100 * JF_CLAIM_TDP_MATCH, JF_CLAIM_TDP_LABEL);
    jf_table_note(t, "implied J/FLOP = IT energy / FLOPs; hardware floor = board power / peak "
                     "FLOP/s, the J/FLOP of the accelerators alone at 100%% utilisation");
    jf_table_note(t, "implausible: below the hardware floor or above 100%% utilisation; "
                     "impossible: below Landauer (bits x k_B T ln 2 per FLOP, bits = %s) or "
                     "Eq. 17 (1e2 N_a D k_B T) / Eq. 16 (2 N D k_B T), Tkachenko arXiv:2503.09980",
                  o->bits > 0 ? "--bits" : "the claim's precision width");
    if (estimates > 0)
        jf_table_note(t, "ESTIMATE: %d row(s) claim no energy; their energy is accelerator-hours "
                         "x board power, an ESTIMATE, not a claim, and only utilisation is "
                         "checked", estimates);
}

void jf_claim_table_checks(const jf_claim_eval_t *ev, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "claim", "check", "value", "limit", "unit", "value/limit", "result",
    };
    char text[JF_CLAIM_TEXT_LEN + 32];
    JF_TABLE_INIT(t, "checks", headers,
                  "Every check of every claim (a value must not be below its limit; utilisation "
                  "must not be above it)");
    for (int i = 0; i < n; i++) {
        const jf_claim_eval_t *e = &ev[i];
        for (int k = 0; k < e->nchecks; k++) {
            const jf_claim_check_t *c = &e->checks[k];
            const int r = jf_table_add_row(t);
            if (r < 0)
                return;
            row_name(e, text, sizeof text);
            jf_table_text(t, r, 0, text);
            jf_table_text(t, r, 1, c->name);
            real_or_empty(t, r, 2, c->value, "%.4g");
            real_or_empty(t, r, 3, c->limit, "%.4g");
            jf_table_text(t, r, 4, c->unit);
            real_or_empty(t, r, 5, c->value / c->limit, "%.4g");
            if (c->result == JF_CHECK_NOT_CHECKED)
                snprintf(text, sizeof text, "not checked: %s", c->why);
            else if (e->estimate && k == 0)
                snprintf(text, sizeof text, "%s (hours only; energy is an ESTIMATE)",
                         jf_check_result_str(c->result));
            else
                snprintf(text, sizeof text, "%s", jf_check_result_str(c->result));
            jf_table_text(t, r, 6, text);
        }
    }
}

void jf_claim_table_measured(const jf_claim_eval_t *ev, int n, const jf_result_t *run,
                           const char *run_hw, const jf_claim_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "claim", "measured [J/FLOP]", "measured basis", "claim FLOPs [FLOP]", "predicted [kWh]",
        "claimed IT or ESTIMATE [kWh]", "energy basis", "claimed/predicted", "hardware",
    };
    char text[JF_CLAIM_TEXT_LEN + 32];
    int est;
    const double j = jf_result_joules(run, &est);
    const double jpf = j / (double)run->flops_counted;
    const char *base = strrchr(run->path, '/');
    base = base ? base + 1 : run->path;
    JF_TABLE_INIT(t, "measured", headers,
                  "Claims predicted from the measured run %.60s (J per counted FLOP, %s)", base,
                  run->precision);
    int different = 0;
    for (int i = 0; i < n; i++) {
        const jf_claim_eval_t *e = &ev[i];
        const int r = jf_table_add_row(t);
        if (r < 0)
            return;
        const double predicted = jpf * e->flops;
        row_name(e, text, sizeof text);
        jf_table_text(t, r, 0, text);
        jf_table_real(t, r, 1, jpf, "%.4g");
        jf_table_text(t, r, 2, est ? "ESTIMATE (unmeasured nodes extrapolated)" : "measured");
        jf_table_real(t, r, 3, e->flops, "%.4g");
        jf_table_real(t, r, 4, predicted / KWH, "%.6g");
        jf_table_real(t, r, 5, e->it_j / KWH, "%.6g");
        jf_table_text(t, r, 6, e->basis);
        jf_table_real(t, r, 7, e->it_j / predicted, "%.4g");
        if (run_hw != NULL && strcmp(run_hw, e->hw->id) == 0) {
            snprintf(text, sizeof text, "same hardware (%s)", run_hw);
        } else {
            snprintf(text, sizeof text, "PREDICTION FROM DIFFERENT HARDWARE (%s, claim: %s)",
                     run_hw != NULL ? run_hw : "jflop-run on CPU", e->hw->id);
            different++;
        }
        jf_table_text(t, r, 8, text);
    }
    jf_table_note(t, "measured: %s, %.6g J over %.6g counted FLOPs on %lld node(s) (%.200s)",
                  run->path, j, (double)run->flops_counted, (long long)run->nodes, run->hosts);
    /* the run against Landauer at its own operand width (bf16: 16 bits) */
    const int prec = jf_precision_parse(run->precision);
    const double bits = o->bits > 0 ? o->bits
                        : prec >= 0 ? jf_precision_bits((jf_precision_t)prec) : 32;
    const double landauer = jf_landauer_flop(bits, o->temperature);
    jf_table_note(t, "the run: %.4g J/FLOP = %.4g x Landauer's %.4g J/FLOP at %g bits per FLOP "
                     "(%s) and %g K", jpf, jpf / landauer, landauer, bits,
                  o->bits > 0 ? "--bits" : "its operand width", o->temperature);
    jf_table_note(t, "predicted = measured J/FLOP x the claim's FLOPs; claimed/predicted "
                     "compares the claim's IT energy (or its ESTIMATE, see 'energy basis')");
    if (different > 0)
        jf_table_note(t, "%d row(s) predict from different hardware: a jflop-run's CPU J/FLOP "
                         "at %s says what that hardware would spend, not what the claim's "
                         "accelerators did (--measured-hardware NAME says which hardware the "
                         "run measured)", different, run->precision);
}
