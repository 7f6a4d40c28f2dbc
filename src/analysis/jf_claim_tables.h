/* jf_claim_tables.h: the tables of `jflop claim`, built from evaluated
 * claims (jf_claim_evaluate), as jf_report.h's are from results files. */
#ifndef JF_CLAIM_TABLES_H
#define JF_CLAIM_TABLES_H

#include "analysis/jf_claim.h"
#include "analysis/jf_result_read.h"
#include "out/jf_table.h"

/* "claims": one row per evaluated claim (per end of a claimed range): its
 * FLOPs, utilisation, energy, J/FLOP against the hardware floor and the
 * bounds, the verdict and why; notes name the files and the rules. */
void jf_claim_table_claims(const jf_claim_eval_t *ev, int n, const jf_claim_set_t *set,
                           const jf_hw_table_t *hw, const jf_claim_opts_t *o, jf_table_t *t);
/* "checks": every check of every claim, value against limit. */
void jf_claim_table_checks(const jf_claim_eval_t *ev, int n, jf_table_t *t);
/* "measured": each claim predicted from a measured run's J per counted
 * FLOP; run_hw names the hardware the run measured (NULL: a CPU run). */
void jf_claim_table_measured(const jf_claim_eval_t *ev, int n, const jf_result_t *run,
                             const char *run_hw, const jf_claim_opts_t *o, jf_table_t *t);

#endif
