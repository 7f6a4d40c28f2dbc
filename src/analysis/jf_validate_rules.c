/* jf_validate_rules.c: the rules of `jflop validate`, one function each,
 * listed in one table with their level and threshold (README's table). A
 * rule reads the loaded submission and records its outcomes; it never
 * reads a file outside the ones the submission's walk listed. */
#include "jf_validate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "analysis/jf_manifest.h"
#include "core/jf_sha256.h"
#include "energy/jf_energy.h"

/* ------------------------------------------------------------------------ */
/* the rules                                                                */

#define FILE_NAME(s, i) ((s)->result_names[i])

/* Nodes whose energy was measured and stayed valid. */
static int metered_nodes(const jf_submission_t *s, int i)
{
    int n = 0;
    for (int k = 0; k < s->nnodes[i]; k++)
        n += s->nodes[i][k].measured && !s->nodes[i][k].invalid;
    return n;
}

int64_t jf_validate_nodes_required(int level, int64_t total)
{
    if (level >= 3 || total <= JF_VALIDATE_NODES_FLOOR)
        return total;
    const int64_t share = level == 2 ? (total + 7) / 8 : (total + 9) / 10;
    const int64_t need = share > JF_VALIDATE_NODES_FLOOR ? share : JF_VALIDATE_NODES_FLOOR;
    return need < total ? need : total;
}

/* The measured phase as a node's trace shows it: readings from the phase
 * start mark to the stop mark. Returns 0 and fills the figures, or -1 when
 * the trace lacks the marks. */
typedef struct {
    size_t first, last, readings;
    double max_gap, uncovered, span;
} jf_phase_trace_t;

static int phase_trace(const jf_result_node_t *x, jf_phase_trace_t *p)
{
    int have_first = 0, have_last = 0;
    memset(p, 0, sizeof *p);
    for (size_t r = 0; r < x->trace_rows; r++) {
        if (x->trace_mark[r] == 2 && !have_first) {
            p->first = r;
            have_first = 1;
        }
        if (x->trace_mark[r] == 3) {
            p->last = r;
            have_last = 1;
        }
    }
    if (!have_first || !have_last || p->last < p->first)
        return -1;
    p->readings = p->last - p->first + 1;
    for (size_t r = p->first + 1; r <= p->last; r++) {
        const double gap = x->trace[r * x->trace_cols] - x->trace[(r - 1) * x->trace_cols];
        if (gap > p->max_gap)
            p->max_gap = gap;
        /* a gap of more than two intervals missed a reading: what it
         * lasts beyond one interval went unobserved (shorter gaps are the
         * sampler's jitter around its deadlines, which is not lost time) */
        if (gap > 2 * x->sample_interval)
            p->uncovered += gap - x->sample_interval;
    }
    p->span = x->trace[p->last * x->trace_cols] - x->trace[p->first * x->trace_cols];
    return 0;
}

/* The submission's walked file `name`, or -1: only files the walk vetted
 * (inside the folder) are ever hashed, whatever the manifest names. */
static int walked(const jf_submission_t *s, const char *name)
{
    for (int i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i], name) == 0)
            return i;
    return -1;
}

static void rule_manifest(const jf_submission_t *s, int file, int level, jf_validation_t *v)
{
    (void)file;
    (void)level;
    char path[JF_SUBMISSION_PATH_MAX + 4200], line[4096], msg[JF_MSG_LEN];
    int nlisted = 0, bad = 0, lineno = 0;
    char *listed = calloc((size_t)(s->nfiles > 0 ? s->nfiles : 1), 1);  /* per walked file */
    snprintf(path, sizeof path, "%s/%s", s->dir, JF_SUBMISSION_MANIFEST);
    FILE *f = walked(s, JF_SUBMISSION_MANIFEST) >= 0 ? fopen(path, "r") : NULL;
    if (listed == NULL || f == NULL) {
        jf_validation_add(v, JF_SUBMISSION_MANIFEST, JF_RULE_FAIL,
                          "missing: the files' SHA-256 cannot be checked (jflop validate --pack "
                          "writes it)");
        free(listed);
        if (f != NULL)
            fclose(f);
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char want[JF_SHA256_HEXLEN], got[JF_SHA256_HEXLEN];
        const char *name = NULL;
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (jf_manifest_parse_line(line, want, &name) != 0 ||
            strcmp(name, JF_SUBMISSION_MANIFEST) == 0) {
            jf_validation_add(v, JF_SUBMISSION_MANIFEST, JF_RULE_FAIL,
                              "line %d is not '<64 hex digits>  <file inside the folder>': "
                              "%.300s", lineno, line);
            bad++;
            continue;
        }
        const int k = walked(s, name);
        if (k >= 0 && listed[k]) {
            jf_validation_add(v, name, JF_RULE_FAIL, "listed twice in %s",
                              JF_SUBMISSION_MANIFEST);
            bad++;
            continue;
        }
        if (k < 0) {
            jf_validation_add(v, name, JF_RULE_FAIL, "listed in %s but missing from the folder",
                              JF_SUBMISSION_MANIFEST);
            bad++;
            continue;
        }
        listed[k] = 1;
        nlisted++;
        snprintf(path, sizeof path, "%s/%s", s->dir, name);
        if (jf_sha256_file(path, got, msg, sizeof msg) != JF_OK) {
            jf_validation_add(v, name, JF_RULE_FAIL, "%s", msg);
            bad++;
        } else if (strcmp(want, got) != 0) {
            jf_validation_add(v, name, JF_RULE_FAIL,
                              "content does not match %s (SHA-256 %.16s..., listed %.16s...): "
                              "changed after packing", JF_SUBMISSION_MANIFEST, got, want);
            bad++;
        }
    }
    fclose(f);
    for (int i = 0; i < s->nfiles; i++)
        if (!listed[i] && strcmp(s->files[i], JF_SUBMISSION_MANIFEST) != 0) {
            jf_validation_add(v, s->files[i], JF_RULE_FAIL, "in the folder but not in %s",
                              JF_SUBMISSION_MANIFEST);
            bad++;
        }
    if (bad == 0)
        jf_validation_add(v, JF_SUBMISSION_MANIFEST, JF_RULE_PASS,
                          "%d files listed, each present with a matching SHA-256; nothing "
                          "unlisted", nlisted);
    free(listed);
}

static void rule_versions(const jf_submission_t *s, int file, int level, jf_validation_t *v)
{
    (void)file;
    (void)level;
    const jf_result_t *a = &s->results[0];
    int same = 1;
    for (int i = 1; i < s->nresults; i++) {
        const jf_result_t *b = &s->results[i];
        if (strcmp(a->jflop_version, b->jflop_version) != 0 ||
            strcmp(a->schema_version, b->schema_version) != 0) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                              "jflop %s, schema %s; but %s has jflop %s, schema %s",
                              b->jflop_version, b->schema_version, FILE_NAME(s, 0),
                              a->jflop_version, a->schema_version);
            same = 0;
        }
    }
    if (same)
        jf_validation_add(v, NULL, JF_RULE_PASS, "jflop %s, schema %s on all %d file%s",
                          a->jflop_version, a->schema_version, s->nresults,
                          s->nresults == 1 ? "" : "s");
}

static void rule_system_nodes(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const int64_t sys = s->system.number_of_nodes;
    if (r->nodes > sys)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "ran on %lld nodes, more than the %lld system.json describes",
                          (long long)r->nodes, (long long)sys);
    else if (r->nodes < sys)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "ran on %lld of the %lld nodes system.json describes",
                          (long long)r->nodes, (long long)sys);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "ran on %lld node%s, all of %s",
                          (long long)sys, sys == 1 ? "" : "s", s->system.system_name);
}

/* The processor's model number: the first token of name with 3 or more
 * digits in a row ("7763", "8480+" -> "8480", "E5-2680"), its punctuation
 * at either end dropped; core counts ("128-Core") are not one. "" when the
 * name has none (a VM's "AMD EPYC", Arm's part numbers, "POWER9"). */
static void model_number(const char *name, char *tok, size_t len)
{
    tok[0] = '\0';
    for (const char *p = name; *p;) {
        while (*p == ' ' || *p == '(' || *p == ')' || *p == ',')
            p++;
        const size_t n = strcspn(p, " (),");
        int run = 0, best = 0;
        for (size_t k = 0; k < n; k++) {
            run = p[k] >= '0' && p[k] <= '9' ? run + 1 : 0;
            best = run > best ? run : best;
        }
        const int core_count = n > 5 && strncasecmp(p + n - 5, "-core", 5) == 0;
        if (best >= 3 && !core_count) {
            size_t a = 0, b = n;
            while (a < b && !isalnum((unsigned char)p[a]))
                a++;
            while (b > a && !isalnum((unsigned char)p[b - 1]))
                b--;
            snprintf(tok, len, "%.*s", (int)(b - a < len ? b - a : len - 1), p + a);
            return;
        }
        p += n;
    }
}

/* hay holds needle, compared without case */
static int holds(const char *hay, const char *needle)
{
    for (const char *h = hay; *h; h++)
        if (strncasecmp(h, needle, strlen(needle)) == 0)
            return 1;
    return 0;
}

/* The processor the run recorded (1.9) is the one system.json describes:
 * its model number in host_processor_model_name, its CPU count the
 * described cores with 1, 2, 4 or 8 threads each; one kind on all nodes. */
static void rule_system_processor(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const jf_system_t *sys = &s->system;
    const int64_t cores = sys->processors_per_node * sys->cores_per_processor;
    if (r->cpu[0] == '\0' || strncmp(r->cpu, "unknown", 7) == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "the run does not name its processor (%s): system.json's '%s' "
                          "cannot be checked", r->cpu[0] ? r->cpu : "a file before schema 1.9",
                          sys->host_processor);
        return;
    }
    if (!r->cpu_uniform) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "the run's nodes had different processors (rank 0's: %s): a "
                          "submission describes one system", r->cpu);
        return;
    }
    char number[64], count[160];
    model_number(r->cpu_model_name, number, sizeof number);
    int threads_ok = 0;
    for (int t = 1; t <= 8; t *= 2)
        threads_ok |= cores > 0 && r->cpu_count == cores * t;
    if (threads_ok)
        snprintf(count, sizeof count, "%lld CPUs: %lld x %lld cores", (long long)r->cpu_count,
                 (long long)sys->processors_per_node, (long long)sys->cores_per_processor);
    else
        snprintf(count, sizeof count, "the node lists %lld CPUs, not system.json's %lld x %lld "
                 "cores with 1, 2, 4 or 8 threads each", (long long)r->cpu_count,
                 (long long)sys->processors_per_node, (long long)sys->cores_per_processor);
    if (number[0] && !holds(sys->host_processor, number))
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "the run's processor '%s' has model number %s, which system.json's "
                          "'%s' does not name; %s", r->cpu_model_name, number,
                          sys->host_processor, count);
    else if (!number[0])
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "the run's processor name '%s' holds no model number to compare with "
                          "system.json's '%s'; %s", r->cpu_model_name, sys->host_processor,
                          count);
    else
        jf_validation_add(v, FILE_NAME(s, i), threads_ok ? JF_RULE_PASS : JF_RULE_WARN,
                          "%s (model number %s in system.json's '%s'); %s", r->cpu_model_name,
                          number, sys->host_processor, count);
}

static void rule_status(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    if (strcmp(r->status, "complete") == 0 && r->min_seconds > 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "status complete, %lld measured steps "
                          "(%lld asked, then --min-seconds %g)", (long long)r->steps_done,
                          (long long)r->steps, r->min_seconds);
    else if (strcmp(r->status, "complete") == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "status complete, %lld of %lld measured "
                          "steps", (long long)r->steps_done, (long long)r->steps);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "status %s: %s", r->status,
                          r->status_reason);
}

static void rule_ledger(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    char a[JF_U128_STRLEN], b[JF_U128_STRLEN];
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    if (r->tokens == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "D = 0: no measured tokens");
    else if (r->flops_6nd != f6nd)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "flops_6nd %s is not 6 x N x D = %s (N %llu, D %llu)",
                          jf_u128_str(r->flops_6nd, a, sizeof a), jf_u128_str(f6nd, b, sizeof b),
                          (unsigned long long)r->n_params, (unsigned long long)r->tokens);
    else if (r->flops_dense_counted != f6nd)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "dense FLOPs counted %s != 6 x N x D = %s",
                          jf_u128_str(r->flops_dense_counted, a, sizeof a),
                          jf_u128_str(f6nd, b, sizeof b));
    else if (!r->verified)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "counted = 6 x N x D, but the run did not mark its ledger verified");
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "dense FLOPs counted = 6 x N x D = %s exactly (N %llu, D %llu)",
                          jf_u128_str(f6nd, a, sizeof a), (unsigned long long)r->n_params,
                          (unsigned long long)r->tokens);
}

static void rule_verify(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    static const char *const needed[] = {"gemm", "gradients", "ranks"};
    char seen[512] = "";
    size_t used = 0;
    if (!r->have_verify) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "no /verify in the file (schema %s, before 1.2): the checks cannot "
                          "be seen", r->schema_version);
        return;
    }
    if (!r->verify_requested || r->nverify == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "the run was made without --verify: no numerical check ran");
        return;
    }
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++) {
        const jf_result_check_t *c = NULL;
        for (int j = 0; j < r->nverify; j++)
            if (strcmp(r->verify[j].name, needed[k]) == 0)
                c = &r->verify[j];
        if (c == NULL) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "check %s missing from /verify",
                              needed[k]);
            return;
        }
        const int must_run = strcmp(c->name, "ranks") != 0 || r->ranks > 1;
        if (!c->ran && must_run) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "check %s did not run: %s", c->name,
                              c->detail);
            return;
        }
        if (c->ran && (!c->pass || !(c->value < c->threshold))) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "check %s %s: %.3g, threshold %.3g",
                              c->name, c->pass ? "marked pass but above its threshold" : "failed",
                              c->value, c->threshold);
            return;
        }
        const int w = c->ran ? snprintf(seen + used, sizeof seen - used, "%s%s %.3g < %.3g",
                                        used ? ", " : "", c->name, c->value, c->threshold)
                             : snprintf(seen + used, sizeof seen - used, "%s%s n/a on 1 rank",
                                        used ? ", " : "", c->name);
        used += w > 0 && (size_t)w < sizeof seen - used ? (size_t)w : 0;
    }
    jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "--verify passed in this run (jflop %s): %s",
                      r->jflop_version, seen);
}

/* Invalid nodes whose reason contains `needle`. */
static void rule_invalid(const jf_submission_t *s, int i, const char *needle, const char *what,
                         jf_validation_t *v, int check_trace)
{
    int bad = 0;
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        if (x->invalid && strstr(x->reason, needle) != NULL) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "node %s: %s", x->node, x->reason);
            bad++;
        }
        /* the trace itself: each domain's cumulative Joules never decrease */
        for (size_t c = 1; check_trace && !x->invalid && c < x->trace_cols; c++)
            for (size_t row = 1; row < x->trace_rows; row++) {
                const double prev = x->trace[(row - 1) * x->trace_cols + c];
                const double now = x->trace[row * x->trace_cols + c];
                if (now < prev - 1e-9 * fabs(prev)) {
                    jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                                      "node %s: the trace's domain %zu goes down at reading %zu "
                                      "(%.6g J -> %.6g J)", x->node, c, row, prev, now);
                    bad++;
                    row = x->trace_rows;
                    c = x->trace_cols;
                }
            }
    }
    if (bad == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "%s on %d node%s", what, s->nnodes[i],
                          s->nnodes[i] == 1 ? "" : "s");
}

static void rule_startup(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    rule_invalid(s, i, "startup", "no counter restart (pm_counters startup unchanged)", v, 0);
}

static void rule_backwards(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    rule_invalid(s, i, "backwards", "no counter went backwards (flags and traces)", v, 1);
}

static void rule_energy_measured(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const int metered = metered_nodes(s, i);
    if (strcmp(r->energy_status, "measured") != 0 || metered == 0 || !r->have_joules) {
        const char *why = "";
        for (int k = 0; k < s->nnodes[i] && why[0] == '\0'; k++)
            why = s->nodes[i][k].reason;
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "energy %s (source %s)%s%s",
                          r->energy_status, r->energy_source, why[0] ? ": " : "", why);
    } else {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "%.6g J measured by %s on %d of %lld "
                          "node%s", r->joules, r->energy_source, metered, (long long)r->nodes,
                          r->nodes == 1 ? "" : "s");
    }
}

/* A note, never a failure: whether the run measured idle power, so that
 * its dynamic energy (gross - idle) can be told from its gross energy. */
static void rule_energy_idle(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    double watts = 0;
    int idle_nodes = 0;
    for (int k = 0; k < s->nnodes[i]; k++)
        if (s->nodes[i][k].measured && s->nodes[i][k].have_idle) {
            watts += s->nodes[i][k].idle_watts;
            idle_nodes++;
        }
    if (r->have_idle)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "idle measured (note): %.4g W on %d node%s over %.3g s asked; "
                          "dynamic %.6g J of %.6g J gross",
                          watts, idle_nodes, idle_nodes == 1 ? "" : "s", r->idle_seconds_asked,
                          r->dynamic_joules, r->joules);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "idle not measured (note): %s; the energy is gross only",
                          r->idle_seconds_asked > 0 ? "not on every measured node"
                                                    : "--idle-seconds 0 or an older file");
}

static void rule_energy_nodes(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    const int64_t total = s->nnodes[i];
    const int metered = metered_nodes(s, i);
    const int64_t need = jf_validate_nodes_required(level, total);
    if (total != r->nodes || total != r->total_nodes) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "%lld node groups, but /config/nodes %lld and /energy/total_nodes %lld",
                          (long long)total, (long long)r->nodes, (long long)r->total_nodes);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), metered >= need ? JF_RULE_PASS : JF_RULE_FAIL,
                      "%d of %lld nodes metered; level %d needs %lld (%s)", metered,
                      (long long)total, level, (long long)need,
                      level >= 3   ? "all"
                      : level == 2 ? "the larger of 1/8 and 15, or all if fewer"
                                   : "the larger of 1/10 and 15, or all if fewer");
}

static void rule_extrapolation(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    double sum = 0;
    const int metered = metered_nodes(s, i);
    for (int k = 0; k < s->nnodes[i]; k++)
        if (s->nodes[i][k].measured && !s->nodes[i][k].invalid)
            sum += s->nodes[i][k].joules;
    if (metered == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "no metered node: nothing to sum or "
                                                       "extrapolate");
        return;
    }
    if (!r->have_joules || fabs(r->joules - sum) > 1e-9 * fabs(sum)) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "/energy/joules_total %.9g is not the sum of the metered nodes, %.9g",
                          r->have_joules ? r->joules : 0.0, sum);
        return;
    }
    if (!r->extrapolated) {
        jf_validation_add(v, FILE_NAME(s, i), metered == r->nodes ? JF_RULE_PASS : JF_RULE_FAIL,
                          metered == r->nodes ? "none: %.6g J is the sum over the %d metered "
                                                "node(s), every node of the run"
                                              : "%.6g J from %d nodes, but not extrapolated to "
                                                "the job's nodes",
                          sum, metered);
        return;
    }
    const double want = sum / metered * (double)r->nodes;
    if (fabs(r->joules_extrapolated - want) > 1e-9 * want) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "the estimate %.9g J is not the metered mean x %lld nodes = %.9g J",
                          r->joules_extrapolated, (long long)r->nodes, want);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), level >= 3 ? JF_RULE_FAIL : JF_RULE_WARN,
                      "the job's %.6g J is an ESTIMATE extrapolated from %d of %lld nodes "
                      "(measured %.6g J)%s", want, metered, (long long)r->nodes, sum,
                      level >= 3 ? "; level 3 measures every node" : "");
}

static void rule_phase(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    double shortest = r->seconds;
    const char *which = "the run's";
    for (int k = 0; k < s->nnodes[i]; k++)
        if (s->nodes[i][k].measured && s->nodes[i][k].seconds < shortest) {
            shortest = s->nodes[i][k].seconds;
            which = "a node's metered";
        }
    jf_validation_add(v, FILE_NAME(s, i), shortest >= JF_VALIDATE_MIN_PHASE_S ? JF_RULE_PASS : JF_RULE_FAIL,
                      "measured phase %.3f s (%s, the shortest), needs >= %g s", shortest, which,
                      JF_VALIDATE_MIN_PHASE_S);
    (void)level;
}

/* The sampling rules look at every metered node's trace. */
typedef enum { SAMPLE_RATE, SAMPLE_COUNT, SAMPLE_GAP, SAMPLE_COVER } jf_sample_rule_t;

static void rule_sampling(const jf_submission_t *s, int i, int level, jf_validation_t *v,
                          jf_sample_rule_t which)
{
    int checked = 0, bad = 0;
    double worst = which == SAMPLE_RATE || which == SAMPLE_COUNT ? INFINITY : 0;
    const char *worst_node = "";
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        jf_phase_trace_t p;
        if (!x->measured)
            continue;
        checked++;
        if (phase_trace(x, &p) != 0) {
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "node %s: the trace has no measured "
                              "phase marks", x->node);
            bad++;
            continue;
        }
        const double secs = x->seconds > 0 ? x->seconds : p.span;
        double val = 0, lim = 0;
        int ok = 1;
        switch (which) {
        case SAMPLE_RATE:
            /* intervals per second: the phase's start and stop readings
             * are taken on top of the periodic ones */
            val = secs > 0 ? (double)(p.readings - 1) / secs : 0;
            /* a source that refreshes slowly (a BMC) repeats its reading
             * between refreshes: its own distinct readings count (1.6) */
            if (x->have_effective_rate && x->effective_rate < val)
                val = x->effective_rate;
            ok = val >= JF_VALIDATE_MIN_RATE_HZ && x->sample_interval <= 1.0;
            break;
        case SAMPLE_COUNT:
            val = (double)p.readings;
            lim = level >= 3 ? JF_VALIDATE_MIN_SAMPLES_L3 : JF_VALIDATE_MIN_SAMPLES_L2;
            ok = val >= lim;
            break;
        case SAMPLE_GAP:
            val = secs > 0 ? p.max_gap / secs : INFINITY;
            ok = val <= JF_VALIDATE_MAX_GAP_SHARE;
            lim = p.max_gap;
            break;
        case SAMPLE_COVER:
            /* gaps beyond the sampling interval, and the run's phase the
             * meter's readings do not span */
            val = p.uncovered + (s->results[i].seconds > secs ? s->results[i].seconds - secs : 0);
            ok = val <= JF_VALIDATE_MAX_UNCOVERED_S;
            break;
        }
        const int worse = which == SAMPLE_RATE || which == SAMPLE_COUNT ? val < worst : val > worst;
        if (worse || worst_node[0] == '\0') {
            worst = val;
            worst_node = x->node;
        }
        if (!ok) {
            bad++;
            switch (which) {
            case SAMPLE_RATE:
                jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                                  "node %s: %.3g %sreadings per second (sampled every %.3g s), "
                                  "needs >= 1 per second", x->node, val,
                                  x->have_effective_rate ? "of the source's own " : "",
                                  x->sample_interval);
                break;
            case SAMPLE_COUNT:
                jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                                  "node %s: %.0f readings in the phase, level %d needs >= %.0f",
                                  x->node, val, level, lim);
                break;
            case SAMPLE_GAP:
                jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                                  "node %s: a gap of %.3f s between readings is %.1f%% of the "
                                  "%.3f s phase, needs <= 10%%", x->node, lim, 100 * val, secs);
                break;
            case SAMPLE_COVER:
                jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                                  "node %s: %.3f s of the phase uncovered by readings, needs "
                                  "<= %g s", x->node, val, JF_VALIDATE_MAX_UNCOVERED_S);
                break;
            }
        }
    }
    if (checked == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "no metered node: nothing was sampled");
        return;
    }
    if (bad > 0)
        return;
    switch (which) {
    case SAMPLE_RATE:
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "%.3g readings per second at least (node %s), every %.3g s",
                          worst, worst_node, s->results[i].sample_interval);
        break;
    case SAMPLE_COUNT:
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "%.0f readings in the phase at least (node %s), level %d needs >= %d",
                          worst, worst_node, level,
                          level >= 3 ? JF_VALIDATE_MIN_SAMPLES_L3 : JF_VALIDATE_MIN_SAMPLES_L2);
        break;
    case SAMPLE_GAP:
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "largest gap between readings %.2f%% of the phase (node %s), needs "
                          "<= 10%%", 100 * worst, worst_node);
        break;
    case SAMPLE_COVER:
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "%.3f s of the phase uncovered at most (node %s), needs <= %g s", worst,
                          worst_node, JF_VALIDATE_MAX_UNCOVERED_S);
        break;
    }
}

static void rule_rate(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_RATE);
}

static void rule_count(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_COUNT);
}

static void rule_gap(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_GAP);
}

static void rule_cover(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_COVER);
}

/* The GEMMs ran on tuned kernels: not BLIS's generic reference code, and
 * a bf16 run's products on bf16 instructions (emulated bf16 is a WARN: the
 * figure is real but says nothing about the CPU's bf16 hardware). Files
 * before schema 1.4 ran every GEMM on BLIS. */
static void rule_gemm(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const char *arch = r->blis_arch;
    if (r->gemm_backend[0] != '\0' && strcmp(r->gemm_backend, "blis") != 0) {
        if (r->gemm_emulated)
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                              "%s GEMMs on %s (%s) were EMULATED: this CPU ran no bf16 "
                              "instructions", r->precision, r->gemm_backend, r->gemm_kernel);
        else
            jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "%s GEMMs on %s (%s)", r->precision,
                              r->gemm_backend, r->gemm_kernel);
    } else if (arch[0] == '\0' || strcmp(arch, "generic") == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "BLIS ran its %s kernels: the reference code, not this CPU's",
                          arch[0] ? arch : "(unnamed)");
    } else {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS, "BLIS %s kernels", arch);
    }
}

static void rule_peak(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const double rate = r->seconds > 0 ? (double)r->flops_counted / r->seconds : INFINITY;
    const double declared = jf_system_peak(&s->system, r->precision) * (double)r->nodes;
    if (!(rate <= declared)) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "%.4g FLOP/s counted, above the theoretical %s peak of %lld node%s, "
                          "%.4g FLOP/s (system.json): the ledger or the clock is wrong",
                          rate, r->precision, (long long)r->nodes, r->nodes == 1 ? "" : "s",
                          declared);
        return;
    }
    if (r->have_peak_flops && r->peak_flops > 0 && rate > r->peak_flops) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "%.4g FLOP/s counted, above the %.4g FLOP/s FMA peak the run measured "
                          "(below the theoretical %.4g)", rate, r->peak_flops, declared);
        return;
    }
    if (r->have_peak_flops && r->peak_flops > declared) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_WARN,
                          "the measured FMA peak %.4g FLOP/s is above the declared theoretical "
                          "%.4g FLOP/s: is system.json's peak too low?", r->peak_flops, declared);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                      "%.4g FLOP/s counted = %.3g%% of the theoretical %s peak %.4g FLOP/s%s",
                      rate, 100 * rate / declared, r->precision, declared,
                      r->have_peak_flops ? "; below the measured FMA peak" : "");
}

/* Level 2 and 3 need a meter that sees the whole node (pm_counters,
 * redfish) on every metered node: RAPL alone leaves out accelerators,
 * network, fans and power-supply losses. */
static void rule_coverage(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    int metered = 0, partial = 0;
    const char *first = NULL, *first_covers = "";
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        if (!x->measured || x->invalid)
            continue;
        metered++;
        const int c = jf_energy_covers_find(x->covers[0] ? x->covers : NULL, x->backend);
        if (c < 0 || !jf_energy_covers_node((jf_energy_covers_t)c)) {
            if (partial++ == 0) {
                first = x->node;
                first_covers = c >= 0 ? jf_energy_covers_text((jf_energy_covers_t)c) : "unknown";
            }
        }
    }
    if (metered == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL, "no metered node, nothing covered");
        return;
    }
    if (partial > 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "%d of %d metered nodes lack a node-level meter (node %s: %s by %s); "
                          "Level 2 and 3 need pm_counters or redfish on every one", partial,
                          metered, first, first_covers, s->results[i].energy_source);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_PASS,
                          "all %d metered nodes have a node-level meter (%s)", metered,
                          s->results[i].energy_source);
}

/* The nodes were the job's own: other processes used at most
 * JF_VALIDATE_MAX_SHARE of any node's CPU time in the measured phase. The
 * scheduler's word is quoted beside it. */
static void rule_sharing(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    int known = 0, over = 0;
    double max = 0;
    const char *worst = "";
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        if (!x->have_share)
            continue;
        known++;
        over += x->other_cpu_share > JF_VALIDATE_MAX_SHARE;
        if (x->other_cpu_share >= max) {
            max = x->other_cpu_share;
            worst = x->node;
        }
    }
    char sched[256];
    snprintf(sched, sizeof sched, "scheduler exclusive: %s%s%s%s",
             r->exclusive[0] ? r->exclusive : "unknown", r->exclusive_how[0] ? " (" : "",
             r->exclusive_how, r->exclusive_how[0] ? ")" : "");
    if (s->nnodes[i] == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "no node groups in the file: the nodes' CPU sharing cannot be "
                          "judged; %s", sched);
        return;
    }
    if (known < s->nnodes[i]) {
        const char *why = "";
        for (int k = 0; k < s->nnodes[i] && why[0] == '\0'; k++)
            if (!s->nodes[i][k].have_share)
                why = s->nodes[i][k].share_how[0] ? s->nodes[i][k].share_how
                                                   : "not recorded (before schema 1.7)";
        jf_validation_add(v, FILE_NAME(s, i), JF_RULE_FAIL,
                          "other processes' CPU share unknown on %d of %d nodes (%s); %s",
                          s->nnodes[i] - known, s->nnodes[i], why, sched);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), over > 0 ? JF_RULE_FAIL : JF_RULE_PASS,
                      "other processes used up to %.2f %% of a node's CPU time (node %s; "
                      "%d node%s above %g %%); %s", 100 * max, worst, over, over == 1 ? "" : "s",
                      100 * JF_VALIDATE_MAX_SHARE, sched);
}

/* README's table, in its order; designated, so that no field slips. */
const jf_rule_t jf_validate_rules[] = {
    {.id = "manifest", .level = 1, .per_file = 0, .check = rule_manifest,
     .what = "MANIFEST.sha256 lists every file of the folder; each SHA-256 matches"},
    {.id = "versions", .level = 1, .per_file = 0, .check = rule_versions,
     .what = "one jflop_version and schema_version on every results file"},
    {.id = "system.nodes", .level = 1, .per_file = 1, .check = rule_system_nodes,
     .what = "the run's nodes <= number_of_nodes in system.json (fewer: WARN)"},
    {.id = "system.processor", .level = 1, .per_file = 1, .check = rule_system_processor,
     .what = "the run's processor is system.json's (model number, CPU count) on every node; "
             "unnamed or unlike: WARN; nodes differing: FAIL"},
    {.id = "status", .level = 1, .per_file = 1, .check = rule_status,
     .what = "status complete"},
    {.id = "flops.ledger", .level = 1, .per_file = 1, .check = rule_ledger,
     .what = "dense FLOPs counted == 6*N*D, recomputed from N and D"},
    {.id = "verify", .level = 1, .per_file = 1, .check = rule_verify,
     .what = "--verify ran in the run; every applicable check passed, value < threshold"},
    {.id = "counters.startup", .level = 1, .per_file = 1, .check = rule_startup,
     .what = "no counter invalidated by a restart (pm_counters startup)"},
    {.id = "counters.backwards", .level = 1, .per_file = 1, .check = rule_backwards,
     .what = "no counter went backwards (flag or trace)"},
    {.id = "energy.measured", .level = 1, .per_file = 1, .check = rule_energy_measured,
     .what = "energy measured by a backend, not estimated or missing"},
    {.id = "energy.nodes", .level = 1, .per_file = 1, .check = rule_energy_nodes,
     .what = "metered nodes: L1 max(n/10, 15), L2 max(n/8, 15), or all if fewer; L3 all"},
    {.id = "energy.extrapolation", .level = 1, .per_file = 1, .check = rule_extrapolation,
     .what = "sums consistent; an extrapolated total WARNs (L1, L2), FAILs at L3"},
    {.id = "phase.seconds", .level = 1, .per_file = 1, .check = rule_phase,
     .what = "measured phase >= 60 s"},
    {.id = "sampling.rate", .level = 2, .per_file = 1, .check = rule_rate,
     .what = ">= 1 reading per second on every metered node"},
    {.id = "sampling.count", .level = 2, .per_file = 1, .check = rule_count,
     .what = ">= 10 readings in the phase (L2), >= 60 (L3)"},
    {.id = "sampling.interval", .level = 2, .per_file = 1, .check = rule_gap,
     .what = "every gap between readings <= 10% of the phase"},
    {.id = "sampling.coverage", .level = 3, .per_file = 1, .check = rule_cover,
     .what = "<= 10 s of the phase uncovered by readings"},
    {.id = "energy.coverage", .level = 2, .per_file = 1, .check = rule_coverage,
     .what = "a node-level meter (pm_counters, redfish) on every metered node; RAPL alone WARNs at L1"},
    {.id = "node.sharing", .level = 2, .per_file = 1, .check = rule_sharing,
     .what = "other processes used <= 2% of each node's CPU time in the phase; above WARNs at L1"},
    {.id = "gemm.kernels", .level = 1, .per_file = 1, .check = rule_gemm,
     .what = "GEMMs on tuned kernels: not BLIS's generic ones; bf16 not emulated (WARN)"},
    {.id = "flops.peak", .level = 1, .per_file = 1, .check = rule_peak,
     .what = "FLOP rate <= theoretical peak x nodes (system.json); WARN above the measured FMA peak"},
    {.id = "energy.idle", .level = 1, .per_file = 1, .check = rule_energy_idle,
     .what = "a note, never a failure: idle power measured (--idle-seconds), dynamic energy given"},
};
const int jf_validate_nrules = (int)(sizeof jf_validate_rules / sizeof jf_validate_rules[0]);
