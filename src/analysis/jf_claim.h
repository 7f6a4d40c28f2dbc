/* jf_claim.h: published training (and inference) energy claims, checked
 * against the hardware they name and against thermodynamic bounds.
 *
 * Two JSON files, formats in results/claims/README.md: a hardware table
 * (accelerators' datasheet peak FLOP/s per precision and board power) and a
 * claims file (model size, tokens or FLOPs, hardware, accelerator-hours,
 * claimed energy with its scope and PUE), every figure with its source.
 * Both ship in results/claims/ and are compiled in as the defaults.
 *
 * Evaluating a claim gives its FLOPs (published, else 6·N_a·D for training,
 * 2·N_a·D for inference), the model-FLOP utilisation its accelerator-hours
 * imply, the IT energy (claimed facility energy / PUE, or the claimed figure
 * itself when it is IT energy or its scope is unknown: an upper bound on IT
 * energy), the implied J/FLOP, the hardware's floor (board W / peak FLOP/s:
 * J/FLOP at 100% utilisation at board power), the Landauer cost per FLOP
 * and Eqs. 16/17 (Tkachenko, arXiv:2503.09980), and a verdict:
 *   consistent   every check that could be made passed;
 *   implausible  implied J/FLOP below the hardware floor, or utilisation
 *                above 100%;
 *   impossible   energy below a thermodynamic bound.
 * A claim without energy gets an ESTIMATE (hours × board power), labelled
 * as such, and its verdict rests on what can be checked (utilisation).
 * A claimed energy range is evaluated at both ends.
 *
 * Parsing (jf_claim_parse.c, the hardware in jf_claim_hw.c), evaluation
 * (jf_claim_eval.c) and the tables (jf_claim_tables.c) are one file each.
 * Library code: nothing is printed; errors are one line naming the file
 * (origin) and the field. */
#ifndef JF_CLAIM_H
#define JF_CLAIM_H

#include <stddef.h>

#include "analysis/jf_claim_hw.h"
#include "core/jf_error.h"

typedef enum { JF_CLAIM_TRAINING, JF_CLAIM_INFERENCE } jf_claim_kind_t;

/* What the claimed energy covers. */
typedef enum {
    JF_SCOPE_UNSTATED,   /* not said: taken as IT energy, an upper bound on it */
    JF_SCOPE_IT,         /* IT / accelerator energy */
    JF_SCOPE_FACILITY    /* includes the PUE: IT = E / PUE when PUE is given */
} jf_energy_scope_t;

typedef struct {
    char id[64], model[128], reference[JF_CLAIM_TEXT_LEN], note[512];
    jf_claim_kind_t kind;
    jf_claim_fig_t params, active_params, tokens, flops;
    /* hardware: index into the table the claims were parsed against */
    int hw_index;
    char precision[8];
    char hw_source[JF_CLAIM_SOURCE_LEN];
    jf_claim_fig_t accelerators, duration_h, accelerator_hours;
    /* energy in J; a range has lo < hi, a single figure lo == hi */
    int have_energy, energy_range;
    double energy_lo_j, energy_hi_j, energy_lo_value, energy_hi_value;
    char energy_unit[16];
    jf_energy_scope_t scope;
    char energy_source[JF_CLAIM_SOURCE_LEN];
    jf_claim_fig_t pue;
} jf_claim_t;

typedef struct {
    char origin[512];
    int n;
    jf_claim_t *claims;
} jf_claim_set_t;

/* What a claim is, all checks taken (a validation rule's outcome is
 * jf_rule_result_t). */
typedef enum {
    JF_CLAIM_CONSISTENT,
    JF_CLAIM_IMPLAUSIBLE,
    JF_CLAIM_IMPOSSIBLE
} jf_claim_verdict_t;

typedef enum {
    JF_CHECK_OK,
    JF_CHECK_IMPLAUSIBLE,
    JF_CHECK_IMPOSSIBLE,
    JF_CHECK_NOT_CHECKED
} jf_check_result_t;

/* One comparison: value against limit (value must not be below it, except
 * utilisation, which must not be above it). */
typedef struct {
    char name[48], unit[16];
    double value, limit;
    jf_check_result_t result;
    char why[JF_CLAIM_TEXT_LEN];   /* for NOT_CHECKED: why not */
} jf_claim_check_t;

/* Which end of a claimed range a row is about. */
typedef enum { JF_END_ONLY, JF_END_LOW, JF_END_HIGH } jf_claim_end_t;

typedef struct {
    const jf_claim_t *claim;
    const jf_hw_t *hw;
    jf_claim_end_t end;
    int flops_published;        /* flops is the published figure */
    double flops, flops_6nd;    /* flops_6nd: 6·N_a·D (2·N_a·D inference); NAN without N, D */
    double hours, mfu;          /* accelerator-hours; MFU as a fraction; NAN when unknown */
    double peak, board_w, floor_jpf;
    double claimed_j;           /* as claimed (facility or IT); NAN without energy */
    double it_j;                /* IT energy used for the checks, or the ESTIMATE */
    int estimate;               /* it_j is hours × board power, not a claim */
    char basis[JF_CLAIM_TEXT_LEN];  /* how it_j was obtained */
    /* A claimed energy that is accelerator-hours x board power (x PUE when
     * given) within JF_CLAIM_TDP_MATCH is not a measurement: tdp_ratio is
     * claimed / that product (NAN without hours or energy), tdp_estimate 1
     * when it matches, and basis then says "TDP-based estimate, not a
     * measurement". */
    double tdp_ratio;
    int tdp_estimate;
    double w_per_accel;         /* it_j / hours */
    double implied_jpf;         /* it_j / flops */
    double temperature, bits, landauer_jpf, landauer_j, eq17_j, eq16_j;
    jf_claim_verdict_t verdict;
    char reason[JF_CLAIM_REASON_LEN];
    int nchecks;
    jf_claim_check_t checks[JF_CLAIM_MAX_CHECKS];
} jf_claim_eval_t;

#define JF_CLAIM_TDP_MATCH 0.01   /* relative */
#define JF_CLAIM_TDP_LABEL "TDP-based estimate, not a measurement"

typedef struct {
    double temperature;   /* K; 300 by default */
    double bits;          /* operand width per FLOP; 0: the claim's precision */
} jf_claim_opts_t;

/* Claims, checked against a hardware table (unknown hardware, or a
 * precision the hardware has no peak for, is an error naming the field). */
jf_err_t jf_claims_parse(const char *json_text, const char *origin, const jf_hw_table_t *hw,
                         jf_claim_set_t *s, char *msg, size_t msglen);
jf_err_t jf_claims_parse_text(const char *json_text, size_t len, const char *origin,
                              const jf_hw_table_t *hw, jf_claim_set_t *s, char *msg,
                              size_t msglen);
/* path NULL: the built-in results/claims/claims.json */
jf_err_t jf_claims_load(const char *path, const jf_hw_table_t *hw, jf_claim_set_t *s,
                        char *msg, size_t msglen);
void jf_claims_free(jf_claim_set_t *s);
const jf_claim_t *jf_claims_find(const jf_claim_set_t *s, const char *id);

/* How many rows a claim gives: 2 for an energy range, else 1. */
int jf_claim_nends(const jf_claim_t *c);

/* Evaluate one claim (one end of a range: end 0 low, 1 high). */
void jf_claim_evaluate(const jf_claim_t *c, const jf_hw_table_t *hw, int end,
                       const jf_claim_opts_t *o, jf_claim_eval_t *e);

const char *jf_claim_verdict_str(jf_claim_verdict_t v);
const char *jf_check_result_str(jf_check_result_t r);
const char *jf_energy_scope_str(jf_energy_scope_t s);

#endif
