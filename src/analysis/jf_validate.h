/* jf_validate.h: `jflop validate`, the rules a submitted run must meet,
 * modelled on the EE HPC WG power measurement methodology behind the
 * Green500 (Levels 1, 2, 3) and MLPerf's power rules. A submission is a
 * folder: the run's results files (*.h5), system.json (the system, see
 * results/submission-example/README.md), optionally site.json (a site
 * description, results/sites/README.md), and MANIFEST.sha256, which
 * `jflop validate --pack` writes with the submission summary. */
#ifndef JF_VALIDATE_H
#define JF_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_result_read.h"
#include "analysis/jf_site.h"
#include "core/jf_error.h"

#define JF_VALIDATE_MANIFEST "MANIFEST.sha256"
#define JF_VALIDATE_SYSTEM "system.json"
#define JF_VALIDATE_SITE "site.json"
#define JF_SYSTEM_SCHEMA_MAJOR 1   /* system.json's schema_version "1.x" */
#define JF_VALIDATE_SUMMARY_MD "submission.md"
#define JF_VALIDATE_SUMMARY_JSON "submission.json"

/* Thresholds of the rules (README's `jflop validate` table). */
#define JF_VALIDATE_MIN_PHASE_S 60.0      /* measured phase, every level */
#define JF_VALIDATE_MIN_RATE_HZ 1.0       /* readings per second, Level 2 */
#define JF_VALIDATE_MIN_SAMPLES_L2 10     /* readings in the phase */
#define JF_VALIDATE_MIN_SAMPLES_L3 60
#define JF_VALIDATE_MAX_GAP_SHARE 0.10    /* largest gap between readings / phase */
#define JF_VALIDATE_MAX_UNCOVERED_S 10.0  /* Level 3 */
#define JF_VALIDATE_NODES_FLOOR 15        /* metered nodes: at least this many, or all */

/* Metered nodes `level` requires of a job of `total` nodes: Level 1 the
 * larger of 1/10 of the nodes and 15, Level 2 of 1/8 and 15 (all when
 * fewer), Level 3 all. */
int64_t jf_validate_nodes_required(int level, int64_t total);

/* system.json, checked; figures converted to SI. */
typedef struct {
    char origin[1024];
    char submitter[128], system_name[128], node_model[128];
    char host_processor[128], accelerator[128], interconnect[256], cooling[128];
    char os[128], compiler[128], mpi[128], blis[128];
    int64_t number_of_nodes, processors_per_node, cores_per_processor, accelerators_per_node;
    double memory_bytes;                    /* per node */
    double peak_fp32, peak_fp64, peak_bf16; /* FLOP/s per node, 0 when not given */
    char peak_fp32_source[256], peak_fp64_source[256], peak_bf16_source[256];
} jf_system_t;

/* Parse and check a system description. Errors name the origin and the
 * field: missing, wrong type, a number without units or with a unit of the
 * wrong kind, out of range or implausible (a unit error); read strictly
 * (jf_json_in: unknown or duplicate keys, another schema, a newer major). */
jf_err_t jf_system_parse(const char *json_text, const char *origin, jf_system_t *sys,
                         char *msg, size_t msglen);
/* The same on len bytes (a NUL among them is refused). */
jf_err_t jf_system_parse_text(const char *json_text, size_t len, const char *origin,
                              jf_system_t *sys, char *msg, size_t msglen);
jf_err_t jf_system_load(const char *path, jf_system_t *sys, char *msg, size_t msglen);
/* The declared peak per node at "fp32" or "fp64"; 0 when not given. */
double jf_system_peak(const jf_system_t *sys, const char *precision);

/* A submission folder, loaded. */
typedef struct {
    char dir[1024];
    int nfiles;                   /* regular files at the top level, sorted */
    char **files;
    int nresults;                 /* the *.h5 among them, in file order */
    char **result_names;          /* base names */
    jf_result_t *results;
    jf_result_node_t **nodes;     /* each result's node groups */
    int *nnodes;
    jf_system_t system;
    int have_site;
    jf_site_t site;
} jf_submission_t;

/* Load a submission: every *.h5 read (nodes and traces too), system.json
 * and site.json checked. Anything unreadable or malformed returns an error
 * with one line naming the file and the field (the CLI exits 2). */
jf_err_t jf_submission_load(const char *dir, jf_submission_t *s, char *msg, size_t msglen);
void jf_submission_free(jf_submission_t *s);

typedef enum { JF_PASS = 0, JF_WARN, JF_FAIL } jf_verdict_t;
const char *jf_verdict_name(jf_verdict_t v);   /* "PASS", "WARN", "FAIL" */

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
    jf_verdict_t verdict;     /* after the level is applied */
    int demoted;              /* a FAIL shown as WARN: required only at a higher level */
    char observed[1024];      /* the value seen, in words */
} jf_outcome_t;

struct jf_validation {
    int level;
    const jf_rule_t *current; /* the rule being checked */
    int n, cap;
    jf_outcome_t *outcomes;
    int npass, nwarn, nfail;
};

/* Record an outcome of the current rule (printf-style observed text). */
void jf_validation_add(jf_validation_t *v, const char *file, jf_verdict_t verdict,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Check every rule at `level`; with_manifest 0 leaves out the manifest rule
 * (--pack, before the manifest exists). */
jf_err_t jf_validate_run(const jf_submission_t *s, int level, int with_manifest,
                         jf_validation_t *v);
void jf_validation_free(jf_validation_t *v);
/* The overall verdict: FAIL when any outcome failed. */
jf_verdict_t jf_validation_verdict(const jf_validation_t *v);

/* --pack: write submission.md and submission.json from a validation (the
 * manifest rule left out), then MANIFEST.sha256 over every file of the
 * folder. Errors name the file. */
jf_err_t jf_validate_pack(const jf_submission_t *s, const jf_validation_t *v, char *msg,
                          size_t msglen);

#endif
