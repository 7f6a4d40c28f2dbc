/* jf_sched.c: the scheduler's word on node exclusivity (see the header). */
#include "jf_sched.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/jf_child.h"
#include "core/jf_clock.h"

#define JF_SCHED_TIMEOUT_S 10 /* s scontrol may take */

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

/* `SCONTROL show job JOB`'s output into text, without a shell and within
 * JF_SCHED_TIMEOUT_S (the other ranks wait for this, and a slurmctld that
 * is down or failing over makes scontrol retry for minutes): its exit
 * status, 124 when it was killed for taking too long, 127 when it could
 * not be run, -1 when no child could be made. */
static int run_bounded(const char *scontrol, const char *job, char *text, size_t size)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        jf_child_dies_with_parent(parent);
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        execlp(scontrol, scontrol, "show", "job", job, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    int timed_out = 0;
    const double deadline = jf_clock_seconds() + JF_SCHED_TIMEOUT_S;
    for (;;) {
        const double left = deadline - jf_clock_seconds();
        struct pollfd pfd = {fd[0], POLLIN, 0};
        const int ready = left > 0 ? poll(&pfd, 1, (int)(left * 1000) + 1) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            timed_out = 1;
            kill(pid, SIGKILL);
            break;
        }
        char sink[512];
        const int room = used + 1 < size;
        const ssize_t n = room ? read(fd[0], text + used, size - 1 - used)
                               : read(fd[0], sink, sizeof sink);  /* drain the rest */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (room)
            used += (size_t)n;
    }
    text[used] = '\0';
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (timed_out)
        return 124;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void jf_sched_exclusive(char *exclusive, size_t exlen, char *how, size_t howlen)
{
    const char *job = getenv("SLURM_JOB_ID");
    snprintf(exclusive, exlen, "unknown");
    if (job == NULL || job[0] == '\0') {
        snprintf(how, howlen, "not under Slurm (no SLURM_JOB_ID)");
        return;
    }
    /* a job id: digits, '_' and '+' (array and het jobs) only */
    if (strspn(job, "0123456789_+") != strlen(job)) {
        snprintf(how, howlen, "SLURM_JOB_ID '%.40s' is not a job id", job);
        return;
    }
    /* JFLOP_SCONTROL: another scontrol (a site's wrapper; tests give their
     * own, as launchers put /usr/bin first on the ranks' PATH) */
    const char *scontrol = getenv("JFLOP_SCONTROL");
    if (scontrol == NULL || scontrol[0] == '\0')
        scontrol = "scontrol";
    char text[8192] = "", value[32];
    const int code = run_bounded(scontrol, job, text, sizeof text);
    if (code == 124) {
        snprintf(how, howlen, "Slurm job %s: 'scontrol show job' did not answer within %d s",
                 job, JF_SCHED_TIMEOUT_S);
        return;
    }
    if (code != 0 || text[0] == '\0') {
        snprintf(how, howlen, "Slurm job %s: 'scontrol show job' failed or is missing "
                 "(exit status %d)", job, code);
        return;
    }
    snprintf(exclusive, exlen, "%s", jf_sched_parse_oversubscribe(text, value, sizeof value));
    if (value[0])
        snprintf(how, howlen, "Slurm job %s: OverSubscribe=%s", job, value);
    else
        snprintf(how, howlen, "Slurm job %s: scontrol shows no OverSubscribe", job);
}
