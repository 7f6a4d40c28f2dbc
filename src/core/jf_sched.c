/* jf_sched.c: the scheduler's word on node exclusivity (see the header). */
#include "jf_sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jf_sched_parse_oversubscribe(const char *text, char *value, size_t vlen)
{
    const char *p = strstr(text, "OverSubscribe=");
    value[0] = '\0';
    if (p == NULL)
        return "unknown";
    p += strlen("OverSubscribe=");
    const size_t n = strcspn(p, " \t\n:");
    snprintf(value, vlen, "%.*s", (int)n, p);
    if (strcmp(value, "NO") == 0 || strcmp(value, "USER") == 0)
        return "yes";
    if (strcmp(value, "OK") == 0 || strcmp(value, "YES") == 0 || strcmp(value, "FORCE") == 0 ||
        strcmp(value, "MCS") == 0)
        return "no";
    return "unknown";
}

void jf_sched_exclusive(char *exclusive, size_t exlen, char *how, size_t howlen)
{
    const char *job = getenv("SLURM_JOB_ID");
    snprintf(exclusive, exlen, "unknown");
    if (job == NULL || job[0] == '\0') {
        snprintf(how, howlen, "not under Slurm (no SLURM_JOB_ID)");
        return;
    }
    /* the id goes to a shell: digits, '_' and '+' (array and het jobs) only */
    if (strspn(job, "0123456789_+") != strlen(job)) {
        snprintf(how, howlen, "SLURM_JOB_ID '%.40s' is not a job id", job);
        return;
    }
    /* JFLOP_SCONTROL: another scontrol (a site's wrapper; tests give their
     * own, as launchers put /usr/bin first on the ranks' PATH) */
    const char *scontrol = getenv("JFLOP_SCONTROL");
    if (scontrol == NULL || scontrol[0] == '\0')
        scontrol = "scontrol";
    if (strpbrk(scontrol, "'\\") != NULL) {
        snprintf(how, howlen, "JFLOP_SCONTROL holds a quote or backslash");
        return;
    }
    char cmd[1200], text[8192] = "", value[32];
    snprintf(cmd, sizeof cmd, "'%.1000s' show job %s 2>/dev/null", scontrol, job);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        snprintf(how, howlen, "scontrol could not be started");
        return;
    }
    const size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = '\0';
    const int status = pclose(p);
    if (status != 0 || n == 0) {
        snprintf(how, howlen, "Slurm job %s: 'scontrol show job' failed or is missing "
                 "(status %d)", job, status);
        return;
    }
    snprintf(exclusive, exlen, "%s", jf_sched_parse_oversubscribe(text, value, sizeof value));
    if (value[0])
        snprintf(how, howlen, "Slurm job %s: OverSubscribe=%s", job, value);
    else
        snprintf(how, howlen, "Slurm job %s: scontrol shows no OverSubscribe", job);
}
