/* jf_validate.h: `jflop validate`, the rules a submitted run must meet,
 * modelled on the EE HPC WG power measurement methodology behind the
 * Green500 (Levels 1, 2, 3) and MLPerf's power rules. The submission is
 * loaded by jf_submission, the rules are one table (jf_validate_rules.c),
 * and --pack writes the summary and the manifest (jf_pack). */
#ifndef JF_VALIDATE_H
#define JF_VALIDATE_H

#include <stdint.h>

#include "analysis/jf_submission.h"
#include "core/jf_error.h"

/* Thresholds of the rules (README's `jflop validate` table). */
#define JF_VALIDATE_MIN_PHASE_S 60.0      /* measured phase, every level */
#define JF_VALIDATE_MIN_RATE_HZ 1.0       /* readings per second, Level 2 */
#define JF_VALIDATE_MIN_SAMPLES_L2 10     /* readings in the phase */
#define JF_VALIDATE_MIN_SAMPLES_L3 60
#define JF_VALIDATE_MAX_GAP_SHARE 0.10    /* largest gap between readings / phase */
#define JF_VALIDATE_MAX_UNCOVERED_S 10.0  /* Level 3 */
#define JF_VALIDATE_MAX_SHARE 0.02       /* other processes' share of a node's CPU time */
#define JF_VALIDATE_NODES_FLOOR 15        /* metered nodes: at least this many, or all */
#define JF_VALIDATE_RULE_MANIFEST "manifest"

/* Metered nodes `level` requires of a job of `total` nodes: Level 1 the
 * larger of 1/10 of the nodes and 15, Level 2 of 1/8 and 15 (all when
 * fewer), Level 3 all. */
int64_t jf_validate_nodes_required(int level, int64_t total);

/* What one check of a rule found (a claim's verdict is jf_claim_verdict_t). */
typedef enum { JF_RULE_PASS = 0, JF_RULE_WARN, JF_RULE_FAIL } jf_rule_result_t;
const char *jf_rule_result_name(jf_rule_result_t r);   /* "PASS", "WARN", "FAIL" */

typedef struct jf_validation jf_validation_t;

/* A rule: checked at every level, required from `level` on. Below that
 * level a failure is shown as WARN (the submission would fail there). */
typedef struct {
    const char *id;           /* e.g. "flops.ledger" */
    int level;                /* 1, 2 or 3 */
    int per_file;             /* checked once per results file */
    const char *what;         /* the rule and its threshold, for the usage text */
    /* Adds one or more outcomes with jf_validation_add; `file` is the index
     * of the results file (per_file rules) or -1. */
    void (*check)(const jf_submission_t *s, int file, int level, jf_validation_t *v);
} jf_rule_t;

extern const jf_rule_t jf_validate_rules[];
extern const int jf_validate_nrules;

typedef struct {
    const jf_rule_t *rule;
    char file[256];           /* the file it concerns, "" for the submission */
    jf_rule_result_t result;  /* after the level is applied */
    int demoted;              /* a FAIL shown as WARN: required only at a higher level */
    char observed[1024];      /* the value seen, in words */
} jf_rule_outcome_t;

struct jf_validation {
    int level;
    const jf_rule_t *current; /* the rule being checked */
    int n, cap;
    jf_rule_outcome_t *outcomes;
    int npass, nwarn, nfail;
};

/* Record an outcome of the current rule (printf-style observed text). */
void jf_validation_add(jf_validation_t *v, const char *file, jf_rule_result_t result,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Check every rule at `level`; with_manifest 0 leaves out the manifest rule
 * (--pack, before the manifest exists). */
jf_err_t jf_validate_run(const jf_submission_t *s, int level, int with_manifest,
                         jf_validation_t *v);
void jf_validation_free(jf_validation_t *v);
/* The overall verdict: FAIL when any outcome failed, else PASS. */
jf_rule_result_t jf_validation_verdict(const jf_validation_t *v);

#endif
