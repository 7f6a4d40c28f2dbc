/* jf_validate.c: the validation of a submission: the rules of
 * jf_validate_rules.c applied at a level, their outcomes recorded. */
#include "jf_validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jf_rule_result_name(jf_rule_result_t r)
{
    return r == JF_RULE_PASS ? "PASS" : r == JF_RULE_WARN ? "WARN" : "FAIL";
}

void jf_validation_add(jf_validation_t *v, const char *file, jf_rule_result_t result,
                       const char *fmt, ...)
{
    if (v->n == v->cap) {
        const int cap = v->cap ? 2 * v->cap : 32;
        jf_rule_outcome_t *grown = realloc(v->outcomes, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return;  /* jf_validate_run reports the shortfall */
        v->outcomes = grown;
        v->cap = cap;
    }
    jf_rule_outcome_t *o = &v->outcomes[v->n++];
    memset(o, 0, sizeof *o);
    o->rule = v->current;
    snprintf(o->file, sizeof o->file, "%s", file != NULL ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->observed, sizeof o->observed, fmt, ap);
    va_end(ap);
    if (result == JF_RULE_FAIL && v->current != NULL && v->current->level > v->level) {
        result = JF_RULE_WARN;
        o->demoted = 1;
    }
    o->result = result;
    if (result == JF_RULE_PASS)
        v->npass++;
    else if (result == JF_RULE_WARN)
        v->nwarn++;
    else
        v->nfail++;
}

jf_err_t jf_validate_run(const jf_submission_t *s, int level, int with_manifest,
                         jf_validation_t *v)
{
    memset(v, 0, sizeof *v);
    v->level = level;
    for (int k = 0; k < jf_validate_nrules; k++) {
        const jf_rule_t *rule = &jf_validate_rules[k];
        const int at = level > rule->level ? level : rule->level;
        if (!with_manifest && strcmp(rule->id, JF_VALIDATE_RULE_MANIFEST) == 0)
            continue;
        v->current = rule;
        if (rule->per_file)
            for (int i = 0; i < s->nresults; i++)
                rule->check(s, i, at, v);
        else
            rule->check(s, -1, at, v);
    }
    v->current = NULL;
    return v->n > 0 ? JF_OK : JF_ENOMEM;
}

void jf_validation_free(jf_validation_t *v)
{
    free(v->outcomes);
    memset(v, 0, sizeof *v);
}

jf_rule_result_t jf_validation_verdict(const jf_validation_t *v)
{
    return v->nfail > 0 ? JF_RULE_FAIL : JF_RULE_PASS;
}
