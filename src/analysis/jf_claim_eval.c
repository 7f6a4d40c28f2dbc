/* jf_claim_eval.c: one claim evaluated: its FLOPs, utilisation, IT
 * energy and J/FLOP against the hardware floor and the thermodynamic
 * bounds, and the verdict (see jf_claim.h). Nothing here prints. */
#include "jf_claim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/jf_bounds.h"

const char *jf_claim_verdict_str(jf_claim_verdict_t v)
{
    static const char *const s[] = {"consistent", "implausible", "impossible"};
    return s[v];
}

const char *jf_check_result_str(jf_check_result_t r)
{
    static const char *const s[] = {"ok", "IMPLAUSIBLE", "IMPOSSIBLE", "not checked"};
    return s[r];
}

const char *jf_energy_scope_str(jf_energy_scope_t sc)
{
    static const char *const s[] = {"unstated", "it", "facility"};
    return s[sc];
}

int jf_claim_nends(const jf_claim_t *c)
{
    return c->have_energy && c->energy_range ? 2 : 1;
}

static jf_claim_check_t *add_check(jf_claim_eval_t *e, const char *name, const char *unit,
                                   double value, double limit)
{
    jf_claim_check_t *k = &e->checks[e->nchecks++];
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->unit, sizeof k->unit, "%s", unit);
    k->value = value;
    k->limit = limit;
    k->result = JF_CHECK_OK;
    return k;
}

static void not_checked(jf_claim_check_t *k, const char *why)
{
    k->result = JF_CHECK_NOT_CHECKED;
    snprintf(k->why, sizeof k->why, "%s", why);
}

void jf_claim_evaluate(const jf_claim_t *c, const jf_hw_table_t *hwt, int end,
                       const jf_claim_opts_t *o, jf_claim_eval_t *e)
{
    const double T = o->temperature;
    const int training = c->kind == JF_CLAIM_TRAINING;

    memset(e, 0, sizeof *e);
    e->claim = c;
    e->hw = &hwt->hw[c->hw_index];
    e->end = jf_claim_nends(c) == 1 ? JF_END_ONLY : (end == 0 ? JF_END_LOW : JF_END_HIGH);
    e->temperature = T;

    /* FLOPs: published, else 6·N_a·D (training) or 2·N_a·D (inference) */
    const double n_total = c->params.given ? c->params.value : NAN;
    const double n_active = c->active_params.given ? c->active_params.value : n_total;
    const double d = c->tokens.given ? c->tokens.value : NAN;
    e->flops_6nd = (training ? 6.0 : 2.0) * n_active * d;   /* NAN when unknown */
    e->flops_published = c->flops.given;
    e->flops = c->flops.given ? c->flops.value : e->flops_6nd;

    /* hardware */
    e->peak = jf_hw_peak(e->hw, c->precision)->flop_per_s.value;
    e->board_w = e->hw->board_w.value;
    e->floor_jpf = e->board_w / e->peak;

    /* accelerator-hours and model-FLOP utilisation */
    e->hours = c->accelerator_hours.given ? c->accelerator_hours.value
             : c->accelerators.given    ? c->accelerators.value * c->duration_h.value
                                        : NAN;
    e->mfu = e->flops / (e->hours * 3600.0 * e->peak);

    /* energy: what the checks compare is IT energy */
    if (c->have_energy) {
        e->claimed_j = e->end == JF_END_HIGH ? c->energy_hi_j : c->energy_lo_j;
        e->it_j = e->claimed_j;
        switch (c->scope) {
        case JF_SCOPE_FACILITY:
            if (c->pue.given) {
                e->it_j = e->claimed_j / c->pue.value;
                snprintf(e->basis, sizeof e->basis, "facility / PUE %g = IT energy", c->pue.value);
            } else {
                snprintf(e->basis, sizeof e->basis,
                         "facility, PUE not stated: used as IT (upper bound)");
            }
            break;
        case JF_SCOPE_IT:
            if (c->pue.given)
                snprintf(e->basis, sizeof e->basis, "IT energy as claimed (PUE %g not applied)",
                         c->pue.value);
            else
                snprintf(e->basis, sizeof e->basis, "IT energy as claimed");
            break;
        default:
            snprintf(e->basis, sizeof e->basis, "scope not stated: used as IT (upper bound)");
            break;
        }
    } else {
        e->claimed_j = NAN;
        e->it_j = e->hours * 3600.0 * e->board_w;
        e->estimate = 1;
        snprintf(e->basis, sizeof e->basis, "ESTIMATE: accelerator-hours x board power");
    }
    /* a claim that is hours x board power (x PUE) was computed, not metered */
    e->tdp_ratio = NAN;
    if (c->have_energy && !isnan(e->hours)) {
        /* the IT energy against hours x W, or the claim as stated against
         * hours x W x PUE (a facility figure made from TDP): the closer */
        const double tdp_j = e->hours * 3600.0 * e->board_w;
        const double it = e->it_j / tdp_j;
        const double fac = c->pue.given ? e->claimed_j / (tdp_j * c->pue.value) : it;
        e->tdp_ratio = fabs(fac - 1.0) < fabs(it - 1.0) ? fac : it;
        if (fabs(e->tdp_ratio - 1.0) <= JF_CLAIM_TDP_MATCH) {
            e->tdp_estimate = 1;
            const size_t used = strlen(e->basis);
            snprintf(e->basis + used, sizeof e->basis - used, "; %s", JF_CLAIM_TDP_LABEL);
        }
    }
    e->w_per_accel = e->it_j / (e->hours * 3600.0);
    e->implied_jpf = e->it_j / e->flops;

    /* thermodynamic bounds */
    e->bits = o->bits > 0 ? o->bits : jf_claim_precision_bits(c->precision);
    e->landauer_jpf = jf_landauer_flop(e->bits, T);
    e->landauer_j = e->landauer_jpf * e->flops;
    e->eq17_j = training ? jf_bound_training_digital(n_active, d, T) : NAN;
    e->eq16_j = training ? jf_bound_training_analog(n_total, d, T) : NAN;

    /* the checks */
    jf_claim_check_t *k_mfu = add_check(e, "utilisation <= 100%", "%", 100.0 * e->mfu, 100.0);
    if (isnan(e->hours))
        not_checked(k_mfu, "no accelerator-hours given");
    else if (e->mfu > 1.0)
        k_mfu->result = JF_CHECK_IMPLAUSIBLE;

    jf_claim_check_t *k_floor = add_check(e, "J/FLOP >= hardware floor", "J/FLOP",
                                          e->implied_jpf, e->floor_jpf);
    jf_claim_check_t *k_land = add_check(e, "J/FLOP >= Landauer", "J/FLOP", e->implied_jpf,
                                         e->landauer_jpf);
    jf_claim_check_t *k_17 = add_check(e, "energy >= Eq. 17 (digital)", "J", e->it_j, e->eq17_j);
    jf_claim_check_t *k_16 = add_check(e, "energy >= Eq. 16 (analog)", "J", e->it_j, e->eq16_j);
    if (e->estimate) {
        const char *why = "no energy claimed (the ESTIMATE is not a claim)";
        not_checked(k_floor, why);
        not_checked(k_land, why);
        not_checked(k_17, why);
        not_checked(k_16, why);
    } else {
        if (e->implied_jpf < e->floor_jpf)
            k_floor->result = JF_CHECK_IMPLAUSIBLE;
        if (e->implied_jpf < e->landauer_jpf)
            k_land->result = JF_CHECK_IMPOSSIBLE;
        if (!training) {
            not_checked(k_17, "a training bound; this is an inference claim");
            not_checked(k_16, "a training bound; this is an inference claim");
        } else if (isnan(e->eq17_j)) {
            not_checked(k_17, "params or tokens not given");
            not_checked(k_16, "params or tokens not given");
        } else {
            if (e->it_j < e->eq17_j)
                k_17->result = JF_CHECK_IMPOSSIBLE;
            if (e->it_j < e->eq16_j)
                k_16->result = JF_CHECK_IMPOSSIBLE;
        }
    }

    /* verdict: the worst check; the reason names the first check of that kind */
    int failed = 0;
    e->verdict = JF_CLAIM_CONSISTENT;
    for (int i = 0; i < e->nchecks; i++) {
        const jf_check_result_t r = e->checks[i].result;
        if (r == JF_CHECK_IMPOSSIBLE || r == JF_CHECK_IMPLAUSIBLE)
            failed++;
        if (r == JF_CHECK_IMPOSSIBLE)
            e->verdict = JF_CLAIM_IMPOSSIBLE;
        else if (r == JF_CHECK_IMPLAUSIBLE && e->verdict == JF_CLAIM_CONSISTENT)
            e->verdict = JF_CLAIM_IMPLAUSIBLE;
    }
    const char *more = failed > 1 ? " (and more, see checks)" : "";
    if (e->verdict == JF_CLAIM_IMPOSSIBLE) {
        if (k_land->result == JF_CHECK_IMPOSSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J/FLOP is below Landauer's %.3g J/FLOP%s",
                     e->implied_jpf, e->landauer_jpf, more);
        else if (k_17->result == JF_CHECK_IMPOSSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J is below the Eq. 17 bound %.3g J%s",
                     e->it_j, e->eq17_j, more);
        else
            snprintf(e->reason, sizeof e->reason, "%.3g J is below the Eq. 16 bound %.3g J%s",
                     e->it_j, e->eq16_j, more);
    } else if (e->verdict == JF_CLAIM_IMPLAUSIBLE) {
        if (k_floor->result == JF_CHECK_IMPLAUSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J/FLOP is %.3gx below the %s floor%s",
                     e->implied_jpf, e->floor_jpf / e->implied_jpf, e->hw->id, more);
        else
            snprintf(e->reason, sizeof e->reason, "utilisation %.3g%% of the %s %s peak is above "
                     "100%%%s", 100.0 * e->mfu, e->hw->id, c->precision, more);
    } else if (e->estimate) {
        snprintf(e->reason, sizeof e->reason, "no energy claimed: utilisation %.3g%% is possible",
                 100.0 * e->mfu);
    } else if (!isnan(e->hours)) {
        snprintf(e->reason, sizeof e->reason, "%.3gx the hardware floor at %.3g%% utilisation",
                 e->implied_jpf / e->floor_jpf, 100.0 * e->mfu);
    } else {
        snprintf(e->reason, sizeof e->reason, "%.3gx the hardware floor (no hours to check)",
                 e->implied_jpf / e->floor_jpf);
    }
}
