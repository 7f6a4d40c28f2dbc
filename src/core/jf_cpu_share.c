/* jf_cpu_share.c: the node's CPU time other processes used (see the header). */
#include "jf_cpu_share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jf_cpu_share_root(void)
{
    const char *root = getenv(JF_CPU_SHARE_ROOT_ENV);
    return root != NULL && root[0] ? root : "/proc";
}

/* The whole of a small proc file (they report size 0, so read to EOF). */
static int read_text(const char *path, char *buf, size_t len, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, whylen, "%.120s: cannot be opened", path);
        return -1;
    }
    const size_t n = fread(buf, 1, len - 1, f);
    const int bad = ferror(f);
    fclose(f);
    buf[n] = '\0';
    if (bad) {
        snprintf(why, whylen, "%.120s: read error", path);
        return -1;
    }
    return 0;
}

jf_err_t jf_cpu_parse_stat(const char *text, unsigned long long *busy, unsigned long long *total,
                           char *why, size_t whylen)
{
    /* the aggregate line comes first: "cpu  user nice system idle iowait
     * irq softirq steal [guest guest_nice]" (guest time is inside user) */
    const char *line = text;
    while (line != NULL && strncmp(line, "cpu ", 4) != 0) {
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    if (line == NULL) {
        snprintf(why, whylen, "no aggregate 'cpu ' line");
        return JF_EINVAL;
    }
    unsigned long long v[8];
    const char *p = line + 4;
    for (int k = 0; k < 8; k++) {
        char *end;
        while (*p == ' ')
            p++;
        if (*p < '0' || *p > '9') {
            snprintf(why, whylen, "'cpu' line: field %d is not a count of jiffies", k + 1);
            return JF_EINVAL;
        }
        v[k] = strtoull(p, &end, 10);
        p = end;
    }
    *busy = v[0] + v[1] + v[2] + v[5] + v[6];
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    return JF_OK;
}

jf_err_t jf_cpu_parse_self(const char *text, unsigned long long *busy, char *why, size_t whylen)
{
    const char *p = strrchr(text, ')');
    if (p == NULL) {
        snprintf(why, whylen, "no ')' after the command name");
        return JF_EINVAL;
    }
    p++;
    /* after ')': state (field 3) ... utime is field 14, stime 15 */
    unsigned long long utime = 0, stime = 0;
    for (int field = 3; field <= 15; field++) {
        while (*p == ' ')
            p++;
        if (*p == '\0' || *p == '\n') {
            snprintf(why, whylen, "only %d fields", field - 1);
            return JF_EINVAL;
        }
        if (field >= 14) {
            char *end;
            if (*p < '0' || *p > '9') {
                snprintf(why, whylen, "field %d is not a count of jiffies", field);
                return JF_EINVAL;
            }
            (field == 14 ? &utime : &stime)[0] = strtoull(p, &end, 10);
            p = end;
        } else {
            p += strcspn(p, " \n");
        }
    }
    *busy = utime + stime;
    return JF_OK;
}

void jf_cpu_sample(const char *root, jf_cpu_sample_t *s)
{
    char path[1100], text[16384], why[128];
    memset(s, 0, sizeof *s);
    if (root == NULL)
        root = jf_cpu_share_root();
    snprintf(path, sizeof path, "%s/stat", root);
    if (read_text(path, text, sizeof text, s->why, sizeof s->why) != 0)
        return;
    if (jf_cpu_parse_stat(text, &s->node_busy, &s->node_total, why, sizeof why) != JF_OK) {
        snprintf(s->why, sizeof s->why, "%.90s: %.60s", path, why);
        return;
    }
    snprintf(path, sizeof path, "%s/self/stat", root);
    if (read_text(path, text, sizeof text, s->why, sizeof s->why) != 0)
        return;
    if (jf_cpu_parse_self(text, &s->self_busy, why, sizeof why) != JF_OK) {
        snprintf(s->why, sizeof s->why, "%.90s: %.60s", path, why);
        return;
    }
    s->ok = 1;
}

jf_err_t jf_cpu_share(const jf_cpu_sample_t *start, const jf_cpu_sample_t *stop,
                      unsigned long long job_busy, double *share, char *why, size_t whylen)
{
    if (!start->ok || !stop->ok) {
        snprintf(why, whylen, "%s", !start->ok ? start->why : stop->why);
        return JF_EINVAL;
    }
    if (stop->node_busy < start->node_busy || stop->node_total < start->node_total) {
        snprintf(why, whylen, "the node's /proc/stat counters went backwards over the phase");
        return JF_EINVAL;
    }
    const unsigned long long total = stop->node_total - start->node_total;
    const unsigned long long busy = stop->node_busy - start->node_busy;
    if (total == 0) {
        /* a frozen tree, or a phase shorter than a jiffy: nothing to judge */
        snprintf(why, whylen, "the node's /proc/stat did not advance over the phase");
        return JF_ERANGE;
    }
    const double other = (double)busy - (double)job_busy;
    *share = other <= 0 ? 0 : other >= (double)total ? 1 : other / (double)total;
    return JF_OK;
}
