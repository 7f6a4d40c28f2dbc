/* jf_cmd_validate.c: `jflop validate [--level 1|2|3] [--pack] SUBMISSION`.
 * Prints every rule with PASS, WARN or FAIL and the value it saw, then the
 * verdict. Exit 0 pass, 1 fail, 2 unreadable input (one line naming the
 * file and the field). --pack first writes the submission summary and
 * MANIFEST.sha256, then validates the packed folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_pack.h"
#include "analysis/jf_validate.h"
#include "cli/jf_cmd.h"

static void print_validation(FILE *out, const jf_submission_t *s, const jf_validation_t *v)
{
    fprintf(out, "jflop validate: %s: %d results file%s; system '%s' (%lld node%s); %s; "
                 "level %d\n",
            s->dir, s->nresults, s->nresults == 1 ? "" : "s", s->system.system_name,
            (long long)s->system.number_of_nodes, s->system.number_of_nodes == 1 ? "" : "s",
            s->have_site ? "site.json valid" : "no site.json", v->level);
    for (int k = 0; k < v->n; k++) {
        const jf_rule_outcome_t *o = &v->outcomes[k];
        fprintf(out, "%s  L%d  %-20s  %s%s%s", jf_rule_result_name(o->result), o->rule->level,
                o->rule->id, o->file, o->file[0] ? ": " : "", o->observed);
        if (o->demoted)
            fprintf(out, " [a level %d rule: FAIL at --level %d]", o->rule->level,
                    o->rule->level);
        fputc('\n', out);
    }
    const jf_rule_result_t verdict = jf_validation_verdict(v);
    fprintf(out, "verdict: %s at level %d (%d checks: %d passed, %d warning%s, %d failed)",
            jf_rule_result_name(verdict), v->level, v->n, v->npass, v->nwarn,
            v->nwarn == 1 ? "" : "s", v->nfail);
    if (verdict == JF_RULE_FAIL) {
        const char *sep = ": ";
        fputs("; failed", out);
        for (int k = 0; k < v->n; k++) {
            int first = v->outcomes[k].result == JF_RULE_FAIL;
            for (int j = 0; first && j < k; j++)  /* each rule named once */
                first = !(v->outcomes[j].result == JF_RULE_FAIL &&
                          v->outcomes[j].rule == v->outcomes[k].rule);
            if (first) {
                fprintf(out, "%s%s", sep, v->outcomes[k].rule->id);
                sep = ", ";
            }
        }
    }
    fputc('\n', out);
}

int jf_cmd_validate(int argc, char **argv)
{
    char msg[JF_MSG_LEN];
    int pack = 0, status = 2;
    jf_submission_t sub;
    jf_validation_t v;

    static const char *const levels[] = {"1", "2", "3", NULL};
    const char *level_name = "1";
    const jf_cmd_arg_t args[] = {
        {"level", JF_ARG_CHOICE, &level_name, levels},
        {"pack", JF_ARG_FLAG, &pack, NULL},
    };
    const int stop = JF_CMD_ARGS("validate", argc, argv, args);
    if (stop != JF_CMD_GO_ON)
        return stop;
    const int level = atoi(level_name);
    if (optind != argc - 1) {
        fprintf(stderr, "jflop validate: give one SUBMISSION folder (see jflop validate --help)\n");
        return 2;
    }
    const char *dir = argv[optind];
    memset(&v, 0, sizeof v);
    /* where --pack writes, checked before anything is read */
    if (pack && jf_pack_check(dir, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "jflop validate: %s\n", msg);
        return 2;
    }
    if (jf_submission_load(dir, &sub, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "jflop validate: %s\n", msg);
        jf_submission_free(&sub);
        return 2;
    }
    if (pack) {
        /* the summary records every rule but the manifest, which it is part of */
        if (jf_validate_run(&sub, level, 0, &v) != JF_OK ||
            jf_pack(&sub, &v, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop validate: %s\n", msg);
            goto cleanup;
        }
        jf_validation_free(&v);
        jf_submission_free(&sub);
        printf("jflop validate: packed %s: wrote %s, %s and %s\n", dir, JF_SUBMISSION_SUMMARY_MD,
               JF_SUBMISSION_SUMMARY_JSON, JF_SUBMISSION_MANIFEST);
        if (jf_submission_load(dir, &sub, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop validate: %s\n", msg);
            goto cleanup;
        }
    }
    if (jf_validate_run(&sub, level, 1, &v) != JF_OK) {
        fprintf(stderr, "jflop validate: out of memory\n");
        goto cleanup;
    }
    print_validation(stdout, &sub, &v);
    status = jf_validation_verdict(&v) == JF_RULE_PASS ? 0 : 1;
cleanup:
    jf_validation_free(&v);
    jf_submission_free(&sub);
    return status;
}
